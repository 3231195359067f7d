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
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field.

    ``name``     canonical name used by templates;
    ``aliases``  header names that mean this field, most specific first
                 (compared via :func:`header_key`);
    ``weak``     aliases used only when no regular alias is present;
    ``multi``    the field may hold several values (``<a><b>`` or
                 ``a; b``), split into ``Record.lists[name]``.
    """

    name: str
    aliases: tuple[str, ...]
    weak: tuple[str, ...] = ()
    multi: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", ("title", "judul", "judul buku", "book title", "judul acara",
                        "judul kegiatan", "nama kegiatan", "nama acara", "event title",
                        "event name", "event", "acara", "kegiatan")),
    FieldSpec("subtitle", ("subtitle", "anak judul", "subjudul", "sub judul")),
    FieldSpec(
        "author",
        ("authors", "author", "pengarang", "nama pengarang", "penulis", "author(s)",
         "creator", "sor", "statement of responsibility"),
        multi=True,
    ),
    FieldSpec("publisher", ("publisher", "publisher name", "penerbit", "nama penerbit")),
    FieldSpec(
        "year",
        ("year", "publish year", "tahun terbit", "tahun penerbit", "tahun", "original publication year",
         "publication year"),
    ),
    FieldSpec("isbn", ("isbn", "isbn issn", "isbn13", "isbn 13", "isbn10")),
    FieldSpec("issn", ("issn",)),
    FieldSpec(
        "call_number",
        ("call number", "callnumber", "call no", "no panggil", "nomor panggil"),
        weak=("kode buku",),
    ),
    FieldSpec("cover", ("cover", "cover image", "image", "image url", "sampul", "gambar",
                        "poster", "gambar acara")),
    FieldSpec("subject", ("subject", "subjects", "topics", "subjek", "topik"), multi=True),
    FieldSpec(
        "summary",
        ("summary", "abstract", "description", "sinopsis", "ringkasan", "abstrak",
         "deskripsi", "notes", "catatan"),
    ),
    FieldSpec("edition", ("edition", "edisi")),
    FieldSpec("series", ("series", "series title", "seri")),
    FieldSpec("language", ("language", "language name", "language code", "bahasa")),
    FieldSpec("place", ("place", "place name", "tempat terbit", "kota terbit", "tempat",
                        "lokasi", "tempat kegiatan", "location", "venue", "branch",
                        "library branch", "cabang")),
    FieldSpec("collation", ("collation", "kolasi")),
    FieldSpec("gmd", ("gmd", "gmd name")),
    FieldSpec("classification", ("classification", "klasifikasi")),
    FieldSpec(
        "item_code",
        ("item code", "kode eksemplar", "barcode", "no induk", "nomor induk"),
        multi=True,
    ),
    FieldSpec("date_added", ("date added", "input date", "tanggal masuk")),
    FieldSpec("price", ("price", "harga")),
    FieldSpec("id", ("id", "biblio id", "book id")),
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
_SPECS = {spec.name: spec for spec in FIELDS}


def lookup_header(header: str) -> tuple[str, int, bool] | None:
    """Canonical field for a header: ``(field, rank, weak)`` or ``None``.

    ``rank`` is the alias's priority (0 = most specific); ``weak`` is True
    for aliases used only when nothing better is present.
    """
    return _ALIAS_INDEX.get(header_key(header))


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
    ``mapping``  header -> canonical field (for :class:`DataSet.mapping`).
    """

    sources: dict[str, list[int]]
    extras: dict[int, str]
    mapping: dict[str, str]


def plan_columns(headers: list[str]) -> ColumnPlan:
    """Resolve a header row into a :class:`ColumnPlan`.

    Regular aliases rank by alias priority then column order; weak aliases
    are used only for fields with no regular column.  Unrecognised headers
    (and weak ones left unused) become slugs; a slug that collides with a
    canonical field or an earlier slug gets ``_2``, ``_3``...  A blank
    header becomes ``column_N`` (1-based column number).
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
    return ColumnPlan(sources, extras, mapping)


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


def display_name(name: str) -> str:
    """A catalogue heading "Surname, Given" in reading order: "Given Surname".

    ``"Siever, Ellen"`` -> ``"Ellen Siever"``; ``"van Rossum, Guido"`` ->
    ``"Guido van Rossum"``.  Flipped only when the name has exactly one comma,
    no digits (dates such as ``"1925-2006"``), a surname of one word (plus
    particles such as *van*, *de*, *bin*), and the part after the comma is
    not a degree or suffix -- so ``"Dr. Elly M. Setiadi, M.Si"``,
    ``"Harry S. Dent, Jr."`` and lists such as
    ``"J.K. Rowling, Mary GrandPré"`` are returned unchanged.  Rule after
    AACR2/RDA inverted headings (RDA 9.2.2.9).
    """
    name = name.strip()
    if name.count(",") != 1 or any(ch.isdigit() for ch in name):
        return name
    surname, given = (part.strip() for part in name.split(","))
    if not surname or not given or _is_degree(given):
        return name
    words = surname.split()
    if any(w.lower() not in _PARTICLES for w in words[:-1]):
        return name
    return f"{given} {surname}"
