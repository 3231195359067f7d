"""Font indexing and matching: fontTools names and weights, every face of a
collection, the CSS nearest-weight rule, brand kit / template ``fonts/``
folders, installed fonts, and caches that see a changed folder.

Case C36 of ../shared/realdata/cases/README.md (three brand kits, a
seven-weight static family "Kota Sans", two ``.ttc`` collections).
"""

from __future__ import annotations

import csv
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
import regex
import uharfbuzz as hb
from PIL import Image

from libmedia.brand import load_brand
from libmedia.errors import FontError
from libmedia.formats import get_format
from libmedia.render import RenderInput, render
from libmedia.sources import Record, read_records
from libmedia.templating import load_template
from libmedia.typography import Span, TextStyle, default_library, draw_text_block, layout_text
from libmedia.typography import fonts as fontlib
from libmedia.typography.fonts import (
    BUNDLED_FONTS,
    FontLibrary,
    forget_folder,
    library_for,
    nearest_weight,
    read_faces,
    system_font_dirs,
)
from libmedia.typography.measure import measurer

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "new-book"

KOTA_FILES = {
    200: "KotaSans-ExtraLight.ttf", 300: "KotaSans-Light.ttf", 400: "KotaSans-Regular.ttf",
    500: "KotaSans-Medium.ttf", 600: "KotaSans-SemiBold.ttf", 700: "KotaSans-Bold.ttf",
    800: "KotaSans-ExtraBold.ttf",
}


@pytest.fixture
def c36(cases) -> Path:
    path = cases / "C36_brand_fonts"
    if not path.is_dir():
        pytest.skip("case C36 is not in this copy of the real data")
    return path


@pytest.fixture
def installed_home(c36, tmp_path, monkeypatch) -> Path:
    """A temporary $HOME whose ~/.local/share/fonts holds a copy of C36's
    installed_fonts/ (as a user installs fonts on Linux)."""
    home = tmp_path / "home"
    shutil.copytree(c36 / "installed_fonts", home / ".local" / "share" / "fonts")
    monkeypatch.setenv("HOME", str(home))
    yield home
    forget_folder(home)


# -- the CSS font-weight matching rule ----------------------------------------


STATIC_7 = [(w, w) for w in (200, 300, 400, 500, 600, 700, 800)]


@pytest.mark.parametrize("desired,faces,expected", [
    (500, STATIC_7, 500),  # Medium exists: exact
    (800, STATIC_7, 800),  # ExtraBold exists: exact
    (900, STATIC_7, 800),  # above 500: heavier first, none, then lighter descending
    (100, STATIC_7, 200),  # below 400: lighter first, none, then heavier ascending
    (450, STATIC_7, 500),  # 400-500: up to 500 ascending first
    (500, [(400, 400), (700, 700)], 400),  # then lighter, before anything above 500
    (600, [(400, 400), (700, 700)], 700),  # above 500: heavier first
    (300, [(400, 400), (700, 700)], 400),
    (450, [(300, 300), (600, 600)], 300),  # 400-500: lighter before heavier than 500
    (350, [(300, 300), (600, 600)], 300),
    (650, [(100, 900)], (100, 900)),  # a variable range containing the weight
    (950, [(200, 800), (900, 900)], 900),
])
def test_nearest_weight_follows_css_fonts_4(desired, faces, expected):
    chosen = faces[nearest_weight(desired, faces)]
    assert chosen == (expected if isinstance(expected, tuple) else (expected, expected))


def test_nearest_weight_needs_faces():
    with pytest.raises(ValueError):
        nearest_weight(400, [])


# -- fontTools indexing ----------------------------------------------------------


def test_typographic_names_and_weight_class(c36):
    medium = read_faces(c36 / "installed_fonts" / "KotaSans" / "KotaSans-Medium.ttf")
    assert len(medium) == 1
    # name ID 1 is "Kota Sans Medium"; IDs 16/17 give the family and the style
    assert (medium[0].family, medium[0].style, medium[0].weight) == ("Kota Sans", "Medium", 500)
    assert not medium[0].italic and medium[0].index == 0 and medium[0].weights is None
    regular = read_faces(c36 / "installed_fonts" / "KotaSans" / "KotaSans-Regular.ttf")[0]
    assert (regular.family, regular.style, regular.weight) == ("Kota Sans", "Regular", 400)


def test_every_face_of_a_collection_is_indexed(c36):
    pair = read_faces(c36 / "installed_fonts" / "KotaPair-RegularBold.ttc")
    assert [(f.index, f.family, f.style, f.weight) for f in pair] == [
        (0, "Kota Pair", "Regular", 400), (1, "Kota Pair", "Bold", 800)]
    cjk = read_faces(c36 / "installed_fonts" / "KotaSansCJK-Regular.ttc")
    assert [(f.index, f.family) for f in cjk] == [(0, "Kota Sans JP"), (1, "Kota Sans KR")]


def test_variable_font_is_indexed_with_its_weight_axis():
    faces = read_faces(BUNDLED_FONTS / "PlusJakartaSans[wght].ttf")
    assert faces[0].family == "Plus Jakarta Sans" and faces[0].weights == (200, 800)
    italic = read_faces(BUNDLED_FONTS / "PlusJakartaSans-Italic[wght].ttf")[0]
    assert italic.italic


def test_a_file_that_is_not_a_font_is_skipped(tmp_path):
    bad = tmp_path / "notes.ttf"
    bad.write_text("not a font", encoding="utf-8")
    assert read_faces(bad) == []
    lib = library_for([tmp_path])
    assert lib.face("Inter").family == "Inter"


# -- a fonts/ folder: nearest weight, faces of a collection ----------------------


def test_static_family_picks_the_nearest_weight(c36):
    lib = library_for([c36 / "kit_fonts_folder" / "fonts"])
    for weight, name in KOTA_FILES.items():
        assert lib.resolve("Kota Sans", weight).path.name == name
    assert lib.resolve("Kota Sans", 500).style == "Medium"
    assert lib.resolve("Kota Sans", 800).style == "ExtraBold"
    assert lib.resolve("Kota Sans", 900).path.name == "KotaSans-ExtraBold.ttf"
    assert lib.resolve("Kota Sans", 100).path.name == "KotaSans-ExtraLight.ttf"
    # and the loaded Pillow font is that file
    face = lib.face("Kota Sans")
    assert lib.font(face, 40, 500).getname() == ("Kota Sans", "Medium")
    assert lib.font(face, 40, 800).getname() == ("Kota Sans", "ExtraBold")
    # coverage and line metrics come from the Regular
    assert face.path.name == "KotaSans-Regular.ttf"


def test_face_1_of_a_collection_is_reachable(c36, tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copy(c36 / "installed_fonts" / "KotaPair-RegularBold.ttc", folder)
    shutil.copy(c36 / "installed_fonts" / "KotaSansCJK-Regular.ttc", folder)
    lib = library_for([folder])
    bold = lib.resolve("Kota Pair", 800)
    assert (bold.path.name, bold.index, bold.style) == ("KotaPair-RegularBold.ttc", 1, "Bold")
    assert lib.resolve("Kota Pair", 400).index == 0
    assert lib.font(lib.face("Kota Pair"), 40, 800).getname() == ("Kota Pair", "Bold")
    kr = lib.face("Kota Sans KR")
    assert (kr.path.name, kr.index) == ("KotaSansCJK-Regular.ttc", 1)
    assert lib.font(kr, 40, 400).getname()[0] == "Kota Sans KR"
    # the two families of one file are measured apart (caches keyed by face index)
    jp = lib.face("Kota Sans JP")
    assert jp.index == 0 and lib.coverage(kr) is not None
    wide = layout_text([Span("Samudra", TextStyle(family="Kota Sans KR", size=40))], None,
                       library=lib)
    assert wide.lines[0].segments[0].face.index == 1


def test_variable_font_in_a_folder_keeps_its_weight_axis(tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copy(BUNDLED_FONTS / "PlusJakartaSans[wght].ttf", folder)
    lib = library_for([folder])
    face = lib.face("Plus Jakarta Sans")
    assert face.path.parent == folder.resolve() and face.weights == (200, 800)
    light = lib.font(face, 60, 300).getlength("Perpustakaan")
    heavy = lib.font(face, 60, 800).getlength("Perpustakaan")
    assert heavy > light + 5


def test_a_family_with_only_italic_faces_gives_its_italic(tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copy(BUNDLED_FONTS / "PlusJakartaSans-Italic[wght].ttf", folder)
    lib = library_for([folder])
    assert lib.face("Plus Jakarta Sans").italic
    assert lib.face("Plus Jakarta Sans", italic=True).path.parent == folder.resolve()


# -- C36: each brand kit renders with the right faces ---------------------------


def _faces_by_role(result) -> dict[str, set[tuple[str, int, int]]]:
    """role -> {(file name, face index, face weight)} of every segment drawn."""
    out: dict[str, set[tuple[str, int, int]]] = {}
    for node in result.page.root.walk():
        if node.text is None:
            continue
        for line in node.text.lines:
            for seg in line.segments:
                m = seg.face.member_for(seg.style.weight)
                out.setdefault(node.element.get("role"), set()).add((m.path.name, m.index, m.weight))
    return out


def _render_kit(kit: Path, records=None):
    data = read_records(kit / "books.csv")
    records = records or data.records[:1]
    inp = RenderInput(load_template(TEMPLATE), records, get_format("instagram-square"),
                      load_brand(kit / "libmedia.toml"), search_dirs=[kit])
    return render(inp)


def test_c36_kit_fonts_folder_is_searched_before_bundled_fonts(c36, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # nothing installed: only the kit's folder has it
    roles = _faces_by_role(_render_kit(c36 / "kit_fonts_folder"))
    assert roles["title"] == {("KotaSans-ExtraBold.ttf", 0, 800)}
    assert roles["eyebrow"] == {("KotaSans-Bold.ttf", 0, 700)}
    # roles the kit does not restyle keep the bundled fonts
    assert {name for name, _, _ in roles["byline"]} == {"Inter[opsz,wght].ttf"}


def test_c36_kit_installed_fonts_every_face_and_weight(c36, installed_home):
    assert installed_home / ".local/share/fonts" in system_font_dirs()
    roles = _faces_by_role(_render_kit(c36 / "kit_installed"))
    assert roles["title"] == {("KotaPair-RegularBold.ttc", 1, 800)}  # face 1 of the collection
    assert roles["byline"] == {("KotaSans-Medium.ttf", 0, 500)}  # 500 -> Medium
    assert roles["eyebrow"] == {("KotaSans-ExtraBold.ttf", 0, 800)}  # 800 -> ExtraBold


def test_c36_kit_ttc_face1(c36, installed_home):
    kit = c36 / "kit_ttc_face1"
    rec = read_records(kit / "books.csv").records[0]
    fields = {**rec.fields, "publisher": "Samudra Pustaka", "year": "2024"}
    with_meta = Record(row=rec.row, line=rec.line, fields=fields, raw=rec.raw)
    roles = _faces_by_role(_render_kit(kit, [with_meta]))
    assert roles["meta"] == {("KotaSansCJK-Regular.ttc", 1, 800)}  # "Kota Sans KR" is face 1
    # the kit's own books.csv renders too
    assert _render_kit(kit).image.size == (1080, 1080)


def test_c36_kit_installed_without_the_fonts_is_an_error_naming_the_family(c36, monkeypatch,
                                                                            tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # nothing in ~/.local/share/fonts
    with pytest.raises(FontError) as err:
        _render_kit(c36 / "kit_installed")
    msg = str(err.value)
    assert "unknown font family 'Kota" in msg
    assert "fonts/ folder beside the brand kit" in (err.value.hint or "")
    assert str(tmp_path / ".local/share/fonts") not in (err.value.hint or "")  # not a folder


# -- template fonts/ and the order of the folders -------------------------------


def test_template_fonts_folder_and_brand_kit_folder_first(c36, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    template = tmp_path / "tpl"
    shutil.copytree(TEMPLATE, template)
    shutil.copytree(c36 / "kit_fonts_folder" / "fonts", template / "fonts")
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "libmedia.toml").write_text('[type.title]\nfamily = "Kota Sans"\nweight = 800\n',
                                       encoding="utf-8")
    shutil.copy(c36 / "kit_fonts_folder" / "books.csv", kit)
    rec = read_records(kit / "books.csv").records[:1]

    def title_faces():
        inp = RenderInput(load_template(template), rec, get_format("instagram-square"),
                          load_brand(kit / "libmedia.toml"), search_dirs=[kit])
        return _faces_by_role(render(inp))["title"]

    assert title_faces() == {("KotaSans-ExtraBold.ttf", 0, 800)}  # from the template's fonts/
    # the brand kit's own fonts/ comes first: it has Regular and Bold only, so 800 is Bold
    (kit / "fonts").mkdir()
    for name in ("KotaSans-Regular.ttf", "KotaSans-Bold.ttf"):
        shutil.copy(c36 / "kit_fonts_folder" / "fonts" / name, kit / "fonts")
    assert title_faces() == {("KotaSans-Bold.ttf", 0, 700)}


# -- caches see a changed folder; forget_folder drops its entries -----------------


def test_changed_fonts_folder_is_seen(c36, tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    src = c36 / "kit_fonts_folder" / "fonts"
    for name in ("KotaSans-Regular.ttf", "KotaSans-Bold.ttf"):
        shutil.copy(src / name, folder)
    first = library_for([folder])
    assert first.resolve("Kota Sans", 500).style == "Regular"
    assert library_for([folder]) is first  # cached while nothing changes
    shutil.copy(src / "KotaSans-Medium.ttf", folder)
    second = library_for([folder])
    assert second is not first
    assert second.resolve("Kota Sans", 500).style == "Medium"


def test_forget_folder_drops_its_entries(c36, tmp_path):
    folder = tmp_path / "fonts"
    shutil.copytree(c36 / "kit_fonts_folder" / "fonts", folder)
    lib = library_for([folder])
    assert folder.resolve() in fontlib._FOLDER_INDEX
    forget_folder(folder)
    assert folder.resolve() not in fontlib._FOLDER_INDEX
    again = library_for([folder])
    assert again is not lib and again.resolve("Kota Sans", 800).style == "ExtraBold"


def test_no_fonts_folder_is_the_default_library(tmp_path):
    from libmedia.typography import default_library

    assert library_for([tmp_path / "missing", None]) is default_library()


def test_unknown_family_never_falls_back_to_a_bitmap_font():
    lib = FontLibrary()
    with pytest.raises(FontError) as err:
        lib.font(lib.face("Kota Sans Nowhere"), 40)
    assert "'Kota Sans Nowhere'" in str(err.value)


# -- fallbacks that match the weight (issue 7, item 4) ---------------------------

NONLATIN = "books/goodbooks-10k_books_nonlatin_script.csv"

#: Script -> the letters of a title in it (a run of these, spaces inside).
SCRIPT_LETTERS = {
    "Japanese": r"[\p{Han}\p{Hiragana}\p{Katakana}ー]",
    "Chinese": r"\p{Han}",
    "Korean": r"\p{Hangul}",
    "Arabic": r"[\p{Arabic}]",
    "Hebrew": r"\p{Hebrew}",
    "Devanagari": r"[\p{Devanagari}]",
}
#: No Thai title is in the real data: a published Thai novel's title
#: (Ngarmpun Vejjajiva, "The Happiness of Kati").
THAI_TITLE = "ความสุขของกะทิ"


def _title_in(realdata: Path, script: str) -> str:
    """The first title (original_title, then title, then authors) of the
    non-Latin goodbooks file with a run of ``script`` letters at least three
    long: that run.  Japanese needs kana in the cell, Chinese none."""
    letters = SCRIPT_LETTERS[script]
    run = regex.compile(rf"{letters}+(?:[ \u3000]+{letters}+)*")
    kana = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
    with open(realdata / NONLATIN, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for column in ("original_title", "title", "authors"):
        for row in rows:
            cell = row[column]
            if script == "Japanese" and not kana.search(cell):
                continue
            if script == "Chinese" and kana.search(cell):
                continue
            found = max(run.findall(cell), key=len, default="")
            if len(found.replace(" ", "")) >= 3:
                return found
    raise AssertionError(f"no {script} title in {NONLATIN}")


def _ink(text: str, weight: int, size: float = 72) -> tuple[float, set[str], tuple]:
    """Ink (sum of darkness, in full pixels) of ``text`` set in Plus Jakarta
    Sans at ``weight``, black on white, the families its segments use, and
    the block with its origin and the ink's bounding box."""
    lib = default_library()
    block = layout_text([Span(text, TextStyle(family="Plus Jakarta Sans", size=size,
                                              weight=weight))], None, library=lib)
    img = Image.new("RGBA", (int(block.width) + 200, int(block.height) + 200), (255,) * 4)
    draw_text_block(img, block, (100, 100), lib)
    dark = 255 - np.asarray(img.convert("L"), dtype=np.int64)
    families = {s.face.family for line in block.lines for s in line.segments if s.text.strip()}
    return dark.sum() / 255, families, (block, Image.fromarray(dark.astype(np.uint8)).getbbox())


@pytest.mark.parametrize("script,family", [
    ("Japanese", "Noto Sans CJK JP"), ("Chinese", "Noto Sans CJK JP"), ("Korean", "NanumSquare"),
    ("Arabic", "Noto Sans Arabic"), ("Hebrew", "Noto Sans Hebrew"),
    ("Devanagari", "Noto Sans Devanagari"), ("Thai", "Noto Sans Thai"),
])
def test_a_heavy_title_is_heavy_in_every_script(realdata, script, family):
    """An 800 title in a fallback script has at least 1.4 times the ink of the
    same title at 400 (Plus Jakarta Sans itself: 1.7 on "Laskar Pelangi").
    Before the CJK fallbacks had a Bold, Japanese, Chinese and Korean fell to
    Droid Sans Fallback's one weight: 1.0."""
    title = THAI_TITLE if script == "Thai" else _title_in(realdata, script)
    regular, fam_regular, _ = _ink(title, 400)
    heavy, fam_heavy, _ = _ink(title, 800)
    assert fam_regular == fam_heavy == {family}, (title, fam_regular, fam_heavy)
    assert heavy / regular >= 1.4, (script, title, heavy / regular)


def test_cjk_fallbacks_have_a_bold_file():
    lib = default_library()
    cjk, korean = lib.face("Noto Sans CJK JP"), lib.face("NanumSquare")
    assert cjk.member_for(800).path.name == "NotoSansCJKjp-Bold-subset.otf"
    assert cjk.member_for(500).path.name == "NotoSansCJKjp-Regular-subset.otf"
    assert korean.member_for(800).path.name == "NanumSquareEB.ttf"
    assert korean.member_for(700).path.name == "NanumSquareB.ttf"
    assert cjk.emboldening(800) == korean.emboldening(800) == 0.0


def test_hangul_goes_to_nanumsquare_and_kana_to_noto_cjk():
    """Droid Sans Fallback has Hangul and kana too, in one weight: it comes
    after the fallbacks that have a Bold."""
    _, families, _ = _ink("엄마를 부탁해", 800)
    assert families == {"NanumSquare"}
    _, families, _ = _ink("美少女戦士セーラームーン", 800)
    assert families == {"Noto Sans CJK JP"}
    chain = default_library().fallback_chain
    assert chain.index("Noto Sans CJK JP") < chain.index("NanumSquare") < \
        chain.index("Droid Sans Fallback")


def test_the_cjk_subset_covers_every_han_character_of_the_real_data(realdata):
    """Every CJK character of the real catalogues' and events' text is in the
    Noto Sans CJK subset (a rarer one would fall to Droid Sans Fallback,
    emboldened)."""
    lib = default_library()
    cjk = lib.coverage(lib.face("Noto Sans CJK JP"))
    han = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
    seen: set[str] = set()
    for path in sorted(realdata.rglob("*.csv")):
        seen |= set(han.findall(path.read_text(encoding="utf-8", errors="ignore")))
    assert len(seen) > 400
    assert sorted(c for c in seen if ord(c) not in cjk) == []


# -- synthetic bold ----------------------------------------------------------------


def test_emboldening_only_where_the_weight_is_missing():
    lib = default_library()
    droid, bugi = lib.face("Droid Sans Fallback"), lib.face("Noto Sans Buginese")
    assert droid.emboldening(400) == droid.emboldening(500) == 0.0
    assert droid.emboldening(600) == pytest.approx(0.014)
    assert droid.emboldening(800) == pytest.approx(0.028)
    assert bugi.emboldening(700) == pytest.approx(0.021)
    assert lib.face("Noto Sans Thai").emboldening(800) == 0.0  # its Bold, 700, is near enough
    assert lib.face("Noto Sans Arabic").emboldening(900) == 0.0  # variable, up to 900
    assert lib.face("Noto Color Emoji").emboldening(900) == 0.0


def test_synthetic_bold_is_measured_as_drawn():
    """Two CJK Extension A ideographs only Droid Sans Fallback has, at 800:
    drawn heavier (stroked), measured wider by one stroke per character and
    taller by a stroke each side, and the ink stays inside the measured box."""
    text = "㐂㐃"
    lib = default_library()
    m = measurer(lib)
    droid = lib.face("Droid Sans Fallback")
    assert not lib.covers(lib.face("Noto Sans CJK JP"), text) and lib.covers(droid, text)
    regular, fam, _ = _ink(text, 400)
    heavy, fam_heavy, (block, box) = _ink(text, 800)
    assert fam == fam_heavy == {"Droid Sans Fallback"}
    assert heavy / regular >= 1.4
    st4 = TextStyle(family="Plus Jakarta Sans", size=72, weight=400)
    st8 = TextStyle(family="Plus Jakarta Sans", size=72, weight=800)
    stroke = 0.028 * 72
    assert m.embolden(droid, st8) == pytest.approx(stroke)
    assert m.length(text, droid, st8, "ltr") == pytest.approx(
        m.length(text, droid, st4, "ltr") + 2 * stroke)
    a4, d4 = m.metrics(droid, st4)
    a8, d8 = m.metrics(droid, st8)
    assert (a8 - a4, d8 - d4) == (pytest.approx(stroke), pytest.approx(stroke))
    left, top, right, bottom = box
    assert 100 <= left and right <= 100 + block.width + 1
    assert 100 <= top and bottom <= 100 + block.height + 1


def test_synthetic_bold_draws_the_same_bytes_twice():
    _, _, (block, _) = _ink("㐂㐃 ᨅᨔ ᨕᨘᨁᨗ", 800)
    images = []
    for _ in range(2):
        img = Image.new("RGBA", (int(block.width) + 40, int(block.height) + 40), (255,) * 4)
        draw_text_block(img, block, (20, 20), default_library())
        images.append(img.tobytes())
    assert images[0] == images[1]


# -- Indonesia's regional scripts and Tamil ----------------------------------------

#: Script -> (family, a phrase in it): "basa Jawa", "aksara" (with a pasangan)
#: and "pustaka" in Javanese; "bhasa Bali" and "aksara" in Balinese; "basa
#: Sunda" in Sundanese; "basa Ugi" in Buginese; "Tamil library" in Tamil.
REGIONAL = {
    "Javanese": ("Noto Sans Javanese", "ꦧꦱꦗꦮ ꦲꦏ꧀ꦱꦫ ꦥꦸꦱ꧀ꦠꦏ"),
    "Balinese": ("Noto Sans Balinese", "ᬪᬵᬱᬩᬮᬶ ᬅᬓ᭄ᬱᬭ"),
    "Sundanese": ("Noto Sans Sundanese", "ᮘᮞ ᮞᮥᮔ᮪ᮓ"),
    "Buginese": ("Noto Sans Buginese", "ᨅᨔ ᨕᨘᨁᨗ"),
    "Tamil": ("Noto Sans Tamil", "தமிழ் நூலகம்"),
}


@pytest.mark.parametrize("script", sorted(REGIONAL))
def test_regional_script_is_covered_and_shaped(script):
    """Each regional script falls back to its Noto face, with no character
    missing; HarfBuzz (uharfbuzz, the shaper inside Raqm) gives no .notdef
    and no dotted circle (a cluster it judged broken) and substitutes or
    positions glyphs (pasangan, ligatures, marks): complex shaping happened.
    Pillow's Raqm lays the phrase out at HarfBuzz's advance."""
    family, text = REGIONAL[script]
    lib = default_library()
    block = layout_text([Span(text, TextStyle(family="Plus Jakarta Sans", size=80))], None,
                        library=lib)
    assert block.missing == ()
    assert {s.face.family for line in block.lines for s in line.segments if s.text.strip()} \
        == {family}
    face = lib.face(family)
    for weight in (400, 800):
        member = face.member_for(weight)
        hb_font = hb.Font(hb.Face(hb.Blob.from_file_path(str(member.path)), member.index))
        if member.weights:
            hb_font.set_variations({"wght": weight})
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(hb_font, buf, {})
        glyphs = [g.codepoint for g in buf.glyph_infos]
        assert 0 not in glyphs, (script, weight, glyphs)
        assert hb_font.get_nominal_glyph(0x25CC) not in glyphs, (script, weight)
        nominal = [hb_font.get_nominal_glyph(ord(text[g.cluster])) for g in buf.glyph_infos]
        offsets = [(p.x_offset, p.y_offset) for p in buf.glyph_positions]
        assert glyphs != nominal or any(o != (0, 0) for o in offsets), (script, weight)
        upm = hb_font.face.upem
        hb_width = sum(p.x_advance for p in buf.glyph_positions)
        font = lib.font(face, upm, weight)
        if fontlib.raqm_available():
            assert font.getlength(text, direction="ltr") == pytest.approx(hb_width, rel=0.01)


def test_every_bundled_font_is_catalogued_with_its_licence_and_source():
    """fonts.toml names every font file in fonts/, and for each family a
    licence file that ships beside it (SIL OFL 1.1, Apache 2.0 for Droid Sans
    Fallback) and where the file came from."""
    with open(BUNDLED_FONTS / "fonts.toml", "rb") as fh:
        cat = tomllib.load(fh)
    named: set[str] = set()
    for family, spec in cat["families"].items():
        files = [spec["upright"], *(spec[k] for k in ("italic", "bold") if k in spec),
                 *spec.get("extra_weights", {}).values()]
        for f in files:
            assert (BUNDLED_FONTS / f).is_file(), (family, f)
        named |= set(files)
        licence = (BUNDLED_FONTS / spec["licence"]).read_text(encoding="utf-8")
        assert "SIL Open Font License" in licence or "Apache License" in licence, family
        assert spec["source"].strip(), family
    on_disk = {p.name for p in BUNDLED_FONTS.iterdir() if p.suffix.lower() in fontlib.FONT_SUFFIXES}
    assert on_disk == named
    for family in cat["fallback"]["chain"]:
        assert family in cat["families"], family


@pytest.mark.parametrize("script", sorted(REGIONAL))
def test_a_heavy_title_is_heavy_in_the_regional_scripts(script):
    """As in the other scripts: 800 has 1.4 times the ink of 400 or more, from
    a Bold file (Javanese, Balinese, Sundanese), the variable weight axis
    (Tamil) or synthetic bold (Buginese, Regular only)."""
    family, text = REGIONAL[script]
    regular, fam_regular, _ = _ink(text, 400)
    heavy, fam_heavy, _ = _ink(text, 800)
    assert fam_regular == fam_heavy == {family}
    assert heavy / regular >= 1.4, (script, heavy / regular)
