"""Colours taken from a book's cover, for templates that dress a post in them.

A template asks for them with colour values in its markup (``cover:NAME``,
see :class:`CoverColor`), resolved by the style stage once the images are
loaded (:func:`libmedia.style.style_document`)::

    <canvas background="cover:dominant">
      <text color="cover:on-dominant">...</text>
      <shape fill="cover:accent-on-dominant" .../>

The names (:data:`PALETTE_NAMES`):

``dominant``            the colour that gives the cover its feel: the largest
                        colour area of the cover, its edges counted double
                        (a cover's background usually runs to its edges);
``on-dominant``         text on ``dominant``: WCAG 2 contrast >= 4.5:1;
``muted-on-dominant``   secondary text on ``dominant``, softer than
                        ``on-dominant`` (contrast >= :data:`MUTED_CONTRAST`);
``accent``              the most vivid colour of the cover that is distinct
                        from ``dominant``; the brand kit's ``accent`` when the
                        cover has none (a grey, black-and-white or one-colour
                        cover: no accent is invented from JPEG noise);
``on-accent``           text on ``accent``: contrast >= 4.5:1;
``accent-on-dominant``  ``accent`` made lighter or darker (same hue and
                        chroma, OKLCH) until it reaches 3:1 on ``dominant``:
                        for large text, ornaments and rules drawn on it
                        (WCAG 2.1 1.4.3 large text, 1.4.11 graphics).

Where the colours come from (:func:`page_palette` in the style stage): the
page's cover is its first ``image`` with ``placeholder-title`` (a book cover,
drawn as a typographic stand-in when its file is missing), else its first
image that is not the brand logo nor a template asset.  A loaded cover gives
its own colours (:func:`palette_from_image`); a stand-in gives its tone's
(:func:`palette_from_tone`: the colours it is drawn in); a page without a
cover gives the brand kit's (:func:`brand_palette`: ``primary`` and
``accent``).

How a picture's colours are found: the cover is shrunk to at most
:data:`SAMPLE_SIDE` px a side (box filter), its opaque pixels converted to
OKLab (Björn Ottosson, "A perceptual color space for image processing",
2020), and grouped by k-means (Lloyd's algorithm, at most :data:`CLUSTERS`
groups) started from the fullest cells of a coarse OKLab histogram, so the
result is the same on every run (no random start).  Chroma below
:data:`GREY_CHROMA` counts as grey.  Colours leave OKLab through ColorAide's
gamut mapping into sRGB.  Pure functions: the same picture and brand kit
give the same colours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from coloraide import Color as _CA
from PIL import Image

from .cover import MIN_CONTRAST, contrast, ink_on

Color = tuple[int, int, int, int]

#: The names a template may ask for as ``cover:NAME``.
PALETTE_NAMES = ("dominant", "on-dominant", "muted-on-dominant", "accent", "on-accent",
                 "accent-on-dominant")
#: Longest side, in px, the cover is shrunk to before its colours are counted.
SAMPLE_SIDE = 96
#: Most colour groups k-means looks for.
CLUSTERS = 8
#: OKLCH chroma under which a colour is grey (JPEG noise on a black-and-white
#: cover stays under it; the palest tinted papers are about 0.02).
GREY_CHROMA = 0.045
#: Smallest OKLab distance (ΔE OK) from ``dominant`` for a colour to be the accent.
ACCENT_DISTANCE = 0.12
#: Smallest share of the cover's pixels a colour group needs to be the accent
#: (a few stray pixels of a photo are not the cover's colour).
ACCENT_SHARE = 0.006
#: Contrast of ``accent-on-dominant`` on ``dominant``: large text and graphics
#: (WCAG 2.1, 1.4.3 and 1.4.11: 3:1), with a little to spare.
ACCENT_CONTRAST = 3.2
#: Contrast of ``muted-on-dominant`` on ``dominant``: above the 4.5:1 of
#: small text, so anti-aliased edges still read.
MUTED_CONTRAST = 6.0
#: Share of the cover's width and height that counts as its edge.
EDGE = 0.08

_WHITE: Color = (255, 255, 255, 255)
_BLACK: Color = (0, 0, 0, 255)


@dataclass(frozen=True)
class CoverColor:
    """A colour value of the markup that names a cover colour: ``cover:NAME``
    or ``cover:NAME/ALPHA`` (ALPHA 0-1 or a percentage, e.g.
    ``cover:on-dominant/20%``), resolved by the style stage.  ``name`` one
    of :data:`PALETTE_NAMES`; ``alpha`` 0-1."""

    name: str
    alpha: float = 1.0

    def resolve(self, palette: CoverPalette) -> Color:
        """This colour in ``palette``, RGBA 0-255."""
        c = palette.get(self.name)
        return (c[0], c[1], c[2], round(c[3] * self.alpha))


def parse_cover_color(value: str) -> CoverColor:
    """``cover:NAME`` or ``cover:NAME/ALPHA`` -> :class:`CoverColor`.
    Raises ``ValueError`` naming the colours there are (with "did you mean"
    for a near miss)."""
    import difflib

    v = value.strip()
    if not v.lower().startswith("cover:"):
        raise ValueError(f"expected cover:NAME, got {value!r}")
    name, _, alpha_text = v[6:].partition("/")
    name = name.strip().lower()
    if name not in PALETTE_NAMES:
        close = difflib.get_close_matches(name, PALETTE_NAMES, n=1, cutoff=0.6)
        raise ValueError(f"unknown cover colour {value!r}: one of "
                         + ", ".join("cover:" + n for n in PALETTE_NAMES)
                         + (f"; did you mean 'cover:{close[0]}'?" if close else ""))
    alpha = 1.0
    if alpha_text:
        a = alpha_text.strip()
        try:
            alpha = float(a[:-1]) / 100 if a.endswith("%") else float(a)
        except ValueError:
            alpha = -1.0
        if not 0 <= alpha <= 1:
            raise ValueError(f"expected an opacity from 0 to 1 (or 0% to 100%) after the '/' of "
                             f"{value!r}, like cover:on-dominant/40%")
    return CoverColor(name, alpha)


@dataclass(frozen=True)
class CoverPalette:
    """The colours of one page's cover (see the module for each name's rule).

    All RGBA 0-255.  ``source`` says where they came from: ``image`` (a
    loaded cover), ``stand-in`` (a missing cover's typographic stand-in) or
    ``brand`` (no cover on the page); ``has_accent`` is False when
    ``accent`` is the brand kit's because the cover has no vivid colour of
    its own.
    """

    dominant: Color
    on_dominant: Color
    muted_on_dominant: Color
    accent: Color
    on_accent: Color
    accent_on_dominant: Color
    source: str = "brand"
    has_accent: bool = False

    def get(self, name: str) -> Color:
        """The colour called ``name`` (one of :data:`PALETTE_NAMES`).
        Raises ``KeyError`` for another name."""
        if name not in PALETTE_NAMES:
            raise KeyError(name)
        return getattr(self, name.replace("-", "_"))


# ---------------------------------------------------------------------------
# colour maths


def _srgb_to_oklab(rgb):
    """(N, 3) sRGB 0-255 -> (N, 3) OKLab (Ottosson 2020, the published
    matrices), numpy float64."""
    import numpy as np

    c = rgb.astype(np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m1 = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                   [0.2119034982, 0.6806995451, 0.1073969566],
                   [0.0883024619, 0.2817188376, 0.6299787005]])
    m2 = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                   [1.9779984951, -2.4285922050, 0.4505937099],
                   [0.0259040371, 0.7827717662, -0.8086757660]])
    return np.cbrt(lin @ m1.T) @ m2.T


def _to_rgb(lab) -> Color:
    """One OKLab colour -> sRGB RGBA 0-255 (chroma reduced into the gamut)."""
    col = _CA("oklab", [float(x) for x in lab]).fit("srgb", method="oklch-chroma").convert("srgb")
    r, g, b = (min(255, max(0, round(v * 255))) for v in col.coords())
    return (r, g, b, 255)


def _oklch(c: Color) -> tuple[float, float, float]:
    lum, chroma, hue = _CA("srgb", [v / 255 for v in c[:3]]).convert("oklch").coords()
    return lum, chroma, 0.0 if math.isnan(hue) else hue


def _from_oklch(lum: float, chroma: float, hue: float) -> Color:
    col = _CA("oklch", [min(max(lum, 0.0), 1.0), max(chroma, 0.0), hue % 360])
    col = col.fit("srgb", method="oklch-chroma").convert("srgb")
    r, g, b = (min(255, max(0, round(v * 255))) for v in col.coords())
    return (r, g, b, 255)


def _mix(a: Color, b: Color, t: float) -> Color:
    """``a`` moved a share ``t`` (0-1) of the way to ``b``, in OKLab."""
    ca, cb = _CA("srgb", [v / 255 for v in a[:3]]), _CA("srgb", [v / 255 for v in b[:3]])
    col = ca.mix(cb, t, space="oklab").convert("srgb").fit("srgb")
    r, g, b2 = (min(255, max(0, round(v * 255))) for v in col.coords())
    return (r, g, b2, 255)


def readable_on(background: Color, color: Color, minimum: float) -> Color:
    """``color`` made lighter or darker in OKLCH (hue and chroma kept), in
    steps of 0.02 lightness, by the smallest change that brings its WCAG 2
    contrast on ``background`` to at least ``minimum``; black or white
    (whichever reads better) when no lightness does.  RGBA 0-255."""
    if contrast(background, color) >= minimum:
        return (*color[:3], 255)
    lum, chroma, hue = _oklch(color)
    for step in range(1, 51):
        for sign in (1, -1):
            v = lum + sign * 0.02 * step
            if not 0 <= v <= 1:
                continue
            c = _from_oklch(v, chroma, hue)
            if contrast(background, c) >= minimum:
                return c
    return max((_WHITE, _BLACK), key=lambda c: contrast(background, c))


def _muted(dominant: Color, on: Color) -> Color:
    """``on`` moved towards ``dominant`` as far as it keeps
    :data:`MUTED_CONTRAST` (at most 45 % of the way); ``on`` itself when
    even 10 % would fall under it."""
    best = on
    for step in range(1, 10):
        t = step * 0.05
        c = _mix(on, dominant, t)
        if contrast(c, dominant) < MUTED_CONTRAST:
            break
        best = c
    return best


def _complete(dominant: Color, accent: Color, colors: Mapping[str, Color], source: str,
              has_accent: bool, on: Color | None = None) -> CoverPalette:
    ink = colors.get("ink", (27, 31, 59, 255))
    paper = colors.get("paper", (246, 241, 231, 255))
    dominant = (*dominant[:3], 255)
    accent = (*accent[:3], 255)
    if on is None or contrast(on, dominant) < MIN_CONTRAST:
        on = ink_on(dominant, ink, paper)
    return CoverPalette(
        dominant=dominant, on_dominant=on, muted_on_dominant=_muted(dominant, on),
        accent=accent, on_accent=ink_on(accent, ink, paper),
        accent_on_dominant=readable_on(dominant, accent, ACCENT_CONTRAST),
        source=source, has_accent=has_accent)


# ---------------------------------------------------------------------------
# palettes


def brand_palette(colors: Mapping[str, Color]) -> CoverPalette:
    """The palette of a page without a cover: ``dominant`` the brand kit's
    ``primary`` (its ``on_primary`` as the ink where that reads at 4.5:1),
    ``accent`` its ``accent``.  ``colors`` name -> RGBA, as
    :attr:`libmedia.brand.Brand.colors`."""
    primary = colors.get("primary", (31, 78, 121, 255))
    accent = colors.get("accent", (224, 165, 38, 255))
    return _complete(primary, accent, colors, "brand", False, colors.get("on_primary"))


def palette_from_tone(base: Color, on: Color, colors: Mapping[str, Color]) -> CoverPalette:
    """The palette of a typographic stand-in cover drawn in ``base`` with
    ink ``on`` (a :class:`libmedia.cover.CoverTone`'s): ``dominant`` its
    colour, ``accent`` the brand kit's ``accent`` (the stand-in's own rule
    colour, when it reads)."""
    accent = colors.get("accent", (224, 165, 38, 255))
    return _complete(base, accent, colors, "stand-in", False, on)


def palette_from_image(image: Image.Image, colors: Mapping[str, Color]) -> CoverPalette:
    """The palette of a cover picture (any mode; transparent pixels left
    out), in the brand kit's ``colors`` (name -> RGBA: ``ink`` and ``paper``
    are preferred as text colours, ``accent`` stands in for a cover without
    one).  See the module for the rule.  A picture with fewer than 16 opaque
    pixels gives :func:`brand_palette`."""
    import numpy as np

    img = image.convert("RGBA")
    scale = min(1.0, SAMPLE_SIDE / max(img.size))
    if scale < 1:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.Resampling.BOX)
    px = np.asarray(img, dtype=np.uint8)
    h, w = px.shape[:2]
    opaque = px[..., 3] >= 128
    ey, ex = max(1, round(h * EDGE)), max(1, round(w * EDGE))
    edge = np.zeros((h, w), dtype=bool)
    edge[:ey, :] = edge[-ey:, :] = True
    edge[:, :ex] = edge[:, -ex:] = True
    keep = opaque.reshape(-1)
    if keep.sum() < 16:
        return brand_palette(colors)
    lab = _srgb_to_oklab(px[..., :3].reshape(-1, 3)[keep])
    on_edge = edge.reshape(-1)[keep]
    centres, labels = _kmeans(lab)
    k = len(centres)
    share = np.bincount(labels, minlength=k) / len(labels)
    edge_share = (np.bincount(labels[on_edge], minlength=k) / max(1, on_edge.sum())
                  if on_edge.any() else share)
    score = share + edge_share
    dom = int(np.argmax(score))
    dominant = _to_rgb(centres[dom])
    chroma = np.hypot(centres[:, 1], centres[:, 2])
    best, best_score = None, 0.0
    for i in range(k):
        if i == dom or share[i] < ACCENT_SHARE or chroma[i] < GREY_CHROMA:
            continue
        if float(np.linalg.norm(centres[i] - centres[dom])) < ACCENT_DISTANCE:
            continue
        if _blend(i, centres, share):
            continue
        s = float(chroma[i]) * (0.5 + 0.5 * min(1.0, float(share[i]) / 0.05))
        if s > best_score:
            best, best_score = i, s
    if best is None:
        return _complete(dominant, colors.get("accent", (224, 165, 38, 255)), colors, "image", False)
    # the group's more vivid half: its mean is diluted by the edges of shapes
    mine = lab[labels == best]
    c = np.hypot(mine[:, 1], mine[:, 2])
    vivid = mine[c >= np.median(c)]
    accent = _to_rgb(vivid.mean(axis=0))
    return _complete(dominant, accent, colors, "image", True)


def _blend(i: int, centres, share) -> bool:
    """Whether group ``i`` is the blend of two larger groups rather than a
    colour of its own: its centre lies within 0.035 (OKLab) of the line
    between them, away from both ends (the anti-aliased edges of yellow
    letters on black make an olive group that is on no cover)."""
    import numpy as np

    bigger = [j for j in range(len(centres)) if j != i and share[j] > share[i]]
    for n, j in enumerate(bigger):
        for m in bigger[n + 1:]:
            seg = centres[m] - centres[j]
            length = float(seg @ seg)
            if length < 1e-9:
                continue
            t = float((centres[i] - centres[j]) @ seg) / length
            if 0.1 < t < 0.9 and float(np.linalg.norm(centres[i] - (centres[j] + t * seg))) < 0.035:
                return True
    return False


def _group_means(points, labels, n: int):
    """(n, 3) means of ``points`` by ``labels`` (0..n-1); 0 for an empty group."""
    import numpy as np

    sizes = np.maximum(np.bincount(labels, minlength=n), 1)
    return np.stack([np.bincount(labels, weights=points[:, j], minlength=n) for j in range(3)],
                    axis=1) / sizes[:, None]


def _kmeans(lab, k: int = CLUSTERS, rounds: int = 12):
    """Lloyd's k-means of (N, 3) OKLab points, started from the centres of
    the fullest cells of a histogram (lightness in tenths, a and b in steps
    of 0.04) that are at least 0.08 apart; groups that end up nearer than
    0.05 are merged.  Returns (centres (k', 3), labels (N,))."""
    import numpy as np

    cells = np.stack([np.floor(lab[:, 0] * 10), np.floor(lab[:, 1] / 0.04),
                      np.floor(lab[:, 2] / 0.04)], axis=1).astype(np.int64)
    keys, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    cell_means = _group_means(lab, inverse, len(keys))
    order = np.lexsort((keys[:, 2], keys[:, 1], keys[:, 0], -counts))
    centres: list = []
    for cell in order:
        mean = cell_means[cell]
        if all(np.linalg.norm(mean - c) >= 0.08 for c in centres):
            centres.append(mean)
        if len(centres) == k:
            break
    cen = np.array(centres)
    labels = np.full(len(lab), -1, dtype=np.int64)
    for _ in range(rounds):
        d = ((lab[:, 0, None] - cen[None, :, 0]) ** 2 + (lab[:, 1, None] - cen[None, :, 1]) ** 2
             + (lab[:, 2, None] - cen[None, :, 2]) ** 2)
        new = np.argmin(d, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        sizes = np.bincount(labels, minlength=len(cen))
        means = _group_means(lab, labels, len(cen))
        cen = np.where(sizes[:, None] > 0, means, cen)
    # merge groups that converged onto the same colour
    keep: list[int] = []
    target = np.arange(len(cen))
    for i in range(len(cen)):
        near = next((j for j in keep if np.linalg.norm(cen[i] - cen[j]) < 0.05), None)
        if near is None:
            keep.append(i)
        else:
            target[i] = near
    index = {old: new for new, old in enumerate(keep)}
    lookup = np.array([index[int(target[i])] for i in range(len(cen))])
    labels = lookup[labels]
    return _group_means(lab, labels, len(keep)), labels


__all__ = ["ACCENT_CONTRAST", "MUTED_CONTRAST", "PALETTE_NAMES", "CoverColor", "CoverPalette",
           "brand_palette", "palette_from_image", "palette_from_tone", "parse_cover_color",
           "readable_on"]
