"""The order in which a patient's medications and labs are listed never changes the verdict."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.procedures import plan
from interventional.safety import LabResult, MedicationUse, Patient, assess


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ivst.patients(max_medications=4), ivst.plans(injectates=False), st.randoms())
def test_listing_order_does_not_change_the_assessment(
    patient: Any, chosen: Any, shuffler: Any
) -> None:
    medications, labs = list(patient.medications), list(patient.labs)
    shuffler.shuffle(medications)
    shuffler.shuffle(labs)
    shuffled = Patient(
        age=patient.age,
        weight=patient.weight,
        pregnant=patient.pregnant,
        medications=medications,
        labs=labs,
        conditions=patient.conditions,
        devices=patient.devices,
    )
    first = assess(patient, chosen, at=ivst.NOW)
    second = assess(shuffled, chosen, at=ivst.NOW)
    assert second.verdict is first.verdict
    assert sorted(f.code for f in second.findings) == sorted(f.code for f in first.findings)
    assert second.earliest_time == first.earliest_time


AT = datetime(2026, 3, 10, 9, 0)


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
