"""Font resolution, coverage and loading.

A *family* name ("Plus Jakarta Sans", "Inter") resolves first among the fonts
libmedia ships in ``fonts/`` (catalogued in ``fonts/fonts.toml``), then among
the system's fonts.  An unknown family is a :class:`FontError` that names it
and every place searched: never Pillow's default bitmap font (case C03).

Loaded fonts are Pillow ``FreeTypeFont`` objects with the Raqm layout engine
(HarfBuzz shaping, FriBiDi bidi) when Pillow has it.  Variable fonts are set
to the requested weight (``wght`` axis, CSS weights 100-900) and optical size
(``opsz``, see :func:`optical_size`).

Coverage (which code points a face has) comes from the font's ``cmap`` table
read with fontTools, once per file.
"""

from __future__ import annotations

import os
import sys
import threading
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

from ..errors import FontError, Location

#: Folder of the fonts libmedia ships.
BUNDLED_FONTS = Path(__file__).resolve().parents[2] / "fonts"

#: Where system fonts are looked for, in order (Linux, macOS, Windows).
SYSTEM_FONT_DIRS = [
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts",
]

#: Width in typographic points of the phone screen a 1080 px post is seen on
#: (iPhone logical width, 390 pt).  Used to pick a variable font's optical size.
VIEWING_WIDTH_PT = 390.0
CANVAS_REFERENCE_PX = 1080.0


def raqm_available() -> bool:
    """True when Pillow can shape text with Raqm (HarfBuzz + FriBiDi).

    Without it Arabic is drawn disconnected and combining marks misplaced;
    the CLI says so at start-up.  On Debian, ``apt-get install libfribidi0``
    provides the FriBiDi library that Pillow's wheels load at run time.
    """
    return bool(features.check("raqm"))


def layout_engine() -> ImageFont.Layout:
    return ImageFont.Layout.RAQM if raqm_available() else ImageFont.Layout.BASIC


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


@dataclass(frozen=True)
class Face:
    """One font file of a family, upright or italic.

    ``path``         the font file;
    ``family``       the family name as catalogued;
    ``italic``       whether this is the italic face;
    ``weights``      (min, max) of the ``wght`` axis for a variable font, or
                     None for a static face;
    ``bold_path``    a separate bold file of a static family, if any;
    ``bitmap_size``  for bitmap colour fonts (Noto Color Emoji: CBDT strikes at
                     109 px), the only pixel size the font can be loaded at.
    """

    path: Path
    family: str
    italic: bool = False
    weights: tuple[int, int] | None = None
    bold_path: Path | None = None
    bitmap_size: int | None = None

    @property
    def is_color(self) -> bool:
        return self.bitmap_size is not None

    def file_for(self, weight: int) -> Path:
        """The file to load for a CSS weight (100-900)."""
        if self.weights is None and self.bold_path is not None and weight >= 600:
            return self.bold_path
        return self.path


def optical_size(size_px: float, canvas_width_px: float = CANVAS_REFERENCE_PX) -> float:
    """Optical size in points for text of ``size_px`` on a canvas ``canvas_width_px`` wide.

    A 1080 px wide post is seen about 390 pt wide on a phone, so 1 px is about
    0.36 pt: a 72 px title reads like 26 pt, a 32 px caption like 11.5 pt.
    Variable fonts with an ``opsz`` axis (Inter, Literata) then draw small
    text sturdier and large text finer, as their designers intended.
    """
    return size_px * VIEWING_WIDTH_PT / canvas_width_px


class FontLibrary:
    """Resolves family names to :class:`Face` objects and loads sized fonts.

    ``bundled_dir`` holds ``fonts.toml`` and the files it names;
    ``extra_dirs`` (a template's or brand kit's own fonts) are searched
    before it.  Thread-safe: caches are guarded by a lock.
    """

    def __init__(self, bundled_dir: Path = BUNDLED_FONTS, extra_dirs: tuple[Path, ...] = ()):
        self.bundled_dir = Path(bundled_dir)
        self.extra_dirs = tuple(Path(d) for d in extra_dirs)
        self._lock = threading.RLock()
        self._families: dict[str, dict[bool, Face]] = {}
        self._fallback: list[str] = []
        self._system_index: dict[str, dict[bool, Face]] | None = None
        self._font_tables: dict[Path, tuple[frozenset[int], tuple[float, float]]] = {}
        self._load_catalogue()
        for d in self.extra_dirs:
            self._index_dir(d, self._families)

    # -- catalogue ---------------------------------------------------------

    def _load_catalogue(self) -> None:
        cat_path = self.bundled_dir / "fonts.toml"
        if not cat_path.is_file():
            raise FontError(
                f"the font catalogue {cat_path} is missing",
                hint="reinstall libmedia from its source folder, which ships fonts/",
            )
        with open(cat_path, "rb") as fh:
            cat = tomllib.load(fh)
        for family, spec in cat.get("families", {}).items():
            weights = tuple(spec["weights"]) if "weights" in spec else None
            bold = self.bundled_dir / spec["bold"] if "bold" in spec else None
            faces = {
                False: Face(
                    self.bundled_dir / spec["upright"], family, False, weights, bold,
                    spec.get("bitmap_size"),
                )
            }
            if "italic" in spec:
                faces[True] = Face(self.bundled_dir / spec["italic"], family, True, weights)
            self._families[_key(family)] = faces
        self._fallback = list(cat.get("fallback", {}).get("chain", []))

    def _index_dir(self, folder: Path, into: dict[str, dict[bool, Face]]) -> None:
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in (".ttf", ".otf", ".ttc"):
                continue
            try:
                font = ImageFont.truetype(str(path), 12)
                family, style = font.getname()
            except OSError:
                continue
            if not family:
                continue
            style = (style or "").lower()
            italic = "italic" in style or "oblique" in style
            faces = into.setdefault(_key(family), {})
            bold = "bold" in style
            current = faces.get(italic)
            if current is None or (not bold and "regular" in style):
                bold_path = current.path if current is not None and bold is False else None
                faces[italic] = Face(path, family, italic, None, bold_path)
            elif bold and current.bold_path is None:
                faces[italic] = Face(current.path, current.family, italic, None, path)

    def _system(self) -> dict[str, dict[bool, Face]]:
        with self._lock:
            if self._system_index is None:
                index: dict[str, dict[bool, Face]] = {}
                for d in SYSTEM_FONT_DIRS:
                    self._index_dir(d, index)
                self._system_index = index
            return self._system_index

    def families(self) -> list[str]:
        """The bundled (and extra) family names."""
        return sorted({f.family for faces in self._families.values() for f in faces.values()})

    @property
    def fallback_chain(self) -> list[str]:
        """Family names tried, in order, for characters a family lacks."""
        return list(self._fallback)

    def face(self, family: str, italic: bool = False, where: Location | None = None) -> Face:
        """The :class:`Face` of ``family`` (upright or italic).

        Raises :class:`FontError` naming the family and every folder searched
        when it is neither bundled nor installed.  A family without an italic
        face gives its upright face (drawn upright, never slanted by libmedia).
        """
        k = _key(family)
        faces = self._families.get(k) or self._system().get(k)
        if not faces:
            searched = [str(self.bundled_dir)] + [str(d) for d in self.extra_dirs]
            searched += [str(d) for d in SYSTEM_FONT_DIRS if d.is_dir()]
            raise FontError(
                f"unknown font family '{family}'",
                where,
                hint=(
                    "searched " + ", ".join(searched) + ". Bundled families: "
                    + ", ".join(self.families())
                    + ". Use one of those, or put the font's .ttf/.otf file in the "
                    "template's or brand kit's fonts/ folder."
                ),
            )
        return faces.get(italic) or faces[False]

    # -- coverage ----------------------------------------------------------

    def coverage(self, face: Face) -> frozenset[int]:
        """The set of Unicode code points ``face`` maps to glyphs (its cmap)."""
        return self._tables(face)[0]

    def covers(self, face: Face, text: str) -> bool:
        """Whether ``face`` has a glyph for every character of ``text``
        (default-ignorable characters such as ZWJ and variation selectors
        need no glyph)."""
        cov = self.coverage(face)
        return all(ord(ch) in cov or _ignorable(ch) for ch in text)

    def vertical_metrics(self, face: Face) -> tuple[float, float]:
        """(ascent, descent) of ``face`` in ems, both positive: the larger of the
        ``hhea`` line metrics and the OS/2 ``usWinAscent``/``usWinDescent``
        clipping metrics, which the OpenType specification defines to enclose
        every glyph's outline.  Line boxes built from these contain the ink of
        accented capitals and descenders (case C01)."""
        return self._tables(face)[1]

    def _tables(self, face: Face) -> tuple[frozenset[int], tuple[float, float]]:
        with self._lock:
            tables = self._font_tables.get(face.path)
            if tables is None:
                tables = _read_tables(face.path)
                self._font_tables[face.path] = tables
            return tables

    # -- loading -----------------------------------------------------------

    def font(self, face: Face, size_px: float, weight: int = 400) -> ImageFont.FreeTypeFont:
        """A Pillow font for ``face`` at ``size_px`` pixels and CSS ``weight``.

        Sizes are rounded to 1/64 px (FreeType's 26.6 fixed point).  Bitmap
        colour fonts are loaded at their only strike size, whatever
        ``size_px`` is; the caller scales their glyphs.
        """
        size = face.bitmap_size or round(size_px * 64) / 64
        return _load_font(str(face.file_for(weight)), size, int(weight), face.weights is not None)


_IGNORABLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x034F}


def _ignorable(ch: str) -> bool:
    cp = ord(ch)
    return cp in _IGNORABLE or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or (
        0xE0020 <= cp <= 0xE007F
    )


def _read_tables(path: Path) -> tuple[frozenset[int], tuple[float, float]]:
    """The code points a font file maps (its best cmap) and its vertical
    metrics in ems (see :meth:`FontLibrary.vertical_metrics`), read with
    fontTools without loading glyph outlines."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as tt:
            coverage = frozenset(tt.getBestCmap() or {})
            upm = tt["head"].unitsPerEm
            hhea = tt["hhea"]
            ascent, descent = hhea.ascent, -hhea.descent
            if "OS/2" in tt:
                os2 = tt["OS/2"]
                ascent = max(ascent, os2.usWinAscent)
                descent = max(descent, os2.usWinDescent)
            return coverage, (ascent / upm, descent / upm)
    except Exception as exc:  # a broken or unsupported file
        raise FontError(f"cannot read the font file {path}: {exc}") from exc


@lru_cache(maxsize=256)
def _load_font(path: str, size: float, weight: int, variable: bool) -> ImageFont.FreeTypeFont:
    try:
        if size == int(size):
            size = int(size)
        font = ImageFont.truetype(path, size, layout_engine=layout_engine())
    except OSError as exc:
        raise FontError(f"cannot load the font file {path}: {exc}") from exc
    if variable:
        axes = font.get_variation_axes()
        values = []
        for axis in axes:
            name = axis["name"]
            name = name.decode() if isinstance(name, bytes) else str(name)
            lo, hi = axis["minimum"], axis["maximum"]
            if name.lower() == "weight":
                v = weight
            elif name.lower() in ("optical size", "optical_size", "opticalsize"):
                v = optical_size(size)
            else:
                v = axis["default"]
            values.append(min(max(v, lo), hi))
        font.set_variation_by_axes(values)
    return font


def default_library() -> FontLibrary:
    """The process-wide :class:`FontLibrary` over the bundled fonts."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = FontLibrary()
    return _DEFAULT


_DEFAULT: FontLibrary | None = None
_DEFAULT_LOCK = threading.Lock()

if sys.platform == "win32":  # pragma: no cover - libmedia's CI is Linux
    SYSTEM_FONT_DIRS.append(Path.home() / "AppData/Local/Microsoft/Windows/Fonts")
