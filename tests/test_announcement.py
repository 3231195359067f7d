"""The announcement template and what it stands on: service notices read from
TOML or CSV (libmedia.sources.tomlfile), opening hours read from one cell
(libmedia.hours), and the four kinds of notice rendered in every format the
template lists, in Indonesian and English, without a lint warning."""

from __future__ import annotations

import dataclasses
from datetime import time
from pathlib import Path

import pytest

from libmedia.brand import load_brand
from libmedia.errors import DataError
from libmedia.formats import get_format
from libmedia.hours import HoursError, hours_table, notice_kind, parse_hours, to_cell
from libmedia.render import RenderInput, render, render_until, sample_records
from libmedia.sources import read_records
from libmedia.templating import RecordView, load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "announcement"
KINDS = ("closed", "hours", "moved", "outage")
LINT = {"missing-glyph", "touching-lines", "bare-break", "safe-zone", "small-text", "low-contrast",
        "truncated", "overflow"}

HOURS_CELL = ("Senin–Kamis 08.00–16.00; *Jumat 08.00–11.00, 13.30–16.00; *Sabtu 09.00–13.00; "
              "Minggu & hari libur nasional tutup")

NOTICE_TOML = """\
# one notice: new opening hours
[[pengumuman]]
jenis = "jam buka"
judul = "Jam layanan baru"
tanggal = 2025-09-01
deskripsi = "Jam layanan Jumat dan Sabtu berubah."
jam_buka = [
  { days = "Senin–Kamis", time = "08.00–16.00" },
  { days = "Jumat", time = ["08.00–11.00", "13.30–16.00"], changed = true },
  { days = "Sabtu", time = "09.00–13.00", changed = true },
  { days = "Minggu & hari libur nasional", closed = true },
]

[[pengumuman]]
jenis = "gangguan"
layanan = "Wifi"
tanggal = "20 September 2025"
waktu = "08.00"
jam_selesai = "14.00 WIB"
sebagai_gantinya = "Pakai komputer di ruang baca."
"""

NOTICE_CSV = (
    "\ufeffJenis;Judul;Tanggal;Deskripsi;Jam Buka;Layanan;Waktu;Jam Selesai;Sebagai Gantinya\r\n"
    f'jam buka;Jam layanan baru;2025-09-01;Jam layanan Jumat dan Sabtu berubah.;"{HOURS_CELL}";;;;\r\n'
    "gangguan;;20 September 2025;;;Wifi;08.00;14.00 WIB;Pakai komputer di ruang baca.\r\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows_of(cell: str) -> list[tuple]:
    """An hours cell's rows without their source text (which differs in spelling)."""
    return [dataclasses.replace(r, source="") for r in parse_hours(cell)]


# --- sources --------------------------------------------------------------------------


def test_toml_and_csv_give_the_same_records(tmp_path):
    toml = read_records(write(tmp_path, "pengumuman.toml", NOTICE_TOML))
    csv = read_records(write(tmp_path, "pengumuman.csv", NOTICE_CSV))
    assert (toml.reader, csv.reader) == ("toml", "csv")
    assert len(toml.records) == len(csv.records) == 2
    for a, b in zip(toml.records, csv.records, strict=True):
        fa = {k: v for k, v in a.fields.items() if v}
        fb = {k: v for k, v in b.fields.items() if v}
        assert rows_of(fa.pop("hours", "")) == rows_of(fb.pop("hours", ""))
        assert fa == fb
        assert not a.warnings and not b.warnings
    first = toml.records[0].fields
    assert first["kind"] == "jam buka" and first["date"] == "2025-09-01"
    assert first["hours"] == ("Senin–Kamis 08.00–16.00; *Jumat 08.00–11.00, 13.30–16.00; "
                              "*Sabtu 09.00–13.00; Minggu & hari libur nasional tutup")
    second = toml.records[1].fields
    assert (second["service"], second["time"], second["end_time"], second["instead"]) == (
        "Wifi", "08.00", "14.00 WIB", "Pakai komputer di ruang baca.")
    # rows count from 1 and start at their [[pengumuman]] header
    assert [(r.row, r.line) for r in toml.records] == [(1, 2), (2, 14)]


def test_toml_one_record_forms(tmp_path):
    top = read_records(write(tmp_path, "a.toml", 'jenis = "tutup"\n\ntanggal = 2025-08-17\n'))
    assert [r.fields["date"] for r in top.records] == ["2025-08-17"]
    assert top.records[0].line == 1
    table = read_records(write(tmp_path, "b.toml", 'perpustakaan = "Cabang Utara"\n\n'
                                                   '[pengumuman]\njenis = "jam buka"\n'
                                                   'jam_buka = { "Senin–Jumat" = "08.00–16.00", '
                                                   'Sabtu = "tutup" }\n'))
    (rec,) = table.records
    assert rec.line == 3 and rec.fields["perpustakaan"] == "Cabang Utara"
    assert rec.fields["hours"] == "Senin–Jumat 08.00–16.00; Sabtu tutup"
    # an hours table at the top is a value, not a list of records
    hours_only = read_records(write(tmp_path, "c.toml", 'judul = "Jam buka"\n[[hours]]\n'
                                                        'days = "Senin"\ntime = "08.00–12.00"\n'))
    assert [r.fields["hours"] for r in hours_only.records] == ["Senin 08.00–12.00"]
    # keys shared by every record; a record's own value wins
    shared = read_records(write(tmp_path, "d.toml", 'tempat = "Lantai 1"\n[[n]]\njenis = "tutup"\n'
                                                    '[[n]]\njenis = "tutup"\ntempat = "Lantai 2"\n'))
    assert [r.fields["place"] for r in shared.records] == ["Lantai 1", "Lantai 2"]


def test_a_toml_file_without_the_extension_is_read_as_toml(tmp_path):
    data = read_records(write(tmp_path, "pengumuman.txt", NOTICE_TOML))
    assert data.reader == "toml" and len(data.records) == 2


def test_bad_toml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "rusak.toml", '[[pengumuman]]\njenis = "tutup"\njudul = "Libur\n'
                                         'tanggal = 2025-08-17\n')
    with pytest.raises(DataError) as info:
        read_records(path)
    d = info.value.diagnostic
    assert d.location.file.endswith("rusak.toml") and d.location.line == 3
    assert "not valid TOML" in d.message and "[[pengumuman]]" in d.hint


@pytest.mark.parametrize(("text", "wanted"), [
    ('[[a]]\njenis = "tutup"\n[[b]]\njenis = "tutup"\n', "two lists of records: [[a]] and [[b]]"),
    ('[[n]]\njenis = "tutup"\nlokasi = { lantai = 2 }\n', "key 'lokasi' holds a table"),
    ('[[n]]\njam_buka = [{ days = "Senin" }]\n', "has no time"),
    ('[[n]]\njam_buka = [{ hari = "Senin", buka = "08.00" }]\n', "has the key 'buka'"),
])
def test_toml_that_is_not_a_list_of_records(tmp_path, text, wanted):
    with pytest.raises(DataError, match=wanted.replace("[", r"\[").replace("]", r"\]")) as info:
        read_records(write(tmp_path, "x.toml", text))
    assert info.value.diagnostic.location.file.endswith("x.toml")


def test_toml_that_is_not_utf8(tmp_path):
    path = tmp_path / "ansi.toml"
    path.write_bytes('[[n]]\njudul = "Libur"\ntempat = "Gedung Perpustakaan Café"\n'.encode("cp1252"))
    with pytest.raises(DataError, match="UTF-8") as info:
        read_records(path)
    assert info.value.diagnostic.location.line == 3


# --- hours ----------------------------------------------------------------------------


def test_hours_cell_rows():
    rows = parse_hours(HOURS_CELL)
    assert [r.spans for r in rows] == [((0, 3),), ((4, 4),), ((5, 5),), ((6, 6),)]
    assert rows[1].intervals == ((time(8), time(11)), (time(13, 30), time(16)))
    assert [r.changed for r in rows] == [False, True, True, False]
    assert rows[3].closed and rows[3].holidays
    assert rows[3].days_label("id", "Hari libur nasional") == "Minggu & hari libur nasional"
    assert rows[0].days_label("en") == "Monday–Thursday"
    assert rows[1].time_labels("id") == ["08.00–11.00", "13.30–16.00"]
    assert rows[1].time_labels("en") == ["8:00\u00a0AM–11:00\u00a0AM", "1:30\u00a0PM–4:00\u00a0PM"]


@pytest.mark.parametrize(("cell", "spans", "intervals"), [
    ("Mon-Thu 8:00 AM - 4:00 PM", ((0, 3),), ((time(8), time(16)),)),
    ("Senin s.d. Kamis pukul 08.00 s.d. 16.00", ((0, 3),), ((time(8), time(16)),)),
    ("Monday to Friday: 9-5 pm", ((0, 4),), ((time(9), time(17)),)),
    ("Sabtu dan Minggu: 09.00–12.00 & 13.00–15.00", ((5, 5), (6, 6)),
     ((time(9), time(12)), (time(13), time(15)))),
    ("Jum'at 13.30-16.00", ((4, 4),), ((time(13, 30), time(16)),)),
    ("Ahad tutup", ((6, 6),), ()),
    ("Jumat–Senin 10.00–14.00", ((4, 0),), ((time(10), time(14)),)),
    ("Sat, Sun closed", ((5, 5), (6, 6)), ()),
])
def test_hours_in_indonesian_and_english(cell, spans, intervals):
    (row,) = parse_hours(cell)
    assert (row.spans, row.intervals) == (spans, intervals)


def test_hours_rows_split_at_line_breaks_and_keep_a_zone():
    rows = parse_hours("Senin–Jumat 08.00–16.00 WIB\nSabtu libur")
    assert rows[0].time_labels("id") == ["08.00–16.00\u00a0WIB"]
    assert rows[1].closed and rows[1].spans == ((5, 5),)


@pytest.mark.parametrize(("cell", "wanted"), [
    ("Senen 08.00–16.00", "'Senen' in 'Senen 08.00–16.00' is not a day of the week"),
    ("Senin–Kamis", "has no hours"),
    ("08.00–16.00", "does not start with the days"),
    ("Senin 16.00–08.00", "closes before it opens"),
    ("Senin 08.00", "needs an opening and a closing time"),
    ("Senin jam sembilan", "has no hours"),
])
def test_hours_that_cannot_be_read(cell, wanted):
    with pytest.raises(HoursError, match=wanted):
        parse_hours(cell)


def test_to_cell_forms():
    assert to_cell({"Senin–Kamis": "08.00–16.00", "Minggu": "tutup"}) == \
        "Senin–Kamis 08.00–16.00; Minggu tutup"
    assert to_cell(["Senin 08.00–12.00", {"hari": "Sabtu", "tutup": True, "baru": "ya"}]) == \
        "Senin 08.00–12.00; *Sabtu tutup"
    with pytest.raises(HoursError, match="row 1 .* has no days"):
        to_cell([{"time": "08.00–12.00"}])


def test_a_bad_hours_cell_names_row_column_and_a_hint(tmp_path):
    path = write(tmp_path, "jam.csv", "Jenis;Jam Buka\njam buka;Senin–Kamis 08.00–16.00\n"
                                      'jam buka;"Senin–Kamis 08.00–16.00; Jumat pagi"\n')
    data = read_records(path)
    view = RecordView(data.records[1].fields, data.records[1].row, data.columns, str(path))
    with pytest.raises(DataError) as info:
        hours_table(view, "id")
    d = info.value.diagnostic
    assert (d.location.row, d.location.field) == (3, "hours")
    assert d.location.file == str(path)
    assert "'Jumat pagi' has no hours" in d.message
    assert "Senin–Kamis 08.00–16.00; Jumat 08.00–11.00" in d.hint
    # through the template: the same error, not a blank table
    template = load_template(TEMPLATE)
    inp = RenderInput(template, [data.records[1]], get_format("instagram-portrait"),
                      load_brand(), source=str(path), columns=data.columns)
    with pytest.raises(DataError) as info:
        render_until(inp, "markup")
    assert (info.value.diagnostic.location.row, info.value.diagnostic.location.field) == (3, "hours")


def test_notice_kinds():
    assert notice_kind({"kind": "Tutup"}) == "closed"
    assert notice_kind({"kind": "Jam Layanan"}) == "hours"
    assert notice_kind({"kind": "pindah"}) == "moved"
    assert notice_kind({"kind": "Gangguan"}) == "outage"
    assert notice_kind({"moved_to": "Lantai 2"}) == "moved"
    assert notice_kind({"hours": "Senin 08.00–12.00"}) == "hours"
    assert notice_kind({"service": "Wifi", "date": "1/9/2025"}) == "outage"
    assert notice_kind({"date": "17/08/2025"}) == "closed"
    view = RecordView({"kind": "libur panjang"}, 4, ["Jenis"], "x.csv")
    with pytest.raises(DataError, match="'libur panjang' is not a kind of notice") as info:
        notice_kind(view)
    assert info.value.diagnostic.location.row == 4 and "tutup" in info.value.diagnostic.hint


# --- the template ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def template():
    return load_template(TEMPLATE)


@pytest.fixture(scope="module")
def brands():
    kit = load_brand(ROOT / "samples" / "libmedia.toml")
    return {lang: dataclasses.replace(kit, language=lang) for lang in ("id", "en")}


def text_of(fragment) -> str:
    """A text block's lines joined with spaces (no-break spaces kept)."""
    return " ".join(ln.text for ln in fragment.text.lines)


def texts(page) -> list[str]:
    return [text_of(f) for f in page.root.walk() if f.text]


#: What each kind's post shows, per language (sample records 0-3 of template.toml).
EXPECTED = {
    ("closed", "id"): ["TUTUP", "Libur Hari Raya Idul Fitri 1446 H", "Senin–Jumat",
                       "31 Maret –4 April 2025"],
    ("closed", "en"): ["CLOSED", "Monday–Friday", "31 March –4 April 2025"],
    ("hours", "id"): ["Jam layanan baru", "Senin, 1 September 2025", "Senin–Kamis", "08.00–16.00",
                      "13.30–16.00", "Tutup"],
    ("hours", "en"): ["Monday, 1 September 2025", "Monday–Thursday", "1:30\u00a0PM–4:00\u00a0PM",
                      "Closed"],
    ("moved", "id"): ["Layanan referensi pindah", "Lantai 1, ruang baca umum", "Lantai 2, ruang 204",
                      "Rabu, 1 Oktober 2025"],
    ("moved", "en"): ["Layanan referensi has moved", "Lantai 2, ruang 204",
                      "Wednesday, 1 October 2025"],
    ("outage", "id"): ["Katalog online (OPAC)", "Sabtu, 20 September 2025", "08.00–14.00 WIB",
                       "Sebagai gantinya"],
    ("outage", "en"): ["Saturday, 20 September 2025", "8:00\u00a0AM–2:00\u00a0PM WIB", "Instead"],
}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("fmt", load_template(TEMPLATE).formats)
def test_each_kind_renders_in_each_format(template, brands, fmt, lang):
    records = sample_records(template)
    for n, kind in enumerate(KINDS):
        out = render(RenderInput(template, [records[n]], get_format(fmt), brands[lang],
                                 search_dirs=[ROOT / "samples"]))
        assert out.image.size == get_format(fmt).size
        # a line may end after a dash ("Monday–" / "Thursday" in a narrow table)
        shown = " | ".join(texts(out.page)).replace("\u00a0", " ").replace("– ", "–").casefold()
        for wanted in EXPECTED[(kind, lang)]:
            assert wanted.replace("\u00a0", " ").casefold() in shown, (kind, fmt, wanted)
        codes = [(w.code, w.message) for w in out.warnings if w.code in LINT]
        assert not codes, (kind, fmt, lang, codes)
        assert not out.warnings, (kind, fmt, lang, [w.message for w in out.warnings])
        # the caption and alt text carry the facts, in the brand's language
        for text in (out.caption, out.alt):
            assert "{" not in text and "}" not in text
        if fmt == template.formats[0]:
            check_caption(kind, lang, out.caption, out.alt)


@pytest.mark.parametrize("kit_name", ["dark", "bright"])
@pytest.mark.parametrize("fmt", load_template(TEMPLATE).formats)
def test_each_kind_reads_under_the_test_kits(template, kit_name, fmt):
    """Near-black paper with a navy brand colour, and white paper with a red
    one, a wide display face and a long library name, in both languages:
    the brand-coloured facts (weekdays, the new place, the hours, the
    website) take the brand colour made readable on the paper, the
    "changed" tag is dark on the accent, the big TUTUP/CLOSED keeps clear
    of the icon over it, the library's name is not cut short."""
    kit = load_brand(ROOT / "tests" / "brands" / kit_name / "libmedia.toml")
    records = sample_records(template)
    records[0].fields["place"] = "Perpustakaan Cabang Utara"
    for lang in ("id", "en"):
        for n, kind in enumerate(KINDS):
            out = render(RenderInput(template, [records[n]], get_format(fmt), kit.with_language(lang),
                                     search_dirs=[ROOT / "samples"]))
            codes = [(w.code, w.message) for w in out.warnings if w.code in LINT]
            assert not codes, (kind, fmt, lang, codes)
            if kit_name == "dark" and kind == "closed" and not fmt.endswith("-post"):
                assert "riverside.example.org" in texts(out.page)  # the footer: no https://


def check_caption(kind: str, lang: str, caption: str, alt: str) -> None:
    id_ = lang == "id"
    facts = {
        "closed": ["Perpustakaan Kota Samudra", "31 Maret – 4 April 2025" if id_ else
                   "31 March – 4 April 2025"],
        "hours": ["Senin–Kamis" if id_ else "Monday–Thursday",
                  "13.30–16.00" if id_ else "1:30 PM–4:00 PM", "Senin, 1 September 2025" if id_
                  else "Monday, 1 September 2025"],
        "moved": ["Layanan referensi", "Lantai 1, ruang baca umum", "Lantai 2, ruang 204"],
        "outage": ["Katalog online (OPAC)", "08.00–14.00 WIB" if id_ else "8:00 AM–2:00 PM WIB",
                   "Cari buku di komputer katalog lantai 1"],
    }[kind]
    for fact in facts:
        assert fact in caption.replace("\u00a0", " "), (kind, lang, fact, caption)
        assert fact in alt.replace("\u00a0", " "), (kind, lang, fact, alt)
    assert ("Pengumuman" in alt) == id_ and ("Notice from" in alt) == (not id_)
    assert "#PerpustakaanSamudra" in caption


@pytest.mark.parametrize("fmt", ["instagram-portrait", "instagram-square", "instagram-story",
                                 "facebook-post", "x-post"])
def test_hours_columns_are_aligned_and_changes_marked(template, brands, fmt):
    rec = sample_records(template)[1]
    stages = render_until(RenderInput(template, [rec], get_format(fmt), brands["en"],
                                      search_dirs=[ROOT / "samples"]), "layout")
    blocks = [f for f in stages.page.root.walk() if f.text]
    times = [f for f in blocks if text_of(f).endswith(("AM", "PM"))]
    closed = [f for f in blocks if text_of(f) == "Closed"]
    days = [f for f in blocks if text_of(f).replace("– ", "–") in (
        "Monday–Thursday", "Friday", "Saturday", "Sunday & public holidays")]
    cells = times + closed
    assert (len(times), len(closed), len(days)) == (4, 1, 4)
    # every time cell starts at one x, right of every day cell
    assert len({round(f.box.x, 2) for f in cells}) == 1, [f.box for f in cells]
    assert len({round(f.box.x, 2) for f in days}) == 1
    assert all(f.box.x + f.box.w <= cells[0].box.x + 0.5 for f in days)
    marks = [t for t in texts(stages.page) if t == "CHANGED"]
    assert len(marks) == (1 if fmt in ("instagram-square", "facebook-post", "x-post") else 2)


def test_template_lists_a_sample_of_every_kind(template):
    kinds = [notice_kind(s) for s in template.samples]
    assert set(KINDS) <= set(kinds)
    sample = read_records(ROOT / "samples" / "pengumuman.toml")
    assert [notice_kind(r.fields) for r in sample.records] == ["hours"]
    assert "samples/pengumuman.toml" in template.description


def test_hours_table_takes_structured_rows_and_multiline_cells(tmp_path):
    # a brand kit's or a TOML file's rows, as the filter gets them
    rows = hours_table([{"days": "Senin–Jumat", "time": "08.00–16.00"},
                        {"days": "Sabtu", "closed": True, "changed": True}], "en",
                       holidays="Public holidays")
    assert rows == [
        {"days": "Monday–Friday", "times": ["8:00\u00a0AM–4:00\u00a0PM"], "closed": False,
         "changed": False},
        {"days": "Saturday", "times": [], "closed": True, "changed": True}]
    assert hours_table("", "id") == []
    # Excel's Alt+Enter: one row per line of a quoted cell
    path = tmp_path / "jam.csv"
    path.write_bytes('\ufeffJenis;Jam Buka\r\njam buka;"Senin–Kamis 08.00–16.00\nJumat tutup"\r\n'
                     .encode("utf-8"))
    (rec,) = read_records(path).records
    assert [r["days"] for r in hours_table(rec.fields["hours"], "id")] == ["Senin–Kamis", "Jumat"]


LONG_CLOSURE_CSV = ("Jenis;Judul;Tanggal;Tanggal Selesai;Deskripsi\n"
                    "tutup;;24 Desember 2026;1 Januari 2027;Layanan buka kembali Senin, 4 Januari 2027.\n"
                    "tutup;Libur Idul Fitri;31 Maret 2025;4 April 2025;\n")


@pytest.mark.parametrize("fmt", load_template(TEMPLATE).formats)
def test_a_long_closure_names_its_ends_and_no_line_starts_with_a_dash(tmp_path, template, brands, fmt):
    """A nine-day closure is not "Kamis–Jumat" (two days): each end has its
    own weekday; a five-day one keeps its weekday range over the dates.
    No line of the post starts with a dash."""
    data = read_records(write(tmp_path, "tutup.csv", LONG_CLOSURE_CSV))
    for rec, lang, wanted, unwanted in (
            (data.records[0], "id", "Kamis, 24 Desember 2026 – Jumat, 1 Januari 2027", "Kamis–Jumat"),
            (data.records[0], "en", "Thursday, 24 December 2026 – Friday, 1 January 2027",
             "Thursday–Friday"),
            (data.records[1], "id", "31 Maret – 4 April 2025", "Senin, 31")):
        out = render(RenderInput(template, [rec], get_format(fmt), brands[lang],
                                 source=str(tmp_path / "tutup.csv"), columns=data.columns))
        lines = [ln.text.replace("\u00a0", " ").strip()
                 for f in out.page.root.walk() if f.text for ln in f.text.lines]
        assert not [ln for ln in lines if ln.startswith(("–", "-"))], (fmt, lines)
        shown = " ".join(lines)
        assert wanted in shown, (fmt, lines)
        assert unwanted not in shown
        for text in (out.caption, out.alt):
            assert wanted in text.replace("\u00a0", " ")
            assert unwanted not in text
        assert not [w.message for w in out.warnings if w.code in LINT], fmt
    # the five-day closure: the weekday range over its dates
    assert "Senin–Jumat" in shown


def test_hours_rows_split_at_a_spaced_slash_but_not_at_s_slash_d():
    rows = parse_hours("Senin s/d Kamis 08.00–16.00 / *Jumat 08.00–11.00, 13.30–16.00 / Sabtu tutup")
    assert [(r.changed, r.closed) for r in rows] == [(False, False), (True, False), (False, True)]
    assert rows == parse_hours("Senin s/d Kamis 08.00–16.00; *Jumat 08.00–11.00, 13.30–16.00; "
                               "Sabtu tutup")


SPLIT_HOURS = "Senin–Kamis 08.00–16.00; *Jumat 08.00–11.00, 13.30–16.00; Sabtu tutup"


@pytest.mark.parametrize("header, row", [
    # the hours the last column: Friday and Saturday left over past it
    ("Jenis;Judul;Tanggal;Jam Buka", f"jam buka;Jam layanan baru;1 September 2025;{SPLIT_HOURS}"),
    # the hours in the middle: the rest of the cell shifted the description
    ("Jenis;Tanggal;Jam Buka;Deskripsi", f"jam buka;1 September 2025;{SPLIT_HOURS};Hari lain tetap."),
])
def test_unquoted_hours_split_by_the_separator_fail_naming_row_and_column(tmp_path, header, row):
    path = write(tmp_path, "jam.csv", f"{header}\n{row}\n")
    data = read_records(path)
    assert data.delimiter == ";"
    inp = RenderInput(load_template(TEMPLATE), data.records, get_format("instagram-portrait"),
                      load_brand(), source=str(path), columns=data.columns)
    with pytest.raises(DataError) as info:
        render_until(inp, "markup")
    d = info.value.diagnostic
    assert (d.location.file, d.location.row, d.location.field, d.location.header) == (
        str(path), 2, "hours", "Jam Buka")
    assert "split by the file's ';' separator" in d.message
    assert "'Senin–Kamis 08.00–16.00' reached the hours column" in d.message
    assert "double quotes" in d.hint and "' / '" in d.hint
    # the fixes the hint names both give the whole table
    for fixed in (row.replace(SPLIT_HOURS, f'"{SPLIT_HOURS}"'),
                  row.replace(SPLIT_HOURS, SPLIT_HOURS.replace("; ", " / "))):
        data = read_records(write(tmp_path, "jam.csv", f"{header}\n{fixed}\n"))
        view = RecordView(data.records[0].fields, 1, data.columns, str(path))
        assert [r["days"] for r in hours_table(view, "id")] == ["Senin–Kamis", "Jumat", "Sabtu"]


def test_any_notice_row_with_more_cells_than_the_header_fails(tmp_path):
    path = write(tmp_path, "tutup.csv", "Jenis;Judul;Tanggal\n"
                                        "tutup;Libur; cuti bersama;24 Desember 2026\n")
    data = read_records(path)
    inp = RenderInput(load_template(TEMPLATE), data.records, get_format("instagram-portrait"),
                      load_brand(), source=str(path), columns=data.columns)
    with pytest.raises(DataError) as info:
        render_until(inp, "markup")
    d = info.value.diagnostic
    assert d.location.row == 2 and "1 more value(s) than the header" in d.message
    assert "double quotes" in d.hint


def test_file_name_patterns():
    from libmedia.run.names import file_name_text, output_stem

    patterns = ("{title}", "{kind} {date}", "{date}")
    assert file_name_text({"title": "Libur Idul Fitri", "kind": "tutup"}, patterns) == "Libur Idul Fitri"
    # no title: the kind and the (first) day, in ISO 8601 so names sort by date
    assert file_name_text({"title": "", "kind": "tutup", "date": "24 Desember 2026"},
                          patterns) == "tutup 2026-12-24"
    assert file_name_text({"kind": "", "date": "31 Maret s.d. 4 April 2025"},
                          patterns) == "2025-03-31"
    # a date that cannot be read is used as written (the render reports it)
    assert file_name_text({"kind": "tutup", "date": "besok"}, patterns) == "tutup besok"
    assert file_name_text({}, patterns) == ""
    assert output_stem(2, file_name_text({"kind": "tutup", "date": "24/12/2026"}, patterns)) == (
        "0002-tutup-2026-12-24")


def test_notices_without_a_title_are_named_after_their_kind_and_day(tmp_path):
    from libmedia.jobs import open_job, plan

    path = write(tmp_path, "tutup.csv", LONG_CLOSURE_CSV + "pindah;;1 Oktober 2025;;\n")
    job = open_job("announcement", path, ["instagram-portrait"])
    assert [t.stem for t in plan(job)] == ["0002-tutup-2026-12-24", "0003-libur-idul-fitri",
                                           "0004-pindah-2025-10-01"]


@pytest.mark.parametrize("value", ["title", [], ["{title}", 3]])
def test_a_bad_file_name_pattern_names_the_key(tmp_path, value):
    from libmedia.errors import TemplateError

    folder = tmp_path / "t"
    folder.mkdir()
    for name in ("layout.xml.j2", "caption.txt.j2", "alt.txt.j2"):
        (folder / name).write_text((TEMPLATE / name).read_text(encoding="utf-8"), encoding="utf-8")
    toml = (TEMPLATE / "template.toml").read_text(encoding="utf-8")
    toml = toml.replace('file_name = ["{title}", "{kind} {date}", "{service} {date}", "{date}"]',
                        "file_name = " + repr(value).replace("'", '"'))
    (folder / "template.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(folder)
    assert info.value.diagnostic.location.field == "file_name"
