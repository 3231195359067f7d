"""The iCalendar reader (libmedia.sources.ics): real calendars, the cases
C46-C49 (built here where the real data has only one example), and the
--from/--to options through check, batch and render."""

from __future__ import annotations

import datetime as dt
import json
import os
import time as _time
from pathlib import Path

import pytest
from click.testing import CliRunner

import libmedia.jobs
from libmedia import eventtime
from libmedia.cli import main
from libmedia.errors import DataError, LibmediaError, ProblemList
from libmedia.sources import read_records
from libmedia.sources.base import CERTAIN, LIKELY, NOT_MINE, POSSIBLE
from libmedia.sources.ics import (
    ICS,
    html_to_text,
    occurrence_span,
    read_ics,
    zone_label,
)
from libmedia.sources.registry import choose


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    """Inline pictures go to a cache folder of the test's own."""
    monkeypatch.setenv("LIBMEDIA_CACHE", str(tmp_path / "cache"))


def _ics(tmp_path: Path, body: str, name: str = "agenda.ics", head: str = "") -> Path:
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + head + body + \
        "END:VCALENDAR\r\n"
    path = tmp_path / name
    path.write_bytes(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))
    return path


def _vtimezone(tzid: str, offset: str) -> str:
    return (f"BEGIN:VTIMEZONE\nTZID:{tzid}\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
            f"TZOFFSETFROM:{offset}\nTZOFFSETTO:{offset}\nEND:STANDARD\nEND:VTIMEZONE\n")


def _when(rec) -> str:
    return eventtime.event_when(rec.fields, "id")


def _by_title(ds, title: str):
    found = [r for r in ds.records if r.fields["title"] == title]
    assert found, [r.fields["title"] for r in ds.records]
    return found


# --- sniffing -----------------------------------------------------------------------


def test_sniff_calendar_signature_is_certain_after_bom_and_space(tmp_path):
    assert ICS.sniff(Path("x.txt"), b"\xef\xbb\xbf  \r\nBEGIN:VCALENDAR\r\n") == CERTAIN
    assert ICS.sniff(Path("x.txt"), b"begin:vcalendar\n") == CERTAIN
    assert ICS.sniff(Path("x.txt"), b"junk\nBEGIN:VEVENT\nEND:VEVENT\n") == LIKELY
    assert ICS.sniff(Path("x.ics"), b"judul,tanggal\nA,1\n") == POSSIBLE
    assert ICS.sniff(Path("x.csv"), b"judul,tanggal\nA,1\n") == NOT_MINE
    path = _ics(tmp_path, "", name="export.txt")
    assert choose(path, path.read_bytes()).name == "ics"


def test_a_utf16_calendar_is_read(tmp_path):
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
            "DTSTART:20270110T020000Z\r\nSUMMARY:Lomba Mewarnai Ceria\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n")
    path = tmp_path / "agenda.ics"
    path.write_bytes(text.encode("utf-16"))
    assert ICS.sniff(path, path.read_bytes()) == CERTAIN
    ds = read_records(path, date_from=dt.date(2027, 1, 1))
    assert ds.records[0].fields["title"] == "Lomba Mewarnai Ceria"


def test_an_ics_file_that_is_not_a_calendar_is_refused(tmp_path):
    path = tmp_path / "agenda.ics"
    path.write_text("Agenda bulan Januari\nDongeng Sabtu pukul sembilan\n", encoding="utf-8")
    with pytest.raises(DataError, match="not an iCalendar file"):
        read_records(path)
    # a real CSV is read by its content whatever its name
    path.write_text("judul,tanggal\nDongeng,2027-01-02\n", encoding="utf-8")
    assert read_records(path).reader == "csv"


# --- C47: days -----------------------------------------------------------------------


def test_c47_all_day_and_multi_day_events(cases):
    ds = read_ics(cases / "calendars" / "C47_allday_multiday_dtend_exclusive.ics",
                  date_from="2027-05-01", date_to="2027-07-31")
    days = {r.fields["title"]: _when(r) for r in ds.records}
    assert days == {
        "Pameran Buku Nusantara": "Rabu–Jumat, 12–14 Mei 2027",  # DTEND 15 May is exclusive
        "Hari Buku Nasional: Tukar Buku Gratis": "Senin, 17 Mei 2027",  # no DTEND: one day
        # Exchange's all-day flag, midnight to midnight in a Windows-named zone
        "Perpustakaan Tutup: Inventarisasi Koleksi": "Senin–Selasa, 24–25 Mei 2027",
        "Batas Akhir Lomba Resensi Buku": "Sabtu, 29 Mei 2027",  # DTEND == DTSTART
        # timed over three days: the start only (15.00-11.00 would read as daily)
        "Kemah Literasi Remaja": "Jumat–Minggu, 4–6 Juni 2027 · 15.00 WIB",
        "Pekan Donasi Buku": "Senin–Rabu, 7–9 Juni 2027",  # midnight to midnight
        "Pekan Gemar Membaca": "Jumat, 25 Juni – Jumat, 2 Juli 2027",
    }
    assert not any("00.00" in text for text in days.values())
    kemah = _by_title(ds, "Kemah Literasi Remaja")[0]
    assert kemah.fields["ends"] == "2027-06-06 11:00"
    noted = {r.fields["title"]: [w.code for w in r.warnings] for r in ds.records}
    assert noted["Batas Akhir Lomba Resensi Buku"] == ["dtend-equals-dtstart"]
    assert sum(bool(codes) for codes in noted.values()) == 1
    # rows are the events' numbers, lines their BEGIN:VEVENT lines
    lines = (cases / "calendars" / "C47_allday_multiday_dtend_exclusive.ics").read_text().splitlines()
    for rec in ds.records:
        assert lines[rec.line - 1].strip() == "BEGIN:VEVENT"
    assert [r.row for r in ds.records] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(("start", "end", "flag", "expected"), [
    (dt.date(2027, 5, 12), dt.date(2027, 5, 15), False, ("2027-05-12", "2027-05-14", None)),
    (dt.date(2027, 5, 12), None, False, ("2027-05-12", "2027-05-12", None)),
    (dt.datetime(2027, 5, 24), dt.datetime(2027, 5, 26), False, ("2027-05-24", "2027-05-25", None)),
    (dt.datetime(2027, 5, 24, 8), dt.datetime(2027, 5, 24, 17), True,
     ("2027-05-24", "2027-05-24", None)),
    (dt.datetime(2027, 5, 24, 19), dt.datetime(2027, 5, 25, 0), False,
     ("2027-05-24", "2027-05-24", "19:00")),
])
def test_occurrence_span(start, end, flag, expected):
    span = occurrence_span(start, end, flag)
    assert (span.first.isoformat(), span.last.isoformat(),
            span.start.strftime("%H:%M") if span.start else None) == expected


# --- C48: recurring events --------------------------------------------------------------

C48 = """BEGIN:VEVENT
UID:dongeng@perpus.example
DTSTART;TZID=Asia/Jakarta:20270102T090000
DTEND;TZID=Asia/Jakarta:20270102T103000
RRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20270227T020000Z
EXDATE;TZID=Asia/Jakarta:20270109T090000
EXDATE:20270116T020000Z
RDATE;TZID=Asia/Jakarta:20270120T150000
SUMMARY:Dongeng Sabtu
END:VEVENT
BEGIN:VEVENT
UID:dongeng@perpus.example
RECURRENCE-ID;TZID=Asia/Jakarta:20270123T090000
DTSTART;TZID=Asia/Jakarta:20270124T100000
DTEND;TZID=Asia/Jakarta:20270124T113000
SUMMARY:Dongeng Sabtu (pindah ke Minggu)
END:VEVENT
BEGIN:VEVENT
UID:dongeng@perpus.example
RECURRENCE-ID;TZID=Asia/Jakarta:20270130T090000
DTSTART;TZID=Asia/Jakarta:20270130T090000
DTEND;TZID=Asia/Jakarta:20270130T103000
STATUS:CANCELLED
SUMMARY:Dongeng Sabtu
END:VEVENT
BEGIN:VEVENT
UID:klub@perpus.example
DTSTART;TZID=Asia/Jakarta:20270129T190000
DTEND;TZID=Asia/Jakarta:20270129T210000
RRULE:FREQ=MONTHLY;BYDAY=-1FR
SUMMARY:Klub Buku Jumat Terakhir
END:VEVENT
"""


def _c48(tmp_path) -> Path:
    return _ics(tmp_path, C48, head=_vtimezone("Asia/Jakarta", "+0700"))


def test_c48_exactly_the_sessions_that_will_happen(tmp_path):
    ds = read_ics(_c48(tmp_path), date_from="2027-01-01", date_to="2027-05-31")
    sessions = [(r.fields["date"], r.fields["time"], r.row) for r in ds.records]
    assert sessions == [
        ("2027-01-02", "09:00", 1),
        # 9 Jan (EXDATE local) and 16 Jan (EXDATE in UTC, 02:00Z = 09:00 WIB) are gone
        ("2027-01-20", "15:00", 1),  # RDATE: an extra Wednesday session
        ("2027-01-24", "10:00", 2),  # 23 Jan moved to Sunday by its RECURRENCE-ID
        ("2027-01-29", "19:00", 4),  # last Friday of January
        # 30 Jan cancelled by its RECURRENCE-ID
        ("2027-02-06", "09:00", 1), ("2027-02-13", "09:00", 1), ("2027-02-20", "09:00", 1),
        ("2027-02-26", "19:00", 4),  # last Friday of February
        ("2027-02-27", "09:00", 1),  # UNTIL is the last session
        ("2027-03-26", "19:00", 4), ("2027-04-30", "19:00", 4), ("2027-05-28", "19:00", 4),
    ]
    assert {r.fields["timezone"] for r in ds.records} == {"WIB"}
    cancelled = [w for w in ds.warnings if w.code == "cancelled"]
    assert len(cancelled) == 1 and "2027-01-30" in cancelled[0].message
    assert cancelled[0].location.row == 3


def test_c48_window_defaults_to_today_and_90_days(tmp_path, monkeypatch):
    monkeypatch.setattr(libmedia.jobs, "today", lambda: dt.date(2027, 2, 10))
    ds = read_ics(_c48(tmp_path))
    assert [r.fields["date"] for r in ds.records] == [
        "2027-02-13", "2027-02-20", "2027-02-26", "2027-02-27", "2027-03-26", "2027-04-30"]
    ds = read_ics(_c48(tmp_path), date_to="2027-02-20")
    assert [r.fields["date"] for r in ds.records] == ["2027-02-13", "2027-02-20"]


def test_nothing_in_the_window_says_which_days_the_calendar_has(tmp_path, monkeypatch):
    monkeypatch.setattr(libmedia.jobs, "today", lambda: dt.date(2030, 1, 1))
    path = _ics(tmp_path, "BEGIN:VEVENT\nUID:a\nDTSTART:20270301T020000Z\nSUMMARY:A\nEND:VEVENT\n")
    with pytest.raises(DataError) as err:
        read_ics(path)
    assert "2030-01-01" in err.value.message and "2027-03-01" in err.value.message
    assert "--from 2027-03-01" in err.value.hint
    with pytest.raises(DataError, match="before"):
        read_ics(path, date_from="2027-03-02", date_to="2027-03-01")


# --- C46: time zones ---------------------------------------------------------------------


@pytest.mark.parametrize(("tzid", "offset", "label", "clock"), [
    ("SE Asia Standard Time", "+0700", "WIB", "09:00"),  # Outlook's Windows name (Bangkok)
    ("Singapore Standard Time", "+0800", "WITA", "09:00"),
    ("Tokyo Standard Time", "+0900", "WIT", "09:00"),
    ("Zona Kantor Kami", "+0800", "WITA", "09:00"),  # a custom VTIMEZONE
    ("(UTC+05:30) Chennai", "+0530", "UTC+5:30", "09:00"),
])
def test_c46_zone_from_the_offset_never_the_name(tmp_path, tzid, offset, label, clock):
    body = (f"BEGIN:VEVENT\nUID:z\nDTSTART;TZID=\"{tzid}\":20270110T090000\n"
            f"DTEND;TZID=\"{tzid}\":20270110T100000\nSUMMARY:Rapat\nEND:VEVENT\n")
    ds = read_ics(_ics(tmp_path, body, head=_vtimezone(tzid, offset)), date_from="2027-01-01")
    rec = ds.records[0]
    assert (rec.fields["timezone"], rec.fields["time"]) == (label, clock)
    assert eventtime.parse_zone(rec.fields["timezone"]).tz.utcoffset(None) == \
        dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:])) * (1 if offset[0] == "+" else -1)


def test_c46_google_utc_times_in_the_calendars_zone(tmp_path):
    body = ("BEGIN:VEVENT\nUID:g\nDTSTART:20270110T000000Z\nDTEND:20270110T020000Z\n"
            "SUMMARY:Bedah Buku Papua\nEND:VEVENT\n")
    ds = read_ics(_ics(tmp_path, body, head="X-WR-TIMEZONE:Asia/Jayapura\n"),
                  date_from="2027-01-01")
    assert _when(ds.records[0]) == "Minggu, 10 Januari 2027 · 09.00–11.00 WIT"


def test_c46_utc_without_a_calendar_zone_says_utc(tmp_path):
    body = "BEGIN:VEVENT\nUID:u\nDTSTART:20270110T020000Z\nSUMMARY:Webinar\nEND:VEVENT\n"
    ds = read_ics(_ics(tmp_path, body), date_from="2027-01-01")
    assert _when(ds.records[0]) == "Minggu, 10 Januari 2027 · 02.00 UTC"


def test_c46_floating_times_never_move_with_this_computers_zone(tmp_path, monkeypatch):
    body = "BEGIN:VEVENT\nUID:f\nDTSTART:20270110T090000\nSUMMARY:Dongeng\nEND:VEVENT\n"
    path = _ics(tmp_path, body)
    monkeypatch.setenv("TZ", "America/New_York")
    _time.tzset()
    try:
        rec = read_ics(path, date_from="2027-01-01").records[0]
    finally:
        monkeypatch.delenv("TZ")
        _time.tzset()
    assert (rec.fields["time"], rec.fields["timezone"]) == ("09:00", "")
    # the brand kit's zone applies to a floating time
    assert eventtime.read_event(rec.fields, default_zone="WITA").zone.label == "WITA"


def test_c46_each_file_read_on_its_own(tmp_path):
    """icalendar 7.3 keeps the first VTIMEZONE of a name for the whole
    process: the second file's +09:00 would be read as +07:00."""
    body = ("BEGIN:VEVENT\nUID:{u}\nDTSTART;TZID=Jam Perpustakaan:20270110T090000\n"
            "SUMMARY:Acara\nEND:VEVENT\n")
    west = _ics(tmp_path, body.format(u="w"), "west.ics", _vtimezone("Jam Perpustakaan", "+0700"))
    east = _ics(tmp_path, body.format(u="e"), "east.ics", _vtimezone("Jam Perpustakaan", "+0900"))
    labels = [read_ics(p, date_from="2027-01-01").records[0].fields["timezone"]
              for p in (west, east, west)]
    assert labels == ["WIB", "WIT", "WIB"]


def test_zone_label():
    tz = dt.timezone
    assert zone_label(dt.datetime(2027, 1, 1, tzinfo=tz(dt.timedelta(hours=8)))) == "WITA"
    assert zone_label(dt.datetime(2027, 1, 1, tzinfo=tz(dt.timedelta(hours=-3)))) == "UTC-3"
    assert zone_label(dt.datetime(2027, 1, 1, tzinfo=tz.utc)) == "UTC"
    assert zone_label(dt.datetime(2027, 1, 1)) == ""


# --- C49: text, pictures, a broken event ----------------------------------------------


def test_c49_text_pictures_and_the_broken_event(cases):
    path = cases / "calendars" / "C49_text_escapes_html_folding_attach.ics"
    ds = read_ics(path, date_from="2027-03-01")
    titles = [r.fields["title"] for r in ds.records]
    assert titles == ["Bedah Buku, Diskusi; dan Tanda Tangan Penulis",
                      "Kelas Menulis Puisi – Angkatan 2", "Pojok Dongeng Bahasa Jawa",
                      "Tur Perpustakaan untuk Anggota Baru"]
    first = ds.records[0]
    # the fold inside the emoji's four bytes is unfolded before decoding
    assert "ditandatangani 📚 Terbuka untuk umum, tempat terbatas." in first.fields["summary"]
    assert "\ufffd" not in first.fields["summary"]
    assert first.fields["place"] == "Jl. Kenanga No. 10, Surabaya"
    # the poster attached (an image ATTACH) wins over the badge-sized IMAGE
    assert first.fields["cover_url"] == "https://kampungliterasi.example/poster/bedah-buku.jpg"
    assert first.fields["cover"] == ""  # libmedia does not download it
    html = ds.records[1].fields["summary"]
    assert html == ("Gratis! Daftar di kampungliterasi.example/daftar\nBawa kartu anggota & "
                    "alat tulis.\n\nKuota\u00a030 orang, siswa SMP–SMA.")
    inline = Path(ds.records[2].fields["cover"])
    assert inline.is_file() and inline.read_bytes().startswith(b"\x89PNG")
    assert inline.parent == Path(os.environ["LIBMEDIA_CACHE"]) / "ics-images"
    skipped = [w for w in ds.warnings if w.code == "event-skipped"]
    assert len(skipped) == 1
    loc = skipped[0].location
    assert (loc.row, loc.line) == (4, 53)
    assert "20270231T090000" in skipped[0].message and "line 56" in skipped[0].message
    assert [r.row for r in ds.records] == [1, 2, 3, 5]


def test_description_wins_over_alt_desc_which_is_used_only_without_it(tmp_path):
    body = ("BEGIN:VEVENT\nUID:1\nDTSTART:20270110T020000Z\nSUMMARY:A\nDESCRIPTION:Teks biasa\n"
            "X-ALT-DESC;FMTTYPE=text/html:<p><b>Teks</b> HTML</p>\nEND:VEVENT\n"
            "BEGIN:VEVENT\nUID:2\nDTSTART:20270111T020000Z\nSUMMARY:B\n"
            "X-ALT-DESC;FMTTYPE=text/html:<p>Baris satu</p><p>Baris <i>dua</i> &amp; tiga</p>\n"
            "END:VEVENT\n")
    ds = read_ics(_ics(tmp_path, body), date_from="2027-01-01")
    assert [r.fields["summary"] for r in ds.records] == ["Teks biasa", "Baris satu\nBaris dua & tiga"]


def test_html_to_text():
    assert html_to_text("<ul><li>satu</li><li>dua</li></ul>") == "• satu\n• dua"
    assert html_to_text("a<br>b<br/>c &lt;3") == "a\nb\nc <3"


def test_categories_several_lines_and_escaped_commas(realdata, tmp_path):
    ds = read_ics(realdata / "ics" / "icalendar_issue_127_categories_with_commas.ics",
                  date_from="2014-01-01")
    assert ds.records[0].lists["subject"] == ["Meeting, John", "Work, Sarah", "Project"]
    body = ("BEGIN:VEVENT\nUID:1\nDTSTART:20270110T020000Z\nSUMMARY:A\nCATEGORIES:Anak,Dongeng\n"
            "CATEGORIES:Gratis\nEND:VEVENT\n")
    ds = read_ics(_ics(tmp_path, body), date_from="2027-01-01")
    assert ds.records[0].lists["subject"] == ["Anak", "Dongeng", "Gratis"]


def test_rfc7986_inline_image_is_written_once(realdata, tmp_path):
    body = ("BEGIN:VEVENT\nUID:1\nDTSTART:20270110T020000Z\nSUMMARY:A\n"
            "IMAGE;VALUE=BINARY;ENCODING=BASE64;FMTTYPE=image/png;DISPLAY=FULLSIZE:"
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\n"
            "IMAGE;VALUE=URI;DISPLAY=BADGE:https://perpus.example/logo.png\nEND:VEVENT\n")
    path = _ics(tmp_path, body)
    first = read_ics(path, date_from="2027-01-01").records[0]
    saved = Path(first.fields["cover"])
    mtime = saved.stat().st_mtime_ns
    again = read_ics(path, date_from="2027-01-01").records[0]
    assert again.fields["cover"] == str(saved) and saved.stat().st_mtime_ns == mtime
    assert first.fields["cover_url"] == "https://perpus.example/logo.png"


# --- every real calendar ----------------------------------------------------------------

REAL = {
    # file: (records from 2000 to 2030, or the error it raises)
    "icalendar_america_new_york.ics": 1,
    "icalendar_big_bad_calendar.ics": ProblemList,  # 20 events with no DTSTART, no END:VCALENDAR
    "icalendar_bom_calendar.ics": DataError,  # a calendar with no events
    "icalendar_broken_ical.ics": ProblemList,  # DTSTART;; cannot be read
    "icalendar_created_calendar_with_unicode_fields.ics": 2,
    "icalendar_example.ics": 3,
    "icalendar_issue_104_broken_calendar.ics": 1,
    "icalendar_issue_1081_event_with_rrule.ics": 10,
    "icalendar_issue_127_categories_with_commas.ics": 1,
    "icalendar_issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics": 1,
    "icalendar_issue_722_timezone_transition_ambiguity.ics": 4,
    "icalendar_pacific_fiji.ics": ProblemList,  # two DTSTART lines
    "icalendar_rfc_7986_image.ics": ProblemList,  # events with no DTSTART
    "icalendar_x_location.ics": 3698,  # weekdays from 2016-10-28 to the end of 2030
    "nus_libcal_event_5419992.ics": 1,
}


def test_every_real_calendar_is_listed(realdata):
    assert sorted(p.name for p in (realdata / "ics").glob("*.ics")) == sorted(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_calendar(realdata, name):
    path = realdata / "ics" / name
    expected = REAL[name]
    if isinstance(expected, int):
        ds = read_records(path, date_from=dt.date(2000, 1, 1), date_to=dt.date(2030, 12, 31))
        assert ds.reader == "ics" and len(ds.records) == expected
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        assert all(lines[r.line - 1].startswith("BEGIN:VEVENT") for r in ds.records)
    else:
        with pytest.raises(expected) as err:
            read_records(path, date_from=dt.date(2000, 1, 1))
        assert err.value.hint or isinstance(err.value, ProblemList)
        assert all(p.location.file for p in err.value.diagnostics)


def test_real_broken_lines_are_named(realdata):
    ds = read_records(realdata / "ics" / "icalendar_issue_104_broken_calendar.ics",
                      date_from=dt.date(2014, 1, 1))
    assert [(w.code, w.location.line) for w in ds.warnings] == [("ics-line", 13)]
    with pytest.raises(ProblemList) as err:
        read_records(realdata / "ics" / "icalendar_broken_ical.ics", date_from=dt.date(2014, 1, 1))
    (problem,) = err.value.problems
    assert problem.location.row == 1 and "DTSTART" in problem.message and "line 4" in problem.message
    with pytest.raises(ProblemList) as err:
        read_records(realdata / "ics" / "icalendar_big_bad_calendar.ics")
    assert len(err.value.problems) == 20
    assert [p.location.line for p in err.value.problems[:3]] == [2, 4, 6]


def test_real_libcal_event(realdata):
    ds = read_records(realdata / "ics" / "nus_libcal_event_5419992.ics",
                      date_from=dt.date(2022, 5, 1))
    rec = ds.records[0]
    # 06:00Z in Asia/Singapore (+08:00, X-WR-TIMEZONE) is 14.00 at UTC+8: WITA
    assert _when(rec) == "Jumat, 20 Mei 2022 · 14.00–16.00 WITA"
    assert rec.fields["url"] == "https://nus.libcal.com/event/5419992"
    assert rec.lists["subject"] == ["Design"]
    assert "Learn some basic design principles" in rec.fields["summary"]


# --- the command line ------------------------------------------------------------------


def test_check_and_batch_agree_on_c49_and_skip_the_broken_event(cases, tmp_path):
    path = cases / "calendars" / "C49_text_escapes_html_folding_attach.ics"
    runner = CliRunner()
    check = runner.invoke(main, ["check", "event", str(path), "--from", "2027-03-01"])
    assert check.exit_code == 0, check.output
    assert "row 4" in check.output and "20270231T090000" in check.output
    out = tmp_path / "out"
    batch = runner.invoke(main, ["batch", "event", str(path), "--from", "2027-03-01",
                                 "--out", str(out), "--jobs", "1"])
    assert batch.exit_code == 0, batch.output
    assert "4 of 4 records rendered" in batch.output
    assert "row 4" in batch.output and "20270231T090000" in batch.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(p["row"] for p in manifest["records"]) == [1, 2, 3, 5]
    skipped = [w for w in manifest["warnings"] if w["code"] == "event-skipped"]
    assert [(w["location"]["row"], w["location"]["line"]) for w in skipped] == [(4, 53)]


@pytest.mark.parametrize("name", [
    "icalendar_america_new_york.ics",  # a custom New York zone: UTC-4 in August
    "icalendar_issue_104_broken_calendar.ics",  # a stray line left out
    "icalendar_issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics",  # no SUMMARY: no title
])
def test_check_and_batch_agree_on_real_calendars(realdata, tmp_path, name):
    from libmedia.check import check_data
    from libmedia.run.coordinator import run_batch

    path = realdata / "ics" / name
    window = {"date_from": dt.date(2000, 1, 1), "date_to": dt.date(2030, 12, 31)}
    report = check_data("event", path, read_options=window)
    batch = run_batch("event", path, out_dir=tmp_path / "out", jobs=1, read_options=window)
    failed = sorted(row for r in batch.results if r.status == "failed" for row in r.rows)
    assert report.rows_with("error") == failed
    assert len(batch.results) == report.records


def test_batch_names_every_session_of_a_repeating_event(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", "event", str(_c48(tmp_path)), "--from",
                                       "2027-02-01", "--to", "2027-02-21", "--out", str(out),
                                       "--jobs", "1"])
    assert result.exit_code == 0, result.output
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["0001-2027-02-06-dongeng-sabtu.instagram-portrait.png",
                    "0001-2027-02-13-dongeng-sabtu.instagram-portrait.png",
                    "0001-2027-02-20-dongeng-sabtu.instagram-portrait.png"]


def test_from_is_refused_for_a_file_that_is_not_a_calendar(tmp_path):
    csv = tmp_path / "acara.csv"
    csv.write_text("judul,tanggal\nDongeng,2027-01-02\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "event", str(csv), "--from", "2027-01-01"])
    assert result.exit_code == 2
    assert "--from cannot be used with this file" in result.output


def test_a_calendar_error_is_a_data_error_not_a_crash(realdata):
    result = CliRunner().invoke(main, ["check", "event",
                                       str(realdata / "ics" / "icalendar_pacific_fiji.ics"),
                                       "--from", "2014-01-01"])
    assert result.exit_code == 2
    assert "two DTSTART" in result.output and "internal" not in result.output


def test_mangled_calendars_give_libmedia_errors_only(cases, tmp_path):
    """Bytes changed, cut, doubled and inserted at random (a fixed seed):
    every outcome is records or a LibmediaError, never another exception."""
    import random

    sources = [_c48(tmp_path).read_bytes(),
               (cases / "calendars" / "C49_text_escapes_html_folding_attach.ics").read_bytes(),
               (cases / "calendars" / "C47_allday_multiday_dtend_exclusive.ics").read_bytes()]
    pieces = [b"\r\n ", b"\n", b":", b";", b"\\", b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n",
              b"END:VTIMEZONE\r\n", b"RRULE:FREQ=DAILY\r\n", b"DTSTART:2027\r\n",
              b"EXDATE:x\r\n", b"\xf0\x9f"]
    rnd = random.Random(9)
    path = tmp_path / "mangled.ics"
    for _ in range(150):
        data = bytearray(rnd.choice(sources))
        for _ in range(rnd.randint(1, 6)):
            at, how = rnd.randrange(len(data)), rnd.random()
            if how < 0.3:
                data[at:at + 1] = bytes([rnd.randrange(256)])
            elif how < 0.5:
                del data[at:at + rnd.randint(1, 20)]
            elif how < 0.7:
                data[at:at] = rnd.choice(pieces)
            else:
                other = rnd.randrange(len(data))
                data[at:at] = data[other:other + rnd.randint(1, 80)]
        path.write_bytes(b"BEGIN:VCALENDAR\r\n" + bytes(data))
        try:
            read_ics(path, date_from="2027-01-01", date_to="2027-12-31")
        except LibmediaError:
            pass


def test_errors_are_libmedia_errors(tmp_path):
    path = tmp_path / "cut.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20270110T020000Z\r\n"
                     b"SUMMARY:Terpotong")
    ds = read_ics(path, date_from="2027-01-01")
    assert ds.records[0].fields["title"] == "Terpotong"
    assert [w.code for w in ds.warnings] == ["ics-truncated"]
    path.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2027\r\nEND:VEVENT\r\n")
    with pytest.raises(LibmediaError):
        read_ics(path, date_from="2027-01-01")
