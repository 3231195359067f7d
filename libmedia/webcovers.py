"""Covers from the web, fetched only when asked (``--fetch-covers``).

A record's cover may be a web address: a ``cover`` value starting with
``http://`` or ``https://``, or (when ``cover`` is empty) a ``cover_url`` or
``image_url`` field a reader kept.  With ``--fetch-covers`` such a cover is
downloaded, and a book without any cover is looked up by its ISBN through a
cover service (:data:`DEFAULT_SERVICE`, Open Library's Covers API; a 404
means it has none).  Without ``--fetch-covers`` nothing is downloaded: a web
address gets the typographic stand-in and a warning saying ``--fetch-covers``
would fetch it (:func:`libmedia.assets.resolve_image_path`).

Two steps, both run in the parent process before any rendering, so
``check``, ``render`` and ``batch`` see the same covers and a batch's task
digest covers the downloaded file:

* :func:`prepare_web_covers` (always, from :func:`libmedia.jobs.open_job`):
  a ``cover_url``/``image_url`` address moves into the empty ``cover``
  field; a known "no photo" placeholder address (Goodreads'
  ``/assets/nophoto/``, a third of the goodbooks-10k covers) counts as no
  cover, with a warning;
* :func:`fetch_web_covers` (with ``--fetch-covers``): every distinct address
  of the records fetched by a small thread pool (:func:`fetch`); the cover
  field then names the cached file, which the ordinary image loader opens
  from the cache folder (added to the job's image folders).
  Each failure (time-out, 404, not an image, too big, private address,
  redirect loop...) becomes that record's warning with the address and a
  hint, the field is emptied so the stand-in cover is drawn, and the batch
  goes on.  A host that times out or refuses :data:`STRIKES` times in a
  row (HTTP 403, 429, 5xx: Open Library allows 100 look-ups by ISBN per
  computer every 5 minutes, per its 2011 "Coverstore Improvements" note) is
  not asked again during the run; its remaining addresses get a "not
  asked" warning.  Proxies (``HTTP_PROXY``) are not used; name resolution
  has the system resolver's own time-out.

Safety (:func:`fetch`): only ``http``/``https``; at most
:data:`MAX_REDIRECTS` redirects, each checked like the first address; the
host name is resolved once, every address it resolves to is checked, and the
connection goes to a checked address (so a DNS answer that changes between
the check and the connection cannot reach another host); private, loopback,
link-local, unique-local, multicast, reserved and unspecified addresses
(127/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10, 0.0.0.0, ::1,
fc00::/7, fe80::/10 and IPv4-mapped forms; :mod:`ipaddress`'s ``is_global``)
are refused unless allowed (brand kit ``[covers] allow_private = true``, or
the environment variable ``LIBMEDIA_ALLOW_PRIVATE_COVERS=1``); a connect
time-out and a total time-out; a size limit counted while the body streams
(``Content-Length`` is only used to refuse early); a ``Content-Type`` of
``image/*``; and Pillow must open the file (:func:`libmedia.assets.load_image`).

Cache: :func:`cache_dir` (``$LIBMEDIA_CACHE_DIR/covers`` or ``$LIBMEDIA_CACHE/covers``, else
``$XDG_CACHE_HOME/libmedia/covers``, else ``~/.cache/libmedia/covers``),
one entry per address (sha256 of the URL): the image and a JSON note, each
written to a temporary file and renamed into place, so a reader never sees
half a file.  A fetched cover is used on every later run without a request;
a failure is remembered for :data:`FAILURE_TTL` seconds, so a rerun of a
1,000-book batch against a dead service does not ask again at once.  Delete
the folder to fetch everything again.

The brand kit's ``[covers]`` section (:func:`libmedia.brand.load_brand`)
sets ``service`` (a URL with ``{isbn}``, replaced by the ISBN-13 digits; ""
for no ISBN look-up), ``allow_private`` and ``timeout`` (total seconds).
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import json
import os
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from . import __version__
from .errors import Diagnostic, ImageError, Location

__all__ = [
    "DEFAULT_SERVICE",
    "CoverSettings",
    "FetchError",
    "cache_dir",
    "fetch",
    "fetch_web_covers",
    "is_placeholder",
    "is_web_address",
    "prepare_web_covers",
    "told_about_cover",
]

#: Open Library's Covers API (https://openlibrary.org/dev/docs/api/covers):
#: ``-L`` the large size; ``default=false`` answers 404 for a book without a
#: cover instead of a blank image.
DEFAULT_SERVICE = "https://covers.openlibrary.org/b/isbn/{isbn}-L.jpg?default=false"
#: Largest body accepted, in bytes (counted while reading).
MAX_BYTES = 15 * 1024 * 1024
#: Seconds to open the TCP (and TLS) connection.
CONNECT_TIMEOUT = 5.0
#: Seconds for one address from the first connection to the last byte,
#: redirects included.
TOTAL_TIMEOUT = 20.0
#: Redirects followed (HTTP 301, 302, 303, 307, 308) before giving up.
MAX_REDIRECTS = 5
#: Seconds a failed fetch is remembered before it is tried again.
FAILURE_TTL = 3600.0
#: Downloads at a time.
THREADS = 4
#: Server troubles in a row (time-outs, refusals, HTTP 429/5xx) after which
#: a run stops asking that host: a dead or rate-limiting service is not hammered.
STRIKES = 3
#: Fields a reader may keep a cover address in besides ``cover``.
URL_FIELDS = ("cover_url", "image_url")
#: Environment variables: the cache folder's parent, and allowing private addresses.
ENV_CACHE = "LIBMEDIA_CACHE_DIR"  # (``LIBMEDIA_CACHE``, the remote workers' cache, is also read)
ENV_ALLOW_PRIVATE = "LIBMEDIA_ALLOW_PRIVATE_COVERS"
#: Path fragments of known "no photo" placeholder images (they are no cover).
PLACEHOLDER_PATHS = ("/assets/nophoto/",)

#: Warning codes this module gives a record's cover field; a render or
#: ``check`` does not add its own "no cover image given" beside one of them.
COVER_CODES = frozenset({
    "cover-placeholder", "cover-not-found", "cover-timeout", "cover-too-big", "cover-not-image",
    "cover-private-address", "cover-redirects", "cover-fetch-failed", "cover-bad-address",
    "cover-not-fetched", "placeholder",
})

_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
_INSTEAD = ": a typographic cover is drawn instead"


# ---------------------------------------------------------------------------
# settings


@dataclass(frozen=True)
class CoverSettings:
    """How covers are fetched.

    ``service``          URL pattern with ``{isbn}`` (ISBN-13 digits) for books
                         without a cover; "" for no ISBN look-up;
    ``allow_private``    fetch from private and local addresses too (tests, an
                         intranet cover server);
    ``connect_timeout``  seconds to connect; ``total_timeout`` seconds per
                         address from connecting to the last byte;
    ``max_bytes``        largest body in bytes; ``max_redirects``;
    ``failure_ttl``      seconds a failure is remembered;
    ``cache``            the cache folder (None: :func:`cache_dir`);
    ``threads``          downloads at a time.
    """

    service: str = DEFAULT_SERVICE
    allow_private: bool = False
    connect_timeout: float = CONNECT_TIMEOUT
    total_timeout: float = TOTAL_TIMEOUT
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    failure_ttl: float = FAILURE_TTL
    cache: Path | None = None
    threads: int = THREADS

    @classmethod
    def from_kit(cls, covers: Mapping[str, object] | None = None,
                 environ: Mapping[str, str] | None = None) -> CoverSettings:
        """Settings from a brand kit's validated ``[covers]`` table (keys
        ``service``, ``allow_private``, ``timeout``) and the environment
        (``LIBMEDIA_ALLOW_PRIVATE_COVERS=1`` allows private addresses)."""
        covers = covers or {}
        env = os.environ if environ is None else environ
        allow = bool(covers.get("allow_private", False)) or \
            env.get(ENV_ALLOW_PRIVATE, "").strip().lower() in ("1", "true", "yes")
        service = covers.get("service", DEFAULT_SERVICE)
        total = covers.get("timeout", TOTAL_TIMEOUT)
        return cls(service=str(service or ""), allow_private=allow,
                   connect_timeout=min(CONNECT_TIMEOUT, float(total)),  # type: ignore[arg-type]
                   total_timeout=float(total))  # type: ignore[arg-type]

    @property
    def folder(self) -> Path:
        """The cache folder used."""
        return Path(self.cache) if self.cache is not None else cache_dir()


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The per-user cover cache: ``$LIBMEDIA_CACHE_DIR/covers``, else
    ``$LIBMEDIA_CACHE/covers`` (the variable the remote workers' file cache,
    :func:`libmedia.run.task.materialize_files`, reads), else
    ``$XDG_CACHE_HOME/libmedia/covers`` (XDG Base Directory Specification),
    else ``%LOCALAPPDATA%\\libmedia\\covers`` on Windows, else
    ``~/.cache/libmedia/covers``.  Not created here."""
    env = os.environ if environ is None else environ
    for name in (ENV_CACHE, "LIBMEDIA_CACHE"):
        if env.get(name):
            return Path(env[name]).expanduser() / "covers"
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]).expanduser() / "libmedia" / "covers"
    if os.name == "nt" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "libmedia" / "covers"
    return Path.home() / ".cache" / "libmedia" / "covers"


# ---------------------------------------------------------------------------
# addresses


def is_web_address(text: str) -> bool:
    """True for a value starting with ``http://`` or ``https://`` (any case)."""
    return str(text).strip().lower().startswith(("http://", "https://"))


def is_placeholder(url: str) -> bool:
    """True for a known "no photo" picture (:data:`PLACEHOLDER_PATHS`, e.g.
    Goodreads' ``https://s.gr-assets.com/assets/nophoto/book/111x148-….png``)."""
    path = urlsplit(str(url).strip()).path.lower()
    return any(p in path for p in PLACEHOLDER_PATHS)


def isbn13(value: str) -> str | None:
    """The ISBN-13 digits of the first valid ISBN in ``value`` (ISO 2108
    check digit, via python-stdnum), or None."""
    from stdnum import isbn as std_isbn

    for part in str(value).replace(";", " ").replace(",", " ").split():
        if std_isbn.is_valid(part):
            return std_isbn.to_isbn13(std_isbn.compact(part))
    return None


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    return not ip.is_global or ip.is_multicast


# ---------------------------------------------------------------------------
# fetching


class FetchError(Exception):
    """One address could not be fetched.  ``code`` one of
    :data:`COVER_CODES`; ``message`` says what happened (without the
    address); ``hint`` what to do; ``remember`` whether the failure is
    cached (a refusal by this machine's own settings is not); ``server``
    True when the server itself is in trouble or refuses us (time-out, no
    connection, unknown host, HTTP 403, 429 or 5xx) rather than this one
    address being wrong: :data:`STRIKES` of those in a row stop the run
    asking that host."""

    def __init__(self, code: str, message: str, hint: str, remember: bool = True,
                 server: bool = False):
        super().__init__(message)
        self.code, self.message, self.hint, self.remember = code, message, hint, remember
        self.server = server


def _timeout_error(s: CoverSettings) -> FetchError:
    return FetchError("cover-timeout", f"no complete answer within {s.total_timeout:g} s",
                      "the server is slow or down: try again later, or download the cover "
                      "yourself and put its file name in the data", server=True)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``host`` that connects to the checked ``ip``."""

    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to ``host`` (certificate checked for ``host``)
    that connects to the checked ``ip``."""

    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _addresses(host: str, port: int, s: CoverSettings) -> list[str]:
    """Every address ``host`` resolves to, all checked; raises FetchError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("cover-fetch-failed", f"the host name '{host}' cannot be found ({exc})",
                         "check the address for typos, and that this computer is online",
                         server=True) from None
    ips = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not s.allow_private:
        bad = [ip for ip in ips if _refused(ipaddress.ip_address(ip.split("%")[0]))]
        if bad:
            raise FetchError("cover-private-address",
                             f"'{host}' is a private or local address ({', '.join(bad)}): "
                             "libmedia does not fetch from this computer or its network",
                             "put the cover's file name in the data instead; for a cover server "
                             "on your own network set allow_private = true under [covers] in "
                             "the brand kit", remember=False)
    return ips


def _download(url: str, s: CoverSettings) -> tuple[bytes, str, str]:
    """GET ``url`` following redirects; returns (body, content type, final URL).
    Raises :class:`FetchError`."""
    deadline = time.monotonic() + s.total_timeout
    seen = [url]
    current = url
    for _hop in range(s.max_redirects + 1):
        parts = urlsplit(current)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError("cover-bad-address", f"'{current}' is not an http or https address",
                             "give the cover as an http(s) address or a file name")
        try:
            host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            host = None
        try:  # a host name in another script is asked for in its IDNA (punycode) form
            host = host.encode("idna").decode("ascii") if host else None
        except UnicodeError:
            host = None
        if not host:
            raise FetchError("cover-bad-address", f"'{current}' names no valid host",
                             "check the address in the data")
        ips = _addresses(host, port, s)
        # spaces, non-ASCII letters and control characters are percent-encoded (RFC 3986)
        target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~-._") + \
            (f"?{quote(parts.query, safe='/%:@!$&()*+,;=?~-._')}" if parts.query else "")
        conn = None
        last: Exception = OSError("no address")
        for ip in ips:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _timeout_error(s)
            cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
            conn = cls(host, port, ip, min(s.connect_timeout, left))
            try:
                conn.connect()
                break
            except TimeoutError:
                conn.close()
                conn = None
                last = _timeout_error(s)
            except (OSError, ssl.SSLError) as exc:
                conn.close()
                conn = None
                last = exc
        if conn is None:
            if isinstance(last, FetchError):
                raise last
            raise FetchError("cover-fetch-failed", f"cannot connect to '{host}' ({last})",
                             "check that this computer is online and the address is right; "
                             "try again later", server=True)
        try:
            status, headers, body = _exchange(conn, host, target, deadline, s)
        finally:
            conn.close()
        if status in _REDIRECTS:
            location = headers.get("location", "")
            if not location:
                raise FetchError("cover-fetch-failed", f"HTTP {status} redirect without a "
                                 "Location", "ask the site's owner, or download the cover yourself")
            nxt = urljoin(current, location.strip())
            if nxt in seen:
                raise FetchError("cover-redirects", "the address redirects in a loop "
                                 f"({' -> '.join([*seen[seen.index(nxt):], nxt])})",
                                 "the site is misconfigured: download the cover yourself and "
                                 "put its file name in the data")
            seen.append(nxt)
            current = nxt
            continue
        if status in (404, 410):
            raise FetchError("cover-not-found", f"the server has no such image (HTTP {status})",
                             "check the address in the data, or leave the cover out")
        if status in (403, 429):
            raise FetchError("cover-fetch-failed", f"the server refused (HTTP {status}"
                             + (": too many requests" if status == 429 else ": forbidden") + ")",
                             "cover services limit how many covers one computer may ask for "
                             "(Open Library: 100 by ISBN every 5 minutes); run again later: "
                             "covers already fetched are kept, so each run gets further",
                             server=True)
        if status != 200:
            raise FetchError("cover-fetch-failed", f"the server answered HTTP {status}",
                             "try again later, or download the cover yourself",
                             server=status >= 500)
        return body, headers.get("content-type", ""), current
    raise FetchError("cover-redirects", f"more than {s.max_redirects} redirects",
                     "download the cover yourself and put its file name in the data")


def _exchange(conn: http.client.HTTPConnection, host: str, target: str, deadline: float,
              s: CoverSettings) -> tuple[int, dict[str, str], bytes]:
    """Send one GET and read the answer within ``deadline``; the body only
    for a 200 with an ``image/*`` type, at most ``s.max_bytes``."""
    def left() -> float:
        rest = deadline - time.monotonic()
        if rest <= 0:
            raise _timeout_error(s)
        return rest

    resp = None
    try:
        sock = conn.sock  # kept: the connection lets go of it once the answer is read
        sock.settimeout(left())  # type: ignore[union-attr]
        conn.request("GET", target, headers={
            "User-Agent": f"libmedia/{__version__} (cover fetch)", "Accept": "image/*",
            "Accept-Encoding": "identity"})
        resp = conn.getresponse()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        if resp.status != 200:
            return resp.status, headers, b""
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if not ctype.startswith("image/"):
            raise FetchError("cover-not-image",
                             f"the server sent {ctype or 'something without a type'}, not an image",
                             "the address is probably a web page about the book: use the "
                             "address of the picture itself (right-click it, 'Copy image address')")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > s.max_bytes:
            raise _too_big(int(declared), s)
        chunks, size = [], 0
        while True:
            sock.settimeout(left())  # type: ignore[union-attr]
            chunk = resp.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > s.max_bytes:
                raise _too_big(None, s)
            chunks.append(chunk)
            left()
        return resp.status, headers, b"".join(chunks)
    except TimeoutError:
        raise _timeout_error(s) from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError("cover-fetch-failed", f"the connection to '{host}' failed "
                         f"({type(exc).__name__}: {exc})",
                         "try again later, or download the cover yourself", server=True) from None
    finally:
        if resp is not None:
            resp.close()


def _too_big(size: int | None, s: CoverSettings) -> FetchError:
    mb = s.max_bytes / 1e6
    said = f" ({size / 1e6:.1f} MB)" if size is not None else ""
    return FetchError("cover-too-big", f"the image is larger than {mb:g} MB{said}",
                      "use the address of a smaller version of the cover, or save a smaller "
                      "copy yourself and put its file name in the data")


def _key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _verify(body: bytes, folder: Path, key: str) -> str:
    """Check with Pillow (through :func:`libmedia.assets.load_image`) that
    ``body`` is an image it can draw; returns the file extension for its
    format.  Raises FetchError."""
    from .assets import load_image

    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{key}.", suffix=".check")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        try:
            loaded = load_image(tmp, target_size=(64, 64))  # JPEG: decoded at 1/8 (DCT scaling)
        except ImageError as exc:
            what = exc.message.replace(Path(tmp).name, "the file")
            raise FetchError("cover-not-image", f"the download is not an image libmedia can "
                             f"read ({what})", "use the address of the picture itself, "
                             "or download the cover yourself") from None
        from PIL import Image

        with Image.open(loaded.path) as im:
            fmt = (im.format or "img").lower()
    finally:
        Path(tmp).unlink(missing_ok=True)
    return {"jpeg": "jpg", "tiff": "tif"}.get(fmt, fmt)


def _remembered(folder: Path, key: str, s: CoverSettings) -> Path | None:
    """The cached image for ``key``, None when not cached; raises the
    remembered FetchError while it is fresh."""
    try:
        note = json.loads((folder / f"{key}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if note.get("status") == "ok":
        path = folder / str(note.get("file", ""))
        return path if path.is_file() and path.parent == folder else None
    if note.get("status") == "failed":
        age = time.time() - float(note.get("at", 0))
        if 0 <= age < s.failure_ttl:
            # the same words as when it happened: a rerun's report and manifest do not change
            raise FetchError(str(note.get("code", "cover-fetch-failed")),
                             str(note.get("message", "failed")), str(note.get("hint", "")),
                             server=bool(note.get("server", False)))
    return None


def fetch(url: str, settings: CoverSettings | None = None) -> Path:
    """The cached image file for ``url``, downloaded first when needed.

    A cached image is returned without any request; a failure remembered
    less than ``failure_ttl`` seconds ago is raised again, in the same
    words, without any request.  Otherwise the address is fetched (see the module's rules),
    checked with Pillow, and written to the cache atomically with a JSON
    note (``url``, ``final_url``, ``type``, ``bytes``, ``sha256``, ``at``).

    Raises :class:`FetchError` (code, message, hint) for every failure.
    """
    s = settings or CoverSettings()
    url = str(url).strip()
    folder = s.folder
    folder.mkdir(parents=True, exist_ok=True)
    key = _key(url)
    cached = _remembered(folder, key, s)
    if cached is not None:
        return cached
    try:
        body, ctype, final = _download(url, s)
        ext = _verify(body, folder, key)
    except FetchError as exc:
        if exc.remember:
            note = {"status": "failed", "url": url, "code": exc.code, "message": exc.message,
                    "hint": exc.hint, "server": exc.server, "at": time.time()}
            _write_atomic(folder / f"{key}.json", json.dumps(note).encode("utf-8"))
        raise
    path = folder / f"{key}.{ext}"
    _write_atomic(path, body)
    note = {"status": "ok", "url": url, "final_url": final, "type": ctype, "file": path.name,
            "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest(), "at": time.time()}
    _write_atomic(folder / f"{key}.json", json.dumps(note).encode("utf-8"))
    return path


# ---------------------------------------------------------------------------
# records


def told_about_cover(record, field_name: str | None) -> bool:
    """True when ``record`` already has a warning of this module about its
    image field ``field_name`` (so no second "no cover image given")."""
    return record is not None and any(
        w.code in COVER_CODES and w.location.field == (field_name or "cover")
        for w in getattr(record, "warnings", ()))


def _image_fields(template) -> list[str]:
    return [f.name for f in template.fields.values() if f.type == "image"]


def prepare_web_covers(template, records: Iterable, source: str | None = None,
                       fetching: bool = False) -> None:
    """Ready the records' web covers, downloading nothing (run for every job).

    For each image field of ``template`` (a template without one is left
    alone): an empty ``cover`` takes a ``cover_url``/``image_url`` web
    address the reader kept; a known "no photo" placeholder address
    (:func:`is_placeholder`) is emptied with a ``cover-placeholder`` warning
    (the stand-in is drawn; with ``--fetch-covers`` the ISBN look-up may
    still find the cover).  Unless ``fetching`` (``--fetch-covers``), any
    other web address is emptied too, with a ``cover-not-fetched`` warning
    saying the option would fetch it: the post is made as for a record
    without a picture (a stand-in cover, an event's typographic poster), in
    ``check`` and ``batch`` alike.  Records are changed in place."""
    names = _image_fields(template)
    if not names:
        return
    for rec in records:
        for name in names:
            value = str(rec.fields.get(name, "") or "").strip()
            if not value and name == "cover":
                value = next((str(rec.fields[f]).strip() for f in URL_FIELDS
                              if is_web_address(str(rec.fields.get(f, "") or ""))), "")
                if value:
                    rec.fields[name] = value
            if value and is_web_address(value) and is_placeholder(value):
                rec.fields[name] = ""
                rec.warnings.append(Diagnostic.warning(
                    f"the cover address {value} is a 'no photo' placeholder, not a cover"
                    + _INSTEAD, Location(file=source, row=rec.row or None, field=name),
                    "cover-placeholder",
                    hint="put the cover's file name or address in the data, or run with "
                         "--fetch-covers to look the cover up by ISBN"))
            elif value and is_web_address(value) and not fetching:
                rec.fields[name] = ""
                rec.warnings.append(Diagnostic.warning(
                    f"the picture '{value}' is a web address, and nothing is downloaded without "
                    f"--fetch-covers{_INSTEAD if name == 'cover' else ''}",
                    Location(file=source, row=rec.row or None, field=name),
                    "cover-not-fetched",
                    hint="run with --fetch-covers to fetch it (kept in a cache, so later runs "
                         "fetch nothing), or download it next to the data file and put its file "
                         "name in the data"))


@dataclass
class FetchSummary:
    """What :func:`fetch_web_covers` did: distinct addresses ``asked``,
    ``found`` (fetched now or from the cache), ``failed``; ``seconds``."""

    asked: int = 0
    found: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: dict[str, FetchError] = field(default_factory=dict)


def _service_url(pattern: str, isbn: str) -> str:
    return pattern.replace("{isbn}", isbn)


def fetch_web_covers(template, records: Sequence, settings: CoverSettings,
                     source: str | None = None,
                     progress: Callable[[int, int, int], None] | None = None) -> FetchSummary:
    """Fetch the web covers of ``records`` (``--fetch-covers``), in place.

    Wanted: each image field holding a web address, and an empty ``cover``
    of a record with a valid ISBN when ``settings.service`` is set.  Every
    distinct address is fetched once (:func:`fetch`), ``settings.threads``
    at a time; ``progress(done, total, failed)`` is called after each.
    A cover found replaces the field's value with the cached file's name
    (``<sha256 of the URL>.jpg``, a plain name that resolves in
    ``settings.folder``, which the caller adds to its image folders; as a
    plain relative name it also travels to remote workers with
    :func:`libmedia.jobs.record_files`) and drops a ``cover-placeholder``
    warning; a failure empties the field
    and adds a warning (code of :data:`COVER_CODES`, the address, a hint)
    at the record's row of ``source``.  Never raises for a network problem.
    """
    names = _image_fields(template)
    wanted: list[tuple[object, str, str, str | None]] = []  # record, field, url, isbn
    for rec in records:
        for name in names:
            value = str(rec.fields.get(name, "") or "").strip()
            if is_web_address(value):
                wanted.append((rec, name, value, None))
            elif not value and name == "cover" and settings.service:
                number = isbn13(rec.fields.get("isbn", ""))
                if number:
                    wanted.append((rec, name, _service_url(settings.service, number), number))
    urls = list(dict.fromkeys(url for _r, _n, url, _i in wanted))
    summary = FetchSummary(asked=len(urls))
    if not urls:
        return summary
    start = time.monotonic()
    found: dict[str, Path | FetchError] = {}

    lock = threading.Lock()
    strikes: dict[str, int] = {}  # host -> server troubles in a row
    stopped: dict[str, FetchError] = {}  # host -> the trouble that stopped it

    def one(url: str) -> tuple[str, Path | FetchError]:
        host = (urlsplit(url).hostname or "").lower()
        with lock:
            last = stopped.get(host)
        if last is not None:
            return url, FetchError(last.code, f"not asked: {host} failed {STRIKES} times in a row "
                                   f"just before ({last.message})", last.hint, remember=False)
        try:
            result: Path | FetchError = fetch(url, settings)
        except FetchError as exc:
            result = exc
        except Exception as exc:  # noqa: BLE001 - one odd address must not stop the others
            result = FetchError("cover-fetch-failed", f"unexpected error ({type(exc).__name__}: "
                                f"{exc})", "check the address; if it looks right, report this "
                                "as a bug in libmedia")
        with lock:
            if isinstance(result, FetchError) and result.server:
                strikes[host] = strikes.get(host, 0) + 1
                if strikes[host] >= STRIKES:
                    stopped.setdefault(host, result)
            else:
                strikes[host] = 0
        return url, result

    with ThreadPoolExecutor(max_workers=max(1, min(settings.threads, len(urls)))) as pool:
        for url, result in pool.map(one, urls):
            found[url] = result
            if isinstance(result, FetchError):
                summary.failed += 1
                summary.errors[url] = result
            else:
                summary.found += 1
            if progress is not None:
                progress(summary.found + summary.failed, len(urls), summary.failed)
    summary.seconds = time.monotonic() - start
    for rec, name, url, number in wanted:
        result = found[url]
        where = Location(file=source, row=rec.row or None, field=name)  # type: ignore[attr-defined]
        if isinstance(result, Path):
            rec.fields[name] = result.name  # type: ignore[attr-defined]
            rec.warnings[:] = [w for w in rec.warnings  # type: ignore[attr-defined]
                               if not (w.code == "cover-placeholder" and w.location.field == name)]
            continue
        rec.fields[name] = ""  # type: ignore[attr-defined]
        rec.warnings[:] = [w for w in rec.warnings  # type: ignore[attr-defined]
                           if not (w.code == "cover-placeholder" and w.location.field == name)]
        if number is not None:
            host = urlsplit(url).hostname or url
            if result.code == "cover-not-found":
                message = f"no cover for ISBN {number} at {host} ({url})"
                hint = "put the cover's file name in the data, or leave it out"
            else:
                message = f"the cover of ISBN {number} could not be fetched from {url}: " \
                          f"{result.message}"
                hint = result.hint
        else:
            message = f"the cover {url} could not be fetched: {result.message}"
            hint = result.hint
        rec.warnings.append(Diagnostic.warning(message + _INSTEAD, where, result.code,  # type: ignore[attr-defined]
                                               hint=hint))
    return summary
