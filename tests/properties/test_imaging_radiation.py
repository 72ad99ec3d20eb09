"""Properties of radiation: inverse square, associative sums that keep units, limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional.imaging import (
    RadiationDose,
    inverse_square,
    occupational_fraction,
    staff_scatter,
)
from interventional.units import Q_, magnitude

positive = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False, allow_infinity=False)
amounts = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)

doses = st.builds(
    RadiationDose,
    st.builds(Q_, amounts, st.sampled_from(["s", "min", "ms"])),
    st.builds(Q_, amounts, st.sampled_from(["mGy", "uGy", "Gy"])),
    st.builds(Q_, amounts, st.sampled_from(["Gy*cm**2", "mGy*cm**2", "uGy*m**2"])),
)


def _close(a: RadiationDose, b: RadiationDose) -> None:
    assert magnitude(a.fluoroscopy_time, "s") == pytest.approx(
        magnitude(b.fluoroscopy_time, "s"), rel=1e-9, abs=1e-12
    )
    assert a.air_kerma is not None
    assert b.air_kerma is not None
    assert magnitude(a.air_kerma, "mGy") == pytest.approx(
        magnitude(b.air_kerma, "mGy"), rel=1e-9, abs=1e-12
    )
    assert a.dose_area_product is not None
    assert b.dose_area_product is not None
    assert magnitude(a.dose_area_product, "Gy*cm**2") == pytest.approx(
        magnitude(b.dose_area_product, "Gy*cm**2"), rel=1e-9, abs=1e-12
    )


@given(doses, doses, doses)
def test_doses_add_associatively(a: RadiationDose, b: RadiationDose, c: RadiationDose) -> None:
    _close((a + b) + c, a + (b + c))


@given(doses, doses)
def test_doses_add_commutatively_and_keep_units(a: RadiationDose, b: RadiationDose) -> None:
    _close(a + b, b + a)
    total = a + b
    assert total.fluoroscopy_time.units == a.fluoroscopy_time.units
    assert total.air_kerma is not None
    assert a.air_kerma is not None
    assert total.air_kerma.units == a.air_kerma.units


@given(doses)
def test_zero_is_neutral(a: RadiationDose) -> None:
    _close(a + RadiationDose.zero(), a)
    _close(sum([a]), a)  # type: ignore[arg-type]


@given(positive, positive)
def test_inverse_square_quarters_the_dose_at_double_distance(dose: float, distance: float) -> None:
    near = inverse_square(Q_(dose, "mGy"), "1 m", Q_(distance, "m"))
    far = inverse_square(Q_(dose, "mGy"), "1 m", Q_(2 * distance, "m"))
    assert magnitude(far, "mGy") == pytest.approx(magnitude(near, "mGy") / 4, rel=1e-9)


@given(positive, positive, positive)
def test_staff_scatter_falls_with_distance(entrance: float, d1: float, d2: float) -> None:
    near, far = sorted((d1, d2))
    assert staff_scatter(Q_(entrance, "mGy"), Q_(far, "m")) <= staff_scatter(
        Q_(entrance, "mGy"), Q_(near, "m")
    )


@given(amounts, st.sampled_from(["whole-body", "lens", "extremities", "skin", "embryo-fetus"]),
       st.sampled_from(["icrp", "nrc"]))  # fmt: skip
def test_occupational_fraction_is_linear_in_dose(dose: float, organ: str, authority: str) -> None:
    one = occupational_fraction(Q_(dose, "mSv"), organ=organ, authority=authority)
    two = occupational_fraction(Q_(2 * dose, "mSv"), organ=organ, authority=authority)
    assert magnitude(two, "%") == pytest.approx(2 * magnitude(one, "%"), rel=1e-9, abs=1e-12)
