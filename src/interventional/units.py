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

Canonical units
---------------
A Quantity field of an attrs class stores its value in one unit, the field's own
(:func:`canonical_quantity`, used by :func:`quantity_converter`), rounded to 12 significant
digits. Pint compares quantities of different units by converting one side, so
``100 mm == 3.937... inch`` may hold one way and not the other; in one unit, equal values
are equal both ways and hash equal, and they print in the unit the field is known by.

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
import functools
import math
import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import attrs
import pint

from interventional.errors import UnitError, ValidationError

__all__ = [
    "Q_",
    "Quantity",
    "QuantityRange",
    "as_any_quantity",
    "as_positive_timedelta",
    "as_quantity",
    "as_timedelta",
    "canonical_quantity",
    "format_quantity",
    "from_ucum",
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


_NUMBER_FIRST = re.compile(r"\s*[-+]?(\d|\.\d|inf|nan)", re.IGNORECASE)
"""A quantity's text starts with its number: a unit alone (``"mg"``) is not read as 1 mg."""


def _parse(text: str, like: str, field: str) -> Quantity:
    if _NUMBER_FIRST.match(text) is None:
        raise UnitError(
            field, f"expected a number and a unit such as '3 mL', got {text!r} (a unit alone)"
        )
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
        The value in its own units (no conversion is forced; fields use
        :func:`canonical_quantity`).

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


_SIGNIFICANT_DIGITS = 12
"""Digits kept of a canonical magnitude: enough for any measured value, and few enough to
drop the floating-point noise of a unit conversion (1 inch is 25.4 mm, not
25.400000000000002 mm)."""


@functools.cache
def _unit(text: str) -> pint.Unit:
    """The parsed unit ``text``, one object per text (the library names few units).

    Parsing unit text is the slow part of pint; and a Quantity made in a unit of this
    cache shares its units container, so that checking a canonical value's unit
    (:func:`canonical_quantity`, :func:`magnitude`) is mostly an identity test.
    """
    return ureg.Unit(text)


_WHOLE = 10**_SIGNIFICANT_DIGITS


def _tidy(value: float) -> float:
    """Round to :data:`_SIGNIFICANT_DIGITS` significant digits; a whole number becomes an int."""
    if type(value) is int and -_WHOLE < value < _WHOLE:
        return value  # already tidy (the usual case of a value read from text)
    rounded = float(f"{value:.{_SIGNIFICANT_DIGITS}g}")
    return int(rounded) if rounded.is_integer() else rounded


def canonical_quantity(value: object, unit: str, *, field: str) -> Quantity:
    """Return ``value`` as a Quantity in exactly ``unit``: the canonical form of a field.

    Accepts what :func:`as_quantity` accepts, converts to ``unit`` and rounds the magnitude
    to 12 significant digits (an int when it is whole), so that equal values written in
    different units give the same Quantity: such values compare equal both ways and hash
    equal, and they print in the field's familiar unit.

    Parameters
    ----------
    value : Quantity or str
        A Quantity of any pint registry, or text such as ``"1 inch"``.
    unit : str
        The field's canonical unit, e.g. ``"mm"``.
    field : str
        The name of the field, for the error message.

    Returns
    -------
    Quantity
        The value in ``unit``.

    Raises
    ------
    UnitError
        As :func:`as_quantity`.

    Examples
    --------
    >>> canonical_quantity("1 inch", "mm", field="length")
    <Quantity(25.4, 'millimeter')>
    >>> canonical_quantity("0.1 m", "mm", field="length")
    <Quantity(100, 'millimeter')>
    >>> canonical_quantity(Q_(1, "inch"), "mm", field="length") == Q_(25.4, "mm")
    True
    """
    target = _unit(unit)
    if (
        isinstance(value, pint.Quantity)
        and value._REGISTRY is ureg
        and (value._units is target._units or value._units == target._units)
    ):
        # The usual case, kept fast (converters run in constructors): no parsing, no conversion.
        number = value.magnitude
        kind = type(number)
        if kind is int or (kind is float and math.isfinite(number)):
            tidy = _tidy(number)
            if tidy == number and type(tidy) is kind:
                return value  # already canonical: keep the object
            return Q_(tidy, target)
    return _in_unit(as_quantity(value, unit, field=field), target)


def _in_unit(quantity: Quantity, target: pint.Unit) -> Quantity:
    """``quantity`` (of :data:`ureg`, checked, compatible) in ``target``, magnitude tidied."""
    same = quantity._units is target._units or quantity._units == target._units
    number = quantity.magnitude if same else quantity.m_as(target)
    tidy = _tidy(number)
    if same and tidy == number and type(tidy) is type(number):
        return quantity  # already canonical: keep the object
    return Q_(tidy, target)


def quantity_converter(like: str, field: str) -> Callable[[object], Quantity]:
    """Make an attrs converter to a Quantity of one field, in the field's canonical unit.

    The converter applies :func:`canonical_quantity` with ``like`` as the unit: the field
    stores every value in ``like`` whatever unit it was written in, so that objects holding
    equal values are equal and hash equal.

    Examples
    --------
    >>> to_weight = quantity_converter("kg", "weight")
    >>> to_weight("70 kg")
    <Quantity(70, 'kilogram')>
    >>> to_weight("154 lb")
    <Quantity(69.8532, 'kilogram')>
    """

    def convert(value: object) -> Quantity:
        return canonical_quantity(value, like, field=field)

    convert.__doc__ = f"Convert to a Quantity in {like!r} (field {field!r})."
    return convert


def optional_quantity_converter(like: str, field: str) -> Callable[[object], Quantity | None]:
    """Like :func:`quantity_converter`, but ``None`` stays ``None`` (unknown).

    Examples
    --------
    >>> optional_quantity_converter("kg", "weight")(None) is None
    True
    >>> optional_quantity_converter("kg", "weight")("500 g")
    <Quantity(0.5, 'kilogram')>
    """

    def convert(value: object) -> Quantity | None:
        return None if value is None else canonical_quantity(value, like, field=field)

    convert.__doc__ = f"Convert to a Quantity in {like!r} (field {field!r}), or None."
    return convert


def magnitude(value: Quantity, unit: str) -> float:
    """Return the plain magnitude of ``value`` in ``unit``, for arithmetic in hot paths.

    Examples
    --------
    >>> magnitude(Q_(2, "h"), "min")
    120.0
    """
    target = _unit(unit)
    units = value._units
    if units is target._units or units == target._units:  # the usual case: already in `unit`
        return float(value.magnitude)
    return float(value.m_as(target))


_UCUM_ANNOTATION = re.compile(r"\{[^{}]*\}")
_UCUM_POWER_OF_TEN = re.compile(r"10[*^]([+-]?\d+)")
_UCUM_EXPONENT = re.compile(r"(?<=[A-Za-z\]])([+-]?\d+)")
_UCUM_ATOMS = {"[lb_av]": "lb", "[oz_av]": "oz", "[in_i]": "inch", "[ft_i]": "foot"}


def _ucum_expression(code: str) -> str:
    """A pint expression for the UCUM code ``code`` (the subset clinical results use)."""
    text = _UCUM_ANNOTATION.sub("1", code.strip())  # {INR}, {1.73_m2}: no dimension
    for atom, name in _UCUM_ATOMS.items():
        text = text.replace(atom, name)
    text = _UCUM_EXPONENT.sub(lambda m: f"**{m.group(1)}", text).replace(".", "*")
    text = _UCUM_POWER_OF_TEN.sub(lambda m: f"1e{m.group(1)}", text)
    return "1" + text if text.startswith("/") else text


def from_ucum(value: object, code: str, *, field: str) -> Quantity:
    """Return ``value`` in the unit the UCUM code ``code`` names, as a Quantity of :data:`ureg`.

    UCUM (the unit codes of FHIR ``Quantity.code`` and of OMOP ``unit_concept``) writes
    powers of ten as ``10*3``, multiplication as ``.``, exponents as trailing digits and
    annotations in braces, which count as 1 (``{INR}``, ``mL/min/{1.73_m2}``). Customary
    units are read for the atoms ``[lb_av]``, ``[oz_av]``, ``[in_i]`` and ``[ft_i]``.

    Parameters
    ----------
    value : number
        The magnitude.
    code : str
        The UCUM code, e.g. ``"10*3/uL"``.
    field : str
        The name of the field, for the error message.

    Raises
    ------
    UnitError
        When the code names a unit the library's registry does not hold.

    References
    ----------
    UCUM

    Examples
    --------
    >>> from_ucum(250, "10*3/uL", field="value").to("1/uL")
    <Quantity(250000.0, '1 / microliter')>
    >>> from_ucum(185, "[lb_av]", field="weight").to("kg").magnitude
    83.91458...
    >>> from_ucum(2.1, "{INR}", field="value")
    <Quantity(2.1, 'dimensionless')>
    >>> from_ucum(1, "[foo]", field="value")
    Traceback (most recent call last):
    ...
    interventional.errors.UnitError: value: cannot read the UCUM unit '[foo]'
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnitError(field, f"expected a number, got {value!r}")
    if not isinstance(code, str) or not code.strip():
        raise UnitError(field, f"expected a UCUM unit code, got {code!r}")
    expression = _ucum_expression(code)
    try:
        parsed = ureg.parse_expression(expression)
    except Exception:  # pint raises several kinds of error for text it cannot read
        raise UnitError(field, f"cannot read the UCUM unit {code!r}") from None
    unit = parsed if isinstance(parsed, pint.Quantity) else Q_(parsed)
    return cast(Quantity, value * unit)


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


def as_positive_timedelta(value: object, *, field: str) -> timedelta | None:
    """Return ``value`` as a duration longer than zero, or ``None`` for ``None``.

    The form of a procedure's duration (a plan's, an assessment's, a catalogue's typical
    one).

    Raises
    ------
    UnitError
        When the value is not a duration.
    ValidationError
        When it is zero or negative, naming the field.

    Examples
    --------
    >>> as_positive_timedelta("40 min", field="duration")
    datetime.timedelta(seconds=2400)
    >>> as_positive_timedelta("0 min", field="duration")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: duration: must be longer than zero, got '0 min'
    """
    if value is None:
        return None
    duration = as_timedelta(value, field=field)
    if duration <= timedelta(0):
        raise ValidationError(field, f"must be longer than zero, got {value!r}")
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


def _range_unit(value: object) -> pint.Unit:
    if isinstance(value, pint.Unit) and value._REGISTRY is ureg:
        return value
    if not isinstance(value, str | pint.Unit):
        raise UnitError(
            "unit", f"expected a unit such as 'mL', got {type(value).__name__} {value!r}"
        )
    text = str(value)
    try:
        return _unit(text)
    except pint.UndefinedUnitError as error:
        names = error.unit_names if isinstance(error.unit_names, tuple | list) else ()
        unknown = str(names[0]) if names else text
        raise UnitError("unit", f"unknown unit {unknown!r}", _suggest_unit(unknown)) from None
    except Exception as error:
        raise UnitError("unit", f"cannot read {text!r} as a unit ({error})") from None


def _unit_of_high(bounds: QuantityRange) -> pint.Unit:
    return cast(pint.Unit, bounds.high.units)


@functools.cache
def _root_of(unit: pint.Unit) -> tuple[float, str]:
    """The factor from ``unit`` to root units, and the root units (for comparing ranges)."""
    root = Q_(1, unit).to_root_units()
    return float(root.magnitude), str(root.units)


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

    Both bounds are stored in the range's :attr:`unit`, rounded to 12 significant digits
    (as :func:`canonical_quantity` does). Ranges compare by value: equal bounds written in
    other units give an equal range, with an equal hash.

    Parameters
    ----------
    low, high : Quantity or str
        The bounds, of one dimension, ``low <= high``; equal bounds make a single value.
    unit : str or pint.Unit, optional
        The unit both bounds are stored in (the field's canonical unit); by default the
        unit of ``high``.

    Raises
    ------
    UnitError
        When a bound is not a quantity, or does not have the dimension of ``unit`` (naming
        the bound, ``low`` or ``high``).
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
    >>> QuantityRange.parse("0.5-1 inch", like="mm")
    QuantityRange.parse('12.7-25.4 mm')
    >>> QuantityRange.parse("12.7-25.4 mm") == QuantityRange.parse("0.5-1 inch")
    True
    >>> QuantityRange("3 kg", "5 mL", unit="mL")
    Traceback (most recent call last):
    ...
    interventional.errors.UnitError: low: the low bound 3 kg ([mass]) does not fit the range's unit mL ([length] ** 3)
    """

    low: Quantity = attrs.field(converter=_low_bound, eq=False)
    high: Quantity = attrs.field(converter=_high_bound, eq=False)
    unit: pint.Unit = attrs.field(
        default=attrs.Factory(_unit_of_high, takes_self=True),
        converter=_range_unit,
        kw_only=True,
        eq=False,
    )
    # What equality and hashing use: the bounds in root units (so that ranges written in
    # other units compare by value, both ways).
    _key: tuple[float, float, str] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        unit = self.unit
        dimension = unit.dimensionality
        for name, bound in (("low", self.low), ("high", self.high)):
            if bound.dimensionality != dimension:
                raise UnitError(
                    name,
                    f"the {name} bound {format_quantity(bound)} ({bound.dimensionality}) does "
                    f"not fit the range's unit {unit} ({dimension})",
                )
        low, high = _in_unit(self.low, unit), _in_unit(self.high, unit)
        if high.magnitude < low.magnitude:
            raise ValidationError(
                "high",
                f"the low bound {format_quantity(low)} exceeds the high bound "
                f"{format_quantity(high)}",
            )
        factor, root = _root_of(unit)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        key = (_tidy(low.magnitude * factor), _tidy(high.magnitude * factor), root)
        object.__setattr__(self, "_key", key)

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
            The unit of the range (a field's canonical unit, ``"mL"``): both bounds are
            stored in it. Any dimension (and the unit of ``high``) when omitted.
        field : str, optional
            The field named in errors.

        Raises
        ------
        UnitError, ValidationError
            Naming ``field``.

        Examples
        --------
        >>> QuantityRange.parse(["3 kg", "5 mL"], like="mL", field="volume")
        Traceback (most recent call last):
        ...
        interventional.errors.UnitError: volume: the low bound 3 kg ([mass]) does not fit the range's unit mL ([length] ** 3)
        """
        try:
            return cls._read(value, like)
        except ValidationError as error:
            raise type(error)(field, error.reason, error.suggestions) from None

    @classmethod
    def _read(cls, value: object, like: str | None) -> QuantityRange:
        def make(low: object, high: object) -> QuantityRange:
            return cls(low, high) if like is None else cls(low, high, unit=like)

        if isinstance(value, QuantityRange):
            if like is None or value.unit == _range_unit(like):
                return value
            return make(value.low, value.high)
        if isinstance(value, str):
            if " to " in value:
                low, high = value.split(" to ", 1)
                return make(low.strip(), high.strip())
            match = _SHARED_UNIT.match(value)
            if match is not None:
                low_text, high_text, unit = match.groups()
                return make(f"{low_text} {unit}", f"{high_text} {unit}")
            single = as_any_quantity(value, field="range")
            return make(single, single)
        if isinstance(value, Sequence) and len(value) == 2:
            return make(value[0], value[1])
        raise ValidationError("range", f"expected a range such as '1.5-3 mL', got {value!r}")

    def contains(self, value: Quantity | str) -> bool:
        """Whether ``value`` lies within the range (bounds included).

        Raises
        ------
        UnitError
            When ``value`` is not a quantity of the range's dimension.
        """
        quantity = as_quantity(value, str(self.unit), field="value")
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
        low, high = self.low.magnitude, self.high.magnitude  # both in self.unit
        if low == high:
            return format_quantity(self.high)
        if low >= 0 and high >= 0:
            return f"{low!r}-{format_quantity(self.high)}"
        return f"{format_quantity(self.low)} to {format_quantity(self.high)}"

    def __repr__(self) -> str:
        return f"QuantityRange.parse({str(self)!r})"
