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
                     video, that has one.

A contrast rule joins the registry the same way.  Nothing here changes the
page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, Location
from .formats import Format
from .layout import Fragment, Page, Rect

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


Rule = Callable[[Fragment, LintContext], Iterable[Diagnostic]]


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
    yield Diagnostic.warning(
        f"{Path(res.source).name} is {ow}x{oh} px, drawn at {scale:.1f}x its size: it will "
        f"look soft; use an image of at least {need_w}x{need_h} px", ctx.location, "upscaled")


def missing_glyphs(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``missing-glyph``: one warning per run of characters no font covers."""
    el = node.element
    if el.tag != "text" or node.text is None:
        return
    for m in node.text.missing:
        yield Diagnostic.warning(
            f"no bundled or installed font has {m.describe()} ({el.plain_text[:40]!r}, "
            f"template line {el.line}); it shows as a box", ctx.location, "missing-glyph")


def truncated(node: Fragment, ctx: LintContext) -> Iterator[Diagnostic]:
    """``truncated``: text shortened with an ellipsis to fit its box."""
    el = node.element
    if el.tag == "text" and node.text is not None and node.text.truncated:
        yield Diagnostic.warning(
            f"text shortened with an ellipsis to fit (template line {el.line}): "
            f"{el.plain_text[:60]!r}", ctx.location, "truncated")


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
        return f"text {el.plain_text.strip()[:40]!r}"
    if el.tag == "qr":
        return "QR code"
    if el.tag == "image" and str(el.get("src", "")).strip() == "brand:logo":
        return "logo (brand:logo)"
    return None


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


#: The lint rules, keyed by the code of the diagnostics they give, run in
#: this order on each fragment.
RULES: dict[str, Rule] = {
    "upscaled": upscaled,
    "missing-glyph": missing_glyphs,
    "truncated": truncated,
    "safe-zone": safe_zone,
}


def lint_page(page: Page, location: Location, rules: dict[str, Rule] | None = None,
              fmt: Format | None = None) -> list[Diagnostic]:
    """The lint stage: every rule of ``rules`` (default :data:`RULES`) on
    every fragment of ``page``, in document order; ``location`` (data file
    and row) is where the diagnostics point; ``fmt`` the output format the
    page was laid out for (the ``safe-zone`` rule needs it and is silent
    without it)."""
    ctx = LintContext(page, location, fmt)
    active = list((rules if rules is not None else RULES).values())
    return [d for node in page.root.walk() for rule in active for d in rule(node, ctx)]
