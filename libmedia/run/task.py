"""One render task: a post of one or more records, in every format of a job.

:func:`render_task` is pure: it takes a picklable :class:`RenderTask`,
returns a :class:`TaskResult` with the files as :class:`Artifact` bytes and
the diagnostics, and writes nothing, so it runs the same in this process,
in a local process pool or on a Dask worker on another machine.  Each
process loads a template, brand kit and formats once and keeps them for the
tasks that follow (:func:`_loaded`).

A task carries either local paths (``template_dir``, ``brand_path``: this
machine's pool) or a :class:`libmedia.run.bundle.Bundle` (the template
folder and brand kit as bytes), which the worker unpacks into its own cache
(``materialize``); a worker never needs the coordinator's paths for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import merge_formats
from ..errors import Diagnostic, LibmediaError, ProblemList
from ..sources import Record
from .names import codec, format_ext, image_name, media_type, sidecar_name

OK, WARNING, FAILED = "ok", "warning", "failed"

#: Artifact kinds: the post's images, its caption and alt text; a clip's
#: video, cover frame and subtitles.
IMAGE, CAPTION, ALT = "image", "caption", "alt"
VIDEO, COVER, SUBTITLES = "video", "cover", "subtitles"


@dataclass(frozen=True)
class Artifact:
    """One output file of a task.

    ``name`` the path relative to the output folder (posix, no ``..``);
    ``media_type`` e.g. ``image/png``; ``kind`` :data:`IMAGE`,
    :data:`CAPTION`, :data:`ALT`, :data:`VIDEO`, :data:`COVER` or
    :data:`SUBTITLES`; ``data`` the bytes, or ``path`` a file
    already made on this machine (large media, later); ``format`` the output
    format's name; ``page`` 1-based for a carousel page and its alt text
    (one per slide), 0 otherwise.
    """

    name: str
    media_type: str
    kind: str
    data: bytes | None = None
    path: Path | None = None
    format: str = ""
    page: int = 0


@dataclass(frozen=True)
class RenderTask:
    """What a worker needs to render one post in every format, as plain
    picklable values.

    ``index`` the task's place in the job (0-based); ``records`` the post's
    records in data order; ``kind`` ``image`` or ``carousel``;
    ``template_dir``/``brand_path`` local paths, or ``bundle`` for a remote
    worker; ``search_dirs`` folders covers resolve against; ``source`` the
    data file as shown to the user; ``stem`` the outputs' file name stem
    (:func:`~libmedia.run.names.output_stem`); ``digest`` a hash of every
    input (:func:`libmedia.jobs.task_digest`) for ``--resume``; ``files``
    the covers the records name, as bytes, for a worker on another machine
    (:func:`libmedia.jobs.record_files`; empty for local workers, which read
    them through ``search_dirs``); ``clip`` a video template's
    :class:`libmedia.motion.clip.ClipOptions`; ``language`` the job's
    (``--lang`` or the brand kit's; "": the kit's own).
    """

    index: int
    records: tuple[Record, ...]
    kind: str
    template_dir: Path | None
    brand_path: Path | None
    format_names: tuple[str, ...]
    image_ext: str
    search_dirs: tuple[Path, ...]
    source: str | None
    columns: tuple[str, ...]
    stem: str
    digest: str = ""
    bundle: Any = None
    files: tuple[tuple[str, bytes], ...] = ()
    clip: Any = None
    language: str = ""

    @property
    def row(self) -> int:
        """The first record's data row."""
        return self.records[0].row

    @property
    def rows(self) -> list[int]:
        return [r.row for r in self.records]

    @property
    def title(self) -> str:
        return self.records[0].fields.get("title", "")


@dataclass
class TaskResult:
    """The outcome of one task: ``status`` ok / warning / failed,
    ``artifacts`` the files to write (none when failed), ``warnings``,
    ``error`` the failure's :meth:`LibmediaError.to_dict`, ``kept``
    (set by the coordinator) the previous run's artifact entries kept
    because this task could not be tried (its worker died), and
    ``typography`` format name -> the lint stage's figures for the post
    (:func:`libmedia.lint.typography`: each title's lines and final size)."""

    index: int
    rows: list[int]
    title: str
    stem: str
    digest: str
    status: str
    artifacts: list[Artifact] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    error: dict | None = None
    kept: list[dict] = field(default_factory=list)
    typography: dict[str, dict] = field(default_factory=dict)

    @property
    def row(self) -> int:
        return self.rows[0]


def failed_result(task: RenderTask, error: LibmediaError,
                  warnings: Sequence[Diagnostic] = ()) -> TaskResult:
    """A ``failed`` result for ``task`` carrying ``error``."""
    return TaskResult(task.index, task.rows, task.title, task.stem, task.digest, FAILED,
                      warnings=list(warnings), error=error.to_dict())


# ---------------------------------------------------------------------------
# the worker side

_CACHE: dict[tuple, tuple] = {}


def _loaded(task: RenderTask) -> tuple:
    """(template, brand, formats) for ``task``, loaded once per process."""
    from ..brand import load_brand
    from ..formats import get_format
    from ..templating import load_template

    template_dir, brand_path = task.template_dir, task.brand_path
    if task.bundle is not None:
        from .bundle import materialize

        template_dir, brand_path = materialize(task.bundle)
    key = (str(template_dir), str(brand_path), task.format_names, task.language)
    hit = _CACHE.get(key)
    if hit is None:
        _CACHE.clear()
        hit = (load_template(template_dir), load_brand(brand_path, task.language or None),
               [get_format(n) for n in task.format_names])
        _CACHE[key] = hit
    return hit


def render_task(task: RenderTask) -> TaskResult:
    """Render ``task`` in every format: its images, caption and alt text as
    :class:`Artifact` bytes.  Writes nothing; never raises for a user error
    or an unexpected exception (a ``failed`` result names it)."""
    from ..jobs import internal_error, located

    records = list(task.records)
    record_warnings = [w for r in records for w in r.warnings]
    try:
        artifacts, warnings, figures = _render_all(task)
    except LibmediaError as exc:
        return failed_result(task, located(exc, task.source, task.row), record_warnings)
    except Exception as exc:  # noqa: BLE001 - one task's bug must not stop the run
        return failed_result(task, internal_error(exc, task.source, task.row), record_warnings)
    return TaskResult(task.index, task.rows, task.title, task.stem, task.digest,
                      WARNING if warnings else OK, artifacts, warnings, typography=figures)


def _render_all(task: RenderTask) -> tuple[list[Artifact], list[Diagnostic], dict[str, dict]]:
    from ..encode import encode_image
    from ..render import RenderInput, check_required

    template, brand, formats = _loaded(task)
    problems = [p for r in task.records for p in check_required(template, r, task.source)]
    if problems:
        raise ProblemList.of(problems)
    search_dirs = [materialize_files(task.files)] if task.files else list(task.search_dirs)
    artifacts: list[Artifact] = []
    found: list[tuple[str, list[Diagnostic]]] = []
    figures: dict[str, dict] = {}
    for fmt in formats:
        inp = RenderInput(template, list(task.records), fmt, brand,
                          search_dirs=search_dirs, source=task.source,
                          columns=list(task.columns))
        if task.kind == "video":
            found.append((fmt.name, _render_clip(task, inp, artifacts)))
            continue
        pages, caption, alt, warnings, *rest = render_pages(inp, task.kind)
        if rest and rest[0]:
            figures[fmt.name] = rest[0]
        alts = rest[1] if len(rest) > 1 else [alt]
        numbered = task.kind == "carousel"
        ext = format_ext(fmt, task.image_ext)
        for i, page in enumerate(pages, 1):
            name = image_name(task.stem, fmt.name, ext, i if numbered else None)
            artifacts.append(Artifact(name, media_type(name), IMAGE,
                                      encode_image(page, codec(ext)),
                                      format=fmt.name, page=i if numbered else 0))
            if numbered:  # each slide of a carousel takes its own alt text
                alt_name = sidecar_name(name, ALT, per_page=True)
                artifacts.append(Artifact(alt_name, media_type(alt_name), ALT,
                                          alts[i - 1].encode("utf-8"), format=fmt.name, page=i))
        first = image_name(task.stem, fmt.name, ext, 1 if numbered else None)
        texts = ((CAPTION, caption),) if numbered else ((CAPTION, caption), (ALT, alt))
        for kind, text in texts:
            name = sidecar_name(first, kind)
            artifacts.append(Artifact(name, media_type(name), kind, text.encode("utf-8"),
                                      format=fmt.name))
        found.append((fmt.name, warnings))
    return artifacts, merge_formats(found), figures


def _render_clip(task: RenderTask, inp, artifacts: list[Artifact]) -> list[Diagnostic]:
    """One clip of ``task`` in ``inp``'s format: its MP4, cover frame,
    subtitles, caption and alt text appended to ``artifacts``; returns the
    warnings."""
    from ..motion.clip import render_clip
    from ..render import fonts_for
    from .names import clip_names

    done = render_clip(inp, fonts_for(inp), task.clip)
    names = clip_names(task.stem, inp.format.name, bool(task.clip and task.clip.draft))
    files = [("video", VIDEO, done.mp4), ("cover", COVER, done.cover),
             ("vtt", SUBTITLES, done.vtt.encode("utf-8")), ("srt", SUBTITLES, done.srt.encode("utf-8")),
             ("caption", CAPTION, done.caption.encode("utf-8")), ("alt", ALT, done.alt.encode("utf-8"))]
    for key, kind, data in files:
        artifacts.append(Artifact(names[key], media_type(names[key]), kind, data, format=inp.format.name))
    return done.warnings


def materialize_files(files: tuple[tuple[str, bytes], ...]) -> Path:
    """Write a task's travelling files (relative names, bytes) once into a
    folder of this machine's cache named by their sha256, and return it:
    ``$LIBMEDIA_CACHE`` (default ``~/.cache/libmedia``) ``/files/<digest>``.
    Safe when several workers do it at once (written aside, then renamed)."""
    import hashlib
    import os
    import shutil
    import tempfile

    h = hashlib.sha256()
    for name, data in files:
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    root = Path(os.environ.get("LIBMEDIA_CACHE") or Path.home() / ".cache" / "libmedia") / "files"
    final = root / h.hexdigest()
    if final.is_dir():
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".part-", dir=root))
    try:
        for name, data in files:
            path = tmp.joinpath(*name.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.rename(tmp, final)
    except OSError:
        if not final.is_dir():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def render_pages(inp, kind: str) -> tuple[list, str, str, list[Diagnostic], dict, list[str]]:
    """The pages of one post in one format, its caption and alt text, the
    warnings, the lint stage's typography figures, and each page's alt text.

    ``image``: one page, :func:`libmedia.render.render`.  ``carousel``: one
    page per record, after the intro page and before the outro page when
    the template has them; each page is rendered with the record it shows
    as ``record`` (and the template's ``record_name``), every record of the
    post as ``records``, and ``slide``, ``page``/``pages`` (1-based) and
    ``number`` in the context (:func:`libmedia.render.page_context`); the
    caption is written for the whole post, the alt text for each page.
    Raises :class:`LibmediaError` as the pipeline does.
    """
    from .. import render as pipeline

    rendered = pipeline.render(inp, kind=kind)
    return (rendered.pages, rendered.caption, rendered.alt, rendered.warnings,
            rendered.typography, rendered.alts)
