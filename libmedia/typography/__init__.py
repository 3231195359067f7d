"""libmedia's typography: fonts and fallback, shaping, line breaking, fitting.

One module shared by every output (images now, video frames later), so text
measures and looks the same everywhere:

* :mod:`.fonts`     families -> faces (brand kit / template ``fonts/``, bundled,
                    installed), nearest weight, coverage, loading;
* :mod:`.shaping`   grapheme clusters, bidi levels, runs with a fallback face;
* :mod:`.model`     styles, spans, lines, blocks; paragraph preparation;
* :mod:`.measure`   shaped advance widths (cached) and vertical metrics;
* :mod:`.hyphenate` dictionary hyphenation points (pyphen) by language;
* :mod:`.linebreak` UAX #14 break opportunities (ICU), greedy breaking,
                    last-resort breaks (names, hyphenation, graphemes);
* :mod:`.fit`       shrink, clamp, ellipsis, balance, alignment: ``layout_text``;
* :mod:`.paint`     drawing a laid-out block: ``draw_text_block``;
* :mod:`.text`      the public names of the four above, in one place.
"""

from .fonts import (
    Face,
    FontFile,
    FontLibrary,
    default_library,
    forget_folder,
    library_for,
    raqm_available,
)
from .text import Line, Span, TextBlock, TextStyle, draw_text_block, layout_text

__all__ = [
    "Face", "FontFile", "FontLibrary", "default_library", "forget_folder", "library_for",
    "raqm_available",
    "Line", "Span", "TextBlock", "TextStyle", "draw_text_block", "layout_text",
]
