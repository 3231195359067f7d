"""AudioTrack and render_audio: music checked, looped, cut, faded, 48 kHz stereo."""

from __future__ import annotations

import array
import wave
from pathlib import Path

import pytest
from PIL import Image

from libmedia.encode.audio import AudioTrack, audio_filter, render_audio
from libmedia.errors import VideoError
from tests.test_video_encode import rms, tone_wav

ROOT = Path(__file__).resolve().parents[1]
MUSIC = ROOT / "assets" / "music"


def read_wav(path: Path) -> tuple[wave._wave_params, list[int]]:
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        a = array.array("h")
        a.frombytes(w.readframes(params.nframes))
    return params, list(a[0::params.nchannels])


def test_render_audio_is_exact_faded_and_looped(tmp_path):
    music = AudioTrack(tone_wav(tmp_path / "tone.wav", 0.7), fade_in=0.4, fade_out=0.6)
    out = render_audio(music, 3.2, tmp_path / "clip.wav")
    params, left = read_wav(out)
    assert (params.nchannels, params.framerate, params.sampwidth) == (2, 48000, 2)
    assert params.nframes == 153600
    sr = 48000
    middle = rms(left[int(1.5 * sr):int(1.6 * sr)])
    assert middle > 10000
    assert rms(left[:sr // 20]) < middle / 4                     # fading in
    assert rms(left[-sr // 20:]) < middle / 4                    # fading out
    assert rms(left[int(2.2 * sr):int(2.3 * sr)]) > middle * 0.8  # 2.2 s: the 0.7 s file looped
    assert abs(left[-1]) < 200 and abs(left[0]) < 200


def test_volume_and_start(tmp_path):
    tone = tone_wav(tmp_path / "tone.wav", 2.0)
    full = read_wav(render_audio(AudioTrack(tone), 1.0, tmp_path / "a.wav"))[1]
    half = read_wav(render_audio(AudioTrack(tone, volume=0.5), 1.0, tmp_path / "b.wav"))[1]
    assert abs(rms(half) / rms(full) - 0.5) < 0.02
    started = read_wav(render_audio(AudioTrack(tone, start=1.5), 1.0, tmp_path / "c.wav"))[1]
    # 0.5 s of the file left after 1.5 s, then the loop: still a full second of tone
    assert len(started) == 48000 and rms(started[-4800:]) > rms(full) * 0.8


def test_silence_and_determinism(tmp_path):
    params, left = read_wav(render_audio(None, 1.25, tmp_path / "s.wav"))
    assert params.nframes == 60000 and max(map(abs, left)) == 0
    music = AudioTrack(tone_wav(tmp_path / "tone.wav", 0.5), fade_in=0.2)
    a = render_audio(music, 2.0, tmp_path / "a.wav").read_bytes()
    b = render_audio(music, 2.0, tmp_path / "b.wav").read_bytes()
    assert a == b
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_fades_longer_than_the_clip_are_shortened():
    class Track:  # only what audio_filter reads
        start, volume, fade_in, fade_out, channels = 0.0, 1.0, 3.0, 3.0, 2

    f = audio_filter(Track, 48000)
    assert "afade=t=in:ss=0:ns=24000" in f and "afade=t=out:ss=24000:ns=24000" in f


def test_missing_and_unusable_music_files(tmp_path):
    with pytest.raises(VideoError) as exc:
        AudioTrack(tmp_path / "nope.mp3")
    assert "nope.mp3" in str(exc.value) and "mp3, wav, m4a/aac, ogg/opus or flac" in exc.value.hint
    text = tmp_path / "notes.mp3"
    text.write_text("these are not sounds")
    with pytest.raises(VideoError) as exc:
        AudioTrack(text)
    assert "notes.mp3" in str(exc.value) and "flac" in exc.value.hint
    picture = tmp_path / "cover.png"
    Image.new("RGB", (8, 8)).save(picture)
    with pytest.raises(VideoError, match="no audio stream") as exc:
        AudioTrack(picture)
    assert exc.value.location.file == str(picture)
    with pytest.raises(ValueError):
        AudioTrack(tone_wav(tmp_path / "t.wav", 0.1), volume=-1)


@pytest.mark.parametrize("codec, ext", [("libmp3lame", "mp3"), ("libopus", "ogg"),
                                        ("flac", "flac"), ("aac", "m4a")])
def test_formats_users_are_told_about(tmp_path, codec, ext):
    import subprocess

    import imageio_ffmpeg

    src = tone_wav(tmp_path / "tone.wav", 0.5)
    music = tmp_path / f"music.{ext}"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(src),
                    "-c:a", codec, str(music)], check=True)
    params, left = read_wav(render_audio(AudioTrack(music), 1.0, tmp_path / "o.wav"))
    assert params.nframes == 48000 and rms(left[10000:20000]) > 5000


def test_shipped_music_track(tmp_path):
    """The project's own music: there, a sensible level, loops without a click."""
    tracks = sorted(MUSIC.glob("*.m4a"))
    assert tracks, "assets/music has no .m4a track"
    for path in tracks:
        track = AudioTrack(path)
        assert track.path.stat().st_size < 1_000_000
        import av

        with av.open(str(path)) as c:
            s = c.streams.audio[0]
            assert (s.codec_context.name, s.codec_context.channels) == ("aac", 2)
            assert 29.5 < float(s.duration * s.time_base) < 30.5
        # looped under a 34 s clip: the restart at 30 s is no sharper than the music itself
        _, left = read_wav(render_audio(track, 34.0, tmp_path / "loop.wav"))
        seam = 30 * 48000
        steps = [abs(left[i + 1] - left[i]) for i in range(len(left) - 1)]
        assert max(steps[seam - 2000:seam + 2000]) <= max(steps[2000:seam - 2000])
        level = rms(left) / 32768
        assert 0.03 < level < 0.2            # about -20 dBFS: background music
        assert max(map(abs, left)) < 32000   # no clipping
