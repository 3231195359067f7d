"""Text filters for templates: ``{{ book.title | display_title }}``.

Each is a plain function of a value (and the brand's language where the
words differ) returning text, registered by name in :data:`FILTERS`, which
the template environment installs (:func:`libmedia.templating.make_environment`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .i18n import translate


def hashtag(value: str) -> str:
    """A hashtag from a title or subject: ``"Laskar Pelangi"`` -> ``#LaskarPelangi``.

    Apostrophes vanish (``Pramoedya's`` -> ``Pramoedyas``), words in capitals
    are set in title case (``DUNIA USAHA`` -> ``#DuniaUsaha``), and a SLiMS
    subject heading keeps its main term (``Pendidikan -- Fiksi`` -> ``#Pendidikan``).
    """
    text = re.split(r"\s+--\s+", str(value))[0]
    text = re.sub(r"[\'\u2019\u02bc]", "", text)
    words = re.findall(r"[^\W_]+", text)
    tag = "".join((w.capitalize() if w.isupper() and len(w) > 1 else w[:1].upper() + w[1:])
                  for w in words)
    return "#" + tag if tag else ""


def quoted(text: str, language: str = "id") -> str:
    """``text`` in typographic quotation marks, its own straight quotes made
    typographic (“Laskar Pelangi”); not wrapped again when it already starts
    and ends with quotes."""
    from .typography.text import smart_quotes

    t = smart_quotes(str(text))
    if t[:1] in "\u201c\u2018" and t[-1:] in "\u201d\u2019":
        return t
    return f"\u201c{t}\u201d"


def year_label(value: str, language: str = "id") -> str:
    """A publication year for display: ``-720`` (a year before the common era,
    as goodreads-style data writes it) becomes ``720 SM`` / ``720 BCE`` (the
    interface text ``before_common_era``)."""
    v = str(value or "").strip()
    if v.startswith("-") and v[1:].isdigit():
        return f"{int(v[1:])} " + translate("before_common_era", language)
    return v


def display_title(title: str) -> str:
    """A title as it reads in a caption: ``PostgreSQL : a comprehensive guide``
    -> ``PostgreSQL: A comprehensive guide`` (see :func:`title_parts`)."""
    parts = title_parts(title)
    return parts["main"] + (": " + parts["subtitle"] if parts["subtitle"] else "")


#: Between two people's names inside one author entry: ``&``, ``and``,
#: ``dan`` (Indonesian), a comma.
_NAME_SEPARATOR = re.compile(r"(\s*&\s*|\s+(?:and|dan)\s+|,\s*)", re.IGNORECASE)


def keep_name_together(name: str) -> str:
    """One author entry with the words of each person's name joined by
    no-break spaces (U+00A0), so the line breaker keeps a name on one line
    where it can (no surname alone on the next line; it breaks a name only
    when it alone is wider than the box: see
    :func:`libmedia.typography.linebreak.break_lines`).  The entry is split
    into people at ``&``, `` and ``, `` dan `` and commas, which keep their
    ordinary spaces: ``Stan Davis & David McIntosh`` -> ``Stan\u00a0Davis &
    David\u00a0McIntosh``.  Works the same for Arabic and CJK names (the
    space between family and given name of ``村上 春樹``)."""
    parts = _NAME_SEPARATOR.split(name.strip())
    return "".join(p if i % 2 else "\u00a0".join(p.split()) for i, p in enumerate(parts))


def names(value: Any, limit: int = 3, language: str = "id") -> str:
    """Join names: "A", "A & B", "A, B & C", "A dkk." / "A et al." past ``limit``
    (the interface text ``et_al``).  Each person's name is kept together
    with no-break spaces (:func:`keep_name_together`)."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(";") if v.strip()]
    else:
        items = [str(v) for v in value if str(v).strip()]
    if not items:
        return ""
    items = [keep_name_together(v) for v in items]
    if len(items) > limit:
        return items[0] + " " + translate("et_al", language)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " & " + items[-1]


_TITLE_COLON = re.compile(r"\s*:\s+|\s+:\s*")


def title_parts(title: str) -> dict[str, str]:
    """Split a title into ``main`` title and ``subtitle``.

    Catalogue conventions handled: ISBD/MARC 245 ``Title : subtitle`` and
    ``Title: Subtitle``; the spreadsheet habit of an ALL-CAPS title followed by
    a lower-case subtitle (``PENDEKAR-PENDEKAR BESI NUSANTARA kajian
    antropologi ...``).  A trailing `` /`` (the ISBD mark before the statement
    of responsibility) is dropped.  The subtitle's first letter is capitalised.
    """
    t = re.sub(r"\s*/\s*$", "", str(title or "").strip())
    m = _TITLE_COLON.search(t)
    main, sub = t, ""
    if m and m.start() > 0:
        main, sub = t[: m.start()].strip(), t[m.end():].strip()
    else:
        words = t.split(" ")
        caps = upper_words = 0
        for w in words:
            letters = [ch for ch in w if ch.isalpha()]
            if not letters:  # numbers and marks go with the words around them
                caps += 1
            elif all(ch.isupper() for ch in letters):
                caps += 1
                upper_words += 1
            else:
                break
        rest = words[caps:]
        if upper_words >= 2 and rest and rest[0][:1].islower():
            main, sub = " ".join(words[:caps]), " ".join(rest)
    if sub:
        sub = sub[:1].upper() + sub[1:]
    return {"main": main, "subtitle": sub}


def format_date(value: str, fmt: str = "long", language: str = "id") -> str:
    """An ISO date (``2024-08-17``) formatted with Babel's CLDR data in the
    brand's language, e.g. ``17 Agustus 2024``; ``full`` adds the weekday
    (``Senin, 3 Maret 2025``: the day of the month without CLDR's leading
    zero, as Indonesian and English prose write it).  A value that is not an
    ISO date is returned as it is."""
    from datetime import date

    from babel.dates import format_date as babel_format_date
    from babel.dates import get_date_format

    if not value:
        return ""
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    if fmt == "full":
        fmt = get_date_format("full", locale=language).pattern.replace("dd", "d")
    return babel_format_date(d, format=fmt, locale=language)


#: The filters templates see, by name.
FILTERS: dict[str, Callable[..., Any]] = {
    "hashtag": hashtag,
    "names": names,
    "date": format_date,
    "title_parts": title_parts,
    "display_title": display_title,
    "quoted": quoted,
    "year": year_label,
}
