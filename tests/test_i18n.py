"""Interface texts as message catalogs: libmedia's own and a template's own."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from libmedia import i18n
from libmedia.brand import load_brand
from libmedia.errors import TemplateError
from libmedia.formats import get_format
from libmedia.render import RenderInput, render
from libmedia.sources import Record
from libmedia.templating import load_template

ROOT = Path(__file__).resolve().parents[1]


def po(path: Path, entries: dict[str, str], extra: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    + extra + body, encoding="utf-8")


def test_builtin_catalogs_have_the_same_keys_in_every_language():
    assert i18n.languages() == ["en", "id"]
    en, ind = (i18n.read_catalog(i18n.catalog_path(i18n.LOCALE_DIR, lang)) for lang in ("en", "id"))
    assert set(en) == set(ind) and len(en) >= 15
    assert i18n.translate("new_arrival", "id") == "Koleksi baru"
    assert i18n.translate("new_arrival", "en") == "New arrival"
    with pytest.raises(TemplateError, match="no such text") as err:
        i18n.translate("new_arival", "id")
    assert "new_arrival" in err.value.hint


def test_a_templates_catalog_overrides_and_adds_keys(tmp_path):
    po(i18n.catalog_path(tmp_path / "locale", "id"), {"new_arrival": "Baru tiba", "fresh": "Segar"})
    po(i18n.catalog_path(tmp_path / "locale", "en"), {"only_english": "Only in English"},
       extra='#, fuzzy\nmsgid "call_number"\nmsgstr "Shelf mark"\n\n')
    t = i18n.translator("id", tmp_path)
    assert t("new_arrival") == "Baru tiba"          # overridden
    assert t("fresh") == "Segar"                    # added
    assert t("call_number") == "No. panggil"        # libmedia's own (the fuzzy entry is skipped)
    assert t("only_english") == "Only in English"   # falls back to English
    assert i18n.translator("id")("new_arrival") == "Koleksi baru"  # other templates keep theirs


def test_a_broken_catalog_names_file_and_line(tmp_path):
    path = i18n.catalog_path(tmp_path / "locale", "id")
    path.parent.mkdir(parents=True)
    path.write_text('msgid "a"\nmsgstr "b\nnonsense here\n', encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        i18n.translator("id", tmp_path)
    assert err.value.location.file == str(path)


def test_a_template_carries_its_own_catalog_into_the_render(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "template.toml").write_text(textwrap.dedent("""\
        name = "tpl"
        formats = ["instagram-square"]
        record_name = "book"
        [fields]
        title = { type = "text", required = true }
        """), encoding="utf-8")
    (folder / "layout.xml.j2").write_text(
        '<canvas><text role="eyebrow">{{ t("new_arrival") }}</text>'
        '<text role="title">{{ t("shelf") }}</text></canvas>', encoding="utf-8")
    (folder / "caption.txt.j2").write_text('{{ t("shelf") }}: {{ book.title }}', encoding="utf-8")
    (folder / "alt.txt.j2").write_text("{{ book.title }}", encoding="utf-8")
    po(i18n.catalog_path(folder / "locale", "id"), {"shelf": "Rak baru"})
    po(i18n.catalog_path(folder / "locale", "en"), {"shelf": "New shelf"})
    rec = Record(row=1, line=2, fields={"title": "Laskar Pelangi"}, raw={"title": "Laskar Pelangi"})
    r = render(RenderInput(load_template(folder), [rec], get_format("instagram-square"),
                           load_brand(), search_dirs=[folder]))
    assert [n.element.plain_text for n in r.page.find("text")] == ["Koleksi baru", "Rak baru"]
    assert r.caption == "Rak baru: Laskar Pelangi\n"
