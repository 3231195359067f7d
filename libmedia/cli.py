"""The ``libmedia`` command line.

Each command parses its options and calls one library function; this module
only turns results into text and errors into messages and exit codes.

Exit codes
    0  everything rendered (warnings allowed) / ``check`` found nothing or
       only warnings (every post will be made);
    1  some records failed (the others were rendered) / ``check`` found
       records that will not render / the one record of ``render`` failed;
    2  the run could not start: a usage error, an unknown template or
       format, an invalid brand kit, an unreadable data file, a data file
       without a column for a required field, a template or brand kit that
       cannot render the template's own sample (an unknown type role, a font
       family that does not exist), another run writing into the same
       folder.  Nothing is written.  After a batch started: the disk filled
       up or the folder stopped taking files (what was made is kept);
  130  Ctrl-C stopped a batch (what was made is kept; ``--resume``) or a render.

Messages go to stderr as ``error: ...`` / ``warning: ...`` with the
location (file, row, field or template line) and a hint on the next lines.
Set ``LIBMEDIA_DEBUG=1`` to see the Python traceback of an internal error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import __version__
from .diagnostics import format_diagnostic
from .errors import DataError, Diagnostic, LibmediaError, ProblemList, display_path

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2
#: Exit code after Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

NO_BRAND_NOTE = ("note: no libmedia.toml found beside the data or here; using the default brand "
                 "(\"{name}\"). See README: Your library's look.")

RAQM_WARNING = (
    "text shaping is off (Pillow cannot find Raqm/FriBiDi): Arabic and other complex scripts "
    "will be drawn wrongly.\n  hint: on Debian/Ubuntu run `sudo apt-get install libfribidi0`"
)


# ---------------------------------------------------------------------------
# messages


def _err(text: str = "") -> None:
    click.echo(text, err=True)


def error_lines(exc: LibmediaError, prefix: str = "error: ") -> list[str]:
    """``exc`` as message lines: the message, where, and the hint; each
    problem of a :class:`ProblemList` on its own indented lines."""
    if isinstance(exc, ProblemList):
        lines = [f"{prefix}{exc.message}:"]
        for p in exc.problems:
            sub = error_lines(p, prefix="")
            lines += ["  - " + sub[0]] + ["    " + ln.strip() for ln in sub[1:]]
        return lines
    return format_diagnostic(exc.diagnostic, prefix)


def print_error(exc: LibmediaError) -> None:
    """Print ``exc`` to stderr as ``error:`` lines (see :func:`error_lines`)."""
    for line in error_lines(exc):
        _err(line)


def print_warning(w: Diagnostic) -> None:
    """Print one warning (or note, for an ``info`` diagnostic) to stderr with
    its location."""
    _err(f"{'note' if w.severity == 'info' else 'warning'}: {w}")


def print_brand_note(brand_file: Path | None, brand_name: str) -> None:
    """One note on stderr when no brand kit was found and the default is used."""
    if brand_file is None:
        _err(NO_BRAND_NOTE.format(name=brand_name))


def _check_raqm() -> None:
    from .typography.fonts import raqm_available

    if not raqm_available():
        _err("warning: " + RAQM_WARNING)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a :class:`LibmediaError` into ``error:`` lines and exit 2; an
    unexpected exception into a short "internal error" message (exit 2),
    with the traceback only when ``LIBMEDIA_DEBUG`` is set."""
    try:
        yield
    except LibmediaError as exc:
        print_error(exc)
        if os.environ.get("LIBMEDIA_DEBUG") and exc.__cause__ is not None:
            import traceback

            traceback.print_exception(exc.__cause__)
        sys.exit(EXIT_UNUSABLE)
    except OSError as exc:
        where = f" ({display_path(exc.filename)})" if exc.filename else ""
        _err(f"error: {exc.strerror or exc}{where}")
        _err("  hint: check the path, that the folder exists and that you may write to it")
        sys.exit(EXIT_UNUSABLE)
    except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        if os.environ.get("LIBMEDIA_DEBUG"):
            raise
        _err(f"error: internal error ({type(exc).__name__}: {exc})")
        _err("  this is a bug in libmedia, not in your data: please report it "
             "(set LIBMEDIA_DEBUG=1 to see the details)")
        sys.exit(EXIT_UNUSABLE)


# ---------------------------------------------------------------------------
# tables


def _table(*columns: str, wrap: tuple[str, ...] = ()):
    """A rich table; only the ``wrap`` columns may wrap, the others keep their width."""
    from rich.table import Table

    table = Table(header_style="bold", pad_edge=False, box=None, padding=(0, 2, 0, 0))
    for col in columns:
        table.add_column(col, no_wrap=col not in wrap, overflow="fold")
    return table


def _row(table, *cells: str) -> None:
    """Add a row of plain text (square brackets in font names are not markup)."""
    from rich.text import Text

    table.add_row(*(Text(c) for c in cells))


def _print(renderable) -> None:
    """Print to stdout: the terminal's width, or 120 columns into a file or pipe."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else 120
    Console(width=width, highlight=False).print(renderable)


def _check_lang(ctx, param, value):
    from .i18n import languages

    if value is not None and value not in languages():
        raise click.BadParameter(f"unknown language {value!r}: libmedia has texts in "
                                 + ", ".join(languages()) + " (id is Bahasa Indonesia; a language "
                                 "is added as a file: libmedia/locale/<lang>/LC_MESSAGES/messages.po)")
    return value


_LANG = click.option("--lang", metavar="id|en", callback=_check_lang,
                     help="Language of the posts' texts, captions and alt text (id = Bahasa "
                          "Indonesia, en = English). Default: the brand kit's language.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="libmedia")
def main() -> None:
    """Turn a library's catalogue export (SLiMS, spreadsheet CSV) and its
    events, notices and figures into posts for Instagram, Facebook, X and
    TikTok, with caption and alt text beside each one.

    \b
    Start with:
      libmedia init                          your library's brand kit, libmedia.toml
      libmedia templates                     what you can make
      libmedia render new-book               the template's own sample, in out/
      libmedia check new-book books.csv      is the data ready?
      libmedia batch new-book books.csv      one image per book, in out/
      libmedia batch event events.csv        one poster per event (--lang en: in English)
    """


@main.command()
def templates() -> None:
    """List the templates: formats, fields (* = required), description."""
    from .info import template_infos

    with user_errors():
        infos = template_infos()
    table = _table("name", "kind", "formats (first = default)", "records/post",
                   "fields (* required)", "description", wrap=("fields (* required)", "description"))
    for t in infos:
        fields = ", ".join(f"{n}*" if req else n for n, req in t.fields)
        per_post = f"{t.records}\n({t.slides} slides)" if t.slides else str(t.records)
        _row(table, t.name, t.kind, "\n".join(t.formats), per_post, fields, t.description)
    _print(table)


@main.command()
@click.option("--lang", default="id", show_default=True, metavar="id|en", callback=_check_lang,
              help="The language the kit sets for posts (id = Bahasa Indonesia, en = English).")
@click.option("--name", metavar="TEXT", help='The library\'s name, e.g. "Perpustakaan Kota Bogor".')
@click.option("--force", is_flag=True, help="Replace a libmedia.toml that is already here.")
def init(lang: str, name: str | None, force: bool) -> None:
    """Write a brand kit, libmedia.toml, in this folder to fill in.

    Every setting has a note in plain words: the library's name, logo,
    colours, letters, language, catalogue address (for QR codes), event
    sign-up page, hashtags, social media accounts, the sizes to make and
    opening hours.  It works as written; edit it, then run
    'libmedia render new-book' to see your look.
    """
    from .kitfile import write_kit

    with user_errors():
        path = write_kit(Path.cwd(), lang, name, force)
    click.echo(f"wrote {display_path(path)}: open it in a text editor and fill in your library's "
               "name, logo and colours; then try 'libmedia render new-book'")


@main.command()
def formats() -> None:
    """List the output formats: size in pixels, aspect ratio, and the source of the numbers."""
    from .formats import FORMATS
    from .info import format_infos

    infos = format_infos()
    table = _table("name", "kind", "size (px)", "aspect", "platform", "label", wrap=("label",))
    for f in infos:
        fmt = FORMATS[f.name]
        label = f.label
        if fmt.is_video:
            label += f"; {fmt.fps} fps, {fmt.min_seconds:g} s to {fmt.max_seconds:g} s"
        if any(f.safe):
            top, right, bottom, left = f.safe
            label += (f"; keep text and logos {top} px from the top, {bottom} px from the bottom, "
                      f"{left} px from the left and {right} px from the right")
        _row(table, f.name, fmt.kind, f"{f.width}x{f.height}", f.aspect, f.platform, label)
    _print(table)
    click.echo("\nsources of the numbers:")
    sources = _table("name", "source", wrap=("source",))
    for f in infos:
        _row(sources, f.name, f.source)
    _print(sources)


@main.command()
def fonts() -> None:
    """List the bundled font families, the fallback chain, and whether text shaping is on."""
    from .info import fonts_report

    with user_errors():
        rep = fonts_report()
    table = _table("family", "role", "licence", "files", wrap=("role", "files"))
    for f in rep.families:
        files = ", ".join(f.files) + ("" if f.installed else "  (MISSING)")
        _row(table, f.family, f.role, f.licence, files)
    _print(table)
    click.echo("\nfallback chain (tried in order for characters a font lacks):")
    click.echo("  " + " -> ".join(rep.fallback))
    click.echo(f"fonts folder: {display_path(rep.folder)}")
    if rep.raqm:
        click.echo("text shaping: on (Raqm: HarfBuzz + FriBiDi); Arabic and other complex "
                   "scripts are shaped correctly")
    else:
        click.echo("text shaping: OFF")
        _err("warning: " + RAQM_WARNING)


# ---------------------------------------------------------------------------
# render


def _check_image_path(ctx, param, value):
    from .run.names import IMAGE_SUFFIXES

    if value is not None and Path(value).suffix.lower() not in (*IMAGE_SUFFIXES, ".mp4"):
        raise click.BadParameter("the file must end in .png or .jpg (an image) or .mp4 (a clip)")
    return value


def _video_options(f):
    """--draft, --music, --no-music, --burn-subtitles (video templates)."""
    f = click.option("--burn-subtitles", is_flag=True,
                     help="Video: draw the words on screen as captions onto the frames too "
                          "(the .vtt and .srt files are written either way).")(f)
    f = click.option("--no-music", is_flag=True,
                     help="Video: no music (a silent stereo AAC track is still written).")(f)
    f = click.option("--music", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     metavar="FILE", help="Video: play this music (mp3, wav, m4a, ogg, flac) "
                                          "instead of the template's.")(f)
    f = click.option("--draft", is_flag=True,
                     help="Video: half size and a fast encoder, for a quick look.")(f)
    return f


def _clip_options(draft: bool, music: Path | None, no_music: bool, burn_subtitles: bool):
    if music is not None and no_music:
        raise click.UsageError("--music and --no-music cannot go together")
    from .motion.clip import ClipOptions

    return ClipOptions(draft=draft, music=str(music.resolve()) if music else None, silent=no_music,
                       burn_subtitles=burn_subtitles)


_DATA = click.Path(dir_okay=False, path_type=Path)
_PER_POST = click.option(
    "--per-post", type=click.IntRange(min=1), metavar="N",
    help="Records on one post, for a template that shows several (a grid: 'records' in "
         "'libmedia templates'). Default: the template's. A last post may have fewer; when it "
         "would have fewer than the template's minimum, the records are shared out evenly "
         "(5 at 4 a post: 3 and 2).")
def _read_options(f):
    """--from, --to: which days of a calendar (.ics) become posts."""
    f = click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                     help="Calendar (.ics): the last day whose events become posts. Default: "
                          "90 days after --from.")(f)
    f = click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]),
                     metavar="YYYY-MM-DD",
                     help="Calendar (.ics): the first day whose events become posts (a "
                          "repeating event: one post per session from --from to --to). "
                          "Default: today.")(f)
    return f


def _reading(date_from: Any, date_to: Any, sheet: str | None = None) -> dict[str, Any]:
    """The reader options of --from/--to and --sheet (only those given)."""
    given: dict[str, Any] = {k: v.date() for k, v in
                             {"date_from": date_from, "date_to": date_to}.items() if v is not None}
    if sheet:
        given["sheet"] = sheet
    return given


_BRAND = click.option("--brand", type=click.Path(dir_okay=False, path_type=Path),
                      help="Brand kit (libmedia.toml). Default: libmedia.toml beside the data "
                           "file, else in this folder, else the built-in kit.")
_SHEET = click.option("--sheet", metavar="NAME|N",
                      help="Sheet of a workbook (.xlsx, .xls) to read: its name, or its number "
                           "counting from 1 (hidden sheets counted). Default: the first visible "
                           "sheet holding a table.")

_FETCH_COVERS = click.option(
    "--fetch-covers", is_flag=True,
    help="Fetch covers given as web addresses, and look up books without a cover by ISBN "
         "(Open Library by default; [covers] service in the brand kit). Downloads are checked "
         "(images only, at most 15 MB, time-out) and kept in a cache (LIBMEDIA_CACHE_DIR, else "
         "~/.cache/libmedia/covers), so a rerun fetches nothing. A cover that cannot be "
         "fetched is that row's warning and gets a typographic cover. Without this option "
         "nothing is downloaded.")



@main.command()
@click.argument("template")
@click.argument("data", required=False, type=_DATA)
@click.option("--row", type=click.IntRange(min=1), metavar="N",
              help="Data row to render, as your spreadsheet numbers it (in a CSV the header is row 1, "
                   "so the first book is row 2). Default: the first.")
@click.option("--format", "format_name", metavar="FORMAT",
              help="Output format (see 'libmedia formats'). Default: the template's first.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              callback=_check_image_path, metavar="FILE",
              help="Image file (.png or .jpg); caption and alt text go beside it as "
                   "FILE.caption.txt and FILE.alt.txt. Default: out/<row>-<title>.<format>.png. "
                   "For a video template: FILE.mp4, with its cover, subtitles, caption and alt "
                   "text beside it.")
@_BRAND
@_SHEET
@_LANG
@_PER_POST
@_FETCH_COVERS
@_video_options
@_read_options
@click.option("--show-safe-zones", is_flag=True,
              help="Draw the format's unsafe bands (what the app's interface covers: TikTok "
                   "buttons, story reply field...) over the image, hatched in red and labelled, "
                   "to check a template. The file is named ...FORMAT.safe-zones.png and marked "
                   "'not for posting'; batch has no such flag, so its outputs are always clean.")
@click.option("--dump", type=click.Choice(["markup", "document", "layout"]),
              help="Print a pipeline stage to stdout: the markup text, the document tree, or "
                   "the layout (boxes in px, text lines with baselines). Writes no image "
                   "unless -o is given too.")
def render(template: str, data: Path | None, row: int | None, format_name: str | None,
           output: Path | None, brand: Path | None, dump: str | None, draft: bool,
           music: Path | None, no_music: bool, burn_subtitles: bool,
           show_safe_zones: bool, lang: str | None, per_post: int | None,
           sheet: str | None = None,
           date_from: Any = None, date_to: Any = None, fetch_covers: bool = False) -> None:
    """Render one post from TEMPLATE: a record of DATA, or the template's own sample.

    Cover files named in the data are looked for beside the data file, then
    in its covers/ folder.  A template of several records a post (a grid) or
    a video template renders one post or clip: the records of the post that
    holds --row (the first post by default), grouped as batch groups them.
    """
    from .run.single import render_single

    if row is not None and data is None:
        raise click.UsageError("--row needs a DATA file")
    _check_raqm()
    clip = _clip_options(draft, music, no_music, burn_subtitles)
    try:
        with user_errors(), terminate_as_interrupt(), frame_progress("encoding") as progress:
            rep = render_single(template, data, row, format_name, output, brand, dump,
                                clip=clip, progress=progress, show_safe_zones=show_safe_zones,
                                lang=lang, per_post=per_post,
                                read_options=_reading(date_from, date_to, sheet),
                                fetch_covers=fetch_covers)
    except KeyboardInterrupt:
        _err("stopped: nothing was written (a clip being encoded is removed, never left half-made)")
        sys.exit(EXIT_INTERRUPTED)
    print_brand_note(rep.brand, rep.brand_name)
    for w in rep.warnings:
        print_warning(w)
    if rep.dump is not None:
        click.echo(rep.dump, nl=False)
    if rep.error is not None:
        print_error(rep.error)
        sys.exit(EXIT_PROBLEMS)
    files = getattr(rep, "files", None)
    if files:
        rows = ", ".join(map(str, rep.rows)) if any(rep.rows) else "the template's samples"
        _err(f"wrote {display_path(files[0])} ({rep.duration:.1f} s, rows {rows}) "
             f"(+ .cover.jpg, .vtt, .srt, .caption.txt, .alt.txt)")
    elif getattr(rep, "pages", None):
        rows = ", ".join(map(str, rep.rows)) if any(rep.rows) else "the template's samples"
        _err(f"wrote {len(rep.pages)} slides, {display_path(rep.pages[0])} to "
             f"{rep.pages[-1].name} (rows {rows}) (+ one .alt.txt per slide, .caption.txt)")
    elif rep.outputs is not None:
        _err(f"wrote {display_path(rep.outputs.image)} (+ .caption.txt, .alt.txt)")


# ---------------------------------------------------------------------------
# batch


def _progress_enabled() -> bool:
    """A progress bar only on an interactive terminal (never in tests, CI or pipes)."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, int], None] | None]:
    """A rich progress bar on stderr, or None when stderr is not a terminal."""
    if not _progress_enabled():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[failed]}"), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, failed="")

        def update(done: int, total: int, failed: int) -> None:
            bar.update(task, completed=done, total=total,
                       failed=f"[red]{failed} failed" if failed else "")

        yield update


@contextmanager
def frame_progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar of frames encoded, on stderr when it is a terminal."""
    with progress_bar(label) as update:
        if update is None:
            yield None
        else:
            yield lambda done, total: update(done, total, 0)


def _summarise_warnings(results) -> list[str]:
    """One line per warning code: how many records, their rows, and the
    first example (:func:`libmedia.check.group_problems` by code)."""
    from .check import group_problems

    found = [w.at(row=r.row) for r in results for w in r.warnings]
    groups = group_problems(found, key=lambda w: w.code)
    groups.sort(key=lambda g: (-g.count, g.example.code))
    return [f"  {_n(g.count, 'record')} ({_rows(g.rows, 8)}): {g.example.code}, e.g. {g.example}"
            for g in groups]


@main.command()
@click.argument("template")
@click.argument("data", type=_DATA)
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="Output format; repeat for several, or 'all' for every format of the "
                   "template. Default: the template's first.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Output folder.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Render in N processes. Default: one per CPU core, at most 4 "
                   "(1 for fewer than 8 images).")
@_BRAND
@_SHEET
@_LANG
@_PER_POST
@click.option("--jpeg", is_flag=True, help="Write .jpg files instead of .png.")
@click.option("--resume", is_flag=True,
              help="Render only the posts that are missing from --out or whose template, "
                   "record, brand kit, fonts or cover changed since the last run.")
@click.option("--scheduler", metavar="local|tcp://HOST:PORT",
              help="Render on Dask workers: 'local' starts a cluster on this machine, "
                   "tcp://HOST:PORT uses a running 'dask scheduler'. Needs "
                   "pip install 'libmedia[dask]'.")
@_FETCH_COVERS
@_video_options
@_read_options
def batch(template: str, data: Path, formats: tuple[str, ...], out_dir: Path, jobs: int | None,
          brand: Path | None, jpeg: bool, resume: bool, scheduler: str | None, draft: bool,
          music: Path | None, no_music: bool, burn_subtitles: bool, lang: str | None,
          per_post: int | None, sheet: str | None = None,
          date_from: Any = None, date_to: Any = None, fetch_covers: bool = False) -> None:
    """Render one post per record of DATA with TEMPLATE, into --out (a
    template of several records a post, such as a grid: one post per
    --per-post records).

    Each image gets NAME.caption.txt and NAME.alt.txt beside it, named
    0003-filosofi-kopi.instagram-portrait.png (data row, title, format); a
    carousel's pages are ...instagram-portrait.01.png, .02.png.
    OUT/manifest.json lists every post: ok, warning or failed, with the
    error's row, field and a hint, and each file made (size, sha256). It is
    written as the run goes. A re-run replaces the files of the same posts
    and removes the files the previous manifest lists that it did not make
    again; nothing else in --out is touched. One run at a time per folder
    (a second is refused). Ctrl-C stops the run and keeps what was made:
    run the same command with --resume to make the rest. Cover files are
    looked for beside the data file, then in its covers/ folder.

    Before any record, the template's own sample is rendered in each format
    with the brand kit: when the template or brand kit itself is broken,
    that one error is printed and nothing is written (exit 2).
    """
    from .run.coordinator import run_batch

    _check_raqm()
    clip = _clip_options(draft, music, no_music, burn_subtitles)
    with user_errors(), terminate_as_interrupt(), progress_bar("rendering") as progress:
        rep = run_batch(template, data, formats, out_dir, jobs, brand, jpeg, progress,
                        resume=resume, scheduler=scheduler, clip=clip, lang=lang,
                        per_post=per_post, read_options=_reading(date_from, date_to, sheet),
                        fetch_covers=fetch_covers)
    print_brand_note(rep.brand, rep.brand_name)
    for w in rep.warnings:
        print_warning(w)
    n_warn, failed = rep.count("warning"), rep.failed
    rendered = len(rep.results) - len(failed)
    fmts = (f"{len(rep.formats)} format{'s' if len(rep.formats) != 1 else ''}: "
            f"{', '.join(rep.formats)}")
    if rep.reused:
        click.echo(f"{_n(rep.reused, 'post')} of {rep.planned} unchanged since the last run, "
                   "kept (--resume)")
    if rep.stopped:
        click.echo(f"stopped after {len(rep.results)} of the {rep.planned - rep.reused} posts to "
                   f"make ({fmts}): {rendered} made, {n_warn} with warnings, "
                   f"{len(failed)} failed")
    elif rep.kind == "video":
        records = sum(len(r.rows) for r in rep.results)
        made = rendered * len(rep.formats)
        click.echo(f"{rendered} of {_n(len(rep.results), 'clip')} rendered ({_n(records, 'record')}; "
                   f"{fmts}: {_n(made, 'MP4 file')}), {n_warn} with warnings, {len(failed)} failed")
    elif rep.kind == "carousel":
        records = sum(len(r.rows) for r in rep.results)
        slides = sum(a.kind == "image" for r in rep.results for a in r.artifacts)
        click.echo(f"{rendered} of {_n(len(rep.results), 'carousel')} rendered "
                   f"({_n(records, 'record')}; {fmts}: {_n(slides, 'slide')}), "
                   f"{n_warn} with warnings, {len(failed)} failed")
    elif any(len(r.rows) > 1 for r in rep.results):  # several records a post: a grid
        records = sum(len(r.rows) for r in rep.results)
        click.echo(f"{rendered} of {_n(len(rep.results), 'post')} rendered ({_n(records, 'record')}; "
                   f"{fmts}), {n_warn} with warnings, {len(failed)} failed")
    else:
        click.echo(f"{rendered} of {len(rep.results)} records rendered ({fmts}), "
                   f"{n_warn} with warnings, {len(failed)} failed")
    if n_warn:
        click.echo("warnings (each record's are in the manifest):")
        for line in _summarise_warnings(rep.results):
            click.echo(line)
    if failed:
        click.echo("failed:")
        for r in failed:
            err = r.error or {}
            title = f'"{r.title}"' if r.title else "(no title)"
            where = err.get("location", {})
            field = f", field '{where['field']}'" if where.get("field") else ""
            click.echo(f"  row {r.row} {title}{field}: {err.get('message', 'failed')}")
    if rep.removed:
        posts = sum(not p.name.endswith(".txt") for p in rep.removed)
        click.echo(f"removed {_n(len(rep.removed), 'file')} ({_n(posts, 'post')}) of the previous "
                   "run that this run did not make again (listed in the old manifest)")
    click.echo(f"{'clips' if rep.kind == 'video' else 'images'} and manifest in "
               f"{display_path(rep.out_dir)}/ "
               f"(manifest: {display_path(rep.manifest)})")
    if rep.stopped:
        if rep.error is not None:
            print_error(rep.error)
        else:
            _err(f"interrupted: {len(rep.results) + rep.reused} of {rep.planned} posts made; "
                 "the manifest lists them")
        _err("  to make the rest, run the same command again with --resume:")
        _err("    " + _resume_command())
        sys.exit(EXIT_INTERRUPTED if rep.error is None else EXIT_UNUSABLE)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While a batch runs, SIGTERM (``kill PID``, a service manager stopping
    libmedia) stops it as Ctrl-C does: what was made is kept and listed.
    Only in the main thread, and only when SIGTERM has its default action."""
    import signal
    import threading

    def stop(signum, frame):
        raise KeyboardInterrupt

    own = (threading.current_thread() is threading.main_thread()
           and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
    if own:
        signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        if own:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _resume_command() -> str:
    """The command line this process was started with, plus ``--resume``."""
    import shlex

    args = [a for a in sys.argv[1:] if a != "--resume"]
    return "libmedia " + " ".join(shlex.quote(a) for a in [*args, "--resume"])


# ---------------------------------------------------------------------------
# check


@main.command()
@click.argument("template")
@click.argument("data", type=_DATA)
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="Format(s) the template's sample is test-rendered in, as for batch "
                   "(with --render: the formats every record is rendered in). "
                   "Default: the template's first.")
@_BRAND
@_SHEET
@_LANG
@click.option("--render", "render_all", is_flag=True,
              help="Also lay out and draw every record as batch would (nothing is written) and "
                   "summarise the typography: titles that shrink or are cut, lines per title, "
                   "and each lint finding (touching lines, words broken without a hyphen, "
                   "small text, low contrast ...).")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="With --render: render in N processes (default as for batch).")
@click.option("--json", "as_json", is_flag=True,
              help="With --render: print the typography summary as JSON (nothing else).")
@_PER_POST
@_read_options
@_FETCH_COVERS
def check(template: str, data: Path, brand: Path | None, formats: tuple[str, ...],
          render_all: bool, jobs: int | None, as_json: bool, lang: str | None,
          per_post: int | None, sheet: str | None = None,
          date_from: Any = None, date_to: Any = None, fetch_covers: bool = False) -> None:
    """Check DATA against TEMPLATE without rendering it: columns, empty required
    fields, ISBNs, cover files; and that the template and brand kit render at
    all (the template's own sample is rendered first, as batch does).  With
    --render, every record is also rendered (not written) and its typography
    measured.

    \b
    Exit 0: every record will be rendered (perhaps with warnings);
    1: some records will not be rendered; 2: the input is unusable.
    """
    from .check import check_data

    if as_json and not render_all:
        raise click.UsageError("--json needs --render")
    with user_errors(), progress_bar("fetching covers") as progress:
        rep = check_data(template, data, brand, formats, lang=lang, per_post=per_post,
                         read_options=_reading(date_from, date_to, sheet),
                         fetch_covers=fetch_covers, progress=progress)
    if as_json:
        code = EXIT_PROBLEMS if rep.rows_with("error") else EXIT_OK
    else:
        code = _print_check(rep)
    if render_all:
        _check_raqm()
        with user_errors(), progress_bar("rendering") as progress:
            from .check import check_rendering

            found = check_rendering(template, data, brand, formats, jobs, progress, lang=lang,
                                    per_post=per_post,
                                    read_options=_reading(date_from, date_to, sheet),
                                    fetch_covers=fetch_covers)
        if as_json:
            import json

            click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
        else:
            _print_render_check(found)
        if found.failed_rows:
            code = EXIT_PROBLEMS
    sys.exit(code)


def _print_check(rep) -> int:
    """Print ``libmedia check``'s report; return its exit code."""
    from .check import ERROR, WARNING, row_ranges
    click.echo(f"data: {rep.data}")
    delim = {"\t": "TAB", ",": "comma (,)", ";": "semicolon (;)", "|": "bar (|)"}
    if rep.encoding and rep.delimiter:
        click.echo(f"  encoding: {rep.encoding}; delimiter: "
                   f"{delim.get(rep.delimiter, repr(rep.delimiter))}; {_n(rep.records, 'record')}")
    elif rep.encoding:  # MARC, JSON, a calendar: text without columns
        click.echo(f"  encoding: {rep.encoding}; {_n(rep.records, 'record')}")
    else:  # a workbook: cells, not text
        click.echo(f"  {_n(rep.records, 'record')}")
    click.echo("  brand kit: " + (display_path(rep.brand) if rep.brand else
                                  "built-in default (no libmedia.toml beside the data or here)"))
    if rep.language:
        name = {"id": "Bahasa Indonesia", "en": "English"}.get(rep.language, rep.language)
        click.echo(f"  posts in {name} ({rep.language}); format{'s' if len(rep.formats) != 1 else ''}: "
                   + ", ".join(rep.formats))
    click.echo("columns:")
    width = max((len(c) for c in rep.mapping), default=0)
    for col, fld in rep.mapping.items():
        if fld:
            target = f"-> {fld}" + (" (required)" if fld in rep.required else "")
        elif col.strip().lower().replace(" ", "_") in ("cover_url", "image_url"):
            target = "-> cover, where the cover column is empty (a web address: --fetch-covers)"
        else:
            target = "(not used by a field; templates can still read it)"
        click.echo(f"  {col.ljust(width)}  {target}")
    for name in rep.missing_optional:
        made = "each post gets a typographic stand-in cover" if name in rep.stand_in_fields else \
            "posts are made without it"
        click.echo(f"  (no column for optional field '{name}': {made})")
    for w in rep.file_warnings:
        print_warning(w)
    if not rep.problems:
        every = "the one record is" if rep.records == 1 else f"all {rep.records} records are"
        click.echo(f"no problems: {every} ready for template '{rep.template}'")
        _print_grouping(rep)
        return EXIT_OK
    headings = {ERROR: "{} (these records will not be rendered):",
                WARNING: "{} (the posts will still be made):"}
    for severity, heading in headings.items():
        groups = rep.groups(severity)
        if not groups:
            continue
        click.echo(heading.format(_n(rep.count(severity), severity)))
        for g in groups:
            p = g.example
            loc = p.location
            fld = ""
            if loc.field:
                fld = f", field '{loc.field}'" + (f' (column "{loc.header}")' if loc.header else "")
            if g.count > 1:
                where = f"{g.count} rows ({row_ranges(g.rows)}){fld}: e.g. row {loc.row}"
            else:
                where = (f"row {loc.row}" if loc.row is not None else "the file") + fld
            click.echo(f"  {severity}: {where}: {p.message}")
            if p.hint:
                click.echo(f"    hint: {p.hint}")
    failing = rep.rows_with(ERROR)
    warned = [r for r in rep.rows_with(WARNING) if r not in set(failing)]
    if failing:
        rest = rep.records - len(failing)
        click.echo(f"{len(failing)} of {rep.records} records will not be rendered "
                   f"({_rows(failing)}); fix them or leave them out. "
                   + (f"The other {rest} will be rendered." if rest else "Nothing will be rendered."))
        return EXIT_PROBLEMS
    every = "the one record" if rep.records == 1 else f"all {rep.records} records"
    click.echo(f"{every} will be rendered; {len(warned)} with warnings "
               f"({_rows(warned)})")
    _print_grouping(rep)
    return EXIT_OK


def _print_grouping(rep) -> None:
    """For a template of several records a post: the posts (or clips) batch
    will make, their sizes and, up to 12, the rows of each."""
    if not rep.posts:
        return
    what = {"video": "clip", "carousel": "carousel"}.get(rep.kind, "post")
    sizes = ", ".join(map(str, rep.posts[:-1])) + (" and " if len(rep.posts) > 1 else "") \
        + str(rep.posts[-1])
    most = f"{rep.per_post} a {what}"
    if rep.slides:
        slides = ", ".join(map(str, rep.slides[:-1])) + \
            (" and " if len(rep.slides) > 1 else "") + f"{rep.slides[-1]} slides"
        most = f"{slides}; up to {rep.per_post} records a {what}"
    click.echo(f"as {_n(len(rep.posts), what)} of {sizes} records ({most}; --per-post to change)")
    if len(rep.post_rows) <= 12:
        for i, rows in enumerate(rep.post_rows, 1):
            click.echo(f"  {what} {i}: {_rows(rows)}")
    else:
        click.echo(f"  {what} 1: {_rows(rep.post_rows[0])} ... {what} {len(rep.post_rows)}: "
                   f"{_rows(rep.post_rows[-1])}")


def _print_render_check(found) -> None:
    """Print ``check --render``'s summary, one block per format."""
    from .check import row_ranges

    records = sum(len(p.rows) for p in found.posts)
    click.echo(f"rendered {_n(records, 'record')} in {len(found.formats)} "
               f"format{'s' if len(found.formats) != 1 else ''} ({found.seconds:.1f} s; nothing "
               "written):")
    for f in found.formats:
        click.echo(f"{f.name}: {_n(f.posts, 'post')}, {f.seconds:.1f} s of rendering"
                   + (f", {len(f.failed)} failed" if f.failed else ""))
        if f.titles:
            pct = 100 * len(f.shrank) / f.titles
            line = f"  titles: {f.titles}; {len(f.shrank)} shrink ({pct:.0f}%)"
            if f.shrank:
                sizes = [s for _, _, s, _ in f.shrank]
                bases = sorted({b for _, _, _, b in f.shrank if b})
                line += (f" to {min(sizes):g}-{max(sizes):g} px"
                         + (f" from {'/'.join(f'{b:g}' for b in bases)} px" if bases else ""))
            click.echo(line + f"; {len(f.cut)} cut")
            hist = ", ".join(f"{k} line{'s' if k != 1 else ''}: {v}"
                             for k, v in sorted(f.lines.items()))
            click.echo(f"  lines per title: {hist}")
            for row, title in f.cut[:10]:
                click.echo(f"    cut: row {row} {title[:70]!r}")
            if len(f.cut) > 10:
                click.echo(f"    ... and {len(f.cut) - 10} more cut (rows "
                           f"{row_ranges([r for r, _ in f.cut[10:]])})")
        if not f.codes:
            click.echo("  lint: nothing found")
        for code, items in sorted(f.codes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            rows = sorted({r for _, r, _ in items})
            click.echo(f"  {code}: {len(items)} in {_n(len(rows), 'post')} ({_rows(rows, 6)})")
            for _, row, message in items[:3]:
                click.echo(f"    row {row}: {message}")
        click.echo(f"  total: {_n(f.warnings, 'warning')}")
    for p in found.posts:
        if p.error:
            err = p.error
            click.echo(f"failed: row {p.row} {p.title[:60]!r}: {err.get('message', 'failed')}")


@main.command()
@click.argument("template", required=False)
@click.option("--data", type=_DATA, metavar="FILE",
              help="Data file (CSV, spreadsheet, SLiMS/Koha export, MARC, calendar...) whose rows "
                   "the page offers beside each template's own sample.")
@_BRAND
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to serve on. Only this computer can open the page unless you give "
                   "another (0.0.0.0: every network this computer is on, e.g. to look on a phone).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@_SHEET
@_LANG
@_FETCH_COVERS
@_read_options
def preview(template: str | None, data: Path | None, brand: Path | None, port: int, host: str,
            no_browser: bool, sheet: str | None, lang: str | None, fetch_covers: bool,
            date_from: Any = None, date_to: Any = None) -> None:
    """Live preview in the browser: every template, in every format, re-drawn as you save.

    Opens a page (http://127.0.0.1:8000/) with a gallery of the templates; a
    template's view shows its sample (or a row of --data) in all its formats
    side by side, with caption, alt text and every problem found. Saving a
    template file, the brand kit, the data file, a font or a picture
    re-draws what it touches, by itself. TEMPLATE (a name or a folder of
    your own) opens that template's view. Ctrl-C stops it.
    """
    from .preview.server import serve
    from .preview.workspace import Workspace

    _check_raqm()
    with user_errors():
        if data is not None and not data.is_file():
            raise DataError(f"{data}: no such file", hint="check the path of --data")
        ws = Workspace(template, data, brand, lang, _reading(date_from, date_to, sheet),
                       fetch_covers)

        def announce(url: str) -> None:
            target = f"{url}#/t/{ws.start}" if ws.start else url
            click.echo(f"libmedia preview: {target}", err=False)
            click.echo("  watching templates, brand kit, data and fonts; Ctrl-C to stop",
                       err=True)

        serve(ws, host, port, open_browser=not no_browser, announce=announce)
    _err("preview stopped")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "format_name", metavar="FORMAT",
              help="Check against this format's size, frame rate and length limits.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def probe(file: Path, format_name: str | None, as_json: bool) -> None:
    """Check a video file against what TikTok, Reels and Shorts accept.

    Exit status 1 when something would make a platform refuse the file or play it wrong."""
    from .encode.probe import PlatformRules
    from .encode.probe import probe as probe_file

    with user_errors():
        rules = None
        if format_name:
            from .formats import get_format

            rules = PlatformRules.for_format(get_format(format_name))
        rep = probe_file(file, rules)
    if as_json:
        import json

        click.echo(json.dumps(rep.to_dict(), indent=2, ensure_ascii=False))
        sys.exit(EXIT_OK if rep.ok else EXIT_PROBLEMS)
    for line in rep.text_lines(display_path(rep.path)):
        click.echo(line)
    n_err, n_warn = len(rep.errors), len(rep.warnings)
    if n_err:
        click.echo(f"{_n(n_err, 'problem')} a platform would refuse or play wrongly"
                   + (f", {_n(n_warn, 'warning')}" if n_warn else ""))
        sys.exit(EXIT_PROBLEMS)
    click.echo("platforms accept this file" + (f" ({_n(n_warn, 'warning')})" if n_warn else ""))
    sys.exit(EXIT_OK)


def _n(count: int, noun: str) -> str:
    """``1 record``, ``2 records``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _rows(rows: list[int], limit: int = 20) -> str:
    """``row 4``, ``rows 1-3, 7``, ``rows 1-5, 8, 12, …`` (past ``limit`` runs)."""
    from .check import row_ranges

    return f"row {rows[0]}" if len(rows) == 1 else f"rows {row_ranges(rows, limit)}"


if __name__ == "__main__":  # pragma: no cover
    main()
