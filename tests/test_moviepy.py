"""to_moviepy: a libmedia clip as a MoviePy 2 VideoClip.

MoviePy 2.2.1 pins pillow<12 and libmedia requires pillow>=12.3, so MoviePy
is never installed in the project's own venv.  ``.ci/run`` makes a second
one, ``.venv-moviepy/``, with libmedia, MoviePy 2.2.1 installed with
``--no-deps`` and MoviePy's other requirements (``libmedia[moviepy]``), beside
the same current Pillow; the checks that need MoviePy run there, in a
subprocess.  Without that venv they skip, saying how to make it (and fail
under CI, where .ci/run always makes it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MOVIEPY_PYTHON = ROOT / ".venv-moviepy" / "bin" / "python"

needs_no_moviepy = pytest.mark.skipif(
    importlib.util.find_spec("moviepy") is not None,
    reason="MoviePy is installed in this venv (it belongs in .venv-moviepy/ only)")


@needs_no_moviepy
def test_without_moviepy_the_import_error_gives_the_install_command():
    code = ("import libmedia\n"
            "try:\n"
            "    import libmedia.motion.moviepy\n"
            "except ImportError as exc:\n"
            "    print(exc)\n"
            "else:\n"
            "    raise SystemExit('imported without MoviePy')\n"
            "try:\n"
            "    from libmedia import to_moviepy\n"
            "except ImportError as exc:\n"
            "    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2
    for line in lines:
        assert "pip install 'libmedia[moviepy]' && pip install --no-deps moviepy==2.2.1" in line


def test_import_libmedia_does_not_import_moviepy_or_numpy():
    code = ("import sys, libmedia, libmedia.motion.clip, libmedia.cli\n"
            "print(sorted(m for m in ('moviepy', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# Run in .venv-moviepy/: make a draft clip of new-books-reel (the template's
# three sample books, its bundled music), convert it, compare, write it with
# MoviePy, probe the file.  Prints one JSON object.
CHECK = r'''
import json, sys
from importlib import metadata
from pathlib import Path

import numpy as np
import PIL

from libmedia import to_moviepy
from libmedia.encode.probe import probe
from libmedia.jobs import open_job
from libmedia.motion.clip import ClipOptions, make_clip
from libmedia.motion.moviepy import PLATFORM_SAFE
from libmedia.render import fonts_for, sample_records

out = Path(sys.argv[1])
job = open_job("new-books-reel", None, ["tiktok"])
inp = job.render_input(sample_records(job.template), job.formats[0])
clip = make_clip(inp, fonts_for(inp), ClipOptions(draft=True))
video = to_moviepy(clip)
tl = clip.timeline
starts = list(tl.starts)
times = [0.0, starts[1] + 0.2, starts[2] + 1.0, clip.cover_time, (tl.frame_count - 1) / tl.fps]
same = []
for t in times:
    a = video.get_frame(t)
    b = np.asarray(tl.frame(t))
    same.append([t, a.dtype.name, list(a.shape), bool(np.array_equal(a, b))])
sound = video.audio
samples = sound.to_soundarray(fps=48000)
mp4 = out / "moviepy.mp4"
video.write_videofile(str(mp4), logger=None, **PLATFORM_SAFE)
report = probe(mp4)
print(json.dumps({
    "pillow": PIL.__version__, "moviepy": metadata.version("moviepy"),
    "clip": {"duration": clip.duration, "size": list(clip.size), "fps": tl.fps},
    "moviepy_clip": {"duration": video.duration, "size": list(video.size), "fps": video.fps,
                     "type": type(video).__name__},
    "frames": same,
    "audio": {"duration": sound.duration, "fps": sound.fps, "samples": len(samples),
              "channels": int(samples.shape[1]), "peak": float(np.abs(samples).max())},
    "probe": {"ok": report.ok, "codes": sorted(report.codes),
              "video_duration": report.video.duration if report.video else None,
              "audio_duration": report.audio.duration if report.audio else None,
              "frames": report.video.frame_count if report.video else None,
              "size": [report.video.width, report.video.height] if report.video else None},
}))
'''


@pytest.fixture(scope="module")
def moviepy_run(tmp_path_factory):
    if not MOVIEPY_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(".venv-moviepy/ is absent: .ci/run makes it before the tests")
        pytest.skip(".venv-moviepy/ is absent (.ci/run makes it: libmedia[moviepy] plus "
                    "pip install --no-deps moviepy==2.2.1 beside current Pillow)")
    folder = tmp_path_factory.mktemp("moviepy")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["TMPDIR"] = str(folder)  # the WAV to_moviepy makes, checked for removal below
    proc = subprocess.run([str(MOVIEPY_PYTHON), "-c", CHECK, str(folder)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), folder


def test_moviepy_venv_has_moviepy_2_2_1_beside_current_pillow(moviepy_run):
    result, _ = moviepy_run
    assert result["moviepy"] == "2.2.1"
    major, minor = (int(x) for x in result["pillow"].split(".")[:2])
    assert (major, minor) >= (12, 3)


def test_moviepy_sees_the_clips_duration_size_and_fps(moviepy_run):
    result, _ = moviepy_run
    clip, mp = result["clip"], result["moviepy_clip"]
    assert mp["type"] == "VideoClip"
    assert mp["duration"] == pytest.approx(clip["duration"], abs=1e-9)
    assert mp["size"] == clip["size"] == [540, 960]
    assert mp["fps"] == clip["fps"] == 30


def test_moviepy_frames_are_libmedias_frames(moviepy_run):
    result, _ = moviepy_run
    assert len(result["frames"]) == 5
    for t, dtype, shape, same in result["frames"]:
        assert dtype == "uint8" and shape == [960, 540, 3], t
        assert same, f"frame at {t} s differs"


def test_moviepy_audio_is_the_clips_music_at_its_length(moviepy_run):
    result, _ = moviepy_run
    audio, duration = result["audio"], result["clip"]["duration"]
    assert audio["duration"] == pytest.approx(duration, abs=1e-9)
    assert audio["fps"] == 48000 and audio["channels"] == 2
    assert abs(audio["samples"] - round(duration * 48000)) <= 1
    assert audio["peak"] > 0.05  # the bundled music, not silence


def test_moviepy_writes_a_file_probe_reads_and_passes(moviepy_run):
    result, folder = moviepy_run
    p, duration = result["probe"], result["clip"]["duration"]
    assert p["size"] == [540, 960]
    assert p["frames"] == round(duration * 30)
    assert p["video_duration"] == pytest.approx(duration, abs=0.04)
    assert p["audio_duration"] == pytest.approx(duration, abs=0.05)
    assert p["ok"], p["codes"]
    # the temporary WAV went with the clip
    assert not list(folder.glob("libmedia-moviepy-*"))
