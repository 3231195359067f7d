"""Benchmark: what ``legibility="scrim"`` costs, and what it achieves.

Lays out the over-cover test fixture (a white title across a full-bleed
cover) once per cover picture (the SLiMS covers of ../shared/realdata, the
fixture's own busy picture and new-book's sample cover), then draws each
page with ``legibility="none"`` and with ``"scrim"``.  Prints per cover the
title's contrast as drawn (WCAG ratio) without and with the scrim, and the
median and p90 of the draw stage in ms both ways (the difference is the
scrim's cost: only texts that ask for one, and only those short of WCAG AA,
are measured and given a panel).

The machine may be shared: the load average is printed beside the figures.

    python bench/bench_scrim.py [-r 5] [--format instagram-portrait]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "templates" / "over-cover"
COVERS = ROOT.parent / "shared" / "realdata" / "slims" / "covers"


def main() -> None:
    from libmedia import lint
    from libmedia.brand import load_brand
    from libmedia.draw import draw_page
    from libmedia.formats import get_format
    from libmedia.render import RenderInput, fonts_for, render_until
    from libmedia.sources import Record
    from libmedia.templating import load_template

    ap = argparse.ArgumentParser()
    ap.add_argument("-r", type=int, default=5, help="draws per page and setting")
    ap.add_argument("--format", default="instagram-portrait")
    args = ap.parse_args()
    template, brand, fmt = load_template(FIXTURE), load_brand(), get_format(args.format)
    covers = [FIXTURE / "assets" / "busy.png", ROOT / "templates" / "new-book" / "assets" /
              "sample-cover.jpg", *sorted(COVERS.glob("*.[jJ][pP]*[gG]"))]
    times: dict[str, list[float]] = {"none": [], "scrim": []}
    print(f"{'cover':40} {'none':>6} {'scrim':>6}  (title contrast as drawn, WCAG ratio; needs 3:1)")
    for cover in covers:
        ratios = {}
        for how in ("none", "scrim"):
            fields = {"title": "Laskar Pelangi", "cover": str(cover), "legibility": how}
            rec = Record(row=1, line=2, fields=fields, raw=dict(fields))
            inp = RenderInput(template, [rec], fmt, brand, search_dirs=[FIXTURE])
            lib = fonts_for(inp)
            page = render_until(inp, "layout", lib).page
            image = draw_page(page, lib)
            for _ in range(args.r):
                t0 = time.perf_counter()
                draw_page(page, lib)
                times[how].append((time.perf_counter() - t0) * 1000)
            (node,) = page.find("text")
            ratios[how] = lint.text_contrast(image, node.text, (node.content.x, node.content.y),
                                             lib)[0]
        print(f"{cover.name[:40]:40} {ratios['none']:6.2f} {ratios['scrim']:6.2f}")
    for how, ms in times.items():
        p90 = sorted(ms)[int(0.9 * (len(ms) - 1))]
        print(f"draw, legibility={how:5}: median {statistics.median(ms):6.1f} ms  p90 {p90:6.1f} ms "
              f"({len(ms)} draws)")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
