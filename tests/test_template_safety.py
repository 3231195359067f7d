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

import json
import os
import shutil
import socket
import stat
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from libmedia import sandbox
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



# ---------------------------------------------------------------------------
# Jinja: known server-side template injection payloads


SSTI = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__dict__ }}",
    "{{ config }}",
    "{{ config.items() }}",
    "{{ request }}",
    "{{ request.application.__globals__ }}",
    "{{ ''|attr('__class__') }}",
    "{{ (''|attr('__class__')|attr('__mro__'))[1] }}",
    "{{ book|attr('_fields') }}",
    "{{ book._source }}",
    "{{ t.__globals__ }}",
    "{{ t.__closure__ }}",
    "{{ range.__self__ }}",
    "{{ range(10**9)|list }}",
    "{{ '{0.__class__}'.format(book) }}",
    "{{ '{0.__init__.__globals__}'.format(t) }}",
    "{{ '{x.__class__.__mro__}'.format_map({'x': 1}) }}",
    "{{ '%s'|format(''.__class__) }}",
    "{{ ''.__class__.__base__.__subclasses__()[0].__init__.__globals__['sys'] }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% set x = book.list.__func__ %}{{ x }}",
    "{{ brand.colors.__class__.__mro__ }}",
    "{{ format.pop('name') }}",
    "{% set l = book.subjects %}{{ l.append('x') }}",
    "{{ dict.__subclasses__() }}",
    "{% include '/etc/passwd' %}",
    "{% import '../../etc/passwd' as p %}",
    "{% extends '/etc/passwd' %}",
]


@pytest.mark.parametrize("payload", SSTI)
def test_template_injection_payloads_reach_nothing(place, payload):
    folder = make_template(place, caption="{{ book.title }}\n" + payload + "\n")
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder, record(subjects="a; b"))
    exc = excinfo.value
    assert exc.kind == "template", (type(exc), exc)
    assert Path(exc.location.file).name == "caption.txt.j2"
    assert exc.location.line == 2, exc
    text = str(exc)
    for leak in ("root:", "<module", "os.environ", "subprocess", "<class", "__builtins__"):
        assert leak not in text, text


def test_injection_payloads_in_the_layout_name_its_line(place):
    layout = LAYOUT.replace("</canvas>", "<text>{{ cycler.__init__.__globals__ }}</text>\n</canvas>")
    folder = make_template(place, layout)
    with pytest.raises(TemplateError) as excinfo:
        render_one(place, folder)
    assert excinfo.value.location.line == 3
    assert excinfo.value.code == "template-sandbox"


def test_data_values_are_text_never_template_code(place):
    """A record whose title is itself a payload is printed as it is."""
    folder = make_template(place)
    payload = "{{ cycler.__init__.__globals__.os }}"
    r = render_one(place, folder, record(title=payload))
    assert r.caption == payload + "\n"


# ---------------------------------------------------------------------------
# resources: each runaway template fails fast, naming its limit


def fails_fast(place: Path, limit_name: str, *, layout: str = LAYOUT, caption: str = "{{ book.title }}\n",
               seconds: float = 5.0, line: int | None = None, rec: Record | None = None):
    folder = make_template(place, layout, caption=caption)
    start = time.monotonic()
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder, rec)
    took = time.monotonic() - start
    exc = excinfo.value
    first = problems_of(exc)[0]
    assert first.code == "template-limit", exc
    assert f"'{limit_name}'" in first.message, first.message
    assert first.hint
    assert took < seconds, f"{limit_name}: {took:.1f} s"
    if line is not None:
        assert first.location.line == line, first.location
    return first


def test_a_huge_element_is_refused_before_it_is_drawn(place):
    """30000 x 30000 px would allocate 7 GB to draw."""
    layout = LAYOUT.replace("</canvas>", '<shape kind="rect" fill="#ff0000" width="30000" '
                            'height="30000" position="absolute"/>\n</canvas>')
    first = fails_fast(place, "element-side", layout=layout, line=3)
    assert Path(first.location.file).name == "layout.xml.j2"


def test_a_large_element_by_area_is_refused(place):
    layout = LAYOUT.replace("</canvas>", '<shape kind="rect" fill="#ff0000" width="6000" '
                            'height="6000" position="absolute"/>\n</canvas>')
    fails_fast(place, "element-pixels", layout=layout, line=3)


def test_a_huge_shadow_is_refused(place):
    layout = LAYOUT.replace("</canvas>", '<shape kind="rect" fill="#ff0000" width="100" '
                            'height="100" shadow="0 0 90000 #000000"/>\n</canvas>')
    fails_fast(place, "element-side", layout=layout, line=3)


def test_a_huge_type_size_is_refused(place):
    layout = LAYOUT.replace("<text>", '<text size="100000">')
    fails_fast(place, "font-size", layout=layout, line=2)


@pytest.mark.parametrize("attr", ['radius="nan"', 'width="100" shadow="0 0 inf #000"',
                                  'opacity="1" grow="inf"'])
def test_numbers_that_are_not_finite_are_refused(place, attr):
    layout = LAYOUT.replace("</canvas>", f'<shape kind="rect" fill="#ff0000" height="10" {attr}/>\n</canvas>')
    folder = make_template(place, layout)
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    first = problems_of(excinfo.value)[0]
    assert first.kind == "template" and first.location.line == 3
    assert "finite" in first.message


def test_too_many_elements(place):
    layout = LAYOUT.replace("</canvas>", "{% for i in range(6000) %}<spacer/>{% endfor %}\n</canvas>")
    fails_fast(place, "elements", layout=layout, line=3)


@pytest.mark.parametrize("depth", [200, 5000])
def test_deep_nesting_is_a_template_error_not_a_bug(place, depth):
    """Deep nesting was reported as a bug in libmedia (RecursionError)."""
    layout = ("<canvas>\n{% for i in range(" + str(depth) + ") %}<column>{% endfor %}\n"
              "<text>x</text>\n{% for i in range(" + str(depth) + ") %}</column>{% endfor %}\n</canvas>\n")
    fails_fast(place, "nesting", layout=layout, line=2)


def test_nested_loops_stop_at_the_step_limit(place):
    caption = ("{{ book.title }}\n{% for a in range(100000) %}{% for b in range(100000) %}"
               "{% endfor %}{% endfor %}\n")
    fails_fast(place, "template-steps", caption=caption, line=2)


def test_nested_loops_over_the_data_stop_too(place):
    caption = ("{% set x = range(1000)|list %}\n{% for a in x %}{% for b in x %}{% for c in x %}"
               "{{ a }}{% endfor %}{% endfor %}{% endfor %}\n")
    fails_fast(place, "template-steps", caption=caption, line=2)


def test_exponential_macros_stop(place):
    caption = ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}\n"
               "{{ f(60) }}\n")
    fails_fast(place, "template-steps", caption=caption, line=1)


def test_endless_recursion_stops(place):
    caption = "{{ book.title }}\n{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}\n"
    fails_fast(place, "template-depth", caption=caption, line=2)


def test_endless_includes_stop(place):
    folder_caption = "{{ book.title }}\n{% include 'caption.txt.j2' %}\n"
    fails_fast(place, "template-depth", caption=folder_caption)


@pytest.mark.parametrize("expr, limit_name", [
    ("'a' * 10**9", "string-length"),
    ("[1] * 10**9", "sequence-length"),
    ("10 ** (10 ** 10)", "number-digits"),
    ("(10 ** 500) * (10 ** 600)", "number-digits"),
    ("'x'|center(10**9)", "string-length"),
    ("'x'|indent(10**9, true)", "string-length"),
    ("'x'.ljust(10**9)", "string-length"),
    ("'x'.zfill(10**9)", "string-length"),
    ("'{:>999999999}'.format(1)", "string-length"),
    ("'{:{w}}'.format(1, w=999999999)", "string-length"),
    ("'%999999999d' % 1", "string-length"),
    ("'%*d' % (999999999, 1)", "string-length"),
    ("'%999999999d'|format(1)", "string-length"),
    ("('a' * 100000)|replace('a', 'a' * 100000)", "string-length"),
    ("(['a' * 100000] * 100000)|join", "string-length"),
    ("' '.join(['a' * 100000] * 100000)", "string-length"),
    ("range(10)|batch(10**9, 'x')|list", "sequence-length"),
    ("range(3)|slice(10**9)|list", "sequence-length"),
    ("range(10**9)|list", "sequence-length"),
    ("(['a' * 100000] * 100000)|sum(start='')", "string-length"),
    ("'a'.encode() * 10**9", "string-length"),
    ("{'a': 1}|tojson(indent=10**9)", "string-length"),
    ("('a' * 100000).translate({97: 'b' * 100000})", "string-length"),
])
def test_sizes_are_refused_before_they_are_built(place, expr, limit_name):
    fails_fast(place, limit_name, caption="{{ book.title }}\n{{ " + expr + " }}\n", line=2)


def test_doubling_a_text_stops(place):
    caption = ("{% set ns = namespace(s='ab') %}\n{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
               "{% endfor %}{{ ns.s|length }}\n")
    fails_fast(place, "string-length", caption=caption, line=2)


def test_doubling_a_list_stops(place):
    caption = ("{% set ns = namespace(s=[1]) %}\n{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}"
               "{% endfor %}{{ ns.s|length }}\n")
    fails_fast(place, "sequence-length", caption=caption, line=2)


def test_markup_output_length(place):
    layout = LAYOUT.replace("</canvas>", "{% for i in range(90000) %}<!-- {{ 'x' * 200 }} -->"
                            "{% endfor %}\n</canvas>")
    fails_fast(place, "markup-length", layout=layout, line=3)


def test_caption_output_length(place):
    caption = "{{ book.title }}\n{% for i in range(90000) %}{{ 'word ' * 40 }}{% endfor %}\n"
    first = fails_fast(place, "text-length", caption=caption, line=2)
    assert Path(first.location.file).name == "caption.txt.j2"


def test_alt_text_output_length(place):
    folder = make_template(place, alt="{% for i in range(90000) %}{{ 'word ' * 40 }}{% endfor %}\n")
    with pytest.raises(TemplateError) as excinfo:
        render_one(place, folder)
    assert excinfo.value.code == "template-limit" and "'text-length'" in excinfo.value.message
    assert Path(excinfo.value.location.file).name == "alt.txt.j2"


def test_a_number_literal_too_long_for_python(place):
    folder = make_template(place, caption="{{ 1" + "0" * 5000 + " }}\n")
    with pytest.raises(TemplateError) as excinfo:
        load_template(folder)
    assert Path(excinfo.value.location.file).name == "caption.txt.j2"


def test_a_template_file_too_large(place, monkeypatch):
    monkeypatch.setitem(sandbox.LIMITS, "template-file-size",
                        replace(sandbox.LIMITS["template-file-size"], value=1000))
    folder = make_template(place, caption="{{ book.title }}\n" + "x" * 2000 + "\n")
    with pytest.raises(LibmediaError) as excinfo:
        load_template(folder)
    first = problems_of(excinfo.value)[0]
    assert "'template-file-size'" in first.message
    assert Path(first.location.file).name == "caption.txt.j2"
    (folder / "caption.txt.j2").write_text("{{ book.title }}\n", encoding="utf-8")
    po = folder / "locale" / "id" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "x"\nmsgstr "' + "y" * 2000 + '"\n', encoding="utf-8")
    with pytest.raises(LibmediaError) as excinfo:
        load_template(folder)
    assert Path(problems_of(excinfo.value)[0].location.file).name == "messages.po"


def test_the_template_time_limit(place, monkeypatch):
    """A template that is slow within its steps: the time limit stops it."""
    monkeypatch.setitem(sandbox.LIMITS, "template-steps",
                        replace(sandbox.LIMITS["template-steps"], value=10**9))
    monkeypatch.setitem(sandbox.LIMITS, "template-time",
                        replace(sandbox.LIMITS["template-time"], value=1))
    caption = "{{ book.title }}\n{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}\n"
    fails_fast(place, "template-time", caption=caption, seconds=4, line=2)


def test_the_render_time_limit_stops_any_stage(place, monkeypatch):
    """A stage stuck outside Jinja is stopped by the render's timer, and the
    render ends with the render-time limit."""
    import libmedia.render as pipeline

    monkeypatch.setitem(sandbox.LIMITS, "render-time",
                        replace(sandbox.LIMITS["render-time"], value=1))
    real = pipeline.style_document

    def stuck(*args, **kwargs):
        time.sleep(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "style_document", stuck)
    first = fails_fast(place, "render-time", seconds=5)
    assert Path(first.location.file).name == "layout.xml.j2"
    import signal
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_the_render_time_limit_reaches_into_jinja(place, monkeypatch):
    """Without a timer (a render in a thread), the Jinja budget sees the render's deadline."""
    monkeypatch.setitem(sandbox.LIMITS, "template-steps",
                        replace(sandbox.LIMITS["template-steps"], value=10**9))
    monkeypatch.setitem(sandbox.LIMITS, "render-time",
                        replace(sandbox.LIMITS["render-time"], value=1))
    folder = make_template(place, caption="{% for a in range(100000) %}{% for b in range(100000) %}"
                           "{% endfor %}{% endfor %}\n")
    finished, box = _run_with_deadline(lambda: render_one(place, folder), 8)
    assert finished
    exc = box.get("error")
    assert isinstance(exc, TemplateError) and "'render-time'" in exc.message, box


def test_one_runaway_record_fails_alone_in_a_batch(place, monkeypatch):
    from click.testing import CliRunner

    from libmedia.cli import main

    caption = ("{{ book.title }}\n{% if book.title == 'Runaway' %}{% for a in range(100000) %}"
               "{% for b in range(100000) %}{% endfor %}{% endfor %}{% endif %}\n")
    folder = make_template(place, caption=caption)
    data = place / "data" / "books.csv"
    data.write_text("title,cover\nLaskar Pelangi,green.png\nRunaway,\nBumi Manusia,\n", encoding="utf-8")
    monkeypatch.chdir(place)
    start = time.monotonic()
    res = CliRunner().invoke(main, ["batch", str(folder), str(data), "--out", str(place / "out"),
                                    "--jobs", "1"], catch_exceptions=False)
    assert time.monotonic() - start < 60
    m = json.loads((place / "out" / "manifest.json").read_text(encoding="utf-8"))
    status = {r["title"]: r for r in m["records"]}
    assert status["Laskar Pelangi"]["status"] == "ok" and status["Bumi Manusia"]["status"] == "ok"
    failed = status["Runaway"]
    assert failed["status"] == "failed", res.output
    assert failed["error"]["code"] == "template-limit"
    assert "'template-steps'" in failed["error"]["message"]
    assert failed["error"]["location"]["line"] == 2


# ---------------------------------------------------------------------------
# the limits are documented where template authors read


def test_the_docs_show_every_limit_as_the_code_has_it():
    docs = (ROOT / "docs" / "template-safety.md").read_text(encoding="utf-8")
    assert sandbox.limits_table() in docs, "regenerate the table: python -m libmedia.sandbox"
    assert "docs/template-safety.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_image_pixel_limit_is_pillows():
    assert sandbox.limit("image-pixels") == Image.MAX_IMAGE_PIXELS


def test_every_limit_error_names_its_limit():
    for name, lim in sandbox.LIMITS.items():
        err = sandbox.limit_error(name, "something")
        assert f"'{name}'" in err.message and err.code == "template-limit" and err.hint == lim.hint


def test_includes_and_imports_inside_the_folder_work(place):
    folder = make_template(place, caption="{% import 'parts/macros.j2' as m %}{{ m.shout(book.title) }}\n"
                           "{% include 'parts/footer.j2' %}\n",
                           files={"parts/macros.j2": "{% macro shout(s) %}{{ s|upper }}!{% endmacro %}",
                                  "parts/footer.j2": "-- {{ book.title }}"})
    r = render_one(place, folder)
    assert r.caption == "LASKAR PELANGI!\n-- Laskar Pelangi\n"


def test_a_folder_with_too_many_files_is_refused(place, monkeypatch):
    monkeypatch.setitem(sandbox.LIMITS, "template-files",
                        replace(sandbox.LIMITS["template-files"], value=10))
    folder = make_template(place, files={f"assets/{i}.txt": "x" for i in range(20)})
    with pytest.raises(TemplateError) as excinfo:
        load_template(folder)
    assert "'template-files'" in excinfo.value.message


def test_a_template_file_that_is_not_utf8_is_named(place):
    folder = make_template(place)
    (folder / "caption.txt.j2").write_bytes(b"{{ book.title }} \xff\xfe\n")
    with pytest.raises(LibmediaError) as excinfo:
        load_template(folder)
    first = problems_of(excinfo.value)[0]
    assert Path(first.location.file).name == "caption.txt.j2" and "UTF-8" in first.message


def test_music_a_template_names_stays_inside(place):
    """A clip's music is a file a template names like an image."""
    from libmedia.motion.clip import resolve_music

    folder = make_template(place)
    template = load_template(folder)
    inp = RenderInput(template, [record()], get_format("instagram-square"), load_brand(),
                      search_dirs=[place / "data"])
    (place / "private" / "song.m4a").write_bytes(b"\0" * 10)
    for src in (str(place / "private" / "song.m4a"), "../private/song.m4a",
                "music:../../../private/song.m4a", "https://example.org/a.mp3"):
        with pytest.raises(TemplateError) as excinfo:
            resolve_music(src, inp, str(folder / "layout.xml.j2"))
        assert excinfo.value.code == "template-file", src
    (place / "data" / "song.m4a").symlink_to(place / "private" / "song.m4a")
    with pytest.raises(TemplateError) as excinfo:
        resolve_music("song.m4a", inp, str(folder / "layout.xml.j2"))
    assert "outside" in excinfo.value.message


def test_a_qr_code_quiet_zone_of_millions_is_refused(place):
    layout = LAYOUT.replace("</canvas>", '<qr data="x" size="100" quiet-zone="1000000"/>\n</canvas>')
    folder = make_template(place, layout)
    with pytest.raises(LibmediaError) as excinfo:
        render_one(place, folder)
    first = problems_of(excinfo.value)[0]
    assert first.kind == "template" and first.location.line == 3 and "quiet" in first.message
