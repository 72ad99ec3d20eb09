"""Fuzzing every ``parse`` function and every look-up by name with arbitrary input.

Documented outcomes (all subclasses of :class:`~interventional.errors.InterventionalError`):

- ``parse`` of a level, segment, nerve level, enum or range, and ``parse_level``:
  :class:`~interventional.errors.ValidationError` (a ``ValueError``);
- quantities (``as_quantity``) and durations (``as_timedelta``):
  :class:`~interventional.errors.UnitError` or ``ValidationError``;
- look-ups by name (drug, procedure, structure, view, citation):
  ``UnknownDrugError``, ``UnknownProcedureError``, ``UnknownStructureError``,
  ``UnknownReferenceError``, ``UnknownViewError`` (all ``KeyError``), or ``ValidationError``.

Nothing else may come out (no bare ``TypeError``, ``AttributeError``, ``IndexError``, pint
error), and whatever parses prints back to something that parses to the same value.
"""

# ruff: noqa: PT017 (fuzzing: an error is one allowed outcome among others, checked in place)
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from interventional._enums import ParsableEnum
from interventional.errors import InterventionalError, ValidationError

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

for _package in ("anatomy", "imaging", "pharmacology", "procedures", "safety"):
    importlib.import_module(f"interventional.{_package}")


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


ENUMS = sorted(
    {
        e
        for e in _subclasses(ParsableEnum)
        if e.__module__.startswith("interventional.") and list(e)
    },
    key=lambda e: f"{e.__module__}.{e.__qualname__}",
)

# Text near the valid forms, so that fuzzing also reaches the deeper branches.
NEAR = st.sampled_from(
    [
        "L4",
        "l4",
        " L4 ",
        "L6",
        "L0",
        "L-4",
        "L04",
        "L4-L5",
        "L5-S1",
        "L3-L5",
        "L5-L4",
        "C7-T1",
        "Co1",
        "S5-Co1",
        "C8",
        "T13",
        "L4-",
        "-L5",
        "L4--L5",
        "1-3 mL",
        "3-1 mL",
        "1 - 3 mL",
        "1-3",
        "1-3 kg",
        "-1-3 mL",
        "a-b mL",
        "left",
        "LEFT",
        "Left Side",
        "fluoro",
        "high",
        "",
        " ",
        "-",
        "--",
        "nan",
        "inf",
        "1e999 mg",
        "10 mg",
        "10",
        "mg",
        "% ",
        "7 day",
        "-7 day",
        "ébène",
        "\x00",
        "L4\n",
    ]
)
TEXT = st.one_of(NEAR, st.text(max_size=30), st.builds(lambda a, b: a + b, NEAR, NEAR))
NOT_TEXT = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
    st.binary(max_size=4),
)


def _parsers() -> dict[str, Callable[[Any], Any]]:
    from interventional.anatomy import Segment, SpinalNerveLevel, VertebralLevel
    from interventional.imaging._common import QuantityRange as ImagingRange
    from interventional.procedures import QuantityRange
    from interventional.procedures.model import parse_level

    parsers: dict[str, Callable[[Any], Any]] = {
        "VertebralLevel.parse": VertebralLevel.parse,
        "Segment.parse": Segment.parse,
        "SpinalNerveLevel.parse": SpinalNerveLevel.parse,
        "procedures.QuantityRange.parse": QuantityRange.parse,
        "imaging.QuantityRange.parse": ImagingRange.parse,
        "parse_level": parse_level,
    }
    for enum in ENUMS:
        parsers[f"{enum.__qualname__}.parse"] = enum.parse
    return parsers


PARSERS = _parsers()


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parse_raises_only_validation_errors(name: str) -> None:
    parse = PARSERS[name]

    @FUZZ
    @given(TEXT)
    def check(text: str) -> None:
        try:
            value = parse(text)
        except ValidationError as error:
            assert str(error)
            return
        again = parse(_printed(value))
        assert again == value

    check()


def _printed(value: Any) -> str:
    if isinstance(value, ParsableEnum):
        return str(value.value)
    return str(value)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parse_of_something_not_text_raises_a_validation_error(name: str) -> None:
    parse = PARSERS[name]

    @settings(FUZZ, max_examples=20)
    @given(NOT_TEXT)
    def check(value: Any) -> None:
        if name.endswith("QuantityRange.parse") and isinstance(value, list) and len(value) == 2:
            return  # a documented pair form (may be valid)
        with pytest.raises(ValidationError):
            parse(value)

    check()


LIKES = ["mg", "mL", "kg", "mm", "deg", "s", "Gy", "MHz", "mg/mL", "1/µL", "mL/min", "IU", "year"]


@FUZZ
@given(st.one_of(TEXT, NOT_TEXT), st.sampled_from(LIKES))
@example("10 mg", "mg")
@example("10 mg", "mL")
@example(10, "mg")
@example("1e400 mg", "mg")
@example("nan mg", "mg")
@example("10 mg mL", "mg")
@example("mg", "mg")
@example("10 mg)", "mg")
@example("10 ** mg", "mg")
@example("10 mg / 0", "mg")
def test_quantities_raise_only_unit_or_validation_errors(value: Any, like: str) -> None:
    from interventional.units import as_quantity

    try:
        quantity = as_quantity(value, like, field="amount")
    except ValidationError as error:
        assert error.field == "amount"
        return
    assert quantity.is_compatible_with(like)


@FUZZ
@given(st.one_of(TEXT, NOT_TEXT))
@example("7 day")
@example("7 kg")
@example("-7 day")
@example("1e400 s")
def test_durations_raise_only_validation_errors(value: Any) -> None:
    from datetime import timedelta

    from interventional.units import as_timedelta

    try:
        duration = as_timedelta(value, field="hold")
    except ValidationError as error:
        assert error.field == "hold"
        return
    assert isinstance(duration, timedelta)


def _lookups() -> dict[str, Callable[[Any], Any]]:
    from interventional.anatomy import default_atlas
    from interventional.imaging import standard_view
    from interventional.pharmacology import drug
    from interventional.procedures import default_catalog
    from interventional.references import cite

    return {
        "drug": drug,
        "catalog[]": default_catalog().__getitem__,
        "atlas[]": default_atlas().__getitem__,
        "standard_view": standard_view,
        "cite": cite,
    }


LOOKUPS = _lookups()


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_lookups_raise_only_documented_errors(name: str) -> None:
    lookup = LOOKUPS[name]

    @settings(FUZZ, max_examples=40)
    @given(TEXT)
    def check(value: Any) -> None:
        try:
            lookup(value)
        except InterventionalError as error:
            assert isinstance(error, KeyError | ValueError)
            assert str(error)

    check()


# --- ranges: edge cases found by this fuzzing (fixed), and known failures (xfail) -----


def test_a_range_of_nan_is_rejected() -> None:
    from interventional.procedures import QuantityRange

    with pytest.raises(ValidationError):
        QuantityRange.parse("nan-nan mL")


def test_a_unitless_range_is_rejected_or_read_as_a_range() -> None:
    from interventional.procedures import QuantityRange

    try:
        span = QuantityRange.parse("2-3")
    except ValidationError:
        return
    assert (span.low.magnitude, span.high.magnitude) == (2, 3)


def test_an_imaging_range_of_empty_texts_is_rejected() -> None:
    from interventional.imaging._common import QuantityRange

    with pytest.raises(ValidationError):
        QuantityRange.parse(["", ""])


def test_citing_something_not_text_raises_a_documented_error() -> None:
    from interventional.references import cite

    with pytest.raises(InterventionalError):
        cite(None)  # type: ignore[arg-type]


def test_a_view_that_is_not_text_raises_a_documented_error() -> None:
    from interventional.imaging import standard_view

    with pytest.raises(InterventionalError):
        standard_view(None)  # type: ignore[arg-type]
