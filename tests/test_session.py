"""Render sessions: what stays loaded, what a change to a file re-renders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from libmedia.session import Dependencies, RenderSession
from libmedia.templating import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A library's folder: a copy of new-book, a brand kit, a CSV of three
    books, two of them with a cover of their own."""
    shutil.copytree(TEMPLATES_DIR / "new-book", tmp_path / "new-book")
    (tmp_path / "covers").mkdir()
    from PIL import Image

    for name, colour in (("a.png", (200, 40, 40)), ("b.png", (40, 40, 200))):
        Image.new("RGB", (600, 900), colour).save(tmp_path / "covers" / name)
    (tmp_path / "buku.csv").write_text(
        "title,author,cover,call_number\n"
        "Laut Bercerita,Leila S. Chudori,a.png,899.221 3 CHU l\n"
        "Bumi Manusia,Pramoedya Ananta Toer,b.png,899.221 3 TOE b\n"
        "Cantik Itu Luka,Eka Kurniawan,,899.221 3 KUR c\n", encoding="utf-8")
    (tmp_path / "libmedia.toml").write_text(
        '[library]\nname = "Perpustakaan Uji"\n\n[colors]\nprimary = "#1f4e79"\n',
        encoding="utf-8")
    return tmp_path


def _session(project: Path) -> RenderSession:
    return RenderSession(project / "new-book", project / "buku.csv")


def test_posts_are_the_sample_then_the_data_rows(project):
    s = _session(project)
    posts = s.posts()
    assert [p.label for p in posts] == ["Sample", "Row 2", "Row 3", "Row 4"]
    assert posts[0].sample and posts[0].rows == []
    assert [p.title for p in posts[1:]] == ["Laut Bercerita", "Bumi Manusia", "Cantik Itu Luka"]
    assert s.posts_note is None


def test_a_kept_render_is_reused_until_a_file_it_read_changes(project):
    s = _session(project)
    first = s.outcome("instagram-portrait", 1)
    assert first.ok, first.error
    assert s.outcome("instagram-portrait", 1) is first
    # a file it never read: kept
    (project / "notes.txt").write_text("x")
    assert not s.changed([project / "notes.txt"])
    assert s.outcome("instagram-portrait", 1) is first
    # its cover: rendered again, and only the post that shows that cover
    other = s.outcome("instagram-portrait", 2)
    assert (project / "covers" / "a.png").resolve() in first.deps.files
    assert s.changed([project / "covers" / "a.png"])
    again = s.outcome("instagram-portrait", 1)
    assert again is not first and again.render_id > first.render_id
    assert s.outcome("instagram-portrait", 2) is other


def test_editing_the_template_changes_the_picture_and_an_error_keeps_the_last_good(project):
    s = _session(project)
    before = s.outcome("instagram-square", 1)
    layout = project / "new-book" / "layout.xml.j2"
    text = layout.read_text(encoding="utf-8")
    assert "{{ c.primary }}" in text
    layout.write_text(text.replace("{{ c.primary }}", "#00a651"), encoding="utf-8")
    assert s.changed([layout])
    after = s.outcome("instagram-square", 1)
    assert after.ok and after.render_id != before.render_id
    assert after.rendered.image.tobytes() != before.rendered.image.tobytes()
    # break line 5 with a Jinja syntax error: the outcome says where, the last good stays
    lines = layout.read_text(encoding="utf-8").split("\n")
    lines[4] += " {% if %}"
    layout.write_text("\n".join(lines), encoding="utf-8")
    assert s.changed([layout])
    broken = s.outcome("instagram-square", 1)
    assert not broken.ok
    assert broken.error.location.line == 5
    assert Path(broken.error.location.file).name == "layout.xml.j2"
    assert s.last_good("instagram-square", 1) is after
    # fixed: renders again
    layout.write_text(text, encoding="utf-8")
    assert s.changed([layout])
    fixed = s.outcome("instagram-square", 1)
    assert fixed.ok
    assert fixed.rendered.image.tobytes() == before.rendered.image.tobytes()


def test_the_brand_kit_and_the_data_file_reopen(project):
    s = _session(project)
    before = s.outcome("instagram-portrait", 1)
    kit = project / "libmedia.toml"
    kit.write_text(kit.read_text().replace("#1f4e79", "#8a1538"), encoding="utf-8")
    assert s.changed([kit])
    recoloured = s.outcome("instagram-portrait", 1)
    assert recoloured.rendered.image.tobytes() != before.rendered.image.tobytes()
    data = project / "buku.csv"
    data.write_text(data.read_text().replace("Laut Bercerita", "Pulang"), encoding="utf-8")
    sample = s.outcome("instagram-portrait", 0)
    assert s.changed([data])
    assert s.posts()[1].title == "Pulang"
    assert "Pulang" in s.outcome("instagram-portrait", 1).rendered.caption
    # the sample does not read the data file: kept
    assert s.outcome("instagram-portrait", 0) is sample


def test_a_cover_added_later_is_seen(project):
    s = _session(project)
    data = project / "buku.csv"
    data.write_text(data.read_text().replace(",,899.221 3 KUR c", ",c.png,899.221 3 KUR c"),
                    encoding="utf-8")
    missing = s.outcome("instagram-portrait", 3)
    assert missing.ok
    assert any(w.code == "placeholder" for w in missing.warnings)
    from PIL import Image

    Image.new("RGB", (600, 900), (20, 160, 60)).save(project / "covers" / "c.png")
    assert s.changed([project / "covers" / "c.png"])
    found = s.outcome("instagram-portrait", 3)
    assert not any(w.code == "placeholder" for w in found.warnings)
    assert found.rendered.image.tobytes() != missing.rendered.image.tobytes()


def test_a_font_added_to_the_kit_drops_the_font_caches(project):
    s = _session(project)
    before = s.outcome("instagram-portrait", 1)
    fonts = project / "fonts"
    fonts.mkdir()
    src = next((ROOT / "fonts").rglob("*.ttf"))
    shutil.copy(src, fonts / src.name)
    assert s.changed([fonts / src.name])
    assert s.outcome("instagram-portrait", 1) is not before
    assert (fonts.resolve()) in s.outcome("instagram-portrait", 1).deps.folders


def test_dependencies_match_files_folders_and_missing_names(tmp_path):
    d = Dependencies(frozenset({tmp_path / "a.png"}), frozenset({tmp_path / "t"}),
                     frozenset({"later.jpg"}))
    assert d.touched_by(tmp_path / "a.png")
    assert d.touched_by(tmp_path / "t" / "layout.xml.j2")
    assert d.touched_by(tmp_path / "elsewhere" / "later.jpg")
    assert not d.touched_by(tmp_path / "b.png")
    assert not d.touched_by(tmp_path / "tx" / "layout.xml.j2")


def test_lint_diagnostics_carry_the_box_they_are_about(project):
    """A warning from the lint stage says where on the page it is, for the
    preview to outline; the box is not part of the warning's identity."""
    from PIL import Image

    Image.new("RGB", (120, 180), (200, 200, 200)).save(project / "covers" / "a.png")
    s = _session(project)
    out = s.outcome("instagram-portrait", 1)
    soft = [w for w in out.warnings if w.code == "upscaled"]
    assert soft, [w.code for w in out.warnings]
    x, y, w, h = soft[0].location.box
    assert 0 <= x < 1080 and 0 <= y < 1350 and w > 120 and h > 180
    assert "box" not in soft[0].location.to_dict()


def test_markup_that_is_not_xml_names_the_template_line(project):
    """A tag closed with another name is found in the markup the template
    made; the error names the line of layout.xml.j2 the author edits."""
    layout = project / "new-book" / "layout.xml.j2"
    lines = layout.read_text(encoding="utf-8").split("\n")
    n = next(i for i, line in enumerate(lines) if "<text" in line and "</text>" in line)
    lines[n] = lines[n].replace("<text", "<txt", 1)
    layout.write_text("\n".join(lines), encoding="utf-8")
    out = RenderSession(project / "new-book").outcome("instagram-square", 0)
    assert not out.ok
    assert out.error.location.line == n + 1
    assert out.error.location.file == str(layout)
    assert "_line" not in out.error.hint and "<txt" in out.error.hint
