"""Subtitle files for the words a clip shows on screen: WebVTT and SubRip.

Takes timed cues (seconds, text) and returns the file's text; nothing here
knows about scenes or animations, so the timeline code hands over the cues
of whatever words it puts on screen and when.

Rules, and where they come from:

* **WebVTT** (W3C, *WebVTT: The Web Video Text Tracks Format*,
  w3.org/TR/webvtt1/): the file starts with ``WEBVTT``; each cue is a
  timing line ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` and its text, cues are
  separated by a blank line; in cue text ``&``, ``<`` and ``>`` are written
  ``&amp;``, ``&lt;`` and ``&gt;`` (so the text can never hold ``-->``,
  which the spec forbids there); a cue's end must be after its start; the
  file is UTF-8.  Cues may overlap (two texts on screen at once).
* **SubRip** (``.srt``; no formal standard: the format of the SubRip
  program as Matroska and most players read it): a 1-based cue number, a
  timing line ``HH:MM:SS,mmm --> HH:MM:SS,mmm`` (comma before the
  milliseconds), the text, a blank line.  Lines end in CR LF: the SubRip
  program wrote CR LF, so strict (older Windows and hardware) players expect
  it, and every player that accepts LF also accepts CR LF.  SubRip has no
  escaping, and players read HTML-like tags in it: FFmpeg's SubRip decoder
  (what VLC and mpv use) drops ``<baru>`` from "Buku <baru>" and reads
  "a < b > c" as bold.  So every ``<`` is followed by U+2060 WORD JOINER, an
  invisible character that stops it opening a tag (checked with that
  decoder, see the tests); ``&`` and ``>`` stay as they are; ``-->``
  becomes ``->``, since lenient parsers take a line holding ``-->`` for a
  timing line.
* Both files are UTF-8 **without** a byte order mark (:func:`subtitle_bytes`):
  WebVTT allows one but does not need it, and a SubRip parser that does not
  strip it reads the first cue number as ``\\ufeff1``, which is not a number.
* Times are rounded to whole milliseconds, half up, from the shortest
  decimal form of the float (so 1.0005 s is 00:00:01.001 on every machine);
  cues are sorted by start (then end, then their order in the input);
  cues whose text is empty, or whose end is not after their start once
  rounded (zero length: never on screen), are left out.
* Text keeps its line breaks (CR LF and CR become LF); blank lines inside a
  cue are removed because a blank line ends a cue in both formats; spaces at
  both ends of a line are trimmed; text is NFC-normalised.  Right-to-left text
  (Arabic) is written in logical order as given: players apply the Unicode
  bidirectional algorithm.
* :func:`wrap_cue_text` wraps at spaces to 42 characters per line, the
  Netflix Timed Text Style Guide's limit (Netflix Partner Help Center,
  *English Template Timed Text Style Guide*: "42 characters per line",
  "2 lines maximum").
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import regex

#: Characters per subtitle line (Netflix Timed Text Style Guide).
MAX_LINE_CHARS = 42
#: Lines per subtitle (Netflix Timed Text Style Guide: "2 lines maximum").
MAX_LINES = 2
#: How SubRip text writes ``<``: followed by U+2060 WORD JOINER, so that
#: players do not take it for the start of a tag.
SRT_LT = "<\u2060"


@dataclass(frozen=True)
class Cue:
    """One subtitle: ``text`` on screen from ``start`` to ``end`` seconds
    (floats, from the start of the clip).  ``text`` may hold line breaks.

    Raises ``ValueError`` when a time is not a finite number of seconds, is
    negative, or ``end`` is before ``start`` (a zero-length cue is allowed
    here and left out of the files).
    """

    start: float
    end: float
    text: str

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"cue {name} must be a finite number of seconds, not {value!r}")
            if value < 0:
                raise ValueError(f"cue {name} must not be negative ({value} s)")
        if self.end < self.start:
            raise ValueError(f"cue ends ({self.end} s) before it starts ({self.start} s): {self.text!r}")
        if not isinstance(self.text, str):
            raise ValueError(f"cue text must be a string, not {type(self.text).__name__}")


def to_milliseconds(seconds: float) -> int:
    """``seconds`` as whole milliseconds, rounded half up from the float's
    shortest decimal form (``repr``), the same on every machine."""
    return int((Decimal(repr(float(seconds))) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _timestamp(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def clean_text(text: str) -> str:
    """Cue text as the files hold it: NFC, LF line breaks, no blank lines,
    no spaces (or other white space) at either end of a line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


@dataclass(frozen=True)
class _Timed:
    start_ms: int
    end_ms: int
    text: str


def _normalise(cues: Iterable[Cue]) -> list[_Timed]:
    timed = []
    for order, cue in enumerate(cues):
        text = clean_text(cue.text)
        start, end = to_milliseconds(cue.start), to_milliseconds(cue.end)
        if text and end > start:
            timed.append((start, end, order, text))
    timed.sort()
    return [_Timed(s, e, t) for s, e, _, t in timed]


def normalize_cues(cues: Iterable[Cue]) -> list[Cue]:
    """The cues as the files will hold them: times rounded to milliseconds,
    text cleaned (:func:`clean_text`), empty and zero-length cues left out,
    sorted by start, then end, then input order."""
    return [Cue(t.start_ms / 1000, t.end_ms / 1000, t.text) for t in _normalise(cues)]


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(cues: Iterable[Cue]) -> str:
    """A WebVTT file (W3C WebVTT) of ``cues``: ``WEBVTT``, a blank line, then
    each cue's timing line and escaped text, cues separated by blank lines;
    LF line ends, ending in one LF.  Overlapping cues are kept."""
    blocks = ["WEBVTT"]
    for t in _normalise(cues):
        blocks.append(f"{_timestamp(t.start_ms, '.')} --> {_timestamp(t.end_ms, '.')}\n"
                      f"{_vtt_escape(t.text)}")
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: Iterable[Cue]) -> str:
    """A SubRip file of ``cues``: numbered from 1, ``HH:MM:SS,mmm`` times,
    text as given but ``<`` followed by :data:`SRT_LT`'s word joiner and
    ``-->`` written ``->``, cues separated by a blank line;
    CR LF line ends, ending in one.  An empty list gives an empty string."""
    out = []
    for n, t in enumerate(_normalise(cues), start=1):
        text = t.text.replace("-->", "->").replace("<", SRT_LT)
        out.append(f"{n}\n{_timestamp(t.start_ms, ',')} --> {_timestamp(t.end_ms, ',')}\n{text}\n")
    return "\n".join(out).replace("\n", "\r\n")


def subtitle_bytes(text: str) -> bytes:
    """The bytes of a subtitle file: UTF-8 without a byte order mark."""
    return text.encode("utf-8")


def write_subtitles(path: str | Path, cues: Iterable[Cue]) -> Path:
    """Write ``cues`` to ``path`` as WebVTT (``.vtt``) or SubRip (``.srt``),
    chosen by the suffix, atomically (temporary file, then rename).

    Raises ``ValueError`` for any other suffix.  Returns the path.
    """
    from .encode.image import atomic_write_bytes

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".vtt":
        text = to_webvtt(cues)
    elif suffix == ".srt":
        text = to_srt(cues)
    else:
        raise ValueError(f"{path.name}: subtitle files are .vtt (WebVTT) or .srt (SubRip)")
    atomic_write_bytes(path, subtitle_bytes(text))
    return path


def merge_cues(cues: Iterable[Cue], max_gap: float = 0.0) -> list[Cue]:
    """Cues with the same text that follow each other joined into one.

    Works on :func:`normalize_cues` of ``cues``; a cue joins the previous
    one with the same text when it starts no later than ``max_gap`` seconds
    (rounded to ms) after that one ends, so a title split over two scenes
    (ending at 2.000 s, starting again at 2.000 s) becomes one cue; the
    joined cue lasts to the later end.  Cues with other text in between are
    not joined.  Raises ``ValueError`` for a negative ``max_gap``.
    """
    if max_gap < 0:
        raise ValueError(f"max_gap must not be negative ({max_gap} s)")
    gap = to_milliseconds(max_gap)
    merged: list[_Timed] = []
    for t in _normalise(cues):
        prev = merged[-1] if merged else None
        if prev is not None and prev.text == t.text and t.start_ms <= prev.end_ms + gap:
            merged[-1] = _Timed(prev.start_ms, max(prev.end_ms, t.end_ms), prev.text)
        else:
            merged.append(t)
    return [Cue(t.start_ms / 1000, t.end_ms / 1000, t.text) for t in merged]


def _width(text: str) -> int:
    """Characters as a reader counts them: extended grapheme clusters
    (an emoji with skin tone, a letter with its combining marks: one)."""
    return len(regex.findall(r"\X", text))


def wrap_cue_text(text: str, max_chars: int = MAX_LINE_CHARS) -> str:
    """``text`` wrapped at spaces so no line is longer than ``max_chars``
    characters (grapheme clusters), the Netflix Timed Text Style Guide's
    42 by default; existing line breaks are kept and each line wrapped on
    its own.  Only spaces and tabs break: a no-break space (U+00A0) keeps
    its words together.  A word longer than ``max_chars`` is never split: it gets a line
    of its own.  The result may have more than :data:`MAX_LINES` lines: the
    caller splits such text over two cues or shortens it.

    Raises ``ValueError`` when ``max_chars`` is below 1.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    out: list[str] = []
    for paragraph in clean_text(text).split("\n"):
        line = ""
        for word in (w for w in regex.split(r"[ \t]+", paragraph) if w):
            candidate = f"{line} {word}" if line else word
            if line and _width(candidate) > max_chars:
                out.append(line)
                line = word
            else:
                line = candidate
        if line:
            out.append(line)
    return "\n".join(out)
