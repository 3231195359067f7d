"""Charts as layout elements (libmedia.chart): data checked at parse time,
marks proportional to the data, numbers written per language, labels that
never overflow, and the same bytes for the same input."""

from __future__ import annotations

import hashlib
import io

import pytest

from libmedia.brand import load_brand
from libmedia.chart import (
    Amount,
    format_number,
    format_percent,
    parse_amount,
    parse_colors,
    round_shares,
)
from libmedia.draw import draw_page
from libmedia.errors import Location, ProblemList, TemplateError
from libmedia.layout import layout_document
from libmedia.lint import lint_drawn, lint_page
from libmedia.markup import parse_markup
from libmedia.style import style_document

BRAND = load_brand()
PAPER = "#F6F1E7"


def page_of(markup: str, language: str = "id", width: int = 1080, height: int = 1080):
    doc = parse_markup(markup)
    styled = style_document(doc, BRAND.types, BRAND.colors, language=language)
    return layout_document(styled, width, height)


def canvas(body: str) -> str:
    return f'<canvas background="{PAPER}" padding="60" gap="40">{body}</canvas>'


BARS = canvas('<chart kind="bar" width="100%" colors="#123456">'
              '<datum label="Laskar Pelangi" value="64"/><datum label="Bumi Manusia" value="32"/>'
              '<datum label="Filosofi Teras" value="16"/><datum label="Nol" value="0"/></chart>')


def bars(fragment):
    return [m for m in fragment.chart.marks if m.kind == "bar"]


# ---------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize("text, value", [
    ("12480", 12480), ("12.480", 12480), ("12,480", 12480), ("1.234.567", 1234567),
    ("12 480", 12480), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("4,5", 4.5), ("4.5", 4.5),
    ("0.125", 0.125), ("-3", -3), ("\u22123", -3), ("42%", 42), ("123.4567", 123.4567),
])
def test_numbers_are_read_as_spreadsheets_write_them(text, value):
    assert parse_amount(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "-", "n/a", "", "1.2.3", "1,23,456", "12..4"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_amount(text)


@pytest.mark.parametrize("value", [12480, 1.125, 0.1, 4.5, 1234567.0, 0.125])
def test_amounts_are_written_back_unambiguously(value):
    assert parse_amount(str(Amount(value))) == pytest.approx(value)
    assert str(Amount(12480.0)) == "12480"


def test_numbers_are_formatted_per_language():
    assert format_number(12345, "id") == "12.345"
    assert format_number(12345, "en") == "12,345"
    assert format_number(1234.5, "id") == "1.234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(2, "id", 2) == "2,00"
    assert format_percent(0.122, "id") == "12%"
    assert format_percent(0.122, "en", signed=True) == "+12%"
    assert format_percent(-0.05, "id", signed=True) == "\u22125%"
    assert format_percent(0.004, "id") == "0,4%"


def test_shares_are_whole_percents_that_add_up_to_100():
    assert round_shares([1, 1, 1]) == [34, 33, 33]
    assert sum(round_shares([1450, 980, 610, 175])) == 100
    assert round_shares([0, 0]) == [0, 0]


def test_colours_and_brand_colour_names():
    assert parse_colors("primary accent") == ("primary", "accent")
    assert parse_colors("#FF0000, rgb(0, 0, 255) muted") == ((255, 0, 0, 255), (0, 0, 255, 255), "muted")
    with pytest.raises(ValueError):
        parse_colors("#12")


# ---------------------------------------------------------------------------
# bar, column, donut, number


def test_bar_lengths_are_proportional_and_start_at_zero():
    page = page_of(BARS)
    chart = page.find("chart")[0]
    b = bars(chart)
    assert [m.datum for m in b] == [0, 1, 2, 3]
    assert {round(m.rect.x, 3) for m in b} == {round(chart.box.x, 3)}  # all from zero
    assert b[1].rect.w == pytest.approx(b[0].rect.w / 2)
    assert b[2].rect.w == pytest.approx(b[0].rect.w / 4)
    assert b[3].rect.w == 0
    # the largest bar and its value fill the chart's width, never past it
    value = [c for c in chart.children if c.element.plain_text == "64"][0]
    assert value.box.x > b[0].rect.right
    assert value.box.x + value.text.content_width <= chart.box.right + 0.5


def test_bar_lengths_in_the_drawn_pixels():
    page = page_of(BARS)
    image = draw_page(page).convert("RGB")
    for m, expected in zip(bars(page.find("chart")[0])[:3], (1, 0.5, 0.25), strict=True):
        y = int(m.rect.y + m.rect.h / 2)
        x0 = round(m.rect.x)
        run = 0
        while image.getpixel((x0 + run, y)) == (0x12, 0x34, 0x56):
            run += 1
        assert run == pytest.approx(bars(page.find("chart")[0])[0].rect.w * expected, abs=2)


def test_columns_stand_on_one_baseline_in_proportion():
    page = page_of(canvas('<chart kind="column" width="100%" height="400">'
                          '<datum label="Sen" value="100"/><datum label="Sel" value="50"/>'
                          '<datum label="Rab" value="75"/></chart>'))
    chart = page.find("chart")[0]
    rule = [m for m in chart.chart.marks if m.kind == "rule"][0]
    cols = bars(chart)
    assert {round(m.rect.bottom, 3) for m in cols} == {round(rule.rect.y, 3)}
    assert cols[1].rect.h == pytest.approx(cols[0].rect.h / 2)
    assert cols[2].rect.h == pytest.approx(cols[0].rect.h * 0.75)
    texts = [c.element.plain_text for c in chart.children]
    assert texts == ["100", "Sen", "50", "Sel", "75", "Rab"]
    for c in chart.children:  # values above their columns, labels below the baseline
        assert chart.box.contains(c.box, tolerance=1)


def test_donut_angles_sum_to_360():
    page = page_of(canvas('<chart kind="donut" width="100%" height="360">'
                          '<datum label="Fiksi" value="1450"/><datum label="Nonfiksi" value="980"/>'
                          '<datum label="Anak" value="610"/><datum label="Referensi" value="175"/>'
                          '</chart>'))
    chart = page.find("chart")[0]
    arcs = [m for m in chart.chart.marks if m.kind == "arc"]
    assert arcs[0].start == 0 and arcs[-1].end == 360
    assert sum(m.end - m.start for m in arcs) == pytest.approx(360)
    for m, value in zip(arcs, (1450, 980, 610, 175), strict=True):
        assert m.end - m.start == pytest.approx(360 * value / 3215)
    assert sum(chart.chart.percents) == 100
    legend = [c.element.plain_text for c in chart.children]
    assert legend == ["Fiksi", "45%", "Nonfiksi", "31%", "Anak", "19%", "Referensi", "5%"]
    # more slices than colours: lighter shades, never the same colour twice
    assert len({m.color for m in arcs}) == 4


def test_a_big_number_with_its_change():
    page = page_of(canvas('<chart kind="number" width="100%"><datum label="Pengunjung" '
                          'value="12480" previous="11120" note="dibanding September"/></chart>'))
    chart = page.find("chart")[0]
    assert [c.element.plain_text for c in chart.children] == \
        ["12.480", "Pengunjung", "12% dibanding September"]
    tri = [m for m in chart.chart.marks if m.kind == "triangle"]
    assert len(tri) == 1 and tri[0].up
    down = page_of(canvas('<chart kind="number" width="100%"><datum label="Anggota" '
                          'value="89" previous="102"/></chart>')).find("chart")[0]
    assert [m.up for m in down.chart.marks if m.kind == "triangle"] == [False]
    assert down.children[-1].element.plain_text == "13%"


def test_numbers_follow_the_language():
    for lang, text in (("id", "12.480"), ("en", "12,480")):
        chart = page_of(canvas('<chart kind="bar" width="100%"><datum label="A" value="12480"/>'
                               '</chart>'), language=lang).find("chart")[0]
        assert chart.children[1].element.plain_text == text
        assert chart.chart.language == lang
    # lang= on the chart wins over the brand's language
    chart = page_of(canvas('<chart kind="bar" width="100%" lang="en"><datum label="A" value="12480"/>'
                           '</chart>'), language="id").find("chart")[0]
    assert chart.children[1].element.plain_text == "12,480"


def test_a_long_label_is_shortened_never_overflows():
    long = "Bumi Manusia: sebuah roman yang panjang sekali judulnya, jauh melebihi lebar diagram ini"
    page = page_of(canvas(f'<chart kind="bar" width="60%"><datum label="{long}" value="5"/>'
                          '<datum label="Pendek" value="3"/></chart>'))
    chart = page.find("chart")[0]
    label = chart.children[0]
    assert label.text.truncated and len(label.text.lines) == 1
    assert label.text.lines[0].text.endswith("\u2026")
    assert label.text.content_width <= chart.box.w + 0.01
    codes = [d.code for d in lint_page(page, Location())]
    assert "truncated" in codes
    # column labels: shrunk, then on two lines, then shortened, inside their pitch
    page = page_of(canvas(f'<chart kind="column" width="300" height="300"><datum label="{long}" '
                          'value="5"/><datum label="B" value="3"/></chart>'))
    col = page.find("chart")[0]
    for c in col.children:
        assert c.text.content_width <= 150 + 0.01


def test_chart_text_is_linted_like_any_text():

    page = page_of(canvas('<chart kind="bar" width="100%" label-size="14" label-color="#EEEEEE">'
                          '<datum label="Kecil" value="3"/></chart>'))
    codes = [d.code for d in lint_page(page, Location())]
    assert "small-text" in codes
    image = draw_page(page)
    assert "low-contrast" in [d.code for d in lint_drawn(page, image, Location())]


def test_roles_and_brand_colours_restyle_a_chart():
    page = page_of(canvas('<chart kind="bar" width="100%" colors="accent" label-role="eyebrow">'
                          '<datum label="Buku" value="3"/></chart>'))
    chart = page.find("chart")[0]
    assert bars(chart)[0].color == BRAND.colors["accent"]
    seg = chart.children[0].text.lines[0].segments[0]
    assert seg.style.family == "Plus Jakarta Sans" and seg.style.transform == "uppercase"
    default = page_of(canvas('<chart kind="bar" width="100%"><datum label="A" value="3"/></chart>'))
    assert bars(default.find("chart")[0])[0].color == BRAND.colors["primary"]
    with pytest.raises(TemplateError, match="neither a colour nor a colour of the brand kit"):
        page_of(canvas('<chart kind="bar" width="100%" colors="primery"><datum label="A" value="3"/>'
                       '</chart>'))


def test_a_chart_without_a_height_takes_its_rows():
    page = page_of(canvas('<chart kind="bar" width="100%"><datum label="A" value="3"/></chart>'
                          '<chart kind="bar" width="100%"><datum label="A" value="3"/>'
                          '<datum label="B" value="2"/><datum label="C" value="1"/></chart>'))
    one, three = page.find("chart")
    assert three.box.h > 2.5 * one.box.h
    for c in three.children:
        assert three.box.contains(c.box, tolerance=1)


def test_a_low_box_sets_labels_beside_the_bars():
    rows = "".join(f'<datum label="Judul {i}" value="{10 - i}"/>' for i in range(5))
    page = page_of(canvas(f'<chart kind="bar" width="100%" height="200">{rows}</chart>'))
    chart = page.find("chart")[0]
    labels = chart.children[0::2]
    b = bars(chart)
    assert all(m.rect.x > max(lb.box.x + lb.text.content_width for lb in labels) for m in b)
    for c in chart.children:
        assert chart.box.contains(c.box, tolerance=1)


def test_same_input_same_bytes():
    def png() -> bytes:
        out = io.BytesIO()
        draw_page(page_of(BARS + "")).save(out, format="PNG")
        return out.getvalue()

    assert hashlib.sha256(png()).hexdigest() == hashlib.sha256(png()).hexdigest()


# ---------------------------------------------------------------------------
# bad data


def problems(markup: str) -> list[TemplateError]:
    with pytest.raises(ProblemList) as info:
        parse_markup(markup)
    return list(info.value.problems)


def test_a_value_that_is_not_a_number_names_its_datum_and_line():
    found = problems('<canvas>\n<chart kind="bar">\n<datum label="A" value="3"/>\n'
                     '<datum label="Laskar" value="n/a"/>\n</chart>\n</canvas>')
    assert len(found) == 1
    p = found[0]
    assert p.location.line == 4
    assert "datum 2 ('Laskar')" in p.message and "'n/a' is not a number" in p.message
    assert "digits" in p.hint


def test_negative_slices_zeros_and_counts_are_refused():
    neg = problems('<canvas><chart kind="donut"><datum label="A" value="3"/>'
                   '<datum label="B" value="-1"/></chart></canvas>')
    assert "negative" in neg[0].message and neg[0].hint
    zero = problems('<canvas><chart kind="column"><datum label="A" value="0"/>'
                    '<datum label="B" value="0"/></chart></canvas>')
    assert "every value is 0" in zero[0].message and zero[0].hint
    two = problems('<canvas><chart kind="number"><datum value="1"/><datum value="2"/></chart></canvas>')
    assert "exactly one" in two[0].message
    empty = problems('<canvas><chart kind="bar"></chart></canvas>')
    assert "no data" in empty[0].message
    unlabelled = problems('<canvas><chart kind="bar"><datum value="3"/></chart></canvas>')
    assert "has no label" in unlabelled[0].message


def test_markup_mistakes_in_a_chart():
    assert "outside a <chart>" in problems('<canvas><datum label="A" value="1"/></canvas>')[0].message
    found = problems('<canvas><chart kind="bar"><text>x</text><datum label="A"/></chart></canvas>')
    messages = " | ".join(p.message for p in found)
    assert "cannot contain <text>" in messages and "needs a 'value'" in messages
    assert "needs a 'kind'" in problems('<canvas><chart><datum label="A" value="1"/></chart></canvas>')[0].message
    assert "kind" in problems('<canvas><chart kind="pie"><datum label="A" value="1"/></chart></canvas>')[0].message


def test_real_titles_in_many_scripts_as_bar_labels(cases):
    """Top-list labels from real catalogue titles (CJK, Devanagari, Cyrillic,
    Arabic, emoji: cases C10, C12, C13): each set on one line inside the
    chart, shortened where long, no character drawn as a box."""
    import csv

    titles = []
    for name in ("C12_C13_scripts_and_emoji.csv", "C10_rtl_bidi_titles.csv"):
        with open(cases / name, encoding="utf-8", newline="") as fh:
            titles += [row["title"] for row in csv.DictReader(fh)]
    from xml.sax.saxutils import quoteattr

    for start in range(0, len(titles), 8):
        group = titles[start:start + 8]
        data = "".join(f"<datum label={quoteattr(t)} value=\"{len(group) - i}\"/>"
                       for i, t in enumerate(group))
        page = page_of(canvas(f'<chart kind="bar" width="70%">{data}</chart>'))
        chart = page.find("chart")[0]
        labels = chart.children[0::2]
        assert [lb.element.plain_text for lb in labels] == group
        for lb in labels:
            assert len(lb.text.lines) == 1
            assert lb.box.x + lb.text.content_width <= chart.box.right + 0.5
            assert not lb.text.missing, lb.element.plain_text
        codes = {d.code for d in lint_page(page, Location())}
        assert not codes & {"missing-glyph", "touching-lines", "small-text"}
