"""Templates from strangers: what a template may read, and the limits it runs under.

A template folder shared by another library is untrusted code.  Jinja runs
it in a sandbox (:mod:`libmedia.templating`); this module holds the rules
that sandbox and the rest of the pipeline enforce, in one place:

Files
    A template reads files only inside its own folder (its files, includes,
    ``assets/``, ``fonts/``, ``locale/``), the brand kit's (``brand:logo``)
    and the data's folder (a cover the template names, e.g.
    ``covers/{{ book.isbn }}.jpg``).  :func:`check_template_folder` refuses a
    folder holding a symbolic link that points out of it, a FIFO, a socket
    or a device file, when the template is loaded; :func:`read_template_file`
    reads one of its text files (inside, a regular file, within
    ``template-file-size``); :func:`template_path_problem` judges a file
    name a template writes (no web or ``file://`` address, no absolute path,
    no ``..``); :func:`inside` tells whether a resolved file stays inside
    the allowed folders (symbolic links followed).  A file the user's own
    data names (a cover column) is the user's choice and is not confined:
    only the template is a stranger (its ``template.toml`` sample records
    included).

Limits
    :data:`LIMITS` names every limit with its figure and why; code reads a
    figure with :func:`limit` (so a test may lower one) and raises
    :func:`limit_error`, a :class:`~libmedia.errors.TemplateError` with code
    ``template-limit`` naming the limit, the template file and line where
    known, and a hint.  The same table is in ``docs/template-safety.md``.

Render time
    :func:`deadline` runs a block under a wall-clock budget: checked
    cooperatively (:func:`check_deadline`, between stages and inside Jinja's
    loop and call budget) and, in the main thread of a process, by a
    ``SIGALRM`` timer that interrupts Python code stuck elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, ProblemList, TemplateError

__all__ = ["LIMITS", "Limit", "RenderTimeout", "check_deadline", "check_template_folder", "deadline",
           "inside", "limit", "limit_error", "read_template_file", "template_path_problem"]


@dataclass(frozen=True)
class Limit:
    """One limit: its ``name`` (as errors and docs name it), ``value`` in
    ``unit``, ``why`` it is there and what legitimate use needs, and the
    ``hint`` an error gives."""

    name: str
    value: int | float
    unit: str
    why: str
    hint: str


#: Every limit a template runs under, by name.  Figures are far above what
#: the bundled templates use (measured: see ``docs/template-safety.md``) and
#: far below what would exhaust a library's ordinary computer.
LIMITS: dict[str, Limit] = {lim.name: lim for lim in (
    Limit("template-files", 10_000, "files and folders",
          "a template folder is walked when it is loaded (symbolic links and special files "
          "refused); the bundled ones hold at most 25",
          "a template folder holds its layout, texts, assets, fonts and catalogs: move other "
          "files out of it"),
    Limit("template-file-size", 1_000_000, "bytes",
          "template.toml, the .j2 files, anything they include and the .po catalogs are read "
          "whole; the largest bundled one is 20 kB",
          "split the file, or move data out of the template into the data file"),
    Limit("template-steps", 100_000, "loop iterations and calls",
          "each rendering of a template file (layout, caption, alt text) counts every loop "
          "iteration, call and filter; nested loops over the data are bounded here (the "
          "bundled templates take at most 616; at about 10 us a step the limit is reached in "
          "about a second)",
          "a loop inside a loop over the same list multiplies: loop once, or over fewer items"),
    Limit("template-depth", 100, "levels",
          "how deep macros may call macros (a macro calling itself without an end would "
          "exhaust Python's stack); the bundled templates use 1",
          "a macro that calls itself needs a condition that stops it"),
    Limit("template-time", 5, "seconds",
          "one rendering of one template file (Jinja only); the bundled ones take under 0.2 s",
          "simplify the template's loops and macros"),
    Limit("string-length", 1_000_000, "characters",
          "the longest text a template may build ('a' * n, joins, replace, format widths); "
          "a post's text is a few thousand",
          "a post needs far less text: cut it with |cut(n) or |truncate(n)"),
    Limit("sequence-length", 100_000, "items",
          "the longest list a template may build (Jinja's own range limit, MAX_RANGE, is the "
          "same figure)",
          "build shorter lists; a post shows a few records"),
    Limit("number-digits", 1_000, "digits",
          "the largest whole number a template may compute (10 ** (10 ** 10) would take "
          "gigabytes and hours); dates and counts take a handful",
          "compute with smaller numbers"),
    Limit("markup-length", 1_000_000, "characters",
          "the layout markup one page renders to; the bundled ones render to under 10,000",
          "a page holds a few dozen elements: check the template's loops"),
    Limit("text-length", 100_000, "characters",
          "a caption or alt text as the template renders it (platforms take 2,200 to 63,206)",
          "a caption is read on a phone: keep it short, cut long fields with |cut(n)"),
    Limit("elements", 5_000, "elements",
          "elements of one page's layout (the bundled ones use at most 52); each is laid out "
          "and drawn",
          "check the template's loops: a page shows a few dozen elements"),
    Limit("nesting", 64, "levels",
          "how deep elements may be nested (the bundled layouts use at most 9); deeper nesting "
          "would exhaust the layout's stack",
          "flatten the layout: rows and columns rarely need more than a few levels"),
    Limit("element-side", 8_192, "px",
          "the width or height of any element's box, shadow included (a layer of that size is "
          "allocated to draw it); the largest post is 1920 px",
          "give the element a size within the page (a percentage, or px below the format's "
          "size)"),
    Limit("element-pixels", 16_777_216, "pixels",
          "the area of any element's box, shadow included (4096 x 4096: 64 MB to draw); a "
          "30000 x 30000 box would take 7 GB",
          "give the element a size within the page"),
    Limit("font-size", 2_048, "px",
          "a text's size (the tallest post is 1920 px)",
          "set the size below the page's height, or let fit=\"shrink\" choose it"),
    Limit("image-pixels", 89_478_485, "pixels",
          "any image file is refused above Pillow's decompression-bomb limit "
          "(Image.MAX_IMAGE_PIXELS), by libmedia.assets.load_image",
          "resize the picture to about 2000 px on its long side"),
    Limit("render-time", 60, "seconds per page",
          "wall-clock time one post may take, per page (a carousel of 10 slides has ten times "
          "as long); a page takes about a second",
          "simplify the template; if the machine is very slow, render fewer posts at once "
          "(--jobs 1)"),
)}


def limit(name: str) -> int | float:
    """The figure of limit ``name`` (:data:`LIMITS`), read at each use so a
    test may lower it.  Raises ``KeyError`` for an unknown name."""
    return LIMITS[name].value


def _figure(value: int | float) -> str:
    return f"{value:,}" if float(value).is_integer() else f"{value:g}"


def limits_table() -> str:
    """:data:`LIMITS` as a Markdown table (name, figure, why), as
    ``docs/template-safety.md`` shows it (``python -m libmedia.sandbox``
    prints it)."""
    rows = ["| limit | figure | why |", "|---|---|---|"]
    for lim in LIMITS.values():
        rows.append(f"| `{lim.name}` | {_figure(lim.value)} {lim.unit} | {lim.why} |")
    return "\n".join(rows) + "\n"


def limit_error(name: str, found: str, location: Location | None = None,
                hint: str | None = None) -> TemplateError:
    """A :class:`TemplateError` (code ``template-limit``) saying ``found``
    (what went over) and naming limit ``name`` with its figure, e.g.
    ``the layout has over 5,000 elements: over the limit 'elements' of 5,000
    elements``; ``hint`` defaults to the limit's own."""
    lim = LIMITS[name]
    return TemplateError(f"{found}: over the limit '{name}' of {_figure(lim.value)} {lim.unit}",
                         location, hint=hint or lim.hint, code="template-limit")


# ---------------------------------------------------------------------------
# files


#: The error code of a template file refused by the file rules.
FILE_RULE = "template-file"

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_WEB = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)", re.IGNORECASE)


def inside(path: str | Path, roots: Sequence[str | Path]) -> bool:
    """Whether ``path``, with every symbolic link resolved, is one of
    ``roots`` (resolved too) or below one."""
    real = os.path.realpath(path)
    for root in roots:
        r = os.path.realpath(root)
        if real == r or real.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False


def _kind(mode: int) -> str | None:
    """What a file of ``mode`` is when it is neither a regular file nor a
    folder (``a FIFO``, ``a socket``, ``a device file``), else None."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "not an ordinary file"
    return None


def _file_error(path: str | Path, message: str, hint: str, line: int | None = None) -> TemplateError:
    return TemplateError(message, Location(file=str(path), line=line), hint=hint, code=FILE_RULE)


_COPY_HINT = ("a shared template may only read files inside its own folder: copy the file into "
              "the template folder instead of linking to it")
_SPECIAL_HINT = "a template folder holds ordinary files only: remove it"


#: The text files of a template folder that are read whole (templates,
#: ``template.toml``, message catalogs): each within ``template-file-size``.
TEXT_FILES = (".j2", ".toml", ".po")


def check_template_folder(folder: str | Path) -> None:
    """Walk the template folder ``folder`` (without following symbolic
    links) and refuse it when it holds a symbolic link to a place outside
    it, a FIFO, a socket or a device file, a text file read whole
    (:data:`TEXT_FILES`) over ``template-file-size``, or more than
    ``template-files`` entries.

    Raises :class:`ProblemList` of :class:`TemplateError` (code
    ``template-file``), one per offending entry, each naming it.
    """
    root = os.path.realpath(folder)
    problems: list[TemplateError] = []
    stack = [root]
    seen = 0
    most = limit("template-files")
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > most:
                raise limit_error("template-files", f"the template folder {folder} holds over "
                                  f"{_figure(most)} files and folders", Location(file=str(folder)))
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                if not inside(entry.path, [root]):
                    target = os.readlink(entry.path)
                    problems.append(_file_error(
                        entry.path, f"{entry.name} is a symbolic link to {target}, outside the "
                        "template folder", _COPY_HINT))
                continue  # a link inside is checked where it points
            what = _kind(mode)
            if what is not None:
                problems.append(_file_error(entry.path, f"{entry.name} is {what}", _SPECIAL_HINT))
            elif stat.S_ISDIR(mode):
                stack.append(entry.path)
            elif entry.name.endswith(TEXT_FILES) and \
                    entry.stat(follow_symlinks=False).st_size > limit("template-file-size"):
                problems.append(limit_error("template-file-size", f"{entry.name} is larger than "
                                            f"{_figure(limit('template-file-size'))} bytes",
                                            Location(file=entry.path)))
    if problems:
        raise ProblemList(problems, f"the template folder {folder} holds files a template may not "
                                    "use")


def read_template_file(folder: str | Path, relative: str | Path, *,
                       where: Location | None = None) -> str:
    """The text (UTF-8) of the file ``relative`` below the template folder
    ``folder``: it must stay inside the folder once symbolic links are
    resolved, be an ordinary file (never a FIFO, which would block, or a
    device) and hold at most ``template-file-size`` bytes.

    ``where`` (the template line that asked for the file, for an include)
    is the location of the errors; by default the file itself.  Raises
    ``FileNotFoundError`` for a missing file and :class:`TemplateError`
    (code ``template-file`` or ``template-limit``) for the rest.
    """
    path = Path(folder) / relative
    loc = where or Location(file=str(path))
    if not os.path.lexists(path):
        raise FileNotFoundError(str(path))
    if not inside(path, [folder]):
        raise TemplateError(f"{relative} leads outside the template folder (to "
                            f"{os.path.realpath(path)})", loc, hint=_COPY_HINT, code=FILE_RULE)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise TemplateError(f"{relative} cannot be read: {exc.strerror}", loc,
                            hint="check the file's permissions", code=FILE_RULE) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        what = _kind(st.st_mode)
        if what is not None or stat.S_ISDIR(st.st_mode):
            raise TemplateError(f"{relative} is {what or 'a folder'}, not a text file", loc,
                                hint=_SPECIAL_HINT, code=FILE_RULE)
        most = int(limit("template-file-size"))
        data = fh.read(most + 1)
    if len(data) > most:
        raise limit_error("template-file-size", f"{relative} is larger than {_figure(most)} bytes",
                          loc)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(f"{relative} is not UTF-8 text (byte {exc.start + 1})", loc,
                            hint="save it as UTF-8 text") from None


def template_path_problem(name: str) -> tuple[str, str] | None:
    """Why a file name a template writes (an image ``src``, a
    ``background-image``, a ``music`` file) is refused, as ``(message,
    hint)``, or None when it is a relative path that stays where it is
    looked for.  Refused: web addresses (a template never fetches
    anything), ``file://`` and other addresses, absolute paths (``/...``,
    ``~``, ``C:\\``, ``\\\\server``), and ``..`` anywhere in the path.
    Where the name then leads (symbolic links) is :func:`inside`'s to tell.
    """
    text = name.strip()
    if _WEB.match(text) and not text.lower().startswith("file:"):
        return (f"'{text}' is a web address: a template cannot fetch anything",
                "use an image in the template's assets/ folder (src=\"assets/...\"), the brand "
                "logo (src=\"brand:logo\"), or a cover the data names (src=\"{{ book.cover }}\")")
    if text.lower().startswith("file:"):
        return (f"'{text}' is a file:// address: a template names files by relative paths",
                "put the file in the template's assets/ folder and write src=\"assets/NAME\"")
    if "\0" in text:
        return ("the file name holds a NUL character", "write the file name without it")
    posix = text.replace("\\", "/")
    if posix.startswith(("/", "~")) or re.match(r"^[a-zA-Z]:", text):
        return (f"'{text}' is an absolute path: a shared template may only read files in its own "
                "folder, the brand kit's and the data's",
                "put the file in the template's assets/ folder and write src=\"assets/NAME\"")
    if ".." in posix.split("/"):
        return (f"'{text}' leads out of its folder with '..': a shared template may only read "
                "files in its own folder, the brand kit's and the data's",
                "put the file in the template's assets/ folder and write src=\"assets/NAME\"")
    if _SCHEME.match(text) and not text.startswith(("brand:", "music:")):
        return (f"'{text}' is an address, not a file name", "write a relative file name")
    return None


# ---------------------------------------------------------------------------
# render time


class RenderTimeout(BaseException):  # noqa: N818 - not an Exception: no broad handler may swallow it
    """Raised by the ``SIGALRM`` timer of :func:`deadline` in whatever code
    runs when time is up; :func:`deadline` turns it into a
    :class:`TemplateError`.  A ``BaseException``, so that no
    ``except Exception`` on the way swallows it."""


#: When the render running in this context must end (``time.monotonic()``), or None.
_DEADLINE: ContextVar[float | None] = ContextVar("libmedia_render_deadline", default=None)


def current_deadline() -> float | None:
    """The monotonic time the render in progress must end by, or None."""
    return _DEADLINE.get()


def check_deadline(where: Location | None = None, stage: str = "") -> None:
    """Raise the ``render-time`` limit error when the render in progress
    is past its deadline (:func:`deadline`); nothing outside one."""
    end = _DEADLINE.get()
    if end is not None and time.monotonic() > end:
        raise limit_error("render-time", "the post took too long to render"
                          + (f" (stopped after the {stage} stage)" if stage else ""), where)


def _alarm_usable() -> bool:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return False
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None):
        return False
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0


@contextlib.contextmanager
def deadline(seconds: float, where: Location | None = None) -> Iterator[None]:
    """Run the block within ``seconds`` of wall-clock time.

    Cooperative checks (:func:`check_deadline`, and Jinja's budget in
    :mod:`libmedia.templating`) see the deadline; in the main thread of a
    process with no other ``SIGALRM`` timer, a timer also interrupts
    Python code running past it (a C call already running finishes first).
    Either way the block ends with the ``render-time``
    :class:`TemplateError` at ``where``.  Nested blocks keep the earlier
    deadline.
    """
    start = time.monotonic()
    outer = _DEADLINE.get()
    end = start + seconds if outer is None else min(outer, start + seconds)
    token = _DEADLINE.set(end)
    armed = outer is None and _alarm_usable()
    if armed:
        def _ring(signum, frame):
            raise RenderTimeout()

        signal.signal(signal.SIGALRM, _ring)
        signal.setitimer(signal.ITIMER_REAL, max(0.001, end - start))
    try:
        yield
    except RenderTimeout:
        raise limit_error("render-time", f"the post took over {_figure(seconds)} s to render",
                          where) from None
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
        _DEADLINE.reset(token)



if __name__ == "__main__":  # pragma: no cover - prints the docs' table
    print(limits_table(), end="")
