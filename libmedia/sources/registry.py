"""The data-file readers libmedia has, and which one reads a given file.

``read_records(path, **options) -> DataSet`` reads the file's first
:data:`~base.HEAD_BYTES` bytes, asks every registered :class:`~base.Source`
to sniff them, and hands the file to the most confident one; equal
confidence goes to a source that claims the file's extension, then to the
one registered first.  A source whose sniff returns 0 is never picked, so
content decides first and the extension only breaks ties.  When no source
takes the file, :class:`DataError` names the file, says what it is (from
:mod:`libmedia.sources.sniff`: an Excel workbook, a PDF, MARC...), how to get
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
from .normalize import tidy_dataset
from .sniff import describe
from .tomlfile import TOML

SOURCES: list[Source] = [
    CSV,
    TOML,
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
    folder, unreadable, empty or in no format a source reads, and whatever
    the chosen source raises."""
    head = read_head(path, extensions())
    if is_blank(head) and path.stat().st_size <= len(head):
        raise empty_file_error(path)
    return tidy_dataset(choose(path, head).read(path, **options))
