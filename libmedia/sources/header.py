"""The header row of a table: which row names the columns, and what they are.

``choose_header(path, rows, first_line) -> Header``: given a table's rows of
cell strings from its first non-blank row on, whether that row is a header
(and its names, cleaned), or, for a header-less SLiMS export, the SLiMS 9
column layout.  The names then go to :func:`libmedia.sources.fields.plan_columns`
(column aliases -> canonical fields) inside the normaliser.  Used by the CSV
reader; any reader of a grid of cells (a spreadsheet) can use it too.

Header
    The first non-blank row is a header when a cell is a known alias (see
    :mod:`libmedia.sources.fields`) or when it looks like names (short,
    distinct, no numbers, dates, paths or links).  A header-less file with
    the SLiMS 9 export layout is read with that layout (warning); any other
    header-less file is a :class:`DataError`.  Trailing blank header cells
    are dropped (SLiMS ends its header with a separator).

Reports (case C27; :func:`find_header_row`, :func:`footer_start`)
    A library web app's "export to Excel" report puts a title and blank
    rows above the header, and totals (``;;;;;Jumlah;5``) and a print date
    (``Tanggal Cetak : 2024-05-02``) below the data.  When the first
    non-blank row names no known field, the header is the first of the next
    rows (up to :data:`PREAMBLE_ROWS`) that names at least two, provided
    every row above it has fewer values than it.  Footer rows are the rows
    at the end of the table, below the last record, that hold at most
    :data:`FOOTER_CELLS` values, one of them starting with a totals or
    print-date word (:data:`FOOTER_WORDS`).  The readers skip both and
    note them (:func:`skipped_note`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import INFO
from ..errors import Diagnostic, Location, display_path
from .base import data_error, file_warning
from .fields import MULTI_VALUE, SLIMS_EXPORT_COLUMNS, known_field_names, lookup_header

_NUMBER_LIKE = re.compile(r"^[\d\s.,/:+()-]+$")
_FILE_OR_LINK = re.compile(r"://|\.(jpe?g|png|gif|webp|tiff?)$", re.I)

#: Headers that only a SLiMS export has together.
SLIMS_HEADERS = frozenset({"gmd_name", "isbn_issn", "publisher_name"})


def looks_like_header(cells: Sequence[str]) -> bool:
    """True when a row reads as column names: a known alias, or every
    non-empty cell short (<= 60 characters), distinct, on one line, and not
    a number, date, ISBN, file name, link or ``<a><b>`` value."""
    if any(lookup_header(c) for c in cells):
        return True
    names = [c.strip() for c in cells if c.strip()]
    if not names or len({n.casefold() for n in names}) != len(names):
        return False
    return not any(
        len(n) > 60 or "\n" in n or "\r" in n or _NUMBER_LIKE.match(n)
        or MULTI_VALUE.match(n) or _FILE_OR_LINK.search(n)
        for n in names
    )


def is_slims_layout(rows: Sequence[Sequence[str]]) -> bool:
    """True when header-less rows (blank ones are skipped) have the SLiMS 9
    export layout: 18 cells, with ``authors``, ``topics`` and ``item_code``
    empty or ``<a><b>``; judged on the first 20 non-blank rows."""
    width = len(SLIMS_EXPORT_COLUMNS)
    sample = [cells for cells in rows if any(c.strip() for c in cells)][:20]
    return bool(sample) and all(
        len(cells) == width
        and all(not cells[i].strip() or MULTI_VALUE.match(cells[i].strip())
                for i in (15, 16, 17))
        for cells in sample
    )


def clean_header(cell: str) -> str:
    """A header cell as a name: BOMs dropped, trimmed, NFC."""
    return unicodedata.normalize("NFC", cell.replace("\ufeff", "").strip())


@dataclass
class Header:
    """What :func:`choose_header` found.

    ``names``     the column names, in order (cleaned);
    ``in_data``   True when the first row is the header (the records start
                  on the next row), False for a header-less SLiMS export;
    ``slims``     True for a SLiMS export (with or without its header);
    ``warnings``  file-level warnings (``no-header``).
    """

    names: list[str]
    in_data: bool
    slims: bool
    warnings: list[Diagnostic] = field(default_factory=list)


def choose_header(path: Path, rows: Sequence[Sequence[str]], first_line: int) -> Header:
    """The header of a table whose rows (cell strings) start at its first
    non-blank row, which is on line ``first_line`` of ``path``.

    Raises :class:`DataError` (naming ``path`` and ``first_line``, listing
    the field names libmedia understands) when there is no header row and
    the rows are not a SLiMS export.
    """
    first = rows[0]
    if looks_like_header(first):
        names = [clean_header(c) for c in first]
        while len(names) > 1 and not names[-1]:  # SLiMS ends its header with a separator
            names.pop()
        return Header(names, True, SLIMS_HEADERS <= {n.casefold() for n in names})
    if is_slims_layout(rows):
        warning = file_warning(
            path, "no-header",
            "no header row; read as SLiMS export layout (" + ",".join(SLIMS_EXPORT_COLUMNS) + ")")
        return Header(list(SLIMS_EXPORT_COLUMNS), False, True, [warning])
    raise data_error(
        path, "the first row holds data, not column names: the file has no header row",
        "add a header row naming the columns; libmedia understands "
        + "; ".join(known_field_names()) + "; other names are kept as they are",
        line=first_line)


PREAMBLE_ROWS = 20
"""Non-blank rows searched for a header below a report's title rows."""

FOOTER_CELLS = 3
"""Most values a footer row (totals, print date) holds."""

FOOTER_WORDS = re.compile(
    r"^\s*(jumlah(\s+(data|judul|eksemplar|buku|koleksi))?|total(\s+(records?|titles?|books?))?|"
    r"grand\s*total|sub\s*total|tanggal\s*cetak|tgl\.?\s*cetak|waktu\s*cetak|"
    r"dicetak(\s+(pada|oleh|tanggal))?|printed(\s+(on|by|at))?|print\s*date|date\s*printed|"
    r"halaman|page|petugas|operator|mengetahui)"
    r"\s*(:.*|[-\d(].*)?$", re.I)
"""A value that starts a report's footer row (Indonesian and English library
web apps: SLiMS, INLISLite and school systems' printed reports): a totals or
print-date word alone, or followed by ``:`` or a number (``Jumlah``,
``Total: 12``, ``Tanggal Cetak : 2024-05-02``, ``Halaman 1``), never by
other words (a book called ``Total Quality Management`` is not a footer)."""


def _filled(cells: Sequence[str]) -> list[str]:
    return [c.strip() for c in cells if c.strip()]


def alias_count(cells: Sequence[str]) -> int:
    """How many distinct known fields the cells name (see
    :func:`fields.lookup_header`)."""
    return len({found[0] for c in cells if (found := lookup_header(c))})


def find_header_row(rows: Sequence[Sequence[str]]) -> int:
    """Index in ``rows`` (blank rows included) of the header row: the first
    non-blank row, unless it names no known field and a later one among the
    next :data:`PREAMBLE_ROWS` non-blank rows names two or more while every
    row above it holds fewer values (a report's title rows).  ``0`` when
    every row is blank."""
    filled = [i for i, cells in enumerate(rows) if _filled(cells)]
    if not filled:
        return 0
    first = filled[0]
    if alias_count(rows[first]):
        return first
    for i in filled[1:PREAMBLE_ROWS + 1]:
        if alias_count(rows[i]) >= 2:
            width = len(_filled(rows[i]))
            if all(len(_filled(rows[j])) < width for j in filled if j < i):
                return i
            break
    return first


_NUMBER = re.compile(r"^[\d.,]+$")


def is_footer_row(cells: Sequence[str]) -> bool:
    """True for a report's totals or print-date row: at most
    :data:`FOOTER_CELLS` values, one matching :data:`FOOTER_WORDS`; a
    footer word alone (``Jumlah``) counts only beside a number
    (``;;;;;Jumlah;5``), so a book called ``Page`` stays a book."""
    values = _filled(cells)
    if not 0 < len(values) <= FOOTER_CELLS:
        return False
    for v in values:
        m = FOOTER_WORDS.match(v)
        if not m:
            continue
        alone = v == m.group(1)
        if not alone or any(_NUMBER.match(o) for o in values if o is not v):
            return True
    return False


def footer_start(rows: Sequence[Sequence[str]]) -> int:
    """Index in ``rows`` (a table's data rows, blank ones included) where
    its footer starts: the earliest footer row (:func:`is_footer_row`) of
    the block of footer and blank rows that ends the table, with the blank
    rows just above it; ``len(rows)`` when it has none."""
    start = len(rows)
    for i in range(len(rows) - 1, -1, -1):
        if not _filled(rows[i]):
            continue
        if not is_footer_row(rows[i]):
            break
        start = i
    while 0 < start < len(rows) and not _filled(rows[start - 1]):
        start -= 1  # the blank rows that set the footer off belong to it
    return start


def skipped_note(path: Path, code: str, rows: Sequence[tuple[int, Sequence[str]]],
                 where: str, line: int | None = None) -> Diagnostic:
    """An ``info`` diagnostic naming skipped rows: ``rows`` are ``(row
    number, cells)`` (blank ones included, only filled ones quoted),
    ``where`` says what they were (``"above the header"``)."""
    numbers = [n for n, _ in rows]
    span = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {numbers[0]}–{numbers[-1]}"
    shown = [" ".join(_filled(cells)) for _, cells in rows if _filled(cells)]
    quoted = ", ".join(f"'{s[:60]}'" for s in shown[:4]) + (", …" if len(shown) > 4 else "")
    message = f"{span} {where} skipped (not records): {quoted}" if quoted else \
        f"{span} {where} skipped (blank)"
    return Diagnostic(INFO, code, message, Location(file=display_path(path), line=line))
