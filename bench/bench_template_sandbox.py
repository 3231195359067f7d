"""Benchmark: what the template sandbox's budget and size checks cost.

For bundled image templates, renders the first page's ``layout.xml.j2`` on
the template's sample records 30 times (after a warm-up) in two
environments with the same loader, filters and context: Jinja's plain
``ImmutableSandboxedEnvironment`` (the baseline: what libmedia used before
templates got limits) and :class:`libmedia.templating.Sandbox` through
:func:`libmedia.templating.render_markup`'s path (counted loops and calls,
intercepted ``* ** + %``, checked filters, output length).  Prints the mean
ms of each and the steps the render spent against ``template-steps``.  The
Jinja stage is a few ms of a post that takes about a second to lay out and
draw.

The machine may be shared: the load average is printed beside the figures.

    python bench/bench_template_sandbox.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from jinja2.sandbox import ImmutableSandboxedEnvironment

from libmedia import sandbox
from libmedia import templating as T
from libmedia.brand import load_brand
from libmedia.formats import get_format
from libmedia.render import build_context, page_context, sample_records

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ["new-book", "new-books-carousel", "new-books-grid", "event", "announcement", "stats"]
RUNS = 30
#: Baseline, measured on the 2-core development machine (load about 10): plain
#: sandbox / with budget, ms: new-book 1.76 / 2.50, new-books-carousel 7.39 / 10.23,
#: new-books-grid 48.75 / 58.99, event 12.15 / 17.14, announcement 7.06 / 10.70.
BASELINE = "new-book 1.76 / 2.50 ms; new-books-grid 48.75 / 58.99 ms (plain / budget)"


def plain_environment(folder: Path) -> ImmutableSandboxedEnvironment:
    """The environment libmedia used before the budget: same loader and filters."""
    env = ImmutableSandboxedEnvironment(loader=T._FolderLoader(folder, instrument=True),
                                        autoescape=True, undefined=T._Undefined,
                                        finalize=T._finalize_markup, keep_trailing_newline=True,
                                        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(T.FILTERS)
    env.filters.update(T.HOURS_FILTERS)
    return env


def mean_ms(fn) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(RUNS):
        fn()
    return (time.perf_counter() - start) / RUNS * 1000


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f}; baseline: {BASELINE}")
    print(f"{'template':20s} {'plain ms':>9s} {'budget ms':>10s} {'steps':>7s}")
    for name in TEMPLATES:
        t = T.load_template(ROOT / "templates" / name)
        records = sample_records(t)[: t.records.high]
        ctx = build_context(t, records, load_brand(), get_format(t.formats[0]))
        if t.kind == "carousel":
            ctx.update(page_context(t, ctx, 0)[0])
        plain = plain_environment(t.path).get_template("layout.xml.j2")
        guarded = t.layout()
        filename = str(t.path / "layout.xml.j2")
        steps = []
        real = T._generate

        def counting(template, context, size_limit, steps=steps, real=real):
            budget = T._BUDGET.get()
            before = budget.steps
            out = real(template, context, size_limit)
            steps.append(before - budget.steps)
            return out

        T._generate = counting
        try:
            with_budget = mean_ms(lambda g=guarded, c=ctx, f=filename:
                                  T._run(g, c, f, "markup-length"))
        finally:
            T._generate = real
        without = mean_ms(lambda p=plain, c=ctx: p.render(c))
        print(f"{name:20s} {without:9.2f} {with_budget:10.2f} {max(steps):7d}"
              f"  (limit {sandbox.limit('template-steps'):,})")


if __name__ == "__main__":
    main()
