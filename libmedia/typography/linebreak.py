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
width, measured as shaped.  Only when a word alone is wider than the box
(case C02) does the line end elsewhere: at a no-break space of a name, then
at a dictionary hyphenation point with a hyphen (:mod:`.hyphenate`), and
only when no such point fits at a grapheme boundary with no mark (a "bare"
break, which the fit counts).  Newlines are mandatory breaks.

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
from .model import SOFT_HYPHEN as SOFT_HYPHEN_CHAR
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
    if any(_cjk(ch) for ch in text):
        ops = _phrase_breaks(text, ops)
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


def _cjk(ch: str) -> bool:
    """Kana, CJK ideographs and Hangul syllables (see :func:`_ideographic`)."""
    o = ord(ch)
    return 0x3040 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF \
        or 0x20000 <= o <= 0x3FFFF


@lru_cache(maxsize=4)
def _phrase_parser(script: str):
    import budoux

    return {"ja": budoux.load_default_japanese_parser,
            "zh-hant": budoux.load_default_traditional_chinese_parser,
            "zh-hans": budoux.load_default_simplified_chinese_parser}[script]()


def _phrase_breaks(text: str, ops: set[int]) -> set[int]:
    """``ops`` without the breaks inside a Japanese phrase or a Korean word:
    UAX #14 lets a line end between any two kana or ideographs, which
    splits Japanese words (``ナル / ト``, ``セー / ラームーン``); text with
    kana keeps its phrases whole as CSS ``word-break: auto-phrase`` does,
    with the phrases BudouX (Google's phrase segmenter, its Japanese model)
    finds, and Korean breaks only at spaces (CSS ``word-break: keep-all``,
    Korean typesetting practice).  Chinese keeps UAX #14's breaks between
    any two characters, as Chinese typesetting does (BudouX's Chinese
    models split common words such as 图书馆 on real titles).  A phrase
    wider than the box is still broken between its characters, as the last
    resort (:func:`break_lines`)."""
    kana = any(0x3040 <= ord(ch) <= 0x30FF for ch in text)
    bounds: set[int] = set()
    if kana:
        pos = 0
        for phrase in _phrase_parser("ja").parse(text):
            pos += len(phrase)
            bounds.add(pos)

    def inside(i: int) -> bool:
        a, b = text[i - 1], text[i]
        if a.isspace() or b.isspace():
            return False
        if "\uac00" <= a <= "\ud7af" and "\uac00" <= b <= "\ud7af":
            return True  # Korean: keep-all
        return (_cjk(a) or _cjk(b)) and kana and i not in bounds

    return {i for i in ops if not inside(i)}


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


#: The no-break space: words joined by it (a person's name, see
#: :func:`libmedia.textfilters.names`) are kept on one line unless they
#: alone are wider than the box.
NBSP = "\u00a0"

#: How a line ended inside what the normal opportunities treat as one unit,
#: as :func:`break_lines` reports it in ``broken``.
HYPHEN_BREAK, BARE_BREAK = "hyphen", "bare"


def _furthest_fitting(para: Paragraph, start: int, candidates: list[int], max_width: float,
                      m: Measurer) -> int | None:
    """The last of ``candidates`` (ascending, all > start) with
    text[start:c] no wider than ``max_width`` (widths grow with ``c``)."""
    best = None
    for c in candidates:
        if span_width(para, start, c, m) <= max_width + 0.01:
            best = c
        else:
            break
    return best


def _group_end(text: str, at: int) -> int:
    """End of the run of words joined by no-break spaces around ``at``."""
    ends = [i for i in (text.find(" ", at), text.find("\n", at)) if i != -1]
    return min(ends, default=len(text))


def _name_break(para: Paragraph, start: int, spaces: list[int], group_end: int,
                max_width: float, m: Measurer) -> int | None:
    """The no-break space (``spaces``: the positions after them) a line that
    must end inside a name ends at: the furthest that fits and leaves at
    least two words of the name, which fit a line, for the next line (no
    surname alone), else the furthest that fits; None when none fits."""
    text = para.text
    fitting = []
    for c in spaces:
        if span_width(para, start, c, m) <= max_width + 0.01:
            fitting.append(c)
        else:
            break
    rest_end = group_end
    while rest_end > start and text[rest_end - 1] in ",;&":
        rest_end -= 1
    for c in reversed(fitting):
        if NBSP not in text[c:rest_end]:
            continue
        if span_width(para, c, rest_end, m) <= max_width + 0.01:
            return c
        break  # the rest of the name does not fit on a line of its own either
    return fitting[-1] if fitting else None


def _inside_name(para: Paragraph, start: int, best: int, seg_end: int, max_width: float,
                 m: Measurer) -> int:
    """A line that ends at ``best``, inside a run of words joined by no-break
    spaces (a name with glued punctuation: ``RD.BUDI YUNIARSA``, or a
    hyphen: ``ADAM KHOO-CONRAD``), is split inside the name anyway: there
    a no-break space further on that fits is as good an end, and a fuller
    line (:func:`_name_break`)."""
    text = para.text
    end = min(_group_end(text, best), seg_end)
    # between the words of a name, not beside a separator (``KOMPAS · 2008``)
    spaces = [i + 1 for i in range(best, end - 1) if text[i] == NBSP
              and (text[i - 1].isalnum() or text[i - 1] in ".)") and text[i + 1].isalnum()]
    if not spaces:
        return best
    at = _name_break(para, start, spaces, end, max_width, m)
    return at if at is not None else best


def _ideographic(ch: str) -> bool:
    """CJK ideographs, kana, Hangul and their punctuation: scripts where a
    line may end between any two characters with no mark."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF)


def _kind(ch: str) -> str:
    """Hiragana, katakana (with ー), ideograph or other: where a Japanese
    phrase too wide for its line may best be broken."""
    o = ord(ch)
    if 0x3040 <= o <= 0x309F:
        return "hiragana"
    if 0x30A0 <= o <= 0x30FF:
        return "katakana"
    if 0x4E00 <= o <= 0x9FFF:
        return "han"
    return "other"


def _inside_cjk_name(text: str, at: int) -> bool:
    """Whether ``at`` lies between two CJK characters of words joined by
    no-break spaces (a name: ``村上\u00a0春樹``), where UAX #14 would let a
    line end but a name is kept whole unless it alone is wider than the box
    (then :func:`_last_resort` breaks it)."""
    if not (0 < at < len(text) and _ideographic(text[at - 1]) and _ideographic(text[at])):
        return False
    start = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1
    return NBSP in text[start:_group_end(text, at)]


def break_lines(para: Paragraph, max_width: float | None, m: Measurer,
                broken: list[tuple[int, str]] | None = None) -> list[tuple[int, int]]:
    """Greedy line breaking of ``para`` to ``max_width`` px (None: only at
    newlines): (start, end) index pairs into ``para.text``, trailing spaces
    included.  Each line takes as many :func:`break_opportunities` as fit
    (a soft hyphen typed in the text is one).  When not even the first of
    them fits (a word, or words joined by no-break spaces, wider than the
    box), the line ends, in this order of preference, at

    1. the furthest no-break space that fits and leaves two words of the
       name for the next line, else the furthest that fits (a long name
       breaks between its words, never inside one, and no surname is left
       alone); the same when a line would end inside a name at a glued
       full stop or hyphen (``RD.BUDI YUNIARSA``), where a no-break space
       that fits is a better end;
    2. the furthest dictionary hyphenation point that fits
       (``Paragraph.hyphens``, from :mod:`.hyphenate`), shown with a
       hyphen; ``(end, "hyphen")`` is appended to ``broken``;
    3. the furthest grapheme boundary that fits, with no mark;
       ``(end, "bare")`` is appended to ``broken``, unless the break falls between
       two CJK characters (where lines end with no mark anyway).

    Newlines are mandatory breaks."""
    text = para.text
    hyph = sorted(para.hyphens)
    lines: list[tuple[int, int]] = []
    para_start = 0
    for hard in [*[i for i, c in enumerate(text) if c == "\n"], len(text)]:
        seg_start, seg_end = para_start, hard
        para_start = hard + 1
        if max_width is None:
            lines.append((seg_start, seg_end))
            continue
        ops = [seg_start + o for o in break_opportunities(text[seg_start:seg_end])
               if seg_start + o not in para.hyphens] + [seg_end]
        if NBSP in text:
            ops = [o for o in ops if not _inside_cjk_name(text, o)]
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
                best = _last_resort(para, start, first, max_width, m, hyph, broken)
            elif NBSP in text and text[best - 1] != " ":
                best = _inside_name(para, start, best, seg_end, max_width, m)
            lines.append((start, best))
            start = best
        if seg_start == seg_end:
            lines.append((seg_start, seg_end))
    return lines


def _last_resort(para: Paragraph, start: int, first: int, max_width: float, m: Measurer,
                 hyph: list[int], broken: list[tuple[int, str]] | None) -> int:
    """Where a line starting at ``start`` ends when the first opportunity
    ``first`` does not fit: see :func:`break_lines`."""
    text = para.text
    if NBSP in text[start:first]:
        spaces = [i + 1 for i in range(start + 1, first - 1) if text[i] == NBSP]
        at = _name_break(para, start, spaces, _group_end(text, first), max_width, m)
        if at is not None:
            return at
    points = [p for p in hyph if start + 1 < p < first]
    if points:
        at = _furthest_fitting(para, start, points, max_width, m)
        if at is not None:
            if broken is not None:
                broken.append((at, HYPHEN_BREAK))
            return at
    if any(_cjk(ch) for ch in text[start:first]):
        # a Japanese phrase or Korean word wider than the box: break where
        # UAX #14 allows (never before ー, small kana or closing punctuation)
        # (between kanji and katakana first: 戦士 / セーラームーン / 新装版)
        inner = [start + i for i in _uax14(text[start:first]) if 0 < i < first - start]
        seams = [i for i in inner if _kind(text[i - 1]) != _kind(text[i])]
        for cands in (seams, inner):
            at = _furthest_fitting(para, start, cands, max_width, m) if cands else None
            if at is not None:
                return at
    at = break_word(para, start, first, max_width, m)
    if at < first and broken is not None:
        if at < len(text) and text[at - 1] == SOFT_HYPHEN_CHAR:
            broken.append((at, HYPHEN_BREAK))
        elif not (_ideographic(text[at - 1]) and _ideographic(text[at])):
            broken.append((at, BARE_BREAK))
    return at
