"""Painting laid-out text onto a Pillow image.

Each segment is drawn at its baseline from a cached coverage mask (kerning
kept, tracking added per cluster), blended in its colour; colour emoji are
drawn at the bitmap font's 109 px strike and scaled (cases C10, C12, C13).
A face emboldened for a weight it lacks is stroked in the text's own colour
(Pillow's FreeType stroker), cluster by cluster at its measured advances.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

from PIL import Image, ImageDraw, ImageFont

from .fonts import FontLibrary, default_library
from .measure import Measurer, cluster_spacing, measurer, shape_kwargs
from .model import Segment, TextBlock
from .shaping import graphemes


def draw_text_block(
    image: Image.Image,
    block: TextBlock,
    origin: tuple[float, float],
    library: FontLibrary | None = None,
) -> None:
    """Draw ``block`` onto ``image`` (mode RGBA) with its top-left at ``origin`` (px).

    Each segment is drawn at its baseline with Pillow's ``ls`` anchor (left,
    baseline); colour emoji are drawn at 109 px and scaled to size with
    Lanczos resampling.  Positions are rounded to whole pixels only at the
    very end, so baselines stay evenly spaced.
    """
    library = library or default_library()
    m = measurer(library)
    draw = ImageDraw.Draw(image)
    ox, oy = origin
    for line in block.lines:
        by = oy + line.baseline
        for seg in line.segments:
            x = ox + line.x + seg.x
            if seg.face.is_color:
                _draw_emoji(image, seg, x, by, m)
                continue
            _draw_segment(image, draw, seg, m.font(seg.face, seg.style), x, by)


def _cluster_offsets(text: str, font: ImageFont.FreeTypeFont, kw: dict) -> list[tuple[float, str]]:
    """Pen offset of each grapheme cluster in the shaped ``text``, kerning kept.

    HarfBuzz puts a pair's kerning on the first glyph's advance, so cluster
    ``i`` starts at the shaped length of ``text[:i+1]`` less its own advance.
    Used to letter-space text without losing the font's kerning.
    """
    out = []
    pos = 0
    for g in graphemes(text):
        end = pos + len(g)
        out.append((font.getlength(text[:end], **kw) - font.getlength(g, **kw), g))
        pos = end
    return out


_TILE_CACHE: OrderedDict[tuple, tuple[Image.Image, int, int]] = OrderedDict()
_TILE_LOCK = threading.Lock()


def _segment_mask(seg: Segment, font: ImageFont.FreeTypeFont, fx: float, fy: float
                  ) -> tuple[Image.Image, int, int]:
    """Coverage mask ("L") of a segment drawn with its pen at sub-pixel offset
    (fx, fy) from a whole pixel, and the mask's offset from that pixel.
    Letter-spaced text is drawn cluster by cluster at its kerned positions
    plus the tracking.  Remembered (an LRU of 512): a template's labels and
    eyebrows are the same on every post.  Keyed by the offsets to 1/64 px,
    FreeType's precision, so pixels never depend on what was drawn before."""
    st = seg.style
    member = seg.face.member_for(st.weight)
    key = (str(member.path), member.index, member.stamp, st.size, st.weight, st.features, st.language, st.tracking,
           seg.direction, seg.text, fx, fy)
    with _TILE_LOCK:
        hit = _TILE_CACHE.get(key)
        if hit is not None:
            _TILE_CACHE.move_to_end(key)
            return hit
    kw = shape_kwargs(st, seg.direction)
    bold = seg.face.emboldening(st.weight) * st.size
    if bold:
        kw.update(stroke_width=bold, stroke_fill=255)
    ascent, descent = font.getmetrics()
    pad = math.ceil(st.size)
    mask = Image.new("L", (math.ceil(seg.width + 2 * pad), math.ceil(ascent + descent + 2 * pad)), 0)
    d = ImageDraw.Draw(mask)
    track = cluster_spacing(st, seg.face, seg.text, seg.direction)
    if track:
        shape = shape_kwargs(st, seg.direction)
        for i, (offset, g) in enumerate(_cluster_offsets(seg.text, font, shape)):
            d.text((pad + fx + offset + i * track, pad + ascent + fy), g, font=font, fill=255,
                   anchor="ls", **kw)
    else:
        d.text((pad + fx, pad + ascent + fy), seg.text, font=font, fill=255, anchor="ls", **kw)
    box = mask.getbbox() or (0, 0, 1, 1)
    hit = (mask.crop(box), box[0] - pad, box[1] - pad - ascent)
    with _TILE_LOCK:
        _TILE_CACHE[key] = hit
        if len(_TILE_CACHE) > 512:
            _TILE_CACHE.popitem(last=False)
    return hit


def _draw_segment(image: Image.Image, draw: ImageDraw.ImageDraw, seg: Segment,
                  font: ImageFont.FreeTypeFont, x: float, baseline: float) -> None:
    """Paint one segment's glyphs in its colour.  Opaque colours go through
    ``ImageDraw.bitmap`` (the blending ``ImageDraw.text`` uses); translucent
    ones are alpha-composited, since Pillow's text drawing would replace the
    canvas's alpha with the colour's and punch holes in an opaque post."""
    ix, iy = math.floor(x), math.floor(baseline)
    fx, fy = round((x - ix) * 64) / 64, round((baseline - iy) * 64) / 64
    tile, dx, dy = _segment_mask(seg, font, fx, fy)
    color = seg.style.color
    if color[3] == 255:
        draw.bitmap((ix + dx, iy + dy), tile, fill=color)
        return
    layer = Image.new("RGBA", tile.size, color[:3] + (0,))
    layer.putalpha(tile.point(lambda v: v * color[3] // 255))
    left, top = ix + dx, iy + dy
    crop = (max(0, -left), max(0, -top), min(tile.width, image.width - left),
            min(tile.height, image.height - top))
    if crop[0] < crop[2] and crop[1] < crop[3]:
        image.alpha_composite(layer.crop(crop), (left + crop[0], top + crop[1]))


_EMOJI_CACHE: OrderedDict[tuple, Image.Image] = OrderedDict()
_EMOJI_LOCK = threading.Lock()


def _draw_emoji(image: Image.Image, seg: Segment, x: float, baseline: float, m: Measurer) -> None:
    font = m.font(seg.face, seg.style)
    scale = m.scale(seg.face, seg.style)
    key = (seg.face.path, seg.face.index, seg.text, round(scale, 4))
    with _EMOJI_LOCK:
        tile = _EMOJI_CACHE.get(key)
    ascent, descent = font.getmetrics()
    if tile is None:
        w = math.ceil(font.getlength(seg.text, **shape_kwargs(seg.style, seg.direction))) + 4
        h = ascent + descent + 4
        big = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        ImageDraw.Draw(big).text((2, 2 + ascent), seg.text, font=font, anchor="ls",
                                 embedded_color=True, **shape_kwargs(seg.style, seg.direction))
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        tile = big.resize(size, Image.Resampling.LANCZOS)
        with _EMOJI_LOCK:
            _EMOJI_CACHE[key] = tile
            if len(_EMOJI_CACHE) > 512:
                _EMOJI_CACHE.popitem(last=False)
    top = baseline - (2 + ascent) * scale
    left = x - 2 * scale
    image.alpha_composite(tile, (round(left), round(top))) if _inside(image, tile, left, top) else \
        image.paste(tile, (round(left), round(top)), tile)


def _inside(image: Image.Image, tile: Image.Image, left: float, top: float) -> bool:
    return left >= 0 and top >= 0 and left + tile.width <= image.width and top + tile.height <= image.height
