"""Regenerate the template gallery in README.md: one thumbnail per shipped template.

    .venv/bin/python tools/gallery.py            # render, write docs/gallery/, update README.md
    .venv/bin/python tools/gallery.py --check    # exit 1 when the gallery is out of date

Each template in ``templates/`` is rendered from its own sample data with the
default brand kit, in its first (default) format, through the ``libmedia
render`` command a user would run.  A video template shows its cover frame
(the ``.cover.jpg`` written beside the clip); a carousel shows its first two
slides side by side.  Thumbnails are 360 px wide JPEGs in ``docs/gallery/``.

``docs/gallery/sources.json`` records a SHA-256 of every file of each
template folder, of ``libmedia/`` and of ``fonts/`` at the time the gallery
was made; ``--check`` (and the test suite) recompute it, so a template
changed without regenerating the gallery is noticed.  The table between the
``<!-- gallery:start -->`` and ``<!-- gallery:end -->`` markers of
README.md is rewritten from the same list.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
GALLERY = ROOT / "docs" / "gallery"
README = ROOT / "README.md"
START, END = "<!-- gallery:start -->", "<!-- gallery:end -->"
THUMB_WIDTH = 360
COLUMNS = 3


def templates() -> list[tuple[str, dict]]:
    """``(name, template.toml)`` of every template folder, sorted by name."""
    out = []
    for folder in sorted(TEMPLATES.iterdir()):
        meta = folder / "template.toml"
        if meta.is_file():
            out.append((folder.name, tomllib.loads(meta.read_text(encoding="utf-8"))))
    return out


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(ROOT)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def sources() -> dict[str, str]:
    """What the gallery was made from: a SHA-256 per template folder.

    Only the template folders count: a change to libmedia's drawing code that
    moves a few pixels does not make the gallery wrong, a changed template
    (layout, sample data, assets, texts) does."""
    return {name: _digest(list((TEMPLATES / name).rglob("*"))) for name, _ in templates()}


def _render(name: str, meta: dict, work: Path) -> list[Path]:
    fmt = meta["formats"][0]
    kind = meta.get("kind", "image")
    python = sys.executable
    if kind == "video":
        out = work / f"{name}.mp4"
        cmd = [python, "-m", "libmedia", "render", name, "--format", fmt, "--draft", "--no-music",
               "-o", str(out)]
    else:
        out = work / f"{name}.png"
        cmd = [python, "-m", "libmedia", "render", name, "--format", fmt, "-o", str(out)]
    done = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    if kind == "video":
        return [work / f"{name}.cover.jpg"]
    pages = sorted(work.glob(f"{name}.*.png")) or [out]
    return pages[:2] if kind == "carousel" else [out]


def _thumbnail(pages: list[Path], target: Path) -> None:
    from PIL import Image

    images = [Image.open(p).convert("RGB") for p in pages]
    gap = 12 if len(images) > 1 else 0
    each = (THUMB_WIDTH - gap * (len(images) - 1)) // len(images)
    scaled = [im.resize((each, round(im.height * each / im.width)), Image.Resampling.LANCZOS)
              for im in images]
    height = max(im.height for im in scaled)
    sheet = Image.new("RGB", (THUMB_WIDTH, height), "white")
    x = 0
    for im in scaled:
        sheet.paste(im, (x, 0))
        x += im.width + gap
    sheet.save(target, "JPEG", quality=82, optimize=True, progressive=False)


def table(entries: list[tuple[str, dict]]) -> str:
    """The README table: thumbnails, COLUMNS per row, each with its name and formats."""
    cells = []
    for name, meta in entries:
        formats = ", ".join(meta.get("formats", []))
        cells.append(f'<td align="center" valign="top"><img src="docs/gallery/{name}.jpg" '
                     f'width="{THUMB_WIDTH * 2 // 3}" alt="{meta.get("title", name)}"><br>'
                     f"<code>{name}</code><br><sub>{formats}</sub></td>")
    rows = ["<tr>" + "".join(cells[i:i + COLUMNS]) + "</tr>" for i in range(0, len(cells), COLUMNS)]
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def readme_with(table_html: str) -> str:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table_html}\n{END}{tail}"


def _recorded() -> dict[str, str]:
    """What ``docs/gallery/sources.json`` says each thumbnail was made from."""
    index = GALLERY / "sources.json"
    return json.loads(index.read_text(encoding="utf-8")) if index.is_file() else {}


def stale() -> list[str]:
    """What is out of date, in words; [] when the gallery is current."""
    problems = []
    entries = templates()
    recorded = _recorded()
    now = sources()
    for name, _ in entries:
        if not (GALLERY / f"{name}.jpg").is_file():
            problems.append(f"{name}: no thumbnail")
        elif recorded.get(name) != now[name]:
            problems.append(f"{name}: the template changed since its thumbnail was made")
    for extra in sorted(set(recorded) - set(now)):
        problems.append(f"{extra}: thumbnail of a template that no longer exists")
    if README.read_text(encoding="utf-8") != readme_with(table(entries)):
        problems.append("README.md: the gallery table does not list the templates as they are")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the gallery is current")
    parser.add_argument("only", nargs="*", help="re-render only these templates")
    args = parser.parse_args()
    if args.check:
        problems = stale()
        for p in problems:
            print(p)
        if problems:
            print("run: .venv/bin/python tools/gallery.py")
        return 1 if problems else 0
    GALLERY.mkdir(parents=True, exist_ok=True)
    entries = templates()
    recorded = _recorded()
    index = GALLERY / "sources.json"
    now = sources()
    for name, meta in entries:
        if args.only and name not in args.only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            _thumbnail(_render(name, meta, Path(tmp)), GALLERY / f"{name}.jpg")
        recorded[name] = now[name]
        print(f"{name}: docs/gallery/{name}.jpg")
    for gone in set(recorded) - set(now):
        recorded.pop(gone)
        (GALLERY / f"{gone}.jpg").unlink(missing_ok=True)
    index.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    README.write_text(readme_with(table(entries)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
