"""Drawing an atlas with matplotlib (imported here, lazily, only when a picture is asked for).

Colours come from matplotlib's default colour cycle (``"C0"`` ... ``"C9"``) and text uses
the current style's text colour, so pictures read in light and dark themes alike; nothing
sets a background colour.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import networkx as nx

from interventional.anatomy.relations import Relation

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from interventional.anatomy.atlas import Atlas

__all__ = ["draw"]

_SPRING_LIMIT = 300  # above this, networkx's spring layout wants scipy
_LABEL_LIMIT = 80  # above this, labels would hide the graph

_CATEGORY_COLOUR = {
    "bone": "C7",
    "joint": "C0",
    "soft-tissue": "C8",
    "space": "C9",
    "neuraxis": "C4",
    "nerve": "C1",
    "autonomic": "C6",
    "vessel": "C3",
    "viscus": "C5",
}
_RELATION_STYLE: dict[Relation, tuple[str, Any]] = {
    Relation.PART_OF: ("C7", "dotted"),
    Relation.INNERVATES: ("C1", "solid"),
    Relation.BRANCH_OF: ("C2", "solid"),
    Relation.ARTICULATES_WITH: ("C0", "dashed"),
    Relation.ADJACENT_TO: ("C8", "dashed"),
    Relation.SUPPLIES: ("C3", "solid"),
    Relation.EXITS_THROUGH: ("C9", "dashdot"),
    Relation.CONTINUOUS_WITH: ("C4", "dotted"),
}


def _node_size(count: int) -> float:
    return 380.0 if count <= _LABEL_LIMIT else 40.0


def draw(atlas: Atlas, ax: Axes | None = None) -> Axes:
    """Draw every structure and edge of ``atlas`` on ``ax`` (a new figure when ``None``)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if ax is None:
        size = min(4 + 0.35 * len(atlas), 16)
        _, ax = plt.subplots(figsize=(size, size * 0.75))
    graph: Any = atlas.graph
    categories = sorted({s.kind.category for s in atlas.values()})
    if len(atlas) <= _SPRING_LIMIT:
        position = nx.spring_layout(graph, seed=7, k=2.0 / max(len(atlas), 1) ** 0.5)
    else:  # large graphs: one ring per category (no scipy needed, and readable)
        rings = [[i for i, s in atlas.items() if s.kind.category == c] for c in categories]
        position = nx.shell_layout(graph, nlist=rings)
    for category in categories:
        nodes = [i for i, s in atlas.items() if s.kind.category == category]
        nx.draw_networkx_nodes(
            graph,
            position,
            nodelist=nodes,
            node_color=_CATEGORY_COLOUR[category],
            node_size=_node_size(len(atlas)),
            alpha=0.9,
            ax=ax,
        )
    relations = sorted({key for _, _, key in graph.edges(keys=True)}, key=lambda r: r.value)
    for relation in relations:
        colour, style = _RELATION_STYLE[relation]
        pairs = [
            (u, v)
            for u, v, key in graph.edges(keys=True)
            if key is relation and not (relation.symmetric and u > v)
        ]
        nx.draw_networkx_edges(
            graph,
            position,
            edgelist=pairs,
            edge_color=colour,
            style=style,
            arrows=True,
            arrowstyle="-" if relation.symmetric else "-|>",
            arrowsize=12,
            node_size=_node_size(len(atlas)),
            width=1.4 if len(atlas) <= _LABEL_LIMIT else 0.4,
            ax=ax,
        )
    if len(atlas) <= _LABEL_LIMIT:
        text_colour = plt.rcParams["text.color"]
        labels = {i: "\n".join(textwrap.wrap(s.name, 18)) for i, s in atlas.items()}
        nx.draw_networkx_labels(
            graph, position, labels=labels, font_size=7, font_color=text_colour, ax=ax
        )
    handles = [
        Line2D([], [], marker="o", linestyle="", color=_CATEGORY_COLOUR[c], label=c)
        for c in categories
    ] + [
        Line2D(
            [],
            [],
            color=_RELATION_STYLE[r][0],
            linestyle=_RELATION_STYLE[r][1],
            label=r.value,
        )
        for r in relations
    ]
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False
    )
    ax.set_axis_off()
    ax.margins(0.12)
    return ax
