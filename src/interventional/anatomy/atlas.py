"""The atlas: an immutable graph of anatomical structures and their relations.

:func:`default_atlas` builds the library's adult human atlas from the data files of
``interventional/anatomy/data``: compact rules where anatomy repeats by level
(``rules.toml``), paired targets and hazards (``targets.toml``), explicit unpaired
structures and relations (``structures.toml``, ``relations.toml``), the classic
dermatome landmarks (``dermatomes.toml``) and the structures' cross-references to UBERON,
FMA and SNOMED CT (``xrefs.toml``). Everything loads through the library's one loader,
:func:`interventional._data.load_records`.

Examples
--------
>>> atlas = default_atlas()
>>> sorted(s.id for s in atlas.innervation("facet-joint:L4-L5:left"))
['medial-branch:L3:left', 'medial-branch:L4:left']
>>> sorted(s.id for s in atlas.innervation("facet-joint:L5-S1:right"))
['dorsal-ramus:L5:right', 'medial-branch:L4:right']
>>> [s.id for s in atlas.related("spinal-nerve:C8:left", Relation.EXITS_THROUGH)]
['intervertebral-foramen:C7-T1:left']
>>> dict(atlas["vertebra:L4"].xrefs)
{'uberon': 'UBERON:0004620', 'fma': 'FMA:13075'}
>>> [s.id for s in atlas.by_xref("fma", "FMA:13075")]
['vertebra:L4']
>>> atlas["facet-joint:L4-L5:lft"]
Traceback (most recent call last):
...
interventional.errors.UnknownStructureError: unknown structure 'facet-joint:L4-L5:lft'; did you mean 'facet-joint:L4-L5:left', ...?
"""

from __future__ import annotations

import functools
import html
import json
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from interventional._data import load_records
from interventional.anatomy._rules import Dermatome, Rule, expand
from interventional.anatomy._xrefs import Xref, apply_xrefs
from interventional.anatomy.levels import Region, Segment, Side, VertebralLevel
from interventional.anatomy.relations import Relation
from interventional.anatomy.structures import (
    Edge,
    Structure,
    StructureKind,
    to_level_or_segment,
)
from interventional.codes import CodeSystem, Coverage, coverage, find_code
from interventional.errors import CatalogError, UnknownStructureError, ValidationError, suggest

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["XREF_SYSTEMS", "Atlas", "default_atlas"]

XREF_SYSTEMS = (CodeSystem.UBERON, CodeSystem.FMA, CodeSystem.SNOMED)
"""The code systems of the atlas's cross-references, in the order the coverage lists them."""

Direction = Literal["out", "in"]


def _kind(value: StructureKind | str) -> StructureKind:
    return StructureKind.parse(value, field="kind")


def _level(value: VertebralLevel | Segment | str) -> VertebralLevel | Segment | None:
    return to_level_or_segment(value)


class Atlas(Mapping[str, Structure]):
    """An immutable graph of anatomical structures, looked up by id.

    An ``Atlas`` is a read-only mapping from structure id to :class:`Structure` (iterating
    gives the ids, ``.values()`` the structures) with graph queries on top. Edges read
    from subject to object (``medial-branch:L3:left INNERVATES facet-joint:L4-L5:left``);
    symmetric relations are stored in both directions.

    Parameters
    ----------
    structures : iterable of Structure
        The nodes; ids must be unique.
    edges : iterable of Edge
        The relations; both ends must be among ``structures``.
    dermatomes : mapping of str to tuple of str, optional
        Body areas by spinal nerve number (``"L5"``), for :meth:`dermatome`.

    Raises
    ------
    ValidationError
        For a duplicate id or an edge to a structure that is not in the atlas.

    Examples
    --------
    >>> a = Structure("vertebra:L4", "vertebra", "L4 vertebra", level="L4")
    >>> b = Structure("vertebra:L5", "vertebra", "L5 vertebra", level="L5")
    >>> tiny = Atlas([a, b], [Edge("vertebra:L4", "articulates-with", "vertebra:L5")])
    >>> len(tiny), "vertebra:L5" in tiny, tiny.graph.number_of_edges()
    (2, True, 2)
    >>> [s.id for s in tiny.related("vertebra:L5", "articulates-with")]
    ['vertebra:L4']
    """

    __slots__ = (
        "_by_kind",
        "_by_xref",
        "_dermatomes",
        "_edges",
        "_graph",
        "_in",
        "_out",
        "_structures",
    )

    def __init__(
        self,
        structures: Iterable[Structure],
        edges: Iterable[Edge] = (),
        *,
        dermatomes: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        table: dict[str, Structure] = {}
        for structure in structures:
            if structure.id in table:
                raise ValidationError("structures", f"duplicate structure id {structure.id!r}")
            table[structure.id] = structure
        merged: dict[tuple[str, str, Relation], Edge] = {}
        for edge in edges:
            subject, relation, object_ = edge.subject, edge.relation, edge.object
            if subject not in table or object_ not in table:
                end = subject if subject not in table else object_
                raise ValidationError(
                    "edges",
                    f"{subject} {relation.value} {object_}: unknown structure {end!r}",
                    suggest(end, table),
                )
            seen = merged.setdefault((subject, object_, relation), edge)
            if seen is not edge:
                merged[subject, object_, relation] = _merged(seen, edge)
            if relation in _SYMMETRIC:  # stored both ways
                back = edge.reversed()
                seen = merged.setdefault((object_, subject, relation), back)
                if seen is not back:
                    merged[object_, subject, relation] = _merged(seen, back)
        # The edges from and to each structure, as their keys (subject, object, relation).
        out: dict[str, list[tuple[str, str, Relation]]] = {i: [] for i in table}
        into: dict[str, list[tuple[str, str, Relation]]] = {i: [] for i in table}
        for key in merged:
            out[key[0]].append(key)
            into[key[1]].append(key)
        self._structures: Mapping[str, Structure] = MappingProxyType(table)
        self._edges: Mapping[tuple[str, str, Relation], Edge] = MappingProxyType(merged)
        self._out = out
        self._in = into
        self._graph: Any = None
        self._dermatomes: Mapping[str, tuple[str, ...]] = MappingProxyType(dict(dermatomes or {}))
        by_kind: dict[StructureKind, list[Structure]] = {}
        for structure in table.values():
            by_kind.setdefault(structure.kind, []).append(structure)
        self._by_kind = {kind: tuple(items) for kind, items in by_kind.items()}
        self._by_xref: Mapping[tuple[CodeSystem, str], tuple[Structure, ...]] | None = None

    # --- mapping -------------------------------------------------------------------------

    def __getitem__(self, structure_id: str) -> Structure:
        try:
            return self._structures[structure_id]
        except (KeyError, TypeError):
            raise UnknownStructureError(
                str(structure_id), suggest(str(structure_id), self._structures)
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._structures)

    def __len__(self) -> int:
        return len(self._structures)

    def __contains__(self, structure_id: object) -> bool:
        return isinstance(structure_id, str) and structure_id in self._structures

    def __repr__(self) -> str:
        return f"<Atlas: {len(self)} structures, {len(self._edges)} edges>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Atlas):
            return NotImplemented
        return (
            dict(self._structures) == dict(other._structures)
            and dict(self._edges) == dict(other._edges)
            and dict(self._dermatomes) == dict(other._dermatomes)
        )

    __hash__ = None  # type: ignore[assignment]  # equal by value, like a mapping

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _restore,
            (tuple(self._structures.values()), tuple(self._edges.values()), dict(self._dermatomes)),
        )

    # --- queries -------------------------------------------------------------------------

    @property
    def graph(self) -> Any:
        """The read-only ``networkx.MultiDiGraph`` of the atlas (built on first use).

        Nodes are structure ids with the attribute ``structure``; edge keys are
        :class:`Relation` members, with the attributes ``references`` and ``note``.
        """
        if self._graph is None:
            import networkx as nx

            graph: Any = nx.MultiDiGraph()
            graph.add_nodes_from((i, {"structure": s}) for i, s in self._structures.items())
            graph.add_edges_from(
                (u, v, relation, {"references": e.references, "note": e.note})
                for (u, v, relation), e in self._edges.items()
            )
            self._graph = nx.freeze(graph)
        return self._graph

    @property
    def edges(self) -> tuple[Edge, ...]:
        """Every edge as an :class:`~interventional.anatomy.structures.Edge`.

        Symmetric relations appear in both directions.
        """
        return tuple(self._edges.values())

    def find(
        self,
        kind: StructureKind | str | None = None,
        level: VertebralLevel | Segment | str | None = None,
        side: Side | str | None = None,
        region: Region | str | None = None,
    ) -> tuple[Structure, ...]:
        """The structures that match every criterion given, in atlas order.

        Parameters
        ----------
        kind : StructureKind or str, optional
        level : VertebralLevel, Segment or str, optional
            Matches ``Structure.level`` exactly (``"L4"`` and ``"L4-L5"`` differ).
        side : Side or str, optional
        region : Region or str, optional
            Matches ``Structure.region``.

        Examples
        --------
        >>> [s.id for s in default_atlas().find(kind="medial-branch", level="L3")]
        ['medial-branch:L3:left', 'medial-branch:L3:right']
        """
        pool: Iterable[Structure]
        pool = self._by_kind.get(_kind(kind), ()) if kind is not None else self.values()
        wanted_level = _level(level) if level is not None else None
        wanted_side = Side.parse(side, field="side") if side is not None else None
        wanted_region = Region.parse(region, field="region") if region is not None else None
        return tuple(
            s
            for s in pool
            if (wanted_level is None or s.level == wanted_level)
            and (wanted_side is None or s.side is wanted_side)
            and (wanted_region is None or s.region is wanted_region)
        )

    def by_xref(self, system: CodeSystem | str, code: str) -> tuple[Structure, ...]:
        """The structures that carry a cross-reference code, in atlas order.

        The ontologies have no left and right concepts, and name some families by region
        only, so one code may name several structures (both sides; every lumbar disc).

        Parameters
        ----------
        system : CodeSystem or str
            ``"uberon"``, ``"fma"`` or ``"snomed"`` (or the member, or its system URI).
        code : str
            The code (``"UBERON:0004620"``, ``"FMA:13075"``; ``"UBERON_0004620"`` is read too).

        Returns
        -------
        tuple of Structure
            At least one structure.

        Raises
        ------
        UnknownStructureError
            When no structure carries the code, saying why where it can (a malformed code,
            or a code of another system), with the nearest codes of that system.
        ValidationError
            When ``system`` is not a known code system.

        Examples
        --------
        >>> atlas = default_atlas()
        >>> [s.id for s in atlas.by_xref("uberon", "UBERON:0001486")]
        ['hip-joint:left', 'hip-joint:right']
        >>> len(atlas.by_xref("uberon", "UBERON:0001067")) == len(atlas.find(kind="facet-joint"))
        True
        >>> atlas.by_xref("uberon", "UBERON:0004621x")
        Traceback (most recent call last):
        ...
        interventional.errors.UnknownStructureError: no structure has the UBERON code 'UBERON:0004621x' ('UBERON:0004621x' is not an UBERON id ...); did you mean 'UBERON:0004621', ...?
        """
        wanted = CodeSystem.parse(system, field="system")
        index = self._xref_index()
        first = {key: found[0].id for key, found in index.items()}
        name, why = find_code(first, wanted, code)
        if name is None:
            nearest = suggest(str(code), sorted(c for s, c in index if s is wanted))
            message = str(UnknownStructureError.for_code(wanted.title, code, why))
            if nearest:
                message += f"; did you mean {', '.join(map(repr, nearest))}?"
            raise UnknownStructureError(str(code), nearest, message=message)
        return index[wanted, wanted.check(code)]

    def _xref_index(self) -> Mapping[tuple[CodeSystem, str], tuple[Structure, ...]]:
        if self._by_xref is None:
            index: dict[tuple[CodeSystem, str], list[Structure]] = {}
            for structure in self._structures.values():
                for key in structure.xrefs.codings():
                    index.setdefault(key, []).append(structure)
            self._by_xref = MappingProxyType({k: tuple(v) for k, v in index.items()})
        return self._by_xref

    def xref_coverage(self) -> tuple[Coverage, ...]:
        """How many structures of each kind carry a code of each xref system.

        One :class:`~interventional.codes.Coverage` row per kind (in
        :class:`StructureKind` order, kinds the atlas holds) and system of
        :data:`XREF_SYSTEMS`; :func:`interventional.codes.coverage` counts them.

        Examples
        --------
        >>> rows = default_atlas().xref_coverage()
        >>> [(r.system.value, r.coded, r.total) for r in rows if r.kind == "vertebra"]
        [('uberon', 29, 30), ('fma', 29, 30), ('snomed', 0, 30)]
        """
        return coverage(
            (kind.value, [s.xrefs for s in self._by_kind[kind]], XREF_SYSTEMS)
            for kind in StructureKind
            if kind in self._by_kind
        )

    def related(
        self,
        structure_id: str,
        relation: Relation | str | None = None,
        direction: Direction = "out",
    ) -> frozenset[Structure]:
        """The structures one edge away from ``structure_id``.

        Parameters
        ----------
        structure_id : str
        relation : Relation or str, optional
            Only edges of this relation (all relations when ``None``). The name of an
            inverse (``"innervated-by"``, ``"has-part"``, ``"has-branch"``,
            ``"supplied-by"``, ``"transmits"``) follows the relation the other way.
        direction : {"out", "in"}
            ``"out"`` follows edges from the structure as subject; ``"in"`` follows them
            back to their subjects.

        Examples
        --------
        >>> atlas = default_atlas()
        >>> sorted(s.id for s in atlas.related("dorsal-ramus:L3:left", "branch-of", "in"))
        ['medial-branch:L3:left']
        >>> sorted(s.id for s in atlas.related("dorsal-ramus:L3:left", "has-branch"))
        ['medial-branch:L3:left']
        """
        self[structure_id]
        wanted: Relation | None = None
        if relation is not None:
            inverse = _INVERSES.get(str(relation).strip().casefold().replace("_", "-"))
            if inverse is not None and direction in ("out", "in"):
                wanted, direction = inverse, ("in" if direction == "out" else "out")
            else:
                wanted = Relation.parse(relation, field="relation")
        table = self._structures
        if direction == "out":
            return frozenset(
                table[v] for _, v, key in self._out[structure_id] if wanted is None or key is wanted
            )
        if direction == "in":
            return frozenset(
                table[u] for u, _, key in self._in[structure_id] if wanted is None or key is wanted
            )
        raise ValidationError("direction", f"must be 'out' or 'in', got {direction!r}")

    def innervation(self, structure_id: str) -> frozenset[Structure]:
        """The nerves that innervate a structure (the subjects of ``INNERVATES`` edges).

        Examples
        --------
        >>> sorted(s.id for s in default_atlas().innervation("facet-joint:C2-C3:left"))
        ['third-occipital-nerve:left']
        """
        return self.related(structure_id, Relation.INNERVATES, "in")

    def innervated_by(self, nerve_id: str, *, branches: bool = False) -> frozenset[Structure]:
        """What a nerve innervates; with ``branches=True`` also what its branches do.

        Examples
        --------
        >>> atlas = default_atlas()
        >>> sorted(s.id for s in atlas.innervated_by("medial-branch:L4:left"))
        ['facet-joint:L4-L5:left', 'facet-joint:L5-S1:left']
        >>> sorted(s.id for s in atlas.innervated_by("dorsal-ramus:S1:left", branches=True))
        ['sacroiliac-joint:left']
        """
        nerves = {nerve_id}
        if branches:
            nerves |= {s.id for s in self._closure(nerve_id, Relation.BRANCH_OF, "in")}
        found: set[Structure] = set()
        for each in nerves:
            found |= self.related(each, Relation.INNERVATES)
        return frozenset(found)

    def parts(self, structure_id: str) -> frozenset[Structure]:
        """Every structure that is part of ``structure_id``, directly or through other parts.

        Examples
        --------
        >>> atlas = default_atlas()
        >>> "vertebra:S1" in {s.id for s in atlas.parts("vertebral-column")}
        True
        """
        return self._closure(structure_id, Relation.PART_OF, "in")

    def _closure(
        self, structure_id: str, relation: Relation, direction: Direction
    ) -> frozenset[Structure]:
        seen: set[str] = set()
        queue = deque([structure_id])
        while queue:
            current = queue.popleft()
            for s in self.related(current, relation, direction):
                if s.id not in seen:
                    seen.add(s.id)
                    queue.append(s.id)
        seen.discard(structure_id)
        return frozenset(self._structures[i] for i in seen)

    def at_risk(self, structure_id: str) -> frozenset[Structure]:
        """The hazards near a target, and what the vessels next to it supply.

        A needle at the target can injure what lies next to it (``ADJACENT_TO``), and an
        injection into an adjacent artery reaches what that artery ``SUPPLIES``. Only
        structures whose kind is a hazard (:attr:`StructureKind.hazard`) are returned.

        Examples
        --------
        >>> hazards = default_atlas().at_risk("stellate-ganglion:left")
        >>> sorted(s.id for s in hazards)  # doctest: +NORMALIZE_WHITESPACE
        ['carotid-artery:left', 'esophagus', 'pleura:left', 'recurrent-laryngeal-nerve:left',
         'spinal-cord', 'vertebral-artery:left']
        """
        adjacent = self.related(structure_id, Relation.ADJACENT_TO)
        found = {s for s in adjacent if s.kind.hazard}
        for s in adjacent:
            if s.kind.category == "vessel":
                found |= {t for t in self.related(s.id, Relation.SUPPLIES) if t.kind.hazard}
        found.discard(self[structure_id])
        return frozenset(found)

    def path(self, start: str, end: str) -> tuple[Structure, ...]:
        """A shortest chain of structures from ``start`` to ``end``, or ``()`` if none.

        Edges are followed in either direction.

        Examples
        --------
        >>> [s.id for s in default_atlas().path("medial-branch:L3:left", "spinal-nerve:L3:left")]
        ['medial-branch:L3:left', 'dorsal-ramus:L3:left', 'spinal-nerve:L3:left']
        """
        self[start]
        self[end]
        previous: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue and end not in previous:
            current = queue.popleft()
            for _, other, _ in self._out[current]:
                if other not in previous:
                    previous[other] = current
                    queue.append(other)
            for other, _, _ in self._in[current]:
                if other not in previous:
                    previous[other] = current
                    queue.append(other)
        if end not in previous:
            return ()
        chain: list[str] = []
        step: str | None = end
        while step is not None:
            chain.append(step)
            step = previous[step]
        return tuple(self._structures[i] for i in reversed(chain))

    def dermatome(self, spinal_nerve_id: str) -> tuple[str, ...]:
        """The body areas of a spinal nerve's dermatome (its classic landmarks).

        Parameters
        ----------
        spinal_nerve_id : str
            A ``spinal-nerve`` id, e.g. ``"spinal-nerve:L5:left"``.

        Returns
        -------
        tuple of str
            The landmark areas; empty for a nerve without a classic landmark in the data.

        Raises
        ------
        ValidationError
            When the id is not a spinal nerve.

        Examples
        --------
        >>> default_atlas().dermatome("spinal-nerve:L5:left")
        ('dorsum of the foot', 'great toe')
        """
        structure = self[spinal_nerve_id]
        if structure.kind is not StructureKind.SPINAL_NERVE:
            raise ValidationError(
                "spinal_nerve_id",
                f"{spinal_nerve_id!r} is a {structure.kind.value}, not a spinal nerve",
            )
        return self._dermatomes.get(str(structure.qualifier), ())

    def subgraph(self, ids: str | Iterable[str], depth: int = 1) -> Atlas:
        """A smaller atlas: the structures ``ids`` and all within ``depth`` edges of them.

        Examples
        --------
        >>> small = default_atlas().subgraph("facet-joint:L4-L5:left", depth=1)
        >>> sorted(small.related("facet-joint:L4-L5:left", "innervates", "in"), key=lambda s: s.id)
        [Structure('medial-branch:L3:left', 'L3 medial branch, left'), Structure('medial-branch:L4:left', 'L4 medial branch, left')]
        """
        seeds = [ids] if isinstance(ids, str) else list(ids)
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
            raise ValidationError("depth", f"must be a whole number >= 0, got {depth!r}")
        keep: dict[str, int] = {}
        queue: deque[tuple[str, int]] = deque()
        for seed in seeds:
            self[seed]
            keep[seed] = 0
            queue.append((seed, 0))
        while queue:
            current, distance = queue.popleft()
            if distance == depth:
                continue
            neighbours = {v for _, v, _ in self._out[current]}
            neighbours.update(u for u, _, _ in self._in[current])
            for other in sorted(neighbours):
                if other not in keep:
                    keep[other] = distance + 1
                    queue.append((other, distance + 1))
        structures = [s for i, s in self._structures.items() if i in keep]
        edges = [
            edge
            for (u, v, relation), edge in self._edges.items()
            if u in keep and v in keep and not (relation.symmetric and u > v)
        ]
        return Atlas(structures, edges, dermatomes=self._dermatomes)

    # --- export --------------------------------------------------------------------------

    def _plain_graph(self) -> Any:
        import networkx as nx

        plain: Any = nx.MultiDiGraph()
        for structure in self.values():
            plain.add_node(
                structure.id,
                kind=structure.kind.value,
                name=structure.name,
                level="" if structure.level is None else str(structure.level),
                side=structure.side.value,
                references=" ".join(ref.key for ref in structure.references),
                xrefs=" ".join(code for _, code in structure.xrefs.codings()),
            )
        for (u, v, relation), edge in self._edges.items():
            plain.add_edge(
                u,
                v,
                key=relation.value,
                relation=relation.value,
                ontology_id=relation.ontology_id or "",
                references=" ".join(ref.key for ref in edge.references),
                note=edge.note or "",
            )
        return plain

    def to_node_link(self) -> dict[str, Any]:
        """The graph as node-link data (``networkx.node_link_data``), ready for JSON.

        Examples
        --------
        >>> data = default_atlas().subgraph("medial-branch:L3:left", depth=0).to_node_link()
        >>> data["nodes"][0]["id"], data["nodes"][0]["kind"]
        ('medial-branch:L3:left', 'medial-branch')
        """
        import networkx as nx

        result: dict[str, Any] = nx.node_link_data(self._plain_graph(), edges="edges")
        return result

    def to_json(self, *, indent: int | None = 2) -> str:
        """The node-link data as JSON text (read back with ``networkx.node_link_graph``)."""
        return json.dumps(self.to_node_link(), indent=indent, ensure_ascii=False)

    def to_graphml(self) -> str:
        """The graph as GraphML text (for Gephi, Cytoscape, yEd).

        Examples
        --------
        >>> default_atlas().subgraph("vertebra:L4", depth=0).to_graphml().startswith("<graphml")
        True
        """
        import networkx as nx

        return "\n".join(nx.generate_graphml(self._plain_graph()))

    def to_dot(self) -> str:
        """The graph in Graphviz DOT; symmetric relations are drawn once, without arrows.

        Examples
        --------
        >>> print(default_atlas().subgraph("medial-branch:L3:left", depth=0).to_dot())
        digraph atlas {
          "medial-branch:L3:left" [label="L3 medial branch, left"];
        }
        """
        lines = ["digraph atlas {"]
        for structure in self.values():
            lines.append(f"  {_quote(structure.id)} [label={_quote(structure.name)}];")
        for u, v, key in self._edges:
            if key.symmetric:
                if u > v:
                    continue
                lines.append(f"  {_quote(u)} -> {_quote(v)} [label={_quote(key.value)}, dir=none];")
            else:
                lines.append(f"  {_quote(u)} -> {_quote(v)} [label={_quote(key.value)}];")
        lines.append("}")
        return "\n".join(lines)

    # --- notebooks -----------------------------------------------------------------------

    def draw(
        self, ids: str | Iterable[str] | None = None, depth: int = 1, ax: Axes | None = None
    ) -> Axes:
        """Draw the atlas (or the subgraph around ``ids``) with matplotlib.

        Nodes are coloured by the category of their kind and edges styled by relation, with
        a legend. Matplotlib is imported here, not at import time (``pip install
        interventional[plot]``).

        Parameters
        ----------
        ids : str or iterable of str, optional
            Draw only these structures and their neighbours within ``depth`` edges.
        depth : int
            See :meth:`subgraph`.
        ax : matplotlib Axes, optional
            Where to draw; a new figure when not given.

        Returns
        -------
        matplotlib.axes.Axes
        """
        from interventional.anatomy._draw import draw

        view = self if ids is None else self.subgraph(ids, depth)
        return draw(view, ax=ax)

    def _repr_html_(self) -> str:
        kinds = Counter(s.kind.category for s in self.values())
        relations = Counter(key.value for _, _, key in self._edges)
        items = "".join(
            f"<li>{html.escape(name)}: {count}</li>" for name, count in sorted(kinds.items())
        )
        rels = "".join(
            f"<li>{html.escape(name)}: {count}</li>" for name, count in sorted(relations.items())
        )
        return (
            f"<div><strong>Atlas</strong>: {len(self)} structures, "
            f"{len(self._edges)} edges"
            f"<details><summary>structures by category</summary><ul>{items}</ul></details>"
            f"<details><summary>edges by relation</summary><ul>{rels}</ul></details></div>"
        )


_INVERSES = {relation.inverse: relation for relation in Relation if not relation.symmetric}
_SYMMETRIC = frozenset(relation for relation in Relation if relation.symmetric)


def _merged(first: Edge, second: Edge) -> Edge:
    """One edge for two of the same relation between the same structures: both sources."""
    return Edge._trusted(
        first.subject,
        first.relation,
        first.object,
        tuple(dict.fromkeys((*first.references, *second.references))),
        first.note or second.note,
    )


def _restore(
    structures: tuple[Structure, ...],
    edges: tuple[Edge, ...],
    dermatomes: dict[str, tuple[str, ...]],
) -> Atlas:
    return Atlas(structures, edges, dermatomes=dermatomes)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _data_file(name: str) -> Any:
    return _data_folder() / name


@functools.cache
def _data_folder() -> Any:
    return resources.files("interventional.anatomy") / "data"


def build_default_atlas() -> Atlas:
    """Build the default atlas afresh from the data files (``default_atlas`` caches it).

    Raises
    ------
    CatalogError
        Naming the file and record of a rule or relation that does not fit.
    """
    structures: list[Structure] = list(
        load_records(_data_file("structures.toml"), Structure, table="structure")
    )
    edges: list[Edge] = []
    for name in ("rules.toml", "targets.toml"):
        source = _data_file(name)
        for rule in load_records(source, Rule, table="rule"):
            try:
                made, linked = expand(rule)
            except ValidationError as error:
                raise CatalogError(
                    str(source), f"rule {rule.id!r}", error.field, error.reason
                ) from None
            structures.extend(made)
            edges.extend(linked)
    xrefs_file = _data_file("xrefs.toml")
    structures = apply_xrefs(
        structures,
        load_records(xrefs_file, Xref, table="xref", key="structures"),
        file=str(xrefs_file),
    )
    edges.extend(load_records(_data_file("relations.toml"), Edge, table="relation", key=None))
    dermatomes = {
        str(record.nerve): record.areas
        for record in load_records(
            _data_file("dermatomes.toml"), Dermatome, table="dermatome", key="nerve"
        )
    }
    try:
        return Atlas(structures, edges, dermatomes=dermatomes)
    except ValidationError as error:
        raise CatalogError(str(_data_file("")), None, error.field, str(error)) from None


@functools.cache
def default_atlas() -> Atlas:
    """The built-in adult human atlas, built on first use and cached.

    Examples
    --------
    >>> default_atlas() is default_atlas()
    True
    """
    return build_default_atlas()
