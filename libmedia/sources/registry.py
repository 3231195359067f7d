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
the :class:`~base.Source` attributes) and one line in :data:`SOURCES`.  A
reader lists the options it takes (``libmedia batch --from``) in a
``read_options`` attribute (``()`` for none); any other option given for its
file is refused with a :class:`DataError` (:data:`OPTION_FLAGS` names their
flags).  A reader without the attribute gets every option given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import DataSet
from .base import Source, confidence, data_error, empty_file_error, is_blank, read_head
from .csvfile import CSV
from .htmltable import HTML_TABLE
from .ics import ICS
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
    ICS,
]
"""Registered readers, in order of preference on a tie."""


#: The command-line flag of each reader option, for messages.
OPTION_FLAGS: dict[str, str] = {"date_from": "--from", "date_to": "--to", "sheet": "--sheet"}


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
    ``options`` on (those that are not None; a source takes the options its
    ``read_options`` attribute names: a workbook's ``sheet``, a calendar's
    ``date_from``), then the dataset-level cleaning
    (:func:`normalize.tidy_dataset`: repeated columns, copies of one book
    merged).  Raises :class:`DataError` when the file is missing, a
    folder, unreadable, empty or in no format a source reads, when an
    option is given that the chosen source does not take, and whatever the
    chosen source raises."""
    head = read_head(path, extensions())
    if is_blank(head) and path.stat().st_size <= len(head):
        raise empty_file_error(path)
    source = choose(path, head)
    given = {k: v for k, v in options.items() if v is not None}
    takes = getattr(source, "read_options", None)  # None: the source sorts its options out itself
    unknown = [] if takes is None else sorted(set(given) - set(takes))
    if unknown:
        flags = ", ".join(OPTION_FLAGS.get(k, k) for k in unknown)
        raise data_error(path, f"{flags} cannot be used with this file: it is read as "
                         f"{source.label}, which has no such choice",
                         "leave the option out; it is for other kinds of data file")
    return tidy_dataset(source.read(path, **given))
