"""When an event happens: read from the way libraries write it, written out with Babel.

Reading (no OS locale is used: month and weekday names come from Babel's
CLDR data for Indonesian and English, so a container without ``id_ID``
locales reads ``17 Agustus 2024`` all the same; case C22 of the real data):

Dates (:func:`parse_dates`)
    ``17/08/2024``, ``17-08-2024``, ``17.08.2024`` (always day first, as
    Indonesian and British spreadsheets write them), ``2024-08-17`` (ISO,
    optionally followed by a time), ``17 Agustus 2024``, ``17 Agu 2024``,
    ``02-Jan-25`` (two-digit years are 20xx), ``August 17, 2024``, a leading
    weekday (``Sabtu, 17 Agustus 2024``), an Excel serial day number
    (``45521``, 1900 date system: day 0 is 1899-12-30), and ranges
    (``31 Desember 2024 s.d. 2 Januari 2025``, ``12–14 Mei 2027``,
    ``12 - 14 Mei 2027``, ``... sampai ...``, ``... to ...``).
Times (:func:`parse_times`)
    ``09.00``, ``09:00``, ``9:00 AM``, ``pukul 19.00``, ``jam 9``, ranges
    ``09:00-11:30``, ``09.00 s.d. 11.30`` and ``09.00 - selesai`` (no end),
    with an optional zone: ``WIB``/``WITA``/``WIT`` (UTC+7/+8/+9, the
    zones of Indonesia's Presidential Decree 41/1987), an IANA name
    (``Asia/Jakarta``) or ``UTC+7``/``GMT+07:00``.

A value that cannot be read (``31/02/2024``, ``next Friday``) raises
:class:`~libmedia.errors.DataError` naming the row, the column and the value,
with a hint showing the forms that are read.

Writing (:func:`when`): ``Sabtu, 17 Agustus 2024 · 09.00 WIB`` (id),
``Saturday, 17 August 2024 · 9:00 AM WIB`` (en); an end time gives
``09.00–11.30 WIB``; an event over several days reads
``Rabu–Jumat, 12–14 Mei 2027`` (across months ``30 April – 2 Mei 2027``,
across years ``31 Desember 2024 – 2 Januari 2025``), one of a week or longer
``Kamis, 24 Desember 2026 – Jumat, 1 Januari 2027`` (a weekday range over
nine days would read as two days); an event with no time
shows no time.  Dates are day-month-year in every language (the British
order in English), month and weekday names from CLDR via Babel; times in the
language's CLDR short form (``HH.mm`` in Indonesian, ``h:mm a`` in English,
with a no-break space before AM/PM so it never starts a line).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .diagnostics import Location
from .errors import DataError

#: Indonesia's zones (Keppres 41/1987) as fixed offsets, by their abbreviation.
INDONESIAN_ZONES: dict[str, int] = {"WIB": 7, "WITA": 8, "WIT": 9}
#: IANA zones that Indonesian readers know by their abbreviation.
_IANA_LABELS: dict[str, str] = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA", "Asia/Jayapura": "WIT",
}
#: The day Excel's 1900 date system counts from (serial 1 is 1900-01-01,
#: with Lotus' phantom 1900-02-29 in between, so later serials count from here).
EXCEL_EPOCH = date(1899, 12, 30)

DATE_HINT = ("write the date day first, e.g. 17/08/2024, 2024-08-17 or 17 Agustus 2024 "
             "(a range as 12 s.d. 14 Mei 2027)")
TIME_HINT = "write the time as 09.00, 09:00, 9:00 AM or 09.00-11.30, optionally followed by WIB, WITA or WIT"


@dataclass(frozen=True)
class Zone:
    """A time zone as the data named it: ``label`` is what posts print
    (``WIB``, ``Asia/Tokyo``...), ``tz`` the :class:`datetime.tzinfo`."""

    label: str
    tz: tzinfo


@dataclass(frozen=True)
class EventTime:
    """When one event happens.

    ``first``/``last``  the first and last day (equal for a one-day event);
    ``start``/``end``   the start and end time of day, ``None`` when the data
                        gives none (an all-day event has neither);
    ``zone``            the :class:`Zone`, ``None`` when the data names none.
    """

    first: date
    last: date
    start: time | None = None
    end: time | None = None
    zone: Zone | None = None

    @property
    def starts_at(self) -> datetime:
        """The start as a datetime (midnight when there is no time), aware
        when a zone is known."""
        return datetime.combine(self.first, self.start or time(0),
                                tzinfo=self.zone.tz if self.zone else None)

    def isoformat(self) -> str:
        """The start in ISO 8601, e.g. ``2024-08-17T09:00:00+07:00``."""
        return self.starts_at.isoformat()


# --- names -----------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for loc in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for num, name in get_month_names(width, locale=loc).items():
                names[_fold(name).rstrip(".")] = num
    # abbreviations CLDR does not list but people write
    names.update({"agt": 8, "ags": 8, "sept": 9, "peb": 2, "nop": 11, "pebruari": 2,
                  "nopember": 11})
    return names


@lru_cache(maxsize=1)
def _weekday_names() -> frozenset[str]:
    from babel.dates import get_day_names

    out: set[str] = {"jum'at", "jumat"}
    for loc in ("id", "en"):
        for width in ("wide", "abbreviated"):
            out.update(_fold(n).rstrip(".") for n in get_day_names(width, locale=loc).values())
    return frozenset(out)


# --- dates -----------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[\s\-]*([^\W\d_]+)\.?[\s\-,]*(\d{4}|\d{2})?$")
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s*(\d{4})?$")
_SERIAL = re.compile(r"^(\d{5})(?:\.(\d+))?$")
_RANGE = re.compile(r"\s*(?:\bs\.?\s?/?d\.?(?=\s|\d|$)|\bsampai(?:\s+dengan)?\b|\bhingga\b|\buntil\b"
                    r"|\bto\b|[–—]|\s-\s)\s*", re.IGNORECASE)


class _Unreadable(ValueError):
    """A value that is not a date or time; the message says why."""


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if len(text) == 2 else y


def _make(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise _Unreadable(f"{text!r} is not a real date: {exc}") from None


def _strip_weekday(text: str) -> str:
    m = re.match(r"^([^\W\d_]+(?:'[^\W\d_]+)?)\.?,?\s+(?=\d|[^\W\d_])", text)
    if m and _fold(m.group(1)) in _weekday_names():
        return text[m.end():]
    return text


def _one_date(text: str, default_year: int | None = None) -> tuple[date, time | None]:
    """One date (no range); a time only for an Excel serial with a fraction."""
    raw = text
    text = _strip_weekday(text.strip().rstrip(","))
    m = _ISO.match(text)
    if m:
        at = None
        if m[4] and (int(m[4]), int(m[5])) != (0, 0):  # 00:00:00: a spreadsheet's bare date
            if int(m[4]) > 23 or int(m[5]) > 59:
                raise _Unreadable(f"{raw!r} has no such time of day")
            at = time(int(m[4]), int(m[5]))
        return _make(int(m[1]), int(m[2]), int(m[3]), raw), at
    m = _NUMERIC.match(text)
    if m:
        return _make(_year(m[3]), int(m[2]), int(m[1]), raw), None
    m = _SERIAL.match(text)
    if m:
        serial = int(m[1])
        if not 20000 <= serial <= 80000:  # 1954 .. 2119: anything else is not a day
            raise _Unreadable(f"{raw!r} is a number, not a date")
        day = EXCEL_EPOCH + timedelta(days=serial)
        at = None
        if m[2] and int(m[2]):
            seconds = round(float("0." + m[2]) * 86400)
            at = time(seconds // 3600 % 24, seconds // 60 % 60)
        return day, at
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        m = pattern.match(text)
        if not m:
            continue
        day_s, month_s = (m[1], m[2]) if order == "dmy" else (m[2], m[1])
        month = _month_names().get(_fold(month_s))
        if month is None:
            raise _Unreadable(f"{month_s!r} in {raw!r} is not a month name")
        if m[3]:
            year = _year(m[3])
        elif default_year is not None:
            year = default_year
        else:
            raise _Unreadable(f"{raw!r} has no year")
        return _make(year, month, int(day_s), raw), None
    raise _Unreadable(f"{raw!r} is not a date libmedia can read")


def parse_dates(text: str) -> tuple[date, date, time | None]:
    """``(first, last, time)`` from a date cell; ``last == first`` for one
    day, ``time`` only from an ISO date with a time (``2024-08-17 09:30``)
    or an Excel serial with a fraction (``45521.375``).

    The first half of a range borrows what it leaves out from the second
    (``12–14 Mei 2027``, ``30 April s.d. 2 Mei 2027``).  Raises
    :class:`ValueError` (its message says why) for anything else, an
    impossible date (``31/02/2024``) or a range that ends before it starts.
    """
    text = " ".join(str(text).split())
    if not text:
        raise _Unreadable("the date is empty")
    compact = re.match(r"^(\d{1,2})\s*[-–—]\s*(\d{1,2}\s+[^\W\d_].*)$", text)
    parts = [compact[1], compact[2]] if compact else _RANGE.split(text)
    parts = [p for p in parts if p.strip()]
    if len(parts) == 1:
        d, at = _one_date(parts[0])
        return d, d, at
    if len(parts) != 2:
        raise _Unreadable(f"{text!r} is not a date or a range of two dates")
    last, _ = _one_date(parts[1])
    left = parts[0].strip()
    if re.fullmatch(r"\d{1,2}", left):
        first = _make(last.year, last.month, int(left), text)
    else:
        first, _ = _one_date(left, default_year=last.year)
    if last < first:
        raise _Unreadable(f"{text!r} ends before it starts")
    return first, last, None


# --- times -----------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*([ap])?\.?\s*(?:m\.?)?$", re.IGNORECASE)
_ZONE_TAIL = re.compile(r"\s*\(?\b(WIB|WITA|WIT|(?:UTC|GMT)\s*[+\-−]\s*\d{1,2}(?::?\d{2})?"
                        r"|[A-Za-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?)\)?\s*$", re.IGNORECASE)
_LEAD = re.compile(r"^(?:pukul|pkl\.?|pk\.?|jam|at)\s+", re.IGNORECASE)
_OPEN_END = {"selesai", "finish", "end", "done", "tamat"}


def parse_zone(text: str) -> Zone:
    """A :class:`Zone` from ``WIB``/``WITA``/``WIT``, ``UTC`` / ``GMT``,
    ``UTC+7`` / ``GMT+07:00`` or an IANA name (``Asia/Jakarta``; its label is the
    Indonesian abbreviation for Indonesia's zones, else the name itself).
    Raises :class:`ValueError` for anything else."""
    t = text.strip().strip("()")
    up = t.upper()
    if up in INDONESIAN_ZONES:
        return Zone(up, timezone(timedelta(hours=INDONESIAN_ZONES[up]), up))
    if up in ("UTC", "GMT"):
        return Zone(up, UTC)
    m = re.fullmatch(r"(UTC|GMT)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?", up)
    if m:
        sign = -1 if m[2] in "-−" else 1
        offset = timedelta(hours=int(m[3]), minutes=int(m[4] or 0)) * sign
        return Zone(f"{m[1]}{m[2]}{int(m[3])}" + (f":{m[4]}" if m[4] and m[4] != "00" else ""),
                    timezone(offset))
    if "/" in t:
        try:
            tz = ZoneInfo(t)
        except (ZoneInfoNotFoundError, ValueError):
            raise _Unreadable(f"{text!r} is not a known time zone") from None
        return Zone(_IANA_LABELS.get(t, t), tz)
    raise _Unreadable(f"{text!r} is not a time zone")


def _one_time(text: str) -> time:
    t = _LEAD.sub("", text.strip())
    m = _TIME.match(t)
    if not m or (m[2] is None and m[3] is None and not _LEAD.match(text.strip())):
        raise _Unreadable(f"{text!r} is not a time")
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3]:
        if not 1 <= hour <= 12:
            raise _Unreadable(f"{text!r} is not a time")
        hour = hour % 12 + (12 if m[3].lower() == "p" else 0)
    if hour > 23 or minute > 59:
        if hour == 24 and minute == 0:
            return time(0)
        raise _Unreadable(f"{text!r} is not a time of day")
    return time(hour, minute)


def parse_times(text: str) -> tuple[time | None, time | None, Zone | None]:
    """``(start, end, zone)`` from a time cell: ``09.00 WIB``,
    ``9:00 AM``, ``09:00-11:30``, ``09.00 s.d. 11.30 WITA``, ``pukul 19.00``,
    ``09.00 - selesai`` (no end).  ``""`` -> ``(None, None, None)``.  A
    trailing AM/PM applies to a bare start too (``9-11 am``).  Raises
    :class:`ValueError` when the cell is not a time."""
    text = " ".join(str(text).split())
    zone = None
    m = _ZONE_TAIL.search(text)
    if m:
        zone = parse_zone(m[1])
        text = text[:m.start()]
    text = text.strip().rstrip(",")
    if not text:
        return None, None, zone
    parts = [p for p in re.split(r"\s*(?:[-–—]|\bs\.?\s?/?d\.?(?=\s|\d|$)|\bsampai\b|\bhingga\b"
                                 r"|\buntil\b|\bto\b)\s*", text, flags=re.IGNORECASE) if p]
    if len(parts) == 1:
        return _one_time(parts[0]), None, zone
    if len(parts) != 2:
        raise _Unreadable(f"{text!r} is not a time or a range of two times")
    start_s, end_s = parts
    if _fold(end_s) in _OPEN_END:
        return _one_time(start_s), None, zone
    suffix = re.search(r"([ap])\.?\s*m\.?$", end_s, re.IGNORECASE)
    if suffix and not re.search(r"[ap]\.?\s*m\.?$", start_s, re.IGNORECASE):
        start_guess = _one_time(start_s + " " + suffix[1] + "m")
        end = _one_time(end_s)
        if start_guess > end:  # 11-1 pm: the start is in the morning
            start_guess = _one_time(start_s + " am")
        return start_guess, end, zone
    return _one_time(start_s), _one_time(end_s), zone


# --- records ---------------------------------------------------------------


def read_event(fields: Mapping[str, Any], *, row: int | None = None, file: str | None = None,
               headers: Mapping[str, str] | None = None,
               default_zone: str | None = None) -> EventTime | None:
    """The :class:`EventTime` of one record's canonical fields (``date``,
    ``end_date``, ``time``, ``end_time``, ``timezone``; see
    :mod:`libmedia.sources.fields`), or ``None`` when it has no date.

    ``headers`` maps a canonical field to the file's own column name, for
    messages; ``default_zone`` (e.g. the brand's ``WIB``) applies when the
    record names none.  A zone written after the time wins over the
    ``timezone`` column only when that column is empty.

    Raises :class:`~libmedia.errors.DataError` naming ``file``, ``row``,
    the column and the value, with a hint, when a cell cannot be read.
    """
    headers = headers or {}

    def cell(name: str) -> str:
        v = fields.get(name, "")
        return "" if v is None else str(v).strip()

    def fail(name: str, exc: Exception, hint: str) -> DataError:
        return DataError(str(exc), Location(file=file, row=row, field=name,
                                            header=headers.get(name)), hint)

    if not cell("date"):
        if cell("end_date") or cell("time"):
            raise fail("date", _Unreadable("the event has no date"), DATE_HINT)
        return None
    try:
        first, last, at = parse_dates(cell("date"))
    except ValueError as exc:
        raise fail("date", exc, DATE_HINT) from None
    if cell("end_date"):
        try:
            _, last, _ = parse_dates(cell("end_date"))
        except ValueError as exc:
            raise fail("end_date", exc, DATE_HINT) from None
        if last < first:
            raise fail("end_date", _Unreadable(f"{cell('end_date')!r} is before the start"),
                       DATE_HINT)
    start = end = zone = None
    try:
        if cell("time"):
            start, end, zone = parse_times(cell("time"))
    except ValueError as exc:
        raise fail("time", exc, TIME_HINT) from None
    if start is None:
        start = at
    try:
        if cell("end_time"):
            end_start, _, end_zone = parse_times(cell("end_time"))
            end, zone = end_start, zone or end_zone
    except ValueError as exc:
        raise fail("end_time", exc, TIME_HINT) from None
    try:
        if cell("timezone"):
            zone = parse_zone(cell("timezone"))
    except ValueError as exc:
        raise fail("timezone", exc, "write WIB, WITA, WIT or a zone name such as Asia/Jakarta") from None
    if zone is None and default_zone:
        zone = parse_zone(default_zone)
    if end is not None and start is None:
        raise fail("time", _Unreadable("the event has an end time but no start time"), TIME_HINT)
    return EventTime(first, last, start, end, zone)


# --- writing ---------------------------------------------------------------

DOT = " · "
"""Between the day and the time: a middle dot with spaces."""


def _lang(language: str) -> str:
    return (language or "id").replace("-", "_")


def _fmt(d: date, pattern: str, language: str) -> str:
    from babel.dates import format_date

    return format_date(d, pattern, locale=_lang(language))


#: The longest span, in days, written with a weekday range (``Senin–Jumat,
#: 31 Maret – 4 April 2025``).  A week or more would repeat a weekday, and
#: ``Kamis–Jumat`` over nine days reads as two days: a longer span names its
#: first and last day each with its own weekday.
WEEKDAY_RANGE_MAX_DAYS = 6


def _short_span(event: EventTime) -> bool:
    return (event.last - event.first).days + 1 <= WEEKDAY_RANGE_MAX_DAYS


def _span_parts(event: EventTime, language: str) -> tuple[str, list[str]]:
    """``(weekdays, [dates...])`` of a range: ``("Rabu–Jumat", ["12–14 Mei
    2027"])``, ``("", ["Kamis, 24 Desember 2026", "Jumat, 1 Januari 2027"])``
    (a week or longer: each end with its weekday), or for one day
    ``("Sabtu", ["17 Agustus 2024"])``.  Joined with " – " they are the
    dates; the weekdays go before them with ", "."""
    a, b = event.first, event.last
    if a == b:
        return _fmt(a, "EEEE", language), [_fmt(a, "d MMMM y", language)]
    if not _short_span(event):
        first = _fmt(a, "EEEE, d MMMM" + ("" if a.year == b.year else " y"), language)
        return "", [first, _fmt(b, "EEEE, d MMMM y", language)]
    days = f"{_fmt(a, 'EEEE', language)}–{_fmt(b, 'EEEE', language)}"
    if (a.year, a.month) == (b.year, b.month):
        return days, [f"{a.day}–{_fmt(b, 'd MMMM y', language)}"]
    if a.year == b.year:
        return days, [_fmt(a, "d MMMM", language), _fmt(b, "d MMMM y", language)]
    return days, [_fmt(a, "d MMMM y", language), _fmt(b, "d MMMM y", language)]


def format_days(event: EventTime, language: str = "id") -> str:
    """The day(s): ``Sabtu, 17 Agustus 2024``; ``Rabu–Jumat, 12–14 Mei 2027``;
    ``Kamis–Sabtu, 30 April – 2 Mei 2027``; ``Selasa–Kamis, 31 Desember 2024 –
    2 Januari 2025`` (weekday and month names from CLDR via Babel).

    A weekday range only for a span of up to :data:`WEEKDAY_RANGE_MAX_DAYS`
    days; a week or longer names its ends, each with its weekday:
    ``Kamis, 24 Desember 2026 – Jumat, 1 Januari 2027``, ``Senin, 1 Juni –
    Jumat, 12 Juni 2026`` (never ``Kamis–Jumat`` over nine days)."""
    days, dates = _span_parts(event, language)
    return (f"{days}, " if days else "") + " – ".join(dates)


def _clock(t: time, language: str) -> str:
    from babel.dates import format_time

    # CLDR puts U+202F before AM/PM; U+00A0 keeps it glued in every font
    return format_time(t, "short", locale=_lang(language)).replace("\u202f", "\u00a0")


def format_times(event: EventTime, language: str = "id") -> str:
    """The time(s): ``09.00 WIB``, ``09.00–11.30 WIB``, ``9:00 AM–11:30 AM``;
    ``""`` when the event has no time (an all-day event)."""
    if event.start is None:
        return ""
    text = _clock(event.start, language)
    if event.end is not None and event.end != event.start:
        text += "–" + _clock(event.end, language)
    if event.zone is not None:
        text += " " + event.zone.label
    return text


def when(event: EventTime, language: str = "id") -> str:
    """Day(s) and time: ``Sabtu, 17 Agustus 2024 · 09.00 WIB``; the day(s)
    alone when there is no time."""
    times = format_times(event, language)
    return format_days(event, language) + (DOT + times if times else "")


def _as_event(value: Any) -> EventTime | None:
    if isinstance(value, EventTime):
        return value
    if isinstance(value, Mapping):
        return read_event(value, row=getattr(value, "_row", None),
                          file=getattr(value, "_source", None),
                          default_zone=getattr(value, "_zone", None) or None)
    if value in (None, ""):
        return None
    first, last, at = parse_dates(str(value))
    return EventTime(first, last, at)


def event_when(event: Any, language: str = "id") -> str:
    """Jinja filter ``{{ event | event_when(lang) }}``: the record's day(s)
    and time written out (see :func:`when`); ``""`` when it has no date.
    ``event`` is a record (its ``date``, ``end_date``, ``time``,
    ``end_time`` and ``timezone`` fields), an :class:`EventTime` or a date
    cell.  Raises :class:`~libmedia.errors.DataError` (row and column named)
    for a date or time that cannot be read."""
    ev = _as_event(event)
    return when(ev, language) if ev else ""


def event_days(event: Any, language: str = "id") -> str:
    """Jinja filter ``{{ event | event_days(lang) }}``: the day(s) alone
    (see :func:`format_days`); ``""`` when there is no date."""
    ev = _as_event(event)
    return format_days(ev, language) if ev else ""


def event_times(event: Any, language: str = "id") -> str:
    """Jinja filter ``{{ event | event_times(lang) }}``: the time(s) and zone
    alone (see :func:`format_times`); ``""`` when there is no time."""
    ev = _as_event(event)
    return format_times(ev, language) if ev else ""


def date_block(event: EventTime, language: str = "id") -> dict[str, str]:
    """The pieces of a poster's big date block (a day number with its month
    beside or below it), in ``language``:

    ``day``      ``17``; ``12–14`` for days of one month; ``30–2`` across
                 months (``31–2`` across years);
    ``month``    the month's full name (``Agustus``), or both months
                 abbreviated across months (``Apr–Mei``, ``Des–Jan``);
    ``year``     ``2024``; ``2024–2025`` across years;
    ``weekday``  ``Sabtu``; ``Rabu–Jumat`` over several days; ``""`` for a
                 week or longer (see :func:`format_days`: the ends' weekdays
                 are in ``days``);
    ``days``     :func:`format_days`' text with no-break spaces inside each
                 date and before a range's dash, so that a line breaks only
                 after a weekday's comma or after the dash (``31 Desember
                 2024 –`` / ``2 Januari 2025``; ``Kamis, 24 Desember 2026 –``
                 / ``Jumat, 1 Januari 2027``): never between a day and its
                 month, and no line starts with a dash;
    ``dates``    ``days`` without the weekday range in front of it
                 (``12–14 Mei 2027``); for a week or longer the same as
                 ``days``.

    Names from CLDR via Babel, as :func:`format_days` writes them.
    """
    a, b = event.first, event.last
    head, parts = _span_parts(event, language)
    # inside a date no-break spaces; after an end's own weekday ("Kamis, ")
    # an ordinary space, so a balanced line breaks there before it must
    # break a date
    dates = "\u00a0– ".join(", ".join(w.replace(" ", "\u00a0") for w in p.split(", ", 1))
                             for p in parts)
    days = (f"{head}, " if head else "") + dates
    if a == b:
        return {"day": str(a.day), "month": _fmt(a, "MMMM", language), "year": str(a.year),
                "weekday": head, "days": days, "dates": dates}
    year = str(a.year) if a.year == b.year else f"{a.year}–{b.year}"
    if (a.year, a.month) == (b.year, b.month):
        month = _fmt(a, "MMMM", language)
    else:
        month = f"{_fmt(a, 'MMM', language)}–{_fmt(b, 'MMM', language)}".replace(".", "")
    return {"day": f"{a.day}–{b.day}", "month": month, "year": year, "weekday": head,
            "days": days, "dates": dates}


def event_date_block(event: Any, language: str = "id") -> dict[str, str]:
    """Jinja filter ``{{ event | event_date_block(lang) }}``: the pieces of
    a big date block (see :func:`date_block`), or ``{}`` when the record has
    no date.  Raises :class:`~libmedia.errors.DataError` (row and column
    named) for a date or time that cannot be read."""
    ev = _as_event(event)
    return date_block(ev, language) if ev else {}
