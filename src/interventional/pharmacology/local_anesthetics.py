"""Local anaesthetic maximum doses by body weight, and the totals of a plan's injectates.

The maxima are data (``pharmacology/data/local_anesthetics.toml``): per kilogram of body
weight without and with epinephrine, and the absolute caps. :func:`max_dose` returns the
weight-based figure capped by the absolute maximum. Where the sources disagree the lower
maximum is kept, and each record's ``note`` says which values were weighed.

Published maxima are not evidence-based (Rosenberg 2004, ``ROSENBERG04``): they are single
doses for a healthy adult; doses should be reduced in late pregnancy, old age, uraemia and
for repeated dosing, and ideal or lean body weight used in obesity.

Examples
--------
>>> from interventional.pharmacology import Dose, local_anesthetic_totals, max_dose
>>> max_dose("lidocaine", "60 kg")
<Quantity(270.0, 'milligram')>
>>> max_dose("lidocaine", "100 kg", epinephrine=True)
<Quantity(500.0, 'milligram')>
>>> doses = [Dose("lidocaine", volume="5 mL", concentration="1 %"), Dose("Xylocaine", "20 mg")]
>>> {d.name: str(q) for d, q in local_anesthetic_totals(doses).items()}
{'lidocaine': '70.0 mg'}
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs
import pint

from interventional._data import DataSource, DataTable
from interventional.errors import ValidationError
from interventional.pharmacology._common import Confidence, NoSourcedValueError, to_confidence
from interventional.pharmacology.dose import Dose
from interventional.pharmacology.drugs import Drug, DrugClass, drug
from interventional.references import Reference, to_references
from interventional.units import Q_, Quantity, as_quantity, canonical_quantity

__all__ = [
    "LocalAnestheticLimit",
    "load_local_anesthetic_limits",
    "local_anesthetic_limit",
    "local_anesthetic_limits",
    "local_anesthetic_totals",
    "max_dose",
]


def _to_per_kg(value: object) -> Quantity | None:
    return None if value is None else canonical_quantity(value, "mg/kg", field="per_kg")


def _to_per_kg_with_epinephrine(value: object) -> Quantity | None:
    if value is None:
        return None
    return canonical_quantity(value, "mg/kg", field="per_kg_with_epinephrine")


def _to_cap(value: object) -> Quantity | None:
    return None if value is None else canonical_quantity(value, "mg", field="cap")


def _to_cap_with_epinephrine(value: object) -> Quantity | None:
    return None if value is None else canonical_quantity(value, "mg", field="cap_with_epinephrine")


def _to_daily_cap(value: object) -> Quantity | None:
    return None if value is None else canonical_quantity(value, "mg", field="daily_cap")


def _round(value: float) -> float:
    return float(f"{value:.12g}")


def _local_anesthetic_name(value: str | Drug) -> str:
    found = drug(value)
    if found.drug_class is not DrugClass.LOCAL_ANESTHETIC:
        raise ValidationError(
            "drug", f"{found.name} is a {found.drug_class.value}, not a local anesthetic"
        )
    return found.name


def _positive(instance: object, attribute: attrs.Attribute[Quantity | None], value: object) -> None:
    if isinstance(value, pint.Quantity) and not value.magnitude > 0:
        raise ValidationError(attribute.name, f"must be positive, got {value}")


def _no_lower_with_epinephrine(limit: LocalAnestheticLimit) -> None:
    pairs = (
        ("per_kg_with_epinephrine", limit.per_kg, limit.per_kg_with_epinephrine),
        ("cap_with_epinephrine", limit.cap, limit.cap_with_epinephrine),
    )
    for name, plain, with_epinephrine in pairs:
        if plain is not None and with_epinephrine is not None and with_epinephrine < plain:
            raise ValidationError(
                name, f"{with_epinephrine} is lower than the plain figure {plain}"
            )


@attrs.frozen(slots=True)
class LocalAnestheticLimit:
    """The sourced maximum single dose of one local anaesthetic (healthy adult).

    Parameters
    ----------
    drug : str
        The generic id of a local anaesthetic (aliases are converted).
    per_kg, per_kg_with_epinephrine : Quantity or str, optional
        Maximum per kg of body weight, plain and with epinephrine (``"4.5 mg/kg"``). A
        missing figure with epinephrine means the plain one applies.
    cap, cap_with_epinephrine : Quantity or str, optional
        Absolute maxima, plain and with epinephrine (``"300 mg"``).
    daily_cap : Quantity or str, optional
        Maximum over 24 hours, where a source gives one.
    confidence : Confidence
        How well the figures are sourced.
    note : str, optional
        Disagreements between sources and the choice made.
    references : tuple of Reference
        The sources.

    Examples
    --------
    >>> from interventional.pharmacology import local_anesthetic_limit
    >>> limit = local_anesthetic_limit("Marcaine")
    >>> limit.drug, str(limit.per_kg), str(limit.cap), limit.confidence
    ('bupivacaine', '2 mg / kg', '175 mg', <Confidence.MEDIUM: 'medium'>)
    """

    drug: str = attrs.field(converter=_local_anesthetic_name)
    per_kg: Quantity | None = attrs.field(default=None, converter=_to_per_kg, validator=_positive)
    per_kg_with_epinephrine: Quantity | None = attrs.field(
        default=None,
        converter=_to_per_kg_with_epinephrine,
        validator=_positive,
    )
    cap: Quantity | None = attrs.field(default=None, converter=_to_cap, validator=_positive)
    cap_with_epinephrine: Quantity | None = attrs.field(
        default=None,
        converter=_to_cap_with_epinephrine,
        validator=_positive,
    )
    daily_cap: Quantity | None = attrs.field(
        default=None, converter=_to_daily_cap, validator=_positive
    )
    confidence: Confidence = attrs.field(default=Confidence.LOW, converter=to_confidence)
    note: str | None = attrs.field(default=None)
    references: tuple[Reference, ...] = attrs.field(factory=tuple, converter=to_references)

    def __attrs_post_init__(self) -> None:
        _no_lower_with_epinephrine(self)
        if not self.references:
            raise ValidationError("references", "every limit cites at least one source")

    def per_kg_for(self, *, epinephrine: bool) -> Quantity | None:
        """The per-kg maximum that applies (the plain one when none is given with epinephrine)."""
        if epinephrine and self.per_kg_with_epinephrine is not None:
            return self.per_kg_with_epinephrine
        return self.per_kg

    def max_mg(self, weight_kg: float, *, epinephrine: bool = False) -> float:
        """The maximum single dose in mg for a body weight in kg (see :func:`max_dose`).

        Raises
        ------
        NoSourcedValueError
            When no sourced per-kg maximum and cap exist for the drug.

        Examples
        --------
        >>> from interventional.pharmacology import local_anesthetic_limit
        >>> local_anesthetic_limit("lidocaine").max_mg(70.0)
        300.0
        """
        per_kg, cap = self._in_mg[epinephrine]
        if per_kg is None or cap is None:
            raise NoSourcedValueError(
                f"no sourced weight-based maximum and cap of {self.drug}; the library does not "
                "guess one"
            )
        return _round(min(per_kg * weight_kg, cap))

    @functools.cached_property
    def _in_mg(self) -> dict[bool, tuple[float | None, float | None]]:
        """The per-kg maximum (mg/kg) and the cap (mg) as numbers, without and with epinephrine."""

        def number(value: Quantity | None, unit: str) -> float | None:
            return None if value is None else float(value.to(unit).magnitude)

        return {
            with_epinephrine: (
                number(self.per_kg_for(epinephrine=with_epinephrine), "mg/kg"),
                number(self.cap_for(epinephrine=with_epinephrine), "mg"),
            )
            for with_epinephrine in (False, True)
        }

    def cap_for(self, *, epinephrine: bool) -> Quantity | None:
        """The absolute cap that applies (the plain one when none is given with epinephrine)."""
        if epinephrine and self.cap_with_epinephrine is not None:
            return self.cap_with_epinephrine
        return self.cap


_TABLE = DataTable(
    "interventional.pharmacology",
    "local_anesthetics.toml",
    LocalAnestheticLimit,
    table="limit",
    key="drug",
)


def load_local_anesthetic_limits(source: DataSource) -> tuple[LocalAnestheticLimit, ...]:
    """Load ``[[limit]]`` records (the schema of ``pharmacology/data/local_anesthetics.toml``).

    Raises
    ------
    CatalogError
        Naming the file, record and field of the first problem (also a duplicate drug).
    """
    return _TABLE.load(source)


def local_anesthetic_limits() -> Mapping[str, LocalAnestheticLimit]:
    """Return the built-in limits keyed by generic drug id (read once).

    Examples
    --------
    >>> from interventional.pharmacology import local_anesthetic_limits
    >>> sorted(local_anesthetic_limits())[:3]
    ['bupivacaine', 'chloroprocaine', 'levobupivacaine']
    """
    return _TABLE.records()


def local_anesthetic_limit(name: str | Drug) -> LocalAnestheticLimit:
    """Return the sourced limit record of a local anaesthetic.

    Raises
    ------
    UnknownDrugError
        When the name is not a drug.
    ValidationError
        When the drug is not a local anaesthetic (field ``drug``).
    NoSourcedValueError
        When the library holds no sourced maximum for it.
    """
    found = drug(name)
    generic = _local_anesthetic_name(found)
    limit = _TABLE.get(generic)
    if limit is None:
        raise NoSourcedValueError(
            f"no sourced maximum dose of {found.name}; the library does not guess one"
        )
    return limit


def max_dose(name: str | Drug, weight: object, epinephrine: bool = False) -> Quantity:
    """Return the maximum recommended single dose of a local anaesthetic for a body weight.

    The weight-based figure (mg/kg times weight) capped by the absolute maximum, without or
    with epinephrine; a drug without a figure with epinephrine uses the plain one.

    Parameters
    ----------
    name : str or Drug
        A local anaesthetic (generic id or alias).
    weight : Quantity or str
        Body weight (``"70 kg"``, ``"154 lb"``); use ideal or lean body weight in obesity.
    epinephrine : bool, optional
        Whether the solution contains epinephrine.

    Returns
    -------
    Quantity
        The maximum in mg.

    Raises
    ------
    UnknownDrugError
        When the drug is unknown.
    ValidationError
        When the drug is not a local anaesthetic (field ``drug``) or the weight is not
        positive (field ``weight``).
    UnitError
        When the weight is not a mass.
    NoSourcedValueError
        When no sourced per-kg maximum and cap exist for the drug.

    References
    ----------
    FDA-LIDO, LABEL-BUPI, LABEL-CARBOCAINE, RXLIST-NESACAINE, SMPC-LEVO, DRORACLE-LA,
    ROSENBERG04 (see each record's references).

    Examples
    --------
    >>> from interventional.pharmacology import max_dose
    >>> max_dose("lidocaine", "70 kg"), max_dose("lidocaine", "70 kg", epinephrine=True)
    (<Quantity(300.0, 'milligram')>, <Quantity(490.0, 'milligram')>)
    >>> max_dose("dexamethasone", "70 kg")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: drug: dexamethasone is a corticosteroid, not a local anesthetic
    """
    limit = local_anesthetic_limit(name)
    body = as_quantity(weight, "kg", field="weight")
    if not body.magnitude > 0:
        raise ValidationError("weight", f"must be positive, got {body}")
    return Q_(limit.max_mg(float(body.to("kg").magnitude), epinephrine=epinephrine), "mg")


def local_anesthetic_totals(doses: Iterable[Dose]) -> Mapping[Drug, Quantity]:
    """Sum the local anaesthetic doses by drug: every injectate of a drug counts.

    Parameters
    ----------
    doses : iterable of Dose
        A plan's injectates; drugs other than local anaesthetics are ignored.

    Returns
    -------
    Mapping of Drug to Quantity
        The total amount of each local anaesthetic in mg, in order of first appearance.

    Raises
    ------
    ValidationError
        When a local anaesthetic dose gives a volume without a concentration (its amount
        is unknown, so no total can be trusted).

    Examples
    --------
    >>> from interventional.pharmacology import Dose, local_anesthetic_totals
    >>> totals = local_anesthetic_totals(
    ...     [Dose("bupivacaine", "25 mg"), Dose("dexamethasone", "10 mg"), Dose("Marcaine", "0.01 g")]
    ... )
    >>> [(d.name, str(q)) for d, q in totals.items()]
    [('bupivacaine', '35.0 mg')]
    """
    sums: dict[Drug, float] = {}
    for dose in doses:
        if not isinstance(dose, Dose):
            raise ValidationError("doses", f"expected Dose objects, got {dose!r}")
        if dose.drug.drug_class is not DrugClass.LOCAL_ANESTHETIC:
            continue
        if dose.amount is None:
            raise ValidationError(
                "doses",
                f"a {dose.drug.name} dose of {dose.volume} has no concentration, so its amount "
                "and the local anesthetic total are unknown",
            )
        sums[dose.drug] = sums.get(dose.drug, 0.0) + dose.amount_in("mg")
    return MappingProxyType({key: Q_(_round(total), "mg") for key, total in sums.items()})
