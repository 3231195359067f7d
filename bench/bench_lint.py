"""Benchmark: what the typography lint costs per post.

Renders the first N records of a data file (default: the goodbooks
non-Latin file of ../shared/realdata, the slowest scripts) with new-book in
one format in this process, and times, per post, the stages the lint adds:
``lint_page`` (the rules on the laid-out page, ink measured from the
segments while the layout leaves ``Line.ink_*`` unset) and ``lint_drawn``
(``low-contrast``: the text's ink mask drawn again and the pixels behind it
read), beside the draw stage they sit next to.  Median and p90 ms.

The machine may be shared: the load average is printed beside the figures.

    python bench/bench_lint.py [DATA.csv] [-n 100] [--format instagram-square]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "realdata" / "books" / "goodbooks-10k_books_nonlatin_script.csv"


def main() -> None:
    from libmedia import lint
    from libmedia.draw import draw_page
    from libmedia.errors import Location
    from libmedia.jobs import open_job
    from libmedia.render import RenderInput, fonts_for, render_until

    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", default=str(DEFAULT))
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--format", default="instagram-square")
    args = ap.parse_args()
    job = open_job("new-book", args.data, [args.format], run_preflight=False)
    fmt = job.formats[0]
    times: dict[str, list[float]] = {"layout+lint": [], "lint_page": [], "draw": [],
                                     "lint_drawn": []}
    for rec in job.records[: args.n]:
        inp = RenderInput(job.template, [rec], fmt, job.brand, search_dirs=job.search_dirs,
                          source=job.source, columns=job.columns)
        lib = fonts_for(inp)
        t0 = time.perf_counter()
        st = render_until(inp, "layout", lib)
        t1 = time.perf_counter()
        where = Location(row=rec.row)
        lint.lint_page(st.page, where, fmt=fmt, library=lib)
        t2 = time.perf_counter()
        image = draw_page(st.page, lib)
        t3 = time.perf_counter()
        lint.lint_drawn(st.page, image, where, fmt=fmt, library=lib)
        t4 = time.perf_counter()
        for k, v in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            v_ms = v * 1000
            times[k].append(v_ms)
    n = len(times["draw"])
    print(f"{n} posts of {Path(args.data).name}, {fmt.name}; load average "
          f"{os.getloadavg()[0]:.1f}")
    for k, v in times.items():
        v = sorted(v)
        print(f"  {k:12s} median {statistics.median(v):7.1f} ms   p90 {v[int(0.9 * (n - 1))]:7.1f} ms")


if __name__ == "__main__":
    main()
