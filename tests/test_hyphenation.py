"""Dictionary hyphenation, last-resort breaks and names kept together, on
real catalogue titles (issue 7, item 2)."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest

from libmedia.style import style_document
from libmedia.textfilters import keep_name_together, names
from libmedia.typography import Span, TextStyle, layout_text
from libmedia.typography.hyphenate import (
    dictionary,
    guess_language,
    hyphen_points,
    mark,
    text_language,
)
from libmedia.typography.linebreak import break_opportunities

#: The default kit's title role, as new-book sets it.
TITLE = TextStyle(family="Plus Jakarta Sans", size=76, weight=800, line_height=1.08, language="id")
BYLINE = TextStyle(family="Inter", size=36, weight=500, line_height=1.3, language="id")
SQUARE_W = 463.2  # new-book's square text column


def _inventory_title(realdata, prefix: str) -> str:
    path = realdata / "indonesia" / "perpus_inventory_buku.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return next(c for row in csv.reader(fh) for c in row if c.startswith(prefix))


def _inventory_author(realdata, title_prefix: str) -> str:
    path = realdata / "indonesia" / "perpus_inventory_buku.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return next(r["nama_pengarang"] for r in csv.DictReader(fh)
                    if r["judul_buku"].startswith(title_prefix))


# -- the dictionary -----------------------------------------------------------------


def test_languages_map_to_pyphen_dictionaries():
    assert dictionary("id") == "id" and dictionary("ind") == "id" and dictionary("ms-MY") == "id"
    assert dictionary("en") == "en_US" and dictionary("eng") == "en_US"
    assert dictionary("en-GB") == "en_GB"
    assert dictionary("ar") is None and dictionary("ja") is None and dictionary(None) is None


def test_points_follow_the_language_and_keep_two_letters_before_three_after():
    # PUEBI syllables: pe-ngem-bang-an; "-AN" alone is never left on a line
    assert hyphen_points("pengembangan", "id") == (2, 6)
    assert hyphen_points("institutional", "en_US") == (2, 5, 7)
    for word, d in [("pengembangan", "id"), ("perpustakaan", "id"), ("information", "en_US")]:
        assert all(2 <= p <= len(word) - 3 for p in hyphen_points(word, d))


def test_all_caps_and_mixed_case_words_hyphenate_as_their_lower_case():
    assert hyphen_points("PENGEMBANGAN", "id") == hyphen_points("pengembangan", "id")
    assert hyphen_points("INSTITUTIONAL", "en_US") == hyphen_points("institutional", "en_US")
    assert hyphen_points("McINTOSH", "en_US") == hyphen_points("mcintosh", "en_US")


@pytest.mark.parametrize("text", [
    "899.221 3 HIR l",                      # a call number
    "978-602-03-3295-6",                    # an ISBN
    "https://perpustakaan.example.id/katalog",
    "www.perpustakaanbaru.com",
    "perpusnas.go.id/koleksi",
    "pustakawan@perpustakaan.id",
    "Abad-21 Pendidikan2020",               # words with digits
    "村上春樹ノルウェイの森",                   # CJK
    "ภาษาไทยสำหรับชาวต่างประเทศ",            # Thai
    "الأعمال الكاملة",                       # Arabic
    "Buku",                                 # too short
])
def test_what_is_never_hyphenated(text):
    assert mark(text, "id") == (text, ())
    assert mark(text, "en") == (text, ())


def test_a_soft_hyphen_typed_in_the_data_is_the_authors_choice():
    text = "Pengem\u00adbangan"
    assert mark(text, "id") == (text, ())


def test_the_text_says_which_of_indonesian_and_english_it_is():
    title = "INSTITUTIONS,INSTITUTIONAL,CHANGE AND ECONOMIC PERFORMANCE"
    assert guess_language(title) == "en"
    assert guess_language("PEMBERDAYAAN,PENGEMBANGAN,DAN INTERVENSI KOMUNITAS") == "id"
    assert text_language("id", title) == "en"      # an English book in an Indonesian library
    assert text_language("en", "Sejarah dan Budaya") == "id"
    assert text_language("id", "PENGEMBANGAN") == "id"  # no evidence: the brand's language
    assert text_language("de", title) == "de"      # any other tag is kept


# -- hyphenation before any unmarked break --------------------------------------------


def test_the_inventory_word_that_broke_as_pengembang_an_is_hyphenated(realdata):
    """'PEMBERDAYAAN,PENGEMBANGAN,DAN INTERVENSI KOMUNITAS' broke as
    'PENGEMBANG / AN'.  In a box narrower than the word it now breaks at
    a syllable, with a hyphen."""
    title = _inventory_title(realdata, "PEMBERDAYAAN,PENGEMBANGAN")
    block = layout_text([Span(title, TITLE)], 420)
    texts = [ln.text for ln in block.lines]
    assert "PENGEM-" in texts and "PENGEMBANG" not in texts
    assert block.hyphenated == sum(t.endswith("-") for t in texts) >= 1
    assert block.bare_breaks == 0
    assert all(ln.width <= 420.5 for ln in block.lines)


def test_institutions_institutional_breaks_by_english_rules(realdata):
    """'INSTITUTIONS,INST / ITUTIONAL,CHANG / E': at a size where
    'INSTITUTIONAL,' is wider than the box it is hyphenated as English."""
    title = _inventory_title(realdata, "INSTITUTIONS,")
    big = TextStyle(family="Plus Jakarta Sans", size=96, weight=800, language="id")
    block = layout_text([Span(title, big)], SQUARE_W)
    texts = [ln.text for ln in block.lines]
    assert texts[:4] == ["INSTITU-", "TIONS,", "INSTITU-", "TIONAL,"]
    assert block.hyphenated == sum(t.endswith("-") for t in texts) >= 2
    assert block.bare_breaks == 0


def test_a_title_is_shrunk_before_it_is_hyphenated(realdata):
    """new-book's square title (fit shrink, min-size 40): a word that fits
    at a smaller size is not hyphenated."""
    title = _inventory_title(realdata, "PEMBERDAYAAN,PENGEMBANGAN")
    block = layout_text([Span(title, TITLE)], SQUARE_W, max_lines=5, fit="shrink", min_size=40,
                        balance=True)
    assert block.hyphenated == 0 and block.bare_breaks == 0 and not block.truncated
    assert 40 <= block.size < 76


def test_a_word_too_wide_at_the_floor_is_hyphenated_at_the_largest_size_it_needs():
    word = "KEWARGANEGARAAN" * 2  # wider than the column even at 40 px
    block = layout_text([Span(word, TITLE)], SQUARE_W, max_lines=5, fit="shrink", min_size=40)
    floor = layout_text([Span(word, replace(TITLE, size=40))],
                        SQUARE_W, max_lines=5)
    assert floor.hyphenated >= 1
    assert block.bare_breaks == 0 and not block.truncated
    assert 1 <= block.hyphenated <= floor.hyphenated
    assert block.size >= 40


def test_a_grapheme_break_only_where_no_hyphenation_point_fits():
    # a language pyphen has no patterns for: a bare break, counted
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    ja = TextStyle(family="Plus Jakarta Sans", size=76, weight=800, language="ja")
    block = layout_text([Span(word, ja)], 300)
    assert block.bare_breaks == len(block.lines) - 1 >= 1 and block.hyphenated == 0
    hyph = layout_text([Span(word, replace(TITLE, language="en"))], 400)
    assert hyph.bare_breaks == 0 and hyph.hyphenated == len(hyph.lines) - 1 >= 1
    # CJK lines end between characters with no mark: not a bare break
    cjk = layout_text([Span("村上春樹ノルウェイの森海辺のカフカ", TITLE)], 300)
    assert len(cjk.lines) > 1 and cjk.bare_breaks == 0 and cjk.hyphenated == 0


def test_hyphenation_is_not_used_where_a_space_fits():
    block = layout_text([Span("PENGEMBANGAN KURIKULUM SEKOLAH", TITLE)], 760)
    assert block.hyphenated == 0 and not block.broken_words
    assert [ln.text for ln in block.lines] == ["PENGEMBANGAN", "KURIKULUM", "SEKOLAH"]


def test_soft_hyphens_and_glued_punctuation_still_break():
    shy = layout_text([Span("Ensiklo\u00adpedia Nusantara", TITLE)], 420)
    assert shy.lines[0].text == "Ensiklo-"
    ops = break_opportunities("PEMBERDAYAAN,PENGEMBANGAN,DAN")
    assert ops == [13, 26]  # after each glued comma, and nowhere else


# -- names kept together ------------------------------------------------------------


def test_names_are_joined_with_no_break_spaces_per_person():
    assert names("STAN DAVIS & DAVID McINTOSH") == "STAN\u00a0DAVIS & DAVID\u00a0McINTOSH"
    assert names(["Andrea Hirata", "Ahmad Tohari"]) == "Andrea\u00a0Hirata & Ahmad\u00a0Tohari"
    assert keep_name_together("Budi Darma dan Sapardi Djoko Damono") == \
        "Budi\u00a0Darma dan Sapardi\u00a0Djoko\u00a0Damono"
    assert keep_name_together("Smith and Jones") == "Smith and Jones"
    assert keep_name_together("村上 春樹") == "村上\u00a0春樹"


def test_a_byline_of_two_names_never_leaves_a_surname_alone(realdata):
    """'STAN DAVIS & DAVID / McINTOSH' (the inventory's byline): the second
    name moves whole to the next line."""
    author = _inventory_author(realdata, "THE ART OF BUSINESS")
    plain = layout_text([Span(author, BYLINE)], SQUARE_W, max_lines=2)
    assert [ln.text for ln in plain.lines][-1] == "McINTOSH"  # how it was
    block = layout_text([Span(names(author, 3, "id"), BYLINE)], SQUARE_W, max_lines=2)
    assert [ln.text for ln in block.lines] == ["STAN\u00a0DAVIS &", "DAVID\u00a0McINTOSH"]
    assert not block.truncated and not block.broken_words


def test_a_name_wider_than_the_box_breaks_between_its_words_not_inside():
    name = names("Sapardi Djoko Damono")
    block = layout_text([Span(name, BYLINE)], 260)
    texts = [ln.text for ln in block.lines]
    assert texts == ["Sapardi", "Djoko\u00a0Damono"]  # the surname keeps a companion
    assert block.hyphenated == 0 and block.bare_breaks == 0
    assert all(ln.width <= 260.5 for ln in block.lines)


@pytest.mark.parametrize("author, lines", [
    # a name wider than the square column: no surname alone on the second line
    ("JOHANES ARIFFIN WIJAYA", ["JOHANES", "ARIFFIN\u00a0WIJAYA"]),
    # glued initials: the line ends at a space of the name, not after "RD."
    ("RD.BUDI YUNIARSA R.SASRAATMADJA", ["RD.BUDI\u00a0YUNIARSA", "R.SASRAATMADJA"]),
    # names joined by hyphens, as the inventory has them: still two lines, not cut
    ("ADAM KHOO-CONRAD ALVIN LIM-RYAN HUANG",
     ["ADAM\u00a0KHOO-CONRAD", "ALVIN\u00a0LIM-RYAN\u00a0HUANG"]),
])
def test_inventory_bylines_wider_than_the_column(realdata, author, lines):
    path = realdata / "indonesia" / "perpus_inventory_buku.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        assert any(r["nama_pengarang"] == author for r in csv.DictReader(fh))
    block = layout_text([Span(names(author, 3, "id"), BYLINE)], SQUARE_W, max_lines=2)
    assert [ln.text for ln in block.lines] == lines
    assert not block.truncated and not block.broken_words


def test_arabic_and_cjk_names_with_no_break_spaces_set_whole():
    for author in ["نجيب محفوظ", "村上 春樹", "Haruki Murakami, 村上春樹"]:
        block = layout_text([Span(names(author), BYLINE)], 900)
        assert len(block.lines) == 1 and not block.missing, author
    arabic = layout_text([Span(names("نجيب محفوظ"), BYLINE)], 900)
    assert arabic.direction == "rtl"
    assert arabic.lines[0].text == "نجيب\u00a0محفوظ"


# -- the brand's language -----------------------------------------------------------


def test_the_style_stage_gives_text_the_brands_language_unless_it_has_its_own():
    from libmedia.markup import parse_markup

    doc = parse_markup('<canvas><text role="title">Buku</text>'
                       '<text role="title" lang="en">Book</text></canvas>', "t.xml")
    types = {"title": {"family": "Inter", "size": 40}}
    styled = style_document(doc, types, {}, "t.xml", "id")
    langs = sorted(base.language for base, _ in styled.text.values())
    assert langs == ["en", "id"]
    assert all(s.language == base.language for base, spans in styled.text.values() for s in spans)
    unset = style_document(doc, types, {}, "t.xml")
    assert sorted(str(base.language) for base, _ in unset.text.values()) == ["None", "en"]


def test_names_are_split_rather_than_an_author_cut(realdata):
    """goodbooks' 'J.K. Rowling, Mary GrandPré, Rufus Beck' needs three lines
    with every name whole; the byline has two, so names break at their
    spaces rather than lose the third author to an ellipsis."""
    path = realdata / "books" / "goodbooks-10k_books_first2000.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        authors = next(r["authors"] for r in csv.DictReader(fh)
                       if r["authors"] == "J.K. Rowling, Mary GrandPré, Rufus Beck")
    block = layout_text([Span(names(authors, 3, "en"), BYLINE)], SQUARE_W, max_lines=2)
    assert not block.truncated and len(block.lines) == 2
    assert block.lines[-1].text.endswith("Rufus Beck")


@pytest.mark.parametrize("balance", [False, True])
def test_the_counts_match_the_lines_as_set(balance):
    """hyphenated and bare_breaks count the line ends of the block as drawn,
    balanced or not (en_US has no point inside 'trepreneur', so one break
    there is bare at this fixed size)."""
    title = "INTRODUCTION TO ENTREPRENEURSHIP"
    block = layout_text([Span(title, TITLE)], 420, balance=balance)
    texts = [ln.text for ln in block.lines]
    hyph = bare = 0
    pos = 0
    for t in texts[:-1]:
        shown = t[:-1] if t.endswith("-") else t
        pos = title.index(shown, pos) + len(shown)
        if t.endswith("-"):
            hyph += 1
        elif title[pos].isalpha():
            bare += 1
    assert (block.hyphenated, block.bare_breaks) == (hyph, bare)
    assert hyph >= 1 and bare == 1


def test_no_break_spaces_never_reach_a_hashtag():
    from libmedia.textfilters import hashtag

    assert hashtag(names("Andrea Hirata")) == "#AndreaHirata"
    assert "\u00a0" not in hashtag(names("STAN DAVIS & DAVID McINTOSH"))


def test_a_cjk_name_stays_on_one_line(realdata):
    """'Haruki Murakami, 村上 春樹' in the square byline: the Japanese name
    is never split between its characters (UAX #14 allows a break between
    any two ideographs); the line ends after the comma instead."""
    import csv as _csv

    path = realdata / "books" / "goodbooks-10k_books_nonlatin_script.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        author = next(r["authors"] for r in _csv.DictReader(fh)
                      if r["authors"].startswith("Haruki Murakami, \u6751\u4e0a"))
    block = layout_text([Span(names(author, 3, "en"), BYLINE)], SQUARE_W, max_lines=2)
    assert [ln.text for ln in block.lines] == ["Haruki\u00a0Murakami,", "\u6751\u4e0a\u00a0\u6625\u6a39"]
    # a name wider than the box alone still breaks, at its space first
    narrow = layout_text([Span(names("\u6751\u4e0a \u6625\u6a39", 3, "ja"), BYLINE)], 80)
    assert [ln.text for ln in narrow.lines] == ["\u6751\u4e0a", "\u6625\u6a39"]
    assert not narrow.overflow and not narrow.bare_breaks
