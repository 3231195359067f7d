"""Draw the sample event picture of ``event`` (``assets/story-time.jpg``).

The sample event is a children's story hour; its picture is drawn here so
that libmedia may ship it: a children's corner made of flat shapes (bunting
across a warm wall, a low bookcase of coloured spines, a round rug with
cushions and an open picture book), no photograph and no one else's artwork.

Run from anywhere with the project's Python (Pillow)::

    python templates/event/assets/make_sample_image.py

The output is deterministic: every colour and position is fixed below or
comes from a seeded generator, so running it again gives identical bytes.
The picture is 1200x900 (4:3): the poster crops it with ``fit="cover"`` to a
wide band (portrait, story) or a tall panel (square, landscape formats).
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
OUT = HERE / "story-time.jpg"
SIZE = (1200, 900)
SUPERSAMPLE = 2  # drawn at twice the size, then reduced: smooth edges

WALL = (244, 214, 170)
FLOOR = (196, 142, 96)
RUG = (58, 110, 90)
RUG_RING = (242, 165, 65)
SHELF = (120, 72, 44)
PAGE = (250, 244, 230)
COLOURS = [(31, 78, 121), (224, 165, 38), (176, 64, 52), (58, 110, 90), (242, 165, 65),
           (96, 72, 128), (27, 31, 59), (200, 110, 80), (120, 150, 170)]


def draw() -> Image.Image:
    """The picture, RGB, :data:`SIZE` px."""
    k = SUPERSAMPLE
    w, h = SIZE[0] * k, SIZE[1] * k
    img = Image.new("RGB", (w, h), WALL)
    d = ImageDraw.Draw(img)
    rng = random.Random(20260815)
    # floor
    d.rectangle([0, int(h * 0.66), w, h], fill=FLOOR)
    # bunting: two swags of triangles
    for sag, y0 in ((0.10, 0.06), (0.08, 0.16)):
        n = 11
        for i in range(n):
            x = w * (i + 0.5) / n
            t = (i + 0.5) / n
            y = h * (y0 + sag * 4 * t * (1 - t))
            s = w / n * 0.36
            d.polygon([(x - s, y), (x + s, y), (x, y + s * 1.5)], fill=COLOURS[(i * 3 + int(y0 * 10)) % 9])
        d.line([(w * (j / 40), h * (y0 + sag * 4 * (j / 40) * (1 - j / 40))) for j in range(41)],
               fill=(90, 60, 40), width=3 * k)
    # low bookcase on the left and the right
    for x0, x1 in ((0.04, 0.34), (0.66, 0.96)):
        top = int(h * 0.40)
        d.rectangle([int(w * x0), top, int(w * x1), int(h * 0.70)], fill=SHELF)
        for row in range(2):
            y_top = top + int(h * 0.03) + row * int(h * 0.14)
            y_bot = y_top + int(h * 0.11)
            x = int(w * x0) + 14 * k
            while x < int(w * x1) - 40 * k:
                sw = rng.randint(16, 30) * k
                sh = rng.randint(int((y_bot - y_top) * 0.7), y_bot - y_top)
                d.rectangle([x, y_bot - sh, x + sw, y_bot], fill=rng.choice(COLOURS))
                x += sw + 3 * k
    # round rug with a ring
    cx, cy, rx, ry = w * 0.5, h * 0.84, w * 0.36, h * 0.12
    d.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=RUG_RING)
    d.ellipse([cx - rx * 0.9, cy - ry * 0.86, cx + rx * 0.9, cy + ry * 0.86], fill=RUG)
    # cushions around it
    for i, x in enumerate((0.22, 0.36, 0.64, 0.78)):
        px, py = w * x, h * (0.80 + (0.04 if i in (1, 2) else 0))
        d.rounded_rectangle([px - 60 * k, py - 30 * k, px + 60 * k, py + 30 * k], radius=24 * k,
                            fill=COLOURS[(i * 2 + 1) % 9])
    # an open picture book on the rug
    bx, by = w * 0.5, h * 0.83
    d.polygon([(bx - 150 * k, by - 40 * k), (bx, by - 20 * k), (bx, by + 60 * k), (bx - 150 * k, by + 40 * k)],
              fill=PAGE)
    d.polygon([(bx + 150 * k, by - 40 * k), (bx, by - 20 * k), (bx, by + 60 * k), (bx + 150 * k, by + 40 * k)],
              fill=(236, 228, 210))
    d.ellipse([bx - 110 * k, by - 20 * k, bx - 50 * k, by + 30 * k], fill=(224, 165, 38))
    d.polygon([(bx + 40 * k, by + 30 * k), (bx + 80 * k, by - 20 * k), (bx + 120 * k, by + 30 * k)],
              fill=(58, 110, 90))
    # a big round window with a sun
    d.ellipse([w * 0.40, h * 0.26, w * 0.60, h * 0.26 + w * 0.20], fill=(170, 210, 230))
    d.ellipse([w * 0.47, h * 0.32, w * 0.53, h * 0.32 + w * 0.06], fill=(255, 236, 190))
    return img.resize(SIZE, Image.Resampling.LANCZOS)


def main() -> None:
    """Write :data:`OUT` (JPEG, quality 88)."""
    draw().save(OUT, "JPEG", quality=88, optimize=True)


if __name__ == "__main__":
    main()
