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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic
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
