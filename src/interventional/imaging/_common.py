"""Private helpers of :mod:`interventional.imaging`: quantity ranges and argument checks.

Examples
--------
>>> r = QuantityRange.parse("5 MHz to 15 MHz")
>>> Q_(10, "MHz") in r, str(r)
(True, '5-15 MHz')
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable

import pint

from interventional.errors import ValidationError
from interventional.units import (
    Q_,
    Quantity,
    QuantityRange,
    as_any_quantity,
    as_quantity,
    canonical_quantity,
    format_quantity,
    ureg,
)

__all__ = [
    "QuantityRange",
    "any_quantity",
    "check_angle_below_right",
    "check_non_negative",
    "check_positive",
    "data_file",
    "fast_magnitude",
    "optional_range_converter",
    "quantity_of",
    "range_converter",
    "unit",
]


@functools.cache
def unit(name: str) -> pint.Unit:
    """Return the parsed unit ``name`` (parsed once: pint's parser is slow on hot paths)."""
    return ureg.Unit(name)


@functools.cache
def _dimensionality(like: str) -> object:
    return Q_(1, unit(like)).dimensionality


def quantity_of(value: object, like: str, *, field: str) -> Quantity:
    """Like :func:`~interventional.units.as_quantity`, with a fast path for good Quantities."""
    if (
        isinstance(value, pint.Quantity)
        and value._REGISTRY is ureg
        and isinstance(value.magnitude, int | float)
        and not isinstance(value.magnitude, bool)
        and math.isfinite(value.magnitude)
        and value.dimensionality == _dimensionality(like)
    ):
        return value
    return as_quantity(value, like, field=field)


def fast_magnitude(value: Quantity, like: str) -> float:
    """The plain magnitude of ``value`` in the unit ``like`` (units parsed once)."""
    return float(value.m_as(unit(like)))


def data_file(name: str) -> Traversable:
    """Return the packaged data file ``imaging/data/<name>``."""
    return resources.files("interventional.imaging") / "data" / name


def any_quantity(value: object) -> Quantity:
    """Return ``value`` as a Quantity of the library registry, of any dimension."""
    return as_any_quantity(value, field="range")


def range_converter(like: str, field: str) -> Callable[[object], QuantityRange]:
    """Make an attrs converter to a :class:`QuantityRange` of the dimension of ``like``."""

    def convert(value: object) -> QuantityRange:
        return QuantityRange.parse(value, like=like, field=field)

    return convert


def optional_range_converter(like: str, field: str) -> Callable[[object], QuantityRange | None]:
    """Like :func:`range_converter`, but ``None`` stays ``None``."""
    convert = range_converter(like, field)

    def convert_optional(value: object) -> QuantityRange | None:
        return None if value is None else convert(value)

    return convert_optional


def check_non_negative(
    value: object, like: str, field: str, *, canonical: bool = False
) -> Quantity:
    """Return ``value`` as a Quantity like ``like``; raise ValidationError when negative.

    With ``canonical`` (attrs fields), the Quantity is in exactly ``like``
    (:func:`~interventional.units.canonical_quantity`).
    """
    quantity = (
        canonical_quantity(value, like, field=field)
        if canonical
        else quantity_of(value, like, field=field)
    )
    if quantity.magnitude < 0:
        raise ValidationError(field, f"cannot be negative, got {format_quantity(quantity)}")
    return quantity


def check_positive(value: object, like: str, field: str, *, canonical: bool = False) -> Quantity:
    """Return ``value`` as a Quantity like ``like``; raise ValidationError unless above zero.

    With ``canonical`` (attrs fields), the Quantity is in exactly ``like``.
    """
    quantity = (
        canonical_quantity(value, like, field=field)
        if canonical
        else quantity_of(value, like, field=field)
    )
    if not quantity.magnitude > 0:
        raise ValidationError(field, f"must be greater than zero, got {format_quantity(quantity)}")
    return quantity


@functools.cache
def _right_angle_deg() -> float:
    return math.degrees(math.pi / 2)


def check_angle_below_right(value: object, field: str) -> Quantity:
    """Return an angle in ``[0, 90)`` degrees, or raise ValidationError naming ``field``."""
    angle = check_non_negative(value, "deg", field)
    if fast_magnitude(angle, "deg") >= _right_angle_deg():
        raise ValidationError(
            field, f"must be below a right angle (90 degrees), got {format_quantity(angle)}"
        )
    return angle
