"""Vertebral levels, segments, spinal nerves, regions and sides.

The spine is modelled as the ordered sequence of 30 levels C1-C7, T1-T12, L1-L5, S1-S5 and
Co1 (the coccyx as one level). A :class:`Segment` is two adjacent levels, the unit at which
discs, facet joints and foramina repeat. Spinal nerves are numbered differently from the
vertebrae in the neck (there are eight cervical nerves for seven vertebrae), and the rule
that says which nerve leaves through which foramen lives here and only here
(:func:`exiting_nerve`, :func:`foramen_of`).

References
----------
STATPEARLS : spine structure and exiting nerves (domain sheet anatomy_imaging.md, section 1).

Examples
--------
>>> L4 = VertebralLevel.parse("L4")
>>> L4.region, str(L4.next()), str(L4.previous())
(<Region.LUMBAR: 'lumbar'>, 'L5', 'L3')
>>> str(VertebralLevel.parse("C7").next()), str(VertebralLevel.parse("L5").next())
('T1', 'S1')
>>> seg = Segment.parse("L4-L5")
>>> str(seg.upper), str(seg.lower), exiting_nerve(seg)
('L4', 'L5', 'L4')
>>> exiting_nerve(Segment.parse("C4-C5")), exiting_nerve(Segment.parse("C7-T1"))
('C5', 'C8')
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Self

import attrs

from interventional._enums import ParsableEnum
from interventional.errors import ValidationError, suggest

__all__ = [
    "Region",
    "Segment",
    "Side",
    "SpinalNerveLevel",
    "VertebralLevel",
    "exiting_nerve",
    "foramen_of",
    "to_level",
    "to_region",
    "to_segment",
    "to_side",
]


class Region(ParsableEnum):
    """The regions of the spine, from the head down."""

    CERVICAL = "cervical"
    THORACIC = "thoracic"
    LUMBAR = "lumbar"
    SACRAL = "sacral"
    COCCYGEAL = "coccygeal"

    @property
    def prefix(self) -> str:
        """The letter(s) that start a level's name in this region (``"C"``, ..., ``"Co"``)."""
        return _PREFIX[self]

    @property
    def vertebrae(self) -> int:
        """How many vertebral levels the model gives this region."""
        return _VERTEBRAE[self]


_PREFIX = {
    Region.CERVICAL: "C",
    Region.THORACIC: "T",
    Region.LUMBAR: "L",
    Region.SACRAL: "S",
    Region.COCCYGEAL: "Co",
}
_VERTEBRAE = {
    Region.CERVICAL: 7,
    Region.THORACIC: 12,
    Region.LUMBAR: 5,
    Region.SACRAL: 5,
    Region.COCCYGEAL: 1,
}
# Spinal nerves per region: eight cervical nerves for seven cervical vertebrae.
_NERVES = {**_VERTEBRAE, Region.CERVICAL: 8}
_BY_PREFIX = {prefix.casefold(): region for region, prefix in _PREFIX.items()}
_NAME = re.compile(r"^\s*(co|[ctls])\s*(\d{1,2})\s*$", re.IGNORECASE)


class Side(ParsableEnum):
    """The side of the body; ``MIDLINE`` for unpaired structures, ``BILATERAL`` for plans."""

    LEFT = "left"
    RIGHT = "right"
    MIDLINE = "midline"
    BILATERAL = "bilateral"

    def mirror(self) -> Side:
        """The other side (``LEFT`` and ``RIGHT`` swap; the others stay).

        Examples
        --------
        >>> Side.LEFT.mirror()
        <Side.RIGHT: 'right'>
        """
        return {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}.get(self, self)

    @property
    def lateral(self) -> bool:
        """Whether this is a single side of the body (left or right)."""
        return self in (Side.LEFT, Side.RIGHT)


def to_region(value: Region | str) -> Region:
    """Attrs converter: a :class:`Region` from a member or its name."""
    return Region.parse(value)


def to_side(value: Side | str) -> Side:
    """Attrs converter: a :class:`Side` from a member or its name.

    Examples
    --------
    >>> to_side("Left")
    <Side.LEFT: 'left'>
    """
    return Side.parse(value)


def _offsets() -> dict[str, int]:
    offsets, index = {}, 0
    for region in Region:
        offsets[region._name_] = index
        index += _VERTEBRAE[region]
    return offsets


_OFFSET = _offsets()  # the index of each region's first level, by the region's name


def _ordinal(region: Region, number: int) -> int:
    return _OFFSET[region._name_] + number - 1


def _check_number(region: Region, number: int, count: int, what: str) -> None:
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count:
        prefix = region.prefix
        valid = f"{prefix}1-{prefix}{count}" if count > 1 else f"{prefix}1"
        raise ValidationError(
            what, f"{prefix}{number} does not exist; {region.value} {what}s are {valid}"
        )


@functools.total_ordering
@attrs.frozen(slots=True, order=False, repr=False)
class VertebralLevel:
    """One vertebra of the spine: ``C1``-``C7``, ``T1``-``T12``, ``L1``-``L5``, ``S1``-``S5``, ``Co1``.

    Levels are ordered from the head down (``C7 < T1``), hashable, and print as their name.

    Parameters
    ----------
    region : Region
        The region of the spine.
    number : int
        The number within the region, from 1.

    Raises
    ------
    ValidationError
        For a level that does not exist, e.g. ``L6`` or ``T13``.

    Examples
    --------
    >>> VertebralLevel.parse("t12") < VertebralLevel.parse("L1")
    True
    >>> VertebralLevel.parse("L6")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: level: L6 does not exist; lumbar levels are L1-L5; did you mean 'L5'?
    """

    region: Region = attrs.field(converter=to_region)
    number: int = attrs.field()

    @number.validator
    def _valid(self, _: attrs.Attribute[int], value: int) -> None:
        _check_number(self.region, value, self.region.vertebrae, "level")

    @classmethod
    def parse(cls, text: str | VertebralLevel) -> VertebralLevel:
        """Read a level from its name (case-insensitive), e.g. ``"L4"`` or ``"Co1"``."""
        if isinstance(text, VertebralLevel):
            return text
        match = _NAME.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValidationError(
                "level",
                f"{text!r} is not a vertebral level (write e.g. 'L4', 'C7', 'S1', 'Co1')",
                suggest(str(text), [str(level) for level in all_levels()]),
            )
        region = _BY_PREFIX[match.group(1).casefold()]
        number = int(match.group(2))
        try:
            return cls(region, number)
        except ValidationError as error:
            raise ValidationError(
                "level", error.reason, _near(region, number, region.vertebrae)
            ) from None

    @property
    def index(self) -> int:
        """Position in the spine from 0 (C1) to 29 (Co1)."""
        return _ordinal(self.region, self.number)

    def next(self) -> VertebralLevel:
        """The level below (toward the coccyx); ``Co1`` has none and raises ValidationError."""
        levels = all_levels()
        if self.index + 1 >= len(levels):
            raise ValidationError("level", f"{self} is the last level; there is none below it")
        return levels[self.index + 1]

    def previous(self) -> VertebralLevel:
        """The level above (toward the head); ``C1`` has none and raises ValidationError."""
        if self.index == 0:
            raise ValidationError("level", f"{self} is the first level; there is none above it")
        return all_levels()[self.index - 1]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, VertebralLevel):
            return NotImplemented
        return self.index < other.index

    def __str__(self) -> str:
        return f"{self.region.prefix}{self.number}"

    def __repr__(self) -> str:
        return f"VertebralLevel.parse({str(self)!r})"

    @classmethod
    def all(cls, region: Region | str | None = None) -> tuple[VertebralLevel, ...]:
        """Every level from C1 to Co1, or those of one region.

        Examples
        --------
        >>> [str(level) for level in VertebralLevel.all("lumbar")]
        ['L1', 'L2', 'L3', 'L4', 'L5']
        """
        if region is None:
            return all_levels()
        wanted = Region.parse(region)
        return tuple(level for level in all_levels() if level.region is wanted)


def _near(region: Region, number: int, count: int) -> tuple[str, ...]:
    nearest = min(max(number, 1), count)
    return (f"{region.prefix}{nearest}",)


def to_level(value: VertebralLevel | str) -> VertebralLevel:
    """Attrs converter: a :class:`VertebralLevel` from a level or its name."""
    return VertebralLevel.parse(value)


@functools.cache
def all_levels() -> tuple[VertebralLevel, ...]:
    """Every vertebral level, C1 to Co1, in order."""
    return tuple(
        VertebralLevel(region, number)
        for region in Region
        for number in range(1, region.vertebrae + 1)
    )


@functools.total_ordering
@attrs.frozen(slots=True, order=False, repr=False)
class Segment:
    """Two adjacent vertebral levels, e.g. ``L4-L5``, ``C7-T1`` or ``L5-S1``.

    A segment is where a disc, a pair of facet joints and a pair of foramina sit. Its
    ``region`` is the region of its upper level (``C7-T1`` is cervical, ``L5-S1`` lumbar).

    Raises
    ------
    ValidationError
        When the levels are not adjacent, e.g. ``L3-L5``, or are given lower first.

    Examples
    --------
    >>> Segment.parse("L5-S1").region
    <Region.LUMBAR: 'lumbar'>
    >>> Segment.parse("L3-L5")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: segment: L3 and L5 are not adjacent; a segment joins two neighbouring levels; did you mean 'L3-L4', 'L4-L5'?
    """

    upper: VertebralLevel = attrs.field(converter=to_level)
    lower: VertebralLevel = attrs.field(converter=to_level)

    @lower.validator
    def _adjacent(self, _: attrs.Attribute[VertebralLevel], value: VertebralLevel) -> None:
        if value.index != self.upper.index + 1:
            options = []
            if self.upper.index + 1 < len(all_levels()):
                options.append(f"{self.upper}-{self.upper.next()}")
            if value.index > 0:
                options.append(f"{value.previous()}-{value}")
            raise ValidationError(
                "segment",
                f"{self.upper} and {value} are not adjacent; a segment joins two neighbouring levels",
                options,
            )

    @classmethod
    def parse(cls, text: str | Segment) -> Segment:
        """Read a segment from text such as ``"L4-L5"`` (case-insensitive; ``/`` also works)."""
        if isinstance(text, Segment):
            return text
        parts = _split_segment(text) if isinstance(text, str) else []
        if len(parts) != 2:
            raise ValidationError(
                "segment",
                f"{text!r} is not a segment (write two adjacent levels, e.g. 'L4-L5')",
                suggest(str(text), [str(s) for s in all_segments()]),
            )
        return cls(VertebralLevel.parse(parts[0]), VertebralLevel.parse(parts[1]))

    @property
    def region(self) -> Region:
        """The region of the upper level."""
        return self.upper.region

    @property
    def index(self) -> int:
        """Position from 0 (C1-C2) to 28 (S5-Co1)."""
        return self.upper.index

    def next(self) -> Segment:
        """The segment below; ``S5-Co1`` has none and raises ValidationError."""
        return Segment(self.lower, self.lower.next())

    def previous(self) -> Segment:
        """The segment above; ``C1-C2`` has none and raises ValidationError."""
        return Segment(self.upper.previous(), self.upper)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return self.index < other.index

    def __str__(self) -> str:
        return f"{self.upper}-{self.lower}"

    def __repr__(self) -> str:
        return f"Segment.parse({str(self)!r})"

    @classmethod
    def all(cls, region: Region | str | None = None) -> tuple[Segment, ...]:
        """Every segment from C1-C2 to S5-Co1, or those whose upper level is in ``region``."""
        if region is None:
            return all_segments()
        wanted = Region.parse(region)
        return tuple(seg for seg in all_segments() if seg.region is wanted)


def _split_segment(text: str) -> list[str]:
    """The parts of ``text`` around ``-``, ``/`` or ``–``, without surrounding whitespace.

    (String methods rather than a regular expression: compiling one with the en dash takes
    longer than all the segments of the atlas take to read.)
    """
    joined = text.replace("/", "-").replace("–", "-")
    return [part.strip() for part in joined.split("-")]


def to_segment(value: Segment | str) -> Segment:
    """Attrs converter: a :class:`Segment` from a segment or its name."""
    return Segment.parse(value)


@functools.cache
def all_segments() -> tuple[Segment, ...]:
    """Every segment, C1-C2 to S5-Co1, in order."""
    levels = all_levels()
    return tuple(Segment(a, b) for a, b in itertools.pairwise(levels))


@functools.total_ordering
@attrs.frozen(slots=True, order=False, repr=False)
class SpinalNerveLevel:
    """The number of a spinal nerve: ``C1``-``C8``, ``T1``-``T12``, ``L1``-``L5``, ``S1``-``S5``, ``Co1``.

    Examples
    --------
    >>> str(SpinalNerveLevel.parse("C8")), SpinalNerveLevel.parse("c8").region
    ('C8', <Region.CERVICAL: 'cervical'>)
    """

    region: Region = attrs.field(converter=to_region)
    number: int = attrs.field()

    @number.validator
    def _valid(self, _: attrs.Attribute[int], value: int) -> None:
        _check_number(self.region, value, _NERVES[self.region], "spinal nerve")

    @classmethod
    def parse(cls, text: str | SpinalNerveLevel) -> SpinalNerveLevel:
        """Read a nerve number such as ``"C8"`` or ``"L4"``."""
        if isinstance(text, SpinalNerveLevel):
            return text
        match = _NAME.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValidationError(
                "spinal nerve", f"{text!r} is not a spinal nerve (e.g. 'C8', 'L4')"
            )
        region = _BY_PREFIX[match.group(1).casefold()]
        number = int(match.group(2))
        try:
            return cls(region, number)
        except ValidationError as error:
            raise ValidationError(
                "spinal nerve", error.reason, _near(region, number, _NERVES[region])
            ) from None

    def __str__(self) -> str:
        return f"{self.region.prefix}{self.number}"

    def __repr__(self) -> str:
        return f"SpinalNerveLevel.parse({str(self)!r})"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SpinalNerveLevel):
            return NotImplemented
        return (list(Region).index(self.region), self.number) < (
            list(Region).index(other.region),
            other.number,
        )

    @classmethod
    def all(cls) -> tuple[Self, ...]:
        """Every spinal nerve, C1 to Co1: 31 pairs."""
        return tuple(
            cls(region, number) for region in Region for number in range(1, _NERVES[region] + 1)
        )


def exiting_nerve(segment: Segment | str) -> str | None:
    """The spinal nerve that leaves through the intervertebral foramen of ``segment``.

    Cervical nerves exit above the vertebra of their number (C5 through C4-C5), so C8 exits
    through C7-T1; from T1 down, each nerve exits below its own vertebra (L4 through L4-L5).
    Sacral and coccygeal nerves leave through the sacral foramina and the sacral hiatus, not
    through a segment's intervertebral foramen, so sacral segments give ``None``.

    References
    ----------
    STATPEARLS

    Examples
    --------
    >>> [exiting_nerve(s) for s in ("C1-C2", "C6-C7", "T1-T2", "L5-S1", "S1-S2")]
    ['C2', 'C7', 'T1', 'L5', None]
    """
    seg = Segment.parse(segment)
    upper = seg.upper
    if upper.region is Region.CERVICAL:
        return f"C{upper.number + 1}"
    if upper.region in (Region.THORACIC, Region.LUMBAR):
        return str(upper)
    return None


def foramen_of(nerve: SpinalNerveLevel | str) -> Segment | None:
    """The segment whose intervertebral foramen the spinal nerve ``nerve`` exits through.

    The inverse of :func:`exiting_nerve`; ``C1`` (which leaves between the occiput and the
    atlas) and the sacral and coccygeal nerves have no intervertebral foramen and give ``None``.

    Examples
    --------
    >>> str(foramen_of("C5")), str(foramen_of("C8")), str(foramen_of("L4")), foramen_of("S1")
    ('C4-C5', 'C7-T1', 'L4-L5', None)
    """
    parsed = SpinalNerveLevel.parse(nerve)
    if parsed.region is Region.CERVICAL:
        if parsed.number == 1:
            return None
        # The segment whose upper level is the vertebra above: C5 exits through C4-C5.
        return all_segments()[_ordinal(Region.CERVICAL, parsed.number - 1)]
    if parsed.region in (Region.THORACIC, Region.LUMBAR):
        return all_segments()[_ordinal(parsed.region, parsed.number)]  # L4 through L4-L5
    return None
