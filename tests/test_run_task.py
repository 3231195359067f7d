"""The render task (:mod:`libmedia.run.task`): pure, picklable, artifacts;
carousel pages and their names; the manifest's artifact list."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

from test_jobs import copy_template, write_csv

from libmedia.jobs import open_job, plan
from libmedia.run.coordinator import run_batch
from libmedia.run.names import image_name, sidecar_name
from libmedia.run.task import render_task


def test_render_task_is_pure_and_picklable(tmp_path, monkeypatch):
    data = write_csv(tmp_path / "d" / "books.csv", 2)
    monkeypatch.chdir(tmp_path)
    task = plan(open_job("new-book", data, ["instagram-square"]))[1]
    before = sorted(p for p in tmp_path.rglob("*"))
    result = render_task(pickle.loads(pickle.dumps(task)))
    assert sorted(p for p in tmp_path.rglob("*")) == before  # writes nothing
    result = pickle.loads(pickle.dumps(result))
    assert result.status == "warning" and result.rows == [3]  # no cover: a stand-in
    names = [(a.name, a.kind, a.media_type) for a in result.artifacts]
    assert names == [
        ("0003-buku-2.instagram-square.png", "image", "image/png"),
        ("0003-buku-2.instagram-square.caption.txt", "caption", "text/plain; charset=utf-8"),
        ("0003-buku-2.instagram-square.alt.txt", "alt", "text/plain; charset=utf-8"),
    ]
    assert result.artifacts[0].data.startswith(b"\x89PNG")
    assert render_task(task).artifacts[0].data == result.artifacts[0].data  # deterministic


def test_carousel_names():
    assert image_name("0003-a", "instagram-portrait", "png", 2) == "0003-a.instagram-portrait.02.png"
    assert image_name("0003-a", "instagram-portrait", "png") == "0003-a.instagram-portrait.png"
    assert sidecar_name("0003-a.instagram-portrait.02.png", "caption") == \
        "0003-a.instagram-portrait.caption.txt"
    assert sidecar_name("0003-a.instagram-portrait.02.png", "alt", per_page=True) == \
        "0003-a.instagram-portrait.02.alt.txt"


def test_a_carousel_writes_one_page_and_one_alt_text_per_record(tmp_path):
    tpl = copy_template(tmp_path, records="2-3", kind="carousel")
    layout = tpl / "layout.xml.j2"
    # Each page says which page it is, so the pages differ.
    text = layout.read_text(encoding="utf-8")
    assert "{{" in text
    data = write_csv(tmp_path / "d" / "books.csv", 5)
    rep = run_batch(str(tpl), data, ["instagram-square"], out_dir=tmp_path / "out", jobs=1)
    out = tmp_path / "out"
    assert [r.rows for r in rep.results] == [[2, 3, 4], [5, 6]]
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["0002-buku-1.instagram-square.01.png", "0002-buku-1.instagram-square.02.png",
                    "0002-buku-1.instagram-square.03.png", "0005-buku-4.instagram-square.01.png",
                    "0005-buku-4.instagram-square.02.png"]
    pages = [(out / n).read_bytes() for n in pngs[:3]]
    assert len(set(pages)) == 3  # page i shows record i
    assert (out / "0002-buku-1.instagram-square.caption.txt").is_file()
    # one alt text per page (Instagram takes one per image), one caption per post
    alts = sorted(p.name for p in out.glob("0002-*.alt.txt"))
    assert alts == [f"0002-buku-1.instagram-square.0{i}.alt.txt" for i in (1, 2, 3)]
    assert len({(out / n).read_text(encoding="utf-8") for n in alts}) == 3
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    first = m["records"][0]
    assert first["rows"] == [2, 3, 4]
    assert first["outputs"]["instagram-square"]["pages"] == pngs[:3]
    assert first["outputs"]["instagram-square"]["alts"] == alts
    assert "alt" not in first["outputs"]["instagram-square"]
    assert [(a["kind"], a.get("page")) for a in first["artifacts"]] == [
        ("image", 1), ("alt", 1), ("image", 2), ("alt", 2), ("image", 3), ("alt", 3),
        ("caption", None)]


def test_the_manifest_lists_every_artifact_with_size_and_sha256(tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 2)
    run_batch("new-book", data, ["all"], out_dir=tmp_path / "out", jobs=1)
    out = tmp_path / "out"
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = [a for r in m["records"] for a in r["artifacts"]]
    on_disk = sorted(p.name for p in out.iterdir() if p.name != "manifest.json")
    assert sorted(a["name"] for a in listed) == on_disk and len(on_disk) == 2 * 4 * 3
    for a in listed:
        raw = (out / a["name"]).read_bytes()
        assert a["size"] == len(raw) and a["sha256"] == hashlib.sha256(raw).hexdigest()
        assert a["kind"] in ("image", "caption", "alt") and a["format"]
    assert not (out / ".libmedia.lock").exists()  # released
    assert os.listdir(out)  # sanity


def test_a_previous_manifest_removes_its_artifacts_of_any_type_and_nothing_else(tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 2)
    out = tmp_path / "out"
    run_batch("new-book", data, out_dir=out, jobs=1)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (out / "0002-buku-1.reel.mp4").write_bytes(b"mp4")
    (out / "notes.txt").write_bytes(b"mine")
    (tmp_path / "victim.png").write_bytes(b"x")
    m["records"][0]["artifacts"] += [{"name": "0002-buku-1.reel.mp4"}, {"name": "../victim.png"},
                                     {"name": str(tmp_path / "victim.png")}]
    (out / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    rep = run_batch("new-book", data, out_dir=out, jobs=1)
    assert [p.name for p in rep.removed] == ["0002-buku-1.reel.mp4"]
    assert (out / "notes.txt").is_file() and (tmp_path / "victim.png").is_file()
    assert Path(out / "0002-buku-1.instagram-portrait.png").is_file()
