"""Captions platforms accept and that say the right words: text cut at a
word and grapheme-cluster boundary (case C33), hashtags that keep every
letter and mark of their script, Instagram's 30 hashtags and 2,200
characters (case C38)."""

from __future__ import annotations

import csv
import unicodedata

import pytest
from click.testing import CliRunner
from conftest import realdata_dir

from libmedia.cli import main
from libmedia.formats import CAPTION_LIMITS
from libmedia.textfilters import CAPTION_HASHTAG, TITLE_HASHTAG_LIMIT, cut, fit_caption, hashtag
from libmedia.typography.shaping import graphemes

C33 = realdata_dir() / "cases" / "C33_truncation_grapheme_clusters.csv"
C38 = realdata_dir() / "cases" / "C38_caption_limits"


def _c33_rows() -> list[dict[str, str]]:
    if not C33.is_file():
        return []
    with C33.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


C33_ROWS = _c33_rows()


def _assert_clean_cut(text: str, out: str, limit: int) -> None:
    """``out`` is ``text`` cut at ``limit``: within it, an ellipsis at the
    end, the rest whole grapheme clusters of ``text`` ending a word."""
    assert len(out) <= limit
    assert out.endswith("…")
    head = out[:-1]
    assert text.startswith(head)
    clusters = graphemes(text)
    assert graphemes(head) == clusters[:len(graphemes(head))]  # no cluster split
    after = text[len(head):len(head) + 1]
    # the word ends here: what follows is a space or the punctuation dropped before it
    assert after.isspace() or unicodedata.category(after).startswith("P"), (head[-20:], after)
    assert not head[-1:].isspace()


@pytest.mark.parametrize("number", range(1, len(C33_ROWS) + 1))
def test_c33_summary_cut_at_every_length_around_the_cluster(number):
    """Every row of C33: the summary cut at each length from a word before
    the flag / family / conjunct / skin-tone emoji to past it never splits
    the cluster and always ends a word."""
    text = C33_ROWS[number - 1]["Sinopsis"]
    # the row's one cluster of several code points, glued to a cut-off word
    clusters = graphemes(text)
    k = next(i for i, g in enumerate(clusters) if len(g) > 1)
    cluster, at = clusters[k], len("".join(clusters[:k]))
    assert abs(at - 400) < 5  # where the template's 400-character cut falls
    for limit in range(at - 12, at + len(cluster) + 14):
        out = cut(text, limit)
        _assert_clean_cut(text, out, limit)
        assert cluster not in out or out.index(cluster) + len(cluster) <= len(out) - 1
        assert not out[:-1].endswith("\u200d")  # no dangling joiner
        assert sum(0x1F1E6 <= ord(ch) <= 0x1F1FF for ch in out) % 2 == 0  # no half flag


@pytest.mark.parametrize("number", range(1, len(C33_ROWS) + 1))
def test_c33_rendered_caption_ends_its_summary_at_a_word(number, tmp_path, monkeypatch):
    """The new-book caption of each C33 row (the header is row 1): the summary (longer than the
    template's 400) ends with an ellipsis after a whole word."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "new-book", str(C33), "--row", str(number + 1),
                                       "--format", "instagram-square", "-o", "post.png"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    caption = (tmp_path / "post.caption.txt").read_text(encoding="utf-8")
    text = C33_ROWS[number - 1]["Sinopsis"]
    block = next(b for b in caption.split("\n\n") if b.startswith("Buku ini"))
    _assert_clean_cut(text, block, 400)


def test_cut_keeps_text_that_fits_and_cuts_unspaced_scripts_at_a_cluster():
    assert cut("Laskar Pelangi", 20) == "Laskar Pelangi"
    assert cut("Buku ini merangkum kegiatan literasi", 20) == "Buku ini merangkum…"
    assert cut("Satu, dua, tiga empat", 11) == "Satu, dua…"  # the comma goes with the cut
    thai = "ข้างหลังภาพเป็นนวนิยายของศรีบูรพา"  # no spaces: ICU's dictionary words
    assert cut(thai, 10) == "ข้างหลัง…"
    assert cut(thai, 14) == "ข้างหลังภาพ…"
    assert cut(thai, 20) == "ข้างหลังภาพเป็น…"
    assert cut("村上春樹の小説を読みました", 8) == "村上春樹の小説…"
    # one long word with no boundary at all: cut at a whole cluster
    assert cut("x" * 40, 10) == "x" * 9 + "…"
    flags = "🇮🇩🇯🇵🇹🇭🇮🇳🇲🇾"  # five flags, ten code points, no word boundary between them
    out = cut(flags, 6)
    assert out == "🇮🇩🇯🇵…"


def _letters(title: str) -> str:
    return "".join(ch for ch in title if unicodedata.category(ch)[0] in "LMN")


@pytest.mark.parametrize("title", [
    "गोदान",                     # Premchand, Hindi: matras
    "हिन्दी साहित्य का इतिहास",   # virama, nukta-free conjuncts
    "ข้างหลังภาพ",               # Thai vowels and tone marks
    "பொன்னியின் செல்வன்",        # Tamil vowel signs and pulli
    "ꦱꦼꦫꦠ꧀ꦕꦼꦤ꧀ꦛꦶꦤꦶ",           # Serat Centhini, Javanese script
    "কপালকুণ্ডলা",                # Bengali
])
def test_hashtag_keeps_every_letter_and_mark_of_the_script(title):
    assert hashtag(title) == "#" + _letters(title)


def test_hashtag_of_devanagari_was_misspelled_before():
    # the old [^\W_]+ dropped the vowel signs: "#हनद" is not a word
    assert hashtag("हिन्दी") == "#हिन्दी" != "#हनद"


def test_no_hashtag_without_a_letter_and_none_from_a_long_title():
    assert hashtag("1984") == ""
    assert hashtag("— · —") == ""
    assert hashtag("Laskar Pelangi") == "#LaskarPelangi"
    assert hashtag("Fahrenheit 451") == "#Fahrenheit451"
    long = "Notes from Underground, White Nights, The Dream of a Ridiculous Man"
    assert hashtag(long) != ""
    assert hashtag(long, TITLE_HASHTAG_LIMIT) == ""
    assert hashtag("Laskar Pelangi", TITLE_HASHTAG_LIMIT) == "#LaskarPelangi"


def test_hashtags_of_real_non_latin_titles_are_their_letters(realdata):
    """goodbooks-10k's titles in other scripts: each hashtag is the title's
    letters, marks and digits in order (before any series note or subject
    subdivision); a first Latin letter may be capitalised."""
    path = realdata / "books" / "goodbooks-10k_books_nonlatin_script.csv"
    with path.open(encoding="utf-8", newline="") as f:
        titles = [r["original_title"] for r in csv.DictReader(f) if r["original_title"].strip()]
    assert len(titles) > 20
    made = 0
    for title in titles:
        tag = hashtag(title)
        if not tag:
            assert not any(unicodedata.category(ch).startswith("L") for ch in title)
            continue
        made += 1
        letters = _letters(title.split(" -- ")[0].replace("'", "").replace("\u2019", ""))
        assert tag[1:].casefold() == letters.casefold(), title
    assert made > 20


def test_fit_caption_drops_generated_hashtags_from_the_end_first():
    kit = [f"#kit{i}" for i in range(28)]
    text = "Judul\n\n" + " ".join(kit + ["#JudulBuku", "#Fiksi", "#Laut", "#Sejarah"]) + "\n"
    out, notes = fit_caption(text, 2200, 30, kit)
    tags = CAPTION_HASHTAG.findall(out)
    assert tags == kit + ["#JudulBuku", "#Fiksi"]
    assert len(notes) == 1 and "#Laut #Sejarah" in notes[0] and "32 hashtags" in notes[0]
    assert out.endswith("#JudulBuku #Fiksi\n")


def test_fit_caption_drops_the_kits_own_last_when_the_kit_alone_is_too_many():
    kit = [f"#kit{i}" for i in range(32)]
    out, notes = fit_caption(" ".join(kit + ["#Judul"]) + "\n", 2200, 30, kit)
    assert CAPTION_HASHTAG.findall(out) == kit[:30]
    assert "left out #kit30 #kit31 #Judul" in notes[0]


def test_fit_caption_shortens_the_summary_then_the_whole():
    summary = "Kisah seorang anak nelayan yang belajar membaca. " * 60
    text = "Judul\n\n" + summary.strip() + "\n\nPinjam sekarang!\n\n#perpustakaan #Judul\n"
    out, notes = fit_caption(text, 2200, 30, ["#perpustakaan"], summary)
    assert len(out.rstrip("\n")) <= 2200
    assert out.startswith("Judul\n\nKisah seorang")
    assert out.endswith("Pinjam sekarang!\n\n#perpustakaan #Judul\n")  # only the summary changed
    assert "shortened the summary" in notes[0]
    block = out.split("\n\n")[1]
    _assert_clean_cut(summary, block, len(block))
    # without a summary to shorten, the caption itself is cut
    out, notes = fit_caption(text, 2200, 30, ["#perpustakaan"])
    assert len(out.rstrip("\n")) <= 2200 and out.rstrip("\n").endswith("…")
    assert "cut at the end" in notes[0]
    # a caption within the limits is left alone
    assert fit_caption("Judul\n\n#a #b\n", 2200, 30) == ("Judul\n\n#a #b\n", [])


def test_instagram_limits_are_published_ones():
    assert CAPTION_LIMITS["Instagram"].characters == 2200
    assert CAPTION_LIMITS["Instagram"].hashtags == 30


def test_c38_caption_within_instagram_limits_with_a_warning(tmp_path, monkeypatch):
    """C38: a brand kit of 30 hashtags and one book: the caption keeps the
    kit's 30, leaves out the book's title and subject tags, and says so in
    render, check --render and batch's manifest."""
    if not C38.is_dir():
        pytest.skip("no real data")
    monkeypatch.chdir(tmp_path)
    data = C38 / "C38_instagram_caption_limits.csv"
    runner = CliRunner()
    result = runner.invoke(main, ["render", "new-book", str(data), "--format", "instagram-square",
                                  "-o", "post.png"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    caption = (tmp_path / "post.caption.txt").read_text(encoding="utf-8")
    tags = CAPTION_HASHTAG.findall(caption)
    assert len(tags) == 30 and len(caption) <= 2200
    assert tags[0] == "#perpustakaan" and tags[-1] == "#ruangbaca"
    assert "left out #SenjaDiPelabuhanKecil #FiksiIndonesia #Laut" in result.output

    result = runner.invoke(main, ["check", "new-book", str(data), "--format", "instagram-square",
                                  "--render"], catch_exceptions=False)
    assert "caption-limit" in result.output and "#SenjaDiPelabuhanKecil" in result.output

    runner.invoke(main, ["batch", "new-book", str(data), "--format", "instagram-square",
                         "--out", "out"], catch_exceptions=False)
    manifest = (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
    assert '"caption-limit"' in manifest
