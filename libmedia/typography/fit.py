"""Paragraph fitting: a prepared paragraph set in a box.

:func:`layout_text` breaks the lines (:mod:`.linebreak`), then fits them:

* ``fit="shrink"`` finds the largest size, in quarter pixels between
  ``min_size`` and the given size, at which the text fits its line count and
  height without breaking a word inside.  A display title is shrunk rather
  than hyphenated: ``min_size`` is the designer's word on how small it may
  get, and a hyphen in a title of two or three lines reads as a flaw where a
  slightly smaller size does not.  Only when a word alone is wider than the
  box even at ``min_size`` is it hyphenated (:mod:`.hyphenate`); the size is
  then the largest that needs no more hyphens than ``min_size`` does (the
  break is there anyway, so the title keeps what size it can).  If nothing
  fits, the text is set at ``min_size`` and clamped (hyphenated where a word
  is too wide, broken with no mark only where no hyphenation point fits);
* clamping keeps the lines that fit ``max_lines``/``max_height`` and ends the
  last with an ellipsis, cut at a word when that keeps half the line;
* ``balance`` narrows the measure to the smallest width that keeps the line
  count (CSS ``text-wrap: balance``);
* lines get even baselines (``line_height x size`` apart) and are aligned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .fonts import FontLibrary, default_library
from .linebreak import BARE_BREAK, NBSP, break_lines
from .measure import Measurer, measurer, span_width
from .model import (
    ELLIPSIS,
    SOFT_HYPHEN,
    Line,
    Paragraph,
    Segment,
    Span,
    TextBlock,
    TextStyle,
    prepare,
    visible_text,
)
from .shaping import Run, graphemes, itemize_cached, visual_order


@dataclass
class _Settings:
    size: float
    max_width: float | None
    max_lines: int | None
    max_height: float | None
    align: str
    ellipsis: bool
    balance: bool = False


def _line_segments(
    para: Paragraph, start: int, end: int, m: Measurer
) -> tuple[list[Segment], float, float, float]:
    """Segments of text[start:end] in visual order, with width, ascent, descent
    (soft hyphens dropped, a final one drawn as a hyphen)."""
    pieces: list[tuple[Run, str]] = []
    for run in para.runs:
        if run.end <= start or run.start >= end:
            continue
        s, e = max(run.start, start), min(run.end, end)
        pieces.append((run, visible_text(para.text[s:e], e == end)))
    order = visual_order([r.level for r, _ in pieces])
    segs: list[Segment] = []
    x = 0.0
    asc = desc = 0.0
    for i in order:
        run, t = pieces[i]
        style = para.styles[run.style]
        w = m.length(t, run.face, style, run.direction)
        a, d = m.metrics(run.face, style)
        asc, desc = max(asc, a), max(desc, d)
        segs.append(Segment(t, x, w, style, run.face, run.direction))
        x += w
    if not pieces:
        style = para.styles[0]
        face = m.library.face(style.family, style.italic)
        asc, desc = m.metrics(face, style)
    return segs, x, asc, desc


def _ellipsize(para: Paragraph, start: int, end: int, max_width: float, m: Measurer) -> Paragraph:
    """A paragraph whose text is text[:k] + "…" so that text[start:k] + "…"
    fits ``max_width``; cuts at a word boundary when that keeps at least
    half the line, else at a grapheme boundary."""
    text = para.text
    strip = " ,;:.-\u2013\u2014\u00b7/\u00ad"
    cut_candidates = []
    pos = start
    for g in graphemes(text[start:]):
        pos += len(g)
        cut_candidates.append(pos)
    best = start
    for k in cut_candidates:
        trial = _with_text(para, text[:k].rstrip(strip) + ELLIPSIS, m)
        if span_width(trial, start, len(trial.text), m) <= max_width:
            best = k
        else:
            break
    line_len = best - start
    space = text.rfind(" ", start, best + 1)
    if space > start and (space - start) >= line_len / 2 and best < len(text) and text[best] != " ":
        best = space
    return _with_text(para, text[:best].rstrip(strip) + ELLIPSIS, m)


def _with_text(para: Paragraph, text: str, m: Measurer) -> Paragraph:
    """The paragraph re-itemised over a new text (a prefix + ellipsis)."""
    span_style = para.span_style[: len(text)]
    if len(span_style) < len(text):
        span_style = span_style + [span_style[-1] if span_style else 0] * (len(text) - len(span_style))
    faces = [m.library.face(s.family, s.italic) for s in para.styles]
    runs, missing = itemize_cached(text, span_style, faces, m.library, para.direction)
    hyphens = frozenset(i for i in para.hyphens if i < len(text))
    return Paragraph(text, span_style, para.styles, runs, missing, para.direction, hyphens)


def _set(para: Paragraph, st: _Settings, m: Measurer) -> TextBlock:
    broken: list[tuple[int, str]] = []
    breaks = break_lines(para, st.max_width, m, broken)
    if st.max_lines is not None and len(breaks) > st.max_lines and NBSP in para.text:
        # names are kept together where possible: not at the cost of a line
        # the box does not have (a byline of three authors is not cut to two)
        loose = replace(para, text=para.text.replace(NBSP, " "))
        loose_broken: list[tuple[int, str]] = []
        loose_breaks = break_lines(loose, st.max_width, m, loose_broken)
        if len(loose_breaks) < len(breaks):
            para, breaks, broken = loose, loose_breaks, loose_broken
    bare_ends = {at for at, kind in broken if kind == BARE_BREAK}
    truncated = False
    leading = st.size * para.styles[0].line_height

    def fits_height(n: int, asc: float, desc: float) -> bool:
        if st.max_height is None:
            return True
        return asc + (n - 1) * leading + desc <= st.max_height + 0.01

    limit = len(breaks)
    if st.max_lines is not None:
        limit = min(limit, st.max_lines)
    if st.max_height is not None:
        # the same metrics the block's height is made of: the first line's
        # ascent and the last line's descent, fallback fonts included
        a0 = _line_segments(para, *breaks[0], m)[2]
        while limit > 1 and not fits_height(limit, a0, _line_segments(para, *breaks[limit - 1], m)[3]):
            limit -= 1
    if limit < len(breaks):
        truncated = True
        if st.ellipsis and st.max_width is not None:
            start, _ = breaks[limit - 1]
            para = _ellipsize(para, start, len(para.text), st.max_width, m)
            breaks = break_lines(para, st.max_width, m)[:limit]
        else:
            breaks = breaks[:limit]

    if st.balance and not truncated and st.max_width is not None and len(breaks) >= 2:
        breaks, broken = _balance(para, breaks, st.max_width, broken, m)
        bare_ends = {at for at, kind in broken if kind == BARE_BREAK}

    lines: list[Line] = []
    baseline = 0.0
    hyphenated = bare = 0
    for i, (s, e) in enumerate(breaks):
        e_trim = e
        while e_trim > s and para.text[e_trim - 1] in " \n\u00a0":
            e_trim -= 1
        if i < len(breaks) - 1:
            hyphenated += para.text[s:e_trim].endswith(SOFT_HYPHEN)
            bare += e in bare_ends
        segs, w, asc, desc = _line_segments(para, s, e_trim, m)
        if i == 0:
            baseline = asc
        else:
            baseline += leading
        lines.append(Line(tuple(segs), baseline, asc, desc, 0.0, w,
                          visible_text(para.text[s:e_trim], True)))
    height = (lines[-1].baseline + lines[-1].descent) if lines else 0.0
    natural = max((ln.width for ln in lines), default=0.0)
    box_w = st.max_width if st.max_width is not None else natural
    align = st.align
    if align in ("start", "end"):
        rtl = para.direction == "rtl"
        align = {("start", False): "left", ("start", True): "right",
                 ("end", False): "right", ("end", True): "left"}[(align, rtl)]
    placed = []
    for ln in lines:
        if align == "center":
            x = (box_w - ln.width) / 2
        elif align == "right":
            x = box_w - ln.width
        else:
            x = 0.0
        placed.append(replace(ln, x=x))
    overflow = natural > box_w + 0.5 or (st.max_height is not None and height > st.max_height + 0.01)
    return TextBlock(tuple(placed), box_w, height, st.size, para.direction, align,
                     truncated, overflow, tuple(para.missing), bool(broken), hyphenated, bare)


def _balance(para: Paragraph, breaks: list[tuple[int, int]], max_width: float,
             broken: list[tuple[int, str]], m: Measurer
             ) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """Breaks for the narrowest width that keeps the same number of lines (and
    breaks no more words inside, nor more without a hyphen, than the full
    width did: ``broken`` as :func:`break_lines` reports them): lines of even
    length, no lone word on the last line (CSS ``text-wrap: balance``); with
    the in-word breaks of the breaks chosen."""
    bare = sum(kind == BARE_BREAK for _, kind in broken)
    n = len(breaks)
    lo, hi = max_width / n * 0.9, max_width
    best, best_flag = breaks, broken
    for _ in range(12):
        mid = (lo + hi) / 2
        flag: list[tuple[int, str]] = []
        trial = break_lines(para, mid, m, flag)
        if (len(trial) <= n and len(flag) <= len(broken)
                and sum(kind == BARE_BREAK for _, kind in flag) <= bare):
            hi, best, best_flag = mid, trial, flag
        else:
            lo = mid
        if hi - lo < 1:
            break
    return best, best_flag


def _scaled(spans: list[Span], factor: float) -> list[Span]:
    return [Span(s.text, replace(s.style, size=s.style.size * factor)) for s in spans]


def layout_text(
    spans: list[Span],
    max_width: float | None = None,
    *,
    max_lines: int | None = None,
    max_height: float | None = None,
    align: str = "start",
    fit: str = "none",
    min_size: float | None = None,
    ellipsis: bool = True,
    direction: str | None = None,
    balance: bool = False,
    library: FontLibrary | None = None,
) -> TextBlock:
    """Lay out a paragraph of styled spans.

    ``max_width``   box width in px; None sets the text on one line per
                    hard line break (natural width);
    ``max_lines``   clamp to this many lines;
    ``max_height``  clamp to lines that fit this height in px;
    ``align``       ``start`` (left, or right for right-to-left text), ``end``,
                    ``left``, ``center``, ``right``;
    ``fit``         ``shrink``: reduce the size (down to ``min_size`` px)
                    until the text fits without clamping or breaking a word
                    inside, hyphenating only a word too wide at
                    ``min_size`` (see the module); ``none``: keep it;
    ``ellipsis``    end a clamped text with "…";
    ``direction``   ``ltr``/``rtl`` to force; None takes it from the text;
    ``balance``     make the lines of even length (for titles), keeping
                    the line count.

    Raises :class:`libmedia.errors.FontError` for an unknown family.
    Characters no font covers are listed in ``TextBlock.missing``.
    """
    library = library or default_library()
    m = measurer(library)
    base_size = spans[0].style.size if spans else TextStyle().size

    def attempt(size: float, allow_truncate: bool) -> TextBlock:
        sp = _scaled(spans, size / base_size) if size != base_size else spans
        para = prepare(sp, library, direction)
        st = _Settings(size, max_width, max_lines, max_height, align, ellipsis and allow_truncate,
                       balance)
        return _set(para, st, m)

    if fit != "shrink" or not spans:
        return attempt(base_size, True)
    floor = min(min_size or base_size * 0.5, base_size)

    def whole(b: TextBlock) -> bool:  # fits, every word on one line
        return not (b.truncated or b.overflow or b.broken_words)

    block = attempt(base_size, False)
    if whole(block):
        return block
    best = attempt(floor, False)
    if whole(best):
        fits = whole
    elif not (best.truncated or best.overflow or best.bare_breaks):
        # a word is wider than the box even at the floor: it is hyphenated
        # there anyway, so take the largest size that needs no more hyphens
        most = best.hyphenated

        def fits(b: TextBlock) -> bool:
            return not (b.truncated or b.overflow or b.bare_breaks) and b.hyphenated <= most
    else:
        return attempt(floor, True)
    # Largest size in quarter pixels that fits: fitting is (nearly) monotonic
    # in size for a fixed box, so bisect between the floor (fits) and the base
    # (does not).
    lo, hi = math.ceil(floor * 4), math.floor(base_size * 4)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        trial = attempt(mid / 4, False)
        if not fits(trial):
            hi = mid
        else:
            lo, best = mid, trial
    return best
