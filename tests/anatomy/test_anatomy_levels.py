"""Vertebral levels, segments and the foramen rule: facts and bad input."""

from __future__ import annotations

import pytest

from interventional.anatomy import (
    Region,
    Segment,
    Side,
    SpinalNerveLevel,
    VertebralLevel,
    exiting_nerve,
    foramen_of,
)
from interventional.errors import ValidationError


@pytest.mark.parametrize(
    ("level", "after"),
    [("C7", "T1"), ("T12", "L1"), ("L5", "S1"), ("S5", "Co1"), ("C1", "C2")],
)
def test_next_crosses_region_borders(level: str, after: str) -> None:
    assert str(VertebralLevel.parse(level).next()) == after
    assert str(VertebralLevel.parse(after).previous()) == level


def test_ends_of_the_spine_have_no_neighbour() -> None:
    with pytest.raises(ValidationError, match="last level"):
        VertebralLevel.parse("Co1").next()
    with pytest.raises(ValidationError, match="first level"):
        VertebralLevel.parse("C1").previous()


def test_counts_by_region() -> None:
    assert [len(VertebralLevel.all(r)) for r in Region] == [7, 12, 5, 5, 1]
    assert len(SpinalNerveLevel.all()) == 31


@pytest.mark.parametrize(
    ("text", "message", "suggestion"),
    [
        ("L6", "L6 does not exist; lumbar levels are L1-L5", "L5"),
        ("T13", "T13 does not exist; thoracic levels are T1-T12", "T12"),
        ("C8", "C8 does not exist; cervical levels are C1-C7", "C7"),
        ("Co2", "Co2 does not exist", "Co1"),
    ],
)
def test_levels_that_do_not_exist(text: str, message: str, suggestion: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        VertebralLevel.parse(text)
    assert caught.value.field == "level"
    assert suggestion in caught.value.suggestions


def test_non_adjacent_segment_is_refused_with_suggestions() -> None:
    with pytest.raises(ValidationError, match="L3 and L5 are not adjacent") as caught:
        Segment.parse("L3-L5")
    assert caught.value.suggestions == ("L3-L4", "L4-L5")


@pytest.mark.parametrize("text", ["L5-L4", "L4", "L4-L5-S1", "lumbar"])
def test_bad_segments(text: str) -> None:
    with pytest.raises(ValidationError):
        Segment.parse(text)


def test_segments_parse_in_any_case_and_print_canonically() -> None:
    assert str(Segment.parse("l5-s1")) == "L5-S1"
    assert str(Segment.parse("C7/T1")) == "C7-T1"
    assert Segment.parse("L5-S1").region is Region.LUMBAR
    assert Segment.parse("C7-T1").region is Region.CERVICAL


@pytest.mark.parametrize(
    ("segment", "nerve"),
    [
        ("C1-C2", "C2"),
        ("C4-C5", "C5"),
        ("C5-C6", "C6"),
        ("C7-T1", "C8"),
        ("T1-T2", "T1"),
        ("T12-L1", "T12"),
        ("L4-L5", "L4"),
        ("L5-S1", "L5"),
        ("S1-S2", None),
    ],
)
def test_exiting_nerve_by_region(segment: str, nerve: str | None) -> None:
    assert exiting_nerve(segment) == nerve
    if nerve is not None:
        assert str(foramen_of(nerve)) == segment


def test_nerves_without_an_intervertebral_foramen() -> None:
    assert foramen_of("C1") is None
    assert foramen_of("S1") is None
    assert foramen_of("Co1") is None


def test_side_mirror() -> None:
    assert Side.LEFT.mirror() is Side.RIGHT
    assert Side.MIDLINE.mirror() is Side.MIDLINE
    assert Side.parse("Right") is Side.RIGHT
