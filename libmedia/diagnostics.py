"""One shape for every problem libmedia reports: :class:`Diagnostic`.

A diagnostic is what a user reads: its ``severity`` (``error`` stops the
render it belongs to, ``warning`` does not, ``info`` is a note such as an
encoding that had to be guessed), a short stable ``code`` (``data``,
``template``, ``upscaled``, ``cover-missing``...) that the manifest and tests
key on, a one-sentence ``message``, a :class:`Location` (file, template
line, data row, field) and a ``hint`` that says how to fix it.

Errors are exceptions that *carry* diagnostics
(:class:`libmedia.errors.LibmediaError`); warnings are diagnostics returned
beside a result.  Both are frozen: code that adds a row or a file to a
problem makes a new diagnostic (:meth:`Diagnostic.at`), so nothing is
edited after it has been raised or reported.

The library never prints; :func:`format_diagnostic` gives the text the CLI
prints, in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Location:
    """Where a problem is.  Every part is optional.

    ``line`` and ``column`` are 1-based positions in a text file (a
    template); ``row`` is the record's row as the user's own tool shows it
    (:attr:`libmedia.sources.Record.row`: a CSV's spreadsheet row, header
    counted, so a plain CSV's first record is row 2); ``field`` is the template's field name (``isbn``) and
    ``header`` the data file's own column header when it differs
    (``ISBN13``); ``sheet`` the workbook sheet the row is on.

    ``box`` is where on the drawn page the problem shows, (x, y, width,
    height) in px of the format's canvas, set by the lint stage for the
    fragment at fault (the live preview outlines it).  It is not part of a
    location's identity (two formats' same warning stays one) nor of its
    :meth:`to_dict` (the manifest names rows, not pixels).
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    row: int | None = None
    field: str | None = None
    header: str | None = None
    sheet: str | None = None
    box: tuple[int, int, int, int] | None = dataclasses.field(default=None, compare=False)

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'"
                         + (f' (column "{self.header}")' if self.header else ""))
        return ", ".join(parts)

    def to_dict(self) -> dict:
        """The non-empty parts, for the batch manifest (JSON)."""
        return {k: v for k, v in self.__dict__.items() if v is not None and k != "box"}

    def filled(self, file: str | None = None, row: int | None = None) -> Location:
        """This location with ``file`` and ``row`` filled in where it has none
        (a row found while rendering a record gets that record's file and row)."""
        return replace(self, file=self.file or file,
                       row=self.row if self.row is not None else (row or None))


@dataclass(frozen=True)
class Diagnostic:
    """One problem: severity, stable code, message, where, and how to fix it.

    ``severity`` is one of :data:`SEVERITIES`; ``code`` a short stable name
    used by the manifest and tests; ``message`` one sentence without the
    location; ``hint`` a sentence saying what to do, or None.
    """

    severity: str
    code: str
    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @classmethod
    def warning(cls, message: str, location: Location | None = None, code: str = "warning",
                hint: str | None = None) -> Diagnostic:
        """A warning: the render goes on with something missing or substituted."""
        return cls(WARNING, code, message, location or Location(), hint)

    @classmethod
    def error(cls, message: str, location: Location | None = None, code: str = "error",
              hint: str | None = None) -> Diagnostic:
        """An error diagnostic (to raise it, wrap it in a ``LibmediaError``)."""
        return cls(ERROR, code, message, location or Location(), hint)

    def at(self, file: str | None = None, row: int | None = None) -> Diagnostic:
        """This diagnostic with ``file`` and ``row`` filled in where its
        location has none (see :meth:`Location.filled`)."""
        loc = self.location.filled(file, row)
        return self if loc == self.location else replace(self, location=loc)

    def prefixed(self, prefix: str) -> Diagnostic:
        """This diagnostic with ``prefix`` before its message
        (``instagram-story: text shortened...``)."""
        return replace(self, message=f"{prefix}{self.message}")

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        """A JSON-ready description, as written to ``manifest.json``:
        ``severity``, ``code``, ``message`` and, when set, ``location``
        (its non-empty parts) and ``hint``."""
        out: dict = {"severity": self.severity, "code": self.code, "message": self.message}
        loc = self.location.to_dict()
        if loc:
            out["location"] = loc
        if self.hint:
            out["hint"] = self.hint
        return out


def format_diagnostic(d: Diagnostic, prefix: str | None = None) -> list[str]:
    """``d`` as the lines the CLI prints: ``PREFIX MESSAGE``, then
    ``  where: LOCATION`` and ``  hint: HINT`` when known.  ``prefix``
    defaults to the severity (``error: ``, ``warning: ``)."""
    lines = [(f"{d.severity}: " if prefix is None else prefix) + d.message]
    where = str(d.location)
    if where:
        lines.append(f"  where: {where}")
    if d.hint:
        lines.append(f"  hint: {d.hint}")
    return lines


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` in order, each equal one once."""
    out: list[Diagnostic] = []
    for d in diagnostics:
        if d not in out:
            out.append(d)
    return out


def merge_formats(per_format: Sequence[tuple[str, Sequence[Diagnostic]]]) -> list[Diagnostic]:
    """One render task's diagnostics over its output formats: those every
    format has, once; the others with the format's name in front
    (``instagram-story: text shortened...``)."""
    if not per_format:
        return []
    common = unique(d for d in per_format[0][1] if all(d in ds for _, ds in per_format))
    out = list(common)
    for name, ds in per_format:
        for d in ds:
            tagged = d.prefixed(f"{name}: ")
            if d not in common and tagged not in out:
                out.append(tagged)
    return out


def display_path(path: str | Path) -> str:
    """A path as a user should read it in a message: relative to the working
    directory when it lies below it, else absolute."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
