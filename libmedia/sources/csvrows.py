"""CSV records from decoded text: physical lines -> rows of cells.

``parse_text(path, text) -> ([RawRow], delimiter)``; a :class:`RawRow` is the
physical ``line`` a record starts on, its ``cells`` as the csv module gave
them, and a ``problem`` sentence when the row had to be re-read.

Delimiter (:func:`detect_delimiter`)
    ``,`` ``;`` TAB ``|`` each parse the first records with the csv module
    (quotes and quoted newlines respected); the candidate giving more than
    one field with the most consistent field count wins, then the one with
    more fields.  An Excel ``sep=;`` first line is obeyed.

Records
    LF, CRLF and bare CR end records; line breaks inside quoted values are
    kept.  Blank records are kept (as ``[]``) so that data rows can be
    counted the way a spreadsheet counts them.  A quote never closed does
    not swallow the rest of the file (:func:`parse_rows`).
"""

from __future__ import annotations

import _csv
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .base import data_error

DELIMITERS = (",", ";", "\t", "|")
"""Field separators tried, in order of preference on a tie."""

SNIFF_RECORDS = 50
"""Records parsed per candidate delimiter."""


@dataclass
class RawRow:
    """One parsed CSV record: ``line`` (1-based physical line it starts on),
    ``cells`` as the csv module gave them, ``problem`` (a sentence or ``""``)."""

    line: int
    cells: list[str]
    problem: str = ""

    @property
    def filled(self) -> bool:
        """True when some cell is not blank."""
        return any(c.strip() for c in self.cells)


def split_lines(text: str) -> list[str]:
    """Physical lines with their endings; LF, CRLF and bare CR each end one."""
    return list(io.StringIO(text, newline=""))


def _reader(lines: list[str], delimiter: str, quoting: int = csv.QUOTE_MINIMAL) -> _csv.Reader:
    return csv.reader(iter(lines), delimiter=delimiter, quotechar='"', doublequote=True,
                      strict=False, quoting=quoting)


def find_delimiter(lines: list[str]) -> str | None:
    """The field separator among :data:`DELIMITERS` for these physical lines,
    or ``None`` when no candidate splits them (a one-column file).

    Each candidate parses the first :data:`SNIFF_RECORDS` non-blank records;
    score = (share of records having the most common field count, that
    count); candidates whose most common count is 1 are out; the highest
    score wins, the earlier candidate on a tie.
    """
    best, best_score = None, (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            records = [r for r in islice(_reader(lines, delimiter), SNIFF_RECORDS * 4)
                       if any(c.strip() for c in r)][:SNIFF_RECORDS]
        except csv.Error:
            continue
        if not records:
            continue
        count, freq = Counter(len(r) for r in records).most_common(1)[0]
        score = (freq / len(records), count)
        if count > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def detect_delimiter(lines: list[str]) -> str:
    """:func:`find_delimiter`, or ``","`` when none fits (a one-column file)."""
    return find_delimiter(lines) or ","


def parse_rows(lines: list[str], delimiter: str) -> list[RawRow]:
    """Parse physical lines into records (blank ones included, as ``[]``).

    A quote that is never closed swallows every later line into one value.
    When the last record spans several lines with an odd number of quotes
    (or the csv module gives up on a record, e.g. a value over its size
    limit), that record is re-read from its first line with quotes taken
    literally and flagged, and parsing resumes on the next line: no other
    row is lost.
    """
    rows: list[RawRow] = []
    start = 0
    while start < len(lines):
        reader, first, bad = _reader(lines[start:], delimiter), start, None
        try:
            for cells in reader:
                rows.append(RawRow(first + 1, cells))
                first = start + reader.line_num
        except csv.Error:
            bad = first
        if bad is None and rows and rows[-1].line - 1 >= start:
            last = rows[-1].line - 1
            if len(lines) - last > 1 and "".join(lines[last:]).count('"') % 2:
                rows.pop()
                bad = last
        if bad is None:
            break
        cells = next(_reader(lines[bad:bad + 1], delimiter, csv.QUOTE_NONE), [])
        rows.append(RawRow(bad + 1, cells, "a quote (\") opened in this row is never "
                           "closed; the row was read with quotes as plain characters"))
        start = bad + 1
    return rows


def excel_sep_line(lines: list[str]) -> str | None:
    """Delimiter named by an Excel ``sep=;`` first line, or ``None``."""
    if lines:
        m = re.fullmatch(r"sep=(.)", lines[0].rstrip("\r\n"))
        if m:
            return m.group(1)
    return None


def parse_text(path: Path, text: str) -> tuple[list[RawRow], str]:
    """All records of the text (blank ones included) and the delimiter:
    an Excel ``sep=`` line's, else :func:`detect_delimiter`'s.  ``line``
    numbers count the ``sep=`` line.  :class:`DataError` naming ``path`` when
    no record holds anything."""
    lines = split_lines(text)
    delimiter = excel_sep_line(lines)
    skip = 1 if delimiter else 0
    delimiter = delimiter or detect_delimiter(lines[skip:])
    rows = parse_rows(lines[skip:], delimiter)
    for r in rows:
        r.line += skip
    if not any(r.filled for r in rows):
        raise data_error(path, "the file is empty", "export the data again; the file has no rows")
    return rows, delimiter
