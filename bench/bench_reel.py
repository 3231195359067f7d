"""Benchmark (issue 6): a 5-book reel by libmedia, by a plain MoviePy script,
and the encoder floor, side by side in one run.

The same 5 real covers (SLiMS export in ../shared/realdata/slims: its first
5 rows whose cover file is there, copied with a 5-row CSV into a temporary
folder) and the same music (assets/music/soft-shelves.m4a):

(a) libmedia   ``libmedia render new-books-reel DATA.csv --format tiktok
               --music soft-shelves.m4a -o OUT.mp4`` (1080x1920, 30 fps; the
               template's own pacing: 15.1 s for 5 books);
(b) MoviePy    bench/moviepy_reel.py, the script a user would write (ImageClips
               with a resize zoom, crossfades, TextClips, CompositeVideoClip,
               write_videofile libx264 + aac, MoviePy's default preset), with
               the same scene timing, in its own venv with a plain
               ``pip install moviepy==2.2.1`` (made once in
               bench/_out/venv-moviepy-user; it brings Pillow 11);
(c) floor      the same number of frames, libmedia's own, computed before
               timing into a raw rgb24 file, read back and handed to
               :class:`libmedia.encode.video.VideoWriter` (the same ffmpeg,
               the same settings and music filter as (a)).

Each runs as a subprocess; wall seconds are from start to exit (start-up
included for all three); CPU seconds (user + system, the process and the
ffmpeg it ran, from wait4) are printed too: on a shared machine the wall
time of one run swings with the other load, the CPU time much less, so
``--repeat`` runs (a) and (c) alternately and keeps the fastest of each.  Memory: every 0.05 s the whole process tree (the
process and its children: ffmpeg) is sampled with psutil; the peak of the
summed PSS (proportional set size: a page shared by n processes counts 1/n)
is the figure the target applies to; the RSS sum is printed too.

Then 20 clips in a row: one process renders the same 5-book clip 20 times
with :func:`libmedia.motion.clip.render_clip` (what a batch task runs) and
reports its RSS, USS, open file descriptors, threads and child processes
after each; no growth means the RSS after the last clip at most 16 MiB
above the RSS after the second (the first fills the caches: fonts, glyphs,
covers), the same fd count as after the first and no child left.

Targets (issue 6): (a) at most 1.5x (c); (a) at least 6x faster than (b);
(a) peak memory under 800 MB; 20 clips with no growth in memory or open
files.  Prints PASS or FAIL for each; exit status 1 when one fails.

Needs psutil (``pip install -e '.[bench]'``) and the real data.

Measured on 30 November 2026 on the 2-core development machine (load
average about 3 from the runs themselves), 5 SLiMS covers, the template's
own pacing: 18.6 s, 558 frames.  (a) libmedia 11.74 s wall, 20.0 s CPU,
peak 611 MiB PSS for Python and ffmpeg together; (c) the encoder floor
8.03 s, 14.2 s CPU, 395 MiB: 1.46x (CPU 1.42x), fastest of three runs each.
(b) MoviePy 2.2.1 (on 17.6 s of the same clip, before the last pacing
change) took 167.4 s and 2.0 GiB PSS: 14.3x libmedia, and its file fails
``libmedia probe`` (no colour tags, index at the end, 44.1 kHz audio).  20
clips in one process: RSS 238 MiB after the first, 233 after the second,
184 after the twentieth; 4 open files throughout; no child left.
``--breakdown``: drawing the 558 frames alone takes 5.9 s, a Ken Burns
frame about 12 ms, a transition frame 16-26 ms.

    python bench/bench_reel.py [--clips 20] [--repeat 1] [--skip-moviepy]
                               [--moviepy-preset medium] [--breakdown] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("LIBMEDIA_REALDATA", ROOT.parent / "shared" / "realdata"))
SLIMS = REALDATA / "slims"
MUSIC = ROOT / "assets" / "music" / "soft-shelves.m4a"
FONT = ROOT / "fonts" / "PlusJakartaSans[wght].ttf"
USER_VENV = ROOT / "bench" / "_out" / "venv-moviepy-user"
PY = sys.executable
MIB = 1024 * 1024
#: "No growth" over the clips after the first: at most this much more RSS (allocator noise).
GROWTH_LIMIT = 16 * MIB


# ---------------------------------------------------------------------------
# data


def make_data(folder: Path, books: int = 5) -> Path:
    """A ``books``-row CSV (title, author, call_number, cover, ...) and its
    covers/ folder in ``folder``: the SLiMS sample's first rows whose cover
    file exists.  Returns the CSV's path."""
    src = SLIMS / "slims_sample_biblio.csv"
    with src.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r.get("cover")
                and (SLIMS / "covers" / r["cover"]).is_file()][:books]
    if len(rows) < books:
        raise SystemExit(f"only {len(rows)} rows of {src} have a cover in covers/")
    (folder / "covers").mkdir(parents=True, exist_ok=True)
    for r in rows:
        shutil.copy2(SLIMS / "covers" / r["cover"], folder / "covers" / r["cover"])
    out = folder / "books.csv"
    keys = ["title", "author", "call_number", "cover", "publisher", "year", "isbn", "subject"]
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, keys, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "cover": f"covers/{r['cover']}"})
    return out


def make_user_venv() -> Path:
    """bench/_out/venv-moviepy-user with a plain ``pip install moviepy==2.2.1``."""
    py = USER_VENV / "bin" / "python"
    if not py.exists():
        print("making the MoviePy user's venv (pip install moviepy==2.2.1) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(USER_VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "moviepy==2.2.1"], check=True)
    return py


# ---------------------------------------------------------------------------
# memory of a process tree


class TreeSampler(threading.Thread):
    """Samples the memory of ``pid`` and its descendants every ``interval``
    seconds: sums of RSS, PSS and USS (bytes); keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = {"rss": 0, "pss": 0, "uss": 0, "procs": 0}
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            total = {"rss": 0, "pss": 0, "uss": 0}
            for p in procs:
                try:
                    m = p.memory_full_info()
                except psutil.Error:
                    continue
                total["rss"] += m.rss
                total["pss"] += getattr(m, "pss", m.rss)
                total["uss"] += m.uss
            for k, v in total.items():
                self.peak[k] = max(self.peak[k], v)
            self.peak["procs"] = max(self.peak["procs"], len(procs))
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_measured(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run ``cmd``; wall seconds, peak memory of its tree, its stdout."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                            cwd=cwd)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    # wait4: the CPU time of the process and of the children it waited for (ffmpeg)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    rc = proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.stop()
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if rc != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({rc}):\n{stderr[-3000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            **{f"peak_{k}": v for k, v in sampler.peak.items()},
            "samples": sampler.samples, "stdout": stdout}


# ---------------------------------------------------------------------------
# the contenders

# (c): frames from a raw file to VideoWriter, as libmedia's encoder takes them
FLOOR = r'''
import json, sys
from libmedia.encode.audio import AudioTrack
from libmedia.encode.video import VideoSettings, VideoWriter
spec = json.loads(sys.argv[1])
audio = AudioTrack(**spec["audio"]) if spec["audio"] else None
w, h = spec["size"]
n = w * h * 3
with open(spec["raw"], "rb", buffering=0) as f, \
        VideoWriter(spec["out"], (w, h), VideoSettings(fps=spec["fps"]), frames=spec["frames"],
                    audio=audio) as out:
    for _ in range(spec["frames"]):
        out.write(f.read(n))
'''

# 20 clips in a row, one process: RSS, USS, fds, threads, children after each
SOAK = r'''
import json, os, sys, tempfile
import psutil
from libmedia.jobs import open_job
from libmedia.motion.clip import ClipOptions, render_clip
from libmedia.render import fonts_for
data, music, clips = sys.argv[1], sys.argv[2], int(sys.argv[3])
me = psutil.Process()
job = open_job("new-books-reel", data, ["tiktok"], run_preflight=False)
inp = job.render_input(job.records, job.formats[0])
library = fonts_for(inp)
for i in range(clips):
    done = render_clip(inp, library, ClipOptions(music=music))
    m = me.memory_full_info()
    print(json.dumps({"clip": i + 1, "rss": m.rss, "uss": m.uss, "fds": me.num_fds(),
                      "threads": me.num_threads(), "children": len(me.children(recursive=True)),
                      "mp4": len(done.mp4), "duration": done.duration}), flush=True)
'''


def prepare_frames(data: Path, raw: Path) -> dict:
    """Make libmedia's clip of ``data`` and write its frames to ``raw`` (rgb24,
    one after the other): the floor's input, computed before any timing."""
    from libmedia.jobs import open_job
    from libmedia.motion.clip import ClipOptions, make_clip
    from libmedia.render import fonts_for

    job = open_job("new-books-reel", data, ["tiktok"], run_preflight=False)
    inp = job.render_input(job.records, job.formats[0])
    clip = make_clip(inp, fonts_for(inp), ClipOptions(music=str(MUSIC)))
    with raw.open("wb") as f:
        for frame in clip.timeline.frames():
            f.write(frame)
    a = clip.audio
    tl = clip.timeline
    return {"size": list(clip.size), "fps": tl.fps, "frames": tl.frame_count,
            "duration": clip.duration, "starts": list(tl.starts),
            "scenes": [s.duration for s in tl.scenes],
            "transitions": [s.transition_duration for s in tl.scenes],
            "audio": {"path": str(a.path), "volume": a.volume, "fade_in": a.fade_in,
                      "fade_out": a.fade_out, "start": a.start} if a else None}


def frame_breakdown(data: Path) -> None:
    """Where a frame's time goes: drawing time (frame(t) and tobytes, no
    encoding) per kind of frame of libmedia's clip of ``data``."""
    from libmedia.jobs import open_job
    from libmedia.motion.clip import ClipOptions, make_clip
    from libmedia.render import fonts_for

    job = open_job("new-books-reel", data, ["tiktok"], run_preflight=False)
    inp = job.render_input(job.records, job.formats[0])
    tl = make_clip(inp, fonts_for(inp), ClipOptions(silent=True)).timeline
    cost: dict[str, list[float]] = {}
    last_key: object = object()
    for n in range(tl.frame_count):
        t = n / tl.fps
        key = tl.key(t)
        i, j, _ = tl._at(t)
        if j is not None:
            kind = f"transition into scene {j}"
        elif key is not None and key == last_key:
            kind = "repeated (not drawn)"
        else:
            kind = f"scene {i}" + (" (Ken Burns)" if any(
                ly.ken_burns for ly in tl.scenes[i].layers) else "")
        t0 = time.perf_counter()
        if not kind.startswith("repeated"):
            tl.frame(t).tobytes()
        cost.setdefault(kind, []).append(time.perf_counter() - t0)
        last_key = key
    total = sum(sum(v) for v in cost.values())
    print(f"\ndrawing {tl.frame_count} frames without encoding: {total:.2f} s")
    for kind, v in sorted(cost.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {kind:28} {len(v):4} frames {sum(v):6.2f} s ({100 * sum(v) / total:4.1f} %) "
              f"{1000 * sum(v) / len(v):6.1f} ms a frame")


def probe_line(path: Path) -> str:
    from libmedia.encode.probe import probe

    r = probe(path)
    v, a = r.video, r.audio
    what = (f"{v.width}x{v.height} {v.frame_count} frames {v.duration:.2f} s" if v else "no video")
    what += f", audio {a.sample_rate} Hz {a.duration:.2f} s" if a else ", no audio"
    verdict = "platforms accept it" if r.ok else "refused: " + ", ".join(sorted(
        d.code for d in r.errors))
    return f"{what}; {verdict}"


# ---------------------------------------------------------------------------
# report


def mib(v: float) -> str:
    return f"{v / MIB:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clips", type=int, default=20, help="clips in a row for the memory soak")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run (a) and (c) this many times, alternating; the fastest counts")
    ap.add_argument("--skip-moviepy", action="store_true", help="leave out (b)")
    ap.add_argument("--moviepy-preset", default="medium",
                    help="x264 preset of (b) (MoviePy's default: medium)")
    ap.add_argument("--breakdown", action="store_true",
                    help="also print the drawing time per kind of frame (no encoding)")
    ap.add_argument("--keep", type=Path, help="keep the data and the three MP4s in this folder")
    args = ap.parse_args(argv)

    if not SLIMS.is_dir():
        raise SystemExit(f"no real data at {SLIMS} (set LIBMEDIA_REALDATA)")
    tmp = Path(tempfile.mkdtemp(prefix="libmedia-bench-reel-", dir=args.keep))
    try:
        return _bench(args, tmp)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


def _bench(args, tmp: Path) -> int:
    import PIL

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f} at start; Python {sys.version.split()[0]}, Pillow {PIL.__version__}")
    data = make_data(tmp / "data")
    with data.open(encoding="utf-8") as f:
        titles = [r["title"][:40] for r in csv.DictReader(f)]
    print(f"books: {'; '.join(titles)}")
    print(f"music: {MUSIC.relative_to(ROOT)}")
    user_py = None if args.skip_moviepy else make_user_venv()

    raw = tmp / "frames.rgb"
    t0 = time.perf_counter()
    spec = prepare_frames(data, raw)
    print(f"clip: {spec['size'][0]}x{spec['size'][1]}, {spec['fps']} fps, {spec['frames']} frames, "
          f"{spec['duration']:.3f} s (scenes {', '.join(f'{d:g}' for d in spec['scenes'])} s; "
          f"transitions {spec['transitions'][1]:g} s); floor frames precomputed in "
          f"{time.perf_counter() - t0:.1f} s ({raw.stat().st_size / MIB:,.0f} MiB raw)")
    out_a, out_b, out_c = tmp / "a-libmedia.mp4", tmp / "b-moviepy.mp4", tmp / "c-floor.mp4"

    # warm the page cache for the raw frames, the venvs' imports and ffmpeg
    subprocess.run(["cat", str(raw)], stdout=subprocess.DEVNULL, check=True)
    subprocess.run([PY, "-c", "import libmedia.cli, libmedia.motion.clip"], check=True)

    cmd_a = [PY, "-m", "libmedia", "render", "new-books-reel", str(data), "--format", "tiktok",
             "--music", str(MUSIC), "-o", str(out_a)]
    floor_spec = dict(spec, raw=str(raw), out=str(out_c))
    cmd_c = [PY, "-c", FLOOR, json.dumps(floor_spec)]
    runs_a, runs_c = [], []
    for _ in range(max(1, args.repeat)):
        runs_c.append(run_measured(cmd_c))
        runs_a.append(run_measured(cmd_a))
    a = min(runs_a, key=lambda r: r["wall"])
    c = min(runs_c, key=lambda r: r["wall"])
    a["peak_pss"] = max(r["peak_pss"] for r in runs_a)
    a["peak_rss"] = max(r["peak_rss"] for r in runs_a)
    b = None
    if user_py is not None:
        sc = spec["scenes"]
        cmd_b = [str(user_py), str(ROOT / "bench" / "moviepy_reel.py"), str(data), str(MUSIC),
                 str(FONT), str(out_b), "--intro", f"{sc[0]:g}", "--per", f"{sc[1]:g}",
                 "--outro", f"{sc[-1]:g}", "--transition", f"{spec['transitions'][1]:g}",
                 "--preset", args.moviepy_preset]
        b = run_measured(cmd_b)
        b_info = json.loads(b["stdout"].strip().splitlines()[-1])

    print()
    print(f"{'':34} {'wall s':>8} {'CPU s':>7} {'peak PSS MiB':>13} {'peak RSS MiB':>13} "
          f"{'procs':>6}")
    rows = [("(a) libmedia render", a), ("(c) encoder floor (same frames)", c)]
    if b is not None:
        rows.insert(1, (f"(b) MoviePy 2.2.1 script ({args.moviepy_preset})", b))
    for name, r in rows:
        print(f"{name:34} {r['wall']:8.2f} {r['cpu']:7.1f} {mib(r['peak_pss']):>13} {mib(r['peak_rss']):>13} "
              f"{r['peak_procs']:>6}")
    if args.repeat > 1:
        walls_a = ", ".join(f"{r['wall']:.2f}" for r in runs_a)
        walls_c = ", ".join(f"{r['wall']:.2f}" for r in runs_c)
        print(f"    (a) runs: {walls_a} s; (c) runs: {walls_c} s")
    print()
    print(f"(a) {out_a.name}: {probe_line(out_a)}")
    if b is not None:
        print(f"(b) {out_b.name}: {probe_line(out_b)} (script says {b_info['duration']:.3f} s)")
    print(f"(c) {out_c.name}: {probe_line(out_c)}")

    checks = []
    ratio_floor = a["wall"] / c["wall"]
    print(f"\nlibmedia / floor = {ratio_floor:.2f}x (CPU time {a['cpu'] / c['cpu']:.2f}x)", end="")
    checks.append((f"libmedia at most 1.5x the encoder floor ({ratio_floor:.2f}x)",
                   ratio_floor <= 1.5))
    if b is not None:
        speedup = b["wall"] / a["wall"]
        print(f"; MoviePy / libmedia = {speedup:.1f}x; MoviePy / floor = "
              f"{b['wall'] / c['wall']:.1f}x", end="")
        checks.append((f"libmedia at least 6x faster than the MoviePy script ({speedup:.1f}x)",
                       speedup >= 6))
    print()
    checks.append((f"libmedia peak memory under 800 MB (PSS sum {a['peak_pss'] / 1e6:,.0f} MB, "
                   f"RSS sum {a['peak_rss'] / 1e6:,.0f} MB)", a["peak_pss"] < 800e6))

    if args.breakdown:
        frame_breakdown(data)

    if args.clips > 0:
        print(f"\n{args.clips} clips in a row, one process (render_clip, full size):")
        t0 = time.perf_counter()
        soak = subprocess.run([PY, "-c", SOAK, str(data), str(MUSIC), str(args.clips)],
                              capture_output=True, text=True, cwd=ROOT)
        if soak.returncode != 0:
            raise SystemExit(f"soak failed:\n{soak.stderr[-3000:]}")
        lines = [json.loads(x) for x in soak.stdout.splitlines() if x.startswith("{")]
        wall = time.perf_counter() - t0
        for x in lines:
            if x["clip"] in (1, 2, 5, 10, 15, len(lines)) or x["clip"] == args.clips:
                print(f"  clip {x['clip']:>2}: RSS {mib(x['rss']):>5} MiB, USS {mib(x['uss']):>5} "
                      f"MiB, fds {x['fds']}, threads {x['threads']}, children {x['children']}")
        first, last = lines[0], lines[-1]
        # the first clip fills the caches (fonts, glyphs, covers): growth counts from the second
        warm = lines[1] if len(lines) > 1 else first
        grow = last["rss"] - warm["rss"]
        flat = grow <= GROWTH_LIMIT
        fds_same = last["fds"] == first["fds"]
        print(f"  {len(lines)} clips in {wall:.1f} s ({wall / len(lines):.2f} s a clip); RSS "
              f"first {mib(first['rss'])} MiB, after the second {mib(warm['rss'])} MiB, last "
              f"{mib(last['rss'])} MiB ({grow / MIB:+.1f} MiB from the second, "
              f"{grow / MIB / max(1, len(lines) - 2):+.2f} MiB a clip); open fds first "
              f"{first['fds']}, last {last['fds']}")
        checks.append((f"{len(lines)} clips in a row: memory flat (RSS {grow / MIB:+.1f} MiB "
                       f"from the second clip to the last, limit {GROWTH_LIMIT / MIB:.0f})",
                       flat and len(lines) == args.clips))
        checks.append((f"{len(lines)} clips in a row: open files flat ({first['fds']} -> "
                       f"{last['fds']}), no child left ({last['children']})",
                       fds_same and last["children"] == 0))

    load = os.getloadavg()
    print(f"\nload average at end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    failed = 0
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
