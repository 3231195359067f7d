"""Line breaking: where a line may end, and greedy breaking to a width.

Break opportunities (:func:`break_opportunities`) are those of the Unicode
line breaking algorithm (UAX #14) as ICU implements it (the ``icu4py``
bindings): after spaces, around em dashes, after hyphens, between CJK
characters but never before closing punctuation or small kana, after a soft
hyphen, and between the words of Thai, Lao, Khmer and Burmese, which ICU
finds with its dictionaries (those scripts write no spaces); and after a
comma, slash, semicolon or full stop glued to the next word, as catalogue
data often has them (:func:`_glued_breaks`).  Inside a URL a
few more are added (:func:`url_breaks`), so a long web address wraps at its
slashes instead of overflowing.

:func:`break_lines` fills each line with as many opportunities as fit the
width, measured as shaped; a word is broken inside (at a grapheme boundary)
only when it alone is wider than the box (case C02).  Newlines are
mandatory breaks.

A soft hyphen (U+00AD) is a break opportunity that is invisible unless a
line ends there, where it shows as a hyphen
(:func:`libmedia.typography.model.visible_text`, used when measuring and
drawing).
"""

from __future__ import annotations

import re
from functools import lru_cache

from icu4py.breakers import LineBreaker

from .measure import Measurer, span_width
from .model import Paragraph
from .shaping import graphemes

#: A web address as people type them in catalogues and captions: with a
#: scheme, or starting ``www.``; it ends at whitespace.
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)


def break_opportunities(text: str) -> list[int]:
    """Indices ``i`` (0 < i < len(text), ascending) where a line may end
    before ``text[i]``: the UAX #14 opportunities ICU finds plus
    :func:`url_breaks`.  Mandatory breaks (newlines) are the caller's: pass
    the text between them.  Indices are Python string indices (code points),
    not ICU's UTF-16 offsets.  Cached per string (an LRU of 8,192): the same
    title is broken again at every size a shrinking fit tries.
    """
    return list(_opportunities(text))


@lru_cache(maxsize=8192)
def _opportunities(text: str) -> tuple[int, ...]:
    n = len(text)
    if n < 2:
        return ()
    ops = {i for i in _uax14(text) if 0 < i < n}
    ops.update(_glued_breaks(text))
    if "/" in text or "." in text:
        for m in _URL.finditer(text):
            # punctuation that starts a query or a parameter begins the next line
            ops.difference_update(i for i in range(m.start() + 1, m.end())
                                  if text[i - 1] in "?#&")
            ops.update(url_breaks(text, m.start(), m.end()))
    return tuple(sorted(ops))


#: A comma, slash, semicolon or full stop with a letter straight after it, as
#: catalogue data often has (``INSTITUTIONS,INSTITUTIONAL``, ``Sejarah/Budaya``):
#: the line may end after it.  Not before a digit (``899.221``, ``1,5``), not
#: where a letter follows a full stop that follows a single letter (initials:
#: ``J.K.Rowling`` stays whole up to the surname).
_GLUED = re.compile(r"(?<=\w{2})[,;/.](?=[^\W\d_])")


def _glued_breaks(text: str) -> list[int]:
    """Break opportunities after punctuation that has no space after it
    (see :data:`_GLUED`); none inside a web address."""
    if not any(c in text for c in ",;/."):
        return []
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
    return [m.end() for m in _GLUED.finditer(text)
            if not any(a <= m.start() < b for a, b in urls)]


def _uax14(text: str) -> list[int]:
    """ICU's line-break boundaries in code-point indices (ICU counts UTF-16
    code units: a character outside the BMP, an emoji, counts two)."""
    ends = [end for _, end in LineBreaker(text, "").segments()]
    if text.isascii() or max(text) < "\U00010000":
        return ends
    utf16_to_cp = {}
    unit = 0
    for i, ch in enumerate(text):
        utf16_to_cp[unit] = i
        unit += 2 if ord(ch) > 0xFFFF else 1
    utf16_to_cp[unit] = len(text)
    return [utf16_to_cp[e] for e in ends if e in utf16_to_cp]


def url_breaks(text: str, start: int, end: int) -> list[int]:
    """Extra break opportunities inside the URL ``text[start:end]``: after a
    slash (``//`` stays whole) and before ``?``, ``#``, ``&`` and ``=``, as
    the Chicago Manual of Style advises for URLs (14.18), never within the
    first two characters of the address nor before its last character.
    """
    out = []
    for i in range(start + 2, end - 1):
        prev, ch = text[i - 1], text[i]
        if prev == "/" and ch != "/":
            out.append(i)
        elif ch in "?#&=" and prev != "/":
            out.append(i)
    return out


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
    """Greedy line breaking of ``para`` to ``max_width`` px (None: only at
    newlines): (start, end) index pairs into ``para.text``, trailing spaces
    included.  Each line takes as many :func:`break_opportunities` as fit;
    a word is broken at a grapheme boundary only when it alone is wider
    than the box, and then True is appended to ``broken``."""
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

