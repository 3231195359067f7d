"""Loading covers, logos and template images safely (the assets stage's files).

:func:`load_image`: find an image named in a record (case-insensitive,
extension optional, Windows paths and ``file://`` URLs accepted, web
addresses refused), open it by content (magic bytes, never the extension),
refuse decompression bombs per record, decode big JPEGs at reduced size,
apply the EXIF orientation, and convert any mode and colour space (CMYK, ICC
profiles, palettes with transparency, 16-bit grey) to sRGB ``RGBA``.  A
truncated or damaged file, a PDF or web page saved as ``.jpg``, a HEIC photo:
every failure is an :class:`~libmedia.errors.ImageError` saying what the file
really is, so the caller can substitute a placeholder and the batch goes on
(cases C15, C16, C17, C18, C24).

A JPEG complete but for its end marker (EOI) is used as it is, without a
warning; one cut off inside its picture data is damaged
(:func:`jpeg_missing_only_eoi` tells them apart from the bytes; Pillow's
global ``LOAD_TRUNCATED_IMAGES`` is never set).  A name that is a folder, a
device or a pipe is refused before anything is opened (a pipe would wait
forever), and a name the operating system refuses (too long) is an
:class:`~libmedia.errors.ImageError` like any other.

:func:`verify_image` does all of it at the smallest scale, for ``libmedia
check``: every byte decoded as a batch decodes it, few pixels kept.
:func:`probe_image` reads a file's header only (format and size), for
preflight checks that must not decode pixels.  Pixel effects are
:mod:`libmedia.raster`.
"""

from __future__ import annotations

import difflib
import io
import math
import os
import re
import stat
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import (
    Image,
    ImageCms,
    ImageOps,
    JpegImagePlugin,
    UnidentifiedImageError,
)

from .errors import Diagnostic, ImageError, Location, display_path
from .filetypes import identify
from .sandbox import inside

__all__ = [
    "IMAGE_EXTENSIONS",
    "LoadedImage",
    "file_kind",
    "jpeg_missing_only_eoi",
    "load_image",
    "probe_image",
    "resolve_image_path",
    "verify_image",
]

#: Extensions tried, in this order, when a requested name has none.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".avif")

#: JPEGs are decoded (DCT scaling, ``Image.draft``) at no less than this many
#: times the size they will be drawn at, so later resampling still has detail.
DRAFT_MARGIN = 2

#: EXIF tag "Orientation" (TIFF/EXIF 2.3, tag 0x0112); values 5-8 swap axes.
EXIF_ORIENTATION = 0x0112

_URL_RE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)")


@dataclass
class LoadedImage:
    """An image ready to draw.

    ``image``          mode ``RGBA``, sRGB, EXIF orientation applied; possibly
                       reduced (JPEG draft, integer reduce) when ``target_size``
                       was given, never below ``DRAFT_MARGIN`` x that size;
    ``path``           the file actually opened (after case-insensitive lookup);
    ``original_size``  (width, height) in pixels of the file after EXIF
                       orientation, before any reduction: the size to judge
                       upscaling against (:mod:`libmedia.lint`);
    ``warnings``       problems that did not stop loading (no colour profile...).
    """

    image: Image.Image
    path: Path
    original_size: tuple[int, int]
    warnings: list[Diagnostic] = field(default_factory=list)


def resolve_image_path(src: str, search_dirs: Sequence[Path], *,
                       within: Sequence[Path] | None = None) -> Path:
    """Find the file an image field names.

    ``src`` is an absolute path or a path relative to each of ``search_dirs``
    in order (the current directory when none are given).  When the exact
    name does not exist, each path component is matched case-insensitively
    (``C24_cover_UPPER.JPG`` requested as ``c24_cover_upper.jpg``); when the
    name has no image extension, ``IMAGE_EXTENSIONS`` are tried.  Backslashes
    (Windows paths in a spreadsheet) are tried as separators, and ``file://``
    URLs are accepted.  Among several case-insensitive matches the first in
    sorted order wins, so results are deterministic.

    Only ordinary files are found: a FIFO (which would block the reader), a
    socket or a device file (``/dev/zero``) is never opened as an image.

    ``within`` (for a name a template wrote, not the user's data:
    :class:`libmedia.render.AssetPlaces`) lists the folders the file must
    lie in once every symbolic link is resolved
    (:func:`libmedia.sandbox.inside`); a file found elsewhere is refused
    with an :class:`ImageError` of code ``outside-folders``.

    Raises :class:`ImageError` for an empty name, a web address (libmedia
    downloads only with ``--fetch-covers``, :mod:`libmedia.webcovers`, which
    puts the cached file's path in the record instead) and a missing file (the
    message names what was requested and every folder searched).
    """
    text = str(src).strip()
    if not text:
        raise ImageError(
            "no image file given (the image field is empty)",
            hint="put the cover's file name in the data, or leave the record without a cover",
        )
    if _URL_RE.match(text) and not text.lower().startswith("file://"):
        raise ImageError(
            f"'{text}' is a web address: libmedia does not download covers unless asked "
            "(it works offline so the same data always gives the same images)",
            hint="download the covers into a folder next to the data file (e.g. covers/) "
            "and put the file names in the data, or run with --fetch-covers to fetch them "
            "(kept in a cache, so later runs fetch nothing)",
        )
    if text.lower().startswith("file://"):
        text = unquote(urlsplit(text).path)

    dirs = [Path(d) for d in search_dirs] or [Path.cwd()]
    variants = [text]
    if "\\" in text and os.sep != "\\":
        variants.append(text.replace("\\", "/"))
    for variant in variants:
        p = Path(variant).expanduser()
        if p.is_absolute():
            anchors = [(p.parent, (p.name,))]
        else:
            anchors = [(d, p.parts) for d in dirs]
        for base, parts in anchors:
            found = _find_in(base, parts)
            if found is not None:
                if within is not None and not inside(found, within):
                    raise ImageError(
                        f"'{text}' leads to {os.path.realpath(found)}, outside the folders a "
                        "template may read (its own, the brand kit's and the data's)",
                        hint="a symbolic link may not lead a template out of its folder: copy "
                        "the file in instead of linking to it",
                        code="outside-folders",
                    )
                return found

    p = Path(variants[-1])
    searched = [p.parent] if p.is_absolute() else dirs
    where = ", ".join(
        f"'{display_path(d)}'" + ("" if d.is_dir() else " (no such folder)") for d in searched
    )
    hint = "check the file name in the data (spelling, extension) or copy the image into "
    hint += "that folder" if len(searched) == 1 else "one of those folders"
    suggestion = _close_match(p, searched)
    if suggestion:
        hint = f"did you mean '{suggestion}'? " + hint
    raise ImageError(f"image '{text}' not found; looked in {where}", hint=hint)


def _find_in(base: Path, parts: Sequence[str]) -> Path | None:
    """Walk ``parts`` below ``base``: exact name first, then case-insensitive;
    for the last part also with each of ``IMAGE_EXTENSIONS`` when it has none."""
    if not parts:
        return None
    cur = base
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        names = [part]
        if last and Path(part).suffix.lower() not in IMAGE_EXTENSIONS:
            names += [part + ext for ext in IMAGE_EXTENSIONS]
        nxt = _match_entry(cur, names, want_file=last)
        if nxt is None:
            return None
        cur = nxt
    return cur


def _match_entry(folder: Path, names: Sequence[str], *, want_file: bool) -> Path | None:
    def ok(p: Path) -> bool:
        return p.is_file() if want_file else p.is_dir()

    for name in names:  # exact names first: no directory listing in the common case
        if name in (".", ".."):
            return folder / name
        if ok(folder / name):
            return folder / name
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return None
    for name in names:
        key = name.casefold()
        for entry in entries:
            if entry.casefold() == key and ok(folder / entry):
                return folder / entry
    return None


def _close_match(p: Path, folders: Sequence[Path]) -> str | None:
    for folder in folders:
        target = folder / p.parent if not p.is_absolute() else p.parent
        try:
            entries = sorted(os.listdir(target))
        except OSError:
            continue
        found = difflib.get_close_matches(p.name, entries, n=1, cutoff=0.75)
        if not found:
            lowered = {e.casefold(): e for e in entries}
            found = [
                lowered[m]
                for m in difflib.get_close_matches(
                    p.name.casefold(), list(lowered), n=1, cutoff=0.75
                )
            ]
        if found:
            return found[0]
    return None


def load_image(
    src: str | Path,
    search_dirs: Sequence[Path] = (),
    *,
    target_size: tuple[int, int] | None = None,
) -> LoadedImage:
    """Find, open and normalise one image to sRGB ``RGBA``.

    ``target_size`` is the largest (width, height) in pixels the image will be
    drawn at, when known.  JPEGs are then decoded with DCT scaling
    (``Image.draft``, 1/2, 1/4 or 1/8) to no less than ``DRAFT_MARGIN`` times
    that size, before any pixel is decoded; other formats are box-reduced by
    an integer factor right after decoding.  Without it the image is kept at
    full size.

    Steps: :func:`resolve_image_path`; open by content (the extension is
    ignored); decompression-bomb guard; draft; decode; EXIF orientation (tag
    0x0112, ``ImageOps.exif_transpose``); mode and colour conversion: CMYK and
    RGB/grey with a non-sRGB ICC profile through LittleCMS (relative
    colorimetric with black-point compensation, like Photoshop's default),
    CMYK without a profile with Pillow's formula and a warning; palettes, grey
    and RGB with a transparent colour get a real alpha channel; 16-bit and
    32-bit grey are scaled (not clipped) to 8 bits.

    Decompression bombs: Pillow's guard stays on (``Image.MAX_IMAGE_PIXELS``,
    89,478,485 px by default, is never changed).  Above twice that Pillow
    refuses to open the file; between the limit and twice it a JPEG is decoded
    at 1/2 (or less) so it fits under the limit, and any other format is
    refused.  Both refusals are an :class:`ImageError` naming the file and its
    size in pixels, so one huge file fails its record only.

    Thread safety: Pillow's ``DecompressionBombWarning`` is silenced with
    ``warnings.catch_warnings``, which changes the process-wide warning filters
    (before Python 3.14's context-aware warnings).  Loading in several
    processes is safe; in threads another thread's warnings may be filtered
    or reset while a file opens.  The size check itself does not depend on
    the warning.

    Raises :class:`ImageError` when the file is missing, a URL, not an image
    (the real type is named when recognised: HTML page, PDF, SVG, HEIC...),
    too large, damaged, or in a mode that cannot be converted.
    """
    path = _resolve(src, search_dirs)
    loc = Location(file=display_path(path))
    notes: list[Diagnostic] = []
    with _open(path, loc) as im:
        return _decode(im, path, loc, notes, target_size)


def verify_image(src: str | Path, search_dirs: Sequence[Path] = ()) -> LoadedImage:
    """Everything :func:`load_image` does to ``src``, as cheaply as it can
    be done: for ``libmedia check``, which must find every image a batch
    would find damaged without the batch's cost.

    Every byte is decoded, as in a batch (a file cut off in its last rows
    fails here as it fails there), but a JPEG at 1/8 of its size (DCT
    scaling still reads every coefficient of every scan, it only skips the
    full inverse transform) and any other format reduced right after
    decoding, so the colour conversion and its warnings (CMYK without a
    profile, a damaged profile) run on a few pixels.  The returned
    ``image`` is that reduced picture; ``original_size`` and ``warnings``
    are those :func:`load_image` gives.  Raises :class:`ImageError` exactly
    where :func:`load_image` does.  Measured by ``bench/bench_check_images.py``.
    """
    return load_image(src, search_dirs, target_size=(1, 1))


def _resolve(src: str | Path, search_dirs: Sequence[Path]) -> Path:
    """:func:`resolve_image_path`, with the operating system's refusals
    (a name longer than the file system allows, a NUL byte in it) as the
    :class:`ImageError` they are: the data's value is at fault."""
    try:
        return resolve_image_path(str(src), search_dirs)
    except ImageError as exc:
        # Only a "not found" is reworded: a refusal for another reason
        # (a web address, a path outside the allowed folders) stands.
        special = _not_a_file(str(src), search_dirs) if "not found" in exc.message else None
        if special is None:
            raise
        raise _special_error(special, exc.location) from None
    except (OSError, ValueError) as exc:
        text = str(src).strip()
        shown = text if len(text) <= 80 else text[:60] + "…" + text[-12:]
        why = getattr(exc, "strerror", None) or str(exc)
        return_error = ImageError(
            f"image '{shown}' ({len(text)} characters) cannot be looked up: {why}",
            hint="put the image's file name in the data (a short name such as "
            "covers/9786020332956.jpg), not a description or a pasted text",
        )
        raise return_error from None


def _not_a_file(src: str, search_dirs: Sequence[Path]) -> Path | None:
    """The path ``src`` names when it exists but is no regular file (a
    folder, a device such as ``/dev/zero``, a named pipe), which
    :func:`resolve_image_path` reports as not found; else None."""
    text = src.strip()
    if not text or _URL_RE.match(text):
        return None
    p = Path(text).expanduser()
    for candidate in [p] if p.is_absolute() else [Path(d) / p for d in search_dirs or [Path.cwd()]]:
        try:
            mode = os.stat(candidate).st_mode
        except (OSError, ValueError):
            continue
        if not stat.S_ISREG(mode):
            return candidate
    return None


def _special_error(path: Path, loc: Location | None = None) -> ImageError:
    """The error for an image path that is a folder, a device or a pipe:
    never opened, since reading a pipe or a device can wait forever."""
    try:
        is_dir = path.is_dir()
    except OSError:
        is_dir = False
    what = "a folder" if is_dir else "a device or a pipe, not a file"
    return ImageError(f"'{display_path(path)}' is {what}: no picture can be read from it",
                      loc or Location(file=display_path(path)),
                      hint="put the image file's own name in the data "
                      "(e.g. covers/9786020332956.jpg)")


def _decode(im: Image.Image, path: Path, loc: Location, notes: list[Diagnostic],
            target_size: tuple[int, int] | None) -> LoadedImage:
    """The steps of :func:`load_image` after opening: guard, draft, decode,
    orientation, reduction, colour."""
    w, h = im.size
    limit = Image.MAX_IMAGE_PIXELS
    over = limit is not None and w * h > limit
    is_jpeg = isinstance(im, JpegImagePlugin.JpegImageFile)
    if over and not is_jpeg:
        raise _bomb_error(path, loc, (w, h), None)
    # Only a JPEG's EXIF is read before decoding: Pillow's PNG getexif()
    # decodes the whole image to look for an eXIf chunk after the pixels.
    orientation = _orientation(im) if is_jpeg else 1
    swapped = orientation in (5, 6, 7, 8)
    if is_jpeg:
        want = None
        if target_size is not None:
            tw, th = target_size[::-1] if swapped else target_size
            want = (max(1, tw) * DRAFT_MARGIN, max(1, th) * DRAFT_MARGIN)
        scale = _draft_scale((w, h), want, limit if over else None)
        if scale > 1:
            im.draft(None, (w // scale, h // scale))
        if over and im.size[0] * im.size[1] > limit:  # pragma: no cover - draft refused
            raise _bomb_error(path, loc, (w, h), None)
    try:
        im = _load_pixels(im, path, (w, h), limit if over else None)
    except Image.DecompressionBombError as exc:
        raise _bomb_error(path, loc, (w, h), exc) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageError(
            f"{path.name} is a damaged or incomplete {im.format or 'image'} file ({exc})",
            loc,
            hint="open it in an image editor and save it again as JPEG or PNG, "
            "or download it again",
        ) from None
    if not is_jpeg:
        orientation = _orientation(im)
    original = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
    img: Image.Image = im
    if orientation in range(2, 9):
        img = ImageOps.exif_transpose(img)
    if target_size is not None:
        img = _pre_reduce(img, target_size)
    try:
        img = _to_srgb_rgba(img, path.name, loc, notes, is_jpeg=is_jpeg)
    except (ValueError, OSError) as exc:
        raise ImageError(
            f"{path.name} uses the image mode {im.mode}, which libmedia cannot convert ({exc})",
            loc,
            hint="save it again as an ordinary RGB JPEG or PNG",
        ) from None
    img.info = {}
    return LoadedImage(image=img, path=path, original_size=original, warnings=notes)


#: JPEG's end-of-image marker (ITU-T T.81 | ISO/IEC 10918-1, table B.1: EOI = X'FFD9').
JPEG_EOI = b"\xff\xd9"

#: Start-of-frame markers (T.81 table B.1: SOF0-SOF15 but DHT C4, JPG C8, DAC CC)
#: and the progressive ones among them (SOF2, SOF6, SOF10, SOF14).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA, 0xCE})

#: Bytes appended after the scan data when testing whether a JPEG's scans
#: are complete (:func:`jpeg_missing_only_eoi`): never 0xFF, never all zero
#: bits (libjpeg pads missing data with zero bits itself).
_PROBE_FILL = b"\x5a\xa5\x3c\xc3" * 64


def _load_pixels(im: Image.Image, path: Path, size: tuple[int, int],
                 limit: int | None) -> Image.Image:
    """Decode ``im``'s pixels and return the image that holds them: ``im``
    itself, or, for a JPEG complete but for its end marker
    (:func:`jpeg_missing_only_eoi`), the same file decoded from its bytes
    with the marker added, at the same draft scale.  A batch and
    ``libmedia check`` take this same path, so they agree on which covers
    are usable.  Raises what :meth:`Image.Image.load` raises otherwise."""
    try:
        im.load()
        return im
    except OSError:
        if not isinstance(im, JpegImagePlugin.JpegImageFile):
            raise
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        if not jpeg_missing_only_eoi(data, limit):
            raise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        fixed = Image.open(io.BytesIO(data + JPEG_EOI))
    if fixed.size != im.size:
        fixed.draft(None, im.size)
    fixed.load()
    return fixed


@dataclass
class _JpegLayout:
    """What :func:`_jpeg_scans` read: the frame's ``progressive`` flag, size
    and components (id -> (H, V) sampling factors), each scan's (component
    ids, Ss, Se, Al), the restart interval in force for the last scan (DRI,
    0: none) and how many restart markers that scan holds."""

    progressive: bool
    size: tuple[int, int]
    components: dict[int, tuple[int, int]]
    scans: list[tuple[list[int], int, int, int]]
    restart_interval: int
    last_scan_restarts: int

    def expected_restarts(self) -> int | None:
        """The restart markers a complete last scan holds (T.81 B.2.4.4,
        A.2: one between every ``restart_interval`` MCUs), or None when the
        frame does not say its height."""
        width, height = self.size
        if not self.restart_interval:
            return 0
        if not width or not height or not self.components:
            return None
        hmax = max(h for h, _ in self.components.values())
        vmax = max(v for _, v in self.components.values())
        ids = self.scans[-1][0]
        if len(ids) == 1 and ids[0] in self.components:  # non-interleaved: one block an MCU
            h, v = self.components[ids[0]]
            mcus = math.ceil(math.ceil(width * h / hmax) / 8) * math.ceil(
                math.ceil(height * v / vmax) / 8)
        else:
            mcus = math.ceil(width / (8 * hmax)) * math.ceil(height / (8 * vmax))
        return math.ceil(mcus / self.restart_interval) - 1


def _jpeg_scans(data: bytes) -> _JpegLayout | None:
    """The layout (:class:`_JpegLayout`) of a JPEG whose last scan's
    entropy-coded data runs to the end of ``data`` with no end marker (T.81 B.2: SOI, marker segments
    with their 2-byte lengths, SOS headers each followed by entropy-coded
    data in which 0xFF is followed by 0x00 or a restart marker); None for
    anything else: a file with an EOI, one cut inside a marker segment, or
    not a JPEG at all."""
    n = len(data)
    if not data.startswith(b"\xff\xd8"):
        return None
    i, frame, scans, dri = 2, None, [], 0
    while i < n:
        if data[i] != 0xFF:
            return None
        while i < n and data[i] == 0xFF:  # fill bytes before a marker (T.81 B.1.1.2)
            i += 1
        if i >= n:
            return None
        marker = data[i]
        i += 1
        if marker == 0xD9:
            return None
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # RSTn, TEM: no segment
            continue
        if i + 2 > n:
            return None
        length = int.from_bytes(data[i:i + 2], "big")
        if length < 2 or i + length > n:
            return None
        seg = data[i + 2:i + length]
        i += length
        try:
            if marker in _SOF:
                count = seg[5]
                comps = {seg[6 + 3 * j]: (seg[7 + 3 * j] >> 4, seg[7 + 3 * j] & 0x0F)
                         for j in range(count)}
                size = (int.from_bytes(seg[3:5], "big"), int.from_bytes(seg[1:3], "big"))
                frame = (marker in _PROGRESSIVE, size, comps)
            elif marker == 0xDD:  # DRI: the restart interval in MCUs
                dri = int.from_bytes(seg[0:2], "big")
            elif marker == 0xDA:
                ns = seg[0]
                ids = [seg[1 + 2 * j] for j in range(ns)]
                ss, se, a = seg[1 + 2 * ns], seg[2 + 2 * ns], seg[3 + 2 * ns]
                scans.append((ids, ss, se, a & 0x0F))
                j, restarts = i, 0
                while True:  # the entropy-coded data: to the next real marker
                    j = data.find(b"\xff", j)
                    if j < 0 or j + 1 >= n:
                        i = n
                        break
                    nxt = data[j + 1]
                    if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
                        restarts += 0xD0 <= nxt <= 0xD7
                        j += 1
                        continue
                    i = j
                    break
                if i == n:
                    if frame is None or any(h < 1 or v < 1 for h, v in frame[2].values()):
                        return None
                    return _JpegLayout(frame[0], frame[1], frame[2], scans, dri, restarts)
        except IndexError:  # a segment too short for what it declares
            return None
    return None


def jpeg_missing_only_eoi(data: bytes, limit: int | None = None) -> bool:
    """True when ``data`` is a JPEG whose every scan is complete and only the
    closing EOI marker (0xFFD9) is missing, as some cameras, scanners and
    web apps write them; False for a file cut off inside its image data.

    Pillow's decoder refuses both alike ("image file is truncated"); its
    ``ImageFile.LOAD_TRUNCATED_IMAGES`` would accept both, and is global
    state, so it is left alone.  Instead: the file must end inside the scan
    data of its last scan (not inside a marker segment); the scans must
    cover the whole image (every frame component; for a progressive JPEG
    every coefficient 0-63 of every component down to the last bit, Al = 0,
    T.81 G.1.1.1); with restart markers, the last scan must hold all of them
    (a cut at an interval's end would otherwise look complete); and the picture decoded with the marker appended must be
    the very same when filler bytes come before the marker.  libjpeg fills
    missing data with zero bits, so a scan that stops short decodes
    differently with the filler; a complete one never reads it.

    ``limit``: when the image is over that many pixels it is compared at
    the JPEG draft scale that brings it under.  Costs two decodes, paid
    only for files that failed to decode and lack the marker."""
    if not data or data.endswith(JPEG_EOI):
        return False
    parsed = _jpeg_scans(data)
    if parsed is None or parsed.expected_restarts() != parsed.last_scan_restarts:
        return False  # cut before the last restart interval began
    progressive, components, scans = parsed.progressive, list(parsed.components), parsed.scans
    if progressive:
        for c in components:
            done: set[int] = set()
            for ids, ss, se, al in scans:
                if c in ids and al == 0:
                    done.update(range(ss, se + 1))
            if not done >= set(range(64)):
                return False
    elif not set(components) <= {c for ids, *_ in scans for c in ids}:
        return False
    try:
        images = []
        for tail in (JPEG_EOI, _PROBE_FILL + JPEG_EOI):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data + tail)) as im:
                    w, h = im.size
                    if limit is not None and w * h > limit:
                        scale = _draft_scale((w, h), None, limit)
                        im.draft(None, (w // scale, h // scale))
                    im.load()
                    images.append(im.tobytes())
    except Exception:  # noqa: BLE001 - any failure: not a usable picture
        return False
    return images[0] == images[1]


def _open(path: Path, loc: Location) -> Image.Image:
    """Open ``path`` by its content (header only; pixels are decoded later).

    Raises :class:`ImageError` for a decompression bomb (over twice
    ``Image.MAX_IMAGE_PIXELS``), a file that is no image (saying what it
    is), and an unreadable file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise ImageError(f"{path.name} cannot be read: {exc.strerror or exc}", loc,
                         hint="check that the file exists and that you may read it") from None
    if not stat.S_ISREG(mode):
        raise _special_error(path, loc)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(path)
    except Image.DecompressionBombError as exc:
        raise _bomb_error(path, loc, _peek_size(path), exc) from None
    except UnidentifiedImageError:
        raise _unidentified_error(path, loc) from None
    except OSError as exc:
        raise ImageError(
            f"{path.name} cannot be read: {exc}",
            loc,
            hint="check that the file is not open in another program and that you may read it",
        ) from None


def probe_image(path: str | Path) -> tuple[str, tuple[int, int]]:
    """The format (Pillow's name: ``JPEG``, ``PNG``, ``WEBP``...) and the
    (width, height) in px of the image file ``path``, from its header only:
    no pixel is decoded, so it is cheap enough for preflight checks.  The
    size is the stored one (before EXIF orientation).

    Raises :class:`ImageError` like :func:`load_image`: a file that is no
    image (naming what it is: PDF, web page, HEIC...), one too large to open
    safely, or one that cannot be read.  A truncated file whose header is
    whole passes: only decoding finds the rest missing.
    """
    path = Path(path)
    with _open(path, Location(file=display_path(path))) as im:
        return im.format or "", im.size


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(EXIF_ORIENTATION, 1)
    except Exception:  # a broken EXIF block must not lose the cover
        return 1
    return value if isinstance(value, int) else 1


def _draft_scale(size: tuple[int, int], want: tuple[int, int] | None, limit: int | None) -> int:
    """The JPEG DCT scale (1, 2, 4 or 8) to decode at: as small as keeps both
    sides >= ``want`` and, when ``limit`` is given, the pixel count under it."""
    w, h = size
    scale = 1
    if want is not None:
        fit = min(w // want[0], h // want[1])
        for s in (8, 4, 2):
            if fit >= s:
                scale = s
                break
    if limit is not None:
        while scale < 8 and math.ceil(w / scale) * math.ceil(h / scale) > limit:
            scale *= 2
    return scale


def _pre_reduce(img: Image.Image, target: tuple[int, int]) -> Image.Image:
    """Box-reduce by an integer factor while staying >= DRAFT_MARGIN x target."""
    w, h = img.size
    factor = min(w // max(1, target[0] * DRAFT_MARGIN), h // max(1, target[1] * DRAFT_MARGIN))
    if factor < 2 or img.mode not in ("L", "LA", "RGB", "RGBA", "CMYK", "I", "F"):
        return img
    if "transparency" in img.info:  # a transparent colour would be blended away
        return img
    reduced = img.reduce(factor)
    reduced.info = dict(img.info)
    return reduced


def _bomb_error(
    path: Path,
    loc: Location,
    size: tuple[int, int] | None,
    exc: Exception | None,
) -> ImageError:
    limit = Image.MAX_IMAGE_PIXELS or 0
    if size:
        w, h = size
        what = f"{w}x{h} px ({w * h / 1e6:.0f} million pixels)"
    else:
        what = f"too large ({exc})"
    return ImageError(
        f"{path.name} is {what}, over Pillow's decompression-bomb limit of "
        f"{limit:,} pixels: it was not opened, to protect the rest of the batch",
        loc,
        hint="resize it to about 2000 px on the long side (a cover never needs more) "
        "and save it again",
    )


def _peek_size(path: Path) -> tuple[int, int] | None:
    """Width and height from the file header only, without Pillow's size
    check (used to word the error for files Pillow refuses to open)."""
    Image.init()
    try:
        with open(path, "rb") as fp:
            prefix = fp.read(16)
            for fmt in Image.ID:
                factory, accept = Image.OPEN[fmt]
                if accept is not None and not accept(prefix):
                    continue
                fp.seek(0)
                try:
                    header = factory(fp, str(path))
                except Exception:
                    continue
                return header.size
    except OSError:
        return None
    return None


#: What to do with each format (:mod:`libmedia.filetypes` names) when an image
#: was expected; image formats need nothing ("").
_IMAGE_FIXES = {
    "pdf": "export the cover page as JPEG or PNG",
    "psd": "export it from Photoshop as JPEG or PNG",
    "postscript": "export it as JPEG or PNG",
    "gzip": "unpack it and use the picture inside",
    "heic": "convert it to JPEG (e.g. set the iPhone camera to 'Most Compatible', or export "
            "as JPEG)",
    "video": "use a still picture: a photo, or a frame saved from the video as JPEG",
}


def file_kind(head: bytes) -> tuple[str, str] | None:
    """(what the file is, how to fix it when an image was wanted) from its
    first bytes (:func:`libmedia.filetypes.identify`), or None when the
    bytes are unknown.  For an image format the fix is ""."""
    kind = identify(head)
    if kind is None:
        return None
    if kind.image:
        return kind.description, ""
    return kind.description, _IMAGE_FIXES.get(kind.name, "save the picture itself as JPEG or PNG")


def _sniff(path: Path) -> tuple[str, str] | None:
    """(what the file really is, how to fix) for common non-images."""
    try:
        with open(path, "rb") as fp:
            head = fp.read(1024)
    except OSError:
        return None
    if not head:
        return "empty (0 bytes)", "copy or download the image again"
    kind = file_kind(head)
    if kind is not None and kind[1]:  # a known non-image (an image Pillow refused is damaged)
        return kind
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head")) or b"<html" in text[:512]:
        return (
            "a web page (HTML), probably an error page saved instead of the picture",
            "download the cover again from its page, or scan it",
        )
    if b"<svg" in text:
        return "an SVG drawing", "export it as PNG (e.g. from Inkscape or a browser)"
    if text.startswith(b"<?xml"):
        return "an XML document", "save the picture itself as JPEG or PNG"
    if text.startswith((b"{", b"[")):
        return "a JSON/text file", "save the picture itself as JPEG or PNG"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "a text file", "save the picture itself as JPEG or PNG"


def _unidentified_error(path: Path, loc: Location) -> ImageError:
    sniffed = _sniff(path)
    if sniffed:
        what, fix = sniffed
        return ImageError(f"{path.name} is not an image: it is {what}", loc, hint=fix)
    return ImageError(
        f"{path.name} is not an image format libmedia can read",
        loc,
        hint="save it again as JPEG or PNG",
    )


# --- colour -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


_ICC_SPACE = {"L": "GRAY", "RGB": "RGB", "CMYK": "CMYK"}


def _to_srgb_rgba(
    im: Image.Image, name: str, loc: Location, notes: list[Diagnostic], *, is_jpeg: bool = False
) -> Image.Image:
    """Any Pillow mode to sRGB RGBA with a true alpha channel."""
    icc = im.info.get("icc_profile")
    mode = im.mode
    if mode == "1":
        im = im.convert("L")
    elif mode.startswith("I;16") or mode in ("I", "F"):
        im = _deep_to_l(im)
    elif mode in ("P", "PA"):
        im = im.convert("RGBA")
    elif mode in ("La", "RGBa"):
        im = im.convert({"La": "LA", "RGBa": "RGBA"}[mode])
    elif mode in ("YCbCr", "HSV"):
        im = im.convert("RGB")
    elif mode == "LAB":
        lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
        im = ImageCms.profileToProfile(im, lab, _srgb_profile(), outputMode="RGB")
        icc = None
    if "transparency" in im.info and im.mode in ("L", "RGB"):
        im = im.convert("LA" if im.mode == "L" else "RGBA")

    alpha = None
    if im.mode in ("LA", "RGBA"):
        alpha = im.getchannel("A")
        im = im.convert(im.mode[:-1])

    rgb = None
    if icc and im.mode in _ICC_SPACE:
        rgb = _icc_to_srgb(im, icc, name, loc, notes)
    if rgb is None:
        if im.mode == "CMYK":
            if not icc:
                notes.append(
                    Diagnostic.warning(
                        f"{name} is a CMYK (print) image without a colour profile: converted "
                        "with a simple formula, colours may look dull or off",
                        loc,
                        code="cmyk-no-profile",
                    )
                )
            if is_jpeg and "adobe" not in im.info:
                notes.append(
                    Diagnostic.warning(
                        f"{name} is a CMYK JPEG without an Adobe marker: if it looks like a "
                        "negative, save it again as an RGB JPEG",
                        loc,
                        code="cmyk-maybe-inverted",
                    )
                )
        rgb = im.convert("RGB")
    if alpha is not None:
        rgb.putalpha(alpha)
        return rgb
    return rgb.convert("RGBA")


def _deep_to_l(im: Image.Image) -> Image.Image:
    """16/32-bit integer or float grey to 8-bit ``L``, scaled not clipped
    (Pillow's own ``convert("L")`` clips 16-bit values above 255 to white)."""
    if im.mode.startswith("I;16"):
        lo, hi = 0, 65535
        im = im.convert("I")
    else:
        lo, hi = im.getextrema()  # type: ignore[misc]
        if im.mode == "F" and lo >= 0 and hi <= 1.0:
            lo, hi = 0, 1.0
        elif lo >= 0 and hi <= 255:
            lo, hi = 0, 255
        elif lo >= 0 and hi <= 65535:
            lo, hi = 0, 65535
    if hi <= lo:
        hi = lo + 1
    scale = 255 / (hi - lo)
    offset = -lo * scale + 0.5  # +0.5: the conversion to L truncates
    return im.point(lambda v: v * scale + offset).convert("L")


@lru_cache(maxsize=8)
def _profile_transform(
    icc: bytes, mode: str
) -> tuple[str, ImageCms.ImageCmsTransform | str | None]:
    """``(outcome, value)`` for an embedded profile and an image mode.

    Outcomes: ``ok`` (value: the transform to sRGB), ``srgb`` (nothing to
    do), ``icc-unreadable``, ``icc-mismatch`` (value: the profile's colour
    space), ``icc-failed`` (value: LittleCMS' message).  Cached for the last
    8 profiles: building a CMYK transform costs ~20 ms and a catalogue's
    covers often share a publisher's profile.  ``NOCACHE`` makes a shared
    transform safe to apply from several threads.
    """
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = (src.profile.xcolor_space or "").strip()
    except (OSError, ImageCms.PyCMSError, ValueError):
        return "icc-unreadable", None
    if space != _ICC_SPACE[mode]:
        return "icc-mismatch", space
    if mode == "RGB" and "srgb" in (src.profile.profile_description or "").lower():
        return "srgb", None
    try:
        transform = ImageCms.buildTransform(
            src,
            _srgb_profile(),
            mode,
            "RGB",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION | ImageCms.Flags.NOCACHE,
        )
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        return "icc-failed", str(exc)
    return "ok", transform


def _icc_to_srgb(
    im: Image.Image, icc: bytes, name: str, loc: Location, notes: list[Diagnostic]
) -> Image.Image | None:
    """Convert through the embedded profile; ``None`` to fall back to Pillow."""
    outcome, value = _profile_transform(bytes(icc), im.mode)
    if outcome == "ok":
        try:
            return ImageCms.applyTransform(im, value)  # type: ignore[arg-type]
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            outcome, value = "icc-failed", str(exc)
    if outcome == "srgb":
        return im
    if outcome == "icc-unreadable":
        message = f"{name} has a damaged colour profile: it was ignored, colours may be off"
    elif outcome == "icc-mismatch":
        message = (
            f"{name} is {im.mode} but its colour profile is for {value or 'other'} images: "
            "the profile was ignored, colours may be off"
        )
    else:
        message = f"{name}: its colour profile could not be applied ({value}); colours may be off"
    notes.append(Diagnostic.warning(message, loc, code=outcome))
    return None

