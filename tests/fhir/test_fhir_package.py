"""The fhir extra stays optional: nothing outside interventional.fhir loads its models."""

from __future__ import annotations

import subprocess
import sys

from interventional.concepts import Concept, concepts, load_concepts


def test_import_interventional_never_loads_fhir_resources() -> None:
    code = (
        "import sys, interventional, interventional.safety, interventional.procedures\n"
        "import interventional.fhir\n"
        "print(sorted(m for m in sys.modules if m == 'fhir' or m.startswith('fhir.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_concepts_file_has_every_concept_with_references() -> None:
    records = concepts()
    assert set(records) == set(Concept)
    assert all(record.codes.references for record in records.values())


def test_a_concepts_file_missing_a_concept_fails_naming_it(tmp_path: object) -> None:
    from pathlib import Path

    import pytest

    from interventional.errors import CatalogError

    path = Path(str(tmp_path)) / "c.toml"
    path.write_text(
        '[[concept]]\nname = "left"\ndisplay_name = "Left"\n[concept.codes]\nsnomed = "7771000"\nreferences = ["SNOMED-CT"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="no record for body-weight"):
        load_concepts(path)
