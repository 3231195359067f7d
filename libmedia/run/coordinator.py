"""The coordinator of a batch: plan, run, write, report.

:func:`run_batch` opens a job (:func:`libmedia.jobs.open_job`), plans its
tasks, takes the output folder (:class:`~libmedia.run.outputs.OutputFolder`:
lock, writable check, leftover temporary files), runs the tasks on an
executor (:func:`~libmedia.run.schedule.run_tasks`) and, in this process
only, writes each result's files and the manifest as results arrive.
The report and the progress calls are the same for every executor.

* ``--resume``: a post whose previous manifest entry has the same input
  digest (:func:`libmedia.jobs.task_digest`: template folder, record, brand
  kit, fonts, assets, formats) and whose files are all on disk with the
  listed sizes is not rendered again; its entry is kept.
* Ctrl-C: the run stops (:attr:`BatchReport.stopped` ``"interrupted"``),
  the manifest lists what was made plus the previous entries of the posts
  not reached, nothing is removed; ``--resume`` makes the rest.
* A full disk or an unwritable folder stops the run at the first failed
  write (:attr:`BatchReport.error`), the same way.

Nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import __version__
from ..errors import Diagnostic, LibmediaError, OutputError, display_path
from .outputs import (
    MANIFEST,
    ManifestWriter,
    OutputFolder,
    disk_error,
    entry_is_on_disk,
    entry_key,
    entry_names,
    manifest_entries,
    read_manifest,
    result_entry,
)
from .task import FAILED, OK, WARNING, TaskResult

#: Where outputs go when no ``--out`` is given (relative to the working folder).
DEFAULT_OUT = Path("out")

#: Called after each post with (posts done, posts in all, failures so far).
ProgressFn = Callable[[int, int, int], None]


@dataclass
class BatchReport:
    """What a batch did.

    ``results`` one per task (post) made or tried in this run, in data-row
    order; ``reused`` the number of posts ``--resume`` kept from the previous
    run; ``warnings`` file-level warnings; ``manifest`` the path of
    ``manifest.json``; ``jobs`` worker processes (0: an external executor);
    ``brand`` the brand kit file (None: the default kit, named
    ``brand_name``); ``removed`` the previous run's files this run deleted;
    ``stopped`` ``"interrupted"`` after Ctrl-C, ``"error"`` after a write
    failure (``error``), else None; ``planned`` the posts the job has.
    """

    template: str
    data: str
    out_dir: Path
    formats: list[str]
    results: list[TaskResult]
    warnings: list[Diagnostic]
    manifest: Path
    jobs: int
    brand: Path | None = None
    encoding: str = ""
    delimiter: str = ""
    brand_name: str = ""
    removed: list[Path] = field(default_factory=list)
    #: the template's kind: ``image``, ``carousel`` or ``video`` (a post is then a clip)
    kind: str = "image"
    reused: int = 0
    planned: int = 0
    stopped: str | None = None
    error: LibmediaError | None = None

    def count(self, status: str) -> int:
        """How many posts of this run ended with ``status`` (``ok``, ``warning``, ``failed``)."""
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[TaskResult]:
        """The failed posts, in row order."""
        return [r for r in self.results if r.status == FAILED]


def run_batch(template_name: str, data_path: str | Path, formats: Sequence[str] = (),
              out_dir: str | Path = DEFAULT_OUT, jobs: int | None = None,
              brand_path: str | Path | None = None, jpeg: bool = False,
              progress: ProgressFn | None = None, resume: bool = False,
              scheduler: str | None = None, executor=None, clip=None,
              lang: str | None = None, per_post: int | None = None,
              read_options: dict | None = None, fetch_covers: bool = False) -> BatchReport:
    """Render every record of ``data_path`` with a template into ``out_dir``
    and write ``out_dir/manifest.json``.

    ``formats`` format names (default: the template's first; ``"all"``);
    ``jobs`` local worker processes (None: :func:`default_jobs`); ``jpeg``
    writes ``.jpg``; ``progress`` see :data:`ProgressFn`; ``resume`` renders
    only posts that are missing or changed; ``scheduler`` ``"local"`` or
    ``"tcp://HOST:PORT"`` runs the tasks on Dask (``libmedia[dask]``), the
    template and brand kit travel with the tasks; ``executor`` any
    :class:`concurrent.futures.Executor` to use instead (not shut down here);
    ``clip`` a video template's :class:`libmedia.motion.clip.ClipOptions`;
    ``read_options`` go to the data file's reader (a calendar's
    ``date_from``/``date_to``: :func:`libmedia.jobs.read_data`);
    ``lang`` (``--lang``) overrides the brand kit's language; ``per_post``
    records a post takes (None: the template's default;
    :func:`libmedia.jobs.resolve_per_post`); ``fetch_covers``
    (``--fetch-covers``) fetches web covers before planning, in this process
    (:func:`libmedia.jobs.fetch_job_covers`, ``progress`` counting covers).

    Raises :class:`LibmediaError` before anything is written when the run
    cannot start: unknown template or format, invalid brand kit, unreadable
    data, no records, a required field without a column, a template or brand
    kit that cannot render its own sample, a leftover group too small for
    the template, another run holding the folder, an unwritable folder.
    Posts that fail are in the report and the manifest, never raised.
    """
    from . import schedule
    from .schedule import MIN_RENDERS_FOR_POOL, default_jobs

    if scheduler is None and executor is None and (jobs is None or jobs > 1):
        # Workers start while the data is read and the pre-flight runs.
        schedule.prestart(jobs or default_jobs(MIN_RENDERS_FOR_POOL))
    try:
        return _open_and_run(template_name, data_path, formats, out_dir, jobs, brand_path, jpeg,
                             progress, resume, scheduler, executor, clip, lang, per_post,
                             read_options, fetch_covers)
    finally:
        schedule.discard_prestarted()


def _open_and_run(template_name, data_path, formats, out_dir, jobs, brand_path, jpeg, progress,
                  resume, scheduler, executor, clip=None, lang=None, per_post=None,
                  read_options=None, fetch_covers=False) -> BatchReport:
    from ..jobs import fetch_job_covers, open_job, plan
    from .schedule import default_jobs

    job = open_job(template_name, data_path, formats, brand_path, jpeg, clip=clip, lang=lang,
                   per_post=per_post, read_options=read_options,
                   fetch_covers=fetch_covers)
    assert job.dataset is not None
    if fetch_covers:
        fetch_job_covers(job, progress=progress)
    if scheduler is not None and executor is None:
        from contextlib import ExitStack

        from .bundle import make_bundle
        from .dask import dask_executor

        bundle = make_bundle(job.template.path, job.brand_file)
        tasks = plan(job, bundle=bundle)
        with ExitStack() as stack:
            ex = stack.enter_context(dask_executor(scheduler))
            return _run(job, tasks, Path(out_dir), 0, progress, resume, ex)
    tasks = plan(job)
    renders = len(tasks) * len(job.formats)
    n_jobs = 0 if executor is not None else (jobs if jobs is not None else default_jobs(renders))
    return _run(job, tasks, Path(out_dir), n_jobs, progress, resume, executor)


@contextmanager
def interrupts_deferred():
    """Run the block with Ctrl-C (SIGINT) and SIGTERM held: a signal that
    arrives meanwhile is delivered again, to the handler that was in place,
    when the block ends.  Only in the main thread (where Python runs signal
    handlers); elsewhere the block runs as it is."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    before = {s: h for s in (signal.SIGINT, signal.SIGTERM)
              if (h := signal.getsignal(s)) is not None}  # None: set outside Python, left alone
    for s in before:
        signal.signal(s, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        if held:
            signal.raise_signal(held[0])


def _run(job, tasks, out_dir: Path, n_jobs: int, progress, resume: bool, executor) -> BatchReport:
    from .schedule import run_tasks

    dataset = job.dataset
    with OutputFolder(out_dir) as folder:
        out = folder.path
        report = BatchReport(job.template.name, display_path(dataset.path), out,
                             [f.name for f in job.formats], [], list(job.warnings),
                             out / MANIFEST, n_jobs, job.brand_file, dataset.encoding,
                             dataset.delimiter, job.brand.name, planned=len(tasks),
                             kind=job.template.kind)
        header = {"libmedia": __version__, "template": job.template.name,
                  "kind": job.template.kind, "records_per_post": str(job.template.records),
                  "data": report.data, "encoding": dataset.encoding,
                  "delimiter": dataset.delimiter,
                  "brand": display_path(job.brand_file) if job.brand_file else None,
                  "formats": report.formats}
        previous = read_manifest(out)
        prev_entries = {entry_key(e): e for e in manifest_entries(previous)}
        writer = ManifestWriter(out / MANIFEST, header, warnings=report.warnings,
                                planned=report.planned)
        todo = []
        for t in tasks:
            old = prev_entries.get(t.stem)
            if resume and old is not None and old.get("digest") == t.digest \
                    and old.get("status") != FAILED and entry_is_on_disk(folder, old):
                writer.carried[t.stem] = old
                report.reused += 1
            else:
                todo.append(t)
        total, done, failures = len(todo), 0, 0
        results: list[TaskResult] = []

        def on_result(res: TaskResult) -> None:
            nonlocal done, failures
            if res.status == FAILED and (res.error or {}).get("code") == "worker-died":
                old = prev_entries.get(res.stem)  # keep the previous run's files of this post
                if old is not None:
                    res.kept = [a for a in old.get("artifacts") or [] if isinstance(a, dict)] or \
                        [{"name": n} for n in sorted(entry_names(old))]
            # a post's files and its manifest entry go in together: a Ctrl-C or
            # SIGTERM in between would leave files no manifest lists
            with interrupts_deferred():
                folder.write(res)  # OutputError: the folder cannot take more
                entry = result_entry(res)
                # Written: keep what the report needs, not the bytes (10,000 posts
                # of three files each would otherwise stay in this process).
                res.artifacts = [replace(a, data=None) for a in res.artifacts]
                results.append(res)
                try:
                    writer.add(res.index, entry)
                except OSError as exc:
                    raise disk_error(exc, out) from exc
            done += 1
            failures += res.status == FAILED
            if progress:
                progress(done, total, failures)

        if progress:
            progress(0, total, 0)
        try:
            run_tasks(todo, on_result, executor=executor, jobs=n_jobs)
        except KeyboardInterrupt:
            report.stopped = "interrupted"
        except OutputError as exc:
            report.stopped, report.error = "error", exc
        report.results = sorted(results, key=lambda r: r.index)
        if report.stopped:
            # Keep the previous entries of the posts this run did not reach.
            made = {r.stem for r in results}
            for key, e in prev_entries.items():
                if key not in made:
                    writer.carried.setdefault(key, e)
        writer.complete = report.stopped is None
        try:
            writer.write()
        except OSError as exc:
            # A disk too full for the manifest: remove the newest posts it does
            # not list yet, one at a time, until it fits, so the folder holds
            # only what the manifest lists (--resume makes them again).
            unlisted = sorted((r for r in results if r.index not in writer.written), key=lambda r: r.index)
            while unlisted:
                r = unlisted.pop()
                folder.remove({a.name for a in r.artifacts})
                writer.entries.pop(r.index, None)
                results.remove(r)
                try:
                    writer.write()
                    break
                except OSError:
                    continue
            report.results = sorted(results, key=lambda r: r.index)
            if report.error is None:
                report.stopped, report.error = "error", disk_error(exc, out)
            return report
        if report.stopped is None:
            kept = {n for e in writer.carried.values() for n in entry_names(e)}
            made = {n for r in results for n in (a.name for a in r.artifacts)}
            made |= {a.get("name") for r in results for a in r.kept}
            old_names = {n for e in prev_entries.values() for n in entry_names(e)}
            report.removed, problems = folder.remove(old_names - made - kept)
            report.warnings += problems
    return report


__all__ = ["BatchReport", "DEFAULT_OUT", "OK", "WARNING", "FAILED", "run_batch"]
