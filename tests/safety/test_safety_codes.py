"""Standard codes of the safety vocabulary: labs (LOINC, UCUM), conditions and devices."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.codes import CodeSystem
from interventional.errors import (
    CatalogError,
    UnknownConditionError,
    UnknownDeviceError,
    UnknownLabError,
)
from interventional.procedures import ProcedurePlan
from interventional.safety import (
    LabName,
    LabResult,
    Patient,
    assess,
    condition_by_code,
    default_rules,
    device_by_code,
    labs,
    load_labs,
    load_rules,
)

# --- labs ------------------------------------------------------------------------------


def test_lab_loinc_codes_and_units() -> None:
    assert LabName.INR.loinc[0] == "6301-6"
    assert LabName.PLATELETS.loinc[:2] == ("777-3", "26515-7")
    assert LabName.APTT.loinc[0] == "14979-9"
    assert LabName.CREATININE.loinc[0] == "2160-0"
    assert "98979-8" in LabName.EGFR.loinc
    assert LabName.CREATININE_CLEARANCE.loinc[0] == "2164-2"
    assert {name: name.ucum for name in LabName} == {
        LabName.INR: "{INR}",
        LabName.PLATELETS: "10*3/uL",
        LabName.CREATININE_CLEARANCE: "mL/min",
        LabName.APTT: "s",
        LabName.CREATININE: "mg/dL",
        LabName.EGFR: "mL/min/{1.73_m2}",
    }


def test_every_lab_has_a_record_that_cites_loinc_and_ucum() -> None:
    assert set(labs()) == set(LabName)
    for lab in labs().values():
        assert {ref.key for ref in lab.codes.references} == {"LOINC", "UCUM"}
        assert lab.codes.all("loinc") == lab.name.loinc


@pytest.mark.parametrize("name", list(LabName), ids=lambda n: n.value)
def test_every_loinc_code_finds_its_lab(name: LabName) -> None:
    for code in name.loinc:
        assert LabName.by_loinc(code) is name


def test_an_unknown_loinc_code_is_a_typed_key_error() -> None:
    with pytest.raises(UnknownLabError) as caught:
        LabName.by_loinc("2345-7")  # glucose
    assert isinstance(caught.value, KeyError)
    with pytest.raises(UnknownLabError, match="check digit"):
        LabName.by_loinc("6301-5")


def test_only_inr_and_platelets_decide() -> None:
    assert {name for name in LabName if name.decides} == {LabName.INR, LabName.PLATELETS}


def test_recorded_labs_take_values_in_their_units() -> None:
    assert LabResult("aptt", "32 s").magnitude == 32
    assert LabResult("creatinine", "88 mg/L").magnitude == pytest.approx(8.8)
    assert LabResult("egfr", "58 mL/min").magnitude == 58
    with pytest.raises(ValueError, match="aPTT cannot be negative"):
        LabResult("aptt", "-1 s")
    with pytest.raises(ValueError, match="value"):
        LabResult("creatinine", "1.1 mL/min")


RECORDED = [name for name in LabName if not name.decides]


@pytest.mark.slow  # a hypothesis search
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ivst.patients(), ivst.plans(), st.data())
def test_the_engine_ignores_results_it_does_not_read(
    patient: Patient, plan: ProcedurePlan, data: st.DataObject
) -> None:
    extra = data.draw(
        st.lists(st.sampled_from(RECORDED).flatmap(lambda n: ivst.lab_results(n.value)), max_size=4)
    )
    kept = [lab for lab in patient.labs if lab.name.decides]
    base = attrs.evolve(patient, labs=kept)
    with_recorded = attrs.evolve(patient, labs=[*kept, *extra])
    at = ivst.NOW + timedelta(hours=1)
    assert assess(with_recorded, plan, at=at) == assess(base, plan, at=at)


def test_a_labs_file_missing_a_lab_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labs.toml"
    path.write_text(
        '[[lab]]\nname = "inr"\ndisplay_name = "INR"\nunit = "1"\n'
        '[lab.codes]\nloinc = "6301-6"\nucum = "{INR}"\nreferences = ["LOINC"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="no record for platelets"):
        load_labs(path)


def test_a_malformed_loinc_code_in_the_labs_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "labs.toml"
    path.write_text(
        '[[lab]]\nname = "inr"\ndisplay_name = "INR"\nunit = "1"\n'
        '[lab.codes]\nloinc = "6301-5"\nucum = "{INR}"\nreferences = ["LOINC"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_labs(path)
    assert (caught.value.record, caught.value.field) == ("lab 'inr'", "codes.loinc")


# --- conditions and devices ------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "condition"),
    [
        ("snomed", "73211009", "diabetes"),
        ("snomed", "44054006", "diabetes"),
        ("icd-10-cm", "E11.9", "diabetes"),
        ("icd-10-cm", "E1165", "diabetes"),
        ("snomed", "91302008", "systemic-infection"),
        ("icd-10-cm", "A41.9", "systemic-infection"),
        ("snomed", "302215000", "thrombocytopenia"),
        ("icd-10-cm", "D69.6", "thrombocytopenia"),
        ("snomed", "19943007", "liver-disease"),
        ("icd-10-cm", "K74.60", "liver-disease"),
        ("snomed", "46177005", "advanced-renal-disease"),
        ("icd-10-cm", "N18.6", "advanced-renal-disease"),
        ("icd-10-cm", "N18.32", "renal-impairment"),
        ("icd-10-cm", "D68.32", "coagulopathy"),
        ("snomed", "84114007", "heart-failure"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "I50.9", "heart-failure"),
    ],
)
def test_standard_codes_name_vocabulary_conditions(system: str, code: str, condition: str) -> None:
    assert condition_by_code(system, code).code == condition


def test_thrombophilia_is_not_a_bleeding_disorder() -> None:
    with pytest.raises(UnknownConditionError) as caught:
        condition_by_code("icd-10-cm", "D68.51")
    assert isinstance(caught.value, KeyError)


def test_conditions_no_standard_concept_matches_carry_none_and_say_why() -> None:
    rules = default_rules()
    for code in ("patient-refusal", "unable-to-cooperate", "infection-at-site", "advanced-age"):
        record = rules.conditions[code]
        assert len(record.codes) == 0
        assert record.codes.note


def test_devices_by_code() -> None:
    assert device_by_code("snomed", "14106009").code == "pacemaker"
    assert device_by_code("icd-10-cm", "Z95.0").code == "pacemaker"
    assert device_by_code("http://snomed.info/sct", "72506001").code == "icd"
    with pytest.raises(UnknownDeviceError):
        device_by_code("snomed", "73211009")


VOCABULARY = [
    (kind, record.code, system, code)
    for kind, table in (
        ("condition", default_rules().conditions),
        ("device", default_rules().devices),
    )
    for record in table.values()
    for system, code in record.codes.codings()
]


@given(st.sampled_from(VOCABULARY))
def test_every_vocabulary_code_round_trips(entry: tuple[str, str, CodeSystem, str]) -> None:
    kind, name, system, code = entry
    find = condition_by_code if kind == "condition" else device_by_code
    assert find(system, code).code == name
    assert find(system.uri, code).code == name


def test_a_vocabulary_code_given_twice_is_refused(tmp_path: Path) -> None:
    source = resources.files("interventional.safety") / "data" / "vocabulary.toml"
    text = source.read_text(encoding="utf-8")
    assert 'snomed = ["84114007", "42343007"]' in text
    text = text.replace('snomed = ["84114007", "42343007"]', 'snomed = ["84114007", "73211009"]')
    path = tmp_path / "vocabulary.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_rules(vocabulary=path)
    assert (caught.value.record, caught.value.field) == (
        "condition 'heart-failure'",
        "codes.snomed",
    )
