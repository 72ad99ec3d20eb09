"""Engine edges the approval battery does not reach: assess_many, time checks, messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from interventional.errors import ValidationError
from interventional.procedures import plan
from interventional.safety import (
    LabResult,
    MedicationUse,
    Patient,
    assess,
    assess_many,
    default_rules,
    wording,
)
from interventional.safety.compiled import COMPILED_PLANS_LIMIT, compile_plan

AT = datetime(2026, 3, 10, 9, 0)
KNEE = plan("knee-joint-injection", side="left", modality="ultrasound")
TFESI = plan("lumbar-tfesi", levels=["L4-L5"], side="left")


def _pairs() -> list[tuple[Patient, object]]:
    people = [
        Patient(age=50),
        Patient(
            age=70, medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=3))]
        ),
        Patient(age=60, conditions=["patient-refusal"]),
        Patient(age=65, medications=[MedicationUse("warfarin", last_dose=AT - timedelta(days=6))]),
        Patient(age=40, labs=[LabResult("platelets", "40e3 / µL", AT - timedelta(hours=1))]),
    ]
    return [(p, q) for p in people for q in (KNEE, TFESI)]


def test_assess_many_keeps_order_in_one_process() -> None:
    pairs = _pairs()
    expected = [assess(p, q, at=AT) for p, q in pairs]
    assert assess_many(pairs, at=AT) == expected
    assert assess_many(pairs, at=AT, workers=1) == expected
    assert assess_many(iter(pairs[:1]), at=AT, workers=4) == expected[:1]
    assert assess_many([], at=AT, workers=2) == []


def test_assess_many_in_worker_processes_keeps_order() -> None:
    pairs = _pairs()
    expected = [assess(p, q, at=AT) for p, q in pairs]
    assert assess_many(pairs, at=AT, workers=2) == expected
    assert assess_many(pairs[:3], at=AT, workers=3) == expected[:3]
    assert assess_many(pairs, at=AT, workers=2, rules=default_rules()) == expected


def test_assess_many_checks_its_workers_and_rules() -> None:
    for bad in (0, -1, True, 1.5, "2"):
        with pytest.raises(ValidationError) as caught:
            assess_many(_pairs(), at=AT, workers=bad)  # type: ignore[arg-type]
        assert caught.value.field == "workers"
        assert caught.value.reason == f"must be a positive integer or None, got {bad!r}"
    custom = default_rules().with_policy(attrs.evolve(default_rules().policy, inr_max="1.3"))
    with pytest.raises(ValidationError) as caught:
        assess_many(_pairs(), at=AT, workers=2, rules=custom)
    assert (caught.value.field, caught.value.reason) == (
        "rules",
        "a custom rule set cannot be sent to worker processes",
    )
    same = assess_many(_pairs()[:2], at=AT, rules=custom)
    assert same == [assess(p, q, at=AT, rules=custom) for p, q in _pairs()[:2]]


def test_assess_checks_its_patient_and_times() -> None:
    with pytest.raises(ValidationError) as caught:
        assess("patient", KNEE, at=AT)  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.reason) == ("patient", "expected a Patient, got str")
    with pytest.raises(ValidationError) as caught:
        assess(Patient(age=50), KNEE, at="2026-03-10")  # type: ignore[arg-type]
    assert caught.value.field == "at"
    assert caught.value.reason == "expected a datetime, got str '2026-03-10'"
    later = Patient(
        age=50, medications=[MedicationUse("aspirin", last_dose=AT + timedelta(hours=1))]
    )
    with pytest.raises(ValidationError) as caught:
        assess(later, KNEE, at=AT)
    assert caught.value.field == "medications[0].last_dose"
    assert caught.value.reason == (
        "aspirin: last dose 2026-03-10 10:00 is after the procedure time 2026-03-10 09:00; "
        "a future dose cannot be assessed"
    )
    assert assess(later, KNEE, at=AT + timedelta(hours=1)).procedure == KNEE.procedure.id
    aware = AT.replace(tzinfo=UTC)
    with pytest.raises(ValidationError) as caught:
        assess(later, KNEE, at=aware)
    assert caught.value.field == "medications[0].last_dose"
    assert "naive and timezone-aware datetimes mixed" in caught.value.reason
    lab = Patient(age=50, labs=[LabResult("inr", 1.0, AT + timedelta(minutes=5))])
    with pytest.raises(ValidationError) as caught:
        assess(lab, KNEE, at=AT)
    assert caught.value.field == "labs[0].taken_at"
    assert caught.value.reason == (
        "inr: taken at 2026-03-10 09:05, after the procedure time 2026-03-10 09:00"
    )
    with pytest.raises(ValidationError) as caught:
        assess(lab, KNEE, at=aware)
    assert caught.value.field == "labs[0].taken_at"
    assert caught.value.reason.startswith("inr: naive and timezone-aware datetimes mixed")
    unknown = Patient(
        age=50,
        medications=[MedicationUse("aspirin")],
        labs=[LabResult("inr", 1.0)],
    )
    assert assess(unknown, KNEE, at=aware).procedure == KNEE.procedure.id


def test_aware_times_keep_the_zone_of_the_procedure_time() -> None:
    from datetime import timezone

    plus2 = timezone(timedelta(hours=2))
    at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    dose = MedicationUse("clopidogrel", last_dose=datetime(2026, 3, 8, 11, 0, tzinfo=plus2))
    patient = Patient(age=60, medications=[dose])
    in_utc = assess(patient, TFESI, at=at)
    local = assess(patient, TFESI, at=at.astimezone(plus2))
    assert local.verdict is in_utc.verdict
    assert [f.code for f in local.findings] == [f.code for f in in_utc.findings]
    held = [f for f in local.findings if f.until is not None]
    assert held
    for finding in held:
        assert finding.until is not None
        assert finding.until.utcoffset() == timedelta(hours=2)
    assert local.earliest_time is None or local.earliest_time.utcoffset() == timedelta(hours=2)
    for moment in local.restart.values():
        assert moment.utcoffset() == timedelta(hours=2)
    for finding in in_utc.findings:
        if finding.until is not None:
            assert finding.until.utcoffset() == timedelta(0)


def test_durations_and_times_in_messages() -> None:
    assert wording.duration(timedelta(days=2)) == "2 days"
    assert wording.duration(timedelta(days=1)) == "1 day"
    assert wording.duration(timedelta(hours=12)) == "12 h"
    assert wording.duration(timedelta(hours=1, minutes=30)) == "1 h 30 min"
    assert wording.duration(timedelta(days=1, hours=2, minutes=3)) == "1 d 2 h 3 min"
    assert wording.duration(timedelta(days=3, minutes=1)) == "3 d 1 min"
    assert wording.duration(timedelta(days=2, hours=1)) == "2 d 1 h"
    assert wording.duration(timedelta(minutes=5)) == "5 min"
    assert wording.duration(timedelta(0)) == "0 h"
    assert wording.moment(datetime(2026, 3, 10, 9, 5)) == "2026-03-10 09:05"


def test_a_plan_is_compiled_once_per_rule_set_and_value() -> None:
    rules = default_rules()
    first = compile_plan(rules, TFESI)
    assert compile_plan(rules, TFESI) is first
    again = plan("lumbar-tfesi", levels=["L4-L5"], side="left")  # equal: the same compilation
    assert compile_plan(rules, again) is first
    other = plan("lumbar-tfesi", levels=["L5-S1"], side="left")
    assert str(compile_plan(rules, other).facts.uppermost[0]) == "L5"
    stricter = rules.with_policy(attrs.evolve(rules.policy, inr_max=1.1))
    assert compile_plan(stricter, TFESI) is not first  # rule sets are told apart


def test_the_plan_cache_is_bounded() -> None:
    assert compile_plan.cache_info().maxsize == COMPILED_PLANS_LIMIT
    rules = default_rules()
    for number in range(3):
        each = rules.with_policy(attrs.evolve(rules.policy, inr_max=1.0 + number / 10))
        compile_plan(each, KNEE)
    assert compile_plan.cache_info().currsize <= COMPILED_PLANS_LIMIT


def test_simultaneous_lab_results_do_not_depend_on_their_order() -> None:
    high = plan("spinal-cord-stimulator-trial", levels=["T8"])
    taken = AT - timedelta(hours=3)
    warfarin = [MedicationUse("warfarin", last_dose=AT - timedelta(days=6))]
    verdicts = {
        assess(
            Patient(age=60, medications=warfarin, labs=[LabResult("inr", v, taken) for v in order]),
            high,
            at=AT,
        ).verdict
        for order in ((1.0, 2.0), (2.0, 1.0))
    }
    assert len(verdicts) == 1


def test_of_simultaneous_lab_results_the_worse_counts() -> None:
    high = plan("spinal-cord-stimulator-trial", levels=["T8"])
    taken = AT - timedelta(hours=3)
    warfarin = [MedicationUse("warfarin", last_dose=AT - timedelta(days=6))]
    for order in ((1.0, 2.0), (2.0, 1.0)):
        labs = [LabResult("inr", value, taken) for value in order]
        result = assess(Patient(age=60, medications=warfarin, labs=labs), high, at=AT)
        (inr,) = result.by_code("lab:inr")
        assert "INR 2 " in inr.message  # the higher INR counts
    for order in (("40e3 / µL", "250e3 / µL"), ("250e3 / µL", "40e3 / µL")):
        labs = [LabResult("platelets", value, taken) for value in order]
        result = assess(Patient(age=60, labs=labs), high, at=AT)
        (platelets,) = result.by_code("lab:platelets")
        assert platelets.message.startswith("Platelets 40,000/µL")  # the lower count counts
        assert result.verdict.name == "DEFER"


def test_every_time_is_checked_not_only_the_first() -> None:
    past = MedicationUse("aspirin", last_dose=AT - timedelta(days=1))
    future = MedicationUse("clopidogrel", last_dose=AT + timedelta(minutes=1))
    with pytest.raises(ValidationError) as caught:
        assess(Patient(age=50, medications=[past, future]), KNEE, at=AT)
    assert caught.value.field == "medications[1].last_dose"
    untimed = LabResult("inr", 1.0)
    later = LabResult("platelets", "200e3 / µL", AT + timedelta(minutes=1))
    with pytest.raises(ValidationError) as caught:
        assess(Patient(age=50, labs=[untimed, later]), KNEE, at=AT)
    assert caught.value.field == "labs[1].taken_at"


def test_a_last_dose_at_the_procedure_time_is_accepted_naive_or_aware() -> None:
    for at in (AT, AT.replace(tzinfo=UTC)):
        dose = MedicationUse("aspirin", last_dose=at)
        lab = LabResult("inr", 1.0, at)
        result = assess(Patient(age=50, medications=[dose], labs=[lab]), KNEE, at=at)
        assert result.procedure == KNEE.procedure.id


def test_the_article_before_a_risk_class() -> None:
    clopidogrel = [MedicationUse("clopidogrel", last_dose=AT - timedelta(days=30))]
    plans = {
        "a low": KNEE,
        "an intermediate": plan("lumbar-tfesi", levels=["L4-L5"], side="left"),
        "a high": plan("spinal-cord-stimulator-trial", levels=["T8"]),
    }
    for words, each in plans.items():
        (hold,) = assess(Patient(age=50, medications=clopidogrel), each, at=AT).by_code("hold")
        assert f"before {words}-risk procedure" in hold.message
