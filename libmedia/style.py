"""Parsers for attribute values of the layout markup: colours, lengths, edges,
shadows, borders, backgrounds.

Each parser takes the attribute's text and returns a typed value or raises
``ValueError`` with a message that says what was expected; the markup
validator adds the template file and line.  Units are pixels unless a value
ends in ``%`` (a fraction of the parent's size).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Color = tuple[int, int, int, int]

NAMED_COLORS: dict[str, Color] = {
    "transparent": (0, 0, 0, 0),
    "white": (255, 255, 255, 255),
    "black": (0, 0, 0, 255),
}


def parse_color(value: str) -> Color:
    """``#RGB``, ``#RGBA``, ``#RRGGBB``, ``#RRGGBBAA``, ``white``, ``black``,
    ``transparent`` -> an RGBA tuple of 0-255 (CSS Color Module Level 4 hex
    notation)."""
    v = value.strip()
    if v.lower() in NAMED_COLORS:
        return NAMED_COLORS[v.lower()]
    if not re.fullmatch(r"#[0-9a-fA-F]{3,8}", v) or len(v) not in (4, 5, 7, 9):
        raise ValueError(f"expected a colour like #1F4E79 or #1F4E7980, got {value!r}")
    h = v[1:]
    if len(h) in (3, 4):
        h = "".join(c * 2 for c in h)
    if len(h) == 6:
        h += "ff"
    return tuple(int(h[i:i + 2], 16) for i in range(0, 8, 2))  # type: ignore[return-value]


@dataclass(frozen=True)
class Length:
    """A length: ``value`` pixels, or a percentage of the parent when ``percent``."""

    value: float
    percent: bool = False

    def resolve(self, parent: float) -> float:
        return parent * self.value / 100 if self.percent else self.value


def parse_length(value: str) -> Length | None:
    """``120``, ``120px``, ``50%``, ``auto`` (None) -> :class:`Length`."""
    v = value.strip().lower()
    if v == "auto":
        return None
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(px|%)?", v)
    if not m:
        raise ValueError(f"expected a length like 120, 120px or 50%, got {value!r}")
    return Length(float(m.group(1)), m.group(2) == "%")


def parse_number(value: str) -> float:
    try:
        return float(value.strip())
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None


def parse_fraction(value: str) -> float:
    """``0.4`` or ``40%`` -> 0.4, clamped to 0..1."""
    v = value.strip()
    try:
        f = float(v[:-1]) / 100 if v.endswith("%") else float(v)
    except ValueError:
        raise ValueError(f"expected a number from 0 to 1 or a percentage, got {value!r}") from None
    if not 0 <= f <= 1:
        raise ValueError(f"expected a value from 0 to 1 (or 0% to 100%), got {value!r}")
    return f


def parse_int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError(f"expected a whole number, got {value!r}") from None


def parse_bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "1", "on"):
        return True
    if v in ("false", "no", "0", "off"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def parse_edges(value: str) -> tuple[float, float, float, float]:
    """CSS shorthand of 1 to 4 pixel values -> (top, right, bottom, left)."""
    parts = value.split()
    try:
        nums = [float(p.removesuffix("px")) for p in parts]
    except ValueError:
        raise ValueError(f"expected 1 to 4 pixel values like '48' or '48 72', got {value!r}") from None
    if len(nums) == 1:
        return (nums[0],) * 4  # type: ignore[return-value]
    if len(nums) == 2:
        return (nums[0], nums[1], nums[0], nums[1])
    if len(nums) == 3:
        return (nums[0], nums[1], nums[2], nums[1])
    if len(nums) == 4:
        return tuple(nums)  # type: ignore[return-value]
    raise ValueError(f"expected 1 to 4 pixel values, got {value!r}")


@dataclass(frozen=True)
class Shadow:
    """A drop shadow: offset (dx, dy), blur radius and colour, in pixels."""

    dx: float
    dy: float
    blur: float
    color: Color


def parse_shadow(value: str) -> Shadow | None:
    """``"0 24 48 #00000055"`` (x y blur colour, as CSS box-shadow) or ``none``."""
    v = value.strip()
    if v.lower() == "none":
        return None
    parts = v.split()
    if len(parts) != 4:
        raise ValueError(f"expected 'x y blur colour' like '0 24 48 #00000055', got {value!r}")
    try:
        dx, dy, blur = (float(p.removesuffix("px")) for p in parts[:3])
    except ValueError:
        raise ValueError(f"expected 'x y blur colour' like '0 24 48 #00000055', got {value!r}") from None
    return Shadow(dx, dy, max(0.0, blur), parse_color(parts[3]))


@dataclass(frozen=True)
class Border:
    width: float
    color: Color


def parse_border(value: str) -> Border | None:
    """``"4 #FFFFFF"`` (width colour) or ``none``."""
    v = value.strip()
    if v.lower() == "none":
        return None
    parts = v.split()
    if len(parts) != 2:
        raise ValueError(f"expected 'width colour' like '4 #FFFFFF', got {value!r}")
    try:
        w = float(parts[0].removesuffix("px"))
    except ValueError:
        raise ValueError(f"expected 'width colour' like '4 #FFFFFF', got {value!r}") from None
    return Border(w, parse_color(parts[1]))


@dataclass(frozen=True)
class Gradient:
    """A CSS ``linear-gradient``: angle in degrees (0 = to top, 90 = to right)
    and stops as (position 0..1, colour)."""

    angle: float
    stops: tuple[tuple[float, Color], ...]


_DIRS = {"to top": 0, "to right": 90, "to bottom": 180, "to left": 270,
         "to top right": 45, "to bottom right": 135, "to bottom left": 225, "to top left": 315}


def parse_background(value: str) -> Color | Gradient:
    """A colour, or ``linear-gradient(180deg, #A 0%, #B 100%)`` (CSS Images
    Module Level 3 syntax; stop positions optional and spread evenly)."""
    v = value.strip()
    m = re.fullmatch(r"linear-gradient\((.*)\)", v, flags=re.S)
    if not m:
        return parse_color(v)
    parts = [p.strip() for p in m.group(1).split(",")]
    angle = 180.0
    if parts and (parts[0].endswith("deg") or parts[0] in _DIRS):
        first = parts.pop(0)
        angle = float(_DIRS[first]) if first in _DIRS else float(first[:-3])
    if len(parts) < 2:
        raise ValueError(f"a gradient needs at least two colour stops, got {value!r}")
    stops: list[tuple[float | None, Color]] = []
    for p in parts:
        bits = p.split()
        pos = None
        if len(bits) == 2:
            pos = parse_fraction(bits[1])
        elif len(bits) != 1:
            raise ValueError(f"expected a stop like '#1F4E79 40%', got {p!r}")
        stops.append((pos, parse_color(bits[0])))
    n = len(stops)
    filled = tuple((pos if pos is not None else i / (n - 1), c) for i, (pos, c) in enumerate(stops))
    return Gradient(angle, filled)


def parse_focal(value: str) -> tuple[float, float]:
    """Focal point ``"50% 30%"`` or ``"0.5 0.3"`` or ``center``/``top``/``bottom``
    -> fractions (x, y) of the image's width and height."""
    v = value.strip().lower()
    words = {"center": (0.5, 0.5), "top": (0.5, 0.0), "bottom": (0.5, 1.0),
             "left": (0.0, 0.5), "right": (1.0, 0.5)}
    if v in words:
        return words[v]
    parts = v.split()
    if len(parts) != 2:
        raise ValueError(f"expected a focal point like '50% 30%' or 'top', got {value!r}")
    return (parse_fraction(parts[0]), parse_fraction(parts[1]))
