"""Properties of the round-two rules (issue 18), named after what they promise.

- recording ``decision="hold"`` on a shared cell never gives an earlier earliest time than
  the hold cell it applies (last dose plus that cell's interval);
- with a duration, restarts are never earlier than without one, and they move exactly
  with the duration;
- the policy's other reading never makes a hold longer, a restart later or a verdict
  more restrictive than the conservative default.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.procedures import plan
from interventional.procedures.risk import BleedingRisk
from interventional.safety import MedicationUse, Patient, assess, default_rules
from interventional.safety.decisions import applied_intervals, decided_hold_cell
from interventional.safety.rules import HoldAction

RULES = default_rules()
AT = ivst.NOW
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PLANS = {
    BleedingRisk.LOW: plan("knee-joint-injection", side="left", modality="ultrasound"),
    BleedingRisk.INTERMEDIATE: plan(
        "stellate-ganglion-block", levels=["C6"], side="left", modality="ultrasound"
    ),
    BleedingRisk.HIGH: plan("spinal-cord-stimulator-implant", levels=["T8"]),
}

# every shared cell whose decision to stop has an interval: (row, class)
SHARED = [
    (row, risk)
    for row in RULES.holds
    for risk in BleedingRisk
    if row.cell(risk).action is HoldAction.SHARED and decided_hold_cell(row, risk) is not None
]
ALL_OTHER = RULES.with_policy(
    attrs.evolve(
        RULES.policy,
        other_readings=[row.id for row in RULES.holds if row.has_other_reading],
    )
)


@SETTINGS
@given(
    st.sampled_from(SHARED),
    st.integers(min_value=0, max_value=24 * 12),
    st.sampled_from(["95 mL/min", "40 mL/min", None]),
)
def test_decision_hold_is_never_earlier_than_the_hold_cell(
    shared: tuple[object, BleedingRisk], hours_ago: int, clearance: str | None
) -> None:
    row, risk = shared
    found = decided_hold_cell(row, risk)  # type: ignore[arg-type]
    assert found is not None
    cell, _ = found
    last = AT - timedelta(hours=hours_ago)
    medication = MedicationUse(
        row.drugs[0],  # type: ignore[attr-defined]
        last_dose=last,
        indication=row.indication,  # type: ignore[attr-defined]
        route=row.route,  # type: ignore[attr-defined]
        decision="hold",
    )
    patient = Patient(
        age=60, pregnant=False, medications=[medication], creatinine_clearance=clearance
    )
    result = assess(patient, PLANS[risk], at=AT)
    hold, _restart = applied_intervals(cell, False)
    assert hold is not None
    (finding,) = result.by_code("hold:" + medication.drug)
    assert finding.until is not None  # a decision to stop is a hold with an end
    assert finding.until >= last + hold  # a renal interval can only lengthen it
    if result.earliest_time is not None:
        assert result.earliest_time >= finding.until


@SETTINGS
@given(ivst.patients(), ivst.plans(), ivst.durations(), ivst.durations())
def test_a_duration_never_makes_a_restart_earlier(
    patient: Patient, the_plan: object, first: timedelta, second: timedelta
) -> None:
    at = AT
    shorter, longer = sorted((first, second))
    short = assess(patient, the_plan, at=at, duration=shorter)  # type: ignore[arg-type]
    long = assess(patient, the_plan, at=at, duration=longer)  # type: ignore[arg-type]
    assert short.restart.keys() == long.restart.keys()
    for drug, moment in short.restart.items():
        assert long.restart[drug] - moment == longer - shorter
        assert moment >= at + shorter
    from_start = assess(patient, the_plan, at=at)  # type: ignore[arg-type]
    assert from_start.restart.keys() == short.restart.keys()
    for drug, moment in from_start.restart.items():
        assert short.restart[drug] - moment == shorter


@SETTINGS
@given(ivst.patients(), ivst.plans(), st.integers(min_value=0, max_value=24 * 12))
def test_the_other_reading_never_holds_longer_than_the_default(
    patient: Patient, the_plan: object, hours_later: int
) -> None:
    at = AT + timedelta(hours=hours_later)
    default = assess(patient, the_plan, at=at)  # type: ignore[arg-type]
    other = assess(patient, the_plan, at=at, rules=ALL_OTHER)  # type: ignore[arg-type]
    assert other.verdict <= default.verdict
    if default.earliest_time is not None:
        assert other.earliest_time is not None
        assert other.earliest_time <= default.earliest_time
    for drug, moment in other.restart.items():
        assert moment <= default.restart[drug]
    untils = {f.code: f.until for f in default.findings if f.until is not None}
    for finding in other.findings:
        if finding.until is not None and finding.code in untils:
            assert finding.until <= untils[finding.code]
