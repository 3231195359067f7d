"""Canonical fields: the header aliases that name them, and rules for their values.

Every reader maps the column names it finds onto a small set of canonical
field names (``title``, ``author``, ``call_number``...) so that one template
works with a SLiMS export, a Koha report, goodbooks-10k and a hand-made
spreadsheet with Indonesian headers.

How a header is matched
    :func:`header_key` lower-cases the header and drops everything that is
    not a letter or a digit, so ``"No. Panggil"``, ``"no_panggil"`` and
    ``"NO PANGGIL"`` are all ``"nopanggil"``.  The aliases in
    :data:`FIELDS` are compared in that form.

Priority when several columns name the same field
    Aliases are listed most specific first.  When a file has two columns
    for one field (SLiMS has both ``authors`` and ``sor``; goodbooks has both
    ``isbn`` and ``isbn13``), the candidates are ranked by the position of
    their alias in the field's list (then by column order), and each record
    takes the first candidate that is not empty (for ``isbn``: the first that
    holds a valid ISBN).  ``sor`` (SLiMS *statement of responsibility*,
    usually empty, free text such as "by X and Y") is therefore the last
    resort for ``author``.

Columns that add values
    A multi-valued field (authors, subjects) uses every column that repeats
    its best column's header (``Pengarang;Pengarang``, case C28), every
    column with an added-values alias (:attr:`FieldSpec.added`: a
    co-author column, MARC 700 $a) and every alias with a number
    (``Subjek 1``, ``Subjek 2``): their values are joined, not ranked.

Koha
    The column names of Koha's reports and CSV export profiles are aliases:
    the database columns (``biblio.title``, ``biblioitems.publishercode``,
    ``items.itemcallnumber``...) and MARC tag/subfield headers (``245$a``,
    ``245$b``, ``100$a``, ``260$b``/``264$b``, ``260$c``, ``020$a``,
    ``650$a``, ``952$o``...).

Weak aliases
    A weak alias is used only when the file has no column with a regular
    alias for that field.  ``kode_buku`` ("book code") is weak for
    ``call_number``: in the real inventory (perpus_inventory_buku.csv) it
    holds the DDC class number (``174,4``, ``332B``), which is the first line
    of a call number and better than nothing, but other systems use the same
    name for an inventory code, so it never competes with a real call-number
    column (and then stays available as ``kode_buku``).

To extend: add an alias to the field's tuple at the position that gives it
the right priority; add a new :class:`FieldSpec` for a new canonical field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field.

    ``name``     canonical name used by templates;
    ``aliases``  header names that mean this field, most specific first
                 (compared via :func:`header_key`);
    ``weak``     aliases used only when no regular alias is present;
    ``multi``    the field may hold several values (``<a><b>`` or
                 ``a; b``), split into ``Record.lists[name]``;
    ``added``    (multi-valued fields) headers of columns whose values are
                 added to the field's, never compared with them: a
                 co-author column, MARC 700 $a beside 100 $a.
    """

    name: str
    aliases: tuple[str, ...]
    weak: tuple[str, ...] = ()
    multi: bool = False
    added: tuple[str, ...] = ()


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", ("title", "judul", "judul buku", "book title", "judul acara",
                        "judul kegiatan", "nama kegiatan", "nama acara", "event title",
                        "event name", "event", "acara", "kegiatan", "biblio.title", "245$a")),
    FieldSpec("subtitle", ("subtitle", "anak judul", "subjudul", "sub judul", "biblio.subtitle",
                           "245$b", "title remainder", "remainder of title")),
    FieldSpec(
        "author",
        ("authors", "author", "pengarang", "nama pengarang", "penulis", "author(s)",
         "biblio.author", "100$a", "main author", "pengarang utama", "creator", "sor",
         "statement of responsibility", "245$c"),
        multi=True,
        added=("co-author", "co-authors", "coauthor", "additional author", "additional authors",
               "added author", "other authors", "pengarang tambahan", "penulis tambahan",
               "pengarang lain", "700$a", "710$a"),
    ),
    FieldSpec("publisher", ("publisher", "publisher name", "penerbit", "nama penerbit",
                            "biblioitems.publishercode", "publishercode", "260$b", "264$b")),
    FieldSpec(
        "year",
        ("year", "publish year", "tahun terbit", "tahun penerbit", "tahun", "original publication year",
         "publication year", "biblio.copyrightdate", "biblioitems.publicationyear",
         "copyrightdate", "publicationyear", "260$c", "264$c", "date of publication"),
    ),
    FieldSpec("isbn", ("isbn", "isbn issn", "isbn13", "isbn 13", "isbn10", "biblioitems.isbn",
                       "020$a")),
    FieldSpec("issn", ("issn",)),
    FieldSpec(
        "call_number",
        ("call number", "callnumber", "call no", "no panggil", "nomor panggil",
         "items.itemcallnumber", "itemcallnumber", "biblioitems.cn_class", "952$o"),
        weak=("kode buku",),
    ),
    FieldSpec("cover", ("cover", "cover image", "image", "image url", "sampul", "gambar",
                        "poster", "gambar acara")),
    FieldSpec("subject", ("subject", "subjects", "topics", "subjek", "topik", "650$a"),
              multi=True, added=("651$a", "subjek tambahan", "additional subjects")),
    FieldSpec(
        "summary",
        ("summary", "abstract", "description", "sinopsis", "ringkasan", "abstrak",
         "deskripsi", "biblio.abstract", "520$a", "notes", "catatan", "biblio.notes"),
    ),
    FieldSpec("edition", ("edition", "edisi", "biblioitems.editionstatement", "250$a")),
    FieldSpec("series", ("series", "series title", "seri", "biblio.seriestitle", "490$a")),
    FieldSpec("language", ("language", "language name", "language code", "bahasa")),
    FieldSpec("place", ("place", "place name", "tempat terbit", "kota terbit", "place of publication",
                        "biblioitems.place", "260$a", "264$a", "tempat",
                        "lokasi", "tempat kegiatan", "location", "venue", "branch",
                        "library branch", "cabang")),
    FieldSpec("collation", ("collation", "kolasi", "biblioitems.pages", "300$a")),
    FieldSpec("gmd", ("gmd", "gmd name")),
    FieldSpec("classification", ("classification", "klasifikasi", "082$a")),
    FieldSpec(
        "item_code",
        ("item code", "kode eksemplar", "barcode", "no induk", "nomor induk", "items.barcode",
         "952$p"),
        multi=True,
    ),
    FieldSpec("date_added", ("date added", "input date", "tanggal masuk")),
    FieldSpec("price", ("price", "harga")),
    FieldSpec("id", ("id", "biblio id", "book id", "biblionumber", "biblio.biblionumber")),
    FieldSpec("url", ("link pendaftaran", "tautan pendaftaran", "pendaftaran",
                      "registration url", "registration link", "registration", "register",
                      "url", "link", "tautan")),
    # Events (libmedia.eventtime reads and writes the date fields).  "Keterangan"
    # is not an alias of summary: inventories use it for a copy's remark ("-",
    # "rusak"; case C40), so it stays the column ``keterangan``.
    FieldSpec("date", ("tanggal mulai", "start date", "tanggal", "tanggal acara",
                       "tanggal kegiatan", "hari tanggal", "date", "event date")),
    FieldSpec("end_date", ("tanggal selesai", "tanggal berakhir", "end date")),
    FieldSpec("time", ("jam mulai", "waktu mulai", "start time", "waktu", "jam", "pukul",
                       "time", "start")),
    FieldSpec("end_time", ("jam selesai", "waktu selesai", "end time", "end")),
    FieldSpec("timezone", ("zona waktu", "zona", "time zone", "timezone")),
    FieldSpec("room", ("ruang", "ruangan", "room")),
    FieldSpec("speaker", ("pembicara", "narasumber", "pemateri", "speaker", "speakers",
                          "presenter", "host")),
    FieldSpec("audience", ("peserta", "sasaran", "sasaran peserta", "audience",
                           "age group")),
    FieldSpec("fee", ("biaya", "htm", "harga tiket", "fee", "cost", "price of admission")),
    # Service notices (libmedia.hours reads the kind and the hours table).
    FieldSpec("kind", ("jenis pengumuman", "jenis", "notice type", "kind")),
    FieldSpec("hours", ("jam buka", "jam layanan", "jam operasional", "opening hours", "hours")),
    FieldSpec("service", ("layanan", "nama layanan", "sistem", "service", "system")),
    FieldSpec("moved_from", ("lokasi lama", "tempat lama", "dari", "moved from", "old location",
                             "from")),
    FieldSpec("moved_to", ("lokasi baru", "tempat baru", "pindah ke", "ke", "moved to",
                           "new location", "to")),
    FieldSpec("instead", ("sebagai gantinya", "alternatif", "solusi", "instead", "alternative")),
    # Book quotations (the book-quote template).
    FieldSpec("quote", ("kutipan", "petikan", "kutipan buku", "quote", "quotation")),
    FieldSpec("page", ("halaman kutipan", "halaman", "hlm", "hal", "page", "quote page")),
)
"""The canonical fields, in the order they are listed to users."""

#: Fields filled by ISBN parsing rather than read straight from a column.
DERIVED_FIELDS: tuple[str, ...] = ("isbn10", "author_display")

#: Column layout of SLiMS 9 *Export to CSV*
#: (``admin/modules/bibliography/export.php``), used for header-less exports.
SLIMS_EXPORT_COLUMNS: tuple[str, ...] = (
    "title", "gmd_name", "edition", "isbn_issn", "publisher_name", "publish_year",
    "collation", "series_title", "call_number", "language_name", "place_name",
    "classification", "notes", "image", "sor", "authors", "topics", "item_code",
)

#: Fields whose values are never text for people (paths, links, codes):
#: SLiMS' literal ``\\n`` is not turned into a line break in them.
NON_PROSE_FIELDS: frozenset[str] = frozenset({"cover", "url", "isbn", "issn", "id", "item_code"})


def header_key(header: str) -> str:
    """Matching form of a header: NFKC, lower case, letters and digits only.

    ``"No. Panggil"`` -> ``"nopanggil"``; ``" Pengarang "`` -> ``"pengarang"``.
    """
    text = unicodedata.normalize("NFKC", header).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def slugify(header: str) -> str:
    """Template-friendly name for an unrecognised header: lower case, ``_``
    between words, ASCII letters/digits kept (accents dropped).

    ``"Original Title"`` -> ``"original_title"``; ``"Harga (Rp)"`` ->
    ``"harga_rp"``.  Returns ``""`` when nothing usable is left.
    """
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if slug and slug[0].isdigit():
        slug = "f_" + slug
    return slug


def _build_index() -> dict[str, tuple[str, int, bool]]:
    index: dict[str, tuple[str, int, bool]] = {}
    for spec in FIELDS:
        for rank, alias in enumerate(spec.aliases):
            index.setdefault(header_key(alias), (spec.name, rank, False))
        for rank, alias in enumerate(spec.weak, start=len(spec.aliases)):
            index.setdefault(header_key(alias), (spec.name, rank, True))
    return index


_ALIAS_INDEX = _build_index()
_ADDED_INDEX = {header_key(alias): spec.name for spec in FIELDS for alias in spec.added}
_SPECS = {spec.name: spec for spec in FIELDS}
_NUMBERED = re.compile(r"^(.*?[a-z])(\d{1,2})$")


def lookup_header(header: str) -> tuple[str, int, bool] | None:
    """Canonical field for a header: ``(field, rank, weak)`` or ``None``.

    ``rank`` is the alias's priority (0 = most specific); ``weak`` is True
    for aliases used only when nothing better is present.  An added-values
    header of a multi-valued field (:attr:`FieldSpec.added`, ``Co-author``)
    or a numbered one (``Pengarang 2``, ``Subject1``) ranks after every
    alias (see :func:`adds_values`).
    """
    key = header_key(header)
    hit = _ALIAS_INDEX.get(key)
    if hit is not None:
        return hit
    name = _ADDED_INDEX.get(key) or _numbered_field(key)
    return (name, 1000, False) if name else None


def _numbered_field(key: str) -> str | None:
    """The multi-valued field a numbered header key (``pengarang2``) names."""
    m = _NUMBERED.match(key)
    if not m:
        return None
    hit = _ALIAS_INDEX.get(m.group(1))
    return hit[0] if hit and not hit[2] and _SPECS[hit[0]].multi else None


def adds_values(header: str) -> bool:
    """True for a header whose column adds values to a multi-valued field
    rather than competing with the field's other columns: an
    :attr:`FieldSpec.added` alias (``Co-author``, ``700$a``) or an alias
    with a number (``Pengarang 2``, ``Subjek1``)."""
    key = header_key(header)
    return key not in _ALIAS_INDEX and (key in _ADDED_INDEX or _numbered_field(key) is not None)


def field_spec(name: str) -> FieldSpec | None:
    """The :class:`FieldSpec` of a canonical field, or ``None``."""
    return _SPECS.get(name)


def known_field_names() -> list[str]:
    """Canonical field names with their usual headers, for error messages:
    ``["title (judul)", "author (pengarang)", ...]``."""
    out = []
    for spec in FIELDS:
        local = [a for a in spec.aliases if a != spec.name.replace("_", " ")][:2]
        out.append(f"{spec.name} ({', '.join(local)})" if local else spec.name)
    return out


@dataclass
class ColumnPlan:
    """How the columns of one file feed the fields of a record.

    ``sources``  canonical field -> column indexes, best first;
    ``extras``   column index -> slug, for unrecognised columns;
    ``mapping``  header -> canonical field (for :class:`DataSet.mapping`);
    ``joined``   multi-valued field -> the columns whose values are all
                 used, in column order: the best column, every column with
                 the same header (case C28: ``Pengarang;Pengarang``), and
                 added-values columns (:func:`adds_values`);
    ``repeated`` single-valued field -> columns that share the best
                 column's header (each record uses the first filled one).
    """

    sources: dict[str, list[int]]
    extras: dict[int, str]
    mapping: dict[str, str]
    joined: dict[str, list[int]] = field(default_factory=dict)
    repeated: dict[str, list[int]] = field(default_factory=dict)


def plan_columns(headers: list[str]) -> ColumnPlan:
    """Resolve a header row into a :class:`ColumnPlan`.

    Regular aliases rank by alias priority then column order; weak aliases
    are used only for fields with no regular column.  Unrecognised headers
    (and weak ones left unused) become slugs; a slug that collides with a
    canonical field or an earlier slug gets ``_2``, ``_3``...  A blank
    header becomes ``column_N`` (1-based column number).  A multi-valued
    field joins the values of its best column, the columns repeating its
    header and its added-values columns (``joined``); a single-valued field
    whose best header is repeated lists those columns in ``repeated``.
    """
    found: dict[str, list[tuple[bool, int, int]]] = {}
    for col, header in enumerate(headers):
        hit = lookup_header(header)
        if hit:
            name, rank, weak = hit
            found.setdefault(name, []).append((weak, rank, col))
    sources: dict[str, list[int]] = {}
    for name, cands in found.items():
        regular = [c for c in cands if not c[0]]
        chosen = sorted(regular or cands)
        sources[name] = [col for _, _, col in chosen]
    joined: dict[str, list[int]] = {}
    repeated: dict[str, list[int]] = {}
    for name, cols in sources.items():
        best = header_key(headers[cols[0]])
        same = [c for c in cols if header_key(headers[c]) == best]
        if _SPECS[name].multi:
            extra = [c for c in cols if adds_values(headers[c])]
            if len(same) > 1 or extra:
                joined[name] = sorted(set(same) | set(extra))
        elif len(same) > 1:
            repeated[name] = same
    used = {col for cols in sources.values() for col in cols}
    mapping = {headers[col]: name for name, cols in sources.items() for col in cols}
    taken = {spec.name for spec in FIELDS} | set(DERIVED_FIELDS)
    extras: dict[int, str] = {}
    for col, header in enumerate(headers):
        if col in used:
            continue
        base = slugify(header) or f"column_{col + 1}"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}_{n}", n + 1
        taken.add(slug)
        extras[col] = slug
    return ColumnPlan(sources, extras, mapping, joined, repeated)


# --- value rules -----------------------------------------------------------

MULTI_VALUE = re.compile(r"^(?:<[^<>]*>)+$")
"""A SLiMS multi-value cell: ``<a><b>`` (authors, topics, item codes)."""


def split_values(value: str) -> list[str]:
    """A multi-valued cell as a list: SLiMS ``<a><b>`` or ``a; b``.

    Items are trimmed and empty items dropped; ``""`` -> ``[]``.
    """
    value = value.strip()
    items = re.findall(r"<([^<>]*)>", value) if MULTI_VALUE.match(value) else value.split(";")
    return [item.strip() for item in items if item.strip()]


_YEAR_FLOAT = re.compile(r"^(-?\d{1,4})\.0+$")
_ISO_DATE = re.compile(r"^(\d{4})-\d{1,2}-\d{1,2}(?:[ T].*)?$")
_DMY_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-](\d{4})$")


def normalise_year(value: str) -> str:
    """Publication year as printed: ``"2008.0"`` -> ``"2008"`` (a spreadsheet
    float); ``"2005-03-01"`` / ``"17/08/2024"`` -> the year; ``"0000-00-00"``
    or ``"0"`` (MySQL's "no date") -> ``""``.  Anything else (``"c2005"``,
    ``"[2005?]"``) is returned unchanged.
    """
    value = value.strip()
    for pattern in (_YEAR_FLOAT, _ISO_DATE, _DMY_DATE):
        m = pattern.match(value)
        if m:
            value = m.group(1)
            break
    if value.strip("0-") == "" and value:
        return ""
    return value


_PARTICLES = frozenset(
    "van von der den de del della di da du le la dos das ten ter bin binti ibn al el".split()
)
#: Degrees, titles and suffixes written after a comma ("Setiadi, M.Si"),
#: compared without dots/spaces, lower case.
_DEGREES = frozenset(
    """jr sr ii iii iv esq phd md dd ma mba ms msc msi mpd mm mcom mh mhum mkom mt
    mag mkes mpsi mse ba bsc be se sh spd skom st ssi ssos sag spsi ss sip sked
    skm sfarm ak cpa lc drs dra dr ir prof hj apt llm llb ked mpa mph""".split()
)
_INDONESIAN_DEGREE = re.compile(r"^[A-Z]\.\s?[A-Z][a-z]{1,4}\.?$")  # S.Pd, M.Si, S.Kom


def _is_degree(text: str) -> bool:
    if _INDONESIAN_DEGREE.match(text):
        return True
    return re.sub(r"[.\s]", "", text).lower() in _DEGREES


def split_people(value: str) -> list[str]:
    """A list of people written with commas, as one name each:
    ``"Homer, Robert Fagles, E.V. Rieu"`` -> ``["Homer", "Robert Fagles",
    "E.V. Rieu"]``.  A part that is a degree or suffix stays with the name
    before it (``"Dr. Elly M. Setiadi, M.Si"``, ``"Harry S. Dent, Jr."``).
    Only for a table whose commas separate people (goodbooks; see
    :func:`libmedia.sources.normalize._names_are_inverted`), never for
    "Surname, Given" headings."""
    people: list[str] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        if people and _is_degree(part):
            people[-1] = f"{people[-1]}, {part}"
        else:
            people.append(part)
    return people


#: Dates after a heading (MARC 100 $d): ``, 1925-2006``, ``, 1950-``,
#: ``, b. 1950``, ``, ca. 1900-1980``, ``, 1899?-``.
_HEADING_DATES = re.compile(
    r",?\s*(?:\(?(?:b\.|d\.|lahir|wafat|ca\.|approximately|fl\.)\s*)?\d{3,4}\??"
    r"(?:\s*-\s*(?:\d{3,4}\??)?)?\)?[.,]?\s*$")


def heading_without_dates(name: str) -> str:
    """``name`` without a heading's trailing dates and ISBD punctuation:
    ``"Toer, Pramoedya Ananta, 1925-2006."`` -> ``"Toer, Pramoedya Ananta"``."""
    from .clean import strip_isbd

    text = strip_isbd(name.strip())
    if "," in text:
        text = strip_isbd(_HEADING_DATES.sub("", text))
    return text


def display_name(name: str) -> str:
    """A catalogue heading "Surname, Given" in reading order: "Given Surname".

    ``"Siever, Ellen"`` -> ``"Ellen Siever"``; ``"van Rossum, Guido"`` ->
    ``"Guido van Rossum"``; ``"Toer, Pramoedya Ananta, 1925-2006."`` ->
    ``"Pramoedya Ananta Toer"`` (trailing ISBD punctuation and the
    heading's dates, MARC 100 $d, are dropped first:
    :func:`heading_without_dates`).  Flipped only when the name has exactly
    one comma, no other digits, a surname of one word (plus particles such
    as *van*, *de*, *bin*), and the part after the comma is not a degree or
    suffix -- so ``"Dr. Elly M. Setiadi, M.Si"``, ``"Harry S. Dent, Jr."``
    and lists such as ``"J.K. Rowling, Mary GrandPré"`` are returned
    unchanged (but for their trailing punctuation).  Rule after AACR2/RDA
    inverted headings (RDA 9.2.2.9).
    """
    name = heading_without_dates(name)
    if name.count(",") != 1 or any(ch.isdigit() for ch in name):
        return name
    surname, given = (part.strip() for part in name.split(","))
    if not surname or not given or _is_degree(given):
        return name
    words = surname.split()
    if any(w.lower() not in _PARTICLES for w in words[:-1]):
        return name
    return f"{given} {surname}"
