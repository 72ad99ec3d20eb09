"""Patient.unresolved: the records an importer could not read, carried with the patient."""

from __future__ import annotations

import pytest

from interventional.errors import CatalogError, ValidationError
from interventional.safety import Patient, UnresolvedRecord, load_patient


def test_records_are_validated_and_converted() -> None:
    record = UnresolvedRecord("drug_exposure row 12", "medication 'Eliquis'", "unknown concept")
    patient = Patient(age=70, unresolved=[record, {"source": "s", "what": "w", "reason": "r"}])
    assert patient.unresolved[0] is record
    assert patient.unresolved[1] == UnresolvedRecord("s", "w", "r")
    assert record.finding_code == "unresolved:drug_exposure row 12"
    assert "drug_exposure row 12" in record.message
    assert "unknown concept" in record.message


@pytest.mark.parametrize("bad", ["x", [3], [{"source": "", "what": "w", "reason": "r"}]])
def test_bad_records_raise(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"unresolved|source"):
        Patient(age=70, unresolved=bad)


def test_a_hand_built_patient_has_none() -> None:
    assert Patient(age=70).unresolved == ()


def test_toml_patients_may_carry_them(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "p.toml"
    path.write_text(
        '[[patient]]\nage = 70\n[[patient.unresolved]]\nsource = "row 3"\nwhat = "INR"\nreason = "no time"\n',
        encoding="utf-8",
    )
    assert load_patient(path).unresolved == (UnresolvedRecord("row 3", "INR", "no time"),)
    path.write_text('[[patient]]\nage = 70\nunresolved = "x"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="unresolved"):
        load_patient(path)


def test_assess_reports_each_unresolved_record_as_insufficient_data() -> None:
    from datetime import datetime

    from interventional.procedures import plan
    from interventional.safety import Verdict, assess

    record = UnresolvedRecord("MedicationRequest/med-7", "medication 'Eliquis'", "unknown code")
    knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    at = datetime(2026, 3, 10, 9)
    assert assess(Patient(age=70), knee, at=at).verdict is Verdict.PROCEED
    result = assess(Patient(age=70, unresolved=[record]), knee, at=at)
    assert result.verdict is Verdict.INSUFFICIENT_DATA
    assert result.earliest_time is None
    (finding,) = result.by_code("unresolved")
    assert finding.code == record.finding_code
    assert finding.message == record.message
