"""Tests for the record normaliser (libmedia.sources.normalize) and the header
chooser (libmedia.sources.header) on plain rows, without any CSV: what the
XLSX, JSON, MARC and Koha readers will hand over.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from libmedia.errors import DataError
from libmedia.sources.header import choose_header
from libmedia.sources.normalize import Row, normalize

PATH = Path("koleksi.xlsx")


def codes(warnings) -> list[str]:
    return [w.code for w in warnings]


def test_list_rows_keep_their_row_and_line_numbers():
    rows = [Row(1, 3, ["Bumi", "Tere Liye"]), Row(2, 4, ["", " "]), Row(3, 7, ["Hujan", ""])]
    table = normalize(PATH, ["Judul", "Pengarang"], rows)
    assert [(r.row, r.line, r.fields["title"]) for r in table.records] == [(1, 3, "Bumi"), (3, 7, "Hujan")]
    assert table.plan.mapping == {"Judul": "title", "Pengarang": "author"}
    assert table.records[0].raw == {"Judul": "Bumi", "Pengarang": "Tere Liye"}


def test_dict_rows_read_the_same_as_list_rows():
    headers = ["title", "isbn", "tahun terbit", "authors"]
    cells = [["Bumi", "9786020332956", "2014.0", "<Tere Liye><Orang, Lain>"],
             ["Hujan", "", "17/08/2016", ""]]
    as_lists = normalize(PATH, headers, [Row(n, n + 1, c) for n, c in enumerate(cells, 1)])
    as_dicts = normalize(PATH, None, [Row(n, n + 1, dict(zip(headers, c, strict=True)))
                                      for n, c in enumerate(cells, 1)])
    assert as_dicts.headers == headers
    assert [r.fields for r in as_dicts.records] == [r.fields for r in as_lists.records]
    assert [r.lists for r in as_dicts.records] == [r.lists for r in as_lists.records]
    first = as_lists.records[0].fields
    assert (first["isbn"], first["year"], first["author"]) == (
        "978-602-03-3295-6", "2014", "Tere Liye; Orang, Lain")
    assert as_lists.records[0].lists["author_display"] == ["Tere Liye", "Lain Orang"]


def test_dict_rows_add_unseen_keys_and_read_none_as_blank():
    rows = [Row(1, 1, {"judul": "Bumi", "harga": None}), Row(2, 2, {"judul": "Hujan", "Sampul": "h.jpg"})]
    table = normalize(PATH, ["judul"], rows)
    assert table.headers == ["judul", "harga", "Sampul"]
    assert table.records[0].fields == {"title": "Bumi", "cover": "", "price": ""}
    assert table.records[1].fields == {"title": "Hujan", "cover": "h.jpg", "price": ""}


def test_warnings_name_the_file_row_line_and_column():
    rows = [Row(4, 12, ["A", "439023483"], [("merged-cell", "the title cell is merged")]),
            Row(5, 13, ["B", "9.78043902348e+12"])]
    a, b = normalize(PATH, ["title", "ISBN"], rows).records
    assert codes(a.warnings) == ["merged-cell", "isbn-repaired"]
    assert a.fields["isbn"] == "978-0-439-02348-1"
    loc = b.warnings[0].location
    assert (b.warnings[0].code, loc.file, loc.row, loc.line, loc.field) == (
        "isbn", "koleksi.xlsx", 5, 13, "ISBN")


def test_literal_line_breaks_only_for_slims_and_never_in_paths():
    rows = [Row(1, 2, ["Satu\\nDua", "covers\\new.jpg"])]
    slims = normalize(PATH, ["notes", "image"], rows, literal_newlines=True).records[0]
    plain = normalize(PATH, ["notes", "image"], rows).records[0]
    assert slims.fields == {"summary": "Satu\nDua", "cover": "covers\\new.jpg"}
    assert plain.fields["summary"] == "Satu\\nDua"


def test_short_rows_are_padded_and_long_rows_keep_their_extras():
    rows = [Row(1, 2, ["A"]), Row(2, 3, ["B", "Ana", "extra"])]
    a, b = normalize(PATH, ["title", "author"], rows).records
    assert a.fields["author"] == "" and a.warnings == []
    assert b.raw["column_3"] == "extra" and codes(b.warnings) == ["extra-values"]


def test_mojibake_and_cut_titles_are_flagged():
    title = "x" * 99 + "y"
    rec = normalize(PATH, ["title", "series"], [Row(1, 2, [title, "DeveloperÃ¢â‚¬â„¢s"])]).records[0]
    assert rec.fields["series"] == "Developer\u2019s"
    assert codes(rec.warnings) == ["mojibake", "cut-short"]


def test_cells_must_be_text():
    with pytest.raises(TypeError, match="row 7"):
        normalize(PATH, ["title", "year"], [Row(7, 8, ["A", 2008])])


def test_choose_header_on_a_grid_of_cells():
    header = choose_header(PATH, [["Judul Buku", "Penulis", ""], ["Bumi", "Tere Liye", ""]], 2)
    assert (header.names, header.in_data, header.slims, header.warnings) == (
        ["Judul Buku", "Penulis"], True, False, [])
    with pytest.raises(DataError) as err:
        choose_header(PATH, [["Bumi", "2014"], ["Hujan", "2016"]], 5)
    assert err.value.location.line == 5 and "no header row" in err.value.message
