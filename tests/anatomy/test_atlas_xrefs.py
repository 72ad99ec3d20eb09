"""The atlas's cross-references to UBERON, FMA and SNOMED CT (``anatomy/data/xrefs.toml``).

Facts: the ids read in the ontology files (tools/codes/VERIFICATION-anatomy.md). Properties:
every code passes its system's check and finds, through ``Atlas.by_xref``, every structure
that carries it. Errors: a bad system, a bad id, an id that is no structure, a pattern that
matches none and a structure two patterns match each name the file, the record and the field.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interventional.anatomy import StructureKind, default_atlas
from interventional.anatomy.structures import Structure
from interventional.codes import Codes, CodeSystem
from interventional.errors import CatalogError, UnknownStructureError, ValidationError

ATLAS = default_atlas()
CODED = sorted(s.id for s in ATLAS.values() if s.xrefs)


@pytest.mark.parametrize(
    ("structure_id", "uberon", "fma"),
    [
        ("vertebra:L4", "UBERON:0004620", "FMA:13075"),
        ("vertebra:L5", "UBERON:0004621", "FMA:13076"),
        ("vertebra:C1", "UBERON:0001092", "FMA:12519"),
        ("vertebra:T12", "UBERON:0004636", "FMA:10081"),
        ("vertebra:S1", "UBERON:0004622", "FMA:13077"),
        ("intervertebral-disc:C5-C6", "UBERON:0007262", "FMA:13898"),
        ("intervertebral-disc:L4-L5", "UBERON:0007255", "FMA:13894"),
        ("intervertebral-disc:L5-S1", "UBERON:0007255", "FMA:13894"),
        ("facet-joint:L4-L5:left", "UBERON:0001067", "FMA:10447"),
        ("facet-joint:C2-C3:right", "UBERON:0001067", "FMA:10447"),
        ("sacroiliac-joint:left", "UBERON:0001365", "FMA:21440"),
        ("spinal-nerve:C8:left", "UBERON:0000962", "FMA:5859"),
        ("spinal-nerve:T6:right", "UBERON:0003726", "FMA:5860"),
        ("vertebra:T8", "UBERON:0011050", "FMA:9991"),
        ("dorsal-root-ganglion:L5:left", "UBERON:0002859", "FMA:6339"),
        ("dorsal-root-ganglion:L4:right", "UBERON:0003943", "FMA:6338"),
        ("dorsal-root-ganglion:C6:left", "UBERON:0007711", "FMA:6319"),
        ("dorsal-ramus:L4:left", "UBERON:0006839", "FMA:5983"),
        ("ventral-ramus:T5:right", "UBERON:0006838", "FMA:5982"),
        ("thoracic-sympathetic-chain:left", "UBERON:0004863", "FMA:6262"),
        ("lumbar-sympathetic-chain:right", "UBERON:0009646", "FMA:6263"),
        ("stellate-ganglion:left", "UBERON:0002441", "FMA:6469"),
        ("celiac-plexus", "UBERON:0002010", "FMA:6630"),
        ("superior-hypogastric-plexus", "UBERON:0002013", "FMA:6642"),
        ("aorta", "UBERON:0000947", "FMA:3734"),
        ("vertebral-artery:right", "UBERON:0001535", "FMA:3956"),
        ("inferior-vena-cava", "UBERON:0001072", "FMA:10951"),
    ],
)
def test_verified_ids(structure_id: str, uberon: str, fma: str) -> None:
    xrefs = ATLAS[structure_id].xrefs
    assert (xrefs["uberon"], xrefs["fma"]) == (uberon, fma)


def test_spinal_nerves_by_region_and_coccygeal_is_not_cervical() -> None:
    assert dict(ATLAS["spinal-nerve:L4:left"].xrefs) == {
        "uberon": "UBERON:0009624",
        "fma": "FMA:5861",
    }
    assert ATLAS["spinal-nerve:Co1:left"].xrefs["uberon"] == "UBERON:0009629"
    assert ATLAS["spinal-nerve:C1:left"].xrefs["uberon"] == "UBERON:0000962"


def test_unverified_structures_carry_nothing() -> None:
    for structure_id in (
        "medial-branch:L3:left",
        "ganglion-impar",
        "dorsal-root-ganglion:Co1:left",
    ):
        assert ATLAS[structure_id].xrefs == {}
    assert not any("snomed" in s.xrefs for s in ATLAS.values())  # see xrefs.toml's header


def test_xrefs_are_a_read_only_mapping_with_references() -> None:
    xrefs = ATLAS["vertebra:L4"].xrefs
    assert isinstance(xrefs, Codes)
    with pytest.raises(TypeError):
        xrefs["uberon"] = "UBERON:0000000"  # type: ignore[index]
    assert {ref.key for ref in xrefs.references} == {"UBERON", "FMA"}


def test_every_required_family_is_covered() -> None:
    """The kinds the issue names: every structure of each carries an UBERON id."""
    for kind in (
        StructureKind.INTERVERTEBRAL_DISC,
        StructureKind.DORSAL_RAMUS,
        StructureKind.THORACIC_SYMPATHETIC_CHAIN,
        StructureKind.SPLANCHNIC_NERVE,
        StructureKind.FACET_JOINT,
        StructureKind.SPINAL_NERVE,
        StructureKind.STELLATE_GANGLION,
        StructureKind.CELIAC_PLEXUS,
        StructureKind.SUPERIOR_HYPOGASTRIC_PLEXUS,
        StructureKind.LUMBAR_SYMPATHETIC_CHAIN,
        StructureKind.AORTA,
        StructureKind.INFERIOR_VENA_CAVA,
        StructureKind.VERTEBRAL_ARTERY,
        StructureKind.CAROTID_ARTERY,
        StructureKind.FEMORAL_ARTERY,
    ):
        assert all("uberon" in s.xrefs for s in ATLAS.find(kind=kind)), kind


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CODED))
def test_every_xref_passes_its_check_and_finds_its_structure(structure_id: str) -> None:
    structure = ATLAS[structure_id]
    for system, code in structure.xrefs.codings():
        assert system.check(code) == code
        found = ATLAS.by_xref(system, code)
        assert structure in found
        assert all(code in other.xrefs.all(system) for other in found)
        assert ATLAS.by_xref(system.uri, code.replace(":", "_")) == found


def test_by_xref_keeps_atlas_order_and_gives_both_sides() -> None:
    assert [s.id for s in ATLAS.by_xref("uberon", "UBERON:0001365")] == [
        "sacroiliac-joint:left",
        "sacroiliac-joint:right",
    ]


def test_by_xref_unknown_code_is_typed_with_suggestions() -> None:
    with pytest.raises(UnknownStructureError) as caught:
        ATLAS.by_xref("uberon", "UBERON:0004637")
    assert "UBERON:0004636" in caught.value.suggestions
    assert isinstance(caught.value, KeyError)
    with pytest.raises(UnknownStructureError, match="it is the FMA code of 'vertebra:L4'"):
        ATLAS.by_xref("uberon", "FMA:13075")
    with pytest.raises(ValidationError):
        ATLAS.by_xref("gray's", "UBERON:0004620")


def test_coverage_counts_each_kind_and_system() -> None:
    rows = {(r.kind, r.system): (r.coded, r.total) for r in ATLAS.xref_coverage()}
    assert rows["facet-joint", CodeSystem.UBERON] == (46, 46)
    assert rows["vertebra", CodeSystem.FMA] == (29, 30)  # S5: no term read
    assert rows["dorsal-root-ganglion", CodeSystem.UBERON] == (60, 62)  # Co1: none
    assert rows["medial-branch", CodeSystem.UBERON] == (0, 44)
    assert sum(
        total for (kind, system), (_, total) in rows.items() if system is CodeSystem.SNOMED
    ) == len(ATLAS)


def test_exports_carry_the_xrefs() -> None:
    node = next(n for n in ATLAS.subgraph("vertebra:L4", depth=0).to_node_link()["nodes"])
    assert node["xrefs"] == "UBERON:0004620 FMA:13075"


def test_a_structure_takes_xrefs_in_python() -> None:
    s = Structure(
        "vertebra:L4",
        "vertebra",
        "L4",
        xrefs={"uberon": "UBERON:0004620", "references": ["UBERON"]},
    )
    assert s.xrefs["uberon"] == "UBERON:0004620"
    with pytest.raises(ValidationError, match=r"codes\.uberon"):
        Structure(
            "vertebra:L4", "vertebra", "L4", xrefs={"uberon": "0004620", "references": ["UBERON"]}
        )


# --- loader errors ----------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the atlas data files that ``build_default_atlas`` reads instead."""
    from interventional.anatomy import atlas

    source = resources.files("interventional.anatomy") / "data"
    for name in (
        "structures.toml",
        "rules.toml",
        "targets.toml",
        "relations.toml",
        "dermatomes.toml",
        "xrefs.toml",
    ):
        (tmp_path / name).write_text(source.joinpath(name).read_text("utf-8"), "utf-8")
    monkeypatch.setattr(atlas, "_data_folder", lambda: tmp_path)
    return tmp_path


def _append_and_build(folder: Path, text: str) -> CatalogError:
    from interventional.anatomy.atlas import build_default_atlas

    with (folder / "xrefs.toml").open("a", encoding="utf-8") as out:
        out.write(text)
    with pytest.raises(CatalogError) as caught:
        build_default_atlas()
    assert caught.value.file == str(folder / "xrefs.toml")
    return caught.value


def test_a_bad_system_names_file_record_and_field(data_copy: Path) -> None:
    error = _append_and_build(
        data_copy,
        '\n[[xref]]\nstructures = "kidney:left"\ncodes = { gray = "1", references = ["UBERON"] }\n',
    )
    assert error.record == "xref 'kidney:left'"
    assert error.field is not None
    assert error.field.startswith("codes")
    assert "gray" in error.reason


def test_a_bad_id_names_file_record_and_field(data_copy: Path) -> None:
    error = _append_and_build(
        data_copy,
        '\n[[xref]]\nstructures = "medial-branch:L4:left"\n'
        'codes = { uberon = "UBERON:123", references = ["UBERON"] }\n',
    )
    assert (error.record, error.field) == ("xref 'medial-branch:L4:left'", "codes.uberon")
    assert "seven digits" in error.reason


def test_an_unknown_structure_names_the_nearest(data_copy: Path) -> None:
    error = _append_and_build(
        data_copy,
        '\n[[xref]]\nstructures = "dorsal-ramus:L4:lft"\n'
        'codes = { uberon = "UBERON:0004620", references = ["UBERON"] }\n',
    )
    assert (error.record, error.field) == ("xref 'dorsal-ramus:L4:lft'", "structures")
    assert "dorsal-ramus:L4:left" in error.reason


def test_a_pattern_that_matches_nothing(data_copy: Path) -> None:
    error = _append_and_build(
        data_copy,
        '\n[[xref]]\nstructures = "ramus:*"\n'
        'codes = { uberon = "UBERON:0004620", references = ["UBERON"] }\n',
    )
    assert (error.record, error.field) == ("xref 'ramus:*'", "structures")
    assert "matches no structure" in error.reason


def test_two_patterns_for_one_structure(data_copy: Path) -> None:
    error = _append_and_build(
        data_copy,
        '\n[[xref]]\nstructures = "facet-joint:L*"\n'
        'codes = { uberon = "UBERON:0001067", references = ["UBERON"] }\n',
    )
    assert (error.record, error.field) == ("xref 'facet-joint:L*'", "structures")
    assert "'facet-joint:*'" in error.reason


def test_codes_without_a_reference(data_copy: Path) -> None:
    error = _append_and_build(
        data_copy, '\n[[xref]]\nstructures = "kidney:left"\ncodes = { uberon = "UBERON:0002113" }\n'
    )
    assert (error.record, error.field) == ("xref 'kidney:left'", "codes.references")


def test_an_exact_record_wins_over_a_pattern(data_copy: Path) -> None:
    from interventional.anatomy.atlas import build_default_atlas

    with (data_copy / "xrefs.toml").open("a", encoding="utf-8") as out:
        out.write(
            '\n[[xref]]\nstructures = "facet-joint:L4-L5:left"\n'
            'codes = { uberon = "UBERON:0001468", references = ["UBERON"] }\n'
        )
    built = build_default_atlas()
    assert built["facet-joint:L4-L5:left"].xrefs["uberon"] == "UBERON:0001468"
    assert built["facet-joint:L4-L5:right"].xrefs["uberon"] == "UBERON:0001067"
