"""Issue 18: shared decisions, restarts after the procedure ends, policy readings of
ranged or conflicting rows, the confidence in every hold finding, and the supplements
that no longer count as concurrent antithrombotics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from interventional.errors import CatalogError, ValidationError
from interventional.procedures import default_catalog, plan
from interventional.procedures.catalog import reachable_targets
from interventional.procedures.risk import BleedingRisk
from interventional.safety import (
    Decision,
    MedicationUse,
    Patient,
    Verdict,
    assess,
    default_rules,
    load_patient,
    load_rules,
)
from interventional.safety.decisions import decided_hold_cell
from interventional.safety.rules import HoldAction

AT = datetime(2026, 3, 10, 9, 0)
D = timedelta(days=1)
H = timedelta(hours=1)
RULES = default_rules()


def _scs_implant() -> object:
    return plan("spinal-cord-stimulator-implant", levels=["T8"])


def _knee() -> object:
    return plan("knee-joint-injection", side="left", modality="ultrasound")


def _plans_by_risk() -> dict[BleedingRisk, object]:
    return {
        BleedingRisk.LOW: _knee(),
        BleedingRisk.INTERMEDIATE: plan(
            "stellate-ganglion-block", levels=["C6"], side="left", modality="ultrasound"
        ),
        BleedingRisk.HIGH: _scs_implant(),
    }


def _patient(*medications: MedicationUse, **fields: object) -> Patient:
    return Patient(age=64, pregnant=False, medications=list(medications), **fields)  # type: ignore[arg-type]


def _aspirin(decision: str | None) -> MedicationUse:
    return MedicationUse(
        "aspirin", last_dose=AT - D, indication="secondary-prophylaxis", decision=decision
    )


# ----------------------------------------------------------------------- 1. shared decisions


def test_done_when_aspirin_secondary_day_before_scs_implant_needs_the_decision() -> None:
    result = assess(_patient(_aspirin(None)), _scs_implant(), at=AT)
    assert result.verdict is Verdict.INSUFFICIENT_DATA
    assert result.earliest_time is None
    (hold,) = result.by_code("hold:aspirin")
    assert hold.verdict is Verdict.INSUFFICIENT_DATA
    assert "decision='continue' or decision='hold'" in hold.message
    assert "thrombotic risk" in hold.message


def test_done_when_a_decision_to_continue_gives_caution_citing_it() -> None:
    result = assess(_patient(_aspirin("continue")), _scs_implant(), at=AT)
    assert result.verdict is Verdict.CAUTION
    (hold,) = result.by_code("hold:aspirin")
    assert hold.verdict is Verdict.CAUTION
    assert "continued by the recorded shared decision (decision='continue')" in hold.message
    assert "aspirin" not in result.restart  # not stopped, so no restart
    assert result.earliest_time == AT


def test_done_when_a_decision_to_hold_applies_the_interval_with_its_earliest_time() -> None:
    result = assess(_patient(_aspirin("hold")), _scs_implant(), at=AT)
    assert result.verdict is Verdict.DEFER
    (hold,) = result.by_code("hold:aspirin")
    assert hold.verdict is Verdict.DEFER
    assert hold.until == AT - D + 6 * D  # 6 days, the interval if stopping is agreed
    assert result.earliest_time == hold.until
    assert "stop agreed in the recorded shared decision" in hold.message
    # the 6 days for secondary prophylaxis is an extrapolation: LOW, flagged as such
    assert "Confidence of the rule: low." in hold.message
    assert result.by_code("unverified:aspirin")[0].verdict is Verdict.CAUTION
    # no duration given: the restart counts from the start (and the finding says so)
    assert result.restart == {"aspirin": AT + 24 * H}
    met = assess(_patient(_aspirin("hold")), _scs_implant(), at=hold.until)
    assert met.by_code("hold:aspirin")[0].verdict is Verdict.PROCEED


def test_decision_to_hold_borrows_the_nearest_higher_class_interval() -> None:
    apixaban = MedicationUse("apixaban", last_dose=AT - D, decision="hold")
    result = assess(_patient(apixaban), _knee(), at=AT)  # low risk: a shared cell
    (hold,) = result.by_code("hold:apixaban")
    assert hold.verdict is Verdict.DEFER
    assert hold.until == AT - D + 5 * D  # the intermediate-risk 3-5 days, 5 by policy
    assert "intermediate-risk procedure applies" in hold.message
    assert "stop 3-5 days; 5 applied by policy" in hold.message


def test_decision_to_hold_warfarin_brings_the_inr_condition() -> None:
    warfarin = MedicationUse("warfarin", last_dose=AT - 6 * D, decision="hold")
    result = assess(_patient(warfarin), _knee(), at=AT)
    assert result.by_code("hold:warfarin")[0].verdict is Verdict.PROCEED
    assert result.by_code("lab:inr:warfarin")[0].verdict is Verdict.INSUFFICIENT_DATA


def test_decision_to_hold_without_any_interval_stays_insufficient() -> None:
    sertraline = MedicationUse("sertraline", last_dose=AT - D, decision="hold")
    result = assess(_patient(sertraline), _scs_implant(), at=AT)
    (hold,) = result.by_code("hold:sertraline")
    assert hold.verdict is Verdict.INSUFFICIENT_DATA
    assert "gives no interval" in hold.message
    assert result.earliest_time is None


def test_a_decision_does_not_change_a_hold_cell() -> None:
    clopidogrel = MedicationUse("clopidogrel", last_dose=AT - D, decision="continue")
    result = assess(_patient(clopidogrel), _scs_implant(), at=AT)
    (hold,) = result.by_code("hold:clopidogrel")
    assert hold.verdict is Verdict.DEFER
    assert "the hold still applies" in hold.message


def test_every_shared_cell_is_insufficient_without_a_decision() -> None:
    plans = _plans_by_risk()
    checked = 0
    for row in RULES.holds:
        for risk, the_plan in plans.items():
            if row.cell(risk).action is not HoldAction.SHARED:
                continue
            medication = MedicationUse(
                row.drugs[0], last_dose=AT - H, indication=row.indication, route=row.route
            )
            result = assess(_patient(medication), the_plan, at=AT)
            verdict = max(f.verdict for f in result.findings if f.drug == medication.drug)
            assert verdict is Verdict.INSUFFICIENT_DATA, (row.id, risk)
            checked += 1
    assert checked >= 12


def test_decision_is_validated_and_parsed() -> None:
    assert MedicationUse("aspirin", decision="HOLD").decision is Decision.HOLD
    with pytest.raises(ValidationError) as caught:
        MedicationUse("aspirin", decision="stop")
    assert caught.value.field == "decision"


def test_the_patient_file_records_the_decision(tmp_path: Path) -> None:
    path = tmp_path / "patient.toml"
    path.write_text(
        '[[patient]]\nage = 70\n[[patient.medications]]\ndrug = "aspirin"\n'
        'indication = "secondary-prophylaxis"\nlast_dose = 2026-03-09T09:00:00\n'
        'decision = "continue"\n'
    )
    assert load_patient(path).medications[0].decision is Decision.CONTINUE
    path.write_text(
        '[[patient]]\nage = 70\n[[patient.medications]]\ndrug = "aspirin"\ndecision = "maybe"\n'
    )
    with pytest.raises(CatalogError) as caught:
        load_patient(path)
    assert "decision" in str(caught.value)


def test_the_example_patient_records_a_decision() -> None:
    example = Path(__file__).parents[2] / "examples" / "patient.toml"
    aspirin = next(m for m in load_patient(example).medications if m.drug == "aspirin")
    assert aspirin.decision is Decision.CONTINUE


# ----------------------------------------------------------------------- 2. restart from the end


def _heparin() -> MedicationUse:
    return MedicationUse("heparin", last_dose=AT - 7 * H, route="intravenous")


def test_restart_counts_from_the_end_when_a_duration_is_given() -> None:
    patient = _patient(_heparin())
    result = assess(patient, _knee(), at=AT, duration=timedelta(minutes=40))
    assert result.restart == {"heparin": AT + timedelta(minutes=40) + 2 * H}
    message = result.by_code("hold:heparin")[0].message
    assert "after the procedure ends (start + 40 min, the duration given)" in message


def test_without_any_duration_the_finding_says_the_restart_counts_from_the_start() -> None:
    assert default_catalog()["knee-joint-injection"].typical_duration is None
    result = assess(_patient(_heparin()), _knee(), at=AT)
    assert result.restart == {"heparin": AT + 2 * H}
    message = result.by_code("hold:heparin")[0].message
    assert "after the procedure start (no duration given, so counted from the start" in message


def test_the_plan_duration_applies_and_the_assessment_duration_wins() -> None:
    knee = plan("knee-joint-injection", side="left", modality="ultrasound", duration="20 min")
    patient = _patient(_heparin())
    assert assess(patient, knee, at=AT).restart["heparin"] == AT + timedelta(minutes=20) + 2 * H
    assert "the plan's duration" in assess(patient, knee, at=AT).by_code("hold:heparin")[0].message
    given = assess(patient, knee, at=AT, duration=timedelta(hours=1))
    assert given.restart["heparin"] == AT + 3 * H


def test_the_typical_duration_is_sourced_data_quoted_when_no_duration_is_given() -> None:
    implant = default_catalog()["spinal-cord-stimulator-implant"]
    assert implant.typical_duration == timedelta(hours=3)
    assert implant.typical_duration_references
    clopidogrel = MedicationUse("clopidogrel", last_dose=AT - 8 * D)
    result = assess(_patient(clopidogrel), _scs_implant(), at=AT)
    assert result.restart["clopidogrel"] == AT + 24 * H  # from the start: nothing given
    message = result.by_code("hold:clopidogrel")[0].message
    assert "counted from the start" in message
    key = implant.typical_duration_references[0].key
    assert f"the typical duration of spinal-cord-stimulator-implant is 3 h ({key})" in message
    given = assess(_patient(clopidogrel), _scs_implant(), at=AT, duration=implant.typical_duration)
    assert given.restart["clopidogrel"] == AT + 3 * H + 24 * H


def test_restart_from_the_end_with_aware_times() -> None:
    at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    heparin = MedicationUse("heparin", last_dose=at - 7 * H, route="intravenous")
    result = assess(_patient(heparin), _knee(), at=at, duration=timedelta(minutes=30))
    assert result.restart["heparin"] == at + timedelta(minutes=30) + 2 * H


@pytest.mark.parametrize("bad", [timedelta(0), timedelta(minutes=-5), "0 min"])
def test_a_duration_must_be_positive(bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        assess(_patient(_heparin()), _knee(), at=AT, duration=bad)  # type: ignore[arg-type]
    assert caught.value.field == "duration"
    with pytest.raises(ValidationError):
        plan("knee-joint-injection", side="left", modality="ultrasound", duration=bad)  # type: ignore[arg-type]


# ----------------------------------------------------------------------- 3. policy readings


def _other(*rows: str) -> object:
    return RULES.with_policy(attrs.evolve(RULES.policy, other_readings=rows))


@pytest.mark.parametrize(
    ("drug", "conservative", "other", "words"),
    [
        ("apixaban", 5 * D, 3 * D, ("stop 3-5 days; 5 applied by policy", "3 applied by policy")),
        (
            "prasugrel",
            10 * D,
            7 * D,
            ("stop 7-10 days; 10 applied by policy", "7 applied by policy"),
        ),
        ("dabigatran", 5 * D, 4 * D, ("stop 4-5 days; 5 applied by policy", "4 applied by policy")),
    ],
)
def test_ranged_holds_default_to_the_conservative_bound(
    drug: str, conservative: timedelta, other: timedelta, words: tuple[str, str]
) -> None:
    # normal renal function, so the dabigatran renal interval does not apply
    patient = _patient(MedicationUse(drug, last_dose=AT - D), creatinine_clearance="95 mL/min")
    row = RULES.holds_for(drug)[0]
    default = assess(patient, _scs_implant(), at=AT).by_code(f"hold:{drug}")[0]
    assert default.until == AT - D + conservative
    assert words[0] in default.message
    assert "the conservative reading, the default" in default.message
    chosen = assess(patient, _scs_implant(), at=AT, rules=_other(row.id)).by_code(f"hold:{drug}")[0]  # type: ignore[arg-type]
    assert chosen.until == AT - D + other
    assert words[1] in chosen.message
    assert "the other reading, chosen in Policy.other_readings" in chosen.message


def test_warfarin_restart_conflict_is_a_policy_reading() -> None:
    warfarin = MedicationUse("warfarin", last_dose=AT - 6 * D)
    default = assess(_patient(warfarin), _scs_implant(), at=AT, duration=H)
    assert default.restart["warfarin"] == AT + H + 24 * H
    message = default.by_code("hold:warfarin")[0].message
    assert "restart 6 h or 24 h (the sources conflict); 24 h applied by policy" in message
    chosen = assess(_patient(warfarin), _scs_implant(), at=AT, duration=H, rules=_other("warfarin"))  # type: ignore[arg-type]
    assert chosen.restart["warfarin"] == AT + H + 6 * H
    assert "6 h applied by policy" in chosen.by_code("hold:warfarin")[0].message


def test_the_policy_names_only_rows_with_another_reading() -> None:
    with pytest.raises(ValidationError) as caught:
        _other("apixiban")
    assert caught.value.field == "other_readings"
    assert "apixaban" in caught.value.suggestions
    with pytest.raises(ValidationError) as caught:
        _other("rivaroxaban")
    assert "the row has one reading" in caught.value.reason


def test_a_policy_file_without_the_new_setting_still_loads(tmp_path: Path) -> None:
    source = (Path(__file__).parents[2] / "src/interventional/safety/data/policy.toml").read_text()
    trimmed = source[: source.index('[[setting]]\nid = "other-readings"')]
    path = tmp_path / "policy.toml"
    path.write_text(trimmed)
    assert load_rules(policy=path).policy.other_readings == frozenset()
    path.write_text(
        trimmed
        + '[[setting]]\nid = "other-readings"\nvalue = "apixaban, prasugrel"\nbasis = "library-policy"\nreferences = []\n'
    )
    assert load_rules(policy=path).policy.other_readings == {"apixaban", "prasugrel"}


def test_every_policy_row_is_one_the_issue_names_or_a_sourced_range() -> None:
    rows = {row.id for row in RULES.holds if row.has_other_reading}
    assert {"apixaban", "prasugrel", "warfarin", "dabigatran"} <= rows
    for row in RULES.holds:
        for cell in (row.high, row.intermediate, row.low):
            if cell.hold_other is not None:
                assert cell.hold is not None
                assert cell.hold_other < cell.hold
            if cell.restart_other is not None:
                assert cell.restart is not None
                assert cell.restart_other < cell.restart


def test_every_hold_finding_shows_its_cells_confidence() -> None:
    plans = _plans_by_risk()
    for row in RULES.holds:
        for risk, the_plan in plans.items():
            cell = row.cell(risk)
            medication = MedicationUse(
                row.drugs[0], last_dose=AT - H, indication=row.indication, route=row.route
            )
            result = assess(_patient(medication), the_plan, at=AT)
            (hold,) = result.by_code(f"hold:{medication.drug}")
            assert f"Confidence of the rule: {cell.confidence.value}." in hold.message, row.id


# ----------------------------------------------------------------------- 4. the catalogue


def test_the_catalogue_covers_practice_and_resolves_in_the_atlas() -> None:
    from interventional.anatomy import default_atlas

    catalog = default_catalog()
    atlas = default_atlas()
    assert len(catalog) >= 75
    for procedure in catalog.values():
        targets = reachable_targets(procedure)
        assert targets, procedure.id
        assert all(target in atlas for target in targets), procedure.id


# ----------------------------------------------------------------------- 5. concurrent factor


@pytest.mark.parametrize(
    ("drugs", "upgraded"),
    [
        (("aspirin", "clopidogrel"), True),
        (("sertraline", "clopidogrel"), True),
        (("fish-oil", "vitamin-e"), False),
        (("garlic", "ginkgo", "ginseng"), False),
        (("aspirin", "fish-oil"), False),
        (("clopidogrel", "vitamin-e", "garlic"), False),
    ],
)
def test_supplements_do_not_count_as_concurrent_antithrombotics(
    drugs: tuple[str, ...], upgraded: bool
) -> None:
    medications = [MedicationUse(name, last_dose=AT - 30 * D) for name in drugs]
    result = assess(_patient(*medications), _knee(), at=AT)
    assert (result.handled_as is BleedingRisk.INTERMEDIATE) is upgraded
    assert bool(result.by_code("bleeding-risk-upgraded")) is upgraded


def test_supplements_stay_findings_of_their_own() -> None:
    garlic = MedicationUse("garlic", last_dose=AT - D)
    result = assess(
        _patient(garlic, MedicationUse("fish-oil", last_dose=AT - D)), _scs_implant(), at=AT
    )
    assert result.by_code("hold:garlic")[0].verdict is Verdict.DEFER
    assert result.by_code("hold:fish-oil")[0].verdict is Verdict.INSUFFICIENT_DATA


def test_decided_hold_cell_is_none_only_where_no_interval_exists() -> None:
    for row in RULES.holds:
        for risk in BleedingRisk:
            if row.cell(risk).action is not HoldAction.SHARED:
                continue
            found = decided_hold_cell(row, risk)
            has_interval = any(row.cell(r).hold is not None for r in BleedingRisk if r >= risk)
            assert (found is not None) is has_interval, (row.id, risk)
