"""The values an atlas rule's id template can use at each step of its range.

These are cached per step while the default atlas is built, so they are pinned here
directly: the first and a middle segment, the first, a lumbar and the last vertebra, a
cervical and a lumbar nerve (the nerve that exits through each foramen follows the
cervical and lumbar rules of ``levels.exiting_nerve``).
"""

from __future__ import annotations

import pytest

from interventional.anatomy._rules import _placeholders, _range_steps
from interventional.anatomy.levels import Segment, SpinalNerveLevel, VertebralLevel


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # the first segment has no segment above it, so no nerve_above
        (
            Segment.parse("C1-C2"),
            {"segment": "C1-C2", "upper": "C1", "lower": "C2", "region": "cervical", "nerve": "C2"},
        ),
        (
            Segment.parse("L4-L5"),
            {
                "segment": "L4-L5",
                "upper": "L4",
                "lower": "L5",
                "region": "lumbar",
                "nerve": "L4",
                "nerve_above": "L3",
            },
        ),
        # the first vertebra has no previous one, the last no next one
        (VertebralLevel.parse("C1"), {"level": "C1", "next": "C2", "region": "cervical"}),
        (
            VertebralLevel.parse("L5"),
            {"level": "L5", "next": "S1", "previous": "L4", "region": "lumbar"},
        ),
        (VertebralLevel.parse("Co1"), {"level": "Co1", "previous": "S5", "region": "coccygeal"}),
        (
            SpinalNerveLevel.parse("C8"),
            {"nerve": "C8", "level": "C7-T1", "foramen": "C7-T1", "region": "cervical"},
        ),
        (
            SpinalNerveLevel.parse("L4"),
            {"nerve": "L4", "level": "L4", "foramen": "L4-L5", "region": "lumbar"},
        ),
        ("trapezius", {"value": "trapezius"}),
        (None, {}),
    ],
    ids=str,
)
def test_placeholders_of_a_step(item: object, expected: dict[str, str]) -> None:
    assert dict(_placeholders(item)) == expected


@pytest.mark.parametrize(
    ("over", "first", "last", "sides", "expected"),
    [
        ("segment", "L4-L5", "L5-S1", (), ["L4-L5", "L5-S1"]),
        ("level", "C1", "C3", ("left", "right"), ["C1", "C1", "C2", "C2", "C3", "C3"]),
        ("nerve", "C8", "T1", ("left",), ["C8", "T1"]),
    ],
)
def test_the_steps_of_a_range_made_afresh(
    over: str, first: str, last: str, sides: tuple[str, ...], expected: list[str]
) -> None:
    # the steps are cached per range while the atlas is built: ask the uncached function
    steps = _range_steps.__wrapped__(over, first, last, sides)
    assert [step[over] for step in steps] == expected
    per_item = list(sides) if sides else [None]
    assert [step.get("side") for step in steps] == per_item * (len(expected) // len(per_item))
    sequence = {"segment": Segment, "level": VertebralLevel, "nerve": SpinalNerveLevel}[over]
    for step in steps:
        without_side = {key: value for key, value in step.items() if key != "side"}
        assert without_side == _placeholders(sequence.parse(step[over]))
