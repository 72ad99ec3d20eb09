"""Benchmark of interventional.safety: assessments per second on a realistic mix.

Ten thousand synthetic patients (0-5 medications drawn across the hold table, last doses
from minutes to two weeks ago or unknown, some conditions, labs and devices) are each paired
with a plan drawn from the whole catalogue, and assessed on one core. Target: at least
50,000 assessments per second. Run ``python bench/bench_safety.py`` or ``bench/run.py``.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta
from typing import Any

N_PATIENTS = 10_000
REPEATS = 5
AT = datetime(2026, 3, 10, 9, 0)


def _plans() -> list[Any]:
    """One plan per catalogue procedure that can be planned with default choices."""
    from interventional.errors import InterventionalError
    from interventional.pharmacology import Dose
    from interventional.procedures import default_catalog, plan

    out = []
    for procedure_id in default_catalog():
        procedure = default_catalog()[procedure_id]
        levels = [procedure.levels[len(procedure.levels) // 2]] if procedure.levels else []
        side = "left" if procedure.lateralized else None
        injectates = []
        if procedure.category.value == "epidural-steroid-injection":
            injectates = [Dose("dexamethasone", "10 mg"), Dose("iohexol", volume="2 mL")]
        elif procedure.technique.value in ("nerve-block", "injection"):
            injectates = [Dose("lidocaine", volume="5 mL", concentration="1 %")]
        target = None
        for rule in procedure.target_rules:
            if "{target}" in rule.anchor:
                target = "trapezius" if "muscle" in rule.anchor else None
        try:
            out.append(
                plan(procedure, levels=levels, side=side, injectates=injectates, target=target)
            )
        except InterventionalError:
            try:
                out.append(plan(procedure, levels=levels, side=side, target=target))
            except InterventionalError:
                continue
    return out


def _patients(n: int, seed: int = 2026) -> list[Any]:
    from interventional.safety import LabResult, MedicationUse, Patient, default_rules

    rules = default_rules()
    rng = random.Random(seed)
    variants: dict[str, list[tuple[str | None, str | None]]] = {}
    for row in rules.holds:
        for name in row.drugs:
            variants.setdefault(name, []).append((row.indication, row.route))
    common = [
        "aspirin",
        "clopidogrel",
        "apixaban",
        "rivaroxaban",
        "warfarin",
        "ibuprofen",
        "naproxen",
        "enoxaparin",
        "sertraline",
        "fish-oil",
    ]
    everything = sorted(variants)
    conditions = sorted(rules.conditions)
    out = []
    for index in range(n):
        medications = []
        for _ in range(rng.randint(0, 5)):
            name = rng.choice(common) if rng.random() < 0.7 else rng.choice(everything)
            indication, route = rng.choice(variants[name])
            last = (
                None if rng.random() < 0.05 else AT - timedelta(minutes=rng.randint(0, 14 * 1440))
            )
            medications.append(
                MedicationUse(name, last_dose=last, indication=indication, route=route)
            )
        labs = []
        if rng.random() < 0.3:
            labs.append(
                LabResult(
                    "inr",
                    rng.choice([0.9, 1.0, 1.1, 1.3, 2.0]),
                    taken_at=AT - timedelta(hours=rng.randint(1, 48)),
                )
            )
        if rng.random() < 0.2:
            labs.append(
                LabResult(
                    "platelets",
                    f"{rng.choice([60, 120, 250])}e3 / µL",
                    taken_at=AT - timedelta(days=rng.randint(0, 10)),
                )
            )
        out.append(
            Patient(
                age=rng.randint(18, 95),
                weight=None if rng.random() < 0.1 else f"{rng.randint(45, 120)} kg",
                pregnant=rng.choice([None, False, False, False, True]),
                medications=medications,
                labs=labs,
                conditions=rng.sample(conditions, rng.choice([0, 0, 0, 1, 1, 2])),
                devices=["pacemaker"] if rng.random() < 0.05 else [],
                creatinine_clearance=None
                if rng.random() < 0.5
                else f"{rng.randint(20, 120)} mL/min",
                id=f"p{index}",
            )
        )
    return out


def _calibration(n: int = 200_000) -> float:
    """Nanoseconds per iteration of a fixed pure-Python loop (a dict look-up and an add).

    Python-bound throughput scales inversely with this figure: it tells how fast this
    machine (and its current load) runs interpreted code, so that figures taken on
    different machines can be compared.
    """
    table = {"a": 1}
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        total = 0
        for _ in range(n):
            total += table["a"]
        best = min(best, time.process_time() - start)
    return best / n * 1e9


def bench_assessments(n: int = N_PATIENTS, repeats: int = REPEATS) -> dict[str, float]:
    """Assessments per second on one core (target >= 50,000/s), cold and warm.

    Times are CPU times of this process (steadier than wall time on a shared machine).
    An assessment decides every finding (code, verdict, until, references), the verdict,
    the earliest time and the restarts; the words of a finding are written the first time
    its message is read, so a second figure counts assessments whose messages are all read.
    """
    from interventional.safety import assess

    plans = _plans()
    patients = _patients(n)
    rng = random.Random(7)
    pairs = [(patient, rng.choice(plans)) for patient in patients]

    start = time.process_time()
    results = [assess(p, q, at=AT) for p, q in pairs]
    cold = time.process_time() - start

    times = []
    for _ in range(repeats):
        start = time.process_time()
        for p, q in pairs:
            assess(p, q, at=AT)
        times.append(time.process_time() - start)
    warm = statistics.median(times)

    start = time.process_time()
    for p, q in pairs:
        for finding in assess(p, q, at=AT).findings:
            _ = finding.message
    read = time.process_time() - start

    findings = sum(len(r.findings) for r in results) / len(results)
    medications = sum(len(p.medications) for p in patients) / len(patients)
    return {
        "plans in the mix": float(len(plans)),
        "mean medications per patient": medications,
        "mean findings per assessment": findings,
        "first pass (assessments/s)": n / cold,
        "warm median (assessments/s)": n / warm,
        "every message read (assessments/s)": n / read,
        "target (assessments/s)": 50_000.0,
        "machine: ns per pure-Python loop step": _calibration(),
    }


if __name__ == "__main__":
    for name, value in bench_assessments().items():
        print(f"  {name:<40} {value:>12.4g}")
