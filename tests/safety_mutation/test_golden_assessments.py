"""An approval test: a fixed battery of assessments, compared line by line with a stored file.

Every held drug is assessed before a low-, an intermediate- and a high-risk procedure with
its last dose just inside, exactly at and just after each hold interval, and unknown; with
each indication or route the rules distinguish (and none); with normal, high and stale INRs,
low and normal platelet counts, impaired renal function, conditions, devices, allergies and
local-anaesthetic doses near and over the maximum. Each line records the verdict, the risk
class handled as, the earliest time, the restarts and every finding's code, verdict, time
and message, so a changed word, boundary or interval anywhere in the engine fails.

When a rule or message changes on purpose, regenerate the file and review the diff:

    INTERVENTIONAL_REGENERATE_GOLDEN=1 python -m pytest tests/safety_mutation/test_golden_assessments.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from interventional.pharmacology import Dose
from interventional.procedures import plan
from interventional.procedures.risk import BleedingRisk
from interventional.safety import (
    Assessment,
    LabResult,
    MedicationUse,
    Patient,
    RuleSet,
    assess,
    default_rules,
    load_rules,
)
from interventional.safety.decisions import decided_hold_cell
from interventional.safety.rules import HoldAction
from interventional.units import as_timedelta

pytestmark = pytest.mark.slow  # an approval test: the whole file is compared

GOLDEN = Path(__file__).with_name("golden_assessments.txt")
AT = datetime(2026, 3, 10, 9, 0)
MINUTE = timedelta(minutes=1)


def _plans() -> dict[str, Any]:
    return {
        "low": plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left"),
        "intermediate": plan(
            "lumbar-transforaminal-epidural-injection",
            levels=["L4-L5"],
            side="left",
            injectates=[Dose("dexamethasone", "10 mg"), Dose("iohexol", volume="1 mL")],
        ),
        "high": plan("spinal-cord-stimulator-trial", levels=["T8"]),
    }


def _line(name: str, result: Assessment) -> str:
    parts = [
        f"{name} => {result.verdict.name} as {result.handled_as.value}",
        f"earliest {result.earliest_time}",
    ]
    parts += [f"restart {drug} {moment}" for drug, moment in result.restart.items()]
    for finding in result.findings:
        until = f" until {finding.until}" if finding.until else ""
        drug = f" drug={finding.drug}" if finding.drug else ""
        keys = ",".join(ref.key for ref in finding.references) or "-"
        parts.append(
            f"[{finding.verdict.name}] {finding.code}{drug}{until} ({keys}): {finding.message}"
        )
    return "\n    ".join(parts)


def _variants(rows: tuple[Any, ...]) -> list[dict[str, str | None]]:
    seen: list[dict[str, str | None]] = [{}]
    for row in rows:
        variant = {"indication": row.indication, "route": row.route}
        if variant not in seen and (row.indication or row.route):
            seen.append(variant)
    return seen


def cases() -> Iterator[tuple[str, Patient, Any]]:
    plans = _plans()
    rules = default_rules()
    held = sorted({name for row in rules.holds for name in row.drugs})
    for name in held:
        rows = rules.holds_for(name)
        for variant in _variants(rows):
            label = "/".join(v for v in variant.values() if v) or "-"
            for risk, chosen in plans.items():
                intervals = sorted(
                    {
                        cell.hold
                        for row in rows
                        for cell in (row.high, row.intermediate, row.low)
                        if cell.hold is not None
                    }
                    | {
                        cell.renal_hold
                        for row in rows
                        for cell in (row.high, row.intermediate, row.low)
                        if cell.renal_hold is not None
                    }
                )
                moments: list[tuple[str, datetime | None]] = [("unknown", None)]
                for interval in intervals:
                    moments += [
                        (f"{interval}-1m", AT - interval + MINUTE),
                        (f"{interval}", AT - interval),
                        (f"{interval}+1m", AT - interval - MINUTE),
                    ]
                for when, last in moments:
                    use = MedicationUse(name, last_dose=last, **variant)
                    yield (
                        f"{name} {label} {risk} last {when}",
                        Patient(age=60, weight="70 kg", pregnant=False, medications=[use]),
                        chosen,
                    )
    yield from _lab_cases(plans)
    yield from _other_cases(plans)


def _round_two_cases() -> Iterator[tuple[str, Patient, Any, dict[str, Any]]]:
    """Issue 18: each shared cell with each decision, durations, the other readings."""
    plans = _plans()
    rules = default_rules()
    for row in rules.holds:
        variant = {"indication": row.indication, "route": row.route}
        for risk, chosen in plans.items():
            if row.cell(risk).action is not HoldAction.SHARED:
                continue
            found = decided_hold_cell(row, BleedingRisk.parse(risk))
            interval = found[0].hold if found is not None else None
            moments: list[tuple[str, datetime | None]] = [("unknown", None)]
            if interval is not None:
                moments += [
                    (f"{interval}-1m", AT - interval + MINUTE),
                    (f"{interval}", AT - interval),
                ]
            for decision in ("continue", "hold"):
                for when, last in moments:
                    use = MedicationUse(row.drugs[0], last_dose=last, decision=decision, **variant)
                    patient = Patient(age=60, pregnant=False, medications=[use])
                    yield f"{row.id} {risk} decision {decision} last {when}", patient, chosen, {}
    for name in ("clopidogrel", "warfarin", "apixaban", "enoxaparin"):
        use = MedicationUse(
            name,
            last_dose=AT - timedelta(days=12),
            indication="therapeutic" if name == "enoxaparin" else None,
        )
        patient = Patient(age=60, pregnant=False, medications=[use])
        for risk, chosen in plans.items():
            yield f"{name} {risk} duration 40 min", patient, chosen, {"duration": "40 min"}
            yield f"{name} {risk} other readings", patient, chosen, {"other": True}
    knee = plan("knee-joint-injection", side="left", modality="ultrasound", duration="20 min")
    heparin = MedicationUse("heparin", last_dose=AT - timedelta(hours=7), route="intravenous")
    patient = Patient(age=60, pregnant=False, medications=[heparin])
    yield "heparin knee plan duration 20 min", patient, knee, {}
    yield "heparin knee no duration", patient, plan("knee-joint-injection", side="left"), {}
    for drugs in (("fish-oil", "vitamin-e", "aspirin"), ("garlic", "clopidogrel")):
        uses = [MedicationUse(d, last_dose=AT - timedelta(days=30)) for d in drugs]
        patient = Patient(age=60, pregnant=False, medications=uses)
        yield f"supplements {'+'.join(drugs)} low", patient, plans["low"], {}


def _lab_cases(plans: dict[str, Any]) -> Iterator[tuple[str, Patient, Any]]:
    policy = default_rules().policy
    warfarin = MedicationUse("warfarin", last_dose=AT - timedelta(days=6))
    inr_times = {
        "at-last-dose": AT - timedelta(days=6),
        "just-after-last-dose": AT - timedelta(days=6) + MINUTE,
        "fresh": AT - timedelta(hours=2),
        "at-max-age": AT - policy.inr_max_age,
        "stale": AT - policy.inr_max_age - MINUTE,
        "before-dose": AT - timedelta(days=7),
    }
    for risk, chosen in plans.items():
        for value in (1.0, policy.inr_max, round(policy.inr_max + 0.1, 2), 3.0):
            for when, taken in inr_times.items():
                patient = Patient(
                    age=60,
                    pregnant=False,
                    medications=[warfarin],
                    labs=[LabResult("inr", value, taken)],
                )
                yield f"warfarin inr {value} {when} {risk}", patient, chosen
        platelet_times = {
            "fresh": AT - timedelta(hours=3),
            "at-max-age": AT - policy.platelets_max_age,
            "stale": AT - policy.platelets_max_age - MINUTE,
        }
        limits = (policy.platelets_min_neuraxial, policy.platelets_min_neuromodulation)
        for count in sorted({*limits, limits[0] - 1, limits[1] - 1, 20_000.0, 250_000.0}):
            for when, taken in platelet_times.items():
                patient = Patient(
                    age=60,
                    pregnant=False,
                    labs=[LabResult("platelets", f"{count} / µL", taken)],
                )
                yield f"platelets {count:g} {when} {risk}", patient, chosen
            needing = Patient(age=60, pregnant=False, conditions=["thrombocytopenia"])
        yield f"thrombocytopenia without count {risk}", needing, chosen
        clearance = policy.creatinine_clearance_normal_min
        for value in (clearance - 1, clearance, 29.0):
            for drug in ("dabigatran", "apixaban", "enoxaparin"):
                patient = Patient(
                    age=80,
                    pregnant=False,
                    creatinine_clearance=f"{value} mL/min",
                    medications=[
                        MedicationUse(
                            drug,
                            last_dose=AT - timedelta(days=3),
                            indication="therapeutic" if drug == "enoxaparin" else None,
                        )
                    ],
                )
                yield f"{drug} clearance {value:g} {risk}", patient, chosen
            lab = LabResult("creatinine-clearance", f"{value} mL/min", AT - timedelta(hours=5))
            patient = Patient(
                age=80,
                pregnant=False,
                labs=[lab],
                medications=[MedicationUse("dabigatran", last_dose=AT - timedelta(days=4))],
            )
            yield f"dabigatran clearance-lab {value:g} {risk}", patient, chosen


def _other_cases(plans: dict[str, Any]) -> Iterator[tuple[str, Patient, Any]]:
    rules = default_rules()
    deep = {"intermediate-not-neuraxial": plan("stellate-ganglion-block", side="left")}
    for risk, chosen in {**plans, **deep}.items():
        for code in sorted(rules.conditions):
            yield (
                f"condition {code} {risk}",
                Patient(age=60, pregnant=False, conditions=[code]),
                chosen,
            )
        for code in sorted(rules.devices):
            yield f"device {code} {risk}", Patient(age=60, pregnant=False, devices=[code]), chosen
        for pregnant in (True, None):
            yield f"pregnant {pregnant} {risk}", Patient(age=30, pregnant=pregnant), chosen
        for allergy in ("iodinated-contrast", "corticosteroid", "dexamethasone", "lidocaine"):
            patient = Patient(age=60, pregnant=False, allergies=[allergy])
            yield f"allergy {allergy} {risk}", patient, chosen
        many = [
            MedicationUse(
                "aspirin", last_dose=AT - timedelta(days=1), indication="primary-prophylaxis"
            ),
            MedicationUse("ibuprofen", last_dose=AT - timedelta(days=2)),
            MedicationUse("fluoxetine", last_dose=AT - timedelta(hours=20)),
        ]
        yield (
            f"three antithrombotics {risk}",
            Patient(age=60, pregnant=False, medications=many),
            chosen,
        )
        for other in ("normal-saline", "phenol", "dexamethasone", "lidocaine", "iohexol"):
            two = [*many[:2], MedicationUse(other, last_dose=AT - timedelta(days=1))]
            patient = Patient(age=60, pregnant=False, medications=two)
            yield f"two antithrombotics and {other} {risk}", patient, chosen
        for code in ("renal-impairment", "advanced-renal-disease"):
            if code in rules.conditions:
                renal = Patient(
                    age=70,
                    pregnant=False,
                    conditions=[code],
                    medications=[MedicationUse("dabigatran", last_dose=AT - timedelta(days=3))],
                )
                yield f"dabigatran with {code} {risk}", renal, chosen
        yield f"no weight {risk}", Patient(age=60), chosen
    for mg in (200, 270, 300, 400):
        for weight in ("60 kg", None):
            dosed = plan(
                "lumbar-medial-branch-block",
                levels=["L4-L5"],
                side="left",
                injectates=[Dose("lidocaine", f"{mg} mg")],
            )
            patient = Patient(age=60, weight=weight, pregnant=False)
            yield f"lidocaine {mg} mg weight {weight}", patient, dosed
    both = plan(
        "lumbar-medial-branch-block",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("lidocaine", "150 mg"), Dose("bupivacaine", "100 mg")],
    )
    yield "lidocaine and bupivacaine", Patient(age=60, weight="60 kg", pregnant=False), both
    strong = plan(
        "lumbar-medial-branch-block",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("lidocaine", volume="25 mL", concentration="1 %")],
    )
    for allergy in ((), ("lidocaine",), ("local-anesthetic",)):
        patient = Patient(age=60, weight="60 kg", pregnant=False, allergies=list(allergy))
        yield f"lidocaine 25 mL 1 % allergy {allergy}", patient, strong
    contrast = plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("iohexol", volume="2 mL", concentration="300 mg/mL")],
    )
    for allergy in ((), ("iodine",)):
        patient = Patient(age=60, pregnant=False, allergies=list(allergy))
        yield f"iohexol 300 mg/mL allergy {allergy}", patient, contrast
    adult = Patient(age=60, weight="70 kg", pregnant=False)
    for levels in (["C6-C7"], ["C7-T1"]):
        cervical = plan("cervical-interlaminar-epidural-injection", levels=levels)
        yield f"cervical interlaminar {levels}", adult, cervical
    volume_only = plan(
        "lumbar-medial-branch-block",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("lidocaine", volume="5 mL"), Dose("bupivacaine", volume="2 mL")],
    )
    yield "local anaesthetics by volume only", adult, volume_only
    twice = plan(
        "lumbar-medial-branch-block",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("lidocaine", "150 mg"), Dose("lidocaine", "130 mg")],
    )
    yield "lidocaine twice", Patient(age=60, weight="60 kg", pregnant=False), twice
    same_time = AT - timedelta(hours=3)
    for values in ((1.0, 2.0), (2.0, 1.0)):
        patient = Patient(
            age=60,
            pregnant=False,
            medications=[MedicationUse("warfarin", last_dose=AT - timedelta(days=6))],
            labs=[LabResult("inr", value, same_time) for value in values],
        )
        yield f"two INRs at the same time {values}", patient, plans["high"]
    both = MedicationUse(
        "aspirin",
        last_dose=AT - timedelta(days=2),
        indication="secondary-prophylaxis",
        route="oral",
    )
    yield "aspirin with indication and route", Patient(age=60, medications=[both]), plans["high"]
    particulate = plan(
        "cervical-transforaminal-epidural-injection",
        levels=["C5-C6"],
        side="left",
        injectates=[Dose("triamcinolone-acetonide", "40 mg")],
    )
    yield "cervical tfesi particulate", Patient(age=60, pregnant=False), particulate


def render(rules: RuleSet | None = None) -> Iterator[str]:
    for name, patient, chosen in cases():
        yield _line(name, assess(patient, chosen, at=AT, rules=rules))
    base = default_rules() if rules is None else rules
    other = base.with_policy(
        attrs.evolve(
            base.policy, other_readings=[row.id for row in base.holds if row.has_other_reading]
        )
    )
    for name, patient, chosen, options in _round_two_cases():
        duration = (
            as_timedelta(options["duration"], field="duration") if "duration" in options else None
        )
        used = other if options.get("other") else rules
        yield _line(name, assess(patient, chosen, at=AT, duration=duration, rules=used))


def test_the_battery_matches_the_approved_assessments() -> None:
    if os.environ.get("INTERVENTIONAL_REGENERATE_GOLDEN"):
        GOLDEN.write_text("\n".join(render()) + "\n", encoding="utf-8")
    _compare(render())


def test_a_freshly_loaded_rule_set_gives_the_approved_assessments() -> None:
    # The engine prepares hold cells and static findings once per rule set object (and
    # words a shared finding once): a second load of the same files must give the same
    # lines, and it exercises that preparation afresh in a process that has already
    # assessed with the default rules.
    _compare(render(load_rules()))


def _compare(lines: Iterator[str]) -> None:
    approved = iter(GOLDEN.read_text(encoding="utf-8").splitlines())
    number = 0
    for entry in lines:  # lazily: a mutant fails at its first differing line
        for got in entry.split("\n"):
            number += 1
            expected = next(approved, None)
            if expected != got:
                pytest.fail(
                    f"{GOLDEN.name} line {number} differs (regenerate if intended):\n"
                    f"- {expected}\n+ {got}"
                )
    assert next(approved, None) is None, "the battery is shorter than the approved file"
