"""What ``libmedia preview`` shows: every template, each in a render session.

A :class:`Workspace` holds one :class:`libmedia.session.RenderSession` per
template folder (the bundled ``templates/`` and, when the preview was
started on a template folder of one's own, that folder's siblings), all
with the same data file and brand kit.  It turns sessions' outcomes into
the JSON the page reads (:meth:`Workspace.view`, the contract in the
module :mod:`libmedia.preview.server`), encodes their pictures, and takes
the file watcher's changes (:meth:`Workspace.changed`).

Nothing here serves HTTP; every method may be called from worker threads.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import Image

from ..diagnostics import Diagnostic, display_path
from ..errors import LibmediaError, TemplateError
from ..formats import CAPTION_LIMITS, FORMATS, Format
from ..session import Outcome, RenderSession
from ..templating import TEMPLATES_DIR, find_template
from ..textfilters import CAPTION_HASHTAG

#: Gallery thumbnails are drawn at most this many px on their longer side.
THUMB_SIDE = 360

#: Alt text limits per platform (:attr:`Format.platform`), in characters:
#: X (Twitter) takes up to 1,000 characters of image description (X Help
#: Center, "How to make images accessible for people").  Instagram and
#: Facebook publish none.
ALT_LIMITS: dict[str, int] = {"X (Twitter)": 1000}

#: At most this many posts are listed at once (a search narrows them down).
POSTS_LISTED = 10_000

#: Outcomes remembered by render id, for the picture requests that follow a view.
KEPT_RENDERS = 64


def error_dict(exc: LibmediaError) -> dict[str, Any]:
    """A :class:`LibmediaError` as the page shows it: ``message``, ``file``
    (as the user reads it), ``line``, ``column``, ``row``, ``hint``,
    ``where`` (the whole location) and ``more``: every problem it carries
    beyond that (for several problems found at once, such as a brand kit's,
    each of them, with its own place and hint), each once."""
    from ..errors import ProblemList

    several = isinstance(exc, ProblemList) and len(exc.problems) > 1
    loc = exc.diagnostics[0].location if several else exc.location
    out = {"message": exc.message, "file": display_path(loc.file) if loc.file else None,
           "line": loc.line, "column": loc.column, "row": loc.row, "hint": exc.hint,
           "where": _where(loc), "code": exc.code}
    more: list[dict[str, Any]] = []
    for d in exc.diagnostics if several else exc.diagnostics[1:]:
        entry = diagnostic_dict(d)  # a mistake inside a loop is found once per record: once
        if entry not in more and (several or d != exc.diagnostic):
            more.append(entry)
    if more:
        out["more"] = more
    return out


def _where(loc) -> str:
    return str(replace(loc, file=display_path(loc.file))) if loc.file else str(loc)


def diagnostic_dict(d: Diagnostic, page: int | None = 0) -> dict[str, Any]:
    """One diagnostic for the page's list: severity, code, message, hint,
    ``where`` (file, line, row as the user reads them), ``box`` (x, y,
    width, height in px of the page it is on, or None) and ``page``."""
    loc = d.location
    where = _where(loc)
    return {"severity": d.severity, "code": d.code, "message": d.message, "hint": d.hint,
            "where": where, "box": list(loc.box) if loc.box else None,
            "page": page if loc.box else None}


def _page_of(d: Diagnostic, rendered) -> int:
    """The page (0-based) a warning of ``rendered`` was found on: the first
    whose own warnings hold it with the same box (0 when none does)."""
    for i, found in enumerate(rendered.page_warnings):
        if any(w == d and w.location.box == d.location.box for w in found):
            return i
    return 0


def format_dict(fmt: Format) -> dict[str, Any]:
    """A format as the page needs it: name, label, platform, size in px,
    kind, the safe-zone insets (top, right, bottom, left px) and what
    covers each band."""
    return {"name": fmt.name, "label": fmt.label, "platform": fmt.platform, "width": fmt.width,
            "height": fmt.height, "kind": fmt.kind, "safe": list(fmt.safe),
            "bands": list(getattr(fmt, "bands", ("", "", "", "")) or ("", "", "", ""))}


def counts(caption: str, alts: Iterable[str], fmt: Format) -> dict[str, Any]:
    """Caption and alt text figures against the platform's limits
    (:data:`libmedia.formats.CAPTION_LIMITS`, :data:`ALT_LIMITS`):
    characters are code points, as the platforms count them; hashtags as
    :data:`libmedia.textfilters.CAPTION_HASHTAG` finds them.  A limit is
    None where the platform publishes none."""
    limit = CAPTION_LIMITS.get(fmt.platform)
    text = caption.rstrip("\n")
    return {"caption_chars": len(text), "caption_limit": limit.characters if limit else None,
            "hashtags": len(CAPTION_HASHTAG.findall(text)),
            "hashtag_limit": limit.hashtags if limit else None,
            "alt_chars": [len(a.rstrip("\n")) for a in alts],
            "alt_limit": ALT_LIMITS.get(fmt.platform)}


def boxes(page, index: int = 0) -> list[dict[str, Any]]:
    """The laid-out boxes of a page (:class:`libmedia.layout.Page`): each
    fragment's tag, template line, border box (x, y, width, height px) and,
    for text, its first words."""
    out = []
    for node in page.root.walk():
        if node is page.root:
            continue
        b = node.box
        el = node.element
        text = el.plain_text.strip()[:60] if el.tag == "text" else str(el.get("src", "") or "")
        out.append({"tag": el.tag, "line": el.line, "page": index,
                    "box": [round(b.x, 1), round(b.y, 1), round(b.w, 1), round(b.h, 1)],
                    "text": text})
    return out


def png_bytes(image: Image.Image, side: int | None = None) -> bytes:
    """``image`` as PNG (fast compression: the preview sends it once, over
    the loopback); with ``side``, first shrunk (Lanczos) to fit a square of
    ``side`` px.  Deterministic."""
    im = image
    if side is not None and max(im.size) > side:
        k = side / max(im.size)
        im = im.resize((max(1, round(im.width * k)), max(1, round(im.height * k))),
                       Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def digest(out: Outcome) -> None:
    """What the preview keeps of a render that worked (a session's
    ``digest``): the PNG of each page, the view's JSON parts and, for a
    template's sample, the gallery thumbnail, in :attr:`Outcome.extra`;
    then the render itself (full-size pictures, layouts) is let go, so a
    long preview session holds encoded pictures only."""
    r = out.rendered
    if r is None or out.kind != "image":
        return
    pages = r.pages or [r.image]
    alts = r.alts or [r.alt]
    out.extra["pngs"] = [png_bytes(p) for p in pages]
    out.extra["view"] = {
        "width": r.image.width, "height": r.image.height, "caption": r.caption, "alts": alts,
        "counts": counts(r.caption, alts, out.format),
        "diagnostics": [diagnostic_dict(d, _page_of(d, r)) for d in out.warnings],
        "boxes": [b for i, lay in enumerate(r.layouts or [r.page]) for b in boxes(lay, i)]}
    if out.post.sample:
        out.extra["thumb"] = png_bytes(r.image, THUMB_SIDE)
    out.rendered = None


def _make_draft(inp, library):
    """The ``draft`` maker of a session (:attr:`RenderSession.makers`): the
    clip laid out and drawn at the preview's size, not yet encoded."""
    from .video import make_draft

    draft = make_draft(inp, library, encode=False)
    sources = [a.source for a in draft.clip.video.assets.values() if getattr(a, "source", "")]
    return draft, draft.warnings, sources


def _draft_view(out: Outcome, name: str, format_name: str, post: int) -> dict[str, Any]:
    d = out.rendered
    fw, fh = d.format_size
    alts = [d.alt]
    return {"render": out.render_id, "duration": d.duration, "fps": d.fps,
            "width": fw, "height": fh, "draft_width": d.size[0], "draft_height": d.size[1],
            "cover_time": d.cover_time,
            "draft": f"/draft/{name}/{format_name}/{post}.mp4?r={out.render_id}",
            "frame": f"/frame/{name}/{format_name}/{post}.png?r={out.render_id}",
            "scenes": d.scenes, "caption": d.caption, "alts": alts,
            "counts": counts(d.caption, alts, out.format),
            "diagnostics": [diagnostic_dict(w, 0) for w in out.warnings]}


class Workspace:
    """Every template the preview offers, one render session each.

    ``start`` is the TEMPLATE argument (a name or a folder, or None);
    ``data_path``, ``brand_path``, ``lang`` and ``read_options`` apply to
    every session.  Raises :class:`TemplateError` for a ``start`` that
    names no template.
    """

    def __init__(self, start: str | None = None, data_path: str | Path | None = None,
                 brand_path: str | Path | None = None, lang: str | None = None,
                 read_options: Mapping[str, Any] | None = None,
                 fetch_covers: bool = False) -> None:
        self.data_path = Path(data_path) if data_path is not None else None
        self.brand_path = Path(brand_path) if brand_path is not None else None
        self.lang = lang
        self.read_options = dict(read_options or {})
        self.fetch_covers = fetch_covers
        self.version = 1
        self._lock = threading.RLock()
        self.roots: list[Path] = []
        self.start: str | None = None
        if start is not None:
            folder = find_template(str(start)).resolve()
            self.start = folder.name
            if folder.parent != TEMPLATES_DIR.resolve():
                self.roots.append(folder.parent)
        self.roots.append(TEMPLATES_DIR.resolve())
        self.sessions: OrderedDict[str, RenderSession] = OrderedDict()
        self._renders: OrderedDict[int, Outcome] = OrderedDict()
        self._infos: dict[str, dict[str, Any]] = {}
        self.scan()

    # -------------------------------------------------------------- templates

    def scan(self) -> bool:
        """Find the template folders (a folder with ``template.toml``) under
        the roots; a name in an earlier root hides the same name in a later
        one (your copy of ``new-book`` over the bundled one).  Returns
        whether the set of templates changed."""
        found: OrderedDict[str, Path] = OrderedDict()
        for root in self.roots:
            if not root.is_dir():
                continue
            for d in sorted(root.iterdir()):
                if (d / "template.toml").is_file() and d.name not in found:
                    found[d.name] = d
        with self._lock:
            before = {n: s.template_name for n, s in self.sessions.items()}
            if before == {n: p for n, p in found.items()}:
                return False
            sessions: OrderedDict[str, RenderSession] = OrderedDict()
            for name, path in sorted(found.items()):
                old = self.sessions.get(name)
                sessions[name] = old if old is not None and old.template_name == path else \
                    RenderSession(path, self.data_path, self.brand_path, lang=self.lang,
                                  read_options=self.read_options, fetch_covers=self.fetch_covers,
                                  digest=digest)
            self.sessions = sessions
            return True

    def session(self, name: str) -> RenderSession:
        """The session of template ``name``.  Raises ``KeyError``."""
        with self._lock:
            return self.sessions[name]

    def template_info(self, name: str) -> dict[str, Any]:
        """One template for the gallery: name, kind, title, description,
        formats (:func:`format_dict`) and the error that stops it loading
        (the formats it had then stay listed)."""
        s = self.session(name)
        try:
            t = s.template
        except LibmediaError as exc:
            info = dict(self._infos.get(name) or {"name": name, "kind": "image", "title": name,
                                                  "description": "", "formats": []})
            info["error"] = error_dict(exc)
            return info
        info = {"name": name, "kind": t.kind, "title": getattr(t, "title", "") or name,
                "description": t.description, "records": str(t.records),
                "formats": [format_dict(FORMATS[f]) for f in t.formats if f in FORMATS],
                "error": None}
        self._infos[name] = info
        return info

    def state(self) -> dict[str, Any]:
        """``/api/state``: version, start template, brand kit, data file, templates."""
        brand: dict[str, Any] = {"name": None, "file": None, "error": None}
        templates = [self.template_info(n) for n in list(self.sessions)]
        for name in self.sessions:
            try:
                job = self.session(name).sample_job
            except LibmediaError as exc:
                if exc.kind == "brand" and brand["error"] is None:
                    brand["error"] = error_dict(exc)
                continue
            brand.update(name=job.brand.name,
                         file=display_path(job.brand_file) if job.brand_file else None)
            break
        return {"version": self.version, "start": self.start, "brand": brand,
                "data": {"file": display_path(self.data_path) if self.data_path else None},
                "templates": templates}

    def posts(self, name: str, query: str = "") -> dict[str, Any]:
        """``/api/posts``: the posts of a template, filtered by ``query`` in
        their titles (case and accents ignored), the first
        :data:`POSTS_LISTED` of them; ``total`` counts every post,
        ``matches`` those the query finds."""
        import unicodedata

        def fold(s: str) -> str:
            return "".join(c for c in unicodedata.normalize("NFKD", s.casefold())
                           if not unicodedata.combining(c))

        s = self.session(name)
        try:
            posts = s.posts()
            note = s.posts_note
        except LibmediaError as exc:
            return {"posts": [], "total": 0, "note": exc.message, "error": error_dict(exc)}
        q = fold(query.strip())
        shown = [p for p in posts if not q or q in fold(p.title)]
        return {"posts": [{"index": p.index, "label": p.label, "rows": p.rows, "title": p.title}
                          for p in shown[:POSTS_LISTED]], "total": len(posts),
                "matches": len(shown), "note": note}

    # ---------------------------------------------------------------- renders

    def _keep(self, out: Outcome) -> None:
        with self._lock:
            self._renders[out.render_id] = out
            self._renders.move_to_end(out.render_id)
            while len(self._renders) > KEPT_RENDERS:
                self._renders.popitem(last=False)

    def outcome(self, name: str, format_name: str, post: int) -> Outcome:
        """Render (or take the kept render of) post ``post`` of template
        ``name`` in ``format_name``.  Raises ``KeyError`` for an unknown
        template and ``IndexError`` for a post it does not have."""
        s = self.session(name)
        out = s.outcome(format_name, post)
        self._keep(out)
        good = s.last_good(format_name, post)
        if good is not None:
            self._keep(good)
        return out

    def view(self, name: str, format_name: str, post: int) -> dict[str, Any]:
        """``/api/view``: the render of one post in one format, as JSON (see
        :mod:`libmedia.preview.server`)."""
        out = self.outcome(name, format_name, post)
        s = self.session(name)
        base = f"/image/{name}/{format_name}/{post}.png"
        view: dict[str, Any] = {"version": self.version, "render": out.render_id, "ok": out.ok,
                                "template": name, "format": format_name, "post": post,
                                "error": error_dict(out.error) if out.error else None,
                                "last_good": None}
        if out.ok:
            seen = out.extra["view"]
            view.update(seen, pages=[f"{base}?r={out.render_id}&page={i}"
                                     for i in range(len(out.extra["pngs"]))])
        else:
            view.update(pages=[], caption="", alts=[], counts=None,
                        diagnostics=[diagnostic_dict(d, None) for d in out.warnings],
                        boxes=[])
            good = s.last_good(format_name, post)
            if good is not None and "view" in good.extra:
                self._keep(good)
                view["last_good"] = {"render": good.render_id,
                                     "width": good.extra["view"]["width"],
                                     "height": good.extra["view"]["height"],
                                     "pages": [f"{base}?r={good.render_id}&page={i}"
                                               for i in range(len(good.extra["pngs"]))]}
        return view

    def image(self, render_id: int, page: int = 0) -> bytes | None:
        """The PNG of page ``page`` of render ``render_id``, or None when
        that render is no longer kept (the page asks for the view again)."""
        with self._lock:
            out = self._renders.get(render_id)
        pngs = out.extra.get("pngs", []) if out is not None else []
        return pngs[page] if 0 <= page < len(pngs) else None

    def thumbnail(self, name: str, format_name: str) -> tuple[bytes | None, LibmediaError | None]:
        """The gallery picture of template ``name`` in ``format_name``: its
        own sample, at most :data:`THUMB_SIDE` px; a video template's is
        its cover frame.  Returns (PNG, None) or (None, the error)."""
        s = self.session(name)
        try:
            kind = s.template.kind
        except LibmediaError as exc:
            return None, exc
        if kind == "video":
            return self._video_thumbnail(name, format_name)
        out = s.outcome(format_name, 0)
        if not out.ok:
            return None, out.error
        return out.extra["thumb"], None

    # ------------------------------------------------------------------ video

    def draft_outcome(self, name: str, format_name: str, post: int) -> Outcome:
        """The draft clip (:class:`libmedia.preview.video.Draft`, in
        :attr:`Outcome.rendered`) of post ``post`` of video template
        ``name`` in ``format_name``: laid out and drawn, encoded on first
        use of its ``mp4``.  Kept like an image's render, with the files it
        read.  Raises as :meth:`outcome`."""
        s = self.session(name)
        if "draft" not in s.makers:
            s.makers["draft"] = _make_draft
        out = s.outcome(format_name, post, "draft")
        self._keep(out)
        return out

    def video(self, name: str, format_name: str, post: int) -> dict[str, Any]:
        """``/api/video``: a video template's post as JSON: the draft's URL,
        duration (s), fps, the format's size and the draft's (px), scene
        marks, caption, alt text, counts and diagnostics (boxes in the
        format's px), or the error and the last good draft."""
        out = self.draft_outcome(name, format_name, post)
        s = self.session(name)
        view: dict[str, Any] = {"version": self.version, "render": out.render_id, "ok": out.ok,
                                "template": name, "format": format_name, "post": post,
                                "error": error_dict(out.error) if out.error else None,
                                "last_good": None}
        if out.ok:
            view.update(_draft_view(out, name, format_name, post))
        else:
            view.update(diagnostics=[diagnostic_dict(d, None) for d in out.warnings],
                        caption="", alts=[], counts=None, scenes=[])
            good = s.last_good(format_name, post, "draft")
            if good is not None:
                self._keep(good)
                view["last_good"] = _draft_view(good, name, format_name, post)
        return view

    def draft(self, render_id: int):
        """The :class:`~libmedia.preview.video.Draft` of render ``render_id``,
        or None when it is no longer kept."""
        with self._lock:
            out = self._renders.get(render_id)
        return out.rendered if out is not None and out.kind == "draft" else None

    def full_render(self, name: str, format_name: str, post: int, folder: Path,
                    on_progress=None):
        """Start a full-size render of a video post
        (:class:`libmedia.preview.video.FullRender`) writing into ``folder``.
        Raises :class:`LibmediaError` when the template or post cannot start
        (an error in the template: render the draft to see where)."""
        from .video import FullRender

        s = self.session(name)
        fmt = s.format(format_name)
        p = s.posts()[post]
        inp = s.render_input(list(p.records), fmt, sample=p.sample)
        return FullRender(inp, s.library(inp), folder, on_progress=on_progress).start()

    def _video_thumbnail(self, name: str, format_name: str):
        """A clip's gallery picture: its cover frame (the frame ``libmedia
        render`` writes as ``.cover.jpg``) from the sample's draft."""
        out = self.draft_outcome(name, format_name, 0)
        if not out.ok:
            return None, out.error
        thumb = out.extra.get("thumb")
        if thumb is None:
            d = out.rendered
            thumb = out.extra["thumb"] = png_bytes(d.frame(d.cover_time), THUMB_SIDE)
        return thumb, None

    # ---------------------------------------------------------------- changes

    def watched(self) -> list[Path]:
        """Every folder and file the watcher should watch: the template
        roots, and each session's own (:meth:`RenderSession.watched`)."""
        out: dict[Path, None] = {r: None for r in self.roots if r.is_dir()}
        for s in list(self.sessions.values()):
            for p in s.watched():
                if not any(p == r or r in p.parents for r in out):
                    out[p] = None
        return list(out)

    def changed(self, paths: Iterable[str | Path]) -> list[str]:
        """Take the paths the watcher saw change: find new or removed
        template folders, and pass them to every session.  Returns the names
        of the templates whose renders changed (all of them when the set
        of templates changed), and bumps :attr:`version` when any did."""
        paths = list(paths)
        rescanned = self.scan()
        touched = [n for n, s in list(self.sessions.items()) if s.changed(paths)]
        if rescanned:
            touched = list(self.sessions)
        if touched:
            with self._lock:
                self.version += 1
        return touched


def template_error(name: str) -> TemplateError:
    """The error for a URL naming a template the preview does not have."""
    return TemplateError(f"no template '{name}' in this preview")
