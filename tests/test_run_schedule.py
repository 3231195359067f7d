"""A run that loses nothing (:mod:`libmedia.run.schedule`,
:mod:`libmedia.run.outputs`, :mod:`libmedia.run.coordinator`): a worker
killed mid-run, Ctrl-C, the main process killed, a full disk, a read-only
folder, two runs at once, leftover temporary files, ``--resume``."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_jobs import write_csv

from libmedia.run import schedule
from libmedia.run.coordinator import run_batch
from libmedia.run.outputs import LOCK, manifest_outputs, read_manifest
from libmedia.run.task import render_task

ROOT = Path(__file__).resolve().parents[1]


def crash_on_row_3(task):
    """Runs in a worker: the post of row 3 kills its own process (as the
    kernel's out-of-memory killer would)."""
    if task.row == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return render_task(task)


def on_disk(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.is_file() and p.name not in ("manifest.json", LOCK)}


def test_a_dead_worker_fails_only_its_post_and_keeps_its_previous_files(tmp_path, monkeypatch):
    data = write_csv(tmp_path / "d" / "books.csv", 8)
    out = tmp_path / "out"
    first = run_batch("new-book", data, out_dir=out, jobs=1)
    assert first.count("failed") == 0
    previous = (out / "0003-buku-2.instagram-portrait.png").read_bytes()
    monkeypatch.setattr(schedule, "run_tasks",
                        functools.partial(schedule.run_tasks, fn=crash_on_row_3))
    rep = run_batch("new-book", data, out_dir=out, jobs=2)
    assert [(r.row, r.status) for r in rep.results if r.status == "failed"] == [(3, "failed")]
    assert len(rep.results) == 8 and rep.count("warning") == 7
    err = rep.failed[0].error
    assert err["code"] == "worker-died" and "--resume" in err["hint"]
    # the previous run's post of row 3 is kept, and still listed
    assert (out / "0003-buku-2.instagram-portrait.png").read_bytes() == previous
    assert rep.removed == []
    assert manifest_outputs(read_manifest(out)) == on_disk(out)


def test_run_tasks_on_any_executor_gives_the_same_results(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from libmedia.jobs import open_job, plan

    tasks = plan(open_job("new-book", write_csv(tmp_path / "d" / "b.csv", 4)))
    got: dict[str, list] = {"inproc": [], "pool": [], "threads": []}
    schedule.run_tasks(tasks, got["inproc"].append, jobs=1)
    schedule.run_tasks(tasks, got["pool"].append, jobs=2)
    with ThreadPoolExecutor(2) as ex:
        schedule.run_tasks(tasks, got["threads"].append, executor=ex)

    def key(results):
        return sorted((r.index, [(a.name, a.data) for a in r.artifacts]) for r in results)

    assert key(got["inproc"]) == key(got["pool"]) == key(got["threads"])
    assert len(got["pool"]) == 4


# --- the command line, in a process of its own ----------------------------------------


def start_cli(*args, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LIBMEDIA_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "libmedia", *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)


def wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def pngs(out: Path) -> int:
    return len(list(out.glob("*.png"))) if out.is_dir() else 0


def test_ctrl_c_stops_soon_keeps_what_was_made_and_resume_makes_the_rest(tmp_path):
    psutil = pytest.importorskip("psutil")
    data = write_csv(tmp_path / "d" / "books.csv", 60)
    out = tmp_path / "out"
    proc = start_cli("batch", "new-book", data, "--out", out, "--jobs", "2", cwd=tmp_path)
    assert wait_for(lambda: pngs(out) >= 4, 120), proc.communicate()
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children  # the workers
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    stopped_in = time.monotonic() - t0
    print(f"stopped {stopped_in:.2f} s after SIGINT")
    assert stopped_in < 4, stopped_in  # "within a couple of seconds", with a loaded machine
    assert proc.returncode == 130, stdout + stderr
    assert "--resume" in stderr and "interrupted:" in stderr
    assert "stopped after" in stdout and "records rendered" not in stdout, stdout
    assert wait_for(lambda: not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE
                                    for c in children), 3), "orphaned workers"
    made = on_disk(out)
    assert 0 < len(made) < 60 * 3
    assert manifest_outputs(read_manifest(out)) == made  # the manifest matches the disk
    assert read_manifest(out)["summary"]["complete"] is False
    assert not (out / LOCK).exists()
    res = subprocess.run([sys.executable, "-m", "libmedia", "batch", "new-book", str(data),
                          "--out", str(out), "--jobs", "2", "--resume"], cwd=tmp_path,
                         capture_output=True, text=True, env={**os.environ,
                                                               "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stdout + res.stderr
    done_before = len([n for n in made if n.endswith(".png")])
    assert f"{done_before} posts of 60 unchanged since the last run" in res.stdout
    assert f"{60 - done_before} of {60 - done_before} records rendered" in res.stdout
    m = read_manifest(out)
    assert m["summary"]["records"] == 60 and pngs(out) == 60
    assert m["summary"]["complete"] is True and m["summary"]["planned"] == 60


def test_killing_the_main_process_leaves_no_workers(tmp_path):
    psutil = pytest.importorskip("psutil")
    data = write_csv(tmp_path / "d" / "books.csv", 60)
    out = tmp_path / "out"
    proc = start_cli("batch", "new-book", data, "--out", out, "--jobs", "2", cwd=tmp_path)
    assert wait_for(lambda: pngs(out) >= 2, 120), proc.communicate()
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children
    proc.kill()
    proc.communicate()
    assert wait_for(lambda: not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE
                                    for c in children), 5), "orphaned workers"
    # the manifest written as the run went matches the files (at most a second behind)
    listed = manifest_outputs(read_manifest(out)) if read_manifest(out) else set()
    assert listed <= on_disk(out)
    # the next run removes the killed run's temporary files and takes over its stale lock
    (out / ".0001-x.instagram-portrait.png.abcd1234.part").write_bytes(b"half")
    assert (out / LOCK).exists()
    rep = run_batch("new-book", data, out_dir=out, jobs=1, resume=True)
    assert not list(out.glob("*.part")) and not (out / LOCK).exists()
    assert rep.reused + len(rep.results) == 60 and rep.reused >= len(listed) // 3


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    # enough books that the first run is still writing when the second starts (40 took ~4 s)
    data = write_csv(tmp_path / "d" / "books.csv", 200)
    out = tmp_path / "out"
    first = start_cli("batch", "new-book", data, "--out", out, "--jobs", "2", cwd=tmp_path)
    assert wait_for(lambda: (out / LOCK).exists() and pngs(out) >= 1, 120), first.communicate()
    other = write_csv(tmp_path / "e" / "books.csv", 1)
    second = subprocess.run([sys.executable, "-m", "libmedia", "batch", "new-book", str(other),
                             "--out", str(out), "--jobs", "1"], cwd=tmp_path,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert second.returncode == 2
    assert f"another libmedia run (process {first.pid}) is writing into" in second.stderr
    stdout, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stdout + stderr
    assert pngs(out) == 200  # the first run's posts are all there
    assert read_manifest(out)["summary"]["records"] == 200


def test_a_stale_lock_is_taken_over(tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 1)
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / LOCK).write_text(f"{dead.pid}\n")
    rep = run_batch("new-book", data, out_dir=out, jobs=1)
    assert rep.count("warning") == 1 and not (out / LOCK).exists()


def test_a_manifest_the_full_disk_cannot_take_drops_the_newest_posts_it_does_not_list(tmp_path, monkeypatch):
    """The disk fills after the posts, before the manifest that lists them:
    the newest unlisted posts are removed until the manifest fits, so the
    folder holds only what the manifest lists."""
    import errno

    from libmedia.run import outputs

    data = write_csv(tmp_path / "d" / "books.csv", 5)
    out = tmp_path / "out"
    real = outputs.ManifestWriter.write

    def write(self):
        if len(self.entries) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self)

    monkeypatch.setattr(outputs, "FLUSH_SECONDS", 1e12)  # only the final write
    monkeypatch.setattr(outputs.ManifestWriter, "write", write)
    rep = run_batch("new-book", data, out_dir=out, jobs=1)
    assert rep.stopped == "error" and "the disk is full" in rep.error.message
    assert [r.row for r in rep.results] == [2, 3]
    assert manifest_outputs(read_manifest(out)) == on_disk(out)
    assert len(on_disk(out)) == 6  # two posts of three files


@pytest.fixture
def small_disk(tmp_path):
    """A 600 KiB tmpfs (needs root and mount); skipped where it cannot be made."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs",
                                            str(mnt)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_stops_the_run_early_with_that_message(small_disk, tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 40)
    out = small_disk / "out"
    attempts = []
    rep = run_batch("new-book", data, out_dir=out, jobs=1,
                    progress=lambda done, total, failed: attempts.append(done))
    assert rep.stopped == "error"
    assert "the disk is full" in rep.error.message and "--resume" in rep.error.hint
    assert len(rep.results) < 40 and rep.count("failed") == 0  # stopped, not 40 failures
    made = on_disk(out)
    listed = manifest_outputs(read_manifest(out)) if read_manifest(out) else set()
    assert listed <= made and len(made - listed) <= 3  # at most the post being written


def test_the_cli_says_the_disk_is_full(small_disk, tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 40)
    res = subprocess.run([sys.executable, "-m", "libmedia", "batch", "new-book", str(data),
                          "--out", str(small_disk / "out"), "--jobs", "2"], cwd=tmp_path,
                         capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 2
    assert "error: the disk is full" in res.stderr and "--resume" in res.stderr
    assert res.stderr.count("disk is full") == 1


def test_a_read_only_folder_stops_before_rendering(tmp_path):
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=100k",
                                            "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        data = write_csv(tmp_path / "d" / "books.csv", 3)
        with pytest.raises(Exception) as exc:
            run_batch("new-book", data, out_dir=mnt, jobs=1)
        assert "cannot write into the output folder" in str(exc.value)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_resume_renders_only_what_is_missing_or_changed(tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 5)
    out = tmp_path / "out"
    run_batch("new-book", data, out_dir=out, jobs=1)
    before = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rep = run_batch("new-book", data, out_dir=out, jobs=1, resume=True)
    assert rep.reused == 5 and rep.results == []
    after = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert after == before  # the same manifest
    (out / "0003-buku-2.instagram-portrait.png").unlink()
    data.write_text(data.read_text(encoding="utf-8").replace("Pengarang 4", "Penulis 4"),
                    encoding="utf-8")
    rep = run_batch("new-book", data, out_dir=out, jobs=1, resume=True)
    assert sorted(r.row for r in rep.results) == [3, 5] and rep.reused == 3
    assert (out / "0003-buku-2.instagram-portrait.png").is_file()
    assert read_manifest(out)["summary"]["records"] == 5


def test_tasks_carrying_a_bundle_render_the_same_bytes_without_the_coordinators_paths(tmp_path):
    """A remote worker gets the template, the brand kit (a Bundle) and the
    covers in the task, never the coordinator's paths: here the worker is a
    local spawn process with its own cache folder, and the data folder is
    gone by the time it renders."""
    bundles = pytest.importorskip("libmedia.run.bundle")
    import multiprocessing
    import shutil
    from concurrent.futures import ProcessPoolExecutor

    from PIL import Image

    from libmedia.jobs import open_job, plan

    folder = tmp_path / "d"
    (folder / "covers").mkdir(parents=True)
    Image.new("RGB", (400, 600), (30, 90, 160)).save(folder / "covers" / "kopi.jpg")
    data = folder / "books.csv"
    data.write_text("Judul,Pengarang,Sampul,No. Panggil\n"
                    "Filosofi Kopi,Dee Lestari,kopi.jpg,899\n"
                    "Cantik Itu Luka,Eka Kurniawan,,899\n", encoding="utf-8")
    (folder / "libmedia.toml").write_text('[library]\nname = "Perpustakaan Uji"\n',
                                          encoding="utf-8")
    job = open_job("new-book", data, ["instagram-square"])
    local = plan(job)
    remote = plan(job, bundle=bundles.make_bundle(job.template.path, job.brand_file))
    assert all(t.template_dir is None and t.brand_path is None and not t.search_dirs
               for t in remote)
    assert [name for name, _ in remote[0].files] == ["kopi.jpg"] and remote[1].files == ()
    assert [t.digest for t in remote] == [t.digest for t in local]
    got_local: list = []
    got_remote: list = []
    schedule.run_tasks(local, got_local.append, jobs=1)
    shutil.move(folder, tmp_path / "elsewhere")  # the coordinator's paths are gone
    os.environ["LIBMEDIA_CACHE"] = str(tmp_path / "cache")
    try:
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as ex:
            schedule.run_tasks(remote, got_remote.append, executor=ex)
    finally:
        os.environ.pop("LIBMEDIA_CACHE")
    assert sorted((r.index, r.status) for r in got_remote) == [(0, "ok"), (1, "warning")]

    def key(results):
        return sorted((r.index, [(a.name, a.data) for a in r.artifacts],
                       [w.to_dict() for w in r.warnings]) for r in results)

    assert key(got_remote) == key(got_local)

def test_sigterm_stops_a_batch_as_ctrl_c_does(tmp_path):
    data = write_csv(tmp_path / "d" / "books.csv", 40)
    out = tmp_path / "out"
    proc = start_cli("batch", "new-book", data, "--out", out, "--jobs", "2", cwd=tmp_path)
    assert wait_for(lambda: pngs(out) >= 2, 120), proc.communicate()
    proc.terminate()
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stdout + stderr
    assert "--resume" in stderr
    assert manifest_outputs(read_manifest(out)) == on_disk(out)


def pid_task(task):
    """Runs in a worker: a result whose title is the worker's process id."""
    from libmedia.run.task import TaskResult

    return TaskResult(task.index, task.rows, str(os.getpid()), task.stem, task.digest, "ok")


def test_local_workers_are_replaced_after_their_share_of_tasks(tmp_path):
    from libmedia.jobs import open_job, plan

    tasks = plan(open_job("new-book", write_csv(tmp_path / "d" / "b.csv", 9)))
    got: list = []
    schedule.run_tasks(tasks, got.append, jobs=2, fn=pid_task, max_tasks_per_child=2)
    assert sorted(r.index for r in got) == list(range(9))  # nothing lost between pools
    assert len({r.title for r in got}) >= 3  # 3 pools (4 + 4 + 1 tasks), each new processes
    assert os.getpid() not in {int(r.title) for r in got}


def test_the_coordinator_keeps_no_bytes_of_posts_it_has_written(tmp_path):
    """Memory stays flat on the coordinator side too: once a post's files
    are on disk, its result keeps their names, not their bytes."""
    data = write_csv(tmp_path / "d" / "books.csv", 3)
    rep = run_batch("new-book", data, out_dir=tmp_path / "out", jobs=1)
    artifacts = [a for r in rep.results for a in r.artifacts]
    assert len(artifacts) == 9
    assert all(a.data is None for a in artifacts)
    assert all((tmp_path / "out" / a.name).is_file() for a in artifacts)


def test_a_prestarted_pool_is_taken_by_the_run_or_ended():
    """Workers started early (while the data is read) are used by the next
    local run of that size, and ended when no run takes them."""
    psutil = pytest.importorskip("psutil")
    from libmedia.run import schedule

    schedule.prestart(2)
    pool = schedule._prestarted
    assert pool is not None and pool.workers == 2
    assert schedule._new_pool(2) is pool  # taken as it is
    assert schedule._prestarted is None
    pool.terminate()
    schedule.prestart(2)
    pids = list(schedule._prestarted.executor._processes)
    assert pids
    schedule.discard_prestarted()
    assert schedule._prestarted is None

    def gone(pid: int) -> bool:  # by the OS: the pool's own thread may have reaped it
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    assert wait_for(lambda: all(gone(p) for p in pids), 10), "workers left running"
