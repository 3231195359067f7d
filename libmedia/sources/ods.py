"""The OpenDocument spreadsheet reader: ``.ods`` (LibreOffice Calc, Google Sheets' export).

``read_ods(path, sheet=None) -> DataSet``, registered as the
:class:`~libmedia.sources.base.Source` :data:`ODS`.

An ``.ods`` is a ZIP whose ``content.xml`` holds every sheet (OpenDocument
1.2/1.3 Part 1, section 9: ``table:table``, ``table:table-row``,
``table:table-cell``).  It is read here with the standard library's XML
parser (expat 2.4+ refuses entity-expansion bombs): each cell keeps its typed
value (``office:value-type`` with ``office:value``, ``office:date-value``,
``office:time-value``, ``office:boolean-value``) beside the text the sheet
shows (``text:p``), so it becomes a :class:`~libmedia.sources.cells.Cell`
read by the same rules as an Excel cell:

* a number keeps the digits it shows: a zero-padded ``0194315738`` keeps its
  zero, ``2021`` is never ``2021.0``, a decimal keeps the decimals shown;
* dates are ISO dates, times ``HH:MM`` (they are stored as ISO text, so no
  date system is involved); a serial number in a date column counts from
  the document's null date (``table:null-date``, 1899-12-30 by default);
* an error result (``calcext:value-type="error"``) is never printed, nor a
  formula without a result (``table:formula`` with no value type);
* hidden sheets (``table:display="false"`` in their style) are passed over,
  hidden and filtered rows (``table:visibility`` ``collapsed``/``filter``)
  skipped with a note, spans (``number-columns-spanned``/``-rows-spanned``)
  are merged ranges, and repeated rows and cells
  (``number-rows-repeated``) count as the rows they stand for.

python-calamine also reads ``.ods``, but gives numbers without what the
sheet shows (a lost leading zero) and no hidden rows.  A password-protected
``.ods`` (``manifest:encryption-data``) or a damaged one is a
:class:`DataError` with a hint.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from . import DataSet
from .base import CERTAIN, NOT_MINE, data_error, read_head
from .cells import WINDOWS_EPOCH, Cell
from .sheettable import Sheet, read_sheets
from .xls import REMOVE_PASSWORD

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


TABLE, ROW, CELL, COVERED = _q("table:table"), _q("table:table-row"), _q("table:table-cell"), \
    _q("table:covered-table-cell")
P, S, TAB, BREAK = _q("text:p"), _q("text:s"), _q("text:tab"), _q("text:line-break")

#: A row or cell repeated with content is copied at most this many times
#: (repeats of blank rows and cells only move the counter).
MAX_REPEAT = 10_000

SAVE_AGAIN = ("open it in LibreOffice Calc and save it again (or save it as an Excel workbook, "
              ".xlsx); if it will not open there, export it again")


class OdsSource:
    """OpenDocument spreadsheets (``.ods``)."""

    name = "ods"
    label = "OpenDocument spreadsheet"
    extensions = (".ods",)
    read_options = ("sheet",)
    """Options :meth:`read` takes (``--sheet``)."""
    media_types = ("application/vnd.oasis.opendocument.spreadsheet",)

    def sniff(self, path: Path, head: bytes) -> float:
        """:data:`~base.CERTAIN` for a ZIP whose ``mimetype`` member (first,
        stored uncompressed, as the format requires) names an OpenDocument
        spreadsheet; else :data:`~base.NOT_MINE`."""
        if head.startswith(b"PK\x03\x04") and b"opendocument.spreadsheet" in head[:200]:
            return CERTAIN
        return NOT_MINE

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_ods`; options: ``sheet`` (name or 1-based number)."""
        unknown = set(options) - {"sheet"}
        if unknown:
            raise TypeError(f"the .ods reader takes only 'sheet', got {', '.join(sorted(unknown))}")
        return read_ods(path, options.get("sheet"))


ODS = OdsSource()
"""The .ods reader, as registered in :mod:`libmedia.sources.registry`."""


def _text(p: ET.Element) -> str:
    """The text of a ``text:p`` (spans, ``text:s`` runs of spaces, tabs,
    line breaks)."""
    out = [p.text or ""]
    for child in p:
        if child.tag == S:
            out.append(" " * int(child.get(_q("text:c"), "1") or 1))
        elif child.tag == TAB:
            out.append("\t")
        elif child.tag == BREAK:
            out.append("\n")
        else:
            out.append(_text(child))
        out.append(child.tail or "")
    return "".join(out)


_DURATION = re.compile(r"^-?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$")


def _cell(el: ET.Element) -> Cell | None:
    """A ``table:table-cell`` as a :class:`Cell`, or ``None`` when empty."""
    shown = "\n".join(_text(p) for p in el.iter(P))
    kind = el.get(_q("office:value-type"))
    formula = el.get(_q("table:formula"))
    formula = re.sub(r"^of:", "", formula) if formula else None
    if el.get(_q("calcext:value-type")) == "error":
        return Cell(None, error=shown.strip() or "#ERROR!", formula=formula)
    if kind is None:
        if formula:
            return Cell(None, formula=formula)
        return Cell(shown) if shown.strip() else None
    if kind in ("float", "percentage", "currency"):
        try:
            value = float(el.get(_q("office:value"), "nan"))
        except ValueError:
            return Cell(shown)
        if kind != "float":
            return Cell(shown.strip() or str(value), formula=formula)
        text = shown.strip()
        if re.fullmatch(r"-?0\d+", text):  # zero-padded: keep the zeros shown
            fmt = "0" * len(text.lstrip("-"))
        elif re.fullmatch(r"-?\d+\.\d+", text):
            fmt = "0." + "0" * len(text.split(".")[1])
        else:
            fmt = "General"
        return Cell(int(value) if value.is_integer() else value, fmt, formula=formula)
    if kind == "date":
        raw = el.get(_q("office:date-value"), "")
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return Cell(shown)
        if "T" in raw:
            return Cell(moment, "yyyy-mm-dd hh:mm", formula=formula)
        return Cell(date(moment.year, moment.month, moment.day), "yyyy-mm-dd", formula=formula)
    if kind == "time":
        m = _DURATION.match(el.get(_q("office:time-value"), ""))
        if not m:
            return Cell(shown)
        days, hours, minutes, seconds = (float(g or 0) for g in m.groups())
        span = timedelta(days=days, hours=hours, minutes=minutes, seconds=round(seconds))
        if span < timedelta(days=1):
            return Cell((datetime.min + span).time(), "hh:mm", formula=formula)
        return Cell(span, "[h]:mm", formula=formula)
    if kind == "boolean":
        return Cell(el.get(_q("office:boolean-value")) == "true", formula=formula)
    return Cell(shown, formula=formula) if shown.strip() or formula else None


def _hidden_tables(root: ET.Element) -> set[str]:
    """Style names of tables that are not displayed (hidden sheets)."""
    hidden = set()
    for st in root.iter(_q("style:style")):
        props = st.find(_q("style:table-properties"))
        if props is not None and props.get(_q("table:display")) == "false":
            hidden.add(st.get(_q("style:name")))
    return hidden


def _null_date(root: ET.Element) -> datetime:
    el = root.find(f".//{_q('table:null-date')}")
    try:
        return datetime.fromisoformat(el.get(_q("table:date-value"))) if el is not None \
            else WINDOWS_EPOCH
    except (TypeError, ValueError):
        return WINDOWS_EPOCH


def _rows(table: ET.Element):
    """The table's ``table:table-row`` elements in order, inside header-row,
    row-group and rows wrappers, not inside nested tables."""
    for child in table:
        if child.tag == ROW:
            yield child
        elif child.tag != TABLE and len(child):
            yield from _rows(child)


def _load(table: ET.Element, visible: bool, epoch: datetime) -> Sheet:
    cells: dict[int, dict[int, Cell]] = {}
    hidden: set[int] = set()
    merges: list[tuple[int, int, int, int]] = []
    r = 1
    for row in _rows(table):
        repeat = int(row.get(_q("table:number-rows-repeated"), "1") or 1)
        found: dict[int, Cell] = {}
        row_merges = []
        c = 1
        for el in row:
            if el.tag not in (CELL, COVERED):
                continue
            times = int(el.get(_q("table:number-columns-repeated"), "1") or 1)
            cell = _cell(el) if el.tag == CELL else None
            if cell is not None:
                for k in range(min(times, MAX_REPEAT)):
                    found[c + k] = cell
                cols = int(el.get(_q("table:number-columns-spanned"), "1") or 1)
                rows = int(el.get(_q("table:number-rows-spanned"), "1") or 1)
                if cols > 1 or rows > 1:
                    row_merges.append((0, c, rows - 1, c + cols - 1))
            c += times
        copies = min(repeat, MAX_REPEAT) if found else 0
        for k in range(copies):
            cells[r + k] = dict(found)
            merges.extend((r + k, c1, r + k + dr, c2) for _, c1, dr, c2 in row_merges)
            if row.get(_q("table:visibility"), "visible") != "visible":
                hidden.add(r + k)
        r += repeat
    return Sheet(table.get(_q("table:name"), ""), cells, hidden, merges, visible, epoch)


def read_ods(path: Path, sheet: str | int | None = None) -> DataSet:
    """Read an ``.ods`` spreadsheet's table into a :class:`DataSet` (sheet
    choice, header and row numbers as for a workbook:
    :mod:`~libmedia.sources.sheettable`).

    Raises :class:`DataError` naming the file, with a hint, for a
    password-protected or damaged file, a ``sheet`` that does not exist, a
    sheet with no header row.
    """
    path = Path(path)
    read_head(path, ODS.extensions, 4)
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "META-INF/manifest.xml" in names and \
                    b"encryption-data" in z.read("META-INF/manifest.xml"):
                raise data_error(path, "the spreadsheet is protected with a password (encrypted), "
                                       "so it cannot be read", REMOVE_PASSWORD)
            content = z.read("content.xml")
        root = ET.fromstring(content)
    except (zipfile.BadZipFile, KeyError, OSError, ET.ParseError, EOFError) as exc:
        raise data_error(path, f"the spreadsheet is damaged and cannot be read ({exc})",
                         SAVE_AGAIN) from exc
    hidden_styles = _hidden_tables(root)
    tables = [t for t in root.iter(TABLE)
              if t.get(_q("table:name")) is not None]
    epoch = _null_date(root)
    listing = [(t.get(_q("table:name")), t.get(_q("table:style-name")) not in hidden_styles)
               for t in tables]
    return read_sheets(path, listing, lambda i: _load(tables[i], listing[i][1], epoch), ODS.name,
                       sheet)
