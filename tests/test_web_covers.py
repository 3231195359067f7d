"""Covers from the web (``--fetch-covers``, libmedia.webcovers).

Every request goes to a local HTTP server on 127.0.0.1 run in a thread
(never the internet); the server counts the requests it gets, so "a rerun
fetches nothing" and "refused before any request" are measured, not assumed.
The cover cache is a temporary folder (``LIBMEDIA_CACHE_DIR``).
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from libmedia import webcovers
from libmedia.brand import load_brand
from libmedia.check import check_data
from libmedia.cli import main
from libmedia.errors import LibmediaError
from libmedia.jobs import open_job
from libmedia.run.coordinator import run_batch
from libmedia.webcovers import CoverSettings, FetchError, fetch

# ---------------------------------------------------------------------------
# the local server


def _png(color=(200, 40, 40), size=(300, 450)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


COVER = _png()
_buf = io.BytesIO()
Image.effect_noise((300, 450), 50).convert("RGB").save(_buf, "JPEG", quality=90)
JPEG = _buf.getvalue()
BLUE = _png((30, 60, 200))
HTML = b"<!doctype html><html><head><title>Buku</title></head><body>not a cover</body></html>"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "image/png",
              length: bool = True, headers: dict | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.split("?")[0]
        self.server.hits[path] += 1
        self.server.hosts.append(self.headers.get("Host", ""))
        if path in ("/cover.png", "/isbn/9780439023481.png", "/sampul%20buku%C3%A9.png"):
            self._send(200, COVER)
        elif path == "/blue.png":
            self._send(200, BLUE)
        elif path == "/jpeg-param":
            self._send(200, COVER, "image/png; charset=binary")
        elif path.startswith("/isbn/") or path == "/missing.jpg":
            self._send(404, b"not found", "text/plain")
        elif path == "/slow":
            time.sleep(3)
            self._send(200, COVER)
        elif path == "/drip":  # each byte in time, the whole far too late
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(COVER)))
            self.end_headers()
            for i in range(40):
                self.wfile.write(COVER[i:i + 1])
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/huge":  # no Content-Length: counted while streaming
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"\0" * 65536)  # 4 MiB in all
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/huge-declared":
            self._send(200, b"", headers={"Content-Length": str(50 * 1024 * 1024)}, length=False)
        elif path == "/page":
            self._send(200, HTML, "text/html; charset=utf-8")
        elif path == "/half.jpg":  # cut off in the middle of the download
            self._send(200, JPEG[: len(JPEG) // 2], "image/jpeg")
        elif path == "/fake.jpg":
            self._send(200, HTML, "image/jpeg")
        elif path == "/to-private":
            self._send(302, b"", headers={"Location": "http://10.1.2.3/cover.png"})
        elif path == "/to-file":
            self._send(302, b"", headers={"Location": "file:///etc/passwd"})
        elif path == "/loop-a":
            self._send(302, b"", headers={"Location": "/loop-b"})
        elif path == "/loop-b":
            self._send(301, b"", headers={"Location": "/loop-a"})
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/cover.png" if n == 0 else f"/hop/{n - 1}"
            self._send(307, b"", headers={"Location": target})
        elif path.startswith("/busy/"):
            self._send(429, b"slow down", "text/plain")
        elif path == "/gone-server-error":
            self._send(503, b"busy", "text/plain")
        else:
            self._send(404, b"", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: Counter[str] = Counter()
        self.hosts: list[str] = []

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up mid-body (too big, time-out) is what the tests do

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture
def server():
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch) -> Path:
    """Every test gets its own cover cache, and no ambient permission."""
    monkeypatch.setenv("LIBMEDIA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LIBMEDIA_ALLOW_PRIVATE_COVERS", raising=False)
    return tmp_path / "cache" / "covers"


def local(**kw) -> CoverSettings:
    """Settings that may reach the test server on 127.0.0.1."""
    return CoverSettings(allow_private=True, **kw)


# ---------------------------------------------------------------------------
# fetch(): one address


def test_served_image_is_cached_and_a_rerun_asks_nothing(server, _cache):
    path = fetch(server.url("/cover.png"), local())
    assert path.parent == _cache and path.suffix == ".png"
    assert path.read_bytes() == COVER
    note = json.loads(path.with_suffix(".json").read_text())
    assert note["status"] == "ok" and note["bytes"] == len(COVER) and note["type"] == "image/png"
    assert fetch(server.url("/cover.png"), local()) == path
    assert server.hits["/cover.png"] == 1
    # no temporary file is left behind
    assert sorted(p.suffix for p in _cache.iterdir()) == [".json", ".png"]


def test_content_type_with_parameters_is_an_image(server):
    assert fetch(server.url("/jpeg-param"), local()).read_bytes() == COVER


@pytest.mark.parametrize("path, code, words", [
    ("/missing.jpg", "cover-not-found", "HTTP 404"),
    ("/page", "cover-not-image", "text/html"),
    ("/fake.jpg", "cover-not-image", "HTML"),
    ("/half.jpg", "cover-not-image", "incomplete JPEG"),
    ("/huge", "cover-too-big", "larger than 1 MB"),
    ("/huge-declared", "cover-too-big", "52.4 MB"),
    ("/loop-a", "cover-redirects", "loop"),
    ("/hop/5", "cover-redirects", "more than 5 redirects"),
    ("/to-file", "cover-bad-address", "not an http or https address"),
    ("/gone-server-error", "cover-fetch-failed", "HTTP 503"),
])
def test_each_failure_is_named(server, path, code, words):
    with pytest.raises(FetchError) as info:
        fetch(server.url(path), local(max_bytes=1_000_000))
    assert info.value.code == code
    assert words in info.value.message, info.value.message
    assert info.value.hint


def test_redirects_are_followed_up_to_the_limit(server):
    assert fetch(server.url("/hop/4"), local())  # 5 redirects.read_bytes() == COVER
    assert server.hits["/cover.png"] == 1


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_slow_server_times_out(server, path):
    """A server that answers late, and one that sends every byte in time
    but the whole too late, both stop at the total time-out."""
    start = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(server.url(path), local(total_timeout=1.0, connect_timeout=1.0))
    assert info.value.code == "cover-timeout"
    assert time.monotonic() - start < 2.5


def test_unreachable_port_is_a_connection_failure():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError) as info:
        fetch(f"http://127.0.0.1:{port}/x.png", local(total_timeout=2))
    assert info.value.code == "cover-fetch-failed"


def test_failure_is_remembered_briefly(server):
    url = server.url("/missing.jpg")
    said = set()
    for _ in range(3):
        with pytest.raises(FetchError) as info:
            fetch(url, local())
        said.add((info.value.code, info.value.message, info.value.hint))
    assert server.hits["/missing.jpg"] == 1
    assert len(said) == 1  # a remembered failure is told in the same words (same manifest)
    with pytest.raises(FetchError) as info:
        fetch(url, local(failure_ttl=0))  # remembered no longer: asked again
    assert server.hits["/missing.jpg"] == 2
    assert info.value.code == "cover-not-found"


def test_private_address_refused_without_the_allow_flag(server, _cache):
    with pytest.raises(FetchError) as info:
        fetch(server.url("/cover.png"), CoverSettings())
    assert info.value.code == "cover-private-address"
    assert "127.0.0.1" in info.value.message and "allow_private" in info.value.hint
    assert server.hits["/cover.png"] == 0
    assert not any(_cache.glob("*.json"))  # a refusal by our own settings is not remembered
    # allowed by the environment (as tests and intranet servers need)
    settings = CoverSettings.from_kit({}, {"LIBMEDIA_ALLOW_PRIVATE_COVERS": "1"})
    assert fetch(server.url("/cover.png"), settings).read_bytes() == COVER


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
    "100.64.0.1", "::1", "fc00::1", "fd12::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1",
])
def test_every_private_or_local_address_is_refused(address):
    import ipaddress

    assert webcovers._refused(ipaddress.ip_address(address))


def test_public_addresses_pass():
    import ipaddress

    for address in ("93.184.216.34", "8.8.8.8", "2606:4700::1111"):
        assert not webcovers._refused(ipaddress.ip_address(address))


def test_redirect_to_a_private_address_is_refused(server, monkeypatch):
    """The first hop (the test server, taken as public here) redirects to
    10.1.2.3: refused before connecting, and nothing is fetched."""
    real = webcovers._refused
    monkeypatch.setattr(webcovers, "_refused", lambda ip: str(ip) != "127.0.0.1" and real(ip))
    with pytest.raises(FetchError) as info:
        fetch(server.url("/to-private"), CoverSettings())
    assert info.value.code == "cover-private-address"
    assert "10.1.2.3" in info.value.message
    assert server.hits["/to-private"] == 1


def test_every_dns_answer_is_checked_and_the_checked_one_is_used(server, monkeypatch):
    """A name resolving to a public and a private address is refused; a name
    resolving to the server only is fetched from that very address, with
    the name in the Host header."""
    port = server.server_address[1]
    real = webcovers._refused
    monkeypatch.setattr(webcovers, "_refused", lambda ip: str(ip) != "127.0.0.1" and real(ip))

    def answers(ips):
        return lambda host, p, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, p))
                                          for ip in ips]

    monkeypatch.setattr(socket, "getaddrinfo", answers(["127.0.0.1", "192.168.0.9"]))
    with pytest.raises(FetchError) as info:
        fetch(f"http://covers.example:{port}/cover.png", CoverSettings())
    assert info.value.code == "cover-private-address" and "192.168.0.9" in info.value.message
    assert server.hits["/cover.png"] == 0
    monkeypatch.setattr(socket, "getaddrinfo", answers(["127.0.0.1"]))
    assert fetch(f"http://covers.example:{port}/cover.png", CoverSettings()).read_bytes() == COVER
    assert server.hosts[-1] == f"covers.example:{port}"


def test_unknown_host_is_named():
    with pytest.raises(FetchError) as info:
        fetch("http://no-such-host.invalid/c.jpg", CoverSettings(total_timeout=5))
    assert info.value.code == "cover-fetch-failed" and "no-such-host.invalid" in info.value.message


def test_cache_folder_follows_the_environment(tmp_path):
    assert webcovers.cache_dir({"LIBMEDIA_CACHE_DIR": str(tmp_path)}) == tmp_path / "covers"
    assert webcovers.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == \
        tmp_path / "libmedia" / "covers"
    assert webcovers.cache_dir({"LIBMEDIA_CACHE": str(tmp_path)}) == tmp_path / "covers"
    assert webcovers.cache_dir({}) == Path.home() / ".cache" / "libmedia" / "covers"


def test_placeholders_and_isbns():
    assert webcovers.is_placeholder(
        "https://s.gr-assets.com/assets/nophoto/book/111x148-bcc042a9c91a29c1d680899eff700a03.png")
    assert not webcovers.is_placeholder("https://images.gr-assets.com/books/1447303603m/2767052.jpg")
    assert webcovers.isbn13("0439023483") == "9780439023481"
    assert webcovers.isbn13("978-0-439-02348-1") == "9780439023481"
    assert webcovers.isbn13("0439023484") is None


# ---------------------------------------------------------------------------
# the brand kit's [covers]


def test_brand_kit_covers_section(tmp_path):
    kit = tmp_path / "libmedia.toml"
    kit.write_text('[covers]\nservice = "https://covers.example/{isbn}.jpg"\n'
                   "allow_private = true\ntimeout = 7\n", encoding="utf-8")
    brand = load_brand(kit)
    assert brand.covers == {"service": "https://covers.example/{isbn}.jpg",
                            "allow_private": True, "timeout": 7.0}
    s = CoverSettings.from_kit(brand.covers, {})
    assert s.service.startswith("https://covers.example/") and s.allow_private
    assert s.total_timeout == 7.0
    assert CoverSettings.from_kit({}, {}).service == webcovers.DEFAULT_SERVICE


@pytest.mark.parametrize("body, key", [
    ('service = "https://covers.example/cover.jpg"', "covers.service"),
    ('service = "ftp://covers.example/{isbn}"', "covers.service"),
    ('allow_private = "yes"', "covers.allow_private"),
    ("timeout = 0", "covers.timeout"),
    ("servise = 1", "covers.servise"),
])
def test_brand_kit_covers_mistakes_are_named(tmp_path, body, key):
    kit = tmp_path / "libmedia.toml"
    kit.write_text(f"[covers]\n{body}\n", encoding="utf-8")
    with pytest.raises(LibmediaError) as info:
        load_brand(kit)
    assert info.value.location.field == key, info.value
    assert info.value.location.line == 2


# ---------------------------------------------------------------------------
# check, batch and render


def _data(folder: Path, server: _Server, kit: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        ("Merah", "", server.url("/cover.png")),
        ("Hilang", "", server.url("/missing.jpg")),
        ("Halaman", "", server.url("/page")),
        ("Cari ISBN", "0439023483", ""),
        ("Tanpa Foto", "0439023483",
         "https://s.gr-assets.com/assets/nophoto/book/111x148-bcc042a9c91a29c1d680899eff700a03.png"),
        ("Tidak Ada", "9786020332956", ""),
    ]
    lines = ["title,author,isbn,image_url"] + [f"{t},Penulis,{i},{u}" for t, i, u in rows]
    path = folder / "data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    service = server.url("/isbn/{isbn}.png")
    (folder / "libmedia.toml").write_text(
        kit if kit is not None else f'[covers]\nservice = "{service}"\nallow_private = true\n',
        encoding="utf-8")
    return path


def _by_title(records) -> dict:
    return {r.fields["title"]: r for r in records}


def _codes(record) -> list[str]:
    return [w.code for w in record.warnings]


def test_without_fetch_nothing_is_asked(server, tmp_path):
    data = _data(tmp_path / "d", server)
    report = check_data("new-book", data)
    assert sum(server.hits.values()) == 0
    found = {(p.location.row, p.code): p for p in report.problems}
    rows = _by_title(open_job("new-book", data, run_preflight=False).records)
    web = found[(rows["Merah"].row, "cover-not-fetched")]
    assert "is a web address" in web.message and "--fetch-covers" in web.hint
    placeholder = found[(rows["Tanpa Foto"].row, "cover-placeholder")]
    assert "'no photo' placeholder" in placeholder.message
    # one finding for the placeholder row, not also "no cover image given"
    assert [c for r, c in found if r == rows["Tanpa Foto"].row] == ["cover-placeholder"]


def test_check_with_fetch_names_each_failure_by_row(server, tmp_path, _cache):
    data = _data(tmp_path / "d", server)
    report = check_data("new-book", data, fetch_covers=True)
    rows = {r.fields["title"]: r.row for r in open_job("new-book", data, run_preflight=False).records}
    by_row: dict[int, list] = {}
    for p in report.problems:
        by_row.setdefault(p.location.row, []).append(p)
    assert rows["Merah"] not in by_row  # fetched: no finding
    assert rows["Cari ISBN"] not in by_row  # found by ISBN
    assert rows["Tanpa Foto"] not in by_row  # placeholder, then found by ISBN
    (missing,) = by_row[rows["Hilang"]]
    assert missing.code == "cover-not-found" and server.url("/missing.jpg") in missing.message
    assert missing.location.field == "cover" and missing.hint
    (page,) = by_row[rows["Halaman"]]
    assert page.code == "cover-not-image" and "text/html" in page.message
    (none,) = by_row[rows["Tidak Ada"]]
    assert none.code == "cover-not-found" and "ISBN 9786020332956" in none.message
    # the ISBN cover is asked once for its two rows
    assert server.hits["/isbn/9780439023481.png"] == 1


def test_batch_fetches_once_and_a_rerun_fetches_nothing(server, tmp_path):
    data = _data(tmp_path / "d", server)
    out = tmp_path / "out"
    first = run_batch("new-book", data, out_dir=out, jobs=1, fetch_covers=True)
    asked = sum(server.hits.values())
    assert asked == 5  # cover, missing, page, two ISBNs (the second row's ISBN is the same)
    assert first.failed == [] and len(first.results) == 6
    check = check_data("new-book", data, fetch_covers=True)
    batch_rows = sorted((w.location.row, w.code) for r in first.results for w in r.warnings
                        if w.code in webcovers.COVER_CODES)
    check_rows = sorted((p.location.row, p.code) for p in check.problems)
    assert batch_rows == check_rows, (batch_rows, check_rows)
    assert sum(server.hits.values()) == asked  # check used the cache
    again = run_batch("new-book", data, out_dir=out, jobs=1, fetch_covers=True, resume=True)
    assert sum(server.hits.values()) == asked
    assert again.reused == 6  # the digests did not change: nothing rendered again


def test_rendered_post_shows_the_fetched_cover(server, tmp_path):
    from libmedia.run.single import render_single

    data = _data(tmp_path / "d", server)
    row = _by_title(open_job("new-book", data, run_preflight=False).records)["Merah"].row
    out = tmp_path / "merah.png"
    rep = render_single("new-book", data, row, output=out, fetch_covers=True)
    assert rep.error is None, rep.error
    assert not [w for w in rep.warnings if "cover" in w.code or w.code == "placeholder"]
    with Image.open(out) as im:
        colors = im.convert("RGB").getcolors(1 << 20)
    red = sum(n for n, (r, g, b) in colors if r > 180 and g < 70 and b < 70)
    assert red > 20_000, red  # the red test cover is on the post
    assert sum(server.hits.values()) == 1  # only this post's cover was fetched


def test_cli_flag_on_batch_render_and_check(server, tmp_path, monkeypatch):
    data = _data(tmp_path / "d", server)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, ["check", "new-book", str(data), "--fetch-covers"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.stdout
    assert "could not be fetched" in res.stdout and "no cover for ISBN" in res.stdout
    res = runner.invoke(main, ["batch", "new-book", str(data), "--out", str(tmp_path / "o"),
                               "--jobs", "1", "--fetch-covers"], catch_exceptions=False)
    assert res.exit_code == 0, res.stdout + res.stderr
    res = runner.invoke(main, ["render", "new-book", str(data), "-o", str(tmp_path / "r.png"),
                               "--fetch-covers"], catch_exceptions=False)
    assert res.exit_code == 0, res.stdout + res.stderr
    assert sum(server.hits.values()) == 5


def test_private_server_needs_the_kit_flag(server, tmp_path):
    data = _data(tmp_path / "d", server, kit=f'[covers]\nservice = "{server.url("/isbn/{isbn}.png")}"\n')
    report = check_data("new-book", data, fetch_covers=True)
    assert sum(server.hits.values()) == 0
    codes = Counter(p.code for p in report.problems)
    assert codes["cover-private-address"] == 6  # 3 addresses and 3 ISBN look-ups, all refused


def test_goodbooks_placeholders_count_as_no_cover(realdata):
    """A real export: every Goodreads "nophoto" address is no cover, every
    other address is left for --fetch-covers; nothing is fetched here."""
    path = realdata / "books" / "goodbooks-10k_books_first2000.csv"
    text = path.read_text(encoding="utf-8")
    placeholders = text.count("/assets/nophoto/book/111x148")
    assert placeholders > 0
    job = open_job("new-book", path, run_preflight=False)
    told = [r for r in job.records if "cover-placeholder" in _codes(r)]
    assert len(told) == placeholders
    assert all(r.fields["cover"] == "" for r in told)
    # without --fetch-covers every other address is left out too, each with its warning
    web = [r for r in job.records if "cover-not-fetched" in _codes(r)]
    assert all(r.fields["cover"] == "" for r in web)
    assert len(web) + len(told) == len(job.records)
    fetching = open_job("new-book", path, run_preflight=False, fetch_covers=True)
    kept = [r for r in fetching.records if webcovers.is_web_address(r.fields.get("cover", ""))]
    assert len(kept) == len(web)  # kept for --fetch-covers to fetch


def test_fetched_cover_is_a_plain_name_that_travels_to_remote_workers(server, tmp_path, _cache):
    """The record names the cached file by a plain name resolved in the cache
    folder (added to the job's image folders), so a task for another
    machine carries the file, and the task's digest covers it."""
    from libmedia.jobs import fetch_job_covers, job_digest, record_files, task_digest

    data = _data(tmp_path / "d", server)
    job = open_job("new-book", data, run_preflight=False, fetch_covers=True)
    rec = _by_title(job.records)["Merah"]
    before = task_digest(job_digest(job), [rec], job.search_dirs)
    summary = fetch_job_covers(job)
    assert (summary.asked, summary.found, summary.failed) == (5, 2, 3)
    name = rec.fields["cover"]
    assert "/" not in name and (_cache / name).read_bytes() == COVER
    assert _cache in job.search_dirs
    assert dict(record_files(job, [rec])) == {name: COVER}
    after = task_digest(job_digest(job), [rec], job.search_dirs)
    assert after != before


def test_address_with_spaces_and_accents_is_encoded(server):
    assert fetch(server.url("/sampul bukué.png"), local()).read_bytes() == COVER


class _CoverTemplate:
    class _F:
        name, type = "cover", "image"

    fields = {"cover": _F()}


def test_a_refusing_service_is_not_hammered(server):
    """After STRIKES refusals in a row (HTTP 429) the run stops asking that
    host; every record still gets its own warning."""
    from libmedia.sources import Record

    records = [Record(row=i + 2, line=i + 2, fields={"title": f"B{i}",
                                                     "cover": server.url(f"/busy/{i}.jpg")})
               for i in range(10)]
    summary = webcovers.fetch_web_covers(_CoverTemplate(), records, local(threads=1))
    assert sum(server.hits.values()) == webcovers.STRIKES == 3
    assert summary.failed == 10
    for rec in records:
        (w,) = rec.warnings
        assert w.code == "cover-fetch-failed" and w.location.row == rec.row
        assert "HTTP 429" in w.message and "run again later" in w.hint
    assert "not asked" in records[-1].warnings[0].message
    # a success in between resets the count: a host that mostly works is asked for all
    server.hits.clear()
    mixed = [Record(row=i, line=i, fields={"cover": server.url(
        f"/busy/x{i}.jpg" if i % 2 else "/cover.png" if i == 0 else "/blue.png")})
        for i in range(6)]
    webcovers.fetch_web_covers(_CoverTemplate(), mixed, local(threads=1, failure_ttl=0))
    assert sum(n for p, n in server.hits.items() if p.startswith("/busy/")) == 3


def test_cover_url_column_fills_an_empty_cover(server, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    data = folder / "data.csv"
    data.write_text(f"title,cover,cover_url\nMerah,,{server.url('/cover.png')}\n"
                    f"Berkas,lokal.jpg,{server.url('/blue.png')}\n", encoding="utf-8")
    (folder / "libmedia.toml").write_text('[covers]\nallow_private = true\nservice = ""\n',
                                          encoding="utf-8")
    job = open_job("new-book", data, run_preflight=False, fetch_covers=True)
    merah, berkas = job.records
    assert merah.fields["cover"] == server.url("/cover.png")
    # a file named in the data wins over the address, and is missing: left out, with its warning
    assert berkas.fields["cover"] == "" and any(
        w.code == "placeholder" and "lokal.jpg" in w.message for w in berkas.warnings)
    report = check_data("new-book", data, fetch_covers=True)
    assert [p.location.row for p in report.problems] == [berkas.row]  # lokal.jpg is missing
    assert server.hits["/cover.png"] == 1 and server.hits["/blue.png"] == 0
