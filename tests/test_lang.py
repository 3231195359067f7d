"""Language: ``--lang id|en`` over the brand kit's, reaching every text of a post.

Every shipped template (listed from ``templates/``, so new ones join by
being there) is rendered in Indonesian and in English: each ``t()`` key it
uses must exist in both catalogs, and its post, caption and alt text must
come out in the language asked for, with no words of the other one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from template_renders import TEMPLATES, render_sample, template_dirs

from libmedia import i18n
from libmedia.brand import load_brand
from libmedia.cli import main
from libmedia.errors import BrandError
from libmedia.formats import get_format
from libmedia.jobs import open_job, plan
from libmedia.render import RenderInput, build_context, render_until, sample_records
from libmedia.run.task import render_task
from libmedia.sources import Record
from libmedia.style import style_document
from libmedia.templating import load_template

NAMES = [d.name for d in template_dirs()]
_T_CALL = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.-]+)["']\s*\)""")
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)

#: Words that give away the other language.  Each list holds common words
#: that are not also words of the other language (nor names in the samples).
TELLS = {
    "en": {"the", "and", "of", "with", "new", "book", "books", "by", "available", "scan",
           "follow", "borrow", "call", "number", "cover", "library", "event", "date", "time",
           "place", "register", "week", "find", "shelf", "coming", "see", "you", "there",
           "january", "february", "march", "may", "june", "july", "august",
           "october", "december", "monday", "tuesday", "wednesday",
           "thursday", "friday", "saturday", "sunday", "am", "pm"},
    "id": {"dan", "yang", "untuk", "buku", "baru", "karya", "sampul", "pinjam", "dipinjam",
           "perpustakaan", "acara", "tanggal", "waktu", "tempat", "daftar", "bersama", "ikuti",
           "minggu", "koleksi", "pindai", "katalog", "sampai", "jumpa", "nomor", "panggil",
           "januari", "februari", "maret", "mei", "juni", "juli", "agustus", "oktober",
           "desember", "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "bulan", "ini"},
}
OTHER = {"id": "en", "en": "id"}


def keys_used(folder: Path) -> set[str]:
    """The literal keys a template folder's Jinja files pass to ``t()``
    (comments left out)."""
    keys: set[str] = set()
    for f in folder.glob("*.j2"):
        keys |= set(_T_CALL.findall(_JINJA_COMMENT.sub("", f.read_text(encoding="utf-8"))))
    return keys


def catalog(lang: str, folder: Path) -> dict[str, str]:
    """libmedia's catalog for ``lang`` with the template's own over it, without the
    English fallback (a key missing in Indonesian must be found missing)."""
    return {**i18n.read_catalog(i18n.catalog_path(i18n.LOCALE_DIR, lang)),
            **i18n.read_catalog(i18n.catalog_path(folder / "locale", lang))}


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def visible_text(markup: str) -> str:
    """The text a layout shows (tags and attributes left out)."""
    return re.sub(r"<[^>]*>", " ", markup)


def data_words(name: str, brand) -> set[str]:
    """Words the post shows because the data or the kit says them (a title in
    Indonesian is the title in English posts too): every sample value, the
    library's name and hashtags."""
    t = load_template(TEMPLATES / name)
    out = words(brand.name + " " + brand.short_name + " " + " ".join(brand.hashtags))
    for s in t.samples:
        out |= words(" ".join(str(v) for v in s.values()))
    return out


def test_language_list_comes_from_the_catalogs():
    assert i18n.languages() == ["en", "id"]
    assert set(TELLS) == set(i18n.languages())


@pytest.mark.parametrize("name", NAMES)
def test_every_key_a_template_uses_is_in_every_catalog(name):
    folder = TEMPLATES / name
    used = keys_used(folder)
    for lang in i18n.languages():
        missing = sorted(used - set(catalog(lang, folder)))
        assert not missing, f"{name} uses t() keys with no {lang} text: {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_every_template_speaks_the_language_asked_for(name):
    base = load_brand()
    fmt = load_template(TEMPLATES / name).default_format
    out = {}
    for lang in ("id", "en"):
        s = render_sample(name, fmt, base.with_language(lang))
        out[lang] = s
        own = data_words(name, base)
        for part, text in (("post", visible_text(s.markup)), ("caption", s.caption), ("alt text", s.alt)):
            stray = sorted((words(text) & TELLS[OTHER[lang]]) - own - TELLS[lang])
            assert not stray, f"{name} {part} in {lang} has words of {OTHER[lang]}: {stray}\n{text}"
    for part in ("caption", "alt", "markup"):
        assert getattr(out["id"], part) != getattr(out["en"], part), f"{name}: {part} is the same"


def test_lang_overrides_the_kit_and_reaches_every_stage():
    t = load_template(TEMPLATES / "new-book")
    rec = Record(row=1, line=2, fields={"title": "Sejarah Dunia", "author": "Tan, Lina",
                                        "year": "-500", "cover": ""}, raw={})
    brand = load_brand().with_language("en")
    assert load_brand().language == "id" and brand.language == "en"
    fmt = get_format("instagram-portrait")
    ctx = build_context(t, [rec], brand, fmt)
    assert ctx["lang"] == "en" and ctx["t"]("new_arrival") == "New arrival"
    stages = render_until(RenderInput(t, [rec], fmt, brand, search_dirs=[t.path]), "document")
    assert "500 BCE" in stages.markup        # the year filter
    styled = style_document(stages.document, brand.types, brand.colors, "layout.xml.j2", brand.language)
    assert {base.language for base, _ in styled.text.values()} == {"en"}  # hyphenation, shaping
    with pytest.raises(BrandError) as err:
        load_brand().with_language("fr")
    assert "--lang en" in err.value.hint and "--lang id" in err.value.hint


def test_event_dates_follow_the_language():
    base = load_brand()
    en = render_sample("event-reel", "instagram-reel", base.with_language("en"))
    idn = render_sample("event-reel", "instagram-reel", base.with_language("id"))
    assert "December" in en.caption and "Saturday" in en.caption
    assert "Desember" in idn.caption and "Sabtu" in idn.caption


def test_a_batch_task_renders_in_the_jobs_language():
    job = open_job("new-book", None, lang="en")
    tasks = plan(job)
    assert tasks and all(task.language == "en" for task in tasks)
    result = render_task(tasks[0])
    caption = next(a for a in result.artifacts if a.kind == "caption").data.decode()
    assert caption.startswith("📚 New at ")
    # the language is part of what --resume compares
    from libmedia.jobs import job_digest

    assert job_digest(job) != job_digest(open_job("new-book", None, lang="id"))


def test_cli_lang_on_render_batch_and_check(tmp_path):
    runner = CliRunner()
    out = tmp_path / "x.png"
    res = runner.invoke(main, ["render", "new-book", "--lang", "en", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "x.caption.txt").read_text(encoding="utf-8").startswith("📚 New at ")
    # a kit in English, a run in Indonesian
    data = tmp_path / "books.csv"
    data.write_text("title,author\nBumi Manusia,Pramoedya Ananta Toer\n", encoding="utf-8")
    (tmp_path / "libmedia.toml").write_text('[library]\nlanguage = "en"\n', encoding="utf-8")
    res = runner.invoke(main, ["batch", "new-book", str(data), "--lang", "id", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest
    caption = next((tmp_path / "o").glob("*.caption.txt")).read_text(encoding="utf-8")
    assert caption.startswith("📚 Koleksi baru di ")
    res = runner.invoke(main, ["check", "new-book", str(data), "--lang", "id"])
    assert res.exit_code == 0, res.output
    assert "posts in Bahasa Indonesia (id); format: instagram-portrait" in res.output
    for cmd in (["render", "new-book"], ["batch", "new-book", str(data)], ["check", "new-book", str(data)]):
        res = runner.invoke(main, [*cmd, "--lang", "fr"])
        assert res.exit_code == 2 and "en, id" in res.output, res.output


def test_sample_records_are_there_for_every_template():
    for d in template_dirs():
        assert sample_records(load_template(d)), f"{d.name} has no [[sample]] to test with"
