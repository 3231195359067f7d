"""Baseline for the benchmarks: the new-book portrait poster drawn with plain Pillow.

This is what a competent developer would write as a one-off script for ONE
poster design: positions and sizes hard-coded from templates/new-book
(instagram-portrait, 1080x1350) and the default brand kit
(assets/brand/libmedia.toml), the same bundled fonts at the same sizes,
weights, tracking and optical sizes, no layout engine.  It is a yardstick
for libmedia's speed, not a product: it skips libmedia's extras (per-character
font fallback, bidi, metrics-based line boxes, validation, warnings, markup),
draws rounded corners without anti-aliasing and works on an RGB canvas.

    python bench/plain_pillow_poster.py DATA.csv --out /tmp/posters [--limit N]

DATA.csv: a catalogue CSV with title/author/publisher/year/call_number/cover
columns (the normalised SLiMS layout), or the Indonesian inventory layout
(judul_buku, nama_pengarang, penerbit, tahun_terbit, kode_buku).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps, features

FONTS = Path(__file__).resolve().parents[1] / "fonts"
W, H = 1080, 1350
PAD_T, PAD_R, PAD_B, PAD_L = 60, 72, 56, 72
CONTENT_W = W - PAD_L - PAD_R
CONTENT_H = H - PAD_T - PAD_B

PAPER = (0xF6, 0xF1, 0xE7)
INK = (0x1B, 0x1F, 0x3B)
MUTED = (0x5B, 0x60, 0x78)
PRIMARY = (0x1F, 0x4E, 0x79)
ON_PRIMARY = (0xFF, 0xFF, 0xFF)
ACCENT = (0xE0, 0xA5, 0x26)
RULE = (*INK, 0x33)
SHADOW_ALPHA = 0x59  # shadow="0 32 64 #00000059"

LIBRARY_NAME = "Perpustakaan Umum"
EYEBROW = "Koleksi baru"
CALL_LABEL = "No. panggil"
SCAN_LABEL = "Pindai untuk melihat di katalog"

JAKARTA = "PlusJakartaSans[wght].ttf"
INTER = "Inter[opsz,wght].ttf"
LITERATA = "Literata[opsz,wght].ttf"
LITERATA_ITALIC = "Literata-Italic[opsz,wght].ttf"

RAQM = features.check("raqm")
_FONTS: dict[tuple[str, int, int], ImageFont.FreeTypeFont] = {}


def font(file: str, size: float, weight: int) -> ImageFont.FreeTypeFont:
    """The variable font ``file`` at ``size`` px (whole pixels) and ``weight``,
    optical size as libmedia sets it (size x 390/1080 pt); cached per process."""
    key = (file, max(1, round(size)), weight)
    f = _FONTS.get(key)
    if f is None:
        f = ImageFont.truetype(str(FONTS / file), key[1])
        values = []
        for axis in f.get_variation_axes():
            name = axis["name"].decode() if isinstance(axis["name"], bytes) else str(axis["name"])
            v = weight if name == "Weight" else key[1] * 390 / 1080 if name == "Optical size" \
                else axis["default"]
            values.append(min(max(v, axis["minimum"]), axis["maximum"]))
        f.set_variation_by_axes(values)
        _FONTS[key] = f
    return f


# ---------------------------------------------------------------------------
# text


def width(text: str, f: ImageFont.FreeTypeFont, track: float = 0.0) -> float:
    return f.getlength(text) + track * len(text)


def draw_text(d: ImageDraw.ImageDraw, x: float, baseline: float, text: str,
              f: ImageFont.FreeTypeFont, fill, track: float = 0.0, **kw) -> None:
    """Text with its left edge at ``x`` on ``baseline``; ``track`` px between letters."""
    if not track:
        d.text((x, baseline), text, font=f, fill=fill, anchor="ls", **kw)
        return
    for ch in text:
        d.text((x, baseline), ch, font=f, fill=fill, anchor="ls", **kw)
        x += f.getlength(ch) + track


def wrap(text: str, f: ImageFont.FreeTypeFont, max_w: float, track: float = 0.0) -> list[str]:
    """Greedy word wrap measured with getlength."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if not line or width(trial, f, track) <= max_w:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def ellipsize(line: str, f: ImageFont.FreeTypeFont, max_w: float, track: float = 0.0) -> str:
    while line and width(line + "\u2026", f, track) > max_w:
        line = line[:-1].rstrip()
    return line + "\u2026"


def fit(text: str, file: str, weight: int, size: float, min_size: float, max_w: float,
        max_lines: int, tracking: float = 0.0, step: float = 4.0):
    """Shrink from ``size`` in ``step`` px until ``text`` wraps to ``max_lines``
    lines with no word wider than ``max_w``; at ``min_size`` clamp with "…".
    ``tracking`` in 1/1000 em.  Returns (font, lines, size)."""
    s = size
    while True:
        f = font(file, s, weight)
        track = tracking / 1000 * s
        lines = wrap(text, f, max_w, track)
        if len(lines) <= max_lines and all(width(ln, f, track) <= max_w for ln in lines):
            return f, lines, s
        if s <= min_size:
            if len(lines) > max_lines:
                lines = lines[:max_lines]
                lines[-1] = ellipsize(lines[-1], f, max_w, track)
            return f, lines, s
        s = max(min_size, s - step)


def line_box(f: ImageFont.FreeTypeFont) -> tuple[int, int]:
    return f.getmetrics()  # (ascent, descent)


# ---------------------------------------------------------------------------
# pictures


def load_cover(path: str | Path, max_size: tuple[int, int]) -> Image.Image | None:
    """The cover, EXIF-transposed, RGB(A), scaled to fit ``max_size``; None when missing."""
    try:
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)
            im = im.convert("RGBA" if im.mode in ("RGBA", "LA", "PA", "P") else "RGB")
    except (OSError, ValueError):
        return None
    s = min(max_size[0] / im.width, max_size[1] / im.height)
    size = (max(1, round(im.width * s)), max(1, round(im.height * s)))
    resample = Image.Resampling.LANCZOS if s < 1 else Image.Resampling.BICUBIC
    return im.resize(size, resample)


def rounded(img: Image.Image, radius: int) -> Image.Image:
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, img.width - 1, img.height - 1), radius, fill=255)
    if img.mode == "RGBA":
        from PIL import ImageChops

        mask = ImageChops.multiply(mask, img.getchannel("A"))
    out = img.convert("RGBA")
    out.putalpha(mask)
    return out


def drop_shadow(canvas: Image.Image, box: tuple[int, int, int, int], radius: int,
                dy: int = 32, blur: float = 64, alpha: int = SHADOW_ALPHA) -> None:
    """CSS-like box-shadow: Gaussian with sigma blur/2, padded 1.5 x blur."""
    x0, y0, x1, y1 = box
    pad = int(1.5 * blur + 0.999)
    mask = Image.new("L", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), 0)
    ImageDraw.Draw(mask).rounded_rectangle((pad, pad, pad + x1 - x0 - 1, pad + y1 - y0 - 1),
                                           radius, fill=alpha)
    mask = mask.filter(ImageFilter.GaussianBlur(blur / 2))
    canvas.paste((0, 0, 0), (x0 - pad, y0 - pad + dy), mask)


def placeholder(size: tuple[int, int], title: str, author: str, label: str) -> Image.Image:
    """A coloured stand-in cover: frame, title, rule, author, library name."""
    w, h = size
    img = Image.new("RGB", size, ACCENT)
    d = ImageDraw.Draw(img, "RGBA")
    m = max(8, round(w * 0.1))
    inset = max(4, round(w * 0.045))
    d.rectangle((inset, inset, w - 1 - inset, h - 1 - inset), outline=(*INK, 90),
                width=max(1, round(w / 260)))
    inner = w - 2 * m
    tsize = max(12.0, w * 0.105)
    f, lines, s = fit(title, LITERATA, 600, tsize, max(10.0, w * 0.06), inner, 6, step=2)
    asc, desc = line_box(f)
    y = m + h * 0.12 + asc
    for ln in lines:
        draw_text(d, m, y, ln, f, INK)
        y += s * 1.12
    y += desc - s * 1.12 + max(6, h * 0.035)
    d.rectangle((m, round(y), m + max(12, round(w * 0.16)), round(y) + max(2, round(w / 110))),
                fill=PRIMARY)
    y += max(8, h * 0.03)
    if author:
        fa = font(INTER, max(9.0, w * 0.05), 500)
        y += line_box(fa)[0]
        for ln in wrap(author, fa, inner)[:2]:
            draw_text(d, m, y, ln, fa, (*INK, 220))
            y += fa.size * 1.25
    if label:
        fl = font(INTER, max(8.0, w * 0.036), 600)
        track = 0.08 * fl.size
        draw_text(d, m, h - m - line_box(fl)[1], label.upper(), fl, (*INK, 170), track)
    return img


def qr_image(data: str, side: int, border: int = 2) -> Image.Image:
    qr = segno.make(data, error="m", micro=False)
    matrix = list(qr.matrix_iter(scale=1, border=border))
    n = len(matrix)
    tile = Image.new("RGB", (n, n), PAPER)
    px = tile.load()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                px[x, y] = INK
    module = max(1, side // n)
    return tile.resize((module * n, module * n), Image.Resampling.NEAREST)


# ---------------------------------------------------------------------------
# the poster


def draw_poster(book: dict) -> Image.Image:
    """The new-book portrait of ``book`` (keys: title, subtitle, authors,
    call_number, publisher, year, cover (path or ""), url); an RGB image."""
    img = Image.new("RGB", (W, H), PAPER)
    d = ImageDraw.Draw(img, "RGBA")
    d.rectangle((0, 0, W - 1, round(H * 0.45) - 1), fill=PRIMARY)

    # header: accent dash + eyebrow on the left, wordmark on the right
    fe = font(JAKARTA, 30, 700)
    asc, desc = line_box(fe)
    header_h = asc + desc
    base = PAD_T + asc
    d.rectangle((PAD_L, PAD_T + (header_h - 6) // 2, PAD_L + 39, PAD_T + (header_h - 6) // 2 + 5),
                fill=ACCENT)
    draw_text(d, PAD_L + 56, base, EYEBROW.upper(), fe, ON_PRIMARY, 0.12 * 30)
    fw = font(JAKARTA, 30, 800)
    draw_text(d, W - PAD_R - width(LIBRARY_NAME, fw), base, LIBRARY_NAME, fw, ON_PRIMARY)

    # cover (or placeholder), centred, 47 % of the content height, rounded, with a shadow
    cover_top = PAD_T + header_h + 44
    cover_h = round(CONTENT_H * 0.47)
    pic = load_cover(book["cover"], (CONTENT_W, cover_h)) if book.get("cover") else None
    if pic is None:
        pic = placeholder((round(cover_h * 2 / 3), cover_h), book["title"], book.get("authors", ""),
                          LIBRARY_NAME)
    x0 = (W - pic.width) // 2
    box = (x0, cover_top, x0 + pic.width, cover_top + pic.height)
    drop_shadow(img, box, 6)
    pic = rounded(pic, 6)
    img.paste(pic, (x0, cover_top), pic)

    # footer, from the bottom up: call number column, scan label, QR code
    fl = font(INTER, 24, 700)
    fc = font(INTER, 34, 600)
    fm = font(INTER, 28, 500)
    lab_track = 0.08 * 24
    col = []  # (font, lines, colour, tracking px, gap before, line height)
    if book.get("call_number"):
        col += [(fl, [CALL_LABEL.upper()], MUTED, lab_track, 0, 0),
                (fc, [book["call_number"]], INK, 0.03 * 34, 6, 0)]
    meta = " \u00b7 ".join(v for v in (book.get("publisher"), book.get("year")) if v)
    if meta:
        lines = wrap(meta, fm, 518)
        if len(lines) > 2:
            lines = [lines[0], ellipsize(lines[1], fm, 518)]
        col.append((fm, lines, MUTED, 0, 12 if col else 0, 28 * 1.3))
    col_h = sum(sum(line_box(f)) + gap + (len(ls) - 1) * lh for f, ls, _, _, gap, lh in col)
    qr_side = 132 if book.get("url") else 0
    scan = wrap(SCAN_LABEL.upper(), fl, 230, lab_track)[:3] if qr_side else []
    la, ld = line_box(fl)
    scan_h = la + ld + (len(scan) - 1) * 24 * 1.2 if scan else 0
    row_h = max(col_h, qr_side, scan_h)
    row_top = H - PAD_B - row_h
    rule_y = row_top - 26 - 2
    d.line((PAD_L, rule_y + 1, W - PAD_R, rule_y + 1), fill=RULE, width=2)

    y = row_top + (row_h - col_h) / 2
    for f, ls, colour, track, gap, lh in col:
        a, de = line_box(f)
        y += gap + a
        kw = {"features": ["cv05"]} if f is fc and RAQM else {}
        for ln in ls:
            draw_text(d, PAD_L, y, ln, f, colour, track, **kw)
            y += lh
        y += de - lh
    if qr_side:
        q = qr_image(book["url"], qr_side)
        qx = W - PAD_R - qr_side + (qr_side - q.width) // 2
        img.paste(q, (qx, round(row_top + (row_h - q.height) / 2)))
        right = W - PAD_R - qr_side - 28
        y = row_top + (row_h - scan_h) / 2 + la
        for ln in scan:
            draw_text(d, right - width(ln, fl, lab_track), y, ln, fl, MUTED, lab_track)
            y += 24 * 1.2

    # title, subtitle and byline, centred between the cover and the rule
    top, bottom = box[3] + 30, rule_y - 24
    avail = bottom - top
    blocks = []  # (font, lines, line height, colour, tracking, margin before)
    ft, tl, ts = fit(book["title"], JAKARTA, 800, 76, 40, CONTENT_W, 3, tracking=-10)
    blocks.append((ft, tl, ts * 1.08, INK, -0.01 * ts, 0))
    if book.get("subtitle"):
        fs, sl, ss = fit(book["subtitle"], LITERATA_ITALIC, 400, 38, 26, CONTENT_W, 2)
        blocks.append((fs, sl, ss * 1.25, MUTED, 0, 12))
    if book.get("authors"):
        fa = font(INTER, 36, 500)
        al = wrap(book["authors"], fa, CONTENT_W)[:2]
        blocks.append((fa, al, 36 * 1.3, INK, 0, 20))

    def height(bs) -> float:
        return sum(sum(line_box(f)) + (len(ls) - 1) * lh + gap for f, ls, lh, _, _, gap in bs)

    while height(blocks) > avail and ts > 40:  # the title alone shrinks to fit the height
        ft, tl, ts = fit(book["title"], JAKARTA, 800, ts - 4, 40, CONTENT_W, 3, tracking=-10)
        blocks[0] = (ft, tl, ts * 1.08, INK, -0.01 * ts, 0)
    y = top + max(0.0, (avail - height(blocks)) / 2)
    for f, ls, lh, colour, track, gap in blocks:
        a, de = line_box(f)
        y += gap + a
        for ln in ls:
            draw_text(d, (W - width(ln, f, track)) / 2, y, ln, f, colour, track)
            y += lh
        y += de - lh
    return img


def encode_png(img: Image.Image, level: int = 1) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=level)
    return buf.getvalue()


def write_poster(job: tuple[dict, str]) -> int:
    """Draw, encode and write one poster (a process-pool task); returns its size in bytes."""
    book, path = job
    data = encode_png(draw_poster(book))
    Path(path).write_bytes(data)
    return len(data)


# ---------------------------------------------------------------------------
# standalone use: a CSV in, PNGs out

_COLUMNS = {
    "id": ("id", "biblio_id"), "title": ("title", "judul_buku"),
    "author": ("author", "nama_pengarang"), "publisher": ("publisher", "penerbit"),
    "year": ("year", "tahun_terbit"), "call_number": ("call_number", "kode_buku"),
    "cover": ("cover",),
}


def book_from_row(row: dict, base: Path, url_pattern: str = "") -> dict:
    """A naive reading of one CSV row: 'Title : subtitle', 'Surname, Given'
    authors joined with '; ' (3 shown, then 'dkk.'), covers beside the file or
    in its covers/ folder."""
    get = {k: next((row[c].strip() for c in cols if row.get(c)), "") for k, cols in _COLUMNS.items()}
    title, _, subtitle = get["title"].partition(":")
    names = [" ".join(reversed([p.strip() for p in a.split(",", 1)])) for a in
             get["author"].split(";") if a.strip()]
    if len(names) > 3:
        authors = names[0] + " dkk."
    elif len(names) > 1:
        authors = ", ".join(names[:-1]) + " & " + names[-1]
    else:
        authors = "".join(names)
    cover = ""
    if get["cover"]:
        for folder in (base, base / "covers"):
            if (folder / get["cover"]).is_file():
                cover = str(folder / get["cover"])
                break
    year = get["year"][:4] if re.match(r"[1-9]\d{3}", get["year"]) else ""
    return {"title": title.strip(), "subtitle": subtitle.strip().capitalize(), "authors": authors,
            "call_number": get["call_number"], "publisher": get["publisher"], "year": year,
            "cover": cover, "url": url_pattern.format(id=get["id"]) if url_pattern else ""}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("data", type=Path, help="catalogue CSV (UTF-8, comma-separated)")
    p.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    p.add_argument("--limit", type=int, default=None, help="first N records only")
    p.add_argument("--url", default="https://opac.example.id/index.php?p=show_detail&id={id}",
                   help="catalogue URL pattern for the QR code ({id}); '' for none")
    a = p.parse_args(argv)
    with open(a.data, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))[: a.limit]
    a.out.mkdir(parents=True, exist_ok=True)
    for i, row in enumerate(rows, 1):
        book = book_from_row(row, a.data.resolve().parent, a.url)
        (a.out / f"{i:04d}.png").write_bytes(encode_png(draw_poster(book)))
    print(f"wrote {len(rows)} posters to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
