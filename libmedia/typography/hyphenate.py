"""Dictionary hyphenation: where a word too wide for its box may be broken
with a hyphen.

The points come from the TeX hyphenation patterns that ``pyphen`` ships
(Hunspell's ``hyph_*.dic``: Indonesian ``id``, English ``en_US``/``en_GB``
and the other languages pyphen has).  :func:`mark` inserts a soft hyphen
(U+00AD) at every point of every word it may hyphenate, and says which ones
it inserted: the line breaker (:mod:`.linebreak`) uses those only as a last
resort, when a word alone is wider than the box, and
:func:`libmedia.typography.model.visible_text` shows the hyphen where a line
ends at one (the same mechanism as a soft hyphen typed in the data).

Rules (Bringhurst, *The Elements of Typographic Style*, 2.4; the
Indonesian rules of PUEBI follow the same syllables):

* at least :data:`LEFT` letters before a break and :data:`RIGHT` after it
  (``PENGEMBANG-AN`` is never made, ``PE-NGEMBANGAN`` is);
* words of fewer than :data:`MIN_WORD` letters are never hyphenated;
* a token (between spaces) with a digit, ``@``, ``://`` or ``www.`` is left
  whole: numbers, ISBNs, call numbers (``899.221 3 HIR l``), editions
  (``Abad-21``), web and e-mail addresses (``perpusnas.go.id/koleksi``);
* only words of Latin letters are hyphenated (the dictionaries are for
  Latin-script languages; CJK, Thai, Arabic and the Indic scripts are not
  hyphenated: CJK and Thai break between characters or words, with no mark);
* ALL-CAPS and mixed-case words are looked up in lower case and the points
  mapped back (``INSTITUTIONAL`` -> ``IN-STI-TU-TIONAL``);
* a token that already holds a soft hyphen is the author's: left as it is.

The language is the text style's (``lang=`` on a text element, or the
brand's language, which the style stage gives every text element), through
:func:`dictionary`, except that an Indonesian or English text whose
function words are plainly the other language's is hyphenated as that
(:func:`text_language`); with none, :func:`guess_language` picks Indonesian
or English from the words.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

#: Fewest letters kept before / after a hyphenation point.
LEFT, RIGHT = 2, 3
#: Shortest word (in letters) that is ever hyphenated.
MIN_WORD = 6

SOFT_HYPHEN = "\u00ad"

#: ISO 639-2/3 codes as catalogues write them (MARC 008, goodbooks'
#: ``language_code``) -> the two-letter code pyphen knows; Malay takes the
#: Indonesian patterns (the same spelling and syllable rules since 1972).
_ALIASES = {"eng": "en_US", "en-us": "en_US", "en-gb": "en_GB", "ind": "id", "in": "id",
            "may": "id", "msa": "id", "zsm": "id", "ms": "id", "jav": "id", "jv": "id",
            "sun": "id", "su": "id"}
#: What an ``en`` with no region hyphenates as.
_DEFAULT_REGION = {"en": "en_US"}

_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]+")
_SKIP = re.compile(r"\d|@|://|^www\.", re.IGNORECASE)
#: A domain name inside a token (``perpusnas.go.id/koleksi``).
_DOMAIN = re.compile(r"\.[a-z]{2,6}(?:/|$)")

#: Function words that tell an Indonesian title from an English one (used
#: only when the text has no language).
_ID_WORDS = frozenset("dan yang di ke dari untuk dengan dalam pada ini itu atau sebagai "
                      "tentang bagi oleh serta kajian sejarah pengantar dasar ilmu".split())
_EN_WORDS = frozenset("the of and in to for a an with on by from at as is into its "
                      "how what your my".split())


def dictionary(language: str | None) -> str | None:
    """The pyphen dictionary name for a BCP 47 or ISO 639 language tag
    (``"id"`` -> ``"id"``, ``"en"`` -> ``"en_US"``, ``"en-GB"`` ->
    ``"en_GB"``, ``"eng"`` -> ``"en_US"``, ``"ms"`` -> ``"id"``), or None
    when pyphen has no patterns for it (or no tag is given)."""
    if not language:
        return None
    return _dictionary(language)


@lru_cache(maxsize=256)
def _dictionary(language: str) -> str | None:
    tag = language.strip().replace("_", "-").lower()
    tag = _ALIASES.get(tag) or _ALIASES.get(tag.split("-")[0]) or tag
    tag = _DEFAULT_REGION.get(tag, tag)
    return pyphen.language_fallback(tag)


def _counts(text: str) -> tuple[int, int]:
    words = re.findall(r"[^\W\d_]+", text.lower())
    return sum(w in _ID_WORDS for w in words), sum(w in _EN_WORDS for w in words)


def guess_language(text: str) -> str:
    """``"id"`` or ``"en"`` for a text with no language: by its function words
    (``dan``, ``yang``, ``untuk`` / ``the``, ``of``, ``and``); Indonesian on
    a tie, since libmedia's default brand language is Indonesian."""
    ind, eng = _counts(text)
    return "en" if eng > ind else "id"


def text_language(language: str | None, text: str) -> str:
    """The language to hyphenate ``text`` by, given its style's ``language``
    (the element's ``lang=``, or the brand's language).  Catalogues mix the
    two languages libmedia ships (an Indonesian library holds English books,
    and records seldom say which), so where the tag is Indonesian or English
    and the text has function words of the other and none of its own
    (``INSTITUTIONS,INSTITUTIONAL,CHANGE AND ECONOMIC PERFORMANCE`` under an
    Indonesian brand), the text's language is taken; any other tag is
    kept as it is; with none, :func:`guess_language`."""
    if not language:
        return guess_language(text)
    d = dictionary(language)
    if d == "id" or (d or "").startswith("en"):
        ind, eng = _counts(text)
        if d == "id" and eng and not ind:
            return "en"
        if d != "id" and ind and not eng:
            return "id"
    return language


def _latin_letters(word: str) -> bool:
    return all(c < "\u0250" for c in word)


@lru_cache(maxsize=32768)
def hyphen_points(word: str, dict_name: str) -> tuple[int, ...]:
    """Indices ``i`` (ascending, ``LEFT <= i <= len(word) - RIGHT``) where
    ``word`` may be broken as ``word[:i] + "-"`` / ``word[i:]``, by the
    pattern dictionary ``dict_name`` (a pyphen name, see :func:`dictionary`).
    Empty for a word shorter than :data:`MIN_WORD` or not all Latin
    letters.  Cached per word and dictionary."""
    if len(word) < MIN_WORD or not _latin_letters(word):
        return ()
    low = word.lower()
    if len(low) != len(word):  # a case mapping that changes the length: leave it whole
        return ()
    points = _hyphenator(dict_name).positions(low)
    return tuple(int(p) for p in points if LEFT <= int(p) <= len(word) - RIGHT)


@lru_cache(maxsize=64)
def _hyphenator(dict_name: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=dict_name, left=LEFT, right=RIGHT)


def mark(text: str, language: str | None) -> tuple[str, tuple[int, ...]]:
    """``text`` with a soft hyphen inserted at every dictionary hyphenation
    point (see the module's rules), and the indices of the inserted soft
    hyphens in the returned text, ascending.  ``language`` is a BCP 47 or
    ISO 639 tag; None guesses (:func:`guess_language`); a language pyphen
    has no patterns for marks nothing.  Cached per (text, language)."""
    return _mark(text, language)


@lru_cache(maxsize=8192)
def _mark(text: str, language: str | None) -> tuple[str, tuple[int, ...]]:
    if len(text) < MIN_WORD:
        return text, ()
    dict_name = dictionary(language or guess_language(text))
    if dict_name is None:
        return text, ()
    cuts: list[int] = []
    for tok in _TOKEN.finditer(text):
        t = tok.group()
        if len(t) < MIN_WORD or SOFT_HYPHEN in t or _SKIP.search(t) or _DOMAIN.search(t):
            continue
        for w in _WORD.finditer(t):
            base = tok.start() + w.start()
            cuts.extend(base + p for p in hyphen_points(w.group(), dict_name))
    if not cuts:
        return text, ()
    out, marks, prev = [], [], 0
    for k, c in enumerate(cuts):
        out.append(text[prev:c])
        marks.append(c + k)
        out.append(SOFT_HYPHEN)
        prev = c
    out.append(text[prev:])
    return "".join(out), tuple(marks)
