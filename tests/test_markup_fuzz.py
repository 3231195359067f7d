"""Fuzzing the layout markup parser (issue 9): whatever text reaches
:func:`libmedia.markup.parse_markup` (arbitrary strings, the shipped
templates' own rendered markup cut, spliced and with attribute values
replaced, and well-formed documents built from the schema with random
values) it returns a document or raises one of libmedia's own errors
(:class:`LibmediaError`: a ``TemplateError`` naming the line), never
another exception.  (Nesting thousands deep is the page limits' part,
tested with them.)  Deterministic (``derandomize``) and fast (200 examples
a test)."""

from __future__ import annotations

import re
from functools import lru_cache
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from libmedia.errors import LibmediaError
from libmedia.markup import INLINE, SCHEMA, parse_markup

FUZZ = settings(derandomize=True, max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TEMPLATES = ["new-book", "book-quote", "event", "new-books-grid", "announcement", "stats",
             "new-books-carousel"]


@lru_cache(maxsize=1)
def real_markups() -> tuple[tuple[str, str], ...]:
    """(expected root, markup) the shipped image templates render for their
    own sample, in their first format (page 0)."""
    from libmedia.brand import load_brand
    from libmedia.jobs import open_template, resolve_formats
    from libmedia.render import RenderInput, render_until, sample_records
    from libmedia.templating import find_template

    out = []
    brand = load_brand(None)
    for name in TEMPLATES:
        try:
            find_template(name)
        except LibmediaError:
            continue
        template = open_template(name)
        records = sample_records(template)[: max(template.records.low, 1)]
        fmt = resolve_formats(template)[0]
        page = 0 if template.kind == "carousel" else None
        stages = render_until(RenderInput(template, records, fmt, brand), "markup", page=page)
        out.append(("canvas", stages.markup))
    assert out
    return tuple(out)


def parses_or_says_why(markup: str, expect: str = "canvas") -> None:
    try:
        parse_markup(markup, "fuzz.xml", expect=expect)
    except LibmediaError as exc:
        assert exc.message  # a message to show, and (for one problem) a line
    # any other exception propagates and fails the test


def test_the_real_markups_parse():
    for expect, markup in real_markups():
        parse_markup(markup, "real.xml", expect=expect)


@FUZZ
@given(st.text(st.characters(exclude_categories=()), max_size=400))
def test_arbitrary_text(text):
    """Any characters, lone surrogates and controls included."""
    parses_or_says_why(text)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' &;#x!?-[]abcdeimnpqrstvxy0123456789\n")),
               max_size=300))
def test_markup_like_text(text):
    parses_or_says_why("<canvas>" + text + "</canvas>")
    parses_or_says_why(text)


#: Any character, lone surrogates and control characters included.
_ANY = st.characters(exclude_categories=())

_ATTR = re.compile(r'(\s[\w:-]+)="[^"]*"')


@st.composite
def mutated(draw):
    """A real template's markup with a few random edits: a slice deleted, a
    slice repeated, random text inserted, an attribute's value replaced."""
    expect, markup = draw(st.sampled_from(real_markups()))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "repeat", "insert", "attribute"]))
        n = len(markup)
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, min(n, a + 200)))
        if kind == "delete":
            markup = markup[:a] + markup[b:]
        elif kind == "repeat":
            markup = markup[:b] + markup[a:b] + markup[b:]
        elif kind == "insert":
            markup = markup[:a] + draw(st.text(_ANY, max_size=40)) + markup[a:]
        else:
            attrs = list(_ATTR.finditer(markup))
            if attrs:
                m = draw(st.sampled_from(attrs))
                value = draw(st.one_of(
                    st.text(_ANY, max_size=30),
                    st.sampled_from(["-1", "0", "1e309", "nan", "inf", "-inf", "", " ", "1fr -2",
                                     "999999999999999999999", "0.0000001", "#", "#ggg", "100%",
                                     "1 2 3 4 5", "auto", "none", "1/0", "bold", "9e9px"]),
                    st.floats(allow_nan=True, allow_infinity=True).map(str)))
                markup = markup[:m.start()] + f"{m.group(1)}={quoteattr(value)}" + markup[m.end():]
    return expect, markup


@FUZZ
@given(mutated())
def test_mutated_real_markup(case):
    expect, markup = case
    parses_or_says_why(markup, expect)


_VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["0", "1", "-1", "2.5", "1e400", "nan", "inf", "", "100%", "50%", "auto",
                     "bold", "700", "center", "start", "end", "1fr 2fr", "3", "#fff", "red",
                     "0.6s", "600ms", "1 1.15", "true", "false", "none", "scrim", "cover"]),
)


@st.composite
def element(draw, depth: int = 0):
    tag = draw(st.sampled_from(sorted(SCHEMA) + sorted(INLINE)))
    names = sorted(SCHEMA.get(tag, {})) or ["class"]
    attrs = draw(st.dictionaries(st.sampled_from(names + ["bogus"]), _VALUES, max_size=4))
    head = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    children = ""
    if depth < 3:
        kids = draw(st.lists(st.one_of(element(depth + 1), st.text(max_size=10).map(_escape)),
                             max_size=3))
        children = "".join(kids)
    return f"<{tag}{head}>{children}</{tag}>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@FUZZ
@given(element(), st.sampled_from(["canvas", "video"]))
def test_schema_built_documents(body, expect):
    parses_or_says_why(f'<{expect} width="1080" height="1350">{body}</{expect}>', expect)
    parses_or_says_why(body, expect)


@pytest.mark.parametrize("markup", [
    "", "<", "<canvas", "<canvas/>", "<?xml version='1.0'?><canvas/>",
    "<!DOCTYPE canvas [<!ENTITY a 'x'>]><canvas>&a;</canvas>",
    "<canvas>\x00</canvas>", "<canvas>&#0;</canvas>", "<canvas>\ud800</canvas>",
    "<canvas>" * 5000, "<canvas>" + "<column>" * 60 + "</column>" * 60 + "</canvas>",
])
def test_hand_picked_breakages(markup):
    parses_or_says_why(markup)
