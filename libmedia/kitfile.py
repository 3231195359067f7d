"""``libmedia init``: a commented brand kit (``libmedia.toml``) to start from.

:func:`kit_text` returns the kit as text: every key libmedia reads, each with
a comment in plain words (English, with Indonesian examples), filled with the
default kit's look so it renders every template as it is written;
:func:`write_kit` writes it into a folder, refusing to replace a kit that is
already there unless asked to.  The text is the same for the same
arguments (no dates, no machine names), so a library can keep it under
version control.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import Location, OutputError
from .i18n import languages

#: The file ``libmedia init`` writes, and the name libmedia looks for beside
#: the data and in the working folder (:func:`libmedia.brand.find_brand`).
KIT_NAME = "libmedia.toml"

_DEFAULTS = {
    "id": {"name": "Perpustakaan Umum", "hashtags": '["#perpustakaan", "#bukubaru", "#koleksibaru"]',
           "hours": [("Senin–Kamis", "08.00–16.00"), ("Jumat", "08.00–11.00, 13.30–16.00"),
                     ("Sabtu", "09.00–13.00"), ("Minggu", "tutup")],
           "timezone": "WIB"},
    "en": {"name": "Public Library", "hashtags": '["#library", "#newbooks", "#readmore"]',
           "hours": [("Monday–Thursday", "8:00 AM–4:00 PM"), ("Friday", "8:00 AM–11:00 AM, 1:30 PM–4:00 PM"),
                     ("Saturday", "9:00 AM–1:00 PM"), ("Sunday", "closed")],
           "timezone": "WIB"},
}


def _q(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def kit_text(lang: str = "id", name: str | None = None) -> str:
    """The commented ``libmedia.toml`` for a library writing in ``lang``
    (``id`` or ``en``: the kit's ``language`` and its examples of hours and
    hashtags) named ``name`` (default "Perpustakaan Umum" / "Public
    Library").  Raises :class:`ValueError` for a language libmedia has no
    texts for."""
    if lang not in languages():
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(languages())}")
    d = _DEFAULTS.get(lang, _DEFAULTS["en"])
    name = (name or "").strip() or d["name"]
    hours = "\n".join(f"{_q(days)} = {_q(time)}" for days, time in d["hours"])
    return _TEXT.format(name=_q(name), lang=_q(lang), hashtags=d["hashtags"], hours=hours,
                        timezone=_q(d["timezone"]))


def write_kit(folder: str | Path = ".", lang: str = "id", name: str | None = None,
              force: bool = False) -> Path:
    """Write :func:`kit_text` as ``folder/libmedia.toml`` and return its path.

    Raises :class:`~libmedia.errors.OutputError` when the file exists and
    ``force`` is false (a library's kit is never replaced by accident), and
    lets :class:`OSError` through for a folder that cannot be written."""
    path = Path(folder) / KIT_NAME
    if path.exists() and not force:
        raise OutputError(f"{KIT_NAME} already exists here; it was left as it is",
                          Location(file=str(path)),
                          hint="edit it, or run 'libmedia init --force' to replace it with a new one "
                               "(your changes to it are lost)")
    text = kit_text(lang, name)
    tmp = path.with_name(f".{KIT_NAME}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)
    return path


_TEXT = '''\
# libmedia.toml: your library's brand kit.
#
# Every post libmedia makes takes its name, logo, colours, letters, language
# and links from this file.  Keep it beside your data file, or in the folder
# you run libmedia from.  Lines starting with # are notes for you; libmedia
# skips them.  Text goes in "double quotes".  After an edit, try it:
#     libmedia render new-book
# A mistake is reported with its line and a hint; nothing is made until the
# kit is right.

[library]
# The library's name as it appears on posts, captions and alt text.
name = {name}
# A shorter name for tight spaces (the corner of a post); empty: the name.
# Example: "Perpus Kota"
short_name = ""
# Your logo: a PNG (a transparent background looks best) or JPEG, written as
# a path from this file, e.g. "logo.png" or "gambar/logo-perpus.png".
# Empty: posts show the name in letters instead.
logo = ""
# The language of the posts' words, captions and alt text: "id" (Bahasa
# Indonesia) or "en" (English).  One run can change it: --lang en
language = {lang}
# The time zone of event times written without one ("09.00"): "WIB", "WITA",
# "WIT", or a zone name such as "Asia/Makassar".  Empty: no zone is shown.
timezone = {timezone}
# The address of a book in your online catalogue (OPAC).  Posts show it as a
# QR code.  Put {{isbn}}, {{id}}, {{title}} or {{call_number}} where the book's
# value goes; several addresses may be listed, the first that fits is used.
# Example (SLiMS): "https://opac.perpus.example.go.id/index.php?p=show_detail&id={{id}}"
# Empty: no QR code.
catalog_url = ""
# The page where people sign up for events (a form or a short link), used by
# event posters when an event has no sign-up page of its own.
# Example: "https://s.id/daftar-acara-perpus"
registration_url = ""
# Hashtags put under every caption, before the ones made from the book.
hashtags = {hashtags}
# Music for video clips (mp3, wav, m4a, ogg or flac), a path from this file.
# Empty: each video template's own music.
music = ""
# Titles and names your catalogue stores in CAPITALS ("BUMI MANUSIA") are
# written in title case on posts ("Bumi Manusia").  false: as the catalogue
# has them.
title_case = true

[social]
# Your accounts: the handle alone, what follows the @ (Example: "perpuskota"
# for @perpuskota).  Captions invite people to follow them.  Empty: not shown.
instagram = ""
tiktok = ""
facebook = ""
x = ""
youtube = ""
# The library's website. Example: "https://perpustakaan.example.go.id"
website = ""

[formats]
# The sizes made when you do not name one with --format ('libmedia formats'
# lists them).  Each template makes those it can; a list for all templates:
# default = ["instagram-portrait", "instagram-square"]
# or one per kind of template:
# image = ["instagram-portrait", "facebook-post"]
# carousel = ["instagram-portrait"]
# video = ["instagram-reel"]
# Nothing here: each template's own first size.

[hours]
# Opening hours, in the order posts list them (a notice of new hours, the
# foot of an event poster): "days" = "hours".  Put days in "quotes".
{hours}

[colors]
# Colours as hex codes ("#1F4E79"), rgb(31, 78, 121) or names ("white").
paper = "#F6F1E7"        # the background of posts
ink = "#1B1F3B"          # the main text; it must stand out on paper
muted = "#5B6078"        # quieter text: publisher, year, small labels
primary = "#1F4E79"      # your brand colour: bands and panels
on_primary = "#FFFFFF"   # text on the brand colour
accent = "#E0A526"       # a second colour for small marks and lines
# Made for you when left out: primary_on_paper and accent_on_paper, your
# brand colour and accent darkened (or lightened) until text in them can be
# read on paper.  Set them here to choose them yourself.

# The letters.  Each [type.ROLE] is one kind of text on the posts: the title,
# the author line, small labels...  family: a font libmedia has ('libmedia
# fonts' lists them; put your own .ttf or .otf files in a folder "fonts" beside
# this file); weight: 400 regular, 700 bold, 800 extra bold; size: in pixels on
# a post 1080 pixels wide; line_height: the space between lines as a multiple
# of the size; tracking: the space between letters (in 1/1000 of the size,
# 0 = normal); transform: "uppercase", "lowercase", "capitalize" or "none";
# italic: true or false; color: a name from [colors] or a colour.

[type.eyebrow]           # the small heading above a title ("KOLEKSI BARU")
family = "Plus Jakarta Sans"
weight = 700
size = 30
tracking = 120
transform = "uppercase"
line_height = 1.2

[type.title]             # the book's or event's title
family = "Plus Jakarta Sans"
weight = 800
size = 76
line_height = 1.08
tracking = -10

[type.subtitle]          # the part of a title after the colon
family = "Literata"
weight = 400
italic = true
size = 38
line_height = 1.25

[type.byline]            # the author's name
family = "Inter"
weight = 500
size = 36
line_height = 1.3

[type.meta]              # publisher, year, place, small facts
family = "Inter"
weight = 500
size = 28
line_height = 1.3

[type.callnumber]        # the call number ("899.221 3 HIR l")
family = "Inter"
weight = 600
size = 34
line_height = 1.2
tracking = 30
features = ["cv05"]      # a tailed l, so "HIR l" never reads as "HIR I"

[type.body]              # running text: a description, an announcement
family = "Inter"
weight = 400
size = 32
line_height = 1.4

[type.label]             # tiny labels ("NO. PANGGIL")
family = "Inter"
weight = 700
size = 24
tracking = 80
transform = "uppercase"
line_height = 1.2

[type.wordmark]          # the library's name when there is no logo
family = "Plus Jakarta Sans"
weight = 800
size = 30
line_height = 1.1

# The plain cover drawn when a book has no cover picture.  Sizes here are on
# a cover 1000 pixels wide.  Its colours come from [colors]; to choose them,
# add to [colors]:  cover_palette = ["#1F4E79", "#7A2E5C", "#2E6B4F"]

[type.cover-title]       # the title on a plain cover
family = "Literata"
weight = 600
size = 190
line_height = 1.06
tracking = -10

[type.cover-author]      # the author on a plain cover
family = "Inter"
weight = 600
size = 74
line_height = 1.2

[type.cover-label]       # the library's name at the foot of a plain cover
family = "Inter"
weight = 500
size = 52
tracking = 70
transform = "uppercase"
line_height = 1.2
'''
