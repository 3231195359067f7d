"""The data-file readers libmedia has, and which one reads a given file.

``read_records(path, **options) -> DataSet`` reads the file's first
:data:`~base.HEAD_BYTES` bytes, asks every registered :class:`~base.Source`
to sniff them, and hands the file to the most confident one; equal
confidence goes to a source that claims the file's extension, then to the
one registered first.  A source whose sniff returns 0 is never picked, so
content decides first and the extension only breaks ties.  When no source
takes the file, :class:`DataError` names the file, says what it is (from
:mod:`libmedia.sources.sniff`: a PDF, MARC, an SQL dump...), how to get
a file libmedia reads from it, and lists the formats read.

To add a reader: one module (``xlsx.py`` defining ``XLSX``, an object with
the :class:`~base.Source` attributes) and one line in :data:`SOURCES`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import DataSet
from .base import Source, confidence, data_error, empty_file_error, is_blank, read_head
from .csvfile import CSV
from .htmltable import HTML_TABLE
from .jsonfile import JSON
from .marc import MARC
from .normalize import tidy_dataset
from .ods import ODS
from .sniff import describe
from .tomlfile import TOML
from .xls import XLS
from .xlsx import XLSX

SOURCES: list[Source] = [
    CSV,
    TOML,
    JSON,
    MARC,
    XLSX,
    XLS,
    ODS,
    HTML_TABLE,
]
"""Registered readers, in order of preference on a tie."""


def register(source: Source) -> None:
    """Add ``source`` after the registered ones (``ValueError`` if its name
    is taken)."""
    if any(s.name == source.name for s in SOURCES):
        raise ValueError(f"a source named {source.name!r} is registered already")
    SOURCES.append(source)


def unregister(source: Source) -> None:
    """Remove ``source`` (``ValueError`` if it is not registered)."""
    SOURCES.remove(source)


def extensions() -> tuple[str, ...]:
    """Every extension a registered source claims, in registry order."""
    return tuple(dict.fromkeys(ext for s in SOURCES for ext in s.extensions))


def formats_read() -> str:
    """The formats libmedia reads, for messages:
    ``"CSV or TSV text (.csv, .tsv, .txt)"``, joined with ``"; "``."""
    return "; ".join(f"{s.label} ({', '.join(s.extensions)})" for s in SOURCES)


def choose(path: Path, head: bytes) -> Source:
    """The source to read ``path``, whose first bytes are ``head``.

    Raises :class:`DataError` when every source's sniff is 0: the message
    says what the file is, the hint how to get one libmedia reads and which
    formats it reads.
    """
    suffix = path.suffix.lower()
    best: Source | None = None
    best_key = (0.0, False)
    for source in SOURCES:
        key = (confidence(source.sniff(path, head)), suffix in source.extensions)
        if key[0] > 0 and key > best_key:
            best, best_key = source, key
    if best is not None:
        return best
    kind = describe(head)
    what = kind.description if kind else "a file in a format libmedia does not know"
    hint = kind.hint if kind else "export the data as CSV"
    raise data_error(path, f"this is {what}, which libmedia cannot read",
                     f"{hint}. libmedia reads: {formats_read()}")


def read_records(path: Path, **options: Any) -> DataSet:
    """Read ``path`` with the source :func:`choose` picks, passing
    ``options`` on, then the dataset-level cleaning
    (:func:`normalize.tidy_dataset`: repeated columns, copies of one book
    merged).  Raises :class:`DataError` when the file is missing, a
    folder, unreadable, empty or in no format a source reads, when an
    option is one the chosen source does not take (its ``takes_options``
    attribute, if it has one, lists those it takes: ``("sheet",)``; a source
    without it gets every option), and whatever the chosen source raises."""
    head = read_head(path, extensions())
    if is_blank(head) and path.stat().st_size <= len(head):
        raise empty_file_error(path)
    source = choose(path, head)
    takes = getattr(source, "takes_options", None)
    unknown = sorted(set(options) - set(takes)) if takes is not None else []
    if unknown:
        given = ", ".join(f"--{name}" for name in unknown)
        raise data_error(path, f"{given} does not apply to this file: it is read as "
                               f"{source.label}, which has no such part",
                         f"leave out {given} (it is for workbooks: .xlsx, .xls)"
                         if unknown == ["sheet"] else f"leave out {given}")
    return tidy_dataset(source.read(path, **options))
