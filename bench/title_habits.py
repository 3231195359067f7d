"""Measure how catalogue titles are set on new-book posts, over whole data files.

For every record of each data file and each Instagram format, lays the post
out (no drawing) and reads the main title's text block: how many lines, the
size it was set at against its nominal size (shrunk or not), whether it was
cut at its floor, and whether the stand-in cover (when the book has no
picture) printed it whole while the post cut it.  Prints one line per data
file and format:

    data  format  n  shrunk%  4+lines%  cut  cut-but-cover-whole  series-line  lines(mean)

Deterministic; about a minute per 1,000 records and format on one core.

    python bench/title_habits.py [--data FILE ...] [--formats F,...] [--jobs N]
                                 [--worst N]  (print the N titles set smallest)
                                 [--brand FILE]  (e.g. a kit with title_case = false)
"""

from __future__ import annotations

import argparse
import os
import statistics
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REALDATA = Path(os.environ.get("LIBMEDIA_REALDATA", "/work/shared/realdata"))
DEFAULT_DATA = [
    REALDATA / "indonesia" / "perpus_inventory_buku.csv",
    REALDATA / "books" / "goodbooks-10k_books_first2000.csv",
    REALDATA / "books" / "goodbooks-10k_books_lang_ind.csv",
    REALDATA / "slims" / "slims_sample_biblio.csv",
]
FORMATS = ("instagram-square", "instagram-portrait", "instagram-story")


def _measure(job: tuple[str, str, int, int, str | None]) -> list[dict]:
    """Lay out records ``start::step`` of ``path`` in ``fmt``; one dict per record."""
    path, fmt_name, start, step, brand_path = job
    from libmedia import render as pipeline
    from libmedia.brand import load_brand
    from libmedia.formats import get_format
    from libmedia.jobs import open_template
    from libmedia.sources import read_records

    data = read_records(path)
    template = open_template("new-book")
    brand = load_brand(brand_path)
    fmt = get_format(fmt_name)
    nominal_default = float(brand.types["title"].get("size", 0))
    out = []
    records = list(data.records)
    for record in records[start::step]:
        inp = pipeline.RenderInput(template, [record], fmt, brand, search_dirs=(Path(path).parent,),
                                   source=str(path), columns=tuple(data.columns))
        try:
            st = pipeline.render_until(inp, "layout")
        except Exception as exc:  # a record that cannot be rendered is counted, not fatal
            out.append({"row": record.row, "error": str(exc)})
            continue
        titles = [f for f in st.page.root.walk() if f.text is not None
                  and f.element.attrs.get("role") == "title"]
        stand = [f.stand_in for f in st.page.root.walk() if f.stand_in is not None]
        if not titles:
            continue
        t = titles[0]
        nominal = float(t.element.attrs.get("size") or nominal_default)
        cover_cut = None
        if stand:
            parts = [p for p in stand[0].parts if p.role == "cover-title"]
            cover_cut = parts[0].text.truncated if parts else None
        out.append({
            "row": record.row, "title": record.fields.get("title", ""),
            "lines": len(t.text.lines), "size": t.text.size, "nominal": nominal,
            "cut": t.text.truncated, "cover_cut": cover_cut,
            # a series note set on its own line (the title no longer carries "#n")
            "series": "\u00b7 #" in st.markup or "\u00b7 Level" in st.markup,
        })
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="*", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--worst", type=int, default=0)
    ap.add_argument("--brand", default=None, help="brand kit (default: libmedia's own)")
    args = ap.parse_args()
    print(f"{'data':38} {'format':20} {'n':>5} {'shrunk%':>8} {'4+lines%':>9} {'cut':>4} "
          f"{'cut,cover whole':>15} {'series':>7} {'lines':>6}")
    with ProcessPoolExecutor(args.jobs) as pool:
        for path in args.data:
            if not path.exists():
                print(f"{path.name:38} (absent)")
                continue
            for fmt in args.formats.split(","):
                jobs = [(str(path), fmt, i, args.jobs * 2, args.brand) for i in range(args.jobs * 2)]
                rows = [r for part in pool.map(_measure, jobs) for r in part]
                ok = [r for r in rows if "error" not in r]
                n = len(ok) or 1
                shrunk = sum(r["size"] < r["nominal"] - 0.01 for r in ok)
                four = sum(r["lines"] >= 4 for r in ok)
                cut = sum(r["cut"] for r in ok)
                cut_cover = sum(r["cut"] and r["cover_cut"] is False for r in ok)
                series = sum(r["series"] for r in ok)
                mean_lines = statistics.fmean(r["lines"] for r in ok) if ok else 0
                print(f"{path.name[:38]:38} {fmt:20} {len(ok):5} {100 * shrunk / n:8.1f} "
                      f"{100 * four / n:9.1f} {cut:4} {cut_cover:15} {series:7} {mean_lines:6.2f}"
                      + (f"  errors: {len(rows) - len(ok)}" if len(rows) > len(ok) else ""))
                if args.worst:
                    for r in sorted(ok, key=lambda r: (r["size"] / r["nominal"], -r["lines"]))[:args.worst]:
                        print(f"    row {r['row']:>5} {r['size']:5.1f}px {r['lines']} lines"
                              f"{' CUT' if r['cut'] else ''}  {r['title'][:90]}")


if __name__ == "__main__":
    main()
