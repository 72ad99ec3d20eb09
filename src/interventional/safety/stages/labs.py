"""Stage: laboratory gates (platelets, coagulation studies).

Reads: ``patient.labs`` (the latest platelet count and INR), the condition codes that
require a platelet count or suggest coagulation studies, the plan's neuraxial flag,
category and handled class, the policy's thresholds and ages. Runs for a patient with
labs or a condition that asks for them. (The INR of a vitamin K antagonist is part of its
hold: see :mod:`interventional.safety.stages.holds`.)
"""

from __future__ import annotations

from interventional.procedures.risk import BleedingRisk
from interventional.safety.case import Case
from interventional.safety.labs import LabName
from interventional.safety.model import Finding
from interventional.safety.stages.base import Stage
from interventional.safety.wording import duration, fill, moment, words

__all__ = ["STAGE"]


def _run(case: Case) -> None:
    policy = case.rules.policy
    conditions = case.conditions
    record = case.rules.builtin("platelets")
    platelets = fresh = None
    if case.patient.labs:
        platelets = case.latest(LabName.PLATELETS)
        if (
            platelets is not None
            and case.at_u - case.utc(platelets.taken_at) <= policy.platelets_max_age  # type: ignore[arg-type]
        ):
            fresh = platelets
    strict = case.compiled.facts.neuraxial or case.handled_as is BleedingRisk.HIGH
    required = conditions.platelets_required
    if required and strict and fresh is None:
        why = (
            fill("platelets.none-recorded")
            if platelets is None
            else fill(
                "platelets.too-old",
                latest=moment(platelets.taken_at),  # type: ignore[arg-type]
                max_age=duration(policy.platelets_max_age),
            )
        )
        case.add(
            Finding(
                "lab:platelets",
                record.outcome("required"),
                fill("platelets.required", required=", ".join(required), why=why),
                record.references,
            )
        )
    if fresh is not None:
        count = fresh.magnitude
        if count < policy.platelets_min_neuraxial:
            kind = "low-strict" if strict else "low"
        elif (
            case.compiled.facts.category == "neuromodulation"
            and count < policy.platelets_min_neuromodulation
        ):
            kind = "low-neuromodulation"
        else:
            kind = "normal"
        message = words(
            "platelets." + kind,
            count=count,
            when=moment(fresh.taken_at),  # type: ignore[arg-type]
            minimum=policy.platelets_min_neuraxial,
            neuromodulation=policy.platelets_min_neuromodulation,
        )
        case.add(Finding("lab:platelets", record.outcome(kind), message, record.references))
    studies = conditions.coagulation_studies
    if studies:
        inr = case.latest(LabName.INR)
        fresh_inr = inr is not None and case.at_u - case.utc(inr.taken_at) <= policy.inr_max_age  # type: ignore[arg-type]
        if not fresh_inr or fresh is None:
            missing = [
                name
                for name, ok in (("INR", fresh_inr), ("platelets", fresh is not None))
                if not ok
            ]
            studies_record = case.rules.builtin("coagulation-studies")
            case.add(
                Finding(
                    "coagulation-studies",
                    studies_record.outcome("missing"),
                    fill(
                        "coagulation-studies",
                        studies=", ".join(studies),
                        missing=" or ".join(missing),
                    ),
                    studies_record.references,
                )
            )


STAGE = Stage(
    name="labs",
    reads=(
        "patient.labs (platelets, INR)",
        "condition codes (platelets required, coagulation studies)",
        "plan neuraxial, category, handled class",
    ),
    applies=lambda case: bool(case.patient.labs or case.conditions.asks_for_labs),
    run=_run,
)
