"""probe: every bad case file flagged for its own problems, the good ones pass."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from click.testing import CliRunner
from PIL import Image

from libmedia.cli import main
from libmedia.encode.probe import PlatformRules, mp4_boxes, probe
from libmedia.errors import VideoError

# file -> (codes that must be errors, codes that must be warnings)
BAD = {
    "C04_bad_yuv444p_odd_65x65.mp4": ({"pixel-format", "odd-size", "video-profile"}, set()),
    "C05_bad_no_faststart_108x192.mp4": ({"faststart"}, set()),
    "C06_bad_mp3_audio_108x192.mp4": ({"audio-codec"}, set()),
    "C07_bad_audio_longer_than_video.mp4": ({"stream-length-mismatch"}, set()),
    "C09_bad_2s_15fps.mp4": ({"duration-short", "fps"}, set()),
    "video/C41a_bad_untagged_bt601_from_rgb_pipe.mp4": ({"colour-tags"}, set()),
    "video/C41b_bad_fullrange_yuvj420p_bt470bg.mp4": ({"full-range", "colour-tags"}, set()),
    "video/C42a_input_phone_hlg_hevc_main10.mp4": ({"video-codec", "ten-bit", "hdr"}, set()),
    "video/C42b_bad_8bit_output_still_tagged_hlg_bt2020.mp4": ({"hdr"}, set()),
    "video/C42c_bad_h264_high10_yuv420p10le.mp4": ({"video-profile", "ten-bit", "hdr"}, set()),
    "video/C43a_input_phone_portrait_stored_192x108_rotation.mp4": (set(), {"rotation"}),
    "video/C43b_bad_nonsquare_sar4to3_82x192.mp4": ({"non-square-pixels"}, set()),
    "video/C45a_bad_video_empty_edit_starts_0.5s.mp4": ({"late-start"}, set()),
    "video/C45b_bad_audio_starts_0.8s_late.mp4": ({"late-start"}, set()),
    "video/C45c_bad_no_audio_track.mp4": (set(), {"no-audio"}),
    "video/C45d_bad_black_first_frame_fade_in.mp4": (set(), {"black-first-frame"}),
    "video/C45e_warn_mono_22050hz_audio.mp4": (set(), {"audio-rate", "audio-channels"}),
}
GOOD = ["REF_good_yuv420p_faststart_aac_108x192.mp4", "video/C41c_good_bt709_tv_tagged.mp4"]


def codes(report, severity):
    return {d.code for d in report.diagnostics if d.severity == severity}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_case_is_flagged_for_its_problems(cases, name):
    errors, warnings = BAD[name]
    rep = probe(cases / name)
    assert errors <= codes(rep, "error"), [str(d) for d in rep.diagnostics]
    assert warnings <= codes(rep, "warning"), [str(d) for d in rep.diagnostics]
    assert rep.diagnostics
    for d in rep.diagnostics:
        assert d.hint and d.location.file == str(cases / name)


@pytest.mark.parametrize("name", GOOD)
def test_good_case_passes(cases, name):
    rep = probe(cases / name)
    assert rep.ok and rep.diagnostics == (), [str(d) for d in rep.diagnostics]
    v = rep.video
    assert (v.codec, v.profile, v.pixel_format, v.width, v.height) == (
        "h264", "High", "yuv420p", 108, 192)
    assert (v.color_range, v.color_matrix, v.color_primaries, v.color_transfer) == (
        "tv", "bt709", "bt709", "bt709")
    assert v.frame_count == 90 and v.average_fps == 30
    assert (rep.audio.codec, rep.audio.sample_rate, rep.audio.channels) == ("aac", 48000, 2)
    assert rep.faststart


def test_figures_of_the_odd_cases(cases):
    rot = probe(cases / "video/C43a_input_phone_portrait_stored_192x108_rotation.mp4").video
    assert (rot.width, rot.height) == (192, 108)
    assert abs(rot.rotation) == 90 and (rot.display_width, rot.display_height) == (108, 192)
    sar = probe(cases / "video/C43b_bad_nonsquare_sar4to3_82x192.mp4").video
    assert str(sar.sample_aspect_ratio) == "4/3" and sar.display_width == 109
    late = probe(cases / "video/C45b_bad_audio_starts_0.8s_late.mp4")
    assert 0.7 < late.audio.start < 0.9 and late.video.start == 0
    empty_edit = probe(cases / "video/C45a_bad_video_empty_edit_starts_0.5s.mp4").video
    assert abs(empty_edit.start - 0.5) < 0.01
    black = probe(cases / "video/C45d_bad_black_first_frame_fade_in.mp4").video
    assert black.first_frame_luma < 5
    c09 = probe(cases / "C09_bad_2s_15fps.mp4").video
    assert c09.frame_count == 30 and c09.average_fps == 15
    assert [b[0] for b in mp4_boxes(cases / "C05_bad_no_faststart_108x192.mp4")] == [
        "ftyp", "free", "mdat", "moov"]


def _ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *args], check=True,
                   capture_output=True)


def test_variable_frame_rate_slideshow_is_flagged(tmp_path):
    """Case C44: a slideshow made with the concat demuxer, slides of uneven length."""
    lines = []
    for i, (colour, seconds) in enumerate([("red", 1.0), ("green", 0.4), ("blue", 2.1)]):
        Image.new("RGB", (108, 192), colour).save(tmp_path / f"s{i}.png")
        lines += [f"file 's{i}.png'", f"duration {seconds}"]
    lines.append("file 's2.png'")  # the concat demuxer ignores the last duration otherwise
    (tmp_path / "list.txt").write_text("\n".join(lines) + "\n")
    out = tmp_path / "vfr.mp4"
    _ffmpeg("-f", "concat", "-safe", "0", "-i", str(tmp_path / "list.txt"), "-fps_mode", "vfr",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(out))
    rep = probe(out)
    v = rep.video
    assert "variable-frame-rate" in codes(rep, "error")
    assert v.frame_duration_max > 5 * v.frame_duration_min
    assert v.frame_count < 10     # a handful of frames, whatever the nominal rate says


def test_constant_rate_of_the_same_slideshow_passes_that_check(tmp_path):
    Image.new("RGB", (108, 192), "red").save(tmp_path / "s.png")
    out = tmp_path / "cfr.mp4"
    _ffmpeg("-loop", "1", "-framerate", "30", "-i", str(tmp_path / "s.png"), "-t", "3.5",
            "-fps_mode", "cfr", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(out))
    rep = probe(out)
    assert "variable-frame-rate" not in rep.codes
    assert rep.video.frame_count == 105


def test_rules_from_a_format(cases):
    class Reel:  # a Format-like object: what formats.py gives for a video format
        width, height, fps, min_seconds, max_seconds = 1080, 1920, 30, 3.0, 2.5

    rep = probe(cases / "REF_good_yuv420p_faststart_aac_108x192.mp4", PlatformRules.for_format(Reel))
    assert {"video-size", "duration-long"} <= codes(rep, "error")
    rep25 = probe(cases / "REF_good_yuv420p_faststart_aac_108x192.mp4", PlatformRules(fps=25))
    assert codes(rep25, "warning") == {"fps"} and rep25.ok


def test_not_a_video_is_an_error(tmp_path):
    with pytest.raises(VideoError, match="no such file"):
        probe(tmp_path / "missing.mp4")
    (tmp_path / "text.mp4").write_text("not a video")
    with pytest.raises(VideoError, match="cannot read text.mp4"):
        probe(tmp_path / "text.mp4")


def test_cli_probe(cases):
    runner = CliRunner()
    good = runner.invoke(main, ["probe", str(cases / GOOD[0])])
    assert good.exit_code == 0, good.output
    assert "platforms accept this file" in good.output and "range tv, matrix bt709" in good.output
    bad = runner.invoke(main, ["probe", str(cases / "C05_bad_no_faststart_108x192.mp4")])
    assert bad.exit_code == 1
    assert "error [faststart]" in bad.output and "hint: re-write it with the index first" in bad.output
    js = runner.invoke(main, ["probe", "--json", str(cases / "C06_bad_mp3_audio_108x192.mp4")])
    assert js.exit_code == 1
    data = json.loads(js.output)
    assert data["ok"] is False and data["audio"]["codec"] == "mp3float"
    assert "audio-codec" in {d["code"] for d in data["diagnostics"]}
    missing = runner.invoke(main, ["probe", str(Path(cases) / "nope.mp4")])
    assert missing.exit_code == 2
