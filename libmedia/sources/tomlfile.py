"""The TOML reader: small hand-written data files (a service notice, a few events).

``read_toml(path) -> DataSet``, also registered as the :class:`Source`
:data:`TOML`.  Staff who write one notice by hand find a spreadsheet
clumsy; TOML (https://toml.io, read by the standard library's
:mod:`tomllib`) is a text file with one ``key = value`` a line::

    # pengumuman.toml
    [[pengumuman]]
    jenis = "jam buka"
    judul = "Jam layanan baru"
    tanggal = 2025-09-01
    jam_buka = [
      { days = "Senin–Kamis", time = "08.00–16.00" },
      { days = "Jumat", time = "08.00–11.00, 13.30–16.00", changed = true },
      { days = "Minggu", closed = true },
    ]

Which tables are records
    The one top-level array of tables (``[[pengumuman]]``, ``[[notice]]``,
    ``[[event]]``... any name) holds the records, one per table; the
    top-level ``key = value`` pairs outside it apply to every record (a
    record's own value wins).  A file with no array of tables is one record:
    its one ``[table]`` (``[pengumuman]``) if it has exactly one, else its
    top-level table.  Two arrays of tables are ambiguous: an error
    naming both.  An array of tables whose key names opening hours
    (``hours``, ``jam buka``...) is a value, never a list of records.
Values -> text (every record value is text, as from a CSV file)
    strings as written; integers and floats as written in decimal; booleans
    ``true``/``false``; dates ISO (``2025-08-17``), times ``HH:MM``,
    date-times ``2025-08-17 09:00`` (what :mod:`libmedia.eventtime` reads);
    an array of scalars joined with ``"; "`` (a multi-valued field); opening
    hours (array of tables, inline table, or text) -> the one-cell form of
    :func:`libmedia.hours.to_cell`.  Any other table as a value is an
    error naming the key.
Then
    the records go through :func:`normalize.normalize`, the same as CSV rows:
    keys are column names (``judul``, ``tanggal``, ``jam_buka``... match their
    canonical fields as headers do), values are cleaned the same way.

``Record.row`` is the record's 1-based position in the file;
``Record.line`` the line of its ``[[...]]`` header (1 for a one-record file).
A file that is not valid TOML raises :class:`DataError` naming the file and
the line (from :mod:`tomllib`'s message) with a hint.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..hours import HoursError, to_cell
from . import DataSet
from .base import (
    CERTAIN,
    LIKELY,
    NOT_MINE,
    data_error,
    empty_file_error,
    file_warning,
    is_blank,
    read_bytes,
)
from .decode import looks_binary, peek_text
from .fields import lookup_header
from .normalize import Row, normalize

TOML_HINT = ("check the line named: each line is key = value, text in double quotes "
             "(judul = \"Jam layanan baru\"), a date as 2025-08-17, a list in [ ], a record "
             "starting with [[pengumuman]]; see samples/pengumuman.toml")

_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_TABLE_HEADER = re.compile(r"^[ \t]*\[\[\s*(\"[^\"]*\"|'[^']*'|[\w.-]+)\s*\]\]", re.MULTILINE)
_KEY_LINE = re.compile(r"^[ \t]*(?:[\w-]+|\"[^\"]*\")[ \t]*=|^[ \t]*\[", re.MULTILINE)


class TomlSource:
    """TOML data files (``.toml``): records as arrays of tables."""

    name = "toml"
    label = "TOML text"
    extensions = (".toml",)
    media_types = ("application/toml",)
    """Options :meth:`read` takes: none (the registry refuses ``--sheet`` by name)."""

    def sniff(self, path: Path, head: bytes) -> float:
        """:data:`~base.CERTAIN` for a ``.toml`` file; for another name,
        0.6 (above a CSV's :data:`~base.LIKELY`) when the head is text
        whose first non-comment line is ``key = value`` or a ``[table]``
        header and the whole head parses as TOML; else
        :data:`~base.NOT_MINE`."""
        if path.suffix.lower() in self.extensions:
            return CERTAIN
        if looks_binary(head):
            return NOT_MINE
        text = peek_text(head)
        first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")),
                     "")
        if not _KEY_LINE.match(first):
            return NOT_MINE
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return NOT_MINE
        return LIKELY + 0.1

    #: reader options it takes (none: the registry refuses any with a DataError)
    read_options: tuple[str, ...] = ()

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_toml`; it takes no options (``TypeError`` if given)."""
        if options:
            raise TypeError(f"the TOML reader takes no options, got {', '.join(sorted(options))}")
        return read_toml(path)


TOML = TomlSource()
"""The TOML reader, as registered in :mod:`libmedia.sources.registry`."""


def _is_hours_key(key: str) -> bool:
    hit = lookup_header(key)
    return hit is not None and hit[0] == "hours"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _text(value: Any) -> str | None:
    """A scalar TOML value as text, ``None`` for a table or an array."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        out = value.strftime("%Y-%m-%d %H:%M")
        return out if value.second == 0 else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _cells(path: Path, table: Mapping[str, Any], row: int, line: int) -> dict[str, str]:
    """One record's values as text; :class:`DataError` naming the key for a
    value that is not text."""
    out: dict[str, str] = {}
    for key, value in table.items():
        where = f"record {row}, key {key!r}"
        if _is_hours_key(key):
            try:
                out[key] = to_cell(value)
            except HoursError as exc:
                raise data_error(path, f"{where}: {exc}", "write the hours as rows "
                                 "{ days = \"Senin–Kamis\", time = \"08.00–16.00\" } or as one "
                                 "text \"Senin–Kamis 08.00–16.00; Minggu tutup\"", line) from None
            continue
        text = _text(value)
        if text is None and isinstance(value, list) and all(_text(v) is not None for v in value):
            text = "; ".join(_text(v) or "" for v in value)
        if text is None:
            kind = "a table" if isinstance(value, dict) else "a list of tables"
            raise data_error(path, f"{where} holds {kind}, which is not a value of a record",
                             "give the key one value (text, a number, a date) or a list of "
                             "them; only the opening hours (hours, jam buka) may be a table",
                             line)
        out[key] = text
    return out


def _header_lines(text: str, key: str) -> list[int]:
    """1-based lines of the ``[[key]]`` headers in ``text``."""
    lines = []
    for m in _TABLE_HEADER.finditer(text):
        name = m.group(1).strip("\"'")
        if name == key:
            lines.append(text.count("\n", 0, m.start()) + 1)
    return lines


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise data_error(path, "a TOML file must be UTF-8 text, and this one is not",
                         "save it again as UTF-8 (in Notepad: Save As > Encoding: UTF-8)",
                         line) from None
    return text.removeprefix("\ufeff")


def read_toml(path: Path) -> DataSet:
    """Read a TOML data file into a :class:`DataSet` (rules in the module
    docstring).  Returns its records in file order with canonical fields.

    Raises :class:`DataError` naming the file (and the line where one is to
    blame) when it is missing, empty, not UTF-8, not valid TOML (the message
    is :mod:`tomllib`'s, with its line), has two arrays of tables, or holds a
    table where a record needs a value.
    """
    path = Path(path)
    data = read_bytes(path, TOML.extensions)
    if is_blank(data):
        raise empty_file_error(path)
    text = _decode(path, data)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _LINE.search(str(exc))
        message = _LINE.sub("", str(exc)).strip()
        raise data_error(path, f"this is not valid TOML: {message}", TOML_HINT,
                         int(m.group(1)) if m else None) from None
    arrays = [k for k, v in doc.items() if _is_table_array(v) and not _is_hours_key(k)]
    if len(arrays) > 1:
        raise data_error(path, "the file has two lists of records: "
                         + " and ".join(f"[[{k}]]" for k in arrays),
                         "put every record under one name, e.g. [[pengumuman]]")
    if arrays:
        key = arrays[0]
        shared = {k: v for k, v in doc.items() if k != key}
        lines = _header_lines(text, key)
        tables = [{**shared, **t} for t in doc[key]]
    elif len(single := [k for k, v in doc.items() if isinstance(v, dict) and not _is_hours_key(k)]) == 1:
        key = single[0]
        m = re.search(r"^[ \t]*\[[ \t]*" + re.escape(key) + r"\s*\]", text, re.MULTILINE)
        lines = [text.count("\n", 0, m.start()) + 1 if m else 1]
        tables = [{**{k: v for k, v in doc.items() if k != key}, **doc[key]}]
    else:
        first_key = _KEY_LINE.search(text)
        lines = [text.count("\n", 0, first_key.start()) + 1 if first_key else 1]
        tables = [doc] if doc else []
    rows: list[Row] = []
    for n, table in enumerate(tables, 1):
        line = lines[n - 1] if n - 1 < len(lines) else 1
        rows.append(Row(n, line, _cells(path, table, n, line)))
    table = normalize(path, [], rows)
    warnings = []
    if not table.records:
        warnings.append(file_warning(path, "no-records", "the file holds no records"))
    return DataSet(path=path, records=table.records, columns=table.headers,
                   mapping=table.plan.mapping, encoding="utf-8", delimiter="",
                   warnings=warnings, reader=TOML.name)
