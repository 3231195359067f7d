"""Lint: the stage after layout that looks at the laid-out page for what will
look wrong on the post, without stopping the render.

A registry of rules, :data:`RULES`, keyed by the diagnostic code each one
gives.  A rule looks at one laid-out :class:`~libmedia.layout.Fragment` (with
the :class:`LintContext`: the whole page and where the record comes from)
and yields :class:`~libmedia.errors.Diagnostic` warnings.  Today's rules:

* ``upscaled``       a picture drawn more than :data:`UPSCALE_LIMIT` times its
                     pixel size (it will look soft);
* ``missing-glyph``  characters no bundled or installed font has (drawn as boxes);
* ``truncated``      text shortened with an ellipsis to fit its box;
* ``safe-zone``      text, the brand logo or a QR code reaching into a band
                     the platform's app covers (the format's ``safe`` inset,
                     see :mod:`libmedia.formats`): on any format, image or
                     video, that has one;
* ``touching-lines`` the ink of one line touching or overlapping the next's;
* ``bare-break``     a line ending inside a word without a visible hyphen;
* ``shortened-with-room`` text shortened with an ellipsis although its box
                     has the height for another line;
* ``small-text``     text drawn under :data:`SMALL_TEXT_PX` px (on a post
                     1080 px wide; scaled with the format's width).

The drawn page has rules of its own, :data:`DRAWN_RULES`, run by
:func:`lint_drawn` after the draw stage: ``low-contrast`` (text below WCAG 2
AA against the pixels actually drawn behind it).  :func:`typography` gives
the figures per post that are not warnings: each title's line count and
final size.  Nothing here changes the page.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image

from .errors import Diagnostic, Location
from .formats import Format
from .layout import Fragment, Page, Rect
from .typography import Line, TextBlock, TextStyle

#: A picture drawn more than this many times its pixel size (on either axis)
#: gets an ``upscaled`` warning: beyond about 1.5x resampling shows as blur
#: on a phone held at reading distance.
UPSCALE_LIMIT = 1.5


@dataclass(frozen=True)
class LintContext:
    """What a rule may read beside its fragment: the ``page``, the
    ``location`` (data file and row) the diagnostics point at, and the output
    ``fmt`` (None when the caller has no format: rules that need one, like
    ``safe-zone``, then say nothing)."""

    page: Page
    location: Location
    fmt: Format | None = None
    #: text element path -> (its base style, its spans' styles), from the style
    #: stage (:attr:`libmedia.style.StyledDocument.text`); None when unknown
    styles: Mapping[str, tuple[TextStyle, tuple[TextStyle, ...]]] | None = None
    #: the drawn page (RGBA, the page's size), for :data:`DRAWN_RULES`
    image: Image.Image | None = None
    #: the fonts the page was set with (None: the bundled and installed)
    library: Any = None


Rule = Callable[[Fragment, LintContext], Iterable[Diagnostic]]

_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")


def _q(text: str) -> str:
    """``text`` quoted for a message as a reader sees it: no-break and other
    spaces as plain spaces (a name set with no-break spaces is not printed
    as ``Pramoedya\\xa0Ananta``), other invisible characters escaped."""
    return repr(_ODD_SPACES.sub(" ", text))


def drawn_scale(node: Fragment) -> float | None:
    """How many times its own pixel size an image fragment's picture is drawn
    (the larger of the two axes' factors for ``cover`` and ``fill``, the
    smaller for ``contain``), or None when it shows no loaded picture."""
    res = node.asset
    if node.element.tag != "image" or res is None or res.image is None or not res.original_size:
        return None
    ow, oh = res.original_size
    sx, sy = node.box.w / max(1, ow), node.box.h / max(1, oh)
    return min(sx, sy) if node.element.get("fit", "contain") == "contain" else max(sx, sy)


def upscaled(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``upscaled``: the picture is drawn more than :data:`UPSCALE_LIMIT` times
    its size; the advice is the smallest file of the same shape that would
    stay within the limit.  An image with ``upscale-warning="false"`` (a
    decorative texture, say) is never reported."""
    scale = drawn_scale(node)
    if scale is None or scale <= UPSCALE_LIMIT or not node.element.get("upscale-warning", True):
        return
    res = node.asset
    assert res is not None and res.original_size is not None
    ow, oh = res.original_size
    need_w = int(-(-ow * scale // UPSCALE_LIMIT))
    need_h = int(-(-oh * scale // UPSCALE_LIMIT))
    full_w, full_h = math.ceil(ow * scale), math.ceil(oh * scale)
    yield Diagnostic.warning(
        f"{Path(res.source).name} is {ow}x{oh} px, drawn at {scale:.1f}x its size: it will "
        f"look soft; use an image of at least {need_w}x{need_h} px", ctx.location, "upscaled",
        hint=f"at {need_w}x{need_h} px it is enlarged {UPSCALE_LIMIT:g}x at most, which still "
             f"looks sharp on a phone; at {full_w}x{full_h} px or more it is not enlarged at all")


def missing_glyphs(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``missing-glyph``: one warning per run of characters no font covers."""
    el = node.element
    if el.tag != "text" or node.text is None:
        return
    for m in node.text.missing:
        yield Diagnostic.warning(
            f"no bundled or installed font has {m.describe()} ({_q(el.plain_text[:40])}, "
            f"template line {el.line}); it shows as a box", ctx.location, "missing-glyph")


def truncated(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``truncated``: text shortened with an ellipsis to fit its box."""
    el = node.element
    if el.tag == "text" and node.text is not None and node.text.truncated:
        yield Diagnostic.warning(
            f"text shortened with an ellipsis to fit (template line {el.line}): "
            f"{_q(el.plain_text[:60])}", ctx.location, "truncated")


def drawn_rect(node: Fragment) -> Rect | None:
    """Where a fragment's visible content lies on the page, in px, for the
    elements the ``safe-zone`` rule watches, else None: for text the box of
    its laid-out lines (left of the leftmost line to right of the widest,
    first line's ascent to last line's descent); for a QR code the centred
    square it is drawn in; for an image the picture as ``contain`` fits it
    (centred), or the whole box for ``cover``/``fill`` and stand-ins."""
    el = node.element
    if el.tag == "text":
        block = node.text
        if block is None or not block.lines or not el.plain_text.strip():
            return None
        x0 = min(ln.x for ln in block.lines)
        x1 = max(ln.x + ln.width for ln in block.lines)
        y0, y1 = block.lines[0].top, block.lines[-1].bottom
        return Rect(node.content.x + x0, node.content.y + y0, x1 - x0, y1 - y0)
    if el.tag == "qr":
        side = min(node.box.w, node.box.h)
        return Rect(node.box.x + (node.box.w - side) / 2, node.box.y + (node.box.h - side) / 2,
                    side, side)
    if el.tag == "image":
        res = node.asset
        if (res is not None and res.image is not None and res.original_size
                and el.get("fit", "contain") == "contain"):
            ow, oh = res.original_size
            scale = min(node.box.w / max(1, ow), node.box.h / max(1, oh))
            w, h = ow * scale, oh * scale
            return Rect(node.box.x + (node.box.w - w) / 2, node.box.y + (node.box.h - h) / 2, w, h)
        return node.box
    return None


def _watched(node: Fragment) -> str | None:
    """What the ``safe-zone`` rule calls this fragment, or None when it does
    not watch it: text, QR codes and the brand logo (``src="brand:logo"``);
    pictures such as covers may run under the app's buttons."""
    el = node.element
    if el.tag == "text":
        return f"text {_q(el.plain_text.strip()[:40])}"
    if el.tag == "qr":
        return "QR code"
    if el.tag == "image" and str(el.get("src", "")).strip() == "brand:logo":
        return "logo (brand:logo)"
    return None


def off_canvas(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``off-canvas``: text, a QR code or the brand logo reaching past an
    edge of the canvas (by more than 1 px), so part of it is cut off: a
    layout whose content is taller than its format (a long table, a footer
    pushed down) is flagged instead of posted with its last line missing."""
    what = _watched(node)
    rect = drawn_rect(node) if what is not None else None
    if rect is None:
        return
    past = {"top": -rect.y, "left": -rect.x, "bottom": rect.y + rect.h - ctx.page.height,
            "right": rect.x + rect.w - ctx.page.width}
    edge, by = max(past.items(), key=lambda kv: kv[1])
    if by > 1:
        yield Diagnostic.warning(
            f"{what} (template line {node.element.line}) reaches {math.ceil(by)} px past the "
            f"canvas's {edge} edge and is cut off", ctx.location, "off-canvas",
            hint="the layout holds more than the format has room for: let a text shrink "
                 "(fit=\"shrink\"), allow fewer lines, or give this format a tighter layout")


def safe_zone(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``safe-zone``: text, a QR code or the brand logo reaching into a band
    that the platform's app covers with its own interface (the format's
    ``safe`` inset: captions, buttons, profile, progress bar); it may be
    hidden there.  The message names the element and its template line, the
    hint how far to move it and the area that is safe.  Half a pixel of
    overlap is tolerated (layout rounding)."""
    fmt = ctx.fmt
    if fmt is None or not any(fmt.safe):
        return
    what = _watched(node)
    rect = drawn_rect(node) if what else None
    if rect is None or rect.w <= 0 or rect.h <= 0:
        return
    top, right, bottom, left = fmt.safe
    x1, y1 = fmt.width - right, fmt.height - bottom
    tol = 0.5
    moves: list[str] = []
    bands: list[str] = []
    over_top, over_bottom = top - rect.y, rect.bottom - y1
    over_left, over_right = left - rect.x, rect.right - x1
    if over_top > tol:
        bands.append(f"top {top} px")
    if over_bottom > tol:
        bands.append(f"bottom {bottom} px")
    if over_left > tol:
        bands.append(f"left {left} px")
    if over_right > tol:
        bands.append(f"right {right} px")
    if not bands:
        return
    if over_top > tol and over_bottom > tol:
        moves.append(f"make it at most {y1 - top} px tall")
    elif over_top > tol:
        moves.append(f"move it {_px(over_top)} px down")
    elif over_bottom > tol:
        moves.append(f"move it {_px(over_bottom)} px up")
    if over_left > tol and over_right > tol:
        moves.append(f"make it at most {x1 - left} px wide")
    elif over_left > tol:
        moves.append(f"move it {_px(over_left)} px to the right")
    elif over_right > tol:
        moves.append(f"move it {_px(over_right)} px to the left")
    yield Diagnostic.warning(
        f"{what} (template line {node.element.line}) reaches into the "
        f"{' and '.join(bands)} that {fmt.platform}'s app covers with its own interface on "
        f"'{fmt.name}': it may be hidden there", ctx.location, "safe-zone",
        hint=(f"{' and '.join(moves)}: keep it inside x {left}..{x1}, y {top}..{y1} px "
              f"(format.safe in the template gives these insets, e.g. as the canvas padding)"))


def _px(value: float) -> int:
    """A distance to move, rounded up to whole pixels."""
    return int(-(-value // 1))


# ---------------------------------------------------------------------------
# typography: what a designer would not let through


#: Ink of two lines closer than this (px) counts as touching.
TOUCH_TOLERANCE = 0.5
#: The smallest text size (px) on a post 1080 px wide; a post of another
#: width scales it (``24 * width / 1080``).  A 1080-px post fills a phone
#: screen about 390 CSS px wide, so 24 px on the post is about 8.7 CSS px:
#: the smallest that stays legible at arm's length.
SMALL_TEXT_PX = 24.0
#: WCAG 2 AA minimum contrast: 4.5:1 for text, 3:1 for large text (WCAG 2.1,
#: success criterion 1.4.3 "Contrast (Minimum)").
AA_NORMAL, AA_LARGE = 4.5, 3.0
#: WCAG's "large scale" text: at least 18 pt, or 14 pt bold (700), with
#: 1 pt = 4/3 CSS px, i.e. 24 and 18.67 CSS px.  A post is seen on a phone
#: about :data:`PHONE_CSS_WIDTH` CSS px wide, so on a post ``width`` px wide
#: these are ``24 * width / 390`` and ``18.67 * width / 390`` px (66.5 and
#: 51.7 px at 1080).
LARGE_CSS_PX, LARGE_BOLD_CSS_PX = 24.0, 56 / 3
#: The CSS viewport width a post is shown at (iPhone 12 to 15: 390 CSS px).
PHONE_CSS_WIDTH = 390.0
#: ``low-contrast`` reports the contrast that this share of the pixels
#: behind the text stays above (the 10th percentile: the worst case, not
#: one stray pixel).
CONTRAST_PERCENTILE = 10.0

_INK_CACHE: OrderedDict[tuple, tuple[float, float]] = OrderedDict()
_INK_LOCK = threading.Lock()


def _segment_ink(seg, library) -> tuple[float, float] | None:
    """How far one segment's glyphs reach above and below its baseline, px
    (Pillow's ``getbbox`` with the ``ls`` anchor, shaped as drawn), or None
    for a segment without ink (spaces).  Cached (an LRU of 4,096)."""
    from .typography import measure as _measure

    st = seg.style
    member = seg.face.member_for(st.weight)
    key = (str(member.path), member.index, member.stamp, st.size, st.weight, st.features,
           st.language, seg.direction, seg.text)
    with _INK_LOCK:
        hit = _INK_CACHE.get(key)
        if hit is not None:
            _INK_CACHE.move_to_end(key)
            return hit
    m = _measure.measurer(library)
    font = m.font(seg.face, st)
    try:
        left, top, right, bottom = font.getbbox(seg.text, anchor="ls",
                                                **_measure.shape_kwargs(st, seg.direction))
    except (OSError, ValueError):
        return None
    if right <= left or bottom <= top:
        return None
    scale = m.scale(seg.face, st)
    hit = (-top * scale, bottom * scale)
    with _INK_LOCK:
        _INK_CACHE[key] = hit
        if len(_INK_CACHE) > 4096:
            _INK_CACHE.popitem(last=False)
    return hit


def line_ink(line: Line, library=None) -> tuple[float, float] | None:
    """``(ink_ascent, ink_descent)`` of a line: px its drawn glyphs reach
    above and below its baseline.  The line's own ``ink_ascent``/
    ``ink_descent`` when the layout measured them; otherwise measured here
    from its segments (:func:`_segment_ink`).  None for a line without ink."""
    if line.ink_ascent is not None and line.ink_descent is not None:
        return line.ink_ascent, line.ink_descent
    from .typography import default_library

    library = library or default_library()
    found = [e for seg in line.segments if seg.text.strip() and (e := _segment_ink(seg, library))]
    if not found:
        return None
    return max(a for a, _ in found), max(d for _, d in found)


def _library(ctx: LintContext):
    return ctx.library


def _blocks(node: Fragment) -> Iterator[tuple[str, TextBlock, float, float]]:
    """The text blocks a fragment draws, with a name and their top-left on
    the page: a text element's block, and a stand-in cover's title, author
    and label."""
    el = node.element
    if el.tag == "text" and node.text is not None and el.plain_text.strip():
        yield f"text {_q(el.plain_text.strip()[:40])}", node.text, node.content.x, node.content.y
    if node.stand_in is not None:
        si = node.stand_in
        for part in si.parts:
            words = " ".join(ln.text for ln in part.text.lines).strip()
            if words:
                yield (f"stand-in cover {part.role.removeprefix('cover-')} {_q(words[:40])}", part.text,
                       si.rect.x + part.at[0], si.rect.y + part.at[1])


def touching_lines(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``touching-lines``: the lowest ink of one line reaches to within
    :data:`TOUCH_TOLERANCE` px of (or past) the highest ink of the next
    (descenders into the next line's accents, dots or ascenders: issue 7,
    Arabic titles).  One warning per block, naming the worst pair and how
    many pairs touch.  Ink extents come from :func:`line_ink`."""
    for what, block, _, _ in _blocks(node):
        if len(block.lines) < 2:
            continue
        inks = [line_ink(ln, _library(ctx)) for ln in block.lines]
        pairs = []
        for i in range(len(block.lines) - 1):
            a, b = inks[i], inks[i + 1]
            if a is None or b is None:
                continue
            bottom = block.lines[i].baseline + a[1]
            top = block.lines[i + 1].baseline - b[0]
            if top <= bottom + TOUCH_TOLERANCE:
                pairs.append((bottom - top, i))
        if not pairs:
            continue
        overlap, i = max(pairs)
        gap = "touches" if overlap <= TOUCH_TOLERANCE else f"overlaps by {overlap:.1f} px"
        yield Diagnostic.warning(
            f"{what} (template line {node.element.line}): the ink of line {i + 1} "
            f"{_q(block.lines[i].text[:30])} {gap} the ink of line {i + 2} "
            f"{_q(block.lines[i + 1].text[:30])}"
            + (f" ({len(pairs)} of {len(block.lines) - 1} line pairs touch)" if len(pairs) > 1 else ""),
            ctx.location, "touching-lines",
            hint="give the text more line height (line-height of its type role), or fewer lines")


_HYPHENS = "-\u2010\u2011\u00ad"


def _norm(text: str) -> str:
    return text.casefold()


def bare_break_lines(block: TextBlock, source: str) -> list[int]:
    """0-based indices of the lines of ``block`` that end inside a word
    without a visible hyphen, found by walking ``source`` (the element's
    text) along the lines: a line whose last character and the next line's
    first are both letters or digits, with nothing between them in the
    source.  A hyphen the layout added at a break counts as visible.  Empty
    when the lines cannot be matched to the source (an ellipsis, a
    transform that changes lengths)."""
    src = _norm(source)
    pos, out = 0, []
    lines = [_norm(ln.text) for ln in block.lines]
    for i, text in enumerate(lines):
        while pos < len(src) and src[pos].isspace():
            pos += 1
        shown = text.rstrip()
        added_hyphen = False
        if src.startswith(shown, pos):
            pos += len(shown)
        elif shown and shown[-1] in _HYPHENS and src.startswith(shown[:-1], pos):
            pos += len(shown) - 1
            added_hyphen = True
        else:
            return out  # not matchable: say nothing rather than guess
        if i + 1 < len(lines) and not added_hyphen and shown and lines[i + 1]:
            if (pos < len(src) and not src[pos].isspace() and shown[-1].isalnum()
                    and lines[i + 1][0].isalnum() and _spaced_script(shown[-1])):
                out.append(i)
    return out


def _spaced_script(ch: str) -> bool:
    """True for a character of a script that separates words with spaces,
    where a break inside a word needs a hyphen (not Chinese, Japanese, Thai,
    Lao, Khmer, Myanmar, Tibetan, which break between syllables or
    characters)."""
    o = ord(ch)
    return not (0x0E00 <= o <= 0x0FFF or 0x1000 <= o <= 0x109F or 0x1780 <= o <= 0x17FF
                or 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
                or 0x20000 <= o <= 0x3FFFF or 0x3000 <= o <= 0x30FF)


def bare_break(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``bare-break``: a line that ends inside a word without a visible
    hyphen ("PENGEMBANG / AN": issue 7).  Counted by the layout
    (``TextBlock.bare_breaks``); when it counted none but had to break a
    word (``broken_words``), the lines are matched to the text here
    (:func:`bare_break_lines`)."""
    el = node.element
    block = node.text
    if el.tag != "text" or block is None or len(block.lines) < 2:
        return
    found = bare_break_lines(block, el.plain_text)
    count = max(block.bare_breaks, len(found))
    if not count and block.broken_words and not block.hyphenated:
        count = 1
    if not count:
        return
    if found:
        i = found[0]
        where = f"{_q(block.lines[i].text[-20:])} / {_q(block.lines[i + 1].text[:20])}"
    else:
        where = " / ".join(repr(ln.text[:20]) for ln in block.lines[:4])
    yield Diagnostic.warning(
        f"text (template line {el.line}) breaks {'a word' if count == 1 else f'{count} words'} "
        f"without a hyphen: {where}", ctx.location, "bare-break",
        hint="the word is wider than the box at the smallest size: allow a smaller min-size, "
             "a wider box, or hyphenation")


def _leading(block: TextBlock) -> float:
    """The baseline-to-baseline distance of a block, px."""
    if len(block.lines) >= 2:
        return block.lines[1].baseline - block.lines[0].baseline
    segs = [s for ln in block.lines for s in ln.segments]
    line_height = segs[0].style.line_height if segs else 1.2
    return block.size * line_height


def shortened_with_room(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``shortened-with-room``: text shortened with an ellipsis although it
    set fewer lines than its ``max-lines`` allows and its box has the height
    for one more at the leading it used (the last line's descent below it):
    "Haruki Murakami, 村上…" in a box that holds two lines (issue 7)."""
    el = node.element
    block = node.text
    if el.tag != "text" or block is None or not block.truncated or not block.lines:
        return
    max_lines = el.get("max-lines")
    n = len(block.lines)
    if max_lines is not None and n >= int(max_lines):
        return
    last = block.lines[-1]
    need = last.baseline + _leading(block) + last.descent
    if need > node.content.h + 0.5:
        return
    yield Diagnostic.warning(
        f"text (template line {el.line}) shortened with an ellipsis on {n} "
        f"line{'s' if n != 1 else ''} although its box ({node.content.h:.0f} px high) has room for "
        f"line {n + 1} ({need:.0f} px): {_q(el.plain_text[:60])}", ctx.location,
        "shortened-with-room",
        hint="the fit check and the box disagree about the line metrics; please report it")


def small_text_px(width: int) -> float:
    """The ``small-text`` threshold for a post ``width`` px wide:
    :data:`SMALL_TEXT_PX` scaled from 1080."""
    return SMALL_TEXT_PX * width / 1080


def small_text(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``small-text``: text drawn smaller than :func:`small_text_px` (24 px
    on a post 1080 px wide), stand-in cover texts included; names the size."""
    limit = small_text_px(ctx.page.width)
    for what, block, _, _ in _blocks(node):
        sizes = [s.style.size for ln in block.lines for s in ln.segments if s.text.strip()]
        if not sizes or min(sizes) >= limit - 0.01:
            continue
        yield Diagnostic.warning(
            f"{what} (template line {node.element.line}) is drawn at {min(sizes):.1f} px, under "
            f"{limit:.0f} px on a post {ctx.page.width} px wide: hard to read on a phone",
            ctx.location, "small-text",
            hint="use a larger size for its type role, or a larger min-size")


# ---------------------------------------------------------------------------
# the drawn page


_LUT: list = []


def _luminance(rgb):
    """WCAG 2 relative luminance of an (..., 3) integer array of sRGB 0-255:
    one lookup per channel into tables of each channel's weighted linear
    value (WCAG 2.1, "relative luminance")."""
    import numpy as np

    if not _LUT:
        v = np.arange(256, dtype=np.float64) / 255
        lin = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
        _LUT.extend([lin * 0.2126, lin * 0.7152, lin * 0.0722])
    r, g, b = _LUT
    return r[rgb[..., 0]] + g[rgb[..., 1]] + b[rgb[..., 2]]


def large_text(size: float, weight: int, width: int) -> bool:
    """WCAG's large-scale text on a post ``width`` px wide (see
    :data:`LARGE_CSS_PX`): at least 24 CSS px, or 18.67 CSS px at weight
    700 or more, as the post is seen on a phone."""
    css = size * PHONE_CSS_WIDTH / width
    return css >= LARGE_CSS_PX - 0.01 or (weight >= 700 and css >= LARGE_BOLD_CSS_PX - 0.01)


@dataclass(frozen=True)
class Backdrop:
    """What :func:`text_contrast` measures a text block against: ``bg`` the
    sampled pixels behind the block (an ``(N, 3)`` uint8 array of sRGB, every
    other pixel of every other row of the line bands, those more than 2 px
    from any ink); ``color`` the block's main text colour (RGBA); ``alpha``
    its effective opacity (its alpha times the element's ``opacity``,
    0..1); ``box`` the measured area on the page, ``(x0, y0, x1, y1)`` px;
    ``where`` which pixels of it were sampled (a boolean array, every other
    pixel of every other row of ``box``)."""

    bg: Any
    color: tuple[int, int, int, int]
    alpha: float
    box: tuple[int, int, int, int]
    where: Any = None

    def on(self, image: Image.Image) -> Backdrop:
        """The same pixels sampled from ``image`` (the page after something
        was painted behind the text): a re-check without drawing the text
        again."""
        import numpy as np

        bg = np.asarray(image.crop(self.box).convert("RGB"))[::2, ::2][self.where]
        return Backdrop(bg, self.color, self.alpha, self.box, self.where)

    def ratio(self, over: tuple[int, int, int] | None = None, cover: float = 0.0) -> float:
        """The contrast (WCAG 2 ratio) that :data:`CONTRAST_PERCENTILE` % of
        the backdrop stays below, with a panel of colour ``over`` (sRGB)
        laid over the backdrop at opacity ``cover`` (0..1) first: what a
        scrim would give, computed without drawing it."""
        import numpy as np

        bg = self.bg
        if over is not None and cover > 0:
            bg = np.rint(cover * np.array(over, dtype=np.float64) + (1 - cover) * bg).astype(np.intp)
        lb = _luminance(bg)
        if self.alpha < 1:
            fg = np.array(self.color[:3], dtype=np.float64)
            lf = _luminance(np.rint(self.alpha * fg + (1 - self.alpha) * bg).astype(np.intp))
        else:
            lf = float(_luminance(np.array(self.color[:3], dtype=np.intp)))
        ratio = (np.maximum(lf, lb) + 0.05) / (np.minimum(lf, lb) + 0.05)
        return float(np.percentile(ratio, CONTRAST_PERCENTILE))


def backdrop(image: Image.Image, block: TextBlock, origin: tuple[float, float],
             library=None, opacity: float = 1.0) -> Backdrop | None:
    """The pixels of ``image`` (the drawn page, RGBA) behind ``block`` set at
    ``origin`` (its content box's top-left, px), as :class:`Backdrop`; None
    when nothing of it is on the page or it has no visible text.

    The block is drawn alone on a transparent layer (its ink mask); the
    pixels of ``image`` inside each line's band (the line's own width, from
    its top to its bottom, 2 px more on each side) that are more than 2 px
    from any ink are the background (every other pixel of every other row
    of them).  So the measure is the same whether ``image`` already shows
    the text or not (``legibility="scrim"`` measures before the text is
    drawn).  The colour is the one most of the block's text has (the first
    for a tie)."""
    import numpy as np
    from PIL import ImageFilter

    from .typography import draw_text_block

    if not block.lines:
        return None
    ox, oy = origin
    x0 = max(0, math.floor(ox + min(ln.x for ln in block.lines)) - 2)
    x1 = min(image.width, math.ceil(ox + max(ln.x + ln.width for ln in block.lines)) + 2)
    y0 = max(0, math.floor(oy + block.lines[0].top) - 2)
    y1 = min(image.height, math.ceil(oy + block.lines[-1].bottom) + 2)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return None
    weight: dict[tuple, int] = {}
    for ln in block.lines:
        for s in ln.segments:
            if s.text.strip():
                weight[s.style.color] = weight.get(s.style.color, 0) + len(s.text)
    if not weight:
        return None
    color = max(weight, key=lambda c: weight[c])
    layer = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
    draw_text_block(layer, block, (ox - x0, oy - y0), library)
    # within 2 px of any ink: a 5x5 box blur of the binary mask is non-zero
    # exactly where a 5x5 max filter would be, at a fraction of its cost
    near_ink = layer.getchannel("A").point(lambda v: 255 if v > 0 else 0).filter(
        ImageFilter.BoxBlur(2))
    behind = np.asarray(near_ink) == 0
    bands = np.zeros_like(behind)
    for ln in block.lines:
        if not ln.text.strip():
            continue
        bx0 = max(0, math.floor(ox + ln.x) - 2 - x0)
        bx1 = max(0, math.ceil(ox + ln.x + ln.width) + 2 - x0)
        by0 = max(0, math.floor(oy + ln.top) - 2 - y0)
        by1 = max(0, math.ceil(oy + ln.bottom) + 2 - y0)
        bands[by0:by1, bx0:bx1] = True
    behind &= bands
    # every other pixel of every other row: the same distribution at a quarter of the cost
    behind = behind[::2, ::2]
    if not behind.any():
        return None
    bg = np.asarray(image.crop((x0, y0, x1, y1)).convert("RGB"))[::2, ::2][behind]
    alpha = color[3] / 255 * max(0.0, min(1.0, opacity))
    return Backdrop(bg, color, alpha, (x0, y0, x1, y1), behind)


def text_contrast(image: Image.Image, block: TextBlock, origin: tuple[float, float],
                  library=None, opacity: float = 1.0
                  ) -> tuple[float, tuple[int, int, int, int]] | None:
    """The contrast (WCAG 2 ratio, 1 to 21) that :data:`CONTRAST_PERCENTILE`
    % of the pixels behind ``block`` stay below, against the colour of the
    block's text, and that colour (RGBA); None when nothing of it is on the
    page.  The pixels are :func:`backdrop`'s; a translucent text colour (or
    ``opacity`` below 1, the element's) is blended over each background
    pixel first."""
    found = backdrop(image, block, origin, library, opacity)
    if found is None:
        return None
    return found.ratio(), found.color


def required_contrast(block: TextBlock, width: int) -> float:
    """The WCAG 2 AA contrast ``block`` needs on a post ``width`` px wide:
    :data:`AA_LARGE` (3:1) when its smallest text is large
    (:func:`large_text`), else :data:`AA_NORMAL` (4.5:1)."""
    segs = [s for ln in block.lines for s in ln.segments if s.text.strip()]
    if not segs:
        return AA_NORMAL
    size = min(s.style.size for s in segs)
    bold = min(s.style.weight for s in segs)
    return AA_LARGE if large_text(size, bold, width) else AA_NORMAL


def low_contrast(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``low-contrast``: text whose contrast with the pixels drawn behind it
    (:func:`text_contrast`, the worst 10 %) is below WCAG 2 AA: 4.5:1, or
    3:1 for large text (:func:`required_contrast`).  Needs the drawn page
    (``ctx.image``); stand-in cover texts included.  A text that asked for
    a fix (``legibility="scrim"``, see :func:`libmedia.draw.add_scrim`) is
    measured as drawn, with its scrim: silent when the fix worked; when it
    still falls short the warning says the fix was not enough."""
    if ctx.image is None:
        return
    for what, block, x, y in _blocks(node):
        is_text = node.element.tag == "text"
        opacity = node.element.get("opacity", 1.0) if is_text else 1.0
        found = text_contrast(ctx.image, block, (x, y), _library(ctx), opacity)
        if found is None:
            continue
        ratio, color = found
        need = required_contrast(block, ctx.page.width)
        if ratio >= need:
            continue
        size = min(s.style.size for ln in block.lines for s in ln.segments if s.text.strip())
        fix = node.element.get("legibility", "none") if is_text else "none"
        message = (f"{what} (template line {node.element.line}, {size:.0f} px) has a contrast of "
                   f"{ratio:.1f}:1 with what is drawn behind it, under WCAG AA's {need:g}:1")
        if fix != "none":
            message += f', even with legibility="{fix}"'
            hint = ("the scrim could not lift it: the text is translucent, or something is drawn "
                    "over it; give the text an opaque colour, or draw nothing on top of it")
        else:
            hint = ('use a darker or lighter colour for the text or its background, or add '
                    'legibility="scrim" to the text to have a panel laid behind it when it '
                    "needs one (a contrast checker: WCAG 2.1, 1.4.3)")
        yield Diagnostic.warning(message, ctx.location, "low-contrast", hint=hint)


# ---------------------------------------------------------------------------
# figures


def typography(page: Page, styles: Mapping[str, tuple[TextStyle, tuple[TextStyle, ...]]] | None
               = None) -> dict[str, Any]:
    """The figures of a laid-out page that are not warnings: for each title
    (``role="title"``), in document order, ``{"text", "line", "lines",
    "size", "base", "shrank", "truncated"}``: its template line, number of
    lines, final size in px, the size its type role gives (``base``, None
    when ``styles`` is not given) and whether it was set smaller than that
    or shortened.  ``{"titles": [...]}``."""
    titles = []
    for node in page.root.walk():
        el = node.element
        if el.tag != "text" or el.get("role") != "title" or node.text is None:
            continue
        if not el.plain_text.strip():
            continue
        block = node.text
        base = None
        if styles is not None and el.path in styles:
            base = styles[el.path][0].size
        titles.append({"text": el.plain_text.strip()[:80], "line": el.line,
                       "lines": len(block.lines), "size": round(block.size, 2),
                       "base": base, "shrank": base is not None and block.size < base - 0.01,
                       "truncated": block.truncated})
    return {"titles": titles}


#: The lint rules, keyed by the code of the diagnostics they give, run in
#: this order on each fragment.
RULES: dict[str, Rule] = {
    "upscaled": upscaled,
    "missing-glyph": missing_glyphs,
    "truncated": truncated,
    "safe-zone": safe_zone,
    "off-canvas": off_canvas,
    "touching-lines": touching_lines,
    "bare-break": bare_break,
    "shortened-with-room": shortened_with_room,
    "small-text": small_text,
}

#: The rules that read the drawn page (:func:`lint_drawn`), keyed by code.
DRAWN_RULES: dict[str, Rule] = {
    "low-contrast": low_contrast,
}


def lint_page(page: Page, location: Location, rules: dict[str, Rule] | None = None,
              fmt: Format | None = None, styles=None, library=None) -> list[Diagnostic]:
    """The lint stage: every rule of ``rules`` (default :data:`RULES`) on
    every fragment of ``page``, in document order; ``location`` (data file
    and row) is where the diagnostics point; ``fmt`` the output format the
    page was laid out for (the ``safe-zone`` rule needs it and is silent
    without it); ``styles`` the style stage's text styles; ``library`` the
    fonts the page was set with (default: the bundled and installed)."""
    ctx = LintContext(page, location, fmt, styles, library=library)
    active = list((rules if rules is not None else RULES).values())
    return [_boxed(d, node) for node in page.root.walk() for rule in active for d in rule(node, ctx)]


def lint_drawn(page: Page, image: Image.Image, location: Location, fmt: Format | None = None,
               rules: dict[str, Rule] | None = None, library=None) -> list[Diagnostic]:
    """The lint stage's second pass, after drawing: every rule of ``rules``
    (default :data:`DRAWN_RULES`) on every fragment of ``page``, with
    ``image`` the page as drawn (RGBA)."""
    ctx = LintContext(page, location, fmt, image=image, library=library)
    active = list((rules if rules is not None else DRAWN_RULES).values())
    return [_boxed(d, node) for node in page.root.walk() for rule in active for d in rule(node, ctx)]


def _boxed(d: Diagnostic, node: Fragment) -> Diagnostic:
    """``d`` with :attr:`Location.box` set to where ``node`` shows on the page
    (its visible content, :func:`drawn_rect`, else its border box), in whole
    px rounded outwards, unless the rule set one."""
    if d.location.box is not None:
        return d
    r = drawn_rect(node) or node.box
    x0, y0 = math.floor(r.x), math.floor(r.y)
    box = (x0, y0, math.ceil(r.x + r.w) - x0, math.ceil(r.y + r.h) - y0)
    return replace(d, location=replace(d.location, box=box))
