"""Reading workbooks: libmedia's .xlsx reader beside openpyxl's own ways of reading.

Two inputs:

* case C52 of the real data (a sheet whose used range reaches row 1,048,576,
  five books): ``read_records`` against openpyxl in normal mode (the
  baseline the case README measured at 28 s) and openpyxl read-only
  ``iter_rows`` (which pads every missing row up to the last one);
* a synthetic catalogue of ``--rows`` books x 8 columns (ISBNs as numbers,
  years, dates), written once with openpyxl's write-only mode.

Prints the median wall time of ``--repeat`` runs of each.  The openpyxl
normal-mode baseline on C52 is slow by nature; ``--no-baseline`` skips it.

    .venv/bin/python bench/bench_xlsx.py --rows 10000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

import openpyxl

from libmedia.sources import read_records

ROOT = Path(__file__).resolve().parent.parent
C52 = (Path(os.environ.get("LIBMEDIA_REALDATA", ROOT.parent / "shared" / "realdata"))
       / "cases" / "spreadsheets" / "C52_layout_title_rows_merged_header_hidden_rows.xlsx")


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls of ``fn`` and its last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def openpyxl_normal(path: Path) -> int:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[-1]
    return sum(1 for row in ws.iter_rows(values_only=True) if any(v is not None for v in row))


def openpyxl_read_only(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb.worksheets[-1]
        return sum(1 for row in ws.iter_rows(values_only=True) if any(v is not None for v in row))
    finally:
        wb.close()


def isbn13(i: int) -> int:
    """A valid ISBN-13 (978602...) for book ``i``, as a number."""
    body = f"978602{i:06d}"
    check = (10 - sum(int(d) * (3 if k % 2 else 1) for k, d in enumerate(body)) % 10) % 10
    return int(body + str(check))


def synthetic(path: Path, rows: int) -> Path:
    if path.exists():
        return path
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Koleksi")
    ws.append(["Judul", "Pengarang", "Penerbit", "Tahun", "ISBN", "No Panggil", "Tanggal Masuk",
               "Sinopsis"])
    base = dt.date(2020, 1, 1)
    for i in range(rows):
        ws.append([f"Judul buku nomor {i}", f"Pengarang {i % 97}", "Penerbit Nusa", 1990 + i % 35,
                   isbn13(i), f"{i % 1000:03d}.{i % 100:02d} PEN j",
                   base + dt.timedelta(days=i % 2000), "Ringkasan singkat " * 5])
    wb.save(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-baseline", action="store_true", help="skip openpyxl normal mode on C52")
    args = ap.parse_args()

    if C52.exists():
        t, ds = timed(lambda: read_records(C52), args.repeat)
        print(f"C52 libmedia read_records        {t * 1000:9.1f} ms  ({len(ds.records)} records)")
        t, n = timed(lambda: openpyxl_read_only(C52), 1)
        print(f"C52 openpyxl read-only iter_rows {t * 1000:9.1f} ms  ({n} non-empty rows)")
        if not args.no_baseline:
            t, n = timed(lambda: openpyxl_normal(C52), 1)
            print(f"C52 openpyxl normal mode         {t * 1000:9.1f} ms  ({n} non-empty rows) "
                  "[baseline]")
    else:
        print(f"C52 not found at {C52}; set LIBMEDIA_REALDATA")

    path = synthetic(Path(tempfile.gettempdir()) / f"libmedia-bench-isbn-{args.rows}.xlsx", args.rows)
    t, ds = timed(lambda: read_records(path), max(1, args.repeat // 2))
    print(f"{args.rows} rows libmedia read_records  {t * 1000:9.1f} ms  "
          f"({len(ds.records)} records, {t / max(1, len(ds.records)) * 1e6:.0f} us/record)")
    t, n = timed(lambda: openpyxl_read_only(path), 1)
    print(f"{args.rows} rows openpyxl read-only    {t * 1000:9.1f} ms  ({n} rows, values only)")
    csv_path = path.with_suffix(".csv")
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([ds.columns, *([r.raw[c] for c in ds.columns]
                                                for r in ds.records)])
    t, same = timed(lambda: read_records(csv_path), max(1, args.repeat // 2))
    print(f"{args.rows} rows the same table as CSV {t * 1000:9.1f} ms  ({len(same.records)} records; "
          "the shared normaliser's cost, ISBN hyphenation most of it)")


if __name__ == "__main__":
    main()
