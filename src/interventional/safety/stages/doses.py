"""Stage: local-anaesthetic totals against the weight-based maximum.

Reads: the plan's local-anaesthetic totals (compiled with each drug's sourced limit, see
:func:`compile_doses`), ``patient.weight`` and the policy's near fraction. Runs for a plan
that injects a local anaesthetic. Above the maximum DEFER (re-plan), at or above the near
fraction CAUTION, unknown weight or amount INSUFFICIENT_DATA; several agents are added as
fractions of their maxima (library policy).
"""

from __future__ import annotations

import attrs

from interventional.pharmacology import NoSourcedValueError, local_anesthetic_limit
from interventional.pharmacology.local_anesthetics import LocalAnestheticLimit
from interventional.safety.case import Case
from interventional.safety.facts import PlanFacts
from interventional.safety.model import Finding
from interventional.safety.stages.base import Stage
from interventional.safety.wording import words

__all__ = ["STAGE", "PlannedDose", "compile_doses"]


@attrs.frozen(slots=True)
class PlannedDose:
    """A local anaesthetic's planned total and the limit it is checked against."""

    name: str
    total_mg: float
    limit: LocalAnestheticLimit | None
    """``None`` when the library holds no sourced maximum (``missing`` says why)."""
    missing: str = ""


def compile_doses(facts: PlanFacts) -> tuple[PlannedDose, ...]:
    """The plan's local-anaesthetic totals with their limits (the same for every patient)."""
    out = []
    for name, total in facts.local_anesthetic_mg:
        try:
            limit = local_anesthetic_limit(name)
            limit.max_mg(1.0)  # a limit without a sourced per-kg figure and cap raises here
        except NoSourcedValueError as error:
            out.append(PlannedDose(name, total, None, str(error)))
        else:
            out.append(PlannedDose(name, total, limit))
    return tuple(out)


def _run(case: Case) -> None:
    record = case.rules.builtin("local-anesthetic-dose")
    facts = case.compiled.facts

    def add(code: str, outcome: str, drug: str | None, **fields: object) -> None:
        """A finding of one outcome: its verdict from the record, its words from the template."""
        verdict = record.outcome(outcome)
        message = words("dose." + outcome, **fields)
        case.add(Finding(code, verdict, message, record.references, drug=drug))

    for name in facts.local_anesthetic_amount_unknown:
        add(f"dose:{name}", "amount-unknown", name, name=name)
    planned = case.compiled.doses
    kg = case.patient.weight_kg
    if kg is None:
        if planned:
            names = ", ".join(dose.name for dose in planned)
            add("dose:weight-unknown", "weight-unknown", None, names=names)
        return
    near = case.rules.policy.local_anesthetic_near_fraction
    combined = 0.0
    for dose in planned:
        name, total = dose.name, dose.total_mg
        if dose.limit is None:
            add(f"dose:{name}", "no-maximum", name, name=name, total=total, reason=dose.missing)
            combined = float("inf")
            continue
        maximum = dose.limit.max_mg(kg)
        fraction = total / maximum
        combined += fraction
        if fraction > 1:
            outcome = "above"
        elif fraction >= near:
            outcome = "near"
        else:
            outcome = "within"
        add(
            f"dose:{name}",
            outcome,
            name,
            name=name,
            total=total,
            maximum=maximum,
            kg=kg,
            fraction=fraction,
            near=near,
        )
    if len(planned) > 1 and combined != float("inf") and combined >= near:
        add("dose:combined", "combined", None, combined=combined)


STAGE = Stage(
    name="doses",
    reads=("compiled local-anaesthetic totals and limits", "patient.weight", "policy"),
    applies=lambda case: bool(
        case.compiled.doses or case.compiled.facts.local_anesthetic_amount_unknown
    ),
    run=_run,
)
