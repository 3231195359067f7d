"""Spreadsheets as data: .xlsx/.xlsm (openpyxl), .xls (xlrd), web-page tables saved as .xls.

Real case files (../shared/realdata/cases/spreadsheets, C50-C52) and workbooks
built here with openpyxl and xlwt (C53 formulas, number formats, damaged and
password-protected files).  Records are found by title or by their sheet row,
which is what the user's spreadsheet shows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from libmedia.cli import main
from libmedia.errors import DataError
from libmedia.sources import read_records, registry
from libmedia.sources.cells import Cell, cell_text, format_number
from libmedia.sources.htmltable import HTML_TABLE
from libmedia.sources.xls import XLS
from libmedia.sources.xlsx import XLSX

C50A = "spreadsheets/C50a_event_dates_serials_1900.xlsx"
C50B = "spreadsheets/C50b_event_dates_serials_mac_1904.xlsx"
C51 = "spreadsheets/C51_isbn_and_years_stored_as_numbers.xlsx"
C52 = "spreadsheets/C52_layout_title_rows_merged_header_hidden_rows.xlsx"


def by_title(ds):
    return {r.fields["title"]: r for r in ds.records}


def codes(diags):
    return [d.code for d in diags]


def workbook(path: Path, rows, title="Buku", formats=None, epoch_1904=False) -> Path:
    """A one-sheet workbook; ``formats`` maps "B2" -> number format."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    if epoch_1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.save(path)
    return path


def patch(path: Path, member: str, edit) -> Path:
    """Rewrite one member of a ZIP (workbook) with ``edit(text) -> text``."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == member:
                data = edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info, data)
    return path


# ---------------------------------------------------------------------------
# real cases


def test_c50_both_date_systems_give_the_same_dates_and_times(cases):
    a, b = read_records(cases / C50A), read_records(cases / C50B)
    assert a.reader == b.reader == "xlsx"
    got = [{k: r.fields[k] for k in ("title", "date", "time", "end_time")} for r in a.records]
    assert got == [{k: r.fields[k] for k in ("title", "date", "time", "end_time")}
                   for r in b.records]
    rows = {r.row: r.fields for r in a.records}
    assert sorted(rows) == [2, 3, 4, 5, 6, 7, 8]  # the sheet's own rows, header on row 1
    assert (rows[2]["date"], rows[2]["time"], rows[2]["end_time"]) == ("2027-03-06", "09:00", "11:00")
    assert rows[4]["date"] == "2027-03-20 13:30"  # a date+time cell keeps both
    assert (rows[7]["date"], rows[7]["time"]) == ("2027-04-08", "19:30")  # h:mm AM/PM
    assert rows[8]["date"] == "2027-04-17"  # a serial in a General cell of the date column
    assert (rows[5]["date"], rows[5]["time"]) == ("27/03/2027", "08.00")  # text stays text
    assert not any(r.warnings for r in a.records + b.records)


def test_c50_event_check_and_batch_agree_for_both_date_systems(cases, tmp_path):
    runner = CliRunner()
    captions = []
    for name in (C50A, C50B):
        check = runner.invoke(main, ["check", "event", str(cases / name)])
        assert check.exit_code == 0, check.output
        assert "no problems: all 7 records are ready" in check.output
        out = tmp_path / Path(name).stem
        batch = runner.invoke(main, ["batch", "event", str(cases / name), "--out", str(out),
                                     "--jobs", "1"])
        assert batch.exit_code == 0, batch.output
        captions.append({p.name: p.read_text() for p in sorted(out.glob("*.caption.txt"))})
    assert captions[0] == captions[1] and len(captions[0]) == 7
    [kuis] = [text for name, text in captions[0].items() if "kuis-literasi-keluarga" in name]
    assert "Sabtu, 17 April 2027" in kuis


def test_c51_isbns_and_years_stored_as_numbers(cases):
    ds = read_records(cases / C51)
    books = by_title(ds)
    assert books["Senja di Pelabuhan Kecil"].fields["isbn"] == "978-602-03-1458-7"  # General
    assert books["Kamus Saku Bahasa Inggris"].fields["isbn10"] == "0-19-431573-8"  # 0000000000
    assert books["Hikayat Pulau Seribu Kisah"].fields["isbn"] == "978-623-7201-15-1"  # text
    assert books["Sejarah Kota Melati"].fields["isbn"] == "978-979-026-755-8"  # #,##0
    assert books["Cerita Rakyat Kalimantan"].fields["isbn10"] == "979-463-278-3"
    assert [r.fields["year"] for r in ds.records] == ["2021", "2019", "2020", "2022", "2018", "2003"]
    assert books["Senja di Pelabuhan Kecil"].fields["eksemplar"] == "2"
    rounded = books["Resep Masakan Nusantara"]
    assert rounded.fields["isbn"] == "" and rounded.row == 5
    (w,) = rounded.warnings
    assert w.code == "isbn" and "9786020000000 was rounded by Excel" in w.message
    assert "9.78602E+12" in w.message
    assert str(w.location).endswith("sheet 'Koleksi', row 5, field 'ISBN'")
    assert "column E (ISBN)" in w.message
    for r in ds.records:
        assert r.raw["Tahun"] == r.fields["year"]  # never "2021.0"


def test_c52_right_sheet_header_and_rows(cases):
    ds = read_records(cases / C52)
    assert ds.columns == ["Judul", "Pengarang", "Penerbit", "Tahun", "ISBN", "Keterangan"]
    assert [r.row for r in ds.records] == [6, 7, 9, 12, 13]
    assert [r.fields["title"] for r in ds.records] == [
        "Senja di Pelabuhan Kecil", "Kamus Istilah Perpustakaan",  # rich text runs joined
        "Sejarah Kota Melati Jilid 2", "Hikayat Pulau Seribu Kisah", "Cerita Rakyat Kalimantan"]
    assert by_title(ds)["Cerita Rakyat Kalimantan"].fields["isbn"] == "978-979-463-278-9"
    assert codes(ds.warnings) == ["sheet", "preamble", "hidden-row"]
    sheet_note, preamble, hidden = ds.warnings
    assert "'Petunjuk' (no table)" in sheet_note.message and "'Arsip 2025' (hidden)" in \
        sheet_note.message
    assert preamble.location.row == 5 and "rows 1-4" in preamble.message
    assert hidden.location.row == 8 and hidden.location.sheet == "Koleksi Baru"
    assert "Buku yang Ditarik dari Koleksi" in hidden.message
    # only the rich-text title typed on two lines is noted (a title is one line)
    assert [w.code for r in ds.records for w in r.warnings] == ["line-break"]


def test_c52_sheet_option_reads_a_hidden_sheet_by_name_or_number(cases):
    archive = read_records(cases / C52, sheet="arsip 2025")
    assert [r.fields["title"] for r in archive.records] == ["Buku Lama yang Sudah Diposting"]
    assert read_records(cases / C52, sheet="2").records[0].row == 2
    with pytest.raises(DataError) as err:
        read_records(cases / C52, sheet="Koleksi")
    assert err.value.message == "the workbook has no sheet 'Koleksi'"
    assert "'Petunjuk', 'Arsip 2025' (hidden), 'Koleksi Baru'" in err.value.hint
    notes = read_records(cases / C52, sheet="1")  # the instructions: a "Judul" line, no books
    assert notes.records == [] and codes(notes.warnings) == ["preamble", "no-records"]
    assert read_records(cases / C52, sheet=" ").records[0].row == 6  # blank: as if not given


def test_c52_check_and_batch_agree(cases, tmp_path):
    runner = CliRunner()
    check = runner.invoke(main, ["check", "new-book", str(cases / C52)])
    assert check.exit_code == 0, check.output
    assert "5 records" in check.output and "row 8 is hidden" in check.output
    out = tmp_path / "out"
    batch = runner.invoke(main, ["batch", "new-book", str(cases / C52), "--out", str(out),
                                 "--jobs", "1"])
    assert batch.exit_code == 0, batch.output
    manifest = json.loads((out / "manifest.json").read_text())
    posts = manifest.get("posts") or manifest.get("records")
    assert sorted(p["row"] for p in posts) == [6, 7, 9, 12, 13]


# ---------------------------------------------------------------------------
# C53: formulas


def _formula_book(tmp_path: Path) -> Path:
    return workbook(tmp_path / "rumus.xlsx", [
        ["Judul", "Pengarang", "ISBN", "Tahun"],
        ['="Laskar"&" Pelangi"', "Andrea Hirata", "=NA()", "=2000+5"],
        ["Bumi", "Tere Liye", "9786020332956", 2014],
    ])


def test_c53_formula_without_a_saved_result_is_never_printed(tmp_path):
    ds = read_records(_formula_book(tmp_path))  # openpyxl saves formulas without results
    first = ds.records[0]
    assert first.row == 2
    assert (first.fields["title"], first.fields["isbn"], first.fields["year"]) == ("", "", "")
    found = [w for w in first.warnings if w.code == "formula-not-calculated"]
    assert len(found) == 3
    assert 'column A (Judul) has the formula ="Laskar"&" Pelangi" but no saved result' in \
        found[0].message
    assert "open the file in Excel or LibreOffice Calc and save it" in found[0].message
    assert found[0].location.sheet == "Buku" and found[0].location.row == 2
    assert found[0].location.field == "Judul"  # check reports it on field 'title'
    assert found[0].location.line is None  # a sheet has rows, not lines
    assert ds.records[1].fields["title"] == "Bumi" and not ds.records[1].warnings


def test_c53_placeholder_zero_of_a_workbook_to_recalculate_is_not_a_value(tmp_path):
    path = patch(_formula_book(tmp_path), "xl/worksheets/sheet1.xml",
                 lambda x: x.replace("<v />", "<v>0</v>"))  # what xlsxwriter saves
    first = read_records(path).records[0]
    assert first.fields["title"] == "" and first.fields["year"] == ""
    found = [w for w in first.warnings if w.code == "formula-not-calculated"]
    assert len(found) == 3 and "only a placeholder result (0)" in found[2].message


def test_c53_saved_results_are_used_and_a_saved_error_is_named(tmp_path):
    def saved(xml: str) -> str:
        xml = xml.replace('<c r="A2"><f>"Laskar"&amp;" Pelangi"</f><v />',
                          '<c r="A2" t="str"><f>"Laskar"&amp;" Pelangi"</f><v>Laskar Pelangi</v>')
        xml = xml.replace('<c r="C2"><f>NA()</f><v />', '<c r="C2" t="e"><f>NA()</f><v>#N/A</v>')
        return xml.replace("<f>2000+5</f><v />", "<f>2000+5</f><v>2005</v>")

    path = patch(_formula_book(tmp_path), "xl/worksheets/sheet1.xml", saved)
    patch(path, "xl/workbook.xml", lambda x: x.replace(' fullCalcOnLoad="1"', ""))  # Excel's save
    first = read_records(path).records[0]
    assert (first.fields["title"], first.fields["year"], first.fields["isbn"]) == (
        "Laskar Pelangi", "2005", "")
    (w,) = first.warnings
    assert w.code == "formula-error"
    assert w.message.startswith("column C (ISBN) holds the error value #N/A (formula =NA())")


# ---------------------------------------------------------------------------
# cells as the sheet shows them


@pytest.mark.parametrize("value, fmt, shown", [
    (2021.0, "General", "2021"),
    (2021, "0", "2021"),
    (194315738, "0000000000", "0194315738"),
    (9789790267558, "#,##0", "9789790267558"),
    (12.5, "General", "12.5"),
    (0.1 + 0.2, "General", "0.3"),
    (15000, "0.00", "15000.00"),
    (0.125, "0.0%", "12.5%"),
    (7, '"No. "000', "007"),
    (-3, "000", "-003"),
    (9786020314587, "0.00E+00", "9786020314587"),
    (1234.5, "#,##0.00;[Red]-#,##0.00", "1234.50"),
])
def test_numbers_as_the_format_shows_their_digits(value, fmt, shown):
    assert format_number(value, fmt) == shown


def test_cells_of_every_kind(tmp_path):
    path = workbook(tmp_path / "k.xlsx", [
        ["Judul", "Tanggal", "Jam", "ISBN", "Tersedia", "No Panggil", "Tanggal Masuk"],
        ["A", dt.datetime(2024, 8, 17), dt.time(9, 30), "'9786020332956", True, 297.2, 45521],
        ["B", 45521, 0.75, 9786020332956, False, "813.54 HIR l", dt.datetime(2024, 8, 17, 14, 5)],
        ["C", "17 Agustus 2024", "09.00 WIB", 97860203329561234, None, None, None],
    ], formats={"B2": "dd/mm/yyyy", "C2": "h:mm", "G3": "d/m/yyyy h:mm"})
    rows = {r.row: r.fields for r in read_records(path).records}
    assert (rows[2]["date"], rows[2]["time"], rows[2]["tersedia"]) == ("2024-08-17", "09:30", "TRUE")
    assert rows[2]["call_number"] == "297.2" and rows[2]["date_added"] == "2024-08-17"
    assert (rows[3]["date"], rows[3]["time"]) == ("2024-08-17", "18:00")  # General serials
    assert rows[3]["isbn"] == "978-602-03-3295-6" and rows[3]["date_added"] == "2024-08-17 14:05"
    assert (rows[4]["date"], rows[4]["time"]) == ("17 Agustus 2024", "09.00 WIB")
    assert rows[4]["isbn"] == ""
    (w,) = read_records(path).records[2].warnings
    assert "more than 15 digits" in w.message


def test_mac_1904_workbook_reads_the_same_dates(tmp_path):
    rows = [["Kegiatan", "Tanggal", "Jam Mulai"], ["Bedah buku", dt.date(2027, 3, 6), dt.time(9)]]
    for epoch in (False, True):
        path = workbook(tmp_path / f"e{epoch}.xlsx", rows, formats={"B2": "dd/mm/yyyy"},
                        epoch_1904=epoch)
        (rec,) = read_records(path).records
        assert (rec.fields["date"], rec.fields["time"]) == ("2027-03-06", "09:00")
    # a bare serial in a General cell is counted from the workbook's own day 0
    serial = (dt.date(2027, 3, 6) - dt.date(1904, 1, 1)).days
    path = workbook(tmp_path / "g.xlsx", [["Kegiatan", "Tanggal"], ["x", serial]], epoch_1904=True)
    assert read_records(path).records[0].fields["date"] == "2027-03-06"


def test_error_cell_is_blank_with_a_problem():
    shown = cell_text(Cell(None, error="#REF!"), "title", dt.datetime(1899, 12, 30), "column A")
    assert shown.text == "" and shown.problem[0] == "error-value"
    assert "#REF!" in shown.problem[1]


# ---------------------------------------------------------------------------
# sheets, headers, rows


def test_first_sheet_with_a_table_and_row_numbers_of_the_sheet(tmp_path):
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Cara Mengisi"
    notes.append(["Isi satu baris per buku"])
    notes.append(["Judul wajib diisi"])
    empty = wb.create_sheet("Kosong")
    del empty
    books = wb.create_sheet("Data")
    books.append(["Laporan Koleksi 2027"])
    books.append([])
    books.append([None, "Judul", "Pengarang"])  # the table starts in column B
    books.append([None, "Bumi", "Tere Liye"])
    books.append([])
    books.append([None, "Hujan", "Tere Liye", "extra"])
    books.append([None, "Pulang"])
    books.merge_cells("C4:C5")  # a merged cell reaching into a blank row: still blank
    books.merge_cells("C6:C7")  # one author merged over two books
    path = tmp_path / "w.xlsm"
    wb.save(path)
    ds = read_records(path)
    assert ds.reader == "xlsx" and ds.columns == ["Judul", "Pengarang"]
    assert [(r.row, r.fields["title"], r.fields["author"]) for r in ds.records] == [
        (4, "Bumi", "Tere Liye"), (6, "Hujan", "Tere Liye"), (7, "Pulang", "Tere Liye")]
    assert "extra-values" in codes(ds.records[1].warnings)
    assert "'Cara Mengisi' (no table)" in ds.warnings[0].message
    assert "'Kosong' (empty)" in ds.warnings[0].message


def test_used_range_to_the_last_row_is_not_walked(tmp_path, cases):
    path = workbook(tmp_path / "big.xlsx", [["Judul"], ["Bumi"]])
    patch(path, "xl/worksheets/sheet1.xml", lambda x: x.replace(
        "</sheetData>", '<row r="1048576"><c r="A1048576" s="0"/></row></sheetData>').replace(
        '<dimension ref="A1:A2"', '<dimension ref="A1:A1048576"'))
    ds = read_records(path)
    assert [(r.row, r.fields["title"]) for r in ds.records] == [(2, "Bumi")]


def test_sheet_option_on_a_csv_is_a_clear_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("judul\nBumi\n")
    with pytest.raises(DataError) as err:
        read_records(path, sheet="Buku")
    assert "--sheet cannot be used with this file" in err.value.message
    assert "CSV or TSV text" in err.value.message


def test_cli_sheet_option(cases, tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["check", "new-book", str(cases / C52), "--sheet", "Arsip 2025"])
    assert res.exit_code == 0, res.output
    assert "1 record" in res.output
    res = runner.invoke(main, ["check", "new-book", str(cases / C52), "--sheet", "Nope"])
    assert res.exit_code == 2 and "the workbook has no sheet 'Nope'" in res.output
    out = tmp_path / "one.png"
    res = runner.invoke(main, ["render", "new-book", str(cases / C52), "--sheet", "3",
                               "--row", "9", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists()


# ---------------------------------------------------------------------------
# .xls (BIFF) workbooks


def _xls(path: Path, dates_1904: bool = False) -> Path:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    wb.dates_1904 = dates_1904
    wb.add_sheet("Petunjuk").write(0, 0, "Isi satu baris per judul")
    ws = wb.add_sheet("Buku")
    for c, h in enumerate(["Judul", "Pengarang", "Tahun", "ISBN", "Tanggal Masuk"]):
        ws.write(0, c, h)
    ws.write(1, 0, "Laskar Pelangi")
    ws.write(1, 1, "Andrea Hirata")
    ws.write(1, 2, 2005.0)
    ws.write(1, 3, 9789793062792)
    ws.write(1, 4, dt.date(2024, 8, 17), xlwt.easyxf(num_format_str="dd/mm/yyyy"))
    ws.write(2, 0, "Kamus")
    ws.write(2, 3, 194315738, xlwt.easyxf(num_format_str="0000000000"))
    ws.write(3, 0, "Ditarik")
    ws.row(3).hidden = True
    ws.write_merge(4, 4, 0, 1, "Judul yang digabung")
    wb.save(str(path))
    return path


@pytest.mark.parametrize("dates_1904", [False, True])
def test_xls_workbook(tmp_path, dates_1904):
    ds = read_records(_xls(tmp_path / "koleksi.xls", dates_1904))
    assert ds.reader == "xls"
    rows = {r.row: r.fields for r in ds.records}
    assert sorted(rows) == [2, 3, 5]
    assert (rows[2]["year"], rows[2]["isbn"], rows[2]["date_added"]) == (
        "2005", "978-979-3062-79-2", "2024-08-17")
    assert rows[3]["isbn10"] == "0-19-431573-8"
    assert rows[5]["title"] == "Judul yang digabung"
    assert codes(ds.warnings) == ["sheet", "hidden-row"]
    assert ds.warnings[1].location.row == 4


def test_xls_sniff_claims_workbooks_not_other_office_files(tmp_path):
    data = _xls(tmp_path / "k.xls").read_bytes()
    assert XLS.sniff(Path("k.dat"), data[:65536]) == 1.0
    assert registry.choose(tmp_path / "k.xlsx", data[:65536]) is XLS
    word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 200
    assert XLS.sniff(Path("a.doc"), word) == 0.0


def test_password_protected_workbook(tmp_path):
    # Excel saves an encrypted .xlsx as an OLE2 file holding an EncryptedPackage stream
    data = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
            + b"\0" * 50 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1000)
    path = tmp_path / "rahasia.xlsx"
    path.write_bytes(data)
    with pytest.raises(DataError) as err:
        read_records(path)
    assert "protected with a password" in err.value.message
    assert "remove the password" in err.value.hint
    assert err.value.location.file.endswith("rahasia.xlsx")


@pytest.mark.parametrize("members", [
    {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"},
    {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook><sheets>"},
])
def test_damaged_workbook(tmp_path, members):
    path = tmp_path / "rusak.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    with pytest.raises(DataError) as err:
        read_records(path)
    assert "damaged" in err.value.message or "no sheets" in err.value.message
    assert "LibreOffice" in err.value.hint


def test_truncated_xlsx(tmp_path):
    data = workbook(tmp_path / "a.xlsx", [["Judul"], ["Bumi"]]).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert registry.choose(path, path.read_bytes()) is XLSX
    with pytest.raises(DataError) as err:
        read_records(path)
    assert "damaged" in err.value.message


def test_excel_2003_xml_is_refused_with_advice(tmp_path):
    xml = tmp_path / "k.xls"
    xml.write_text('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                   '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>')
    with pytest.raises(DataError) as err:
        read_records(xml)
    assert "an Excel 2003 XML spreadsheet" in err.value.message
    assert "save it as an Excel workbook (.xlsx)" in err.value.hint


# ---------------------------------------------------------------------------
# .ods (OpenDocument) spreadsheets

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')


def ods(path: Path, tables: str, null_date: str = "1899-12-30", manifest: str = "") -> Path:
    """A minimal .ods (the mimetype first and stored, as the format wants)."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}>'
               '<office:automatic-styles><style:style style:name="ta2" style:family="table">'
               '<style:table-properties table:display="false"/></style:style>'
               '</office:automatic-styles><office:body><office:spreadsheet>'
               f'<table:calculation-settings><table:null-date table:date-value="{null_date}"/>'
               f'</table:calculation-settings>{tables}</office:spreadsheet></office:body>'
               '</office:document-content>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest or "<manifest:manifest/>")
    return path


def _c(text: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("__", ":").replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f"<table:table-cell{extra}><text:p>{text}</text:p></table:table-cell>"


def _row(*cells: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("__", ":").replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f"<table:table-row{extra}>{''.join(cells)}</table:table-row>"


def _ods_book(tmp_path: Path, null_date: str = "1899-12-30") -> Path:
    serial = (dt.date(2027, 3, 6) - dt.date.fromisoformat(null_date)).days
    books = (
        '<table:table table:name="Petunjuk"><table:table-row>'
        + _c("Isi satu baris per judul") + "</table:table-row></table:table>"
        '<table:table table:name="Lama" table:style-name="ta2">'
        + _row(_c("Judul"), _c("Pengarang")) + _row(_c("Lama"), _c("X")) + "</table:table>"
        '<table:table table:name="Koleksi">'
        + _row(_c("DAFTAR KOLEKSI BARU", table__number_columns_spanned="4"),
               '<table:covered-table-cell table:number-columns-repeated="3"/>')
        + _row(_c("Judul"), _c("Pengarang"), _c("Tahun"), _c("ISBN"), _c("Tanggal Masuk"),
               _c("Harga"))
        + _row(_c("Senja <text:span>di</text:span><text:s text:c=\"2\"/>Pelabuhan"),
               _c("Rina Kartika"),
               _c("2021", office__value_type="float", office__value="2021"),
               _c("9.78602E+12", office__value_type="float", office__value="9786020314587"),
               _c("06/03/27", office__value_type="date", office__date_value="2027-03-06"),
               _c("15000.50", office__value_type="float", office__value="15000.5"))
        + _row(_c("Kamus"), _c("Tim"), _c("2019", office__value_type="float", office__value="2019"),
               _c("0194315738", office__value_type="float", office__value="194315738"),
               _c(str(serial), office__value_type="float", office__value=str(serial)))
        + _row(_c("Ditarik"), _c("Anonim"), table__visibility="filter")
        + '<table:table-row table:number-rows-repeated="3"><table:table-cell '
          'table:number-columns-repeated="1024"/></table:table-row>'
        + _row(_c("Rumus", table__formula="of:=[.A1]"), _c("#N/A", table__formula="of:=NA()",
                                                          office__value_type="string",
                                                          calcext__value_type="error"))
        + '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
          'table:number-columns-repeated="1024"/></table:table-row>'
        + "</table:table>")
    return ods(tmp_path / "koleksi.ods", books, null_date)


@pytest.mark.parametrize("null_date", ["1899-12-30", "1904-01-01"])
def test_ods_spreadsheet(tmp_path, null_date):
    ds = read_records(_ods_book(tmp_path, null_date))
    assert ds.reader == "ods"
    assert ds.columns == ["Judul", "Pengarang", "Tahun", "ISBN", "Tanggal Masuk", "Harga"]
    rows = {r.row: r for r in ds.records}
    assert sorted(rows) == [3, 4]  # the sheet's rows; hidden row 5 and blank 6-8 skipped
    first = rows[3].fields
    assert first["title"] == "Senja di  Pelabuhan"
    assert (first["year"], first["isbn"], first["date_added"], first["price"]) == (
        "2021", "978-602-03-1458-7", "2027-03-06", "15000.50")
    assert rows[4].fields["isbn10"] == "0-19-431573-8"  # the zero the sheet shows is kept
    assert rows[4].fields["date_added"] == "2027-03-06"  # a serial from the null date
    # row 9 holds only a formula with no result and an error: no record, two warnings
    assert codes(ds.warnings) == ["sheet", "preamble", "hidden-row", "formula-not-calculated",
                                  "formula-error"]
    assert [w.location.row for w in ds.warnings[3:]] == [9, 9]
    assert "so it is not a record" in ds.warnings[4].message
    assert "'Lama' (hidden)" in ds.warnings[0].message
    assert read_records(tmp_path / "koleksi.ods", sheet="Lama").records[0].fields["title"] == \
        "Lama"


def test_ods_password_protected_or_damaged(tmp_path):
    path = ods(tmp_path / "rahasia.ods", "", manifest="<manifest:manifest><manifest:file-entry>"
               "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>")
    with pytest.raises(DataError) as err:
        read_records(path)
    assert "protected with a password" in err.value.message
    bad = tmp_path / "rusak.ods"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content>")
    with pytest.raises(DataError) as err:
        read_records(bad)
    assert "damaged" in err.value.message and "LibreOffice Calc" in err.value.hint


# ---------------------------------------------------------------------------
# web pages saved as .xls


SLIMS_HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<style>td { mso-number-format:"\\@"; }</style></head><body>
<h3>Laporan Koleksi</h3>
<table border="1">
<tr><th colspan="3">Daftar Judul Baru</th></tr>
<tr><th>Judul</th><th>Pengarang</th><th>ISBN/ISSN</th></tr>
<tr><td>Caf&eacute; di Ujung Jalan</td><td>Rina&nbsp;Kartika</td><td>9786020314587</td></tr>
<tr style="display:none"><td>Disembunyikan</td><td>X</td><td></td></tr>
<tr><td>Sejarah Kota<br>Jilid 2</td><td rowspan="2">Agus Prasetyo</td><td>0194315738</td></tr>
<tr><td>Jilid 3</td><td></td></tr>
</table></body></html>"""


def test_html_table_saved_as_xls(tmp_path):
    path = tmp_path / "laporan.xls"
    path.write_bytes(SLIMS_HTML.encode("cp1252"))
    ds = read_records(path)
    assert ds.reader == "html-table"
    assert ds.columns == ["Judul", "Pengarang", "ISBN/ISSN"]
    rows = {r.row: r for r in ds.records}
    assert sorted(rows) == [3, 5, 6]
    assert rows[3].fields["title"] == "Café di Ujung Jalan"
    assert rows[3].fields["author"] == "Rina Kartika"
    assert rows[3].fields["isbn"] == "978-602-03-1458-7"
    assert rows[5].fields["title"] == "Sejarah Kota Jilid 2"  # a title is one line
    assert rows[5].fields["isbn10"] == "0-19-431573-8"  # text: the leading zero is kept
    assert rows[6].fields["author"] == "Agus Prasetyo"  # rowspan
    assert codes(ds.warnings) == ["preamble", "hidden-row"]


def test_html_sniff_keeps_csv_csv(tmp_path):
    head = SLIMS_HTML.encode()
    assert HTML_TABLE.sniff(Path("a.xls"), head) == 1.0
    assert HTML_TABLE.sniff(Path("a.csv"), head) == 0.0
    page = tmp_path / "a.csv"
    page.write_text(SLIMS_HTML)
    with pytest.raises(DataError, match="web page"):
        read_records(page)
    csv = tmp_path / "b.xls"  # a tab-separated "xls", another web-app habit
    csv.write_text("judul\tpengarang\nBumi\tTere Liye\n")
    assert read_records(csv).reader == "csv"


def test_html_without_a_table(tmp_path):
    path = tmp_path / "kosong.xls"
    path.write_text("<html><body><table></table><p>Tidak ada data</p></body></html>")
    with pytest.raises(DataError, match="holds no table"):
        read_records(path)


def test_locations_name_the_sheet():
    from libmedia.diagnostics import Location

    assert str(Location(file="a.xlsx", row=7, field="ISBN", sheet="Buku")) == \
        "a.xlsx, sheet 'Buku', row 7, field 'ISBN'"
    assert re.search(r"sheet 'Buku'", str(Location(file="a.xlsx", sheet="Buku")))


def test_c53_check_blames_the_data_and_says_how_to_fix_it(tmp_path):
    path = _formula_book(tmp_path)
    res = CliRunner().invoke(main, ["check", "new-book", str(path)])
    assert res.exit_code == 1, res.output  # the title is empty: that record will not be made
    assert "row 2, field 'title': required field 'title' is empty" in res.output
    assert ("row 2, field 'title' (column \"Judul\"): column A (Judul) has the formula "
            '="Laskar"&" Pelangi" but no saved result') in res.output
    assert "open the file in Excel or LibreOffice Calc and save it" in res.output


def test_html_data_table_inside_a_layout_table(tmp_path):
    page = ("<html><body><table><tr><td><img src='logo.png'> INLISLite</td></tr><tr><td>"
            "<table><tr><th>Judul</th><th>Pengarang</th></tr>"
            "<tr><td>Bumi</td><td>Tere Liye</td></tr>"
            "<tr><td>Hujan<br/>(cetak ulang)</td><td>Tere Liye</td></tr></table>"
            "</td></tr></table>")  # the page ends inside the layout table
    path = tmp_path / "inlis.xls"
    path.write_text(page)
    ds = read_records(path)
    assert [(r.row, r.fields["title"]) for r in ds.records] == [
        (2, "Bumi"), (3, "Hujan (cetak ulang)")]
    assert ds.warnings[0].code == "sheet" and "'table 1' (no table)" in ds.warnings[0].message
