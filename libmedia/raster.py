"""Pixel effects on Pillow images, used by the draw stage.

Fitting (contain / cover with a focal point / fill / none), rounded corners
and masks, drop shadows, borders, opacity, blurred backgrounds, CSS-style
linear gradients, and flattening RGBA onto a background for JPEG output.
Loading images is :mod:`libmedia.assets`.

All sizes and positions are integer pixels unless a docstring says otherwise;
fractions (focal points, gradient stop positions, opacity, darken) are floats
in 0..1.  Every function is pure: it returns a new image and never changes
its arguments.  Nothing here is random.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from PIL import Image, ImageChops, ImageDraw, ImageFilter

__all__ = [
    "Fit",
    "apply_radius",
    "blurred_background",
    "border",
    "drop_shadow",
    "fit_image",
    "flatten",
    "linear_gradient",
    "rounded_mask",
    "scaled_size",
    "with_opacity",
]

#: ``reducing_gap`` passed to :meth:`PIL.Image.Image.resize`: a reduction of
#: more than 2x first box-reduces by an integer factor (``Image.reduce``),
#: leaving at least 2x to the real filter.  Measured on 4000x6000 -> 640x803:
#: 32 ms instead of 135 ms, mean difference 0.3-1.1 levels (max 8-12 on thin
#: lines); 3.0 gives 53 ms, max 5.
REDUCING_GAP = 2.0

Fit = Literal["contain", "cover", "fill", "none"]
RGBA = tuple[int, int, int, int]


def scaled_size(src_size: tuple[int, int], box_size: tuple[int, int], fit: Fit) -> tuple[int, int]:
    """Size in pixels of the *whole* image once scaled by :func:`fit_image`
    (for ``cover`` this is before cropping): the size to judge upscaling by
    (see :mod:`libmedia.lint`)."""
    w, h = src_size
    bw, bh = box_size
    if fit == "fill":
        return (bw, bh)
    if fit == "none":
        return (w, h)
    s = min(bw / w, bh / h) if fit == "contain" else max(bw / w, bh / h)
    return (max(1, round(w * s)), max(1, round(h * s)))


def _resample_for(src_w: float, src_h: float, size: tuple[int, int]) -> Image.Resampling:
    # LANCZOS when shrinking on either axis: the best anti-aliasing.  BICUBIC
    # when only enlarging: as sharp for soft low-res covers, with less
    # ringing (halos) around lettering than LANCZOS' wider negative lobes.
    if size[0] < src_w - 1e-9 or size[1] < src_h - 1e-9:
        return Image.Resampling.LANCZOS
    return Image.Resampling.BICUBIC


def fit_image(
    img: Image.Image,
    box_size: tuple[int, int],
    fit: Fit = "cover",
    focal: tuple[float, float] = (0.5, 0.5),
) -> Image.Image:
    """Scale ``img`` for a box of ``box_size`` (width, height) pixels, like CSS
    ``object-fit``.  The mode is kept.

    * ``contain`` -- the whole image, as large as fits; returned at its own
      scaled size (not padded to the box);
    * ``cover``   -- fills the box exactly, cropping the overflow around
      ``focal`` (x, y fractions 0..1 of the image; the crop is clamped to stay
      inside the image, so (0, 0) keeps the top-left corner);
    * ``fill``    -- stretched to the box, aspect ratio ignored;
    * ``none``    -- natural size, cropped around ``focal`` where larger than
      the box.

    Resampling: LANCZOS to shrink, BICUBIC to enlarge; big reductions first
    box-reduce by an integer factor (``reducing_gap`` 2.0) for speed.  RGBA is
    resampled premultiplied by Pillow, so transparent edges get no dark fringe.
    Raises ``ValueError`` for an empty box or an unknown ``fit``.
    """
    bw, bh = int(box_size[0]), int(box_size[1])
    if bw < 1 or bh < 1:
        raise ValueError(f"box size must be at least 1x1 pixels, not {box_size}")
    w, h = img.size
    fx = min(max(float(focal[0]), 0.0), 1.0)
    fy = min(max(float(focal[1]), 0.0), 1.0)
    if fit == "contain" or fit == "fill":
        size = (bw, bh) if fit == "fill" else scaled_size((w, h), (bw, bh), "contain")
        if size == (w, h):
            return img.copy()
        return img.resize(size, _resample_for(w, h, size), reducing_gap=REDUCING_GAP)
    if fit == "cover":
        s = max(bw / w, bh / h)
        cw, ch = min(w, bw / s), min(h, bh / s)
        left = min(max(fx * w - cw / 2, 0.0), w - cw)
        top = min(max(fy * h - ch / 2, 0.0), h - ch)
        if (cw, ch) == (bw, bh) and left.is_integer() and top.is_integer():
            return img.crop((int(left), int(top), int(left) + bw, int(top) + bh))
        return img.resize(
            (bw, bh),
            _resample_for(cw, ch, (bw, bh)),
            box=(left, top, left + cw, top + ch),
            reducing_gap=REDUCING_GAP,
        )
    if fit == "none":
        cw, ch = min(w, bw), min(h, bh)
        left = round(min(max(fx * w - cw / 2, 0), w - cw))
        top = round(min(max(fy * h - ch / 2, 0), h - ch))
        return img.crop((left, top, left + cw, top + ch))
    raise ValueError(f"unknown fit '{fit}' (use contain, cover, fill or none)")


def rounded_mask(size: tuple[int, int], radius: float, supersample: int = 4) -> Image.Image:
    """An ``L`` mask of ``size`` pixels: 255 inside a rectangle with corners
    rounded to ``radius`` pixels, 0 outside, anti-aliased edges.

    ``radius`` is clamped to half the short side, so ``radius >= min(size)/2``
    on a square gives a circle.  Only the four corner tiles are drawn, at
    ``supersample`` times the size and box-reduced, so the cost depends on the
    radius, not on the box.
    """
    w, h = int(size[0]), int(size[1])
    mask = Image.new("L", (max(w, 0), max(h, 0)), 255)
    r = min(float(radius), w / 2, h / 2)
    if r <= 0 or w <= 0 or h <= 0:
        return mask
    ss = max(1, int(supersample))
    tile = math.ceil(r)
    corner = Image.new("L", (tile * ss, tile * ss), 0)
    d = 2 * r * ss
    ImageDraw.Draw(corner).ellipse((0, 0, d - 1, d - 1), fill=255)
    corner = corner.reduce(ss) if ss > 1 else corner
    flip_x = Image.Transpose.FLIP_LEFT_RIGHT
    flip_y = Image.Transpose.FLIP_TOP_BOTTOM
    mask.paste(corner, (0, 0))
    mask.paste(corner.transpose(flip_x), (w - tile, 0))
    mask.paste(corner.transpose(flip_y), (0, h - tile))
    mask.paste(corner.transpose(Image.Transpose.ROTATE_180), (w - tile, h - tile))
    return mask


def _rgba(img: Image.Image) -> Image.Image:
    return img.copy() if img.mode == "RGBA" else img.convert("RGBA")


def _color4(color: Sequence[int]) -> RGBA:
    c = tuple(int(v) for v in color)
    if len(c) == 3:
        return (c[0], c[1], c[2], 255)
    if len(c) == 4:
        return (c[0], c[1], c[2], c[3])
    raise ValueError(f"a colour is 3 or 4 values 0..255, not {color!r}")


def _scale_alpha(alpha: Image.Image, factor: float) -> Image.Image:
    if factor >= 1:
        return alpha
    return alpha.point([round(i * factor) for i in range(256)])


def apply_radius(img: Image.Image, radius: float) -> Image.Image:
    """A copy of ``img`` as RGBA with its corners rounded to ``radius`` pixels
    (clamped to half the short side: a square becomes a circle); existing
    transparency is kept."""
    out = _rgba(img)
    if radius <= 0:
        return out
    mask = rounded_mask(out.size, radius)
    out.putalpha(ImageChops.multiply(out.getchannel("A"), mask))
    return out


def drop_shadow(
    size: tuple[int, int],
    radius: float,
    offset: tuple[int, int],
    blur: float,
    color: Sequence[int] = (0, 0, 0, 96),
) -> tuple[Image.Image, tuple[int, int]]:
    """A shadow layer for a box of ``size`` pixels with corner ``radius``.

    ``blur`` is the CSS ``box-shadow`` blur radius in pixels: a Gaussian of
    standard deviation ``blur / 2``.  The layer is larger than the box by a
    pad of ``ceil(1.5 * blur)`` (3 standard deviations) on every side.
    ``color`` is RGB or RGBA; its alpha is the shadow's peak opacity.

    Returns ``(layer, (dx, dy))``: alpha-composite ``layer`` at the box
    position plus ``(dx, dy)``, which is ``offset`` minus the pad.
    """
    w, h = int(size[0]), int(size[1])
    r, g, b, a = _color4(color)
    pad = math.ceil(1.5 * max(0.0, float(blur)))
    alpha = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
    alpha.paste(rounded_mask((w, h), radius), (pad, pad))
    if blur > 0:
        alpha = alpha.filter(ImageFilter.GaussianBlur(blur / 2))
    layer = Image.new("RGBA", alpha.size, (r, g, b, 0))
    layer.putalpha(_scale_alpha(alpha, a / 255))
    return layer, (int(offset[0]) - pad, int(offset[1]) - pad)


def border(img: Image.Image, width: int, color: Sequence[int], radius: float = 0) -> Image.Image:
    """A copy of ``img`` (as RGBA) with a stroke ``width`` pixels wide drawn
    inside its edge, following corners of ``radius`` pixels (the inner edge
    has radius ``radius - width``, as in CSS).  ``color`` is RGB or RGBA.
    Pixels outside the rounded outline are left as they are: round the image
    first with :func:`apply_radius`."""
    out = _rgba(img)
    width = int(round(width))
    if width <= 0:
        return out
    w, h = out.size
    ring = rounded_mask((w, h), radius)
    iw, ih = w - 2 * width, h - 2 * width
    if iw > 0 and ih > 0:
        hole = Image.new("L", (w, h), 0)
        hole.paste(rounded_mask((iw, ih), max(0.0, radius - width)), (width, width))
        ring = ImageChops.subtract(ring, hole)
    r, g, b, a = _color4(color)
    layer = Image.new("RGBA", (w, h), (r, g, b, 0))
    layer.putalpha(_scale_alpha(ring, a / 255))
    out.alpha_composite(layer)
    return out


def with_opacity(img: Image.Image, opacity: float) -> Image.Image:
    """A copy of ``img`` as RGBA with its alpha multiplied by ``opacity``
    (0..1, clamped)."""
    out = _rgba(img)
    o = min(max(float(opacity), 0.0), 1.0)
    if o < 1:
        out.putalpha(_scale_alpha(out.getchannel("A"), o))
    return out


def blurred_background(
    img: Image.Image, size: tuple[int, int], blur_radius: float, darken: float = 0.0
) -> Image.Image:
    """An RGB background of ``size`` pixels: ``img`` cover-fitted, blurred
    with a Gaussian of standard deviation ``blur_radius`` pixels (at the
    output scale) and darkened toward black by ``darken`` (0 = unchanged,
    1 = black).  Transparent parts of ``img`` count as black.

    For speed the blur runs on a copy reduced so the blur is 3 px there
    (at most 16x smaller), then BICUBIC scales it up; a blurred image has no
    detail the reduction could lose.
    """
    w, h = int(size[0]), int(size[1])
    base = flatten(img, (0, 0, 0)) if img.mode in ("RGBA", "LA", "PA", "P") else img
    if base.mode != "RGB":
        base = base.convert("RGB")
    k = min(16.0, max(1.0, float(blur_radius) / 3))
    small = (max(1, round(w / k)), max(1, round(h / k)))
    out = fit_image(base, small, "cover")
    if blur_radius > 0:
        out = out.filter(ImageFilter.GaussianBlur(blur_radius / k))
    if out.size != (w, h):
        out = out.resize((w, h), Image.Resampling.BICUBIC)
    d = min(max(float(darken), 0.0), 1.0)
    if d > 0:
        out = out.point([round(i * (1 - d)) for i in range(256)] * 3)
    return out


def _gradient_color(stops: list[tuple[float, RGBA]], t: float) -> tuple[float, ...]:
    """Colour at ``t`` (0..1), interpolated in premultiplied alpha as CSS does."""
    if t <= stops[0][0]:
        return stops[0][1]
    for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
        if t <= p1:
            f = 0.0 if p1 <= p0 else (t - p0) / (p1 - p0)
            a = c0[3] + (c1[3] - c0[3]) * f
            if a <= 0:
                return (0.0, 0.0, 0.0, 0.0)
            rgb = tuple(
                (x0 * c0[3] + (x1 * c1[3] - x0 * c0[3]) * f) / a
                for x0, x1 in zip(c0[:3], c1[:3], strict=True)
            )
            return (*rgb, a)
    return stops[-1][1]


def linear_gradient(
    size: tuple[int, int],
    angle_deg: float,
    stops: Sequence[tuple[float, Sequence[int]]],
) -> Image.Image:
    """An RGBA image of ``size`` pixels filled with a CSS-style linear gradient.

    ``angle_deg`` follows CSS ``linear-gradient``: 0 = to top, 90 = to right,
    180 = to bottom (clockwise).  ``stops`` are ``(position 0..1, RGB or RGBA)``;
    positions out of order are raised to the previous one, as in CSS; colours
    are interpolated in premultiplied alpha, as in CSS, so a fade to
    ``transparent`` never goes grey.  The gradient line runs from the centre
    of the first corner pixel to the centre of the opposite one, so those
    pixels get exactly the first and last colours.

    Built without numpy: one sample per pixel along the gradient line is
    computed in Python, then a single bilinear affine transform spreads it
    over the box, so neighbouring pixels differ by at most about one 8-bit
    level wherever the colour range is smaller than the distance.
    Raises ``ValueError`` without stops.
    """
    w, h = int(size[0]), int(size[1])
    if not stops:
        raise ValueError("a gradient needs at least one colour stop")
    clean: list[tuple[float, RGBA]] = []
    for pos, col in stops:
        p = min(max(float(pos), 0.0), 1.0)
        if clean:
            p = max(p, clean[-1][0])
        clean.append((p, _color4(col)))
    if len(clean) == 1 or w < 1 or h < 1:
        return Image.new("RGBA", (max(w, 0), max(h, 0)), clean[0][1])
    theta = math.radians(angle_deg)
    sx, sy = math.sin(theta), -math.cos(theta)
    sx = 0.0 if abs(sx) < 1e-12 else sx
    sy = 0.0 if abs(sy) < 1e-12 else sy
    half = (w - 1) / 2 * abs(sx) + (h - 1) / 2 * abs(sy)  # pixel-centre extent
    if half <= 0:  # a single pixel along the gradient: its middle colour
        mid = _gradient_color(clean, 0.5)
        return Image.new("RGBA", (w, h), tuple(min(255, max(0, round(v))) for v in mid))
    n = max(2, math.ceil(2 * half) + 1)
    samples = bytearray()
    for i in range(n):
        samples += bytes(min(255, max(0, round(v))) for v in _gradient_color(clean, i / (n - 1)))
    if sy == 0 or sx == 0:  # horizontal or vertical: one sample per column or row
        line = Image.frombytes("RGBA", (n, 1) if sy == 0 else (1, n), bytes(samples))
        if sx < 0:
            line = line.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        elif sy < 0:
            line = line.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        return line.resize((w, h), Image.Resampling.NEAREST)
    row = samples[:4] + samples + samples[-4:]  # one padding sample each end
    strip = Image.frombytes("RGBA", (n + 2, 3), bytes(row) * 3)
    k = (n - 1) / (2 * half)
    # input u = 1.5 + (n-1) t with t = (s + half) / (2 half), s = (p - centre) . direction;
    # Pillow's affine maps output pixel centres (x + 0.5, y + 0.5) to input coordinates.
    c = 1.5 + (n - 1) / 2 - k * (sx * w / 2 + sy * h / 2)
    return strip.transform(
        (w, h),
        Image.Transform.AFFINE,
        (k * sx, k * sy, c, 0.0, 0.0, 1.5),
        resample=Image.Resampling.BILINEAR,
    )


def flatten(img: Image.Image, background: Sequence[int] = (255, 255, 255)) -> Image.Image:
    """``img`` composited onto an opaque ``background`` (RGB, alpha ignored),
    as RGB: for JPEG output, where transparent areas must become the
    background colour, not black."""
    rgba = img if img.mode == "RGBA" else img.convert("RGBA")
    r, g, b, _ = _color4(background)
    out = Image.new("RGBA", rgba.size, (r, g, b, 255))
    out.alpha_composite(rgba)
    return out.convert("RGB")
