"""The text engine: line boxes, baselines, wrapping, fitting, fallback, bidi, emoji.

Cases C01 C02 C03 C10 C12 C13 C14 of ../shared/realdata/cases/README.md.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import replace

import pytest
from PIL import Image, ImageDraw, ImageFont

from libmedia.errors import FontError
from libmedia.typography import (
    FontLibrary,
    Span,
    TextStyle,
    default_library,
    draw_text_block,
    layout_text,
)
from libmedia.typography.shaping import graphemes, is_emoji_cluster, visual_order

FAMILIES = [("Plus Jakarta Sans", 800), ("Inter", 500), ("Literata", 400)]


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _ink_bbox_of_line(block, line, origin=(60, 200), size=(1200, 600)):
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    draw_text_block(img, replace(block, lines=(line,)), origin)
    return img.getchannel("A").getbbox()


# -- C01: line boxes from metrics contain every ink pixel -------------------


@pytest.mark.parametrize("family,weight", FAMILIES)
def test_c01_ink_stays_inside_metric_line_boxes(cases, family, weight):
    rows = _rows(cases / "C01_C14_text_clipping_titles.csv")
    checked = 0
    for row in rows:
        for text in (row["title"], row["author"]):
            style = TextStyle(family=family, size=80, weight=weight, line_height=1.0)
            block = layout_text([Span(text, style)], 900)
            for line in block.lines:
                ox, oy = 60, 200
                bb = _ink_bbox_of_line(block, line, (ox, oy))
                assert bb is not None
                assert bb[1] >= oy + line.top - 0.01, (family, line.text, "ink above its line box")
                assert bb[3] <= oy + line.bottom + 0.01, (family, line.text, "ink below its line box")
                checked += 1
    assert checked >= 12


def test_c01_line_box_is_from_metrics_not_ink():
    """A line without descenders is as tall as one with them."""
    style = TextStyle(family="Inter", size=64)
    caps = layout_text([Span("MANUSIA DAN KEBUDAYAAN", style)], None)
    desc = layout_text([Span("jgpqy gagap", style)], None)
    assert caps.height == pytest.approx(desc.height)
    assert caps.lines[0].ascent == pytest.approx(desc.lines[0].ascent)


# -- C14: even baselines; the block ends at the last line's descent ----------


def test_c14_baselines_evenly_spaced(cases):
    row = next(r for r in _rows(cases / "C01_C14_text_clipping_titles.csv") if r["case"] == "three_lines")
    style = TextStyle(family="Plus Jakarta Sans", size=72, weight=800, line_height=1.15)
    block = layout_text([Span(row["title"], style)], 1000)
    assert [ln.text for ln in block.lines] == ["Ilmu Sosial", "Dan Budaya Dasar", "untuk Perguruan Tinggi"]
    gaps = [b.baseline - a.baseline for a, b in zip(block.lines, block.lines[1:], strict=False)]
    assert gaps == pytest.approx([72 * 1.15] * 2)
    last = block.lines[-1]
    assert block.height == pytest.approx(last.baseline + last.descent)
    assert block.lines[0].top == pytest.approx(0.0)


# -- C02: wrapping ------------------------------------------------------------


@pytest.mark.parametrize("width", [420, 640, 900])
def test_c02_no_line_wider_than_box_and_no_mid_word_breaks(cases, width):
    rows = _rows(cases / "C02_long_titles_wrap.csv")
    style = TextStyle(family="Plus Jakarta Sans", size=64, weight=800, line_height=1.1)
    from libmedia.typography.text import smart_quotes

    for row in rows:
        title = smart_quotes(row["title"])
        block = layout_text([Span(title, style)], width)
        pos = 0
        hyphens = 0
        for line in block.lines:
            assert line.width <= width + 0.5, (title, line.text)
            text = line.text
            if text.endswith("-") and not title.startswith(text, title.find(text[:-1], pos)):
                text = text[:-1]  # a dictionary hyphen, not in the title
                hyphens += 1
            start = title.index(text, pos)
            end = start + len(text)
            pos = end
            mid_word = end < len(title) and title[end] != " " and title[end - 1] not in "-/"
            if mid_word:
                # a word may be split only when it alone is too wide
                left = title.rfind(" ", 0, end) + 1
                right = title.find(" ", end)
                whole = title[left:right if right != -1 else len(title)]
                alone = layout_text([Span(whole, style)], None).content_width
                assert alone > width, (line.text, whole)
        assert hyphens == block.hyphenated
        assert "".join(ln.text.replace(" ", "") for ln in block.lines) == title.replace(" ", "") or hyphens


def test_c02_hyphen_is_a_break_opportunity():
    style = TextStyle(family="Inter", size=60)
    block = layout_text([Span("PENDEKAR-PENDEKAR BESI", style)], 420)
    assert block.lines[0].text == "PENDEKAR-"


def test_c02_shrink_then_clamp_with_ellipsis(cases):
    title = next(r["title"] for r in _rows(cases / "C02_long_titles_wrap.csv") if r["case"] == "longest_goodbooks")
    style = TextStyle(family="Plus Jakarta Sans", size=80, weight=800, line_height=1.1)
    block = layout_text([Span(title, style)], 800, max_lines=3, fit="shrink", min_size=40)
    assert block.size == 40
    assert len(block.lines) == 3
    assert block.truncated
    assert block.lines[-1].text.endswith("\u2026")
    assert all(ln.width <= 800.5 for ln in block.lines)
    short = layout_text([Span("Laskar Pelangi", style)], 800, max_lines=3, fit="shrink", min_size=40)
    assert short.size == 80 and not short.truncated


def test_shrink_picks_the_largest_size_that_fits():
    style = TextStyle(family="Inter", size=100, weight=700)
    text = "Ronggeng Dukuh Paruk dan kisah lainnya"
    block = layout_text([Span(text, style)], 700, max_lines=2, fit="shrink", min_size=30)
    assert not block.truncated and len(block.lines) <= 2
    bigger = layout_text([Span(text, replace(style, size=block.size + 1))], 700, max_lines=2)
    assert bigger.truncated


def test_max_height_clamps_lines():
    style = TextStyle(family="Inter", size=50, line_height=1.2)
    text = " ".join(["kata"] * 60)
    block = layout_text([Span(text, style)], 500, max_height=200)
    assert block.height <= 200.5
    assert block.truncated and block.lines[-1].text.endswith("\u2026")


# -- C03: fonts resolve from fonts/ or the system, never a silent default ----


def test_c03_unknown_font_is_an_error_naming_it_and_where_it_looked():
    lib = default_library()
    with pytest.raises(FontError) as err:
        lib.face("Arial")
    msg = str(err.value)
    assert "Arial" in msg
    assert "fonts" in msg and "searched" in msg
    with pytest.raises(FontError):
        layout_text([Span("x", TextStyle(family="Arial"))], 100)


def test_bundled_families_resolve_case_and_space_insensitively():
    lib = default_library()
    assert lib.face("plus jakarta sans").family == "Plus Jakarta Sans"
    assert lib.face("PlusJakartaSans").family == "Plus Jakarta Sans"
    assert lib.face("Literata", italic=True).italic


def test_variable_font_weight_changes_advance():
    lib = default_library()
    face = lib.face("Plus Jakarta Sans")
    light = lib.font(face, 60, 300).getlength("Perpustakaan")
    heavy = lib.font(face, 60, 800).getlength("Perpustakaan")
    assert heavy > light + 5


# -- C10: right-to-left and mixed direction -----------------------------------


def test_c10_arabic_is_shaped_by_raqm_once(cases):
    """libmedia's output equals Raqm's own rendering of the logical-order text
    (no reshaping or reversal on top), and differs from unshaped BASIC layout."""
    title = next(r["title"] for r in _rows(cases / "C10_rtl_bidi_titles.csv") if r["case"] == "ar_long")
    lib = default_library()
    style = TextStyle(family="Noto Sans Arabic", size=48, color=(0, 0, 0, 255))
    block = layout_text([Span(title, style)], None)
    assert len(block.lines) == 1 and block.direction == "rtl"
    ours = Image.new("RGBA", (1400, 160), (255, 255, 255, 255))
    draw_text_block(ours, block, (20, 20))
    font_path = str(lib.face("Noto Sans Arabic").path)
    raqm = ImageFont.truetype(font_path, 48, layout_engine=ImageFont.Layout.RAQM)
    raqm.set_variation_by_axes([400, 100])  # axes: Weight, Width
    ref = Image.new("RGBA", (1400, 160), (255, 255, 255, 255))
    ImageDraw.Draw(ref).text((20, 20 + block.lines[0].baseline), title, font=raqm,
                             fill=(0, 0, 0, 255), anchor="ls", direction="rtl")
    assert ours.tobytes() == ref.tobytes()
    basic = ImageFont.truetype(font_path, 48, layout_engine=ImageFont.Layout.BASIC)
    basic.set_variation_by_axes([400, 100])
    unshaped = Image.new("RGBA", (1400, 160), (255, 255, 255, 255))
    ImageDraw.Draw(unshaped).text((20, 20 + block.lines[0].baseline), title, font=basic,
                                  fill=(0, 0, 0, 255), anchor="ls")
    assert ours.tobytes() != unshaped.tobytes()


def test_c10_rtl_paragraphs_align_right(cases):
    for row in _rows(cases / "C10_rtl_bidi_titles.csv"):
        if row["case"] not in ("ar_title", "ar_long", "ar_digits"):
            continue
        block = layout_text([Span(row["title"], TextStyle(family="Inter", size=40))], 1000)
        assert block.direction == "rtl"
        for line in block.lines:
            assert line.x + line.width == pytest.approx(1000, abs=0.01)


def test_c10_mixed_direction_run_order(cases):
    """In an LTR paragraph the Arabic run sits right of the Latin; in an RTL
    paragraph the Latin run sits left of the Arabic."""
    rows = {r["case"]: r for r in _rows(cases / "C10_rtl_bidi_titles.csv")}
    style = TextStyle(family="Inter", size=40)
    ltr = layout_text([Span(rows["mixed_bidi"]["title"], style)], None)
    segs = ltr.lines[0].segments
    assert ltr.direction == "ltr"
    assert segs[0].direction == "ltr" and segs[-1].direction == "rtl"
    rtl = layout_text([Span(rows["ar_with_latin"]["title"], style)], None)
    assert rtl.direction == "rtl"
    segs = rtl.lines[0].segments
    assert segs[0].direction == "ltr" and segs[-1].direction == "rtl"
    assert segs[0].text.startswith("The Forty")


def test_visual_order_rule_l2():
    assert visual_order([0, 1, 1, 0]) == [0, 2, 1, 3]
    assert visual_order([1, 2, 1]) == [2, 1, 0]
    assert visual_order([1, 2, 2, 1]) == [3, 1, 2, 0]


# -- C12: per-character fallback and reporting --------------------------------


def test_c12_scripts_fall_back_to_a_covering_font(cases):
    lib = default_library()
    for row in _rows(cases / "C12_C13_scripts_and_emoji.csv"):
        block = layout_text([Span(row["title"], TextStyle(family="Plus Jakarta Sans", size=40))], 900)
        assert block.missing == (), (row["case"], [m.describe() for m in block.missing])
        for line in block.lines:
            for seg in line.segments:
                assert lib.covers(seg.face, seg.text.replace(" ", "")) or seg.face.is_color, seg


def test_c12_uncovered_character_is_reported_with_code_point():
    text = "Judul \U0001D11E \U000F0000 akhir"  # musical G clef, a private-use plane-15 character
    block = layout_text([Span(text, TextStyle(family="Inter", size=40))], 900)
    described = [m.describe() for m in block.missing]
    assert any(d.startswith("U+F0000") for d in described)


# -- C13: colour emoji ----------------------------------------------------------


def test_c13_emoji_clusters_are_single_units():
    clusters = graphemes("Guru \U0001F469\u200D\U0001F3EB & \U0001F9D2\U0001F3FD \U0001F1EE\U0001F1E9")
    emoji = [c for c in clusters if is_emoji_cluster(c)]
    assert emoji == ["\U0001F469\u200D\U0001F3EB", "\U0001F9D2\U0001F3FD", "\U0001F1EE\U0001F1E9"]
    assert not is_emoji_cluster("\u00AE")  # (R) without VS16 is text


def test_c13_emoji_drawn_in_colour_at_any_size(cases):
    row = next(r for r in _rows(cases / "C12_C13_scripts_and_emoji.csv") if r["case"] == "emoji_zwj_flag")
    for size in (23, 40, 77):
        style = TextStyle(family="Inter", size=size, color=(0, 0, 0, 255))
        block = layout_text([Span(row["title"], style)], None)
        img = Image.new("RGBA", (int(block.content_width) + 40, int(block.height) + 40), (255, 255, 255, 255))
        draw_text_block(img, block, (20, 20))
        emoji_segs = [s for ln in block.lines for s in ln.segments if s.face.is_color]
        assert emoji_segs, "emoji went to a text font"
        seg = emoji_segs[0]
        region = img.crop((int(20 + seg.x), 20, int(20 + seg.x + seg.width), 20 + int(block.height)))
        colourful = [p for p in region.convert("RGB").get_flattened_data() if max(p) - min(p) > 60]
        assert len(colourful) > 20, f"emoji not in colour at {size}px"


# -- normalisation, tracking, case ----------------------------------------------


def test_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Phạm Văn Thiều")
    a = layout_text([Span(decomposed, TextStyle(family="Inter", size=40))], None)
    b = layout_text([Span("Phạm Văn Thiều", TextStyle(family="Inter", size=40))], None)
    assert a.lines[0].text == b.lines[0].text
    assert a.content_width == pytest.approx(b.content_width)


def test_tracking_widens_and_transform_uppercases():
    plain = layout_text([Span("koleksi baru", TextStyle(family="Inter", size=30))], None)
    tracked = layout_text([Span("koleksi baru", TextStyle(family="Inter", size=30, tracking=100,
                                                          transform="uppercase"))], None)
    assert tracked.lines[0].text == "KOLEKSI BARU"
    assert tracked.content_width > plain.content_width + 12 * 30 * 0.1 - 1


def test_inline_spans_keep_their_styles():
    base = TextStyle(family="Inter", size=40, color=(0, 0, 0, 255))
    bold = replace(base, weight=700, color=(200, 0, 0, 255))
    block = layout_text([Span("Koleksi ", base), Span("baru", bold), Span(" minggu ini", base)], None)
    styles = [s.style for s in block.lines[0].segments]
    assert bold in styles and base in styles


def test_font_library_reads_coverage():
    lib = FontLibrary()
    assert lib.covers(lib.face("Noto Sans Arabic"), "\u0627\u0644")
    assert not lib.covers(lib.face("Inter"), "\u0627")


@pytest.mark.parametrize("raw,expected", [
    ('"Surely You\'re Joking, Mr. Feynman!"', "\u201cSurely You\u2019re Joking, Mr. Feynman!\u201d"),
    ("Charlotte's Web", "Charlotte\u2019s Web"),
    ("the '90s", "the \u201990s"),
    ("5'10\"", "5'10\""),
    ('"1984"', "\u201c1984\u201d"),
    ("('kutipan')", "(\u2018kutipan\u2019)"),
    # Arabic-script text takes guillemets, which bidi mirrors: never “…“ when read right to left
    ('"\u0643\u062a\u0627\u0628 \u0627\u0644\u0623\u063a\u0627\u0646\u064a"',
     "\u00ab\u0643\u062a\u0627\u0628 \u0627\u0644\u0623\u063a\u0627\u0646\u064a\u00bb"),
    ('\u0642\u0635\u0629 "\u0627\u0644\u0634\u0645\u0633" \u0644\u0644\u0623\u0637\u0641\u0627\u0644',
     "\u0642\u0635\u0629 \u00ab\u0627\u0644\u0634\u0645\u0633\u00bb \u0644\u0644\u0623\u0637\u0641\u0627\u0644"),
    # a space before the closing quote of a catalogue title never makes a second opening one
    ('"Laskar Pelangi " edisi baru', "\u201cLaskar Pelangi \u201d edisi baru"),
])
def test_smart_quotes(raw, expected):
    from libmedia.typography.text import smart_quotes

    assert smart_quotes(raw) == expected
    assert smart_quotes(raw).count("\u201c") <= 1 and smart_quotes(raw).count("\u00ab") <= 1
    block = layout_text([Span(raw, TextStyle(family="Inter", size=30))], None)
    assert block.lines[0].text == expected


def test_an_arabic_title_in_an_indonesian_post_keeps_arabic_quotes():
    from libmedia.typography.text import smart_quotes

    # the brand's language is Indonesian; the title's own script decides
    assert smart_quotes('"\u0642\u0635\u0629"', "id") == "\u00ab\u0642\u0635\u0629\u00bb"
    assert smart_quotes('"x"', "ar") == "\u201cx\u201d"  # a Latin quotation stays Latin
    assert smart_quotes('"123"', "ar") == "\u00ab123\u00bb"  # no strong letter: the language


def test_balance_evens_lines_and_keeps_their_count():
    style = TextStyle(family="Plus Jakarta Sans", size=60, weight=800)
    text = "Cathedral and the Bazaar: Musings on Linux and Open Source by an Accidental Revolutionary"
    greedy = layout_text([Span(text, style)], 900)
    balanced = layout_text([Span(text, style)], 900, balance=True)
    assert len(balanced.lines) == len(greedy.lines) >= 3
    widths = [ln.width for ln in balanced.lines]
    assert max(widths) - min(widths) < max(g.width for g in greedy.lines) - min(g.width for g in greedy.lines)
    assert len(balanced.lines[-1].text.split()) > 1  # no lone word at the end
    assert balanced.width == 900  # the box keeps its width; only the breaks move


def test_translucent_text_keeps_an_opaque_canvas_opaque():
    img = Image.new("RGBA", (600, 160), (255, 255, 255, 255))
    for row, tracking in enumerate((0, 120)):
        style = TextStyle(family="Inter", size=40, weight=700, tracking=tracking, color=(0, 0, 0, 80))
        draw_text_block(img, layout_text([Span("KOLEKSI BARU", style)], None), (10, 10 + 70 * row))
    assert img.getchannel("A").getextrema() == (255, 255)
    assert img.convert("L").getextrema()[0] == pytest.approx(255 * (1 - 80 / 255), abs=2)


def test_drawing_is_independent_of_what_was_drawn_before():
    """Remembered glyph masks are keyed by sub-pixel offset: the same block at
    the same place gives the same pixels, first time or hundredth."""
    style = TextStyle(family="Inter", size=33.3, tracking=50)
    block = layout_text([Span("No. panggil", style)], None)
    first = Image.new("RGBA", (400, 80), (255, 255, 255, 255))
    draw_text_block(first, block, (10.3, 7.7))
    for dx in (0.1, 0.5, 0.9):
        draw_text_block(Image.new("RGBA", (400, 80)), block, (10 + dx, 7.2))
    again = Image.new("RGBA", (400, 80), (255, 255, 255, 255))
    draw_text_block(again, block, (10.3, 7.7))
    assert first.tobytes() == again.tobytes()


def test_korean_falls_back_to_a_hangul_font():
    block = layout_text([Span("Kyung-Sook Shin, 신경숙", TextStyle(family="Inter", size=40))], None)
    assert block.missing == ()
    faces = {seg.face.family for seg in block.lines[0].segments}
    assert "NanumSquare" in faces


@pytest.mark.parametrize("text", ["Haruki Murakami, \u6751\u4e0a\u6625\u6a39",  # tallest font last
                                  "\u6751\u4e0a\u6625\u6a39, Haruki Murakami"])  # tallest first
def test_a_box_that_holds_the_lines_keeps_them_all(text):
    """The fit check and the block use the same metrics: a box exactly as
    tall as the block's own two lines never shortens it (a CJK fallback on
    one line is taller than Inter on the other)."""
    style = TextStyle(family="Inter", size=40, line_height=1.3)
    width = _line_width_for_two(text, style)
    natural = layout_text([Span(text, style)], width)
    assert len(natural.lines) == 2
    fitted = layout_text([Span(text, style)], width, max_height=natural.height, max_lines=2)
    assert not fitted.truncated and [ln.text for ln in fitted.lines] == [ln.text for ln in natural.lines]


def _line_width_for_two(text: str, style) -> float:
    a, b = text.split(", ")
    return max(layout_text([Span(p, style)], None).content_width for p in (a + ",", b)) + 8


# -- quotes in real catalogue titles ---------------------------------------------------


def _title_with(path, needle: str, column: str) -> str:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return next(r[column] for r in csv.DictReader(fh) if needle in r[column])


def test_an_arabic_title_whose_closing_quote_sits_after_its_space(realdata):
    """goodbooks' '"حكايات فرغلي المستكاوي "حكايتى مع كفر السحلاوية': the last
    quote closes the open one, so it closes the word before the space (the
    post showed «…المستكاوي «حكايتى: two quotes pointing the same way)."""
    from libmedia.typography.text import smart_quotes

    raw = _title_with(realdata / "books" / "goodbooks-10k_books_nonlatin_script.csv",
                      "\u062d\u0643\u0627\u064a\u0627\u062a \u0641\u0631\u063a\u0644\u064a", "title")
    out = smart_quotes(raw)
    assert out.count("\u00ab") == 1 and out.count("\u00bb") == 1
    assert "\u0627\u0644\u0645\u0633\u062a\u0643\u0627\u0648\u064a\u00bb \u062d" in out


def test_a_quoted_year_closes_its_quote(realdata):
    """The inventory's "JAKARTA DALAM ANGKA '2015'": ‘2015’, not ’2015' (the
    opening quote is not an elided year's apostrophe, and the closing one
    after a digit closes it)."""
    from libmedia.typography.text import smart_quotes

    raw = _title_with(realdata / "indonesia" / "perpus_inventory_buku.csv", "'2015'", "judul_buku")
    assert smart_quotes(raw).endswith("\u20182015\u2019")
    assert smart_quotes("the '90s") == "the \u201990s"


@pytest.mark.parametrize("width,max_lines", [(200, 1), (200, 2), (463, 2)])
def test_a_title_typed_on_several_lines_is_clamped_at_its_hard_break(cases, width, max_lines):
    """C01 row ``three_lines`` ("Ilmu Sosial\\nDan Budaya Dasar\\nuntuk
    Perguruan Tinggi") clamped to fewer lines: the ellipsis ends the last
    kept line, never measuring across a newline (Raqm refuses one:
    ``raqm_layout() failed`` stopped the record)."""
    title = next(r["title"] for r in _rows(cases / "C01_C14_text_clipping_titles.csv")
                 if r["case"] == "three_lines")
    style = TextStyle(family="Plus Jakarta Sans", size=76, weight=800, line_height=1.08)
    block = layout_text([Span(title, style)], width, max_lines=max_lines, fit="shrink", min_size=40)
    assert block.truncated and len(block.lines) == max_lines
    assert block.lines[-1].text.endswith("\u2026") and "\n" not in block.lines[-1].text
    assert all(ln.width <= width + 0.5 for ln in block.lines)


def test_a_number_and_an_arabic_word_keep_their_space(realdata):
    """goodbooks' Arabic title "1/4 جرام": the digits run and the Arabic word
    of a right-to-left line were drawn touching ("جرام1/4"): the space
    between them is kept (a clear gap of at least a fifth of an em)."""
    import csv

    from PIL import Image

    from libmedia.typography import draw_text_block

    path = realdata / "books" / "goodbooks-10k_books_nonlatin_script.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        title = next(r["title"] for r in csv.DictReader(fh) if r["title"].startswith("1/4 "))
    block = layout_text([Span(title, TextStyle(family="Plus Jakarta Sans", size=76, weight=800))],
                        None)
    im = Image.new("RGBA", (round(block.width) + 20, round(block.height) + 20), "white")
    draw_text_block(im, block, (10, 10))
    grey = im.convert("L")
    inked = [any(grey.getpixel((x, y)) < 128 for y in range(grey.height)) for x in range(grey.width)]
    xs = [x for x, ink in enumerate(inked) if ink]
    gaps = [b - a - 1 for a, b in zip(xs, xs[1:], strict=False) if b - a > 1]
    assert max(gaps) >= 0.2 * 76, gaps


def test_no_line_starts_with_a_spaced_dash(realdata):
    """BiblioCommons' 'Bilingual Family Storytime - English and Vietnamese/ …':
    a line began with '- English and'.  A spaced hyphen is set as a spaced
    en dash kept with the word before it."""
    from libmedia.typography.model import spaced_dashes

    assert spaced_dashes("Storytime - English") == "Storytime\u00a0\u2013 English"
    assert spaced_dashes("Senin \u2014 Jumat") == "Senin\u00a0\u2014 Jumat"
    for kept in ("Anak-anak", "- awal", "akhir -", "2019-2020"):
        assert spaced_dashes(kept) == kept
    rows = _rows(realdata / "events" / "bibliocommons_library_events_2025-2026.csv")
    titles = sorted({r["title"] for r in rows if " - " in r["title"]})
    assert titles
    style = TextStyle(family="Plus Jakarta Sans", size=64, weight=800, smart_quotes=True)
    for title in titles:
        for width in (560, 700, 900):  # narrower, a word and its dash may not fit at 64 px
            block = layout_text([Span(title, style)], width)
            assert not any(line.text.lstrip().startswith(("-", "\u2013")) for line in block.lines), \
                (title, width, [line.text for line in block.lines])
