"""The anatomy atlas: vertebral levels and segments, structures and their relations.

Examples
--------
>>> from interventional.anatomy import default_atlas
>>> atlas = default_atlas()
>>> atlas["medial-branch:L3:left"].level
VertebralLevel.parse('L3')
"""

from interventional.anatomy.atlas import Atlas, build_default_atlas, default_atlas
from interventional.anatomy.levels import (
    Region,
    Segment,
    Side,
    SpinalNerveLevel,
    VertebralLevel,
    exiting_nerve,
    foramen_of,
)
from interventional.anatomy.relations import Relation
from interventional.anatomy.structures import Edge, Structure, StructureKind, nerve_level

__all__ = [
    "Atlas",
    "Edge",
    "Region",
    "Relation",
    "Segment",
    "Side",
    "SpinalNerveLevel",
    "Structure",
    "StructureKind",
    "VertebralLevel",
    "build_default_atlas",
    "default_atlas",
    "exiting_nerve",
    "foramen_of",
    "nerve_level",
]
