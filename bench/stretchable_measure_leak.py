"""How much memory stretchable keeps per measure-function call, outside libmedia.

Builds a root with five leaf nodes that have a measure function, computes
the layout, frees the nodes the way libmedia.layout does (measure cleared,
node dropped in Taffy, links cut), 1,000 times, and prints the Python
memory still allocated afterwards (tracemalloc) per layout and per measure
call, beside the same loop with fixed-size leaves (no measure function).

With stretchable 1.1.8 the measured loop keeps about 630 bytes per call,
allocated inside ``taffylib.node_compute_layout_with_measure`` (the
arguments the Rust side builds for each Python callback) and never freed;
the unmeasured loop keeps nothing.  A libmedia post makes about 50 such
calls, so a worker grows by about 30 KB per post whatever libmedia frees:
what worker recycling bounds.  Run it again after upgrading stretchable.

    python bench/stretchable_measure_leak.py
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stretchable import Node, Style  # noqa: E402
from stretchable.style.geometry.size import SizePoints  # noqa: E402

from libmedia.layout import _release_nodes  # noqa: E402

CALLS = [0]


def _measure(node, known, available) -> SizePoints:
    CALLS[0] += 1
    return SizePoints(10.0, 20.0)


def one_layout(measured: bool) -> None:
    kids = [Node(style=Style(), measure=_measure) if measured else Node(style=Style(size=[10, 20]))
            for _ in range(5)]
    root = Node(*kids)
    root.compute_layout((100.0, 100.0))
    _release_nodes([*kids, root])


def kept(measured: bool, n: int = 1000) -> tuple[float, int]:
    """(bytes still allocated after ``n`` layouts, measure calls made)."""
    for _ in range(50):
        one_layout(measured)
    gc.collect()
    CALLS[0] = 0
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(n):
        one_layout(measured)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, CALLS[0]


def main() -> int:
    import stretchable

    version = getattr(stretchable, "__version__", None)
    if version is None:
        from importlib.metadata import version as v

        version = v("stretchable")
    n = 1000
    b, calls = kept(True, n)
    b0, _ = kept(False, n)
    print(f"stretchable {version}: {n} layouts of 5 leaves")
    print(f"  with measure functions: {b / n:,.0f} B kept per layout, {calls} calls, "
          f"{b / max(1, calls):,.0f} B per measure call")
    print(f"  fixed-size leaves:      {b0 / n:,.0f} B kept per layout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
