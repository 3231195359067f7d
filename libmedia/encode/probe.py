"""Probe: check an MP4 against what TikTok, Instagram Reels and YouTube Shorts accept.

:func:`probe` reads a video file with PyAV (no decoding except the first
frame) and the MP4's top-level boxes (read here: 8- or 16-byte headers), and
returns a :class:`ProbeReport`: the figures (codec, profile, pixel format,
sizes, rotation, pixel aspect, frame rate and frame count, the spread of
frame durations, each stream's start and length, colour tags, audio format,
the first frame's brightness, box order) and one :class:`Diagnostic` per
problem, each with a hint saying how to fix it.

Severity follows what a platform or a phone does with the file:

errors (refused, or played wrong)
    ``container`` not MP4; ``video-codec`` not H.264; ``video-profile`` a
    profile phones cannot play (High 10, High 4:4:4...); ``pixel-format``
    not 4:2:0 (C04); ``ten-bit`` more than 8 bits (C42c); ``odd-size``
    (C04); ``video-size`` not the size the format asks for; ``faststart``
    ``moov`` after ``mdat``: uploads and previews stall (C05);
    ``audio-codec`` not AAC: MP3 in MP4 is silent on iPhones (C06);
    ``duration-short``/``duration-long`` outside the platform's limits
    (C09); ``fps`` under 23 frames per second (C09); ``variable-frame-rate``
    frame durations that differ (C44: audio drifts, re-encoders drop frames);
    ``colour-tags`` a missing range, matrix, primaries or transfer tag
    (C41a: players guess BT.601 and colours shift); ``full-range`` (C41b:
    washed out or crushed after upload); ``hdr`` HDR transfer or BT.2020
    primaries (C42b: grey, washed-out pictures on SDR screens);
    ``non-square-pixels`` (C43b: platforms ignore the pixel aspect, the
    picture is squeezed); ``late-start`` a stream starting after 0 (C45a,
    C45b: black or silent opening, out of sync); ``stream-length-mismatch``
    audio and video lengths differ by more than one frame (C07).

warnings (accepted, but not at its best)
    ``audio-rate`` not 44.1 or 48 kHz and ``audio-channels`` not stereo
    (C45e: platforms resample, quality drops); ``no-audio`` (C45c: every
    platform takes a silent clip, but some players and editors misbehave;
    libmedia always writes a track); ``fps`` a rate other than the format's
    (25 for a 30 fps format); ``rotation`` a display rotation (C43a: some
    apps ignore it); ``colour-tags`` tagged, but not BT.709; ``black-first-frame``
    (C45d: the grid and link previews show the first frame);
    ``video-profile`` Main or Baseline (plays, lower quality per bit).

:class:`PlatformRules` holds the numbers that differ by format (minimum and
maximum seconds, frame rate, size); the default asks for at least 3 s and
23 fps and accepts any even size.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..diagnostics import ERROR, WARNING, Diagnostic, Location
from ..errors import VideoError

__all__ = ["PlatformRules", "ProbeReport", "VideoInfo", "AudioInfo", "probe", "mp4_boxes"]

# FFmpeg's enum values (libavutil/pixfmt.h), as PyAV gives them.
RANGES = {0: "unknown", 1: "tv", 2: "pc"}
MATRICES = {0: "rgb", 1: "bt709", 2: "unknown", 4: "fcc", 5: "bt470bg", 6: "smpte170m",
            7: "smpte240m", 8: "ycgco", 9: "bt2020nc", 10: "bt2020c", 14: "ictcp"}
PRIMARIES = {1: "bt709", 2: "unknown", 4: "bt470m", 5: "bt470bg", 6: "smpte170m",
             7: "smpte240m", 8: "film", 9: "bt2020", 10: "smpte428", 11: "smpte431",
             12: "smpte432", 22: "ebu3213"}
TRANSFERS = {1: "bt709", 2: "unknown", 4: "gamma22", 5: "gamma28", 6: "smpte170m",
             7: "smpte240m", 8: "linear", 13: "iec61966-2-1", 14: "bt2020-10",
             15: "bt2020-12", 16: "smpte2084", 17: "smpte428", 18: "arib-std-b67"}
HDR_TRANSFERS = {"smpte2084", "arib-std-b67"}
BT2020 = {"bt2020"}

#: A first frame darker than this mean luma (0-255) and this flat is "black".
BLACK_MEAN, BLACK_STDDEV = 12.0, 6.0


@dataclass(frozen=True)
class PlatformRules:
    """What a platform accepts, where it differs by format.

    ``min_seconds``/``max_seconds``  clip length limits (``max_seconds``
    None or 0: no limit); ``fps`` the format's frame rate (None: any
    constant rate of at least ``min_fps``); ``min_fps`` the lowest rate
    platforms take (23: Instagram and TikTok refuse lower, case C09);
    ``width``/``height`` the size the format asks for (None: any even size).
    """

    min_seconds: float = 3.0
    max_seconds: float | None = None
    fps: float | None = None
    min_fps: float = 23.0
    width: int | None = None
    height: int | None = None

    @classmethod
    def for_format(cls, fmt) -> PlatformRules:
        """Rules from a :class:`libmedia.formats.Format`-like object (any
        object with ``fps``, ``min_seconds``, ``max_seconds``, ``width``,
        ``height``; zeros mean "not set")."""
        return cls(min_seconds=float(getattr(fmt, "min_seconds", 0) or 3.0),
                   max_seconds=float(getattr(fmt, "max_seconds", 0) or 0) or None,
                   fps=float(getattr(fmt, "fps", 0) or 0) or None,
                   width=getattr(fmt, "width", None) or None,
                   height=getattr(fmt, "height", None) or None)


@dataclass(frozen=True)
class VideoInfo:
    """The first video stream.  Sizes in pixels, times in seconds, rates in
    frames per second; colour tags as FFmpeg names them (``tv``/``pc``,
    ``bt709``, ``unknown``...)."""

    codec: str
    profile: str | None
    level: int | None
    pixel_format: str | None
    bit_depth: int | None
    chroma: str | None          # "4:2:0", "4:2:2", "4:4:4"
    width: int                  # coded (stored) size
    height: int
    display_width: int          # after pixel aspect and rotation
    display_height: int
    rotation: int               # degrees, as the display matrix says (0, 90, -90, 180)
    sample_aspect_ratio: Fraction | None
    average_fps: float | None   # frames / duration
    nominal_fps: float | None   # the stream's declared rate
    frame_count: int
    frame_duration_min: float | None
    frame_duration_max: float | None
    duration: float | None
    start: float | None
    color_range: str
    color_matrix: str
    color_primaries: str
    color_transfer: str
    first_frame_luma: float | None   # mean, 0-255 (BT.709 luma of the decoded RGB)
    first_frame_luma_stddev: float | None

    @property
    def end(self) -> float | None:
        return None if self.duration is None else (self.start or 0.0) + self.duration


@dataclass(frozen=True)
class AudioInfo:
    """The first audio stream: codec, sample rate (Hz), channels, start and
    length (seconds)."""

    codec: str
    profile: str | None
    sample_rate: int
    channels: int
    duration: float | None
    start: float | None

    @property
    def end(self) -> float | None:
        return None if self.duration is None else (self.start or 0.0) + self.duration


@dataclass(frozen=True)
class ProbeReport:
    """What :func:`probe` found: figures and diagnostics.

    ``container`` FFmpeg's format name; ``boxes`` the MP4's top-level box
    types in file order; ``faststart`` True when ``moov`` comes before
    ``mdat`` (None for non-MP4); ``duration`` seconds (the container's);
    ``video``/``audio`` the first stream of each kind or None.
    """

    path: Path
    container: str
    size_bytes: int
    boxes: tuple[str, ...]
    faststart: bool | None
    duration: float | None
    video: VideoInfo | None
    audio: AudioInfo | None
    diagnostics: tuple[Diagnostic, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not self.errors

    @property
    def codes(self) -> set[str]:
        return {d.code for d in self.diagnostics}

    def to_dict(self) -> dict:
        """JSON-ready: figures (fractions as strings) and diagnostics."""
        from dataclasses import asdict

        def clean(v):
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [clean(x) for x in v]
            if isinstance(v, (Fraction, Path)):
                return str(v)
            return v

        out = {"path": str(self.path), "container": self.container,
               "size_bytes": self.size_bytes, "boxes": list(self.boxes),
               "faststart": self.faststart, "duration": self.duration,
               "video": clean(asdict(self.video)) if self.video else None,
               "audio": clean(asdict(self.audio)) if self.audio else None,
               "ok": self.ok,
               "diagnostics": [d.to_dict() for d in self.diagnostics]}
        return out


def mp4_boxes(path: str | Path, limit: int = 64) -> list[tuple[str, int, int]]:
    """The top-level boxes of an MP4/QuickTime file as (type, offset, size),
    in file order, read from the box headers (ISO/IEC 14496-12 4.2: a 32-bit
    size and a 4-character type; size 1 means a 64-bit size follows, 0
    means "to the end of the file").  Stops at ``limit`` boxes, at the end
    of the file, or at a header that does not make sense (returns what was
    read)."""
    out: list[tuple[str, int, int]] = []
    path = Path(path)
    total = path.stat().st_size
    with open(path, "rb") as fh:
        offset = 0
        while offset + 8 <= total and len(out) < limit:
            fh.seek(offset)
            head = fh.read(16)
            size, kind = struct.unpack(">I4s", head[:8])
            header = 8
            if size == 1:
                if len(head) < 16:
                    break
                size = struct.unpack(">Q", head[8:16])[0]
                header = 16
            elif size == 0:
                size = total - offset
            name = kind.decode("latin-1")
            if size < header or not all(32 <= b < 127 for b in kind):
                break
            out.append((name, offset, size))
            offset += size
    return out


def _seconds(value, time_base) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def _chroma(fmt) -> str | None:
    if fmt is None or fmt.is_rgb or len(fmt.components) < 3:
        return None
    luma, chroma = fmt.components[0], fmt.components[1]
    if not luma.width or not chroma.width:
        return None
    sx, sy = luma.width // chroma.width, luma.height // chroma.height
    return {(1, 1): "4:4:4", (2, 1): "4:2:2", (2, 2): "4:2:0", (4, 1): "4:1:1"}.get((sx, sy))


def probe(path: str | Path, rules: PlatformRules | None = None) -> ProbeReport:
    """Read ``path`` and check it against ``rules`` (default
    :class:`PlatformRules`); returns a :class:`ProbeReport`.

    Raises :class:`VideoError` (naming the file) when the file does not
    exist or is not a media file FFmpeg can read.  Problems with the video
    itself are diagnostics in the report, never exceptions.
    """
    import av

    rules = rules or PlatformRules()
    path = Path(path)
    where = Location(file=str(path))
    if not path.is_file():
        raise VideoError(f"no such file: {path}", where, hint="check the path", code="probe")
    boxes = mp4_boxes(path)
    names = [b[0] for b in boxes]
    is_mp4 = bool(names) and names[0] in ("ftyp", "styp")
    faststart = None
    if is_mp4 and "moov" in names and "mdat" in names:
        faststart = names.index("moov") < names.index("mdat")
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise VideoError(f"cannot read {path.name} as a video: {exc}", where,
                         hint="give an MP4 file", code="probe") from None
    with container:
        fmt_name = container.format.name
        duration = container.duration / 1_000_000 if container.duration else None
        video = _video_info(container) if container.streams.video else None
        audio = _audio_info(container) if container.streams.audio else None
    report = ProbeReport(path, fmt_name, path.stat().st_size, tuple(names), faststart,
                         duration, video, audio)
    diags = tuple(_check(report, rules, is_mp4, where))
    return ProbeReport(path, fmt_name, report.size_bytes, tuple(names), faststart, duration,
                       video, audio, diags)


def _video_info(container) -> VideoInfo:
    import av

    stream = container.streams.video[0]
    cc = stream.codec_context
    tb = stream.time_base
    fmt = None
    try:
        # a size is needed for the components' subsampled sizes (chroma)
        fmt = av.VideoFormat(cc.format.name, 16, 16) if cc.format is not None else None
    except (ValueError, av.FFmpegError):
        fmt = None
    pix = fmt.name if fmt else None
    depth = max((c.bits for c in fmt.components), default=None) if fmt else None

    # every packet's pts: frame count and the spread of frame durations
    pts: list[int] = []
    last_dur = 0
    for packet in container.demux(stream):
        if packet.pts is None or packet.size == 0:
            continue
        pts.append(packet.pts)
        last_dur = packet.duration or 0
    pts.sort()
    diffs = [b - a for a, b in zip(pts, pts[1:], strict=False)]
    if last_dur:
        diffs.append(last_dur)
    dmin = _seconds(min(diffs), tb) if diffs else None
    dmax = _seconds(max(diffs), tb) if diffs else None
    start = _seconds(stream.start_time, tb)
    dur = _seconds(stream.duration, tb)
    if dur is None and pts:
        dur = _seconds(pts[-1] + last_dur - pts[0], tb)
    count = len(pts)
    avg = count / dur if dur else None
    nominal = float(stream.base_rate) if stream.base_rate else (
        float(stream.average_rate) if stream.average_rate else None)

    # the first frame: rotation (display matrix) and brightness
    rotation, luma, luma_sd = 0, None, None
    container.seek(0, stream=stream) if pts else None
    try:
        for frame in container.decode(stream):
            rotation = int(round(getattr(frame, "rotation", 0) or 0))
            from PIL import ImageStat

            stat = ImageStat.Stat(frame.to_image().convert("L"))
            luma, luma_sd = float(stat.mean[0]), float(stat.stddev[0])
            break
    except av.FFmpegError:
        pass

    w, h = cc.width, cc.height
    sar = stream.sample_aspect_ratio
    sar = Fraction(sar) if sar else None
    dw, dh = w, h
    if sar and sar != 1:
        dw = round(w * sar)
    if rotation % 180:
        dw, dh = dh, dw
    return VideoInfo(
        codec=cc.name, profile=cc.profile, level=cc.level if cc.level and cc.level > 0 else None,
        pixel_format=pix, bit_depth=depth, chroma=_chroma(fmt), width=w, height=h,
        display_width=dw, display_height=dh, rotation=rotation, sample_aspect_ratio=sar,
        average_fps=avg, nominal_fps=nominal, frame_count=count, frame_duration_min=dmin,
        frame_duration_max=dmax, duration=dur, start=start,
        color_range=RANGES.get(cc.color_range, str(cc.color_range)),
        color_matrix=MATRICES.get(cc.colorspace, str(cc.colorspace)),
        color_primaries=PRIMARIES.get(cc.color_primaries, str(cc.color_primaries)),
        color_transfer=TRANSFERS.get(cc.color_trc, str(cc.color_trc)),
        first_frame_luma=luma, first_frame_luma_stddev=luma_sd)


def _audio_info(container) -> AudioInfo:
    stream = container.streams.audio[0]
    cc = stream.codec_context
    tb = stream.time_base
    return AudioInfo(codec=cc.name, profile=cc.profile, sample_rate=cc.sample_rate,
                     channels=cc.channels, duration=_seconds(stream.duration, tb),
                     start=_seconds(stream.start_time, tb))


def _check(r: ProbeReport, rules: PlatformRules, is_mp4: bool, where: Location):
    def err(code, message, hint):
        return Diagnostic(ERROR, code, message, where, hint)

    def warn(code, message, hint):
        return Diagnostic(WARNING, code, message, where, hint)

    remake = "render it again with libmedia, or re-encode it: "
    if not is_mp4:
        yield err("container", f"the file is {r.container}, not MP4",
                  "platforms take MP4 (H.264 + AAC): " + remake + "ffmpeg -i IN -c:v libx264 "
                  "-pix_fmt yuv420p -c:a aac -movflags +faststart OUT.mp4")
    elif r.faststart is False:
        yield err("faststart", "the index ('moov' box) is after the media data ('mdat'): uploads "
                  "and previews stall until the whole file has arrived",
                  "re-write it with the index first: ffmpeg -i IN -c copy -movflags +faststart "
                  "OUT.mp4")
    v = r.video
    if v is None:
        yield err("no-video", "the file has no video stream", "give a video file")
    else:
        yield from _check_video(v, r, rules, err, warn, remake)
    a = r.audio
    if a is None:
        yield warn("no-audio", "the clip has no audio track; platforms take it, but some players "
                   "and editors misbehave without one",
                   "add a silent stereo AAC track (libmedia always writes one): ffmpeg -i IN "
                   "-f lavfi -i anullsrc=r=48000:cl=stereo -c:v copy -c:a aac -shortest OUT.mp4")
    else:
        if a.codec != "aac":
            yield err("audio-codec", f"the audio is {a.codec}, not AAC: it is silent on iPhones "
                      "and in QuickTime", "re-encode the audio as AAC: ffmpeg -i IN -c:v copy "
                      "-c:a aac -ar 48000 -ac 2 OUT.mp4")
        if a.sample_rate not in (44100, 48000):
            yield warn("audio-rate", f"the audio sample rate is {a.sample_rate} Hz, not 44.1 or "
                       "48 kHz: platforms resample it and quality drops",
                       "re-encode the audio at 48 kHz: -c:a aac -ar 48000")
        if a.channels != 2:
            yield warn("audio-channels", f"the audio has {a.channels} channel"
                       f"{'s' if a.channels != 1 else ''} ({'mono' if a.channels == 1 else ''}"
                       f"{'' if a.channels == 1 else 'not stereo'}); platforms expect stereo",
                       "re-encode the audio as stereo: -c:a aac -ac 2")
    if v is not None and a is not None:
        frame = 1 / (v.nominal_fps or 30)
        for label, info in (("video", v), ("audio", a)):
            if info.start is not None and info.start > frame:
                yield err("late-start", f"the {label} starts at {info.start:.3f} s, not at 0: the "
                          f"clip opens {'black' if label == 'video' else 'silent'} and may play "
                          "out of sync", "both streams must start at 0; render the clip again "
                          "(an edit list or a delayed stream is the cause)")
        if v.end is not None and a.end is not None and abs(v.end - a.end) > frame:
            yield err("stream-length-mismatch", f"the audio ends at {a.end:.3f} s and the video at "
                      f"{v.end:.3f} s: they differ by more than one frame",
                      "cut or loop the music to the video's length (libmedia does), or use "
                      "ffmpeg's -shortest")
    elif v is not None and v.start is not None and v.start > 1 / (v.nominal_fps or 30):
        yield err("late-start", f"the video starts at {v.start:.3f} s, not at 0",
                  "render the clip again so that it starts at 0")


def _check_video(v: VideoInfo, r: ProbeReport, rules: PlatformRules, err, warn, remake):
    enc = "-c:v libx264 -profile:v high -pix_fmt yuv420p"
    if v.codec != "h264":
        yield err("video-codec", f"the video is {v.codec}, not H.264: not every platform and phone "
                  "plays it", remake + f"ffmpeg -i IN {enc} -c:a copy OUT.mp4")
    elif v.profile and v.profile not in ("High", "Main", "Constrained Baseline", "Baseline"):
        yield err("video-profile", f"the H.264 profile is {v.profile}: phones and platforms "
                  "expect High (8-bit 4:2:0)", remake + f"ffmpeg -i IN {enc} OUT.mp4")
    elif v.profile and v.profile != "High":
        yield warn("video-profile", f"the H.264 profile is {v.profile}, not High: it plays, at a "
                   "lower quality for its size", f"re-encode with {enc}")
    if v.bit_depth and v.bit_depth > 8:
        yield err("ten-bit", f"the video has {v.bit_depth}-bit pixels ({v.pixel_format}): most "
                  "phones and the platforms' encoders expect 8-bit",
                  remake + "ffmpeg -i IN -c:v libx264 -pix_fmt yuv420p OUT.mp4")
    if v.chroma and v.chroma != "4:2:0":
        yield err("pixel-format", f"the pixel format is {v.pixel_format} ({v.chroma}): phones and "
                  "platforms need 4:2:0 (yuv420p)", remake + f"ffmpeg -i IN {enc} OUT.mp4")
    elif v.pixel_format and v.chroma is None:
        yield err("pixel-format", f"the pixel format is {v.pixel_format}, not yuv420p",
                  remake + f"ffmpeg -i IN {enc} OUT.mp4")
    if v.width % 2 or v.height % 2:
        yield err("odd-size", f"the video is {v.width}x{v.height}: 4:2:0 video needs an even "
                  "width and height", "scale or crop to an even size, e.g. -vf "
                  "\"scale=trunc(iw/2)*2:trunc(ih/2)*2\"")
    if rules.width and rules.height and (v.display_width, v.display_height) != (
            rules.width, rules.height):
        yield err("video-size", f"the video is {v.display_width}x{v.display_height}, not the "
                  f"format's {rules.width}x{rules.height}", "render it at the format's size")
    if v.sample_aspect_ratio and v.sample_aspect_ratio != 1:
        yield err("non-square-pixels", f"the pixels are not square (aspect "
                  f"{v.sample_aspect_ratio}): platforms ignore that and show the picture squeezed",
                  f"scale to square pixels: -vf \"scale=iw*sar:ih,setsar=1\" (shown size "
                  f"{v.display_width}x{v.display_height})")
    if v.rotation:
        yield warn("rotation", f"the video is stored {v.width}x{v.height} with a {v.rotation}° "
                   "display rotation: some apps ignore it and show it sideways",
                   "re-encode it upright (ffmpeg turns it when re-encoding; libmedia does too)")
    # length
    length = v.duration if v.duration is not None else r.duration
    if length is not None:
        if length < rules.min_seconds - 1e-6:
            yield err("duration-short", f"the clip is {length:.2f} s long; platforms need at "
                      f"least {rules.min_seconds:g} s", "make the clip longer (more scenes, "
                      "or longer ones)")
        if rules.max_seconds and length > rules.max_seconds + 1e-6:
            yield err("duration-long", f"the clip is {length:.2f} s long; this format allows "
                      f"at most {rules.max_seconds:g} s", "make the clip shorter (fewer records "
                      "per clip, or shorter scenes)")
    # frame rate
    fps = v.average_fps or v.nominal_fps
    if fps is not None:
        if fps < rules.min_fps - 0.01:
            yield err("fps", f"the frame rate is {fps:.2f} fps; platforms need at least "
                      f"{rules.min_fps:g}", "render at 30 fps (-r 30 -fps_mode cfr)")
        elif rules.fps and abs(fps - rules.fps) > 0.05 * rules.fps:
            yield warn("fps", f"the frame rate is {fps:.2f} fps, not the format's "
                       f"{rules.fps:g}", f"render at {rules.fps:g} fps")
    if v.frame_duration_min and v.frame_duration_max and (
            v.frame_duration_max - v.frame_duration_min > 0.1 * v.frame_duration_min + 1e-4):
        yield err("variable-frame-rate", f"frame durations vary from "
                  f"{v.frame_duration_min * 1000:.1f} to {v.frame_duration_max * 1000:.1f} ms "
                  f"(nominal {v.nominal_fps or 0:.2f} fps, {v.frame_count} frames): a variable "
                  "frame rate; audio drifts and platforms' re-encoders drop or repeat frames",
                  "re-encode at a constant rate: ffmpeg -i IN -fps_mode cfr -r 30 ... OUT.mp4")
    # colour
    tags = {"range": v.color_range, "matrix": v.color_matrix,
            "primaries": v.color_primaries, "transfer": v.color_transfer}
    hdr = v.color_transfer in HDR_TRANSFERS or v.color_primaries in BT2020
    if hdr:
        yield err("hdr", f"the video is tagged HDR/wide gamut (transfer {v.color_transfer}, "
                  f"primaries {v.color_primaries}): on standard screens and after upload it "
                  "looks grey and washed out", "convert to standard range BT.709 "
                  "(tone-map: zscale and tonemap filters) and tag it bt709")
    missing = [k for k, val in tags.items() if val in ("unknown", "") or val.isdigit()]
    if missing:
        yield err("colour-tags", "the colour " + ", ".join(missing) + " tag"
                  f"{'s are' if len(missing) > 1 else ' is'} not set: players guess (often "
                  "BT.601) and colours shift", "convert and tag as BT.709 limited range: -vf "
                  "\"scale=out_color_matrix=bt709:out_range=tv,setparams=range=tv:"
                  "color_primaries=bt709:color_trc=bt709:colorspace=bt709\"")
    elif not hdr and (v.color_matrix, v.color_primaries, v.color_transfer) != (
            "bt709", "bt709", "bt709"):
        yield warn("colour-tags", f"the colours are tagged matrix {v.color_matrix}, primaries "
                   f"{v.color_primaries}, transfer {v.color_transfer}, not BT.709: some players "
                   "ignore the tags", "convert and tag as BT.709")
    if v.color_range == "pc" or (v.pixel_format or "").startswith("yuvj"):
        yield err("full-range", f"the video is full range ({v.pixel_format}, range "
                  f"{v.color_range}): platforms and players treat it as limited range and the "
                  "picture looks crushed or washed out", "convert to limited range: -vf "
                  "\"scale=out_range=tv,setparams=range=tv\" -pix_fmt yuv420p")
    if v.first_frame_luma is not None and v.first_frame_luma < BLACK_MEAN and (
            v.first_frame_luma_stddev or 0) < BLACK_STDDEV:
        yield warn("black-first-frame", f"the first frame is black (mean brightness "
                   f"{v.first_frame_luma:.0f} of 255): the grid and link previews show it",
                   "start on content (no fade from black at 0 s), and set a cover image")
