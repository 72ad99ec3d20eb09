"""Pieces shared by the pharmacology data records: confidence grades and the missing-fact error."""

from __future__ import annotations

from interventional._enums import OrderedEnum
from interventional.errors import InterventionalError

__all__ = ["Confidence", "NoSourcedValueError", "to_confidence"]


class Confidence(OrderedEnum):
    """How well a value is sourced (the fact sheets' scale), from LOW to HIGH.

    Examples
    --------
    >>> to_confidence("MED") is Confidence.MEDIUM
    True
    >>> Confidence.LOW < Confidence.HIGH
    True
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def to_confidence(value: str | Confidence) -> Confidence:
    """Convert text to a :class:`Confidence` (attrs converter); ``"med"`` means medium."""
    if isinstance(value, str) and value.strip().casefold() == "med":
        return Confidence.MEDIUM
    return Confidence.parse(value, field="confidence")


class NoSourcedValueError(InterventionalError, LookupError):
    """The library holds no sourced value for what was asked (it never guesses one).

    A fail-safe caller treats this as "not known", never as "no limit".

    Examples
    --------
    >>> error = NoSourcedValueError("no sourced maximum dose of articaine")
    >>> isinstance(error, LookupError), str(error)
    (True, 'no sourced maximum dose of articaine')
    """
