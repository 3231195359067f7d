"""Tests for the CSV reader (libmedia.sources.csvfile and the modules it
chains: decode, csvrows, header, normalize), header aliases
(libmedia.sources.fields) and ISBN cleaning (libmedia.sources.isbn).

Tests named ``test_real_*`` read ../shared/realdata and skip where it is
absent; the others write tiny files to ``tmp_path`` and run everywhere.
"""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from stdnum import isbn as std_isbn

from libmedia.errors import DataError
from libmedia.sources import read_records
from libmedia.sources.csvfile import read_csv
from libmedia.sources.csvrows import detect_delimiter, split_lines
from libmedia.sources.decode import decode_bytes
from libmedia.sources.fields import (
    display_name,
    header_key,
    lookup_header,
    normalise_year,
    plan_columns,
    slugify,
)
from libmedia.sources.isbn import parse_isbn
from libmedia.sources.normalize import FTFY_CONFIG

CP1252_WARNING = "read as Windows-1252 (cp1252); save as 'CSV UTF-8' in Excel to avoid this"
SLIMS_COLUMNS = (
    "title,gmd_name,edition,isbn_issn,publisher_name,publish_year,collation,series_title,"
    "call_number,language_name,place_name,classification,notes,image,sor,authors,topics,item_code"
)


def write(tmp_path: Path, data: bytes | str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def codes(warnings) -> list[str]:
    return [w.code for w in warnings]


# --- encoding --------------------------------------------------------------------


def test_utf8_with_bom_is_read_without_warning(tmp_path):
    ds = read_csv(write(tmp_path, "\ufefftitle,author\nCafé,Ana\n"))
    assert ds.encoding == "utf-8-sig"
    assert ds.columns == ["title", "author"]
    assert ds.records[0].fields["title"] == "Café"
    assert ds.warnings == []


def test_utf16_le_with_bom_and_tabs(tmp_path):
    text = "\ufeffJudul\tPengarang\tTahun\r\nBumi Manusia\tPramoedya Ananta Toer\t1980\r\n東京物語\tX\t2001\r\n"
    ds = read_csv(write(tmp_path, text.encode("utf-16-le"), "unicode.txt"))
    assert (ds.encoding, ds.delimiter) == ("utf-16-le", "\t")
    assert [r.fields["title"] for r in ds.records] == ["Bumi Manusia", "東京物語"]
    assert ds.records[0].fields["author"] == "Pramoedya Ananta Toer"
    assert codes(ds.warnings) == ["encoding"]
    assert "UTF-16 LE" in ds.warnings[0].message


def test_utf16_be_with_bom(tmp_path):
    text = "\ufefftitle;author\nDéjà Dead;Kathy Reichs\n"
    ds = read_csv(write(tmp_path, text.encode("utf-16-be")))
    assert (ds.encoding, ds.delimiter) == ("utf-16-be", ";")
    assert ds.records[0].fields["title"] == "Déjà Dead"


def test_utf16_without_bom_is_recognised_by_nul_bytes(tmp_path):
    ds = read_csv(write(tmp_path, "title,author\nLaskar Pelangi,Andrea Hirata\n".encode("utf-16-le")))
    assert ds.encoding == "utf-16-le"
    assert ds.records[0].fields == {"title": "Laskar Pelangi", "author": "Andrea Hirata"}


def test_cp1252_not_misread_as_a_central_european_code_page(tmp_path):
    text = "title,publisher\r\nReader’s Guide – Déjà vu,Café Buku\r\nLes Misérables,Éditions\r\n"
    ds = read_csv(write(tmp_path, text.encode("cp1252")))
    assert ds.encoding == "cp1252"
    assert [r.fields["title"] for r in ds.records] == ["Reader’s Guide – Déjà vu", "Les Misérables"]
    assert [r.fields["publisher"] for r in ds.records] == ["Café Buku", "Éditions"]
    assert [w.message for w in ds.warnings] == [CP1252_WARNING]


def test_non_latin_legacy_encoding_is_taken_from_the_detector(tmp_path):
    text = "title,author\nВойна и мир,Лев Толстой\nАнна Каренина,Лев Толстой\n"
    ds = read_csv(write(tmp_path, text.encode("cp1251")))
    assert ds.encoding == "cp1251"
    assert ds.records[0].fields["title"] == "Война и мир"
    assert codes(ds.warnings) == ["encoding"]
    assert "cp1251" in ds.warnings[0].message


def test_decode_bytes_rejects_a_bom_contradicted_by_the_bytes():
    with pytest.raises(DataError, match="UTF-8 with BOM"):
        decode_bytes(b"\xef\xbb\xbftitle\n" + b"\xff\xfe\n" * 4)


def test_decode_bytes_reads_a_few_stray_bytes_after_a_bom_as_cp1252():
    decoded = decode_bytes(b"\xef\xbb\xbftitle\n\xff\xfe\n")
    assert (decoded.text, decoded.encoding) == ("title\nÿþ\n", "utf-8-sig")
    assert [(r.offset, r.byte, r.text) for r in decoded.repairs] == [(6, 0xFF, "ÿ"), (7, 0xFE, "þ")]


# --- mojibake ----------------------------------------------------------------------


def test_mojibake_repaired_with_a_warning_naming_the_field(tmp_path):
    ds = read_csv(write(tmp_path, "title,series\nPostgreSQL,DeveloperÃ¢â‚¬â„¢s library\n"))
    rec = ds.records[0]
    assert rec.fields["series"] == "Developer’s library"
    assert rec.raw["series"] == "DeveloperÃ¢â‚¬â„¢s library"
    assert codes(rec.warnings) == ["mojibake"]
    assert rec.warnings[0].location.field == "series"
    assert (rec.warnings[0].location.row, rec.warnings[0].location.line) == (2, 2)


@pytest.mark.parametrize("clean", [
    "L’Étranger",                      # curly quote kept (no uncurling)
    "Tom & Jerry",                     # (an HTML code is written out: test_cleaning)
    "ﬁction ＡＢＣ",                    # ligature and full-width kept
    "حوجن [Ḥawjan]",
    "美少女戦士セーラームーン",
    "Pramoedya’s Buru Quartet – Reader’s Guide",
])
def test_mojibake_repair_leaves_clean_text_alone(tmp_path, clean):
    ds = read_csv(write(tmp_path, f'title,author\n"{clean}",X\n'))
    assert ds.records[0].fields["title"] == clean
    assert ds.records[0].warnings == []


def test_ftfy_config_does_encoding_fixes_only():
    assert FTFY_CONFIG.fix_encoding and FTFY_CONFIG.normalization == "NFC"
    assert not (FTFY_CONFIG.uncurl_quotes or FTFY_CONFIG.unescape_html or FTFY_CONFIG.fix_line_breaks
                or FTFY_CONFIG.fix_latin_ligatures or FTFY_CONFIG.fix_character_width
                or FTFY_CONFIG.remove_control_chars or FTFY_CONFIG.restore_byte_a0)


# --- delimiter, line endings, quoting ----------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_detected_despite_other_separators_in_quoted_values(tmp_path, delimiter):
    rows = [["title", "author", "summary"],
            ["A, b; c", "Siever, Ellen; Love, Robert", "x|y\tz"],
            ["D", "E", "line one\nline two, three; four"]]
    lines = []
    for row in rows:
        lines.append(delimiter.join('"' + c + '"' if any(s in c for s in ",;|\t\n") else c for c in row))
    ds = read_csv(write(tmp_path, "\r\n".join(lines) + "\r\n"))
    assert ds.delimiter == delimiter
    assert ds.records[0].fields["title"] == "A, b; c"
    assert ds.records[1].fields["summary"] == "line one\nline two, three; four"


def test_delimiter_prefers_consistent_field_counts():
    text = "Judul;Harga\nA;92.500,50\nB;85.000\nC, d;1,5\n"
    assert detect_delimiter(split_lines(text)) == ";"


def test_one_column_file_defaults_to_comma(tmp_path):
    ds = read_csv(write(tmp_path, "title\nBumi Manusia\n"))
    assert ds.delimiter == ","
    assert ds.records[0].fields == {"title": "Bumi Manusia"}


def test_excel_sep_line_is_obeyed_and_counted(tmp_path):
    ds = read_csv(write(tmp_path, "sep=;\ntitle;author\nA, x;B\n"))
    assert ds.delimiter == ";"
    assert (ds.records[0].fields["title"], ds.records[0].line) == ("A, x", 3)


def test_bare_cr_records_with_quoted_line_break(tmp_path):
    ds = read_csv(write(tmp_path, b'title,author\r"A\rB",C\rD,E\r'))
    assert [r.raw["title"] for r in ds.records] == ["A\rB", "D"]
    # a title is one line: the break read from the file is set as a space
    assert [r.fields["title"] for r in ds.records] == ["A B", "D"]
    assert [(r.row, r.line) for r in ds.records] == [(2, 2), (3, 4)]


def test_line_numbers_count_lf_crlf_and_cr(tmp_path):
    data = b'title,summary\r\n"A","one\r\ntwo\nthree"\rB,x\nC,y\r\n'
    ds = read_csv(write(tmp_path, data))
    assert [(r.fields["title"], r.row, r.line) for r in ds.records] == [
        ("A", 2, 2), ("B", 3, 5), ("C", 4, 6)]
    assert ds.records[0].fields["summary"] == "one\ntwo\nthree"


def test_blank_rows_are_skipped_but_counted_like_a_spreadsheet(tmp_path):
    ds = read_csv(write(tmp_path, "\ntitle;author\n\nA;B\n;\nC;D\n"))
    assert [(r.fields["title"], r.row, r.line) for r in ds.records] == [("A", 4, 4), ("C", 6, 6)]


def test_literal_backslash_n_becomes_a_line_break_in_slims_exports_only(tmp_path):
    header = ",".join(f'"{c}"' for c in SLIMS_COLUMNS.split(",")) + ","  # export.php adds a sep
    slims = write(tmp_path, header + "\n" + ",".join(
        ['"T"', '"Text"'] + ['""'] * 10 + ['"one\\ntwo"', '"C:\\new\\x.jpg"'] + ['""'] * 4) + "\n",
        "slims.csv")
    ds = read_csv(slims)
    assert ds.columns == SLIMS_COLUMNS.split(",")
    rec = ds.records[0]
    assert rec.fields["summary"] == "one\ntwo"
    assert rec.fields["cover"] == "C:\\new\\x.jpg"
    other = read_csv(write(tmp_path, "title,notes\nT,one\\ntwo\n", "other.csv"))
    assert other.records[0].fields["summary"] == "one\\ntwo"


def test_unclosed_quote_loses_no_other_row(tmp_path):
    ds = read_csv(write(tmp_path, 'title,author\nA,B\n"C,D\nE,F\nG,H\n'))
    assert [r.fields["title"] for r in ds.records] == ["A", '"C', "E", "G"]
    assert [r.line for r in ds.records] == [2, 3, 4, 5]
    assert codes(ds.records[1].warnings) == ["unclosed-quote"]
    assert ds.records[2].warnings == [] and ds.records[3].warnings == []


def test_row_with_extra_values_is_kept_and_flagged(tmp_path):
    ds = read_csv(write(tmp_path, "title,author\nA,B,C,D\nE\n"))
    first, second = ds.records
    assert first.fields == {"title": "A", "author": "B"}
    assert (first.raw["column_3"], first.raw["column_4"]) == ("C", "D")
    assert codes(first.warnings) == ["extra-values"]
    assert first.warnings[0].location.row == 2
    assert second.fields == {"title": "E", "author": ""}
    assert second.warnings == []


# --- header ----------------------------------------------------------------------------


def test_header_less_slims_export_uses_the_slims_layout(tmp_path):
    row = ['"T"', '"Text"', '""', '"0735712573"'] + ['""'] * 11 + ['"<Douglas, Korry>"', '""', '"<B1>"']
    ds = read_csv(write(tmp_path, ",".join(row) + "\r"))
    assert ds.columns == SLIMS_COLUMNS.split(",")
    assert codes(ds.warnings) == ["no-header"]
    assert ds.warnings[0].message.startswith("no header row; read as SLiMS export layout")
    rec = ds.records[0]
    assert (rec.row, rec.line, rec.fields["title"], rec.fields["item_code"]) == (1, 1, "T", "B1")
    assert rec.lists["author_display"] == ["Korry Douglas"]


def test_header_less_other_file_is_an_error_listing_known_fields(tmp_path):
    path = write(tmp_path, "Bumi Manusia,Pramoedya Ananta Toer,1980\nCantik Itu Luka,Eka Kurniawan,2002\n")
    with pytest.raises(DataError) as err:
        read_csv(path)
    assert "no header row" in err.value.message
    assert err.value.location.file.endswith("data.csv")
    assert "add a header row" in err.value.hint
    assert "title (judul" in err.value.hint and "call_number" in err.value.hint


@pytest.mark.parametrize("header, field", [
    ("No. Panggil", "call_number"), ("no_panggil", "call_number"), ("Nomor Panggil", "call_number"),
    ("CALL NUMBER", "call_number"), ("callnumber", "call_number"), ("call_no", "call_number"),
    ("Judul", "title"), ("judul_buku", "title"), ("Anak Judul", "subtitle"), ("subjudul", "subtitle"),
    ("Pengarang ", "author"), ("nama_pengarang", "author"), ("penulis", "author"),
    ("Author(s)", "author"), ("creator", "author"), ("sor", "author"),
    ("publisher_name", "publisher"), ("Tahun Terbit", "year"), ("tahun_terbit", "year"),
    ("original_publication_year", "year"), ("isbn_issn", "isbn"), ("ISBN13", "isbn"),
    ("Sampul", "cover"), ("gambar", "cover"), ("image_url", "cover"), ("cover_image", "cover"),
    ("Topik", "subject"), ("subjects", "subject"), ("Sinopsis", "summary"), ("ringkasan", "summary"),
    ("abstrak", "summary"), ("notes", "summary"), ("catatan", "summary"), ("deskripsi", "summary"),
    ("Edisi", "edition"), ("series_title", "series"), ("seri", "series"),
    ("language_code", "language"), ("bahasa", "language"), ("Tempat Terbit", "place"),
    ("kota terbit", "place"), ("kolasi", "collation"), ("gmd_name", "gmd"),
    ("klasifikasi", "classification"), ("Kode Eksemplar", "item_code"), ("barcode", "item_code"),
    ("Tanggal Masuk", "date_added"), ("input_date", "date_added"), ("Harga", "price"),
    ("biblio_id", "id"), ("URL", "url"),
])
def test_header_aliases(header, field):
    hit = lookup_header(header)
    assert hit is not None and hit[0] == field


def test_header_key_ignores_case_space_and_punctuation():
    assert header_key(" No. Panggil ") == header_key("no_panggil") == header_key("NOPANGGIL") == "nopanggil"


def test_unknown_headers_stay_available_as_slugs(tmp_path):
    ds = read_csv(write(tmp_path, "Judul,Original Title,Harga (Rp),,Judul\nA,B,C,D,E\n"))
    rec = ds.records[0]
    assert rec.fields == {"title": "A", "original_title": "B", "harga_rp": "C", "column_4": "D"}
    assert ds.mapping == {"Judul": "title"}
    assert list(rec.raw) == ["Judul", "Original Title", "Harga (Rp)", "column_4", "Judul (5)"]


def test_slugify():
    assert slugify("Original Title") == "original_title"
    assert slugify("Tahun/Terbit (Édition)") == "tahun_terbit_edition"
    assert slugify("2nd ISBN") == "f_2nd_isbn"


def test_authors_beats_sor_whatever_the_column_order(tmp_path):
    ds = read_csv(write(tmp_path, 'title,sor,authors\nA,,"<Douglas, Korry><Douglas, Susan>"\n'
                                  'B,by Tim Penulis,\nC,by X,<Y>\n'))
    assert [r.fields["author"] for r in ds.records] == [
        "Douglas, Korry; Douglas, Susan", "by Tim Penulis", "Y"]
    assert plan_columns(["title", "sor", "authors"]).sources["author"] == [2, 1]


def test_kode_buku_is_a_call_number_only_without_a_better_column(tmp_path):
    only = read_csv(write(tmp_path, 'judul_buku,kode_buku\nA,"174,4"\n', "a.csv"))
    assert only.records[0].fields == {"title": "A", "call_number": "174,4"}
    both = read_csv(write(tmp_path, 'judul_buku,kode_buku,no_panggil\nA,"174,4",\n', "b.csv"))
    assert both.records[0].fields == {"title": "A", "kode_buku": "174,4", "call_number": ""}


# --- values ----------------------------------------------------------------------------


def test_values_are_text_trimmed_and_nfc(tmp_path):
    ds = read_csv(write(tmp_path, "title;isbn;price;id\n  Cafe\u0301 ;0764541668;85.000; 007 \n"))
    rec = ds.records[0]
    assert rec.fields["title"] == "Café" and len(rec.fields["title"]) == 4
    assert (rec.fields["price"], rec.fields["id"]) == ("85.000", "007")
    assert rec.raw["title"] == "  Cafe\u0301 "


def test_multi_values_split_into_lists(tmp_path):
    ds = read_csv(write(tmp_path, 'title,authors,subject\n"A; B","<Siever, Ellen><Love, Robert>","X; Y;"\n'))
    rec = ds.records[0]
    assert rec.fields["title"] == "A; B"
    assert rec.lists["author"] == ["Siever, Ellen", "Love, Robert"]
    assert rec.fields["author"] == "Siever, Ellen; Love, Robert"
    assert rec.lists["author_display"] == ["Ellen Siever", "Robert Love"]
    assert (rec.lists["subject"], rec.fields["subject"]) == (["X", "Y"], "X; Y")
    assert "title" not in rec.lists


@pytest.mark.parametrize("name, shown", [
    ("Siever, Ellen", "Ellen Siever"),
    ("Toer, Pramoedya Ananta", "Pramoedya Ananta Toer"),
    ("van Rossum, Guido", "Guido van Rossum"),
    ("Rowling, J.K.", "J.K. Rowling"),
    ("Dr. Elly M. Setiadi, M.Si", "Dr. Elly M. Setiadi, M.Si"),
    ("Setiadi, M.Si", "Setiadi, M.Si"),
    ("Guru, S.Pd", "Guru, S.Pd"),
    ("Harry S. Dent, Jr.", "Harry S. Dent, Jr."),
    ("SPENCER JOHNSON,M.D.", "SPENCER JOHNSON,M.D."),
    ("Nancy Kimelman, Ph.D.", "Nancy Kimelman, Ph.D."),
    ("J.K. Rowling, Mary GrandPré", "J.K. Rowling, Mary GrandPré"),
    # a heading's dates (MARC 100 $d) are not printed; the name is then flipped
    ("Toer, Pramoedya Ananta, 1925-2006", "Pramoedya Ananta Toer"),
    ("Hirata, 1967", "Hirata"),
    ("Andrea Hirata", "Andrea Hirata"),
])
def test_display_name(name, shown):
    assert display_name(name) == shown


def test_comma_separated_author_lists_are_not_inverted(tmp_path):
    ds = read_csv(write(tmp_path, 'title,authors\nA,"Plato, Desmond Lee"\nB,"George Orwell, Erich Fromm, Celâl Üster"\n'))
    # commas separate people in this table: one name each, so a byline can
    # say "Plato & Desmond Lee" and shorten a long list to "… et al."
    assert ds.records[0].lists["author_display"] == ["Plato", "Desmond Lee"]
    assert ds.records[1].lists["author_display"] == ["George Orwell", "Erich Fromm", "Celâl Üster"]


def test_a_real_list_of_translators_is_one_person_each_with_degrees_kept(realdata, tmp_path):
    """goodbooks' "Homer, Robert Fagles, E.V. Rieu, Frédéric Mugler, Bernard
    Knox" was one long byline cut with an ellipsis in every format; a degree
    after a comma stays with its name."""
    ds = read_csv(realdata / "books" / "goodbooks-10k_books_nonlatin_script.csv")
    odyssey = next(r for r in ds.records if r.fields["title"] == "The Odyssey")
    assert odyssey.lists["author_display"][:3] == ["Homer", "Robert Fagles", "E.V. Rieu"]
    ds = read_csv(write(tmp_path, 'title,authors\nA,"A B, C D, E F"\nB,"Dr. Elly M. Setiadi, M.Si"\n'))
    assert ds.records[1].lists["author_display"] == ["Dr. Elly M. Setiadi, M.Si"]


@pytest.mark.parametrize("raw, year", [
    ("2008.0", "2008"), ("-720.0", "-720"), ("0000-00-00", ""), ("0", ""), ("2005-03-01", "2005"),
    ("2005-03-01 10:22:00", "2005"), ("17/08/2024", "2024"), ("2005", "2005"), ("c2005", "c2005"),
    ("", ""),
])
def test_normalise_year(raw, year):
    assert normalise_year(raw) == year


# --- ISBN -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, isbn13, isbn10, issn", [
    ("0764541668", "978-0-7645-4166-7", "0-7645-4166-8", ""),
    ("0-596-00108-8", "978-0-596-00108-7", "0-596-00108-8", ""),
    ("978-979-29-1547-1", "978-979-29-1547-1", "979-29-1547-8", ""),
    ("ISBN 978-0-596-00108-7 (pbk.)", "978-0-596-00108-7", "0-596-00108-8", ""),
    ("439023483", "978-0-439-02348-1", "0-439-02348-3", ""),       # lost one leading zero
    ("439023483.0", "978-0-439-02348-1", "0-439-02348-3", ""),     # and read as a float
    ("043965548X", "978-0-439-65548-4", "0-439-65548-X", ""),
    ("9791032305690", "979-10-323-0569-0", "", ""),                # 979: no ISBN-10
    ("9792718486/978979271", "978-979-27-1848-5", "979-27-1848-6", ""),
    ("1978-6174", "", "", "1978-6174"),
    ("9.78043902348e+12", "", "", ""),
    ("9,78043902348E+12", "", "", ""),
    ("0764541669", "", "", ""),                                     # wrong check digit
    ("-", "", "", ""),
])
def test_parse_isbn(raw, isbn13, isbn10, issn):
    result = parse_isbn(raw)
    assert (result.isbn13, result.isbn10, result.issn) == (isbn13, isbn10, issn)


def test_parse_isbn_reports_what_it_dropped():
    assert "scientific notation" in parse_isbn("9.78043902348e+12").problems[0]
    assert "check digit" in parse_isbn("0764541669").problems[0]
    truncated = parse_isbn("9792718486/978979271")
    assert len(truncated.problems) == 1 and "'978979271'" in truncated.problems[0]
    assert parse_isbn("439023483").notes and not parse_isbn("0439023483").notes


def test_issn_in_the_isbn_column_survives_an_empty_issn_column(tmp_path):
    rec = read_csv(write(tmp_path, "title,isbn_issn,issn\nMajalah,1978-6174,\n")).records[0]
    assert (rec.fields["isbn"], rec.fields["issn"], rec.warnings) == ("", "1978-6174", [])


def test_isbn_taken_from_the_first_column_that_validates(tmp_path):
    ds = read_csv(write(tmp_path, "title,isbn,isbn13\nA,,9780439023481\nB,439023483,9.78043902348e+12\n"
                                  "C,12345,9.78043902348e+12\n"))
    a, b, c = ds.records
    assert (a.fields["isbn"], a.warnings) == ("978-0-439-02348-1", [])
    assert b.fields["isbn"] == "978-0-439-02348-1" and codes(b.warnings) == ["isbn-repaired"]
    assert (c.fields["isbn"], c.fields["isbn10"], c.fields["issn"]) == ("", "", "")
    assert codes(c.warnings) == ["isbn", "isbn"]
    assert [w.location.field for w in c.warnings] == ["isbn", "isbn13"]
    assert "raw value '9.78043902348e+12'" in c.warnings[1].message
    assert c.warnings[1].location.row == 4


# --- file errors --------------------------------------------------------------------------


def test_missing_file_names_it_and_lists_neighbours(tmp_path):
    write(tmp_path, "title\nA\n", "buku_baru.csv")
    with pytest.raises(DataError) as err:
        read_csv(tmp_path / "buku_baru .csv")
    assert err.value.message == "file not found"
    assert err.value.location.file.endswith("buku_baru .csv")
    assert "buku_baru.csv" in err.value.hint


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(DataError, match="folder"):
        read_csv(tmp_path)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n  \r\n", "\ufeff".encode("utf-16-le")])
def test_empty_file(tmp_path, data):
    with pytest.raises(DataError, match="empty"):
        read_csv(write(tmp_path, data))


def _xlsx_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return path.read_bytes()


@pytest.mark.parametrize("kind, data, expected", [
    ("xlsx", None, "Excel workbook"),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel workbook"),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100, "JPEG image"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    ("binary", b"title\n\x00\x01\x02\x03\x04\x05\x06\x07\x00\x00\x00\x01", "binary file"),
    ("sql", b"-- phpMyAdmin SQL Dump\nINSERT INTO `biblio` VALUES (1,'A');\n", "SQL database dump"),
])
def test_non_csv_files_are_named(tmp_path, kind, data, expected):
    data = _xlsx_bytes(tmp_path) if data is None else data
    with pytest.raises(DataError) as err:
        read_csv(write(tmp_path, data, f"catalogue.{kind}.csv"))
    assert expected in err.value.message
    assert err.value.location.file.endswith(f"catalogue.{kind}.csv")
    assert err.value.hint
    if kind == "xlsx":
        assert "CSV UTF-8" in err.value.hint


def test_header_only_file_has_no_records_and_says_so(tmp_path):
    ds = read_csv(write(tmp_path, "title,author\n"))
    assert ds.records == [] and codes(ds.warnings) == ["no-records"]


def test_read_records_uses_the_csv_reader(tmp_path):
    ds = read_records(str(write(tmp_path, "judul\nA\n")))
    assert ds.records[0].fields == {"title": "A"} and ds.base_dir == tmp_path


# --- real data ------------------------------------------------------------------------------


def test_real_c19_excel_indonesian_semicolon_bom_crlf(cases):
    ds = read_csv(cases / "C19_excel_id_semicolon_bom_crlf.csv")
    assert (ds.encoding, ds.delimiter) == ("utf-8-sig", ";")
    assert [(w.severity, w.code) for w in ds.warnings] == [("info", "multi-line-rows")]
    assert "row 3 (lines 3–4)" in ds.warnings[0].message
    assert ds.mapping == {
        "Judul": "title", "Pengarang": "author", "Penerbit": "publisher", "Tahun Terbit": "year",
        "ISBN": "isbn", "No. Panggil": "call_number", "Harga": "price",
        "Tanggal Masuk": "date_added", "Sinopsis": "summary"}
    got = [(r.row, r.line, r.fields["title"], r.fields["publisher"], r.fields["price"],
            r.fields["isbn"], r.fields["summary"]) for r in ds.records]
    assert got == [
        (2, 2, "Laskar Pelangi", "Bentang Pustaka", "85.000", "978-979-3062-79-2",
         "Kisah sepuluh anak Belitung; sekolah Muhammadiyah"),
        (3, 3, "Bumi Manusia", "Hasta Mitra", "120.000", "978-979-97312-3-4",
         "Roman pertama\ndari Tetralogi Buru"),
        (4, 5, "Ronggeng Dukuh Paruk", "Gramedia Pustaka Utama", "92.500,50", "", ""),
        (5, 6, "Cantik Itu Luka", "Kepustakaan Populer Gramedia", "", "",
         "Judul dan penerbit diawali/diakhiri spasi seperti di data asli"),
    ]
    assert ds.records[0].fields["call_number"] == "899.221 3 HIR l"
    assert ds.records[0].fields["date_added"] == "05/03/2024"
    assert all(r.warnings == [] for r in ds.records)


def test_real_c19b_slims_cr_no_header(cases):
    ds = read_csv(cases / "C19b_slims_export_cr_records_noheader.csv")
    assert (ds.encoding, ds.delimiter) == ("utf-8", ",")
    assert codes(ds.warnings) == ["no-header"]
    assert len(ds.records) == 15
    assert [r.line for r in ds.records] == list(range(1, 16))
    first = ds.records[0]
    assert first.fields["title"].startswith("PostgreSQL : a comprehensive guide")
    assert first.fields["series"] == "Developer’s library"
    assert first.lists["author"] == ["Douglas, Korry", "Douglas, Susan"]
    assert first.lists["author_display"] == ["Korry Douglas", "Susan Douglas"]
    assert first.lists["subject"] == ["Programming", "RDBMS"]
    assert (first.fields["item_code"], first.fields["cover"]) == ("B00002", "postgresql.jpg")
    assert (first.fields["isbn"], first.fields["year"]) == ("978-0-7357-1257-7", "2003")
    assert [(w.code, w.location.field) for w in first.warnings] == [("mojibake", "series_title")]
    repaired = {r.fields["series"] for r in ds.records if codes(r.warnings) == ["mojibake"]}
    assert repaired == {"Developer’s library", "Bruce Perens’ Open Source series"}


def test_real_c20_cp1252(cases):
    ds = read_csv(cases / "C20_excel_ansi_cp1252.csv")
    assert ds.encoding == "cp1252"
    assert [w.message for w in ds.warnings] == [CP1252_WARNING]
    assert [(r.fields["title"], r.fields["publisher"]) for r in ds.records] == [
        ("Pramoedya’s Buru Quartet – Reader’s Guide", "Café Buku"),
        ("Les Misérables", "Éditions Populaires"),
        ("Déjà Dead", "Scribner"),
    ]


def test_real_c23_headers(cases):
    ds = read_csv(cases / "C23_template_field_mismatch.csv")
    assert ds.columns == ["Judul", "Pengarang", "penerbit", "TAHUN", "Nomor Panggil", "Sampul"]
    assert list(ds.mapping.values()) == ["title", "author", "publisher", "year", "call_number", "cover"]
    assert ds.records[0].fields["cover"] == "bumi_manusia.jpg"


def test_real_c25_isbns_row_by_row(cases):
    ds = read_csv(cases / "C25_isbn_mangled.csv")
    got = [(r.fields["isbn"], r.fields["isbn10"], r.fields["issn"], r.fields["year"], codes(r.warnings))
           for r in ds.records]
    assert got == [
        ("978-0-439-02348-1", "0-439-02348-3", "", "2008", ["isbn-repaired"]),
        ("978-0-439-55493-0", "0-439-55493-4", "", "1997", ["isbn-repaired"]),
        ("978-0-439-65548-4", "0-439-65548-X", "", "1999", []),
        ("978-979-29-1547-1", "979-29-1547-8", "", "2010", []),
        ("978-979-27-1848-5", "979-27-1848-6", "", "2007", ["isbn"]),
        ("", "", "1978-6174", "2013", []),
    ]
    dropped = ds.records[4].warnings[0]
    assert (dropped.location.row, dropped.location.field) == (6, "isbn")
    assert "'978979271'" in dropped.message and "9792718486/978979271" in dropped.message


def test_real_slims_sample_biblio(realdata):
    ds = read_csv(realdata / "slims" / "slims_sample_biblio.csv")
    assert len(ds.records) == 15
    linux = ds.records[1]
    assert linux.fields["title"] == "Linux In a Nutshell"
    assert linux.lists["author"] == [
        "Siever, Ellen", "Love, Robert", "Robbins, Arnold", "Figgins, Stephen", "Weber, Aaron"]
    assert linux.lists["author_display"] == [
        "Ellen Siever", "Robert Love", "Arnold Robbins", "Stephen Figgins", "Aaron Weber"]
    assert linux.lists["subject"] == ["Operating System", "Linux", "Computer"]
    assert ds.records[3].fields["isbn"] == "978-0-596-00108-7"  # written 0-596-00108-8
    assert sum(codes(r.warnings).count("mojibake") for r in ds.records) == 2


def test_real_senayan_export_matches_the_normalised_csv(realdata):
    slims = realdata / "slims"
    export = read_csv(slims / "senayan_biblio_export_reconstructed.csv")
    plain = {r.fields["title"]: r for r in read_csv(slims / "slims_sample_biblio.csv").records}
    assert len(export.records) == 15 and export.warnings == []
    assert export.mapping["authors"] == "author" and export.mapping["sor"] == "author"
    for rec in export.records:
        ref = plain[rec.fields["title"]]
        for name in ("isbn", "publisher", "year", "call_number", "cover", "edition",
                     "series", "collation", "language", "place", "gmd", "author", "subject"):
            assert rec.fields[name] == ref.fields[name], (rec.fields["title"], name)
        assert rec.lists["author"] == ref.lists["author"]
        # the export writes a CRLF as two literal "\n": one blank line more
        assert rec.fields["summary"].replace("\n\n", "\n") == ref.fields["summary"]
        assert not any("\\n" in v for v in rec.fields.values())
    webapp = next(r for r in export.records if r.fields["title"].startswith("Web application"))
    assert "development.\n\nThis book uses" in webapp.fields["summary"]


def test_real_perpus_inventory(realdata):
    path = realdata / "indonesia" / "perpus_inventory_buku.csv"
    ds = read_csv(path)
    with path.open(encoding="utf-8", newline="") as f:
        expected = list(csv.DictReader(f))
    assert len(ds.records) == len(expected) == 444
    assert [r.fields["title"] for r in ds.records] == [e["judul_buku"].strip() for e in expected]
    assert [r.fields["call_number"] for r in ds.records] == [e["kode_buku"].strip() for e in expected]
    assert ds.mapping == {"id": "id", "kode_buku": "call_number", "judul_buku": "title",
                          "nama_pengarang": "author", "tahun_terbit": "year", "penerbit": "publisher"}
    assert {r.fields["year"] for r in ds.records} == {""}
    # the only warnings: three titles the source database cut at 100 characters, and a
    # trailing comma after a list of authors (removed)
    assert [(r.fields["author"], w.code) for r in ds.records for w in r.warnings
            if w.code != "cut-short"] == [("DEDI NORDIAWAN, ISWAHYUDI SONDI PUTRA", "isbd")]
    flagged = [r for r in ds.records if any(w.code == "cut-short" for w in r.warnings)]
    assert len(flagged) == 3
    assert all(len(r.fields["title"]) == 100 for r in flagged)
    setiadi = ds.records[1]
    assert setiadi.lists["author_display"] == ["Dr. Elly M. Setiadi, M.Si"]
    assert setiadi.fields["call_number"] == "300" and setiadi.fields["loker_buku"] == ""


def test_real_goodbooks_2000(realdata):
    ds = read_csv(realdata / "books" / "goodbooks-10k_books_first2000.csv")
    assert len(ds.records) == 2000
    first = ds.records[0]
    assert (first.fields["isbn"], first.fields["isbn10"], first.fields["year"]) == (
        "978-0-439-02348-1", "0-439-02348-3", "2008")
    assert first.fields["original_title"] == "The Hunger Games"
    with_isbn = [r.fields["isbn"] for r in ds.records if r.fields["isbn"]]
    assert len(with_isbn) == 1929
    assert all(std_isbn.is_valid(i) and len(std_isbn.compact(i)) == 13 for i in with_isbn)
    assert not any(r.fields["year"].endswith(".0") for r in ds.records)
    unrecoverable = [r for r in ds.records if not r.fields["isbn"] and r.raw["isbn13"]]
    assert all("isbn" in codes(r.warnings) for r in unrecoverable)
    assert ds.records[1].lists["author_display"] == ["J.K. Rowling", "Mary GrandPré"]


def test_real_mojibake_repair_touches_only_the_slims_values(realdata):
    repaired = Counter()
    for path in sorted(realdata.rglob("*.csv")):
        ds = read_csv(path)
        for rec in ds.records:
            for w in rec.warnings:
                if w.code == "mojibake":
                    repaired[(path.name, w.message.split("-> ")[1])] += 1
    assert repaired == Counter({
        (name, fixed): 1
        for name in ("C19b_slims_export_cr_records_noheader.csv",
                     "senayan_biblio_export_reconstructed.csv", "slims_sample_biblio.csv")
        for fixed in ("'Developer’s library'", "'Bruce Perens’ Open Source series'")
    })


def test_values_cut_at_a_database_width_are_flagged(tmp_path):
    cut = ("ENTERPRENEUR RADIKAL catatan inspiratif fan solusi-solusi taktis mengatasi "
           "tahapan-tahapan kritis da")
    assert len(cut) == 100
    p = tmp_path / "cut.csv"
    p.write_text(f"judul_buku,nama_pengarang\n{cut},A\nLaskar Pelangi,Andrea Hirata\n", encoding="utf-8")
    data = read_csv(p)
    codes = [[w.code for w in r.warnings] for r in data.records]
    assert codes == [["cut-short"], []]
    assert data.records[0].warnings[0].location.row == 2


@pytest.mark.parametrize("raw, clean", [
    ("Senja di Pelabuhan\x0bKecil", "Senja di Pelabuhan Kecil"),      # Word's Shift+Enter (VT)
    ("Gramedia\x1fbPustaka Utama", "Gramedia Pustaka Utama"),        # MARC subfield delimiter
    ("Sri Wahyuni\x1b[0m", "Sri Wahyuni"),                           # terminal escape sequence
    ("Atlas\x0cLengkap", "Atlas Lengkap"),                           # form feed from a PDF
    ("Buku \x07Baru\x7f", "Buku Baru"),                              # BEL, DEL
])
def test_control_characters_are_cleaned_with_a_warning(tmp_path, raw, clean):
    """Case C30 and its kind: a control character XML cannot hold never
    reaches the layout; the field says what was removed."""
    path = tmp_path / "c.csv"
    others = "".join(f"Buku biasa nomor {i},Pengarang {i}\n" for i in range(10))
    path.write_text(f"Judul,Pengarang\n{raw},A\n{others}", encoding="utf-8")
    ds = read_csv(path)
    assert [r.fields["title"] for r in ds.records][:2] == [clean, "Buku biasa nomor 0"]
    warned = [w for w in ds.records[0].warnings if w.code == "control-characters"]
    assert len(warned) == 1 and warned[0].location.field == "Judul"
    assert ds.records[1].warnings == []


def test_c30_check_and_batch_agree(cases, tmp_path):
    """Every C30 record renders, and check names the cleaned fields."""
    from libmedia.check import check_data
    from libmedia.run.coordinator import run_batch

    report = check_data("new-book", cases / "C30_control_characters.csv")
    assert report.records == 5 and report.count("error") == 0
    assert report.rows_with("warning") == [2, 3, 4, 5]
    batch = run_batch("new-book", cases / "C30_control_characters.csv", out_dir=tmp_path, jobs=1)
    assert [r.status for r in batch.results].count("failed") == 0
    assert len(batch.results) == 5
