"""Measuring shaped text: advance widths and ink extents (cached), vertical
metrics, and the leading a script needs.

Widths come from Pillow's ``getlength`` with Raqm (HarfBuzz) shaping, so
kerning, ligatures and joining count; letter spacing (``tracking``) is added
per grapheme cluster except in right-to-left (cursive) text and colour emoji.
A face emboldened for a weight it lacks (:meth:`Face.emboldening`) is
measured as drawn: each cluster's advance grows by the stroke width and the
line metrics by the stroke on each side.
Ink extents come from ``getbbox`` of the same shaped text (same direction,
features and language as drawing), so the marks HarfBuzz stacks count.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections import OrderedDict
from functools import lru_cache

import regex
from PIL import ImageFont

from .fonts import Face, FontLibrary
from .model import Paragraph, TextStyle, visible_text
from .shaping import graphemes, strong_direction

# ---------------------------------------------------------------------------
# measuring


class Measurer:
    """Advance widths and ink extents of shaped strings, cached (an LRU of
    20,000 entries each)."""

    def __init__(self, library: FontLibrary):
        self.library = library
        self._cache: OrderedDict[tuple, float] = OrderedDict()
        self._ink: OrderedDict[tuple, tuple[float, float]] = OrderedDict()
        self._boxes: dict[tuple, tuple[float, float]] = {}
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
        hit = self._lookup(self._cache, key)
        if hit is not None:
            return hit
        font = self.font(face, style)
        kw = shape_kwargs(style, direction)
        width = font.getlength(text, **kw) * self.scale(face, style)
        extra = cluster_spacing(style, face, text, direction)
        if extra:
            width += extra * len(graphemes(text))
        return self._store(self._cache, key, width)


    def ink(self, text: str, face: Face, style: TextStyle, direction: str) -> tuple[float, float]:
        """(ink ascent, ink descent) in px: how far the glyphs of ``text``,
        shaped with ``face`` and ``style`` in ``direction`` as
        :mod:`.paint` draws them, reach above and below the baseline (each
        >= 0; (0, 0) for blank text).  From Pillow's ``getbbox`` with the
        baseline anchor, whole pixels rounded outwards; a colour emoji
        reaches as far as the tile it is drawn from (its strike's metrics
        plus the tile's 2 px margin, scaled); a synthetic bold face's ink
        grows by its stroke (:meth:`embolden`) on each side.  Tracking moves
        glyphs sideways only, so it does not count.  Cached like
        :meth:`length`."""
        if not text or text.isspace():
            return 0.0, 0.0
        key = (face.path, face.index, face.bitmap_size, style.size, style.weight, style.features,
               style.language, direction, text)
        hit = self._lookup(self._ink, key)
        if hit is not None:
            return hit
        font = self.font(face, style)
        scale = self.scale(face, style)
        if face.is_color:
            ascent, descent = font.getmetrics()
            ink = ((ascent + 2) * scale, (descent + 2) * scale)
        else:
            _, top, _, bottom = font.getbbox(text, anchor="ls", **shape_kwargs(style, direction))
            bold = math.ceil(self.embolden(face, style))
            ink = (max(0.0, -top * scale) + bold, max(0.0, bottom * scale) + bold)
        return self._store(self._ink, key, ink)

    def _lookup(self, cache: OrderedDict, key: tuple):
        """``cache[key]`` (marked as recently used) or None."""
        with self._lock:
            hit = cache.get(key)
            if hit is not None:
                cache.move_to_end(key)
            return hit

    def _store(self, cache: OrderedDict, key: tuple, value):
        """Remember ``value`` under ``key``, dropping the least recently used
        entry past 20,000; returns ``value``."""
        with self._lock:
            cache[key] = value
            if len(cache) > 20000:
                cache.popitem(last=False)
        return value


    def family_box(self, style: TextStyle) -> tuple[float, float, float, float]:
        """(ascent, descent, room above, room below) in px of the family
        ``style`` names (not a fallback): its metrics (:meth:`metrics`) and
        how far they reach beyond the ink of its own accented capitals
        (:data:`REFERENCE_ABOVE`) and descenders (:data:`REFERENCE_BELOW`):
        the clear space the family's designer keeps inside its line box.  A
        room is 0 for a family without those letters.  The room is measured
        once per face and weight at :data:`REFERENCE_SIZE` and scaled (it is
        a margin, not a bound: ink is never outside a box whatever it is)."""
        face = self.library.face(style.family, style.italic)
        a, d = self.metrics(face, style)
        key = (face.path, face.index, face.bitmap_size, style.weight)
        room = self._boxes.get(key)
        if room is None:
            ref = TextStyle(family=style.family, size=REFERENCE_SIZE, weight=style.weight,
                            italic=style.italic)
            ra, rd = self.metrics(face, ref)
            room_a = room_d = 0.0
            if self.library.covers(face, REFERENCE_ABOVE):
                room_a = max(0.0, ra - self.ink(REFERENCE_ABOVE, face, ref, "ltr")[0]) / REFERENCE_SIZE
            if self.library.covers(face, REFERENCE_BELOW):
                room_d = max(0.0, rd - self.ink(REFERENCE_BELOW, face, ref, "ltr")[1]) / REFERENCE_SIZE
            room = (room_a, room_d)
            with self._lock:
                if len(self._boxes) > 1000:
                    self._boxes.clear()
                self._boxes[key] = room
        return a, d, room[0] * style.size, room[1] * style.size


#: Letters whose ink shows how much room a family keeps inside its own
#: metrics above its tallest usual capitals (accented) and below its descenders.
REFERENCE_ABOVE = "\u00c9\u00c5\u00ce"  # ÉÅÎ
REFERENCE_BELOW = "gjpqy"
#: The size in px the room of :meth:`Measurer.family_box` is measured at.
REFERENCE_SIZE = 200.0


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
    ending there: trailing spaces (and no-break spaces) excluded, soft hyphens invisible except a
    final one, which shows as a hyphen; summed run by run (each run shaped
    on its own)."""
    while end > start and para.text[end - 1] in " \u00a0":
        end -= 1
    total = 0.0
    for run in para.runs:
        if run.end <= start or run.start >= end:
            continue
        s, e = max(run.start, start), min(run.end, end)
        total += m.length(visible_text(para.text[s:e], e == end), run.face,
                          para.styles[run.style], run.direction)
    return total



# ---------------------------------------------------------------------------
# leading by script

#: Leading factor by Unicode script: a line whose letters are (mostly) in
#: one of these scripts is set with ``line_height x factor``.  Two tiers:
#:
#: * 1.30, *very tall*: scripts whose Noto font draws marks or stacked
#:   consonants far above and below the letters, so that its designers gave
#:   it a line height at least 1.45 times Noto Sans (Latin)'s: hhea
#:   ascender + descender of Noto Sans 1.362 em; Arabic 2.112 (x1.55),
#:   Myanmar 2.184 (x1.60), Javanese 2.036 (x1.49), Balinese 2.201 (x1.62),
#:   Noto Nastaliq Urdu 2.500 (x1.84), read from the fonts' ``hhea`` tables
#:   (Debian fonts-noto-core 20201225).  Syriac and Thaana, written with the
#:   same vowel marks above and below, join them.
#: * 1.15, *tall*: the other scripts of South and Southeast Asia that carry
#:   vowel signs above a headline or stacked tone marks (Devanagari and the
#:   other Indic scripts, Sinhala, Thai, Lao, Khmer, Tibetan, Sundanese,
#:   Buginese): Material Design's "tall" language category (scripts that
#:   "require extra line height to accommodate larger glyphs", Flutter's
#:   ``ScriptCategory.tall``), where Noto's own metrics are not larger than
#:   Latin's because these fonts are drawn smaller on the em.
#:
#: The factor only widens the designer's leading; whatever the table says,
#: lines are never set closer than their measured ink allows (see
#: :func:`libmedia.typography.fit.layout_text`).
SCRIPT_LEADING: dict[str, float] = {
    "Arabic": 1.30, "Syriac": 1.30, "Thaana": 1.30, "Myanmar": 1.30, "Javanese": 1.30,
    "Balinese": 1.30,
    "Devanagari": 1.15, "Bengali": 1.15, "Gurmukhi": 1.15, "Gujarati": 1.15, "Oriya": 1.15,
    "Tamil": 1.15, "Telugu": 1.15, "Kannada": 1.15, "Malayalam": 1.15, "Sinhala": 1.15,
    "Thai": 1.15, "Lao": 1.15, "Khmer": 1.15, "Tibetan": 1.15, "Sundanese": 1.15,
    "Buginese": 1.15,
}
#: Leading factor by language (BCP 47 primary subtag) for languages whose
#: script is not tall but whose letters are: Vietnamese stacks two marks on
#: a Latin vowel (ệ, ẩ), and is in Material's "tall" category.
LANGUAGE_LEADING: dict[str, float] = {"vi": 1.15}
#: The share of a line's letters a script needs to set the line's leading:
#: a line of two scripts takes the taller one's once it is a third of it.
SCRIPT_SHARE = 0.3

_SCRIPT_RES = [(regex.compile(rf"\p{{Script={name}}}"), factor) for name, factor in SCRIPT_LEADING.items()]


@lru_cache(maxsize=8192)
def _char_leading(ch: str) -> float:
    for pattern, factor in _SCRIPT_RES:
        if pattern.match(ch):
            return factor
    return 1.0


@lru_cache(maxsize=8192)
def leading_factor(text: str, language: str | None = None) -> float:
    """The leading factor (>= 1.0) a line of ``text`` needs for its script
    (:data:`SCRIPT_LEADING`): the largest factor of a script that makes up
    at least :data:`SCRIPT_SHARE` of its letters, or the language's
    (:data:`LANGUAGE_LEADING`) when larger; 1.0 for Latin, Greek, Cyrillic,
    Hebrew, CJK and text without letters."""
    counts: dict[float, int] = {}
    letters = 0
    for ch in text:
        if unicodedata.category(ch)[0] != "L":
            continue
        letters += 1
        f = _char_leading(ch)
        counts[f] = counts.get(f, 0) + 1
    factor = max((f for f, n in counts.items() if n >= SCRIPT_SHARE * letters), default=1.0)
    if language:
        factor = max(factor, LANGUAGE_LEADING.get(language.split("-")[0].lower(), 1.0))
    return factor
