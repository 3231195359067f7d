"""``libmedia check`` tells the truth and agrees with ``batch`` (issue 9, items 3 and 4).

* C34: every cover a batch would find damaged, empty or cut off (baseline
  and progressive JPEG, PNG) is a per-row warning naming the file; a JPEG
  complete but for its end marker is used by both without a word.
* Agreement: check and batch run on every case file that holds books or
  events (and the first 50 rows of the real exports): every row the batch
  fails is an error in check, every warning the manifest holds for a row
  check reports for that row (same code, same column), and every row check
  calls ready is rendered.
* A data problem is never a template or internal error: absurd values
  (a 300-character cover name, a folder, a device or a pipe as a cover, a
  100,000-character title, 500 line breaks, control characters) are the
  row's own warning and the other rows go on.

Rows are found by title or compared between check and batch, never by a
hard-coded row number.
"""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path

import pytest
from PIL import Image

from libmedia.assets import jpeg_missing_only_eoi, load_image, verify_image
from libmedia.check import check_data
from libmedia.errors import ImageError, LibmediaError
from libmedia.jobs import LONG_FIELD_CHARS, MAX_FIELD_CHARS, guard_values, read_data
from libmedia.lint import DRAWN_RULES, RULES
from libmedia.run.coordinator import run_batch
from libmedia.sources import read_records
from libmedia.sources.registry import extensions

# ---------------------------------------------------------------------------
# helpers


def batch_manifest(template: str, data: Path, out: Path, jobs: int = 1,
                   options: dict | None = None) -> dict:
    run_batch(template, str(data), out_dir=out, jobs=jobs, read_options=options)
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def by_title(manifest: dict) -> dict[str, dict]:
    return {r["title"]: r for r in manifest["records"]}


def check_rows(report) -> dict[int, list]:
    out: dict[int, list] = {}
    for p in report.problems:
        out.setdefault(p.location.row, []).append(p)
    return out


def jpeg_bytes(**options) -> bytes:
    """A 320x480 JPEG with detail in it (a gradient and stripes), saved with ``options``."""
    im = Image.new("RGB", (320, 480))
    px = im.load()
    for y in range(480):
        for x in range(320):
            px[x, y] = ((x * 7) % 256, (y * 3) % 256, ((x // 9 + y // 13) % 2) * 200)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, **options)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# C34: damaged covers


def test_c34_check_names_every_damaged_cover_and_batch_draws_stand_ins(cases, tmp_path):
    data = cases / "C34_damaged_covers.csv"
    report = check_data("new-book", data)
    manifest = batch_manifest("new-book", data, tmp_path / "out")
    titles = {r.row: r.fields["title"] for r in read_data(data).records}
    found = {titles[row]: problems for row, problems in check_rows(report).items()}
    damaged = {
        "Sampul Terpotong 60%": "C34_cover_truncated_60pct.jpg",
        "Sampul Progresif Terpotong": "C34_cover_progressive_truncated_40pct.jpg",
        "Sampul PNG Terpotong": "C34_cover_truncated_70pct.png",
        "Sampul Kosong": "C34_cover_zero_bytes.jpg",
    }
    for title, name in damaged.items():
        [problem] = found[title]
        assert problem.severity == "warning" and problem.code == "placeholder"
        assert problem.location.field == "cover" and name in problem.message, problem
        assert problem.hint
    assert "empty (0 bytes)" in found["Sampul Kosong"][0].message
    assert "incomplete" in found["Sampul PNG Terpotong"][0].message
    # complete but for its end marker, and the whole file: used, nothing to say
    assert "Sampul Tanpa Penanda Akhir" not in found and "Sampul Utuh" not in found
    posts = by_title(manifest)
    assert manifest["summary"]["failed"] == 0
    for title in damaged:
        assert posts[title]["status"] == "warning"
        assert [w["code"] for w in posts[title]["warnings"]] == ["placeholder"]
    for title in ("Sampul Tanpa Penanda Akhir", "Sampul Utuh"):
        assert posts[title]["status"] == "ok", posts[title]


def test_a_jpeg_missing_only_its_end_marker_is_the_whole_picture(cases):
    folder = cases / "C34_covers"
    whole = load_image(folder / "C34_cover_ok.jpg")
    no_eoi = load_image(folder / "C34_cover_missing_eoi.jpg")
    assert no_eoi.image.tobytes() == whole.image.tobytes()
    assert no_eoi.warnings == []


@pytest.mark.parametrize("options", [{}, {"progressive": True},
                                     {"restart_marker_blocks": 1},
                                     {"progressive": True, "restart_marker_rows": 1},
                                     {"subsampling": 0}],
                         ids=["baseline", "progressive", "restarts", "progressive-restarts",
                              "444"])
def test_only_the_end_marker_may_be_missing(options):
    """Cut anywhere inside the picture data (or between a progressive JPEG's
    scans, or at a restart interval's end) the file is refused; without only
    its two-byte end marker it is accepted.  Pillow's global
    LOAD_TRUNCATED_IMAGES is never touched."""
    from PIL import ImageFile

    data = jpeg_bytes(**options)
    assert data.endswith(b"\xff\xd9")
    assert jpeg_missing_only_eoi(data[:-2])
    assert not jpeg_missing_only_eoi(data)  # a whole file is no special case
    step = max(1, len(data) // 60)
    cuts = [*range(300, len(data) - 40, step), len(data) - 40, len(data) - 8]
    accepted = [c for c in cuts if jpeg_missing_only_eoi(data[:c])]
    assert accepted == [], (options, len(data), accepted)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_damaged_pngs_and_jpegs_fail_in_check_as_in_batch(tmp_path):
    """verify_image (check) and load_image (batch) refuse and accept the same files."""
    png = io.BytesIO()
    Image.new("RGB", (300, 400), (20, 120, 200)).save(png, "PNG")
    files = {
        "ok.jpg": jpeg_bytes(),
        "no_eoi.jpg": jpeg_bytes()[:-2],
        "cut.jpg": jpeg_bytes()[: len(jpeg_bytes()) * 2 // 3],
        "cut_progressive.jpg": jpeg_bytes(progressive=True)[:5000],
        "cut.png": png.getvalue()[:-30],
        "header_only.jpg": jpeg_bytes()[:600],
        "empty.png": b"",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    for name in files:
        outcomes = []
        for fn in (load_image, verify_image):
            try:
                fn(name, [tmp_path])
                outcomes.append("ok")
            except ImageError as exc:
                assert name in exc.message
                outcomes.append("refused")
        assert outcomes[0] == outcomes[1], name
        assert outcomes[0] == ("ok" if name in ("ok.jpg", "no_eoi.jpg") else "refused"), name


def test_verify_image_reads_the_same_notes_as_a_batch(tmp_path):
    """A CMYK cover without a colour profile: the batch's note, in check too."""
    Image.new("CMYK", (200, 300), (0, 80, 80, 10)).save(tmp_path / "cmyk.jpg", "JPEG")
    full = load_image("cmyk.jpg", [tmp_path], target_size=(1080, 1080))
    small = verify_image("cmyk.jpg", [tmp_path])
    assert [w.code for w in small.warnings] == [w.code for w in full.warnings]
    assert "cmyk-no-profile" in [w.code for w in full.warnings]
    assert small.original_size == full.original_size == (200, 300)


# ---------------------------------------------------------------------------
# a data problem is never a template error


def _finishes(fn, seconds: float = 20.0):
    """Run ``fn`` in a thread; fail (rather than hang the suite) when it has not
    returned within ``seconds``."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn} still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_cover_that_is_a_pipe_a_device_or_a_folder_never_hangs(tmp_path):
    os.mkfifo(tmp_path / "pipe.jpg")
    (tmp_path / "folder.jpg").mkdir()
    for name, what in (("pipe.jpg", "a device or a pipe"), ("folder.jpg", "a folder"),
                       ("/dev/zero", "a device or a pipe")):
        for fn in (load_image, verify_image):
            with pytest.raises(ImageError, match=what):
                _finishes(lambda fn=fn, name=name: fn(name, [tmp_path]))


def test_absurd_values_are_the_rows_own_warnings(tmp_path):
    """Each absurd value is a warning (or error) on its own row, blamed on
    the data (row, column, value, hint); no row fails as a template or
    internal error, and check says the same as the batch."""
    os.mkfifo(tmp_path / "pipe.jpg") if hasattr(os, "mkfifo") else None
    (tmp_path / "folder").mkdir()
    rows = [
        ("Baris Biasa", "Rina", "2001", ""),
        ("Judul" + "\n" * 500 + "Akhir", "Budi", "2002", ""),
        ("Sampul Panjang", "Citra", "2003", "x" * 300 + ".jpg"),
        ("Sampul Folder", "Dewi", "2004", "folder"),
        ("Tahun Aneh", "Eka", "99999", ""),
        ("Tahun Minus", "Fajar", "-50000", ""),
        ("Judul Raksasa " + "kata " * 20_000, "Gita", "2005", ""),
        ("x" * 100_000, "Hadi", "2006", ""),
        ("Sampul Pipa", "Indah", "2007", "pipe.jpg"),
        ("Sampul Perangkat", "Joko", "2008", "/dev/zero"),
        ("Baris Terakhir", "Kiki", "2009", ""),
    ]
    data = tmp_path / "buku.csv"
    with data.open("w", encoding="utf-8", newline="") as fp:
        import csv

        w = csv.writer(fp)
        w.writerow(["Judul", "Pengarang", "Tahun", "Sampul"])
        w.writerows(rows)
    report = _finishes(lambda: check_data("new-book", data), 60)
    manifest = _finishes(lambda: batch_manifest("new-book", data, tmp_path / "out"), 120)
    assert manifest["summary"]["failed"] == 0, [r.get("error") for r in manifest["records"]]
    assert manifest["summary"]["records"] == len(rows)
    codes = {w["code"] for r in manifest["records"] for w in r["warnings"]}
    assert not codes & {"template", "internal"}
    assert not any(p.code in ("template", "internal") for p in report.problems)
    found = {}
    for rec in read_data(data).records:
        found[rec.fields["title"][:20]] = [p for p in report.problems if p.location.row == rec.row]
    long_name = found["Sampul Panjang"]
    assert [p.code for p in long_name] == ["placeholder"]
    assert "300" in long_name[0].message or "304" in long_name[0].message
    assert "a folder" in found["Sampul Folder"][0].message
    assert "a device or a pipe" in found["Sampul Perangkat"][0].message
    if hasattr(os, "mkfifo"):
        assert "a device or a pipe" in found["Sampul Pipa"][0].message
    for prefix in ("Judul Raksasa kata k", "x" * 20):
        too_long = [p for p in found[prefix] if p.code == "too-long"]
        assert too_long and too_long[0].location.field == "title", found[prefix]
        assert too_long[0].location.header == "Judul" and too_long[0].hint
    assert all(len(r["title"]) <= MAX_FIELD_CHARS + 1 for r in manifest["records"])
    assert_agree(report, manifest)


def test_values_no_xml_can_hold_are_removed_whatever_the_reader(tmp_path):
    """A NUL, an escape, a lone surrogate (a JSON file may hold one): removed
    with a warning, and the record renders (before: a template error, "the
    layout markup is not well-formed")."""
    from libmedia.brand import load_brand
    from libmedia.jobs import open_template, resolve_formats
    from libmedia.render import RenderInput, render

    data = tmp_path / "b.csv"
    data.write_text("Judul,Pengarang,Ringkasan\nSatu,Rina,Biasa\n", encoding="utf-8")
    dataset = read_records(data)
    rec = dataset.records[0]
    rec.fields.update(title="Senja\x00di\x1bPelabuhan\ud800", author="Rina\x0b",
                      summary="kata " * (LONG_FIELD_CHARS // 4))
    guard_values(dataset)
    assert rec.fields["title"] == "SenjadiPelabuhan" and rec.fields["author"] == "Rina"
    assert rec.fields["summary"].endswith("…") and len(rec.fields["summary"]) <= LONG_FIELD_CHARS + 1
    got = {(w.code, w.location.field) for w in rec.warnings}
    assert {("control-characters", "Judul"), ("control-characters", "Pengarang"),
            ("too-long", "Ringkasan")} <= got
    template = open_template("new-book")
    done = render(RenderInput(template, [rec], resolve_formats(template)[0], load_brand(None),
                              source=str(data)))
    assert done.pages


# ---------------------------------------------------------------------------
# check and batch agree on every case file


#: Warnings only a render finds (the layout's lint: type too small, text cut
#: with an ellipsis, a glyph no font has...): ``check --render`` reports them,
#: plain ``check`` does not lay anything out.
RENDER_ONLY = {*RULES, *DRAWN_RULES, "caption-limit"}


def template_for(dataset) -> str:
    """``event`` for a file whose columns map to an event's date or time and
    no book field; else ``new-book``."""
    fields = {f for f in dataset.mapping.values() if f}
    if fields & {"date", "time", "start", "end_date"} and not fields & {"isbn", "author"}:
        return "event"
    return "new-book"


def assert_agree(report, manifest: dict, options: dict | None = None) -> None:
    """Every failed row is an error in check; every manifest warning of a
    row (but the render-only lint) is a finding of check for that row, with
    the same code and column; every row check calls ready was rendered."""
    errors = {p.location.row for p in report.problems if p.severity == "error"}
    found: dict[tuple, set] = {}
    for p in report.problems:
        key = (p.location.row, p.code)
        found.setdefault(key, set()).update({p.location.field, p.location.header})
    missing = []
    rendered = set()
    for rec in manifest["records"]:
        rows = rec.get("rows") or [rec["row"]]
        if rec["status"] == "failed":
            missing += [("failed, not an error in check", r, rec.get("error")) for r in rows
                        if r not in errors]
            continue
        rendered.update(rows)
        for w in rec.get("warnings", []):
            if w["code"] in RENDER_ONLY or w["severity"] != "warning":
                continue
            loc = w.get("location", {})
            row = loc.get("row", rows[0])
            fields = found.get((row, w["code"]))
            if fields is None or (loc.get("field") and loc["field"] not in fields):
                missing.append(("warning not in check", row, w["code"], loc.get("field"),
                                w["message"][:100]))
    ready = {r.row for r in read_data(report_path(report), options).records} - errors
    missing += [("ready in check, not rendered", r) for r in sorted(ready - rendered)]
    assert not missing, missing


def report_path(report) -> Path:
    return Path(report.data)


def case_files(cases: Path) -> list[Path]:
    out = sorted(cases.glob("*.csv"))
    for sub in ("spreadsheets", "calendars"):
        out += sorted(p for p in (cases / sub).glob("*") if p.is_file())
    return out


def calendar_window(path: Path) -> dict | None:
    """``--from``/``--to`` for a calendar: from 1990 to 30 days after its
    first event (one real calendar repeats daily for years); None for
    other files."""
    from datetime import date, timedelta

    if path.suffix.lower() != ".ics":
        return None
    options = {"date_from": date(1990, 1, 1), "date_to": date(2035, 12, 31)}
    try:
        first = read_data(path, options).records[0].fields["date"]
        options["date_to"] = date.fromisoformat(first) + timedelta(days=30)
    except LibmediaError:
        pass
    return options


def _agree_on(template: str | None, data: Path, out: Path, jobs: int = 1) -> None:
    options = calendar_window(data)
    try:
        dataset = read_data(data, options)
    except LibmediaError:
        dataset = None
    template = template or (template_for(dataset) if dataset else "new-book")
    try:
        report = check_data(template, data, read_options=options)
    except LibmediaError as exc:  # the input is unusable: the batch must refuse it too
        with pytest.raises(LibmediaError) as refused:
            run_batch(template, str(data), out_dir=out, jobs=jobs, read_options=options)
        assert refused.value.code == exc.code, (exc, refused.value)
        return
    assert_agree(report, batch_manifest(template, data, out, jobs, options), options)


def _case_names() -> list[str]:
    """Every case file that may hold books or events, relative to ``cases/``
    (collected when the tests are, so each is its own test)."""
    from conftest import realdata_dir

    folder = realdata_dir() / "cases"
    return [str(p.relative_to(folder)) for p in case_files(folder)] if folder.is_dir() \
        else ["(no real data)"]


@pytest.mark.parametrize("name", _case_names())
def test_check_and_batch_agree_on_every_case_file(cases, tmp_path, name):
    """Grows with the readers: a file whose format no source reads yet (an
    .xlsx, an .ics before their readers land) is skipped, saying so."""
    path = cases / name
    if path.suffix.lower() not in set(extensions()):
        pytest.skip(f"no source reads {path.suffix} files yet "
                    f"(libmedia reads {', '.join(extensions())})")
    _agree_on(None, path, tmp_path / "out")


@pytest.mark.parametrize("relative", ["slims/slims_sample_biblio.csv",
                                      "slims/senayan_biblio_export_reconstructed.csv",
                                      "indonesia/perpus_inventory_buku.csv",
                                      "events/bibliocommons_library_events_2025-2026.csv"])
def test_check_and_batch_agree_on_real_exports(realdata, tmp_path, relative):
    """The real exports' first 50 records (a copy cut after them, the
    header and any preamble kept), with their cover folders beside."""
    source = realdata / relative
    if not source.is_file():
        pytest.skip(f"{relative} is not in this copy of the real data")
    dataset = read_data(source)
    keep = dataset.records[min(50, len(dataset.records)) - 1].line
    # the 50th record's own lines end where the 51st starts
    nxt = dataset.records[50].line - 1 if len(dataset.records) > 50 else None
    raw = source.read_bytes()
    lines = raw.splitlines(keepends=True)
    cut = b"".join(lines[:nxt]) if nxt else raw
    assert keep <= len(lines)
    folder = tmp_path / "data"
    folder.mkdir()
    copy = folder / source.name
    copy.write_bytes(cut)
    for sub in ("covers",):
        if (source.parent / sub).is_dir():
            (folder / sub).symlink_to(source.parent / sub)
    _agree_on(template_for(dataset), copy, tmp_path / "out", jobs=2)


def _real_source_files() -> list[str]:
    """The real MARC and calendar files, relative to the real data folder."""
    from conftest import realdata_dir

    folder = realdata_dir()
    found = [p for sub in ("marc", "ics") for p in sorted((folder / sub).glob("*"))
             if p.suffix.lower() in {".dat", ".mrc", ".xml", ".ics"}] if folder.is_dir() else []
    return [str(p.relative_to(folder)) for p in found] or ["(no real data)"]


@pytest.mark.parametrize("relative", _real_source_files())
def test_check_and_batch_agree_on_real_marc_and_calendars(realdata, tmp_path, relative):
    """Every real MARC file and calendar: check and batch agree, or both
    refuse the file with the same error.  A calendar is read from 1990 to
    30 days after its first event (one of them repeats daily for years)."""
    path = realdata / relative
    if not path.is_file():
        pytest.skip(f"{relative} is not in this copy of the real data")
    options = calendar_window(path)
    template = "event" if path.suffix == ".ics" else "new-book"
    try:
        report = check_data(template, path, read_options=options)
    except LibmediaError as exc:  # the input is unusable: the batch must refuse it too
        with pytest.raises(LibmediaError) as refused:
            run_batch(template, str(path), out_dir=tmp_path / "out", jobs=1, read_options=options)
        assert refused.value.code == exc.code, (exc, refused.value)
        return
    assert_agree(report, batch_manifest(template, path, tmp_path / "out", 1, options), options)
