"""What every data-file reader is, and the file handling they share.

A reader is a :class:`Source`: it says how sure it is that some bytes are its
format (``sniff(path, head) -> confidence``) and turns a file into a
:class:`~libmedia.sources.DataSet` (``read(path, **options)``).  The registry
(:mod:`libmedia.sources.registry`) asks every registered source to sniff the
first :data:`HEAD_BYTES` bytes of a file and calls the most confident one.

Also here, for every reader: :func:`read_bytes` / :func:`read_head` (the
file's bytes, with a :class:`DataError` naming the file when it is missing, a
folder or unreadable), :func:`is_blank` / :func:`empty_file_error`, and the
two ways a reader reports a file-level problem (:func:`data_error`,
:func:`file_warning`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import DataError, Diagnostic, Location, display_path
from . import DataSet

HEAD_BYTES = 64 * 1024
"""Bytes of a file given to :meth:`Source.sniff` (64 KiB)."""

#: Confidence scale of :meth:`Source.sniff`.
CERTAIN = 1.0
"""The bytes identify the format (a signature: ``PK`` + ``xl/``, ``BEGIN:VCALENDAR``)."""
LIKELY = 0.5
"""The bytes parse as the format (a CSV head with a consistent separator)."""
POSSIBLE = 0.2
"""Nothing contradicts the format (any text is a possible one-column CSV)."""
NOT_MINE = 0.0
"""The bytes cannot be this format; the source is never picked for the file."""


@runtime_checkable
class Source(Protocol):
    """A reader of one data-file format.

    ``name``         short stable name (``"csv"``, later ``"xlsx"``), stored
                     in :attr:`DataSet.reader`;
    ``label``        the format as a user knows it (``"CSV or TSV text"``),
                     used in the message listing the formats libmedia reads;
    ``extensions``   file-name endings it claims, lower case with the dot
                     (``(".csv", ".tsv", ".txt")``); they break ties between
                     sources whose sniffs are equally confident;
    ``media_types``  IANA media types it claims (``("text/csv",)``).
    """

    name: str
    label: str
    extensions: tuple[str, ...]
    media_types: tuple[str, ...]

    def sniff(self, path: Path, head: bytes) -> float | bool:
        """How sure the source is that the file is its format, from its
        first :data:`HEAD_BYTES` bytes (fewer for a smaller file): a number
        from :data:`NOT_MINE` (0.0) to :data:`CERTAIN` (1.0), or a bool
        (``True`` = 1.0).  ``path`` is for its extension only; sniffing never
        reads the file and never raises on odd bytes."""
        ...

    def read(self, path: Path, **options: Any) -> DataSet:
        """The whole file as a :class:`DataSet`.  Raises :class:`DataError`
        naming the file (and the row to blame, if one is) when the file
        cannot be read at all; a bad row becomes a record warning."""
        ...


def confidence(value: float | bool) -> float:
    """A sniff result as a number from 0.0 to 1.0 (``True`` -> 1.0, clamped)."""
    return min(max(float(value), NOT_MINE), CERTAIN)


def data_error(path: Path, message: str, hint: str, line: int | None = None) -> DataError:
    """A :class:`DataError` about the file ``path`` (and its ``line``)."""
    return DataError(message, Location(file=display_path(path), line=line), hint)


def file_warning(path: Path, code: str, message: str) -> Diagnostic:
    """A warning about the whole file ``path`` (an encoding guessed...)."""
    return Diagnostic.warning(message, Location(file=display_path(path)), code)


def _check_file(path: Path, extensions: tuple[str, ...]) -> None:
    """:class:`DataError` when ``path`` is missing or a folder; the hint for
    a missing file lists the folder's files ending in ``extensions``."""
    if not path.exists():
        folder = path.parent
        if folder.is_dir():
            near = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in extensions)
            listed = ", ".join(near[:8]) if near else "none"
            hint = f"check the file name; data files in {display_path(folder)}: {listed}"
        else:
            hint = f"the folder {display_path(folder)} does not exist either; check the path"
        raise data_error(path, "file not found", hint)
    if path.is_dir():
        raise data_error(path, "this is a folder, not a data file",
                         "give the path of a .csv file")


def _unreadable(path: Path, exc: OSError) -> DataError:
    return data_error(path, f"cannot read the file ({exc.strerror})",
                      "check that you may read it and that no program locks it")


def read_bytes(path: Path, extensions: tuple[str, ...]) -> bytes:
    """All bytes of ``path``.  Raises :class:`DataError` when it is missing
    (the hint lists the data files beside it: names ending in
    ``extensions``), a folder, or unreadable."""
    _check_file(path, extensions)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def read_head(path: Path, extensions: tuple[str, ...], size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of ``path``, with the errors of :func:`read_bytes`."""
    _check_file(path, extensions)
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def empty_file_error(path: Path) -> DataError:
    """The :class:`DataError` for a file with no text (see :func:`is_blank`)."""
    return data_error(path, "the file is empty", "export the data again; the file has no text")


def is_blank(data: bytes) -> bool:
    """True when ``data`` holds no text: nothing but spaces, line breaks,
    byte-order marks and NUL bytes (an empty UTF-16 file)."""
    return not data.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00")
