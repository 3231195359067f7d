"""Charts as layout elements: ``<chart kind="bar|column|donut|number">``.

A chart is a leaf of the layout, sized like an image (``width``,
``height``, ``grow``...; without a height it takes its natural one), that
holds its data as child ``<datum>`` elements, one per bar, column, slice or
big number::

    <chart kind="bar" width="100%" colors="primary">
      {% for d in stats.top.data %}
      <datum label="{{ d.label }}" value="{{ d.value }}"/>
      {% endfor %}
    </chart>

Jinja writes the data into attributes with autoescape on, so a label holding
``<``, ``&`` or quotes is literal text.  This module does the chart's three
stages: checking its data (at parse time, :func:`check_data`), laying it
out in its box (:func:`lay_out_chart`), and painting it (:func:`paint_chart`,
draw's painter for ``chart``).  No plotting library: bars, columns, slices
and marks are shapes; every label and value is real text set by
:mod:`libmedia.typography` (font fallback, shaping, ellipsis), and each is a
child ``text`` fragment of the chart's fragment, so the lint rules
(missing glyphs, small text, contrast, safe zones) read them like any text.

Kinds
-----
``bar``     horizontal bars (a top-5 list): each row its label above a bar
            from zero, its value just past the bar's end; bars scale to the
            largest value; a label too long for the chart's width is
            shortened with an ellipsis.  Labels are set flush left, as the
            bars grow, whatever their script.  In a box too low for a label
            above every bar, each label stands beside its bar.
``column``  vertical columns from a zero baseline (visits per week or day):
            values above, labels below, each within its column's pitch: on
            one line, shrunk down to ``label-min-size`` (86 % of its size)
            if need be, else on two lines, else shortened with an ellipsis.
``donut``   shares of a whole (loans by collection): slices clockwise from
            12 o'clock, in the order given, and a legend (swatch, label,
            percentage; the percentages rounded so they add up to 100).
``number``  one big number with its label and, when the datum has a
            ``previous`` value, the change ("▲ 12% vs September"; the words
            after the percentage are the datum's ``note``).

Numbers are written with Babel's CLDR data in the language of the chart's
text (the brand kit's, or ``lang=``): 12.480 in Indonesian, 12,480 in
English.  No gridlines: values stand on the marks.

Parts
-----
The chart's texts come in three parts, each styled by a brand type role
(restyled by the kit like any text): ``label`` (role ``meta``), ``value``
(``meta`` at weight 700; the ``number`` kind's value: ``title``) and
``change`` (``meta``); ``label-role``, ``label-size``, ``label-color``,
``label-weight`` (and the same for ``value-`` and ``change-``) change
them.  The markup parser adds one ``text`` element per part as the chart's
children (paths ``.../chart[0]/label`` etc., no words of their own), so the
style stage resolves them; :func:`part_styles` reads them back.

Colours
-------
``colors`` lists colours or names of the brand kit's colours
(``"primary accent muted"``, ``"#12456B #F2A541"``); the default is
``primary accent muted``.  Bars and columns take the first (a datum's own
``color`` wins); slices take them in turn, and when there are more slices
than colours, lighter shades of them (mixed with the paper).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from .errors import Location, TemplateError
from .layout import Fragment, Rect
from .markup import Element, InlineSpan
from .typography import FontLibrary, Span, TextBlock, TextStyle, layout_text

Color = tuple[int, int, int, int]

KINDS = ("bar", "column", "donut", "number")
PARTS = ("label", "value", "change")
#: The type role of each part when the chart names none.
DEFAULT_ROLES = {"label": "meta", "value": "meta", "change": "meta"}
#: The ``number`` kind's value: a display size.
NUMBER_VALUE_ROLE = "title"
#: Colours when the chart names none: names of the brand kit's colours.
DEFAULT_COLORS = ("primary", "accent", "muted")
#: Most data a chart of each kind shows (past this the marks and labels no
#: longer read at phone size).
MAX_DATA = {"bar": 10, "column": 14, "donut": 8, "number": 1}


# ---------------------------------------------------------------------------
# numbers: reading and writing


class Amount(float):
    """A number read from data, written back unambiguously: ``str`` gives
    ``12480`` for a whole number, never ``12480.0``, and never three digits
    after a lone dot (``1.125`` is written ``1.1250``), so
    :func:`parse_amount` reads it back as the same number."""

    def __str__(self) -> str:
        if self.is_integer():
            return str(int(self))
        text = repr(float(self))
        if "e" in text:
            text = f"{float(self):.12f}".rstrip("0")
        whole, _, frac = text.partition(".")
        return text + "0" if len(frac) == 3 else text

    __repr__ = __str__


_SPACES = re.compile(r"[\s\u00a0\u202f'_]")


def parse_amount(text: Any) -> float:
    """A number as people type it in a spreadsheet or a template writes it.

    ``12480``, ``12.480`` and ``12,480`` (a dot or a comma followed by
    exactly three digits, after one to three digits, groups thousands, as
    Indonesian and English write them), ``1.234.567``, ``12 480``,
    ``1.234,5`` and ``1,234.5`` (with both marks the last is the decimal
    one), ``4,5`` and ``4.5`` (one mark not followed by three digits is the
    decimal one), ``0.125``, a leading ``-`` or ``−``, a trailing ``%``
    (``42%`` is 42).  Raises ``ValueError`` saying what was expected.
    """
    raw = str(text)
    t = _SPACES.sub("", raw).replace("\u2212", "-").removesuffix("%")
    sign = 1.0
    if t.startswith(("-", "+")):
        sign, t = (-1.0 if t[0] == "-" else 1.0), t[1:]
    if not t or not re.fullmatch(r"[0-9.,]+", t) or not any(c.isdigit() for c in t):
        raise ValueError(f"{raw.strip()!r} is not a number")
    if "." in t and "," in t:
        dec = "." if t.rfind(".") > t.rfind(",") else ","
        group = "," if dec == "." else "."
        whole, _, frac = t.rpartition(dec)
        if not re.fullmatch(r"\d{1,3}(" + re.escape(group) + r"\d{3})*", whole) or not frac.isdigit():
            raise ValueError(f"{raw.strip()!r} is not a number")
        t = whole.replace(group, "") + "." + frac
    elif "." in t or "," in t:
        mark = "." if "." in t else ","
        parts = t.split(mark)
        if len(parts) > 2:
            if not re.fullmatch(r"\d{1,3}(" + re.escape(mark) + r"\d{3})+", t):
                raise ValueError(f"{raw.strip()!r} is not a number")
            t = t.replace(mark, "")
        elif re.fullmatch(r"[1-9]\d{0,2}" + re.escape(mark) + r"\d{3}", t):
            t = t.replace(mark, "")
        else:
            if not parts[0] and not parts[1]:
                raise ValueError(f"{raw.strip()!r} is not a number")
            t = (parts[0] or "0") + "." + (parts[1] or "0")
    value = sign * float(t)
    if not math.isfinite(value):
        raise ValueError(f"{raw.strip()!r} is not a finite number")
    return value


def _locale(language: str | None) -> str:
    from babel import Locale, UnknownLocaleError

    tag = (language or "en").replace("-", "_")
    try:
        return str(Locale.parse(tag))
    except (ValueError, UnknownLocaleError):
        try:
            return str(Locale.parse(tag.split("_")[0]))
        except (ValueError, UnknownLocaleError):
            return "en"


def format_number(value: Any, language: str = "id", decimals: int | None = None) -> str:
    """``value`` written for readers of ``language`` with Babel (CLDR):
    ``12.480`` (``id``), ``12,480`` (``en``).  ``decimals`` None: whole
    numbers without decimals, others with up to one (``4,5``); else exactly
    that many.  A value that is not a number (``""``) is returned as text."""
    from babel.numbers import format_decimal

    try:
        v = float(value) if isinstance(value, (int, float)) else parse_amount(value)
    except ValueError:
        return str(value)
    if decimals is None:
        pattern = "#,##0" if float(v).is_integer() else "#,##0.#"
    else:
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(v, format=pattern, locale=_locale(language))


def format_percent(fraction: Any, language: str = "id", decimals: int | None = None,
                   signed: bool = False) -> str:
    """A fraction as a percentage for ``language`` (Babel, CLDR):
    ``0.122`` -> ``12%``; ``decimals`` None: whole percents, one decimal
    under 10 % when the whole number would hide the change (``0,4%``).
    ``signed``: ``+12%`` / ``−5%`` (a true minus sign)."""
    from babel.numbers import format_percent as babel_percent

    v = float(fraction)
    if decimals is None:
        decimals = 1 if 0 < abs(v) < 0.0095 else 0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    text = babel_percent(abs(v) if signed else v, format=pattern, locale=_locale(language))
    if signed:
        text = ("+" if v > 0 else "\u2212" if v < 0 else "\u00b1") + text
    return text.replace("-", "\u2212")


def round_shares(values: Sequence[float], total: int = 100) -> list[int]:
    """Whole percentages of ``values`` that add up to ``total`` (the largest
    remainder method: each share floored, the units left over given to the
    largest remainders, ties to the earlier value)."""
    s = sum(values)
    if s <= 0:
        return [0 for _ in values]
    exact = [v * total / s for v in values]
    floors = [math.floor(e) for e in exact]
    left = total - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


# ---------------------------------------------------------------------------
# data: checked at parse time


@dataclass(frozen=True)
class Datum:
    """One datum of a chart: its ``label``, ``value``, optional
    ``previous`` value (a number's change), ``note`` (the words after the
    change) and own ``color`` (RGBA or None)."""

    label: str
    value: float
    previous: float | None = None
    note: str = ""
    color: Color | None = None


def check_data(kind: str, data: Sequence[Element]) -> list[tuple[Element | None, str, str]]:
    """The problems of a chart's ``<datum>`` elements for a chart of
    ``kind``, as ``(datum or None, message, hint)``: a value or previous
    value that is not a number, a missing label, a negative value (bars,
    columns and slices start at zero), all values zero, no data, more data
    than :data:`MAX_DATA`, or a ``number`` chart without exactly one datum.
    The markup parser raises them as :class:`TemplateError` at each datum's
    template line."""
    out: list[tuple[Element | None, str, str]] = []
    values: list[float] = []

    def name(i: int, d: Element) -> str:
        label = str(d.get("label", "")).strip()
        return f"datum {i + 1}" + (f" ({label[:40]!r})" if label else "")

    for i, d in enumerate(data):
        for attr in ("value", "previous"):
            if attr not in d.attrs:
                continue
            try:
                v = parse_amount(d.get(attr))
            except ValueError as exc:
                out.append((d, f"<chart kind=\"{kind}\"> {name(i, d)}: {attr} {exc}",
                            "write the number with digits only, e.g. 12480, 12.480 or 4,5; "
                            "leave the datum out rather than writing '-' or 'n/a'"))
                continue
            if attr == "value":
                values.append(v)
                if v < 0 and kind != "number":
                    what = "a slice of a whole" if kind == "donut" else "a bar from zero"
                    out.append((d, f"<chart kind=\"{kind}\"> {name(i, d)}: value {v:g} is "
                                   f"negative, which {what} cannot show",
                                "check the number in the data; a chart of counts has no "
                                "negative values"))
        if kind != "number" and not str(d.get("label", "")).strip():
            out.append((d, f"<chart kind=\"{kind}\"> {name(i, d)} has no label",
                        "give every datum a label=\"...\" (a title, a week, a collection)"))
    if kind == "number":
        if len(data) != 1:
            out.append((None, f"<chart kind=\"number\"> needs exactly one <datum>, has {len(data)}",
                        "write one big number per chart: <datum label=\"Pengunjung\" "
                        "value=\"12480\" previous=\"11120\" note=\"vs September\"/>"))
        return out
    if not data:
        out.append((None, f"<chart kind=\"{kind}\"> has no data",
                    "add <datum label=\"...\" value=\"...\"/> elements, or leave the chart out "
                    "when there is nothing to show ({% if items %})"))
    elif len(data) > MAX_DATA[kind]:
        out.append((None, f"<chart kind=\"{kind}\"> has {len(data)} data; at most "
                          f"{MAX_DATA[kind]} read at phone size",
                    "show the largest ones and leave the rest out"))
    elif len(values) == len(data) and all(v == 0 for v in values):
        out.append((None, f"<chart kind=\"{kind}\">: every value is 0, so there is nothing to "
                          "draw",
                    "check the data (an empty column?), or leave the chart out when the month "
                    "has no figures"))
    return out


def data_of(el: Element) -> list[Datum]:
    """A checked chart element's data (see :func:`check_data`)."""
    out = []
    for d in el.children:
        if d.tag != "datum":
            continue
        prev = d.get("previous")
        out.append(Datum(str(d.get("label", "")), parse_amount(d.get("value")),
                         parse_amount(prev) if prev not in (None, "") else None,
                         str(d.get("note", "")), d.get("color")))
    return out


def parse_colors(value: str) -> tuple[Color | str, ...]:
    """``colors=``: colours or brand colour names, separated by spaces or
    commas (``"primary accent"``, ``"#12456B, rgb(242, 165, 65)"``).  A
    word that is not a CSS colour stays a name, resolved against the brand
    kit at layout.  Raises ``ValueError`` for an empty list or a token that
    is neither."""
    from .style import parse_color

    out: list[Color | str] = []
    for token in re.findall(r"[^\s,()]+(?:\([^)]*\))?", value):
        try:
            out.append(parse_color(token))
        except ValueError:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", token.lower()):
                raise
            out.append(token.lower())
    if not out:
        raise ValueError("expected colours or brand colour names like 'primary accent'")
    return tuple(out)


def part_elements(attrs: Mapping[str, Any], path: str, line: int) -> tuple[Element, ...]:
    """The chart's text parts as ``text`` elements without words (see the
    module): ``label``, ``value`` and ``change``, each with its role and
    the chart's ``PART-size``/``-color``/``-weight`` and ``lang``."""
    kind = attrs.get("kind", "bar")
    out = []
    for part in PARTS:
        role = attrs.get(f"{part}-role") or (NUMBER_VALUE_ROLE if kind == "number" and part == "value"
                                             else DEFAULT_ROLES[part])
        a: dict[str, Any] = {"role": role}
        if part == "value" and kind != "number" and f"{part}-role" not in attrs:
            a["weight"] = 700
        for key, to in (("size", "size"), ("color", "color"), ("weight", "weight")):
            if f"{part}-{key}" in attrs:
                a[to] = attrs[f"{part}-{key}"]
        if "lang" in attrs:
            a["lang"] = attrs["lang"]
        out.append(Element("text", a, (), (), line, f"{path}/{part}"))
    return tuple(out)


def part_styles(el: Element, styles: Mapping[str, tuple[TextStyle, tuple]]) -> dict[str, TextStyle]:
    """The resolved :class:`TextStyle` of each of the chart's parts, from
    the style stage's ``styles`` (text element path -> (base style, span
    styles))."""
    return {part: styles[f"{el.path}/{part}"][0] for part in PARTS}


# ---------------------------------------------------------------------------
# layout


@dataclass(frozen=True)
class Mark:
    """One shape of a laid-out chart, absolute px.

    ``kind``   ``bar`` (a bar or column: ``rect``, corners rounded to
               ``radius``; a column keeps its foot square), ``arc`` (a donut
               slice: ``rect`` is the ring's square, ``start``..``end`` in
               degrees clockwise from 12 o'clock, ``hole`` the inner radius
               as a fraction of the outer), ``rule`` (the baseline of
               columns, ``rect`` its band), ``swatch`` (a legend dot, a
               circle in ``rect``), ``triangle`` (a change's mark in
               ``rect``, pointing up when ``up``);
    ``color``  RGBA;
    ``datum``  the index of the datum it shows (-1: none).
    """

    kind: str
    rect: Rect
    color: Color
    datum: int = -1
    radius: float = 0.0
    start: float = 0.0
    end: float = 0.0
    hole: float = 0.0
    up: bool = True


@dataclass(frozen=True)
class ChartLayout:
    """A chart laid out in its box: its ``kind``, its ``marks`` in painting
    order, its ``data``, the language its numbers are written in, and for a
    donut the slices' ``shares`` (fractions of the whole) and ``percents``
    (the whole percentages the legend shows, adding up to 100)."""

    kind: str
    marks: tuple[Mark, ...]
    data: tuple[Datum, ...]
    language: str
    shares: tuple[float, ...] = ()
    percents: tuple[int, ...] = ()


@dataclass
class _Parts:
    el: Element
    styles: dict[str, TextStyle]
    library: FontLibrary
    texts: list[Fragment]

    def set(self, part: str, text: str, width: float | None, *, max_lines: int = 1,
            align: str = "start", fit: str = "none", min_size: float | None = None,
            style: TextStyle | None = None) -> TextBlock:
        st = style or self.styles[part]
        return layout_text([Span(text, st)], width, max_lines=max_lines, align=align, fit=fit,
                           min_size=min_size, ellipsis=True, library=self.library)

    def place(self, part: str, text: str, block: TextBlock, x: float, y: float,
              width: float | None = None) -> Fragment:
        """A child text fragment for ``block`` with its box's top-left at (x, y)."""
        w = width if width is not None else block.width
        el = Element("text", {"chart-part": part}, (), (InlineSpan(text),), self.el.line,
                     f"{self.el.path}/{part}[{len(self.texts)}]")
        box = Rect(x, y, w, block.height)
        frag = Fragment(el, box, box, text=block)
        self.texts.append(frag)
        return frag


def resolve_colors(el: Element, kit: Mapping[str, Color], ink: Color) -> list[Color]:
    """The chart's colours (``colors=``, else :data:`DEFAULT_COLORS`), names
    resolved against the brand kit's ``kit`` colours.  Raises
    :class:`TemplateError` at the chart's line for a name the kit lacks."""
    wanted = el.get("colors") or DEFAULT_COLORS
    out: list[Color] = []
    for c in wanted:
        if isinstance(c, str):
            if c in kit:
                out.append(tuple(kit[c]))  # type: ignore[arg-type]
            elif el.get("colors") is None:
                continue  # a default name the kit does not have
            else:
                raise TemplateError(f"<chart colors=...> names '{c}', which is neither a colour "
                                    "nor a colour of the brand kit", Location(line=el.line),
                                    hint="brand colours: " + ", ".join(sorted(kit)))
        else:
            out.append(c)
    return out or [ink]


def shade(color: Color, paper: Color, amount: float) -> Color:
    """``color`` mixed with ``paper``: ``amount`` 0 is the colour, 1 the paper."""
    return tuple(round(c + (p - c) * amount) for c, p in zip(color[:3], paper[:3], strict=True)) \
        + (color[3],)  # type: ignore[return-value]


def slice_colors(colors: Sequence[Color], paper: Color, n: int) -> list[Color]:
    """``n`` colours for slices: ``colors`` in turn, then lighter shades of
    them (mixed 40 %, then 65 % with the paper)."""
    out = []
    for i in range(n):
        base = colors[i % len(colors)]
        rnd = i // len(colors)
        out.append(base if rnd == 0 else shade(base, paper, min(0.75, 0.15 + 0.25 * rnd)))
    return out


def _language(styles: Mapping[str, TextStyle]) -> str:
    return styles["value"].language or styles["label"].language or "en"


def natural_width(el: Element, available: float | None, styles: Mapping[str, TextStyle],
                  library: FontLibrary) -> float:
    """The width px a chart takes when its box does not set one: a big
    number its widest line (within ``available``); other kinds the width
    available (600 px when the layout asks for a content size)."""
    if el.get("kind") == "number":
        data = data_of(el)
        lang = _language(styles)
        widths = [layout_text([Span(_value_text(el, data[0], lang), styles["value"])], None,
                              library=library).content_width]
        if data[0].label:
            widths.append(layout_text([Span(data[0].label, styles["label"])], None,
                                      library=library).content_width)
        w = max(widths)
        return min(w, available) if available is not None else w
    return available if available is not None else 600.0


def natural_height(el: Element, width: float, styles: Mapping[str, TextStyle],
                   library: FontLibrary) -> float:
    """The height px a chart takes ``width`` px wide when its box does not
    set one: a bar chart's rows, a number's three lines; a column chart
    half its width; a donut 45 % of its width (legend beside it) or its
    legend's height when that is taller."""
    kind = el.get("kind", "bar")
    data = data_of(el)
    if kind == "bar":
        return _bar_rows(el, data, width, styles, library)[0]
    if kind == "number":
        parts = _Parts(el, dict(styles), library, [])
        return _number(el, data, Rect(0, 0, width, 1e6), parts, _language(styles), dry=True)
    if kind == "column":
        return round(width * 0.5)
    legend = _legend_height(data, styles, library)
    return max(legend, round(width * 0.45))


def lay_out_chart(el: Element, box: Rect, styles: Mapping[str, tuple[TextStyle, tuple]],
                  kit: Mapping[str, Color], paper: Color, ink: Color,
                  library: FontLibrary) -> tuple[ChartLayout, tuple[Fragment, ...]]:
    """Lay out a chart element in its border ``box`` (px): its marks and its
    text fragments (children of the chart's fragment).  ``styles`` the style
    stage's text styles (the chart's parts among them), ``kit`` the brand
    kit's colours by name, ``paper``/``ink`` the page's.  Raises
    :class:`TemplateError` for a colour name the kit lacks."""
    st = part_styles(el, styles)
    data = data_of(el)
    colors = resolve_colors(el, kit, ink)
    parts = _Parts(el, st, library, [])
    language = _language(st)
    kind = el.get("kind", "bar")
    if kind == "bar":
        marks = _bars(el, data, box, parts, colors, language)
    elif kind == "column":
        marks = _columns(el, data, box, parts, colors, language, ink)
    elif kind == "donut":
        marks, shares, percents = _donut(el, data, box, parts, colors, paper, language)
        return (ChartLayout(kind, tuple(marks), tuple(data), language, shares, percents),
                tuple(parts.texts))
    else:
        marks = []
        _number(el, data, box, parts, language, marks=marks)
    return ChartLayout(kind, tuple(marks), tuple(data), language), tuple(parts.texts)


def _value_text(el: Element, d: Datum, language: str) -> str:
    return format_number(d.value, language, el.get("decimals"))


def _bar_rows(el: Element, data: Sequence[Datum], width: float, st: Mapping[str, TextStyle],
              library: FontLibrary) -> tuple[float, float, float, float, float]:
    """A bar chart's natural height and its row metrics: (height, label
    height, gap label-bar, bar thickness, gap between rows)."""
    label_h = layout_text([Span("Hg", st["label"])], None, library=library).height
    value_h = layout_text([Span("0", st["value"])], None, library=library).height
    thick = el.get("thickness") or max(value_h * 0.95, st["label"].size * 0.7)
    below = st["label"].size * 0.22
    gap = el.get("gap", st["label"].size * 0.75)
    n = len(data)
    # the last value's line box may reach below its bar
    overhang = max(0.0, (value_h - thick) / 2)
    height = n * (label_h + below + thick) + max(0, n - 1) * gap + (overhang if n else 0.0)
    return height, label_h, below, thick, gap


def _bars(el: Element, data: Sequence[Datum], box: Rect, parts: _Parts, colors: Sequence[Color],
          language: str) -> list[Mark]:
    st = parts.styles
    natural, label_h, below, thick, gap = _bar_rows(el, data, box.w, st, parts.library)
    n = len(data)
    spare = box.h - natural
    if spare < 0 and n:  # a box lower than the rows: thinner bars and gaps...
        fixed = n * (label_h + below)
        flexible = n * thick + max(0, n - 1) * gap
        scale = (box.h - fixed) / flexible if flexible else 1.0
        if scale < 0.6:  # ...or, below 60 %, each label beside its bar
            return _bars_beside(el, data, box, parts, colors, language, label_h, thick, gap)
        thick, gap = thick * scale, gap * scale
        spare = 0.0
    if n > 1 and spare > 0:  # spread the rows, up to twice their gap; centre the rest
        extra = min(spare / (n - 1), gap * 2.0)
        gap += extra
        spare -= extra * (n - 1)
    y = box.y + max(0.0, spare) / 2
    values = [_value_text(el, d, language) for d in data]
    vblocks = [parts.set("value", v, None) for v in values]
    value_gap = st["value"].size * 0.4
    longest = max((b.content_width for b in vblocks), default=0.0)
    room = max(1.0, box.w - longest - value_gap)
    top = max((d.value for d in data), default=0.0) or 1.0
    marks = []
    for i, (d, vb) in enumerate(zip(data, vblocks, strict=True)):
        lb = parts.set("label", d.label, box.w, align="left")
        parts.place("label", d.label, lb, box.x, y, box.w)
        bar_y = y + label_h + below
        length = room * d.value / top
        color = d.color or colors[0]
        marks.append(Mark("bar", Rect(box.x, bar_y, length, thick), color, i,
                          radius=min(thick / 2, length / 2, el.get("radius", thick / 2))))
        vy = bar_y + (thick - vb.height) / 2
        parts.place("value", values[i], vb, box.x + length + value_gap, vy)
        y = bar_y + thick + gap
    return marks


def _bars_beside(el: Element, data: Sequence[Datum], box: Rect, parts: _Parts,
                 colors: Sequence[Color], language: str, label_h: float, thick: float,
                 gap: float) -> list[Mark]:
    """Bars with their labels beside them, on one line each (a box too low
    for a label above every bar): labels in a column at most 40 % of the
    width (shortened with an ellipsis), bars from its edge."""
    st = parts.styles
    n = len(data)
    row = max(label_h, thick * 0.8)
    gap = max(0.0, min(gap * 1.6, (box.h - n * row) / max(1, n - 1))) if n > 1 else 0.0
    thick = min(thick, row * 0.8)
    values = [_value_text(el, d, language) for d in data]
    vblocks = [parts.set("value", v, None) for v in values]
    widest = max((parts.set("label", d.label, None).content_width for d in data), default=0.0)
    label_w = min(widest, box.w * 0.4)
    inner = st["label"].size * 0.6
    value_gap = st["value"].size * 0.4
    longest = max((b.content_width for b in vblocks), default=0.0)
    x0 = box.x + label_w + inner
    room = max(1.0, box.right - x0 - longest - value_gap)
    top = max((d.value for d in data), default=0.0) or 1.0
    used = n * row + max(0, n - 1) * gap
    y = box.y + max(0.0, box.h - used) / 2
    marks = []
    for i, (d, vb) in enumerate(zip(data, vblocks, strict=True)):
        lb = parts.set("label", d.label, label_w, align="left")
        parts.place("label", d.label, lb, box.x, y + (row - lb.height) / 2, label_w)
        length = room * d.value / top
        by = y + (row - thick) / 2
        marks.append(Mark("bar", Rect(x0, by, length, thick), d.color or colors[0], i,
                          radius=min(thick / 2, length / 2, el.get("radius", thick / 2))))
        parts.place("value", values[i], vb, x0 + length + value_gap, y + (row - vb.height) / 2)
        y += row + gap
    return marks


def _columns(el: Element, data: Sequence[Datum], box: Rect, parts: _Parts, colors: Sequence[Color],
             language: str, ink: Color) -> list[Mark]:
    st = parts.styles
    n = max(1, len(data))
    pitch = box.w / n
    values = [_value_text(el, d, language) for d in data]
    vblocks = [parts.set("value", v, pitch, align="center", fit="shrink",
                         min_size=st["value"].size * 0.75) for v in values]
    floor = el.get("label-min-size", st["label"].size * 0.86)
    lblocks = [_fitted_label(parts, d.label, pitch - st["label"].size * 0.3, floor) for d in data]
    value_h = max((b.height for b in vblocks), default=0.0)
    label_h = max((b.height for b in lblocks), default=0.0)
    gap_v = st["value"].size * 0.25
    gap_l = st["label"].size * 0.45
    rule_h = max(2.0, round(st["label"].size / 12))
    base = box.bottom - label_h - gap_l - rule_h
    area = max(1.0, base - (box.y + value_h + gap_v))
    col_w = el.get("thickness") or min(pitch * 0.56, pitch - st["label"].size * 0.5,
                                       st["label"].size * 3.4)
    top = max((d.value for d in data), default=0.0) or 1.0
    marks = []
    for i, d in enumerate(data):
        cx = box.x + pitch * (i + 0.5)
        h = area * d.value / top
        color = d.color or colors[0]
        radius = min(col_w * 0.16, h, el.get("radius", col_w * 0.16))
        marks.append(Mark("bar", Rect(cx - col_w / 2, base - h, col_w, h), color, i, radius=radius))
        vb = vblocks[i]
        parts.place("value", values[i], vb, cx - pitch / 2, base - h - gap_v - vb.height, pitch)
        lb = lblocks[i]
        lw = pitch - st["label"].size * 0.3
        parts.place("label", d.label, lb, cx - lw / 2, base + rule_h + gap_l, lw)
    rule = (*ink[:3], 64)
    marks.insert(0, Mark("rule", Rect(box.x, base, box.w, rule_h), rule))  # type: ignore[arg-type]
    return marks


def _fitted_label(parts: _Parts, text: str, width: float, floor: float) -> TextBlock:
    """A column's label: on one line, shrunk down to ``floor`` px if need
    be; else on two lines; else shortened with an ellipsis."""
    size = parts.styles["label"].size
    one = parts.set("label", text, width, align="center", fit="shrink", min_size=min(floor, size))
    if not one.truncated:
        return one
    two = parts.set("label", text, width, max_lines=2, align="center", fit="shrink",
                    min_size=min(floor, size))
    return two


def _legend_height(data: Sequence[Datum], st: Mapping[str, TextStyle], library: FontLibrary) -> float:
    row = max(layout_text([Span("Hg", st["label"])], None, library=library).height,
              layout_text([Span("0%", st["value"])], None, library=library).height)
    gap = st["label"].size * 0.55
    n = len(data)
    return n * row + max(0, n - 1) * gap


def _donut(el: Element, data: Sequence[Datum], box: Rect, parts: _Parts, colors: Sequence[Color],
           paper: Color, language: str) -> tuple[list[Mark], tuple[float, ...], tuple[int, ...]]:
    st = parts.styles
    total = sum(d.value for d in data)
    shares = tuple(d.value / total for d in data)
    percents = tuple(round_shares([d.value for d in data]))
    fills = slice_colors(colors, paper, len(data))
    fills = [d.color or c for d, c in zip(data, fills, strict=True)]
    legend_h = _legend_height(data, st, parts.library)
    where = el.get("legend", "auto")
    if where == "auto":
        where = "right" if box.w >= box.h * 1.25 else "below"
    gap = st["label"].size * 1.2
    if where == "right":
        d = max(1.0, min(box.h, box.w * 0.45))
        ring = Rect(box.x, box.y + (box.h - d) / 2, d, d)
        lx, lw = box.x + d + gap, min(box.w - d - gap, st["label"].size * 18)
        ly = box.y + (box.h - legend_h) / 2
    else:
        d = max(1.0, min(box.w, box.h - legend_h - gap))
        ring = Rect(box.x + (box.w - d) / 2, box.y, d, d)
        lw = box.w
        lx, ly = box.x, box.y + d + gap
    hole = el.get("hole", 0.58)
    marks: list[Mark] = []
    angle = 0.0
    for i, (sh, c) in enumerate(zip(shares, fills, strict=True)):
        end = 360.0 if i == len(shares) - 1 else angle + 360.0 * sh
        marks.append(Mark("arc", ring, c, i, start=angle, end=end, hole=hole))
        angle = end
    row = max(layout_text([Span("Hg", st["label"])], None, library=parts.library).height,
              layout_text([Span("0%", st["value"])], None, library=parts.library).height)
    row_gap = st["label"].size * 0.55
    sw = st["label"].size * 0.72
    y = ly
    for i, (dat, c) in enumerate(zip(data, fills, strict=True)):
        marks.append(Mark("swatch", Rect(lx, y + (row - sw) / 2, sw, sw), c, i))
        pct = format_percent(percents[i] / 100, language, 0)
        pb = parts.set("value", pct, None)
        tx = lx + sw + st["label"].size * 0.5
        label_w = max(1.0, lx + lw - pb.content_width - st["label"].size * 0.6 - tx)
        lb = parts.set("label", dat.label, label_w, align="left")
        parts.place("label", dat.label, lb, tx, y + (row - lb.height) / 2, label_w)
        parts.place("value", pct, pb, lx + lw - pb.content_width, y + (row - pb.height) / 2)
        y += row + row_gap
    return marks, shares, percents


def _number(el: Element, data: Sequence[Datum], box: Rect, parts: _Parts, language: str,
            dry: bool = False, marks: list[Mark] | None = None) -> float:
    """Lay out a big number (value, label, change) from the top of ``box``;
    returns the height used.  ``dry``: measure only."""
    st = parts.styles
    d = data[0]
    align = el.get("align", "start")
    text = _value_text(el, d, language)
    vb = parts.set("value", text, box.w, align=align, fit="shrink", min_size=st["value"].size * 0.5)
    first = vb.lines[0] if vb.lines else None
    # the value's line keeps room above its figures for accents they never
    # have: the figures stand a third of it below the chart's top
    above = max(0.0, first.ascent - (first.ink_ascent or first.ascent)) if first is not None else 0.0
    y = box.y - above * 0.66
    if not dry:
        parts.place("value", text, vb, box.x, y, box.w)
    # figures have no descenders: the label comes up into the room the
    # value's line keeps below its ink, leaving a third of it
    last = vb.lines[-1] if vb.lines else None
    room = max(0.0, last.descent - (last.ink_descent or 0.0)) if last is not None else 0.0
    y += vb.height - room * 0.66 + st["label"].size * 0.12
    if d.label:
        lb = parts.set("label", d.label, box.w, max_lines=el.get("label-lines", 2), align=align)
        if not dry:
            parts.place("label", d.label, lb, box.x, y, box.w)
        y += lb.height
    if d.previous is not None and d.previous != 0:
        change = d.value / d.previous - 1
        y += st["change"].size * 0.3
        words = format_percent(change, language, None, signed=False).lstrip("\u2212-")
        if change == 0:
            words = format_percent(0, language, 0, signed=True)
        if d.note:
            words += " " + d.note
        cs = st["change"]
        tri = cs.size * 0.62 if change else 0.0
        tgap = cs.size * 0.3 if change else 0.0
        cb = parts.set("change", words, max(1.0, box.w - tri - tgap), align="start")
        if not dry:
            line_w = tri + tgap + cb.content_width
            x0 = box.x + {"start": 0.0, "center": (box.w - line_w) / 2,
                          "end": box.w - line_w}.get(align, 0.0)
            if change and marks is not None:
                first = cb.lines[0] if cb.lines else None
                mid = y + (first.baseline - cs.size * 0.36 if first else cb.height / 2)
                marks.append(Mark("triangle", Rect(x0, mid - tri * 0.45, tri, tri * 0.9),
                                  cs.color, 0, up=change > 0))
            parts.place("change", words, cb, x0 + tri + tgap, y)
        y += cb.height
    return y - box.y


# ---------------------------------------------------------------------------
# painting

#: Shapes are drawn this many times larger and reduced: smooth edges.
SUPERSAMPLE = 4


def _layer_paste(surface, layer: Image.Image, x: int, y: int) -> None:
    W, H = surface.image.size
    if x >= W or y >= H or x + layer.width <= 0 or y + layer.height <= 0:
        return
    cx, cy = max(0, -x), max(0, -y)
    layer = layer.crop((cx, cy, min(layer.width, W - x), min(layer.height, H - y)))
    surface.image.alpha_composite(layer, (x + cx, y + cy))


def _solid(size: tuple[int, int], color: Color, mask: Image.Image) -> Image.Image:
    layer = Image.new("RGBA", size, color[:3] + (0,))
    if color[3] < 255:
        mask = mask.point(lambda v: v * color[3] // 255)
    layer.putalpha(mask)
    return layer


def _paint_bar(surface, m: Mark) -> None:
    from .raster import rounded_mask

    x0, y0 = round(m.rect.x), round(m.rect.y)
    x1, y1 = round(m.rect.right), round(m.rect.bottom)
    w, h = x1 - x0, y1 - y0
    if w < 1 or h < 1:
        return
    mask = rounded_mask((w, h), m.radius)
    if m.rect.h > m.rect.w and m.radius:  # a column: square foot on its baseline
        mask.paste(255, (0, h - min(h, math.ceil(m.radius)), w, h))
    elif m.radius:  # a bar: square start at zero
        mask.paste(255, (0, 0, min(w, math.ceil(m.radius)), h))
    _layer_paste(surface, _solid((w, h), m.color, mask), x0, y0)


def _paint_rule(surface, m: Mark) -> None:
    x0, y0 = round(m.rect.x), round(m.rect.y)
    w, h = max(1, round(m.rect.right) - x0), max(1, round(m.rect.bottom) - y0)
    _layer_paste(surface, Image.new("RGBA", (w, h), m.color), x0, y0)


def _paint_donut(surface, arcs: Sequence[Mark], gap_px: float) -> None:
    """The slices of one ring, drawn at :data:`SUPERSAMPLE` times and
    reduced; slices are parted by a transparent gap ``gap_px`` wide and the
    hole is transparent, so the ring sits on whatever is behind it."""
    ring = arcs[0].rect
    x0, y0 = round(ring.x), round(ring.y)
    side = max(1, round(ring.w))
    ss = SUPERSAMPLE
    big = Image.new("RGBA", (side * ss, side * ss), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    box = (0, 0, side * ss - 1, side * ss - 1)
    for m in arcs:
        if m.end - m.start >= 359.999:
            draw.ellipse(box, fill=m.color)
        elif m.end > m.start:
            draw.pieslice(box, m.start - 90, m.end - 90, fill=m.color)
    c = side * ss / 2
    if len([m for m in arcs if m.end > m.start]) > 1:
        for m in arcs:
            a = math.radians(m.start - 90)
            draw.line((c, c, c + c * 1.02 * math.cos(a), c + c * 1.02 * math.sin(a)),
                      fill=(0, 0, 0, 0), width=max(1, round(gap_px * ss)))
    hole = arcs[0].hole * c
    if hole > 0:
        draw.ellipse((c - hole, c - hole, c + hole, c + hole), fill=(0, 0, 0, 0))
    _layer_paste(surface, big.reduce(ss), x0, y0)


def _paint_swatch(surface, m: Mark) -> None:
    from .raster import rounded_mask

    x0, y0 = round(m.rect.x), round(m.rect.y)
    side = max(1, round(m.rect.w))
    _layer_paste(surface, _solid((side, side), m.color, rounded_mask((side, side), side / 2)), x0, y0)


def _paint_triangle(surface, m: Mark) -> None:
    x0, y0 = math.floor(m.rect.x), math.floor(m.rect.y)
    w, h = math.ceil(m.rect.right) - x0, math.ceil(m.rect.bottom) - y0
    ss = SUPERSAMPLE
    mask = Image.new("L", (w * ss, h * ss), 0)
    lx, ty = (m.rect.x - x0) * ss, (m.rect.y - y0) * ss
    rx, by = lx + m.rect.w * ss, ty + m.rect.h * ss
    pts = [(lx, by), (rx, by), ((lx + rx) / 2, ty)] if m.up else [(lx, ty), (rx, ty), ((lx + rx) / 2, by)]
    ImageDraw.Draw(mask).polygon(pts, fill=255)
    _layer_paste(surface, _solid((w, h), m.color, mask.reduce(ss)), x0, y0)


def paint_chart(surface, node: Fragment) -> None:
    """Draw's painter for ``chart``: the marks of its :class:`ChartLayout`
    (bars with smooth corners, a donut's ring, swatches, change marks),
    then its text fragments, with :func:`libmedia.typography.draw_text_block`."""
    from .typography import draw_text_block

    chart: ChartLayout | None = node.chart
    if chart is None:
        return
    arcs = [m for m in chart.marks if m.kind == "arc"]
    if arcs:
        _paint_donut(surface, arcs, max(2.0, arcs[0].rect.w * 0.012))
    for m in chart.marks:
        if m.kind == "bar":
            _paint_bar(surface, m)
        elif m.kind == "rule":
            _paint_rule(surface, m)
        elif m.kind == "swatch":
            _paint_swatch(surface, m)
        elif m.kind == "triangle":
            _paint_triangle(surface, m)
    for child in node.children:
        if child.text is not None:
            draw_text_block(surface.image, child.text, (child.content.x, child.content.y),
                            surface.library)


__all__ = ["Amount", "ChartLayout", "Datum", "KINDS", "Mark", "check_data", "format_number",
           "format_percent", "lay_out_chart", "natural_height", "paint_chart", "parse_amount",
           "parse_colors", "round_shares"]
