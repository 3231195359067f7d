"""The image pipeline, one direction, each stage inspectable::

    record(s) + brand + format  --context-->   Jinja context
    context                     --markup-->    layout markup text (XML)
    markup                      --parse-->     tree of frozen elements (the document)
    document                    --assets-->    images loaded (or stand-ins)
    document + brand kit        --style-->     styled document (roles and colours resolved)
    styled document + assets    --layout-->    laid-out page (absolute boxes, lines, stand-ins)
    page                        --lint-->      diagnostics (upscaled, missing glyphs, shortened,
                                               touching lines, small text ...) and figures
    page                        --draw-->      Pillow image (RGBA)
    page + image                --lint-->      diagnostics of the drawn page (low contrast)

:func:`render` runs them all.  Each stage is a pure function taking only
what it reads: :func:`build_context`, :func:`libmedia.templating.render_markup`,
:func:`parse`, :func:`load_assets`, :func:`libmedia.style.style_document`,
:func:`libmedia.layout.layout_document`, :func:`libmedia.lint.lint_page`,
:func:`libmedia.draw.draw_page`; :func:`render_until` stops after one, for
``--dump``.  Nothing here prints or exits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image

from . import sandbox, templating
from .brand import Brand
from .diagnostics import unique
from .draw import draw_page
from .errors import Diagnostic, ImageError, LibmediaError, Location, TemplateError
from .formats import CAPTION_LIMITS, Format
from .layout import Asset, Page, layout_document
from .lint import lint_drawn, lint_page, typography
from .markup import Element, parse_markup
from .sources import Record
from .style import style_document
from .templating import RecordView, Template
from .textfilters import fit_caption
from .typography import FontLibrary, library_for

#: Book covers without a file are drawn in this width/height ratio (2:3).
COVER_ASPECT = 2 / 3


@dataclass
class Rendered:
    """One finished render.

    ``pages`` the post's images, RGBA at the format's size: one for an
    ``image`` template; for a ``carousel`` one per record, after its intro
    slide and before its outro slide when the template has them
    (:class:`libmedia.templating.CarouselSpec`); ``image`` is the first.
    ``caption`` (one per post) and ``alt`` end with a newline; ``alts`` the
    alt text of each page (a carousel's ``alt.txt.j2`` is rendered once per
    page, with that page's context; ``alt`` is the first page's);
    ``warnings`` are everything that did not stop the render (the input's,
    the records', the assets' and the lint stage's, in that order, each
    once).  ``markup``, ``document`` and ``page`` are the first page's
    intermediate stages.  ``typography`` the figures of the lint stage
    that are not warnings (:func:`libmedia.lint.typography`; a carousel's
    titles over all its record pages, not its intro or outro).
    """

    image: Image.Image
    caption: str
    alt: str
    warnings: list[Diagnostic]
    markup: str
    document: Element
    page: Page
    pages: list[Image.Image] = field(default_factory=list)
    typography: dict[str, Any] = field(default_factory=dict)
    alts: list[str] = field(default_factory=list)
    #: the pictures the pages loaded (:attr:`libmedia.layout.Asset.source` of
    #: each: covers, logos, the template's assets), in order, each once
    sources: list[str] = field(default_factory=list)
    #: each page's laid-out page (:attr:`page` is the first) and the warnings
    #: found on it, in page order (a carousel's slides)
    layouts: list[Page] = field(default_factory=list)
    page_warnings: list[list[Diagnostic]] = field(default_factory=list)


@dataclass
class RenderInput:
    """What one render takes: a template, its record(s), a format, a brand kit,
    and the folders relative image paths resolve against (the data file's
    folder first)."""

    template: Template
    records: Sequence[Record]
    format: Format
    brand: Brand
    search_dirs: Sequence[Path] = ()
    source: str | None = None
    columns: Sequence[str] = ()
    warnings: list[Diagnostic] = field(default_factory=list)


# ---------------------------------------------------------------------------
# context


def record_fields(record: Record, brand: Brand) -> dict[str, Any]:
    """The fields a template sees for a record: the data's own, plus
    ``authors`` (display names, "Ellen Siever" for "Siever, Ellen"),
    ``subjects`` (list) and ``catalog_url`` (from the brand's pattern)."""
    fields: dict[str, Any] = dict(record.fields)
    authors = record.lists.get("author_display") or record.lists.get("author")
    if authors is None:
        authors = [a.strip() for a in fields.get("author", "").split(";") if a.strip()]
    fields["authors"] = list(authors)
    subjects = record.lists.get("subject")
    if subjects is None:
        subjects = [s.strip() for s in fields.get("subject", "").split(";") if s.strip()]
    fields["subjects"] = list(subjects)
    fields["catalog_url"] = brand.catalog_link(record.fields)
    return fields


def extra_cells(record: Record, width: int) -> list[str]:
    """The values of a row beyond its header's ``width`` columns (kept in
    ``record.raw`` as ``column_N`` by :mod:`libmedia.sources.normalize`, which
    warns ``extra-values``), in column order; ``[]`` for a whole row."""
    if not any(w.code == "extra-values" for w in record.warnings):
        return []
    out = []
    for key, value in record.raw.items():
        m = re.fullmatch(r"column_(\d+)", key)
        if m and int(m[1]) > width and value.strip():
            out.append(value)
    return out


def build_context(template: Template, records: Sequence[Record], brand: Brand, fmt: Format, *,
                  source: str | None = None, columns: Sequence[str] = ()) -> dict[str, Any]:
    """Stage 1: the Jinja context for one render.

    Fields the template declares in ``template.toml`` are "" when the data
    has no such column; any other missing field is an error naming it (the
    data file ``source`` and its ``columns``).  Keys: the template's
    ``record_name`` (e.g. ``book``) and ``record`` for the first record,
    ``records`` for all, ``brand``, ``format``, ``lang`` and ``t(key)`` for
    interface texts in the brand's language (``--lang`` reaches here as the
    brand's language: :meth:`libmedia.brand.Brand.with_language`).  Event
    times without a zone take the kit's ``timezone``.
    """
    declared = {name: "" for name in template.fields}
    views = [
        RecordView({**declared, **record_fields(r, brand)}, r.row or None, columns, source, r.lists,
                   zone=brand.timezone, extra=extra_cells(r, len(columns)))
        for r in records
    ]
    lang = brand.language
    ctx: dict[str, Any] = {
        "records": views,
        "record": views[0] if views else RecordView({}),
        "brand": brand.to_context(),
        "format": fmt.to_context(),
        "lang": lang,
        "t": templating.translator(lang, template.path),
    }
    ctx[template.record_name] = ctx["record"]
    return ctx


def parse(template: Template, markup: str) -> Element:
    """Stage 3: the validated document tree of ``template``'s rendered markup."""
    return parse_markup(markup, str(template.path / "layout.xml.j2"))


# ---------------------------------------------------------------------------
# assets


@dataclass(frozen=True)
class AssetPlaces:
    """Where the assets stage looks for images, and what a template may read.

    ``template_dir`` for ``assets/...``; the brand's ``logo`` for
    ``brand:logo``; ``search_dirs`` (the data file's folder first, then
    the working folder) for a record's own files.

    ``data_names`` are the values of the records' fields (the user's own
    data, never a template's sample record): an image whose ``src`` is one
    of them is looked for as the data names it, anywhere (the data is the
    user's).  Any other ``src`` was written by the template, which may come
    from a stranger: it must be a relative path without ``..`` (no web or
    ``file://`` address, no absolute path:
    :func:`libmedia.sandbox.template_path_problem`) and must lead, symbolic
    links followed, to a file inside the template folder or the data's
    folders (``search_dirs`` but the working folder, unless the data is
    there).  ``sample_names`` (sample value -> field) blame a refused name
    on ``template.toml``'s ``[[sample]]`` when a sample record gave it.
    """

    template_dir: Path
    logo: Path | None = None
    search_dirs: Sequence[Path] = ()
    data_names: frozenset[str] = frozenset()
    sample_names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, inp: RenderInput) -> AssetPlaces:
        """The places of one render: the template's folder, the brand's logo,
        ``inp.search_dirs``, and the names the records' fields give.  A
        value any of the template's own sample records holds is the
        template's, never the data's (a sample record, even one a caller has
        changed, is not the user's data): it goes to ``sample_names``."""
        samples: dict[str, str] = {}
        for s in inp.template.samples:
            for k, v in s.items():
                if str(v).strip():
                    samples.setdefault(str(v).strip(), k)
        data = {str(v).strip() for r in inp.records for v in r.fields.values()
                if str(v).strip() and str(v).strip() not in samples}
        return cls(inp.template.path, inp.brand.logo, tuple(inp.search_dirs), frozenset(data),
                   samples)

    def resolve(self, src: str) -> tuple[str, list[Path]]:
        """The name to open and the folders to look in for ``src``, as the
        data names it (no confinement: see :meth:`load`).
        Raises :class:`ImageError` for ``brand:logo`` when the kit has none."""
        if src == "brand:logo":
            if self.logo is None:
                raise ImageError("the template shows the brand logo but the brand kit has none",
                                 hint="set library.logo in libmedia.toml, or guard the image with "
                                      "{% if brand.logo %}")
            return str(self.logo), []
        if src.startswith("assets/"):
            return src, [self.template_dir]
        dirs: list[Path] = []
        for d in [*self.search_dirs, Path.cwd()]:  # each folder once, in order
            if all(Path(d).resolve() != Path(x).resolve() for x in dirs):
                dirs.append(Path(d))
        return src, dirs

    def data_roots(self) -> list[Path]:
        """The data's folders a template-written name may lead into:
        ``search_dirs`` without the working folder (unless it comes first,
        as the data's own folder)."""
        cwd = Path.cwd().resolve()
        return [Path(d) for i, d in enumerate(self.search_dirs)
                if i == 0 or Path(d).resolve() != cwd]

    def load(self, src: str, max_side: int, line: int = 0):
        """Open the image ``src`` names (a :class:`~libmedia.assets.LoadedImage`
        at most ``max_side`` px on its long side), by the rules above.

        Raises :class:`TemplateError` (code ``template-file``) naming the
        layout's ``line`` (or ``template.toml``'s sample field) for a name
        the template may not use, :class:`ImageError` for a missing or
        unreadable file.
        """
        from .assets import load_image, resolve_image_path

        name, dirs = self.resolve(src)
        if src == "brand:logo":
            return _load_shared(name, (), max_side)
        trusted = src in self.data_names and not src.startswith("assets/")
        if trusted:
            return load_image(name, dirs, target_size=(max_side, max_side))
        problem = sandbox.template_path_problem(src)
        if problem is not None:
            raise self._refused(src, line, *problem)
        roots = [self.template_dir] if src.startswith("assets/") else \
            [self.template_dir, *self.data_roots()]
        look_in = [self.template_dir] if src.startswith("assets/") else self.data_roots()
        try:
            path = resolve_image_path(name, look_in, within=roots)
        except ImageError as exc:
            if exc.code == "outside-folders":
                raise self._refused(src, line, exc.message, exc.hint or "") from None
            raise
        if src.startswith("assets/"):
            return _load_shared(str(path), (), max_side)
        return load_image(path, (), target_size=(max_side, max_side))

    def _refused(self, src: str, line: int, message: str, hint: str) -> TemplateError:
        field_name = self.sample_names.get(src)
        if field_name is not None:
            where = Location(file=str(self.template_dir / "template.toml"), field=f"sample.{field_name}")
            message = f"the sample record's {field_name}: {message}"
            hint = (f"name a file of the template's assets/ folder in [[sample]] {field_name} "
                    f"(e.g. {field_name} = \"assets/sample.jpg\")")
        else:
            where = Location(file=str(self.template_dir / "layout.xml.j2"), line=line or None)
        return TemplateError(message, where, hint=hint, code=sandbox.FILE_RULE)


def load_assets(doc: Element, places: AssetPlaces, max_side: int,
                record: Record | None = None, source: str | None = None,
                cover_field: str | None = None,
                records: Sequence[Record] = (),
                intro: bool = False) -> tuple[dict[str, Asset], list[Diagnostic]]:
    """Stage 4: load every image the document shows, at most ``max_side`` px
    on its long side (the format's longer side).

    A missing or unreadable cover of an ``image`` with ``placeholder-title``
    becomes a stand-in (:data:`COVER_ASPECT`) and a warning pointing at the
    ``record``'s row of ``source`` and the field that names the file (or
    ``cover_field`` when the image's ``src`` is empty); otherwise the
    :class:`ImageError` is raised with the record's row.  With ``records``
    (the post's, for a page that shows several records' images: a grid, a
    carousel's cover slide) a problem with an image points at the record
    the image belongs to (:func:`_owner`) instead of ``record``.  With
    ``intro`` (a carousel's cover or closing slide) an empty ``src`` is
    drawn as a stand-in without a warning, since each record's own slide
    reports it at its row.
    """
    from .webcovers import told_about_cover

    def where(src: str | None = None, el: Element | None = None) -> Location:
        rec = _owner(src or "", el, records, cover_field) or record
        field_name = None
        if src is not None and rec is not None:
            field_name = next((k for k, v in rec.fields.items() if v and v.strip() == src), None)
            if field_name is None and not src:
                field_name = cover_field
        return Location(file=source, row=(rec.row or None) if rec is not None else None,
                        field=field_name)

    assets: dict[str, Asset] = {}
    warnings: list[Diagnostic] = []
    for el in doc.walk():
        src = None
        if el.tag == "image":
            src = el.get("src", "").strip()
        elif "background-image" in el.attrs:
            src = el.get("background-image", "").strip()
            if not src:
                continue
        if src is None:
            continue
        can_substitute = el.tag == "image" and "placeholder-title" in el.attrs
        if not src:
            if can_substitute:
                # a web cover's own warning (placeholder, not fetched) says it already;
                # a file without the column at all is told once, by the missing-column warning
                owner = _owner(src, el, records, cover_field) or record
                field_name = where(src, el).field
                if not intro and not told_about_cover(owner, field_name) and not (
                        owner is not None and (field_name or "cover") not in owner.fields):
                    warnings.append(Diagnostic.warning("no cover image given: drew a typographic "
                                                       "cover instead", where(src, el),
                                                       "placeholder"))
                assets[el.path] = Asset(None, COVER_ASPECT, "", placeholder=True)
                continue
            raise ImageError(f"<image> at line {el.line} has an empty src", where(),
                             hint="give the image's path, or add placeholder-title to draw a "
                                  "typographic stand-in when it is missing")
        try:
            loaded = places.load(src, max_side, el.line)
        except ImageError as exc:
            if not can_substitute:
                raise exc.located(source, where(src, el).row) from exc
            warnings.append(Diagnostic.warning(f"{exc.message}: drew a typographic cover instead",
                                               where(src, el), "placeholder"))
            assets[el.path] = Asset(None, COVER_ASPECT, src, placeholder=True)
            continue
        at = where(src, el).row
        warnings.extend(w.at(row=at) if at is not None else w for w in loaded.warnings)
        img = loaded.image
        assets[el.path] = Asset(img, img.width / max(1, img.height), str(loaded.path),
                                loaded.original_size)
    return assets, warnings


def _owner(src: str, el: Element | None, records: Sequence[Record],
           cover_field: str | None) -> Record | None:
    """The record of a post's ``records`` an image belongs to: the one with
    a field naming ``src``; for an empty ``src``, the one record without a
    ``cover_field`` value, or the one whose title starts with the image's
    ``placeholder-title`` (compared case-folded).  None when it cannot be
    told (one record, or no match)."""
    if len(records) < 2:
        return None
    if src:
        return next((r for r in records if any(str(v).strip() == src for v in r.fields.values())),
                    None)
    bare = [r for r in records if not str(r.fields.get(cover_field or "", "")).strip()]
    if len(bare) == 1:
        return bare[0]
    title = str(el.get("placeholder-title", "")).casefold() if el is not None else ""
    return next((r for r in bare if title and str(r.fields.get("title", "")).casefold()
                 .startswith(title)), None)


@lru_cache(maxsize=32)
def _load_shared_cached(name: str, dirs: tuple[Path, ...], max_side: int, stamp: tuple):
    from .assets import load_image

    return load_image(name, dirs, target_size=(max_side, max_side))


def _load_shared(name: str, dirs: tuple[Path, ...], max_side: int):
    """The brand logo and a template's own assets are the same on every post
    of a batch: load them once (per file version: the key holds the file's
    modification time and size, so an edited logo is read again).  ``name``
    is already resolved (:meth:`AssetPlaces.load`) or found in ``dirs``."""
    from .assets import resolve_image_path

    path = resolve_image_path(name, dirs)
    st = path.stat()
    return _load_shared_cached(str(path), (), max_side, (st.st_mtime_ns, st.st_size))


# ---------------------------------------------------------------------------
# the whole pipeline


STAGES = ("markup", "document", "layout", "image")


@dataclass
class Stages:
    """What :func:`render_until` reached: the stages' results (None past the
    stage asked for) and the warnings found on the way."""

    context: dict[str, Any]
    markup: str
    document: Element | None = None
    assets: dict[str, Asset] = field(default_factory=dict)
    page: Page | None = None
    image: Image.Image | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    #: the lint stage's figures (:func:`libmedia.lint.typography`), from ``layout`` on
    typography: dict[str, Any] = field(default_factory=dict)


def fonts_for(inp: RenderInput) -> FontLibrary:
    """The fonts a render uses: the brand kit's ``fonts/`` folder (beside its
    ``libmedia.toml``), then the template's ``fonts/``, then the bundled and
    installed fonts (:func:`libmedia.typography.library_for`, cached)."""
    kit = inp.brand.path.parent / "fonts" if inp.brand.path else None
    return library_for([kit, inp.template.path / "fonts"])


def render_until(inp: RenderInput, stage: str = "image", library: FontLibrary | None = None,
                 page: int | None = None) -> Stages:
    """Run the pipeline for ``inp`` up to and including ``stage`` (one of
    :data:`STAGES`: ``markup``, ``document``, ``layout``, ``image``).

    ``page`` (0-based) renders one page of a carousel (:func:`page_context`
    says what the layout sees there); a carousel template given no
    ``page`` renders its first.  Raises a :class:`LibmediaError` subclass
    for anything the user can fix, with the template line or the data row
    in its location.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}: one of {', '.join(STAGES)}")
    t = inp.template
    record = inp.records[0] if inp.records else None
    out = Stages({}, "", warnings=[*inp.warnings, *(w for r in inp.records for w in r.warnings)])
    out.context = build_context(t, inp.records, inp.brand, inp.format, source=inp.source,
                                columns=inp.columns)
    if page is None and t.kind == "carousel":
        page = 0
    shown: Sequence[Record] = inp.records  # the records whose images the page may show
    if page is not None:
        extra, index = page_context(t, out.context, page)
        out.context.update(extra)
        record = inp.records[index] if inp.records else None
        if extra["slide"] == "record":
            shown = ()
    out.markup = templating.render_markup(t, out.context)
    layout_file = Location(file=str(t.path / "layout.xml.j2"))
    sandbox.check_deadline(layout_file, "markup")
    if stage == "markup":
        return out
    out.document = parse(t, out.markup)
    sandbox.check_deadline(layout_file, "document")
    if stage == "document":
        return out
    library = library or fonts_for(inp)
    places = AssetPlaces.of(inp)
    cover_field = "cover" if "cover" in t.fields else None
    out.assets, found = load_assets(out.document, places, max(inp.format.size), record, inp.source,
                                    cover_field, shown, intro=bool(shown) and page is not None)
    out.warnings += found
    sandbox.check_deadline(layout_file, "assets")
    styled = style_document(out.document, inp.brand.types, inp.brand.colors,
                            str(t.path / "layout.xml.j2"), inp.brand.language, out.assets)
    out.page = layout_document(styled, inp.format.width, inp.format.height, assets=out.assets,
                               library=library, filename=str(t.path / "layout.xml.j2"))
    sandbox.check_deadline(layout_file, "layout")
    where = Location(file=inp.source, row=record.row or None if record is not None else None)
    out.warnings += lint_page(out.page, where, fmt=inp.format, styles=styled.text, library=library)
    out.typography = typography(out.page, styled.text)
    if stage == "layout":
        return out
    out.image = draw_page(out.page, library)
    out.warnings += lint_drawn(out.page, out.image, where, fmt=inp.format, library=library)
    return out


def page_context(template: Template, context: dict[str, Any], page: int) -> tuple[dict[str, Any], int]:
    """What page ``page`` (0-based) of a carousel adds to the post's
    ``context``, and the index of the record it shows.

    Keys: ``slide`` (``"intro"``, ``"record"`` or ``"outro"``, from the
    template's ``[carousel]``, :class:`libmedia.templating.CarouselSpec`),
    ``page`` and ``pages`` (1-based, counting the intro and outro),
    ``number`` (the record's place in the post, 1-based; 0 on the intro and
    outro), and ``record`` (with the template's ``record_name``) the
    record the page shows (the first one on the intro and outro); ``records``
    stays every record of the post.  A template without ``[carousel]`` has
    one ``record`` page per record.  Raises ``IndexError`` for a page the
    post does not have.
    """
    views = context["records"]
    slides = template.carousel.slides(len(views)) if template.kind == "carousel" \
        else [("record", i) for i in range(len(views))]
    if not 0 <= page < len(slides):
        raise IndexError(f"page {page} of a post of {len(slides)} pages")
    slide, index = slides[page]
    view = views[index] if views else context["record"]
    return {"record": view, template.record_name: view, "slide": slide, "page": page + 1,
            "pages": len(slides), "number": index + 1 if slide == "record" else 0}, index


def render(inp: RenderInput, library: FontLibrary | None = None,
           kind: str | None = None) -> Rendered:
    """Run the whole pipeline for one post: its page(s), then its caption
    and alt text.

    ``kind`` (default: the template's own): ``image`` makes one page from
    the post's records; ``carousel`` one page per record, after an intro
    page and before an outro page when the template's ``[carousel]`` asks
    for them (see :func:`page_context` for what each page's layout sees).
    The caption is written once for the post, from the first page's
    context (a carousel's caption lists ``records``); the alt text once per
    page, from that page's context, since each image of a carousel takes
    its own.  Raises a :class:`LibmediaError` subclass for anything the
    user can fix, with the template line or the data row in its location.

    The render runs under the ``render-time`` limit per page
    (:data:`libmedia.sandbox.LIMITS`, :func:`libmedia.sandbox.deadline`): a
    runaway template ends with that limit's :class:`TemplateError`, and the
    batch goes on with the next post.
    """
    t = inp.template
    kind = kind or t.kind
    count = len(t.carousel.slides(len(inp.records))) if t.kind == "carousel" else len(inp.records)
    pages = count if kind == "carousel" else 1
    where = Location(file=str(t.path / "layout.xml.j2"))
    with sandbox.deadline(sandbox.limit("render-time") * max(1, pages), where):
        return _render(inp, library, kind, count)


def _render(inp: RenderInput, library: FontLibrary | None, kind: str, count: int) -> Rendered:
    library = library or fonts_for(inp)
    t = inp.template
    numbers = range(count) if kind == "carousel" else [None]
    done = [render_until(inp, "image", library, page=n) for n in numbers]
    first = done[0]
    assert first.image is not None and first.document is not None and first.page is not None
    # Caption and alt text are written after drawing, so they can say what the
    # images really show: a stand-in cover when a file was missing.
    stand_in = any(a.placeholder for d in done for a in d.assets.values())
    caption = templating.render_text(t.caption(), {**first.context, "placeholder_cover": stand_in},
                                     str(t.path / "caption.txt.j2"))
    alt_file = str(t.path / "alt.txt.j2")
    if kind == "carousel":
        alts = [templating.render_text(t.alt(), {**d.context, "placeholder_cover": any(
            a.placeholder for a in d.assets.values())}, alt_file) for d in done]
    else:
        alts = [templating.render_text(t.alt(), {**first.context, "placeholder_cover": stand_in},
                                       alt_file)]
    caption, limited = fit_caption_to(caption, inp)
    warnings = unique([*(w for d in done for w in d.warnings), *limited])
    # the books' titles: a carousel's cover slide sets its headline in the title role too
    figures = {"titles": [t for d in done if d.context.get("slide", "record") == "record"
                          for t in d.typography.get("titles", [])]}
    sources = list(dict.fromkeys(a.source for d in done for a in d.assets.values() if a.source))
    return Rendered(first.image, caption, alts[0], warnings, first.markup, first.document,
                    first.page, [d.image for d in done], figures, alts, sources,
                    [d.page for d in done], [list(d.warnings) for d in done])


def fit_caption_to(caption: str, inp: RenderInput) -> tuple[str, list[Diagnostic]]:
    """``caption`` within the caption limits of ``inp.format``'s platform
    (:data:`libmedia.formats.CAPTION_LIMITS`; unchanged for a platform
    without any), by :func:`libmedia.textfilters.fit_caption`: the brand
    kit's hashtags kept over the generated ones, then the first record's
    summary (or description) shortened.  Each change made is a
    ``caption-limit`` warning at the record's row."""
    limit = CAPTION_LIMITS.get(inp.format.platform)
    if limit is None:
        return caption, []
    first = inp.records[0] if inp.records else None
    fields = first.fields if first is not None else {}
    summary = str(fields.get("summary") or fields.get("description") or "")
    text, notes = fit_caption(caption, limit.characters, limit.hashtags, inp.brand.hashtags, summary)
    where = Location(file=inp.source, row=(first.row or None) if first is not None else None)
    return text, [Diagnostic.warning(
        f"{inp.format.platform} caption: {note}", where, code="caption-limit") for note in notes]


def sample_records(template: Template) -> list[Record]:
    """The template's own sample records (from ``template.toml``), row 0."""
    return [Record(row=0, line=0, fields=dict(s), raw=dict(s)) for s in template.samples]


def check_required(template: Template, record: Record, source: str | None) -> list[LibmediaError]:
    """Errors for required fields that are empty in ``record``.  When the
    reader left the value out (a spreadsheet error value or a formula:
    a record warning with a code in
    :data:`libmedia.sources.normalize.DROPPED_CODES` on that field), the
    error says so, with the column, the value and the reader's hint."""
    from .errors import DataError
    from .sources.normalize import DROPPED_CODES

    out: list[LibmediaError] = []
    for name in template.required_fields:
        if not str(record.fields.get(name, "")).strip():
            why = next((w for w in record.warnings
                        if w.code in DROPPED_CODES and w.location.field == name), None)
            if why is not None:
                out.append(DataError(f"required field '{name}' cannot be used: "
                                     f"{why.message.removesuffix('; left out')}",
                                     Location(file=source, row=record.row or None, field=name,
                                              header=why.location.header),
                                     hint=why.hint, code=why.code))
                continue
            out.append(DataError(f"required field '{name}' is empty",
                                 Location(file=source, row=record.row or None, field=name),
                                 hint=f"fill in the {name} of this record, or leave the row out"))
    return out
