"""Layout markup: XML text -> a validated tree of frozen elements (the *document*).

The markup is what a template's ``layout.xml.j2`` renders to.  It is parsed
with expat with document type declarations refused (so no entity expansion,
no external entities: "billion laughs" and XXE cannot happen), within the
limits of :mod:`libmedia.sandbox` (length, element count, nesting depth: a
template may come from a stranger), and validated against the schema below.  Every problem (unknown element, unknown attribute,
bad value, text where none belongs) is collected and raised at once as a
:class:`~libmedia.errors.ProblemList` of :class:`~libmedia.errors.TemplateError`,
each naming the template file and line.

Elements
--------
Containers: ``canvas`` (the root, a column), ``column``, ``row``, ``stack``
(children on top of each other), ``grid``.  Leaves: ``text`` (with inline
``b``, ``i``, ``span``, ``br``), ``image``, ``shape``, ``qr``, ``spacer``,
``chart`` (holding ``datum`` elements: :mod:`libmedia.chart`).
See :data:`SCHEMA` for every attribute and its type.

Legibility
----------
``<text legibility="scrim">`` asks libmedia to make the text legible on
whatever is drawn behind it (a cover, a photo, a gradient): when the pixels
behind its lines give less contrast than WCAG 2 AA asks (4.5:1, 3:1 for
large text), a rounded panel in a deep (or pale) shade of that backdrop is
laid behind the lines first, just opaque enough to pass, and measured
again (:func:`libmedia.draw.add_scrim`).  Where the contrast is already
enough nothing is added.  ``legibility="none"`` (the default) adds nothing;
either way the ``low-contrast`` lint rule measures the text as drawn and
warns when it falls short, saying so when a scrim was asked for.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from . import sandbox
from . import style as S
from .errors import Location, ProblemList, TemplateError

# ---------------------------------------------------------------------------
# schema


def _enum(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        v = value.strip().lower()
        if v not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return v

    parse.__doc__ = "one of " + ", ".join(choices)
    return parse


def _text(value: str) -> str:
    return value


def _weight(value: str) -> int:
    names = {"thin": 100, "extralight": 200, "light": 300, "regular": 400, "normal": 400,
             "medium": 500, "semibold": 600, "bold": 700, "extrabold": 800, "black": 900}
    v = value.strip().lower()
    if v in names:
        return names[v]
    try:
        w = int(v)
    except ValueError:
        raise ValueError(f"expected a weight 100-900 or a name like bold, got {value!r}") from None
    if not 1 <= w <= 1000:
        raise ValueError(f"expected a weight from 100 to 900, got {value!r}")
    return w


def _positive(value: str) -> float:
    n = S.parse_number(value)
    if n <= 0:
        raise ValueError(f"expected a number above 0, got {value!r}")
    return n


def _non_negative(value: str) -> float:
    n = S.parse_number(value)
    if n < 0:
        raise ValueError(f"expected 0 or more, got {value!r}")
    return n


def _quiet_zone(value: str) -> float:
    """A QR code's quiet zone in modules: 0 to 40 (ISO/IEC 18004 asks 4; the
    code is drawn module by module, so a margin of millions would take
    gigabytes)."""
    n = _non_negative(value)
    if n > 40:
        raise ValueError(f"expected a quiet zone of 0 to 40 modules, got {value!r}")
    return n


def _max_lines(value: str) -> int:
    n = S.parse_int(value)
    if n < 1:
        raise ValueError(f"expected 1 or more, got {value!r}")
    return n


def _tracks(value: str) -> tuple[str, ...]:
    """Grid tracks: ``"3"`` (three equal columns) or ``"1fr 2fr 200"``."""
    v = value.strip()
    if re.fullmatch(r"\d+", v):
        n = int(v)
        if n < 1:
            raise ValueError("expected at least one track")
        return ("1fr",) * n
    parts = v.split()
    for p in parts:
        if not re.fullmatch(r"\d+(\.\d+)?(fr|px|%)?|auto", p):
            raise ValueError(f"expected tracks like '3' or '1fr 2fr 200', got {value!r}")
    return tuple(parts)


def _seconds(value: str) -> float:
    """A time: ``0.6``, ``0.6s`` or ``600ms`` -> seconds."""
    v = value.strip().lower()
    try:
        if v.endswith("ms"):
            out = float(v[:-2]) / 1000
        else:
            out = float(v[:-1] if v.endswith("s") else v)
    except ValueError:
        raise ValueError(f"expected seconds like 0.6, 0.6s or 600ms, got {value!r}") from None
    if out < 0 or out != out or out == float("inf"):
        raise ValueError(f"expected a time of 0 seconds or more, got {value!r}")
    return out


def _zoom_pair(value: str) -> tuple[float, float]:
    parts = value.replace(",", " ").split()
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        nums = []
    if len(nums) == 1:
        nums = [1.0, nums[0]]
    if len(nums) != 2 or not all(0.5 <= n <= 3.0 for n in nums):
        raise ValueError(f"expected a start and end zoom like '1 1.15' (each 0.5 to 3), got {value!r}")
    return (nums[0], nums[1])


def _volume(value: str) -> float:
    v = value.strip()
    try:
        out = float(v[:-1]) / 100 if v.endswith("%") else float(v)
    except ValueError:
        raise ValueError(f"expected a volume like 0.8 or 80%, got {value!r}") from None
    if not 0.0 <= out <= 2.0:
        raise ValueError(f"expected a volume from 0 to 2 (200%), got {value!r}")
    return out


def _subtitle(value: str) -> bool | str:
    """``true``/``false``, or the text the subtitles show instead."""
    try:
        return S.parse_bool(value)
    except ValueError:
        return value.strip()


def _chart_colors(value: str) -> tuple:
    from .chart import parse_colors

    return parse_colors(value)


def _decimals(value: str) -> int:
    n = S.parse_int(value)
    if not 0 <= n <= 4:
        raise ValueError(f"expected 0 to 4 decimals, got {value!r}")
    return n


def _hole(value: str) -> float:
    f = S.parse_fraction(value)
    if f >= 0.95:
        raise ValueError(f"expected a hole under 95% of the ring, got {value!r}")
    return f


def _effect(value: str) -> str:
    from .motion.effects import EFFECTS

    return _enum("none", *EFFECTS)(value)


def _easing(value: str) -> str:
    from .motion.easing import EASINGS

    return _enum(*EASINGS)(value)


def _transition(value: str) -> str:
    from .motion.effects import TRANSITION_NAMES

    return _enum(*TRANSITION_NAMES)(value)


#: Animation of any element inside a video scene (seconds from the scene's start).
MOTION: dict[str, Callable[[str], Any]] = {
    "enter": _effect,
    "enter-delay": _seconds,
    "enter-duration": _seconds,
    "exit": _effect,
    "exit-at": _seconds,
    "exit-duration": _seconds,
    "easing": _easing,
}

LAYOUT: dict[str, Callable[[str], Any]] = {
    "id": _text,
    "width": S.parse_length, "height": S.parse_length,
    "min-width": S.parse_length, "min-height": S.parse_length,
    "max-width": S.parse_length, "max-height": S.parse_length,
    "grow": _non_negative, "shrink": _non_negative, "basis": S.parse_length,
    "align-self": _enum("auto", "start", "center", "end", "stretch"),
    "margin": S.parse_edges,
    "position": _enum("relative", "absolute"),
    "top": S.parse_length, "right": S.parse_length, "bottom": S.parse_length, "left": S.parse_length,
    "aspect-ratio": _positive,
    "opacity": S.parse_fraction,
    "column": _text, "row": _text,  # grid placement: "1", "1 / 3", "span 2"
    **MOTION,
}

BOX: dict[str, Callable[[str], Any]] = {
    "gap": _non_negative, "row-gap": _non_negative, "column-gap": _non_negative,
    "padding": S.parse_edges,
    "align": _enum("start", "center", "end", "stretch", "baseline"),
    "justify": _enum("start", "center", "end", "space-between", "space-around", "space-evenly"),
    "wrap": S.parse_bool,
    "background": S.parse_paint,
    "background-image": _text,
    "background-blur": _non_negative,
    "background-darken": S.parse_fraction,
    "background-focal": S.parse_focal,
    "radius": _non_negative,
    "border": S.parse_border,
    "shadow": S.parse_shadow,
}

TYPE: dict[str, Callable[[str], Any]] = {
    "role": _text,
    "family": _text,
    "weight": _weight,
    "italic": S.parse_bool,
    "size": _positive,
    "color": S.parse_paint_color,
    "line-height": _positive,
    "letter-spacing": S.parse_number,
    "transform": _enum("none", "uppercase", "lowercase", "capitalize"),
    "lang": _text,
}

SCHEMA: dict[str, dict[str, Callable[[str], Any]]] = {
    "canvas": {**BOX, "id": _text},
    "video": {
        "id": _text,
        "music": _text,
        "volume": _volume,
        "music-start": _seconds,
        "fade-in": _seconds,
        "fade-out": _seconds,
        "cover-time": _seconds,
    },
    "scene": {
        **BOX, "id": _text,
        "duration": _seconds,
        "transition": _transition,
        "transition-duration": _seconds,
    },
    "column": {**LAYOUT, **BOX},
    "row": {**LAYOUT, **BOX},
    "stack": {**LAYOUT, **BOX},
    "grid": {**LAYOUT, **BOX, "columns": _tracks, "rows": _tracks},
    "text": {
        **LAYOUT, **TYPE,
        "align": _enum("start", "end", "left", "center", "right"),
        "max-lines": _max_lines,
        # with fit="shrink": the lines a text cut at its min-size may take instead
        # (a long catalogue title set whole rather than shortened)
        "floor-lines": _max_lines,
        "fit": _enum("none", "shrink"),
        "min-size": _positive,
        "ellipsis": S.parse_bool,
        "direction": _enum("auto", "ltr", "rtl"),
        "balance": S.parse_bool,
        "background": S.parse_paint, "padding": S.parse_edges, "radius": _non_negative,
        "subtitle": _subtitle,  # in a video: in the subtitles (true), left out (false), or this text
        # "scrim": a panel laid behind the text when what is drawn behind it gives
        # less contrast than WCAG 2 AA asks (libmedia.draw.add_scrim); "none" the default
        "legibility": _enum("none", "scrim"),
    },
    "image": {
        **LAYOUT,
        "src": _text,
        "fit": _enum("contain", "cover", "fill"),
        "focal": S.parse_focal,
        "radius": _non_negative,
        "border": S.parse_border,
        "shadow": S.parse_shadow,
        "placeholder-title": _text,
        "placeholder-author": _text,
        "placeholder-label": _text,
        "alt": _text,
        "upscale-warning": S.parse_bool,
        "motion": _enum("none", "ken-burns"),
        "zoom": _zoom_pair,
        "pan": _enum("none", "left", "right", "up", "down"),
    },
    "shape": {
        **LAYOUT,
        "kind": _enum("rect", "rounded", "circle", "line"),
        "fill": S.parse_paint,
        "stroke": S.parse_paint_color,
        "stroke-width": _non_negative,
        "radius": _non_negative,
        "shadow": S.parse_shadow,
    },
    "qr": {
        **LAYOUT,
        "data": _text,
        "size": _positive,
        "color": S.parse_paint_color,
        "background": S.parse_paint_color,
        "quiet-zone": _quiet_zone,
        "error": _enum("l", "m", "q", "h"),
    },
    "spacer": {**LAYOUT},
    "chart": {
        **LAYOUT,
        "kind": _enum("bar", "column", "donut", "number"),
        "colors": _chart_colors,
        "decimals": _decimals,
        "align": _enum("start", "center", "end"),
        "legend": _enum("auto", "right", "below"),
        "hole": _hole,
        "thickness": _positive,
        "gap": _non_negative,
        "radius": _non_negative,
        "label-lines": _max_lines,
        "label-min-size": _positive,
        "lang": _text,
        **{f"{part}-{key}": parse for part in ("label", "value", "change")
           for key, parse in (("role", _text), ("size", _positive), ("color", S.parse_color),
                              ("weight", _weight))},
    },
}

#: The data elements a ``chart`` holds (see :mod:`libmedia.chart`).
DATUM: dict[str, Callable[[str], Any]] = {
    "label": _text,
    "value": _text,      # numbers are read by libmedia.chart.check_data, which names the datum
    "previous": _text,
    "note": _text,
    "color": S.parse_color,
}

INLINE: dict[str, dict[str, Callable[[str], Any]]] = {
    "b": {}, "strong": {}, "i": {}, "em": {},
    "span": {k: TYPE[k] for k in ("family", "weight", "italic", "color", "transform", "role")},
    "br": {},
}

CONTAINERS = {"canvas", "column", "row", "stack", "grid", "scene", "video"}
REQUIRED = {"image": ("src",), "qr": ("data",), "scene": ("duration",), "chart": ("kind",),
            "datum": ("value",)}
#: The elements a layout may start with: an image's page, or a video's scenes.
ROOTS = ("canvas", "video")


# ---------------------------------------------------------------------------
# document tree


@dataclass(frozen=True)
class InlineSpan:
    """A piece of a text element: its characters and the inline overrides in
    force (``weight``, ``italic``, ``color``, ``family``, ``transform``)."""

    text: str
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Element:
    """One element of the document.

    ``tag``       element name;
    ``attrs``     attribute name -> parsed value (see :data:`SCHEMA`);
    ``children``  child elements (containers only);
    ``spans``     the text content (text elements only);
    ``line``      1-based line in the template source where it is written
                  (or in the rendered markup when that cannot be told);
    ``path``      its place in the tree, e.g. ``canvas/column[0]/text[2]``.
    """

    tag: str
    attrs: Mapping[str, Any]
    children: tuple[Element, ...] = ()
    spans: tuple[InlineSpan, ...] = ()
    line: int = 0
    path: str = ""

    def get(self, name: str, default: Any = None) -> Any:
        return self.attrs.get(name, default)

    @property
    def plain_text(self) -> str:
        return "".join(s.text for s in self.spans)

    def walk(self):
        """This element and all below it, depth first."""
        yield self
        for c in self.children:
            yield from c.walk()


# ---------------------------------------------------------------------------
# parsing


#: Attribute the template loader adds to every start tag of layout.xml.j2 with
#: the tag's source line (see templating.instrument_lines); never user-facing.
LINE_ATTR = "_line"
_LINE_MARK = re.compile(r'\s_line="(\d+)"')


@dataclass
class _Raw:
    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list = field(default_factory=list)  # _Raw or str
    source_line: int | None = None


class _Builder:
    def __init__(self, filename: str = "layout.xml.j2") -> None:
        self.root: _Raw | None = None
        self.stack: list[_Raw] = []
        self.filename = filename
        self.count = 0
        self.most = sandbox.limit("elements")
        self.deepest = sandbox.limit("nesting")
        self.parser = expat.ParserCreate()
        p = self.parser
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.data
        p.StartDoctypeDeclHandler = self._forbid
        p.EntityDeclHandler = self._forbid
        p.ExternalEntityRefHandler = self._forbid
        p.buffer_text = True

    def _forbid(self, *args) -> None:
        raise _Forbidden("document type declarations and entities are not allowed in layout markup")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        marked = attrs.pop(LINE_ATTR, None)
        node = _Raw(tag, attrs, self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1,
                    source_line=int(marked) if marked and marked.isdigit() else None)
        self.count += 1
        where = Location(file=self.filename, line=node.source_line or node.line)
        if self.count > self.most:
            raise _Limit(sandbox.limit_error("elements", f"the layout has over {self.most:,} "
                                             "elements", where))
        if len(self.stack) >= self.deepest:
            raise _Limit(sandbox.limit_error("nesting", f"<{tag}> is nested {len(self.stack) + 1} "
                                             "elements deep", where))
        if self.stack:
            self.stack[-1].children.append(node)
        elif self.root is None:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].children.append(text)


class _Forbidden(Exception):
    pass


class _Limit(Exception):
    """A limit of :mod:`libmedia.sandbox` reached while parsing (carries the error)."""

    def __init__(self, error: TemplateError):
        super().__init__(error.message)
        self.error = error


def parse_markup(markup: str, filename: str = "layout.xml.j2", expect: str = "canvas") -> Element:
    """Parse and validate rendered layout markup.

    ``filename`` names the template file in errors, with the source line
    each tag carries (the template loader marks every start tag with it, see
    :func:`libmedia.templating.instrument_lines`); a tag without the mark
    (markup written by hand) is named by its line in ``markup``.  Returns the
    root element, which must be ``expect``: ``canvas`` for an image, ``video``
    (holding ``scene`` elements, each laid out like a canvas) for a clip.

    Limits (:data:`libmedia.sandbox.LIMITS`): the markup's length
    (``markup-length``), its number of elements (``elements``) and how deep
    they nest (``nesting``); going over one is the limit's
    :class:`TemplateError`, raised at once with the line where it happened.

    Raises :class:`ProblemList` of :class:`TemplateError` listing every
    problem, each with ``file:line``.
    """
    if len(markup) > sandbox.limit("markup-length"):
        raise sandbox.limit_error("markup-length", f"the layout markup is {len(markup):,} "
                                  "characters long", Location(file=filename))
    b = _Builder(filename)
    try:
        b.parser.Parse(markup, True)
    except _Limit as exc:
        raise exc.error from None
    except _Forbidden as exc:
        raise TemplateError(str(exc), Location(file=filename, line=b.parser.CurrentLineNumber),
                            hint="remove the <!DOCTYPE> or <!ENTITY> declaration") from None
    except UnicodeEncodeError as exc:  # a lone surrogate: no encoding, so no XML, can hold it
        line = markup.count("\n", 0, exc.start) + 1
        raise TemplateError(
            f"the layout markup holds U+{ord(markup[exc.start]):04X}, half of a UTF-16 pair, "
            "which no XML document can hold",
            Location(file=filename + " (rendered)", line=line),
            hint="the value comes from the data or the template: remove the character "
                 "(libmedia removes it from data files it reads)") from None
    except expat.ExpatError as exc:
        line = exc.lineno
        lines = markup.splitlines()
        raw = lines[line - 1] if 0 < line <= len(lines) else ""
        context = _LINE_MARK.sub("", raw).strip()
        # the template line: that of the last start tag before the fault (the loader
        # marks every start tag with its line in layout.xml.j2, templating.instrument_lines)
        before = "\n".join(lines[:line - 1] + [raw[:exc.offset + 1]])
        # and as many lines further as the fault lies below that tag in the markup
        found = list(_LINE_MARK.finditer(before))
        last = found[-1] if found else None
        where = (Location(file=filename, line=int(last.group(1)) + before.count(
                     "\n", last.end())) if last is not None else
                 Location(file=filename + " (rendered)", line=line, column=exc.offset + 1))
        raise TemplateError(
            f"the layout markup is not well-formed XML: {expat.errors.messages[exc.code]}",
            where,
            hint=("an element opened on this line or above it is not closed: every <text> "
                  "needs its </text>, a <row> its </row>, an <image .../> the / before its >; "
                  "and attribute values are in quotes (here the layout reads "
                  f"{context[:160]!r})"),
        ) from None
    if b.root is None:
        raise TemplateError("the layout is empty", Location(file=filename),
                            hint="a layout starts with <canvas>")
    problems: list[TemplateError] = []
    counts: dict[str, int] = {}
    root = _convert(b.root, "", problems, filename, counts)
    if root is not None and root.tag != expect:
        hint = ("a video template's layout is <video> holding <scene duration=\"3\"> elements"
                if expect == "video" else "wrap the layout in <canvas>...</canvas>")
        if root.tag == "video":
            hint = 'a <video> layout needs kind = "video" in template.toml'
        problems.insert(0, TemplateError(f"the layout starts with <{root.tag}>, not <{expect}>",
                                         Location(file=filename, line=root.line), hint=hint))
    if root is not None:
        problems += _nesting(root, filename)
    if problems:
        raise ProblemList(problems, f"{len(problems)} problem(s) in {filename}")
    assert root is not None
    return root


def _nesting(root: Element, filename: str) -> list[TemplateError]:
    """Where ``video`` and ``scene`` may stand: a video holds scenes only;
    a scene stands only in a video; a video is only a root."""
    out: list[TemplateError] = []
    for el in root.walk():
        for c in el.children:
            if c.tag == "video":
                out.append(TemplateError("<video> inside another element", Location(file=filename, line=c.line),
                                         hint="<video> is the whole layout of a video template"))
            elif c.tag == "scene" and el.tag != "video":
                out.append(TemplateError(f"<scene> inside <{el.tag}>", Location(file=filename, line=c.line),
                                         hint="scenes stand directly inside <video>"))
            elif el.tag == "video" and c.tag != "scene":
                out.append(TemplateError(f"<{c.tag}> directly inside <video>",
                                         Location(file=filename, line=c.line),
                                         hint="put it inside a <scene duration=\"3\">...</scene>"))
    if root.tag == "video" and not root.children:
        out.append(TemplateError("the video has no scenes", Location(file=filename, line=root.line),
                                 hint='add <scene duration="3">...</scene> elements'))
    return out


def _problem(filename: str, raw: _Raw, msg: str, hint: str | None = None) -> TemplateError:
    return TemplateError(msg, Location(file=filename, line=raw.source_line or raw.line), hint=hint)


def _parse_attrs(raw: _Raw, schema: Mapping[str, Callable[[str], Any]],
                 problems: list, filename: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in raw.attrs.items():
        parser = schema.get(name)
        if parser is None:
            close = _closest(name, schema)
            problems.append(_problem(filename, raw, f"<{raw.tag}> has no attribute '{name}'",
                                     hint=(f"did you mean '{close}'? " if close else "")
                                     + "allowed: " + ", ".join(sorted(schema))))
            continue
        try:
            parsed = parser(value)
        except ValueError as exc:
            problems.append(_problem(filename, raw,
                                     f"<{raw.tag} {name}=\"{value}\">: {exc}"))
            continue
        if not _finite(parsed):
            problems.append(_problem(filename, raw, f"<{raw.tag} {name}=\"{value}\">: expected a "
                                     "finite number (not inf or nan)",
                                     hint="write an ordinary number, e.g. 24"))
            continue
        out[name] = parsed
    for req in REQUIRED.get(raw.tag, ()):
        if req not in raw.attrs:
            problems.append(_problem(filename, raw,
                                     f"<{raw.tag}> needs a '{req}' attribute"))
    return out


def _finite(value: Any) -> bool:
    """Whether every number in a parsed attribute value (a number, a tuple
    of edges, a length, a shadow...) is finite: ``inf`` and ``nan`` parse
    as numbers but no size, place or blur can use them."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (tuple, list)):
        return all(_finite(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(_finite(getattr(value, f.name)) for f in dataclasses.fields(value))
    return True


def _closest(name: str, options) -> str | None:
    import difflib

    m = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return m[0] if m else None


def _convert(raw: _Raw, parent_path: str, problems: list, filename: str,
             counts: dict[str, int]) -> Element | None:
    occurrence = counts.get(raw.tag, 0)
    counts[raw.tag] = occurrence + 1
    path = f"{parent_path}/{raw.tag}[{occurrence}]" if parent_path else raw.tag
    schema = SCHEMA.get(raw.tag)
    if raw.tag == "datum":
        problems.append(_problem(filename, raw, "<datum> outside a <chart>",
                                 hint="a datum is one bar, column, slice or number of a "
                                      "<chart kind=\"...\">: put it inside one"))
        return None
    if schema is None:
        close = _closest(raw.tag, list(SCHEMA) + list(INLINE))
        problems.append(_problem(filename, raw, f"unknown element <{raw.tag}>",
                                 hint=(f"did you mean <{close}>? " if close else "")
                                 + "elements: " + ", ".join(SCHEMA)))
        return None
    attrs = _parse_attrs(raw, schema, problems, filename)
    line = raw.source_line or raw.line
    if raw.tag == "text":
        spans = _inline(raw, {}, problems, filename, counts)
        return Element("text", attrs, (), tuple(_merge_spans(spans)), line, path)
    if raw.tag == "chart":
        return _chart(raw, attrs, path, line, problems, filename)
    children: list[Element] = []
    for child in raw.children:
        if isinstance(child, str):
            if child.strip():
                problems.append(_problem(
                    filename, raw,
                    f"text {child.strip()[:40]!r} directly inside <{raw.tag}>",
                    hint="put text in a <text> element"))
            continue
        if raw.tag not in CONTAINERS:
            problems.append(_problem(filename, raw,
                                     f"<{raw.tag}> cannot contain <{child.tag}>",
                                     hint="only canvas, scene, column, row, stack and grid hold elements"))
            continue
        el = _convert(child, path, problems, filename, counts)
        if el is not None:
            children.append(el)
    return Element(raw.tag, attrs, tuple(children), (), line, path)


def _chart(raw: _Raw, attrs: dict[str, Any], path: str, line: int, problems: list,
           filename: str) -> Element:
    """A ``chart`` element: its ``datum`` children checked
    (:func:`libmedia.chart.check_data`: every bad value named with its
    datum and line), then its text parts (:func:`libmedia.chart.part_elements`)."""
    from .chart import check_data, part_elements

    data: list[Element] = []
    for child in raw.children:
        if isinstance(child, str):
            if child.strip():
                problems.append(_problem(filename, raw, f"text {child.strip()[:40]!r} directly "
                                         "inside <chart>",
                                         hint="a chart's words are its data's labels: "
                                              "<datum label=\"...\" value=\"...\"/>"))
            continue
        if child.tag != "datum":
            problems.append(_problem(filename, child, f"<chart> cannot contain <{child.tag}>",
                                     hint="a chart holds <datum label=\"...\" value=\"...\"/> "
                                          "elements only"))
            continue
        before = len(problems)
        d_attrs = _parse_attrs(child, DATUM, problems, filename)
        for grand in child.children:
            if not isinstance(grand, str) or grand.strip():
                problems.append(_problem(filename, child, "<datum> holds nothing",
                                         hint="write <datum label=\"...\" value=\"...\"/>"))
                break
        if len(problems) == before:
            data.append(Element("datum", d_attrs, (), (), child.source_line or child.line,
                                f"{path}/datum[{len(data)}]"))
    if "kind" in attrs:
        for d, message, hint in check_data(attrs["kind"], data):
            problems.append(TemplateError(message, Location(file=filename, line=d.line if d else line),
                                          hint=hint))
    return Element("chart", attrs, (*data, *part_elements(attrs, path, line)), (), line, path)


def _inline(raw: _Raw, overrides: dict, problems: list, filename: str,
            counts: dict[str, int]) -> list[InlineSpan]:
    spans: list[InlineSpan] = []
    for child in raw.children:
        if isinstance(child, str):
            spans.append(InlineSpan(child, dict(overrides)))
            continue
        occurrence = counts.get(child.tag, 0)
        counts[child.tag] = occurrence + 1
        schema = INLINE.get(child.tag)
        if schema is None:
            problems.append(_problem(filename, child,
                                     f"<{child.tag}> cannot be used inside <text>",
                                     hint="inside <text> use <b>, <i>, <span> and <br/>"))
            continue
        if child.tag == "br":
            spans.append(InlineSpan("\n", dict(overrides)))
            continue
        attrs = _parse_attrs(child, schema, problems, filename)
        o = dict(overrides)
        if child.tag in ("b", "strong"):
            o["weight"] = 700
        elif child.tag in ("i", "em"):
            o["italic"] = True
        o.update(attrs)
        spans.extend(_inline(child, o, problems, filename, counts))
    return spans


def _merge_spans(spans: list[InlineSpan]) -> list[InlineSpan]:
    """Join neighbouring spans with the same overrides; collapse the white
    space that indenting the markup adds (runs of spaces, tabs and newlines
    become one space, trimmed at both ends), as HTML does.  Line breaks that
    belong to the data arrive as U+2028 LINE SEPARATOR (the template
    environment writes data newlines so) and ``<br/>``, and are kept."""
    out: list[InlineSpan] = []
    for s in spans:
        if out and out[-1].overrides == s.overrides and "\n" not in (s.text, out[-1].text):
            out[-1] = InlineSpan(out[-1].text + s.text, out[-1].overrides)
        else:
            out.append(s)
    cleaned: list[InlineSpan] = []
    for s in out:
        t = s.text
        if t == "\n":
            cleaned.append(s)
            continue
        t = re.sub(r"[ \t\r\n]+", " ", t)
        t = re.sub(r" ?\u2028 ?", "\n", t)
        cleaned.append(InlineSpan(t, s.overrides))
    # trim leading/trailing spaces of the whole paragraph
    while cleaned and not cleaned[0].text.strip(" "):
        if cleaned[0].text == "\n":
            break
        cleaned.pop(0)
    while cleaned and not cleaned[-1].text.strip(" "):
        if cleaned[-1].text == "\n":
            break
        cleaned.pop()
    if cleaned:
        cleaned[0] = InlineSpan(cleaned[0].text.lstrip(" "), cleaned[0].overrides)
        cleaned[-1] = InlineSpan(cleaned[-1].text.rstrip(" "), cleaned[-1].overrides)
    # no spaces around forced line breaks
    result = []
    for i, s in enumerate(cleaned):
        t = s.text
        if i + 1 < len(cleaned) and cleaned[i + 1].text == "\n":
            t = t.rstrip(" ")
        if i > 0 and cleaned[i - 1].text == "\n":
            t = t.lstrip(" ")
        result.append(InlineSpan(t, s.overrides))
    return [s for s in result if s.text]
