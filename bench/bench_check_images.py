"""What ``libmedia check`` pays to open every cover as a batch would.

``check`` used to read each cover's header only (``probe_image``: no pixel
decoded), so a file cut off in its last rows passed.  It now decodes every
byte at the smallest scale (:func:`libmedia.assets.verify_image`: a JPEG at
1/8 through DCT scaling, any other format reduced right after decoding).
This prints, per cover, the milliseconds of the header probe (the old
baseline), of ``verify_image`` (check today) and of ``load_image`` at the
size a batch draws a cover (1080 px, the batch's own cost), for:

* the 15 SLiMS covers in ``../shared/realdata/slims/covers`` (small JPEGs);
* phone-sized photos: 4000x3000 JPEGs (baseline and progressive) and a
  4000x3000 PNG, made here from noise and gradients (a camera's detail);
* C34's missing-end-marker JPEG (the only one that costs two extra
  decodes: :func:`libmedia.assets.jpeg_missing_only_eoi`).

Usage: ``.venv/bin/python bench/bench_check_images.py [--repeat 5]``.
Figures are the best of ``--repeat`` runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from libmedia.assets import load_image, probe_image, verify_image  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"


def best(fn, repeat: int) -> float:
    out = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out * 1000


def phone_photos(folder: Path) -> list[Path]:
    """4000x3000 pictures with a camera's amount of detail (noise over a gradient)."""
    noise = Image.effect_noise((4000, 3000), 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    photo = Image.blend(noise, gradient, 0.5)
    out = []
    for name, kw in (("phone_baseline.jpg", {"quality": 92}),
                     ("phone_progressive.jpg", {"quality": 92, "progressive": True}),
                     ("phone.png", {})):
        path = folder / name
        photo.save(path, **kw)
        out.append(path)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        groups = {
            "SLiMS covers": sorted((REALDATA / "slims" / "covers").glob("*")),
            "phone photos": phone_photos(Path(tmp)),
            "C34 missing end marker": [REALDATA / "cases" / "C34_covers" /
                                       "C34_cover_missing_eoi.jpg"],
        }
        print(f"{'file':44} {'size':>10} {'bytes':>9} {'probe':>8} {'check':>8} {'batch':>8}")
        for label, files in groups.items():
            totals = [0.0, 0.0, 0.0]
            for path in files:
                if not path.is_file():
                    continue
                with Image.open(path) as im:
                    size = f"{im.width}x{im.height}"
                figures = [best(lambda p=path: probe_image(p), args.repeat),
                           best(lambda p=path: verify_image(p), args.repeat),
                           best(lambda p=path: load_image(p, target_size=(1080, 1080)),
                                args.repeat)]
                totals = [a + b for a, b in zip(totals, figures, strict=True)]
                print(f"{path.name[:44]:44} {size:>10} {path.stat().st_size:>9} "
                      + " ".join(f"{f:8.1f}" for f in figures))
            print(f"{'= ' + label + ' (total ms)':55} {totals[0]:9.1f} {totals[1]:8.1f} "
                  f"{totals[2]:8.1f}\n")


if __name__ == "__main__":
    main()
