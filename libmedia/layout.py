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

Charts (``<chart>``, :mod:`libmedia.chart`) are leaves sized like images:
their box from their attributes and the flex layout, or, without a height,
the natural height of their data at their width; once the box is known they
are laid out into marks and text fragments (the fragment's ``chart`` and
children).

Images are measured from their intrinsic aspect ratio, so
``<image height="50%">`` takes the width that keeps the cover's shape; a
missing cover's typographic stand-in (:class:`StandIn`) is laid out here too,
so ``--dump layout`` shows its texts and the brand kit's ``cover-*`` roles
restyle it.

Layout reads a :class:`~libmedia.style.StyledDocument` (text styles and
colours already resolved by the style stage), never the brand kit.  One
builder per element makes its Taffy node (:data:`BUILDERS`, keyed by the same
tags as the markup's schema and draw's painters).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
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

from . import sandbox
from .errors import Location
from .markup import Element
from .style import CoverStyle, Length, StyledDocument
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
class StandInPart:
    """One text of a stand-in cover: its ``role`` (``cover-title``,
    ``cover-author``, ``cover-label``), its set :class:`TextBlock`, and
    ``at``, its top-left in px relative to the stand-in's top-left."""

    role: str
    text: TextBlock
    at: tuple[float, float]


@dataclass(frozen=True)
class StandIn:
    """The typographic stand-in for a missing cover, laid out.

    ``rect``     where it is drawn, absolute px (whole pixels; a book's
                 proportions centred in the image's box);
    ``style``    its type (from the style stage) in the colours of its
                 book's palette tone (:meth:`CoverStyle.for_book`);
    ``parts``    title, author (when given) and label (when given);
    ``rule``     the short rule under the title, (left, top, right, bottom)
                 px relative to ``rect``, inclusive as Pillow draws it;
    ``binding``  the blind-stamp frame: its inset from the edge and line
                 width, px.
    """

    rect: Rect
    style: CoverStyle
    parts: tuple[StandInPart, ...]
    rule: tuple[int, int, int, int]
    binding: tuple[int, int]


@dataclass(frozen=True)
class Fragment:
    """An element with its absolute border ``box`` and ``content`` box (inside
    padding), its laid-out children, for text its :class:`TextBlock`, for an
    image its :class:`Asset` and, when the picture is missing, its laid-out
    :class:`StandIn`; for a chart its :class:`libmedia.chart.ChartLayout`
    (its children are then its labels and values, as text fragments)."""

    element: Element
    box: Rect
    content: Rect
    children: tuple[Fragment, ...] = ()
    text: TextBlock | None = None
    asset: Asset | None = None
    stand_in: StandIn | None = None
    chart: Any = None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Page:
    """A laid-out page: the canvas size in px, the root fragment, and the
    resolved colours draw needs beyond the fragments' own: ``paper`` (where
    no element paints) and ``ink`` (lines and QR codes without a colour),
    RGBA 0-255."""

    width: int
    height: int
    root: Fragment
    paper: tuple[int, int, int, int] = (255, 255, 255, 255)
    ink: tuple[int, int, int, int] = (0, 0, 0, 255)

    def find(self, tag: str) -> list[Fragment]:
        return [n for n in self.root.walk() if n.element.tag == tag]


# ---------------------------------------------------------------------------
# text styles (resolved by the style stage)


def _spans(el: Element, ctx: _Ctx) -> list[Span]:
    base, styles = ctx.styles[el.path]
    spans = [Span(s.text, st) for s, st in zip(el.spans, styles, strict=True)]
    if not spans:
        spans = [Span("", base)]
    return spans


# ---------------------------------------------------------------------------
# building the Taffy tree


@dataclass
class _Ctx:
    styles: Mapping[str, tuple[TextStyle, tuple[TextStyle, ...]]]
    cover: CoverStyle
    library: FontLibrary
    assets: dict[str, Asset]
    #: the brand kit's colours by name, and the page's paper and ink (charts)
    colors: Mapping[str, tuple[int, int, int, int]] = field(default_factory=dict)
    paper: tuple[int, int, int, int] = (255, 255, 255, 255)
    ink: tuple[int, int, int, int] = (0, 0, 0, 255)
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
        block = _set_text(spans, width, a, ctx)
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


Builder = Callable[[Element, "_Ctx", Style], Node]


def _build(el: Element, ctx: _Ctx, parent_tag: str | None) -> Node:
    node = BUILDERS[el.tag](el, ctx, _style(el, parent_tag))
    ctx.nodes.append(node)  # freed after layout (see _release_nodes)
    return node


def build_container(el: Element, ctx: _Ctx, style: Style) -> Node:
    """A flex or grid container: one Taffy node with its children's."""
    return Node(*[_build(c, ctx, el.tag) for c in el.children], style=style)


def build_leaf(el: Element, ctx: _Ctx, style: Style) -> Node:
    """An element sized by its attributes alone (``shape``, ``spacer``)."""
    return Node(style=style)


def build_text(el: Element, ctx: _Ctx, style: Style) -> Node:
    """Text, measured by the text engine inside Taffy's measure callback."""
    return Node(style=style, measure=_guarded(ctx, _text_measure(el, ctx)))


def build_image(el: Element, ctx: _Ctx, style: Style) -> Node:
    """An image, measured from its picture's aspect ratio (a stand-in's is 2:3)."""
    res = ctx.assets.get(el.path)
    a = el.attrs
    if res is not None and ("width" in a) != ("height" in a) and "aspect-ratio" not in a:
        style = _with_aspect(style, res.aspect)
    if "width" in a and "height" in a:
        return Node(style=style)
    return Node(style=style, measure=_guarded(ctx, _image_measure(el, ctx)))


def build_qr(el: Element, ctx: _Ctx, style: Style) -> Node:
    """A QR code: square unless its box is given."""
    if "size" not in el.attrs and not ("width" in el.attrs and "height" in el.attrs):
        style = _with_aspect(style, 1.0)
    return Node(style=style)


def build_chart(el: Element, ctx: _Ctx, style: Style) -> Node:
    """A chart: its attributes' box, or without a height its data's natural
    height at its width (:func:`libmedia.chart.natural_height`)."""
    from .chart import natural_height, natural_width, part_styles

    if "height" in el.attrs and "width" in el.attrs:
        return Node(style=style)
    styles = part_styles(el, ctx.styles)

    def measure(node: Node, known: SizePoints, available) -> SizePoints:
        kw, kh = known.width.value, known.height.value
        if math.isnan(kw):
            avail = _avail(available.width)
            kw = natural_width(el, avail, styles, ctx.library)
        h = kh if not math.isnan(kh) else natural_height(el, kw, styles, ctx.library)
        return SizePoints(kw, h)

    return Node(style=style, measure=_guarded(ctx, measure))


#: One Taffy node builder per element, keyed by tag: the same names as the
#: markup's :data:`~libmedia.markup.SCHEMA` and draw's
#: :data:`~libmedia.draw.PAINTERS` (a test keeps the three in step).
BUILDERS: dict[str, Builder] = {
    "canvas": build_container,
    "column": build_container,
    "row": build_container,
    "grid": build_container,
    "stack": build_container,
    "text": build_text,
    "image": build_image,
    "shape": build_leaf,
    "qr": build_qr,
    "spacer": build_leaf,
    "chart": build_chart,
}


def _with_aspect(style: Style, aspect: float) -> Style:
    from attrs import evolve

    return evolve(style, aspect_ratio=aspect)


def _collect(node: Node, el: Element, ctx: _Ctx, offset: tuple[float, float]) -> Fragment:
    b = node.get_box(relative=True)
    x, y = offset[0] + b.x, offset[1] + b.y
    box = Rect(x, y, b.width, b.height)
    pad = el.get("padding", (0.0, 0.0, 0.0, 0.0))
    content = box.inset(pad)
    if el.tag == "chart":
        from .chart import lay_out_chart

        chart, texts = lay_out_chart(el, box, ctx.styles, ctx.colors, ctx.paper, ctx.ink, ctx.library)
        return Fragment(el, box, content, texts, chart=chart)
    children = tuple(_collect(cn, ce, ctx, (x, y)) for cn, ce in zip(node, el.children, strict=True)) \
        if el.tag not in ("text", "image", "qr") else ()
    block = None
    if el.tag == "text":
        block = _final_text(el, ctx, content)
    asset = ctx.assets.get(el.path)
    stand_in = None
    if el.tag == "image" and asset is not None and asset.image is None:
        stand_in = lay_out_stand_in(el, box, asset.aspect, ctx.cover, ctx.library)
    return Fragment(el, box, content, children, block, asset, stand_in)


#: The smallest type the stand-in sets its author and label in, px on the
#: post: the size the typography lint calls legible (issue 7, item 8).  A
#: cover too small to hold it scales its author down and leaves out its label.
STAND_IN_LEGIBLE_PX = 24.0


def lay_out_stand_in(el: Element, box: Rect, aspect: float, style: CoverStyle,
                     library: FontLibrary) -> StandIn | None:
    """Lay out the typographic stand-in for a missing cover in an image's
    border ``box``: a cover of ``aspect`` (width / height) as large as fits,
    centred, in the colour its book chooses from the palette
    (:meth:`CoverStyle.for_book` on ``placeholder-title`` and
    ``placeholder-author``).

    Composition, with margins of 9 % of the width: the title
    (``placeholder-title``) set large and balanced, shrunk to fit the space
    the other texts leave (up to 8 lines, down to 6 % of the width); a rule;
    the author (``placeholder-author``, up to 3 lines) and the label
    (``placeholder-label``, up to 2 lines).  The title hangs from the top
    margin; the rule, the author and the label stand on the foot margin, so
    a short title leaves its space between the two groups, as on a printed
    cover, never an empty lower half.  Sizes of the ``cover-*`` roles are px on a stand-in 1000 px wide;
    the author and label are never set under :data:`STAND_IN_LEGIBLE_PX`
    unless the cover is too narrow for it: under 282 px the author scales
    down (8.5 % of the width); under 320 px the label is left out, as it is
    when it does not fit two lines at that size.  None when the box is under
    a pixel.
    """
    from .raster import scaled_size

    x0, y0, x1, y1 = (round(v) for v in (box.x, box.y, box.right, box.bottom))
    bw, bh = x1 - x0, y1 - y0
    if bw < 1 or bh < 1:
        return None
    w, h = scaled_size((round(aspect * 1000), 1000), (bw, bh), "contain")
    dx, dy = (bw - w) // 2, (bh - h) // 2
    a = el.attrs
    title, author, label = a.get("placeholder-title", ""), a.get("placeholder-author", ""), \
        a.get("placeholder-label", "")
    style = style.for_book(title, author)
    m = max(8, round(w * 0.09))
    inner_w = w - 2 * m
    legible = min(STAND_IN_LEGIBLE_PX, w * 0.085)

    def sized(st: TextStyle, floor: float) -> TextStyle:
        return replace(st, size=max(floor, w * (st.size / 1000)))

    foot = h - m
    label_part = None
    if label and w * 0.075 >= STAND_IN_LEGIBLE_PX:
        lab = layout_text([Span(label, sized(style.label, STAND_IN_LEGIBLE_PX))], inner_w, max_lines=2,
                          balance=True, ellipsis=False, library=library)
        if not (lab.truncated or lab.overflow or lab.broken_words):
            foot -= lab.height
            label_part = StandInPart("cover-label", lab, (m, foot))
            foot -= max(12, h * 0.05)
    author_block = None
    if author:
        author_block = layout_text([Span(author, sized(style.author, legible))], inner_w, max_lines=3,
                                   balance=True, library=library)
    gap_rule, gap_author = max(6, h * 0.04), max(8, h * 0.035)
    rule_h = max(2, round(w / 110))
    below_title = gap_rule + rule_h + (gap_author + author_block.height if author_block else 0)
    top = m + h * 0.02
    title_room = max(1.0, foot - top - below_title)
    title_block = layout_text([Span(title or "", sized(style.title, 12.0))], inner_w, max_lines=8,
                              max_height=title_room, fit="shrink", min_size=max(10.0, w * 0.06),
                              balance=True, library=library)
    spare = max(0.0, title_room - title_block.height)
    parts = [StandInPart("cover-title", title_block, (m, top))]
    y = top + title_block.height + spare + gap_rule
    rule = (m, round(y), m + max(12, round(w * 0.16)) - 1, round(y) + rule_h - 1)
    y += rule_h + gap_author
    if author_block is not None:
        parts.append(StandInPart("cover-author", author_block, (m, y)))
    if label_part is not None:
        parts.append(label_part)
    binding = (max(4, round(w * 0.045)), max(1, round(w / 260)))
    return StandIn(Rect(x0 + dx, y0 + dy, w, h), style, tuple(parts), rule, binding)


def _final_text(el: Element, ctx: _Ctx, content: Rect) -> TextBlock:
    """Set the text again in its final box: shrink to fit its height and lines."""
    a = el.attrs
    spans = _spans(el, ctx)
    return _set_text(spans, content.w + 0.01, a, ctx, max_height=content.h + 0.01)


def _set_text(spans: list[Span], width: float | None, a: Mapping[str, Any], ctx: _Ctx,
              max_height: float | None = None) -> TextBlock:
    """Set a text element's spans ``width`` px wide (None: unbounded) by its
    attributes.  A text that shrinks to fit (``fit="shrink"``) and is still cut
    at its ``min-size`` in ``max-lines`` is set again in up to ``floor-lines``
    lines when it has them: a long title whole on more lines rather than
    shortened (and never shortened more than the stand-in cover that prints
    it whole); the box's ``max_height`` still bounds it."""
    def run(max_lines):
        return layout_text(spans, width, max_lines=max_lines, max_height=max_height,
                           align=a.get("align", "start"), fit=a.get("fit", "none"),
                           min_size=a.get("min-size"), ellipsis=a.get("ellipsis", True),
                           direction=_dir(a), balance=a.get("balance", False), library=ctx.library)

    block = run(a.get("max-lines"))
    floor_lines = a.get("floor-lines")
    if (block.truncated and a.get("fit") == "shrink" and floor_lines
            and floor_lines > (a.get("max-lines") or 0)):
        more = run(floor_lines)
        if not more.truncated or len(more.lines) > len(block.lines):
            return more
    return block


def layout_document(
    styled: StyledDocument,
    width: int,
    height: int,
    *,
    assets: Mapping[str, Asset] | None = None,
    library: FontLibrary | None = None,
    filename: str | None = None,
) -> Page:
    """Lay out a styled document (from :func:`libmedia.style.style_document`)
    on a ``width`` x ``height`` px canvas.

    ``assets`` maps image element paths to their :class:`Asset`; a missing
    picture's stand-in cover is laid out here too.  Raises
    :class:`~libmedia.errors.FontError` (unknown family).

    Limits (:data:`libmedia.sandbox.LIMITS`; a template may come from a
    stranger, and drawing allocates a layer of each element's size): a text
    larger than ``font-size`` is refused before it is measured, an element
    whose box (with its shadow) is wider or taller than ``element-side``, or
    larger than ``element-pixels``, or not finite, once the boxes are known
    and before anything is drawn.  Each is a :class:`TemplateError` naming
    the limit and the element's line in ``filename`` (the layout).
    """
    root = styled.root
    _check_type_sizes(styled, filename)
    ctx = _Ctx(styled.text, styled.cover, library or default_library(), dict(assets or {}),
               styled.colors, styled.paper, styled.ink)
    try:
        tree = _build(root, ctx, None)
        tree.style = _canvas_style(tree.style, width, height)
        tree.compute_layout((width, height))
        if ctx.errors:
            raise ctx.errors[0]
        _check_boxes(tree, root, filename)
        laid = _collect(tree, root, ctx, (0.0, 0.0))
    finally:
        _release_nodes(ctx.nodes)
    laid = Fragment(root, Rect(0, 0, width, height), laid.content, laid.children)
    return Page(width, height, laid, styled.paper, styled.ink)


def _check_type_sizes(styled: StyledDocument, filename: str | None) -> None:
    """Refuse a text set larger than the ``font-size`` limit (or at a size
    that is no finite number), before any glyph is measured."""
    most = sandbox.limit("font-size")
    by_path = {el.path: el for el in styled.root.walk()}
    for path, (base, spans) in styled.text.items():
        for st in (base, *spans):
            size = float(st.size)
            if not math.isfinite(size) or size > most:
                el = by_path.get(path)
                raise sandbox.limit_error(
                    "font-size", f"a text set at {size:g} px",
                    Location(file=filename, line=el.line if el is not None else None))


def _check_boxes(node: Node, el: Element, filename: str | None) -> None:
    """Refuse an element whose border box, grown by its shadow's blur, is
    not finite or goes over ``element-side`` or ``element-pixels``: drawing
    it would allocate a layer that size (a 30000 x 30000 box takes 7 GB)."""
    side, area = sandbox.limit("element-side"), sandbox.limit("element-pixels")
    stack = [(node, el)]
    while stack:
        n, e = stack.pop()
        b = n.get_box(relative=True)
        w, h = float(b.width), float(b.height)
        shadow = e.get("shadow")
        pad = 2 * math.ceil(1.5 * max(0.0, shadow.blur)) if shadow is not None \
            and math.isfinite(shadow.blur) else 0
        where = Location(file=filename, line=e.line or None)
        if not all(math.isfinite(v) for v in (w, h, b.x, b.y)) or \
                (shadow is not None and not math.isfinite(shadow.blur)):
            raise sandbox.limit_error("element-side", f"<{e.tag}> has a size or place that is no "
                                      "finite number", where)
        w, h = w + pad, h + pad
        if max(w, h) > side:
            raise sandbox.limit_error("element-side", f"<{e.tag}> is {w:,.0f} x {h:,.0f} px"
                                      + (" with its shadow" if pad else ""), where)
        if w * h > area:
            raise sandbox.limit_error("element-pixels", f"<{e.tag}> is {w:,.0f} x {h:,.0f} px "
                                      f"({w * h:,.0f} pixels)" + (" with its shadow" if pad else ""),
                                      where)
        if e.tag not in ("text", "image", "qr", "chart"):
            stack.extend(zip(n, e.children, strict=True))


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
