"""to_resource, to_bundle and patient_to_bundle: every output validates and says what it should."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fhir_bundles import AT

from interventional.codes import Codes
from interventional.errors import ValidationError
from interventional.fhir import to_bundle, to_resource
from interventional.fhir._write import _standard_codings
from interventional.procedures import default_catalog, plan
from interventional.safety import MedicationUse, Patient, Verdict, assess

pytest.importorskip("fhir.resources")


def validate(resource: dict[str, Any]) -> Any:
    """The resource read back through the R4B model of its type (raises when invalid)."""
    import importlib

    kind = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    return getattr(module, kind).model_validate(resource)


@pytest.mark.parametrize("ident", sorted(default_catalog()))
def test_every_procedure_is_a_valid_activity_definition(ident: str) -> None:
    procedure = default_catalog()[ident]
    resource = to_resource(procedure)
    definition = validate(resource)
    assert definition.id == procedure.id
    assert definition.title == procedure.name
    assert [a.label for a in definition.relatedArtifact] == [r.key for r in procedure.references]
    assert all(a.type == "citation" for a in definition.relatedArtifact)
    assert definition.code.coding[-1].code == procedure.id


def test_standard_codes_are_written_where_a_record_has_them() -> None:
    codes = Codes({"snomed": "14106009", "icd-10-cm": "Z95.0"}, references=["SNOMED-CT"])
    assert _standard_codings(codes, ()) == []
    (coding,) = _standard_codings(codes, (codes.systems[0],))
    assert coding == {"system": "http://snomed.info/sct", "code": "14106009"}
    assert _standard_codings({"snomed": ["72506001"], "uberon": "x"}, codes.systems) == [
        {"system": "http://snomed.info/sct", "code": "72506001"}
    ]


def test_a_plan_is_a_service_request_with_laterality() -> None:
    mbb = plan("lumbar-medial-branch-block", levels=["L4-L5"], side="right")
    resource = to_resource(mbb, subject="Patient/p1", reason="Condition/back-pain")
    request = validate(resource)
    assert request.intent == "proposal"
    assert request.subject.reference == "Patient/p1"
    assert request.reasonReference[0].reference == "Condition/back-pain"
    assert [site.text for site in request.bodySite] == [s.name for s in mbb.targets]
    bodies = {body.id: body for body in request.contained}
    for extension in request.extension:
        body = bodies[extension.valueReference.reference.lstrip("#")]
        assert body.locationQualifier[0].coding[0].code == "24028007"  # right
    assert any(detail.text == "at L4-L5" for detail in request.orderDetail)


def test_a_midline_plan_has_no_laterality() -> None:
    resource = to_resource(plan("spinal-cord-stimulator-trial", levels=["T8"]))
    validate(resource)
    assert all("locationQualifier" not in body for body in resource["contained"])


def test_an_assessment_is_a_risk_assessment_with_an_issue_per_deferring_finding() -> None:
    patient = Patient(
        age=70,
        pregnant=False,
        medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=2))],
    )
    assessment = assess(patient, plan("spinal-cord-stimulator-trial", levels=["T8"]), at=AT)
    resource = to_resource(assessment, subject="Patient/p")
    risk = validate(resource)
    assert risk.prediction[0].outcome.coding[0].code == assessment.verdict.value == "defer"
    blocking = [f for f in assessment.findings if f.verdict >= Verdict.DEFER]
    issues = {issue.id: issue for issue in risk.contained}
    assert [ref.reference.lstrip("#") for ref in risk.basis] == list(issues)
    assert len(issues) == len(blocking) == 1
    (issue,) = issues.values()
    (finding,) = blocking
    assert issue.code.coding[0].code == finding.code
    assert issue.detail == finding.message
    assert issue.identifiedPeriod.end == finding.until
    assert issue.evidence[0].detail[0].display == str(finding.references[0])
    assert issue.severity == "moderate"


def test_to_bundle_gathers_and_is_stable() -> None:
    mbb = plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left")
    assessment = assess(Patient(age=50), mbb, at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    objs = [mbb.procedure, mbb, assessment]
    bundle = to_bundle(objs, subject="Patient/p")
    validate(bundle)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds == ["ActivityDefinition", "ServiceRequest", "RiskAssessment"]
    assert to_bundle(objs, subject="Patient/p") == bundle


def test_only_procedures_plans_and_assessments() -> None:
    with pytest.raises(ValidationError, match="expected a Procedure, ProcedurePlan or Assessment"):
        to_resource(Patient(age=50))  # type: ignore[arg-type]
