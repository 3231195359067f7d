"""Clips end to end: a video template rendered and encoded, every output
probed as the platforms would, the cover, subtitles, caption and alt
text beside it, and batches of clips through the same run as images."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest
from click.testing import CliRunner
from PIL import Image

from libmedia.cli import main
from libmedia.encode.probe import PlatformRules, probe
from libmedia.formats import get_format

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "koleksi-baru.csv"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def accepted(path: Path, fmt: str = "tiktok") -> None:
    """The platform's rules, but for the size: these are half-size drafts."""
    from dataclasses import replace

    rules = replace(PlatformRules.for_format(get_format(fmt)), width=None, height=None)
    report = probe(path, rules)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    assert not errors, "\n".join(str(d) for d in errors)


def frame_at(path: Path, t: float) -> Image.Image:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        for f in c.decode(s):
            if float(f.pts * s.time_base) >= t - 1e-3:
                return f.to_image()
    raise AssertionError(f"no frame at {t} s")


def mean_level(path: Path, start: float, end: float) -> float:
    """Mean absolute sample level of the audio between two times (0..1)."""
    total, count = 0.0, 0
    with av.open(str(path)) as c:
        s = c.streams.audio[0]
        for f in c.decode(s):
            t = float(f.pts * s.time_base)
            if start <= t < end:
                arr = f.to_ndarray()
                total += float(abs(arr).mean())
                count += 1
    return total / max(1, count)


@pytest.fixture(scope="module")
def sample_clip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clip") / "reel.mp4"
    res = run("render", "new-books-reel", "--draft", "-o", out)
    assert res.exit_code == 0, res.output
    return out


def test_a_sample_clip_is_accepted_by_every_platform(sample_clip):
    for fmt in ("tiktok", "instagram-reel", "youtube-short"):
        accepted(sample_clip, fmt)
    report = probe(sample_clip)
    assert (report.video.width, report.video.height) == (540, 960)  # a draft is half size
    assert report.video.average_fps == pytest.approx(30)
    assert report.audio.channels == 2 and report.audio.sample_rate == 48000
    assert abs(report.audio.duration - report.video.duration) <= 1 / 30


def test_the_clip_comes_with_its_cover_subtitles_caption_and_alt_text(sample_clip):
    base = sample_clip.with_suffix("")
    with Image.open(f"{base}.cover.jpg") as cover:
        assert cover.format == "JPEG" and cover.size == (540, 960)
    vtt = (sample_clip.parent / "reel.vtt").read_text(encoding="utf-8")
    srt = (sample_clip.parent / "reel.srt").read_bytes()
    assert vtt.startswith("WEBVTT") and "Bumi Manusia" in vtt and "Pramoedya Ananta Toer" in vtt
    assert b"\r\n" in srt and "Cantik Itu Luka" in srt.decode("utf-8")
    caption = Path(f"{base}.caption.txt").read_text(encoding="utf-8")
    assert "1. Bumi Manusia" in caption and "#" in caption
    alt = Path(f"{base}.alt.txt").read_text(encoding="utf-8")
    assert "3 buku baru" in alt


def test_subtitles_follow_the_words_on_screen(sample_clip):
    from libmedia.subtitles import Cue  # noqa: F401  (the cue model the files come from)

    vtt = (sample_clip.parent / "reel.vtt").read_text(encoding="utf-8")
    cues = [block for block in vtt.split("\n\n")[1:] if "-->" in block]
    assert len(cues) == 5  # intro, three books, outro
    # each book's cue starts when its title arrives, after the scene has begun
    times = [block.split("\n")[0] for block in cues]
    assert times[1].startswith("00:00:02.") and "Bumi Manusia" in cues[1]


def test_frames_show_each_scene_settled(sample_clip):
    first = frame_at(sample_clip, 0.0)
    colours = first.resize((54, 96)).getcolors(54 * 96)
    assert colours is not None and len(colours) > 2  # the first frame is content, not a blank
    book = frame_at(sample_clip, 3.5)  # the first book, settled
    top = book.crop((0, 0, 540, 100)).convert("L").getextrema()
    assert top[0] < 100  # the brand band (dark) at the top
    # the title is dark ink on paper in the lower half
    lower = book.crop((40, 560, 500, 700)).convert("L").getextrema()
    assert lower[0] < 90 and lower[1] > 200


def test_music_is_faded_in_and_out(tmp_path):
    out = tmp_path / "m.mp4"
    res = run("render", "new-books-reel", "--draft", "-o", out)
    assert res.exit_code == 0, res.output
    d = probe(out).video.duration
    middle = mean_level(out, d / 2 - 1, d / 2 + 1)
    assert middle > 0.005  # there is music
    assert mean_level(out, 0, 0.1) < middle / 2  # fading in
    assert mean_level(out, d - 0.15, d) < middle / 2  # fading out


def test_no_music_still_gives_a_silent_stereo_track(tmp_path):
    out = tmp_path / "s.mp4"
    res = run("render", "new-books-reel", "--draft", "--no-music", "-o", out)
    assert res.exit_code == 0, res.output
    accepted(out)
    assert mean_level(out, 0, probe(out).video.duration) < 1e-4


def test_burnt_in_subtitles_sit_above_the_apps_bottom_band(tmp_path):
    plain, burnt = tmp_path / "p.mp4", tmp_path / "b.mp4"
    assert run("render", "new-books-reel", "--draft", "--no-music", "-o", plain).exit_code == 0
    assert run("render", "new-books-reel", "--draft", "--no-music", "--burn-subtitles",
               "-o", burnt).exit_code == 0
    a, b = frame_at(plain, 3.5), frame_at(burnt, 3.5)
    from PIL import ImageChops

    # what the captions changed (beyond the encoder's own small differences)
    box = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 48 else 0).getbbox()
    assert box is not None
    safe_bottom = 960 - get_format("tiktok").safe[2] / 2
    assert box[3] <= safe_bottom + 1  # clear of the caption and buttons TikTok draws


def test_a_batch_makes_one_clip_per_group_and_lists_every_file(tmp_path):
    out = tmp_path / "reels"
    res = run("batch", "new-books-reel", SAMPLES, "--draft", "--no-music", "--out", out,
              "--jobs", "1")
    assert res.exit_code == 0, res.output
    assert "3 of 3 clips rendered (22 records; 1 format: tiktok: 3 MP4 files)" in res.output
    assert "clips and manifest in" in res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    posts = manifest["posts"] if "posts" in manifest else manifest["records"]
    assert len(posts) == 3  # 22 books: clips of 8, 7 and 7
    mp4s = sorted(out.glob("*.mp4"))
    assert len(mp4s) == 3
    for mp4 in mp4s:
        accepted(mp4)
        stem = mp4.name[: -len(".mp4")]
        for suffix in (".cover.jpg", ".vtt", ".srt", ".caption.txt", ".alt.txt"):
            assert (out / f"{stem}{suffix}").is_file(), stem + suffix
    # --resume makes nothing again
    again = run("batch", "new-books-reel", SAMPLES, "--draft", "--no-music", "--out", out,
                "--jobs", "1", "--resume")
    assert again.exit_code == 0 and "3" in again.output


def test_a_clip_is_the_same_bytes_every_time(tmp_path):
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    for path in (a, b):
        assert run("render", "new-books-reel", "--draft", "-o", path).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert Path(f"{a.with_suffix('')}.cover.jpg").read_bytes() == \
        Path(f"{b.with_suffix('')}.cover.jpg").read_bytes()


def test_a_clip_needs_an_mp4_name(tmp_path):
    res = run("render", "new-books-reel", "-o", tmp_path / "x.png")
    assert res.exit_code != 0
    assert ".mp4" in res.output


def test_check_says_how_the_books_are_shared_out_into_clips():
    res = run("check", "new-books-reel", SAMPLES)
    assert res.exit_code == 0, res.output
    assert "as 3 clips of 8, 7 and 7 records" in res.output


def test_dump_shows_a_clip_scene_by_scene_without_encoding(tmp_path):
    res = run("render", "new-books-reel", "--dump", "layout")
    assert res.exit_code == 0, res.output
    assert res.output.count("scene ") >= 5 and "scene 2 at 1.80 s, 3.2 s, slide-up 0.4 s" in res.output
    res = run("render", "new-books-reel", "--dump", "markup")
    assert res.exit_code == 0 and "<video" in res.output and "<scene" in res.output


def test_check_and_batch_agree_when_there_are_too_few_books(tmp_path):
    data = tmp_path / "two.csv"
    lines = SAMPLES.read_text(encoding="utf-8-sig").splitlines()
    data.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    checked = run("check", "new-books-reel", data)
    assert checked.exit_code == 1
    assert "2 of 2 records will not be rendered" in checked.output
    assert "only 2 records (rows 2, 3): this template takes 3 to 10 records per clip" in checked.output
    made = run("batch", "new-books-reel", data, "--out", tmp_path / "o")
    assert made.exit_code == 2 and "only 2 records" in made.output + (made.stderr or "")


def test_a_draft_never_takes_the_name_of_the_clip_to_post(tmp_path):
    res = run("render", "new-books-reel", "--draft", "--no-music")
    assert res.exit_code == 0, res.output
    assert "sample-bumi-manusia.tiktok.draft.mp4" in res.output


def test_columns_named_as_a_templates_own_fields_are_used_and_said_to_be(tmp_path):
    data = tmp_path / "events.csv"
    data.write_text("title,date,time,end_time,place,url\n"
                    "Mendongeng,2026-12-12,09:00,10:30,Ruang Anak,https://x.example/e\n",
                    encoding="utf-8")
    res = run("check", "event-reel", data)
    assert res.exit_code == 0, res.output
    assert "time      -> time" in res.output and "end_time  -> end_time" in res.output
    assert "no column for optional field 'time'" not in res.output
    assert "the one record is ready" in res.output
