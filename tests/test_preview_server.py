"""The preview server's routes (starlette's TestClient), and the real
command: its events on a save, and Ctrl-C stopping it cleanly."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("httpx2")  # starlette's TestClient

from PIL import Image  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from libmedia.preview.server import Preview, create_app  # noqa: E402
from libmedia.preview.workspace import Workspace  # noqa: E402
from libmedia.templating import TEMPLATES_DIR  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "samples" / "koleksi-baru.csv"


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    """A template folder of the library's own: a copy of new-book."""
    folder = tmp_path / "templates" / "new-book"
    shutil.copytree(TEMPLATES_DIR / "new-book", folder)
    return folder


@pytest.fixture
def client(mine: Path, tmp_path: Path):
    ws = Workspace(str(mine), SAMPLE_CSV)
    preview = Preview(ws, tmp_path / "cache")
    with TestClient(create_app(preview), base_url="http://127.0.0.1:8000") as c:
        c.workspace = ws
        yield c
    preview.stop()


def test_state_lists_every_template_with_its_formats(client):
    state = client.get("/api/state").json()
    names = [t["name"] for t in state["templates"]]
    bundled = sorted(d.name for d in TEMPLATES_DIR.iterdir() if (d / "template.toml").is_file())
    assert names == bundled
    assert state["start"] == "new-book"
    assert state["data"]["file"].endswith("koleksi-baru.csv")
    assert state["brand"]["name"] == "Perpustakaan Kota Samudra"  # samples/libmedia.toml
    nb = next(t for t in state["templates"] if t["name"] == "new-book")
    story = next(f for f in nb["formats"] if f["name"] == "instagram-story")
    assert story["width"] == 1080 and story["height"] == 1920 and story["safe"][0] == 250


def test_a_view_renders_with_caption_counts_and_boxes(client):
    posts = client.get("/api/posts/new-book").json()
    assert posts["posts"][0]["label"] == "Sample" and posts["total"] == 23
    found = client.get("/api/posts/new-book", params={"q": "laskar"}).json()["posts"]
    assert [p["label"] for p in found] == ["Sample", "Row 2"]
    view = client.get("/api/view/new-book/instagram-portrait/1").json()
    assert view["ok"] and view["error"] is None
    assert view["counts"]["caption_limit"] == 2200
    assert view["counts"]["caption_chars"] == len(view["caption"].rstrip("\n"))
    assert view["counts"]["hashtags"] == view["caption"].count(" #") + view["caption"].count("\n#")
    assert any(b["tag"] == "text" and "Laskar" in b["text"] for b in view["boxes"])
    png = client.get(view["pages"][0])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (1080, 1350)
    thumb = client.get("/thumb/new-book/instagram-story.png")
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 360


def test_a_broken_template_shows_its_line_and_the_last_good_render(client, mine):
    good = client.get("/api/view/new-book/instagram-square/2").json()
    layout = mine / "layout.xml.j2"
    text = layout.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[9] += " {{ record.title | nosuchfilter }}"
    layout.write_text("\n".join(lines), encoding="utf-8")
    assert client.workspace.changed([str(layout)]) == ["new-book"]
    bad = client.get("/api/view/new-book/instagram-square/2").json()
    assert not bad["ok"]
    assert bad["error"]["line"] == 10 and bad["error"]["file"].endswith("layout.xml.j2")
    assert "nosuchfilter" in bad["error"]["message"]
    assert bad["last_good"]["render"] == good["render"]
    assert client.get(bad["last_good"]["pages"][0]).status_code == 200
    assert client.get("/thumb/new-book/instagram-square.png").status_code == 422
    layout.write_text(text, encoding="utf-8")
    client.workspace.changed([str(layout)])
    again = client.get("/api/view/new-book/instagram-square/2").json()
    assert again["ok"] and again["render"] != good["render"]


def test_only_its_own_page_and_renders_are_served(client):
    assert client.get("/").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    for url in ("/static/../session.py", "/static/..%2f..%2fpyproject.toml", "/static/x.py",
                "/api/view/..%2f..%2fetc/instagram-square/0", "/api/view/new-book/passwd/0",
                "/api/view/new-book/instagram-square/-1", "/thumb/nope/instagram-square.png",
                "/image/new-book/instagram-square/0.png?r=999999"):
        r = client.get(url)
        assert r.status_code in (404, 410), url
        assert b"[project]" not in r.content and b"import" not in r.content
    assert client.get("/api/view/new-book/instagram-square/999").status_code == 404
    # a page elsewhere reaching the preview by another host name is refused
    assert client.get("/api/state", headers={"host": "attacker.example"}).status_code == 400


def _start(args: list[str], cwd: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "libmedia", "preview", *args, "--port", "0",
                             "--no-browser"], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        proc.kill()
        raise AssertionError(f"no address printed: {line!r} {proc.stderr.read()}")
    return proc, f"http://127.0.0.1:{m.group(1)}"


def test_the_command_sends_a_change_on_save_and_stops_on_ctrl_c(mine, tmp_path):
    from urllib.request import urlopen

    def get(url: str) -> dict:
        with urlopen(url, timeout=30) as r:
            return json.loads(r.read())

    proc, base = _start([str(mine)], tmp_path)
    try:
        view = get(f"{base}/api/view/new-book/instagram-square/0")
        assert view["ok"]
        layout = mine / "layout.xml.j2"
        with urlopen(f"{base}/events", timeout=20) as events:
            lines = (raw.decode("utf-8").rstrip("\n") for raw in events)
            assert next(lines) == "event: hello"
            # three quick saves in a row
            text = layout.read_text(encoding="utf-8")
            for colour in ("#00a651", "#00a652", "#00a653"):
                layout.write_text(text.replace("{{ c.primary }}", colour), encoding="utf-8")
                time.sleep(0.02)
            got = []
            for line in lines:
                if line.startswith("data:") and '"templates"' in line:
                    got.append(json.loads(line[5:]))
                    break
        assert got and got[0]["templates"] == ["new-book"]
        after = get(f"{base}/api/view/new-book/instagram-square/0")
        assert after["ok"] and after["render"] != view["render"]
        assert after["version"] == got[0]["version"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("the preview did not stop within 15 s of Ctrl-C") from None
    assert proc.returncode == 0, err
    assert "preview stopped" in err
    assert "Traceback" not in err


def test_a_video_template_has_a_draft_frames_and_scene_marks(client):
    assert client.get("/api/view/event-reel/tiktok/0").status_code == 404  # clips are videos
    video = client.get("/api/video/event-reel/tiktok/0").json()
    assert video["ok"], video["error"]
    assert video["width"] == 1080 and video["draft_width"] < 1080
    scenes = video["scenes"]
    assert scenes[0]["start"] == 0 and len(scenes) >= 3
    assert abs(sum(s["duration"] for s in scenes) - video["duration"]) < 1e-6
    mp4 = client.get(video["draft"])
    assert mp4.status_code == 200 and mp4.content[4:8] == b"ftyp"
    part = client.get(video["draft"], headers={"range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"] == f"bytes 0-99/{len(mp4.content)}"
    t = scenes[1]["start"] + 0.5
    frame = client.get(f"{video['frame']}&t={t}")
    assert frame.status_code == 200
    assert Image.open(io.BytesIO(frame.content)).size == (video["draft_width"],
                                                          video["draft_height"])
    assert client.get(f"{video['frame']}&t={t}").content == frame.content
    assert client.get(f"{video['frame']}&t=nan").status_code == 404
    assert client.get("/thumb/event-reel/tiktok.png").status_code == 200
    # a full-size render starts, and asking again while it runs is the same render
    # only from the preview's own page (another web site cannot set the header)
    assert client.post("/api/full/event-reel/tiktok/0").status_code == 403
    page = {"x-libmedia": "1"}
    first = client.post("/api/full/event-reel/tiktok/0", headers=page).json()
    assert first["state"] == "running" and first["file_name"].endswith(".tiktok.mp4")
    again = client.post("/api/full/event-reel/tiktok/0", headers=page).json()
    assert again["job"] == first["job"]
    assert client.get(f"/api/full/{first['job']}").json()["job"] == first["job"]
    assert client.get(f"/full/{first['job']}.mp4").status_code in (200, 404)
