"""Line breaking: where a line may end, and greedy breaking to a width.

Break opportunities (:func:`break_opportunities`) follow the Unicode line
breaking algorithm (UAX #14).  :func:`break_lines` fills each line with as
many opportunities as fit the width, measured as shaped; a word is broken
inside (at a grapheme boundary) only when it alone is wider than the box
(case C02).  Newlines are mandatory breaks.
"""

from __future__ import annotations

from .measure import Measurer, span_width
from .model import Paragraph
from .shaping import graphemes

# line breaking

_CJK_RANGES = (
    (0x2E80, 0x2FFF), (0x3040, 0x30FF), (0x3100, 0x31FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
_NO_BREAK_BEFORE = set("、。，．・：；？！）」』】〕〉》”’ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.!?:;)]}")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0x2E80:
        return False
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def break_opportunities(text: str) -> list[int]:
    """Indices ``i`` where a line may end before ``text[i]`` (ascending).

    After a run of spaces; after a hyphen, en dash or slash between two
    letters or digits; before and after CJK ideographs (except before
    closing punctuation); at a zero-width space.  A simplification of
    UAX #14 that covers the scripts libmedia ships fonts for; mandatory
    breaks (newlines) are handled by the caller.
    """
    ops: list[int] = []
    n = len(text)
    for i in range(1, n):
        prev, ch = text[i - 1], text[i]
        if prev in " \u200b" and ch != " ":
            ops.append(i)
        elif prev in "-\u2010\u2013/" and i >= 2 and text[i - 2].isalnum() and ch.isalnum():
            ops.append(i)
        elif (_is_cjk(prev) or _is_cjk(ch)) and ch not in _NO_BREAK_BEFORE and prev != " " and ch != " ":
            ops.append(i)
    return ops



def break_word(para: Paragraph, start: int, end: int, max_width: float, m: Measurer) -> int:
    """Largest grapheme boundary ``b`` in (start, end) with text[start:b] fitting;
    at least one cluster."""
    bounds = []
    pos = start
    for g in graphemes(para.text[start:end]):
        pos += len(g)
        bounds.append(pos)
    lo, hi = 0, len(bounds) - 1
    best = bounds[0]
    while lo <= hi:
        mid = (lo + hi) // 2
        if span_width(para, start, bounds[mid], m) <= max_width:
            best = bounds[mid]
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def break_lines(para: Paragraph, max_width: float | None, m: Measurer,
                 broken: list[bool] | None = None) -> list[tuple[int, int]]:
    """Greedy line breaking: (start, end) index pairs, trailing spaces included.
    Appends True to ``broken`` when a word had to be broken inside."""
    text = para.text
    lines: list[tuple[int, int]] = []
    para_start = 0
    for hard in [*[i for i, c in enumerate(text) if c == "\n"], len(text)]:
        seg_start, seg_end = para_start, hard
        para_start = hard + 1
        if max_width is None:
            lines.append((seg_start, seg_end))
            continue
        ops = [seg_start + o for o in break_opportunities(text[seg_start:seg_end])] + [seg_end]
        start = seg_start
        while start < seg_end:
            best = None
            for op in ops:
                if op <= start:
                    continue
                if span_width(para, start, op, m) <= max_width + 0.01:
                    best = op
                else:
                    break
            if best is None:
                first = next(op for op in ops if op > start)
                best = break_word(para, start, first, max_width, m)
                if broken is not None and best < first:
                    broken.append(True)
            lines.append((start, best))
            start = best
        if seg_start == seg_end:
            lines.append((seg_start, seg_end))
    return lines

