"""The shared decision in FHIR: written as an extension on MedicationStatement, read back."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest

pytest.importorskip("fhir.resources")

from interventional.fhir import patient_from_bundle, patient_to_bundle
from interventional.fhir._read import DECISION_EXTENSION
from interventional.procedures import plan
from interventional.safety import Decision, MedicationUse, Patient, Verdict, assess

AT = datetime(2026, 3, 10, 9, 0)


def _patient(decision: str | None) -> Patient:
    aspirin = MedicationUse(
        "aspirin",
        last_dose=datetime(2026, 3, 9, 9, 0),
        indication="secondary-prophylaxis",
        decision=decision,
    )
    return Patient(age=64, pregnant=False, medications=[aspirin])


def _statements(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "MedicationStatement"
    ]


@pytest.mark.parametrize("decision", [None, "continue", "hold"])
def test_the_decision_round_trips_with_the_same_assessment(decision: str | None) -> None:
    patient = _patient(decision)
    bundle = patient_to_bundle(patient, at=AT)
    (statement,) = _statements(bundle)
    if decision is None:
        assert "extension" not in statement
    else:
        assert statement["extension"] == [{"url": DECISION_EXTENSION, "valueCode": decision}]
    read = patient_from_bundle(bundle, at=AT).patient
    assert read.medications[0].decision == (None if decision is None else Decision(decision))
    implant = plan("spinal-cord-stimulator-implant", levels=["T8"])
    assert assess(read, implant, at=AT).verdict is assess(patient, implant, at=AT).verdict


def test_an_unknown_decision_code_is_not_recorded_and_is_noted() -> None:
    bundle = copy.deepcopy(patient_to_bundle(_patient("hold"), at=AT))
    _statements(bundle)[0]["extension"][0]["valueCode"] = "stop"
    imported = patient_from_bundle(bundle, at=AT)
    assert imported.patient.medications[0].decision is None
    assert any("shared decision 'stop'" in note for note in imported.notes)
    implant = plan("spinal-cord-stimulator-implant", levels=["T8"])
    assert assess(imported.patient, implant, at=AT).verdict is Verdict.INSUFFICIENT_DATA


def test_records_that_disagree_leave_the_decision_unrecorded() -> None:
    bundle = copy.deepcopy(patient_to_bundle(_patient("hold"), at=AT))
    (statement,) = _statements(bundle)
    second = copy.deepcopy(statement)
    second["id"] = "medication-2"
    second["extension"] = [{"url": DECISION_EXTENSION, "valueCode": "continue"}]
    bundle["entry"].append({"fullUrl": "urn:uuid:medication-2", "resource": second})
    imported = patient_from_bundle(bundle, at=AT)
    assert imported.patient.medications[0].decision is None
    assert any("different shared decisions" in note for note in imported.notes)
