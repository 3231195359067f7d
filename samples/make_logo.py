"""Draw the logo of the fictional library of the sample brand kit.

Perpustakaan Kota Samudra does not exist; its logo is made here, from the
fonts libmedia ships, and is dedicated to the public domain (CC0-1.0) like the
sample covers.  Run from the repository root:  python samples/make_logo.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from libmedia.typography import Span, TextStyle, draw_text_block, layout_text

HERE = Path(__file__).resolve().parent
SS = 4  # supersampling for the mark's curves


def mark(size: int, color) -> Image.Image:
    """An open book above two waves, in a ring."""
    import math

    s = size * SS
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    w = max(2, s // 16)
    d.ellipse((w // 2, w // 2, s - w // 2, s - w // 2), outline=color, width=w)
    cx = s / 2
    gap = s * 0.025
    top, sag, depth = s * 0.30, s * 0.05, s * 0.26
    for side in (-1, 1):
        pts = []
        for i in range(21):  # the page's top edge dips towards the spine
            t = i / 20
            x = cx + side * (gap + t * s * 0.25)
            y = top + sag * math.sin(math.pi * (1 - t) / 2) ** 2
            pts.append((x, y))
        outer = pts[-1]
        pts += [(outer[0], outer[1] + depth), (cx + side * gap, top + sag + depth + s * 0.03)]
        d.polygon(pts, fill=color)
    y = s * 0.72
    for row in range(2):
        yy = y + row * s * 0.075
        x0 = s * 0.24
        seg = s * 0.13
        for i in range(4):
            d.arc((x0 + i * seg, yy - seg / 2, x0 + (i + 1) * seg, yy + seg / 2), 200, 340,
                  fill=color, width=max(2, w * 2 // 3))
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    color = (255, 255, 255, 255)
    h = 160
    big = TextStyle(family="Plus Jakarta Sans", size=54, weight=800, color=color, line_height=1.0)
    small = TextStyle(family="Inter", size=27, weight=600, color=color, tracking=140,
                      transform="uppercase", line_height=1.0)
    name = layout_text([Span("Samudra", big)], None)
    kind = layout_text([Span("Perpustakaan Kota", small)], None)
    text_w = int(max(name.content_width, kind.content_width)) + 4
    img = Image.new("RGBA", (h + 28 + text_w, h), (0, 0, 0, 0))
    img.alpha_composite(mark(h, color), (0, 0))
    gap = 10
    total = kind.height + gap + name.height
    y = (h - total) / 2
    draw_text_block(img, kind, (h + 28, y))
    draw_text_block(img, name, (h + 28, y + kind.height + gap))
    img.save(HERE / "logo.png", optimize=True)


if __name__ == "__main__":
    main()
