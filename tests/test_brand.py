"""The brand kit: defaults, overrides, and typos caught with file and key."""

from __future__ import annotations

import pytest

from libmedia.brand import load_brand
from libmedia.errors import BrandError, ProblemList


def kit(tmp_path, text: str):
    p = tmp_path / "libmedia.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_render_without_a_kit():
    b = load_brand()
    assert b.name and b.language == "id"
    assert {"primary", "accent", "paper", "ink"} <= set(b.colors)
    assert {"title", "byline", "eyebrow"} <= set(b.types)


def test_overrides_merge_with_defaults(tmp_path):
    b = load_brand(kit(tmp_path, '[library]\nname = "Perpustakaan X"\nlanguage = "en"\n'
                                 '[colors]\nprimary = "#102030"\n[type.title]\nweight = 700\n'))
    assert b.name == "Perpustakaan X" and b.language == "en"
    assert b.colors["primary"] == (0x10, 0x20, 0x30, 255)
    assert b.types["title"]["weight"] == 700
    assert b.types["title"]["family"] == "Plus Jakarta Sans"  # kept from the default


@pytest.mark.parametrize("text,key,fix", [
    ('[colors]\nacent = "#ff0000"\n', "colors.acent", "accent"),
    ('[type.titel]\nsize = 40\n', "type.titel", "title"),
    ('[library]\ncatalog_url = "https://opac.example/?q={isbnn}"\n', "library.catalog_url", "{isbn}"),
    ('[library]\nlogo_file = "x.png"\n', "library.logo_file", "logo"),
    ('[colors]\nprimary = "blue-ish"\n', "colors.primary", "#1F4E79"),
    ('[library]\nlanguage = "fr"\n', "library.language", '"en"'),
])
def test_typos_are_errors_naming_file_and_key(tmp_path, text, key, fix):
    with pytest.raises(BrandError) as err:
        load_brand(kit(tmp_path, text))
    assert err.value.location.field == key
    assert err.value.location.file.endswith("libmedia.toml")
    assert fix in (err.value.hint or "")


def test_own_colour_names_are_allowed(tmp_path):
    b = load_brand(kit(tmp_path, '[colors]\nhighlight = "#ff0000"\n'))
    assert b.colors["highlight"] == (255, 0, 0, 255)


def test_catalog_link_uses_the_first_pattern_the_record_fills(tmp_path):
    b = load_brand(kit(tmp_path, '[library]\ncatalog_url = ["https://opac.example/?isbn={isbn}", '
                                 '"https://opac.example/?q={title}"]\n'))
    assert b.catalog_link({"isbn": "978-979-3062-79-2", "title": "x"}) == \
        "https://opac.example/?isbn=9789793062792"
    assert b.catalog_link({"isbn": "", "title": "Bumi Manusia"}) == "https://opac.example/?q=Bumi%20Manusia"
    assert load_brand().catalog_link({"isbn": "1"}) == ""


def test_missing_logo_is_an_error(tmp_path):
    with pytest.raises(BrandError) as err:
        load_brand(kit(tmp_path, '[library]\nlogo = "nowhere.png"\n'))
    assert "nowhere.png" in err.value.message


def test_logo_that_is_not_an_image_is_the_kits_error(tmp_path):
    (tmp_path / "logo.png").write_text("<html>not found</html>", encoding="utf-8")
    with pytest.raises(BrandError) as err:
        load_brand(kit(tmp_path, '[library]\nlogo = "logo.png"\n'))
    assert err.value.location.field == "library.logo" and "PNG" in err.value.hint


def test_every_problem_is_reported_at_once_each_with_its_key(tmp_path):
    text = ('[library]\nlanguage = "fr"\nlogo = "nowhere.png"\nlogo_file = "x"\n'
            'catalog_url = "opac.example/{isbn}"\n'
            '[colors]\nacent = "#ff0000"\nprimary = "blue-ish"\n'
            '[type.title]\nsize = 40\ncolour = "primary"\ncolor = "whte"\n')
    with pytest.raises(ProblemList) as err:
        load_brand(kit(tmp_path, text))
    fields = sorted(p.location.field for p in err.value.problems)
    assert fields == ["colors.acent", "colors.primary", "library.catalog_url", "library.language",
                      "library.logo", "library.logo_file", "type.title", "type.title.color"]
    assert all(isinstance(p, BrandError) and p.location.file.endswith("libmedia.toml")
               for p in err.value.problems)
    assert "8 problems" in err.value.message
    whte = next(p for p in err.value.problems if p.location.field == "type.title.color")
    assert "did you mean 'white'?" in whte.message


@pytest.mark.parametrize("value,rgba", [
    ("#1F4E79", (31, 78, 121, 255)),
    ("#abc", (170, 187, 204, 255)),
    ("#1F4E7980", (31, 78, 121, 128)),
    ("navy", (0, 0, 128, 255)),
    ("RebeccaPurple", (102, 51, 153, 255)),
    ("rgb(31, 78, 121)", (31, 78, 121, 255)),
    ("rgba(31, 78, 121, 128)", (31, 78, 121, 128)),
    ("hsl(0, 100%, 50%)", (255, 0, 0, 255)),
    ("transparent", (0, 0, 0, 0)),
])
def test_kit_colours_take_names_rgb_hsl_and_hex(tmp_path, value, rgba):
    b = load_brand(kit(tmp_path, f'[colors]\nprimary = "{value}"\n'))
    assert b.colors["primary"] == rgba
    r, g, bl, a = rgba
    assert b.to_context()["colors"]["primary"] == f"#{r:02X}{g:02X}{bl:02X}" + (
        f"{a:02X}" if a != 255 else "")


def test_a_near_miss_of_a_colour_name_is_named(tmp_path):
    with pytest.raises(BrandError) as err:
        load_brand(kit(tmp_path, '[colors]\npaper = "whitte"\n'))
    assert err.value.location.field == "colors.paper"
    assert "did you mean 'white'?" in err.value.message
