"""Bundles: template folder and brand kit packed on the coordinator, written on a worker."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from libmedia.brand import load_brand
from libmedia.errors import BrandError, InternalError, LibmediaError, TemplateError
from libmedia.run import bundle as bundle_mod
from libmedia.run.bundle import Bundle, bundle_digest, cache_dir, make_bundle, materialize
from libmedia.templating import load_template

ROOT = Path(__file__).resolve().parents[1]
NEW_BOOK = ROOT / "templates" / "new-book"
KIT = ROOT / "samples" / "libmedia.toml"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """A fresh bundle cache and an empty per-process memo for every test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LIBMEDIA_CACHE", str(folder))
    monkeypatch.setattr(bundle_mod, "_materialized", {})
    return folder / "bundles"


def _files(b: Bundle) -> dict[str, bytes]:
    return dict(b.files)


def test_template_and_kit_are_packed_with_their_layout():
    b = make_bundle(NEW_BOOK, KIT)
    files = _files(b)
    expected = {f"template/new-book/{p.relative_to(NEW_BOOK).as_posix()}"
                for p in NEW_BOOK.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert len(expected) >= 5  # template.toml, three .j2 files, the sample cover
    assert expected | {"brand/libmedia.toml", "brand/logo.png"} == set(files)
    assert files["template/new-book/template.toml"] == (NEW_BOOK / "template.toml").read_bytes()
    assert files["brand/logo.png"] == (ROOT / "samples" / "logo.png").read_bytes()
    assert (b.template_name, b.brand_name) == ("new-book", "libmedia.toml")
    assert [p for p, _ in b.files] == sorted(files)
    assert b.size == sum(len(d) for d in files.values())


def test_digest_is_stable_and_follows_content(tmp_path):
    folder = tmp_path / "new-book"
    shutil.copytree(NEW_BOOK, folder)
    a = make_bundle(folder, None)
    assert a == make_bundle(folder, None)
    assert a.digest == bundle_digest(reversed(a.files))  # order does not matter
    assert a.digest == make_bundle(NEW_BOOK, None).digest  # same files elsewhere, same digest
    (folder / "caption.txt.j2").write_text("changed\n", encoding="utf-8")
    assert make_bundle(folder, None).digest != a.digest
    assert a.brand_name is None
    assert not any(p.startswith("brand/") for p, _ in a.files)


def test_bundle_survives_pickling():
    b = make_bundle(NEW_BOOK, KIT)
    assert pickle.loads(pickle.dumps(b)) == b


def test_dotfiles_and_pycache_are_left_out(tmp_path):
    folder = tmp_path / "t"
    shutil.copytree(NEW_BOOK, folder)
    (folder / ".DS_Store").write_bytes(b"x")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.pyc").write_bytes(b"x")
    (folder / "assets" / "sub").mkdir()
    (folder / "assets" / "sub" / "extra.txt").write_text("kept\n")
    names = set(_files(make_bundle(folder, None)))
    assert "template/t/assets/sub/extra.txt" in names
    assert not any("__pycache__" in n or "/." in n for n in names)


def test_links_inside_are_followed_and_outside_refused(tmp_path):
    folder = tmp_path / "t"
    shutil.copytree(NEW_BOOK, folder)
    (folder / "cover-link.jpg").symlink_to(folder / "assets" / "sample-cover.jpg")
    files = _files(make_bundle(folder, None))
    assert files["template/t/cover-link.jpg"] == (NEW_BOOK / "assets" / "sample-cover.jpg").read_bytes()

    outside = tmp_path / "outside.png"
    outside.write_bytes(b"png")
    (folder / "assets" / "leak.png").symlink_to(outside)
    with pytest.raises(TemplateError, match="outside the template folder") as info:
        make_bundle(folder, None)
    assert info.value.location.file.endswith("leak.png")
    (folder / "assets" / "leak.png").unlink()

    (folder / "assets" / "gone.png").symlink_to(folder / "nothing.png")
    with pytest.raises(TemplateError, match="broken link"):
        make_bundle(folder, None)
    (folder / "assets" / "gone.png").unlink()

    (folder / "assets" / "loop").symlink_to(folder)
    with pytest.raises(TemplateError, match="folder that holds it"):
        make_bundle(folder, None)


def test_an_absurdly_large_template_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_mod, "MAX_BUNDLE_BYTES", 10_000)
    with pytest.raises(LibmediaError, match="larger than") as info:
        make_bundle(NEW_BOOK, None)  # its sample cover alone is larger
    assert info.value.code == "bundle-too-large"
    assert "beside the data file" in info.value.hint


def test_missing_template_folder(tmp_path):
    with pytest.raises(TemplateError, match="not found"):
        make_bundle(tmp_path / "nope", None)


def _kit_elsewhere(tmp_path: Path) -> Path:
    """A brand kit in kits/samudra/ whose logo is in shared/logos/ and whose
    fonts/ folder is beside it."""
    kit_dir = tmp_path / "kits" / "samudra"
    (kit_dir / "fonts").mkdir(parents=True)
    logos = tmp_path / "shared" / "logos"
    logos.mkdir(parents=True)
    shutil.copy(ROOT / "samples" / "logo.png", logos / "samudra.png")
    shutil.copy(ROOT / "fonts" / "OFL.txt" if (ROOT / "fonts" / "OFL.txt").exists()
                else KIT, kit_dir / "fonts" / "OFL.txt")
    font = next(p for p in sorted((ROOT / "fonts").rglob("*.ttf")))
    shutil.copy(font, kit_dir / "fonts" / font.name)
    kit = kit_dir / "libmedia.toml"
    text = KIT.read_text(encoding="utf-8").replace('logo = "logo.png"',
                                                   'logo = "../../shared/logos/samudra.png"')
    assert "samudra.png" in text
    kit.write_text(text, encoding="utf-8")
    return kit


def test_brand_kit_logo_and_fonts_keep_their_places(tmp_path):
    kit = _kit_elsewhere(tmp_path)
    font = next((kit.parent / "fonts").glob("*.ttf"))
    b = make_bundle(NEW_BOOK, kit)
    files = _files(b)
    assert b.brand_name == "kits/samudra/libmedia.toml"
    assert files["brand/kits/samudra/libmedia.toml"] == kit.read_bytes()  # not rewritten
    assert files["brand/shared/logos/samudra.png"] == (ROOT / "samples" / "logo.png").read_bytes()
    assert files[f"brand/kits/samudra/fonts/{font.name}"] == font.read_bytes()
    assert "brand/kits/samudra/fonts/OFL.txt" in files

    shutil.rmtree(tmp_path / "kits")
    shutil.rmtree(tmp_path / "shared")
    template_dir, brand_path = materialize(b)
    brand = load_brand(brand_path)
    assert brand.logo.is_relative_to(cache_dir() / b.digest)
    assert brand.logo.read_bytes() == files["brand/shared/logos/samudra.png"]
    assert (brand_path.parent / "fonts" / font.name).is_file()
    assert load_template(template_dir).name == "new-book"


def test_logo_behind_a_link_is_placed_where_the_kit_points(tmp_path):
    kit_dir = tmp_path / "kit"
    kit_dir.mkdir()
    real = tmp_path / "elsewhere" / "real.png"
    real.parent.mkdir()
    shutil.copy(ROOT / "samples" / "logo.png", real)
    (kit_dir / "logo.png").symlink_to(real)
    shutil.copy(KIT, kit_dir / "libmedia.toml")
    files = _files(make_bundle(NEW_BOOK, kit_dir / "libmedia.toml"))
    assert files["brand/logo.png"] == real.read_bytes()
    assert not any("real.png" in p for p in files)


def test_absolute_logo_path_is_refused(tmp_path):
    kit = tmp_path / "libmedia.toml"
    logo = (ROOT / "samples" / "logo.png").as_posix()
    kit.write_text(KIT.read_text(encoding="utf-8").replace('logo = "logo.png"', f'logo = "{logo}"'),
                   encoding="utf-8")
    with pytest.raises(BrandError, match="absolute path") as info:
        make_bundle(NEW_BOOK, kit)
    assert info.value.location.field == "library.logo"


def test_a_bad_kit_fails_on_the_coordinator(tmp_path):
    kit = tmp_path / "libmedia.toml"
    kit.write_text('[colors]\nprimary = "not a colour"\n', encoding="utf-8")
    with pytest.raises(BrandError, match="primary"):
        make_bundle(NEW_BOOK, kit)


def test_materialize_writes_once_and_memoises(tmp_path, cache, monkeypatch):
    b = make_bundle(NEW_BOOK, KIT)
    template_dir, brand_path = materialize(b)
    assert template_dir == cache / b.digest / "template" / "new-book"
    assert brand_path == cache / b.digest / "brand" / "libmedia.toml"
    for path, data in b.files:
        assert (cache / b.digest / path).read_bytes() == data
    assert load_template(template_dir).samples
    assert load_brand(brand_path).logo == cache / b.digest / "brand" / "logo.png"
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]

    def no_write(*args):
        raise AssertionError("written again")

    monkeypatch.setattr(bundle_mod, "_write", no_write)
    assert materialize(b) == (template_dir, brand_path)  # memoised
    monkeypatch.setattr(bundle_mod, "_materialized", {})  # a new process: the folder is reused
    assert materialize(b) == (template_dir, brand_path)


def test_a_damaged_cache_folder_is_rewritten(cache):
    b = make_bundle(NEW_BOOK, None)
    template_dir, brand_path = materialize(b)
    assert brand_path is None
    (template_dir / "layout.xml.j2").unlink()
    bundle_mod._materialized.clear()
    materialize(b)
    assert (template_dir / "layout.xml.j2").read_bytes() == (NEW_BOOK / "layout.xml.j2").read_bytes()
    assert [p.name for p in cache.iterdir()] == [b.digest]


def test_another_process_finishing_first_is_fine(cache, monkeypatch):
    """The other process renames its copy into place while this one writes its
    own: this one's rename fails, it uses the other's folder and cleans up."""
    b = make_bundle(NEW_BOOK, KIT)
    fill = bundle_mod._fill

    def racing_fill(folder, bundle):
        fill(folder, bundle)
        other = cache / ".other"
        fill(other, bundle)
        (other / ".other-marker").touch()
        os.rename(other, cache / bundle.digest)

    monkeypatch.setattr(bundle_mod, "_fill", racing_fill)
    template_dir, _ = materialize(b)
    assert (template_dir / "template.toml").is_file()
    # the other process's folder is kept (it may be reading from it), not replaced
    assert (cache / b.digest / ".other-marker").is_file()
    assert [p.name for p in cache.iterdir()] == [b.digest]


def _materialize_in_child(b: Bundle) -> tuple[str, str]:
    template_dir, brand_path = materialize(b)
    digest = hashlib.sha256((template_dir / "layout.xml.j2").read_bytes()).hexdigest()
    return str(template_dir), digest


def test_processes_materialize_the_same_bundle_at_once(cache):
    b = make_bundle(NEW_BOOK, KIT)
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_materialize_in_child, [b] * 8))
    assert {r for r in results} == {
        (str(cache / b.digest / "template" / "new-book"),
         hashlib.sha256((NEW_BOOK / "layout.xml.j2").read_bytes()).hexdigest())}
    assert [p.name for p in cache.iterdir()] == [b.digest]


def test_stale_temporary_folders_are_removed(cache):
    cache.mkdir(parents=True)
    old, fresh = cache / ".tmp-killed-1", cache / ".tmp-running-2"
    old.mkdir()
    fresh.mkdir()
    os.utime(old, (1, 1))
    materialize(make_bundle(NEW_BOOK, None))
    assert not old.exists() and fresh.exists()


def test_a_tampered_bundle_is_refused():
    b = make_bundle(NEW_BOOK, None)
    with pytest.raises(InternalError, match="digest"):
        materialize(Bundle("0" * 64, b.files, b.template_name))
    for bad in ("../evil.txt", "/etc/evil", "elsewhere/x", "template/../../x"):
        files = ((bad, b"x"),)
        with pytest.raises(InternalError, match="leaves its folder"):
            materialize(Bundle(bundle_digest(files), files, "t"))


def test_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LIBMEDIA_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" / "bundles"
    monkeypatch.delenv("LIBMEDIA_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "x" / "libmedia" / "bundles"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "libmedia" / "bundles"


def test_an_unwritable_cache_names_the_variable(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LIBMEDIA_CACHE", str(blocker))
    with pytest.raises(LibmediaError, match="template cache") as info:
        materialize(make_bundle(NEW_BOOK, None))
    assert "LIBMEDIA_CACHE" in info.value.hint


def test_a_cache_cleared_while_running_is_written_again(cache):
    b = make_bundle(NEW_BOOK, KIT)
    template_dir, _ = materialize(b)
    shutil.rmtree(cache)
    assert materialize(b)[0] == template_dir
    assert (template_dir / "template.toml").is_file()


def test_real_brand_kit_with_its_fonts_folder(cases):
    """Case C36: a kit with the library's own 7-weight family in fonts/ beside it."""
    kit = cases / "C36_brand_fonts" / "kit_fonts_folder" / "libmedia.toml"
    fonts = sorted((kit.parent / "fonts").iterdir())
    assert len(fonts) == 7
    b = make_bundle(NEW_BOOK, kit)
    brand = {p: d for p, d in b.files if p.startswith("brand/")}
    assert set(brand) == {"brand/libmedia.toml"} | {f"brand/fonts/{f.name}" for f in fonts}
    _, brand_path = materialize(b)  # the data file beside the kit is not sent
    for f in fonts:
        assert (brand_path.parent / "fonts" / f.name).read_bytes() == f.read_bytes()
    assert load_brand(brand_path).types["title"]["family"] == "Kota Sans"
