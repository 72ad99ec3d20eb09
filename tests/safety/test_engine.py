"""Assessment semantics: every finding, verdict, earliest time, restarts, labs, rules, doses."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import attrs
import pytest
from conftest import AT, STANDINS, StandInPlan, high_plan, intermediate_plan, low_plan, make_plan

from interventional.anatomy.levels import Segment
from interventional.errors import ValidationError
from interventional.imaging.modality import Modality
from interventional.pharmacology import Dose
from interventional.procedures.risk import BleedingRisk
from interventional.safety import (
    Assessment,
    LabResult,
    MedicationUse,
    Patient,
    Verdict,
    assess,
    assess_many,
    default_policy,
    default_rules,
)

D = timedelta(days=1)


def _patient(**kwargs: object) -> Patient:
    kwargs.setdefault("pregnant", False)
    return Patient(age=kwargs.pop("age", 60), **kwargs)  # type: ignore[arg-type]


def test_no_findings_proceeds_at_once() -> None:
    result = assess(_patient(), low_plan(), at=AT)
    assert result.verdict is Verdict.PROCEED
    assert result.findings == ()
    assert result.earliest_time == AT
    assert result.restart == {}


def test_every_finding_is_reported_and_sorted_most_restrictive_first() -> None:
    patient = _patient(
        conditions=["infection-at-site", "immunosuppression"],
        medications=[
            MedicationUse("clopidogrel", last_dose=AT - 2 * D),
            MedicationUse("rivaroxaban", last_dose=AT - 1 * D),
        ],
    )
    result = assess(patient, high_plan(), at=AT)
    codes = [f.code for f in result.findings]
    assert "rule:infection-at-site" in codes
    assert "rule:immunosuppression" in codes
    assert "hold:clopidogrel" in codes
    assert "hold:rivaroxaban" in codes
    ranks = [f.verdict.rank for f in result.findings]
    assert ranks == sorted(ranks, reverse=True)
    assert result.verdict is Verdict.CONTRAINDICATED
    assert result.earliest_time is None  # an absolute contraindication cannot be waited out
    # holds are still computed and their restarts given
    assert set(result.restart) == {"clopidogrel", "rivaroxaban"}


def test_earliest_time_is_the_latest_hold_and_clears_every_hold() -> None:
    patient = _patient(
        medications=[
            MedicationUse("clopidogrel", last_dose=AT - 2 * D),
            MedicationUse("rivaroxaban", last_dose=AT - 1 * D),
        ]
    )
    result = assess(patient, high_plan(), at=AT)
    assert result.earliest_time == AT + 5 * D
    later = assess(patient, high_plan(), at=result.earliest_time)
    assert all(f.verdict is not Verdict.DEFER for f in later.findings)


def test_unknown_last_dose_needs_data_only_where_a_hold_applies() -> None:
    patient = _patient(medications=[MedicationUse("clopidogrel")])
    high = assess(patient, high_plan(), at=AT)
    (hold,) = high.by_code("hold:clopidogrel")
    assert hold.verdict is Verdict.INSUFFICIENT_DATA
    assert "last dose is unknown" in hold.message
    assert high.earliest_time is None
    low = assess(patient, low_plan(), at=AT)
    assert low.verdict is Verdict.PROCEED


def test_concurrent_antithrombotics_upgrade_the_class() -> None:
    patient = _patient(
        medications=[
            MedicationUse("aspirin", last_dose=AT - D, indication="primary-prophylaxis"),
            MedicationUse("sertraline", last_dose=AT - D),
        ]
    )
    result = assess(patient, intermediate_plan(), at=AT)
    assert result.handled_as is BleedingRisk.HIGH
    (hold,) = result.by_code("hold:aspirin")
    assert hold.verdict is Verdict.DEFER  # the high-risk column: 6 days
    assert "aspirin, sertraline" in result.by_code("bleeding-risk-upgraded")[0].message


def test_age_alone_never_upgrades() -> None:
    result = assess(_patient(age=95), intermediate_plan(), at=AT)
    assert result.handled_as is BleedingRisk.INTERMEDIATE


def test_missing_indication_when_variants_disagree() -> None:
    patient = _patient(medications=[MedicationUse("aspirin", last_dose=AT - D)])
    result = assess(patient, high_plan(), at=AT)
    (finding,) = result.by_code("variant:aspirin")
    assert finding.verdict is Verdict.INSUFFICIENT_DATA
    assert "indication" in finding.message
    # before a low-risk procedure every variant says no hold
    assert assess(patient, low_plan(), at=AT).verdict is Verdict.PROCEED


def test_missing_heparin_route() -> None:
    patient = _patient(
        medications=[MedicationUse("heparin", last_dose=AT - 8 * timedelta(hours=1))]
    )
    result = assess(patient, high_plan(), at=AT)
    assert result.by_code("variant:heparin")[0].verdict is Verdict.INSUFFICIENT_DATA
    # 25 h later every variant is met
    patient = _patient(
        medications=[MedicationUse("heparin", last_dose=AT - 25 * timedelta(hours=1))]
    )
    assert assess(patient, high_plan(), at=AT).by_code("hold:heparin")[0].verdict is Verdict.PROCEED


def test_aware_datetimes_count_elapsed_time_across_daylight_saving() -> None:
    # Europe/Berlin springs forward on 2026-03-29: a 7-day hold is 7 x 24 h of real time.
    berlin = ZoneInfo("Europe/Berlin")
    last = datetime(2026, 3, 25, 9, 0, tzinfo=berlin)
    patient = _patient(medications=[MedicationUse("clopidogrel", last_dose=last)])
    wall_clock = datetime(2026, 4, 1, 9, 0, tzinfo=berlin)  # only 6 d 23 h later
    result = assess(patient, high_plan(), at=wall_clock)
    (hold,) = result.by_code("hold:clopidogrel")
    assert hold.verdict is Verdict.DEFER
    assert hold.until == datetime(2026, 4, 1, 10, 0, tzinfo=berlin)
    assert result.earliest_time == hold.until
    assert assess(patient, high_plan(), at=hold.until).verdict is Verdict.PROCEED


def test_the_latest_hold_is_found_by_instant_in_a_repeated_hour() -> None:
    # Europe/Berlin falls back on 2026-10-25: 02:00-03:00 comes twice. Two 7-day holds end
    # in it; the second ends later (01:15 UTC) at an earlier wall time (02:15, second pass).
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 10, 18, 0, 45, tzinfo=UTC)
    second = datetime(2026, 10, 18, 1, 15, tzinfo=UTC)
    patient = _patient(
        medications=[
            MedicationUse("clopidogrel", last_dose=first.astimezone(berlin)),
            MedicationUse("clopidogrel", last_dose=second.astimezone(berlin)),
        ]
    )
    result = assess(patient, high_plan(), at=datetime(2026, 10, 24, 9, 0, tzinfo=berlin))
    assert result.verdict is Verdict.DEFER
    assert result.earliest_time is not None
    assert result.earliest_time.astimezone(UTC) == second + 7 * D
    assert result.earliest_time.fold == 1  # 02:15, the second time round


def test_a_dose_after_the_procedure_is_found_by_instant_in_a_repeated_hour() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    at = datetime(2026, 10, 25, 2, 45, tzinfo=berlin)  # first pass: 00:45 UTC
    dose = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=berlin)  # second pass: 01:30 UTC
    patient = _patient(medications=[MedicationUse("clopidogrel", last_dose=dose)])
    with pytest.raises(ValidationError, match=r"medications\[0\]\.last_dose.*after the procedure"):
        assess(patient, high_plan(), at=at)
    lab = LabResult("inr", 1.0, taken_at=dose)
    with pytest.raises(ValidationError, match=r"labs\[0\]\.taken_at.*after the procedure"):
        assess(_patient(labs=[lab]), high_plan(), at=at)


def test_aware_times_in_other_zones() -> None:
    last = datetime(2026, 3, 1, 8, tzinfo=UTC)
    patient = _patient(medications=[MedicationUse("clopidogrel", last_dose=last)])
    at = datetime(2026, 3, 8, 9, tzinfo=ZoneInfo("Europe/Paris"))  # 08:00 UTC
    (hold,) = assess(patient, high_plan(), at=at).by_code("hold:clopidogrel")
    assert hold.verdict is Verdict.PROCEED


def _warfarin(*labs: LabResult, last: datetime = AT - 6 * D) -> Patient:
    return _patient(medications=[MedicationUse("warfarin", last_dose=last)], labs=list(labs))


def test_inr_rules() -> None:
    inr = default_policy().inr_max
    cases = [
        (LabResult("inr", inr, taken_at=AT - timedelta(hours=2)), Verdict.PROCEED),
        (LabResult("inr", 1.5, taken_at=AT - timedelta(hours=2)), Verdict.DEFER),
        (LabResult("inr", 1.0, taken_at=AT - 2 * D), Verdict.INSUFFICIENT_DATA),  # stale
        (LabResult("inr", 1.0, taken_at=AT - 7 * D), Verdict.INSUFFICIENT_DATA),  # before the dose
        (LabResult("inr", 1.0), Verdict.INSUFFICIENT_DATA),  # unknown time
    ]
    for lab, expected in cases:
        (finding,) = assess(_warfarin(lab), high_plan(), at=AT).by_code("lab:inr")
        assert finding.verdict is expected, (lab, finding.message)


def test_the_latest_inr_counts() -> None:
    patient = _warfarin(
        LabResult("inr", 1.0, taken_at=AT - timedelta(hours=20)),
        LabResult("inr", 1.6, taken_at=AT - timedelta(hours=2)),
    )
    assert assess(patient, high_plan(), at=AT).by_code("lab:inr")[0].verdict is Verdict.DEFER


def test_inr_threshold_is_configurable() -> None:
    patient = _warfarin(LabResult("inr", 1.3, taken_at=AT - timedelta(hours=2)))
    assert assess(patient, high_plan(), at=AT).verdict is Verdict.DEFER
    relaxed = default_rules().with_policy(attrs.evolve(default_policy(), inr_max=1.4))
    assert assess(patient, high_plan(), at=AT, rules=relaxed).verdict is Verdict.PROCEED


def test_inr_not_needed_before_low_risk_procedures() -> None:
    result = assess(_warfarin(last=AT - 6 * D), low_plan(), at=AT)
    assert not result.by_code("lab:inr")


def test_platelets() -> None:
    def verdict(count: str, plan: object, conditions: tuple[str, ...] = ()) -> Verdict | None:
        patient = _patient(
            labs=[LabResult("platelets", count, taken_at=AT - D)], conditions=list(conditions)
        )
        found = assess(patient, plan, at=AT).by_code("lab:platelets")  # type: ignore[arg-type]
        return found[0].verdict if found else None

    assert verdict("60e3 / µL", high_plan()) is Verdict.DEFER
    assert verdict("60e9 / L", high_plan()) is Verdict.DEFER
    assert verdict("100e3 / µL", high_plan()) is Verdict.CAUTION  # neuromodulation figure
    assert verdict("200e3 / µL", high_plan()) is Verdict.PROCEED
    assert verdict("60e3 / µL", low_plan()) is Verdict.CAUTION
    stale = _patient(
        conditions=["thrombocytopenia"],
        labs=[LabResult("platelets", "200e3 / µL", taken_at=AT - 8 * D)],
    )
    (finding,) = assess(stale, high_plan(), at=AT).by_code("lab:platelets")
    assert finding.verdict is Verdict.INSUFFICIENT_DATA
    assert "older than" in finding.message


def test_coagulation_studies_considered_in_liver_disease() -> None:
    patient = _patient(conditions=["liver-disease"])
    (finding,) = assess(patient, low_plan(), at=AT).by_code("coagulation-studies")
    assert finding.verdict is Verdict.CAUTION
    tested = attrs.evolve(
        patient,
        labs=[
            LabResult("inr", 1.1, taken_at=AT - timedelta(hours=3)),
            LabResult("platelets", "180e3 / µL", taken_at=AT - timedelta(hours=3)),
        ],
    )
    assert not assess(tested, low_plan(), at=AT).by_code("coagulation-studies")


def test_antithrombotic_without_a_rule_is_never_proceed() -> None:
    rules = default_rules()
    without = attrs.evolve(rules, holds=tuple(h for h in rules.holds if h.id != "clopidogrel"))
    patient = _patient(medications=[MedicationUse("clopidogrel", last_dose=AT - 30 * D)])
    result = assess(patient, low_plan(), at=AT, rules=without)
    assert result.by_code("no-rule:clopidogrel")[0].verdict is Verdict.INSUFFICIENT_DATA


def test_non_antithrombotic_medications_are_ignored() -> None:
    patient = _patient(medications=[MedicationUse("lidocaine", last_dose=AT - D)])
    assert assess(patient, high_plan(), at=AT).verdict is Verdict.PROCEED


def test_allergy_to_a_planned_injectate_is_contraindicated() -> None:
    tf = make_plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("dexamethasone", "10 mg"), Dose("iohexol", volume="1 mL")],
    )
    patient = _patient(allergies=["dexamethasone"])
    result = assess(patient, tf, at=AT)
    assert result.by_code("allergy:dexamethasone")[0].verdict is Verdict.CONTRAINDICATED
    # an iodinated-contrast allergy is relative (extravascular injection, gadolinium option)
    contrast = assess(_patient(allergies=["iodine"]), tf, at=AT)
    assert contrast.verdict is Verdict.CAUTION
    assert contrast.by_code("rule:iodinated-contrast-allergy-with-contrast")
    assert contrast.by_code("rule:iodinated-contrast-allergy-gadolinium")


def test_lumbar_transforaminal_particulate_is_caution() -> None:
    tf = make_plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("kenalog", "40 mg"), Dose("iohexol", volume="1 mL")],
    )
    result = assess(_patient(), tf, at=AT)
    assert result.verdict is Verdict.CAUTION
    assert result.by_code("rule:esi-lumbar-transforaminal-particulate")


def test_transforaminal_without_contrast_and_without_live_imaging() -> None:
    tf = make_plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("dexamethasone", "10 mg")],
    )
    assert assess(_patient(), tf, at=AT).by_code("rule:esi-transforaminal-without-contrast")


def test_cervical_interlaminar_above_c6_c7_is_caution() -> None:
    # The built-in catalogue only plans C6-C7 and C7-T1; a clinic's own catalogue may not.
    injectates = (Dose("dexamethasone", "10 mg"), Dose("iohexol", volume="2 mL"))
    high = StandInPlan(
        STANDINS["cervical-interlaminar-epidural-injection"],
        (Segment.parse("C5-C6"),),
        None,
        Modality.FLUOROSCOPY,
        injectates,
    )
    assert assess(_patient(), high, at=AT).by_code("rule:esi-cervical-interlaminar-level")
    ok = attrs.evolve(high, levels=(Segment.parse("C6-C7"),))
    assert not assess(_patient(), ok, at=AT).by_code("rule:esi-cervical-interlaminar-level")


def test_interlaminar_epidural_without_imaging_is_deferred() -> None:
    plan = StandInPlan(
        STANDINS["lumbar-interlaminar-epidural-injection"],
        (Segment.parse("L4-L5"),),
        None,
        Modality.LANDMARK,
        (Dose("dexamethasone", "10 mg"),),
    )
    result = assess(_patient(), plan, at=AT)
    assert result.by_code("rule:esi-interlaminar-without-imaging")[0].verdict is Verdict.DEFER
    assert result.earliest_time is None


def test_pregnancy_unknown_is_never_silent_for_fluoroscopy() -> None:
    patient = Patient(age=30)
    result = assess(patient, high_plan(), at=AT)
    assert result.by_code("rule:pregnancy-unknown-ionising-imaging")[0].verdict is Verdict.CAUTION
    assert not assess(patient, low_plan(), at=AT).findings  # ultrasound: no radiation


def test_local_anesthetic_doses() -> None:
    def tpi(*doses: Dose) -> object:
        return make_plan(
            "trigger-point-injection",
            side="left",
            target="trapezius",
            modality="landmark",
            injectates=list(doses),
        )

    low = tpi(Dose("lidocaine", volume="5 mL", concentration="1 %"))
    assert assess(_patient(weight="60 kg"), low, at=AT).verdict is Verdict.PROCEED
    unknown = assess(_patient(), low, at=AT)
    assert unknown.by_code("dose:weight-unknown")[0].verdict is Verdict.INSUFFICIENT_DATA
    over = tpi(Dose("lidocaine", volume="30 mL", concentration="1 %"))
    (finding,) = assess(_patient(weight="60 kg"), over, at=AT).by_code("dose:lidocaine")
    assert finding.verdict is Verdict.DEFER
    both = tpi(
        Dose("lidocaine", volume="15 mL", concentration="1 %"),
        Dose("bupivacaine", volume="20 mL", concentration="0.25 %"),
    )
    result = assess(_patient(weight="60 kg"), both, at=AT)
    assert result.by_code("dose:combined")[0].verdict is Verdict.CAUTION


def test_explain_lists_every_finding_with_sources() -> None:
    patient = _patient(medications=[MedicationUse("clopidogrel", last_dose=AT - 5 * D)])
    result = assess(patient, high_plan(), at=AT)
    text = result.explain()
    assert "Verdict: DEFER" in text
    assert "hold:clopidogrel" in text
    assert "sources: MSK-NEURO, N2018" in text
    assert "until: 2026-03-12 09:00" in text
    assert "clopidogrel: not before 2026-03-11 09:00" in text  # no duration: from the start
    assert "[N2018] Narouze" in text
    assert "not a medical device" in text
    assert "<table>" in result._repr_html_()


def test_assessment_is_hashable_and_picklable() -> None:
    patient = _patient(medications=[MedicationUse("clopidogrel", last_dose=AT - 5 * D)])
    result = assess(patient, high_plan(), at=AT)
    assert isinstance(hash(result), int)
    assert pickle.loads(pickle.dumps(result)) == result
    assert isinstance(result, Assessment)


def test_assess_many_equals_the_loop_and_keeps_order() -> None:
    plans = [low_plan(), intermediate_plan(), high_plan()]
    patients = [
        _patient(medications=[MedicationUse("clopidogrel", last_dose=AT - n * D)]) for n in range(6)
    ]
    pairs = [(p, plans[i % 3]) for i, p in enumerate(patients)]
    expected = [assess(p, q, at=AT) for p, q in pairs]
    assert assess_many(pairs, at=AT) == expected
    assert assess_many(iter(pairs), at=AT, workers=2) == expected
    assert assess_many([], at=AT) == []
    with pytest.raises(ValueError, match="workers"):
        assess_many(pairs, at=AT, workers=0)


@pytest.mark.slow  # starts a process pool
def test_assess_many_with_a_duration_equals_assess_with_it() -> None:
    plans = [low_plan(), intermediate_plan(), high_plan()]
    patients = [
        _patient(medications=[MedicationUse("clopidogrel", last_dose=AT - n * D)]) for n in range(6)
    ]
    pairs = [(p, plans[i % 3]) for i, p in enumerate(patients)]
    forty = timedelta(minutes=40)
    expected = [assess(p, q, at=AT, duration=forty) for p, q in pairs]
    assert expected != [assess(p, q, at=AT) for p, q in pairs]  # the duration counts
    assert assess_many(pairs, at=AT, duration=forty) == expected
    assert assess_many(pairs, at=AT, duration="40 min") == expected
    assert assess_many(iter(pairs), at=AT, workers=2, duration=forty) == expected
    for bad in (timedelta(0), "40 mg"):
        with pytest.raises(ValueError, match="duration"):
            assess_many(pairs, at=AT, duration=bad)
    with pytest.raises(ValueError, match="duration"):  # checked before any pair
        assess_many([], at=AT, duration=-forty)


@pytest.mark.parametrize(
    ("concentration", "expected"),
    [("300 mg/mL", Verdict.PROCEED), ("350 mg/mL", Verdict.DEFER), (None, Verdict.CAUTION)],
)
def test_neuraxial_contrast_must_be_intrathecal_labelled(
    concentration: str | None, expected: Verdict
) -> None:
    tf = make_plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[
            Dose("dexamethasone", "10 mg"),
            Dose("iohexol", volume="1 mL", concentration=concentration),
        ],
    )
    result = assess(_patient(), tf, at=AT)
    (finding,) = result.by_code("contrast-label")
    assert finding.verdict is expected
    assert result.verdict is expected


# ------------------------------------------------- times checked one by one, and as instants


def test_the_latest_of_two_inrs_in_a_repeated_hour_is_the_later_instant() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    at = datetime(2026, 10, 25, 9, 0, tzinfo=berlin)
    earlier = LabResult("inr", 1.0, taken_at=datetime(2026, 10, 25, 2, 45, tzinfo=berlin))
    later = LabResult("inr", 2.0, taken_at=datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=berlin))
    patient = _patient(
        medications=[MedicationUse("warfarin", last_dose=at - 6 * D)], labs=[earlier, later]
    )
    (inr,) = assess(patient, high_plan(), at=at).by_code("lab:inr")
    assert inr.verdict is Verdict.DEFER
    assert inr.message.startswith("Warfarin: INR 2 (2026-10-25 02:15+01:00)")


def test_a_patients_latest_time_is_the_latest_instant() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    dose = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=berlin)  # 01:30 UTC
    lab = LabResult("inr", 1.0, taken_at=datetime(2026, 10, 25, 2, 45, tzinfo=berlin))  # 00:45
    patient = _patient(medications=[MedicationUse("warfarin", last_dose=dose)], labs=[lab])
    at = datetime(2026, 10, 25, 2, 0, fold=1, tzinfo=berlin)  # 01:00 UTC: after the lab only
    with pytest.raises(ValidationError) as caught:
        assess(patient, high_plan(), at=at)
    assert caught.value.field == "medications[0].last_dose"


@pytest.mark.parametrize(
    ("medications", "labs", "field"),
    [
        ([None, AT + timedelta(minutes=1)], [], "medications[1].last_dose"),
        ([AT, AT + timedelta(minutes=1)], [], "medications[1].last_dose"),
        ([], [None, AT + timedelta(minutes=1)], "labs[1].taken_at"),
        ([], [AT, AT + timedelta(minutes=1)], "labs[1].taken_at"),
        ([AT], [AT, AT + timedelta(minutes=1)], "labs[1].taken_at"),
    ],
)
def test_the_time_after_the_procedure_is_named_after_times_that_are_not(
    medications: list[datetime | None], labs: list[datetime | None], field: str
) -> None:
    patient = _patient(
        medications=[MedicationUse("aspirin", last_dose=moment) for moment in medications],
        labs=[LabResult("inr", 1.0, taken_at=moment) for moment in labs],
    )
    with pytest.raises(ValidationError) as caught:
        assess(patient, low_plan(), at=AT)
    assert caught.value.field == field
    assert "after the procedure time 2026-03-10 09:00" in caught.value.reason


def test_naive_and_aware_times_in_one_patient() -> None:
    with pytest.raises(ValidationError) as caught:
        _patient(
            medications=[MedicationUse("aspirin", last_dose=AT)],
            labs=[LabResult("inr", 1.0, taken_at=datetime(2026, 3, 10, 8, tzinfo=UTC))],
        )
    assert caught.value.field == "medications"
    assert caught.value.reason == (
        "naive and timezone-aware datetimes are mixed among last doses and lab times; "
        "use one kind throughout"
    )


class _Floating(tzinfo):
    """A tzinfo with no offset: Python counts a time that carries it as naive."""

    def utcoffset(self, dt: datetime | None) -> None:
        return None

    def dst(self, dt: datetime | None) -> None:
        return None

    def tzname(self, dt: datetime | None) -> None:
        return None


def test_a_time_whose_tzinfo_has_no_offset_counts_as_naive() -> None:
    last = (AT - 3 * D).replace(tzinfo=_Floating())
    floating = _patient(medications=[MedicationUse("clopidogrel", last_dose=last)])
    naive = _patient(medications=[MedicationUse("clopidogrel", last_dose=AT - 3 * D)])
    assert assess(floating, low_plan(), at=AT).verdict is assess(naive, low_plan(), at=AT).verdict
    with pytest.raises(ValidationError) as caught:
        assess(floating, low_plan(), at=AT.replace(tzinfo=UTC))
    assert caught.value.field == "medications[0].last_dose"


# ------------------------------------------------------------- several reasons in one finding


def test_several_reasons_are_listed_in_one_finding() -> None:
    patient = _patient(
        conditions=["liver-disease", "signs-of-coagulopathy", "thrombocytopenia", "coagulopathy"],
        medications=[
            MedicationUse("aspirin", last_dose=AT - 10 * D),
            MedicationUse("ibuprofen", last_dose=AT - 10 * D),
        ],
    )
    result = assess(patient, intermediate_plan(), at=AT)
    (upgraded,) = result.by_code("bleeding-risk-upgraded")
    assert upgraded.message.startswith(
        "Procedure bleeding risk intermediate handled as high because of patient factors: "
        "coagulopathy ("
    )
    assert "); liver-disease (" in upgraded.message
    assert upgraded.message.endswith("; concurrent antithrombotics (aspirin, ibuprofen).")
    (platelets,) = result.by_code("lab:platelets")
    assert platelets.message.startswith(
        "A recent platelet count is required (coagulopathy, thrombocytopenia) before"
    )
    (studies,) = result.by_code("coagulation-studies")
    assert studies.message == (
        "Consider coagulation studies (liver-disease, signs-of-coagulopathy); "
        "no recent INR or platelets."
    )
