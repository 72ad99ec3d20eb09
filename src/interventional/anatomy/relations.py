"""The relations of the atlas graph, each carrying its logic once.

An edge of the atlas reads as a sentence from subject to object: ``medial-branch:L3:left
INNERVATES facet-joint:L4-L5:left``. Whether a relation is transitive or symmetric, the name
of its inverse and its identifier in the OBO Relation Ontology (RO) or the Basic Formal
Ontology (BFO) are properties of the :class:`Relation` member, written down in one table
here, so that exports can be mapped to UBERON and FMA and every query follows the same rule.

Examples
--------
>>> Relation.PART_OF.ontology_id, Relation.PART_OF.transitive, Relation.PART_OF.inverse
('BFO:0000050', True, 'has-part')
>>> Relation.parse("adjacent_to").symmetric
True
>>> Relation.EXITS_THROUGH.ontology_id is None
True
"""

from __future__ import annotations

from typing import NamedTuple

from interventional._enums import ParsableEnum

__all__ = ["Relation"]


class _Logic(NamedTuple):
    transitive: bool
    symmetric: bool
    inverse: str
    ontology_id: str | None
    inverse_ontology_id: str | None
    reading: str


class Relation(ParsableEnum):
    """How two structures of the atlas are related (an edge type of the graph).

    Symmetric relations (``ADJACENT_TO``, ``ARTICULATES_WITH``, ``CONTINUOUS_WITH``) are
    stored in both directions; the others once, from subject to object.
    """

    PART_OF = "part-of"
    INNERVATES = "innervates"
    BRANCH_OF = "branch-of"
    ARTICULATES_WITH = "articulates-with"
    ADJACENT_TO = "adjacent-to"
    SUPPLIES = "supplies"
    EXITS_THROUGH = "exits-through"
    CONTINUOUS_WITH = "continuous-with"

    @property
    def transitive(self) -> bool:
        """Whether ``a R b`` and ``b R c`` imply ``a R c`` (``PART_OF``, ``BRANCH_OF``)."""
        return _LOGIC[self].transitive

    @property
    def symmetric(self) -> bool:
        """Whether ``a R b`` implies ``b R a``; such edges are stored both ways."""
        return _LOGIC[self].symmetric

    @property
    def inverse(self) -> str:
        """The name of the inverse relation, read from object to subject (``has-part``)."""
        return _LOGIC[self].inverse

    @property
    def ontology_id(self) -> str | None:
        """The RO/BFO identifier of the relation, or ``None`` where there is none."""
        return _LOGIC[self].ontology_id

    @property
    def inverse_ontology_id(self) -> str | None:
        """The RO/BFO identifier of the inverse relation, or ``None``."""
        return _LOGIC[self].inverse_ontology_id

    @property
    def reading(self) -> str:
        """The relation as words in a sentence, e.g. ``"is part of"``.

        Examples
        --------
        >>> Relation.BRANCH_OF.reading
        'is a branch of'
        """
        return _LOGIC[self].reading


# The one table of relation logic. Ontology ids: BFO part_of / has_part; RO innervates
# (RO:0002134) / innervated_by (RO:0002005); RO adjacent_to (RO:0002220); RO supplies
# (RO:0002178) / supplied_by (RO:0002179); RO continuous_with (RO:0002150); RO
# branching_part_of (RO:0002380). "articulates with" and "exits through" have no RO term.
_LOGIC: dict[Relation, _Logic] = {
    Relation.PART_OF: _Logic(True, False, "has-part", "BFO:0000050", "BFO:0000051", "is part of"),
    Relation.INNERVATES: _Logic(
        False, False, "innervated-by", "RO:0002134", "RO:0002005", "innervates"
    ),
    Relation.BRANCH_OF: _Logic(True, False, "has-branch", "RO:0002380", None, "is a branch of"),
    Relation.ARTICULATES_WITH: _Logic(
        False, True, "articulates-with", None, None, "articulates with"
    ),
    Relation.ADJACENT_TO: _Logic(
        False, True, "adjacent-to", "RO:0002220", "RO:0002220", "is adjacent to"
    ),
    Relation.SUPPLIES: _Logic(False, False, "supplied-by", "RO:0002178", "RO:0002179", "supplies"),
    Relation.EXITS_THROUGH: _Logic(False, False, "transmits", None, None, "exits through"),
    Relation.CONTINUOUS_WITH: _Logic(
        False, True, "continuous-with", "RO:0002150", "RO:0002150", "is continuous with"
    ),
}
