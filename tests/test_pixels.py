"""Painters and pixel effects on tiny pages, pixel by pixel.

Each test draws a page of a few pixels through the real stages (markup ->
style -> layout -> draw) or calls one effect of :mod:`libmedia.raster`, and
checks named pixels against values worked out by hand: a rounded rectangle's
corners, a shadow's falloff, a gradient's ends, opacity compositing.  The
per-element reference images at the end are about 100 px wide and use only
the fonts bundled in ``fonts/``, so a FreeType or HarfBuzz update in a Pillow
wheel moves few of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from libmedia.brand import load_brand
from libmedia.draw import draw_page, stand_in_picture
from libmedia.layout import Asset, layout_document
from libmedia.markup import parse_markup
from libmedia.raster import apply_radius, drop_shadow, linear_gradient, rounded_mask, with_opacity
from libmedia.style import style_document
from libmedia.typography import default_library

BRAND = load_brand()
PAPER = (255, 255, 255, 255)
ELEMENTS = Path(__file__).parent / "reference" / "elements"
FAILURES = Path(__file__).parent / "_failures"


def draw(markup: str, w: int, h: int, assets=None) -> Image.Image:
    colors = {**BRAND.colors, "paper": PAPER, "ink": (0, 0, 0, 255)}
    doc = parse_markup(markup)
    page = layout_document(style_document(doc, BRAND.types, colors), w, h, assets=assets)
    return draw_page(page)


def pixel_map(img: Image.Image, threshold: int = 128) -> list[str]:
    """``#`` where the channel is at least ``threshold``, ``.`` elsewhere."""
    return ["".join("#" if img.getpixel((x, y)) >= threshold else "." for x in range(img.width))
            for y in range(img.height)]


# -- pixel effects ---------------------------------------------------------------------------


def test_rounded_mask_8x8_is_a_disc_with_soft_edges():
    m = rounded_mask((8, 8), 4)
    assert pixel_map(m) == [
        "..####..",
        ".######.",
        "########",
        "########",
        "########",
        "########",
        ".######.",
        "..####..",
    ]
    assert m.getpixel((0, 0)) == 0 and m.getpixel((3, 3)) == 255
    assert 0 < m.getpixel((1, 1)) < 255  # anti-aliased, not cut
    for t in (Image.Transpose.FLIP_LEFT_RIGHT, Image.Transpose.FLIP_TOP_BOTTOM):
        assert ImageChops.difference(m, m.transpose(t)).getbbox() is None


def test_rounded_rect_corners_on_20x12():
    img = apply_radius(Image.new("RGB", (20, 12), (200, 10, 10)), 4)
    alpha = img.getchannel("A")
    for corner in [(0, 0), (19, 0), (0, 11), (19, 11)]:
        assert alpha.getpixel(corner) == 0
    for inside in [(4, 0), (15, 0), (0, 4), (19, 7), (10, 6)]:
        assert alpha.getpixel(inside) == 255
    assert img.getpixel((10, 6)) == (200, 10, 10, 255)  # colour untouched


def test_shadow_falls_off_evenly_from_the_box():
    layer, (dx, dy) = drop_shadow((4, 4), 0, (0, 0), 4, (0, 0, 0, 200))
    assert layer.size == (16, 16) and (dx, dy) == (-6, -6)  # pad ceil(1.5 x 4) = 6
    row = [layer.getpixel((x, 8))[3] for x in range(16)]
    assert row == row[::-1]  # symmetric about the box
    left = row[:8]
    assert all(a < b for a, b in zip(left, left[1:], strict=False))  # strictly rising to the box
    assert row[0] <= 2 and 60 <= row[7] <= 200
    assert {layer.getpixel((x, y))[:3] for x in range(16) for y in range(16)} == {(0, 0, 0)}


def test_gradient_ends_are_exact_on_8_pixels():
    g = linear_gradient((8, 2), 90, [(0, (255, 0, 0)), (1, (0, 0, 255))])
    assert g.getpixel((0, 0)) == (255, 0, 0, 255) and g.getpixel((7, 1)) == (0, 0, 255, 255)
    reds = [g.getpixel((x, 0))[0] for x in range(8)]
    assert reds == sorted(reds, reverse=True) and len(set(reds)) == 8
    down = linear_gradient((2, 8), 180, [(0, (0, 0, 0)), (1, (255, 255, 255))])
    assert down.getpixel((0, 0))[:3] == (0, 0, 0) and down.getpixel((1, 7))[:3] == (255, 255, 255)


def test_opacity_scales_alpha_and_composites_by_the_book():
    half = with_opacity(Image.new("RGBA", (2, 2), (255, 0, 0, 255)), 0.5)
    assert half.getpixel((0, 0)) == (255, 0, 0, 128)
    base = Image.new("RGBA", (2, 2), (0, 0, 255, 255))
    base.alpha_composite(half)
    r, g, b, a = base.getpixel((1, 1))
    # source-over: out = src * 128/255 + dst * (1 - 128/255)
    assert (abs(r - 128) <= 1, g, abs(b - 127) <= 1, a) == (True, 0, True, 255)


# -- painters ----------------------------------------------------------------------------------


def test_shape_rect_fills_exactly_its_box():
    img = draw('<canvas><shape position="absolute" left="3" top="2" width="5" height="4" '
               'fill="#FF0000"/></canvas>', 10, 8)
    assert pixel_map(img.getchannel("G"), 128) == [
        "##########",
        "##########",
        "###.....##",
        "###.....##",
        "###.....##",
        "###.....##",
        "##########",
        "##########",
    ]
    assert img.getpixel((3, 2)) == (255, 0, 0, 255) and img.getpixel((8, 6)) == PAPER


def test_shape_rounded_keeps_paper_in_its_corners():
    img = draw('<canvas><shape kind="rounded" radius="5" width="20" height="20" '
               'fill="#00FF00"/></canvas>', 20, 20)
    for corner in [(0, 0), (19, 0), (0, 19), (19, 19)]:
        assert img.getpixel(corner) == PAPER
    assert img.getpixel((10, 10)) == (0, 255, 0, 255) and img.getpixel((10, 0)) == (0, 255, 0, 255)


def test_shape_opacity_blends_with_the_paper():
    img = draw('<canvas><shape width="4" height="4" fill="#000000" opacity="0.5"/></canvas>', 4, 4)
    r, g, b, a = img.getpixel((2, 2))
    assert r == g == b and 126 <= r <= 128 and a == 255


def test_circle_with_stroke_has_a_ring_and_a_centre():
    img = draw('<canvas><shape kind="circle" width="20" height="20" fill="#0000FF" '
               'stroke="#FF0000" stroke-width="3"/></canvas>', 20, 20)
    assert img.getpixel((10, 10)) == (0, 0, 255, 255)
    assert img.getpixel((10, 1)) == (255, 0, 0, 255) and img.getpixel((1, 10)) == (255, 0, 0, 255)
    assert img.getpixel((0, 0)) == PAPER


def test_line_takes_the_page_ink_when_it_names_no_colour():
    img = draw('<canvas><shape kind="line" width="10" height="3" stroke-width="1"/></canvas>',
               10, 3)
    assert [img.getpixel((5, y)) for y in range(3)] == [PAPER, (0, 0, 0, 255), PAPER]


def test_container_gradient_background_and_border():
    img = draw('<canvas><column width="12" height="12" border="2 #FF0000" '
               'background="linear-gradient(to right, #000000, #FFFFFF)"/></canvas>', 12, 12)
    assert img.getpixel((0, 6)) == (255, 0, 0, 255) and img.getpixel((11, 6)) == (255, 0, 0, 255)
    assert img.getpixel((6, 1)) == (255, 0, 0, 255)  # border 2 px: rows 0 and 1
    inner = [img.getpixel((x, 6))[0] for x in range(2, 10)]
    assert inner == sorted(inner) and inner[0] < 60 and inner[-1] > 195


def test_image_painter_contains_and_centres_the_picture():
    pic = Image.new("RGBA", (4, 2), (255, 0, 0, 255))
    assets = {"canvas/image[0]": Asset(pic, 2.0, "red.png", (4, 2))}
    img = draw('<canvas><image src="red.png" width="20" height="20"/></canvas>', 20, 20, assets)
    column = [img.getpixel((10, y)) == (255, 0, 0, 255) for y in range(20)]
    assert column == [False] * 5 + [True] * 10 + [False] * 5  # 20x10 centred in 20x20
    assert img.getpixel((10, 2)) == PAPER


def test_qr_quiet_zone_and_finder_pattern():
    import segno

    data = "https://opac.example/1"
    img = draw(f'<canvas><qr data="{data}" size="100" quiet-zone="2" color="#000000" '
               'background="#FFFFFF"/></canvas>', 100, 100)
    n = segno.make(data, error="m", micro=False).symbol_size(scale=1, border=2)[0]

    def module(mx: int, my: int):  # the pixel at a module's centre
        return img.getpixel((int((mx + 0.5) * 100 / n), int((my + 0.5) * 100 / n)))

    black, white = (0, 0, 0, 255), (255, 255, 255, 255)
    assert [module(m, 4) for m in range(0, 2)] == [white, white]  # quiet zone
    # the top-left finder pattern: a 7-module dark ring, a light ring, a 3x3 dark centre
    assert [module(m, 2) for m in range(2, 9)] == [black] * 7
    assert [module(m, 3) for m in range(2, 10)] == [black] + [white] * 5 + [black, white]
    assert module(5, 5) == black and module(3, 5) == white


def test_stand_in_picture_base_binding_and_rule():
    from libmedia.layout import Rect, lay_out_stand_in
    from libmedia.style import cover_style

    el = parse_markup('<canvas><image src="" placeholder-title="Judul"/></canvas>').children[0]
    style = cover_style(BRAND.types, BRAND.colors)
    s = lay_out_stand_in(el, Rect(0, 0, 200, 300), 2 / 3, style, default_library())
    pic = stand_in_picture(s, default_library())
    style = s.style  # the book's tone of the palette
    assert style.base in [t.base for t in style.palette]
    assert pic.size == (200, 300)
    assert pic.getpixel((100, 295)) == style.base  # between the edge and the binding
    inset, line = s.binding
    on, base = style.on, style.base
    expected = tuple(round((on[i] * 90 + base[i] * (255 - 90)) / 255) for i in range(3))
    got = pic.getpixel((inset, 150))[:3]
    assert all(abs(g - e) <= 1 for g, e in zip(got, expected, strict=True))  # 90/255 binding
    x0, y0, x1, y1 = s.rule
    assert pic.getpixel(((x0 + x1) // 2, (y0 + y1) // 2)) == style.rule


# -- per-element reference images (about 100 px wide, bundled fonts only) ----------------------


def compare_small(actual: Image.Image, name: str, mean_tolerance: float = 2.0) -> None:
    """Compare with ``tests/reference/elements/NAME.png`` (mean absolute
    difference under ``mean_tolerance`` levels; no pixel off by more than
    160).  ``LIBMEDIA_UPDATE_REFERENCES=1`` rewrites it."""
    path = ELEMENTS / f"{name}.png"
    actual = actual.convert("RGB")
    if os.environ.get("LIBMEDIA_UPDATE_REFERENCES") == "1":
        ELEMENTS.mkdir(parents=True, exist_ok=True)
        actual.save(path)
        return
    assert path.is_file(), f"no reference {path}; run with LIBMEDIA_UPDATE_REFERENCES=1"
    expected = Image.open(path).convert("RGB")
    assert actual.size == expected.size
    grey = ImageChops.difference(actual, expected).convert("L")
    hist = grey.histogram()
    mean = sum(i * n for i, n in enumerate(hist)) / (actual.width * actual.height)
    if mean > mean_tolerance or grey.getextrema()[1] > 160:
        FAILURES.mkdir(exist_ok=True)
        actual.save(FAILURES / f"element-{name}.actual.png")
        pytest.fail(f"{name}: mean difference {mean:.2f}, largest {grey.getextrema()[1]}")


@pytest.mark.parametrize("name,markup,size", [
    ("text-latin", '<canvas padding="6"><text role="title" size="16">Koleksi baru</text></canvas>',
     (120, 30)),
    ("text-arabic", '<canvas padding="6"><text role="body" size="13">رجال في الشمس</text></canvas>',
     (120, 36)),
    ("text-mixed-weights", '<canvas padding="6"><text role="body" size="13">Buku <b>baru</b> '
     '<i>tiba</i></text></canvas>', (120, 30)),
    ("stand-in", '<canvas><image src="" width="100" height="150" placeholder-title="Laskar Pelangi" '
     'placeholder-author="Andrea Hirata" placeholder-label="Perpustakaan"/></canvas>', (100, 150)),
])
def test_element_reference(name, markup, size):
    doc = parse_markup(markup)
    assets = {el.path: Asset(None, 2 / 3, "", placeholder=True)
              for el in doc.walk() if el.tag == "image"}
    img = draw(markup, *size, assets)
    compare_small(img, name)


def test_element_reference_detects_a_shift():
    markup = '<canvas padding="6"><text role="title" size="16">Koleksi baru</text></canvas>'
    if os.environ.get("LIBMEDIA_UPDATE_REFERENCES") == "1":
        pytest.skip("references being rewritten")
    img = draw(markup, 120, 30)
    moved = Image.new("RGBA", img.size, PAPER)
    moved.paste(img, (3, 2))
    with pytest.raises(pytest.fail.Exception):
        compare_small(moved, "text-latin")
