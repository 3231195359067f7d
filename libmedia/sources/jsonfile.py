"""The JSON reader: a list of records exported by a web app, an API or a script.

``read_json(path) -> DataSet``, also registered as the :class:`Source`
:data:`JSON`.  JSON is RFC 8259; JSON Lines (``.jsonl``, ``.ndjson``) is one
JSON object a line (https://jsonlines.org).

Which values are the records
    * a list of objects: ``[{"title": ...}, {...}]``;
    * an object holding one list of objects: ``{"data": [...]}``,
      ``{"books": [...], "count": 2}`` (the other keys are metadata and not
      read); the list may sit one object deeper
      (``{"response": {"docs": [...]}}``, as Solr answers).  Two or more
      lists of objects at the same depth: :class:`DataError` naming them;
    * an object with no list of objects: one record;
    * a table as lists, the first one its header (``[["title", "author"],
      ["Bumi", "Tere Liye"]]``, as spreadsheet APIs answer): each list
      after the header a record; its row is its position in the list, the
      header being 1 (as a spreadsheet counts);
    * JSON Lines: each non-blank line one object.  A line that is not valid
      JSON, or not an object, is that record's problem (a file warning
      naming its line and the parser's message); the other lines go on.
Values -> text (every record value is text, as from a CSV file)
    strings as they are; numbers as the JSON text writes them (an ISBN
    ``9789793062792`` stays those digits; a year ``2008.0`` is left to
    :func:`fields.normalise_year`, which gives ``2008``); ``true`` /
    ``false``; ``null`` and ``NaN`` -> empty; a list of values -> the values
    joined with ``"; "`` (a multi-valued field: ``"authors": ["A", "B"]``);
    a nested object -> its keys flattened with a dot
    (``{"publisher": {"name": "X"}}`` -> ``publisher.name``); a list holding
    objects or lists cannot be a value: the key is left out with a warning
    on that record.
Keys -> fields
    a key is matched to a canonical field as a column header is
    (:func:`fields.lookup_header`; ``publisher.name`` matches ``publisher
    name``); a nested key that matches nothing by its full name is matched by
    its last part (``volumeInfo.title`` -> ``title``) when no other key
    names that field.  Then every record goes through
    :func:`normalize.normalize`, the same as CSV rows.

``Record.row`` is the object's 1-based position in its list (the line's
position among the non-blank lines of JSON Lines); ``Record.line`` the line
where the object starts.

Encoding: UTF-8 (a BOM is allowed), or UTF-16/UTF-32 with a BOM (Windows
"Unicode").  Bytes that are not UTF-8 are read with the CSV reader's
fallback (:func:`decode.decode_bytes`: Windows-1252 or a detected code page),
with a file warning.  A file that is not valid JSON raises
:class:`DataError` naming the line and column the parser stopped at.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, Location, display_path
from . import DataSet
from .base import (
    CERTAIN,
    HEAD_BYTES,
    LIKELY,
    NOT_MINE,
    data_error,
    empty_file_error,
    file_warning,
    is_blank,
    read_bytes,
)
from .decode import decode_bytes, looks_binary, peek_text
from .fields import lookup_header
from .normalize import Row, normalize

JSON_HINT = ("check the place named: JSON needs double quotes around keys and text "
             "(\"title\": \"Bumi\"), a comma between values but none after the last, and every "
             "[ and { closed; a JSON checker (jsonlint.com) shows the spot, or export the data "
             "again")
JSONL_HINT = "each line of a JSON Lines file is one complete object: {\"title\": \"Bumi\", ...}"

#: Extensions of JSON Lines files (one object a line, RFC 7464-like).
LINES_EXTENSIONS = (".jsonl", ".ndjson")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WS = " \t\n\r"
#: How deep :func:`_find_lists` looks for the list of records.
_SEARCH_DEPTH = 2


def _number(text: str) -> str:
    """A JSON number as its own text (``parse_int``/``parse_float`` hook)."""
    return text


def _constant(name: str) -> str:
    """``NaN`` (what pandas and Python write for a missing number) is empty;
    ``Infinity`` stays as written."""
    return "" if name == "NaN" else name


_DECODER = json.JSONDecoder(parse_int=_number, parse_float=_number, parse_constant=_constant)


class JsonSource:
    """JSON (``.json``) and JSON Lines (``.jsonl``, ``.ndjson``) files of records."""

    name = "json"
    label = "JSON or JSON Lines"
    extensions = (".json", *LINES_EXTENSIONS)
    media_types = ("application/json", "application/jsonl", "application/x-ndjson")
    #: reader options it takes (none: the registry refuses any with a DataError)
    read_options: tuple[str, ...] = ()

    def sniff(self, path: Path, head: bytes) -> float:
        """:data:`~base.CERTAIN` when the head's first non-space character
        is ``[`` or ``{`` and it parses as JSON (or its first complete lines
        parse as JSON objects: JSON Lines, or a head cut short); for a head
        that starts with ``[{`` / ``{"`` but does not parse (a broken file,
        so this reader names the spot), :data:`~base.LIKELY`; a ``.json``
        name starting with ``[`` or ``{`` is LIKELY too; anything else
        :data:`~base.NOT_MINE`."""
        if looks_binary(head):
            return NOT_MINE
        text = peek_text(head).lstrip(_WS + "\ufeff")
        if not text.startswith(("[", "{")):
            return NOT_MINE
        try:
            json.loads(text)
            return CERTAIN
        except (ValueError, RecursionError):
            pass
        lines = [ln for ln in text.splitlines() if ln.strip()]
        complete = lines[:-1] if len(head) >= HEAD_BYTES and len(lines) > 1 else lines
        if complete and all(_is_object_line(ln) for ln in complete[:20]):
            return CERTAIN
        if re.match(r"(\[\s*\{|\{\s*\")", text) or path.suffix.lower() in self.extensions:
            return LIKELY
        return NOT_MINE

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_json`; it takes no options (``TypeError`` if given)."""
        if options:
            raise TypeError(f"the JSON reader takes no options, got {', '.join(sorted(options))}")
        return read_json(path)


JSON = JsonSource()
"""The JSON reader, as registered in :mod:`libmedia.sources.registry`."""


def _is_object_line(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _decode(path: Path, data: bytes) -> tuple[str, str, list[Diagnostic]]:
    """``(text, encoding, warnings)``: by the BOM, else UTF-8, else the CSV
    reader's legacy fallback with a warning."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec.removesuffix("-sig")), codec, []
            except UnicodeDecodeError as exc:
                raise data_error(path, f"the file starts with a {codec} byte-order mark but byte "
                                 f"{exc.start + len(bom)} is not {codec}",
                                 "save it again as UTF-8") from None
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        decoded = decode_bytes(data, path)
        note = (f"the file is not UTF-8, as JSON must be: read as {decoded.encoding}; check "
                "accented and non-Latin letters, and export it again as UTF-8")
        return decoded.text, decoded.encoding, [file_warning(path, "encoding", note)]


def _syntax_error(path: Path, exc: json.JSONDecodeError, hint: str = JSON_HINT) -> Exception:
    return data_error(path, f"this is not valid JSON: {exc.msg} (line {exc.lineno}, column "
                      f"{exc.colno})", hint, exc.lineno)


def _parse(path: Path, text: str) -> Any:
    """The whole document; :class:`DataError` with line and column."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise _syntax_error(path, exc) from None
    except RecursionError:
        raise data_error(path, "the JSON is nested too deeply to read",
                         "export the records as a flat list of objects") from None


# --- where the records are --------------------------------------------------------------


def _is_records(value: Any) -> bool:
    """A list of records: at least half of its items are objects (the
    others are reported one by one), or a table of lists whose first list
    is all text (its header)."""
    if not isinstance(value, list) or not value:
        return False
    if all(isinstance(v, list) for v in value):  # a table: a header of text, then rows
        return bool(value[0]) and all(isinstance(h, str) for h in value[0])
    return 2 * sum(isinstance(v, dict) for v in value) >= len(value)


def _find_lists(doc: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Key paths of the lists of objects in ``doc``, from the shallowest
    depth (up to :data:`_SEARCH_DEPTH`) that has any."""
    level: list[tuple[tuple[str, ...], Mapping[str, Any]]] = [((), doc)]
    for _ in range(_SEARCH_DEPTH):
        found = [(*p, k) for p, obj in level for k, v in obj.items() if _is_records(v)]
        if found:
            return found
        level = [((*p, k), v) for p, obj in level for k, v in obj.items() if isinstance(v, dict)]
    return []


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _value_at(text: str, key_path: tuple[str, ...]) -> int:
    """Offset in ``text`` (a valid JSON document) of the value at
    ``key_path`` (a key repeated in one object: its last value, as the
    parser keeps)."""
    i = _skip(text, 0)
    for key in key_path:
        i = _skip(text, i + 1)  # past "{"
        found = -1
        while text[i] != "}":
            name, i = _DECODER.raw_decode(text, i)
            i = _skip(text, _skip(text, i) + 1)  # past ":"
            if name == key:
                found = i
            _, i = _DECODER.raw_decode(text, i)
            i = _skip(text, i)
            if text[i] == ",":
                i = _skip(text, i + 1)
        i = found
    return i


def _item_offsets(text: str, start: int) -> list[int]:
    """Offsets of the items of the JSON array starting at ``start``."""
    offsets: list[int] = []
    i = _skip(text, start + 1)
    while text[i] != "]":
        offsets.append(i)
        _, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        if text[i] == ",":
            i = _skip(text, i + 1)
    return offsets


def _lines_of(text: str, offsets: list[int]) -> list[int]:
    """1-based line of each offset (ascending offsets)."""
    lines, line, last = [], 1, 0
    for off in offsets:
        line += text.count("\n", last, off)
        last = off
        lines.append(line)
    return lines


# --- values -------------------------------------------------------------------------------


def _scalar(value: Any) -> str | None:
    """A JSON scalar as text; ``None`` for an object or a list."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return None


def _flatten(obj: Mapping[str, Any], prefix: str, out: dict[str, str],
             problems: list[tuple[str, str]]) -> None:
    """``obj``'s values as text under dotted keys (rules in the module docstring)."""
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, name + ".", out, problems)
            continue
        text = _scalar(value)
        if text is None:  # a list
            items = [_scalar(v) for v in value]
            if any(t is None for t in items):
                problems.append(("json-value", f"the key {name!r} holds a list of objects or "
                                 "lists, which is not a value a post can show; it is left out "
                                 "(give it text, a number, or a list of them)"))
                continue
            text = "; ".join(t for t in items if t)
        if name in out:
            problems.append(("json-value", f"the key {name!r} is given twice; the first value is "
                             "used"))
            continue
        out[name] = text


def _rename(keys: list[str]) -> dict[str, str]:
    """Header to use for each key: a nested key that matches no field by its
    full name, but by its last part, takes that part when no other key names
    the field (``volumeInfo.title`` -> ``title``)."""
    fields = {lookup_header(k)[0] for k in keys if lookup_header(k)}
    by_field: dict[str, list[str]] = {}
    for key in keys:
        if "." in key and lookup_header(key) is None:
            last = key.rsplit(".", 1)[1]
            hit = lookup_header(last)
            if hit and hit[0] not in fields:
                by_field.setdefault(hit[0], []).append(key)
    out = {k: k for k in keys}
    for _field, names in by_field.items():
        if len(names) == 1:
            last = names[0].rsplit(".", 1)[1]
            if last not in out:
                out[names[0]] = last
    return out


def _skipped(path: Path, row: int, line: int, message: str, hint: str) -> Diagnostic:
    return Diagnostic.warning(f"record {row} (line {line}) is skipped: {message}",
                              Location(file=display_path(path), row=row, line=line),
                              "record-skipped", hint)


def _items_of_document(path: Path, text: str) -> tuple[list[tuple[int, int, Any]], str]:
    """``([(row, line, item)...], where)`` for a JSON document."""
    doc = _parse(path, text)
    if isinstance(doc, list):
        lines = _lines_of(text, _item_offsets(text, _skip(text, 0)))
        return [(n, line, item) for n, (line, item) in enumerate(zip(lines, doc, strict=True), 1)], "the list"
    if not isinstance(doc, dict):
        raise data_error(path, "this JSON holds a single value, not records",
                         "give a list of objects: [{\"title\": \"Bumi\"}, ...]")
    found = _find_lists(doc)
    if len(found) > 1:
        names = ", ".join("'" + ".".join(p) + "'" for p in found)
        raise data_error(path, f"the JSON holds several lists of records ({names}); which one "
                         "to read is not clear",
                         "keep the one list of records, or put it first alone: "
                         "{\"books\": [{...}, {...}]}")
    if not found:
        line = text.count("\n", 0, _skip(text, 0)) + 1
        return [(1, line, doc)], "the object"
    path_keys = found[0]
    value = doc
    for key in path_keys:
        value = value[key]
    lines = _lines_of(text, _item_offsets(text, _value_at(text, path_keys)))
    return [(n, line, item) for n, (line, item) in enumerate(zip(lines, value, strict=True), 1)], \
        "'" + ".".join(path_keys) + "'"


def _items_of_lines(path: Path, text: str, warnings: list[Diagnostic]
                    ) -> list[tuple[int, int, Any]]:
    """JSON Lines: ``[(row, line, object)...]``; a bad line is a warning."""
    out: list[tuple[int, int, Any]] = []
    row = 0
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        row += 1
        try:
            item = _DECODER.decode(line)
        except json.JSONDecodeError as exc:
            warnings.append(_skipped(path, row, line_no, f"this line is not valid JSON: "
                                     f"{exc.msg} (column {exc.colno})", JSONL_HINT))
            continue
        except RecursionError:
            warnings.append(_skipped(path, row, line_no, "this line is nested too deeply",
                                     JSONL_HINT))
            continue
        out.append((row, line_no, item))
    return out


def _table_items(items: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """A table written as lists (``[["title", "author"], ["Bumi", "Tere
    Liye"], ...]``, as spreadsheet APIs give it: the first list, all text,
    is the header) as objects under those names; other items unchanged.
    A repeated header name gets its column number (``"author (3)"``), a
    value past the header ``column_N``."""
    if not items or not all(isinstance(item, list) for _, _, item in items):
        return items
    header = items[0][2]
    if not header or not all(isinstance(h, str) for h in header):
        return items
    names: list[str] = []
    for col, name in enumerate(header, 1):
        name = name.strip() or f"column_{col}"
        names.append(name if name not in names else f"{name} ({col})")
    out: list[tuple[int, int, Any]] = []
    for row, line, item in items[1:]:
        out.append((row, line, {(names[i] if i < len(names) else f"column_{i + 1}"): value
                                for i, value in enumerate(item)}))
    return out


def _is_lines(path: Path, text: str) -> bool:
    """JSON Lines: the name says so, or the text is not one JSON document
    and one of its first two non-blank lines is a whole JSON object (so a
    broken line later, or the first line, does not hide the others)."""
    if path.suffix.lower() in LINES_EXTENSIONS:
        return True
    if not text.lstrip(_WS).startswith("{"):
        return False
    try:
        _DECODER.decode(text)
        return False
    except (ValueError, RecursionError):
        pass
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return len(lines) > 1 and any(_is_object_line(ln) for ln in lines[:2])


def read_json(path: Path) -> DataSet:
    """Read a JSON or JSON Lines file into a :class:`DataSet` (rules in the
    module docstring): its records in file order with canonical fields and
    per-record warnings; a JSON Lines record that cannot be read is a file
    warning (code ``record-skipped``) naming its row and line.

    Raises :class:`DataError` naming the file (and the line and column the
    parser stopped at) when it is missing, empty, not valid JSON, a single
    value, or holds several lists of records.
    """
    path = Path(path)
    data = read_bytes(path, JSON.extensions)
    if is_blank(data):
        raise empty_file_error(path)
    text, encoding, warnings = _decode(path, data)
    if _is_lines(path, text):
        items = _items_of_lines(path, text, warnings)
        where = "the file"
    else:
        items, where = _items_of_document(path, text)
        items = _table_items(items)
    rows: list[Row] = []
    for row, line, item in items:
        if not isinstance(item, dict):
            shown = json.dumps(item, ensure_ascii=False)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            warnings.append(_skipped(path, row, line, f"item {row} of {where} is {shown}, not an "
                                     "object with keys and values",
                                     "each record is an object: {\"title\": \"Bumi\", ...}"))
            continue
        cells: dict[str, str] = {}
        problems: list[tuple[str, str]] = []
        _flatten(item, "", cells, problems)
        rows.append(Row(row, line, cells, problems))
    names = _rename(list(dict.fromkeys(k for r in rows for k in r.cells)))
    for r in rows:
        r.cells = {names[k]: v for k, v in r.cells.items()}
    table = normalize(path, None, rows)
    if not table.records:
        warnings.append(file_warning(path, "no-records", "the file holds no records"))
    return DataSet(path=path, records=table.records, columns=table.headers,
                   mapping=table.plan.mapping, encoding=encoding, delimiter="",
                   warnings=warnings, reader=JSON.name)
