"""Line breaking by UAX #14 (ICU): em dashes, URLs, soft hyphens, Thai words,
closing punctuation, CJK, and the greedy filling of lines to a width."""

from __future__ import annotations

import unicodedata

import pytest
from PIL import Image

from libmedia.typography import Span, TextStyle, draw_text_block, layout_text
from libmedia.typography.linebreak import break_opportunities, url_breaks

STYLE = TextStyle(family="Inter", size=40)


def _pieces(text: str) -> list[str]:
    ops = break_opportunities(text)
    return [text[a:b] for a, b in zip([0, *ops], [*ops, len(text)], strict=True)]


def _width(text: str, style: TextStyle = STYLE) -> float:
    return layout_text([Span(text, style)], None).content_width


# -- em dash --------------------------------------------------------------------


def test_em_dash_is_a_break_opportunity():
    text = "Laut Bercerita\u2014sebuah novel"
    dash = text.index("\u2014")
    assert dash + 1 in break_opportunities(text)
    # a box too narrow for the whole run breaks right after the dash
    width = _width("Laut Bercerita\u2014") + 2
    block = layout_text([Span(text, STYLE)], width)
    assert block.lines[0].text == "Laut Bercerita\u2014"
    assert not block.broken_words


# -- URLs ---------------------------------------------------------------------

URL = "https://perpustakaan.kotasamudra.go.id/opac/index.php?p=show_detail&id=12345"


def test_url_breaks_after_slashes_and_before_query():
    pieces = _pieces(URL)
    assert "".join(pieces) == URL
    assert pieces[0] == "https://"  # the scheme's // stays whole
    assert any(p.endswith("opac/") for p in pieces)
    assert any(p.startswith("?p") for p in pieces), pieces
    assert any(p.startswith("&id") for p in pieces), pieces
    # never between the two slashes of the scheme
    assert URL.index("//") + 1 not in break_opportunities(URL)
    assert url_breaks("a/b", 0, 3) == []  # too short to break inside


@pytest.mark.parametrize("width", [260, 340, 480])
def test_long_url_never_overflows_and_breaks_at_its_punctuation(width):
    text = f"Katalog: {URL}"
    block = layout_text([Span(text, STYLE)], width)
    assert len(block.lines) >= 2
    assert not block.overflow
    assert all(ln.width <= width + 0.5 for ln in block.lines)
    assert "".join(ln.text.replace(" ", "") for ln in block.lines) == text.replace(" ", "")
    ends = [ln.text for ln in block.lines[:-1]]
    # the URL's lines end at a slash or before ? & = (not at an arbitrary letter)
    breaks_at_punctuation = [t for t in ends if t.endswith("/")
                             or block.lines[ends.index(t) + 1].text[:1] in "?&="]
    assert breaks_at_punctuation, [ln.text for ln in block.lines]


# -- soft hyphens -------------------------------------------------------------

SHY = "\u00ad"


def test_soft_hyphen_is_invisible_inside_a_line():
    word = f"Per{SHY}pus{SHY}ta{SHY}ka{SHY}an"
    block = layout_text([Span(word, STYLE)], 1000)
    assert len(block.lines) == 1
    assert block.lines[0].text == "Perpustakaan"
    assert block.lines[0].width == pytest.approx(_width("Perpustakaan"))
    # and draws the same pixels as the word without soft hyphens
    a, b = (Image.new("RGBA", (400, 80), (0, 0, 0, 0)) for _ in range(2))
    draw_text_block(a, block, (10, 10))
    draw_text_block(b, layout_text([Span("Perpustakaan", STYLE)], 1000), (10, 10))
    assert a.tobytes() == b.tobytes()


def test_soft_hyphen_shows_a_hyphen_where_the_line_ends():
    word = f"Per{SHY}pus{SHY}ta{SHY}ka{SHY}an"
    assert [4, 8, 11, 14] == break_opportunities(word)
    width = _width("Perpusta-") + 1
    block = layout_text([Span(word, STYLE)], width)
    assert [ln.text for ln in block.lines] == ["Perpusta-", "kaan"]
    assert block.lines[0].width == pytest.approx(_width("Perpusta-"))
    assert not block.broken_words
    # the hyphen is drawn: the first line's ink is as wide as "Perpusta-"'s
    img = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw_text_block(img, block, (0, 0))
    ref = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw_text_block(ref, layout_text([Span("Perpusta-", STYLE)], None), (0, 0))
    top = round(block.lines[0].bottom)
    assert img.crop((0, 0, 600, top)).tobytes() == ref.crop((0, 0, 600, top)).tobytes()


# -- Thai ---------------------------------------------------------------------

THAI = "ห้องสมุดประชาชนเปิดให้บริการทุกวัน"  # the public library is open every day
# ห้องสมุด (library) is the compound ห้อง (room) + สมุด (book); ICU may break between them
THAI_WORDS = ["ห้อง", "สมุด", "ประชาชน", "เปิด", "ให้", "บริการ", "ทุก", "วัน"]


def test_thai_breaks_between_words():
    assert _pieces(THAI) == THAI_WORDS


def test_thai_wraps_at_words_never_mid_syllable():
    style = TextStyle(family="Noto Sans Thai", size=40)
    block = layout_text([Span(THAI, style)], _width("ห้องสมุดประชาชน", style) + 2)
    assert len(block.lines) >= 2 and not block.broken_words
    for line in block.lines:
        # every line is whole words, and no line starts with a combining
        # mark or ends with a leading vowel (เ แ โ ใ ไ), which would split a syllable
        assert unicodedata.category(line.text[0]) != "Mn"
        assert line.text[-1] not in "เแโใไ"
        rest = line.text
        while rest:
            word = next((w for w in THAI_WORDS if rest.startswith(w)), None)
            assert word, (line.text, rest)
            rest = rest[len(word):]


# -- punctuation and CJK --------------------------------------------------------


@pytest.mark.parametrize("text,never_before", [
    ("Hello, (world)! Next", ")!"),
    ("大きな本（上）。です", "）。"),
    ("「図書館」、新しい本", "」、"),
    ("Il a dit \u00ab bonjour \u00bb !", "\u00bb!"),
])
def test_no_break_before_closing_punctuation(text, never_before):
    for i in break_opportunities(text):
        assert text[i] not in never_before, (text, i, text[i])


def test_cjk_breaks_between_characters():
    # Chinese: between any two characters, as Chinese typesetting breaks
    assert break_opportunities("图书馆新书推荐") == [1, 2, 3, 4, 5, 6]
    # Japanese: between phrases (BudouX), never inside a word
    assert break_opportunities("図書館の新しい本を紹介します") == [4, 7, 9]
    # Korean: at spaces only (keep-all)
    text = "해리 포터와 마법사의 돌"
    assert [text[i - 1] for i in break_opportunities(text)] == [" ", " ", " "]


def test_a_real_japanese_title_never_splits_a_word(realdata):
    """goodbooks' "NARUTO -ナルト- 巻ノ四十三" was set "Naruto –ナル / ト- 巻ノ四十三"
    and Sailor Moon "セー / ラームーン": a line ends only between phrases."""
    import csv

    path = realdata / "books" / "goodbooks-10k_books_nonlatin_script.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        titles = [r["original_title"] for r in csv.DictReader(fh)]
    naruto = next(t for t in titles if "\u30ca\u30eb\u30c8" in t)
    moon = next(t for t in titles if "\u30bb\u30fc\u30e9\u30fc" in t)
    for text, word in ((naruto, "\u30ca\u30eb\u30c8"), (moon, "\u30bb\u30fc\u30e9\u30fc\u30e0\u30fc\u30f3")):
        start = text.index(word)
        assert not [i for i in break_opportunities(text) if start < i < start + len(word)], text
    for width in (300, 420, 560):
        block = layout_text([Span(naruto, TextStyle(family="Plus Jakarta Sans", size=76,
                                                    weight=800))], width)
        assert not any(ln.text.endswith("\u30ca\u30eb") for ln in block.lines)


def test_small_kana_and_prolonged_sound_mark_do_not_start_a_line():
    text = "シャーロック・ホームズ"
    for i in break_opportunities(text):
        assert text[i] not in "ャー・ッ", (i, text[i])


def test_indices_are_code_points_outside_the_bmp():
    # ICU counts UTF-16 units; an emoji or a CJK Extension B character is one index here
    text = "\U0002000b\U0002000b\U0002000b"
    assert break_opportunities(text) == [1, 2]
    text = "buku \U0001f4da baru"
    assert _pieces(text) == ["buku ", "\U0001f4da ", "baru"]


def test_spaces_and_hyphens():
    assert _pieces("Laskar Pelangi") == ["Laskar ", "Pelangi"]
    assert _pieces("well-known") == ["well-", "known"]
    assert break_opportunities("") == [] and break_opportunities("a") == []


def test_word_broken_inside_only_when_it_alone_is_too_wide():
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    block = layout_text([Span(f"A {word}", STYLE)], 300)
    assert block.broken_words
    assert block.lines[0].text == "A"  # the short word is not pulled onto the long one
    assert all(ln.width <= 300.5 for ln in block.lines)
    fits = layout_text([Span("Laskar Pelangi Andrea Hirata", STYLE)], 300)
    assert not fits.broken_words


def test_break_opportunities_are_cached_per_string():
    from libmedia.typography.linebreak import _opportunities

    text = "Bumi Manusia \u2014 Pramoedya Ananta Toer (cache probe)"
    before = _opportunities.cache_info()
    first = break_opportunities(text)
    second = break_opportunities(text)
    after = _opportunities.cache_info()
    assert first == second
    assert after.hits >= before.hits + 1 and after.misses == before.misses + 1


# -- punctuation glued to the next word (catalogue data) -------------------------


def test_a_comma_or_slash_without_a_space_is_a_break_opportunity():
    assert _pieces("INSTITUTIONS,INSTITUTIONAL,CHANGE") == ["INSTITUTIONS,", "INSTITUTIONAL,", "CHANGE"]
    assert _pieces("Pendidikan/Pengembangan") == ["Pendidikan/", "Pengembangan"]
    assert _pieces("Ekonomi.Politik") == ["Ekonomi.", "Politik"]
    # numbers and initials stay whole
    assert "899.221 " in _pieces("899.221 3 HIR l") and "1,5 " in _pieces("1,5 juta")
    assert _pieces("J.K.Rowling")[0] == "J.K.Rowling"


def test_a_real_glued_title_breaks_at_its_commas_not_inside_words(realdata):
    """The Indonesian inventory's 'INSTITUTIONS,INSTITUTIONAL,CHANGE AND ECONOMIC
    PERFORMANCE' broke as 'INSTITUTIONS,INST / ITUTIONAL,CHANG / E'."""
    import csv

    path = realdata / "indonesia" / "perpus_inventory_buku.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        title = next(c for row in csv.reader(fh) for c in row if c.startswith("INSTITUTIONS,"))
    style = TextStyle(family="Plus Jakarta Sans", size=76, weight=800)
    block = layout_text([Span(title, style)], 700)
    assert not block.broken_words
    assert [ln.text.strip() for ln in block.lines][:2] == ["INSTITUTIONS,", "INSTITUTIONAL,"]


def test_a_japanese_phrase_wider_than_its_box_breaks_at_a_script_seam():
    """The stand-in cover of "美少女戦士セーラームーン新装版 1" (goodbooks) set
    "戦士セーラーム / ーン新装版": a phrase too wide for the line breaks
    between kanji and katakana first, and never before ー or small kana."""
    title = "\u7f8e\u5c11\u5973\u6226\u58eb\u30bb\u30fc\u30e9\u30fc\u30e0\u30fc\u30f3\u65b0\u88c5\u7248 1"
    style = TextStyle(family="Literata", size=30, weight=600)
    block = layout_text([Span(title, style)], 260)
    assert "\u30bb\u30fc\u30e9\u30fc\u30e0\u30fc\u30f3" in [ln.text for ln in block.lines]
    for width in (120, 150, 200, 260):
        for ln in layout_text([Span(title, style)], width).lines:
            assert ln.text[:1] not in "\u30fc\u30e3\u30e5\u30e7\u30c3", (width, ln.text)
