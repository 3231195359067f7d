"""Layout and drawing of the markup's elements: flex rows and columns, grid,
stack, absolute positioning, percentages, backgrounds, shapes, QR codes."""

from __future__ import annotations

import pytest
from PIL import Image

from libmedia.brand import load_brand
from libmedia.draw import draw_page
from libmedia.errors import FontError
from libmedia.layout import Asset, layout_document
from libmedia.markup import parse_markup
from libmedia.style import style_document

BRAND = load_brand()


def lay(markup: str, w: int = 1000, h: int = 800, assets=None):
    doc = parse_markup(markup)
    return layout_document(style_document(doc, BRAND.types, BRAND.colors), w, h, assets=assets)


def boxes(page, tag):
    return [n.box for n in page.find(tag)]


def test_row_with_gap_padding_and_grow():
    f = lay("""<canvas padding="50">
      <row gap="20" height="100">
        <spacer width="100" grow="0"/><spacer grow="1"/><spacer grow="3"/>
      </row></canvas>""")
    a, b, c = boxes(f, "spacer")
    assert (a.x, a.w) == (50, 100)
    assert b.x == pytest.approx(50 + 100 + 20)
    assert b.w + c.w == pytest.approx(1000 - 100 - 100 - 40)
    assert c.w == pytest.approx(3 * b.w)


def test_percentages_justify_and_align():
    f = lay("""<canvas>
      <row width="100%" height="50%" justify="space-between" align="center">
        <spacer width="10%" height="20" grow="0"/><spacer width="20%" height="40" grow="0"/>
      </row></canvas>""")
    a, b = boxes(f, "spacer")
    assert a.w == pytest.approx(100) and b.w == pytest.approx(200)
    assert a.x == 0 and b.right == pytest.approx(1000)
    assert a.y == pytest.approx((400 - 20) / 2) and b.y == pytest.approx((400 - 40) / 2)


def test_grid_columns_and_placement():
    f = lay("""<canvas padding="0"><grid columns="3" gap="10" height="400">
      <spacer/><spacer/><spacer/><spacer column="1 / 3"/>
    </grid></canvas>""", w=920)
    s = boxes(f, "spacer")
    assert [round(b.w) for b in s[:3]] == [300, 300, 300]
    assert [round(b.x) for b in s[:3]] == [0, 310, 620]
    assert round(s[3].w) == 610 and s[3].y > s[0].y


def test_stack_overlays_and_absolute_positions():
    f = lay("""<canvas>
      <stack width="400" height="300" align="center">
        <shape kind="rect" fill="#ff0000" width="400" height="300"/>
        <shape kind="circle" fill="#00ff00" width="100" height="100"/>
      </stack>
      <shape kind="rect" fill="#0000ff" position="absolute" right="20" bottom="30" width="50" height="60"/>
    </canvas>""")
    rect, circle, corner = boxes(f, "shape")
    assert (rect.x, rect.y) == (0, 0)
    assert circle.x == pytest.approx(150) and circle.y == pytest.approx(100)
    assert corner.right == pytest.approx(980) and corner.bottom == pytest.approx(770)
    img = draw_page(f)
    assert img.getpixel((10, 10))[:3] == (255, 0, 0)
    assert img.getpixel((200, 150))[:3] == (0, 255, 0)
    assert img.getpixel((150 + 3, 100 + 3))[:3] == (255, 0, 0)  # outside the circle's curve
    assert img.getpixel((950, 740))[:3] == (0, 0, 255)


def test_text_height_follows_its_width():
    text = "Kisah sepuluh anak Belitung yang bersekolah di sebuah SD Muhammadiyah, " * 3
    wide = lay(f'<canvas><column width="900"><text role="body">{text}</text></column></canvas>')
    narrow = lay(f'<canvas><column width="300"><text role="body">{text}</text></column></canvas>')
    (tw,), (tn,) = wide.find("text"), narrow.find("text")
    assert len(tn.text.lines) > len(tw.text.lines)
    assert tn.box.h > tw.box.h
    assert tn.box.h == pytest.approx(tn.text.height, abs=0.5)


def test_text_in_a_fixed_box_shrinks_to_fit_its_height():
    f = lay("""<canvas><text role="title" width="500" height="200" fit="shrink" min-size="20">
      Pertanggungjawaban Sosial Perusahaan di Indonesia: Sebuah Kajian Lengkap</text></canvas>""")
    (t,) = f.find("text")
    assert t.text.height <= 200.5 and t.text.size < 76 and not t.text.truncated


def test_gradient_background_and_blurred_image():
    photo = Image.new("RGBA", (300, 200), (200, 30, 30, 255))
    photo.paste((30, 30, 200, 255), (150, 0, 300, 200))
    f = lay("""<canvas>
      <column width="100%" height="50%" background="linear-gradient(90deg, #000000, #ffffff)"/>
      <column width="100%" height="50%" background-image="x.png" background-blur="30" background-darken="0.5"/>
    </canvas>""", assets={"canvas/column[1]": Asset(photo, 1.5, "x.png", (300, 200))})
    img = draw_page(f).convert("RGB")
    left, right = img.getpixel((0, 100)), img.getpixel((999, 100))
    assert left == (0, 0, 0) and right == (255, 255, 255)
    assert img.getpixel((500, 100))[0] == pytest.approx(128, abs=3)
    dark = img.getpixel((100, 600))
    assert dark[0] < 110 and dark[0] > dark[2]  # red half, darkened by half


def test_qr_is_drawn_at_its_size():
    import segno

    f = lay('<canvas><qr data="https://opac.example/index.php?id=42" size="150" color="#000000"/></canvas>')
    (q,) = f.find("qr")
    assert (q.box.w, q.box.h) == (150, 150)
    img = draw_page(f).convert("L")
    crop = img.crop((0, 0, 150, 150))
    dark = sum(1 for p in crop.get_flattened_data() if p < 128)
    modules = segno.make("https://opac.example/index.php?id=42", error="m")
    n = modules.symbol_size(scale=1, border=2)[0]
    expected = sum(sum(row) for row in modules.matrix) * (150 / n) ** 2
    assert dark == pytest.approx(expected, rel=0.1)


def test_template_naming_an_unknown_font_fails_clearly():
    """C03: a layout asking for Arial does not silently get a default font."""
    with pytest.raises(FontError) as err:
        lay('<canvas><text family="Arial">Koleksi baru</text></canvas>')
    assert "Arial" in str(err.value) and "Plus Jakarta Sans" in str(err.value)


def test_layout_releases_its_nodes_and_the_images_they_measured():
    """stretchable keeps every node with a measure function in a module-level
    registry that nothing empties; before layout released its nodes, each
    post kept its tree and, through the measure closures, its cover image
    alive for the life of the process (issue 5: 8 MB per post)."""
    import gc
    import weakref

    from stretchable import node as stretchable_node

    registry = stretchable_node._node_refs
    before = len(registry)
    photo = Image.new("RGBA", (120, 180), (200, 30, 30, 255))
    gone = weakref.ref(photo)
    assets = {"canvas/row[0]/image[0]": Asset(photo, 120 / 180, "x.png", (120, 180))}
    page = lay("""<canvas><row align="start">
      <text role="title">Laskar Pelangi</text><image src="x.png" height="300"/>
    </row></canvas>""", assets=assets)
    (im,) = page.find("image")
    assert (round(im.box.w), round(im.box.h)) == (200, 300)  # the cover's aspect kept
    assert len(registry) == before
    del photo, assets, page, im
    gc.collect()
    assert gone() is None


def test_layout_releases_its_nodes_when_a_measure_raises():
    from stretchable import node as stretchable_node

    registry = stretchable_node._node_refs
    before = len(registry)
    with pytest.raises(FontError):
        lay('<canvas><text family="No Such Family">Koleksi baru</text></canvas>')
    assert len(registry) == before
