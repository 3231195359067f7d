"""Animations and scene transitions: frozen values, each a pure function of
progress 0..1, kept in registries by name (editly's pattern, without its
random defaults: nothing here is random).

An **effect** moves one element into place (``enter``) or out of it
(``exit``).  ``place(name, p, box, canvas)`` returns a :class:`Placement`:
at progress 0 the element is hidden (where it comes from), at 1 it rests
where the layout put it.  An exit runs the same effect backwards and
mirrored, so ``exit="slide-up"`` leaves upwards as ``enter="slide-up"``
arrives upwards.  Distances are fractions of the canvas, so one template
moves alike at 1080x1920 and at the draft's 540x960.

A **transition** joins two scenes: ``TRANSITIONS[name](p, a, b)`` draws the
frame at progress ``p`` from scene ``a``'s frame to scene ``b``'s (RGB images
of one size).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

#: How far a ``slide-*`` moves, as a fraction of the canvas's shorter side.
SLIDE_DISTANCE = 0.08
#: The scale a ``pop`` or ``zoom-in`` starts from.
POP_FROM = 0.6
ZOOM_FROM = 0.85


@dataclass(frozen=True)
class Placement:
    """Where and how one layer is drawn at an instant.

    ``dx``/``dy`` offset in px from its laid-out place; ``scale`` about the
    layer's centre (1 = as laid out); ``opacity`` 0..1; ``clip`` the part of
    the layer's box shown, as fractions (left, top, right, bottom) of its
    width and height (a wipe); ``reveal`` the fraction of its characters a
    typewriter shows (1 = all).
    """

    dx: float = 0.0
    dy: float = 0.0
    scale: float = 1.0
    opacity: float = 1.0
    clip: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    reveal: float = 1.0

    @property
    def hidden(self) -> bool:
        c = self.clip
        return self.opacity <= 0.0 or c[2] <= c[0] or c[3] <= c[1] or self.reveal <= 0.0 \
            or self.scale <= 0.0

    @property
    def at_rest(self) -> bool:
        return self == REST


REST = Placement()
HIDDEN = Placement(opacity=0.0)


def _fade(p: float, sign: int, canvas: tuple[int, int]) -> Placement:
    return Placement(opacity=p)


def _slide(dx: int, dy: int) -> Callable[[float, int, tuple[int, int]], Placement]:
    """Moves along (dx, dy) into place, fading in over the first half."""

    def effect(p: float, sign: int, canvas: tuple[int, int]) -> Placement:
        d = SLIDE_DISTANCE * min(canvas)
        rest = 1.0 - p
        return Placement(dx=-dx * d * rest * sign, dy=-dy * d * rest * sign,
                         opacity=min(1.0, max(0.0, p * 2.0)))

    return effect


def _scale_from(start: float) -> Callable[[float, int, tuple[int, int]], Placement]:
    def effect(p: float, sign: int, canvas: tuple[int, int]) -> Placement:
        return Placement(scale=start + (1.0 - start) * p, opacity=min(1.0, max(0.0, p * 2.5)))

    return effect


def _wipe(side: str) -> Callable[[float, int, tuple[int, int]], Placement]:
    """Reveals the layer from one side: ``wipe-right`` uncovers it left to right."""

    def effect(p: float, sign: int, canvas: tuple[int, int]) -> Placement:
        p = min(1.0, max(0.0, p))
        # An exit (sign -1) uncovers in reverse: the part shown first leaves first.
        if side == "right":
            clip = (0.0, 0.0, p, 1.0) if sign > 0 else (1.0 - p, 0.0, 1.0, 1.0)
        elif side == "left":
            clip = (1.0 - p, 0.0, 1.0, 1.0) if sign > 0 else (0.0, 0.0, p, 1.0)
        elif side == "down":
            clip = (0.0, 0.0, 1.0, p) if sign > 0 else (0.0, 1.0 - p, 1.0, 1.0)
        else:  # up
            clip = (0.0, 1.0 - p, 1.0, 1.0) if sign > 0 else (0.0, 0.0, 1.0, p)
        return Placement(clip=clip)

    return effect


def _typewriter(p: float, sign: int, canvas: tuple[int, int]) -> Placement:
    return Placement(reveal=min(1.0, max(0.0, p)))


#: Effect name -> function(progress, sign, canvas size) -> Placement; sign is
#: +1 for an entrance (progress 0 hidden -> 1 at rest) and -1 for an exit
#: (evaluated with progress 1 -> 0, so the motion continues the same way).
EFFECTS: dict[str, Callable[[float, int, tuple[int, int]], Placement]] = {
    "fade": _fade,
    "slide-up": _slide(0, -1),
    "slide-down": _slide(0, 1),
    "slide-left": _slide(-1, 0),
    "slide-right": _slide(1, 0),
    "pop": _scale_from(POP_FROM),
    "zoom-in": _scale_from(ZOOM_FROM),
    "wipe-right": _wipe("right"),
    "wipe-left": _wipe("left"),
    "wipe-down": _wipe("down"),
    "wipe-up": _wipe("up"),
    "typewriter": _typewriter,
}

#: The easing each effect uses unless the element names one.
DEFAULT_EASING = {"pop": "back-out", "typewriter": "linear", "wipe-right": "ease-in-out",
                  "wipe-left": "ease-in-out", "wipe-down": "ease-in-out", "wipe-up": "ease-in-out"}


def place(name: str, progress: float, entering: bool, canvas: tuple[int, int]) -> Placement:
    """The placement of an element ``progress`` (0..1, eased) through effect
    ``name``.  For an entrance, 0 is hidden and 1 at rest; for an exit, 0 is
    at rest and 1 gone.  ``canvas`` (width, height) px scales distances."""
    effect = EFFECTS[name]
    if entering:
        return effect(progress, 1, canvas)
    return effect(1.0 - progress, -1, canvas)


def combine(a: Placement, b: Placement) -> Placement:
    """``b`` applied inside ``a`` (a parent's motion carries its children)."""
    if a.at_rest:
        return b
    if b.at_rest:
        return a
    ca, cb = a.clip, b.clip
    return Placement(a.dx + b.dx, a.dy + b.dy, a.scale * b.scale, a.opacity * b.opacity,
                     (max(ca[0], cb[0]), max(ca[1], cb[1]), min(ca[2], cb[2]), min(ca[3], cb[3])),
                     min(a.reveal, b.reveal))


# ---------------------------------------------------------------------------
# transitions between scenes


def _crossfade(p: float, a: Image.Image, b: Image.Image) -> Image.Image:
    return Image.blend(a, b, p)


def _push(dx: int, dy: int) -> Callable[[float, Image.Image, Image.Image], Image.Image]:
    """The new scene pushes the old one out, moving along (dx, dy)."""

    def transition(p: float, a: Image.Image, b: Image.Image) -> Image.Image:
        w, h = a.size
        ox, oy = round(dx * w * p), round(dy * h * p)
        out = Image.new("RGB", a.size)
        out.paste(a, (ox, oy))
        out.paste(b, (ox - dx * w, oy - dy * h))
        return out

    return transition


def _zoom(p: float, a: Image.Image, b: Image.Image) -> Image.Image:
    """The old scene grows towards the viewer while the new one fades in."""
    w, h = a.size
    s = 1.0 + 0.25 * p
    cw, ch = w / s, h / s
    grown = a.resize((w, h), Image.Resampling.BILINEAR,
                     box=((w - cw) / 2, (h - ch) / 2, (w + cw) / 2, (h + ch) / 2))
    return Image.blend(grown, b, p)


#: Transition name -> function(progress 0..1, old frame, new frame) -> frame.
TRANSITIONS: dict[str, Callable[[float, Image.Image, Image.Image], Image.Image]] = {
    "crossfade": _crossfade,
    "slide-left": _push(-1, 0),
    "slide-right": _push(1, 0),
    "slide-up": _push(0, -1),
    "slide-down": _push(0, 1),
    "zoom": _zoom,
}
TRANSITION_NAMES = ("cut", *TRANSITIONS)
