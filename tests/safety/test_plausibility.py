"""Plausibility bounds: values no person can have raise a typed error naming field, value and bound."""

from __future__ import annotations

from pathlib import Path

import pytest

from interventional.errors import CatalogError, ImplausibleValueError, ValidationError
from interventional.safety import LabName, LabResult, Patient, load_patient
from interventional.safety.plausibility import check_plausible, plausibility_bounds


@pytest.mark.parametrize(
    ("kwargs", "field", "value"),
    [
        ({"age": 70, "weight": "1e308 kg"}, "weight", "1e+308 kg"),
        ({"age": 70, "weight": "0.001 kg"}, "weight", "0.001 kg"),
        ({"age": 70, "weight": "8200 kg"}, "weight", "8200 kg"),
        ({"age": 70, "weight": "8200000 g"}, "weight", "8200 kg"),
        ({"age": 450}, "age", "450 year"),
        ({"age": "6500 week"}, "age", "124.572 year"),
        ({"age": 40, "weight": "1.5 kg"}, "weight", "1.5 kg"),
    ],
)
def test_a_patient_no_person_can_be_is_rejected(
    kwargs: dict[str, object], field: str, value: str
) -> None:
    with pytest.raises(ImplausibleValueError) as info:
        Patient(**kwargs)  # type: ignore[arg-type]
    error = info.value
    assert isinstance(error, ValidationError)
    assert error.field == field
    assert error.value == value
    assert error.bound in str(error)
    assert error.references


@pytest.mark.parametrize(
    "kwargs",
    [
        {"age": 122, "weight": "635 kg"},  # the heaviest person recorded
        {"age": 0, "weight": "0.25 kg"},  # a newborn of 250 g (below 400 g is rare, not impossible)
        {"age": 17, "weight": "2.1 kg"},  # the lightest adult recorded
        {"age": 2, "weight": "1.5 kg"},  # a child's bound is not an adult's
    ],
)
def test_the_extremes_ever_verified_are_accepted(kwargs: dict[str, object]) -> None:
    Patient(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [1e308, 101.0, float("inf")])
def test_an_implausible_inr_names_the_bound(value: float) -> None:
    with pytest.raises(ImplausibleValueError) as info:
        LabResult("inr", value)
    assert info.value.field == "value"
    assert "not a plausible value" in str(info.value)
    assert "must be a positive ratio" not in str(info.value)


@pytest.mark.parametrize("value", [0.9, 9.9, 15.0, 100.0])
def test_every_inr_a_laboratory_reports_is_accepted(value: float) -> None:
    assert LabResult("inr", value).value == value


def test_a_non_positive_inr_is_still_not_a_ratio() -> None:
    with pytest.raises(ValidationError, match="positive ratio"):
        LabResult("inr", 0.0)


def test_every_bound_cites_a_source_and_bounds_something() -> None:
    fields = {"age", "weight"} | {f"labs.{name.value}" for name in LabName}
    for bound in plausibility_bounds():
        assert bound.field in fields
        assert bound.references
        assert bound.low is not None or bound.high is not None
        assert bound.low is None or bound.high is None or bound.low < bound.high
        assert all(ref.url or ref.doi for ref in bound.references)


def test_a_bound_applies_from_its_age_only() -> None:
    check_plausible("weight", 1.0, age_years=10)
    with pytest.raises(ImplausibleValueError):
        check_plausible("weight", 1.0, age_years=30)


def test_a_patient_file_with_an_implausible_weight_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "patient.toml"
    path.write_text('[[patient]]\nage = "67 yr"\nweight = "8200 kg"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_patient(path)
    assert info.value.field == "weight"
    assert "8200 kg is not a plausible value" in info.value.reason


def test_an_implausible_lab_in_a_file_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "patient.toml"
    path.write_text(
        '[[patient]]\nage = "67 yr"\n[[patient.labs]]\nname = "inr"\nvalue = 1e308\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as info:
        load_patient(path)
    assert info.value.field == "labs[0].value"
