"""The lab facts file (``labs.toml``) read afresh: every error of a lab record and of the file.

The facts are read once per process (``labs()``), so a test that only reads them through
the engine never sees a fresh load: these tests load the file (and broken copies of it)
themselves and build :class:`Lab` records by hand.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from interventional.errors import CatalogError, UnknownLabError, ValidationError
from interventional.safety import LabName
from interventional.safety.labs import Lab, labs, load_labs

LABS_FILE = resources.files("interventional.safety") / "data" / "labs.toml"
INR_CODES = {"loinc": "6301-6", "ucum": "{INR}", "references": ["LOINC", "UCUM"]}


def _lab(**changes: Any) -> Lab:
    fields: dict[str, Any] = {
        "name": "inr",
        "display_name": "INR",
        "unit": "1",
        "codes": INR_CODES,
    }
    fields.update(changes)
    return Lab(**fields)


def test_the_packaged_file_loads_afresh_to_the_facts_the_library_uses() -> None:
    fresh = load_labs(LABS_FILE)
    assert {record.name: record for record in fresh} == dict(labs())
    assert [record.name for record in fresh] == list(LabName)


def test_a_lab_record_is_built_from_its_fields() -> None:
    lab = _lab(name="inr")
    assert lab.name is LabName.INR
    assert (lab.display_name, lab.unit) == ("INR", "1")
    assert lab.codes.all("loinc") == ("6301-6",)
    assert lab.codes["ucum"] == "{INR}"


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"display_name": "  "}, "display_name", "must be non-empty text, got '  '"),
        ({"display_name": 3}, "display_name", "must be non-empty text, got 3"),
        ({"unit": ""}, "unit", "must be non-empty text, got ''"),
        ({"unit": 1}, "unit", "must be non-empty text, got 1"),
        ({"unit": "blorp"}, "unit", "'blorp' is not a unit the library reads"),
        (
            {"codes": {"ucum": "{INR}", "references": ["UCUM"]}},
            "codes.loinc",
            "a lab needs its LOINC code",
        ),
        (
            {"codes": {"loinc": "6301-6", "references": ["LOINC"]}},
            "codes.ucum",
            "a lab needs its UCUM code",
        ),
        (
            {"codes": {**INR_CODES, "snomed": "73211009"}},
            "codes",
            "a lab carries LOINC and UCUM codes only, got ['snomed']",
        ),
        (
            {"codes": {**INR_CODES, "ucum": ["{INR}", "1"]}},
            "codes.ucum",
            "a lab has one UCUM unit",
        ),
        (
            {"name": "hba1c"},
            "name",
            "'hba1c' is not one of 'inr', 'platelets', 'creatinine-clearance', 'aptt', "
            "'creatinine', 'egfr'",
        ),
    ],
)
def test_a_bad_lab_record_names_its_field(changes: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _lab(**changes)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_a_labs_file_missing_labs_names_every_one(tmp_path: Path) -> None:
    path = tmp_path / "labs.toml"
    path.write_text(
        '[[lab]]\nname = "inr"\ndisplay_name = "INR"\nunit = "1"\n'
        '[lab.codes]\nloinc = "6301-6"\nucum = "{INR}"\nreferences = ["LOINC"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_labs(path)
    error = caught.value
    assert (error.file, error.record, error.field) == (str(path), None, "lab")
    assert error.reason == "no record for platelets, creatinine-clearance, aptt, creatinine, egfr"


def test_a_loinc_code_given_to_two_labs_is_refused(tmp_path: Path) -> None:
    text = LABS_FILE.read_text(encoding="utf-8")
    assert 'loinc = ["777-3"' in text
    path = tmp_path / "labs.toml"
    path.write_text(text.replace('loinc = ["777-3"', 'loinc = ["6301-6", "777-3"', 1), "utf-8")
    with pytest.raises(CatalogError) as caught:
        load_labs(path)
    error = caught.value
    assert (error.file, error.record, error.field) == (str(path), "lab 'platelets'", "codes.loinc")
    assert error.reason == "LOINC code '6301-6' already names 'inr'"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2345-7", "no lab has the LOINC code '2345-7'"),
        (
            "6301-5",
            "no lab has the LOINC code '6301-5' ('6301-5' fails the LOINC check digit "
            "(expected 6301-6))",
        ),
    ],
)
def test_an_unknown_loinc_code_is_named_with_why(code: str, message: str) -> None:
    with pytest.raises(UnknownLabError) as caught:
        LabName.by_loinc(code)
    assert caught.value.name == code
    assert str(caught.value) == message
