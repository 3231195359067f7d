"""How long from saving a template to seeing the new picture.

Two ways, in the same run, on a copy of a template:

* baseline: what staff did before ``libmedia preview``: edit, then run
  ``libmedia render TEMPLATE DATA --row R --format F -o x.png`` (a new
  process each time) until the PNG is written;
* preview: a running ``libmedia preview`` server, listening to its events:
  save the file, wait for the ``change`` event, fetch the view (which
  renders) and its PNG, as the page does; then the same for saves of the
  brand kit (its colour).

Also: a burst of quick saves (10 saves 30 ms apart) is counted in change
events and renders, since many quick saves must render once or twice, not
ten times.

Usage::

    .venv/bin/python bench/bench_preview.py [--template new-book] [--format instagram-portrait]
        [--data samples/koleksi-baru.csv] [--post 1] [--edits 10]

Prints each figure in seconds (median and worst of ``--edits`` saves).

With ``--browse N``: memory of a long preview session at a user's scale.
A CSV of N books with phone-sized covers (1200x1800 JPEGs, bench/bench_data.py)
is opened with ``--data``, and every post is viewed in every format of the
template, as someone paging through a week's (or a year's) acquisitions
would; the server's resident memory (RSS, psutil) is printed after the
first view (the baseline), then at each quarter.  Kept renders are capped
(64 per template, encoded PNGs only), so it must level off, not grow with
the posts seen.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from libmedia.templating import TEMPLATES_DIR  # noqa: E402

COLOURS = ["#1f4e79", "#8a1538", "#00a651", "#e0a526", "#5b2a86", "#0b6e4f", "#c2410c",
           "#334155", "#9d174d", "#155e75", "#4d7c0f", "#7c2d12"]


def edit(layout: Path, original: str, i: int) -> None:
    layout.write_text(original.replace("{{ c.primary }}", COLOURS[i % len(COLOURS)]),
                      encoding="utf-8")


def baseline(folder: Path, data: Path, row: int | None, fmt: str, edits: int) -> list[float]:
    layout = folder / "layout.xml.j2"
    original = layout.read_text(encoding="utf-8")
    out = folder.parent / "baseline.png"
    times = []
    for i in range(edits):
        edit(layout, original, i)
        t0 = time.perf_counter()
        args = [sys.executable, "-m", "libmedia", "render", str(folder)]
        if row is not None:
            args += [str(data), "--row", str(row)]
        subprocess.run([*args, "--format", fmt, "-o", str(out)], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - t0)
    layout.write_text(original, encoding="utf-8")
    return times


class Events(threading.Thread):
    """Reads the preview's event stream; ``changes`` collects the change events."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.changes: list[tuple[float, dict]] = []
        self.cv = threading.Condition()

    def run(self) -> None:
        with urlopen(f"{self.base}/events", timeout=600) as stream:
            for raw in stream:
                line = raw.decode("utf-8").strip()
                if line.startswith("data:") and '"templates"' in line:
                    with self.cv:
                        self.changes.append((time.perf_counter(), json.loads(line[5:])))
                        self.cv.notify_all()

    def wait(self, count: int, timeout: float = 30.0) -> None:
        with self.cv:
            self.cv.wait_for(lambda: len(self.changes) >= count, timeout)


def get(url: str) -> bytes:
    with urlopen(url, timeout=120) as r:
        return r.read()


KIT = '[library]\nname = "Perpustakaan Uji"\n\n[colors]\nprimary = "{colour}"\n'


def preview(folder: Path, data: Path, post: int, fmt: str, edits: int
            ) -> tuple[list[float], list[float], dict]:
    layout = folder / "layout.xml.j2"
    original = layout.read_text(encoding="utf-8")
    kit = folder.parent / "libmedia.toml"
    kit.write_text(KIT.format(colour=COLOURS[0]), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "libmedia", "preview", str(folder), "--data",
                             str(data), "--brand", str(kit), "--port", "0", "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = re.search(r"http://[^/]+", proc.stdout.readline()).group(0)
        view_url = f"{base}/api/view/{folder.name}/{fmt}/{post}"
        view = json.loads(get(view_url))  # the first render, as the page opens
        events = Events(base)
        events.start()
        time.sleep(0.5)
        times = []
        for i in range(edits):
            seen = len(events.changes)
            t0 = time.perf_counter()
            edit(layout, original, i)
            events.wait(seen + 1)
            new = json.loads(get(view_url))
            assert new["ok"] and new["render"] != view["render"], new.get("error")
            get(base + new["pages"][0])
            times.append(time.perf_counter() - t0)
            view = new
            time.sleep(0.3)
        # the brand kit's colour
        kit_times = []
        for i in range(edits):
            seen = len(events.changes)
            t0 = time.perf_counter()
            kit.write_text(KIT.format(colour=COLOURS[(i + 1) % len(COLOURS)]), encoding="utf-8")
            events.wait(seen + 1)
            new = json.loads(get(view_url))
            assert new["ok"] and new["render"] != view["render"], new.get("error")
            get(base + new["pages"][0])
            kit_times.append(time.perf_counter() - t0)
            view = new
            time.sleep(0.3)
        # a burst of quick saves
        seen = len(events.changes)
        before = view["render"]
        for i in range(10):
            edit(layout, original, i + 1)
            time.sleep(0.03)
        time.sleep(1.5)
        burst_events = len(events.changes) - seen
        last = json.loads(get(view_url))
        burst = {"saves": 10, "change_events": burst_events,
                 "renders": last["render"] - before}
    finally:
        layout.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=15)
    return times, kit_times, burst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--template", default="new-book")
    ap.add_argument("--format", default="instagram-portrait")
    ap.add_argument("--data", type=Path, default=ROOT / "samples" / "koleksi-baru.csv")
    ap.add_argument("--post", type=int, default=1, help="the post (0: the sample; 1: first row)")
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--browse", type=int, default=0, metavar="N",
                    help="also view N posts of a CSV with phone-sized covers, every format, "
                         "and print the server's memory")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="libmedia-bench-preview-") as tmp:
        folder = Path(tmp) / args.template
        shutil.copytree(TEMPLATES_DIR / args.template, folder)
        row = None
        if args.post > 0:
            from libmedia.session import RenderSession

            row = RenderSession(folder, args.data).posts()[args.post].rows[0]
        base = baseline(folder, args.data, row, args.format, args.edits)
        live, kit, burst = preview(folder, args.data, args.post, args.format, args.edits)
    print(f"template {args.template}, format {args.format}, post {args.post}, "
          f"{args.edits} saves each")
    print(f"{'save -> new picture':<34}{'median s':>10}{'worst s':>10}")
    print(f"{'baseline: libmedia render (CLI)':<34}{statistics.median(base):>10.2f}"
          f"{max(base):>10.2f}")
    print(f"{'libmedia preview (event + view)':<34}{statistics.median(live):>10.2f}"
          f"{max(live):>10.2f}")
    print(f"{'  the brand kit saved instead':<34}{statistics.median(kit):>10.2f}"
          f"{max(kit):>10.2f}")
    print(f"burst of {burst['saves']} saves 30 ms apart: {burst['change_events']} change "
          f"event(s), {burst['renders']} render id(s) used")
    if args.browse:
        browse(args.template, args.browse)


def browse(template: str, n: int) -> None:
    import psutil

    sys.path.insert(0, str(ROOT / "bench"))
    import bench_data

    with tempfile.TemporaryDirectory(prefix="libmedia-bench-browse-") as tmp:
        covers = bench_data.ensure_covers(min(n, 300))
        data = bench_data.write_csv(Path(tmp) / "buku.csv", n, covers)
        proc = subprocess.Popen([sys.executable, "-m", "libmedia", "preview", template,
                                 "--data", str(data), "--port", "0", "--no-browser"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            base = re.search(r"http://[^/]+", proc.stdout.readline()).group(0)
            server = psutil.Process(proc.pid)
            state = json.loads(get(f"{base}/api/state"))
            formats = [f["name"] for t in state["templates"] if t["name"] == template
                       for f in t["formats"]]
            rows = []
            t0 = time.perf_counter()
            for i in range(1, n + 1):
                for fmt in formats:
                    view = json.loads(get(f"{base}/api/view/{template}/{fmt}/{i}"))
                    for page in view["pages"]:
                        get(base + page)
                if i == 1 or i % max(1, n // 4) == 0 or i == n:
                    rows.append((i, server.memory_info().rss / 2**20, time.perf_counter() - t0))
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    print(f"browsing {n} posts x {len(formats)} formats of {template} "
          f"(phone-sized covers): server memory")
    print(f"{'posts seen':>12}{'RSS MiB':>10}{'seconds':>10}")
    for i, rss, sec in rows:
        print(f"{i:>12}{rss:>10.0f}{sec:>10.1f}")
    first, last = rows[0][1], rows[-1][1]
    mid = rows[len(rows) // 2][1]
    print(f"baseline (after the first post): {first:.0f} MiB; growth over the second half: "
          f"{last - mid:+.0f} MiB")


if __name__ == "__main__":
    main()
