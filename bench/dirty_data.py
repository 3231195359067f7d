"""Dirty catalogue CSVs with known breakages, for tests and the scale benchmark.

``make_dirty_csv(out_path, n_rows, n_broken, seed) -> [(row, kind), ...]``
writes a UTF-8 CSV of ``n_rows`` books (comma-separated, LF line ends,
goodbooks-10k's 23 columns, read from ``../shared/realdata/books/``; cycled
when more rows are asked for than it has) in which ``n_broken`` rows are
broken the ways real exports are, and returns each breakage as the
spreadsheet row it is on (the header is row 1, so book ``k`` is row
``k + 1``) and its kind.  ``book_id`` is rewritten to ``1..n_rows``, so a
reader's record can be matched with the row it must report:
``row == int(record.raw["book_id"]) + 1``.

Kinds (:data:`KINDS`; each names what is written in the ``title`` cell
unless said otherwise)

    unclosed-quote    a quote opens the title and never closes
                      (``"The Hunger Games``);
    quoted-word       a quoted word starts the title (``"Aku" dan Puisi``);
    inner-quotes      quotes inside an unquoted title (``The "Best" Book``);
    inch-mark         an inch mark ends the title (``Monitor 24"``);
    swallowing-quote  a quote opens the title and the title two rows below
                      ends with an inch mark, with no quote between: a
                      reader that honours the first quote swallows three
                      lines into one value (two rows of the returned list:
                      this kind, and ``inch-mark`` two rows below);
    extra-separators  a comma inside an unquoted title (``A, B``): one value
                      too many;
    huge-cell         ``original_title`` holds 200,000 characters;
    nul-byte          a NUL byte inside the title;
    bad-byte          a lone 0xFF byte (not UTF-8) inside the title;
    fewer-cells       the last 10 cells of the row are missing;
    line-breaks       a properly quoted title holding two line breaks (not
                      an error: the row spans three lines).

Content kinds (:data:`CONTENT_KINDS`, for ``kinds=ALL_KINDS``): values a
spreadsheet or a catalogue puts in a well-formed row

    error-title       the title is the error value ``#REF!`` (the book
                      cannot be posted: an error);
    empty-title       the title cell is empty (an error);
    formula-author    ``authors`` holds a formula saved as text;
    error-year        ``original_publication_year`` holds ``#N/A``;
    control-chars     Word's line break (VT) inside the title;
    impossible-year   ``original_publication_year`` is ``99999``;
    bad-isbn          both ISBN cells hold a number that is no ISBN;
    many-breaks       a quoted title holding 300 line breaks.

Rows 2 to 51 (the first 50 books) are never broken, so that sniffing the
file's head is not what is measured.  The same arguments give the same
bytes.

    python bench/dirty_data.py --rows 2000 --broken 100 --out /tmp/dirty.csv --measure
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "realdata" / "books" / "goodbooks-10k_books_first2000.csv"
"""The real books the rows are made from."""

KINDS = ("unclosed-quote", "quoted-word", "inner-quotes", "inch-mark", "swallowing-quote",
         "extra-separators", "huge-cell", "nul-byte", "bad-byte", "fewer-cells", "line-breaks")
"""Breakage kinds, used in turn (see the module docstring)."""

CONTENT_KINDS = ("error-title", "empty-title", "formula-author", "error-year", "control-chars",
                 "impossible-year", "bad-isbn", "many-breaks")
"""Breakages of a value in a well-formed row (see the module docstring)."""

ALL_KINDS = KINDS + CONTENT_KINDS
"""Every kind, the file's syntax and its values."""

FAILING_KINDS = frozenset({"error-title", "empty-title"})
"""Kinds whose book cannot be posted: ``check`` and ``batch`` give an error."""

CLEAN_HEAD = 50
"""Books at the top of the file that are never broken."""

HUGE = 200_000
"""Characters in a ``huge-cell`` value."""


def _field(value: str) -> str:
    """``value`` as an RFC 4180 field (quoted when it must be)."""
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _plain(title: str) -> str:
    """A title without commas and quotes (so it can be written unquoted)."""
    return title.replace(",", " -").replace('"', "'")


def _read_books(source: Path) -> tuple[list[str], list[list[str]]]:
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def make_dirty_csv(out_path: str | Path, n_rows: int, n_broken: int, seed: int,
                   source: Path = SOURCE, kinds: tuple[str, ...] = KINDS) -> list[tuple[int, str]]:
    """Write the dirty CSV to ``out_path``; return ``[(row, kind)]`` sorted
    by row (``row`` = spreadsheet row, header = 1).

    ``n_broken`` rows are broken, spread over books ``CLEAN_HEAD + 1`` to
    ``n_rows`` (a ``swallowing-quote`` breaks two: its own row and, with an
    ``inch-mark``, the book two rows below); kinds go round ``kinds``
    (:data:`KINDS` by default; :data:`ALL_KINDS` adds the content kinds).
    Raises ``ValueError`` when there is no room for that many.
    """
    header, books = _read_books(source)
    title_col, orig_col = header.index("title"), header.index("original_title")
    author_col, year_col = header.index("authors"), header.index("original_publication_year")
    isbn_cols = (header.index("isbn"), header.index("isbn13"))
    rng = random.Random(seed)
    rows = []
    for i in range(n_rows):
        cells = list(books[i % len(books)])
        cells[0] = str(i + 1)
        if i >= len(books):
            cells[title_col] = f"{cells[title_col]} (copy {i // len(books) + 1})"
        rows.append(cells)
    free = list(range(CLEAN_HEAD, n_rows - 2))
    if n_broken > len(free) // 4:
        raise ValueError(f"no room for {n_broken} broken rows among {n_rows}")
    rng.shuffle(free)
    taken: set[int] = set()
    plan: list[tuple[int, str]] = []
    count = 0  # broken rows planned (a swallowing quote breaks two)
    for i in free:
        if count == n_broken:
            break
        kind = kinds[len(plan) % len(kinds)]
        if kind == "swallowing-quote" and count + 2 > n_broken:
            kind = kinds[0]
        span = range(i - 1, i + 4) if kind == "swallowing-quote" else range(i - 1, i + 2)
        if any(j in taken for j in span):
            continue  # keep breakages apart: each row's own, and neighbours clean
        taken.update(span)
        plan.append((i, kind))
        count += 2 if kind == "swallowing-quote" else 1
    if count < n_broken:
        raise ValueError(f"no room for {n_broken} broken rows among {n_rows}")
    lines = [",".join(_field(h) for h in header)]
    raw: dict[int, list[str]] = {}
    expected: list[tuple[int, str]] = []
    for i, kind in plan:
        cells = [_field(c) for c in rows[i]]
        title = _plain(rows[i][title_col])
        if kind == "unclosed-quote":
            cells[title_col] = '"' + title
        elif kind == "quoted-word":
            word, _, rest = title.partition(" ")
            cells[title_col] = f'"{word}" {rest}'.rstrip()
        elif kind == "inner-quotes":
            word, _, rest = title.partition(" ")
            cells[title_col] = f'{word} "Best" {rest}'.rstrip()
        elif kind == "inch-mark":
            cells[title_col] = f'{title} 24"'
        elif kind == "swallowing-quote":
            cells = [_plain(c) for c in rows[i]]  # no quote between the two
            cells[title_col] = '"' + title
            raw[i + 1] = [_plain(c) for c in rows[i + 1]]
            raw[i + 2] = [_plain(c) for c in rows[i + 2]]
            raw[i + 2][title_col] += ' 24"'
            expected.append((i + 2 + 2, "inch-mark"))
        elif kind == "extra-separators":
            cells[title_col] = title.replace(" ", ", ", 1) if " " in title else title + ", Vol. 2"
        elif kind == "huge-cell":
            cells[orig_col] = "x" * HUGE
        elif kind == "nul-byte":
            cells[title_col] = title[:3] + "\x00" + title[3:]
        elif kind == "bad-byte":
            cells[title_col] = title[:3] + "\udcff" + title[3:]  # written as the byte 0xFF
        elif kind == "fewer-cells":
            cells = cells[:-10]
        elif kind == "line-breaks":
            cells[title_col] = _field(title.replace(" ", "\n", 2))
        elif kind == "error-title":
            cells[title_col] = "#REF!"
        elif kind == "empty-title":
            cells[title_col] = ""
        elif kind == "formula-author":
            cells[author_col] = _field('=VLOOKUP(B7,Pengarang!A:B,2,FALSE)')
        elif kind == "error-year":
            cells[year_col] = "#N/A"
        elif kind == "control-chars":
            cells[title_col] = _field(title.replace(" ", "\x0b", 1) if " " in title
                                      else title + "\x0b")
        elif kind == "impossible-year":
            cells[year_col] = "99999"
        elif kind == "bad-isbn":
            for col in isbn_cols:
                cells[col] = "12345"
        elif kind == "many-breaks":
            cells[title_col] = _field(title + "\n" * 300 + "Jilid 2")
        elif kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        raw[i] = cells
        expected.append((i + 2, kind))
    for i, cells in enumerate(rows):
        lines.append(",".join(raw.get(i) or [_field(c) for c in cells]))
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="surrogateescape")
    Path(out_path).write_bytes(data)
    return sorted(expected)


def measure(path: Path, n_rows: int) -> dict[str, int]:
    """Read ``path`` (made by :func:`make_dirty_csv`) with libmedia and
    count ``records``, books ``lost``, and ``right``/``wrong`` reported rows
    (a record's row against its ``book_id`` + 1)."""
    from libmedia.sources import read_records

    ds = read_records(path)
    ids = [r.raw.get("book_id", "") for r in ds.records]
    right = sum(1 for r, i in zip(ds.records, ids, strict=True)
                if i.isdigit() and r.row == int(i) + 1)
    return {"records": len(ds.records), "lost": n_rows - len(set(ids) & {str(k) for k in
                                                                       range(1, n_rows + 1)}),
            "right": right, "wrong": len(ds.records) - right}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--broken", type=int, default=100)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--measure", action="store_true",
                        help="read the file with libmedia and count records and right rows")
    args = parser.parse_args()
    expected = make_dirty_csv(args.out, args.rows, args.broken, args.seed)
    print(f"wrote {args.out}: {args.rows} books, {len(expected)} broken rows")
    if args.measure:
        got = measure(args.out, args.rows)
        print(f"read: {got['records']} records ({got['lost']} books lost); reported rows: "
              f"{got['right']} right, {got['wrong']} pointing at another book")
        print("baseline, 2000 rows, 100 broken, seed 9 (libmedia before issue 9; huge cells cut "
              "to 1,000 characters, as it crashed on them): 1971 records (29 books lost), "
              "102 of 1971 rows right even by its own count (first record = row 1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
