"""The stats template ("the month in numbers") and the table it reads
(libmedia.stats): every format in both languages without lint, every
figure in the caption and the alt text, bad rows named, same bytes."""

from __future__ import annotations

import hashlib
import io
import shutil
from datetime import date
from pathlib import Path

import pytest

from libmedia.errors import DataError, LibmediaError, ProblemList
from libmedia.jobs import open_job, plan
from libmedia.render import render
from libmedia.sources import Record
from libmedia.stats import month_stats, parse_month
from libmedia.templating import RecordView

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "statistik-bulanan.csv"
FORMATS = ["instagram-portrait", "instagram-square", "instagram-story", "facebook-post", "x-post"]
#: The lint codes a designed post must not have.
LINT = {"missing-glyph", "touching-lines", "small-text", "low-contrast", "safe-zone", "truncated",
        "bare-break", "shortened-with-room"}


@pytest.fixture(scope="module")
def kits(tmp_path_factory) -> dict[str, Path]:
    """The sample kit in Indonesian and in English, and a very different kit
    (another palette, serif type, no logo)."""
    folder = tmp_path_factory.mktemp("kits")
    out = {}
    kit = (ROOT / "samples" / "libmedia.toml").read_text(encoding="utf-8")
    for lang in ("id", "en"):
        d = folder / lang
        d.mkdir()
        shutil.copy(ROOT / "samples" / "logo.png", d / "logo.png")
        (d / "libmedia.toml").write_text(kit.replace('language = "id"', f'language = "{lang}"'),
                                         encoding="utf-8")
        out[lang] = d / "libmedia.toml"
    other = folder / "other"
    other.mkdir()
    (other / "libmedia.toml").write_text(
        '[library]\nname = "Taman Baca Pelita Harapan"\nshort_name = "TB Pelita"\nlanguage = "en"\n'
        '[colors]\npaper = "#FFFFFF"\nink = "#222222"\nmuted = "#666666"\nprimary = "#8E1B4F"\n'
        'on_primary = "#FFFFFF"\naccent = "#2E9E8F"\n'
        '[type.title]\nfamily = "Literata"\nweight = 700\nsize = 70\nline_height = 1.1\n'
        '[type.meta]\nfamily = "Literata"\nsize = 30\nline_height = 1.3\n', encoding="utf-8")
    out["other"] = other / "libmedia.toml"
    return out


def rendered(data, kit, fmt):
    job = open_job("stats", data, [fmt], kit)
    (task,) = plan(job)  # every row of the table makes one post
    return render(job.render_input(list(task.records), job.formats[0]))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_format_in_both_languages_without_lint(kits, fmt, lang):
    r = rendered(SAMPLE, kits[lang], fmt)
    bad = [f"{w.code}: {w.message}" for w in r.warnings if w.code in LINT]
    assert not bad
    page = r.page
    assert r.image.size == (page.width, page.height)
    for node in page.root.walk():  # nothing outside the canvas
        if node.element.tag == "text" and node.text is not None:
            assert page.root.box.contains(node.box, tolerance=1), node.element.plain_text
    charts = {c.chart.kind for c in page.find("chart")}
    assert "number" in charts and "column" in charts
    if fmt not in ("facebook-post", "x-post"):
        assert "bar" in charts
    numbers = [c.children[0].element.plain_text for c in page.find("chart") if c.chart.kind == "number"]
    assert numbers == (["12.480", "3.215", "146", "89"] if lang == "id" else ["12,480", "3,215", "146", "89"])


def test_the_text_in_the_safe_zone_of_a_story(kits):
    r = rendered(SAMPLE, kits["id"], "instagram-story")
    for node in r.page.root.walk():
        if node.element.tag == "text" and node.text is not None and node.element.plain_text.strip():
            assert 250 <= node.box.y and node.box.bottom <= 1920 - 250 + 1


@pytest.mark.parametrize("lang", ["id", "en"])
def test_caption_and_alt_state_every_figure(kits, lang):
    r = rendered(SAMPLE, kits[lang], "instagram-portrait")
    big = "12.480" if lang == "id" else "12,480"
    month = "Oktober 2025" if lang == "id" else "October 2025"
    for text in (r.caption, r.alt):
        assert big in text and month in text
        for label in ("Pengunjung", "Peminjaman", "Judul baru", "Anggota baru", "Laskar Pelangi",
                      "Laut Bercerita"):
            assert label in text
    weeks = ("2.740", "3.010", "3.385", "3.345") if lang == "id" else ("2,740", "3,010", "3,385", "3,345")
    for week, value in zip(("Pekan 1", "Pekan 2", "Pekan 3", "Pekan 4"), weeks, strict=True):
        assert f"{week} {value}" in r.alt
    if lang == "id":
        assert "naik 12% dari September" in r.alt and "turun 13% dari September" in r.alt
        assert "+12% dibanding September" in r.caption
    else:
        assert "up 12% from September" in r.alt and "down 13% from September" in r.alt
        assert "+12% vs September" in r.caption
    assert "{{" not in r.caption + r.alt and "None" not in r.caption + r.alt


def test_wide_alt_text_says_what_the_image_shows(kits):
    r = rendered(SAMPLE, kits["en"], "x-post")
    assert "column chart" in r.alt and "bar chart" not in r.alt


def test_same_input_same_bytes(kits):
    def png():
        out = io.BytesIO()
        rendered(SAMPLE, kits["id"], "instagram-portrait").image.save(out, format="PNG")
        return hashlib.sha256(out.getvalue()).hexdigest()

    assert png() == png()


def test_the_template_sample_and_another_brand_kit(kits):
    for fmt in FORMATS:
        r = rendered(None, kits["other"], fmt)
        assert not [w for w in r.warnings if w.code in LINT], fmt


@pytest.mark.parametrize("kit_name", ["dark", "bright"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_test_kits_in_both_languages_without_lint(kit_name, fmt):
    """Under near-black paper with a navy brand colour (the numbers, bars and
    name take the brand colour made readable on the paper) and under white
    paper with a wide display face: no low contrast, no shortened text."""
    kit = ROOT / "tests" / "brands" / kit_name / "libmedia.toml"
    for lang in ("id", "en"):
        job = open_job("stats", SAMPLE, [fmt], kit, lang=lang)
        (task,) = plan(job)
        r = render(job.render_input(list(task.records), job.formats[0]))
        bad = [f"{w.code}: {w.message}" for w in r.warnings if w.code in LINT]
        assert not bad, (kit_name, fmt, lang, bad)


def test_a_donut_takes_the_top_lists_place(kits, tmp_path):
    rows = [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if not ln.startswith("teratas")]
    rows += ["porsi,Fiksi,1450,", "porsi,Nonfiksi,980,", "porsi,Anak-anak dan remaja,610,",
             "porsi,Referensi,175,"]
    data = tmp_path / "donut.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for fmt in ("instagram-portrait", "instagram-square", "instagram-story"):
        r = rendered(data, kits["id"], fmt)
        assert not [w for w in r.warnings if w.code in LINT], fmt
        donut = [c for c in r.page.find("chart") if c.chart.kind == "donut"][0]
        assert sum(donut.chart.percents) == 100
        assert "Diagram donat peminjaman per koleksi: Fiksi 45% (1.450)" in r.alt


# ---------------------------------------------------------------------------
# the table


def views(rows, source="stat.csv"):
    out = []
    for i, r in enumerate(rows, 1):
        rec = Record(row=i, line=i + 1, fields=dict(r), raw=dict(r))
        out.append(RecordView(rec.fields, i, list(r), source))
    return out


def test_rows_become_the_months_figures():
    s = month_stats(views([
        {"section": "month", "label": "2025-01", "value": "", "previous": ""},
        {"section": "number", "label": "Visitors", "value": "1.200", "previous": "1000"},
        {"section": "top", "label": "B", "value": "3", "previous": ""},
        {"section": "top", "label": "A", "value": "9", "previous": ""},
        {"section": "chart heading", "label": "Visits per day", "value": "", "previous": ""},
        {"section": "", "label": "", "value": "", "previous": ""},
    ]), "en")
    assert s["month"] == "January 2025" and s["previous_month"] == "December"
    (n,) = s["numbers"]
    assert n["value"] == 1200 and n["change"] == pytest.approx(0.2) and n["change_text"] == "+20%"
    assert [i["label"] for i in s["top"]["data"]] == ["A", "B"]  # largest first
    assert s["chart"]["heading"] == "Visits per day"


@pytest.mark.parametrize("text, month", [
    ("Oktober 2025", date(2025, 10, 1)), ("Okt 2025", date(2025, 10, 1)),
    ("October 2025", date(2025, 10, 1)), ("2025-10", date(2025, 10, 1)),
    ("10/2025", date(2025, 10, 1)), ("Agustus 2024", date(2024, 8, 1)), ("Mei 2025", date(2025, 5, 1)),
])
def test_months_as_libraries_write_them(text, month):
    assert parse_month(text) == month


def test_bad_rows_are_named_with_row_and_column():
    with pytest.raises(ProblemList) as info:
        month_stats(views([
            {"bagian": "angka", "label": "Pengunjung", "nilai": "banyak", "sebelumnya": ""},
            {"bagian": "grafk", "label": "Pekan 1", "nilai": "3", "sebelumnya": ""},
            {"bagian": "teratas", "label": "Laskar", "nilai": "-4", "sebelumnya": ""},
            {"bagian": "bulan", "label": "Oktobr 2025", "nilai": "", "sebelumnya": ""},
        ]))
    found = {(p.location.row, p.location.field): p for p in info.value.problems}
    assert set(found) == {(1, "nilai"), (2, "bagian"), (3, "nilai"), (4, "label")}
    assert "'banyak' is not a number" in found[(1, "nilai")].message
    assert "grafik" in found[(2, "bagian")].hint
    assert "negative" in found[(3, "nilai")].message
    assert all(p.location.file == "stat.csv" and p.hint for p in found.values())


def test_too_many_numbers_and_a_table_without_sections():
    rows = [{"bagian": "angka", "label": f"N{i}", "nilai": "1", "sebelumnya": ""} for i in range(5)]
    with pytest.raises(DataError, match="more than 4 numbers") as info:
        month_stats(views(rows))
    assert info.value.location.row == 5
    with pytest.raises(DataError, match="no 'bagian'"):
        month_stats(views([{"title": "Laskar Pelangi", "author": "Andrea Hirata"}]))
    zero = [{"bagian": "grafik", "label": f"P{i}", "nilai": "0", "sebelumnya": ""} for i in range(3)]
    with pytest.raises(DataError, match="every 'chart' value is 0"):
        month_stats(views(zero))


def test_a_bad_csv_stops_with_its_row(kits, tmp_path):
    data = tmp_path / "stat.csv"
    data.write_text(SAMPLE.read_text(encoding="utf-8").replace("angka,Peminjaman,3215,2990",
                                                               "angka,Peminjaman,tiga ribu,2990"),
                    encoding="utf-8")
    with pytest.raises(LibmediaError) as info:
        rendered(data, kits["id"], "instagram-portrait")
    err = info.value
    assert err.location.row == 4 and err.location.field == "nilai"
    assert "'tiga ribu' is not a number" in err.message


def test_render_makes_the_post_of_every_row(kits, tmp_path):
    from libmedia.run.single import render_single

    rep = render_single("stats", SAMPLE, row=5, format_name="instagram-square",
                        output=tmp_path / "stats.png", brand_path=kits["id"])
    assert rep.error is None
    alt = (tmp_path / "stats.alt.txt").read_text(encoding="utf-8")
    assert "Pengunjung 12.480" in alt and "Laut Bercerita" in alt
    sample = render_single("stats", None, format_name="instagram-square", output=tmp_path / "s.png",
                           brand_path=kits["id"])
    assert "Laut Bercerita" in (tmp_path / "s.alt.txt").read_text(encoding="utf-8")
    assert sample.error is None


def test_the_post_is_named_after_the_month():
    """template.toml file_name: the month's row (bulan) names the files, not
    the ``0002-record`` of a table without a title column."""
    job = open_job("stats", SAMPLE, ["instagram-portrait"])
    (task,) = plan(job)
    assert task.stem == "0002-statistik-oktober-2025"
