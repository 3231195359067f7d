"""Draw the sample covers of ``new-books-grid`` (``assets/*.jpg``).

The real covers are copyrighted, so the samples use the jackets the project
draws for the same books in its sample series (``samples/make_covers.py``:
same palette, layout and motif per book).  A grid has to line up covers of
different shapes, so the samples come in three: most at 2:3 (600x900), one
children's book at 4:5 (720x900) and one narrow paperback (560x900).  The
grid shows a cover at most about 640 px tall, so none is enlarged past the
``upscaled`` lint's limit.

Run from anywhere with the project's Python (Pillow with Raqm)::

    python templates/new-books-grid/assets/make_sample_covers.py

Deterministic: running it again gives identical bytes.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[2] / "samples"
#: The records' Sampul in samples/koleksi-baru.csv and the size each is drawn at.
COVERS = {
    "covers/laskar-pelangi.jpg": (600, 900),
    "covers/na-willa.jpg": (720, 900),
    "covers/laut-bercerita.jpg": (600, 900),
    "covers/negeri-5-menara.jpg": (560, 900),
    "covers/cantik-itu-luka.jpg": (600, 900),
    "covers/filosofi-teras.jpg": (600, 900),
}


def main() -> None:
    spec = importlib.util.spec_from_file_location("make_covers", SAMPLES / "make_covers.py")
    assert spec is not None and spec.loader is not None
    covers = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = covers  # its dataclasses look their module up
    spec.loader.exec_module(covers)
    with (SAMPLES / "koleksi-baru.csv").open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh, delimiter=";"))
    designs = covers.choose_designs(records)  # the whole series, so the choice matches
    for cover, size in COVERS.items():
        rec, design = next((r, d) for r, d in zip(records, designs, strict=True) if r["Sampul"] == cover)
        pal, layout, motif, family = design
        out = HERE / Path(cover).name
        img = covers.draw_cover(rec, pal, layout, motif, family, size)
        img.save(out, "JPEG", quality=88, optimize=True, progressive=False)
        print(f"{out.name}: {size[0]}x{size[1]}, {pal.name}/{layout}/{motif}/{family}, "
              f"{out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
