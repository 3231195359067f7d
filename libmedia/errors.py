"""Errors raised by libmedia, each with a location and a hint.

Every error a user can cause (bad data, a bad template, a missing font, an
unreadable image) is a :class:`LibmediaError`.  It carries:

* ``message``  -- what is wrong, in one sentence;
* ``location`` -- where: a :class:`Location` (file, line, row, column, field);
* ``hint``     -- how to fix it.

Errors that collect several problems (all bad rows of a file, all invalid
attributes of a template) are raised once as a :class:`ProblemList`, so a
user fixes everything in one pass instead of one problem per run.

The library never prints or exits; the CLI turns these into messages and
exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where a problem is.  Every part is optional.

    ``line`` and ``column`` are 1-based positions in a text file (a
    template); ``row`` is the 1-based record number in a data file, counted
    after the header the way a spreadsheet user counts rows (the first data
    row is row 1); ``field`` is a column or field name.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def to_dict(self) -> dict:
        """The non-empty parts, for the batch manifest (JSON)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


class LibmediaError(Exception):
    """Base of every error a user can cause.

    ``kind`` is a short stable name (``data``, ``template``, ``font``,
    ``image``, ``format``, ``brand``) used in the batch manifest.
    """

    kind = "error"

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_dict(self) -> dict:
        """A JSON-ready description, as written to ``manifest.json``."""
        out = {"kind": self.kind, "message": self.message}
        loc = self.location.to_dict()
        if loc:
            out["location"] = loc
        if self.hint:
            out["hint"] = self.hint
        return out


class DataError(LibmediaError):
    """A data file (CSV...) cannot be read, or a record lacks what a template needs."""

    kind = "data"


class TemplateError(LibmediaError):
    """A template folder, its ``template.toml`` or its markup is invalid."""

    kind = "template"


class FontError(LibmediaError):
    """A font family cannot be resolved, or no font covers a character."""

    kind = "font"


class ImageError(LibmediaError):
    """An image file is missing, unreadable, too large (decompression bomb)..."""

    kind = "image"


class FormatError(LibmediaError):
    """An unknown output format name."""

    kind = "format"


class BrandError(LibmediaError):
    """The brand kit (``libmedia.toml``) is invalid."""

    kind = "brand"


@dataclass
class Warning_:
    """A problem that did not stop a render (an upscaled cover, a guessed encoding).

    Named with a trailing underscore so it never shadows the builtin.
    """

    message: str
    location: Location = field(default_factory=Location)
    code: str = "warning"

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        out = {"code": self.code, "message": self.message}
        loc = self.location.to_dict()
        if loc:
            out["location"] = loc
        return out


Warning = Warning_  # noqa: A001 - the public name inside libmedia.errors


class ProblemList(LibmediaError):
    """Several problems found in one pass, raised together.

    ``problems`` holds the individual errors in the order they were found.
    The ``kind`` is that of the first problem.
    """

    def __init__(self, problems: list[LibmediaError], summary: str | None = None):
        if not problems:
            raise ValueError("ProblemList needs at least one problem")
        self.problems = list(problems)
        self.kind = problems[0].kind
        n = len(problems)
        summary = summary or f"{n} problem{'s' if n != 1 else ''} found"
        super().__init__(summary, problems[0].location if n == 1 else Location())

    def __str__(self) -> str:
        lines = [self.message + ":"]
        for p in self.problems:
            for i, part in enumerate(str(p).splitlines()):
                lines.append(("  - " if i == 0 else "    ") + part)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "problems": [p.to_dict() for p in self.problems],
        }


def display_path(path: str | Path) -> str:
    """A path as a user should read it in a message: relative to the working
    directory when it lies below it, else absolute."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
