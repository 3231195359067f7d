"""``libmedia batch``: names, manifest, statuses,
exit codes, atomic output, parallel rendering, and real catalogue exports.

Tests named ``test_real_*`` read ../shared/realdata and skip where it is
absent.  ``test_real_perpus_inventory_444_records`` renders 444 posts with
two processes (about 40 s on a 2-core machine).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from libmedia import jobs
from libmedia.cli import main
from libmedia.errors import DataError, ImageError
from libmedia.jobs import cover_search_dirs
from libmedia.lint import DRAWN_RULES, RULES
from libmedia.run.coordinator import run_batch
from libmedia.run.names import output_stem, title_slug
from libmedia.run.outputs import OutputFolder, read_manifest
from libmedia.run.schedule import default_jobs
from libmedia.run.single import output_paths, sidecar_paths
from libmedia.sources import read_records

#: Codes of the typography lint, which a post with a stand-in cover also gets.
TYPOGRAPHY = {*RULES, *DRAWN_RULES} - {"upscaled", "missing-glyph", "truncated", "safe-zone"}


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke ``libmedia ARGS...`` in ``tmp_path``; returns the click Result."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def make_cover(path: Path, size=(400, 600), color=(30, 90, 160)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)


@pytest.fixture
def tiny(tmp_path) -> Path:
    """Three records: one with a cover in covers/, one whose cover file is
    missing (placeholder + warning), one with an empty title (fails)."""
    folder = tmp_path / "data"
    make_cover(folder / "covers" / "kopi.jpg")
    path = folder / "koleksi.csv"
    path.write_text(
        "Judul,Pengarang,Sampul,No. Panggil\n"
        "Filosofi Kopi: Kumpulan Cerita,Dee Lestari,kopi.jpg,899.221 3 LES f\n"
        "Cantik Itu Luka,Eka Kurniawan,tidak-ada.jpg,899.221 3 KUR c\n"
        ",Tanpa Judul,kopi.jpg,000\n",
        encoding="utf-8")
    return path


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- names -------------------------------------------------------------------------


@pytest.mark.parametrize("title, slug", [
    ("Filosofi Kopi: Kumpulan Cerita dan Prosa Satu Dekade", "filosofi-kopi"),
    ("Cien años de soledad", "cien-anos-de-soledad"),
    ("PHP 5 for dummies", "php-5-for-dummies"),
    ("L'Étranger", "letranger"),
    ("Charlotte’s Web", "charlottes-web"),
    ("PENDEKAR-PENDEKAR BESI NUSANTARA kajian antropologi", "pendekar-pendekar-besi-nusantara"),
    ("الأيام", "lym"),  # transliterated (python-slugify, text-unidecode)
    ("三体", "san-ti"),
    ("🙂📚", ""),
    ("", ""),
])
def test_title_slug(title, slug):
    assert title_slug(title) == slug


def test_long_slug_is_cut_at_a_word_boundary():
    title = "The Politics of Welfare Contested Welfare Regimes in Comparative Perspective Today"
    slug = title_slug(title)
    assert len(slug) <= 50 and not slug.endswith("-")
    assert title.lower().replace(" ", "-").startswith(slug)
    assert slug == "the-politics-of-welfare-contested-welfare-regimes"


def test_output_names():
    assert output_stem(3, "Filosofi Kopi: Kumpulan Cerita") == "0003-filosofi-kopi"
    assert output_stem(7, "الأيام") == "0007-lym"
    assert output_stem(7, "三体") == "0007-san-ti"
    assert output_stem(7, "🙂") == "0007-record"
    assert output_stem(0, "Laskar Pelangi") == "sample-laskar-pelangi"
    assert output_stem(12345, "X") == "12345-x"
    p = output_paths(Path("out"), "0003-filosofi-kopi", "instagram-portrait", "png")
    assert p.image == Path("out/0003-filosofi-kopi.instagram-portrait.png")
    assert p.caption == Path("out/0003-filosofi-kopi.instagram-portrait.caption.txt")
    assert p.alt == Path("out/0003-filosofi-kopi.instagram-portrait.alt.txt")
    assert sidecar_paths(Path("a/post.jpg")).caption == Path("a/post.caption.txt")


def test_default_jobs():
    assert default_jobs(3) == 1
    assert 1 <= default_jobs(500) <= 4
    assert default_jobs(500) == min(4, os.cpu_count() or 1)


# --- one batch, every status -------------------------------------------------------


def test_batch_statuses_files_and_manifest(run, tiny, tmp_path):
    res = run("batch", "new-book", tiny, "--jobs", "1")
    assert res.exit_code == 1, res.stdout + res.stderr
    out = tmp_path / "out"
    m = manifest(out)
    assert [(r["row"], r["status"]) for r in m["records"]] == [
        (2, "ok"), (3, "warning"), (4, "failed")]
    assert m["summary"] == {"records": 3, "ok": 1, "warning": 1, "failed": 1,
                            "planned": 3, "complete": True}
    assert m["template"] == "new-book" and m["formats"] == ["instagram-portrait"]

    ok, warned, failed = m["records"]
    assert ok["title"] == "Filosofi Kopi: Kumpulan Cerita" and ok["warnings"] == []
    assert ok["outputs"] == {"instagram-portrait": {
        "image": "0002-filosofi-kopi.instagram-portrait.png",
        "caption": "0002-filosofi-kopi.instagram-portrait.caption.txt",
        "alt": "0002-filosofi-kopi.instagram-portrait.alt.txt"}}
    # the stand-in cover's findings of the typography lint follow (tests/test_lint_typography.py)
    assert [w["code"] for w in warned["warnings"] if w["code"] not in TYPOGRAPHY] == ["placeholder"]
    assert "tidak-ada.jpg" in warned["warnings"][0]["message"]
    assert warned["warnings"][0]["location"]["row"] == 3
    assert failed["outputs"] == {}
    err = failed["error"]
    assert err["code"] == "data"
    assert err["location"] == {"file": "data/koleksi.csv", "row": 4, "field": "title"}
    assert err["hint"]

    for rec in (ok, warned):
        files = rec["outputs"]["instagram-portrait"]
        with Image.open(out / files["image"]) as im:
            im.verify()
        with Image.open(out / files["image"]) as im:
            assert im.format == "PNG" and im.size == (1080, 1350)
        assert (out / files["caption"]).read_text(encoding="utf-8").strip()
        assert (out / files["alt"]).read_text(encoding="utf-8").strip()
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.endswith(".part") or n.startswith(".")]
    assert not [n for n in names if n.startswith("0004-")]
    assert len(names) == 7  # 2 records x 3 files + manifest

    # the human summary
    assert "2 of 3 records rendered" in res.stdout
    assert "1 with warnings, 1 failed" in res.stdout
    assert "row 4 (no title), field 'title': required field 'title' is empty" in res.stdout
    # the file-level warning about optional fields without a column, once
    assert res.stderr.count("no column for the template's fields") == 1


def test_jobs_2_gives_the_same_bytes_as_jobs_1(run, tiny, tmp_path):
    make_cover(tiny.parent / "covers" / "luka.jpg", (300, 460), (120, 20, 60))
    with open(tiny, "a", encoding="utf-8") as fh:
        fh.write("Bumi Manusia,Pramoedya Ananta Toer,luka.jpg,899.221 3 TOE b\n"
                 "الأيام,طه حسين,,892.7\n")
    r1 = run("batch", "new-book", tiny, "--format", "all", "--out", "one", "--jobs", "1")
    r2 = run("batch", "new-book", tiny, "--format", "all", "--out", "two", "--jobs", "2")
    assert r1.exit_code == r2.exit_code == 1
    one, two = files_of(tmp_path / "one"), files_of(tmp_path / "two")
    assert len(one) == 4 * 4 * 3 + 1  # 4 good records x 4 formats x 3 files + manifest
    assert "0006-lym.tiktok-photo.jpg" in one  # tiktok-photo: JPEG whatever --jpeg says
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name
    rows = [r["row"] for r in manifest(tmp_path / "two")["records"]]
    assert rows == [2, 3, 4, 5, 6]
    assert "0006-lym.instagram-story.png" in one


def test_rerun_refreshes_the_same_files(run, tiny, tmp_path):
    run("batch", "new-book", tiny, "--jobs", "1")
    first = files_of(tmp_path / "out")
    run("batch", "new-book", tiny, "--jobs", "1")
    assert files_of(tmp_path / "out") == first


def test_rerun_with_fewer_records_removes_the_previous_runs_posts(run, tiny, tmp_path):
    out = tmp_path / "out"
    res = run("batch", "new-book", tiny, "--jobs", "1")
    assert res.exit_code == 1 and "removed" not in res.stdout  # no previous manifest
    assert len(list(out.glob("000[23]-*"))) == 6
    (out / "notes.txt").write_text("the officer's own file", encoding="utf-8")
    (out / "0009-not-in-any-manifest.instagram-portrait.png").write_bytes(b"x")

    lines = tiny.read_text(encoding="utf-8").splitlines()
    tiny.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # only the first record
    res = run("batch", "new-book", tiny, "--jobs", "1")
    assert res.exit_code == 0, res.stdout + res.stderr
    assert not list(out.glob("0003-*"))  # last week's post is gone
    assert len(list(out.glob("0002-*"))) == 3
    assert (out / "notes.txt").is_file()  # never anything libmedia did not list
    assert (out / "0009-not-in-any-manifest.instagram-portrait.png").is_file()
    assert "removed 3 files (1 post) of the previous run" in res.stdout
    assert manifest(out)["summary"]["records"] == 1


def test_switching_to_jpeg_removes_the_previous_pngs(tiny, tmp_path):
    out = tmp_path / "out"
    run_batch("new-book", tiny, out_dir=out, jobs=1)
    rep = run_batch("new-book", tiny, out_dir=out, jobs=1, jpeg=True)
    assert sorted(p.name for p in rep.removed) == [
        "0002-filosofi-kopi.instagram-portrait.png", "0003-cantik-itu-luka.instagram-portrait.png"]
    assert not list(out.glob("*.png"))
    assert len(list(out.glob("*.jpg"))) == 2


def test_stale_files_stay_when_the_new_manifest_is_not_written(tiny, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_batch("new-book", tiny, out_dir=out, jobs=1)
    before = (out / "manifest.json").read_bytes()
    lines = tiny.read_text(encoding="utf-8").splitlines()
    tiny.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    from libmedia.run import outputs

    real_write = outputs.atomic_write_bytes

    def no_manifest(path, data):
        if Path(path).name == "manifest.json":
            raise OSError(28, "No space left on device", str(path))
        return real_write(path, data)

    monkeypatch.setattr(outputs, "atomic_write_bytes", no_manifest)
    rep = run_batch("new-book", tiny, out_dir=out, jobs=1)
    assert rep.stopped == "error" and "disk is full" in rep.error.message
    assert rep.removed == []
    assert len(list(out.glob("0003-*"))) == 3  # nothing removed
    assert (out / "manifest.json").read_bytes() == before


def test_a_previous_manifest_never_removes_other_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "0001-victim.instagram-portrait.png"
    victim.write_bytes(b"x")
    for name in ("notes.txt", "0002-keep.instagram-portrait.png"):
        (out / name).write_bytes(b"x")
    (out / "sub").mkdir()
    (out / "sub" / "0003-x.instagram-portrait.png").write_bytes(b"x")
    listed = {"../0001-victim.instagram-portrait.png", "notes.txt", "manifest.json",
              "sub/0003-x.instagram-portrait.png", "0004-gone.instagram-portrait.png"}
    (tmp_path / "outside.png").write_bytes(b"x")
    (out / "link.png").symlink_to(tmp_path / "outside.png")
    (out / "linkdir").symlink_to(tmp_path)
    listed |= {"link.png", "linkdir/outside.png", str(tmp_path / "outside.png"),
               "./notes.txt", ".libmedia.lock", "sub/../notes.txt"}
    folder = OutputFolder(out)
    removed, problems = folder.remove(listed - {"notes.txt", "sub/0003-x.instagram-portrait.png"})
    assert removed == [] and problems == []
    assert victim.is_file() and (out / "notes.txt").is_file()
    assert (tmp_path / "outside.png").is_file() and (out / "link.png").is_symlink()
    # what a manifest lists inside the folder is removed, of any type and in subfolders
    removed, _ = folder.remove({"notes.txt", "sub/0003-x.instagram-portrait.png"})
    assert [p.name for p in removed] == ["notes.txt", "0003-x.instagram-portrait.png"]
    assert read_manifest(out) is None  # no manifest
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    assert read_manifest(out) is None
    (out / "manifest.json").write_text('{"records": []}', encoding="utf-8")
    assert read_manifest(out) is None  # not libmedia's


def test_jpeg_output(run, tiny, tmp_path):
    res = run("batch", "new-book", tiny, "--jpeg", "--format", "instagram-square", "--jobs", "1")
    assert res.exit_code == 1
    with Image.open(tmp_path / "out" / "0002-filosofi-kopi.instagram-square.jpg") as im:
        assert im.format == "JPEG" and im.size == (1080, 1080)


def test_unexpected_exception_fails_one_record_only(tiny, tmp_path, monkeypatch):
    from libmedia.run import task

    real_render = task.render_pages

    def flaky(inp, kind):
        if inp.records[0].row == 3:
            raise ZeroDivisionError("division by zero")
        return real_render(inp, kind)

    monkeypatch.setattr(task, "render_pages", flaky)
    rep = run_batch("new-book", tiny, out_dir=tmp_path / "out", jobs=1)
    assert [r.status for r in rep.results] == ["ok", "failed", "failed"]
    err = rep.results[1].error
    assert err["code"] == "internal"
    assert "ZeroDivisionError" in err["message"] and "bug in libmedia" in err["message"]
    assert err["location"]["row"] == 3
    assert not list((tmp_path / "out").glob("0003-*"))


def test_progress_is_reported_per_record(tiny, tmp_path):
    seen = []
    run_batch("new-book", tiny, out_dir=tmp_path / "out", jobs=1,
              progress=lambda done, total, failed: seen.append((done, total, failed)))
    assert seen == [(0, 3, 0), (1, 3, 0), (2, 3, 0), (3, 3, 1)]


# --- exit 2: the run cannot start ----------------------------------------------------


def test_a_template_that_cannot_render_stops_before_any_record(run, tiny, tmp_path,
                                                                broken_template):
    res = run("batch", broken_template, tiny)
    assert res.exit_code == 2, res.stdout + res.stderr
    assert res.stderr.count("unknown type role 'lable'") == 1  # once, not once per record
    assert "cannot render its own sample post (instagram-portrait" in res.stderr
    assert "broken-template/layout.xml.j2:" in res.stderr
    assert not (tmp_path / "out").exists()


def test_a_brand_font_that_does_not_exist_stops_before_any_record(run, tiny, tmp_path,
                                                                   bad_font_brand):
    res = run("batch", "new-book", tiny, "--brand", bad_font_brand, "--format", "all")
    assert res.exit_code == 2, res.stdout + res.stderr
    assert res.stderr.startswith("error: brand kit brand/libmedia.toml cannot be used")
    assert res.stderr.count("unknown font family 'No Such Family Libmedia'") == 1
    assert "where: brand/libmedia.toml, field 'type.title.family'" in res.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("error", [
    DataError("the sample's own data is odd"),
    ImageError("the sample's cover is odd"),
])
def test_data_errors_of_the_sample_do_not_stop_the_batch(tiny, tmp_path, monkeypatch, error):
    real_render = jobs.render

    def sample_fails(inp, *args, **kwargs):
        if inp.records[0].row == 0:
            raise error
        return real_render(inp, *args, **kwargs)

    monkeypatch.setattr(jobs, "render", sample_fails)
    rep = run_batch("new-book", tiny, out_dir=tmp_path / "out", jobs=1)
    assert [r.status for r in rep.results] == ["ok", "warning", "failed"]


def test_an_internal_error_in_the_sample_is_exit_2(run, tiny, tmp_path, monkeypatch):
    def boom(inp, *args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(jobs, "render", boom)
    monkeypatch.delenv("LIBMEDIA_DEBUG", raising=False)
    res = run("batch", "new-book", tiny)
    assert res.exit_code == 2
    assert res.stderr.count("internal error (RuntimeError: kaboom)") == 1
    assert "bug in libmedia" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists()


def test_batch_notes_the_default_brand_once(run, tiny, tmp_path):
    res = run("batch", "new-book", tiny, "--jobs", "1")
    assert res.stderr.count("note: no libmedia.toml found beside the data or here; using the "
                            'default brand ("Perpustakaan Umum")') == 1
    (tiny.parent / "libmedia.toml").write_text('[library]\nname = "Perpustakaan Kota"\n',
                                               encoding="utf-8")
    res = run("batch", "new-book", tiny, "--jobs", "1")
    assert "note:" not in res.stderr


def test_cover_folders_are_each_looked_in_once(run, tmp_path):
    (tmp_path / "data.csv").write_text("title,cover\nSatu,hilang.jpg\n", encoding="utf-8")
    assert cover_search_dirs(tmp_path / "data.csv", cwd=True) == [
        tmp_path.resolve(), tmp_path.resolve() / "covers"]
    res = run("batch", "new-book", "data.csv")
    assert res.exit_code == 0, res.stdout + res.stderr
    assert "looked in '.', 'covers' (no such folder): the post is made without" in res.stdout, \
        res.stdout


def test_unknown_template_is_exit_2(run, tiny, tmp_path):
    res = run("batch", "no-such-template", tiny)
    assert res.exit_code == 2
    assert "error: no template 'no-such-template'" in res.stderr
    assert not (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.parametrize("fmt, message", [
    ("pinterest-pin", "unknown format 'pinterest-pin'"),
    ("x-post", "does not make format 'x-post'"),
])
def test_unknown_or_unserved_format_is_exit_2(run, tiny, tmp_path, fmt, message):
    res = run("batch", "new-book", tiny, "--format", fmt)
    assert res.exit_code == 2
    assert message in res.stderr
    assert not (tmp_path / "out").exists()


def test_unreadable_data_is_exit_2(run, tmp_path):
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    res = run("batch", "new-book", tmp_path / "book.xlsx")
    assert res.exit_code == 2 and res.stderr.startswith("error:")
    assert "Traceback" not in res.stderr


def test_data_without_a_title_column_is_exit_2(run, tmp_path):
    data = tmp_path / "warga.csv"
    data.write_text("Nama,Alamat\nBudi,Jl. Merdeka 1\nSiti,Jl. Sudirman 2\n", encoding="utf-8")
    res = run("batch", "new-book", data)
    assert res.exit_code == 2
    assert "needs field 'title'" in res.stderr
    assert "the file's columns are: Nama, Alamat" in res.stderr
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_real_c23_indonesian_headers_map_and_render(run, cases, tmp_path):
    data = cases / "C23_template_field_mismatch.csv"
    ds = read_records(data)
    assert ds.mapping["Judul"] == "title"
    assert ds.mapping["Nomor Panggil"] == "call_number"
    res = run("batch", "new-book", data, "--jobs", "1")
    assert res.exit_code == 0, res.stdout + res.stderr
    (rec,) = manifest(tmp_path / "out")["records"]
    assert rec["title"] == "Bumi Manusia" and rec["status"] == "warning"
    assert "placeholder" in [w["code"] for w in rec["warnings"]]  # bumi_manusia.jpg is absent


# --- real catalogue exports ------------------------------------------------------------


def test_realdata_fixtures_follow_LIBMEDIA_REALDATA(monkeypatch, tmp_path, request):
    monkeypatch.setenv("LIBMEDIA_REALDATA", str(tmp_path))
    assert request.getfixturevalue("realdata") == tmp_path
    assert request.getfixturevalue("cases") == tmp_path / "cases"


def test_realdata_defaults_beside_the_checkout(monkeypatch):
    from conftest import DEFAULT_REALDATA, ROOT, realdata_dir

    monkeypatch.delenv("LIBMEDIA_REALDATA", raising=False)
    assert realdata_dir() == DEFAULT_REALDATA == ROOT.parent / "shared" / "realdata"
    monkeypatch.setenv("LIBMEDIA_REALDATA", "")
    assert realdata_dir() == DEFAULT_REALDATA


def _assert_all_rendered_with_covers(out: Path, records: int) -> dict:
    m = manifest(out)
    assert m["summary"]["records"] == records and m["summary"]["failed"] == 0
    for rec in m["records"]:
        codes = [w["code"] for w in rec["warnings"]]
        assert "placeholder" not in codes, (rec["row"], rec["warnings"])
        with Image.open(out / rec["outputs"]["instagram-portrait"]["image"]) as im:
            assert im.size == (1080, 1350)
    return m


def test_real_slims_sample_finds_covers_in_the_covers_folder(run, realdata, tmp_path):
    res = run("batch", "new-book", realdata / "slims" / "slims_sample_biblio.csv", "--jobs", "2")
    assert res.exit_code == 0, res.stdout + res.stderr
    m = _assert_all_rendered_with_covers(tmp_path / "out", 15)
    assert m["records"][0]["outputs"]["instagram-portrait"]["image"] == \
        "0002-php-5-for-dummies.instagram-portrait.png"


def test_real_slims_export_layout(run, realdata, tmp_path):
    data = realdata / "slims" / "senayan_biblio_export_reconstructed.csv"
    res = run("batch", "new-book", data, "--jobs", "2")
    assert res.exit_code == 0, res.stdout + res.stderr
    m = _assert_all_rendered_with_covers(tmp_path / "out", 15)
    assert m["records"][0]["title"].startswith("PostgreSQL")


def test_real_perpus_inventory_444_records(run, realdata, tmp_path):
    data = realdata / "indonesia" / "perpus_inventory_buku.csv"
    res = run("batch", "new-book", data, "--jobs", "2")
    assert res.exit_code == 0, res.stdout + res.stderr
    m = manifest(tmp_path / "out")
    # 444 rows, of which 19 list a copy of a book listed before: one post per book (case C40)
    copies = [w for r in m["records"] for w in r["warnings"] if w["code"] == "same-book"]
    assert len(copies) == 19 and all("one post is made for all 2 copies" in w["message"]
                                     for w in copies)
    assert m["summary"]["records"] == 425 and m["summary"]["failed"] == 0
    assert m["summary"]["ok"] + m["summary"]["warning"] == 425 and m["summary"]["complete"]
    for rec in m["records"]:  # no cover column: said once for the file, never per row
        assert "placeholder" not in [w["code"] for w in rec["warnings"]], rec["row"]
        assert (rec["status"] == "ok") == (not rec["warnings"]), rec["row"]
    assert [r["row"] for r in m["records"]] == sorted(r["row"] for r in m["records"])
    pngs = list((tmp_path / "out").glob("*.png"))
    assert len(pngs) == 425
    assert "425 of 425 records rendered" in res.stdout
    assert "no column for the template's fields 'cover'" in res.stderr


def test_warnings_of_one_format_name_the_format():
    from libmedia.diagnostics import merge_formats
    from libmedia.errors import Diagnostic, Location

    cover = Diagnostic.warning("no cover image given", Location(row=1), "placeholder")
    cut = Diagnostic.warning("text shortened", Location(row=1), "truncated")
    merged = merge_formats([("instagram-portrait", [cover]),
                             ("instagram-story", [cover, cut])])
    assert [w.message for w in merged] == ["no cover image given",
                                          "instagram-story: text shortened"]
