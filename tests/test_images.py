"""Tests for libmedia.assets (loading: C15, C16, C17, C18, C24) and
libmedia.raster (pixel effects), and the upscale lint rule on real covers.

Real files come from ``../shared/realdata/cases`` through the ``cases``
fixture (skipped where absent); everything else is made in ``tmp_path``.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFile, ImageStat

from libmedia.assets import LoadedImage, load_image, resolve_image_path
from libmedia.errors import ImageError, Location
from libmedia.layout import Asset, Fragment, Page, Rect
from libmedia.lint import LintContext, upscaled
from libmedia.markup import Element
from libmedia.raster import (
    apply_radius,
    blurred_background,
    border,
    drop_shadow,
    fit_image,
    flatten,
    linear_gradient,
    rounded_mask,
    scaled_size,
    with_opacity,
)

# --- helpers -------------------------------------------------------------------


def mean(im: Image.Image, box: tuple[int, int, int, int]) -> tuple[float, ...]:
    return tuple(ImageStat.Stat(im.convert("RGB").crop(box)).mean)


def close(a, b, tol: float) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _icc(cls: bytes, space: bytes, pcs: bytes, tags: dict[bytes, bytes]) -> bytes:
    """A minimal ICC v2 profile (header, tag table, tags), enough for LittleCMS."""
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags.items():
        body += b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (
        struct.pack(">I", offset + len(data))
        + b"\0" * 4
        + bytes([2, 0x10, 0, 0])
        + cls
        + space
        + pcs
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + data


def _desc(text: str) -> bytes:
    a = text.encode() + b"\0"
    return b"desc" + b"\0" * 4 + struct.pack(">I", len(a)) + a + b"\0" * 81


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + b"\0" * 4 + _s15(x) + _s15(y) + _s15(z)


def _curv(gamma: float) -> bytes:
    return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256))


D50 = (0.9642, 1.0, 0.8249)
SRGB_RED, SRGB_GREEN, SRGB_BLUE = (
    (0.4361, 0.2225, 0.0139),
    (0.3851, 0.7169, 0.0971),
    (0.1431, 0.0606, 0.7141),
)


def swapped_rgb_profile() -> bytes:
    """An RGB profile whose red primary is sRGB's green and vice versa."""
    return _icc(
        b"mntr",
        b"RGB ",
        b"XYZ ",
        {
            b"desc": _desc("red-green swapped (test)"),
            b"wtpt": _xyz(*D50),
            b"rXYZ": _xyz(*SRGB_GREEN),
            b"gXYZ": _xyz(*SRGB_RED),
            b"bXYZ": _xyz(*SRGB_BLUE),
            b"rTRC": _curv(2.2),
            b"gTRC": _curv(2.2),
            b"bTRC": _curv(2.2),
        },
    )


def cmyk_swapped_profile() -> bytes:
    """A CMYK profile (lut8 A2B0, 2-point grid, Lab PCS) in which cyan ink
    prints magenta and magenta prints cyan: proves the profile is used."""
    corners = []
    for c in (0, 1):  # ICC: first input channel varies slowest
        for m in (0, 1):
            for y in (0, 1):
                for k in (0, 1):
                    c2, m2 = m, c
                    corners.append(tuple(round(255 * (1 - a) * (1 - k)) for a in (c2, m2, y)))
    rgb = Image.new("RGB", (16, 1))
    for i, v in enumerate(corners):
        rgb.putpixel((i, 0), v)
    lab = ImageCms.profileToProfile(
        rgb, ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), outputMode="LAB"
    ).tobytes()
    # Pillow stores a*, b* as signed bytes; lut8 Lab encodes them + 128.
    clut = bytes(v if i % 3 == 0 else (v + 128) % 256 for i, v in enumerate(lab))
    ident = bytes(range(256))
    matrix = b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    lut = b"mft1" + b"\0" * 4 + bytes([4, 3, 2, 0]) + matrix + ident * 4 + clut + ident * 3
    return _icc(
        b"prtr",
        b"CMYK",
        b"Lab ",
        {b"desc": _desc("cmyk swapped (test)"), b"wtpt": _xyz(*D50), b"A2B0": lut},
    )


def write_png16_rgba(path: Path, rows: list[list[tuple[int, int, int, int]]]) -> None:
    """A 16-bit-per-channel RGBA PNG (Pillow cannot write one)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\0" + b"".join(struct.pack(">4H", *px) for px in row) for row in rows)
    ihdr = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 16, 6, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any image's pixels are decoded."""

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"pixels of {self.size} image were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


# --- C15: CMYK -------------------------------------------------------------------


def test_c15_cmyk_without_profile_is_plausible_rgba_and_warns(cases: Path):
    loaded = load_image("C15_cmyk_cover.jpg", [cases])
    img = loaded.image
    assert img.mode == "RGBA" and img.size == (558, 700)
    assert "icc_profile" not in img.info  # sRGB now, no stale CMYK profile
    assert img.getchannel("A").getextrema() == (255, 255)
    # No profile embedded: converted with Pillow's formula, and the user is told.
    assert [w.code for w in loaded.warnings] == ["cmyk-no-profile"]
    assert "C15_cmyk_cover.jpg" in loaded.warnings[0].message
    naive = Image.open(cases / "C15_cmyk_cover.jpg").convert("RGB")
    for box in [(20, 5, 540, 12), (20, 110, 100, 160), (380, 400, 420, 420)]:
        assert close(mean(img, box), mean(naive, box), 1)
    r, g, b = mean(img, (20, 5, 540, 12))  # top band: yellow, not inverted
    assert r > 230 and g > 220 and b < 40
    assert max(mean(img, (20, 110, 100, 160))) < 30  # black band stays dark
    r, g, b = mean(img, (380, 400, 420, 420))  # speech bubble: purple
    assert b > r > g and b > 130


def test_cmyk_with_embedded_profile_uses_the_profile(tmp_path: Path):
    path = tmp_path / "print.jpg"
    cmyk = Image.new("CMYK", (64, 32), (255, 0, 0, 0))  # cyan ink...
    cmyk.paste((0, 0, 0, 0), (32, 0, 64, 32))  # ... and paper
    cmyk.save(path, quality=95, icc_profile=cmyk_swapped_profile())
    loaded = load_image(path)
    assert loaded.warnings == []
    naive = Image.open(path).convert("RGB").getpixel((16, 16))
    assert close(naive, (0, 255, 255), 8)  # Pillow's formula: cyan
    assert close(loaded.image.getpixel((16, 16)), (255, 0, 255, 255), 8)  # the profile: magenta
    assert close(loaded.image.getpixel((48, 16)), (255, 255, 255, 255), 3)  # paper white


def test_rgb_with_non_srgb_profile_is_converted(tmp_path: Path):
    path = tmp_path / "wide.png"
    Image.new("RGB", (8, 8), (255, 0, 0)).save(path, icc_profile=swapped_rgb_profile())
    loaded = load_image(path)
    assert close(loaded.image.getpixel((4, 4)), (0, 255, 0, 255), 2)
    assert loaded.warnings == []


def test_rgb_with_srgb_profile_is_left_alone(tmp_path: Path):
    path = tmp_path / "srgb.png"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (8, 8), (200, 30, 60)).save(path, icc_profile=srgb)
    assert load_image(path).image.getpixel((4, 4)) == (200, 30, 60, 255)


def test_grey_with_profile_is_converted(tmp_path: Path):
    path = tmp_path / "linear_grey.png"
    linear = _icc(
        b"mntr",
        b"GRAY",
        b"XYZ ",
        {b"desc": _desc("linear grey"), b"wtpt": _xyz(*D50), b"kTRC": _curv(1.0)},
    )
    Image.new("L", (4, 4), 128).save(path, icc_profile=linear)
    r, g, b, a = load_image(path).image.getpixel((1, 1))
    assert r == g == b and 180 <= r <= 195 and a == 255  # 50% linear light is ~188 in sRGB


@pytest.mark.parametrize(
    ("profile", "code"),
    [(b"not a colour profile" * 8, "icc-unreadable"), (cmyk_swapped_profile(), "icc-mismatch")],
)
def test_broken_or_mismatched_profile_warns_and_keeps_the_image(tmp_path: Path, profile, code):
    path = tmp_path / "odd.png"
    Image.new("RGB", (8, 8), (255, 0, 0)).save(path, icc_profile=profile)
    loaded = load_image(path)
    assert loaded.image.getpixel((1, 1)) == (255, 0, 0, 255)
    assert [w.code for w in loaded.warnings] == [code]


# --- C16: EXIF orientation -----------------------------------------------------


def test_c16_exif_orientation_applied_before_measuring(cases: Path):
    with Image.open(cases / "C16_exif_orientation_6.jpg") as raw:
        assert raw.size == (700, 558) and raw.getexif()[0x0112] == 6
    loaded = load_image("C16_exif_orientation_6.jpg", [cases])
    assert loaded.image.size == (558, 700)  # portrait, like the printed cover
    assert loaded.original_size == (558, 700)
    r, g, b = mean(loaded.image, (20, 5, 540, 12))  # yellow band along the top
    assert r > 230 and g > 220 and b < 40
    assert max(mean(loaded.image, (20, 110, 100, 160))) < 30  # black title band below
    # the cover is upright: same as the unrotated CMYK print of the same cover
    c15 = load_image("C15_cmyk_cover.jpg", [cases]).image
    assert close(mean(loaded.image, (0, 0, 558, 700)), mean(c15, (0, 0, 558, 700)), 6)
    assert close(mean(loaded.image, (300, 380, 500, 480)), mean(c15, (300, 380, 500, 480)), 12)


def test_orientation_applied_with_draft_and_target_size(tmp_path: Path):
    path = tmp_path / "phone.jpg"
    stored = Image.new("RGB", (1600, 800), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 800, 800))  # stored left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 clockwise to display
    stored.save(path, exif=exif, quality=90)
    loaded = load_image(path, target_size=(100, 200))
    assert loaded.original_size == (800, 1600)
    assert loaded.image.size == (200, 400)  # decoded at 1/4, still >= 2x the target
    w, h = loaded.image.size
    assert close(loaded.image.getpixel((w // 2, h // 4))[:3], (255, 0, 0), 10)  # red on top
    assert close(loaded.image.getpixel((w // 2, 3 * h // 4))[:3], (0, 0, 255), 10)


# --- C17: decompression bombs ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("C17_decompression_bomb_14000x14000.png", "14000x14000"),
        ("C17_bomb_warning_10000x9500.png", "10000x9500"),
    ],
)
def test_c17_bomb_is_a_per_record_error_without_decoding(cases: Path, no_decoding, name, size):
    limit = Image.MAX_IMAGE_PIXELS
    with pytest.raises(ImageError) as info:
        load_image(name, [cases])
    err = info.value
    assert name in err.message and size in err.message
    assert err.kind == "image" and name in str(err.location)
    assert "resize" in (err.hint or "")
    assert Image.MAX_IMAGE_PIXELS == limit  # the guard was never switched off


def test_large_legal_jpeg_is_decoded_at_reduced_size(tmp_path: Path, monkeypatch):
    path = tmp_path / "big.jpg"
    Image.new("RGB", (1600, 1200), (10, 120, 200)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)  # 1.92 Mpx: over, under 2x
    loaded = load_image(path)
    assert loaded.original_size == (1600, 1200)
    assert loaded.image.size == (800, 600)
    assert close(loaded.image.getpixel((400, 300)), (10, 120, 200, 255), 3)


def test_large_png_over_the_limit_is_refused(tmp_path: Path, monkeypatch):
    path = tmp_path / "big.png"
    Image.new("RGB", (1600, 1200)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(ImageError, match="1600x1200"):
        load_image(path)


def test_jpeg_over_twice_the_limit_is_refused(tmp_path: Path, monkeypatch):
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (1600, 1200)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 900_000)
    with pytest.raises(ImageError, match="1600x1200"):
        load_image(path)


def test_target_size_reduces_big_png(tmp_path: Path):
    path = tmp_path / "poster.png"
    Image.new("RGB", (2000, 1000), (0, 128, 0)).save(path)
    loaded = load_image(path, target_size=(200, 100))
    assert loaded.original_size == (2000, 1000)
    assert loaded.image.size == (400, 200)  # integer reduce, >= 2x the target


# --- C18: transparency --------------------------------------------------------------


def test_c18_palette_logo_transparency_composites_correctly(cases: Path):
    loaded = load_image("C18_logo_palette.png", [cases])
    img = loaded.image
    assert img.mode == "RGBA" and img.size == (240, 240)
    # The file's tRNS chunk makes palette index 0 (the blue disc) transparent;
    # the corners are index 1, opaque black, in this file.
    assert img.getpixel((30, 120))[3] == 0
    assert Image.open(cases / "C18_logo_palette.png").convert("RGB").getpixel((30, 120)) == (
        0,
        102,
        204,
    )
    on_white = Image.new("RGBA", img.size, (255, 255, 255, 255))
    on_white.alpha_composite(img)
    assert on_white.getpixel((30, 120)) == (255, 255, 255, 255)
    assert on_white.getpixel((120, 100)) == (255, 255, 255, 255)  # the opaque white square
    assert close(on_white.getpixel((120, 215))[:3], (255, 200, 0), 1)  # yellow, opaque


def test_c18_rgba_logo_transparent_corner_is_not_black(cases: Path, tmp_path: Path):
    img = load_image("C18_logo_rgba.png", [cases]).image
    assert img.getpixel((0, 0))[3] == 0
    assert Image.open(cases / "C18_logo_rgba.png").convert("RGB").getpixel((0, 0)) == (0, 0, 0)
    on_white = Image.new("RGBA", img.size, (255, 255, 255, 255))
    on_white.alpha_composite(img)
    assert on_white.getpixel((0, 0)) == (255, 255, 255, 255)
    # half-transparent yellow blends with the background
    assert close(on_white.getpixel((120, 215))[:3], (255, 228, 128), 2)
    # JPEG output: flattened onto the brand background, saves, corner = background
    bg = (250, 240, 230)
    flat = flatten(img, bg)
    assert flat.mode == "RGB" and flat.getpixel((0, 0)) == bg
    out = tmp_path / "logo.jpg"
    flat.save(out, quality=92)
    assert close(Image.open(out).getpixel((2, 2)), bg, 3)
    # the palette logo flattens too
    pal = flatten(load_image("C18_logo_palette.png", [cases]).image, bg)
    pal.save(tmp_path / "pal.jpg")
    assert pal.getpixel((30, 120)) == bg


def test_scaling_transparent_logo_gives_no_dark_fringe(cases: Path):
    img = load_image("C18_logo_rgba.png", [cases]).image
    for size in [(97, 97), (500, 500)]:
        scaled = fit_image(img, size, "contain")
        flat = flatten(scaled, (255, 255, 255))
        # the corner region is transparent: white after flattening, never grey/black
        assert min(flat.getpixel((1, 1))) >= 250


# --- C24: lookup, modes, upscaling -----------------------------------------------


def test_c24_upper_case_extension_lookup(cases: Path):
    loaded = load_image("c24_cover_upper.jpg", [cases])
    assert loaded.path.name == "C24_cover_UPPER.JPG"
    assert loaded.image.mode == "RGBA" and loaded.image.size == (279, 350)


def test_c24_name_without_extension(cases: Path):
    assert resolve_image_path("C24_cover_odd_259x325", [cases]).name == "C24_cover_odd_259x325.jpg"


def test_c24_grayscale_to_rgba(cases: Path):
    img = load_image("C24_cover_grayscale_L.jpg", [cases]).image
    assert img.mode == "RGBA" and img.size == (558, 700)
    r, g, b = img.convert("RGB").split()
    assert (
        ImageChops.difference(r, g).getbbox() is None
        and ImageChops.difference(g, b).getbbox() is None
    )
    assert img.getchannel("A").getextrema() == (255, 255)


def _upscale_warnings(loaded: LoadedImage, box: tuple[int, int], fit: str = "cover") -> list:
    el = Element("image", {"src": "x", "fit": fit})
    node = Fragment(el, Rect(0, 0, *box), Rect(0, 0, *box),
                    asset=Asset(loaded.image, loaded.image.width / loaded.image.height,
                                str(loaded.path), loaded.original_size))
    ctx = LintContext(Page(box[0], box[1], node), Location(file="data.csv", row=7))
    return list(upscaled(node, ctx))


def test_c24_odd_size_upscale_warning(cases: Path):
    loaded = load_image("C24_cover_odd_259x325.jpg", [cases])
    assert loaded.original_size == (259, 325)
    drawn = scaled_size(loaded.original_size, (640, 803), "cover")
    assert drawn == (640, 803)
    [w] = _upscale_warnings(loaded, (640, 803))
    assert w.code == "upscaled" and w.location.row == 7
    assert w.message == (
        "C24_cover_odd_259x325.jpg is 259x325 px, drawn at 2.5x its size: "
        "it will look soft; use an image of at least 427x536 px"
    )
    assert _upscale_warnings(loaded, (388, 487)) == []  # 1.5x is fine
    assert _upscale_warnings(loaded, (259, 325)) == []
    # contain: the smaller factor counts (the whole cover shows, letterboxed)
    assert _upscale_warnings(loaded, (388, 2000), "contain") == []
    out = fit_image(loaded.image, (640, 803), "cover")
    assert out.size == (640, 803)


# --- modes and odd files (tmp_path, run everywhere) ------------------------------


def test_16_bit_grey_png_is_scaled_not_clipped(tmp_path: Path):
    path = tmp_path / "deep.png"
    im = Image.new("I;16", (4, 1))
    for x, v in enumerate([0, 257 * 100, 32768, 65535]):
        im.putpixel((x, 0), v)
    im.save(path)
    with Image.open(path) as raw:
        assert raw.mode == "I;16"
    img = load_image(path).image
    assert [img.getpixel((x, 0)) for x in range(4)] == [
        (0, 0, 0, 255),
        (100, 100, 100, 255),
        (128, 128, 128, 255),
        (255, 255, 255, 255),
    ]


def test_16_bit_rgba_png(tmp_path: Path):
    path = tmp_path / "deep_rgba.png"
    write_png16_rgba(path, [[(65535, 32768, 0, 65535), (0, 0, 65535, 0)]])
    img = load_image(path).image
    assert close(img.getpixel((0, 0)), (255, 128, 0, 255), 1)
    assert img.getpixel((1, 0))[3] == 0


def _mode_image(mode: str) -> Image.Image:
    if mode == "P":
        im = Image.new("P", (4, 4), 1)
        im.putpalette([0, 0, 0, 200, 10, 10])
        im.putpixel((0, 0), 0)
        im.info["transparency"] = 0
        return im
    if mode == "PA":
        im = Image.new("PA", (4, 4), (1, 255))
        im.putpalette([0, 0, 0, 200, 10, 10])
        im.putpixel((0, 0), (1, 0))
        return im
    if mode == "LA":
        im = Image.new("LA", (4, 4), (200, 255))
        im.putpixel((0, 0), (200, 0))
        return im
    if mode == "1":
        im = Image.new("1", (4, 4), 1)
        im.putpixel((0, 0), 0)
        return im
    if mode == "I":
        im = Image.new("I", (4, 4), 40000)
        im.putpixel((0, 0), 0)
        return im
    if mode == "F":
        im = Image.new("F", (4, 4), 1.0)
        im.putpixel((0, 0), 0.0)
        return im
    if mode == "RGB-trns":
        im = Image.new("RGB", (4, 4), (200, 10, 10))
        im.putpixel((0, 0), (0, 0, 0))
        im.info["transparency"] = (0, 0, 0)
        return im
    raise AssertionError(mode)


@pytest.mark.parametrize(
    ("mode", "fmt", "corner", "body"),
    [
        ("P", "PNG", (0, 0, 0, 0), (200, 10, 10, 255)),
        ("PA", None, (200, 10, 10, 0), (200, 10, 10, 255)),
        ("LA", "PNG", (200, 200, 200, 0), (200, 200, 200, 255)),
        ("1", "PNG", (0, 0, 0, 255), (255, 255, 255, 255)),
        ("I", "TIFF", (0, 0, 0, 255), (156, 156, 156, 255)),
        ("F", "TIFF", (0, 0, 0, 255), (255, 255, 255, 255)),
        ("RGB-trns", "PNG", (0, 0, 0, 0), (200, 10, 10, 255)),
    ],
)
def test_every_mode_ends_as_rgba(tmp_path: Path, monkeypatch, mode, fmt, corner, body):
    im = _mode_image(mode)
    if fmt is None:  # no file format stores PA: feed the opened image directly
        path = tmp_path / "pa.png"
        Image.new("RGB", (4, 4)).save(path)
        monkeypatch.setattr(Image, "open", lambda *a, **k: im)
    else:
        path = tmp_path / f"m.{fmt.lower()}"
        im.save(
            path,
            fmt,
            **({"transparency": im.info["transparency"]} if "transparency" in im.info else {}),
        )
    img = load_image(path).image
    assert img.mode == "RGBA"
    assert img.getpixel((0, 0))[3] == corner[3]
    if corner[3]:
        assert img.getpixel((0, 0)) == corner
    assert img.getpixel((2, 2)) == body


def test_jpg_name_with_png_content_opens_by_content(tmp_path: Path):
    path = tmp_path / "cover.jpg"
    Image.new("RGBA", (10, 10), (1, 2, 3, 128)).save(path, "PNG")
    assert load_image(path).image.getpixel((5, 5)) == (1, 2, 3, 128)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"ISBN 978-602-03-3295-6\nno picture here\n", "text file"),
        (b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "web page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"", "empty"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    ],
)
def test_not_an_image_names_what_it_is(tmp_path: Path, content: bytes, says: str):
    path = tmp_path / "cover.jpg"
    path.write_bytes(content)
    with pytest.raises(ImageError) as info:
        load_image(path)
    assert "cover.jpg" in info.value.message and says in info.value.message
    assert info.value.hint


def test_truncated_jpeg_is_an_image_error(tmp_path: Path):
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), (90, 10, 10)).save(buf, "JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(ImageError, match="damaged or incomplete"):
        load_image(path)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/cover.jpg",
        "https://covers.openlibrary.org/b/isbn/1.jpg",
        "www.x.id/c.png",
    ],
)
def test_url_is_refused_with_advice(url: str):
    with pytest.raises(ImageError) as info:
        load_image(url, [Path(".")])
    assert "does not download" in info.value.message
    assert "folder next to the data file" in (info.value.hint or "")


def test_missing_file_names_request_and_folders(tmp_path: Path):
    a, b = tmp_path / "covers", tmp_path / "more"
    a.mkdir()
    b.mkdir()
    (b / "laskar_pelangi.jpg").write_bytes(b"x")
    with pytest.raises(ImageError) as info:
        resolve_image_path("laskar_pelangl.jpg", [a, b])
    msg = info.value.message
    assert "laskar_pelangl.jpg" in msg and "covers" in msg and "more" in msg
    assert "laskar_pelangi.jpg" in (info.value.hint or "")


def test_empty_name_is_an_error():
    with pytest.raises(ImageError, match="empty"):
        resolve_image_path("  ", [])


def test_lookup_rules(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "Covers").mkdir(parents=True)
    second.mkdir()
    (first / "Covers" / "Book.JPG").write_bytes(b"1")
    (second / "cover.JPG").write_bytes(b"2")
    (first / "cover.jpg").write_bytes(b"3")
    assert resolve_image_path("cover.jpg", [second, first]) == second / "cover.JPG"  # order
    assert resolve_image_path("cover.jpg", [first, second]) == first / "cover.jpg"  # exact first
    assert resolve_image_path("covers/book.jpg", [second, first]) == first / "Covers" / "Book.JPG"
    assert resolve_image_path("covers\\book", [first]) == first / "Covers" / "Book.JPG"
    absolute = str(first / "covers" / "BOOK.jpg").replace("covers", "Covers")
    assert resolve_image_path(absolute, []) == first / "Covers" / "Book.JPG"
    assert resolve_image_path((second / "cover.JPG").as_uri(), []) == second / "cover.JPG"
    assert resolve_image_path(" cover ", [second]) == second / "cover.JPG"


# --- drawing helpers ---------------------------------------------------------------


def red_dot_image() -> Image.Image:
    im = Image.new("RGB", (400, 200), (255, 255, 255))
    ImageDraw.Draw(im).ellipse((352, 92, 368, 108), fill=(255, 0, 0))  # dot at (360, 100)
    return im


def has_red(im: Image.Image) -> bool:
    r, g, _ = im.convert("RGB").split()
    redness = ImageChops.subtract(r, g)
    return redness.getextrema()[1] > 200


def test_fit_cover_keeps_focal_point_in_frame():
    im = red_dot_image()
    centred = fit_image(im, (100, 100), "cover")
    assert centred.size == (100, 100) and not has_red(centred)
    focused = fit_image(im, (100, 100), "cover", focal=(0.9, 0.5))
    assert focused.size == (100, 100) and has_red(focused)
    # focal point at the very edge: the crop is clamped inside the image
    edge = fit_image(im, (100, 100), "cover", focal=(1.0, 0.5))
    assert edge.size == (100, 100) and has_red(edge)
    # kept: source x 200..400 at half size, so the dot (360, 100) lands at (80, 50)
    assert edge.getpixel((80, 50))[1] < 60 and edge.getpixel((99, 50)) == (255, 255, 255)
    big = fit_image(im, (300, 300), "cover", focal=(0.9, 0.5))  # enlarging
    assert big.size == (300, 300) and has_red(big)


def test_fit_modes_sizes():
    im = red_dot_image()
    assert fit_image(im, (100, 100), "contain").size == (100, 50)
    assert fit_image(im, (1000, 1000), "contain").size == (1000, 500)
    assert fit_image(im, (50, 80), "fill").size == (50, 80)
    none = fit_image(im, (100, 100), "none", focal=(0.9, 0.5))
    assert none.size == (100, 100) and has_red(none)
    assert fit_image(im, (1000, 1000), "none").size == (400, 200)
    assert scaled_size((400, 200), (100, 100), "cover") == (200, 100)
    with pytest.raises(ValueError):
        fit_image(im, (10, 10), "stretch")  # type: ignore[arg-type]


def test_fit_big_reduction_stays_high_quality():
    stripes = Image.new("L", (3000, 3000), 0)
    draw = ImageDraw.Draw(stripes)
    for x in range(0, 3000, 2):
        draw.line((x, 0, x, 3000), fill=255)
    out = fit_image(stripes, (300, 300), "cover")
    lo, hi = out.getextrema()
    assert 120 <= lo and hi <= 135  # 1-px stripes average to grey: no aliasing/moire


def test_rounded_mask():
    m = rounded_mask((100, 60), 20)
    assert m.mode == "L" and m.size == (100, 60)
    for corner in [(0, 0), (99, 0), (0, 59), (99, 59)]:
        assert m.getpixel(corner) == 0
    assert m.getpixel((50, 30)) == 255 and m.getpixel((50, 0)) == 255 and m.getpixel((0, 30)) == 255
    assert 0 < m.getpixel((6, 5)) < 255 and 0 < m.getpixel((8, 3)) < 255  # anti-aliased arc
    assert m.getpixel((20, 20)) == 255
    circle = rounded_mask((101, 101), 1000)  # clamped to a circle
    assert (
        circle.getpixel((50, 50)) == 255
        and circle.getpixel((50, 0)) > 100
        and circle.getpixel((10, 10)) == 0
    )
    for t in (
        Image.Transpose.FLIP_LEFT_RIGHT,
        Image.Transpose.FLIP_TOP_BOTTOM,
        Image.Transpose.TRANSPOSE,
    ):
        assert ImageChops.difference(circle, circle.transpose(t)).getextrema()[1] <= 1
    assert rounded_mask((10, 10), 0).getextrema() == (255, 255)


def test_apply_radius_border_opacity():
    im = Image.new("RGB", (80, 60), (20, 200, 20))
    rounded = apply_radius(im, 15)
    assert (
        rounded.mode == "RGBA"
        and rounded.getpixel((0, 0))[3] == 0
        and rounded.getpixel((40, 30))[3] == 255
    )
    framed = border(rounded, 4, (0, 0, 255), 15)
    assert framed.getpixel((40, 1)) == (0, 0, 255, 255)
    assert framed.getpixel((40, 30)) == (20, 200, 20, 255)
    assert framed.getpixel((0, 0))[3] == 0
    faded = with_opacity(rounded, 0.5)
    assert faded.getpixel((40, 30)) == (20, 200, 20, 128) and faded.getpixel((0, 0))[3] == 0
    assert with_opacity(im, 2).getpixel((1, 1)) == (20, 200, 20, 255)


def test_drop_shadow_geometry():
    layer, (dx, dy) = drop_shadow((200, 100), 12, (0, 10), 20, (0, 0, 0, 120))
    assert layer.mode == "RGBA" and layer.size == (260, 160)  # pad 30 = 1.5 x blur
    assert (dx, dy) == (-30, -20)
    assert layer.getpixel((130, 80)) == (0, 0, 0, 120)  # centre: full shadow opacity
    assert layer.getpixel((0, 0))[3] == 0 and layer.getpixel((259, 80))[3] <= 1
    sharp, off = drop_shadow((50, 50), 0, (3, 4), 0)
    assert sharp.size == (50, 50) and off == (3, 4)


def test_blurred_background():
    src = Image.new("RGB", (300, 400), (200, 100, 50))
    bg = blurred_background(src, (1080, 1920), 40, darken=0.5)
    assert bg.mode == "RGB" and bg.size == (1080, 1920)
    assert bg.getpixel((540, 960)) == (100, 50, 25)
    assert blurred_background(src, (108, 192), 10, darken=1).getextrema() == (
        (0, 0),
        (0, 0),
        (0, 0),
    )
    half = Image.new("RGB", (300, 400), (0, 0, 0))
    half.paste((255, 255, 255), (150, 0, 300, 400))
    soft = blurred_background(half, (300, 400), 20).convert("L")
    row = [soft.getpixel((x, 200)) for x in range(100, 200)]
    assert row == sorted(row) and row[0] < 40 and row[-1] > 215  # smooth, monotonic edge


def test_linear_gradient_ends_exact_and_smooth():
    g = linear_gradient((512, 4), 90, [(0, (0, 0, 0)), (1, (255, 255, 255))])
    assert g.mode == "RGBA"
    row = [g.getpixel((x, 2))[0] for x in range(512)]
    assert row[0] == 0 and row[-1] == 255
    assert all(0 <= b - a <= 1 for a, b in zip(row, row[1:], strict=False))
    assert ImageChops.difference(g.crop((0, 0, 512, 1)), g.crop((0, 3, 512, 4))).getbbox() is None


@pytest.mark.parametrize("angle", [0, 45, 135, 180, 200, 270, 333])
def test_linear_gradient_css_directions(angle: float):
    start, end = (255, 0, 0, 255), (0, 0, 255, 255)
    g = linear_gradient((300, 200), angle, [(0, start), (1, end)])
    corners = {(0, 0): "tl", (299, 0): "tr", (0, 199): "bl", (299, 199): "br"}
    # CSS: the gradient ends at the corner the angle points into
    a = angle % 360
    to = {0: "top", 180: "bottom", 270: "left"}.get(a)
    if to == "top":
        assert g.getpixel((150, 199)) == start and g.getpixel((150, 0)) == end
    elif to == "bottom":
        assert g.getpixel((150, 0)) == start and g.getpixel((150, 199)) == end
    elif to == "left":
        assert g.getpixel((299, 100)) == start and g.getpixel((0, 100)) == end
    else:
        end_corner = ("t" if a < 90 or a > 270 else "b") + ("r" if a < 180 else "l")
        flip = {"t": "b", "b": "t", "l": "r", "r": "l"}
        start_corner = flip[end_corner[0]] + flip[end_corner[1]]
        by_name = {v: k for k, v in corners.items()}
        assert g.getpixel(by_name[end_corner]) == end
        assert g.getpixel(by_name[start_corner]) == start
    # monotonic along the gradient: blue never decreases from start to end corner
    line = [g.getpixel((x, 100))[2] for x in range(300)]
    if 0 < a < 180:
        assert all(b >= a_ for a_, b in zip(line, line[1:], strict=False))


def test_linear_gradient_stops_and_premultiplied_alpha():
    g = linear_gradient((101, 1), 90, [(0, (255, 0, 0, 255)), (1, (0, 0, 0, 0))])
    r, _, _, a = g.getpixel((50, 0))
    assert r == 255 and 125 <= a <= 130  # fades red -> transparent, never via dark red
    three = linear_gradient((201, 1), 90, [(0, (0, 0, 0)), (0.25, (255, 255, 255)), (1, (0, 0, 0))])
    assert three.getpixel((50, 0)) == (255, 255, 255, 255)
    solid = linear_gradient((5, 5), 33, [(0.3, (1, 2, 3))])
    assert solid.getextrema() == ((1, 1), (2, 2), (3, 3), (255, 255))


def test_flatten_uses_background_not_black():
    im = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    im.putpixel((1, 1), (255, 0, 0, 128))
    flat = flatten(im, (10, 20, 30))
    assert flat.mode == "RGB" and flat.getpixel((0, 0)) == (10, 20, 30)
    assert close(flat.getpixel((1, 1)), (133, 10, 15), 1)
    assert flatten(Image.new("RGB", (2, 2), (5, 5, 5)), (255, 255, 255)).getpixel((0, 0)) == (
        5,
        5,
        5,
    )


def test_loaded_image_is_a_plain_dataclass(tmp_path: Path):
    path = tmp_path / "x.png"
    Image.new("RGB", (3, 2)).save(path)
    loaded = load_image(path)
    assert isinstance(loaded, LoadedImage)
    assert loaded.path == path and loaded.original_size == (3, 2) and loaded.warnings == []


# --- header probe and magic bytes -------------------------------------------------


def test_probe_image_reads_the_header_only(tmp_path: Path):
    from libmedia.assets import probe_image

    png = tmp_path / "logo.png"
    Image.new("RGB", (37, 21), (1, 2, 3)).save(png)
    assert probe_image(png) == ("PNG", (37, 21))
    cut = tmp_path / "cut.png"
    cut.write_bytes(png.read_bytes()[:60])  # header whole, pixels missing: only decoding finds it
    assert probe_image(cut) == ("PNG", (37, 21))
    page = tmp_path / "cover.jpg"
    page.write_text("<!DOCTYPE html><html><body>404</body></html>", encoding="utf-8")
    with pytest.raises(ImageError) as err:
        probe_image(page)
    assert "web page" in err.value.message and err.value.location.file.endswith("cover.jpg")
    with pytest.raises(ImageError, match="not found|cannot be read"):
        probe_image(tmp_path / "missing.png")


@pytest.mark.parametrize("head,what,has_fix", [
    (b"%PDF-1.7\n", "a PDF document", True),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image", False),
    (b"\x89PNG\r\n\x1a\n\x00", "a PNG image", False),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a WebP image", False),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", "a HEIC photo (iPhone format)", True),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls) or other MS Office file", True),
    (b"SQLite format 3\x00", "an SQLite database", True),
])
def test_file_kind_is_one_table_for_images_and_documents(head, what, has_fix):
    from libmedia.assets import file_kind

    kind = file_kind(head)
    assert kind is not None and kind[0] == what and bool(kind[1]) == has_fix
    assert file_kind(b"Judul;Pengarang\n") is None
