"""Render every shipped template's own sample, for the brand kit and language tests.

The templates are found by listing ``templates/`` (each folder with a
``template.toml``), so a template added there is tested without editing the
tests.  An image or carousel template is rendered through the whole image
pipeline (:func:`libmedia.render.render`: layout, lint, drawing, the
drawn-page lint); a video template is laid out, linted and drawn scene by
scene as a clip is (:func:`libmedia.motion.clip.make_clip`), without encoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from libmedia.brand import Brand
from libmedia.errors import Diagnostic
from libmedia.formats import get_format
from libmedia.render import RenderInput, fonts_for, render, sample_records
from libmedia.templating import Template, load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
BRANDS = Path(__file__).resolve().parent / "brands"


def template_dirs() -> list[Path]:
    """Every template folder shipped in ``templates/``, sorted by name."""
    return sorted(p for p in TEMPLATES.iterdir() if (p / "template.toml").is_file())


def template_formats() -> list[tuple[str, str]]:
    """``(template name, format name)`` for every format of every template."""
    return [(d.name, f) for d in template_dirs() for f in load_template(d).formats]


@dataclass
class Sample:
    """A template's sample rendered in one format: its ``caption``, ``alt``
    text, the layout ``markup`` (of the first page or the whole video) and
    every ``warnings`` the pipeline reported."""

    template: Template
    caption: str
    alt: str
    markup: str
    warnings: list[Diagnostic]


def render_sample(name: str, fmt_name: str, brand: Brand) -> Sample:
    """Render template ``name``'s own sample record(s) in format ``fmt_name``
    with ``brand`` (whose language the texts are written in)."""
    template = load_template(TEMPLATES / name)
    records = sample_records(template)[: template.records.high]
    inp = RenderInput(template, records, get_format(fmt_name), brand, search_dirs=[template.path])
    library = fonts_for(inp)
    if template.kind == "video":
        from libmedia.motion.clip import ClipOptions, make_clip

        clip = make_clip(inp, library, ClipOptions(silent=True))
        return Sample(template, clip.caption, clip.alt, clip.video.markup, list(clip.warnings))
    done = render(inp, library, kind=template.kind)
    return Sample(template, done.caption, done.alt, done.markup, list(done.warnings))
