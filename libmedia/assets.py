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
    "load_image",
    "probe_image",
    "resolve_image_path",
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
    path = resolve_image_path(str(src), search_dirs)
    loc = Location(file=display_path(path))
    notes: list[Diagnostic] = []
    with _open(path, loc) as im:
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


def _open(path: Path, loc: Location) -> Image.Image:
    """Open ``path`` by its content (header only; pixels are decoded later).

    Raises :class:`ImageError` for a decompression bomb (over twice
    ``Image.MAX_IMAGE_PIXELS``), a file that is no image (saying what it
    is), and an unreadable file."""
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

