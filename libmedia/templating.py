"""Templates: discovery, ``template.toml``, and the sandboxed Jinja environment.

A template is a folder::

    templates/new-book/
      template.toml     name, description, kind, formats, record count,
                        fields with types and whether required, sample records
      layout.xml.j2     the layout markup, filled by Jinja
      caption.txt.j2    the post caption (with hashtags)
      alt.txt.j2        alt text describing the image
      assets/           images the layout uses (``src="assets/..."``)

A ``kind = "carousel"`` template makes one image (slide) per record of the
post, and may add an intro slide before them and an outro slide after
(``[carousel] intro = true``, ``outro = true`` in ``template.toml``; see
:class:`CarouselSpec`).  Each slide is the same ``layout.xml.j2`` rendered
with ``slide`` (``"intro"``, ``"record"`` or ``"outro"``), ``page`` and
``pages`` (1-based), ``number`` (the book's place in the post, 1-based; 0
on the intro and outro) and ``records`` (all of the post's); ``alt.txt.j2``
is rendered once per slide the same way, ``caption.txt.j2`` once per post
(see :func:`libmedia.render.render`).

A template folder is untrusted code (a template shared by another library):
it is checked when loaded (:func:`libmedia.sandbox.check_template_folder`: no
symbolic link pointing out of it, no FIFO, socket or device file), its files
are read only from inside it (includes and imports too), and Jinja runs in
a sandbox (:class:`Sandbox`, an
:class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`: no Python internals,
no changing the data) with a budget: loop iterations and calls, the time,
the size of the strings, lists and numbers it builds and of what it
renders are limited (:data:`libmedia.sandbox.LIMITS`), each going over an
error naming the limit and the template line.  Errors are
:class:`StrictUndefined`-style: a
missing field is an error naming the field, the row and the columns the
data file does have (case C23), never a blank.  The layout is rendered with
autoescape on, so any value (``<``, ``&``, quotes, ``{{ }}``) is literal
text; newlines in values become U+2028 so the markup keeps them as line
breaks.
"""

from __future__ import annotations

import re
import string
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import update_wrapper
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from . import sandbox
from .errors import DataError, Location, ProblemList, TemplateError
from .hours import FILTERS as HOURS_FILTERS
from .i18n import translate, translator
from .textfilters import FILTERS, display_title, names, quoted, title_parts, year_label

#: Re-exported: the text filters live in :mod:`libmedia.textfilters`, the
#: interface texts in :mod:`libmedia.i18n`.
__all__ = ["FILTERS", "CarouselSpec", "FieldSpec", "RecordView", "Sandbox", "Template", "check_fields",
           "display_title",
           "find_template", "instrument_lines", "list_templates", "load_template",
           "make_environment", "names", "quoted", "render_markup", "render_text", "title_parts",
           "translate", "translator", "year_label"]
_names = names  # the name benchmarks import

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"

FIELD_TYPES = ("text", "image", "date", "url", "isbn", "number")
_TOML_KEYS = {"name", "title", "description", "kind", "formats", "records", "record_name",
              "fields", "sample", "default_format", "carousel", "per_post", "file_name"}


@dataclass(frozen=True)
class FieldSpec:
    """A field a template reads: ``type`` is one of :data:`FIELD_TYPES`;
    ``required`` fields must be non-empty in every record."""

    name: str
    type: str = "text"
    required: bool = False
    description: str = ""


#: Template kinds: ``image`` (one page per post), ``carousel`` (one page per
#: record of the post, with an optional intro and outro page: :class:`CarouselSpec`),
#: ``video`` (one clip per post, its records in scenes).
TEMPLATE_KINDS = ("image", "carousel", "video")


@dataclass(frozen=True)
class RecordsSpec:
    """How many records one post takes, from ``template.toml`` ``records``:
    ``"1"`` (exactly one), ``"2-6"`` (two to six).  ``low <= high``, both >= 1."""

    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class CarouselSpec:
    """The slides a carousel template adds around its records, from
    ``template.toml`` ``[carousel]``: ``intro`` a slide before the first
    record (a cover: "New this week"), ``outro`` one after the last (a call
    to action).  Both off for a template without the table."""

    intro: bool = False
    outro: bool = False

    @property
    def extra(self) -> int:
        """How many slides the carousel adds to its records (0, 1 or 2)."""
        return int(self.intro) + int(self.outro)

    def slides(self, records: int) -> list[tuple[str, int]]:
        """The slides of a post of ``records`` records, in order, as
        ``(slide, index)``: ``("intro", 0)``, ``("record", 0)`` ...
        ``("record", records - 1)``, ``("outro", 0)``; ``index`` is the
        record shown (the first on the intro and outro)."""
        return ([("intro", 0)] if self.intro else []) + \
            [("record", i) for i in range(records)] + ([("outro", 0)] if self.outro else [])


def parse_carousel_spec(value: object, kind: str, where: str) -> tuple[CarouselSpec, list[TemplateError]]:
    """Read ``template.toml``'s ``[carousel]`` table (``intro``/``outro``
    booleans) for a template of ``kind``.  Returns the spec and the problems
    found (a table on a template that is not a carousel, an unknown key, a
    value that is not true or false), each naming ``where`` and the key."""
    problems: list[TemplateError] = []
    if value is None:
        return CarouselSpec(), problems
    if kind != "carousel":
        problems.append(TemplateError(f"[carousel] is for carousel templates, but this one is "
                                      f"kind = {kind!r}", Location(file=where, field="carousel"),
                                      hint='set kind = "carousel", or remove the [carousel] table'))
        return CarouselSpec(), problems
    if not isinstance(value, dict):
        problems.append(TemplateError("carousel must be a table", Location(file=where, field="carousel"),
                                      hint="write it as [carousel] with intro = true, outro = false"))
        return CarouselSpec(), problems
    flags = {}
    for key, v in value.items():
        if key not in ("intro", "outro"):
            problems.append(TemplateError(f"unknown key 'carousel.{key}'",
                                          Location(file=where, field=f"carousel.{key}"),
                                          hint="[carousel] takes intro and outro (true or false)"))
        elif not isinstance(v, bool):
            problems.append(TemplateError(f"carousel.{key} = {v!r} is not true or false",
                                          Location(file=where, field=f"carousel.{key}"),
                                          hint=f"write {key} = true or {key} = false"))
        else:
            flags[key] = v
    return CarouselSpec(**flags), problems


def parse_records_spec(value: object, where: str) -> RecordsSpec:
    """Parse a ``records`` value (``1``, ``"1"``, ``"2-6"``) into a
    :class:`RecordsSpec`.  Raises :class:`TemplateError` naming ``where``
    (the template.toml) and the key ``records``."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", str(value)) if not isinstance(value, bool) else None
    low = int(m.group(1)) if m else 0
    high = int(m.group(2) or m.group(1)) if m else 0
    if not m or low < 1 or high < low:
        raise TemplateError(f"records = {value!r} is not a record count",
                            Location(file=where, field="records"),
                            hint='write one number ("1") or a range ("2-6", at least 1, the '
                                 'smaller number first)')
    return RecordsSpec(low, high)


@dataclass
class Template:
    """A loaded template folder (see the module docstring)."""

    name: str
    path: Path
    title: str
    description: str
    kind: str
    formats: list[str]
    records: RecordsSpec
    record_name: str
    fields: dict[str, FieldSpec]
    samples: list[dict[str, str]]
    layout_source: str
    caption_source: str
    alt_source: str
    carousel: CarouselSpec = field(default_factory=CarouselSpec)
    #: records one post takes unless ``--per-post`` says otherwise: template.toml
    #: ``per_post`` (within ``records``), else the ``records`` maximum
    per_post: int = 0
    #: what a post's files are named from: template.toml ``file_name``, one
    #: pattern or a list tried in turn (``["{title}", "{kind} {date}"]``; see
    #: :func:`libmedia.run.names.file_name_text`)
    file_name: tuple[str, ...] = ("{title}",)
    _env: Any = field(default=None, repr=False)
    _text_env: Any = field(default=None, repr=False)

    @property
    def default_format(self) -> str:
        return self.formats[0]

    def file_name_text(self, fields: Mapping[str, Any]) -> str:
        """The text a record's output files are named from (its title, or
        what ``file_name`` names; fields of type ``date`` in ISO 8601)."""
        from .run.names import file_name_text

        dates = [n for n, f in self.fields.items() if f.type == "date"] or ["date"]
        return file_name_text(fields, self.file_name, dates)

    def slide_count(self, records: int) -> int:
        """How many images a post of ``records`` records makes: one for an
        ``image`` template, one per record plus the intro and outro for a
        ``carousel``, 0 for a ``video``."""
        if self.kind == "carousel":
            return records + self.carousel.extra
        return 1 if self.kind == "image" else 0

    @property
    def required_fields(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.required]

    def layout(self) -> jinja2.Template:
        return self._env.get_template("layout.xml.j2")

    def caption(self) -> jinja2.Template:
        return self._text_env.get_template("caption.txt.j2")

    def alt(self) -> jinja2.Template:
        return self._text_env.get_template("alt.txt.j2")


# ---------------------------------------------------------------------------
# discovery


def jinja_hint(message: str) -> str:
    """How to fix a Jinja syntax error, in words for a template's author
    (Jinja's own message names the parser's expectation, not the fix)."""
    m = message.lower()
    if "expected an expression" in m:
        return ("a {% if %}, {% for %} or {{ }} on this line is missing what it tests or "
                "prints: write e.g. {% if record.author %} or {{ record.title }}")
    if "unknown tag" in m or "encountered unknown tag" in m:
        return ("a {% %} tag on this line is misspelt or is closed twice: the tags are if, "
                "elif, else, endif, for, endfor, set, with, endwith, macro, endmacro")
    if "unexpected end of template" in m or "expected 'end of" in m:
        return ("a block is not closed: every {% if %} needs its {% endif %} and every "
                "{% for %} its {% endfor %}")
    if "unexpected '}'" in m or "unexpected '%'" in m or "unexpected char" in m:
        return "check the braces on this line: {{ … }} prints a value, {% … %} is a tag"
    return ("check the {{ … }} and {% … %} on this line: each opened brace is closed the same "
            "way, names are spelt as in the template's fields")


def list_templates(extra_dirs: Sequence[Path] = ()) -> list[Template]:
    """Every template in the bundled ``templates/`` folder (and ``extra_dirs``),
    sorted by name.  A broken template raises its :class:`TemplateError`."""
    out = []
    for root in [*extra_dirs, TEMPLATES_DIR]:
        if not root.is_dir():
            continue
        for d in sorted(root.iterdir()):
            if (d / "template.toml").is_file():
                out.append(load_template(d))
    return out


def find_template(name_or_path: str) -> Path:
    """The folder of a template given by name (``new-book``) or path.

    Raises :class:`TemplateError` listing the available names, with "did
    you mean new-book?" for a near miss (``new-boook``, ``New-Book``).
    """
    import difflib

    p = Path(name_or_path)
    if (p / "template.toml").is_file():
        return p
    q = TEMPLATES_DIR / name_or_path
    if (q / "template.toml").is_file():
        return q
    names = sorted(d.name for d in TEMPLATES_DIR.iterdir() if (d / "template.toml").is_file()) \
        if TEMPLATES_DIR.is_dir() else []
    wanted = p.name.strip().lower()
    by_key = {n.lower(): n for n in names}
    close = difflib.get_close_matches(wanted, list(by_key), n=1, cutoff=0.6)
    guess = f"did you mean {by_key[close[0]]}? " if close else ""
    raise TemplateError(
        f"no template '{name_or_path}'",
        hint=guess + "templates: " + ", ".join(names)
        + " (see 'libmedia templates'); or give the path of a template folder",
    )


def load_template(folder: str | Path) -> Template:
    """Load and check a template folder.

    Raises :class:`ProblemList`/:class:`TemplateError` naming ``template.toml``
    and the key at fault, or the missing file.
    """
    from .formats import FORMATS

    folder = Path(folder).resolve()
    toml_path = folder / "template.toml"
    where = str(toml_path)
    if not folder.is_dir():
        raise TemplateError(f"{folder} is not a folder", Location(file=str(folder)),
                            hint="a template is a folder holding template.toml and layout.xml.j2")
    sandbox.check_template_folder(folder)
    try:
        meta = tomllib.loads(sandbox.read_template_file(folder, "template.toml"))
    except FileNotFoundError:
        raise TemplateError(f"{folder} has no template.toml", Location(file=str(folder)),
                            hint="a template folder holds template.toml and layout.xml.j2") from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"template.toml is not valid TOML: {exc}", Location(file=where)) from None

    problems: list[TemplateError] = []
    for key in meta:
        if key not in _TOML_KEYS:
            problems.append(TemplateError(f"unknown key '{key}'", Location(file=where, field=key),
                                          hint="known keys: " + ", ".join(sorted(_TOML_KEYS))))
    kind = meta.get("kind", "image")
    if kind not in TEMPLATE_KINDS:
        problems.append(TemplateError(f"unknown kind {kind!r}", Location(file=where, field="kind"),
                                      hint='kind is "image", "carousel" or "video"'))
    records = RecordsSpec(1, 1)
    try:
        records = parse_records_spec(meta.get("records", "1"), where)
    except TemplateError as exc:
        problems.append(exc)
    carousel, found = parse_carousel_spec(meta.get("carousel"), kind, where)
    problems += found
    per_post = records.high
    if "per_post" in meta:
        value = meta["per_post"]
        if isinstance(value, bool) or not isinstance(value, int) \
                or not records.low <= value <= records.high:
            problems.append(TemplateError(
                f"per_post = {value!r} is not a record count within records = \"{records}\"",
                Location(file=where, field="per_post"),
                hint=f"write a whole number from {records.low} to {records.high}: how many "
                     "records one post takes unless --per-post says otherwise"))
        else:
            per_post = value
    formats = list(meta.get("formats", []))
    if not formats:
        problems.append(TemplateError("no formats listed", Location(file=where, field="formats"),
                                      hint='e.g. formats = ["instagram-portrait", "instagram-square"]'))
    for f in formats:
        if f not in FORMATS:
            problems.append(TemplateError(f"unknown format {f!r}", Location(file=where, field="formats"),
                                          hint="known formats: " + ", ".join(FORMATS)))
        elif (FORMATS[f].kind == "video") != (kind == "video"):
            wanted = "video" if kind == "video" else "image"
            same = [n for n, x in FORMATS.items() if (x.kind == "video") == (kind == "video")]
            problems.append(TemplateError(
                f"format {f!r} is for {FORMATS[f].kind}s, but this template is kind = {kind!r}",
                Location(file=where, field="formats"),
                hint=f"a {wanted} template lists {wanted} formats: " + ", ".join(same)))
    if kind == "carousel" and not any(p.location.field == "records" for p in problems):
        problems += _carousel_fits(records, carousel, formats, where)
    fields: dict[str, FieldSpec] = {}
    for name, spec in meta.get("fields", {}).items():
        if isinstance(spec, str):
            spec = {"type": spec}
        ftype = spec.get("type", "text")
        if ftype not in FIELD_TYPES:
            problems.append(TemplateError(f"field '{name}' has unknown type {ftype!r}",
                                          Location(file=where, field=f"fields.{name}"),
                                          hint="types: " + ", ".join(FIELD_TYPES)))
        fields[name] = FieldSpec(name, ftype, bool(spec.get("required", False)),
                                 str(spec.get("description", "")))
    sources = {}
    for fname in ("layout.xml.j2", "caption.txt.j2", "alt.txt.j2"):
        fp = folder / fname
        try:
            sources[fname] = sandbox.read_template_file(folder, fname)
        except FileNotFoundError:
            problems.append(TemplateError(f"missing {fname}", Location(file=str(folder)),
                                          hint=f"create {fp}"))
        except TemplateError as exc:
            problems.append(exc)
    if problems:
        raise ProblemList(problems, f"template {folder.name} is invalid")

    file_name = meta.get("file_name", "{title}")
    if isinstance(file_name, str):
        file_name = [file_name]
    if not (isinstance(file_name, list) and file_name
            and all(isinstance(p, str) and re.search(r"\{[A-Za-z_]\w*\}", p) for p in file_name)):
        raise TemplateError(f"file_name = {meta.get('file_name')!r} is not a pattern naming a field",
                            Location(file=where, field="file_name"),
                            hint='write file_name = "{title}" or a list tried in turn, e.g. '
                                 '["{title}", "{kind} {date}"]')
    samples = meta.get("sample", [])
    if isinstance(samples, dict):
        samples = [samples]
    t = Template(
        name=str(meta.get("name", folder.name)), path=folder,
        title=str(meta.get("title", folder.name)), description=str(meta.get("description", "")),
        kind=kind, formats=formats, records=records,
        record_name=str(meta.get("record_name", "record")), fields=fields,
        samples=[{k: str(v) for k, v in s.items()} for s in samples],
        layout_source=sources["layout.xml.j2"], caption_source=sources["caption.txt.j2"],
        alt_source=sources["alt.txt.j2"], carousel=carousel, per_post=per_post,
        file_name=tuple(file_name),
    )
    t._env = make_environment(folder, autoescape=True)
    t._text_env = make_environment(folder, autoescape=False)
    for name, env in (("layout.xml.j2", t._env), ("caption.txt.j2", t._text_env),
                      ("alt.txt.j2", t._text_env)):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"Jinja syntax error: {exc.message}",
                                Location(file=str(folder / name), line=exc.lineno),
                                hint=jinja_hint(exc.message or "")) from None
        except (ValueError, OverflowError, RecursionError, MemoryError) as exc:
            # e.g. a number literal of 5,000 digits (Python refuses over 4,300),
            # or expressions nested thousands deep
            raise TemplateError(f"the template cannot be compiled: {type(exc).__name__}: {exc}",
                                Location(file=str(folder / name)),
                                hint="shorten the expression or number it holds") from None
    return t


def _carousel_fits(records: RecordsSpec, carousel: CarouselSpec, formats: Sequence[str],
                   where: str) -> list[TemplateError]:
    """Problems with a carousel whose posts cannot have a number of slides
    its formats' platform takes (:data:`libmedia.formats.CAROUSEL_SLIDES`),
    each naming ``records`` in ``where``."""
    from .formats import CAROUSEL_SLIDES, FORMATS

    problems = []
    for platform in dict.fromkeys(FORMATS[f].platform for f in formats if f in FORMATS):
        limit = CAROUSEL_SLIDES.get(platform)
        if limit is None:
            continue
        low, high = limit
        fewest, most = records.low + carousel.extra, records.high + carousel.extra
        if most > high or fewest < low:
            extra = f" (with {carousel.extra} intro/outro slide{'s' if carousel.extra > 1 else ''})" \
                if carousel.extra else ""
            problems.append(TemplateError(
                f"records = \"{records}\" makes carousels of {fewest} to {most} slides{extra}, but "
                f"{platform} takes {low} to {high}", Location(file=where, field="records"),
                hint=f"let a post take {max(1, low - carousel.extra)} to {high - carousel.extra} "
                     "records"))
    return problems


# ---------------------------------------------------------------------------
# environment


class RecordView(Mapping):
    """A record as templates see it: ``book.title`` or ``book["title"]``.

    A field the record lacks is an error naming the field, the row and the
    columns the data has (see :class:`_Undefined`); an empty field is "".
    ``zone`` is the brand kit's time zone for event times that name none
    (read by the ``event_*`` filters).  ``extra`` holds the values of a row
    that has more cells than the header (a separator inside an unquoted
    value), for filters that must not read such a row as if it were whole
    (:func:`libmedia.hours.notice_kind`).
    """

    def __init__(self, fields: Mapping[str, Any], row: int | None = None,
                 columns: Sequence[str] = (), source: str | None = None,
                 lists: Mapping[str, list] | None = None, zone: str = "",
                 extra: Sequence[str] = ()):
        self._fields = dict(fields)
        self._extra = tuple(extra)
        self._row = row
        self._columns = list(columns)
        self._source = source
        self._lists = dict(lists or {})
        self._zone = zone

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self):
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def list(self, name: str) -> list:
        """The values of a multi-valued field (authors, subjects) as a list."""
        if name in self._lists:
            return list(self._lists[name])
        v = self._fields.get(name, "")
        return [v] if v else []


class _Undefined(jinja2.StrictUndefined):
    """Raises libmedia errors that name what is missing and where to look."""

    def _fail_with_undefined_error(self, *args, **kwargs):
        obj = self._undefined_obj
        name = self._undefined_name
        if self._undefined_exception is SecurityError:
            raise TemplateError(f"the template reaches for '{name}' of a {type(obj).__name__}, "
                                "which templates may not use",
                                hint="templates see record fields, brand, format and t(); Python's "
                                     "internals (names starting with _) are closed to them",
                                code="template-sandbox")
        if isinstance(obj, RecordView):
            cols = ", ".join(obj._columns) if obj._columns else "(none)"
            raise DataError(
                f"the template uses field '{name}' but the record has no such field",
                Location(file=obj._source, row=obj._row, field=name),
                hint=f"the data's columns are: {cols}. Rename the column to '{name}' (or one of "
                     "its aliases, e.g. Indonesian 'judul' for 'title'), or edit the template",
            )
        raise TemplateError(f"'{name}' is undefined" if name else (self._undefined_hint or "undefined value"),
                            hint="check the variable's spelling; templates see record fields, "
                                 "brand, format and t()")

    __str__ = _fail_with_undefined_error  # type: ignore[assignment]


def _finalize_markup(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\u2028")
    return value


_START_TAG = re.compile(r"<([A-Za-z][\w-]*)(?=[\s/>])")


def instrument_lines(source: str) -> str:
    """Mark every start tag of a layout with its source line (``<text`` on line
    12 becomes ``<text _line="12"``), so errors found after Jinja has run,
    whatever its loops and branches did, name the line the author wrote.
    Only whole tags are touched; the line count does not change, so Jinja's
    own error lines stay right too."""
    from .markup import LINE_ATTR

    return "\n".join(
        _START_TAG.sub(lambda m, n=n: f'<{m.group(1)} {LINE_ATTR}="{n}"', line)
        for n, line in enumerate(source.split("\n"), 1)
    )


class _FolderLoader(jinja2.BaseLoader):
    """Loads a template folder's files, and nothing outside it: a name with
    ``..`` or an absolute path, a file that leads out through a symbolic
    link, a FIFO or a device is a :class:`TemplateError` (code
    ``template-file``) naming the rule (:func:`libmedia.sandbox.read_template_file`).
    With ``instrument``, ``layout.xml.j2``'s tags are marked by
    :func:`instrument_lines`."""

    def __init__(self, folder: Path, instrument: bool = False):
        self.folder = Path(folder)
        self.instrument = instrument

    def get_source(self, environment, template):
        pieces = template.replace("\\", "/").split("/")
        if template.startswith(("/", "~")) or re.match(r"^[a-zA-Z]:", template) or ".." in pieces:
            raise TemplateError(f"'{template}' is outside the template folder: a template includes "
                                "and imports files of its own folder only",
                                hint="copy the file into the template folder and name it by its "
                                     "path there, e.g. {% include 'parts/footer.j2' %}",
                                code=sandbox.FILE_RULE)
        relative = "/".join(p for p in pieces if p and p != ".")
        path = self.folder / relative
        try:
            source = sandbox.read_template_file(self.folder, relative)
        except FileNotFoundError:
            raise jinja2.TemplateNotFound(template) from None
        except TemplateError as exc:  # named at the line that includes it
            raise exc.replace(location=Location()) from None
        if self.instrument and template == "layout.xml.j2":
            source = instrument_lines(source)
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            mtime = 0

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(path), uptodate


# ---------------------------------------------------------------------------
# the sandbox: a budget of steps and time, and sizes checked


@dataclass
class _Budget:
    """What one rendering of one template file may still spend: ``steps``
    (loop iterations and calls) and time (``deadline``, monotonic)."""

    steps: int
    deadline: float
    seconds: float
    #: how deep macros call macros now
    depth: int = 0

    def tick(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise sandbox.limit_error("template-steps", "the template ran too many loop iterations "
                                      "and calls")
        if not self.steps & 0xFF and time.monotonic() > self.deadline:
            self.over_time()

    def over_time(self) -> None:
        end = sandbox.current_deadline()
        if end is not None and time.monotonic() > end:
            sandbox.check_deadline()
        raise sandbox.limit_error("template-time",
                                  f"the template ran for over {self.seconds:g} s")


_BUDGET: ContextVar[_Budget | None] = ContextVar("libmedia_template_budget", default=None)


def _tick() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.tick()


def _too_long(what: str, size: int, name: str = "string-length") -> TemplateError:
    return sandbox.limit_error(name, f"{what} of {size:,} {'characters' if name == 'string-length' else 'items'}")


def _checked(value: Any) -> Any:
    """``value``, or the ``string-length``/``sequence-length`` error when it
    is a string or list longer than the limit."""
    if isinstance(value, (str, bytes)):
        if len(value) > sandbox.limit("string-length"):
            raise _too_long("a text", len(value))
    elif isinstance(value, (list, tuple)):
        if len(value) > sandbox.limit("sequence-length"):
            raise _too_long("a list", len(value), "sequence-length")
    return value


def _check_length(n: int | float, what: str) -> None:
    if n > sandbox.limit("string-length"):
        raise _too_long(what, int(n))


def _check_count(n: int, what: str) -> None:
    if n > sandbox.limit("sequence-length"):
        raise _too_long(what, n, "sequence-length")


def _int_digits(n: int) -> int:
    return max(1, int(abs(n).bit_length() * 0.30103) + 1)


def _check_number(n: Any) -> None:
    if isinstance(n, int) and not isinstance(n, bool) and n.bit_length() > 3.33 * sandbox.limit("number-digits"):
        raise sandbox.limit_error("number-digits", f"a number of about {_int_digits(n):,} digits")


_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def _check_printf(fmt: str, args: Any) -> None:
    """Refuse a printf-style format (``"%9999999d" % n``, ``|format``) whose
    widths would build a text over ``string-length``."""
    values = args if isinstance(args, tuple) else (args,)
    for m in _PRINTF.finditer(fmt):
        for part in m.groups():
            if part == "*":
                for v in values:
                    if isinstance(v, int) and abs(v) > sandbox.limit("string-length"):
                        _check_length(abs(v), "a format width")
            elif part:
                _check_length(int(part), "a format width")


def _check_str_format(fmt: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    """Refuse a ``str.format`` whose widths (``{:>99999999}``, or a width
    passed in: ``{:{w}}``) would build a text over ``string-length``."""
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format raises its own error
    for _, _, spec, _ in parsed:
        if not spec:
            continue
        for m in re.finditer(r"\d+", spec):
            _check_length(int(m.group()), "a format width")
        if "{" in spec:
            for v in [*args, *kwargs.values()]:
                if isinstance(v, int) and not isinstance(v, bool):
                    _check_length(abs(v), "a format width")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``'a' * 10**9``, ``10 ** 10 ** 10``, ``s + s`` over the limits
    before Python builds the result."""
    seqs = (str, bytes, list, tuple)
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, seqs) and isinstance(n, int) and not isinstance(n, bool):
                size = len(seq) * max(0, n)
                if isinstance(seq, (str, bytes)):
                    _check_length(size, "a repeated text")
                else:
                    _check_count(size, "a repeated list")
                return
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > 3.33 * sandbox.limit("number-digits"):
                raise sandbox.limit_error("number-digits", "a product of about "
                                          f"{_int_digits(left) + _int_digits(right):,} digits")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            digits = right * (abs(left).bit_length() - 1) * 0.30103
            if digits > sandbox.limit("number-digits"):
                raise sandbox.limit_error("number-digits", f"a power of about {int(digits):,} digits")
    elif operator == "+":
        if isinstance(left, (str, bytes)) and isinstance(right, (str, bytes)):
            _check_length(len(left) + len(right), "a joined text")
        elif isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
            _check_count(len(left) + len(right), "a joined list")
    elif operator == "%" and isinstance(left, str):
        _check_printf(left, right)


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _materialize(value: Any, what: str) -> list:
    """``value`` (any iterable) as a list, counting its items against
    ``sequence-length`` and the budget as they come."""
    out = []
    for item in value:
        out.append(item)
        if len(out) > sandbox.limit("sequence-length"):
            raise _too_long(what, len(out), "sequence-length")
    return out


def _pre_join(args: list, kwargs: dict) -> None:
    items = _materialize(args[0], "a joined list")
    args[0] = items
    sep = args[1] if len(args) > 1 else kwargs.get("d", "")
    total = len(_text_of(sep)) * max(0, len(items) - 1)
    for item in items:
        if isinstance(item, (str, int, float)):
            total += len(_text_of(item))
            _check_length(total, "a joined text")
    _check_length(total, "a joined text")


def _pre_replace(args: list, kwargs: dict) -> None:
    s = _text_of(args[0])
    old = _text_of(args[1] if len(args) > 1 else kwargs.get("old", ""))
    new = _text_of(args[2] if len(args) > 2 else kwargs.get("new", ""))
    count = args[3] if len(args) > 3 else kwargs.get("count")
    hits = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    _check_length(len(s) + hits * max(0, len(new) - len(old)), "a replaced text")


def _pre_width(index: int, key: str) -> Callable[[list, dict], None]:
    def check(args: list, kwargs: dict) -> None:
        width = args[index] if len(args) > index else kwargs.get(key)
        if isinstance(width, int):
            _check_length(width, f"a {key}")
    return check


def _pre_indent(args: list, kwargs: dict) -> None:
    width = args[1] if len(args) > 1 else kwargs.get("width", 4)
    step = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    lines = _text_of(args[0]).count("\n") + 1
    _check_length(len(_text_of(args[0])) + lines * max(0, step), "an indented text")


def _pre_wordwrap(args: list, kwargs: dict) -> None:
    wrap = args[3] if len(args) > 3 else kwargs.get("wrapstring")
    s = _text_of(args[0])
    if wrap is not None:
        _check_length(len(s) * (1 + len(_text_of(wrap))), "a wrapped text")


def _pre_count(index: int, key: str) -> Callable[[list, dict], None]:
    def check(args: list, kwargs: dict) -> None:
        n = args[index] if len(args) > index else kwargs.get(key)
        if isinstance(n, int):
            _check_count(n, f"a {key}")
    return check


def _pre_format(args: list, kwargs: dict) -> None:
    _check_printf(_text_of(args[0]), tuple(args[1:]) or tuple(kwargs.values()))


def _pre_sum(args: list, kwargs: dict) -> None:
    items = _materialize(args[0], "a summed list")
    args[0] = items
    total = 0
    for item in items:
        if isinstance(item, (str, list, tuple)):
            total += len(item)
            _check_length(total, "a summed text or list")


#: Checks made before a filter runs, for the filters whose result can be far
#: larger than their input (the value's arguments after any environment or
#: context Jinja passes first).
_PRECHECKS: dict[str, Callable[[list, dict], None]] = {
    "join": _pre_join, "replace": _pre_replace, "center": _pre_width(1, "width"),
    "indent": _pre_indent, "wordwrap": _pre_wordwrap, "format": _pre_format,
    "batch": _pre_count(1, "linecount"), "slice": _pre_count(1, "slices"), "sum": _pre_sum,
    "tojson": _pre_width(1, "indent"),
}

#: ``str`` methods whose result can be far larger than the string, with the
#: check made before the call (arguments as passed).
_STR_METHODS: dict[str, Callable[[str, tuple, dict], None]] = {
    "center": lambda s, a, k: _check_length(a[0] if a and isinstance(a[0], int) else 0, "a width"),
    "ljust": lambda s, a, k: _check_length(a[0] if a and isinstance(a[0], int) else 0, "a width"),
    "rjust": lambda s, a, k: _check_length(a[0] if a and isinstance(a[0], int) else 0, "a width"),
    "zfill": lambda s, a, k: _check_length(a[0] if a and isinstance(a[0], int) else 0, "a width"),
    "expandtabs": lambda s, a, k: _check_length(
        len(s) + s.count("\t") * (a[0] if a and isinstance(a[0], int) else k.get("tabsize", 8)),
        "an expanded text"),
    "replace": lambda s, a, k: _pre_replace([s, *a], dict(k)),
    "translate": lambda s, a, k: _pre_translate(s, a[0] if a else None),
}


def _pre_translate(s: str, table: Any) -> None:
    """``str.translate`` with a table mapping a character to a long text."""
    if isinstance(table, Mapping):
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        _check_length(len(s) * longest, "a translated text")


def _guard_filter(name: str, func: Callable) -> Callable:
    """``func`` (a filter) counting against the budget, with the filter's
    precheck (:data:`_PRECHECKS`) and its result's size checked."""
    skip = 1 if _PassArg.from_obj(func) else 0
    pre = _PRECHECKS.get(name)

    def guarded(*args, **kwargs):
        _tick()
        if pre is not None and len(args) > skip:
            rest = list(args[skip:])
            pre(rest, kwargs)
            args = (*args[:skip], *rest)
        return _checked(func(*args, **kwargs))

    return update_wrapper(guarded, func)


class _Guard(NodeTransformer):
    """Rewrites a parsed template so the budget sees every loop iteration
    (each ``for`` iterates through ``environment.counted``) and every text
    joined with ``~`` (through ``environment.sized``)."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        node.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [node.iter], [], None, None,
                               lineno=node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        return nodes.Call(nodes.EnvironmentAttribute("sized"), [node], [], None, None,
                          lineno=node.lineno)


class _Counted:
    """An iterable that ticks the budget for each item it gives (keeping the
    length, for ``loop.length`` and ``loop.last``)."""

    def __init__(self, iterable: Iterable):
        self._iterable = iterable

    def __len__(self) -> int:
        return len(self._iterable)  # type: ignore[arg-type]

    def __iter__(self):
        for item in self._iterable:
            _tick()
            yield item


class Sandbox(ImmutableSandboxedEnvironment):
    """The Jinja environment templates run in: Jinja's immutable sandbox
    (no attribute starting with ``_``, no Python internals, no changing
    lists or dicts), plus libmedia's budget and size checks:

    * every loop iteration, call and filter counts against
      ``template-steps`` and the time against ``template-time``
      (:data:`libmedia.sandbox.LIMITS`), so nested loops and runaway macros
      end with an error naming the limit and the line;
    * ``*``, ``**``, ``+`` and ``%`` are intercepted
      (:attr:`intercepted_binops`): ``'a' * 10**9`` or ``10 ** 10 ** 10``
      is refused before Python builds it (``string-length``,
      ``sequence-length``, ``number-digits``); ``~``, filters, calls and
      ``str.format`` widths are checked the same way;
    * ``lipsum`` (which can write any amount of text) is not offered.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals.pop("lipsum", None)

    def call_binop(self, context, operator, left, right):
        _check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        _check_number(result)
        return _checked(result)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        _tick()
        if isinstance(__obj, jinja2.runtime.Macro):
            budget = _BUDGET.get()
            if budget is not None:
                if budget.depth >= sandbox.limit("template-depth"):
                    raise sandbox.limit_error("template-depth", f"macros called {budget.depth} "
                                              "deep")
                budget.depth += 1
                try:
                    return _checked(super().call(__context, __obj, *args, **kwargs))
                finally:
                    budget.depth -= 1
        target = getattr(__obj, "__self__", None)
        if isinstance(target, str):
            check = _STR_METHODS.get(getattr(__obj, "__name__", ""))
            if check is not None:
                check(target, args, kwargs)
            elif getattr(__obj, "__name__", "") == "join" and args:
                items = _materialize(args[0], "a joined list")
                _pre_join([items, target], {})
                args = (items, *args[1:])
        return _checked(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = value.__self__
        is_map = value.__name__ == "format_map"

        def checked(*args: Any, **kwargs: Any) -> str:
            _tick()
            if is_map and len(args) == 1 and isinstance(args[0], Mapping):
                _check_str_format(fmt, (), args[0])
            else:
                _check_str_format(fmt, args, kwargs)
            return _checked(wrapped(*args, **kwargs))

        return update_wrapper(checked, value)

    def counted(self, iterable: Any) -> Any:
        """The iterable of a ``for`` loop, ticking the budget per item."""
        if isinstance(iterable, jinja2.Undefined):
            return iterable
        return _Counted(iterable)

    def sized(self, value: Any) -> Any:
        """A text joined with ``~``, checked against ``string-length``."""
        return _checked(value)

    def _parse(self, source, name, filename):
        return _Guard().visit(super()._parse(source, name, filename))


def make_environment(folder: Path, autoescape: bool) -> jinja2.Environment:
    """The sandboxed Jinja environment (:class:`Sandbox`) for a template
    folder, loading its files only from inside it (:class:`_FolderLoader`),
    with the text filters of :data:`libmedia.textfilters.FILTERS`, every
    filter counted and size-checked.

    ``autoescape`` is on for the XML layout and off for the plain-text
    caption and alt text.  In those, ``names`` joins a person's name with
    plain spaces: the no-break spaces that keep a name on one line of a post
    have no line to keep in a caption, where they only surprise a reader who
    edits or searches the text.
    """
    env = Sandbox(
        loader=_FolderLoader(folder, instrument=autoescape),
        autoescape=autoescape,
        undefined=_Undefined,
        finalize=_finalize_markup if autoescape else None,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters.update(HOURS_FILTERS)
    if not autoescape:
        env.filters["names"] = _plain_names
    env.filters = {name: _guard_filter(name, f) for name, f in env.filters.items()}
    return env


def _plain_names(value: Any, *args: Any, **kwargs: Any) -> str:
    """:func:`libmedia.textfilters.names` with plain spaces (captions, alt text)."""
    return names(value, *args, **kwargs).replace("\u00a0", " ")


def render_text(template: jinja2.Template, context: Mapping[str, Any], filename: str) -> str:
    """Render caption or alt text: lines trimmed, at most one blank line in a row.
    Raises the ``text-length`` limit error for a text over it."""
    text = _run(template, context, filename, "text-length")
    lines = [ln.rstrip() for ln in text.strip().splitlines()]
    out: list[str] = []
    for ln in lines:
        if not ln and out and not out[-1]:
            continue
        out.append(ln.lstrip() if not ln.startswith("  ") else ln.strip())
    return "\n".join(out).strip() + "\n"


def render_markup(template: Template, context: Mapping[str, Any]) -> str:
    """Render ``layout.xml.j2`` to markup text.  Raises the
    ``markup-length`` limit error for markup over it."""
    return _run(template.layout(), context, str(template.path / "layout.xml.j2"), "markup-length")


def _run(template: jinja2.Template, context: Mapping[str, Any], filename: str,
         size_limit: str = "text-length") -> str:
    """Render ``template`` under a fresh budget (:class:`_Budget`) and the
    output limit ``size_limit``; every failure is a libmedia error naming
    ``filename`` and the template line."""
    seconds = float(sandbox.limit("template-time"))
    end = time.monotonic() + seconds
    outer = sandbox.current_deadline()
    if outer is not None:
        end = min(end, outer)
    token = _BUDGET.set(_Budget(int(sandbox.limit("template-steps")), end, seconds))
    try:
        return _generate(template, context, size_limit)
    except (DataError, TemplateError) as exc:
        if exc.location.file is None or exc.location.line is None:
            line = _template_line(exc, filename)
            if isinstance(exc, TemplateError):
                raise exc.replace(location=Location(file=filename, line=line)) from exc
            if line is not None:
                raise exc.replace(
                    message=f"{exc.message} (used at {Path(filename).name}:{line})") from exc
        raise
    except SecurityError as exc:
        raise TemplateError(f"the template tried something templates may not do: {exc}",
                            Location(file=filename, line=_template_line(exc, filename)),
                            hint="templates see record fields, brand, format and t(); Python's "
                                 "internals are closed to them",
                            code="template-sandbox") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{type(exc).__name__}: {exc}",
                            Location(file=filename, line=_template_line(exc, filename))) from None
    except OverflowError as exc:
        where = Location(file=filename, line=_template_line(exc, filename))
        if "MAX_RANGE" in str(exc):
            raise sandbox.limit_error("sequence-length", "a range() too long", where) from None
        raise sandbox.limit_error("number-digits", f"a number too large ({exc})", where) from None
    except RecursionError as exc:
        raise sandbox.limit_error("template-depth", "includes, macros or recursive loops call "
                                  "each other too deep for Python's stack",
                                  Location(file=filename, line=_template_line(exc, filename)),
                                  hint="an include, macro or recursive loop that calls itself "
                                       "needs a condition that stops it") from None
    except MemoryError:
        raise sandbox.limit_error("string-length", "the template ran out of memory",
                                  Location(file=filename)) from None
    except (TypeError, ValueError, ZeroDivisionError, KeyError, AttributeError, IndexError) as exc:
        raise TemplateError(f"{type(exc).__name__} while filling the template: {exc}",
                            Location(file=filename, line=_template_line(exc, filename))) from None
    finally:
        _BUDGET.reset(token)


def _generate(template: jinja2.Template, context: Mapping[str, Any], size_limit: str) -> str:
    """The rendered text, built chunk by chunk so output over ``size_limit``
    stops the template where it is (the error is raised inside it, so it
    names the line)."""
    most = sandbox.limit(size_limit)
    chunks: list[str] = []
    total = 0
    gen = template.generate(context)
    for chunk in gen:
        total += len(chunk)
        chunks.append(chunk)
        if total > most:
            what = "the layout markup" if size_limit == "markup-length" else "the text"
            error = sandbox.limit_error(size_limit, f"{what} rendered is longer than {most:,} "
                                        "characters")
            gen.throw(error)  # raised at the template's current line, then out of generate()
    return "".join(chunks)


def _template_line(exc: BaseException, filename: str) -> int | None:
    tb = exc.__traceback__
    line = None
    name = Path(filename).name
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def check_fields(template: Template, available: Sequence[str], source: str) -> None:
    """Raise :class:`ProblemList` when the data lacks a column for a required
    field of ``template`` (every record would fail the same way).

    ``available`` are the canonical field names the data file provides.
    """
    missing = [f for f in template.required_fields if f not in available]
    if missing:
        raise ProblemList([
            DataError(f"template '{template.name}' needs field '{f}' but the data has no column for it",
                      Location(file=source, field=f),
                      hint=f"add a column named '{f}' (or an alias such as 'judul' for title)")
            for f in missing
        ], f"{source} does not fit template '{template.name}'")
