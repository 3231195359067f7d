"""The ``libmedia`` command line: listings, ``render`` (sample, formats,
--row, -o, --dump), ``check``, error messages and exit codes.

Batch runs are in ``test_batch.py``.  Every test runs in ``tmp_path`` so
nothing is written into the checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from libmedia.cli import main


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke ``libmedia ARGS...`` in ``tmp_path``; returns the click Result."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIBMEDIA_DEBUG", raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def write_csv(folder: Path, text: str, name: str = "data.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def make_cover(path: Path, size=(400, 600)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (180, 40, 40)).save(path)


# --- listings ----------------------------------------------------------------------


def test_templates_lists_name_formats_and_required_fields(run):
    res = run("templates")
    assert res.exit_code == 0
    out = res.stdout
    assert "new-book" in out
    assert "instagram-portrait" in out and "instagram-story" in out
    assert "title*" in out and "author" in out
    assert "Announces one newly" in out


def test_formats_lists_sizes_aspects_and_sources(run):
    res = run("formats")
    assert res.exit_code == 0
    out = res.stdout
    for text in ("instagram-portrait", "1080x1350", "4:5", "1080x1920", "9:16", "x-post",
                 "1600x900", "Instagram Help Centre", "1.91:1"):
        assert text in out, text


def test_fonts_lists_families_licences_fallback_and_shaping(run):
    res = run("fonts")
    assert res.exit_code == 0
    out = res.stdout
    assert "Plus Jakarta Sans" in out and "OFL-Inter.txt" in out
    assert "PlusJakartaSans[wght].ttf" in out  # brackets are not eaten as markup
    assert "Inter -> Noto Sans Arabic" in out
    assert "text shaping:" in out


def test_version(run):
    res = run("--version")
    assert res.exit_code == 0 and "libmedia" in res.stdout


# --- render ------------------------------------------------------------------------


def test_render_sample_writes_portrait_png_caption_and_alt(run, tmp_path):
    res = run("render", "new-book")
    assert res.exit_code == 0, res.stderr
    image = tmp_path / "out" / "sample-laskar-pelangi.instagram-portrait.png"
    with Image.open(image) as im:
        assert im.format == "PNG" and im.size == (1080, 1350)
    caption = image.with_name("sample-laskar-pelangi.instagram-portrait.caption.txt")
    alt = image.with_name("sample-laskar-pelangi.instagram-portrait.alt.txt")
    assert "Laskar Pelangi" in caption.read_text(encoding="utf-8")
    assert alt.read_text(encoding="utf-8").strip()
    assert "wrote out/sample-laskar-pelangi.instagram-portrait.png" in res.stderr


def test_render_square_format_to_chosen_file(run, tmp_path):
    res = run("render", "new-book", "--format", "instagram-square", "-o", "posts/sq.png")
    assert res.exit_code == 0, res.stderr
    with Image.open(tmp_path / "posts" / "sq.png") as im:
        assert im.size == (1080, 1080)
    assert (tmp_path / "posts" / "sq.caption.txt").read_text(encoding="utf-8").strip()
    assert (tmp_path / "posts" / "sq.alt.txt").read_text(encoding="utf-8").strip()


def test_render_jpeg_output(run, tmp_path):
    res = run("render", "new-book", "-o", "post.jpg")
    assert res.exit_code == 0, res.stderr
    with Image.open(tmp_path / "post.jpg") as im:
        assert im.format == "JPEG" and im.size == (1080, 1350)


def test_render_rejects_an_unknown_image_extension(run, tmp_path):
    res = run("render", "new-book", "-o", "post.gif")
    assert res.exit_code == 2
    assert ".png or .jpg" in res.stderr
    assert not (tmp_path / "post.gif").exists()


def test_dump_markup_prints_the_markup_and_writes_nothing(run, tmp_path):
    res = run("render", "new-book", "--dump", "markup")
    assert res.exit_code == 0, res.stderr
    assert "<canvas" in res.stdout and "Laskar Pelangi" in res.stdout
    assert not (tmp_path / "out").exists()


def test_dump_document_is_an_indented_tree_with_attributes(run):
    res = run("render", "new-book", "--dump", "document")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("canvas background=#")
    assert any(ln.startswith("    ") and "text role=title" in ln for ln in lines)
    assert "'Laskar Pelangi'" in res.stdout


def test_dump_layout_shows_boxes_and_baselines(run):
    res = run("render", "new-book", "--dump", "layout")
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert out.startswith("page 1080x1350 px")
    assert "canvas box=0,0 1080x1350" in out
    assert "baseline=" in out and "'Laskar Pelangi'" in out


def test_dump_with_output_writes_the_image_too(run, tmp_path):
    res = run("render", "new-book", "--dump", "markup", "-o", "x.png")
    assert res.exit_code == 0, res.stderr
    assert "<canvas" in res.stdout
    assert (tmp_path / "x.png").is_file()


def test_render_a_data_row(run, tmp_path):
    data = write_csv(tmp_path / "d", "judul,pengarang\nPertama,A\nKedua,B\n")
    res = run("render", "new-book", data, "--row", "3")
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / "out" / "0003-kedua.instagram-portrait.png").is_file()
    # no cover column: a stand-in cover, said once for the file (not again for the row)
    assert "warning:" in res.stderr and "no column for the template's fields 'cover'" in res.stderr
    assert "no cover image given" not in res.stderr


def test_render_a_missing_row_is_exit_2(run, tmp_path):
    data = write_csv(tmp_path / "d", "judul\nPertama\n")
    res = run("render", "new-book", data, "--row", "9")
    assert res.exit_code == 2
    assert "error: the file has no record at row 9" in res.stderr
    assert "rows run from 2 to 2" in res.stderr


def test_render_a_record_that_fails_is_exit_1_without_files(run, tmp_path):
    data = write_csv(tmp_path / "d", "title,author\n,Nobody\n")
    res = run("render", "new-book", data)
    assert res.exit_code == 1
    assert "error: required field 'title' is empty" in res.stderr
    assert "row 2, field 'title'" in res.stderr
    assert "hint:" in res.stderr
    assert not (tmp_path / "out").exists()


def test_render_unknown_template_is_exit_2_without_traceback(run):
    res = run("render", "no-such-template")
    assert res.exit_code == 2
    assert res.stderr.startswith("error: no template 'no-such-template'")
    assert "new-book" in res.stderr  # the hint lists what exists
    assert "Traceback" not in res.stderr + res.stdout


def test_render_unknown_template_suggests_the_close_name(run):
    res = run("render", "new-boook")
    assert res.exit_code == 2
    assert "did you mean new-book?" in res.stderr


def test_render_notes_the_default_brand_once(run, tmp_path):
    res = run("render", "new-book", "--dump", "markup")
    assert res.exit_code == 0, res.stderr
    note = ('note: no libmedia.toml found beside the data or here; using the default brand '
            '("Perpustakaan Umum"). See README: Your library\'s look.')
    assert res.stderr.count(note) == 1
    assert "note:" not in res.stdout  # stdout is the dump alone
    (tmp_path / "libmedia.toml").write_text('[library]\nname = "Perpustakaan Kota"\n',
                                            encoding="utf-8")
    res = run("render", "new-book", "--dump", "markup")
    assert res.exit_code == 0, res.stderr
    assert "note:" not in res.stderr


def test_render_unknown_format_is_exit_2(run):
    res = run("render", "new-book", "--format", "pinterest-pin")
    assert res.exit_code == 2
    assert "unknown format 'pinterest-pin'" in res.stderr and "instagram-portrait" in res.stderr


def test_row_without_data_is_a_usage_error(run):
    res = run("render", "new-book", "--row", "2")
    assert res.exit_code == 2


def test_raqm_missing_prints_the_install_hint(run, monkeypatch):
    import libmedia.typography.fonts as fonts

    monkeypatch.setattr(fonts, "raqm_available", lambda: False)
    res = run("render", "new-book", "--dump", "markup")
    assert "text shaping is off" in res.stderr
    assert "sudo apt-get install libfribidi0" in res.stderr


def test_an_internal_error_is_a_short_message(run, monkeypatch):
    import libmedia.jobs as jobs

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(jobs, "open_template", boom)
    res = run("render", "new-book")
    assert res.exit_code == 2
    assert "internal error (RuntimeError: kaboom)" in res.stderr
    assert "bug in libmedia" in res.stderr
    assert "Traceback" not in res.stderr


# --- check -------------------------------------------------------------------------


def test_check_lists_every_problem_with_row_and_field(run, tmp_path):
    folder = tmp_path / "d"
    make_cover(folder / "covers" / "a.jpg")
    (folder / "broken.jpg").write_bytes(b"<html>not an image</html>")
    data = write_csv(folder, "Judul,Pengarang,Sampul,ISBN,Rak\n"
                             "Satu,A,a.jpg,9780596009304,1\n"
                             "Dua,B,hilang.jpg,,2\n"
                             ",C,a.jpg,,3\n"
                             "Empat,D,broken.jpg,12345,4\n"
                             "Lima,E,,,5\n")
    res = run("check", "new-book", data)
    assert res.exit_code == 1, res.stdout + res.stderr  # row 4 will not render
    out = res.stdout
    assert "encoding: utf-8" in out and "delimiter: comma" in out and "5 records" in out
    assert "Judul" in out and "-> title (required)" in out
    assert "Rak" in out and "not used by a field" in out
    assert "no column for optional field 'call_number': posts are made without it" in out
    assert "1 error (these records will not be rendered):" in out
    assert "4 warnings (the posts will still be made):" in out
    assert "warning: row 3, field 'cover': image 'hilang.jpg' not found" in out
    assert "error: row 4, field 'title': required field 'title' is empty" in out
    assert ("warning: row 5, field 'cover': broken.jpg is not an image: it is a web page "
            "(HTML)") in out  # what the batch says, found the same way
    assert "a typographic cover will be drawn instead" in out
    assert "row 5, field 'isbn" in out  # the reader's invalid-ISBN warning
    assert "warning: row 6, field 'cover': no cover image given" in out
    assert "1 of 5 records will not be rendered (row 4)" in out
    assert "problems (" not in out


def test_check_with_only_warnings_is_exit_0(run, tmp_path):
    """batch exits 0 for the same file, so check does too."""
    data = write_csv(tmp_path / "d", "title,cover\nSatu,hilang.jpg\nDua,\n")
    res = run("check", "new-book", data)
    assert res.exit_code == 0, res.stdout + res.stderr
    assert "2 warnings (the posts will still be made):" in res.stdout
    assert "error" not in res.stdout
    assert "all 2 records will be rendered; 2 with warnings (rows 2-3)" in res.stdout


def test_check_groups_alike_warnings_with_their_rows(run, tmp_path):
    rows = "".join(f"Buku {i},https://images.example/{i}.jpg\n" for i in range(1, 13))
    data = write_csv(tmp_path / "d", "title,cover\n" + rows + "Tiga Belas,\n")
    res = run("check", "new-book", data)
    assert res.exit_code == 0, res.stdout + res.stderr
    out = res.stdout
    lines = [ln for ln in out.splitlines() if "is a web address" in ln]
    assert len(lines) == 1, out
    assert lines[0].startswith("  warning: 12 rows (2-13), field 'cover': e.g. row 2: "
                               "the picture 'https://images.example/1.jpg' is a web address")
    assert out.count("hint: run with --fetch-covers") == 1
    assert "warning: row 14, field 'cover': no cover image given" in out


def test_check_names_field_and_column_without_nested_quotes(run, tmp_path):
    data = write_csv(tmp_path / "d", "title,isbn13\nSatu,9.78979233558e+12\n")
    res = run("check", "new-book", data)
    assert "field 'isbn' (column \"isbn13\")" in res.stdout, res.stdout
    assert "(column '" not in res.stdout


def test_check_lists_each_cover_folder_once(run, tmp_path):
    data = write_csv(tmp_path, "title,cover\nSatu,hilang.jpg\n")  # the data is in the working folder
    res = run("check", "new-book", data)
    assert "looked in '.', 'covers' (no such folder):" in res.stdout, res.stdout


def test_check_reports_a_brand_font_that_does_not_exist(run, tmp_path, bad_font_brand):
    data = write_csv(tmp_path / "d", "title\nSatu\n")
    res = run("check", "new-book", data, "--brand", bad_font_brand)
    assert res.exit_code == 2, res.stdout + res.stderr
    assert "no problems" not in res.stdout
    assert "unknown font family 'No Such Family Libmedia'" in res.stderr
    assert "brand/libmedia.toml, field 'type.title.family'" in res.stderr


def test_check_reports_a_template_that_cannot_render(run, tmp_path, broken_template):
    data = write_csv(tmp_path / "d", "title\nSatu\n")
    res = run("check", broken_template, data)
    assert res.exit_code == 2, res.stdout + res.stderr
    assert "cannot render its own sample post" in res.stderr
    assert "unknown type role 'lable'" in res.stderr
    assert "broken-template/layout.xml.j2:" in res.stderr


def test_row_ranges():
    from libmedia.check import row_ranges

    assert row_ranges([1, 2, 3, 7]) == "1-3, 7"
    assert row_ranges([5]) == "5"
    assert row_ranges([1, 2, 3, 4, 5, 8, 12, 14, 16], limit=3) == "1-5, 8, 12, …"


def test_check_clean_data_is_exit_0(run, tmp_path):
    folder = tmp_path / "d"
    make_cover(folder / "a.jpg")
    data = write_csv(folder, "title,author,cover\nSatu,A,a.jpg\n")
    res = run("check", "new-book", data)
    assert res.exit_code == 0, res.stdout
    assert "no problems" in res.stdout


def test_check_without_a_title_column_is_exit_2(run, tmp_path):
    data = write_csv(tmp_path, "Nama,Alamat\nBudi,Jl. Merdeka 1\n")
    res = run("check", "new-book", data)
    assert res.exit_code == 2
    assert "needs field 'title'" in res.stderr
    assert "Nama, Alamat" in res.stderr


def test_check_maps_indonesian_headers_of_c23(run, cases):
    res = run("check", "new-book", cases / "C23_template_field_mismatch.csv")
    assert res.exit_code in (0, 1), res.stderr
    assert "Judul" in res.stdout and "-> title (required)" in res.stdout
    assert "Nomor Panggil" in res.stdout and "-> call_number" in res.stdout


def test_check_unreadable_data_is_exit_2(run, tmp_path):
    res = run("check", "new-book", tmp_path / "nope.csv")
    assert res.exit_code == 2
    assert "error: file not found" in res.stderr


def test_render_format_all_is_refused(run):
    res = run("render", "new-book", "--format", "all")
    assert res.exit_code == 2
    assert "render makes one image" in res.stderr and "libmedia batch" in res.stderr


def test_check_says_a_file_without_covers_gets_stand_in_covers(run, tmp_path):
    data = write_csv(tmp_path, "Judul,Pengarang\nSatu,A\n")
    res = run("check", "new-book", data)
    assert "no column for optional field 'cover': each post gets a typographic stand-in cover" \
        in res.stdout
