"""Benchmark: what running tasks through Dask (``--scheduler``) costs.

Prints, for a ``dask.distributed`` cluster of 2 worker processes x 1 thread
(``--scheduler local``, or a running one given with ``--scheduler tcp://HOST:PORT``):

* start-up: from ``dask_executor("local")`` to a usable executor, and closing
  it (normally, and on Ctrl-C while a task runs);
* a tiny task (returns its argument): round trip of one submit -> result,
  median and p90 ms, and ms per task when N are mapped at once;
* a post: the new-book sample (1080x1350 PNG, template and brand kit sent as
  a Bundle) rendered in this process, then through the executor one at a
  time (the round trip less the time the worker spent rendering is the
  per-task overhead, measured per task so a busy machine slows both sides
  alike) and N at once on the 2 workers (throughput);
* the bundle: size, time to make it, pickled size, time to materialize it
  on a worker the first time; throughput with it sent once (``share``).

The machine may be shared: the load average is printed beside the figures.

    python bench/bench_dask.py [--scheduler local|tcp://HOST:PORT] [-n 200]
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEW_BOOK = ROOT / "templates" / "new-book"
KIT = ROOT / "samples" / "libmedia.toml"


def tiny(x):
    return x


def render_post(bundle, template_dir=None, brand_path=None) -> bytes:
    from libmedia.brand import load_brand
    from libmedia.encode import encode_image
    from libmedia.formats import get_format
    from libmedia.render import RenderInput, render, sample_records
    from libmedia.run.bundle import materialize
    from libmedia.templating import load_template

    if bundle is not None:
        template_dir, brand_path = materialize(bundle)
    template = load_template(template_dir)
    r = render(RenderInput(template, sample_records(template), get_format("instagram-portrait"),
                           load_brand(brand_path), search_dirs=[template.path]))
    return encode_image(r.image)


def timed_render(bundle) -> float:
    """Seconds the worker spent in :func:`render_post` (materialize included)."""
    start = time.perf_counter()
    render_post(bundle)
    return time.perf_counter() - start


def first_materialize(bundle) -> float:
    """Seconds to materialize ``bundle`` into a fresh cache on the worker."""
    from libmedia.run import bundle as b

    old = os.environ.get("LIBMEDIA_CACHE")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LIBMEDIA_CACHE"] = tmp
        b._materialized.pop(bundle.digest, None)
        start = time.perf_counter()
        b.materialize(bundle)
        took = time.perf_counter() - start
        b._materialized.pop(bundle.digest, None)
    if old is None:
        os.environ.pop("LIBMEDIA_CACHE", None)
    else:
        os.environ["LIBMEDIA_CACHE"] = old
    return took


def ms(values) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
    return f"median {statistics.median(values) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scheduler", default="local")
    ap.add_argument("-n", type=int, default=200, help="tasks for the per-task figures")
    args = ap.parse_args()

    import cloudpickle

    from libmedia.run.bundle import make_bundle
    from libmedia.run.dask import dask_executor, share

    cloudpickle.register_pickle_by_value(__import__(__name__))
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    start = time.perf_counter()
    bundle = make_bundle(NEW_BOOK, KIT)
    made = time.perf_counter() - start
    pickled = len(pickle.dumps(bundle))
    print(f"bundle: {len(bundle.files)} files, {bundle.size / 1024:.0f} KiB, made in "
          f"{made * 1000:.1f} ms, pickled {pickled / 1024:.0f} KiB")

    # in-process render, warm
    for _ in range(3):
        local_png = render_post(None, NEW_BOOK, KIT)
    local = []
    for _ in range(20):
        t = time.perf_counter()
        render_post(None, NEW_BOOK, KIT)
        local.append(time.perf_counter() - t)
    print(f"post rendered in this process:             {ms(local)}")

    start = time.perf_counter()
    with dask_executor(args.scheduler) as ex:
        ready = time.perf_counter() - start
        print(f"executor {args.scheduler!r} ready in {ready:.2f} s")
        print(f"materialize on a worker, first time: "
              f"{ex.submit(first_materialize, bundle).result() * 1000:.1f} ms")

        list(ex.map(tiny, range(50)))  # warm-up
        rt = []
        for i in range(args.n):
            t = time.perf_counter()
            ex.submit(tiny, i).result()
            rt.append(time.perf_counter() - t)
        print(f"tiny task, one at a time (round trip):     {ms(rt)}")
        t = time.perf_counter()
        list(ex.map(tiny, range(args.n * 5)))
        per = (time.perf_counter() - t) / (args.n * 5)
        print(f"tiny task, {args.n * 5} mapped at once:            {per * 1000:7.1f} ms per task")

        list(ex.map(render_post, [bundle] * 8))  # warm-up: each worker's fonts and caches
        one, over = [], []
        for _ in range(max(10, args.n // 10)):
            t = time.perf_counter()
            inside = ex.submit(timed_render, bundle).result()
            one.append(time.perf_counter() - t)
            over.append(one[-1] - inside)
        print(f"post through the executor, one at a time:  {ms(one)}")
        print(f"  of which outside the render (overhead):  {ms(over)}")
        n = max(20, args.n // 2)
        t = time.perf_counter()
        out = list(ex.map(render_post, [bundle] * n))
        took = time.perf_counter() - t
        assert set(out) == {local_png}, "a worker's post differs from this process's"
        print(f"posts, {n} mapped at once on the workers: {n / took:7.1f} posts/s "
              f"(in this process, one core: {1 / statistics.median(local):.1f} posts/s)")
        handle = share(ex, bundle)
        t = time.perf_counter()
        out = list(ex.map(render_post, [handle] * n))
        took = time.perf_counter() - t
        assert set(out) == {local_png}
        print(f"  the same with the bundle shared once:    {n / took:7.1f} posts/s")
        closing = time.perf_counter()
    print(f"closed in {time.perf_counter() - closing:.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
