"""Measuring shaped text: advance widths (cached) and vertical metrics.

Widths come from Pillow's ``getlength`` with Raqm (HarfBuzz) shaping, so
kerning, ligatures and joining count; letter spacing (``tracking``) is added
per grapheme cluster except in right-to-left (cursive) text and colour emoji.
A face emboldened for a weight it lacks (:meth:`Face.emboldening`) is
measured as drawn: each cluster's advance grows by the stroke width and the
line metrics by the stroke on each side.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PIL import ImageFont

from .fonts import Face, FontLibrary
from .model import Paragraph, TextStyle, visible_text
from .shaping import graphemes, strong_direction

# ---------------------------------------------------------------------------
# measuring


class Measurer:
    """Advance widths of shaped strings, cached (an LRU of 20,000 entries)."""

    def __init__(self, library: FontLibrary):
        self.library = library
        self._cache: OrderedDict[tuple, float] = OrderedDict()
        self._lock = threading.Lock()

    def font(self, face: Face, style: TextStyle) -> ImageFont.FreeTypeFont:
        """The Pillow font for ``face`` at the style's size and weight."""
        return self.library.font(face, style.size, style.weight)

    def scale(self, face: Face, style: TextStyle) -> float:
        """Factor from the loaded font's pixels to the style's pixels (1 except
        for bitmap colour fonts)."""
        return style.size / face.bitmap_size if face.bitmap_size else 1.0

    def embolden(self, face: Face, style: TextStyle) -> float:
        """Synthetic bold stroke in px on each side of every glyph of ``face``
        at the style's size and weight (0.0 when the face has the weight;
        see :meth:`Face.emboldening`)."""
        return face.emboldening(style.weight) * style.size

    def metrics(self, face: Face, style: TextStyle) -> tuple[float, float]:
        """(ascent, descent) in px at the style's size (see
        :meth:`FontLibrary.vertical_metrics`), synthetic bold's stroke added
        to both; bitmap colour fonts use their strike's metrics, scaled."""
        if face.bitmap_size:
            ascent, descent = self.font(face, style).getmetrics()
            s = self.scale(face, style)
            return ascent * s, descent * s
        a, d = self.library.vertical_metrics(face)
        bold = self.embolden(face, style)
        return a * style.size + bold, d * style.size + bold

    def length(self, text: str, face: Face, style: TextStyle, direction: str) -> float:
        """Advance width in px of ``text`` shaped with ``face`` and ``style`` in
        ``direction`` (``ltr``/``rtl``), tracking included; cached."""
        if not text:
            return 0.0
        key = (face.path, face.index, face.bitmap_size, style.size, style.weight, style.features,
               style.language, style.tracking, direction, text)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        font = self.font(face, style)
        kw = shape_kwargs(style, direction)
        width = font.getlength(text, **kw) * self.scale(face, style)
        extra = cluster_spacing(style, face, text, direction)
        if extra:
            width += extra * len(graphemes(text))
        with self._lock:
            self._cache[key] = width
            if len(self._cache) > 20000:
                self._cache.popitem(last=False)
        return width


def shape_kwargs(style: TextStyle, direction: str) -> dict:
    """Keyword arguments for Pillow's text functions: direction, OpenType
    features and language for Raqm; none without Raqm (BASIC layout)."""
    from .fonts import raqm_available

    if not raqm_available():
        return {}
    kw: dict = {"direction": direction}
    if style.features:
        kw["features"] = list(style.features)
    if style.language:
        kw["language"] = style.language
    return kw


def tracked(style: TextStyle, face: Face, text: str) -> bool:
    """Whether ``text`` gets the style's letter spacing: not colour emoji and
    not right-to-left text (spacing would break Arabic joining)."""
    if not style.tracking or face.is_color:
        return False
    return strong_direction(text) != "rtl"


def cluster_spacing(style: TextStyle, face: Face, text: str, direction: str) -> float:
    """Space in px added after every grapheme cluster of ``text``: the
    style's tracking (see :func:`tracked`) plus, for a synthetic bold face
    in left-to-right text, the stroke width (each glyph's ink grows by the
    stroke on both sides, so its advance grows by one stroke width, as
    FreeType's ``FT_GlyphSlot_Embolden`` does; cursive right-to-left text
    keeps its advances, so its joins still meet)."""
    extra = style.tracking / 1000 * style.size if tracked(style, face, text) else 0.0
    if direction != "rtl":
        extra += face.emboldening(style.weight) * style.size
    return extra


def measurer(library: FontLibrary) -> Measurer:
    """The :class:`Measurer` of ``library``, made once and kept on the library
    (so its cache lives and dies with the library)."""
    m = getattr(library, "_text_measurer", None)
    if m is None:
        with _MEASURER_LOCK:
            m = getattr(library, "_text_measurer", None)
            if m is None:
                m = Measurer(library)
                library._text_measurer = m
    return m


_MEASURER_LOCK = threading.Lock()


def span_width(para: Paragraph, start: int, end: int, m: Measurer) -> float:
    """Advance width in px of ``para.text[start:end]`` as drawn on a line
    ending there: trailing spaces excluded, soft hyphens invisible except a
    final one, which shows as a hyphen; summed run by run (each run shaped
    on its own)."""
    while end > start and para.text[end - 1] == " ":
        end -= 1
    total = 0.0
    for run in para.runs:
        if run.end <= start or run.start >= end:
            continue
        s, e = max(run.start, start), min(run.end, end)
        total += m.length(visible_text(para.text[s:e], e == end), run.face,
                          para.styles[run.style], run.direction)
    return total

