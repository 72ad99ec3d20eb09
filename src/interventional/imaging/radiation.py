"""Radiation dose: a session's dose, typical doses, staff scatter and occupational limits.

Three different quantities, never mixed (the unit registry keeps Sv apart from Gy):

- the patient's *dose* from the machine: fluoroscopy time, cumulative air kerma (mGy) and
  dose-area product (Gy cm2), summed over a session with ``+``;
- the *scatter* at a staff member's position, an air kerma estimated from the patient's
  entrance air kerma by a rule of thumb (about 0.1 % at 1 m, falling with the square of
  the distance);
- the *occupational dose* of a worker, an effective or equivalent dose (mSv), compared
  with the annual limits of ICRP and the US NRC by :func:`occupational_fraction`.

Examples
--------
>>> session = RadiationDose("20 s", "1.5 mGy") + RadiationDose("15 s", "1.0 mGy")
>>> print(session)
35 s fluoroscopy, 2.5 mGy air kerma, dose-area product not recorded
>>> staff_scatter("10 mGy", "2 m")
<Quantity(0.0025, 'milligray')>
>>> occupational_fraction("5 mSv")
<Quantity(25.0, 'percent')>
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from interventional._data import load_records
from interventional._enums import ParsableEnum
from interventional.errors import ValidationError
from interventional.imaging._common import (
    QuantityRange,
    check_non_negative,
    check_positive,
    data_file,
    fast_magnitude,
    optional_range_converter,
    unit,
)
from interventional.references import Reference, to_references
from interventional.units import Q_, Quantity, format_quantity

__all__ = [
    "Authority",
    "DoseFactor",
    "DosePlacement",
    "DosePosition",
    "OccupationalLimit",
    "OccupationalOrgan",
    "RadiationDose",
    "ScatterRule",
    "TypicalDose",
    "dose_factors",
    "inverse_square",
    "occupational_fraction",
    "occupational_limit",
    "occupational_limits",
    "scatter_rule",
    "staff_scatter",
    "typical_dose",
    "typical_doses",
]

_FILE = "radiation.toml"


# ------------------------------------------------------------------- session dose


def _time(value: object) -> Quantity:
    return check_non_negative(value, "s", "fluoroscopy_time", canonical=True)


def _kerma(value: object) -> Quantity | None:
    return None if value is None else check_non_negative(value, "mGy", "air_kerma", canonical=True)


def _dap(value: object) -> Quantity | None:
    if value is None:
        return None
    return check_non_negative(value, "Gy*cm**2", "dose_area_product", canonical=True)


def _add(a: Quantity | None, b: Quantity | None) -> Quantity | None:
    if a is None or b is None:
        return None
    return _sum(a, b)


def _sum(a: Quantity, b: Quantity) -> Quantity:
    # Fields are stored in one canonical unit, so the magnitudes add directly (pint's own
    # addition checks and converts units first, several times slower).
    if a._units == b._units:
        return Q_(a.magnitude + b.magnitude, a._units)
    total: Quantity = a + b
    return total


@attrs.frozen(slots=True)
class RadiationDose:
    """The patient dose of a fluoroscopy run or a whole session.

    Parameters
    ----------
    fluoroscopy_time : Quantity or str
        Beam-on time, e.g. ``"35 s"``.
    air_kerma : Quantity or str, optional
        Cumulative air kerma at the reference point, e.g. ``"2.5 mGy"``; ``None`` if not
        recorded.
    dose_area_product : Quantity or str, optional
        Kerma-area product, e.g. ``"0.5 Gy*cm**2"``; ``None`` if not recorded.

    Notes
    -----
    Values are stored in s, mGy and Gy·cm² (rounded to 12 significant digits), whatever
    units they were written in, so equal doses are equal and hash equal. ``+`` adds field
    by field; it is associative and commutative up to rounding. A field that either side
    did not record is unknown (``None``) in the sum. ``sum(doses)`` works (``0`` is the
    start).

    Examples
    --------
    >>> a = RadiationDose("10 s", "0.8 mGy", "0.2 Gy*cm**2")
    >>> (a + a).dose_area_product
    <Quantity(0.4, 'gray * centimeter ** 2')>
    >>> RadiationDose("1.5 min", "800 µGy") == RadiationDose("90 s", "0.8 mGy")
    True
    >>> RadiationDose("-1 s")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: fluoroscopy_time: cannot be negative, got -1 s
    """

    fluoroscopy_time: Quantity = attrs.field(converter=_time)
    air_kerma: Quantity | None = attrs.field(default=None, converter=_kerma)
    dose_area_product: Quantity | None = attrs.field(default=None, converter=_dap)

    @classmethod
    def zero(cls) -> RadiationDose:
        """A dose of nothing (every field zero), the start of a session."""
        return cls(Q_(0, unit("s")), Q_(0, unit("mGy")), Q_(0, unit("Gy*cm**2")))

    def __add__(self, other: object) -> RadiationDose:
        if not isinstance(other, RadiationDose):
            return NotImplemented
        return RadiationDose(
            _sum(self.fluoroscopy_time, other.fluoroscopy_time),
            _add(self.air_kerma, other.air_kerma),
            _add(self.dose_area_product, other.dose_area_product),
        )

    def __radd__(self, other: object) -> RadiationDose:
        if isinstance(other, int) and other == 0:
            return self
        return NotImplemented

    def __str__(self) -> str:
        kerma = (
            f"{self.air_kerma:.4g~P} air kerma"
            if self.air_kerma is not None
            else "air kerma not recorded"
        )
        dap = (
            f"{self.dose_area_product:.4g~P} dose-area product"
            if self.dose_area_product is not None
            else "dose-area product not recorded"
        )
        return f"{self.fluoroscopy_time:.4g~P} fluoroscopy, {kerma}, {dap}"

    def _repr_markdown_(self) -> str:
        return f"**Radiation dose**: {self}"


# --------------------------------------------------------------- typical doses


class DosePosition(ParsableEnum):
    """Where a recorded value falls against a published series."""

    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"
    NO_DATA = "no-data"


@attrs.frozen(slots=True)
class DosePlacement:
    """A recorded dose placed against a :class:`TypicalDose` (range, and mean)."""

    fluoroscopy_time: DosePosition
    fluoroscopy_time_vs_mean: DosePosition
    air_kerma: DosePosition


def _position(value: Quantity | None, span: QuantityRange | None) -> DosePosition:
    if value is None or span is None:
        return DosePosition.NO_DATA
    if value < span.low:
        return DosePosition.BELOW
    if value > span.high:
        return DosePosition.ABOVE
    return DosePosition.WITHIN


def _vs_mean(value: Quantity, mean: Quantity | None) -> DosePosition:
    if mean is None:
        return DosePosition.NO_DATA
    return _position(value, QuantityRange(mean, mean))


def _opt_time_range(value: object) -> QuantityRange | None:
    return optional_range_converter("s", "fluoroscopy_time")(value)


def _opt_kerma_range(value: object) -> QuantityRange | None:
    return optional_range_converter("mGy", "air_kerma")(value)


def _opt_time(value: object) -> Quantity | None:
    if value is None:
        return None
    return check_non_negative(value, "s", "fluoroscopy_time_mean", canonical=True)


@attrs.frozen(slots=True)
class TypicalDose:
    """Fluoroscopy time (and air kerma where published) of one procedure in a published series.

    Examples
    --------
    >>> typical = typical_dose("lumbar-transforaminal-epidural-injection")
    >>> str(typical.fluoroscopy_time), typical.fluoroscopy_time_mean
    ('11-161 s', <Quantity(36, 'second')>)
    >>> typical.place(RadiationDose("200 s")).fluoroscopy_time
    <DosePosition.ABOVE: 'above'>
    """

    procedure_id: str
    setting: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    fluoroscopy_time: QuantityRange | None = attrs.field(default=None, converter=_opt_time_range)
    fluoroscopy_time_mean: Quantity | None = attrs.field(default=None, converter=_opt_time)
    air_kerma: QuantityRange | None = attrs.field(default=None, converter=_opt_kerma_range)
    patients: int | None = None

    def _repr_markdown_(self) -> str:
        span = str(self.fluoroscopy_time) if self.fluoroscopy_time else "no range"
        mean = (
            f", mean {format_quantity(self.fluoroscopy_time_mean)}"
            if self.fluoroscopy_time_mean is not None
            else ""
        )
        keys = ", ".join(r.key for r in self.references)
        return f"**{self.procedure_id}**: fluoroscopy {span}{mean} ({self.setting}; {keys})"

    def place(self, dose: RadiationDose) -> DosePlacement:
        """Place a recorded dose against this series (``NO_DATA`` where it has none)."""
        return DosePlacement(
            _position(dose.fluoroscopy_time, self.fluoroscopy_time),
            _vs_mean(dose.fluoroscopy_time, self.fluoroscopy_time_mean),
            _position(dose.air_kerma, self.air_kerma),
        )


@functools.cache
def typical_doses() -> Mapping[str, TypicalDose]:
    """Return the published typical doses, by procedure id."""
    rows = load_records(data_file(_FILE), TypicalDose, table="typical", key="procedure_id")
    return MappingProxyType({row.procedure_id: row for row in rows})


def typical_dose(procedure_id: str) -> TypicalDose | None:
    """Return the typical dose of a procedure, or ``None`` when no series is on record.

    Examples
    --------
    >>> typical_dose("stellate-ganglion-block") is None
    True
    """
    return typical_doses().get(procedure_id)


def _dose_reduction(value: object) -> Quantity:
    return check_non_negative(value, "%", "dose_reduction", canonical=True)


def _time_reduction(value: object) -> Quantity | None:
    if value is None:
        return None
    return check_non_negative(value, "%", "fluoroscopy_time_reduction", canonical=True)


def _fraction(value: object) -> Quantity:
    return check_non_negative(value, "%", "fraction", canonical=True)


def _distance(value: object) -> Quantity:
    return check_positive(value, "m", "distance", canonical=True)


@attrs.frozen(slots=True)
class DoseFactor:
    """A published reduction of dose by a technique (e.g. pulsed against continuous).

    Examples
    --------
    >>> factor = dose_factors()["pulsed-vs-continuous"]
    >>> factor.dose_reduction, factor.relative_dose
    (<Quantity(64, 'percent')>, <Quantity(36, 'percent')>)
    """

    id: str
    dose_reduction: Quantity = attrs.field(converter=_dose_reduction)
    setting: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    fluoroscopy_time_reduction: Quantity | None = attrs.field(
        default=None,
        converter=_time_reduction,
    )

    @property
    def relative_dose(self) -> Quantity:
        """The dose left, as a percentage of the dose without the technique."""
        left: Quantity = Q_(100, unit("%")) - self.dose_reduction.to("%")
        return left


@functools.cache
def dose_factors() -> Mapping[str, DoseFactor]:
    """Return the dose factors that a source gives figures for, by id.

    Collimation is absent: no source found gave a figure for fluoroscopic pain procedures.
    """
    rows = load_records(data_file(_FILE), DoseFactor, table="dose_factor")
    return MappingProxyType({row.id: row for row in rows})


# ----------------------------------------------------------------------- scatter


@attrs.frozen(slots=True)
class ScatterRule:
    """The scatter rule of thumb: a fraction of the entrance dose at a reference distance."""

    id: str
    fraction: Quantity = attrs.field(converter=_fraction)
    distance: Quantity = attrs.field(converter=_distance)
    rule_of_thumb: bool
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


@functools.cache
def scatter_rule() -> ScatterRule:
    """Return the scatter rule of thumb (about 0.1 % of the entrance dose at 1 m).

    Examples
    --------
    >>> rule = scatter_rule()
    >>> rule.fraction, rule.distance, rule.rule_of_thumb
    (<Quantity(0.1, 'percent')>, <Quantity(1, 'meter')>, True)
    """
    (rule,) = load_records(data_file(_FILE), ScatterRule, table="scatter")
    return rule


def inverse_square(dose: object, from_distance: object, to_distance: object) -> Quantity:
    """Scale a dose (any unit) from one distance to another by the inverse-square law.

    Examples
    --------
    >>> inverse_square("4 mGy", "1 m", "2 m")
    <Quantity(1.0, 'milligray')>
    """
    from interventional.imaging._common import any_quantity

    value = any_quantity(dose)
    if value.magnitude < 0:
        raise ValidationError("dose", f"cannot be negative, got {format_quantity(value)}")
    near = fast_magnitude(check_positive(from_distance, "m", "from_distance"), "m")
    far = fast_magnitude(check_positive(to_distance, "m", "to_distance"), "m")
    scaled: Quantity = value * (near / far) ** 2
    return scaled


def staff_scatter(entrance_air_kerma: object, distance: object) -> Quantity:
    """Estimate the scatter air kerma at a staff position from the patient's entrance dose.

    ``entrance * fraction * (reference distance / distance) ** 2``: the 0.1 %-at-1-m rule of
    thumb [HPS-6241] (a conservative over-estimate) with the inverse-square law. The result
    is an air kerma in the entrance dose's unit, not an effective dose: shielding (aprons,
    screens) is not modelled.

    Raises
    ------
    UnitError
        An entrance dose that is not an air kerma (e.g. mSv), or a distance not a length.
    ValidationError
        A negative dose or a distance that is not above zero.

    Examples
    --------
    >>> staff_scatter("10 mGy", "1 m")
    <Quantity(0.01, 'milligray')>
    """
    entrance = check_non_negative(entrance_air_kerma, "mGy", "entrance_air_kerma")
    rule = scatter_rule()
    at_reference: Quantity = entrance * fast_magnitude(rule.fraction, "")
    return inverse_square(at_reference, rule.distance, distance)


# --------------------------------------------------------------- occupational limits


class Authority(ParsableEnum):
    """Who sets the limit: the ICRP recommendations or the US NRC regulations."""

    ICRP = "icrp"
    NRC = "nrc"


class OccupationalOrgan(ParsableEnum):
    """What an occupational limit protects."""

    WHOLE_BODY = "whole-body"
    LENS = "lens"
    EXTREMITIES = "extremities"
    SKIN = "skin"
    EMBRYO_FETUS = "embryo-fetus"

    @classmethod
    def _lookup(cls) -> dict[str, OccupationalOrgan]:  # type: ignore[override]
        table: dict[str, OccupationalOrgan] = dict(super()._lookup())  # type: ignore[arg-type]
        table.setdefault("pregnant-worker", cls.EMBRYO_FETUS)
        table.setdefault("fetus", cls.EMBRYO_FETUS)
        table.setdefault("lens-of-the-eye", cls.LENS)
        table.setdefault("eye", cls.LENS)
        table.setdefault("effective", cls.WHOLE_BODY)
        return table


def _authority(value: object) -> Authority:
    return Authority.parse(value, field="authority")  # type: ignore[arg-type]


def _organ(value: object) -> OccupationalOrgan:
    return OccupationalOrgan.parse(value, field="organ")  # type: ignore[arg-type]


def _sv(value: object) -> Quantity:
    return check_positive(value, "mSv", "limit", canonical=True)


def _opt_sv(value: object) -> Quantity | None:
    return (
        None if value is None else check_positive(value, "mSv", "single_year_max", canonical=True)
    )


@attrs.frozen(slots=True)
class OccupationalLimit:
    """An annual (or per-pregnancy) occupational dose limit.

    Examples
    --------
    >>> occupational_limit("lens", "nrc").limit
    <Quantity(150, 'millisievert')>
    """

    id: str
    authority: Authority = attrs.field(converter=_authority)
    organ: OccupationalOrgan = attrs.field(converter=_organ)
    limit: Quantity = attrs.field(converter=_sv)
    period: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    single_year_max: Quantity | None = attrs.field(default=None, converter=_opt_sv)
    note: str | None = None

    def _repr_markdown_(self) -> str:
        return (
            f"**{self.authority.value.upper()} {self.organ.value}**: "
            f"{format_quantity(self.limit)} {self.period}"
        )


@functools.cache
def occupational_limits() -> tuple[OccupationalLimit, ...]:
    """Return every occupational limit on record."""
    return load_records(data_file(_FILE), OccupationalLimit, table="limit")


def occupational_limit(
    organ: str | OccupationalOrgan = "whole-body", authority: str | Authority = "icrp"
) -> OccupationalLimit:
    """Return the limit of ``authority`` for ``organ``.

    Examples
    --------
    >>> occupational_limit("pregnant-worker", "icrp").limit
    <Quantity(1, 'millisievert')>
    """
    wanted_organ = OccupationalOrgan.parse(organ, field="organ")
    wanted_authority = Authority.parse(authority, field="authority")
    for record in occupational_limits():
        if record.organ is wanted_organ and record.authority is wanted_authority:
            return record
    raise ValidationError("organ", f"no {wanted_authority} limit on record for {wanted_organ}")


def occupational_fraction(
    dose: object,
    *,
    organ: str | OccupationalOrgan = "whole-body",
    authority: str | Authority = "icrp",
) -> Quantity:
    """Return a worker's dose as a percentage of the annual limit.

    Parameters
    ----------
    dose : Quantity or str
        An effective or equivalent dose in sieverts (e.g. ``"5 mSv"``). Air kerma (mGy)
        is rejected: it is not a dose to a person.
    organ : str, optional
        ``"whole-body"`` (default), ``"lens"``, ``"extremities"``, ``"skin"`` or
        ``"embryo-fetus"`` (``"pregnant-worker"``).
    authority : str, optional
        ``"icrp"`` (default) or ``"nrc"``.

    Returns
    -------
    Quantity
        In percent.

    Examples
    --------
    >>> occupational_fraction("15 mSv", organ="lens", authority="nrc")
    <Quantity(10.0, 'percent')>
    >>> occupational_fraction("2 mGy")
    Traceback (most recent call last):
    ...
    interventional.errors.UnitError: dose: expected units like 'mSv' ([effective_dose]), got 2 mGy ([length] ** 2 / [time] ** 2)
    """
    value = check_non_negative(dose, "mSv", "dose")
    record = occupational_limit(organ, authority)
    return Q_(100.0 * fast_magnitude(value, "mSv") / fast_magnitude(record.limit, "mSv"), unit("%"))
