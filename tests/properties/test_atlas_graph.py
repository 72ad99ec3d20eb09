"""Properties of the default atlas graph over every structure, level and side."""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from interventional.anatomy import (
    Relation,
    Segment,
    Side,
    StructureKind,
    default_atlas,
    exiting_nerve,
)

ATLAS = default_atlas()
structure_ids = st.sampled_from(sorted(ATLAS))
lateral_ids = st.sampled_from(sorted(i for i, s in ATLAS.items() if s.side.lateral))
lateral = st.sampled_from([Side.LEFT, Side.RIGHT])
spinal_facets = st.sampled_from(
    [s for s in Segment.all() if s.region.value in ("thoracic", "lumbar")]
)
foramina = st.sampled_from(ATLAS.find(kind="intervertebral-foramen"))

SOURCE_KINDS = {StructureKind.MEDIAL_BRANCH, StructureKind.DORSAL_RAMUS}


# The one documented asymmetry: the left lumbar sympathetic chain lies by the aorta, the
# right one behind the inferior vena cava.
ASYMMETRIC = {
    ("lumbar-sympathetic-chain", "aorta"),
    ("lumbar-sympathetic-chain", "inferior-vena-cava"),
}


def asymmetric(a: str, b: str) -> bool:
    kinds = (a.split(":")[0], b.split(":")[0])
    return kinds in ASYMMETRIC or kinds[::-1] in ASYMMETRIC


def mirror(structure_id: str) -> str:
    head, _, side = structure_id.rpartition(":")
    return f"{head}:{Side.parse(side).mirror().value}"


@given(structure_ids)
def test_every_id_round_trips(structure_id: str) -> None:
    assert ATLAS[structure_id].id == structure_id
    assert ATLAS[structure_id].kind.value == structure_id.split(":")[0]


@given(spinal_facets, lateral)
def test_thoracic_and_lumbar_facets_have_two_sources_on_their_own_side(
    segment: Segment, side: Side
) -> None:
    sources = ATLAS.innervation(f"facet-joint:{segment}:{side.value}")
    assert len(sources) == 2
    assert {s.kind for s in sources} <= SOURCE_KINDS
    assert {s.side for s in sources} == {side}


@given(foramina)
def test_every_foramen_has_exactly_one_exiting_nerve(foramen: object) -> None:
    nerves = ATLAS.related(foramen.id, Relation.EXITS_THROUGH, "in")  # type: ignore[attr-defined]
    assert len(nerves) == 1
    (nerve,) = nerves
    assert nerve.side is foramen.side  # type: ignore[attr-defined]
    assert nerve.qualifier == exiting_nerve(foramen.level)  # type: ignore[attr-defined]


def test_every_lateral_structure_is_a_mirror_image() -> None:
    for structure_id, structure in ATLAS.items():
        if structure.side.lateral:
            test_left_and_right_are_mirror_images.hypothesis.inner_test(structure_id)  # type: ignore[attr-defined]


@given(lateral_ids)
@settings(max_examples=200)
def test_left_and_right_are_mirror_images(structure_id: str) -> None:
    other = mirror(structure_id)
    assert other in ATLAS
    assert ATLAS[other].side is ATLAS[structure_id].side.mirror()
    assert ATLAS[other].level == ATLAS[structure_id].level

    def image(i: str) -> str:
        return mirror(i) if ATLAS[i].side.lateral else i

    graph = ATLAS.graph
    for _, target, key in graph.out_edges(structure_id, keys=True):
        if not asymmetric(structure_id, target):
            assert graph.has_edge(other, image(target), key=key)
    for source, _, key in graph.in_edges(structure_id, keys=True):
        if not asymmetric(source, structure_id):
            assert graph.has_edge(image(source), other, key=key)


def test_part_of_is_acyclic() -> None:
    part_of = nx.DiGraph(
        (u, v) for u, v, key in ATLAS.graph.edges(keys=True) if key is Relation.PART_OF
    )
    assert nx.is_directed_acyclic_graph(part_of)
    branch_of = nx.DiGraph(
        (u, v) for u, v, key in ATLAS.graph.edges(keys=True) if key is Relation.BRANCH_OF
    )
    assert nx.is_directed_acyclic_graph(branch_of)


def test_every_edge_joins_existing_nodes() -> None:
    for u, v, key in ATLAS.graph.edges(keys=True):
        assert u in ATLAS
        assert v in ATLAS
        assert isinstance(key, Relation)
    assert set(ATLAS.graph.nodes) == set(ATLAS)


@given(structure_ids)
def test_parts_never_contain_the_whole(structure_id: str) -> None:
    assert ATLAS[structure_id] not in ATLAS.parts(structure_id)


@given(structure_ids)
def test_at_risk_returns_only_hazards_other_than_the_target(structure_id: str) -> None:
    for hazard in ATLAS.at_risk(structure_id):
        assert hazard.kind.hazard
        assert hazard.id != structure_id


@given(structure_ids, structure_ids)
@settings(max_examples=50)
def test_path_joins_its_ends_through_edges(a: str, b: str) -> None:
    chain = ATLAS.path(a, b)
    if chain:
        assert chain[0].id == a
        assert chain[-1].id == b
        undirected = ATLAS.graph.to_undirected(as_view=True)
        for x, y in itertools.pairwise(chain):
            assert undirected.has_edge(x.id, y.id)
