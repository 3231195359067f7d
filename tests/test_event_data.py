"""Event data: field aliases, dates and times read without OS locales, and
the way they are written (libmedia.eventtime, libmedia.sources.fields)."""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path

import jinja2
import pytest

from libmedia.errors import DataError
from libmedia.eventtime import (
    EventTime,
    date_block,
    event_when,
    format_days,
    parse_dates,
    parse_times,
    parse_zone,
    read_event,
    when,
)
from libmedia.sources import read_records
from libmedia.sources.fields import lookup_header, plan_columns
from libmedia.templating import RecordView
from libmedia.textfilters import FILTERS

NBSP = "\u00a0"


# --- fields ------------------------------------------------------------------


@pytest.mark.parametrize("header, field", [
    ("Judul Acara", "title"), ("Judul Kegiatan", "title"), ("Nama Kegiatan", "title"),
    ("Event Title", "title"), ("Tanggal", "date"), ("Tanggal Mulai", "date"),
    ("Start Date", "date"), ("Tanggal Selesai", "end_date"), ("End Date", "end_date"),
    ("Waktu", "time"), ("Jam", "time"), ("Jam Mulai", "time"), ("Start Time", "time"),
    ("Jam Selesai", "end_time"), ("End Time", "end_time"), ("Zona Waktu", "timezone"),
    ("Time Zone", "timezone"), ("Tempat", "place"), ("Lokasi", "place"), ("Venue", "place"),
    ("Ruang", "room"), ("Room", "room"), ("Pembicara", "speaker"), ("Narasumber", "speaker"),
    ("Speaker", "speaker"), ("Peserta", "audience"), ("Sasaran", "audience"),
    ("Audience", "audience"), ("Pendaftaran", "url"), ("Link Pendaftaran", "url"),
    ("Registration URL", "url"), ("Biaya", "fee"), ("HTM", "fee"), ("Fee", "fee"),
    ("Gambar", "cover"), ("Poster", "cover"), ("Deskripsi", "summary"),
    ("Description", "summary"),
])
def test_event_headers_map_to_fields(header, field):
    assert lookup_header(header)[0] == field


def test_event_reel_template_fields_still_map():
    """The names event-reel's template.toml declares reach a field the
    template reads (description arrives as summary, image as cover)."""
    plan = plan_columns(["title", "date", "time", "end_time", "place", "speaker",
                         "description", "url", "image"])
    assert plan.mapping == {"title": "title", "date": "date", "time": "time",
                            "end_time": "end_time", "place": "place", "speaker": "speaker",
                            "description": "summary", "url": "url", "image": "cover"}


def test_registration_link_wins_over_a_plain_link():
    plan = plan_columns(["Link", "Link Pendaftaran"])
    assert plan.sources["url"] == [1, 0]


def test_keterangan_stays_its_own_column():
    """An inventory's remark column (C40: ``-``) is not a summary."""
    assert lookup_header("Keterangan") is None
    assert plan_columns(["judul_buku", "keterangan"]).extras == {1: "keterangan"}


def test_book_headers_unchanged():
    plan = plan_columns(["Judul", "Pengarang", "Tahun Terbit", "Tempat Terbit", "Tanggal Masuk"])
    assert plan.mapping == {"Judul": "title", "Pengarang": "author", "Tahun Terbit": "year",
                            "Tempat Terbit": "place", "Tanggal Masuk": "date_added"}


# --- dates -------------------------------------------------------------------


@pytest.mark.parametrize("text, first, last", [
    ("17/08/2024", date(2024, 8, 17), None),
    ("17-08-2024", date(2024, 8, 17), None),
    ("17.08.2024", date(2024, 8, 17), None),
    ("2024-08-17", date(2024, 8, 17), None),
    ("2024-08-17 00:00:00", date(2024, 8, 17), None),
    ("17 Agustus 2024", date(2024, 8, 17), None),
    ("17 agustus 2024", date(2024, 8, 17), None),
    ("17 Agu 2024", date(2024, 8, 17), None),
    ("17 Agt 2024", date(2024, 8, 17), None),
    ("Sabtu, 17 Agustus 2024", date(2024, 8, 17), None),
    ("Jum'at, 16 Agustus 2024", date(2024, 8, 16), None),
    ("17 August 2024", date(2024, 8, 17), None),
    ("August 17, 2024", date(2024, 8, 17), None),
    ("Saturday, 17 Aug 2024", date(2024, 8, 17), None),
    ("Kamis, 02-Jan-25", date(2025, 1, 2), None),
    ("45521", date(2024, 8, 17), None),
    ("45521.0", date(2024, 8, 17), None),
    ("12–14 Mei 2027", date(2027, 5, 12), date(2027, 5, 14)),
    ("12-14 Mei 2027", date(2027, 5, 12), date(2027, 5, 14)),
    ("12 s.d. 14 Mei 2027", date(2027, 5, 12), date(2027, 5, 14)),
    ("30 April sampai 2 Mei 2027", date(2027, 4, 30), date(2027, 5, 2)),
    ("31 Desember 2024 s.d. 2 Januari 2025", date(2024, 12, 31), date(2025, 1, 2)),
    ("12/05/2027 - 14/05/2027", date(2027, 5, 12), date(2027, 5, 14)),
])
def test_dates_are_read(text, first, last):
    a, b, _ = parse_dates(text)
    assert (a, b) == (first, last or first)


def test_a_time_in_the_date_cell_is_kept():
    assert parse_dates("45521.375") == (date(2024, 8, 17), date(2024, 8, 17), time(9, 0))
    assert parse_dates("2024-08-17 09:30:00")[2] == time(9, 30)
    assert parse_dates("2024-08-17T19:05")[2] == time(19, 5)
    assert parse_dates("2024-08-17 00:00:00")[2] is None
    ev = read_event({"date": "2024-08-17 09:30:00", "timezone": "WIB"})
    assert when(ev, "id") == "Sabtu, 17 Agustus 2024 · 09.30 WIB"


@pytest.mark.parametrize("text", ["31/02/2024", "2024-13-01", "17 Agustos 2024", "next Friday",
                                  "17 Agustus", "123", "14–12 Mei 2027",
                                  "2024-08-17 25:00", "2024-08-17 soon"])
def test_unreadable_dates_raise(text):
    with pytest.raises(ValueError):
        parse_dates(text)


def test_impossible_date_error_names_row_column_value_and_hint():
    with pytest.raises(DataError) as info:
        read_event({"date": "31/02/2024"}, row=3, file="acara.csv", headers={"date": "Tanggal"})
    err = info.value
    assert err.location.row == 3 and err.location.file == "acara.csv"
    assert err.location.header == "Tanggal" and err.location.field == "date"
    assert "31/02/2024" in err.message
    assert "day first" in err.hint
    assert 'column "Tanggal"' in str(err)


# --- times -------------------------------------------------------------------


@pytest.mark.parametrize("text, start, end, zone", [
    ("09.00 WIB", time(9), None, "WIB"),
    ("09:00", time(9), None, None),
    ("9:00 AM", time(9), None, None),
    ("7:30 pm", time(19, 30), None, None),
    ("12:00 PM", time(12), None, None),
    ("12:00 AM", time(0), None, None),
    ("09:00-11:30", time(9), time(11, 30), None),
    ("09.00 - 11.30", time(9), time(11, 30), None),
    ("09.00 s.d. 11.30 WITA", time(9), time(11, 30), "WITA"),
    ("pukul 19.00", time(19), None, None),
    ("Pukul 19.00 WIT", time(19), None, "WIT"),
    ("jam 9", time(9), None, None),
    ("09.00 - selesai", time(9), None, None),
    ("9-11 am", time(9), time(11), None),
    ("11-1 pm", time(11), time(13), None),
    ("13.00 Asia/Jakarta", time(13), None, "WIB"),
    ("13.00 (WIB)", time(13), None, "WIB"),
    ("19:00 UTC+7", time(19), None, "UTC+7"),
])
def test_times_are_read(text, start, end, zone):
    s, e, z = parse_times(text)
    assert (s, e, z.label if z else None) == (start, end, zone)


@pytest.mark.parametrize("text", ["9", "25.00", "09.75", "13:00 PM", "sore", "09.00 Mars/Olympus"])
def test_unreadable_times_raise(text):
    with pytest.raises(ValueError):
        parse_times(text)


def test_zone_offsets():
    for name, hours in (("WIB", 7), ("WITA", 8), ("WIT", 9)):
        z = parse_zone(name)
        assert z.tz.utcoffset(None).total_seconds() == hours * 3600
    assert parse_zone("Asia/Jayapura").label == "WIT"
    assert parse_zone("Europe/Paris").label == "Europe/Paris"


# --- writing -----------------------------------------------------------------


def test_one_day_with_time():
    ev = EventTime(date(2024, 8, 17), date(2024, 8, 17), time(9), None, parse_zone("WIB"))
    assert when(ev, "id") == "Sabtu, 17 Agustus 2024 · 09.00 WIB"
    assert when(ev, "en") == f"Saturday, 17 August 2024 · 9:00{NBSP}AM WIB"


def test_end_time_and_no_time():
    ev = EventTime(date(2024, 8, 17), date(2024, 8, 17), time(9), time(11, 30), parse_zone("WIB"))
    assert when(ev, "id") == "Sabtu, 17 Agustus 2024 · 09.00–11.30 WIB"
    assert when(EventTime(date(2024, 8, 17), date(2024, 8, 17)), "id") == "Sabtu, 17 Agustus 2024"


@pytest.mark.parametrize("first, last, lang, text", [
    (date(2027, 5, 12), date(2027, 5, 14), "id", "Rabu–Jumat, 12–14 Mei 2027"),
    (date(2027, 5, 12), date(2027, 5, 14), "en", "Wednesday–Friday, 12–14 May 2027"),
    (date(2027, 4, 30), date(2027, 5, 2), "id", "Jumat–Minggu, 30 April – 2 Mei 2027"),
    (date(2024, 12, 31), date(2025, 1, 2), "id",
     "Selasa–Kamis, 31 Desember 2024 – 2 Januari 2025"),
])
def test_days_spanning(first, last, lang, text):
    assert format_days(EventTime(first, last), lang) == text


@pytest.mark.parametrize("first, last, lang, text", [
    # up to six days: a weekday range (Idul Fitri, a working week)
    (date(2025, 3, 31), date(2025, 4, 4), "id", "Senin–Jumat, 31 Maret – 4 April 2025"),
    (date(2025, 3, 29), date(2025, 4, 3), "id", "Sabtu–Kamis, 29 Maret – 3 April 2025"),
    # a week or longer: each end with its own weekday, never "Kamis–Jumat" over nine days
    (date(2026, 12, 24), date(2027, 1, 1), "id",
     "Kamis, 24 Desember 2026 – Jumat, 1 Januari 2027"),
    (date(2026, 12, 24), date(2027, 1, 1), "en",
     "Thursday, 24 December 2026 – Friday, 1 January 2027"),
    (date(2026, 6, 1), date(2026, 6, 7), "id", "Senin, 1 Juni – Minggu, 7 Juni 2026"),
    (date(2026, 6, 1), date(2026, 7, 15), "id", "Senin, 1 Juni – Rabu, 15 Juli 2026"),
])
def test_days_weekday_range_only_under_a_week(first, last, lang, text):
    assert format_days(EventTime(first, last), lang) == text


def test_date_block_long_span_has_no_weekday_range_and_no_line_starts_with_a_dash():
    block = date_block(EventTime(date(2026, 12, 24), date(2027, 1, 1)), "id")
    assert block["weekday"] == ""
    assert block["days"] == block["dates"] == (
        "Kamis, 24\u00a0Desember\u00a02026\u00a0– Jumat, 1\u00a0Januari\u00a02027")
    short = date_block(EventTime(date(2025, 3, 31), date(2025, 4, 4)), "id")
    assert short["weekday"] == "Senin–Jumat"
    assert short["dates"] == "31\u00a0Maret\u00a0– 4\u00a0April\u00a02025"
    assert short["days"] == "Senin–Jumat, " + short["dates"]
    for b in (block, short):
        # every ordinary space (a break opportunity) is after a comma or a dash
        for i, ch in enumerate(b["days"]):
            if ch == " ":
                assert b["days"][i - 1] in ",–"


def test_jinja_filters_on_a_record():
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    view = RecordView({"date": "12-14 Mei 2027", "time": "09.00", "end_time": "16.00",
                       "timezone": "WITA"}, 2, ["Tanggal"], "acara.csv")
    out = env.from_string("{{ e | event_when(lang) }}|{{ e | event_days('en') }}|"
                          "{{ e | event_times(lang) }}").render(e=view, lang="id")
    assert out == ("Rabu–Jumat, 12–14 Mei 2027 · 09.00–16.00 WITA|"
                   "Wednesday–Friday, 12–14 May 2027|09.00–16.00 WITA")
    assert event_when(RecordView({"date": ""}), "id") == ""
    bad = RecordView({"date": "31/02/2024"}, 7, [], "acara.csv")
    with pytest.raises(DataError) as info:
        env.from_string("{{ e | event_when('id') }}").render(e=bad)
    assert info.value.location.row == 7 and info.value.location.file == "acara.csv"


def test_end_time_without_start_is_an_error():
    with pytest.raises(DataError, match="no start time"):
        read_event({"date": "2024-08-17", "end_time": "11.30"}, row=1)


def test_output_is_deterministic():
    ev = read_event({"date": "Sabtu, 17 Agustus 2024", "time": "09.00 - 11.30 WIB"})
    assert len({when(ev, "id") for _ in range(5)}) == 1


# --- real data -----------------------------------------------------------------


def test_c22_every_row(cases: Path):
    """Every row of C22 reads to the start its ``expected_iso_start`` gives."""
    path = cases / "C22_events_id_dates.csv"
    ds = read_records(path)
    assert ds.mapping["tanggal"] == "date" and ds.mapping["waktu"] == "time"
    assert ds.mapping["zona"] == "timezone" and ds.mapping["acara"] == "title"
    headers = {v: k for k, v in ds.mapping.items()}
    with path.open(encoding="utf-8") as fh:
        expected = [row["expected_iso_start"] for row in csv.DictReader(fh)]
    assert len(ds.records) == len(expected) == 7
    got = [read_event(r.fields, row=r.row, headers=headers).isoformat() for r in ds.records]
    assert got == expected
    written = [when(read_event(r.fields), "id") for r in ds.records]
    assert written[0] == "Sabtu, 17 Agustus 2024 · 09.00–11.30 WIB"
    assert written[2] == "Kamis, 1 Mei 2025 · 13.30 WITA"
    assert written[6] == "Selasa–Kamis, 31 Desember 2024 – 2 Januari 2025 · 08.00–16.00 WIB"


def test_bibliocommons_events(realdata: Path):
    """821 events (descriptions span lines: 2,652 physical lines), each with
    a start date and time; the weekday column agrees with the date read."""
    path = realdata / "events" / "bibliocommons_library_events_2025-2026.csv"
    ds = read_records(path)
    assert ds.mapping["start"] == "time" and ds.mapping["end"] == "end_time"
    assert len(ds.records) == 821
    events = [read_event(r.fields, row=r.row) for r in ds.records]
    assert all(e is not None and e.start is not None for e in events)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert all(days[e.first.weekday()] == r.raw["weekday"]
               for e, r in zip(events, ds.records, strict=True))
    assert sum(e.end is not None for e in events) == 821
    assert min(e.first for e in events) == date(2025, 3, 3)
    first = when(events[0], "en")
    assert first == f"Monday, 3 March 2025 · 6:15{NBSP}PM–7:00{NBSP}PM"
