"""Video templates in ``libmedia preview``: a draft to play, a frame at a
time for the scrubber, the scene marks, and a full-size render on demand.

:func:`make_draft` runs the video pipeline (:func:`libmedia.motion.clip.make_clip`)
at :data:`PREVIEW_SCALE` of the format's size and encodes it as the page's
draft: an MP4 (H.264 High, yuv420p, faststart, AAC) any browser plays.  The
:class:`Draft` keeps the clip's timeline, so :meth:`Draft.frame_png` draws
the frame at any time without decoding the video, and lists the scenes
(:meth:`Draft.scene_marks`) for the scrubber.

Why a third of the size and not ``render --draft``'s half: on a 2-core
machine the 13 s sample of ``new-books-reel`` takes 3.5 s as a half-size
draft (540x960) and 2.0 s at a third (360x640), event-reel's 14.2 s
sample 3.7 s and 2.2 s, an 8-book reel of 23.8 s 6.5 s and 4.0 s (about
0.5 s of each is laying out and drawing the scenes at full size, the rest
encoding).  A third is what the page shows a reel at beside the other
formats; the scrubber's frames are drawn from the same timeline.  The
frame rate stays the format's (30): at 15 fps a draft is only 0.4 to 1 s
quicker and every slide and pop judders, which is what an author watches
a draft for.  ``render --draft`` is unchanged (:data:`~libmedia.motion.clip.DRAFT_SCALE`).

:class:`FullRender` renders the clip at full size in a background thread,
with progress, cancellation and an atomically written MP4.
"""

from __future__ import annotations

import math
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from ..diagnostics import Diagnostic
from ..errors import LibmediaError
from ..motion.clip import Clip, ClipOptions, encode_clip, make_clip
from ..motion.timeline import Timeline
from ..render import RenderInput
from ..textfilters import title_parts
from ..typography import FontLibrary

__all__ = ["PREVIEW_SCALE", "Draft", "FullRender", "make_draft", "scene_marks"]

#: The preview's draft is drawn at this fraction of the format's size
#: (360x640 for a 1080x1920 reel); see the module's note for the figures.
PREVIEW_SCALE = 1 / 3
#: PNGs of scrubbed frames a draft keeps (each about 100-300 kB).
FRAME_CACHE = 24
#: Seconds between two progress reports of a full render (at most 5 a second).
PROGRESS_INTERVAL = 0.2


# ---------------------------------------------------------------------------
# the draft


@dataclass(eq=False)
class Draft:
    """One clip's draft for the page.

    ``duration`` seconds (whole frames at ``fps``), ``fps`` frames per
    second, ``size`` (width, height) px of the draft (a third of the
    format's), ``scenes`` the scene marks (:func:`scene_marks`), ``caption``
    and ``alt`` the clip's texts (end with a newline), ``warnings`` every
    diagnostic of the clip (contrast, safe zones, shortened text... as for an
    image; their boxes are in the format's full-size pixels), ``cover_time``
    seconds (the frame the platforms show in the grid), ``format_size``
    (width, height) px of the format.

    :attr:`mp4` is the encoded draft; :meth:`frame_png` the frame at a time.
    Both are safe to call from several threads.
    """

    duration: float
    fps: int
    size: tuple[int, int]
    scenes: list[dict[str, Any]]
    caption: str
    alt: str
    warnings: list[Diagnostic]
    cover_time: float
    format_size: tuple[int, int]
    clip: Clip = field(repr=False)
    _mp4: bytes | None = field(default=None, repr=False)
    _mp4_error: LibmediaError | None = field(default=None, repr=False)
    _encode_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _frame_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pngs: OrderedDict = field(default_factory=OrderedDict, repr=False)

    @property
    def timeline(self) -> Timeline:
        """The clip's timeline at draft size (frames as a function of time)."""
        return self.clip.timeline

    @property
    def mp4(self) -> bytes:
        """The draft as MP4 bytes (H.264 High, yuv420p, BT.709, ``fps``
        constant, AAC 48 kHz with the template's music, ``moov`` first).
        Encoded once, on first use when :func:`make_draft` was told not to
        encode; the same frames always give the same bytes.  Raises
        :class:`~libmedia.errors.VideoError` when ffmpeg fails (and again
        on every later use)."""
        with self._encode_lock:
            if self._mp4 is None and self._mp4_error is None:
                try:
                    self._mp4 = _encode_bytes(self.clip)
                except LibmediaError as exc:
                    self._mp4_error = exc
            if self._mp4_error is not None:
                raise self._mp4_error
            assert self._mp4 is not None
            return self._mp4

    @property
    def encoded(self) -> bool:
        """Whether :attr:`mp4` is ready (it will not block)."""
        return self._mp4 is not None

    def frame_time(self, t: float) -> float:
        """The time in seconds of the frame shown at ``t`` seconds: the start
        of the frame that holds ``t``, clamped into the clip (0 to the last
        frame's time), so the scrubber shows what the video shows there.
        Raises ``ValueError`` for a time that is not a finite number."""
        return self._index(t) / self.fps

    def _index(self, t: float) -> int:
        t = float(t)
        if not math.isfinite(t):
            raise ValueError(f"a time in seconds, not {t!r}")
        return self.timeline.frame_index(t)

    def frame(self, t: float) -> Image.Image:
        """The frame at ``t`` seconds (clamped into the clip, see
        :meth:`frame_time`): a new RGB image of :attr:`size`."""
        at = self.frame_time(t)
        with self._frame_lock:
            return self.timeline.frame(at)

    def frame_png(self, t: float) -> bytes:
        """The frame at ``t`` seconds as PNG bytes (RGB, :attr:`size`; the
        same ``t`` gives the same bytes).  Raises ``ValueError`` for a time
        that is not a finite number."""
        from ..encode import encode_image

        n = self._index(t)
        with self._frame_lock:
            data = self._pngs.get(n)
            if data is not None:
                self._pngs.move_to_end(n)
                return data
        data = encode_image(self.frame(n / self.fps), "png")
        with self._frame_lock:
            self._pngs[n] = data
            while len(self._pngs) > FRAME_CACHE:
                self._pngs.popitem(last=False)
        return data


def make_draft(inp: RenderInput, library: FontLibrary, options: ClipOptions | None = None, *,
               scale: float = PREVIEW_SCALE, fps: int | None = None,
               encode: bool = True) -> Draft:
    """The page's draft of the clip for ``inp`` (a video template, a video
    format and the post's records) with the fonts of ``library``.

    ``options`` as for ``libmedia render`` (music, silence, burnt-in
    subtitles; always a draft: the draft encoder settings); ``scale`` the
    fraction of the format's size (:data:`PREVIEW_SCALE`); ``fps`` frames
    per second (None: the format's).  With ``encode`` False the MP4 is
    encoded on the first use of :attr:`Draft.mp4`, so the scene marks and
    frames are ready as soon as the scenes are drawn (about half a second
    for a reel).

    Raises :class:`~libmedia.errors.LibmediaError` as
    :func:`~libmedia.motion.clip.make_clip` does: a
    :class:`~libmedia.errors.TemplateError` with the template file and line,
    a :class:`~libmedia.errors.DataError` with the row, a clip too short or
    too long for the format; :class:`~libmedia.errors.VideoError` when
    ffmpeg fails (with ``encode``)."""
    options = replace(options or ClipOptions(), draft=True)
    clip = make_clip(inp, library, options, scale=scale, fps=fps)
    draft = Draft(duration=clip.duration, fps=clip.timeline.fps, size=clip.size,
                  scenes=scene_marks(clip), caption=clip.caption, alt=clip.alt,
                  warnings=list(clip.warnings), cover_time=clip.cover_time,
                  format_size=inp.format.size, clip=clip)
    if encode:
        draft.mp4  # noqa: B018 - encodes now, raising here
    return draft


def _encode_bytes(clip: Clip, progress: Callable[[int, int], None] | None = None) -> bytes:
    """Encode ``clip`` in a private temporary folder and return the MP4's bytes.
    The timeline is copied with empty caches, so frames may be drawn from
    the original meanwhile."""
    private = replace(clip, timeline=_private_timeline(clip.timeline))
    with tempfile.TemporaryDirectory(prefix="libmedia-preview-") as tmp:
        return encode_clip(private, Path(tmp) / "draft.mp4", progress).read_bytes()


def _private_timeline(timeline: Timeline) -> Timeline:
    """``timeline`` sharing its drawn scenes and layers but not the
    composites each scene keeps while frames are drawn (those are not safe to
    share between threads)."""
    scenes = [replace(s, _still={}, _work=None) for s in timeline.scenes]
    return Timeline(timeline.size, timeline.fps, scenes, list(timeline.overlays))


def scene_marks(clip: Clip) -> list[dict[str, Any]]:
    """The clip's scenes for the scrubber, in order: ``start`` (seconds, when
    the scene starts coming in), ``duration`` (seconds until the next scene
    starts coming in, or the clip ends: the marks add up to the clip's
    duration), ``transition`` (how it comes in: ``cut``, ``crossfade``,
    ``slide-left``...), ``transition_duration`` (seconds, 0 for a cut),
    ``label``, ``line`` (the ``<scene>``'s line in the template) and ``row``
    (the data row of the record the scene shows; None for the template's
    sample or a scene of no record).

    The label is the scene's ``id`` when the template gives one, else the
    main part of the title of the record it shows (``Filosofi Kopi`` for
    ``Filosofi Kopi: Kumpulan Cerita``), else ``intro`` (the first scene),
    ``outro`` (the last) or ``scene N``."""
    timeline, video = clip.timeline, clip.video
    starts = timeline.starts
    end = clip.duration
    marks = []
    count = len(video.scenes)
    for i, scene in enumerate(video.scenes):
        start = min(starts[i], end)
        stop = min(starts[i + 1], end) if i + 1 < count else end
        label = str(scene.element.get("id", "") or "").strip()
        if not label and scene.record is not None:
            title = " ".join(str(scene.record.fields.get("title", "") or "").split())
            label = title_parts(title)["main"] or title
        if not label:
            label = "intro" if i == 0 else "outro" if i == count - 1 else f"scene {i + 1}"
        cut = i == 0 or scene.transition == "cut"
        marks.append({"start": round(start, 3), "duration": round(stop - start, 3),
                      "transition": "cut" if cut else scene.transition,
                      "transition_duration": 0.0 if cut else round(scene.transition_duration, 3),
                      "label": label, "line": scene.element.line,
                      "row": scene.record.row or None if scene.record is not None else None})
    return marks


# ---------------------------------------------------------------------------
# the full render


class Cancelled(Exception):
    """Raised inside a :class:`FullRender`'s thread to stop it (never escapes)."""


RUNNING, DONE, ERROR, CANCELLED = "running", "done", "error", "cancelled"


class FullRender:
    """A full-size render of one clip in a background thread.

    ``inp``/``library``/``options`` as for :func:`make_draft` (never a
    draft: ``options.draft`` is ignored); ``folder`` where the finished MP4
    goes (created when missing), as ``JOB.mp4`` (:attr:`path`), written
    atomically: a partial file is a hidden ``.part`` in the same folder and
    is removed on failure or cancellation.  ``job`` a short id (random by
    default); ``on_progress(status)`` is called from the render's thread
    with :meth:`status` when it starts, at most every
    :data:`PROGRESS_INTERVAL` seconds while frames are encoded, and once at
    the end (state ``done``, ``error`` or ``cancelled``); it must not raise.

    :attr:`file_name` is the name to download the clip as,
    ``STEM.FORMAT.mp4`` as ``libmedia render`` names it
    (:func:`libmedia.run.names.clip_names`).

    Call :meth:`start`; read :meth:`status` from any thread; :meth:`cancel`
    stops at the next frame; :meth:`wait` joins.  A failure is kept in
    :attr:`error` (a :class:`~libmedia.errors.LibmediaError`: the template's
    line, the data's row, ffmpeg's message; an unexpected exception becomes
    an ``internal`` error) and never raised from the thread.
    """

    def __init__(self, inp: RenderInput, library: FontLibrary, folder: str | Path,
                 options: ClipOptions | None = None,
                 on_progress: Callable[[dict[str, Any]], None] | None = None,
                 job: str | None = None):
        from ..run.names import clip_names, output_stem

        self.inp = inp
        self.library = library
        self.options = replace(options or ClipOptions(), draft=False)
        self.on_progress = on_progress
        self.job = job or secrets.token_hex(4)
        self.folder = Path(folder)
        self.path = self.folder / f"{self.job}.mp4"
        first = inp.records[0] if inp.records else None
        title = inp.template.file_name_text(first.fields) if first is not None else ""
        stem = output_stem(first.row if first is not None else None, title)
        self.file_name = clip_names(stem, inp.format.name)["video"]
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._state = RUNNING
        self._done = 0
        self._total = 0
        self._error: LibmediaError | None = None
        self._last_report = -math.inf
        self._thread = threading.Thread(target=self._run, name=f"libmedia-full-{self.job}",
                                        daemon=True)

    # -- control --------------------------------------------------------------

    def start(self) -> FullRender:
        """Start the render's thread; returns self."""
        self._thread.start()
        return self

    def cancel(self) -> bool:
        """Ask the render to stop at its next frame (the partial file is
        removed).  Returns False when it has already finished."""
        with self._lock:
            if self._state != RUNNING:
                return False
            self._cancel.set()
            return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end (at most ``timeout`` seconds); returns
        whether it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- status ---------------------------------------------------------------

    @property
    def state(self) -> str:
        """``running``, ``done``, ``error`` or ``cancelled``."""
        with self._lock:
            return self._state

    @property
    def error(self) -> LibmediaError | None:
        with self._lock:
            return self._error

    def status(self) -> dict[str, Any]:
        """A consistent snapshot: ``job``, ``state``, ``done`` and ``total``
        (frames; ``total`` is 0 until the scenes are drawn), ``error`` (the
        :class:`~libmedia.errors.LibmediaError` or None), ``path`` (the
        finished file, None until ``done``) and ``file_name``."""
        with self._lock:
            return {"job": self.job, "state": self._state, "done": self._done,
                    "total": self._total, "error": self._error,
                    "path": self.path if self._state == DONE else None,
                    "file_name": self.file_name}

    # -- the thread -----------------------------------------------------------

    def _report(self, force: bool = False) -> None:
        if self.on_progress is None:
            return
        now = time.monotonic()
        if not force and now - self._last_report < PROGRESS_INTERVAL:
            return
        self._last_report = now
        self.on_progress(self.status())

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        with self._lock:
            self._done, self._total = max(self._done, done), total
        self._report()

    def _run(self) -> None:
        from ..jobs import internal_error

        self._report(force=True)
        try:
            clip = make_clip(self.inp, self.library, self.options)
            with self._lock:
                self._total = clip.timeline.frame_count
            if self._cancel.is_set():
                raise Cancelled()
            encode_clip(clip, self.path, self._progress)
            state, error = DONE, None
        except Cancelled:
            state, error = CANCELLED, None
        except LibmediaError as exc:
            state, error = ERROR, exc
        except Exception as exc:  # a bug: reported as one, the server carries on
            row = self.inp.records[0].row if self.inp.records else None
            state, error = ERROR, internal_error(exc, self.inp.source, row)
        if state != DONE:
            self.path.unlink(missing_ok=True)
        with self._lock:
            self._state, self._error = state, error
            if state == DONE:
                self._done = self._total
        self._report(force=True)
