"""Word breaks in real catalogue titles, set as new-book sets them.

Every title of the Indonesian inventory and the first 2,000 goodbooks
records goes through ``layout_text`` at the new-book title style (the
default kit's ``title`` role: Plus Jakarta Sans 800, 76 px, line height
1.08; balance, fit shrink, min-size 40) in the square text column
(463.2 px, 5 lines), the portrait one (936 px, 3 lines) and the story one
(92 px, min-size 48, 936 px, 3 lines), and as the stand-in cover of a
square post sets it (see :data:`COVER`), in the brand's language (``id``).  It counts, per data set and format, titles with a line
that ends inside a word with a hyphen the title does not have
(hyphenated) and without any mark (bare), titles that shrink and titles
that are cut, and the time per layout.

Counting reads only the laid-out lines, so the script runs on any version
of libmedia (``PYTHONPATH=/path/to/other/checkout python bench/...``) to
compare before and after.

    python bench/bench_hyphenation.py [REALDATA] [--show N] [--no-titles] [--only FORMAT]

Bylines (the authors as libmedia reads them, through the ``names`` filter,
Inter 500 36 px, 2 lines, no shrink) are counted too: ``split`` is bylines
with a line ending between two words of one person's name.

Baseline (2026-11-30; before = c4acf98, glued-punctuation breaks already
in; after = dictionary hyphenation and names kept together):

    titles      every data set and format: 0 hyphenated, 0 bare, before
                and after (the glued breaks and shrinking to min-size
                already avoid every in-word break here; hyphenation is the
                net for narrower boxes and fixed sizes); shrunk and cut
                unchanged (inventory square 213 shrunk / 6 cut, goodbooks
                square 251 / 2)
    fixed       76 px, no shrinking, 463.2 px: titles with a bare break,
                before -> after: inventory 172 -> 2 (171 hyphenated),
                goodbooks 75 -> 0 (120 hyphenated); the two left are words
                with no dictionary point that fits (EN-TREPRENEUR-SHIP)
    bylines     split names, before -> after: inventory square 45 -> 33,
                portrait 32 -> 15; goodbooks square 300 -> 51, portrait
                148 -> 19 (what remains: one name wider than the line, or
                a byline that would lose a line); cut unchanged (13, 5,
                56, 27)
    speed       square title, fit shrink, 1,444 titles: 2.61-2.73 ->
                2.77-2.82 ms CPU per title (+2 to 8 %); pyphen's id and
                en_US dictionaries load once in 120 ms CPU
"""

from __future__ import annotations

import csv
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

from libmedia.textfilters import names, title_parts
from libmedia.typography import Span, TextStyle, layout_text

TITLE = TextStyle(family="Plus Jakarta Sans", size=76, weight=800, line_height=1.08,
                  language="id")
#: The stand-in cover's title (role ``cover-title``, 105 px per 1000) on the
#: square post's stand-in, 374 px wide: 10 % margins, up to 6 lines, shrunk
#: down to 6 % of the width (layout.lay_out_stand_in).
COVER = TextStyle(family="Literata", size=374 * 0.105, weight=600, line_height=1.12,
                  language="id")
#: format -> (style, width px, max lines, min size px, balance)
FORMATS = {"square": (TITLE, 463.2, 5, 40.0, True),
           "portrait": (TITLE, 936.0, 3, 40.0, True),
           "story": (replace(TITLE, size=92.0), 936.0, 3, 48.0, True),
           "stand-in": (COVER, 300.0, 6, 374 * 0.06, False),
           # no shrinking at all (min-size = size): what the line breaker
           # alone does with a word wider than the column
           "fixed": (TITLE, 463.2, None, 76.0, False)}


BYLINE = TextStyle(family="Inter", size=36, weight=500, line_height=1.3, language="id")
#: format -> byline width px (max 2 lines, no shrink, as new-book sets it)
BYLINE_FORMATS = {"square": 463.2, "portrait": 564.0}
_SEPARATOR = re.compile(r"(\s*&\s*|\s+(?:and|dan)\s+|,\s*)", re.IGNORECASE)


def bylines(realdata: Path) -> dict[str, list[list[str]]]:
    """Authors per record as libmedia reads them (display names)."""
    from libmedia.sources import read_records

    out = {}
    for name, rel in [("inventory", "indonesia/perpus_inventory_buku.csv"),
                      ("goodbooks", "books/goodbooks-10k_books_first2000.csv")]:
        ds = read_records(realdata / rel)
        out[name] = [list(r.lists.get("author_display") or r.lists.get("author") or [])
                     for r in ds.records]
    return out


def split_names(plain: str, lines: list[str]) -> int:
    """Line ends that fall between two words of one person's name in
    ``plain`` (the byline with ordinary spaces)."""
    inside = set()  # positions of spaces inside a name
    pos = 0
    for i, part in enumerate(_SEPARATOR.split(plain)):
        if i % 2 == 0:
            inside.update(pos + k for k, c in enumerate(part) if c == " ")
        pos += len(part)
    count, pos = 0, 0
    for line in lines[:-1]:
        shown = line.replace("\u00a0", " ").rstrip()
        k = plain.find(shown, pos)
        if k < 0:
            break
        pos = k + len(shown)
        count += pos in inside
    return count


def titles(realdata: Path) -> dict[str, list[str]]:
    out = {}
    with (realdata / "indonesia" / "perpus_inventory_buku.csv").open(
            encoding="utf-8", errors="replace", newline="") as fh:
        out["inventory"] = [r["judul_buku"] for r in csv.DictReader(fh) if r["judul_buku"].strip()]
    with (realdata / "books" / "goodbooks-10k_books_first2000.csv").open(
            encoding="utf-8", newline="") as fh:
        out["goodbooks"] = [r["title"] for r in csv.DictReader(fh) if r["title"].strip()]
    return out


def word_breaks(text: str, lines: list[str]) -> tuple[int, int]:
    """(hyphenated, bare) line ends inside a word of ``text``."""
    src = text.replace("\u00ad", "")
    pos = hyph = bare = 0
    for i, line in enumerate(lines):
        shown = line.rstrip(" \u00a0")
        if shown.endswith("\u2026"):
            break
        k = src.find(shown, pos)
        if k < 0 and shown.endswith("-"):
            k = src.find(shown[:-1], pos)
            shown = shown[:-1]
            if k >= 0 and i < len(lines) - 1:
                hyph += 1
                pos = k + len(shown)
                continue
        if k < 0:
            break
        end = k + len(shown)
        pos = end
        if i < len(lines) - 1 and end < len(src):
            a, b = src[end - 1], src[end]
            cjk = "\u2e80" <= a <= "\u9fff" and "\u2e80" <= b <= "\u9fff"
            if a.isalnum() and b.isalnum() and not cjk:
                bare += 1
    return hyph, bare


def main() -> None:
    argv = sys.argv[1:]
    args = [a for i, a in enumerate(argv)
            if not a.startswith("--") and (i == 0 or argv[i - 1] not in ("--show", "--only"))]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 0
    realdata = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "shared" / "realdata"
    layout_text([Span("warm up", TITLE)], 400)
    print(f"{'data':10} {'format':9} {'titles':>6} {'hyph':>5} {'bare':>5} {'shrunk':>6} "
          f"{'cut':>4} {'ms/title':>8}")
    for name, rows in (titles(realdata) if "--no-titles" not in sys.argv else {}).items():
        for fmt, (style, width, max_lines, floor, balance) in FORMATS.items():
            if "--only" in sys.argv and fmt != sys.argv[sys.argv.index("--only") + 1]:
                continue
            hyph_t = bare_t = shrunk = cut = 0
            shown = 0
            t0 = time.perf_counter()
            for title in rows:
                main_title = title_parts(title)["main"]
                block = layout_text([Span(main_title, style)], width, max_lines=max_lines,
                                    fit="shrink", min_size=floor, balance=balance)
                texts = [ln.text for ln in block.lines]
                h, b = word_breaks(main_title, texts)
                hyph_t += h > 0
                bare_t += b > 0
                shrunk += block.size < style.size
                cut += block.truncated
                if (h or b) and shown < show:
                    shown += 1
                    print(f"    {fmt} {block.size:g}px {' / '.join(texts)}")
            ms = (time.perf_counter() - t0) * 1000 / len(rows)
            print(f"{name:10} {fmt:9} {len(rows):6} {hyph_t:5} {bare_t:5} {shrunk:6} {cut:4} "
                  f"{ms:8.2f}")
    print(f"\nbylines (Inter 500 36 px, 2 lines)\n{'data':10} {'format':9} {'bylines':>7} "
          f"{'split':>5} {'hyph':>5} {'bare':>5} {'cut':>4}")
    for name, rows in bylines(realdata).items():
        rows = [r for r in rows if r]
        for fmt, width in BYLINE_FORMATS.items():
            split = hyph_t = bare_t = cut = 0
            for authors in rows:
                text = names(authors, 3, "id")
                block = layout_text([Span(text, BYLINE)], width, max_lines=2)
                texts = [ln.text for ln in block.lines]
                split += split_names(text.replace("\u00a0", " "), texts) > 0
                h, b = word_breaks(text, texts)
                hyph_t += h > 0
                bare_t += b > 0
                cut += block.truncated
            print(f"{name:10} {fmt:9} {len(rows):7} {split:5} {hyph_t:5} {bare_t:5} {cut:4}")


if __name__ == "__main__":
    main()
