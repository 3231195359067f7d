"""A sheet of cells -> the table in it -> canonical records.

Shared by the spreadsheet readers (:mod:`~libmedia.sources.xlsx`,
:mod:`~libmedia.sources.xls`, :mod:`~libmedia.sources.htmltable`): each
loads a :class:`Sheet` (its non-empty cells by the sheet's own row and column
numbers, hidden rows, merged ranges) and calls :func:`read_sheets`, which
picks the sheet, finds the table in it and hands its rows to
:func:`normalize.normalize`.

Which sheet (:func:`choose_sheet`)
    ``sheet=`` a name (case-insensitive) or a 1-based number among all the
    workbook's sheets; else the first visible sheet holding a table: a row
    naming two or more known columns (:func:`fields.lookup_header`), else
    the one naming the most (one column ``Judul`` is a table too), else a row
    of two or more column-like names.  An instructions sheet, a hidden
    or an empty one before it is passed over, with a note saying which sheet
    was read.
Which rows
    the header is the row, among the first :data:`HEADER_SEARCH_ROWS`
    non-empty ones, naming the most known columns (the first such row);
    a cell of a merged range reads as the range's value there, so a
    two-row header whose ``ISBN`` is merged over both rows names its
    column; rows above the header (report titles, a group row such as
    ``Buku`` over ``Judul | Pengarang``) are skipped with a note.
    Below it every row is a record, numbered as the sheet numbers it
    (``Record.row`` = ``Record.line`` = the sheet's row); blank rows are
    skipped; a hidden row (filtered out, or hidden by hand) is skipped with
    a warning naming it.  A cell of a vertically merged range below the
    header reads as the range's value in every row that has values of its
    own (one publisher merged over three books' rows).
Where
    every warning's location names the sheet (``Location.sheet``); a cell's
    own problem says its column by letter and header (``column E (ISBN)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..diagnostics import INFO
from ..errors import DataError, Diagnostic, Location, display_path
from . import DataSet, Record
from .cells import WINDOWS_EPOCH, Cell, cell_text
from .fields import lookup_header
from .header import clean_header, looks_like_header
from .normalize import Row, normalize

#: How many non-empty rows from the top may hold the header (titles above it).
HEADER_SEARCH_ROWS = 30


@dataclass
class Sheet:
    """One sheet as a reader loaded it.

    ``name``     the sheet's tab name;
    ``cells``    sheet row -> sheet column (both 1-based) -> :class:`Cell`,
                 non-empty cells only;
    ``hidden``   sheet rows that are hidden (filtered out or hidden by hand);
    ``merges``   merged ranges ``(min_row, min_col, max_row, max_col)``;
    ``visible``  False for a hidden or very hidden sheet;
    ``epoch``    day 0 of the workbook's date system.
    """

    name: str
    cells: dict[int, dict[int, Cell]]
    hidden: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    visible: bool = True
    epoch: datetime = WINDOWS_EPOCH


def column_letter(col: int) -> str:
    """``1 -> "A"``, ``28 -> "AB"`` (the sheet's column names)."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _plain(sheet: Sheet, row: int, merged: dict[tuple[int, int], tuple[int, int]]) -> dict[int, str]:
    """Row ``row`` as header-like text, merged ranges filled in."""
    out: dict[int, str] = {}
    cols = set(sheet.cells.get(row, {}))
    cols |= {c for (r, c) in merged if r == row}
    for col in cols:
        src = merged.get((row, col), (row, col))
        cell = sheet.cells.get(src[0], {}).get(src[1])
        if cell is not None:
            text = cell_text(cell, None, sheet.epoch, "").text.strip()
            if text:
                out[col] = text
    return out


def _merge_map(sheet: Sheet, vertical_only: bool = False) -> dict[tuple[int, int], tuple[int, int]]:
    """Every cell of a merged range but its top-left -> the top-left."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in sheet.merges:
        if vertical_only and c1 != c2:
            continue
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:  # a whole-column merge: never a value
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    out[(r, c)] = (r1, c1)
    return out


@dataclass
class TableHead:
    """Where a sheet's table starts: the header ``row``, its ``names`` by
    sheet column, and the non-empty rows above it (``skipped``)."""

    row: int
    names: dict[int, str]
    skipped: list[int]


def find_header(sheet: Sheet) -> TableHead | None:
    """The header of ``sheet``'s table (see the module docstring), or
    ``None`` when no row reads as column names."""
    merged = _merge_map(sheet)
    rows = sorted(sheet.cells)[:HEADER_SEARCH_ROWS]
    texts = {r: _plain(sheet, r, merged) for r in rows}
    best, best_score = None, 0
    for r in rows:
        score = sum(1 for t in texts[r].values() if lookup_header(t))
        if score > best_score:
            best, best_score = r, score
    if best is None:
        best = next((r for r in rows if len(texts[r]) >= 2
                     and len(set(texts[r].values())) == len(texts[r])
                     and looks_like_header(list(texts[r].values()))), None)
    if best is None:
        return None
    names = {c: clean_header(t) for c, t in texts[best].items()}
    return TableHead(best, names, [r for r in sorted(sheet.cells) if r < best])


def choose_sheet(path: Path, sheets: Sequence[tuple[str, bool]], load: Callable[[int], Sheet],
                 wanted: str | int | None) -> tuple[Sheet, TableHead | None, list[str]]:
    """The sheet to read, its header, and notes on sheets passed over.

    ``sheets``: every sheet's ``(name, visible)`` in workbook order;
    ``load(i)``: sheet ``i`` (0-based) loaded; ``wanted``: the ``--sheet``
    option (a name, or a 1-based number; a string of digits that is not a
    sheet's name is a number).  Raises :class:`DataError` naming the sheets
    when ``wanted`` names none, or when the workbook has no sheet at all.
    """
    names = [n for n, _ in sheets]
    listed = ", ".join(f"'{n}'" + ("" if v else " (hidden)") for n, v in sheets)
    if not sheets:
        raise DataError("the workbook has no sheets", Location(file=display_path(path)),
                        "open it in Excel or LibreOffice Calc and check that it holds the table")
    if wanted is not None and str(wanted).strip() != "":
        text = str(wanted).strip()
        index = next((i for i, n in enumerate(names) if n.casefold() == text.casefold()), None)
        if index is None and text.isdigit() and 1 <= int(text) <= len(names):
            index = int(text) - 1
        if index is None:
            raise DataError(f"the workbook has no sheet {text!r}", Location(file=display_path(path)),
                            f"give --sheet one of the sheet names or numbers 1 to {len(names)}: "
                            f"{listed}")
        sheet = load(index)
        return sheet, find_header(sheet), []
    passed: list[str] = []
    first: tuple[Sheet, TableHead | None] | None = None
    fallback: tuple[int, Sheet, TableHead] | None = None
    for i, (name, visible) in enumerate(sheets):
        if not visible:
            passed.append(f"'{name}' (hidden)")
            continue
        sheet = load(i)
        head = find_header(sheet)
        first = first or (sheet, head)
        known = sum(1 for t in head.names.values() if lookup_header(t)) if head else 0
        if known >= 2:
            return sheet, head, passed
        if head and (fallback is None or known > fallback[0]):
            fallback = (known, sheet, head)
        passed.append(f"'{name}' (" + ("empty" if not sheet.cells else "no table") + ")")
    chosen = fallback[1:] if fallback else first
    if chosen is None:
        raise DataError("every sheet of the workbook is hidden", Location(file=display_path(path)),
                        f"give --sheet the sheet to read: {listed}")
    sheet, head = chosen
    return sheet, head, [p for p in passed if not p.startswith(f"'{sheet.name}' ")]


def _with_sheet(diag: Diagnostic, sheet: str) -> Diagnostic:
    """``diag`` located on ``sheet`` (a sheet has rows, not lines: the line,
    equal to the row, is dropped from the location)."""
    return replace(diag, location=replace(diag.location, sheet=sheet, line=None))


def _field_of(name: str) -> str | None:
    found = lookup_header(name)
    return found[0] if found else None


@dataclass
class TableRows:
    """What :func:`table_rows` found: the ``headers`` (sheet column order,
    first to last named column), the data ``rows`` below the header as
    :class:`Row` (cells as the sheet shows them), each cell's ``problems``
    by sheet row (``(header, code, sentence)``; header ``""`` for a cell
    right of the table) and warnings for ``hidden`` rows."""

    headers: list[str]
    rows: list[Row]
    problems: dict[int, list[tuple[str, str, str]]]
    hidden: list[Diagnostic]


def table_rows(path: Path, sheet: Sheet, head: TableHead) -> TableRows:
    """The table below ``head`` on ``sheet`` (see :class:`TableRows`)."""
    cols = sorted(head.names)
    first, last = cols[0], cols[-1]
    headers = [head.names.get(c, "") for c in range(first, last + 1)]
    fields = [_field_of(h) if h else None for h in headers]
    merged = _merge_map(sheet, vertical_only=True)
    by_row: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for (mr, mc), src in merged.items():
        if mr > head.row and src[0] > head.row:
            by_row.setdefault(mr, []).append((mc, src))
    rows: list[Row] = []
    notes: list[Diagnostic] = []
    found: dict[int, list[tuple[str, str, str]]] = {}
    where_file = display_path(path)
    for r in sorted(sheet.cells):
        if r <= head.row:
            continue
        cells = dict(sheet.cells[r])
        if all(cell.blank for cell in cells.values()):
            continue  # a row that only a merged range crosses is still blank
        for mc, src in by_row.get(r, ()):
            if mc not in cells:
                cells[mc] = sheet.cells.get(src[0], {}).get(src[1]) or Cell(None)
        if r in sheet.hidden:
            title_col = next((c for c, f in zip(range(first, last + 1), fields, strict=True)
                              if f == "title"), first)
            shown = cell_text(cells[title_col], None, sheet.epoch, "").text \
                if title_col in cells else ""
            notes.append(Diagnostic.warning(
                f"row {r} is hidden in the sheet (filtered out or hidden by hand)"
                + (f" ('{shown[:60]}')" if shown else "") + "; it is skipped",
                Location(file=where_file, row=r, sheet=sheet.name), "hidden-row",
                hint="unhide the row (or clear the filter) in the workbook to include it"))
            continue
        width = max(last, max(c for c, cell in cells.items() if not cell.blank))
        texts: list[str] = []
        for c in range(first, width + 1):
            cell = cells.get(c)
            if cell is None:
                texts.append("")
                continue
            name = headers[c - first] if c <= last else ""
            where = f"column {column_letter(c)}" + (f" ({name})" if name else "")
            shown = cell_text(cell, fields[c - first] if c <= last else None, sheet.epoch, where)
            texts.append(shown.text)
            if shown.problem:
                found.setdefault(r, []).append((name, *shown.problem))
        rows.append(Row(r, r, texts))
    return TableRows(headers, rows, found, notes)


def sheet_dataset(path: Path, sheet: Sheet, head: TableHead | None, reader: str,
                  notes: Sequence[Diagnostic] = ()) -> DataSet:
    """The :class:`DataSet` of ``sheet``'s table (header ``head``); file
    notes (sheets passed over...) first.  Raises :class:`DataError` when the
    sheet has no header row."""
    where_file = display_path(path)
    if head is None:
        from .fields import known_field_names
        problem = "is empty" if not sheet.cells else "has no row of column names"
        raise DataError(f"the sheet '{sheet.name}' {problem}",
                        Location(file=where_file, sheet=sheet.name),
                        "the table needs a header row naming its columns; libmedia understands "
                        + "; ".join(known_field_names())
                        + " (choose another sheet with --sheet NAME)")
    warnings = [_with_sheet(n, sheet.name) for n in notes]
    if head.skipped:
        first_text = next((t for r in head.skipped
                           for t in _plain(sheet, r, {}).values()), "")
        span = (f"row {head.skipped[0]}" if len(head.skipped) == 1
                else f"rows {head.skipped[0]}-{head.skipped[-1]}")
        warnings.append(Diagnostic(
            INFO, "preamble",
            f"the header is on row {head.row}; {span} above it (titles, notes, a group row"
            + (f": '{first_text[:60]}'" if first_text else "") + ") are not records",
            Location(file=where_file, row=head.row, sheet=sheet.name)))
    found = table_rows(path, sheet, head)
    headers, hidden = found.headers, found.hidden
    table = normalize(path, headers, found.rows)
    for rec in table.records:
        rec.warnings.extend(
            Diagnostic.warning(message, Location(file=where_file, row=rec.row,
                                                 field=header or None), code)
            for header, code, message in found.problems.get(rec.row, ()))
        rec.warnings = [_with_sheet(w, sheet.name) for w in rec.warnings]
    records: list[Record] = table.records
    warnings.extend(hidden)
    kept = {rec.row for rec in records}
    for r, problems in sorted(found.problems.items()):
        if r not in kept:  # every value of the row was left out: no record, but never silent
            warnings.extend(
                Diagnostic.warning(message + "; the row has no other values, so it is not a record",
                                   Location(file=where_file, row=r, field=header or None,
                                            sheet=sheet.name), code)
                for header, code, message in problems)
    if not records:
        warnings.append(Diagnostic.warning(
            f"the sheet '{sheet.name}' has a header row but no records",
            Location(file=where_file, sheet=sheet.name), "no-records"))
    return DataSet(path=path, records=records, columns=headers, mapping=table.plan.mapping,
                   encoding="", delimiter="", warnings=warnings, reader=reader)


def read_sheets(path: Path, sheets: Sequence[tuple[str, bool]], load: Callable[[int], Sheet],
                reader: str, sheet: str | int | None = None) -> DataSet:
    """Choose a sheet (:func:`choose_sheet`) and read its table
    (:func:`sheet_dataset`); a note names the sheet read when others were
    passed over.  Raises :class:`DataError` as those do."""
    chosen, head, passed = choose_sheet(path, sheets, load, sheet)
    notes = []
    if passed:
        notes.append(Diagnostic(
            INFO, "sheet", f"read the sheet '{chosen.name}'; passed over "
            + ", ".join(passed), Location(file=display_path(path)),
            "give --sheet NAME to read another sheet"))
    return sheet_dataset(path, chosen, head, reader, notes)
