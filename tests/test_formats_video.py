"""Video output formats (tiktok, instagram-reel, youtube-short): their numbers,
where each comes from, the safe area helper, the ``libmedia formats`` listing,
and the ``safe-zone`` lint rule on a tiny page laid out for them."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from click.testing import CliRunner
from PIL import Image

from libmedia import lint
from libmedia.brand import load_brand
from libmedia.cli import main
from libmedia.errors import FormatError, Location
from libmedia.formats import FORMATS, Format, get_format, safe_rect
from libmedia.layout import Asset, layout_document
from libmedia.markup import parse_markup
from libmedia.style import style_document

VIDEO = ["tiktok", "instagram-reel", "youtube-short"]


@pytest.mark.parametrize("name", VIDEO)
def test_video_formats_are_vertical_hd_mp4_at_constant_30_fps(name):
    f = get_format(name)
    assert (f.kind, f.is_video, f.size, f.aspect, f.orientation) == ("video", True, (1080, 1920),
                                                                     "9:16", "portrait")
    assert (f.fps, f.file_type) == (30, "mp4")
    assert f.min_seconds == 3.0 and f.max_seconds > f.min_seconds


def test_duration_limits_are_the_published_ones():
    limits = {n: (FORMATS[n].min_seconds, FORMATS[n].max_seconds) for n in VIDEO}
    # TikTok: every creator can post 3 minutes; Meta's API: 15 minutes; Shorts: 3 minutes.
    assert limits == {"tiktok": (3.0, 180.0), "instagram-reel": (3.0, 900.0),
                      "youtube-short": (3.0, 180.0)}


def test_safe_insets_per_platform():
    assert FORMATS["tiktok"].safe == (150, 150, 440, 65)
    assert FORMATS["youtube-short"].safe == (288, 192, 672, 48)
    # Meta gives percentages: 14% top, 35% bottom, 6% sides, rounded up to px.
    reel = FORMATS["instagram-reel"]
    assert reel.safe == (math.ceil(0.14 * 1920), math.ceil(0.06 * 1080),
                         math.ceil(0.35 * 1920), math.ceil(0.06 * 1080)) == (269, 65, 672, 65)


@pytest.mark.parametrize("name", VIDEO)
def test_every_number_is_in_the_cited_source(name):
    f = get_format(name)
    for px in f.safe:
        assert f"{px} px" in f.source, (name, px)
    minutes = {180.0: "3-minute", 900.0: "15 minutes"}[f.max_seconds]
    if name == "youtube-short":
        minutes = "three minutes"
    assert minutes in f.source
    publisher = {"tiktok": "TikTok for Developers", "instagram-reel": "Meta for Developers",
                 "youtube-short": "YouTube Help"}[name]
    assert publisher in f.source
    assert any(host in f.source for host in ("tiktok.com", "facebook.com", "google.com"))


def test_safe_rect_is_left_top_right_bottom_of_the_uncovered_area():
    assert safe_rect(get_format("tiktok")) == (65, 150, 930, 1480)
    assert safe_rect(get_format("instagram-reel")) == (65, 269, 1015, 1248)
    assert safe_rect(get_format("youtube-short")) == (48, 288, 888, 1248)
    assert safe_rect(get_format("instagram-square")) == (0, 0, 1080, 1080)
    broken = replace(get_format("tiktok"), name="broken", safe=(1000, 0, 1000, 0))
    with pytest.raises(FormatError) as err:
        safe_rect(broken)
    assert "broken" in err.value.message and "(top, right, bottom, left)" in err.value.hint


def test_templates_see_fps_duration_and_safe_insets():
    ctx = get_format("youtube-short").to_context()
    assert ctx["kind"] == "video" and ctx["fps"] == 30
    assert (ctx["min_seconds"], ctx["max_seconds"]) == (3.0, 180.0)
    assert ctx["safe"] == {"top": 288, "right": 192, "bottom": 672, "left": 48}
    assert get_format("instagram-square").to_context()["fps"] == 0


def test_unknown_format_lists_the_video_ones():
    with pytest.raises(FormatError) as err:
        get_format("tik-tok")
    assert "tiktok" in err.value.hint and "youtube-short" in err.value.hint


def test_formats_command_shows_kind_fps_durations_and_sources():
    res = CliRunner().invoke(main, ["formats"], catch_exceptions=False)
    assert res.exit_code == 0
    out = res.stdout
    flat = " ".join(out.split())  # the table wraps long cells
    for text in ("tiktok", "instagram-reel", "youtube-short", "video", "image",
                 "30 fps, 3 s to 180 s", "3 s to 900 s", "TikTok for Developers",
                 "Understand three-minute YouTube Shorts", "440 px from the bottom"):
        assert text in flat, text
    # image formats get no frame rate or duration
    story = next(line for line in out.splitlines() if line.startswith("instagram-story"))
    assert "fps" not in story


# --- the safe-zone lint rule -------------------------------------------------


def lay_out(markup: str, fmt: Format, assets: dict | None = None):
    brand = load_brand()
    doc = parse_markup(markup)
    return layout_document(style_document(doc, brand.types, brand.colors), fmt.width, fmt.height,
                           assets=assets or {})


TIKTOK_PAGE = """<canvas>
<text role="title" position="absolute" left="100" top="40" width="700">Buku baru minggu ini</text>
<text role="body" position="absolute" left="100" top="800" width="700">Aman di tengah</text>
<qr data="https://perpustakaan.example/katalog/1" size="200" position="absolute" left="100" bottom="60"/>
<text role="body" position="absolute" left="960" top="900" width="100">Kanan</text>
</canvas>"""


def safe_zone_warnings(page, fmt):
    return [d for d in lint.lint_page(page, Location(file="books.csv", row=3), fmt=fmt)
            if d.code == "safe-zone"]


def test_safe_zone_warns_for_text_and_qr_in_tiktok_bands_naming_the_template_line():
    fmt = get_format("tiktok")
    found = safe_zone_warnings(lay_out(TIKTOK_PAGE, fmt), fmt)
    assert len(found) == 3
    title, qr, right = found
    assert "'Buku baru minggu ini'" in title.message and "template line 2" in title.message
    assert "top 150 px" in title.message and "TikTok" in title.message and "'tiktok'" in title.message
    assert title.hint.startswith("move it ") and "px down" in title.hint
    assert "x 65..930, y 150..1480" in title.hint
    assert title.location.row == 3 and title.location.file == "books.csv"
    assert "QR code (template line 4)" in qr.message and "bottom 440 px" in qr.message
    assert "px up" in qr.hint
    assert "'Kanan'" in right.message and "right 150 px" in right.message
    assert "to the left" in right.hint


def test_safe_zone_moves_in_the_hint_are_enough():
    fmt = get_format("tiktok")
    page = lay_out(TIKTOK_PAGE, fmt)
    (title, *_) = safe_zone_warnings(page, fmt)
    down = int(title.hint.split("move it ")[1].split(" px")[0])
    moved = TIKTOK_PAGE.replace('top="40"', f'top="{40 + down}"')
    assert not [d for d in safe_zone_warnings(lay_out(moved, fmt), fmt)
                if "Buku baru" in d.message]


def test_the_same_page_is_judged_by_each_platforms_bands():
    markup = ('<canvas><text role="body" position="absolute" left="80" top="1300" width="600">'
              'Pinjam di perpustakaan</text></canvas>')
    warned = {}
    for name in VIDEO:
        fmt = get_format(name)
        warned[name] = bool(safe_zone_warnings(lay_out(markup, fmt), fmt))
    # y 1300 is above TikTok's 440 px bottom band but inside the 672 px of Reels and Shorts
    assert warned == {"tiktok": False, "instagram-reel": True, "youtube-short": True}


def test_safe_zone_watches_the_logo_but_not_covers_and_needs_a_format():
    fmt = get_format("tiktok")
    logo = Image.new("RGBA", (400, 100), (0, 0, 0, 255))
    cover = Image.new("RGBA", (600, 900), (200, 0, 0, 255))
    markup = ('<canvas>'
              '<image src="brand:logo" position="absolute" right="20" top="20" width="200" height="50"/>'
              '<image src="cover.jpg" position="absolute" left="0" top="0" width="1080" height="1920" '
              'fit="cover"/>'
              '</canvas>')
    doc = parse_markup(markup)
    assets = {}
    for el in doc.walk():
        if el.tag == "image":
            pic = logo if el.get("src") == "brand:logo" else cover
            assets[el.path] = Asset(image=pic, aspect=pic.width / pic.height, source=el.get("src"),
                                    original_size=pic.size)
    page = lay_out(markup, fmt, assets)
    found = safe_zone_warnings(page, fmt)
    assert len(found) == 1 and found[0].message.startswith("logo (brand:logo) (template line 1)")
    assert "top 150 px and right 150 px" in found[0].message
    assert "px down" in found[0].hint and "to the left" in found[0].hint
    # without a format (or on one without insets) the rule says nothing
    assert [d for d in lint.lint_page(page, Location()) if d.code == "safe-zone"] == []
    square = get_format("instagram-square")
    assert safe_zone_warnings(lay_out(markup, square, assets), square) == []


def test_safe_zone_applies_to_image_formats_with_insets_too():
    fmt = get_format("instagram-story")
    markup = ('<canvas><text role="body" position="absolute" left="100" top="100" width="600">'
              'Acara minggu ini</text></canvas>')
    (warning,) = safe_zone_warnings(lay_out(markup, fmt), fmt)
    assert "top 250 px" in warning.message and "Instagram" in warning.message


def test_text_measured_by_its_lines_not_its_box():
    fmt = get_format("tiktok")
    # a full-width box whose short, centred line stays clear of the side bands
    markup = ('<canvas><text role="body" align="center" position="absolute" left="0" top="800" '
              'width="1080">Pendek</text></canvas>')
    page = lay_out(markup, fmt)
    (node,) = page.find("text")
    assert node.box.x == 0 and node.box.w == 1080
    assert safe_zone_warnings(page, fmt) == []
