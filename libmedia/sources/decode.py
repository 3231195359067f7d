"""Text decoding of data files: bytes -> text, by the rule below.

``decode_bytes(data, path) -> Decoded(text, encoding, warning)`` for a whole
file; ``peek_text(head)`` (lenient, for sniffing a file's first bytes) and
``looks_binary(head)`` for the registry and the readers' sniffs.  Shared by
every text format (CSV now; JSON and iCalendar later).

Encoding (:func:`decode_bytes`)
    1. a BOM decides: UTF-8, UTF-16 LE/BE (Excel "Unicode Text"), UTF-32;
    1b. a few bytes that break the BOM's encoding (at most
       :data:`STRAY_BYTES` or 1% of the file) are stray bytes: read as
       Windows-1252 in a UTF-8 file, dropped in the others, each listed in
       ``Decoded.repairs`` (rule 4b); more, and the file is refused;
    2. no BOM but NUL bytes in every other position: UTF-16 without BOM;
    3. more than 4 and over 5% C0 control bytes (NUL included; TAB, LF,
       FF, CR and ^Z excepted) in the first 8 KiB: binary,
       :class:`DataError` (a NUL or an escape pasted into a cell is not:
       the normaliser removes it from its value with a warning);
    4. strict UTF-8;
    4b. UTF-8 with a few stray bytes: when the bytes that are not UTF-8 are
       fewer than the (valid) UTF-8 non-ASCII characters, the file is UTF-8
       and each stray byte is read as the Windows-1252 character it most
       likely was (dropped when cp1252 has none: 0x81, 0x8D, 0x8F, 0x90,
       0x9D); each one is listed in ``Decoded.repairs`` so that the reader
       names its row;
    5. Windows-1252 (Excel "ANSI" on Indonesian and Western Windows), unless
       charset-normalizer's best guess decodes the whole file cleanly into a
       non-Latin script (Cyrillic, Arabic, Greek, CJK...).  Its Latin guesses
       are never taken: it reads real cp1252 files as cp1250/cp1257
       ("Déjà" -> "Déjŕ").  When cp1252 cannot decode the bytes, its guess is
       taken whatever it is; when it has none, :class:`DataError`.
    Any encoding but UTF-8 comes with a warning sentence naming it.  Nothing
    is dropped or replaced without a note (rule 4b's repairs; never
    ``errors="ignore"``).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .base import data_error

SAVE_AS_UTF8 = "save as 'CSV UTF-8' in Excel to avoid this"

STRAY_BYTES = 4
"""Stray bytes a file with a byte-order mark may hold (or 1% of its bytes,
if more) before it is refused as not being what its mark says (rule 1b)."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (Excel 'Unicode Text')"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)


@dataclass(frozen=True)
class Repair:
    """A stray byte (rules 1b and 4b): ``offset`` of its replacement in the
    decoded text, the ``byte`` value (0-255), the ``text`` it was read as
    (``""`` when dropped) and the ``encoding`` label it broke."""

    offset: int
    byte: int
    text: str
    encoding: str = "UTF-8"

    def sentence(self) -> str:
        """What happened, for a warning: ``byte 0xE9 is not UTF-8; read as
        Windows-1252 'é'``."""
        if self.text:
            return (f"byte 0x{self.byte:02X} is not {self.encoding}; read as Windows-1252 "
                    f"'{self.text}'")
        return f"byte 0x{self.byte:02X} is not {self.encoding}; dropped"


@dataclass
class Decoded:
    """Result of :func:`decode_bytes`: ``text``, ``encoding`` (a Python codec
    name), ``warning`` (a sentence, or ``""`` for UTF-8) and ``repairs``
    (stray bytes of a UTF-8 file, rule 4b; in text order)."""

    text: str
    encoding: str
    warning: str = ""
    repairs: list[Repair] = field(default_factory=list)


def _bom(data: bytes) -> tuple[bytes, str, str] | None:
    """``(bom, codec, label)`` of the byte-order mark ``data`` starts with."""
    return next((entry for entry in _BOMS if data.startswith(entry[0])), None)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes fill one byte parity (BOM-less
    UTF-16 of mostly-ASCII text), else ``None``."""
    sample = data[:8192]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.3 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.3 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _control_count(sample: bytes) -> int:
    """C0 control bytes (NUL included) other than TAB, LF, FF, CR and ^Z."""
    return sum(1 for b in sample if b < 0x20 and b not in (9, 10, 12, 13, 26))


_STRAY = re.compile("[\udc00-\udcff]")
_MARK = "libmedia-mark-bytes"


def _mark_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each undecodable byte as the lone surrogate
    U+DC00 + byte (``surrogateescape`` for every byte, ASCII ones too)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start:exc.end]), exc.end


codecs.register_error(_MARK, _mark_bytes)


def _unmark(text: str, label: str, as_cp1252: bool) -> tuple[str, list[Repair]]:
    """``text`` decoded with :func:`_mark_bytes` with each marked byte read
    as its cp1252 character (``as_cp1252``, and cp1252 has one) or
    dropped, and the list of those repairs."""
    out: list[str] = []
    repairs: list[Repair] = []
    pos = length = 0
    for m in _STRAY.finditer(text):
        out.append(text[pos:m.start()])
        length += m.start() - pos
        byte = ord(m.group(0)) - 0xDC00
        char = ""
        if as_cp1252 and byte > 127:
            try:
                char = bytes([byte]).decode("cp1252")
            except UnicodeDecodeError:
                pass
        repairs.append(Repair(length, byte, char, label))
        out.append(char)
        length += len(char)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), repairs


def _utf8_with_stray_bytes(data: bytes) -> Decoded | None:
    """Rule 4b: the UTF-8 reading with stray bytes read as cp1252, when
    they are fewer than the valid non-ASCII characters; else ``None``."""
    text = data.decode("utf-8", errors=_MARK)
    stray = len(_STRAY.findall(text))
    valid = sum(1 for ch in text if ord(ch) > 127) - stray
    if not stray or stray >= valid:
        return None
    text, repairs = _unmark(text, "UTF-8", True)
    return Decoded(text, "utf-8", "", repairs)


def _non_latin_share(text: str) -> float:
    """Share of non-ASCII letters that are not Latin script (0.0 - 1.0)."""
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return 0.0
    other = sum(1 for ch in letters if not unicodedata.name(ch, "LATIN").startswith("LATIN"))
    return other / len(letters)


def _detector_guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best guess as ``(codec, text)`` when it decodes
    the whole file strictly with little "chaos" (<= 0.2), else ``None``."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        return None
    try:
        return best.encoding, data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_legacy(data: bytes, where: Path) -> Decoded:
    """Non-UTF-8 bytes: cp1252 unless the detector sees a non-Latin script."""
    guess = _detector_guess(data)
    try:
        text: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and (guess is None or _non_latin_share(guess[1]) < 0.5):
        return Decoded(text, "cp1252", f"read as Windows-1252 (cp1252); {SAVE_AS_UTF8}")
    if guess is not None:
        codec, guessed = guess
        return Decoded(guessed, codec, f"read as {codec} (guessed from the bytes; check "
                       f"accented and non-Latin letters); {SAVE_AS_UTF8}")
    raise data_error(where, "cannot tell the text encoding: the file is neither UTF-8 nor "
                     "Windows-1252", "open it in Excel or LibreOffice and save it as 'CSV UTF-8'")


def decode_bytes(data: bytes, path: Path | None = None) -> Decoded:
    """Decode a data file's bytes by the rule in the module docstring.

    ``path`` is used in error messages only.  Raises :class:`DataError` for
    binary bytes, a BOM contradicted by the bytes, or bytes that no candidate
    decodes without loss.
    """
    where = path or Path("<data>")
    found = _bom(data)
    if found:
        bom, codec, label = found
        body = data[len(bom):]
        repairs: list[Repair] = []
        try:
            text = body.decode(codec.removesuffix("-sig"))
        except UnicodeDecodeError as exc:
            text = body.decode(codec.removesuffix("-sig"), errors=_MARK)
            if len(_STRAY.findall(text)) > max(STRAY_BYTES, len(body) // 100):
                raise data_error(where, f"the file starts with a {label} byte-order mark but "
                                 f"byte {exc.start + len(bom)} is not {label}",
                                 "save it again as 'CSV UTF-8'") from exc
            text, repairs = _unmark(text, "UTF-8" if codec == "utf-8-sig" else label.split(" (")[0],
                                    codec == "utf-8-sig")
        warning = "" if codec == "utf-8-sig" else f"read as {label}; {SAVE_AS_UTF8}"
        return Decoded(text, codec, warning, repairs)
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16, f"read as {utf16.upper()} without a "
                           f"byte-order mark; {SAVE_AS_UTF8}")
        except UnicodeDecodeError:
            pass
    if _binary_bytes(data):
        raise data_error(where, "this is a binary file, not a CSV file",
                         "export or save the data as 'CSV UTF-8'")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _utf8_with_stray_bytes(data) or _decode_legacy(data, where)


def _binary_bytes(data: bytes) -> bool:
    """Rule 3: more than 4 and over 5% C0 controls in the first 8 KiB."""
    sample = data[:8192]
    controls = _control_count(sample)
    return controls > 4 and controls > 0.05 * len(sample)


def looks_binary(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) is not text by rules 1-3:
    no byte-order mark, not BOM-less UTF-16, and binary bytes."""
    return _bom(head) is None and _utf16_without_bom(head) is None and _binary_bytes(head)


def peek_text(head: bytes) -> str:
    """``head`` decoded for sniffing, never raising: by its BOM (dropped),
    as BOM-less UTF-16, else as UTF-8; undecodable bytes (a cp1252 letter,
    a character cut at the end of ``head``) become U+FFFD."""
    found = _bom(head)
    if found:
        bom, codec, _ = found
        return head[len(bom):].decode(codec.removesuffix("-sig"), errors="replace")
    return head.decode(_utf16_without_bom(head) or "utf-8", errors="replace")
