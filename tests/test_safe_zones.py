"""Safe zones and per-format file types (issue 8, items 3 and 6): the
``tiktok-photo`` format (1080x1920, JPEG, TikTok's bands), written ``.jpg``
by ``render`` and ``batch`` without ``--jpeg``; a template that does not
serve a format says so; the ``safe-zone`` rule watches text, QR codes and
the logo; ``render --show-safe-zones`` draws the bands on a copy marked as
not for posting."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from libmedia import lint
from libmedia.brand import load_brand
from libmedia.cli import main
from libmedia.draw import OVERLAY_RED, safe_zone_overlay
from libmedia.errors import Location, OutputError
from libmedia.formats import FORMATS, get_format, safe_rect
from libmedia.layout import layout_document
from libmedia.markup import parse_markup
from libmedia.run.names import format_ext
from libmedia.run.single import render_single
from libmedia.style import style_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
WHERE = Location(file="week.csv", row=2)


def run(*args) -> tuple[int, str]:
    res = CliRunner().invoke(main, [str(a) for a in args])
    return res.exit_code, res.output


# --- the format ---------------------------------------------------------------


def test_tiktok_photo_is_a_jpeg_image_format_with_tiktoks_bands_cited():
    f = get_format("tiktok-photo")
    assert (f.width, f.height, f.kind, f.file_type) == (1080, 1920, "image", "jpeg")
    assert f.safe == FORMATS["tiktok"].safe == (150, 150, 440, 65)
    assert "developers.tiktok.com" in f.source and "JPEG" in f.source and "PNG" in f.source
    assert "buttons" in f.bands[1]
    assert format_ext(f, "png") == "jpg" and format_ext(get_format("instagram-story"), "png") == "png"
    # every format with a safe inset cites where it comes from and names its bands
    for fmt in FORMATS.values():
        if any(fmt.safe):
            assert "Safe zone" in fmt.source
            assert all(name for name, inset in zip(fmt.bands, fmt.safe, strict=True) if inset)


def test_batch_writes_tiktok_photo_as_a_real_jpeg_and_the_story_as_png(tmp_path):
    out = tmp_path / "out"
    code, output = run("batch", "new-book", SAMPLES / "koleksi-baru.csv", "--out", out,
                       "--jobs", "1", "--format", "tiktok-photo", "--format", "instagram-story")
    assert code == 0, output
    jpgs = sorted(out.glob("*.tiktok-photo.jpg"))
    assert jpgs and not list(out.glob("*.tiktok-photo.png"))
    assert list(out.glob("*.instagram-story.png")) and not list(out.glob("*.instagram-story.jpg"))
    with Image.open(jpgs[0]) as im:
        assert (im.format, im.size, im.mode) == ("JPEG", (1080, 1920), "RGB")
        assert "exif" not in im.info  # no metadata, no timestamps
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = [f for e in manifest["records"] for f in e["artifacts"]
             if f["name"].endswith(".tiktok-photo.jpg")]
    assert files and all(f["media_type"] == "image/jpeg" for f in files)
    # the same input gives the same bytes
    again = tmp_path / "again"
    code, output = run("batch", "new-book", SAMPLES / "koleksi-baru.csv", "--out", again,
                       "--jobs", "1", "--format", "tiktok-photo")
    assert code == 0, output
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(jpgs[0]) == digest(again / jpgs[0].name)


def test_render_names_a_tiktok_photo_jpg_and_refuses_a_png(tmp_path):
    rep = render_single("new-book", format_name="tiktok-photo", out_dir=tmp_path)
    assert rep.outputs.image.suffix == ".jpg" and rep.outputs.image.name.endswith(
        ".tiktok-photo.jpg")
    with Image.open(rep.outputs.image) as im:
        assert im.format == "JPEG" and im.size == (1080, 1920)
    with pytest.raises(OutputError) as err:
        render_single("new-book", format_name="tiktok-photo", output=tmp_path / "post.png")
    assert "JPEG" in err.value.message and "post.jpg" in err.value.hint


def test_a_template_that_does_not_serve_a_format_says_so():
    code, output = run("render", "new-book", "--format", "x-post")
    assert code != 0
    assert "does not make format 'x-post'" in output and "tiktok-photo" in output


def test_new_book_in_tiktok_photo_keeps_everything_inside_the_bands(tmp_path):
    """The sample kit has a logo and a catalogue URL: logo, QR code and every
    text must stay clear of TikTok's bands."""
    rep = render_single("new-book", SAMPLES / "koleksi-baru.csv", row=2,
                        format_name="tiktok-photo", brand_path=SAMPLES / "libmedia.toml",
                        out_dir=tmp_path)
    assert rep.error is None
    assert not [w for w in rep.warnings if w.code in ("safe-zone", "low-contrast", "small-text")]
    from libmedia.jobs import open_job
    from libmedia.render import render

    job = open_job("new-book", SAMPLES / "koleksi-baru.csv", ["tiktok-photo"],
                   SAMPLES / "libmedia.toml", run_preflight=False)
    done = render(job.render_input(job.records[:1], job.formats[0]))
    tags = {n.element.tag for n in done.page.root.walk() if lint._watched(n)}
    assert {"text", "qr", "image"} <= tags  # the logo, the QR code and the texts were checked
    x0, y0, x1, y1 = safe_rect(job.formats[0])
    for node in done.page.root.walk():
        rect = lint.drawn_rect(node) if lint._watched(node) else None
        if rect is not None:
            assert x0 - 0.5 <= rect.x and rect.right <= x1 + 0.5, node.element.path
            assert y0 - 0.5 <= rect.y and rect.bottom <= y1 + 0.5, node.element.path


# --- the safe-zone rule --------------------------------------------------------


def page_of(markup: str, fmt: str = "tiktok-photo"):
    brand = load_brand()
    f = get_format(fmt)
    styled = style_document(parse_markup(markup), brand.types, brand.colors)
    return layout_document(styled, f.width, f.height), f


def test_the_safe_zone_rule_watches_the_qr_code_and_the_logo():
    page, f = page_of(
        '<canvas>'
        '<image src="brand:logo" position="absolute" right="40" top="40" width="160" height="80"/>'
        '<qr data="https://opac.example.org/1" size="160" position="absolute" left="400" '
        'bottom="120"/>'
        '<image src="cover.jpg" position="absolute" left="0" top="0" width="1080" height="300"/>'
        '</canvas>')
    found = [d for d in lint.lint_page(page, WHERE, fmt=f) if d.code == "safe-zone"]
    assert len(found) == 2  # not the cover: a picture may run under the app's interface
    logo, qr = sorted(found, key=lambda d: "QR" in d.message)
    assert "logo" in logo.message and "top 150 px" in logo.message and "right 150 px" in logo.message
    assert "QR code" in qr.message and "bottom 440 px" in qr.message
    assert "move it" in qr.hint and "y 150..1480" in qr.hint


# --- --show-safe-zones -----------------------------------------------------------


def test_show_safe_zones_draws_the_bands_only_with_the_flag(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, output = run("render", "new-book", "--format", "instagram-story", "-o", "plain.png")
    assert code == 0, output
    code, output = run("render", "new-book", "--format", "instagram-story", "--show-safe-zones")
    assert code == 0, output
    (marked,) = list((tmp_path / "out").glob("*.instagram-story.safe-zones.png"))
    assert not list((tmp_path / "out").glob("*.instagram-story.png"))
    plain = np.asarray(Image.open("plain.png").convert("RGB")).astype(int)
    over = np.asarray(Image.open(marked).convert("RGB")).astype(int)
    x0, y0, x1, y1 = safe_rect(get_format("instagram-story"))
    # inside the safe area (clear of the outline) nothing changed
    assert (plain[y0 + 8:y1 - 8, x0 + 8:x1 - 8] == over[y0 + 8:y1 - 8, x0 + 8:x1 - 8]).all()

    def redness(a):
        return (a[..., 0] - (a[..., 1] + a[..., 2]) / 2).mean()

    assert redness(over[:y0]) > redness(plain[:y0]) + 20
    assert redness(over[y1:]) > redness(plain[y1:]) + 20
    assert redness(over[y0:y1, :x0]) > redness(plain[y0:y1, :x0]) + 20
    # the outline is drawn just outside the safe area
    assert tuple(over[(y0 + y1) // 2, x0 - 1]) == OVERLAY_RED


def test_show_safe_zones_on_a_format_without_bands_says_so_and_changes_nothing(tmp_path):
    plain = render_single("new-book", format_name="instagram-portrait", out_dir=tmp_path / "a")
    shown = render_single("new-book", format_name="instagram-portrait", out_dir=tmp_path / "b",
                          show_safe_zones=True)
    assert shown.outputs.image.name.endswith(".instagram-portrait.safe-zones.png")
    assert [w.code for w in shown.warnings if w.code == "safe-zones"] == ["safe-zones"]
    assert plain.outputs.image.read_bytes() == shown.outputs.image.read_bytes()


def test_the_overlay_is_deterministic_and_leaves_its_input_alone():
    img = Image.new("RGBA", (1080, 1920), (240, 240, 240, 255))
    before = img.tobytes()
    one = safe_zone_overlay(img, get_format("tiktok-photo"))
    two = safe_zone_overlay(img, get_format("tiktok-photo"))
    assert img.tobytes() == before and one.tobytes() == two.tobytes() and one.size == img.size
    # TikTok's button column on the right is tinted, the middle is not
    assert one.getpixel((1060, 960)) != (240, 240, 240, 255)
    assert one.getpixel((540, 960)) == (240, 240, 240, 255)


def test_show_safe_zones_is_for_images(tmp_path):
    with pytest.raises(OutputError) as err:
        render_single("new-books-reel", format_name="tiktok", out_dir=tmp_path,
                      show_safe_zones=True)
    assert "video" in err.value.message
    code, output = run("batch", "--help")
    assert code == 0 and "--show-safe-zones" not in output


def test_show_safe_zones_never_writes_under_the_name_asked_for_a_post(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, output = run("render", "new-book", "--format", "tiktok-photo", "--show-safe-zones",
                       "-o", "check/pg.jpg")
    assert code == 0, output
    assert not (tmp_path / "check" / "pg.jpg").exists()
    assert (tmp_path / "check" / "pg.safe-zones.jpg").is_file()
    code, output = run("render", "new-book", "--format", "tiktok-photo", "--show-safe-zones",
                       "-o", "check/again.safe-zones.jpg")
    assert code == 0 and (tmp_path / "check" / "again.safe-zones.jpg").is_file()
    assert not list((tmp_path / "check").glob("*.safe-zones.safe-zones.*"))


def test_content_pushed_past_the_canvas_is_flagged():
    """A notice whose hours table pushed its footer 9 px past the bottom of
    the portrait post was posted without its last line: ``off-canvas``."""
    tall = "".join(f'<text size="60" max-lines="1">Baris {i}</text>' for i in range(1, 25))
    page, f = page_of(f'<canvas><column padding="40">{tall}</column></canvas>',
                      "instagram-portrait")
    found = [d for d in lint.lint_page(page, WHERE, fmt=f) if d.code == "off-canvas"]
    assert found and all("bottom edge" in d.message for d in found)
    assert "'Baris 24'" in found[-1].message and "'Baris 1'" not in found[0].message
    page, f = page_of('<canvas><column padding="40"><text size="60">Baris 1</text></column>'
                      '</canvas>', "instagram-portrait")
    assert not [d for d in lint.lint_page(page, WHERE, fmt=f) if d.code == "off-canvas"]
