"""Benchmark: cost of the bundled fonts at start-up and on a first render.

Each figure is measured in a fresh Python process (so no font, index or
shaping cache is warm), the median of ``--runs`` processes, as CPU time of
that process in ms (less disturbed by other work on a shared machine than
wall time, which is printed too):

* ``library``      building the default :class:`FontLibrary` (reading
                   ``fonts/fonts.toml``; no font file is opened);
* ``first latin``  laying out and drawing one Latin title (Plus Jakarta Sans
                   800, 72 px), library included, imports excluded;
* ``first cjk``    the same for a Japanese title (the fallback chain's cmaps
                   read up to the CJK face, the face loaded, glyphs drawn);
* ``all scripts``  one title in each bundled script drawn in one process
                   (every fallback face read and loaded once).

Also the total size of ``fonts/`` in MB.  ``--baseline DIR`` measures a
checkout of another commit (``git archive COMMIT | tar -x -C DIR``) in the
same runs, interleaved, and prints its figures beside; without it the figures
recorded in :data:`BASELINE` are printed.  Run:
``.venv/bin/python bench/bench_fonts.py [--runs 5] [--baseline /tmp/base]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: CPU ms (median of 5 runs) and MB of commit c4acf98, before the CJK
#: subsets, synthetic bold and regional scripts: then five of the "all
#: scripts" titles had no font (drawn as empty boxes) and CJK fell to Droid
#: Sans Fallback (4 MB, one weight).  Measured with --baseline on the
#: project's 2-core machine.
BASELINE: dict[str, float | None] = {
    "library": 1.0, "first latin": 29.3, "first cjk": 136.9, "all scripts": 217.9,
    "fonts MB": 22.13,
}

TITLES = {
    "latin": ["Laskar Pelangi"],
    "cjk": ["美少女戦士セーラームーン新装版"],
    "all": [
        "Laskar Pelangi", "美少女戦士セーラームーン", "國語，廣東話故事会", "채식주의자",
        "مئة عام من العزلة", "הנסיך הקטן", "द्विभाषी कहानी", "ความสุขของกะทิ",
        "ꦧꦱꦗꦮ", "ᬪᬵᬱᬩᬮᬶ", "ᮘᮞ ᮞᮥᮔ᮪ᮓ", "ᨅᨔ ᨕᨘᨁᨗ", "தமிழ் நூலகம்",
    ],
}

CHILD = r"""
import time
from PIL import Image
from libmedia.typography import Span, TextStyle, default_library, draw_text_block, layout_text
w0, c0 = time.perf_counter(), time.process_time()
lib = default_library()
w1, c1 = time.perf_counter(), time.process_time()
for t in %r:
    st = TextStyle(family="Plus Jakarta Sans", size=72, weight=800)
    block = layout_text([Span(t, st)], 900, library=lib)
    img = Image.new("RGBA", (1000, 400), (255, 255, 255, 255))
    draw_text_block(img, block, (40, 40), lib)
w2, c2 = time.perf_counter(), time.process_time()
print((c1 - c0) * 1000, (c2 - c0) * 1000, (w2 - w0) * 1000)
"""


def _run(root: Path, titles: list[str]) -> tuple[float, float, float]:
    env = dict(os.environ, PYTHONPATH=str(root))
    out = subprocess.run([sys.executable, "-c", CHILD % (titles,)], cwd=root, env=env,
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def _measure(root: Path, figures: dict[str, list[tuple[float, float]]]) -> None:
    lib_ms, latin_ms, latin_wall = _run(root, TITLES["latin"])
    figures["library"].append((lib_ms, lib_ms))
    figures["first latin"].append((latin_ms, latin_wall))
    figures["first cjk"].append(_run(root, TITLES["cjk"])[1:])
    figures["all scripts"].append(_run(root, TITLES["all"])[1:])


def _size(root: Path) -> float:
    return sum(p.stat().st_size for p in (root / "fonts").iterdir() if p.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", type=Path, help="a checkout of the commit to compare with")
    args = ap.parse_args()
    keys = [k for k in BASELINE if k != "fonts MB"]
    now: dict[str, list[tuple[float, float]]] = {k: [] for k in keys}
    base: dict[str, list[tuple[float, float]]] = {k: [] for k in keys}
    for _ in range(args.runs):
        _measure(ROOT, now)
        if args.baseline:
            _measure(args.baseline.resolve(), base)
    print(f"{'figure':<14}{'CPU ms':>10}{'wall ms':>10}{'baseline CPU ms':>18}")
    for k in keys:
        cpu = statistics.median(c for c, _ in now[k])
        wall = statistics.median(w for _, w in now[k])
        b = statistics.median(c for c, _ in base[k]) if base[k] else BASELINE[k]
        print(f"{k:<14}{cpu:>10.1f}{wall:>10.1f}{'' if b is None else f'{b:>18.1f}'}")
    b = _size(args.baseline) if args.baseline else BASELINE["fonts MB"]
    print(f"{'fonts MB':<14}{_size(ROOT):>10.2f}{'':>10}{b:>18.2f}")


if __name__ == "__main__":
    main()
