"""The brand kit: a library's name, logo, colours, type roles, language and links.

Read from ``libmedia.toml``.  Every key is optional: what a library leaves
out comes from the default kit that ships in ``assets/brand/libmedia.toml``,
so the samples render without one.  A template names type *roles*
(``role="title"``) and colours (``brand.colors.primary``), so a library
restyles every template by editing one file.  ``libmedia init`` writes a
commented kit to start from (:mod:`libmedia.kitfile`).

Sections of a kit:

``[library]``  name, short_name, logo, language, timezone, catalog_url,
               registration_url, hashtags, music, title_case (and, from
               older kits, website and instagram: read into ``[social]``);
``[social]``   instagram, tiktok, facebook, x, youtube (handles) and website;
``[formats]``  the formats made when ``--format`` is not given: ``default``
               and per template kind (``image``, ``carousel``, ``video``);
``[hours]``    opening hours, ``"Senin–Kamis" = "08.00–16.00"``, in order;
``[colors]``   named colours; ``[type.ROLE]`` type styles;
``[covers]``   how ``--fetch-covers`` fetches: ``service`` (URL with ``{isbn}``),
               ``allow_private``, ``timeout`` (:mod:`libmedia.webcovers`).

Lookup order for the kit when none is given: ``libmedia.toml`` beside the
data file, then in the working folder, then the default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import BrandError, Location, ProblemList
from .i18n import languages
from .style import parse_color

DEFAULT_KIT = Path(__file__).resolve().parents[1] / "assets" / "brand" / "libmedia.toml"

_TYPE_KEYS = {"family", "weight", "size", "italic", "line_height", "tracking", "transform", "color",
              "features"}
_LIBRARY_KEYS = {"name", "short_name", "logo", "website", "instagram", "language", "timezone",
                 "catalog_url", "registration_url", "hashtags", "music", "title_case"}
#: ``[social]`` keys: the networks a post or caption may name, and the website.
SOCIAL_KEYS = ("instagram", "tiktok", "facebook", "x", "youtube", "website")
#: ``[formats]`` keys: ``default`` and the template kinds.
_FORMAT_KEYS = ("default", "image", "carousel", "video")
_SECTIONS = ("library", "social", "formats", "hours", "colors", "type", "covers")
#: ``[covers]`` keys: how ``--fetch-covers`` fetches (:mod:`libmedia.webcovers`).
_COVERS_KEYS = ("service", "allow_private", "timeout")

#: Colours derived from the kit when it does not name them itself, so a
#: template's coloured text reads under any kit: name -> (colour, the
#: background it is text on, the colour it is moved towards).  Each is the
#: kit's own colour when it reads on that background at WCAG AA (4.5:1),
#: else mixed towards the third colour until it does (a yellow accent on
#: white paper becomes a dark ochre; a navy brand colour on near-black
#: paper a light blue-grey).  See :func:`on_paper`.
DERIVED_ON_PAPER = {
    "primary_on_paper": ("primary", "paper", "ink"),
    "accent_on_paper": ("accent", "paper", "ink"),
    "accent_on_primary": ("accent", "primary", "on_primary"),
}
#: ``dark`` and ``light``: the darker and the lighter of ``ink`` and
#: ``paper``, for what must be dark on light whatever the kit (a QR code's
#: modules on its ground, as scanners expect; text on a white label) or a
#: dark panel (an event's departure board).
DERIVED_QR = ("dark", "light")
#: The contrast a derived on-paper colour reaches (WCAG 2.1, 1.4.3, AA for body text).
ON_PAPER_CONTRAST = 4.5

_HANDLE = re.compile(r"^[A-Za-z0-9._-]{1,60}$")
_PROFILE_HOSTS = {
    "instagram": ("instagram.com",), "tiktok": ("tiktok.com",),
    "facebook": ("facebook.com", "fb.com", "fb.me"), "x": ("x.com", "twitter.com"),
    "youtube": ("youtube.com",),
}


@dataclass(frozen=True)
class Brand:
    """A loaded brand kit.

    ``colors``  name -> RGBA tuple (0-255), with the derived
                :data:`DERIVED_ON_PAPER` and :data:`DERIVED_QR` colours
                added when the kit does not set them;
    ``types``   role -> dict of text style keys (family, weight, size in px,
                italic, line_height, tracking in 1/1000 em, transform, color);
    ``logo``    absolute path of the logo image, or None;
    ``catalog_url`` patterns with ``{isbn}``, ``{id}``... placeholders; the
                first one whose placeholders a record fills is used;
    ``registration_url`` the library's event registration page ("": none);
    ``social``  network -> handle without ``@`` (``instagram``, ``tiktok``,
                ``facebook``, ``x``, ``youtube``) and ``website`` -> URL,
                only those the kit fills;
    ``formats`` template kind (or ``default``) -> format names made when no
                ``--format`` is given (see :meth:`default_formats`);
    ``hours``   opening hours as ``(days, time)`` pairs in the kit's order;
    ``timezone`` the zone of event times that name none (``WIB``,
                ``Asia/Makassar``; "": none);
    ``title_case`` True (the default): titles and names a catalogue stores
                in capitals are set in title case on posts and in captions
                (templates pass it to ``title_parts``; see
                :func:`libmedia.textfilters.title_case`).
    """

    name: str
    short_name: str
    logo: Path | None
    website: str
    instagram: str
    language: str
    catalog_url: tuple[str, ...]
    hashtags: tuple[str, ...]
    colors: dict[str, tuple[int, int, int, int]]
    types: dict[str, dict]
    path: Path | None = None
    hex_colors: dict[str, str] = field(default_factory=dict)
    #: The library's own music for clips (``brand:music`` in a template), or None.
    music: Path | None = None
    title_case: bool = True
    registration_url: str = ""
    social: dict[str, str] = field(default_factory=dict)
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hours: tuple[tuple[str, str], ...] = ()
    timezone: str = ""
    #: ``[covers]``: ``service`` (URL pattern with ``{isbn}``, "" for none),
    #: ``allow_private`` (bool), ``timeout`` (seconds); only the keys the kit sets.
    covers: dict = field(default_factory=dict)

    def to_context(self) -> dict:
        """What templates see as ``brand``: ``name``, ``short_name``,
        ``logo`` (``"brand:logo"`` or ""), ``language``, ``hashtags``
        (list), ``colors`` (name -> ``#RRGGBB``), ``catalog_url`` (list),
        ``registration_url``, ``social`` (network -> handle, print it as
        ``@{{ brand.social.instagram }}``; ``website`` a URL), ``website``
        and ``instagram`` (as ``social``'s, for older templates),
        ``hours`` (list of ``{"days", "time"}`` in the kit's order),
        ``timezone``, ``music``, ``title_case``."""
        return {
            "name": self.name,
            "short_name": self.short_name or self.name,
            "logo": "brand:logo" if self.logo else "",
            "website": self.website,
            "instagram": self.instagram,
            "social": dict(self.social),
            "language": self.language,
            "hashtags": list(self.hashtags),
            "colors": dict(self.hex_colors),
            "catalog_url": list(self.catalog_url),
            "registration_url": self.registration_url,
            "hours": [{"days": d, "time": t} for d, t in self.hours],
            "timezone": self.timezone,
            "music": "brand:music" if self.music else "",
            "title_case": self.title_case,
        }

    def with_language(self, language: str | None) -> Brand:
        """This kit in ``language`` (``--lang``), or unchanged for None/"".

        Raises :class:`BrandError` for a language libmedia has no interface
        texts for, listing those it has (:func:`libmedia.i18n.languages`)."""
        if not language or language == self.language:
            return self
        known = languages()
        if language not in known:
            raise BrandError(f"unknown language {language!r}",
                             hint="use one of " + ", ".join(f"--lang {x}" for x in known)
                             + " (id is Bahasa Indonesia); a language is added as a message "
                               "catalog in libmedia/locale/<lang>/LC_MESSAGES/messages.po")
        return replace(self, language=language)

    def default_formats(self, kind: str) -> tuple[str, ...]:
        """The formats the kit asks for templates of ``kind`` (``image``,
        ``carousel``, ``video``) when no ``--format`` is given: its
        ``[formats] <kind>`` list, else ``default``; () when it sets none."""
        return self.formats.get(kind) or self.formats.get("default", ())

    def catalog_link(self, fields: dict[str, str]) -> str:
        """The catalogue URL for a record: the first pattern whose placeholders
        the record fills (values percent-encoded, ISBN hyphens dropped), or ""
        when there is none."""
        from urllib.parse import quote

        for pattern in self.catalog_url:
            missing = False

            def sub(m: re.Match) -> str:
                nonlocal missing
                value = str(fields.get(m.group(1), "")).strip()
                if not value:
                    missing = True
                if m.group(1) == "isbn":
                    value = value.replace("-", "")
                return quote(value, safe="")

            url = re.sub(r"\{(\w+)\}", sub, pattern)
            if not missing:
                return url
        return ""


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _read_toml(path: Path) -> tuple[dict, str]:
    """The kit's tables and its text (for line numbers)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise BrandError(f"brand kit {path} not found",
                         hint="check the path given with --brand, or write one with "
                              "'libmedia init'") from None
    except UnicodeDecodeError as exc:
        raise BrandError(f"brand kit is not UTF-8 text ({exc.reason} at byte {exc.start})",
                         Location(file=str(path)), hint="save the file as UTF-8") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        raise BrandError(f"brand kit is not valid TOML: {exc}",
                         Location(file=str(path), line=int(m[1]) if m else None),
                         hint="check quotes and brackets on the line named; text values go in "
                              "double quotes: name = \"Perpustakaan Kota\"") from None


_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def key_lines(text: str) -> dict[str, int]:
    """``"section.key"`` (and ``"section"`` for a table header) -> the 1-based
    line it is written on, read from a kit's text: what error locations
    point at (tomllib keeps no positions).  Dotted keys and inline tables
    are found by their first part."""
    out: dict[str, int] = {}
    section = ""
    for n, line in enumerate(text.splitlines(), 1):
        h = _HEADER.match(line)
        if h and not line.lstrip().startswith("[["):
            section = ".".join(p.strip().strip("\"'") for p in h[1].split("."))
            out.setdefault(section, n)
            continue
        k = _KEY.match(line)
        if k:
            key = k[1].strip("\"'")
            out.setdefault(f"{section}.{key}" if section else key, n)
    return out


class _Problems:
    """Collects a kit's problems, each located at its key and line."""

    def __init__(self, where: str, lines: dict[str, int]):
        self.where, self.lines, self.items = where, lines, []

    def add(self, message: str, key: str, hint: str, line_of: str | None = None) -> None:
        line = self.lines.get(line_of or key) or self.lines.get(key)
        if line is None and "." in key:
            line = self.lines.get(key.rsplit(".", 1)[0])
        self.items.append(BrandError(message, Location(file=self.where, line=line, field=key),
                                     hint=hint))

    def extend(self, errors: list[BrandError]) -> None:
        for e in errors:
            line = self.lines.get(e.location.field or "")
            self.items.append(e.replace(location=replace(e.location, line=line)) if line else e)


def load_brand(path: str | Path | None = None, lang: str | None = None) -> Brand:
    """Load a brand kit, filling what it leaves out from the default kit.

    ``lang`` (``--lang``) overrides the kit's ``[library] language``.
    Every problem is found in one pass and raised together (one
    :class:`BrandError`, or a :class:`~libmedia.errors.ProblemList` of them),
    each naming the file, its key and line: an unknown section or key, a
    colour or type role name one letter away from a standard one, a bad
    colour, a type role with an unknown key or colour, an unknown language
    or time zone, a catalogue pattern or registration page that is no web
    address, a social handle with spaces, a hashtag with a space, an
    unknown format (or a video format for images), opening hours that are
    not text, a missing or unreadable logo file.  An unreadable file (not
    found, not UTF-8, not TOML) is raised at once.
    """
    default, _ = _read_toml(DEFAULT_KIT)
    data = default
    kit_path: Path | None = None
    lines: dict[str, int] = {}
    user: dict = {}
    if path is not None:
        kit_path = Path(path).resolve()
        user, text = _read_toml(kit_path)
        lines = key_lines(text)
        data = _merge(default, user)
    where = str(kit_path or DEFAULT_KIT)
    found = _Problems(where, lines)
    if path is not None:
        found.extend(_check_keys(user, kit_path, default))
    lib = _table(data, "library", found)
    base = kit_path.parent if kit_path else DEFAULT_KIT.parent

    colors: dict[str, tuple[int, int, int, int]] = {}
    hexes: dict[str, str] = {}
    for name, value in _table(data, "colors", found).items():
        if name == "cover_palette":  # the stand-in cover's tones, listed (libmedia.cover)
            found.extend(_cover_palette(value, where, colors, hexes))
            continue
        try:
            colors[name] = parse_color(str(value))
        except ValueError as exc:
            found.add(f"colour '{name}' = {value!r}: {exc}", f"colors.{name}", _COLOR_HINT)
            continue
        hexes[name] = _hex(colors[name])
    _derive_on_paper(colors, hexes)

    types: dict[str, dict] = {}
    for role, spec in _table(data, "type", found).items():
        if not isinstance(spec, dict):
            found.add(f"type role '{role}' = {spec!r} is not a table", f"type.{role}",
                      f"write it as a section of its own: [type.{role}] with family, size... below")
            continue
        unknown = set(spec) - _TYPE_KEYS
        if unknown:
            found.add(f"unknown key(s) {', '.join(sorted(unknown))} in [type.{role}]",
                      f"type.{role}", "known keys: " + ", ".join(sorted(_TYPE_KEYS)),
                      line_of=f"type.{role}.{sorted(unknown)[0]}")
        color = spec.get("color")
        if color is not None and str(color) not in colors:
            try:
                parse_color(str(color))
            except ValueError as exc:
                found.add(f"[type.{role}] color = {color!r}: not a colour of [colors] and {exc}",
                          f"type.{role}.color",
                          "name a colour of [colors] (\"primary\") or give one: " + _COLOR_HINT[4:])
        types[role] = dict(spec)

    language = str(lib.get("language", "id"))
    known_languages = languages()  # those with interface texts (libmedia/locale)
    if language not in known_languages:
        found.add(f"unknown language {language!r}", "library.language",
                  "use one of " + ", ".join(f'"{x}"' for x in known_languages)
                  + " (\"id\" is Bahasa Indonesia)")
    timezone = _timezone(lib.get("timezone", ""), found)
    logo = None
    if lib.get("logo"):
        logo = (base / str(lib["logo"])).resolve()
        if not logo.is_file():
            found.add(f"logo file {logo} not found", "library.logo",
                      "give the logo's path relative to the brand kit file")
        else:
            found.extend(_check_logo(logo, where))
    # checked when a clip plays it (a missing jingle must not stop the week's image posts)
    music = (base / str(lib["music"])).resolve() if lib.get("music") else None
    hashtags = _hashtags(lib.get("hashtags", []), found)
    patterns, bad = _patterns(lib.get("catalog_url", ""), where)
    found.extend(bad)
    registration = _web_address(lib.get("registration_url", ""), "library.registration_url", found,
                                "the page where people sign up for events, e.g. "
                                "https://s.id/daftar-perpus or a Google Form link")
    title_case = lib.get("title_case", True)
    if not isinstance(title_case, bool):
        found.add(f"title_case = {title_case!r}: not true or false", "library.title_case",
                  "write title_case = true (titles in capitals set in title case) "
                  "or title_case = false (titles as the catalogue gives them)")
    social = _social(lib, _table(data, "social", found), found)
    formats = _formats(_table(data, "formats", found), found)
    hours = _hours(_table(data, "hours", found), found)
    covers = _covers(_table(data, "covers", found), found)
    if found.items:
        problems = found.items
        raise ProblemList.of(problems, None if len(problems) == 1 else
                             f"{len(problems)} problems in the brand kit {where}")
    brand = Brand(
        name=str(lib.get("name", "")), short_name=str(lib.get("short_name", "")), logo=logo,
        website=social.get("website", ""), instagram=social.get("instagram", ""),
        language=language, catalog_url=patterns, hashtags=hashtags,
        colors=colors, types=types, path=kit_path, hex_colors=hexes, music=music,
        title_case=bool(title_case) if isinstance(title_case, bool) else True,
        registration_url=registration, social=social, formats=formats, hours=hours,
        timezone=timezone, covers=covers,
    )
    return brand.with_language(lang)


def _hex(c: tuple[int, int, int, int]) -> str:
    r, g, b, a = c
    return f"#{r:02X}{g:02X}{b:02X}" + (f"{a:02X}" if a != 255 else "")


def _table(data: dict, name: str, found: _Problems) -> dict:
    """Section ``name`` of the kit, {} (and a problem) when it is no table."""
    value = data.get(name, {})
    if isinstance(value, dict):
        return value
    found.add(f"'{name}' = {value!r} is not a section", name,
              f"write it as a section: a line [{name}] with its keys below it")
    return {}


def on_paper(color: tuple[int, int, int, int], paper: tuple[int, int, int, int],
             ink: tuple[int, int, int, int], target: float = ON_PAPER_CONTRAST
             ) -> tuple[int, int, int, int]:
    """``color`` as text on ``paper``: itself when its WCAG 2 contrast with
    ``paper`` is at least ``target``, else the first of ``color`` mixed
    with ``ink`` in steps of 5 % that reaches it (``ink`` itself when
    none does).  RGBA 0-255, opaque."""
    from .cover import contrast

    c, p, k = color[:3], (*paper[:3], 255), ink[:3]
    for step in range(21):
        f = step / 20
        mixed = tuple(round(a + (b - a) * f) for a, b in zip(c, k, strict=True)) + (255,)
        if contrast(mixed, p) >= target:
            return mixed  # type: ignore[return-value]
    return (*k, 255)  # type: ignore[return-value]


def _derive_on_paper(colors: dict, hexes: dict) -> None:
    """Add the :data:`DERIVED_ON_PAPER` and :data:`DERIVED_QR` colours the
    kit does not set itself."""
    from .cover import luminance

    for name, (source, ground, towards) in DERIVED_ON_PAPER.items():
        if name not in colors and all(k in colors for k in (source, ground, towards)):
            colors[name] = on_paper(colors[source], colors[ground], colors[towards])
            hexes[name] = _hex(colors[name])
    if "ink" in colors and "paper" in colors:
        dark, light = sorted((colors["ink"], colors["paper"]), key=luminance)
        for name, c in zip(DERIVED_QR, (dark, light), strict=True):
            if name not in colors:
                colors[name] = (*c[:3], 255)
                hexes[name] = _hex(colors[name])


def _timezone(value, found: _Problems) -> str:
    from .eventtime import parse_zone

    text = str(value).strip()
    if not text:
        return ""
    try:
        parse_zone(text)
    except ValueError as exc:
        found.add(f"timezone = {text!r}: {exc}", "library.timezone",
                  "write WIB, WITA or WIT (Indonesia), or a zone name such as \"Asia/Jakarta\"")
        return ""
    return text


def _hashtags(value, found: _Problems) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        tag = text if text.startswith("#") else "#" + text
        if re.search(r"[\s#]", tag[1:]) or len(tag) < 2:
            found.add(f"hashtag {text!r} has a space or a second #", "library.hashtags",
                      "write each tag as one word, in its own quotes: "
                      "hashtags = [\"#perpustakaan\", \"#bukubaru\"]")
            continue
        out.append(tag)
    return tuple(out)


def _web_address(value, key: str, found: _Problems, what: str) -> str:
    text = str(value).strip()
    if text and not re.match(r"^https?://[^\s/]+\.[^\s]+$", text):
        found.add(f"{key.split('.')[-1]} {text!r} is not a web address", key,
                  f"start it with https://: {what}")
        return ""
    return text


def _social(lib: dict, table: dict, found: _Problems) -> dict[str, str]:
    """``[social]`` (over the older ``[library] website``/``instagram``):
    network -> handle without ``@`` (a profile address is read as its
    handle), ``website`` -> URL."""
    raw = {k: lib[k] for k in ("website", "instagram") if str(lib.get(k, "")).strip()}
    raw.update({k: v for k, v in table.items() if str(v).strip()})
    out: dict[str, str] = {}
    for key in SOCIAL_KEYS:
        text = str(raw.get(key, "")).strip()
        if not text:
            continue
        where = f"social.{key}" if str(table.get(key, "")).strip() else f"library.{key}"
        if key == "website":
            url = text if "://" in text else "https://" + text
            out[key] = _web_address(url, where, found, "the library's website, e.g. "
                                                          "https://perpustakaan.example.go.id")
            continue
        m = re.match(r"^(?:https?://)?(?:www\.|m\.)?([a-z.]+)/+@?([^/?#\s]+)/*(?:[?#].*)?$", text)
        if m and any(m[1].endswith(h) for h in _PROFILE_HOSTS[key]):
            text = m[2]
        handle = text.lstrip("@")
        if not _HANDLE.match(handle):
            found.add(f"{key} = {raw[key]!r} is not a handle", where,
                      f"write the handle alone, as it follows the @: {key} = \"perpusbaru\"")
            continue
        out[key] = handle
    return out


def _formats(table: dict, found: _Problems) -> dict[str, tuple[str, ...]]:
    from .formats import FORMATS

    out: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        if key not in _FORMAT_KEYS:
            continue  # reported by _check_keys
        items = value if isinstance(value, list) else [value]
        names = []
        for item in items:
            name = str(item).strip()
            fmt = FORMATS.get(name)
            if fmt is None:
                close = _near_miss(name, set(FORMATS))
                found.add(f"[formats] {key}: unknown format {name!r}", f"formats.{key}",
                          (f"did you mean \"{close}\"? " if close else "")
                          + "formats: " + ", ".join(FORMATS) + " (libmedia formats lists them)")
                continue
            if (key == "video") != fmt.is_video and key != "default":
                found.add(f"[formats] {key}: {name!r} is a {fmt.kind} format", f"formats.{key}",
                          "video templates make clips (tiktok, instagram-reel, youtube-short); "
                          "image and carousel templates make pictures")
                continue
            names.append(name)
        out[key] = tuple(dict.fromkeys(names))
    return out


def _covers(table: dict, found: _Problems) -> dict:
    """The ``[covers]`` keys set: ``service`` an http(s) address with
    ``{isbn}`` (or "" for no ISBN look-up), ``allow_private`` true/false,
    ``timeout`` seconds (0.1 to 300).  Unknown keys are :func:`_check_keys`'."""
    out: dict = {}
    if "service" in table:
        service = table["service"]
        text = str(service).strip() if isinstance(service, str) else None
        if text is None or (text and (not text.lower().startswith(("http://", "https://"))
                                      or "{isbn}" not in text)):
            found.add(f"[covers] service = {service!r}: not a web address with {{isbn}} in it",
                      "covers.service", 'e.g. service = "https://covers.openlibrary.org/b/isbn/'
                      '{isbn}-L.jpg?default=false" (the default), or service = "" for no '
                      "look-up by ISBN")
        else:
            out["service"] = text
    if "allow_private" in table:
        allow = table["allow_private"]
        if not isinstance(allow, bool):
            found.add(f"[covers] allow_private = {allow!r}: not true or false",
                      "covers.allow_private", "write allow_private = true only for a cover "
                      "server on your own network; the default is false")
        else:
            out["allow_private"] = allow
    if "timeout" in table:
        timeout = table["timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) \
                or not 0.1 <= timeout <= 300:
            found.add(f"[covers] timeout = {timeout!r}: not a number of seconds from 0.1 to 300",
                      "covers.timeout", "e.g. timeout = 20 (the default)")
        else:
            out["timeout"] = float(timeout)
    return out


def _hours(table: dict, found: _Problems) -> tuple[tuple[str, str], ...]:
    out = []
    for days, value in table.items():
        if not isinstance(value, str) or not value.strip():
            found.add(f"opening hours for {days!r} = {value!r}: expected text", f"hours.{days}",
                      f"write the hours in quotes: \"{days}\" = \"08.00–16.00\", "
                      "or \"tutup\" / \"closed\"")
            continue
        out.append((str(days).strip(), value.strip()))
    return tuple(out)


def _cover_palette(value, where: str, colors: dict, hexes: dict) -> list[BrandError]:
    """``[colors] cover_palette``: a list of colours for the stand-in covers,
    stored as ``cover_palette_1``, ``cover_palette_2``... (read by
    :func:`libmedia.cover.cover_palette`).  A problem for a value that is no
    list of colours."""
    loc = Location(file=where, field="colors.cover_palette")
    if not isinstance(value, list) or not value:
        return [BrandError(f"cover_palette = {value!r}: expected a list of colours",
                           loc, hint='write cover_palette = ["#1F4E79", "#E0A526", "#7A2E5C"]')]
    problems = []
    for i, item in enumerate(value, 1):
        try:
            c = parse_color(str(item))
        except ValueError as exc:
            problems.append(BrandError(f"cover_palette colour {i} = {item!r}: {exc}", loc, hint=_COLOR_HINT))
            continue
        colors[f"cover_palette_{i}"] = (*c[:3], 255)
        hexes[f"cover_palette_{i}"] = "#{:02X}{:02X}{:02X}".format(*c[:3])
    return problems


_COLOR_HINT = ("use a hex colour such as \"#1F4E79\", rgb(31, 78, 121), hsl(208, 59%, 30%) "
               "or a colour name such as \"white\"")


def _check_logo(logo: Path, where: str) -> list[BrandError]:
    """The logo must be an image Pillow can read (its header only is read
    here; every post draws it, so a bad file is the kit's error, not a row's)."""
    from .assets import probe_image
    from .errors import ImageError

    try:
        probe_image(logo)
    except ImageError as exc:
        return [BrandError(f"logo file {logo.name} is not an image libmedia can read ({exc.message})",
                           Location(file=where, field="library.logo"),
                           hint="use a PNG (a transparent background looks best) or a JPEG")]
    return []


def _patterns(value, where: str) -> tuple[tuple[str, ...], list[BrandError]]:
    """The catalogue URL patterns, and a problem for each bad one."""
    items = value if isinstance(value, list) else [value]
    out = []
    problems: list[BrandError] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.startswith(("http://", "https://")):
            problems.append(BrandError(f"catalog_url {text!r} is not a web address",
                                       Location(file=where, field="library.catalog_url"),
                                       hint="start it with https:// and put {isbn} or {id} where "
                                            "the record's value goes"))
            continue
        from .sources.fields import FIELDS

        known = {f.name for f in FIELDS} | {"isbn10", "issn"}
        for name in re.findall(r"\{(\w*)\}", text):
            close = _near_miss(name, known) if name not in known else None
            if close or not name:
                # a column of the library's own is fine; a near-miss of a
                # standard field would silently drop every QR code
                problems.append(BrandError(
                    f"catalog_url uses {{{name}}}, which looks like a typo",
                    Location(file=where, field="library.catalog_url"),
                    hint=(f"did you mean {{{close}}}? " if close else "")
                    + "usual ones: {isbn}, {id}, {title}, {call_number}"))
        out.append(text)
    return tuple(out), problems


def _near_miss(name: str, known: set[str]) -> str | None:
    """A known name that ``name`` is probably a typo of (``acent`` for
    ``accent``), or None when it is a name of its own."""
    import difflib

    if name in known:
        return None
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return close[0] if close else None


def _check_keys(user: dict, path: Path, default: dict) -> list[BrandError]:
    """A problem for every unknown section, [library], [social] or [formats]
    key (with the nearest known one as a hint), and for every colour or type
    role name one letter away from a standard one."""
    problems: list[BrandError] = []

    def unknown(key: str, section: str, known) -> None:
        close = _near_miss(key, set(known))
        problems.append(BrandError(
            f"unknown key '{key}' in [{section}]", Location(file=str(path), field=f"{section}.{key}"),
            hint=(f"did you mean '{close}'? " if close else "") + "known keys: "
                 + ", ".join(sorted(known))))

    for section in user:
        if section not in _SECTIONS:
            close = _near_miss(section, set(_SECTIONS))
            problems.append(BrandError(
                f"unknown section [{section}]", Location(file=str(path), field=section),
                hint=(f"did you mean [{close}]? " if close else "") + "sections are [library], "
                     "[social], [formats], [hours], [colors], [type.ROLE] and [covers]"))
    for section, keys in (("library", _LIBRARY_KEYS), ("social", SOCIAL_KEYS),
                          ("formats", _FORMAT_KEYS), ("covers", _COVERS_KEYS)):
        table = user.get(section, {})
        for key in table if isinstance(table, dict) else ():
            if key not in keys:
                unknown(key, section, keys)
    # Colours and type roles may be new names of a library's own, but a name one
    # letter away from a standard one is a typo that would silently do nothing.
    for section, label in (("colors", "colour"), ("type", "type role")):
        # (not "dark"/"light": a library's own "darker" is no typo of them)
        known = set(default.get(section, {})) | (set(DERIVED_ON_PAPER) if section == "colors" else set())
        table = user.get(section, {})
        for key in table if isinstance(table, dict) else ():
            typo = _near_miss(key, known)
            if typo:
                problems.append(BrandError(
                    f"{label} '{key}' in [{section}] looks like a typo of '{typo}'",
                    Location(file=str(path), field=f"{section}.{key}"),
                    hint=f"rename it to '{typo}'; standard names: " + ", ".join(sorted(known))))
    return problems


def find_brand(data_path: Path | None) -> Path | None:
    """The ``libmedia.toml`` that applies: beside the data file, else in the
    working folder, else None (the default kit)."""
    candidates = []
    if data_path is not None:
        candidates.append(Path(data_path).resolve().parent / "libmedia.toml")
    candidates.append(Path.cwd() / "libmedia.toml")
    for c in candidates:
        if c.is_file():
            return c
    return None
