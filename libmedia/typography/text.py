"""Paragraph layout: styled text -> lines with baselines, and drawing them.

This is libmedia's one text engine, shared by images and (later) video:

* **Line boxes from font metrics.**  A line's box runs from its baseline minus
  the largest ascent to the baseline plus the largest descent of the
  families its styles name (the larger of the fonts' ``hhea`` and ``OS/2``
  win metrics), never from the ink of the glyphs alone (case C01); where a
  fallback font's ink reaches further (Arabic, Devanagari, Thai marks), the
  box reaches that ink plus the room the family keeps beyond its own, and no
  further (not to a fallback's deep descent).
* **Even baselines.**  One step for the whole paragraph (case C14):
  ``line height x size``, widened for a tall script
  (:data:`~.measure.SCRIPT_LEADING`) and never less than the measured ink of
  two neighbouring lines plus a clear gap, so no line touches the next.  The
  first baseline sits one ascent below the block's top, and the block ends
  one descent below the last baseline: the block height includes the last
  line's descent.
* **Wrapping at break opportunities** (spaces, after hyphens and slashes,
  between CJK ideographs), measuring whole candidate lines as shaped; a word
  is broken inside only when it alone is wider than the box (case C02).
* **Fitting.**  ``fit="shrink"`` steps the size down (by 2 %, at least 1 px)
  towards ``min_size`` until the text fits its line count and height; then
  the last line is clamped with an ellipsis.
* **Shaping** with Raqm from logical-order text, a fallback face per cluster,
  colour emoji at the bitmap font's native 109 px scaled to size (C10, C12,
  C13); text normalised to NFC.

Sizes and positions are in pixels; ``tracking`` is in thousandths of an em
(the unit of InDesign and most type specimens).

The engine lives in four modules, one per stage: :mod:`.model` (styles,
spans, lines, blocks, paragraph preparation), :mod:`.linebreak` (UAX #14
break opportunities, greedy breaking), :mod:`.fit` (shrinking, clamping,
ellipsis, balance, alignment) and :mod:`.paint` (drawing).  This module
keeps their public names importable from one place.
"""

from __future__ import annotations

from .fit import layout_text
from .linebreak import break_opportunities
from .model import ELLIPSIS, Color, Line, Segment, Span, TextBlock, TextStyle, smart_quotes
from .paint import draw_text_block

__all__ = [
    "ELLIPSIS", "Color", "Line", "Segment", "Span", "TextBlock", "TextStyle",
    "break_opportunities", "draw_text_block", "layout_text", "smart_quotes",
]
