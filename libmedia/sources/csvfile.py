"""The CSV/TSV reader: files as library staff export them (SLiMS, Koha, Excel, Sheets).

``read_csv(path) -> DataSet``, also registered as the :class:`Source`
:data:`CSV` (``sniff``/``read``).  It chains the steps that live in their
own modules:

1. bytes: :func:`base.read_bytes`; files that are something else (an Excel
   workbook, a PDF, an SQL dump...) are refused by name
   (:mod:`libmedia.sources.sniff`);
2. text: :func:`decode.decode_bytes` (BOM, UTF-16, UTF-8, cp1252 or a
   detected legacy code page; a file warning for anything but UTF-8);
3. rows: :func:`csvrows.parse_text` (delimiter, quotes, line breaks,
   records that swallowed lines split again);
4. header: :func:`header.find_header_row` (below a report's title rows),
   :func:`header.choose_header` (a header row, or the SLiMS 9 layout of a
   header-less export); a report's footer rows (totals, print date) cut off
   by :func:`header.footer_start`; rows skipped above and below are noted
   (``info`` diagnostics ``preamble-rows``, ``footer-rows``);
5. records: :func:`normalize.normalize` (aliases -> canonical fields,
   value cleaning, ISBNs; SLiMS literal ``\\n`` as line breaks).

Row numbers are the spreadsheet's: ``Record.row`` is the row a spreadsheet
shows the record on when it opens the file (Excel, LibreOffice, Google
Sheets): the header row is row 1 in a plain file (the first book is row 2),
a report's title and blank rows above the header are counted, blank rows
are counted, a value holding line breaks keeps its record on one row, and
an Excel ``sep=`` line is not counted (Excel hides it).  Lines that a stray
quote swallowed into one value are read as the rows they are (each is
counted).  ``Record.line`` is the physical line where the record starts.
When rows and lines differ (values with line breaks), a file note
``multi-line-rows`` says which rows span which lines, so the record count
can be checked against the file.

Every problem met while reading a row (a stray quote, swallowed lines, a
value over :data:`csvrows.FIELD_LIMIT`, a byte that is not UTF-8, fewer
values than the header has columns) is a warning on that row's record,
naming its column; the other rows go on.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import Any

from ..diagnostics import INFO, Diagnostic, Location, display_path
from . import DataSet
from .base import (
    LIKELY,
    NOT_MINE,
    POSSIBLE,
    data_error,
    empty_file_error,
    file_warning,
    is_blank,
    read_bytes,
)
from .csvrows import RawRow, excel_sep_line, find_delimiter, parse_text, split_lines, usual_width
from .decode import Repair, decode_bytes, peek_text
from .header import choose_header, find_header_row, footer_start, skipped_note
from .normalize import Row, normalize
from .sniff import describe, describe_bytes, describe_text


class CsvSource:
    """CSV and TSV text, any of ``,`` ``;`` TAB ``|`` as separator."""

    name = "csv"
    label = "CSV or TSV text"
    extensions = (".csv", ".tsv", ".txt")
    media_types = ("text/csv", "text/tab-separated-values", "text/plain")
    """Options :meth:`read` takes: none (the registry refuses ``--sheet`` by name)."""

    def sniff(self, path: Path, head: bytes) -> float:
        """:data:`~base.NOT_MINE` for anything :func:`sniff.describe` names
        (binary, a workbook, SQL, HTML, XML, iCalendar, JSON);
        :data:`~base.LIKELY` when the head has an Excel ``sep=`` line or
        splits on a separator; else :data:`~base.POSSIBLE` (a one-column
        file is a CSV too)."""
        if describe(head) is not None:
            return NOT_MINE
        lines = split_lines(peek_text(head))
        if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
            lines.pop()  # cut off at the end of the head
        if excel_sep_line(lines) or find_delimiter(lines):
            return LIKELY
        return POSSIBLE

    #: reader options it takes (none: the registry refuses any with a DataError)
    read_options: tuple[str, ...] = ()

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_csv`; it takes no options (``TypeError`` if given)."""
        if options:
            raise TypeError(f"the CSV reader takes no options, got {', '.join(sorted(options))}")
        return read_csv(path)


CSV = CsvSource()
"""The CSV reader, as registered in :mod:`libmedia.sources.registry`."""


def _refuse(path: Path, kind_description: str, hint: str) -> None:
    raise data_error(path, f"this is {kind_description}, not a CSV file", hint)


def read_csv(path: Path) -> DataSet:
    """Read a CSV/TSV data file into a :class:`DataSet`.

    ``path``: the file.  Returns every non-blank record, in file order, with
    canonical fields (see :mod:`libmedia.sources.fields`) and per-record
    warnings; file-level warnings (encoding, missing header) on the DataSet.

    Raises :class:`DataError` (naming the file, with a hint) when the file is
    missing, a folder, empty, binary (Excel workbook, image, PDF...), an SQL
    dump or web page, undecodable, or has no header row and is not a SLiMS
    export.  A bad row never raises: it becomes a record warning.
    """
    path = Path(path)
    data = read_bytes(path, CSV.extensions)
    if is_blank(data):
        raise empty_file_error(path)
    kind = describe_bytes(data)
    if kind is not None:
        _refuse(path, kind.description, kind.hint)
    decoded = decode_bytes(data, path)
    kind = describe_text(decoded.text)
    if kind is not None:
        _refuse(path, kind.description, kind.hint)
    warnings = [file_warning(path, "encoding", decoded.warning)] if decoded.warning else []
    raw_rows, delimiter = parse_text(path, decoded.text)
    _attach_repairs(raw_rows, decoded.repairs)
    start = find_header_row([r.cells for r in raw_rows])
    header = choose_header(path, [r.cells for r in raw_rows[start:]], raw_rows[start].line)
    warnings.extend(header.warnings)
    first = start + 1 if header.in_data else start
    end = first + footer_start([r.cells for r in raw_rows[first:]])
    if start and header.in_data:
        warnings.append(skipped_note(path, "preamble-rows", _numbered(raw_rows, 0, start),
                                     f"above the header (row {start + 1})", raw_rows[0].line))
    if end < len(raw_rows):
        warnings.append(skipped_note(path, "footer-rows", _numbered(raw_rows, end, len(raw_rows)),
                                     "below the data (totals, print date)", raw_rows[end].line))
    warnings.extend(_file_problem(path, n, raw)
                    for n, raw in enumerate(raw_rows[:first], start=1) if raw.problems)
    body = raw_rows[first:end]
    _flag_short_rows(body, len(header.names))
    rows = [Row(n, raw.line, raw.cells, _problems(raw, header.names))
            for n, raw in enumerate(body, start=first + 1)]
    table = normalize(path, header.names, rows, literal_newlines=header.slims)
    note = _multi_line_note(path, body, first + 1)
    if note:
        warnings.append(note)
    if not table.records:
        warnings.append(file_warning(path, "no-records", "the file has a header row but no records"))
    return DataSet(path=path, records=table.records, columns=header.names,
                   mapping=table.plan.mapping, encoding=decoded.encoding, delimiter=delimiter,
                   warnings=warnings, reader=CSV.name)


def _numbered(rows: list[RawRow], lo: int, hi: int) -> list[tuple[int, list[str]]]:
    """``(spreadsheet row, cells)`` of ``rows[lo:hi]``."""
    return [(n, rows[n - 1].cells) for n in range(lo + 1, hi + 1)]


def _attach_repairs(rows: list[RawRow], repairs: list[Repair]) -> None:
    """Each stray byte's repair (:class:`decode.Repair`) becomes a
    ``bad-byte`` problem of the row whose text holds it; the sentence names
    the byte and the character it was read as."""
    if not repairs:
        return
    starts = [r.start for r in rows]
    for rep in repairs:
        i = max(0, bisect_right(starts, rep.offset) - 1)
        rows[i].problems.append(("bad-byte", None, rep.sentence()))


def _flag_short_rows(rows: list[RawRow], width: int) -> None:
    """A ``missing-values`` problem for each filled row with fewer values
    than the header's ``width`` columns, when the usual row has them all (a
    file that leaves out trailing empty cells everywhere is not flagged)."""
    if usual_width(rows) != width:
        return
    for raw in rows:
        if raw.filled and len(raw.cells) < width:
            raw.problems.append(("missing-values", None, (
                f"this row has {len(raw.cells)} values but the header has {width} columns; "
                f"the last {width - len(raw.cells)} read as empty (a line break inside an "
                f"unquoted value, or cells lost in an export?)")))


def _problems(raw: RawRow, names: list[str]) -> list[tuple[str, str]]:
    """The row's problems as ``(code, sentence)``, the column named."""
    out = []
    for code, col, sentence in raw.problems:
        if col is not None:
            name = names[col] if col < len(names) and names[col] else f"column_{col + 1}"
            sentence = f"column '{name}': {sentence}"
        out.append((code, sentence))
    return out


def _file_problem(path: Path, row: int, raw: RawRow) -> Diagnostic:
    """A reading problem of a row above the records (title, header)."""
    return Diagnostic.warning(f"row {row} (not a record): {raw.problem}",
                              Location(file=display_path(path), line=raw.line), raw.problems[0][0])


def _multi_line_note(path: Path, rows: list[RawRow], first: int) -> Diagnostic | None:
    """The ``multi-line-rows`` note: which rows span several lines."""
    spans = [(n, r) for n, r in enumerate(rows, start=first) if r.end_line > r.line]
    if not spans:
        return None
    lines = rows[-1].end_line - rows[0].line + 1
    shown = ", ".join(f"row {n} (lines {r.line}–{r.end_line})" for n, r in spans[:6])
    more = f" and {len(spans) - 6} more" if len(spans) > 6 else ""
    return Diagnostic(
        INFO, "multi-line-rows",
        f"{len(spans)} row{'s hold' if len(spans) != 1 else ' holds'} values with line breaks, so "
        f"lines {rows[0].line}–{rows[-1].end_line} ({lines} lines) make {len(rows)} rows: "
        f"{shown}{more}", Location(file=display_path(path), line=spans[0][1].line))
