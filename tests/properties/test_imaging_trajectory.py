"""Properties of needle trajectories: the shaft is at least the depth and grows with angle."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from interventional.errors import ValidationError
from interventional.imaging import choose_needle_length, needle_length_required, stock_lengths
from interventional.units import Q_, magnitude

depths_mm = st.floats(min_value=0, max_value=500, allow_nan=False, allow_infinity=False)
angles_deg = st.floats(min_value=0, max_value=89.9, allow_nan=False, allow_infinity=False)


@given(depths_mm, angles_deg)
def test_required_length_is_at_least_the_depth(depth: float, angle: float) -> None:
    length = needle_length_required(Q_(depth, "mm"), Q_(angle, "deg"))
    assert magnitude(length, "mm") >= depth * (1 - 1e-12)


@given(st.floats(min_value=0.1, max_value=500, allow_nan=False), angles_deg, angles_deg)
def test_required_length_grows_with_the_angle_from_vertical(
    depth: float, a1: float, a2: float
) -> None:
    small, large = sorted((a1, a2))
    assume(large - small > 1e-3)
    short = needle_length_required(Q_(depth, "mm"), Q_(small, "deg"))
    long = needle_length_required(Q_(depth, "mm"), Q_(large, "deg"))
    assert long > short


@given(depths_mm, angles_deg)
def test_skin_and_vertical_conventions_agree(depth: float, angle: float) -> None:
    assume(angle < 89.9)
    from_vertical = needle_length_required(Q_(depth, "mm"), angle_from_vertical=Q_(angle, "deg"))
    from_skin = needle_length_required(Q_(depth, "mm"), angle_from_skin=Q_(90 - angle, "deg"))
    assert magnitude(from_skin, "mm") == pytest.approx(magnitude(from_vertical, "mm"), rel=1e-9)


@given(st.floats(min_value=90, max_value=1e4, allow_nan=False))
def test_angles_of_90_or_more_from_vertical_are_rejected(angle: float) -> None:
    with pytest.raises(ValidationError, match="angle_from_vertical"):
        needle_length_required("5 cm", Q_(angle, "deg"))


@given(st.floats(min_value=-1e4, max_value=-1e-9, allow_nan=False))
def test_negative_depths_are_rejected(depth: float) -> None:
    with pytest.raises(ValidationError, match="depth"):
        needle_length_required(Q_(depth, "mm"))


@given(depths_mm, angles_deg, st.floats(min_value=0, max_value=50, allow_nan=False))
def test_chosen_stock_length_is_the_shortest_that_fits(
    depth: float, angle: float, margin: float
) -> None:
    needed = magnitude(needle_length_required(Q_(depth, "mm"), Q_(angle, "deg")), "mm") + margin
    try:
        chosen = choose_needle_length(Q_(depth, "mm"), Q_(angle, "deg"), margin=Q_(margin, "mm"))
    except ValidationError:
        assert needed > magnitude(stock_lengths()[-1], "mm")
        return
    assert magnitude(chosen, "mm") >= needed
    shorter = [q for q in stock_lengths() if magnitude(q, "mm") < magnitude(chosen, "mm")]
    assert all(magnitude(q, "mm") < needed for q in shorter)
