"""Encode: frames and music -> an MP4 every platform accepts.

:class:`VideoWriter` pipes raw RGB frames to the ffmpeg binary that
imageio-ffmpeg ships and writes an MP4 that TikTok, Instagram Reels and
YouTube Shorts take as it is (issue 6, cases C04-C09, C41-C45):

* H.264 High profile, level 4.1 (fits 1080x1920 at 30 fps), 8-bit 4:2:0
  (``yuv420p``), even width and height (an odd size is refused: C04);
* BT.709 limited ("tv") range, converted by ffmpeg's ``scale`` filter from
  the RGB frames, with all four colour tags (range, matrix, primaries,
  transfer) written by a ``setparams`` filter: this ffmpeg build ignores
  ``-color_primaries``/``-color_trc`` on the output (case C41);
* constant frame rate (``-fps_mode cfr``), the frame count exactly the one
  announced (C44);
* an AAC-LC 48 kHz stereo track, music or silence, exactly as long as the
  video and starting at 0 (C06, C07, C45);
* ``moov`` before ``mdat`` (``+faststart``: C05);
* no metadata, encoder strings or times: the same frames give the same
  bytes (see :class:`VideoSettings` for the threads caveat).

The file is written to ``.<name>.XXXX.part`` in the destination folder and
renamed when complete; on any failure ffmpeg is killed and waited for, the
partial file removed and nothing is left at the destination.

Frames are handed to a background thread through a small bounded queue, so
the caller computes frame n+1 while ffmpeg takes frame n.
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from ..errors import Location, OutputError, VideoError
from .audio import SAMPLE_RATE, AudioTrack, audio_filter, audio_input_args, ffmpeg_error
from .image import encode_image, file_mode

__all__ = ["VideoSettings", "VideoWriter", "encode_cover_jpeg", "ffmpeg_command"]


@dataclass(frozen=True)
class VideoSettings:
    """Encoder settings for a clip; the defaults are what libmedia ships.

    ``fps``            frames per second, constant (30: the vertical-video formats);
    ``crf``            x264 constant rate factor (lower is better and larger);
    ``preset``         x264 speed preset.  ``superfast`` at CRF 20: measured in
                       ``bench/encode_video_settings.py`` on reel-like
                       1080x1920 frames (flat colours, sliding text, a cover
                       photo zooming), it encodes 1.3x faster than veryfast
                       and 2.6x faster than medium, with a higher SSIM
                       (0.998) and less memory, at about 2 Mbit/s (a 60 s
                       clip is about 16 MB; platforms re-encode uploads, so
                       the source's quality matters more than its size);
    ``profile``/``level``  H.264 profile and level (``high``, ``4.1``: fits
                       1080x1920 at 30 fps);
    ``gop_seconds``    maximum seconds between keyframes (2: platforms
                       recommend 2 s or less for seeking and re-encoding);
    ``rc_lookahead``   x264 frames of rate-control look-ahead; None keeps the
                       preset's own (superfast: 0).  Each frame costs about
                       6 MB of memory at 1080x1920 (x264's default 40 took
                       ffmpeg to 586 MB);
    ``threads``        x264 threads.  Fixed, not "auto": x264's output
                       depends on its thread count (measured: 1, 2, 3 and 4
                       threads give four different files, each the same
                       bytes run after run), so a fixed count gives the same
                       bytes on every machine with this ffmpeg build;
    ``audio_rate``     Hz (48000); ``audio_channels`` (2); ``audio_bitrate``
                       AAC bits per second (128 kbit/s);
    ``queue_frames``   raw frames waiting for ffmpeg at most (each is
                       width x height x 3 bytes: 6.2 MB at 1080x1920).
    """

    fps: int = 30
    crf: int = 20
    preset: str = "superfast"
    profile: str = "high"
    level: str = "4.1"
    gop_seconds: float = 2.0
    rc_lookahead: int | None = None
    threads: int = 2
    audio_rate: int = SAMPLE_RATE
    audio_channels: int = 2
    audio_bitrate: int = 128_000
    queue_frames: int = 3

    def __post_init__(self) -> None:
        if self.fps < 1:
            raise ValueError(f"fps must be >= 1, not {self.fps}")
        if not 0 <= self.crf <= 51:
            raise ValueError(f"crf must be 0..51, not {self.crf}")
        if self.threads < 1 or self.queue_frames < 1:
            raise ValueError("threads and queue_frames must be >= 1")
        if self.audio_rate != SAMPLE_RATE or self.audio_channels != 2:
            raise ValueError("libmedia writes 48 kHz stereo audio only")

    def draft(self) -> VideoSettings:
        """Settings for a quick check: a higher CRF (26) and no look-ahead;
        the caller halves the size, which makes it about 4x faster.  Not
        ``ultrafast``: it drops CABAC and 8x8 transforms, so x264 marks the
        file Constrained Baseline and it is no longer the High-profile file
        the final render will be."""
        return replace(self, preset="superfast", crf=26, rc_lookahead=None)

    @property
    def gop(self) -> int:
        """Maximum frames between keyframes."""
        return max(1, round(self.gop_seconds * self.fps))


def encode_cover_jpeg(image: Image.Image) -> bytes:
    """The clip's cover (the frame the platforms show in the grid) as JPEG
    bytes: :func:`libmedia.encode.image.encode_image` at its quality,
    deterministic (no metadata)."""
    return encode_image(image, "jpeg")


def ffmpeg_command(output: str | Path, size: tuple[int, int], frames: int,
                   settings: VideoSettings, audio: AudioTrack | None) -> list[str]:
    """The ffmpeg command line :class:`VideoWriter` runs: raw ``rgb24``
    frames of ``size`` (width, height) on stdin, ``frames`` of them, the
    audio of ``audio`` (or silence) cut to the same length, MP4 to
    ``output``.  Public so a benchmark can run the same encoder."""
    import imageio_ffmpeg

    w, h = size
    s = settings
    n_samples = round(frames * SAMPLE_RATE / s.fps)
    vf = ("scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,"
          "format=yuv420p,"
          "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709")
    x264 = f"keyint={s.gop}:min-keyint={min(s.gop, s.fps)}"
    if s.rc_lookahead is not None:
        x264 += f":rc-lookahead={s.rc_lookahead}"
    return [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats",
        "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-framerate", str(s.fps),
        "-i", "pipe:0",
        *audio_input_args(audio),
        "-map", "0:v:0", "-map", "1:a:0",
        "-filter:v", vf, "-filter_threads", "1",
        "-filter:a", audio_filter(audio, n_samples),
        "-frames:v", str(frames),
        "-c:v", "libx264", "-preset", s.preset, "-crf", str(s.crf),
        "-profile:v", s.profile, "-level:v", s.level, "-pix_fmt", "yuv420p",
        "-threads:v", str(s.threads), "-x264-params", x264,
        "-fps_mode", "cfr", "-r", str(s.fps),
        "-c:a", "aac", "-b:a", str(s.audio_bitrate), "-ar", str(s.audio_rate),
        "-ac", str(s.audio_channels),
        "-map_metadata", "-1", "-map_chapters", "-1",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        "-movflags", "+faststart", "-f", "mp4", _file_url(output),
    ]


def _file_url(path: str | Path) -> str:
    """``path`` for ffmpeg's command line: ``file:`` + absolute path, so a
    name with a colon is never read as a protocol (``a:b.mp4``)."""
    return "file:" + str(Path(path).absolute())


_DONE = object()


class VideoWriter:
    """Write an MP4 frame by frame; a context manager.

    ``path``      the destination ``.mp4``; its folder is created;
    ``size``      (width, height) in pixels, both even (an odd size raises
                  :class:`VideoError`: players and platforms refuse 4:2:0
                  video of odd size, case C04);
    ``settings``  :class:`VideoSettings` (``VideoSettings()`` for the shipped
                  ones, ``VideoSettings().draft()`` for drafts);
    ``frames``    how many frames will be written; or ``duration`` in
                  seconds (``round(duration * fps)`` frames).  Exactly one;
    ``audio``     an :class:`AudioTrack`, or None for a silent AAC track;
    ``progress``  called as ``progress(frames_done)`` in the caller's thread
                  after each :meth:`write` and once at the end.

    ::

        with VideoWriter("out/clip.mp4", (1080, 1920), frames=450, audio=track) as out:
            for t in range(450):
                out.write(frame_at(t))      # a PIL RGB image of exactly `size`

    :meth:`write` takes a ``PIL.Image`` of mode ``RGB`` and exactly ``size``,
    or ``width * height * 3`` bytes of rgb24.  On leaving the block without
    an exception, the file is finished and renamed into place; if the block
    raises (including ``KeyboardInterrupt``), ffmpeg is killed and the
    partial file removed, and the caller's exception propagates unchanged.

    Raises :class:`VideoError` when ffmpeg fails (its message ends with
    ffmpeg's last lines) or when a different number of frames than
    announced was written; :class:`OutputError` when the destination folder
    cannot be written or the disk is full; ``ValueError`` for a frame of
    the wrong size or mode.  After an error nothing is left at ``path`` and
    no ffmpeg process remains.
    """

    def __init__(self, path: str | Path, size: tuple[int, int],
                 settings: VideoSettings | None = None, *, frames: int | None = None,
                 duration: float | None = None, audio: AudioTrack | None = None,
                 progress: Callable[[int], None] | None = None):
        self.path = Path(path)
        self.settings = settings or VideoSettings()
        w, h = (int(size[0]), int(size[1]))
        if w < 2 or h < 2 or w % 2 or h % 2:
            raise VideoError(f"video size {w}x{h} is not even: H.264 4:2:0 needs an even width "
                             "and height", Location(file=str(self.path)),
                             hint="use an even size such as 1080x1920 (or 540x960 for drafts)",
                             code="odd-size")
        self.size = (w, h)
        if (frames is None) == (duration is None):
            raise ValueError("give exactly one of frames= or duration=")
        if frames is None:
            frames = round(float(duration) * self.settings.fps)
        if frames < 1:
            raise ValueError(f"a clip needs at least one frame, not {frames}")
        self.frames = int(frames)
        self.audio = audio
        self.progress = progress
        self.frame_bytes = w * h * 3
        self.written = 0          # frames accepted by write()
        self._sent = 0            # frames handed to ffmpeg by the feeder thread
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=self.settings.queue_frames)
        self._feed_error: BaseException | None = None
        self._part: str | None = None
        self._stderr = None
        self._closed = False

    # -- life cycle ---------------------------------------------------------

    def __enter__(self) -> VideoWriter:
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False

    def open(self) -> None:
        """Start ffmpeg (done by ``with``)."""
        where = Location(file=str(self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._part = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".part",
                                              dir=self.path.parent)
            os.close(fd)
        except OSError as exc:
            self._part = None
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}", where,
                              hint="choose a folder you can write to, with free space") from None
        self._stderr = tempfile.TemporaryFile()
        cmd = ffmpeg_command(self._part, self.size, self.frames, self.settings, self.audio)
        try:
            # its own session: Ctrl-C reaches Python only, which then stops
            # ffmpeg and removes the partial file (ffmpeg would otherwise
            # stop by itself first and the interrupt look like an ffmpeg error)
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=self._stderr, start_new_session=True)
        except OSError as exc:
            self._cleanup_files()
            raise VideoError(f"cannot start ffmpeg: {exc}", where,
                             hint="reinstall imageio-ffmpeg (pip install -U imageio-ffmpeg)") from None
        self._thread = threading.Thread(target=self._feed, name="libmedia-video-feed", daemon=True)
        self._thread.start()

    def _feed(self) -> None:
        """Background thread: frames from the queue to ffmpeg's stdin."""
        stdin = self._proc.stdin
        try:
            while True:
                data = self._queue.get()
                if data is _DONE:
                    break
                stdin.write(data)
                self._sent += 1
        except BaseException as exc:  # BrokenPipe when ffmpeg died; the main thread reports it
            self._feed_error = exc
            # keep draining so the producer never blocks on a full queue
            while self._queue.get() is not _DONE:
                pass
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def write(self, frame: Image.Image | bytes | bytearray | memoryview) -> None:
        """Queue one frame (an RGB ``PIL.Image`` of exactly :attr:`size`, or
        ``width * height * 3`` rgb24 bytes).  Blocks while the queue is full.
        Raises ``ValueError`` for a wrong frame, :class:`VideoError` if
        ffmpeg has failed or more frames than announced are written."""
        if self._proc is None or self._closed:
            raise ValueError("VideoWriter is not open (use it in a with block)")
        if isinstance(frame, Image.Image):
            if frame.mode != "RGB" or frame.size != self.size:
                raise ValueError(f"frame {self.written + 1} is a {frame.mode} image of "
                                 f"{frame.size[0]}x{frame.size[1]}; expected RGB "
                                 f"{self.size[0]}x{self.size[1]}")
            data = frame.tobytes()
        else:
            data = bytes(frame) if not isinstance(frame, bytes) else frame
            if len(data) != self.frame_bytes:
                raise ValueError(f"frame {self.written + 1} has {len(data)} bytes; expected "
                                 f"{self.frame_bytes} (rgb24 {self.size[0]}x{self.size[1]})")
        if self.written >= self.frames:
            raise VideoError(f"more frames written than the {self.frames} announced",
                             Location(file=str(self.path)), code="frame-count",
                             hint="announce the frame count the timeline produces")
        while True:
            if self._feed_error is not None or self._proc.poll() is not None:
                self._fail("ffmpeg stopped while frames were written")
            try:
                self._queue.put(data, timeout=0.5)
                break
            except queue.Full:
                continue
        self.written += 1
        if self.progress is not None:
            self.progress(self._sent)

    def close(self) -> Path:
        """Finish the file: wait for ffmpeg, check it, rename the partial
        file into place.  Returns the path.  Raises as :meth:`write`."""
        if self._closed:
            return self.path
        if self._proc is None:
            raise ValueError("VideoWriter was never opened")
        if self.written != self.frames:
            self.abort()
            raise VideoError(f"{self.written} frames were written but {self.frames} were "
                             "announced", Location(file=str(self.path)), code="frame-count",
                             hint="announce the frame count the timeline produces")
        try:
            self._queue.put(_DONE)
            self._thread.join()
            rc = self._proc.wait()
        except BaseException:  # Ctrl-C while ffmpeg finishes
            self.abort()
            raise
        if rc != 0 or self._feed_error is not None:
            self._fail(f"ffmpeg exited with status {rc}")
        try:
            os.chmod(self._part, file_mode())
            os.replace(self._part, self.path)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}",
                              Location(file=str(self.path)),
                              hint="choose a folder you can write to") from None
        self._part = None
        self._closed = True
        self._close_stderr()
        if self.progress is not None:
            self.progress(self._sent)
        return self.path

    def abort(self) -> None:
        """Stop: kill ffmpeg, wait for it, remove the partial file.  Safe to
        call more than once."""
        if self._closed:
            return
        self._closed = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        if self._thread is not None and self._thread.is_alive():
            self._queue_put_nowait_done()
            self._thread.join(timeout=10)
        if proc is not None:
            proc.wait()
        self._cleanup_files()

    # -- helpers ------------------------------------------------------------

    def _queue_put_nowait_done(self) -> None:
        # The feeder is killed by a broken pipe; then it drains until _DONE.
        while True:
            try:
                self._queue.put(_DONE, timeout=0.2)
                return
            except queue.Full:
                if not self._thread.is_alive():
                    return

    def _fail(self, message: str):
        tail = self._stderr_tail()
        self.abort()
        raise ffmpeg_error(f"could not encode {self.path.name} ({message})", tail, self.path)

    def _stderr_tail(self, lines: int = 12) -> list[str]:
        if self._stderr is None:
            return []
        try:
            self._stderr.seek(0)
            text = self._stderr.read()[-8000:].decode("utf-8", "replace")
        except (OSError, ValueError):
            return []
        return text.strip().splitlines()[-lines:]

    def _close_stderr(self) -> None:
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _cleanup_files(self) -> None:
        if self._part is not None:
            try:
                os.unlink(self._part)
            except FileNotFoundError:
                pass
            self._part = None
        self._close_stderr()

