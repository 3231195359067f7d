"""ISBN and ISSN cleaning for values that went through spreadsheets and ILSs.

Check digits follow ISO 2108 (ISBN: mod 11 for ISBN-10, mod 10 with weights
1,3 for ISBN-13) and ISO 3297 (ISSN: mod 11), validated and hyphenated with
``python-stdnum`` (its ISBN range table comes from the International ISBN
Agency).

What spreadsheets and library systems do to ISBNs, and what is done here:

* hyphens/spaces/"ISBN" prefixes/qualifiers such as ``(pbk.)``: stripped;
* an ISBN-10 read as a number loses its leading zero(s) (``439023483``):
  zeros are put back and the result kept only if the check digit validates;
* an ISBN-13 read as a number becomes a float (``9.78043902348e+12``): the
  last digits are gone, so it is unrecoverable and reported, never printed;
* two ISBNs in one cell (``9792718486/978979271``, SLiMS ``isbn_issn`` is
  ``varchar(20)`` so the second is often cut): the first valid one is used,
  invalid ones are reported;
* an ISSN in an ISBN column (SLiMS ``isbn_issn``): recognised as an ISSN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stdnum import isbn as std_isbn
from stdnum import issn as std_issn

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_SEPARATORS = re.compile(r"[/;,|]+|\s{2,}")
_QUALIFIER = re.compile(r"\([^)]*\)|\bISBN(?:-1[03])?\b:?|\bISSN\b:?", re.IGNORECASE)
_ISSN_FORM = re.compile(r"^\d{4}-\d{3}[\dXx]$")
_CODE_CHARS = re.compile(r"^[\dXx\s.-]+$")
_FLOAT_TAIL = re.compile(r"(?<=\d)\.0+$")  # "439023483.0": read as a number


@dataclass
class IsbnResult:
    """What one cell held.

    ``isbn13``   valid ISBN-13, hyphenated where the range is known, or ``""``;
    ``isbn10``   the same book as ISBN-10 (only for the 978 prefix), or ``""``;
    ``issn``     a valid ISSN as ``NNNN-NNNC``, or ``""``;
    ``problems`` one sentence per code that could not be used;
    ``notes``    repairs made (a restored leading zero), one sentence each.
    """

    isbn13: str = ""
    isbn10: str = ""
    issn: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _hyphenate(number: str) -> str:
    """``number`` (valid ISBN) as hyphenated ISBN-13, or plain digits."""
    compact = std_isbn.to_isbn13(std_isbn.compact(number))
    try:
        return std_isbn.format(compact)
    except Exception:  # pragma: no cover - stdnum formats any valid ISBN
        return compact


def _as_isbn10(isbn13: str) -> str:
    try:
        return std_isbn.format(std_isbn.to_isbn10(isbn13))
    except Exception:  # 979 prefix: no ISBN-10 exists
        return ""


def _restore_zeros(digits: str) -> str | None:
    """An ISBN-10 that lost leading zeros (7 to 9 characters, last may be X),
    padded back to 10 -- or ``None`` when the padded number is not valid."""
    if not 7 <= len(digits) <= 9 or not digits[:-1].isdigit():
        return None
    padded = digits.rjust(10, "0")
    return padded if std_isbn.is_valid(padded) else None


def _candidates(raw: str) -> list[str]:
    """Split a cell into the codes it holds (text between separators)."""
    text = _QUALIFIER.sub(" ", raw)
    parts = [p.strip(" .-:") for p in _SEPARATORS.split(text)]
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        compact = re.sub(r"[\s.-]", "", part)
        whole = (not any(ch.isdigit() for ch in part) or len(compact) in (10, 13)
                 or _ISSN_FORM.match(part) or " " not in part)
        if whole:
            out.append(part)
        else:  # "0596001088 9780596001087": codes separated by one space
            out.extend(part.split())
    return out


def _read_one(code: str, result: IsbnResult) -> bool:
    """Interpret one code, filling ``result``; True when it was usable."""
    compact = re.sub(r"[\s.-]", "", _FLOAT_TAIL.sub("", code)).upper()
    if _SCIENTIFIC.match(code):
        result.problems.append(
            f"'{code}' is a number in scientific notation: a spreadsheet converted the ISBN "
            "to a number and lost its last digits; it cannot be recovered"
        )
        return False
    if not _CODE_CHARS.match(code):
        result.problems.append(f"'{code}' is not an ISBN or ISSN")
        return False
    if _ISSN_FORM.match(code) and std_issn.is_valid(code):
        result.issn = result.issn or std_issn.format(code)
        return True
    if len(compact) in (10, 13) and std_isbn.is_valid(compact):
        result.isbn13 = result.isbn13 or _hyphenate(compact)
        return True
    restored = _restore_zeros(compact)
    if restored:
        if not result.isbn13:
            result.isbn13 = _hyphenate(restored)
            result.notes.append(
                f"'{code}' lost its leading zero (a spreadsheet read it as a number); "
                f"restored as ISBN-10 {restored}"
            )
        return True
    if len(compact) == 8 and std_issn.is_valid(compact):
        result.issn = result.issn or std_issn.format(compact)
        return True
    if len(compact) in (10, 13):
        why = "its check digit is wrong (ISO 2108)"
    elif 7 <= len(compact) <= 9:
        why = (f"it has {len(compact)} characters, and restoring lost leading zeros "
               "gives no valid ISBN-10")
    else:
        why = f"it has {len(compact)} characters, not 10 or 13 (cut off?)"
    result.problems.append(f"'{code}' is not a valid ISBN: {why}")
    return False


def parse_isbn(raw: str) -> IsbnResult:
    """Read the ISBN(s)/ISSN in one cell.

    ``raw`` is the cell text.  Returns an :class:`IsbnResult`; the first valid
    ISBN wins (later valid ones are ignored), every unusable code adds a
    sentence to ``problems``.  Never raises on bad input.
    """
    result = IsbnResult()
    raw = raw.strip()
    if not raw:
        return result
    if _SCIENTIFIC.match(raw):
        _read_one(raw, result)
        return result
    for code in _candidates(raw):
        _read_one(code, result)
    if result.isbn13:
        result.isbn10 = _as_isbn10(result.isbn13)
    return result

