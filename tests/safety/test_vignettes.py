"""The worked vignettes of the fact sheet (contraindications.md, section 6), one test each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import AT, make_plan

from interventional.pharmacology import Dose
from interventional.procedures.risk import BleedingRisk
from interventional.safety import LabResult, MedicationUse, Patient, Verdict, assess


def _patient(**kwargs: object) -> Patient:
    kwargs.setdefault("pregnant", False)
    return Patient(age=kwargs.pop("age", 60), **kwargs)  # type: ignore[arg-type]


def test_lumbar_mbb_on_apixaban_12_hours_ago_is_not_a_three_day_hold() -> None:
    # Low-risk procedure: the low-risk DOAC cell is a shared assessment (value unverified),
    # never the 3-5-day hold of intermediate/high-risk procedures.
    patient = _patient(medications=[MedicationUse("apixaban", last_dose=AT - timedelta(hours=12))])
    mbb = make_plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left")
    result = assess(patient, mbb, at=AT)
    (hold,) = result.by_code("hold:apixaban")
    # the shared assessment needs the prescriber's decision: INSUFFICIENT_DATA until recorded
    assert hold.verdict is Verdict.INSUFFICIENT_DATA
    assert hold.until is None
    assert "shared assessment" in hold.message
    assert "decision='continue' or decision='hold'" in hold.message
    assert result.verdict is Verdict.INSUFFICIENT_DATA
    assert result.earliest_time is None
    assert "apixaban" not in result.restart
    continued = _patient(
        medications=[
            MedicationUse("apixaban", last_dose=AT - timedelta(hours=12), decision="continue")
        ]
    )
    result = assess(continued, mbb, at=AT)
    assert result.by_code("hold:apixaban")[0].verdict is Verdict.CAUTION
    assert result.earliest_time == AT


def test_scs_trial_clopidogrel_five_days_ago_defers_until_seven_days() -> None:
    last = AT - timedelta(days=5)
    patient = _patient(medications=[MedicationUse("clopidogrel", last_dose=last)])
    result = assess(patient, make_plan("spinal-cord-stimulator-trial", levels=["T8"]), at=AT)
    assert result.verdict is Verdict.DEFER
    (hold,) = result.by_code("hold:clopidogrel")
    assert hold.verdict is Verdict.DEFER
    assert hold.drug == "clopidogrel"
    assert hold.until == last + timedelta(days=7)
    assert result.earliest_time == last + timedelta(days=7)


def test_scs_trial_clopidogrel_exactly_seven_days_ago_is_met_and_restarts() -> None:
    last = AT - timedelta(days=7)
    patient = _patient(medications=[MedicationUse("clopidogrel", last_dose=last)])
    result = assess(patient, make_plan("spinal-cord-stimulator-trial", levels=["T8"]), at=AT)
    (hold,) = result.by_code("hold:clopidogrel")
    assert hold.verdict is Verdict.PROCEED
    assert hold.until == AT
    assert result.verdict is Verdict.PROCEED
    # Restart 12-24 h: the conservative upper bound; no duration given, so from the start.
    assert result.restart == {"clopidogrel": AT + timedelta(hours=24)}
    assert "12-24 h; 24 applied by policy" in hold.message


def _interlaminar(**kwargs: object) -> object:
    return make_plan(
        "lumbar-interlaminar-epidural-injection",
        levels=["L4-L5"],
        modality="fluoroscopy",
        injectates=[
            Dose("iohexol", volume="3 mL", concentration="300 mg/mL"),
            Dose("dexamethasone", "10 mg"),
        ],
    )


def test_interlaminar_epidural_warfarin_without_inr_needs_data() -> None:
    patient = _patient(medications=[MedicationUse("warfarin", last_dose=AT - timedelta(days=5))])
    result = assess(patient, _interlaminar(), at=AT)
    assert result.verdict is Verdict.INSUFFICIENT_DATA
    (lab,) = result.by_code("lab:inr")
    assert lab.verdict is Verdict.INSUFFICIENT_DATA
    assert "INR" in lab.message
    assert result.earliest_time is None


def test_interlaminar_epidural_warfarin_with_inr_this_morning_proceeds() -> None:
    patient = _patient(
        medications=[MedicationUse("warfarin", last_dose=AT - timedelta(days=5))],
        labs=[LabResult("inr", 1.1, taken_at=AT.replace(hour=7))],
    )
    result = assess(patient, _interlaminar(), at=AT)
    assert result.by_code("hold:warfarin")[0].verdict is Verdict.PROCEED
    assert result.by_code("lab:inr")[0].verdict is Verdict.PROCEED
    assert result.verdict is Verdict.PROCEED


def test_stellate_block_elderly_renal_patient_on_dabigatran_handled_as_high_with_six_days() -> None:
    last = AT - timedelta(days=4)
    patient = _patient(
        age=80,
        conditions=["advanced-age", "advanced-renal-disease"],
        medications=[MedicationUse("dabigatran", last_dose=last)],
    )
    sgb = make_plan("stellate-ganglion-block", levels=["C6"], side="left", modality="ultrasound")
    result = assess(patient, sgb, at=AT)
    assert result.bleeding_risk is BleedingRisk.INTERMEDIATE
    assert result.handled_as is BleedingRisk.HIGH
    assert result.verdict is Verdict.DEFER
    (hold,) = result.by_code("hold:dabigatran")
    assert hold.until == last + timedelta(days=6)
    upgrade = result.by_code("bleeding-risk-upgraded")[0]
    assert "advanced-age" in upgrade.message
    assert "advanced-renal-disease" in upgrade.message


def test_cervical_transforaminal_with_methylprednisolone_acetate_is_contraindicated() -> None:
    tf = make_plan(
        "cervical-transforaminal-epidural-injection",
        levels=["C5-C6"],
        side="left",
        injectates=[Dose("depo-medrol", "80 mg"), Dose("iohexol", volume="1 mL")],
    )
    result = assess(_patient(), tf, at=AT)
    assert result.verdict is Verdict.CONTRAINDICATED
    (finding,) = result.by_code("rule:esi-cervical-transforaminal-particulate")
    assert [ref.key for ref in finding.references] == ["R2015", "R2015-ED"]
    assert result.earliest_time is None


def test_knee_injection_on_secondary_prevention_aspirin_proceeds() -> None:
    patient = _patient(
        medications=[
            MedicationUse(
                "aspirin", last_dose=AT - timedelta(hours=2), indication="secondary-prophylaxis"
            )
        ]
    )
    result = assess(
        patient, make_plan("knee-joint-injection", side="left", modality="ultrasound"), at=AT
    )
    assert result.by_code("hold:aspirin")[0].verdict is Verdict.PROCEED
    assert result.verdict is Verdict.PROCEED


def test_lumbar_transforaminal_with_bacteraemia_is_contraindicated() -> None:
    patient = _patient(conditions=["systemic-infection"])
    tf = make_plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("dexamethasone", "10 mg"), Dose("iohexol", volume="1 mL")],
    )
    result = assess(patient, tf, at=AT)
    assert result.verdict is Verdict.CONTRAINDICATED
    assert result.by_code("rule:systemic-infection-neuraxial")
    assert not result.by_code("rule:systemic-infection")  # the weaker half is not repeated


def test_lumbar_rf_ablation_with_pacemaker_is_caution() -> None:
    patient = _patient(devices=["pacemaker"])
    rf = make_plan("lumbar-medial-branch-radiofrequency-ablation", levels=["L4-L5"], side="left")
    result = assess(patient, rf, at=AT)
    assert result.verdict is Verdict.CAUTION
    (finding,) = result.by_code("rule:cardiac-device-radiofrequency")
    assert "reprogramming" in finding.message


@pytest.mark.parametrize(
    "procedure",
    [
        "genicular-nerve-pulsed-radiofrequency",
        "hip-articular-branch-cooled-radiofrequency-ablation",
    ],
)
def test_pulsed_and_cooled_rf_with_a_pacemaker_get_the_rf_device_finding(procedure: str) -> None:
    # Pulsed and cooled RF pass RF current like conventional RF ablation (ASPN-RFA, SJM-RF).
    patient = _patient(devices=["pacemaker"])
    result = assess(patient, make_plan(procedure, side="left"), at=AT)
    assert result.by_code("rule:cardiac-device-radiofrequency")


def test_fluoroscopic_procedure_in_pregnancy_is_caution() -> None:
    patient = Patient(age=30, pregnant=True)
    mbb = make_plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left")
    result = assess(patient, mbb, at=AT)
    assert result.verdict is Verdict.CAUTION
    assert "fetus" in result.by_code("rule:pregnancy-ionising-imaging")[0].message


def test_trigger_point_lidocaine_250_mg_in_60_kg_is_under_270_mg_but_near() -> None:
    patient = _patient(weight="60 kg")
    tpi = make_plan(
        "trigger-point-injection",
        side="left",
        target="trapezius",
        modality="landmark",
        injectates=[Dose("lidocaine", volume="25 mL", concentration="1 %")],
    )
    result = assess(patient, tpi, at=AT)
    (dose,) = result.by_code("dose:lidocaine")
    assert dose.verdict is Verdict.CAUTION
    assert "250 mg" in dose.message
    assert "270 mg" in dose.message
    assert result.verdict is Verdict.CAUTION
