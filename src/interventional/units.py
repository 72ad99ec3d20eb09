"""The library's one unit registry and the helpers that bring user input into it.

Every physical value in :mod:`interventional` is a :class:`pint.Quantity` of the registry
:data:`ureg`. Public constructors accept a Quantity of this registry, a Quantity made by
another pint registry (converted through its unit names, or its root units), or a string
such as ``"10 mg"``; anything else raises :class:`~interventional.errors.UnitError` naming
the field.

Why a trimmed definitions file
------------------------------
``import attrs, networkx, pint`` costs about half a second on the reference machine, and
pint's full default registry costs almost as much again (about 440 ms) to parse. Pint's
definitions cache would cut that to about 45 ms but writes to the user's cache folder on
first use, which a library should not do behind its user's back. The registry here reads
``data/units.txt``, a trimmed file holding only the units this domain uses, in about
35 ms with nothing written to disk (``bench/run.py`` measures the whole import).
The file also separates effective dose (Sv) from absorbed dose (Gy), angles from
plain ratios, and treats the decibel as a plain unit for attenuation budgets.

Examples
--------
>>> from interventional.units import Q_, as_quantity
>>> as_quantity("10 mg", "mg", field="amount")
<Quantity(10, 'milligram')>
>>> Q_(5, "MHz").to("kHz")
<Quantity(5000.0, 'kilohertz')>
>>> as_quantity(10, "mg", field="amount")
Traceback (most recent call last):
...
interventional.errors.UnitError: amount: expected a quantity in units like 'mg' ([mass]), got 10 with no unit
"""

from __future__ import annotations

import copyreg
import difflib
import math
import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs
import pint

from interventional.errors import UnitError, ValidationError

__all__ = [
    "Q_",
    "Quantity",
    "QuantityRange",
    "as_any_quantity",
    "as_quantity",
    "as_timedelta",
    "format_quantity",
    "magnitude",
    "optional_quantity_converter",
    "quantity_converter",
    "ureg",
]

if TYPE_CHECKING:
    Quantity: TypeAlias = pint.Quantity[Any]
else:
    Quantity = pint.Quantity
"""The type of every physical value in the library."""

_DEFINITIONS = resources.files("interventional") / "data" / "units.txt"

with resources.as_file(_DEFINITIONS) as _path:
    ureg: pint.UnitRegistry = pint.UnitRegistry(  # type: ignore[type-arg]
        str(_path),
        autoconvert_offset_to_baseunit=True,
        on_redefinition="raise",
    )
    """The library's one unit registry."""

ureg.formatter.default_format = "~"

Q_ = ureg.Quantity
"""Construct a Quantity of :data:`ureg`: ``Q_(10, "mg")`` or ``Q_("10 mg")``."""


def _unpickle_quantity(magnitude: object, units: str) -> Quantity:
    """Rebuild a pickled Quantity in :data:`ureg` (not in pint's application registry)."""
    return Q_(magnitude, units)


def _unpickle_unit(units: str) -> pint.Unit:
    """Rebuild a pickled Unit in :data:`ureg`."""
    return ureg.Unit(units)


# Pint unpickles every Quantity into its *application* registry, so a domain object sent to
# a worker process (assess_many) would come back holding quantities of a foreign registry.
# Registering reducers for this registry's own classes keeps them in ``ureg`` and leaves
# every other registry (and the user's application registry) untouched.
copyreg.pickle(ureg.Quantity, lambda q: (_unpickle_quantity, (q.magnitude, str(q.units))))
copyreg.pickle(ureg.Unit, lambda u: (_unpickle_unit, (str(u),)))


_COMMON_PREFIXES = ("", "m", "mc", "µ", "k", "c", "M")


def _defined_names() -> dict[str, str]:
    """Unit names, symbols and aliases of the definitions file with common prefixes, by folded case.

    Where two spellings fold alike (``mg`` and ``Mg``), the one with the more common prefix wins.
    """
    units: dict[str, Any] = dict(getattr(ureg, "_units", {}))
    symbols = [getattr(d, "symbol", None) for d in units.values()]
    spellings = [prefix + s for prefix in _COMMON_PREFIXES for s in symbols if s]
    spellings += sorted(units)
    spellings += sorted(a for d in units.values() for a in getattr(d, "aliases", ()) if a)
    names: dict[str, str] = {}
    for spelling in spellings:
        names.setdefault(spelling.casefold(), spelling)
    return names


_UNIT_NAMES = _defined_names()  # read before any parse adds prefixed units to the registry


def _suggest_unit(unknown: str) -> tuple[str, ...]:
    matches = difflib.get_close_matches(unknown.casefold(), list(_UNIT_NAMES), n=3, cutoff=0.6)
    return tuple(_UNIT_NAMES[match] for match in matches)


def _describe(like: str) -> str:
    return f"units like {like!r} ({Q_(1, like).dimensionality})"


def _parse(text: str, like: str, field: str) -> Quantity:
    parsed: object
    try:
        parsed = ureg.parse_expression(text)
    except pint.UndefinedUnitError as error:
        names = error.unit_names if isinstance(error.unit_names, tuple | list) else ()
        unknown = str(names[0]) if names else text
        raise UnitError(
            field,
            f"unknown unit {unknown!r} in {text!r}; expected {_describe(like)}",
            _suggest_unit(unknown),
        ) from None
    except Exception as error:
        raise UnitError(
            field, f"cannot read {text!r} as a quantity ({error}); expected {_describe(like)}"
        ) from None
    return parsed if isinstance(parsed, pint.Quantity) else Q_(parsed)


def _from_foreign(value: Quantity, field: str) -> Quantity:
    """Bring a Quantity of another pint registry into :data:`ureg`."""
    units = str(value.units)
    try:
        return Q_(value.magnitude, units)
    except pint.PintError:
        pass
    try:
        root = value.to_root_units()
        return Q_(root.magnitude, str(root.units))
    except pint.PintError as error:
        raise UnitError(
            field, f"cannot convert {value} from another unit registry: {error}"
        ) from None


def as_quantity(value: object, like: str, *, field: str) -> Quantity:
    """Return ``value`` as a Quantity of :data:`ureg` with the dimension of ``like``.

    Parameters
    ----------
    value : Quantity or str
        A Quantity of any pint registry, or text such as ``"10 mg"``. A bare number is
        accepted only when ``like`` is dimensionless.
    like : str
        A unit with the required dimension, e.g. ``"mg"`` for a mass.
    field : str
        The name of the field, for the error message.

    Returns
    -------
    Quantity
        The value in its own units (no conversion is forced).

    Raises
    ------
    UnitError
        When the value has no unit, an unknown unit, the wrong dimension, or a magnitude
        that is not a finite real number.

    Examples
    --------
    >>> as_quantity("1.5 in", "mm", field="length").to("mm")
    <Quantity(38.1, 'millimeter')>
    >>> as_quantity("5 mL", "mg", field="amount")
    Traceback (most recent call last):
    ...
    interventional.errors.UnitError: amount: expected units like 'mg' ([mass]), got 5 mL ([length] ** 3)
    """
    if isinstance(value, pint.Quantity):
        quantity = value if value._REGISTRY is ureg else _from_foreign(value, field)
    elif isinstance(value, str):
        quantity = _parse(value, like, field)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        quantity = Q_(value)
        if not quantity.is_compatible_with(like):
            raise UnitError(
                field, f"expected a quantity in {_describe(like)}, got {value} with no unit"
            )
    else:
        raise UnitError(
            field, f"expected a quantity in {_describe(like)}, got {type(value).__name__} {value!r}"
        )
    if not quantity.is_compatible_with(like):
        raise UnitError(
            field,
            f"expected {_describe(like)}, got {quantity} ({quantity.dimensionality})",
        )
    magnitude_value = quantity.magnitude
    if (
        not isinstance(magnitude_value, int | float)
        or isinstance(magnitude_value, bool)
        or not math.isfinite(magnitude_value)
    ):
        raise UnitError(field, f"expected a finite real magnitude, got {magnitude_value!r}")
    return quantity


def as_any_quantity(value: object, *, field: str) -> Quantity:
    """Return ``value`` as a Quantity of :data:`ureg`, of whatever dimension it has.

    For fields whose dimension is set by another field (the bounds of a range). A Quantity
    of another pint registry is converted, text is parsed; a bare number is refused.

    Examples
    --------
    >>> as_any_quantity("3 mL", field="high")
    <Quantity(3, 'milliliter')>
    >>> as_any_quantity(3, field="high")
    Traceback (most recent call last):
    ...
    interventional.errors.UnitError: high: expected a quantity such as '3 mL', got int 3
    """
    if isinstance(value, pint.Quantity):
        return value if value._REGISTRY is ureg else _from_foreign(value, field)
    if isinstance(value, str):
        parsed = _parse(value, "dimensionless", field)
        if parsed.unitless:
            raise UnitError(field, f"expected a quantity with a unit such as '3 mL', got {value!r}")
        return as_quantity(parsed, str(parsed.units), field=field)
    raise UnitError(
        field, f"expected a quantity such as '3 mL', got {type(value).__name__} {value!r}"
    )


def quantity_converter(like: str, field: str) -> Callable[[object], Quantity]:
    """Make an attrs converter that applies :func:`as_quantity` to one field.

    Examples
    --------
    >>> to_weight = quantity_converter("kg", "weight")
    >>> to_weight("70 kg")
    <Quantity(70, 'kilogram')>
    """

    def convert(value: object) -> Quantity:
        return as_quantity(value, like, field=field)

    convert.__doc__ = f"Convert to a Quantity compatible with {like!r} (field {field!r})."
    return convert


def optional_quantity_converter(like: str, field: str) -> Callable[[object], Quantity | None]:
    """Like :func:`quantity_converter`, but ``None`` stays ``None`` (unknown).

    Examples
    --------
    >>> optional_quantity_converter("kg", "weight")(None) is None
    True
    """

    def convert(value: object) -> Quantity | None:
        return None if value is None else as_quantity(value, like, field=field)

    convert.__doc__ = f"Convert to a Quantity compatible with {like!r} (field {field!r}), or None."
    return convert


def magnitude(value: Quantity, unit: str) -> float:
    """Return the plain magnitude of ``value`` in ``unit``, for arithmetic in hot paths.

    Examples
    --------
    >>> magnitude(Q_(2, "h"), "min")
    120.0
    """
    return float(value.to(unit).magnitude)


def as_timedelta(value: object, *, field: str) -> timedelta:
    """Return ``value`` as a :class:`datetime.timedelta`.

    Parameters
    ----------
    value : timedelta, Quantity or str
        A duration: a timedelta, a Quantity of time, or text such as ``"7 day"``.
    field : str
        The name of the field, for the error message.

    Raises
    ------
    UnitError
        When the value is not a duration.
    ValidationError
        When the duration is negative.

    Examples
    --------
    >>> as_timedelta("36 h", field="hold")
    datetime.timedelta(days=1, seconds=43200)
    """
    if isinstance(value, timedelta):
        duration = value
    else:
        seconds = magnitude(as_quantity(value, "s", field=field), "s")
        duration = timedelta(seconds=seconds)
    if duration < timedelta(0):
        raise ValidationError(field, f"a duration cannot be negative, got {duration}")
    return duration


def format_quantity(value: Quantity) -> str:
    """Write a Quantity as text that :func:`as_quantity` reads back to an equal value.

    This is the serialized form of quantities in data files: magnitude plus unit symbol.

    Examples
    --------
    >>> format_quantity(Q_(10, "mg"))
    '10 mg'
    >>> format_quantity(Q_(0.5, "dB/cm/MHz"))
    '0.5 dB / cm / MHz'
    """
    return f"{value.magnitude!r} {value.units:~}".strip()


def _low_bound(value: object) -> Quantity:
    return as_any_quantity(value, field="low")


def _high_bound(value: object) -> Quantity:
    return as_any_quantity(value, field="high")


_SHARED_UNIT = re.compile(
    r"^\s*([+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?:-|–|to)\s*"
    r"([+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([^\d\s].*)$"
)


@attrs.frozen(slots=True, repr=False)
class QuantityRange:
    """A closed range of quantities of one dimension, ``low`` to ``high`` (both included).

    Text forms: ``"1.5-3 mL"`` (one unit for both bounds), ``"-60 deg to -45 deg"`` (each
    bound with its unit), or a single value ``"0.5 mL"``; a pair ``[low, high]`` also reads.
    ``str()`` writes the first form where it can and the second otherwise, and
    :meth:`parse` reads either back to an equal range.

    Parameters
    ----------
    low, high : Quantity or str
        The bounds, of one dimension, ``low <= high``; equal bounds make a single value.

    Raises
    ------
    UnitError
        When a bound is not a quantity, or the bounds differ in dimension.
    ValidationError
        When ``low`` exceeds ``high``.

    Examples
    --------
    >>> r = QuantityRange.parse("4-15 mg", like="mg")
    >>> str(r), r.contains("10 mg"), Q_(20, "mg") in r
    ('4-15 mg', True, False)
    >>> str(QuantityRange("-60 deg", "-45 deg")), str(QuantityRange.parse("0.5 mL"))
    ('-60 deg to -45 deg', '0.5 mL')
    >>> QuantityRange.parse("5 MHz to 15 MHz").high
    <Quantity(15, 'megahertz')>
    """

    low: Quantity = attrs.field(converter=_low_bound)
    high: Quantity = attrs.field(converter=_high_bound)

    @high.validator
    def _ordered(self, _: attrs.Attribute[Quantity], value: Quantity) -> None:
        if not self.low.is_compatible_with(value):
            raise UnitError("high", f"bounds {self.low} and {value} differ in dimension")
        if value < self.low:
            raise ValidationError(
                "high", f"the low bound {self.low} exceeds the high bound {value}"
            )

    @classmethod
    def parse(
        cls, value: object, *, like: str | None = None, field: str = "range"
    ) -> QuantityRange:
        """Read a range from text, a pair ``[low, high]``, or a QuantityRange.

        Parameters
        ----------
        value : str, pair or QuantityRange
            See the text forms above.
        like : str, optional
            A unit of the required dimension (``"mL"``); any dimension when omitted.
        field : str, optional
            The field named in errors.

        Raises
        ------
        UnitError, ValidationError
            Naming ``field``.
        """
        try:
            result = cls._read(value)
        except ValidationError as error:
            raise type(error)(field, error.reason, error.suggestions) from None
        if like is not None:
            as_quantity(result.low, like, field=field)  # raises UnitError naming the field
        return result

    @classmethod
    def _read(cls, value: object) -> QuantityRange:
        if isinstance(value, QuantityRange):
            return value
        if isinstance(value, str):
            if " to " in value:
                low, high = value.split(" to ", 1)
                return cls(low.strip(), high.strip())
            match = _SHARED_UNIT.match(value)
            if match is not None:
                low_text, high_text, unit = match.groups()
                return cls(f"{low_text} {unit}", f"{high_text} {unit}")
            single = as_any_quantity(value, field="range")
            return cls(single, single)
        if isinstance(value, Sequence) and len(value) == 2:
            return cls(value[0], value[1])
        raise ValidationError("range", f"expected a range such as '1.5-3 mL', got {value!r}")

    def contains(self, value: Quantity | str) -> bool:
        """Whether ``value`` lies within the range (bounds included).

        Raises
        ------
        UnitError
            When ``value`` is not a quantity of the range's dimension.
        """
        quantity = as_quantity(value, str(self.low.units), field="value")
        return bool(self.low <= quantity <= self.high)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, pint.Quantity | str):
            return False
        try:
            return self.contains(value)
        except ValidationError:
            return False

    def within(self, other: QuantityRange) -> bool:
        """Whether this whole range lies inside ``other``."""
        return self.low in other and self.high in other

    def __str__(self) -> str:
        if self.low == self.high:
            return format_quantity(self.high)
        low = self.low.to(self.high.units)
        if low.magnitude >= 0 and self.high.magnitude >= 0:
            return f"{low.magnitude!r}-{format_quantity(self.high)}"
        return f"{format_quantity(self.low)} to {format_quantity(self.high)}"

    def __repr__(self) -> str:
        return f"QuantityRange.parse({str(self)!r})"
