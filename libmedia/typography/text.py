"""Paragraph layout: styled text -> lines with baselines, and drawing them.

This is libmedia's one text engine, shared by images and (later) video:

* **Line boxes from font metrics.**  A line's box runs from its baseline minus
  the largest ascent to the baseline plus the largest descent among the fonts
  on it (the fonts' ``hhea`` metrics as FreeType reports them), never from the
  ink of the glyphs (case C01).
* **Even baselines.**  Baselines are ``leading`` apart, ``leading = line
  height x size``, whatever the glyphs on each line (case C14).  The first
  baseline sits one ascent below the block's top, and the block ends one
  descent below the last baseline: the block height includes the last
  line's descent.
* **Wrapping at break opportunities** (spaces, after hyphens and slashes,
  between CJK ideographs), measuring whole candidate lines as shaped; a word
  is broken inside only when it alone is wider than the box (case C02).
* **Fitting.**  ``fit="shrink"`` steps the size down (by 2 %, at least 1 px)
  towards ``min_size`` until the text fits its line count and height; then
  the last line is clamped with an ellipsis.
* **Shaping** with Raqm from logical-order text, a fallback face per cluster,
  colour emoji at the bitmap font's native 109 px scaled to size (C10, C12,
  C13); text normalised to NFC.

Sizes and positions are in pixels; ``tracking`` is in thousandths of an em
(the unit of InDesign and most type specimens).
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from PIL import Image, ImageDraw, ImageFont

from .fonts import Face, FontLibrary, default_library
from .shaping import Missing, Run, graphemes, itemize, strong_direction, visual_order

Color = tuple[int, int, int, int]

ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class TextStyle:
    """How a stretch of text looks.

    ``family``       font family name (bundled or installed);
    ``size``         font size in pixels (the em);
    ``weight``       CSS weight 100-900;
    ``italic``       use the family's italic face;
    ``color``        RGBA 0-255;
    ``line_height``  leading as a multiple of ``size`` (1.2 = 120 %);
    ``tracking``     letter spacing in 1/1000 em (not applied to cursive
                     scripts such as Arabic, which would break joining);
    ``transform``    ``none``, ``uppercase``, ``lowercase`` or ``capitalize``;
    ``features``     OpenType feature tags for HarfBuzz, e.g. ``("-liga",)``;
    ``language``     BCP 47 tag passed to the shaper (``"id"``, ``"ar"``);
    ``smart_quotes`` set straight quotes as typographic ones (“ ” ‘ ’).
    """

    family: str = "Inter"
    size: float = 40.0
    weight: int = 400
    italic: bool = False
    color: Color = (0, 0, 0, 255)
    line_height: float = 1.2
    tracking: float = 0.0
    transform: str = "none"
    features: tuple[str, ...] = ()
    language: str | None = None
    smart_quotes: bool = True


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph with its own style (inline ``<b>``, ``<span>``)."""

    text: str
    style: TextStyle


@dataclass(frozen=True)
class Segment:
    """A run's part that lies on one line, ready to draw.

    ``x`` is the pen position from the line's left edge, ``width`` its advance;
    ``text`` is in logical order (Raqm shapes and orders it).
    """

    text: str
    x: float
    width: float
    style: TextStyle
    face: Face
    direction: str


@dataclass(frozen=True)
class Line:
    """One laid-out line.

    ``baseline`` is measured from the block's top; ``ascent``/``descent`` are
    the largest font metrics on the line; ``x`` is the line's left offset
    inside the block's width after alignment; ``width`` its advance width
    (trailing spaces excluded).
    """

    segments: tuple[Segment, ...]
    baseline: float
    ascent: float
    descent: float
    x: float
    width: float
    text: str

    @property
    def top(self) -> float:
        return self.baseline - self.ascent

    @property
    def bottom(self) -> float:
        return self.baseline + self.descent


@dataclass(frozen=True)
class TextBlock:
    """A laid-out paragraph.

    ``width`` is the box width the text was set in (or its natural width when
    unconstrained); ``height`` runs from the first line's ascent to the last
    line's descent; ``size`` is the size actually used (after shrinking);
    ``truncated`` is True when the text was clamped with an ellipsis;
    ``broken_words`` when a word wider than the box had to be broken;
    ``missing`` lists the characters no bundled or installed font covers.
    """

    lines: tuple[Line, ...]
    width: float
    height: float
    size: float
    direction: str
    align: str
    truncated: bool = False
    overflow: bool = False
    missing: tuple[Missing, ...] = field(default_factory=tuple)
    broken_words: bool = False

    @property
    def content_width(self) -> float:
        return max((ln.width for ln in self.lines), default=0.0)


# ---------------------------------------------------------------------------
# measuring


class _Measurer:
    """Advance widths of shaped strings, cached (an LRU of 20,000 entries)."""

    def __init__(self, library: FontLibrary):
        self.library = library
        self._cache: OrderedDict[tuple, float] = OrderedDict()
        self._runs: OrderedDict[tuple, tuple[tuple[Run, ...], tuple[Missing, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def itemize(self, text: str, span_style: list[int], faces: list[Face],
                base: str) -> tuple[list[Run], list[Missing]]:
        """:func:`~libmedia.typography.shaping.itemize`, cached (an LRU of
        2,000 paragraphs).  Font fallback does not depend on the size, so a
        text measured at several widths and sizes during layout and fitting
        is itemized once."""
        key = (text, tuple(span_style), tuple(faces), base)
        with self._lock:
            hit = self._runs.get(key)
            if hit is not None:
                self._runs.move_to_end(key)
                return list(hit[0]), list(hit[1])
        runs, missing = itemize(text, span_style, faces, self.library, base)
        with self._lock:
            self._runs[key] = (tuple(runs), tuple(missing))
            if len(self._runs) > 2000:
                self._runs.popitem(last=False)
        return runs, missing

    def font(self, face: Face, style: TextStyle) -> ImageFont.FreeTypeFont:
        return self.library.font(face, style.size, style.weight)

    def scale(self, face: Face, style: TextStyle) -> float:
        """Factor from the loaded font's pixels to the style's pixels (1 except
        for bitmap colour fonts)."""
        return style.size / face.bitmap_size if face.bitmap_size else 1.0

    def metrics(self, face: Face, style: TextStyle) -> tuple[float, float]:
        """(ascent, descent) in px at the style's size (see
        :meth:`FontLibrary.vertical_metrics`); bitmap colour fonts use their
        strike's metrics, scaled."""
        if face.bitmap_size:
            ascent, descent = self.font(face, style).getmetrics()
            s = self.scale(face, style)
            return ascent * s, descent * s
        a, d = self.library.vertical_metrics(face)
        return a * style.size, d * style.size

    def length(self, text: str, face: Face, style: TextStyle, direction: str) -> float:
        if not text:
            return 0.0
        key = (face.path, face.bitmap_size, style.size, style.weight, style.features,
               style.language, style.tracking, direction, text)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        font = self.font(face, style)
        kw = _shape_kwargs(style, direction)
        width = font.getlength(text, **kw) * self.scale(face, style)
        if _tracked(style, face, text):
            width += style.tracking / 1000 * style.size * len(graphemes(text))
        with self._lock:
            self._cache[key] = width
            if len(self._cache) > 20000:
                self._cache.popitem(last=False)
        return width


def _shape_kwargs(style: TextStyle, direction: str) -> dict:
    from .fonts import raqm_available

    if not raqm_available():
        return {}
    kw: dict = {"direction": direction}
    if style.features:
        kw["features"] = list(style.features)
    if style.language:
        kw["language"] = style.language
    return kw


def _tracked(style: TextStyle, face: Face, text: str) -> bool:
    if not style.tracking or face.is_color:
        return False
    return strong_direction(text) != "rtl"


_MEASURERS: dict[int, _Measurer] = {}


def _measurer(library: FontLibrary) -> _Measurer:
    m = _MEASURERS.get(id(library))
    if m is None or m.library is not library:
        m = _Measurer(library)
        _MEASURERS[id(library)] = m
    return m


# ---------------------------------------------------------------------------
# paragraph preparation


_OPENING_CONTEXT = set(" \t\n([{\u2014\u2013-/\u00a0")


def smart_quotes(text: str) -> str:
    """Straight quotes to typographic ones: ``"buku"`` -> “buku”, ``You're`` -> You’re.

    A quote at the start or after a space or opening bracket opens (“ ‘),
    anything else closes (” ’); an apostrophe between letters, or before the
    digits of an elided year (’90s), is ’.  Quotes
    right after a digit are left alone (feet and inches, ``5'10"``).
    """
    if "'" not in text and '"' not in text:
        return text
    out = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else " "
        if ch not in "'\"" or prev.isdigit():
            out.append(ch)
            continue
        opening = prev in _OPENING_CONTEXT or prev in "\u201c\u2018"
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch == "'" and opening and nxt.isdigit():  # elided century: ’90s
            opening = False
        if ch == '"':
            out.append("\u201c" if opening else "\u201d")
        else:
            out.append("\u2018" if opening else "\u2019")
    return "".join(out)


def _transform(text: str, transform: str) -> str:
    if transform == "uppercase":
        return text.upper()
    if transform == "lowercase":
        return text.lower()
    if transform == "capitalize":
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


@dataclass
class _Paragraph:
    text: str
    span_style: list[int]
    styles: list[TextStyle]
    runs: list[Run]
    missing: list[Missing]
    direction: str


def _prepare(spans: list[Span], library: FontLibrary, direction: str | None) -> _Paragraph:
    styles: list[TextStyle] = []
    text_parts: list[str] = []
    span_style: list[int] = []
    for span in spans:
        t = unicodedata.normalize("NFC", _transform(span.text, span.style.transform))
        if span.style.smart_quotes:
            t = smart_quotes(t)
        t = t.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        if span.style not in styles:
            styles.append(span.style)
        idx = styles.index(span.style)
        text_parts.append(t)
        span_style.extend([idx] * len(t))
    text = "".join(text_parts)
    if not styles:
        styles = [TextStyle()]
    base = direction if direction in ("ltr", "rtl") else (strong_direction(text) or "ltr")
    faces = [library.face(s.family, s.italic) for s in styles]
    runs, missing = _measurer(library).itemize(text, span_style, faces, base)
    return _Paragraph(text, span_style, styles, runs, missing, base)


# ---------------------------------------------------------------------------
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
    para: _Paragraph, start: int, end: int, m: _Measurer
) -> tuple[list[Segment], float, float, float]:
    """Segments of text[start:end] in visual order, with width, ascent, descent."""
    pieces: list[tuple[Run, str]] = []
    for run in para.runs:
        if run.end <= start or run.start >= end:
            continue
        s, e = max(run.start, start), min(run.end, end)
        pieces.append((run, para.text[s:e]))
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


def _width(para: _Paragraph, start: int, end: int, m: _Measurer) -> float:
    while end > start and para.text[end - 1] == " ":
        end -= 1
    total = 0.0
    for run in para.runs:
        if run.end <= start or run.start >= end:
            continue
        s, e = max(run.start, start), min(run.end, end)
        total += m.length(para.text[s:e], run.face, para.styles[run.style], run.direction)
    return total


def _break_word(para: _Paragraph, start: int, end: int, max_width: float, m: _Measurer) -> int:
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
        if _width(para, start, bounds[mid], m) <= max_width:
            best = bounds[mid]
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def _break_lines(para: _Paragraph, max_width: float | None, m: _Measurer,
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
                if _width(para, start, op, m) <= max_width + 0.01:
                    best = op
                else:
                    break
            if best is None:
                first = next(op for op in ops if op > start)
                best = _break_word(para, start, first, max_width, m)
                if broken is not None and best < first:
                    broken.append(True)
            lines.append((start, best))
            start = best
        if seg_start == seg_end:
            lines.append((seg_start, seg_end))
    return lines


def _ellipsize(para: _Paragraph, start: int, end: int, max_width: float, m: _Measurer) -> _Paragraph:
    """A paragraph whose text is text[:k] + "…" so that text[start:k] + "…"
    fits ``max_width``; cuts at a word boundary when that keeps at least
    half the line, else at a grapheme boundary."""
    text = para.text
    strip = " ,;:.-\u2013\u2014\u00b7/"
    cut_candidates = []
    pos = start
    for g in graphemes(text[start:]):
        pos += len(g)
        cut_candidates.append(pos)
    best = start
    for k in cut_candidates:
        trial = _with_text(para, text[:k].rstrip(strip) + ELLIPSIS, m)
        if _width(trial, start, len(trial.text), m) <= max_width:
            best = k
        else:
            break
    line_len = best - start
    space = text.rfind(" ", start, best + 1)
    if space > start and (space - start) >= line_len / 2 and best < len(text) and text[best] != " ":
        best = space
    return _with_text(para, text[:best].rstrip(strip) + ELLIPSIS, m)


def _with_text(para: _Paragraph, text: str, m: _Measurer) -> _Paragraph:
    """The paragraph re-itemised over a new text (a prefix + ellipsis)."""
    span_style = para.span_style[: len(text)]
    if len(span_style) < len(text):
        span_style = span_style + [span_style[-1] if span_style else 0] * (len(text) - len(span_style))
    faces = [m.library.face(s.family, s.italic) for s in para.styles]
    runs, missing = itemize(text, span_style, faces, m.library, para.direction)
    return _Paragraph(text, span_style, para.styles, runs, missing, para.direction)


def _set(para: _Paragraph, st: _Settings, m: _Measurer) -> TextBlock:
    broken: list[bool] = []
    breaks = _break_lines(para, st.max_width, m, broken)
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
        a0, d0 = _line_segments(para, *breaks[0], m)[2:]
        while limit > 1 and not fits_height(limit, a0, d0):
            limit -= 1
    if limit < len(breaks):
        truncated = True
        if st.ellipsis and st.max_width is not None:
            start, _ = breaks[limit - 1]
            para = _ellipsize(para, start, len(para.text), st.max_width, m)
            breaks = _break_lines(para, st.max_width, m)[:limit]
        else:
            breaks = breaks[:limit]

    if st.balance and not truncated and st.max_width is not None and len(breaks) >= 2:
        breaks = _balance(para, breaks, st.max_width, bool(broken), m)

    lines: list[Line] = []
    baseline = 0.0
    for i, (s, e) in enumerate(breaks):
        e_trim = e
        while e_trim > s and para.text[e_trim - 1] in " \n":
            e_trim -= 1
        segs, w, asc, desc = _line_segments(para, s, e_trim, m)
        if i == 0:
            baseline = asc
        else:
            baseline += leading
        lines.append(Line(tuple(segs), baseline, asc, desc, 0.0, w, para.text[s:e_trim]))
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
                     truncated, overflow, tuple(para.missing), bool(broken))


def _balance(para: _Paragraph, breaks: list[tuple[int, int]], max_width: float, broken: bool,
             m: _Measurer) -> list[tuple[int, int]]:
    """Breaks for the narrowest width that keeps the same number of lines (and
    breaks no word the full width did not): lines of even length, no lone word
    on the last line (CSS ``text-wrap: balance``)."""
    n = len(breaks)
    lo, hi = max_width / n * 0.9, max_width
    best = breaks
    for _ in range(12):
        mid = (lo + hi) / 2
        flag: list[bool] = []
        trial = _break_lines(para, mid, m, flag)
        if len(trial) <= n and (broken or not flag):
            hi, best = mid, trial
        else:
            lo = mid
        if hi - lo < 1:
            break
    return best


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
                    inside; ``none``: keep it;
    ``ellipsis``    end a clamped text with "…";
    ``direction``   ``ltr``/``rtl`` to force; None takes it from the text;
    ``balance``     make the lines of even length (for titles), keeping
                    the line count.

    Raises :class:`libmedia.errors.FontError` for an unknown family.
    Characters no font covers are listed in ``TextBlock.missing``.
    """
    library = library or default_library()
    m = _measurer(library)
    base_size = spans[0].style.size if spans else TextStyle().size

    def attempt(size: float, allow_truncate: bool) -> TextBlock:
        sp = _scaled(spans, size / base_size) if size != base_size else spans
        para = _prepare(sp, library, direction)
        st = _Settings(size, max_width, max_lines, max_height, align, ellipsis and allow_truncate,
                       balance)
        return _set(para, st, m)

    if fit != "shrink" or not spans:
        return attempt(base_size, True)
    floor = min(min_size or base_size * 0.5, base_size)
    def fits(b: TextBlock) -> bool:
        return not (b.truncated or b.overflow or b.broken_words)

    block = attempt(base_size, False)
    if fits(block):
        return block
    best = attempt(floor, False)
    if not fits(best):
        return attempt(floor, True)
    # Largest size in quarter pixels that fits: fitting is monotonic in size
    # for a fixed box, so bisect between the floor (fits) and the base (does not).
    lo, hi = math.ceil(floor * 4), math.floor(base_size * 4)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        trial = attempt(mid / 4, False)
        if not fits(trial):
            hi = mid
        else:
            lo, best = mid, trial
    return best


# ---------------------------------------------------------------------------
# drawing


def draw_text_block(
    image: Image.Image,
    block: TextBlock,
    origin: tuple[float, float],
    library: FontLibrary | None = None,
) -> None:
    """Draw ``block`` onto ``image`` (mode RGBA) with its top-left at ``origin`` (px).

    Each segment is drawn at its baseline with Pillow's ``ls`` anchor (left,
    baseline); colour emoji are drawn at 109 px and scaled to size with
    Lanczos resampling.  Positions are rounded to whole pixels only at the
    very end, so baselines stay evenly spaced.
    """
    library = library or default_library()
    m = _measurer(library)
    draw = ImageDraw.Draw(image)
    ox, oy = origin
    for line in block.lines:
        by = oy + line.baseline
        for seg in line.segments:
            x = ox + line.x + seg.x
            if seg.face.is_color:
                _draw_emoji(image, seg, x, by, m)
                continue
            _draw_segment(image, draw, seg, m.font(seg.face, seg.style), x, by)


def _cluster_offsets(text: str, font: ImageFont.FreeTypeFont, kw: dict) -> list[tuple[float, str]]:
    """Pen offset of each grapheme cluster in the shaped ``text``, kerning kept.

    HarfBuzz puts a pair's kerning on the first glyph's advance, so cluster
    ``i`` starts at the shaped length of ``text[:i+1]`` less its own advance.
    Used to letter-space text without losing the font's kerning.
    """
    out = []
    pos = 0
    for g in graphemes(text):
        end = pos + len(g)
        out.append((font.getlength(text[:end], **kw) - font.getlength(g, **kw), g))
        pos = end
    return out


_TILE_CACHE: OrderedDict[tuple, tuple[Image.Image, int, int]] = OrderedDict()
_TILE_LOCK = threading.Lock()


def _segment_mask(seg: Segment, font: ImageFont.FreeTypeFont, fx: float, fy: float
                  ) -> tuple[Image.Image, int, int]:
    """Coverage mask ("L") of a segment drawn with its pen at sub-pixel offset
    (fx, fy) from a whole pixel, and the mask's offset from that pixel.
    Letter-spaced text is drawn cluster by cluster at its kerned positions
    plus the tracking.  Remembered (an LRU of 512): a template's labels and
    eyebrows are the same on every post.  Keyed by the offsets to 1/64 px,
    FreeType's precision, so pixels never depend on what was drawn before."""
    st = seg.style
    key = (str(seg.face.path), st.size, st.weight, st.features, st.language, st.tracking,
           seg.direction, seg.text, fx, fy)
    with _TILE_LOCK:
        hit = _TILE_CACHE.get(key)
        if hit is not None:
            _TILE_CACHE.move_to_end(key)
            return hit
    kw = _shape_kwargs(st, seg.direction)
    ascent, descent = font.getmetrics()
    pad = math.ceil(st.size)
    mask = Image.new("L", (math.ceil(seg.width + 2 * pad), math.ceil(ascent + descent + 2 * pad)), 0)
    d = ImageDraw.Draw(mask)
    if _tracked(st, seg.face, seg.text):
        track = st.tracking / 1000 * st.size
        for i, (offset, g) in enumerate(_cluster_offsets(seg.text, font, kw)):
            d.text((pad + fx + offset + i * track, pad + ascent + fy), g, font=font, fill=255,
                   anchor="ls", **kw)
    else:
        d.text((pad + fx, pad + ascent + fy), seg.text, font=font, fill=255, anchor="ls", **kw)
    box = mask.getbbox() or (0, 0, 1, 1)
    hit = (mask.crop(box), box[0] - pad, box[1] - pad - ascent)
    with _TILE_LOCK:
        _TILE_CACHE[key] = hit
        if len(_TILE_CACHE) > 512:
            _TILE_CACHE.popitem(last=False)
    return hit


def _draw_segment(image: Image.Image, draw: ImageDraw.ImageDraw, seg: Segment,
                  font: ImageFont.FreeTypeFont, x: float, baseline: float) -> None:
    """Paint one segment's glyphs in its colour.  Opaque colours go through
    ``ImageDraw.bitmap`` (the blending ``ImageDraw.text`` uses); translucent
    ones are alpha-composited, since Pillow's text drawing would replace the
    canvas's alpha with the colour's and punch holes in an opaque post."""
    ix, iy = math.floor(x), math.floor(baseline)
    fx, fy = round((x - ix) * 64) / 64, round((baseline - iy) * 64) / 64
    tile, dx, dy = _segment_mask(seg, font, fx, fy)
    color = seg.style.color
    if color[3] == 255:
        draw.bitmap((ix + dx, iy + dy), tile, fill=color)
        return
    layer = Image.new("RGBA", tile.size, color[:3] + (0,))
    layer.putalpha(tile.point(lambda v: v * color[3] // 255))
    left, top = ix + dx, iy + dy
    crop = (max(0, -left), max(0, -top), min(tile.width, image.width - left),
            min(tile.height, image.height - top))
    if crop[0] < crop[2] and crop[1] < crop[3]:
        image.alpha_composite(layer.crop(crop), (left + crop[0], top + crop[1]))


_EMOJI_CACHE: OrderedDict[tuple, Image.Image] = OrderedDict()
_EMOJI_LOCK = threading.Lock()


def _draw_emoji(image: Image.Image, seg: Segment, x: float, baseline: float, m: _Measurer) -> None:
    font = m.font(seg.face, seg.style)
    scale = m.scale(seg.face, seg.style)
    key = (seg.face.path, seg.text, round(scale, 4))
    with _EMOJI_LOCK:
        tile = _EMOJI_CACHE.get(key)
    ascent, descent = font.getmetrics()
    if tile is None:
        w = math.ceil(font.getlength(seg.text, **_shape_kwargs(seg.style, seg.direction))) + 4
        h = ascent + descent + 4
        big = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        ImageDraw.Draw(big).text((2, 2 + ascent), seg.text, font=font, anchor="ls",
                                 embedded_color=True, **_shape_kwargs(seg.style, seg.direction))
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        tile = big.resize(size, Image.Resampling.LANCZOS)
        with _EMOJI_LOCK:
            _EMOJI_CACHE[key] = tile
            if len(_EMOJI_CACHE) > 512:
                _EMOJI_CACHE.popitem(last=False)
    top = baseline - (2 + ascent) * scale
    left = x - 2 * scale
    image.alpha_composite(tile, (round(left), round(top))) if _inside(image, tile, left, top) else \
        image.paste(tile, (round(left), round(top)), tile)


def _inside(image: Image.Image, tile: Image.Image, left: float, top: float) -> bool:
    return left >= 0 and top >= 0 and left + tile.width <= image.width and top + tile.height <= image.height
