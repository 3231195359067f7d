"""Read CSV/TSV files as library staff export them (SLiMS, Koha, Excel, Sheets).

``read_csv(path) -> DataSet``.  What it copes with, and the rule for each:

Encoding (:func:`decode_bytes`)
    1. a BOM decides: UTF-8, UTF-16 LE/BE (Excel "Unicode Text"), UTF-32;
    2. no BOM but NUL bytes in every other position: UTF-16 without BOM;
    3. strict UTF-8;
    4. Windows-1252 (Excel "ANSI" on Indonesian and Western Windows), unless
       charset-normalizer's best guess decodes the whole file cleanly into a
       non-Latin script (Cyrillic, Arabic, Greek, CJK...).  Its Latin guesses
       are never taken: it reads real cp1252 files as cp1250/cp1257
       ("Déjà" -> "Déjŕ").  When cp1252 cannot decode the bytes, its guess is
       taken whatever it is; when it has none, :class:`DataError`.
    Any encoding but UTF-8 adds a file warning naming it.  Nothing is ever
    dropped or replaced (no ``errors="ignore"``).

Mojibake
    UTF-8 text that was decoded as cp1252 and saved again (SLiMS data moved
    between MySQL charsets: ``DeveloperÃ¢â‚¬â„¢s``) is repaired with ftfy's
    encoding fixes only (see :data:`FTFY_CONFIG`); each repair is a record
    warning naming the field.

Delimiter (:func:`detect_delimiter`)
    ``,`` ``;`` TAB ``|`` each parse the first records with the csv module
    (quotes and quoted newlines respected); the candidate giving more than
    one field with the most consistent field count wins, then the one with
    more fields.  An Excel ``sep=;`` first line is obeyed.

Records
    LF, CRLF and bare CR end records; line breaks inside quoted values are
    kept (as ``\\n``).  SLiMS exports write line breaks as a literal ``\\n``;
    in files recognised as SLiMS exports these become real line breaks
    (except in paths/codes such as ``image``).  Values are text, trimmed,
    NFC-normalised.  ``Record.row`` counts data rows from 1 (blank rows are
    skipped but counted, as in a spreadsheet); ``Record.line`` is the
    physical line where the record starts.

Header
    The first non-blank row is a header when a cell is a known alias (see
    :mod:`libmedia.sources.fields`) or when it looks like names (short,
    distinct, no numbers, dates, paths or links).  A header-less file with
    the SLiMS 9 export layout is read with that layout (warning); any other
    header-less file is a :class:`DataError`.
"""

from __future__ import annotations

import _csv
import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import ftfy

from ..errors import DataError, Diagnostic, Location, display_path
from . import DataSet, Record
from .fields import (
    NON_PROSE_FIELDS,
    SLIMS_EXPORT_COLUMNS,
    ColumnPlan,
    display_name,
    field_spec,
    known_field_names,
    lookup_header,
    normalise_year,
    plan_columns,
)
from .isbn import parse_isbn

DELIMITERS = (",", ";", "\t", "|")
"""Field separators tried, in order of preference on a tie."""

SNIFF_RECORDS = 50
"""Records parsed per candidate delimiter."""

SAVE_AS_UTF8 = "save as 'CSV UTF-8' in Excel to avoid this"

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
a U+00A0, no '?'/'�' replacement of lossy sequences."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (Excel 'Unicode Text')"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)


# --- file-level errors ------------------------------------------------------------


def _error(path: Path, message: str, hint: str, line: int | None = None) -> DataError:
    return DataError(message, Location(file=display_path(path), line=line), hint)


def _file_warning(path: Path, code: str, message: str) -> Diagnostic:
    return Diagnostic.warning(message, Location(file=display_path(path)), code)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; :class:`DataError` when missing, a folder or unreadable."""
    if not path.exists():
        folder = path.parent
        if folder.is_dir():
            near = sorted(p.name for p in folder.iterdir()
                          if p.suffix.lower() in (".csv", ".tsv", ".txt"))
            listed = ", ".join(near[:8]) if near else "none"
            hint = f"check the file name; data files in {display_path(folder)}: {listed}"
        else:
            hint = f"the folder {display_path(folder)} does not exist either; check the path"
        raise _error(path, "file not found", hint)
    if path.is_dir():
        raise _error(path, "this is a folder, not a data file", "give the path of a .csv file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _error(path, f"cannot read the file ({exc.strerror})",
                     "check that you may read it and that no program locks it") from exc


_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls) or other MS Office file"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x1f\x8b", "a gzip-compressed file"),
)


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError):
        return "a ZIP archive"
    if any(n.startswith("xl/") for n in names):
        return "an Excel workbook (.xlsx)"
    if b"opendocument.spreadsheet" in data[:200]:
        return "an OpenDocument spreadsheet (.ods)"
    if any(n.startswith("word/") for n in names):
        return "a Word document (.docx)"
    return "a ZIP archive"


def binary_kind(data: bytes) -> str | None:
    """What a non-text file is (``"an Excel workbook (.xlsx)"``...), judged
    from its magic bytes, or ``None`` for anything that may be text."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:5].isdigit() and data[20:24] == b"4500":
        return "a MARC record file (ISO 2709)"
    return None


def _reject_binary(path: Path, data: bytes) -> None:
    kind = binary_kind(data)
    if kind is None:
        return
    if "spreadsheet" in kind or "Excel" in kind:
        hint = "open it in Excel or LibreOffice and save it as 'CSV UTF-8 (comma delimited)'"
    elif "image" in kind:
        hint = "cover images are named in the cover column; pass the CSV file here"
    else:
        hint = "export the catalogue as CSV (in SLiMS: Bibliography > Export)"
    raise _error(path, f"this is {kind}, not a CSV file", hint)


_TEXT_FORMATS = (
    (re.compile(r"^(--\s*(MySQL|phpMyAdmin)|INSERT\s+(IGNORE\s+)?INTO\s|CREATE\s+TABLE\s)", re.I | re.M),
     "an SQL database dump", "export CSV instead (in SLiMS: Bibliography > Export)"),
    (re.compile(r"^\s*<(!DOCTYPE\s+html|html)", re.I), "a web page (HTML)",
     "save the spreadsheet as 'CSV UTF-8', not as a web page"),
    (re.compile(r"^\s*<\?xml", re.I), "an XML file",
     "save the spreadsheet as 'CSV UTF-8'"),
)


def _reject_other_text(path: Path, text: str) -> None:
    head = text[:4096]
    for pattern, kind, hint in _TEXT_FORMATS:
        if pattern.search(head):
            raise _error(path, f"this is {kind}, not a CSV file", hint)


# --- encoding ---------------------------------------------------------------------


@dataclass
class Decoded:
    """Result of :func:`decode_bytes`: ``text``, ``encoding`` (a Python codec
    name) and ``warning`` (a sentence, or ``""`` for UTF-8)."""

    text: str
    encoding: str
    warning: str = ""


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes fill one byte parity (BOM-less
    UTF-16 of mostly-ASCII text), else ``None``."""
    sample = data[:8192]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.3 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.3 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _control_share(sample: bytes) -> float:
    """Share of C0 control bytes other than TAB, LF, FF, CR and ^Z."""
    if not sample:
        return 0.0
    controls = sum(1 for b in sample if b < 0x20 and b not in (9, 10, 12, 13, 26))
    return controls / len(sample)


def _non_latin_share(text: str) -> float:
    """Share of non-ASCII letters that are not Latin script (0.0 - 1.0)."""
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return 0.0
    other = sum(1 for ch in letters if not unicodedata.name(ch, "LATIN").startswith("LATIN"))
    return other / len(letters)


def _detector_guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best guess as ``(codec, text)`` when it decodes
    the whole file strictly with little "chaos" (<= 0.2), else ``None``."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        return None
    try:
        return best.encoding, data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_legacy(data: bytes, where: Path) -> Decoded:
    """Non-UTF-8 bytes: cp1252 unless the detector sees a non-Latin script."""
    guess = _detector_guess(data)
    try:
        text: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and (guess is None or _non_latin_share(guess[1]) < 0.5):
        return Decoded(text, "cp1252", f"read as Windows-1252 (cp1252); {SAVE_AS_UTF8}")
    if guess is not None:
        codec, guessed = guess
        return Decoded(guessed, codec, f"read as {codec} (guessed from the bytes; check "
                       f"accented and non-Latin letters); {SAVE_AS_UTF8}")
    raise _error(where, "cannot tell the text encoding: the file is neither UTF-8 nor "
                 "Windows-1252", "open it in Excel or LibreOffice and save it as 'CSV UTF-8'")


def decode_bytes(data: bytes, path: Path | None = None) -> Decoded:
    """Decode a data file's bytes by the rule in the module docstring.

    ``path`` is used in error messages only.  Raises :class:`DataError` for
    binary bytes, a BOM contradicted by the bytes, or bytes that no candidate
    decodes without loss.
    """
    where = path or Path("<data>")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                raise _error(where, f"the file starts with a {label} byte-order mark but "
                             f"byte {exc.start + len(bom)} is not {label}",
                             "save it again as 'CSV UTF-8'") from exc
            warning = "" if codec == "utf-8-sig" else f"read as {label}; {SAVE_AS_UTF8}"
            return Decoded(text, codec, warning)
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16, f"read as {utf16.upper()} without a "
                           f"byte-order mark; {SAVE_AS_UTF8}")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192] or _control_share(data[:8192]) > 0.01:
        raise _error(where, "this is a binary file, not a CSV file",
                     "export or save the data as 'CSV UTF-8'")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(data, where)


# --- records ----------------------------------------------------------------------


@dataclass
class RawRow:
    """One parsed CSV record: ``line`` (1-based physical line it starts on),
    ``cells`` as the csv module gave them, ``problem`` (a sentence or ``""``)."""

    line: int
    cells: list[str]
    problem: str = ""

    @property
    def filled(self) -> bool:
        """True when some cell is not blank."""
        return any(c.strip() for c in self.cells)


def split_lines(text: str) -> list[str]:
    """Physical lines with their endings; LF, CRLF and bare CR each end one."""
    return list(io.StringIO(text, newline=""))


def _reader(lines: list[str], delimiter: str, quoting: int = csv.QUOTE_MINIMAL) -> _csv.Reader:
    return csv.reader(iter(lines), delimiter=delimiter, quotechar='"', doublequote=True,
                      strict=False, quoting=quoting)


def detect_delimiter(lines: list[str]) -> str:
    """The field separator among :data:`DELIMITERS` for these physical lines.

    Each candidate parses the first :data:`SNIFF_RECORDS` non-blank records;
    score = (share of records having the most common field count, that
    count); candidates whose most common count is 1 are out.  ``","`` when
    none fits (a one-column file).
    """
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            records = [r for r in islice(_reader(lines, delimiter), SNIFF_RECORDS * 4)
                       if any(c.strip() for c in r)][:SNIFF_RECORDS]
        except csv.Error:
            continue
        if not records:
            continue
        count, freq = Counter(len(r) for r in records).most_common(1)[0]
        score = (freq / len(records), count)
        if count > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def parse_rows(lines: list[str], delimiter: str) -> list[RawRow]:
    """Parse physical lines into records (blank ones included, as ``[]``).

    A quote that is never closed swallows every later line into one value.
    When the last record spans several lines with an odd number of quotes
    (or the csv module gives up on a record, e.g. a value over its size
    limit), that record is re-read from its first line with quotes taken
    literally and flagged, and parsing resumes on the next line: no other
    row is lost.
    """
    rows: list[RawRow] = []
    start = 0
    while start < len(lines):
        reader, first, bad = _reader(lines[start:], delimiter), start, None
        try:
            for cells in reader:
                rows.append(RawRow(first + 1, cells))
                first = start + reader.line_num
        except csv.Error:
            bad = first
        if bad is None and rows and rows[-1].line - 1 >= start:
            last = rows[-1].line - 1
            if len(lines) - last > 1 and "".join(lines[last:]).count('"') % 2:
                rows.pop()
                bad = last
        if bad is None:
            break
        cells = next(_reader(lines[bad:bad + 1], delimiter, csv.QUOTE_NONE), [])
        rows.append(RawRow(bad + 1, cells, "a quote (\") opened in this row is never "
                           "closed; the row was read with quotes as plain characters"))
        start = bad + 1
    return rows


def _excel_sep_line(lines: list[str]) -> str | None:
    """Delimiter named by an Excel ``sep=;`` first line, or ``None``."""
    if lines:
        m = re.fullmatch(r"sep=(.)", lines[0].rstrip("\r\n"))
        if m:
            return m.group(1)
    return None


# --- header ------------------------------------------------------------------------

_NUMBER_LIKE = re.compile(r"^[\d\s.,/:+()-]+$")
_MULTI_VALUE = re.compile(r"^(?:<[^<>]*>)+$")
_FILE_OR_LINK = re.compile(r"://|\.(jpe?g|png|gif|webp|tiff?)$", re.I)


def looks_like_header(cells: list[str]) -> bool:
    """True when a row reads as column names: a known alias, or every
    non-empty cell short (<= 60 characters), distinct, on one line, and not
    a number, date, ISBN, file name, link or ``<a><b>`` value."""
    if any(lookup_header(c) for c in cells):
        return True
    names = [c.strip() for c in cells if c.strip()]
    if not names or len({n.casefold() for n in names}) != len(names):
        return False
    return not any(
        len(n) > 60 or "\n" in n or "\r" in n or _NUMBER_LIKE.match(n)
        or _MULTI_VALUE.match(n) or _FILE_OR_LINK.search(n)
        for n in names
    )


def is_slims_layout(rows: list[RawRow]) -> bool:
    """True when header-less rows have the SLiMS 9 export layout: 18 cells,
    with ``authors``, ``topics`` and ``item_code`` empty or ``<a><b>``."""
    width = len(SLIMS_EXPORT_COLUMNS)
    sample = [r.cells for r in rows if r.filled][:20]
    return bool(sample) and all(
        len(cells) == width
        and all(not cells[i].strip() or _MULTI_VALUE.match(cells[i].strip())
                for i in (15, 16, 17))
        for cells in sample
    )


def _clean_header(cell: str) -> str:
    return unicodedata.normalize("NFC", cell.replace("\ufeff", "").strip())


def _raw_keys(headers: list[str]) -> list[str]:
    """Keys of ``Record.raw``: the header, ``column_N`` for a blank one, and
    ``"header (N)"`` for a repeated one (N = 1-based column)."""
    keys: list[str] = []
    for col, header in enumerate(headers):
        key = header or f"column_{col + 1}"
        keys.append(key if key not in keys else f"{key} ({col + 1})")
    return keys


def _choose_header(path: Path, rows: list[RawRow], warnings: list[Diagnostic]
                   ) -> tuple[list[str], bool, bool]:
    """``(headers, first row is a header, file is a SLiMS export)`` for rows
    starting at the first non-blank one.  :class:`DataError` when there is
    no header and the rows are not a SLiMS export."""
    first = rows[0]
    if looks_like_header(first.cells):
        headers = [_clean_header(c) for c in first.cells]
        while len(headers) > 1 and not headers[-1]:  # SLiMS ends its header with a separator
            headers.pop()
        slims = {"gmd_name", "isbn_issn", "publisher_name"} <= {h.casefold() for h in headers}
        return headers, True, slims
    if is_slims_layout(rows):
        warnings.append(_file_warning(
            path, "no-header",
            "no header row; read as SLiMS export layout (" + ",".join(SLIMS_EXPORT_COLUMNS) + ")"))
        return list(SLIMS_EXPORT_COLUMNS), False, True
    raise _error(
        path, "the first row holds data, not column names: the file has no header row",
        "add a header row naming the columns; libmedia understands "
        + "; ".join(known_field_names()) + "; other names are kept as they are",
        line=first.line)


# --- values ------------------------------------------------------------------------


def repair_mojibake(value: str) -> str:
    """``value`` with mojibake repaired per :data:`FTFY_CONFIG` (and NFC)."""
    return ftfy.fix_text(value, config=FTFY_CONFIG)


def split_values(value: str) -> list[str]:
    """A multi-valued cell as a list: SLiMS ``<a><b>`` or ``a; b``.

    Items are trimmed and empty items dropped; ``""`` -> ``[]``.
    """
    value = value.strip()
    items = re.findall(r"<([^<>]*)>", value) if _MULTI_VALUE.match(value) else value.split(";")
    return [item.strip() for item in items if item.strip()]


@dataclass
class _Context:
    """What every record of one file shares."""

    path: Path
    slims: bool
    headers: list[str]
    plan: ColumnPlan
    raw_keys: list[str]
    field_of: dict[int, str] = field(default_factory=dict)
    inverted_names: bool = True


def _warning(ctx: _Context, rec: Record, column: str | None, code: str, message: str) -> Diagnostic:
    loc = Location(file=display_path(ctx.path), line=rec.line, row=rec.row, field=column)
    return Diagnostic.warning(message, loc, code)


def _short(text: str, limit: int = 60) -> str:
    text = text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean_value(cell: str, col: int, ctx: _Context, rec: Record) -> str:
    """Line breaks to ``\\n``, SLiMS literal ``\\n``, mojibake, NFC, trim."""
    value = cell.replace("\r\n", "\n").replace("\r", "\n")
    if ctx.slims and ctx.field_of.get(col) not in NON_PROSE_FIELDS:
        value = value.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n")
    value = unicodedata.normalize("NFC", value)
    if not value.isascii():
        fixed = repair_mojibake(value)
        if fixed != value:
            rec.warnings.append(_warning(
                ctx, rec, ctx.headers[col], "mojibake",
                f"repaired garbled characters (mojibake): '{_short(value)}' -> '{_short(fixed)}'"))
            value = fixed
    return value.strip()


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
    candidate column."""
    if name == "isbn":
        _fill_isbn(rec, values, cols, ctx)
        return
    value = next((values[c] for c in cols if values.get(c)), "")
    if name == "year":
        value = normalise_year(value)
    if name == "issn":  # keep an ISSN already found in an isbn_issn column
        value = value or rec.fields.get("issn", "")
    spec = field_spec(name)
    if spec is not None and spec.multi:
        items = split_values(value)
        rec.lists[name] = items
        value = "; ".join(items)
        if name == "author":
            rec.lists["author_display"] = (
                [display_name(item) for item in items] if ctx.inverted_names else list(items))
    rec.fields[name] = value


def _names_are_inverted(rows: list[RawRow], cols: list[int]) -> bool:
    """False when commas separate people in this file's author column.

    goodbooks writes ``"Plato, Desmond Lee"`` (two people) and
    ``"George Orwell, Erich Fromm, Celâl Üster"``; one author value with two
    or more commas and no digits (dates) shows the comma is a list separator,
    so no name in the file is read as "Surname, Given".
    """
    for raw in rows:
        for col in cols:
            cell = raw.cells[col] if col < len(raw.cells) else ""
            for item in split_values(cell):
                if item.count(",") >= 2 and not any(ch.isdigit() for ch in item):
                    return False
    return True


def _build_record(row: int, raw: RawRow, ctx: _Context) -> Record:
    rec = Record(row=row, line=raw.line, fields={})
    width = len(ctx.headers)
    cells = raw.cells + [""] * (width - len(raw.cells))
    for col, key in enumerate(ctx.raw_keys):
        rec.raw[key] = cells[col]
    extra = [(col, c) for col, c in enumerate(cells[width:], start=width) if c.strip()]
    for col, cell in extra:
        rec.raw[f"column_{col + 1}"] = cell
    if raw.problem:
        rec.warnings.append(_warning(ctx, rec, None, "unclosed-quote", raw.problem))
    if extra:
        names = ", ".join(f"column_{col + 1}" for col, _ in extra)
        rec.warnings.append(_warning(
            ctx, rec, None, "extra-values",
            f"this row has {len(raw.cells)} values but the header has {width} columns; "
            f"the extra values are kept as {names} (a separator inside an unquoted value?)"))
    values = {col: _clean_value(cells[col], col, ctx, rec) for col in range(width)}
    for name, cols in ctx.plan.sources.items():
        _fill_field(rec, name, values, cols, ctx)
    for col, slug in ctx.plan.extras.items():
        rec.fields[slug] = values[col]
    _flag_cut_values(rec, ctx)
    return rec


#: Column widths of catalogue databases that silently cut longer text
#: (SLiMS and many school inventories use varchar(100) and varchar(255)).
FIELD_LIMITS = (100, 255)


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


# --- entry point ---------------------------------------------------------------------


def _parse_text(path: Path, text: str) -> tuple[list[RawRow], str]:
    """All records of the text (blank ones included) and the delimiter."""
    lines = split_lines(text)
    delimiter = _excel_sep_line(lines)
    skip = 1 if delimiter else 0
    delimiter = delimiter or detect_delimiter(lines[skip:])
    rows = parse_rows(lines[skip:], delimiter)
    for r in rows:
        r.line += skip
    if not any(r.filled for r in rows):
        raise _error(path, "the file is empty", "export the data again; the file has no rows")
    return rows, delimiter


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
    data = _read_bytes(path)
    if not data.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise _error(path, "the file is empty", "export the data again; the file has no text")
    _reject_binary(path, data)
    decoded = decode_bytes(data, path)
    _reject_other_text(path, decoded.text)
    warnings = [_file_warning(path, "encoding", decoded.warning)] if decoded.warning else []
    rows, delimiter = _parse_text(path, decoded.text)
    start = next(i for i, r in enumerate(rows) if r.filled)
    headers, has_header, slims = _choose_header(path, rows[start:], warnings)
    plan = plan_columns(headers)
    ctx = _Context(path, slims, headers, plan, _raw_keys(headers))
    ctx.field_of = {col: name for name, cols in plan.sources.items() for col in cols}
    body = rows[start + 1:] if has_header else rows[start:]
    ctx.inverted_names = _names_are_inverted(body, plan.sources.get("author", []))
    records = [_build_record(n, raw, ctx) for n, raw in enumerate(body, start=1) if raw.filled]
    if not records:
        warnings.append(_file_warning(path, "no-records", "the file has a header row but no records"))
    return DataSet(path=path, records=records, columns=headers, mapping=plan.mapping,
                   encoding=decoded.encoding, delimiter=delimiter, warnings=warnings)
