"""Subgraphs are the structures within ``depth`` edges of the seeds, as networkx counts them."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interventional.anatomy import Atlas, Edge, Relation, default_atlas
from interventional.anatomy.levels import SpinalNerveLevel
from interventional.errors import ValidationError

ATLAS = default_atlas()
IDS = sorted(ATLAS)


def _within(seeds: list[str], depth: int) -> set[str]:
    undirected = ATLAS.graph.to_undirected(as_view=True)
    found: set[str] = set()
    for seed in seeds:
        found |= set(nx.ego_graph(undirected, seed, radius=depth))
    return found


@settings(max_examples=40, deadline=None)
@given(seeds=st.lists(st.sampled_from(IDS), min_size=1, max_size=3), depth=st.integers(0, 3))
def test_a_subgraph_keeps_what_is_within_depth_and_every_edge_among_it(
    seeds: list[str], depth: int
) -> None:
    small = ATLAS.subgraph(seeds, depth=depth)
    kept = _within(seeds, depth)
    assert set(small) == kept
    assert set(small.edges) == {e for e in ATLAS.edges if e.subject in kept and e.object in kept}
    assert len(small.edges) == len(set(small.edges))  # symmetric edges not doubled twice


def test_symmetric_edges_stay_both_ways_and_dermatomes_stay() -> None:
    symmetric = next(e for e in ATLAS.edges if e.relation.symmetric)
    small = ATLAS.subgraph([symmetric.subject], depth=1)
    ways = {(e.subject, e.object) for e in small.edges if e.relation is symmetric.relation}
    assert (symmetric.subject, symmetric.object) in ways
    assert (symmetric.object, symmetric.subject) in ways
    nerve = ATLAS.subgraph("spinal-nerve:L4:left", depth=0)
    assert nerve.dermatome("spinal-nerve:L4:left") == ATLAS.dermatome("spinal-nerve:L4:left")


@pytest.mark.parametrize("depth", [-1, 1.5, True, "1"])
def test_a_depth_that_is_not_a_whole_number_at_least_zero(depth: object) -> None:
    with pytest.raises(ValidationError) as caught:
        ATLAS.subgraph("aorta", depth=depth)  # type: ignore[arg-type]
    assert caught.value.field == "depth"
    assert caught.value.reason == f"must be a whole number >= 0, got {depth!r}"


def test_find_in_an_atlas_without_that_kind_finds_nothing() -> None:
    small = ATLAS.subgraph("aorta", depth=0)
    assert small.find(kind="facet-joint") == ()
    assert [s.id for s in small.find(kind="aorta")] == ["aorta"]


@pytest.mark.parametrize(("argument", "value"), [("side", "lft"), ("region", "lumbr")])
def test_find_names_the_argument_at_fault(argument: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ATLAS.find(**{argument: value})
    assert caught.value.field == argument


def test_duplicate_ids_name_the_structures_field() -> None:
    vertebra = ATLAS["vertebra:L4"]
    with pytest.raises(ValidationError) as caught:
        Atlas([vertebra, vertebra], [])
    assert caught.value.field == "structures"
    assert caught.value.reason == "duplicate structure id 'vertebra:L4'"


def test_an_edge_to_an_unknown_structure_suggests_the_nearest_ids() -> None:
    vertebra = ATLAS["vertebra:L4"]
    edge = Edge("vertebra:L4", Relation.PART_OF, "vertebral-colum", references=["STATPEARLS"])
    with pytest.raises(ValidationError) as caught:
        Atlas([vertebra, ATLAS["vertebral-column"]], [edge])
    assert "vertebral-column" in caught.value.suggestions


def test_spinal_nerves_sort_by_region_then_number() -> None:
    nerves = SpinalNerveLevel.all()
    assert list(nerves) == sorted(nerves)
    backwards = list(reversed(nerves))
    names = [str(n) for n in sorted(backwards)]
    assert names.index("C8") + 1 == names.index("T1")
    assert names.index("S5") + 1 == names.index("Co1")
    first, second = nerves[0], nerves[1]
    assert first < second
    assert not second < first
    assert not first < first
    assert first.__lt__("C1") is NotImplemented
    with pytest.raises(TypeError):
        _ = first < "C2"  # type: ignore[operator]
