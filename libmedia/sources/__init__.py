"""Readers that turn the files library staff really have into records.

Stage 1 of the pipeline: ``data file -> DataSet``.  A record is a mapping of
canonical field names (``title``, ``author``, ``isbn``, ``call_number``,
``cover``...) to text values; every value is read as text, exactly as the
file holds it (after decoding and trimming), so no spreadsheet-style number
conversion ever mangles an ISBN or a call number.

Use :func:`read_records` for any supported file; it picks the reader from the
file's content and extension.

Package layout (each module's docstring says what it takes and returns)::

    base.py       Source protocol (name, extensions, media types, sniff, read);
                  reading a file's bytes with errors that name it
    registry.py   the registered sources; picks one by content, then extension
    sniff.py      what a file is when no reader takes it (workbook, PDF, MARC...)
    decode.py     bytes -> text (BOM, UTF-16, UTF-8, cp1252, detected code pages)
    csvrows.py    CSV text -> rows of cells (delimiter, quotes, line breaks)
    header.py     which row names the columns (or the SLiMS header-less layout)
    fields.py     canonical fields, their header aliases and value rules
    isbn.py       ISBN/ISSN cleaning
    normalize.py  header + rows of cells -> canonical records (shared by readers)
    csvfile.py    the CSV reader, chaining the above
    tomlfile.py   the TOML reader (hand-written notices and events)
    jsonfile.py   the JSON and JSON Lines reader
    marc.py       the MARC reader (ISO 2709 and MARCXML; MARC 21 and UNIMARC)
    cells.py      a spreadsheet cell as the sheet shows it (numbers, dates, errors, formulas)
    sheettable.py which sheet, which header row, which rows: a sheet -> records
    xlsx.py       the Excel reader (.xlsx, .xlsm; openpyxl's streaming parser)
    xls.py        the Excel 97-2003 reader (.xls; xlrd); password-protected workbooks
    ods.py        the OpenDocument spreadsheet reader (.ods)
    htmltable.py  web-page tables saved as .xls (SLiMS, INLISLite report exports)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Diagnostic


@dataclass
class Record:
    """One record (one book, one event) of a data file.

    ``row``      the row the user's own tool shows the record on: for a CSV
                 the spreadsheet's row number (header and any title rows
                 counted, so in a plain CSV the first book is row 2; a value
                 with line breaks keeps its record on one row); each reader
                 documents its own (a sheet's row, a JSON object's index...);
    ``line``     1-based physical line in the file where the record starts;
    ``fields``   canonical field name -> text value (aliases resolved,
                 multi-values joined with ``"; "``);
    ``lists``    canonical field name -> list of values, for multi-valued
                 fields (authors, subjects) as the source gave them;
    ``raw``      the original header -> value, untouched;
    ``warnings`` problems found in this record that did not stop it
                 (an invalid ISBN dropped, a suspicious value).
    """

    row: int
    line: int
    fields: dict[str, str]
    lists: dict[str, list[str]] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


@dataclass
class DataSet:
    """Everything read from one data file.

    ``path``      the file read;
    ``records``   in file order;
    ``columns``   the file's own header names, in order (for error messages
                  that list the available columns);
    ``mapping``   file header -> canonical field name, for the headers that
                  were recognised;
    ``encoding``  the text encoding used (``utf-8``, ``utf-8-sig``,
                  ``cp1252``, ``utf-16``...);
    ``delimiter`` the field separator used;
    ``warnings``  file-level warnings (a guessed encoding, a missing header);
    ``reader``    name of the :class:`~libmedia.sources.base.Source` that
                  read the file (``"csv"``);
    ``merged_rows`` the row of each copy of a book listed more than once ->
                  the row of the record kept for it (case C40).
    """

    path: Path
    records: list[Record]
    columns: list[str]
    mapping: dict[str, str]
    encoding: str
    delimiter: str
    warnings: list[Diagnostic] = field(default_factory=list)
    reader: str = "csv"
    merged_rows: dict[int, int] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        """Folder that relative cover paths in the file are resolved against."""
        return self.path.parent


def read_records(path: str | Path, **options: Any) -> DataSet:
    """Read a data file into a :class:`DataSet`, with the reader that
    :mod:`libmedia.sources.registry` picks from its content (then its
    extension); ``options`` go to that reader.

    Raises :class:`libmedia.errors.DataError` (naming the file, and the row
    where one is to blame) when the file cannot be read at all, or is a
    format no reader takes (the message lists the formats libmedia reads).
    A problem in one row never loses the others: it becomes a warning on
    that record.
    """
    from .registry import read_records as read

    return read(Path(path), **options)
