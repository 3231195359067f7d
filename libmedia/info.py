"""What libmedia has to offer, as rows for ``libmedia templates``, ``formats`` and ``fonts``.

Each function returns plain data (lists of dataclasses); the CLI lays them
out as tables.  Nothing here prints.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .formats import FORMATS
from .templating import list_templates
from .typography.fonts import BUNDLED_FONTS, raqm_available


@dataclass(frozen=True)
class TemplateInfo:
    """One row of ``libmedia templates``.

    ``fields`` are (name, required) pairs in the template's order;
    ``slides`` how many images a carousel's post makes (``"2-20"``, counting
    its intro and outro slides), ``""`` for other kinds.
    """

    name: str
    kind: str
    formats: list[str]
    records: str
    fields: list[tuple[str, bool]]
    description: str
    path: Path
    slides: str = ""


def template_infos() -> list[TemplateInfo]:
    """Every bundled template, sorted by name.  Raises the
    :class:`TemplateError` of a broken template."""
    return [
        TemplateInfo(t.name, t.kind, list(t.formats), t.records,
                     [(f.name, f.required) for f in t.fields.values()], t.description, t.path,
                     _slides(t))
        for t in list_templates()
    ]


def _slides(template) -> str:
    """``"2-20"``: the images a carousel template's post makes; ``""`` otherwise."""
    if template.kind != "carousel":
        return ""
    low, high = template.slide_count(template.records.low), template.slide_count(template.records.high)
    return str(low) if low == high else f"{low}-{high}"


@dataclass(frozen=True)
class FormatInfo:
    """One row of ``libmedia formats``: size in px, aspect ratio, where the numbers come from."""

    name: str
    width: int
    height: int
    aspect: str
    platform: str
    label: str
    source: str
    safe: tuple[int, int, int, int]


def format_infos() -> list[FormatInfo]:
    """Every output format, in the order of :data:`libmedia.formats.FORMATS`."""
    return [FormatInfo(f.name, f.width, f.height, f.aspect, f.platform,
                       f.label, f.source, f.safe)
            for f in FORMATS.values()]


@dataclass(frozen=True)
class FontInfo:
    """One bundled family: its role, licence file, source and files present."""

    family: str
    role: str
    licence: str
    source: str
    files: list[str]
    installed: bool


@dataclass(frozen=True)
class FontsReport:
    """Bundled families, the fallback chain (family names in order) and
    whether Raqm shaping (HarfBuzz + FriBiDi) is available."""

    families: list[FontInfo]
    fallback: list[str]
    raqm: bool
    folder: Path


def fonts_report(folder: Path = BUNDLED_FONTS) -> FontsReport:
    """Read ``fonts/fonts.toml``.  ``installed`` is False for a family whose
    files are missing from the folder."""
    with open(folder / "fonts.toml", "rb") as fh:
        cat = tomllib.load(fh)
    families = []
    for name, spec in cat.get("families", {}).items():
        files = [spec[k] for k in ("upright", "italic", "bold") if k in spec]
        files += list(spec.get("extra_weights", {}).values())
        families.append(FontInfo(name, str(spec.get("role", "")), str(spec.get("licence", "")),
                                 str(spec.get("source", "")), files,
                                 all((folder / f).is_file() for f in files)))
    chain = list(cat.get("fallback", {}).get("chain", []))
    return FontsReport(families, chain, raqm_available(), folder)
