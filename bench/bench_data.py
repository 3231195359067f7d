"""Deterministic bench data: phone-sized cover JPEGs and a catalogue CSV using them.

Covers are 1200x1800 px RGB JPEGs (quality 88, 4:2:0), the size a phone
photo of a book cover is after a typical "medium" export.  Each is a seeded
two-colour diagonal gradient with low-frequency noise and a few solid
blocks (a title band, an author band), so the JPEG does not compress to
almost nothing (about 200-400 KB each, like a real photographed cover) and
decoding costs what a real one costs.  Cover ``i`` is the same bytes on
every machine with the same Pillow and libjpeg (seeded ``random.Random``,
no wall clock).

They are made once into a cache folder (default
``/tmp/libmedia-bench-covers``) and reused; ``ensure_covers`` only makes
the missing ones, on every core.

    python bench/bench_data.py --covers 3000 --rows 10000 --out /tmp/bench.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw

COVER_SIZE = (1200, 1800)
DEFAULT_CACHE = Path(os.environ.get("LIBMEDIA_BENCH_COVERS", "/tmp/libmedia-bench-covers"))

_WORDS = ("laut bintang rumah cahaya hujan jalan kota sungai pagi malam angin gunung "
          "buku cerita waktu hati api langit tanah pulau").split()
_NAMES = ("Andrea Hirata; Pramoedya Ananta Toer; Ayu Utami; Dee Lestari; Tere Liye; "
          "Leila S. Chudori; Eka Kurniawan; Okky Madasari; Laksmi Pamuntjak").split("; ")


def cover_name(i: int) -> str:
    """File name of cover ``i`` (0-based) inside the cache folder."""
    return f"cover-{i:05d}.jpg"


def make_cover(i: int, path: Path) -> int:
    """Write cover ``i`` to ``path``; returns its size in bytes."""
    rnd = random.Random(1_000_003 * (i + 1))
    w, h = COVER_SIZE
    c1 = tuple(rnd.randrange(256) for _ in range(3))
    c2 = tuple(rnd.randrange(256) for _ in range(3))
    # diagonal gradient: a 2x2 image blown up bilinearly
    grad = Image.new("RGB", (2, 2))
    grad.putdata([c1, (c1[0] // 2 + c2[0] // 2, c1[1] // 2 + c2[1] // 2, c1[2] // 2 + c2[2] // 2),
                  (c1[0] // 2 + c2[0] // 2, c1[1] // 2 + c2[1] // 2, c1[2] // 2 + c2[2] // 2), c2])
    img = grad.resize((w, h), Image.Resampling.BILINEAR)
    # low-frequency noise (blotches, paper texture) and fine grain
    blot = Image.frombytes("RGB", (60, 90), rnd.randbytes(60 * 90 * 3)).resize(
        (w, h), Image.Resampling.BICUBIC)
    grain = Image.frombytes("RGB", (w // 2, h // 2), rnd.randbytes(w // 2 * h // 2 * 3)).resize(
        (w, h), Image.Resampling.NEAREST)
    img = Image.blend(img, blot, 0.30)
    img = Image.blend(img, grain, 0.06)
    d = ImageDraw.Draw(img)
    for _ in range(3):
        y = rnd.randrange(100, h - 300)
        d.rectangle((80, y, w - 80, y + rnd.randrange(60, 200)),
                    fill=tuple(rnd.randrange(256) for _ in range(3)))
    tmp = path.with_suffix(".tmp")
    img.save(tmp, "JPEG", quality=88, optimize=False, subsampling=2)
    tmp.replace(path)
    return path.stat().st_size


def _make_one(args: tuple[int, str]) -> int:
    i, folder = args
    return make_cover(i, Path(folder) / cover_name(i))


def ensure_covers(n: int, folder: Path = DEFAULT_CACHE, jobs: int | None = None) -> list[Path]:
    """Covers 0..n-1 in ``folder``, making the missing ones (on ``jobs``
    processes, default every core).  Returns their paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / cover_name(i) for i in range(n)]
    missing = [(i, str(folder)) for i, p in enumerate(paths) if not p.is_file()]
    if missing:
        jobs = jobs or len(os.sched_getaffinity(0))
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_make_one, missing, chunksize=16))
    return paths


def write_csv(path: Path, rows: int, covers: list[Path]) -> Path:
    """A SLiMS-style CSV of ``rows`` records; row ``r`` uses cover
    ``r % len(covers)`` by absolute path.  Titles, authors and call numbers
    vary deterministically so text layout is not one cached string."""
    rnd = random.Random(42)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["biblio_id", "title", "author", "publisher", "year", "call_number", "cover",
                    "subject"])
        for r in range(rows):
            words = rnd.sample(_WORDS, rnd.randrange(2, 7))
            title = " ".join(words).capitalize()
            if rnd.random() < 0.3:
                title += ": " + " ".join(rnd.sample(_WORDS, 3))
            author = "; ".join(rnd.sample(_NAMES, rnd.randrange(1, 3)))
            call = f"{rnd.randrange(100, 999)}.{rnd.randrange(10, 99)} {author[:3].upper()} " \
                   f"{title[0].lower()}"
            w.writerow([r + 1, title, author, "Penerbit Contoh", 1990 + r % 35, call,
                        str(covers[r % len(covers)]) if covers else "", "Fiksi; Sastra"])
    return path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--covers", type=int, default=300, help="distinct cover files (default 300)")
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    p.add_argument("--out", type=Path, required=True, help="CSV to write")
    a = p.parse_args()
    covers = ensure_covers(a.covers, a.cache)
    write_csv(a.out, a.rows, covers)
    total = sum(c.stat().st_size for c in covers)
    print(f"{a.rows} rows -> {a.out}; {len(covers)} covers in {a.cache} "
          f"({total / len(covers) / 1024:.0f} KB each on average)")


if __name__ == "__main__":
    main()
