"""Plausibility bounds: the values a measurement of a person can have at all.

A weight of 8200 kg, an age of 450 years or an INR of 1e308 is not a rare patient but a
typing or unit error, and an assessment built on it would be wrong in ways no rule can
see. The bounds are data (``safety/data/plausibility.toml``), each with its sources: the
extremes ever verified (the oldest verified age, the smallest surviving newborn, the
heaviest person recorded), never clinical limits, so that no real person is rejected.
:class:`~interventional.safety.Patient` and :class:`~interventional.safety.LabResult`
check them when they are built and raise
:class:`~interventional.errors.ImplausibleValueError`.

Examples
--------
>>> from interventional.safety.plausibility import check_plausible
>>> check_plausible("weight", 82.0)
>>> check_plausible("weight", 8200.0)
Traceback (most recent call last):
...
interventional.errors.ImplausibleValueError: weight: 8200 kg is not a plausible value: from 212 g, ...
"""

from __future__ import annotations

import functools
from importlib import resources

import attrs

from interventional._data import load_records
from interventional.errors import ImplausibleValueError
from interventional.references import Reference, to_references

__all__ = ["PlausibilityBound", "check_plausible", "plausibility_bounds"]

_DATA = resources.files("interventional.safety") / "data" / "plausibility.toml"


@attrs.frozen(slots=True)
class PlausibilityBound:
    """The range a measured value of a person can have (a record of ``plausibility.toml``).

    Parameters
    ----------
    field : str
        ``"age"``, ``"weight"`` or ``"labs.<lab name>"`` (e.g. ``"labs.inr"``).
    unit : str
        The unit of ``low`` and ``high``.
    what : str
        The bound in plain words, with what it comes from.
    references : tuple of Reference
        The sources.
    low, high : float, optional
        The bounds (inclusive); ``None`` for no bound on that side.
    from_age : float, optional
        The bound applies from this age (years) on; ``None`` for every age.
    """

    field: str
    unit: str
    what: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    low: float | None = None
    high: float | None = None
    from_age: float | None = None

    def applies(self, age_years: float | None) -> bool:
        """Whether the bound applies to a person of this age (``None``: age not known)."""
        if self.from_age is None:
            return True
        return age_years is not None and age_years >= self.from_age

    def contains(self, magnitude: float) -> bool:
        """Whether a value in :attr:`unit` lies within the bound."""
        return (self.low is None or magnitude >= self.low) and (
            self.high is None or magnitude <= self.high
        )


@functools.cache
def plausibility_bounds() -> tuple[PlausibilityBound, ...]:
    """Every bound of ``safety/data/plausibility.toml`` (loaded once)."""
    return load_records(_DATA, PlausibilityBound, table="bound", key=None)


@functools.cache
def _by_field() -> dict[str, tuple[PlausibilityBound, ...]]:
    out: dict[str, list[PlausibilityBound]] = {}
    for bound in plausibility_bounds():
        out.setdefault(bound.field, []).append(bound)
    return {field: tuple(bounds) for field, bounds in out.items()}


def check_plausible(
    field: str, magnitude: float, *, age_years: float | None = None, name: str | None = None
) -> None:
    """Raise when a value lies outside a plausibility bound of its field.

    Parameters
    ----------
    field : str
        The bounded field (``"age"``, ``"weight"``, ``"labs.inr"``).
    magnitude : float
        The value in the bound's unit (years, kg, a plain ratio).
    age_years : float, optional
        The person's age, for the bounds that apply from an age on.
    name : str, optional
        The field as the error names it (default ``field``).

    Raises
    ------
    ImplausibleValueError
        Naming the field, the value, the bound and its sources.
    """
    for bound in _by_field().get(field, ()):
        if bound.applies(age_years) and not bound.contains(magnitude):
            unit = "" if bound.unit == "1" else f" {bound.unit}"
            raise ImplausibleValueError(
                name or field,
                f"{magnitude:g}{unit}",
                bound.what,
                [ref.key for ref in bound.references],
            )
