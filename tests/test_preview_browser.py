"""`libmedia preview` in a real browser: Debian's chromium driven by Playwright.

The server is the real command (``python -m libmedia preview FOLDER --port 0
--no-browser``) started on a copy of a bundled template in a temporary folder,
with the sample week's data and brand kit copied beside it, exactly as a
library's social-media officer would start it.  The page is then used as they
would: the gallery, a template's view, a search for a title, editing the copied
``layout.xml.j2`` (the picture changes by itself), breaking it (the error shows
with its line and the last good picture stays), fixing it, and a reel's draft
playing.

Screenshots of each step go to tests/artifacts/preview/ (not committed): look
at them.  The test is skipped when /usr/bin/chromium or Playwright is missing,
unless LIBMEDIA_REQUIRE_BROWSER=1 (CI sets it), when it fails instead.
"""

from __future__ import annotations

import io
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts" / "preview"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: What the command prints once it listens (cli.py, ``preview``).
ADDRESS = re.compile(r"libmedia preview: (http://127\.0\.0\.1:\d+/)")
#: A laptop's screen, the size the page is meant to be readable at.
VIEWPORT = {"width": 1440, "height": 900}

#: The large picture of the template view (first page).
MAIN_IMG = "#main .render-area figure.page[data-page='0'] img.render"
MAIN_FIGURE = "#main .render-area figure.page[data-page='0']"


def _browser_or_skip():
    """playwright.sync_api, or skip (fail under LIBMEDIA_REQUIRE_BROWSER=1)."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (Debian package 'chromium')")
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
        missing.append("the Python package playwright (pip install -e '.[test]')")
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if os.environ.get("LIBMEDIA_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (LIBMEDIA_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return sync_api


class PreviewServer:
    """``libmedia preview`` as a subprocess; ``url`` once it listens.
    ``stop()`` sends Ctrl-C (SIGINT) and waits for the process to end."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.output: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "libmedia", "preview", *args, "--port", "0", "--no-browser"],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.output.append(line)
                lines.put(line)
            lines.put(None)

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 60
        self.url = ""
        while not self.url:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise AssertionError("libmedia preview did not print its address:\n"
                                     + "".join(self.output))
            m = ADDRESS.search(line)
            if m:
                self.url = m.group(1)

    def stop(self) -> int | None:
        """Ctrl-C the server; returns its exit code (None if it had to be killed)."""
        code: int | None = self.proc.poll()
        if code is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                code = self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                code = None
        self._reader.join(timeout=5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return code


@pytest.fixture(scope="module")
def browser() -> Iterator:
    sync_api = _browser_or_skip()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page_of(browser, request):
    """Open pages at the laptop size; JavaScript errors on the page fail the test.
    Each page's last state is saved as tests/artifacts/preview/last-TEST.png."""
    contexts, errors, pages = [], [], []

    def new_page():
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        pg = context.new_page()
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.set_default_timeout(30_000)
        if os.environ.get("LIBMEDIA_TRACE_REQUESTS"):
            pg.on("request", lambda r: print(f"{time.monotonic() - _T0[0]:6.2f} >", r.url[22:]))
            pg.on("requestfinished", lambda r: print(f"{time.monotonic() - _T0[0]:6.2f} <", r.url[22:]))
        pages.append(pg)
        return pg

    yield new_page
    for i, pg in enumerate(pages):
        pg.screenshot(path=str(ARTIFACTS / f"last-{request.node.name}-{i}.png"))
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _copy_project(tmp_path: Path, template: str) -> Path:
    """A template folder of one's own and the sample week's data and brand kit."""
    shutil.copytree(ROOT / "templates" / template, tmp_path / template)
    data = tmp_path / "data"
    data.mkdir()
    for name in ("koleksi-baru.csv", "libmedia.toml", "logo.png"):
        shutil.copy2(ROOT / "samples" / name, data / name)
    shutil.copytree(ROOT / "samples" / "covers", data / "covers")
    return tmp_path / template


#: When the test started (time.monotonic()), for the step times it prints (pytest -s).
_T0 = [time.monotonic()]


def _mark(name: str) -> None:
    print(f"{time.monotonic() - _T0[0]:6.2f} s  {name}")


def _shot(pg, name: str, **kwargs) -> Path:
    """Screenshot the page into tests/artifacts/preview/NAME.png."""
    _mark(name)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), **kwargs)
    return path


def _pixels(png: bytes):
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def _mean_difference(a: bytes, b: bytes) -> float:
    pa, pb = _pixels(a), _pixels(b)
    assert pa.shape == pb.shape, f"the picture changed size: {pa.shape} -> {pb.shape}"
    return float(abs(pa - pb).mean())


def _save(path: Path, text: str) -> None:
    """Save as an editor does: write the whole file, then replace it."""
    tmp = path.with_name(path.name + ".saving")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _wait_new_render(pg, old: str, timeout: float = 20_000) -> str:
    """Wait until the large picture shows a render other than ``old`` (loaded, not pending)."""
    pg.wait_for_function(
        """([selector, old]) => {
             const img = document.querySelector(selector);
             return img && img.dataset.render && img.dataset.render !== old
                    && !img.dataset.pending && img.complete && img.naturalWidth > 0;
           }""", arg=[MAIN_IMG, old], timeout=timeout)
    return pg.locator(MAIN_IMG).get_attribute("data-render")


def test_template_view_follows_edits_and_errors(tmp_path, page_of):
    """Gallery, template view, search, live edit, a template error with its line, the fix."""
    _T0[0] = time.monotonic()
    folder = _copy_project(tmp_path, "new-book")
    server = PreviewServer([str(folder), "--data", "data/koleksi-baru.csv",
                            "--brand", "data/libmedia.toml"], cwd=tmp_path)
    timings: list[str] = []
    try:
        pg = page_of()
        # 1. the gallery: every template, the copy's thumbnails load
        pg.goto(server.url + "#/")
        card = pg.locator(".card[data-template='new-book']")
        card.scroll_into_view_if_needed()
        thumbs = card.locator(".thumb img")
        assert thumbs.count() == 4  # instagram-portrait, -square, -story, tiktok-photo
        pg.wait_for_function(
            """() => [...document.querySelectorAll(".card[data-template='new-book'] .thumb img")]
                      .every((img) => img.getAttribute("src").startsWith("/thumb/new-book/")
                                      && img.complete && img.naturalWidth > 1)""", timeout=40_000)
        for i in range(thumbs.count()):
            assert thumbs.nth(i).get_attribute("alt"), "a thumbnail without alt text"
            assert thumbs.nth(i).evaluate("img => Math.max(img.naturalWidth, img.naturalHeight)") <= 360
        assert pg.locator("#brand-name").inner_text() == "Perpustakaan Kota Samudra"
        assert "koleksi-baru.csv" in pg.locator("#data-file").inner_text()
        pg.wait_for_selector("#conn[data-state='live']")
        # every format of every card shows, its label whole, inside the card (they wrap)
        cut = pg.evaluate("""() => [...document.querySelectorAll('.card')].flatMap((card) => {
            const c = card.getBoundingClientRect();
            return [...card.querySelectorAll('.thumb')].filter((f) => {
              const r = f.getBoundingClientRect(), cap = f.querySelector('figcaption');
              return r.right > c.right + 0.5 || r.left < c.left - 0.5
                     || cap.scrollWidth > cap.clientWidth + 1;
            }).map((f) => card.dataset.template + ': ' + f.innerText.replace(/\\n/g, ' '));
          })""")
        assert not cut, f"formats cut off in the gallery: {cut}"
        grid = pg.locator(".card[data-template='new-books-grid']")
        assert grid.locator(".thumb").count() == 5
        grid.screenshot(path=str(ARTIFACTS / "01b-gallery-card-5-formats.png"))
        _shot(pg, "01-gallery")

        # 2. open it with the keyboard: the template view shows a render
        card.locator("a.card-link").focus()
        pg.keyboard.press("Enter")
        pg.wait_for_url(re.compile(r"#/t/new-book"))
        first = _wait_new_render(pg, "")
        assert pg.locator(MAIN_FIGURE).get_attribute("data-state") == "ok"
        # with --data the view opens on the data's first post (Row 2), not the sample
        assert pg.locator("#post-select").input_value() == "1"
        assert pg.locator(".post-count").inner_text().startswith("2 of ")
        assert "Laskar Pelangi" in pg.locator(".caption-text").inner_text()
        # the status says which post and when it was drawn, not an internal counter
        status = pg.locator(".render-status").inner_text()
        assert re.search(r"instagram-portrait, Row 2 · updated \d\d:\d\d:\d\d$", status), status
        assert pg.locator(MAIN_IMG).get_attribute("alt"), "the render has no alt text"
        # every format side by side
        pg.wait_for_function("""() => [...document.querySelectorAll('.strip-item img')]
                                  .every((img) => img.complete && img.naturalWidth > 0)""")
        assert pg.locator(".strip-item").count() == 4
        _shot(pg, "02-template-view")

        # the post picker: a search by title, then Enter shows that post
        posts = pg.locator("#post-select option").count()
        assert posts > 10  # the sample and the week's 22 books
        pg.fill("#post-search", "bumi manusia")
        pg.wait_for_function("() => document.querySelector('.post-count').textContent.startsWith('1 match ')")
        # the list offers the match (and the post shown, marked as not in the search)
        assert "Bumi Manusia" in pg.locator("#post-select").inner_text()
        pg.press("#post-search", "Enter")
        bumi = _wait_new_render(pg, first)
        _mark("searched")
        assert "Bumi Manusia" in pg.locator(".caption-text").inner_text()
        assert "/new-book/instagram-portrait/" in pg.url
        # the arrow keys walk the posts (out of the search box)
        pg.fill("#post-search", "")
        pg.wait_for_function(f"() => document.querySelectorAll('#post-select option').length === {posts}")
        pg.locator("h1").first.focus()
        # until the new post's render arrives, the texts of the one before are marked
        pg.evaluate("""() => {
            window.__outdated = [];
            new MutationObserver(() => {
              if (document.querySelector('.side').classList.contains('outdated'))
                window.__outdated.push(document.querySelector('.caption-text').textContent);
            }).observe(document.querySelector('.side'), {attributes: true});
          }""")
        pg.keyboard.press("ArrowLeft")
        before_bumi = _wait_new_render(pg, bumi)
        _mark("arrow left")
        seen = pg.evaluate("window.__outdated")
        assert seen and "Bumi Manusia" in seen[0], "the old post's texts were not marked"
        assert pg.locator(".side.outdated").count() == 0
        assert pg.locator(".pages.outdated").count() == 0
        assert "Bumi Manusia" not in pg.locator(".caption-text").inner_text()
        pg.keyboard.press("ArrowRight")
        _wait_new_render(pg, before_bumi)
        assert "Bumi Manusia" in pg.locator(".caption-text").inner_text()

        # the safe zones of a format with a band the app covers, and a diagnostic outlined
        current = pg.locator(MAIN_IMG).get_attribute("data-render")
        pg.locator(".format-btn[data-format='tiktok-photo']").click()
        tiktok = _wait_new_render(pg, current)
        _mark("tiktok")
        pg.check("#toggle-safe")
        bands = pg.locator(f"{MAIN_FIGURE} .safe-overlay .band")
        assert bands.count() == 4
        assert bands.first.is_visible()
        box = pg.locator(MAIN_IMG).bounding_box()
        top = pg.locator(f"{MAIN_FIGURE} .band-top").bounding_box()
        assert box and top
        # TikTok's top band is 150 of 1920 px: drawn at the displayed scale
        assert abs(top["height"] - box["height"] * 150 / 1920) < 2
        _shot(pg, "03-safe-zones")
        pg.uncheck("#toggle-safe")
        pg.check("#toggle-boxes")
        assert pg.locator(f"{MAIN_FIGURE} .boxes-overlay .lbox").count() > 3
        # labels say "line N"; only big boxes carry one, and no two of them overlap
        labels = pg.evaluate(f"""() => [...document.querySelectorAll(
            "{MAIN_FIGURE} .boxes-overlay .lbox.labelled .lbox-label")].map((l) => {{
              const r = l.getBoundingClientRect();
              return [l.textContent, r.left, r.top, r.right, r.bottom]; }})""")
        assert 2 <= len(labels) < pg.locator(f"{MAIN_FIGURE} .boxes-overlay .lbox").count()
        assert all(re.fullmatch(r"[a-z]+( · line \d+)?", t) for t, *_ in labels), labels
        for i, (ta, l1, t1, r1, b1) in enumerate(labels):
            for tb, l2, t2, r2, b2 in labels[i + 1:]:
                assert min(r1, r2) - max(l1, l2) <= 0.5 or min(b1, b2) - max(t1, t2) <= 0.5, (ta, tb)
        _shot(pg, "04-layout-boxes")
        pg.uncheck("#toggle-boxes")
        pg.locator(".format-btn[data-format='instagram-portrait']").click()
        shown = _wait_new_render(pg, tiktok)

        # 3. edit the copied template: the picture changes by itself, no reload
        pg.evaluate("window.__sameDocument = true")
        layout = folder / "layout.xml.j2"
        original = layout.read_text(encoding="utf-8")
        assert '<canvas background="{{ c.paper }}">' in original
        before_png = pg.locator(MAIN_IMG).screenshot()
        edited = original.replace('<canvas background="{{ c.paper }}">',
                                  '<canvas background="#e4007c">', 1)
        saved = time.monotonic()
        _save(layout, edited)
        after_edit = _wait_new_render(pg, shown)
        timings.append(f"edit -> new picture on the page: {time.monotonic() - saved:.2f} s")
        assert pg.evaluate("window.__sameDocument") is True, "the page reloaded"
        assert pg.locator(MAIN_FIGURE).get_attribute("data-state") == "ok"
        edited_png = pg.locator(MAIN_IMG).screenshot()
        difference = _mean_difference(before_png, edited_png)
        assert difference > 5, f"the picture hardly changed (mean difference {difference:.2f})"
        # the other formats were re-rendered too
        pg.wait_for_function("""() => [...document.querySelectorAll('.strip-item img')]
                                  .every((img) => img.complete && !img.dataset.pending)""")
        _shot(pg, "05-edited")

        # 4. break it: a Jinja syntax error on line 6; the error shows with that line,
        #    the last good picture stays beside it
        lines = edited.split("\n")
        broken = "\n".join(lines[:5] + ["{% set oops = %}"] + lines[5:])
        saved = time.monotonic()
        _save(layout, broken)
        error = pg.locator(".render-area .render-error .error-box")
        error.wait_for(state="visible", timeout=20_000)
        timings.append(f"broken template -> error on the page: {time.monotonic() - saved:.2f} s")
        where = error.locator(".error-where").inner_text()
        assert re.search(r"layout\.xml\.j2:6\b", where), where
        assert error.locator(".error-message").inner_text().strip()
        assert pg.locator(MAIN_FIGURE).get_attribute("data-state") == "last-good"
        assert pg.locator(f"{MAIN_FIGURE} .last-good-badge").is_visible()
        assert pg.locator(MAIN_IMG).get_attribute("data-render") == after_edit
        assert pg.locator(MAIN_IMG).is_visible()
        assert pg.evaluate("window.__sameDocument") is True
        _shot(pg, "06-template-error")

        # 5. fix it: the render shows again, the error goes
        saved = time.monotonic()
        _save(layout, edited)
        pg.wait_for_selector(f"{MAIN_FIGURE}[data-state='ok']", timeout=20_000)
        assert pg.locator(".render-area .render-error").is_hidden()
        timings.append(f"fixed template -> picture again: {time.monotonic() - saved:.2f} s")
        fixed_png = pg.locator(MAIN_IMG).screenshot()
        assert _mean_difference(edited_png, fixed_png) < 1.0
        assert pg.evaluate("window.__sameDocument") is True
        _shot(pg, "07-fixed")

        # 6. the pink canvas makes the small grey text hard to read: the low-contrast
        #    diagnostic is listed, and pointing at it outlines its box on the picture
        diag = pg.locator(".diagnostics .diag[data-code='low-contrast']:not([data-box=''])").first
        diag.wait_for()
        x, y, w, h = (float(v) for v in diag.get_attribute("data-box").split(","))
        diag.hover()
        outline = pg.locator(f"{MAIN_FIGURE} .diag-overlay .dbox")
        outline.wait_for(state="visible")
        img, drawn = pg.locator(MAIN_IMG).bounding_box(), outline.bounding_box()
        assert img and drawn
        scale = img["width"] / 1080
        assert abs(drawn["x"] - (img["x"] + x * scale)) < 2
        assert abs(drawn["y"] - (img["y"] + y * scale)) < 2
        assert abs(drawn["width"] - w * scale) < 2 and abs(drawn["height"] - h * scale) < 2
        _shot(pg, "08-diagnostic-outlined")
        pg.mouse.move(0, 0)
        outline.wait_for(state="detached")

        # 7. the data file goes away while the post is shown (an editor's delete and
        #    re-create): the page says why and keeps the last picture; when the file is
        #    back, the post shows again by itself, no reload
        shown = pg.locator(MAIN_IMG).get_attribute("data-render")
        data = tmp_path / "data" / "koleksi-baru.csv"
        away = tmp_path / "koleksi-baru.csv.away"
        data.rename(away)
        problem = pg.locator(".render-area .render-error .error-box")
        problem.wait_for(state="visible", timeout=20_000)
        assert problem.locator(".error-message").inner_text().strip()
        assert pg.locator(MAIN_FIGURE).get_attribute("data-state") == "last-good"
        assert pg.locator(MAIN_IMG).is_visible()
        assert pg.locator(MAIN_IMG).get_attribute("data-render") == shown
        pg.wait_for_function("() => !document.querySelector('#main').classList.contains('busy')")
        _shot(pg, "09-data-gone")
        away.rename(data)
        pg.wait_for_selector(f"{MAIN_FIGURE}[data-state='ok']", timeout=20_000)
        assert pg.locator(".render-area .render-error").is_hidden()
        assert "Bumi Manusia" in pg.locator(".caption-text").inner_text()
        pg.wait_for_function("""() => !document.querySelector('#main').classList.contains('busy')
            && ![...document.querySelectorAll('.strip-item')].some((b) => b.matches('.updating, .failed'))""")
        assert pg.evaluate("window.__sameDocument") is True
        _shot(pg, "10-data-back")

        # 8. a list the server cut (it lists at most so many posts): the counter tells
        #    of every post, and Next from the last one listed goes on, not to the sample
        def cut_list(route):
            answer = route.fetch().json()
            if "q" not in route.request.url.split("?", 1)[-1]:
                answer["posts"] = answer["posts"][:5]
            route.fulfill(json=answer)

        pg.route("**/api/posts/**", cut_list)
        pg.evaluate("async () => { const v = window.libmediaPreview.view; await v.loadPosts(); v.showPicker(); }")
        pg.evaluate("location.hash = '#/t/new-book/instagram-portrait/4'")
        _wait_new_render(pg, pg.locator(MAIN_IMG).get_attribute("data-render"))
        count = pg.locator(".post-count").inner_text()
        assert count.startswith("5 of 23"), count
        assert "first 5 listed; search by title" in count, count
        pg.locator("h1").first.focus()
        pg.keyboard.press("ArrowRight")
        pg.wait_for_url(re.compile(r"#/t/new-book/instagram-portrait/5$"))
        pg.wait_for_function("() => document.querySelector('.post-count').textContent.startsWith('6 of 23')")
        pg.unroute("**/api/posts/**")

        # 9. two mistakes in the brand kit: the header tells each, with where and how to fix
        kit = tmp_path / "data" / "libmedia.toml"
        good_kit = kit.read_text(encoding="utf-8")
        assert 'language = "id"' in good_kit and "title_case" not in good_kit
        _save(kit, good_kit.replace('language = "id"', 'language = "xx"\ntitle_case = "no"', 1))
        banner = pg.locator("#brand-error")
        banner.wait_for(state="visible", timeout=20_000)
        text = banner.inner_text()
        assert "no post can be made until it is fixed" in text, text
        assert "title_case = 'no'" in text, text
        assert "'xx'" in text, text  # every problem of the kit, the first one too
        further = banner.locator(".error-more li")
        assert further.count() >= 2
        assert re.search(r"libmedia\.toml:\d+", further.first.locator(".error-where").inner_text())
        assert further.first.locator(".error-hint").inner_text().startswith("How to fix: ")
        _shot(pg, "11-brand-kit-errors")
        _save(kit, good_kit)
        banner.wait_for(state="hidden", timeout=20_000)
    finally:
        code = server.stop()
        (ARTIFACTS / "timings-template.txt").write_text("\n".join(timings) + "\n", encoding="utf-8")
    assert code is not None, "libmedia preview did not stop on Ctrl-C:\n" + "".join(server.output)
    assert code == 0, f"libmedia preview exited with {code}:\n" + "".join(server.output)


def test_reel_draft_plays(tmp_path, page_of):
    """A reel's view: the draft plays in a <video>, the scrubber has its scene marks."""
    _T0[0] = time.monotonic()
    folder = _copy_project(tmp_path, "new-books-reel")
    server = PreviewServer([str(folder)], cwd=tmp_path)
    try:
        pg = page_of()
        pg.goto(server.url + "#/t/new-books-reel")
        video = pg.locator("#main video.draft")
        video.wait_for(state="attached")
        api = pg.evaluate("""async () => {
            const r = await fetch('/api/video/new-books-reel/tiktok/0');
            return await r.json();
        }""")
        assert api.get("ok") is True, api
        pg.wait_for_function("() => document.querySelector('#main video.draft').readyState >= 1",
                             timeout=40_000)
        duration = video.evaluate("v => v.duration")
        assert abs(duration - api["duration"]) < 0.2, (duration, api["duration"])
        # scene boundaries on the scrubber, one per scene after the first
        starts = [s["start"] for s in api["scenes"] if s["start"] > 0]
        assert pg.locator(".scrub-track .mark").count() == len(starts) > 0
        # it plays: readyState >= 2 and time advances
        video.evaluate("v => { v.muted = true; return v.play(); }")
        pg.wait_for_function("() => document.querySelector('#main video.draft').currentTime > 0.5",
                             timeout=20_000)
        assert video.evaluate("v => v.readyState") >= 2
        _shot(pg, "09-reel-playing")
        # the scrubber shows the frame at the chosen time
        video.evaluate("v => v.pause()")
        t = round(api["scenes"][1]["start"] + 0.5, 2) if len(api["scenes"]) > 1 else 1.0
        pg.locator("#scrubber").evaluate(
            "(s, t) => { s.value = String(t); s.dispatchEvent(new Event('input')); }", t)
        pg.wait_for_function(
            """(t) => { const img = document.querySelector('#main img.frame');
                        return img && img.complete && img.naturalWidth > 0
                               && !img.dataset.pending && img.src.includes('t=' + t.toFixed(3)); }""",
            arg=t, timeout=20_000)
        _shot(pg, "10-reel-frame")
        # a scene's button shows that scene: it jumps past the scene's incoming transition
        into = next(i for i, sc in enumerate(api["scenes"]) if sc.get("transition_duration", 0) > 0)
        scene = api["scenes"][into]
        pg.locator(".scenes button").nth(into).click()
        at = float(pg.locator("#scrubber").input_value())
        assert abs(at - (scene["start"] + scene["transition_duration"])) < 0.01, (at, scene)
        pg.wait_for_function(
            """(t) => { const img = document.querySelector('#main img.frame');
                        return img.complete && !img.dataset.pending && img.src.includes('t=' + t.toFixed(3)); }""",
            arg=at, timeout=20_000)
        pg.locator("#main img.frame").scroll_into_view_if_needed()
        _shot(pg, "10b-reel-scene")
        # the server stops: the page says it lost the connection
        code = server.stop()
        pg.wait_for_selector("#conn[data-state='down']", timeout=10_000)
        _shot(pg, "11-disconnected")
    finally:
        code = server.stop()
    assert code == 0, f"libmedia preview exited with {code}:\n" + "".join(server.output)
