"""Benchmark of interventional.cohort: rows per second Parquet to Parquet, memory, Dask.

A synthetic cohort (``interventional.testing.synthetic_cohort``, about 2.5 medications
per patient) is written in the long format as Parquet (not timed), then:

- **one core**: ``interventional.cohort.screen_to_parquet`` from the Parquet files to a
  Parquet file, streamed partition by partition, in a fresh process whose peak RSS is
  read from ``getrusage``. Target: at least 40,000 rows per second on 1 million rows,
  peak RSS below 1.5 GB.
- **assess_many**: the same rows' patients and plans assessed with
  ``interventional.safety.assess_many`` in this process (on the first ``SAMPLE`` cases,
  the objects made beforehand), and the ratio of the screening rate to it (the table
  layer's cost: target at most 25 % on top, i.e. a ratio of at least 0.8).
- **Dask**: ``screen_dask`` on a ``LocalCluster`` of 2 worker processes (one thread
  each), the workers writing Parquet; the ratio of the single-process time to it.
  Target: at least 1.7.

Run ``python bench/bench_cohort.py [N]`` (default 1,000,000 rows) or ``bench/run.py``
(``IV_BENCH_COHORT_N`` sets N there). The machine's other load changes every figure:
compare the ratios, measured in one run.

Measured on the development machine (2 cores shared with other work, load average about
3.5 during the run), 1,000,000 rows, 2.50 medications each: one core 11,960 rows/s
(target 40,000: not met); assess_many 60,290 rows/s, ratio 0.20 (target 0.8: not met:
building each row's Patient, plan look-up and result row costs about four times the
assessment); peak RSS 303 MB (target met); Dask with 2 worker processes 0.74 times one
core (target 1.7: not met on a machine whose two cores were already busy).

2026-12-03, the review's changes (the partition function builds every Patient and
MedicationUse through the public constructors, no longer pauses the garbage collector),
200,000 rows, the same Parquet files screened by the code before and after in alternated
fresh processes on the shared machine (load average 1 to 3.7, so the figures move by a
third from run to run): before 9,419 and 6,093 rows/s, after 3,720 and 3,777 rows/s, peak
RSS 279-285 MB before, 282-288 MB after. One whole run of this benchmark after the change
(load about 1): one core 5,988 rows/s, assess_many 47,970 rows/s, ratio 0.125 (0.35 in the
run before the change, whose assess_many was slowed to 20,740 by other load), peak RSS 279
MB, Dask 2 processes 1.53 times one core. On 20,000 rows on an idle machine (best of three
passes after a warm one): 12,400 rows/s before, 11,600 with the public constructors (the
model's converters keeping canonical values), 6,600 with the collector running as well. The
clearer version is about half as fast; the collector's full collections are most of it
(6 of them, 0.95 s of 3.25 s on 20,000 rows), see docs/explanation/performance.md.

2026-12-03, the million-row run on the merged tree (redesigned engine, the review's
changes), the 2-core machine otherwise idle: one core 5,674 rows/s (target 40,000: not met),
assess_many 27,230 rows/s, ratio 0.21 (target 0.8: not met), peak RSS 297 MB (met), Dask 2
processes 1.90 times one core (met).

2026-12-03, the partition function laid out for few live objects (rows grouped by patient
with Arrow, each patient built when its booking is assessed and let go, results kept column
by column), merged with the engine2 changes, the shared 2-core machine busy with two other
sessions (load average 2.5 to 4.8 during the run): one core 11,430 rows/s (target 40,000:
not met), assess_many 37,850 rows/s, ratio 0.30 (target 0.8: not met; the Patient and
MedicationUse constructors alone cost about 0.6 of an assessment, see
docs/explanation/performance.md), peak RSS 285.5 MB (met), Dask 2 processes 0.94 times one
core (not met in this run: the two workers had no two free cores; 1.90 on the idle machine
before the change).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_ROWS = int(os.environ.get("IV_BENCH_COHORT_N", "1000000"))
SAMPLE = 100_000

_SINGLE = """
import json, resource, sys, time
from interventional.cohort import screen_to_parquet
start = time.perf_counter()
summary = screen_to_parquet(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": summary.rows, "seconds": seconds, "peak_bytes": peak}))
"""

_DASK = """
import json, sys, time
from dask.distributed import Client, LocalCluster
from interventional.cohort import screen_dask
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                  dashboard_address=None) as cluster, Client(cluster):
    start = time.perf_counter()
    screen_dask(sys.argv[1], out=sys.argv[2])
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds}))
"""


def _child(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_cohort(n: int = N_ROWS) -> dict[str, float]:
    """Rows per second, peak memory and the Dask ratio (see the module's docstring)."""
    try:
        import dask.distributed
        import pyarrow  # noqa: F401
    except ModuleNotFoundError:
        return {"skipped: the cohort extra is not installed": 0.0}
    from interventional.safety import assess_many
    from interventional.testing import synthetic_cohort

    cohort = synthetic_cohort(n, seed=2026)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        start = time.perf_counter()
        source = cohort.to_parquet(root / "long")
        written = time.perf_counter() - start
        single = _child(_SINGLE, str(source), str(root / "results.parquet"))
        rate = single["rows"] / single["seconds"]

        cases = []
        for case in cohort.cases():
            cases.append(case)
            if len(cases) >= min(SAMPLE, n):
                break
        by_time: dict[object, list[tuple[object, object]]] = {}
        for _, patient, plan, at in cases:
            by_time.setdefault(at, []).append((patient, plan))
        start = time.perf_counter()
        for at, pairs in by_time.items():
            for assessment in assess_many(pairs, at=at):
                assessment.findings  # noqa: B018 - the screen reads every finding
        assess_rate = len(cases) / (time.perf_counter() - start)
        del cases, by_time

        dask = _child(_DASK, str(source), str(root / "dask-results"))
        medications = _medications(source)
    return {
        "rows": float(n),
        "medications per row": 0.0 if n == 0 else medications / n,
        "write the long format (s, not timed below)": written,
        "one core: rows/s Parquet to Parquet (target >= 40000)": rate,
        "assess_many rows/s (findings read)": assess_rate,
        "ratio screen / assess_many (target >= 0.8)": rate / assess_rate,
        "peak RSS of the one-core run (MB, target < 1500)": single["peak_bytes"] / 1e6,
        "Dask 2 processes: ratio to one core (target >= 1.7)": single["seconds"] / dask["seconds"],
    }


def _medications(source: Path) -> float:
    import pyarrow.parquet as pq

    return float(pq.ParquetFile(source / "medications.parquet").metadata.num_rows)


if __name__ == "__main__":
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else N_ROWS
    for name, value in bench_cohort(rows).items():
        print(f"  {name:<56} {value:>12.4g}")
