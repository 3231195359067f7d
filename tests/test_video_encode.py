"""VideoWriter: real small MP4s, checked with libmedia's own probe.

Every clip here is 216x384 (1080x1920 / 5) at 30 fps, so the suite stays
fast; the settings are the shipped ones.
"""

from __future__ import annotations

import os
import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import psutil
import pytest
from PIL import Image

from libmedia.encode.audio import AudioTrack
from libmedia.encode.probe import probe
from libmedia.encode.video import VideoSettings, VideoWriter, encode_cover_jpeg
from libmedia.errors import LibmediaError, OutputError, VideoError

W, H = 216, 384
RED, BLUE, PAPER = (255, 0, 0), (0, 0, 255), (242, 236, 224)


def frame(i: int) -> Image.Image:
    """Red top half, blue bottom half, a paper-coloured bar moving down."""
    img = Image.new("RGB", (W, H), BLUE)
    img.paste(RED, (0, 0, W, H // 2))
    y = (i * 4) % (H - 20)
    img.paste(PAPER, (20, y, W - 20, y + 12))
    return img


def write_clip(path: Path, frames: int = 96, audio: AudioTrack | None = None,
               settings: VideoSettings | None = None) -> Path:
    with VideoWriter(path, (W, H), settings, frames=frames, audio=audio) as out:
        for i in range(frames):
            out.write(frame(i))
    return path


def tone_wav(path: Path, seconds: float, rate: int = 44100, channels: int = 1,
             freq: float = 440.0, amplitude: float = 0.5) -> Path:
    """A sine tone as 16-bit WAV (pure Python)."""
    import math
    import struct

    n = round(seconds * rate)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        data = bytearray()
        for i in range(n):
            v = int(amplitude * 32767 * math.sin(2 * math.pi * freq * i / rate))
            data += struct.pack("<h", v) * channels
        w.writeframes(bytes(data))
    return path


def decoded_audio(path: Path) -> list[int]:
    """The left channel of a file's audio as 48 kHz s16 samples (ffmpeg)."""
    import array

    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path),
                          "-map", "0:a:0", "-f", "s16le", "-ac", "2", "-ar", "48000", "-"],
                         capture_output=True, check=True).stdout
    a = array.array("h")
    a.frombytes(raw)
    return list(a[0::2])


def rms(samples) -> float:
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


def ffmpeg_children() -> list:
    return [p for p in psutil.Process().children(recursive=True)
            if "ffmpeg" in (p.name() or "")]


def test_clip_passes_probe_and_has_the_shipped_format(tmp_path):
    path = write_clip(tmp_path / "clip.mp4")
    rep = probe(path)
    assert rep.ok, [str(d) for d in rep.diagnostics]
    assert rep.diagnostics == ()
    v, a = rep.video, rep.audio
    assert (v.codec, v.profile, v.pixel_format, v.bit_depth) == ("h264", "High", "yuv420p", 8)
    assert (v.width, v.height) == (W, H)
    assert v.level == 41
    assert (v.color_range, v.color_matrix, v.color_primaries, v.color_transfer) == (
        "tv", "bt709", "bt709", "bt709")
    assert rep.faststart is True and rep.boxes.index("moov") < rep.boxes.index("mdat")
    assert v.frame_count == 96
    assert v.nominal_fps == 30 and abs(v.average_fps - 30) < 1e-6
    assert v.frame_duration_min == v.frame_duration_max
    assert v.start == 0
    assert abs(v.duration - 3.2) < 1e-6
    assert (a.codec, a.sample_rate, a.channels) == ("aac", 48000, 2)
    assert a.start == 0
    assert abs(a.end - v.end) < 1 / 30
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_colours_round_trip_as_bt709(tmp_path):
    """Pure red and blue come back close after RGB -> BT.709 tv -> RGB."""
    path = write_clip(tmp_path / "clip.mp4", frames=90)
    raw = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-vf",
         "select=eq(n\\,45),scale=in_color_matrix=bt709:in_range=tv:flags=accurate_rnd",
         "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True).stdout
    img = Image.frombytes("RGB", (W, H), raw)
    for (x, y), want in (((W // 2, 40), RED), ((W // 2, H - 40), BLUE)):
        got = img.getpixel((x, y))
        assert all(abs(g - w) <= 10 for g, w in zip(got, want, strict=True)), (got, want)
    # decoding it as BT.601 would shift the red: the tags matter (case C41)
    raw601 = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-vf",
         "select=eq(n\\,45),scale=in_color_matrix=bt601:in_range=tv",
         "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True).stdout
    red601 = Image.frombytes("RGB", (W, H), raw601).getpixel((W // 2, 40))
    assert max(abs(g - w) for g, w in zip(red601, RED, strict=True)) > 15


def test_same_frames_same_bytes(tmp_path):
    music = AudioTrack(tone_wav(tmp_path / "tone.wav", 1.0), fade_in=0.5, fade_out=0.5)
    a = write_clip(tmp_path / "a.mp4", audio=music).read_bytes()
    b = write_clip(tmp_path / "b.mp4", audio=music).read_bytes()
    assert a == b


def test_raw_bytes_and_images_give_the_same_file(tmp_path):
    with VideoWriter(tmp_path / "raw.mp4", (W, H), frames=96) as out:
        for i in range(96):
            out.write(frame(i).tobytes())
    assert (tmp_path / "raw.mp4").read_bytes() == write_clip(tmp_path / "img.mp4").read_bytes()


def test_music_is_looped_faded_and_cut_to_the_video(tmp_path):
    # a 1 s mono 44.1 kHz tone under a 3.2 s clip: looped three times and more
    music = AudioTrack(tone_wav(tmp_path / "tone.wav", 1.0), fade_in=0.5, fade_out=0.5)
    path = write_clip(tmp_path / "clip.mp4", audio=music)
    rep = probe(path)
    assert rep.ok, [str(d) for d in rep.diagnostics]
    assert (rep.audio.sample_rate, rep.audio.channels) == (48000, 2)
    assert abs(rep.audio.end - rep.video.end) < 1 / 30
    s = decoded_audio(path)
    sr = 48000
    start, middle, late, end = (rms(s[a:b]) for a, b in (
        (0, sr // 20), (int(1.5 * sr), int(1.6 * sr)), (int(2.5 * sr), int(2.6 * sr)),
        (len(s) - sr // 20, len(s))))
    assert middle > 5000                 # the tone, at about 0.5 of full scale
    assert late > 5000                   # 2.5 s: only there because the music looped
    assert start < middle / 4 and end < middle / 4


def test_silent_track_when_no_music(tmp_path):
    path = write_clip(tmp_path / "clip.mp4")
    assert probe(path).audio.codec == "aac"
    assert max(abs(v) for v in decoded_audio(path)) == 0


def test_odd_size_is_refused(tmp_path):
    with pytest.raises(VideoError) as exc:
        VideoWriter(tmp_path / "odd.mp4", (65, 65), frames=10)
    assert exc.value.code == "odd-size"
    assert not list(tmp_path.iterdir())


def test_caller_error_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError, match="template broke"):
        with VideoWriter(tmp_path / "clip.mp4", (W, H), frames=96) as out:
            for i in range(40):
                out.write(frame(i))
            raise RuntimeError("template broke")
    assert not list(tmp_path.iterdir())
    assert ffmpeg_children() == []


def test_interrupt_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with VideoWriter(tmp_path / "clip.mp4", (W, H), frames=96) as out:
            out.write(frame(0))
            raise KeyboardInterrupt
    assert not list(tmp_path.iterdir())
    assert ffmpeg_children() == []


def test_wrong_frame_count_is_an_error(tmp_path):
    with pytest.raises(VideoError, match="50 frames were written but 96"):
        with VideoWriter(tmp_path / "clip.mp4", (W, H), frames=96) as out:
            for i in range(50):
                out.write(frame(i))
    assert not list(tmp_path.iterdir())
    with pytest.raises(VideoError, match="more frames"):
        with VideoWriter(tmp_path / "clip.mp4", (W, H), frames=3) as out:
            for i in range(4):
                out.write(frame(i))
    assert not list(tmp_path.iterdir())
    assert ffmpeg_children() == []


def test_wrong_frame_is_refused(tmp_path):
    with pytest.raises(ValueError, match="expected RGB 216x384"):
        with VideoWriter(tmp_path / "clip.mp4", (W, H), frames=3) as out:
            out.write(Image.new("RGBA", (W, H)))
    assert not list(tmp_path.iterdir())


def test_ffmpeg_failure_is_a_video_error_with_its_output(tmp_path):
    bad = VideoSettings(preset="no-such-preset")
    with pytest.raises(VideoError) as exc:
        write_clip(tmp_path / "clip.mp4", frames=30, settings=bad)
    assert "ffmpeg" in str(exc.value) and "preset" in str(exc.value).lower()
    assert not list(tmp_path.iterdir())
    assert ffmpeg_children() == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_an_output_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError) as exc:
            write_clip(folder / "clip.mp4", frames=10)
        assert "clip.mp4" in str(exc.value)
        assert not list(folder.iterdir())
    finally:
        folder.chmod(0o755)


def test_full_disk_is_an_output_error(tmp_path, monkeypatch):
    """ffmpeg saying "No space left on device" becomes an OutputError naming the file.

    /dev/full fails every write with ENOSPC: the partial file is made a
    link to it, as a full disk would fail it.
    """
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    import libmedia.encode.video as video

    real = video.ffmpeg_command

    def to_dev_full(output, *args, **kw):
        cmd = real(output, *args, **kw)
        os.unlink(output)
        os.symlink("/dev/full", output)
        return cmd

    monkeypatch.setattr(video, "ffmpeg_command", to_dev_full)
    with pytest.raises(OutputError) as exc:
        write_clip(tmp_path / "clip.mp4", frames=30)
    assert "clip.mp4" in str(exc.value)
    assert isinstance(exc.value, LibmediaError)
    assert not list(tmp_path.iterdir())
    assert ffmpeg_children() == []


def test_duration_in_seconds_and_progress(tmp_path):
    seen = []
    with VideoWriter(tmp_path / "clip.mp4", (W, H), duration=3.1, progress=seen.append) as out:
        assert out.frames == 93
        for i in range(out.frames):
            out.write(frame(i))
    assert seen[-1] == 93 and seen == sorted(seen)
    assert probe(tmp_path / "clip.mp4").video.frame_count == 93


def test_draft_settings_are_faster_and_lower_quality():
    s = VideoSettings()
    d = s.draft()
    assert d.crf > s.crf and d.preset != s.preset
    assert (d.fps, d.profile, d.level) == (s.fps, s.profile, s.level)


def test_cover_jpeg_is_deterministic():
    a = encode_cover_jpeg(frame(0))
    assert a[:2] == b"\xff\xd8" and a == encode_cover_jpeg(frame(0))


def test_unwritable_destination_is_an_output_error(tmp_path):
    """A destination whose folder is a file (cannot be created, even by root)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OutputError) as exc:
        write_clip(blocker / "clip.mp4", frames=10)
    assert "clip.mp4" in str(exc.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]
