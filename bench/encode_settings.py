"""Benchmark: PNG and JPEG encoder settings for libmedia's 1080x1350 posts.

Renders the new-book instagram-portrait of a few real records with libmedia
(by default SLiMS rows 2 and 1, with cover photos, and row 1 of the
Indonesian inventory, which has no cover: a typographic placeholder), then
for each setting prints the median encode time of N runs and the file size:

* PNG compress_level 0..9, optimize off, in the mode encode_image() writes
  (RGB when every pixel is opaque, else RGBA) and, for comparison, the
  same picture flattened to RGB;
* JPEG quality 80/85/90/95 with 4:4:4 and 4:2:0 chroma subsampling
  (optimize and progressive off, as encode_image() writes them), with the
  PSNR against the RGB picture.

Times are for Image.save() into memory only (conversions done beforehand);
encode_image() itself, conversion included, is timed on its own line.

    python bench/encode_settings.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_new_book as bnb  # noqa: E402

PNG_LEVELS = range(10)
JPEG_QUALITIES = (80, 85, 90, 95)
SUBSAMPLING = {"4:4:4": 0, "4:2:0": 2}
# (data file, data row, label)
DEFAULT_RECORDS = [(bnb.SLIMS, 2, "cover"), (bnb.SLIMS, 1, "cover"),
                   (bnb.INDONESIA, 1, "placeholder")]


def render_posters(brand_path: Path) -> list[tuple[str, object]]:
    from libmedia.jobs import cover_search_dirs, fit_data, open_template, pick_record, read_data

    lib = bnb.Libmedia(brand_path)
    template = open_template("new-book")
    out = []
    for path, row, kind in DEFAULT_RECORDS:
        ds = read_data(path)
        fit_data(template, ds)
        rec = pick_record(ds, row)
        item = bnb._item(rec, cover_search_dirs(ds.path), str(ds.path), list(ds.columns))
        title = item.book["title"][:22]
        out.append((f"{path.parent.name} row {row} ({kind}): {title}", lib.draw(item)))
    return out


def save(img, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def measure(img, repeat: int, fmt: str, **kw) -> tuple[float, bytes]:
    data = save(img, fmt, **kw)  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        save(img, fmt, **kw)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), data


def psnr(ref, data: bytes) -> float:
    """Peak signal-to-noise ratio in dB of the decoded JPEG against ``ref`` (RGB)."""
    from PIL import Image, ImageChops

    with Image.open(io.BytesIO(data)) as im:
        hist = ImageChops.difference(ref, im.convert("RGB")).histogram()  # 3 x 256 bins
    mse = sum(n * (i % 256) ** 2 for i, n in enumerate(hist)) / (ref.width * ref.height * 3)
    return float("inf") if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--repeat", type=int, default=9, help="encodes per setting (median; default 9)")
    a = p.parse_args(argv)

    from libmedia.encode import JPEG_QUALITY, PNG_COMPRESS_LEVEL, encode_image
    from libmedia.raster import flatten

    with tempfile.TemporaryDirectory(prefix="libmedia-bench-brand-") as tmp:
        brand_path = Path(tmp) / "libmedia.toml"
        brand_path.write_text(bnb.BRAND_TOML, encoding="utf-8")
        posters = render_posters(brand_path)

    print("== PNG / JPEG encode settings, libmedia new-book instagram-portrait 1080x1350 ==")
    for line in bnb.machine_info():
        print(line)
    print(f"median of {a.repeat} encodes per setting (Image.save into memory); "
          f"libmedia now: PNG compress_level {PNG_COMPRESS_LEVEL}, JPEG quality {JPEG_QUALITY} 4:4:4")
    rows: dict[str, list[tuple[float, int, str]]] = {}
    for i, (label, img) in enumerate(posters, 1):
        opaque = img.getchannel("A").getextrema()[0] == 255
        png_img = img.convert("RGB") if opaque else img
        rgb = flatten(img, (255, 255, 255))
        alpha = img.getchannel("A")
        n_transparent = sum(alpha.histogram()[:255])
        bbox = alpha.point(lambda v: 255 if v < 255 else 0).getbbox()
        print(f"[{i}] {label}: encode_image() writes PNG as {png_img.mode}"
              + ("" if opaque else f" ({n_transparent} pixels not opaque, in box {bbox})"))
        t_png = statistics.median(_time(lambda im=img: encode_image(im, "png"), a.repeat))
        t_jpg = statistics.median(_time(lambda im=img: encode_image(im, "jpeg"), a.repeat))
        print(f"    encode_image() incl. conversion: png {t_png:.1f} ms, jpeg {t_jpg:.1f} ms")
        for level in PNG_LEVELS:
            ms, data = measure(png_img, a.repeat, "PNG", compress_level=level, optimize=False)
            rows.setdefault(f"PNG level {level} {png_img.mode}", []).append((ms, len(data), ""))
        if png_img.mode != "RGB":
            for level in PNG_LEVELS:
                ms, data = measure(rgb, a.repeat, "PNG", compress_level=level, optimize=False)
                rows.setdefault(f"PNG level {level} RGB (flattened)", []).append((ms, len(data), ""))
        for q in JPEG_QUALITIES:
            for name, ss in SUBSAMPLING.items():
                ms, data = measure(rgb, a.repeat, "JPEG", quality=q, subsampling=ss,
                                   optimize=False, progressive=False)
                rows.setdefault(f"JPEG q{q} {name}", []).append(
                    (ms, len(data), f"{psnr(rgb, data):.1f}"))

    print()
    head = ["setting".ljust(28)] + [f"[{i}] ms    KB  PSNR" for i in range(1, len(posters) + 1)]
    print("  ".join(head))
    for name, cells in rows.items():
        print("  ".join([name.ljust(28)] + [f"{ms:6.1f} {size / 1024:5.0f} {q:>5}"
                                           for ms, size, q in cells]))
    print()
    print("recommendation: " + recommend(rows))
    return 0


def _time(fn, repeat: int) -> list[float]:
    fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def recommend(rows: dict[str, list[tuple[float, int, str]]]) -> str:
    """A rule of thumb from the table: the highest PNG level that costs at most
    25 % more time than level 1, what level 9 would buy, the RGB/RGBA
    difference, and JPEG's size and quality at 90 4:4:4 vs 4:2:0."""
    def avg(cells: list[tuple[float, int, str]], j: int) -> float:
        return statistics.mean(float(c[j]) for c in cells)

    png = {k: v for k, v in rows.items() if k.startswith("PNG") and "flattened" not in k}
    levels = {int(k.split()[2]): v for k, v in png.items()}
    t1, s1 = avg(levels[1], 0), avg(levels[1], 1)
    cheap = max(lv for lv in levels if lv >= 1 and avg(levels[lv], 0) <= 1.25 * t1)
    tc, sc = avg(levels[cheap], 0), avg(levels[cheap], 1)
    t9, s9 = avg(levels[9], 0), avg(levels[9], 1)
    mode = next(iter(png)).split()[3]
    parts = [f"PNG: level {cheap} is the highest level within 25 % of level 1's time "
             f"({tc:.0f} vs {t1:.0f} ms, {sc / s1 - 1:+.0%} size); level 9 would save "
             f"{1 - s9 / s1:.0%} for {t9 / t1:.1f}x the time"]
    flat = {int(k.split()[2]): v for k, v in rows.items() if "flattened" in k}
    if flat:
        parts.append(f"first write opaque posts as RGB (they are {mode} now): level 1 "
                     f"{avg(flat[1], 1) / s1 - 1:+.0%} size, {avg(flat[1], 0) / t1 - 1:+.0%} time")
    q444, q420 = rows["JPEG q90 4:4:4"], rows["JPEG q90 4:2:0"]
    per = ", ".join(f"[{i}] {j[1] / p[1]:.0%}" for i, (j, p) in enumerate(zip(q444, levels[1],
                                                                              strict=True), 1))
    parts.append(f"JPEG q90 4:4:4 size as a share of PNG level 1: {per} (under 100 % = JPEG "
                 f"smaller), {avg(q444, 0):.0f} ms; 4:2:0 saves "
                 f"{1 - avg(q420, 1) / avg(q444, 1):.0%} more but loses "
                 f"{avg(q444, 2) - avg(q420, 2):.1f} dB PSNR on average (coloured text)")
    return "; ".join(parts) + "."


if __name__ == "__main__":
    sys.exit(main())
