"""The fast paths of the atlas build make exactly what the public constructors make."""

from __future__ import annotations

import re
from importlib import resources

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional._data import load_records, loads_records
from interventional.anatomy._rules import Rule, _expand, _expand_checked, expand
from interventional.anatomy.atlas import Atlas
from interventional.anatomy.levels import Segment, _split_segment
from interventional.anatomy.relations import Relation
from interventional.anatomy.structures import Edge, Structure, StructureKind, to_level_or_segment
from interventional.errors import ValidationError
from interventional.references import cite

DATA = resources.files("interventional.anatomy") / "data"
RULES = [
    rule
    for name in ("rules.toml", "targets.toml")
    for rule in load_records(DATA / name, Rule, table="rule")
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_fast_expansion_makes_what_the_constructors_make(rule: Rule) -> None:
    structures, edges = _expand(rule)
    assert (structures, edges) == _expand_checked(rule)
    for made in structures:
        public = Structure(
            made.id,
            made.kind,
            made.name,
            level=made.level,
            references=made.references,
            note=made.note,
        )
        assert attrs.astuple(made, recurse=False) == attrs.astuple(public, recurse=False)
        assert hash(made) == hash(public)
    for edge in edges:
        public_edge = Edge(
            edge.subject, edge.relation, edge.object, references=edge.references, note=edge.note
        )
        assert attrs.astuple(edge, recurse=False) == attrs.astuple(public_edge, recurse=False)


def test_an_id_template_whose_kind_is_a_placeholder() -> None:
    text = """
[[rule]]
id = "joints"
over = "value"
values = ["facet-joint", "facet-jont"]
sides = ["left"]
references = ["STATPEARLS"]
structures = [{ id = "{value}:L4-L5:{side}", name = "{value}, {side}", level = "L4-L5" }]
"""
    (rule,) = loads_records(text, Rule, table="rule")
    with pytest.raises(ValidationError, match="'facet-jont' is not one of") as fast:
        expand(rule)
    with pytest.raises(ValidationError) as checked:
        _expand_checked(rule)
    assert str(fast.value) == str(checked.value)
    (good,) = loads_records(text.replace(', "facet-jont"', ""), Rule, table="rule")
    assert expand(good) == _expand_checked(good)
    assert expand(good)[0][0].kind is StructureKind.FACET_JOINT


@pytest.mark.parametrize(
    ("structure_id", "kind"),
    [
        ("", StructureKind.VERTEBRA),
        ("Vertebra L4", StructureKind.VERTEBRA),
        ("vertebra:L4", StructureKind.FACET_JOINT),
        ("vertebra::L4", StructureKind.VERTEBRA),
    ],
)
def test_trusted_structures_check_the_id_as_the_constructor_does(
    structure_id: str, kind: StructureKind
) -> None:
    with pytest.raises(ValidationError) as public:
        Structure(structure_id, kind, "x")
    with pytest.raises(ValidationError) as trusted:
        Structure._trusted(structure_id, kind, "x", None, (), None)
    assert str(trusted.value) == str(public.value)


@pytest.mark.parametrize(
    ("structure_id", "level"),
    [("facet-joint:L4-L5:left", "L4-L5"), ("facet-joint:L4-L5:right", "L4-L5"), ("sacrum", "")],
)
def test_trusted_structures_take_the_side_of_their_id(structure_id: str, level: str) -> None:
    kind = StructureKind.parse(structure_id.split(":")[0])
    refs = (cite("STATPEARLS"),)
    trusted = Structure._trusted(structure_id, kind, "x", to_level_or_segment(level), refs, "n")
    public = Structure(structure_id, kind, "x", level=level, references=refs, note="n")
    assert trusted == public
    assert trusted.side is public.side


def test_trusted_edges_equal_constructed_ones() -> None:
    refs = (cite("BOGDUK"),)
    trusted = Edge._trusted("a", Relation.INNERVATES, "b", refs, "note")
    public = Edge("a", "innervates", "b", references=refs, note="note")
    assert trusted == public
    assert hash(trusted) == hash(public)
    assert trusted.reversed() == Edge("b", "innervates", "a", references=refs, note="note")


@given(st.text(alphabet="L45S1 -/–\t\u2003", max_size=12))
def test_segment_text_splits_as_the_regular_expression_did(text: str) -> None:
    assert _split_segment(text) == re.split(r"\s*[-/–]\s*", text.strip())


@pytest.mark.parametrize("text", ["L4-L5", "l4 / l5", "L4–L5", " L5 - S1 "])
def test_segment_separators(text: str) -> None:
    assert Segment.parse(text) in (Segment.parse("L4-L5"), Segment.parse("L5-S1"))
    assert to_level_or_segment(text) == Segment.parse(text)


def test_duplicate_edges_keep_every_source_and_the_first_note() -> None:
    nerve = Structure("medial-branch:L3:left", "medial-branch", "L3 medial branch, left")
    joint = Structure("facet-joint:L4-L5:left", "facet-joint", "L4-L5 facet joint, left")
    atlas = Atlas(
        [nerve, joint],
        [
            Edge(nerve.id, "innervates", joint.id, references=["BOGDUK"]),
            Edge(nerve.id, "innervates", joint.id, references=["STATPEARLS", "BOGDUK"], note="2"),
            Edge(nerve.id, "innervates", joint.id, note="3"),
        ],
    )
    (edge,) = atlas.edges
    assert [ref.key for ref in edge.references] == ["BOGDUK", "STATPEARLS"]
    assert edge.note == "2"


@pytest.mark.parametrize(
    ("subject", "object_", "missing"),
    [("aorta", "kidney:left", "kidney:left"), ("kidney:left", "aorta", "kidney:left")],
)
def test_dangling_edges_name_the_missing_end(subject: str, object_: str, missing: str) -> None:
    aorta = Structure("aorta", "aorta", "aorta")
    with pytest.raises(ValidationError) as caught:
        Atlas([aorta], [Edge(subject, "supplies", object_)])
    assert str(caught.value) == (
        f"edges: {subject} supplies {object_}: unknown structure {missing!r}"
    )
