"""The new-book template on real records: structure of the laid-out page and
reference images per format.

Structural checks: every box inside the canvas (and the story's safe zone for
text), no text line wider than its box, text blocks inside their boxes, the
title never over the cover.  Reference images compare with a tolerance and
write actual / expected / diff images to ``tests/_failures/`` on failure.
Set ``LIBMEDIA_UPDATE_REFERENCES=1`` to rewrite the references after an
intended change (and look at them before committing).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from libmedia.brand import load_brand
from libmedia.cover import cover_palette
from libmedia.formats import get_format
from libmedia.layout import Page
from libmedia.render import RenderInput, render, sample_records
from libmedia.sources import read_records
from libmedia.templating import load_template

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = Path(__file__).parent / "reference"
FAILURES = Path(__file__).parent / "_failures"
TEMPLATE = ROOT / "templates" / "new-book"
FORMATS = ["instagram-portrait", "instagram-square", "instagram-story"]


@pytest.fixture(scope="module")
def template():
    return load_template(TEMPLATE)


def dirs(path: Path) -> list[Path]:
    return [path.parent, path.parent / "covers"]


def check_structure(page: Page, fmt) -> None:
    canvas = page.root.box
    top, right, bottom, left = fmt.safe
    for node in page.root.walk():
        el = node.element
        assert canvas.contains(node.box), (el.path, node.box)
        if el.tag != "text" or node.text is None:
            continue
        block = node.text
        assert block.height <= node.content.h + 1.0, (el.path, block.height, node.content.h)
        for line in block.lines:
            assert line.width <= node.content.w + 0.5, (el.path, line.text, line.width, node.content.w)
            assert line.x >= -0.5 and line.x + line.width <= node.content.w + 0.5
        if fmt.safe != (0, 0, 0, 0):
            assert node.box.y >= top - 0.5 and node.box.bottom <= fmt.height - bottom + 0.5, el.path
    covers = [n for n in page.find("image") if n.element.get("placeholder-title") is not None]
    titles = [n for n in page.find("text") if n.element.get("role") == "title"]
    for c in covers:
        for t in titles:
            overlap_x = min(c.box.right, t.box.right) - max(c.box.x, t.box.x)
            overlap_y = min(c.box.bottom, t.box.bottom) - max(c.box.y, t.box.y)
            assert overlap_x <= 0 or overlap_y <= 0, "title drawn over the cover"


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_structure(template, fmt):
    f = get_format(fmt)
    r = render(RenderInput(template, sample_records(template), f, load_brand(), search_dirs=[template.path]))
    assert r.image.size == f.size and r.image.mode == "RGBA"
    assert r.image.getchannel("A").getextrema() == (255, 255), "a post must be opaque everywhere"
    check_structure(r.page, f)
    assert not r.warnings


@pytest.mark.parametrize("fmt", FORMATS)
def test_bundled_samples_structure(template, fmt):
    path = ROOT / "samples" / "koleksi-baru.csv"
    data = read_records(path)
    brand = load_brand(ROOT / "samples" / "libmedia.toml")
    f = get_format(fmt)
    assert len(data.records) == 22  # a loop over nothing checks nothing
    for rec in data.records:
        r = render(RenderInput(template, [rec], f, brand, search_dirs=dirs(path), source=str(path)))
        check_structure(r.page, f)
        assert r.image.getchannel("A").getextrema() == (255, 255)
        qrs = r.page.find("qr")
        assert len(qrs) == 1, "every sample record has a catalogue link"


@pytest.mark.parametrize("fmt", FORMATS)
def test_slims_export_structure(template, realdata, fmt):
    path = realdata / "slims" / "slims_sample_biblio.csv"
    data = read_records(path)
    f = get_format(fmt)
    assert len(data.records) == 15
    for rec in data.records:
        r = render(RenderInput(template, [rec], f, load_brand(), search_dirs=dirs(path), source=str(path)))
        check_structure(r.page, f)
        assert not any(w.code == "placeholder" for w in r.warnings), rec.fields.get("cover")


@pytest.mark.parametrize("fmt", FORMATS)
def test_long_titles_structure(template, cases, fmt):
    data = read_records(cases / "C02_long_titles_wrap.csv")
    f = get_format(fmt)
    assert len(data.records) == 5
    for rec in data.records:
        r = render(RenderInput(template, [rec], f, load_brand(), source="C02"))
        check_structure(r.page, f)
        title = next(n for n in r.page.find("text") if n.element.get("role") == "title")
        assert title.text.size >= 40


def test_missing_cover_becomes_designed_placeholder(template):
    rec = sample_records(template)[0]
    rec.fields["cover"] = "covers/does-not-exist.jpg"
    r = render(RenderInput(template, [rec], get_format("instagram-portrait"), load_brand()))
    warning = next(w for w in r.warnings if w.code == "placeholder")
    assert "does-not-exist.jpg" in warning.message
    cover = next(n for n in r.page.find("image") if n.element.get("placeholder-title"))
    s = cover.stand_in
    # the cover in its book's colour, one of the brand kit's palette (just inside its foot edge)
    tone = s.style.base
    assert tone in [t.base for t in cover_palette(load_brand().colors)]
    assert r.image.getpixel((round(s.rect.x + s.rect.w / 2), round(s.rect.bottom) - 5))[:3] == tone[:3]
    # the title is set on it in its ink: pixels of that ink inside the cover area
    crop = r.image.crop((round(s.rect.x), round(s.rect.y), round(s.rect.right), round(s.rect.bottom)))
    ink = s.style.on[:3]
    inked = sum(1 for p in crop.convert("RGB").get_flattened_data()
                if sum(abs(a - b) for a, b in zip(p, ink, strict=True)) < 40)
    assert inked > 500


def test_render_is_deterministic(template):
    f = get_format("instagram-portrait")
    a = render(RenderInput(template, sample_records(template), f, load_brand(), search_dirs=[template.path]))
    b = render(RenderInput(template, sample_records(template), f, load_brand(), search_dirs=[template.path]))
    assert a.image.tobytes() == b.image.tobytes()


# -- reference images ----------------------------------------------------------------


def compare(actual: Image.Image, name: str, mean_tolerance: float = 1.5, share_tolerance: float = 0.01):
    """Compare with ``tests/reference/NAME.png``: the mean absolute difference
    (0-255) must be under ``mean_tolerance`` and the share of pixels differing
    by more than 24 levels under ``share_tolerance``."""
    ref_path = REFERENCES / f"{name}.png"
    actual = actual.convert("RGB")
    if os.environ.get("LIBMEDIA_UPDATE_REFERENCES") == "1":
        REFERENCES.mkdir(exist_ok=True)
        actual.save(ref_path)
        return
    assert ref_path.is_file(), f"no reference {ref_path}; run with LIBMEDIA_UPDATE_REFERENCES=1"
    expected = Image.open(ref_path).convert("RGB")
    assert actual.size == expected.size
    diff = ImageChops.difference(actual, expected)
    grey = diff.convert("L")
    hist = grey.histogram()
    total = actual.width * actual.height
    mean = sum(i * n for i, n in enumerate(hist)) / total
    share = sum(hist[25:]) / total
    if mean > mean_tolerance or share > share_tolerance:
        FAILURES.mkdir(exist_ok=True)
        actual.save(FAILURES / f"{name}.actual.png")
        expected.save(FAILURES / f"{name}.expected.png")
        grey.point(lambda v: min(255, v * 8)).save(FAILURES / f"{name}.diff.png")
        pytest.fail(f"{name}: mean difference {mean:.2f}, {share:.2%} of pixels differ; "
                    f"see {FAILURES}")


# Full-size references are few: one per format, each showing something the
# others do not (a real cover; the typographic stand-in; Arabic, right to
# left).  Details are pinned by the small per-element references in
# tests/test_pixels.py, which a FreeType or HarfBuzz update moves less.
def test_reference_sample(template):
    r = render(RenderInput(template, sample_records(template), get_format("instagram-portrait"),
                           load_brand(), search_dirs=[template.path]))
    compare(r.image, "new-book.sample.instagram-portrait")


@pytest.mark.parametrize("slug,fmt", [("ronggeng", "instagram-square"),
                                      ("arabic", "instagram-story")])
def test_reference_placeholder_and_arabic(template, slug, fmt):
    path = ROOT / "samples" / "koleksi-baru.csv"
    data = read_records(path)
    brand = load_brand(ROOT / "samples" / "libmedia.toml")
    found = [rec for rec in data.records
             if (rec.fields["title"].startswith("Ronggeng") if slug == "ronggeng"
                 else "\u0627" in rec.fields["title"])]
    assert len(found) == 1, slug
    r = render(RenderInput(template, found, get_format(fmt), brand, search_dirs=dirs(path)))
    compare(r.image, f"new-book.{slug}.{fmt}")


def test_reference_detects_a_change(template):
    """The comparison fails when the picture changes (the tolerance is not too loose)."""
    ref = REFERENCES / "new-book.sample.instagram-portrait.png"
    if not ref.is_file() or os.environ.get("LIBMEDIA_UPDATE_REFERENCES") == "1":
        pytest.skip("references not generated yet, or being rewritten")
    r = render(RenderInput(template, sample_records(template), get_format("instagram-portrait"),
                           load_brand(), search_dirs=[template.path]))
    moved = Image.new("RGBA", r.image.size)
    moved.paste(r.image, (0, 12))
    with pytest.raises(pytest.fail.Exception):
        compare(moved, "new-book.sample.instagram-portrait")
