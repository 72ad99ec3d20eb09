"""Fluoroscopy: C-arm views and contrast patterns.

Angles and their signs
----------------------
A view is a C-arm position given by two angles, each a Quantity in degrees:

``rotation``
    About the patient's long (cranio-caudal) axis, from the AP position: 0 is AP and
    +90 a true lateral. Positive rotates toward the side of the target (ipsilateral
    oblique), negative away from it (contralateral oblique).
``tilt``
    In the sagittal plane: positive is a caudal tilt of the image intensifier, negative a
    cranial (cephalad) tilt.

Every view carries the range its angles may take, and both the angles and the ranges must
lie within the modelled C-arm envelope (:func:`c_arm`). The numbers are starting points
that the operator adjusts to the patient; they live in ``imaging/data/fluoroscopy.toml``.

Examples
--------
>>> view = standard_view("scotty-dog-oblique")
>>> view.rotation, str(view.rotation_range)
(<Quantity(25, 'degree')>, '20-30 deg')
>>> import attrs
>>> attrs.evolve(view, rotation="28 deg").rotation
<Quantity(28, 'degree')>
>>> ContrastPattern.VASCULAR.action
<ContrastAction.STOP_AND_REPOSITION: 'stop-and-reposition'>
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from interventional._data import load_records
from interventional._enums import ParsableEnum
from interventional.errors import ValidationError, suggest
from interventional.imaging._common import (
    QuantityRange,
    data_file,
    optional_range_converter,
    range_converter,
)
from interventional.references import Reference, to_references
from interventional.units import Quantity, canonical_quantity, format_quantity

__all__ = [
    "CArm",
    "ContrastAction",
    "ContrastPattern",
    "ContrastPatternInfo",
    "FluoroscopyView",
    "UnknownViewError",
    "c_arm",
    "contrast_patterns",
    "standard_view",
    "standard_views",
]

_FILE = "fluoroscopy.toml"


class UnknownViewError(ValidationError, KeyError):
    """A view id that is not a standard view (a ``ValueError`` and a ``KeyError``)."""

    def __str__(self) -> str:
        return ValidationError.__str__(self)


def _rotation_range(value: object) -> QuantityRange:
    return range_converter("deg", "rotation_range")(value)


def _tilt_range(value: object) -> QuantityRange:
    return range_converter("deg", "tilt_range")(value)


def _opt_rotation_range(value: object) -> QuantityRange | None:
    return optional_range_converter("deg", "rotation_range")(value)


def _opt_tilt_range(value: object) -> QuantityRange | None:
    return optional_range_converter("deg", "tilt_range")(value)


def _rotation(value: object) -> Quantity:
    return canonical_quantity(value, "deg", field="rotation")


def _tilt(value: object) -> Quantity:
    return canonical_quantity(value, "deg", field="tilt")


@attrs.frozen(slots=True)
class CArm:
    """The range of angles the modelled C-arm reaches.

    Examples
    --------
    >>> str(c_arm().rotation_range), str(c_arm().tilt_range)
    ('-90 deg to 90 deg', '-45 deg to 45 deg')
    """

    id: str
    rotation_range: QuantityRange = attrs.field(converter=_rotation_range)
    tilt_range: QuantityRange = attrs.field(converter=_tilt_range)
    note: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


@functools.cache
def c_arm() -> CArm:
    """Return the modelled C-arm envelope (read once)."""
    (record,) = load_records(data_file(_FILE), CArm, table="c_arm")
    return record


def _check_within(field: str, value: Quantity, allowed: QuantityRange, what: str) -> None:
    if value not in allowed:
        raise ValidationError(field, f"{format_quantity(value)} is outside {what} ({allowed})")


@attrs.frozen(slots=True)
class FluoroscopyView:
    """A named C-arm view: its angles, the ranges they may take, and what it is for.

    Parameters
    ----------
    id : str
        Kebab-case id, e.g. ``"contralateral-oblique"``.
    name : str
        Display name.
    rotation, tilt : Quantity or str
        The nominal angles (see the module docstring for the signs), e.g. ``"20 deg"``.
    purpose : str
        What the view shows and when it is used.
    rotation_range, tilt_range : QuantityRange or str, optional
        The ranges the angles may take; default: the whole C-arm range.
    references : iterable of str, optional
        Citation keys.

    Raises
    ------
    UnitError
        An angle that is not an angle (a bare number, a length...).
    ValidationError
        An angle outside its range, or a range outside the C-arm's.

    Examples
    --------
    >>> FluoroscopyView("steep", "Steep", rotation="0 deg", tilt="60 deg", purpose="x")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: tilt: 60 deg is outside the C-arm's tilt range (-45 deg to 45 deg)
    """

    id: str
    name: str
    rotation: Quantity = attrs.field(converter=_rotation)
    tilt: Quantity = attrs.field(converter=_tilt)
    purpose: str
    rotation_range: QuantityRange | None = attrs.field(
        default=None, kw_only=True, converter=_opt_rotation_range
    )
    tilt_range: QuantityRange | None = attrs.field(
        default=None, kw_only=True, converter=_opt_tilt_range
    )
    references: tuple[Reference, ...] = attrs.field(
        default=(), kw_only=True, converter=to_references
    )

    def __attrs_post_init__(self) -> None:
        arm = c_arm()
        for field, value, own, full in (
            ("rotation", self.rotation, self.rotation_range, arm.rotation_range),
            ("tilt", self.tilt, self.tilt_range, arm.tilt_range),
        ):
            _check_within(field, value, full, f"the C-arm's {field} range")
            if own is not None:
                if not own.within(full):
                    raise ValidationError(
                        f"{field}_range", f"{own} is outside the C-arm's {field} range ({full})"
                    )
                _check_within(field, value, own, f"the view's {field} range")

    @property
    def rotation_limits(self) -> QuantityRange:
        """The range rotation may take: the view's own, else the C-arm's."""
        return self.rotation_range or c_arm().rotation_range

    @property
    def tilt_limits(self) -> QuantityRange:
        """The range tilt may take: the view's own, else the C-arm's."""
        return self.tilt_range or c_arm().tilt_range

    def __str__(self) -> str:
        return (
            f"{self.name}: rotation {format_quantity(self.rotation)}, "
            f"tilt {format_quantity(self.tilt)}"
        )

    def _repr_markdown_(self) -> str:
        return (
            f"**{self.name}** (`{self.id}`): rotation {format_quantity(self.rotation)} "
            f"({self.rotation_limits}), tilt {format_quantity(self.tilt)} ({self.tilt_limits}). "
            f"{self.purpose}"
        )


@functools.cache
def standard_views() -> Mapping[str, FluoroscopyView]:
    """Return the standard views by id.

    Examples
    --------
    >>> list(standard_views())  # doctest: +NORMALIZE_WHITESPACE
    ['ap', 'lateral', 'ipsilateral-oblique', 'scotty-dog-oblique', 'contralateral-oblique',
     'caudal-tilt', 'cranial-tilt', 'tunnel-view']
    """
    rows = load_records(data_file(_FILE), FluoroscopyView, table="view")
    return MappingProxyType({row.id: row for row in rows})


def standard_view(view_id: str) -> FluoroscopyView:
    """Return the standard view ``view_id``.

    Raises
    ------
    UnknownViewError
        For an unknown id, with the nearest ids as suggestions (a ``KeyError`` and a
        ``ValueError``).

    Examples
    --------
    >>> print(standard_view("lateral"))
    lateral: rotation 90 deg, tilt 0 deg
    >>> standard_view("scotty dog")
    Traceback (most recent call last):
    ...
    interventional.imaging.fluoroscopy.UnknownViewError: view: unknown view 'scotty dog'; did you mean 'scotty-dog-oblique'?
    """
    views = standard_views()
    if view_id not in views:
        raise UnknownViewError("view", f"unknown view {view_id!r}", suggest(view_id, list(views)))
    return views[view_id]


class ContrastAction(ParsableEnum):
    """What a contrast pattern calls for."""

    PROCEED = "proceed"
    STOP_AND_REPOSITION = "stop-and-reposition"


@attrs.frozen(slots=True)
class ContrastPatternInfo:
    """The data behind a :class:`ContrastPattern`: appearance, meaning, action, sources."""

    id: str
    meaning: str
    action: ContrastAction = attrs.field(converter=ContrastAction)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    appearance: str | None = None


@functools.cache
def contrast_patterns() -> Mapping[str, ContrastPatternInfo]:
    """Return the contrast-pattern data by pattern value."""
    rows = load_records(data_file(_FILE), ContrastPatternInfo, table="contrast_pattern")
    return MappingProxyType({row.id: row for row in rows})


class ContrastPattern(ParsableEnum):
    """What injected contrast shows, and whether to proceed.

    Epidural, intra-articular and perineural spread are acceptable (when they are the
    intended target); vascular, intrathecal and subdural spread call for stopping and
    repositioning.

    Examples
    --------
    >>> [p.value for p in ContrastPattern if p.action is ContrastAction.PROCEED]
    ['epidural', 'intra-articular', 'perineural']
    >>> print(ContrastPattern.parse("intrathecal").appearance)
    a myelogram
    """

    EPIDURAL = "epidural"
    INTRA_ARTICULAR = "intra-articular"
    PERINEURAL = "perineural"
    VASCULAR = "vascular"
    INTRATHECAL = "intrathecal"
    SUBDURAL = "subdural"

    @property
    def info(self) -> ContrastPatternInfo:
        """The pattern's data record."""
        return contrast_patterns()[self.value]

    @property
    def action(self) -> ContrastAction:
        """Proceed, or stop and reposition."""
        return self.info.action

    @property
    def meaning(self) -> str:
        """Where the pattern says the injectate is."""
        return self.info.meaning

    @property
    def appearance(self) -> str | None:
        """What the pattern looks like, where the sources describe it."""
        return self.info.appearance

    @property
    def proceed(self) -> bool:
        """Whether the pattern allows proceeding."""
        return self.action is ContrastAction.PROCEED
