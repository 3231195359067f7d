"""Interface texts (``t("new_arrival")`` in a template) as gettext message catalogs.

The texts live in ``.po`` files read with Babel (:mod:`babel.messages.pofile`)
when first used, so there is no build step: an editable install, a wheel and
a template folder copied from another library all work as they are.
Catalogs, each ``<lang>/LC_MESSAGES/messages.po``:

* libmedia's own, in ``libmedia/locale/``;
* a template's own, in ``<template folder>/locale/``: its keys override
  libmedia's and add new ones, for that template only.

``msgid`` is the key a template passes to ``t()``; ``msgstr`` the text.  A
key is looked up in the brand's language (``[library] language``, or
``--lang`` on ``render``, ``batch`` and ``check``; the template's catalog first),
then in English (:data:`FALLBACK`), so a template that adds a key in English
only still renders in Indonesian.  Entries marked ``#, fuzzy`` or with an
empty ``msgstr`` count as untranslated, as gettext does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

from .errors import Location, TemplateError

#: libmedia's own catalogs.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The gettext domain: the catalogs' file name.
DOMAIN = "messages"
#: The language a key falls back to when the brand's language lacks it.
FALLBACK = "en"


def catalog_path(root: Path, language: str) -> Path:
    """Where ``language``'s catalog lives below a ``locale`` folder ``root``."""
    return root / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    """The languages libmedia has interface texts for (``en``, ``id``), sorted."""
    return sorted(p.name for p in LOCALE_DIR.iterdir() if catalog_path(LOCALE_DIR, p.name).is_file())


def read_catalog(path: Path) -> dict[str, str]:
    """The translated messages of one ``.po`` file: msgid -> msgstr; {} when
    there is no such file.  Re-read when the file changes.

    Raises :class:`TemplateError` naming the file and line for a ``.po``
    file Babel cannot parse.
    """
    try:
        st = path.stat()
    except OSError:
        return {}
    return dict(_read_catalog(str(path), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=64)
def _read_catalog(path: str, mtime: int, size: int) -> tuple[tuple[str, str], ...]:
    from babel.messages.pofile import PoFileError, read_po

    try:
        with open(path, "rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", None)
        raise TemplateError(f"the message catalog cannot be read: {exc}",
                            Location(file=path, line=line),
                            hint="each entry is a msgid \"key\" line and a msgstr \"text\" line, "
                                 "both in double quotes") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"the message catalog cannot be read: {exc}", Location(file=path),
                            hint="save it as UTF-8 text") from None
    return tuple((str(m.id), str(m.string)) for m in catalog
                 if m.id and isinstance(m.id, str) and m.string and not m.fuzzy)


def messages(language: str, template_dir: Path | None = None) -> dict[str, str]:
    """Every interface text for ``language``: key -> text, the template's
    catalog over libmedia's, each over its English fallback."""
    roots = [LOCALE_DIR] + ([Path(template_dir) / "locale"] if template_dir is not None else [])
    out: dict[str, str] = {}
    for lang in dict.fromkeys([FALLBACK, language]):  # fallback first, then overridden
        for root in roots:
            out.update(read_catalog(catalog_path(root, lang)))
    return out


def translate(key: str, language: str, template_dir: Path | None = None) -> str:
    """The interface text ``key`` in ``language`` (see :func:`messages`).

    Raises :class:`TemplateError` for an unknown key, listing the known ones.
    """
    texts = messages(language, template_dir)
    try:
        return texts[key]
    except KeyError:
        raise TemplateError(f"t({key!r}): no such text",
                            hint="known texts: " + ", ".join(sorted(texts))
                            + "; a template adds its own in locale/<lang>/LC_MESSAGES/"
                            "messages.po") from None


def translator(language: str, template_dir: Path | None = None) -> Callable[[str], str]:
    """``t(key)`` as templates call it: :func:`translate` for ``language``
    with ``template_dir``'s own catalog, its catalogs read once."""
    texts: Mapping[str, str] = messages(language, template_dir)

    def t(key: str) -> str:
        try:
            return texts[key]
        except KeyError:
            return translate(key, language, template_dir)  # raises, naming the known keys

    return t
