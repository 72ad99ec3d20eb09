"""Benchmarks of interventional.anatomy: building the default atlas and querying it."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable

REPEATS = 9

_FIRST_BUILD = """
import time
import interventional
wall, cpu = time.perf_counter(), time.process_time()
interventional.default_atlas()
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def _median(function: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _per_call(function: Callable[[], object], n: int = 2000) -> float:
    start = time.perf_counter()
    for _ in range(n):
        function()
    return (time.perf_counter() - start) / n


def _first_build(repeats: int) -> tuple[float, float]:
    """Median wall and CPU time (s) of the first ``default_atlas()`` in a fresh interpreter.

    The CPU time is the steadier figure on a shared machine.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-c", _FIRST_BUILD], check=True, capture_output=True, text=True
        )
        wall, cpu = result.stdout.split()
        walls.append(float(wall))
        cpus.append(float(cpu))
    return statistics.median(walls), statistics.median(cpus)


def bench_atlas_build(repeats: int = REPEATS) -> dict[str, float]:
    """Build times of the default atlas (target: first call well under 100 ms after import)
    and the cost of the common queries."""
    from interventional.anatomy.atlas import build_default_atlas, default_atlas

    first, first_cpu = _first_build(max(3, repeats // 3))
    rebuild = _median(build_default_atlas, repeats)
    atlas = default_atlas()
    graph_start = time.perf_counter()
    fresh = build_default_atlas()
    fresh.graph  # noqa: B018 - the networkx view is built on first use
    graph_time = time.perf_counter() - graph_start - rebuild
    return {
        "structures": float(len(atlas)),
        "edges": float(len(atlas.edges)),
        "first default_atlas() after import (ms)": first * 1e3,
        "first default_atlas() after import, CPU (ms)": first_cpu * 1e3,
        "rebuild from data files (ms)": rebuild * 1e3,
        "networkx view, first use (ms)": max(graph_time, 0.0) * 1e3,
        "first build CPU / 100 ms target (ratio)": first_cpu / 0.1,
        "atlas[id] (us/call)": _per_call(lambda: atlas["facet-joint:L4-L5:left"]) * 1e6,
        "innervation(id) (us/call)": _per_call(lambda: atlas.innervation("facet-joint:L4-L5:left"))
        * 1e6,
        "at_risk(id) (us/call)": _per_call(
            lambda: atlas.at_risk("intervertebral-foramen:C5-C6:left")
        )
        * 1e6,
        "find(kind, region) (us/call)": _per_call(
            lambda: atlas.find(kind="facet-joint", region="lumbar"), 500
        )
        * 1e6,
        "subgraph(id, depth=2) (us/call)": _per_call(
            lambda: atlas.subgraph("facet-joint:L4-L5:left", depth=2), 200
        )
        * 1e6,
    }


if __name__ == "__main__":
    for name, value in bench_atlas_build().items():
        print(f"{name:<48} {value:>12.4g}")
