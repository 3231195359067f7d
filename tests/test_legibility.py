"""Legibility checked, not hoped for (issue 8, item 6): ``legibility="scrim"``
lays a panel behind a text only when the pixels drawn behind it give less
contrast than WCAG 2 AA asks, just enough to pass, and the ``low-contrast``
rule measures the result; a deliberately low-contrast template is flagged
by ``check --render`` and ``batch``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from libmedia import lint
from libmedia.brand import load_brand
from libmedia.cli import main
from libmedia.draw import SCRIM_MARGIN, Surface, add_scrim, draw_page
from libmedia.errors import Location, ProblemList
from libmedia.formats import get_format
from libmedia.layout import layout_document
from libmedia.markup import parse_markup
from libmedia.render import RenderInput, render
from libmedia.sources import Record
from libmedia.style import style_document
from libmedia.templating import load_template
from libmedia.typography import default_library

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "templates"
OVER_COVER = FIXTURES / "over-cover"
LOW_CONTRAST = FIXTURES / "low-contrast"
SAMPLE_COVER = ROOT / "templates" / "new-book" / "assets" / "sample-cover.jpg"
WHERE = Location(file="week.csv", row=3)


def over_cover(cover: Path, legibility: str, fmt: str = "instagram-portrait",
               title: str = "Laskar Pelangi"):
    """The over-cover fixture rendered for one book: the render, and the
    contrast of its title as drawn (WCAG ratio) and the ratio it needs."""
    template = load_template(OVER_COVER)
    fields = {"title": title, "cover": str(cover), "legibility": legibility}
    rec = Record(row=3, line=4, fields=fields, raw=dict(fields))
    done = render(RenderInput(template, [rec], get_format(fmt), load_brand(),
                              search_dirs=[OVER_COVER]))
    (node,) = done.page.find("text")
    ratio, _ = lint.text_contrast(done.image, node.text, (node.content.x, node.content.y))
    return done, ratio, lint.required_contrast(node.text, done.page.width)


def low(done) -> list:
    return [w for w in done.warnings if w.code == "low-contrast"]


# --- the scrim ---------------------------------------------------------------


@pytest.mark.parametrize("cover", ["assets/busy.png", SAMPLE_COVER])
def test_white_title_over_a_busy_cover_is_flagged_without_a_scrim_and_passes_with_one(cover):
    bare, before, need = over_cover(cover, "none")
    assert before < need
    (warning,) = low(bare)
    assert f"{before:.1f}:1" in warning.message and 'legibility="scrim"' in warning.hint

    fixed, after, need2 = over_cover(cover, "scrim")
    assert need2 == need and after >= need and not low(fixed)
    # just enough: the panel aims at the ratio asked plus a small margin, not at black
    assert after < need + SCRIM_MARGIN + 1.5
    # only the title's area changed: the pixels far from it are the same
    a, b = np.asarray(bare.image), np.asarray(fixed.image)
    changed = np.argwhere((a != b).any(axis=2))
    (node,) = fixed.page.find("text")
    assert changed[:, 0].min() >= node.content.y - node.text.size
    assert changed[:, 0].max() <= node.content.bottom + node.text.size


def test_a_real_cover_photo_with_a_scrim_passes(realdata):
    cover = realdata / "slims" / "covers" / "cathedral_bazaar.jpg"
    _, before, need = over_cover(cover, "none", title="The Cathedral and the Bazaar")
    done, after, _ = over_cover(cover, "scrim", title="The Cathedral and the Bazaar")
    assert not low(done) and after >= need
    assert before < need or after == pytest.approx(before)  # no scrim where none is needed


def test_no_scrim_where_the_contrast_is_already_enough():
    plain = ('<canvas background="#102030"><text role="title" size="80" color="#FFFFFF" '
             'legibility="{}">Laskar Pelangi</text></canvas>')
    images = []
    for how in ("none", "scrim"):
        brand = load_brand()
        styled = style_document(parse_markup(plain.format(how)), brand.types, brand.colors)
        images.append(draw_page(layout_document(styled, 1080, 600)).tobytes())
    assert images[0] == images[1]


def page_over(background: str, text: str, width=1080, height=600):
    brand = load_brand()
    markup = (f'<canvas background="{background}"><text role="meta" size="30" {text} '
              f'legibility="scrim">Bentang Pustaka · 2005</text></canvas>')
    styled = style_document(parse_markup(markup), brand.types, brand.colors)
    return layout_document(styled, width, height)


def test_the_scrim_is_dark_behind_light_text_and_light_behind_dark_text():
    for background, color, dark in (("#8A9BA8", "#FFFFFF", True), ("#5A6B78", "#202020", False)):
        page = page_over(background, f'color="{color}"')
        # the backdrop as painted before the text: the canvas's colour
        rgb = tuple(int(background[i:i + 2], 16) for i in (1, 3, 5))
        surface = Surface(Image.new("RGBA", (page.width, page.height), (*rgb, 255)),
                          default_library(), page.ink)
        (node,) = page.find("text")
        scrim = add_scrim(surface, node)
        assert scrim is not None and scrim.before < 4.5 <= scrim.after
        assert (sum(scrim.color) < 3 * 128) == dark
        assert 0 < scrim.opacity < 1


def test_the_scrim_is_deterministic():
    one = over_cover("assets/busy.png", "scrim")[0].image.tobytes()
    two = over_cover("assets/busy.png", "scrim")[0].image.tobytes()
    assert one == two


def test_translucent_text_a_scrim_cannot_save_is_still_flagged_and_says_so():
    brand = load_brand()
    markup = ('<canvas background="#FFFFFF"><text role="meta" size="30" color="#000000" '
              'opacity="0.15" legibility="scrim">Bentang Pustaka</text></canvas>')
    page = layout_document(style_document(parse_markup(markup), brand.types, brand.colors),
                           1080, 600)
    image = draw_page(page)
    (warning,) = lint.lint_drawn(page, image, WHERE)
    assert 'even with legibility="scrim"' in warning.message and "translucent" in warning.hint


def test_legibility_takes_scrim_or_none():
    with pytest.raises(ProblemList) as err:
        parse_markup('<canvas><text legibility="glow">x</text></canvas>')
    assert "scrim" in str(err.value.problems[0])


# --- a deliberately low-contrast template ------------------------------------


def test_check_render_flags_the_low_contrast_template(tmp_path):
    data = tmp_path / "books.csv"
    data.write_text("title,author\nLaskar Pelangi,Andrea Hirata\nBumi Manusia,Pramoedya\n",
                    encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(LOW_CONTRAST), str(data), "--render", "--json"])
    assert res.exit_code == 0, res.output
    found = json.loads(res.output)
    (fmt,) = found["formats"]
    assert "low-contrast" in fmt["codes"]
    res = CliRunner().invoke(main, ["check", str(LOW_CONTRAST), str(data), "--render"])
    assert "low-contrast" in res.output


def test_batch_lists_low_contrast_in_the_manifest(tmp_path):
    data = tmp_path / "books.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["title", "author"], ["Laskar Pelangi", "Andrea Hirata"]])
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(LOW_CONTRAST), str(data), "--out", str(out),
                                    "--jobs", "1"])
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["records"]
    assert entry["status"] == "warning"
    messages = [w["message"] for w in entry["warnings"] if w["code"] == "low-contrast"]
    assert len(messages) == 2 and all("1.7:1" in m for m in messages)
