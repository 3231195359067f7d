"""Encode: the music of a clip, as ffmpeg arguments and as a WAV file.

An :class:`AudioTrack` names a music file and how to use it (volume, fades,
where to start in it).  :func:`audio_input_args` and :func:`audio_filter`
give the ffmpeg input and filter that turn it into exactly ``n`` samples of
48 kHz stereo: the music is looped (``aloop``, sample-exact) when it is shorter
than the clip and cut when it is longer, faded in and out, its volume
applied (case C07: the audio is exactly as long as the video).  Without a
track the same functions give silence (``anullsrc``): every clip carries a
stereo AAC track (case C45: Instagram and TikTok expect one; some players
and editors mishandle clips without).

:func:`render_audio` writes that audio to a WAV file (48 kHz stereo, signed
16 bit), for tools that take audio as a file (the MoviePy interop).

Any format PyAV/ffmpeg decodes works; mp3, wav, m4a/aac, ogg/opus and flac
are the ones users are told about.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location, OutputError, VideoError
from .image import part_file

#: Audio sample rate of every clip libmedia writes (Hz).
SAMPLE_RATE = 48000
#: Music formats users are told about (ffmpeg reads many more).
MUSIC_FORMATS = "mp3, wav, m4a/aac, ogg/opus or flac"


@dataclass(frozen=True)
class AudioTrack:
    """Background music for a clip.

    ``path``      the music file (any of :data:`MUSIC_FORMATS`);
    ``volume``    linear gain, 1.0 keeps the file's level (0.5 is about -6 dB);
    ``fade_in``   seconds of fade from silence at the clip's start (0: none);
    ``fade_out``  seconds of fade to silence at the clip's end (0: none);
    ``start``     seconds into the music where the clip's audio begins.

    The music is looped when it is shorter than the clip (a loop restarts
    at the file's beginning) and cut when it is longer.  Fades longer than
    the clip are shortened in proportion so that they fit.

    Raises :class:`VideoError` (naming the file, with a hint listing the
    formats that work) when the file does not exist, cannot be opened or
    has no audio stream, and ``ValueError`` for a negative volume, fade or
    start.  The file is checked once, when the track is made.
    """

    path: Path
    volume: float = 1.0
    fade_in: float = 0.0
    fade_out: float = 0.0
    start: float = 0.0
    #: channels in the file (read when the track is made)
    channels: int = field(default=0, init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        for name in ("volume", "fade_in", "fade_out", "start"):
            value = float(getattr(self, name))
            if not value >= 0.0 or value == float("inf"):
                raise ValueError(f"AudioTrack.{name} must be a finite number >= 0, not {value!r}")
            object.__setattr__(self, name, value)
        self._check_file()

    def _check_file(self) -> None:
        where = Location(file=str(self.path))
        hint = f"use a music file in one of these formats: {MUSIC_FORMATS}"
        if not self.path.is_file():
            raise VideoError(f"music file not found: {self.path}", where,
                             hint="check the path; " + hint, code="music")
        import av

        try:
            with av.open(str(self.path)) as container:
                has_audio = bool(container.streams.audio)
                if has_audio:
                    object.__setattr__(self, "channels",
                                       container.streams.audio[0].codec_context.channels)
        except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
            raise VideoError(f"cannot read music file {self.path.name}: {exc}", where,
                             hint=hint, code="music") from None
        if not has_audio:
            raise VideoError(f"{self.path.name} has no audio stream", where, hint=hint,
                             code="music")


def _fades(track: AudioTrack, n: int) -> tuple[int, int]:
    """Fade-in and fade-out lengths in samples, shortened to fit ``n``."""
    fi = round(track.fade_in * SAMPLE_RATE)
    fo = round(track.fade_out * SAMPLE_RATE)
    if fi + fo > n and fi + fo > 0:
        scale = n / (fi + fo)
        fi, fo = int(fi * scale), int(fo * scale)
    return fi, fo


def audio_input_args(track: AudioTrack | None) -> list[str]:
    """The ffmpeg input arguments for ``track``: the music file, or
    (``None``) an endless silent 48 kHz stereo source.  The filter of
    :func:`audio_filter` loops and cuts either to length."""
    if track is None:
        return ["-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=stereo"]
    # file: so that a name with a colon is never read as a protocol
    return ["-i", "file:" + str(track.path.absolute())]


def audio_filter(track: AudioTrack | None, n_samples: int) -> str:
    """An ffmpeg filter chain (for ``-filter:a``/``-af``) that makes exactly
    ``n_samples`` samples of 48 kHz stereo float audio from the input of
    :func:`audio_input_args`: resampled, started ``track.start`` seconds in,
    cut (or padded with silence if the input ends early), volume applied,
    faded in and out."""
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, not {n_samples}")
    parts = [f"aresample={SAMPLE_RATE}"]
    if track is not None and track.channels == 1:
        # mono music in both channels at its own level (ffmpeg's default
        # upmix lowers it by 3 dB)
        parts.append("pan=stereo|c0=c0|c1=c0")
    parts.append("aformat=sample_fmts=fltp:channel_layouts=stereo")
    skip = 0
    if track is not None:
        skip = round(track.start * SAMPLE_RATE)
        # Loop in the filter, not with -stream_loop: a demuxer loop decodes
        # the encoder's priming samples again at every restart (448 zero
        # samples and a shifted start for an AAC file here: a click).  aloop
        # keeps the first `size` decoded samples (no more than the clip
        # needs: 4 bytes x 2 channels each) and, when the file ends sooner,
        # loops exactly what the file holds.
        parts.append(f"aloop=loop=-1:size={skip + n_samples}")
    parts.append(f"atrim=start_sample={skip}:end_sample={skip + n_samples}")
    parts.append("asetpts=PTS-STARTPTS")
    parts.append(f"apad=whole_len={n_samples}")
    parts.append(f"atrim=end_sample={n_samples}")
    if track is not None:
        if track.volume != 1.0:
            parts.append(f"volume={track.volume:.6f}:precision=float")
        fi, fo = _fades(track, n_samples)
        if fi:
            parts.append(f"afade=t=in:ss=0:ns={fi}:curve=tri")
        if fo:
            parts.append(f"afade=t=out:ss={n_samples - fo}:ns={fo}:curve=tri")
    return ",".join(parts)


def samples_for(seconds: float) -> int:
    """The number of 48 kHz samples in ``seconds`` (rounded to nearest)."""
    return round(seconds * SAMPLE_RATE)


def render_audio(track: AudioTrack | None, seconds: float, path: str | Path) -> Path:
    """Write the clip audio of ``track`` (silence for ``None``) for a clip of
    ``seconds`` to ``path`` as a WAV file: 48 kHz, stereo, signed 16-bit,
    exactly ``round(seconds * 48000)`` samples, no metadata (the same input
    gives the same bytes).  Written to a temporary file in the same folder
    and renamed when complete.  Returns ``path``.

    Raises :class:`OutputError` when the folder cannot be written,
    :class:`VideoError` (with the tail of ffmpeg's output) when ffmpeg fails.
    """
    import imageio_ffmpeg

    path = Path(path)
    n = samples_for(seconds)
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
           *audio_input_args(track), "-map", "0:a:0", "-af", audio_filter(track, n),
           "-c:a", "pcm_s16le", "-ar", str(SAMPLE_RATE), "-ac", "2",
           "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "wav"]
    try:
        with part_file(path) as tmp:
            proc = subprocess.run([*cmd, "file:" + str(tmp.absolute())], stdin=subprocess.DEVNULL,
                                  capture_output=True)
            if proc.returncode != 0:
                tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-8:]
                raise ffmpeg_error(f"could not make the audio for {path.name}", tail, path)
    except OSError as exc:  # making or renaming the temporary file
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}", Location(file=str(path)),
                          hint="choose a folder you can write to, with free space") from None
    return path


_DISK_WORDS = ("No space left", "Read-only file system", "Permission denied", "Disk quota")


def ffmpeg_error(message: str, tail: list[str], path: Path) -> VideoError | OutputError:
    """The libmedia error for an ffmpeg failure: :class:`OutputError` when
    its output says the disk is full or not writable, else
    :class:`VideoError`; either ends with ``tail`` (ffmpeg's last lines)."""
    text = "\n".join(tail).strip()
    where = Location(file=str(path))
    if any(w in text for w in _DISK_WORDS):
        return OutputError(f"{message}: cannot write {path}" + (f"\nffmpeg: {text}" if text else ""),
                           where, hint="free some disk space or choose a folder you can write to")
    return VideoError(f"{message}: ffmpeg failed" + (f"\nffmpeg: {text}" if text else ""), where,
                      hint="the lines from ffmpeg above say what went wrong")

