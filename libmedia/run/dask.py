"""Render on several machines through Dask (the optional extra ``libmedia[dask]``).

:func:`dask_executor` gives a :class:`concurrent.futures.Executor` whose tasks
run on the workers of a ``dask.distributed`` cluster: an in-process
``LocalCluster`` (``"local"``, for a one-machine try) or a running scheduler
(``"tcp://HOST:PORT"``).  The run loop submits to it as to a process pool.

What the workers need: libmedia installed (``pip install 'libmedia[dask]'`` on
every machine; the same version as the coordinator), so that the task function
and libmedia's bundled fonts are there.  Templates, brand kits and their fonts
and logos travel with the tasks as a :class:`libmedia.run.bundle.Bundle` (sent
to each worker once with :func:`share`); a worker never needs the
coordinator's paths, and only the coordinator writes output files.

Tasks are submitted with ``pure=False``: Dask would otherwise give two
submissions of the same function and arguments one key and run them once
(and hash every argument to find out).  An exception raised in a task is
raised again by the ``Future.result()`` on the coordinator, with its class
(a :class:`LibmediaError` keeps its diagnostics: they are pickled).  The
local cluster's own log lines (workers starting, a task failing) are not
printed: what went wrong reaches the coordinator as that exception.
"""

from __future__ import annotations

import concurrent.futures
import logging
import weakref
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TypeVar

from ..errors import LibmediaError

T = TypeVar("T")
#: The Dask client behind each executor :func:`dask_executor` made (for :func:`share`).
_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: How long to wait for a remote scheduler to answer, in seconds.
CONNECT_TIMEOUT = 10
#: Workers of the ``"local"`` cluster: processes x threads.
LOCAL_WORKERS = 2
LOCAL_THREADS = 1
#: Seconds a local worker gets to stop on Ctrl-C before it is killed.
KILL_TIMEOUT = 0.5
#: The hint given when dask or distributed is missing.
INSTALL_HINT = "install it with: pip install 'libmedia[dask]' (on every machine of the cluster)"


def _import_distributed():
    try:
        import distributed
    except ImportError as exc:
        raise LibmediaError(f"--scheduler needs dask.distributed, which is not installed ({exc})",
                            hint=INSTALL_HINT, code="dask-missing") from None
    return distributed


@contextmanager
def dask_executor(scheduler: str, timeout: float = CONNECT_TIMEOUT
                  ) -> Iterator[concurrent.futures.Executor]:
    """An executor on a Dask cluster, closed (client, and a local cluster) on exit.

    ``scheduler`` is ``"local"``: start an in-process
    ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` without
    a dashboard, and stop it on exit; or a scheduler address such as
    ``"tcp://10.0.0.5:8786"`` (``tls://`` and other Dask protocols too; a bare
    ``HOST:PORT`` is taken as ``tcp://``), to which the client connects within
    ``timeout`` seconds.

    Yields ``Client.get_executor(pure=False)``.  On exit (a normal one, an
    exception or a ``KeyboardInterrupt``) the executor's unfinished tasks are
    cancelled and the client closed; a local cluster's worker processes are
    stopped without waiting for a running task (about 0.5 s; measured in
    ``bench/bench_dask.py``) and the cluster closed.  A remote cluster's
    workers keep running: they are the cluster's, not this run's.

    Raises :class:`LibmediaError` with an install hint when dask or distributed
    is not installed, and one naming the address when the scheduler cannot be
    reached in time; an empty or malformed address is a :class:`LibmediaError` too.
    """
    scheduler = (scheduler or "").strip()
    if not scheduler:
        raise LibmediaError("--scheduler needs a value", hint="use local, or tcp://HOST:PORT",
                            code="dask-scheduler")
    distributed = _import_distributed()
    with ExitStack() as stack:
        # Dask's INFO lines (workers starting and closing) would reach the
        # terminal through the root logger that stretchable configures.
        quiet = logging.getLogger("distributed")
        stack.callback(quiet.setLevel, quiet.level)
        quiet.setLevel(logging.ERROR)
        cluster = None
        if scheduler == "local":
            cluster = distributed.LocalCluster(
                n_workers=LOCAL_WORKERS, threads_per_worker=LOCAL_THREADS, processes=True,
                dashboard_address=None, silence_logs=logging.CRITICAL,
                # no dashboard; its small HTTP server (health checks) on a free
                # local port, not 8787, which another cluster may hold
                scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
            stack.callback(cluster.close)
            client = distributed.Client(cluster, set_as_default=False)
        else:
            address = scheduler if "://" in scheduler else f"tcp://{scheduler}"
            client = _connect(distributed, address, timeout)
        stack.callback(client.close)
        if cluster is not None:
            # Runs before the cluster closes: whatever is running (Ctrl-C, an
            # error) is not waited for; the results that count are in already.
            stack.callback(_stop_workers, cluster)
        executor = client.get_executor(pure=False)
        _clients[executor] = client
        stack.callback(executor.shutdown, wait=False)  # cancels what is left
        # first of all: stopping workers that hold shared data is logged as an error
        stack.callback(quiet.setLevel, logging.CRITICAL)
        yield executor


def share(executor: concurrent.futures.Executor, value: T) -> T:
    """``value`` sent once to every worker of ``executor``, for tasks that all use it.

    For an executor from :func:`dask_executor` this scatters ``value`` (a
    :class:`~libmedia.run.bundle.Bundle`, say) to the workers now and returns a
    Dask future standing for it; pass that future as a *direct argument* of
    ``submit``/``map`` (``executor.submit(fn, task, handle)``, not inside
    another object) and the worker's function receives ``value`` itself.
    Without it every task carries its own copy: measured on a local cluster,
    a 4 MB bundle with every task costs 34 ms per task, scattered once 6 ms
    (a 65 KB one 5 and 4 ms).  For any other executor ``value`` is returned as it is.
    """
    client = _clients.get(executor)
    if client is None:
        return value
    return client.scatter(value, broadcast=True, hash=False)


def _stop_workers(cluster) -> None:
    """Stop a local cluster's workers within about a second, even while they
    run a task: each nanny gets :data:`KILL_TIMEOUT` before it kills its worker
    process (``cluster.close()`` alone gives them 5 s, measured 3-4 s here,
    and a killed worker's nanny would start a new one)."""
    import asyncio

    async def kill_all():
        await asyncio.gather(*(w.close(timeout=KILL_TIMEOUT) for w in list(cluster.workers.values())
                               if hasattr(w, "kill")), return_exceptions=True)

    try:
        cluster.sync(kill_all)
    except Exception:  # closing the cluster afterwards still stops them, only slower
        pass


def _connect(distributed, address: str, timeout: float):
    """A client on the scheduler at ``address``, or a :class:`LibmediaError` naming it."""
    hint = ("start it with 'dask scheduler' on that machine (it listens on port 8786), check "
            "the address and that no firewall blocks the port; or use --scheduler local")
    try:
        return distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise LibmediaError(f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
                            f"({exc.__class__.__name__})", hint=hint,
                            code="dask-unreachable") from exc
    except ValueError as exc:  # an address Dask cannot parse
        raise LibmediaError(f"{address} is not a Dask scheduler address ({exc})",
                            hint="use tcp://HOST:PORT, e.g. "
                            "tcp://10.0.0.5:8786", code="dask-scheduler") from exc
