"""The error hierarchy: base classes, messages and suggestions."""

from __future__ import annotations

import pytest

import interventional as iv
from interventional.errors import (
    CatalogError,
    InterventionalError,
    PlanError,
    UnitError,
    UnknownDrugError,
    UnknownProcedureError,
    UnknownReferenceError,
    UnknownStructureError,
    ValidationError,
    suggest,
)


@pytest.mark.parametrize(
    "error_type",
    [UnknownStructureError, UnknownProcedureError, UnknownDrugError, UnknownReferenceError],
)
def test_lookup_errors_are_key_errors_with_suggestions(error_type: type[Exception]) -> None:
    error = error_type("abc", ("abd",))
    assert isinstance(error, KeyError)
    assert isinstance(error, InterventionalError)
    assert error.suggestions == ("abd",)  # type: ignore[attr-defined]
    assert str(error).endswith("did you mean 'abd'?")
    assert not str(error).startswith('"')


@pytest.mark.parametrize("error_type", [UnitError, PlanError, ValidationError])
def test_value_errors_name_their_field(error_type: type[ValidationError]) -> None:
    error = error_type("side", "give a side", ["left", "right"])
    assert isinstance(error, ValueError)
    assert error.field == "side"
    assert str(error) == "side: give a side; did you mean 'left', 'right'?"


def test_catalog_error_names_file_record_and_field() -> None:
    error = CatalogError("a.toml", "procedure 'x'", "needle", "missing")
    assert isinstance(error, ValueError)
    assert (error.file, error.record, error.field, error.reason) == (
        "a.toml",
        "procedure 'x'",
        "needle",
        "missing",
    )
    assert str(error) == "a.toml: record procedure 'x': field 'needle': missing"
    assert str(CatalogError("a.toml", None, None, "invalid TOML")) == "a.toml: invalid TOML"


def test_contract_errors_are_exported() -> None:
    for name in [
        "InterventionalError",
        "UnitError",
        "UnknownStructureError",
        "UnknownProcedureError",
        "UnknownDrugError",
        "PlanError",
        "CatalogError",
    ]:
        assert issubclass(getattr(iv, name), iv.InterventionalError)


def test_suggest_is_case_insensitive_and_exact_first() -> None:
    assert suggest("APIXABAN", ["apixaban", "edoxaban"]) == ("apixaban",)
    assert suggest("zzz", ["apixaban"]) == ()
