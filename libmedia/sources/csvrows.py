"""CSV records from decoded text: physical lines -> rows of cells.

``parse_text(path, text) -> ([RawRow], delimiter)``; a :class:`RawRow` is one
record: the physical ``line`` it starts on and the ``end_line`` it ends on,
its ``cells``, its ``start``/``end`` offsets in the text, and the
``problems`` met while reading it.  One record is one spreadsheet row.

Delimiter (:func:`find_delimiter`)
    ``,`` ``;`` TAB ``|`` each parse the first records; the candidate giving
    more than one field with the most consistent field count wins, then the
    one with more fields.  An Excel ``sep=;`` first line is obeyed (and is
    not a row: Excel does not show it).

Fields (RFC 4180, read leniently; :func:`parse_records`)
    A field is quoted only when a quote opens it and its closing quote ends
    it: ``"a; b";`` is ``a; b`` (``""`` inside is one quote; line breaks
    inside are kept; spaces around the quotes are allowed).  A quote that
    does not open a *whole* field is a literal character: ``24"``,
    ``"Aku" dan Puisi Lainnya``, a ``"Bumi Manusia”`` closed by a curly
    quote or never closed; such a value is read as written, up to the next
    separator, and flagged when it starts with the quote (warnings
    ``literal-quote``, ``unclosed-quote``: a spreadsheet may show it
    differently).  So a stray quote cannot swallow the rest of the file.

Records
    LF, CRLF and bare CR end records.  Blank records are kept (as ``[]``)
    so that rows are counted the way a spreadsheet counts them.

Swallowed lines (:func:`split_swallowed`)
    A stray quote can still meet a quote that happens to end a field lines
    later (an inch mark ``24"`` at the end of a cell): the record then spans
    several physical lines, often with the usual number of fields (the
    quote opened and closed in the same column).  When each of its lines,
    read on its own, has exactly the file's usual (most common) field count
    of 3 or more (of 2: and the record itself has not), the lines are read
    as the separate records they look like, and the first is flagged with
    the line range (warning ``swallowed-lines``).  A real value with line
    breaks almost never does that: its lines hold parts of one cell, with
    other numbers of separators.  A multi-line record that does not split
    is kept whole, and flagged (``multi-line-row``) when its field count is
    not the usual one.

Field size
    A value longer than :data:`FIELD_LIMIT` characters (the csv module's
    default ``field_size_limit``) is not used; its row gets a
    ``value-too-long`` warning and the others go on.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .base import data_error

DELIMITERS = (",", ";", "\t", "|")
"""Field separators tried, in order of preference on a tie."""

SNIFF_RECORDS = 50
"""Records parsed per candidate delimiter."""

FIELD_LIMIT = csv.field_size_limit()
"""Longest value used, in characters: 131,072 (the csv module's default
limit).  No cell of a catalogue is that long; a longer one is garbage or a
quote that swallowed the file."""

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


@dataclass
class RawRow:
    """One parsed CSV record (one spreadsheet row).

    ``line``      1-based physical line it starts on;
    ``cells``     the field values (``[]`` for a blank line);
    ``problems``  ``(code, column, sentence)`` for each thing worked around
                  (``column`` a 0-based index, or ``None`` for the row);
    ``end_line``  1-based physical line it ends on (``line`` unless a
                  quoted value holds line breaks);
    ``start``, ``end``  offsets of the record in the parsed text (for
                  mapping a decoding repair to its row).
    """

    line: int
    cells: list[str]
    problems: list[tuple[str, int | None, str]] = field(default_factory=list)
    end_line: int = 0
    start: int = 0
    end: int = 0

    def __post_init__(self) -> None:
        self.end_line = self.end_line or self.line

    @property
    def filled(self) -> bool:
        """True when some cell is not blank."""
        return any(c.strip() for c in self.cells)

    @property
    def problem(self) -> str:
        """The problems' sentences joined (``""`` when none)."""
        return "; ".join(p[2] for p in self.problems)


def split_lines(text: str) -> list[str]:
    """Physical lines with their endings; LF, CRLF and bare CR each end one."""
    out, pos = [], 0
    for m in _LINE_BREAK.finditer(text):
        out.append(text[pos:m.end()])
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


@dataclass(frozen=True)
class _Patterns:
    quoted: re.Pattern[str]
    plain: re.Pattern[str]


def _patterns(delimiter: str) -> _Patterns:
    """The two field patterns for ``delimiter``: a whole quoted field
    (spaces around the quotes allowed unless the delimiter is a space),
    and a plain field up to the next delimiter or line break."""
    d = re.escape(delimiter)
    pad = "" if delimiter == " " else "[ ]*+"
    quoted = re.compile(rf'{pad}"([^"]*+(?:""[^"]*+)*+)"{pad}(?={d}|[\r\n]|\Z)')
    plain = re.compile(rf"[^{d}\r\n]*+")
    return _Patterns(quoted, plain)


def _line_starts(text: str) -> list[int]:
    """Offset where each physical line starts (line n starts at [n-1])."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _quote_problem(value: str) -> tuple[str, str] | None:
    """``(code, sentence)`` for a plain value that starts with a quote."""
    if not value.lstrip(" ").startswith('"'):
        return None
    shown = value if len(value) <= 60 else value[:59] + "…"
    if value.count('"') >= 2:
        return ("literal-quote", f"the value starts with a quote (\") that closes before the "
                f"value ends; read as written: '{shown}' (a spreadsheet may drop these quotes)")
    return ("unclosed-quote", f"a quote (\") opens the value but never closes it; read as "
            f"written: '{shown}'; remove the stray quote, or put the whole value in quotes")


def parse_records(text: str, delimiter: str, start: int = 0, end: int | None = None,
                  first_line: int = 1) -> list[RawRow]:
    """Every record of ``text[start:end]`` (blank ones as ``[]``), by the
    field rules in the module docstring; ``first_line`` is the physical line
    number at ``start``.  Never raises."""
    end = len(text) if end is None else end
    pats = _patterns(delimiter)
    line_at = _LineCounter(text, start, first_line)
    rows: list[RawRow] = []
    pos = start
    while pos < end:
        row_start = pos
        cells: list[str] = []
        problems: list[tuple[str, int | None, str]] = []
        while True:
            col = len(cells)
            m = pats.quoted.match(text, pos, end)
            if m:
                value = m.group(1).replace('""', '"')
            else:
                m = pats.plain.match(text, pos, end)
                value = m.group(0)
                found = _quote_problem(value)
                if found:
                    problems.append((found[0], col, found[1]))
            pos = m.end()
            if len(value) > FIELD_LIMIT:
                problems.append(("value-too-long", col, (
                    f"a value of {len(value):,} characters (over the limit of {FIELD_LIMIT:,}) "
                    f"was not used; it starts '{value[:40]}…'; a quote opened and never closed "
                    f"can make one value of many lines")))
                value = ""
            cells.append(value)
            if pos < end and text[pos] == delimiter:
                pos += 1
                continue
            break
        row_end = pos
        if text.startswith("\r\n", pos) and pos + 2 <= end:
            pos += 2
        elif pos < end:
            pos += 1
        if cells == [""]:
            cells = []
        rows.append(RawRow(line_at(row_start), cells, problems, line_at(max(row_start, row_end)),
                           row_start, row_end))
    return rows


class _LineCounter:
    """Physical line number of text offsets, asked in increasing order."""

    def __init__(self, text: str, start: int, first_line: int) -> None:
        self.text, self.pos, self.line = text, start, first_line

    def __call__(self, offset: int) -> int:
        if offset > self.pos:
            chunk = self.text[self.pos:offset]
            self.line += chunk.count("\n") + chunk.count("\r") - chunk.count("\r\n")
            self.pos = offset
        return self.line


def usual_width(rows: list[RawRow]) -> int:
    """The most common field count of the filled single-line records (of
    all filled records when none is single-line); 0 for none."""
    counts = Counter(len(r.cells) for r in rows if r.filled and r.end_line == r.line)
    if not counts:
        counts = Counter(len(r.cells) for r in rows if r.filled)
    return counts.most_common(1)[0][0] if counts else 0


def split_swallowed(text: str, rows: list[RawRow], delimiter: str) -> list[RawRow]:
    """``rows`` with each record that swallowed lines read again as the
    records its lines are (rule in the module docstring)."""
    width = usual_width(rows)
    if width < 2:
        return rows
    starts = _line_starts(text)
    out: list[RawRow] = []
    for row in rows:
        if row.end_line == row.line:
            out.append(row)
            continue
        pieces: list[RawRow] = []
        for n in range(row.line, row.end_line + 1):
            lo = starts[n - 1]
            hi = starts[n] if n < len(starts) else len(text)
            got = parse_records(text, delimiter, lo, hi, n)
            pieces.extend(got)
        filled = [p for p in pieces if p.filled]
        span = f"lines {row.line}–{row.end_line}"
        if filled and all(len(p.cells) == width for p in filled) and (
                width >= 3 or len(row.cells) != width):
            opened = next((c for c, cell in enumerate(row.cells) if "\n" in cell or "\r" in cell),
                          None)
            pieces[0].problems[:] = [p for p in pieces[0].problems if p[1] != opened]
            pieces[0].problems.insert(0, ("swallowed-lines", opened, (
                f"a quote (\") opened on line {row.line} closed only on line {row.end_line}, "
                f"making {span} one value; each of these lines holds {width} values like the "
                f"other rows, so they were read as {len(pieces)} separate rows; remove the "
                f"stray quote, or put the whole value in quotes")))
            out.extend(pieces)
        elif len(row.cells) == width:
            out.append(row)  # a value with line breaks
        else:
            row.problems.insert(0, ("multi-line-row", None, (
                f"this row spans {span} (a quoted value holds line breaks) and has "
                f"{len(row.cells)} values where the other rows have {width}: check the quotes "
                f"on {span}")))
            out.append(row)
    return out


def find_delimiter(lines: list[str]) -> str | None:
    """The field separator among :data:`DELIMITERS` for these physical lines,
    or ``None`` when no candidate splits them (a one-column file).

    Each candidate parses the first :data:`SNIFF_RECORDS` non-blank records;
    score = (share of records having the most common field count, that
    count); candidates whose most common count is 1 are out; the highest
    score wins, the earlier candidate on a tie.
    """
    text = "".join(lines[:SNIFF_RECORDS * 4])
    best, best_score = None, (0.0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in text:
            continue
        records = [r.cells for r in parse_records(text, delimiter) if r.filled][:SNIFF_RECORDS]
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


def excel_sep_line(lines: list[str]) -> str | None:
    """Delimiter named by an Excel ``sep=;`` first line, or ``None`` (also
    for ``sep="``: a quote cannot separate fields)."""
    if lines:
        m = re.fullmatch(r"sep=([^\"\r\n])", lines[0].rstrip("\r\n"))
        if m:
            return m.group(1)
    return None


def parse_text(path: Path, text: str) -> tuple[list[RawRow], str]:
    """All records of the text (blank ones included) and the delimiter:
    an Excel ``sep=`` line's, else :func:`detect_delimiter`'s; records that
    swallowed lines are split (:func:`split_swallowed`).  ``line`` numbers
    count the ``sep=`` line; the records do not include it.
    :class:`DataError` naming ``path`` when no record holds anything."""
    lines = split_lines(text)
    delimiter = excel_sep_line(lines)
    skip = len(lines[0]) if delimiter else 0
    delimiter = delimiter or detect_delimiter(lines)
    rows = parse_records(text, delimiter, skip, None, 2 if skip else 1)
    rows = split_swallowed(text, rows, delimiter)
    if not any(r.filled for r in rows):
        raise data_error(path, "the file is empty", "export the data again; the file has no rows")
    return rows, delimiter
