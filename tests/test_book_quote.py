"""The book-quote template: every format it lists, short and long quotes,
both languages, covers real and missing, Arabic, captions and alt text."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest

from libmedia.brand import load_brand
from libmedia.cover import MIN_CONTRAST, contrast, luminance
from libmedia.formats import CAPTION_LIMITS, get_format
from libmedia.palette import palette_from_image
from libmedia.render import RenderInput, render, render_until, sample_records
from libmedia.sources import Record
from libmedia.templating import load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "book-quote"
SAMPLES_KIT = ROOT / "samples" / "libmedia.toml"
#: Lint codes no quote of 40 to 400 characters may raise, in any format.
NEVER = {"missing-glyph", "touching-lines", "bare-break", "low-contrast", "safe-zone", "small-text",
         "truncated", "shortened-with-room", "upscaled"}

SHORT = "Buku adalah jendela dunia bagi siapa saja."  # 42 characters
LONG = ("Kita telah melawan, Nak, Nyo. Sebaik-baiknya, sehormat-hormatnya. Dan setiap perlawanan, "
        "betapapun kecilnya, adalah tanda bahwa kita masih manusia yang punya harga diri. Jangan "
        "pernah lupa bahwa orang yang tak pernah membaca adalah orang yang membiarkan orang lain "
        "menulis hidupnya, dan perpustakaan adalah tempat kita belajar menulis hidup kita sendiri "
        "dengan lebih baik lagi. Bacalah, dan tulislah.")
assert len(LONG) == 400 and len(SHORT) >= 40


@pytest.fixture(scope="module")
def template():
    return load_template(TEMPLATE)


@pytest.fixture(scope="module")
def kits():
    kit = load_brand(SAMPLES_KIT)
    return {"id": kit, "en": replace(kit, language="en")}


def record(quote: str, cover: str = "assets/sample-cover.jpg", **more) -> Record:
    fields = {"quote": quote, "title": "Bumi Manusia", "author": "Pramoedya Ananta Toer",
              "cover": cover, "page": "77", "call_number": "899.221 3 TOE b", "language": "id", **more}
    return Record(row=1, line=2, fields=fields, raw=dict(fields))


def run(template, kit, fmt: str, rec: Record | None = None):
    recs = [rec] if rec is not None else sample_records(template)
    return render(RenderInput(template, recs, get_format(fmt), kit, search_dirs=[template.path]))


def check_page(page, fmt) -> None:
    """Every box inside the canvas, text inside the safe zone, no line wider
    than its box, no text block taller than its box."""
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
            assert line.x >= -0.5 and line.x + line.width <= node.content.w + 0.5, (el.path, line.text)
        assert node.box.x >= left - 0.5 and node.box.right <= fmt.width - right + 0.5, el.path
        assert node.box.y >= top - 0.5 and node.box.bottom <= fmt.height - bottom + 0.5, el.path


def quote_node(page):
    return next(n for n in page.find("text") if n.element.get("fit") == "shrink"
                and n.element.get("role") == "subtitle")


def test_template_lists_five_formats(template):
    assert template.formats == ["instagram-portrait", "instagram-square", "instagram-story",
                                "facebook-post", "x-post"]
    assert template.required_fields == ["quote"]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("fmt", ["instagram-portrait", "instagram-square", "instagram-story",
                                 "facebook-post", "x-post"])
def test_sample_renders_clean_in_every_format(template, kits, fmt, lang):
    f = get_format(fmt)
    r = run(template, kits[lang], fmt)
    assert r.image.size == f.size
    assert r.image.getchannel("A").getextrema() == (255, 255)
    assert not r.warnings, [w.message for w in r.warnings]
    check_page(r.page, f)
    # the page wears the sample cover's terracotta, the text reads on it
    bg = r.page.root.element.get("background")
    assert bg[0] > bg[1] + 40 and bg[0] > bg[2] + 40, bg
    q = quote_node(r.page)
    assert contrast(q.text.lines[0].segments[0].style.color, bg) >= MIN_CONTRAST
    if f.orientation != "landscape":  # portrait, square, story say what the post is
        assert t_eyebrow(lang) in r.markup


def t_eyebrow(lang: str) -> str:
    return {"id": "Kutipan buku", "en": "From the shelves"}[lang]


@pytest.mark.parametrize("fmt", ["instagram-portrait", "instagram-square", "instagram-story",
                                 "facebook-post", "x-post"])
@pytest.mark.parametrize("quote", [SHORT, LONG], ids=["40", "400"])
@pytest.mark.parametrize("cover", ["assets/sample-cover.jpg", ""], ids=["cover", "no-cover"])
def test_quotes_of_40_to_400_characters_fit_every_format(template, kits, fmt, quote, cover):
    f = get_format(fmt)
    r = run(template, kits["id"], fmt, record(quote, cover))
    codes = {w.code for w in r.warnings} - {"placeholder"}
    assert not codes & NEVER, [w.message for w in r.warnings]
    check_page(r.page, f)
    q = quote_node(r.page)
    assert not q.text.truncated
    shown = "".join(s.text for ln in q.text.lines for s in ln.segments).replace("\u00ad", "")
    assert re.sub(r"[\s-]", "", quote) in re.sub(r"[\s-]", "", shown)
    # a short quote is set larger than a long one
    assert q.text.lines[0].segments[0].style.size >= (60 if quote is SHORT and not f.orientation ==
                                                          "landscape" else 27)


def test_short_quote_is_set_larger_than_a_long_one(template, kits):
    sizes = {}
    for name, quote in (("short", SHORT), ("long", LONG)):
        r = run(template, kits["id"], "instagram-portrait", record(quote))
        sizes[name] = quote_node(r.page).text.lines[0].segments[0].style.size
    assert sizes["short"] >= 1.6 * sizes["long"], sizes


def test_too_long_a_quote_is_shortened_with_an_ellipsis_and_a_warning(template, kits):
    r = run(template, kits["id"], "facebook-post", record(LONG * 3))
    q = quote_node(r.page)
    assert q.text.truncated and q.text.lines[-1].text.rstrip("”").endswith("…")
    assert "truncated" in {w.code for w in r.warnings}
    check_page(r.page, get_format("facebook-post"))


def test_no_cover_takes_the_brand_colours_and_leaves_the_cover_out(template, kits):
    kit = kits["id"]
    r = run(template, kit, "instagram-portrait", record(SHORT, cover=""))
    assert r.page.root.element.get("background") == kit.colors["primary"]
    assert not r.page.find("image") or all(n.element.get("src") == "brand:logo" for n in r.page.find("image"))
    assert not r.warnings


def test_missing_cover_file_draws_a_stand_in_in_its_tone(template, kits):
    r = run(template, kits["id"], "instagram-portrait", record(SHORT, cover="nowhere/missing.jpg"))
    assert {w.code for w in r.warnings} == {"placeholder"}
    stand_in = next(n for n in r.page.find("image") if n.stand_in is not None)
    assert r.page.root.element.get("background") == stand_in.stand_in.style.base
    assert "polos" in r.alt  # the alt text says the cover is a plain one


def test_white_and_black_real_covers(template, kits, realdata, tmp_path):
    import shutil

    for name, light in (("postgresql.jpg", True), ("mysql_def_guide.jpg", False)):
        shutil.copy(realdata / "slims" / "covers" / name, tmp_path / name)
        rec = record(LONG, cover=name)
        inp = RenderInput(template, [rec], get_format("instagram-portrait"), kits["en"],
                          search_dirs=[tmp_path])
        r = render(inp)
        bg = r.page.root.element.get("background")
        assert (luminance(bg) > 0.85) is light
        ink = quote_node(r.page).text.lines[0].segments[0].style.color
        assert (luminance(ink) < 0.05) is light
        assert not {w.code for w in r.warnings} & NEVER


def test_arabic_quote_is_right_aligned_with_its_mark_on_the_right(template, kits):
    quote = "العلم نور والجهل ظلام، ومن طلب العلا سهر الليالي في طلب المعرفة والحكمة."
    r = run(template, kits["id"], "instagram-portrait", record(quote, language="ar", title="كتاب الحكمة"))
    assert not {w.code for w in r.warnings} & NEVER, [w.message for w in r.warnings]
    q = quote_node(r.page)
    for line in q.text.lines:  # every line ends at the right edge of the box
        assert abs(line.x + line.width - q.content.w) < 1.5, (line.x, line.width, q.content.w)
    assert any(ln.x > 20 for ln in q.text.lines)  # and the ragged edge is the left one
    mark = next(n for n in r.page.find("text") if n.element.plain_text in ("«", "“"))
    assert mark.element.plain_text == "«"
    assert mark.box.x >= q.box.right - 0.5  # it hangs in the right margin
    assert "»" in q.text.lines[-1].text


def test_latin_mark_hangs_left_and_inner_quotes_become_single(template, kits):
    r = run(template, kits["en"], "instagram-square",
            record('"Given enough eyeballs, all bugs are shallow." That is "Linus\'s Law".'))
    q = quote_node(r.page)
    mark = next(n for n in r.page.find("text") if n.element.plain_text == "“")
    assert mark.box.right <= q.box.x + 0.5
    text = "".join(ln.text for ln in q.text.lines)
    assert text.startswith("‘Given") and "‘Linus’s Law’" in text and text.endswith("”")
    assert "“" not in text
    assert "‘Given enough eyeballs" in r.caption and "‘Given enough eyeballs" in r.alt


def test_wrapping_quotation_marks_of_the_data_are_taken_off(template, kits):
    r = run(template, kits["id"], "instagram-portrait", record("“" + SHORT + "”"))
    text = "".join(ln.text for ln in quote_node(r.page).text.lines)
    assert text.replace(" ", "") == (SHORT + "”").replace(" ", "")
    assert r.caption.startswith("“Buku adalah") and not r.caption.startswith("““")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_caption_and_alt_text(template, kits, lang):
    r = run(template, kits[lang], "instagram-portrait")
    quote = "Seorang terpelajar harus juga berlaku adil sudah sejak dalam pikiran, apalagi dalam perbuatan."
    assert r.caption.startswith("“" + quote + "”")
    assert "Pramoedya Ananta Toer" in r.caption and "“Bumi Manusia”" in r.caption
    assert ("hlm. 77" if lang == "id" else "p. 77") in r.caption
    tags = r.caption.rsplit("\n\n", 1)[1].split()
    # a quotation is not a new arrival: the kit's first tag, then the quote's own in the post's language
    assert not {"#bukubaru", "#koleksibaru", "#newbooks"} & set(tags), tags
    assert tags[1:3] == (["#kutipanbuku", "#bacabuku"] if lang == "id" else ["#bookquotes", "#reading"])
    assert "#BumiManusia" in r.caption
    assert quote in r.alt and "Bumi Manusia" in r.alt and "Pramoedya Ananta Toer" in r.alt
    if lang == "id":
        assert r.alt.startswith("Kartu kutipan buku dari") and "halaman 77" in r.alt
    else:
        assert r.alt.startswith("Book quote card from") and "page 77" in r.alt
    assert "{" not in r.caption + r.alt and "None" not in r.caption + r.alt


def test_caption_stays_within_instagram_limits_for_the_longest_quote(template, kits):
    kit = replace(kits["id"], hashtags=tuple(f"#tag{n}" for n in range(29)))
    r = run(template, kit, "instagram-portrait", record(LONG * 6, subject="Sastra; Sejarah; Politik"))
    limit = CAPTION_LIMITS["Instagram"]
    assert len(r.caption) <= limit.characters
    assert len(re.findall(r"#\w+", r.caption)) <= limit.hashtags


def test_same_input_same_bytes(template, kits):
    def png(r) -> bytes:
        buf = io.BytesIO()
        r.image.save(buf, "PNG")
        return buf.getvalue()

    a = run(template, kits["id"], "instagram-story", record(LONG))
    b = run(template, kits["id"], "instagram-story", record(LONG))
    assert png(a) == png(b)
    assert a.caption == b.caption and a.alt == b.alt


def test_palette_of_the_page_is_the_cover_s(template, kits):
    """The markup asks for cover:dominant; the style stage gave the sample cover's."""
    stages = render_until(RenderInput(template, sample_records(template), get_format("instagram-square"),
                                      kits["id"], search_dirs=[template.path]), "layout")
    assert 'background="cover:dominant"' in stages.markup
    cover = next(a for a in stages.assets.values() if a.source.endswith("sample-cover.jpg"))
    expected = palette_from_image(cover.image, kits["id"].colors)
    assert stages.page.root.element.get("background") == expected.dominant
    assert expected.has_accent


def test_indonesian_quote_columns_are_understood(tmp_path):
    from libmedia.sources import read_records

    data = tmp_path / "kutipan.csv"
    data.write_text("Kutipan,Judul,Pengarang,Halaman\n"
                    '"Hidup sekadar menunda kekalahan.",Bumi Manusia,Pramoedya Ananta Toer,112\n',
                    encoding="utf-8")
    record = read_records(data).records[0]
    assert record.fields["quote"] == "Hidup sekadar menunda kekalahan."
    assert record.fields["page"] == "112"
    assert record.fields["title"] == "Bumi Manusia"


def test_check_and_batch_agree_on_a_quote_without_a_cover(tmp_path):
    """book-quote leaves the cover out when a row names none, so a batch says
    nothing about it, and check neither; a cover named but missing is drawn
    as a stand-in, and both say so."""
    from click.testing import CliRunner

    from libmedia.check import check_data
    from libmedia.cli import main

    data = tmp_path / "quotes.csv"
    data.write_text("title,author,quote,cover\n"
                    "Bumi Manusia,Pramoedya Ananta Toer,Seorang terpelajar harus adil.,\n"
                    "Laskar Pelangi,Andrea Hirata,Hiduplah untuk memberi.,hilang.jpg\n",
                    encoding="utf-8")
    rep = check_data("book-quote", str(data))
    assert rep.stand_in_fields == []
    assert [(p.code, p.location.row) for p in rep.problems] == [("placeholder", 3)]
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", "book-quote", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "1 with warnings" in res.output and "row 3" in res.output
    # no cover column: posts are made without one, not with a stand-in
    (tmp_path / "bare.csv").write_text("title,author,quote\nBumi Manusia,Pramoedya,Adil.\n",
                                       encoding="utf-8")
    res = CliRunner().invoke(main, ["check", "book-quote", str(tmp_path / "bare.csv")])
    assert "optional field 'cover': posts are made without it" in res.output, res.output
    # new-book does draw a stand-in for an empty cover: check still says so
    rep = check_data("new-book", str(data))
    assert rep.stand_in_fields == ["cover"]
    assert [p.code for p in rep.problems if p.location.field == "cover"] == \
        ["placeholder", "placeholder"]
