"""The Excel reader: ``.xlsx`` and ``.xlsm`` workbooks (Office Open XML).

``read_xlsx(path, sheet=None) -> DataSet``, registered as the
:class:`~libmedia.sources.base.Source` :data:`XLSX`.

How it reads
    openpyxl 3.1 in read-only mode opens the workbook (sheet names and
    states, shared strings with rich-text runs joined, styles and number
    formats, the date system, ``calcPr``); each sheet is streamed once
    with openpyxl's own worksheet parser (``WorkSheetParser``), which also
    collects the rows' attributes (``hidden``) and the merged ranges that
    read-only worksheets do not expose.  Only non-empty cells are kept, so a
    used range reaching row 1,048,576 costs one row, not a million (openpyxl
    in normal mode took 28 s on such a sheet; this takes milliseconds).
    python-calamine was not used: it gives ISBNs as floats, drops a saved
    ``#N/A`` and has no number formats or hidden rows.
Cells
    as the sheet shows them (:mod:`~libmedia.sources.cells`): each
    formula's saved result with its formula text (parsed once, with
    ``data_only`` for the result and the ``<f>`` element for the formula).
Table
    :mod:`~libmedia.sources.sheettable` picks the sheet and the header and
    numbers each record by its sheet row.

Errors (:class:`DataError` naming the file, with a hint): not a workbook or
damaged (a ZIP that is not one), an ``.xlsb`` binary workbook, a sheet named
by ``--sheet`` that does not exist, a sheet with no header row.  A
password-protected ``.xlsx`` is not a ZIP at all but an OLE2 container: the
:mod:`~libmedia.sources.xls` reader names it.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from . import DataSet
from .base import CERTAIN, NOT_MINE, data_error, read_head
from .cells import MAC_EPOCH, WINDOWS_EPOCH, Cell
from .sheettable import Sheet, read_sheets

ZIP_MAGIC = b"PK\x03\x04"

SAVE_AS_XLSX = ("open it in Excel or LibreOffice Calc and save it as an Excel workbook (.xlsx): "
                "File > Save As > 'Excel Workbook (*.xlsx)'")
"""How to get an ``.xlsx`` file from a workbook libmedia does not read."""


class XlsxSource:
    """Excel 2007+ workbooks (``.xlsx``, ``.xlsm``)."""

    name = "xlsx"
    label = "Excel workbook"
    extensions = (".xlsx", ".xlsm")
    read_options = ("sheet",)
    """Options :meth:`read` takes (``--sheet``)."""
    media_types = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   "application/vnd.ms-excel.sheet.macroEnabled.12")

    def sniff(self, path: Path, head: bytes) -> float:
        """:data:`~base.CERTAIN` for a ZIP (``PK``) whose member names in
        the head include ``xl/``; else :data:`~base.NOT_MINE`."""
        if head.startswith(ZIP_MAGIC) and b"xl/" in head:
            return CERTAIN
        return NOT_MINE

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_xlsx`; options: ``sheet`` (name or 1-based number)."""
        unknown = set(options) - {"sheet"}
        if unknown:
            raise TypeError(f"the Excel reader takes only 'sheet', got {', '.join(sorted(unknown))}")
        return read_xlsx(path, options.get("sheet"))


XLSX = XlsxSource()
"""The Excel reader, as registered in :mod:`libmedia.sources.registry`."""


class _Parser(WorkSheetParser):
    """openpyxl's worksheet parser keeping each formula beside its saved
    result (``data_only`` drops the formula, the default drops the result)."""

    def parse_cell(self, element):  # noqa: ANN001, ANN201 - openpyxl's signature
        out = super().parse_cell(element)
        if element.find(FORMULA_TAG) is not None:
            formula = self.parse_formula(element)
            out["formula"] = formula if isinstance(formula, str) else getattr(formula, "text", "=")
        return out


def _number_format(wb, style_id: int) -> str:
    """The number format code of cell style ``style_id``."""
    try:
        fmt_id = wb._cell_styles[style_id].numFmtId
    except IndexError:
        return "General"
    if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(fmt_id, "General")
    try:
        return wb._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE]
    except IndexError:
        return "General"


def _load_sheet(wb, ws, epoch: datetime, stale_formulas: bool) -> Sheet:
    """Stream worksheet ``ws`` of read-only workbook ``wb`` into a :class:`Sheet`."""
    cells: dict[int, dict[int, Cell]] = {}
    formats: dict[int, str] = {}
    with ws._get_source() as src:
        parser = _Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                         date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for row_number, row in parser.parse():
            for c in row:
                value, kind, formula = c["value"], c["data_type"], c.get("formula")
                if value is None and formula is None:
                    continue
                if isinstance(value, str) and not value and formula is None:
                    continue
                style = c["style_id"] or 0
                if style not in formats:
                    formats[style] = _number_format(wb, style)
                error = value if kind == "e" else None
                cells.setdefault(row_number, {})[c["column"]] = Cell(
                    None if error else value, formats[style], error, formula,
                    stale=bool(formula) and stale_formulas and value in (0, "", None))
        hidden = {int(r) for r, attrs in parser.row_dimensions.items()
                  if str(attrs.get("hidden", "")).lower() in ("1", "true")}
        merges = []
        if parser.merged_cells is not None:
            for cell_range in parser.merged_cells.mergeCell:
                min_col, min_row, max_col, max_row = range_boundaries(cell_range.ref)
                merges.append((min_row, min_col, max_row, max_col))
    return Sheet(ws.title, cells, hidden, merges, ws.sheet_state == "visible", epoch)


def _open(path: Path):
    """The read-only openpyxl workbook; :class:`DataError` when it cannot
    be opened as one."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise data_error(path, f"the workbook is damaged and cannot be opened ({exc})",
                         f"{SAVE_AS_XLSX}; if it will not open there, export it again") from exc
    if "xl/workbook.bin" in names:
        raise data_error(path, "this is an Excel binary workbook (.xlsb), which libmedia cannot read",
                         SAVE_AS_XLSX)
    try:
        return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, TypeError... on damage
        raise data_error(path, f"the workbook is damaged and cannot be read "
                               f"({type(exc).__name__}: {exc})",
                         f"{SAVE_AS_XLSX}; if it will not open there, export it again") from exc


def read_xlsx(path: Path, sheet: str | int | None = None) -> DataSet:
    """Read an ``.xlsx``/``.xlsm`` workbook's table into a :class:`DataSet`.

    ``sheet``: a sheet name or 1-based number; ``None`` for the first
    visible sheet holding a table (see :mod:`~libmedia.sources.sheettable`).
    Records are numbered by their sheet row; warnings name the sheet.
    Raises :class:`DataError` (file, hint) as listed in the module docstring.
    """
    path = Path(path)
    read_head(path, XLSX.extensions, 4)  # missing file / folder errors
    wb = _open(path)
    try:
        epoch = MAC_EPOCH if wb.epoch != WINDOWS_EPOCH else WINDOWS_EPOCH
        calc = wb.calculation
        stale = bool(calc is not None and calc.fullCalcOnLoad)
        sheets = wb.worksheets
        listing = [(ws.title, ws.sheet_state == "visible") for ws in sheets]

        def load(i: int) -> Sheet:
            try:
                return _load_sheet(wb, sheets[i], epoch, stale)
            except Exception as exc:  # damaged sheet XML
                raise data_error(path, f"the sheet '{sheets[i].title}' is damaged and cannot be "
                                       f"read ({type(exc).__name__}: {exc})",
                                 f"{SAVE_AS_XLSX}; if it will not open there, export it "
                                 "again") from exc

        return read_sheets(path, listing, load, XLSX.name, sheet)
    finally:
        wb.close()
