"""Draw: laid-out page -> Pillow image (RGBA).

One painter per element kind, in a registry keyed by tag; elements are
painted in document order, so later elements sit on top.  Painters take
pixel boxes from the layout and never measure text themselves: text comes
shaped and broken from :mod:`libmedia.typography`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from . import raster as im
from .chart import paint_chart
from .layout import Fragment, Page, Rect, StandIn
from .style import Gradient, Shadow
from .typography import FontLibrary, default_library, draw_text_block

Painter = Callable[["Surface", Fragment], None]


@dataclass
class Surface:
    """The image being drawn (RGBA, the page's size) and what painters need
    beside it: the fonts, and ``ink``, the page's default colour (RGBA) for
    lines and QR codes that name none."""

    image: Image.Image
    library: FontLibrary
    ink: tuple[int, int, int, int]


def _r(v: float) -> int:
    return int(round(v))


def _ibox(box: Rect) -> tuple[int, int, int, int]:
    """Integer (left, top, right, bottom) of a box, edges rounded to whole pixels."""
    return (_r(box.x), _r(box.y), _r(box.right), _r(box.bottom))


def _paste(surface: Surface, layer: Image.Image, x: int, y: int, opacity: float = 1.0) -> None:
    """Alpha-composite ``layer`` (RGBA) onto the surface at (x, y), clipped to the surface."""
    if opacity < 1.0:
        layer = im.with_opacity(layer, opacity)
    W, H = surface.image.size
    if x >= W or y >= H or x + layer.width <= 0 or y + layer.height <= 0:
        return
    cx, cy = max(0, -x), max(0, -y)
    if cx or cy or x + layer.width > W or y + layer.height > H:
        layer = layer.crop((cx, cy, min(layer.width, W - x), min(layer.height, H - y)))
        x, y = x + cx, y + cy
    surface.image.alpha_composite(layer, (x, y))


def _fill_layer(size: tuple[int, int], fill) -> Image.Image:
    if isinstance(fill, Gradient):
        return im.linear_gradient(size, fill.angle, list(fill.stops))
    return Image.new("RGBA", size, tuple(fill))


def _shadow(surface: Surface, box: Rect, radius: float, shadow: Shadow | None) -> None:
    if shadow is None or box.w < 1 or box.h < 1:
        return
    x0, y0, x1, y1 = _ibox(box)
    layer, (dx, dy) = _shadow_layer((x1 - x0, y1 - y0), radius, (shadow.dx, shadow.dy),
                                    shadow.blur, shadow.color)
    _paste(surface, layer, x0 + dx, y0 + dy)


@lru_cache(maxsize=64)
def _shadow_layer(size, radius, offset, blur, color):
    """:func:`images.drop_shadow`, remembered: posts of one batch cast the same
    shadows (every placeholder cover is the same size).  The layer is never
    modified by callers."""
    return im.drop_shadow(size, radius, offset, blur, color)


def _box_background(surface: Surface, node: Fragment) -> None:
    """Shadow, background (colour, gradient or image) and border of a container."""
    el, box = node.element, node.box
    a = el.attrs
    radius = a.get("radius", 0.0)
    x0, y0, x1, y1 = _ibox(box)
    w, h = x1 - x0, y1 - y0
    if w < 1 or h < 1:
        return
    _shadow(surface, box, radius, a.get("shadow"))
    layer = None
    if "background-image" in a and node.asset is not None and node.asset.image is not None:
        layer = im.blurred_background(node.asset.image, (w, h), a.get("background-blur", 0.0),
                                      a.get("background-darken", 0.0)).convert("RGBA")
        if "background" in a:
            over = _fill_layer((w, h), a["background"])
            layer.alpha_composite(over)
    elif "background" in a:
        bg = a["background"]
        if isinstance(bg, tuple) and bg[3] == 255 and not radius and a.get("opacity", 1.0) >= 1.0:
            surface.image.paste(bg, (x0, y0, x1, y1))
        else:
            layer = _fill_layer((w, h), bg)
    if layer is not None:
        if radius:
            layer = im.apply_radius(layer, radius)
        _paste(surface, layer, x0, y0, a.get("opacity", 1.0))
    if a.get("border") is not None:
        b = a["border"]
        ring = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        ImageDraw.Draw(ring).rounded_rectangle((0, 0, w - 1, h - 1), radius=radius, outline=b.color,
                                               width=max(1, _r(b.width)))
        _paste(surface, ring, x0, y0)


def paint_container(surface: Surface, node: Fragment) -> None:
    _box_background(surface, node)
    for child in node.children:
        paint(surface, child)


def paint_text(surface: Surface, node: Fragment) -> None:
    a = node.element.attrs
    if "background" in a:
        x0, y0, x1, y1 = _ibox(node.box)
        layer = _fill_layer((max(1, x1 - x0), max(1, y1 - y0)), a["background"])
        if a.get("radius"):
            layer = im.apply_radius(layer, a["radius"])
        _paste(surface, layer, x0, y0)
    block = node.text
    if block is None or not block.lines:
        return
    opacity = a.get("opacity", 1.0)
    if a.get("legibility", "none") == "scrim":
        add_scrim(surface, node)
    if opacity >= 1.0:
        draw_text_block(surface.image, block, (node.content.x, node.content.y), surface.library)
        return
    layer = Image.new("RGBA", surface.image.size, (0, 0, 0, 0))
    draw_text_block(layer, block, (node.content.x, node.content.y), surface.library)
    surface.image.alpha_composite(im.with_opacity(layer, opacity))


#: A scrim's padding around the text's lines, in ems of the text's size
#: (horizontal, vertical), and its corner radius.
SCRIM_PAD = (0.5, 0.3)
SCRIM_RADIUS = 0.25
#: How far above the contrast WCAG asks a scrim aims (ratio points): a
#: steady pass after 8-bit rounding and JPEG, not a knife-edge one.
SCRIM_MARGIN = 0.15
#: How much of the backdrop's own colour a scrim keeps (0: black or white):
#: the panel reads as a deeper (or paler) shade of what is behind it.
SCRIM_TINT = 0.18


@dataclass(frozen=True)
class Scrim:
    """A scrim :func:`add_scrim` laid behind a text: ``box`` (x0, y0, x1, y1)
    px on the page, ``color`` its sRGB, ``opacity`` 0..1, and the contrast
    ``before`` and ``after`` it (WCAG 2 ratios, measured on the page)."""

    box: tuple[int, int, int, int]
    color: tuple[int, int, int]
    opacity: float
    before: float
    after: float


def _tone(backdrop, dark: bool) -> tuple[int, int, int]:
    """The scrim colour for ``backdrop``: the mean colour behind the text
    taken :data:`SCRIM_TINT` of the way from black (``dark``) or white."""
    mean = backdrop.bg.mean(axis=0)
    if dark:
        return tuple(int(round(v * SCRIM_TINT)) for v in mean)
    return tuple(int(round(255 - (255 - v) * SCRIM_TINT)) for v in mean)


def add_scrim(surface: Surface, node: Fragment) -> Scrim | None:
    """``legibility="scrim"``: when the text of ``node`` (not drawn yet) would
    fall short of WCAG 2 AA against what is already painted behind it (4.5:1,
    3:1 for large text: :func:`libmedia.lint.required_contrast`, measured as
    the ``low-contrast`` rule measures), lay a panel behind its lines first:
    rounded, padded by :data:`SCRIM_PAD` ems, in a deep (or pale) shade of
    the backdrop's own colour, just opaque enough to reach the contrast
    asked plus :data:`SCRIM_MARGIN` (found on the measured pixels, then
    checked on the page as painted and stepped up while it falls short).
    Dark behind light text, light behind dark.  Returns what it laid, or
    None when the text needs none (or sits on a transparent layer, as a
    moving text of a video does).  Deterministic; only the text's own area
    is read and painted."""
    from .lint import backdrop, required_contrast

    block = node.text
    if block is None or not block.lines:
        return None
    opacity = node.element.get("opacity", 1.0)
    origin = (node.content.x, node.content.y)
    found = backdrop(surface.image, block, origin, surface.library, opacity)
    if found is None:
        return None
    need = required_contrast(block, surface.image.width)
    before = found.ratio()
    if before >= need:
        return None
    W, H = surface.image.size
    px, py = SCRIM_PAD[0] * block.size, SCRIM_PAD[1] * block.size
    bx0, by0, bx1, by1 = found.box
    box = (max(0, math.floor(bx0 - px)), max(0, math.floor(by0 - py)),
           min(W, math.ceil(bx1 + px)), min(H, math.ceil(by1 + py)))
    saved = surface.image.crop(box)
    if saved.getchannel("A").getextrema()[0] < 255:
        return None  # a layer of its own (video): its backdrop is not known here
    # dark behind text that stands out more against black, light otherwise
    dark = found.ratio((0, 0, 0), 1.0) >= found.ratio((255, 255, 255), 1.0)
    tone = _tone(found, dark)
    target = need + SCRIM_MARGIN
    if found.ratio(tone, 1.0) < target:
        tone = (0, 0, 0) if dark else (255, 255, 255)
    lo, hi = 0.0, 1.0
    if found.ratio(tone, 1.0) >= target:
        for _ in range(9):  # to within 1/512: finer than the panel's 8-bit alpha
            mid = (lo + hi) / 2
            if found.ratio(tone, mid) >= target:
                hi = mid
            else:
                lo = mid
    alpha = min(255, math.ceil(hi * 255))
    w, h = box[2] - box[0], box[3] - box[1]
    mask = im.rounded_mask((w, h), SCRIM_RADIUS * block.size)
    while True:
        panel = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        panel.paste(Image.new("RGBA", (w, h), (*tone, alpha)), (0, 0), mask)
        surface.image.alpha_composite(panel, (box[0], box[1]))
        ratio = found.on(surface.image).ratio()
        if ratio >= need or alpha >= 255:
            return Scrim(box, tone, alpha / 255, before, ratio)
        surface.image.paste(saved, (box[0], box[1]))  # undo, and try a more opaque one
        alpha = min(255, alpha + 16)


def paint_image(surface: Surface, node: Fragment) -> None:
    a = node.element.attrs
    res = node.asset
    x0, y0, x1, y1 = _ibox(node.box)
    bw, bh = x1 - x0, y1 - y0
    if bw < 1 or bh < 1 or res is None:
        return
    radius = a.get("radius", 0.0)
    if res.image is None:
        if node.stand_in is None:
            return
        picture = stand_in_picture(node.stand_in, surface.library)
        dx, dy = _r(node.stand_in.rect.x) - x0, _r(node.stand_in.rect.y) - y0
    else:
        fit = a.get("fit", "contain")
        picture = im.fit_image(res.image, (bw, bh), fit, a.get("focal", (0.5, 0.5)))
        dx, dy = (bw - picture.width) // 2, (bh - picture.height) // 2
    draw_box = Rect(x0 + dx, y0 + dy, picture.width, picture.height)
    _shadow(surface, draw_box, radius, a.get("shadow"))
    if radius:
        picture = im.apply_radius(picture, radius)
    if a.get("border") is not None:
        picture = im.border(picture, a["border"].width, a["border"].color, radius)
    _paste(surface, picture, x0 + dx, y0 + dy, a.get("opacity", 1.0))


def paint_shape(surface: Surface, node: Fragment) -> None:
    a = node.element.attrs
    x0, y0, x1, y1 = _ibox(node.box)
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    kind = a.get("kind", "rect")
    fill = a.get("fill")
    stroke = a.get("stroke")
    sw = a.get("stroke-width", 0.0 if stroke is None else 2.0)
    if kind == "line":
        color = stroke or (fill if isinstance(fill, tuple) else surface.ink)
        width = max(1, _r(sw or min(w, h)))
        # Drawn on its own layer and composited, so a translucent colour blends
        # with what is below instead of replacing it.
        layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        if w >= h:
            d.line((0, (h - 1) / 2, w, (h - 1) / 2), fill=color, width=width)
        else:
            d.line(((w - 1) / 2, 0, (w - 1) / 2, h), fill=color, width=width)
        _paste(surface, layer, x0, y0, a.get("opacity", 1.0))
        return
    if kind == "circle":
        radius = min(w, h) / 2
    elif kind == "rounded":
        radius = a.get("radius", min(w, h) * 0.12)
    else:
        radius = a.get("radius", 0.0)
    _shadow(surface, node.box, radius, a.get("shadow"))
    opacity = a.get("opacity", 1.0)
    if (kind == "rect" and not radius and stroke is None and isinstance(fill, tuple)
            and fill[3] == 255 and opacity >= 1.0):
        surface.image.paste(fill, (x0, y0, x0 + w, y0 + h))  # an opaque band: no mask needed
        return
    if kind == "circle":
        d = min(w, h)
        mask = Image.new("L", (w, h), 0)
        mask.paste(im.rounded_mask((d, d), d / 2), ((w - d) // 2, (h - d) // 2))
    else:
        mask = im.rounded_mask((w, h), radius)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    if fill is not None:
        body = _fill_layer((w, h), fill)
        layer.paste(body, (0, 0), mask)  # body's own alpha is pasted as is, not applied twice
    if stroke is not None and sw > 0:
        s_px = max(1, round(sw))
        inner = Image.new("L", (w, h), 0)
        if kind == "circle":
            d = min(w, h) - 2 * s_px
            if d > 0:
                inner.paste(im.rounded_mask((d, d), d / 2), ((w - d) // 2, (h - d) // 2))
        elif w > 2 * s_px and h > 2 * s_px:
            inner.paste(im.rounded_mask((w - 2 * s_px, h - 2 * s_px), max(0.0, radius - s_px)),
                        (s_px, s_px))
        from PIL import ImageChops

        ring = ImageChops.subtract(mask, inner)
        layer.paste(Image.new("RGBA", (w, h), stroke), (0, 0), _mul_alpha(ring, stroke[3]))
    _paste(surface, layer, x0, y0, opacity)


def _mul_alpha(mask: Image.Image, alpha: int) -> Image.Image:
    if alpha >= 255:
        return mask
    return mask.point(lambda v: v * alpha // 255)


def paint_qr(surface: Surface, node: Fragment) -> None:
    """A QR code (segno, ISO/IEC 18004) filling its box's shorter side; the quiet zone (default 2 modules: phones read 2 reliably on a plain
    background; the standard asks 4) is painted in the background colour."""
    import segno

    a = node.element.attrs
    data = a.get("data", "")
    if not data:
        return
    qr = segno.make(data, error=a.get("error", "m"), micro=False)
    quiet = int(a.get("quiet-zone", 2))
    matrix = list(qr.matrix_iter(scale=1, border=quiet))
    n = len(matrix)
    x0, y0, x1, y1 = _ibox(node.box)
    size = min(x1 - x0, y1 - y0)
    ox, oy = x0 + (x1 - x0 - size) // 2, y0 + (y1 - y0 - size) // 2
    fg = a.get("color", surface.ink)
    bg = a.get("background", (255, 255, 255, 255))
    tile = Image.new("RGBA", (n, n), bg)
    px = tile.load()
    for yy, row in enumerate(matrix):
        for xx, dark in enumerate(row):
            if dark:
                px[xx, yy] = fg
    # Nearest-neighbour scaling keeps module edges sharp; at a size that is not
    # a whole multiple of the module count some modules are one pixel wider,
    # which readers tolerate, and the code fills exactly the size asked for.
    tile = tile.resize((size, size), Image.Resampling.NEAREST)
    _paste(surface, tile, ox, oy)


def stand_in_picture(stand_in: StandIn, library: FontLibrary) -> Image.Image:
    """The picture of a laid-out typographic stand-in cover (see
    :func:`libmedia.layout.lay_out_stand_in`): its texts set on the cover
    colour, inside a translucent binding line like a cloth binding's blind
    stamp, with a rule under the title.  RGBA, the stand-in's size in px."""
    w, h = round(stand_in.rect.w), round(stand_in.rect.h)
    st = stand_in.style
    img = Image.new("RGBA", (w, h), st.base)
    inset, line = stand_in.binding
    binding = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(binding).rectangle((inset, inset, w - 1 - inset, h - 1 - inset),
                                      outline=(*st.on[:3], 90), width=line)
    img.alpha_composite(binding)
    for part in stand_in.parts:
        draw_text_block(img, part.text, part.at, library)
        if part.role == "cover-title":
            ImageDraw.Draw(img).rectangle(stand_in.rule, fill=st.rule)
    return img


#: The ``--show-safe-zones`` overlay: its colour (sRGB), the tint's and the
#: hatching's opacity (0-255), the hatching's spacing and the outline's
#: width (px at 1080 wide), and the warning it carries.
OVERLAY_RED = (214, 40, 40)
OVERLAY_TINT, OVERLAY_HATCH = 90, 170
OVERLAY_SPACING, OVERLAY_OUTLINE = 28, 3
OVERLAY_NOTE = "safe-zone check: not for posting"


def _label(text: str, size: int) -> Image.Image:
    """A small white-on-red label (RGBA) in the bundled Inter, bold."""
    from PIL import ImageFont

    from .typography.fonts import BUNDLED_FONTS

    font = ImageFont.truetype(str(BUNDLED_FONTS / "Inter[opsz,wght].ttf"), size)
    axes = font.get_variation_axes()
    font.set_variation_by_axes([700 if str(a.get("name", b"")).lower().find("weight") >= 0
                                else a["default"] for a in axes])
    left, top, right, bottom = font.getbbox(text)
    pad_x, pad_y = round(size * 0.6), round(size * 0.35)
    w, h = right - left + 2 * pad_x, bottom - top + 2 * pad_y
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    layer.paste(Image.new("RGBA", (w, h), (*OVERLAY_RED, 235)), (0, 0),
                im.rounded_mask((w, h), h / 2))
    ImageDraw.Draw(layer).text((pad_x - left, pad_y - top), text, font=font,
                               fill=(255, 255, 255, 255))
    return layer


def safe_zone_overlay(image: Image.Image, fmt) -> Image.Image:
    """``image`` (a page of format ``fmt``, a :class:`libmedia.formats.Format`)
    with the bands the platform's interface covers (``fmt.safe``) drawn over
    it, for checking a template: tinted and hatched in red, the safe area
    outlined, each band labelled with what covers it (``fmt.bands``, e.g.
    "TikTok buttons") and the top one with :data:`OVERLAY_NOTE`.  A new
    RGBA image of the same size; ``image`` unchanged, and returned as a
    copy when the format has no bands.  Deterministic."""
    from .formats import safe_rect

    out = image.convert("RGBA")
    if not any(fmt.safe):
        return out
    W, H = out.size
    scale = W / 1080
    x0, y0, x1, y1 = safe_rect(fmt)
    mask = Image.new("L", (W, H), 255)
    mask.paste(0, (x0, y0, x1, y1))
    hatch = Image.new("RGBA", (W, H), (*OVERLAY_RED, OVERLAY_TINT))
    d = ImageDraw.Draw(hatch)
    step = max(8, round(OVERLAY_SPACING * scale))
    for k in range(-H, W + H, step):
        d.line((k, 0, k - H, H), fill=(*OVERLAY_RED, OVERLAY_HATCH), width=max(1, round(3 * scale)))
    layer = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    layer.paste(hatch, (0, 0), mask)
    out.alpha_composite(layer)
    line = max(1, round(OVERLAY_OUTLINE * scale))
    ImageDraw.Draw(out).rectangle((x0 - line, y0 - line, x1 + line - 1, y1 + line - 1),
                                  outline=(*OVERLAY_RED, 255), width=line)
    size = max(12, round(26 * scale))
    top, right, bottom, left = fmt.safe
    names = [f"{fmt.platform} {n}" if n else "" for n in fmt.bands]
    if top and not names[0]:
        names[0] = f"{fmt.platform} interface"
    if names[0]:
        names[0] += " \u00b7 " + OVERLAY_NOTE
    spots = [  # band thickness, label (rotated for the side bands), centre
        (top, names[0], 0, ((x0 + x1) / 2, top / 2)),
        (right, names[1], 90, (W - right / 2, (y0 + y1) / 2)),
        (bottom, names[2], 0, ((x0 + x1) / 2, H - bottom / 2)),
        (left, names[3], 90, (left / 2, (y0 + y1) / 2)),
    ]
    for thickness, text, angle, (cx, cy) in spots:
        if not thickness or not text:
            continue
        tag = _label(text, size)
        if angle:
            tag = tag.rotate(angle, expand=True)
        if (tag.width if angle else tag.height) > thickness:
            tag = _label(text, max(10, round(size * 0.7)))
            if angle:
                tag = tag.rotate(angle, expand=True)
        out.alpha_composite(tag, (max(0, round(cx - tag.width / 2)), max(0, round(cy - tag.height / 2))))
    return out


PAINTERS: dict[str, Painter] = {
    "canvas": paint_container,
    "column": paint_container,
    "row": paint_container,
    "grid": paint_container,
    "stack": paint_container,
    "text": paint_text,
    "image": paint_image,
    "shape": paint_shape,
    "qr": paint_qr,
    "spacer": lambda surface, node: None,
    "chart": paint_chart,
}


def paint(surface: Surface, node: Fragment) -> None:
    PAINTERS[node.element.tag](surface, node)


def draw_page(page: Page, library: FontLibrary | None = None) -> Image.Image:
    """The draw stage: paint a laid-out page.  Returns an RGBA image of the
    page's size; areas no element paints are the page's paper colour."""
    image = Image.new("RGBA", (page.width, page.height), page.paper)
    surface = Surface(image, library or default_library(), page.ink)
    paint(surface, page.root)
    return image


__all__ = ["PAINTERS", "Scrim", "Surface", "add_scrim", "draw_page", "paint", "safe_zone_overlay", "stand_in_picture"]
