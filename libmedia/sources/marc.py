"""The MARC reader: catalogue records as library systems export them.

``read_marc(path) -> DataSet``, also registered as the :class:`Source`
:data:`MARC`.  Records are read with pymarc (https://pymarc.readthedocs.io);
what is taken from them, and how, is below.

Files
    ISO 2709 (``.mrc``, ``.dat``, ``.iso``: MARC 21 "transmission format")
    and MARCXML (``.xml``, the MARC 21 slim schema, with or without its
    namespace).  The ISO 2709 file is cut into records at each
    end-of-record mark (0x1D) and each piece is given to
    :class:`pymarc.Record`, so a record whose length in the leader is wrong
    loses only itself (pymarc's own reader reads by that length and loses
    every record after it), and the line breaks some systems put between
    records are skipped.  A record pymarc cannot parse (a damaged leader or
    directory, no fields, cut off at the end of the file) is skipped with a
    file warning (code ``record-skipped``) naming its number and byte
    offset; the others go on.  A broken MARCXML file keeps the records
    before the break, with a warning naming the line; none at all is a
    :class:`DataError`.
Characters
    Leader/09 ``a``: UTF-8.  Blank: MARC-8, decoded by pymarc, but checked
    first over the whole file: text that is valid UTF-8 is UTF-8 (systems
    often leave leader/09 blank), text with bytes MARC-8 does not define is
    a legacy single-byte code page (e.g. Windows-1251 Russian catalogues),
    guessed by charset-normalizer; either comes with a file warning.  A
    value that is not valid UTF-8 in a UTF-8 record is read as
    Windows-1252 with a warning.  MARCXML is Unicode as its XML declaration
    says.  The non-filing marks NSB/NSE (U+0088/U+0089, U+0098/U+009C) are
    removed; other control characters are left to the normaliser, which
    removes them with a warning.  Subfield delimiters never reach a value.
MARC 21 -> fields (MARC 21 Format for Bibliographic Data)
    title      245 $a, with $n $p (part number, part name) appended;
    subtitle   245 $b (245 $c, the statement of responsibility, is not used);
    author     100/110/111 then 700/710/711 (without $t: those name a
               work inside the book) $a, with $b (and $c for persons); dates
               $d and relators $e/$4 dropped; one value each, duplicates once;
    publisher  260 $b, else 264 (second indicator 1, publication) $b;
    year       008/07-10 (Date 1) when it is four digits and 260/264 $c
               is empty or holds it (``c2001.`` -> 2001); else 260 $c, 264
               (second indicator 1, else 4: copyright) $c as printed, for
               the normaliser to read;
    place      260/264 $a (several joined with ``"; "``);
    isbn       the first 020 $a that is a valid ISBN (qualifiers such as
               ``(pbk.)`` are the ISBN cleaner's); 020 $z (cancelled) never;
    issn       022 $a;
    call_number  the library's own: 852 $h $i (holdings), 952 $o (Koha
               items), 099, 090 ($a $b), 092, else 082 $a, else 050 $a $b;
    classification  082 $a (DDC, the ``/`` and ``'`` segmentation marks
               dropped: MARC 21 082 $a);
    summary    520 $a (several joined with a blank line);
    subject    600/610/611/630/650/651 $a (with $b $c $d of names and $t of
               works) and the subdivisions $v $x $y $z in field order,
               joined with ``" -- "``; duplicates once;
    edition    250 $a $b;  series  490 $a (``; $v``), else 440, else 830;
    collation  300 $a $b $c (a closing `` +`` before $e dropped);  language  008/35-37, else 041 $a;
    id         001;  cover_url  856 $u when it names an image (a ``.jpg``,
               ``.png``, ``.gif``, ``.webp`` path, ``$q image/...``, or
               ``$3`` saying cover or image), for the web-cover feature.
UNIMARC -> fields (IFLA UNIMARC Bibliographic)
    A record with field 200 and no 245 is UNIMARC: 200 $a title, $e
    subtitle; 700/701/710/711 authors ($a, ``, $b``); 210 (else 214) $a
    place, $c publisher, $d year; 010 $a ISBN; 011 $a ISSN; 205 edition; 225
    $a series; 330 summary; 600-607 subjects ($x $y $z $j); 676 $a Dewey
    (classification, and call number when there is no 852/952); 101 $a
    language; 215 collation; character set from 100 $a/26-27 (``50``:
    Unicode), else as above.
Punctuation
    The normaliser removes the ISBD punctuation that ends a title, author or
    publisher for every reader.  This reader removes only what MARC's
    splitting into subfields leaves: the mark before the next subfield
    (``Title :`` before $b, ``Hunt, Andrew,`` before $d, `` /`` before $c),
    MARC 21's field-ending period (not after an initial or an abbreviation
    such as ``ed.``), brackets left open or closed by the split
    (``[Washington, D.C.:`` ... ``Association]``), and the ISBD "unknown"
    placeholders ``[S.l.]``, ``[s.n.]``.

``Record.row`` is the record's 1-based number in the file; ``Record.line``
the line where it starts (ISO 2709 files rarely have line breaks, so mostly
1; MARCXML the line of its ``<record>``).  Every record goes through
:func:`normalize.normalize`, keyed by canonical field names.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings
import xml.sax
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymarc
from pymarc import exceptions as marc_errors
from pymarc.marc8 import MARC8ToUnicode
from pymarc.marcxml import XmlHandler
from stdnum import isbn as std_isbn

from ..errors import Diagnostic, Location, display_path
from . import DataSet
from .base import (
    CERTAIN,
    LIKELY,
    NOT_MINE,
    data_error,
    empty_file_error,
    file_warning,
    is_blank,
    read_bytes,
)
from .decode import peek_text
from .normalize import Row, normalize

# pymarc logs odd indicators at WARNING; a library must not print them on the
# user's terminal (Python's last-resort handler would).
logging.getLogger("pymarc").addHandler(logging.NullHandler())

END_OF_RECORD = b"\x1d"
_ISO_LEADER = re.compile(rb"\d{5}[ -~]{7}\d{5}[ -~]{3}4500")
_MARCXML_NS = re.compile(r"www\.loc\.gov/MARC21/slim", re.I)
_XML_RECORDS = re.compile(r"<(?:[\w.-]+:)?(?:collection|record)\b.*?"
                          r"<(?:[\w.-]+:)?(?:leader|controlfield|datafield)\b", re.S)
SKIPPED_HINT = ("the record is damaged in the file (the other records are read); export it "
                "again from the catalogue, or correct it in a MARC editor such as MarcEdit")

#: Non-filing marks (NSB/NSE in MARC 21 and UNIMARC, and the ISO 6429 string
#: marks some systems use): removed, they are not text.
_NON_FILING = str.maketrans("", "", "\x88\x89\x98\x9c")


class MarcSource:
    """MARC 21 and UNIMARC records: ISO 2709 files and MARCXML."""

    name = "marc"
    label = "MARC records, ISO 2709 or MARCXML"
    extensions = (".mrc", ".marc", ".dat", ".iso", ".xml", ".marcxml")
    media_types = ("application/marc", "application/marcxml+xml")
    #: reader options it takes (none: the registry refuses any with a DataError)
    read_options: tuple[str, ...] = ()

    def sniff(self, path: Path, head: bytes) -> float:
        """:data:`~base.CERTAIN` for a head that starts with a MARC leader
        (record length, base address, ``4500``) or is XML naming the MARC 21
        slim namespace; :data:`~base.LIKELY` for XML whose root is a
        ``collection`` or ``record`` holding ``leader``/``controlfield``/
        ``datafield`` elements; else :data:`~base.NOT_MINE`."""
        if _ISO_LEADER.match(head.lstrip(b" \r\n\t")):
            return CERTAIN
        text = peek_text(head)[:8192]
        if not text.lstrip(" \r\n\t\ufeff").startswith("<"):
            return NOT_MINE
        if _MARCXML_NS.search(text):
            return CERTAIN
        return LIKELY + 0.2 if _XML_RECORDS.search(text) else NOT_MINE

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_marc`; it takes no options (``TypeError`` if given)."""
        if options:
            raise TypeError(f"the MARC reader takes no options, got {', '.join(sorted(options))}")
        return read_marc(path)


MARC = MarcSource()
"""The MARC reader, as registered in :mod:`libmedia.sources.registry`."""


# --- a record, decoded ------------------------------------------------------------------------


@dataclass
class MarcField:
    """One field as text: ``tag``, indicators, ``subfields`` as
    ``(code, value)`` in order, ``data`` for a control field (001-009)."""

    tag: str
    ind1: str = " "
    ind2: str = " "
    subfields: list[tuple[str, str]] = field(default_factory=list)
    data: str = ""

    def get(self, *codes: str) -> list[str]:
        """Values of the subfields with one of ``codes``, in order."""
        return [v for c, v in self.subfields if c in codes]

    def first(self, code: str) -> str:
        return next((v for c, v in self.subfields if c == code), "")


@dataclass
class MarcRecord:
    """A record decoded to text: its ``leader`` and ``fields`` in order,
    and ``problems`` met decoding it (``(code, sentence)``)."""

    leader: str
    fields: list[MarcField]
    problems: list[tuple[str, str]] = field(default_factory=list)

    def all(self, *tags: str) -> list[MarcField]:
        return [f for f in self.fields if f.tag in tags]

    def control(self, tag: str) -> str:
        return next((f.data for f in self.fields if f.tag == tag), "")

    @property
    def unimarc(self) -> bool:
        """UNIMARC: a 200 (title and statement of responsibility) and no 245."""
        return bool(self.all("200")) and not self.all("245")


def _marc8(data: bytes) -> tuple[str, int]:
    """``data`` decoded from MARC-8 by pymarc, and how many characters it
    could not map (pymarc writes those to stderr; they are counted here)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        text = MARC8ToUnicode(quiet=False).translate(data)
    return text, err.getvalue().count("\n")


class _Decoder:
    """Bytes of one file's fields -> text, by the rules of the module docstring."""

    def __init__(self, legacy: str):
        self.legacy = legacy  # "marc-8", "utf-8" or a Python codec

    def text(self, data: bytes, utf8: bool, where: str, problems: list[tuple[str, str]]) -> str:
        if data.isascii() and b"\x1b" not in data:  # MARC-8 switches scripts with ESC
            return data.decode("ascii")
        codec = "utf-8" if utf8 else self.legacy
        if codec == "utf-8":
            try:
                return data.decode("utf-8").translate(_NON_FILING)
            except UnicodeDecodeError:
                problems.append(("encoding", f"{where} is not valid UTF-8 as the record says; "
                                 "read as Windows-1252 (check its accented letters)"))
                return data.decode("cp1252", errors="replace").translate(_NON_FILING)
        if codec == "marc-8":
            text, bad = _marc8(data)
            if bad:
                problems.append(("encoding", f"{where} has {bad} byte(s) MARC-8 does not define; "
                                 "each became a space"))
            return text
        return data.decode(codec, errors="replace").translate(_NON_FILING)


def _raw_values(rec: pymarc.Record) -> list[bytes]:
    out = []
    for f in rec.fields:
        if f.is_control_field():
            out.append(f.data or b"")
        else:
            out.extend(sf.value for sf in f.subfields)
    return out


#: How much text (whole values, in file order) decides a file's legacy encoding.
_SAMPLE_BYTES = 1 << 20


def _legacy_codec(records: list[pymarc.Record], path: Path) -> tuple[str, list[Diagnostic]]:
    """How to read the records whose leader/09 is not ``a`` (rules in the
    module docstring), judged from their first :data:`_SAMPLE_BYTES` of
    values: ``"marc-8"``, ``"utf-8"`` or a code page, with the file
    warning that says so."""
    values: list[bytes] = []
    size = 0
    for r in records:
        if r.leader[9] != "a" and not _unimarc_utf8(r):
            for v in _raw_values(r):
                values.append(v)
                size += len(v) + 1
        if size > _SAMPLE_BYTES:
            break
    sample = b"\n".join(values)
    if sample.isascii():
        return "marc-8", []
    try:
        sample.decode("utf-8")
        return "utf-8", [file_warning(path, "encoding", "the records say their text is MARC-8 "
                                      "(leader position 9 blank) but it is UTF-8; read as UTF-8")]
    except UnicodeDecodeError:
        pass
    _text, bad = _marc8(sample)
    if not bad:
        return "marc-8", []
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    codec = best.encoding if best is not None and best.chaos <= 0.2 else "cp1252"
    return codec, [file_warning(path, "encoding", (
        f"the records say their text is MARC-8 (leader position 9 blank) but {bad} of its "
        f"characters are not MARC-8: read as {codec} (guessed from the bytes; check accented "
        "and non-Latin letters), or export the records again as UTF-8"))]


def _unimarc_utf8(rec: pymarc.Record) -> bool:
    """A UNIMARC record whose 100 $a/26-27 says ``50`` (ISO 10646, Unicode)."""
    if rec.get_fields("245") or not rec.get_fields("200"):
        return False
    for f in rec.get_fields("100"):
        for sf in f.subfields:
            value = sf.value
            if sf.code == "a" and len(value) >= 28:
                return value[26:28] == b"50"
    return False


def _decode_record(rec: pymarc.Record, decoder: _Decoder) -> MarcRecord:
    """A raw pymarc record (``to_unicode=False``) as a :class:`MarcRecord`."""
    utf8 = rec.leader[9] == "a" or _unimarc_utf8(rec)
    problems: list[tuple[str, str]] = []
    fields: list[MarcField] = []
    for f in rec.fields:
        if f.is_control_field():
            fields.append(MarcField(f.tag, data=decoder.text(f.data or b"", utf8, f"field {f.tag}",
                                                               problems)))
            continue
        subs = [(sf.code, decoder.text(sf.value, utf8, f"field {f.tag} ${sf.code}", problems))
                for sf in f.subfields]
        fields.append(MarcField(f.tag, f.indicator1 or " ", f.indicator2 or " ", subs))
    return MarcRecord(str(rec.leader), fields, problems)


def _from_unicode(rec: pymarc.Record) -> MarcRecord:
    """A pymarc record already in Unicode (MARCXML) as a :class:`MarcRecord`."""
    fields = []
    for f in rec.fields:
        if f.is_control_field():
            fields.append(MarcField(f.tag, data=(f.data or "").translate(_NON_FILING)))
        else:
            fields.append(MarcField(f.tag, f.indicator1 or " ", f.indicator2 or " ",
                                    [(sf.code, sf.value.translate(_NON_FILING))
                                     for sf in f.subfields]))
    return MarcRecord(str(rec.leader), fields)


# --- reading ISO 2709 ---------------------------------------------------------------------------

_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (marc_errors.RecordLeaderInvalid, "its leader is not 24 characters long"),
    (marc_errors.BaseAddressNotFound, "its leader gives no base address of data (positions "
                                      "12-16)"),
    (marc_errors.BaseAddressInvalid, "the base address of data in its leader (positions 12-16) "
                                     "points past the record"),
    (marc_errors.TruncatedRecord, "it is shorter than the length its leader gives (cut off)"),
    (marc_errors.RecordDirectoryInvalid, "its directory (the list of fields after the leader) "
                                         "is damaged"),
    (marc_errors.NoFieldsFound, "it has no fields"),
    (UnicodeDecodeError, "its leader or directory holds bytes that are not digits or letters"),
    (marc_errors.BadLeaderValue, "its leader is not 24 characters"),
    (KeyError, "a field has no tag, or a subfield no code"),
    (ValueError, "a number in its leader or directory is not a number"),
)


def _reason(exc: BaseException) -> str:
    return next((text for kind, text in _REASONS if isinstance(exc, kind)),
                f"pymarc cannot parse it ({type(exc).__name__}: {exc})")


def _skipped(path: Path, number: int, offset: int, reason: str) -> Diagnostic:
    """A record of an ISO 2709 file that cannot be read (its place is the
    byte ``offset``: such files rarely have lines)."""
    return Diagnostic.warning(f"record {number} (byte {offset}) is skipped: {reason}",
                              Location(file=display_path(path), row=number),
                              "record-skipped", SKIPPED_HINT)


@dataclass
class _Found:
    """One record found in a file: its number, line, and the record."""

    number: int
    line: int
    record: MarcRecord
    encoding: str = "utf-8"


def _damaged(caught: list[warnings.WarningMessage]) -> list[bytes]:
    """The raw subfields pymarc warned have a code that is not ASCII."""
    return [bytes(getattr(w.message, "subf", b"")) for w in caught
            if isinstance(w.message, marc_errors.BadSubfieldCodeWarning)]


def _repair_codes(rec: pymarc.Record, caught: list[warnings.WarningMessage]) -> None:
    """pymarc reads a subfield whose code is damaged (``\\x1f`` + U+FFFD +
    ``b...``) as code ``b`` but keeps the ``b`` in the value: drop it."""
    damaged = set(_damaged(caught))
    for f in rec.fields:
        if f.is_control_field():
            continue
        for i, sf in enumerate(f.subfields):
            for raw in damaged:
                if raw.endswith(sf.value) and sf.value[:1] == sf.code.encode() and \
                        not raw[:len(raw) - len(sf.value)].isascii():
                    f.subfields[i] = pymarc.Subfield(sf.code, sf.value[1:])


def _read_iso(path: Path, data: bytes) -> tuple[list[_Found], list[Diagnostic]]:
    raw: list[tuple[int, int, pymarc.Record, list[str]]] = []
    warns: list[Diagnostic] = []
    number, pos, line = 0, 0, 1
    while pos < len(data):
        end = data.find(END_OF_RECORD, pos)
        stop = len(data) if end < 0 else end + 1
        piece = data[pos:stop]
        lead = len(piece) - len(piece.lstrip(b" \r\n\t\x00\x1a"))
        start = pos + lead
        line += data.count(b"\n", pos, start)
        if start >= stop:
            pos = stop
            continue
        number += 1
        chunk = data[start:stop]
        if end < 0:
            warns.append(_skipped(path, number, start, "the file ends inside it (no "
                                  "end-of-record mark: the file was cut off)"))
        else:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    rec = pymarc.Record(chunk, to_unicode=False)
                except Exception as exc:  # pymarc raises many kinds; each is one bad record
                    warns.append(_skipped(path, number, start, _reason(exc)))
                    rec = None
            if rec is not None:
                _repair_codes(rec, caught)
                raw.append((number, line, rec, [repr(d[:12]) for d in _damaged(caught)]))
        line += data.count(b"\n", start, stop)
        pos = stop
    legacy, notes = _legacy_codec([r for _, _, r, _ in raw], path)
    warns[:0] = notes
    decoder = _Decoder(legacy)
    found = []
    for number, line, rec, bad in raw:
        decoded = _decode_record(rec, decoder)
        for shown in bad:
            decoded.problems.append(("marc-subfield", f"a subfield code is damaged "
                                     f"({shown}); read as the letter after the damage: check this record"))
        utf8 = rec.leader[9] == "a" or _unimarc_utf8(rec)
        found.append(_Found(number, line, decoded, "utf-8" if utf8 else legacy))
    return found, warns


# --- reading MARCXML ---------------------------------------------------------------------------


class _Handler(XmlHandler):
    """pymarc's MARCXML handler, noting the number and line of each
    ``<record>``; a record pymarc cannot build (a leader that is not 24
    characters, a field without its tag) is noted in ``bad`` and dropped."""

    def __init__(self) -> None:
        super().__init__(strict=False)
        self.found: list[tuple[int, int, pymarc.Record]] = []
        self.bad: list[tuple[int, int, str]] = []
        self.notes: dict[int, list[tuple[str, str]]] = {}
        self._locator: Any = None
        self._number = 0
        self._line = 0

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802 (SAX's name)
        self._locator = locator

    def _drop(self, exc: Exception) -> None:
        if self._record is not None:
            self.bad.append((self._number, self._line, _reason(exc)))
        self._record = self._field = None

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:  # noqa: N802
        if name[1] == "record":
            self._number += 1
            self._line = self._locator.getLineNumber() if self._locator is not None else 0
        try:
            super().startElementNS(name, qname, attrs)
        except (KeyError, ValueError, marc_errors.PymarcException) as exc:
            self._drop(exc)

    def endElementNS(self, name: Any, qname: Any) -> None:  # noqa: N802
        try:
            super().endElementNS(name, qname)
        except (marc_errors.RecordLeaderInvalid, marc_errors.BadLeaderValue):
            # the leader is not used for MARCXML (it is Unicode): keep the record
            self._text = []
            self.notes.setdefault(self._number, []).append(
                ("marc-leader", "the record's leader is not 24 characters long; it is ignored"))
        except (KeyError, ValueError, marc_errors.PymarcException) as exc:
            self._drop(exc)

    def process_record(self, record: pymarc.Record) -> None:
        self.found.append((self._number, self._line, record))


def _read_xml(path: Path, data: bytes) -> tuple[list[_Found], list[Diagnostic]]:
    handler = _Handler()
    parser = xml.sax.make_parser()
    parser.setContentHandler(handler)
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    warns: list[Diagnostic] = []
    try:
        parser.parse(source)
    except xml.sax.SAXParseException as exc:
        where = f"line {exc.getLineNumber()}, column {exc.getColumnNumber() + 1}"
        if not handler.found:
            raise data_error(path, f"this MARCXML file is not well-formed XML: "
                             f"{exc.getMessage()} ({where})",
                             "export the records again; an XML checker shows the spot",
                             exc.getLineNumber()) from None
        warns.append(Diagnostic.warning(
            f"the XML breaks off at {where} ({exc.getMessage()}): the {len(handler.found)} "
            "records before it are read, anything after it is not",
            Location(file=display_path(path), line=exc.getLineNumber()), "xml-broken",
            "export the records again; an XML checker shows the spot"))
    for number, line, reason in handler.bad:
        warns.append(Diagnostic.warning(
            f"record {number} (line {line}) is skipped: {reason}",
            Location(file=display_path(path), row=number, line=line), "record-skipped",
            SKIPPED_HINT))
    found = []
    for n, line, rec in handler.found:
        item = _Found(n, line, _from_unicode(rec))
        item.record.problems.extend(handler.notes.get(n, []))
        found.append(item)
    return found, warns


# --- MARC -> fields ------------------------------------------------------------------------------

#: Marks of punctuation ISBD puts before the next element (and MARC keeps at
#: the end of the subfield before it).
_TRAILING_MARK = re.compile(r"\s*[/:;=,]+\s*$")
#: Words that end in a period of their own (an abbreviation), compared
#: lower case: a field-ending period after them is kept.
_ABBREVIATIONS = frozenset("ed eds jr sr inc co ltd etc st dr mr mrs ms no vol pt ca fl jil cet "
                           "dkk bros corp dept rev enl repr illus ill".split())


def _drop_end_period(value: str) -> str:
    """``value`` without MARC 21's field-ending period, unless the period
    ends an initial (``Smith, J.``) or an abbreviation (``2nd ed.``)."""
    if not value.endswith(".") or value.endswith(".."):
        return value
    word = re.split(r"[\s.,(]+", value[:-1])[-1]
    if len(word) <= 1 or word.lower() in _ABBREVIATIONS:
        return value
    return value[:-1].rstrip()


_UNKNOWN = re.compile(r"^\[?\s*(?:s\.\s?l\.|s\.\s?n\.|n\.\s?p\.|sine loco|sine nomine)\s*\]?$", re.I)


def _trim(value: str, period: bool = True) -> str:
    """``value`` without the ISBD mark before the next subfield, the
    field-ending period (when ``period``) and a bracket left open or closed
    by the split into subfields."""
    value = value.strip()
    for _ in range(2):
        value = _TRAILING_MARK.sub("", value)
        if period:
            value = _drop_end_period(value)
    if value.startswith("[") and "]" not in value:
        value = value[1:]
    if value.endswith("]") and "[" not in value:
        value = value[:-1]
    value = value.strip()
    return "" if _UNKNOWN.match(value) else value


def _join(parts: list[str], sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for v in values:
        key = v.casefold()
        if v and key not in seen:
            seen.add(key)
            out.append(v)
    return out


_ISBN_TOKEN = re.compile(r"[0-9][0-9 -]{8,15}[0-9Xx]")


def _is_valid_isbn(value: str) -> bool:
    """A quick check (no hyphenation) that ``value`` starts with a valid ISBN."""
    m = _ISBN_TOKEN.search(value)
    return bool(m) and std_isbn.is_valid(m.group(0).replace(" ", "").replace("-", ""))


def _isbn(values: list[str]) -> str:
    """The first value that holds a valid ISBN, else the first value (so the
    normaliser names the problem); the normaliser reads it
    (:func:`isbn.parse_isbn`: qualifiers such as ``(pbk.)``, hyphens)."""
    values = [v.strip() for v in values if v.strip()]
    if len(values) <= 1:
        return values[0] if values else ""
    return next((v for v in values if _is_valid_isbn(v)), values[0])


def _names(rec: MarcRecord, tags: tuple[str, ...], person_codes: str, corporate: tuple[str, ...]
           ) -> list[str]:
    out = []
    for f in rec.all(*tags):
        if f.get("t"):
            continue
        if f.tag in corporate:  # "Universitas Indonesia. Fakultas Ilmu Budaya."
            out.append(_trim(_join([v.strip() for v in f.get("a", "b")])))
            continue
        out.append(_join([_trim(v) for c, v in f.subfields if c in person_codes], ", "))
    return _unique(out)


_SUBJECT_HEAD = {"600": "abcdt", "610": "abt", "611": "act", "630": "a", "650": "a", "651": "a",
                 "606": "a", "607": "a", "600u": "ab", "601": "ab", "605": "a", "602": "a",
                 "604": "a"}
_SUBDIVISIONS = "vxyz"


def _subjects(rec: MarcRecord, tags: tuple[str, ...], unimarc: bool) -> list[str]:
    out = []
    for f in rec.all(*tags):
        head_codes = _SUBJECT_HEAD.get(f.tag + ("u" if unimarc and f.tag == "600" else ""), "a")
        head, subs = [], []
        for code, value in f.subfields:
            if code in head_codes and not subs:
                head.append(_trim(value))
            elif code in _SUBDIVISIONS or (unimarc and code == "j"):
                subs.append(_trim(value))
        joiner = ", " if f.tag in ("600",) and not unimarc else " "
        main = _join(head, joiner)
        out.append(_join([main, *subs], " -- "))
    return _unique(out)


_IMAGE_URL = re.compile(r"\.(?:jpe?g|png|gif|webp)(?:[?#].*)?$", re.I)


def _cover_url(rec: MarcRecord) -> str:
    for f in rec.all("856"):
        hint = " ".join(f.get("3", "y", "z")).lower()
        media = " ".join(f.get("q")).lower()
        for url in f.get("u"):
            url = url.strip()
            if _IMAGE_URL.search(url) or media.startswith("image") or \
                    any(w in hint for w in ("cover", "image", "sampul", "thumbnail")):
                return url
    return ""


def _dewey(value: str) -> str:
    """A DDC number without MARC 21 082's segmentation marks (``/``, ``'``)."""
    return value.replace("/", "").replace("'", "").strip()


def _marc21_cells(rec: MarcRecord) -> dict[str, str]:
    cells: dict[str, str] = {"id": rec.control("001").strip()}
    t = next(iter(rec.all("245")), None)
    if t is not None:
        cells["title"] = _trim(_join([v.strip() for v in t.get("a", "n", "p")]))
        cells["subtitle"] = _join([_trim(v) for v in t.get("b")], " ")
    authors = _names(rec, ("100", "110", "111"), "abc", ("110", "111")) + \
        _names(rec, ("700", "710", "711"), "abc", ("710", "711"))
    cells["author"] = "; ".join(_unique(authors))
    pub = rec.all("260") or [f for f in rec.all("264") if f.ind2 == "1"]
    cells["publisher"] = "; ".join(_unique([_trim(v) for f in pub for v in f.get("b")]))
    cells["place"] = "; ".join(_unique([_trim(v) for f in pub for v in f.get("a")]))
    years = [v for f in pub for v in f.get("c")] or \
        [v for f in rec.all("264") if f.ind2 == "4" for v in f.get("c")]
    fixed = rec.control("008")
    cells["year"] = _year(years[0] if years else "", fixed[7:11])
    cells["isbn"] = _isbn([v for f in rec.all("020") for v in f.get("a")])
    cells["issn"] = next((v.strip() for f in rec.all("022") for v in f.get("a")), "")
    dewey = next((_dewey(v) for f in rec.all("082") for v in f.get("a")), "")
    cells["classification"] = dewey
    cells["call_number"] = _call_number(rec, dewey, [_join([v.strip() for v in f.get("a", "b")])
                                                     for f in rec.all("050")])
    cells["summary"] = "\n\n".join(_join(f.get("a", "b")).strip() for f in rec.all("520"))
    cells["subject"] = "; ".join(_subjects(rec, ("600", "610", "611", "630", "650", "651"), False))
    cells["edition"] = _join([_trim(v, period=False) for f in rec.all("250")[:1]
                              for v in f.get("a", "b")])
    cells["series"] = _series(rec, ("490", "440", "830"))
    cells["collation"] = _join([v.strip() for f in rec.all("300")[:1]
                                for v in f.get("a", "b", "c")]).rstrip(" +")
    lang = fixed[35:38].strip() if len(fixed) >= 38 else ""
    if not re.fullmatch(r"[a-z]{3}", lang) or lang in ("und", "zxx", "mul"):
        lang = next((v[:3] for f in rec.all("041") for v in f.get("a") if v[:3].isalpha()), lang)
    cells["language"] = lang if re.fullmatch(r"[a-z]{3}", lang or "") else ""
    cells["cover_url"] = _cover_url(rec)
    return cells


def _year(printed: str, coded: str) -> str:
    """The year: 008/07-10 (Date 1, the coded year) when it is four digits
    and the printed 260/264 $c is empty or holds that year (``c2001.``,
    ``[2004]``); otherwise the printed value, for the normaliser."""
    printed = _trim(printed, period=False).rstrip(".")
    if re.fullmatch(r"\d{4}", coded) and coded not in ("0000", "9999") and \
            (not printed or coded in printed):
        return coded
    return printed


def _series(rec: MarcRecord, tags: tuple[str, ...]) -> str:
    for tag in tags:
        for f in rec.all(tag):
            name = _join([_trim(v) for v in f.get("a")])
            number = _join([_trim(v) for v in f.get("v")])
            if name:
                return f"{name} ; {number}" if number else name
    return ""


def _call_number(rec: MarcRecord, dewey: str, lc: list[str]) -> str:
    """The library's own call number first (see the module docstring)."""
    for f in rec.all("852"):
        value = _join([v.strip() for v in f.get("k", "h", "i", "m")])
        if value:
            return value
    for f in rec.all("952"):
        if f.first("o").strip():
            return f.first("o").strip()
    for tag in ("099", "090", "092"):
        for f in rec.all(tag):
            value = _join([v.strip() for v in f.get("a", "b")])
            if value:
                return value
    return dewey or next((v for v in lc if v), "")


def _unimarc_cells(rec: MarcRecord) -> dict[str, str]:
    cells: dict[str, str] = {"id": rec.control("001").strip()}
    t = rec.all("200")[0]
    cells["title"] = _join([_trim(v) for v in t.get("a")[:1]])
    cells["subtitle"] = _join([_trim(v) for v in t.get("e")], " : ")
    authors = []
    for f in rec.all("700", "701", "710", "711"):
        surname = _trim(f.first("a"))
        given = _trim(f.first("b").lstrip(" ,"))
        if f.tag in ("710", "711"):
            authors.append(_join([surname, given]))
        else:
            authors.append(f"{surname}, {given}" if given else surname)
    cells["author"] = "; ".join(_unique(authors))
    pub = rec.all("210") or rec.all("214")
    cells["place"] = "; ".join(_unique([_trim(v) for f in pub for v in f.get("a")]))
    cells["publisher"] = "; ".join(_unique([_trim(v) for f in pub for v in f.get("c")]))
    years = [v for f in pub for v in f.get("d")]
    cells["year"] = _trim(years[0], period=False).rstrip(".") if years else ""
    cells["isbn"] = _isbn([v for f in rec.all("010") for v in f.get("a")])
    cells["issn"] = next((v.strip() for f in rec.all("011") for v in f.get("a")), "")
    dewey = next((_dewey(v) for f in rec.all("676") for v in f.get("a")), "")
    cells["classification"] = dewey
    cells["call_number"] = _call_number(rec, dewey, [])
    cells["summary"] = "\n\n".join(_join(f.get("a")).strip() for f in rec.all("330"))
    cells["subject"] = "; ".join(_subjects(rec, ("600", "601", "602", "604", "605", "606", "607"),
                                           True))
    cells["edition"] = _join([_trim(v, period=False) for f in rec.all("205")[:1]
                              for v in f.get("a", "b")])
    cells["series"] = _series(rec, ("225", "410"))
    cells["collation"] = _join([v.strip() for f in rec.all("215")[:1]
                                for v in f.get("a", "c", "d")])
    cells["language"] = next((v.strip() for f in rec.all("101") for v in f.get("a")), "")
    cells["cover_url"] = _cover_url(rec)
    return cells


def record_cells(rec: MarcRecord) -> dict[str, str]:
    """A decoded record's values under canonical field names (``title``,
    ``author`` as ``"; "``-joined headings, ``cover_url``...), by the MARC 21
    or UNIMARC rules of the module docstring."""
    return _unimarc_cells(rec) if rec.unimarc else _marc21_cells(rec)


# --- the reader -----------------------------------------------------------------------------------


def _is_xml(data: bytes) -> bool:
    return peek_text(data[:4096]).lstrip(" \r\n\t\ufeff").startswith("<")


def read_marc(path: Path) -> DataSet:
    """Read a MARC file (ISO 2709 or MARCXML) into a :class:`DataSet` (rules
    in the module docstring): one record per MARC record, in file order,
    with canonical fields and per-record warnings; each record that cannot
    be read is a file warning (``record-skipped``) with its number and byte
    offset, and the others are read.

    Raises :class:`DataError` naming the file when it is missing, empty, or
    MARCXML that is not well-formed before its first record.
    """
    path = Path(path)
    data = read_bytes(path, MARC.extensions)
    if is_blank(data):
        raise empty_file_error(path)
    found, warns = (_read_xml if _is_xml(data) else _read_iso)(path, data)
    rows = [Row(item.number, item.line, record_cells(item.record), list(item.record.problems))
            for item in found]
    unimarc = [item.number for item in found if item.record.unimarc]
    if unimarc:
        warns.append(file_warning(path, "unimarc", (
            f"{len(unimarc)} of the {len(found)} records are UNIMARC (a field 200 and no 245): "
            "read by the UNIMARC field rules")))
    table = normalize(path, None, rows)
    if not table.records and not warns:
        warns.append(file_warning(path, "no-records", "the file holds no records"))
    encodings = list(dict.fromkeys(item.encoding for item in found))
    return DataSet(path=path, records=table.records, columns=table.headers,
                   mapping=table.plan.mapping, encoding=", ".join(encodings) or "utf-8",
                   delimiter="", warnings=warns, reader=MARC.name)
