"""The one table of magic numbers, and the two kinds of advice built on it."""

from __future__ import annotations

import io
import zipfile

import pytest

from libmedia.assets import file_kind
from libmedia.filetypes import SIGNATURES, identify
from libmedia.sources.sniff import describe_bytes


def _zip(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(member, "x")
    return buf.getvalue()


@pytest.mark.parametrize("head, name", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", "heic"),
    (b"%PDF-1.7", "pdf"),
    (_zip("xl/workbook.xml"), "xlsx"),
    (_zip("word/document.xml"), "docx"),
    (_zip("data.csv"), "zip"),
    (b"01234nam a2200289 a 4500", "marc"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video"),  # an MP4 named as a cover
    (b"\x00\x00\x00\x1cftypqt  \x00\x00\x02\x00", "video"),  # a phone's MOV
    (b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00", "heic"),
    (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", None),  # AVIF: Pillow reads it
    (b"Judul;Pengarang\r\n", None),
])
def test_identify(head: bytes, name: str | None):
    kind = identify(head)
    assert (kind.name if kind else None) == name


def test_both_callers_use_the_one_table():
    """Every signature is described the same way where a data file and
    where an image was expected; only the advice differs."""
    assert len(SIGNATURES) >= 10
    for magic, kind in SIGNATURES:
        head = magic + b"\x00" * 32
        assert describe_bytes(head).description == kind.description
        what, fix = file_kind(head)
        assert what == kind.description
        assert (fix == "") == kind.image
