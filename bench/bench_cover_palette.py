"""Benchmark: what taking a palette from each cover costs.

Prints, for every cover of the real data (``../shared/realdata/slims/covers``
and the C15/C24 cases, as the assets stage loads them for a 1080x1350 post)
and the book-quote sample cover: the median and worst ms of
:func:`libmedia.palette.palette_from_image` over 5 runs, beside the ms of
the whole book-quote sample render (portrait), so the palette's share of a
post is plain.  A template that asks for no ``cover:`` colour pays nothing
(the style stage only computes a palette for a page that uses one).

The machine may be shared: the load average is printed beside the figures.

    python bench/bench_cover_palette.py
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("LIBMEDIA_REALDATA") or ROOT.parent / "shared" / "realdata")
KIT = ROOT / "samples" / "libmedia.toml"
#: Baseline, measured on the 2-core development machine (load about 5): the
#: palette's median of medians 18.5 ms over the 18 covers (52.6 ms before the
#: k-means loop was vectorised with bincount); the sample post 0.09 s.
BASELINE = "palette median of medians 18.5 ms; book-quote sample post 0.09 s"


def main() -> None:
    from libmedia.assets import load_image
    from libmedia.brand import load_brand
    from libmedia.formats import get_format
    from libmedia.palette import palette_from_image
    from libmedia.render import RenderInput, render, sample_records
    from libmedia.templating import load_template

    kit = load_brand(KIT)
    covers = [ROOT / "templates" / "book-quote" / "assets" / "sample-cover.jpg"]
    covers += sorted((REALDATA / "slims" / "covers").glob("*"))
    covers += [REALDATA / "cases" / n for n in ("C15_cmyk_cover.jpg", "C24_cover_grayscale_L.jpg")]
    covers = [c for c in covers if c.is_file()]
    palette_from_image(load_image(covers[0].name, [covers[0].parent]).image, kit.colors)  # imports
    print(f"load average {os.getloadavg()[0]:.1f}; baseline: {BASELINE}")
    medians = []
    for path in covers:
        img = load_image(path.name, [path.parent], target_size=(1350, 1350)).image
        times = []
        for _ in range(5):
            t = time.perf_counter()
            p = palette_from_image(img, kit.colors)
            times.append((time.perf_counter() - t) * 1000)
        medians.append(statistics.median(times))
        print(f"  {path.name[:36]:36} {img.width:4}x{img.height:<4} median {medians[-1]:5.1f} ms, "
              f"worst {max(times):5.1f} ms  dominant #{bytes(p.dominant[:3]).hex()} "
              f"accent #{bytes(p.accent[:3]).hex()}{'' if p.has_accent else ' (brand)'}")
    print(f"palette: median of medians {statistics.median(medians):.1f} ms over {len(covers)} covers")
    t_ = load_template(ROOT / "templates" / "book-quote")
    inp = RenderInput(t_, sample_records(t_), get_format("instagram-portrait"), kit, search_dirs=[t_.path])
    render(inp)  # fonts and caches warm
    times = []
    for _ in range(3):
        t = time.perf_counter()
        render(inp)
        times.append(time.perf_counter() - t)
    print(f"book-quote sample post (portrait): median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
