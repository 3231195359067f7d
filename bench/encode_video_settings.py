"""Benchmark: x264 preset, CRF, threads and look-ahead for libmedia's 1080x1920 clips.

Content that looks like a reel, not a test pattern: flat brand colours,
two lines of title text sliding in, and a real cover photo (a JPEG from
../shared/realdata/slims/covers, or a generated gradient-and-noise picture
where that is absent) zooming and panning (Ken Burns), with a crossfade to
a second cover half-way.  The frames are drawn once into a raw rgb24 file
in /tmp; then, for each setting, the same ffmpeg command that
libmedia.encode.video.VideoWriter runs (``ffmpeg_command``) encodes them
from that file, so only the encoder is timed.  Printed per setting:

* wall seconds and encoded frames per second;
* peak RSS of the ffmpeg process (``os.wait4`` rusage, KB -> MB);
* file size (kbit/s of video);
* SSIM (Y) and PSNR (Y) of the decoded clip against the same frames
  converted to yuv420p by the same filter (so only the encoder's loss is
  measured, not the colour conversion).

The default (first line, marked ``*``) is VideoSettings() as shipped.

    python bench/encode_video_settings.py [--seconds 8] [--size 1080x1920]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from libmedia.encode.video import VideoSettings, ffmpeg_command  # noqa: E402

COVERS = ROOT.parent / "shared" / "realdata" / "slims" / "covers"


def _cover(name: str, size: tuple[int, int], seed: int) -> Image.Image:
    path = COVERS / name
    if path.is_file():
        return Image.open(path).convert("RGB").resize(size, Image.Resampling.LANCZOS)
    import random

    rnd = random.Random(seed)
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.effect_noise(size, 40).convert("RGB")
    tint = Image.new("RGB", size, (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    return Image.blend(Image.blend(img, noise, 0.3), tint, 0.4)


def make_frames(path: Path, size: tuple[int, int], frames: int, fps: int) -> None:
    """Draw ``frames`` reel-like frames into ``path`` (raw rgb24)."""
    w, h = size
    cw, ch = int(w * 0.62), int(w * 0.62 * 1.5)
    covers = [_cover("postgresql.jpg", (int(cw * 1.25), int(ch * 1.25)), 1),
              _cover("cathedral_bazaar.jpg", (int(cw * 1.25), int(ch * 1.25)), 2)]
    font_path = ROOT / "fonts" / "Inter[opsz,wght].ttf"
    font = ImageFont.truetype(str(font_path), size=max(12, w // 14))
    small = ImageFont.truetype(str(font_path), size=max(10, w // 24))
    bgs = [(242, 236, 224), (30, 58, 95)]
    inks = [(30, 30, 30), (250, 250, 250)]
    half = frames // 2
    with open(path, "wb") as out:
        for i in range(frames):
            scene = 0 if i < half else 1
            t = (i - scene * half) / max(1, half - 1)   # 0..1 within the scene
            frame = Image.new("RGB", size, bgs[scene])
            d = ImageDraw.Draw(frame)
            d.rectangle([0, int(h * 0.9), w, h], fill=(200, 80, 60))
            # Ken Burns: zoom 1.0 -> 1.15 on the cover, pan to the right
            cover = covers[scene]
            z = 1.0 + 0.15 * t
            zw, zh = int(cw * z), int(ch * z)
            moved = cover.resize((zw, zh), Image.Resampling.BILINEAR)
            ox = int((zw - cw) * t)
            moved = moved.crop((ox, (zh - ch) // 2, ox + cw, (zh - ch) // 2 + ch))
            frame.paste(moved, ((w - cw) // 2, int(h * 0.12)))
            # title sliding in from the left over the first 0.6 s
            slide = min(1.0, (i - scene * half) / (0.6 * fps))
            x = int(-w * (1 - slide) ** 3) + w // 12
            y = int(h * 0.12) + ch + h // 30
            d.text((x, y), "Cathedral & the Bazaar" if scene else "PostgreSQL Guide",
                   font=font, fill=inks[scene])
            d.text((x, y + font.size * 1.4), "Eric S. Raymond" if scene else "Bruce Momjian",
                   font=small, fill=inks[scene])
            # crossfade over the 10 frames before the cut
            if half - 10 <= i < half:
                other = Image.new("RGB", size, bgs[1])
                frame = Image.blend(frame, other, (i - (half - 10)) / 10)
            out.write(frame.tobytes())


def run(settings: VideoSettings, raw: Path, size, frames: int, out: Path) -> dict:
    cmd = ffmpeg_command(out, size, frames, settings, None)
    i = cmd.index("pipe:0")
    cmd[i] = str(raw)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if proc.returncode:
        raise SystemExit(f"ffmpeg failed: {err}")
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "bytes": out.stat().st_size}


def quality(raw: Path, size, fps: int, out: Path) -> tuple[float, float]:
    import imageio_ffmpeg

    w, h = size
    ref = ("scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,"
           "format=yuv420p")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(out),
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-framerate", str(fps),
           "-i", str(raw), "-lavfi",
           f"[1:v]{ref}[r];[0:v]format=yuv420p,split[a][b];[r]split[r1][r2];"
           "[a][r1]ssim;[b][r2]psnr", "-f", "null", "-"]
    err = subprocess.run(cmd, capture_output=True, text=True).stderr
    ssim = float(re.search(r"SSIM Y:([0-9.]+)", err).group(1))
    psnr = float(re.search(r"PSNR y:([0-9.inf]+)", err).group(1))
    return ssim, psnr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--size", default="1080x1920")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    base = VideoSettings()
    frames = round(args.seconds * base.fps)
    variants: list[tuple[str, VideoSettings]] = [("* default", base)]
    for preset in ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium"):
        if preset != base.preset:
            variants.append((preset, replace(base, preset=preset)))
    variants += [
        ("crf 18", replace(base, crf=18)),
        ("crf 23", replace(base, crf=23)),
        ("threads 1", replace(base, threads=1)),
        ("threads 4", replace(base, threads=4)),
        ("lookahead 40 (x264 default)", replace(base, rc_lookahead=40)),
        ("medium, x264 defaults (threads 3, lookahead 40)",
         replace(base, preset="medium", threads=3, rc_lookahead=40)),
        ("draft() at half size", base.draft()),
    ]
    with tempfile.TemporaryDirectory(prefix="libmedia-bench-video-") as tmp:
        tmp = Path(tmp)
        raw = tmp / "frames.rgb"
        t0 = time.perf_counter()
        make_frames(raw, size, frames, base.fps)
        half = (size[0] // 2 // 2 * 2, size[1] // 2 // 2 * 2)
        raw_half = tmp / "frames_half.rgb"
        make_frames(raw_half, half, frames, base.fps)
        print(f"{frames} frames of {size[0]}x{size[1]} drawn in {time.perf_counter() - t0:.1f} s "
              f"(content: flat colours, sliding text, a cover photo zooming and panning)")
        print(f"{'setting':48} {'preset':>9} {'crf':>3} {'thr':>3} {'la':>3} {'wall s':>7} "
              f"{'fps':>6} {'RSS MB':>7} {'kbit/s':>7} {'SSIM Y':>7} {'PSNR Y':>7}")
        for label, s in variants:
            sz, src = (half, raw_half) if label.startswith("draft") else (size, raw)
            out = tmp / "out.mp4"
            r = run(s, src, sz, frames, out)
            ssim, psnr = quality(src, sz, s.fps, out)
            kbps = r["bytes"] * 8 / 1000 / (frames / s.fps)
            print(f"{label:48} {s.preset:>9} {s.crf:>3} {s.threads:>3} {s.rc_lookahead:>3} "
                  f"{r['wall']:7.2f} {frames / r['wall']:6.1f} {r['rss_mb']:7.0f} {kbps:7.0f} "
                  f"{ssim:7.4f} {psnr:7.2f}")


if __name__ == "__main__":
    main()
