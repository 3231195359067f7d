"""Memory of one process rendering many records with ``libmedia.render.render``.

Renders N records (new-book, instagram-portrait) with phone-sized covers
(1200x1800 JPEGs from bench/bench_data.py) one after another in this
process, as one batch worker does, and prints the resident set size (RSS,
from /proc/self/statm) every ``--every`` records, then the first, last and
peak figures and the growth per 1,000 records after the warm-up.  It also
prints how many layout nodes stretchable still holds in its module-level
measure registry (``stretchable.node._node_refs``): that number should be 0
between renders.

    python bench/memory_in_process.py [--records 2000] [--covers 300] [--every 100]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_data  # noqa: E402

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """Resident set size of this process in MiB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE / 2**20


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=2000)
    p.add_argument("--covers", type=int, default=300, help="distinct cover files")
    p.add_argument("--every", type=int, default=100)
    p.add_argument("--format", default="instagram-portrait")
    a = p.parse_args()

    covers = bench_data.ensure_covers(a.covers)
    csv_path = bench_data.write_csv(Path(f"/tmp/libmedia-bench-inproc-{a.records}.csv"),
                                    a.records, covers)

    from stretchable import node as st_node

    from libmedia.brand import load_brand
    from libmedia.formats import get_format
    from libmedia.jobs import cover_search_dirs, fit_data, open_template, read_data
    from libmedia.render import RenderInput, render
    from libmedia.typography import default_library

    template = open_template("new-book")
    ds = read_data(csv_path)
    fit_data(template, ds)
    dirs = cover_search_dirs(ds.path)
    brand = load_brand(None)
    fmt = get_format(a.format)
    library = default_library()

    samples: list[tuple[int, float]] = [(0, rss_mb())]
    print(f"{'records':>8} {'RSS MiB':>9} {'registry':>9} {'s':>7}")
    print(f"{0:>8} {samples[0][1]:>9.1f} {len(st_node._node_refs):>9} {0:>7.1f}")
    t0 = time.perf_counter()
    for n, rec in enumerate(ds.records[:a.records], 1):
        inp = RenderInput(template, [rec], fmt, brand, search_dirs=dirs, source=str(ds.path),
                          columns=list(ds.columns))
        render(inp, library)
        if n % a.every == 0 or n == a.records:
            samples.append((n, rss_mb()))
            print(f"{n:>8} {samples[-1][1]:>9.1f} {len(st_node._node_refs):>9} "
                  f"{time.perf_counter() - t0:>7.1f}", flush=True)
    gc.collect()
    after_gc = rss_mb()
    first = next((s for s in samples if s[0] >= a.every), samples[-1])
    last = samples[-1]
    peak = max(s[1] for s in samples)
    per_k = (last[1] - first[1]) / max(1, last[0] - first[0]) * 1000
    print(f"first (after {first[0]}) {first[1]:.1f} MiB, last (after {last[0]}) {last[1]:.1f} MiB, "
          f"peak {peak:.1f} MiB, after gc.collect() {after_gc:.1f} MiB")
    print(f"growth {per_k:.1f} MiB per 1,000 records after the first {first[0]}; "
          f"stretchable registry holds {len(st_node._node_refs)} nodes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
