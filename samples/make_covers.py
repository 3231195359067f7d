"""Draw the sample book covers for ``koleksi-baru.csv``.

The real covers of these books are copyrighted, so libmedia ships its own: a
small "publisher series" of minimalist jackets -- a colour field, one simple
geometric motif, the title and the author -- drawn from the CSV itself.

Run from anywhere (needs Pillow with Raqm, for the Arabic title)::

    python samples/make_covers.py

It reads ``samples/koleksi-baru.csv`` and writes one JPEG per record whose
``Sampul`` cell is filled, at the path that cell names (relative to the CSV).
The output is deterministic: every choice (colours, layout, motif, its
placement) comes from a hash of the title, the hand-picked overrides below and
the order of the CSV (options already used are avoided, to keep the series
varied) -- never from a clock or an unseeded random generator -- so running it
again gives byte-identical files.  Text is fitted, wrapped and kept inside
the margins; a title that cannot fit stops the run instead of being clipped.

Two records are deliberately "wrong" the way staff data often is; see
``FILE_NAME_OVERRIDES`` and the README.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

HERE = Path(__file__).resolve().parent
CSV_PATH = HERE / "koleksi-baru.csv"
FONTS = HERE.parent / "fonts"

BASE_SIZE = (600, 900)  # 1:1.5, most covers
SUPERSAMPLE = 3  # draw at 3x, then downscale: smooth circles and edges
JPEG_QUALITY = 90

# Cover sizes that differ from BASE_SIZE, keyed by the CSV's Sampul value.
SIZE_OVERRIDES = {
    "covers/braiding-sweetgrass.jpg": (1200, 1800),  # a large, print-quality scan
    "covers/bumi-manusia.jpg": (240, 360),  # deliberately small: libmedia warns it upscales
}

# The CSV names ``covers/pulang.jpg`` but the file on disk is ``Pulang.JPG``:
# staff data often differs from the file name only in case.  libmedia must
# still find it (and say what it did).
FILE_NAME_OVERRIDES = {
    "covers/pulang.jpg": "covers/Pulang.JPG",
}

# A motif chosen for what the book is about; the others come from the hash.
MOTIF_OVERRIDES = {
    "covers/laskar-pelangi.jpg": "rainbow",
    "covers/laut-bercerita.jpg": "waves",
    "covers/rijal-fi-al-shams.jpg": "sun",
    "covers/negeri-5-menara.jpg": "towers",
    "covers/filosofi-kopi.jpg": "rings",
    "covers/braiding-sweetgrass.jpg": "braid",
    "covers/factfulness.jpg": "dots",
}

# ... and a colour scheme chosen for it.
PALETTE_OVERRIDES = {
    "covers/rijal-fi-al-shams.jpg": "terracotta",  # Men in the Sun
    "covers/laut-bercerita.jpg": "navy",  # the sea
}

# Colour schemes: field, second field, accent, text on the field.
PALETTES = [
    ("terracotta", "#C4572E", "#8E3B1F", "#F2C14E", "#FBF3E4"),
    ("indigo", "#1F2A44", "#2E4A7A", "#E8B04A", "#F4EFE6"),
    ("mustard", "#E3A92B", "#B8801A", "#2B2A27", "#1E1C1A"),
    ("forest", "#24493A", "#3D6B54", "#E9C46A", "#F1EDE2"),
    ("teal", "#1C6E6B", "#0F4C4A", "#F4A259", "#F6F1E7"),
    ("plum", "#5B2A45", "#7E3D60", "#F0B7A4", "#F8EDE8"),
    ("coral", "#EE8C6E", "#D96C50", "#2F3E46", "#2A1F1C"),
    ("navy", "#14213D", "#243B6B", "#E63946", "#F1FAEE"),
    ("sage", "#A7B89A", "#7E9273", "#3F2E26", "#23201C"),
    ("cream", "#F2E8D5", "#E3D3B5", "#C0392B", "#1F1F1F"),
    ("charcoal", "#2B2D2F", "#3E4245", "#C9D858", "#F2F2EE"),
    ("sky", "#8FB8DE", "#5F93C4", "#F6E27F", "#142338"),
    ("olive", "#6B6B2A", "#51521E", "#F2D0A4", "#F7F3E8"),
    ("rose", "#E7B8B0", "#D4938A", "#5A1E2B", "#2C1418"),
    ("ink", "#1E1B18", "#2E2925", "#E07A1F", "#F5EDE0"),
    ("mint", "#CFE3DA", "#A9CBBE", "#1D5C63", "#16302F"),
]
PAPER = "#F4EFE6"

LAYOUTS = ["panel", "field", "bottom", "split"]
MOTIFS = [
    "rings",
    "sun",
    "stripes",
    "diagonal",
    "arcs",
    "rainbow",
    "waves",
    "dots",
    "triangles",
    "sunburst",
    "crescent",
    "blocks",
    "scallops",
    "orbit",
    "steps",
    "petals",
    "checker",
    "plaid",
]


# --------------------------------------------------------------------------- fonts


def font(
    family: str, size: float, weight: int = 400, italic: bool = False
) -> ImageFont.FreeTypeFont:
    """A bundled variable font at ``size`` px and ``weight``, shaped by Raqm."""
    files = {
        "serif": "Literata-Italic[opsz,wght].ttf" if italic else "Literata[opsz,wght].ttf",
        "sans": "PlusJakartaSans-Italic[wght].ttf" if italic else "PlusJakartaSans[wght].ttf",
        "arabic": "NotoSansArabic[wdth,wght].ttf",
    }
    f = ImageFont.truetype(
        str(FONTS / files[family]), max(1, round(size)), layout_engine=ImageFont.Layout.RAQM
    )
    # Axis values in the order the font itself reports its axes.
    values = []
    for axis in f.get_variation_axes():
        name = axis["name"]
        name = name.decode() if isinstance(name, bytes) else name
        if name == "Weight":
            values.append(max(axis["minimum"], min(axis["maximum"], weight)))
        elif name == "Optical size":
            # display sizes get the display cut; size in points ~ px here
            values.append(max(axis["minimum"], min(axis["maximum"], size / SUPERSAMPLE)))
        else:  # Width and anything else: the default
            values.append(axis["default"])
    f.set_variation_by_axes(values)
    return f


def is_rtl(text: str) -> bool:
    return any("\u0590" <= ch <= "\u08ff" for ch in text)


def text_width(text: str, f: ImageFont.FreeTypeFont, tracking: float = 0.0) -> float:
    if is_rtl(text):
        return f.getlength(text, direction="rtl")
    return f.getlength(text) + tracking * max(0, len(text) - 1)


def wrap(
    text: str, f: ImageFont.FreeTypeFont, max_w: float, tracking: float = 0.0
) -> list[str] | None:
    """Greedy word wrap; None when one word alone is wider than max_w."""
    lines: list[str] = []
    cur = ""
    for word in text.split(" "):  # not split(): a no-break space must hold
        if not word:
            continue
        if text_width(word, f, tracking) > max_w:
            return None
        trial = f"{cur} {word}" if cur else word
        if text_width(trial, f, tracking) <= max_w:
            cur = trial
        else:
            lines.append(cur)
            cur = word
    if cur:
        lines.append(cur)
    return lines


def balanced_wrap(
    text: str, f: ImageFont.FreeTypeFont, max_w: float, tracking: float = 0.0
) -> list[str] | None:
    """Wrap into as few lines as greedy does, but with lines of even length
    (no lonely last word), by narrowing the measure while the count holds."""
    lines = wrap(text, f, max_w, tracking)
    if not lines or len(lines) == 1:
        return lines
    best = lines
    w = max_w
    while w > max_w * 0.5:
        w *= 0.97
        trial = wrap(text, f, w, tracking)
        if trial is None or len(trial) > len(lines):
            break
        best = trial
    return best


@dataclass
class Block:
    lines: list[str]
    font: ImageFont.FreeTypeFont
    size: float
    leading: float  # line advance, px
    tracking: float = 0.0

    @property
    def height(self) -> float:
        if not self.lines:
            return 0.0
        asc, desc = self.font.getmetrics()
        return self.leading * (len(self.lines) - 1) + asc + desc * 0.35


def fit(
    text: str,
    family: str,
    weight: int,
    max_w: float,
    max_h: float,
    max_size: float,
    min_size: float,
    max_lines: int,
    leading: float = 1.08,
    italic: bool = False,
    tracking_em: float = 0.0,
) -> Block:
    """The largest size (down to min_size) at which text wraps into at most
    max_lines lines inside max_w x max_h."""
    size = max_size
    while True:
        f = font(family, size, weight, italic)
        tracking = tracking_em * size
        lines = balanced_wrap(text, f, max_w, tracking)
        block = Block(lines or [], f, size, size * leading, tracking)
        if lines is not None and len(lines) <= max_lines and block.height <= max_h:
            return block
        if size <= min_size:
            if lines is None:  # a word wider than the measure: keep shrinking
                size *= 0.95
                if size < min_size * 0.5:
                    raise ValueError(f"cannot fit {text!r}")
                continue
            return block
        size = max(min_size, size * 0.96)


def draw_block(
    d: ImageDraw.ImageDraw, block: Block, x: float, y: float, w: float, fill, align: str = "left"
) -> float:
    """Draw a text block with its first baseline-top at y; returns the bottom."""
    asc, _ = block.font.getmetrics()
    for i, line in enumerate(block.lines):
        top = y + i * block.leading
        lw = text_width(line, block.font, block.tracking)
        lx = x if align == "left" else (x + w - lw if align == "right" else x + (w - lw) / 2)
        if is_rtl(line):
            d.text(
                (lx, top + asc),
                line,
                font=block.font,
                fill=fill,
                anchor="ls",
                direction="rtl",
                language="ar",
            )
        elif block.tracking:
            cx = lx
            for ch in line:
                d.text((cx, top + asc), ch, font=block.font, fill=fill, anchor="ls")
                cx += block.font.getlength(ch) + block.tracking
        else:
            d.text((lx, top + asc), line, font=block.font, fill=fill, anchor="ls")
    return y + block.height


# ------------------------------------------------------------------------- motifs


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    def lin(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    ca, cb = rgb(a), rgb(b)
    return tuple(round(ca[i] + (cb[i] - ca[i]) * t) for i in range(3))  # type: ignore[return-value]


def motif_rings(d, box, pal, rng):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    r = min(w, h) * rng.uniform(0.42, 0.5)
    cx = x0 + w * rng.uniform(0.45, 0.6)
    cy = y0 + h * 0.5
    n = rng.choice([5, 6, 7])
    colours = [pal.accent, pal.alt, pal.ink]
    for i in range(n):
        rr = r * (1 - i / n)
        d.ellipse(
            (cx - rr, cy - rr, cx + rr, cy + rr), fill=colours[i % 3] if i % 2 == 0 else pal.bg
        )
    d.ellipse((cx - r * 0.09, cy - r * 0.09, cx + r * 0.09, cy + r * 0.09), fill=pal.accent)


def motif_sun(d, box, pal, rng):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    horizon = y0 + h * rng.uniform(0.58, 0.66)
    r = min(w, h) * 0.36
    cx = x0 + w * rng.uniform(0.42, 0.58)
    d.ellipse((cx - r, horizon - r * 1.15, cx + r, horizon + r * 0.85), fill=pal.accent)
    # ground: stripes that thicken towards the bottom, hiding the lower sun
    d.rectangle((x0, horizon, x1, y1), fill=pal.alt)
    y = horizon + h * 0.025
    gap = h * 0.018
    k = 0
    while y < y1:
        thick = h * (0.008 + 0.006 * k)
        d.rectangle((x0, y, x1, min(y1, y + thick)), fill=pal.accent)
        y += thick + gap
        k += 1


def motif_stripes(d, box, pal, rng):
    x0, y0, x1, y1 = box
    h = y1 - y0
    y = y0
    colours = [pal.accent, pal.alt, pal.ink, pal.alt]
    i = rng.randrange(4)
    while y < y1:
        t = h * rng.choice([0.04, 0.06, 0.09, 0.13])
        d.rectangle((x0, y, x1, min(y1, y + t)), fill=colours[i % 4])
        y += t + h * rng.choice([0.02, 0.035, 0.05])
        i += 1


def motif_diagonal(d, box, pal, rng, layer_size):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    r = min(w, h) * 0.44
    cx, cy = x0 + w * rng.uniform(0.4, 0.6), y0 + h / 2
    stripes = Image.new("RGB", layer_size, rgb(pal.alt))
    sd = ImageDraw.Draw(stripes)
    step = r * 0.16
    for k in range(-40, 40):
        off = k * step
        sd.polygon(
            [
                (cx - 2 * r + off, cy + 2 * r),
                (cx - 2 * r + off + step / 2, cy + 2 * r),
                (cx + 2 * r + off + step / 2, cy - 2 * r),
                (cx + 2 * r + off, cy - 2 * r),
            ],
            fill=rgb(pal.accent),
        )
    mask = Image.new("L", layer_size, 0)
    ImageDraw.Draw(mask).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    return stripes, mask


def motif_arcs(d, box, pal, rng):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cols = 3
    s = w / cols
    rows = max(1, int(h // s))
    oy = y0 + (h - rows * s) / 2
    colours = [pal.accent, pal.alt, pal.ink]
    for r_ in range(rows):
        for c in range(cols):
            tx, ty = x0 + c * s, oy + r_ * s
            if rng.random() < 0.35:
                d.rectangle((tx, ty, tx + s, ty + s), fill=pal.alt)
            corner = rng.randrange(4)
            # a quarter circle of radius s centred on one corner of the tile
            cx_, cy_, start = [
                (tx, ty, 0),
                (tx + s, ty, 90),
                (tx + s, ty + s, 180),
                (tx, ty + s, 270),
            ][corner]
            col = colours[(r_ * cols + c + corner) % 3]
            d.pieslice((cx_ - s, cy_ - s, cx_ + s, cy_ + s), start, start + 90, fill=col)


def motif_rainbow(d, box, pal, rng):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    base = y1 - h * 0.02
    cx = x0 + w / 2
    r = min(w * 0.5, h * 0.95)
    colours = [pal.accent, pal.ink, pal.alt, pal.accent, pal.bg]
    n = 5
    for i in range(n):
        rr = r * (1 - i / (n + 0.6))
        d.pieslice(
            (cx - rr, base - rr, cx + rr, base + rr), 180, 360, fill=colours[i % len(colours)]
        )
    rr = r * (1 - n / (n + 0.6))
    d.pieslice((cx - rr, base - rr, cx + rr, base + rr), 180, 360, fill=pal.bg)


def motif_waves(d, box, pal, rng):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    n = 7
    amp = h * 0.035
    period = w * rng.uniform(0.45, 0.6)
    phase = rng.uniform(0, math.tau)
    width = max(2, int(h * 0.022))
    for i in range(n):
        y = y0 + h * (i + 0.5) / n
        pts = []
        steps = 120
        for k in range(steps + 1):
            x = x0 - w * 0.05 + (w * 1.1) * k / steps
            pts.append((x, y + amp * math.sin(math.tau * (x - x0) / period + phase + i * 0.6)))
        d.line(pts, fill=pal.accent if i % 2 == 0 else pal.ink, width=width, joint="curve")


def motif_dots(d, box, pal, rng):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cols = 9
    s = w / cols
    rows = int(h // s)
    oy = y0 + (h - rows * s) / 2
    for r_ in range(rows):
        for c in range(cols):
            t = (c + (rows - r_)) / (cols + rows)  # grows towards the top right
            rad = s * 0.5 * (0.15 + 0.8 * t)
            cx, cy = x0 + (c + 0.5) * s, oy + (r_ + 0.5) * s
            d.ellipse(
                (cx - rad, cy - rad, cx + rad, cy + rad),
                fill=pal.accent if (r_ + c) % 5 else pal.ink,
            )


def motif_triangles(d, box, pal, rng):
    """Three overlapping peaks standing on the bottom edge of the box."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    colours = [pal.alt, pal.accent, pal.ink]
    for i in range(3):
        peak = x0 + w * rng.uniform(0.3, 0.7)
        half = min(peak - x0, x1 - peak) * rng.uniform(0.75, 1.0)
        top = y0 + h * (0.08 + 0.2 * i)
        d.polygon([(peak - half, y1), (peak, top), (peak + half, y1)], fill=colours[i])


def motif_towers(d, box, pal, rng):
    """Five slender towers with domed tops (Negeri 5 Menara)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    n = 5
    gap = w * 0.05
    bw = (w - gap * (n + 1)) / n
    heights = [0.62, 0.85, 1.0, 0.78, 0.55]
    for i in range(n):
        bx = x0 + gap + i * (bw + gap)
        top = y1 - h * heights[i] * 0.92
        d.rectangle((bx, top + bw / 2, bx + bw, y1), fill=pal.accent if i % 2 == 0 else pal.ink)
        d.pieslice(
            (bx, top, bx + bw, top + bw), 180, 360, fill=pal.accent if i % 2 == 0 else pal.ink
        )
        d.rectangle((bx + bw * 0.3, top + bw * 1.1, bx + bw * 0.7, top + bw * 1.6), fill=pal.bg)


def leaf(cx: float, cy: float, length: float, width: float, angle: float, n: int = 48):
    """Points of a pointed lens ("leaf") centred on (cx, cy), rotated by angle."""
    pts = []
    ca, sa = math.cos(angle), math.sin(angle)
    for k in range(n):
        t = math.tau * k / n
        x = length / 2 * math.cos(t)
        y = width / 2 * math.sin(t) * abs(math.sin(t)) ** 0.35  # pointed ends
        pts.append((cx + x * ca - y * sa, cy + x * sa + y * ca))
    return pts


def motif_braid(d, box, pal, rng):
    """A plait of leaves: pairs leaning left and right, stacked (sweetgrass)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx = x0 + w / 2
    length = min(w * 0.5, h * 0.36)
    width = length * 0.42
    step = length * 0.42
    n = int((h - length * 0.5) // step)
    top = y0 + (h - (n - 1) * step) / 2
    colours = [pal.accent, pal.ink, pal.alt]
    outline = max(2, int(width * 0.09))
    # the stem the leaves grow from, behind them
    d.line((cx, top, cx, y1), fill=pal.ink, width=outline * 2)
    for i in range(n):
        y = top + i * step
        side = -1 if i % 2 == 0 else 1
        lx = cx + side * length * 0.2
        pts = leaf(lx, y, length, width, side * -math.radians(35))
        d.polygon(pts, fill=colours[i % 3], outline=pal.bg, width=outline)


def motif_sunburst(d, box, pal, rng):
    """Rays fanning out from a half sun on the bottom edge."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx, cy = x0 + w * rng.uniform(0.4, 0.6), y1
    r = math.hypot(max(cx - x0, x1 - cx), h) * 1.05
    n = rng.choice([14, 16, 18])
    for i in range(n):
        a0 = 180 + 180 * i / n
        d.pieslice(
            (cx - r, cy - r, cx + r, cy + r),
            a0,
            a0 + 180 / n,
            fill=pal.accent if i % 2 == 0 else pal.alt,
        )
    sr = min(w, h) * 0.2
    d.pieslice((cx - sr, cy - sr, cx + sr, cy + sr), 180, 360, fill=pal.ink)


def motif_crescent(d, box, pal, rng):
    """A crescent moon and a few stars."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    r = min(w, h) * 0.36
    cx, cy = x0 + w * rng.uniform(0.4, 0.55), y0 + h * 0.52
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=pal.accent)
    ox = r * 0.45
    d.ellipse((cx - r + ox, cy - r - r * 0.15, cx + r + ox, cy + r - r * 0.15), fill=pal.bg)
    for _ in range(5):
        sx = x0 + w * rng.uniform(0.05, 0.95)
        sy = y0 + h * rng.uniform(0.05, 0.95)
        if math.hypot(sx - cx, sy - cy) < r * 1.25:
            continue
        sr = min(w, h) * rng.uniform(0.012, 0.022)
        d.ellipse((sx - sr, sy - sr, sx + sr, sy + sr), fill=pal.ink)


def motif_blocks(d, box, pal, rng):
    """Rectangles from recursive splits, with gaps: a quiet Mondrian."""
    x0, y0, x1, y1 = box
    gap = (x1 - x0) * 0.025
    colours = [pal.accent, pal.alt, pal.ink, pal.alt, pal.accent]

    def split(bx0, by0, bx1, by1, depth, k):
        bw, bh = bx1 - bx0, by1 - by0
        if depth == 0 or min(bw, bh) < (x1 - x0) * 0.22:
            d.rectangle(
                (bx0 + gap / 2, by0 + gap / 2, bx1 - gap / 2, by1 - gap / 2),
                fill=colours[k % len(colours)],
            )
            return k + 1
        t = rng.uniform(0.35, 0.65)
        if bw > bh:
            k = split(bx0, by0, bx0 + bw * t, by1, depth - 1, k)
            return split(bx0 + bw * t, by0, bx1, by1, depth - 1, k)
        k = split(bx0, by0, bx1, by0 + bh * t, depth - 1, k)
        return split(bx0, by0 + bh * t, bx1, by1, depth - 1, k)

    split(x0, y0, x1, y1, 3, rng.randrange(5))


def motif_scallops(d, box, pal, rng):
    """Rows of half circles, like roof tiles or fish scales."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cols = 5
    r = w / cols / 2
    rows = int(h // r) - 1
    colours = [pal.accent, pal.alt, pal.ink]
    for row in range(rows):
        y = y0 + r * (row + 1)
        shift = r if row % 2 else 0
        for c in range(-1, cols + 1):
            cx = x0 + r + c * 2 * r + shift
            d.pieslice((cx - r, y - r, cx + r, y + r), 0, 180, fill=colours[row % 3])


def motif_orbit(d, box, pal, rng):
    """A planet and its ring, the ring passing behind and then in front."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    r = min(w, h) * 0.27
    cx, cy = x0 + w / 2, y0 + h / 2
    rw, rh = min(w * 0.49, r * 1.9), r * 0.55
    width = max(2, int(r * 0.09))
    ring = (cx - rw, cy - rh, cx + rw, cy + rh)
    d.arc(ring, 180, 360, fill=pal.accent, width=width)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=pal.alt)
    d.chord((cx - r, cy - r, cx + r, cy + r), 200, 340, fill=pal.ink)
    d.arc(ring, 0, 180, fill=pal.accent, width=width)
    mr = r * 0.14
    mx, my = cx + rw * 0.8, cy - r * 1.1
    d.ellipse((mx - mr, my - mr, mx + mr, my + mr), fill=pal.ink)


def motif_steps(d, box, pal, rng):
    """Bars rising from left to right, like a staircase or a growing chart."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    n = rng.choice([5, 6, 7])
    gap = w * 0.03
    bw = (w - gap * (n - 1)) / n
    for i in range(n):
        bh = h * (0.25 + 0.75 * (i + 1) / n)
        bx = x0 + i * (bw + gap)
        d.rectangle(
            (bx, y1 - bh, bx + bw, y1),
            fill=pal.ink if i == n - 1 else (pal.accent if i % 2 == 0 else pal.alt),
        )


def motif_petals(d, box, pal, rng):
    """A flower of pointed petals around a round heart."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx, cy = x0 + w / 2, y0 + h / 2
    R = min(w, h) * 0.46
    n = rng.choice([6, 8])
    outline = max(2, int(R * 0.03))
    for i in range(n):
        a = math.tau * i / n + math.pi / n
        px, py = cx + math.cos(a) * R * 0.5, cy + math.sin(a) * R * 0.5
        d.polygon(
            leaf(px, py, R, R * 0.42, a),
            fill=pal.accent if i % 2 == 0 else pal.alt,
            outline=pal.bg,
            width=outline,
        )
    hr = R * 0.2
    d.ellipse((cx - hr, cy - hr, cx + hr, cy + hr), fill=pal.ink, outline=pal.bg, width=outline)


def motif_checker(d, box, pal, rng):
    """A grid of tiles: squares, and discs set into some of them."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cols = 4
    s = w / cols
    rows = max(1, int(h // s))
    oy = y0 + (h - rows * s) / 2
    for r_ in range(rows):
        for c in range(cols):
            tx, ty = x0 + c * s, oy + r_ * s
            if (r_ + c) % 2 == 0:
                d.rectangle((tx, ty, tx + s, ty + s), fill=pal.alt)
                if rng.random() < 0.5:
                    p = s * 0.18
                    d.ellipse((tx + p, ty + p, tx + s - p, ty + s - p), fill=pal.accent)
            elif rng.random() < 0.3:
                p = s * 0.32
                d.ellipse((tx + p, ty + p, tx + s - p, ty + s - p), fill=pal.ink)


def motif_plaid(d, box, pal, rng):
    """Woven bands: vertical and horizontal stripes, darker where they cross."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    vs, hs = [], []
    x = x0 + w * 0.06
    while x < x1:
        t = w * rng.choice([0.05, 0.08, 0.12])
        vs.append((x, min(x1, x + t)))
        x += t + w * rng.choice([0.06, 0.1, 0.14])
    y = y0 + h * 0.06
    while y < y1:
        t = h * rng.choice([0.04, 0.07, 0.1])
        hs.append((y, min(y1, y + t)))
        y += t + h * rng.choice([0.05, 0.08, 0.12])
    for a, b in vs:
        d.rectangle((a, y0, b, y1), fill=pal.alt)
    for a, b in hs:
        d.rectangle((x0, a, x1, b), fill=pal.accent)
    for a, b in vs:
        for c, e in hs:
            d.rectangle((a, c, b, e), fill=pal.ink)


MOTIF_FUNCS = {
    "rings": motif_rings,
    "sun": motif_sun,
    "stripes": motif_stripes,
    "arcs": motif_arcs,
    "rainbow": motif_rainbow,
    "waves": motif_waves,
    "dots": motif_dots,
    "triangles": motif_triangles,
    "towers": motif_towers,
    "braid": motif_braid,
    "sunburst": motif_sunburst,
    "crescent": motif_crescent,
    "blocks": motif_blocks,
    "scallops": motif_scallops,
    "orbit": motif_orbit,
    "steps": motif_steps,
    "petals": motif_petals,
    "checker": motif_checker,
    "plaid": motif_plaid,
}


# -------------------------------------------------------------------------- cover


@dataclass
class Palette:
    name: str
    bg: str
    alt: str
    accent: str
    ink: str


def seed_of(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def typographic(text: str) -> str:
    """Straight quotes to typographic ones, as a designer would set them."""
    out, open_dq = [], True
    for i, ch in enumerate(text):
        if ch == '"':
            out.append("\u201c" if open_dq else "\u201d")
            open_dq = not open_dq
        elif ch == "'":
            prev = text[i - 1] if i else " "
            out.append("\u2019" if prev.isalnum() else "\u2018")
        else:
            out.append(ch)
    text = "".join(out)
    for abbr in ("Mr. ", "Mrs. ", "Dr. ", "St. "):  # keep "Mr. Feynman" on one line
        text = text.replace(abbr, abbr[:-1] + "\u00a0")
    return text


def split_title(title: str) -> tuple[str, str]:
    if ": " in title:
        main, sub = title.split(": ", 1)
        return main.strip(), sub.strip()
    return title.strip(), ""


def author_line(authors: str) -> str:
    names = [a.strip() for a in authors.split(";") if a.strip()]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " & " + names[-1]


def choose_designs(records: list[dict]) -> list[tuple[Palette, str, str, str] | None]:
    """(palette, layout, motif, type family) per record.

    Each title's hash orders the options; of those, the least used so far is
    taken, so the series stays varied (a palette used twice never comes with
    the same motif or layout again).  Deterministic for a given CSV."""
    used_motif: dict[str, int] = {}
    for rec in records:  # motifs chosen for the book count first
        m = MOTIF_OVERRIDES.get(rec["Sampul"])
        if m:
            used_motif[m] = used_motif.get(m, 0) + 1
    used_pal: dict[str, list[tuple[str, str]]] = {}
    for rec in records:  # as do palettes chosen for the book
        name = PALETTE_OVERRIDES.get(rec["Sampul"])
        if name:
            used_pal.setdefault(name, []).append(("", ""))
    used_layout: dict[str, int] = {}
    used_pairs: set[tuple[str, str]] = set()
    themed = set(MOTIF_OVERRIDES.values())
    out = []
    for rec in records:
        if not rec["Sampul"].strip():  # no cover drawn: takes nothing from the others
            out.append(None)
            continue
        rng = random.Random(seed_of(rec["Judul"]))
        motif = MOTIF_OVERRIDES.get(rec["Sampul"])
        if motif is None:
            motifs = MOTIFS[:]
            rng.shuffle(motifs)
            # least used first; a motif chosen for another book's theme last
            motif = min(motifs, key=lambda m: (used_motif.get(m, 0), m in themed))
            used_motif[motif] = used_motif.get(motif, 0) + 1
        layouts = LAYOUTS[:]
        rng.shuffle(layouts)
        layout = min(layouts, key=lambda lo: (used_layout.get(lo, 0), (motif, lo) in used_pairs))
        if (motif, layout) in used_pairs:  # same motif, same layout: take another layout
            layout = next((lo for lo in layouts if (motif, lo) not in used_pairs), layout)
        used_layout[layout] = used_layout.get(layout, 0) + 1
        used_pairs.add((motif, layout))
        pals = PALETTES[:]
        rng.shuffle(pals)

        def cost(p, motif=motif, layout=layout):
            uses = used_pal.get(p[0], [])
            clash = sum(1 for (mo, lo) in uses if mo == motif or lo == layout)
            return (len(uses), clash)

        forced = PALETTE_OVERRIDES.get(rec["Sampul"])
        pal = next(p for p in PALETTES if p[0] == forced) if forced else min(pals, key=cost)
        used_pal.setdefault(pal[0], []).append((motif, layout))
        family = rng.choice(["serif", "serif", "sans"])
        out.append((Palette(*pal), layout, motif, family))
    return out


def draw_cover(
    rec: dict, pal: Palette, layout: str, motif: str, family: str, size: tuple[int, int]
) -> Image.Image:
    W, H = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    u = W / 600  # one "base pixel"
    rng = random.Random(seed_of(rec["Judul"]) ^ 0x5EED)
    img = Image.new("RGB", (W, H), rgb(pal.bg))
    d = ImageDraw.Draw(img)

    m = 48 * u  # margin
    rtl = is_rtl(rec["Judul"])
    align = "right" if rtl else "left"
    main, sub = split_title(typographic(rec["Judul"]))
    author = author_line(rec["Pengarang"])

    text_on_bg = pal.ink
    # the author line is set in the accent colour where that stays legible
    accent_text = pal.accent if contrast(pal.accent, pal.bg) >= 3.0 else pal.ink
    # regions: text box and motif box, per layout
    if layout == "panel":
        panel_h = 0.42 * H
        d.rectangle((0, 0, W, panel_h), fill=rgb(PAPER))
        dark_bg = sum(rgb(pal.bg)) < 3 * 128
        title_col = pal.bg if dark_bg else "#1E1C1A"
        sub_col = pal.alt if dark_bg else "#3A3631"
        author_col = pal.alt if dark_bg else "#3A3631"
        text_box = (m, m * 1.05, W - m, panel_h - m * 0.8)
        motif_box = (m, panel_h + m, W - m, H - 2.0 * m)
        author_at = "text"
    elif layout == "field":
        title_col, sub_col, author_col = text_on_bg, text_on_bg, accent_text
        text_box = (m, m * 1.1, W - m, 0.44 * H)
        motif_box = (m, 0.48 * H, W - m, H - 2.0 * m)
        author_at = "text"
    elif layout == "bottom":
        title_col, sub_col, author_col = text_on_bg, text_on_bg, accent_text
        motif_box = (m, m, W - m, 0.52 * H)
        text_box = (m, 0.57 * H, W - m, H - 2.0 * m)
        author_at = "text"
    else:  # split: two-tone, motif on the seam, title above, author below
        seam = 0.56 * H
        d.rectangle((0, seam, W, H), fill=rgb(pal.alt))
        title_col, sub_col, author_col = text_on_bg, text_on_bg, text_on_bg
        text_box = (m, m * 1.1, W - m, 0.36 * H)
        motif_box = (m * 1.6, 0.38 * H, W - m * 1.6, 0.74 * H)
        author_at = "bottom"

    # ---- motif, on its own layer, clipped to its box.  On the two-tone
    # layout the second field colour would vanish into the lower field, so the
    # motif gets a shade of its own instead.
    field_alt = pal.alt
    if layout == "split":
        r, g, b = mix(pal.alt, pal.ink, 0.38)
        shade = f"#{r:02X}{g:02X}{b:02X}"
        pal = Palette(pal.name, pal.bg, shade, pal.accent, pal.ink)
    layer = Image.new("RGB", (W, H), rgb(pal.bg))
    ld = ImageDraw.Draw(layer)
    if layout == "split":
        ld.rectangle((0, 0.56 * H, W, H), fill=rgb(field_alt))
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).rectangle(motif_box, fill=255)
    if motif == "diagonal":
        stripes, circle = motif_diagonal(ld, motif_box, pal, rng, (W, H))
        img.paste(stripes, (0, 0), circle)
    else:
        MOTIF_FUNCS[motif](ld, motif_box, pal, rng)
        img.paste(layer, (0, 0), mask)

    # ---- type
    tx0, ty0, tx1, ty1 = text_box
    tw = tx1 - tx0
    th = ty1 - ty0
    title_family = "arabic" if rtl else family
    title_weight = 700 if title_family != "serif" else 600
    author_block = None
    if author:
        if is_rtl(author):
            author_block = fit(author, "arabic", 500, tw, 60 * u, 26 * u, 16 * u, 2, 1.3)
        else:
            author_block = fit(
                author.upper(), "sans", 600, tw, 60 * u, 17 * u, 11 * u, 3, 1.35, tracking_em=0.12
            )
    reserve = (author_block.height + 26 * u) if (author_block and author_at == "text") else 0
    sub_block = None
    if sub:
        sub_block = fit(sub, "serif", 400, tw, th * 0.45, 26 * u, 15 * u, 6, 1.28, italic=True)
    avail = th - reserve - (sub_block.height + 18 * u if sub_block else 0)
    title_block = fit(
        main, title_family, title_weight, tw, avail, 92 * u, 30 * u, 4, 1.25 if rtl else 1.06
    )

    total = title_block.height + (sub_block.height + 18 * u if sub_block else 0) + reserve
    if total > th + 1:  # never clip: a title this long needs a smaller minimum size
        raise ValueError(f"{rec['Judul']!r}: the text does not fit its box on the cover")
    y = ty0
    if layout == "bottom":  # set the block flush to the bottom of its box
        y = ty1 - total
    y = draw_block(d, title_block, tx0, y, tw, title_col, align)
    if sub_block:
        y = draw_block(d, sub_block, tx0, y + 18 * u, tw, sub_col, align)
    if author_block:
        if author_at == "text":
            # a short rule, then the author
            ry = y + 12 * u
            rx0 = tx1 - 40 * u if rtl else tx0
            d.rectangle((rx0, ry, rx0 + 40 * u, ry + 3 * u), fill=author_col)
            draw_block(d, author_block, tx0, ry + 14 * u, tw, author_col, align)
        else:
            by = H - 2.0 * m - author_block.height + 6 * u
            draw_block(d, author_block, tx0, by, tw, author_col, align)

    # ---- colophon: says plainly that this is a generated sample cover
    colo = font("sans", 10.5 * u, 600)
    colo_text = "SAMPUL CONTOH \u00b7 LIBMEDIA"
    colo_track = 10.5 * u * 0.18
    cw = text_width(colo_text, colo, colo_track)
    base_col = "#1E1C1A" if layout == "panel" and sum(rgb(pal.bg)) > 3 * 128 else None
    colo_fill = mix(pal.bg if layout != "split" else field_alt, base_col or text_on_bg, 0.62)
    cb = Block([colo_text], colo, 10.5 * u, 10.5 * u, colo_track)
    draw_block(d, cb, (W - cw) / 2, H - m * 1.05, cw, colo_fill, "left")

    return img.resize(size, Image.LANCZOS)


def main() -> int:
    if not features.check("raqm"):
        print(
            "Pillow was built without Raqm: the Arabic title would be drawn unshaped.",
            file=sys.stderr,
        )
        return 1
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh, delimiter=";"))
    designs = choose_designs(records)
    total = 0
    for rec, design in zip(records, designs, strict=True):
        rel = rec["Sampul"].strip()
        if not rel or design is None:
            print(f"  (no cover)  {rec['Judul']}")
            continue
        pal, layout, motif, family = design
        size = SIZE_OVERRIDES.get(rel, BASE_SIZE)
        out = HERE / FILE_NAME_OVERRIDES.get(rel, rel)
        out.parent.mkdir(parents=True, exist_ok=True)
        img = draw_cover(rec, pal, layout, motif, family, size)
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
        total += out.stat().st_size
        print(
            f"  {out.relative_to(HERE)}  {size[0]}x{size[1]}  {pal.name}/{layout}/{motif}/{family}"
            f"  {out.stat().st_size // 1024} KiB"
        )
    print(f"total {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
