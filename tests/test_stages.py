"""The pipeline's narrow stages: style before layout, the stand-in cover laid
out in the layout stage, lint after layout, and the three element registries
(markup schema, layout builders, painters) in step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageChops

from libmedia import draw, layout, lint, markup
from libmedia.brand import load_brand
from libmedia.dump import dump_layout
from libmedia.errors import Diagnostic, Location, TemplateError
from libmedia.formats import get_format
from libmedia.layout import layout_document
from libmedia.markup import parse_markup
from libmedia.render import RenderInput, render, render_until, sample_records
from libmedia.sources import Record
from libmedia.style import style_document
from libmedia.templating import load_template

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def template():
    return load_template(ROOT / "templates" / "new-book")


def no_cover(template) -> list[Record]:
    fields = dict(template.samples[0], cover="")
    return [Record(row=3, line=4, fields=fields, raw=dict(fields))]


def test_schema_builders_and_painters_name_the_same_elements():
    # a video's <video> and <scene> never reach layout: each scene is laid out as a canvas
    laid_out = set(markup.SCHEMA) - {"video", "scene"}
    assert laid_out == set(layout.BUILDERS) == set(draw.PAINTERS)
    assert len(laid_out) == 11


def test_style_stage_resolves_roles_and_colours():
    brand = load_brand()
    doc = parse_markup('<canvas><text role="eyebrow">A<span role="title" color="#FF0000">B</span>'
                       '</text><text role="meta" size="50">C</text></canvas>')
    styled = style_document(doc, brand.types, brand.colors)
    eyebrow, (a, b) = styled.text["canvas/text[0]"]
    assert eyebrow.family == "Plus Jakarta Sans" and eyebrow.transform == "uppercase"
    assert a == eyebrow
    # a span takes another role's family and weight but keeps the element's size
    assert (b.weight, b.size, b.color) == (800, eyebrow.size, (255, 0, 0, 255))
    meta, _ = styled.text["canvas/text[1]"]
    assert meta.size == 50.0 and meta.color == brand.colors["ink"]
    assert (styled.paper, styled.ink) == (brand.colors["paper"], brand.colors["ink"])
    with pytest.raises(TemplateError, match="unknown type role 'headline'"):
        style_document(parse_markup('<canvas><text role="headline">x</text></canvas>'),
                       brand.types, brand.colors)


def test_layout_and_draw_read_resolved_values_not_the_brand_kit():
    brand = load_brand()
    doc = parse_markup('<canvas><text role="body">x</text></canvas>')
    styled = style_document(doc, brand.types, {**brand.colors, "paper": (10, 20, 30, 255)})
    page = layout_document(styled, 40, 30)
    assert page.paper == (10, 20, 30, 255)
    assert draw.draw_page(page).getpixel((39, 29)) == (10, 20, 30, 255)


def test_stand_in_is_laid_out_in_the_layout_stage_and_dumped(template):
    inp = RenderInput(template, no_cover(template), get_format("instagram-portrait"), load_brand(),
                      search_dirs=[template.path])
    done = render_until(inp, "layout")
    assert done.image is None
    [cover] = [n for n in done.page.find("image") if n.element.get("placeholder-title")]
    s = cover.stand_in
    assert s is not None and [p.role for p in s.parts] == ["cover-title", "cover-author",
                                                          "cover-label"]
    assert cover.box.contains(s.rect)
    assert abs(s.rect.w / s.rect.h - 2 / 3) < 0.01
    title = s.parts[0].text
    assert " ".join(ln.text for ln in title.lines) == template.samples[0]["title"]
    text = dump_layout(done.page)
    assert "stand-in box=" in text and "text role=cover-title" in text
    assert "text role=cover-author" in text and "rule box=" in text


def test_brand_kit_restyles_the_stand_in(template, tmp_path):
    kit = tmp_path / "libmedia.toml"
    kit.write_text('[colors]\ncover_palette = ["#101010"]\n\n'
                   '[type.cover-title]\nfamily = "Inter"\nweight = 800\nsize = 90\n'
                   'color = "accent"\n', encoding="utf-8")
    fmt = get_format("instagram-portrait")
    default, restyled = (render(RenderInput(template, no_cover(template), fmt, b,
                                            search_dirs=[template.path]))
                         for b in (load_brand(), load_brand(kit)))

    def stand_in(r):
        return next(n.stand_in for n in r.page.find("image") if n.stand_in is not None)

    a, b = stand_in(default), stand_in(restyled)
    assert b.style.base == (16, 16, 16, 255)
    assert b.style.on == load_brand().colors["paper"]  # the kit's paper reads on near-black
    assert (b.style.title.family, b.style.title.weight) == ("Inter", 800)
    assert b.style.title.color == load_brand().colors["accent"]
    assert a.style.title.family == "Literata"
    # size 90 on a stand-in 1000 px wide: 9 % of its width, unless shrunk to fit
    assert b.parts[0].text.size <= b.rect.w * 0.09 + 1e-9
    x, y = round(b.rect.x + b.rect.w / 2), round(b.rect.y + b.rect.h - 3)
    assert restyled.image.getpixel((x, y))[:3] == (16, 16, 16)
    diff = ImageChops.difference(default.image.convert("RGB"), restyled.image.convert("RGB"))
    assert diff.getbbox() is not None


def test_lint_is_a_registry_of_rules_over_the_page(template):
    assert list(lint.RULES) == ["upscaled", "missing-glyph", "truncated", "safe-zone", "off-canvas",
                                "touching-lines", "bare-break", "shortened-with-room",
                                "small-text"]
    assert list(lint.DRAWN_RULES) == ["low-contrast"]
    fmt = get_format("instagram-square")
    inp = RenderInput(template, sample_records(template), fmt, load_brand(),
                      search_dirs=[template.path])
    page = render_until(inp, "layout").page
    loc = Location(file="week.csv", row=5)
    assert lint.lint_page(page, loc) == []

    def every_text(node, ctx):
        if node.element.tag == "text":
            yield Diagnostic.warning(f"text at line {node.element.line}", ctx.location, "seen")

    found = lint.lint_page(page, loc, {"seen": every_text})
    assert len(found) == len(page.find("text")) > 3
    assert all(d.code == "seen" and d.location.row == 5 for d in found)


def test_truncated_and_missing_glyph_rules():
    brand = load_brand()
    doc = parse_markup('<canvas><text role="body" max-lines="1" width="120">'
                       'A rather long sentence that cannot fit</text>'
                       '<text role="body">\U000F0000</text></canvas>')
    page = layout_document(style_document(doc, brand.types, brand.colors), 400, 300)
    codes = [d.code for d in lint.lint_page(page, Location(row=2))]
    assert codes == ["truncated", "missing-glyph"]


def test_cli_dump_layout_shows_the_stand_in_of_a_record_without_cover(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from libmedia.cli import main

    monkeypatch.chdir(tmp_path)
    data = ROOT / "samples" / "koleksi-baru.csv"
    rows = [n for n, line in enumerate(data.read_text(encoding="utf-8-sig").splitlines()[1:], 2)
            if line.startswith("Ronggeng")]
    assert len(rows) == 1
    res = CliRunner().invoke(main, ["render", "new-book", str(data), "--row", str(rows[0]),
                                    "--dump", "layout"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "image box=" in res.output and " placeholder" in res.output
    assert "stand-in box=" in res.output
    assert "text role=cover-title" in res.output and "'Ronggeng'" in res.output
    # the author's name is kept on one line: its words are joined by a no-break space
    assert "text role=cover-author" in res.output and "'Ahmad\\xa0Tohari'" in res.output
    assert not list(tmp_path.iterdir())  # a dump writes no image
