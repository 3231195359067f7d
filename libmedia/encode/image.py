"""Encode: image -> PNG or JPEG file, written atomically.

Every file is written to a temporary name in the destination folder and
moved into place with :func:`os.replace`, so a crash or a full disk never
leaves a half-written image where a finished one is expected.  Output is
deterministic: no timestamps or other metadata, so the same input gives the
same bytes.

PNG is the default: lossless, and text edges stay crisp.  Compression level 1
(zlib's fastest) writes a 1080x1350 post in well under 60 ms; higher levels
save little on flat-colour posts and cost several times the time (measured in
``bench/encode_settings.py``).  JPEG at quality 90 with 4:4:4 chroma keeps
coloured text sharp and is smaller for photographic backgrounds.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

PNG_COMPRESS_LEVEL = 1
JPEG_QUALITY = 90


@contextmanager
def part_file(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path`` (``.NAME.XXXXXXXX.part``, so a run
    that is killed leaves only names libmedia knows to clean up) to write
    into: renamed onto ``path`` with the mode ``open()`` would give when the
    block ends, removed when it raises.  ``OSError`` from making it
    propagates."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, file_mode())  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + rename)."""
    with part_file(path) as tmp:
        tmp.write_bytes(data)


_MODE: list[int] = []


def file_mode() -> int:
    """The permissions ``open()`` gives a new file: 0o666 less the process's
    umask, read once (reading the umask means setting it for an instant)."""
    if not _MODE:
        mask = os.umask(0)
        os.umask(mask)
        _MODE.append(0o666 & ~mask)
    return _MODE[0]


def encode_image(image: Image.Image, fmt: str = "png", background: tuple = (255, 255, 255)) -> bytes:
    """Encode an RGBA image as ``png`` or ``jpeg`` bytes.

    PNG keeps the alpha channel only when some pixel is not opaque (posts are
    opaque, so they are written as RGB: a quarter smaller).  JPEG has no alpha:
    transparent areas are flattened onto ``background`` (RGB), never black
    (case C18).
    """
    import io

    buf = io.BytesIO()
    if fmt == "png":
        out = image
        if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
            out = image.convert("RGB")
        out.save(buf, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    elif fmt in ("jpeg", "jpg"):
        from ..raster import flatten

        translucent = image.mode in ("RGBA", "LA", "PA") and image.getchannel("A").getextrema()[0] < 255
        rgb = flatten(image, background[:3]) if translucent else image.convert("RGB")
        rgb.save(buf, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=False, progressive=False)
    else:
        raise ValueError(f"unknown image format {fmt!r}: use png or jpeg")
    return buf.getvalue()
