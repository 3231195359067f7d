"""Running tasks on a real dask.distributed LocalCluster of 2 worker processes.

One cluster serves the whole module (it takes about 2 s to start).  The
functions sent to the workers are pickled by value, as they would be for a
worker on another machine that has libmedia installed but not this test file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sys
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'libmedia[dask]')")

import cloudpickle  # noqa: E402  - comes with distributed

from libmedia.errors import DataError, LibmediaError, Location  # noqa: E402
from libmedia.run.bundle import Bundle, make_bundle, materialize  # noqa: E402
from libmedia.run.dask import dask_executor, share  # noqa: E402

cloudpickle.register_pickle_by_value(sys.modules[__name__])

ROOT = Path(__file__).resolve().parents[1]
NEW_BOOK = ROOT / "templates" / "new-book"
KIT = ROOT / "samples" / "libmedia.toml"
FORMAT = "instagram-portrait"


@pytest.fixture(scope="module")
def worker_cache(tmp_path_factory) -> Path:
    """The workers' bundle cache (the workers inherit the variable at start)."""
    folder = tmp_path_factory.mktemp("worker-cache")
    old = os.environ.get("LIBMEDIA_CACHE")
    os.environ["LIBMEDIA_CACHE"] = str(folder)
    yield folder / "bundles"
    if old is None:
        os.environ.pop("LIBMEDIA_CACHE", None)
    else:
        os.environ["LIBMEDIA_CACHE"] = old


@pytest.fixture(scope="module")
def executor(worker_cache):
    with dask_executor("local") as ex:
        yield ex


# --- functions run on the workers -------------------------------------------

def _who(x: int) -> tuple[int, int]:
    time.sleep(0.05)  # long enough that both workers get some
    return os.getpid(), x * x


def _token() -> str:
    return uuid.uuid4().hex


def _fail(row: int) -> None:
    raise DataError("required field 'title' is empty", Location(file="data.csv", row=row, field="title"),
                    hint="fill in the title")


def _materialize_and_report(bundle: Bundle) -> dict:
    template_dir, brand_path = materialize(bundle)
    from libmedia.brand import load_brand
    from libmedia.templating import load_template

    template = load_template(template_dir)
    brand = load_brand(brand_path)
    root = template_dir.parents[1]
    hashes = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in sorted(root.rglob("*")) if p.is_file()}
    return {"pid": os.getpid(), "template_dir": str(template_dir), "brand_path": str(brand_path),
            "template": template.name, "logo": str(brand.logo), "hashes": hashes}


def _render_sample(bundle: Bundle | None, template_dir: Path | None = None,
                   brand_path: Path | None = None) -> tuple[bytes, list[str]]:
    from libmedia.brand import load_brand
    from libmedia.encode import encode_image
    from libmedia.formats import get_format
    from libmedia.render import RenderInput, render, sample_records
    from libmedia.templating import load_template

    if bundle is not None:
        template_dir, brand_path = materialize(bundle)
    template = load_template(template_dir)
    r = render(RenderInput(template, sample_records(template), get_format(FORMAT),
                           load_brand(brand_path), search_dirs=[template.path]))
    return encode_image(r.image), [w.code for w in r.warnings]


# --- tests ------------------------------------------------------------------

def test_functions_run_on_both_workers(executor):
    results = list(executor.map(_who, range(12)))
    assert [sq for _, sq in results] == [x * x for x in range(12)]  # in order
    pids = {pid for pid, _ in results}
    assert os.getpid() not in pids
    assert len(pids) == 2


def test_identical_tasks_are_not_merged(executor):
    """With Dask's default pure=True the second submit would return the
    first's key and result without running again."""
    futures = [executor.submit(_token) for _ in range(4)]
    assert len({f.result(timeout=30) for f in futures}) == 4


def test_an_error_on_a_worker_is_raised_here_with_its_diagnostic(executor):
    future = executor.submit(_fail, 7)
    with pytest.raises(DataError) as info:
        future.result(timeout=30)
    d = info.value.diagnostic
    assert (d.message, d.location.file, d.location.row, d.location.field, d.hint) == (
        "required field 'title' is empty", "data.csv", 7, "title", "fill in the title")


def test_bundle_reaches_workers_without_the_coordinators_paths(executor, worker_cache, tmp_path):
    copy = tmp_path / "job"
    shutil.copytree(NEW_BOOK, copy / "new-book")
    shutil.copy(KIT, copy / "libmedia.toml")
    shutil.copy(ROOT / "samples" / "logo.png", copy / "logo.png")
    bundle = make_bundle(copy / "new-book", copy / "libmedia.toml")
    expected = {path: hashlib.sha256(data).hexdigest() for path, data in bundle.files}
    shutil.rmtree(copy)  # the workers must do without it

    reports = list(executor.map(_materialize_and_report, [bundle] * 6))
    assert len({r["pid"] for r in reports}) == 2
    for r in reports:
        root = worker_cache / bundle.digest
        assert r["template_dir"] == str(root / "template" / "new-book")
        assert r["brand_path"] == str(root / "brand" / "libmedia.toml")
        assert r["logo"] == str(root / "brand" / "logo.png")
        assert r["template"] == "new-book"
        assert r["hashes"] == expected
    assert not any(str(copy) in str(r) for r in reports)


def _digest_and_pid(bundle: Bundle, i: int) -> tuple[str, int, int]:
    assert isinstance(bundle, Bundle)
    materialize(bundle)
    time.sleep(0.05)  # long enough that both workers get some
    return bundle.digest, os.getpid(), i


def test_a_shared_bundle_is_sent_once_and_arrives_as_itself(executor):
    bundle = make_bundle(NEW_BOOK, KIT)
    handle = share(executor, bundle)
    assert handle is not bundle  # a Dask future standing for it
    results = list(executor.map(_digest_and_pid, [handle] * 8, range(8)))
    assert [i for *_, i in results] == list(range(8))
    assert {d for d, _, _ in results} == {bundle.digest}
    assert len({p for _, p, _ in results}) == 2


def test_share_leaves_other_executors_alone():
    from concurrent.futures import ThreadPoolExecutor

    bundle = make_bundle(NEW_BOOK, None)
    with ThreadPoolExecutor(1) as pool:
        assert share(pool, bundle) is bundle


def test_render_on_a_worker_is_byte_identical_to_a_local_one(executor, tmp_path):
    local_png, local_warnings = _render_sample(None, NEW_BOOK, KIT)
    copy = tmp_path / "job"
    shutil.copytree(NEW_BOOK, copy / "new-book")
    shutil.copy(KIT, copy / "libmedia.toml")
    shutil.copy(ROOT / "samples" / "logo.png", copy / "logo.png")
    bundle = make_bundle(copy / "new-book", copy / "libmedia.toml")
    shutil.rmtree(copy)

    results = [executor.submit(_render_sample, bundle) for _ in range(2)]
    for future in results:
        png, warnings = future.result(timeout=120)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        assert png == local_png
        assert warnings == local_warnings


def test_a_scheduler_that_is_not_there_is_named(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    start = time.perf_counter()
    with pytest.raises(LibmediaError, match=f"cannot reach the Dask scheduler at {address}") as info:
        with dask_executor(address, timeout=1):
            pass
    assert time.perf_counter() - start < 15
    assert "dask scheduler" in info.value.hint
    with pytest.raises(LibmediaError, match=f"scheduler at tcp://127.0.0.1:{port}"):
        with dask_executor(f"127.0.0.1:{port}", timeout=1):  # tcp:// is assumed
            pass


def test_an_empty_scheduler_is_refused():
    with pytest.raises(LibmediaError, match="needs a value"):
        with dask_executor("  "):
            pass


def test_missing_dask_gives_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(LibmediaError) as info:
        with dask_executor("local"):
            pass
    assert "pip install 'libmedia[dask]'" in info.value.hint
    assert info.value.code == "dask-missing"


def _pid_then_sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent to reap it is gone too
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False


def test_ctrl_c_closes_the_local_cluster_and_its_workers(worker_cache):
    """A KeyboardInterrupt while a long task runs: the workers are gone soon after."""
    with pytest.raises(KeyboardInterrupt):
        with dask_executor("local") as ex:
            pids = set(ex.map(_pid_then_sleep, [0.2] * 4))
            assert len(pids) == 2
            ex.submit(_pid_then_sleep, 60)
            time.sleep(0.5)
            start = time.perf_counter()
            raise KeyboardInterrupt
    assert time.perf_counter() - start < 10
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def test_a_batch_on_a_local_cluster_equals_the_local_run(tmp_path, worker_cache):
    """``--scheduler local`` (a LocalCluster of 2 workers): the same manifest
    and byte-identical files as the in-process run, covers and brand kit
    (samples/libmedia.toml, with its logo) travelling with the tasks."""
    from libmedia.run.coordinator import run_batch

    root = Path(__file__).resolve().parents[1]
    data = root / "samples" / "koleksi-baru.csv"
    local = run_batch("new-book", data, out_dir=tmp_path / "local", jobs=1)
    dask = run_batch("new-book", data, out_dir=tmp_path / "dask", scheduler="local")
    assert len(local.results) == 22 and dask.jobs == 0

    def files(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.iterdir()) if not p.name.startswith(".")}

    a, b = files(tmp_path / "local"), files(tmp_path / "dask")
    assert len(a) == 22 * 3 + 1  # image, caption and alt text per book, and the manifest
    assert a == b


def test_clips_on_a_local_cluster_equal_the_local_run(tmp_path, worker_cache):
    """A video template's clips go through the same seam: the same bytes of
    MP4, cover and subtitles from Dask workers as from this process."""
    from libmedia.motion.clip import ClipOptions
    from libmedia.run.coordinator import run_batch

    root = Path(__file__).resolve().parents[1]
    data = tmp_path / "d" / "books.csv"
    data.parent.mkdir()
    lines = (root / "samples" / "koleksi-baru.csv").read_text(encoding="utf-8-sig").splitlines()
    data.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")  # three books: one clip
    shutil.copytree(root / "samples" / "covers", data.parent / "covers")
    clip = ClipOptions(draft=True, silent=True)
    local = run_batch("new-books-reel", data, out_dir=tmp_path / "local", jobs=1, clip=clip)
    dask = run_batch("new-books-reel", data, out_dir=tmp_path / "dask", scheduler="local", clip=clip)
    assert len(local.results) == len(dask.results) == 1 and not dask.failed

    def files(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.iterdir()) if p.suffix in (".mp4", ".jpg", ".vtt", ".srt")}

    a = files(tmp_path / "local")
    assert len(a) == 4 and a == files(tmp_path / "dask")
