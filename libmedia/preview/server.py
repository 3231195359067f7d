"""The ``libmedia preview`` web server: starlette routes, uvicorn, watchfiles.

The page (``static/``: plain HTML, CSS and JavaScript, no build step) reads
JSON from these routes; the contract, in short (every name in a URL must be
a template or format the preview has; a post is an integer; no URL names a
file, so nothing outside the preview's own page and renders is reachable):

``GET /``, ``/static/app.js``, ``/static/style.css``
    the page.
``GET /api/state``
    version, the template given on the command line, brand kit, data file,
    and every template with its formats (:meth:`Workspace.state`).
``GET /api/posts/{template}?q=``
    the posts one can show: the sample, then the data's (:meth:`Workspace.posts`).
``GET /api/view/{template}/{format}/{post}``
    a render: picture URLs, caption, alt text, counts against the platform's
    limits, diagnostics with their boxes, laid-out boxes, or the error with
    file and line and the last good render (:meth:`Workspace.view`).
``GET /image/{template}/{format}/{post}.png?r=&page=``, ``GET /thumb/{template}/{format}.png``
    pictures.
``GET /events``
    server-sent events: ``change`` when a watched file changed (the page
    fetches again), ``progress`` of a full-size clip render.
``GET /api/video/...``, ``/draft/...mp4``, ``/frame/...png?t=``, ``POST /api/full/...``,
``GET /api/full/{job}``, ``GET /full/{job}.mp4``
    video templates: a low-resolution draft, a frame at a time, scene
    marks, a full-size render on demand (:mod:`libmedia.preview.video`).

Renders run on worker threads (:class:`RenderQueue`), the picture the page
shows large first, then the other formats, then the gallery's; everything
else (the state, the posts, encoded pictures, the watcher's changes) on
starlette's thread pool, so a long render never blocks the page or the
events; the
watcher (:func:`watchfiles.awatch`) groups a burst of saves into one
change.  Only 127.0.0.1 is served unless ``--host`` says otherwise, and
requests naming another host are refused (a web page elsewhere cannot
reach the preview through DNS rebinding).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import heapq
import itertools
import json
import socket
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import LibmediaError, OutputError
from .workspace import Workspace, error_dict

#: The page's files, the only files the server sends (name -> media type).
STATIC = {"index.html": "text/html; charset=utf-8",
          "app.js": "text/javascript; charset=utf-8",
          "style.css": "text/css; charset=utf-8"}

#: Seconds between keep-alive comments on the event stream.
PING_SECONDS = 15.0

#: The watcher waits this many ms of quiet after a change before passing it on
#: (an editor's save is often two or three writes: a temporary file, a rename),
#: and groups changes for at most WATCH_GROUP_MS (a burst of saves: one change).
WATCH_STEP_MS = 100
WATCH_GROUP_MS = 1500

#: Render priorities: the picture the page shows large first, then the other
#: formats of the view, then the gallery's thumbnails.
MAIN, SIDE, THUMB = 0, 1, 2


class RenderQueue:
    """Worker threads that run render calls by priority (lower first, then
    in order of arrival).  :meth:`submit` returns a
    :class:`concurrent.futures.Future`.  Threads are daemons: stopping the
    server never waits for a render."""

    def __init__(self, workers: int = 1, name: str = "libmedia-render") -> None:
        self._heap: list[tuple[int, int, Callable[[], Any], concurrent.futures.Future]] = []
        self._count = itertools.count()
        self._cv = threading.Condition()
        self._stopped = False
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True)
                         for i in range(workers)]
        for t in self._threads:
            t.start()

    def submit(self, priority: int, fn: Callable[[], Any]) -> concurrent.futures.Future:
        fut: concurrent.futures.Future = concurrent.futures.Future()
        with self._cv:
            heapq.heappush(self._heap, (priority, next(self._count), fn, fut))
            self._cv.notify()
        return fut

    def _work(self) -> None:
        while True:
            with self._cv:
                while not self._heap and not self._stopped:
                    self._cv.wait()
                if self._stopped:
                    return
                _, _, fn, fut = heapq.heappop(self._heap)
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn())
            except BaseException as exc:  # handed to the awaiting request
                fut.set_exception(exc)

    def stop(self) -> None:
        """Stop taking work; queued calls are cancelled."""
        with self._cv:
            self._stopped = True
            for _, _, _, fut in self._heap:
                fut.cancel()
            self._heap.clear()
            self._cv.notify_all()


class Broadcaster:
    """Server-sent events to every open page: each subscriber has a queue;
    :meth:`publish` may be called from any thread."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closing = asyncio.Event()

    def subscribe(self) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue()
        self._queues.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue) -> None:
        self._queues.discard(q)

    def publish(self, event: str, data: dict) -> None:
        message = f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"

        def put() -> None:
            for q in list(self._queues):
                q.put_nowait(message)

        if self.loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            put()
        else:
            self.loop.call_soon_threadsafe(put)


class Preview:
    """The preview's state: the :class:`Workspace`, the render queues, the
    event broadcaster and the full-size clip renders."""

    def __init__(self, workspace: Workspace, cache_dir: Path) -> None:
        self.workspace = workspace
        self.cache_dir = cache_dir
        self.images = RenderQueue(1, "libmedia-render")
        self.videos = RenderQueue(1, "libmedia-video")
        self.events = Broadcaster()
        self.full: dict[str, Any] = {}
        self.stopping = threading.Event()
        #: set to make the watcher look at the watched folders again (or stop)
        self.watch_again: asyncio.Event | None = None

    def stop(self) -> None:
        self.stopping.set()
        self.images.stop()
        self.videos.stop()
        for job in list(self.full.values()):
            cancel = getattr(job, "cancel", None)
            if cancel is not None:
                cancel()

    async def run(self, queue: RenderQueue, priority: int, fn: Callable[[], Any]) -> Any:
        return await asyncio.wrap_future(queue.submit(priority, fn))


def create_app(preview: Preview, allowed_hosts: list[str] | None = None):
    """The starlette application serving ``preview``.  ``allowed_hosts``:
    the Host headers accepted (default: 127.0.0.1 and localhost, any port)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    ws = preview.workspace

    def not_found(message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=404)

    def known(name: str, fmt: str | None = None) -> str | None:
        """Why ``name`` (and ``fmt``) cannot be served, or None."""
        if name not in ws.sessions:
            return f"no template '{name}' in this preview"
        if fmt is not None:
            info = ws.template_info(name)
            if fmt not in [f["name"] for f in info["formats"]]:
                return f"template '{name}' does not make format '{fmt}'"
        return None

    def post_of(request: Request) -> int | None:
        raw = str(request.path_params.get("post", ""))
        return int(raw) if raw.isdigit() and len(raw) < 7 else None

    async def page(request: Request) -> Response:
        return static_file("index.html")

    def static_file(name: str) -> Response:
        if name not in STATIC:
            return not_found(f"no file '{name}'")
        data = resources.files("libmedia.preview").joinpath("static", name).read_bytes()
        return Response(data, media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    async def static(request: Request) -> Response:
        return static_file(request.path_params["name"])

    async def state(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(ws.state))

    async def posts(request: Request) -> Response:
        name = request.path_params["template"]
        why = known(name)
        if why:
            return not_found(why)
        q = request.query_params.get("q", "")[:200]
        return JSONResponse(await run_in_threadpool(ws.posts, name, q))

    async def view(request: Request) -> Response:
        name, fmt = request.path_params["template"], request.path_params["format"]
        post = post_of(request)
        why = known(name, fmt) or (None if post is not None else "a post is a number")
        if why:
            return not_found(why)
        if ws.template_info(name)["kind"] == "video":
            return not_found(f"template '{name}' makes clips: its posts are at "
                             f"/api/video/{name}/{fmt}/{post}")
        return await rendered(request, preview.images, ws.view, name, fmt, post)

    async def rendered(request: Request, queue: RenderQueue, make, name: str, fmt: str,
                       post: int) -> Response:
        """``make(name, fmt, post)`` on ``queue`` (``?side=1``: after the
        picture shown large), as JSON; 404 for a post the template lacks."""
        priority = SIDE if request.query_params.get("side") else MAIN
        try:
            data = await preview.run(queue, priority, lambda: make(name, fmt, post))
        except IndexError:
            return not_found(f"template '{name}' has no post {post}")
        return JSONResponse(data)

    async def image(request: Request) -> Response:
        try:
            rid = int(request.query_params.get("r", ""))
            page_no = int(request.query_params.get("page", "0"))
        except ValueError:
            return not_found("r and page are numbers")
        data = await run_in_threadpool(ws.image, rid, page_no)
        if data is None:
            return JSONResponse({"error": "that render is no longer kept: ask for the view again"},
                                status_code=410)
        return Response(data, media_type="image/png",
                        headers={"Cache-Control": "private, max-age=31536000, immutable"})

    async def thumb(request: Request) -> Response:
        name, fmt = request.path_params["template"], request.path_params["format"]
        why = known(name, fmt)
        if why:
            return not_found(why)
        data, error = await preview.run(preview.images, THUMB, lambda: ws.thumbnail(name, fmt))
        if data is None:
            return JSONResponse({"error": error_dict(error) if error else None}, status_code=422)
        return Response(data, media_type="image/png", headers={"Cache-Control": "no-cache"})

    async def events(request: Request) -> Response:
        q = preview.events.subscribe()

        async def stream():
            try:
                yield f"event: hello\ndata: {json.dumps({'version': ws.version})}\n\n"
                while not preview.stopping.is_set():
                    try:
                        message = await asyncio.wait_for(q.get(), timeout=1.0)
                    except TimeoutError:
                        stream.idle += 1
                        if stream.idle >= PING_SECONDS:
                            stream.idle = 0
                            yield ": ping\n\n"
                        if await request.is_disconnected():
                            return
                        continue
                    yield message
            finally:
                preview.events.unsubscribe(q)

        stream.idle = 0  # type: ignore[attr-defined]
        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    def video_known(request: Request) -> str | None:
        name, fmt = request.path_params["template"], request.path_params["format"]
        why = known(name, fmt)
        if why is None and ws.template_info(name)["kind"] != "video":
            why = f"template '{name}' makes images, not clips"
        if why is None and post_of(request) is None:
            why = "a post is a number"
        return why

    async def video(request: Request) -> Response:
        why = video_known(request)
        if why:
            return not_found(why)
        name, fmt, post = (request.path_params["template"], request.path_params["format"],
                           post_of(request))
        return await rendered(request, preview.videos, ws.video, name, fmt, post)

    async def draft(request: Request) -> Response:
        try:
            rid = int(request.query_params.get("r", ""))
        except ValueError:
            return not_found("r is a number")
        d = ws.draft(rid)
        if d is None:
            return JSONResponse({"error": "that draft is no longer kept: ask for the video "
                                          "again"}, status_code=410)
        try:
            data = await preview.run(preview.videos, MAIN, lambda: d.mp4)
        except LibmediaError as exc:
            return JSONResponse({"error": error_dict(exc)}, status_code=422)
        return _ranged(request, data, "video/mp4")

    async def frame(request: Request) -> Response:
        try:
            rid = int(request.query_params.get("r", ""))
            t = float(request.query_params.get("t", "0"))
        except ValueError:
            return not_found("r and t are numbers")
        d = ws.draft(rid)
        if d is None:
            return JSONResponse({"error": "that draft is no longer kept"}, status_code=410)
        try:
            data = await run_in_threadpool(d.frame_png, t)
        except ValueError as exc:
            return not_found(str(exc))
        return Response(data, media_type="image/png",
                        headers={"Cache-Control": "private, max-age=31536000, immutable"})

    async def full_start(request: Request) -> Response:
        if request.headers.get("x-libmedia") != "1":
            # the page sends this header; a form or script on another web site cannot
            # without a CORS pre-flight the preview never answers (no cross-site renders)
            return JSONResponse({"error": "ask from the preview's own page"}, status_code=403)
        why = video_known(request)
        if why:
            return not_found(why)
        name, fmt, post = (request.path_params["template"], request.path_params["format"],
                           post_of(request))

        def publish(status: dict) -> None:
            preview.events.publish("progress", full_status(status))

        running = next((j for j in preview.full.values()
                        if j.key == (name, fmt, post) and j.state == "running"), None)
        if running is not None:  # asked again while it renders: the same render
            return JSONResponse(full_status(running.status()))
        try:
            job = await run_in_threadpool(ws.full_render, name, fmt, post,
                                          preview.cache_dir / "full", publish)
        except LibmediaError as exc:
            return JSONResponse({"error": error_dict(exc)}, status_code=422)
        except IndexError:
            return not_found(f"template '{name}' has no post {post}")
        job.key = (name, fmt, post)
        preview.full[job.job] = job
        return JSONResponse(full_status(job.status()))

    def full_status(status: dict) -> dict:
        error = status.get("error")
        return {"job": status["job"], "state": status["state"], "done": status["done"],
                "total": status["total"], "error": error_dict(error) if error else None,
                "file": f"/full/{status['job']}.mp4" if status["state"] == "done" else None,
                "file_name": status["file_name"]}

    async def full_state(request: Request) -> Response:
        job = preview.full.get(request.path_params["job"])
        if job is None:
            return not_found("no such render")
        return JSONResponse(full_status(job.status()))

    async def full_file(request: Request) -> Response:
        job = preview.full.get(request.path_params["job"])
        if job is None or job.state != "done":
            return not_found("no such finished render")
        data = await run_in_threadpool(job.path.read_bytes)
        return _ranged(request, data, "video/mp4", download=job.file_name)

    routes = [
        Route("/", page),
        Route("/static/{name}", static),
        Route("/api/state", state),
        Route("/api/posts/{template}", posts),
        Route("/api/view/{template}/{format}/{post}", view),
        Route("/image/{template}/{format}/{post}.png", image),
        Route("/thumb/{template}/{format}.png", thumb),
        Route("/events", events),
        Route("/api/video/{template}/{format}/{post}", video),
        Route("/draft/{template}/{format}/{post}.mp4", draft),
        Route("/frame/{template}/{format}/{post}.png", frame),
        Route("/api/full/{template}/{format}/{post}", full_start, methods=["POST"]),
        Route("/api/full/{job}", full_state),
        Route("/full/{job}.mp4", full_file),
    ]
    hosts = allowed_hosts if allowed_hosts is not None else ["127.0.0.1", "localhost", "[::1]"]
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware,
                                                          allowed_hosts=hosts)])
    return app


async def watch(preview: Preview, stop: asyncio.Event) -> None:
    """Watch every file the workspace depends on (:meth:`Workspace.watched`)
    with :func:`watchfiles.awatch`; pass each group of changes to the
    workspace and publish a ``change`` event naming the templates touched.
    The watched folders are looked at again after each change (a brand kit
    or data file that appeared)."""
    import watchfiles
    from starlette.concurrency import run_in_threadpool

    ws = preview.workspace
    while not stop.is_set():
        paths = ws.watched()
        again = asyncio.Event()  # set to look at the watched folders again, or to stop
        preview.watch_again = again
        if stop.is_set():
            break
        async for changes in watchfiles.awatch(*paths, stop_event=again, step=WATCH_STEP_MS,
                                               debounce=WATCH_GROUP_MS, recursive=True):
            changed = sorted({p for _, p in changes})
            touched = await run_in_threadpool(ws.changed, changed)
            if touched:
                preview.events.publish("change", {"version": ws.version, "templates": touched,
                                                  "paths": [_shown(p) for p in changed][:20]})
            if set(ws.watched()) != set(paths):
                again.set()


def _ranged(request, data: bytes, media_type: str, download: str | None = None):
    """``data`` as a response honouring one ``Range: bytes=a-b`` request
    (browsers ask for ranges to seek in a video: RFC 9110, section 14),
    206 with ``Content-Range``; else the whole, 200.  ``download``: the
    file name to save it as (``Content-Disposition: attachment``)."""
    import re

    from starlette.responses import Response

    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=31536000, immutable"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{download}"'
    size = len(data)
    m = re.fullmatch(r"bytes=(\d*)-(\d*)", request.headers.get("range", "").strip())
    if m and (m.group(1) or m.group(2)):
        if m.group(1):
            start = int(m.group(1))
            end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
        else:
            start, end = max(0, size - int(m.group(2))), size - 1
        if start >= size or start > end:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        return Response(data[start:end + 1], status_code=206, media_type=media_type,
                        headers=headers)
    return Response(data, media_type=media_type, headers=headers)


def _shown(p: str) -> str:
    from ..diagnostics import display_path

    return display_path(p)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: a free port).
    Raises :class:`OutputError` saying how to choose another port when it
    is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                          hint="another program (or another preview) uses that port: choose "
                               "one with --port, e.g. --port 8001, or --port 0 for any free one"
                          ) from exc
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(workspace: Workspace, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = True, announce: Callable[[str], None] = print,
          ready: threading.Event | None = None) -> None:
    """Serve ``workspace`` until Ctrl-C (SIGINT) or SIGTERM: bind
    ``host``:``port``, announce the address (``announce("http://...")``),
    open the browser when one exists and ``open_browser``, watch the
    files, and stop cleanly: the watcher ends, open pages are let go,
    renders in flight are abandoned, the private cache folder is removed.
    Raises :class:`OutputError` when the port is taken."""
    import shutil
    import tempfile

    import uvicorn

    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown_host = host if host not in ("0.0.0.0", "::") else socket.gethostname()
    url = f"http://{'[' + shown_host + ']' if ':' in shown_host else shown_host}:{actual}/"
    cache = Path(tempfile.mkdtemp(prefix="libmedia-preview-"))
    preview = Preview(workspace, cache)
    hosts = None if host in ("127.0.0.1", "localhost", "::1") else ["*"]
    app = create_app(preview, hosts)
    stop = asyncio.Event()

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):  # noqa: D401 - uvicorn's hook
            preview.stop()
            super().handle_exit(sig, frame)

        async def startup(self, sockets=None):
            await super().startup(sockets)
            preview.events.loop = asyncio.get_running_loop()
            self._watcher = asyncio.ensure_future(watch(preview, stop))
            announce(url)
            if ready is not None:
                ready.set()
            if open_browser:
                _open_browser(url)

        async def shutdown(self, sockets=None):
            stop.set()
            if preview.watch_again is not None:
                preview.watch_again.set()
            preview.stop()
            watcher = getattr(self, "_watcher", None)
            if watcher is not None:
                watcher.cancel()
            await super().shutdown(sockets)

    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False,
                            timeout_graceful_shutdown=2, ws="none")
    server = Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn raises the Ctrl-C again once it has stopped: stopping is what was asked
    finally:
        preview.stop()
        sock.close()
        shutil.rmtree(cache, ignore_errors=True)


def _open_browser(url: str) -> None:
    """Open ``url`` in the user's browser when this machine has one (none
    on a server without a display: the address printed is enough)."""
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return
    threading.Thread(target=browser.open, args=(url,), daemon=True).start()
