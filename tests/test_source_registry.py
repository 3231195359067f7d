"""Tests for the Source protocol and the registry (libmedia.sources.base,
.registry, .sniff): a reader is picked by content, then by extension, and a
file no reader takes gets an error naming it and the formats libmedia reads.

A tiny fake second source is registered for some tests and unregistered
after each (fixture ``fake``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from libmedia.errors import DataError
from libmedia.sources import DataSet, read_records, registry
from libmedia.sources.base import CERTAIN, LIKELY, NOT_MINE, POSSIBLE, Source, confidence
from libmedia.sources.csvfile import CSV
from libmedia.sources.normalize import Row, normalize
from libmedia.sources.sniff import describe
from libmedia.sources.tomlfile import TOML

CSV_FORMATS = "libmedia reads: " + registry.formats_read()  # the registered readers, no fake


class FakeSource:
    """Reads ``FAKE1`` files: a signature line, then ``key=value`` lines, one
    record per blank-line-separated block.  ``text_confidence`` is what it
    claims for other text (0 = nothing)."""

    name = "fake"
    label = "Fake records"
    extensions = (".fake",)
    media_types = ("application/x-fake",)

    def __init__(self, text_confidence: float | bool = NOT_MINE):
        self.text_confidence = text_confidence
        self.options: list[dict] = []

    def sniff(self, path: Path, head: bytes) -> float | bool:
        return CERTAIN if head.startswith(b"FAKE1\n") else self.text_confidence

    def read(self, path: Path, **options) -> DataSet:
        self.options.append(options)
        text = path.read_text(encoding="utf-8")
        blocks = [b for b in text.split("\n\n") if b.strip()]
        blocks[0] = blocks[0].removeprefix("FAKE1\n")
        rows = [Row(n, n, dict(line.split("=", 1) for line in block.splitlines()))
                for n, block in enumerate(blocks, start=1)]
        table = normalize(path, None, rows)
        return DataSet(path=path, records=table.records, columns=table.headers,
                       mapping=table.plan.mapping, encoding="utf-8", delimiter="",
                       reader=self.name)


@pytest.fixture
def fake():
    source = FakeSource()
    registry.register(source)
    try:
        yield source
    finally:
        registry.unregister(source)
    assert source not in registry.SOURCES


def write(tmp_path: Path, data: bytes | str, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


FAKE_FILE = "FAKE1\njudul=Laskar Pelangi\npengarang=Andrea Hirata\n\njudul=Bumi\n"


def test_both_sources_meet_the_protocol(fake):
    assert isinstance(CSV, Source) and isinstance(fake, Source)
    assert all(isinstance(s, Source) for s in registry.SOURCES)
    assert registry.SOURCES[:2] == [CSV, TOML] and registry.SOURCES[-1] is fake


def test_a_registered_source_reads_its_files_through_the_normaliser(tmp_path, fake):
    ds = read_records(write(tmp_path, FAKE_FILE, "week.fake"))
    assert ds.reader == "fake"
    assert [r.fields["title"] for r in ds.records] == ["Laskar Pelangi", "Bumi"]
    assert ds.records[0].lists["author"] == ["Andrea Hirata"]
    assert ds.records[1].fields["author"] == ""  # a key missing from a dict row is blank
    assert ds.mapping == {"judul": "title", "pengarang": "author"}


def test_content_decides_before_the_extension(tmp_path, fake):
    # a FAKE1 file saved as .csv is still read by its own source
    assert read_records(write(tmp_path, FAKE_FILE, "week.csv")).reader == "fake"
    # a CSV saved as .fake (or .xlsx) is read as CSV: the fake source says "not mine"
    for name in ("list.fake", "list.xlsx"):
        ds = read_records(write(tmp_path, "judul;pengarang\nBumi;Tere Liye\n", name))
        assert (ds.reader, ds.delimiter, ds.records[0].fields["title"]) == ("csv", ";", "Bumi")


def test_the_extension_breaks_a_tie_then_registry_order(tmp_path):
    source = FakeSource(text_confidence=POSSIBLE)  # claims any text as weakly as CSV does
    registry.register(source)
    try:
        one_column = "judul\nBumi\n"  # CSV sniffs POSSIBLE: no separator
        assert CSV.sniff(Path("x"), one_column.encode()) == POSSIBLE
        with pytest.raises(ValueError):  # the fake reader cannot parse it: proof it was chosen
            read_records(write(tmp_path, one_column, "a.fake"))
        assert read_records(write(tmp_path, one_column, "a.csv")).reader == "csv"
        assert read_records(write(tmp_path, one_column, "a.dat")).reader == "csv"
        # a delimited file: CSV is LIKELY, more than the fake's POSSIBLE, whatever the name
        assert read_records(write(tmp_path, "judul,pengarang\nBumi,Tere\n", "b.fake")).reader == "csv"
    finally:
        registry.unregister(source)


def test_options_reach_the_chosen_source(tmp_path, fake):
    read_records(write(tmp_path, FAKE_FILE, "week.fake"), sheet="Buku")
    assert fake.options == [{"sheet": "Buku"}]
    with pytest.raises(DataError, match="--sheet cannot be used with this file"):
        read_records(write(tmp_path, "title\nA\n", "a.csv"), sheet="Buku")
    with pytest.raises(TypeError, match="takes no options"):  # called directly
        CSV.read(write(tmp_path, "title\nA\n", "a.csv"), sheet="Buku")


def test_unregistered_source_is_gone_and_its_files_are_refused(tmp_path):
    source = FakeSource()
    registry.register(source)
    path = write(tmp_path, FAKE_FILE.replace("FAKE1\n", "FAKE1\n" + "\x00\x01\x02\x03" * 8), "week.fake")
    assert read_records(path).reader == "fake"
    with pytest.raises(ValueError, match="registered already"):
        registry.register(FakeSource())
    registry.unregister(source)
    with pytest.raises(DataError) as err:
        read_records(path)  # binary bytes: the CSV source refuses them
    assert "binary file" in err.value.message and CSV_FORMATS in err.value.hint
    assert "Fake records" not in err.value.hint


def test_the_error_lists_every_registered_format(tmp_path, fake):
    with pytest.raises(DataError) as err:
        read_records(write(tmp_path, b"%PDF-1.7\n", "list.pdf"))
    assert err.value.hint.endswith(CSV_FORMATS + "; Fake records (.fake)")
    assert "libmedia reads: CSV or TSV text (.csv, .tsv, .txt); TOML text (.toml); " in \
        err.value.hint


def _zip(tmp_path: Path, members: dict[str, str]) -> bytes:
    path = tmp_path / "z.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return path.read_bytes()


def test_a_workbook_named_csv_is_still_read_as_one(tmp_path):
    # content decides: an .ods (or .xlsx) saved under a .csv name is read by its reader
    data = _zip(tmp_path, {"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                           "content.xml": "<office:document-content/>"})
    with pytest.raises(DataError) as err:  # this one is damaged: the .ods reader says so
        read_records(write(tmp_path, data, "koleksi.csv"))
    assert err.value.message.startswith("the spreadsheet is damaged and cannot be read")
    assert "LibreOffice Calc" in err.value.hint


def test_a_damaged_xlsx_is_named_as_one(tmp_path):
    data = _zip(tmp_path, {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    with pytest.raises(DataError) as err:
        read_records(write(tmp_path, data, "koleksi.xlsx"))
    assert err.value.message.startswith("the workbook is damaged and cannot be read")
    assert "LibreOffice" in err.value.hint


@pytest.mark.parametrize("name, data, what", [
    ("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
    ("export.zip", None, "a ZIP archive"),
    ("dump.csv", "-- MySQL dump 10.13\nCREATE TABLE biblio (id int);\n", "an SQL database dump"),
])
def test_other_formats_are_named_with_the_formats_read(tmp_path, name, data, what):
    data = _zip(tmp_path, {"notes.txt": "hello"}) if data is None else data
    with pytest.raises(DataError) as err:
        read_records(write(tmp_path, data, name))
    assert err.value.message == f"this is {what}, which libmedia cannot read"
    assert err.value.location.file.endswith(name)
    assert err.value.hint.endswith(CSV_FORMATS)


def test_empty_missing_and_folder_errors_come_before_sniffing(tmp_path):
    write(tmp_path, "title\nA\n", "buku_baru.csv")
    with pytest.raises(DataError) as err:
        read_records(tmp_path / "buku_baru .csv")
    assert err.value.message == "file not found" and "buku_baru.csv" in err.value.hint
    with pytest.raises(DataError, match="folder"):
        read_records(tmp_path)
    with pytest.raises(DataError, match="empty"):
        read_records(write(tmp_path, b"\xef\xbb\xbf\r\n", "blank.csv"))


def test_csv_sniff_confidence():
    path = Path("x.csv")
    assert CSV.sniff(path, b"title;author\nA;B\n") == LIKELY
    assert CSV.sniff(path, b"sep=;\ntitle\n") == LIKELY
    assert CSV.sniff(path, "title\tauthor\nA\tB\n".encode("utf-16")) == LIKELY
    assert CSV.sniff(path, b"title\nA\n") == POSSIBLE
    assert CSV.sniff(path, b"%PDF-1.7") == NOT_MINE
    assert CSV.sniff(path, b"BEGIN:VCALENDAR\r\n") == NOT_MINE
    # a head cut inside a quoted value or a character does not fool it
    head = ("title,author\n" + "A,B\n" * 5 + '"Bumi, jilid 2",Tere Liy').encode() + "é".encode()[:1]
    assert CSV.sniff(path, head) == LIKELY


def test_describe_leaves_text_data_alone():
    for head in (b"title,author\n", "judul;pengarang\nBuku \u00e9\n".encode("cp1252"),
                 b"[Judul],Pengarang\n", "title\n".encode("utf-16")):
        assert describe(head) is None, head


def test_confidence_accepts_bools_and_clamps():
    assert (confidence(True), confidence(False), confidence(3), confidence(-1)) == (1.0, 0.0, 1.0, 0.0)


# --- real data ------------------------------------------------------------------------------


def test_real_csv_files_are_all_chosen_as_csv(realdata):
    files = sorted(realdata.rglob("*.csv"))
    assert len(files) >= 25, files  # count guard: the loop must check something
    for path in files:
        head = path.read_bytes()[:65536]
        assert registry.choose(path, head) is CSV, path


@pytest.mark.parametrize("pattern, what", [
    ("*/original/*.sql", "an SQL database dump"),
])
def test_real_files_no_reader_takes_are_named(realdata, pattern, what):
    files = sorted(realdata.glob(pattern))
    assert len(files) >= 2, pattern
    for path in files:
        with pytest.raises(DataError) as err:
            read_records(path)
        assert err.value.message == f"this is {what}, which libmedia cannot read", path
        assert err.value.hint.endswith(CSV_FORMATS)


@pytest.mark.parametrize("source", registry.SOURCES, ids=lambda s: s.name)
def test_every_source_names_the_options_it_takes(source):
    """A source without ``read_options`` is handed every option, and a reader
    that takes none then fails outside libmedia's errors (--sheet on a JSON
    file was an internal error)."""
    assert isinstance(getattr(source, "read_options", None), tuple), source.name
    assert set(source.read_options) <= set(registry.OPTION_FLAGS)


def test_an_option_a_json_or_marc_file_does_not_take_is_refused(tmp_path):
    path = write(tmp_path, '[{"title": "Bumi"}]', "buku.json")
    with pytest.raises(DataError, match="--sheet cannot be used with this file"):
        read_records(path, sheet="Buku")
