"""Tests for the MARC reader (libmedia.sources.marc): ISO 2709 and MARCXML,
MARC 21 and UNIMARC, MARC-8, UTF-8 and legacy code pages, broken records.

Tests named ``test_real_*`` read ../shared/realdata/marc (pymarc's own test
records) and skip where it is absent; the others build records with pymarc
in ``tmp_path``, one mapping rule each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pymarc import Field, Indicators, Record, Subfield

from libmedia.cli import main
from libmedia.errors import DataError
from libmedia.sources import read_records, registry
from libmedia.sources.base import CERTAIN, LIKELY, NOT_MINE
from libmedia.sources.csvfile import CSV
from libmedia.sources.marc import MARC, read_marc


def field(tag: str, ind: str = "  ", *subfields: tuple[str, str]) -> Field:
    return Field(tag, Indicators(ind[0], ind[1]), [Subfield(c, v) for c, v in subfields])


def record(*fields: Field, control: dict[str, str] | None = None) -> bytes:
    """One UTF-8 MARC 21 record in ISO 2709, with ``control`` fields first."""
    rec = Record(leader="00000nam a2200000 a 4500")
    for tag, data in (control or {}).items():
        rec.add_field(Field(tag, data=data))
    for f in fields:
        rec.add_field(f)
    return rec.as_marc()


def book(title: str = "Laskar pelangi /", *more: Field, **control: str) -> bytes:
    return record(field("245", "10", ("a", title), ("c", "Andrea Hirata.")), *more,
                  control=control or None)


def write(tmp_path: Path, data: bytes | str, name: str = "katalog.mrc") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def one(tmp_path: Path, data: bytes):
    ds = read_marc(write(tmp_path, data))
    assert len(ds.records) == 1, ds.warnings
    return ds.records[0]


# --- MARC 21 -> fields, one rule each ------------------------------------------------------------


def test_title_with_part_number_and_name_and_subtitle_without_responsibility(tmp_path):
    rec = one(tmp_path, record(field("245", "10", ("a", "Star wars."), ("n", "Episode IV,"),
                                     ("p", "A new hope :"), ("b", "the novel /"),
                                     ("c", "George Lucas."))))
    assert rec.fields["title"] == "Star wars. Episode IV, A new hope: the novel"  # title: subtitle
    assert rec.fields["subtitle"] == "the novel"
    assert "Lucas" not in rec.fields["author"]  # 245 $c is not an author


def test_field_ending_period_is_dropped_but_not_after_an_initial_or_abbreviation(tmp_path):
    rec = one(tmp_path, record(field("245", "00", ("a", "Loneliness.")),
                               field("100", "1 ", ("a", "Smith, J.")),
                               field("250", "  ", ("a", "2nd ed."))))
    assert rec.fields["title"] == "Loneliness"
    assert rec.lists["author"] == ["Smith, J."]
    assert rec.fields["edition"] == "2nd ed."


def test_authors_main_then_added_entries_without_dates_relators_or_works(tmp_path):
    rec = one(tmp_path, book("Judul /",
                             field("100", "1 ", ("a", "Hunt, Andrew,"), ("d", "1964-"),
                                   ("e", "author.")),
                             field("700", "1 ", ("a", "Thomas, David,"), ("d", "1956-")),
                             field("700", "1 ", ("a", "Hunt, Andrew,"), ("d", "1964-")),
                             field("700", "12", ("a", "Shakespeare, William,"),
                                   ("d", "1564-1616."), ("t", "Hamlet.")),
                             field("710", "2 ", ("a", "Universitas Indonesia."),
                                   ("b", "Fakultas Ilmu Budaya."))))
    assert rec.lists["author"] == ["Hunt, Andrew", "Thomas, David",
                                   "Universitas Indonesia. Fakultas Ilmu Budaya"]
    assert rec.lists["author_display"][:2] == ["Andrew Hunt", "David Thomas"]


def test_publisher_place_and_year_from_260(tmp_path):
    rec = one(tmp_path, book("Judul /", field("260", "  ", ("a", "Beijing :"),
                                              ("a", "Sebastopol, CA :"), ("b", "O'Reilly,"),
                                              ("c", "c2001.")),
                             **{"008": "010827s2001    cc a     b    001 0 eng  "}))
    assert (rec.fields["place"], rec.fields["publisher"], rec.fields["year"]) == \
        ("Beijing; Sebastopol, CA", "O'Reilly", "2001")


def test_264_with_second_indicator_1_is_publication(tmp_path):
    rec = one(tmp_path, book("Judul /",
                             field("264", " 0", ("a", "Produced in Bandung :"),
                                   ("b", "Studio,"), ("c", "2019.")),
                             field("264", " 1", ("a", "Jakarta :"), ("b", "Gramedia,"),
                                   ("c", "[2020]")),
                             field("264", " 4", ("c", "©2020"))))
    assert (rec.fields["place"], rec.fields["publisher"]) == ("Jakarta", "Gramedia")
    assert rec.raw["year"] == "[2020]"  # printed: the normaliser reads the year from it


def test_copyright_year_when_there_is_no_publication_year(tmp_path):
    rec = one(tmp_path, book("Judul /", field("264", " 1", ("b", "Gramedia")),
                             field("264", " 4", ("c", "©2015"))))
    assert rec.raw["year"] == "©2015"


def test_coded_year_from_008_when_no_260(tmp_path):
    rec = one(tmp_path, book(**{"008": "840112s1962    pau           00010 eng  "}))
    assert rec.fields["year"] == "1962"


def test_unknown_place_and_publisher_and_split_brackets(tmp_path):
    rec = one(tmp_path, book("Judul /", field("260", "  ", ("a", "[S.l.] :"), ("b", "[s.n.],"),
                                              ("c", "1994."))))
    assert (rec.fields["place"], rec.fields["publisher"]) == ("", "")
    rec = one(tmp_path, book("Judul /", field("260", "  ", ("a", "[Washington, D.C.:"),
                                              ("b", "Association of Teacher Educators]"))))
    assert (rec.fields["place"], rec.fields["publisher"]) == \
        ("Washington, D.C.", "Association of Teacher Educators")


def test_first_valid_isbn_and_never_a_cancelled_one(tmp_path):
    rec = one(tmp_path, book("Judul /", field("020", "  ", ("z", "9789793062792")),
                             field("020", "  ", ("a", "978979306279X (rusak)")),
                             field("020", "  ", ("a", "0596000855 (pbk.)"))))
    assert rec.fields["isbn"] == "978-0-596-00085-1"
    rec = one(tmp_path, book("Judul /", field("020", "  ", ("z", "9789793062792"))))
    assert rec.fields["isbn"] == ""
    rec = one(tmp_path, book("Judul /", field("020", "  ", ("a", "12345"))))
    assert rec.fields["isbn"] == "" and [w.code for w in rec.warnings] == ["isbn"]


@pytest.mark.parametrize("fields, call_number", [
    ([field("082", "00", ("a", "005.13/3"), ("2", "21")),
      field("090", "  ", ("a", "QA76.73.P98"), ("b", "L88 2001")),
      field("852", "  ", ("h", "005.133"), ("i", "LUT p"))], "005.133 LUT p"),
    ([field("082", "00", ("a", "005.13/3")), field("952", "  ", ("o", "005.133 LUT p"))],
     "005.133 LUT p"),
    ([field("082", "00", ("a", "005.13/3")), field("099", "  ", ("a", "R"), ("a", "005 LUT"))],
     "R 005 LUT"),
    ([field("082", "00", ("a", "005.13/3")), field("090", "  ", ("a", "BF575.L7"),
                                                    ("b", "T68 1962"))], "BF575.L7 T68 1962"),
    ([field("082", "00", ("a", "811/.5/4"))], "811.54"),
    ([field("050", "00", ("a", "QA76.6"), ("b", ".H857 2000"))], "QA76.6 .H857 2000"),
])
def test_call_number_prefers_the_librarys_own(tmp_path, fields, call_number):
    rec = one(tmp_path, book("Judul /", *fields))
    assert rec.fields["call_number"] == call_number


def test_dewey_is_also_the_classification(tmp_path):
    rec = one(tmp_path, book("Judul /", field("082", "04", ("a", "302.23/1"), ("2", "23"))))
    assert rec.fields["classification"] == "302.231"


def test_summary_subjects_edition_series_collation_language(tmp_path):
    rec = one(tmp_path, book(
        "Judul /",
        field("250", "  ", ("a", "Cet. 2.")),
        field("300", "  ", ("a", "xxiv, 321 p. :"), ("b", "ill. ;"), ("c", "24 cm. +"),
              ("e", "1 CD")),
        field("490", "0 ", ("a", "Her Waste ;"), ("v", "pt. 1")),
        field("520", "  ", ("a", "Kisah sepuluh anak Belitung.")),
        field("520", "  ", ("a", "Novel pertama.")),
        field("600", "10", ("a", "Hirata, Andrea,"), ("d", "1967-"), ("v", "Biografi.")),
        field("650", " 0", ("a", "Social media"), ("x", "Law and legislation"),
              ("z", "Indonesia"), ("y", "21st century.")),
        field("650", " 2", ("a", "Social media"), ("x", "Law and legislation"),
              ("z", "Indonesia"), ("y", "21st century.")),
        field("651", " 0", ("a", "Belitung (Indonesia)"), ("v", "Fiction.")),
        field("041", "1 ", ("a", "indeng")),
        **{"008": "111220s2012    io            000 1 ||| d"}))
    assert rec.fields["edition"] == "Cet. 2."
    assert rec.fields["collation"] == "xxiv, 321 p. : ill. ; 24 cm."
    assert rec.fields["series"] == "Her Waste ; pt. 1"
    assert rec.fields["summary"] == "Kisah sepuluh anak Belitung.\n\nNovel pertama."
    assert rec.lists["subject"] == [
        "Hirata, Andrea, 1967- -- Biografi",
        "Social media -- Law and legislation -- Indonesia -- 21st century",
        "Belitung (Indonesia) -- Fiction"]
    assert rec.fields["language"] == "ind"  # 008/35-37 is "|||": 041 $a


def test_language_from_008(tmp_path):
    rec = one(tmp_path, book(**{"008": "990802s2000    mau      b    001 0 eng  "}))
    assert rec.fields["language"] == "eng"


@pytest.mark.parametrize("subfields, url", [
    ([("u", "https://example.org/covers/123.jpg")], "https://example.org/covers/123.jpg"),
    ([("3", "Cover image"), ("u", "https://example.org/c?id=1")], "https://example.org/c?id=1"),
    ([("q", "image/png"), ("u", "https://example.org/c/1")], "https://example.org/c/1"),
    ([("3", "Table of contents"), ("u", "https://example.org/toc.html")], ""),
])
def test_cover_url_from_856_when_it_is_an_image(tmp_path, subfields, url):
    rec = one(tmp_path, book("Judul /", field("856", "42", *subfields)))
    assert rec.fields["cover_url"] == url


def test_id_from_001(tmp_path):
    assert one(tmp_path, book(**{"001": "ocm12345 "})).fields["id"] == "ocm12345"


def test_control_characters_never_leak_and_are_named(tmp_path):
    rec = one(tmp_path, book("Laskar\x1b[1m pelangi\x0b /"))
    assert rec.fields["title"] == "Laskar pelangi"
    assert [w.code for w in rec.warnings] == ["control-characters"]
    assert all("\x1f" not in v and "\x1e" not in v for v in rec.fields.values())


def test_non_filing_marks_are_removed_silently(tmp_path):
    rec = one(tmp_path, book("\x88The \x89pragmatic programmer"))
    assert rec.fields["title"] == "The pragmatic programmer" and rec.warnings == []


def test_unimarc_fields(tmp_path):
    ds = read_marc(write(tmp_path, record(
        field("010", "  ", ("a", "978-979-3062-79-2"), ("d", "Rp 50.000")),
        field("101", "0 ", ("a", "ind")),
        field("200", "1 ", ("a", "Ronggeng Dukuh Paruk"), ("e", "novel"),
              ("f", "Ahmad Tohari")),
        field("205", "  ", ("a", "Cet. 5")),
        field("210", "  ", ("a", "Jakarta"), ("c", "Gramedia Pustaka Utama"), ("d", "2011")),
        field("225", "2 ", ("a", "Sastra Indonesia"), ("v", "3")),
        field("330", "  ", ("a", "Kisah Srintil, ronggeng dari Dukuh Paruk.")),
        field("606", "  ", ("a", "Fiksi Indonesia"), ("x", "Sejarah"), ("y", "Jawa"),
              ("z", "1960-an")),
        field("676", "  ", ("a", "899.2213"), ("v", "22")),
        field("700", " 1", ("a", "Tohari"), ("b", "Ahmad"), ("f", "1948-")),
        field("702", " 1", ("a", "Penerjemah"), ("b", "Nama")),
        control={"001": "UNI-1"})))
    [rec] = ds.records
    assert [w.code for w in ds.warnings] == ["unimarc"]
    assert (rec.fields["title"], rec.fields["subtitle"]) == ("Ronggeng Dukuh Paruk: novel", "novel")
    assert rec.lists["author"] == ["Tohari, Ahmad"]  # 702 (translator, editor) is not an author
    assert rec.lists["author_display"] == ["Ahmad Tohari"]
    assert (rec.fields["place"], rec.fields["publisher"], rec.fields["year"]) == \
        ("Jakarta", "Gramedia Pustaka Utama", "2011")
    assert rec.fields["isbn"] == "978-979-3062-79-2" and rec.warnings == []
    assert (rec.fields["classification"], rec.fields["call_number"]) == ("899.2213", "899.2213")
    assert rec.fields["subject"] == "Fiksi Indonesia -- Sejarah -- Jawa -- 1960-an"
    assert (rec.fields["edition"], rec.fields["series"], rec.fields["language"]) == \
        ("Cet. 5", "Sastra Indonesia ; 3", "ind")
    assert rec.fields["summary"] == "Kisah Srintil, ronggeng dari Dukuh Paruk."
    assert rec.fields["id"] == "UNI-1"


# --- characters --------------------------------------------------------------------------------


def test_utf8_text_under_a_blank_leader_is_read_as_utf8(tmp_path):
    data = bytearray(book("Café société /"))
    data[9] = ord(" ")  # leader/09 blank: claims MARC-8
    ds = read_marc(write(tmp_path, bytes(data)))
    assert ds.records[0].fields["title"] == "Café société"
    assert [w.code for w in ds.warnings] == ["encoding"] and "UTF-8" in ds.warnings[0].message


def test_a_value_that_is_not_utf8_in_a_utf8_record(tmp_path):
    data = book("Caf\u00e9 /").replace("Café".encode(), "Café".encode("cp1252"))
    data = b"%05d" % (len(data) + 0) + data[5:]
    rec = one(tmp_path, data)
    assert rec.fields["title"] == "Café"
    assert [w.code for w in rec.warnings] == ["encoding"]


# --- the file: records, numbers and damage -------------------------------------------------------


def test_rows_are_record_numbers_and_line_breaks_between_records_are_skipped(tmp_path):
    data = book("Satu /") + b"\r\n" + book("Dua /") + b"\n" + book("Tiga /") + b"\n"
    ds = read_records(write(tmp_path, data))
    assert ds.reader == "marc"
    assert [(r.row, r.line, r.fields["title"]) for r in ds.records] == \
        [(1, 1, "Satu"), (2, 2, "Dua"), (3, 3, "Tiga")]
    assert ds.warnings == []


def test_a_wrong_record_length_loses_only_that_record(tmp_path):
    second = book("Dua /")
    wrong = b"99999" + second[5:]
    data = book("Satu /") + wrong + book("Tiga /")
    ds = read_marc(write(tmp_path, data))
    assert [r.fields["title"] for r in ds.records] == ["Satu", "Tiga"]
    [skipped] = ds.warnings
    assert skipped.code == "record-skipped" and skipped.location.row == 2
    assert f"record 2 (byte {len(book('Satu /'))})" in skipped.message
    assert "cut off" in skipped.message


def test_a_file_cut_inside_its_last_record(tmp_path):
    first = book("Satu /")
    ds = read_marc(write(tmp_path, first + book("Dua /")[:40]))
    assert [r.fields["title"] for r in ds.records] == ["Satu"]
    assert ds.warnings[0].location.row == 2
    assert f"record 2 (byte {len(first)}) is skipped: the file ends inside it" in \
        ds.warnings[0].message


def test_a_file_of_nothing_but_a_cut_record_has_no_records(tmp_path):
    ds = read_records(write(tmp_path, b"00714cam  2200205 a 4500001001300000"))
    assert ds.records == [] and [w.code for w in ds.warnings] == ["record-skipped"]


# --- MARCXML ------------------------------------------------------------------------------------

XML_RECORD = """<record{ns}>
  <leader>00000nam a2200000 a 4500</leader>
  <controlfield tag="001">{id}</controlfield>
  <datafield tag="245" ind1="1" ind2="0">
    <subfield code="a">{title} :</subfield>
    <subfield code="b">sebuah novel /</subfield>
    <subfield code="c">Andrea Hirata.</subfield>
  </datafield>
  <datafield tag="100" ind1="1" ind2=" "><subfield code="a">Hirata, Andrea.</subfield></datafield>
</record>
"""


@pytest.mark.parametrize("declaration, ns", [
    ('<?xml version="1.0" encoding="UTF-8"?>\n', ' xmlns="http://www.loc.gov/MARC21/slim"'),
    ("", ""),
])
def test_marcxml_with_or_without_namespace(tmp_path, declaration, ns):
    text = (declaration + f"<collection{ns}>\n" + XML_RECORD.format(ns="", id="1", title="Laskar")
            + XML_RECORD.format(ns="", id="2", title="Maryamah Karpov") + "</collection>\n")
    path = write(tmp_path, text, "katalog.xml")
    assert registry.choose(path, path.read_bytes()) is MARC
    ds = read_records(path)
    first_line = 3 if declaration else 2
    assert [(r.row, r.line, r.fields["title"], r.fields["subtitle"]) for r in ds.records] == [
        (1, first_line, "Laskar: sebuah novel", "sebuah novel"),
        (2, first_line + 10, "Maryamah Karpov: sebuah novel", "sebuah novel")]
    assert ds.records[0].lists["author_display"] == ["Andrea Hirata"]


def test_marcxml_broken_after_some_records_keeps_them(tmp_path):
    text = ("<collection>\n" + XML_RECORD.format(ns="", id="1", title="Laskar")
            + "<record><leader>x</leader><datafield tag='245'>\n</record>")
    ds = read_marc(write(tmp_path, text, "katalog.xml"))
    assert [r.fields["title"] for r in ds.records] == ["Laskar: sebuah novel"]
    assert [w.code for w in ds.warnings] == ["xml-broken"]
    assert ds.warnings[0].location.line == 13


def test_marcxml_broken_before_any_record_is_an_error(tmp_path):
    with pytest.raises(DataError) as err:
        read_marc(write(tmp_path, "<collection><record><leader>", "katalog.xml"))
    assert "not well-formed" in err.value.message and err.value.location.line == 1


def test_marcxml_entities_are_not_expanded_from_files(tmp_path):
    secret = write(tmp_path, "SECRET", "secret.txt")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY x SYSTEM "file://{secret}">]>\n'
            "<collection>" + XML_RECORD.format(ns="", id="1", title="&x;") + "</collection>")
    ds = read_marc(write(tmp_path, text, "katalog.xml"))
    assert "SECRET" not in json.dumps([r.fields for r in ds.records])


# --- sniffing ------------------------------------------------------------------------------------


def test_sniff():
    p = Path("export.bin")
    assert MARC.sniff(p, book()) == CERTAIN
    assert MARC.sniff(p, b"\r\n" + book()) == CERTAIN
    assert MARC.sniff(p, b'<?xml version="1.0"?><collection '
                         b'xmlns="http://www.loc.gov/MARC21/slim">') == CERTAIN
    assert MARC.sniff(p, b"<collection><record><leader>") == LIKELY + 0.2
    assert MARC.sniff(p, b'<?xml version="1.0"?><rss><channel>') == NOT_MINE
    assert MARC.sniff(p, b"title,author\nA,B\n") == NOT_MINE
    # the CSV reader refuses MARCXML without a declaration or namespace
    assert CSV.sniff(p, b"<collection>\n<record>\n<leader>") == NOT_MINE


def test_options_are_refused():
    with pytest.raises(TypeError, match="takes no options"):
        MARC.read(Path("x.mrc"), sheet="A")


# --- real data: every file of ../shared/realdata/marc ---------------------------------------------


def real(realdata: Path, name: str):
    return read_records(realdata / "marc" / name)


def titles(ds) -> list[str]:
    return [r.fields["title"] for r in ds.records]


def test_real_every_marc_file_is_chosen_and_read(realdata):
    files = sorted(p for p in (realdata / "marc").iterdir() if p.suffix in (".dat", ".mrc", ".xml"))
    assert len(files) == 12, files
    for path in files:
        ds = read_records(path)
        assert ds.reader == "marc", path
        assert ds.records, path
        for rec in ds.records:
            assert rec.fields["title"], (path, rec.row)
            assert not any(ch in v for v in rec.fields.values() for ch in "\x1d\x1e\x1f"), path


def test_real_marc_dat_20_records(realdata):
    ds = real(realdata, "pymarc_marc.dat")
    assert len(ds.records) == 20 and ds.encoding == "marc-8" and ds.warnings == []
    first = ds.records[0]
    assert (first.fields["title"], first.fields["subtitle"]) == \
        ("The pragmatic programmer: from journeyman to master", "from journeyman to master")
    assert first.lists["author_display"] == ["Andrew Hunt", "David Thomas"]
    assert (first.fields["publisher"], first.fields["place"], first.fields["year"]) == \
        ("Addison-Wesley", "Reading, Mass", "2000")
    assert (first.fields["isbn"], first.fields["call_number"]) == ("978-0-201-61622-4", "005.1")
    assert (first.fields["subject"], first.fields["language"]) == ("Computer programming", "eng")
    second = ds.records[1]
    assert (second.fields["edition"], second.fields["year"]) == ("2nd ed.", "2001")
    assert [r.row for r in ds.records] == list(range(1, 21))


def test_real_marc8_diacritics(realdata):
    ds = real(realdata, "pymarc_marc8.dat")
    [rec] = ds.records
    assert (ds.encoding, rec.fields["title"], rec.fields["call_number"]) == \
        ("marc-8", "Escape from loneliness", "BF575.L7 T68 1962")
    assert rec.lists["subject"] == ["Loneliness", "Self", "Social psychology", "Social Isolation"]
    flagged = real(realdata, "pymarc_utf8_with_leader_flag.dat")
    assert flagged.encoding == "utf-8"
    assert flagged.records[0].fields == rec.fields  # the same record, UTF-8 and MARC-8


def test_real_diacritic_utf8(realdata):
    [rec] = real(realdata, "pymarc_diacritic.dat").records
    assert rec.fields["title"].startswith("Amateur media: ")
    assert rec.fields["isbn"] == "978-0-415-78265-4"  # 020 $a "9780415782654 (hardback)"
    assert rec.fields["classification"] == "302.231"
    assert "Internet -- Law and legislation" in rec.lists["subject"]


def test_real_cp1251_russian(realdata):
    ds = real(realdata, "pymarc_1251.dat")
    assert ds.encoding == "cp1251" and len(ds.records) == 6
    assert [w.code for w in ds.warnings] == ["encoding"] and "cp1251" in ds.warnings[0].message
    first = ds.records[0]
    assert first.fields["title"].startswith("Основы гидравлического расчета инженерных сетей: ")
    assert first.lists["author_display"] == ["Татьяна Николаевна Ильина"]
    assert first.fields["subject"] == "Трубопроводы -- Гидравлический расчет"
    assert first.fields["language"] == "rus"


def test_real_unimarc(realdata):
    ds = real(realdata, "pymarc_testunimarc.dat")
    [rec] = ds.records
    assert [w.code for w in ds.warnings] == ["unimarc"]
    assert (rec.fields["title"], rec.lists["author"], rec.fields["publisher"],
            rec.fields["place"], rec.fields["year"], rec.fields["isbn"]) == \
        ("L'altra faccia della spirale", ["Asimov, Isaac"], "A. Mondadori", "Milano", "1996",
         "978-88-04-40682-2")
    assert (rec.fields["series"], rec.fields["language"]) == ("Bestsellers ; 641", "ita")


def test_real_bad_records_are_named_and_skipped(realdata):
    ds = real(realdata, "pymarc_bad_records.mrc")
    assert [r.row for r in ds.records] == [1]  # record 8 is the same book: merged into record 1
    assert titles(ds) == ["The pragmatic programmer: from journeyman to master"]
    skipped = [(w.code, w.location.row) for w in ds.warnings]
    assert skipped == [("record-skipped", n) for n in range(2, 8)]
    assert all("(byte " in w.message and w.hint for w in ds.warnings)


def test_real_damaged_subfield_code(realdata):
    [rec] = real(realdata, "pymarc_utf8_invalid.mrc").records
    assert rec.fields["publisher"] == "Association of Teacher Educators"
    assert rec.fields["place"] == "Washington, D.C."
    assert [w.code for w in rec.warnings] == ["marc-subfield"]


def test_real_multi_isbn_and_series(realdata):
    [rec] = real(realdata, "pymarc_multi_isbn.dat").records
    assert rec.fields["isbn"] == "978-0-914378-28-0"
    assert rec.fields["series"] == "Her Waste ; pt. 1"


def test_real_marcxml(realdata):
    ds = real(realdata, "pymarc_batch.xml")
    assert titles(ds) == ["The Great Ray Charles", "The White House"]
    assert [r.fields["year"] for r in ds.records] == ["1957", "1994"]
    [zen] = real(realdata, "pymarc_utf8.xml").records
    assert (zen.fields["title"], zen.fields["publisher"], zen.line) == \
        ("Zen Classics", "Virgin Classics", 2)
    assert len(real(realdata, "pymarc_test.dat").records) == 10


def test_real_check_and_batch_agree(realdata, tmp_path):
    path = realdata / "marc" / "pymarc_bad_records.mrc"
    runner = CliRunner()
    checked = runner.invoke(main, ["check", "new-book", str(path)], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output
    for n in range(2, 8):
        assert f"row {n}: record {n} (byte " in checked.output
    out = tmp_path / "out"
    batch = runner.invoke(main, ["batch", "new-book", str(path), "--out", str(out)],
                          catch_exceptions=False)
    assert batch.exit_code == 0, batch.output
    for n in range(2, 8):
        assert f"row {n}: record {n} (byte " in batch.output
    assert len(list(out.glob("*.png"))) == 1  # record 8 repeats record 1


def test_marcxml_record_with_a_bad_leader_is_kept_and_one_without_a_tag_skipped(tmp_path):
    text = ("<collection>\n"
            + XML_RECORD.format(ns="", id="1", title="Laskar").replace(
                "00000nam a2200000 a 4500", "00000nam")
            + "<record><datafield><subfield code='a'>x</subfield></datafield></record>\n"
            + XML_RECORD.format(ns="", id="3", title="Edensor") + "</collection>")
    ds = read_marc(write(tmp_path, text, "katalog.xml"))
    assert [(r.row, r.fields["title"]) for r in ds.records] == [(1, "Laskar: sebuah novel"), (3, "Edensor: sebuah novel")]
    assert [w.code for w in ds.records[0].warnings] == ["marc-leader"]
    [skipped] = ds.warnings
    assert (skipped.code, skipped.location.row, skipped.location.line) == ("record-skipped", 2, 12)
    assert "no tag" in skipped.message
