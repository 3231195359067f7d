"""Fetching covers from the web (``--fetch-covers``): a cold run, a warm rerun.

A local HTTP server on 127.0.0.1 (a thread; never the internet) serves N
distinct cover JPEGs (600x900 px, about 30-60 KB) after a fixed delay per
request that stands in for a real cover service's latency, plus one dead
address per ten covers (404).  The bench fetches every address through
:func:`libmedia.webcovers.fetch_web_covers` into an empty cache, then again
(the rerun every batch after the first is), and prints wall time, addresses
per second and the requests the server saw, beside the baseline: a rerun
must make no request at all, and a cold run with ``THREADS`` downloads at a
time should take about N x delay / THREADS.

    python bench/bench_web_covers.py --covers 400 --delay 0.05
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

from libmedia.sources import Record
from libmedia.webcovers import THREADS, CoverSettings, fetch_web_covers


def _cover(i: int) -> bytes:
    """Cover ``i``: a seeded colour under noise, so the JPEG has real content."""
    rnd = random.Random(i)
    flat = Image.new("RGB", (600, 900), (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    noise = Image.effect_noise((600, 900), 40).convert("RGB")
    buf = io.BytesIO()
    Image.blend(flat, noise, 0.3).save(buf, "JPEG", quality=85)
    return buf.getvalue()


class _Template:
    """The one thing fetch_web_covers reads from a template: its image fields."""

    class _F:
        name, type = "cover", "image"

    fields = {"cover": _F()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--covers", type=int, default=400)
    ap.add_argument("--delay", type=float, default=0.05, help="seconds per request")
    args = ap.parse_args()

    bodies = {f"/c/{i}.jpg": _cover(i) for i in range(args.covers)}
    hits: Counter[str] = Counter()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            hits[self.path] += 1
            time.sleep(args.delay)
            body = bodies.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/jpeg" if body else "text/plain")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/c/{i}.jpg" for i in range(args.covers)]
    urls += [f"{base}/dead/{i}.jpg" for i in range(args.covers // 10)]

    with tempfile.TemporaryDirectory() as tmp:
        settings = CoverSettings(allow_private=True, cache=Path(tmp) / "covers", service="")
        for label in ("cold", "rerun"):
            records = [Record(row=i + 2, line=i + 2, fields={"title": f"B{i}", "cover": u})
                       for i, u in enumerate(urls)]
            before = sum(hits.values())
            t0 = time.perf_counter()
            summary = fetch_web_covers(_Template(), records, settings)
            wall = time.perf_counter() - t0
            asked = sum(hits.values()) - before
            print(f"{label:5}  {len(urls)} addresses  {wall:6.2f} s  "
                  f"{len(urls) / wall:7.1f} addresses/s  found {summary.found}  "
                  f"failed {summary.failed}  requests {asked}")
    ideal = len(urls) * args.delay / THREADS
    print(f"baseline: cold about {ideal:.2f} s ({len(urls)} x {args.delay} s / {THREADS} threads); "
          "rerun 0 requests")
    server.shutdown()


if __name__ == "__main__":
    main()
