"""Draw the sample covers of ``book-of-the-week-reel`` (``assets/*.jpg``).

The real covers are copyrighted, so the samples use the jackets the project
draws for the same books in its sample series (``samples/make_covers.py``,
same palette, layout and motif), drawn larger: 900x1350 px.  The reel shows
the cover about 800 px tall and drifts over it with a Ken Burns zoom of up
to 1.06, so at this size it is never enlarged.

Run from anywhere with the project's Python (Pillow with Raqm)::

    python templates/book-of-the-week-reel/assets/make_sample_cover.py

Deterministic: running it again gives identical bytes.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[2] / "samples"
SIZE = (900, 1350)
#: The records' Sampul in samples/koleksi-baru.csv; each is written here under its own name.
COVERS = ("covers/laskar-pelangi.jpg", "covers/filosofi-kopi.jpg")


def main() -> None:
    spec = importlib.util.spec_from_file_location("make_covers", SAMPLES / "make_covers.py")
    assert spec is not None and spec.loader is not None
    covers = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = covers  # its dataclasses look their module up
    spec.loader.exec_module(covers)
    with (SAMPLES / "koleksi-baru.csv").open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh, delimiter=";"))
    designs = covers.choose_designs(records)  # the whole series, so the choice matches
    for cover in COVERS:
        rec, design = next((r, d) for r, d in zip(records, designs, strict=True) if r["Sampul"] == cover)
        pal, layout, motif, family = design
        out = HERE / Path(cover).name
        img = covers.draw_cover(rec, pal, layout, motif, family, SIZE)
        img.save(out, "JPEG", quality=90, optimize=True, progressive=False)
        print(f"{out.name}: {SIZE[0]}x{SIZE[1]}, {pal.name}/{layout}/{motif}/{family}, "
              f"{out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
