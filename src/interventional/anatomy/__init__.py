"""The anatomy atlas: vertebral levels and segments, structures and their relations."""

from interventional.anatomy.levels import (
    Region,
    Segment,
    Side,
    SpinalNerveLevel,
    VertebralLevel,
    exiting_nerve,
    foramen_of,
)

__all__ = [
    "Region",
    "Segment",
    "Side",
    "SpinalNerveLevel",
    "VertebralLevel",
    "exiting_nerve",
    "foramen_of",
]
