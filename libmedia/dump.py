"""Readable text of the pipeline's intermediate stages, for ``libmedia render --dump``.

* :func:`dump_document`: the element tree, one element a line, indented two
  spaces per level, with its attributes as parsed and its template line::

      canvas background=#F7F3EAFF  @line 10
        text role=title max-lines=3 fit=shrink  @line 64
          "Laskar Pelangi"

* :func:`dump_layout`: the laid-out page, each element with its border box
  ``x,y wxh`` in pixels (absolute, from the canvas's top-left corner); text
  with its font size and each line's text, left edge and baseline (absolute
  y in px); images with their source or ``placeholder``, and a missing
  cover's typographic stand-in with its title, author and label boxes.

Deterministic: the same render gives the same text.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .layout import Fragment, Page, Rect, StandIn
from .markup import Element
from .style import Length

_COLOR_ATTRS = {"color", "stroke", "fill", "background"}


def _num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def _hex(c: tuple) -> str:
    return "#" + "".join(f"{int(x):02X}" for x in c)


def format_value(name: str, value: Any) -> str:
    """One parsed attribute value as compact text (colours in hex, lengths
    as ``120``/``50%``, edges as ``t r b l``)."""
    if isinstance(value, Length):
        return _num(value.value) + ("%" if value.percent else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        return _num(float(value))
    if isinstance(value, tuple):
        if name in _COLOR_ATTRS and len(value) == 4 and all(isinstance(x, int) for x in value):
            return _hex(value)
        return " ".join(format_value(name, v) for v in value)
    if dataclasses.is_dataclass(value):
        parts = [format_value(f.name if f.name != "color" else "color", getattr(value, f.name))
                 for f in dataclasses.fields(value)]
        return f"{type(value).__name__.lower()}({', '.join(parts)})"
    if isinstance(value, str):
        return value if value and not any(ch.isspace() for ch in value) else repr(value)
    return repr(value)


def _attrs(el: Element) -> str:
    return " ".join(f"{k}={format_value(k, v)}" for k, v in el.attrs.items())


def _head(el: Element) -> str:
    attrs = _attrs(el)
    return f"{el.tag} {attrs}  @line {el.line}" if attrs else f"{el.tag}  @line {el.line}"


def dump_document(doc: Element) -> str:
    """The document tree as indented text (see the module docstring)."""
    lines: list[str] = []

    def visit(el: Element, depth: int) -> None:
        pad = "  " * depth
        lines.append(pad + _head(el))
        if el.spans:
            for span in el.spans:
                extra = " ".join(f"{k}={format_value(k, v)}" for k, v in span.overrides.items())
                lines.append(f"{pad}  {span.text!r}" + (f"  [{extra}]" if extra else ""))
        for child in el.children:
            visit(child, depth + 1)

    visit(doc, 0)
    return "\n".join(lines) + "\n"


def _box(b: Rect) -> str:
    return f"{_num(float(b.x))},{_num(float(b.y))} {_num(float(b.w))}x{_num(float(b.h))}"


def dump_layout(page: Page) -> str:
    """The laid-out page as indented text (see the module docstring)."""
    lines = [f"page {page.width}x{page.height} px"]

    def visit(node: Fragment, depth: int) -> None:
        pad = "  " * (depth + 1)
        el = node.element
        ident = f" role={el.get('role')}" if el.get("role") else ""
        head = f"{pad}{el.tag}{ident} box={_box(node.box)}"
        if node.content != node.box:
            head += f" content={_box(node.content)}"
        res = node.asset
        if res is not None:
            head += " placeholder" if res.placeholder else f" src={res.source!r}"
            if res.original_size:
                head += f" original={res.original_size[0]}x{res.original_size[1]}"
        block = node.text
        if block is not None:
            head += f" size={_num(float(block.size))} lines={len(block.lines)}"
            head += " truncated" if block.truncated else ""
            head += " overflow" if block.overflow else ""
        lines.append(f"{head}  @line {el.line}")
        if block is not None:
            _lines(block, node.content.x, node.content.y, pad)
        if node.stand_in is not None:
            _stand_in(node.stand_in, pad + "  ")
        for child in node.children:
            visit(child, depth + 1)

    def _lines(block, x0: float, y0: float, pad: str) -> None:
        for ln in block.lines:
            lines.append(f"{pad}  | x={_num(float(x0 + ln.x))} baseline={_num(float(y0 + ln.baseline))} "
                         f"w={_num(float(ln.width))} {ln.text!r}")

    def _stand_in(s: StandIn, pad: str) -> None:
        st = s.style
        lines.append(f"{pad}stand-in box={_box(s.rect)} base={_hex(st.base)} on={_hex(st.on)}")
        for part in s.parts:
            x, y = s.rect.x + part.at[0], s.rect.y + part.at[1]
            b = part.text
            head = (f"{pad}  text role={part.role} box={_box(Rect(x, y, b.content_width, b.height))}"
                    f" size={_num(float(b.size))} lines={len(b.lines)}")
            lines.append(head + (" truncated" if b.truncated else ""))
            _lines(b, x, y, pad + "  ")
        r0, r1, r2, r3 = s.rule
        lines.append(f"{pad}  rule box={_box(Rect(s.rect.x + r0, s.rect.y + r1, r2 - r0 + 1, r3 - r1 + 1))}"
                     f" color={_hex(st.rule)}")

    visit(page.root, 0)
    return "\n".join(lines) + "\n"
