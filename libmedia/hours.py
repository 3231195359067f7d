"""Opening hours and service notices: read the way library staff write them, written with Babel.

An opening-hours table is a list of :class:`HoursRow` (days -> hours).  Staff
write it in one spreadsheet cell, rows separated by ``;``, line breaks or
`` / ``::

    Senin–Kamis 08.00–16.00; Jumat 08.00–11.00, 13.30–16.00; Sabtu 09.00–13.00; Minggu tutup

or, in a TOML data file, as an array of tables (``{ days = "Senin–Kamis",
time = "08.00–16.00" }``) or an inline table (``{ "Senin–Kamis" =
"08.00–16.00" }``), which :func:`to_cell` turns into that same cell text so
both files give the same record.

Reading (:func:`parse_hours`; no OS locale: day names from Babel's CLDR data)
    days     Indonesian and English weekday names, wide or abbreviated
             (``Senin``, ``Sen``, ``Jum'at``, ``Ahad``, ``Monday``,
             ``Thu``, ``Thurs``), ranges (``Senin–Kamis``, ``Senin - Kamis``,
             ``Senin s.d. Kamis``, ``Monday to Thursday``, wrapping
             ``Jumat–Senin``), lists (``Sabtu, Minggu``, ``Sabtu & Minggu``,
             ``Sabtu dan Minggu``), and public holidays (``hari libur
             nasional``, ``tanggal merah``, ``public holidays``), optionally
             followed by ``:``;
    hours    one or more time ranges read by
             :func:`libmedia.eventtime.parse_times` (``08.00–16.00``,
             ``8:00 AM - 4:00 PM``, ``09.00 s.d. 13.00 WIB``) separated by
             ``,``, ``&``, ``dan`` or ``and``; or closed (``tutup``,
             ``libur``, ``closed``);
    changed  a row starting with ``*`` is a change (``*Jumat 08.00–11.00``):
             templates highlight it.

A row that cannot be read raises :class:`~libmedia.errors.DataError` naming
the file, row and column, quoting the row, with :data:`HOURS_HINT`.

Writing: :meth:`HoursRow.days_label` (``Senin–Kamis``, ``Sabtu & Minggu``,
``Monday–Thursday``; weekday names from CLDR via Babel) and
:meth:`HoursRow.time_labels` (``08.00–16.00`` in Indonesian,
``8:00 AM–4:00 PM`` in English: CLDR's short time).  The word for "closed"
and for public holidays are the template's, from its message catalog.

Service notices (:func:`notice_kind`): the kind of an announcement,
``closed``, ``hours``, ``moved`` or ``outage``, from the ``kind`` field in
Indonesian or English, or guessed from the fields the record fills.

A record whose CSV row had more cells than the header (an unquoted hours
cell in a ``;``-separated file) fails with an error naming the row and the
hours column (:func:`check_whole_row`); it is not rejoined, as the reader
cannot know which cell held the separator.

Jinja filters (registered in :mod:`libmedia.templating`): ``hours_table``,
``notice_kind``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from typing import Any

from .diagnostics import Location
from .errors import DataError
from .eventtime import parse_times

HOURS_HINT = ("write one row per group of days, separated by ';', e.g. "
              "'Senin–Kamis 08.00–16.00; Jumat 08.00–11.00, 13.30–16.00; Minggu tutup' "
              "(days in Indonesian or English, a range with '–' or 's.d.'; hours as 08.00–16.00; "
              "'tutup' or 'closed' for a closed day; a leading '*' marks a changed row)")

#: Words for "closed" in the hours part of a row (compared folded, see :func:`_fold`).
CLOSED_WORDS = frozenset({"tutup", "libur", "tidak buka", "tidak ada layanan", "closed", "close",
                          "no service"})
#: Words for public holidays in the days part of a row.
HOLIDAY_WORDS = frozenset({"hari libur", "hari libur nasional", "libur nasional", "tanggal merah",
                           "hari besar", "libur", "public holiday", "public holidays",
                           "holidays", "holiday", "bank holidays", "national holidays"})
#: Day names CLDR does not list but people write (folded) -> weekday (Monday 0).
_EXTRA_DAYS = {"jum'at": 4, "jumat": 4, "ahad": 6, "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
               "sen": 0, "sel": 1, "rab": 2, "kam": 3, "jum": 4, "sab": 5, "min": 6}
_DAY_RANGE = re.compile(r"\s*(?:[–—-]|\bs\.?\s?/?d\.?(?=\s|$)|\bsampai(?:\s+dengan)?\b|\bhingga\b"
                        r"|\bto\b|\bthrough\b|\bthru\b|\buntil\b)\s*", re.IGNORECASE)
_DAY_LIST = re.compile(r"\s*(?:,|&|\+|\bdan\b|\band\b|\bserta\b)\s*", re.IGNORECASE)
_TIME_LIST = re.compile(r"\s*(?:,|&|\+|\bdan\b|\band\b)\s*", re.IGNORECASE)
#: The hours part of a row starts at its first digit ...
_DIGIT = re.compile(r"\d")
#: ... or is a word for closed at its end.
_CLOSED_TAIL = re.compile(r"(?::\s*)?\b(?:tutup|libur|tidak buka|tidak ada layanan|closed?|no service)"
                          r"\s*$", re.IGNORECASE)
#: Words between the days and the first time (``Senin–Kamis pukul 08.00``).
_TIME_LEAD = re.compile(r"(?:\s+(?:pukul|pkl\.?|jam|from|at)|\s*:)\s*$", re.IGNORECASE)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace(".", " ").split())


@lru_cache(maxsize=1)
def _day_names() -> dict[str, int]:
    """Folded weekday name -> weekday (Monday 0), Indonesian and English."""
    from babel.dates import get_day_names

    names: dict[str, int] = dict(_EXTRA_DAYS)
    for loc in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for num, name in get_day_names(width, locale=loc).items():
                names[_fold(name)] = num
    return names


class HoursError(ValueError):
    """A row of an hours table that cannot be read; the message says why."""


@dataclass(frozen=True)
class HoursRow:
    """One row of an opening-hours table.

    ``spans``      day ranges as ``(first, last)`` weekdays, Monday 0 ..
                   Sunday 6 (``(0, 3)`` = Monday to Thursday; ``(4, 4)`` one
                   day; ``first > last`` wraps over the weekend);
    ``holidays``   the row is for public holidays too (or only);
    ``intervals``  ``(open, close)`` times of day, in order; empty when closed;
    ``zone``       a zone written after the hours (``WIB``), else ``""``;
    ``changed``    the row was marked as a change (``*``) and is highlighted;
    ``source``     the row as written (for messages).
    """

    spans: tuple[tuple[int, int], ...]
    holidays: bool
    intervals: tuple[tuple[time, time], ...]
    zone: str = ""
    changed: bool = False
    source: str = ""

    @property
    def closed(self) -> bool:
        """True when the row says the library is closed on those days."""
        return not self.intervals

    def days_label(self, language: str = "id", holidays: str = "") -> str:
        """The days as a reader sees them: ``Senin–Kamis``, ``Sabtu & Minggu``,
        ``Senin, Rabu & Jumat``, ``Monday–Thursday``; ``holidays`` (the
        template's word for public holidays) is added when the row covers
        them (its first letter lower-cased after day names).  Weekday names from CLDR (Babel), wide form."""
        from babel.dates import get_day_names

        names = get_day_names("wide", locale=_lang(language))
        parts = [names[a] if a == b else f"{names[a]}–{names[b]}" for a, b in self.spans]
        if self.holidays and holidays:
            # "Hari libur nasional" alone, "Minggu & hari libur nasional" after days
            parts.append(holidays[:1].lower() + holidays[1:] if parts else holidays)
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " & " + parts[-1]

    def time_labels(self, language: str = "id") -> list[str]:
        """Each interval as ``08.00–16.00`` (id) or ``8:00 AM–4:00 PM`` (en),
        CLDR's short time with a no-break space before AM/PM; the zone, if
        any, after the last one.  ``[]`` for a closed row."""
        out = [f"{_clock(a, language)}–{_clock(b, language)}" for a, b in self.intervals]
        if out and self.zone:
            out[-1] += f"\u00a0{self.zone}"
        return out


def _lang(language: str) -> str:
    return (language or "id").replace("-", "_")


def _clock(t: time, language: str) -> str:
    from babel.dates import format_time

    return format_time(t, "short", locale=_lang(language)).replace("\u202f", "\u00a0")


def _weekday(word: str, row: str) -> int:
    day = _day_names().get(_fold(word))
    if day is None:
        raise HoursError(f"{word.strip()!r} in {row!r} is not a day of the week")
    return day


def _parse_days(text: str, row: str) -> tuple[tuple[tuple[int, int], ...], bool]:
    spans: list[tuple[int, int]] = []
    holidays = False
    for part in (p for p in _DAY_LIST.split(text) if p.strip()):
        if _fold(part) in HOLIDAY_WORDS:
            holidays = True
            continue
        ends = [p for p in _DAY_RANGE.split(part) if p.strip()]
        if len(ends) == 1:
            d = _weekday(ends[0], row)
            spans.append((d, d))
        elif len(ends) == 2:
            spans.append((_weekday(ends[0], row), _weekday(ends[1], row)))
        else:
            raise HoursError(f"{part.strip()!r} in {row!r} is not a day or a range of two days")
    if not spans and not holidays:
        raise HoursError(f"{row!r} does not say which days")
    return tuple(spans), holidays


def _parse_row(text: str) -> HoursRow:
    source = " ".join(text.split())
    body = source
    changed = body.startswith("*")
    if changed:
        body = body[1:].strip()
    m = _DIGIT.search(body) or _CLOSED_TAIL.search(body)
    if m is None:
        raise HoursError(f"{source!r} has no hours (or 'tutup') after the days")
    days_text = _TIME_LEAD.sub("", body[: m.start()]).strip()
    hours_text = body[m.start():].strip().lstrip(":").strip()
    if not days_text:
        raise HoursError(f"{source!r} does not start with the days")
    spans, holidays = _parse_days(days_text, source)
    if _fold(hours_text) in CLOSED_WORDS:
        return HoursRow(spans, holidays, (), "", changed, source)
    intervals: list[tuple[time, time]] = []
    zone = ""
    for part in (p for p in _TIME_LIST.split(hours_text) if p.strip()):
        try:
            start, end, z = parse_times(part)
        except ValueError as exc:
            raise HoursError(f"{part.strip()!r} in {source!r} is not a time range: {exc}") from None
        if start is None or end is None:
            raise HoursError(f"{part.strip()!r} in {source!r} needs an opening and a closing "
                             "time (08.00–16.00)")
        if end <= start and end != time(0):
            raise HoursError(f"{part.strip()!r} in {source!r} closes before it opens")
        intervals.append((start, end))
        zone = z.label if z else zone
    if not intervals:
        raise HoursError(f"{source!r} has no hours (or 'tutup') after the days")
    return HoursRow(spans, holidays, tuple(intervals), zone, changed, source)


#: Between the rows of an hours cell: ``;``, a line break (also U+2028,
#: which a value's line breaks become in a layout) or a ``/`` with a space on
#: each side (``Senin–Kamis 08.00–16.00 / Jumat 08.00–11.00``: no separator
#: of a CSV file, so the cell needs no quotes; ``s/d`` has no spaces).
ROW_SEPARATOR = re.compile(r"[;\n\u2028]+|\s+/\s+")


def parse_hours(text: str) -> list[HoursRow]:
    """An hours cell as rows: split at :data:`ROW_SEPARATOR` (``;``, line
    breaks, `` / ``), each read by the rules in
    the module docstring.  ``""`` -> ``[]``.  Raises :class:`HoursError`
    (a :class:`ValueError`) naming the row that cannot be read."""
    rows = [r for r in ROW_SEPARATOR.split(str(text)) if r.strip()]
    return [_parse_row(r) for r in rows]


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _fold(str(value)) in {"true", "ya", "yes", "1", "baru", "new", "berubah", "changed"}


def to_cell(value: Any) -> str:
    """An hours table from structured data (a TOML file, a brand kit) as the
    cell text :func:`parse_hours` reads, so a TOML file and a CSV file give
    the same record.

    ``value``: a string (returned trimmed); a list of rows, each a string or
    a table ``{days = "Senin–Kamis", time = "08.00–16.00"}`` (``time`` also
    as ``hours``/``jam``/``waktu``; ``days`` also as ``day``/``hari``;
    ``closed = true`` or ``tutup = true`` for a closed day; ``changed =
    true`` (``berubah``/``baru``/``new``) for a change, written as a leading
    ``*``); or a table days -> hours (``{ "Senin–Kamis" = "08.00–16.00" }``).
    Rows are joined with ``"; "``.  Raises :class:`HoursError` for a row
    table without days or hours, or with a key it does not know.
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        rows: list[Any] = [f"{k} {v}" for k, v in value.items()]
    elif isinstance(value, Sequence):
        rows = list(value)
    else:
        raise HoursError(f"{value!r} is not an hours table")
    out: list[str] = []
    for n, row in enumerate(rows, 1):
        if isinstance(row, str):
            out.append(row.strip())
            continue
        if not isinstance(row, Mapping):
            raise HoursError(f"row {n} of the hours table is {row!r}, not a table or text")
        days = hours = None
        closed = changed = False
        for key, v in row.items():
            k = _fold(str(key))
            if k in {"days", "day", "hari"}:
                days = str(v).strip()
            elif k in {"time", "times", "hours", "jam", "waktu", "jam buka"}:
                hours = ", ".join(map(str, v)) if isinstance(v, list) else str(v).strip()
            elif k in {"closed", "tutup", "libur"}:
                closed = _flag(v)
            elif k in {"changed", "change", "new", "baru", "berubah"}:
                changed = _flag(v)
            else:
                raise HoursError(f"row {n} of the hours table has the key {key!r}; the keys are "
                                 "days, time, closed and changed")
        if not days:
            raise HoursError(f"row {n} of the hours table has no days")
        if closed and not hours:
            hours = "tutup"
        if not hours:
            raise HoursError(f"row {n} of the hours table ({days}) has no time (or closed = true)")
        out.append(("*" if changed else "") + f"{days} {hours}")
    return "; ".join(out)


def _header(record: Any, field: str | None) -> str | None:
    """The data file's own column header for canonical ``field`` (``Jam
    Buka`` for ``hours``), when the record knows its file's columns."""
    if not field:
        return None
    from .sources.fields import lookup_header

    for column in getattr(record, "_columns", ()) or ():
        found = lookup_header(column)
        if found and found[0] == field:
            return column if column != field else None
    return None


def _record_error(record: Any, field: str | None, message: str, hint: str) -> DataError:
    return DataError(message, Location(file=getattr(record, "_source", None),
                                       row=getattr(record, "_row", None), field=field,
                                       header=_header(record, field)), hint)


def hours_table(value: Any, language: str = "id", holidays: str = "",
                field: str = "hours") -> list[dict[str, Any]]:
    """Jinja filter ``{{ notice | hours_table(lang, holidays=t("holidays")) }}``:
    the rows of an hours table ready to lay out, each a dict with
    ``days`` (:meth:`HoursRow.days_label`), ``times`` (list of
    :meth:`HoursRow.time_labels`), ``closed`` and ``changed`` (bools).

    ``value`` is a record (its ``field``, ``hours`` by default), a cell
    text, or structured rows (see :func:`to_cell`).  ``[]`` when empty.
    Raises :class:`~libmedia.errors.DataError` naming the data file, row
    and column (for a record), quoting the row at fault, with
    :data:`HOURS_HINT`.
    """
    record = value if hasattr(value, "_row") else None
    try:
        if record is not None:
            text = str(record.get(field, "") or "")
        else:
            text = to_cell(value) if value not in (None, "") else ""
        rows = parse_hours(text)
    except HoursError as exc:
        raise _record_error(record, field, str(exc), HOURS_HINT) from None
    return [{"days": r.days_label(language, holidays), "times": r.time_labels(language),
             "closed": r.closed, "changed": r.changed} for r in rows]


#: Notice kinds and the words (folded) staff write for them, Indonesian and English.
NOTICE_KINDS: dict[str, tuple[str, ...]] = {
    "closed": ("closed", "closure", "tutup", "libur", "perpustakaan tutup", "layanan tutup",
               "holiday", "cuti bersama"),
    "hours": ("hours", "opening hours", "jam buka", "jam layanan", "jam operasional",
              "perubahan jam", "perubahan jam layanan", "perubahan jam buka", "new hours"),
    "moved": ("moved", "move", "relocated", "pindah", "pindah lokasi", "layanan pindah",
              "relokasi"),
    "outage": ("outage", "down", "maintenance", "gangguan", "pemeliharaan", "pemeliharaan sistem",
               "offline", "sistem mati", "gangguan sistem"),
}
NOTICE_HINT = ("write the kind as closed (tutup/libur), hours (jam buka), moved (pindah) or "
               "outage (gangguan), or leave it empty to have it guessed from the other columns")


SPLIT_HINT = ("put the whole hours cell in double quotes (\"Senin–Kamis 08.00–16.00; Jumat "
              "08.00–11.00\"): a spreadsheet saved as CSV does so itself; or separate the days "
              "with ' / ' (Senin–Kamis 08.00–16.00 / Jumat 08.00–11.00), which needs no quotes")


def check_whole_row(record: Any, field: str = "hours") -> None:
    """Raise :class:`~libmedia.errors.DataError` when ``record`` (a
    :class:`~libmedia.templating.RecordView`) came from a row with more
    cells than its file's header: a separator inside an unquoted value
    shifted or cut its cells, so none of them can be trusted.

    The usual cause is an hours cell (``Senin–Kamis 08.00–16.00; Jumat
    08.00–11.00``) in a file separated by ``;``, Indonesian Excel's
    separator: when the cells left over read as hours rows after the
    ``field`` cell, the error says that the hours were split by the file's
    ``;`` and names the hours column, with :data:`SPLIT_HINT`.

    The row fails rather than being rejoined: the reader cannot know which
    cell the separator was in (the hours column may not be the last), and a
    notice posted with the wrong hours or a shifted date is worse than none.
    """
    extra = tuple(getattr(record, "_extra", ()) or ())
    if not extra:
        return
    hours = str(record.get(field, "") or "").strip() if isinstance(record, Mapping) else ""
    left = ", ".join(repr(v.strip()) for v in extra)

    def reads_as_hours(value: Any) -> bool:
        try:
            return bool(parse_hours(str(value or "")))
        except HoursError:
            return False

    # the rest of the hours cell is left over past the last column, or (the
    # hours not the last column) in the columns after it
    others = [v for k, v in record.items() if k != field and isinstance(v, str)] if hours else []
    if hours and reads_as_hours(hours) and any(reads_as_hours(v) for v in (*extra, *others)):
        raise _record_error(
            record, field,
            f"the opening hours were split by the file's ';' separator: only {hours!r} "
            "reached the hours column, the rest of the cell spilled into the columns "
            f"after it ({len(extra)} more value(s) than the header has columns: {left}); "
            "the other days would be missing from the post", SPLIT_HINT)
    raise _record_error(
        record, None,
        f"this row has {len(extra)} more value(s) than the header has columns ({left}): a "
        "separator inside a value that is not in quotes has shifted its cells, so the "
        "notice cannot be trusted",
        "put any value that contains the file's separator (';' or ',') in double quotes; "
        "for opening hours: " + SPLIT_HINT)


def notice_kind(record: Any, field: str = "kind") -> str:
    """Jinja filter ``{{ notice | notice_kind }}``: ``"closed"``, ``"hours"``,
    ``"moved"`` or ``"outage"``, from the record's ``kind`` field (words in
    :data:`NOTICE_KINDS`); when it is empty, guessed: a new location
    (``moved_to``) is a move, an hours table an hours notice, a ``service``
    with a date an outage, else a closure.  Raises
    :class:`~libmedia.errors.DataError` (row and column named) for a kind it
    does not know, and for a record whose row had more cells than the header
    (:func:`check_whole_row`: hours split by a ``;`` separator)."""
    def cell(name: str) -> str:
        v = record.get(name, "") if isinstance(record, Mapping) else ""
        return str(v or "").strip()

    check_whole_row(record)
    raw = cell(field) if isinstance(record, Mapping) else str(record or "").strip()
    if raw:
        folded = _fold(raw)
        for kind, words in NOTICE_KINDS.items():
            if folded in words:
                return kind
        raise _record_error(record, field, f"{raw!r} is not a kind of notice", NOTICE_HINT)
    if cell("moved_to"):
        return "moved"
    if cell("hours"):
        return "hours"
    if cell("service"):
        return "outage"
    return "closed"


FILTERS = {"hours_table": hours_table, "notice_kind": notice_kind}
"""The Jinja filters of this module, by name."""
