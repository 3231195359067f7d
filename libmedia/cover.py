"""Colours of the typographic stand-in cover: a palette per brand kit, a tone per book.

A stand-in cover is drawn for every book without a cover file; in a real
inventory that is nearly every post, so one colour for all of them makes a
week of posts (or a profile grid) look like one post repeated.  Here the
brand kit's colours become a small set of harmonious tones (:func:`cover_palette`)
and each book takes one of them by a stable hash of its title and author
(:func:`tone_index`), so the same book always gets the same cover and
different books mostly differ.

Tones are built in OKLCH (Björn Ottosson's OKLab, 2020, in polar form: a
perceptual lightness 0-1, chroma and hue in degrees) with ColorAide, which
also maps them into the sRGB gamut (``oklch-chroma``: the chroma is reduced
until the colour is displayable, lightness and hue kept).  Every tone gets an
ink whose WCAG 2 contrast on it is at least :data:`MIN_CONTRAST` (4.5:1, the
AA level for small text, WCAG 2.1 1.4.3), so the smallest text on the cover,
its label, is readable.

Pure functions of their inputs: the same brand kit and book give the same
colours on every machine (no randomness, no Python ``hash()``).
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from coloraide import Color as _CA

Color = tuple[int, int, int, int]

#: WCAG 2 AA contrast for small text (WCAG 2.1, success criterion 1.4.3).
MIN_CONTRAST = 4.5
#: WCAG 2 contrast for graphical objects such as the rule (WCAG 2.1, 1.4.11).
MIN_RULE_CONTRAST = 3.0
#: Smallest OKLab distance (ΔE OK, 0-1 scale) between two tones of a palette,
#: and between a tone and the page colours it sits on (paper, primary): about
#: what tells two swatches apart at a glance.
MIN_DISTANCE = 0.07
#: Smallest OKLab distance between a tone and the page colours a template
#: stands a cover on (``primary`` bands, ``paper``): larger, so a cover never
#: melts into its background.
MIN_PAGE_DISTANCE = 0.12

_WHITE: Color = (255, 255, 255, 255)
_BLACK: Color = (0, 0, 0, 255)


@dataclass(frozen=True)
class CoverTone:
    """One colour of the stand-in palette: ``base`` the cover's colour,
    ``on`` its ink (title, author and label; contrast >= 4.5:1 on ``base``),
    ``rule`` the short rule under the title (contrast >= 3:1 on ``base``).
    RGBA 0-255."""

    base: Color
    on: Color
    rule: Color


def luminance(c: Color) -> float:
    """WCAG 2 relative luminance of an sRGB colour, 0 (black) to 1 (white)
    (WCAG 2.1, definition of relative luminance)."""
    def lin(v: int) -> float:
        v = v / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(x) for x in c[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours, 1 to 21 (WCAG 2.1, 1.4.3)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _hex(c: Color) -> str:
    return "#{:02x}{:02x}{:02x}".format(*c[:3])


@lru_cache(maxsize=256)
def _oklch(c: Color) -> tuple[float, float, float]:
    lum, chroma, hue = _CA(_hex(c)).convert("oklch").coords()
    return lum, chroma, 0.0 if math.isnan(hue) else hue


def _rgb(lum: float, chroma: float, hue: float) -> Color:
    col = _CA("oklch", [min(max(lum, 0.0), 1.0), max(chroma, 0.0), hue % 360])
    col = col.fit("srgb", method="oklch-chroma").convert("srgb")
    r, g, b = (min(255, max(0, round(v * 255))) for v in col.coords())
    return (r, g, b, 255)


def distance(a: Color, b: Color) -> float:
    """Perceptual distance of two colours: Euclidean in OKLab (ΔE OK, 0-1)."""
    return _CA(_hex(a)).delta_e(_CA(_hex(b)), method="ok")


def _mid_hue(h1: float, h2: float, long_way: bool) -> float:
    d = (h2 - h1) % 360
    if d > 180:
        d -= 360
    if long_way:
        d = d - 360 if d > 0 else d + 360
    return (h1 + d / 2) % 360


def _ink(base: Color, ink: Color, paper: Color) -> Color:
    """The ink for a tone: on a dark tone the kit's paper (else white), on a
    light one the kit's ink (else a near-black of the tone's hue, else black);
    whichever first reaches :data:`MIN_CONTRAST`, else the higher of white
    and black."""
    dark = contrast(base, _WHITE) >= contrast(base, _BLACK)
    lum, chroma, hue = _oklch(base)
    if dark:
        candidates = [paper, _rgb(0.97, min(chroma, 0.02), hue), _WHITE]
    else:
        candidates = [ink, _rgb(0.22, min(chroma, 0.05), hue), _BLACK]
    for c in candidates:
        if contrast(base, c) >= MIN_CONTRAST:
            return c
    return max((_WHITE, _BLACK), key=lambda c: contrast(base, c))


def ink_on(base: Color, ink: Color, paper: Color) -> Color:
    """The text colour for an opaque ``base``: the brand kit's ``paper`` on a
    dark base or its ``ink`` on a light one, else a near-white or near-black
    of the base's hue, else white or black: the first whose WCAG 2 contrast
    on ``base`` reaches :data:`MIN_CONTRAST` (the higher of white and black,
    at least 4.58:1, when none does).  RGBA 0-255."""
    return _ink(base, ink, paper)


def _readable(lum: float, chroma: float, hue: float, ink: Color, paper: Color) -> Color:
    """The tone at (lum, chroma, hue) moved in lightness, in small steps away
    from the middle, until an ink reaches :data:`MIN_CONTRAST` on it."""
    step = -0.02 if lum < 0.62 else 0.02
    for _ in range(30):
        c = _rgb(lum, chroma, hue)
        if contrast(c, _ink(c, ink, paper)) >= MIN_CONTRAST:
            return c
        lum += step
    return _rgb(lum, chroma, hue)


def _unmuddied(lum: float, chroma: float, hue: float) -> tuple[float, float, float]:
    """A dark tone's hue moved out of the dark yellow-greens (85-125 degrees
    in OKLCH), which read as mud on a book cloth, towards green."""
    if lum < 0.55 and 85 <= hue % 360 <= 125:
        hue = 135.0
    return lum, chroma, hue


def _away_from(c: Color, others: Sequence[Color], ink: Color, paper: Color) -> Color | None:
    """``c`` darkened or lightened until it is :data:`MIN_PAGE_DISTANCE` from every
    colour of ``others`` (the page colours a cover stands on), keeping it
    readable; None when no lightness does."""
    lum, chroma, hue = _oklch(c)
    for k in range(0, 12):
        for sign in (1, -1):
            cand = _readable(lum + sign * 0.03 * k, chroma, hue, ink, paper) if k else c
            if all(distance(cand, o) >= MIN_PAGE_DISTANCE for o in others):
                return cand
    return None


def cover_palette(colors: Mapping[str, Color]) -> tuple[CoverTone, ...]:
    """The stand-in cover's tones for a brand kit's ``colors`` (name -> RGBA).

    A kit's ``cover_palette_1``, ``cover_palette_2``... (from ``[colors]
    cover_palette = [...]``, see :mod:`libmedia.brand`) are used as they are,
    each with its ink.  Otherwise nine tones are derived in OKLCH from the
    kit: the cover colour (``cover``, else ``accent``) as it is; a deep and
    a mid tone at each of the midpoint hues between it and ``primary`` (both ways
    round the hue circle); a warmer variant of it; ``primary`` lighter and
    deeper; and a near-neutral dark of the cover hue.  A tone closer than
    :data:`MIN_PAGE_DISTANCE` to ``primary`` or ``paper`` (the colours templates put
    covers on) is moved in lightness, and one close to an earlier tone is
    dropped.  Each tone is made readable (an ink at 4.5:1) and given a rule
    colour: ``accent`` or ``primary`` where it reaches 3:1, else the ink.
    Returns at least one tone.  Cached by the colours it reads.
    """
    used = tuple(sorted((k, tuple(v)) for k, v in colors.items()
                        if k in ("ink", "paper", "primary", "accent", "cover") or k.startswith("cover_palette_")))
    return _palette(used)


@lru_cache(maxsize=32)
def _palette(used: tuple[tuple[str, Color], ...]) -> tuple[CoverTone, ...]:
    colors = dict(used)
    ink = colors.get("ink", (27, 31, 59, 255))
    paper = colors.get("paper", (246, 241, 231, 255))
    primary = colors.get("primary", (31, 78, 121, 255))
    accent = colors.get("accent", (224, 165, 38, 255))
    seed = colors.get("cover") or accent
    listed = [colors[k] for k in sorted((k for k in colors if k.startswith("cover_palette_")),
                                        key=lambda k: int(k.rsplit("_", 1)[1]))]
    if listed:
        bases = [_readable(*_oklch(c), ink, paper) for c in listed]
    else:
        la, ca, ha = _oklch(seed)
        lp, cp, hp = _oklch(primary)
        if cp < 0.03:  # a grey or black primary has no hue to lend: take the complement
            hp = (ha + 180) % 360
            cp = max(ca * 0.6, 0.06)
        if ca < 0.03:  # a grey cover colour: take the primary's hue
            ha, ca = hp, max(cp, 0.06)
        m1, m2 = _mid_hue(ha, hp, False), _mid_hue(ha, hp, True)
        c = max(0.07, min(ca, 0.16))
        sibling = ha - 32
        if 85 <= sibling % 360 <= 125:  # yellow-greens read as mud: turn the other way
            sibling = ha + 32
        specs = [
            (la, ca, ha),                              # the kit's cover colour
            (0.42, min(c, 0.12), m2),                  # deep, the long way round
            (0.58, min(c, 0.10), m1),                  # mid, the short way round
            (0.36, min(c, 0.08), m1),                  # deep, the short way round
            (0.62, min(c, 0.09), m2),                  # mid, the long way round
            (0.87, 0.045, hp) if lp < 0.7 else (0.38, 0.11, hp),   # tint (deep for a pale primary)
            (max(0.45, la - 0.14), c, sibling),        # a warmer or cooler sibling
            (min(0.66, lp + 0.22) if lp < 0.7 else 0.6, max(0.06, min(cp, 0.12)), hp),   # primary, lighter
            (0.30, 0.035, ha),                         # near-neutral dark
        ]
        bases = [_readable(*_unmuddied(lum, ch, hu), ink, paper) for lum, ch, hu in specs]
    tones: list[CoverTone] = []
    for base in bases:
        if not listed:
            moved = _away_from(base, (primary, paper), ink, paper)
            if moved is None:
                continue
            base = moved
            if any(distance(base, t.base) < MIN_DISTANCE for t in tones):
                continue
        on = _ink(base, ink, paper)
        rule = next((r for r in (accent, primary) if r[3] == 255 and contrast(base, r) >= MIN_RULE_CONTRAST
                     and distance(base, r) >= MIN_DISTANCE), on)
        tones.append(CoverTone(base, on, rule))
    if not tones:  # every derived tone collided with the page colours
        on = _ink(seed, ink, paper)
        tones.append(CoverTone(seed, on, on))
    return tuple(tones)


def book_key(title: str, author: str) -> bytes:
    """The key a book's cover colour is chosen by: its title and author, NFC
    normalised, case-folded, with runs of white space made one, so the same
    book catalogued in capitals or with a stray space gets the same colour.
    UTF-8 bytes."""
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", s).casefold().split())

    return (norm(title) + "\x1f" + norm(author)).encode("utf-8")


def tone_index(title: str, author: str, count: int) -> int:
    """Which of ``count`` palette tones a book takes: a BLAKE2b digest of
    :func:`book_key`, modulo ``count`` (stable across runs and machines,
    unlike Python's salted ``hash()``).  Raises ``ValueError`` for a count
    under 1."""
    if count < 1:
        raise ValueError("a cover palette needs at least one tone")
    digest = hashlib.blake2b(book_key(title, author), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


__all__ = ["MIN_CONTRAST", "MIN_DISTANCE", "MIN_PAGE_DISTANCE", "MIN_RULE_CONTRAST", "CoverTone", "book_key", "contrast",
           "cover_palette", "distance", "ink_on", "luminance", "tone_index"]
