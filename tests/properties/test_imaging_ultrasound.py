"""Properties of the ultrasound model: penetration falls with frequency; chosen probes reach."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional.errors import ValidationError
from interventional.imaging import (
    UnreachableDepthError,
    choose_transducer,
    round_trip_attenuation,
    ultrasound_penetration,
    wavelength,
)
from interventional.imaging.ultrasound import transducers
from interventional.units import Q_, magnitude

frequencies = st.floats(min_value=0.1, max_value=50, allow_nan=False, allow_infinity=False)
depths_cm = st.floats(min_value=1e-3, max_value=200, allow_nan=False, allow_infinity=False)


@given(frequencies, frequencies)
def test_penetration_falls_as_frequency_rises(f1: float, f2: float) -> None:
    low, high = sorted((f1, f2))
    deep = magnitude(ultrasound_penetration(Q_(low, "MHz")), "cm")
    shallow = magnitude(ultrasound_penetration(Q_(high, "MHz")), "cm")
    assert shallow <= deep
    if high > low * (1 + 1e-9):
        assert shallow < deep


@given(frequencies, frequencies)
def test_wavelength_shortens_as_frequency_rises(f1: float, f2: float) -> None:
    low, high = sorted((f1, f2))
    assert wavelength(Q_(high, "MHz")) <= wavelength(Q_(low, "MHz"))


@given(frequencies, depths_cm, depths_cm)
def test_attenuation_grows_with_depth(f: float, d1: float, d2: float) -> None:
    near, far = sorted((d1, d2))
    assert round_trip_attenuation(Q_(f, "MHz"), Q_(near, "cm")) <= round_trip_attenuation(
        Q_(f, "MHz"), Q_(far, "cm")
    )


@given(depths_cm)
def test_chosen_transducer_reaches_the_depth_or_a_clear_error_says_none_can(depth: float) -> None:
    target = Q_(depth, "cm")
    deepest = max(magnitude(t.penetration(), "cm") for t in transducers())
    if depth > deepest:
        with pytest.raises(UnreachableDepthError, match="no transducer reaches") as info:
            choose_transducer(target)
        assert info.value.field == "depth"
        return
    choice = choose_transducer(target)
    # The choice stores its values in canonical units to 12 significant digits, so it
    # reaches the depth as stored (within 1e-11 of the depth asked for).
    assert choice.depth.to("cm").magnitude == pytest.approx(depth, rel=1e-11)
    assert choice.penetration >= choice.depth
    assert choice.frequency in choice.transducer.frequency_range
    if choice.transducer.max_usual_depth is not None:
        assert target <= choice.transducer.max_usual_depth


@given(depths_cm)
def test_chosen_frequency_is_the_highest_that_reaches(depth: float) -> None:
    try:
        choice = choose_transducer(Q_(depth, "cm"))
    except UnreachableDepthError:
        return
    f = magnitude(choice.frequency, "MHz")
    top = magnitude(choice.transducer.frequency_range.high, "MHz")
    # either the probe's highest frequency, or any higher frequency would fall short
    if f < top:
        higher = Q_(f * (1 + 1e-6), "MHz")
        assert magnitude(ultrasound_penetration(higher), "cm") < depth


@given(st.floats(min_value=-1e6, max_value=0, allow_nan=False))
def test_non_positive_depths_are_rejected(depth: float) -> None:
    with pytest.raises(ValidationError, match="depth"):
        choose_transducer(Q_(depth, "cm"))
