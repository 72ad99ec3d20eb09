"""Needles and needle trajectories: types, gauges, stock lengths and the length a path needs.

The geometry is one right triangle: a target at ``depth`` below the skin, reached by a
straight needle inserted at ``angle_from_vertical`` from the perpendicular to the skin
(0 degrees is straight down), needs a shaft of ``depth / cos(angle_from_vertical)`` inside
the body. The angle from the skin surface is ``90 degrees - angle_from_vertical``; both
spellings are accepted, by keyword, so the convention is always explicit.

Examples
--------
>>> needle_length_required("5 cm", "60 deg").to("cm")
<Quantity(10.0, 'centimeter')>
>>> choose_needle_length("6 cm", angle_from_vertical="20 deg", margin="1 cm")
<Quantity(3.5, 'inch')>
>>> Needle("quincke", 22, "3.5 inch").outer_diameter
<Quantity(0.72, 'millimeter')>
"""

from __future__ import annotations

import functools
import math
from types import MappingProxyType
from typing import Any, Self

import attrs

from interventional._data import load_records
from interventional._enums import ParsableEnum
from interventional.errors import ValidationError, suggest
from interventional.imaging._common import (
    check_angle_below_right,
    check_non_negative,
    check_positive,
    data_file,
    fast_magnitude,
    unit,
)
from interventional.references import Reference, to_references
from interventional.units import (
    Q_,
    Quantity,
    format_quantity,
    optional_quantity_converter,
    quantity_converter,
)

__all__ = [
    "ActiveTip",
    "GaugeDiameter",
    "Needle",
    "NeedleType",
    "StockLength",
    "active_tip_lengths",
    "choose_needle_length",
    "gauge_diameters",
    "needle_length_required",
    "outer_diameter",
    "stock_lengths",
]


def _outer_diameter(value: object) -> Quantity:
    return quantity_converter("mm", "outer_diameter")(value)


def _opt_active_tip(value: object) -> Quantity | None:
    return optional_quantity_converter("mm", "active_tip")(value)


def _gauge(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("gauge", f"expected a whole number such as 22, got {value!r}")
    if value <= 0:
        raise ValidationError("gauge", f"must be a positive whole number, got {value}")
    return value


def _length(value: object) -> Quantity:
    return check_positive(value, "mm", "length", canonical=True)


def _stock_length(value: object) -> Quantity:
    # Stock spinal needles are sold and named in inches ("3.5-inch"): their unit.
    return check_positive(value, "inch", "length", canonical=True)


class NeedleType(ParsableEnum):
    """The kinds of needle used in interventional pain procedures.

    Quincke has a cutting bevel; Whitacre and Sprotte have pencil points; Tuohy is the
    epidural needle with a curved tip; Chiba is a fine needle; an RF cannula carries an
    uninsulated active tip for radiofrequency lesions.

    Examples
    --------
    >>> NeedleType.parse("RF cannula")
    <NeedleType.RF_CANNULA: 'rf-cannula'>
    """

    QUINCKE = "quincke"
    WHITACRE = "whitacre"
    SPROTTE = "sprotte"
    TUOHY = "tuohy"
    CHIBA = "chiba"
    RF_CANNULA = "rf-cannula"
    HYPODERMIC = "hypodermic"
    INTRODUCER = "introducer"

    @property
    def pencil_point(self) -> bool:
        """Whether the tip is a pencil point (Whitacre, Sprotte) rather than a bevel."""
        return self in (NeedleType.WHITACRE, NeedleType.SPROTTE)


@attrs.frozen(slots=True)
class GaugeDiameter:
    """One row of the gauge table: a gauge and its nominal outer diameter."""

    gauge: int
    outer_diameter: Quantity = attrs.field(converter=_outer_diameter)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


@attrs.frozen(slots=True)
class StockLength:
    """One stock needle length, in inches (the unit stock needles are named in)."""

    id: str
    length: Quantity = attrs.field(converter=_stock_length)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


@attrs.frozen(slots=True)
class ActiveTip:
    """One stock active-tip length of an RF cannula."""

    id: str
    length: Quantity = attrs.field(converter=_length)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


@functools.cache
def gauge_diameters() -> MappingProxyType[int, GaugeDiameter]:
    """Return the gauge table, gauge to :class:`GaugeDiameter` (read once).

    Examples
    --------
    >>> sorted(gauge_diameters())
    [18, 20, 21, 22, 23, 25, 27]
    """
    rows = load_records(data_file("needles.toml"), GaugeDiameter, table="gauge", key="gauge")
    return MappingProxyType({row.gauge: row for row in rows})


@functools.cache
def stock_lengths() -> tuple[Quantity, ...]:
    """Return the stock needle lengths, shortest first.

    Examples
    --------
    >>> [format_quantity(q) for q in stock_lengths()]
    ['1.5 in', '2 in', '3.5 in', '5 in', '6 in', '7 in']
    """
    rows = load_records(data_file("needles.toml"), StockLength, table="stock_length")
    return tuple(sorted((row.length for row in rows), key=lambda q: fast_magnitude(q, "mm")))


@functools.cache
def active_tip_lengths() -> tuple[Quantity, ...]:
    """Return the stock active-tip lengths of RF cannulae, shortest first.

    Examples
    --------
    >>> [format_quantity(q) for q in active_tip_lengths()]
    ['5 mm', '10 mm', '15 mm']
    """
    rows = load_records(data_file("needles.toml"), ActiveTip, table="active_tip")
    return tuple(sorted((row.length for row in rows), key=lambda q: fast_magnitude(q, "mm")))


def outer_diameter(gauge: int) -> Quantity:
    """Return the nominal outer diameter of a needle gauge.

    Raises
    ------
    ValidationError
        When the gauge is not in the table, with the nearest gauges as suggestions.

    Examples
    --------
    >>> outer_diameter(25)
    <Quantity(0.51, 'millimeter')>
    """
    table = gauge_diameters()
    if gauge not in table:
        raise ValidationError(
            "gauge",
            f"no outer diameter on record for {gauge}G (known: {', '.join(map(str, table))})",
            suggest(str(gauge), [str(g) for g in table]),
        )
    return table[gauge].outer_diameter


def _needle_type(value: object) -> NeedleType:
    return NeedleType.parse(value, field="type")  # type: ignore[arg-type]


@attrs.frozen(slots=True)
class Needle:
    """A needle: its type, gauge, shaft length and (for RF cannulae) active-tip length.

    Parameters
    ----------
    type : NeedleType or str
        E.g. ``"quincke"``, ``"tuohy"``, ``"rf-cannula"``.
    gauge : int
        The gauge, e.g. 22.
    length : Quantity or str
        The shaft length, e.g. ``"3.5 inch"``; stored in mm (``88.9 mm``), so that equal
        lengths written in other units make equal needles.
    active_tip : Quantity or str, optional
        The uninsulated tip of an RF cannula, e.g. ``"10 mm"``; only RF cannulae have one.
        Stored in mm.

    Raises
    ------
    ValidationError
        For a non-positive gauge or length, an active tip on a needle that is not an RF
        cannula, or an active tip not shorter than the shaft.

    Examples
    --------
    >>> Needle("rf-cannula", 18, "100 mm", active_tip="10 mm").active_tip
    <Quantity(10, 'millimeter')>
    >>> print(Needle("quincke", 22, "3.5 inch"))
    22G 88.9 mm quincke
    >>> Needle("quincke", 22, "3.5 inch") == Needle("quincke", 22, "88.9 mm")
    True
    >>> Needle("quincke", 22, "3.5 inch", active_tip="10 mm")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: active_tip: only an RF cannula has an active tip, not a quincke needle
    """

    type: NeedleType = attrs.field(converter=_needle_type)
    gauge: int = attrs.field(converter=_gauge)
    length: Quantity = attrs.field(converter=_length)
    active_tip: Quantity | None = attrs.field(default=None, converter=_opt_active_tip)

    def __attrs_post_init__(self) -> None:
        if self.active_tip is None:
            return
        if self.type is not NeedleType.RF_CANNULA:
            raise ValidationError(
                "active_tip", f"only an RF cannula has an active tip, not a {self.type} needle"
            )
        if not 0 < fast_magnitude(self.active_tip, "mm") < fast_magnitude(self.length, "mm"):
            raise ValidationError(
                "active_tip",
                f"must be longer than zero and shorter than the shaft ({format_quantity(self.length)})"
                f", got {format_quantity(self.active_tip)}",
            )

    @property
    def outer_diameter(self) -> Quantity:
        """The nominal outer diameter of the needle's gauge (see :func:`outer_diameter`)."""
        return outer_diameter(self.gauge)

    def __str__(self) -> str:
        tip = f", {format_quantity(self.active_tip)} active tip" if self.active_tip else ""
        return f"{self.gauge}G {format_quantity(self.length)} {self.type}{tip}"

    def _repr_markdown_(self) -> str:
        return f"**Needle** {self}"

    def evolve(self, **changes: Any) -> Self:
        """Return a copy with some fields changed (validated again)."""
        return attrs.evolve(self, **changes)


def _vertical_angle(angle_from_vertical: object, angle_from_skin: object) -> Quantity:
    if angle_from_skin is not None and angle_from_vertical is not None:
        raise ValidationError(
            "angle_from_skin", "give angle_from_vertical or angle_from_skin, not both"
        )
    if angle_from_skin is None:
        value = Q_(0, unit("deg")) if angle_from_vertical is None else angle_from_vertical
        return check_angle_below_right(value, "angle_from_vertical")
    from_skin = check_non_negative(angle_from_skin, "deg", "angle_from_skin")
    right = Q_(math.pi / 2, unit("rad")).to("deg")
    if not 0 < fast_magnitude(from_skin, "deg") <= fast_magnitude(right, "deg"):
        raise ValidationError(
            "angle_from_skin",
            f"must be above 0 and at most 90 degrees, got {format_quantity(from_skin)}",
        )
    result: Quantity = (right - from_skin.to("deg")).to("deg")
    return result


def needle_length_required(
    depth: object,
    angle_from_vertical: object = None,
    *,
    angle_from_skin: object = None,
) -> Quantity:
    """Return the shaft length inside the body that reaches ``depth`` along a straight path.

    The length is ``depth / cos(angle_from_vertical)``: at least the depth, and growing
    without bound as the path flattens towards the skin. Plain trigonometry, no data.

    Parameters
    ----------
    depth : Quantity or str
        Perpendicular depth of the target below the skin, e.g. ``"5 cm"``.
    angle_from_vertical : Quantity or str, optional
        Angle between the needle and the perpendicular to the skin, ``0 <= angle < 90 deg``
        (default 0: straight down). May be given positionally.
    angle_from_skin : Quantity or str, optional
        The same path measured from the skin surface instead (``90 deg`` is straight down);
        keyword only, and not together with ``angle_from_vertical``.

    Returns
    -------
    Quantity
        The length, in millimetres.

    Raises
    ------
    UnitError
        A depth that is not a length, or an angle that is not an angle.
    ValidationError
        A negative depth, or an angle of 90 degrees or more from vertical.

    Examples
    --------
    >>> needle_length_required("40 mm")
    <Quantity(40.0, 'millimeter')>
    >>> needle_length_required("5 cm", angle_from_skin="30 deg")
    <Quantity(100.0, 'millimeter')>
    >>> needle_length_required("5 cm", "90 deg")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: angle_from_vertical: must be below a right angle (90 degrees), got 90 deg
    """
    depth_q = check_non_negative(depth, "mm", "depth")
    angle = _vertical_angle(angle_from_vertical, angle_from_skin)
    length_mm = fast_magnitude(depth_q, "mm") / math.cos(fast_magnitude(angle, "rad"))
    return Q_(length_mm, unit("mm"))


def choose_needle_length(
    depth: object,
    angle_from_vertical: object = None,
    *,
    margin: object,
    angle_from_skin: object = None,
) -> Quantity:
    """Return the shortest stock needle length that reaches the target with a margin to spare.

    Parameters
    ----------
    depth, angle_from_vertical, angle_from_skin
        As for :func:`needle_length_required`.
    margin : Quantity or str
        The shaft that must stay outside the skin (keyword only, no default: the library has
        no sourced figure for it, so the caller states it), e.g. ``"1 cm"``.

    Returns
    -------
    Quantity
        One of :func:`stock_lengths`, in its stock unit (inches).

    Raises
    ------
    ValidationError
        When even the longest stock needle is too short, or for bad depth, angle or margin.

    Examples
    --------
    >>> choose_needle_length("3 cm", margin="1 cm")
    <Quantity(2, 'inch')>
    >>> choose_needle_length("20 cm", margin="1 cm")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: depth: needs 210 mm of needle (200 mm path + 10 mm margin); the longest stock needle is 7 in (177.8 mm)
    """
    needed = needle_length_required(depth, angle_from_vertical, angle_from_skin=angle_from_skin)
    spare = check_non_negative(margin, "mm", "margin")
    total_mm = fast_magnitude(needed, "mm") + fast_magnitude(spare, "mm")
    for length in stock_lengths():
        if fast_magnitude(length, "mm") >= total_mm:
            return length
    longest = stock_lengths()[-1]
    raise ValidationError(
        "depth",
        f"needs {total_mm:g} mm of needle ({fast_magnitude(needed, 'mm'):g} mm path + "
        f"{fast_magnitude(spare, 'mm'):g} mm margin); the longest stock needle is "
        f"{format_quantity(longest)} ({fast_magnitude(longest, 'mm'):g} mm)",
    )
