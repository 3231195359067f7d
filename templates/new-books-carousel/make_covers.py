"""Draw the sample covers of new-books-carousel (``assets/*.jpg``).

The publishers' covers are copyrighted, so the template's twelve sample
books get generated jackets instead, drawn with the sample kit's cover
maker (``samples/make_covers.py``: a colour field, one geometric motif, the
title and the author, marked "sampul contoh").  Deterministic: running it
again writes the same bytes.  Run from anywhere::

    python templates/new-books-carousel/make_covers.py
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "samples"))

import make_covers as maker  # noqa: E402

SIZE = (720, 1080)  # 2:3, large enough for the fan and a slide without upscaling
QUALITY = 93


def main() -> int:
    with open(HERE / "template.toml", "rb") as fh:
        samples = tomllib.load(fh)["sample"]
    records = [{"Judul": s["title"], "Pengarang": s["author"], "Sampul": s["cover"]} for s in samples]
    for rec, design in zip(records, maker.choose_designs(records), strict=True):
        pal, layout, motif, family = design
        out = HERE / rec["Sampul"]
        maker.draw_cover(rec, pal, layout, motif, family, SIZE).save(
            out, "JPEG", quality=QUALITY, optimize=True, progressive=False)
        print(f"  {out.relative_to(HERE)}  {pal.name}/{layout}/{motif}  {out.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
