"""Render many posts from one data file, and one post for a quick look.

``run_batch`` renders one image per record per format into an output folder,
each with its caption and alt text beside it, and writes ``manifest.json``
listing every record (rendered, rendered with warnings, or failed, with the
error's location and hint).  ``render_single`` renders one record (or the
template's own sample) and can stop at any pipeline stage for ``--dump``.

Rules a user can rely on:

* **Names** are stable and readable: ``0003-filosofi-kopi.instagram-portrait.png``
  (4-digit data row, slug of the main title, format name), with
  ``0003-filosofi-kopi.instagram-portrait.caption.txt`` and ``.alt.txt`` beside
  it.  The same data always gives the same names, so a re-run replaces the
  previous run's files in place.
* **No stale posts**: ``manifest.json`` lists what a run made.  A re-run into
  the same folder removes the files the *previous* manifest lists that this
  run did not make again (records no longer in the data, or failing now), and
  nothing else; it does so only after the new manifest is written, so a crash
  never leaves the folder empty.  Without a previous manifest nothing is
  removed.
* **Pre-flight**: before any record, the template's own sample record is
  rendered in every requested format with the chosen brand kit.  When that
  fails because of the template or the brand kit (an unknown type role, a
  font family that does not exist) the run stops with that one error before
  anything is written, instead of failing every record the same way.
* **Covers** named in the data resolve relative to the data file's folder,
  then its ``covers/`` subfolder (then the working folder).
* **Writes are atomic**: a failed record leaves no file, and one bad record
  never stops the others.
* **Output bytes are the same for any number of jobs**; the manifest lists
  records in data-row order.
* **Optional fields** a template declares but the data has no column for
  (a list without covers) are blank, with one file-level warning; a template
  that uses a field it does not declare still fails loudly (case C23).

Nothing here prints or exits; the CLI reports.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .brand import Brand, find_brand, load_brand
from .diagnostics import merge_formats
from .encode import atomic_write_bytes, encode_image
from .errors import (
    BrandError,
    DataError,
    Diagnostic,
    FontError,
    FormatError,
    InternalError,
    LibmediaError,
    Location,
    OutputError,
    ProblemList,
    TemplateError,
    display_path,
)
from .formats import Format, get_format
from .render import Rendered, RenderInput, check_required, render, sample_records
from .sources import DataSet, Record, read_records
from .templating import Template, check_fields, find_template, load_template, title_parts

#: Where outputs go when no ``--out``/``-o`` is given (relative to the working folder).
DEFAULT_OUT = Path("out")
#: Longest title slug in a file name, in characters.
SLUG_MAX = 50
#: The manifest's file name inside the output folder.
MANIFEST = "manifest.json"
#: Most worker processes used by default (each holds its own fonts and images).
MAX_DEFAULT_JOBS = 4
#: Below this many images a process pool costs more to start than it saves.
MIN_RENDERS_FOR_POOL = 8

OK, WARNING, FAILED = "ok", "warning", "failed"


# ---------------------------------------------------------------------------
# names


def title_slug(title: str, limit: int = SLUG_MAX) -> str:
    """ASCII slug of a title's main part for file names: ``"Filosofi Kopi:
    Kumpulan Cerita"`` -> ``"filosofi-kopi"``.

    Accents and apostrophes inside words are dropped (Unicode NFKD;
    ``Charlotte's`` -> ``charlottes``), letters lower-cased, every other run
    of characters becomes one hyphen; a slug longer than ``limit`` is cut at
    the last hyphen that fits.  Returns ``""`` for a title with no Latin
    letters or digits (Arabic, Chinese).
    """
    main = title_parts(title)["main"] or str(title or "")
    main = re.sub(r"(?<=\w)['\u2019\u02bc](?=\w)", "", main)  # Charlotte's -> charlottes
    ascii_text = unicodedata.normalize("NFKD", main).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1].rfind("-")
        slug = slug[:cut] if cut > 0 else slug[:limit]
    return slug.strip("-")


def output_stem(row: int | None, title: str) -> str:
    """The file name stem of a record's outputs: ``0003-filosofi-kopi``.

    The data row is zero-padded to 4 digits; a title without Latin letters
    gives ``0007-record``; the template's own sample (row 0) is
    ``sample-<slug>``.
    """
    slug = title_slug(title)
    prefix = "sample" if not row else f"{row:04d}"
    return f"{prefix}-{slug or 'record'}"


@dataclass(frozen=True)
class OutputPaths:
    """The three files of one record in one format: image, caption, alt text."""

    image: Path
    caption: Path
    alt: Path

    def relative_to(self, folder: Path) -> dict[str, str]:
        """The paths relative to ``folder`` with ``/`` separators (for the manifest)."""
        return {k: Path(os.path.relpath(getattr(self, k), folder)).as_posix()
                for k in ("image", "caption", "alt")}


def sidecar_paths(image: Path) -> OutputPaths:
    """Caption and alt paths beside an image: ``X.png`` -> ``X.caption.txt``, ``X.alt.txt``."""
    stem = image.with_suffix("")
    return OutputPaths(image, stem.with_name(stem.name + ".caption.txt"),
                       stem.with_name(stem.name + ".alt.txt"))


def output_paths(out_dir: Path, stem: str, format_name: str, ext: str) -> OutputPaths:
    """The files for one record in one format: ``DIR/STEM.FORMAT.EXT`` and its sidecars."""
    return sidecar_paths(Path(out_dir) / f"{stem}.{format_name}.{ext}")


# ---------------------------------------------------------------------------
# inputs


def unique_dirs(dirs: Sequence[str | Path]) -> list[Path]:
    """``dirs`` in order, each folder once (compared resolved, so ``.`` and
    the working folder's full path are the same folder)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for d in dirs:
        key = Path(d).resolve()
        if key not in seen:
            seen.add(key)
            out.append(Path(d))
    return out


def cover_search_dirs(data_path: Path, cwd: bool = False) -> list[Path]:
    """Folders a cover named in the data is looked for in: the data file's
    folder, then its ``covers/`` subfolder, then (with ``cwd``) the working
    folder, as the render pipeline adds it; each folder once."""
    base = Path(data_path).resolve().parent
    return unique_dirs([base, base / "covers", *([Path.cwd()] if cwd else [])])


def resolve_brand(brand_path: str | Path | None,
                  data_path: Path | None) -> tuple[Brand, Path | None]:
    """The brand kit: ``brand_path`` if given, else ``libmedia.toml`` beside
    the data file, else in the working folder, else the default kit.

    Returns the kit and the file it came from (None for the default).
    Raises :class:`BrandError` for an invalid kit."""
    path = Path(brand_path) if brand_path else find_brand(data_path)
    return load_brand(path), (Path(path).resolve() if path else None)


def open_template(name_or_path: str) -> Template:
    """Load a template by name (``new-book``) or folder path.

    Raises :class:`TemplateError`; a template whose posts take several
    records at once is refused (not supported yet)."""
    template = load_template(find_template(name_or_path))
    if template.records.strip() != "1":
        raise TemplateError(
            f"template '{template.name}' takes {template.records} records per post; "
            "this version of libmedia renders one record per post",
            Location(file=str(template.path / "template.toml"), field="records"))
    return template


def resolve_formats(template: Template, names: Sequence[str] = ()) -> list[Format]:
    """The formats to render: ``names`` (``"all"`` = every format the
    template serves; names may also be comma-separated), or the template's
    default (first) format when none are given.

    Raises :class:`FormatError` for an unknown name and :class:`TemplateError`
    for a format the template does not serve."""
    wanted: list[str] = []
    for n in names:
        wanted += [p.strip() for p in str(n).split(",") if p.strip()]
    if not wanted:
        wanted = [template.default_format]
    if "all" in wanted:
        wanted = list(template.formats)
    out: list[Format] = []
    for n in dict.fromkeys(wanted):
        fmt = get_format(n)
        if n not in template.formats:
            raise TemplateError(
                f"template '{template.name}' does not make format '{n}'",
                hint="it makes: " + ", ".join(template.formats)
                + " (or use --format all for every one)")
        out.append(fmt)
    return out


def available_fields(dataset: DataSet) -> list[str]:
    """The canonical field names the data file has a column for."""
    return list(dict.fromkeys(dataset.mapping.values()))


def fit_data(template: Template, dataset: DataSet) -> list[Diagnostic]:
    """Check that the data has a column for every required field of the
    template; warn about the optional fields it has no column for.

    Optional fields without a column are blank in every post (the pipeline
    gives declared fields ""); one warning naming them all is returned.
    Raises :class:`ProblemList` naming each missing required field and
    listing the file's columns (exit 2 in the CLI: every record would fail
    the same way).
    """
    source = display_path(dataset.path)
    have = available_fields(dataset)
    columns = ", ".join(dataset.columns) or "(none)"
    try:
        check_fields(template, have, source)
    except LibmediaError as exc:
        problems = exc.problems if isinstance(exc, ProblemList) else (exc,)
        told = []
        for p in problems:
            rest = (p.hint or "")[:1].upper() + (p.hint or "")[1:]
            told.append(p.replace(hint=f"the file's columns are: {columns}. {rest}".strip()))
        raise ProblemList(told, exc.summary if isinstance(exc, ProblemList) else None) from exc
    missing = missing_optional(template, dataset)
    if not missing:
        return []
    names = ", ".join(f"'{m}'" for m in missing)
    plural = "s" if len(missing) > 1 else ""
    return [Diagnostic.warning(f"the data has no column for the template's field{plural} {names}: posts are "
                     f"made without {'them' if plural else 'it'} (the file's columns: {columns})",
                     Location(file=source), "missing-column")]


def missing_optional(template: Template, dataset: DataSet) -> list[str]:
    """The template's optional fields that the data has no column for."""
    have = set(available_fields(dataset))
    return [name for name in template.fields if name not in have]


def read_data(path: str | Path) -> DataSet:
    """Read a data file; a file with no records is a :class:`DataError`."""
    dataset = read_records(path)
    if not dataset.records:
        raise DataError("the file has no records to render", Location(file=display_path(path)),
                        hint="check that the rows below the header are filled in")
    return dataset


# ---------------------------------------------------------------------------
# pre-flight

#: Errors of the template's own sample that stop a run: the template or the
#: brand kit is at fault, so every record would fail the same way.  Other
#: :class:`LibmediaError` kinds (data, image) depend on the sample's own data,
#: which is not the user's, and do not stop the run.
PREFLIGHT_FATAL = (TemplateError, FontError, BrandError)

_UNKNOWN_FAMILY = re.compile(r"unknown font family '(?P<family>[^']+)'")


def preflight(template: Template, formats: Sequence[Format], brand: Brand) -> None:
    """Render the template's own sample record in each of ``formats`` with
    ``brand``, before any of the user's data, and raise when the template or
    the brand kit cannot render at all.

    Raises :class:`ProblemList` (one summary naming the template, the format
    and the brand kit, with the cause below it) when the sample fails with a
    :data:`PREFLIGHT_FATAL` error or an unexpected exception (a bug in
    libmedia, kind ``internal``; the original is the ``__cause__``).  Data
    and image errors of the sample are ignored.  A template without a sample
    record is not checked.  Nothing is written.
    """
    samples = sample_records(template)
    if not samples:
        return
    source = display_path(template.path / "template.toml")
    for fmt in formats:
        inp = RenderInput(template, samples[:1], fmt, brand, search_dirs=[template.path],
                          source=source)
        try:
            render(inp)
        except LibmediaError as exc:
            problems = exc.problems if isinstance(exc, ProblemList) else [exc]
            fatal = [p for p in problems if isinstance(p, PREFLIGHT_FATAL)]
            if fatal:
                raise _preflight_failure(template, fmt, brand,
                                         [_tidy(p, brand) for p in fatal]) from exc
        except Exception as exc:  # noqa: BLE001 - a bug: stop before every record hits it
            raise _preflight_failure(template, fmt, brand,
                                     [internal_error(exc, source, None)]) from exc


def _preflight_failure(template: Template, fmt: Format, brand: Brand,
                       problems: list[LibmediaError]) -> ProblemList:
    kit = display_path(brand.path) if brand.path else None
    if kit and all(p.location.file == kit for p in problems):
        summary = (f"brand kit {kit} cannot be used: template '{template.name}' cannot render "
                   f"its own sample post with it ({fmt.name})")
    else:
        summary = (f"template '{template.name}' cannot render its own sample post ({fmt.name}, "
                   + (f"brand kit {kit}" if kit else "the default brand kit") + ")")
    return ProblemList(problems, summary + ", so every record would fail the same way; "
                                 "nothing was rendered")


def _tidy(exc: LibmediaError, brand: Brand) -> LibmediaError:
    """A pre-flight error as the user should read it: its file relative to
    the working folder, and an unknown font family named by the brand kit's
    ``[type.ROLE]`` located at that key of the kit (not at the template line
    using the role)."""
    if exc.location.file:
        exc = exc.replace(location=replace(exc.location, file=display_path(exc.location.file)))
    m = _UNKNOWN_FAMILY.search(exc.message) if isinstance(exc, FontError) else None
    if m is None or brand.path is None:
        return exc
    family = m.group("family")
    default_types = load_brand(None).types
    for role, spec in brand.types.items():
        if spec.get("family") == family and default_types.get(role, {}).get("family") != family:
            return exc.replace(message=f"{exc.message} (the brand kit's [type.{role}] family)",
                               location=Location(file=display_path(brand.path),
                                                 field=f"type.{role}.family"))
    return exc


# ---------------------------------------------------------------------------
# one record


@dataclass
class Settings:
    """Everything a render worker needs, as plain picklable values (a
    :class:`Template` holds Jinja environments and is loaded in each
    process instead)."""

    template_dir: Path
    brand_path: Path | None
    format_names: list[str]
    out_dir: Path
    image_ext: str
    search_dirs: list[Path]
    source: str | None
    columns: list[str]


@dataclass
class RecordResult:
    """The outcome of one record.

    ``status`` is ``ok``, ``warning`` or ``failed``; ``outputs`` maps a format
    name to its ``image``/``caption``/``alt`` paths relative to the output
    folder; ``error`` is the failure's :meth:`LibmediaError.to_dict` (kind,
    message, location, hint) or None.
    """

    row: int
    title: str
    status: str
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    error: dict | None = None

    def to_dict(self) -> dict:
        """The record's entry in ``manifest.json``."""
        out = {"row": self.row, "title": self.title, "status": self.status,
               "outputs": self.outputs, "warnings": [w.to_dict() for w in self.warnings]}
        if self.error is not None:
            out["error"] = self.error
        return out


class RecordRenderer:
    """Renders records to files with one template, brand kit and set of
    formats, loaded once (one per worker process)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.template = load_template(settings.template_dir)
        self.brand = load_brand(settings.brand_path)
        self.formats = [get_format(n) for n in settings.format_names]

    def render(self, record: Record, fmt: Format) -> Rendered:
        """One post of ``record`` in ``fmt``; raises :class:`LibmediaError`."""
        s = self.settings
        return render(RenderInput(self.template, [record], fmt, self.brand,
                                  search_dirs=s.search_dirs, source=s.source, columns=s.columns))

    def process(self, record: Record) -> RecordResult:
        """Render ``record`` in every format and write its files.

        Never raises: a user error or an unexpected exception becomes a
        ``failed`` result, and nothing of the record is left on disk.
        """
        s = self.settings
        title = record.fields.get("title", "")
        stem = output_stem(record.row, title)
        try:
            files, warnings = self._encode_all(record, stem)
            _write_all(files)
        except LibmediaError as exc:
            return RecordResult(record.row, title, FAILED, warnings=list(record.warnings),
                                error=_located(exc, s.source, record.row).to_dict())
        except OSError as exc:
            err = OutputError(f"cannot write the output files: {exc.strerror or exc}",
                              Location(file=exc.filename and display_path(exc.filename)),
                              hint="check that the output folder is writable and the disk "
                                   "has free space")
            return RecordResult(record.row, title, FAILED, warnings=list(record.warnings),
                                error=_located(err, s.source, record.row).to_dict())
        except Exception as exc:  # noqa: BLE001 - one record's bug must not stop the batch
            return RecordResult(record.row, title, FAILED, warnings=list(record.warnings),
                                error=internal_error(exc, s.source, record.row).to_dict())
        outputs = {f.name: output_paths(s.out_dir, stem, f.name, s.image_ext).relative_to(s.out_dir)
                   for f in self.formats}
        return RecordResult(record.row, title, WARNING if warnings else OK, outputs, warnings)

    def _encode_all(self, record: Record, stem: str) -> tuple[list[tuple[Path, bytes]], list[Diagnostic]]:
        """Every file of the record as bytes, before anything is written."""
        s = self.settings
        problems = check_required(self.template, record, s.source)
        if problems:
            raise problems[0] if len(problems) == 1 else ProblemList(problems)
        files: list[tuple[Path, bytes]] = []
        found: list[tuple[str, list[Diagnostic]]] = []
        for fmt in self.formats:
            result = self.render(record, fmt)
            paths = output_paths(s.out_dir, stem, fmt.name, s.image_ext)
            files += [(paths.image, encode_image(result.image, _codec(s.image_ext))),
                      (paths.caption, result.caption.encode("utf-8")),
                      (paths.alt, result.alt.encode("utf-8"))]
            found.append((fmt.name, result.warnings))
        return files, merge_formats(found)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def _codec(ext: str) -> str:
    """Pillow codec for a file extension (``png``, ``jpg``/``jpeg``)."""
    ext = ext.lower().lstrip(".")
    if ext not in ("png", "jpg", "jpeg"):
        raise ValueError(f"cannot write .{ext} images: use .png or .jpg")
    return "jpeg" if ext in ("jpg", "jpeg") else "png"


def _write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write each file atomically; on a failure remove the ones already written."""
    done: list[Path] = []
    try:
        for path, data in files:
            atomic_write_bytes(path, data)
            done.append(path)
    except BaseException:
        for path in done:
            path.unlink(missing_ok=True)
        raise


def _located(exc: LibmediaError, source: str | None, row: int | None) -> LibmediaError:
    """``exc`` with the data file and row filled in where its location lacks them."""
    return exc.located(source, row) if exc.location.row is None and row else exc


def internal_error(exc: BaseException, source: str | None, row: int | None) -> LibmediaError:
    """An unexpected exception as a reportable error of kind ``internal``."""
    return InternalError(
        f"internal error ({type(exc).__name__}: {exc}); this is a bug in libmedia, not in "
        "your data: please report it",
        Location(file=source, row=row or None),
        hint="report it at the libmedia issue tracker with this row of the data and the "
             "template name; the other records are not affected")


# ---------------------------------------------------------------------------
# many records


_WORKER: RecordRenderer | None = None


def _init_worker(settings: Settings) -> None:
    """Process-pool initialiser: load the template, brand and formats once."""
    global _WORKER
    _WORKER = RecordRenderer(settings)


def _work(record: Record) -> RecordResult:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.process(record)


def default_jobs(renders: int) -> int:
    """Worker processes used when the user does not choose: one per CPU core
    up to :data:`MAX_DEFAULT_JOBS`, and 1 (in-process) for fewer than
    :data:`MIN_RENDERS_FOR_POOL` images, where starting workers costs more
    than it saves."""
    if renders < MIN_RENDERS_FOR_POOL:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_JOBS, cores))


#: Called after each record with (records done, records in all, failures so far).
ProgressFn = Callable[[int, int, int], None]


def render_records(settings: Settings, records: Sequence[Record], jobs: int = 1,
                   progress: ProgressFn | None = None) -> list[RecordResult]:
    """Render ``records`` to files, in ``jobs`` processes (1 = in this process).

    Returns one :class:`RecordResult` per record, in the order given,
    whatever order the workers finish in.  Workers are started with
    ``spawn`` (the same on Linux, macOS and Windows).
    """
    total = len(records)
    results: list[RecordResult | None] = [None] * total
    failures = done = 0

    def finished(i: int, result: RecordResult) -> None:
        nonlocal failures, done
        results[i] = result
        done += 1
        failures += result.status == FAILED
        if progress:
            progress(done, total, failures)

    if progress:
        progress(0, total, 0)
    if jobs <= 1 or total <= 1:
        renderer = RecordRenderer(settings)
        for i, rec in enumerate(records):
            finished(i, renderer.process(rec))
    else:
        _render_in_pool(settings, records, jobs, finished)
    return [r for r in results if r is not None]


def _render_in_pool(settings: Settings, records: Sequence[Record], jobs: int,
                    finished: Callable[[int, RecordResult], None]) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(records)), mp_context=ctx,
                             initializer=_init_worker, initargs=(settings,)) as pool:
        futures: dict[Future, int] = {pool.submit(_work, rec): i for i, rec in enumerate(records)}
        try:
            for fut in as_completed(futures):
                i = futures[fut]
                finished(i, _pool_result(fut, records[i], settings))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _pool_result(fut: Future, record: Record, settings: Settings) -> RecordResult:
    """A worker's result, or a ``failed`` result when the worker died or the
    pool could not start (the error names the cause)."""
    try:
        return fut.result()
    except BrokenProcessPool as exc:
        err = internal_error(exc, settings.source, record.row).replace(
            message="a render worker process stopped unexpectedly (out of memory, or a crash "
                    "in an image or font library) before this record was done; "
                    "this is a bug in libmedia: please report it")
        return RecordResult(record.row, record.fields.get("title", ""), FAILED,
                            error=err.to_dict())
    except LibmediaError as exc:  # the worker's initialiser failed (template or brand)
        return RecordResult(record.row, record.fields.get("title", ""), FAILED,
                            error=_located(exc, settings.source, record.row).to_dict())
    except Exception as exc:  # noqa: BLE001
        return RecordResult(record.row, record.fields.get("title", ""), FAILED,
                            error=internal_error(exc, settings.source, record.row).to_dict())


@dataclass
class BatchReport:
    """What a batch did.

    ``results`` one per record in data-row order; ``warnings`` file-level
    warnings (encoding, missing optional columns); ``manifest`` the path of
    ``manifest.json``; ``jobs`` the number of worker processes used;
    ``brand`` the brand kit file (None: the default kit, named
    ``brand_name``); ``removed`` the previous run's files this run deleted
    (see :func:`remove_stale_outputs`).
    """

    template: str
    data: str
    out_dir: Path
    formats: list[str]
    results: list[RecordResult]
    warnings: list[Diagnostic]
    manifest: Path
    jobs: int
    brand: Path | None = None
    encoding: str = ""
    delimiter: str = ""
    brand_name: str = ""
    removed: list[Path] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many records ended with ``status`` (``ok``, ``warning``, ``failed``)."""
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[RecordResult]:
        """The failed records, in row order."""
        return [r for r in self.results if r.status == FAILED]

    def to_manifest(self) -> dict:
        """The content of ``manifest.json`` (no timestamps: same input, same bytes)."""
        return {
            "libmedia": __version__,
            "template": self.template,
            "data": self.data,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "brand": display_path(self.brand) if self.brand else None,
            "formats": self.formats,
            "summary": {"records": len(self.results), OK: self.count(OK),
                        WARNING: self.count(WARNING), FAILED: self.count(FAILED)},
            "warnings": [w.to_dict() for w in self.warnings],
            "records": [r.to_dict() for r in self.results],
        }


def run_batch(template_name: str, data_path: str | Path, formats: Sequence[str] = (),
              out_dir: str | Path = DEFAULT_OUT, jobs: int | None = None,
              brand_path: str | Path | None = None, jpeg: bool = False,
              progress: ProgressFn | None = None) -> BatchReport:
    """Render every record of ``data_path`` with a template into ``out_dir``
    and write ``out_dir/manifest.json``.

    ``formats`` format names (default: the template's first; ``"all"``);
    ``jobs`` worker processes (None: :func:`default_jobs`); ``jpeg`` writes
    ``.jpg`` instead of ``.png``; ``progress`` see :data:`ProgressFn`.

    Raises :class:`LibmediaError` before anything is written when the run
    cannot start: unknown template or format, invalid brand kit, unreadable
    data file, no records, a required field without a column, or a template
    or brand kit that cannot render its own sample (:func:`preflight`).
    Records that fail are reported in the result and the manifest, never
    raised.  Once the new manifest is written, the files the previous
    manifest in ``out_dir`` listed and this run did not make are removed
    (:attr:`BatchReport.removed`).
    """
    template = open_template(template_name)
    fmts = resolve_formats(template, formats)
    brand, brand_file = resolve_brand(brand_path, Path(data_path))
    dataset = read_data(data_path)
    file_warnings = [*dataset.warnings, *fit_data(template, dataset)]
    preflight(template, fmts, brand)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(template.path, brand_file, [f.name for f in fmts], out,
                        "jpg" if jpeg else "png", cover_search_dirs(dataset.path, cwd=True),
                        display_path(dataset.path), list(dataset.columns))
    n_jobs = jobs if jobs is not None else default_jobs(len(dataset.records) * len(fmts))
    results = render_records(settings, dataset.records, n_jobs, progress)
    report = BatchReport(template.name, display_path(dataset.path), out, settings.format_names,
                         results, file_warnings, out / MANIFEST, n_jobs, brand_file,
                         dataset.encoding, dataset.delimiter, brand.name)
    previous = previous_outputs(out)  # read before the new manifest replaces it
    text = json.dumps(report.to_manifest(), ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(report.manifest, text.encode("utf-8"))
    made = {p for r in results for paths in r.outputs.values() for p in paths.values()}
    report.removed, problems = remove_stale_outputs(out, previous - made)
    report.warnings += problems
    return report


# ---------------------------------------------------------------------------
# outputs of the previous run

#: The names a batch gives its files (see :func:`output_stem`,
#: :func:`output_paths`): only files named so are ever removed.
_OUTPUT_NAME = re.compile(
    r"(?:\d{4,}|sample)-[a-z0-9-]+\.[a-z0-9-]+\.(?:png|jpe?g|caption\.txt|alt\.txt)")


def manifest_outputs(manifest: dict) -> set[str]:
    """Every file a manifest lists (image, caption, alt of each record and
    format), as paths relative to its folder."""
    out: set[str] = set()
    records = manifest.get("records") if isinstance(manifest, dict) else None
    for rec in records if isinstance(records, list) else []:
        outputs = rec.get("outputs") if isinstance(rec, dict) else None
        for paths in (outputs or {}).values() if isinstance(outputs, dict) else []:
            if isinstance(paths, dict):
                out.update(v for v in paths.values() if isinstance(v, str))
    return out


def previous_outputs(out_dir: Path) -> set[str]:
    """The files the ``manifest.json`` already in ``out_dir`` lists; empty
    when there is none, or it is not a libmedia manifest (unreadable, not
    JSON, no ``libmedia`` key)."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(data, dict) or "libmedia" not in data:
        return set()
    return manifest_outputs(data)


def remove_stale_outputs(out_dir: Path, stale: set[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Delete the files ``stale`` names in ``out_dir`` (paths relative to it,
    from a previous manifest).

    Only libmedia's own outputs are touched: a plain file directly in
    ``out_dir`` named as a batch names its files; any other entry (a path
    into another folder, ``manifest.json``, a folder) is skipped.  Returns
    the files removed, sorted, and a warning for each that could not be.
    """
    removed: list[Path] = []
    problems: list[Diagnostic] = []
    for rel in sorted(stale):
        if "/" in rel or "\\" in rel or not _OUTPUT_NAME.fullmatch(rel):
            continue
        path = Path(out_dir) / rel
        if not path.is_file():
            continue
        try:
            path.unlink()
        except OSError as exc:
            problems.append(Diagnostic.warning(f"could not remove {rel}, a file of the previous run: "
                                     f"{exc.strerror or exc}",
                                     Location(file=display_path(path)), "stale-output"))
            continue
        removed.append(path)
    return removed, problems


# ---------------------------------------------------------------------------
# one post (``libmedia render``)

DUMP_STAGES = ("markup", "document", "layout")


@dataclass
class SingleReport:
    """What ``render_single`` did.

    ``outputs`` the files written (None when only dumping or on failure);
    ``dump`` the text of the stage asked for; ``warnings`` every warning;
    ``error`` the record's failure (an empty required field, a template
    error for this record...), reported here rather than raised, as in a
    batch; ``brand`` the brand kit file (None: the default kit, named
    ``brand_name``).
    """

    record: Record
    format: str
    outputs: OutputPaths | None = None
    dump: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    error: LibmediaError | None = None
    brand: Path | None = None
    brand_name: str = ""


def pick_record(dataset: DataSet, row: int | None) -> Record:
    """The record at data row ``row`` (1-based, as a spreadsheet counts),
    or the first record when ``row`` is None.  Raises :class:`DataError`
    naming the rows the file has."""
    if row is None:
        return dataset.records[0]
    for rec in dataset.records:
        if rec.row == row:
            return rec
    rows = [r.row for r in dataset.records]
    raise DataError(f"the file has no record at row {row}", Location(file=display_path(dataset.path)),
                    hint=f"rows run from {rows[0]} to {rows[-1]} ({len(rows)} records; blank rows "
                         "are counted but have no record)")


def render_single(template_name: str, data_path: str | Path | None = None, row: int | None = None,
                  format_name: str | None = None, output: str | Path | None = None,
                  brand_path: str | Path | None = None, dump: str | None = None,
                  out_dir: str | Path = DEFAULT_OUT) -> SingleReport:
    """Render one post: the record at ``row`` of ``data_path``, or the
    template's own sample when ``data_path`` is None.

    ``output`` is the image path (``.png`` or ``.jpg``), caption and alt go
    beside it; default ``out_dir/<stable name>``.  With ``dump`` (one of
    :data:`DUMP_STAGES`) the pipeline runs only as far as that stage and
    nothing is written unless ``output`` is also given.

    Raises :class:`LibmediaError` when the render cannot start (unknown
    template or format, invalid brand kit, unreadable data, no such row, a
    required field without a column).  A failure of the record itself is
    returned in :attr:`SingleReport.error`.  ``ValueError`` for an
    ``output`` that does not end in ``.png``/``.jpg`` or an unknown ``dump``.
    """
    if output is not None:
        _codec(Path(output).suffix)  # a wrong extension fails before any work
    if dump is not None and dump not in DUMP_STAGES:
        raise ValueError(f"unknown stage {dump!r}: use one of {', '.join(DUMP_STAGES)}")
    template = open_template(template_name)
    fmts = resolve_formats(template, [format_name] if format_name else [])
    if len(fmts) > 1:
        raise FormatError(f"render makes one image, in one format; '{format_name}' names "
                          f"{len(fmts)}", hint="name one format, or use 'libmedia batch' with "
                                               "--format all for every format")
    fmt = fmts[0]
    data = Path(data_path) if data_path is not None else None
    brand, brand_file = resolve_brand(brand_path, data)
    file_warnings: list[Diagnostic] = []
    if data is None:
        record = sample_records(template)[0]
        inp = RenderInput(template, [record], fmt, brand, search_dirs=[template.path],
                          source=display_path(template.path / "template.toml"))
    else:
        dataset = read_data(data)
        file_warnings = [*dataset.warnings, *fit_data(template, dataset)]
        record = pick_record(dataset, row)
        inp = RenderInput(template, [record], fmt, brand, search_dirs=cover_search_dirs(data, cwd=True),
                          source=display_path(data), columns=list(dataset.columns))
    report = SingleReport(record, fmt.name, warnings=file_warnings, brand=brand_file,
                          brand_name=brand.name)
    try:
        problems = check_required(template, record, inp.source)
        if problems:
            raise problems[0] if len(problems) == 1 else ProblemList(problems)
        if dump is not None and output is None:
            report.dump, warnings = _dump_stage(inp, dump)
            report.warnings += warnings
            return report
        result = render(inp)
    except LibmediaError as exc:
        report.error = _located(exc, inp.source, record.row)
        report.warnings += [w for w in record.warnings if w not in report.warnings]
        return report
    report.warnings = [*file_warnings, *result.warnings]
    if output is not None:
        paths = sidecar_paths(Path(output))
    else:
        stem = output_stem(record.row, record.fields.get("title", ""))
        paths = output_paths(Path(out_dir), stem, fmt.name, "png")
    _write_all([(paths.image, encode_image(result.image, _codec(paths.image.suffix.lstrip(".")))),
                (paths.caption, result.caption.encode("utf-8")),
                (paths.alt, result.alt.encode("utf-8"))])
    report.outputs = paths
    if dump is not None:
        report.dump = _dump_rendered(result, dump)
    return report


def _dump_stage(inp: RenderInput, stage: str) -> tuple[str, list[Diagnostic]]:
    """Run the pipeline as far as ``stage`` and return its text and the
    warnings found on the way."""
    from .dump import dump_document, dump_layout
    from .render import render_until

    done = render_until(inp, "layout" if stage not in ("markup", "document") else stage)
    if stage == "markup":
        return done.markup, done.warnings
    if stage == "document":
        return dump_document(done.document), done.warnings
    return dump_layout(done.page), done.warnings


def _dump_rendered(result: Rendered, stage: str) -> str:
    from .dump import dump_document, dump_layout

    if stage == "markup":
        return result.markup
    if stage == "document":
        return dump_document(result.document)
    return dump_layout(result.page)
