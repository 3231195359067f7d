"""Loading covers and logos, and the pixel helpers the draw stage uses.

Part 1, :func:`load_image`: find an image named in a record (case-insensitive,
extension optional), open it by content, refuse decompression bombs per record,
decode big JPEGs at reduced size, apply the EXIF orientation, and convert any
mode and colour space (CMYK, ICC profiles, palettes with transparency, 16-bit
grey) to sRGB ``RGBA``.  Every failure is an :class:`~libmedia.errors.ImageError`
so the caller can substitute a placeholder and the batch goes on (cases C15,
C16, C17, C18, C24).

Part 2: pure functions on Pillow images used by the draw stage: fitting
(contain / cover with a focal point / fill / none), rounded corners, drop
shadows, borders, opacity, blurred backgrounds, CSS-style linear gradients and
flattening RGBA onto a background for JPEG output.

All sizes and positions are integer pixels unless a docstring says otherwise;
fractions (focal points, gradient stop positions, opacity, darken) are floats
in 0..1.  Nothing here is random and nothing is cached without a bound.
"""

from __future__ import annotations

import difflib
import io
import math
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from PIL import (
    Image,
    ImageChops,
    ImageCms,
    ImageDraw,
    ImageFilter,
    ImageOps,
    JpegImagePlugin,
    UnidentifiedImageError,
)

from .errors import Diagnostic, ImageError, Location, display_path

__all__ = [
    "IMAGE_EXTENSIONS",
    "UPSCALE_LIMIT",
    "Fit",
    "LoadedImage",
    "apply_radius",
    "blurred_background",
    "border",
    "drop_shadow",
    "fit_image",
    "flatten",
    "linear_gradient",
    "load_image",
    "resolve_image_path",
    "rounded_mask",
    "scaled_size",
    "upscale_warning",
    "with_opacity",
]

#: Extensions tried, in this order, when a requested name has none.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".avif")

#: A cover drawn more than this many times its pixel size gets an "upscaled" warning.
UPSCALE_LIMIT = 1.5

#: JPEGs are decoded (DCT scaling, ``Image.draft``) at no less than this many
#: times the size they will be drawn at, so later resampling still has detail.
DRAFT_MARGIN = 2

#: ``reducing_gap`` passed to :meth:`PIL.Image.Image.resize`: a reduction of
#: more than 2x first box-reduces by an integer factor (``Image.reduce``),
#: leaving at least 2x to the real filter.  Measured on 4000x6000 -> 640x803:
#: 32 ms instead of 135 ms, mean difference 0.3-1.1 levels (max 8-12 on thin
#: lines); 3.0 gives 53 ms, max 5.
REDUCING_GAP = 2.0

#: EXIF tag "Orientation" (TIFF/EXIF 2.3, tag 0x0112); values 5-8 swap axes.
EXIF_ORIENTATION = 0x0112

Fit = Literal["contain", "cover", "fill", "none"]
RGBA = tuple[int, int, int, int]

_URL_RE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)")


# ---------------------------------------------------------------------------
# Part 1: finding and loading
# ---------------------------------------------------------------------------


@dataclass
class LoadedImage:
    """An image ready to draw.

    ``image``          mode ``RGBA``, sRGB, EXIF orientation applied; possibly
                       reduced (JPEG draft, integer reduce) when ``target_size``
                       was given, never below ``DRAFT_MARGIN`` x that size;
    ``path``           the file actually opened (after case-insensitive lookup);
    ``original_size``  (width, height) in pixels of the file after EXIF
                       orientation, before any reduction: the size to judge
                       upscaling against (:func:`upscale_warning`);
    ``warnings``       problems that did not stop loading (no colour profile...).
    """

    image: Image.Image
    path: Path
    original_size: tuple[int, int]
    warnings: list[Diagnostic] = field(default_factory=list)


def resolve_image_path(src: str, search_dirs: Sequence[Path]) -> Path:
    """Find the file an image field names.

    ``src`` is an absolute path or a path relative to each of ``search_dirs``
    in order (the current directory when none are given).  When the exact
    name does not exist, each path component is matched case-insensitively
    (``C24_cover_UPPER.JPG`` requested as ``c24_cover_upper.jpg``); when the
    name has no image extension, ``IMAGE_EXTENSIONS`` are tried.  Backslashes
    (Windows paths in a spreadsheet) are tried as separators, and ``file://``
    URLs are accepted.  Among several case-insensitive matches the first in
    sorted order wins, so results are deterministic.

    Raises :class:`ImageError` for an empty name, a web address (libmedia
    never downloads: runs are offline and repeatable) and a missing file (the
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
            f"'{text}' is a web address: libmedia does not download covers "
            "(it works offline so the same data always gives the same images)",
            hint="download the covers into a folder next to the data file (e.g. covers/) "
            "and put the file names in the data instead of the addresses",
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
    path = resolve_image_path(str(src), search_dirs)
    shown = display_path(path)
    loc = Location(file=shown)
    notes: list[Diagnostic] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(path)
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

    with opened as im:
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
            im.load()
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


_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF", "a PDF document", "export the cover page as JPEG or PNG"),
    (
        b"PK\x03\x04",
        "a ZIP archive (or a Word/Excel file)",
        "save the picture itself as JPEG or PNG",
    ),
    (b"8BPS", "a Photoshop document", "export it from Photoshop as JPEG or PNG"),
    (b"%!PS", "a PostScript/EPS file", "export it as JPEG or PNG"),
    (b"{\\rtf", "an RTF document", "save the picture itself as JPEG or PNG"),
]


def _sniff(path: Path) -> tuple[str, str] | None:
    """(what the file really is, how to fix) for common non-images."""
    try:
        with open(path, "rb") as fp:
            head = fp.read(1024)
    except OSError:
        return None
    if not head:
        return "empty (0 bytes)", "copy or download the image again"
    for magic, what, fix in _SIGNATURES:
        if head.startswith(magic):
            return what, fix
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return (
            "a HEIC photo (iPhone format)",
            "convert it to JPEG (e.g. set the iPhone camera to 'Most Compatible', or export as JPEG)",
        )
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


# --- upscaling ----------------------------------------------------------------


def scaled_size(src_size: tuple[int, int], box_size: tuple[int, int], fit: Fit) -> tuple[int, int]:
    """Size in pixels of the *whole* image once scaled by :func:`fit_image`
    (for ``cover`` this is before cropping): the size to pass to
    :func:`upscale_warning`."""
    w, h = src_size
    bw, bh = box_size
    if fit == "fill":
        return (bw, bh)
    if fit == "none":
        return (w, h)
    s = min(bw / w, bh / h) if fit == "contain" else max(bw / w, bh / h)
    return (max(1, round(w * s)), max(1, round(h * s)))


def upscale_warning(
    loaded: LoadedImage, drawn_size: tuple[int, int], *, what: str = "cover"
) -> Diagnostic | None:
    """A Diagnostic (code ``upscaled``) when the image is drawn more than
    ``UPSCALE_LIMIT`` (1.5) times its original pixel size on either axis.

    ``drawn_size`` is the whole image's scaled size in pixels (see
    :func:`scaled_size`).  The advice is the smallest size that would stay
    within the limit, e.g. ``cover.jpg is 259x325 px, drawn at 640x803
    (2.5x): it will look soft; use a cover at least 427x536 px``.
    """
    ow, oh = loaded.original_size
    dw, dh = drawn_size
    factor = max(dw / ow, dh / oh)
    if factor <= UPSCALE_LIMIT:
        return None
    nw, nh = math.ceil(dw / UPSCALE_LIMIT), math.ceil(dh / UPSCALE_LIMIT)
    return Diagnostic.warning(
        f"{loaded.path.name} is {ow}x{oh} px, drawn at {dw}x{dh} ({factor:.1f}x): "
        f"it will look soft; use a {what} at least {nw}x{nh} px",
        Location(file=display_path(loaded.path)),
        code="upscaled",
    )


# ---------------------------------------------------------------------------
# Part 2: drawing helpers
# ---------------------------------------------------------------------------


def _resample_for(src_w: float, src_h: float, size: tuple[int, int]) -> Image.Resampling:
    # LANCZOS when shrinking on either axis: the best anti-aliasing.  BICUBIC
    # when only enlarging: as sharp for soft low-res covers, with less
    # ringing (halos) around lettering than LANCZOS' wider negative lobes.
    if size[0] < src_w - 1e-9 or size[1] < src_h - 1e-9:
        return Image.Resampling.LANCZOS
    return Image.Resampling.BICUBIC


def fit_image(
    img: Image.Image,
    box_size: tuple[int, int],
    fit: Fit = "cover",
    focal: tuple[float, float] = (0.5, 0.5),
) -> Image.Image:
    """Scale ``img`` for a box of ``box_size`` (width, height) pixels, like CSS
    ``object-fit``.  The mode is kept.

    * ``contain`` -- the whole image, as large as fits; returned at its own
      scaled size (not padded to the box);
    * ``cover``   -- fills the box exactly, cropping the overflow around
      ``focal`` (x, y fractions 0..1 of the image; the crop is clamped to stay
      inside the image, so (0, 0) keeps the top-left corner);
    * ``fill``    -- stretched to the box, aspect ratio ignored;
    * ``none``    -- natural size, cropped around ``focal`` where larger than
      the box.

    Resampling: LANCZOS to shrink, BICUBIC to enlarge; big reductions first
    box-reduce by an integer factor (``reducing_gap`` 2.0) for speed.  RGBA is
    resampled premultiplied by Pillow, so transparent edges get no dark fringe.
    Raises ``ValueError`` for an empty box or an unknown ``fit``.
    """
    bw, bh = int(box_size[0]), int(box_size[1])
    if bw < 1 or bh < 1:
        raise ValueError(f"box size must be at least 1x1 pixels, not {box_size}")
    w, h = img.size
    fx = min(max(float(focal[0]), 0.0), 1.0)
    fy = min(max(float(focal[1]), 0.0), 1.0)
    if fit == "contain" or fit == "fill":
        size = (bw, bh) if fit == "fill" else scaled_size((w, h), (bw, bh), "contain")
        if size == (w, h):
            return img.copy()
        return img.resize(size, _resample_for(w, h, size), reducing_gap=REDUCING_GAP)
    if fit == "cover":
        s = max(bw / w, bh / h)
        cw, ch = min(w, bw / s), min(h, bh / s)
        left = min(max(fx * w - cw / 2, 0.0), w - cw)
        top = min(max(fy * h - ch / 2, 0.0), h - ch)
        if (cw, ch) == (bw, bh) and left.is_integer() and top.is_integer():
            return img.crop((int(left), int(top), int(left) + bw, int(top) + bh))
        return img.resize(
            (bw, bh),
            _resample_for(cw, ch, (bw, bh)),
            box=(left, top, left + cw, top + ch),
            reducing_gap=REDUCING_GAP,
        )
    if fit == "none":
        cw, ch = min(w, bw), min(h, bh)
        left = round(min(max(fx * w - cw / 2, 0), w - cw))
        top = round(min(max(fy * h - ch / 2, 0), h - ch))
        return img.crop((left, top, left + cw, top + ch))
    raise ValueError(f"unknown fit '{fit}' (use contain, cover, fill or none)")


def rounded_mask(size: tuple[int, int], radius: float, supersample: int = 4) -> Image.Image:
    """An ``L`` mask of ``size`` pixels: 255 inside a rectangle with corners
    rounded to ``radius`` pixels, 0 outside, anti-aliased edges.

    ``radius`` is clamped to half the short side, so ``radius >= min(size)/2``
    on a square gives a circle.  Only the four corner tiles are drawn, at
    ``supersample`` times the size and box-reduced, so the cost depends on the
    radius, not on the box.
    """
    w, h = int(size[0]), int(size[1])
    mask = Image.new("L", (max(w, 0), max(h, 0)), 255)
    r = min(float(radius), w / 2, h / 2)
    if r <= 0 or w <= 0 or h <= 0:
        return mask
    ss = max(1, int(supersample))
    tile = math.ceil(r)
    corner = Image.new("L", (tile * ss, tile * ss), 0)
    d = 2 * r * ss
    ImageDraw.Draw(corner).ellipse((0, 0, d - 1, d - 1), fill=255)
    corner = corner.reduce(ss) if ss > 1 else corner
    flip_x = Image.Transpose.FLIP_LEFT_RIGHT
    flip_y = Image.Transpose.FLIP_TOP_BOTTOM
    mask.paste(corner, (0, 0))
    mask.paste(corner.transpose(flip_x), (w - tile, 0))
    mask.paste(corner.transpose(flip_y), (0, h - tile))
    mask.paste(corner.transpose(Image.Transpose.ROTATE_180), (w - tile, h - tile))
    return mask


def _rgba(img: Image.Image) -> Image.Image:
    return img.copy() if img.mode == "RGBA" else img.convert("RGBA")


def _color4(color: Sequence[int]) -> RGBA:
    c = tuple(int(v) for v in color)
    if len(c) == 3:
        return (c[0], c[1], c[2], 255)
    if len(c) == 4:
        return (c[0], c[1], c[2], c[3])
    raise ValueError(f"a colour is 3 or 4 values 0..255, not {color!r}")


def _scale_alpha(alpha: Image.Image, factor: float) -> Image.Image:
    if factor >= 1:
        return alpha
    return alpha.point([round(i * factor) for i in range(256)])


def apply_radius(img: Image.Image, radius: float) -> Image.Image:
    """A copy of ``img`` as RGBA with its corners rounded to ``radius`` pixels
    (clamped to half the short side: a square becomes a circle); existing
    transparency is kept."""
    out = _rgba(img)
    if radius <= 0:
        return out
    mask = rounded_mask(out.size, radius)
    out.putalpha(ImageChops.multiply(out.getchannel("A"), mask))
    return out


def drop_shadow(
    size: tuple[int, int],
    radius: float,
    offset: tuple[int, int],
    blur: float,
    color: Sequence[int] = (0, 0, 0, 96),
) -> tuple[Image.Image, tuple[int, int]]:
    """A shadow layer for a box of ``size`` pixels with corner ``radius``.

    ``blur`` is the CSS ``box-shadow`` blur radius in pixels: a Gaussian of
    standard deviation ``blur / 2``.  The layer is larger than the box by a
    pad of ``ceil(1.5 * blur)`` (3 standard deviations) on every side.
    ``color`` is RGB or RGBA; its alpha is the shadow's peak opacity.

    Returns ``(layer, (dx, dy))``: alpha-composite ``layer`` at the box
    position plus ``(dx, dy)``, which is ``offset`` minus the pad.
    """
    w, h = int(size[0]), int(size[1])
    r, g, b, a = _color4(color)
    pad = math.ceil(1.5 * max(0.0, float(blur)))
    alpha = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
    alpha.paste(rounded_mask((w, h), radius), (pad, pad))
    if blur > 0:
        alpha = alpha.filter(ImageFilter.GaussianBlur(blur / 2))
    layer = Image.new("RGBA", alpha.size, (r, g, b, 0))
    layer.putalpha(_scale_alpha(alpha, a / 255))
    return layer, (int(offset[0]) - pad, int(offset[1]) - pad)


def border(img: Image.Image, width: int, color: Sequence[int], radius: float = 0) -> Image.Image:
    """A copy of ``img`` (as RGBA) with a stroke ``width`` pixels wide drawn
    inside its edge, following corners of ``radius`` pixels (the inner edge
    has radius ``radius - width``, as in CSS).  ``color`` is RGB or RGBA.
    Pixels outside the rounded outline are left as they are: round the image
    first with :func:`apply_radius`."""
    out = _rgba(img)
    width = int(round(width))
    if width <= 0:
        return out
    w, h = out.size
    ring = rounded_mask((w, h), radius)
    iw, ih = w - 2 * width, h - 2 * width
    if iw > 0 and ih > 0:
        hole = Image.new("L", (w, h), 0)
        hole.paste(rounded_mask((iw, ih), max(0.0, radius - width)), (width, width))
        ring = ImageChops.subtract(ring, hole)
    r, g, b, a = _color4(color)
    layer = Image.new("RGBA", (w, h), (r, g, b, 0))
    layer.putalpha(_scale_alpha(ring, a / 255))
    out.alpha_composite(layer)
    return out


def with_opacity(img: Image.Image, opacity: float) -> Image.Image:
    """A copy of ``img`` as RGBA with its alpha multiplied by ``opacity``
    (0..1, clamped)."""
    out = _rgba(img)
    o = min(max(float(opacity), 0.0), 1.0)
    if o < 1:
        out.putalpha(_scale_alpha(out.getchannel("A"), o))
    return out


def blurred_background(
    img: Image.Image, size: tuple[int, int], blur_radius: float, darken: float = 0.0
) -> Image.Image:
    """An RGB background of ``size`` pixels: ``img`` cover-fitted, blurred
    with a Gaussian of standard deviation ``blur_radius`` pixels (at the
    output scale) and darkened toward black by ``darken`` (0 = unchanged,
    1 = black).  Transparent parts of ``img`` count as black.

    For speed the blur runs on a copy reduced so the blur is 3 px there
    (at most 16x smaller), then BICUBIC scales it up; a blurred image has no
    detail the reduction could lose.
    """
    w, h = int(size[0]), int(size[1])
    base = flatten(img, (0, 0, 0)) if img.mode in ("RGBA", "LA", "PA", "P") else img
    if base.mode != "RGB":
        base = base.convert("RGB")
    k = min(16.0, max(1.0, float(blur_radius) / 3))
    small = (max(1, round(w / k)), max(1, round(h / k)))
    out = fit_image(base, small, "cover")
    if blur_radius > 0:
        out = out.filter(ImageFilter.GaussianBlur(blur_radius / k))
    if out.size != (w, h):
        out = out.resize((w, h), Image.Resampling.BICUBIC)
    d = min(max(float(darken), 0.0), 1.0)
    if d > 0:
        out = out.point([round(i * (1 - d)) for i in range(256)] * 3)
    return out


def _gradient_color(stops: list[tuple[float, RGBA]], t: float) -> tuple[float, ...]:
    """Colour at ``t`` (0..1), interpolated in premultiplied alpha as CSS does."""
    if t <= stops[0][0]:
        return stops[0][1]
    for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
        if t <= p1:
            f = 0.0 if p1 <= p0 else (t - p0) / (p1 - p0)
            a = c0[3] + (c1[3] - c0[3]) * f
            if a <= 0:
                return (0.0, 0.0, 0.0, 0.0)
            rgb = tuple(
                (x0 * c0[3] + (x1 * c1[3] - x0 * c0[3]) * f) / a
                for x0, x1 in zip(c0[:3], c1[:3], strict=True)
            )
            return (*rgb, a)
    return stops[-1][1]


def linear_gradient(
    size: tuple[int, int],
    angle_deg: float,
    stops: Sequence[tuple[float, Sequence[int]]],
) -> Image.Image:
    """An RGBA image of ``size`` pixels filled with a CSS-style linear gradient.

    ``angle_deg`` follows CSS ``linear-gradient``: 0 = to top, 90 = to right,
    180 = to bottom (clockwise).  ``stops`` are ``(position 0..1, RGB or RGBA)``;
    positions out of order are raised to the previous one, as in CSS; colours
    are interpolated in premultiplied alpha, as in CSS, so a fade to
    ``transparent`` never goes grey.  The gradient line runs from the centre
    of the first corner pixel to the centre of the opposite one, so those
    pixels get exactly the first and last colours.

    Built without numpy: one sample per pixel along the gradient line is
    computed in Python, then a single bilinear affine transform spreads it
    over the box, so neighbouring pixels differ by at most about one 8-bit
    level wherever the colour range is smaller than the distance.
    Raises ``ValueError`` without stops.
    """
    w, h = int(size[0]), int(size[1])
    if not stops:
        raise ValueError("a gradient needs at least one colour stop")
    clean: list[tuple[float, RGBA]] = []
    for pos, col in stops:
        p = min(max(float(pos), 0.0), 1.0)
        if clean:
            p = max(p, clean[-1][0])
        clean.append((p, _color4(col)))
    if len(clean) == 1 or w < 1 or h < 1:
        return Image.new("RGBA", (max(w, 0), max(h, 0)), clean[0][1])
    theta = math.radians(angle_deg)
    sx, sy = math.sin(theta), -math.cos(theta)
    sx = 0.0 if abs(sx) < 1e-12 else sx
    sy = 0.0 if abs(sy) < 1e-12 else sy
    half = (w - 1) / 2 * abs(sx) + (h - 1) / 2 * abs(sy)  # pixel-centre extent
    if half <= 0:  # a single pixel along the gradient: its middle colour
        mid = _gradient_color(clean, 0.5)
        return Image.new("RGBA", (w, h), tuple(min(255, max(0, round(v))) for v in mid))
    n = max(2, math.ceil(2 * half) + 1)
    samples = bytearray()
    for i in range(n):
        samples += bytes(min(255, max(0, round(v))) for v in _gradient_color(clean, i / (n - 1)))
    if sy == 0 or sx == 0:  # horizontal or vertical: one sample per column or row
        line = Image.frombytes("RGBA", (n, 1) if sy == 0 else (1, n), bytes(samples))
        if sx < 0:
            line = line.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        elif sy < 0:
            line = line.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        return line.resize((w, h), Image.Resampling.NEAREST)
    row = samples[:4] + samples + samples[-4:]  # one padding sample each end
    strip = Image.frombytes("RGBA", (n + 2, 3), bytes(row) * 3)
    k = (n - 1) / (2 * half)
    # input u = 1.5 + (n-1) t with t = (s + half) / (2 half), s = (p - centre) . direction;
    # Pillow's affine maps output pixel centres (x + 0.5, y + 0.5) to input coordinates.
    c = 1.5 + (n - 1) / 2 - k * (sx * w / 2 + sy * h / 2)
    return strip.transform(
        (w, h),
        Image.Transform.AFFINE,
        (k * sx, k * sy, c, 0.0, 0.0, 1.5),
        resample=Image.Resampling.BILINEAR,
    )


def flatten(img: Image.Image, background: Sequence[int] = (255, 255, 255)) -> Image.Image:
    """``img`` composited onto an opaque ``background`` (RGB, alpha ignored),
    as RGB: for JPEG output, where transparent areas must become the
    background colour, not black."""
    rgba = img if img.mode == "RGBA" else img.convert("RGBA")
    r, g, b, _ = _color4(background)
    out = Image.new("RGBA", rgba.size, (r, g, b, 255))
    out.alpha_composite(rgba)
    return out.convert("RGB")
