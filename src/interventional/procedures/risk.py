"""The bleeding-risk classes of interventional pain procedures (ASRA 2018) and their basis."""

from __future__ import annotations

import attrs

from interventional._enums import OrderedEnum
from interventional.errors import ValidationError
from interventional.references import Reference, to_references

__all__ = ["BleedingRisk", "RiskBasis"]


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
        return _BY_RANK[min(self.rank + 1, len(_BY_RANK) - 1)]


_BY_RANK = tuple(BleedingRisk)
"""The classes from the lowest: ``upgraded`` steps along it."""


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("bleeding_risk_basis", f"expected text, got {value!r}")
    return value.strip()


@attrs.frozen(slots=True)
class RiskBasis:
    """Where a procedure's bleeding-risk class comes from.

    The ASRA 2018 pain guideline classifies procedures in one table (Narouze et al. 2018,
    table 1: high-, intermediate- and low-risk procedures). A procedure named there carries
    the ``row`` it is named in. A procedure the table does not name carries ``inferred``:
    the reasoning that gives its class, and the ``row`` of the procedure it is likened to
    where there is one (an RF ablation taken like the block on the same nerve, say).

    Parameters
    ----------
    row : str
        The row of the ASRA 2018 table the class is read from (empty when no row applies).
    inferred : str
        Why the class holds for a procedure the table does not name (empty when named).
    references : tuple of Reference
        The sources of the row or of the reasoning.

    Examples
    --------
    >>> basis = RiskBasis(row="Peripheral nerve blocks", references=["N2018", "UTD-RISK"])
    >>> basis.is_inferred
    False
    >>> RiskBasis(inferred="Not in the table; like a peripheral nerve block.",
    ...           references=["N2018"]).is_inferred
    True
    >>> RiskBasis(references=["N2018"])
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: bleeding_risk_basis: give the row of the ASRA 2018 table, or the reasoning when the class is inferred
    """

    row: str = attrs.field(default="", converter=_text)
    inferred: str = attrs.field(default="", converter=_text)
    references: tuple[Reference, ...] = attrs.field(default=(), converter=to_references)

    def __attrs_post_init__(self) -> None:
        if not self.row and not self.inferred:
            raise ValidationError(
                "bleeding_risk_basis",
                "give the row of the ASRA 2018 table, or the reasoning when the class is inferred",
            )
        if not self.references:
            raise ValidationError("bleeding_risk_basis", "the basis of a class must cite a source")

    @property
    def is_inferred(self) -> bool:
        """Whether the class is inferred (the table does not name the procedure)."""
        return bool(self.inferred)

    def __str__(self) -> str:
        if self.is_inferred:
            return f"inferred: {self.inferred}"
        return f"ASRA 2018: {self.row}"
