"""Every --json output of the command line validates against its published JSON Schema."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")

from interventional._data import _drop_none, unstructure  # noqa: E402
from interventional._present import KINDS, SCHEMA_VERSION, json_schema  # noqa: E402
from interventional.cli import main  # noqa: E402
from interventional.procedures import default_catalog  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PATIENT = str(ROOT / "examples" / "patient.toml")
BUNDLES = sorted((ROOT / "tests" / "data" / "fhir").glob("*.json"))


def run_json(*argv: str) -> Any:
    out, err = io.StringIO(), io.StringIO()
    main([*argv, "--json"], out=out, err=err)
    assert err.getvalue() == ""
    return json.loads(out.getvalue())


def validate(data: Any, kind: str) -> None:
    schema = json_schema(kind)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["schema"] == kind


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_a_valid_json_schema(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema(kind))


def test_an_unknown_kind_is_an_error() -> None:
    with pytest.raises(KeyError, match="kinds are"):
        json_schema("patient")


def test_procedures_json() -> None:
    rows = run_json("procedures")
    assert len(rows) == len(default_catalog())
    for row in rows:
        validate(row, "procedure-summary")


@pytest.mark.parametrize("procedure_id", sorted(default_catalog()))
def test_show_json_of_every_procedure(procedure_id: str) -> None:
    validate(run_json("show", procedure_id), "procedure")


def test_show_json_is_the_data_form_of_the_procedure() -> None:
    """One unstructuring path: the JSON form is the TOML data form, nulls kept."""
    procedure = default_catalog()["lumbar-medial-branch-block"]
    data = run_json("show", procedure.id)
    toml_form = json.loads(json.dumps(unstructure(procedure), default=str))
    del data["schema"], data["schema_version"]
    assert _drop_none(data) == toml_form


@pytest.mark.parametrize(
    "argv",
    [
        ["spinal-cord-stimulator-trial", "--levels", "T8", "--at", "2026-03-10T09:00+00:00"],
        ["knee-joint-injection", "--side", "left", "--at", "2026-03-30T09:00+00:00"],
        ["lumbar-medial-branch-block", "--levels", "L4-L5", "--side", "left"],
    ],
    ids=["defer", "knee", "now"],
)
def test_assess_json(argv: list[str]) -> None:
    validate(run_json("assess", PATIENT, "--procedure", *argv), "assessment")


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_assess_json_of_a_fhir_bundle(bundle: Path) -> None:
    pytest.importorskip("fhir.resources")
    out, err = io.StringIO(), io.StringIO()
    argv = ["assess", str(bundle), "--procedure", "spinal-cord-stimulator-trial"]
    main([*argv, "--levels", "T8", "--at", "2026-03-10T09:00+00:00", "--json"], out=out, err=err)
    if err.getvalue():  # a bundle made to be malformed: a one-line error, no JSON
        assert out.getvalue() == ""
        return
    validate(json.loads(out.getvalue()), "assessment")


@pytest.mark.parametrize("structure_id", ["facet-joint:L4-L5:left", "spinal-nerve:C8:left"])
def test_innervation_and_structure_json(structure_id: str) -> None:
    validate(run_json("innervation", structure_id), "innervation")
    validate(run_json("structure", structure_id), "structure")


def test_demo_json() -> None:
    data = run_json("demo")
    validate(data, "demo")
    assert "fixed time" in data["fixed_time"]


def test_the_schema_rejects_an_output_that_lost_a_field() -> None:
    data = run_json("assess", PATIENT, "--procedure", "sgb", "--side", "left")
    del data["findings"][0]["references"]
    with pytest.raises(jsonschema.ValidationError, match="references"):
        validate(data, "assessment")


def test_the_schema_follows_the_classes() -> None:
    """Generated, not written: every field of the classes is in the schema."""
    import attrs

    from interventional.procedures import Procedure

    properties = json_schema("procedure")["properties"]
    assert {a.name for a in attrs.fields(Procedure)} <= set(properties)
    assert properties["neuraxial"] == {"type": "boolean"}


def test_screen_json_summary(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from interventional.testing import synthetic_cohort

    source = synthetic_cohort(40, seed=1).to_parquet(tmp_path / "long")
    data = run_json("screen", str(source), "--out", str(tmp_path / "r.parquet"))
    validate(data, "screen-summary")
    assert data["rows"] == 40
