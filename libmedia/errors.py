"""Errors raised by libmedia: exceptions that carry :class:`Diagnostic` s.

Every error a user can cause (bad data, a bad template, a missing font, an
unreadable image) is a :class:`LibmediaError`.  It carries one diagnostic
(:attr:`LibmediaError.diagnostic`: message, location, hint; its ``code`` is
the error's kind, ``data``, ``template``...) or, for a :class:`ProblemList`,
every problem found in one pass (all bad rows of a file, all invalid
attributes of a template), so a user fixes everything at once instead of one
problem per run.

Errors are never edited after they are raised: to add the row or the file a
problem was found in, raise a new one with :meth:`LibmediaError.located`
(``raise exc.located(file, row) from exc``).

The library never prints or exits; the CLI turns these into messages and
exit codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .diagnostics import ERROR, Diagnostic, Location, display_path

__all__ = ["LibmediaError", "DataError", "TemplateError", "FontError", "ImageError",
           "FormatError", "BrandError", "OutputError", "VideoError", "InternalError", "ProblemList",
           "Diagnostic", "Location", "display_path"]


class LibmediaError(Exception):
    """Base of every error a user can cause.

    ``kind`` is a short stable name (``data``, ``template``, ``font``,
    ``image``, ``format``, ``brand``, ``output``, ``internal``): the class's,
    used as the diagnostic's ``code`` unless ``code`` is given.
    """

    kind = "error"

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None,
                 code: str | None = None):
        super().__init__(message)
        self._diagnostics: tuple[Diagnostic, ...] = (
            Diagnostic(ERROR, code or self.kind, message, location or Location(), hint),)

    @classmethod
    def from_diagnostic(cls, diagnostic: Diagnostic) -> LibmediaError:
        """An error of this class carrying ``diagnostic``."""
        err = cls.__new__(cls)
        Exception.__init__(err, diagnostic.message)
        err._diagnostics = (diagnostic,)
        return err

    @property
    def diagnostic(self) -> Diagnostic:
        """The (first) diagnostic this error carries."""
        return self._diagnostics[0]

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every diagnostic this error carries, in the order found."""
        return self._diagnostics

    @property
    def message(self) -> str:
        return self.diagnostic.message

    @property
    def location(self) -> Location:
        return self.diagnostic.location

    @property
    def hint(self) -> str | None:
        return self.diagnostic.hint

    @property
    def code(self) -> str:
        return self.diagnostic.code

    def located(self, file: str | None = None, row: int | None = None) -> LibmediaError:
        """A new error of the same class with ``file`` and ``row`` filled in
        where the location has none; ``self`` when nothing changes."""
        d = self.diagnostic.at(file, row)
        return self if d == self.diagnostic else self.replace(location=d.location)

    def replace(self, **changes) -> LibmediaError:
        """A new error of the same class whose diagnostic has ``changes``
        (``message``, ``location``, ``hint``, ``code``)."""
        return type(self).from_diagnostic(replace(self.diagnostic, **changes))

    def __str__(self) -> str:
        text = str(self.diagnostic)
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_dict(self) -> dict:
        """A JSON-ready description, as written to ``manifest.json``."""
        return self.diagnostic.to_dict()


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


class OutputError(LibmediaError):
    """An output file cannot be written (the folder is read-only, the disk is full)."""

    kind = "output"


class VideoError(LibmediaError):
    """A video could not be encoded or read (ffmpeg failed; the message ends
    with the tail of ffmpeg's own error output), or a music file is unusable."""

    kind = "video"


class InternalError(LibmediaError):
    """A bug in libmedia met while rendering (the original exception is the ``__cause__``)."""

    kind = "internal"


class ProblemList(LibmediaError):
    """Several problems found in one pass, raised together.

    ``problems`` holds the individual errors in the order they were found;
    :attr:`diagnostics` all their diagnostics.  ``kind`` is that of the
    first problem; ``summary`` (default "N problems found") is the message.
    """

    def __init__(self, problems: Sequence[LibmediaError], summary: str | None = None):
        if not problems:
            raise ValueError("ProblemList needs at least one problem")
        n = len(problems)
        summary = summary or f"{n} problem{'s' if n != 1 else ''} found"
        Exception.__init__(self, summary)
        self.problems: tuple[LibmediaError, ...] = tuple(problems)
        self.kind = problems[0].kind
        self.summary = summary
        self._diagnostics = tuple(d for p in problems for d in p.diagnostics)

    @classmethod
    def of(cls, problems: Sequence[LibmediaError], summary: str | None = None) -> LibmediaError:
        """One error for ``problems``: the problem itself when there is one
        and no summary, else a :class:`ProblemList`."""
        if len(problems) == 1 and summary is None:
            return problems[0]
        return cls(problems, summary)

    @property
    def message(self) -> str:
        return self.summary

    @property
    def location(self) -> Location:
        return self.problems[0].location if len(self.problems) == 1 else Location()

    @property
    def hint(self) -> str | None:
        return None

    def located(self, file: str | None = None, row: int | None = None) -> LibmediaError:
        return ProblemList([p.located(file, row) for p in self.problems], self.summary)

    def __str__(self) -> str:
        lines = [self.summary + ":"]
        for p in self.problems:
            for i, part in enumerate(str(p).splitlines()):
                lines.append(("  - " if i == 0 else "    ") + part)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"severity": ERROR, "code": self.kind, "message": self.summary,
                "problems": [p.to_dict() for p in self.problems]}
