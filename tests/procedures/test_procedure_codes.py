"""Procedures' standard codes (``[procedure.codes]``) and ``Catalog.by_code``.

The SNOMED CT ids are those verified in tools/codes/VERIFICATION-anatomy.md; a procedure
without a verified concept carries no code.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional.codes import CodeSystem
from interventional.errors import CatalogError, UnknownProcedureError, ValidationError
from interventional.procedures import Catalog, default_catalog
from interventional.procedures.model import Procedure

CATALOG = default_catalog()
CODED = [p.id for p in CATALOG.values() if p.codes]


def test_verified_procedure_concepts() -> None:
    assert dict(CATALOG["trigeminal-radiofrequency-rhizotomy"].codes) == {"snomed": "47400005"}
    assert dict(CATALOG["erector-spinae-plane-block"].codes) == {"snomed": "789172006"}
    assert {ref.key for ref in CATALOG["espb"].codes.references} == {"SNOMED-CT"}


def test_most_procedures_carry_no_code() -> None:
    assert CATALOG["lumbar-medial-branch-block"].codes == {}
    assert len(CODED) < len(CATALOG)


@given(st.sampled_from(CODED))
def test_every_code_passes_its_check_and_finds_its_procedure(procedure_id: str) -> None:
    procedure = CATALOG[procedure_id]
    for system, code in procedure.codes.codings():
        assert system.check(code) == code
        assert CATALOG.by_code(system, code) is procedure
        assert CATALOG.by_code(system.uri, code) is procedure


def test_an_unknown_code_is_a_typed_not_found_error() -> None:
    with pytest.raises(UnknownProcedureError, match="no procedure has the SNOMED CT code"):
        CATALOG.by_code("snomed", "14106009")  # a device concept: valid, but no procedure
    with pytest.raises(UnknownProcedureError, match="Verhoeff"):
        CATALOG.by_code("snomed", "47400006")
    with pytest.raises(KeyError):
        CATALOG.by_code("snomed", "1234")
    with pytest.raises(ValidationError):
        CATALOG.by_code("cpt", "64633")


def test_a_procedure_carries_snomed_codes_only() -> None:
    base = CATALOG["espb"]
    fields = {
        "id": "x-block",
        "name": "X block",
        "category": base.category,
        "technique": base.technique,
        "approach": base.approach,
        "modalities": base.modalities,
        "usual_modality": base.usual_modality,
        "bleeding_risk": base.bleeding_risk,
        "neuraxial": False,
        "lateralized": True,
        "target_rules": base.target_rules,
        "references": ["STATPEARLS"],
        "levels": base.levels,
        "regions": base.regions,
    }
    with pytest.raises(ValidationError, match="SNOMED CT codes only"):
        Procedure(**fields, codes={"loinc": "6301-6", "references": ["LOINC"]})
    with pytest.raises(ValidationError, match=r"codes\.snomed"):
        Procedure(**fields, codes={"snomed": "47400006", "references": ["SNOMED-CT"]})


def test_two_procedures_with_one_code_are_a_catalog_error() -> None:
    import attrs

    twin = attrs.evolve(CATALOG["espb"], id="esp-twin", aliases=())
    with pytest.raises(CatalogError) as caught:
        Catalog([CATALOG["espb"], twin], source="mine.toml")
    assert (caught.value.file, caught.value.record) == ("mine.toml", "procedure 'esp-twin'")
    assert caught.value.field == "codes.snomed"


def test_codes_round_trip_through_toml() -> None:
    text = CATALOG.to_toml()
    back = Catalog.from_toml(text)
    assert back.by_code(CodeSystem.SNOMED, "789172006").id == "erector-spinae-plane-block"
    assert text.count("[procedure.codes]") == len(CODED)


def test_the_fhir_activity_definition_carries_the_code() -> None:
    fhir = pytest.importorskip("interventional.fhir")
    coded = fhir.to_resource(CATALOG["espb"])["code"]["coding"]
    assert {"system": "http://snomed.info/sct", "code": "789172006"} in coded
    uncoded = fhir.to_resource(CATALOG["lumbar-mbb"])["code"]["coding"]
    assert all(c["system"] != CodeSystem.SNOMED.uri for c in uncoded)
