"""The ``event`` template: a poster for one library event, in every format
it serves, in Indonesian and English, on its own samples and on real data
(case C22's Indonesian dates; a BiblioCommons events export in English).

What is checked is what a reader sees: the texts of the laid-out page (the
layout stage), where they sit (inside the canvas and the story's safe zone,
never on top of one another), the QR code, the caption and the alt text,
and the lint stage's findings."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from libmedia.brand import Brand
from libmedia.cli import main
from libmedia.eventtime import EventTime, date_block, event_date_block
from libmedia.jobs import open_job
from libmedia.lint import drawn_rect
from libmedia.render import render, render_until, sample_records
from libmedia.sources import Record

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_KIT = ROOT / "samples" / "libmedia.toml"
FORMATS = ("instagram-portrait", "instagram-square", "instagram-story", "facebook-post", "x-post")
SIZES = {"instagram-portrait": (1080, 1350), "instagram-square": (1080, 1080),
         "instagram-story": (1080, 1920), "facebook-post": (1200, 630), "x-post": (1600, 900)}
#: The lint findings no poster of real data may have.
LINT = {"missing-glyph", "touching-lines", "bare-break", "safe-zone", "small-text", "low-contrast",
        "truncated"}
#: Instagram: at most 2,200 characters and 30 hashtags in a caption.
CAPTION_LIMIT, HASHTAG_LIMIT = 2200, 30
BIBLIOCOMMONS = Path("events") / "bibliocommons_library_events_2025-2026.csv"

#: Case C22, row by row: the day(s) and the hours the poster must print.
C22_EXPECTED = [
    ("Bedah Buku Laskar Pelangi", "Sabtu, 17 Agustus 2024", "09.00–11.30 WIB", "17", "Agustus"),
    ("Story Time Anak", "Sabtu, 17 Agustus 2024", "09.00 WIB", "17", "Agustus"),
    ("Pelatihan SLiMS", "Kamis, 1 Mei 2025", "13.30 WITA", "1", "Mei"),
    ("Lomba Mendongeng", "Selasa, 28 Oktober 2025", "08.00 WIT", "28", "Oktober"),
    ("Hari Buku Nasional", "Rabu, 23 April 2025", "10.00 WIB", "23", "April"),
    ("Kunjungan Sekolah", "Kamis, 2 Januari 2025", "13.00 WIB", "2", "Januari"),
    ("Pameran Arsip", "Selasa–Kamis, 31 Desember 2024 – 2 Januari 2025", "08.00–16.00 WIB",
     "31–2", "Des–Jan"),
]


@pytest.fixture(scope="module")
def english_kit(tmp_path_factory) -> Path:
    """A brand kit in English with another palette and no logo."""
    folder = tmp_path_factory.mktemp("english-kit")
    path = folder / "libmedia.toml"
    path.write_text(
        '[library]\nname = "Riverside Public Library"\nshort_name = "Riverside Library"\n'
        'language = "en"\ninstagram = "riversidelib"\nhashtags = ["#RiversideLibrary"]\n'
        '[colors]\nprimary = "#7A1F3D"\naccent = "#F4C95D"\n', encoding="utf-8")
    return path


def record(row: int = 1, **fields: str) -> Record:
    return Record(row=row, line=row + 1, fields=dict(fields), raw=dict(fields))


def job_for(fmt: str, data: Path | None = None, brand: Path | None = None):
    return open_job("event", data, [fmt], brand, run_preflight=False)


def lay_out(job, records, stage: str = "layout"):
    """The pipeline's stages up to ``stage`` for ``records`` in the job's format."""
    return render_until(job.render_input(records, job.formats[0]), stage)


def texts(page) -> list[str]:
    """Every text block of a laid-out page, its whitespace (no-break spaces
    and line breaks included) as single spaces, without the invisible word
    joiners that keep "Create-N-Play" and "2026–2027" on one line."""
    return [" ".join(f.element.plain_text.replace("\u2060", "").split()) for f in page.root.walk()
            if f.element.tag == "text" and f.element.plain_text.strip()]


def qr_codes(page) -> list[str]:
    return [f.element.get("data") for f in page.root.walk() if f.element.tag == "qr"]


def hashtags(text: str) -> list[str]:
    return re.findall(r"(?<!\w)#\w+", text)


def check_placement(page, fmt: str) -> None:
    """Every text, QR code and logo inside the canvas (and the story's safe
    zone), and no two texts or a text and a QR code on top of each other."""
    job_fmt = job_for(fmt).formats[0]
    top, right, bottom, left = job_fmt.safe
    x0, y0, x1, y1 = left, top, page.width - right, page.height - bottom
    boxes = []
    for frag in page.root.walk():
        el = frag.element
        if el.tag == "text" and el.plain_text.strip():
            r = drawn_rect(frag)
        elif el.tag == "qr" or (el.tag == "image" and el.get("src") == "brand:logo"):
            r = frag.box
        else:
            continue
        where = f"<{el.tag}> line {el.line} {el.plain_text[:40]!r}"
        assert x0 - 1 <= r.x and r.right <= x1 + 1, where
        assert y0 - 1 <= r.y and r.bottom <= y1 + 1, where
        boxes.append((where, r))
    for i, (wa, a) in enumerate(boxes):
        for wb, b in boxes[i + 1:]:
            overlap_w = min(a.right, b.right) - max(a.x, b.x)
            overlap_h = min(a.bottom, b.bottom) - max(a.y, b.y)
            assert overlap_w <= 1 or overlap_h <= 1, f"{wa} overlaps {wb}"


# ---------------------------------------------------------------------------
# the date block (libmedia.eventtime.date_block)


@pytest.mark.parametrize("first, last, lang, expected", [
    (date(2024, 8, 17), None, "id", ("17", "Agustus", "2024", "Sabtu")),
    (date(2024, 8, 17), None, "en", ("17", "August", "2024", "Saturday")),
    (date(2027, 5, 12), date(2027, 5, 14), "id", ("12–14", "Mei", "2027", "Rabu–Jumat")),
    (date(2027, 4, 30), date(2027, 5, 2), "id", ("30–2", "Apr–Mei", "2027", "Jumat–Minggu")),
    (date(2024, 12, 31), date(2025, 1, 2), "en", ("31–2", "Dec–Jan", "2024–2025", "Tuesday–Thursday")),
])
def test_date_block_pieces(first, last, lang, expected):
    block = date_block(EventTime(first, last or first), lang)
    assert (block["day"], block["month"], block["year"], block["weekday"]) == expected


def test_date_block_keeps_each_date_whole():
    """The day(s) as format_days writes them, with no-break spaces inside
    each date: a line may break after the weekdays' comma or after the
    range's dash, never between a day, its month and its year."""
    block = date_block(EventTime(date(2024, 12, 31), date(2025, 1, 2)), "id")
    assert block["days"] == "Selasa–Kamis, 31\u00a0Desember\u00a02024\u00a0– 2\u00a0Januari\u00a02025"
    assert " ".join(block["days"].split()) == "Selasa–Kamis, 31 Desember 2024 – 2 Januari 2025"
    assert event_date_block({"date": ""}) == {}
    assert event_date_block({"date": "17/08/2024", "time": "09.00"}, "id")["day"] == "17"


# ---------------------------------------------------------------------------
# the template's own samples, every format, both languages


@pytest.mark.parametrize("kit", ["default", "samples", "english"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_samples_render_cleanly_in_every_format(fmt, kit, english_kit):
    brand = {"default": None, "samples": SAMPLES_KIT, "english": english_kit}[kit]
    job = job_for(fmt, None, brand)
    for rec in sample_records(job.template):
        out = render(job.render_input([rec], job.formats[0]))
        assert out.image.size == SIZES[fmt]
        assert [(w.code, w.message) for w in out.warnings] == []
        check_placement(out.page, fmt)


def test_sample_facts_and_date_block():
    job = job_for("instagram-portrait")
    rec = sample_records(job.template)[0]
    shown = texts(lay_out(job, [rec]).page)
    # the date tile on the picture, then the facts beside their labels
    for text in ("15", "Agustus", "2026", "Dongeng Sabtu Ceria", "bersama Kak Rina Kartika",
                 "Tanggal", "Sabtu, 15 Agustus 2026", "Waktu", "09.00–10.30 WIB", "Tempat",
                 "Pojok Anak, Lantai 1 Perpustakaan Kota Samudra", "Untuk",
                 "Anak 4–10 tahun dan orang tua", "Biaya", "Gratis", "Pindai untuk mendaftar"):
        assert text in shown, (text, shown)
    # the room on its line, the building on the next
    page = lay_out(job, [rec]).page
    assert "Pojok Anak, Lantai 1\nPerpustakaan Kota Samudra" in [
        f.element.plain_text for f in page.root.walk() if f.element.tag == "text"]


def test_english_kit_writes_english_dates_and_labels(english_kit):
    job = job_for("instagram-portrait", None, english_kit)
    rec = sample_records(job.template)[0]
    shown = texts(lay_out(job, [rec]).page)
    for text in ("Library event", "Saturday, 15 August 2026", "9:00 AM–10:30 AM WIB", "Date", "Time",
                 "Place", "For", "Fee", "Free", "with Kak Rina Kartika", "Scan to register"):
        assert text in shown, (text, shown)
    assert not any("Agustus" in t or "Gratis" in t for t in shown)


def test_picture_or_typographic_poster():
    """With a picture the poster shows it (cover fit) under a date tile; without
    one it is drawn in the brand colour with the big date block, never a grey box."""
    job = job_for("instagram-portrait")
    with_picture, without = sample_records(job.template)[0], sample_records(job.template)[2]
    page = lay_out(job, [with_picture]).page
    images = [f for f in page.root.walk() if f.element.tag == "image" and f.element.get("src") != "brand:logo"]
    assert [f.element.get("src") for f in images] == ["assets/story-time.jpg"]
    assert images[0].box.w == 1080 and images[0].box.h >= 430
    stages = lay_out(job, [without], "image")
    assert [f for f in stages.page.root.walk() if f.element.tag == "image"] == []
    # the brand colour fills the poster behind the date block
    assert _hex(stages.image.getpixel((30, 700))) == stages.context["brand"]["colors"]["primary"].upper()
    shown = texts(stages.page)
    assert "31–2" in shown and "Des–Jan" in shown and "Kamis–Sabtu · 2026–2027" in shown


def _hex(px) -> str:
    return "#{:02X}{:02X}{:02X}".format(*px[:3])


@pytest.mark.parametrize("colors, expected", [
    ("", "#1B1F3B"),                                            # default: the ink on an amber accent
    ('paper = "#111214"\nink = "#F2EFE6"\naccent = "#F5C518"\n', "#111214"),  # dark kit: its paper
    ('accent = "#2B2D42"\n', "#F6F1E7"),                       # a dark accent: the light paper
])
def test_the_date_tile_text_is_whichever_of_dark_and_light_reads_on_the_accent(tmp_path, colors, expected):
    """The day, month and year on the accent-coloured tile (the picture
    poster) take the kit's dark or light colour, whichever contrasts more
    with the accent: ink on a yellow accent under dark paper would be 1.4:1."""
    kit = tmp_path / "libmedia.toml"
    kit.write_text("[colors]\n" + colors, encoding="utf-8")
    job = job_for("instagram-portrait", brand=kit)
    page = lay_out(job, [sample_records(job.template)[0]]).page
    tile = [f.element for f in page.root.walk() if f.element.tag == "text"
            and f.element.plain_text in ("15", "Agustus", "2026")]
    assert len(tile) == 3
    assert {_hex(el.get("color")) for el in tile} == {expected}


# ---------------------------------------------------------------------------
# facts: fee, time, registration link


@pytest.mark.parametrize("fee, shown", [
    ("0", "Gratis"), ("Rp 0", "Gratis"), ("Rp0,-", "Gratis"), ("gratis", "Gratis"), ("FREE", "Gratis"),
    ("Rp 25.000", "Rp 25.000"), ("Rp 10.000 (termasuk makan siang)", "Rp 10.000 (termasuk makan siang)"),
    ("", None), ("-", None),
])
def test_fee_is_free_only_when_the_data_says_so(fee, shown):
    job = job_for("instagram-portrait")
    rec = record(title="Kelas Menulis", date="17/08/2024", fee=fee)
    page_texts = texts(lay_out(job, [rec]).page)
    if shown is None:
        assert "Biaya" not in page_texts and "Gratis" not in page_texts
    else:
        assert page_texts[page_texts.index("Biaya") + 1] == shown


def test_an_event_without_a_time_shows_no_time():
    """An all-day event: the day alone, no "00.00", no time label; in the caption
    and the alt text too."""
    job = job_for("instagram-square")
    rec = record(title="Bazar Buku Murah", date="12 s.d. 14 Mei 2027", place="Halaman Perpustakaan")
    stages = lay_out(job, [rec])
    shown = texts(stages.page)
    assert "Rabu–Jumat, 12–14 Mei 2027" in shown and "Waktu" not in shown
    assert not any("00.00" in t for t in shown)
    out = render(job.render_input([rec], job.formats[0]))
    assert "00.00" not in out.caption + out.alt and "⏰" not in out.caption
    assert "Rabu–Jumat, 12–14 Mei 2027." in out.alt


@pytest.mark.parametrize("fmt", FORMATS)
def test_qr_code_only_with_a_registration_link(fmt, monkeypatch):
    job = job_for(fmt)
    base = {"title": "Klub Baca Remaja", "date": "2026-09-05", "time": "15.30", "place": "Ruang Baca"}
    with_url = record(**base, url="https://perpustakaan.example/daftar/klub-baca")
    page = lay_out(job, [with_url]).page
    assert qr_codes(page) == ["https://perpustakaan.example/daftar/klub-baca"]
    assert "Pindai untuk mendaftar" in texts(page)
    page = lay_out(job, [record(**base)]).page
    assert qr_codes(page) == [] and "Pindai untuk mendaftar" not in texts(page)
    # no link of its own: the library's registration page from the brand kit
    kit_context = Brand.to_context

    def with_registration(self):
        return {**kit_context(self), "registration_url": "https://perpustakaan.example/acara"}

    monkeypatch.setattr(Brand, "to_context", with_registration)
    page = lay_out(job, [record(**base)]).page
    assert qr_codes(page) == ["https://perpustakaan.example/acara"]
    page = lay_out(job, [with_url]).page
    assert qr_codes(page) == ["https://perpustakaan.example/daftar/klub-baca"]


def test_the_same_poster_twice_is_the_same_bytes():
    job = job_for("instagram-story")
    rec = sample_records(job.template)[0]
    a = render(job.render_input([rec], job.formats[0]))
    b = render(job.render_input([rec], job.formats[0]))
    assert a.image.tobytes() == b.image.tobytes() and a.caption == b.caption and a.alt == b.alt


# ---------------------------------------------------------------------------
# caption and alt text


def test_caption_and_alt_text_in_both_languages(english_kit):
    for brand, words in ((None, ("Acara di", "Daftar:", "Poster acara", "Sabtu, 15 Agustus 2026",
                                 "09.00–10.30 WIB", "Gratis")),
                         (english_kit, ("Coming up at", "Register:", "Event poster",
                                        "Saturday, 15 August 2026", "9:00\u00a0AM–10:30\u00a0AM WIB",
                                        "Free"))):
        job = job_for("instagram-portrait", None, brand)
        rec = sample_records(job.template)[0]
        out = render(job.render_input([rec], job.formats[0]))
        caption, alt = out.caption, out.alt
        intro, register, alt_intro, day, hours, free = words
        assert intro in caption and register in caption and alt_intro in alt
        for text in ("Dongeng Sabtu Ceria", day, hours, "Pojok Anak, Lantai 1, Perpustakaan Kota Samudra",
                     "Kak Rina Kartika", free):
            assert text in caption and text in alt, text
        assert rec.fields["url"] in caption and rec.fields["url"] in alt
        assert rec.fields["summary"] in caption
        assert len(caption) <= CAPTION_LIMIT and 1 <= len(hashtags(caption)) <= HASHTAG_LIMIT
        assert "{{" not in caption + alt and "  " not in alt.strip() and " · " not in alt


def test_long_description_and_many_hashtags_stay_within_instagrams_limits(tmp_path):
    kit = tmp_path / "libmedia.toml"
    tags = ", ".join(f'"#tag{i}"' for i in range(40))
    kit.write_text(f'[library]\nname = "Perpustakaan Daerah"\nhashtags = [{tags}]\n', encoding="utf-8")
    long = "Kalimat panjang tentang acara perpustakaan ini. " * 120
    job = job_for("instagram-portrait", None, kit)
    rec = record(title="Information Architecture for the World Wide Web", date="2026-12-12",
                 description=long, url="https://x.example/e")
    out = render(job.render_input([rec], job.formats[0]))
    assert len(out.caption) <= CAPTION_LIMIT and len(hashtags(out.caption)) <= HASHTAG_LIMIT
    assert all(len(tag) <= 26 for tag in hashtags(out.caption))


# ---------------------------------------------------------------------------
# real data


@pytest.mark.parametrize("fmt", FORMATS)
def test_c22_every_row_shows_its_day_and_hours(cases, fmt):
    """Case C22: day-first dates, month names, an Excel serial day, a
    two-digit year, a range over the new year; WIB, WITA and WIT."""
    job = job_for(fmt, cases / "C22_events_id_dates.csv")
    assert job.dataset.mapping == {"acara": "title", "tanggal": "date", "waktu": "time",
                                   "zona": "timezone"}
    assert len(job.records) == len(C22_EXPECTED)
    for rec, (title, day, hours, number, month) in zip(job.records, C22_EXPECTED, strict=True):
        out = render(job.render_input([rec], job.formats[0]))
        shown = texts(out.page)
        assert title in shown, (title, shown)
        assert day in shown and hours in shown, (fmt, title, shown)
        assert number in shown and month.upper() in [s.upper() for s in shown], (fmt, title, shown)
        assert qr_codes(out.page) == []  # the file has no registration links
        assert [(w.code, w.message) for w in out.warnings if w.code in LINT] == []
        check_placement(out.page, fmt)
        assert title in out.caption and day in out.caption and hours in out.caption
        assert title in out.alt and day in out.alt and hours in out.alt


def test_c22_in_english(cases, english_kit):
    job = job_for("instagram-portrait", cases / "C22_events_id_dates.csv", english_kit)
    first, last = job.records[0], job.records[-1]
    shown = texts(lay_out(job, [first]).page)
    assert "Saturday, 17 August 2024" in shown and "9:00 AM–11:30 AM WIB" in shown
    shown = texts(lay_out(job, [last]).page)
    assert "Tuesday–Thursday, 31 December 2024 – 2 January 2025" in shown and "8:00 AM–4:00 PM WIB" in shown


def _bibliocommons_rows(realdata: Path, n: int) -> list[dict[str, str]]:
    with open(realdata / BIBLIOCOMMONS, encoding="utf-8", newline="") as fh:
        return [row for _, row in zip(range(n), csv.DictReader(fh), strict=False)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_real_english_events_lay_out(realdata, english_kit, fmt):
    """A BiblioCommons export: branch is the place, start and end the hours,
    the description arrives as summary; long bilingual titles (Latin,
    Vietnamese, Chinese) and long descriptions."""
    job = job_for(fmt, realdata / BIBLIOCOMMONS, english_kit)
    assert job.dataset.mapping["branch"] == "place"
    rows = _bibliocommons_rows(realdata, 24)
    for i in (0, 7, 10, 21, 23):
        rec, raw = job.records[i], rows[i]
        out = render(job.render_input([rec], job.formats[0]))
        shown = texts(out.page)
        title = " ".join(raw["title"].split())
        assert title in shown, (title, shown)
        assert raw["branch"] in shown
        assert qr_codes(out.page) == [raw["url"]]
        assert [(w.code, w.message) for w in out.warnings if w.code in LINT] == []
        check_placement(out.page, fmt)
        assert raw["branch"] in out.caption and raw["branch"] in out.alt
        assert len(out.caption) <= CAPTION_LIMIT


def test_batch_of_real_events_makes_one_poster_per_row(realdata, tmp_path, monkeypatch):
    """The first 40 events of the export through ``libmedia batch``: one
    poster, caption and alt text per row, listed in the manifest."""
    rows = _bibliocommons_rows(realdata, 40)
    data = tmp_path / "events.csv"
    with open(data, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["batch", "event", str(data), "--jobs", "1", "--out", "out"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.stdout
    m = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert m["template"] == "event" and m["formats"] == ["instagram-portrait"]
    assert m["summary"]["records"] == 40 and m["summary"]["failed"] == 0
    assert [r["row"] for r in m["records"]] == list(range(2, 42))
    for r in m["records"]:
        assert [w["code"] for w in r["warnings"] if w["code"] in LINT] == []
        files = r["outputs"]["instagram-portrait"]
        assert (tmp_path / "out" / files["image"]).stat().st_size > 10_000
        caption = (tmp_path / "out" / files["caption"]).read_text(encoding="utf-8")
        assert rows[r["row"] - 2]["url"] in caption
    assert len(list((tmp_path / "out").glob("*.png"))) == 40


@pytest.mark.parametrize("fmt", ["instagram-story", "facebook-post"])
def test_forty_real_events_fit_the_tightest_formats(realdata, fmt):
    """The story (its safe zone) and Facebook's 630 px height leave the least
    room: the first 40 real events, short and long titles, all fit there,
    nothing shortened, nothing on top of anything else (layout stage)."""
    job = job_for(fmt, realdata / BIBLIOCOMMONS)
    for rec in job.records[:40]:
        stages = lay_out(job, [rec])
        assert [(w.code, w.message) for w in stages.warnings if w.code in LINT] == []
        check_placement(stages.page, fmt)


def test_an_event_that_is_over_is_a_warning_in_check_and_batch(tmp_path, monkeypatch):
    import datetime

    import libmedia.jobs
    from libmedia.check import check_data
    from libmedia.run.coordinator import run_batch

    data = tmp_path / "acara.csv"
    data.write_text("Judul Acara,Tanggal,Waktu\n"
                    "Bedah Buku,17/08/2024,09.00 WIB\n"
                    "Lomba Mewarnai,12 s.d. 14 Mei 2027,\n", encoding="utf-8")
    monkeypatch.setattr(libmedia.jobs, "today", lambda: datetime.date(2026, 12, 1))
    rep = check_data("event", data)
    past = [w for w in rep.problems if w.code == "past-date"]
    assert [w.location.row for w in past] == [2] and past[0].location.field == "date"
    assert "has passed" in past[0].message and "2026-12-01" in past[0].message
    out = run_batch("event", data, [], tmp_path / "out", jobs=1)
    codes = {r.rows[0]: [w.code for w in r.warnings] for r in out.results}
    assert "past-date" in codes[2] and "past-date" not in codes[3]
    monkeypatch.setattr(libmedia.jobs, "today", lambda: datetime.date(2027, 5, 14))  # its last day
    assert [w.location.row for w in check_data("event", data).problems if w.code == "past-date"] == [2]
