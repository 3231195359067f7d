"""Lint: the stage after layout that looks at the laid-out page for what will
look wrong on the post, without stopping the render.

A registry of rules, :data:`RULES`, keyed by the diagnostic code each one
gives.  A rule looks at one laid-out :class:`~libmedia.layout.Fragment` (with
the :class:`LintContext`: the whole page and where the record comes from)
and yields :class:`~libmedia.errors.Diagnostic` warnings.  Today's rules:

* ``upscaled``       a picture drawn more than :data:`UPSCALE_LIMIT` times its
                     pixel size (it will look soft);
* ``missing-glyph``  characters no bundled or installed font has (drawn as boxes);
* ``truncated``      text shortened with an ellipsis to fit its box.

Contrast and safe-zone rules join the registry the same way.  Nothing here
changes the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, Location
from .layout import Fragment, Page

#: A picture drawn more than this many times its pixel size (on either axis)
#: gets an ``upscaled`` warning: beyond about 1.5x resampling shows as blur
#: on a phone held at reading distance.
UPSCALE_LIMIT = 1.5


@dataclass(frozen=True)
class LintContext:
    """What a rule may read beside its fragment: the ``page`` and the
    ``location`` (data file and row) the diagnostics point at."""

    page: Page
    location: Location


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


#: The lint rules, keyed by the code of the diagnostics they give, run in
#: this order on each fragment.
RULES: dict[str, Rule] = {
    "upscaled": upscaled,
    "missing-glyph": missing_glyphs,
    "truncated": truncated,
}


def lint_page(page: Page, location: Location, rules: dict[str, Rule] | None = None) -> list[Diagnostic]:
    """The lint stage: every rule of ``rules`` (default :data:`RULES`) on
    every fragment of ``page``, in document order; ``location`` (data file
    and row) is where the diagnostics point."""
    ctx = LintContext(page, location)
    active = list((rules if rules is not None else RULES).values())
    return [d for node in page.root.walk() for rule in active for d in rule(node, ctx)]
