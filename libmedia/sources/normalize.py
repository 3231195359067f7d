"""The record normaliser: rows of cells under a header -> canonical records.

``normalize(path, headers, rows, literal_newlines=False) -> Normalized``:
every reader of tabular data (CSV now; XLSX, JSON, MARC and Koha later)
hands over plain rows, each a :class:`Row` (its 1-based data ``row`` number,
the ``line`` or position where it starts, its ``cells`` as a list of strings
in header order or a dict header -> string, and problems the reader met), and
gets :class:`~libmedia.sources.Record` objects back: canonical fields (see
:mod:`libmedia.sources.fields`), the raw values, and per-record warnings.
Nothing here knows about CSV.

Cleaning, per field
    every value   CR/CRLF -> ``\\n``; with ``literal_newlines`` (SLiMS
                  exports) a literal ``\\n``/``\\r\\n`` becomes a line break,
                  except in paths and codes (:data:`fields.NON_PROSE_FIELDS`);
                  NFC; mojibake repaired by ftfy's encoding fixes only
                  (:data:`FTFY_CONFIG`, warning ``mojibake``); control
                  characters XML 1.0 cannot hold (case C30: Word's line
                  break VT and FF become a space, a MARC subfield
                  delimiter 0x1F with its code a space, terminal escape
                  sequences and other C0/C1 controls are removed; warning
                  ``control-characters``); text that still looks garbled
                  after the repair: warning ``mojibake-suspected``; format
                  characters (case C32, :func:`clean.clean_format_characters`:
                  U+FFFC/U+FFFD and a BOM inside the value removed, warning
                  ``format-characters``; U+2028/U+2029 as line breaks);
                  trimmed; a spreadsheet's guarding apostrophe removed
                  (warning ``apostrophe``), else a spreadsheet error value
                  or formula left out (warnings ``spreadsheet-error``,
                  ``formula``: :data:`DROPPED_CODES`; on a field the
                  template requires, :func:`libmedia.render.check_required`
                  makes it the record's error, so check, batch and render
                  agree) and a ``=HYPERLINK`` replaced by its label (its
                  address in ``url``/``cover``; warning ``hyperlink``),
                  case C26; line breaks of a one-line field (all but
                  :data:`MULTILINE_FIELDS`) as one space (warning
                  ``line-break``), in prose three or more as one blank line.
                  Warnings name the canonical ``field`` and the column as
                  ``header`` (:func:`_field_warning`).
    title, subtitle, publisher, place, series, each author and subject
                  ISBD punctuation at the end removed (case C29,
                  :func:`clean.strip_isbd`; warning ``isbd``); subjects
                  also split at Koha's ``.,`` joins.
    one field, several columns
                  the first non-empty column in alias priority
                  (:func:`fields.plan_columns`); for a multi-valued field
                  the values of repeated and added columns are joined
                  (case C28, :attr:`fields.ColumnPlan.joined`).
    isbn          the first column holding a valid ISBN
                  (:func:`isbn.parse_isbn`): ``isbn`` hyphenated ISBN-13,
                  ``isbn10``, and ``issn`` when the cell held an ISSN;
                  warnings ``isbn`` (not used, raw value quoted) and
                  ``isbn-repaired`` (a restored leading zero).
    issn          its own column, else an ISSN found in an ISBN column.
    year          :func:`fields.normalise_year` (``2008.0`` -> ``2008``),
                  then :func:`clean.parse_year` (``c1980.``, ``[2004]``,
                  ``©2009.``; decades, "no date" and numbers out of range
                  left out; warning ``year``).
    author, subject, item_code
                  multi-valued: :func:`fields.split_values` into
                  ``Record.lists``, joined with ``"; "`` in ``fields``;
                  authors also as ``lists["author_display"]`` in reading
                  order (:func:`fields.display_name`), unless some author
                  value shows that commas separate people in this table:
                  then one person each (:func:`fields.split_people`).
    subtitle      added to the title after ``": "`` (``Bumi manusia:
                  sebuah roman``), the form templates split.
    title, author, publisher
                  exactly 100 or 255 characters ending mid-word: warning
                  ``cut-short`` (:data:`FIELD_LIMITS`).
    other columns under their slug (``Harga (Rp)`` -> ``harga_rp``).
    A row longer than the header keeps the extra values in ``raw`` as
    ``column_N`` (warning ``extra-values``); a shorter one reads as blanks.

The whole table, after the reader (:func:`tidy_dataset`, called by
:func:`libmedia.sources.registry.read_records` for every reader): a file
warning ``repeated-column`` for a header repeated (case C28), and copies of
one book merged into one record with a warning ``same-book`` (case C40,
:func:`merge_copies`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ftfy
import ftfy.badness

from ..errors import Diagnostic, Location, display_path
from . import DataSet, Record
from .clean import (
    COPY_FIELDS,
    LINK_FIELDS,
    Artefact,
    clean_format_characters,
    fold_lines,
    match_form,
    parse_year,
    same_book_key,
    split_subjects,
    spreadsheet_artefact,
    strip_isbd,
    unguard,
)
from .fields import (
    FIELDS,
    NON_PROSE_FIELDS,
    ColumnPlan,
    display_name,
    field_spec,
    normalise_year,
    plan_columns,
    split_people,
    split_values,
)
from .isbn import parse_isbn

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=False,
    replace_lossy_sequences=False,
    decode_inconsistent_utf8=True,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization="NFC",
    explain=False,
)
"""ftfy 6 options: only mojibake (``fix_encoding`` with inconsistent-UTF-8
decoding), then NFC; no HTML unescaping, quote uncurling, ligature/width
changes, line-break or control-character edits, no guessing that a space was
a U+00A0, no '?'/'�' replacement of lossy sequences.  Mojibake is UTF-8 text
that was decoded as cp1252 and saved again (SLiMS data moved between MySQL
charsets: ``DeveloperÃ¢â‚¬â„¢s``)."""

#: Column widths of catalogue databases that silently cut longer text
#: (SLiMS and many school inventories use varchar(100) and varchar(255)).
FIELD_LIMITS = (100, 255)


@dataclass
class Row:
    """One data row as a reader found it.

    ``row``       1-based data row as a spreadsheet user counts it (blank
                  rows counted);
    ``line``      1-based line (or position) in the file where it starts;
    ``cells``     the values as text: a list in header order, or a dict
                  header -> value (``None`` reads as ``""``);
    ``problems``  ``(code, sentence)`` for each thing the reader had to
                  work around in this row (``("unclosed-quote", ...)``);
                  each becomes a record warning.
    """

    row: int
    line: int
    cells: Sequence[str] | Mapping[str, str | None]
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Normalized:
    """Result of :func:`normalize`: the ``records`` (blank rows skipped), the
    ``headers`` used (for dict rows: every key, in first-seen order) and the
    column ``plan`` (``plan.mapping``: header -> canonical field)."""

    records: list[Record]
    headers: list[str]
    plan: ColumnPlan


def repair_mojibake(value: str) -> str:
    """``value`` with mojibake repaired per :data:`FTFY_CONFIG` (and NFC)."""
    return ftfy.fix_text(value, config=FTFY_CONFIG)


def raw_keys(headers: Sequence[str]) -> list[str]:
    """Keys of ``Record.raw``: the header, ``column_N`` for a blank one, and
    ``"header (N)"`` for a repeated one (N = 1-based column)."""
    keys: list[str] = []
    for col, header in enumerate(headers):
        key = header or f"column_{col + 1}"
        keys.append(key if key not in keys else f"{key} ({col + 1})")
    return keys


def _as_lists(headers: Sequence[str] | None, rows: Sequence[Row]
              ) -> tuple[list[str], list[list[str]]]:
    """Header names, and every row's cells as a list in header order; keys
    of dict rows missing from ``headers`` are added, in first-seen order."""
    names = list(headers or [])
    known = set(names)
    for r in rows:
        if isinstance(r.cells, Mapping):
            for key in r.cells:
                if key not in known:
                    names.append(key)
                    known.add(key)
    out: list[list[str]] = []
    for r in rows:
        if isinstance(r.cells, Mapping):
            out.append([r.cells.get(name) or "" for name in names])
        else:
            out.append(list(r.cells))
    for r, cells in zip(rows, out, strict=True):
        bad = next((c for c in cells if not isinstance(c, str)), None)
        if bad is not None:
            raise TypeError(f"row {r.row}: cells must be text, not {type(bad).__name__} ({bad!r})")
    return names, out


@dataclass
class _Context:
    """What every record of one table shares."""

    path: Path
    literal_newlines: bool
    headers: list[str]
    plan: ColumnPlan
    raw_keys: list[str]
    field_of: dict[int, str]
    inverted_names: bool = True


def _warning(ctx: _Context, rec: Record, column: str | None, code: str, message: str) -> Diagnostic:
    loc = Location(file=display_path(ctx.path), line=rec.line, row=rec.row, field=column)
    return Diagnostic.warning(message, loc, code)


def _field_warning(ctx: _Context, rec: Record, col: int, code: str, message: str,
                   hint: str | None = None) -> Diagnostic:
    """A warning about the value in column ``col``: ``field`` is the
    canonical field it feeds (the column's header for an unrecognised
    column) and ``header`` the column's own name when that differs."""
    column = ctx.headers[col] or f"column_{col + 1}"
    name = ctx.field_of.get(col)
    loc = Location(file=display_path(ctx.path), line=rec.line, row=rec.row, field=name or column,
                   header=column if name and name != column else None)
    return Diagnostic.warning(message, loc, code, hint=hint)


def _short(text: str, limit: int = 60) -> str:
    text = text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Control characters a value may not keep (XML 1.0 cannot hold C0 controls
#: but tab, LF and CR; C1 controls and DEL are never text): a terminal escape
#: sequence whole (ESC [ ... letter), a MARC subfield delimiter (0x1F) with
#: its one-character code, then any single control.
_CONTROLS = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1f[0-9a-z]?|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: What each is replaced by: Word's line break (VT), a form feed and a MARC
#: delimiter separate words, so they become a space; the rest is removed.
_AS_SPACE = ("\x0b", "\x0c", "\x1f")


def _strip_controls(value: str) -> str:
    """``value`` without the control characters of :data:`_CONTROLS`
    (runs of spaces they leave are folded into one)."""
    out = _CONTROLS.sub(lambda m: " " if m.group(0)[0] in _AS_SPACE else "", value)
    return re.sub(r"[ ]{2,}", " ", out)


#: An HTML character reference (``&#39;``, ``&#x27;``, ``&amp;``, ``&eacute;``): web
#: exports (event feeds, OPAC pages) leave them in the text; never printed as such.
_HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _clean_value(cell: str, col: int, ctx: _Context, rec: Record) -> str:
    """Line breaks to ``\\n``, SLiMS literal ``\\n``, HTML character
    references (``&#39;`` -> ``'``, warning ``html-entities``), mojibake, NFC,
    control and format characters, a guarding apostrophe, spreadsheet error
    values and formulas, line breaks in one-line fields, ISBD punctuation,
    trim (the rules of :mod:`libmedia.sources.clean`)."""
    name = ctx.field_of.get(col)
    value = cell.replace("\r\n", "\n").replace("\r", "\n")
    if ctx.literal_newlines and name not in NON_PROSE_FIELDS:
        value = value.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n")
    if "&" in value and name not in NON_PROSE_FIELDS and _HTML_ENTITY.search(value):
        fixed = html.unescape(value)
        rec.warnings.append(_field_warning(
            ctx, rec, col, "html-entities",
            f"HTML character codes written out as characters: '{_short(value)}' -> "
            f"'{_short(fixed)}'"))
        value = fixed
    value = unicodedata.normalize("NFC", value)
    if not value.isascii():
        fixed = repair_mojibake(value)
        if fixed != value:
            rec.warnings.append(_warning(
                ctx, rec, ctx.headers[col], "mojibake",
                f"repaired garbled characters (mojibake): '{_short(value)}' -> '{_short(fixed)}'"))
            value = fixed
        if ftfy.badness.is_bad(value):
            rec.warnings.append(_field_warning(
                ctx, rec, col, "mojibake-suspected",
                f"'{_short(value)}' looks like garbled characters (mojibake) that cannot be "
                "repaired with certainty; it is printed as it is",
                hint="check the text in the catalogue and type it again if it is garbled"))
    if _CONTROLS.search(value):
        fixed = _strip_controls(value)
        rec.warnings.append(_warning(
            ctx, rec, ctx.headers[col], "control-characters",
            f"removed control characters that cannot be printed (from Word, a MARC record or a "
            f"terminal): {_short(value)!r} -> '{_short(fixed)}'"))
        value = fixed
    if not value.isascii():
        value, notes = clean_format_characters(value)
        for note in notes:
            rec.warnings.append(_field_warning(ctx, rec, col, "format-characters", note))
    return _clean_spreadsheet(value.strip(), col, ctx, rec)


#: A dropped value's hint: how to get values instead of formulas.
SPREADSHEET_HINT = ("open the file in the spreadsheet, fix or recalculate the formula, then copy "
                    "the column and paste it back as values (Paste Special > Values) before "
                    "saving the file again")

#: Codes of warnings for a value left out of a field; on a field the
#: template requires, :func:`libmedia.render.check_required` makes them the
#: record's error.
DROPPED_CODES = frozenset({"spreadsheet-error", "formula"})

#: Fields whose line breaks are kept (prose); every other canonical field
#: is one line.  Unrecognised columns keep theirs.
MULTILINE_FIELDS = frozenset({"summary", "quote", "hours", "instead"})

#: Fields whose ISBD punctuation is removed (authors: each name, in
#: :func:`_fill_field`; subjects in :func:`clean.split_subjects`).
ISBD_FIELDS = frozenset({"title", "subtitle", "publisher", "place", "series"})


def _clean_spreadsheet(value: str, col: int, ctx: _Context, rec: Record) -> str:
    """A guarding apostrophe removed; an error value or formula left out
    (a ``=HYPERLINK`` label or address used); line breaks of one-line
    fields folded; ISBD punctuation removed.  Each change is a warning."""
    name = ctx.field_of.get(col)
    unguarded = unguard(value)
    if unguarded != value:
        rec.warnings.append(_field_warning(
            ctx, rec, col, "apostrophe",
            f"removed the apostrophe in front of '{_short(unguarded)}' (a spreadsheet's mark "
            "for text)"))
        value = unguarded
    else:
        found = spreadsheet_artefact(value, name)
        if found is not None:
            value = _artefact_value(found, value, col, ctx, rec)
    if name is not None or "\n" in value:
        folded = fold_lines(value, name is None or name in MULTILINE_FIELDS)
        if folded != value and name is not None and name not in MULTILINE_FIELDS:
            rec.warnings.append(_field_warning(
                ctx, rec, col, "line-break",
                f"the line breaks in '{_short(value)}' are set as spaces (a one-line field)"))
        value = folded
    if name in ISBD_FIELDS:
        stripped = strip_isbd(value)
        if stripped != value:
            rec.warnings.append(_isbd_warning(ctx, rec, col, value, stripped))
            value = stripped
    return value


def _artefact_value(found: Artefact, value: str, col: int, ctx: _Context, rec: Record) -> str:
    """What is left of a spreadsheet artefact (see :func:`clean.spreadsheet_artefact`),
    with its warning."""
    shown = _short(value, 80)
    if found.kind == "hyperlink" and found.value:
        part = "address" if ctx.field_of.get(col) in LINK_FIELDS else "label"
        rec.warnings.append(_field_warning(
            ctx, rec, col, "hyperlink",
            f"the cell holds the formula '{shown}'; its {part} '{_short(found.value)}' is used",
            hint="check it; to be sure, paste the column as values (Paste Special > Values)"))
        return found.value
    if found.kind == "error-value":
        message = (f"'{shown}' is a spreadsheet error value, not data (a formula failed when the "
                   "file was saved); left out")
        code = "spreadsheet-error"
    else:
        message = (f"'{shown}' is a spreadsheet formula saved as text, not its result; left out")
        code = "formula"
    rec.warnings.append(_field_warning(ctx, rec, col, code, message, hint=SPREADSHEET_HINT))
    return ""


def _isbd_warning(ctx: _Context, rec: Record, col: int, before: str, after: str) -> Diagnostic:
    return _field_warning(
        ctx, rec, col, "isbd",
        f"removed cataloguing (ISBD) punctuation: '{_short(before)}' -> '{_short(after)}'")


def _fill_isbn(rec: Record, values: dict[int, str], cols: list[int], ctx: _Context) -> None:
    """``isbn``/``isbn10``/``issn`` from the first column holding a valid ISBN.

    Problems are reported for the winning cell only (a truncated second
    ISBN), or for every consulted cell when none held a valid ISBN.
    """
    problems: list[tuple[int, str]] = []
    rec.fields.update(isbn="", isbn10="")
    rec.fields.setdefault("issn", "")
    for col in cols:
        result = parse_isbn(values.get(col, ""))
        found = [(col, p) for p in result.problems]
        if result.issn and not rec.fields["issn"]:
            rec.fields["issn"] = result.issn
        if result.isbn13:
            rec.fields.update(isbn=result.isbn13, isbn10=result.isbn10)
            problems = found
            for note in result.notes:
                rec.warnings.append(_warning(ctx, rec, ctx.headers[col], "isbn-repaired", note))
            break
        problems.extend(found)
    for col, problem in problems:
        rec.warnings.append(_warning(ctx, rec, ctx.headers[col], "isbn",
                                     f"{problem}; not used (raw value '{values[col]}')"))


def _fill_field(rec: Record, name: str, values: dict[int, str], cols: list[int],
                ctx: _Context) -> None:
    """Set ``rec.fields[name]`` (and ``rec.lists``) from the first non-empty
    candidate column; a multi-valued field with joined columns
    (:attr:`ColumnPlan.joined`) takes the values of all of them."""
    if name == "isbn":
        _fill_isbn(rec, values, cols, ctx)
        return
    col = next((c for c in cols if values.get(c)), None)
    value = values[col] if col is not None else ""
    if name == "year":
        value = normalise_year(value)
        reading = parse_year(value)
        if reading.note and col is not None:
            rec.warnings.append(_field_warning(ctx, rec, col, "year", reading.note))
        value = reading.year
    if name == "issn":  # keep an ISSN already found in an isbn_issn column
        value = value or rec.fields.get("issn", "")
    spec = field_spec(name)
    if spec is not None and spec.multi:
        joined = ctx.plan.joined.get(name)
        sources = ([(c, values.get(c, "")) for c in joined] if joined
                   else [(col, value)] if col is not None else [])
        items = _multi_items(rec, name, sources, ctx)
        rec.lists[name] = items
        value = "; ".join(items)
        if name == "author":
            rec.lists["author_display"] = (
                [display_name(item) for item in items] if ctx.inverted_names
                else [person for item in items for person in split_people(item)])
    rec.fields[name] = value


def _multi_items(rec: Record, name: str, sources: list[tuple[int, str]], ctx: _Context
                 ) -> list[str]:
    """The values of a multi-valued field from ``(column, cell)`` pairs:
    split (:func:`fields.split_values`), subjects also at Koha's ``.,``
    joins, each without trailing ISBD punctuation (noted per column); a
    value repeated in two columns is kept once."""
    items: list[str] = []
    for col, cell in sources:
        parts = split_values(cell)
        if name == "subject":
            cleaned = split_subjects(parts)
        elif name == "author":
            cleaned = [strip_isbd(p) for p in parts]
        else:
            cleaned = parts
        if cleaned != parts:
            rec.warnings.append(_isbd_warning(ctx, rec, col, "; ".join(parts), "; ".join(cleaned)))
        items.extend(item for item in cleaned if item and item not in items)
    return items


def _names_are_inverted(rows: list[list[str]], cols: list[int]) -> bool:
    """False when commas separate people in this table's author column.

    goodbooks writes ``"Plato, Desmond Lee"`` (two people) and
    ``"George Orwell, Erich Fromm, Celâl Üster"``; one author value with two
    or more commas and no digits (dates) shows the comma is a list separator,
    so no name in the table is read as "Surname, Given".  Trailing ISBD
    punctuation is not counted (Koha's ``"Toer, Pramoedya Ananta,"`` is one
    inverted name).
    """
    for cells in rows:
        for col in cols:
            cell = cells[col] if col < len(cells) else ""
            for item in (strip_isbd(i) for i in split_values(cell)):
                if item.count(",") >= 2 and not any(ch.isdigit() for ch in item):
                    return False
    return True


def _flag_cut_values(rec: Record, ctx: _Context) -> None:
    """Warn when a title, author or publisher is exactly a database column's
    width and ends inside a word: the catalogue probably cut it short, and
    the post would print the stump."""
    for name in ("title", "author", "publisher"):
        value = rec.fields.get(name, "")
        if len(value) in FIELD_LIMITS and value[-1:].isalnum():
            rec.warnings.append(_warning(
                ctx, rec, name, "cut-short",
                f"the {name} is exactly {len(value)} characters and ends mid-word "
                f"('…{value[-20:]}'): the catalogue may have cut it short; check it"))


def _build_record(source: Row, cells: list[str], ctx: _Context) -> Record:
    rec = Record(row=source.row, line=source.line, fields={})
    width = len(ctx.headers)
    given = len(cells)
    cells = cells + [""] * (width - given)
    for col, key in enumerate(ctx.raw_keys):
        rec.raw[key] = cells[col]
    extra = [(col, c) for col, c in enumerate(cells[width:], start=width) if c.strip()]
    for col, cell in extra:
        rec.raw[f"column_{col + 1}"] = cell
    for code, problem in source.problems:
        rec.warnings.append(_warning(ctx, rec, None, code, problem))
    if extra:
        names = ", ".join(f"column_{col + 1}" for col, _ in extra)
        rec.warnings.append(_warning(
            ctx, rec, None, "extra-values",
            f"this row has {given} values but the header has {width} columns; "
            f"the extra values are kept as {names} (a separator inside an unquoted value?)"))
    values = {col: _clean_value(cells[col], col, ctx, rec) for col in range(width)}
    for name, cols in ctx.plan.sources.items():
        _fill_field(rec, name, values, cols, ctx)
    for col, slug in ctx.plan.extras.items():
        rec.fields[slug] = values[col]
    _flag_cut_values(rec, ctx)
    _join_subtitle(rec)
    return rec


def _join_subtitle(rec: Record) -> None:
    """A subtitle from its own column (Koha's ``Subtitle``, MARC 245 $b)
    added to the title after ``": "`` (ISBD's mark before other title
    information), the form every book template reads its ``title`` in and
    splits again (:func:`libmedia.textfilters.title_parts`); the
    ``subtitle`` field keeps it alone.  Not added when the title already
    holds it."""
    title, subtitle = rec.fields.get("title", ""), rec.fields.get("subtitle", "")
    if title and subtitle and match_form(subtitle) not in match_form(title):
        rec.fields["title"] = f"{title}: {subtitle}"


def normalize(path: Path, headers: Sequence[str] | None, rows: Sequence[Row], *,
              literal_newlines: bool = False) -> Normalized:
    """Canonical records from a table's data rows (header row excluded).

    ``path``     the file, named in every warning's location;
    ``headers``  column names in order (from :func:`header.choose_header`
                 or the reader's format); ``None`` when every row is a dict;
    ``rows``     :class:`Row` objects in file order; rows with no non-blank
                 cell are skipped (their numbers stay as the reader gave);
    ``literal_newlines``  the table is a SLiMS export, which writes line
                 breaks as a literal ``\\n``.

    Returns :class:`Normalized`.  Never raises on bad values: each problem
    is a warning on its record (the cleaning rules are in the module
    docstring).  Raises ``TypeError`` for a cell that is not text.
    """
    names, cell_rows = _as_lists(headers, rows)
    plan = plan_columns(names)
    field_of = {col: name for name, cols in plan.sources.items() for col in cols}
    ctx = _Context(path, literal_newlines, names, plan, raw_keys(names), field_of)
    ctx.inverted_names = _names_are_inverted(cell_rows, plan.sources.get("author", []))
    records = [_build_record(r, cells, ctx) for r, cells in zip(rows, cell_rows, strict=True)
               if any(c.strip() for c in cells)]
    return Normalized(records, names, plan)


# --- the whole table -------------------------------------------------------


def tidy_dataset(dataset: DataSet) -> DataSet:
    """The dataset-level cleaning every reader's result goes through
    (:func:`libmedia.sources.registry.read_records` calls it): a file
    warning for each repeated column header (:func:`repeated_columns`), and
    copies of one book merged into one record (:func:`merge_copies`).
    Returns ``dataset``, changed in place."""
    dataset.warnings.extend(repeated_columns(dataset))
    merge_copies(dataset)
    return dataset


def repeated_columns(dataset: DataSet) -> list[Diagnostic]:
    """File warnings (code ``repeated-column``) for headers that name the
    same field more than once (case C28): for a multi-valued field the
    values of every such column are used (co-authors, subjects); for a
    single-valued one each record uses the first filled column, and the
    warning names the rows where a later one holds something else."""
    headers = dataset.columns
    plan = plan_columns(list(headers))
    keys = raw_keys(headers)
    where = Location(file=display_path(dataset.path))
    out: list[Diagnostic] = []
    for name, cols in plan.joined.items():
        named = ", ".join(f"'{headers[c]}' (column {c + 1})" for c in cols)
        out.append(Diagnostic.warning(
            f"the columns {named} all give the {name}: the values of every one are used",
            where, "repeated-column"))
    for name, cols in plan.repeated.items():
        differ = [rec.row for rec in dataset.records
                  if len({v for c in cols if (v := rec.raw.get(keys[c], "").strip())}) > 1]
        named = ", ".join(f"column {c + 1}" for c in cols)
        rows = (f"; they differ in row{'s' if len(differ) > 1 else ''} "
                f"{', '.join(map(str, differ[:10]))}{', …' if len(differ) > 10 else ''}"
                if differ else "")
        out.append(Diagnostic.warning(
            f"{len(cols)} columns are named '{headers[cols[0]]}' ({named}): the {name} of each "
            f"record is taken from the first that is filled, the others are not used{rows}",
            where, "repeated-column",
            hint=f"rename or delete the extra '{headers[cols[0]]}' column"))
    return out


#: Reader warnings saying a row's values may sit in the wrong columns (a value
#: too many or too few, a quote that swallowed lines): such a row is never taken
#: for a copy of another book, so it keeps its post and its warning.
MISREAD_CODES = frozenset({"extra-values", "missing-values", "unclosed-quote",
                           "swallowed-lines", "multi-line-row", "value-too-long"})


def merge_copies(dataset: DataSet) -> None:
    """One record per book when a file lists a book once per copy (case
    C40, an inventory).

    Two records are copies of one book when their title is not blank and
    every field the file maps, except the copy's own (:data:`clean.COPY_FIELDS`:
    barcode, inventory id, call number, price, cover, summary...), is the
    same in :func:`clean.match_form` (case, spaces and punctuation
    ignored; blank equals blank only).  So a different author, publisher,
    year, edition, ISBN or subtitle keeps two records apart (two books may
    share a title); so does a different date, time or quotation in a file
    of events or quotes.  The first copy is kept, in its place; fields it
    leaves blank are taken from the later copies, item codes are all kept;
    it gets a warning (code ``same-book``) naming the rows merged into it.
    A row the reader may have misread (:data:`MISREAD_CODES`) is never
    merged: its values cannot be trusted to be the book's.
    """
    order = {spec.name: n for n, spec in enumerate(FIELDS)}
    compared = sorted((set(dataset.mapping.values()) - COPY_FIELDS) | {"title"},
                      key=lambda name: (order.get(name, len(order)), name))
    first: dict[tuple[str, ...], Record] = {}
    merged: dict[int, list[Record]] = {}
    kept: list[Record] = []
    for rec in dataset.records:
        misread = any(w.code in MISREAD_CODES for w in rec.warnings)
        key = None if misread else same_book_key(rec.fields, compared)
        if key is None or key not in first:
            kept.append(rec)
            if key is not None:
                first[key] = rec
            continue
        owner = first[key]
        merged.setdefault(id(owner), []).append(rec)
        for name, value in rec.fields.items():
            if value and not owner.fields.get(name):
                owner.fields[name] = value
                if name in rec.lists:
                    owner.lists[name] = list(rec.lists[name])
        codes = owner.lists.get("item_code")
        if codes is not None:
            codes.extend(c for c in rec.lists.get("item_code", []) if c not in codes)
            owner.fields["item_code"] = "; ".join(codes)
    if not merged:
        return
    for rec in kept:
        copies = merged.get(id(rec))
        if not copies:
            continue
        dataset.merged_rows.update({c.row: rec.row for c in copies})
        rows = ", ".join(str(c.row) for c in copies)
        plural = "s" if len(copies) > 1 else ""
        shown = ", ".join(n for n in compared if rec.fields.get(n))
        rec.warnings.append(Diagnostic.warning(
            f"row{plural} {rows} list{'' if plural else 's'} the same book as this row (the same "
            f"{shown}): one post is made for all {len(copies) + 1} copies",
            Location(file=display_path(dataset.path), line=rec.line, row=rec.row), "same-book",
            hint="if they are different books, make them differ in the data (an edition, a "
                 "volume number, a year)"))
    dataset.records = kept
