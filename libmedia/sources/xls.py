"""The old Excel reader: ``.xls`` workbooks (BIFF8 in an OLE2 compound file).

``read_xls(path, sheet=None) -> DataSet``, registered as the
:class:`~libmedia.sources.base.Source` :data:`XLS`.

xlrd 2 (with ``formatting_info`` for number formats, hidden rows and merged
ranges) loads each sheet into a :class:`~libmedia.sources.sheettable.Sheet`;
cells become text as the sheet shows them (:mod:`~libmedia.sources.cells`):
a date cell in the workbook's date system (``Book.datemode``: 1900 or Mac
1904), numbers by their format, error cells (``#N/A``) never printed.  An
``.xls`` keeps each formula's last result only, so there is no formula text
to report.  :mod:`~libmedia.sources.sheettable` picks the sheet and header.

An OLE2 file is also what Excel makes of a password-protected ``.xlsx``
(an ``EncryptedPackage`` stream) and of an encrypted ``.xls``
(``FILEPASS``): both are refused with a :class:`DataError` saying how to
remove the password; a Word document or other OLE2 file is not claimed.
Web pages saved as ``.xls`` are read by :mod:`~libmedia.sources.htmltable`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlrd
from xlrd.biffh import (
    XL_CELL_BLANK,
    XL_CELL_BOOLEAN,
    XL_CELL_DATE,
    XL_CELL_EMPTY,
    XL_CELL_ERROR,
    XL_CELL_NUMBER,
    error_text_from_code,
)

from . import DataSet
from .base import CERTAIN, LIKELY, NOT_MINE, data_error, read_bytes
from .cells import MAC_EPOCH, WINDOWS_EPOCH, Cell
from .sheettable import Sheet, read_sheets
from .xlsx import SAVE_AS_XLSX

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: OLE2 directory entry names (UTF-16LE) of an Excel workbook.
_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

REMOVE_PASSWORD = ("open it in Excel, remove the password (File > Info > Protect Workbook > "
                   "Encrypt with Password: clear it) and save it, or in LibreOffice Calc save a "
                   "copy without a password; then run libmedia on that copy")
"""How to get a workbook libmedia can open from a password-protected one."""


class XlsSource:
    """Excel 97-2003 workbooks (``.xls``)."""

    name = "xls"
    label = "Excel 97-2003 workbook"
    extensions = (".xls", ".xlt")
    read_options = ("sheet",)
    """Options :meth:`read` takes (``--sheet``)."""
    media_types = ("application/vnd.ms-excel",)

    def sniff(self, path: Path, head: bytes) -> float:
        """For an OLE2 compound file (``D0 CF 11 E0``): :data:`~base.CERTAIN`
        when the head names a ``Workbook``/``Book`` or ``EncryptedPackage``
        stream, :data:`~base.LIKELY` when it does not (the directory may lie
        past the head) but the name ends in ``.xls``/``.xlsx``; otherwise
        :data:`~base.NOT_MINE` (a Word document, any other file)."""
        if not head.startswith(OLE2_MAGIC):
            return NOT_MINE
        if any(name in head for name in (*_WORKBOOK_STREAMS, _ENCRYPTED)):
            return CERTAIN
        if path.suffix.lower() in (".xls", ".xlt", ".xlsx", ".xlsm"):
            return LIKELY
        return NOT_MINE

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_xls`; options: ``sheet`` (name or 1-based number)."""
        unknown = set(options) - {"sheet"}
        if unknown:
            raise TypeError(f"the .xls reader takes only 'sheet', got {', '.join(sorted(unknown))}")
        return read_xls(path, options.get("sheet"))


XLS = XlsSource()
"""The .xls reader, as registered in :mod:`libmedia.sources.registry`."""


def _cell(book: xlrd.Book, sheet: xlrd.sheet.Sheet, r: int, c: int) -> Cell | None:
    """Cell ``(r, c)`` (0-based) as a :class:`Cell`, or ``None`` when empty."""
    kind = sheet.cell_type(r, c)
    if kind in (XL_CELL_EMPTY, XL_CELL_BLANK):
        return None
    value = sheet.cell_value(r, c)
    xf = book.xf_list[sheet.cell_xf_index(r, c)]
    fmt_obj = book.format_map.get(xf.format_key)
    fmt = fmt_obj.format_str if fmt_obj is not None else "General"
    if kind == XL_CELL_ERROR:
        return Cell(None, fmt, error_text_from_code.get(value, "#ERROR!"))
    if kind == XL_CELL_BOOLEAN:
        return Cell(bool(value), fmt)
    if kind == XL_CELL_DATE:
        try:
            if 0 <= value < 1:
                return Cell(xlrd.xldate.xldate_as_datetime(value, book.datemode).time(), fmt)
            return Cell(xlrd.xldate.xldate_as_datetime(value, book.datemode), fmt)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return Cell(None, fmt, "#VALUE!")
    if kind == XL_CELL_NUMBER:
        return Cell(value, fmt)
    return Cell(value, fmt) if str(value).strip() else None


def _load(book: xlrd.Book, index: int) -> Sheet:
    sh = book.sheet_by_index(index)
    cells: dict[int, dict[int, Cell]] = {}
    for r in range(sh.nrows):
        for c in range(sh.row_len(r)):
            cell = _cell(book, sh, r, c)
            if cell is not None:
                cells.setdefault(r + 1, {})[c + 1] = cell
    hidden = {r + 1 for r, info in sh.rowinfo_map.items() if info.hidden}
    merges = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in sh.merged_cells]
    epoch = MAC_EPOCH if book.datemode == 1 else WINDOWS_EPOCH
    return Sheet(sh.name, cells, hidden, merges, sh.visibility == 0, epoch)


def read_xls(path: Path, sheet: str | int | None = None) -> DataSet:
    """Read an ``.xls`` workbook's table into a :class:`DataSet` (sheet
    choice, header and row numbers as for ``.xlsx``: see
    :mod:`~libmedia.sources.sheettable`).

    Raises :class:`DataError` naming the file, with a hint: a
    password-protected or encrypted workbook, an OLE2 file that is no
    workbook, a damaged one, a ``sheet`` that does not exist, a sheet with no
    header row.
    """
    path = Path(path)
    data = read_bytes(path, XLS.extensions)
    if _ENCRYPTED in data:
        raise data_error(path, "the workbook is protected with a password (encrypted), so it "
                               "cannot be read", REMOVE_PASSWORD)
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  logfile=_Quiet())
    except xlrd.XLRDError as exc:
        text = str(exc)
        if "encrypt" in text.lower():
            raise data_error(path, "the workbook is protected with a password (encrypted), so "
                                   "it cannot be read", REMOVE_PASSWORD) from exc
        if "Can't find workbook" in text:
            raise data_error(path, "this Office file holds no Excel workbook (a Word document "
                                   "or another Office file?)",
                             "pass the data file, an Excel workbook or CSV export") from exc
        raise data_error(path, f"the workbook is damaged and cannot be read ({text})",
                         f"{SAVE_AS_XLSX}; if it will not open there, export it again") from exc
    except Exception as exc:  # xlrd raises assorted errors on damaged BIFF records
        raise data_error(path, f"the workbook is damaged and cannot be read "
                               f"({type(exc).__name__}: {exc})",
                         f"{SAVE_AS_XLSX}; if it will not open there, export it again") from exc
    try:
        listing = [(book.sheet_by_index(i).name, book.sheet_by_index(i).visibility == 0)
                   for i in range(book.nsheets)]
        return read_sheets(path, listing, lambda i: _load(book, i), XLS.name, sheet)
    finally:
        book.release_resources()


class _Quiet:
    """A log file for xlrd that drops its messages (it warns on stdout
    about things it reads anyway, such as odd codepages)."""

    def write(self, text: str) -> None:  # noqa: D102
        pass

    def flush(self) -> None:  # noqa: D102
        pass
