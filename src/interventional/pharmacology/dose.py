"""Injectates: :class:`Dose`, an amount of a drug, given directly or as volume times concentration.

A concentration may be written as a mass (or activity) per volume, ``"10 mg/mL"``, or as a
percentage, ``"1 %"``. A percentage means **weight per volume**: grams of drug per 100 mL of
solution (the pharmacopoeial w/v convention of labels), so 1 % is 10 mg/mL and 5 mL of 1 %
lidocaine holds 50 mg.

Examples
--------
>>> from interventional.pharmacology import Dose
>>> Dose("lidocaine", volume="5 mL", concentration="1 %").amount
<Quantity(50, 'milligram')>
>>> Dose("dexamethasone", "10 mg")
Dose(drug='dexamethasone', amount=<Quantity(10, 'milligram')>, volume=None, concentration=None)
>>> Dose("dexamethasone", "10 mL")
Traceback (most recent call last):
...
interventional.errors.UnitError: amount: expected a mass such as '10 mg' or international units such as '5000 IU', got '10 mL'
>>> Dose("dexamethasone", "4000 IU")
Traceback (most recent call last):
...
interventional.errors.UnitError: amount: dexamethasone is dosed as a mass such as '10 mg', got 4000 IU
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import pint

from interventional._data import converter
from interventional.errors import UnitError, ValidationError
from interventional.pharmacology.drugs import Drug, drug, drugs
from interventional.units import Q_, Quantity, as_quantity, format_quantity, ureg

__all__ = ["Dose", "percent_to_mass_concentration"]

_KINDS = {"mg": "a mass such as '10 mg'", "IU": "international units such as '5000 IU'"}
_REL_TOLERANCE = 1e-6

# Units and dimensions parsed once: parsing unit text is the slow part of pint.
_UNITS = {text: ureg.Unit(text) for text in ("mg", "IU", "mL", "mg/mL", "IU/mL", "percent")}
_DIMENSIONS = {text: unit.dimensionality for text, unit in _UNITS.items()}
_PER_ML = {"mg": "mg/mL", "IU": "IU/mL"}


def _round(value: float) -> float:
    """Drop the last bits of floating-point noise (12 significant digits)."""
    return float(f"{value:.12g}")


def _canonical(value: float) -> float | int:
    """The rounded magnitude, as an int when it is whole (so ``10 mg`` reads back as written)."""
    rounded = _round(value)
    return int(rounded) if rounded.is_integer() else rounded


def _guess(value: object, choices: tuple[str, ...]) -> tuple[str, ...]:
    """Order ``choices`` so that the likely dimension is tried first (a speed-up only)."""
    if isinstance(value, pint.Quantity) and value._REGISTRY is ureg:
        dimension = value.dimensionality
        return tuple(sorted(choices, key=lambda like: _DIMENSIONS[like] != dimension))
    if isinstance(value, str):
        folded = value.casefold()
        hinted = "%" in folded or "percent" in folded
        units = "iu" in folded or "unit" in folded
        return tuple(
            sorted(
                choices,
                key=lambda like: (like == "percent") != hinted or like.startswith("IU") != units,
            )
        )
    return choices


def _first_fit(value: object, choices: tuple[str, ...], field: str) -> Quantity | None:
    for like in _guess(value, choices):
        try:
            quantity = as_quantity(value, like, field=field)
        except UnitError:
            continue
        if like == "percent" and quantity.units != _UNITS["percent"]:
            continue  # a bare number is not a percentage
        return quantity
    return None


def _amount(value: object) -> Quantity | None:
    if value is None:
        return None
    quantity = _first_fit(value, ("mg", "IU"), "amount")
    if quantity is None:
        raise UnitError(
            "amount",
            "expected a mass such as '10 mg' or international units such as '5000 IU', "
            f"got {value!r}",
        )
    return quantity


def _volume(value: object) -> Quantity | None:
    return None if value is None else as_quantity(value, "mL", field="volume")


def _concentration(value: object) -> Quantity | None:
    if value is None:
        return None
    quantity = _first_fit(value, ("mg/mL", "IU/mL", "percent"), "concentration")
    if quantity is None:
        raise UnitError(
            "concentration",
            "expected a mass per volume such as '10 mg/mL', units per volume such as "
            f"'1000 IU/mL', or a percentage weight per volume such as '1 %', got {value!r}",
        )
    return quantity


def percent_to_mass_concentration(concentration: Quantity) -> Quantity:
    """Return a percentage concentration as mass per volume (``%`` = g/100 mL, w/v).

    Parameters
    ----------
    concentration : Quantity
        A concentration in percent, or already a mass (or activity) per volume (returned
        unchanged).

    Returns
    -------
    Quantity
        The concentration in mg/mL (or as given when it was not a percentage).

    Examples
    --------
    >>> from interventional.units import Q_
    >>> percent_to_mass_concentration(Q_(0.5, "%"))
    <Quantity(5.0, 'milligram / milliliter')>
    """
    if not concentration.dimensionless:
        return concentration
    grams_per_100_ml = float(concentration.to(_UNITS["percent"]).magnitude)
    return Q_(_round(grams_per_100_ml * 1000 / 100), _UNITS["mg/mL"])


def _positive(name: str, value: Quantity | None) -> None:
    if value is not None and not value.magnitude > 0:
        raise ValidationError(name, f"must be positive, got {format_quantity(value)}")


def _text(value: Quantity | None) -> str:
    return "none" if value is None else format_quantity(value)


def _drug_repr(value: Drug) -> str:
    return repr(value.name)


@attrs.frozen(slots=True)
class Dose:
    """An amount of one drug given in a procedure (an injectate).

    Give the amount, or the volume with the concentration (the amount is then volume times
    concentration), or all three when they agree. A volume alone is allowed (a volume of
    contrast or saline whose strength does not matter); an amount alone too.

    Values are stored in canonical units (amount in mg or IU, volume in mL, concentration in
    mg/mL, IU/mL or %), rounded to 12 significant digits, so that equal doses written in
    different units are equal and hash equal.

    Parameters
    ----------
    drug : Drug or str
        The drug, or its generic name or an alias (looked up with
        :func:`~interventional.pharmacology.drug`).
    amount : Quantity or str, optional
        How much drug: a mass (``"10 mg"``), or international units for drugs dosed in
        units (heparin). Must fit the drug's ``dose_unit``.
    volume : Quantity or str, optional
        The injected volume (``"5 mL"``).
    concentration : Quantity or str, optional
        Mass (or units) per volume (``"10 mg/mL"``) or a percentage meaning grams per
        100 mL, weight per volume (``"1 %"`` is 10 mg/mL).

    Raises
    ------
    UnknownDrugError
        When the drug name is unknown (with suggestions).
    UnitError
        When a value has the wrong dimension, naming the field (``amount``, ``volume``,
        ``concentration``).
    ValidationError
        When neither amount nor volume is given, a value is not positive, or the three
        values disagree.

    Examples
    --------
    >>> from interventional.pharmacology import Dose
    >>> Dose("Kenalog", "40 mg").drug.name
    'triamcinolone-acetonide'
    >>> Dose("heparin", "5000 IU").amount
    <Quantity(5000, 'international_unit')>
    >>> Dose("bupivacaine", volume="10 mL", concentration="0.25 %").amount
    <Quantity(25, 'milligram')>
    >>> Dose("iohexol", volume="3 mL", concentration="300 mg/mL").amount
    <Quantity(900, 'milligram')>
    >>> Dose("lidocaine", volume="5 mL", concentration="1 kg")
    Traceback (most recent call last):
    ...
    interventional.errors.UnitError: concentration: expected a mass per volume such as '10 mg/mL', units per volume such as '1000 IU/mL', or a percentage weight per volume such as '1 %', got '1 kg'
    """

    drug: Drug = attrs.field(converter=drug, repr=_drug_repr)
    amount: Quantity | None = attrs.field(default=None, converter=_amount)
    volume: Quantity | None = attrs.field(default=None, converter=_volume)
    concentration: Quantity | None = attrs.field(default=None, converter=_concentration)

    def __attrs_post_init__(self) -> None:
        if self.amount is None and self.volume is None:
            raise ValidationError("amount", "give an amount, or a volume (with a concentration)")
        for name in ("amount", "volume", "concentration"):
            _positive(name, getattr(self, name))
        unit = self.drug.dose_unit
        if self.amount is not None and self.amount.dimensionality != _DIMENSIONS[unit]:
            raise UnitError(
                "amount",
                f"{self.drug.name} is dosed as {_KINDS[unit]}, got {format_quantity(self.amount)}",
            )
        per_millilitre: float | None = None
        if self.concentration is not None:
            per_volume = percent_to_mass_concentration(self.concentration)
            if per_volume.dimensionality != _DIMENSIONS[_PER_ML[unit]]:
                raise UnitError(
                    "concentration",
                    f"{self.drug.name} is dosed as {_KINDS[unit]}; its concentration must be "
                    f"{unit} per volume, got {format_quantity(self.concentration)}",
                )
            per_millilitre = float(per_volume.to(_UNITS[_PER_ML[unit]]).magnitude)
        amount = None if self.amount is None else float(self.amount.to(_UNITS[unit]).magnitude)
        volume = None if self.volume is None else float(self.volume.to(_UNITS["mL"]).magnitude)
        if volume is not None and per_millilitre is not None:
            computed = _round(volume * per_millilitre)
            if amount is None:
                amount = computed
            elif not math.isclose(amount, computed, rel_tol=_REL_TOLERANCE):
                raise ValidationError(
                    "amount",
                    f"{_text(self.amount)} does not equal volume × concentration "
                    f"({_text(self.volume)} × {_text(self.concentration)} = "
                    f"{computed!r} {unit})",
                )
        # Canonical units (mg or IU, mL, mg/mL, IU/mL or %), so that equal doses are equal
        # and hash equal whatever units they were written in.
        if amount is not None:
            object.__setattr__(self, "amount", Q_(_canonical(amount), _UNITS[unit]))
        if volume is not None:
            object.__setattr__(self, "volume", Q_(_canonical(volume), _UNITS["mL"]))
        if self.concentration is not None:
            if self.concentration.dimensionless:
                percent = float(self.concentration.to(_UNITS["percent"]).magnitude)
                canonical = Q_(_canonical(percent), _UNITS["percent"])
            else:
                assert per_millilitre is not None
                canonical = Q_(_canonical(per_millilitre), _UNITS[_PER_ML[unit]])
            object.__setattr__(self, "concentration", canonical)

    def amount_in(self, unit: str) -> float:
        """Return the amount as a plain number in ``unit`` (for arithmetic in hot paths).

        Raises
        ------
        ValidationError
            When the dose has no amount (a volume without concentration).

        Examples
        --------
        >>> from interventional.pharmacology import Dose
        >>> Dose("lidocaine", "0.2 g").amount_in("mg")
        200.0
        """
        if self.amount is None:
            raise ValidationError(
                "amount", f"this {self.drug.name} dose gives a volume without a concentration"
            )
        return float(self.amount.to(unit).magnitude)

    @classmethod
    def _from_data(cls, value: object) -> Dose:
        """Read a dose from its data form (a table with ``drug`` as a generic name)."""
        return _structure_dose(value, cls)

    def _to_data(self) -> dict[str, Any]:
        """The data form: the drug's generic name and the quantities as text."""
        return _unstructure_dose(self)

    def __str__(self) -> str:
        parts = [self.drug.name]
        if self.amount is not None:
            parts.append(format_quantity(self.amount))
        if self.volume is not None:
            parts.append(format_quantity(self.volume))
        if self.concentration is not None:
            parts.append(format_quantity(self.concentration))
        return " ".join(parts)


# --- TOML form ----------------------------------------------------------------------
# A dose is written with the drug's generic id (``drug = "lidocaine"``) when the drug is
# the vocabulary's record, else with the whole drug record, as the bibliography does for
# references. A Drug can be read from either form.


def _unstructure_dose(dose: Dose) -> dict[str, Any]:
    conv = converter()
    known = drugs().get(dose.drug.name) == dose.drug
    out: dict[str, Any] = {"drug": dose.drug.name if known else conv.unstructure(dose.drug)}
    for name in ("amount", "volume", "concentration"):
        value = getattr(dose, name)
        if value is not None:
            out[name] = format_quantity(value)
    return out


def _structure_dose(value: object, _: object) -> Dose:
    if not isinstance(value, dict):
        raise ValidationError("dose", f"expected a table with drug and amount, got {value!r}")
    unknown = sorted(set(value) - {"drug", "amount", "volume", "concentration"})
    if unknown:
        raise ValidationError(
            unknown[0], "not a field of a dose", ("drug", "amount", "volume", "concentration")
        )
    if "drug" not in value:
        raise ValidationError("drug", "required field missing")
    raw_drug = value["drug"]
    the_drug = raw_drug if isinstance(raw_drug, str) else converter().structure(raw_drug, Drug)
    return Dose(
        the_drug,
        amount=value.get("amount"),
        volume=value.get("volume"),
        concentration=value.get("concentration"),
    )
