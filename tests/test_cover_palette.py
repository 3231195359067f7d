"""Colours taken from a cover (libmedia.palette) and the ``cover:NAME`` colour
values of the markup, resolved by the style stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from libmedia.assets import load_image
from libmedia.cover import MIN_CONTRAST, contrast, luminance
from libmedia.errors import ProblemList
from libmedia.layout import Asset
from libmedia.markup import parse_markup
from libmedia.palette import (
    ACCENT_CONTRAST,
    MUTED_CONTRAST,
    PALETTE_NAMES,
    CoverColor,
    brand_palette,
    palette_from_image,
    palette_from_tone,
    parse_cover_color,
    readable_on,
)
from libmedia.style import Gradient, cover_element, cover_style, page_palette, style_document

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "fonts" / "Inter[opsz,wght].ttf"
KIT = {"ink": (27, 31, 59, 255), "paper": (246, 241, 231, 255), "primary": (31, 78, 121, 255),
       "on_primary": (255, 255, 255, 255), "accent": (224, 165, 38, 255), "muted": (91, 96, 120, 255)}
TYPES = {"body": {"family": "Inter", "size": 32}}


def solid(rgb, size=(200, 300), mode="RGB") -> Image.Image:
    return Image.new(mode, size, rgb)


def near(a, b, tol=3) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a[:3], b[:3], strict=True))


def check_readable(p) -> None:
    """The guarantees every palette keeps, whatever the picture."""
    assert contrast(p.on_dominant, p.dominant) >= MIN_CONTRAST
    assert contrast(p.muted_on_dominant, p.dominant) >= MIN_CONTRAST
    assert contrast(p.on_accent, p.accent) >= MIN_CONTRAST
    assert contrast(p.accent_on_dominant, p.dominant) >= 3.0
    for name in PALETTE_NAMES:
        c = p.get(name)
        assert len(c) == 4 and c[3] == 255 and all(0 <= v <= 255 for v in c)


# ---------------------------------------------------------------------------
# synthetic covers


@pytest.mark.parametrize("rgb", [(18, 69, 107), (250, 250, 250), (5, 5, 5), (119, 119, 119),
                                 (220, 40, 40), (255, 230, 0), (85, 125, 160)])
def test_solid_cover_is_its_own_dominant_with_no_accent(rgb):
    p = palette_from_image(solid(rgb), KIT)
    assert near(p.dominant, rgb, 2), p.dominant
    assert p.source == "image"
    assert not p.has_accent and p.accent == KIT["accent"]  # one colour: no accent invented
    check_readable(p)


def test_two_colour_cover_gives_field_and_accent():
    img = solid((20, 40, 90))
    ImageDraw.Draw(img).rectangle((0, 200, 199, 235), fill=(240, 120, 20))  # an orange band, 12 %
    p = palette_from_image(img, KIT)
    assert near(p.dominant, (20, 40, 90), 3)
    assert p.has_accent and near(p.accent, (240, 120, 20), 6), p.accent
    check_readable(p)
    # the orange reads on the navy as it is: not changed
    assert p.accent_on_dominant == p.accent


def test_edges_decide_the_dominant_of_a_framed_picture():
    """A cover whose plain frame holds a picture larger than the frame: the
    frame (which runs to the edges) is the cover's colour."""
    img = solid((240, 236, 226), (200, 300))
    ImageDraw.Draw(img).rectangle((20, 30, 179, 269), fill=(30, 90, 60))  # 64 % green picture
    p = palette_from_image(img, KIT)
    assert near(p.dominant, (240, 236, 226), 3)
    assert p.has_accent and near(p.accent, (30, 90, 60), 6)


def test_mostly_white_cover_gives_light_dominant_and_dark_text():
    img = solid((255, 255, 255))
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 36)
    d.text((20, 40), "POSTGRES", font=font, fill=(0, 0, 0))
    d.rectangle((0, 0, 8, 299), fill=(40, 50, 150))  # a blue spine stripe
    p = palette_from_image(img, KIT)
    assert luminance(p.dominant) > 0.85
    assert luminance(p.on_dominant) < 0.05
    assert p.on_dominant == KIT["ink"]  # the kit's own ink where it reads
    assert p.has_accent and p.accent[2] > p.accent[0]  # the blue stripe, not black text


def test_black_cover_gives_dark_dominant_and_light_text():
    img = solid((6, 6, 8))
    ImageDraw.Draw(img).rectangle((20, 200, 180, 280), fill=(253, 188, 36))
    p = palette_from_image(img, KIT)
    assert luminance(p.dominant) < 0.02
    assert luminance(p.on_dominant) > 0.8
    assert p.has_accent and near(p.accent, (253, 188, 36), 8)
    check_readable(p)


def test_grayscale_cover_gives_no_fake_accent():
    """A black-and-white cover (mode L, JPEG-compressed: its noise is not a
    colour) keeps the brand's accent."""
    import io

    img = Image.linear_gradient("L").resize((200, 300))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 199, 60), fill=0)
    d.text((20, 100), "DUMMIES", font=ImageFont.truetype(str(FONT), 40), fill=255)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=60)
    p = palette_from_image(Image.open(buf), KIT)
    assert not p.has_accent and p.accent == KIT["accent"]
    lum, chroma = luminance(p.dominant), max(p.dominant[:3]) - min(p.dominant[:3])
    assert chroma <= 4, p.dominant  # a grey, as the cover is
    assert 0 <= lum <= 1
    check_readable(p)


def test_anti_aliased_letters_are_no_accent():
    """Black letters on yellow make olive edge pixels: not the cover's colour;
    the small purple patch is."""
    img = solid((253, 240, 6), (400, 600))
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 90)
    for y in range(30, 400, 95):
        d.text((10, y), "DUMMIES", font=font, fill=(0, 0, 0))
    d.rectangle((250, 480, 380, 560), fill=(83, 62, 146))
    p = palette_from_image(img, KIT)
    assert near(p.dominant, (253, 240, 6), 4)
    assert p.has_accent and near(p.accent, (83, 62, 146), 8), p.accent


def test_transparent_pixels_are_left_out():
    img = Image.new("RGBA", (200, 300), (255, 0, 0, 0))  # transparent red
    ImageDraw.Draw(img).rectangle((50, 50, 149, 249), fill=(20, 120, 60, 255))
    p = palette_from_image(img, KIT)
    assert near(p.dominant, (20, 120, 60), 3)
    assert not p.has_accent
    empty = palette_from_image(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), KIT)
    assert empty == brand_palette(KIT)


def test_palette_is_deterministic_and_size_independent():
    img = Image.effect_noise((300, 450), 60).convert("RGB")
    ImageDraw.Draw(img).rectangle((0, 0, 299, 100), fill=(200, 30, 60))
    a, b = palette_from_image(img, KIT), palette_from_image(img.copy(), KIT)
    assert a == b
    check_readable(a)


def test_groups_that_converge_are_merged():
    import numpy as np

    from libmedia.palette import _kmeans

    rng = np.random.default_rng(1)
    lab = np.concatenate([rng.normal([0.5, 0, 0], 0.001, (500, 3)),
                          rng.normal([0.52, 0.01, 0], 0.001, (500, 3)),  # 0.022 away: the same colour
                          rng.normal([0.8, 0.1, 0.1], 0.001, (100, 3))])
    centres, labels = _kmeans(lab)
    assert len(centres) == 2 and sorted(np.bincount(labels)) == [100, 1000]
    assert np.allclose(centres[0], [0.51, 0.005, 0], atol=0.003)


def test_muted_text_is_softer_but_readable():
    p = palette_from_image(solid((250, 250, 250)), KIT)
    assert p.muted_on_dominant != p.on_dominant
    assert contrast(p.muted_on_dominant, p.dominant) >= MUTED_CONTRAST
    assert contrast(p.muted_on_dominant, p.dominant) < contrast(p.on_dominant, p.dominant)


def test_readable_on_moves_lightness_the_shorter_way():
    # yellow on a mid blue reaches 3:1 by getting lighter, not by turning brown
    c = readable_on((85, 125, 160, 255), (244, 203, 37, 255), ACCENT_CONTRAST)
    assert contrast(c, (85, 125, 160, 255)) >= ACCENT_CONTRAST
    assert luminance(c) > luminance((244, 203, 37, 255))
    # already readable: unchanged
    assert readable_on((0, 0, 0, 255), (255, 200, 0, 255), 3.0) == (255, 200, 0, 255)


def test_brand_and_stand_in_palettes():
    b = brand_palette(KIT)
    assert b.source == "brand" and b.dominant == KIT["primary"] and b.on_dominant == KIT["on_primary"]
    assert b.accent == KIT["accent"]
    check_readable(b)
    # an on_primary that does not read is replaced
    pale = brand_palette({**KIT, "primary": (240, 240, 240, 255)})
    assert contrast(pale.on_dominant, pale.dominant) >= MIN_CONTRAST
    tone = cover_style({}, KIT).palette[3]
    s = palette_from_tone(tone.base, tone.on, KIT)
    assert s.source == "stand-in" and s.dominant == tone.base and s.on_dominant == tone.on
    check_readable(s)


# ---------------------------------------------------------------------------
# real covers


def real_covers(realdata: Path) -> list[Path]:
    found = sorted((realdata / "slims" / "covers").glob("*"))
    cases = realdata / "cases"
    return found + [cases / "C15_cmyk_cover.jpg", cases / "C24_cover_grayscale_L.jpg",
                    cases / "C24_cover_UPPER.JPG", cases / "C24_cover_odd_259x325.jpg"]


def load(path: Path) -> Image.Image:
    return load_image(path.name, [path.parent], target_size=(1080, 1080)).image


def test_real_covers_give_readable_palettes(realdata):
    covers = [p for p in real_covers(realdata) if p.is_file()]
    assert len(covers) >= 10
    for path in covers:
        p = palette_from_image(load(path), KIT)
        check_readable(p)


def test_real_white_black_and_grey_covers(realdata, cases):
    covers = realdata / "slims" / "covers"
    white = palette_from_image(load(covers / "postgresql.jpg"), KIT)  # a white jacket
    assert luminance(white.dominant) > 0.85 and luminance(white.on_dominant) < 0.05
    assert white.has_accent and white.accent[2] > white.accent[0] + 60  # its blue spine
    black = palette_from_image(load(covers / "mysql_def_guide.jpg"), KIT)  # a black jacket
    assert luminance(black.dominant) < 0.02 and luminance(black.on_dominant) > 0.8
    assert black.has_accent and black.accent[0] > 200 and black.accent[2] < 80  # its yellow
    grey = palette_from_image(load(cases / "C24_cover_grayscale_L.jpg"), KIT)
    assert not grey.has_accent and grey.accent == KIT["accent"]
    assert max(grey.dominant[:3]) - min(grey.dominant[:3]) <= 4
    # the CMYK print file of the same cover as C24's: yellow, with its purple band,
    # not the olive of black letters' edges on yellow
    cmyk = palette_from_image(load(cases / "C15_cmyk_cover.jpg"), KIT)
    assert cmyk.dominant[0] > 220 and cmyk.dominant[1] > 200 and cmyk.dominant[2] < 60
    assert cmyk.has_accent and cmyk.accent[2] > cmyk.accent[1]


# ---------------------------------------------------------------------------
# cover:NAME in the markup and the style stage


def test_parse_cover_color():
    assert parse_cover_color("cover:dominant") == CoverColor("dominant")
    assert parse_cover_color(" COVER:On-Dominant/40% ") == CoverColor("on-dominant", 0.4)
    assert parse_cover_color("cover:accent/0.25") == CoverColor("accent", 0.25)
    with pytest.raises(ValueError, match="did you mean 'cover:dominant'"):
        parse_cover_color("cover:dominnt")
    with pytest.raises(ValueError, match="opacity"):
        parse_cover_color("cover:accent/150%")


def test_unknown_cover_colour_in_markup_names_the_line():
    with pytest.raises(ProblemList) as exc:
        parse_markup('<canvas>\n  <shape fill="cover:acent" width="10" height="10"/>\n</canvas>', "t.xml")
    assert "t.xml:2" in str(exc.value) and "cover:accent" in str(exc.value)


MARKUP = """<canvas background="cover:dominant">
  <image src="{src}" placeholder-title="Bumi Manusia" placeholder-author="Pramoedya"/>
  <text color="cover:on-dominant/50%">Kutipan <span color="cover:accent-on-dominant">”</span></text>
  <shape fill="linear-gradient(cover:dominant, cover:accent)" stroke="cover:on-dominant" width="10" height="10"/>
  <qr data="x" color="cover:on-dominant" background="cover:dominant"/>
</canvas>"""


def test_style_stage_resolves_cover_colours_from_the_loaded_cover():
    doc = parse_markup(MARKUP.format(src="c.jpg"))
    img = solid((120, 30, 20))
    ImageDraw.Draw(img).rectangle((0, 250, 199, 299), fill=(230, 170, 50))
    assets = {"canvas/image[0]": Asset(img.convert("RGBA"), 2 / 3, "c.jpg")}
    styled = style_document(doc, TYPES, KIT, assets=assets)
    p = styled.palette
    assert p is not None and p.source == "image" and near(p.dominant, (120, 30, 20), 3)
    root = styled.root
    assert root.get("background") == p.dominant
    base, spans = styled.text["canvas/text[0]"]
    assert base.color == (*p.on_dominant[:3], 128)
    assert spans[1].color == p.accent_on_dominant
    shape = root.children[2]
    assert isinstance(shape.get("fill"), Gradient)
    assert [c for _, c in shape.get("fill").stops] == [p.dominant, p.accent]
    assert shape.get("stroke") == p.on_dominant
    qr = root.children[3]
    assert qr.get("color") == p.on_dominant and qr.get("background") == p.dominant
    # no CoverColor is left anywhere in the styled tree
    for el in root.walk():
        assert not any(isinstance(v, CoverColor) for v in el.attrs.values())


def test_style_stage_takes_a_stand_in_s_tone_and_falls_back_to_the_brand():
    doc = parse_markup(MARKUP.format(src="missing.jpg"))
    stand_in = {"canvas/image[0]": Asset(None, 2 / 3, "missing.jpg", placeholder=True)}
    styled = style_document(doc, TYPES, KIT, assets=stand_in)
    tone = styled.cover.for_book("Bumi Manusia", "Pramoedya")
    assert styled.palette.source == "stand-in" and styled.palette.dominant == tone.base
    assert styled.root.get("background") == tone.base
    # without a cover on the page: the brand's colours
    no_cover = parse_markup('<canvas background="cover:dominant"><text color="cover:on-dominant">x</text></canvas>')
    styled = style_document(no_cover, TYPES, KIT)
    assert styled.palette == brand_palette(KIT)
    assert styled.root.get("background") == KIT["primary"]
    assert styled.text["canvas/text[0]"][0].color == KIT["on_primary"]


def test_a_page_without_cover_colours_is_left_alone():
    doc = parse_markup('<canvas background="#112233"><text>x</text></canvas>')
    styled = style_document(doc, TYPES, KIT)
    assert styled.palette is None and styled.root is doc


def test_cover_element_rule():
    doc = parse_markup("""<canvas>
      <image src="brand:logo"/><image src="assets/x.png"/>
      <image src="photo.jpg"/><image src="cover.jpg" placeholder-title="T"/>
    </canvas>""")
    assert cover_element(doc).get("src") == "cover.jpg"
    doc = parse_markup('<canvas><image src="brand:logo"/><image src="photo.jpg"/></canvas>')
    assert cover_element(doc).get("src") == "photo.jpg"
    assert cover_element(parse_markup('<canvas><image src="brand:logo"/></canvas>')) is None
    assert page_palette(parse_markup("<canvas/>"), {}, KIT, cover_style({}, KIT)) == brand_palette(KIT)
