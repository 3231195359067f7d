"""Web-page tables saved as a spreadsheet: the ``.xls`` that is really HTML.

``read_html_table(path, sheet=None) -> DataSet``, registered as the
:class:`~libmedia.sources.base.Source` :data:`HTML_TABLE`.

Library web apps (SLiMS and INLISLite report exports, many school systems)
"export to Excel" by sending an HTML ``<table>`` with an ``.xls`` name;
Excel opens it with a warning that the format and the extension differ.  It
is read here as the table it is: each ``<table>`` is a sheet, nested ones
too, numbered in the order they start (``--sheet N`` picks the N-th; by
default the first holding a table with known column names, as in a
workbook, so a page-layout table around the data is passed over),
each ``<tr>`` a row numbered from 1 in document order, ``<td>``/``<th>``
cells with ``colspan``/``rowspan`` (a spanned cell is a merged range),
``<br>`` a line break, entities decoded, a row styled ``display:none``
hidden.  Cells are text: there are no number types, so an ISBN is read as
written (an ``mso-number-format`` style is not needed).

The page is decoded from its ``<meta charset>`` (or ``http-equiv``
content type), else UTF-8, else cp1252 (:mod:`~libmedia.sources.decode`).
Parsing is the standard library's ``html.parser``, which never fails on a
malformed page.  Sniffing claims a page only when it holds a ``<table``
and its name ends in ``.xls``/``.xlsx`` (or the page begins with the table
itself), so a web page saved as ``.csv`` is still refused by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from . import DataSet
from .base import CERTAIN, LIKELY, NOT_MINE, data_error, read_bytes
from .cells import Cell
from .decode import decode_bytes
from .sheettable import Sheet, read_sheets

_TABLE = re.compile(rb"<table[\s>]", re.I)
_STARTS_HTML = re.compile(rb"^(\xef\xbb\xbf)?\s*<(!doctype\s+html|html|head|meta|body|table|style)",
                          re.I)
_STARTS_TABLE = re.compile(rb"^(\xef\xbb\xbf)?\s*<table[\s>]", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.I)


class HtmlTableSource:
    """HTML tables saved as ``.xls`` (SLiMS, INLISLite and other web-app exports)."""

    name = "html-table"
    label = "web-page table saved as a spreadsheet"
    extensions = (".xls", ".xlsx", ".htm", ".html")
    read_options = ("sheet",)
    """Options :meth:`read` takes (``--sheet``)."""
    media_types = ("text/html",)

    def sniff(self, path: Path, head: bytes) -> float:
        """:data:`~base.CERTAIN` for a page with a ``<table`` and a
        spreadsheet name (``.xls``/``.xlsx``); :data:`~base.LIKELY` for one
        that begins with ``<table``; else :data:`~base.NOT_MINE`."""
        if not _STARTS_HTML.match(head) or not _TABLE.search(head):
            return NOT_MINE
        if path.suffix.lower() in (".xls", ".xlsx", ".xlsm"):
            return CERTAIN
        return LIKELY if _STARTS_TABLE.match(head) else NOT_MINE

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_html_table`; options: ``sheet`` (1-based table number)."""
        unknown = set(options) - {"sheet"}
        if unknown:
            raise TypeError(f"the HTML table reader takes only 'sheet', got "
                            f"{', '.join(sorted(unknown))}")
        return read_html_table(path, options.get("sheet"))


HTML_TABLE = HtmlTableSource()
"""The HTML-table reader, as registered in :mod:`libmedia.sources.registry`."""


@dataclass
class _Table:
    """One ``<table>`` being read: its rows of cells ``(text, colspan,
    rowspan)``, its hidden row indexes, and the row and cell open now."""

    rows: list[list[tuple[str, int, int]]] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)
    row: list[tuple[str, int, int]] | None = None
    cell: list[str] | None = None
    span: tuple[int, int] = (1, 1)

    def close_cell(self) -> None:
        if self.cell is not None:
            if self.row is None:
                self.row = []
            text = re.sub(r"[ \t\r\n\xa0]*\n[ \t\r\n\xa0]*", "\n", "".join(self.cell))
            text = re.sub(r"[ \t\r\xa0]+", " ", text).strip()
            self.row.append((text, *self.span))
        self.cell = None

    def close_row(self) -> None:
        self.close_cell()
        if self.row is not None:
            self.rows.append(self.row)
        self.row = None


class _TableParser(HTMLParser):
    """Collects every ``<table>`` in document order of its start, nested ones
    too (a data table inside a page-layout table is a table of its own; its
    text is not part of the outer cell)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self._open: list[_Table] = []
        self._skip = 0  # inside <script>/<style>

    @staticmethod
    def _int(value: str | None) -> int:
        try:
            return max(1, min(int(value or 1), 1000))
        except ValueError:
            return 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
            return
        if tag == "table":
            table = _Table()
            self.tables.append(table)
            self._open.append(table)
            return
        if not self._open:
            return
        table = self._open[-1]
        if tag == "tr":
            table.close_row()
            table.row = []
            if _HIDDEN_STYLE.search(a.get("style") or "") or "hidden" in a:
                table.hidden.add(len(table.rows))
        elif tag in ("td", "th"):
            table.close_cell()
            table.cell = []
            table.span = (self._int(a.get("colspan")), self._int(a.get("rowspan")))
        elif tag == "br" and table.cell is not None:
            table.cell.append("\n")
        elif tag in ("p", "div") and table.cell:
            table.cell.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "table":  # <br/>; a self-closed <table/> holds nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif not self._open:
            return
        elif tag == "table":
            self._open.pop().close_row()
        elif tag in ("td", "th"):
            self._open[-1].close_cell()
        elif tag == "tr":
            self._open[-1].close_row()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1].cell is not None and not self._skip:
            self._open[-1].cell.append(data)

    def finish(self) -> list[_Table]:
        """Every table, those left open by a cut-off page closed."""
        self.close()
        while self._open:
            self._open.pop().close_row()
        return self.tables


def _sheet(index: int, rows: list[list[tuple[str, int, int]]], hidden: set[int]) -> Sheet:
    """Table ``index`` (0-based) as a :class:`Sheet`: spans laid out as
    merged ranges, row and column numbers from 1."""
    cells: dict[int, dict[int, Cell]] = {}
    taken: set[tuple[int, int]] = set()
    merges: list[tuple[int, int, int, int]] = []
    for r, row in enumerate(rows, start=1):
        c = 1
        for text, colspan, rowspan in row:
            while (r, c) in taken:
                c += 1
            if text:
                cells.setdefault(r, {})[c] = Cell(text, "@")
            if colspan > 1 or rowspan > 1:
                merges.append((r, c, r + rowspan - 1, c + colspan - 1))
                taken.update((rr, cc) for rr in range(r, r + rowspan)
                             for cc in range(c, c + colspan))
            c += colspan
    return Sheet(f"table {index + 1}", cells, {i + 1 for i in hidden}, merges)


def read_html_table(path: Path, sheet: str | int | None = None) -> DataSet:
    """Read the table of a web page saved as a spreadsheet into a
    :class:`DataSet` (header, row numbers and warnings as for a workbook:
    :mod:`~libmedia.sources.sheettable`; row N is the N-th ``<tr>``).

    ``sheet``: the 1-based number of the ``<table>`` to read (``"table 2"``
    also works); ``None`` for the first holding a table.  Raises
    :class:`DataError` when the page holds no table, or as
    :func:`sheettable.read_sheets` does.
    """
    path = Path(path)
    data = read_bytes(path, HTML_TABLE.extensions)
    declared = _CHARSET.search(data[:4096])
    text = None
    if declared:
        try:
            text = data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text = decode_bytes(data, path).text
    parser = _TableParser()
    parser.feed(text)
    tables = [(t.rows, t.hidden) for t in parser.finish()
              if any(text for row in t.rows for text, _, _ in row)]
    if not tables:
        raise data_error(path, "this is a web page (HTML) saved as a spreadsheet, but it holds no "
                               "table", "export the data again as CSV or as an Excel workbook")
    listing = [(f"table {i + 1}", True) for i in range(len(tables))]
    return read_sheets(path, listing, lambda i: _sheet(i, *tables[i]), HTML_TABLE.name, sheet)
