"""The brand kit grown into a real one: social handles, default formats, opening
hours, time zone, registration page, derived colours, ``libmedia init``, and
every shipped template rendered under two very different kits."""

from __future__ import annotations

import os
import tomllib

import pytest
from click.testing import CliRunner
from template_renders import BRANDS, render_sample, template_dirs, template_formats

from libmedia.brand import DEFAULT_KIT, load_brand
from libmedia.cli import main
from libmedia.cover import contrast
from libmedia.errors import BrandError, OutputError, ProblemList
from libmedia.jobs import open_job, resolve_formats
from libmedia.kitfile import kit_text, write_kit
from libmedia.templating import load_template

KITS = {name: BRANDS / name / "libmedia.toml" for name in ("dark", "bright")}
#: Lint findings no template may show under any kit: text that cannot be read
#: (low contrast), characters no font has, lines whose letters touch, text or a
#: logo under a platform's buttons.
UNREADABLE = {"low-contrast", "missing-glyph", "touching-lines", "safe-zone", "off-canvas"}


def kit(tmp_path, text: str):
    p = tmp_path / "libmedia.toml"
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------------------
# the kit's new sections


def test_social_formats_hours_timezone_and_registration(tmp_path):
    b = load_brand(kit(tmp_path, """
[library]
timezone = "WITA"
registration_url = "https://s.id/daftar"
[social]
instagram = "@perpusbaru"
tiktok = "https://www.tiktok.com/@perpus.tt"
facebook = "https://facebook.com/perpusbaru/"
website = "perpus.example.go.id"
[formats]
default = ["instagram-square"]
video = ["instagram-reel"]
[hours]
"Senin–Kamis" = "08.00–16.00"
"Jumat" = "08.00–11.00, 13.30–16.00"
"Minggu" = "tutup"
"""))
    ctx = b.to_context()
    assert ctx["social"] == {"instagram": "perpusbaru", "tiktok": "perpus.tt", "facebook": "perpusbaru",
                             "website": "https://perpus.example.go.id"}
    assert ctx["instagram"] == "perpusbaru" and ctx["website"] == "https://perpus.example.go.id"
    assert ctx["hours"] == [{"days": "Senin–Kamis", "time": "08.00–16.00"},
                            {"days": "Jumat", "time": "08.00–11.00, 13.30–16.00"},
                            {"days": "Minggu", "time": "tutup"}]
    assert ctx["timezone"] == "WITA" and ctx["registration_url"] == "https://s.id/daftar"
    assert b.default_formats("image") == ("instagram-square",)
    assert b.default_formats("carousel") == ("instagram-square",)
    assert b.default_formats("video") == ("instagram-reel",)


def test_an_old_kit_still_loads_as_it_did(tmp_path):
    b = load_brand(kit(tmp_path, '[library]\nname = "Perpus Lama"\ninstagram = "perpuslama"\n'
                                 'website = "https://lama.example"\n'))
    assert b.instagram == "perpuslama" and b.website == "https://lama.example"
    assert b.social == {"instagram": "perpuslama", "website": "https://lama.example"}
    assert b.formats == {} and b.hours == () and b.timezone == "" and b.registration_url == ""
    default = load_brand()
    assert default.social == {} and default.default_formats("image") == ()


@pytest.mark.parametrize("text,key,line,hint", [
    ('[library]\nname = "X"\n\n[social]\ninstagam = "x"\n', "social.instagam", 5, "instagram"),
    ('[social]\ninstagram = "perpus baru"\n', "social.instagram", 2, '"perpusbaru"'),
    ('[library]\ntimezone = "WIT "\nregistration_url = "s.id/daftar"\n', "library.registration_url", 3,
     "https://"),
    ('[library]\ntimezone = "Jakarta"\n', "library.timezone", 2, "WIB"),
    ('[library]\nhashtags = ["#perpus baru"]\n', "library.hashtags", 2, "one word"),
    ('[formats]\nimage = ["instagram-sqare"]\n', "formats.image", 2, "instagram-square"),
    ('[formats]\nimage = ["tiktok"]\n', "formats.image", 2, "video templates"),
    ('[formats]\nimages = ["instagram-square"]\n', "formats.images", 2, "image"),
    ('[hours]\n"Senin" = 8\n', "hours.Senin", 2, '"08.00–16.00"'),
    ('[colours]\npaper = "#000000"\n', "colours", 1, "[colors]"),
    ('[colors]\nprimary_on_papr = "#000000"\n', "colors.primary_on_papr", 2, "primary_on_paper"),
    ('\n\n[type.title]\nsize = 40\nweigth = 700\n', "type.title", 5, "weight"),
])
def test_bad_keys_and_values_name_file_key_and_line(tmp_path, text, key, line, hint):
    with pytest.raises(BrandError) as err:
        load_brand(kit(tmp_path, text))
    loc = err.value.location
    assert (loc.field, loc.line) == (key, line)
    assert loc.file.endswith("libmedia.toml")
    assert hint in (err.value.hint or "")


def test_every_problem_is_found_at_once(tmp_path):
    with pytest.raises(ProblemList) as err:
        load_brand(kit(tmp_path, '[social]\nx = "a b"\n[formats]\ndefault = ["nope"]\n'
                                 '[library]\ntimezone = "Mars"\n'))
    assert sorted(p.location.field for p in err.value.problems) == [
        "formats.default", "library.timezone", "social.x"]


def test_toml_errors_name_the_line(tmp_path):
    with pytest.raises(BrandError) as err:
        load_brand(kit(tmp_path, '[library]\nname = "Perpus\n'))
    assert err.value.location.line == 2


def test_derived_colours_read_on_their_ground():
    dark, bright = (load_brand(KITS[k]) for k in ("dark", "bright"))
    for b in (dark, bright, load_brand()):
        c = b.colors
        assert contrast(c["primary_on_paper"], c["paper"]) >= 4.5
        assert contrast(c["accent_on_paper"], c["paper"]) >= 4.5
        assert contrast(c["accent_on_primary"], c["primary"]) >= 4.5
        assert contrast(c["dark"], c["light"]) == pytest.approx(contrast(c["ink"], c["paper"]))
    # the navy brand colour is unreadable on near-black paper: lightened towards the ink
    assert contrast(dark.colors["primary"], dark.colors["paper"]) < 2
    assert dark.hex_colors["dark"] == "#111214" and dark.hex_colors["light"] == "#F2EFE6"
    # a colour that already reads is kept as it is
    default = load_brand()
    assert default.hex_colors["primary_on_paper"] == default.hex_colors["primary"]


def test_a_kit_may_set_a_derived_colour_itself(tmp_path):
    b = load_brand(kit(tmp_path, '[colors]\nprimary_on_paper = "#000000"\n'))
    assert b.hex_colors["primary_on_paper"] == "#000000"


def test_kit_formats_are_made_when_no_format_is_given(tmp_path):
    t = load_template("templates/new-book")
    assert [f.name for f in resolve_formats(t, (), ("x-post", "instagram-square", "instagram-story"))] \
        == ["instagram-square", "instagram-story"]   # the ones the template serves
    assert [f.name for f in resolve_formats(t, (), ("x-post",))] == [t.default_format]
    assert [f.name for f in resolve_formats(t, ("instagram-story",), ("instagram-square",))] \
        == ["instagram-story"]                       # --format wins
    job = open_job("new-book", None, (), KITS["bright"])
    assert [f.name for f in job.formats] == ["instagram-square", "instagram-portrait"]


def test_render_without_format_takes_the_kits_first(tmp_path):
    out = tmp_path / "x.png"
    res = CliRunner().invoke(main, ["render", "new-book", "--brand", str(KITS["bright"]), "-o", str(out)])
    assert res.exit_code == 0, res.output
    from PIL import Image

    with Image.open(out) as im:
        assert im.size == (1080, 1080)


def test_the_kits_time_zone_reaches_event_times():
    sample = render_sample("event-reel", "instagram-reel", load_brand(KITS["bright"]))
    assert "09.00–11.30 WIB" in sample.caption  # the sample's times name no zone
    sample = render_sample("event-reel", "instagram-reel", load_brand(KITS["dark"]))
    assert "9:00\u00a0AM–11:30\u00a0AM WITA" in sample.caption.replace(" AM", "\u00a0AM")


# ---------------------------------------------------------------------------
# libmedia init


@pytest.mark.parametrize("lang", ["id", "en"])
def test_init_writes_a_commented_kit_that_loads(tmp_path, lang):
    path = write_kit(tmp_path, lang, "Perpustakaan \"Kota\" Bogor")
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    b = load_brand(path)
    assert b.language == lang and b.name == 'Perpustakaan "Kota" Bogor'
    assert b.hours and b.timezone == "WIB"
    # every key the default kit has is written, and every key has a note
    default = tomllib.loads(DEFAULT_KIT.read_text(encoding="utf-8"))
    for section, table in default.items():
        for key in table:
            assert key in data[section], f"{section}.{key} missing from the written kit"
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith(("#", "[", '"')) and line.strip():
            key = line.split("=")[0].strip()
            before = "\n".join(lines[max(0, n - 12):n + 1])
            assert "#" in before, f"no note near {key}"
    assert kit_text(lang) == kit_text(lang)  # same arguments, same bytes


def test_init_refuses_to_replace_a_kit(tmp_path):
    write_kit(tmp_path, "id")
    (tmp_path / "libmedia.toml").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(OutputError) as err:
        write_kit(tmp_path, "en")
    assert "--force" in err.value.hint
    assert (tmp_path / "libmedia.toml").read_text(encoding="utf-8") == "# mine\n"
    write_kit(tmp_path, "en", force=True)
    assert load_brand(tmp_path / "libmedia.toml").language == "en"


def test_init_command(tmp_path):
    runner = CliRunner()
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        res = runner.invoke(main, ["init", "--lang", "en", "--name", "Riverside Library"])
        assert res.exit_code == 0, res.output
        assert load_brand(tmp_path / "libmedia.toml").name == "Riverside Library"
        again = runner.invoke(main, ["init"])
        assert again.exit_code == 2 and "already exists" in again.output
        assert runner.invoke(main, ["init", "--lang", "fr"]).exit_code == 2
        assert runner.invoke(main, ["init", "--force"]).exit_code == 0
        assert load_brand(tmp_path / "libmedia.toml").language == "id"
    finally:
        os.chdir(cwd)
    assert "libmedia init" in runner.invoke(main, ["--help"]).output


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("template", [d.name for d in template_dirs()])
def test_the_written_kit_renders_every_template(tmp_path, template, lang):
    brand = load_brand(write_kit(tmp_path, lang))
    t = load_template(f"templates/{template}")
    sample = render_sample(template, t.default_format, brand)
    assert sample.caption.strip() and sample.alt.strip()


# ---------------------------------------------------------------------------
# every template under two very different kits


def test_the_two_kits_are_very_different():
    dark, bright = (load_brand(KITS[k]) for k in ("dark", "bright"))
    assert (dark.language, bright.language) == ("en", "id")
    assert contrast(dark.colors["paper"], bright.colors["paper"]) > 15
    assert dark.types["title"]["family"] != bright.types["title"]["family"]
    assert bright.logo is not None and dark.logo is None
    from PIL import Image

    with Image.open(bright.logo) as im:
        w, h = im.size
    assert w / h > 4  # a wide logo
    assert len(bright.name) > 60


@pytest.mark.parametrize("kit_name", sorted(KITS))
@pytest.mark.parametrize("template,fmt", template_formats())
def test_every_template_reads_under_both_kits(template, fmt, kit_name):
    brand = load_brand(KITS[kit_name])
    sample = render_sample(template, fmt, brand)
    bad = [f"{w.code}: {w.message}" for w in sample.warnings if w.code in UNREADABLE]
    assert not bad, f"{template} {fmt} under the {kit_name} kit:\n" + "\n".join(bad)
    assert brand.name in sample.caption + sample.alt or brand.short_name in sample.caption + sample.alt


def test_an_event_without_its_own_page_links_to_the_kits_registration_page():
    from libmedia.formats import get_format
    from libmedia.motion.clip import ClipOptions, make_clip
    from libmedia.render import RenderInput, fonts_for, sample_records

    t = load_template("templates/event-reel")
    rec = sample_records(t)[0]
    rec = type(rec)(row=1, line=2, fields={**rec.fields, "url": ""}, raw={})
    brand = load_brand(KITS["bright"])
    inp = RenderInput(t, [rec], get_format("instagram-reel"), brand, search_dirs=[t.path])
    clip = make_clip(inp, fonts_for(inp), ClipOptions(silent=True))
    assert "Daftar: https://s.id/daftar-perpus-seribu" in clip.caption
    assert 'data="https://s.id/daftar-perpus-seribu"' in clip.video.markup
    assert "s.id/daftar-perpus-seribu" in clip.alt
    # without a page of the event's or the library's: save the date, no QR code
    inp = RenderInput(t, [rec], get_format("instagram-reel"), load_brand(), search_dirs=[t.path])
    clip = make_clip(inp, fonts_for(inp), ClipOptions(silent=True))
    assert "<qr" not in clip.video.markup and "Daftar:" not in clip.caption
