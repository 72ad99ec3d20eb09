"""The bleeding-risk classes of interventional pain procedures (ASRA 2018)."""

from __future__ import annotations

from interventional._enums import OrderedEnum

__all__ = ["BleedingRisk"]


class BleedingRisk(OrderedEnum):
    """The ASRA 2018 classification of a pain procedure's risk of serious bleeding.

    Ordered ``LOW < INTERMEDIATE < HIGH``. A patient at high bleeding risk has a procedure
    handled one class higher (:meth:`upgraded`).

    References
    ----------
    N2018, UTD-RISK

    Examples
    --------
    >>> BleedingRisk.LOW < BleedingRisk.INTERMEDIATE < BleedingRisk.HIGH
    True
    >>> BleedingRisk.parse("intermediate").upgraded()
    <BleedingRisk.HIGH: 'high'>
    """

    LOW = "low"
    INTERMEDIATE = "intermediate"
    HIGH = "high"

    def upgraded(self) -> BleedingRisk:
        """The class one step higher (``HIGH`` stays ``HIGH``)."""
        return _BY_RANK[min(self._rank + 1, len(_BY_RANK) - 1)]


_BY_RANK = tuple(BleedingRisk)
"""The classes from the lowest: ``upgraded`` steps along it."""
