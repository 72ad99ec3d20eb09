"""Errors in a patient file name the value's full path as the file spells it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from interventional.cli import main
from interventional.errors import CatalogError
from interventional.safety import load_patient

ROOT = Path(__file__).resolve().parents[2]

HEAD = '[[patient]]\nage = "67 yr"\n'
CLOPIDOGREL = '[[patient.medications]]\ndrug = "clopidogrel"\nlast_dose = 2026-03-03T08:00:00Z\n'


def error_of(tmp_path: Path, text: str) -> CatalogError:
    path = tmp_path / "patient.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_patient(path)
    return info.value


def test_an_unknown_key_in_the_second_medication(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        CLOPIDOGREL
        + '[[patient.medications]]\ndrug = "apixaban"\nlast_doze = 2026-03-05T20:00:00Z\n',
    )
    assert error.field == "medications[1].last_doze"
    assert error.reason == "unknown field 'last_doze'; did you mean 'last_dose'?"


def test_a_misspelt_lab_names_the_key_the_file_uses(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[[patient.labs]]\nname = "inrr"\nvalue = 1.0\n')
    assert error.field == "labs[0].name"
    assert "did you mean 'inr'" in error.reason


def test_a_lab_value_checked_by_its_record_names_the_value(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        '[[patient.labs]]\nname = "inr"\nvalue = 1.0\n'
        '[[patient.labs]]\nname = "platelets"\nvalue = 150000\n',
    )
    assert error.field == "labs[1].value"
    assert "needs a unit" in error.reason


def test_a_bad_time_names_the_medication(tmp_path: Path) -> None:
    error = error_of(
        tmp_path, '[[patient.medications]]\ndrug = "apixaban"\nlast_dose = "yesterday"\n'
    )
    assert error.field == "medications[0].last_dose"


def test_a_top_level_field_is_named_alone(tmp_path: Path) -> None:
    error = error_of(tmp_path, 'weight = "82 mL"\n')
    assert error.field == "weight"


def test_every_problem_of_the_record_is_reported(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        '[[patient.medications]]\ndrug = "apixaban"\nlast_doze = 2026-03-05T20:00:00Z\n'
        '[[patient.labs]]\nname = "inrr"\nvalue = 1.0\n',
    )
    assert error.field == "medications[0].last_doze"
    assert "labs[0].name" in error.reason


def test_times_in_messages_are_iso_text_not_reprs(tmp_path: Path) -> None:
    error = error_of(tmp_path, "[[patient.medications]]\ndrug = 2026-03-05T20:00:00Z\n")
    assert error.field == "medications[0].drug"
    assert "2026-03-05T20:00:00+00:00" in error.reason
    assert "datetime.datetime(" not in str(error)


def test_a_naive_procedure_time_against_aware_doses_shows_no_reprs() -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["assess", str(ROOT / "examples" / "patient.toml"), "--procedure", "sgb"]
    code = main([*argv, "--side", "left", "--at", "2026-03-10T09:00"], out=out, err=err)
    assert code == 2
    assert "medications[0].last_dose" in err.getvalue()
    assert "datetime.datetime(" not in err.getvalue()
    assert "2026-03-10 09:00" in err.getvalue()
