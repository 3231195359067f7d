"""Layout markup and templates: validation with file and line, escaping, sandbox."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from libmedia.brand import load_brand
from libmedia.errors import DataError, ProblemList, TemplateError
from libmedia.formats import get_format
from libmedia.markup import parse_markup
from libmedia.render import RenderInput, render
from libmedia.sources import Record
from libmedia.templating import load_template, title_parts
from libmedia.typography.text import smart_quotes


def make_template(tmp_path: Path, layout: str, fields: str = 'title = { type = "text", required = true }',
                  caption: str = "{{ book.title }}", alt: str = "{{ book.title }}") -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "template.toml").write_text(textwrap.dedent(f"""\
        name = "tpl"
        kind = "image"
        formats = ["instagram-square"]
        record_name = "book"
        [fields]
        {fields}
        """), encoding="utf-8")
    (folder / "layout.xml.j2").write_text(textwrap.dedent(layout), encoding="utf-8")
    (folder / "caption.txt.j2").write_text(caption, encoding="utf-8")
    (folder / "alt.txt.j2").write_text(alt, encoding="utf-8")
    return folder


def render_one(folder: Path, fields: dict, fmt: str = "instagram-square", columns=()):
    t = load_template(folder)
    rec = Record(row=7, line=8, fields=fields, raw=dict(fields))
    return render(RenderInput(t, [rec], get_format(fmt), load_brand(), source="books.csv",
                              columns=list(columns)))


# -- validation ------------------------------------------------------------------


def test_unknown_element_and_attribute_name_template_file_and_line(tmp_path):
    folder = make_template(tmp_path, """\
        <canvas background="#ffffff">
          <column padding="40">
            <text role="title">{{ book.title }}</text>
            <txt>oops</txt>
            <image src="x.png" colour="#fff"/>
            <text role="title" max-lines="zero">{{ book.title }}</text>
          </column>
        </canvas>
        """)
    with pytest.raises(ProblemList) as err:
        render_one(folder, {"title": "Laskar Pelangi"})
    problems = err.value.problems
    by_msg = {p.message: p for p in problems}
    txt = next(p for p in problems if "<txt>" in p.message)
    assert txt.location.line == 4 and txt.location.file.endswith("layout.xml.j2")
    assert "did you mean <text>" in txt.hint
    colour = next(p for p in problems if "'colour'" in p.message)
    assert colour.location.line == 5
    assert "did you mean 'color'" in colour.hint or "allowed" in colour.hint
    bad = next(p for p in problems if "max-lines" in p.message)
    assert bad.location.line == 6
    assert len(by_msg) == 3  # all problems reported at once


def test_markup_must_be_well_formed_and_names_the_line(tmp_path):
    folder = make_template(tmp_path, """\
        <canvas>
          <text role="title">{{ book.title }}
        </canvas>
        """)
    with pytest.raises(TemplateError) as err:
        render_one(folder, {"title": "x"})
    assert "not well-formed" in err.value.message
    assert err.value.location.line == 3


def test_doctype_and_entities_are_refused():
    markup = '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><canvas><text>&a;</text></canvas>'
    with pytest.raises(TemplateError) as err:
        parse_markup(markup)
    assert "not allowed" in err.value.message


def test_text_directly_in_a_container_is_an_error():
    with pytest.raises(ProblemList) as err:
        parse_markup("<canvas><column>loose words</column></canvas>")
    assert "put text in a <text> element" in err.value.problems[0].hint


def test_missing_field_names_field_row_and_columns(tmp_path):
    """C23: a misspelled column is an error naming template field, row and columns."""
    folder = make_template(tmp_path, """\
        <canvas>
          <text role="title">{{ book.title }}</text>
          <text role="byline">{{ book.pengarang_utama }}</text>
        </canvas>
        """)
    with pytest.raises(DataError) as err:
        render_one(folder, {"title": "Bumi Manusia"}, columns=["Judul", "Pengarang ", "penerbit"])
    e = err.value
    assert e.location.field == "pengarang_utama" and e.location.row == 7
    assert "Judul" in e.hint and "penerbit" in e.hint
    assert "layout.xml.j2:3" in e.message


def test_unknown_role_is_a_template_error(tmp_path):
    folder = make_template(tmp_path, '<canvas><text role="headline">{{ book.title }}</text></canvas>')
    with pytest.raises(TemplateError) as err:
        render_one(folder, {"title": "x"})
    assert "headline" in err.value.message and "title" in err.value.hint


def test_jinja_syntax_error_names_line(tmp_path):
    folder = make_template(tmp_path, "<canvas>\n{% if book.title %}\n<text>x</text>\n</canvas>\n")
    with pytest.raises(TemplateError) as err:
        load_template(folder)
    assert err.value.location.file.endswith("layout.xml.j2")
    assert err.value.location.line is not None


# -- escaping ------------------------------------------------------------------------

NASTY = [
    'Tom & Jerry <b>bold</b> "quoted" \'single\'',
    "{{ 7 * 7 }} and {% if true %}x{% endif %}",
    "Baris satu\nBaris dua",
    "</text><image src='/etc/passwd'/>",
    "]]> &amp; &lt; <!-- comment -->",
]


@pytest.mark.parametrize("value", NASTY)
def test_values_render_literally(tmp_path, value):
    folder = make_template(tmp_path, """\
        <canvas padding="40">
          <text role="body" data-x="1">{{ book.title }}</text>
        </canvas>
        """.replace(' data-x="1"', ""), caption="{{ book.title }}", alt="{{ book.title }}")
    r = render_one(folder, {"title": value})
    texts = [n for n in r.page.find("text")]
    assert len(texts) == 1
    laid = "\n".join(line.text for line in texts[0].text.lines)
    expected_lines = smart_quotes(value).split("\n")  # typographic quotes are the only change
    # wrapping may split a line further; joining with spaces must give the value back
    assert " ".join(laid.split()) == " ".join(" ".join(expected_lines).split())
    assert len(texts[0].text.lines) >= len(expected_lines)
    assert r.caption == value + "\n" or r.caption.strip() == value.strip()
    assert len(r.page.find("image")) == 0  # nothing from the value became markup


def test_values_in_attributes_are_literal(tmp_path):
    folder = make_template(tmp_path, """\
        <canvas>
          <image src="{{ book.cover }}" placeholder-title="{{ book.title }}" width="300" height="450"/>
        </canvas>
        """, fields='title = "text"\ncover = "image"')
    r = render_one(folder, {"title": 'A "quoted" <title> & more', "cover": ""})
    img = r.document.children[0]
    assert img.get("placeholder-title") == 'A "quoted" <title> & more'
    assert any(w.code == "placeholder" for w in r.warnings)


def test_sandbox_blocks_internals(tmp_path):
    folder = make_template(tmp_path, "<canvas><text>{{ book.__class__.__mro__ }}</text></canvas>")
    with pytest.raises(TemplateError):
        render_one(folder, {"title": "x"})


# -- filters ------------------------------------------------------------------------


@pytest.mark.parametrize("title,main,sub", [
    ("PostgreSQL : a comprehensive guide", "PostgreSQL", "A comprehensive guide"),
    ("Filosofi Teras: Filsafat Yunani-Romawi Kuno", "Filosofi Teras", "Filsafat Yunani-Romawi Kuno"),
    ("PENDEKAR-PENDEKAR BESI NUSANTARA kajian antropologi", "PENDEKAR-PENDEKAR BESI NUSANTARA",
     "Kajian antropologi"),
    ("Laskar Pelangi", "Laskar Pelangi", ""),
    ("THE NEXT 100 YEARS a Forecast for the 21st Century", "THE NEXT 100 YEARS", "A Forecast for the 21st Century"),
    ("Linux in a nutshell /", "Linux in a nutshell", ""),
])
def test_title_parts(title, main, sub):
    parts = title_parts(title)
    assert (parts["main"], parts["subtitle"], parts["series"]) == (main, sub, "")


@pytest.mark.parametrize("fmt", ["instagram-portrait", "instagram-square", "instagram-story"])
def test_elements_map_to_their_source_lines(fmt):
    """Every element of the shipped template points at the source line where
    it is written: the tag and all its attribute names are on that line or
    the lines its start tag spans."""
    root = Path(__file__).resolve().parents[1] / "templates" / "new-book"
    t = load_template(root)
    from libmedia.render import sample_records

    r = render(RenderInput(t, sample_records(t), get_format(fmt), load_brand(), search_dirs=[root]))
    lines = t.layout_source.splitlines()
    for el in r.document.walk():
        start = "\n".join(lines[el.line - 1:el.line + 3])
        assert f"<{el.tag}" in lines[el.line - 1], (el.path, el.line, lines[el.line - 1])
        tag_text = start[start.index(f"<{el.tag}"):].split(">")[0]
        for name in el.attrs:
            assert f"{name}=" in tag_text, (el.path, el.line, name)


def test_unknown_role_in_second_branch_reports_its_line(tmp_path):
    folder = make_template(tmp_path, """\
        <canvas>
        {% if format.orientation == "portrait" %}
          <text role="title">{{ book.title }}</text>
        {% else %}
          <text role="title">{{ book.title }}</text>
          <text role="lable">x</text>
        {% endif %}
        </canvas>
        """)
    with pytest.raises(TemplateError) as err:
        render_one(folder, {"title": "Laskar Pelangi"}, fmt="instagram-square")
    assert "lable" in err.value.message
    assert err.value.location.line == 6


@pytest.mark.parametrize("value,lang,expected", [("-720", "id", "720 SM"), ("-385", "en", "385 BCE"),
                                                  ("2005", "id", "2005"), ("", "id", "")])
def test_year_label(value, lang, expected):
    from libmedia.templating import year_label

    assert year_label(value, lang) == expected


def test_template_colours_take_names_rgb_hsl_and_hex_everywhere():
    doc = parse_markup(
        '<canvas background="linear-gradient(to bottom, rgb(0, 0, 0) 0%, hsl(0, 100%, 50%) 100%)">'
        '<text color="navy" background="rgba(255, 255, 255, 128)">x</text>'
        '<shape stroke="#abc" fill="transparent" shadow="0 4 8 rgba(0, 0, 0, 85)"/>'
        '<image src="a.png" border="2 hsl(120, 100%, 25%)"/></canvas>')
    canvas = doc.attrs["background"]
    assert [c for _, c in canvas.stops] == [(0, 0, 0, 255), (255, 0, 0, 255)]
    text, shape, image = doc.children
    assert text.attrs["color"] == (0, 0, 128, 255)
    assert text.attrs["background"] == (255, 255, 255, 128)
    assert shape.attrs["stroke"] == (170, 187, 204, 255) and shape.attrs["fill"] == (0, 0, 0, 0)
    assert shape.attrs["shadow"].color == (0, 0, 0, 85)
    assert image.attrs["border"].color == (0, 128, 0, 255)


def test_a_misspelt_colour_name_in_markup_says_which_it_may_be():
    with pytest.raises(ProblemList) as err:
        parse_markup('<canvas>\n<text color="balck">x</text></canvas>', "layout.xml.j2")
    [p] = err.value.problems
    assert p.location.line == 2 and "did you mean 'black'?" in p.message
