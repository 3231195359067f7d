"""Typography sweep: libmedia's own lint over real catalogue data, per data set and format.

Runs ``libmedia check TEMPLATE DATA --render --json`` (layout, draw and lint
of every record; nothing written) over each data set in the Instagram
formats, and prints one table: posts, titles that shrink, titles cut,
records that failed, and the count of each typography lint code
(touching-lines, bare-break, shortened-with-room, small-text,
low-contrast, truncated, missing-glyph).  These are the figures issue 7's
"Done when" asks for; the data sets are the ones it names, read from
``../shared/realdata`` (skipped when absent).

    python bench/typography_sweep.py [--template new-book] [--only NAME] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
DATA = {
    "goodbooks-first2000": "books/goodbooks-10k_books_first2000.csv",
    "goodbooks-nonlatin": "books/goodbooks-10k_books_nonlatin_script.csv",
    "goodbooks-ind": "books/goodbooks-10k_books_lang_ind.csv",
    "perpus-inventory": "indonesia/perpus_inventory_buku.csv",
    "slims-sample": "slims/slims_sample_biblio.csv",
    "slims-senayan": "slims/senayan_biblio_export_reconstructed.csv",
    "C01-C14": "cases/C01_C14_text_clipping_titles.csv",
    "C02": "cases/C02_long_titles_wrap.csv",
    "C10": "cases/C10_rtl_bidi_titles.csv",
    "C12-C13": "cases/C12_C13_scripts_and_emoji.csv",
}
FORMATS = ("instagram-square", "instagram-portrait", "instagram-story")
CODES = ("touching-lines", "bare-break", "shortened-with-room", "small-text", "low-contrast",
         "truncated", "missing-glyph")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--template", default="new-book")
    ap.add_argument("--only", action="append", help="data set name (repeat); default: all")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if not REAL.is_dir():
        print(f"no real data at {REAL}: nothing to measure")
        return 0
    head = ["data set", "format", "posts", "shrink", "cut", "failed", *CODES, "s"]
    print(" | ".join(head))
    totals = dict.fromkeys(CODES, 0)
    for name, rel in DATA.items():
        if args.only and name not in args.only:
            continue
        path = REAL / rel
        if not path.exists():
            continue
        t0 = time.monotonic()
        cmd = [sys.executable, "-m", "libmedia", "check", args.template, str(path), "--render",
               "--json", "--jobs", str(args.jobs), *(a for f in FORMATS for a in ("--format", f))]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        try:
            found = json.loads(proc.stdout)
        except json.JSONDecodeError:
            print(f"{name}: check failed ({proc.returncode}): {proc.stderr[-400:]}")
            continue
        seconds = time.monotonic() - t0
        for f in found["formats"]:
            counts = [f["codes"].get(c, {}).get("count", 0) for c in CODES]
            for c, n in zip(CODES, counts, strict=True):
                totals[c] += n
            print(" | ".join(str(v) for v in (name, f["format"], f["posts"], len(f["shrank"]),
                                              len(f["cut"]), len(f["failed"]), *counts,
                                              f"{seconds:.0f}")))
    print("total | " + " | ".join(f"{c} {n}" for c, n in totals.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
