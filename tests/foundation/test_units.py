"""The units registry: parsing, dimension checks, foreign registries, durations."""

from __future__ import annotations

from datetime import timedelta

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional.errors import UnitError, ValidationError
from interventional.units import (
    Q_,
    QuantityRange,
    as_quantity,
    as_timedelta,
    canonical_quantity,
    format_quantity,
    magnitude,
    optional_quantity_converter,
    quantity_converter,
    ureg,
)

DOMAIN_UNITS = [
    ("10 mg", "mg"),
    ("5 mcg", "mg"),
    ("1 g", "mg"),
    ("5 mL", "mL"),
    ("70 kg", "kg"),
    ("3 mm", "mm"),
    ("2 cm", "mm"),
    ("3.5 inch", "mm"),
    ("30 degree", "degree"),
    ("10 s", "s"),
    ("5 min", "s"),
    ("24 h", "s"),
    ("7 day", "s"),
    ("1.2 mGy", "mGy"),
    ("3 Gy*cm**2", "Gy*cm**2"),
    ("0.5 mSv", "mSv"),
    ("5 MHz", "MHz"),
    ("60 dB", "dB"),
    ("1540 m/s", "m/s"),
]


@pytest.mark.parametrize(("text", "like"), DOMAIN_UNITS)
def test_domain_units_parse(text: str, like: str) -> None:
    quantity = as_quantity(text, like, field="value")
    assert quantity.is_compatible_with(like)


def test_mcg_is_a_microgram() -> None:
    assert as_quantity("250 mcg", "mg", field="amount").to("mg").magnitude == pytest.approx(0.25)


def test_percent_parses_as_a_ratio() -> None:
    assert Q_("1 %").to("dimensionless").magnitude == pytest.approx(0.01)


def test_gauge_is_not_a_unit() -> None:
    with pytest.raises(UnitError, match="unknown unit 'gauge'"):
        as_quantity("22 gauge", "mm", field="needle")


@pytest.mark.parametrize("text", ["mg", " mL", "s", "per minute"])
def test_a_unit_alone_is_not_a_quantity(text: str) -> None:
    # pint reads "mg" as 1 mg; a dose or a range bound written without its number is an
    # error naming the field, not one of the unit.
    with pytest.raises(UnitError, match="dose: expected a number and a unit"):
        as_quantity(text, "mg" if "m" in text else "s", field="dose")
    with pytest.raises(ValidationError, match="range"):
        QuantityRange.parse([text, text], field="range")


def test_effective_dose_is_not_air_kerma() -> None:
    with pytest.raises(UnitError, match="expected"):
        as_quantity("1 mSv", "mGy", field="air_kerma")


def test_angle_is_not_a_ratio() -> None:
    with pytest.raises(UnitError):
        as_quantity("30 %", "degree", field="rotation")


def test_bare_number_is_refused_with_the_field_named() -> None:
    with pytest.raises(UnitError) as caught:
        as_quantity(10, "mg", field="amount")
    assert caught.value.field == "amount"
    assert "no unit" in str(caught.value)


def test_bare_number_is_accepted_for_a_dimensionless_field() -> None:
    assert as_quantity(1.1, "dimensionless", field="inr").magnitude == 1.1


def test_wrong_dimension_names_the_field() -> None:
    with pytest.raises(UnitError, match=r"^weight: expected units like 'kg'"):
        as_quantity("70 mL", "kg", field="weight")


def test_unknown_unit_suggests_the_nearest() -> None:
    with pytest.raises(UnitError) as caught:
        as_quantity("10 mgg", "mg", field="amount")
    assert caught.value.suggestions
    assert "mg" in caught.value.suggestions or "milligram" in caught.value.suggestions


@pytest.mark.parametrize("value", [None, [1, 2], {"mg": 1}, True, float("nan"), "nan mg", "inf mg"])
def test_other_types_and_non_finite_values_are_refused(value: object) -> None:
    with pytest.raises(UnitError):
        as_quantity(value, "mg", field="amount")


def test_quantity_from_another_registry_is_converted() -> None:
    other = pint.UnitRegistry()
    foreign = other.Quantity(2, "pound")
    converted = as_quantity(foreign, "kg", field="weight")
    assert converted._REGISTRY is ureg
    assert converted.to("kg").magnitude == pytest.approx(0.90718474)


def test_foreign_unit_unknown_here_goes_through_root_units() -> None:
    other = pint.UnitRegistry()
    foreign = other.Quantity(1, "furlong")
    converted = as_quantity(foreign, "m", field="depth")
    assert converted.to("m").magnitude == pytest.approx(201.168, rel=1e-5)


def test_converters_wrap_as_quantity() -> None:
    assert quantity_converter("kg", "weight")("70 kg") == Q_(70, "kg")
    assert optional_quantity_converter("kg", "weight")(None) is None
    with pytest.raises(UnitError, match=r"^weight"):
        quantity_converter("kg", "weight")("70")


def test_magnitude_converts() -> None:
    assert magnitude(Q_(1, "h"), "s") == 3600.0


def test_as_timedelta() -> None:
    assert as_timedelta("7 day", field="hold") == timedelta(days=7)
    assert as_timedelta(timedelta(hours=6), field="hold") == timedelta(hours=6)
    assert as_timedelta(Q_(90, "min"), field="hold") == timedelta(minutes=90)
    with pytest.raises(ValidationError, match="negative"):
        as_timedelta("-1 h", field="hold")
    with pytest.raises(UnitError):
        as_timedelta("3 mg", field="hold")


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.sampled_from(["mg", "mL", "mm", "degree", "MHz", "mGy", "mSv", "dB / cm / MHz", "mg / kg"]),
)
def test_format_quantity_round_trips(value: float, unit: str) -> None:
    quantity = Q_(value, unit)
    assert as_quantity(format_quantity(quantity), unit, field="x") == quantity


@given(
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.sampled_from(["g", "mg", "mcg", "kg"]),
)
def test_equal_quantities_in_other_units_compare_equal(value: float, unit: str) -> None:
    quantity = as_quantity(Q_(value, unit), "mg", field="amount")
    assert quantity.to("mg").magnitude == pytest.approx(Q_(value, unit).to("mg").magnitude)


def test_pickled_quantities_stay_in_the_library_registry() -> None:
    import pickle

    quantity = Q_(10, "mg")
    restored = pickle.loads(pickle.dumps(quantity))
    assert restored._REGISTRY is ureg
    assert restored == quantity
    unit = pickle.loads(pickle.dumps(quantity.units))
    assert Q_(1, unit) == Q_(1, "mg")


def test_other_registries_still_pickle_their_own_way() -> None:
    import pickle

    other = pint.UnitRegistry()
    restored = pickle.loads(pickle.dumps(other.Quantity(1, "m")))
    assert restored._REGISTRY is not ureg


# --- canonical units: equal values written in other units give the same Quantity -----


def test_canonical_quantity_converts_to_the_unit_and_drops_round_off() -> None:
    inch = canonical_quantity("1 inch", "mm", field="length")
    assert (inch.magnitude, inch.units) == (25.4, ureg.Unit("mm"))
    assert canonical_quantity(Q_(0.1, "m"), "mm", field="length").magnitude == 100
    assert isinstance(canonical_quantity("10.0 mm", "mm", field="length").magnitude, int)
    with pytest.raises(UnitError, match=r"^length: expected units like 'mm'"):
        canonical_quantity("3 kg", "mm", field="length")


def test_canonical_quantity_keeps_an_already_canonical_object() -> None:
    quantity = Q_(2.5, "mm")
    assert canonical_quantity(quantity, "mm", field="length") is quantity


def test_converters_store_the_declared_unit() -> None:
    to_weight = quantity_converter("kg", "weight")
    assert to_weight("1000 g").units == ureg.Unit("kg")
    assert to_weight("1000 g") == to_weight("1 kg")
    assert optional_quantity_converter("mm", "tip")("1 cm") == Q_(10, "mm")


@given(
    st.floats(min_value=1e-6, max_value=1e6, allow_nan=False),
    st.sampled_from(["mm", "cm", "m", "inch"]),
    st.sampled_from(["mm", "cm", "m", "inch"]),
)
def test_equal_lengths_in_any_units_are_one_canonical_quantity(
    value: float, unit: str, other: str
) -> None:
    first = canonical_quantity(Q_(value, unit), "mm", field="length")
    second = canonical_quantity(first.to(other), "mm", field="length")
    assert second.magnitude == first.magnitude
    assert second.units == first.units == ureg.Unit("mm")
    assert second == first
    assert first == second
    assert hash(second) == hash(first)


# --- QuantityRange: one unit for both bounds; errors name the bound -----


def test_a_range_stores_both_bounds_in_its_unit() -> None:
    span = QuantityRange.parse(["0.5 inch", "30 mm"], like="mm")
    assert (span.low, span.high) == (Q_(12.7, "mm"), Q_(30, "mm"))
    assert span.low.units == span.high.units == span.unit == ureg.Unit("mm")
    assert str(span) == "12.7-30 mm"
    mixed = QuantityRange("1 inch", "30 mm")  # no unit given: the unit of high
    assert mixed.low.units == ureg.Unit("mm")
    assert mixed.low.magnitude == 25.4


def test_equal_ranges_in_other_units_are_equal_both_ways_and_hash_equal() -> None:
    in_ml = QuantityRange.parse("1.5-3 mL")
    in_l = QuantityRange.parse("0.0015-0.003 L")
    assert in_ml == in_l
    assert in_l == in_ml
    assert hash(in_ml) == hash(in_l)
    assert str(in_l) == "0.0015-0.003 L"  # each prints in its own unit
    assert QuantityRange.parse(in_l, like="mL") == in_ml
    assert str(QuantityRange.parse(in_l, like="mL")) == "1.5-3 mL"
    assert in_ml != QuantityRange.parse("1.5-3.5 mL")


def test_a_range_survives_pickling() -> None:
    import pickle

    span = QuantityRange.parse("1 inch to 3 inch", like="mm")
    restored = pickle.loads(pickle.dumps(span))
    assert restored == span
    assert hash(restored) == hash(span)
    assert restored.unit == ureg.Unit("mm")
    assert restored.low._REGISTRY is ureg


def test_a_wrong_low_bound_is_named_low() -> None:
    import attrs

    span = QuantityRange.parse("1.5-3 mL")
    with pytest.raises(UnitError) as caught:
        attrs.evolve(span, low="3 kg")
    assert caught.value.field == "low"
    with pytest.raises(UnitError) as caught:
        attrs.evolve(span, high="3 kg")
    assert caught.value.field == "high"
    with pytest.raises(UnitError) as caught:
        QuantityRange("3 kg", "5 mL")  # the unit is that of high: low does not fit
    assert caught.value.field == "low"
    with pytest.raises(UnitError) as caught:
        QuantityRange("3 mL", "5 kg", unit="mL")
    assert caught.value.field == "high"


def test_a_range_read_for_a_field_names_the_field_and_the_bound() -> None:
    with pytest.raises(UnitError) as caught:
        QuantityRange.parse(["3 kg", "5 mL"], like="mL", field="volume")
    assert caught.value.field == "volume"
    assert "low bound" in caught.value.reason
    with pytest.raises(UnitError) as caught:
        QuantityRange.parse(["3 mL", "5 kg"], like="mL", field="volume")
    assert "high bound" in caught.value.reason


def test_a_range_unit_must_be_a_unit() -> None:
    with pytest.raises(UnitError) as caught:
        QuantityRange("1 mL", "3 mL", unit="mLx")
    assert caught.value.field == "unit"
    with pytest.raises(UnitError):
        QuantityRange("1 mL", "3 mL", unit=3)
