"""Check a data file against a template without rendering (``libmedia check``).

What is checked, and how each finding is graded:

* the template and brand kit: the same pre-flight as a batch
  (:func:`libmedia.jobs.preflight`) renders the template's own sample in
  each format, so an unknown type role or a brand font that does not exist
  makes the input unusable (exit 2), as it would stop the batch;
* the file as a whole: the encoding and delimiter used, how each column
  mapped to a field, the columns no field uses; a required field with no
  column makes the input unusable (:class:`ProblemList`, exit 2);
* every record: a required field that is empty (``error``: the record will
  not be rendered), the reader's own warnings such as an invalid ISBN
  (``warning``), and each image field (covers): empty, missing, damaged or
  cut off (``warning`` with the code a batch writes, ``placeholder``: the
  post gets a typographic cover instead), and what a batch notes about a
  cover it can use (a CMYK file without a colour profile...).  Cover paths
  resolve as in a batch: relative to the data file's folder, then its
  ``covers/`` subfolder, then the working folder.  Every cover is decoded
  in full, as a batch decodes it, but at the smallest scale
  (:func:`libmedia.assets.verify_image`), so a file cut off in its last
  rows is found here and not only in the batch; a JPEG complete but for
  its end marker is used by both without a word.

:func:`group_problems` folds findings that differ only in their row (the
same web-address cover in 21 rows) into one, with the rows.

Nothing here prints or exits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .assets import verify_image
from .diagnostics import ERROR, WARNING  # noqa: F401 - the CLI reads both from here
from .errors import Diagnostic, ImageError, LibmediaError, Location, display_path
from .render import check_required
from .sources import DataSet, Record
from .templating import Template
from .webcovers import told_about_cover

#: A finding of ``libmedia check``: a :class:`Diagnostic` whose location
#: holds the data row, the template field and (``header``) the data file's
#: column when that has another name (``isbn`` from ``ISBN13``).
Problem = Diagnostic


@dataclass
class CheckReport:
    """The result of :func:`check_data`.

    ``mapping`` file column -> field name (None for an unused column);
    ``missing_optional`` template fields the file has no column for;
    ``problems`` every finding, in row order.
    """

    template: str
    data: str
    encoding: str
    delimiter: str
    records: int
    mapping: dict[str, str | None]
    required: list[str]
    missing_optional: list[str]
    file_warnings: list[Diagnostic] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    brand: Path | None = None
    #: records per post, in order, for a template that puts several in one (a clip, a carousel)
    posts: list[int] = field(default_factory=list)
    kind: str = "image"
    #: the language the posts are written in (``--lang`` or the brand kit's) and their formats
    language: str = ""
    formats: list[str] = field(default_factory=list)
    #: images per post, in order, for a carousel (its records, intro and outro slides)
    slides: list[int] = field(default_factory=list)
    #: the data rows of each post, in order (as ``posts``), and the records a post takes
    post_rows: list[list[int]] = field(default_factory=list)
    per_post: int = 1
    #: the image fields whose empty value gets a typographic stand-in (:func:`stand_in_fields`);
    #: the others are left out of the post when empty
    stand_in_fields: list[str] = field(default_factory=list)

    @property
    def unmapped(self) -> list[str]:
        """Columns no field uses (their values are still available to templates)."""
        return [c for c, f in self.mapping.items() if f is None]

    @property
    def rows_with_problems(self) -> list[int]:
        """The data rows with at least one finding, ascending."""
        return sorted({p.location.row for p in self.problems if p.location.row is not None})

    def count(self, severity: str) -> int:
        """How many findings have ``severity`` (``error`` or ``warning``)."""
        return sum(p.severity == severity for p in self.problems)

    def rows_with(self, severity: str) -> list[int]:
        """The data rows with at least one finding of ``severity``, ascending."""
        return sorted({p.location.row for p in self.problems if p.location.row is not None
                       and p.severity == severity})

    def groups(self, severity: str) -> list[ProblemGroup]:
        """The findings of ``severity``, alike ones folded (:func:`group_problems`)."""
        return group_problems([p for p in self.problems if p.severity == severity])


@dataclass
class ProblemGroup:
    """Findings that differ only in their row (and the values quoted in the
    message): ``example`` is the first, ``rows`` every row, ascending."""

    example: Problem
    rows: list[int]

    @property
    def count(self) -> int:
        return len(self.rows)


def _shape(text: str | None) -> str:
    """``text`` with its quoted values blanked: ``'a.jpg' not found`` and
    ``'b.jpg' not found`` have the same shape."""
    return re.sub(r"'[^']*'", "'…'", text or "")


def same_finding(p: Problem) -> tuple:
    """The default grouping key of :func:`group_problems`: severity, code,
    field, column, hint and message shape."""
    loc = p.location
    return (p.severity, p.code, loc.field, loc.header, p.hint, _shape(p.message))


def group_problems(problems: Sequence[Problem],
                   key: Callable[[Problem], Hashable] = same_finding) -> list[ProblemGroup]:
    """Fold findings with the same ``key`` into one group, in the order each
    group first appears; a group's rows are ascending, each once.  The
    default key (:func:`same_finding`) folds findings with the same
    severity, code, field, column, hint and message shape (the message with
    its quoted values blanked); findings whose hints differ (a different
    "did you mean") stay apart.  ``libmedia batch`` folds its warnings by
    code alone."""
    groups: dict[Hashable, ProblemGroup] = {}
    for p in problems:
        loc = p.location
        key_ = key(p)
        g = groups.get(key_)
        if g is None:
            groups[key_] = ProblemGroup(p, [loc.row] if loc.row is not None else [])
        elif loc.row is not None and loc.row not in g.rows:
            g.rows.append(loc.row)
    for g in groups.values():
        g.rows.sort()
    return list(groups.values())


def row_ranges(rows: Sequence[int], limit: int = 8) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``; past ``limit`` runs the rest is
    ``…`` (``"1-5, 8, 12, …"``)."""
    runs: list[str] = []
    start = prev = None
    for r in [*sorted(set(rows)), None]:
        if start is not None and (r is None or r != prev + 1):
            runs.append(str(start) if start == prev else f"{start}-{prev}")
            start = None
        if r is not None and start is None:
            start = r
        prev = r
    if len(runs) > limit:
        runs = [*runs[:limit], "…"]
    return ", ".join(runs)


def _own_field(column: str, template) -> str | None:
    """A column no canonical field takes that a field the template declares
    reads under its slug (``time`` for a column ``Time``), or None."""
    from .sources.fields import slugify

    slug = slugify(column)
    return slug if slug in template.fields else None


def check_data(template_name: str, data_path: str | Path,
               brand_path: str | Path | None = None,
               formats: Sequence[str] = (), lang: str | None = None,
               per_post: int | None = None, read_options: dict | None = None,
               fetch_covers: bool = False,
               progress: Callable[[int, int, int], None] | None = None) -> CheckReport:
    """Check every record of ``data_path`` against a template.

    ``formats`` as for a batch (default: the template's first; ``"all"``):
    the formats the pre-flight renders the template's sample in; ``lang``
    (``--lang``) the language it renders in instead of the brand kit's;
    ``read_options`` go to the data file's reader (``--from``/``--to``
    of a calendar: :func:`libmedia.jobs.read_data`);
    ``per_post`` the records a post takes, as for a batch (None: the
    template's default), so ``posts`` is the grouping the batch will make;
    ``fetch_covers`` (``--fetch-covers``) fetches web covers first, as a
    batch would (:func:`libmedia.jobs.fetch_job_covers`), so a cover that
    cannot be fetched is reported at its row; ``progress(done, total,
    failed)`` counts the addresses fetched.

    Raises :class:`LibmediaError` when the input is unusable, as a batch
    would stop: unknown template or format, invalid brand kit, unreadable or
    empty data file, a required field without a column (:class:`ProblemList`
    naming each and listing the file's columns), or a template or brand kit
    that cannot render its own sample (:func:`~libmedia.jobs.preflight`).
    """
    from .jobs import fetch_job_covers, missing_optional, open_job, plan

    job = open_job(template_name, data_path, formats, brand_path, lang=lang, per_post=per_post,
                   read_options=read_options,
                   fetch_covers=fetch_covers)
    if fetch_covers:
        fetch_job_covers(job, progress=progress)
    template, dataset = job.template, job.dataset
    assert dataset is not None
    report = CheckReport(
        template=template.name, data=display_path(dataset.path), encoding=dataset.encoding,
        delimiter=dataset.delimiter, records=len(dataset.records),
        mapping={c: dataset.mapping.get(c) or _own_field(c, template) for c in dataset.columns},
        required=template.required_fields,
        missing_optional=missing_optional(template, dataset),
        file_warnings=list(dataset.warnings), brand=job.brand_file,
        language=job.brand.language, formats=[f.name for f in job.formats],
    )
    try:
        tasks = plan(job)  # a leftover group too small for the template
        report.kind = template.kind
        if template.records.high > 1:
            report.posts = [len(t.records) for t in tasks]
            report.post_rows = [t.rows for t in tasks]
            report.per_post = job.per_post
        if template.kind == "carousel":
            report.slides = [template.slide_count(n) for n in report.posts]
    except LibmediaError as exc:
        report.problems += list(exc.diagnostics)
    dirs = job.search_dirs
    every_image = [f.name for f in template.fields.values() if f.type == "image"]
    report.stand_in_fields = stand_in_fields(template, every_image, job.brand, job.formats)
    # A field the data has no column for is empty in every row: a batch of
    # image posts draws the stand-in (and says so) for each, so check says so
    # for each too; a clip or a carousel says nothing then, and check neither.
    image_fields = [f for f in every_image
                    if template.kind == "image" or f not in report.missing_optional]
    seen: dict[str, list[Problem]] = {}  # a cover named in many rows is decoded once
    for rec in dataset.records:
        report.problems += record_problems(template, rec, image_fields, dirs, dataset,
                                           report.stand_in_fields, seen)
    return report


def stand_in_fields(template: Template, image_fields: Sequence[str], brand, formats) -> list[str]:
    """The image fields (of ``image_fields``) whose EMPTY value makes the
    template draw a typographic stand-in, which a batch reports as a
    warning: those where the template's own sample record, with the field
    blanked, gives an ``<image>`` with ``placeholder-title`` and an empty
    ``src`` on a page that warns (a carousel's intro and outro slides do not;
    :func:`libmedia.render.load_assets`), in any of ``formats``.  A template
    that leaves the picture out when there is none (book-quote) does not
    draw one, so an empty cover is no finding there.  Found by laying out
    nothing: the markup is rendered and parsed only (milliseconds).  Without
    sample records, or when the probe itself fails, every field is assumed
    to get a stand-in (the cautious answer: a warning too many)."""
    from .render import RenderInput, render_until, sample_records

    samples = sample_records(template)
    if not samples:
        return list(image_fields)
    out = []
    for name in image_fields:
        records = [replace(r, fields={**r.fields, name: ""}) for r in
                   samples[:max(template.records.low, 1)]]
        if template.kind == "carousel":
            pages = [i for i, (slide, _) in enumerate(template.carousel.slides(len(records)))
                     if slide == "record"]
        else:
            pages = [None]
        found = False
        for fmt in formats:
            for page in pages:
                try:
                    doc = render_until(RenderInput(template, records, fmt, brand),
                                       "document", page=page).document
                except (LibmediaError, IndexError):
                    found = True
                    break
                if any(el.tag == "image" and "placeholder-title" in el.attrs
                       and not el.get("src", "").strip() for el in doc.walk()):
                    found = True
                    break
            if found:
                break
        if found:
            out.append(name)
    return out


def record_problems(template: Template, record: Record, image_fields: list[str],
                    search_dirs: list[Path], dataset: DataSet,
                    stand_ins: Sequence[str] | None = None,
                    seen: dict[str, list[Problem]] | None = None) -> list[Problem]:
    """Every finding for one record: empty required fields, the reader's
    warnings, and image fields that are empty, missing or unreadable (with
    what a batch notes about the images it can use, :func:`image_findings`).
    An empty image field is a finding only when it is in ``stand_ins`` (the
    fields whose empty value the template draws as a stand-in, see
    :func:`stand_in_fields`; None: every field).  ``seen`` (image value ->
    its findings) keeps what earlier records' images gave, so a cover named
    in many rows is decoded once."""
    required = [d for err in check_required(template, record, None) for d in err.diagnostics]
    out = [replace(d, code="required" if d.code == "data" else d.code,
                   location=Location(row=record.row, field=d.location.field,
                                     header=d.location.header))
           for d in required]
    told = {(d.code, d.location.field) for d in required}  # a dropped value named as the error
    out += [replace(w, location=Location(row=record.row, **_field_and_column(w.location, dataset)))
            for w in record.warnings if (w.code, w.location.field) not in told]
    for name in image_fields:
        value = record.fields.get(name, "")
        if not value.strip() and stand_ins is not None and name not in stand_ins:
            continue  # the template leaves the picture out, as a batch does: nothing to say
        if not value.strip() and told_about_cover(record, name):
            continue  # a web cover's own warning (placeholder, not fetched) says it already
        if name not in record.fields:
            continue  # no column at all: the file-level missing-column warning says it once
        found = seen.get(value) if seen is not None else None
        if found is None:
            found = image_findings(value, search_dirs)
            if seen is not None:
                seen[value] = found
        for problem in found:
            out.append(replace(problem, location=Location(row=record.row, field=name)))
    return out


def _field_and_column(loc: Location, dataset: DataSet) -> dict[str, str | None]:
    """The field a reader warning is about (``field``), and the data's
    ``header`` when that has another name (``isbn13`` for ``isbn``)."""
    if not loc.field:
        return {"field": None, "header": None}
    if loc.header:  # the reader named both (libmedia.sources.normalize._field_warning)
        return {"field": loc.field, "header": loc.header}
    mapped = dataset.mapping.get(loc.field)
    if mapped and mapped != loc.field:
        return {"field": mapped, "header": loc.field}
    return {"field": loc.field, "header": None}


#: What a batch does about a cover it cannot use, appended to each cover finding.
INSTEAD = ": a typographic cover will be drawn instead"

#: The code of a cover a batch replaces by a typographic stand-in, in the
#: manifest and here alike (:func:`libmedia.render.load_assets`).
STAND_IN = "placeholder"


def image_findings(src: str, search_dirs: list[Path]) -> list[Problem]:
    """What a batch will say about the image ``src`` names: a
    ``placeholder`` warning when it cannot use it (empty, missing, not an
    image, damaged, cut off, too large: the message says which and names
    the file, the hint how to fix it), else the notes loading it gives
    (``cmyk-no-profile``, ``icc-unreadable``...), each with the code the
    batch's manifest uses.  The file is decoded in full at the smallest
    scale (:func:`libmedia.assets.verify_image`), as a batch decodes it."""
    if not src.strip():
        return [Diagnostic(WARNING, STAND_IN, "no cover image given" + INSTEAD,
                           hint="put the cover's file name in the data, or leave it")]
    try:
        loaded = verify_image(src, search_dirs)
    except ImageError as exc:
        return [Diagnostic(WARNING, STAND_IN, exc.message + INSTEAD, hint=exc.hint)]
    return list(loaded.warnings)


def image_problem(src: str, search_dirs: list[Path]) -> Problem | None:
    """The first of :func:`image_findings` (None when there is none)."""
    found = image_findings(src, search_dirs)
    return found[0] if found else None


# ---------------------------------------------------------------------------
# check --render: every record laid out and drawn, its typography measured


@dataclass
class PostCheck:
    """One post rendered by ``check --render`` (nothing encoded or written).

    ``formats`` format name -> ``{"warnings": [Diagnostic], "typography":
    {...} (:func:`libmedia.lint.typography`), "seconds": float}``;
    ``error`` the failure's :meth:`LibmediaError.to_dict` (then
    ``formats`` holds the formats done before it)."""

    index: int
    rows: list[int]
    title: str
    formats: dict[str, dict] = field(default_factory=dict)
    error: dict | None = None

    @property
    def row(self) -> int:
        return self.rows[0]


def check_post(task) -> PostCheck:
    """Render one :class:`~libmedia.run.task.RenderTask` in each of its
    formats as a batch does (:func:`libmedia.render.render`, which the
    batch's :func:`libmedia.run.task.render_pages` calls: layout, lint,
    draw, the drawn page's lint) without encoding or writing, and keep
    each format's warnings, typography figures and time.  Never raises for
    a user error or a bug (``error`` names it).  Module-level, so a process
    pool can run it."""
    import time

    from . import render as pipeline
    from .jobs import internal_error, located
    from .render import RenderInput
    from .run.task import _loaded, materialize_files

    out = PostCheck(task.index, task.rows, task.title)
    try:
        template, brand, formats = _loaded(task)
        problems = [p for r in task.records for p in check_required(template, r, task.source)]
        if problems:
            from .errors import ProblemList

            raise ProblemList.of(problems)
        search_dirs = [materialize_files(task.files)] if task.files else list(task.search_dirs)
        for fmt in formats:
            inp = RenderInput(template, list(task.records), fmt, brand, search_dirs=search_dirs,
                              source=task.source, columns=list(task.columns))
            t0 = time.perf_counter()
            done = pipeline.render(inp, kind=task.kind)
            out.formats[fmt.name] = {"warnings": done.warnings, "typography": done.typography,
                                     "seconds": time.perf_counter() - t0}
    except LibmediaError as exc:
        out.error = located(exc, task.source, task.row).to_dict()
    except Exception as exc:  # noqa: BLE001 - one record's bug must not stop the check
        out.error = internal_error(exc, task.source, task.row).to_dict()
    return out


#: Codes whose messages carry a measure, and how to read it: the larger the
#: result, the worse the finding (``check --render`` lists the worst rows first).
_MEASURES = {
    "touching-lines": (r"overlaps by ([\d.]+) px", 1.0),
    "low-contrast": (r"contrast of ([\d.]+):1", -1.0),
    "small-text": (r"drawn at ([\d.]+) px", -1.0),
}


def badness(d: Diagnostic) -> float:
    """How bad a lint finding is, for ordering (larger is worse): the
    overlap of touching lines, the lack of contrast, the smallness of text;
    0 for codes without a measure."""
    found = _MEASURES.get(d.code or "")
    if found is None:
        return 0.0
    m = re.search(found[0], d.message)
    return found[1] * float(m.group(1)) if m else 0.0


@dataclass
class FormatSummary:
    """``check --render`` over a whole file in one format.

    ``posts`` rendered, ``failed`` rows that failed; ``titles`` how many
    titles were set; ``shrank`` (row, title, size, base) of those set
    smaller than their role's size; ``lines`` number of lines -> titles;
    ``cut`` (row, title) of titles shortened with an ellipsis; ``codes``
    lint code -> [(badness, row, message)] worst first; ``seconds`` the
    render time summed over the posts (layout, lint, draw; no encoding)."""

    name: str
    posts: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    titles: int = 0
    shrank: list[tuple[int, str, float, float]] = field(default_factory=list)
    lines: dict[int, int] = field(default_factory=dict)
    cut: list[tuple[int, str]] = field(default_factory=list)
    codes: dict[str, list[tuple[float, int, str]]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def warnings(self) -> int:
        """Every lint and render warning, counted once per post and finding."""
        return sum(len(v) for v in self.codes.values())

    def to_dict(self) -> dict:
        return {"format": self.name, "posts": self.posts, "seconds": round(self.seconds, 2),
                "failed": [{"row": r, "title": t} for r, t in self.failed],
                "titles": self.titles,
                "shrank": [{"row": r, "title": t, "size": s, "base": b}
                           for r, t, s, b in self.shrank],
                "lines": {str(k): v for k, v in sorted(self.lines.items())},
                "cut": [{"row": r, "title": t} for r, t in self.cut],
                "codes": {c: {"count": len(v), "rows": sorted({r for _, r, _ in v}),
                              "worst": [{"row": r, "message": m} for _, r, m in v[:5]]}
                          for c, v in sorted(self.codes.items())}}


@dataclass
class RenderCheck:
    """The result of :func:`check_rendering`: one :class:`FormatSummary`
    per format, the posts (:class:`PostCheck`) in data order, and the wall
    time in seconds."""

    template: str
    data: str
    formats: list[FormatSummary]
    posts: list[PostCheck]
    seconds: float

    @property
    def failed_rows(self) -> list[int]:
        return sorted({r for p in self.posts if p.error for r in p.rows})

    def to_dict(self) -> dict:
        return {"template": self.template, "data": self.data, "records": sum(
            len(p.rows) for p in self.posts), "seconds": round(self.seconds, 2),
                "formats": [f.to_dict() for f in self.formats]}


def summarise(posts: Sequence[PostCheck], format_names: Sequence[str]) -> list[FormatSummary]:
    """Fold the posts' findings into one :class:`FormatSummary` per format."""
    out = []
    for name in format_names:
        s = FormatSummary(name)
        for p in posts:
            done = p.formats.get(name)
            if done is None:
                if p.error is not None:
                    s.failed.append((p.row, p.title))
                continue
            s.posts += 1
            s.seconds += done["seconds"]
            for t in done["typography"].get("titles", []):
                s.titles += 1
                s.lines[t["lines"]] = s.lines.get(t["lines"], 0) + 1
                if t["shrank"]:
                    s.shrank.append((p.row, t["text"], t["size"], t["base"]))
                if t["truncated"]:
                    s.cut.append((p.row, t["text"]))
            for w in done["warnings"]:
                if w.severity != WARNING:
                    continue
                row = w.location.row if w.location.row is not None else p.row
                s.codes.setdefault(w.code or "other", []).append((badness(w), row, w.message))
        for v in s.codes.values():
            v.sort(key=lambda x: (-x[0], x[1]))
        out.append(s)
    return out


def check_rendering(template_name: str, data_path: str | Path,
                    brand_path: str | Path | None = None, formats: Sequence[str] = (),
                    jobs: int | None = None,
                    progress: Callable[[int, int, int], None] | None = None,
                    lang: str | None = None, per_post: int | None = None,
                    read_options: dict | None = None,
                    fetch_covers: bool = False) -> RenderCheck:
    """Render every record of ``data_path`` with the template in each of
    ``formats`` as a batch would (same tasks, same pipeline, the same
    process pool: ``jobs`` processes, default as a batch's), without
    encoding or writing anything, and summarise the lint findings and the
    titles' typography per format (:func:`summarise`).  ``progress(done,
    total, failed)`` is called as posts finish; ``lang`` (``--lang``)
    overrides the brand kit's language; ``per_post``, ``read_options`` and ``fetch_covers``
    as for :func:`check_data`.

    Raises :class:`LibmediaError` when the input is unusable (as
    :func:`check_data`), or for a video template (``check --render`` draws
    image posts)."""
    import time

    from .errors import TemplateError
    from .jobs import fetch_job_covers, open_job, plan
    from .run.schedule import default_jobs, run_tasks
    from .run.task import TaskResult

    t0 = time.perf_counter()
    job = open_job(template_name, data_path, formats, brand_path, run_preflight=False, lang=lang,
                   per_post=per_post, read_options=read_options,
                   fetch_covers=fetch_covers)
    if fetch_covers:
        fetch_job_covers(job)
    if job.template.kind == "video":
        raise TemplateError(f"template '{job.template.name}' makes video clips: check --render "
                         "measures image posts",
                         hint="render a clip with 'libmedia batch --draft' to look at it")
    tasks = plan(job)
    names = [f.name for f in job.formats]
    n_jobs = jobs or default_jobs(len(tasks) * len(names))
    results: dict[int, PostCheck] = {}
    failed = 0

    def on_result(res) -> None:
        nonlocal failed
        if isinstance(res, TaskResult):  # the pool lost the worker that held it
            res = PostCheck(res.index, res.rows, res.title, error=res.error)
        results[res.index] = res
        failed += res.error is not None
        if progress is not None:
            progress(len(results), len(tasks), failed)

    run_tasks(tasks, on_result, jobs=n_jobs, fn=check_post)
    posts = [results[t.index] for t in tasks]
    assert job.dataset is not None
    return RenderCheck(job.template.name, display_path(job.dataset.path), summarise(posts, names),
                       posts, time.perf_counter() - t0)
