"""Text filters for templates: ``{{ book.title | display_title }}``.

Each is a plain function of a value (and the brand's language where the
words differ) returning text, registered by name in :data:`FILTERS`, which
the template environment installs (:func:`libmedia.templating.make_environment`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import regex

from .eventtime import event_date_block, event_days, event_times, event_when
from .i18n import translate

#: Longest generated title hashtag, in characters after ``#``.  A tag is
#: worth making when people could type or search it; a whole long title
#: run together (``#NotesFromUndergroundWhiteNightsTheDreamOf...``) is
#: neither, and no one follows it.  30 characters holds a title of four or
#: five ordinary words (``#LaskarPelangi`` is 13, ``#TheCatcherInTheRye`` 18);
#: a longer one is skipped, not cut (a cut title is a misspelled word).
TITLE_HASHTAG_LIMIT = 30

#: What a hashtag keeps of a word: letters (L*), combining marks (M*: the
#: Devanagari matras and virama, Thai vowels and tone marks, Tamil and
#: Javanese vowel signs) and digits (Nd).  Python's ``\\w`` drops marks,
#: which turned ``हिन्दी`` into a misspelled ``हनद``.
_TAG_WORD = regex.compile(r"[\p{L}\p{M}\p{Nd}]+")


def hashtag(value: str, limit: int = 0) -> str:
    """A hashtag from a title or subject: ``"Laskar Pelangi"`` -> ``#LaskarPelangi``.

    Apostrophes vanish (``Pramoedya's`` -> ``Pramoedyas``), words in capitals
    are set in title case (``DUNIA USAHA`` -> ``#DuniaUsaha``), and a SLiMS
    subject heading keeps its main term (``Pendidikan -- Fiksi`` -> ``#Pendidikan``).
    Every letter and combining mark of the script stays, in order, with
    only spaces and punctuation removed (``गोदान`` -> ``#गोदान``, ``ข้างหลังภาพ``
    -> ``#ข้างหลังภาพ``): a hashtag is never a misspelled word.  Text
    without a letter (``1984``, ``---``) makes no hashtag (``""``):
    Instagram does not link a tag of digits only.

    ``limit`` (characters after ``#``; 0 for none): longer tags give ``""``,
    for tags made from titles (see :data:`TITLE_HASHTAG_LIMIT`).
    """
    text = re.split(r"\s+--\s+", str(value))[0]
    text = re.sub(r"[\'\u2019\u02bc]", "", text)
    words = _TAG_WORD.findall(text)
    tag = "".join((w.capitalize() if w.isupper() and len(w) > 1 else w[:1].upper() + w[1:])
                  for w in words)
    if not regex.search(r"\p{L}", tag) or (limit and len(tag) > limit):
        return ""
    return "#" + tag


#: What :func:`cut` puts at the end of shortened text.
ELLIPSIS = "\u2026"


def cut(value: Any, limit: int, end: str = ELLIPSIS) -> str:
    """``value`` shortened to at most ``limit`` characters (code points),
    ``end`` included, for a caption's summary: ``cut("Buku ini merangkum
    kegiatan", 20)`` -> ``"Buku ini merangkum…"``.

    The cut falls at a word boundary (the last white space that leaves
    room for ``end``; punctuation before it is dropped with it) and never
    inside an extended grapheme cluster (Unicode UAX #29: a flag, an emoji
    with a skin tone or a ZWJ family, an Indic conjunct such as ``क्ष``).
    Text with no space to cut at in its last half (Thai, Chinese,
    Japanese) is cut at ICU's dictionary word boundary (``WordBreaker``),
    else at the last whole grapheme cluster.  Text that fits is
    returned unchanged (trimmed).
    """
    from .typography.shaping import graphemes

    text = re.sub(r"[ \t]+", " ", str(value or "")).strip()
    if len(text) <= limit:
        return text
    room = max(0, limit - len(end))
    clusters, kept, size = graphemes(text), [], 0
    for g in clusters:
        if size + len(g) > room:
            break
        kept.append(g)
        size += len(g)
    head = "".join(kept)
    nxt = clusters[len(kept)] if len(kept) < len(clusters) else ""
    if not nxt.isspace():  # the cut is inside a word: back to the last space
        spaces = [i for i, g in enumerate(kept) if g.isspace()]
        if spaces and spaces[-1] >= len(kept) // 2:
            head = "".join(kept[: spaces[-1]])
        else:  # a script written without spaces: ICU's dictionary word boundaries
            bounds = set(_word_ends(text)) & _prefix_lengths(kept)
            best = max((b for b in bounds if len(head) // 2 <= b <= len(head)), default=0)
            head = text[:best] if best else head
    head = head.rstrip()
    head = head.rstrip(" ,;:\u2013\u2014-\u00b7")
    return head + end


def _word_ends(text: str) -> list[int]:
    """ICU's word boundaries (UAX #29 with dictionaries for Thai, Lao,
    Khmer, Burmese, Chinese and Japanese) in ``text``, as code-point indices
    (ICU counts UTF-16 code units)."""
    from icu4py.breakers import WordBreaker

    cp_at, unit = {}, 0
    for i, ch in enumerate(text):
        cp_at[unit] = i
        unit += 2 if ord(ch) > 0xFFFF else 1
    cp_at[unit] = len(text)
    return [cp_at[end] for _, end in WordBreaker(text, "").segments() if end in cp_at]


def _prefix_lengths(clusters: list[str]) -> set[int]:
    """The lengths of ``"".join(clusters[:k])`` for every ``k``: where a cut
    keeps whole grapheme clusters."""
    out, size = {0}, 0
    for g in clusters:
        size += len(g)
        out.add(size)
    return out


#: A hashtag inside a caption: ``#`` not inside a word or URL, then letters,
#: marks, digits and underscores.
CAPTION_HASHTAG = regex.compile(r"(?<![\p{L}\p{M}\p{Nd}_&/#])#[\p{L}\p{M}\p{Nd}_]+")


def fit_caption(text: str, characters: int, hashtags: int, keep: Iterable[str] = (),
                summary: str = "") -> tuple[str, list[str]]:
    """``text`` (a rendered caption) within a platform's limits: at most
    ``hashtags`` hashtags and ``characters`` characters (code points).
    Returns the caption and one sentence per change made (empty when it
    fitted).

    Hashtags go first: the generated ones (made from the title and
    subjects: every tag not in ``keep``, the brand kit's own) are dropped
    from the end, then, only if the kit alone has too many, the kit's from
    the end.  Then, while the caption is too long, the block that holds
    the record's ``summary`` (its first words identify it) is shortened by
    :func:`cut`; if there is none or that is not enough, the whole caption
    is cut.  See :data:`libmedia.formats.CAPTION_LIMITS` for where the
    limits come from.
    """
    notes: list[str] = []
    kept = {k.casefold() for k in keep}
    found = list(CAPTION_HASHTAG.finditer(text))
    if len(found) > hashtags:
        extra = len(found) - hashtags
        order = ([m for m in reversed(found) if m.group().casefold() not in kept]
                 + [m for m in reversed(found) if m.group().casefold() in kept])
        drop = sorted(order[:extra], key=lambda m: m.start())
        for m in reversed(drop):  # each with one space beside it
            a, b = m.start(), m.end()
            if text[b:b + 1] == " ":
                b += 1
            elif text[a - 1:a] == " ":
                a -= 1
            text = text[:a] + text[b:]
        text = _tidy(text)
        notes.append(f"{len(found)} hashtags, more than the {hashtags} allowed: left out "
                     + " ".join(m.group() for m in drop))
    if len(text) > characters:
        before = len(text)
        lead = " ".join(str(summary or "").split())[:40]
        at = text.find(lead) if len(lead) >= 10 else -1
        if at >= 0:
            stop = text.find("\n\n", at)
            stop = len(text) if stop < 0 else stop
            block = text[at:stop]
            room = len(block) - (len(text) - characters)
            short = cut(block, room) if room > 40 else ""
            text = _tidy(text[:at] + short + text[stop:])
            notes.append(f"caption of {before} characters, more than the {characters} allowed: "
                         + ("shortened the summary to " + f"{len(short)} characters" if short
                            else "left out the summary"))
        if len(text) > characters:
            size = len(text)
            text = cut(text, characters)
            notes.append(f"caption of {size} characters, more than the {characters} allowed: "
                         "cut at the end")
    return text.rstrip("\n") + "\n", notes


def _tidy(text: str) -> str:
    """Caption text with lines right-trimmed and at most one blank line in a row."""
    out: list[str] = []
    for ln in text.strip().split("\n"):
        ln = ln.rstrip()
        if not ln and out and not out[-1]:
            continue
        out.append(ln)
    return "\n".join(out).strip()


def quoted(text: str, language: str = "id") -> str:
    """``text`` in typographic quotation marks, its own straight quotes made
    typographic (“Laskar Pelangi”); not wrapped again when it already starts
    and ends with quotes."""
    from .typography.text import smart_quotes

    t = smart_quotes(str(text))
    if t[:1] in "\u201c\u2018" and t[-1:] in "\u201d\u2019":
        return t
    return f"\u201c{t}\u201d"


def year_label(value: str, language: str = "id") -> str:
    """A publication year for display: ``-720`` (a year before the common era,
    as goodreads-style data writes it) becomes ``720 SM`` / ``720 BCE`` (the
    interface text ``before_common_era``)."""
    v = str(value or "").strip()
    if v.startswith("-") and v[1:].isdigit():
        return f"{int(v[1:])} " + translate("before_common_era", language)
    return v


def display_title(title: str, case: bool = False, language: str = "") -> str:
    """A title as it reads in a caption: ``PostgreSQL : a comprehensive guide``
    -> ``PostgreSQL: A comprehensive guide``; a series note stays in
    brackets (``The Hunger Games (The Hunger Games, #1)``); ``case`` and
    ``language`` as for :func:`title_parts` (``DUNIA USAHA DAN ETIKA
    BISNIS`` -> ``Dunia Usaha dan Etika Bisnis``)."""
    parts = title_parts(title, case, language)
    text = parts["main"] + (": " + parts["subtitle"] if parts["subtitle"] else "")
    if parts["series_name"]:
        number = parts["series_number"]
        text += f" ({parts['series_name']}" + (", " + number if number else "") + ")"
    return text


#: Between two people's names inside one author entry: ``&``, ``and``,
#: ``dan`` (Indonesian), a comma.
_NAME_SEPARATOR = re.compile(r"(\s*&\s*|\s+(?:and|dan)\s+|,\s*)", re.IGNORECASE)


def keep_name_together(name: str) -> str:
    """One author entry with the words of each person's name joined by
    no-break spaces (U+00A0), so the line breaker keeps a name on one line
    where it can (no surname alone on the next line; it breaks a name only
    when it alone is wider than the box: see
    :func:`libmedia.typography.linebreak.break_lines`).  The entry is split
    into people at ``&``, `` and ``, `` dan `` and commas, which keep their
    ordinary spaces: ``Stan Davis & David McIntosh`` -> ``Stan\u00a0Davis &
    David\u00a0McIntosh``.  Works the same for Arabic and CJK names (the
    space between family and given name of ``村上 春樹``)."""
    parts = _NAME_SEPARATOR.split(name.strip())
    return "".join(p if i % 2 else "\u00a0".join(p.split()) for i, p in enumerate(parts))


def names(value: Any, limit: int = 3, language: str = "id") -> str:
    """Join names: "A", "A & B", "A, B & C", "A dkk." / "A et al." past ``limit``
    (the interface text ``et_al``).  Each person's name is kept together
    with no-break spaces (:func:`keep_name_together`)."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(";") if v.strip()]
    else:
        items = [str(v) for v in value if str(v).strip()]
    if not items:
        return ""
    items = [keep_name_together(v) for v in items]
    if len(items) > limit:
        return items[0] + " " + translate("et_al", language)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " & " + items[-1]


_TITLE_COLON = re.compile(r"\s*:\s+|\s+:\s*")

# A series note closing a title: goodreads' "(The Hunger Games, #1)",
# "(Watch #1)", "(A Song of Ice and Fire, #3: Part 2 of 2)"; a publisher's
# "(Penguin Readers, Level 5)"; Indonesian "(Seri Lima Sekawan)".  A
# parenthesis without a number or a series word ("(And So Can You!)",
# "(Middle-Earth Universe)") stays part of the title: it may be one.
_SERIES_NOTE = re.compile(r"\s*\((?P<note>[^()]+)\)\s*$")
_SERIES_HASH = re.compile(r"^(?P<name>.*?)[,;]?\s*#\s*(?P<num>\S.*)$")
_SERIES_WORD = re.compile(
    r"^(?P<name>.*?),\s*(?P<num>(?:level|vol\.?|volume|book|part|no\.?|jilid|buku|bagian|seri(?:es)?)"
    r"\s*[\dIVXLC]+[\w.\-]*)$", re.IGNORECASE)
_SERIES_LEAD = re.compile(r"^(?:seri|series|serial|serie)\b", re.IGNORECASE)


def _series_note(title: str) -> tuple[str, str, str, str]:
    """``title`` without a closing series note, and the note's name, number
    (``#1``, ``Level 5``) and original text; empty strings when there is none."""
    m = _SERIES_NOTE.search(title)
    if not m or m.start() == 0:
        return title, "", "", ""
    note = m.group("note").strip()
    h = _SERIES_HASH.match(note) if "#" in note else None
    if h and h.group("name").strip():
        return title[: m.start()], h.group("name").strip(), "#" + h.group("num").strip(), note
    w = _SERIES_WORD.match(note)
    if w and w.group("name").strip():
        return title[: m.start()], w.group("name").strip(), w.group("num").strip(), note
    if _SERIES_LEAD.match(note):
        n = re.match(r"^(?P<name>.*?)[,;]?\s+(?:no\.?\s*|jilid\s+|buku\s+)?(?P<num>\d[\w.\-]*)$",
                     note, re.IGNORECASE)
        if n and n.group("name").strip():
            return title[: m.start()], n.group("name").strip(), "#" + n.group("num"), note
        return title[: m.start()], note, "", note
    return title, "", "", ""


def _caps_run_split(t: str) -> tuple[str, str]:
    """The spreadsheet habit of a title in capitals followed by a subtitle in
    lower or mixed case: ``("PENDEKAR-PENDEKAR BESI NUSANTARA", "kajian
    antropologi ...")``; ``(t, "")`` when ``t`` is not written so."""
    words = t.split(" ")
    caps = 0
    long_words: list[int] = []

    def upper(w: str) -> bool:
        letters = [ch for ch in w if ch.isalpha()]
        return bool(letters) and all(ch.isupper() for ch in letters)

    small = SMALL_WORDS["id"] | SMALL_WORDS["en"]
    for k, w in enumerate(words):
        letters = [ch for ch in w if ch.isalpha()]
        if not letters:  # numbers and marks go with the words around them
            caps += 1
        elif all(ch.isupper() for ch in letters):
            caps += 1
            long_words.append(len(letters))
        elif w.lower() in small and any(upper(v) for v in _next_worded(words, k)):
            caps += 1  # "PEMERINTAH BAYANGAN dan BIG BROTHER": one title in capitals
        else:
            break
    rest = words[caps:]
    head = " ".join(words[:caps])
    if not rest or not long_words or head.count("(") > head.count(")"):
        return t, ""
    if rest[0][:1].islower():
        # "DUNIA USAHA dan ...", "MIKROEKONOMI teori pengantar"
        ok = len(long_words) >= 2 or long_words[0] >= 5
    else:
        # "INTELIJEN Profesi Unik ...", "SIMON & SCHUSTER Handbook for Writers";
        # never "P.S. I Love You"
        ok = sum(n >= 3 for n in long_words) >= 2 or max(long_words) >= 5
        ok = ok and len(rest) >= 2 and any(ch.islower() for ch in " ".join(rest))
    if not ok or not head.strip():
        return t, ""
    return head.strip(), " ".join(rest).strip()


def _next_worded(words: list[str], k: int) -> list[str]:
    """The first word after ``words[k]`` that has letters, as a list of at most one."""
    return [w for w in words[k + 1:] if any(ch.isalpha() for ch in w)][:1]


#: A comma or semicolon glued to the next word, as catalogue data often has
#: it (``SIAPA SAJA,KAPAN SAJA``, ``Freemasons,Illuminati``): set with its
#: space.  Between letters only (``1,5`` and ``899.221`` stay).
_GLUED_COMMA = re.compile(r"(?<=[^\W\d_]{2})([,;])(?=[^\W\d_])")


def title_parts(title: str, case: bool = False, language: str = "") -> dict[str, Any]:
    """Split a catalogue title into the parts a post sets differently.

    Returns ``main`` and ``subtitle``; ``series`` (the series note as one
    line, ``"The Hunger Games \u00b7 #1"``, or ""), ``series_name``,
    ``series_number`` (``#1``, ``Level 5``); ``original`` (the title as the
    catalogue gives it, stripped) and ``cased`` (True when ``case`` changed
    a part).

    Catalogue conventions handled: ISBD/MARC 245 ``Title : subtitle`` and
    ``Title: Subtitle``; the spreadsheet habit of an ALL-CAPS title followed
    by a lower- or mixed-case subtitle (``PENDEKAR-PENDEKAR BESI NUSANTARA
    kajian antropologi ...``, ``RELAWAN DUNIA seri rumah dunia``, the latter
    a series); a comma or semicolon glued to the next word given its space
    (``Saja,Kapan`` -> ``Saja, Kapan``); a closing series note (goodreads' ``(Series, #n)``,
    Indonesian ``(Seri ...)``; see :func:`_series_note`).  A trailing `` /``
    (the ISBD mark before the statement of responsibility) is dropped.  The
    subtitle's first letter is capitalised.

    ``case`` (a template's or the brand kit's ``[library] title_case``) sets
    each part written in capitals in title case by :func:`title_case`, with
    the rules of ``language`` (a record's language as a tag or name; empty:
    guessed from the words).
    """
    original = re.sub(r"\s+", " ", str(title or "")).strip()
    t = re.sub(r"\s*/\s*$", "", original)
    t = _GLUED_COMMA.sub(r"\1 ", t)
    t, series_name, series_number, _note = _series_note(t)
    t = t.strip()
    m = _TITLE_COLON.search(t)
    main, sub = t, ""
    if m and m.start() > 0:
        main, sub = t[: m.start()].strip(), t[m.end():].strip()
    else:
        main, sub = _caps_run_split(t)
        if sub and not series_name and _SERIES_LEAD.match(sub):
            series_name, sub = sub, ""
            if series_name.islower():
                series_name = title_case(series_name.upper(), language or "id")
    cased = False
    if case:
        lang = language or _guess_language(" ".join((main, sub, series_name)), "")
        new = [title_case(p, lang) for p in (main, sub, series_name)]
        if new[0] != main and new[0][:1].islower():
            new[0] = new[0][:1].upper() + new[0][1:]  # "the PORTABLE MBA" -> "The Portable MBA"
        cased = new != [main, sub, series_name]
        main, sub, series_name = new
    if sub:
        sub = sub[:1].upper() + sub[1:]
    series = series_name + (" \u00b7 " + series_number if series_number else "") if series_name else ""
    return {"main": main, "subtitle": sub, "series": series, "series_name": series_name,
            "series_number": series_number, "original": original, "cased": cased}


# -- title case ---------------------------------------------------------------

#: Words set in lower case inside a title (not first, not last, not after a
#: colon).  Indonesian: the prepositions, conjunctions and particles the
#: Pedoman Umum Ejaan Bahasa Indonesia (PUEBI, "Huruf Kapital" 8) keeps
#: small in titles.  English: the articles, coordinating conjunctions and
#: short prepositions the Chicago Manual of Style (8.159) keeps small.
SMALL_WORDS: dict[str, frozenset[str]] = {
    "id": frozenset(
        "dan di ke dari yang untuk pada dengan atau dalam oleh sebagai tentang bagi kepada "
        "daripada serta tetapi terhadap akan antara hingga sampai menuju tanpa melalui per "
        "dkk pun lah kah tah nya".split()),
    "en": frozenset(
        "a an the and but or nor for so yet as at by in of off on per to up via vs v vs. v. "
        "from into onto with".split()),
}
#: Small words of names: particles a family name keeps in lower case.
NAME_PARTICLES = frozenset("bin binti van von der den de del della di da le la dan and".split())

#: Acronyms with vowels (one without, "DPR", "PKN", is kept anyway) that
#: catalogues of Indonesian libraries write in capitals.
ACRONYMS = frozenset(
    "SD SMP SMA SMK MI MTS MA MAN TK PAUD UUD UU NKRI RI DKI DIY ABRI TNI POLRI PKI PKS PAN PDI "
    "PBB ASEAN UNESCO UNICEF WHO IMF OPEC NATO USA UK EU UI UGM ITB IPB UIN IAIN UNY UNS IKIP "
    "IPA IPS PAI PPKN PKN TIK KUHP KUHAP HAM BUMN BUMD UMKM UKM APBN APBD OSIS PGRI PNS ASN NU "
    "MUI KPK BPK OJK BI BEI LIPI BPS DPR MPR DPRD HUT ISBN ISSN AIDS HIV COVID SARS PR CEO HRD "
    "MBA NLP SQL PHP HTML CSS PDF IBM PC TV CD DVD GPS AI IQ EQ SQ ESQ KH USAID UNDP ORBA "
    "PHK UMR TKI TKW BBM PLN PDAM KTP SIM NPWP PPN PPH PT CV UD TBK".split())
_DEGREES = {"PHD": "PhD", "MSC": "MSc", "BSC": "BSc", "MCOM": "MCom", "SPD": "SPd", "MPD": "MPd",
            "SKOM": "SKom", "MKOM": "MKom", "MSI": "MSi", "SSI": "SSi", "AK": "Ak", "IR": "Ir",
            "DR": "Dr", "DRS": "Drs", "DRA": "Dra", "PROF": "Prof", "HJ": "Hj", "H": "H",
            "UST": "Ust", "JR": "Jr", "SR": "Sr", "MR": "Mr", "MRS": "Mrs", "ST": "St", "MC": "Mc",
            "PH": "Ph"}
_ROMAN = re.compile(r"^(?=[IVXLC])(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ORDINAL = re.compile(r"^(\d+)(ST|ND|RD|TH|E|ER)$")
_VOWELS = set("AEIOUYÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜ")


def is_all_caps(text: str) -> bool:
    """True when ``text`` is written in capitals: at least four cased
    letters, 80 % or more of them upper case.  ``"DUNIA USAHA DAN ETIKA
    BISNIS"`` and ``"UU OTONOMI DAERAH (32/2004 dan 33/2004)"`` are;
    ``"Laskar Pelangi"``, ``"SMA"`` (too short to tell from an acronym) and
    ``"PENDEKAR BESI kajian antropologi"`` are not."""
    cased = [ch for ch in str(text) if ch.isupper() or ch.islower()]
    if len(cased) < 4:
        return False
    return sum(ch.isupper() for ch in cased) >= 0.8 * len(cased)


def _guess_language(text: str, default: str) -> str:
    """``id`` or ``en`` for the title-case rules: the language whose small
    words ``text`` uses more ("DUNIA USAHA DAN ETIKA" -> id, "THE ART OF
    WAR" -> en); ``default`` (reduced to id/en) on a tie."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    scores = {k: sum(w in v for w in words) for k, v in SMALL_WORDS.items()}
    if scores["id"] != scores["en"]:
        return max(scores, key=scores.__getitem__)
    return _rules_language(default)


def _rules_language(language: str) -> str:
    tag = language_tag(language, "")
    base = tag.split("-")[0]
    if base in ("id", "ms", "jv", "su", "ban", "min", "bug"):
        return "id"
    return "en" if base else ""


def _case_piece(piece: str, small: frozenset[str] | None, names: bool, word: bool = True) -> str:
    """One run of letters and digits between marks, cased: ``small`` the
    words to set in lower case here (None: none); ``word`` False for the
    part before an apostrophe ("MA" of "MA'MUN"), never an acronym."""
    letters = [ch for ch in piece if ch.isalpha()]
    if not letters:
        return piece
    if any(ch.islower() for ch in letters):
        return piece  # already mixed case: "McINTOSH", "iPhone"; kept as given
    if any(ch.isdigit() for ch in piece):
        m = _ORDINAL.match(piece)
        return m.group(1) + m.group(2).lower() if m else piece  # "50TH" -> "50th"; "1Q84" kept
    up = piece.upper()
    if names and up in _DEGREES:
        return _DEGREES[up]
    if small is not None and piece.lower() in small:
        return piece.lower()
    if word and (up in ACRONYMS or _ROMAN.match(up)):
        return piece
    if word and len(letters) >= 2 and not (set(up) & _VOWELS):
        return piece  # no vowel: "DPR", "PKN", "FX"
    return piece[:1].upper() + piece[1:].lower()


_TOKEN = re.compile(r"\s+|[^\s]+")
_PIECE = re.compile(r"[^\W_]+|[\W_]")


def title_case(value: Any, language: str = "", names: bool = False, enabled: bool = True) -> str:
    """``value`` in title case when it is written in capitals
    (:func:`is_all_caps`); any other text is returned as it is.

    ``DUNIA USAHA DAN ETIKA BISNIS`` -> ``Dunia Usaha dan Etika Bisnis``;
    ``THE NEXT 100 YEARS`` -> ``The Next 100 Years``;
    ``PENDEKAR-PENDEKAR BESI NUSANTARA`` -> ``Pendekar-Pendekar Besi Nusantara``;
    ``SEJARAH SMA NEGERI 1 JILID II`` keeps ``SMA`` and ``II``.

    Rules: the small words of ``language`` (:data:`SMALL_WORDS`; a tag or
    name such as ``ind``, ``en-US``, ``Indonesia``; empty: the language whose
    small words the text uses more, Indonesian on a tie) in lower case except
    first, last and after a colon, dash or opening bracket; acronyms
    (:data:`ACRONYMS`, and words without a vowel), Roman numerals and words
    with digits kept (``KE-2`` -> ``ke-2`` inside a title, as PUEBI writes
    ordinals; ``50TH`` -> ``50th``); each part of a hyphenated word
    capitalised; after an apostrophe lower case (``DON'T``, ``MA'MUN``,
    ``JUM'AT``) unless one letter precedes it (``O'CONNOR``); a word already
    in mixed case (``McINTOSH``) kept.  Spaces, no-break spaces (U+00A0)
    included, are kept as they are.

    ``names=True`` for people (``book.authors | names | title_case(lang, true)``):
    only name particles (``bin``, ``van``, ``de``...) stay small, degrees
    and titles take their usual form (``PHD`` -> ``PhD``, ``DRS.`` -> ``Drs.``),
    initials are kept (``S. ANN DUNHAM`` -> ``S. Ann Dunham``).
    ``enabled=False`` returns ``value`` as it is (templates pass the brand
    kit's ``[library] title_case``).
    """
    text = str(value if value is not None else "")
    if not enabled or not is_all_caps(text):
        return text
    small: frozenset[str] | None = NAME_PARTICLES if names else \
        SMALL_WORDS[_rules_language(language) or _guess_language(text, "id")]
    tokens = _TOKEN.findall(text)
    pieces = [_PIECE.findall(tok) if not tok.isspace() else [tok] for tok in tokens]
    letter_at = [(i, j) for i, ps in enumerate(pieces) for j, p in enumerate(ps) if _is_word(p)]
    last = letter_at[-1] if letter_at else None
    out: list[str] = []
    opens = True  # the first word, and the first after ":", a dash or an opening bracket
    for i, ps in enumerate(pieces):
        if tokens[i].isspace():
            out.append(tokens[i])
            continue
        if tokens[i] in ("-", "\u2013", "\u2014"):
            opens = True
        cased: list[str] = []
        for j, p in enumerate(ps):
            if not _is_word(p):
                cased.append(p)
                opens = opens or p in ":\u2014\u2013([{"
                continue
            after_apostrophe = j >= 2 and ps[j - 1] in _APOSTROPHES and _is_word(ps[j - 2])
            before_apostrophe = j + 2 < len(ps) and ps[j + 1] in _APOSTROPHES and _is_word(ps[j + 2])
            if after_apostrophe:
                # "DON'T", "MA'MUN", "JUM'AT" -> lower; "O'CONNOR", "D'ARC" -> capital
                head = ps[j - 2]
                if any(ch.islower() for ch in p):
                    cased.append(p)
                elif len(head) == 1 and head.isalpha():
                    cased.append(p[:1].upper() + p[1:].lower())
                else:
                    cased.append(p.lower())
            else:
                small_ok = not opens and (i, j) != last
                cased.append(_case_piece(p, small if small_ok else None, names=names,
                                         word=not before_apostrophe))
            opens = False
        out.append("".join(cased))
    return "".join(out)


_APOSTROPHES = ("'", "\u2019", "\u02bc")


def _is_word(piece: str) -> bool:
    return bool(re.match(r"[^\W_]", piece))


#: Language names as catalogues write them (SLiMS' language_name), to tags.
_LANGUAGE_NAMES = {"bahasa indonesia": "id", "indonesia": "id", "indonesian": "id",
                   "inggris": "en", "bahasa inggris": "en", "english": "en",
                   "arab": "ar", "bahasa arab": "ar", "arabic": "ar", "jawa": "jv",
                   "bahasa jawa": "jv", "javanese": "jv", "sunda": "su", "bahasa sunda": "su",
                   "sundanese": "su", "melayu": "ms", "malay": "ms", "belanda": "nl",
                   "dutch": "nl", "jepang": "ja", "japanese": "ja", "mandarin": "zh",
                   "chinese": "zh", "cina": "zh", "tionghoa": "zh"}


def language_tag(value: Any, default: str = "") -> str:
    """A record's language as a BCP 47 tag for the text it is set in
    (``<text lang="...">``, which the shaper and hyphenation read):
    ISO 639-2 codes as goodreads writes them (``eng`` -> ``en``, ``ind`` ->
    ``id``, ``fre`` -> ``fr``), tags (``en-US`` kept), or names as SLiMS
    writes them (``Indonesia``, ``English``, ``Bahasa Inggris``).  Parsed by
    Babel's CLDR data; ``default`` (the brand's language) when ``value`` is
    empty or not a language."""
    from babel import Locale, UnknownLocaleError

    v = str(value or "").strip()
    if not v:
        return default
    named = _LANGUAGE_NAMES.get(v.lower())
    if named:
        return named
    parts = re.split(r"[-_]", v)
    try:
        loc = Locale.parse(parts[0].lower())
    except (UnknownLocaleError, ValueError, TypeError):
        return default
    territory = parts[1].upper() if len(parts) > 1 and re.fullmatch(r"[A-Za-z]{2}|\d{3}", parts[1]) else ""
    return loc.language + ("-" + territory if territory else "")


def format_date(value: str, fmt: str = "long", language: str = "id") -> str:
    """An ISO date (``2024-08-17``) formatted with Babel's CLDR data in the
    brand's language, e.g. ``17 Agustus 2024``; ``full`` adds the weekday
    (``Senin, 3 Maret 2025``: the day of the month without CLDR's leading
    zero, as Indonesian and English prose write it).  A value that is not an
    ISO date is returned as it is."""
    from datetime import date

    from babel.dates import format_date as babel_format_date
    from babel.dates import get_date_format

    if not value:
        return ""
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    if fmt == "full":
        fmt = get_date_format("full", locale=language).pattern.replace("dd", "d")
    return babel_format_date(d, format=fmt, locale=language)


#: The filters templates see, by name.  Events: ``event | event_when(lang)``
#: (``Sabtu, 17 Agustus 2024 · 09.00 WIB``), ``event_days`` (the day(s)
#: alone), ``event_times`` (the time(s) alone) and ``event_date_block`` (the
#: pieces of a poster's big date block); see :mod:`libmedia.eventtime`.
FILTERS: dict[str, Callable[..., Any]] = {
    "event_when": event_when,
    "event_date_block": event_date_block,
    "event_days": event_days,
    "event_times": event_times,
    "hashtag": hashtag,
    "cut": cut,
    "names": names,
    "date": format_date,
    "title_parts": title_parts,
    "display_title": display_title,
    "title_case": title_case,
    "language_tag": language_tag,
    "quoted": quoted,
    "year": year_label,
}


def _stats_filters() -> None:
    """The month-in-numbers filters (``month_stats``, ``number``,
    ``percent``: :mod:`libmedia.stats`)."""
    from .stats import FILTERS as STATS

    FILTERS.update(STATS)


_stats_filters()
