"""One post for a quick look (``libmedia render``), and ``--dump``.

:func:`render_single` renders one record (or the template's own sample;
for a carousel template, the carousel that holds the record, or the
template's samples) through the same job setup (:func:`libmedia.jobs.open_job`) and task
(:func:`libmedia.run.task.render_task`) as a batch, and can stop at a
pipeline stage for ``--dump``.  Nothing here prints or exits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..encode import atomic_write_bytes
from ..errors import Diagnostic, FormatError, LibmediaError, ProblemList
from ..render import Rendered, RenderInput, check_required
from ..sources import Record
from .coordinator import DEFAULT_OUT
from .names import codec, format_ext, image_name, output_stem, sidecar_name

DUMP_STAGES = ("markup", "document", "layout")


@dataclass(frozen=True)
class OutputPaths:
    """The three files of one post in one format: image, caption, alt text."""

    image: Path
    caption: Path
    alt: Path


def sidecar_paths(image: Path) -> OutputPaths:
    """Caption and alt paths beside an image: ``X.png`` -> ``X.caption.txt``, ``X.alt.txt``."""
    image = Path(image)
    return OutputPaths(image, image.with_name(sidecar_name(image.name, "caption")),
                       image.with_name(sidecar_name(image.name, "alt")))


def output_paths(out_dir: Path, stem: str, format_name: str, ext: str) -> OutputPaths:
    """The files for one record in one format: ``DIR/STEM.FORMAT.EXT`` and its sidecars."""
    return sidecar_paths(Path(out_dir) / image_name(stem, format_name, ext))


@dataclass
class SingleReport:
    """What ``render_single`` did.

    ``outputs`` the files written (None when only dumping or on failure);
    ``dump`` the text of the stage asked for; ``warnings`` every warning;
    ``error`` the record's failure, reported here rather than raised, as in
    a batch; ``brand`` the brand kit file (None: the default kit, named
    ``brand_name``); ``pages`` a carousel's slides written, in order
    (``outputs.image`` is the first; ``outputs.alt`` the first slide's alt
    text, each slide having its own), with ``rows`` the records shown.
    """

    record: Record
    format: str
    outputs: OutputPaths | None = None
    dump: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    error: LibmediaError | None = None
    brand: Path | None = None
    brand_name: str = ""
    pages: list[Path] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def render_single(template_name: str, data_path: str | Path | None = None, row: int | None = None,
                  format_name: str | None = None, output: str | Path | None = None,
                  brand_path: str | Path | None = None, dump: str | None = None,
                  out_dir: str | Path = DEFAULT_OUT, clip=None, progress=None,
                  show_safe_zones: bool = False, lang: str | None = None,
                  per_post: int | None = None, read_options: dict | None = None,
                  fetch_covers: bool = False) -> SingleReport:
    """Render one post: the record at ``row`` of ``data_path``, or the
    template's own sample when ``data_path`` is None.  A template of
    several records a post (a grid) renders the post that holds ``row``,
    grouped as a batch groups them with ``per_post`` records a post (None:
    the template's default; :func:`libmedia.jobs.post_records`).
    ``read_options`` go to the data file's reader (a calendar's
    ``date_from``/``date_to``: :func:`libmedia.jobs.read_data`).

    ``output`` is the image path (``.png`` or ``.jpg``; a format the
    platform takes only as JPEG, such as ``tiktok-photo``, needs ``.jpg``),
    caption and alt go beside it; default ``out_dir/<stable name>``, with
    the format's extension (:func:`~libmedia.run.names.format_ext`).  With
    ``show_safe_zones`` the image has the format's unsafe bands drawn over it
    (:func:`libmedia.draw.safe_zone_overlay`) and its default name is
    ``STEM.FORMAT.safe-zones.EXT`` (``-o x.png`` becomes ``x.safe-zones.png``),
    so it is never taken for the post; a
    format without bands gets a ``safe-zones`` warning saying so.  A
    carousel template renders every slide of its post, numbered: ``-o week.png`` writes ``week.01.png``,
    ``week.01.alt.txt``, ``week.02.png`` ... and ``week.caption.txt``.  A video template renders
    one clip (:func:`render_single_clip`: ``clip`` options, ``progress``).  With ``dump`` (one of
    :data:`DUMP_STAGES`) the pipeline runs only as far as that stage and
    nothing is written unless ``output`` is also given.  ``lang``
    (``--lang``) overrides the brand kit's language; ``read_options`` go to
    the data file's reader (``{"sheet": "Buku"}``).  Without
    ``format_name`` the first of the brand kit's ``[formats]`` the template
    serves is used, else the template's first.  ``fetch_covers``
    (``--fetch-covers``) fetches the post's web covers first
    (:func:`libmedia.jobs.fetch_job_covers`).

    Raises :class:`LibmediaError` when the render cannot start (unknown
    template or format, invalid brand kit, unreadable data, no such row, a
    required field without a column).  A failure of the record itself is
    returned in :attr:`SingleReport.error`; :class:`OutputError` for an
    ``output`` that does not end in ``.png``/``.jpg``; ``ValueError`` for
    an unknown ``dump``.
    """
    from ..jobs import located
    from ..session import RenderSession
    from ..templating import find_template, load_template

    try:
        kind = load_template(find_template(str(template_name))).kind
    except LibmediaError:
        kind = "image"  # open_job below reports it
    if kind == "video" and show_safe_zones:
        from ..errors import OutputError

        raise OutputError(f"--show-safe-zones draws on images; template '{template_name}' makes "
                          "video clips", hint="check a clip's frames against its format's safe "
                          "zone with 'libmedia check --render', which warns about text, logos "
                          "and QR codes inside it")
    if kind == "video":
        return render_single_clip(template_name, data_path, row, format_name, output,
                                  brand_path, out_dir, clip, progress, dump, lang, per_post,
                                  read_options, fetch_covers)
    if output is not None and Path(output).suffix.lower() not in (".png", ".jpg", ".jpeg"):
        from ..errors import Location, OutputError

        raise OutputError(f"{output}: template '{template_name}' makes images, written as .png "
                          "or .jpg", Location(file=str(output)),
                          hint="name the file .png or .jpg (clips, .mp4, come from video "
                               "templates such as new-books-reel)")
    if dump is not None and dump not in DUMP_STAGES:
        raise ValueError(f"unknown stage {dump!r}: use one of {', '.join(DUMP_STAGES)}")
    session = RenderSession(template_name, data_path, brand_path,
                            formats=[format_name] if format_name else [], lang=lang,
                            per_post=per_post, read_options=read_options,
                            fetch_covers=fetch_covers)
    job = session.job
    if format_name and len(job.formats) > 1:
        raise FormatError(f"render makes one image, in one format; '{format_name}' names "
                          f"{len(job.formats)}", hint="name one format, or use 'libmedia batch' "
                                                      "with --format all for every format")
    fmt = job.formats[0]
    ext = format_ext(fmt, "png")
    if (output is not None and fmt.file_type == "jpeg" and not show_safe_zones
            and Path(output).suffix.lower() == ".png"):
        from ..errors import Location, OutputError

        raise OutputError(f"{output}: {fmt.platform} takes '{fmt.name}' posts as JPEG, not PNG",
                          Location(file=str(output)),
                          hint=f"name the file {Path(output).with_suffix('.jpg').name}")
    records = session.post_records(row)
    record = records[0]
    inp = session.render_input(records, fmt)
    report = SingleReport(record, fmt.name, warnings=list(job.warnings), brand=job.brand_file,
                          brand_name=job.brand.name)
    try:
        problems = [p for r in records for p in check_required(job.template, r, inp.source)]
        if problems:
            raise ProblemList.of(problems)
        if dump is not None and output is None:
            report.dump, warnings = session.dump(records, fmt, dump)
            report.warnings += warnings
            return report
        result = session.render(records, fmt)
    except LibmediaError as exc:
        report.error = located(exc, inp.source, record.row)
        report.warnings += [w for r in records for w in r.warnings if w not in report.warnings]
        return report
    report.warnings = [*job.warnings, *result.warnings]
    if output is not None:
        target = Path(output)
        if show_safe_zones and ".safe-zones" not in target.name:
            # a check image is never written under a name that could be posted
            target = target.with_name(f"{target.stem}.safe-zones{target.suffix}")
        paths = sidecar_paths(target)
    else:
        stem = output_stem(record.row, job.template.file_name_text(record.fields))
        paths = output_paths(Path(out_dir), stem,
                             f"{fmt.name}.safe-zones" if show_safe_zones else fmt.name, ext)
    from ..encode import encode_image

    if job.template.kind == "carousel":
        _write_carousel(report, result, paths, records)
        if dump is not None:
            report.dump = _dump_rendered(result, dump)
        return report

    image = result.image
    if show_safe_zones:
        from ..draw import safe_zone_overlay
        from ..errors import Diagnostic, Location

        image = safe_zone_overlay(image, fmt)
        if not any(fmt.safe):
            report.warnings.append(Diagnostic.warning(
                f"format '{fmt.name}' has no safe zone ({fmt.platform}'s interface covers none "
                "of it): --show-safe-zones drew nothing", Location(file=str(paths.image)),
                "safe-zones"))
    write_all([(paths.image, encode_image(image, codec(paths.image.suffix))),
               (paths.caption, result.caption.encode("utf-8")),
               (paths.alt, result.alt.encode("utf-8"))])
    report.outputs = paths
    if dump is not None:
        report.dump = _dump_rendered(result, dump)
    return report


def _write_carousel(report: SingleReport, result: Rendered, paths: OutputPaths,
                    records: list[Record]) -> None:
    """Write a carousel's slides (``X.01.png`` ...), each slide's alt text
    (``X.01.alt.txt`` ...) and the post's caption (``X.caption.txt``) for
    the single image path ``paths.image`` names (``X.png``)."""
    from ..encode import encode_image

    image = paths.image
    if re.search(r"\.\d{2,}$", image.stem) is None:  # X.png -> X.01.png; X.01.png stays
        image = image.with_name(f"{image.stem}.01{image.suffix}")
    base = re.sub(r"\.\d{2,}$", "", image.stem)
    pages = [image.with_name(f"{base}.{i:02d}{image.suffix}") for i in range(1, len(result.pages) + 1)]
    alts = [p.with_name(sidecar_name(p.name, "alt", per_page=True)) for p in pages]
    files = [(pages[i], encode_image(page, codec(image.suffix))) for i, page in enumerate(result.pages)]
    files += [(alts[i], text.encode("utf-8")) for i, text in enumerate(result.alts)]
    files.append((paths.caption, result.caption.encode("utf-8")))
    write_all(files)
    report.outputs = OutputPaths(pages[0], paths.caption, alts[0])
    report.pages = pages
    report.rows = [r.row for r in records]


def write_all(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write each (path, bytes) atomically, all or none: when one fails, the
    ones already written are removed and the error raised.  Returns the
    paths."""
    written: list[Path] = []
    try:
        for path, data in files:
            atomic_write_bytes(path, data)
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _dump_rendered(result: Rendered, stage: str) -> str:
    from ..dump import dump_document, dump_layout

    if stage == "markup":
        return result.markup
    if stage == "document":
        return dump_document(result.document)
    return dump_layout(result.page)


@dataclass
class ClipReport:
    """What :func:`render_single_clip` did: ``files`` the paths written
    (video first), ``rows`` the records in the clip, ``duration`` seconds;
    ``warnings``, ``error`` (returned, not raised) and the brand kit as
    :class:`SingleReport`."""

    rows: list[int]
    format: str
    files: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    error: LibmediaError | None = None
    brand: Path | None = None
    brand_name: str = ""
    duration: float = 0.0
    dump: str | None = None

    @property
    def outputs(self):
        return self.files or None


def render_single_clip(template_name: str, data_path: str | Path | None = None,
                       row: int | None = None, format_name: str | None = None,
                       output: str | Path | None = None, brand_path: str | Path | None = None,
                       out_dir: str | Path = DEFAULT_OUT, clip=None, progress=None,
                       dump: str | None = None, lang: str | None = None,
                       per_post: int | None = None, read_options: dict | None = None,
                       fetch_covers: bool = False) -> ClipReport:
    """Render one clip of a video template: the records of the post that
    holds data row ``row`` (the first post by default), or the template's
    own samples.  ``output`` is the ``.mp4`` path (its cover, subtitles,
    caption and alt text go beside it); default ``out_dir/<stable name>``.
    ``progress(done, total)`` is called per encoded frame.  ``dump`` (one
    of :data:`DUMP_STAGES`) stops there and encodes nothing: the layout is
    every scene's page in turn.  ``per_post``: records a clip takes, as for
    a batch (None: the template's default); ``fetch_covers`` as for
    :func:`render_single`.

    Raises :class:`LibmediaError` when the render cannot start; the clip's
    own failure is returned in :attr:`ClipReport.error`; :class:`OutputError`
    for an ``output`` that does not end in ``.mp4``.
    """
    from ..jobs import fetch_job_covers, located, post_groups
    from ..motion.clip import ClipOptions, render_clip
    from ..render import fonts_for
    from ..session import RenderSession
    from .names import clip_names

    if output is not None and Path(output).suffix.lower() != ".mp4":
        from ..errors import Location, OutputError

        raise OutputError(f"{output}: template '{template_name}' makes video clips, written as .mp4",
                          Location(file=str(output)), hint="name the file .mp4, e.g. -o reel.mp4")
    session = RenderSession(template_name, data_path, brand_path,
                            formats=[format_name] if format_name else [], lang=lang,
                            per_post=per_post, read_options=read_options,
                            fetch_covers=fetch_covers, clip=clip)
    job = session.job
    if format_name and len(job.formats) > 1:
        raise FormatError(f"render makes one clip, in one format; '{format_name}' names "
                          f"{len(job.formats)}", hint="name one format, or use 'libmedia batch'")
    fmt = job.formats[0]
    groups = post_groups(job)
    group = groups[0]
    if row is not None:
        group = next((g for g in groups if any(r.row == row for r in g)), None)
        if group is None:
            from ..errors import DataError, Location

            raise DataError(f"there is no row {row}", Location(file=job.source),
                            hint=f"rows run from 1 to {len(job.records)}")
    if fetch_covers and job.dataset is not None:
        fetch_job_covers(job, group)
    report = ClipReport([r.row for r in group], fmt.name, warnings=list(job.warnings),
                        brand=job.brand_file, brand_name=job.brand.name)
    inp = job.render_input(group, fmt)
    try:
        problems = [p for r in group for p in check_required(job.template, r, inp.source)]
        if problems:
            raise ProblemList.of(problems)
        if dump is not None:
            report.dump = _dump_video(inp, dump, clip or ClipOptions())
            return report
        done = render_clip(inp, fonts_for(inp), clip or ClipOptions(), progress)
    except LibmediaError as exc:
        report.error = located(exc, inp.source, group[0].row)
        return report
    report.warnings = [*job.warnings, *done.warnings]
    report.duration = done.duration
    if output is not None:
        video = Path(output)
        base = video.with_suffix("")
        paths = {"video": video, "cover": Path(f"{base}.cover.jpg"), "vtt": Path(f"{base}.vtt"),
                 "srt": Path(f"{base}.srt"), "caption": Path(f"{base}.caption.txt"),
                 "alt": Path(f"{base}.alt.txt")}
    else:
        stem = output_stem(group[0].row, job.template.file_name_text(group[0].fields))
        draft = bool(clip and clip.draft)
        paths = {k: Path(out_dir) / v for k, v in clip_names(stem, fmt.name, draft).items()}
    data = {"video": done.mp4, "cover": done.cover, "vtt": done.vtt.encode("utf-8"),
            "srt": done.srt.encode("utf-8"), "caption": done.caption.encode("utf-8"),
            "alt": done.alt.encode("utf-8")}
    report.files = write_all([(path, data[key]) for key, path in paths.items()])
    return report


def _dump_video(inp: RenderInput, stage: str, clip) -> str:
    """A video template's markup, document, or every scene's layout (with
    its start, duration and transition), as text."""
    from ..dump import dump_document, dump_layout
    from ..markup import parse_markup
    from ..motion.build import lay_out_video
    from ..render import build_context, fonts_for
    from ..templating import render_markup

    if stage in ("markup", "document"):
        context = build_context(inp.template, inp.records, inp.brand, inp.format,
                                source=inp.source, columns=inp.columns)
        context["subtitles"] = 0
        markup = render_markup(inp.template, context)
        if stage == "markup":
            return markup
        return dump_document(parse_markup(markup, str(inp.template.path / "layout.xml.j2"),
                                          expect="video"))
    video = lay_out_video(inp, fonts_for(inp), clip.burn_subtitles)
    parts, start = [], 0.0
    for i, scene in enumerate(video.scenes):
        if i and scene.transition != "cut":
            start -= scene.transition_duration
        parts.append(f"scene {i + 1} at {start:.2f} s, {scene.duration:g} s, "
                     f"{scene.transition} {scene.transition_duration:g} s\n" + dump_layout(scene.page))
        start += scene.duration
    return "\n".join(parts)
