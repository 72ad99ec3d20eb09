"""Structures, kinds, relations: construction, ids and bad input."""

from __future__ import annotations

import pickle

import pytest

from interventional.anatomy import (
    Edge,
    Relation,
    Segment,
    Side,
    Structure,
    StructureKind,
    VertebralLevel,
    default_atlas,
    nerve_level,
)
from interventional.errors import UnknownReferenceError, ValidationError


def test_contract_kinds_exist() -> None:
    for value in [
        "vertebra", "intervertebral-disc", "facet-joint", "atlanto-occipital-joint",
        "atlanto-axial-joint", "intervertebral-foramen", "spinal-nerve", "dorsal-root-ganglion",
        "dorsal-ramus", "ventral-ramus", "medial-branch", "lateral-branch",
        "third-occipital-nerve", "epidural-space", "dural-sac", "subarachnoid-space",
        "spinal-cord", "conus-medullaris", "ligamentum-flavum", "sacral-foramen",
        "sacral-hiatus", "sacroiliac-joint", "coccyx", "sacrococcygeal-junction",
        "stellate-ganglion", "thoracic-sympathetic-chain", "splanchnic-nerve", "celiac-plexus",
        "lumbar-sympathetic-chain", "superior-hypogastric-plexus", "ganglion-impar",
        "trigeminal-ganglion", "sphenopalatine-ganglion", "greater-occipital-nerve",
        "lesser-occipital-nerve", "genicular-nerve", "suprascapular-nerve", "knee-joint",
        "hip-joint", "shoulder-joint", "muscle", "vertebral-artery", "carotid-artery",
        "radicular-artery", "artery-of-adamkiewicz", "aorta", "inferior-vena-cava", "pleura",
        "kidney", "recurrent-laryngeal-nerve", "esophagus",
    ]:  # fmt: skip
        assert StructureKind.parse(value).value == value


def test_every_kind_has_a_category() -> None:
    for kind in StructureKind:
        assert kind.category
    assert StructureKind.AORTA.hazard
    assert not StructureKind.MEDIAL_BRANCH.hazard


@pytest.mark.parametrize(
    ("relation", "transitive", "symmetric", "ontology_id"),
    [
        (Relation.PART_OF, True, False, "BFO:0000050"),
        (Relation.INNERVATES, False, False, "RO:0002134"),
        (Relation.BRANCH_OF, True, False, "RO:0002380"),
        (Relation.ARTICULATES_WITH, False, True, None),
        (Relation.ADJACENT_TO, False, True, "RO:0002220"),
        (Relation.SUPPLIES, False, False, "RO:0002178"),
        (Relation.EXITS_THROUGH, False, False, None),
        (Relation.CONTINUOUS_WITH, False, True, "RO:0002150"),
    ],
)
def test_relation_logic(
    relation: Relation, transitive: bool, symmetric: bool, ontology_id: str | None
) -> None:
    assert relation.transitive is transitive
    assert relation.symmetric is symmetric
    assert relation.ontology_id == ontology_id
    assert relation.inverse
    if symmetric:
        assert relation.inverse == relation.value
    assert Relation.parse(relation.name) is relation


def test_innervates_inverse_is_innervated_by() -> None:
    assert Relation.INNERVATES.inverse == "innervated-by"
    assert Relation.INNERVATES.inverse_ontology_id == "RO:0002005"


def test_structure_fields_and_defaults() -> None:
    s = Structure(
        "medial-branch:L3:left", "medial-branch", "L3 medial branch, left", level="L3",
        references=["BOGDUK"],
    )  # fmt: skip
    assert s.kind is StructureKind.MEDIAL_BRANCH
    assert s.level == VertebralLevel.parse("L3")
    assert s.side is Side.LEFT
    assert [r.key for r in s.references] == ["BOGDUK"]
    assert s.qualifier == "L3"
    assert hash(s) == hash(pickle.loads(pickle.dumps(s)))
    midline = Structure("celiac-plexus", "celiac-plexus", "celiac plexus", level="T12-L1")
    assert midline.side is Side.MIDLINE
    assert midline.level == Segment.parse("T12-L1")
    assert midline.qualifier is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"id": "vertebra:L4", "kind": "facet-joint", "name": "x"}, "id"),
        ({"id": "Vertebra L4", "kind": "vertebra", "name": "x"}, "id"),
        ({"id": "vertebra:L4", "kind": "vertebrae", "name": "x"}, "kind"),
        ({"id": "vertebra:L6", "kind": "vertebra", "name": "x", "level": "L6"}, "level"),
        (
            {"id": "facet-joint:L3-L5", "kind": "facet-joint", "name": "x", "level": "L3-L5"},
            "segment",
        ),
        ({"id": "pleura:left", "kind": "pleura", "name": "x", "side": "right"}, "side"),
        ({"id": "pleura:left", "kind": "pleura", "name": "x", "side": "midline"}, "side"),
    ],
)
def test_bad_structures(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Structure(**kwargs)
    assert caught.value.field == field


def test_unknown_reference_key() -> None:
    with pytest.raises(UnknownReferenceError):
        Structure("aorta", "aorta", "aorta", references=["BOGDUCK"])


def test_kind_suggestion() -> None:
    with pytest.raises(ValidationError, match="did you mean 'vertebra'"):
        StructureKind.parse("vertebrae")


def test_nerve_level_convention() -> None:
    assert nerve_level("C8") == Segment.parse("C7-T1")
    assert nerve_level("C7") == VertebralLevel.parse("C7")
    assert nerve_level("T1") == VertebralLevel.parse("T1")
    assert nerve_level("Co1") == VertebralLevel.parse("Co1")


def test_edge_reversal_keeps_references() -> None:
    edge = Edge("a:left", "adjacent-to", "b:left", references=["STATPEARLS"])
    back = edge.reversed()
    assert (back.subject, back.object, back.references) == ("b:left", "a:left", edge.references)


def test_html_repr_has_no_background_colour() -> None:
    s = Structure("aorta", "aorta", "aorta & co", references=["STATPEARLS"])
    text = s._repr_html_()
    assert "aorta &amp; co" in text
    assert "background" not in text
    assert "STATPEARLS" in text


def test_html_repr_exactly() -> None:
    row = '<tr><th style="text-align:left;padding-right:1em">{}</th><td>{}</td></tr>'
    facet = default_atlas()["facet-joint:L4-L5:left"]
    assert facet._repr_html_() == (
        "<div><strong>L4-L5 facet joint, left</strong>"
        '<table style="border-collapse:collapse">'
        + row.format("id", "<code>facet-joint:L4-L5:left</code>")
        + row.format("kind", "facet-joint")
        + row.format("level", "L4-L5")
        + row.format("side", "left")
        + row.format("xrefs", "UBERON:0001067, FMA:10447")
        + row.format(
            "references", '<a href="https://www.ncbi.nlm.nih.gov/books/NBK430685/">STATPEARLS</a>'
        )
        + "</table></div>"
    )
    noted = Structure("aorta", "aorta", "aorta", note="a <note>")
    text = noted._repr_html_()
    assert row.format("level", "&mdash;") in text
    assert row.format("note", "a &lt;note&gt;") in text
    assert "references" not in text
