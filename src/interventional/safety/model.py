"""Patients, medications, laboratory results, findings and assessments.

The input side (:class:`Patient`, :class:`MedicationUse`, :class:`LabResult`) validates
everything at construction, so that the engine never reasons about a value it
misunderstood: an unknown drug name raises :class:`~interventional.errors.UnknownDrugError`
with suggestions, a misspelt condition code raises with suggestions, an INR given with a
unit or a platelet count without one raises, and naive and timezone-aware datetimes cannot
be mixed. The output side (:class:`Finding`, :class:`Assessment`) is what
:func:`~interventional.safety.assess` returns.

Examples
--------
>>> from datetime import datetime
>>> from interventional.safety import MedicationUse, Patient
>>> patient = Patient(age=70, weight="80 kg", medications=[
...     MedicationUse("Plavix", last_dose=datetime(2026, 3, 1, 8, 0))])
>>> patient.medications[0].drug
'clopidogrel'
>>> MedicationUse("clopidogrell")
Traceback (most recent call last):
...
interventional.errors.UnknownDrugError: unknown drug 'clopidogrell'; did you mean 'clopidogrel'...?
"""

from __future__ import annotations

import functools
import html
import operator
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

import attrs
import cattrs.gen

from interventional._data import DataSource, converter, read_table, structure_record
from interventional._enums import ParsableEnum
from interventional.errors import CatalogError, ValidationError, suggest
from interventional.pharmacology import DrugClass, drug, drugs
from interventional.procedures.risk import BleedingRisk
from interventional.references import Reference, to_references
from interventional.safety.decisions import Decision
from interventional.safety.labs import LabName as LabName  # re-exported: the engine reads it here
from interventional.safety.plausibility import check_plausible
from interventional.safety.rules import Verdict, default_rules
from interventional.units import Q_, Quantity, as_any_quantity, canonical_quantity, magnitude

__all__ = [
    "Assessment",
    "Finding",
    "Indication",
    "LabResult",
    "LazyText",
    "MedicationUse",
    "Patient",
    "Route",
    "UnresolvedRecord",
    "Verdict",
    "check_time",
    "load_patient",
    "load_patients",
]

_OTHER = "other:"


class Indication(ParsableEnum):
    """Why a medication is taken, where the hold rule depends on it.

    Aspirin: ``primary-prophylaxis`` or ``secondary-prophylaxis`` (known coronary disease,
    stent, stroke, peripheral arterial disease). Low-molecular-weight heparin:
    ``prophylactic`` or ``therapeutic``.
    """

    PRIMARY_PROPHYLAXIS = "primary-prophylaxis"
    SECONDARY_PROPHYLAXIS = "secondary-prophylaxis"
    PROPHYLACTIC = "prophylactic"
    THERAPEUTIC = "therapeutic"


class Route(ParsableEnum):
    """How a medication is given, where the hold rule depends on it (heparin)."""

    ORAL = "oral"
    INTRAVENOUS = "intravenous"
    SUBCUTANEOUS = "subcutaneous"


def _is_aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.tzinfo.utcoffset(moment) is not None


def _instant(moment: datetime) -> datetime:
    """``moment`` in UTC when it is aware (so that it compares as an instant), else itself.

    Python compares two aware datetimes of the same zone by their wall times, which is
    wrong in the hour a daylight-saving change repeats.
    """
    return moment.astimezone(UTC) if _is_aware(moment) else moment


TIME_YEARS = range(2, 9999)
"""The years the library computes with (2 to 9998): Python's calendar (years 1 to 9999)
less a year at each end, room for every hold, washout and restart interval counted from
a time."""

TIME_RANGE = (
    datetime(TIME_YEARS.start, 1, 1),
    datetime(TIME_YEARS.stop - 1, 12, 31, 23, 59, 59, 999999),
)
"""The first and last moments of :data:`TIME_YEARS`."""


def check_time(field: str, value: object) -> datetime:
    """Check that ``value`` is a datetime the library can count intervals from.

    Parameters
    ----------
    field : str
        The name of the field or argument, for the error.
    value : object
        The value given.

    Returns
    -------
    datetime
        ``value`` itself.

    Raises
    ------
    ValidationError
        When ``value`` is not a datetime, or lies outside :data:`TIME_RANGE` (where a
        restart or a hold's end would fall past the end of the calendar).

    Examples
    --------
    >>> from datetime import datetime
    >>> check_time("at", datetime(9999, 12, 31, 23))
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: at: 9999-12-31 23:00 is outside the times the library can count holds and restarts from (0002-01-01 to 9998-12-31)
    """
    if not isinstance(value, datetime):
        raise ValidationError(field, f"expected a datetime, got {type(value).__name__} {value!r}")
    if value.year not in TIME_YEARS:
        earliest, latest = TIME_RANGE
        raise ValidationError(
            field,
            f"{value.isoformat(sep=' ', timespec='minutes')} is outside the times the library "
            f"can count holds and restarts from ({earliest.date()} to {latest.date()})",
        )
    return value


def _check_datetime(field: str, value: object) -> None:
    if value is not None and not isinstance(value, datetime):
        raise ValidationError(
            field,
            f"expected a datetime (or None for unknown), got {type(value).__name__} {value!r}",
        )
    if value is not None:
        check_time(field, value)


def _check_last_dose(instance: object, attribute: object, value: Any) -> None:
    _check_datetime("last_dose", value)


def _check_taken_at(instance: object, attribute: object, value: Any) -> None:
    _check_datetime("taken_at", value)


def _to_drug_name(value: object) -> str:
    if not isinstance(value, str):
        return drug(value).name  # type: ignore[arg-type]
    return drug(value).name


def _optional_indication(value: object) -> Indication | None:
    return None if value is None else Indication.parse(value, field="indication")  # type: ignore[arg-type]


def _optional_route(value: object) -> Route | None:
    return None if value is None else Route.parse(value, field="route")  # type: ignore[arg-type]


def _optional_decision(value: object) -> Decision | None:
    return None if value is None else Decision.parse(value, field="decision")  # type: ignore[arg-type]


def _optional_dose(value: object) -> Quantity | None:
    if value is None:
        return None
    quantity = as_any_quantity(value, field="dose")
    if quantity.is_compatible_with("IU"):
        return canonical_quantity(quantity, "IU", field="dose")
    return canonical_quantity(quantity, "mg", field="dose")


@attrs.frozen(slots=True)
class MedicationUse:
    """A medication the patient takes.

    Parameters
    ----------
    drug : str
        A generic name or alias (``"Plavix"``); stored as the generic id. An unknown name
        raises :class:`~interventional.errors.UnknownDrugError` with suggestions.
    last_dose : datetime, optional
        When the last dose was taken; ``None`` means unknown (a hold then cannot be
        confirmed: INSUFFICIENT_DATA).
    indication : Indication or str, optional
        ``"primary-prophylaxis"``/``"secondary-prophylaxis"`` (aspirin),
        ``"prophylactic"``/``"therapeutic"`` (enoxaparin). When the rule depends on it and
        it is missing, the assessment says so.
    route : Route or str, optional
        ``"intravenous"`` or ``"subcutaneous"`` (unfractionated heparin).
    dose : Quantity, optional
        The usual dose (mass or IU), recorded for the reader; the 2018 table does not
        split by dose.
    decision : Decision or str, optional
        The shared decision with the prescriber, where the guideline leaves the choice to
        one ("shared assessment and risk stratification"): ``"continue"`` (continued
        through the procedure: CAUTION, citing the decision) or ``"hold"`` (stopped: the
        row's hold interval applies). ``None`` (default): not recorded; such a cell is
        then INSUFFICIENT_DATA. Where the guideline's rule is a hold or no hold, the
        decision does not change the outcome (the finding says so for a hold).

    Examples
    --------
    >>> MedicationUse("aspirin", indication="secondary prophylaxis").indication
    <Indication.SECONDARY_PROPHYLAXIS: 'secondary-prophylaxis'>
    >>> MedicationUse("aspirin", decision="continue").decision
    <Decision.CONTINUE: 'continue'>
    >>> MedicationUse("aspirin", decision="stop")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: decision: ...
    """

    drug: str = attrs.field(converter=_to_drug_name)
    last_dose: datetime | None = attrs.field(default=None, validator=_check_last_dose)
    indication: Indication | None = attrs.field(
        default=None, converter=_optional_indication, kw_only=True
    )
    route: Route | None = attrs.field(default=None, converter=_optional_route, kw_only=True)
    dose: Quantity | None = attrs.field(default=None, converter=_optional_dose, kw_only=True)
    decision: Decision | None = attrs.field(
        default=None, converter=_optional_decision, kw_only=True
    )


def _lab_name(value: Any) -> LabName:
    return LabName.parse(value, field="name")


def _lab_value(name: LabName, value: object) -> float | Quantity:
    if name is LabName.INR:
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, Quantity | str):
                raise ValidationError(
                    "value",
                    f"an INR is a ratio with no unit; give a plain number such as 1.1, got {value!r}",
                )
            raise ValidationError("value", f"an INR must be a number such as 1.1, got {value!r}")
        number = float(value)
        if not number > 0:  # NaN too
            raise ValidationError("value", f"an INR must be a positive ratio, got {value!r}")
        return number
    if name is LabName.PLATELETS:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValidationError(
                "value",
                f"a platelet count needs a unit: '{value} / µL' and '{value}e9 / L' differ by "
                "a factor of a million; write e.g. '150e3 / µL' or '150e9 / L'",
            )
        quantity = canonical_quantity(value, "1/µL", field="value")
        if quantity.magnitude < 0:
            raise ValidationError("value", f"a platelet count cannot be negative, got {value!r}")
        return quantity
    quantity = canonical_quantity(value, name.unit, field="value")
    if quantity.magnitude < 0:
        what = name.display_name.split(" (")[0]
        if what[1:2].islower():
            what = what[0].lower() + what[1:]
        article = "an" if what[0] in "aeiouAEIOU" else "a"
        raise ValidationError("value", f"{article} {what} cannot be negative, got {value!r}")
    return quantity


@attrs.frozen(slots=True)
class LabResult:
    """A laboratory result.

    Parameters
    ----------
    name : LabName or str
        ``"inr"``, ``"platelets"``, ``"creatinine-clearance"``, ``"aptt"``,
        ``"creatinine"`` or ``"egfr"`` (only INR and platelets are read by the rules; see
        :class:`LabName`).
    value : float or Quantity
        INR: a plain number (a unit is an error). Platelets: a count per volume
        (a bare number is an error). The others: a quantity in any unit that converts to
        the test's :attr:`LabName.unit` (creatinine clearance and eGFR mL/min, aPTT s,
        creatinine mg/dL).
    taken_at : datetime, optional
        When the sample was taken; ``None`` (unknown) means the result never counts.

    Examples
    --------
    >>> LabResult("inr", 1.1).value
    1.1
    >>> LabResult("platelets", 150_000)
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: value: a platelet count needs a unit: '150000 / µL' and '150000e9 / L' differ by a factor of a million; write e.g. '150e3 / µL' or '150e9 / L'
    >>> LabResult("inr", "1.1 mg")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: value: an INR is a ratio with no unit; give a plain number such as 1.1, got '1.1 mg'
    """

    name: LabName = attrs.field(converter=_lab_name)
    value: float | Quantity = attrs.field()
    taken_at: datetime | None = attrs.field(default=None, validator=_check_taken_at)

    _magnitude: float = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        value = _lab_value(self.name, self.value)
        object.__setattr__(self, "value", value)
        plain = value if isinstance(value, float) else magnitude(value, self.name.unit)
        check_plausible(f"labs.{self.name.value}", plain, name="value")
        object.__setattr__(self, "_magnitude", plain)

    @property
    def magnitude(self) -> float:
        """The value as a plain number in the test's :attr:`LabName.unit` (ratio, /µL, ...)."""
        return self._magnitude


def _to_age(value: object) -> Quantity:
    if isinstance(value, int | float) and not isinstance(value, bool):
        quantity = canonical_quantity(Q_(value, "year"), "year", field="age")
    else:
        quantity = canonical_quantity(value, "year", field="age")
    if not quantity.magnitude >= 0:
        raise ValidationError("age", f"cannot be negative, got {value!r}")
    check_plausible("age", quantity.magnitude)
    return quantity


def _positive_quantity(value: object, like: str, field: str) -> Quantity | None:
    if value is None:
        return None
    quantity = canonical_quantity(value, like, field=field)
    if not quantity.magnitude > 0:
        raise ValidationError(field, f"must be positive, got {quantity}")
    return quantity


def _to_weight(value: object) -> Quantity | None:
    quantity = _positive_quantity(value, "kg", "weight")
    if quantity is not None:
        check_plausible("weight", magnitude(quantity, "kg"))
    return quantity


def _to_creatinine_clearance(value: object) -> Quantity | None:
    return _positive_quantity(value, "mL/min", "creatinine_clearance")


def _to_medications(values: object) -> tuple[MedicationUse, ...]:
    if isinstance(values, MedicationUse | str) or not isinstance(values, Iterable):
        raise ValidationError("medications", f"expected a list of MedicationUse, got {values!r}")
    out: list[MedicationUse] = []
    for value in values:
        if isinstance(value, MedicationUse):
            out.append(value)
        elif isinstance(value, Mapping):
            out.append(MedicationUse(**value))
        else:
            out.append(MedicationUse(value))
    return tuple(out)


def _to_labs(values: object) -> tuple[LabResult, ...]:
    if isinstance(values, LabResult | str) or not isinstance(values, Iterable):
        raise ValidationError("labs", f"expected a list of LabResult, got {values!r}")
    out: list[LabResult] = []
    for value in values:
        if isinstance(value, LabResult):
            out.append(value)
        elif isinstance(value, Mapping):
            out.append(LabResult(**value))
        else:
            raise ValidationError("labs", f"expected a LabResult, got {value!r}")
    return tuple(out)


def _codes(values: object, field: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError(field, f"expected a list of codes, got {values!r}")
    out = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(field, f"expected a code (text), got {value!r}")
        out.append(value.strip())
    return out


def _is_canonical(values: object, known: Callable[[str], bool]) -> bool:
    """Whether ``values`` is already a converter's result, to be kept as it is.

    That is a tuple of known codes in their stored spelling, sorted and without
    duplicates: a Patient's own field, or a cohort's mapped codes.
    """
    if type(values) is not tuple:
        return False
    previous = ""
    for code in values:
        if type(code) is not str or not code > previous or not known(code):
            return False
        previous = code
    return True


def _known_codes(
    values: object, field: str, known: Mapping[str, object], what: str
) -> tuple[str, ...]:
    """Codes from the rules' vocabulary (folded), or free ``other:...`` codes; sorted."""
    if _is_canonical(values, known.__contains__):
        return values  # type: ignore[return-value]
    out = set()
    for code in _codes(values, field):
        folded = code.casefold().replace("_", "-").replace(" ", "-")
        if folded.startswith(_OTHER):
            out.add(code)
        elif folded in known:
            out.add(folded)
        else:
            raise ValidationError(
                field,
                f"unknown {what} code {code!r} (use a listed code, or 'other:...' for "
                "something the rules do not use)",
                suggest(code, known),
            )
    return tuple(sorted(out))


def _to_conditions(values: object) -> tuple[str, ...]:
    return _known_codes(values, "conditions", default_rules().conditions, "condition")


def _to_devices(values: object) -> tuple[str, ...]:
    return _known_codes(values, "devices", default_rules().devices, "device")


_ALLERGY_ALIASES = {
    "iodine": "iodinated-contrast",
    "contrast": "iodinated-contrast",
    "iodinated-contrast-media": "iodinated-contrast",
    "gadolinium": "gadolinium-contrast",
    "local-anaesthetic": "local-anesthetic",
    "steroid": "corticosteroid",
}


_DRUG_CLASSES = frozenset(member.value for member in DrugClass)


def _is_allergen(code: str) -> bool:
    """Whether ``code`` is an allergen in its stored spelling (a drug class or a generic id)."""
    return code not in _ALLERGY_ALIASES and (code in _DRUG_CLASSES or code in drugs())


def _to_allergies(values: object) -> tuple[str, ...]:
    if _is_canonical(values, _is_allergen):
        return values  # type: ignore[return-value]
    classes = _DRUG_CLASSES  # made once: a Patient is built per row of a cohort
    out = set()
    for code in _codes(values, "allergies"):
        folded = code.casefold().replace("_", "-").replace(" ", "-")
        if folded.startswith(_OTHER):
            out.add(code)
            continue
        folded = _ALLERGY_ALIASES.get(folded, folded)
        if folded in classes:
            out.add(folded)
            continue
        try:
            out.add(drug(code).name)
        except KeyError:
            candidates = [*classes, *_ALLERGY_ALIASES, *drugs()]
            raise ValidationError(
                "allergies",
                f"unknown allergy {code!r}: give a drug, a drug class, or 'other:...' for "
                "something the rules do not use",
                suggest(code, candidates),
            ) from None
    return tuple(sorted(out))


def _check_record_text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(attribute.name, f"must be non-empty text, got {value!r}")


@attrs.frozen(slots=True)
class UnresolvedRecord:
    """A safety-relevant record of the source data that could not be read into the patient.

    An importer (a FHIR bundle, an OMOP table) that meets a record the rules would need,
    and cannot map it, keeps it here instead of dropping it: an antithrombotic-looking
    medication with an unknown code, an INR without its time. An assessment of a patient
    with unresolved records is INSUFFICIENT_DATA, with one finding per record
    (code ``unresolved:<source>``) that names it.

    Parameters
    ----------
    source : str
        Where the record is, in the source's own terms: ``"MedicationRequest/med-7"``,
        ``"drug_exposure row 12"``.
    what : str
        What the record says, as far as it could be read: ``"medication 'Eliquis 5 MG'"``.
    reason : str
        Why it could not be read: ``"RxNorm code 1364445 names no drug of the vocabulary"``.

    Examples
    --------
    >>> record = UnresolvedRecord("Observation/inr-1", "INR 2.4", "no effective time")
    >>> record.finding_code
    'unresolved:Observation/inr-1'
    >>> Patient(age=70, unresolved=[record]).unresolved[0].reason
    'no effective time'
    """

    source: str = attrs.field(validator=_check_record_text)
    what: str = attrs.field(validator=_check_record_text)
    reason: str = attrs.field(validator=_check_record_text)

    @property
    def finding_code(self) -> str:
        """The code of the finding that reports this record (``unresolved:<source>``)."""
        return "unresolved:" + self.source

    @property
    def message(self) -> str:
        """The finding's words: what the record is, where, and why it could not be read.

        The template ``unresolved`` of ``wording.toml``.
        """
        from interventional.safety.wording import fill  # the wording module reads this one

        return fill("unresolved", what=self.what, source=self.source, reason=self.reason)


def _to_unresolved(values: object) -> tuple[UnresolvedRecord, ...]:
    if isinstance(values, UnresolvedRecord | str) or not isinstance(values, Iterable):
        raise ValidationError("unresolved", f"expected a list of UnresolvedRecord, got {values!r}")
    out: list[UnresolvedRecord] = []
    for value in values:
        if isinstance(value, UnresolvedRecord):
            out.append(value)
        elif isinstance(value, Mapping):
            out.append(UnresolvedRecord(**value))
        else:
            raise ValidationError("unresolved", f"expected an UnresolvedRecord, got {value!r}")
    return tuple(out)


def _check_pregnant(instance: object, attribute: object, value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError("pregnant", f"must be True, False or None (unknown), got {value!r}")


@attrs.frozen(slots=True)
class Patient:
    """A patient as the contraindication rules see them.

    Parameters
    ----------
    age : Quantity or number
        Age; a plain number is read as years. Age alone never raises the bleeding-risk
        class: the guideline gives no cut-off, so the clinician marks older age with the
        condition code ``"advanced-age"``.
    weight : Quantity, optional
        Body weight, for local-anaesthetic maxima; ``None`` = unknown.
    pregnant : bool, optional
        ``None`` = unknown (a CAUTION for fluoroscopy or CT, never a silent PROCEED).
    medications : sequence of MedicationUse
        Every listed medication counts for the concurrent-antithrombotics factor.
    labs : sequence of LabResult
    conditions : sequence of str
        Stored sorted and without duplicates. Codes of ``safety/data/vocabulary.toml`` (``"diabetes"``, ``"systemic-infection"``,
        ``"advanced-renal-disease"``...) or ``"other:..."``. A misspelt code raises.
    allergies : sequence of str
        Drug ids or aliases, drug classes (``"iodinated-contrast"``; ``"iodine"`` is read as
        iodinated contrast) or ``"other:..."``.
    devices : sequence of str
        ``"pacemaker"``, ``"icd"``, ``"spinal-cord-stimulator"``, ... or ``"other:..."``.
    creatinine_clearance : Quantity, optional
        Current creatinine clearance (mL/min).
    id : str, optional
        A label for reports.
    unresolved : sequence of UnresolvedRecord
        Safety-relevant records of the source data that an importer could not read
        (:class:`UnresolvedRecord`); each makes the assessment INSUFFICIENT_DATA with a
        finding that names it. Empty for a patient built by hand.

    Raises
    ------
    ValidationError
        For a negative age or weight, an unknown code, or naive and timezone-aware datetimes
        mixed among the medications and labs.

    Examples
    --------
    >>> Patient(age=70, weight="-70 kg")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: weight: must be positive, got -70 kg
    >>> Patient(age=70, conditions=["diabetis"])
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: conditions: unknown condition code 'diabetis' (use a listed code, or 'other:...' for something the rules do not use); did you mean 'diabetes'?
    """

    age: Quantity = attrs.field(converter=_to_age)
    weight: Quantity | None = attrs.field(default=None, converter=_to_weight, kw_only=True)
    pregnant: bool | None = attrs.field(default=None, validator=_check_pregnant, kw_only=True)
    medications: tuple[MedicationUse, ...] = attrs.field(
        default=(), converter=_to_medications, kw_only=True
    )
    labs: tuple[LabResult, ...] = attrs.field(default=(), converter=_to_labs, kw_only=True)
    conditions: tuple[str, ...] = attrs.field(default=(), converter=_to_conditions, kw_only=True)
    allergies: tuple[str, ...] = attrs.field(default=(), converter=_to_allergies, kw_only=True)
    devices: tuple[str, ...] = attrs.field(default=(), converter=_to_devices, kw_only=True)
    creatinine_clearance: Quantity | None = attrs.field(
        default=None, converter=_to_creatinine_clearance, kw_only=True
    )
    id: str | None = attrs.field(default=None, kw_only=True)
    unresolved: tuple[UnresolvedRecord, ...] = attrs.field(
        default=(), converter=_to_unresolved, kw_only=True
    )
    _weight_kg: float | None = attrs.field(init=False, eq=False, hash=False, repr=False)
    _creatinine_clearance_ml_min: float | None = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _latest_instant: datetime | None = attrs.field(init=False, eq=False, hash=False, repr=False)
    """The latest last dose or lab time as an instant (in UTC when aware; ``None`` when
    there is none): what the engine compares with the procedure time before it looks at
    each one."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "_weight_kg", None if self.weight is None else magnitude(self.weight, "kg")
        )
        if self._weight_kg is not None:  # the bounds that depend on age (an adult's weight)
            check_plausible("weight", self._weight_kg, age_years=magnitude(self.age, "year"))
        object.__setattr__(
            self,
            "_creatinine_clearance_ml_min",
            None
            if self.creatinine_clearance is None
            else magnitude(self.creatinine_clearance, "mL/min"),
        )
        moments = list(self.datetimes())
        awareness = {_is_aware(moment) for moment in moments}
        if len(awareness) > 1:
            raise ValidationError(
                "medications",
                "naive and timezone-aware datetimes are mixed among last doses and lab times; "
                "use one kind throughout",
            )
        object.__setattr__(self, "_latest_instant", max(map(_instant, moments), default=None))

    @property
    def weight_kg(self) -> float | None:
        """The weight in kg as a plain number (computed once), or ``None``."""
        return self._weight_kg

    @property
    def creatinine_clearance_ml_min(self) -> float | None:
        """The creatinine clearance in mL/min as a plain number, or ``None``."""
        return self._creatinine_clearance_ml_min

    def datetimes(self) -> Iterable[datetime]:
        """Every date-time in the record (last doses, lab times)."""
        for medication in self.medications:
            if medication.last_dose is not None:
                yield medication.last_dose
        for lab in self.labs:
            if lab.taken_at is not None:
                yield lab.taken_at

    @classmethod
    def from_file(cls, path: DataSource) -> Patient:
        """Read one patient from a TOML file (see :func:`load_patient`)."""
        return load_patient(path)

    def _repr_html_(self) -> str:
        rows = [
            ("age", f"{self.age:~}"),
            ("weight", "unknown" if self.weight is None else f"{self.weight:~}"),
            ("pregnant", "unknown" if self.pregnant is None else str(self.pregnant)),
            ("medications", ", ".join(m.drug for m in self.medications) or "none"),
            ("conditions", ", ".join(sorted(self.conditions)) or "none"),
            ("allergies", ", ".join(sorted(self.allergies)) or "none"),
            ("devices", ", ".join(sorted(self.devices)) or "none"),
        ]
        if self.unresolved:
            rows.append(("unresolved", ", ".join(r.source for r in self.unresolved)))
        body = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows
        )
        return f"<table><caption>Patient {html.escape(self.id or '')}</caption>{body}</table>"


_BOOL_FIELDS = ("pregnant",)
_LIST_FIELDS = ("conditions", "allergies", "devices", "medications", "labs", "unresolved")


def _check_raw(raw: Mapping[str, Any], label: str, record: str) -> None:
    """Strict types where lenient structuring would change meaning ("no" -> True)."""
    for name in _BOOL_FIELDS:
        if name in raw and not isinstance(raw[name], bool):
            raise CatalogError(label, record, name, f"must be true or false, got {raw[name]!r}")
    for name in _LIST_FIELDS:
        if name in raw and not isinstance(raw[name], list):
            raise CatalogError(label, record, name, f"must be a list, got {raw[name]!r}")


def load_patients(path: DataSource) -> tuple[Patient, ...]:
    """Read every ``[[patient]]`` record of a TOML file, through the library's loader.

    The format is the one of ``examples/patient.toml``: one ``[[patient]]`` table with
    ``age``, ``weight``, ``pregnant``, ``conditions``, ``allergies``, ``devices``,
    ``creatinine_clearance``, and ``[[patient.medications]]`` / ``[[patient.labs]]``
    sub-tables. TOML date-times with an offset are timezone-aware, without are naive.

    Raises
    ------
    CatalogError
        Naming the file, the record and the field.
    """
    label = os.fspath(path) if isinstance(path, str | os.PathLike) else str(path)
    out = []
    for index, raw in enumerate(read_table(path, "patient")):
        record = (
            f"patient {raw['id']!r}" if isinstance(raw.get("id"), str) else f"patient #{index + 1}"
        )
        _check_raw(raw, label, record)
        out.append(structure_record(raw, Patient, file=label, record=record))
    return tuple(out)


def load_patient(path: DataSource) -> Patient:
    """Read the one patient of a TOML file (``examples/patient.toml`` shows the format).

    Raises
    ------
    CatalogError
        When the file holds no patient or more than one, or a field is wrong.
    """
    patients = load_patients(path)
    if len(patients) != 1:
        label = os.fspath(path) if isinstance(path, str | os.PathLike) else str(path)
        raise CatalogError(
            label, None, "patient", f"expected exactly one [[patient]], found {len(patients)}"
        )
    return patients[0]


def _optional_verdict(value: object) -> Verdict:
    return value if type(value) is Verdict else Verdict.parse(value)  # type: ignore[arg-type]


class LazyText:
    """A message written on first use, then kept.

    The engine decides every finding eagerly (code, verdict, until, references) but leaves
    the wording to a function called the first time the message is read: most findings of a
    batch are counted, never read. Equality, hashing and pickling use the written text.

    Parameters
    ----------
    write : callable
        Called once with ``args``; returns the text.
    *args
        Its arguments.

    Examples
    --------
    >>> text = LazyText("{} mg".format, 10)
    >>> str(text)
    '10 mg'
    """

    __slots__ = ("_args", "_text", "_write")

    def __init__(self, write: Callable[..., str], *args: Any) -> None:
        self._write = write
        self._args = args
        self._text: str | None = None

    def _words(self) -> str:
        """Write the text (called once; a subclass that keeps its own fields overrides it)."""
        return self._write(*self._args)

    def __str__(self) -> str:
        text = self._text
        if text is None:
            # Threads that read a text at the same time may each write it (the same
            # words); what is written from is kept, so none can see it half gone. Read
            # once more first: a text written by another thread meanwhile is not rewritten.
            text = self._text
            if text is None:
                text = self._text = self._words()
        return text

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (str(self),))


def _text_key(value: str | LazyText) -> str:
    return value if type(value) is str else str(value)


@functools.cache
def _data_form(cls: Any, field: str, public: Any, key: Callable[[Any], Any]) -> tuple[Any, Any]:
    """The structure and unstructure functions of ``cls`` with a private field renamed.

    The private ``field`` (an attrs field with a public alias) is written under the alias
    as ``public``, read through ``key``.
    """
    conv = converter()
    renamed: dict[str, Any] = {
        field: cattrs.gen.override(
            rename=field.lstrip("_"),
            struct_hook=lambda value, _: conv.structure(value, public),
            unstruct_hook=lambda value: conv.unstructure(key(value), public),
        )
    }
    return (
        cattrs.gen.make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **renamed),
        cattrs.gen.make_dict_unstructure_fn(cls, conv, **renamed),
    )


class _PublicDataForm:
    """The data form of a class with one private field behind a public name (its alias).

    ``_renamed`` gives the private field, the type written under the public name and the
    function that reads the field as that type.
    """

    __slots__ = ()
    _renamed: ClassVar[tuple[str, Any, Callable[[Any], Any]]]

    @classmethod
    def _from_data(cls, value: object) -> Self:
        """Read an object from its data form (the private field under its public name)."""
        owner: Any = cls
        structure: Callable[[object, type[Self]], Self] = _data_form(owner, *cls._renamed)[0]
        return structure(value, cls)

    def _to_data(self) -> dict[str, Any]:
        """The data form: the private field written out under its public name."""
        owner: Any = type(self)
        unstructure: Callable[[object], dict[str, Any]] = _data_form(owner, *self._renamed)[1]
        return unstructure(self)


@attrs.frozen(slots=True, repr=False, match_args=False)
class Finding(_PublicDataForm):
    """One finding of an assessment.

    Parameters
    ----------
    code : str
        A stable code, e.g. ``"hold:clopidogrel"``, ``"lab:inr"``, ``"rule:infection-at-site"``.
    verdict : Verdict
        What this finding alone says.
    message : str or LazyText
        Plain words a clinician can check (the engine passes a :class:`LazyText`, written
        the first time :attr:`message` is read; it compares as its text).
    references : tuple of Reference
        The sources of the rule.
    drug : str, optional
        The generic id of the drug concerned.
    until : datetime, optional
        For a hold: the earliest time the hold is met (last dose + interval).

    Examples
    --------
    >>> from interventional.safety import Finding, Verdict
    >>> Finding("rule:x", "caution", "Check it.", ())
    Finding(code='rule:x', verdict=<Verdict.CAUTION: 'caution'>, message='Check it.', \
references=(), drug=None, until=None)
    """

    __match_args__ = ("code", "verdict", "message", "references")
    _renamed = ("_message", str, _text_key)

    code: str
    verdict: Verdict = attrs.field(converter=_optional_verdict)
    _message: str | LazyText = attrs.field(alias="message", eq=_text_key)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    drug: str | None = attrs.field(default=None, kw_only=True)
    until: datetime | None = attrs.field(default=None, kw_only=True)

    @_message.validator
    def _check_message(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str | LazyText):
            raise ValidationError("message", f"expected a str, got {type(value).__name__}")

    @property
    def message(self) -> str:
        """The finding in plain words."""
        text = self._message
        return text if type(text) is str else str(text)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, verdict={self.verdict!r}, "
            f"message={self.message!r}, "
            f"references={self.references!r}, drug={self.drug!r}, until={self.until!r})"
        )

    def __str__(self) -> str:
        keys = ", ".join(ref.key for ref in self.references)
        cited = f" [{keys}]" if keys else ""
        return f"{self.verdict.name}: {self.message}{cited}"


def _fmt_time(moment: datetime | None) -> str:
    if moment is None:
        return "none (a finding cannot be waited out)"
    return moment.isoformat(sep=" ", timespec="minutes")


def _to_findings(values: Iterable[Finding]) -> tuple[Finding, ...]:
    return values if type(values) is tuple else tuple(values)


@attrs.frozen(slots=True, repr=False, match_args=False)
class Assessment:
    """The result of :func:`~interventional.safety.assess`.

    Attributes
    ----------
    procedure : str
        The procedure id.
    at : datetime
        The planned procedure time the assessment is for.
    bleeding_risk : BleedingRisk
        The procedure's own class; ``handled_as`` is the class after patient factors.
    earliest_time : datetime or None
        When every hold has elapsed (``at`` itself when nothing is held); ``None`` when a
        finding at INSUFFICIENT_DATA or above cannot be waited out.
    restart : Mapping[str, datetime]
        Each held drug's earliest restart time, counted from ``at``.
    verdict : Verdict
        The most restrictive finding's verdict (``PROCEED`` when there is none).
    """

    __match_args__ = (
        "procedure",
        "at",
        "bleeding_risk",
        "handled_as",
        "findings",
        "earliest_time",
        "restart",
    )
    procedure: str
    at: datetime
    bleeding_risk: BleedingRisk
    handled_as: BleedingRisk
    findings: tuple[Finding, ...] = attrs.field(converter=_to_findings)
    """Every finding (a tuple of :class:`Finding`), most restrictive first."""
    earliest_time: datetime | None = None
    restart: Mapping[str, datetime] = attrs.field(factory=dict, hash=False)
    verdict: Verdict = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        # a frozen class: the documented attrs idiom for a field computed after __init__
        object.__setattr__(self, "verdict", _verdict_of(self.findings))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(procedure={self.procedure!r}, at={self.at!r}, "
            f"bleeding_risk={self.bleeding_risk!r}, handled_as={self.handled_as!r}, "
            f"findings={self.findings!r}, earliest_time={self.earliest_time!r}, "
            f"restart={self.restart!r}, verdict={self.verdict!r})"
        )

    def draw_timeline(
        self,
        patient: Patient | None = None,
        ax: Any = None,
        *,
        procedure_time: datetime | None = None,
    ) -> Any:
        """Draw the holds and restarts on a time axis (needs matplotlib, the ``plot`` extra).

        See :func:`interventional.safety.draw_timeline` for the parameters.
        """
        from interventional.safety._draw import draw_timeline

        return draw_timeline(self, patient, ax=ax, procedure_time=procedure_time)

    def by_code(self, code: str) -> tuple[Finding, ...]:
        """The findings whose code is ``code`` or starts with ``code + ':'``."""
        prefix = code + ":"
        return tuple(f for f in self.findings if f.code == code or f.code.startswith(prefix))

    def explain(self) -> str:
        """A report a clinician can check line by line.

        Every finding is listed with its verdict, its message, its sources, and for holds
        the drug and the time the hold is met; then the restarts and the references.
        """
        lines = [
            f"Assessment of {self.procedure} at {_fmt_time(self.at)}",
            f"Bleeding risk: {self.bleeding_risk.value} (procedure class), handled as "
            f"{self.handled_as.value}",
            f"Verdict: {self.verdict.name}",
            f"Earliest time every hold is met: {_fmt_time(self.earliest_time)}",
            "",
            "Findings (most restrictive first):" if self.findings else "Findings: none",
        ]
        for number, finding in enumerate(self.findings, 1):
            keys = ", ".join(ref.key for ref in finding.references) or "library policy"
            lines.append(f"{number:>3}. [{finding.verdict.name}] {finding.code}")
            lines.append(f"     {finding.message}")
            if finding.until is not None:
                lines.append(f"     until: {_fmt_time(finding.until)}")
            lines.append(f"     sources: {keys}")
        if self.restart:
            lines.append("")
            lines.append("Restart after the procedure (from its end where its duration is known):")
            for name, moment in self.restart.items():
                lines.append(f"  - {name}: not before {_fmt_time(moment)}")
        references: dict[str, Reference] = {}
        for finding in self.findings:
            for ref in finding.references:
                references.setdefault(ref.key, ref)
        if references:
            lines.append("")
            lines.append("References:")
            lines.extend(f"  {ref}" for ref in references.values())
        lines.append("")
        lines.append(
            "Educational model, not a medical device: check every line against the sources "
            "and the patient."
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            f"<td>{html.escape(f.verdict.name)}</td><td><code>{html.escape(f.code)}</code></td>"
            f"<td>{html.escape(f.message)}</td>"
            f"<td>{html.escape(_fmt_time(f.until) if f.until else '')}</td>"
            f"<td>{html.escape(', '.join(r.key for r in f.references))}</td>"
            "</tr>"
            for f in self.findings
        )
        restart = "".join(
            f"<li>{html.escape(name)}: {html.escape(_fmt_time(moment))}</li>"
            for name, moment in self.restart.items()
        )
        return (
            f"<div><p><b>{html.escape(self.procedure)}</b> at {html.escape(_fmt_time(self.at))}: "
            f"<b>{html.escape(self.verdict.name)}</b> (bleeding risk "
            f"{html.escape(self.bleeding_risk.value)}, handled as "
            f"{html.escape(self.handled_as.value)}; earliest time "
            f"{html.escape(_fmt_time(self.earliest_time))})</p>"
            "<table><tr><th>verdict</th><th>code</th><th>message</th><th>until</th>"
            f"<th>sources</th></tr>{rows}</table>"
            + (f"<p>Restart:</p><ul>{restart}</ul>" if restart else "")
            + "</div>"
        )


def _verdict_of(findings: Iterable[Finding]) -> Verdict:
    """The most restrictive verdict of ``findings`` (``PROCEED`` when there is none)."""
    worst = max(findings, key=_SEVERITY, default=None)
    return Verdict.PROCEED if worst is None else worst.verdict


_SEVERITY = operator.attrgetter("verdict.rank")
"""The sort key of a finding: its verdict's rank."""
