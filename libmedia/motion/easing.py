"""Easing curves: progress 0..1 in, eased progress out (may overshoot for
``back-out``).

The names and the cubic-Bézier control points are CSS's (CSS Easing
Functions Level 1: ``ease``, ``ease-in``, ``ease-out``, ``ease-in-out``,
``linear``); ``back-out`` (a small overshoot, for a "pop") and ``smooth``
(Ken Perlin's smootherstep, for slow camera moves) are the usual extras of
motion-design tools.  Each curve is a pure function, kept in
:data:`EASINGS` by name, so a template writes ``easing="ease-out"``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

Easing = Callable[[float], float]


def _clamp(p: float) -> float:
    return 0.0 if p <= 0.0 else 1.0 if p >= 1.0 else p


@lru_cache(maxsize=16)
def cubic_bezier(x1: float, y1: float, x2: float, y2: float) -> Easing:
    """The CSS ``cubic-bezier(x1, y1, x2, y2)`` timing function: solves the
    curve's x for progress by Newton's method (bisection as a fallback), as
    browsers do, and returns its y."""

    def sample(a1: float, a2: float, s: float) -> float:
        return ((1 - 3 * a2 + 3 * a1) * s + (3 * a2 - 6 * a1)) * s * s + 3 * a1 * s

    def slope(a1: float, a2: float, s: float) -> float:
        return 3 * (1 - 3 * a2 + 3 * a1) * s * s + 2 * (3 * a2 - 6 * a1) * s + 3 * a1

    def ease(p: float) -> float:
        p = _clamp(p)
        if p in (0.0, 1.0):
            return p
        s = p
        for _ in range(8):
            err = sample(x1, x2, s) - p
            if abs(err) < 1e-7:
                return sample(y1, y2, s)
            d = slope(x1, x2, s)
            if abs(d) < 1e-6:
                break
            s -= err / d
        lo, hi, s = 0.0, 1.0, p
        for _ in range(40):
            x = sample(x1, x2, s)
            if abs(x - p) < 1e-7:
                break
            lo, hi = (s, hi) if x < p else (lo, s)
            s = (lo + hi) / 2
        return sample(y1, y2, s)

    return ease


def back_out(p: float) -> float:
    """Overshoots by about 10 % and settles (Robert Penner's back-out, s=1.70158)."""
    p = _clamp(p) - 1
    s = 1.70158
    return p * p * ((s + 1) * p + s) + 1


def smooth(p: float) -> float:
    """Smootherstep: zero velocity and acceleration at both ends."""
    p = _clamp(p)
    return p * p * p * (p * (p * 6 - 15) + 10)


EASINGS: dict[str, Easing] = {
    "linear": _clamp,
    "ease": cubic_bezier(0.25, 0.1, 0.25, 1.0),
    "ease-in": cubic_bezier(0.42, 0.0, 1.0, 1.0),
    "ease-out": cubic_bezier(0.0, 0.0, 0.58, 1.0),
    "ease-in-out": cubic_bezier(0.42, 0.0, 0.58, 1.0),
    "back-out": back_out,
    "smooth": smooth,
}


def easing(name: str) -> Easing:
    """The curve called ``name``; raises ``ValueError`` naming the choices."""
    try:
        return EASINGS[name]
    except KeyError:
        raise ValueError(f"unknown easing {name!r}: one of {', '.join(EASINGS)}") from None
