"""The records of a rule set built by hand, and the errors each field gives.

A rules file is checked against its schema before its records are built, so a number
where text belongs is named by the loader; a record built in Python (a clinic's tooling,
a test) goes through the fields' own converters. These tests build the records directly
and name the field and the words of each refusal. They also load a vocabulary with one
code given to two devices, and read the policy records a loaded rule set keeps.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest

from interventional.errors import (
    CatalogError,
    UnitError,
    UnknownConditionError,
    UnknownDeviceError,
    ValidationError,
)
from interventional.safety import Verdict
from interventional.safety.rules import (
    ConditionCode,
    HoldCell,
    Rule,
    condition_by_code,
    default_rules,
    load_rules,
)

DATA = resources.files("interventional.safety") / "data"


def _rule(**selectors: Any) -> Rule:
    return Rule("clinic-x", "caution", "A clinic rule.", ["PLS"], **selectors)


def test_a_rules_age_and_lab_selectors_are_numbers() -> None:
    rule = _rule(min_age=80, lab_above={"inr": 2}, lab_below={"platelets": 50_000.5})
    assert rule.min_age == 80.0
    assert isinstance(rule.min_age, float)
    assert dict(rule.lab_above) == {"inr": 2.0}
    assert dict(rule.lab_below) == {"platelets": 50_000.5}
    assert _rule().min_age is None


@pytest.mark.parametrize(
    ("selectors", "field", "reason"),
    [
        ({"min_age": "old"}, "min_age", "expected a number of years, got 'old'"),
        ({"min_age": True}, "min_age", "expected a number of years, got True"),
        ({"lab_above": 3}, "lab", "expected a table of lab names to numbers, got 3"),
        (
            {"lab_above": {"hba1c": 1}},
            "lab",
            "'hba1c' is not one of 'inr', 'platelets', 'creatinine-clearance', 'aptt', "
            "'creatinine', 'egfr'",
        ),
        ({"lab_below": {"inr": "high"}}, "lab", "inr: expected a number, got 'high'"),
        ({"lab_below": {"inr": True}}, "lab", "inr: expected a number, got True"),
        ({"outcomes": 3}, "outcomes", "expected a table of outcomes to verdicts, got 3"),
        (
            {"outcomes": {"low": "maybe"}},
            "outcomes",
            "'maybe' is not one of 'proceed', 'caution', 'insufficient-data', 'defer', "
            "'contraindicated'",
        ),
    ],
)
def test_a_bad_rule_selector_names_its_field(
    selectors: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _rule(**selectors)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_a_builtin_records_outcomes_are_verdicts() -> None:
    rule = _rule(builtin=True, outcomes={"low": "caution", "normal": "proceed"})
    assert rule.outcome("low") is Verdict.CAUTION
    assert rule.outcome("normal") is Verdict.PROCEED


def test_a_vocabulary_code_carries_snomed_and_icd10_codes_only() -> None:
    with pytest.raises(ValidationError) as caught:
        ConditionCode(
            "clinic-condition",
            "a condition",
            ["PLS"],
            codes={"snomed": "73211009", "loinc": "6301-6", "references": ["PLS"]},
        )
    assert (caught.value.field, caught.value.reason) == (
        "codes",
        "carries SNOMED CT and ICD-10-CM codes only, got ['loinc']",
    )


def test_a_hold_cells_other_reading_is_a_duration() -> None:
    with pytest.raises(UnitError) as caught:
        HoldCell("hold", hold_other="soon")
    assert caught.value.field == "hold_other"
    assert HoldCell("hold", hold="3 days", hold_other="2 days").hold_other.days == 2  # type: ignore[union-attr]


def test_a_code_in_an_unknown_system_is_named() -> None:
    for look_up in (condition_by_code, default_rules().condition_by_code):
        with pytest.raises(ValidationError) as caught:
            look_up("loinc2", "6301-6")
        assert caught.value.field == "system"
        assert caught.value.reason.startswith("'loinc2' is not one of 'rxnorm'")


@pytest.mark.parametrize(
    ("look_up", "error", "code", "message"),
    [
        (
            "condition",
            UnknownConditionError,
            "12345678",
            "no condition has the SNOMED CT code '12345678' ('12345678' fails the SCTID's "
            "Verhoeff check digit)",
        ),
        (
            "device",
            UnknownDeviceError,
            "73211009",
            "no device has the SNOMED CT code '73211009'",
        ),
    ],
)
def test_an_unknown_code_is_named_in_its_systems_title(
    look_up: str, error: type[Exception], code: str, message: str
) -> None:
    find = getattr(default_rules(), f"{look_up}_by_code")
    with pytest.raises(error) as caught:
        find("snomed", code)
    assert str(caught.value) == message
    assert caught.value.name == code  # type: ignore[attr-defined]


def test_a_code_given_to_two_devices_names_the_device_and_the_file(tmp_path: Path) -> None:
    text = DATA.joinpath("vocabulary.toml").read_text("utf-8")
    assert 'snomed = "72506001"' in text  # the icd's code, given to the pacemaker as well
    text = text.replace(
        'snomed = ["14106009", "706004007", "441509002"]',
        'snomed = ["14106009", "706004007", "441509002", "72506001"]',
        1,
    )
    path = tmp_path / "vocabulary.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_rules(vocabulary=path)
    error = caught.value
    assert (error.file, error.record, error.field) == (str(path), "device 'icd'", "codes.snomed")
    assert error.reason == "SNOMED CT code '72506001' already names 'pacemaker'"


def test_a_loaded_rule_set_keeps_its_policy_records() -> None:
    written = tomllib.loads(DATA.joinpath("policy.toml").read_text("utf-8"))["setting"]
    for rules in (load_rules(), default_rules()):
        assert [s.id for s in rules.settings] == [record["id"] for record in written]
        assert [s.value for s in rules.settings] == [str(r["value"]) for r in written]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (3, "expected hold-row ids, got 3"),
        (["apixaban", " "], "expected a hold-row id, got ' '"),
        (["apixaban", 4], "expected a hold-row id, got 4"),
    ],
)
def test_the_policys_other_readings_are_hold_row_ids(value: object, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(default_rules().policy, other_readings=value)
    assert (caught.value.field, caught.value.reason) == ("other_readings", reason)
    policy = attrs.evolve(default_rules().policy, other_readings=[" prasugrel ", "apixaban"])
    assert policy.other_readings == frozenset({"prasugrel", "apixaban"})


def test_a_fresh_rule_set_finds_conditions_and_devices_by_code() -> None:
    fresh = load_rules()
    assert fresh.condition_by_code("icd-10-cm", "E11.65").code == "diabetes"
    assert fresh.device_by_code("snomed", "14106009").code == "pacemaker"


def test_a_builtin_record_lacking_an_outcome_names_the_field(tmp_path: Path) -> None:
    text = DATA.joinpath("rules.toml").read_text("utf-8")
    line = 'outcomes = {amount-unknown = "insufficient-data", '
    assert line in text
    path = tmp_path / "rules.toml"
    path.write_text(text.replace(line, "outcomes = {", 1), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_rules(rules=path)
    assert caught.value.field == "outcomes"
    assert caught.value.reason == (
        "builtin rule 'local-anesthetic-dose' lacks the verdicts of its outcomes amount-unknown"
    )
