"""A generated patient written as a bundle and read back is assessed the same."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from interventional import strategies as ivst
from interventional.fhir import assess_imported, patient_from_bundle, patient_to_bundle
from interventional.safety import LabName, Patient, assess

pytest.importorskip("fhir.resources")


@pytest.mark.slow  # a hypothesis search
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patient=ivst.patients(now=ivst.NOW), plan=ivst.plans())
def test_written_and_read_back_gives_the_same_assessment(patient: Patient, plan: object) -> None:
    # A creatinine clearance result is the patient's creatinine clearance when read from
    # FHIR (the field has no resource of its own), so the drawn patient says so too.
    clearances = [lab for lab in patient.labs if lab.name is LabName.CREATININE_CLEARANCE]
    if clearances:
        patient = attrs.evolve(patient, creatinine_clearance=clearances[-1].value)
    bundle = patient_to_bundle(patient, at=ivst.NOW)
    imported = patient_from_bundle(bundle, at=ivst.NOW)
    assert imported.blocking == ()
    back = imported.patient
    assert back.medications == patient.medications
    assert back.conditions == patient.conditions
    assert back.devices == patient.devices
    assert back.pregnant == patient.pregnant
    assert assess_imported(imported, plan) == assess(patient, plan, at=ivst.NOW)  # type: ignore[arg-type]
