"""Value cleaning rules every reader shares: what spreadsheets, catalogues and
word processors leave in cells that must never reach a post.

Each function takes one value (text, already NFC) and returns the cleaned
value with a note of what changed; :mod:`libmedia.sources.normalize` calls
them per field and turns each note into a record warning, so a CSV, an XLSX,
a JSON file and a MARC record are cleaned alike.  Nothing here knows about
files, rows or columns.

Spreadsheet artefacts (case C26), :func:`spreadsheet_artefact`
    Error values a spreadsheet writes instead of a result (Excel's
    ``#N/A`` ``#REF!`` ``#NAME?`` ``#VALUE!`` ``#DIV/0!`` ``#NULL!``
    ``#NUM!`` ``#SPILL!`` ``#CALC!`` ``#GETTING_DATA``..., Google Sheets'
    ``#ERROR!`` and ``Loading...``, LibreOffice's ``Err:501``-``Err:539``,
    and the same values in Excel's German, French, Spanish, Italian,
    Portuguese and Dutch (``#NV``, ``#BEZUG!``, ``#WERT!``, ``#NOM?``...):
    :data:`ERROR_VALUES`), and formulas saved as text (``=VLOOKUP(...)``,
    ``=A2&B2``).  A value that is one of them is never printed.
    ``=HYPERLINK("url", "label")`` is the exception for text fields: the
    label is what the spreadsheet's cell shows (the librarian typed the
    title and linked it to the OPAC record), so it is used, with a warning;
    for a link field (``url``, ``cover``) the address is used.
:func:`unguard`
    A leading apostrophe that tells Excel and Sheets "this is text"
    (``'9789793062792``, ``'2018``, ``'-ISME``, ``'=``, ``'+62...``) is not
    part of the value.
Cataloguing punctuation (case C29, ISBD), :func:`strip_isbd`
    MARC subfields keep the punctuation that separates them in a catalogue
    card (ISBD, *International Standard Bibliographic Description*,
    consolidated edition 2011, area 0.2): ``Laskar pelangi /``,
    ``Bumi manusia :``, ``Hirata, Andrea,``, ``Bentang Pustaka,``.  Trailing
    `` /`` `` :`` `` ;`` `` =`` ``,`` and ``.`` are removed, but not the
    period of an initial (``Fuadi, A.``, ``Rowling, J. K.``), of a known
    abbreviation or degree (``Ed.``, ``Jr.``, ``dkk.``, ``M.Si.``, ``Ak.``)
    or of an ellipsis.
:func:`parse_year`
    Publication dates as catalogues write them (MARC 260/264 $c):
    ``2005.``, ``c1980.``, ``©2009.``, ``p2001``, ``[2004]``, ``[2005?]``
    (a probable year: used, noted), ``1980, c1979`` (the first);
    ``[199-?]`` / ``[19--]`` (a decade or century) and ``[s.a.]`` /
    ``[t.th.]`` / ``n.d.`` (no date) are dropped with a note: a post prints
    a year or none.  A number outside :data:`YEAR_RANGE` (``99999``,
    ``-50000``) is dropped with a note.
:func:`split_subjects`
    Koha's CSV export joins a repeated subfield with ``,``: a subject
    heading ends with a period, so ``Fiksi Indonesia.,Pendidikan --
    Fiksi.`` is two subjects.
:func:`clean_format_characters` (case C32)
    U+FFFC OBJECT REPLACEMENT CHARACTER (a picture pasted into a cell) and
    U+FFFD REPLACEMENT CHARACTER are removed with a note; a byte-order mark
    inside a value (U+FEFF, a file pasted into a cell) is removed; U+2028
    LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR become line breaks.  Bidi
    marks and isolates, zero-width spaces, word joiners and soft hyphens are
    kept: they are what the text means (isolates order a Latin run inside
    Arabic; a soft hyphen is a break point) and the renderer treats them as
    invisible.
:func:`fold_lines`
    Line breaks inside a one-line field (a title, an author) become one
    space; in prose (a summary) runs of blank lines become one blank line.

:func:`same_book_key` and :func:`merge_copies` (case C40) find records that
list the same book once per copy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# --- spreadsheet artefacts -------------------------------------------------

#: Error values spreadsheets write where a formula has no result, as the CSV
#: export saves them (compared case-insensitively).  Excel (English; German,
#: French, Spanish, Italian, Portuguese, Dutch), Google Sheets, LibreOffice
#: (its own ``Err:NNN`` codes are matched by :data:`_LIBREOFFICE_ERROR`).
ERROR_VALUES: frozenset[str] = frozenset(v.casefold() for v in (
    # Excel and Sheets, English (Indonesian Excel uses these too)
    "#N/A", "#REF!", "#NAME?", "#VALUE!", "#DIV/0!", "#NULL!", "#NUM!", "#SPILL!",
    "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
    "#GETTING_DATA", "#ERROR!", "Loading...", "#N/A!",
    # German
    "#NV", "#BEZUG!", "#WERT!", "#ZAHL!", "#ÜBERLAUF!", "#BERECHNEN!",
    # French
    "#NOM?", "#VALEUR!", "#NOMBRE!", "#NUL!", "#DEPASSEMENT!", "#CALCUL!",
    # Spanish
    "#N/D", "#¡REF!", "#¿NOMBRE?", "#¡VALOR!", "#¡DIV/0!", "#¡NUM!", "#¡NULO!", "#¡DESBORDAMIENTO!",
    # Italian
    "#RIF!", "#NOME?", "#VALORE!", "#NULLO!", "#ESPANSIONE!",
    # Portuguese
    "#NOME?", "#VALOR!", "#NÚM!", "#NULO!",
    # Dutch
    "#N/B", "#VERW!", "#NAAM?", "#WAARDE!", "#DEEL/0!", "#GETAL!", "#LEEG!",
))
_LIBREOFFICE_ERROR = re.compile(r"^Err:\s?5\d\d$", re.IGNORECASE)

#: A formula saved as text: ``=`` then a function call (``=VLOOKUP(``,
#: ``=_xlfn.XLOOKUP(``), a cell reference (``=A2``, ``=$B$3``,
#: ``=Sheet1!A1``) or a quoted string (``="a"&B2``).
_FORMULA = re.compile(
    r"""^=\s*(?:[A-Za-z_][\w.]*\s*\(|'?[\w .-]*'?!\$?[A-Za-z]{1,3}\$?\d|\$?[A-Za-z]{1,3}\$?\d+\b|")""")
#: ``=HYPERLINK("url"; "label")`` (``,`` or ``;`` between arguments, as
#: locales write it; ``""`` is a quote inside a string).
_HYPERLINK = re.compile(
    r'^=\s*(?:HYPERLINK|HIPERLINK|LINK|LIEN_HYPERTEXTE|COLLEG\.IPERTESTUALE|HIPERVINCULO)\s*\(\s*'
    r'"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*$', re.IGNORECASE)

#: Fields whose value is an address: a ``=HYPERLINK`` gives its URL there.
LINK_FIELDS = frozenset({"url", "cover"})


@dataclass(frozen=True)
class Artefact:
    """What :func:`spreadsheet_artefact` found.

    ``kind``   ``"error-value"``, ``"formula"`` or ``"hyperlink"``;
    ``value``  what may be used instead (a hyperlink's label or address),
               ``""`` when nothing may.
    """

    kind: str
    value: str = ""


def is_error_value(value: str) -> bool:
    """True when ``value`` (trimmed) is a spreadsheet error value
    (:data:`ERROR_VALUES`, LibreOffice ``Err:5NN``)."""
    text = value.strip()
    return text.casefold() in ERROR_VALUES or bool(_LIBREOFFICE_ERROR.match(text))


def spreadsheet_artefact(value: str, field: str | None = None) -> Artefact | None:
    """The spreadsheet error value or formula ``value`` is, or None.

    ``field`` is the canonical field the value is for: a ``=HYPERLINK``
    gives its address for :data:`LINK_FIELDS`, its label elsewhere (none
    when it has no label).  Plain text that merely contains ``#`` or ``=``
    is never an artefact.
    """
    text = value.strip()
    if not text:
        return None
    if is_error_value(text):
        return Artefact("error-value")
    if not text.startswith("="):
        return None
    m = _HYPERLINK.match(text)
    if m:
        url, label = m.group(1).replace('""', '"'), (m.group(2) or "").replace('""', '"')
        used = url if field in LINK_FIELDS else label
        return Artefact("hyperlink", used.strip())
    if _FORMULA.match(text):
        return Artefact("formula")
    return None


_GUARDED = re.compile(r"^'(?=[0-9=+\-@])")


def unguard(value: str) -> str:
    """``value`` without the apostrophe that guards a number or a leading
    ``= + - @`` from a spreadsheet (``'9789793062792`` -> ``9789793062792``,
    ``'-ISME`` -> ``-ISME``); any other value unchanged (``'Ayat'`` keeps
    its quotes)."""
    return _GUARDED.sub("", value, count=1)


# --- ISBD punctuation ------------------------------------------------------

#: Words whose final period belongs to them (compared lower case, without
#: the period): abbreviations common in catalogue headings and imprints.
ABBREVIATIONS: frozenset[str] = frozenset(
    """ed eds edt comp comps trans tr transl jr sr dr drs dra ir prof st mr mrs ms co inc ltd
    corp bros dept univ vol vols no hlm hal dkk al etc pt cv penerj peny ket pbk hbk rev
    conn mass calif ill wash mich fla tex ont ariz colo minn okla wis penn
    m.si m.pd m.hum m.kom m.ag s.pd s.si s.kom s.ag s.h s.e s.s m.a m.sc ph.d b.a m.m m.t
    s.t s.sos s.ip m.h s.kep s.psi m.psi m.kes s.ked s.farm lc""".split())

_ISBD_TAIL = re.compile(r"(?:\s+[/:;=]|\s*,|\s+\.)\s*$")
_LAST_WORD = re.compile(r"([^\s,]+)\.$")


def _keeps_period(text: str) -> bool:
    """True when the final period of ``text`` is part of its last word: an
    initial (``A.``, ``J.K.``), an abbreviation (``Ed.``) or an ellipsis."""
    if text.endswith(("..", "….")):
        return True
    m = _LAST_WORD.search(text)
    if not m:
        return False
    word = m.group(1).lstrip("([").rstrip(",")
    if re.fullmatch(r"(?:[^\W\d_]\.)*[^\W\d_]", word):  # A. / J.K.
        return True
    from .fields import _is_degree

    return word.lower() in ABBREVIATIONS or _is_degree(word)


def strip_isbd(value: str) -> str:
    """``value`` without ISBD punctuation at its end: `` /`` `` :`` `` ;``
    `` =`` ``,`` and a final ``.`` that is not an initial's, an
    abbreviation's or an ellipsis' (repeated: ``Toer, Pramoedya Ananta,``
    -> ``Toer, Pramoedya Ananta``; ``Fuadi, A.,`` -> ``Fuadi, A.``;
    ``Bentang Pustaka,`` -> ``Bentang Pustaka``; ``Laskar pelangi /`` ->
    ``Laskar pelangi``).  A question or exclamation mark is kept."""
    text = value.rstrip()
    while True:
        before = text
        text = _ISBD_TAIL.sub("", text).rstrip()
        if text.endswith(".") and not _keeps_period(text):
            text = text[:-1].rstrip()
        if text == before:
            return text


# --- years -----------------------------------------------------------------

YEAR_RANGE = (-3000, 2100)
"""Years a post prints (inclusive): goodreads gives ancient works negative
years (The Iliad, ``-750``); numbers outside are typing or conversion
mistakes (``99999``, ``-50000``)."""

_YEAR_PREFIX = re.compile(r"^(?:copyright|cop\.?|ca\.?|tahun|th\.?|c|©|p|℗)\s*", re.IGNORECASE)
_NO_DATE = re.compile(r"^(?:s\.?\s?a|n\.?\s?d|t\.?\s?th|t\.?\s?t|tanpa tahun|no date|sine anno)\.?$",
                      re.IGNORECASE)
_INEXACT = re.compile(r"^\d{2}(?:\d-|--)\??$")
_NUMBER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class YearReading:
    """What :func:`parse_year` made of a value: ``year`` as printed (``""``
    when none) and ``note`` saying what was changed or dropped (``""`` when
    the value was already a plain year or blank)."""

    year: str
    note: str = ""


def parse_year(value: str) -> YearReading:
    """The publication year in ``value`` (already through
    :func:`fields.normalise_year`, so ``2008.0`` and dates are years).

    ``2005.`` ``c1980.`` ``©2009.`` ``p2001`` ``[2004]`` -> the year, noted;
    ``[2005?]`` -> ``2005``, noted as probable; ``1980, c1979`` -> ``1980``;
    a date written out (``03 Nov 2008``) -> its one four-digit year, noted;
    a decade/century (``[199-?]``, ``[19--]``), "no date" (``[s.a.]``,
    ``[t.th.]``, ``n.d.``) or a number outside :data:`YEAR_RANGE` -> ``""``,
    noted.  Any other text is returned unchanged, without a note.
    """
    text = value.strip()
    if not text:
        return YearReading("")
    if _NUMBER.match(text):
        if YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]:
            return YearReading(str(int(text)))
        return YearReading("", f"'{text}' is not a year between {YEAR_RANGE[0]} and "
                               f"{YEAR_RANGE[1]}; left out")
    inner = text.rstrip(". ").strip()
    first = re.split(r"\s*[,;]\s*", inner)[0]
    bare = first.strip("[] ")
    bare = _YEAR_PREFIX.sub("", bare).strip("[] .")
    if _NO_DATE.match(bare):
        return YearReading("", f"'{text}' means the book has no date; no year is printed")
    if _INEXACT.match(bare):
        return YearReading("", f"'{text}' gives only a decade or century, not a year; "
                               "no year is printed")
    m = re.fullmatch(r"(\d{4})(\?)?", bare)
    if not m:
        # a date written out ("03 Nov 2008", "Maret 2019"): its one four-digit year
        found = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
        if len(found) == 1 and len(text) <= 40 and YEAR_RANGE[0] <= int(found[0]) <= YEAR_RANGE[1]:
            return YearReading(found[0], f"publication date '{text}' printed as {found[0]}")
        return YearReading(text)
    year = m.group(1)
    if not YEAR_RANGE[0] <= int(year) <= YEAR_RANGE[1]:
        return YearReading("", f"'{text}' is not a year between {YEAR_RANGE[0]} and "
                               f"{YEAR_RANGE[1]}; left out")
    if m.group(2):
        return YearReading(year, f"'{text}' is a probable year (the catalogue is not sure); "
                                 f"printed as {year}")
    return YearReading(year, f"publication date '{text}' printed as {year}")


# --- subjects --------------------------------------------------------------

_SUBJECT_JOIN = re.compile(r"\.\s*,\s*")


def split_subjects(items: Iterable[str]) -> list[str]:
    """Subject headings one each: every item split where a heading ends
    with a period and the next follows after a comma (``Fiksi
    Indonesia.,Pendidikan -- Fiksi.``, Koha's join of a repeated
    subfield), each without its final ISBD period (:func:`strip_isbd`)."""
    out: list[str] = []
    for item in items:
        for part in _SUBJECT_JOIN.split(item):
            part = strip_isbd(part.strip())
            if part:
                out.append(part)
    return out


# --- format characters -----------------------------------------------------

#: Characters removed from every value, with a note: what they stood for
#: is lost, and they draw as a box.
PLACEHOLDERS = {"\ufffc": "an object replacement character (a picture pasted into the cell)",
                "\ufffd": "a replacement character (text that was decoded wrongly)"}
#: Line and paragraph separators: line breaks in any other name.
_SEPARATORS = {"\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}


def clean_format_characters(value: str) -> tuple[str, list[str]]:
    """``value`` with :data:`PLACEHOLDERS` and byte-order marks removed and
    line/paragraph separators as line breaks; returns the value and one
    note per kind of character removed (``[]`` when nothing was)."""
    notes: list[str] = []
    for ch, what in PLACEHOLDERS.items():
        if ch in value:
            notes.append(f"removed {what}")
            value = value.replace(ch, "")
    if "\ufeff" in value:
        notes.append("removed a byte-order mark inside the value (text pasted from a file)")
        value = value.replace("\ufeff", "")
    for ch, repl in _SEPARATORS.items():
        value = value.replace(ch, repl)
    return value, notes


def fold_lines(value: str, multiline: bool) -> str:
    """``value`` with its line breaks as a post can set them: one space
    for each run of line breaks in a one-line field (``multiline`` False);
    in prose, spaces before a break dropped and three or more breaks as
    two (one blank line).  Other whitespace runs are not touched."""
    if "\n" not in value:
        return value
    if not multiline:
        return re.sub(r"[ \t]*\n[\n \t]*", " ", value).strip()
    value = re.sub(r"[ \t]+\n", "\n", value)
    return re.sub(r"\n{3,}", "\n\n", value).strip()


# --- the same book once per copy -------------------------------------------

#: Fields that differ between copies of one book (an item's barcode,
#: inventory number, shelf mark, accession date, price) or that one row may
#: fill and another leave blank (a cover, a summary): not compared.
COPY_FIELDS = frozenset({"id", "item_code", "call_number", "classification", "date_added",
                         "price", "cover", "summary", "subject", "collation", "gmd",
                         "language", "isbn10", "issn"})


def match_form(value: str) -> str:
    """``value`` as compared for sameness: NFKC, case-folded, letters and
    digits only, single spaces (``"NEGARA DAN BANDIT  DEMOKRASI."`` and
    ``"Negara dan bandit demokrasi"`` are the same)."""
    text = unicodedata.normalize("NFKC", value).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def same_book_key(fields: dict[str, str], compared: Sequence[str]) -> tuple[str, ...] | None:
    """The key two records share when they list the same book: the
    :func:`match_form` of every ``compared`` field (blank equals blank
    only), or None for a record without a title (never merged)."""
    if not match_form(fields.get("title", "")):
        return None
    return tuple(match_form(fields.get(name, "")) for name in compared)
