"""Benchmark: memory of a whole `libmedia batch` run, beside a plain Pillow pool.

Makes N records (default 10,000) with phone-sized covers (1200x1800 JPEGs,
about 325 KB each, deterministic: see bench/bench_data.py; ``--covers``
distinct files, default 3,000, reused round-robin across the rows and made
once into /tmp/libmedia-bench-covers), then runs

    libmedia batch new-book DATA.csv --jobs 2 --out DIR

as a subprocess (``python -m libmedia``) and, every 0.2 s, samples the
memory of its whole process tree (the main process and every pool worker,
found again at each sample): RSS summed, and PSS and USS summed where
psutil can read them (Linux smaps; PSS counts shared pages once, so the
PSS sum is the tree's real footprint).  It prints the peak of each, the
RSS and PSS at 10 % .. 100 % of the records done, the growth per 1,000
records between 20 % and 100 % done (0 for a flat run), wall time and
images per second.

Beside it, in the same run and the same way, the baseline: the plain Pillow
poster of bench/plain_pillow_poster.py in a ProcessPoolExecutor with the
same number of processes over the same CSV (``--baseline none`` skips it).

Target (issue 5): the libmedia tree stays under 1 GB (peak PSS sum; the
RSS sum is printed too, it counts pages shared between the processes once
per process) with --jobs 2 over 10,000 records, and memory does not grow
with the number of records.

Needs psutil (``pip install -e '.[bench]'``).

    python bench/bench_memory.py [--records 10000] [--covers 3000] [--jobs 2]
                                 [--baseline plain|none] [--interval 0.2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_data  # noqa: E402

MIB = 2**20
LIMIT_BYTES = 1024 * MIB  # "under 1 GB"
MAX_GROWTH_MIB_PER_1000 = 10.0  # what "flat" means here: < 10 MiB per 1,000 records


# ---------------------------------------------------------------------------
# the plain baseline, run as its own process tree like libmedia


def plain_child(csv_path: Path, out: Path, jobs: int) -> None:
    """Runs in the baseline's child process: every row through the plain
    poster in a spawn pool of ``jobs`` processes."""
    import csv
    import multiprocessing

    import plain_pillow_poster as plain

    with open(csv_path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    url = "https://opac.example.id/index.php?p=show_detail&id={id}"
    jobs_list = [(plain.book_from_row(r, csv_path.resolve().parent, url), str(out / f"{i:05d}.png"))
                 for i, r in enumerate(rows, 1)]
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for _ in pool.map(plain.write_poster, jobs_list, chunksize=4):
            pass


# ---------------------------------------------------------------------------
# sampling


class TreeSampler(threading.Thread):
    """Samples the memory of a process and all its descendants every
    ``interval`` s until the process ends, and counts the images written."""

    def __init__(self, pid: int, out: Path, interval: float, full: bool):
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.out = out
        self.interval = interval
        self.full = full  # PSS/USS too (reads smaps: slower)
        self.samples: list[dict] = []  # t, rss, pss, uss, procs, done
        self.max_procs = 0
        self._halt = threading.Event()

    def _done(self) -> int:
        try:
            return sum(1 for e in os.scandir(self.out) if e.name.endswith((".png", ".jpg")))
        except OSError:
            return 0

    def run(self) -> None:
        ps = self.psutil
        t0 = time.perf_counter()
        last_count, done = 0.0, 0
        while not self._halt.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except ps.NoSuchProcess:
                break
            rss = pss = uss = 0
            full = self.full
            for p in procs:
                try:
                    if full:
                        m = p.memory_full_info()
                        rss += m.rss
                        pss += getattr(m, "pss", 0)
                        uss += m.uss
                    else:
                        rss += p.memory_info().rss
                except (ps.NoSuchProcess, ps.ZombieProcess):
                    continue
                except ps.AccessDenied:
                    full = False
                    rss += p.memory_info().rss
            now = time.perf_counter() - t0
            if now - last_count >= 1.0:  # listing a folder of 10,000 files: once a second
                done, last_count = self._done(), now
            self.samples.append({"t": now, "rss": rss, "pss": pss if full else None,
                                 "uss": uss if full else None, "procs": len(procs), "done": done})
            self.max_procs = max(self.max_procs, len(procs))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()


def run_tree(cmd: list[str], out: Path, interval: float, full: bool, env=None) -> dict:
    """Run ``cmd`` and sample its process tree; returns the samples and times."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    sampler = TreeSampler(proc.pid, out, interval, full)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop()
    sampler.join()
    if proc.returncode not in (0, 1):  # 1: some records had warnings/failures
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{stderr.decode()[-3000:]}")
    return {"wall": wall, "samples": sampler.samples, "max_procs": sampler.max_procs,
            "images": sampler._done(), "rc": proc.returncode,
            "stderr_tail": stderr.decode(errors="replace")[-600:], "stdout": stdout}


# ---------------------------------------------------------------------------
# figures


def _at_fraction(samples: list[dict], n: int, frac: float, key: str) -> float | None:
    """The largest ``key`` seen while the records done were within 5 % of
    ``frac`` of ``n`` (a peak near that point, not one lucky sample)."""
    lo, hi = (frac - 0.05) * n, (frac + 0.05) * n
    vals = [s[key] for s in samples if lo <= s["done"] <= hi and s[key] is not None]
    return max(vals) if vals else None


def summarize(run: dict, n: int) -> dict:
    s = run["samples"]
    out: dict = {"wall": run["wall"], "images": run["images"], "procs": run["max_procs"],
                 "samples": len(s)}
    for key in ("rss", "pss", "uss"):
        vals = [x[key] for x in s if x[key] is not None]
        out[f"peak_{key}"] = max(vals) if vals else None
    key = "pss" if out["peak_pss"] is not None else "rss"
    out["key"] = key
    out["curve"] = {f: _at_fraction(s, n, f, key) for f in (0.1, 0.2, 0.4, 0.6, 0.8, 0.95)}
    a, b = out["curve"][0.2], out["curve"][0.95]
    out["growth_per_1000"] = ((b - a) / ((0.95 - 0.2) * n) * 1000) if a and b else None
    return out


def fmt_mib(v: float | None) -> str:
    return "-" if v is None else f"{v / MIB:,.0f}"


def _row(cells, widths) -> str:
    return "  ".join(str(c).rjust(x) if i else str(c).ljust(x)
                     for i, (c, x) in enumerate(zip(cells, widths, strict=True)))


def report(n: int, jobs: int, covers: int, results: dict[str, dict]) -> int:
    import PIL
    import psutil

    print(f"== memory: new-book instagram-portrait, {n:,} records, --jobs {jobs} ==")
    print(f"covers: 1200x1800 JPEG, {covers:,} distinct files reused round-robin "
          f"(bench/bench_data.py); python {sys.version.split()[0]}, Pillow {PIL.__version__}, "
          f"psutil {psutil.__version__}, {os.cpu_count()} CPUs")
    print("memory of the whole process tree (main + workers), sampled every "
          f"{results[next(iter(results))]['interval']} s; MiB")
    w = (22, 8, 8, 8, 8, 9, 8, 10)
    head = ("", "wall s", "img/s", "images", "procs", "peak RSS", "peak PSS", "peak USS")
    print(_row(head, w))
    for name, r in results.items():
        s = r["summary"]
        row = (name, f"{s['wall']:.1f}", f"{s['images'] / s['wall']:.1f}", s["images"], s["procs"],
               fmt_mib(s["peak_rss"]), fmt_mib(s["peak_pss"]), fmt_mib(s["peak_uss"]))
        print(_row(row, w))
    print()
    for name, r in results.items():
        s = r["summary"]
        curve = ", ".join(f"{int(f * 100)}% {fmt_mib(v)}" for f, v in s["curve"].items())
        g = s["growth_per_1000"]
        print(f"{name}: {s['key'].upper()} by records done: {curve}; growth 20%->95%: "
              f"{'-' if g is None else f'{g / MIB:+.1f}'} MiB per 1,000 records")
    lib = results["libmedia"]["summary"]
    print()
    print("targets")
    checks = []
    peak = lib["peak_pss"] if lib["peak_pss"] is not None else lib["peak_rss"]
    checks.append((f"libmedia tree peak {'PSS' if lib['peak_pss'] is not None else 'RSS'} "
                   f"< 1 GiB at {n:,} records", peak < LIMIT_BYTES, f"{peak / MIB:,.0f} MiB"))
    checks.append(("libmedia tree peak RSS sum < 1 GiB (shared pages counted per process)",
                   lib["peak_rss"] < LIMIT_BYTES, f"{lib['peak_rss'] / MIB:,.0f} MiB"))
    g = lib["growth_per_1000"]
    checks.append((f"libmedia memory flat: growth < {MAX_GROWTH_MIB_PER_1000:.0f} MiB per 1,000 records",
                   g is not None and g / MIB < MAX_GROWTH_MIB_PER_1000,
                   "-" if g is None else f"{g / MIB:+.1f} MiB"))
    checks.append((f"every record written ({n:,} images)", lib["images"] == n, f"{lib['images']:,}"))
    if "plain pool" in results:
        p = results["plain pool"]["summary"]
        pk = p["peak_pss"] if p["peak_pss"] is not None else p["peak_rss"]
        print(f"  (baseline plain pool: peak {pk / MIB:,.0f} MiB, "
              f"{p['images'] / p['wall']:.1f} img/s; libmedia/plain peak {peak / pk:.2f}x, "
              f"wall {lib['wall'] / p['wall']:.2f}x)")
    ok_all = True
    for label, ok, value in checks:
        ok_all &= ok
        print(f"  {'PASS' if ok else 'FAIL'}  {label}: {value}")
    return 0 if ok_all else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--records", type=int, default=10_000)
    p.add_argument("--covers", type=int, default=3_000, help="distinct cover files (default 3,000)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--interval", type=float, default=0.2, help="sampling period in s (default 0.2)")
    p.add_argument("--baseline", choices=("plain", "none"), default="plain")
    p.add_argument("--rss-only", action="store_true",
                   help="sample RSS only (PSS/USS read smaps: a little CPU per sample)")
    p.add_argument("--json", type=Path, help="also write the samples here")
    p.add_argument("--plain-child", nargs=3, metavar=("CSV", "OUT", "JOBS"), help=argparse.SUPPRESS)
    a = p.parse_args(argv)

    if a.plain_child:
        plain_child(Path(a.plain_child[0]), Path(a.plain_child[1]), int(a.plain_child[2]))
        return 0

    try:
        import psutil  # noqa: F401
    except ImportError:
        raise SystemExit("bench_memory needs psutil: pip install -e '.[bench]'") from None

    t = time.perf_counter()
    covers = bench_data.ensure_covers(a.covers)
    work = Path(tempfile.mkdtemp(prefix="libmedia-bench-mem-"))
    try:
        csv_path = bench_data.write_csv(work / "books.csv", a.records, covers)
        print(f"data: {a.records:,} rows, {len(covers):,} covers ready in "
              f"{time.perf_counter() - t:.0f} s", file=sys.stderr)
        runs = {"libmedia": [sys.executable, "-m", "libmedia", "batch", "new-book", str(csv_path),
                             "--jobs", str(a.jobs), "--out", str(work / "libmedia")]}
        if a.baseline == "plain":
            runs["plain pool"] = [sys.executable, str(Path(__file__).resolve()), "--plain-child",
                                  str(csv_path), str(work / "plain"), str(a.jobs)]
        results = {}
        repo = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONPATH": str(repo) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        for name, cmd in runs.items():
            out = work / ("libmedia" if name == "libmedia" else "plain")
            out.mkdir(parents=True, exist_ok=True)
            print(f"running {name}: {' '.join(cmd[1:4])} ...", file=sys.stderr)
            r = run_tree(cmd, out, a.interval, not a.rss_only, env)
            r["interval"] = a.interval
            r["summary"] = summarize(r, a.records)
            results[name] = r
            shutil.rmtree(out, ignore_errors=True)
        if a.json:
            a.json.write_text(json.dumps({k: {"summary": v["summary"], "samples": v["samples"]}
                                          for k, v in results.items()}), encoding="utf-8")
        return report(a.records, a.jobs, len(covers), results)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
