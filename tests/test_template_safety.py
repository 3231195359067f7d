"""Templates from strangers are safe (issue 9, item 6).

A template folder shared by another library is untrusted code.  It must not
read a file outside its own folder, the brand kit's folder and the data's
folder (``..``, absolute paths, ``file://``, symlinks pointing out, device
files, FIFOs, sockets: as an image, a background, a sample cover, an
``{% include %}``/``{% import %}``, a symlinked template file, a font, a
message catalog), reach Python internals through Jinja, fetch anything, or
make the renderer exhaust memory or time (each limit an error naming it,
:data:`libmedia.sandbox.LIMITS`).

Every test builds its template in ``tmp_path`` beside a "private" folder
holding what must never show up in a post: ``secret.txt`` (a text) and
``secret.png`` (a magenta picture).
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import textwrap
import threading
from pathlib import Path

import pytest
from PIL import Image

from libmedia.brand import load_brand
from libmedia.errors import LibmediaError, ProblemList, TemplateError
from libmedia.formats import get_format
from libmedia.render import RenderInput, render, render_until, sample_records
from libmedia.sources import Record
from libmedia.templating import load_template

ROOT = Path(__file__).resolve().parents[1]
SECRET_TEXT = "TOP-SECRET-PASSPHRASE"
MAGENTA = (255, 0, 255)

TOML = """\
name = "stranger"
kind = "image"
formats = ["instagram-square"]
records = "1"
record_name = "book"

[fields]
title = { type = "text", required = true }
cover = { type = "image" }
"""

LAYOUT = """\
<canvas background="#ffffff">
  <text>{{ book.title }}</text>
</canvas>
"""


@pytest.fixture
def place(tmp_path):
    """``tmp_path`` with ``private/`` (the secrets), ``data/`` (a data
    folder with ``covers/green.png``) and ``kit/`` (a brand kit with a logo)."""
    private = tmp_path / "private"
    private.mkdir()
    (private / "secret.txt").write_text(SECRET_TEXT + "\n", encoding="utf-8")
    Image.new("RGB", (400, 600), MAGENTA).save(private / "secret.png")
    data = tmp_path / "data"
    (data / "covers").mkdir(parents=True)
    Image.new("RGB", (400, 600), (0, 160, 0)).save(data / "covers" / "green.png")
    kit = tmp_path / "kit"
    kit.mkdir()
    Image.new("RGB", (300, 100), (0, 0, 200)).save(kit / "logo.png")
    (kit / "libmedia.toml").write_text('[library]\nname = "Perpustakaan"\nlogo = "logo.png"\n',
                                       encoding="utf-8")
    return tmp_path


def make_template(root: Path, layout: str = LAYOUT, caption: str = "{{ book.title }}\n",
                  alt: str = "{{ book.title }}\n", toml: str = TOML, name: str = "stranger",
                  files: dict[str, str | bytes] | None = None) -> Path:
    """A template folder ``root/name`` with the given files (extra ``files``
    by relative path)."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for fname, text in (("template.toml", toml), ("layout.xml.j2", layout),
                        ("caption.txt.j2", caption), ("alt.txt.j2", alt)):
        if text is not None:
            (folder / fname).write_text(textwrap.dedent(text), encoding="utf-8")
    for rel, content in (files or {}).items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return folder


def record(**fields) -> Record:
    fields.setdefault("title", "Laskar Pelangi")
    return Record(row=2, line=2, fields=dict(fields), raw=dict(fields))


def render_one(place: Path, folder: Path, rec: Record | None = None, kit: bool = False,
               fmt: str = "instagram-square"):
    """Render ``rec`` (default: a plain record) with the template at
    ``folder``, the data in ``place/data``."""
    template = load_template(folder)
    data = place / "data"
    brand = load_brand(place / "kit" / "libmedia.toml") if kit else load_brand()
    inp = RenderInput(template, [rec or record()], get_format(fmt), brand,
                      search_dirs=[data, data / "covers"], source=str(data / "books.csv"))
    return render(inp)


def has_colour(img: Image.Image, colour: tuple[int, int, int]) -> bool:
    rgb = img.convert("RGB")
    return any(c == colour for _, c in rgb.getcolors(rgb.width * rgb.height))


def problems_of(exc: LibmediaError) -> list[LibmediaError]:
    return list(exc.problems) if isinstance(exc, ProblemList) else [exc]


def assert_refused(excinfo, file_name: str, *words: str) -> TemplateError:
    """The error is a template error naming ``file_name`` (and a line where
    there is one) with each of ``words`` in its message or hint; the secret
    appears nowhere in it."""
    exc = excinfo.value
    assert isinstance(exc, TemplateError) or (isinstance(exc, ProblemList) and exc.kind == "template"), exc
    text = str(exc)
    assert SECRET_TEXT not in text
    first = problems_of(exc)[0]
    assert first.location.file and Path(first.location.file).name == file_name, first.location
    for w in words:
        assert w in text, (w, text)
    assert first.hint
    return first


# ---------------------------------------------------------------------------
# files: images and backgrounds


IMAGE_LAYOUT = """\
<canvas background="#ffffff">
  <text>{{{{ book.title }}}}</text>
  <image src="{src}" width="400" height="600"/>
</canvas>
"""


@pytest.mark.parametrize("how", ["absolute", "dotdot", "file-url", "dotdot-assets"])
def test_an_image_outside_the_allowed_folders_is_refused(place, how):
    src = {"absolute": str(place / "private" / "secret.png"),
           "dotdot": "../private/secret.png",
           "file-url": (place / "private" / "secret.png").as_uri(),
           "dotdot-assets": "assets/../../private/secret.png"}[how]
    folder = make_template(place, IMAGE_LAYOUT.format(src=src))
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    first = assert_refused(excinfo, "layout.xml.j2")
    assert first.location.line == 3


def test_a_background_image_outside_is_refused(place):
    layout = f"""\
    <canvas background-image="{place / 'private' / 'secret.png'}">
      <text>{{{{ book.title }}}}</text>
    </canvas>
    """
    folder = make_template(place, layout)
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    assert assert_refused(excinfo, "layout.xml.j2").location.line == 1


def test_a_symlinked_asset_pointing_out_is_refused(place):
    folder = make_template(place, IMAGE_LAYOUT.format(src="assets/cover.png"))
    (folder / "assets").mkdir()
    (folder / "assets" / "cover.png").symlink_to(place / "private" / "secret.png")
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    assert_refused(excinfo, "cover.png", "symbolic link")


def test_a_symlinked_folder_pointing_out_is_refused(place):
    folder = make_template(place, IMAGE_LAYOUT.format(src="assets/private/secret.png"))
    (folder / "assets").mkdir()
    (folder / "assets" / "private").symlink_to(place / "private")
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    assert_refused(excinfo, "private", "symbolic link")


def test_a_url_in_template_markup_is_refused(place):
    folder = make_template(place, IMAGE_LAYOUT.format(src="https://example.org/track.png"))
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    assert_refused(excinfo, "layout.xml.j2", "web address")


def test_a_template_made_path_into_the_data_folder_is_allowed(place):
    """``covers/{{ book.isbn }}.png``: a name the template makes, inside the
    data's folder, is a cover like any other."""
    folder = make_template(place, IMAGE_LAYOUT.format(src="covers/{{ book.isbn }}.png"))
    shutil.copy(place / "data" / "covers" / "green.png", place / "data" / "covers" / "9789793062792.png")
    r = render_one(place, folder, record(isbn="9789793062792"))
    assert has_colour(r.image, (0, 160, 0))


def test_the_data_names_its_own_covers_anywhere(place):
    """The data is the user's own: a cover it names by an absolute path is
    drawn even outside the data folder (only the template is a stranger)."""
    elsewhere = place / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(place / "data" / "covers" / "green.png", elsewhere / "mine.png")
    folder = make_template(place, IMAGE_LAYOUT.format(src="{{ book.cover }}"))
    r = render_one(place, folder, record(cover=str(elsewhere / "mine.png")))
    assert has_colour(r.image, (0, 160, 0))
    r = render_one(place, folder, record(cover="green.png"))
    assert has_colour(r.image, (0, 160, 0))


def test_the_brand_logo_and_template_assets_keep_working(place):
    layout = """\
    <canvas background="#ffffff">
      <image src="brand:logo" width="300" height="100"/>
      <image src="assets/red.png" width="100" height="100"/>
    </canvas>
    """
    folder = make_template(place, layout)
    (folder / "assets").mkdir()
    Image.new("RGB", (50, 50), (220, 0, 0)).save(folder / "assets" / "red.png")
    r = render_one(place, folder, kit=True)
    assert has_colour(r.image, (0, 0, 200)) and has_colour(r.image, (220, 0, 0))


@pytest.mark.parametrize("cover", ["/etc/passwd", "../../private/secret.png", "SECRET"])
def test_a_sample_cover_outside_the_template_is_refused(place, cover):
    if cover == "SECRET":
        cover = str(place / "private" / "secret.png")
    toml = TOML + f'\n[[sample]]\ntitle = "Sample"\ncover = "{cover}"\n'
    folder = make_template(place, IMAGE_LAYOUT.format(src="{{ book.cover }}"), toml=toml)
    template = load_template(folder)
    inp = RenderInput(template, sample_records(template), get_format("instagram-square"),
                      load_brand(), search_dirs=[template.path],
                      source=str(template.path / "template.toml"))
    with pytest.raises(LibmediaError) as excinfo:
        render(inp)
    first = assert_refused(excinfo, "template.toml", "sample")
    assert first.location.field == "sample.cover"


# ---------------------------------------------------------------------------
# files: template files, includes, catalogs, fonts


@pytest.mark.parametrize("name", ["layout.xml.j2", "caption.txt.j2", "alt.txt.j2", "template.toml"])
def test_a_symlinked_template_file_pointing_out_is_refused(place, name):
    folder = make_template(place)
    (folder / name).unlink()
    (folder / name).symlink_to(place / "private" / "secret.txt")
    with pytest.raises(LibmediaError) as excinfo:
        load_template(folder)
    assert_refused(excinfo, name, "symbolic link", "outside")


def test_a_symlink_inside_the_folder_is_fine(place):
    folder = make_template(place)
    (folder / "parts").mkdir()
    (folder / "parts" / "title.j2").write_text("{{ book.title }}!", encoding="utf-8")
    (folder / "title-link.j2").symlink_to(folder / "parts" / "title.j2")
    (folder / "caption.txt.j2").write_text("{% include 'title-link.j2' %}\n", encoding="utf-8")
    r = render_one(place, folder)
    assert r.caption == "Laskar Pelangi!\n"


@pytest.mark.parametrize("tag", ["include", "import"])
def test_an_include_outside_the_folder_is_refused(place, tag):
    secret = place / "private" / "secret.txt"
    statement = "{% include '../private/secret.txt' %}" if tag == "include" else \
        "{% import '" + str(secret) + "' as s %}{{ s }}"
    folder = make_template(place, caption="{{ book.title }}\n" + statement + "\n")
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    first = assert_refused(excinfo, "caption.txt.j2")
    assert first.location.line == 2


def test_an_included_symlink_pointing_out_is_refused(place):
    folder = make_template(place, caption="{% include 'notes.txt' %}\n")
    (folder / "notes.txt").symlink_to(place / "private" / "secret.txt")
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    assert_refused(excinfo, "notes.txt", "symbolic link")


def test_a_symlinked_message_catalog_pointing_out_is_refused(place):
    folder = make_template(place, caption="{{ t('secret') }}\n")
    po = folder / "locale" / "id" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    (place / "private" / "secret.po").write_text(f'msgid "secret"\nmsgstr "{SECRET_TEXT}"\n',
                                                 encoding="utf-8")
    po.symlink_to(place / "private" / "secret.po")
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    assert_refused(excinfo, "messages.po", "symbolic link")


def test_a_symlinked_font_pointing_out_is_refused(place):
    folder = make_template(place)
    (folder / "fonts").mkdir()
    some_font = next((ROOT / "fonts").rglob("*.ttf"))
    (folder / "fonts" / "Stolen.ttf").symlink_to(some_font)
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    assert_refused(excinfo, "Stolen.ttf", "symbolic link")


def _run_with_deadline(fn, seconds: float):
    """Run ``fn`` in a thread; return (finished, result or exception)."""
    box: dict = {}

    def target():
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    th = threading.Thread(target=target, daemon=True)
    th.start()
    th.join(seconds)
    return not th.is_alive(), box


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_special_files_in_a_template_folder_are_refused_without_hanging(place, kind):
    folder = make_template(place, caption="{% include 'part.txt' %}\n")
    target = folder / "part.txt"
    sock = None
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(target))
    else:
        target.symlink_to("/dev/zero")
    try:
        finished, box = _run_with_deadline(lambda: render_one(place, folder), 10)
        if not finished and kind == "fifo":  # unblock the reader so the thread ends
            fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        assert finished, "a special file in the template folder hung the render"
        exc = box.get("error")
        assert isinstance(exc, LibmediaError) and exc.kind == "template", box
        first = problems_of(exc)[0]
        assert Path(first.location.file).name == "part.txt"
        assert first.hint
    finally:
        if sock is not None:
            sock.close()


@pytest.mark.parametrize("src", ["/dev/zero", "/dev/urandom"])
def test_device_files_as_images_are_refused(place, src):
    folder = make_template(place, IMAGE_LAYOUT.format(src=src))
    finished, box = _run_with_deadline(lambda: render_one(place, folder), 10)
    assert finished
    assert isinstance(box.get("error"), TemplateError), box


def test_a_fifo_named_by_the_data_does_not_hang(place):
    """The data's own cover name is followed, but a FIFO is no picture: the
    record gets a stand-in cover and a warning, without waiting for a writer."""
    os.mkfifo(place / "data" / "covers" / "pipe.jpg")
    layout = IMAGE_LAYOUT.format(src="{{ book.cover }}").replace(
        'height="600"', 'height="600" placeholder-title="{{ book.title }}"')
    folder = make_template(place, layout)
    finished, box = _run_with_deadline(lambda: render_one(place, folder, record(cover="pipe.jpg")), 10)
    assert finished
    assert "result" in box, box
    assert any(w.code == "placeholder" for w in box["result"].warnings)


def test_the_template_folder_check_names_each_problem(place):
    folder = make_template(place)
    (folder / "a.txt").symlink_to(place / "private" / "secret.txt")
    os.mkfifo(folder / "b.fifo")
    with pytest.raises(ProblemList) as excinfo:
        load_template(folder)
    names = sorted(Path(p.location.file).name for p in excinfo.value.problems)
    assert names == ["a.txt", "b.fifo"]
    assert stat.S_ISFIFO(os.lstat(folder / "b.fifo").st_mode)


def test_bundled_templates_load_and_render_their_samples():
    for folder in sorted((ROOT / "templates").iterdir()):
        if not (folder / "template.toml").is_file():
            continue
        t = load_template(folder)
        if t.kind == "video" or not t.samples:
            continue
        inp = RenderInput(t, sample_records(t)[: t.records.high], get_format(t.formats[0]),
                          load_brand(), search_dirs=[t.path], source=str(t.path / "template.toml"))
        out = render_until(inp, "document")
        assert out.document is not None, folder.name

