"""The atlas picture, read back from its matplotlib artists.

Nodes are coloured by the category of their kind, edges styled by relation (symmetric
relations drawn once, without arrow heads), names written only on small pictures, and the
legend lists the categories and relations drawn, in that order.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from interventional.anatomy import default_atlas
from interventional.anatomy._draw import _CATEGORY_COLOUR, _RELATION_STYLE

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402


def _nodes(ax: Any) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_a_small_picture_of_a_facet_joint_and_its_neighbours() -> None:
    view = default_atlas().subgraph(["facet-joint:L4-L5:left"], 1)
    ax = default_atlas().draw(["facet-joint:L4-L5:left"], depth=1)
    try:
        categories = sorted({s.kind.category for s in view.values()})
        relations = sorted(
            {key for _, _, key in view.graph.edges(keys=True)}, key=lambda r: r.value
        )
        # one node collection per category, in its colour, all nodes drawn at the large size
        nodes = _nodes(ax)
        assert len(nodes) == len(categories)
        for collection, category in zip(nodes, categories, strict=True):
            assert (
                tuple(collection.get_facecolor()[0][:3]) == to_rgba(_CATEGORY_COLOUR[category])[:3]
            )
            assert set(collection.get_sizes()) == {380.0}
        assert sum(len(c.get_offsets()) for c in nodes) == len(view)
        # one arrow per directed edge and per symmetric pair, styled by its relation
        arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
        expected = sum(
            1 for u, v, key in view.graph.edges(keys=True) if not (key.symmetric and u > v)
        )
        assert len(arrows) == expected
        by_colour = {to_rgba(_RELATION_STYLE[r][0]): r for r in relations}
        assert len(by_colour) == len(relations)  # each relation its own colour
        drawn: dict[Any, int] = {}
        for arrow in arrows:
            relation = by_colour[tuple(arrow.get_edgecolor())]
            drawn[relation] = drawn.get(relation, 0) + 1
            head = type(arrow.get_arrowstyle()).__name__
            assert head == ("Curve" if relation.symmetric else "CurveFilledB"), relation
        assert drawn == {
            r: sum(
                1
                for u, v, k in view.graph.edges(keys=True)
                if k is r and not (r.symmetric and u > v)
            )
            for r in relations
        }
        assert {a.get_linewidth() for a in arrows} == {1.4}
        # every name written, wrapped at 18 characters, in the style's text colour
        texts = {t.get_text() for t in ax.texts}
        assert texts == {"\n".join(textwrap.wrap(s.name, 18)) for s in view.values()}
        assert {t.get_color() for t in ax.texts} == {plt.rcParams["text.color"]}
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == categories + [r.value for r in relations]
        assert not ax.axison
    finally:
        plt.close(ax.figure)


def test_a_large_picture_has_small_nodes_thin_edges_and_no_names() -> None:
    atlas = default_atlas()
    ids = [s.id for s in atlas.values() if s.kind.value == "medial-branch"][:30]
    view = atlas.subgraph(ids, 1)
    assert 80 < len(view) <= 300  # spring layout, but past the label limit
    ax = atlas.draw(ids, depth=1)
    try:
        assert {size for c in _nodes(ax) for size in c.get_sizes()} == {40.0}
        arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
        assert arrows
        assert {a.get_linewidth() for a in arrows} == {0.4}
        assert not ax.texts
    finally:
        plt.close(ax.figure)


def test_an_axes_given_is_drawn_on() -> None:
    figure, given = plt.subplots()
    try:
        assert default_atlas().draw(["facet-joint:L4-L5:left"], ax=given) is given
        assert _nodes(given)
    finally:
        plt.close(figure)


@pytest.mark.slow  # draws the whole atlas
def test_the_whole_atlas_is_drawn_in_one_ring_per_category() -> None:
    import numpy as np

    atlas = default_atlas()
    assert len(atlas) > 300  # past the spring-layout limit
    ax = atlas.draw()
    try:
        nodes = _nodes(ax)
        categories = sorted({s.kind.category for s in atlas.values()})
        assert len(nodes) == len(categories)
        radii = []
        for collection in nodes:
            radius = np.hypot(*collection.get_offsets().T)
            assert np.ptp(radius) < 1e-6  # every node of a category on one circle
            radii.append(float(radius[0]))
        assert radii == sorted(radii)
        assert len(set(np.round(radii, 6))) == len(radii)  # one circle each
        assert sum(len(c.get_offsets()) for c in nodes) == len(atlas)
    finally:
        plt.close(ax.figure)
