"""Make the bundled Chinese/Japanese fallback: Noto Sans CJK JP, subset.

Not run by libmedia: kept so the committed files can be made again.

    python fonts/subset_cjk.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
        fonts/NotoSansCJKjp-Regular-subset.otf
    (and the same for -Bold)

The input is a ``NotoSansCJK-*.ttc`` of Debian's ``fonts-noto-cjk``
(``apt-get download fonts-noto-cjk``; face 0 is Noto Sans CJK JP).  The
characters kept (9,322) are those of the national standards titles are
written in:

* JIS X 0208 whole: kana, symbols, Greek and Cyrillic, kanji levels 1 and 2
  (6,355 kanji);
* GB 2312 level 1: the 3,755 most used simplified hanzi;
* Big5's 5,401 common traditional hanzi (A440-C67E);
* CJK symbols and punctuation (U+3000-303F), hiragana, katakana and their
  extensions, half- and full-width forms (U+FF00-FFEF), ASCII.

They cover every Han character in ../shared/realdata (459); a character
outside them falls back to the next font in fonts.toml's chain.  OpenType
features kept: kern, palt, vert, vrt2, ccmp, liga (``locl`` dropped: it
would double the size with the other regions' glyph forms).
"""

from __future__ import annotations

import sys


def _decoded(codec: str, first: range, second) -> set[str]:
    out = set()
    for hi in first:
        for lo in second:
            try:
                out.add(bytes([hi, lo]).decode(codec))
            except UnicodeDecodeError:
                pass
    return out


def characters() -> set[str]:
    """The characters kept, as a set of one-character strings."""
    euc = range(0xA1, 0xFF)
    chars = _decoded("euc_jp", range(0xA1, 0xA1 + 84), euc)          # JIS X 0208 rows 1-84
    chars |= _decoded("gb2312", range(0xB0, 0xD8), euc)              # GB 2312 rows 16-55
    big5_lo = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    chars |= {c for c in _decoded("big5", range(0xA4, 0xC7), big5_lo) if c <= "\U0010ffff"}
    chars -= {c for c in _decoded("big5", range(0xC6, 0xC7), range(0xA1, 0xFF))}  # past C67E
    for lo, hi in ((0x20, 0x7E), (0x3000, 0x30FF), (0x31F0, 0x31FF), (0xFF00, 0xFFEF)):
        chars |= {chr(c) for c in range(lo, hi + 1)}
    return chars


def main(src: str, dst: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = TTCollection(src).fonts[0]
    font.recalcTimestamp = False  # the same input gives the same bytes
    opts = subset.Options()
    opts.layout_features = ["kern", "palt", "vert", "vrt2", "ccmp", "liga"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(ord(c) for c in characters()))
    sub.subset(font)
    font.save(dst)


if __name__ == "__main__":
    main(*sys.argv[1:3])
