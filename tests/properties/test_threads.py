"""Thread safety: ``assess`` from 8 threads on the shared catalogue and atlas gives the same
results as in one thread, with warm caches and from a cold start."""

from __future__ import annotations

import inspect
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


def _read_everywhere(items: list[Any], read: Any) -> list[list[Any]]:
    """``read`` every item from 8 threads at once, switching threads as often as possible."""
    start = threading.Barrier(THREADS)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:

        def run(_: int) -> list[Any]:
            start.wait()
            return [read(item) for item in items]

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            return list(pool.map(run, range(THREADS)))
    finally:
        sys.setswitchinterval(interval)


def test_a_text_written_by_another_thread_meanwhile_is_read_not_written_again() -> None:
    """One thread stops inside ``LazyText.__str__`` just after finding no text; another
    writes the text meanwhile; the first must then read it (not fail, not write it again)."""
    from interventional.safety import LazyText

    calls: list[int] = []

    def write(number: int) -> str:
        calls.append(number)
        return f"text {number}"

    text = LazyText(write, 1)
    lines, start = inspect.getsourcelines(LazyText.__str__)
    checked = start + next(i for i, line in enumerate(lines) if "if text is None" in line)
    code = LazyText.__str__.__code__
    stopped, resume = threading.Event(), threading.Event()

    def stop_after_the_check(frame: Any, event: str, arg: Any) -> Any:
        if event == "line" and frame.f_lineno > checked and not stopped.is_set():
            stopped.set()
            resume.wait(10)
        return stop_after_the_check

    def trace(frame: Any, event: str, arg: Any) -> Any:
        return stop_after_the_check if frame.f_code is code else None

    outcome: list[object] = []

    def read() -> None:
        sys.settrace(trace)
        try:
            outcome.append(str(text))
        except BaseException as error:  # reported by the assertion below
            outcome.append(error)
        finally:
            sys.settrace(None)

    reader = threading.Thread(target=read)
    reader.start()
    assert stopped.wait(10)
    assert str(text) == "text 1"  # written here while the reader waits inside __str__
    resume.set()
    reader.join(10)
    assert outcome == ["text 1"]
    assert calls == [1]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ivst.patients(), ivst.plans()), min_size=THREADS, max_size=24))
def test_findings_made_from_eight_threads_at_once(pairs: list[tuple[Any, Any]]) -> None:
    unread = [assess(patient, plan, at=ivst.NOW) for patient, plan in pairs]
    expected = [assess(patient, plan, at=ivst.NOW).explain() for patient, plan in pairs]
    seen = _read_everywhere(unread, lambda assessment: assessment.explain())
    assert all(each == expected for each in seen)
