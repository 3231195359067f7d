"""The video templates ``event-reel`` and ``book-of-the-week-reel``: laid out
and drawn in every format they serve, with their own samples, in
Indonesian and English, and on real data.  Nothing is encoded here (the
encoder and probe are tested elsewhere): a clip is a timeline of frames,
and what a viewer sees is a frame at a time t."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from libmedia import templating
from libmedia.jobs import open_job
from libmedia.lint import drawn_rect
from libmedia.motion.build import build_timeline, lay_out_video
from libmedia.render import fonts_for, sample_records
from libmedia.sources import Record

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ("event-reel", "book-of-the-week-reel")
FORMATS = ("tiktok", "instagram-reel", "youtube-short")
SAMPLES_KIT = ROOT / "samples" / "libmedia.toml"
#: The length the templates aim at (issue 6: short clips, read at a glance).
DESIGN_SECONDS = (8.0, 25.0)
#: Instagram: a caption of at most 2,200 characters and 30 hashtags (the
#: stricter of the three platforms: TikTok takes 4,000 characters).
CAPTION_LIMIT, HASHTAG_LIMIT = 2200, 30


@pytest.fixture(scope="module")
def english_kit(tmp_path_factory) -> Path:
    """A brand kit in English, without a logo, with a catalogue link."""
    folder = tmp_path_factory.mktemp("english-kit")
    path = folder / "libmedia.toml"
    path.write_text(
        '[library]\nname = "Riverside Public Library"\nshort_name = "Riverside Library"\n'
        'language = "en"\ninstagram = "riversidelib"\n'
        'catalog_url = "https://catalogue.riverside.example/search?isbn={isbn}"\n'
        'hashtags = ["#RiversideLibrary", "#library"]\n', encoding="utf-8")
    return path


def _kit(name: str, english_kit: Path) -> Path | None:
    return {"default": None, "samples": SAMPLES_KIT, "english": english_kit}[name]


def lay_out(template: str, fmt: str, records=None, brand: Path | None = None, sample: int = 0):
    """(input, fonts, laid-out video) for ``records`` (default: the
    template's sample number ``sample``) in ``fmt``."""
    job = open_job(template, None, [fmt], brand)
    recs = records if records is not None else sample_records(job.template)[sample:sample + 1]
    inp = job.render_input(recs, job.formats[0])
    library = fonts_for(inp)
    return inp, library, lay_out_video(inp, library)


def record(**fields: str) -> Record:
    return Record(row=1, line=2, fields=dict(fields), raw=dict(fields))


def texts(video, scene: int) -> list[str]:
    return [" ".join(f.element.plain_text.split()) for f in video.scenes[scene].page.root.walk()
            if f.element.tag == "text"]


def caption_and_alt(inp, video) -> tuple[str, str]:
    """The caption and alt text as a clip renders them (the clip's context)."""
    t = inp.template
    ctx = {**video.context, "placeholder_cover": any(
        getattr(a, "placeholder", False) for a in video.assets.values()),
        "duration": round(video.duration, 1)}
    return (templating.render_text(t.caption(), ctx, "caption.txt.j2"),
            templating.render_text(t.alt(), ctx, "alt.txt.j2"))


def hashtags(text: str) -> list[str]:
    return re.findall(r"(?<!\w)#\w+", text)


# ---------------------------------------------------------------------------
# every template, format, sample and brand kit


@pytest.mark.parametrize("kit", ["default", "samples", "english"])
@pytest.mark.parametrize("sample", [0, 1])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_samples_lay_out_cleanly_inside_the_safe_zone(template, fmt, sample, kit, english_kit):
    inp, _, video = lay_out(template, fmt, brand=_kit(kit, english_kit), sample=sample)
    assert [w.message for w in video.warnings] == []  # no safe-zone, shortened or upscaled
    f = inp.format
    top, right, bottom, left = f.safe
    x0, y0, x1, y1 = left, top, f.width - right, f.height - bottom
    watched = 0
    for scene in video.scenes:
        for frag in scene.page.root.walk():
            el = frag.element
            if el.tag == "text" and el.plain_text.strip():
                r = drawn_rect(frag)  # the laid-out lines
            elif el.tag == "qr" or (el.tag == "image" and el.get("src") == "brand:logo"):
                r = frag.box
            else:
                continue
            watched += 1
            where = f"{scene.element.get('id')}: <{el.tag}> line {el.line} {el.plain_text[:30]!r}"
            assert x0 - 1 <= r.x and r.right <= x1 + 1, where
            assert y0 - 1 <= r.y and r.bottom <= y1 + 1, where
    assert watched >= 8
    assert f.min_seconds <= video.duration <= f.max_seconds
    assert DESIGN_SECONDS[0] <= video.duration <= DESIGN_SECONDS[1]


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_first_frame_already_shows_the_library(template):
    """A clip's first frame is what a feed shows before it plays: the
    library's name is on it, drawn still (not waiting for an entrance)."""
    inp, library, video = lay_out(template, "tiktok")
    first = video.scenes[0]
    still: list[str] = []

    def visit(frag, moving):
        el = frag.element
        moving = moving or el.get("enter", "none") != "none"
        if el.tag == "text" and not moving:
            still.append(" ".join(el.plain_text.split()))
        for c in frag.children:
            visit(c, moving)

    visit(first.page.root, False)
    assert inp.brand.short_name or inp.brand.name
    assert any(name in still for name in (inp.brand.name, inp.brand.short_name or inp.brand.name))
    tl = build_timeline(video, 30, library)
    frame = tl.frame(0.0)
    plain = Image.new("RGB", frame.size, first.page.paper[:3])
    diff = ImageChops.difference(frame, plain).convert("L").point(lambda v: 255 if v > 24 else 0)
    assert diff.histogram()[255] > 0.02 * frame.width * frame.height  # not an empty colour field


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_scene_draws_and_moves(template):
    inp, library, video = lay_out(template, "instagram-reel", brand=SAMPLES_KIT)
    tl = build_timeline(video, 30, library)
    assert tl.size == (1080, 1920)
    assert tl.frame_count == round(video.duration * 30)
    for i, scene in enumerate(tl.scenes):
        start, end = tl.starts[i], tl.starts[i] + scene.duration - 1 / 30
        assert tl.frame(start + 0.02).tobytes() != tl.frame(end).tobytes(), scene.label  # something arrives
        if i:  # mid-transition: neither the old scene's frame nor the new one's
            mid = start + scene.transition_duration / 2
            assert scene.transition != "cut"
            a, b = tl.scenes[i - 1].frame(mid - tl.starts[i - 1]), scene.frame(mid - start)
            now = tl.frame(mid)
            assert now.tobytes() not in (a.tobytes(), b.tobytes()), scene.label


# ---------------------------------------------------------------------------
# event-reel


def test_the_countdown_pops_3_2_1_in_turn_before_the_title_lands():
    inp, library, video = lay_out("event-reel", "tiktok")
    assert [s.element.get("id") for s in video.scenes] == ["countdown", "title", "board", "register", "outro"]
    tl = build_timeline(video, 30, library)
    count = tl.scenes[0]
    digits = [ly for ly in count.layers if ly.enter is not None and ly.enter.name == "pop"]
    assert len(digits) == 3
    starts = [ly.enter.start for ly in digits]
    assert starts == sorted(starts) and len(set(starts)) == 3
    for k, ly in enumerate(digits):  # when each has landed, it is the only digit shown
        t = ly.enter.end + 0.02
        shown = [not d.placement(t, tl.size).hidden for d in digits]
        assert shown == [j == k for j in range(3)], (k, shown)
    assert texts(video, 0).count("3") == 1 and "1" in texts(video, 0)
    # the title lands in the next scene, after the count
    assert inp.records[0].fields["title"] in texts(video, 1)
    assert tl.starts[1] >= digits[-1].enter.end


def test_the_board_brings_date_time_and_place_one_line_after_another():
    inp, library, video = lay_out("event-reel", "instagram-reel")
    board = video.scenes[2]
    tiles = [f for f in board.page.root.walk() if f.element.tag == "text" and f.element.get("enter") == "wipe-down"]
    assert [" ".join(f.element.plain_text.split()) for f in tiles] == [
        "Sabtu, 12 Desember 2026", "09.00–11.30", "Ruang Serbaguna, Lantai 2"]
    delays = [f.element.get("enter-delay") for f in tiles]
    assert delays == sorted(delays) and len(set(delays)) == 3
    for upper, lower in zip(tiles, tiles[1:], strict=False):  # each on its own line
        assert upper.box.bottom <= lower.box.y


def test_registration_is_a_qr_code_and_the_link_as_text():
    inp, _, video = lay_out("event-reel", "youtube-short")
    url = inp.records[0].fields["url"]
    register = video.scenes[3]
    codes = [f.element.get("data") for f in register.page.root.walk() if f.element.tag == "qr"]
    assert codes == [url]
    assert "perpustakaan-samudra.example/acara/bedah-buku" in texts(video, 3)


def test_an_event_without_a_link_says_save_the_date():
    _, _, video = lay_out("event-reel", "tiktok", sample=1)
    assert not any(f.element.tag == "qr" for s in video.scenes for f in s.page.root.walk())
    assert "Catat tanggalnya!" in texts(video, 3)


def test_the_grid_cover_is_the_settled_title():
    inp, library, video = lay_out("event-reel", "tiktok")
    tl = build_timeline(video, 30, library)
    at = video.music["cover-time"]
    i = tl.scene_at(at)
    assert video.scenes[i].element.get("id") == "title"
    local = at - tl.starts[i]
    assert local >= tl.scenes[i].transition_duration
    assert all(ly.enter is None or ly.enter.end <= local for ly in tl.scenes[i].layers)


def test_a_hyphenated_title_breaks_between_words_not_at_its_hyphens():
    rec = record(title="Create-N-Play / Crear-Y-Jugar", date="2025-03-03")
    _, _, video = lay_out("event-reel", "tiktok", [rec])
    title = next(f for f in video.scenes[1].page.root.walk()
                 if f.element.tag == "text" and f.element.get("role") == "title")
    lines = [ln.text.replace("\u2060", "") for ln in title.text.lines]
    assert all(not ln.endswith("-") for ln in lines), lines
    assert title.element.get("subtitle") == "Create-N-Play / Crear-Y-Jugar"  # the subtitles read it plain


# ---------------------------------------------------------------------------
# book-of-the-week-reel


def test_the_cover_drifts_and_a_short_title_is_typed():
    inp, library, video = lay_out("book-of-the-week-reel", "tiktok", brand=SAMPLES_KIT)
    assert [s.element.get("id") for s in video.scenes] == ["cover", "about", "find", "outro"]
    assert "Buku pilihan minggu ini" in texts(video, 0)
    tl = build_timeline(video, 30, library)
    cover = next(ly for ly in tl.scenes[0].layers if ly.ken_burns is not None)
    assert cover.ken_burns.zoom == (1.0, 1.035)  # gentle: a cover's own text stays whole
    title = next(f for f in video.scenes[0].page.root.walk()
                 if f.element.tag == "text" and f.element.get("role") == "title")
    assert title.element.get("enter") == "typewriter"


def test_a_long_title_slides_up_instead_of_being_typed():
    rec = record(title="Information Architecture for the World Wide Web", author="Morville, Peter",
                 cover="assets/filosofi-kopi.jpg")
    _, _, video = lay_out("book-of-the-week-reel", "instagram-reel", [rec])
    title = next(f for f in video.scenes[0].page.root.walk()
                 if f.element.tag == "text" and f.element.get("role") == "title")
    assert title.element.get("enter") == "slide-up"
    assert video.warnings == []


def test_a_long_summary_is_cut_at_a_sentence_and_fits():
    sentence = "Sebuah kisah tentang sekolah kecil di Belitung dan murid-muridnya yang gigih. "
    rec = record(title="Laskar Pelangi", author="Andrea Hirata", call_number="899.221 3 HIR l",
                 cover="assets/laskar-pelangi.jpg", summary=sentence * 12)
    _, _, video = lay_out("book-of-the-week-reel", "youtube-short", [rec])
    about = next(s for s in video.scenes if s.element.get("id") == "about")
    body = next(f for f in about.page.root.walk() if f.element.get("role") == "subtitle")
    shown = body.element.plain_text
    assert len(shown) <= 200 and shown.endswith("gigih.") and shown.startswith("Sebuah kisah")
    assert len(body.text.lines) <= 5 and not body.text.truncated
    assert video.warnings == []


def test_the_call_number_is_a_spine_label_and_the_qr_opens_the_catalogue():
    inp, _, video = lay_out("book-of-the-week-reel", "tiktok", brand=SAMPLES_KIT)
    find = next(s for s in video.scenes if s.element.get("id") == "find")
    label = next(f for f in find.page.root.walk() if f.element.get("role") == "callnumber")
    assert [ln.text for ln in label.text.lines] == ["899.221 3", "HIR l"]
    codes = [f.element.get("data") for f in find.page.root.walk() if f.element.tag == "qr"]
    assert codes == ["https://opac.perpustakaan-samudra.example/index.php?search=search&keywords=9793062797"]


def test_a_bare_record_still_makes_a_clip_of_a_readable_length():
    _, _, video = lay_out("book-of-the-week-reel", "tiktok", [record(title="Negeri 5 Menara")])
    assert [s.element.get("id") for s in video.scenes] == ["cover", "outro"]
    assert DESIGN_SECONDS[0] <= video.duration <= DESIGN_SECONDS[1]
    # no cover field at all: a typographic cover, said once for the file (the missing-column
    # warning), not for the record (the typography lint's findings on it aside)
    assert any(getattr(a, "placeholder", False) for a in video.assets.values())
    assert [w.code for w in video.warnings if w.code not in ("small-text", "low-contrast",
                                                              "touching-lines")] == []


# ---------------------------------------------------------------------------
# captions and alt text


WORDS = {  # (Indonesian, English) words each language's caption and alt text carry
    "event-reel": (("Acara di", "Daftar:", "Video vertikal"), ("Coming up at", "Register:", "Vertical video")),
    "book-of-the-week-reel": (("Buku pilihan minggu ini", "No. panggil:", "Video vertikal"),
                              ("Book of the week", "Call number:", "Vertical video")),
}


@pytest.mark.parametrize("template", TEMPLATES)
def test_caption_and_alt_text_follow_the_brand_language(template, english_kit):
    for kit, lang in ((None, 0), (english_kit, 1)):
        inp, _, video = lay_out(template, "tiktok", brand=kit)
        caption, alt = caption_and_alt(inp, video)
        assert caption.strip() and alt.strip()
        words = WORDS[template][lang]
        other = WORDS[template][1 - lang]
        assert words[0] in caption and words[1] in caption, caption
        assert words[2] in alt and other[2] not in alt and other[0] not in caption
        title = inp.records[0].fields["title"]
        assert title in caption and title in alt
        assert len(caption) <= CAPTION_LIMIT and 1 <= len(hashtags(caption)) <= HASHTAG_LIMIT
        assert "{{" not in caption + alt and "  " not in alt.strip()


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_long_text_and_a_kit_full_of_hashtags_stay_within_instagrams_limits(template, tmp_path):
    kit = tmp_path / "libmedia.toml"
    tags = ", ".join(f'"#tag{i}"' for i in range(40))
    kit.write_text(f'[library]\nname = "Perpustakaan Daerah"\nhashtags = [{tags}]\n', encoding="utf-8")
    long = "Kalimat panjang tentang buku dan acara ini. " * 120
    rec = record(title="Information Architecture for the World Wide Web", summary=long, description=long,
                 url="https://x.example/e", date="2026-12-12", call_number="006.7-22 Mor i")
    inp, _, video = lay_out(template, "instagram-reel", [rec], brand=kit)
    caption, _ = caption_and_alt(inp, video)
    assert len(caption) <= CAPTION_LIMIT
    assert len(hashtags(caption)) <= HASHTAG_LIMIT
    assert all(len(tag) <= 25 for tag in hashtags(caption))  # no #InformationArchitectureForTheWorldWideWeb


# ---------------------------------------------------------------------------
# the libmedia behaviour these templates rely on


def test_a_translucent_fill_is_drawn_with_its_own_alpha():
    """The countdown's ring and the picture's fade are translucent fills."""
    from libmedia.brand import load_brand
    from libmedia.draw import draw_page
    from libmedia.layout import layout_document
    from libmedia.markup import parse_markup
    from libmedia.style import style_document
    from libmedia.typography import library_for

    brand, library = load_brand(None), library_for([])
    for fill in ('fill="#FFFFFF80"', 'fill="linear-gradient(#FFFFFF80, #FFFFFF80)"'):
        doc = parse_markup(f'<canvas background="#000000"><shape kind="circle" width="40" height="40" {fill}/>'
                           '</canvas>')
        page = layout_document(style_document(doc, brand.types, brand.colors, "t"), 40, 40, library=library)
        assert draw_page(page, library).getpixel((20, 20))[:3] == pytest.approx((128, 128, 128), abs=2)


def test_a_line_break_between_runs_of_one_style_is_kept():
    """The spine label is the class number, <br/>, the rest."""
    from libmedia.markup import parse_markup

    text = parse_markup("<canvas><text>899.221 3<br/>HIR l</text></canvas>").children[0]
    assert [s.text for s in text.spans] == ["899.221 3", "\n", "HIR l"]


# ---------------------------------------------------------------------------
# real data


def _real_job(template: str, path: Path, fmt: str):
    return open_job(template, path, [fmt], None, run_preflight=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_real_library_event_lays_out(realdata, fmt):
    """A row of a real events export (date, weekday, branch, start, end,
    title, url, description): title, link, date, start and end are used
    (start and end are aliases of time and end_time, branch of place), and
    the description arrives as summary."""
    job = _real_job("event-reel", realdata / "events" / "bibliocommons_library_events_2025-2026.csv", fmt)
    rec = job.records[0]
    assert job.dataset.mapping == {"title": "title", "url": "url", "description": "summary",
                                   "date": "date", "start": "time", "end": "end_time",
                                   "branch": "place"}
    inp = job.render_input([rec], job.formats[0])
    video = lay_out_video(inp, fonts_for(inp))
    assert [w.message for w in video.warnings] == []
    assert "Create-N-Play / Crear-Y-Jugar" in " ".join(
        f.element.get("subtitle", "") for f in video.scenes[1].page.root.walk() if f.element.tag == "text")
    board = " ".join(texts(video, 2))
    assert ("Senin, 3 Maret 2025" if inp.brand.language == "id" else "Monday, March 3, 2025") in board
    codes = [f.element.get("data") for s in video.scenes for f in s.page.root.walk() if f.element.tag == "qr"]
    assert codes == [rec.fields["url"]]
    caption, alt = caption_and_alt(inp, video)
    assert rec.fields["summary"][:80] in caption and len(caption) <= CAPTION_LIMIT


def test_indonesian_event_headers_are_known(cases):
    """Case C22's columns (acara, tanggal, waktu, zona) are the aliases of
    title, date, time and timezone: its first event lays out with its title."""
    job = _real_job("event-reel", cases / "C22_events_id_dates.csv", "tiktok")
    assert job.dataset.mapping == {"acara": "title", "tanggal": "date", "waktu": "time",
                                   "zona": "timezone"}
    rec = job.records[0]
    inp = job.render_input([rec], job.formats[0])
    video = lay_out_video(inp, fonts_for(inp))
    assert [w.message for w in video.warnings] == []
    assert "Bedah Buku Laskar Pelangi" in " ".join(
        f.element.get("subtitle", "") for f in video.scenes[1].page.root.walk() if f.element.tag == "text")
    # the departure board reads its day-first date and its WIB range as written in Indonesia
    shown = " ".join(f.element.plain_text for s in video.scenes for f in s.page.root.walk()
                     if f.element.tag == "text")
    assert "Sabtu, 17 Agustus 2024" in shown and "09.00\u201311.30 WIB" in shown


def test_a_real_catalogue_record_of_the_week_lays_out(realdata):
    """A SLiMS export row with a summary (notes), a cover and a call number."""
    job = _real_job("book-of-the-week-reel", realdata / "slims" / "senayan_biblio_export_reconstructed.csv",
                    "instagram-reel")
    rec = next(r for r in job.records if r.row == 5)
    inp = job.render_input([rec], job.formats[0])
    video = lay_out_video(inp, fonts_for(inp))
    assert [w.message for w in video.warnings] == []
    assert [s.element.get("id") for s in video.scenes] == ["cover", "about", "find", "outro"]
    assert DESIGN_SECONDS[0] <= video.duration <= DESIGN_SECONDS[1]
