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
* lines get even baselines and are aligned: one step for the whole
  paragraph (C14), ``line_height x size`` widened by the leading factor of
  the tallest script on any line (:data:`~.measure.SCRIPT_LEADING`), and
  never less than the measured ink of two neighbouring lines plus a clear
  gap (:data:`INK_GAP_EM`), so no line's ink touches the next;
* each line's box holds its primary family's metrics and all its ink, with
  as much room beyond a fallback font's ink as the family keeps beyond its
  own (see :func:`_line_segments`); the block's height is the first box's top to the
  last box's bottom, and the fit check measures exactly that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .fonts import FontLibrary, default_library
from .linebreak import BARE_BREAK, NBSP, break_lines
from .measure import Measurer, leading_factor, measurer, span_width
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
    ink: bool = True
    trial: bool = False


#: The least clear space between the lowest ink of a line and the highest
#: ink of the next, in ems of the paragraph's size (and never under
#: :data:`INK_GAP_MIN_PX`): a descender never touches the marks below it.
INK_GAP_EM = 0.05
INK_GAP_MIN_PX = 2.0
#: Slack in px added to measured ink where it sets a line's box: Pillow's
#: ``getbbox`` is whole pixels from a whole-pixel pen, while the painter
#: places the pen to 1/64 px, which can move the coverage by up to a pixel.
INK_SLACK_PX = 1.0

@dataclass
class _Measured:
    """One line as measured: its segments in visual order, advance width,
    box ascent/descent (primary metrics or ink, whichever reaches further),
    ink ascent/descent, and the leading factor of its script."""

    segments: list[Segment]
    width: float
    ascent: float
    descent: float
    ink_ascent: float
    ink_descent: float
    factor: float


def _line_segments(para: Paragraph, start: int, end: int, m: Measurer, ink: bool = True) -> _Measured:
    """The line text[start:end] measured (soft hyphens dropped, a final one
    drawn as a hyphen).

    The line's box, above the baseline: the larger of the ascent of each
    run's *primary* family (the one its style names, not the fallback that
    draws it) and the run's ink plus the room that family keeps above its
    own accented capitals (:meth:`Measurer.family_box`); below, the same with
    descents and descenders.  So a line in its own family has the box of
    its font's metrics whatever its glyphs (C01: never from the ink); a line
    drawn by a fallback font with deep metrics (Noto Sans Arabic's descent
    is 0.74 em) ends as far below its ink as a Latin line ends below its
    descenders, not at that font's descent; and no ink is ever outside the
    box (C01; measured ink plus :data:`INK_SLACK_PX`).

    ``ink=False`` skips the ink (its extents are then 0 and the box is the
    primary metrics): for trial sizes whose fit does not depend on height."""
    pieces: list[tuple[Run, str]] = []
    for run in para.runs:
        if run.end <= start or run.start >= end:
            continue
        s, e = max(run.start, start), min(run.end, end)
        pieces.append((run, visible_text(para.text[s:e], e == end)))
    order = visual_order([r.level for r, _ in pieces])
    segs: list[Segment] = []
    x = 0.0
    asc = desc = ink_a = ink_d = 0.0
    primaries: dict[int, tuple[float, float, float, float]] = {}
    for i in order:
        run, t = pieces[i]
        style = para.styles[run.style]
        w = m.length(t, run.face, style, run.direction)
        box = primaries.get(run.style)
        if box is None:
            box = primaries[run.style] = m.family_box(style) if ink else \
                m.metrics(m.library.face(style.family, style.italic), style) + (0.0, 0.0)
        a, d, room_a, room_d = box
        ia, id_ = m.ink(t, run.face, style, run.direction) if ink else (0.0, 0.0)
        if ia or id_:
            a = max(a, ia + max(room_a, INK_SLACK_PX))
            d = max(d, id_ + max(room_d, INK_SLACK_PX))
        asc, desc = max(asc, a), max(desc, d)
        ink_a, ink_d = max(ink_a, ia), max(ink_d, id_)
        segs.append(Segment(t, x, w, style, run.face, run.direction))
        x += w
    if not pieces:
        style = para.styles[0]
        face = m.library.face(style.family, style.italic)
        asc, desc = m.metrics(face, style)
        language = style.language
    else:
        language = para.styles[pieces[0][0].style].language
    factor = leading_factor(para.text[start:end], language)
    return _Measured(segs, x, asc, desc, ink_a, ink_d, factor)


def _step(lines: list[_Measured], leading: float, size: float) -> float:
    """The distance between baselines for a paragraph of ``lines``: the
    designer's ``leading`` widened by the tallest script's factor
    (:func:`~.measure.leading_factor`), and at least enough that no line's
    ink comes closer than the ink gap to the next one's (C14: one step for
    the whole paragraph, so baselines stay even)."""
    step = leading * max((ln.factor for ln in lines), default=1.0)
    gap = max(INK_GAP_MIN_PX, INK_GAP_EM * size)
    for a, b in zip(lines, lines[1:], strict=False):
        if (a.ink_descent or a.ink_ascent) and (b.ink_ascent or b.ink_descent):
            step = max(step, a.ink_descent + b.ink_ascent + gap)
    return step


def _height(lines: list[_Measured], step: float) -> float:
    """A block's height: first line's box ascent, the steps, last line's box descent."""
    if not lines:
        return 0.0
    return lines[0].ascent + (len(lines) - 1) * step + lines[-1].descent


def _ellipsize(para: Paragraph, start: int, end: int, max_width: float, m: Measurer) -> Paragraph:
    """A paragraph whose text is text[:k] + "…" so that text[start:k] + "…"
    fits ``max_width``; cuts at a word boundary when that keeps at least
    half the line, else at a grapheme boundary; never past the line's hard
    break (a title typed on several lines)."""
    text = para.text
    strip = " ,;:.-\u2013\u2014\u00b7/\u00ad"
    cut_candidates = []
    pos = start
    line_end = text.find("\n", start)  # the last line ends at its hard break
    for g in graphemes(text[start:line_end if line_end != -1 else len(text)]):
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


def _measure_lines(para: Paragraph, breaks: list[tuple[int, int]], m: Measurer,
                   ink: bool = True) -> list[_Measured]:
    out = []
    for s, e in breaks:
        e_trim = e
        while e_trim > s and para.text[e_trim - 1] in " \n\u00a0":
            e_trim -= 1
        out.append(_line_segments(para, s, e_trim, m, ink))
    return out


@dataclass
class _Set:
    """What :func:`_set` decided, to place the same lines again with their ink."""

    para: Paragraph
    breaks: list[tuple[int, int]]
    truncated: bool
    broken: list[tuple[int, str]]


def _set(para: Paragraph, st: _Settings, m: Measurer, out: list[_Set] | None = None) -> TextBlock:
    """Break, clamp and place the paragraph.  The fit check and the block's
    height are one computation (:func:`_height` of :func:`_step`): what is
    judged to fit is exactly what the box is sized to (issue 7 item 3).
    ``out`` (a list) receives the lines chosen, for :func:`_place`."""
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
    truncated = False
    leading = st.size * para.styles[0].line_height
    if st.trial and st.ink and (any(kind == BARE_BREAK for _, kind in broken)
                                or (st.max_lines is not None and len(breaks) > st.max_lines)):
        st = replace(st, ink=False)  # a trial size that fails whatever its lines' ink

    def fits_height(ms: list[_Measured]) -> bool:
        if st.max_height is None:
            return True
        return _height(ms, _step(ms, leading, st.size)) <= st.max_height + 0.01

    limit = len(breaks)
    if st.max_lines is not None:
        limit = min(limit, st.max_lines)
    measured = _measure_lines(para, breaks[:limit], m, st.ink)
    if st.max_height is not None:
        while limit > 1 and not fits_height(measured[:limit]):
            limit -= 1
        measured = measured[:limit]
    if limit < len(breaks):
        truncated = True
        if st.ellipsis and st.max_width is not None:
            start, _ = breaks[limit - 1]
            para = _ellipsize(para, start, len(para.text), st.max_width, m)
            breaks = break_lines(para, st.max_width, m)[:limit]
            measured = _measure_lines(para, breaks, m, st.ink)
        else:
            breaks = breaks[:limit]

    if st.balance and not truncated and st.max_width is not None and len(breaks) >= 2:
        balanced, balanced_broken = _balance(para, breaks, st.max_width, broken, m)
        if balanced != breaks and st.max_height is None:
            breaks, broken = balanced, balanced_broken
            measured = _measure_lines(para, balanced, m, st.ink)
        elif balanced != breaks:
            trial = _measure_lines(para, balanced, m, st.ink)
            # even lines must not cost the fit: keep the greedy ones when
            # the balanced lines' ink would need more height than the box has
            if fits_height(trial) or not fits_height(measured):
                breaks, measured, broken = balanced, trial, balanced_broken

    if out is not None:
        out.append(_Set(para, breaks, truncated, broken))
    return _place(para, st, breaks, measured, truncated, broken)


def _place(para: Paragraph, st: _Settings, breaks: list[tuple[int, int]], measured: list[_Measured],
           truncated: bool, broken: list[tuple[int, str]]) -> TextBlock:
    """The block of the measured lines: one baseline step (:func:`_step`),
    the height (:func:`_height`), lines aligned in the box; the in-word
    breaks (``broken``, as :func:`break_lines` reports them) counted as
    hyphenated or bare line ends."""
    bare_ends = {at for at, kind in broken if kind == BARE_BREAK}
    hyphenated = bare = 0
    leading = st.size * para.styles[0].line_height
    step = _step(measured, leading, st.size)
    lines: list[Line] = []
    baseline = 0.0
    for i, ((s, e), ml) in enumerate(zip(breaks, measured, strict=True)):
        e_trim = e
        while e_trim > s and para.text[e_trim - 1] in " \n\u00a0":
            e_trim -= 1
        if i < len(breaks) - 1:
            hyphenated += para.text[s:e_trim].endswith(SOFT_HYPHEN)
            bare += e in bare_ends
        baseline = ml.ascent if i == 0 else baseline + step
        lines.append(Line(tuple(ml.segments), baseline, ml.ascent, ml.descent, 0.0, ml.width,
                          visible_text(para.text[s:e_trim], True), ml.ink_ascent, ml.ink_descent))
    height = _height(measured, step)
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

    def attempt(size: float, allow_truncate: bool, ink: bool = True,
                out: list[_Set] | None = None) -> TextBlock:
        st = settings(size, allow_truncate, ink)
        if out is not None:
            st = replace(st, trial=True)
        return _set(prepare(scaled(size), library, direction), st, m, out)

    def scaled(size: float) -> list[Span]:
        return _scaled(spans, size / base_size) if size != base_size else spans

    def settings(size: float, allow_truncate: bool, ink: bool) -> _Settings:
        return _Settings(size, max_width, max_lines, max_height, align,
                         ellipsis and allow_truncate, balance, ink)

    if fit != "shrink" or not spans:
        return attempt(base_size, True)
    floor = min(min_size or base_size * 0.5, base_size)

    def whole(b: TextBlock) -> bool:  # fits, every word on one line
        return not (b.truncated or b.overflow or b.broken_words)

    # Without a height to fit, whether a size fits does not depend on the
    # lines' ink (line count, width and broken words only): trial sizes skip
    # measuring it, and the lines chosen are measured with it once at the end.
    trial_ink = max_height is not None
    chosen: dict[float, _Set] = {}

    def trial(size: float) -> TextBlock:
        out: list[_Set] = []
        b = attempt(size, False, trial_ink, out)
        chosen[size] = out[0]
        return b

    def final(b: TextBlock, size: float) -> TextBlock:
        if trial_ink:
            return b
        c = chosen[size]
        return _place(c.para, settings(size, False, True), c.breaks,
                      _measure_lines(c.para, c.breaks, m), c.truncated, c.broken)

    block = trial(base_size)
    if whole(block):
        return final(block, base_size)
    best = trial(floor)
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
    best_size = floor
    while hi - lo > 1:
        mid = (lo + hi) // 2
        b = trial(mid / 4)
        if not fits(b):
            hi = mid
        else:
            lo, best, best_size = mid, b, mid / 4
    return final(best, best_size)

