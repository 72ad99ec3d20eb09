"""Ultrasound guidance: transducers, the physics that limits them, and needle visibility.

The model
---------
Sound travels at a tissue's speed of sound ``c``; at frequency ``f`` its wavelength is
``c / f`` (1540 m/s at 5 MHz: 0.308 mm). Soft tissue attenuates about 0.5 dB per cm per
MHz one way, so an echo from depth ``d`` has lost ``2 * 0.5 * f * d`` dB on its round trip.
The usable depth is taken where that loss reaches an *imaging budget*; with the default
60 dB budget this is the rule of thumb ``depth (cm) = 60 / f (MHz)``. The budget is a
teaching model (a rule of thumb, cited as one), not a property of any scanner: pass your own.
Axial resolution is half the spatial pulse length (cycles per pulse times wavelength).

Every number comes from ``imaging/data/ultrasound.toml``, each record citing its source.

Examples
--------
>>> wavelength("5 MHz").to("mm")
<Quantity(0.308, 'millimeter')>
>>> ultrasound_penetration("10 MHz")
<Quantity(6.0, 'centimeter')>
>>> choice = choose_transducer("3 cm")
>>> choice.transducer.kind, choice.frequency
(<TransducerKind.LINEAR: 'linear'>, <Quantity(15, 'megahertz')>)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from interventional._data import load_records
from interventional._enums import OrderedEnum, ParsableEnum
from interventional.errors import ValidationError, suggest
from interventional.imaging._common import (
    QuantityRange,
    any_quantity,
    check_non_negative,
    check_positive,
    data_file,
    fast_magnitude,
    optional_range_converter,
    range_converter,
    unit,
)
from interventional.references import Reference, to_references
from interventional.units import (
    Q_,
    Quantity,
    canonical_quantity,
    format_quantity,
    optional_quantity_converter,
)

__all__ = [
    "NeedleApproach",
    "NeedleVisibility",
    "PhysicsConstant",
    "Tissue",
    "Transducer",
    "TransducerChoice",
    "TransducerKind",
    "UltrasoundLimit",
    "UltrasoundUse",
    "UnreachableDepthError",
    "VisibilityBand",
    "attenuation_coefficient",
    "axial_resolution",
    "choose_transducer",
    "imaging_budget",
    "needle_visibility",
    "physics_constant",
    "round_trip_attenuation",
    "spatial_pulse_length",
    "tissue",
    "tissues",
    "transducer",
    "transducers",
    "ultrasound_penetration",
    "ultrasound_use",
    "ultrasound_uses",
    "visibility_bands",
    "wavelength",
]


def _opt_range_speed_of_sound_range(value: object) -> QuantityRange | None:
    return optional_range_converter("m/s", "speed_of_sound_range")(value)


def _range_frequency_range(value: object) -> QuantityRange:
    return range_converter("MHz", "frequency_range")(value)


def _opt_max_usual_depth(value: object) -> Quantity | None:
    return optional_quantity_converter("cm", "max_usual_depth")(value)


def _range_angle_from_skin(value: object) -> QuantityRange:
    return range_converter("deg", "angle_from_skin")(value)


_FILE = "ultrasound.toml"


class UnreachableDepthError(ValidationError):
    """No transducer in the table reaches the requested depth (a ``ValueError``)."""


# --------------------------------------------------------------------------- tissues


def _optional_speed(value: object) -> Quantity | None:
    return optional_quantity_converter("m/s", "speed_of_sound")(value)


@attrs.frozen(slots=True)
class Tissue:
    """A tissue and its speed of sound (one value, or a range where sources give one).

    Examples
    --------
    >>> print(tissue("fat").speed_of_sound)
    1450 m / s
    >>> str(tissue("bone").speed_of_sound_range)
    '3500-4100 m / s'
    """

    id: str
    name: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    speed_of_sound: Quantity | None = attrs.field(default=None, converter=_optional_speed)
    speed_of_sound_range: QuantityRange | None = attrs.field(
        default=None, converter=_opt_range_speed_of_sound_range
    )

    def __attrs_post_init__(self) -> None:
        if self.speed_of_sound is None and self.speed_of_sound_range is None:
            raise ValidationError("speed_of_sound", f"tissue {self.id!r} needs a speed or a range")


@functools.cache
def tissues() -> Mapping[str, Tissue]:
    """Return every tissue with a speed of sound on record, by id.

    Examples
    --------
    >>> sorted(tissues())
    ['bone', 'fat', 'muscle', 'soft-tissue']
    """
    rows = load_records(data_file(_FILE), Tissue, table="tissue")
    return MappingProxyType({row.id: row for row in rows})


def tissue(name: str | Tissue) -> Tissue:
    """Return the :class:`Tissue` with id ``name`` (a Tissue is returned as is).

    Raises
    ------
    ValidationError
        For an unknown tissue, with suggestions.
    """
    if isinstance(name, Tissue):
        return name
    table = tissues()
    if name not in table:
        raise ValidationError(
            "tissue", f"no speed of sound on record for {name!r}", suggest(name, list(table))
        )
    return table[name]


# ------------------------------------------------------------------------- constants


@attrs.frozen(slots=True)
class PhysicsConstant:
    """A physical value of the model, with whether it is a rule of thumb and its sources."""

    id: str
    value: Quantity = attrs.field(converter=any_quantity)
    description: str
    rule_of_thumb: bool
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


@functools.cache
def _constants() -> Mapping[str, PhysicsConstant]:
    rows = load_records(data_file(_FILE), PhysicsConstant, table="constant")
    return MappingProxyType({row.id: row for row in rows})


def physics_constant(name: str) -> PhysicsConstant:
    """Return the model constant ``name`` (``"soft-tissue-attenuation"``, ``"imaging-budget"``).

    Examples
    --------
    >>> physics_constant("imaging-budget").rule_of_thumb
    True
    """
    table = _constants()
    if name not in table:
        raise ValidationError("constant", f"unknown constant {name!r}", suggest(name, list(table)))
    return table[name]


def attenuation_coefficient() -> Quantity:
    """Soft-tissue attenuation coefficient, one way (0.5 dB/cm/MHz).

    Examples
    --------
    >>> attenuation_coefficient()
    <Quantity(0.5, 'decibel / centimeter / megahertz')>
    """
    return physics_constant("soft-tissue-attenuation").value


def imaging_budget() -> Quantity:
    """The default round-trip attenuation budget of the penetration model (a rule of thumb).

    Examples
    --------
    >>> imaging_budget()
    <Quantity(60, 'decibel')>
    """
    return physics_constant("imaging-budget").value


# --------------------------------------------------------------------------- physics


def _frequency(value: object) -> Quantity:
    return check_positive(value, "MHz", "frequency")


def _speed(of: str | Tissue) -> Quantity:
    record = tissue(of)
    if record.speed_of_sound is None:
        raise ValidationError(
            "tissue",
            f"{record.id} has a range of speeds ({record.speed_of_sound_range}), not one value;"
            " choose a tissue with a single speed",
        )
    return record.speed_of_sound


def wavelength(frequency: object, tissue: str | Tissue = "soft-tissue") -> Quantity:
    """Return the wavelength ``speed of sound / frequency`` in a tissue.

    Parameters
    ----------
    frequency : Quantity or str
        E.g. ``"5 MHz"``; a bare number or a non-frequency raises :class:`UnitError`.
    tissue : str, optional
        A tissue id of :func:`tissues` (default soft tissue, 1540 m/s).

    Returns
    -------
    Quantity
        In millimetres.

    Examples
    --------
    >>> wavelength("5 MHz")
    <Quantity(0.308, 'millimeter')>
    >>> wavelength("5 MHz", "fat")
    <Quantity(0.29, 'millimeter')>
    >>> wavelength("5 cm")
    Traceback (most recent call last):
    ...
    interventional.errors.UnitError: frequency: expected units like 'MHz' (1 / [time]), got 5 cm ([length])
    """
    f = _frequency(frequency)
    speed = _speed(tissue)
    return Q_(fast_magnitude(speed, "m/s") / fast_magnitude(f, "Hz") * 1000.0, unit("mm"))


def _coefficient(value: object) -> Quantity:
    if value is None:
        return attenuation_coefficient()
    return check_positive(value, "dB/cm/MHz", "coefficient")


def _budget(value: object) -> Quantity:
    if value is None:
        return imaging_budget()
    return check_positive(value, "dB", "budget")


def round_trip_attenuation(
    frequency: object, depth: object, *, coefficient: object = None
) -> Quantity:
    """Return the attenuation of an echo from ``depth``: ``2 * coefficient * f * depth``.

    Examples
    --------
    >>> round_trip_attenuation("5 MHz", "4 cm")
    <Quantity(20.0, 'decibel')>
    """
    f = _frequency(frequency)
    d = check_non_negative(depth, "cm", "depth")
    alpha = _coefficient(coefficient)
    return Q_(
        2.0
        * fast_magnitude(alpha, "dB/cm/MHz")
        * fast_magnitude(f, "MHz")
        * fast_magnitude(d, "cm"),
        unit("dB"),
    )


def ultrasound_penetration(
    frequency: object, *, budget: object = None, coefficient: object = None
) -> Quantity:
    """Return the usable imaging depth at ``frequency`` in soft tissue.

    The depth at which the round-trip attenuation uses up the budget:
    ``budget / (2 * coefficient * f)``. With the defaults (60 dB, 0.5 dB/cm/MHz) this is
    the rule of thumb ``60 / f(MHz)`` cm: a teaching model, not a scanner's specification.

    Parameters
    ----------
    frequency : Quantity or str
        E.g. ``"5 MHz"``.
    budget : Quantity or str, optional
        Round-trip attenuation budget (default :func:`imaging_budget`).
    coefficient : Quantity or str, optional
        One-way attenuation coefficient (default :func:`attenuation_coefficient`).

    Returns
    -------
    Quantity
        In centimetres.

    References
    ----------
    US-PHYSICS, US-60DB (the 60 dB budget, a rule of thumb), RADIOLOGYWEB-US.

    Examples
    --------
    >>> ultrasound_penetration("5 MHz")
    <Quantity(12.0, 'centimeter')>
    >>> ultrasound_penetration("5 MHz", budget="80 dB", coefficient="1 dB/cm/MHz")
    <Quantity(8.0, 'centimeter')>
    """
    f = _frequency(frequency)
    alpha = _coefficient(coefficient)
    total = _budget(budget)
    depth_cm = fast_magnitude(total, "dB") / (
        2.0 * fast_magnitude(alpha, "dB/cm/MHz") * fast_magnitude(f, "MHz")
    )
    return Q_(depth_cm, unit("cm"))


def _max_frequency_for(depth_cm: float, budget_db: float, alpha: float) -> float:
    """Highest frequency (MHz) whose penetration still reaches ``depth_cm``."""
    f = budget_db / (2.0 * alpha * depth_cm)
    while budget_db / (2.0 * alpha * f) < depth_cm:  # guard against rounding
        f = math.nextafter(f, 0.0)
    return f


def spatial_pulse_length(
    frequency: object, *, cycles: int, tissue: str | Tissue = "soft-tissue"
) -> Quantity:
    """Return the spatial pulse length: cycles per pulse times the wavelength.

    ``cycles`` has no default: it depends on the transducer's damping.

    Examples
    --------
    >>> spatial_pulse_length("5 MHz", cycles=2)
    <Quantity(0.616, 'millimeter')>
    """
    if isinstance(cycles, bool) or not isinstance(cycles, int) or cycles <= 0:
        raise ValidationError("cycles", f"must be a positive whole number, got {cycles!r}")
    return Q_(cycles * fast_magnitude(wavelength(frequency, tissue), "mm"), unit("mm"))


def axial_resolution(pulse_length: object) -> Quantity:
    """Return the axial resolution, half the spatial pulse length.

    Examples
    --------
    >>> axial_resolution(spatial_pulse_length("5 MHz", cycles=2))
    <Quantity(0.308, 'millimeter')>
    """
    length = check_positive(pulse_length, "mm", "pulse_length")
    return Q_(fast_magnitude(length, "mm") / 2.0, unit("mm"))


# ------------------------------------------------------------------------ transducers


class TransducerKind(ParsableEnum):
    """The three transducer shapes: linear, curvilinear and phased array."""

    LINEAR = "linear"
    CURVILINEAR = "curvilinear"
    PHASED = "phased"


def _transducer_kind(value: object) -> TransducerKind:
    return TransducerKind.parse(value, field="kind")  # type: ignore[arg-type]


@attrs.frozen(slots=True)
class Transducer:
    """A transducer kind with its frequency range and usual use.

    Parameters
    ----------
    kind : TransducerKind or str
    frequency_range : QuantityRange or str
        E.g. ``"5 MHz to 15 MHz"``.
    use : str
        What it is usually used for.
    max_usual_depth : Quantity, optional
        Deepest target it is usually used for, where the sources give one.

    Examples
    --------
    >>> t = transducer("linear")
    >>> str(t.frequency_range), t.max_usual_depth
    ('5-15 MHz', <Quantity(6, 'centimeter')>)
    """

    kind: TransducerKind = attrs.field(converter=_transducer_kind)
    frequency_range: QuantityRange = attrs.field(converter=_range_frequency_range)
    use: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    max_usual_depth: Quantity | None = attrs.field(default=None, converter=_opt_max_usual_depth)

    def penetration(self, frequency: object = None, **model: object) -> Quantity:
        """Usable depth at ``frequency`` (default: the lowest of the range, the deepest)."""
        f = self.frequency_range.low if frequency is None else frequency
        return ultrasound_penetration(f, **model)

    def _repr_markdown_(self) -> str:
        return f"**{self.kind.value} transducer** {self.frequency_range}: {self.use}"


@functools.cache
def transducers() -> tuple[Transducer, ...]:
    """Return the transducer kinds, in order of preference (linear first).

    Examples
    --------
    >>> [t.kind.value for t in transducers()]
    ['linear', 'curvilinear', 'phased']
    """
    return load_records(data_file(_FILE), Transducer, table="transducer", key="kind")


def transducer(kind: str | TransducerKind) -> Transducer:
    """Return the :class:`Transducer` of a kind."""
    wanted = TransducerKind.parse(kind, field="kind")
    return next(t for t in transducers() if t.kind is wanted)


def _choice_frequency(value: object) -> Quantity:
    return canonical_quantity(value, "MHz", field="frequency")


def _choice_penetration(value: object) -> Quantity:
    return canonical_quantity(value, "cm", field="penetration")


def _choice_depth(value: object) -> Quantity:
    return canonical_quantity(value, "cm", field="depth")


@attrs.frozen(slots=True)
class TransducerChoice:
    """The result of :func:`choose_transducer`: a transducer, a frequency and its reach."""

    transducer: Transducer
    frequency: Quantity = attrs.field(converter=_choice_frequency)
    penetration: Quantity = attrs.field(converter=_choice_penetration)
    depth: Quantity = attrs.field(converter=_choice_depth)

    def _repr_markdown_(self) -> str:
        return f"**Transducer choice**: {self}"

    def __str__(self) -> str:
        return (
            f"{self.transducer.kind.value} transducer at {self.frequency:.3g~P} for a target at"
            f" {format_quantity(self.depth)} (reaches {self.penetration:.3g~P})"
        )


def choose_transducer(
    depth: object, *, budget: object = None, coefficient: object = None
) -> TransducerChoice:
    """Choose the transducer and the highest frequency that still reaches ``depth``.

    Higher frequency resolves finer detail but penetrates less, so the best frequency is
    the highest one whose penetration (see :func:`ultrasound_penetration`) is at least the
    depth. Each kind offers ``min(its highest frequency, that limit)`` if that is within
    its range and the depth is within its usual depth; the highest offer wins, and ties go
    to the earlier kind in :func:`transducers` (linear, then curvilinear, then phased).

    Raises
    ------
    UnreachableDepthError
        When no kind reaches the depth, naming the deepest reach on offer.
    ValidationError
        For a negative or zero depth.

    Examples
    --------
    >>> print(choose_transducer("2 cm"))
    linear transducer at 15 MHz for a target at 2 cm (reaches 4 cm)
    >>> print(choose_transducer("8 cm"))
    curvilinear transducer at 5 MHz for a target at 8 cm (reaches 12 cm)
    >>> choose_transducer("70 cm")
    Traceback (most recent call last):
    ...
    interventional.imaging.ultrasound.UnreachableDepthError: depth: no transducer reaches 70 cm: the deepest reach is 60 cm (phased at 1 MHz)
    """
    target = check_positive(depth, "cm", "depth")
    depth_cm = fast_magnitude(target, "cm")
    budget_db = fast_magnitude(_budget(budget), "dB")
    alpha = fast_magnitude(_coefficient(coefficient), "dB/cm/MHz")
    limit = _max_frequency_for(depth_cm, budget_db, alpha)
    best: tuple[Transducer, float] | None = None
    for candidate in transducers():
        if candidate.max_usual_depth is not None and target > candidate.max_usual_depth:
            continue
        low = fast_magnitude(candidate.frequency_range.low, "MHz")
        high = fast_magnitude(candidate.frequency_range.high, "MHz")
        offer = min(high, limit)
        if offer >= low and (best is None or offer > best[1]):
            best = (candidate, offer)
    if best is None:
        deepest = max(
            transducers(), key=lambda t: t.penetration(budget=budget, coefficient=coefficient)
        )
        reach = deepest.penetration(budget=budget, coefficient=coefficient)
        raise UnreachableDepthError(
            "depth",
            f"no transducer reaches {format_quantity(target)}: the deepest reach is "
            f"{reach:.3g~P} ({deepest.kind.value} at {format_quantity(deepest.frequency_range.low)})",
        )
    chosen, offer = best
    frequency = Q_(offer, unit("MHz")).to(chosen.frequency_range.high.units)
    if offer == fast_magnitude(chosen.frequency_range.high, "MHz"):
        frequency = chosen.frequency_range.high
    reach = ultrasound_penetration(frequency, budget=budget, coefficient=coefficient)
    return TransducerChoice(chosen, frequency, reach, target)


# ------------------------------------------------------------------ needle approaches


@attrs.frozen(slots=True)
class _ApproachRecord:
    id: str
    shows: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


@functools.cache
def _approaches() -> Mapping[str, _ApproachRecord]:
    rows = load_records(data_file(_FILE), _ApproachRecord, table="approach")
    return MappingProxyType({row.id: row for row in rows})


class NeedleApproach(ParsableEnum):
    """In-plane (the needle along the beam's plane) or out-of-plane (across it).

    Examples
    --------
    >>> print(NeedleApproach.parse("in plane").shows)
    the whole shaft and the tip, along the long axis of the beam's plane
    """

    IN_PLANE = "in-plane"
    OUT_OF_PLANE = "out-of-plane"

    @property
    def shows(self) -> str:
        """What of the needle the image shows with this approach."""
        return _approaches()[self.value].shows

    @property
    def references(self) -> tuple[Reference, ...]:
        """The sources of :attr:`shows`."""
        return _approaches()[self.value].references


class NeedleVisibility(OrderedEnum):
    """Ordinal needle visibility under ultrasound, ``POOR < REDUCED < GOOD``."""

    POOR = "poor"
    REDUCED = "reduced"
    GOOD = "good"


def _visibility_grade(value: object) -> NeedleVisibility:
    return NeedleVisibility.parse(value, field="grade")  # type: ignore[arg-type]


@attrs.frozen(slots=True)
class VisibilityBand:
    """A band of insertion angles (to the skin) and the visibility grade it gets."""

    grade: NeedleVisibility = attrs.field(converter=_visibility_grade)
    angle_from_skin: QuantityRange = attrs.field(converter=_range_angle_from_skin)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


@functools.cache
def visibility_bands() -> tuple[VisibilityBand, ...]:
    """Return the visibility model's bands, shallowest angles first."""
    rows = load_records(data_file(_FILE), VisibilityBand, table="visibility", key="grade")
    return tuple(sorted(rows, key=lambda b: fast_magnitude(b.angle_from_skin.low, "deg")))


def needle_visibility(
    angle_from_skin: object = None, *, angle_to_beam: object = None
) -> NeedleVisibility:
    """Grade in-plane needle visibility from the insertion angle (steeper is worse).

    A documented ordinal model, not a measurement: visibility falls linearly as the
    insertion angle steepens [SZ2004]; below 30 degrees to the skin it is best [SZ2004];
    under 45 degrees is needed to see the needle [RCEM-ANGLE]. With the transducer flat
    on the skin, the angle to the beam axis is ``90 deg - angle_from_skin``. A boundary
    angle belongs to the worse band.

    Examples
    --------
    >>> needle_visibility("20 deg")
    <NeedleVisibility.GOOD: 'good'>
    >>> needle_visibility(angle_to_beam="50 deg")
    <NeedleVisibility.REDUCED: 'reduced'>
    >>> needle_visibility("70 deg")
    <NeedleVisibility.POOR: 'poor'>
    """
    if (angle_from_skin is None) == (angle_to_beam is None):
        raise ValidationError(
            "angle_from_skin", "give exactly one of angle_from_skin, angle_to_beam"
        )
    right = fast_magnitude(Q_(math.pi / 2, unit("rad")), "deg")
    if angle_to_beam is not None:
        to_beam = fast_magnitude(check_non_negative(angle_to_beam, "deg", "angle_to_beam"), "deg")
        if to_beam > right:
            raise ValidationError(
                "angle_to_beam", f"must be at most 90 degrees, got {to_beam:g} deg"
            )
        angle = right - to_beam
    else:
        angle = fast_magnitude(check_non_negative(angle_from_skin, "deg", "angle_from_skin"), "deg")
        if angle > right:
            raise ValidationError(
                "angle_from_skin", f"must be at most 90 degrees, got {angle:g} deg"
            )
    grade = visibility_bands()[0].grade
    for band in visibility_bands():
        if angle >= fast_magnitude(band.angle_from_skin.low, "deg"):
            grade = band.grade
    return grade


# ---------------------------------------------------------------- use by procedure


class UltrasoundLimit(ParsableEnum):
    """What limits ultrasound guidance for a procedure."""

    BONE_SHADOW = "bone-shadow"
    DEPTH = "depth"
    BODY_HABITUS = "body-habitus"


def _limits(values: object) -> tuple[UltrasoundLimit, ...]:
    if isinstance(values, str) or not isinstance(values, list | tuple | set | frozenset):
        raise ValidationError("limits", f"expected a list of limits, got {values!r}")
    chosen = {UltrasoundLimit.parse(v, field="limits") for v in values}
    return tuple(limit for limit in UltrasoundLimit if limit in chosen)


@attrs.frozen(slots=True)
class UltrasoundUse:
    """Whether a procedure is commonly done under ultrasound, and what limits it.

    Keyed by the procedure catalogue's ids (the imaging layer does not import procedures).

    Examples
    --------
    >>> use = ultrasound_use("stellate-ganglion-block")
    >>> use.common, use.limits
    (True, ())
    >>> sorted(str(x) for x in ultrasound_use("lumbar-interlaminar-epidural-injection").limits)
    ['body-habitus', 'bone-shadow', 'depth']
    """

    procedure_id: str
    common: bool
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    limits: tuple[UltrasoundLimit, ...] = attrs.field(default=(), converter=_limits)
    note: str | None = None

    def _repr_markdown_(self) -> str:
        usual = "commonly done under ultrasound" if self.common else "not usually under ultrasound"
        limits = ", ".join(str(limit) for limit in self.limits) or "none recorded"
        return f"**{self.procedure_id}**: {usual}; limits: {limits}"


@functools.cache
def ultrasound_uses() -> Mapping[str, UltrasoundUse]:
    """Return every procedure with ultrasound data, by procedure id."""
    rows = load_records(data_file(_FILE), UltrasoundUse, table="use", key="procedure_id")
    return MappingProxyType({row.procedure_id: row for row in rows})


def ultrasound_use(procedure_id: str) -> UltrasoundUse | None:
    """Return what the library knows of ultrasound for a procedure, or ``None`` (no data).

    ``None`` means *no data*, never "ultrasound is fine".

    Examples
    --------
    >>> ultrasound_use("lumbar-discography") is None
    True
    """
    return ultrasound_uses().get(procedure_id)
