"""Compatibility names for code written against ``libmedia.batch``.

The batch was split along its seams: job setup and pre-flight in
:mod:`libmedia.jobs`; file names in :mod:`libmedia.run.names`; the render
task in :mod:`libmedia.run.task`; the executor loop in
:mod:`libmedia.run.schedule`; the output folder, lock and manifest in
:mod:`libmedia.run.outputs`; the batch coordinator in
:mod:`libmedia.run.coordinator`; one post in :mod:`libmedia.run.single`.
New code imports from those modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .jobs import (
    PREFLIGHT_FATAL,
    cover_search_dirs,
    fit_data,
    internal_error,
    missing_optional,
    open_template,
    pick_record,
    preflight,
    read_data,
    resolve_brand,
    resolve_formats,
)
from .run.coordinator import DEFAULT_OUT, BatchReport, ProgressFn, run_batch
from .run.names import IMAGE_SUFFIXES, SLUG_MAX, output_stem, title_slug
from .run.outputs import MANIFEST
from .run.schedule import MAX_DEFAULT_JOBS, MIN_RENDERS_FOR_POOL, default_jobs
from .run.single import (
    DUMP_STAGES,
    OutputPaths,
    SingleReport,
    output_paths,
    render_single,
    sidecar_paths,
)
from .run.task import FAILED, OK, WARNING, TaskResult
from .sources import Record


@dataclass
class Settings:
    """The pre-split worker settings, for :func:`render_records` (benchmarks)."""

    template_dir: Path
    brand_path: Path | None
    format_names: list[str]
    out_dir: Path
    image_ext: str
    search_dirs: list[Path]
    source: str | None
    columns: list[str]


def render_records(settings: Settings, records: Sequence[Record], jobs: int = 1,
                   progress: ProgressFn | None = None) -> list[TaskResult]:
    """Render one-record posts of ``records`` into ``settings.out_dir``
    without a manifest, lock or pre-flight; one result per record in the
    order given.  Kept for benchmarks; a batch uses :func:`run_batch`."""
    from .run.outputs import OutputFolder
    from .run.schedule import run_tasks
    from .run.task import RenderTask

    folder = OutputFolder(settings.out_dir)
    folder.path.mkdir(parents=True, exist_ok=True)
    tasks = [RenderTask(i, (r,), "image", Path(settings.template_dir).resolve(),
                        settings.brand_path, tuple(settings.format_names), settings.image_ext,
                        tuple(settings.search_dirs), settings.source, tuple(settings.columns),
                        output_stem(r.row, r.fields.get("title", "")))
             for i, r in enumerate(records)]
    results: list[TaskResult | None] = [None] * len(tasks)
    failures = 0

    def on_result(res: TaskResult) -> None:
        nonlocal failures
        folder.write(res)
        results[res.index] = res
        failures += res.status == FAILED
        if progress:
            progress(sum(r is not None for r in results), len(tasks), failures)

    run_tasks(tasks, on_result, jobs=jobs)
    return [r for r in results if r is not None]


__all__ = [
    "DEFAULT_OUT", "DUMP_STAGES", "FAILED", "IMAGE_SUFFIXES", "MANIFEST", "MAX_DEFAULT_JOBS",
    "MIN_RENDERS_FOR_POOL", "OK", "PREFLIGHT_FATAL", "SLUG_MAX", "WARNING", "BatchReport",
    "OutputPaths", "Settings", "SingleReport", "cover_search_dirs", "default_jobs", "fit_data",
    "internal_error", "missing_optional", "open_template", "output_paths", "output_stem",
    "pick_record", "preflight", "read_data", "render_records", "render_single",
    "resolve_brand", "resolve_formats", "run_batch", "sidecar_paths", "title_slug",
]
