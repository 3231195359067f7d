"""The motion layer: easing, effects, the timeline's frames, and video
templates laid out scene by scene (no encoding here: see test_clips.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from libmedia.errors import LibmediaError
from libmedia.markup import parse_markup
from libmedia.motion.easing import EASINGS, cubic_bezier
from libmedia.motion.effects import EFFECTS, REST, TRANSITIONS, place
from libmedia.motion.timeline import KenBurns, Layer, Scene, Timeline

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------
# easing and effects


@pytest.mark.parametrize("name", sorted(EASINGS))
def test_every_easing_runs_from_0_to_1(name):
    f = EASINGS[name]
    assert f(0.0) == pytest.approx(0.0, abs=1e-6)
    assert f(1.0) == pytest.approx(1.0, abs=1e-6)
    assert f(-1) == pytest.approx(0.0, abs=1e-6) and f(2) == pytest.approx(1.0, abs=1e-6)


def test_css_ease_out_matches_the_browsers_curve():
    # cubic-bezier(0, 0, 0.58, 1) at x = 0.5 is y = 0.6847 (solved independently)
    assert cubic_bezier(0.0, 0.0, 0.58, 1.0)(0.5) == pytest.approx(0.6847, abs=2e-3)
    assert EASINGS["back-out"](0.6) > 1.0  # the pop overshoots before settling


@pytest.mark.parametrize("name", sorted(EFFECTS))
def test_every_effect_starts_hidden_or_away_and_ends_at_rest(name):
    canvas = (1080, 1920)
    assert place(name, 1.0, True, canvas) == REST
    assert place(name, 0.0, False, canvas) == REST
    start, gone = place(name, 0.0, True, canvas), place(name, 1.0, False, canvas)
    assert start != REST and gone != REST
    assert start.hidden or start.opacity < 0.5 or start.scale < 1


def test_a_slide_up_arrives_from_below_and_leaves_upwards():
    canvas = (1080, 1920)
    assert place("slide-up", 0.2, True, canvas).dy > 0
    assert place("slide-up", 0.8, False, canvas).dy < 0
    # distances follow the canvas, so a half-size draft moves alike
    assert place("slide-up", 0.2, True, (540, 960)).dy == pytest.approx(
        place("slide-up", 0.2, True, canvas).dy / 2)


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_transitions_go_from_the_old_scene_to_the_new(name):
    a, b = Image.new("RGB", (40, 60), (200, 0, 0)), Image.new("RGB", (40, 60), (0, 0, 200))
    assert TRANSITIONS[name](0.0, a, b).getpixel((20, 30)) == (200, 0, 0)
    assert TRANSITIONS[name](1.0, a, b).getpixel((20, 30)) == (0, 0, 200)


# ---------------------------------------------------------------------------
# the timeline


def _scene(color, duration=1.0, transition="cut", tdur=0.0, layers=()):
    return Scene(duration, Image.new("RGB", (40, 60), color), list(layers), transition, tdur)


def test_transitions_overlap_the_scenes_they_join():
    tl = Timeline((40, 60), 30, [_scene((255, 0, 0), 2.0), _scene((0, 0, 255), 2.0, "crossfade", 0.5),
                                 _scene((0, 255, 0), 1.0, "slide-left", 0.5)])
    assert tl.starts == (0.0, 1.5, 3.0)
    assert tl.duration == pytest.approx(4.0)
    assert tl.frame_count == 120
    mid = tl.frame(1.75).getpixel((20, 30))  # halfway through the crossfade
    assert 90 < mid[0] < 165 and 90 < mid[2] < 165


def test_a_frame_is_a_function_of_time():
    layer = _layer()
    from libmedia.motion.timeline import Animation

    layer.enter = Animation("slide-up", 0.2, 0.5)
    tl = Timeline((40, 60), 30, [_scene((255, 255, 255), 2.0, layers=[layer])])
    assert tl.frame(0.45).tobytes() == tl.frame(0.45).tobytes()
    assert tl.frame(0.1).tobytes() != tl.frame(0.45).tobytes()
    frames = list(tl.frames())
    assert len(frames) == 60
    # before the entrance and after it frames repeat: the same bytes object is handed on
    assert frames[1] is frames[0] and frames[40] is frames[39]
    assert frames[0] == tl.frame(0.0).tobytes() and frames[45] == tl.frame(1.5).tobytes()


def _layer() -> Layer:
    rgb = Image.new("RGB", (10, 10), (0, 0, 0))
    return Layer(rgb, Image.new("L", (10, 10), 255), 15, 25)


def test_ken_burns_stays_inside_the_picture_and_moves():
    kb = KenBurns((1.0, 1.2), "left", (0.3, 0.5))
    views = [kb.view(p / 10, (600, 900)) for p in range(11)]
    for left, top, right, bottom in views:
        assert 0 <= left < right <= 600 and 0 <= top < bottom <= 900
    assert views[0] != views[-1]
    assert (views[-1][2] - views[-1][0]) == pytest.approx(500)  # 600 / 1.2


# ---------------------------------------------------------------------------
# markup


def test_scenes_stand_only_in_a_video():
    with pytest.raises(LibmediaError) as exc:
        parse_markup('<canvas><scene duration="2"/></canvas>')
    assert "<scene> inside <canvas>" in str(exc.value)
    with pytest.raises(LibmediaError) as exc:
        parse_markup('<video><text>hi</text></video>', expect="video")
    assert "directly inside <video>" in str(exc.value)
    with pytest.raises(LibmediaError) as exc:
        parse_markup('<video><scene/></video>', expect="video")
    assert "duration" in str(exc.value)
    with pytest.raises(LibmediaError) as exc:
        parse_markup('<video><scene duration="2"><text enter="spin">x</text></scene></video>',
                     expect="video")
    assert "spin" in str(exc.value) and "fade" in str(exc.value)


def test_times_read_in_seconds_or_milliseconds():
    doc = parse_markup('<video><scene duration="2.5s"><text enter="fade" enter-delay="300ms">x</text>'
                       '</scene></video>', expect="video")
    scene = doc.children[0]
    assert scene.get("duration") == 2.5
    assert scene.children[0].get("enter-delay") == pytest.approx(0.3)


# ---------------------------------------------------------------------------
# a whole template, laid out and drawn (no encoding)


@pytest.fixture
def reel(tmp_path):
    from libmedia.jobs import open_job
    from libmedia.render import fonts_for, sample_records

    job = open_job("new-books-reel", None, ["tiktok"])
    inp = job.render_input(sample_records(job.template), job.formats[0])
    return inp, fonts_for(inp)


def test_every_scene_is_laid_out_inside_the_safe_zone(reel):
    from libmedia.motion.build import lay_out_video

    inp, library = reel
    video = lay_out_video(inp, library)
    assert len(video.scenes) == 2 + len(inp.records)  # intro, one per book, outro
    top, right, bottom, left = inp.format.safe
    for scene in video.scenes:
        for frag in scene.page.root.walk():
            if frag.element.tag == "text":
                b = frag.box
                assert b.y >= top - 1 and b.bottom <= inp.format.height - bottom + 1, frag.element.path
                assert b.x >= left - 1 and b.right <= inp.format.width - right + 1, frag.element.path


def test_what_moves_is_drawn_once_apart_from_the_still_base(reel):
    from libmedia.motion.build import build_timeline, lay_out_video

    inp, library = reel
    video = lay_out_video(inp, library)
    tl = build_timeline(video, 30, library)
    book = tl.scenes[1]
    labels = [ly.label for ly in book.layers]
    assert any("<image>" in x for x in labels) and sum("<text>" in x for x in labels) >= 2
    cover = next(ly for ly in book.layers if ly.ken_burns is not None)
    assert cover.picture is not None
    # the settled scene differs from its base exactly where the layers are
    settled = book.frame(book.duration - 0.01)
    diff = ImageChops.difference(settled, book.base).getbbox()
    assert diff is not None
    # at the scene's start nothing has entered: the frame is the base
    assert book.frame(0.0).tobytes() == book.base.tobytes()


def test_a_draft_moves_like_the_full_clip_at_half_size(reel):
    from libmedia.motion.build import build_timeline, lay_out_video

    inp, library = reel
    video = lay_out_video(inp, library)
    full, draft = build_timeline(video, 30, library), build_timeline(video, 30, library, 0.5)
    assert draft.size == (540, 960) and draft.frame_count == full.frame_count
    t = 3.0
    small = full.frame(t).resize((540, 960), Image.Resampling.BOX)
    diff = ImageChops.difference(small, draft.frame(t)).convert("L")
    assert sum(diff.histogram()[40:]) < 0.02 * 540 * 960  # the same picture, within resampling


def test_typewriter_only_types_text(tmp_path):
    from libmedia.jobs import open_job
    from libmedia.motion.build import lay_out_video
    from libmedia.render import fonts_for, sample_records

    folder = tmp_path / "t"
    shutil.copytree(ROOT / "templates" / "new-books-reel", folder)
    layout = folder / "layout.xml.j2"
    layout.write_text(layout.read_text().replace('enter="pop" enter-delay="0.35" enter-duration="0.5"',
                                                 'enter="typewriter"', 1))
    job = open_job(folder, None, ["tiktok"])
    inp = job.render_input(sample_records(job.template), job.formats[0])
    with pytest.raises(LibmediaError) as exc:
        lay_out_video(inp, fonts_for(inp))
    assert "typewriter on <image>" in str(exc.value) and "layout.xml.j2" in str(exc.value)


def test_typewriter_reveals_the_line_a_character_at_a_time(reel):
    from libmedia.motion.build import build_timeline, lay_out_video
    from libmedia.motion.timeline import typewriter_clip

    inp, library = reel
    tl = build_timeline(lay_out_video(inp, library), 30, library)
    typed = next(ly for ly in tl.scenes[-1].layers if ly.stops)
    fractions = [f for f, _ in typed.stops]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    widths = [typewriter_clip(typed.alpha, typed.stops, f).getbbox() for f in (0.25, 0.5, 1.0)]
    assert widths[0][2] < widths[1][2] < widths[2][2] + 1


def test_a_clip_shorter_than_the_platform_takes_is_refused(tmp_path):
    from libmedia.jobs import open_job
    from libmedia.motion.clip import ClipOptions, make_clip
    from libmedia.render import fonts_for, sample_records

    folder = tmp_path / "t"
    shutil.copytree(ROOT / "templates" / "new-books-reel", folder)
    layout = folder / "layout.xml.j2"
    text = layout.read_text().replace('duration="2.2"', 'duration="0.5"').replace(
        'duration="2.8"', 'duration="0.5"').replace("{% set per = 3.2 if n <= 6 else 2.8 %}",
                                                      "{% set per = 0.6 %}").replace(
        'transition-duration="0.4"', 'transition-duration="0.1"')
    layout.write_text(text)
    job = open_job(folder, None, ["tiktok"])
    inp = job.render_input(sample_records(job.template), job.formats[0])
    with pytest.raises(LibmediaError) as exc:
        make_clip(inp, fonts_for(inp), ClipOptions(silent=True))
    assert "3 s or more" in str(exc.value)


def test_still_text_written_above_a_moving_picture_stays_above_it(tmp_path):
    from libmedia.brand import load_brand
    from libmedia.layout import layout_document
    from libmedia.motion.build import SceneLayout, draw_scene
    from libmedia.style import style_document
    from libmedia.typography import default_library

    markup = ('<canvas background="#FFFFFF"><shape kind="rect" fill="#0000FF" position="absolute" '
              'left="0" top="0" width="100%" height="100%" enter="fade"/>'
              '<text position="absolute" left="20" top="20" size="60" color="#FF0000">Still</text>'
              '</canvas>')
    doc = parse_markup(markup)
    brand = load_brand()
    styled = style_document(doc, brand.types, brand.colors)
    page = layout_document(styled, 400, 300, library=default_library())
    scene = draw_scene(SceneLayout(doc, page, 2.0, "cut", 0.0), default_library())
    settled = scene.frame(1.5)
    reds = sum(1 for x in range(20, 200) for y in range(20, 100)
               if settled.getpixel((x, y))[0] > 200 and settled.getpixel((x, y))[2] < 80)
    assert reds > 100  # the red text is drawn over the blue shape that faded in under it


def test_the_streamed_frames_are_the_frames_at_their_times(reel):
    """frames() draws over one working image while layers rest: every frame
    it hands out must still be exactly frame(t)."""
    from libmedia.motion.build import build_timeline, lay_out_video

    inp, library = reel
    tl = build_timeline(lay_out_video(inp, library), 30, library, 0.5)
    streamed = list(tl.frames())
    for n in (0, 40, 70, 71, 72, 100, 150, len(streamed) - 1):
        assert streamed[n] == tl.frame(n / 30).tobytes(), n
