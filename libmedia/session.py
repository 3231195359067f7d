"""Render sessions: one template, its data file and brand kit, kept loaded.

A :class:`RenderSession` opens a template, the brand kit and the data once
(:func:`libmedia.jobs.open_job`), renders posts through the image pipeline
(:func:`libmedia.render.render`) or as far as one stage for ``--dump``, and
remembers for each render the files it read (:class:`Dependencies`): the
template's folder, the brand kit file and its ``fonts/``, the data file,
and every picture the pages loaded (covers, the logo, the template's own
assets), by path; and a picture that was missing, by name, so that adding
it is seen.  :meth:`RenderSession.changed` takes the paths a file watcher
saw change and drops exactly the renders that read them, re-opening the
template, brand kit or data only when one of those changed and dropping
the cached font indexes of a changed font's folder
(:func:`libmedia.typography.fonts.forget_folder`).  Nothing is ever
invalidated by restarting.

``libmedia render`` (and its ``--dump``) is one session rendering one post;
``libmedia preview`` keeps a session per template open and re-renders what
a save touched (:mod:`libmedia.preview`).

Thread safety: :meth:`RenderSession.outcome` may be called from several
threads; two calls for the same format and post render once (the second
waits for the first), and a render that a change overtook is handed back
but not kept, so the next call renders again.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Diagnostic, LibmediaError, TemplateError
from .formats import Format, get_format
from .render import Rendered, RenderInput, fonts_for
from .sources import Record

#: File name endings of font files (a change to one drops the font caches).
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")

#: File name endings of pictures (covers, logos, posters).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic",
                  ".avif")

_RENDER_IDS = itertools.count(1)


def _resolved(p: str | Path) -> Path:
    try:
        return Path(p).resolve()
    except (OSError, RuntimeError):
        return Path(p).absolute()


@dataclass(frozen=True)
class Dependencies:
    """The files one render read: ``files`` (resolved paths), ``folders``
    (every file under one counts: the template's folder, font folders) and
    ``names`` (file names of pictures that were missing: a file of that
    name appearing anywhere watched re-renders the post)."""

    files: frozenset[Path] = frozenset()
    folders: frozenset[Path] = frozenset()
    names: frozenset[str] = frozenset()

    def touched_by(self, path: Path) -> bool:
        """Whether a change to ``path`` (resolved) can change the render."""
        if path in self.files or path.name in self.names:
            return True
        return any(f == path or f in path.parents for f in self.folders)


@dataclass(frozen=True)
class Post:
    """One post a session can show: ``index`` (0: the template's own sample;
    1 on: the data's posts in order), its ``records`` and whether it is the
    ``sample``."""

    index: int
    records: tuple[Record, ...]
    sample: bool = False

    @property
    def rows(self) -> list[int]:
        """The data rows of its records (empty for the sample)."""
        return [] if self.sample else [r.row for r in self.records]

    @property
    def label(self) -> str:
        """``Sample``, ``Row 2`` or ``Rows 9–12``."""
        if self.sample:
            return "Sample"
        rows = self.rows
        if len(rows) == 1:
            return f"Row {rows[0]}"
        return f"Rows {rows[0]}–{rows[-1]}"

    @property
    def title(self) -> str:
        """The first record's title (or first non-empty field), for the
        record picker and its search."""
        if not self.records:
            return ""
        f = self.records[0].fields
        return str(f.get("title") or f.get("label") or next(
            (v for v in f.values() if str(v).strip()), "")).strip()


@dataclass
class Outcome:
    """What one render of a session gave: ``render_id`` (unique in the
    process, changes whenever the result may differ), the ``rendered``
    post or the ``error`` that stopped it, the warnings (the data file's
    and the render's), the :class:`Dependencies`, the format and post."""

    render_id: int
    format: Format
    post: Post
    rendered: Rendered | None = None
    error: LibmediaError | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    deps: Dependencies = field(default_factory=Dependencies)
    #: free room for a caller's derived data (the preview's encoded PNGs)
    extra: dict[str, Any] = field(default_factory=dict)
    #: what was made (:attr:`RenderSession.makers`): ``image``, or a caller's own kind
    kind: str = "image"

    @property
    def ok(self) -> bool:
        """Whether the render worked (``rendered`` may have been let go by a
        session's ``digest`` once it took what it needed)."""
        return self.error is None


def _put(kept: OrderedDict, key, value, most: int) -> None:
    kept[key] = value
    kept.move_to_end(key)
    while len(kept) > max(1, most):
        kept.popitem(last=False)


class RenderSession:
    """One template (name or folder), its data file (None: the template's
    own sample) and brand kit (None: ``libmedia.toml`` beside the data or in
    the working folder, else the default kit), kept loaded.

    ``digest``, when given, is called with each :class:`Outcome` that worked,
    on the rendering thread, before it is kept: it may store what it needs
    in :attr:`Outcome.extra` (encoded pictures) and set
    :attr:`Outcome.rendered` to None so that the pictures in memory are let
    go.  At most ``keep`` outcomes (and ``keep`` last good ones) are kept,
    the least recently used let go first.

    ``lang``, ``per_post``, ``read_options`` and ``fetch_covers`` are the
    options of :func:`libmedia.jobs.open_job`.  Opening is lazy: the first
    use opens the job, and an error opening it (an unknown template, a
    broken ``template.toml``, a brand kit or data file that cannot be read)
    is raised from that use, as :class:`~libmedia.errors.LibmediaError`.
    """

    def __init__(self, template: str | Path, data_path: str | Path | None = None,
                 brand_path: str | Path | None = None, *, formats: Sequence[str] = (),
                 lang: str | None = None, per_post: int | None = None,
                 read_options: Mapping[str, Any] | None = None,
                 fetch_covers: bool = False, clip: Any = None,
                 digest: Callable[[Outcome], None] | None = None, keep: int = 64) -> None:
        self.template_name = template
        self.digest = digest
        self.keep = keep
        self.data_path = Path(data_path) if data_path is not None else None
        if brand_path is None:
            from .brand import find_brand

            # the sample and the data's posts wear the same kit: the one the data would
            brand_path = find_brand(self.data_path)
        self.brand_path = Path(brand_path) if brand_path is not None else None
        self.formats = tuple(formats)
        self.lang = lang
        self.per_post = per_post
        self.read_options = dict(read_options or {})
        self.fetch_covers = fetch_covers
        self.clip = clip
        self._lock = threading.RLock()
        self._jobs: dict[bool, Any] = {}          # with data? -> Job
        self._job_errors: dict[bool, LibmediaError] = {}
        self._posts: list[Post] | None = None
        self._template = None
        self._template_error: LibmediaError | None = None
        self._posts_note: str | None = None
        self._outcomes: OrderedDict[tuple[str, int, str], Outcome] = OrderedDict()
        self._good: OrderedDict[tuple[str, int, str], Outcome] = OrderedDict()
        self._epochs: dict[tuple[str, int, str], int] = {}
        self._key_locks: dict[tuple[str, int, str], threading.Lock] = {}
        #: what :meth:`outcome` can make, by kind: ``make(inp, library)`` returns
        #: (the product, its warnings, the pictures it loaded); a caller may add
        #: its own (the preview adds ``draft``, a video template's draft clip)
        self.makers: dict[str, Callable[[RenderInput, Any], tuple[Any, list, list[str]]]] = {
            "image": self._make_image}

    # ------------------------------------------------------------------ jobs

    def _open(self, with_data: bool):
        from .jobs import open_job

        data = self.data_path if with_data else None
        return open_job(self.template, data, self.formats, self.brand_path,
                        run_preflight=False, clip=self.clip, lang=self.lang,
                        per_post=self.per_post, read_options=self.read_options,
                        fetch_covers=self.fetch_covers)

    def _job_for(self, with_data: bool):
        with self._lock:
            if with_data in self._jobs:
                return self._jobs[with_data]
            if with_data in self._job_errors:
                raise self._job_errors[with_data]
            try:
                job = self._open(with_data)
            except LibmediaError as exc:
                self._job_errors[with_data] = exc
                raise
            self._jobs[with_data] = job
            return job

    @property
    def job(self):
        """The :class:`libmedia.jobs.Job` of the session: on the data file
        when there is one, else on the template's sample.  Raises the
        :class:`LibmediaError` that opening it gave."""
        return self._job_for(self.data_path is not None)

    @property
    def sample_job(self):
        """The job on the template's own sample (with the same brand kit)."""
        return self._job_for(False)

    @property
    def template(self):
        """The loaded :class:`libmedia.templating.Template`, kept until a
        file of its folder changes (a brand kit or data change reopens the
        jobs, not the template).  Raises its :class:`TemplateError`."""
        from .jobs import open_template

        with self._lock:
            if self._template_error is not None:
                raise self._template_error
            if self._template is None:
                try:
                    self._template = open_template(self.template_name)
                except LibmediaError as exc:
                    self._template_error = exc
                    raise
            return self._template

    def format(self, name: str) -> Format:
        """The format ``name`` if the template makes it.  Raises
        :class:`~libmedia.errors.FormatError` for an unknown name and
        :class:`TemplateError` for a format the template does not list."""
        fmt = get_format(name)
        t = self.template
        if name not in t.formats:
            raise TemplateError(f"template '{t.name}' does not make format '{name}'",
                                hint="it makes: " + ", ".join(t.formats))
        return fmt

    def post_records(self, row: int | None = None) -> list[Record]:
        """The records of the post that holds data ``row`` (the first post
        when None; the sample without data): :func:`libmedia.jobs.post_records`."""
        from .jobs import fetch_job_covers, post_records

        job = self.job
        records = post_records(job, row)
        if self.fetch_covers and job.dataset is not None:
            fetch_job_covers(job, records)
        return records

    def posts(self) -> list[Post]:
        """Every post the session can show: the template's own sample first
        (index 0), then the data's posts grouped as a batch groups them.
        A data file that does not fit the template (or cannot be read)
        gives the sample only, and :attr:`posts_note` says why."""
        from .jobs import post_groups

        with self._lock:
            if self._posts is not None:
                return self._posts
            sample = post_groups(self.sample_job)[0]
            posts = [Post(0, tuple(sample), sample=True)]
            self._posts_note = None
            if self.data_path is not None:
                try:
                    groups = post_groups(self.job)
                except LibmediaError as exc:
                    self._posts_note = str(exc)  # the message, the file and row, the hint
                    groups = []
                posts += [Post(i + 1, tuple(g)) for i, g in enumerate(groups)]
            self._posts = posts
            return posts

    @property
    def posts_note(self) -> str | None:
        """Why the data's posts are not offered, or None."""
        self.posts()
        return self._posts_note

    # ------------------------------------------------------------ rendering

    def render_input(self, records: Sequence[Record], fmt: Format, sample: bool = False
                     ) -> RenderInput:
        """The pipeline input for ``records`` in ``fmt``, with the data
        file's folders (or, for ``sample``, the template's) for pictures."""
        job = self.sample_job if sample else self.job
        return job.render_input(records, fmt)

    def library(self, inp: RenderInput):
        """The fonts for ``inp``: the brand kit's and the template's
        ``fonts/`` before the bundled ones (:func:`libmedia.render.fonts_for`)."""
        return fonts_for(inp)

    def render(self, records: Sequence[Record], fmt: Format, sample: bool = False) -> Rendered:
        """Render one post: the whole pipeline (:func:`libmedia.render.render`).
        Raises what it raises, the template line or data row in the error."""
        from .render import render

        inp = self.render_input(records, fmt, sample)
        return render(inp, self.library(inp))

    def dump(self, records: Sequence[Record], fmt: Format, stage: str,
             sample: bool = False) -> tuple[str, list[Diagnostic]]:
        """Run the pipeline for one post as far as ``stage`` (``markup``,
        ``document`` or ``layout``) and return its text and the warnings
        found on the way.  Raises ``ValueError`` for an unknown stage."""
        from .dump import dump_document, dump_layout
        from .render import render_until

        inp = self.render_input(records, fmt, sample)
        done = render_until(inp, stage, self.library(inp))
        text = {"markup": lambda: done.markup, "document": lambda: dump_document(done.document),
                "layout": lambda: dump_layout(done.page), "image": lambda: ""}[stage]()
        return text, done.warnings

    def dependencies(self, sample: bool, sources: Iterable[str] = (),
                     missing: Iterable[str] = ()) -> Dependencies:
        """The files a render of this session reads: the template folder,
        the brand kit file, its ``fonts/`` and logo, the bundled fonts, the
        data file (unless ``sample``), the pictures in ``sources`` and the
        file names of the ``missing`` ones."""
        from .typography.fonts import BUNDLED_FONTS

        files: set[Path] = set()
        folders: set[Path] = {BUNDLED_FONTS.resolve()}
        try:
            t = self.template
            folders.add(_resolved(t.path))
        except LibmediaError:
            pass
        job = self._jobs.get(not sample and self.data_path is not None) or self._jobs.get(False)
        if job is not None:
            if job.brand_file is not None:
                files.add(_resolved(job.brand_file))
                folders.add(_resolved(job.brand_file.parent / "fonts"))
            if job.brand.logo:
                files.add(_resolved(job.brand.logo))
        elif self.brand_path is not None:
            files.add(_resolved(self.brand_path))
        if not sample and self.data_path is not None:
            files.add(_resolved(self.data_path))
        files.update(_resolved(s) for s in sources if s)
        names = {Path(m).name for m in missing if m}
        return Dependencies(frozenset(files), frozenset(folders), frozenset(names))

    def outcome(self, format_name: str, index: int, kind: str = "image") -> Outcome:
        """The render of post ``index`` (:meth:`posts`) in ``format_name``:
        the kept one when nothing it read has changed since, else a new
        render.  Never raises for the template's, brand kit's or data's
        faults: the :class:`Outcome` holds the error (and then
        :meth:`last_good` the last render that worked).  ``kind`` names
        what to make, one of :attr:`makers` (``image``: a post through the
        image pipeline, :meth:`render`).  Raises ``IndexError`` for a post
        the session does not have, ``KeyError`` for an unknown ``kind``."""
        make = self.makers[kind]
        key = (format_name, index, kind)
        with self._lock:
            kept = self._outcomes.get(key)
            if kept is not None:
                self._outcomes.move_to_end(key)
                return kept
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                kept = self._outcomes.get(key)
                if kept is not None:
                    return kept
                epoch = self._epochs.get(key, 0)
            out = self._render_outcome(format_name, index, make)
            out.kind = kind
            if out.ok and self.digest is not None:
                self.digest(out)
            with self._lock:
                if self._epochs.get(key, 0) == epoch:
                    _put(self._outcomes, key, out, self.keep)
                    if out.ok:
                        _put(self._good, key, out, self.keep)
            return out

    def last_good(self, format_name: str, index: int, kind: str = "image") -> Outcome | None:
        """The last render of this format and post that worked, or None."""
        with self._lock:
            return self._good.get((format_name, index, kind))

    def _make_image(self, inp: RenderInput, library) -> tuple[Rendered, list[Diagnostic], list[str]]:
        """The ``image`` maker: (the rendered post, its warnings, the pictures it loaded)."""
        from .render import render

        rendered = render(inp, library)
        return rendered, rendered.warnings, rendered.sources

    def _render_outcome(self, format_name: str, index: int, make) -> Outcome:
        from .errors import ProblemList
        from .jobs import located
        from .render import check_required

        rid = next(_RENDER_IDS)
        try:
            fmt = get_format(format_name)
        except LibmediaError as exc:
            return Outcome(rid, None, Post(index, ()), error=exc)  # type: ignore[arg-type]
        post = Post(index, ())
        try:
            posts = self.posts()
            if not 0 <= index < len(posts):
                raise IndexError(f"post {index} of {len(posts)}")
            post = posts[index]
            fmt = self.format(format_name)
            job = self.sample_job if post.sample else self.job
            records = list(post.records)
            if self.fetch_covers and not post.sample and job.dataset is not None:
                from .jobs import fetch_job_covers

                fetch_job_covers(job, records)
            problems = [p for r in records for p in check_required(job.template, r, job.source)]
            if problems:
                raise ProblemList.of(problems)
            inp = self.render_input(records, fmt, sample=post.sample)
            rendered, found, sources = make(inp, self.library(inp))
        except LibmediaError as exc:
            source = None
            row = post.records[0].row if post.records else None
            try:
                source = (self.sample_job if post.sample else self.job).source
            except LibmediaError:
                pass
            return Outcome(rid, fmt, post, error=located(exc, source, row),
                           deps=self.dependencies(post.sample))
        job = self.sample_job if post.sample else self.job
        missing = [s for s in sources if not Path(s).is_absolute()]
        return Outcome(rid, fmt, post, rendered, None, [*job.warnings, *found],
                       self.dependencies(post.sample, sources, missing))

    # --------------------------------------------------------------- changes

    def watched(self) -> list[Path]:
        """Folders and files a watcher should watch for this session: the
        template's folder, the brand kit's file and folder (its ``fonts/``,
        its logo), the data file's folder (its covers), the bundled fonts."""
        from .typography.fonts import BUNDLED_FONTS

        out: list[Path] = [BUNDLED_FONTS]
        try:
            out.append(self.template.path)
        except LibmediaError:
            p = Path(str(self.template_name))
            if p.is_dir():
                out.append(p)
        for job in list(self._jobs.values()):
            if job.brand_file is not None:
                out.append(job.brand_file.parent)
            if job.brand.logo:
                out.append(Path(job.brand.logo).parent)
        if self.brand_path is not None:
            out.append(self.brand_path.parent)
        if self.data_path is not None:
            out.append(self.data_path.parent)
        seen, uniq = set(), []
        for p in out:
            r = _resolved(p)
            if r not in seen and r.exists():
                seen.add(r)
                uniq.append(r)
        return uniq

    def changed(self, paths: Iterable[str | Path]) -> bool:
        """Take the paths a watcher saw change (added, modified or deleted)
        and drop what they touch: the jobs when the template's folder, the
        brand kit or (for the data's posts) the data file changed, the font
        caches of a font's folder, and every kept render whose
        :class:`Dependencies` a path touches.  Returns whether anything of
        this session changed (renders kept before stay available as
        :meth:`last_good`)."""
        from .typography.fonts import forget_folder

        changed = [_resolved(p) for p in paths]
        if not changed:
            return False
        touched = False
        with self._lock:
            template_dir = None
            if self._template is not None:
                template_dir = _resolved(self._template.path)
            elif Path(str(self.template_name)).is_dir():
                template_dir = _resolved(self.template_name)
            brand_files = {_resolved(j.brand_file) for j in self._jobs.values() if j.brand_file}
            if self.brand_path is not None:
                brand_files.add(_resolved(self.brand_path))
            data_file = _resolved(self.data_path) if self.data_path is not None else None
            reopen_all = reopen_data = reload_template = False
            for p in changed:
                if p.suffix.lower() in FONT_SUFFIXES:
                    forget_folder(p.parent)
                    reopen_all = True
                if template_dir is not None and (p == template_dir or template_dir in p.parents):
                    reopen_all = reload_template = True
                if p in brand_files or (p.name == "libmedia.toml" and self.brand_path is None):
                    reopen_all = True
                if data_file is not None and p == data_file:
                    reopen_data = True
                if (data_file is not None and p.suffix.lower() in IMAGE_SUFFIXES
                        and p.parent in (data_file.parent, data_file.parent / "covers")
                        and not any(p in o.deps.files for o in self._outcomes.values())):
                    # a picture no kept render read may be a cover the data names but
                    # that was missing, so left out when the data was opened
                    # (libmedia.jobs.prepare_local_images): open the data again
                    reopen_data = True
            if self._job_errors or self._template_error is not None:
                reopen_all = True  # a job that failed to open is tried again on any change
                reload_template = reload_template or self._template_error is not None
            if reload_template:
                self._template = self._template_error = None
            if reopen_all:
                self._jobs.clear()
                self._job_errors.clear()
                self._posts = None
            elif reopen_data:
                self._jobs.pop(True, None)
                self._job_errors.pop(True, None)
                self._posts = None
            for key, out in list(self._outcomes.items()):
                drop = reopen_all or (reopen_data and key[1] > 0) or any(
                    out.deps.touched_by(p) for p in changed)
                if drop:
                    del self._outcomes[key]
                    self._epochs[key] = self._epochs.get(key, 0) + 1
                    touched = True
            touched = touched or reopen_all or reopen_data
            # a render in flight read files before this change: it is handed back, not kept
            for key, lock in self._key_locks.items():
                if key not in self._outcomes and lock.locked():
                    self._epochs[key] = self._epochs.get(key, 0) + 1
        return touched
