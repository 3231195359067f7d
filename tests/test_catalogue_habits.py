"""Catalogue habits turned into design: series notes, titles in capitals, the
record's language, and a long title set whole rather than cut (issue 7, item 6).

Every rule is shown on a real title (the goodbooks files, the Indonesian
inventory, SLiMS); the data-wide tests read ../shared/realdata and skip where
it is absent.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from libmedia.brand import load_brand
from libmedia.errors import BrandError, ProblemList
from libmedia.formats import get_format
from libmedia.jobs import open_template
from libmedia.render import RenderInput, render, render_until
from libmedia.sources import read_records
from libmedia.textfilters import (
    display_title,
    is_all_caps,
    language_tag,
    title_case,
    title_parts,
)

INVENTORY = "indonesia/perpus_inventory_buku.csv"
GOODBOOKS = "books/goodbooks-10k_books_first2000.csv"
GOODBOOKS_IND = "books/goodbooks-10k_books_lang_ind.csv"


def column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row[name] for row in csv.DictReader(f)]


# -- series notes -------------------------------------------------------------

@pytest.mark.parametrize("title,main,series", [
    ("The Hunger Games (The Hunger Games, #1)", "The Hunger Games", "The Hunger Games \u00b7 #1"),
    ("Laskar Pelangi (Tetralogi Laskar Pelangi, #1)", "Laskar Pelangi", "Tetralogi Laskar Pelangi \u00b7 #1"),
    ("Night Watch (Watch #1)", "Night Watch", "Watch \u00b7 #1"),
    ("The Firm (Penguin Readers, Level 5)", "The Firm", "Penguin Readers \u00b7 Level 5"),
    ("A Storm of Swords: Steel and Snow (A Song of Ice and Fire, #3: Part 1 of 2)", "A Storm of Swords",
     "A Song of Ice and Fire \u00b7 #3: Part 1 of 2"),
    ("Four: A Divergent Story Collection (Divergent, #0.1 - 0.4)", "Four", "Divergent \u00b7 #0.1 - 0.4"),
    # Indonesian habits: "(Seri ...)", and the inventory's lower-case "seri ..." after the title
    ("Lima Sekawan di Pulau Harta (Seri Lima Sekawan, #1)", "Lima Sekawan di Pulau Harta",
     "Seri Lima Sekawan \u00b7 #1"),
    ("RELAWAN DUNIA seri rumah dunia", "RELAWAN DUNIA", "Seri Rumah Dunia"),
    # brackets that are part of the title stay in it
    ("I Am America (And So Can You!)", "I Am America (And So Can You!)", ""),
    ("The Silmarillion (Middle-Earth Universe)", "The Silmarillion (Middle-Earth Universe)", ""),
])
def test_series_note_is_its_own_line(title, main, series):
    parts = title_parts(title)
    assert (parts["main"], parts["series"]) == (main, series)


def test_caption_title_keeps_the_series_note_in_brackets():
    assert display_title("The Hunger Games (The Hunger Games, #1)") == "The Hunger Games (The Hunger Games, #1)"
    assert display_title("Four: A Divergent Story Collection (Divergent, #0.1 - 0.4)") == \
        "Four: A Divergent Story Collection (Divergent, #0.1 - 0.4)"


def test_every_goodbooks_series_note_is_taken_out(realdata):
    titles = column(realdata / GOODBOOKS, "title") + column(realdata / GOODBOOKS_IND, "title")
    noted = [t for t in titles if re.search(r"#\s*\d[^()]*\)\s*$", t)]
    assert len(noted) > 800  # 827 of the first 2,000 and 8 of the Indonesian file
    for t in noted:
        parts = title_parts(t)
        assert parts["series_number"].startswith("#"), t
        assert "#" not in parts["main"] and "#" not in parts["subtitle"], t
        assert parts["main"], t


# -- title case ----------------------------------------------------------------

@pytest.mark.parametrize("caps,cased", [
    # Indonesian small words (PUEBI): dan, di, ke, dari, yang, untuk, dalam, dengan...
    ("DUNIA USAHA DAN ETIKA BISNIS", "Dunia Usaha dan Etika Bisnis"),
    ("METODE STATISTIKA UNTUK BISNIS DAN EKONOMI", "Metode Statistika untuk Bisnis dan Ekonomi"),
    ("EKONOMI INDONESIA DALAM LINTASAN SEJARAH", "Ekonomi Indonesia dalam Lintasan Sejarah"),
    ("CERDAS MEMILIH EMAS DAN PERAK", "Cerdas Memilih Emas dan Perak"),
    # English small words (Chicago), chosen from the title's own words
    ("THE POLITICS OF WELFARE CONTESTED WELFARE REGIMES IN INDONESIA",
     "The Politics of Welfare Contested Welfare Regimes in Indonesia"),
    ("WHY NATIONS FAIL", "Why Nations Fail"),
    ("THE WOLF OF WALL STREET", "The Wolf of Wall Street"),
    # first and last word always capitalised, and the first after a colon
    ("BERPIKIR EKONOMIS DI MASA KRISIS", "Berpikir Ekonomis di Masa Krisis"),
    ("TEORI KEBIJAKAN: DARI TEORI KE PRAKTIK", "Teori Kebijakan: Dari Teori ke Praktik"),
    ("MONEY MASTER THE GAME", "Money Master the Game"),
    # hyphenated words, each part capitalised
    ("KATA-KATA MENGAJAR KETELADANAN MEMBIMBING", "Kata-Kata Mengajar Keteladanan Membimbing"),
    ("ZAMAN KESEMPATAN AGENDA-AGENDA BESAR DEMOKARATISASI PASCA-ORDE BARU",
     "Zaman Kesempatan Agenda-Agenda Besar Demokaratisasi Pasca-Orde Baru"),
    # acronyms, Roman numerals, numbers, ordinals
    ("UU OTONOMI DAERAH (32/2004 dan 33/2004)", "UU Otonomi Daerah (32/2004 dan 33/2004)"),
    ("PERINGATAN HUT KE-75 RI", "Peringatan HUT ke-75 RI"),
    ("SEJARAH SMA NEGERI 1 JILID II", "Sejarah SMA Negeri 1 Jilid II"),
    ("PANCASILA DAN UUD 1945 BAB XIV", "Pancasila dan UUD 1945 Bab XIV"),
    ("THE 50TH LAW", "The 50th Law"),
    ("MEREKA BICARA PKS", "Mereka Bicara PKS"),
    # apostrophes
    ("1 JAM BISA MEMBACA KITAB GUNDUL METODE AL ASRO'", "1 Jam Bisa Membaca Kitab Gundul Metode Al Asro'"),
    ("JUM'AT BERKAH", "Jum'at Berkah"),
])
def test_title_case_on_real_inventory_titles(caps, cased):
    assert title_case(caps) == cased


@pytest.mark.parametrize("name,cased", [
    ("JAKOB OETAMA", "Jakob Oetama"),
    ("S. ANN DUNHAM", "S. Ann Dunham"),                      # initials kept
    ("MA'MUN MUROD AL-BARBASY", "Ma'mun Murod Al-Barbasy"),
    ("WAWAN MAS'UDI AND CORNELIS LAY", "Wawan Mas'udi and Cornelis Lay"),
    ("BOYE LAFAYETTE DE MENTE", "Boye Lafayette de Mente"),  # a family name's particle
    ("SUAHASIL NAZARA PHD", "Suahasil Nazara PhD"),
    ("ROBERT HIERONIMUS,PH.D", "Robert Hieronimus,Ph.D"),
    ("JOHN O'CONNOR", "John O'Connor"),
    # the names filter's no-break spaces (a name kept on one line) are spaces, and kept
    ("BARRY\u00a0LIBERT & RICK\u00a0FAULK", "Barry\u00a0Libert & Rick\u00a0Faulk"),
])
def test_names_in_capitals(name, cased):
    assert title_case(name, "id", names=True) == cased


@pytest.mark.parametrize("text", [
    "Laskar Pelangi", "Tim INDEF", "Dr. Elly M. Setiadi, M.Si",
    "SMA", "iPhone", "P.S. I Love You", "1Q84",
])
def test_mixed_case_and_short_text_is_never_touched(text):
    assert title_case(text) == text
    assert title_case(text, names=True) == text


def test_a_mixed_word_inside_capitals_is_kept():
    assert title_case("STAN DAVIS & DAVID McINTOSH", names=True) == "Stan Davis & David McINTOSH"


def test_title_case_keeps_no_break_spaces_and_can_be_switched_off():
    assert title_case("DUNIA\u00a0USAHA DAN ETIKA") == "Dunia\u00a0Usaha dan Etika"
    assert title_case("DUNIA USAHA DAN ETIKA BISNIS", enabled=False) == "DUNIA USAHA DAN ETIKA BISNIS"


def test_the_record_language_chooses_the_small_words():
    # "di" is Indonesian; with English rules it is an ordinary word
    assert title_case("BELAJAR DI RUMAH", "ind") == "Belajar di Rumah"
    assert title_case("BELAJAR DI RUMAH", "eng") == "Belajar Di Rumah"
    assert title_case("THE ART OF WAR", "Bahasa Inggris") == "The Art of War"


def test_capitals_split_from_their_subtitle_and_cased():
    parts = title_parts("PENDEKAR-PENDEKAR BESI NUSANTARA kajian antropologi", case=True)
    assert (parts["main"], parts["subtitle"], parts["cased"]) == \
        ("Pendekar-Pendekar Besi Nusantara", "Kajian antropologi", True)
    parts = title_parts("INTELIJEN Profesi Unik Orang-Orang Aneh", case=True)
    assert (parts["main"], parts["subtitle"]) == ("Intelijen", "Profesi Unik Orang-Orang Aneh")
    # a small word in lower case inside capitals is part of the title, which starts with a capital
    parts = title_parts("the PORTABLE MBA PEMASARAN cakupan lengkap mengenai pemasaran", case=True)
    assert (parts["main"], parts["subtitle"]) == ("The Portable MBA Pemasaran", "Cakupan lengkap mengenai pemasaran")
    parts = title_parts("PEMERINTAH BAYANGAN dan BIG BROTHER", case=True)
    assert (parts["main"], parts["subtitle"]) == ("Pemerintah Bayangan dan Big Brother", "")
    # an open bracket is never split
    parts = title_parts("UU OTONOMI DAERAH (32/2004 dan 33/2004)", case=True)
    assert (parts["main"], parts["subtitle"]) == ("UU Otonomi Daerah (32/2004 dan 33/2004)", "")
    assert parts["original"] == "UU OTONOMI DAERAH (32/2004 dan 33/2004)"


def test_whole_inventory_cased_without_shouting(realdata):
    """Over every title of the inventory no part stays in capitals but an
    acronym, and no goodbooks title in mixed case is changed."""
    titles = [t.strip() for t in column(realdata / INVENTORY, "judul_buku") if t.strip()]
    caps = [t for t in titles if is_all_caps(title_parts(t)["main"])]
    assert len(caps) / len(titles) > 0.75  # the habit: 80 % of the inventory in capitals
    still = []
    for t in titles:
        parts = title_parts(t, case=True)
        still += [(t, parts[k]) for k in ("main", "subtitle", "series_name") if is_all_caps(parts[k])]
    assert still == [("KUHP", "KUHP")]  # an acronym (the criminal code) and nothing else
    goodbooks = column(realdata / GOODBOOKS, "title")
    mixed = [t for t in goodbooks if not is_all_caps(t)]
    assert all(title_case(t) == t for t in mixed)


# -- the record's language -------------------------------------------------------

@pytest.mark.parametrize("value,tag", [
    ("eng", "en"), ("ind", "id"), ("en-US", "en-US"), ("en-GB", "en-GB"), ("fre", "fr"), ("ger", "de"),
    ("ara", "ar"), ("Indonesia", "id"), ("English", "en"), ("", "id"), ("not a language", "id"),
])
def test_language_tag(value, tag):
    assert language_tag(value, "id") == tag


def _layout(template_name: str, data: Path, row: int, fmt: str, brand=None):
    ds = read_records(data)
    rec = next(r for r in ds.records if r.row == row)
    inp = RenderInput(open_template(template_name), [rec], get_format(fmt), brand or load_brand(),
                      search_dirs=[data.parent], source=str(data), columns=tuple(ds.columns))
    return rec, render_until(inp, "layout")


def _texts(page, role):
    return [f for f in page.root.walk() if f.text is not None and f.element.attrs.get("role") == role]


def test_title_text_carries_the_record_language(realdata):
    # goodbooks row 2: language_code "eng"; the inventory has no language: the brand's
    _, st = _layout("new-book", realdata / GOODBOOKS, 2, "instagram-square")
    assert _texts(st.page, "title")[0].element.attrs.get("lang") == "en"
    _, st = _layout("new-book", realdata / INVENTORY, 2, "instagram-square")
    assert _texts(st.page, "title")[0].element.attrs.get("lang") == "id"


# -- on the post -------------------------------------------------------------------

def test_series_note_set_small_under_the_title(realdata):
    _, st = _layout("new-book", realdata / GOODBOOKS, 2, "instagram-square")
    title = _texts(st.page, "title")[0]
    note = [f for f in _texts(st.page, "meta") if f.text.size < title.text.size
            and f.box.y > title.box.bottom - 1]
    assert "#" not in st.markup.split('role="title"')[1].split("</text>")[0]
    assert re.search(r'<text [^>]*role="meta"[^>]*>The Hunger Games \u00b7 #1</text>', st.markup)
    assert note
    assert len(title.text.lines) <= 2  # was 4 lines with "(The Hunger Games, #1)" at title size


def test_inventory_title_in_square_fewer_lines_and_not_shrunk(realdata):
    """'DUNIA USAHA DAN ETIKA BISNIS': in capitals it stacks a word a line; in
    title case it takes fewer lines at full size."""
    _, cased = _layout("new-book", realdata / INVENTORY, 2, "instagram-square")
    _, caps = _layout("new-book", realdata / INVENTORY, 2, "instagram-square", brand=_caps_brand())
    t_cased, t_caps = _texts(cased.page, "title")[0].text, _texts(caps.page, "title")[0].text
    assert len(t_cased.lines) < len(t_caps.lines)
    assert t_cased.size >= t_caps.size


def _caps_brand():
    import tempfile

    folder = Path(tempfile.mkdtemp())
    (folder / "libmedia.toml").write_text("[library]\ntitle_case = false\n", encoding="utf-8")
    return load_brand(folder / "libmedia.toml")


def test_brand_title_case_must_be_true_or_false(tmp_path):
    p = tmp_path / "libmedia.toml"
    p.write_text('[library]\ntitle_case = "yes"\n', encoding="utf-8")
    with pytest.raises((BrandError, ProblemList)) as e:
        load_brand(p)
    assert "title_case" in str(e.value)
    assert load_brand().title_case is True


def test_caption_nice_title_and_catalogue_title_kept(realdata):
    data = realdata / INVENTORY
    ds = read_records(data)
    rec = next(r for r in ds.records if r.row == 2)
    r = render(RenderInput(open_template("new-book"), [rec], get_format("instagram-portrait"), load_brand(),
                           source=str(data), columns=tuple(ds.columns)))
    assert "Dunia Usaha dan Etika Bisnis\nJakob Oetama" in r.caption
    assert "Judul di katalog: DUNIA USAHA DAN ETIKA BISNIS" in r.caption
    # alt text: the cased title (a screen reader spells words in capitals out)
    assert "Dunia Usaha dan Etika Bisnis" in r.alt and "DUNIA" not in r.alt


def test_long_title_set_whole_where_the_stand_in_prints_it_whole(realdata):
    """The inventory's longest titles: wherever the stand-in cover prints the
    title whole, the post does not cut it (floor-lines)."""
    data = realdata / INVENTORY
    ds = read_records(data)
    longest = sorted(ds.records, key=lambda r: -len(r.fields.get("title", "")))[:6]
    for fmt in ("instagram-square", "instagram-portrait", "instagram-story"):
        for rec in longest:
            inp = RenderInput(open_template("new-book"), [rec], get_format(fmt), load_brand(),
                              source=str(data), columns=tuple(ds.columns))
            st = render_until(inp, "layout")
            stand = [f.stand_in for f in st.page.root.walk() if f.stand_in is not None][0]
            cover_title = [p for p in stand.parts if p.role == "cover-title"][0].text
            title = _texts(st.page, "title")[0].text
            if not cover_title.truncated:
                assert not title.truncated, (fmt, rec.row, rec.fields["title"])


def test_floor_lines_sets_a_cut_title_whole(realdata):
    """Markup: a title cut at its min-size in max-lines takes up to
    floor-lines lines instead; without floor-lines it is cut."""
    from libmedia.layout import layout_document
    from libmedia.markup import parse_markup
    from libmedia.style import style_document

    brand = load_brand()
    title = "RISALAH SIDANG BADAN PENYELIDIKAN USAHA-USAHA PERSIAPAN KEMERDEKAAN INDONESIA"

    def block(extra: str):
        doc = parse_markup(f'<canvas><column width="430" padding="0"><text role="title" max-lines="4" {extra} '
                           f'fit="shrink" min-size="40">{title}</text></column></canvas>', "t.xml")
        page = layout_document(style_document(doc, brand.types, brand.colors, "t.xml"), 1080, 1080)
        return _texts(page, "title")[0].text

    cut, whole = block(""), block('floor-lines="7"')
    assert cut.truncated and len(cut.lines) == 4
    assert not whole.truncated and 4 < len(whole.lines) <= 7


def test_a_comma_glued_to_the_next_word_gets_its_space(realdata):
    """The inventory's "SENI BERBICARA KAPADA SIAPA SAJA,KAPAN SAJA,DI MANA SAJA"
    was set "Saja,Kapan" on the post; numbers keep their commas."""
    import csv

    path = realdata / "indonesia" / "perpus_inventory_buku.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        raw = next(r["judul_buku"] for r in csv.DictReader(fh) if "SAJA,KAPAN" in r["judul_buku"])
    main = title_parts(raw, True, "id")["main"]
    assert "Saja, Kapan Saja, di Mana Saja" in main and ",K" not in main
    assert title_parts("Harga 1,5 Juta")["main"] == "Harga 1,5 Juta"
