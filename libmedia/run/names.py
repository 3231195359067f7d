"""File names of a run's outputs.

A post's files share one stem, ``<row>-<slug>``: the data row zero-padded to
4 digits and a readable ASCII slug of the title's main part
(``0003-filosofi-kopi``); the template's own sample (row 0) is
``sample-<slug>``.  Titles in other scripts are transliterated by
python-slugify (text-unidecode): ``كتاب الأغاني`` -> ``ktb-lgny``,
``三体`` -> ``san-ti``; only a title with nothing to transliterate gives
``0007-record``.  A post of several records (a carousel) is named after its
first record.  A template names the field(s) its files are named from in
template.toml (``file_name``, :func:`file_name_text`; the title by default):
a notice without a title is ``0002-tutup-2026-12-24``, the month in numbers
``0001-statistik-oktober-2025``.

Each format adds ``.<format>``: ``0003-filosofi-kopi.instagram-portrait.png``
with ``….caption.txt`` and ``….alt.txt`` beside it.  A format the platform
takes only as JPEG (``tiktok-photo``) is always written ``.jpg``
(:func:`format_ext`).  A carousel numbers
its pages (slides, the intro and outro included) from 1:
``0003-filosofi-kopi.instagram-portrait.01.png``, ``….02.png``; its
caption is one per post (``0003-filosofi-kopi.instagram-portrait.caption.txt``),
its alt text one per slide, as Instagram takes it
(``0003-filosofi-kopi.instagram-portrait.01.alt.txt``, ``….02.alt.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from slugify import slugify

from ..templating import title_parts

#: Longest title slug in a file name, in characters.
SLUG_MAX = 50
#: Image file extensions a run or ``render -o`` may write.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
#: Media types of the artifacts, by extension.
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
               "txt": "text/plain; charset=utf-8", "mp4": "video/mp4",
               "vtt": "text/vtt; charset=utf-8", "srt": "application/x-subrip; charset=utf-8"}


def title_slug(title: str, limit: int = SLUG_MAX) -> str:
    """ASCII slug of a title's main part for file names: ``"Filosofi Kopi:
    Kumpulan Cerita"`` -> ``"filosofi-kopi"``.

    Apostrophes inside words are dropped (``Charlotte's`` -> ``charlottes``),
    other scripts transliterated to ASCII (python-slugify with
    text-unidecode; accents dropped), letters lower-cased, every other run of
    characters one hyphen; a slug longer than ``limit`` characters is cut at
    the last hyphen that fits.  Returns ``""`` only when nothing in the title
    can be written in ASCII (emoji, symbols).
    """
    main = title_parts(title)["main"] or str(title or "")
    main = re.sub(r"(?<=\w)['\u2019\u02bc](?=\w)", "", main)  # Charlotte's -> charlottes
    slug = slugify(main, lowercase=True, regex_pattern=r"[^a-z0-9]+")
    if len(slug) > limit:
        cut = slug[: limit + 1].rfind("-")
        slug = slug[:cut] if cut > 0 else slug[:limit]
    return slug.strip("-")


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def file_name_text(fields: Mapping[str, Any], patterns: Sequence[str] = ("{title}",),
                   date_fields: Sequence[str] = ("date",)) -> str:
    """The text a post's file name is made from (its slug by
    :func:`title_slug`), by the template's ``file_name`` patterns
    (template.toml ``file_name``, default ``"{title}"``): the first pattern
    whose ``{field}`` placeholders all have a value, filled in; ``""`` when
    none has.  A field in ``date_fields`` is written as its (first) day in
    ISO 8601, read by :func:`libmedia.eventtime.parse_dates`, so names sort
    by date: ``["{title}", "{kind} {date}"]`` gives ``Libur Idul Fitri``, or
    for a notice without a title ``tutup 2026-12-24``; ``"statistik
    {label}"`` gives ``statistik Oktober 2025``.  A date that cannot be
    read is used as written (the render reports it)."""
    from ..eventtime import parse_dates

    for pattern in patterns:
        values: dict[str, str] = {}
        for name in _PLACEHOLDER.findall(pattern):
            value = str(fields.get(name, "") or "").strip()
            if value and name in date_fields:
                try:
                    value = parse_dates(value)[0].isoformat()
                except ValueError:
                    pass
            values[name] = value
        if all(values.values()):
            return _PLACEHOLDER.sub(lambda m, v=values: v[m[1]], pattern)
    return ""


def output_stem(row: int | None, title: str) -> str:
    """The file name stem of a post's outputs: ``0003-filosofi-kopi``
    (``row`` zero-padded to 4 digits; ``sample-…`` for row 0 or None;
    ``0007-record`` when the title gives no slug)."""
    slug = title_slug(title)
    prefix = "sample" if not row else f"{row:04d}"
    return f"{prefix}-{slug or 'record'}"


def image_name(stem: str, format_name: str, ext: str, page: int | None = None) -> str:
    """``STEM.FORMAT.EXT``, or ``STEM.FORMAT.NN.EXT`` for page ``NN`` (1-based)
    of a carousel."""
    return f"{stem}.{format_name}.{page:02d}.{ext}" if page else f"{stem}.{format_name}.{ext}"


def format_ext(fmt, chosen: str = "png") -> str:
    """The image extension for a post in ``fmt`` (a
    :class:`~libmedia.formats.Format`): ``jpg`` when the platform takes
    only JPEG for it (``file_type == "jpeg"``, e.g. ``tiktok-photo``),
    whatever was ``chosen``; otherwise ``chosen`` (``png``, or ``jpg`` with
    ``--jpeg``)."""
    return "jpg" if fmt.file_type == "jpeg" else chosen


def clip_names(stem: str, format_name: str, draft: bool = False) -> dict[str, str]:
    """The files of one clip in one format: ``video`` ``STEM.FORMAT.mp4``,
    ``cover`` ``STEM.FORMAT.cover.jpg`` (the frame shown in the grid),
    ``vtt``/``srt`` the subtitles, ``caption``/``alt`` the texts.  A draft
    is ``STEM.FORMAT.draft.mp4`` (and so on), so it never takes the place
    of the clip to post."""
    base = f"{stem}.{format_name}" + (".draft" if draft else "")
    return {"video": f"{base}.mp4", "cover": f"{base}.cover.jpg", "vtt": f"{base}.vtt",
            "srt": f"{base}.srt", "caption": f"{base}.caption.txt", "alt": f"{base}.alt.txt"}


def sidecar_name(image: str, kind: str, per_page: bool = False) -> str:
    """The caption or alt text (``kind``: ``caption``/``alt``) beside an image
    name: ``X.png`` -> ``X.caption.txt``; a carousel page's ``X.01.png`` ->
    ``X.caption.txt`` (one per post), or with ``per_page`` (a carousel
    slide's own alt text) ``X.01.alt.txt``."""
    base = image.rsplit(".", 1)[0]
    if not per_page:
        base = re.sub(r"\.\d{2,}$", "", base)
    return f"{base}.{kind}.txt"


def media_type(name: str) -> str:
    """The media type of an artifact name, by its extension."""
    return MEDIA_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def codec(ext: str) -> str:
    """Pillow codec for a file extension (``png``, ``jpg``/``jpeg``);
    ``ValueError`` for anything else."""
    ext = ext.lower().lstrip(".")
    if ext not in ("png", "jpg", "jpeg"):
        raise ValueError(f"cannot write .{ext} images: use .png or .jpg")
    return "jpeg" if ext in ("jpg", "jpeg") else "png"
