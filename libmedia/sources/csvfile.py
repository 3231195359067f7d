"""The CSV/TSV reader: files as library staff export them (SLiMS, Koha, Excel, Sheets).

``read_csv(path) -> DataSet``, also registered as the :class:`Source`
:data:`CSV` (``sniff``/``read``).  It chains the steps that live in their
own modules:

1. bytes: :func:`base.read_bytes`; files that are something else (an Excel
   workbook, a PDF, an SQL dump...) are refused by name
   (:mod:`libmedia.sources.sniff`);
2. text: :func:`decode.decode_bytes` (BOM, UTF-16, UTF-8, cp1252 or a
   detected legacy code page; a file warning for anything but UTF-8);
3. rows: :func:`csvrows.parse_text` (delimiter, quotes, line breaks);
4. header: :func:`header.choose_header` (a header row, or the SLiMS 9
   layout of a header-less export);
5. records: :func:`normalize.normalize` (aliases -> canonical fields,
   value cleaning, ISBNs; SLiMS literal ``\\n`` as line breaks).

``Record.row`` counts data rows from 1 (blank rows are skipped but counted,
as in a spreadsheet); ``Record.line`` is the physical line where the record
starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from .csvrows import excel_sep_line, find_delimiter, parse_text, split_lines
from .decode import decode_bytes, peek_text
from .header import choose_header
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
    start = next(i for i, r in enumerate(raw_rows) if r.filled)
    header = choose_header(path, [r.cells for r in raw_rows[start:]], raw_rows[start].line)
    warnings.extend(header.warnings)
    body = raw_rows[start + 1:] if header.in_data else raw_rows[start:]
    rows = [Row(n, raw.line, raw.cells, [("unclosed-quote", raw.problem)] if raw.problem else [])
            for n, raw in enumerate(body, start=1)]
    table = normalize(path, header.names, rows, literal_newlines=header.slims)
    if not table.records:
        warnings.append(file_warning(path, "no-records", "the file has a header row but no records"))
    return DataSet(path=path, records=table.records, columns=header.names,
                   mapping=table.plan.mapping, encoding=decoded.encoding, delimiter=delimiter,
                   warnings=warnings, reader=CSV.name)
