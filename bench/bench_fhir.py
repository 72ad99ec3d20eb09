"""Benchmark of interventional.fhir: bundles read per second, and import against assessment.

A few hundred Synthea-shaped bundles (the test bundle ``tests/data/fhir/synthea-apixaban.json``
and bundles written by ``patient_to_bundle`` from synthetic patients, each with a dozen
entries and resources the screening does not read) are read with ``patient_from_bundle``
and assessed. The figures: bundles read per second (validation through the fhir.resources
models included), and the ratio of the time to read a bundle to the time to assess the
patient it gives. Run ``python bench/bench_fhir.py`` or ``bench/run.py``.

Reading is dominated by validating every resource through the ``fhir.resources`` models
(about two thirds of the time): on the reference machine about 240 bundles of ten entries
per second, some 100 times the time of the assessment itself. Target: at least 100
bundles per second; a cohort of bundles is read once and assessed against many plans.
"""

from __future__ import annotations

import copy
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

N_BUNDLES = 300
REPEATS = 3
ROOT = Path(__file__).resolve().parents[1]


def _bundles(n: int) -> tuple[list[dict[str, Any]], Any]:
    from bench_safety import AT, _patients

    from interventional.fhir import patient_to_bundle

    at = AT.astimezone()
    synthea = json.loads((ROOT / "tests" / "data" / "fhir" / "synthea-apixaban.json").read_text())
    extra = [
        e
        for e in synthea["entry"]
        if e["resource"]["resourceType"] in ("Encounter", "Claim", "Immunization")
    ]
    out = []
    for index, patient in enumerate(_patients(n)):
        if index % 10 == 0:
            out.append(copy.deepcopy(synthea))
            continue
        aware = patient.__class__(  # the synthetic patients' naive times, read as local
            age=patient.age,
            weight=patient.weight,
            pregnant=patient.pregnant,
            medications=[
                m.__class__(
                    m.drug,
                    last_dose=m.last_dose.astimezone() if m.last_dose else None,
                    indication=m.indication,
                    route=m.route,
                )
                for m in patient.medications
            ],
            conditions=patient.conditions,
            devices=patient.devices,
        )
        bundle = patient_to_bundle(aware, at=at)
        bundle["entry"].extend(copy.deepcopy(extra))
        out.append(bundle)
    return out, at


def bench_fhir(n: int = N_BUNDLES, repeats: int = REPEATS) -> dict[str, float]:
    """Bundles read per second, and the ratio of reading to assessing (CPU times)."""
    try:
        import fhir.resources  # noqa: F401
    except ModuleNotFoundError:
        return {"skipped: the fhir extra is not installed": 0.0}
    from bench_safety import _plans

    from interventional.fhir import assess_imported, patient_from_bundle

    bundles, at = _bundles(n)
    rng = random.Random(11)
    plans = _plans()
    chosen = [rng.choice(plans) for _ in bundles]
    entries = statistics.mean(len(b["entry"]) for b in bundles)

    read_times, assess_times = [], []
    for _ in range(repeats):
        start = time.process_time()
        imported = [patient_from_bundle(bundle, at=at) for bundle in bundles]
        read_times.append(time.process_time() - start)
        start = time.process_time()
        for item, plan in zip(imported, chosen, strict=True):
            assess_imported(item, plan)
        assess_times.append(time.process_time() - start)
    read, assess = statistics.median(read_times), statistics.median(assess_times)
    return {
        "bundles": float(n),
        "entries per bundle (mean)": entries,
        "bundles read per second": n / read,
        "assessments per second (same patients)": n / assess,
        "read time / assessment time": read / assess,
    }


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    for name, value in bench_fhir().items():
        print(f"{name:<48} {value:>12.4g}")
