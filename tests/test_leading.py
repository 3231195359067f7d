"""Line spacing by script (issue 7, item 1) and one set of metrics for the
fit check and the box (item 3), on real titles.

Touching is judged on rendered pixels: each line of a block is drawn alone,
and between two neighbouring lines there must be at least one row with no
ink of either (no interleaving rows, so no touching pixels).
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import pytest
from PIL import Image

from libmedia.typography import Span, TextStyle, draw_text_block, layout_text
from libmedia.typography.fit import INK_GAP_EM
from libmedia.typography.measure import SCRIPT_LEADING, leading_factor

#: The default brand kit's title and byline styles (assets/brand/libmedia.toml).
TITLE = TextStyle(family="Plus Jakarta Sans", size=76, weight=800, line_height=1.08, tracking=-10)
BYLINE = TextStyle(family="Inter", size=36, weight=500, line_height=1.3)
#: A published Thai title (the Thai edition of "Harry Potter and the
#: Philosopher's Stone"): vowels with tone marks stacked above them.  The
#: real data holds no Thai.
THAI_TITLE = "แฮร์รี่ พอตเตอร์กับศิลาอาถรรพ์"
_ARABIC = re.compile("[\u0600-\u06ff]")


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _arabic_titles(realdata) -> list[str]:
    rows = _rows(realdata / "books" / "goodbooks-10k_books_nonlatin_script.csv")
    return [r["title"] for r in rows if _ARABIC.search(r["title"])]


def _line_ink_rows(block, pad: int = 40) -> list[tuple[int, int]]:
    """(first, last + 1) rows of ink of each line drawn alone, in block px + pad."""
    size = (int(block.width) + 2 * pad, int(block.height) + 2 * pad)
    out = []
    for ln in block.lines:
        img = Image.new("RGBA", size, (0, 0, 0, 0))
        draw_text_block(img, replace(block, lines=(ln,)), (pad, pad))
        bb = img.getchannel("A").getbbox()
        assert bb is not None, ln.text
        out.append((bb[1], bb[3]))
    return out


def _assert_clear_rows(block, what: str) -> None:
    rows = _line_ink_rows(block)
    for (_, a_end), (b_top, _), ln in zip(rows, rows[1:], block.lines[1:], strict=False):
        assert b_top - a_end >= 1, f"{what}: line {ln.text!r} has ink in the rows of the line above"


def _assert_even(block) -> None:
    steps = [b.baseline - a.baseline for a, b in zip(block.lines, block.lines[1:], strict=False)]
    assert steps and max(steps) - min(steps) < 1e-6, steps


def _assert_ink_inside_boxes(block, pad: int = 40) -> None:
    rows = _line_ink_rows(block, pad)
    for (top, bottom), ln in zip(rows, block.lines, strict=True):
        assert top >= pad + ln.top - 0.01, (ln.text, "ink above its line box")
        assert bottom <= pad + ln.bottom + 0.01, (ln.text, "ink below its line box")
    assert rows[0][0] >= pad - 0.01 and rows[-1][1] <= pad + block.height + 0.01


# -- the leading table ----------------------------------------------------


def test_leading_factor_follows_the_script_of_most_of_the_line():
    assert leading_factor("The Hunger Games") == 1.0
    assert leading_factor("الفيل الأزرق") == SCRIPT_LEADING["Arabic"] > 1.0
    assert leading_factor("भगवद्गीता") == SCRIPT_LEADING["Devanagari"] > 1.0
    assert leading_factor(THAI_TITLE) == SCRIPT_LEADING["Thai"] > 1.0
    # half Latin, half Arabic (goodbooks 2082): the taller script sets it
    assert leading_factor("The Qur'an / القرآن الكريم") == SCRIPT_LEADING["Arabic"]
    # a Latin line with one Arabic word is a Latin line
    assert leading_factor("Elif Shafak and the Forty Rules of Love, \u0625\u0644\u064a\u0641") == 1.0
    assert leading_factor("Phạm Văn Thiều") == 1.0
    assert leading_factor("Phạm Văn Thiều", "vi") > 1.0
    assert leading_factor("1984") == 1.0 and leading_factor("") == 1.0


def test_a_paragraph_in_a_tall_script_gets_more_leading():
    latin = layout_text([Span("The Hunger Games Catching Fire", TITLE)], 560)
    arabic = layout_text([Span("في ديسمبر تنتهي كل الأحلام", TITLE)], 560)
    assert len(latin.lines) >= 2 and len(arabic.lines) >= 2
    step = arabic.lines[1].baseline - arabic.lines[0].baseline
    assert latin.lines[1].baseline - latin.lines[0].baseline == pytest.approx(76 * 1.08)
    assert step >= 76 * 1.08 * SCRIPT_LEADING["Arabic"] - 1e-6


def test_lines_carry_their_measured_ink():
    block = layout_text([Span("jgpqy Jogja: pagi yang gagap", TITLE)], 400)
    for ln in block.lines:
        assert ln.ink_ascent is not None and ln.ink_descent is not None
        assert 0 < ln.ink_ascent <= ln.ascent and 0 <= ln.ink_descent <= ln.descent
    assert block.lines[0].ink_descent > 0.15 * 76  # the descenders of "jgpqy"


# -- no touching ink, even baselines: real titles ---------------------------


def test_real_arabic_titles_never_touch_and_keep_even_baselines(realdata):
    titles = _arabic_titles(realdata)
    multi = 0
    for title in titles:
        for width in (560, 936):
            block = layout_text([Span(title, TITLE)], width)
            if len(block.lines) < 2:
                continue
            multi += 1
            _assert_clear_rows(block, title)
            _assert_even(block)
            _assert_ink_inside_boxes(block)
    assert multi >= 20


def test_c10_three_line_arabic_title_does_not_touch(cases):
    row = next(r for r in _rows(cases / "C10_rtl_bidi_titles.csv") if r["case"] == "ar_long")
    block = layout_text([Span(row["title"], TITLE)], 560)
    assert len(block.lines) >= 3
    _assert_clear_rows(block, row["case"])
    _assert_even(block)
    # the ink gap is kept: the lowest ink of a line and the highest of the next
    gap = max(2.0, INK_GAP_EM * 76)
    for a, b in zip(block.lines, block.lines[1:], strict=False):
        assert (b.baseline - b.ink_ascent) - (a.baseline + a.ink_descent) >= gap - 1e-6


def test_real_devanagari_lines_do_not_touch(cases):
    row = next(r for r in _rows(cases / "C12_C13_scripts_and_emoji.csv") if r["case"] == "hindi_event")
    block = layout_text([Span(row["title"], TITLE)], 420)
    assert len(block.lines) >= 3
    assert any(leading_factor(ln.text) > 1.0 for ln in block.lines)
    _assert_clear_rows(block, row["case"])
    _assert_even(block)
    _assert_ink_inside_boxes(block)


def test_thai_lines_do_not_touch():
    block = layout_text([Span(THAI_TITLE, TITLE)], 420)
    assert len(block.lines) >= 2
    _assert_clear_rows(block, "thai")
    _assert_even(block)
    _assert_ink_inside_boxes(block)


def test_c01_stacked_marks_and_accented_capitals_do_not_touch(cases):
    """Latin too: an accented capital under a descender (C01 probes)."""
    row = next(r for r in _rows(cases / "C01_C14_text_clipping_titles.csv") if r["case"] == "accent_caps")
    block = layout_text([Span("jgpqy " + row["title"], replace(TITLE, line_height=0.9))], 300)
    assert len(block.lines) >= 2
    _assert_clear_rows(block, row["case"])
    _assert_even(block)


# -- the space below a block is even whatever the script ---------------------


def _ink_gap_to_byline(title: str, width: float = 560, gap: float = 24) -> tuple[int, float]:
    """Clear rows between the title's lowest ink and a byline's highest ink
    when the byline is stacked ``gap`` px below the title's box (as a column
    stacks them), and the distance from the title's last baseline to its box
    bottom."""
    t = layout_text([Span(title, TITLE)], width)
    b = layout_text([Span("J.K. Rowling", BYLINE)], width)
    h = int(t.height + gap + b.height) + 80
    ti = Image.new("RGBA", (int(width) + 80, h), (0, 0, 0, 0))
    bi = Image.new("RGBA", (int(width) + 80, h), (0, 0, 0, 0))
    draw_text_block(ti, t, (40, 40))
    draw_text_block(bi, b, (40, 40 + t.height + gap))
    return bi.getchannel("A").getbbox()[1] - ti.getchannel("A").getbbox()[3], \
        t.height - t.lines[-1].baseline


@pytest.mark.parametrize("title", ["أحببتك أكثر مما ينبغي", "في ديسمبر تنتهي كل الأحلام",
                                   "भगवद्गीता [Bhagavadgītā]", THAI_TITLE])
def test_the_byline_sits_below_a_tall_script_as_it_sits_below_latin(title):
    """The clear space from a title's lowest ink to the byline's ink is,
    within 0.15 em of the title's size, between what it is below a Latin
    title with descenders ("Laskar Pelangi") and one without ("The Hunger
    Games"); and the title's box ends well above the Arabic fallback font's
    0.74 em descent (it ended there before, 56 px below the baseline)."""
    with_descenders, latin_tail = _ink_gap_to_byline("Laskar Pelangi")
    without, _ = _ink_gap_to_byline("The Hunger Games")
    gap, tail = _ink_gap_to_byline(title)
    tol = 0.15 * 76
    assert with_descenders - tol <= gap <= without + tol, (gap, with_descenders, without)
    assert tail < 0.65 * 76, tail


# -- one set of metrics for the fit check and the box (item 3) ---------------


@pytest.mark.parametrize("text", ["Elif Shafak, إليف شافاق",      # tallest ink last
                                  "إليف شافاق, Elif Shafak",      # tallest first
                                  "Haruki Murakami, 村上春樹",
                                  "Hari Buku, แฮร์รี่ พอตเตอร์"])
def test_a_box_as_tall_as_the_block_keeps_every_line(text):
    """Sized by the layout's measure (no height bound), then set in a box of
    exactly that height: every line stays; one pixel less and a line goes."""
    style = TextStyle(family="Inter", size=40, line_height=1.3)
    a, b = text.split(", ")
    width = max(layout_text([Span(p, style)], None).content_width for p in (a + ",", b)) + 8
    natural = layout_text([Span(text, style)], width)
    assert len(natural.lines) == 2
    fitted = layout_text([Span(text, style)], width, max_height=natural.height, max_lines=2)
    assert not fitted.truncated and not fitted.overflow
    assert [ln.text for ln in fitted.lines] == [ln.text for ln in natural.lines]
    assert fitted.height == pytest.approx(natural.height)
    tighter = layout_text([Span(text, style)], width, max_height=natural.height - 1, max_lines=2)
    assert len(tighter.lines) == 1 and tighter.truncated


def test_shrinking_to_a_height_uses_the_same_metrics_as_the_box():
    """A shrink fit into a height never returns a block taller than the box,
    whatever the script, and the lines it keeps do not touch."""
    for title in ("في ديسمبر تنتهي كل الأحلام", "The Hunger Games Catching Fire", THAI_TITLE):
        block = layout_text([Span(title, TITLE)], 560, max_height=190, max_lines=3, fit="shrink",
                            min_size=30)
        assert block.height <= 190.01 and not block.overflow, title
        if len(block.lines) >= 2:
            _assert_clear_rows(block, title)


@pytest.mark.parametrize("height", [None, 200.0])
def test_a_shrunk_block_is_the_block_set_at_its_size(height):
    """Trial sizes of a shrinking fit may skip measuring ink; the block
    returned is exactly the text set at the size chosen, ink and all."""
    title = "في ديسمبر تنتهي كل الأحلام: رواية"
    block = layout_text([Span(title, TITLE)], 420, max_lines=2, max_height=height, fit="shrink",
                        min_size=30, balance=True)
    assert block.size < 76 and not block.truncated
    again = layout_text([Span(title, replace(TITLE, size=block.size))], 420, max_lines=2,
                        max_height=height, balance=True)
    assert [ln.baseline for ln in block.lines] == [ln.baseline for ln in again.lines]
    assert block.height == again.height
    assert all(ln.ink_ascent and ln.ink_descent is not None for ln in block.lines)
    assert [(ln.ink_ascent, ln.ink_descent) for ln in block.lines] == \
        [(ln.ink_ascent, ln.ink_descent) for ln in again.lines]
