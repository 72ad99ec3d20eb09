"""The command line's FHIR hunks: assess a bundle, export a procedure."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fhir_bundles import DATA

from interventional.cli import main
from interventional.fhir._cli import is_bundle

pytest.importorskip("fhir.resources")

ASSESS = [
    "--procedure",
    "spinal-cord-stimulator-trial",
    "--levels",
    "T8",
    "--at",
    "2026-03-10T14:00+00:00",
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_a_bundle_is_told_by_name_or_content(tmp_path: Path) -> None:
    named = tmp_path / "b.json"
    named.write_text("{}", encoding="utf-8")
    unnamed = tmp_path / "patient.txt"
    unnamed.write_text('  \n{"resourceType": "Bundle"}', encoding="utf-8")
    toml = tmp_path / "patient.toml"
    toml.write_text("[[patient]]\nage = 50\n", encoding="utf-8")
    assert is_bundle(named)
    assert is_bundle(unnamed)
    assert not is_bundle(toml)


def test_assess_a_bundle_lists_what_was_not_mapped() -> None:
    code, out, err = run("assess", str(DATA / "ehr-export-unresolved.json"), *ASSESS)
    assert code != 0, err  # not PROCEED
    assert "Verdict: DEFER" in out
    assert "* Observation/inr-untimed: no effective time" in out
    assert "- AllergyIntolerance/allergy-peanut" in out


def test_assess_a_bundle_as_json() -> None:
    _code, out, _ = run("assess", str(DATA / "synthea-apixaban.json"), *ASSESS, "--json")
    data = json.loads(out)
    assert data["verdict"] in ("defer", "DEFER")
    assert not any(item["blocking"] for item in data["fhir"]["unmapped"])


def test_a_malformed_bundle_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Patient", "birthDate": "1960-13-01"}}]}',
        encoding="utf-8",
    )
    code, _, err = run("assess", str(bad), *ASSESS)
    assert code != 0
    assert "entry[0].resource.birthDate" in err
    assert err.count("\n") == 1


def test_export_fhir_prints_the_activity_definition() -> None:
    code, out, _ = run("export", "fhir", "lumbar-mbb")
    resource = json.loads(out)
    assert code == 0
    assert resource["resourceType"] == "ActivityDefinition"
    assert resource["id"] == "lumbar-medial-branch-block"
