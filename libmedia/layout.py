"""Layout: document + fonts + output size -> a laid-out page.

Every element gets an absolute box in pixels and every text element its
lines, shaped and broken.  Boxes come from Taffy's flexbox and grid
implementation (through ``stretchable``): rows and columns are flex
containers, ``grid`` is CSS grid, ``stack`` puts its children in one grid
cell on top of each other, ``position="absolute"`` takes an element out of
the flow and places it by ``top``/``right``/``bottom``/``left``.

Text elements are measured by libmedia's text engine inside Taffy's measure
callback, so a title's height follows from its width; after layout, text with
``fit="shrink"`` is fitted again to its final box (shrunk until it fits the
box's height and line count, then clamped with an ellipsis).

Images are measured from their intrinsic aspect ratio, so
``<image height="50%">`` takes the width that keeps the cover's shape.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from stretchable import Node, Style
from stretchable.style import (
    AUTO,
    PCT,
    PT,
    AlignItems,
    AlignSelf,
    Display,
    FlexDirection,
    FlexWrap,
    JustifyContent,
    JustifyItems,
    Position,
)
from stretchable.style.geometry.length import AvailableSpace, LengthAvailableSpace
from stretchable.style.geometry.size import SizePoints

from .errors import Location, TemplateError, Warning_
from .markup import Element
from .style import Length
from .typography import FontLibrary, Span, TextBlock, TextStyle, default_library, layout_text


def _install_cached_scale_check() -> None:
    """Make stretchable's check of length units cheap.

    ``stretchable`` validates the unit of every length it creates by walking
    ``dir()`` of an enum (about 2,300 times for one post: a fifth of the
    layout time).  The same check with the allowed units computed once per
    enum; anything it does not accept still goes to the library's own check,
    which raises its own error.
    """
    from stretchable.style.geometry import length as L

    original = L.LengthBase._check_scale
    if getattr(original, "_libmedia_cached", False):
        return
    allowed: dict[type, frozenset[int]] = {}

    def check(T: type, scale) -> None:
        if scale is None:
            return
        units = allowed.get(T)
        if units is None:
            units = frozenset(int(getattr(T, m)) for m in dir(T)
                              if not m.startswith("_") and m[0].isupper())
            allowed[T] = units
        if int(scale) not in units:
            original(T, scale)

    check._libmedia_cached = True  # type: ignore[attr-defined]
    L.LengthBase._check_scale = staticmethod(check)


_install_cached_scale_check()


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box in pixels: left ``x``, top ``y``, ``w`` wide, ``h`` tall."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def inset(self, edges: tuple[float, float, float, float]) -> Rect:
        t, r, b, left = edges
        return Rect(self.x + left, self.y + t, max(0.0, self.w - left - r), max(0.0, self.h - t - b))

    def contains(self, other: Rect, tolerance: float = 0.5) -> bool:
        return (other.x >= self.x - tolerance and other.y >= self.y - tolerance
                and other.right <= self.right + tolerance and other.bottom <= self.bottom + tolerance)


@dataclass
class Asset:
    """What an ``image`` element shows: a loaded picture, or a typographic
    placeholder when the file is missing or unreadable.

    ``image`` is an RGBA Pillow image or None for a placeholder;
    ``aspect`` is width / height.
    """

    image: Any
    aspect: float
    source: str
    original_size: tuple[int, int] | None = None
    placeholder: bool = False


@dataclass(frozen=True)
class Fragment:
    """An element with its absolute border ``box`` and ``content`` box (inside
    padding), its laid-out children, and for text its :class:`TextBlock`."""

    element: Element
    box: Rect
    content: Rect
    children: tuple[Fragment, ...] = ()
    text: TextBlock | None = None
    asset: Asset | None = None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Page:
    """A laid-out page: the canvas size in px, the root, and warnings."""

    width: int
    height: int
    root: Fragment
    warnings: list[Warning_] = field(default_factory=list)

    def find(self, tag: str) -> list[Fragment]:
        return [n for n in self.root.walk() if n.element.tag == tag]


# ---------------------------------------------------------------------------
# text styles


def text_style(el: Element, types: dict[str, dict], colors: dict[str, tuple], filename: str,
               overrides: dict | None = None) -> TextStyle:
    """The :class:`TextStyle` of a text element: its role's style from the brand
    kit, then the element's own attributes, then inline overrides.

    Raises :class:`TemplateError` for an unknown role.
    """
    role = (overrides or {}).get("role") or el.get("role", "body")
    if role not in types:
        raise TemplateError(f"unknown type role '{role}'", Location(file=filename, line=el.line),
                            hint="roles in the brand kit: " + ", ".join(sorted(types)))
    spec = dict(types[role])
    color = spec.get("color")
    base_color = colors.get("ink", (0, 0, 0, 255))
    if isinstance(color, str):
        from .style import parse_color

        base_color = colors.get(color) or parse_color(color)
    st = TextStyle(
        family=spec.get("family", "Inter"), size=float(spec.get("size", 32)),
        weight=int(spec.get("weight", 400)), italic=bool(spec.get("italic", False)),
        color=base_color, line_height=float(spec.get("line_height", 1.25)),
        tracking=float(spec.get("tracking", 0)), transform=spec.get("transform", "none"),
        features=tuple(spec.get("features", ())),
    )
    attrs = dict(el.attrs)
    if overrides:
        attrs.update({k: v for k, v in overrides.items() if k != "role"})
    mapping = {"family": "family", "size": "size", "weight": "weight", "italic": "italic",
               "color": "color", "line-height": "line_height", "letter-spacing": "tracking",
               "transform": "transform", "lang": "language"}
    changes = {mapping[k]: v for k, v in attrs.items() if k in mapping}
    if "size" in changes:
        changes["size"] = float(changes["size"])
    from dataclasses import replace

    return replace(st, **changes)


def _spans(el: Element, ctx: _Ctx) -> list[Span]:
    base = text_style(el, ctx.types, ctx.colors, ctx.filename)
    spans = []
    for s in el.spans:
        st = text_style(el, ctx.types, ctx.colors, ctx.filename, dict(s.overrides)) if s.overrides else base
        if st.size != base.size:
            from dataclasses import replace

            st = replace(st, size=base.size)
        spans.append(Span(s.text, st))
    if not spans:
        spans = [Span("", base)]
    return spans


# ---------------------------------------------------------------------------
# building the Taffy tree


@dataclass
class _Ctx:
    types: dict[str, dict]
    colors: dict[str, tuple]
    filename: str
    library: FontLibrary
    assets: dict[str, Asset]
    width: float
    height: float
    errors: list[BaseException] = field(default_factory=list)
    #: every stretchable node built, children before parents (freed after layout)
    nodes: list[Node] = field(default_factory=list)


def _guarded(ctx: _Ctx, measure):
    """Taffy calls measure functions from Rust and only logs what they raise;
    keep the first exception so :func:`layout_document` can raise it after
    layout, with its own message (an unknown font family, say)."""

    def call(node: Node, known: SizePoints, available) -> SizePoints:
        if ctx.errors:
            return SizePoints(0.0, 0.0)
        try:
            return measure(node, known, available)
        except BaseException as exc:  # re-raised after compute_layout
            ctx.errors.append(exc)
            return SizePoints(0.0, 0.0)

    return call


def _len(v: Length | None, default=AUTO):
    if v is None:
        return default
    return v.value * PCT if v.percent else v.value * PT


def _edges(e):
    if e is None:
        return 0.0
    t, r, b, left = e
    return [t * PT, r * PT, b * PT, left * PT]  # stretchable Rect order: top right bottom left


_ALIGN = {"start": AlignItems.START, "center": AlignItems.CENTER, "end": AlignItems.END,
          "stretch": AlignItems.STRETCH, "baseline": AlignItems.BASELINE}
_JUSTIFY_ITEMS = {"start": JustifyItems.START, "center": JustifyItems.CENTER, "end": JustifyItems.END,
                  "stretch": JustifyItems.STRETCH, "baseline": JustifyItems.BASELINE}
_ALIGN_SELF = {"auto": None, "start": AlignSelf.START, "center": AlignSelf.CENTER,
               "end": AlignSelf.END, "stretch": AlignSelf.STRETCH}
_JUSTIFY = {"start": JustifyContent.START, "center": JustifyContent.CENTER, "end": JustifyContent.END,
            "space-between": JustifyContent.SPACE_BETWEEN, "space-around": JustifyContent.SPACE_AROUND,
            "space-evenly": JustifyContent.SPACE_EVENLY}


def _tracks(tracks: tuple[str, ...]) -> list[str]:
    """Grid track sizes in stretchable's CSS syntax: bare numbers are px."""
    return [t + "px" if t.replace(".", "").isdigit() else t for t in tracks]


def _style(el: Element, parent_tag: str | None) -> Style:
    a = el.attrs
    kw: dict[str, Any] = {}
    tag = el.tag
    if tag in ("canvas", "column", "row"):
        kw["display"] = Display.FLEX
        kw["flex_direction"] = FlexDirection.ROW if tag == "row" else FlexDirection.COLUMN
        if a.get("wrap"):
            kw["flex_wrap"] = FlexWrap.WRAP
    elif tag in ("grid", "stack"):
        kw["display"] = Display.GRID
        if tag == "grid":
            if "columns" in a:
                kw["grid_template_columns"] = _tracks(a["columns"])
            if "rows" in a:
                kw["grid_template_rows"] = _tracks(a["rows"])
        else:
            kw["grid_template_columns"] = ["1fr"]
            kw["grid_template_rows"] = ["1fr"]
    if tag in ("canvas", "column", "row", "grid", "stack"):
        if "align" in a:
            kw["align_items"] = _ALIGN[a["align"]]
            if tag in ("grid", "stack"):
                kw["justify_items"] = _JUSTIFY_ITEMS[a["align"]]
        if "justify" in a:
            kw["justify_content"] = _JUSTIFY[a["justify"]]
            if tag == "stack" and a["justify"] in ("start", "center", "end"):
                kw["align_items"] = _ALIGN[a["justify"]]
        gap = a.get("gap", 0.0)
        rg, cg = a.get("row-gap", gap), a.get("column-gap", gap)
        kw["gap"] = [rg * PT, cg * PT]
    if "padding" in a:
        kw["padding"] = _edges(a["padding"])
    if "margin" in a:
        kw["margin"] = _edges(a["margin"])
    if tag == "canvas":
        return Style(**kw)
    w, h = _len(a.get("width")), _len(a.get("height"))
    if tag == "qr" and "size" in a:
        w = h = a["size"] * PT
    kw["size"] = [w, h]
    kw["min_size"] = [_len(a.get("min-width")), _len(a.get("min-height"))]
    kw["max_size"] = [_len(a.get("max-width")), _len(a.get("max-height"))]
    kw["flex_grow"] = a.get("grow", 1.0 if tag == "spacer" else 0.0)
    kw["flex_shrink"] = a.get("shrink", 0.0 if tag in ("image", "qr") else 1.0)
    if "basis" in a:
        kw["flex_basis"] = _len(a["basis"])
    if a.get("align-self", "auto") != "auto":
        kw["align_self"] = _ALIGN_SELF[a["align-self"]]
    if "aspect-ratio" in a:
        kw["aspect_ratio"] = a["aspect-ratio"]
    if a.get("position") == "absolute":
        kw["position"] = Position.ABSOLUTE
        kw["inset"] = [_len(a.get("top")), _len(a.get("right")), _len(a.get("bottom")), _len(a.get("left"))]
    if parent_tag == "stack":
        kw.setdefault("grid_row", "1")
        kw.setdefault("grid_column", "1")
    if "row" in a and parent_tag == "grid":
        kw["grid_row"] = a["row"]
    if "column" in a and parent_tag == "grid":
        kw["grid_column"] = a["column"]
    return Style(**kw)


def _avail(space: LengthAvailableSpace) -> float | None:
    """A definite available size in px, or None for min/max-content."""
    if space.scale == AvailableSpace.DEFINITE:
        return space.value
    return None


def _text_measure(el: Element, ctx: _Ctx):
    spans = _spans(el, ctx)
    a = el.attrs
    seen: dict[tuple, SizePoints] = {}

    def measure(node: Node, known: SizePoints, available) -> SizePoints:
        key = (known.width.value, known.height.value, available.width.scale, available.width.value)
        key = tuple("nan" if isinstance(k, float) and math.isnan(k) else k for k in key)
        hit = seen.get(key)
        if hit is None:
            hit = seen[key] = _measure(known, available)
        return hit

    def _measure(known: SizePoints, available) -> SizePoints:
        kw = known.width.value
        if not math.isnan(kw):
            width = kw
        else:
            av = available.width
            if av.scale == AvailableSpace.MIN_CONTENT:
                floor = a.get("min-size") if a.get("fit") == "shrink" else None
                width = _min_content_width(spans, ctx, floor)
            else:
                width = _avail(av)
        block = layout_text(spans, width, max_lines=a.get("max-lines"), align=a.get("align", "start"),
                            fit=a.get("fit", "none"), min_size=a.get("min-size"),
                            ellipsis=a.get("ellipsis", True), direction=_dir(a),
                            balance=a.get("balance", False), library=ctx.library)
        w = width if width is not None and not math.isnan(kw) else block.content_width
        if width is not None and math.isnan(kw) and available.width.scale == AvailableSpace.DEFINITE:
            w = min(width, math.ceil(block.content_width))
        pad = a.get("padding", (0, 0, 0, 0))
        return SizePoints(w + pad[1] + pad[3], block.height + pad[0] + pad[2])

    return measure


def _dir(a) -> str | None:
    d = a.get("direction", "auto")
    return None if d == "auto" else d


def _min_content_width(spans: list[Span], ctx: _Ctx, size: float | None = None) -> float:
    """The widest word, at ``size`` px when given (the floor of a text that
    shrinks to fit), else at the text's own size: the narrowest box the text
    can be set in without breaking a word (CSS min-content)."""
    words = " ".join(s.text for s in spans).split()
    if not words:
        return 0.0
    style = spans[0].style
    if size is not None:
        style = replace(style, size=min(size, style.size))
    return max(layout_text([Span(w, style)], None, library=ctx.library).content_width for w in words)


def _image_measure(el: Element, ctx: _Ctx):
    res = ctx.assets.get(el.path)
    aspect = res.aspect if res else 1.0

    def measure(node: Node, known: SizePoints, available) -> SizePoints:
        kw, kh = known.width.value, known.height.value
        if not math.isnan(kw) and not math.isnan(kh):
            return SizePoints(kw, kh)
        if not math.isnan(kw):
            return SizePoints(kw, kw / aspect)
        if not math.isnan(kh):
            return SizePoints(kh * aspect, kh)
        aw = _avail(available.width)
        w = aw if aw is not None else 400.0
        return SizePoints(w, w / aspect)

    return measure


def _build(el: Element, ctx: _Ctx, parent_tag: str | None, index: dict[int, Element]) -> Node:
    style = _style(el, parent_tag)
    if el.tag == "text":
        node = Node(style=style, measure=_guarded(ctx, _text_measure(el, ctx)))
    elif el.tag == "image":
        res = ctx.assets.get(el.path)
        a = el.attrs
        if res is not None and ("width" in a) != ("height" in a) and "aspect-ratio" not in a:
            style = _with_aspect(style, res.aspect)
        node = Node(style=style, measure=_guarded(ctx, _image_measure(el, ctx))) \
            if not ("width" in a and "height" in a) else Node(style=style)
    elif el.tag == "qr" and "size" not in el.attrs and not ("width" in el.attrs and "height" in el.attrs):
        node = Node(style=_with_aspect(style, 1.0))
    else:
        node = Node(*[_build(c, ctx, el.tag, index) for c in el.children], style=style)
    ctx.nodes.append(node)
    index[id(node)] = el
    return node


def _with_aspect(style: Style, aspect: float) -> Style:
    from attrs import evolve

    return evolve(style, aspect_ratio=aspect)


def _collect(node: Node, el: Element, ctx: _Ctx, offset: tuple[float, float]) -> Fragment:
    b = node.get_box(relative=True)
    x, y = offset[0] + b.x, offset[1] + b.y
    box = Rect(x, y, b.width, b.height)
    pad = el.get("padding", (0.0, 0.0, 0.0, 0.0))
    content = box.inset(pad)
    children = tuple(_collect(cn, ce, ctx, (x, y)) for cn, ce in zip(node, el.children, strict=True)) \
        if el.tag not in ("text", "image", "qr") else ()
    block = None
    if el.tag == "text":
        block = _final_text(el, ctx, content)
    return Fragment(el, box, content, children, block, ctx.assets.get(el.path))


def _final_text(el: Element, ctx: _Ctx, content: Rect) -> TextBlock:
    """Set the text again in its final box: shrink to fit its height and lines."""
    a = el.attrs
    spans = _spans(el, ctx)
    height_bound = content.h + 0.01
    return layout_text(spans, content.w + 0.01, max_lines=a.get("max-lines"), max_height=height_bound,
                       align=a.get("align", "start"), fit=a.get("fit", "none"),
                       min_size=a.get("min-size"), ellipsis=a.get("ellipsis", True),
                       direction=_dir(a), balance=a.get("balance", False), library=ctx.library)


def layout_document(
    root: Element,
    width: int,
    height: int,
    *,
    types: dict[str, dict],
    colors: dict[str, tuple],
    assets: dict[str, Asset] | None = None,
    filename: str = "layout.xml.j2",
    library: FontLibrary | None = None,
) -> Page:
    """Lay out a document on a ``width`` x ``height`` px canvas.

    ``types`` maps type roles to style dicts and ``colors`` names to RGBA (both
    from the brand kit); ``assets`` maps image element paths to their
    :class:`Asset`.  Raises :class:`TemplateError` (unknown role) or
    :class:`~libmedia.errors.FontError` (unknown family).
    """
    ctx = _Ctx(types, colors, filename, library or default_library(), assets or {}, width, height)
    index: dict[int, Element] = {}
    try:
        tree = _build(root, ctx, None, index)
        tree.style = _canvas_style(tree.style, width, height)
        tree.compute_layout((width, height))
        if ctx.errors:
            raise ctx.errors[0]
        laid = _collect(tree, root, ctx, (0.0, 0.0))
    finally:
        _release_nodes(ctx.nodes)
    laid = Fragment(root, Rect(0, 0, width, height), laid.content, laid.children)
    return Page(width, height, laid)


def _release_nodes(nodes: list[Node]) -> None:
    """Free the stretchable nodes of one layout once their boxes are read.

    stretchable (1.1) keeps every node that has a measure function in a
    module-level registry (``stretchable.node._node_refs``, node id -> Node)
    that nothing ever empties, and never drops a node on the Rust side (its
    ``Node.__del__`` is commented out).  A node holds its parent, so one
    registered text node keeps the whole tree alive, and the measure
    closures keep the layout context with every loaded cover image: about
    8 MB per post with a 1200x1800 cover, never freed (issue 5).

    ``nodes`` must list children before their parents (the order
    :func:`_build` creates them in).  For each node this clears its measure
    function through the public setter (which takes it out of the
    registry), drops it from Taffy's node store, and unlinks it from its
    parent and children, so reference counting frees the tree at once.
    The list is emptied; the nodes must not be used afterwards.  Dropping
    a Taffy node twice aborts the process, so each node is dropped once and
    its id forgotten.
    """
    from stretchable import taffylib
    from stretchable.context import taffy

    for node in nodes:
        if node.measure is not None:
            node.measure = None
        node_id = node._node_id
        if node_id is not None and taffy._ptr:
            taffylib.node_drop(taffy._ptr, node_id)
            node._Node__node_id = None  # stretchable's private slot: never dropped again
        list.clear(node)  # the Python list only; Taffy's node is gone already
        node._parent = None
    nodes.clear()


def _canvas_style(style: Style, width: int, height: int) -> Style:
    from attrs import evolve

    return evolve(style, size=[width * PT, height * PT])
