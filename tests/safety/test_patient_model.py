"""Patients, medications and labs: validation at construction, bad input, patient files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import AT, high_plan, low_plan

from interventional._data import dump_records
from interventional.errors import CatalogError, UnitError, UnknownDrugError, ValidationError
from interventional.safety import (
    Indication,
    LabResult,
    MedicationUse,
    Patient,
    Route,
    assess,
    default_rules,
    load_patient,
    load_patients,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "patient.toml"


def test_medication_names_resolve_to_generic_ids() -> None:
    assert MedicationUse("Eliquis").drug == "apixaban"
    assert MedicationUse("PLAVIX").drug == "clopidogrel"


def test_unknown_drug_raises_with_suggestions() -> None:
    with pytest.raises(UnknownDrugError) as info:
        MedicationUse("apixiban")
    assert "apixaban" in info.value.suggestions
    assert isinstance(info.value, KeyError)


def test_indication_and_route_parse() -> None:
    medication = MedicationUse("heparin", route="Subcutaneous", indication="prophylactic")
    assert medication.route is Route.SUBCUTANEOUS
    assert medication.indication is Indication.PROPHYLACTIC
    with pytest.raises(ValidationError, match="route"):
        MedicationUse("heparin", route="intramuscular")


def test_last_dose_must_be_a_datetime() -> None:
    with pytest.raises(ValidationError, match="last_dose"):
        MedicationUse("warfarin", last_dose="yesterday")  # type: ignore[arg-type]


def test_naive_and_aware_datetimes_cannot_be_mixed_in_a_patient() -> None:
    with pytest.raises(ValidationError, match="naive and timezone-aware"):
        Patient(
            age=60,
            medications=[
                MedicationUse("warfarin", last_dose=datetime(2026, 3, 1, 8)),
                MedicationUse("aspirin", last_dose=datetime(2026, 3, 1, 8, tzinfo=UTC)),
            ],
        )


def test_naive_patient_and_aware_procedure_time_cannot_be_mixed() -> None:
    patient = Patient(
        age=60, medications=[MedicationUse("warfarin", last_dose=AT - timedelta(days=6))]
    )
    with pytest.raises(ValidationError) as info:
        assess(patient, high_plan(), at=AT.replace(tzinfo=UTC))
    assert info.value.field == "medications[0].last_dose"
    assert "naive and timezone-aware" in str(info.value)


def test_last_dose_after_the_procedure_time_is_an_error() -> None:
    patient = Patient(
        age=60, medications=[MedicationUse("warfarin", last_dose=AT + timedelta(minutes=1))]
    )
    with pytest.raises(ValidationError, match="after the procedure time") as info:
        assess(patient, high_plan(), at=AT)
    assert info.value.field == "medications[0].last_dose"


def test_lab_after_the_procedure_time_is_an_error() -> None:
    patient = Patient(age=60, labs=[LabResult("inr", 1.0, taken_at=AT + timedelta(hours=1))])
    with pytest.raises(ValidationError, match="after the procedure time"):
        assess(patient, low_plan(), at=AT)


def test_procedure_time_must_be_a_datetime() -> None:
    with pytest.raises(ValidationError, match="at"):
        assess(Patient(age=60), low_plan(), at="2026-03-10")  # type: ignore[arg-type]


@pytest.mark.parametrize("weight", ["-70 kg", "0 kg"])
def test_weight_must_be_positive(weight: str) -> None:
    with pytest.raises(ValidationError, match="weight"):
        Patient(age=60, weight=weight)


def test_weight_needs_a_mass() -> None:
    with pytest.raises(UnitError, match="weight"):
        Patient(age=60, weight="70 mL")
    with pytest.raises(UnitError, match="weight"):
        Patient(age=60, weight=70)


def test_age_plain_number_is_years_and_negative_is_an_error() -> None:
    assert Patient(age=70).age.to("year").magnitude == 70
    with pytest.raises(ValidationError, match="age"):
        Patient(age=-1)


@pytest.mark.parametrize("value", ["1.1", "1.1 mg", "1.1 %"])
def test_inr_given_with_a_unit_or_as_text_is_an_error(value: str) -> None:
    with pytest.raises(ValidationError, match="INR"):
        LabResult("inr", value)


def test_inr_as_a_quantity_is_an_error() -> None:
    from interventional.units import Q_

    with pytest.raises(ValidationError, match="no unit"):
        LabResult("inr", Q_(1.1, "mg"))


@pytest.mark.parametrize("value", [150_000, 150.0])
def test_platelets_without_a_unit_is_an_error(value: float) -> None:
    with pytest.raises(ValidationError, match="needs a unit"):
        LabResult("platelets", value)


def test_platelets_in_a_wrong_unit_is_an_error() -> None:
    with pytest.raises(UnitError):
        LabResult("platelets", "150 mg/dL")


def test_platelet_units_convert() -> None:
    assert LabResult("platelets", "150e9 / L").magnitude == pytest.approx(150_000)
    assert LabResult("platelets", "150e3 / µL").magnitude == pytest.approx(150_000)


def test_unknown_lab_name_suggests() -> None:
    with pytest.raises(ValidationError) as info:
        LabResult("plateletes", "150e3 / µL")
    assert "platelets" in info.value.suggestions


def test_condition_device_and_allergy_codes_are_checked() -> None:
    with pytest.raises(ValidationError) as info:
        Patient(age=60, conditions=["systemic-infektion"])
    assert "systemic-infection" in info.value.suggestions
    with pytest.raises(ValidationError, match="device"):
        Patient(age=60, devices=["pacemakr"])
    with pytest.raises(ValidationError, match="allergy"):
        Patient(age=60, allergies=["lidocane"])
    patient = Patient(
        age=60,
        conditions=["Diabetes", "other:gout"],
        allergies=["iodine", "Xylocaine", "other:penicillin"],
        devices=["ICD"],
    )
    assert patient.conditions == ("diabetes", "other:gout")
    assert patient.allergies == ("iodinated-contrast", "lidocaine", "other:penicillin")
    assert patient.devices == ("icd",)


def test_pregnant_must_be_a_bool_or_none() -> None:
    with pytest.raises(ValidationError, match="pregnant"):
        Patient(age=30, pregnant="no")  # type: ignore[arg-type]


def test_example_patient_file_loads() -> None:
    patient = load_patient(EXAMPLE)
    assert patient.id == "example-scs-trial"
    assert [m.drug for m in patient.medications] == ["clopidogrel", "apixaban", "aspirin"]
    assert patient.medications[0].last_dose == datetime(2026, 3, 3, 8, tzinfo=UTC)
    assert Patient.from_file(EXAMPLE) == patient


def test_patient_file_round_trip(tmp_path: Path) -> None:
    patient = load_patient(EXAMPLE)
    path = tmp_path / "p.toml"
    path.write_text(dump_records([patient], table="patient"), encoding="utf-8")
    assert load_patient(path) == patient


def test_patient_file_errors_name_file_record_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[patient]]\nid = "x"\nage = "60 yr"\npregnant = "no"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="pregnant") as info:
        load_patient(path)
    assert info.value.record == "patient 'x'"
    path.write_text(
        '[[patient]]\nage = "60 yr"\n[[patient.medications]]\ndrug = "warfarine"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="warfarin"):
        load_patient(path)
    path.write_text('[[patient]]\nage = "60 yr"\n[[patient]]\nage = "61 yr"\n', encoding="utf-8")
    assert len(load_patients(path)) == 2
    with pytest.raises(CatalogError, match="exactly one"):
        load_patient(path)


def test_patient_is_hashable_and_has_html() -> None:
    patient = load_patient(EXAMPLE)
    assert hash(patient) == hash(load_patient(EXAMPLE))
    assert "<table>" in patient._repr_html_()


def test_allergy_spellings_fold_to_one_code() -> None:
    for spelling in ("iodinated contrast", "Iodinated_Contrast", "IODINATED-CONTRAST"):
        assert Patient(age=50, allergies=[spelling]).allergies == ("iodinated-contrast",)
    with pytest.raises(ValidationError) as caught:
        Patient(age=50, allergies=["peanuts"])
    assert caught.value.field == "allergies"
    assert caught.value.reason == (
        "unknown allergy 'peanuts': give a drug, a drug class, or 'other:...' for something "
        "the rules do not use"
    )


def test_a_dose_in_bad_units_names_the_dose_field() -> None:
    for bad in ("ten mg", "10 mL"):
        with pytest.raises(UnitError) as caught:
            MedicationUse("aspirin", dose=bad)
        assert caught.value.field == "dose"


def test_coagulation_studies_need_both_a_recent_inr_and_platelets() -> None:
    rules = default_rules()
    inr_age = rules.policy.inr_max_age
    knee = low_plan()

    def studies(*labs: LabResult) -> tuple[str, ...]:
        patient = Patient(age=50, conditions=["signs-of-coagulopathy"], labs=list(labs))
        return tuple(f.message for f in assess(patient, knee, at=AT).by_code("coagulation-studies"))

    inr_at_limit = LabResult("inr", 1.0, AT - inr_age)  # exactly as old as allowed: recent
    platelets = LabResult("platelets", "200e3 / µL", AT - timedelta(hours=1))
    assert studies(inr_at_limit, platelets) == ()
    assert studies(LabResult("inr", 1.0, AT - inr_age - timedelta(minutes=1)), platelets) == (
        "Consider coagulation studies (signs-of-coagulopathy); no recent INR.",
    )
    assert studies(inr_at_limit) == (
        "Consider coagulation studies (signs-of-coagulopathy); no recent platelets.",
    )
    assert studies() == (
        "Consider coagulation studies (signs-of-coagulopathy); no recent INR or platelets.",
    )
