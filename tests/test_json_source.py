"""Tests for the JSON and JSON Lines reader (libmedia.sources.jsonfile).

Every file here is written to ``tmp_path``; the records must come out as the
CSV reader's do for the same books (the shared normaliser), with rows and
lines as the JSON file shows them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from libmedia.cli import main
from libmedia.errors import DataError
from libmedia.sources import read_records, registry
from libmedia.sources.base import CERTAIN, LIKELY, NOT_MINE
from libmedia.sources.csvfile import CSV
from libmedia.sources.jsonfile import JSON, read_json

BOOKS = [
    {"judul": "Laskar Pelangi", "pengarang": "Hirata, Andrea", "isbn": "9789793062792",
     "tahun": "2008", "penerbit": "Bentang"},
    {"judul": "Bumi", "pengarang": "Tere Liye; Ahmad Fuadi", "isbn": "", "tahun": "2014",
     "penerbit": "Gramedia"},
]


def write(tmp_path: Path, data: bytes | str, name: str = "books.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def codes(warnings) -> list[str]:
    return [w.code for w in warnings]


def by_title(ds, title: str):
    return next(r for r in ds.records if r.fields.get("title") == title)


# --- the same records as CSV -----------------------------------------------------------------


def test_json_gives_the_csv_readers_records(tmp_path):
    csv_text = "judul,pengarang,isbn,tahun,penerbit\n" + "".join(
        ",".join(f'"{b[k]}"' for k in ("judul", "pengarang", "isbn", "tahun", "penerbit")) + "\n"
        for b in BOOKS)
    from_csv = read_records(write(tmp_path, csv_text, "books.csv"))
    from_json = read_records(write(tmp_path, json.dumps(BOOKS, indent=2)))
    assert from_json.reader == "json" and from_csv.reader == "csv"
    assert [r.fields for r in from_json.records] == [r.fields for r in from_csv.records]
    assert [r.lists for r in from_json.records] == [r.lists for r in from_csv.records]
    assert from_json.mapping == from_csv.mapping
    # the 1-based position in the list, and the line where the object opens
    assert [(r.row, r.line) for r in from_json.records] == [(1, 2), (2, 9)]


def test_values_as_the_json_text_writes_them(tmp_path):
    text = ('[{"title": "Laskar Pelangi", "isbn": 9789793062792, "year": 2008.0, '
            '"authors": ["Hirata, Andrea", "Lestari, Dewi"], "available": true, "notes": null, '
            '"price": 85000.50, "copies": 3}]')
    rec = read_json(write(tmp_path, text)).records[0]
    assert rec.fields["isbn"] == "978-979-3062-79-2"  # a number: its digits, never a float
    assert rec.fields["year"] == "2008"  # "2008.0" read by normalise_year
    assert rec.lists["author"] == ["Hirata, Andrea", "Lestari, Dewi"]
    assert rec.lists["author_display"] == ["Andrea Hirata", "Dewi Lestari"]
    assert rec.fields["available"] == "true"
    assert rec.fields["summary"] == ""  # "notes" is an alias of summary; null is empty
    assert rec.fields["price"] == "85000.50"  # as written, not 85000.5
    assert rec.fields["copies"] == "3"
    assert rec.warnings == []


def test_big_integers_and_nan_are_text(tmp_path):
    path = write(tmp_path, '[{"title": "A", "id": 123456789012345678901234567890, '
                           '"year": NaN}]')
    rec = read_json(path).records[0]
    assert rec.fields["id"] == "123456789012345678901234567890"
    assert rec.fields["year"] == ""


def test_nested_objects_are_flattened_and_matched(tmp_path):
    doc = [{"volumeInfo": {"title": "Bumi", "authors": ["Tere Liye"],
                           "publisher": "Gramedia", "publishedDate": "2014-01-05",
                           "imageLinks": {"thumbnail": "http://example.org/c.jpg"},
                           "industryIdentifiers": [{"type": "ISBN_13", "identifier": "x"}]},
            "publisher": {"name": "ignored here"}}]
    ds = read_json(write(tmp_path, json.dumps(doc)))
    rec = ds.records[0]
    # a key matched by its last part when nothing else names the field
    assert rec.fields["title"] == "Bumi"
    assert rec.fields["author"] == "Tere Liye"
    # "publisher.name" matches the alias "publisher name" by its full name, so the
    # nested volumeInfo.publisher keeps its dotted name
    assert ds.mapping["publisher.name"] == "publisher"
    assert rec.fields["publisher"] == "ignored here"
    assert rec.fields["volumeinfo_publisher"] == "Gramedia"
    assert rec.fields["volumeinfo_imagelinks_thumbnail"] == "http://example.org/c.jpg"
    # a list of objects is not a value: the key is left out, with a warning on the record
    [warning] = rec.warnings
    assert warning.code == "json-value" and "volumeInfo.industryIdentifiers" in warning.message
    assert warning.location.row == 1


# --- where the records are -------------------------------------------------------------------


@pytest.mark.parametrize("doc, rows", [
    ({"data": BOOKS}, [1, 2]),
    ({"count": 2, "books": BOOKS, "page": {"next": None}}, [1, 2]),
    ({"responseHeader": {"status": 0}, "response": {"numFound": 2, "docs": BOOKS}}, [1, 2]),
])
def test_an_object_holding_one_list_of_records(tmp_path, doc, rows):
    ds = read_json(write(tmp_path, json.dumps(doc, indent=1)))
    assert [r.row for r in ds.records] == rows
    assert [r.fields["title"] for r in ds.records] == ["Laskar Pelangi", "Bumi"]
    assert ds.warnings == []


def test_lines_of_records_inside_an_object(tmp_path):
    text = '{\n  "count": 2,\n  "books": [\n    {"judul": "A"},\n\n    {"judul": "B"}\n  ]\n}\n'
    ds = read_json(write(tmp_path, text))
    assert [(r.row, r.line, r.fields["title"]) for r in ds.records] == [(1, 4, "A"), (2, 6, "B")]


def test_a_repeated_key_uses_its_last_list_as_the_parser_does(tmp_path):
    text = '{"books": [{"judul": "old"}],\n "books": [\n{"judul": "new"}]}'
    ds = read_json(write(tmp_path, text))
    assert [(r.fields["title"], r.line) for r in ds.records] == [("new", 3)]


def test_several_lists_of_records_are_an_error_naming_them(tmp_path):
    path = write(tmp_path, json.dumps({"books": BOOKS, "events": [{"title": "x"}]}))
    with pytest.raises(DataError) as err:
        read_json(path)
    assert "'books', 'events'" in err.value.message
    assert "keep the one list of records" in err.value.hint


def test_one_object_is_one_record(tmp_path):
    ds = read_json(write(tmp_path, '\n\n{"judul": "Bumi", "tahun": 2014}'))
    assert [(r.row, r.line, r.fields["title"], r.fields["year"]) for r in ds.records] == \
        [(1, 3, "Bumi", "2014")]


def test_items_that_are_not_objects_are_named_and_the_others_read(tmp_path):
    text = '[\n{"judul": "A"},\n"oops",\n{"judul": "B"},\n[1, 2]\n]'
    ds = read_json(write(tmp_path, text))
    assert [(r.row, r.fields["title"]) for r in ds.records] == [(1, "A"), (3, "B")]
    skipped = [(w.code, w.location.row, w.location.line) for w in ds.warnings]
    assert skipped == [("record-skipped", 2, 3), ("record-skipped", 4, 5)]
    assert '"oops", not an object' in ds.warnings[0].message


def test_a_single_value_is_refused(tmp_path):
    with pytest.raises(DataError, match="single value"):
        read_json(write(tmp_path, '"Bumi"'))


def test_an_empty_list_has_no_records(tmp_path):
    ds = read_json(write(tmp_path, "[]"))
    assert ds.records == [] and codes(ds.warnings) == ["no-records"]


# --- JSON Lines --------------------------------------------------------------------------------


def test_json_lines_a_bad_line_is_that_records_problem(tmp_path):
    text = ('{"judul": "A", "tahun": 2001}\n'
            '\n'
            '{"judul": "B", }\n'
            '{"judul": "C"}\n'
            '42\n'
            '{"judul": "D"}\n')
    for name in ("books.jsonl", "books.json"):  # by its name, or by its content
        ds = read_records(write(tmp_path, text, name))
        assert ds.reader == "json"
        assert [(r.row, r.line, r.fields["title"]) for r in ds.records] == \
            [(1, 1, "A"), (3, 4, "C"), (5, 6, "D")]
        bad = [(w.code, w.location.row, w.location.line) for w in ds.warnings]
        assert bad == [("record-skipped", 2, 3), ("record-skipped", 4, 5)]
        assert "not valid JSON" in ds.warnings[0].message
        assert "(column 16)" in ds.warnings[0].message


def test_json_lines_whose_first_line_is_broken(tmp_path):
    ds = read_records(write(tmp_path, '{"judul": "A"\n{"judul": "B"}\n{"judul": "C"}\n',
                            "export.json"))
    assert [r.fields["title"] for r in ds.records] == ["B", "C"]
    assert [(w.location.row, w.location.line) for w in ds.warnings] == [(1, 1)]


# --- encodings and broken files ---------------------------------------------------------------


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_byte_order_marks(tmp_path, encoding, bom):
    text = json.dumps([{"judul": "Café Ilmu", "pengarang": "Dewi Lestari"}], ensure_ascii=False)
    path = write(tmp_path, bom + text.encode(encoding))
    ds = read_records(path)
    assert ds.reader == "json"
    assert ds.records[0].fields["title"] == "Café Ilmu"
    assert ds.warnings == []


def test_bytes_that_are_not_utf8_are_read_with_a_warning(tmp_path):
    path = write(tmp_path, '[{"judul": "Café"}]'.encode("cp1252"))
    ds = read_json(path)
    assert ds.records[0].fields["title"] == "Café"
    assert codes(ds.warnings) == ["encoding"] and "not UTF-8" in ds.warnings[0].message


@pytest.mark.parametrize("text, line, column", [
    ('[\n  {"judul": "A"},\n  {"judul": "B",}\n]', 3, 17),
    ('[\n  {"judul": "A"}\n  {"judul": "B"}\n]', 3, 3),
    ("[{'judul': 'A'}]", 1, 3),
    ('{"judul": "A"', 1, 14),
])
def test_broken_json_names_line_and_column(tmp_path, text, line, column):
    with pytest.raises(DataError) as err:
        read_records(write(tmp_path, text))
    assert err.value.location.line == line
    assert f"(line {line}, column {column})" in err.value.message
    assert "double quotes" in err.value.hint


def test_nesting_too_deep_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="nested too deeply"):
        read_json(write(tmp_path, "[" * 100_000 + "]" * 100_000))


def test_empty_file(tmp_path):
    with pytest.raises(DataError, match="empty"):
        read_json(write(tmp_path, "\ufeff\n"))


# --- sniffing -----------------------------------------------------------------------------------


def test_sniff_by_content():
    p = Path("data.txt")
    assert JSON.sniff(p, b'[{"a": 1}]') == CERTAIN
    assert JSON.sniff(p, b'\xef\xbb\xbf {"data": []}') == CERTAIN
    assert JSON.sniff(p, b'{"a": 1}\n{"a": 2}\n') == CERTAIN
    assert JSON.sniff(p, b'[{"a": 1},]') == LIKELY  # broken: this reader names the spot
    assert JSON.sniff(Path("x.json"), b"[1, 2") == LIKELY
    assert JSON.sniff(p, b"[1, 2") == NOT_MINE
    assert JSON.sniff(p, b"title,author\nA,B\n") == NOT_MINE
    assert JSON.sniff(p, b"\x00\x01\x02[") == NOT_MINE
    # a head cut off inside a long file
    head = (b'{"a": 1}\n' * 8000)[:65536]
    assert JSON.sniff(p, head) == CERTAIN


def test_content_decides_over_the_name(tmp_path):
    path = write(tmp_path, json.dumps(BOOKS), "export.txt")
    assert registry.choose(path, path.read_bytes()) is JSON
    csv_named_json = write(tmp_path, "judul,tahun\nBumi,2014\n", "list.json")
    assert registry.choose(csv_named_json, csv_named_json.read_bytes()) is CSV
    assert CSV.sniff(path, path.read_bytes()) == NOT_MINE


def test_options_are_refused():
    with pytest.raises(TypeError, match="takes no options"):
        JSON.read(Path("x.json"), sheet="A")


# --- check and batch ----------------------------------------------------------------------------


def test_check_and_batch_agree_on_a_json_lines_file(tmp_path):
    text = '{"judul": "Laskar Pelangi", "pengarang": "Andrea Hirata"}\n{"judul": \n' \
           '{"judul": "Bumi", "pengarang": "Tere Liye"}\n'
    path = write(tmp_path, text, "baru.jsonl")
    runner = CliRunner()
    checked = runner.invoke(main, ["check", "new-book", str(path)], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output
    assert "row 2: record 2 (line 2) is skipped" in checked.output
    out = tmp_path / "out"
    batch = runner.invoke(main, ["batch", "new-book", str(path), "--out", str(out)],
                          catch_exceptions=False)
    assert batch.exit_code == 0, batch.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    posts = manifest.get("posts") or manifest.get("records") or []
    rows = sorted({p["row"] for p in posts})
    assert rows == [1, 3]
    assert len(list(out.glob("*.png"))) == 2


def test_a_table_written_as_lists_under_its_header(tmp_path):
    doc = {"range": "Buku!A1:D3", "values": [
        ["Judul", "Pengarang", "ISBN", "Pengarang"],
        ["Laskar Pelangi", "Andrea Hirata", "9789793062792", "", "extra"],
        ["Bumi", "Tere Liye", 9786020332956],
    ]}
    ds = read_json(write(tmp_path, json.dumps(doc, indent=None).replace("], [", "],\n[")))
    assert [(r.row, r.line, r.fields["title"]) for r in ds.records] == \
        [(2, 2, "Laskar Pelangi"), (3, 3, "Bumi")]
    assert ds.columns == ["Judul", "Pengarang", "ISBN", "Pengarang (4)", "column_5"]
    assert ds.records[1].fields["isbn"] == "978-602-03-3295-6"
    assert ds.records[0].raw["column_5"] == "extra"


def test_events_read_as_the_csv_reader_reads_them(tmp_path):
    events = [{"judul acara": "Mendongeng bersama", "tanggal": "2027-05-12", "jam mulai": "09.00",
               "jam selesai": "10.30", "tempat": "Ruang anak", "link pendaftaran":
               "https://example.org/daftar"}]
    csv_text = ",".join(events[0]) + "\n" + ",".join(events[0].values()) + "\n"
    from_csv = read_records(write(tmp_path, csv_text, "acara.csv"))
    from_json = read_records(write(tmp_path, json.dumps(events), "acara.json"))
    assert from_json.records[0].fields == from_csv.records[0].fields
    assert from_json.records[0].fields["date"] == "2027-05-12"
    assert from_json.records[0].fields["place"] == "Ruang anak"
