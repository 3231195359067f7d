"""The brand kit: a library's name, logo, colours, type roles, language and links.

Read from ``libmedia.toml``.  Every key is optional: what a library leaves
out comes from the default kit that ships in ``assets/brand/libmedia.toml``,
so the samples render without one.  A template names type *roles*
(``role="title"``) and colours (``brand.colors.primary``), so a library
restyles every template by editing one file.

Lookup order for the kit when none is given: ``libmedia.toml`` beside the
data file, then in the working folder, then the default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BrandError, Location, ProblemList
from .i18n import languages
from .style import parse_color

DEFAULT_KIT = Path(__file__).resolve().parents[1] / "assets" / "brand" / "libmedia.toml"

_TYPE_KEYS = {"family", "weight", "size", "italic", "line_height", "tracking", "transform", "color",
              "features"}
_LIBRARY_KEYS = {"name", "short_name", "logo", "website", "instagram", "language",
                 "catalog_url", "hashtags", "music", "title_case"}


@dataclass(frozen=True)
class Brand:
    """A loaded brand kit.

    ``colors``  name -> RGBA tuple (0-255);
    ``types``   role -> dict of text style keys (family, weight, size in px,
                italic, line_height, tracking in 1/1000 em, transform, color);
    ``logo``    absolute path of the logo image, or None;
    ``catalog_url`` patterns with ``{isbn}``, ``{id}``... placeholders; the
                first one whose placeholders a record fills is used;
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

    def to_context(self) -> dict:
        """What templates see as ``brand``."""
        return {
            "name": self.name,
            "short_name": self.short_name or self.name,
            "logo": "brand:logo" if self.logo else "",
            "website": self.website,
            "instagram": self.instagram,
            "language": self.language,
            "hashtags": list(self.hashtags),
            "colors": dict(self.hex_colors),
            "catalog_url": list(self.catalog_url),
            "music": "brand:music" if self.music else "",
            "title_case": self.title_case,
        }

    def catalog_link(self, fields: dict[str, str]) -> str:
        """The catalogue URL for a record: the first pattern whose placeholders
        the record fills (values percent-encoded, ISBN hyphens dropped), or ""
        when there is none."""
        import re
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


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise BrandError(f"brand kit {path} not found",
                         hint="check the path given with --brand") from None
    except tomllib.TOMLDecodeError as exc:
        raise BrandError(f"brand kit is not valid TOML: {exc}", Location(file=str(path)),
                         hint="check quotes and brackets on the line named") from None


def load_brand(path: str | Path | None = None) -> Brand:
    """Load a brand kit, filling what it leaves out from the default kit.

    Every problem is found in one pass and raised together (one
    :class:`BrandError`, or a :class:`~libmedia.errors.ProblemList` of them),
    each naming the file and its key: an unknown section or key, a colour or
    type role name one letter away from a standard one, a bad colour, a type
    role with an unknown key or colour, an unknown language, a catalogue
    pattern that is no web address or has a typo, a missing or unreadable
    logo file.  An unreadable file (not found, not TOML) is raised at once.
    """
    default = _read_toml(DEFAULT_KIT)
    data = default
    kit_path: Path | None = None
    problems: list[BrandError] = []
    if path is not None:
        kit_path = Path(path).resolve()
        user = _read_toml(kit_path)
        problems += _check_keys(user, kit_path, default)
        data = _merge(default, user)
    where = str(kit_path or DEFAULT_KIT)
    lib = data.get("library", {})
    base = kit_path.parent if kit_path else DEFAULT_KIT.parent

    colors: dict[str, tuple[int, int, int, int]] = {}
    hexes: dict[str, str] = {}
    for name, value in data.get("colors", {}).items():
        if name == "cover_palette":  # the stand-in cover's tones, listed (libmedia.cover)
            problems += _cover_palette(value, where, colors, hexes)
            continue
        try:
            colors[name] = parse_color(str(value))
        except ValueError as exc:
            problems.append(BrandError(f"colour '{name}' = {value!r}: {exc}",
                                       Location(file=where, field=f"colors.{name}"),
                                       hint=_COLOR_HINT))
            continue
        r, g, b, a = colors[name]
        hexes[name] = f"#{r:02X}{g:02X}{b:02X}" + (f"{a:02X}" if a != 255 else "")

    types: dict[str, dict] = {}
    for role, spec in data.get("type", {}).items():
        unknown = set(spec) - _TYPE_KEYS
        if unknown:
            problems.append(BrandError(f"unknown key(s) {', '.join(sorted(unknown))} in [type.{role}]",
                                       Location(file=where, field=f"type.{role}"),
                                       hint="known keys: " + ", ".join(sorted(_TYPE_KEYS))))
        color = spec.get("color")
        if color is not None and str(color) not in data.get("colors", {}):
            try:
                parse_color(str(color))
            except ValueError as exc:
                problems.append(BrandError(
                    f"[type.{role}] color = {color!r}: not a colour of [colors] and {exc}",
                    Location(file=where, field=f"type.{role}.color"),
                    hint="name a colour of [colors] (\"primary\") or give one: " + _COLOR_HINT[4:]))
        types[role] = dict(spec)

    language = str(lib.get("language", "id"))
    known_languages = languages()  # those with interface texts (libmedia/locale)
    if language not in known_languages:
        problems.append(BrandError(f"unknown language {language!r}",
                                   Location(file=where, field="library.language"),
                                   hint="use one of " + ", ".join(f'"{x}"' for x in known_languages)
                                   + " (\"id\" is Bahasa Indonesia)"))
    logo = None
    if lib.get("logo"):
        logo = (base / str(lib["logo"])).resolve()
        if not logo.is_file():
            problems.append(BrandError(f"logo file {logo} not found",
                                       Location(file=where, field="library.logo"),
                                       hint="give the logo's path relative to the brand kit file"))
        else:
            problems += _check_logo(logo, where)
    # checked when a clip plays it (a missing jingle must not stop the week's image posts)
    music = (base / str(lib["music"])).resolve() if lib.get("music") else None
    hashtags = tuple(
        h if h.startswith("#") else "#" + h for h in (str(x).strip() for x in lib.get("hashtags", [])) if h
    )
    patterns, bad = _patterns(lib.get("catalog_url", ""), where)
    problems += bad
    title_case = lib.get("title_case", True)
    if not isinstance(title_case, bool):
        problems.append(BrandError(f"title_case = {title_case!r}: not true or false",
                                   Location(file=where, field="library.title_case"),
                                   hint="write title_case = true (titles in capitals set in title case) "
                                        "or title_case = false (titles as the catalogue gives them)"))
    if problems:
        raise ProblemList.of(problems, None if len(problems) == 1 else
                             f"{len(problems)} problems in the brand kit {where}")
    return Brand(
        name=str(lib.get("name", "")), short_name=str(lib.get("short_name", "")), logo=logo,
        website=str(lib.get("website", "")), instagram=str(lib.get("instagram", "")).lstrip("@"),
        language=language, catalog_url=patterns, hashtags=hashtags,
        colors=colors, types=types, path=kit_path, hex_colors=hexes, music=music,
        title_case=bool(title_case) if isinstance(title_case, bool) else True,
    )


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
    """A problem for every unknown section or [library] key, and for every
    colour or type role name one letter away from a standard one."""
    problems: list[BrandError] = []
    known_sections = {"library", "colors", "type"}
    for section in user:
        if section not in known_sections:
            problems.append(BrandError(f"unknown section [{section}]",
                                       Location(file=str(path), field=section),
                                       hint="sections are [library], [colors] and [type.ROLE]"))
    for key in user.get("library", {}):
        if key not in _LIBRARY_KEYS:
            problems.append(BrandError(f"unknown key '{key}' in [library]",
                                       Location(file=str(path), field=f"library.{key}"),
                                       hint="known keys: " + ", ".join(sorted(_LIBRARY_KEYS))))
    # Colours and type roles may be new names of a library's own, but a name one
    # letter away from a standard one is a typo that would silently do nothing.
    for section, label in (("colors", "colour"), ("type", "type role")):
        known = set(default.get(section, {}))
        for key in user.get(section, {}):
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
