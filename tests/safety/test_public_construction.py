"""The engine's results are what the public constructors build.

The engine builds its findings and assessments through the public constructors (its
messages are written when first read). These tests rebuild each engine result through the
public constructors and compare everything: equality, hash, repr, pickling, data form.
"""

from __future__ import annotations

import pickle

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies
from interventional.procedures.risk import BleedingRisk
from interventional.safety import Assessment, Finding, Verdict, assess

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _public(assessment: Assessment) -> Assessment:
    findings = tuple(
        Finding(f.code, f.verdict, f.message, f.references, drug=f.drug, until=f.until)
        for f in assessment.findings
    )
    return Assessment(
        procedure=assessment.procedure,
        at=assessment.at,
        bleeding_risk=assessment.bleeding_risk,
        handled_as=assessment.handled_as,
        findings=findings,
        earliest_time=assessment.earliest_time,
        restart=dict(assessment.restart),
    )


def test_the_fields_of_findings_and_assessments() -> None:
    finding_fields = [a.name for a in attrs.fields(Finding)]
    assessment_fields = [a.name for a in attrs.fields(Assessment)]
    assert finding_fields == ["code", "verdict", "_message", "references", "drug", "until"]
    assert assessment_fields == [
        "procedure",
        "at",
        "bleeding_risk",
        "handled_as",
        "findings",
        "earliest_time",
        "restart",
        "verdict",
    ]


@SETTINGS
@given(patient=strategies.patients(), plan=strategies.plans())
def test_engine_results_equal_their_public_construction(patient, plan) -> None:  # type: ignore[no-untyped-def]
    result = assess(patient, plan, at=strategies.NOW)
    rebuilt = _public(result)
    assert rebuilt == result
    assert rebuilt.verdict is result.verdict
    assert [f.message for f in rebuilt.findings] == [f.message for f in result.findings]
    assert repr(rebuilt) == repr(result)
    assert pickle.loads(pickle.dumps(result)) == result
    assert hash(rebuilt) == hash(result)


@given(st.lists(st.sampled_from(list(Verdict)), max_size=6))
def test_the_verdict_is_the_most_restrictive(verdicts: list[Verdict]) -> None:
    findings = [Finding(f"rule:{i}", v, "x", ()) for i, v in enumerate(verdicts)]
    low = BleedingRisk.LOW
    assessment = Assessment("p", strategies.NOW, low, low, findings, None, {})
    assert assessment.verdict is (max(verdicts) if verdicts else Verdict.PROCEED)
    assert type(assessment.findings) is tuple
    assert [f.verdict for f in assessment.findings] == verdicts


@SETTINGS
@given(patient=strategies.patients(), plan=strategies.plans())
def test_results_compare_as_their_words_before_and_after_reading(patient, plan) -> None:  # type: ignore[no-untyped-def]
    result = assess(patient, plan, at=strategies.NOW)
    twin = assess(patient, plan, at=strategies.NOW)
    assert result == twin  # compared before either message is read
    assert hash(result) == hash(twin)
    assert [f.message for f in result.findings] == [f.message for f in twin.findings]
    assert result == twin
    assert pickle.loads(pickle.dumps(twin)).findings == result.findings


@SETTINGS
@given(patient=strategies.patients(), plan=strategies.plans())
def test_engine_results_survive_their_data_form(patient, plan) -> None:  # type: ignore[no-untyped-def]
    from interventional._data import structure_hook, unstructure

    result = assess(patient, plan, at=strategies.NOW)
    for finding in result.findings:
        data = unstructure(finding)
        assert data["message"] == finding.message  # written out under its public name
        assert "_message" not in data
        assert structure_hook(Finding)(data) == finding
    assert structure_hook(Assessment)(unstructure(result)) == result


def test_patterns_and_repr_read_the_public_names() -> None:
    from interventional.procedures import plan
    from interventional.safety import MedicationUse, Patient

    patient = Patient(age=70, medications=[MedicationUse("clopidogrel", last_dose=None)])
    result = assess(patient, plan("sgb", side="right"), at=strategies.NOW)
    match result:
        case Assessment(procedure, _, _, _, findings):
            assert procedure == "stellate-ganglion-block"
            assert type(findings) is tuple
            assert findings == result.findings
    match result.findings[0]:
        case Finding(code, verdict, message):
            assert (code, verdict) == (result.findings[0].code, result.verdict)
            assert type(message) is str

    class Kept(Assessment):
        pass

    kept = Kept(
        result.procedure, result.at, result.bleeding_risk, result.handled_as, result.findings
    )
    assert repr(kept).startswith("Kept(procedure='stellate-ganglion-block'")
