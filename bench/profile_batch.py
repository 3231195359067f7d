"""Where the time of one `libmedia batch` run goes, phase by phase.

Runs ``libmedia.batch.run_batch`` (what ``libmedia batch TEMPLATE DATA
--jobs N`` runs) in this process with timers wrapped around its phases,
without changing libmedia: imports, opening the template, reading the data,
pre-flight (the template's sample rendered in every format), the pool's
start (spawn + import + initialiser in each worker, up to the first
result), the records, and the manifest and clean-up.  Prints wall and CPU
seconds per phase (CPU of this process; the workers' CPU is reported
when they exit), the import cost of one worker measured separately, and
the bytes pickled per task (the Record sent to a worker) and per result.

    python bench/profile_batch.py DATA.csv [--jobs 2] [--format NAME ...]
    python bench/profile_batch.py --bench-data 200   # bench_data.py covers
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
C0 = time.process_time()

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("data", nargs="?", type=Path)
    p.add_argument("--bench-data", type=int, metavar="N",
                   help="use N rows of bench_data.py (1200x1800 covers, 100 distinct)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--format", action="append", default=[])
    p.add_argument("--template", default="new-book")
    a = p.parse_args()

    if a.bench_data:
        import bench_data

        covers = bench_data.ensure_covers(100)
        a.data = bench_data.write_csv(Path(tempfile.mkdtemp()) / "books.csv", a.bench_data, covers)
    if a.data is None:
        p.error("give DATA or --bench-data N")

    phases: list[tuple[str, float, float]] = []

    def mark(name: str, t: float, c: float) -> tuple[float, float]:
        t1, c1 = time.perf_counter(), time.process_time()
        phases.append((name, t1 - t, c1 - c))
        return t1, c1

    t, c = T0, C0
    import libmedia.batch as batch

    import libmedia.cli  # noqa: F401  (the command imports it too)
    t, c = mark("import libmedia.batch + cli", t, c)

    first_result = {}
    wrapped = {}

    def wrap(name: str, label: str):
        fn = getattr(batch, name)
        wrapped[name] = fn

        def inner(*args, **kw):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kw)
            finally:
                phases.append((label, time.perf_counter() - t0, time.process_time() - c0))
        setattr(batch, name, inner)

    wrap("open_template", "open template")
    wrap("read_data", "read data")
    wrap("fit_data", "fit data to template")
    wrap("preflight", "pre-flight (sample in each format)")
    wrap("render_records", "render records (pool start .. last result)")
    wrap("remove_stale_outputs", "clean-up of previous outputs")

    records: list = []
    sizes = {"task": [], "result": []}
    orig_progress_n = {"n": 0}

    def progress(done: int, total: int, failures: int) -> None:
        if done == 1 and "t" not in first_result:
            first_result["t"] = time.perf_counter()
        orig_progress_n["n"] = done

    orig_rr = batch.render_records

    def rr(settings, recs, jobs=1, progress=None):
        records.extend(recs)
        first_result["start"] = time.perf_counter()
        return orig_rr(settings, recs, jobs, progress)
    batch.render_records = rr

    cc0 = _cpu_children()
    with tempfile.TemporaryDirectory(prefix="libmedia-profile-") as out:
        t, c = time.perf_counter(), time.process_time()
        report = batch.run_batch(a.template, a.data, a.format, out, a.jobs, None, False, progress)
        total_run = time.perf_counter() - t
        for r in report.results[:50]:
            sizes["result"].append(len(pickle.dumps(r)))
    workers_cpu = _cpu_children() - cc0
    for rec in records[:50]:
        sizes["task"].append(len(pickle.dumps(rec)))

    n = len(report.results)
    print(f"== libmedia batch {a.template} {a.data} --jobs {a.jobs}: {n} records, "
          f"{len(report.formats)} format(s) ==")
    print(f"{'phase':<48} {'wall s':>8} {'CPU s':>8}")
    for name, w, cpu in phases:
        print(f"{name:<48} {w:>8.2f} {cpu:>8.2f}")
    if "t" in first_result:
        print(f"{'  of which: pool start to first result':<48} "
              f"{first_result['t'] - first_result['start']:>8.2f}")
    print(f"{'run_batch total':<48} {total_run:>8.2f}")
    print(f"{'process total (incl. interpreter + imports)':<48} {time.perf_counter() - T0:>8.2f} "
          f"{time.process_time():>8.2f}")
    print(f"workers' CPU (all pool processes): {workers_cpu:.2f} s = "
          f"{workers_cpu / max(1, n) * 1000:.0f} ms per record")
    if sizes["task"]:
        print(f"pickled per task (Record): median {sorted(sizes['task'])[len(sizes['task']) // 2]} B; "
              f"per result (RecordResult): median "
              f"{sorted(sizes['result'])[len(sizes['result']) // 2]} B")
    # one worker's start-up: a fresh interpreter importing what a spawned worker imports
    cmd = [sys.executable, "-c", "import time, os; t=time.perf_counter(); import libmedia.__main__, "
           "libmedia.batch; print(time.perf_counter()-t, time.process_time())"]
    w = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ})
    if w.returncode == 0:
        imp_wall, cpu = (float(x) for x in w.stdout.split())
        print(f"one worker's imports (libmedia.__main__ as __mp_main__ + libmedia.batch): "
              f"{imp_wall:.2f} s wall, {cpu:.2f} s CPU incl. interpreter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
