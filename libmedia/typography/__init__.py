"""libmedia's typography: fonts and fallback, shaping, line breaking, fitting.

One module shared by every output (images now, video frames later), so text
measures and looks the same everywhere.
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
