"""Private helpers of :mod:`interventional.imaging`: quantity ranges and argument checks.

Examples
--------
>>> r = QuantityRange.parse("5 MHz to 15 MHz")
>>> Q_(10, "MHz") in r, str(r)
(True, '5 MHz to 15 MHz')
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable

import attrs
import pint

from interventional.errors import UnitError, ValidationError
from interventional.units import Q_, Quantity, as_any_quantity, as_quantity, format_quantity, ureg

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


def _ordered(
    instance: QuantityRange, attribute: attrs.Attribute[Quantity], value: Quantity
) -> None:
    if not value.is_compatible_with(instance.low):
        raise UnitError("range", f"{value} and {instance.low} have different dimensions")
    if value < instance.low:
        raise ValidationError("range", f"the low end {instance.low} is above the high end {value}")


@attrs.frozen(slots=True)
class QuantityRange:
    """A closed range of quantities, ``low`` to ``high`` (both included).

    Parameters
    ----------
    low, high : Quantity or str
        The ends of the range, of one dimension, ``low <= high``.

    Examples
    --------
    >>> QuantityRange("1 MHz", "5 MHz").high
    <Quantity(5, 'megahertz')>
    >>> Q_(20, "deg") in QuantityRange("15 deg", "30 deg")
    True
    """

    low: Quantity = attrs.field(converter=any_quantity)
    high: Quantity = attrs.field(converter=any_quantity, validator=_ordered)

    @classmethod
    def parse(cls, value: object) -> QuantityRange:
        """Read a range from ``"a to b"``, a pair ``[a, b]``, or a QuantityRange."""
        if isinstance(value, QuantityRange):
            return value
        if isinstance(value, str):
            parts = value.split(" to ")
            if len(parts) != 2:
                raise ValidationError(
                    "range", f"expected text such as '5 MHz to 15 MHz', got {value!r}"
                )
            return cls(parts[0].strip(), parts[1].strip())
        if isinstance(value, Sequence) and len(value) == 2:
            return cls(value[0], value[1])
        raise ValidationError("range", f"expected 'low to high' or a pair, got {value!r}")

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, pint.Quantity) or not value.is_compatible_with(self.low):
            return False
        return bool(self.low <= value <= self.high)

    def within(self, other: QuantityRange) -> bool:
        """Whether this whole range lies inside ``other``."""
        return self.low in other and self.high in other

    def __str__(self) -> str:
        return f"{format_quantity(self.low)} to {format_quantity(self.high)}"


def range_converter(like: str, field: str) -> Callable[[object], QuantityRange]:
    """Make an attrs converter to a :class:`QuantityRange` of the dimension of ``like``."""

    def convert(value: object) -> QuantityRange:
        try:
            result = QuantityRange.parse(value)
        except ValidationError as error:
            raise type(error)(field, error.reason) from None
        for end in (result.low, result.high):
            quantity_of(end, like, field=field)
        return result

    return convert


def optional_range_converter(like: str, field: str) -> Callable[[object], QuantityRange | None]:
    """Like :func:`range_converter`, but ``None`` stays ``None``."""
    convert = range_converter(like, field)

    def convert_optional(value: object) -> QuantityRange | None:
        return None if value is None else convert(value)

    return convert_optional


def check_non_negative(value: object, like: str, field: str) -> Quantity:
    """Return ``value`` as a Quantity like ``like``; raise ValidationError when negative."""
    quantity = quantity_of(value, like, field=field)
    if quantity.magnitude < 0:
        raise ValidationError(field, f"cannot be negative, got {format_quantity(quantity)}")
    return quantity


def check_positive(value: object, like: str, field: str) -> Quantity:
    """Return ``value`` as a Quantity like ``like``; raise ValidationError unless above zero."""
    quantity = quantity_of(value, like, field=field)
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
