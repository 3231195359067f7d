"""The preview's video: the draft (MP4, frames, scene marks) and the full
render with progress, cancellation and template errors."""

from __future__ import annotations

import io
import shutil
import threading
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from libmedia.encode.probe import probe
from libmedia.errors import LibmediaError, ProblemList, TemplateError
from libmedia.jobs import open_job
from libmedia.preview.video import PREVIEW_SCALE, FullRender, make_draft
from libmedia.render import fonts_for

ROOT = Path(__file__).resolve().parents[1]


def sample_input(template: str | Path, fmt: str | None = None):
    """The render input of a template's own sample in its first format (or ``fmt``)."""
    job = open_job(template, None, [fmt] if fmt else [], run_preflight=False)
    inp = job.render_input(job.records, job.formats[0])
    return inp, fonts_for(inp)


@pytest.fixture(scope="module")
def books():
    inp, library = sample_input("new-books-reel")
    return inp, make_draft(inp, library)


@pytest.fixture(scope="module")
def event():
    inp, library = sample_input("event-reel")
    return inp, make_draft(inp, library)


def probe_bytes(tmp_path: Path, data: bytes):
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    return probe(path)


@pytest.mark.parametrize("which", ["books", "event"])
def test_draft_is_an_mp4_a_browser_plays(which, request, tmp_path):
    inp, draft = request.getfixturevalue(which)
    fw, fh = inp.format.size
    assert draft.format_size == (fw, fh)
    assert draft.size == (round(fw * PREVIEW_SCALE), round(fh * PREVIEW_SCALE)) == (360, 640)
    report = probe_bytes(tmp_path, draft.mp4)
    v = report.video
    assert report.container.startswith("mov,mp4")
    assert v.codec == "h264" and v.profile == "High" and v.pixel_format == "yuv420p"
    assert (v.width, v.height) == draft.size
    assert report.faststart is True
    assert report.audio is not None and report.audio.codec == "aac"
    assert draft.fps == inp.format.fps == 30
    assert v.frame_count == round(draft.duration * draft.fps)
    assert abs(report.duration - draft.duration) <= 1 / draft.fps + 1e-6
    assert report.errors == []
    assert draft.caption.strip() and draft.alt.strip()


def test_scene_marks_of_new_books_reel(books):
    inp, draft = books
    marks = draft.scenes
    # a book's scene is labelled with its title's main part, as the reel shows it
    assert [m["label"] for m in marks] == ["intro", "Bumi Manusia", "Filosofi Kopi",
                                           "Cantik Itu Luka", "outro"]
    assert [m["row"] for m in marks] == [None] * 5  # the template's own sample
    assert [m["transition"] for m in marks] == ["cut", "slide-up", "slide-left", "slide-left",
                                                "crossfade"]
    assert marks[0]["start"] == 0.0 and marks[0]["transition_duration"] == 0.0
    assert all(m["transition_duration"] == 0.4 for m in marks[1:])
    # each mark runs to the next one's start; together they are the clip
    for a, b in zip(marks, marks[1:], strict=False):
        assert a["start"] + a["duration"] == pytest.approx(b["start"], abs=1e-6)
    assert sum(m["duration"] for m in marks) == pytest.approx(draft.duration, abs=1e-6)
    assert marks[-1]["start"] + marks[-1]["duration"] == pytest.approx(draft.duration, abs=1e-6)
    # the lines of the <scene> elements in layout.xml.j2
    layout = (inp.template.path / "layout.xml.j2").read_text(encoding="utf-8").splitlines()
    for m in marks:
        assert layout[m["line"] - 1].lstrip().startswith("<scene ")


def test_scene_marks_of_event_reel_use_the_scene_ids(event):
    _, draft = event
    assert [m["label"] for m in draft.scenes] == ["countdown", "title", "board", "register", "outro"]
    assert sum(m["duration"] for m in draft.scenes) == pytest.approx(draft.duration, abs=1e-6)


def test_draft_of_a_real_catalogue(realdata):
    """The first clip of SLiMS' sample catalogue (8 books), drawn but not
    encoded: scene marks name each book and its row, and each book's scene
    shows its own cover."""
    from libmedia.jobs import post_groups

    job = open_job("new-books-reel", realdata / "slims" / "slims_sample_biblio.csv",
                   run_preflight=False)
    group = post_groups(job)[0]
    inp = job.render_input(group, job.formats[0])
    draft = make_draft(inp, fonts_for(inp), encode=False)
    assert not draft.encoded
    books = draft.scenes[1:-1]
    assert [m["row"] for m in books] == [r.row for r in group] == list(range(2, 10))  # spreadsheet rows
    labels = [m["label"] for m in books]
    assert labels[0] == "PHP 5 for dummies"
    assert labels[3] == "Cathedral and the Bazaar"  # not its whole subtitle
    assert labels[5] == "PostgreSQL"  # "PostgreSQL : a comprehensive guide to ..."
    assert sum(m["duration"] for m in draft.scenes) == pytest.approx(draft.duration, abs=1e-6)
    settled = [draft.frame_png(m["start"] + m["duration"] - 0.2) for m in books]
    assert len(set(settled)) == len(books)
    assert any(w.code == "upscaled" for w in draft.warnings)  # SLiMS' covers are small


def test_frame_png_at_a_boundary_and_mid_scene(books):
    _, draft = books
    second = draft.scenes[1]
    boundary = draft.frame_png(second["start"])
    middle = draft.frame_png(second["start"] + second["duration"] / 2)
    assert boundary != middle
    assert draft.frame_png(second["start"]) == boundary  # the same t, the same bytes
    for data in (boundary, middle):
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size == draft.size and image.mode == "RGB"
    # the frame is one of the clip's: a time inside a frame shows that frame
    assert draft.frame_png(second["start"] + 0.4 / draft.fps) == boundary
    # the boundary is the previous scene's picture as the transition starts
    intro_end = draft.scenes[0]["duration"] - 1 / draft.fps
    assert _mean_diff(draft.frame_png(intro_end), boundary) < 2.0
    assert _mean_diff(middle, boundary) > 20.0


def test_frame_png_clamps_into_the_clip(event):
    _, draft = event
    assert draft.frame_png(-3) == draft.frame_png(0)
    last = (round(draft.duration * draft.fps) - 1) / draft.fps
    assert draft.frame_time(1e6) == pytest.approx(last)
    assert draft.frame_png(1e6) == draft.frame_png(last)
    with pytest.raises(ValueError):
        draft.frame_png(float("nan"))


def test_frame_png_shows_what_the_draft_plays(books):
    _, draft = books
    # frames in the middle of each transition, where every frame differs from the next
    wanted = {round(draft.fps * (m["start"] + m["transition_duration"] / 2)) for m in draft.scenes[1:]}
    decoded = {}
    with av.open(io.BytesIO(draft.mp4)) as container:
        for n, frame in enumerate(container.decode(video=0)):
            if n in wanted:
                decoded[n] = np.asarray(frame.to_image().convert("RGB"), dtype=np.int16)
    assert decoded.keys() == wanted and len(wanted) == 4

    def diff(n: int, pixels) -> float:
        own = np.asarray(Image.open(io.BytesIO(draft.frame_png(n / draft.fps))), dtype=np.int16)
        assert own.shape == pixels.shape
        return float(np.abs(own - pixels).mean())

    for n, pixels in decoded.items():
        assert diff(n, pixels) < 3.0, n  # only the encoder's loss
        assert min(diff(n - 1, pixels), diff(n + 1, pixels)) > 5.0, n  # not a frame off


def test_draft_encoded_later_is_the_same_file(books):
    inp, draft = books
    later = make_draft(inp, fonts_for(inp), encode=False)
    assert not later.encoded
    assert later.frame_png(5.0) == draft.frame_png(5.0)
    results = []
    threads = [threading.Thread(target=lambda: results.append(later.mp4)) for _ in range(2)]
    for t in threads:
        t.start()
    # the scrubber's frames come while the draft encodes, and are the same
    for t in (0.3, 2.0, 3.3, 7.5, 12.9):
        assert later.frame_png(t) == draft.frame_png(t)
    for t in threads:
        t.join()
    assert later.encoded
    assert results[0] is results[1]
    assert later.mp4 == draft.mp4


def test_full_render_reports_progress_and_writes_the_clip(books, tmp_path):
    inp, draft = books
    seen: list[dict] = []
    job = FullRender(inp, fonts_for(inp), tmp_path / "cache", on_progress=seen.append).start()
    assert job.wait(120)
    status = job.status()
    assert status["state"] == "done" and status["error"] is None, status["error"]
    total = round(draft.duration * draft.fps)
    assert status["done"] == status["total"] == total
    assert seen[0]["state"] == "running" and seen[-1]["state"] == "done"
    assert all(s["state"] == "running" for s in seen[:-1])
    done = [s["done"] for s in seen]
    assert done == sorted(done) and done[-1] == total
    assert len(seen) >= 3  # progress while encoding, not only start and end
    assert job.file_name == "sample-bumi-manusia.tiktok.mp4"
    assert status["path"] == job.path and sorted(p.name for p in job.path.parent.iterdir()) == [
        job.path.name]
    report = probe(job.path)
    assert (report.video.width, report.video.height) == inp.format.size
    assert report.video.codec == "h264" and report.video.frame_count == total
    assert report.errors == []
    assert job.cancel() is False  # too late: it is done


def test_cancel_stops_and_leaves_no_file(books, tmp_path):
    inp, _ = books
    seen: list[dict] = []
    folder = tmp_path / "cache"
    job: FullRender

    def on_progress(status):
        seen.append(status)
        if status["done"] >= 10:
            job.cancel()

    job = FullRender(inp, fonts_for(inp), folder, on_progress=on_progress)
    job.start()
    assert job.wait(120)
    status = job.status()
    assert status["state"] == "cancelled" and status["error"] is None and status["path"] is None
    assert status["done"] < status["total"]
    assert seen[-1]["state"] == "cancelled"
    assert list(folder.iterdir()) == []  # neither the clip nor a partial file


@pytest.fixture
def broken_reel(tmp_path):
    """A copy of new-books-reel whose layout breaks on a given line:
    ``breaker(find, replace)`` returns (template folder, line number)."""
    folder = tmp_path / "my-reel"
    shutil.copytree(ROOT / "templates" / "new-books-reel", folder)
    layout = folder / "layout.xml.j2"
    text = layout.read_text(encoding="utf-8")

    def breaker(find: str, replace: str) -> tuple[Path, int]:
        lines = text.split("\n")
        n = next(i for i, line in enumerate(lines) if find in line)
        lines[n] = lines[n].replace(find, replace)
        layout.write_text("\n".join(lines), encoding="utf-8")
        return folder, n + 1

    return breaker


def test_template_error_names_its_line(broken_reel, tmp_path):
    folder, line = broken_reel("{{ parts.main }}</text>", "{{ parts.main.shout() }}</text>")
    inp, library = sample_input(folder)
    with pytest.raises(TemplateError) as caught:
        make_draft(inp, library)
    where = caught.value.location
    assert Path(where.file) == folder / "layout.xml.j2" and where.line == line
    assert "shout" in caught.value.message
    # the full render reports the same error and writes nothing
    job = FullRender(inp, library, tmp_path / "cache").start()
    assert job.wait(60)
    assert job.state == "error"
    assert isinstance(job.error, LibmediaError) and job.error.location.line == line
    assert list((tmp_path / "cache").glob("*")) == []


def test_markup_error_names_the_elements_line(broken_reel):
    folder, line = broken_reel('enter="slide-up" enter-delay="0.6"', 'enter="slide-upp" enter-delay="0.6"')
    inp, library = sample_input(folder)
    with pytest.raises(ProblemList) as caught:
        make_draft(inp, library, encode=False)
    # the <text> starts on the line before its enter= attribute
    lines = {(Path(d.location.file).name, d.location.line) for d in caught.value.diagnostics}
    assert lines == {("layout.xml.j2", line - 1)}
    assert "slide-upp" in caught.value.diagnostics[0].message


def _mean_diff(a: bytes, b: bytes) -> float:
    x = np.asarray(Image.open(io.BytesIO(a)), dtype=np.int16)
    y = np.asarray(Image.open(io.BytesIO(b)), dtype=np.int16)
    return float(np.abs(x - y).mean())
