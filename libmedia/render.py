"""The image pipeline, one direction, each stage inspectable::

    record(s) + brand + format  --context-->   Jinja context
    context                     --markup-->    layout markup text (XML)
    markup                      --document-->  tree of frozen elements
    document                    --assets--> images loaded (or placeholders)
    document + assets        --layout-->    laid-out page (absolute boxes, lines)
    page                       --draw-->      Pillow image (RGBA)

:func:`render` runs them all; :func:`build_context`, :func:`render_markup`,
:func:`parse`, :func:`load_assets`, :func:`layout`, :func:`draw` are the
stages, each a pure function whose result a test or ``--dump`` can inspect.
Nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image

from . import templating
from .brand import Brand
from .draw import draw_page
from .errors import Diagnostic, ImageError, LibmediaError, Location
from .formats import Format
from .layout import Asset, Fragment, Page, layout_document
from .markup import Element, parse_markup
from .sources import Record
from .templating import RecordView, Template
from .typography import FontLibrary, library_for

#: A drawn cover more than this many times its pixel size gets a warning.
UPSCALE_LIMIT = 1.5
#: Book covers without a file are drawn in this width/height ratio (2:3).
COVER_ASPECT = 2 / 3


@dataclass
class Rendered:
    """One finished render.

    ``image`` RGBA at the format's size; ``caption`` and ``alt`` end with a
    newline; ``warnings`` are everything that did not stop the render.
    ``markup``, ``document`` and ``page`` are the intermediate stages.
    """

    image: Image.Image
    caption: str
    alt: str
    warnings: list[Diagnostic]
    markup: str
    document: Element
    page: Page


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


def build_context(inp: RenderInput) -> dict[str, Any]:
    """Stage 1: the Jinja context for one render.

    Fields the template declares in ``template.toml`` are "" when the data
    has no such column; any other missing field is an error naming it.
    Keys: the template's ``record_name`` (e.g. ``book``) and ``record`` for the
    first record, ``records`` for all, ``brand``, ``format``, ``lang`` and
    ``t(key)`` for interface texts in the brand's language.
    """
    declared = {name: "" for name in inp.template.fields}
    views = [
        RecordView({**declared, **record_fields(r, inp.brand)}, r.row or None, inp.columns,
                   inp.source, r.lists)
        for r in inp.records
    ]
    lang = inp.brand.language
    ctx: dict[str, Any] = {
        "records": views,
        "record": views[0] if views else RecordView({}),
        "brand": inp.brand.to_context(),
        "format": inp.format.to_context(),
        "lang": lang,
        "t": lambda key: templating.translate(key, lang),
    }
    ctx[inp.template.record_name] = ctx["record"]
    return ctx


def render_markup(inp: RenderInput, context: dict[str, Any] | None = None) -> str:
    """Stage 2: the layout markup text."""
    return templating.render_markup(inp.template, context or build_context(inp))


def parse(inp: RenderInput, markup: str) -> Element:
    """Stage 3: the validated document tree."""
    t = inp.template
    return parse_markup(markup, str(t.path / "layout.xml.j2"), t.layout_source)


# ---------------------------------------------------------------------------
# assets


def _where(inp: RenderInput, el: Element, src: str | None = None) -> Location:
    """The record's location; with ``src``, the field whose value it is
    (``cover``), so a warning points at the cell to fix."""
    row = inp.records[0].row if inp.records else None
    field_name = None
    if src is not None and inp.records:
        fields = inp.records[0].fields
        field_name = next((k for k, v in fields.items() if v and v.strip() == src), None)
        if field_name is None and not src:
            field_name = next((k for k in ("cover",) if k in inp.template.fields), None)
    return Location(file=inp.source, row=row or None, field=field_name)


def _resolve_src(src: str, inp: RenderInput) -> tuple[str, list[Path]]:
    if src == "brand:logo":
        if inp.brand.logo is None:
            raise ImageError("the template shows the brand logo but the brand kit has none",
                             hint="set library.logo in libmedia.toml, or guard the image with "
                                  "{% if brand.logo %}")
        return str(inp.brand.logo), []
    if src.startswith("assets/"):
        return src, [inp.template.path]
    dirs: list[Path] = []
    for d in [*inp.search_dirs, Path.cwd()]:  # each folder once, in order
        if all(Path(d).resolve() != Path(x).resolve() for x in dirs):
            dirs.append(Path(d))
    return src, dirs


def load_assets(inp: RenderInput, doc: Element) -> tuple[dict[str, Asset], list[Diagnostic]]:
    """Stage 4: load every image the document shows.

    A missing or unreadable cover of an ``image`` with ``placeholder-title``
    becomes a typographic placeholder and a warning; otherwise the
    :class:`ImageError` is raised with the record's row.
    """
    from .images import load_image

    assets: dict[str, Asset] = {}
    warnings: list[Diagnostic] = []
    max_side = max(inp.format.width, inp.format.height)
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
                warnings.append(Diagnostic.warning("no cover image given: drew a typographic cover instead",
                                         _where(inp, el, src), "placeholder"))
                assets[el.path] = Asset(None, COVER_ASPECT, "", placeholder=True)
                continue
            raise ImageError(f"<image> at line {el.line} has an empty src", _where(inp, el),
                             hint="give the image's path, or add placeholder-title to draw a "
                                  "typographic stand-in when it is missing")
        try:
            name, dirs = _resolve_src(src, inp)
            if src == "brand:logo" or src.startswith("assets/"):
                loaded = _load_shared(name, tuple(dirs), max_side)
            else:
                loaded = load_image(name, dirs, target_size=(max_side, max_side))
        except ImageError as exc:
            if not can_substitute:
                raise exc.located(inp.source, _where(inp, el).row) from exc
            warnings.append(Diagnostic.warning(f"{exc.message}: drew a typographic cover instead",
                                     _where(inp, el, src), "placeholder"))
            assets[el.path] = Asset(None, COVER_ASPECT, src, placeholder=True)
            continue
        warnings.extend(_locate(w, inp, el) for w in loaded.warnings)
        img = loaded.image
        assets[el.path] = Asset(img, img.width / max(1, img.height), str(loaded.path),
                                      loaded.original_size)
    return assets, warnings


@lru_cache(maxsize=32)
def _load_shared_cached(name: str, dirs: tuple[Path, ...], max_side: int, stamp: tuple):
    from .images import load_image

    return load_image(name, dirs, target_size=(max_side, max_side))


def _load_shared(name: str, dirs: tuple[Path, ...], max_side: int):
    """The brand logo and a template's own assets are the same on every post
    of a batch: load them once (per file version: the key holds the file's
    modification time and size, so an edited logo is read again)."""
    from .images import resolve_image_path

    path = resolve_image_path(name, dirs)
    st = path.stat()
    return _load_shared_cached(str(path), (), max_side, (st.st_mtime_ns, st.st_size))


def _locate(w: Diagnostic, inp: RenderInput, el: Element) -> Diagnostic:
    return w.at(row=inp.records[0].row or None) if inp.records else w


# ---------------------------------------------------------------------------
# layout and draw


def layout(inp: RenderInput, doc: Element, assets: dict[str, Asset],
           library: FontLibrary | None = None) -> Page:
    """Stage 5: the laid-out page, with warnings for upscaled covers and
    characters no font covers."""
    t = inp.template
    page = layout_document(doc, inp.format.width, inp.format.height, types=inp.brand.types,
                            colors=inp.brand.colors, assets=assets,
                            filename=str(t.path / "layout.xml.j2"),
                            library=library or fonts_for(inp))
    row = inp.records[0].row if inp.records else None
    for node in page.root.walk():
        page.warnings.extend(_node_warnings(node, inp, row))
    return page


def _node_warnings(node: Fragment, inp: RenderInput, row: int | None) -> list[Diagnostic]:
    out = []
    el = node.element
    loc = Location(file=inp.source, row=row or None)
    res = node.asset
    if el.tag == "image" and res is not None and res.image is not None and res.original_size \
            and el.get("upscale-warning", True):
        ow, oh = res.original_size
        fit = el.get("fit", "contain")
        sx, sy = node.box.w / max(1, ow), node.box.h / max(1, oh)
        scale = max(sx, sy) if fit == "cover" else min(sx, sy) if fit == "contain" else max(sx, sy)
        if scale > UPSCALE_LIMIT:
            # the smallest file of the same shape that would be enlarged 1.5x at most
            need_w = -(-ow * scale // UPSCALE_LIMIT)
            need_h = -(-oh * scale // UPSCALE_LIMIT)
            need_w, need_h = int(need_w), int(need_h)
            out.append(Diagnostic.warning(
                f"{Path(res.source).name} is {ow}x{oh} px, drawn at {scale:.1f}x its size: it will "
                f"look soft; use an image of at least {need_w}x{need_h} px", loc, "upscaled"))
    if el.tag == "text" and node.text is not None:
        for m in node.text.missing:
            out.append(Diagnostic.warning(
                f"no bundled or installed font has {m.describe()} ({el.plain_text[:40]!r}, "
                f"template line {el.line}); it shows as a box", loc, "missing-glyph"))
        if node.text.truncated:
            out.append(Diagnostic.warning(
                f"text shortened with an ellipsis to fit (template line {el.line}): "
                f"{el.plain_text[:60]!r}", loc, "truncated"))
    return out


def draw(inp: RenderInput, page: Page, library: FontLibrary | None = None) -> Image.Image:
    """Stage 6: the RGBA image."""
    return draw_page(page, inp.brand.colors, inp.brand.types, library or fonts_for(inp))


def fonts_for(inp: RenderInput) -> FontLibrary:
    """The fonts a render uses: the brand kit's ``fonts/`` folder (beside its
    ``libmedia.toml``), then the template's ``fonts/``, then the bundled and
    installed fonts (:func:`libmedia.typography.library_for`, cached)."""
    kit = inp.brand.path.parent / "fonts" if inp.brand.path else None
    return library_for([kit, inp.template.path / "fonts"])


def render(inp: RenderInput, library: FontLibrary | None = None) -> Rendered:
    """Run the whole pipeline for one post.

    Raises a :class:`LibmediaError` subclass for anything the user can fix,
    with the template line or the data row in its location.
    """
    library = library or fonts_for(inp)
    context = build_context(inp)
    markup = render_markup(inp, context)
    doc = parse(inp, markup)
    assets, warnings = load_assets(inp, doc)
    page = layout(inp, doc, assets, library)
    image = draw(inp, page, library)
    t = inp.template
    # Caption and alt text are written after drawing, so they can say what the
    # image really shows: a stand-in cover when the file was missing.
    text_context = {**context, "placeholder_cover": any(r.placeholder for r in assets.values())}
    caption = templating.render_text(t.caption(), text_context, str(t.path / "caption.txt.j2"))
    alt = templating.render_text(t.alt(), text_context, str(t.path / "alt.txt.j2"))
    all_warnings = [*inp.warnings, *(w for r in inp.records for w in r.warnings), *warnings,
                    *page.warnings]
    return Rendered(image, caption, alt, all_warnings, markup, doc, page)


def sample_records(template: Template) -> list[Record]:
    """The template's own sample records (from ``template.toml``), row 0."""
    return [Record(row=0, line=0, fields=dict(s), raw=dict(s)) for s in template.samples]


def check_required(template: Template, record: Record, source: str | None) -> list[LibmediaError]:
    """Errors for required fields that are empty in ``record``."""
    from .errors import DataError

    out: list[LibmediaError] = []
    for name in template.required_fields:
        if not str(record.fields.get(name, "")).strip():
            out.append(DataError(f"required field '{name}' is empty",
                                 Location(file=source, row=record.row or None, field=name),
                                 hint=f"fill in the {name} of this record, or leave the row out"))
    return out
