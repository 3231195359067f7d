"""The plain MoviePy 2 script a library's volunteer would write for a
"new books this week" reel: the baseline (b) of bench/bench_reel.py.

It runs in its own virtual environment with a normal ``pip install
moviepy==2.2.1`` (which brings Pillow 11: the user's setup, not libmedia's)
and uses MoviePy only: ColorClips for backgrounds, an ImageClip per cover
with a resize zoom, TextClips for the title, author and call number
(fading in), each scene a CompositeVideoClip, scenes overlapping with
crossfades in one CompositeVideoClip, the music cut and faded, and
``write_videofile`` with libx264 and AAC, MoviePy's defaults otherwise.
Scene timing is libmedia's new-books-reel's (intro 2.2 s, 2.5 s per book,
outro 2.8 s, 0.4 s transitions), so both clips last the same.

    python bench/moviepy_reel.py BOOKS.csv MUSIC FONT OUT.mp4 [--intro 2.2]
           [--per 2.5] [--outro 2.8] [--transition 0.4] [--preset medium]

BOOKS.csv has columns title, author, call_number, cover (a path relative
to the CSV).  It prints the clip's duration and frame count as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from moviepy import (
    AudioFileClip,
    ColorClip,
    CompositeVideoClip,
    ImageClip,
    TextClip,
    afx,
    vfx,
)

W, H = 1080, 1920
PRIMARY, PAPER, INK, ACCENT = (31, 58, 95), (250, 246, 238), (30, 30, 30), (232, 160, 48)


def text(font, words, size, color, width=W - 160, duration=1.0):
    return TextClip(font=font, text=words, font_size=size, color=color, method="caption",
                    size=(width, None), text_align="center", duration=duration)


def intro(font, n, duration):
    bg = ColorClip((W, H), PRIMARY, duration=duration)
    name = text(font, "Perpustakaan Kota", 64, "white", duration=duration).with_position(("center", 620))
    eyebrow = (text(font, "Baru minggu ini", 48, "white", duration=duration - 0.35)
               .with_start(0.35).with_position(("center", 760)).with_effects([vfx.CrossFadeIn(0.5)]))
    count = (text(font, f"{n} buku", 150, "white", duration=duration - 0.55)
             .with_start(0.55).with_position(("center", 860)).with_effects([vfx.CrossFadeIn(0.7)]))
    return CompositeVideoClip([bg, name, eyebrow, count], size=(W, H)).with_duration(duration)


def book_scene(font, book, folder, i, n, duration):
    bg = ColorClip((W, H), PAPER, duration=duration)
    band = ColorClip((W, 760), PRIMARY, duration=duration).with_position((0, 0))
    counter = text(font, f"{i} / {n}", 40, "white", duration=duration).with_position(("center", 170))
    cover = ImageClip(str(folder / book["cover"])).with_duration(duration).resized(height=900)
    # Ken Burns: zoom from 1 to 1.06 over the scene, kept centred
    cover = cover.resized(lambda t: 1 + 0.06 * t / duration)
    cover = cover.with_position(lambda t: ("center", 260 - 27 * t / duration))
    cover = cover.with_effects([vfx.CrossFadeIn(0.5)])
    title = (text(font, book["title"], 72, INK, duration=duration - 0.3).with_start(0.3)
             .with_position(("center", 1210)).with_effects([vfx.CrossFadeIn(0.5)]))
    author = (text(font, book["author"], 44, INK, duration=duration - 0.55).with_start(0.55)
              .with_position(("center", 1440)).with_effects([vfx.CrossFadeIn(0.5)]))
    call = (text(font, book["call_number"], 40, (90, 90, 90), duration=duration - 0.8)
            .with_start(0.8).with_position(("center", 1540)).with_effects([vfx.CrossFadeIn(0.5)]))
    return CompositeVideoClip([bg, band, counter, cover, title, author, call],
                              size=(W, H)).with_duration(duration)


def outro(font, duration):
    bg = ColorClip((W, H), PRIMARY, duration=duration)
    come = (text(font, "Ayo pinjam di perpustakaan!", 92, "white", duration=duration - 0.4)
            .with_start(0.4).with_position(("center", 760)).with_effects([vfx.CrossFadeIn(0.5)]))
    name = (text(font, "Perpustakaan Kota", 52, "white", duration=duration - 0.7)
            .with_start(0.7).with_position(("center", 1040)).with_effects([vfx.CrossFadeIn(0.5)]))
    return CompositeVideoClip([bg, come, name], size=(W, H)).with_duration(duration)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("books", type=Path)
    ap.add_argument("music")
    ap.add_argument("font")
    ap.add_argument("out")
    ap.add_argument("--intro", type=float, default=2.2)
    ap.add_argument("--per", type=float, default=2.5)
    ap.add_argument("--outro", type=float, default=2.8)
    ap.add_argument("--transition", type=float, default=0.4)
    ap.add_argument("--preset", default="medium", help="x264 preset (MoviePy's default: medium)")
    args = ap.parse_args()

    with args.books.open(newline="", encoding="utf-8") as f:
        books = list(csv.DictReader(f))
    scenes = [intro(args.font, len(books), args.intro)]
    scenes += [book_scene(args.font, b, args.books.parent, i + 1, len(books), args.per)
               for i, b in enumerate(books)]
    scenes.append(outro(args.font, args.outro))

    # scenes overlap by the transition, each fading in over the one before
    placed, t = [], 0.0
    for k, scene in enumerate(scenes):
        if k:
            t -= args.transition
            scene = scene.with_effects([vfx.CrossFadeIn(args.transition)])
        placed.append(scene.with_start(t))
        t += scene.duration
    reel = CompositeVideoClip(placed, size=(W, H)).with_duration(t)

    music = AudioFileClip(args.music)
    if music.duration < t:
        music = music.with_effects([afx.AudioLoop(duration=t)])
    music = music.subclipped(0, t).with_effects(
        [afx.MultiplyVolume(0.8), afx.AudioFadeIn(0.4), afx.AudioFadeOut(1.2)])
    reel = reel.with_audio(music)
    reel.write_videofile(args.out, fps=30, codec="libx264", audio_codec="aac",
                         preset=args.preset, logger=None)
    print(json.dumps({"duration": reel.duration, "frames": round(reel.duration * 30)}))


if __name__ == "__main__":
    main()
