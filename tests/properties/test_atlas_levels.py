"""Properties of levels, segments and the foramen rule over every level and side."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interventional.anatomy import (
    Segment,
    Side,
    SpinalNerveLevel,
    VertebralLevel,
    exiting_nerve,
    foramen_of,
)

levels = st.sampled_from(VertebralLevel.all())
segments = st.sampled_from(Segment.all())
nerves = st.sampled_from(SpinalNerveLevel.all())
sides = st.sampled_from(list(Side))


@given(levels)
def test_level_parse_of_str_is_identity(level: VertebralLevel) -> None:
    assert VertebralLevel.parse(str(level)) == level
    assert VertebralLevel.parse(str(level).lower()) == level


@given(segments)
def test_segment_parse_of_str_is_identity(segment: Segment) -> None:
    assert Segment.parse(str(segment)) == segment


@given(nerves)
def test_nerve_parse_of_str_is_identity(nerve: SpinalNerveLevel) -> None:
    assert SpinalNerveLevel.parse(str(nerve)) == nerve


@given(levels)
def test_next_and_previous_are_inverse(level: VertebralLevel) -> None:
    if level != VertebralLevel.all()[-1]:
        assert level.next().previous() == level
        assert level < level.next()
    if level != VertebralLevel.all()[0]:
        assert level.previous().next() == level


@given(segments)
def test_segment_steps_are_inverse(segment: Segment) -> None:
    if segment != Segment.all()[-1]:
        assert segment.next().previous() == segment
    assert segment.upper.next() == segment.lower


@given(segments)
def test_foramen_rule_is_its_own_inverse(segment: Segment) -> None:
    nerve = exiting_nerve(segment)
    if nerve is not None:
        assert foramen_of(nerve) == segment


@given(nerves)
def test_each_nerve_has_at_most_one_foramen(nerve: SpinalNerveLevel) -> None:
    segment = foramen_of(nerve)
    if segment is not None:
        assert exiting_nerve(segment) == str(nerve)


@given(sides)
def test_mirror_is_an_involution(side: Side) -> None:
    assert side.mirror().mirror() is side
    assert side.mirror().lateral is side.lateral
