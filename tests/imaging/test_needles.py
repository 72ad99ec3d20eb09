"""Needles: gauges, stock lengths, trajectory lengths and bad input."""

from __future__ import annotations

import math

import attrs
import pytest

from interventional.errors import UnitError, ValidationError
from interventional.imaging import (
    Needle,
    NeedleType,
    choose_needle_length,
    needle_length_required,
    outer_diameter,
    stock_lengths,
)
from interventional.imaging.needles import active_tip_lengths, gauge_diameters
from interventional.units import Q_, magnitude


def test_needle_type_values_match_the_contract() -> None:
    assert {t.value for t in NeedleType} == {
        "quincke", "whitacre", "sprotte", "tuohy", "chiba", "rf-cannula", "hypodermic",
        "introducer",
    }  # fmt: skip
    assert NeedleType.WHITACRE.pencil_point
    assert not NeedleType.QUINCKE.pencil_point


@pytest.mark.parametrize(
    ("gauge", "mm"),
    [(18, 1.27), (20, 0.91), (21, 0.82), (22, 0.72), (23, 0.64), (25, 0.51), (27, 0.41)],
)
def test_gauge_to_outer_diameter(gauge: int, mm: float) -> None:
    assert magnitude(outer_diameter(gauge), "mm") == pytest.approx(mm)


def test_higher_gauge_is_thinner() -> None:
    gauges = sorted(gauge_diameters())
    diameters = [magnitude(outer_diameter(g), "mm") for g in gauges]
    assert diameters == sorted(diameters, reverse=True)


def test_unknown_gauge() -> None:
    with pytest.raises(ValidationError, match="no outer diameter on record for 19G"):
        outer_diameter(19)


def test_stock_lengths_in_inches() -> None:
    inches = [magnitude(q, "inch") for q in stock_lengths()]
    assert inches == pytest.approx([1.5, 2, 3.5, 5, 6, 7])
    assert magnitude(stock_lengths()[2], "mm") == pytest.approx(88.9)


def test_active_tips() -> None:
    assert [magnitude(q, "mm") for q in active_tip_lengths()] == [5, 10, 15]


def test_needle_construction() -> None:
    needle = Needle("Tuohy", 18, "3.5 inch")
    assert needle.type is NeedleType.TUOHY
    assert needle.active_tip is None
    assert str(needle) == "18G 88.9 mm tuohy"  # a needle length is stored in mm
    rf = Needle(NeedleType.RF_CANNULA, 18, "100 mm", active_tip="10 mm")
    assert rf.active_tip == Q_(10, "mm")
    assert hash(rf) == hash(Needle("rf-cannula", 18, "100 mm", active_tip="10 mm"))
    assert attrs.evolve(rf, active_tip="15 mm").active_tip == Q_(15, "mm")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"type": "spinal", "gauge": 22, "length": "3.5 inch"}, ValidationError, "type"),
        ({"type": "quincke", "gauge": 0, "length": "3.5 inch"}, ValidationError, "gauge"),
        ({"type": "quincke", "gauge": 22.0, "length": "3.5 inch"}, ValidationError, "gauge"),
        ({"type": "quincke", "gauge": 22, "length": "-1 inch"}, ValidationError, "length"),
        ({"type": "quincke", "gauge": 22, "length": "3.5"}, UnitError, "length"),
        ({"type": "quincke", "gauge": 22, "length": "3 mL"}, UnitError, "length"),
        (
            {"type": "quincke", "gauge": 22, "length": "3.5 inch", "active_tip": "10 mm"},
            ValidationError,
            "only an RF cannula",
        ),
        (
            {"type": "rf-cannula", "gauge": 20, "length": "10 mm", "active_tip": "10 mm"},
            ValidationError,
            "shorter than the shaft",
        ),
    ],
)
def test_bad_needles(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        Needle(**kwargs)


def test_needle_type_suggests() -> None:
    with pytest.raises(ValidationError) as info:
        Needle("quinke", 22, "3.5 inch")
    assert "quincke" in info.value.suggestions


def test_vertical_path_is_the_depth() -> None:
    assert magnitude(needle_length_required("45 mm"), "mm") == pytest.approx(45)
    assert magnitude(needle_length_required("45 mm", "0 deg"), "mm") == pytest.approx(45)


def test_hand_worked_angles() -> None:
    # 60 degrees from vertical: 1 / cos 60 = 2
    assert magnitude(needle_length_required("5 cm", "60 deg"), "cm") == pytest.approx(10)
    # 45 degrees: sqrt 2
    assert magnitude(
        needle_length_required("5 cm", angle_from_vertical="45 deg"), "cm"
    ) == pytest.approx(5 * math.sqrt(2))
    # 30 degrees from the skin is 60 from vertical
    assert magnitude(
        needle_length_required("5 cm", angle_from_skin="30 deg"), "cm"
    ) == pytest.approx(10)
    # radians are angles too
    assert magnitude(needle_length_required("5 cm", Q_(math.pi / 3, "rad")), "cm") == pytest.approx(
        10
    )


@pytest.mark.parametrize("angle", ["90 deg", "95 deg", "1.6 rad"])
def test_angles_of_90_or_more_from_vertical(angle: str) -> None:
    with pytest.raises(ValidationError, match="angle_from_vertical: must be below a right angle"):
        needle_length_required("5 cm", angle)


def test_bad_trajectory_input() -> None:
    with pytest.raises(ValidationError, match="depth: cannot be negative"):
        needle_length_required("-5 cm")
    with pytest.raises(ValidationError, match="angle_from_vertical: cannot be negative"):
        needle_length_required("5 cm", "-10 deg")
    with pytest.raises(UnitError, match="angle_from_vertical"):
        needle_length_required("5 cm", 30)
    with pytest.raises(UnitError, match="depth"):
        needle_length_required("5 MHz")
    with pytest.raises(ValidationError, match="not both"):
        needle_length_required("5 cm", "10 deg", angle_from_skin="80 deg")
    with pytest.raises(ValidationError, match="angle_from_skin"):
        needle_length_required("5 cm", angle_from_skin="0 deg")


def test_choose_needle_length() -> None:
    # 45 mm straight down + 10 mm margin = 55 mm: 2 in (50.8 mm) is short, 3.5 in fits
    assert choose_needle_length("45 mm", margin="10 mm") == Q_(3.5, "inch")
    # 30 mm + 5 mm = 35 mm: 1.5 in (38.1 mm)
    assert choose_needle_length("30 mm", margin="5 mm") == Q_(1.5, "inch")
    # exactly a stock length fits
    assert choose_needle_length("38.1 mm", margin="0 mm") == Q_(1.5, "inch")


def test_choose_needle_length_errors() -> None:
    with pytest.raises(ValidationError, match="longest stock needle is 7 in"):
        choose_needle_length("17 cm", "20 deg", margin="1 cm")
    with pytest.raises(ValidationError, match="margin: cannot be negative"):
        choose_needle_length("5 cm", margin="-1 cm")
    with pytest.raises(TypeError):
        choose_needle_length("5 cm")  # type: ignore[call-arg]
