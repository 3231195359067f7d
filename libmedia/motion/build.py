"""The video pipeline up to the timeline::

    record(s) + brand + format  --context-->  Jinja context (as for images)
    context                     --markup-->   layout markup: <video> of <scene>s
    markup                      --parse-->    document (root ``video``)
    each scene                  --assets, style, layout, lint-->  a Page
    pages                       --layers-->   a Timeline: per scene a still base
                                              and the moving elements' layers

Each scene is laid out exactly like an image's canvas (same elements, same
typography, same lint), so a template author learns one language.  What
moves is any element with ``enter``/``exit`` attributes and any image with
``motion="ken-burns"``; everything else is drawn once into the scene's
base.  Nothing here encodes; :mod:`libmedia.motion.clip` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from PIL import Image

from .. import raster as im
from .. import templating
from ..diagnostics import Diagnostic, unique
from ..draw import draw_page
from ..errors import Location, TemplateError
from ..layout import Fragment, Page, Rect, layout_document
from ..lint import lint_page
from ..markup import Element, parse_markup
from ..render import AssetPlaces, RenderInput, build_context, load_assets
from ..sources import Record
from ..style import style_document
from ..typography import FontLibrary
from ..typography.measure import measurer
from ..typography.shaping import graphemes
from .effects import DEFAULT_EASING
from .timeline import Animation, KenBurns, Layer, Scene, Timeline

#: Seconds an entrance or exit lasts unless the element says.
ENTER_DURATION = 0.6
EXIT_DURATION = 0.4
#: A typewriter types this many characters per second unless given a duration
#: (a brisk reading pace for a short line), within 0.4 to 3 seconds.
TYPEWRITER_CPS = 22.0
#: The longest text a typewriter may type (it is for short lines).
TYPEWRITER_MAX_CHARS = 160


@dataclass
class SceneLayout:
    """One laid-out scene: its ``element`` (the ``scene``), its ``page``,
    ``duration`` and incoming ``transition`` (name, seconds), and the
    record it shows (None for an intro or outro)."""

    element: Element
    page: Page
    duration: float
    transition: str
    transition_duration: float
    record: Record | None = None


@dataclass
class VideoLayout:
    """What the video pipeline reached before drawing: the context, markup,
    document (root ``video``), the laid-out scenes, the music settings from
    the ``video`` element, and every warning found."""

    context: dict[str, Any]
    markup: str
    document: Element
    scenes: list[SceneLayout]
    music: dict[str, Any] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    assets: dict = field(default_factory=dict)

    @property
    def duration(self) -> float:
        total = 0.0
        for i, s in enumerate(self.scenes):
            total += s.duration - (s.transition_duration if i and s.transition != "cut" else 0.0)
        return total


def _scene_canvas(scene: Element) -> Element:
    attrs = {k: v for k, v in scene.attrs.items()
             if k not in ("duration", "transition", "transition-duration")}
    return Element("canvas", attrs, scene.children, (), scene.line, scene.path)


def _record_for(scene: Element, records, record_name: str) -> Record | None:
    """The record a scene shows: the one whose field values appear in it
    (cover file or title), or None."""
    texts = {el.get("src", "").strip() for el in scene.walk() if el.tag == "image"}
    texts |= {el.plain_text.strip() for el in scene.walk() if el.tag == "text"}
    texts.discard("")
    for r in records:
        for key in ("cover", "title"):
            v = str(r.fields.get(key, "")).strip()
            if v and any(v in t for t in texts):
                return r
    return None


#: Height in px (at 1080 wide) that burnt-in subtitles take above the bottom
#: safe band: two lines of 38 px captions in their box, and a margin.
SUBTITLE_BAND = 170


def lay_out_video(inp: RenderInput, library: FontLibrary, burn_subtitles: bool = False) -> VideoLayout:
    """Run the video pipeline for ``inp`` up to the laid-out scenes.

    Templates see ``subtitles`` in their context: the height in px they
    leave free above the bottom safe band for burnt-in subtitles
    (:data:`SUBTITLE_BAND` when ``burn_subtitles``, else 0).  Raises a
    :class:`~libmedia.errors.LibmediaError` subclass for anything the user
    can fix (template line, data row)."""
    t = inp.template
    filename = str(t.path / "layout.xml.j2")
    warnings = [*inp.warnings, *(w for r in inp.records for w in r.warnings)]
    context = build_context(t, inp.records, inp.brand, inp.format, source=inp.source,
                            columns=inp.columns)
    context["subtitles"] = SUBTITLE_BAND if burn_subtitles else 0
    markup = templating.render_markup(t, context)
    document = parse_markup(markup, filename, expect="video")
    places = AssetPlaces.of(inp)
    cover_field = "cover" if "cover" in t.fields else None
    scenes: list[SceneLayout] = []
    all_assets: dict = {}
    problems: list[TemplateError] = []
    for n, scene in enumerate(document.children):
        canvas = _scene_canvas(scene)
        record = _record_for(scene, inp.records, t.record_name)
        assets, found = load_assets(canvas, places, max(inp.format.size), record, inp.source,
                                    cover_field)
        all_assets.update(assets)
        warnings += found
        styled = style_document(canvas, inp.brand.types, inp.brand.colors, filename,
                                inp.brand.language, assets)
        page = layout_document(styled, inp.format.width, inp.format.height, assets=assets,
                               library=library, filename=filename)
        row = record.row or None if record is not None else None
        warnings += lint_page(page, Location(file=inp.source, row=row), fmt=inp.format)
        duration = scene.get("duration")
        if duration <= 0:
            problems.append(TemplateError("a scene lasts 0 seconds", Location(file=filename, line=scene.line),
                                          hint='give it a duration, e.g. duration="3"'))
        transition = scene.get("transition", "cut") if n else "cut"
        tdur = scene.get("transition-duration", 0.5 if transition != "cut" else 0.0)
        if n and transition != "cut" and tdur > min(duration, scenes[-1].duration) / 2:
            problems.append(TemplateError(
                f"a {tdur:g} s transition is longer than half the scenes it joins",
                Location(file=filename, line=scene.line),
                hint="shorten transition-duration or lengthen the scenes"))
        problems += _check_motion(canvas, duration, filename, warnings)
        scenes.append(SceneLayout(scene, page, duration, transition, tdur, record))
    if problems:
        from ..errors import ProblemList

        raise ProblemList(problems, f"{len(problems)} problem(s) in {filename}")
    music = {k: document.get(k) for k in ("music", "volume", "music-start", "fade-in", "fade-out",
                                           "cover-time") if document.get(k) is not None}
    return VideoLayout(context, markup, document, scenes, music, unique(warnings), all_assets)


def _check_motion(canvas: Element, duration: float, filename: str,
                  warnings: list[Diagnostic]) -> list[TemplateError]:
    out: list[TemplateError] = []
    for el in canvas.walk():
        where = Location(file=filename, line=el.line)
        if el.get("enter") == "typewriter" or el.get("exit") == "typewriter":
            if el.tag != "text":
                out.append(TemplateError(f"typewriter on <{el.tag}>", where,
                                         hint="a typewriter types text: use it on <text>, or use fade"))
        enter = _animation(el, "enter", duration)
        if enter is not None and enter.end > duration + 1e-6:
            warnings.append(Diagnostic.warning(
                f"<{el.tag}> at line {el.line} finishes entering at {enter.end:g} s, after its "
                f"{duration:g} s scene ends", where, "motion-late"))
    return out


def _animation(el: Element, which: str, scene_duration: float) -> Animation | None:
    name = el.get(which)
    if name in (None, "none"):
        return None
    ease = el.get("easing") or DEFAULT_EASING.get(name, "ease-out" if which == "enter" else "ease-in")
    if which == "enter":
        default = ENTER_DURATION
        if name == "typewriter":
            n = len(graphemes(el.plain_text))
            default = min(3.0, max(0.4, n / TYPEWRITER_CPS))
        dur = el.get("enter-duration", default)
        return Animation(name, el.get("enter-delay", 0.0), dur, ease)
    dur = el.get("exit-duration", EXIT_DURATION)
    start = el.get("exit-at", max(0.0, scene_duration - dur))
    return Animation(name, start, dur, ease)


def _moves(el: Element) -> bool:
    return (el.get("enter", "none") != "none" or el.get("exit", "none") != "none"
            or (el.tag == "image" and el.get("motion") == "ken-burns"))


# ---------------------------------------------------------------------------
# drawing: bases and layers


_BARE = Element("canvas", {}, (), (), 0, "canvas")


def _without_moving(frag: Fragment) -> Fragment:
    kids = tuple(_without_moving(c) for c in frag.children if not _moves(c.element))
    return frag if kids == frag.children else replace(frag, children=kids)


def _without(frag: Fragment, lifted: set[int]) -> Fragment:
    """``frag`` without the lifted fragments below it (they are layers)."""
    kids = tuple(_without(c, lifted) for c in frag.children if id(c) not in lifted)
    return frag if kids == frag.children else replace(frag, children=kids)


_CONTAINERS = {"canvas", "column", "row", "stack", "grid"}
_OWN_PAINT = ("background", "background-image", "border", "shadow")


def _paints(frag: Fragment) -> bool:
    el = frag.element
    return el.tag not in _CONTAINERS or any(k in el.attrs for k in _OWN_PAINT)


def _lifted(root: Fragment, canvas: tuple[int, int]) -> list[Fragment]:
    """The fragments drawn as layers, in paint order: every moving one, and
    every still one painted after a moving one and within its reach (its
    box grown by the longest slide and a shadow), so paint order holds when
    the moving one is pasted over the still base."""
    from .effects import SLIDE_DISTANCE

    reach = SLIDE_DISTANCE * min(canvas) + 64
    out: list[Fragment] = []
    moving: list[Rect] = []

    def near(box: Rect) -> bool:
        return any(box.x < m.right + reach and m.x - reach < box.right and box.y < m.bottom + reach
                   and m.y - reach < box.bottom for m in moving)

    def visit(frag: Fragment, inside: bool) -> None:
        if _moves(frag.element):
            out.append(frag)
            moving.append(frag.box)
            inside = True
        elif not inside and _paints(frag) and near(frag.box):
            out.append(frag)
            inside = True
        for c in frag.children:
            visit(c, inside)

    for c in root.children:
        visit(c, False)
    return out


def _draw_alone(page: Page, frag: Fragment, library: FontLibrary) -> Image.Image:
    root = Fragment(_BARE, Rect(0, 0, page.width, page.height), Rect(0, 0, page.width, page.height),
                    (frag,))
    return draw_page(Page(page.width, page.height, root, (0, 0, 0, 0), page.ink), library)


def draw_scene(scene: SceneLayout, library: FontLibrary) -> Scene:
    """Draw one laid-out scene: its still base and a :class:`Layer` per
    moving element (ancestors' motion carried by their descendants), and
    per still element painted above a moving one (so it stays above it)."""
    page = scene.page
    lifted = _lifted(page.root, (page.width, page.height))
    ids = {id(f) for f in lifted}
    base_page = Page(page.width, page.height, _without(page.root, ids), page.paper, page.ink)
    base = draw_page(base_page, library).convert("RGB")
    layers: list[Layer] = []
    parents_of: dict[int, tuple] = {}

    def visit(frag: Fragment, parents: tuple) -> None:
        el = frag.element
        parents_of[id(frag)] = parents
        if _moves(el):
            parents = (*parents, (_animation(el, "enter", scene.duration),
                                  _animation(el, "exit", scene.duration)))
        for c in frag.children:
            visit(c, parents)

    for c in page.root.children:
        visit(c, ())
    for frag in lifted:
        layer = _layer(page, frag, parents_of[id(frag)], scene.duration, library, ids)
        if layer is not None:
            layers.append(layer)
    label = scene.element.get("id", "") or scene.element.path
    return Scene(scene.duration, base, layers, scene.transition, scene.transition_duration, label)


def _layer(page: Page, frag: Fragment, parents: tuple, duration: float,
           library: FontLibrary, lifted: set[int] | None = None) -> Layer | None:
    el = frag.element
    alone = _without(frag, lifted) if lifted is not None else _without_moving(frag)
    rgba = _draw_alone(page, alone, library)
    box = rgba.getchannel("A").getbbox()
    if box is None:
        return None
    x0, y0 = box[0], box[1]
    cut = rgba.crop(box)
    layer = Layer(cut.convert("RGB"), cut.getchannel("A"), x0, y0,
                  _animation(el, "enter", duration), _animation(el, "exit", duration),
                  parents, label=f"<{el.tag}> line {el.line}")
    if el.tag == "image" and el.get("motion") == "ken-burns" and frag.asset is not None \
            and frag.asset.image is not None:
        kb = KenBurns(el.get("zoom", (1.0, 1.12)), el.get("pan", "none"), el.get("focal", (0.5, 0.5)))
        layer.ken_burns = kb
        layer.picture = _picture(frag, kb, (x0, y0))
    if el.tag == "text" and "typewriter" in (el.get("enter"), el.get("exit")) and frag.text is not None:
        layer.stops = _typewriter_stops(frag, (x0, y0), cut.size, library)
    return layer


def _picture(frag: Fragment, kb: KenBurns, origin: tuple[int, int]):
    """The Ken Burns source of an image fragment: (picture pre-scaled by the
    largest zoom, its rectangle inside the layer, its corner mask)."""
    a = frag.element.attrs
    x0, y0 = round(frag.box.x), round(frag.box.y)
    bw, bh = round(frag.box.right) - x0, round(frag.box.bottom) - y0
    fit = a.get("fit", "contain")
    assert frag.asset is not None and frag.asset.image is not None
    shown = im.fit_image(frag.asset.image, (bw, bh), fit, a.get("focal", (0.5, 0.5)))
    pw, ph = shown.size
    px, py = x0 + (bw - pw) // 2 - origin[0], y0 + (bh - ph) // 2 - origin[1]
    m = kb.max_zoom
    focal = a.get("focal", (0.5, 0.5))
    image = frag.asset.image
    want = (round(pw * m), round(ph * m))
    if image.width * image.height < want[0] * want[1]:
        # a small picture (an enlarged cover): moved from its own pixels, cropped to the shape
        source = im.fit_image(image, _crop_size(image.size, (pw, ph)), "cover", focal).convert("RGB")
        resample = Image.Resampling.BICUBIC
    else:
        source = im.fit_image(image, want, "cover", focal).convert("RGB")
        resample = Image.Resampling.BILINEAR
    mask = None
    if a.get("radius"):
        mask = im.apply_radius(Image.new("RGBA", (pw, ph), (255, 255, 255, 255)),
                               a["radius"]).getchannel("A")
    return source, (px, py, pw, ph), mask, resample


def _crop_size(size: tuple[int, int], shape: tuple[int, int]) -> tuple[int, int]:
    """The largest size within ``size`` with the aspect ratio of ``shape``."""
    w, h = size
    s = min(w / shape[0], h / shape[1])
    return max(1, round(shape[0] * s)), max(1, round(shape[1] * s))


def _typewriter_stops(frag: Fragment, origin: tuple[int, int], size: tuple[int, int],
                      library: FontLibrary):
    """Reveal steps of a typewriter: after each character, the rectangles
    (in layer px) that show what has been typed.  Left-to-right lines are
    typed a character at a time; a right-to-left line appears whole."""
    block = frag.text
    assert block is not None
    m = measurer(library)
    ox, oy = frag.content.x - origin[0], frag.content.y - origin[1]
    w, h = size
    lines = block.lines
    # vertical bands: split halfway between lines, first/last reach the layer's edges
    bands = []
    for i, ln in enumerate(lines):
        top = 0 if i == 0 else round(oy + (lines[i - 1].bottom + ln.top) / 2)
        bottom = h if i == len(lines) - 1 else round(oy + (ln.bottom + lines[i + 1].top) / 2)
        bands.append((top, bottom))
    counts = [max(1, len(graphemes(ln.text))) for ln in lines]
    total = sum(counts)
    stops = []
    done: list[tuple[int, int, int, int]] = []
    typed = 0
    for ln, (top, bottom), n in zip(lines, bands, counts, strict=True):
        rtl = any(s.direction == "rtl" for s in ln.segments)
        if not rtl:
            k = 0
            for seg in ln.segments:
                for g in range(1, len(graphemes(seg.text)) + 1):
                    prefix = "".join(graphemes(seg.text)[:g])
                    x = ox + ln.x + seg.x + m.length(prefix, seg.face, seg.style, seg.direction)
                    k += 1
                    stops.append(((typed + k) / total, (*done, (0, top, min(w, round(x) + 1), bottom))))
        typed += n
        done.append((0, top, w, bottom))
        stops.append((typed / total, tuple(done)))
    return tuple(stops)


def build_timeline(video: VideoLayout, fps: int, library: FontLibrary, scale: float = 1.0) -> Timeline:
    """Draw every scene of ``video`` and return its :class:`Timeline` at
    ``fps``; ``scale`` < 1 (a draft) shrinks bases and layers after drawing,
    so a draft moves exactly like the full clip."""
    scenes = [draw_scene(s, library) for s in video.scenes]
    size = (video.scenes[0].page.width, video.scenes[0].page.height)
    if scale != 1.0:
        scenes = [_scaled(s, scale) for s in scenes]
        size = scenes[0].base.size
    return Timeline(size, fps, scenes)


def _even(v: float) -> int:
    return max(2, int(round(v / 2)) * 2)


def _scaled(scene: Scene, k: float) -> Scene:
    rs = Image.Resampling.LANCZOS
    w, h = scene.base.size
    base = scene.base.resize((_even(w * k), _even(h * k)), rs)
    layers = []
    for ly in scene.layers:
        lw, lh = max(1, round(ly.rgb.width * k)), max(1, round(ly.rgb.height * k))
        new = replace(ly, rgb=ly.rgb.resize((lw, lh), rs), alpha=ly.alpha.resize((lw, lh), rs),
                      x=round(ly.x * k), y=round(ly.y * k))
        if ly.picture is not None:
            src, (px, py, pw, ph), mask, resample = ly.picture
            spw, sph = max(1, round(pw * k)), max(1, round(ph * k))
            new.picture = (src.resize((max(1, round(src.width * k)), max(1, round(src.height * k))), rs),
                           (round(px * k), round(py * k), spw, sph),
                           mask.resize((spw, sph), rs) if mask is not None else None, resample)
        if ly.stops:
            new.stops = tuple((f, tuple(tuple(round(v * k) for v in r) for r in rects))
                              for f, rects in ly.stops)
        layers.append(new)
    return replace(scene, base=base, layers=layers)
