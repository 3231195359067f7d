"""The text model: styles, spans, laid-out lines and blocks, and the
paragraph a list of spans becomes before it is broken into lines.

Sizes and positions are in pixels; ``tracking`` is in thousandths of an em.
:func:`prepare` turns spans into one :class:`Paragraph`: text transformed
(``uppercase``...), typographic quotes, NFC, then itemised into runs of one
style, one face and one direction (:func:`libmedia.typography.shaping.itemize`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .fonts import Face, FontLibrary
from .hyphenate import mark as hyphen_marks
from .hyphenate import text_language
from .shaping import Missing, Run, itemize_cached, strong_direction

Color = tuple[int, int, int, int]

ELLIPSIS = "\u2026"
SOFT_HYPHEN = "\u00ad"
#: What a soft hyphen shows as at the end of a line.
HYPHEN = "-"


@dataclass(frozen=True)
class TextStyle:
    """How a stretch of text looks.

    ``family``       font family name (bundled or installed);
    ``size``         font size in pixels (the em);
    ``weight``       CSS weight 100-900;
    ``italic``       use the family's italic face;
    ``color``        RGBA 0-255;
    ``line_height``  leading as a multiple of ``size`` (1.2 = 120 %);
    ``tracking``     letter spacing in 1/1000 em (not applied to cursive
                     scripts such as Arabic, which would break joining);
    ``transform``    ``none``, ``uppercase``, ``lowercase`` or ``capitalize``;
    ``features``     OpenType feature tags for HarfBuzz, e.g. ``("-liga",)``;
    ``language``     BCP 47 tag passed to the shaper (``"id"``, ``"ar"``);
    ``smart_quotes`` set straight quotes as typographic ones (“ ” ‘ ’).
    """

    family: str = "Inter"
    size: float = 40.0
    weight: int = 400
    italic: bool = False
    color: Color = (0, 0, 0, 255)
    line_height: float = 1.2
    tracking: float = 0.0
    transform: str = "none"
    features: tuple[str, ...] = ()
    language: str | None = None
    smart_quotes: bool = True


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph with its own style (inline ``<b>``, ``<span>``)."""

    text: str
    style: TextStyle


@dataclass(frozen=True)
class Segment:
    """A run's part that lies on one line, ready to draw.

    ``x`` is the pen position from the line's left edge, ``width`` its advance;
    ``text`` is in logical order (Raqm shapes and orders it).
    """

    text: str
    x: float
    width: float
    style: TextStyle
    face: Face
    direction: str


@dataclass(frozen=True)
class Line:
    """One laid-out line.

    ``baseline`` is measured from the block's top; ``ascent``/``descent``
    bound the line's box above and below the baseline: the metrics of the
    families its styles name, widened where a fallback font's ink reaches
    further (by the room the family keeps beyond its own ink), so every ink
    pixel is inside (:func:`libmedia.typography.fit._line_segments`); ``x``
    is the line's left offset inside the block's width after alignment;
    ``width`` its advance width (trailing spaces excluded);
    ``ink_ascent``/``ink_descent`` how far the line's drawn glyphs reach
    above and below its baseline, in px, as Pillow's ``getbbox`` measures
    the shaped segments (whole pixels; None when not measured).
    """

    segments: tuple[Segment, ...]
    baseline: float
    ascent: float
    descent: float
    x: float
    width: float
    text: str
    ink_ascent: float | None = None
    ink_descent: float | None = None

    @property
    def top(self) -> float:
        return self.baseline - self.ascent

    @property
    def bottom(self) -> float:
        return self.baseline + self.descent


@dataclass(frozen=True)
class TextBlock:
    """A laid-out paragraph.

    ``width`` is the box width the text was set in (or its natural width when
    unconstrained); ``height`` runs from the first line's ascent to the last
    line's descent; ``size`` is the size actually used (after shrinking);
    ``truncated`` is True when the text was clamped with an ellipsis;
    ``broken_words`` when a word wider than the box had to be broken;
    ``missing`` lists the characters no bundled or installed font covers;
    ``hyphenated`` counts the lines that end inside a word with a hyphen
    shown, ``bare_breaks`` those that end inside a word without one.
    """

    lines: tuple[Line, ...]
    width: float
    height: float
    size: float
    direction: str
    align: str
    truncated: bool = False
    overflow: bool = False
    missing: tuple[Missing, ...] = field(default_factory=tuple)
    broken_words: bool = False
    hyphenated: int = 0
    bare_breaks: int = 0

    @property
    def content_width(self) -> float:
        return max((ln.width for ln in self.lines), default=0.0)


# ---------------------------------------------------------------------------
# paragraph preparation


_OPENING_CONTEXT = set(" \t\n([{\u2014\u2013-/\u00a0")


#: Quotation marks (double open, double close, single open, single close) by
#: the typography of a script: English and Indonesian “…” ‘…’; Arabic-script
#: text «…» ‹…›, which the bidi algorithm mirrors, so they read correctly
#: right to left (the Unicode Standard, 6.2 "Quotation marks"; Arabic, Persian
#: and Urdu typesetting use guillemets).
QUOTES = {"default": ("\u201c", "\u201d", "\u2018", "\u2019"),
          "arabic": ("\u00ab", "\u00bb", "\u2039", "\u203a")}
_ARABIC_LANGUAGES = {"ar", "fa", "ur", "ps", "ug", "ckb", "ku", "sd"}


def _arabic_script(ch: str) -> bool:
    o = ord(ch)
    return (0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF
            or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF)


def quote_style(text: str, language: str | None = None) -> str:
    """``arabic`` or ``default``: from the script of the text's first strong
    character (an Arabic title in an Indonesian library's post keeps Arabic
    quotes), else from the language (``ar``, ``fa``, ``ur``...)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("L", "R", "AL"):
            return "arabic" if _arabic_script(ch) else "default"
    if language and language.split("-")[0].lower() in _ARABIC_LANGUAGES:
        return "arabic"
    return "default"


_SPACED_DASH = re.compile(r"(?<=\S)[ \u00a0]+([-\u2013\u2014])[ ]+(?=\S)")


def spaced_dashes(text: str) -> str:
    """A dash between spaces kept with the word before it, so no line starts
    with one: ``Storytime - English`` -> ``Storytime\u00a0– English``.

    A hyphen-minus typed between spaces is a dash, set as the spaced en
    dash (Bringhurst, *The Elements of Typographic Style*, 5.2.2: "the
    spaced en dash ... is the dash of choice"); a spaced en or em dash
    keeps its character.  The space before the dash becomes a no-break
    space; the break comes after it, as UAX #14 allows after a dash."""
    if " -" not in text and "\u2013" not in text and "\u2014" not in text:
        return text

    def glue(m: re.Match[str]) -> str:
        dash = "\u2013" if m.group(1) == "-" else m.group(1)
        return f"\u00a0{dash} "

    return _SPACED_DASH.sub(glue, text)


def smart_quotes(text: str, language: str | None = None) -> str:
    """Straight quotes to typographic ones: ``"buku"`` -> “buku”, ``You're`` -> You’re,
    and in Arabic-script text ``"كتاب"`` -> «كتاب» (see :data:`QUOTES`,
    :func:`quote_style`).

    A double quote opens at the start or after a space or opening bracket and
    closes otherwise; once one is open, the next closes it, so a stray space
    before a closing quote never makes two opening quotes; when that closing
    quote is the text's last and stands between a space and a word, it
    closes the word before the space (``"Judul "anak`` -> “Judul” anak).  A single quote
    follows the same context rule; an apostrophe between letters, or before
    the two digits of an elided year (’90s), is ’.  Quotes right after a
    digit are left alone (feet and inches, ``5'10"``) unless they close an
    open quote (``'2015'`` -> ‘2015’).
    """
    if "'" not in text and '"' not in text:
        return text
    d_open, d_close, s_open, s_close = QUOTES[quote_style(text, language)]
    out = []
    double_open = single_open = False
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else " "
        if ch not in "'\"" or (prev.isdigit() and not (ch == '"' and double_open)
                                and not (ch == "'" and single_open)):
            out.append(ch)  # feet and inches: 5'10" (but "1984" and '2015' close their quotes)
            continue
        opening = prev in _OPENING_CONTEXT or prev in (d_open, s_open)
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch == "'" and opening and re.match(r"\d\d(?!\d)", text[i + 1:]):  # elided: ’90s
            opening = False
        if ch == '"':
            if (double_open and prev == " " and nxt.isalpha() and '"' not in text[i + 1:]
                    and out and out[-1] == " "):
                # the last quote closes an open one but sits on the wrong side
                # of its space (catalogue data: '"Judul utama "anak judul'):
                # it closes the word before it
                out[-1] = d_close
                out.append(" ")
                double_open = False
                continue
            opening = opening and not double_open
            double_open = opening
            out.append(d_open if opening else d_close)
        else:
            opening = opening and not single_open
            single_open = opening or (single_open and not (prev.isalnum() or prev in ".!?"))
            out.append(s_open if opening else "\u2019" if not opening and prev.isalpha()
                       and nxt.isalpha() else s_close)
    return "".join(out)


def apply_transform(text: str, transform: str) -> str:
    """``text`` in the case a style's ``transform`` asks for: ``uppercase``,
    ``lowercase``, ``capitalize`` (first letter of each space-separated
    word), anything else unchanged (CSS ``text-transform``)."""
    if transform == "uppercase":
        return text.upper()
    if transform == "lowercase":
        return text.lower()
    if transform == "capitalize":
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


@dataclass
class Paragraph:
    """A paragraph ready to break: its text (logical order, NFC), the style
    index of each character, the styles, the runs (style + face + direction),
    the characters no font covers, the base direction (``ltr``/``rtl``), and
    ``hyphens``: the break positions ``i`` where ``text[i - 1]`` is a soft
    hyphen inserted by dictionary hyphenation (:mod:`.hyphenate`), which the
    line breaker uses only as a last resort."""

    text: str
    span_style: list[int]
    styles: list[TextStyle]
    runs: list[Run]
    missing: list[Missing]
    direction: str
    hyphens: frozenset[int] = frozenset()


def prepare(spans: list[Span], library: FontLibrary, direction: str | None) -> Paragraph:
    """One :class:`Paragraph` of ``spans``: each span's text transformed, NFC,
    typographic quotes (if its style asks), CR/CRLF as newlines, tabs as
    spaces, soft hyphens inserted at the dictionary hyphenation points of
    its style's language, as :func:`libmedia.typography.hyphenate.text_language`
    settles it over the whole text; the base direction forced (``ltr``/``rtl``) or taken from the
    first strong character; runs itemised with fallback faces.

    Raises :class:`libmedia.errors.FontError` for an unknown family.
    """
    styles: list[TextStyle] = []
    pieces: list[tuple[str, TextStyle]] = []
    for span in spans:
        t = unicodedata.normalize("NFC", apply_transform(span.text, span.style.transform))
        if span.style.smart_quotes:
            t = spaced_dashes(smart_quotes(t, span.style.language))
        pieces.append((t.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "), span.style))
    whole = "".join(p for p, _ in pieces)
    text_parts: list[str] = []
    span_style: list[int] = []
    hyphens: list[int] = []
    offset = 0
    for t, style in pieces:
        t, marks = hyphen_marks(t, text_language(style.language, whole))
        hyphens.extend(offset + k + 1 for k in marks)
        if style not in styles:
            styles.append(style)
        idx = styles.index(style)
        text_parts.append(t)
        span_style.extend([idx] * len(t))
        offset += len(t)
    text = "".join(text_parts)
    if not styles:
        styles = [TextStyle()]
    base = direction if direction in ("ltr", "rtl") else (strong_direction(text) or "ltr")
    faces = [library.face(s.family, s.italic) for s in styles]
    runs, missing = itemize_cached(text, span_style, faces, library, base)
    return Paragraph(text, span_style, styles, runs, missing, base, frozenset(hyphens))


def visible_text(text: str, line_end: bool) -> str:
    """``text`` as drawn: soft hyphens removed, and one hyphen added when
    the piece ends a line at a soft hyphen (``line_end``)."""
    if SOFT_HYPHEN not in text:
        return text
    shown = text.replace(SOFT_HYPHEN, "")
    return shown + HYPHEN if line_end and text.endswith(SOFT_HYPHEN) else shown
