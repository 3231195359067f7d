"""Style: parsers for the markup's attribute values, and the style stage.

Part 1, parsers for attribute values of the layout markup: colours, lengths,
edges, shadows, borders, backgrounds.  Each parser takes the attribute's text
and returns a typed value or raises ``ValueError`` with a message that says
what was expected; the markup validator adds the template file and line.
Units are pixels unless a value ends in ``%`` (a fraction of the parent's
size).

Part 2, the style stage (:func:`style_document`): the brand kit's type roles
and colours resolved into the document before layout, so layout and draw
read resolved :class:`~libmedia.typography.TextStyle` values and colours,
never the brand kit.  Colour values that name a colour of the page's cover
(``cover:dominant``, ``cover:on-dominant``..., parsed by
:func:`parse_paint_color` into :class:`~libmedia.palette.CoverColor`) are
resolved here too, once the assets stage has loaded the cover
(:func:`page_palette`, :mod:`libmedia.palette`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PIL import ImageColor

from .cover import MIN_CONTRAST, CoverTone, contrast, cover_palette, tone_index
from .palette import (
    CoverColor,
    CoverPalette,
    brand_palette,
    palette_from_image,
    palette_from_tone,
    parse_cover_color,
)
from .typography import TextStyle

if TYPE_CHECKING:
    from .markup import Element

Color = tuple[int, int, int, int]

def parse_color(value: str) -> Color:
    """A colour -> an RGBA tuple of 0-255.

    Accepted (through :func:`PIL.ImageColor.getrgb`): hex ``#RGB``,
    ``#RGBA``, ``#RRGGBB``, ``#RRGGBBAA`` (CSS Color Module Level 4);
    ``rgb(31, 78, 121)`` and ``rgb(12%, 30%, 47%)``; ``rgba(31, 78, 121, 128)``
    (alpha 0-255); ``hsl(208, 59%, 30%)``; ``hsv(...)``; the 148 CSS colour
    names (``white``, ``rebeccapurple``), in any case; and ``transparent``.
    Raises ``ValueError`` saying what was expected, with "did you mean
    'white'?" for a near miss of a name.
    """
    v = value.strip()
    if v.lower() == "transparent":
        return (0, 0, 0, 0)
    try:
        if v.startswith("#") and len(v) not in (4, 5, 7, 9):
            raise ValueError(v)
        c = ImageColor.getrgb(v)
    except ValueError:
        close = _near_color_name(v)
        raise ValueError(
            f"expected a colour like #1F4E79, #1F4E7980, rgb(31, 78, 121), hsl(208, 59%, 30%) or "
            f"a name like white, got {value!r}" + (f"; did you mean '{close}'?" if close else "")
        ) from None
    return (c[0], c[1], c[2], c[3] if len(c) == 4 else 255)


def _near_color_name(value: str) -> str | None:
    import difflib

    word = value.strip().lower()
    if not word.isalpha():
        return None
    close = difflib.get_close_matches(word, [*ImageColor.colormap, "transparent"], n=1, cutoff=0.75)
    return close[0] if close else None


def split_outside_parens(value: str, sep: str | None = None) -> list[str]:
    """``value`` split at ``sep`` (white space when None) except inside
    parentheses, so ``"0 24 48 rgb(0, 0, 0)"`` is four parts."""
    parts: list[str] = []
    depth = 0
    cur = ""
    for ch in value:
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and (ch == sep if sep is not None else ch.isspace()):
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()] if sep is None else [p.strip() for p in parts]


@dataclass(frozen=True)
class Length:
    """A length: ``value`` pixels, or a percentage of the parent when ``percent``."""

    value: float
    percent: bool = False

    def resolve(self, parent: float) -> float:
        return parent * self.value / 100 if self.percent else self.value


def parse_length(value: str) -> Length | None:
    """``120``, ``120px``, ``50%``, ``auto`` (None) -> :class:`Length`."""
    v = value.strip().lower()
    if v == "auto":
        return None
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(px|%)?", v)
    if not m:
        raise ValueError(f"expected a length like 120, 120px or 50%, got {value!r}")
    return Length(float(m.group(1)), m.group(2) == "%")


def parse_number(value: str) -> float:
    try:
        return float(value.strip())
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None


def parse_fraction(value: str) -> float:
    """``0.4`` or ``40%`` -> 0.4, clamped to 0..1."""
    v = value.strip()
    try:
        f = float(v[:-1]) / 100 if v.endswith("%") else float(v)
    except ValueError:
        raise ValueError(f"expected a number from 0 to 1 or a percentage, got {value!r}") from None
    if not 0 <= f <= 1:
        raise ValueError(f"expected a value from 0 to 1 (or 0% to 100%), got {value!r}")
    return f


def parse_int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError(f"expected a whole number, got {value!r}") from None


def parse_bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "1", "on"):
        return True
    if v in ("false", "no", "0", "off"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def parse_edges(value: str) -> tuple[float, float, float, float]:
    """CSS shorthand of 1 to 4 pixel values -> (top, right, bottom, left)."""
    parts = value.split()
    try:
        nums = [float(p.removesuffix("px")) for p in parts]
    except ValueError:
        raise ValueError(f"expected 1 to 4 pixel values like '48' or '48 72', got {value!r}") from None
    if len(nums) == 1:
        return (nums[0],) * 4  # type: ignore[return-value]
    if len(nums) == 2:
        return (nums[0], nums[1], nums[0], nums[1])
    if len(nums) == 3:
        return (nums[0], nums[1], nums[2], nums[1])
    if len(nums) == 4:
        return tuple(nums)  # type: ignore[return-value]
    raise ValueError(f"expected 1 to 4 pixel values, got {value!r}")


@dataclass(frozen=True)
class Shadow:
    """A drop shadow: offset (dx, dy), blur radius and colour, in pixels."""

    dx: float
    dy: float
    blur: float
    color: Color


def parse_shadow(value: str) -> Shadow | None:
    """``"0 24 48 #00000055"`` (x y blur colour, as CSS box-shadow) or ``none``."""
    v = value.strip()
    if v.lower() == "none":
        return None
    parts = split_outside_parens(v)
    if len(parts) != 4:
        raise ValueError(f"expected 'x y blur colour' like '0 24 48 #00000055', got {value!r}")
    try:
        dx, dy, blur = (float(p.removesuffix("px")) for p in parts[:3])
    except ValueError:
        raise ValueError(f"expected 'x y blur colour' like '0 24 48 #00000055', got {value!r}") from None
    return Shadow(dx, dy, max(0.0, blur), parse_color(parts[3]))


@dataclass(frozen=True)
class Border:
    width: float
    color: Color


def parse_border(value: str) -> Border | None:
    """``"4 #FFFFFF"`` (width colour) or ``none``."""
    v = value.strip()
    if v.lower() == "none":
        return None
    parts = split_outside_parens(v)
    if len(parts) != 2:
        raise ValueError(f"expected 'width colour' like '4 #FFFFFF', got {value!r}")
    try:
        w = float(parts[0].removesuffix("px"))
    except ValueError:
        raise ValueError(f"expected 'width colour' like '4 #FFFFFF', got {value!r}") from None
    return Border(w, parse_color(parts[1]))


@dataclass(frozen=True)
class Gradient:
    """A CSS ``linear-gradient``: angle in degrees (0 = to top, 90 = to right)
    and stops as (position 0..1, colour)."""

    angle: float
    stops: tuple[tuple[float, Color], ...]


_DIRS = {"to top": 0, "to right": 90, "to bottom": 180, "to left": 270,
         "to top right": 45, "to bottom right": 135, "to bottom left": 225, "to top left": 315}


def parse_background(value: str, color: Callable[[str], Any] | None = None) -> Color | Gradient:
    """A colour, or ``linear-gradient(180deg, #A 0%, #B 100%)`` (CSS Images
    Module Level 3 syntax; stop positions optional and spread evenly).
    ``color`` parses each colour (default :func:`parse_color`)."""
    color = color or parse_color
    v = value.strip()
    m = re.fullmatch(r"linear-gradient\((.*)\)", v, flags=re.S)
    if not m:
        return color(v)
    parts = split_outside_parens(m.group(1), ",")
    angle = 180.0
    if parts and (parts[0].endswith("deg") or parts[0] in _DIRS):
        first = parts.pop(0)
        angle = float(_DIRS[first]) if first in _DIRS else float(first[:-3])
    if len(parts) < 2:
        raise ValueError(f"a gradient needs at least two colour stops, got {value!r}")
    stops: list[tuple[float | None, Color]] = []
    for p in parts:
        bits = split_outside_parens(p)
        pos = None
        if len(bits) == 2:
            pos = parse_fraction(bits[1])
        elif len(bits) != 1:
            raise ValueError(f"expected a stop like '#1F4E79 40%', got {p!r}")
        stops.append((pos, color(bits[0])))
    n = len(stops)
    filled = tuple((pos if pos is not None else i / (n - 1), c) for i, (pos, c) in enumerate(stops))
    return Gradient(angle, filled)


def parse_paint_color(value: str) -> Color | CoverColor:
    """A colour (:func:`parse_color`), or a colour of the page's cover,
    ``cover:NAME`` or ``cover:NAME/ALPHA`` (:class:`libmedia.palette.CoverColor`),
    which :func:`style_document` resolves once the cover is loaded.  The
    markup's ``color``, ``fill``, ``stroke`` and ``background`` take it."""
    if value.strip().lower().startswith("cover:"):
        return parse_cover_color(value)
    return parse_color(value)


def parse_paint(value: str) -> Color | Gradient | CoverColor:
    """A background (:func:`parse_background`) whose colours, the gradient's
    stops included, may be cover colours (:func:`parse_paint_color`)."""
    return parse_background(value, parse_paint_color)


def parse_focal(value: str) -> tuple[float, float]:
    """Focal point ``"50% 30%"`` or ``"0.5 0.3"`` or ``center``/``top``/``bottom``
    -> fractions (x, y) of the image's width and height."""
    v = value.strip().lower()
    words = {"center": (0.5, 0.5), "top": (0.5, 0.0), "bottom": (0.5, 1.0),
             "left": (0.0, 0.5), "right": (1.0, 0.5)}
    if v in words:
        return words[v]
    parts = v.split()
    if len(parts) != 2:
        raise ValueError(f"expected a focal point like '50% 30%' or 'top', got {value!r}")
    return (parse_fraction(parts[0]), parse_fraction(parts[1]))



# ---------------------------------------------------------------------------
# Part 2: the style stage


#: Type roles of the typographic stand-in for a missing cover.  Their ``size``
#: is in px on a stand-in 1000 px wide, scaled to the stand-in's real width.
COVER_ROLES = ("cover-title", "cover-author", "cover-label")


@dataclass(frozen=True)
class CoverStyle:
    """How the typographic stand-in for a missing cover looks.

    ``base`` the cover colour; ``on`` the ink on it (title, author, label;
    WCAG 2 contrast >= 4.5:1); ``rule`` the short rule under the title
    (>= 3:1); ``title``, ``author``, ``label`` text styles whose ``size`` is
    in px on a stand-in 1000 px wide (brand roles ``cover-title``,
    ``cover-author``, ``cover-label``); ``palette`` the tones books choose
    from (:func:`libmedia.cover.cover_palette`).  The style stage's value
    carries the first tone; :meth:`for_book` gives a book's own.  All colours
    RGBA 0-255.
    """

    base: Color
    on: Color
    rule: Color
    title: TextStyle
    author: TextStyle
    label: TextStyle
    palette: tuple[CoverTone, ...] = ()
    #: The ``cover-*`` roles whose colour the brand kit sets itself.
    own_colors: frozenset[str] = frozenset()

    def with_tone(self, tone: CoverTone) -> CoverStyle:
        """This style in ``tone``: its colours, and the texts' ink unless a
        kit's role sets a colour that still reads at 4.5:1 on the tone."""
        def ink(st: TextStyle, own: bool) -> TextStyle:
            keep = own and contrast(st.color, tone.base) >= MIN_CONTRAST and st.color[3] == 255
            return st if keep else replace(st, color=tone.on)

        own = self.own_colors
        return replace(self, base=tone.base, on=tone.on, rule=tone.rule,
                       title=ink(self.title, "cover-title" in own),
                       author=ink(self.author, "cover-author" in own),
                       label=ink(self.label, "cover-label" in own))

    def for_book(self, title: str, author: str) -> CoverStyle:
        """The style of one book's stand-in: the palette tone its title and
        author choose (:func:`libmedia.cover.tone_index`); this style when
        the palette is empty."""
        if not self.palette:
            return self
        return self.with_tone(self.palette[tone_index(title, author, len(self.palette))])


@dataclass(frozen=True)
class StyledDocument:
    """A document with its styles resolved (the style stage's output).

    ``root``   the document (unchanged);
    ``text``   text element path -> (its base :class:`TextStyle`, one style
               per inline span, in order);
    ``paper``  the page's background colour; ``ink`` the default colour of
               lines and QR codes; ``cover`` the stand-in's look;
    ``colors`` the brand kit's colours by name (charts name them);
    ``palette`` the colours of the page's cover its ``cover:NAME`` colour
               values took (already resolved in ``root``); None when the
               page asks for none.
    """

    root: Element
    text: Mapping[str, tuple[TextStyle, tuple[TextStyle, ...]]]
    paper: Color
    ink: Color
    cover: CoverStyle
    colors: Mapping[str, Color] = field(default_factory=dict)
    #: the page's cover colours (:func:`page_palette`) the ``cover:NAME``
    #: values of ``root`` were resolved with
    palette: CoverPalette | None = None


_TEXT_ATTRS = {"family": "family", "size": "size", "weight": "weight", "italic": "italic",
               "color": "color", "line-height": "line_height", "letter-spacing": "tracking",
               "transform": "transform", "lang": "language"}


def role_style(spec: Mapping[str, Any], colors: Mapping[str, Color]) -> TextStyle:
    """The :class:`TextStyle` of one brand type role (a ``[type.ROLE]`` table:
    family, size px, weight, italic, line_height, tracking 1/1000 em,
    transform, color as a colour name of the kit or a colour, features).
    The colour defaults to the kit's ``ink``."""
    color = spec.get("color")
    base_color = colors.get("ink", (0, 0, 0, 255))
    if isinstance(color, str):
        base_color = colors.get(color) or parse_color(color)
    return TextStyle(
        family=spec.get("family", "Inter"), size=float(spec.get("size", 32)),
        weight=int(spec.get("weight", 400)), italic=bool(spec.get("italic", False)),
        color=base_color, line_height=float(spec.get("line_height", 1.25)),
        tracking=float(spec.get("tracking", 0)), transform=spec.get("transform", "none"),
        features=tuple(spec.get("features", ())),
    )


def text_style(el: Element, types: Mapping[str, Mapping], colors: Mapping[str, Color],
               filename: str, overrides: Mapping[str, Any] | None = None) -> TextStyle:
    """The :class:`TextStyle` of a text element: its role's style from the brand
    kit, then the element's own attributes, then inline ``overrides``.

    Raises :class:`~libmedia.errors.TemplateError` (``filename`` and the
    element's line) for a role the kit does not have.
    """
    from .errors import Location, TemplateError

    role = (overrides or {}).get("role") or el.get("role", "body")
    if role not in types:
        raise TemplateError(f"unknown type role '{role}'", Location(file=filename, line=el.line),
                            hint="roles in the brand kit: " + ", ".join(sorted(types)))
    st = role_style(types[role], colors)
    attrs = dict(el.attrs)
    if overrides:
        attrs.update({k: v for k, v in overrides.items() if k != "role"})
    changes = {_TEXT_ATTRS[k]: v for k, v in attrs.items() if k in _TEXT_ATTRS}
    if "size" in changes:
        changes["size"] = float(changes["size"])
    return replace(st, **changes)


def cover_style(types: Mapping[str, Mapping], colors: Mapping[str, Color],
                language: str | None = None) -> CoverStyle:
    """The stand-in cover's :class:`CoverStyle` from the brand kit's colours
    (its palette: :func:`libmedia.cover.cover_palette`) and its ``cover-*``
    type roles, its text in ``language`` (the brand's; None: unset); colours
    are the palette's first tone until :meth:`CoverStyle.for_book` picks a
    book's."""
    palette = cover_palette(colors)
    styles = []
    for role in COVER_ROLES:
        st = role_style(types.get(role, {}), colors)
        styles.append(replace(st, language=language) if language and not st.language else st)
    own = frozenset(role for role in COVER_ROLES if "color" in types.get(role, {}))
    first = palette[0]
    style = CoverStyle(first.base, first.on, first.rule, *styles, palette=palette, own_colors=own)
    return style.with_tone(first)


def cover_element(doc: Element) -> Element | None:
    """The element whose picture is the page's cover, for its colours: the
    first ``image`` (depth first) with ``placeholder-title`` (a book cover),
    else the first ``image`` that is neither ``brand:logo`` nor a template's
    ``assets/`` file; None when there is none."""
    images = [el for el in doc.walk() if el.tag == "image"]
    marked = next((el for el in images if "placeholder-title" in el.attrs), None)
    if marked is not None:
        return marked
    return next((el for el in images if el.get("src", "").strip()
                 and el.get("src", "").strip() != "brand:logo"
                 and not el.get("src", "").strip().startswith("assets/")), None)


def page_palette(doc: Element, assets: Mapping[str, Any] | None, colors: Mapping[str, Color],
                 cover: CoverStyle) -> CoverPalette:
    """The colours of the page's cover (:mod:`libmedia.palette`): of the
    picture ``assets`` (element path -> :class:`libmedia.layout.Asset`) hold
    for :func:`cover_element`; of the stand-in drawn for it
    (:meth:`CoverStyle.for_book` on its ``placeholder-title`` and
    ``placeholder-author``) when the file is missing; the brand kit's
    ``colors`` when the page has no cover."""
    el = cover_element(doc)
    asset = (assets or {}).get(el.path) if el is not None else None
    if el is None or asset is None:
        return brand_palette(colors)
    if getattr(asset, "placeholder", False) or getattr(asset, "image", None) is None:
        tone = cover.for_book(el.get("placeholder-title", ""), el.get("placeholder-author", ""))
        return palette_from_tone(tone.base, tone.on, colors)
    return palette_from_image(asset.image, colors)


def _uses_cover(value: Any) -> bool:
    return isinstance(value, CoverColor) or (
        isinstance(value, Gradient) and any(isinstance(c, CoverColor) for _, c in value.stops))


def _paint(value: Any, palette: CoverPalette) -> Any:
    if isinstance(value, CoverColor):
        return value.resolve(palette)
    if isinstance(value, Gradient):
        return Gradient(value.angle, tuple((p, c.resolve(palette) if isinstance(c, CoverColor) else c)
                                           for p, c in value.stops))
    return value


def _with_palette(el: Element, palette: CoverPalette) -> Element:
    """``el`` with its ``cover:NAME`` colours (and its children's, its
    inline spans') resolved in ``palette``; ``el`` itself when it has none."""
    attrs = el.attrs
    if any(_uses_cover(v) for v in attrs.values()):
        attrs = {k: _paint(v, palette) for k, v in attrs.items()}
    children = tuple(_with_palette(c, palette) for c in el.children)
    spans = el.spans
    if any(_uses_cover(v) for sp in spans for v in sp.overrides.values()):
        spans = tuple(replace(sp, overrides={k: _paint(v, palette) for k, v in sp.overrides.items()})
                      for sp in spans)
    if attrs is el.attrs and spans is el.spans and all(a is b for a, b in zip(children, el.children, strict=True)):
        return el
    return replace(el, attrs=attrs, children=children, spans=spans)


def style_document(doc: Element, types: Mapping[str, Mapping], colors: Mapping[str, Color],
                   filename: str = "layout.xml.j2", language: str | None = None,
                   assets: Mapping[str, Any] | None = None) -> StyledDocument:
    """The style stage: resolve every text element's style (role, own
    attributes, inline spans: a span keeps the element's size) and the page's
    colours from the brand kit's ``types`` (role -> style table) and
    ``colors`` (name -> RGBA).  A text element (or span) with no ``lang=``
    gets ``language``, the brand's ([library] language): the shaper and the
    hyphenation dictionary (:mod:`libmedia.typography.hyphenate`) use it.
    ``cover:NAME`` colour values become the colours of the page's cover
    (:func:`page_palette`, from the loaded ``assets``: element path ->
    :class:`libmedia.layout.Asset`; without them, the brand kit's).

    Raises :class:`~libmedia.errors.TemplateError` for an unknown role,
    naming ``filename`` and the line.
    """
    cover = cover_style(types, colors, language)
    palette = None
    if any(_uses_cover(v) for el in doc.walk()
           for v in [*el.attrs.values(), *(x for sp in el.spans for x in sp.overrides.values())]):
        palette = page_palette(doc, assets, colors, cover)
        doc = _with_palette(doc, palette)
    text: dict[str, tuple[TextStyle, tuple[TextStyle, ...]]] = {}
    for el in doc.walk():
        if el.tag != "text":
            continue
        base = text_style(el, types, colors, filename)
        if language and not base.language:
            base = replace(base, language=language)
        spans = []
        for s in el.spans:
            st = text_style(el, types, colors, filename, dict(s.overrides)) if s.overrides else base
            if st.size != base.size:
                st = replace(st, size=base.size)
            if language and not st.language:
                st = replace(st, language=language)
            spans.append(st)
        text[el.path] = (base, tuple(spans))
    return StyledDocument(doc, text, colors.get("paper", (255, 255, 255, 255)),
                          colors.get("ink", (0, 0, 0, 255)), cover, dict(colors), palette)
