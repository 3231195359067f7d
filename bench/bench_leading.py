"""Line spacing on real titles: touching lines counted on rendered pixels, and
the cost of laying titles out.

Sets every title and original title of a goodbooks CSV (default: the
non-Latin file in ../shared/realdata) with the default brand's title style
(Plus Jakarta Sans 800, 76 px, line height 1.08, tracking -10) at the given
widths, draws each line of each block on its own transparent canvas and
counts, for every pair of neighbouring lines:

* ``interleave``: the lowest ink row of a line is at or below the highest ink
  row of the next (their rows of ink overlap: no clear row between them);
* ``touch``: an ink pixel of one line is next to (8-neighbourhood) or on an
  ink pixel of the next.

Then times ``layout_text`` over the first ``--timed`` titles as a template
sets a title (``max-lines=3``, ``fit=shrink`` down to 44 px, balanced), once
without a height bound (layout's measuring pass) and once in a 240 px box
(the final pass), with
a cold cache (a new font library) each round, best of ``--rounds``.

    python bench/bench_leading.py --widths 560 936
    PYTHONPATH=/tmp/base python bench/bench_leading.py   # another checkout
"""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

import libmedia
from libmedia.typography import FontLibrary, Span, TextStyle, draw_text_block, layout_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "realdata" / "books" / "goodbooks-10k_books_nonlatin_script.csv"
TITLE = TextStyle(family="Plus Jakarta Sans", size=76, weight=800, line_height=1.08, tracking=-10)


def titles(path: Path) -> list[str]:
    """Every non-empty ``title`` and ``original_title`` of a goodbooks CSV, in file order."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        for key in ("title", "original_title"):
            t = (row.get(key) or "").strip()
            if t:
                out.append(t)
    return out


def line_masks(block, pad: int = 40) -> list[Image.Image]:
    """The ink (alpha) of each line of ``block`` drawn alone on a canvas of the block's size."""
    size = (int(block.width) + 2 * pad, int(block.height) + 2 * pad)
    masks = []
    for ln in block.lines:
        img = Image.new("RGBA", size, (0, 0, 0, 0))
        draw_text_block(img, replace(block, lines=(ln,)), (pad, pad))
        masks.append(img.getchannel("A"))
    return masks


def pair_contacts(masks: list[Image.Image]) -> tuple[int, int]:
    """(interleaving pairs, touching pairs) among neighbouring lines' masks."""
    inter = touch = 0
    for a, b in zip(masks, masks[1:], strict=False):
        ba, bb = a.getbbox(), b.getbbox()
        if ba is None or bb is None:
            continue
        if ba[3] > bb[1]:
            inter += 1
        if ImageChops.multiply(a.filter(ImageFilter.MaxFilter(3)), b).getbbox() is not None:
            touch += 1
    return inter, touch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--widths", type=int, nargs="*", default=[560, 936])
    ap.add_argument("--timed", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    texts = titles(args.csv)
    print(f"libmedia from {Path(libmedia.__file__).parent}")
    print(f"{len(texts)} titles from {args.csv.name}")
    for width in args.widths:
        blocks = pairs = inter = touch = blocks_touching = 0
        heights = []
        for t in texts:
            block = layout_text([Span(t, TITLE)], width)
            if len(block.lines) < 2:
                continue
            blocks += 1
            i, k = pair_contacts(line_masks(block))
            pairs += len(block.lines) - 1
            inter += i
            touch += k
            blocks_touching += k > 0
            heights.append(block.height / len(block.lines))
        print(f"width {width}: {blocks} multi-line blocks, {pairs} line pairs; "
              f"interleaving pairs {inter}, touching pairs {touch}, blocks with touching lines "
              f"{blocks_touching}; mean height per line {sum(heights) / max(1, len(heights)):.1f} px")
    timed = (texts * (args.timed // max(1, len(texts)) + 1))[: args.timed]
    if not timed:
        return
    for label, height in (("no height bound, as layout measures", None),
                          ("in a 240 px box, as layout sets the final text", 240.0)):
        best = cpu = float("inf")
        for _ in range(args.rounds):
            lib = FontLibrary()
            t0, c0 = time.perf_counter(), time.process_time()
            for t in timed:
                layout_text([Span(t, TITLE)], 936, max_lines=3, max_height=height, fit="shrink",
                            min_size=44, balance=True, align="center", library=lib)
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        print(f"layout of {len(timed)} titles, shrink + balance at 936 px, {label}: best of "
              f"{args.rounds}: {best:.2f} s wall, {cpu:.2f} s CPU, "
              f"{cpu / len(timed) * 1000:.2f} ms CPU per title")

if __name__ == "__main__":
    main()
