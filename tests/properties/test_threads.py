"""Thread safety: ``assess`` from 8 threads on the shared catalogue and atlas gives the same
results as in one thread, with warm caches and from a cold start."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.safety import assess

THREADS = 8


def _in_threads(pairs: list[tuple[Any, Any]]) -> list[Any]:
    start = threading.Barrier(THREADS)

    def run(index: int) -> list[tuple[int, Any]]:
        start.wait()  # every thread starts at once
        return [
            (i, assess(patient, plan, at=ivst.NOW))
            for i, (patient, plan) in enumerate(pairs)
            if i % THREADS == index
        ]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        chunks = list(pool.map(run, range(THREADS)))
    return [result for _, result in sorted((p for c in chunks for p in c), key=lambda p: p[0])]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ivst.patients(), ivst.plans()), min_size=THREADS, max_size=24))
def test_assess_from_eight_threads_equals_one_thread(pairs: list[tuple[Any, Any]]) -> None:
    alone = [assess(patient, plan, at=ivst.NOW) for patient, plan in pairs]
    together = _in_threads(pairs)
    assert together == alone
    assert [a.explain() for a in together] == [a.explain() for a in alone]


COLD_START = textwrap.dedent(
    """
    import threading
    from datetime import datetime
    from concurrent.futures import ThreadPoolExecutor

    barrier = threading.Barrier(8)

    def work(index):
        barrier.wait()
        from interventional.anatomy import default_atlas
        from interventional.procedures import default_catalog, plan
        from interventional.safety import MedicationUse, Patient, assess

        atlas, catalog = default_atlas(), default_catalog()
        patient = Patient(age=70, weight="70 kg", medications=[
            MedicationUse("clopidogrel", last_dose=datetime(2026, 3, 5, 8)),
            MedicationUse("apixaban", last_dose=datetime(2026, 3, 9, 8))])
        plans = [plan("lumbar-tfesi", levels=["L4-L5"], side="left"),
                 plan("sgb", side="right"), plan("knee-joint-injection", side="left")]
        results = [assess(patient, p, at=datetime(2026, 3, 10, 9)) for p in plans]
        return (len(atlas), sorted(catalog), [r.explain() for r in results])

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(work, range(8)))
    assert all(o == outcomes[0] for o in outcomes), "threads disagree"
    print("same", len(outcomes))
    """
)


def test_a_cold_start_from_eight_threads_agrees() -> None:
    done = subprocess.run(
        [sys.executable, "-c", COLD_START], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "same 8"
