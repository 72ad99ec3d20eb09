"""Enum bases shared by every layer: text parsing with suggestions, and ordered enums.

Every closed set of the domain (regions, sides, modalities, bleeding-risk classes,
verdicts...) is an enum whose values are the lower-case words used in data files.
:meth:`ParsableEnum.parse` reads a member from its value or its name in any case, and
raises :class:`~interventional.errors.ValidationError` with the nearest valid values.

Examples
--------
>>> class Colour(ParsableEnum):
...     RED = "red"
...     DARK_BLUE = "dark-blue"
>>> Colour.parse("Dark_Blue")
<Colour.DARK_BLUE: 'dark-blue'>
>>> Colour.parse("rde")
Traceback (most recent call last):
...
interventional.errors.ValidationError: colour: 'rde' is not one of 'red', 'dark-blue'; did you mean 'red'?
>>> class Size(OrderedEnum):
...     SMALL = "small"
...     LARGE = "large"
>>> Size.SMALL < Size.LARGE, max(Size.LARGE, Size.SMALL)
(True, <Size.LARGE: 'large'>)
"""

from __future__ import annotations

import enum
import functools
import re
from typing import Self

from interventional.errors import ValidationError, suggest

__all__ = ["OrderedEnum", "ParsableEnum"]


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "-", text.strip().casefold())


def _field_name(cls: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


class ParsableEnum(enum.Enum):
    """An enum with string values that parses its values and names forgivingly."""

    # Members are singletons compared by identity (no str mixin): hashing by identity agrees
    # with equality and runs in C, where Enum's own __hash__ is a Python call. Members key
    # the atlas tables and the engine's caches.
    __hash__ = object.__hash__

    @classmethod
    def parse(cls, text: str | Self, *, field: str | None = None) -> Self:
        """Return the member whose value or name matches ``text`` (case and ``-``/``_`` folded).

        Parameters
        ----------
        text : str or member
            The value (``"left"``), the name (``"LEFT"``), or a member (returned as is).
        field : str, optional
            The field name used in the error message (default: the enum's name).

        Raises
        ------
        ValidationError
            With the nearest values as suggestions.
        """
        if isinstance(text, cls):
            return text
        if not isinstance(text, str):
            raise ValidationError(
                field or _field_name(cls), f"expected one of {cls._choices()}, got {text!r}"
            )
        member = cls._lookup().get(_fold(text))
        if member is None:
            raise ValidationError(
                field or _field_name(cls),
                f"{text!r} is not one of {cls._choices()}",
                suggest(text, [str(m.value) for m in cls]),
            )
        return member

    @classmethod
    def _choices(cls) -> str:
        return ", ".join(repr(m.value) for m in cls)

    @classmethod
    @functools.cache
    def _lookup(cls) -> dict[str, Self]:
        table: dict[str, Self] = {}
        for member in cls:
            table[_fold(member.name)] = member
            table[_fold(str(member.value))] = member
        for alias, value in cls._aliases().items():
            table.setdefault(_fold(alias), cls(value))
        return table

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        """Other spellings that parse, mapped to member values (override to add some)."""
        return {}

    def __str__(self) -> str:
        return str(self.value)


class OrderedEnum(ParsableEnum):
    """A :class:`ParsableEnum` whose members are ordered as they are defined."""

    rank: int
    """The position of the member, from 0 for the first (lowest)."""

    def __init__(self, *args: object) -> None:
        # Members are made in definition order: a member's rank is the number made before it
        # (a plain attribute: comparisons and sort keys read it without a call).
        self.rank = len(type(self)._member_names_)

    # The four comparisons are written out (not made by functools.total_ordering, whose
    # derived methods cost a call more each): ``max`` and ``sorted`` of verdicts are hot.
    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.rank >= other.rank
