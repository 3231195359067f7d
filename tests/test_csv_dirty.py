"""The CSV reader on dirty files: no record lost, every row named as a spreadsheet shows it.

Cases C37 (stray quotes) and C27 (a report's title and footer rows), values
over the csv module's field limit, NUL and stray non-UTF-8 bytes, a
2,000-row file with 100 broken rows (bench/dirty_data.py) whose every
reported row is checked, and a fuzz test: whatever the bytes,
``read_records`` returns a DataSet or raises a libmedia error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.dirty_data import KINDS, make_dirty_csv
from libmedia.errors import LibmediaError
from libmedia.sources import DataSet, read_records
from libmedia.sources.csvfile import read_csv
from libmedia.sources.csvrows import FIELD_LIMIT

#: Warning codes of problems met while reading a row (not value cleaning).
READING = {"unclosed-quote", "literal-quote", "swallowed-lines", "multi-line-row",
           "extra-values", "missing-values", "value-too-long", "control-characters",
           "bad-byte"}

#: The reading codes each kind of breakage must give its row (bench/dirty_data.py).
EXPECTED_CODES = {
    "unclosed-quote": {"unclosed-quote"}, "quoted-word": {"literal-quote"},
    "inner-quotes": set(), "inch-mark": set(), "swallowing-quote": {"swallowed-lines"},
    "extra-separators": {"extra-values"}, "huge-cell": {"value-too-long"},
    "nul-byte": {"control-characters"}, "bad-byte": {"bad-byte"},
    "fewer-cells": {"missing-values"}, "line-breaks": set(),
}


def write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def codes(record) -> list[str]:
    return [w.code for w in record.warnings]


def by_title(ds: DataSet) -> dict[str, object]:
    return {r.fields["title"]: r for r in ds.records}


# --- C37: stray quotes -------------------------------------------------------------------


def test_c37_every_book_read_with_its_quotes_as_written(cases):
    ds = read_csv(cases / "C37_stray_quotes.csv")
    assert [(r.row, r.line, r.fields["title"]) for r in ds.records] == [
        (2, 2, '"Aku" dan Puisi Lainnya'),
        (3, 3, '"Bumi Manusia”'),
        (4, 4, "Anak Semua Bangsa"),
        (5, 5, "Jejak Langkah"),
        (6, 6, "Rumah Kaca"),
        (7, 7, 'Panduan Monitor 24" untuk Perpustakaan'),
    ]
    assert [r.fields["year"] for r in ds.records] == ["1959", "1980", "1980", "1985", "1988", "2022"]
    assert [codes(r) for r in ds.records] == [["literal-quote"], ["unclosed-quote"], [], [], [], []]
    assert "column 'Judul'" in ds.records[1].warnings[0].message
    assert ds.warnings == []


def test_c37_check_names_the_stray_quotes(cases):
    from libmedia.check import check_data

    report = check_data("new-book", cases / "C37_stray_quotes.csv")
    assert report.records == 6 and report.count("error") == 0
    assert report.rows_with("warning") == [2, 3]


def test_a_quote_that_meets_an_inch_mark_lines_later_does_not_swallow_them(tmp_path):
    text = ("Judul;Pengarang;Penerbit;Tahun\n"
            '"Bumi Manusia;Pramoedya;Hasta Mitra;1980\n'
            "Anak Semua Bangsa;Pramoedya;Hasta Mitra;1980\n"
            'Monitor 24";Tim;Nusa;2022\n'
            "Rumah Kaca;Pramoedya;Hasta Mitra;1988\n")
    ds = read_csv(write(tmp_path, text))
    assert [(r.row, r.line, r.fields["title"]) for r in ds.records] == [
        (2, 2, '"Bumi Manusia'), (3, 3, "Anak Semua Bangsa"), (4, 4, 'Monitor 24"'),
        (5, 5, "Rumah Kaca")]
    first = ds.records[0]
    assert codes(first) == ["swallowed-lines"]
    assert "lines 2–4" in first.warnings[0].message
    assert "column 'Judul'" in first.warnings[0].message
    assert all(r.warnings == [] for r in ds.records[1:])


def test_swallowed_lines_of_a_two_column_file_are_split_when_the_count_is_wrong(tmp_path):
    ds = read_csv(write(tmp_path, 'title,author\nA,B\n"C,D\nE,F\nG,H 24"\nI,J\n'))
    assert [(r.row, r.fields["title"]) for r in ds.records] == [
        (2, "A"), (3, '"C'), (4, "E"), (5, "G"), (6, "I")]
    assert codes(ds.records[1]) == ["swallowed-lines"]


def test_a_real_value_with_line_breaks_is_one_row_and_the_file_note_says_so(tmp_path):
    text = ('Judul;Sinopsis;Tahun\nA;"Baris satu\nbaris dua; dengan titik koma\nbaris tiga";2001\n'
            "B;Pendek;2002\n")
    ds = read_csv(write(tmp_path, text))
    assert [(r.row, r.line, r.fields["title"]) for r in ds.records] == [(2, 2, "A"), (3, 5, "B")]
    assert ds.records[0].fields["summary"] == "Baris satu\nbaris dua; dengan titik koma\nbaris tiga"
    assert ds.records[0].warnings == []
    (note,) = ds.warnings
    assert (note.severity, note.code) == ("info", "multi-line-rows")
    assert "row 2 (lines 2–4)" in note.message and "make 2 rows" in note.message


def test_a_multi_line_row_with_the_wrong_count_is_flagged_with_its_lines(tmp_path):
    ds = read_csv(write(tmp_path, 'title;author;year\nA;"x\ny";2001;extra\nB;C;2002\n'))
    assert [r.row for r in ds.records] == [2, 3]
    assert codes(ds.records[0])[:1] == ["multi-line-row"]
    assert "lines 2–3" in ds.records[0].warnings[0].message


def test_quoted_fields_still_read_as_rfc_4180_says(tmp_path):
    text = 'title,summary\n"A, b","He said ""hi"""\n "C" , "D"\n'
    ds = read_csv(write(tmp_path, text))
    assert [(r.fields["title"], r.fields["summary"]) for r in ds.records] == [
        ("A, b", 'He said "hi"'), ("C", "D")]
    assert all(r.warnings == [] for r in ds.records)


# --- C27: a report's title and footer rows -----------------------------------------------


def test_c27_header_found_below_the_title_rows(cases):
    ds = read_csv(cases / "C27_report_export_title_rows.csv")
    assert ds.columns == ["No", "Judul Buku", "Nama Pengarang", "Nama Penerbit",
                          "Tahun Penerbit", "ISBN", "Stok"]
    assert ds.mapping["Tahun Penerbit"] == "year"
    assert [(r.row, r.fields["title"], r.fields["year"]) for r in ds.records] == [
        (4, "Senja di Pelabuhan Kecil", "2021"), (5, "Kisah Danau Toba", "2020"),
        (6, "Atlas Lengkap Nusantara", "2023")]
    notes = {w.code: w for w in ds.warnings}
    assert set(notes) == {"preamble-rows", "footer-rows"}
    assert all(w.severity == "info" for w in ds.warnings)
    assert "rows 1–2 above the header (row 3)" in notes["preamble-rows"].message
    assert "Laporan Data Buku Perpustakaan Online" in notes["preamble-rows"].message
    assert "rows 7–8 below the data" in notes["footer-rows"].message
    assert "Tanggal Cetak : 2024-05-02" in notes["footer-rows"].message


def test_c27c_totals_and_print_date_are_not_books(cases):
    ds = read_csv(cases / "C27c_footer_rows_only.csv")
    assert [(r.row, r.fields["title"]) for r in ds.records] == [
        (2, "Senja di Pelabuhan Kecil"), (3, "Kisah Danau Toba")]
    (note,) = ds.warnings
    assert note.code == "footer-rows" and "rows 4–6" in note.message and "'Jumlah 5'" in note.message


@pytest.mark.parametrize("name", ["C27_report_export_title_rows.csv", "C27c_footer_rows_only.csv"])
def test_c27_check_has_no_problem_and_batch_agrees(cases, tmp_path, name):
    from libmedia.check import check_data
    from libmedia.run.coordinator import run_batch

    report = check_data("new-book", cases / name)
    assert report.problems == []
    batch = run_batch("new-book", cases / name, out_dir=tmp_path, jobs=1)
    assert [r.status for r in batch.results].count("failed") == 0
    assert len(batch.results) == report.records


def test_a_book_titled_like_a_total_in_the_middle_stays(tmp_path):
    ds = read_csv(write(tmp_path, "Judul;Pengarang\nJumlah;X\nTotal Quality Management;Y\nZ;W\n"))
    assert [r.fields["title"] for r in ds.records] == ["Jumlah", "Total Quality Management", "Z"]
    assert ds.warnings == []


def test_a_last_book_titled_like_a_total_is_a_book(tmp_path):
    ds = read_csv(write(tmp_path, "Judul;Pengarang\nA;X\nTotal Quality Management;Y\n"))
    assert [r.fields["title"] for r in ds.records] == ["A", "Total Quality Management"]
    ds = read_csv(write(tmp_path, "Judul;Pengarang\nA;X\nPage;\n"))
    assert [r.fields["title"] for r in ds.records] == ["A", "Page"]
    ds = read_csv(write(tmp_path, "Judul;Pengarang;Tahun\nA;X;2001\n;Total: 1;\n;Halaman 1;\n"))
    assert [r.fields["title"] for r in ds.records] == ["A"]
    assert [w.code for w in ds.warnings] == ["footer-rows"]


def test_a_first_row_naming_columns_is_still_the_header(tmp_path):
    ds = read_csv(write(tmp_path, "Nama Buku;Oleh\nJudul;Pengarang\n"))
    assert ds.columns == ["Nama Buku", "Oleh"] and len(ds.records) == 1


# --- values and bytes that must not stop a file --------------------------------------------


def test_a_value_over_the_field_limit_is_that_rows_warning(tmp_path):
    huge = "x" * (FIELD_LIMIT + 1)
    ds = read_csv(write(tmp_path, f"title,summary\nA,short\nB,{huge}\nC,\"{huge}\"\nD,ok\n"))
    assert [(r.row, r.fields["title"], r.fields["summary"]) for r in ds.records] == [
        (2, "A", "short"), (3, "B", ""), (4, "C", ""), (5, "D", "ok")]
    assert codes(ds.records[1]) == ["value-too-long"] == codes(ds.records[2])
    assert "column 'summary'" in ds.records[1].warnings[0].message


def test_nul_and_a_stray_byte_in_one_row_reject_nothing(tmp_path):
    data = ("Judul;Pengarang\nDéjà Vu;Ayu\n".encode() + b"Bu\x00mi\xffX;Pram\n"
            + b"Cantik Itu Luka;Eka Kurniawan\n")
    ds = read_csv(write(tmp_path, data))
    assert ds.encoding == "utf-8" and ds.warnings == []
    first, broken, last = ds.records
    assert (first.fields["title"], last.fields["title"]) == ("Déjà Vu", "Cantik Itu Luka")
    assert broken.fields["title"] == "BumiÿX" and broken.row == 3
    assert sorted(codes(broken)) == ["bad-byte", "control-characters"]
    assert "0xFF" in next(w.message for w in broken.warnings if w.code == "bad-byte")
    assert first.warnings == [] and last.warnings == []


def test_a_stray_byte_after_a_utf8_bom_is_that_rows_warning(tmp_path):
    data = b"\xef\xbb\xbfJudul;Tahun\nA;2001\nB\xe9;2002\n"
    ds = read_csv(write(tmp_path, data))
    assert [(r.row, r.fields["title"]) for r in ds.records] == [(2, "A"), (3, "Bé")]
    assert codes(ds.records[1]) == ["bad-byte"] and ds.records[0].warnings == []
    assert "byte 0xE9 is not UTF-8; read as Windows-1252 'é'" in ds.records[1].warnings[0].message


def test_a_cp1252_file_is_still_read_as_cp1252(tmp_path):
    ds = read_csv(write(tmp_path, "Judul;Pengarang\nDéjà vu;Renée\n".encode("cp1252")))
    assert ds.encoding == "cp1252" and ds.records[0].fields["title"] == "Déjà vu"
    assert ds.records[0].warnings == []


def test_a_nul_byte_early_in_a_small_file_is_not_binary(tmp_path):
    ds = read_csv(write(tmp_path, b"title\nA\x00B\n"))
    assert [r.fields["title"] for r in ds.records] == ["AB"]


def test_a_row_with_fewer_values_is_flagged(tmp_path):
    ds = read_csv(write(tmp_path, "a,title,c\n1,A,x\n2,B\n3,C,z\n"))
    assert [codes(r) for r in ds.records] == [[], ["missing-values"], []]


# --- 2,000 rows, 100 broken ---------------------------------------------------------------


def test_every_reported_row_of_a_dirty_file_points_at_its_book(tmp_path, realdata):
    path = tmp_path / "dirty.csv"
    expected = make_dirty_csv(path, 2000, 100, seed=9)
    assert len(expected) == 100 and {k for _, k in expected} == set(KINDS)
    ds = read_records(path)
    assert len(ds.records) == 2000
    for rec in ds.records:
        assert rec.row == int(rec.raw["book_id"]) + 1, rec.fields["title"]
        assert all(w.location.row == rec.row for w in rec.warnings)
    rows = {r.row: r for r in ds.records}
    broken = dict(expected)
    for row, kind in expected:
        got = {c for c in codes(rows[row]) if c in READING}
        assert got == EXPECTED_CODES[kind], (row, kind, got)
    clean = [r.row for r in ds.records if r.row not in broken and set(codes(r)) & READING]
    assert clean == []
    (note,) = [w for w in ds.warnings if w.code == "multi-line-rows"]
    spans = [row for row, kind in expected if kind == "line-breaks"]
    assert note.message.startswith(f"{len(spans)} rows hold values with line breaks")
    assert f"row {spans[0]} (lines" in note.message


# --- fuzz -----------------------------------------------------------------------------------

_PIECES = st.sampled_from([",", ";", "\t", "|", '"', '""', "\r", "\n", "\r\n", "\ufeff", "\x00",
                           "sep=;\n", "judul", "title", "Tahun", "Jumlah", " ", "é", "24\"",
                           "\x0b", "\x1f", "<a>", "=1+1"])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40).map("".join)
_ENCODED = st.tuples(_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])).map(
    lambda t: t[0].encode(t[1], errors="replace"))


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.one_of(_ENCODED, st.binary(max_size=200),
                      st.tuples(_ENCODED, st.binary(max_size=8)).map(lambda t: t[0] + t[1])))
def test_fuzz_the_csv_reader_gives_a_dataset_or_a_libmedia_error(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        ds = read_records(path)
    except LibmediaError:
        return
    assert isinstance(ds, DataSet)
    for rec in ds.records:
        assert rec.row >= 1 and rec.line >= 1
