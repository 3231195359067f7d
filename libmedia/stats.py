"""The month in numbers: a small table of rows -> the figures of one post.

A library fills one spreadsheet per month, four columns, one row per
figure (``samples/statistik-bulanan.csv``)::

    bagian,label,nilai,sebelumnya
    bulan,Oktober 2025,,
    angka,Pengunjung,12480,11120
    grafik,Minggu 1,2980,
    teratas,Laskar Pelangi,64,
    porsi,Fiksi,1450,

``bagian`` (section) says what a row is; English headers and words work
too (``section,label,value,previous``; ``month``, ``number``, ``chart``,
``top``, ``share``):

=====================  ===================================================
``bulan`` / month      the month: ``Oktober 2025``, ``Okt 2025``,
                       ``October 2025``, ``2025-10`` or ``10/2025`` in the
                       label (or the value); written in the post's language
``angka`` / number     a big number (at most :data:`MAX_NUMBERS`); with
                       ``sebelumnya`` (last month's figure) its change
``grafik`` / chart     a column of the column chart (visits per week...)
``teratas`` / top      a bar of the top list (most borrowed titles), sorted
                       largest first, at most :data:`MAX_TOP`
``porsi`` / share      a slice of the donut (loans by collection)
``judul grafik``,      the heading over the chart, the top list or the
``judul teratas``,     donut, in the label (else the template's own)
``judul porsi``
=====================  ===================================================

Numbers are read as people type them (``12480``, ``12.480``, ``12,480``:
:func:`libmedia.chart.parse_amount`).  Every problem (an unknown section, a
value that is not a number, a negative count, too many numbers) is a
:class:`~libmedia.errors.DataError` naming the data file, the row and the
column, all of them at once.  A template reads the figures with the
``month_stats`` filter: ``{% set s = records | month_stats(lang) %}``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from .chart import MAX_DATA, Amount, format_number, format_percent, parse_amount
from .errors import DataError, Location, ProblemList

#: Header names (compared lower-case, letters and digits only) of each column.
COLUMNS = {
    "section": ("bagian", "section", "jenis", "kind"),
    "label": ("label", "keterangan", "nama", "name", "title"),
    "value": ("nilai", "value", "jumlah", "total"),
    "previous": ("sebelumnya", "previous", "bulanlalu", "lastmonth"),
}
#: Section words (compared lower-case, letters only) -> section.
SECTIONS = {
    "bulan": "month", "periode": "month", "month": "month", "period": "month",
    "angka": "number", "number": "number", "angkautama": "number",
    "grafik": "chart", "chart": "chart", "kolom": "chart", "column": "chart",
    "teratas": "top", "top": "top", "terpopuler": "top", "palingbanyak": "top",
    "porsi": "share", "share": "share", "komposisi": "share", "donut": "share",
    "judulgrafik": "chart_heading", "chartheading": "chart_heading",
    "judulteratas": "top_heading", "topheading": "top_heading",
    "judulporsi": "share_heading", "shareheading": "share_heading",
}
MAX_NUMBERS = 4
MAX_TOP = 5
_WORDS = "bulan, angka, grafik, teratas, porsi, judul grafik, judul teratas, judul porsi " \
         "(or month, number, chart, top, share, chart heading, top heading, share heading)"


def _key(text: str) -> str:
    t = unicodedata.normalize("NFKD", str(text)).casefold()
    return re.sub(r"[^a-z0-9]", "", t)


def _field(view: Any, column: str) -> tuple[str, str | None]:
    """The value of ``column`` (a key of :data:`COLUMNS`) in a record and
    the name of the field it came from (None: no such column)."""
    fields = dict(getattr(view, "_fields", None) or view)
    for name in COLUMNS[column]:
        for k, v in fields.items():
            if _key(k) == name:
                return str(v if v is not None else "").strip(), k
    return "", None


def _where(view: Any, field: str | None) -> Location:
    return Location(file=getattr(view, "_source", None), row=getattr(view, "_row", None),
                    field=field)


def _month_names() -> dict[str, int]:
    from babel.dates import get_month_names

    out: dict[str, int] = {}
    for lang in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for n, name in get_month_names(width, context, lang).items():
                    out[_key(name)] = n
    out.update({"agt": 8, "agust": 8, "sept": 9, "nop": 11, "peb": 2, "pebruari": 2})
    return out


def parse_month(text: str) -> date:
    """A month as a library writes it: ``Oktober 2025``, ``Okt 2025``,
    ``October 2025``, ``2025-10``, ``10/2025``, ``10-2025``, ``2025/10``
    -> the first day of that month.  Raises ``ValueError``."""
    t = text.strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*\d{1,2})?", t)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    else:
        m = re.fullmatch(r"(\d{1,2})\s*[-/.]\s*(\d{4})", t)
        if m:
            mo, y = int(m.group(1)), int(m.group(2))
        else:
            m = re.fullmatch(r"([^\W\d_]+)\.?\s*,?\s*(\d{4})", t)
            mo = _month_names().get(_key(m.group(1)), 0) if m else 0
            y = int(m.group(2)) if m else 0
    if not (1 <= mo <= 12 and 1900 <= y <= 2999):
        raise ValueError(f"{text!r} is not a month")
    return date(y, mo, 1)


def _section(items: list[dict], heading: str) -> dict[str, Any]:
    return {"data": items, "heading": heading,
            "total": Amount(sum(i["value"] for i in items)) if items else Amount(0)}


def month_stats(records: Sequence[Any], language: str = "id") -> dict[str, Any]:
    """The figures of one "month in numbers" post from its rows (the
    template's ``records``: record views with the columns of :data:`COLUMNS`).

    Returns ``{"month": "Oktober 2025" or "", "month_name": "Oktober",
    "previous_month": "September", "numbers": [...], "chart": {...},
    "top": {...}, "share": {...}}``: each number ``{"label", "value",
    "previous", "change", "text", "change_text"}`` (``value`` an
    :class:`~libmedia.chart.Amount`, ``change`` the fraction since
    ``previous`` or None, ``text`` the value written for ``language``,
    ``change_text`` ``+12%`` or ""); ``chart``, ``top`` and ``share`` each
    ``{"data": [{"label", "value", "text"}], "heading": "" or the data's,
    "total"}`` (the top list sorted largest first).

    Raises :class:`DataError` (several: :class:`ProblemList`) naming the
    file, row and column of every row that cannot be read.
    """
    problems: list[DataError] = []
    month: date | None = None
    numbers: list[dict] = []
    groups: dict[str, list[dict]] = {"chart": [], "top": [], "share": []}
    headings = {"chart": "", "top": "", "share": ""}
    if records and _field(records[0], "section")[1] is None:
        cols = ", ".join(dict(getattr(records[0], "_fields", {}) or records[0])) or "(none)"
        raise DataError("the data has no 'bagian' (section) column, so its rows cannot be read "
                        "as the month's figures", Location(file=getattr(records[0], "_source", None)),
                        hint=f"the columns are: {cols}. Use bagian,label,nilai,sebelumnya (or "
                             "section,label,value,previous), as in samples/statistik-bulanan.csv")
    for view in records:
        section_text, section_col = _field(view, "section")
        label, label_col = _field(view, "label")
        value_text, value_col = _field(view, "value")
        prev_text, prev_col = _field(view, "previous")
        if not (section_text or label or value_text or prev_text):
            continue  # a blank row
        section = SECTIONS.get(_key(section_text))
        if section is None:
            problems.append(DataError(
                f"unknown section {section_text!r}" if section_text else "the row has no section",
                _where(view, section_col), hint=f"write one of: {_WORDS}"))
            continue
        if section == "month":
            try:
                month = parse_month(label or value_text)
            except ValueError:
                problems.append(DataError(f"{(label or value_text)!r} is not a month",
                                          _where(view, label_col if label else value_col),
                                          hint="write the month like Oktober 2025, October 2025 "
                                               "or 2025-10"))
            continue
        if section.endswith("_heading"):
            headings[section.removesuffix("_heading")] = label or value_text
            continue
        if value_col is None:
            problems.append(DataError("the data has no 'nilai' (value) column",
                                      _where(view, None), hint="add a column nilai (or value) "
                                                               "holding the figures"))
            break
        try:
            value = parse_amount(value_text)
        except ValueError:
            problems.append(DataError(
                f"{value_text!r} is not a number" if value_text else f"{label or section} has no value",
                _where(view, value_col),
                hint="write the figure with digits only, e.g. 12480 or 12.480; leave the row out "
                     "when there is no figure"))
            continue
        if value < 0:
            problems.append(DataError(f"{label or section}: {value_text} is negative",
                                      _where(view, value_col),
                                      hint="these are counts of a month: check the figure"))
            continue
        if not label:
            problems.append(DataError(f"the {section} row has no label", _where(view, label_col),
                                      hint="say what the figure counts, e.g. Pengunjung or "
                                           "Minggu 1"))
            continue
        item: dict[str, Any] = {"label": label, "value": Amount(value),
                                "text": format_number(value, language)}
        if section == "number":
            previous = None
            if prev_text:
                try:
                    previous = parse_amount(prev_text)
                except ValueError:
                    problems.append(DataError(f"{prev_text!r} is not a number",
                                              _where(view, prev_col),
                                              hint="last month's figure, with digits only, or "
                                                   "leave it empty"))
                    continue
            change = value / previous - 1 if previous else None
            item.update(previous=Amount(previous) if previous is not None else None,
                        change=change,
                        change_text=format_percent(change, language, signed=True)
                        if change is not None else "")
            if len(numbers) == MAX_NUMBERS:
                problems.append(DataError(f"more than {MAX_NUMBERS} numbers: {label!r} is the "
                                          f"{len(numbers) + 1}th", _where(view, section_col),
                                          hint=f"the post shows {MAX_NUMBERS} big numbers; "
                                               "leave the others out"))
                continue
            numbers.append(item)
        else:
            groups[section].append(item)
            view_row = getattr(view, "_row", None)
            item["row"] = view_row
    limits = {"chart": MAX_DATA["column"], "top": MAX_TOP, "share": MAX_DATA["donut"]}
    for name, items in groups.items():
        if len(items) > limits[name]:
            extra = items[limits[name]]
            problems.append(DataError(
                f"more than {limits[name]} rows of '{name}': the post shows {limits[name]}",
                Location(file=getattr(records[0], "_source", None), row=extra.get("row")),
                hint="leave the smaller ones out"))
        if name in ("chart", "top", "share") and items and all(i["value"] == 0 for i in items):
            problems.append(DataError(f"every '{name}' value is 0: a chart of nothing",
                                      Location(file=getattr(records[0], "_source", None),
                                               row=items[0].get("row")),
                                      hint="fill in the figures, or leave these rows out"))
    if problems:
        raise problems[0] if len(problems) == 1 else ProblemList(
            problems, f"{len(problems)} rows of the month's figures cannot be read")
    groups["top"].sort(key=lambda i: -i["value"])
    for items in groups.values():
        for i in items:
            i.pop("row", None)
    out: dict[str, Any] = {
        "month": "", "month_name": "", "previous_month": "", "numbers": numbers,
        **{name: _section(items, headings[name]) for name, items in groups.items()},
    }
    if month is not None:
        from babel.dates import format_date

        lang = language or "id"
        prev = date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
        out["month"] = format_date(month, "LLLL y", locale=lang)
        out["month_name"] = format_date(month, "LLLL", locale=lang)
        out["previous_month"] = format_date(prev, "LLLL", locale=lang)
    return out


#: The Jinja filters of this module and of :mod:`libmedia.chart`:
#: ``records | month_stats(lang)``, ``12480 | number(lang)`` (12.480),
#: ``0.12 | percent(lang)`` (12%).
FILTERS = {"month_stats": month_stats, "number": format_number, "percent": format_percent}
