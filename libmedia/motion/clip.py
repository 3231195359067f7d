"""A clip: one video post from its template, record(s), format and brand kit.

:func:`make_clip` runs the video pipeline to a :class:`Clip` (laid-out
scenes, drawn layers, the timeline, its music, the words on screen as
timed cues, caption and alt text) and encodes nothing; :func:`encode_clip`
writes it as an MP4 every platform accepts, with frames computed while
ffmpeg encodes the previous ones.  The clip's cover (the frame the apps
show in the profile grid) and its subtitles (WebVTT and SRT) come from the
same timeline, so they always match the video.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from .. import templating
from ..diagnostics import Diagnostic, unique
from ..errors import Location, TemplateError
from ..layout import Fragment
from ..render import RenderInput
from ..subtitles import Cue, to_srt, to_webvtt, wrap_cue_text
from ..typography import FontLibrary
from .build import VideoLayout, _animation, build_timeline, lay_out_video
from .timeline import Layer, Timeline

#: Folder of the music libmedia ships (``music:NAME`` in a template).
BUNDLED_MUSIC = Path(__file__).resolve().parents[2] / "assets" / "music"
#: A draft is drawn at this fraction of the format's size.
DRAFT_SCALE = 0.5


@dataclass(frozen=True)
class ClipOptions:
    """How to make a clip (plain values: a render task carries them).

    ``draft`` half size and a fast encoder preset, for a quick look;
    ``music`` a music file replacing the template's (a path), ``silent``
    no music at all (a silent AAC track is still written);
    ``burn_subtitles`` draws the words on screen as captions onto the
    frames too.
    """

    draft: bool = False
    music: str | None = None
    silent: bool = False
    burn_subtitles: bool = False


@dataclass
class Clip:
    """A clip ready to encode: its ``timeline`` (frames), ``audio`` (an
    :class:`~libmedia.encode.audio.AudioTrack` or None for silence),
    ``cues`` (the words on screen, timed), ``cover_time`` (seconds: the
    frame used as the cover), ``caption``/``alt`` (end with a newline),
    ``warnings`` and the laid-out ``video``."""

    timeline: Timeline
    audio: Any
    cues: list[Cue]
    cover_time: float
    caption: str
    alt: str
    warnings: list[Diagnostic]
    video: VideoLayout
    settings: Any = None

    @property
    def duration(self) -> float:
        """Seconds: whole frames at the clip's fps."""
        return self.timeline.frame_count / self.timeline.fps

    @property
    def size(self) -> tuple[int, int]:
        return self.timeline.size

    def cover(self) -> Image.Image:
        """The cover frame (RGB)."""
        return self.timeline.frame(self.cover_time)

    def webvtt(self) -> str:
        return to_webvtt(self.cues)

    def srt(self) -> str:
        return to_srt(self.cues)


def make_clip(inp: RenderInput, library: FontLibrary, options: ClipOptions | None = None, *,
              scale: float | None = None, fps: int | None = None) -> Clip:
    """Lay out, check and draw the clip for ``inp`` (a video template and a
    video format).  ``scale`` (a fraction of the format's size) and ``fps``
    (frames per second) override the draft's :data:`DRAFT_SCALE` or full
    size and the format's rate; ``libmedia preview`` uses them for a smaller
    draft that is quick to make on every save.  Raises
    :class:`~libmedia.errors.LibmediaError` subclasses for what the user can
    fix: the template's line, the data's row, a music file that cannot be
    read, a clip too short or too long for the format."""
    from ..encode.video import VideoSettings

    options = options or ClipOptions()
    fmt = inp.format
    video = lay_out_video(inp, library, options.burn_subtitles)
    filename = str(inp.template.path / "layout.xml.j2")
    warnings = list(video.warnings)
    _check_duration(video, fmt, filename)
    fps = fps or fmt.fps or 30
    if scale is None:
        scale = DRAFT_SCALE if options.draft else 1.0
    timeline = build_timeline(video, fps, library, scale)
    cues = words_on_screen(video, timeline)
    if options.burn_subtitles and cues:
        timeline.overlays = burned_subtitles(cues, inp, library, scale)
    audio = _music(video, inp, options, filename)
    cover_time = video.music.get("cover-time")
    if cover_time is None:
        cover_time = _settled_time(video)
    cover_time = min(max(0.0, cover_time), max(0.0, timeline.duration - 1 / fps))
    text_context = {**video.context, "placeholder_cover": any(
        getattr(a, "placeholder", False) for a in video.assets.values()),
        "duration": round(timeline.frame_count / fps, 1)}
    t = inp.template
    caption = templating.render_text(t.caption(), text_context, str(t.path / "caption.txt.j2"))
    alt = templating.render_text(t.alt(), text_context, str(t.path / "alt.txt.j2"))
    settings = VideoSettings(fps=fps)
    if options.draft:
        settings = settings.draft()
    return Clip(timeline, audio, cues, cover_time, caption, alt, unique(warnings), video, settings)


def _check_duration(video: VideoLayout, fmt, filename: str) -> None:
    seconds = video.duration
    if fmt.min_seconds and seconds < fmt.min_seconds - 1e-6:
        raise TemplateError(
            f"the clip lasts {seconds:.1f} s; {fmt.platform} takes clips of {fmt.min_seconds:g} s or more",
            Location(file=filename), hint="lengthen the scenes (duration=) or add one",
            code="duration-short")
    if fmt.max_seconds and seconds > fmt.max_seconds + 1e-6:
        raise TemplateError(
            f"the clip lasts {seconds:.1f} s; {fmt.platform} takes clips of at most {fmt.max_seconds:g} s",
            Location(file=filename), hint="shorten the scenes, or give the clip fewer records",
            code="duration-long")


def _settled_time(video: VideoLayout) -> float:
    """When everything of the first scene has arrived: the cover frame."""
    first = video.scenes[0]
    end = 0.0
    for frag in first.page.root.walk():
        a = _animation(frag.element, "enter", first.duration)
        if a is not None:
            end = max(end, a.end)
    nxt = video.scenes[1] if len(video.scenes) > 1 else None
    limit = first.duration - (nxt.transition_duration if nxt and nxt.transition != "cut" else 0.0)
    return min(end + 0.1, max(0.0, limit - 0.05))


def _music(video: VideoLayout, inp: RenderInput, options: ClipOptions, filename: str):
    from ..encode.audio import AudioTrack

    if options.silent:
        return None
    spec = video.music
    src: Path | None
    if options.music:
        src = Path(options.music)
    elif spec.get("music"):
        src = resolve_music(spec["music"], inp, filename)
    else:
        return None
    return AudioTrack(src, volume=spec.get("volume", 1.0), fade_in=spec.get("fade-in", 0.5),
                      fade_out=spec.get("fade-out", 1.0), start=spec.get("music-start", 0.0))


def resolve_music(src: str, inp: RenderInput, filename: str) -> Path:
    """The file a template's ``music`` names: ``music:NAME`` (libmedia's own
    tracks), ``brand:music`` (the brand kit's), ``assets/...`` (the
    template's folder), or a path beside the data.  A name the template
    writes may not lead out of those folders (:mod:`libmedia.sandbox`: no
    absolute path, no ``..``, no address, no symbolic link out).  Raises
    :class:`TemplateError` when there is no such file or the name leads out."""
    from ..sandbox import FILE_RULE, inside, template_path_problem

    problem = None if src == "brand:music" else template_path_problem(src.removeprefix("music:"))
    if problem is not None:
        raise TemplateError(problem[0], Location(file=filename), hint=problem[1], code=FILE_RULE)
    if src.startswith("music:"):
        path = BUNDLED_MUSIC / src[len("music:"):]
    elif src == "brand:music":
        from ..errors import BrandError

        path = getattr(inp.brand, "music", None)
        kit = str(inp.brand.path) if inp.brand.path else "libmedia.toml"
        if path is None:
            raise TemplateError("the template plays the brand kit's music but the kit has none",
                                Location(file=filename),
                                hint="set music under [library] in libmedia.toml")
        if not Path(path).is_file():
            raise BrandError(f"music file {path} not found", Location(file=kit, field="library.music"),
                             hint="give the music file's path relative to the brand kit file "
                                  "(mp3, wav, m4a, ogg or flac), or leave music empty")
    elif src.startswith("assets/"):
        path = inp.template.path / src
    else:
        path = next((Path(d) / src for d in inp.search_dirs if (Path(d) / src).is_file()), Path(src))
    if src != "brand:music" and Path(path).is_file() and not inside(
            path, [BUNDLED_MUSIC, inp.template.path, *inp.search_dirs]):
        raise TemplateError(f"music file {src!r} leads outside the template's and the data's "
                            "folders", Location(file=filename),
                            hint="copy the music into the template's assets/ folder instead of "
                                 "linking to it", code=FILE_RULE)
    if not Path(path).is_file():
        known = ", ".join(f"music:{p.name}" for p in sorted(BUNDLED_MUSIC.glob("*.m4a")))
        raise TemplateError(f"music file {src!r} not found", Location(file=filename),
                            hint=f"libmedia ships {known}" if known else "check the path")
    return Path(path)


# ---------------------------------------------------------------------------
# the words on screen


def words_on_screen(video: VideoLayout, timeline: Timeline) -> list[Cue]:
    """One cue per scene: its texts in reading order (texts in one row on
    one line), as written (before a ``transform``), from when the first
    arrives until the scene gives way to the next.  Text with
    ``subtitle="false"`` (a counter, a decoration) is left out; text with
    ``subtitle="..."`` is read as that text."""
    cues: list[Cue] = []
    starts = timeline.starts
    for i, scene in enumerate(video.scenes):
        found: list[tuple[int | None, str, float]] = []  # (row, words, arrival)

        def visit(frag: Fragment, row: int | None, delay: float, scene=scene, found=found) -> None:
            el = frag.element
            a = _animation(el, "enter", scene.duration)
            if a is not None:
                delay = max(delay, a.start)
            if el.tag == "row":
                row = id(frag)
            said = el.get("subtitle", True)
            if el.tag == "text" and said is not False and frag.text is not None:
                # the words as written (before an uppercase transform), or the template's own
                words = said if isinstance(said, str) else " ".join(el.plain_text.split())
                if words:
                    found.append((row, words, delay))
            for c in frag.children:
                visit(c, row, delay)

        for c in scene.page.root.children:
            visit(c, None, 0.0)
        lines: list[str] = []
        last_row: object = object()
        for row, words, _ in found:
            if row is not None and row == last_row:
                lines[-1] += " " + words
            else:
                lines.append(words)
            last_row = row
        first = min((d for _, _, d in found), default=scene.duration)
        text = "\n".join(wrap_cue_text(line) for line in lines if line)
        if not text:
            continue
        start = starts[i] + first
        end = starts[i + 1] if i + 1 < len(starts) else timeline.duration
        if end > start:
            cues.append(Cue(round(start, 3), round(end, 3), text))
    return cues


def burned_subtitles(cues: list[Cue], inp: RenderInput, library: FontLibrary,
                     scale: float) -> list[tuple[float, float, Layer]]:
    """Each cue drawn as a caption box above the format's bottom safe band:
    (start, end, layer) for :attr:`Timeline.overlays`."""
    from ..draw import draw_page
    from ..layout import layout_document
    from ..markup import parse_markup
    from ..style import style_document

    fmt = inp.format
    top, right, bottom, left = fmt.safe
    out = []
    for cue in cues:
        # one flowing caption: the cue's lines joined, rewrapped, smaller when long
        lines = wrap_cue_text(" · ".join(cue.text.split("\n"))).split("\n")
        size = 36 if len(lines) <= 2 else 30
        if len(lines) > 3:
            lines = lines[:3]
            lines[2] = lines[2].rstrip(" ·") + "…"
        body = "<br/>".join(_xml(line) for line in lines)
        markup = (f'<canvas><column position="absolute" left="{left + 32}" right="{right + 32}" '
                  f'bottom="{bottom + 16}" align="center">'
                  f'<text role="body" size="{size}" line-height="1.3" color="#FFFFFF" '
                  f'background="#000000C8" padding="12 22" radius="12" align="center" '
                  f'max-lines="3">{body}</text></column></canvas>')
        doc = parse_markup(markup, "subtitles")
        styled = style_document(doc, inp.brand.types, inp.brand.colors, "subtitles",
                                inp.brand.language)
        page = layout_document(styled, fmt.width, fmt.height, library=library)
        page.paper = (0, 0, 0, 0)
        rgba = draw_page(page, library)
        box = rgba.getchannel("A").getbbox()
        if box is None:
            continue
        cut = rgba.crop(box)
        layer = Layer(cut.convert("RGB"), cut.getchannel("A"), box[0], box[1], label="subtitle")
        if scale != 1.0:
            w, h = max(1, round(cut.width * scale)), max(1, round(cut.height * scale))
            layer = Layer(layer.rgb.resize((w, h), Image.Resampling.LANCZOS),
                          layer.alpha.resize((w, h), Image.Resampling.LANCZOS),
                          round(box[0] * scale), round(box[1] * scale), label="subtitle")
        out.append((cue.start, cue.end, layer))
    return out


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------
# encoding


def encode_clip(clip: Clip, path: str | Path,
                progress: Callable[[int, int], None] | None = None) -> Path:
    """Write ``clip`` to ``path`` (MP4: H.264 High, yuv420p, BT.709, 30 fps
    constant, AAC 48 kHz stereo, faststart), atomically.  Frames are
    computed in this thread while ffmpeg encodes the ones before (the
    writer's queue); ``progress(done, total)`` is called per frame.
    Raises :class:`~libmedia.errors.VideoError` or
    :class:`~libmedia.errors.OutputError` (nothing is left at ``path``)."""
    from ..encode.video import VideoWriter

    total = clip.timeline.frame_count
    report = (lambda n: progress(n, total)) if progress else None
    with VideoWriter(path, clip.size, clip.settings, frames=total, audio=clip.audio,
                     progress=report) as out:
        for frame in clip.timeline.frames():
            out.write(frame)
    return Path(path)


@dataclass
class EncodedClip:
    """An encoded clip's files as bytes: ``mp4``, ``cover`` (JPEG),
    ``vtt``/``srt`` (text), with the clip's caption, alt text and warnings."""

    mp4: bytes
    cover: bytes
    vtt: str
    srt: str
    caption: str
    alt: str
    warnings: list[Diagnostic] = field(default_factory=list)
    duration: float = 0.0


def render_clip(inp: RenderInput, library: FontLibrary, options: ClipOptions | None = None,
                progress: Callable[[int, int], None] | None = None) -> EncodedClip:
    """Make and encode one clip in a private temporary folder and return
    its files as bytes (a render task's artifacts).  Raises as
    :func:`make_clip` and :func:`encode_clip` do."""
    import tempfile

    from ..encode.video import encode_cover_jpeg

    clip = make_clip(inp, library, options)
    with tempfile.TemporaryDirectory(prefix="libmedia-clip-") as tmp:
        mp4 = encode_clip(clip, Path(tmp) / "clip.mp4", progress).read_bytes()
    return EncodedClip(mp4, encode_cover_jpeg(clip.cover()), clip.webvtt(), clip.srt(),
                       clip.caption, clip.alt, clip.warnings, clip.duration)
