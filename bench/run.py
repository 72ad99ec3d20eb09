"""Benchmarks of interventional, printed as ratios measured in one run.

Run from the project root: ``python bench/run.py`` (``--quick`` for fewer repeats).

Each figure compares the library against a baseline measured in the same run on the same
machine, so the figures travel between machines better than seconds do. Targets are
printed beside each figure; none of them is checked by the test suite.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def cold_start(code: str, repeats: int) -> float:
    """Median wall time (s) of a fresh interpreter running ``code``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_import(repeats: int) -> dict[str, float]:
    """Cold start of ``import interventional`` (registry included) against its dependencies."""
    baseline = cold_start("import attrs, networkx, pint", repeats)
    library = cold_start("import interventional; interventional.Q_('1 mg')", repeats)
    empty = cold_start("pass", repeats)
    return {
        "import interventional (s)": library,
        "import attrs, networkx, pint (s)": baseline,
        "bare interpreter (s)": empty,
        "ratio (target <= 1.3)": library / baseline,
    }


SUITES: list[tuple[str, str, str]] = [
    ("atlas", "bench_atlas", "bench_atlas_build"),
    ("imaging", "bench_imaging", "bench_imaging"),
    ("safety", "bench_safety", "bench_assessments"),
    ("fhir", "bench_fhir", "bench_fhir"),
    ("cohort", "bench_cohort", "bench_cohort"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 9
    benches: list[tuple[str, Callable[[], dict[str, float]]]] = [
        ("start-up", lambda: bench_import(repeats))
    ]
    for title, module_name, function in SUITES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        benches.append((title, getattr(module, function)))
    for title, bench in benches:
        print(f"\n{title}")
        for name, value in bench().items():
            print(f"  {name:<48} {value:>12.4g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
