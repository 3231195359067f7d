"""MoviePy interop: a libmedia clip as a MoviePy 2 ``VideoClip``.

For users who compose further in MoviePy (a clip before or after, their own
overlays) and write the result with MoviePy's ``write_videofile``::

    from libmedia.motion.moviepy import to_moviepy

    clip = make_clip(inp, library)              # libmedia.motion.clip
    video = to_moviepy(clip)                    # moviepy.VideoClip, with its audio
    video.write_videofile("reel.mp4", codec="libx264", audio_codec="aac")

MoviePy is optional.  Its latest release (2.2.1) pins ``pillow<12`` and
libmedia requires a Pillow without the decoder advisories of older releases
(12.3 or newer), so MoviePy is installed beside libmedia without its pin;
MoviePy 2.2.1 runs on current Pillow (tested in CI)::

    pip install 'libmedia[moviepy]' && pip install --no-deps moviepy==2.2.1

Importing this module without MoviePy 2 raises ``ImportError`` giving that
command.  libmedia's own renderer (``libmedia render``, ``encode_clip``)
never uses MoviePy; a file MoviePy writes is MoviePy's encoding, not the
platform-safe settings of :mod:`libmedia.encode.video` (check it with
``libmedia probe``).
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

#: The command a MoviePy user runs (README, "MoviePy").
INSTALL = "pip install 'libmedia[moviepy]' && pip install --no-deps moviepy==2.2.1"

try:
    import numpy as np
    from moviepy import AudioFileClip, VideoClip
except ImportError as exc:  # pragma: no cover - exercised without MoviePy
    raise ImportError(f"to_moviepy needs MoviePy 2 and numpy; install them with:  {INSTALL}"
                      f"  ({exc})") from exc

try:
    _major = int(metadata.version("moviepy").split(".")[0])
except (metadata.PackageNotFoundError, ValueError):  # pragma: no cover - odd installs
    _major = 2
if _major < 2:  # pragma: no cover - MoviePy 1 has another API
    raise ImportError(f"to_moviepy needs MoviePy 2 (found {metadata.version('moviepy')}); "
                      f"install it with:  {INSTALL}")

if TYPE_CHECKING:
    from .clip import Clip

__all__ = ["INSTALL", "PLATFORM_SAFE", "to_moviepy"]

#: Audio rate of the MoviePy audio clip (Hz): libmedia's own, so no resampling.
AUDIO_FPS = 48000

#: Keyword arguments for MoviePy's ``write_videofile`` that give a file
#: ``libmedia probe`` passes (the settings of :mod:`libmedia.encode.video`:
#: H.264 High 4.1, yuv420p, BT.709 limited range tagged, AAC 48 kHz,
#: ``moov`` first).  MoviePy's defaults leave the colour untagged and the
#: index at the end, which platforms and players handle badly::
#:
#:     video.write_videofile("reel.mp4", **PLATFORM_SAFE)
PLATFORM_SAFE: dict = {
    "codec": "libx264",
    "audio_codec": "aac",
    "audio_fps": AUDIO_FPS,
    "audio_bitrate": "128k",
    "preset": "veryfast",
    "pixel_format": "yuv420p",
    "ffmpeg_params": [
        "-crf", "20", "-profile:v", "high", "-level:v", "4.1",
        "-vf", "scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,"
               "format=yuv420p,"
               "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709",
        "-movflags", "+faststart",
    ],
}


def to_moviepy(clip: Clip, *, audio: bool = True) -> VideoClip:
    """A MoviePy 2 ``VideoClip`` showing ``clip`` (a
    :class:`~libmedia.motion.clip.Clip`, :func:`~libmedia.motion.clip.make_clip`'s
    result).

    Frames: ``get_frame(t)`` (``t`` in seconds) is ``clip.timeline.frame(t)``
    as a numpy ``uint8`` array of shape ``(height, width, 3)`` (RGB), the
    very frame libmedia encodes at that time; ``t`` is held to the clip's
    last frame (``0 <= t <= duration - 1/fps``).  The last frame asked for
    is kept, so asking twice for the same ``t`` draws once.

    ``duration`` is ``clip.duration`` (seconds, whole frames), ``fps`` the
    clip's (30 for the vertical formats), ``size`` ``clip.size`` (width,
    height px; half size for a draft).

    Audio (unless ``audio=False``): the clip's music (or silence when it
    has none), trimmed or looped, with its volume and fades, exactly
    ``duration`` seconds of 48 kHz stereo, as a MoviePy ``AudioFileClip`` of a
    temporary WAV file (:func:`~libmedia.encode.audio.render_audio`).  The
    file is removed when the audio clip (and every MoviePy copy of it) is
    garbage collected, or at exit.

    Raises :class:`~libmedia.errors.VideoError` when ffmpeg cannot make the
    audio, :class:`~libmedia.errors.OutputError` when the temporary folder
    cannot be written.
    """
    from ..encode.audio import render_audio

    timeline = clip.timeline
    fps = timeline.fps
    duration = clip.duration
    last = max(0.0, (timeline.frame_count - 1) / fps)
    cache: dict[str, object] = {"t": None, "frame": None}

    def frame_function(t: float) -> np.ndarray:
        t = min(max(float(t), 0.0), last)
        if cache["t"] != t:
            cache["frame"] = np.asarray(timeline.frame(t), dtype=np.uint8)
            cache["t"] = t
        return cache["frame"]  # type: ignore[return-value]

    video = VideoClip(frame_function=frame_function, duration=duration).with_fps(fps)
    if audio:
        video = video.with_audio(_audio_clip(clip, duration, render_audio))
    return video


def _audio_clip(clip: Clip, duration: float, render_audio) -> AudioFileClip:
    """The clip's audio as an ``AudioFileClip`` of a WAV in a private
    temporary folder, removed with the clip."""
    folder = Path(tempfile.mkdtemp(prefix="libmedia-moviepy-"))
    try:
        wav = render_audio(clip.audio, duration, folder / "audio.wav")
        sound = AudioFileClip(str(wav), fps=AUDIO_FPS)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # Copies MoviePy makes (with_duration, subclipped, ...) call this clip's
    # reader through its frame function, so this object lives while any does.
    weakref.finalize(sound, shutil.rmtree, str(folder), True)
    return sound.with_duration(duration)
