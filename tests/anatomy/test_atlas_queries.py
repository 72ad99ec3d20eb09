"""Atlas queries, read-only graph, subgraphs, exports and notebook output."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from interventional.anatomy import Atlas, Edge, Relation, Structure, default_atlas
from interventional.errors import UnknownStructureError, ValidationError


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return default_atlas()


def test_default_atlas_is_cached(atlas: Atlas) -> None:
    assert default_atlas() is atlas


def test_mapping_protocol(atlas: Atlas) -> None:
    structure = atlas["facet-joint:L4-L5:left"]
    assert atlas.get("facet-joint:L4-L5:left") is structure
    assert atlas.get("nothing") is None
    assert "facet-joint:L4-L5:left" in atlas
    assert 42 not in atlas
    assert len(atlas) == len(list(atlas)) == len(set(atlas))
    assert all(isinstance(i, str) for i in atlas)


def test_unknown_id_suggests(atlas: Atlas) -> None:
    with pytest.raises(UnknownStructureError) as caught:
        atlas["facet-joint:L4-L5:lft"]
    assert caught.value.suggestions[0] == "facet-joint:L4-L5:left"
    assert isinstance(caught.value, KeyError)


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.related("nope", "innervates"),
        lambda a: a.innervation("facet-joint:L6-S1:left"),
        lambda a: a.parts("nope"),
        lambda a: a.at_risk("nope"),
        lambda a: a.path("nope", "aorta"),
        lambda a: a.subgraph(["nope"]),
        lambda a: a.dermatome("spinal-nerve:L6:left"),
    ],
)
def test_every_query_refuses_unknown_ids(atlas: Atlas, call: object) -> None:
    with pytest.raises(UnknownStructureError):
        call(atlas)  # type: ignore[operator]


def test_find(atlas: Atlas) -> None:
    found = atlas.find(kind="facet-joint", region="lumbar", side="left")
    assert [s.id for s in found] == [f"facet-joint:{s}:left" for s in
                                     ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")]  # fmt: skip
    assert [s.id for s in atlas.find(level="L4-L5", kind="intervertebral-disc")] == [
        "intervertebral-disc:L4-L5"
    ]
    assert atlas.find(level="l4/l5", kind="intervertebral-disc") == atlas.find(
        level="L4-L5", kind="intervertebral-disc"
    )
    assert {s.id for s in atlas.find(kind="epidural-space", region="sacral")} == {
        "epidural-space:sacral"
    }
    with pytest.raises(ValidationError, match="kind"):
        atlas.find(kind="facets")
    with pytest.raises(ValidationError, match="L6"):
        atlas.find(level="L6")


def test_related_both_directions(atlas: Atlas) -> None:
    out = atlas.related("medial-branch:L3:left", Relation.INNERVATES)
    assert {s.id for s in out} == {"facet-joint:L3-L4:left", "facet-joint:L4-L5:left"}
    back = atlas.related("facet-joint:L4-L5:left", "innervates", direction="in")
    assert "medial-branch:L3:left" in {s.id for s in back}
    assert atlas.related("facet-joint:L4-L5:left", "innervated-by") == back
    assert atlas.related("medial-branch:L3:left", "innervated_by", "in") == out
    with pytest.raises(ValidationError, match="direction"):
        atlas.related("aorta", direction="up")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="relation"):
        atlas.related("aorta", "innervated")


def test_symmetric_relations_are_stored_both_ways(atlas: Atlas) -> None:
    graph = atlas.graph
    for u, v, key in graph.edges(keys=True):
        if key.symmetric:
            assert graph.has_edge(v, u, key=key), (u, v, key)


def test_parts_is_transitive(atlas: Atlas) -> None:
    parts = {s.id for s in atlas.parts("vertebral-column")}
    assert {
        "sacrum",
        "vertebra:S3",
        "vertebra:L4",
        "vertebra:Co1",
        "facet-joint:C5-C6:left",
    } <= parts
    assert {s.id for s in atlas.parts("spinal-nerve:L4:left")} == {"dorsal-root-ganglion:L4:left"}


def test_innervated_by_with_branches(atlas: Atlas) -> None:
    direct = atlas.innervated_by("dorsal-ramus:L3:left")
    assert direct == frozenset()
    via = {s.id for s in atlas.innervated_by("dorsal-ramus:L3:left", branches=True)}
    assert via == {"facet-joint:L3-L4:left", "facet-joint:L4-L5:left"}


def test_path(atlas: Atlas) -> None:
    chain = [s.id for s in atlas.path("third-occipital-nerve:left", "spinal-nerve:C3:left")]
    assert chain == ["third-occipital-nerve:left", "dorsal-ramus:C3:left", "spinal-nerve:C3:left"]
    assert [s.id for s in atlas.path("aorta", "aorta")] == ["aorta"]
    lonely = Atlas([Structure("aorta", "aorta", "aorta"), Structure("esophagus", "esophagus", "e")])
    assert lonely.path("aorta", "esophagus") == ()


def test_graph_is_read_only(atlas: Atlas) -> None:
    graph = atlas.graph
    assert isinstance(graph, nx.MultiDiGraph)
    assert nx.is_frozen(graph)
    with pytest.raises(nx.NetworkXError):
        graph.add_node("x")
    assert graph.nodes["aorta"]["structure"] is atlas["aorta"]
    assert all(isinstance(key, Relation) for _, _, key in graph.edges(keys=True))
    assert atlas.graph is graph


def test_subgraph(atlas: Atlas) -> None:
    small = atlas.subgraph("facet-joint:L4-L5:left", depth=1)
    assert isinstance(small, Atlas)
    assert {"medial-branch:L3:left", "medial-branch:L4:left", "vertebral-column"} <= set(small)
    assert "spinal-nerve:L3:left" not in small
    deeper = atlas.subgraph(["facet-joint:L4-L5:left"], depth=2)
    assert "dorsal-ramus:L3:left" in deeper
    assert set(atlas.subgraph("aorta", depth=0)) == {"aorta"}
    with pytest.raises(ValidationError, match="depth"):
        atlas.subgraph("aorta", depth=-1)


def test_node_link_round_trip(atlas: Atlas) -> None:
    small = atlas.subgraph("facet-joint:L4-L5:left", depth=1)
    data = json.loads(small.to_json())
    graph = nx.node_link_graph(data, edges="edges")
    assert set(graph.nodes) == set(small)
    assert graph.number_of_edges() == small.graph.number_of_edges()
    edge = graph.edges["medial-branch:L3:left", "facet-joint:L4-L5:left", "innervates"]
    assert edge["ontology_id"] == "RO:0002134"
    assert "BOGDUK" in edge["references"]


def test_graphml_round_trip(atlas: Atlas, tmp_path: object) -> None:
    small = atlas.subgraph("stellate-ganglion:left", depth=1)
    text = small.to_graphml()
    graph = nx.parse_graphml(text, force_multigraph=True)
    assert set(graph.nodes) == set(small)
    assert graph.nodes["stellate-ganglion:left"]["level"] == "C7"


def test_dot(atlas: Atlas) -> None:
    text = atlas.subgraph("medial-branch:L3:left", depth=1).to_dot()
    assert text.startswith("digraph atlas {")
    assert '"medial-branch:L3:left" -> "facet-joint:L4-L5:left" [label="innervates"];' in text


def test_html_summaries(atlas: Atlas) -> None:
    html = atlas._repr_html_()
    assert f"{len(atlas)} structures" in html
    assert "background" not in html
    assert "BOGDUK" in atlas["medial-branch:L3:left"]._repr_html_()


def test_atlas_refuses_dangling_edges() -> None:
    aorta = Structure("aorta", "aorta", "aorta")
    with pytest.raises(ValidationError, match="unknown structure 'kidney:left'"):
        Atlas([aorta], [Edge("aorta", "adjacent-to", "kidney:left")])
    with pytest.raises(ValidationError, match="duplicate"):
        Atlas([aorta, aorta])


def test_duplicate_edges_merge_references() -> None:
    a = Structure("aorta", "aorta", "aorta")
    b = Structure("esophagus", "esophagus", "esophagus")
    atlas = Atlas(
        [a, b],
        [
            Edge("aorta", "adjacent-to", "esophagus", references=["STATPEARLS"]),
            Edge("esophagus", "adjacent-to", "aorta", references=["BOGDUK"]),
        ],
    )
    assert len(atlas.edges) == 2
    keys = {
        r.key for r in atlas.graph.edges["aorta", "esophagus", Relation.ADJACENT_TO]["references"]
    }
    assert keys == {"STATPEARLS", "BOGDUK"}


def test_atlas_pickles_to_an_equal_atlas(atlas: Atlas) -> None:
    import pickle

    small = atlas.subgraph("facet-joint:L4-L5:left", depth=2)
    again = pickle.loads(pickle.dumps(small))
    assert again == small
    assert again.innervation("facet-joint:L4-L5:left") == small.innervation(
        "facet-joint:L4-L5:left"
    )
    assert small != atlas
    assert small != {}


def test_draw_returns_axes(atlas: Atlas) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = atlas.draw(["facet-joint:L4-L5:left"], depth=1)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "innervates" in labels
    assert "nerve" in labels
    plt.close(ax.figure)
