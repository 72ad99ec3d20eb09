"""Ultrasound physics against hand-worked values, the transducer chooser, and bad input."""

from __future__ import annotations

import math

import pint
import pytest

from interventional.errors import UnitError, ValidationError
from interventional.imaging import (
    NeedleApproach,
    NeedleVisibility,
    TransducerKind,
    UnreachableDepthError,
    axial_resolution,
    choose_transducer,
    needle_visibility,
    round_trip_attenuation,
    spatial_pulse_length,
    ultrasound_penetration,
    ultrasound_use,
    wavelength,
)
from interventional.imaging.ultrasound import (
    UltrasoundLimit,
    attenuation_coefficient,
    imaging_budget,
    physics_constant,
    tissue,
    transducer,
    transducers,
    ultrasound_uses,
)
from interventional.units import Q_, magnitude


def test_wavelength_5_mhz_soft_tissue_is_0_308_mm() -> None:
    # 1540 m/s / 5e6 Hz = 3.08e-4 m
    assert magnitude(wavelength("5 MHz"), "mm") == pytest.approx(0.308)


def test_wavelength_uses_the_tissue_speed() -> None:
    # 1450 / 10e6 = 0.145 mm; 1580 / 10e6 = 0.158 mm
    assert magnitude(wavelength("10 MHz", "fat"), "mm") == pytest.approx(0.145)
    assert magnitude(wavelength("10 MHz", "muscle"), "mm") == pytest.approx(0.158)


def test_wavelength_accepts_any_frequency_unit_and_foreign_registry() -> None:
    other = pint.UnitRegistry()  # type: ignore[var-annotated]
    assert magnitude(wavelength(Q_(5000, "kHz")), "mm") == pytest.approx(0.308)
    assert magnitude(wavelength(other.Quantity(5, "MHz")), "mm") == pytest.approx(0.308)


def test_bone_has_a_range_not_one_speed() -> None:
    bone = tissue("bone")
    assert bone.speed_of_sound is None
    assert bone.speed_of_sound_range is not None
    assert magnitude(bone.speed_of_sound_range.low, "m/s") == 3500
    assert magnitude(bone.speed_of_sound_range.high, "m/s") == 4100
    with pytest.raises(ValidationError, match="range of speeds"):
        wavelength("5 MHz", "bone")


def test_round_trip_attenuation_hand_worked() -> None:
    # 2 x 0.5 dB/cm/MHz x 10 MHz x 3 cm = 30 dB
    assert magnitude(round_trip_attenuation("10 MHz", "3 cm"), "dB") == pytest.approx(30)
    # 2 x 0.5 x 2 MHz x 15 cm = 30 dB
    assert magnitude(round_trip_attenuation("2 MHz", "150 mm"), "dB") == pytest.approx(30)


def test_penetration_is_60_over_f_with_the_default_budget() -> None:
    for f in (1, 2, 5, 7.5, 10, 15):
        assert magnitude(ultrasound_penetration(Q_(f, "MHz")), "cm") == pytest.approx(60 / f)


def test_penetration_uses_up_exactly_the_budget() -> None:
    depth = ultrasound_penetration("7 MHz")
    assert magnitude(round_trip_attenuation("7 MHz", depth), "dB") == pytest.approx(
        magnitude(imaging_budget(), "dB")
    )


def test_penetration_with_another_model() -> None:
    # 40/f with 1 dB/cm/MHz is an 80 dB budget
    result = ultrasound_penetration("4 MHz", budget="80 dB", coefficient="1 dB/cm/MHz")
    assert magnitude(result, "cm") == pytest.approx(10)


def test_model_constants_are_cited_and_flagged() -> None:
    assert attenuation_coefficient() == Q_(0.5, "dB/cm/MHz")
    budget = physics_constant("imaging-budget")
    assert budget.rule_of_thumb
    assert {r.key for r in budget.references} >= {"US-60DB"}
    assert not physics_constant("soft-tissue-attenuation").rule_of_thumb


def test_axial_resolution_is_half_the_pulse_length() -> None:
    # 3 cycles at 5 MHz: SPL = 3 x 0.308 = 0.924 mm; resolution 0.462 mm
    spl = spatial_pulse_length("5 MHz", cycles=3)
    assert magnitude(spl, "mm") == pytest.approx(0.924)
    assert magnitude(axial_resolution(spl), "mm") == pytest.approx(0.462)
    assert magnitude(axial_resolution("1 mm"), "mm") == pytest.approx(0.5)


def test_transducer_table() -> None:
    kinds = [t.kind for t in transducers()]
    assert kinds == [TransducerKind.LINEAR, TransducerKind.CURVILINEAR, TransducerKind.PHASED]
    linear = transducer("linear")
    assert linear.frequency_range.low == Q_(5, "MHz")
    assert linear.frequency_range.high == Q_(15, "MHz")
    assert transducer("curvilinear").frequency_range.low == Q_(2, "MHz")
    assert transducer("phased").frequency_range.low == Q_(1, "MHz")


def test_stellate_ganglion_depth_gets_a_high_frequency_linear_probe() -> None:
    choice = choose_transducer("2 cm")
    assert choice.transducer.kind is TransducerKind.LINEAR
    assert choice.frequency == Q_(15, "MHz")
    assert choice.penetration >= choice.depth


def test_linear_frequency_is_lowered_to_reach_its_usual_depth() -> None:
    # at 5 cm, 60 / 5 = 12 MHz is the highest that reaches: within linear's 5-15 MHz
    choice = choose_transducer("5 cm")
    assert choice.transducer.kind is TransducerKind.LINEAR
    assert magnitude(choice.frequency, "MHz") == pytest.approx(12)


def test_deep_target_gets_the_curvilinear_probe() -> None:
    choice = choose_transducer("10 cm")
    assert choice.transducer.kind is TransducerKind.CURVILINEAR
    assert magnitude(choice.frequency, "MHz") == pytest.approx(5)
    choice = choose_transducer("20 cm")
    assert choice.transducer.kind is TransducerKind.CURVILINEAR
    assert magnitude(choice.frequency, "MHz") == pytest.approx(3)


def test_very_deep_target_falls_to_the_phased_array() -> None:
    choice = choose_transducer("40 cm")  # 1.5 MHz: below curvilinear's 2 MHz
    assert choice.transducer.kind is TransducerKind.PHASED
    assert magnitude(choice.frequency, "MHz") == pytest.approx(1.5)


def test_no_transducer_reaches_says_so() -> None:
    with pytest.raises(UnreachableDepthError, match="no transducer reaches 70 cm") as info:
        choose_transducer("70 cm")
    assert isinstance(info.value, ValidationError)
    assert info.value.field == "depth"


@pytest.mark.parametrize("depth", ["-1 cm", "0 cm"])
def test_bad_depths(depth: str) -> None:
    with pytest.raises(ValidationError, match="depth"):
        choose_transducer(depth)


def test_negative_depth_in_attenuation() -> None:
    with pytest.raises(ValidationError, match="depth: cannot be negative"):
        round_trip_attenuation("5 MHz", "-2 cm")


@pytest.mark.parametrize("bad", ["5 cm", "5 s", "5", 5, "5 MHz/s"])
def test_frequency_in_the_wrong_unit(bad: object) -> None:
    with pytest.raises(UnitError, match="frequency"):
        ultrasound_penetration(bad)


def test_zero_or_negative_frequency() -> None:
    with pytest.raises(ValidationError, match="frequency: must be greater than zero"):
        wavelength("0 MHz")
    with pytest.raises(ValidationError, match="frequency"):
        ultrasound_penetration("-5 MHz")


def test_unknown_tissue_suggests() -> None:
    with pytest.raises(ValidationError) as info:
        wavelength("5 MHz", "muscles")
    assert "muscle" in info.value.suggestions


def test_approaches() -> None:
    assert "whole shaft" in NeedleApproach.IN_PLANE.shows
    assert "dot" in NeedleApproach.OUT_OF_PLANE.shows
    assert NeedleApproach.parse("out of plane") is NeedleApproach.OUT_OF_PLANE


def test_needle_visibility_bands() -> None:
    assert needle_visibility("0 deg") is NeedleVisibility.GOOD
    assert needle_visibility("29.9 deg") is NeedleVisibility.GOOD
    assert needle_visibility("30 deg") is NeedleVisibility.REDUCED
    assert needle_visibility("45 deg") is NeedleVisibility.POOR
    assert needle_visibility("90 deg") is NeedleVisibility.POOR
    assert needle_visibility(angle_to_beam="80 deg") is NeedleVisibility.GOOD
    assert needle_visibility(angle_to_beam=Q_(math.pi / 2, "rad")) is NeedleVisibility.GOOD


def test_needle_visibility_bad_input() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        needle_visibility()
    with pytest.raises(ValidationError, match="exactly one"):
        needle_visibility("10 deg", angle_to_beam="80 deg")
    with pytest.raises(ValidationError, match="at most 90"):
        needle_visibility("100 deg")
    with pytest.raises(UnitError):
        needle_visibility("10 %")
    with pytest.raises(ValidationError, match="cannot be negative"):
        needle_visibility("-5 deg")


def test_ultrasound_use_by_procedure() -> None:
    sgb = ultrasound_use("stellate-ganglion-block")
    assert sgb is not None
    assert sgb.common
    tf = ultrasound_use("lumbar-transforaminal-epidural-injection")
    assert tf is not None
    assert not tf.common
    assert UltrasoundLimit.BONE_SHADOW in tf.limits
    assert ultrasound_use("no-such-procedure") is None
    for use in ultrasound_uses().values():
        assert use.references


def test_ultrasound_use_ids_are_catalogue_ids() -> None:
    # The ids must be those of PROCEDURES.md (kebab-case, no spaces).
    for procedure_id in ultrasound_uses():
        assert procedure_id == procedure_id.lower()
        assert " " not in procedure_id
