"""Draw book-quote's sample cover, ``sample-cover.jpg``.

The real jacket of *Bumi Manusia* is copyrighted, so the sample ships its own:
a minimalist cover in the colours of the Javanese earth (a terracotta field,
an ochre sun setting behind three bands of land), the title in Literata and
the author in Inter, from the fonts libmedia bundles.  It gives the template's
cover palette a clear dominant colour (the terracotta) and a vivid accent (the
ochre).  Deterministic: no clock, no randomness; running it again gives the
same file.  Run from anywhere::

    python templates/book-quote/assets/make_sample_cover.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONTS = HERE.parents[2] / "fonts"
W, H = 600, 900
FIELD = (122, 46, 31)
SUN = (227, 163, 59)
LANDS = [(92, 33, 24), (70, 26, 21), (48, 20, 18)]
IVORY = (243, 233, 210)


def font(name: str, size: int, weight: int) -> ImageFont.FreeTypeFont:
    f = ImageFont.truetype(str(FONTS / name), size)
    f.set_variation_by_axes([weight] if "Plus" in name else [size if size < 72 else 72, weight])
    return f


def main() -> None:
    img = Image.new("RGB", (W, H), FIELD)
    d = ImageDraw.Draw(img)
    # the sun, half set behind the land
    d.ellipse((170, 420, 430, 680), fill=SUN)
    top = 560
    for n, colour in enumerate(LANDS):
        y = top + n * 70
        d.polygon([(0, y + 20), (W * 0.35, y - 10), (W * 0.7, y + 15), (W, y - 5), (W, H), (0, H)],
                  fill=colour)
    title = font("Literata[opsz,wght].ttf", 76, 600)
    author = font("Inter[opsz,wght].ttf", 28, 600)
    label = font("Inter[opsz,wght].ttf", 18, 500)
    d.text((W / 2, 150), "Bumi", font=title, fill=IVORY, anchor="ms")
    d.text((W / 2, 236), "Manusia", font=title, fill=IVORY, anchor="ms")
    d.line((W / 2 - 40, 280, W / 2 + 40, 280), fill=SUN, width=3)
    d.text((W / 2, 330), "PRAMOEDYA ANANTA TOER", font=author, fill=IVORY, anchor="ms")
    d.text((W / 2, 862), "SAMPEL  ·  LIBMEDIA", font=label, fill=(200, 170, 150), anchor="ms")
    img.save(HERE / "sample-cover.jpg", quality=88, optimize=True, progressive=False)


if __name__ == "__main__":
    main()
