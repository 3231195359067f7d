"""What a file is, judged from its first bytes: the formats no reader takes.

``describe(head: bytes) -> FileKind | None``.  A :class:`FileKind` is a
description for a message (``"an Excel workbook (.xlsx)"``) and a hint that
says how to get a file libmedia reads from it.  ``None`` means "may be text
data" (nothing here recognised it).

Used by the registry to name a file no registered reader takes, and by
readers to say "not mine" in their sniff (the CSV reader refuses everything
described here).  When a reader for one of these formats is added
(``xlsx.py``), its sniff claims the file before the description is needed.

Signatures: ZIP containers (``PK\\x03\\x04``: ``xl/`` = .xlsx, ``word/`` =
.docx, the ODF ``mimetype`` = .ods), OLE2 (.xls and other old MS Office),
JPEG, PNG, GIF, WebP, PDF, SQLite, gzip, MARC 21 / ISO 2709 (five digits of
record length, then ``4500`` at offset 20 of the leader: the entry map);
and in the text: an SQL dump, a web page, MARCXML (the MARC 21 slim
namespace), other XML, iCalendar
(``BEGIN:VCALENDAR``, RFC 5545) and JSON.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .decode import looks_binary, peek_text

EXCEL_TO_CSV = ("save it as CSV: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'; "
                "in LibreOffice Calc, File > Save As > 'Text CSV (.csv)' with the character set "
                "'Unicode (UTF-8)'")
"""How to get a CSV file from a spreadsheet program."""

EXPORT_CATALOGUE = "export the catalogue as CSV (in SLiMS: Bibliography > Export)"
"""How to get a CSV file from a library system."""


@dataclass(frozen=True)
class FileKind:
    """What a file is: ``description`` with its article (``"a PDF
    document"``), ``hint`` how to get a data file libmedia reads from it."""

    description: str
    hint: str


XLSX = FileKind("an Excel workbook (.xlsx)", EXCEL_TO_CSV)
ODS = FileKind("an OpenDocument spreadsheet (.ods)", EXCEL_TO_CSV)
BINARY = FileKind("a binary file", "export or save the data as 'CSV UTF-8'")

_IMAGE_HINT = "cover images are named in the cover column; pass the data file here"

_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     FileKind("an old Excel workbook (.xls) or other MS Office file", EXCEL_TO_CSV)),
    (b"\xff\xd8\xff", FileKind("a JPEG image", _IMAGE_HINT)),
    (b"\x89PNG\r\n\x1a\n", FileKind("a PNG image", _IMAGE_HINT)),
    (b"GIF8", FileKind("a GIF image", _IMAGE_HINT)),
    (b"%PDF", FileKind("a PDF document", EXPORT_CATALOGUE)),
    (b"SQLite format 3\x00", FileKind("an SQLite database", EXPORT_CATALOGUE)),
    (b"\x1f\x8b", FileKind("a gzip-compressed file", EXPORT_CATALOGUE)),
)

_TEXT_FORMATS = (
    (re.compile(r"^(--\s*(MySQL|phpMyAdmin)|INSERT\s+(IGNORE\s+)?INTO\s|CREATE\s+TABLE\s)",
                re.I | re.M),
     FileKind("an SQL database dump", "export CSV instead (in SLiMS: Bibliography > Export)")),
    (re.compile(r"^\s*<(!DOCTYPE\s+html|html)", re.I),
     FileKind("a web page (HTML)", "save the spreadsheet as 'CSV UTF-8', not as a web page")),
    (re.compile(r"^\s*<\?xml.*?www\.loc\.gov/MARC21/slim", re.I | re.S),
     FileKind("a MARCXML file", EXPORT_CATALOGUE)),
    (re.compile(r"^\s*<\?xml", re.I),
     FileKind("an XML file", "save the spreadsheet as 'CSV UTF-8'")),
    (re.compile(r"^\s*BEGIN:VCALENDAR\b", re.I),
     FileKind("an iCalendar file (.ics)",
              "export the events as a table, one row per event, saved as 'CSV UTF-8'")),
    (re.compile(r"^\s*(\{\s*\"|\[\s*[\[{\]])"),
     FileKind("a JSON file", "export the data as CSV")),
)


def _zip_kind(data: bytes) -> FileKind:
    """What a ZIP container holds, from its member names (a truncated
    ``head`` that the zipfile module cannot open is "a ZIP archive")."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError):
        names = []
    if any(n.startswith("xl/") for n in names) or (not names and b"xl/" in data[:4096]):
        return XLSX
    if b"opendocument.spreadsheet" in data[:200]:
        return ODS
    if any(n.startswith("word/") for n in names):
        return FileKind("a Word document (.docx)", "save the table in it as CSV from a spreadsheet")
    return FileKind("a ZIP archive", "unpack it and pass the data file inside")


def describe_bytes(data: bytes) -> FileKind | None:
    """A binary format recognised by its signature, or ``None``."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return FileKind("a WebP image", _IMAGE_HINT)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:5].isdigit() and data[20:24] == b"4500":
        return FileKind("a MARC record file (ISO 2709)", EXPORT_CATALOGUE)
    return None


def describe_text(text: str) -> FileKind | None:
    """A text format that is not tabular data (judged from the first 4,096
    characters), or ``None``."""
    head = text[:4096]
    for pattern, kind in _TEXT_FORMATS:
        if pattern.search(head):
            return kind
    return None


def describe(head: bytes) -> FileKind | None:
    """What the file starting with ``head`` is, when it is not plain text
    data: a recognised binary or text format, :data:`BINARY` for other
    binary bytes; ``None`` for text that may be tabular data."""
    kind = describe_bytes(head)
    if kind is None and looks_binary(head):
        kind = BINARY
    return kind or describe_text(peek_text(head))
