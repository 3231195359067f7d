"""A spreadsheet cell as the sheet shows it: typed cell values -> text.

``cell_text(cell, field, epoch) -> Shown``.  Spreadsheet readers
(:mod:`~libmedia.sources.xlsx`, :mod:`~libmedia.sources.xls`) hand over each
cell as a :class:`Cell` (the saved value with its type, the number format
code, a formula and whether its saved result can be trusted); this module
turns it into the text the normaliser (:mod:`~libmedia.sources.normalize`)
reads, never into a number that loses what the sheet shows.

Rules (number format codes: ECMA-376 Part 1, 18.8.30-31; the date systems:
18.17.4.1, ``workbookPr/@date1904``)
    text           as saved (rich text runs joined by the reader).
    number         an integral value as its digits, never ``2021.0`` nor
                   ``9.78602E+12``; zero-padded to the format's digits
                   (``0000000000`` keeps an ISBN-10's leading zero);
                   thousands separators are not written (an ISBN or a year
                   under ``#,##0`` stays digits); decimals as many as the
                   format has (``0.00``), else the shortest of 15
                   significant digits (Excel's precision); a scientific
                   format (``0.00E+00``) as all the digits it rounds away;
                   ``%`` formats as percent.
    date, time     by the format's kind: a date ``YYYY-MM-DD``, a time
                   ``HH:MM`` (``HH:MM:SS`` when the format shows seconds and
                   they are not 0),
                   both ``YYYY-MM-DD HH:MM``; the serial is read in the
                   workbook's own date system (1900 or Mac 1904), so both
                   give the same dates.
    a serial number in a General cell of a date column (``date``,
                   ``end_date``, ``date_added``) is read as a date, of a time
                   column (``time``, ``end_time``) a fraction of a day as a
                   time: the event fields (:mod:`libmedia.eventtime`) then
                   read ISO text in any date system.
    ISBN columns   a number that lost digits to Excel's 15-digit precision or
                   to its display rounding (``9.78602E+12`` saved back as
                   ``9786020000000``: an invalid check digit after a run of
                   zeros) is dropped with a problem: the real digits are gone.
    boolean        ``TRUE`` / ``FALSE``, as Excel shows them.
    error          (``#N/A``, ``#REF!``...) never printed: blank, with a
                   problem naming the error and the formula.
    formula        its saved result; with no saved result (written by a
                   program that does not calculate) or only a placeholder
                   (``0`` or blank in a workbook that asks to be recalculated
                   on opening, ``calcPr/@fullCalcOnLoad``): blank, with a
                   problem saying to open and save the file in Excel or
                   LibreOffice.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from openpyxl.styles.numbers import is_datetime as _is_datetime

from .isbn import parse_isbn

WINDOWS_EPOCH = datetime(1899, 12, 30)
"""Day 0 of the 1900 date system (serial 60 is the phantom 29 February 1900,
so counting from 30 December 1899 is right from 1 March 1900 on)."""
MAC_EPOCH = datetime(1904, 1, 1)
"""Day 0 of the 1904 date system (Excel for Mac before 2011, ``date1904``)."""

#: Canonical fields read as dates / times (:mod:`libmedia.sources.fields`).
DATE_FIELDS = frozenset({"date", "end_date", "date_added"})
TIME_FIELDS = frozenset({"time", "end_time"})
ISBN_FIELDS = frozenset({"isbn", "issn"})

#: The largest serial Excel shows as a date (31 December 9999).
MAX_SERIAL = 2958465

RECALCULATE = ("open the file in Excel or LibreOffice Calc and save it (the formulas are "
               "calculated and their results saved), then run libmedia again")
"""How to get saved results into a workbook."""


@dataclass
class Cell:
    """One non-empty cell as a reader found it.

    ``value``    the saved value: ``str``, ``int``/``float``, ``bool``,
                 ``datetime``/``date``/``time``/``timedelta`` (already a date
                 when the reader's format made it one), or ``None`` (a
                 formula with no saved result);
    ``fmt``      the number format code (``"General"``, ``"0000000000"``,
                 ``"dd/mm/yyyy"``);
    ``error``    the error value (``"#N/A"``) when the cell holds one;
    ``formula``  the formula text (``"=VLOOKUP(A2,...)"``), or ``None``;
    ``stale``    True when the saved result of the formula is a placeholder
                 the writer asked to be recalculated.
    """

    value: object
    fmt: str = "General"
    error: str | None = None
    formula: str | None = None
    stale: bool = False

    @property
    def blank(self) -> bool:
        """True for a cell that shows nothing and holds no formula."""
        return (self.formula is None and self.error is None
                and (self.value is None or (isinstance(self.value, str) and not self.value.strip())))


@dataclass
class Shown:
    """What :func:`cell_text` gives: the ``text`` shown, and a ``problem``
    ``(code, sentence)`` when the value could not be used as saved."""

    text: str
    problem: tuple[str, str] | None = None


@lru_cache(maxsize=512)
def _section(fmt: str) -> str:
    """The positive-number section of a format code, without quoted text,
    escapes, colours, conditions and locale tags."""
    first = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', fmt, maxsplit=1)[0]
    first = re.sub(r'"[^"]*"|\\.|_.|\*.', "", first)
    return re.sub(r"\[[^\]]*\]", "", first)


def format_number(value: float | int, fmt: str) -> str:
    """``value`` as the format ``fmt`` shows its digits (see the module
    docstring): ``format_number(194315738, "0000000000") == "0194315738"``,
    ``format_number(2021.0, "General") == "2021"``,
    ``format_number(0.125, "0.0%") == "12.5%"``."""
    section = _section(fmt or "General")
    percent = "%" in section
    if percent:
        value = value * 100
    decimals = re.search(r"\.([0#?]+)", section)
    integer_part = section.split(".")[0]
    min_digits = integer_part.count("0") if re.fullmatch(r"[0#?,\s]*", integer_part) else 0
    scientific = re.search(r"[eE][+-]", section)  # 9.79E+12: the digits are all there
    if decimals and not scientific and not section.lower().startswith("general"):
        places = decimals.group(1).count("0")
        text = f"{value:.{places}f}"
        if decimals.group(1).count("#") or decimals.group(1).count("?"):
            text = text.rstrip("0").rstrip(".") if "." in text else text
    elif float(value).is_integer():
        text = str(int(value))
    else:
        text = format(float(value), ".15g")
        if "e" in text:  # 1.5e-07: write it out
            text = format(float(value), ".15f").rstrip("0").rstrip(".")
    if min_digits:
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        whole, dot, frac = digits.partition(".")
        text = sign + whole.zfill(min_digits) + dot + frac
    return text + ("%" if percent else "")


@lru_cache(maxsize=512)
def is_datetime(fmt: str) -> str | None:
    """openpyxl's kind of a date format (``"date"``, ``"time"``,
    ``"datetime"``) or ``None``, cached per format code."""
    return _is_datetime(fmt)


def _iso(value: datetime | date | time | timedelta, kind: str | None, fmt: str) -> str:
    """A date/time value as ISO text, by the format's ``kind``
    (``"date"``, ``"time"``, ``"datetime"``; ``None`` for a value that came
    typed without a format)."""
    seconds = bool(re.search(r"(?<![a-z])s", _section(fmt).lower()))
    if isinstance(value, (datetime, time)) and not value.second:
        seconds = False  # 09:00:00 reads as 09:00: the event fields take HH:MM
    clock = "%H:%M:%S" if seconds else "%H:%M"
    if isinstance(value, timedelta):
        total = int(round(value.total_seconds()))
        hours, rest = divmod(total, 3600)
        out = f"{hours:02d}:{rest // 60:02d}"
        return out + (f":{rest % 60:02d}" if seconds else "")
    if isinstance(value, datetime):
        if kind == "date" or (kind is None and value.time() == time(0)):
            return value.date().isoformat()
        if kind == "time":
            return value.strftime(clock)
        return value.strftime("%Y-%m-%d " + clock)
    if isinstance(value, date):
        return value.isoformat()
    return value.strftime(clock)


def serial_to_datetime(serial: float, epoch: datetime) -> datetime:
    """The date and time of an Excel serial day number in the date system
    whose day 0 is ``epoch`` (:data:`WINDOWS_EPOCH` or :data:`MAC_EPOCH`),
    rounded to the second.  Raises ``OverflowError`` outside 1..9999."""
    return epoch + timedelta(seconds=round(serial * 86400))


def _isbn_lost_digits(number: float | int) -> str | None:
    """Why an ISBN saved as a number cannot be trusted, or ``None``."""
    digits = str(int(number))
    if len(digits) > 15:
        return (f"the ISBN {digits} has more than 15 digits; Excel keeps 15 significant digits, "
                "so the last ones are lost")
    trailing = len(digits) - len(digits.rstrip("0"))
    if len(digits) >= 10 and trailing >= 3 and not parse_isbn(digits).isbn13:
        shown = f"{int(digits) / 10 ** (len(digits) - 1):.5f}E+{len(digits) - 1}"
        return (f"the ISBN {digits} was rounded by Excel (shown as {shown} and saved back as a "
                f"number), so its last {trailing} digits are lost")
    return None


def cell_text(cell: Cell, field: str | None, epoch: datetime, where: str) -> Shown:
    """The text a sheet shows for ``cell`` in a column read as the canonical
    ``field`` (``None``: unknown), in a workbook whose date system starts at
    ``epoch``; ``where`` names the cell in problems (``"column E (ISBN)"``).

    Returns :class:`Shown`; never raises.  The rules are in the module
    docstring.
    """
    value = cell.value
    formula = f" (formula {cell.formula})" if cell.formula else ""
    if cell.error is not None:
        return Shown("", ("formula-error" if cell.formula else "error-value",
                          f"{where} holds the error value {cell.error}{formula}; it is left out: "
                          "correct the formula or the value in the workbook"))
    if cell.formula is not None and (value is None or cell.stale):
        saved = "no saved result" if value is None else f"only a placeholder result ({value!r})"
        return Shown("", ("formula-not-calculated",
                          f"{where} has the formula {cell.formula} but {saved}: the file was "
                          f"written by a program that does not calculate formulas; "
                          f"{RECALCULATE}"))
    if value is None:
        return Shown("")
    if isinstance(value, bool):
        return Shown("TRUE" if value else "FALSE")
    if isinstance(value, (datetime, date, time, timedelta)):
        return Shown(_iso(value, is_datetime(cell.fmt), cell.fmt))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return Shown("", ("error-value", f"{where} holds no number ({value})"))
        general = _section(cell.fmt).strip().lower() in ("general", "", "@", "0")
        if field in DATE_FIELDS and general and 1 <= value <= MAX_SERIAL:
            moment = serial_to_datetime(value, epoch)
            return Shown(_iso(moment, "date" if moment.time() == time(0) else "datetime", ""))
        if field in TIME_FIELDS and general and 0 <= value < 1:
            return Shown(_iso(serial_to_datetime(value, epoch).time(), "time", ""))
        if field in ISBN_FIELDS and float(value).is_integer():
            lost = _isbn_lost_digits(value)
            if lost:
                return Shown("", ("isbn", f"{where}: {lost}; not used: type the ISBN again as "
                                          "text (format the column as Text first)"))
        return Shown(format_number(value, cell.fmt))
    return Shown(str(value))
