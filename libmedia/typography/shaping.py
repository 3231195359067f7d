"""Itemisation and measurement: text -> runs of one font and one direction.

A paragraph is split into *runs*: maximal stretches of text drawn with one
font face, one style and one direction.  The face of each grapheme cluster is
the first of [the style's family, then the fallback chain] that has a glyph
for every character of the cluster (per-character coverage, case C12); emoji
clusters (flags, ZWJ sequences, skin tones, keycaps) go whole to the colour
emoji font (case C13).  Spaces, punctuation and digits stay in the run before
them when its face covers them, so a title is not chopped into needless runs.

Each run is shaped by Raqm (HarfBuzz) from logical-order text; the bidi
direction of the paragraph comes from its first strong character (Unicode
Bidirectional Algorithm rules P2-P3) and runs are put in visual order per
line by rule L2 (case C10).  No reshaping or reordering is ever applied on
top of Raqm: that is what draws Arabic reversed twice.
"""

from __future__ import annotations

import threading
import unicodedata
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import regex

from .fonts import Face, FontLibrary

_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(
    r"\p{RI}|\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\u20E3|\u200D\p{Extended_Pictographic}"
    r"|[\U0001F3FB-\U0001F3FF]"
)


def graphemes(text: str) -> list[str]:
    """Extended grapheme clusters of ``text`` (Unicode UAX #29)."""
    return _GRAPHEME.findall(text)


def is_emoji_cluster(cluster: str) -> bool:
    """Whether a grapheme cluster is drawn as a colour emoji.

    True for characters with default emoji presentation, a pictograph followed
    by VS16 (U+FE0F), regional-indicator flags, keycaps (U+20E3), ZWJ
    sequences and skin-tone modifiers (Unicode TS #51).
    """
    return bool(_EMOJI.search(cluster))


def strong_direction(text: str) -> str | None:
    """``"rtl"`` or ``"ltr"`` from the first strong character, or None
    (UBA rules P2-P3)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi == "L":
            return "ltr"
        if bidi in ("R", "AL"):
            return "rtl"
    return None


def _is_neutral_cluster(cluster: str) -> bool:
    """Spaces, punctuation, symbols and digits: they need no font of their own."""
    for ch in cluster:
        cat = unicodedata.category(ch)
        if cat[0] in "LM":
            return False
    return True


@dataclass(frozen=True)
class Run:
    """A stretch of text of one face, one style index and one direction.

    ``start``/``end`` index the paragraph's text (logical order);
    ``style`` indexes the paragraph's list of styles (inline spans);
    ``direction`` is ``"ltr"`` or ``"rtl"``;
    ``level`` is its bidi embedding level (0 or 1 for the paragraph's own
    direction, one more for the opposite direction inside it).
    """

    start: int
    end: int
    style: int
    face: Face
    direction: str
    level: int


@dataclass(frozen=True)
class Missing:
    """A character no font covers: its index in the text and code point."""

    index: int
    char: str

    def describe(self) -> str:
        name = unicodedata.name(self.char, "unnamed character")
        return f"U+{ord(self.char):04X} {name}"


#: Paragraphs itemised per font library, kept (least recently used dropped).
ITEMIZE_CACHE_SIZE = 2000
_itemized: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_itemized_lock = threading.Lock()


def itemize_cached(
    text: str,
    span_styles: list[int],
    faces: list[Face],
    library: FontLibrary,
    base_direction: str,
) -> tuple[list[Run], list[Missing]]:
    """:func:`itemize`, remembered per font library (an LRU of
    :data:`ITEMIZE_CACHE_SIZE` paragraphs).  Font fallback does not depend
    on the size, and layout measures a text at several widths while fitting
    tries several sizes, so each paragraph is itemised once.  Returns new
    lists the caller may change."""
    key = (text, tuple(span_styles), tuple(faces), base_direction)
    with _itemized_lock:
        cache = _itemized.setdefault(library, OrderedDict())
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return list(hit[0]), list(hit[1])
    runs, missing = itemize(text, span_styles, faces, library, base_direction)
    with _itemized_lock:
        cache[key] = (tuple(runs), tuple(missing))
        if len(cache) > ITEMIZE_CACHE_SIZE:
            cache.popitem(last=False)
    return runs, missing


def itemize(
    text: str,
    span_styles: list[int],
    faces: list[Face],
    library: FontLibrary,
    base_direction: str,
) -> tuple[list[Run], list[Missing]]:
    """Split ``text`` into :class:`Run` objects.

    ``span_styles[i]`` is the style index of character ``i``; ``faces[s]``
    is the primary face of style ``s``.  Returns the runs in logical order
    and the characters no face covers (drawn with the primary face, where
    they show as a box; the caller reports them).
    """
    runs: list[Run] = []
    missing: list[Missing] = []
    fallback = [library.face(name) for name in library.fallback_chain]
    emoji_faces = [f for f in fallback if f.is_color]
    base_level = 1 if base_direction == "rtl" else 0

    cur_face: Face | None = None
    cur_style = -1
    cur_start = 0
    cur_dir: str | None = None
    pos = 0

    def close(end: int) -> None:
        if cur_face is None or end <= cur_start:
            return
        direction = cur_dir or base_direction
        level = base_level if direction == base_direction else base_level + 1
        split = end
        if base_level and cur_dir is None:
            # a run of digits and spaces in a right-to-left paragraph ("1/4 "
            # before an Arabic word): its trailing spaces are a run of their
            # own, so they sit between it and the next run as the bidi
            # algorithm places them (Raqm, shaping "1/4 " alone, dropped them
            # to the far edge and the words touched)
            while split > cur_start + 1 and text[split - 1] == " ":
                split -= 1
        runs.append(Run(cur_start, split, cur_style, cur_face, direction, level))
        if split < end:
            runs.append(Run(split, end, cur_style, cur_face, direction, level))

    for cluster in graphemes(text):
        style = span_styles[pos] if pos < len(span_styles) else 0
        primary = faces[style]
        cdir = strong_direction(cluster)
        if is_emoji_cluster(cluster) and emoji_faces:
            face = emoji_faces[0]
        elif (
            cur_face is not None
            and style == cur_style
            and _is_neutral_cluster(cluster)
            and not cur_face.is_color
            and library.covers(cur_face, cluster)
        ):
            face = cur_face
        else:
            face = None
            for cand in [primary, *fallback]:
                if not cand.is_color and library.covers(cand, cluster):
                    face = cand
                    break
            if face is None:
                face = primary
                for i, ch in enumerate(cluster):
                    if not library.covers(primary, ch) and not ch.isspace():
                        missing.append(Missing(pos + i, ch))
        new_dir = cur_dir
        if cdir is not None:
            new_dir = cdir if cur_dir is None else cur_dir
        same = face == cur_face and style == cur_style and (cdir is None or cur_dir in (None, cdir))
        if not same:
            close(pos)
            cur_face, cur_style, cur_start, cur_dir = face, style, pos, cdir
        else:
            cur_dir = new_dir
        pos += len(cluster)
    close(pos)
    return runs, missing


def visual_order(levels: list[int]) -> list[int]:
    """Indices of runs on one line in visual (left-to-right) order.

    Implements UBA rule L2: from the highest level down to the lowest odd
    level, reverse every maximal sequence of runs at that level or higher.
    """
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order
