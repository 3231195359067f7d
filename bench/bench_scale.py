"""Benchmark: `check` and `batch --jobs 2` on a dirty file at the scale users reach.

Builds N books (default 10,000) from goodbooks-10k (../shared/realdata/books/)
with bench/dirty_data.py, 5 % of them broken in varied ways: the file's
syntax (stray and unclosed quotes, a swallowing quote, extra separators, a
huge cell, NUL and non-UTF-8 bytes, missing cells, line breaks) and its
values (``#REF!`` and empty titles, a formula saved as text, ``#N/A``, Word's
line break, the year 99999, numbers that are no ISBN, 300 line breaks in a
title).  Beside it, in the same run, the same N books with nothing broken:
the baseline.  For each file it runs, as subprocesses whose whole process
tree is sampled for memory every 0.2 s (bench/bench_memory.py's sampler):

    libmedia check new-book FILE        (through libmedia.check.check_data)
    libmedia batch new-book FILE --jobs 2 --out DIR

and prints wall time, records per second, peak PSS (and RSS) of the tree,
memory growth per 1,000 records while batch runs, and whether exactly the
broken rows were reported:

* every broken row is reported by ``check`` and by ``batch`` at its own
  spreadsheet row, with the code its kind must give
  (:data:`EXPECTED_CODES`), and the two books whose title is lost fail in
  both (an error in ``check``, a failed record in ``batch``);
* no clean row gets a finding of those codes that the same row of the
  clean baseline does not have (a false alarm; goodbooks' own ISBNs in
  scientific notation are found in both);
* ``check`` and ``batch`` report the same rows with the same codes.

Findings every row of this data set carries whatever is broken (goodbooks'
``image_url`` is a web address, not fetched without ``--fetch-covers``;
ISBNs that lost a leading zero) are counted apart.

    python bench/bench_scale.py [--records 10000] [--broken-share 0.05] [--jobs 2]
                                [--baseline clean|none] [--seed 9]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench_memory  # noqa: E402
from dirty_data import ALL_KINDS, FAILING_KINDS, SOURCE, make_dirty_csv  # noqa: E402

MIB = 2**20

#: The codes a broken row of each kind must be reported with (empty: the row
#: is read right and nothing is to be said: a quoted word, an inch mark...).
EXPECTED_CODES: dict[str, set[str]] = {
    "unclosed-quote": {"unclosed-quote"}, "quoted-word": {"literal-quote"},
    "inner-quotes": set(), "inch-mark": set(), "swallowing-quote": {"swallowed-lines"},
    "extra-separators": {"extra-values"}, "huge-cell": {"value-too-long"},
    "nul-byte": {"control-characters"}, "bad-byte": {"bad-byte"},
    "fewer-cells": {"missing-values"}, "line-breaks": set(),
    "error-title": {"spreadsheet-error"}, "empty-title": set(), "formula-author": {"formula"},
    "error-year": {"spreadsheet-error"}, "control-chars": {"control-characters"},
    "impossible-year": {"year"}, "bad-isbn": {"isbn"}, "many-breaks": {"line-break"},
}

BREAKAGE_CODES = set().union(*EXPECTED_CODES.values()) | {"multi-line-row"}
"""Codes that only a breakage gives; any other finding is the data set's own."""


def child_check(data: Path, out_json: Path) -> None:
    """Run ``check`` in this process; write each row's findings as JSON."""
    from libmedia.check import check_data

    report = check_data("new-book", data)
    rows: dict[int, list[list[str]]] = defaultdict(list)
    for p in report.problems:
        if p.location.row is not None:
            rows[p.location.row].append([p.severity, p.code or ""])
    out_json.write_text(json.dumps({"rows": rows}), encoding="utf-8")


def run_check(data: Path, work: Path, interval: float) -> dict:
    out_json = work / f"{data.stem}.check.json"
    cmd = [sys.executable, __file__, "--child-check", str(data), str(out_json)]
    run = bench_memory.run_tree(cmd, work / "none", interval, full=True)
    found = json.loads(out_json.read_text(encoding="utf-8"))
    rows = {int(r): [tuple(x) for x in v] for r, v in found["rows"].items()}
    return {"run": run, "rows": rows}


def run_batch(data: Path, work: Path, jobs: int, interval: float) -> dict:
    out = work / f"{data.stem}.out"
    cmd = [sys.executable, "-m", "libmedia", "batch", "new-book", str(data), "--jobs", str(jobs),
           "--out", str(out)]
    run = bench_memory.run_tree(cmd, out, interval, full=True)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for rec in manifest["records"]:
        for w in rec.get("warnings", []):
            rows[rec["row"]].append((w["severity"], w.get("code") or ""))
        if rec["status"] == "failed":
            rows[rec["row"]].append(("error", (rec.get("error") or {}).get("code") or ""))
    return {"run": run, "rows": dict(rows), "records": len(manifest["records"]),
            "summary": manifest["summary"]}


def judge(expected: list[tuple[int, str]], rows: dict[int, list[tuple[str, str]]],
          baseline: dict[int, list[tuple[str, str]]] | None = None) -> dict:
    """How exactly ``rows`` (row -> [(severity, code)]) reports ``expected``.
    A clean row's finding is a false alarm unless ``baseline`` (the same
    books with nothing broken) has it at that row too: the data set's own
    problems (an ISBN in scientific notation) are no breakage."""
    baseline = baseline or {}
    broken = dict(expected)
    missed, wrong_fail = [], []
    for row, kind in expected:
        codes = {c for _, c in rows.get(row, [])}
        if not EXPECTED_CODES[kind] <= codes:
            missed.append((row, kind, sorted(codes & BREAKAGE_CODES)))
        failed = any(s == "error" for s, _ in rows.get(row, []))
        if failed != (kind in FAILING_KINDS):
            wrong_fail.append((row, kind, failed))
    def alarms(found: list[tuple[str, str]]) -> set[str]:
        return ({c for _, c in found} & BREAKAGE_CODES) | (
            {"<fails>"} if any(s == "error" for s, _ in found) else set())

    false_alarms = sorted(r for r, found in rows.items() if r not in broken
                          and alarms(found) - alarms(baseline.get(r, [])))
    own = Counter(c for r, found in rows.items() if r not in broken for _, c in found
                  if c not in BREAKAGE_CODES)
    return {"missed": missed, "wrong_fail": wrong_fail, "false_alarms": false_alarms,
            "own": own}


def _breakage_view(rows: dict[int, list[tuple[str, str]]]) -> dict[int, set[str]]:
    out = {}
    for r, found in rows.items():
        codes = {c for _, c in found if c in BREAKAGE_CODES}
        if any(s == "error" for s, _ in found):
            codes.add("<fails>")
        if codes:
            out[r] = codes
    return out


def report_run(label: str, n: int, checked: dict, batched: dict, expected,
               baseline: dict | None = None) -> bool:
    cs = bench_memory.summarize(checked["run"], n)
    bs = bench_memory.summarize(batched["run"], n)
    print(f"\n-- {label}: {n:,} books, {len(expected)} broken rows --")
    print(f"  check : {cs['wall']:7.1f} s  {n / cs['wall']:7.1f} records/s  "
          f"peak PSS {bench_memory.fmt_mib(cs['peak_pss'])} MiB "
          f"(RSS sum {bench_memory.fmt_mib(cs['peak_rss'])} MiB)")
    growth = bs["growth_per_1000"]
    print(f"  batch : {bs['wall']:7.1f} s  {n / bs['wall']:7.1f} records/s  "
          f"peak PSS {bench_memory.fmt_mib(bs['peak_pss'])} MiB "
          f"(RSS sum {bench_memory.fmt_mib(bs['peak_rss'])} MiB), "
          f"growth {'-' if growth is None else f'{growth / MIB:+.1f}'} MiB per 1,000 records, "
          f"{batched['records']:,} records in the manifest, summary {batched['summary']}")
    ok = True
    for who, found in (("check", checked["rows"]), ("batch", batched["rows"])):
        j = judge(expected, found, (baseline or {}).get(who))
        print(f"  {who}: broken rows reported right {len(expected) - len(j['missed'])}"
              f"/{len(expected)}; fails as it must {len(expected) - len(j['wrong_fail'])}"
              f"/{len(expected)}; false alarms on clean rows {len(j['false_alarms'])}")
        for row, kind, codes in j["missed"][:5]:
            print(f"    missed: row {row} ({kind}): found {codes}")
        for row, kind, failed in j["wrong_fail"][:5]:
            print(f"    row {row} ({kind}): {'failed' if failed else 'rendered'}")
        if j["false_alarms"]:
            print(f"    false alarms at rows {j['false_alarms'][:10]}")
        own = ", ".join(f"{c} {k}" for c, k in j["own"].most_common(6))
        print(f"    the data set's own findings (not breakages): {own or 'none'}")
        ok &= not (j["missed"] or j["wrong_fail"] or j["false_alarms"])
    a, b = _breakage_view(checked["rows"]), _breakage_view(batched["rows"])
    differ = sorted(r for r in set(a) | set(b) if a.get(r) != b.get(r))
    print(f"  check and batch disagree on {len(differ)} rows"
          + (f": e.g. {[(r, sorted(a.get(r, ())), sorted(b.get(r, ()))) for r in differ[:3]]}"
             if differ else ""))
    return ok and not differ


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--broken-share", type=float, default=0.05)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--baseline", choices=("clean", "none"), default="clean")
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--child-check", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_check:
        child_check(*args.child_check)
        return 0
    if not SOURCE.exists():
        print(f"needs the real data: {SOURCE} is missing")
        return 2
    n = args.records
    with tempfile.TemporaryDirectory(prefix="libmedia-scale-") as tmp:
        work = Path(tmp)
        dirty = work / "dirty.csv"
        t0 = time.perf_counter()
        expected = make_dirty_csv(dirty, n, round(n * args.broken_share), args.seed,
                                  kinds=ALL_KINDS)
        print(f"== scale: new-book, {n:,} books from goodbooks-10k, "
              f"{len(expected)} broken ({Counter(k for _, k in expected).most_common()}), "
              f"made in {time.perf_counter() - t0:.1f} s ==")
        runs = [("dirty", dirty, expected)]
        if args.baseline == "clean":
            clean = work / "clean.csv"
            make_dirty_csv(clean, n, 0, args.seed)
            runs.insert(0, ("baseline: nothing broken", clean, []))
        ok, baseline = True, None
        for label, path, exp in runs:
            checked = run_check(path, work, args.interval)
            batched = run_batch(path, work, args.jobs, args.interval)
            if not exp:  # the reference: its findings are the data set's own
                baseline = {"check": checked["rows"], "batch": batched["rows"]}
            ok &= report_run(label, n, checked, batched, exp, baseline)
    print("\nexactly the broken rows reported, check and batch agreeing:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
