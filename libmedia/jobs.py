"""Job setup: everything a command opens once before rendering anything.

``batch``, ``check`` and ``render`` (and every later command) start here:
:func:`open_job` opens the template, the formats, the brand kit and the data
file once, checks that the data fits the template, and runs the pre-flight
(the template's own sample rendered in every requested format with the
chosen brand kit).  :func:`plan` then splits the data's records into render
tasks (:class:`~libmedia.run.task.RenderTask`) of the size the template's
``records`` spec asks for.

Rules a user can rely on:

* **Pre-flight**: when the template's own sample cannot render because of
  the template or the brand kit (an unknown type role, a font family that
  does not exist) the job stops with that one error before anything is
  written, instead of failing every record the same way.
* **Covers** named in the data resolve relative to the data file's folder,
  then its ``covers/`` subfolder (then the working folder).
* **Web covers** (:mod:`libmedia.webcovers`): a ``cover_url``/``image_url``
  address fills an empty ``cover``, a "no photo" placeholder address counts
  as no cover (:func:`open_job`); with ``--fetch-covers`` the commands call
  :func:`fetch_job_covers` before rendering, so the cover field names the
  cached download and a task's digest covers it.
* **Optional fields** a template declares but the data has no column for
  are blank, with one file-level warning; a required field without a column
  stops the job, naming the file's columns.
* **Grouping**: a template with ``records = "2-6"`` gets posts of
  ``--per-post`` records (default: template.toml ``per_post``, else 6) in
  data order; the last post takes the rest (7 books at 4 a post: 4 and 3).
  When the rest would be under the minimum, the records are shared out
  evenly over the same number of posts instead (5 at 4: 3 and 2, never 4
  and 1 alone); when even that leaves a post under the minimum, planning
  stops naming the leftover rows.  Clips and carousels are always shared
  out evenly (40 books in carousels of up to 19: 14, 13 and 13, never a
  carousel of one lone book).

Nothing here prints, exits or writes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__
from .brand import Brand, find_brand, load_brand
from .errors import (
    BrandError,
    DataError,
    Diagnostic,
    FontError,
    ImageError,
    InternalError,
    LibmediaError,
    Location,
    ProblemList,
    TemplateError,
    display_path,
)
from .formats import Format, get_format
from .render import RenderInput, render, sample_records
from .sources import DataSet, Record, read_records
from .templating import Template, check_fields, find_template, load_template
from .webcovers import prepare_web_covers

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
                  data_path: Path | None, lang: str | None = None) -> tuple[Brand, Path | None]:
    """The brand kit: ``brand_path`` if given, else ``libmedia.toml`` beside
    the data file, else in the working folder, else the default kit; in
    ``lang`` (``--lang``) when given, else in the kit's own language.

    Returns the kit and the file it came from (None for the default).
    Raises :class:`BrandError` for an invalid kit or an unknown ``lang``."""
    path = Path(brand_path) if brand_path else find_brand(data_path)
    return load_brand(path, lang), (Path(path).resolve() if path else None)


def open_template(name_or_path: str | Path) -> Template:
    """Load a template by name (``new-book``) or folder path.  Raises
    :class:`TemplateError` (:class:`ProblemList`) naming template.toml and
    the key at fault (an invalid ``records`` spec, a ``video`` kind)."""
    return load_template(find_template(str(name_or_path)))


def resolve_formats(template: Template, names: Sequence[str] = (),
                    preferred: Sequence[str] = ()) -> list[Format]:
    """The formats to render: ``names`` (``"all"`` = every format the
    template serves; names may also be comma-separated); when none are
    given, those of ``preferred`` (the brand kit's ``[formats]`` for the
    template's kind, :meth:`Brand.default_formats`) the template serves, else
    the template's default (first) format.

    Raises :class:`FormatError` for an unknown name and :class:`TemplateError`
    for a format the template does not serve."""
    wanted: list[str] = []
    for n in names:
        wanted += [p.strip() for p in str(n).split(",") if p.strip()]
    if not wanted:
        wanted = [n for n in preferred if n in template.formats] or [template.default_format]
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
    """The field names the data file has a column for: the canonical ones
    its headers map to, and every other column under its slug (a template
    may declare a field of its own, such as an event's ``time``); ``cover``
    too when a ``cover_url``/``image_url`` column can fill it."""
    extra = list(dataset.records[0].fields) if dataset.records else []
    have = list(dict.fromkeys([*dataset.mapping.values(), *extra]))
    if "cover" not in have and {"cover_url", "image_url"} & set(have):
        have.append("cover")  # a web address fills an empty cover (libmedia.webcovers)
    return have


def missing_optional(template: Template, dataset: DataSet) -> list[str]:
    """The template's optional fields that the data has no column for."""
    have = set(available_fields(dataset))
    return [name for name in template.fields if name not in have]


def fit_data(template: Template, dataset: DataSet) -> list[Diagnostic]:
    """Check that the data has a column for every required field of the
    template; warn about the optional fields it has no column for.

    Returns one warning naming every optional field without a column (they
    are blank in every post).  Raises :class:`ProblemList` naming each
    missing required field and listing the file's columns (every record
    would fail the same way).
    """
    source = display_path(dataset.path)
    columns = ", ".join(dataset.columns) or "(none)"
    try:
        check_fields(template, available_fields(dataset), source)
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
    return [Diagnostic.warning(f"the data has no column for the template's field{plural} {names}: "
                               f"posts are made without {'them' if plural else 'it'} (the file's "
                               f"columns: {columns})", Location(file=source), "missing-column")]


def today() -> date:
    """Today's date on this computer (a function, so tests can set it)."""
    return date.today()


def mark_past_dates(template: Template, dataset: DataSet) -> None:
    """Add a ``past-date`` warning to each record whose ``date`` (or
    ``end_date``, its last day) is before :func:`today`, for a template that
    declares ``date`` as a field of type ``date`` (events, notices): a poster
    that says "Coming up" for an event that is over is worse than none.  The
    post is still made; ``check`` and ``batch`` both say so.  A date that
    cannot be read is left to the template, which names it."""
    from .eventtime import parse_dates

    spec = template.fields.get("date")
    if spec is None or getattr(spec, "type", "") != "date":
        return
    now = today()
    source = display_path(dataset.path)
    for record in dataset.records:
        last = None
        for name in ("date", "end_date"):
            text = str(record.fields.get(name, "") or "").strip()
            if not text:
                continue
            try:
                _first, end, _t = parse_dates(text)
            except ValueError:
                continue
            last = end if last is None else max(last, end)
        if last is not None and last < now:
            shown = str(record.fields.get("date", "")).strip()
            record.warnings.append(Diagnostic.warning(
                f"the date {shown!r} has passed (today is {now.isoformat()}): the post announces "
                "something that is over", Location(file=source, row=record.row or None,
                                                   field="date"), "past-date",
                hint="check the year, or leave this row out"))


def read_data(path: str | Path, options: Mapping[str, Any] | None = None) -> DataSet:
    """Read a data file; a file with no records is a :class:`DataError`.
    ``options`` go to the file's reader (:func:`~libmedia.sources.read_records`:
    a workbook's ``sheet``, a calendar's ``date_from``/``date_to``).  Every
    value then passes :func:`guard_values`, so ``check``, ``batch`` and
    ``render`` see the same records."""
    dataset = read_records(path, **dict(options or {}))
    if not dataset.records:
        raise DataError("the file has no records to render", Location(file=display_path(path)),
                        hint="check that the rows below the header are filled in")
    guard_values(dataset)
    return dataset


#: The most characters of one value a post is set from: a title, an author,
#: a place (no real title comes near: the longest in the real data is 257
#: characters); :data:`LONG_FIELD_CHARS` for the long texts a caption takes.
#: Past it a value is cut at a word boundary, with a warning: laying out a
#: 100,000-character title took minutes, and no post can show it.
MAX_FIELD_CHARS = 1_000
LONG_FIELD_CHARS = 10_000
LONG_FIELDS = frozenset({"summary", "description", "note", "notes", "quote"})

#: Characters no XML document can hold (XML 1.0, production [2] Char): C0
#: controls but tab, line feed and carriage return; lone UTF-16 surrogates
#: (a JSON file may escape one); U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def guard_values(dataset: DataSet) -> None:
    """Make every record's values safe to set, whatever reader made them,
    with a warning on the record for each change (code ``too-long`` or
    ``control-characters``, located at the value's column): a value over
    :data:`MAX_FIELD_CHARS` (:data:`LONG_FIELD_CHARS` for a long text) is
    cut at a word boundary and ends with "…"; characters no XML document
    can hold (:data:`_NOT_XML`) are removed.  The readers' own cleaning
    (:mod:`libmedia.sources.normalize`) usually got there first; this is
    the guarantee that a value never reaches the layout markup or the
    shaper as something it cannot take, so a data problem is never blamed
    on the template (issue 9).  ``lists`` are guarded the same way; ``raw``
    is left as the file had it."""
    source = display_path(dataset.path)
    column_of = {f: c for c, f in dataset.mapping.items() if f}
    for record in dataset.records:
        for name, value in list(record.fields.items()):
            if not isinstance(value, str):
                continue
            fixed, notes = _guarded(name, value)
            if not notes:
                continue
            record.fields[name] = fixed
            if name in record.lists:
                record.lists[name] = [_guarded(name, v)[0] for v in record.lists[name]]
            where = Location(file=source, row=record.row or None, field=column_of.get(name, name))
            for code, message, hint in notes:
                record.warnings.append(Diagnostic.warning(message, where, code, hint=hint))


def _guarded(name: str, value: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(``value`` made safe, [(code, message, hint)] for each change)."""
    notes = []
    if _NOT_XML.search(value):
        found = sorted({f"U+{ord(c):04X}" for c in _NOT_XML.findall(value)})
        value = _NOT_XML.sub("", value)
        notes.append(("control-characters",
                      f"removed characters that cannot be printed ({', '.join(found[:5])}) "
                      f"from {name!r}: {value[:60]!r}",
                      "retype the value, or paste it as plain text"))
    limit = LONG_FIELD_CHARS if name in LONG_FIELDS else MAX_FIELD_CHARS
    if len(value) > limit:
        cut = value[:limit]
        space = cut.rfind(" ", limit * 4 // 5)
        shown = (cut[:space] if space > 0 else cut).rstrip() + "…"
        notes.append(("too-long",
                      f"{name!r} is {len(value):,} characters long, more than the {limit:,} a "
                      f"post is set from: cut to {shown[:40]!r}…",
                      "check the cell: a column may have been pasted into it, or several rows "
                      "joined into one"))
        value = shown
    return value, notes


def pick_record(dataset: DataSet, row: int | None) -> Record:
    """The record at data row ``row`` (1-based, as a spreadsheet counts),
    or the first record when ``row`` is None; for a row that lists another
    copy of a book, the record its one post is made from.  Raises :class:`DataError`
    naming the rows the file has."""
    if row is None:
        return dataset.records[0]
    row = dataset.merged_rows.get(row, row)  # a copy of a book: the row its post is made from
    for rec in dataset.records:
        if rec.row == row:
            return rec
    rows = [r.row for r in dataset.records]
    raise DataError(f"the file has no record at row {row}", Location(file=display_path(dataset.path)),
                    hint=f"rows run from {rows[0]} to {rows[-1]} ({len(rows)} records; blank rows "
                         "are counted but have no record)")


def located(exc: LibmediaError, source: str | None, row: int | None) -> LibmediaError:
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
# pre-flight

#: Errors of the template's own sample that stop a job: the template or the
#: brand kit is at fault, so every record would fail the same way.  Other
#: :class:`LibmediaError` kinds (data, image) depend on the sample's own data,
#: which is not the user's, and do not stop the job.
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
        inp = RenderInput(template, samples[: template.records.high], fmt, brand,
                          search_dirs=[template.path], source=source)
        try:
            if template.kind == "video":  # laid out and drawn, not encoded
                from .motion.clip import ClipOptions, make_clip
                from .render import fonts_for

                make_clip(inp, fonts_for(inp), ClipOptions(silent=True))
            else:
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


def check_brand_fonts(template: Template, brand: Brand) -> None:
    """Every font family the brand kit's ``[type.ROLE]`` tables name must be
    found: in the kit's ``fonts/`` folder, the template's ``fonts/``, the
    bundled fonts or the installed ones (the folders a render searches,
    :func:`libmedia.render.fonts_for`).

    Raises one :class:`ProblemList` naming each unknown family at its key
    (``type.title.family``) of the kit, all at once, before anything is
    rendered.  The default kit names only bundled families.
    """
    if brand.path is None:
        return
    from .render import fonts_for

    library = fonts_for(RenderInput(template, [], get_format(template.default_format), brand))
    kit = display_path(brand.path)
    problems: list[LibmediaError] = []
    for role, spec in brand.types.items():
        family = spec.get("family")
        if not family:
            continue
        try:
            library.face(str(family))
        except FontError as exc:
            problems.append(exc.replace(
                message=f"{exc.message} (the brand kit's [type.{role}] family)",
                location=Location(file=kit, field=f"type.{role}.family")))
    if problems:
        raise ProblemList(problems, f"brand kit {kit} cannot be used: it names font families "
                                    "libmedia cannot find, so nothing was rendered")


# ---------------------------------------------------------------------------
# the job


@dataclass
class Job:
    """One opened job: what every task of a run shares.

    ``dataset`` is None for a job on the template's own sample;
    ``warnings`` file-level warnings (encoding, missing optional columns);
    ``search_dirs`` the folders covers resolve against; ``source`` the data
    file as shown to the user; ``image_ext`` ``png`` or ``jpg``.
    """

    template: Template
    formats: list[Format]
    brand: Brand
    brand_file: Path | None
    dataset: DataSet | None
    warnings: list[Diagnostic] = field(default_factory=list)
    search_dirs: list[Path] = field(default_factory=list)
    source: str | None = None
    image_ext: str = "png"
    #: For a video template: :class:`libmedia.motion.clip.ClipOptions` (None: the defaults).
    clip: Any = None
    #: Records one post takes (:func:`resolve_per_post`; 0: the template's default).
    per_post: int = 0

    @property
    def records(self) -> list[Record]:
        """The data's records (the template's sample when there is no data)."""
        if self.dataset is None:
            return sample_records(self.template)[: self.template.records.high]
        return list(self.dataset.records)

    @property
    def columns(self) -> list[str]:
        return list(self.dataset.columns) if self.dataset is not None else []

    def render_input(self, records: Sequence[Record], fmt: Format) -> RenderInput:
        """The pipeline input for ``records`` in ``fmt``."""
        return RenderInput(self.template, list(records), fmt, self.brand,
                           search_dirs=self.search_dirs, source=self.source,
                           columns=self.columns)


def resolve_per_post(template: Template, per_post: int | None = None) -> int:
    """How many records one post of ``template`` takes: ``per_post`` (the
    ``--per-post`` option) or, when None, the template's default
    (template.toml ``per_post``, else its ``records`` maximum).

    Raises :class:`TemplateError` naming the template's ``records`` range
    when ``per_post`` is outside it (``--per-post 7`` for a grid of 2 to 6,
    ``--per-post 2`` for a template of one record a post)."""
    if per_post is None:
        return template.per_post or template.records.high
    spec = template.records
    if not spec.low <= per_post <= spec.high:
        if spec.low == spec.high:
            takes = f"takes {spec.low} record{'s' if spec.low != 1 else ''} per post"
            hint = "leave --per-post out for this template"
        else:
            takes = f"takes {spec.low} to {spec.high} records per post"
            hint = (f"choose --per-post from {spec.low} to {spec.high} (without it: "
                    f"{template.per_post or spec.high})")
        raise TemplateError(f"--per-post {per_post} is out of range: template '{template.name}' "
                            f"{takes} (records = \"{spec}\" in its template.toml)", hint=hint)
    return per_post


def open_job(template_name: str | Path | Template, data_path: str | Path | None,
             formats: Sequence[str] = (), brand_path: str | Path | None = None,
             jpeg: bool = False, run_preflight: bool = True, clip: Any = None,
             lang: str | None = None, per_post: int | None = None,
             read_options: Mapping[str, Any] | None = None, fetch_covers: bool = False) -> Job:
    """Open a template, its formats, the brand kit and the data once.

    ``read_options`` go to the data file's reader (:func:`read_data`: ``--sheet``
    of a workbook, ``--from``/``--to`` of a calendar); ``fetch_covers``
    (``--fetch-covers``) keeps web covers for :func:`fetch_job_covers` to
    fetch (without it they are emptied with a warning:
    :func:`libmedia.webcovers.prepare_web_covers`).

    ``lang`` (``--lang``, e.g. ``en``) overrides the brand kit's language
    for every text of the job: the template's ``t()`` texts, dates, captions,
    alt text and hyphenation.  With no ``formats`` the brand kit's
    ``[formats]`` apply (:func:`resolve_formats`).

    ``template_name`` may also be a :class:`Template` already loaded (a
    render session keeps it while only the brand kit or data change).
    ``data_path`` None: the template's own sample.  The data is fitted to
    the template (:func:`fit_data`); with ``run_preflight`` (and data) the
    pre-flight runs (:func:`preflight`).  Raises :class:`LibmediaError` when the job cannot
    start: unknown template or format, ``per_post`` outside the template's
    ``records`` range (:func:`resolve_per_post`; None: the template's
    default), invalid brand kit, unreadable or
    empty data, a required field without a column, a template or brand kit
    that cannot render its own sample.  ``clip`` (a
    :class:`libmedia.motion.clip.ClipOptions`) is for video templates.
    """
    template = template_name if isinstance(template_name, Template) else open_template(template_name)
    size = resolve_per_post(template, per_post)
    data = Path(data_path) if data_path is not None else None
    brand, brand_file = resolve_brand(brand_path, data, lang)
    fmts = resolve_formats(template, formats, brand.default_formats(template.kind))
    check_brand_fonts(template, brand)
    if template.kind == "video" and clip is not None and clip.music:
        from .encode.audio import AudioTrack

        AudioTrack(Path(clip.music))  # a file that is not music stops the run before it starts
    if data is None:
        return Job(template, fmts, brand, brand_file, None, [], [template.path],
                   display_path(template.path / "template.toml"), "jpg" if jpeg else "png", clip,
                   size)
    dataset = read_data(data, read_options)
    warnings = [*dataset.warnings, *fit_data(template, dataset)]
    mark_past_dates(template, dataset)
    prepare_web_covers(template, dataset.records, display_path(dataset.path), fetch_covers)
    prepare_local_images(template, dataset, cover_search_dirs(dataset.path, cwd=True))
    if run_preflight:
        preflight(template, fmts, brand)
    return Job(template, fmts, brand, brand_file, dataset, warnings,
               cover_search_dirs(dataset.path, cwd=True), display_path(dataset.path),
               "jpg" if jpeg else "png", clip, size)


MIN_PICTURE_PX = 100
"""A picture whose longer side is under this many pixels is an icon, not a
cover or a poster (a calendar's 8x8 px attachment was blown up 135 times
to fill an event poster): it is left out like a missing one."""


def _unusable_picture(value: str, search_dirs: Sequence[Path]) -> ImageError | None:
    """Why the picture ``value`` names cannot be used, or None: no file to
    open (:func:`libmedia.assets.resolve_image_path`), or an image under
    :data:`MIN_PICTURE_PX` (read from its header).  A file that is no image
    or is damaged is left for loading to report."""
    from .assets import _not_a_file, _special_error, probe_image, resolve_image_path

    try:
        path = resolve_image_path(value, search_dirs)
    except ImageError as exc:
        special = _not_a_file(value, search_dirs) if "not found" in exc.message else None
        return _special_error(special) if special is not None else exc
    except OSError as exc:  # a name the system refuses (longer than 255 bytes...)
        shown = value if len(value) <= 80 else value[:77] + "..."
        return ImageError(f"the picture '{shown}' (a name of {len(value)} characters) cannot be "
                          f"opened ({exc.strerror or exc})",
                          hint="check the file name in the data; rename the file to a short name")
    try:
        _, (w, h) = probe_image(path)
    except (ImageError, OSError):
        return None
    if max(w, h) < MIN_PICTURE_PX:
        return ImageError(f"'{Path(value).name}' is {w}x{h} px, too small to show on a post",
                          hint=f"use a picture of at least {MIN_PICTURE_PX * 7} px on its longer "
                               "side, or leave the field empty")
    return None


def prepare_local_images(template: Template, dataset: DataSet,
                         search_dirs: Sequence[Path]) -> None:
    """Leave out every picture the data names that is no file to open
    (not found, a folder, a device or pipe: what
    :func:`libmedia.assets.resolve_image_path` refuses) or an icon-sized
    image (:data:`MIN_PICTURE_PX`), before any
    template sees the record: the field is emptied, with a ``placeholder``
    warning at its row and field that names the file and says how to fix
    it.  The post is then made as for a record without a picture (a
    typographic stand-in cover, an event poster set without its picture),
    in ``check``, ``batch`` and ``render`` alike: a layout that shows a
    picture only when there is one would otherwise fail the row in
    ``batch`` while ``check`` promised a post.  Web addresses are left to
    :mod:`libmedia.webcovers`; a file that opens but cannot be decoded is
    found when it is loaded.  One look-up per distinct name."""
    from .webcovers import is_web_address

    names = [f.name for f in template.fields.values() if f.type == "image"]
    if not names:
        return
    source = display_path(dataset.path)
    refused: dict[str, ImageError | None] = {}
    for rec in dataset.records:
        for name in names:
            value = str(rec.fields.get(name) or "").strip()
            if not value or is_web_address(value):
                continue
            if value not in refused:
                refused[value] = _unusable_picture(value, search_dirs)
            exc = refused[value]
            if exc is None:
                continue
            rec.fields[name] = ""
            rec.warnings.append(Diagnostic(
                "warning", "placeholder", f"{exc.message}: the post is made without this picture",
                Location(file=source, row=rec.row or None, field=name), exc.hint))


def fetch_job_covers(job: Job, records: Sequence[Record] | None = None,
                     progress=None):
    """``--fetch-covers``: fetch the web covers of ``records`` (default: all
    the job's records) with the brand kit's ``[covers]`` settings, in place
    (:func:`libmedia.webcovers.fetch_web_covers`; each failure is that
    record's warning); a record's cover then names a file of the cover cache,
    which is added to ``job.search_dirs``.  Returns the :class:`~libmedia.webcovers.FetchSummary`;
    never raises for a network problem.  ``progress(done, total, failed)``."""
    from .webcovers import CoverSettings, fetch_web_covers

    settings = CoverSettings.from_kit(job.brand.covers)
    summary = fetch_web_covers(job.template, job.records if records is None else records,
                               settings, job.source, progress)
    if summary.found:  # the records now name files of the cover cache
        job.search_dirs = unique_dirs([*job.search_dirs, settings.folder])
    return summary


def group_records(records: Sequence[Record], low: int, high: int,
                  source: str | None = None, balanced: bool = False,
                  noun: str = "post", most: int | None = None) -> list[list[Record]]:
    """``records`` in data order, in groups of ``high`` (the records one
    post takes: ``--per-post``, or the template's default); the last group
    takes the rest (7 at 4: 4 and 3).

    When the rest would be smaller than ``low``, and always with
    ``balanced`` (clips: a week of 22 books makes clips of 8, 7 and 7, not
    10, 10 and 2), the records are shared out evenly over the same number
    of groups, ``ceil(len / high)``, the larger first, sizes differing by
    one at most: 5 at 4 makes 3 and 2 rather than leaving one book alone;
    13 at 6 with a minimum of 2 makes 5, 4 and 4.  When even that leaves a
    group under ``low`` (5 at 2 a post: 2, 2 and 1), the records are shared
    over one group fewer, so some posts take one record more than ``high``,
    as long as the template's maximum ``most`` allows it (15 at 2 of a
    2-6 template: 3, 2, 2, 2, 2, 2 and 2).  Returns the groups (lists of
    records); none for no records.

    Raises a :class:`DataError` for each row of a group that is still
    smaller than ``low`` (several in a :class:`ProblemList`): fewer records
    than ``low`` in all, or a remainder the template's maximum cannot
    absorb (5 records of a template that takes exactly 2).  ``noun`` names a post in the message (``post`` or
    ``clip``), ``most`` the template's maximum (default ``high``).
    """
    def shared(count: int) -> list[list[Record]]:
        size, extra = divmod(len(records), count)
        out, at = [], 0
        for i in range(count):
            n = size + (1 if i < extra else 0)
            out.append(list(records[at:at + n]))
            at += n
        return out

    groups = [list(records[i:i + high]) for i in range(0, len(records), high)]
    if groups and (balanced or len(groups[-1]) < low):
        groups = shared(len(groups))
    if groups and len(groups[-1]) < low and len(records) >= low:
        # One group fewer, each a record over ``high`` where the template
        # allows it: 15 at 2 a post (2-6) makes 3, 2, 2, 2, 2, 2 and 2.
        fewer = max(1, len(records) // high)
        if -(-len(records) // fewer) <= (most or high):
            groups = shared(fewer)
    if groups and len(groups[-1]) < low:
        rows = [r.row for r in groups[-1]]
        n = len(rows)
        some = f"{n} record{'s' if n != 1 else ''} (row{'s' if n != 1 else ''} {', '.join(map(str, rows))})"
        if len(groups) == 1:
            message = (f"only {some}: this template takes {low} to {most or high} records "
                       f"per {noun}, so nothing can be made")
            hint = f"add records so there are at least {low}, or use a template for one record"
        else:
            message = (f"the last {some} cannot make a {noun}: with {high} records per {noun} "
                       f"(at least {low}), {len(records)} records do not share out evenly")
            hint = (f"add records so the last {noun} has at least {low}, leave these rows out, "
                    "or put another number of records on each post with --per-post")
        # one problem per row, so check and batch name every row that is not made
        problems = [DataError(message, Location(file=source, row=r), hint=hint) for r in rows]
        raise problems[0] if n == 1 else ProblemList(problems, message)
    return groups


def post_records(job: Job, row: int | None = None) -> list[Record]:
    """The records of the one post that holds data row ``row`` (the first
    post when None), grouped as :func:`plan` groups them: one record for a
    template of one record a post, else the group of ``job.per_post``.

    Raises :class:`DataError` naming the rows the file has when no record
    is at ``row`` (:func:`pick_record`), or the leftover rows when the
    records cannot be grouped (:func:`group_records`)."""
    if job.template.records.high == 1:
        return [job.records[0] if job.dataset is None else pick_record(job.dataset, row)]
    if job.dataset is not None and row is not None:
        pick_record(job.dataset, row)  # a row the file does not have is named as such
    groups = post_groups(job)
    return next((g for g in groups if any(r.row == row for r in g)), groups[0]) \
        if row is not None else groups[0]


def post_groups(job: Job) -> list[list[Record]]:
    """The job's records grouped into posts (or clips) as :func:`plan` makes
    them: ``job.per_post`` a post (:func:`group_records`; clips and
    carousels shared out evenly).  Raises :class:`DataError` for a
    leftover group too small."""
    video = job.template.kind == "video"
    return group_records(job.records, job.template.records.low,
                         job.per_post or job.template.per_post or job.template.records.high,
                         job.source, balanced=video or job.template.kind == "carousel",
                         noun="clip" if video else "post",
                         most=job.template.records.high)


def plan(job: Job, out_dir: Path | None = None, bundle=None) -> list:
    """Split the job's records into render tasks, in data order, each of
    ``job.per_post`` records (the last may be smaller but not below the
    template's minimum; :func:`post_groups`, :func:`group_records`); a
    clip's or a carousel's records shared out evenly.

    ``bundle`` (a :class:`libmedia.run.bundle.Bundle`) makes tasks that
    carry the template and brand kit themselves, for workers on other
    machines.  Returns a list of :class:`~libmedia.run.task.RenderTask`.
    Raises :class:`DataError` for a leftover group that is too small.
    """
    from .run.names import output_stem
    from .run.task import RenderTask

    groups = post_groups(job)
    shared = job_digest(job)
    remote = bundle is not None
    tasks = []
    for i, group in enumerate(groups):
        first = group[0]
        tasks.append(RenderTask(
            index=i, records=tuple(group), kind=job.template.kind,
            template_dir=None if remote else job.template.path,
            brand_path=None if remote else job.brand_file, bundle=bundle,
            format_names=tuple(f.name for f in job.formats), image_ext=job.image_ext,
            search_dirs=() if remote else tuple(job.search_dirs), source=job.source,
            columns=tuple(job.columns),
            stem=output_stem(first.row, job.template.file_name_text(first.fields)),
            digest=task_digest(shared, group, job.search_dirs),
            files=record_files(job, group) if remote else (), clip=job.clip,
            language=job.brand.language))
    return tasks


def record_files(job: Job, records: Sequence[Record]) -> tuple[tuple[str, bytes], ...]:
    """The image files the records' image fields name (covers), as
    ``(name as written in the data, bytes)`` pairs, for a worker on another
    machine.  Only names that are plain relative paths travel (``kopi.jpg``,
    ``covers/kopi.jpg``); a missing or unreadable file is left out, so the
    worker reports it as this machine would."""
    from .assets import resolve_image_path

    out: dict[str, bytes] = {}
    image_fields = [f.name for f in job.template.fields.values() if f.type == "image"]
    for rec in records:
        for name in image_fields:
            value = str(rec.fields.get(name, "")).strip()
            if not value or value in out or not _plain_relative(value):
                continue
            try:
                out[value] = resolve_image_path(value, job.search_dirs).read_bytes()
            except (LibmediaError, OSError):
                continue
    return tuple(sorted(out.items()))


def _plain_relative(name: str) -> bool:
    parts = name.split("/")
    return (not name.startswith(("/", "~")) and "\\" not in name and ":" not in name
            and all(p not in ("", ".", "..") for p in parts))


# ---------------------------------------------------------------------------
# what a task's output depends on (for --resume)


def folder_digest(folder: Path, h=None) -> str:
    """sha256 over every file under ``folder`` (relative path and bytes, in
    sorted order); ``""`` for a missing folder."""
    h = h or hashlib.sha256()
    folder = Path(folder)
    if folder.is_dir():
        for p in sorted(x for x in folder.rglob("*") if x.is_file()):
            h.update(p.relative_to(folder).as_posix().encode() + b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()


def job_digest(job: Job) -> str:
    """sha256 of what every task of ``job`` shares: libmedia's version, the
    language, the template folder, the brand kit file with its ``fonts/`` folder and logo,
    the bundled fonts' names, the formats and the image type."""
    from .typography.fonts import BUNDLED_FONTS

    h = hashlib.sha256()
    h.update(f"{__version__}\0{job.image_ext}\0{','.join(f.name for f in job.formats)}\0"
             f"{job.brand.language}\0".encode())
    if job.template.kind == "video":  # clip options and music matter to clips only
        from .motion.clip import BUNDLED_MUSIC, ClipOptions

        clip = job.clip or ClipOptions()
        h.update(folder_digest(BUNDLED_MUSIC).encode())
        h.update(repr(clip).encode())
        if clip.music and Path(clip.music).is_file():
            h.update(Path(clip.music).read_bytes())
    h.update(folder_digest(job.template.path).encode())
    if job.brand_file is not None:
        h.update(Path(job.brand_file).read_bytes())
        h.update(folder_digest(Path(job.brand_file).parent / "fonts").encode())
    if job.brand.logo is not None and Path(job.brand.logo).is_file():
        h.update(Path(job.brand.logo).read_bytes())
    fonts = Path(BUNDLED_FONTS)
    for p in sorted(fonts.rglob("*")) if fonts.is_dir() else []:
        if p.is_file():
            st = p.stat()
            h.update(f"{p.relative_to(fonts).as_posix()}:{st.st_size}\0".encode())
    return h.hexdigest()


def task_digest(shared: str, records: Sequence[Record], search_dirs: Sequence[Path]) -> str:
    """sha256 of one task's inputs: ``shared`` (:func:`job_digest`), each
    record's fields, and the size and modification time of any local file a
    field names (a cover replaced under the same name renders again)."""
    h = hashlib.sha256(shared.encode())
    for rec in records:
        for key in sorted(rec.fields):
            value = str(rec.fields[key])
            h.update(f"{key}\0{value}\0".encode())
            if value and len(value) < 300 and "://" not in value and "." in value:
                for d in search_dirs:
                    try:
                        st = (Path(d) / value).stat()
                    except (OSError, ValueError):
                        continue
                    h.update(f"{st.st_size}:{st.st_mtime_ns}\0".encode())
                    break
        h.update(f"{rec.row}\1".encode())
    return h.hexdigest()

