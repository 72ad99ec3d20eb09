"""patient_from_bundle: what each resource type becomes, and what is never dropped."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fhir_bundles import AT, DATA, LOINC, bundle, lab, rxnorm

from interventional.fhir import (
    BundleError,
    ImportedPatient,
    assess_imported,
    patient_from_bundle,
)
from interventional.procedures import plan
from interventional.safety import LabName, MedicationUse, Patient, Verdict, assess

pytest.importorskip("fhir.resources")

SCS = plan("spinal-cord-stimulator-trial", levels=["T8"])
KNEE = plan("knee-joint-injection", side="left", modality="ultrasound")


def statement(ident: str, concept: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationStatement",
        "id": ident,
        "status": fields.pop("status", "active"),
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": concept,
        **fields,
    }


def read(*resources: dict[str, Any], at: datetime = AT) -> ImportedPatient:
    return patient_from_bundle(bundle(*resources), at=at)


def last_dose(imported: ImportedPatient, drug: str) -> datetime | None:
    (use,) = [m for m in imported.patient.medications if m.drug == drug]
    return use.last_dose


# --- the acceptance case: apixaban two days ago before a spinal cord stimulator trial


@pytest.mark.parametrize("at", [AT, AT.replace(tzinfo=None)], ids=["aware", "naive"])
@pytest.mark.parametrize("form", ["dict", "json", "path"])
def test_rxnorm_apixaban_two_days_ago_defers_like_the_hand_built_patient(
    at: datetime, form: str, tmp_path: Any
) -> None:
    taken = AT - timedelta(days=2)
    data = bundle(statement("apixaban", rxnorm("1364430"), effectiveDateTime=taken.isoformat()))
    given: Any = data
    if form == "json":
        given = json.dumps(data)
    elif form == "path":
        given = tmp_path / "bundle.json"
        given.write_text(json.dumps(data), encoding="utf-8")
    imported = patient_from_bundle(given, at=at)
    by_hand = Patient(
        age=66,
        medications=[
            MedicationUse("apixaban", last_dose=taken if at.tzinfo else taken.replace(tzinfo=None))
        ],
    )
    got, expected = assess(imported.patient, SCS, at=at), assess(by_hand, SCS, at=at)
    assert got.verdict is Verdict.DEFER
    assert got == expected
    assert imported.unmapped == ()


# --- the shapes of generated and exported bundles


def test_synthea_shaped_bundle() -> None:
    imported = patient_from_bundle(DATA / "synthea-apixaban.json", at=AT)
    patient = imported.patient
    assert patient.age.magnitude == 67
    assert patient.weight is not None
    assert patient.weight.magnitude == pytest.approx(76.9)
    assert patient.conditions == ("diabetes",)
    platelets = [lab.magnitude for lab in patient.labs if lab.name is LabName.PLATELETS]
    assert platelets == [241_000, 228_000]  # repeated results are all kept
    # the active order alone gives no dose time; the statement of the last dose does
    assert last_dose(imported, "apixaban") == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    assert imported.blocking == ()
    reasons = {item.source.split("/")[0]: item.reason for item in imported.unmapped}
    assert "RxNorm code '197361'" in reasons["MedicationRequest"]  # amlodipine: not a rule's drug
    assert {"Encounter", "Immunization", "Claim"} <= set(reasons)
    assert any("read from the text 'apixaban 5 MG Oral Tablet'" in note for note in imported.notes)
    assert assess_imported(imported, SCS).verdict is Verdict.DEFER


def test_ehr_export_with_unresolved_records() -> None:
    imported = patient_from_bundle(DATA / "ehr-export-unresolved.json", at=AT)
    patient = imported.patient
    blocking = {item.source for item in imported.blocking}
    assert blocking == {
        "Observation/inr-untimed",  # an INR without its time
        "Observation/plt-local",  # a platelet count under a local code
        "MedicationStatement/med-misspelt",  # 'Clopidogrl': looks like an antithrombotic
        "MedicationStatement/med-atc",  # ATC B01AE03, a drug the vocabulary lacks
        "MedicationAdministration/adm-unknown",  # a reference to a missing Medication
    }
    assert [r.source for r in patient.unresolved] == [i.source for i in imported.blocking]
    assert patient.medications == (
        MedicationUse("apixaban", last_dose=datetime(2026, 3, 7, 20, tzinfo=UTC)),
    )
    assert patient.allergies == ("iodinated-contrast",)
    assert patient.devices == ("pacemaker",)
    assert patient.conditions == ("advanced-renal-disease",)
    assert patient.pregnant is False
    result = assess_imported(imported, KNEE)
    assert result.verdict >= Verdict.INSUFFICIENT_DATA
    assert result.earliest_time is None
    for source in blocking:
        (finding,) = result.by_code("unresolved:" + source)
        assert finding.verdict is Verdict.INSUFFICIENT_DATA
        assert source in finding.message


def test_pregnancy_by_condition_and_weight_in_pounds() -> None:
    imported = patient_from_bundle(DATA / "pregnancy-condition.json", at=AT)
    assert imported.patient.pregnant is True  # the condition is later than the status
    assert imported.patient.weight is not None
    assert imported.patient.weight.magnitude == pytest.approx(150 * 0.45359237)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("LA15173-0", True), ("LA26683-5", False), ("LA4489-6", None)],
)
def test_pregnancy_status_answers(answer: str, expected: bool | None) -> None:
    status = {
        "resourceType": "Observation",
        "id": "s",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "82810-3"}]},
        "effectiveDateTime": "2026-03-01",
        "valueCodeableConcept": {"coding": [{"system": LOINC, "code": answer}]},
    }
    assert read(status).patient.pregnant is expected


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("http://snomed.info/sct", "77386006"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "Z33.1"),
        ("http://snomed.info/sct", "72892002"),
    ],
)
def test_pregnancy_condition_codes(system: str, code: str) -> None:
    condition = {
        "resourceType": "Condition",
        "id": "c",
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [{"system": system, "code": code}]},
    }
    assert read(condition).patient.pregnant is True
    ended = {
        **condition,
        "abatementDateTime": "2026-02-01",
        "clinicalStatus": {"coding": [{"code": "resolved"}]},
    }
    assert read(ended).patient.pregnant is False


# --- published examples (the FHIR specification's, as the fhir.resources tests ship them)


def published(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "published" / name).read_text(encoding="utf-8"))
    return data


def test_published_patient_and_body_weight_examples() -> None:
    patient = published("Patient-with-ext.json")
    weight = published("observation-example-body-weight.json")
    apgar = published("Observation-apgar.json")
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in (patient, weight, apgar)],
    }
    imported = patient_from_bundle(data, at=AT)
    assert imported.patient.age.magnitude == 51  # born 1974-12
    assert imported.patient.weight is not None
    assert imported.patient.weight.magnitude == pytest.approx(185 * 0.45359237)
    (unmapped,) = imported.unmapped
    assert unmapped.source == "Observation/2minute-apgar-score"
    assert not unmapped.blocking


# --- the last dose of each resource type


def test_an_order_is_not_a_dose() -> None:
    order = {
        "resourceType": "MedicationRequest",
        "id": "o",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p"},
        "authoredOn": "2026-03-09T08:00:00Z",
        "medicationCodeableConcept": rxnorm("1364430"),
    }
    imported = read(order)
    assert last_dose(imported, "apixaban") is None  # authoredOn is never a dose time
    assert (
        assess(imported.patient, SCS, at=AT).by_code("hold:apixaban")[0].verdict
        is Verdict.INSUFFICIENT_DATA
    )


def test_regimen_end_bounds_the_last_dose() -> None:
    order = {
        "resourceType": "MedicationRequest",
        "id": "o",
        "status": "completed",
        "intent": "order",
        "subject": {"reference": "Patient/p"},
        "authoredOn": "2026-02-01",
        "medicationCodeableConcept": rxnorm("1364430"),
        "dosageInstruction": [
            {"timing": {"repeat": {"boundsPeriod": {"start": "2026-02-01", "end": "2026-03-05"}}}}
        ],
    }
    assert last_dose(read(order), "apixaban") == datetime(2026, 3, 6, tzinfo=UTC)  # the day's end


def administration(ident: str, **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationAdministration",
        "id": ident,
        "status": fields.pop("status", "completed"),
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": rxnorm("67108"),
        **fields,
    }


def test_administration_period_end_and_in_progress() -> None:
    done = administration(
        "a", effectivePeriod={"start": "2026-03-08T08:00:00Z", "end": "2026-03-08T09:00:00Z"}
    )
    assert last_dose(read(done), "enoxaparin") == datetime(2026, 3, 8, 9, tzinfo=UTC)
    running = administration(
        "b", status="in-progress", effectivePeriod={"start": "2026-03-08T08:00:00Z"}
    )
    assert last_dose(read(running), "enoxaparin") is None


@pytest.mark.parametrize(
    ("category", "expected"),
    [("inpatient", datetime(2026, 3, 8, 9, tzinfo=UTC)), ("outpatient", None)],
)
def test_an_open_order_is_superseded_by_charted_doses_only(
    category: str, expected: datetime | None
) -> None:
    order = {
        "resourceType": "MedicationRequest",
        "id": "o",
        "status": "active",
        "intent": "order",
        "category": [{"coding": [{"code": category}]}],
        "subject": {"reference": "Patient/p"},
        "authoredOn": "2026-03-01T08:00:00Z",
        "medicationCodeableConcept": rxnorm("67108"),
    }
    given = administration("a", effectiveDateTime="2026-03-08T09:00:00Z")
    assert last_dose(read(order, given), "enoxaparin") == expected


def test_a_statement_after_the_order_gives_the_last_dose() -> None:
    order = {
        "resourceType": "MedicationRequest",
        "id": "o",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p"},
        "authoredOn": "2025-01-01",
        "medicationCodeableConcept": rxnorm("1364430"),
    }
    stopped = statement(
        "s",
        rxnorm("1364430"),
        status="completed",
        effectivePeriod={"start": "2025-01-02", "end": "2026-03-07T08:00:00Z"},
    )
    assert last_dose(read(order, stopped), "apixaban") == datetime(2026, 3, 7, 8, tzinfo=UTC)
    early = statement("s", rxnorm("1364430"), effectiveDateTime="2024-12-01")
    assert (
        last_dose(read(order, early), "apixaban") is None
    )  # before the order: not a sign it stopped


def test_open_period_and_date_only_dose_times() -> None:
    open_period = statement("s", rxnorm("1364430"), effectivePeriod={"start": "2026-01-01"})
    assert last_dose(read(open_period), "apixaban") is None
    same_day = statement("s", rxnorm("1364430"), effectiveDateTime="2026-03-10")
    assert last_dose(read(same_day), "apixaban") == AT  # the latest instant, never after at
    day = statement("s", rxnorm("1364430"), effectiveDateTime="2026-03-08")
    assert last_dose(read(day), "apixaban") == datetime(2026, 3, 9, tzinfo=UTC)


def test_skipped_statuses_and_future_doses_are_listed_not_read() -> None:
    wrong = statement(
        "w", rxnorm("1364430"), status="entered-in-error", effectiveDateTime="2026-03-08"
    )
    later = statement("l", rxnorm("1364430"), effectiveDateTime="2026-03-11T08:00:00Z")
    imported = read(wrong, later)
    assert imported.patient.medications == ()
    assert [item.source for item in imported.unmapped] == [
        "MedicationStatement/w",
        "MedicationStatement/l",
    ]
    assert imported.blocking == ()


def test_medication_by_text_and_by_atc() -> None:
    by_brand = statement("b", {"text": "Plavix 75 mg tablet"}, effectiveDateTime="2026-03-09")
    by_atc = statement(
        "a",
        {"coding": [{"system": "http://www.whocc.no/atc", "code": "B01AC06"}]},
        effectiveDateTime="2026-03-09",
    )
    imported = read(by_brand, by_atc)
    assert [m.drug for m in imported.patient.medications] == ["clopidogrel", "aspirin"]
    assert any("clopidogrel read from the text" in note for note in imported.notes)


def test_a_text_naming_two_drugs_is_unresolved() -> None:
    combined = statement("c", {"text": "warfarin and clopidogrel"}, effectiveDateTime="2026-03-09")
    imported = read(combined)
    assert [item.source for item in imported.blocking] == ["MedicationStatement/c"]


def test_an_unknown_non_antithrombotic_is_listed_not_blocking() -> None:
    other = statement("m", {"text": "metformin 500 mg"}, effectiveDateTime="2026-03-09")
    imported = read(other)
    assert imported.blocking == ()
    assert imported.unmapped[0].source == "MedicationStatement/m"


def test_route_and_indication_are_read_from_text() -> None:
    heparin = statement(
        "h",
        rxnorm("5224"),
        effectiveDateTime="2026-03-09T08:00:00Z",
        dosage=[{"route": {"text": "Subcutaneous route"}}],
    )
    aspirin = statement(
        "a",
        rxnorm("1191"),
        effectiveDateTime="2026-03-09T08:00:00Z",
        reasonCode=[{"text": "secondary prophylaxis"}],
    )
    uses = {m.drug: m for m in read(heparin, aspirin).patient.medications}
    assert uses["heparin"].route is not None
    assert uses["heparin"].route.value == "subcutaneous"
    assert uses["aspirin"].indication is not None
    assert uses["aspirin"].indication.value == "secondary-prophylaxis"


# --- laboratory results


def test_lab_units_are_converted_through_ucum() -> None:
    imported = read(
        lab("a", "777-3", 150, "10*9/L", "2026-03-09T08:00:00Z"),
        lab("b", "6301-6", 1.3, "{INR}", "2026-03-09T08:00:00Z"),
        lab("c", "35591-7", 42, "mL/min", "2026-03-08T08:00:00Z"),
        lab("d", "35591-7", 38, "mL/min", "2026-03-09T08:00:00Z"),
    )
    by_name = {(r.name, r.magnitude) for r in imported.patient.labs}
    assert (LabName.PLATELETS, 150_000) in by_name
    assert (LabName.INR, 1.3) in by_name
    assert imported.patient.creatinine_clearance_ml_min == 38  # the latest result


@pytest.mark.parametrize(
    ("resource", "blocking"),
    [
        (lab("x", "6301-6", 2.0, "{INR}", None), True),  # no time
        (lab("x", "777-3", 150, "mg", "2026-03-09T08:00:00Z"), True),  # not a count
        (lab("x", "2164-2", 40, "mL/min", None), True),  # creatinine clearance, no time
        (lab("x", "98979-8", 40, "mL/min/{1.73_m2}", None), False),  # eGFR: no rule reads it
        (lab("x", "6301-6", 2.0, "{INR}", "2026-03-11T08:00:00Z"), False),  # after at
    ],
)
def test_labs_that_cannot_be_read(resource: dict[str, Any], blocking: bool) -> None:
    imported = read(resource)
    assert imported.patient.labs == ()
    assert [item.blocking for item in imported.unmapped] == [blocking]


def test_a_censored_platelet_count_is_unresolved() -> None:
    censored = lab("x", "777-3", 20, "10*3/uL", "2026-03-09T08:00:00Z")
    censored["valueQuantity"]["comparator"] = "<"
    assert read(censored).blocking[0].reason == "the value is censored (<20)"


def test_a_preliminary_result_is_not_read() -> None:
    draft = lab("x", "6301-6", 2.0, "{INR}", "2026-03-09T08:00:00Z")
    draft["status"] = "preliminary"
    imported = read(draft)
    assert imported.patient.labs == ()
    assert "preliminary" in imported.unmapped[0].reason


# --- conditions, allergies, devices


def test_condition_codes_devices_in_conditions_and_status() -> None:
    def condition(ident: str, system: str, code: str, **fields: Any) -> dict[str, Any]:
        return {
            "resourceType": "Condition",
            "id": ident,
            "subject": {"reference": "Patient/p"},
            "code": {"coding": [{"system": system, "code": code}]},
            **fields,
        }

    icd = "http://hl7.org/fhir/sid/icd-10-cm"
    imported = read(
        condition("a", icd, "E11.65"),
        condition("b", icd, "Z95.0"),  # presence of a pacemaker: a device
        condition("c", icd, "D69.6", verificationStatus={"coding": [{"code": "refuted"}]}),
        condition("d", "http://snomed.info/sct", "38341003"),
    )
    assert imported.patient.conditions == ("diabetes",)
    assert imported.patient.devices == ("pacemaker",)
    assert [item.source for item in imported.unmapped] == ["Condition/c", "Condition/d"]


def test_allergies_by_rxnorm_text_and_an_injectate_like_name() -> None:
    def allergy(ident: str, code: dict[str, Any]) -> dict[str, Any]:
        return {
            "resourceType": "AllergyIntolerance",
            "id": ident,
            "patient": {"reference": "Patient/p"},
            "code": code,
        }

    imported = read(
        allergy("a", rxnorm("1191")),
        allergy("b", {"text": "Lidocaine"}),
        allergy("c", {"text": "Bupivacain (spelt so)"}),
        allergy("d", {"text": "Cat dander"}),
    )
    assert imported.patient.allergies == ("aspirin", "lidocaine")
    assert [item.source for item in imported.blocking] == ["AllergyIntolerance/c"]
    assert imported.unmapped[-1].source == "AllergyIntolerance/d"


def test_device_by_snomed_and_by_name() -> None:
    snomed = {
        "resourceType": "Device",
        "id": "a",
        "type": {"coding": [{"system": "http://snomed.info/sct", "code": "72506001"}]},
    }
    named = {
        "resourceType": "Device",
        "id": "b",
        "deviceName": [{"name": "Spinal cord stimulator", "type": "user-friendly-name"}],
    }
    assert read(snomed, named).patient.devices == ("icd", "spinal-cord-stimulator")


# --- malformed bundles


def test_an_invalid_element_names_the_entry_and_field() -> None:
    data = bundle(lab("x", "6301-6", 2.0, "{INR}", "2026-13-01"))
    with pytest.raises(BundleError) as caught:
        patient_from_bundle(data, at=AT)
    assert caught.value.field == "entry[1].resource.effectiveDateTime"
    assert str(caught.value).startswith("entry[1].resource.effectiveDateTime: ")


def test_every_problem_is_listed() -> None:
    bad = lab("x", "6301-6", 2.0, "{INR}", "2026-13-01")
    bad["valueQuantity"]["value"] = "two"
    with pytest.raises(BundleError) as caught:
        patient_from_bundle(bundle(bad), at=AT)
    assert {path for path, _ in caught.value.problems} == {
        "entry[1].resource.effectiveDateTime",
        "entry[1].resource.valueQuantity.value",
    }


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ("{not json", "bundle"),
        ({"resourceType": "Patient"}, "resourceType"),
        ({"resourceType": "Bundle", "type": "collection"}, "entry"),
        (
            bundle(birth="1960-01-01")
            | {"entry": [{"resource": {"resourceType": "Patient", "id": "p"}}]},
            "entry[0].resource.birthDate",
        ),
        (42, "bundle"),
    ],
)
def test_not_a_bundle_of_one_patient(given: Any, field: str) -> None:
    with pytest.raises(BundleError) as caught:
        patient_from_bundle(given, at=AT)
    assert caught.value.field == field


def test_two_patients_are_refused() -> None:
    data = bundle({"resourceType": "Patient", "id": "q", "birthDate": "1970"})
    with pytest.raises(BundleError, match=r"entry\[0\], entry\[1\]"):
        patient_from_bundle(data, at=AT)


def test_a_missing_file_is_a_bundle_error(tmp_path: Any) -> None:
    with pytest.raises(BundleError, match="cannot read the file"):
        patient_from_bundle(tmp_path / "nothing.json", at=AT)
