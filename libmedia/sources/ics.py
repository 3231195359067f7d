"""The iCalendar reader: a library's event calendar (``.ics``) as event records.

``read_ics(path, date_from=None, date_to=None) -> DataSet``, also registered
as the :class:`~libmedia.sources.base.Source` :data:`ICS`.  Parsing is
icalendar's (RFC 5545, RFC 7986), recurrence recurring-ical-events',
Google's ``X-WR-TIMEZONE`` x-wr-timezone's; this module decides what an
event poster needs from them.

Which events: the window
    Every occurrence that takes place on a day from ``date_from`` to
    ``date_to`` (both included, each event's own local days) becomes one
    record: a one-off event in the window once, a recurring one once per
    session (``RRULE``, ``RDATE``; ``EXDATE`` in local or UTC form removes
    one; a ``RECURRENCE-ID`` component moves or cancels one).  Defaults:
    from :func:`libmedia.jobs.today` to :data:`DEFAULT_DAYS` (90) days
    later (``libmedia batch --from/--to``).  An occurrence with
    ``STATUS:CANCELLED`` makes no post; a note says so.  Records are in
    date order (ties in file order).
Fields (canonical names of :mod:`libmedia.sources.fields`)
    ``title`` ``SUMMARY``; ``date``/``end_date`` the first and last day
    (ISO, ``end_date`` only for several days); ``time``/``end_time``
    (``HH:MM``, none for an all-day event; a timed event over several
    days has its start time only, since ``15.00-11.00`` over three days
    would read as a daily session, and its end in ``ends``,
    ``2027-06-06 11:00``); ``timezone``; ``place``
    ``LOCATION`` (its line breaks as ", "); ``url`` ``URL``; ``summary``
    ``DESCRIPTION`` as plain text (HTML in it is turned into text; the
    ``X-ALT-DESC`` HTML only when there is no ``DESCRIPTION``); ``subject``
    the ``CATEGORIES`` (several lines and values, escaped commas kept inside
    a category); ``cover`` the picture (below); ``cover_url`` its web
    address, when it has one; ``uid`` the ``UID``.
Days (RFC 5545 3.6.1: ``DTEND`` is exclusive)
    a ``VALUE=DATE`` event from ``20270512`` to ``20270515`` is 12-14 May;
    no ``DTEND`` (and no ``DURATION``) is one day; ``DTEND`` equal to
    ``DTSTART`` is read as one day, with a note (``dtend-equals-dtstart``);
    midnight to midnight (``T000000`` to ``T000000`` days later) and an
    Exchange/Outlook all-day flag (``X-MICROSOFT-CDO-ALLDAYEVENT:TRUE``) are
    all-day events (no time is printed); a timed event ending at midnight
    ends on the day before.
Time zones (case C46)
    The zone printed comes from each occurrence's UTC offset, never from the
    zone's name: +7 ``WIB``, +8 ``WITA``, +9 ``WIT`` (Keppres 41/1987), 0
    ``UTC``, else ``UTC+5:30`` / ``UTC-3``
    (:func:`libmedia.eventtime.parse_zone` reads them all).  So Outlook's
    Windows names (``SE Asia Standard Time``), a custom ``VTIMEZONE`` and an
    IANA name all work the same.  Google's UTC times are put in the
    calendar's ``X-WR-TIMEZONE`` first.  A floating time (no zone at all) is
    printed as written, never moved by this computer's zone; the brand kit's
    zone then applies.  Each file is read on its own: icalendar 7 remembers
    a ``VTIMEZONE`` seen in one file for the whole process (the first
    definition of a name wins), so its cache is emptied before every file.
Pictures (RFC 7986 ``IMAGE``, RFC 5545 ``ATTACH``)
    Preferred: an ``IMAGE`` shown full size or as a thumbnail, then an
    ``ATTACH`` of an image type, then any ``IMAGE`` (a badge).  An inline
    picture (``ENCODING=BASE64;VALUE=BINARY``) is written once to the cache
    folder (:func:`image_cache_dir`, named by its SHA-256, so a rerun writes
    nothing) and ``cover`` is that file; a web address (``http``/``https``)
    goes into ``cover_url`` only, for a step that downloads covers: libmedia
    draws no picture from it (the event template fails a post whose
    ``cover`` is a web address).  Other URI schemes (``cid:``, ``data:``)
    are not used.
Text (case C49)
    Folded lines are unfolded on the raw bytes before decoding (a fold may
    split a multi-byte character); the text is UTF-8 (a byte-order mark is
    dropped), else read as Windows-1252 with a warning.  ``\\,`` ``\\;``
    ``\\n`` escapes are undone by icalendar.  A UTF-16 file (with its
    byte-order mark) is read too.
Rows and problems
    ``Record.row`` is the event's 1-based number among the file's
    ``VEVENT`` components (every occurrence of a recurring event has its
    series' number; a moved occurrence the number of its own component),
    ``Record.line`` the line of its ``BEGIN:VEVENT``.  An event that cannot
    be used (no ``DTSTART``, an impossible date, two ``DTSTART`` lines, a
    rule recurring-ical-events cannot expand) is left out with a warning
    (``event-skipped``) naming its row, line and property; the others go on.
    A line that is not ``NAME:value`` is left out with a warning
    (``ics-line``); a file cut off before its ``END`` lines is closed with a
    warning (``ics-truncated``).  A file that is not a calendar, holds no
    event, no usable event, or none in the window raises
    :class:`~libmedia.errors.DataError` naming the file, with a hint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import DataError, Diagnostic, Location, ProblemList, display_path
from . import DataSet
from .base import (
    CERTAIN,
    LIKELY,
    NOT_MINE,
    POSSIBLE,
    data_error,
    empty_file_error,
    file_warning,
    is_blank,
    read_bytes,
)
from .normalize import Row, normalize

DEFAULT_DAYS = 90
"""Days after ``date_from`` that the default window reaches (``date_to``)."""

#: The options :meth:`IcsSource.read` takes (``libmedia batch --from/--to``).
OPTIONS = ("date_from", "date_to")

#: Largest inline picture written out, in bytes (a poster is rarely 5 MB).
MAX_INLINE_IMAGE = 20 * 1024 * 1024

#: Image signatures of inline pictures -> file extension.
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF8", "gif"),
                (b"RIFF", "webp"))

_INDONESIAN = {7 * 60: "WIB", 8 * 60: "WITA", 9 * 60: "WIT"}
_CONTENT_LINE = re.compile(rb"^[A-Za-z0-9-]+[;:]")
_BEGIN_END = re.compile(rb"^(BEGIN|END):([A-Za-z0-9-]+)\s*$", re.IGNORECASE)
_SIGNATURE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*BEGIN:VCALENDAR", re.IGNORECASE)
_HTML_TAG = re.compile(r"<\s*/?\s*(?:p|br|b|i|u|a|div|span|strong|em|ul|ol|li|html|body|h[1-6]"
                       r"|table|tr|td|font)\b[^>]*>", re.IGNORECASE)
#: Properties whose problem makes an event unusable (its days cannot be known).
_TIMING = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
_ROW = "X-LIBMEDIA-ROW"

ICS_HINT = ("export the calendar again as an .ics file (Google Calendar: Settings > Import & "
            "export > Export; Outlook: File > Save Calendar)")


class IcsSource:
    """iCalendar files (``.ics``): one record per event occurrence."""

    name = "ics"
    label = "iCalendar events"
    extensions = (".ics", ".ical", ".icalendar")
    media_types = ("text/calendar",)
    read_options = OPTIONS

    def sniff(self, path: Path, head: bytes) -> float:
        """:data:`~base.CERTAIN` when the head starts with ``BEGIN:VCALENDAR``
        (after a byte-order mark and white space); :data:`~base.LIKELY` when
        a ``BEGIN:VEVENT`` line is in it; :data:`~base.POSSIBLE` for another
        text file named ``.ics`` (so it is refused as a calendar, with the
        right advice); else :data:`~base.NOT_MINE`."""
        if _SIGNATURE.match(_utf16_as_utf8(head)):
            return CERTAIN
        if re.search(rb"(?m)^BEGIN:VEVENT\r?$", head):
            return LIKELY
        if path.suffix.lower() in self.extensions and b"\x00" not in head[:4096]:
            return POSSIBLE
        return NOT_MINE

    def read(self, path: Path, **options: Any) -> DataSet:
        """:func:`read_ics` with ``date_from``/``date_to`` (``TypeError`` for
        any other option)."""
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise TypeError(f"the iCalendar reader takes no option {', '.join(unknown)}")
        return read_ics(path, **options)


ICS = IcsSource()
"""The iCalendar reader, as registered in :mod:`libmedia.sources.registry`."""


# --- the raw file ------------------------------------------------------------


@dataclass
class _Lines:
    """The file as logical (unfolded) content lines with their first
    physical line numbers, and what was mended on the way."""

    lines: list[tuple[int, bytes]]
    warnings: list[Diagnostic] = field(default_factory=list)
    #: 1-based line of each BEGIN:VEVENT, in file order
    events: list[int] = field(default_factory=list)
    #: per event (same order): property name -> its first line
    props: list[dict[str, int]] = field(default_factory=list)


def _unfold(path: Path, data: bytes) -> _Lines:
    """Unfold RFC 5545 3.1 content lines on the raw bytes (a CRLF or LF
    followed by one space or tab joins the next line), drop blank lines and
    lines that are not ``NAME:value`` (warning ``ics-line``), and close
    components a cut-off file leaves open (warning ``ics-truncated``)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    out = _Lines([])
    for number, physical in enumerate(data.split(b"\n"), 1):
        physical = physical.removesuffix(b"\r")
        if physical[:1] in (b" ", b"\t") and out.lines:
            line, text = out.lines[-1]
            out.lines[-1] = (line, text + physical[1:])
        elif physical.strip():
            out.lines.append((number, physical))
    kept: list[tuple[int, bytes]] = []
    stack: list[str] = []
    where = display_path(path)
    for number, text in out.lines:
        if not _CONTENT_LINE.match(text):
            shown = text[:60].decode("utf-8", "replace")
            out.warnings.append(Diagnostic.warning(
                f"line {number} ({shown!r}) is not a calendar line (NAME:value); it was left out",
                Location(file=where, line=number), "ics-line"))
            continue
        m = _BEGIN_END.match(text)
        if m:
            name = m[2].upper().decode("ascii")
            if m[1].upper() == b"BEGIN":
                stack.append(name)
                if name == "VEVENT":
                    out.events.append(number)
                    out.props.append({})
            elif name in stack:
                while stack and stack.pop() != name:
                    pass
        elif stack and stack[-1] == "VEVENT" and out.props:
            prop = re.match(rb"[A-Za-z0-9-]+", text)[0].upper().decode("ascii")
            out.props[-1].setdefault(prop, number)
        kept.append((number, text))
    if stack:
        last = out.lines[-1][0] if out.lines else 1
        out.warnings.append(Diagnostic.warning(
            f"the file ends inside {' > '.join(stack)} (no END:{stack[-1]}): it may have been "
            "cut off; what is there was read", Location(file=where, line=last), "ics-truncated",
            hint="download or export the calendar again"))
        kept += [(last, b"END:" + name.encode()) for name in reversed(stack)]
    out.lines = kept
    return out


def _utf16_as_utf8(data: bytes) -> bytes:
    """A UTF-16 file (with its byte-order mark, as Windows' Notepad saves
    "Unicode") as UTF-8 bytes; other bytes unchanged."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace").encode("utf-8")
    return data


def _decode(path: Path, data: bytes) -> tuple[str, str, list[Diagnostic]]:
    """``(text, encoding, warnings)``: UTF-8, else Windows-1252 with a warning."""
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return data.decode("cp1252", "replace"), "cp1252", [file_warning(
            path, "encoding", f"the calendar is not UTF-8 text (line {line}); it was read as "
            "Windows-1252: check accented letters")]


# --- time ----------------------------------------------------------------------


def zone_label(moment: datetime) -> str:
    """The zone a poster prints for ``moment``, from its UTC offset alone:
    ``WIB``/``WITA``/``WIT`` for +7/+8/+9, ``UTC`` for 0, else ``UTC+5:30``
    or ``UTC-3``; ``""`` for a floating (naive) time."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    minutes = round(offset.total_seconds() / 60)
    if minutes in _INDONESIAN:
        return _INDONESIAN[minutes]
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")


def _is_true(value: Any) -> bool:
    return value is not None and str(value).strip().upper() == "TRUE"


@dataclass(frozen=True)
class Span:
    """When one occurrence happens, as a poster says it: ``first``/``last``
    day, ``start``/``end`` time of day (``None`` for an all-day event),
    ``zone`` label (:func:`zone_label`) and ``notes`` (``(code, sentence)``)."""

    first: date
    last: date
    start: time | None = None
    end: time | None = None
    zone: str = ""
    notes: tuple[tuple[str, str], ...] = ()


def occurrence_span(start: date | datetime, end: date | datetime | None,
                    all_day_flag: bool = False) -> Span:
    """The :class:`Span` of an occurrence from ``start`` to ``end``
    (``DTEND``, exclusive as RFC 5545 3.6.1 says; ``None`` when the event
    gives neither ``DTEND`` nor ``DURATION``).

    All-day: ``start`` a date, ``all_day_flag`` (Exchange's
    ``X-MICROSOFT-CDO-ALLDAYEVENT``), or midnight to a later midnight.
    Times keep their own zone (an end in another zone is moved into the
    start's); seconds are dropped.
    """
    notes: list[tuple[str, str]] = []
    if isinstance(start, datetime) and isinstance(end, datetime):
        if start.tzinfo is not None and end.tzinfo is not None:
            end = end.astimezone(start.tzinfo)
        elif (start.tzinfo is None) != (end.tzinfo is None):
            end = end.replace(tzinfo=start.tzinfo)
    timed = isinstance(start, datetime)
    midnight = (timed and isinstance(end, datetime) and start.time() == time(0)
                and end.time() == time(0) and end > start)
    if not timed or all_day_flag or midnight:
        first = start.date() if timed else start
        stop = end.date() if isinstance(end, datetime) else end
        if stop is None or stop < first:
            last = first
        elif stop == first:
            last = first
            if not timed:
                notes.append(("dtend-equals-dtstart",
                              f"DTEND equals DTSTART ({first.isoformat()}); read as a one-day "
                              "event (DTEND is the day after the last day)"))
        else:
            last = stop - timedelta(days=1)
        return Span(first, last, zone="", notes=tuple(notes))
    assert isinstance(start, datetime)
    first = start.date()
    at = start.time().replace(second=0, microsecond=0)
    if not isinstance(end, datetime) or end <= start:
        return Span(first, first, at, None, zone_label(start), tuple(notes))
    last = end.date()
    if end.time() == time(0):  # 19.00 to midnight ends on the evening's day
        last -= timedelta(days=1)
    return Span(first, max(last, first), at, end.time().replace(second=0, microsecond=0),
                zone_label(start), tuple(notes))


# --- text ------------------------------------------------------------------------


class _Text(HTMLParser):
    """HTML as plain text: block ends and ``<br>`` as line breaks."""

    _BLOCKS = {"p", "div", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML description: tags dropped, ``<br>`` and the end
    of a paragraph or list item a line break, entities decoded (``&amp;`` ->
    ``&``; ``&nbsp;`` stays a no-break space), runs of spaces one space,
    at most one empty line in a row."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds HTML tags (``<p>``, ``<br>``, ``<a href>``...)."""
    return bool(_HTML_TAG.search(text))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _description(event: Any) -> str:
    text = _plain(event.get("DESCRIPTION"))
    if text:
        return html_to_text(text) if looks_like_html(text) else text
    alt = event.get("X-ALT-DESC")
    for item in alt if isinstance(alt, list) else [alt] if alt is not None else []:
        kind = str(getattr(item, "params", {}).get("FMTTYPE", "text/html")).lower()
        if "html" in kind or looks_like_html(str(item)):
            return html_to_text(html.unescape(str(item)) if "&lt;" in str(item) else str(item))
        if str(item).strip():
            return str(item).strip()
    return ""


def _categories(event: Any) -> list[str]:
    out: list[str] = []
    raw = event.get("CATEGORIES")
    for item in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        cats = getattr(item, "cats", None)
        values = cats if cats is not None else str(item).split(",")
        for c in values:
            c = str(c).strip().replace(";", ",")
            if c and c not in out:
                out.append(c)
    return out


def _lines_joined(text: str, joiner: str) -> str:
    return joiner.join(p.strip() for p in text.splitlines() if p.strip())


# --- pictures --------------------------------------------------------------------


def image_cache_dir() -> Path:
    """Folder inline calendar pictures are written to: ``ics-images`` in
    libmedia's cache, ``$LIBMEDIA_CACHE`` (default ``~/.cache/libmedia``,
    as for :mod:`libmedia.run.bundle`)."""
    root = os.environ.get("LIBMEDIA_CACHE") or str(Path.home() / ".cache" / "libmedia")
    return Path(root) / "ics-images"


def save_inline_image(data: bytes) -> Path:
    """Write an inline picture's bytes once to :func:`image_cache_dir`, as
    ``<sha256>.<ext>`` (the extension from its signature), atomically (a
    temporary file renamed), and return the file.  Raises ``ValueError``
    when the bytes are not a PNG, JPEG, GIF or WebP picture or are larger
    than :data:`MAX_INLINE_IMAGE`; ``OSError`` when the folder cannot be
    written."""
    if len(data) > MAX_INLINE_IMAGE:
        raise ValueError(f"the inline picture is {len(data)} bytes, more than "
                         f"{MAX_INLINE_IMAGE // (1024 * 1024)} MB")
    ext = next((e for magic, e in _IMAGE_MAGIC if data.startswith(magic)
                and (e != "webp" or data[8:12] == b"WEBP")), None)
    if ext is None:
        raise ValueError("the inline picture is not a PNG, JPEG, GIF or WebP image")
    folder = image_cache_dir()
    target = folder / f"{hashlib.sha256(data).hexdigest()}.{ext}"
    if target.is_file() and target.stat().st_size == len(data):
        return target
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


def _image_candidates(event: Any) -> list[tuple[int, Any]]:
    """``(rank, property)`` of every picture: 0 an IMAGE shown full size or
    as a thumbnail, 1 an image ATTACH, 2 any other IMAGE."""
    out: list[tuple[int, Any]] = []
    for name in ("IMAGE", "ATTACH"):
        raw = event.get(name)
        for item in raw if isinstance(raw, list) else [raw] if raw is not None else []:
            params = getattr(item, "params", {})
            kind = str(params.get("FMTTYPE", "")).lower()
            if name == "ATTACH":
                is_image = kind.startswith("image/") or (
                    not kind and re.search(r"\.(jpe?g|png|gif|webp)(\?|$)", str(item), re.I))
                if is_image:
                    out.append((1, item))
                continue
            display = str(params.get("DISPLAY", "BADGE")).upper()
            out.append((0 if ("FULLSIZE" in display or "THUMBNAIL" in display) else 2, item))
    return sorted(out, key=lambda c: c[0])


def _inline_bytes(item: Any) -> bytes | None:
    params = getattr(item, "params", {})
    if str(params.get("ENCODING", "")).upper() != "BASE64" and \
            str(params.get("VALUE", "")).upper() != "BINARY":
        return None
    raw = getattr(item, "bytes", None)  # icalendar's vBinary (the base64 text, or its bytes)
    if not isinstance(raw, bytes):
        raw = str(item).encode("ascii", "replace")
    if any(raw.startswith(magic) for magic, _ in _IMAGE_MAGIC):
        return raw
    try:
        return base64.b64decode(re.sub(rb"\s+", b"", raw), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the inline picture is not valid base64") from None


def _picture(event: Any) -> tuple[str, str, list[tuple[str, str]]]:
    """``(cover, cover_url, problems)`` of an event (see the module docstring)."""
    problems: list[tuple[str, str]] = []
    cover = url = ""
    for _rank, item in _image_candidates(event):
        try:
            data = _inline_bytes(item)
        except ValueError as exc:
            problems.append(("ics-image", f"{exc}; it was not used"))
            continue
        if data is not None:
            if cover:
                continue
            try:
                cover = str(save_inline_image(data))
            except ValueError as exc:
                problems.append(("ics-image", f"{exc}; it was not used"))
            except OSError as exc:
                problems.append(("ics-image", f"the inline picture could not be saved in "
                                 f"{display_path(image_cache_dir())} ({exc.strerror}); "
                                 "it was not used"))
            continue
        text = str(item).strip()
        if not url and re.match(r"(?i)^https?://", text):
            url = text
    return cover, url, problems


# --- events ----------------------------------------------------------------------


def _parse_day(path: Path, value: Any, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise data_error(path, f"{name} {value!r} is not a date",
                         "write the date as 2027-05-12") from None


def _window(path: Path, date_from: Any, date_to: Any) -> tuple[date, date]:
    if date_from is None:
        from ..jobs import today

        first = today()
    else:
        first = _parse_day(path, date_from, "--from")
    last = (first + timedelta(days=DEFAULT_DAYS) if date_to is None
            else _parse_day(path, date_to, "--to"))
    return first, last


def _event_problem(event: Any, props: dict[str, int]) -> tuple[str, int | None] | None:
    """Why ``event`` cannot be used, and the line to blame; None when it can."""
    for name, message in getattr(event, "errors", []) or []:
        if name is None:  # a line icalendar could not split: name it from the message
            m = re.search(r"parsed into parts: '([A-Za-z0-9-]+)", str(message))
            name = m[1] if m else None
            if name is None or name.upper() not in _TIMING:
                return f"a line could not be read ({message})", None
        if str(name).upper() in _TIMING:
            prop = str(name).upper()
            return f"{prop} could not be read ({message})", props.get(prop)
    start = event.get("DTSTART")
    if start is None:
        return "the event has no start (DTSTART)", None
    if isinstance(start, list):
        return "the event has two DTSTART lines", props.get("DTSTART")
    for name in _TIMING[1:]:
        value = event.get(name)
        if isinstance(value, list) and name in ("DTEND", "DURATION", "RECURRENCE-ID"):
            return f"the event has two {name} lines", props.get(name)
    if event.get("DTEND") is not None and event.get("DURATION") is not None:
        return "the event has both DTEND and DURATION", props.get("DURATION")
    return None


def _expand(calendar: Any, first: date, last: date) -> list[Any]:
    """The occurrences of every event of ``calendar`` that touch the days
    ``first`` to ``last``."""
    import recurring_ical_events

    return list(recurring_ical_events.of(calendar).between(first, last + timedelta(days=1)))


def _as_cells(occ: Any, span: Span, cover: str, cover_url: str) -> dict[str, str]:
    cells = {
        "title": _lines_joined(_plain(occ.get("SUMMARY")), " – "),
        "date": span.first.isoformat(),
        "end_date": span.last.isoformat() if span.last != span.first else "",
        "time": span.start.strftime("%H:%M") if span.start else "",
        # over several days the end is a moment, not a daily closing time:
        # "15.00-11.00" would read as a daily session; the start alone is
        # printed and the end kept in ``ends``
        "end_time": span.end.strftime("%H:%M") if span.end and span.last == span.first else "",
        "ends": (f"{span.last.isoformat()} {span.end.strftime('%H:%M')}"
                 if span.end and span.last != span.first else ""),
        "timezone": span.zone,
        "place": _lines_joined(_plain(occ.get("LOCATION")), ", "),
        "url": _plain(occ.get("URL")),
        "summary": _description(occ),
        "subject": "; ".join(_categories(occ)),
        "cover": cover,
        "cover_url": cover_url,
        "uid": _plain(occ.get("UID")),
    }
    return cells


def read_ics(path: Path, date_from: date | str | None = None,
             date_to: date | str | None = None) -> DataSet:
    """Read an iCalendar file into a :class:`DataSet` of event records, one
    per occurrence from ``date_from`` (default :func:`libmedia.jobs.today`)
    to ``date_to`` (default :data:`DEFAULT_DAYS` days later), both included;
    a date is a :class:`datetime.date` or ISO text (``2027-05-12``).  Rules
    in the module docstring.

    Raises :class:`DataError` naming the file when it is missing, empty, not
    a calendar, ``date_to`` is before ``date_from``, it holds no event, no
    event that can be used (:class:`ProblemList` of each event's problem),
    or none in the window (the hint gives the days its events are on).
    """
    import icalendar
    import x_wr_timezone

    path = Path(path)
    first, last = _window(path, date_from, date_to)
    where = display_path(path)
    if last < first:
        raise data_error(path, f"the dates run backwards: --to {last.isoformat()} is before "
                         f"--from {first.isoformat()}", "give --to a day on or after --from")
    data = _utf16_as_utf8(read_bytes(path, ICS.extensions))
    if is_blank(data):
        raise empty_file_error(path)
    if not _SIGNATURE.match(data):
        raise data_error(path, "this is not an iCalendar file: it does not start with "
                         "BEGIN:VCALENDAR", ICS_HINT)
    lines = _unfold(path, data)
    text, encoding, warnings = _decode(path, b"\r\n".join(t for _, t in lines.lines) + b"\r\n")
    warnings = [*lines.warnings, *warnings]
    icalendar.use_zoneinfo()  # empties icalendar's process-wide VTIMEZONE cache (case C46)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # noqa: BLE001 - icalendar fails in many ways on broken nesting
        raise data_error(path, f"the calendar cannot be read ({type(exc).__name__}: {exc}); its "
                         "BEGIN/END lines may not match", ICS_HINT) from None
    events: list[Any] = []
    for cal in calendars:
        events += cal.walk("VEVENT")
    if not events:
        raise data_error(path, "the calendar holds no events (no BEGIN:VEVENT)",
                         "export the calendar with its events, not only its settings")
    lines_known = len(lines.events) == len(events)
    problems: list[DataError] = []
    kept = 0
    for n, event in enumerate(events, 1):
        props = lines.props[n - 1] if lines_known else {}
        line = lines.events[n - 1] if lines_known else None
        event[_ROW] = str(n)
        problem = _event_problem(event, props)
        if problem is not None:
            message, at = problem
            title = _plain(event.get("SUMMARY"))
            shown = f"event {n}" + (f" ({title!r})" if title else "")
            problems.append(DataError(
                f"{shown} was left out: {message}"
                + (f" (line {at})" if at and at != line else ""),
                Location(file=where, row=n, line=line or at),
                hint="correct the event in the calendar program and export again"))
            for cal in calendars:
                if event in cal.subcomponents:
                    cal.subcomponents.remove(event)
        else:
            kept += 1
    skipped = [Diagnostic.warning(p.message, p.location, "event-skipped", p.hint)
               for p in problems]
    if not kept:
        raise ProblemList(problems, f"no event of the calendar {where} can be used")
    occurrences: list[Any] = []
    for cal in calendars:
        try:
            standard = x_wr_timezone.to_standard(cal)
        except Exception:  # noqa: BLE001 - an unknown X-WR-TIMEZONE: keep the times as written
            standard = cal
            warnings.append(file_warning(path, "ics-timezone", "the calendar's X-WR-TIMEZONE "
                                         f"{_plain(cal.get('X-WR-TIMEZONE'))!r} is not a known "
                                         "time zone; times are read as written"))
        occurrences += _expand_each(path, standard, first, last, lines, skipped, lines_known)
    records = _records(path, occurrences, lines, lines_known, warnings)
    if not records:
        raise _nothing_in_window(path, calendars, first, last)
    return _dataset(path, records, encoding, [*warnings, *skipped])


def _expand_each(path: Path, calendar: Any, first: date, last: date, lines: _Lines,
                 skipped: list[Diagnostic], lines_known: bool) -> list[Any]:
    """Occurrences of ``calendar``'s events in the window; a series that
    recurring-ical-events cannot expand is left out (warning naming its
    event), the others are expanded."""
    import icalendar

    try:
        return _expand(calendar, first, last)
    except Exception:  # noqa: BLE001 - find the series to blame, expand the others
        pass
    by_uid: dict[str, list[Any]] = {}
    for i, ev in enumerate(calendar.walk("VEVENT")):
        by_uid.setdefault(_plain(ev.get("UID")) or f"#{i}", []).append(ev)
    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    out: list[Any] = []
    for group in by_uid.values():
        part = icalendar.Calendar()
        for c in [*zones, *group]:
            part.add_component(c)
        try:
            out += _expand(part, first, last)
        except Exception as exc:  # noqa: BLE001 - this series' rule is broken
            n = int(str(group[0].get(_ROW)))
            line = lines.events[n - 1] if lines_known else None
            skipped.append(Diagnostic.warning(
                f"event {n} ({_plain(group[0].get('SUMMARY'))!r}) was left out: its dates "
                f"cannot be worked out ({type(exc).__name__}: {exc})",
                Location(file=display_path(path), row=n, line=line), "event-skipped",
                "check the event's repeat rule in the calendar program and export again"))
    return out


def _records(path: Path, occurrences: Iterable[Any], lines: _Lines, lines_known: bool,
             warnings: list[Diagnostic]) -> list[tuple[tuple, Row, dict[str, str]]]:
    where = display_path(path)
    out: list[tuple[tuple, Row, dict[str, str]]] = []
    for occ in occurrences:
        n = int(str(occ.get(_ROW)))
        line = lines.events[n - 1] if lines_known else 1
        try:
            made = _record(path, occ, n, line, warnings)
        except Exception as exc:  # noqa: BLE001 - one odd occurrence never stops the others
            warnings.append(Diagnostic.warning(
                f"event {n} ({_plain(occ.get('SUMMARY'))!r}) was left out: it cannot be read "
                f"({type(exc).__name__}: {exc})", Location(file=where, row=n, line=line),
                "event-skipped", "correct the event in the calendar program and export again"))
            continue
        if made is not None:
            out.append(made)
    out.sort(key=lambda r: r[0])
    return out


def _record(path: Path, occ: Any, n: int, line: int, warnings: list[Diagnostic]
            ) -> tuple[tuple, Row, dict[str, str]] | None:
    """One occurrence as ``(sort key, Row, cells)``; None (and a note) when
    it is cancelled."""
    where = display_path(path)
    start = occ.get("DTSTART").dt
    has_end = occ.get("DTEND") is not None or occ.get("DURATION") is not None
    try:
        end = occ.end if has_end else None
    except Exception:  # noqa: BLE001 - an end icalendar cannot compute: one day
        end = None
    span = occurrence_span(start, end, _is_true(occ.get("X-MICROSOFT-CDO-ALLDAYEVENT"))
                           or _is_true(occ.get("X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT")))
    title = _plain(occ.get("SUMMARY"))
    if _plain(occ.get("STATUS")).upper() == "CANCELLED":
        warnings.append(Diagnostic(
            "info", "cancelled",
            f"event {n}" + (f" ({title!r})" if title else "")
            + f" on {span.first.isoformat()} is cancelled (STATUS:CANCELLED): no post is made",
            Location(file=where, row=n, line=line)))
        return None
    cover, cover_url, picture_problems = _picture(occ)
    cells = _as_cells(occ, span, cover, cover_url)
    problems = list(span.notes) + picture_problems
    key = (span.first, span.start or time(0), n)
    return key, Row(n, line, cells, problems), cells


def _dataset(path: Path, rows: list[tuple[tuple, Row, dict[str, str]]], encoding: str,
             warnings: list[Diagnostic]) -> DataSet:
    table = normalize(path, None, [r for _, r, _ in rows])
    return DataSet(path=path, records=table.records, columns=table.headers,
                   mapping=table.plan.mapping, encoding=encoding, delimiter="",
                   warnings=warnings, reader=ICS.name)


def _nothing_in_window(path: Path, calendars: list[Any], first: date, last: date) -> DataError:
    days: list[date] = []
    for cal in calendars:
        for ev in cal.walk("VEVENT"):
            try:
                start = ev.get("DTSTART").dt
            except Exception:  # noqa: BLE001
                continue
            days.append(start.date() if isinstance(start, datetime) else start)
    span = ""
    hint = "choose the days with --from and --to (e.g. --from 2027-05-01 --to 2027-06-30)"
    if days:
        a, b = min(days), max(days)
        span = (f"; its events start from {a.isoformat()} to {b.isoformat()}" if a != b else
                f"; its event starts on {a.isoformat()}")
        hint = (f"choose the days with --from and --to, e.g. --from {a.isoformat()}"
                + (f" --to {b.isoformat()}" if b - a > timedelta(days=DEFAULT_DAYS) else "")
                + "; a repeating event is counted from its first day")
    return data_error(path, f"no event of the calendar takes place from {first.isoformat()} to "
                      f"{last.isoformat()}{span}", hint)
