"""Run render tasks on an executor, and survive what happens to workers.

:func:`run_tasks` sends :class:`~libmedia.run.task.RenderTask` s to any
:class:`concurrent.futures.Executor` and hands each
:class:`~libmedia.run.task.TaskResult` to the coordinator's ``on_result``
as it arrives (in completion order).  Without an executor it uses, for
``jobs`` > 1, a local process pool (:class:`LocalPool`: ``spawn`` workers,
replaced by a fresh pool after :data:`MAX_TASKS_PER_CHILD` tasks per worker
as a guard against memory growth), and for ``jobs`` = 1 this process.
(The pool is rotated here rather than with ``ProcessPoolExecutor``'s own
``max_tasks_per_child``, which can deadlock on Python 3.11 when a worker
is replaced while tasks are queued, CPython gh-115634.)

Rules:

* **A dead worker fails only its own task.**  When a local worker dies (out
  of memory, killed), the pool breaks; the results already made are kept,
  the tasks no worker had started go back in the queue, and the task the
  workers held fails (``worker-died``) when only one was running; when
  several were, each is run again alone in a fresh one-worker pool and the
  one whose worker dies again fails, the others succeed.  The pool is then
  recreated and the run goes on.  Pools that break twice in a row before
  any worker starts a task (workers that cannot start) fail the rest.  On other executors
  (Dask) a task whose future raises fails alone.
* **Ctrl-C** (``KeyboardInterrupt``) cancels what has not started,
  terminates the local workers (they ignore SIGINT themselves, so a
  terminal's Ctrl-C reaches only the coordinator's handling) and re-raises
  within about a second; the coordinator keeps what was made.
* **No orphans**: each local worker watches its parent and exits when the
  parent is gone (killed with SIGKILL).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..errors import InternalError, Location
from .task import RenderTask, TaskResult, failed_result, render_task

#: A local worker process is replaced after this many tasks (memory growth guard).
MAX_TASKS_PER_CHILD = 100
#: Most worker processes used by default (each holds its own fonts and images).
MAX_DEFAULT_JOBS = 4
#: Below this many images a process pool costs more to start than it saves.
MIN_RENDERS_FOR_POOL = 8
#: Seconds between checks for Ctrl-C and finished work while waiting.
POLL_SECONDS = 0.2

ResultFn = Callable[[TaskResult], None]


def default_jobs(renders: int) -> int:
    """Worker processes used when the user does not choose: one per CPU core
    up to :data:`MAX_DEFAULT_JOBS`, and 1 (in-process) for fewer than
    :data:`MIN_RENDERS_FOR_POOL` images, where starting workers costs more
    than it saves."""
    if renders < MIN_RENDERS_FOR_POOL:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_JOBS, cores))


def worker_died(task: RenderTask) -> TaskResult:
    """The ``failed`` result of a task whose worker process died with it."""
    err = InternalError(
        "the render worker process stopped while making this post (out of memory, killed, or "
        "a crash in an image or font library); the other posts are not affected",
        Location(file=task.source, row=task.row or None),
        hint="run the same command with --resume to try it again; if it fails again, report "
             "it with this row of the data", code="worker-died")
    return failed_result(task, err)


# ---------------------------------------------------------------------------
# the worker side of the local pool

_STARTED = None  # a multiprocessing queue: (pid, task index) when a task starts


def _init_worker(started, parent: int) -> None:
    """Local pool initialiser: ignore Ctrl-C (the coordinator stops the
    pool), report starts on ``started``, exit when ``parent`` is gone."""
    global _STARTED
    _STARTED = started
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="libmedia-parent-watch").start()


def _execute(fn: Callable[[RenderTask], TaskResult], task: RenderTask) -> TaskResult:
    if _STARTED is not None:
        _STARTED.put((os.getpid(), task.index))
    return fn(task)


class LocalPool:
    """A spawn :class:`ProcessPoolExecutor` of ``workers`` processes that
    reports which task each worker started (to find the task a dead worker
    held) and can be stopped at once (:meth:`terminate`)."""

    def __init__(self, workers: int):
        ctx = multiprocessing.get_context("spawn")
        self.workers = workers
        self.started = ctx.SimpleQueue()
        self.executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx,
            initializer=_init_worker, initargs=(self.started, os.getpid()))

    def submit(self, fn, task: RenderTask) -> Future:
        return self.executor.submit(_execute, fn, task)

    def started_tasks(self) -> set[int]:
        """Indices of the tasks workers reported starting since the last call."""
        out = set()
        while not self.started.empty():
            out.add(self.started.get()[1])
        return out

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def terminate(self) -> None:
        """Cancel what has not started and end every worker now."""
        procs = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        deadline = time.monotonic() + 2
        for p in procs:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(1)


def _warm() -> int:
    """Run in a fresh worker: import the render pipeline (what the first
    task would otherwise wait for).  Returns the worker's pid."""
    from .. import render  # noqa: F401
    from . import task  # noqa: F401

    return os.getpid()


_prestarted: LocalPool | None = None


def prestart(jobs: int) -> None:
    """Start a local pool of ``jobs`` workers now, each importing the
    pipeline, so that their start-up (about half a CPU-second each:
    interpreter, imports) overlaps the coordinator's own work before the
    first task (reading the data, the pre-flight).  The next
    :func:`run_tasks` with that many local workers takes this pool;
    :func:`discard_prestarted` ends one that is not taken."""
    global _prestarted
    discard_prestarted()
    if jobs > 1:
        pool = LocalPool(jobs)
        for _ in range(jobs):
            pool.executor.submit(_warm)
        _prestarted = pool


def discard_prestarted() -> None:
    """End the pool :func:`prestart` started if no run took it."""
    global _prestarted
    pool, _prestarted = _prestarted, None
    if pool is not None:
        pool.terminate()


def _new_pool(workers: int) -> LocalPool:
    """The pre-started pool when it has ``workers`` workers, else a new one."""
    global _prestarted
    pool, _prestarted = _prestarted, None
    if pool is not None and pool.workers == workers:
        return pool
    if pool is not None:
        pool.terminate()
    return LocalPool(workers)


def run_tasks(tasks: Sequence[RenderTask], on_result: ResultFn, executor: Executor | None = None,
              jobs: int = 1, fn: Callable[[RenderTask], TaskResult] = render_task,
              max_tasks_per_child: int | None = MAX_TASKS_PER_CHILD) -> None:
    """Run ``fn`` (default :func:`render_task`) on every task and call
    ``on_result`` with each result as it arrives, in this process.

    ``executor``: any :class:`~concurrent.futures.Executor` (Dask's), used as
    is and not shut down here.  Without one: ``jobs`` local spawn workers
    (:class:`LocalPool`), or this process for ``jobs`` <= 1.  ``fn`` must be
    picklable for a pool.  Exceptions from ``on_result`` (an
    :class:`~libmedia.errors.OutputError` for a full disk) and
    ``KeyboardInterrupt`` stop the run: the workers are ended and the
    exception propagates.  ``max_tasks_per_child``: a local pool is replaced
    once it has been given this many tasks per worker (None: never).
    """
    if executor is None and (jobs <= 1 or len(tasks) <= 1):
        for t in tasks:
            on_result(fn(t))
        return
    if executor is not None:
        _run_on(executor, tasks, on_result, fn)
        return
    _run_local(tasks, on_result, fn, jobs, max_tasks_per_child)


def _run_on(executor: Executor, tasks: Sequence[RenderTask], on_result: ResultFn, fn) -> None:
    from ..jobs import internal_error

    queue = deque(tasks)
    window = 64
    inflight: dict[Future, RenderTask] = {}
    try:
        while queue or inflight:
            while queue and len(inflight) < window:
                t = queue.popleft()
                inflight[executor.submit(fn, t)] = t
            done, _ = wait(list(inflight), timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for fut in done:
                t = inflight.pop(fut)
                try:
                    res = fut.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker fails its task only
                    name = type(exc).__name__
                    res = worker_died(t) if name in ("KilledWorker", "BrokenProcessPool") \
                        else failed_result(t, internal_error(exc, t.source, t.row))
                on_result(res)
    except BaseException:
        for fut in inflight:
            fut.cancel()
        raise


def _run_local(tasks: Sequence[RenderTask], on_result: ResultFn, fn, jobs: int,
               max_tasks_per_child: int | None) -> None:
    queue = deque(tasks)
    window = max(4, 3 * jobs)
    pool: LocalPool | None = None
    fruitless = 0  # pools in a row that broke before any worker started a task
    try:
        while queue:
            pool = _new_pool(min(jobs, len(queue)))
            budget = pool.workers * max_tasks_per_child if max_tasks_per_child else len(queue)
            inflight: dict[Future, RenderTask] = {}
            started: set[int] = set()
            broken = False
            while ((queue and budget) or inflight) and not broken:
                while queue and budget and len(inflight) < window:
                    try:
                        fut = pool.submit(fn, queue[0])
                    except BrokenProcessPool:  # broke since the last wait
                        broken = True
                        break
                    inflight[fut] = queue.popleft()
                    budget -= 1
                if broken:
                    break
                done, _ = wait(list(inflight), timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                started |= pool.started_tasks()
                for fut in done:
                    if fut.exception() is not None and isinstance(fut.exception(),
                                                                   BrokenProcessPool):
                        broken = True
                        continue
                    t = inflight.pop(fut)
                    on_result(_result(fut, t))
            if not broken:  # done, or this pool's budget is spent: a fresh one for the rest
                pool.shutdown()
                pool = None
                continue
            # The pool broke: keep what finished, retry what a worker held, requeue the rest.
            started |= pool.started_tasks()
            pool.terminate()
            pool = None
            suspects: list[RenderTask] = []
            rest: list[RenderTask] = []
            for fut, t in inflight.items():
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    on_result(fut.result())
                elif t.index in started:
                    suspects.append(t)
                else:
                    rest.append(t)
            if not suspects:  # no worker had started a task: retry once, then give up
                fruitless += 1
                queue.extendleft(sorted(rest, key=lambda t: t.index, reverse=True))
                if fruitless >= 2:
                    for t in list(queue):
                        on_result(worker_died(t))
                    return
                continue
            fruitless = 0
            if len(suspects) == 1:
                on_result(worker_died(suspects[0]))
            else:
                for t in sorted(suspects, key=lambda t: t.index):
                    pool = LocalPool(1)
                    try:
                        res = pool.submit(fn, t).result()
                    except BrokenProcessPool:
                        res = worker_died(t)
                    pool.terminate()
                    pool = None
                    on_result(res)
            queue.extendleft(sorted(rest, key=lambda t: t.index, reverse=True))
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise


def _result(fut: Future, task: RenderTask) -> TaskResult:
    from ..jobs import internal_error

    exc = fut.exception()
    if exc is None:
        return fut.result()
    return failed_result(task, internal_error(exc, task.source, task.row))
