"""Corticosteroid equivalence: :func:`equivalent_dose` and cumulative methylprednisolone equivalents.

Equivalent doses are data (``pharmacology/data/corticosteroids.toml``): for each steroid the
dose with the anti-inflammatory effect of the reference anchors (hydrocortisone 20 mg,
prednisone 5 mg). Two steroids are equipotent at doses in the ratio of their equivalents.
Where sources disagree the smaller equivalent (higher potency) is kept, so that cumulative
exposure is never under-counted; each record's ``note`` names both values.

The fact sheet's engine suggestion tracks cumulative steroid in methylprednisolone
equivalents (MPE = mg x 4 / equivalent of the agent), counting every injected steroid.

Examples
--------
>>> from interventional.pharmacology import Dose, equivalent_dose, methylprednisolone_equivalent
>>> equivalent_dose(Dose("Kenalog", "40 mg"), to="methylprednisolone")
<Quantity(40.0, 'milligram')>
>>> equivalent_dose(Dose("methylprednisolone", "80 mg"))
<Quantity(12.0, 'milligram')>
>>> methylprednisolone_equivalent([Dose("dexamethasone", "6 mg"), Dose("triamcinolone", "40 mg")])
<Quantity(80.0, 'milligram')>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from interventional._data import DataSource, DataTable
from interventional.errors import ValidationError
from interventional.pharmacology._common import Confidence, NoSourcedValueError, to_confidence
from interventional.pharmacology.dose import Dose
from interventional.pharmacology.drugs import Drug, DrugClass, drug
from interventional.references import Reference, to_references
from interventional.units import Q_, Quantity, canonical_quantity

__all__ = [
    "CorticosteroidEquivalence",
    "corticosteroid_equivalence",
    "corticosteroid_equivalences",
    "equivalent_dose",
    "load_corticosteroid_equivalences",
    "methylprednisolone_equivalent",
]

_METHYLPREDNISOLONE = "methylprednisolone-acetate"


def _round(value: float) -> float:
    return float(f"{value:.12g}")


def _corticosteroid_name(value: str | Drug) -> str:
    found = drug(value)
    if found.drug_class is not DrugClass.CORTICOSTEROID:
        raise ValidationError(
            "drug", f"{found.name} is a {found.drug_class.value}, not a corticosteroid"
        )
    return found.name


def _to_equivalent(value: object) -> Quantity:
    quantity = canonical_quantity(value, "mg", field="equivalent")
    if not quantity.magnitude > 0:
        raise ValidationError("equivalent", f"must be positive, got {quantity}")
    return quantity


def _cites(
    instance: object, attribute: attrs.Attribute[tuple[Reference, ...]], value: object
) -> None:
    if not value:
        raise ValidationError(attribute.name, "every equivalence cites at least one source")


@attrs.frozen(slots=True)
class CorticosteroidEquivalence:
    """The anti-inflammatory equivalent dose of one corticosteroid.

    Parameters
    ----------
    drug : str
        The generic id of a corticosteroid (aliases are converted).
    equivalent : Quantity or str
        The dose equivalent to hydrocortisone 20 mg / prednisone 5 mg (``"4 mg"``).
    confidence : Confidence
        How well the figure is sourced.
    note : str, optional
        Disagreements between sources and the choice made.
    references : tuple of Reference
        The sources.

    Examples
    --------
    >>> from interventional.pharmacology import corticosteroid_equivalence
    >>> str(corticosteroid_equivalence("Depo-Medrol").equivalent)
    '4 mg'
    """

    drug: str = attrs.field(converter=_corticosteroid_name)
    equivalent: Quantity = attrs.field(converter=_to_equivalent)
    confidence: Confidence = attrs.field(default=Confidence.LOW, converter=to_confidence)
    note: str | None = attrs.field(default=None)
    references: tuple[Reference, ...] = attrs.field(
        factory=tuple, converter=to_references, validator=_cites
    )


_TABLE = DataTable(
    "interventional.pharmacology",
    "corticosteroids.toml",
    CorticosteroidEquivalence,
    table="equivalence",
    key="drug",
)


def load_corticosteroid_equivalences(source: DataSource) -> tuple[CorticosteroidEquivalence, ...]:
    """Load ``[[equivalence]]`` records (the schema of ``pharmacology/data/corticosteroids.toml``).

    Raises
    ------
    CatalogError
        Naming the file, record and field of the first problem (also a duplicate drug).
    """
    return _TABLE.load(source)


def corticosteroid_equivalences() -> Mapping[str, CorticosteroidEquivalence]:
    """Return the built-in equivalences keyed by generic drug id (read once).

    Examples
    --------
    >>> from interventional.pharmacology import corticosteroid_equivalences
    >>> "triamcinolone-acetonide" in corticosteroid_equivalences()
    True
    """
    return _TABLE.records()


def corticosteroid_equivalence(name: str | Drug) -> CorticosteroidEquivalence:
    """Return the equivalence record of a corticosteroid.

    Raises
    ------
    UnknownDrugError
        When the name is not a drug.
    ValidationError
        When the drug is not a corticosteroid (field ``drug``).
    NoSourcedValueError
        When the library holds no sourced equivalent for it.
    """
    generic = _corticosteroid_name(name)
    record = _TABLE.get(generic)
    if record is None:
        raise NoSourcedValueError(f"no sourced equivalent dose of {generic}")
    return record


def _amount_mg(dose: Dose) -> float:
    if not isinstance(dose, Dose):
        raise ValidationError("dose", f"expected a Dose, got {dose!r}")
    if dose.amount is None:
        raise ValidationError(
            "dose", f"the {dose.drug.name} dose gives a volume without a concentration"
        )
    return dose.amount_in("mg")


def equivalent_dose(dose: Dose, to: str | Drug = "dexamethasone") -> Quantity:
    """Return the dose of ``to`` with the anti-inflammatory effect of ``dose``.

    Parameters
    ----------
    dose : Dose
        A corticosteroid dose with an amount (or volume and concentration).
    to : str or Drug, optional
        The corticosteroid to express it in (generic id or alias).

    Returns
    -------
    Quantity
        The equivalent amount in mg.

    Raises
    ------
    ValidationError
        When a drug is not a corticosteroid (field ``drug``) or the dose has no amount.
    NoSourcedValueError
        When a steroid has no sourced equivalent.

    References
    ----------
    GLOBALRPH, FORMULARY (see each record's references).

    Examples
    --------
    >>> from interventional.pharmacology import Dose, equivalent_dose
    >>> equivalent_dose(Dose("dexamethasone", "10 mg"), to="triamcinolone")
    <Quantity(66.667, 'milligram')>
    >>> equivalent_dose(Dose("lidocaine", "10 mg"))
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: drug: lidocaine is a local-anesthetic, not a corticosteroid
    """
    source = corticosteroid_equivalence(dose.drug if isinstance(dose, Dose) else dose)
    target = corticosteroid_equivalence(to)
    ratio = float(target.equivalent.to("mg").magnitude / source.equivalent.to("mg").magnitude)
    return Q_(_round(_amount_mg(dose) * ratio), "mg")


def methylprednisolone_equivalent(doses: Dose | Iterable[Dose]) -> Quantity:
    """Return the total corticosteroid of ``doses`` in methylprednisolone equivalents (mg).

    Every corticosteroid dose counts (epidural, joint, soft tissue); other drugs are
    ignored. MPE = mg x 4 / equivalent of the agent (fact sheet 4b).

    Parameters
    ----------
    doses : Dose or iterable of Dose
        The injectates of one or more procedures.

    Returns
    -------
    Quantity
        Methylprednisolone equivalents in mg (0 mg when there is no corticosteroid).

    Raises
    ------
    ValidationError
        When a corticosteroid dose has no amount.
    NoSourcedValueError
        When a steroid has no sourced equivalent.

    Examples
    --------
    >>> from interventional.pharmacology import Dose, methylprednisolone_equivalent
    >>> methylprednisolone_equivalent(Dose("betamethasone-acetate-sodium-phosphate", "12 mg"))
    <Quantity(80.0, 'milligram')>
    """
    items = [doses] if isinstance(doses, Dose) else list(doses)
    total = 0.0
    for dose in items:
        if not isinstance(dose, Dose):
            raise ValidationError("doses", f"expected Dose objects, got {dose!r}")
        if dose.drug.drug_class is DrugClass.CORTICOSTEROID:
            total += float(equivalent_dose(dose, to=_METHYLPREDNISOLONE).to("mg").magnitude)
    return Q_(_round(total), "mg")
