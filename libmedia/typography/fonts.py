"""Font resolution, coverage and loading.

A *family* name ("Plus Jakarta Sans", "Kota Sans") resolves, in order:

1. in the extra folders a library is built with: a brand kit's ``fonts/``
   folder (beside its ``libmedia.toml``), then a template's ``fonts/``
   (see :func:`library_for`);
2. among the fonts libmedia ships in ``fonts/`` (catalogued in
   ``fonts/fonts.toml``);
3. among the installed fonts (:func:`system_font_dirs`: ``/usr/share/fonts``,
   ``~/.local/share/fonts``, ...).

The first place that has the family provides all of it.  An unknown family
is a :class:`FontError` that names it and every place searched: never
Pillow's default bitmap font (case C03).

Folders are indexed with fontTools (:func:`read_faces`): every face of a
``.ttc``/``.otc`` collection, family and style from the typographic names
(name IDs 16/17, else 1/2), weight from OS/2 ``usWeightClass`` (a variable
font's ``wght`` axis range), italic from ``fsSelection``/``macStyle``.  A
static family picks the face nearest the wanted weight by the CSS font
matching rule (:func:`nearest_weight`), so 500 is Medium and 800 ExtraBold
when those files exist (case C36).

Loaded fonts are Pillow ``FreeTypeFont`` objects with the Raqm layout engine
(HarfBuzz shaping, FriBiDi bidi) when Pillow has it.  Variable fonts are set
to the requested weight (``wght`` axis, CSS weights 100-900) and optical size
(``opsz``, see :func:`optical_size`).

Coverage (which code points a face has) comes from the font's ``cmap`` table
read with fontTools, once per face.

A face too light for the weight asked (a fallback with one Regular weight
inside an 800-weight title) is emboldened when drawn
(:meth:`Face.emboldening`), so a heavy title stays heavy in every script.
"""

from __future__ import annotations

import os
import sys
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

from ..errors import FontError, Location

#: Folder of the fonts libmedia ships.
BUNDLED_FONTS = Path(__file__).resolve().parents[2] / "fonts"

#: File name endings of the font files libmedia indexes in a folder.
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

#: Width in typographic points of the phone screen a 1080 px post is seen on
#: (iPhone logical width, 390 pt).  Used to pick a variable font's optical size.
VIEWING_WIDTH_PT = 390.0
CANVAS_REFERENCE_PX = 1080.0

#: Synthetic bold: the outline is stroked on each side by this many ems per
#: 100 units of CSS weight the face lacks.  Calibrated on Noto Sans CJK: its
#: Bold has 1.55 times the ink of its Regular on a Japanese title at 72 px,
#: and Droid Sans Fallback (Regular only) stroked by 0.021 em (1.5 px at
#: 72 px) for 700 has 1.54 times its own.
SYNTHETIC_BOLD_EM_PER_100 = 0.007
#: A face is emboldened only when it lacks at least this much weight (so a
#: 800 title over a static Bold, 700, is drawn in that Bold as it is; a 600
#: or heavier one over a Regular-only face is emboldened).
SYNTHETIC_BOLD_MIN_GAP = 200


def system_font_dirs() -> list[Path]:
    """Where installed fonts are looked for, in order (Linux, macOS, Windows).

    Evaluated at each call, so a changed ``$HOME`` is seen: the per-user
    folders are ``~/.local/share/fonts`` and ``~/.fonts`` (fontconfig's
    defaults), ``~/Library/Fonts`` on macOS.
    """
    home = Path(os.environ.get("HOME") or Path.home())
    dirs = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library/Fonts",
        Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts",
    ]
    if sys.platform == "win32":  # pragma: no cover - libmedia's CI is Linux
        dirs.append(home / "AppData/Local/Microsoft/Windows/Fonts")
    return dirs


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
class FontFile:
    """One face of a font file, as :func:`read_faces` finds it.

    ``path``     the file; ``index`` the face's number inside a ``.ttc``/``.otc``
                 collection (0 for a single-font file), passed to Pillow's
                 ``ImageFont.truetype(index=...)``;
    ``family``   typographic family name (name ID 16, else 1);
    ``style``    typographic subfamily name (name ID 17, else 2), e.g. "Medium";
    ``weight``   OS/2 ``usWeightClass`` (CSS 1-1000); for a variable font the
                 default instance's;
    ``weights``  (min, max) of a variable font's ``wght`` axis, or None;
    ``italic``   from OS/2 ``fsSelection`` (italic or oblique bit) or the
                 ``head`` table's ``macStyle`` italic bit;
    ``stamp``    the file's modification time in ns when indexed (0 for the
                 bundled fonts), part of every cache key of a loaded font, so
                 a file replaced under the same name is loaded again.
    """

    path: Path
    index: int = 0
    family: str = ""
    style: str = ""
    weight: int = 400
    weights: tuple[int, int] | None = None
    italic: bool = False
    stamp: int = 0

    @property
    def weight_range(self) -> tuple[int, int]:
        return self.weights or (self.weight, self.weight)


@dataclass(frozen=True)
class Face:
    """A family's upright or italic style: one or more :class:`FontFile` faces
    (a variable font, or a static family's weights).

    ``path``/``index``  the face used for coverage and vertical metrics: the
                     one matched for weight 400;
    ``family``       the family name as catalogued or indexed;
    ``italic``       whether this is the italic style;
    ``weights``      (min, max) of the ``wght`` axis when ``path`` is a
                     variable font, or None;
    ``bitmap_size``  for bitmap colour fonts (Noto Color Emoji: CBDT strikes at
                     109 px), the only pixel size the font can be loaded at;
    ``members``      every face of the style, by weight.
    """

    path: Path
    family: str
    italic: bool = False
    weights: tuple[int, int] | None = None
    bitmap_size: int | None = None
    index: int = 0
    members: tuple[FontFile, ...] = field(default=(), compare=False)

    @property
    def is_color(self) -> bool:
        return self.bitmap_size is not None

    def member_for(self, weight: int) -> FontFile:
        """The face to load for a CSS ``weight`` (1-1000), by :func:`nearest_weight`."""
        if not self.members:
            return FontFile(self.path, self.index, self.family, "", 400, self.weights, self.italic)
        if len(self.members) == 1:
            return self.members[0]
        return self.members[nearest_weight(weight, [m.weight_range for m in self.members])]

    def emboldening(self, weight: int) -> float:
        """Synthetic bold for CSS ``weight``: how far, in ems, each side of
        the outline is stroked when drawn (0.0 for none).

        Only when the heaviest weight the matched face has
        (:meth:`member_for`; a variable font's ``wght`` maximum) is at least
        :data:`SYNTHETIC_BOLD_MIN_GAP` lighter than ``weight``:
        :data:`SYNTHETIC_BOLD_EM_PER_100` ems per 100 units missing, so
        Droid Sans Fallback (400 only) at 800 is stroked by 0.028 em.  Colour
        (bitmap) fonts are never emboldened.  This is what browsers do for a
        family without a bold face (CSS Fonts 4, ``font-synthesis-weight``);
        painting strokes the glyphs (Pillow's FreeType stroker) and measuring
        adds the stroke to widths and line metrics (see
        :meth:`libmedia.typography.measure.Measurer.embolden`).
        """
        if self.is_color:
            return 0.0
        gap = weight - self.member_for(weight).weight_range[1]
        if gap < SYNTHETIC_BOLD_MIN_GAP:
            return 0.0
        return gap / 100 * SYNTHETIC_BOLD_EM_PER_100

    def file_for(self, weight: int) -> Path:
        """The file to load for a CSS weight (see :meth:`member_for`)."""
        return self.member_for(weight).path


def nearest_weight(desired: float, available: Sequence[tuple[int, int]]) -> int:
    """Index in ``available`` (weight ranges ``(lo, hi)``; a static face is
    ``(w, w)``) of the face CSS would use for ``desired``.

    CSS Fonts Level 4, section 5.2 (font matching), step for ``font-weight``:
    a range containing the weight wins; otherwise, for a desired weight from
    400 to 500 the faces up to 500 are tried in ascending order, then the
    lighter ones in descending order, then those above 500 ascending; below
    400 lighter faces first (descending), then heavier (ascending); above
    500 heavier first (ascending), then lighter (descending).  So with
    ExtraLight..ExtraBold files 500 gives Medium and 800 ExtraBold; with only
    Regular and Bold, 500 gives Regular and 600 Bold.

    Raises ValueError when ``available`` is empty.
    """
    if not available:
        raise ValueError("no faces to choose from")
    for i, (lo, hi) in enumerate(available):
        if lo <= desired <= hi:
            return i
    above = sorted((lo, i) for i, (lo, _) in enumerate(available) if lo > desired)
    below = sorted(((hi, i) for i, (_, hi) in enumerate(available) if hi < desired), reverse=True)
    if 400 <= desired <= 500:
        upto = [c for c in above if c[0] <= 500]
        beyond = [c for c in above if c[0] > 500]
        order = upto + below + beyond
    elif desired < 400:
        order = below + above
    else:
        order = above + below
    return order[0][1]


def optical_size(size_px: float, canvas_width_px: float = CANVAS_REFERENCE_PX) -> float:
    """Optical size in points for text of ``size_px`` on a canvas ``canvas_width_px`` wide.

    A 1080 px wide post is seen about 390 pt wide on a phone, so 1 px is about
    0.36 pt: a 72 px title reads like 26 pt, a 32 px caption like 11.5 pt.
    Variable fonts with an ``opsz`` axis (Inter, Literata) then draw small
    text sturdier and large text finer, as their designers intended.
    """
    return size_px * VIEWING_WIDTH_PT / canvas_width_px


# ---------------------------------------------------------------------------
# indexing font files and folders


def read_faces(path: Path) -> list[FontFile]:
    """Every face of the font file ``path`` (one, or each face of a
    ``.ttc``/``.otc`` collection), read with fontTools without loading
    outlines.  A file fontTools cannot read gives no faces (a folder may hold
    a broken or non-font file; it is skipped, not fatal)."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        stamp = path.stat().st_mtime_ns
        # The file is opened here, not by fontTools, so it is closed even when
        # fontTools refuses it (a TTFont that fails in its constructor leaks
        # the file it opened).
        with open(path, "rb") as fh:
            collection = fh.read(4) == b"ttcf"
            fh.seek(0)
            if collection:
                ttc = TTCollection(fh, lazy=True)
                return [f for i, tt in enumerate(ttc.fonts)
                        if (f := _face_info(path, i, tt, stamp))]
            f = _face_info(path, 0, TTFont(fh, lazy=True), stamp)
            return [f] if f else []
    except Exception:  # noqa: BLE001 - not a font fontTools can read
        return []


def _face_info(path: Path, index: int, tt, stamp: int = 0) -> FontFile | None:
    if "name" not in tt:
        return None
    names = tt["name"]
    family = names.getDebugName(16) or names.getDebugName(1)
    style = names.getDebugName(17) or names.getDebugName(2) or ""
    if not family:
        return None
    weight, italic = 400, "italic" in style.lower() or "oblique" in style.lower()
    if "OS/2" in tt:
        os2 = tt["OS/2"]
        weight = int(os2.usWeightClass or 400)
        if weight < 10:  # a few old fonts use the 1-9 scale
            weight *= 100
        italic = italic or bool(os2.fsSelection & (1 | 1 << 9))
    if "head" in tt:
        italic = italic or bool(tt["head"].macStyle & 2)
    weights = None
    if "fvar" in tt:
        for axis in tt["fvar"].axes:
            if axis.axisTag == "wght":
                weights = (round(axis.minValue), round(axis.maxValue))
    return FontFile(path, index, family, style, max(1, min(1000, weight)), weights, italic,
                    stamp)


#: A folder's faces grouped by family: family key -> {italic: [faces]}.
FamilyIndex = dict[str, dict[bool, list[FontFile]]]


def folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What a folder's font index depends on: (relative path, size, mtime in
    ns) of every font file under it, sorted.  Empty for a missing folder."""
    out: list[tuple[str, int, int]] = []
    stack = [(str(folder), "")]
    while stack:
        path, rel = stack.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for e in entries:
            name = f"{rel}{e.name}"
            try:
                if e.is_dir():
                    stack.append((e.path, name + "/"))
                elif e.name.lower().endswith(FONT_SUFFIXES):
                    st = e.stat()
                    out.append((name, st.st_size, st.st_mtime_ns))
            except OSError:
                continue
    return tuple(sorted(out))


def index_folder(folder: Path, signature: tuple | None = None) -> FamilyIndex:
    """Every face of every font file under ``folder`` (recursively, in path
    order), grouped by family.  Cached by folder and
    :func:`folder_signature`, so a font added, replaced or removed is seen on
    the next call; :func:`forget_folder` drops a folder's entry."""
    folder = Path(folder).resolve()
    sig = folder_signature(folder) if signature is None else signature
    with _INDEX_LOCK:
        hit = _FOLDER_INDEX.get(folder)
        if hit is not None and hit[0] == sig:
            return hit[1]
    index: FamilyIndex = {}
    for rel, _, _ in sig:
        for face in read_faces(folder / rel):
            styles = index.setdefault(_key(face.family), {})
            styles.setdefault(face.italic, []).append(face)
    with _INDEX_LOCK:
        _FOLDER_INDEX[folder] = (sig, index)
    return index


def forget_folder(folder: Path) -> None:
    """Drop the cached font indexes of ``folder`` and of the folders under
    it, the libraries built over them, and the installed-fonts index when
    ``folder`` is or holds one of :func:`system_font_dirs`.  For a preview
    that watches a brand kit's or template's ``fonts/`` folder."""
    folder = Path(folder).resolve()

    def inside(p: Path) -> bool:
        return p == folder or folder in p.parents or p in folder.parents

    with _INDEX_LOCK:
        for k in [k for k in _FOLDER_INDEX if inside(k)]:
            del _FOLDER_INDEX[k]
        for k in [k for k in _LIBRARIES if any(inside(Path(d)) for d in k[0])]:
            del _LIBRARIES[k]
        for k in [k for k in _SYSTEM_INDEX if any(inside(Path(d).resolve()) for d in k)]:
            del _SYSTEM_INDEX[k]
        for k in [k for k in _SYSTEM_FACES if any(inside(Path(d).resolve()) for d in k[0])]:
            del _SYSTEM_FACES[k]
    _load_font.cache_clear()


def _faces_from(styles: dict[bool, list[FontFile]], family: str | None = None) -> dict[bool, Face]:
    out = {}
    for italic, members in styles.items():
        # one face per weight: the first file in path order wins a duplicate
        seen: dict[tuple[int, int], FontFile] = {}
        for m in members:
            seen.setdefault(m.weight_range, m)
        ordered = tuple(sorted(seen.values(), key=lambda m: m.weight_range))
        primary = ordered[nearest_weight(400, [m.weight_range for m in ordered])]
        out[italic] = Face(primary.path, family or primary.family, italic, primary.weights,
                           None, primary.index, ordered)
    return out


_INDEX_LOCK = threading.RLock()
_FOLDER_INDEX: dict[Path, tuple[tuple, FamilyIndex]] = {}
_SYSTEM_INDEX: dict[tuple[str, ...], FamilyIndex] = {}
_SYSTEM_FACES: dict[tuple[tuple[str, ...], str], dict[bool, Face] | None] = {}


def _system_faces(k: str) -> dict[bool, Face] | None:
    """The installed family of key ``k`` (see :func:`_key`), or None."""
    dirs = tuple(str(d) for d in system_font_dirs())
    with _INDEX_LOCK:
        if (dirs, k) in _SYSTEM_FACES:
            return _SYSTEM_FACES[(dirs, k)]
    styles = _system_index(dirs).get(k)
    faces = _faces_from(styles) if styles else None
    with _INDEX_LOCK:
        _SYSTEM_FACES[(dirs, k)] = faces
    return faces


def _system_index(dirs: tuple[str, ...]) -> FamilyIndex:
    """The installed fonts in ``dirs``, indexed once per set of folders (per
    ``$HOME``) for the life of the process; :func:`forget_folder` on one of
    them indexes them again."""
    with _INDEX_LOCK:
        hit = _SYSTEM_INDEX.get(dirs)
    if hit is not None:
        return hit
    merged: FamilyIndex = {}
    for d in dirs:
        if not Path(d).is_dir():
            continue
        for k, styles in index_folder(Path(d)).items():
            if k not in merged:  # the first folder that has a family provides it
                merged[k] = styles
    with _INDEX_LOCK:
        _SYSTEM_INDEX[dirs] = merged
    return merged


# ---------------------------------------------------------------------------
# the library


class FontLibrary:
    """Resolves family names to :class:`Face` objects and loads sized fonts.

    ``bundled_dir`` holds ``fonts.toml`` and the files it names;
    ``extra_dirs`` (a brand kit's and a template's own ``fonts/`` folders) are
    searched before it, in order, then the installed fonts.  Thread-safe:
    caches are guarded by a lock.

    Raises :class:`FontError` when ``fonts.toml`` is missing.
    """

    def __init__(self, bundled_dir: Path = BUNDLED_FONTS, extra_dirs: Iterable[Path] = ()):
        self.bundled_dir = Path(bundled_dir)
        self.extra_dirs = tuple(Path(d) for d in extra_dirs)
        self._lock = threading.RLock()
        self._families: dict[str, dict[bool, Face]] = {}
        self._extra: list[dict[str, dict[bool, Face]]] = []
        self._fallback: list[str] = []
        self._font_tables: dict[tuple[Path, int], tuple[frozenset[int], tuple[float, float]]] = {}
        self._load_catalogue()
        for d in self.extra_dirs:
            index = index_folder(d)
            self._extra.append({k: _faces_from(styles) for k, styles in index.items()})

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
            upright = self.bundled_dir / spec["upright"]
            members = [FontFile(upright, 0, family, "Regular", 400, weights, False)]
            if "bold" in spec:
                members.append(FontFile(self.bundled_dir / spec["bold"], 0, family, "Bold", 700))
            for w, file in spec.get("extra_weights", {}).items():
                members.append(FontFile(self.bundled_dir / file, 0, family, str(w), int(w)))
            faces = {False: Face(upright, family, False, weights, spec.get("bitmap_size"), 0,
                                 tuple(members))}
            if "italic" in spec:
                italic = self.bundled_dir / spec["italic"]
                faces[True] = Face(italic, family, True, weights, None, 0,
                                   (FontFile(italic, 0, family, "Italic", 400, weights, True),))
            self._families[_key(family)] = faces
        self._fallback = list(cat.get("fallback", {}).get("chain", []))

    def families(self) -> list[str]:
        """The bundled (and extra) family names."""
        found = {f.family for faces in self._families.values() for f in faces.values()}
        found |= {f.family for ex in self._extra for faces in ex.values() for f in faces.values()}
        return sorted(found)

    @property
    def fallback_chain(self) -> list[str]:
        """Family names tried, in order, for characters a family lacks."""
        return list(self._fallback)

    def _lookup(self, k: str) -> dict[bool, Face] | None:
        for ex in self._extra:
            if k in ex:
                return ex[k]
        if k in self._families:
            return self._families[k]
        return _system_faces(k)

    def face(self, family: str, italic: bool = False, where: Location | None = None) -> Face:
        """The :class:`Face` of ``family`` (upright or italic).

        Raises :class:`FontError` naming the family and every folder searched
        when it is in none of the extra folders, not bundled and not
        installed.  A family without an italic face gives its upright face
        (drawn upright, never slanted by libmedia), one with only italic
        faces its italic.
        """
        faces = self._lookup(_key(family))
        if not faces:
            searched = [str(d) for d in self.extra_dirs] + [str(self.bundled_dir)]
            searched += [str(d) for d in system_font_dirs() if d.is_dir()]
            raise FontError(
                f"unknown font family '{family}'",
                where,
                hint=(
                    "searched " + ", ".join(searched) + ". Bundled families: "
                    + ", ".join(sorted(f[False].family for f in self._families.values()))
                    + ". Use one of those, or put the font's .ttf/.otf/.ttc files in a "
                    "fonts/ folder beside the brand kit (libmedia.toml) or inside the "
                    "template's folder."
                ),
            )
        return faces.get(italic) or faces.get(False) or faces[True]

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
        key = (face.path, face.index)
        with self._lock:
            tables = self._font_tables.get(key)
            if tables is None:
                tables = _read_tables(face.path, face.index)
                self._font_tables[key] = tables
            return tables

    # -- loading -----------------------------------------------------------

    def font(self, face: Face, size_px: float, weight: int = 400) -> ImageFont.FreeTypeFont:
        """A Pillow font for ``face`` at ``size_px`` pixels and CSS ``weight``:
        the member face nearest the weight (:meth:`Face.member_for`), a
        variable font set to the weight.

        Sizes are rounded to 1/64 px (FreeType's 26.6 fixed point).  Bitmap
        colour fonts are loaded at their only strike size, whatever
        ``size_px`` is; the caller scales their glyphs.
        """
        size = face.bitmap_size or round(size_px * 64) / 64
        member = face.member_for(int(weight))
        return _load_font(str(member.path), size, int(weight), member.weights is not None,
                          member.index, member.stamp)

    def resolve(self, family: str, weight: int = 400, italic: bool = False) -> FontFile:
        """The face drawn for ``family`` at CSS ``weight``: its file, face index
        and weight (for tests, ``libmedia fonts`` and diagnostics).  Raises
        :class:`FontError` like :meth:`face`."""
        return self.face(family, italic).member_for(weight)


#: Default-ignorable code points (Unicode DerivedCoreProperties) that text
#: carries and no font needs a glyph for: zero-width space/joiners, word
#: joiner, BOM, soft hyphen, CGJ, and the bidi controls (ALM, LRM, RLM, the
#: embeddings and overrides U+202A-U+202E, the isolates U+2066-U+2069), which
#: the shaper applies and draws as nothing (case C32).
_IGNORABLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x034F, 0x061C, 0x200E, 0x200F,
              0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def _ignorable(ch: str) -> bool:
    cp = ord(ch)
    return cp in _IGNORABLE or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or (
        0xE0020 <= cp <= 0xE007F
    )


def _read_tables(path: Path, index: int = 0) -> tuple[frozenset[int], tuple[float, float]]:
    """The code points a face maps (its best cmap) and its vertical
    metrics in ems (see :meth:`FontLibrary.vertical_metrics`), read with
    fontTools without loading glyph outlines."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True, fontNumber=index) as tt:
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
def _load_font(path: str, size: float, weight: int, variable: bool,
               index: int = 0, stamp: int = 0) -> ImageFont.FreeTypeFont:
    """Pillow font of face ``index`` of ``path`` (``stamp`` only keys the cache)."""
    try:
        if size == int(size):
            size = int(size)
        font = ImageFont.truetype(path, size, index=index, layout_engine=layout_engine())
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


def library_for(extra_dirs: Iterable[Path | None]) -> FontLibrary:
    """A :class:`FontLibrary` that searches ``extra_dirs`` (e.g. the brand
    kit's ``fonts/``, then the template's) before the bundled fonts.

    Missing folders and None are skipped; with none left this is
    :func:`default_library`.  Libraries are cached (the 16 most recent) by
    the folders and their :func:`folder_signature`, so a font added to or
    removed from a folder is seen by the next render; :func:`forget_folder`
    drops a folder's entries at once.
    """
    dirs = tuple(Path(d).resolve() for d in extra_dirs if d is not None and Path(d).is_dir())
    if not dirs:
        return default_library()
    key = (tuple(str(d) for d in dirs), tuple(folder_signature(d) for d in dirs))
    with _INDEX_LOCK:
        lib = _LIBRARIES.get(key)
        if lib is not None:
            _LIBRARIES.move_to_end(key)
            return lib
    lib = FontLibrary(extra_dirs=dirs)
    with _INDEX_LOCK:
        _LIBRARIES[key] = lib
        while len(_LIBRARIES) > 16:
            _LIBRARIES.popitem(last=False)
    return lib


_DEFAULT: FontLibrary | None = None
_DEFAULT_LOCK = threading.Lock()
_LIBRARIES: OrderedDict[tuple, FontLibrary] = OrderedDict()
