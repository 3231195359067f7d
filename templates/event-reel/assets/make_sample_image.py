"""Draw the sample event picture of ``event-reel`` (``assets/bedah-buku.jpg``).

The sample event is a book talk; its picture is drawn here so that libmedia
may ship it: a reading-room scene made of flat shapes (a warm wall, a row of
book spines on a shelf, a lamp, an open book on a table), no photograph and
no one else's artwork.

Run from anywhere with the project's Python (Pillow)::

    python templates/event-reel/assets/make_sample_image.py

The output is deterministic: every colour and position is fixed below or
comes from a seeded generator, so running it again gives identical bytes.
The picture is 1080x1440 (3:4): the template shows it across the full
width of a 1080 px clip, cropped by ``fit="cover"``, and drifts over it
with a Ken Burns zoom of up to 1.12, so it is never drawn larger than about
1.2 times its pixel size.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
OUT = HERE / "bedah-buku.jpg"
SIZE = (1080, 1440)
SUPERSAMPLE = 2  # drawn at twice the size, then reduced: smooth edges

WALL = (236, 196, 140)
WALL_DARK = (214, 168, 112)
SHELF = (120, 72, 44)
TABLE = (92, 54, 36)
PAGE = (250, 244, 230)
SPINES = [(31, 78, 121), (224, 165, 38), (176, 64, 52), (58, 110, 90), (242, 165, 65),
          (96, 72, 128), (27, 31, 59), (200, 110, 80), (120, 150, 170)]


def draw() -> Image.Image:
    """The picture, RGB, :data:`SIZE` px."""
    k = SUPERSAMPLE
    w, h = SIZE[0] * k, SIZE[1] * k
    img = Image.new("RGB", (w, h), WALL)
    d = ImageDraw.Draw(img)
    rng = random.Random(20261212)
    # wall: a soft darker band low down
    d.rectangle([0, int(h * 0.58), w, int(h * 0.72)], fill=WALL_DARK)
    # lamp glow (blurred separately), then the lamp
    glow = Image.new("L", (w, h), 0)
    ImageDraw.Draw(glow).ellipse([int(w * 0.52), int(h * 0.02), int(w * 1.02), int(h * 0.42)], fill=120)
    glow = glow.filter(ImageFilter.GaussianBlur(60 * k))
    img.paste(Image.new("RGB", (w, h), (255, 236, 190)), (0, 0), glow)
    d = ImageDraw.Draw(img)
    d.line([(int(w * 0.77), 0), (int(w * 0.77), int(h * 0.12))], fill=(60, 40, 30), width=6 * k)
    d.polygon([(int(w * 0.68), int(h * 0.19)), (int(w * 0.86), int(h * 0.19)),
               (int(w * 0.81), int(h * 0.12)), (int(w * 0.73), int(h * 0.12))], fill=(31, 78, 121))
    # two shelves of spines
    for shelf_y in (0.36, 0.56):
        base = int(h * shelf_y)
        x = int(w * 0.06)
        while x < int(w * 0.94):
            sw = rng.randint(26, 58) * k
            sh = rng.randint(150, 220) * k
            color = SPINES[rng.randrange(len(SPINES))]
            if rng.random() < 0.12:  # a leaning book
                d.polygon([(x, base), (x + sw, base), (x + sw + sh // 4, base - sh + 8 * k),
                           (x + sh // 4, base - sh)], fill=color)
                x += sw + sh // 4 + 6 * k
                continue
            d.rectangle([x, base - sh, x + sw, base], fill=color)
            band = tuple(min(255, c + 40) for c in color)
            d.rectangle([x + 4 * k, base - sh + 20 * k, x + sw - 4 * k, base - sh + 28 * k], fill=band)
            x += sw + rng.randint(2, 6) * k
        d.rectangle([int(w * 0.03), base, int(w * 0.97), base + 18 * k], fill=SHELF)
    # table and an open book on it
    d.rectangle([0, int(h * 0.72), w, h], fill=TABLE)
    d.rectangle([0, int(h * 0.72), w, int(h * 0.735)], fill=(122, 76, 50))
    cx, cy = int(w * 0.57), int(h * 0.85)
    bw, bh = int(w * 0.3), int(h * 0.11)
    d.polygon([(cx - bw, cy - bh // 2), (cx, cy - bh // 2 + 14 * k), (cx, cy + bh // 2 + 14 * k),
               (cx - bw, cy + bh // 2)], fill=PAGE)
    d.polygon([(cx + bw, cy - bh // 2), (cx, cy - bh // 2 + 14 * k), (cx, cy + bh // 2 + 14 * k),
               (cx + bw, cy + bh // 2)], fill=(240, 232, 214))
    for i in range(6):  # lines of text on the pages
        y = cy - bh // 2 + (22 + i * 22) * k
        d.line([(cx - bw + 30 * k, y), (cx - 30 * k, y + 10 * k)], fill=(190, 180, 160), width=4 * k)
        d.line([(cx + 30 * k, y + 10 * k), (cx + bw - 30 * k, y)], fill=(190, 180, 160), width=4 * k)
    # a mug beside the book
    mx, my = int(w * 0.07), int(h * 0.79)
    d.rounded_rectangle([mx, my, mx + 90 * k, my + 110 * k], radius=12 * k, fill=(224, 165, 38))
    d.arc([mx + 70 * k, my + 20 * k, mx + 130 * k, my + 80 * k], -90, 90, fill=(224, 165, 38), width=12 * k)
    return img.resize(SIZE, Image.Resampling.LANCZOS)


def main() -> None:
    draw().save(OUT, "JPEG", quality=88, optimize=True, progressive=False)
    print(f"{OUT.name}: {SIZE[0]}x{SIZE[1]}, {OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
