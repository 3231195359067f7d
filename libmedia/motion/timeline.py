"""The timeline: scenes of pre-drawn layers, and a frame as a pure function
of the timeline and a time t.

A scene's still parts are drawn once into its ``base`` (RGB, by the image
pipeline); each element that moves is drawn once into its own
:class:`Layer` (RGB and an alpha mask, cropped to its ink).  A frame copies
the base and pastes each visible layer where its :class:`Animation` puts it
at that instant; a Ken Burns picture is the only thing resampled per frame.
Nothing composes dozens of clips per frame, and frames whose layers are all
still are not composed again: :meth:`Timeline.frames` hands the previous
frame's bytes on.

Times are seconds; sizes and offsets px.  Scene ``i`` starts at
``starts[i]``; a transition of ``d`` seconds into scene ``i`` overlaps the
last ``d`` seconds of scene ``i-1``, so the clip lasts the sum of the scene
durations less the sum of the transitions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from math import floor

from PIL import Image

from .easing import easing
from .effects import HIDDEN, REST, TRANSITIONS, Placement, combine, place


@dataclass(frozen=True)
class Animation:
    """One entrance or exit: effect ``name`` (see :data:`~.effects.EFFECTS`)
    starting ``start`` seconds after its scene starts and lasting
    ``duration`` seconds, along easing curve ``easing``."""

    name: str
    start: float
    duration: float
    easing: str = "ease-out"

    def progress(self, t: float) -> float:
        """Eased progress 0..1 at scene time ``t`` seconds."""
        if self.duration <= 0:
            return 0.0 if t < self.start else 1.0
        return easing(self.easing)((t - self.start) / self.duration)

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class KenBurns:
    """A slow camera move over a picture: zoom from ``zoom[0]`` to
    ``zoom[1]`` (1 = the picture as laid out) while drifting towards
    ``pan`` (``none``, ``left``, ``right``, ``up``, ``down``), centred on
    ``focal`` (x, y fractions of the picture), over the whole scene."""

    zoom: tuple[float, float] = (1.0, 1.12)
    pan: str = "none"
    focal: tuple[float, float] = (0.5, 0.5)

    @property
    def max_zoom(self) -> float:
        return max(self.zoom)

    def view(self, p: float, source: tuple[int, int]) -> tuple[float, float, float, float]:
        """The part of the pre-scaled picture (``source`` px: the shown size
        times :attr:`max_zoom`) shown at progress ``p`` (0..1):
        (left, top, right, bottom) px."""
        fw, fh = source
        z = self.zoom[0] + (self.zoom[1] - self.zoom[0]) * p
        vw, vh = fw / z, fh / z  # z = 1 shows it all; z = max_zoom one source px per px
        fx, fy = self.focal
        cx, cy = fx * fw, fy * fh
        # drift: a tenth of the spare room, across the scene
        spare_x, spare_y = (fw - vw), (fh - vh)
        drift = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}.get(self.pan, (0, 0))
        cx += drift[0] * (p - 0.5) * max(spare_x, fw * 0.06)
        cy += drift[1] * (p - 0.5) * max(spare_y, fh * 0.06)
        left = min(max(cx - vw / 2, 0.0), fw - vw)
        top = min(max(cy - vh / 2, 0.0), fh - vh)
        return (left, top, left + vw, top + vh)


@dataclass
class Layer:
    """One moving element, drawn once.

    ``rgb``/``alpha`` its pixels (RGB and L, same size); ``x``/``y`` where
    its top-left sits on the canvas when at rest (px); ``enter``/``exit``
    its animations (or None); ``parents`` the animations of moving
    ancestors, outermost first (their motion carries this layer).
    ``picture``: for a Ken Burns move, the picture's source (pre-scaled by
    the move's largest zoom, or the image at its own resolution when that
    is smaller), the rectangle (x, y, w, h) px inside the layer it fills,
    its mask (corner radius) or None, and the resampling filter.  ``stops``: for a typewriter, the
    reveal steps as (fraction of characters, clip rectangles), see
    :func:`typewriter_clip`.
    """

    rgb: Image.Image
    alpha: Image.Image
    x: int
    y: int
    enter: Animation | None = None
    exit: Animation | None = None
    parents: tuple[tuple[Animation | None, Animation | None], ...] = ()
    ken_burns: KenBurns | None = None
    #: the layer with its picture at the move's first view (made when first needed)
    _first_view: Image.Image | None = field(default=None, repr=False, compare=False)
    #: how far in from each corner the picture's rounded mask is not opaque (px; found once)
    _corner: int | None = field(default=None, repr=False, compare=False)
    picture: tuple[Image.Image, tuple[int, int, int, int], Image.Image | None, int] | None = None
    stops: tuple[tuple[float, tuple[tuple[int, int, int, int], ...]], ...] = ()
    label: str = ""

    def placement(self, t: float, canvas: tuple[int, int]) -> Placement:
        """Where the layer is at scene time ``t``: combines its ancestors'
        animations with its own."""
        out = REST
        for enter, exit_ in (*self.parents, (self.enter, self.exit)):
            out = combine(out, _own(enter, exit_, t, canvas))
            if out.hidden:
                return HIDDEN
        return out

    def drift(self, t: float, duration: float) -> float | None:
        """Ken Burns progress 0..1 at scene time ``t``: the move runs from
        the moment the layer (and every moving ancestor) has entered to the
        scene's end; None before that (the picture holds its first view,
        so an entrance never pays for the move and the move never jumps)."""
        start = 0.0
        for enter, _ in (*self.parents, (self.enter, self.exit)):
            if enter is not None:
                start = max(start, enter.end)
        if t < start:
            return None
        span = duration - start
        return min(1.0, (t - start) / span) if span > 0 else 1.0

    def moving(self, t: float, duration: float) -> bool:
        """Whether the layer changes around time ``t`` (used to reuse frames)."""
        if self.ken_burns is not None:
            return True
        for enter, exit_ in (*self.parents, (self.enter, self.exit)):
            for a in (enter, exit_):
                if a is not None and a.start <= t <= a.end:
                    return True
        return False


def _own(enter: Animation | None, exit_: Animation | None, t: float,
         canvas: tuple[int, int]) -> Placement:
    if exit_ is not None and t >= exit_.start:
        if t >= exit_.end:
            return HIDDEN
        return place(exit_.name, exit_.progress(t), False, canvas)
    if enter is not None:
        if t < enter.start:
            return HIDDEN
        if t < enter.end:
            return place(enter.name, enter.progress(t), True, canvas)
    return REST


@dataclass
class Scene:
    """One scene: ``duration`` seconds, its still ``base`` (RGB at the clip's
    size), its moving ``layers`` in paint order, and the ``transition`` that
    brings it in (``cut`` or a name of :data:`~.effects.TRANSITIONS`) with
    its ``transition_duration`` in seconds."""

    duration: float
    base: Image.Image
    layers: list[Layer] = field(default_factory=list)
    transition: str = "cut"
    transition_duration: float = 0.0
    label: str = ""
    #: composites of the base with the layers at rest, by which are hidden (a cache)
    _still: dict = field(default_factory=dict, repr=False, compare=False)
    #: (key, image) drawn over frame after frame while every layer rests
    _work: tuple | None = field(default=None, repr=False, compare=False)

    def forget(self) -> None:
        """Drop the composites kept for speed (the scene is behind the clip)."""
        self._still.clear()
        self._work = None

    def frame(self, t: float, _reuse: bool = False) -> Image.Image:
        """This scene at scene time ``t`` seconds: a new RGB image (with
        ``_reuse``, :meth:`Timeline.frames`' own path, an image the next
        call draws over: read it before asking for another).

        The base with the longest run of layers (in paint order) that are at
        rest or hidden at ``t`` is composed once and kept; only the layers
        after that run are pasted per frame, and a Ken Burns picture at rest
        is the only thing resampled (the layers above it that overlap it are
        pasted again, so paint order holds)."""
        canvas = self.base.size
        placements = [layer.placement(t, canvas) for layer in self.layers]
        drifts = [layer.drift(t, self.duration) if layer.ken_burns is not None else None
                  for layer in self.layers]
        run = 0
        while run < len(self.layers) and (placements[run].hidden or placements[run] == REST):
            run += 1
        key = tuple(placements[i].hidden for i in range(run))
        cached = self._still.get(key)
        if cached is None:
            cached = self.base.copy()
            for i in range(run):
                if not placements[i].hidden:
                    paste_layer(cached, self.layers[i], REST, None)
            # a scene's layers settle one after another: only the latest still
            # composites are worth keeping (each is a whole frame, 8 MB at 1080x1920)
            while len(self._still) >= 2:
                self._still.pop(next(iter(self._still)))
            self._still[key] = cached
        if _reuse and run == len(self.layers):
            # every layer at rest: only Ken Burns pictures change, each over its
            # own rectangle, so one working copy is drawn over frame after frame
            if self._work is None or self._work[0] != key:
                self._work = (key, cached.copy())
            out = self._work[1]
        else:
            out = cached.copy()
        for i in range(run):
            layer = self.layers[i]
            if placements[i].hidden or layer.ken_burns is None or layer.picture is None:
                continue
            rect = _paste_picture(out, layer, drifts[i] or 0.0, cached)
            for j in range(i + 1, run):  # keep paint order where a later layer overlaps
                if not placements[j].hidden and _overlaps(self.layers[j], rect):
                    paste_layer(out, self.layers[j], REST, drifts[j])
        for i in range(run, len(self.layers)):
            paste_layer(out, self.layers[i], placements[i], drifts[i])
        return out

    def state(self, t: float) -> tuple:
        """A key that is equal for two times whose frames are equal."""
        return tuple(layer.placement(t, self.base.size) for layer in self.layers)

    def still(self, t: float) -> bool:
        return not any(layer.moving(t, self.duration) for layer in self.layers)


def paste_layer(out: Image.Image, layer: Layer, pl: Placement, drift: float | None) -> None:
    """Paste ``layer`` onto ``out`` (RGB) with placement ``pl``; ``drift``
    is its Ken Burns progress 0..1 (None: the move's first view, or no
    move)."""
    if pl.hidden:
        return
    rgb, alpha = layer.rgb, layer.alpha
    if layer.picture is not None and layer.ken_burns is not None:
        rgb = _ken_burns_frame(layer, drift) if drift is not None else _first_view(layer)
    if pl.reveal < 1.0 and layer.stops:
        alpha = typewriter_clip(alpha, layer.stops, pl.reveal)
    w, h = rgb.size
    if pl.clip != (0.0, 0.0, 1.0, 1.0):
        cl, ct, cr, cb = pl.clip
        box = (round(cl * w), round(ct * h), round(cr * w), round(cb * h))
        if box[2] <= box[0] or box[3] <= box[1]:
            return
        masked = Image.new("L", (w, h), 0)
        masked.paste(alpha.crop(box), box[:2])
        alpha = masked
    x, y = layer.x + pl.dx, layer.y + pl.dy
    if pl.scale != 1.0:
        sw, sh = max(1, round(w * pl.scale)), max(1, round(h * pl.scale))
        x += (w - sw) / 2
        y += (h - sh) / 2
        rgb = rgb.resize((sw, sh), Image.Resampling.BILINEAR)
        alpha = alpha.resize((sw, sh), Image.Resampling.BILINEAR)
    if pl.opacity < 1.0:
        level = max(0, min(255, round(pl.opacity * 255)))
        alpha = alpha.point(lambda v, k=level: v * k // 255)
    out.paste(rgb, (round(x), round(y)), alpha)


def _moved_picture(layer: Layer, p: float) -> Image.Image:
    """The Ken Burns picture at progress ``p``, resampled with the layer's
    filter (see :func:`libmedia.motion.build`'s ``_picture``)."""
    assert layer.picture is not None and layer.ken_burns is not None
    source, (_, _, pw, ph), _, resample = layer.picture
    view = layer.ken_burns.view(p, source.size)
    return source.resize((pw, ph), resample, box=view)


def _ken_burns_frame(layer: Layer, p: float) -> Image.Image:
    assert layer.picture is not None
    _, (px, py, _, _), mask, _ = layer.picture
    rgb = layer.rgb.copy()
    rgb.paste(_moved_picture(layer, p), (px, py), mask)
    return rgb


def _first_view(layer: Layer) -> Image.Image:
    if layer._first_view is None:
        layer._first_view = _ken_burns_frame(layer, 0.0)
    return layer._first_view


def _paste_picture(out: Image.Image, layer: Layer, p: float,
                   under: Image.Image) -> tuple[int, int, int, int]:
    """Paste a resting layer's moving picture straight onto ``out``; returns
    the rectangle it covers (canvas px).  The picture is opaque: only its
    rounded corners go through the mask (a full-size masked paste costs ten
    times as much), over the corners of ``under`` (the still composite)."""
    assert layer.picture is not None
    _, (px, py, pw, ph), mask, _ = layer.picture
    x, y = layer.x + px, layer.y + py
    moved = _moved_picture(layer, p)
    if mask is None:
        out.paste(moved, (x, y))
        return (x, y, x + pw, y + ph)
    if layer._corner is None:
        layer._corner = _corner(mask)
    r = min(pw, ph, layer._corner)
    corners = [(cx, cy) for cx in (0, pw - r) for cy in (0, ph - r)] if r else []
    tiles = [under.crop((x + cx, y + cy, x + cx + r, y + cy + r)) for cx, cy in corners]
    out.paste(moved, (x, y))
    for (cx, cy), tile in zip(corners, tiles, strict=True):
        box = (cx, cy, cx + r, cy + r)
        out.paste(tile, (x + cx, y + cy))
        out.paste(moved.crop(box), (x + cx, y + cy), mask.crop(box))
    return (x, y, x + pw, y + ph)


def _corner(mask: Image.Image) -> int:
    """How far in from each corner a rounded mask is not fully opaque (px)."""
    w, h = mask.size
    n = 0
    while n < min(w, h) // 2 and mask.getpixel((n, n)) < 255:
        n += 1
    return n + 1 if n else 0


def _overlaps(layer: Layer, rect: tuple[int, int, int, int]) -> bool:
    return not (layer.x >= rect[2] or layer.y >= rect[3] or layer.x + layer.rgb.width <= rect[0]
                or layer.y + layer.rgb.height <= rect[1])


def typewriter_clip(alpha: Image.Image, stops, reveal: float) -> Image.Image:
    """``alpha`` with only the characters a typewriter has typed at
    ``reveal`` (0..1) left: ``stops`` lists (fraction, rectangles shown)
    in increasing fraction; the last stop at or below ``reveal`` wins."""
    shown: tuple[tuple[int, int, int, int], ...] = ()
    for fraction, rects in stops:
        if fraction > reveal + 1e-9:
            break
        shown = rects
    out = Image.new("L", alpha.size, 0)
    for r in shown:
        out.paste(alpha.crop(r), r[:2])
    return out


@dataclass
class Timeline:
    """A whole clip: ``size`` (width, height) px, ``fps`` frames per second,
    its ``scenes`` in order.  :meth:`frame` gives the picture at any time;
    :meth:`frames` every frame of the clip in order."""

    size: tuple[int, int]
    fps: int
    scenes: Sequence[Scene]
    #: Layers over every scene for a time span: (start, end seconds, layer),
    #: e.g. burnt-in subtitles.
    overlays: list[tuple[float, float, Layer]] = field(default_factory=list)

    @cached_property
    def starts(self) -> tuple[float, ...]:
        out, t = [], 0.0
        for i, s in enumerate(self.scenes):
            if i:
                t -= self._overlap(i)
            out.append(t)
            t += s.duration
        return tuple(out)

    def _overlap(self, i: int) -> float:
        s = self.scenes[i]
        return s.transition_duration if s.transition != "cut" else 0.0

    @property
    def duration(self) -> float:
        """Seconds: the last scene's end."""
        if not self.scenes:
            return 0.0
        return self.starts[-1] + self.scenes[-1].duration

    @property
    def frame_count(self) -> int:
        """Whole frames: the duration at :attr:`fps`, rounded."""
        return max(1, round(self.duration * self.fps))

    def _at(self, t: float) -> tuple[int, int | None, float]:
        """(scene index, the next scene's index when t is in its
        transition, transition progress 0..1)."""
        starts = self.starts
        i = 0
        for k, s in enumerate(starts):
            if s <= t + 1e-9:
                i = k
        # t may sit in the overlap where scene i+1 already started: handled by
        # the loop above choosing the later scene; look back for the earlier.
        if i > 0 and self._overlap(i) > 0 and t < starts[i] + self._overlap(i):
            p = (t - starts[i]) / self._overlap(i)
            return i - 1, i, p
        return i, None, 0.0

    def frame(self, t: float, _reuse: bool = False) -> Image.Image:
        """The clip's picture at ``t`` seconds (RGB, :attr:`size`)."""
        i, j, p = self._at(t)
        reuse = _reuse and j is None and not self.overlays
        out = self.scenes[i].frame(max(0.0, t - self.starts[i]), reuse)
        if j is not None:
            b = self.scenes[j].frame(max(0.0, t - self.starts[j]))
            out = TRANSITIONS[self.scenes[j].transition](easing("ease-in-out")(p), out, b)
        for start, end, layer in self.overlays:
            if start <= t < end:
                paste_layer(out, layer, REST, None)
        return out

    def key(self, t: float) -> tuple | None:
        """Equal keys mean equal frames; None when the frame must be drawn."""
        i, j, _ = self._at(t)
        if j is not None:
            return None
        scene = self.scenes[i]
        local = t - self.starts[i]
        if any(layer.ken_burns is not None for layer in scene.layers):
            return None
        shown = tuple(n for n, (a, b, _) in enumerate(self.overlays) if a <= t < b)
        return (i, scene.state(local), shown)

    def frame_times(self) -> Iterator[float]:
        for n in range(self.frame_count):
            yield n / self.fps

    def frames(self) -> Iterator[bytes]:
        """Every frame as raw RGB bytes (rgb24, row-major), in order.  A frame
        equal to the one before is not drawn again: the same bytes object is
        yielded."""
        last_key: object = object()
        last: bytes | None = None
        done = 0
        for t in self.frame_times():
            i = self._at(t)[0]
            while done < i:  # scenes behind us are not drawn again: drop their composites
                self.scenes[done].forget()
                done += 1
            k = self.key(t)
            if k is not None and k == last_key and last is not None:
                yield last
                continue
            last = self.frame(t, _reuse=True).tobytes()
            last_key = k
            yield last

    def time_of_frame(self, n: int) -> float:
        return n / self.fps

    def scene_at(self, t: float) -> int:
        return self._at(t)[0]

    def frame_index(self, t: float) -> int:
        return min(self.frame_count - 1, max(0, floor(t * self.fps + 1e-6)))
