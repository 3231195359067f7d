"""What a file is, from its first bytes: the one table of magic numbers.

``identify(head: bytes) -> FileType | None``: ``head`` is the start of the
file (1,024 bytes are plenty; a ZIP container is looked into when the
bytes hold its first member names).  A :class:`FileType` has a stable
``name`` (``jpeg``, ``xlsx``, ``pdf``...) and a ``description`` with its
article for a message ("a PDF document").  What to *do* about a file
depends on what was expected, so hints live with the callers: the data
readers (:mod:`libmedia.sources.sniff`) and the image loader
(:mod:`libmedia.assets`) each map names to their own advice.

Signatures are the formats' own: JPEG SOI ``FF D8 FF``; PNG's 8-byte
signature; ``GIF8``; RIFF ``WEBP``; ISO BMFF ``ftyp`` with a HEIF brand
(ISO/IEC 23008-12); ``%PDF``; ``PK\\x03\\x04`` (ZIP: ``xl/`` = Office Open
XML workbook, ``word/`` = document, the ODF ``mimetype`` member =
OpenDocument spreadsheet); OLE2 compound files (old MS Office);
``8BPS`` (Photoshop); ``%!PS``; ``{\\rtf``; SQLite; gzip; and MARC 21 /
ISO 2709 (five digits of record length, then ``4500`` at offset 20 of the
leader: the entry map).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    """A recognised file format: stable ``name``, ``description`` with its
    article, and whether it is a raster ``image`` Pillow can usually open."""

    name: str
    description: str
    image: bool = False


JPEG = FileType("jpeg", "a JPEG image", True)
PNG = FileType("png", "a PNG image", True)
GIF = FileType("gif", "a GIF image", True)
WEBP = FileType("webp", "a WebP image", True)
HEIC = FileType("heic", "a HEIC photo (iPhone format)")
VIDEO = FileType("video", "a video (MP4/MOV)")
PDF = FileType("pdf", "a PDF document")
ZIP = FileType("zip", "a ZIP archive")
XLSX = FileType("xlsx", "an Excel workbook (.xlsx)")
ODS = FileType("ods", "an OpenDocument spreadsheet (.ods)")
DOCX = FileType("docx", "a Word document (.docx)")
OLE2 = FileType("ole2", "an old Excel workbook (.xls) or other MS Office file")
PSD = FileType("psd", "a Photoshop document")
POSTSCRIPT = FileType("postscript", "a PostScript/EPS file")
RTF = FileType("rtf", "an RTF document")
SQLITE = FileType("sqlite", "an SQLite database")
GZIP = FileType("gzip", "a gzip-compressed file")
MARC = FileType("marc", "a MARC record file (ISO 2709)")

#: (prefix, type): checked in order.
SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF8", GIF),
    (b"%PDF", PDF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
    (b"8BPS", PSD),
    (b"%!PS", POSTSCRIPT),
    (b"{\\rtf", RTF),
    (b"SQLite format 3\x00", SQLITE),
    (b"\x1f\x8b", GZIP),
)

_HEIF_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"hevc")


def _zip_type(head: bytes) -> FileType:
    """What a ZIP container holds, from its member names (a truncated
    ``head`` that the zipfile module cannot open is judged by the names
    visible in its bytes)."""
    try:
        names = zipfile.ZipFile(io.BytesIO(head)).namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        names = []
    if any(n.startswith("xl/") for n in names) or (not names and b"xl/" in head[:4096]):
        return XLSX
    if b"opendocument.spreadsheet" in head[:200]:
        return ODS
    if any(n.startswith("word/") for n in names) or (not names and b"word/" in head[:4096]):
        return DOCX
    return ZIP


def identify(head: bytes) -> FileType | None:
    """The format of the file starting with ``head``, or None when no
    signature matches (text, or a format not listed here)."""
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(head)
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    if head[4:8] == b"ftyp" and head[8:12] not in (b"avif", b"avis"):
        return VIDEO  # any other ISO BMFF brand: isom, mp42, qt, M4V...
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:5].isdigit() and head[20:24] == b"4500":
        return MARC
    return None
