"""What a file is, judged from its first bytes: the formats no reader takes.

``describe(head: bytes) -> FileKind | None``.  A :class:`FileKind` is a
description for a message (``"a PDF document"``) and a hint that
says how to get a file libmedia reads from it.  ``None`` means "may be text
data" (nothing here recognised it).

Used by the registry to name a file no registered reader takes, and by
readers to say "not mine" in their sniff (the CSV reader refuses everything
described here).  Workbooks (``.xlsx``, ``.xls``, ``.ods``) and web-page
tables saved as ``.xls`` have readers (:mod:`~libmedia.sources.xlsx`,
:mod:`~libmedia.sources.xls`, :mod:`~libmedia.sources.ods`,
:mod:`~libmedia.sources.htmltable`) whose sniff claims them first; their
descriptions are still used by the CSV reader (a workbook renamed ``.csv``)
and for an OLE2 file that is no workbook.  Excel 2003 XML spreadsheets are
described with the advice to save them as ``.xlsx``.

Binary signatures come from the one table in :mod:`libmedia.filetypes`
(this module adds the advice for a data file); in the text: an SQL dump, a
web page, MARCXML (the MARC 21 slim namespace, or without it a
``collection``/``record`` root holding ``leader``/``controlfield``/
``datafield`` elements, with or without an XML declaration), other XML,
iCalendar (``BEGIN:VCALENDAR``, RFC 5545) and JSON.

MARC (ISO 2709 and MARCXML) and JSON have readers
(:mod:`libmedia.sources.marc`, :mod:`libmedia.sources.jsonfile`) whose
sniffs claim those files, so their descriptions here serve the CSV reader,
which refuses them by name when it is handed one, and the message for a
file those readers refuse too (a MARC leader cut short).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..filetypes import identify
from .decode import looks_binary, peek_text

EXCEL_TO_CSV = ("save it as CSV: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'; "
                "in LibreOffice Calc, File > Save As > 'Text CSV (.csv)' with the character set "
                "'Unicode (UTF-8)'")
"""How to get a CSV file from a spreadsheet program."""

SAVE_AS_XLSX = ("open it in Excel or LibreOffice Calc and save it as an Excel workbook (.xlsx): "
                "File > Save As > 'Excel Workbook (*.xlsx)'; or " + EXCEL_TO_CSV)
"""How to get a file libmedia reads from a spreadsheet it does not read."""

READ_WORKBOOK = ("libmedia reads workbooks (.xlsx, .xls, .ods) as they are: pass the workbook "
                 "itself; or " + EXCEL_TO_CSV)
"""The advice for a workbook handed to the CSV reader."""

EXPORT_CATALOGUE = "export the catalogue as CSV (in SLiMS: Bibliography > Export)"
"""How to get a CSV file from a library system."""


@dataclass(frozen=True)
class FileKind:
    """What a file is: ``description`` with its article (``"a PDF
    document"``), ``hint`` how to get a data file libmedia reads from it."""

    description: str
    hint: str


BINARY = FileKind("a binary file", "export or save the data as 'CSV UTF-8'")

_IMAGE_HINT = "cover images are named in the cover column; pass the data file here"

#: What to do with each binary format (:mod:`libmedia.filetypes` names) when a data
#: file was expected.
_HINTS = {
    "xlsx": READ_WORKBOOK, "ods": READ_WORKBOOK, "ole2": READ_WORKBOOK,
    "docx": "save the table in it as CSV from a spreadsheet",
    "zip": "unpack it and pass the data file inside",
    "rtf": "save the table in it as CSV from a spreadsheet",
}


_TEXT_FORMATS = (
    (re.compile(r"^(--\s*(MySQL|phpMyAdmin)|INSERT\s+(IGNORE\s+)?INTO\s|CREATE\s+TABLE\s)",
                re.I | re.M),
     FileKind("an SQL database dump", "export CSV instead (in SLiMS: Bibliography > Export)")),
    (re.compile(r"^\s*<(!DOCTYPE\s+html|html)", re.I),
     FileKind("a web page (HTML)", "save the spreadsheet as 'CSV UTF-8', not as a web page")),
    (re.compile(r"^\s*<\?xml.*?(urn:schemas-microsoft-com:office:spreadsheet"
                r"|progid=.Excel\.Sheet)", re.I | re.S),
     FileKind("an Excel 2003 XML spreadsheet", SAVE_AS_XLSX)),
    (re.compile(r"^\s*<.*?www\.loc\.gov/MARC21/slim", re.I | re.S),
     FileKind("a MARCXML file", EXPORT_CATALOGUE)),
    (re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<([\w.-]+:)?(collection|record)\b"
                r".*?<([\w.-]+:)?(leader|controlfield|datafield)\b", re.S),
     FileKind("a MARCXML file", EXPORT_CATALOGUE)),
    (re.compile(r"^\s*<\?xml", re.I),
     FileKind("an XML file", "save the spreadsheet as 'CSV UTF-8'")),
    (re.compile(r"^\s*BEGIN:VCALENDAR\b", re.I),
     FileKind("an iCalendar file (.ics)",
              "export the events as a table, one row per event, saved as 'CSV UTF-8'")),
    (re.compile(r"^\s*(\{\s*\"|\[\s*[\[{\]])"),
     FileKind("a JSON file", "export the data as CSV")),
)


def describe_bytes(data: bytes) -> FileKind | None:
    """A binary format recognised by its signature (:func:`libmedia.filetypes.identify`),
    or ``None``."""
    kind = identify(data)
    if kind is None:
        return None
    hint = _IMAGE_HINT if kind.image or kind.name == "heic" else _HINTS.get(kind.name,
                                                                          EXPORT_CATALOGUE)
    return FileKind(kind.description, hint)


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
