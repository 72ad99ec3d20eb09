"""Read a FHIR R4/R4B Bundle into a :class:`~interventional.safety.Patient`.

:func:`patient_from_bundle` validates the whole bundle through the R4B models of
``fhir.resources`` (a malformed bundle raises :class:`BundleError` naming the entry and
the field), then reads each entry:

================================  ==========================================================
resource                          read as
================================  ==========================================================
Patient                           ``birthDate`` to the age at ``at`` (whole years)
Observation (LOINC)               body weight (``weight``), pregnancy status (``pregnant``),
                                  laboratory results (:meth:`LabName.by_loinc`) with their
                                  ``effective[x]`` time and UCUM value; the latest creatinine
                                  clearance also fills ``creatinine_clearance``
MedicationStatement, -Request,    a :class:`MedicationUse` per drug (RxNorm, ATC, or the
-Administration                   drug's name in the text as a last resort), with the
                                  last-dose time described below, and the shared decision
                                  of the :data:`DECISION_EXTENSION` extension
Condition (SNOMED CT, ICD-10-CM)  ``conditions`` (:func:`condition_by_code`), ``devices``
                                  (presence-of-device codes), ``pregnant``
AllergyIntolerance                ``allergies`` (RxNorm, or a drug, class or contrast named
                                  in the text)
Device (SNOMED CT)                ``devices`` (:func:`device_by_code`)
================================  ==========================================================

Everything else, and every code that maps to nothing, is listed in
:attr:`ImportedPatient.unmapped` with the resource type, id and reason. A record the
rules would need and that cannot be read (an antithrombotic-looking medication that maps
to no drug; an INR, platelet count or creatinine clearance that cannot be read or has no
time) becomes an :class:`~interventional.safety.UnresolvedRecord` of the patient, which
makes the assessment INSUFFICIENT_DATA with a finding naming the resource.

The last dose
-------------
The hold rules count from the time of the last dose *taken*. Each resource type says
something different about it:

- **MedicationAdministration** records a dose given: its ``effectiveDateTime``, or the
  end of its ``effectivePeriod`` (an infusion runs until its end). An administration still
  ``in-progress`` without an end is current use with the last dose unknown.
- **MedicationStatement** records what the patient took: its ``effectiveDateTime`` (the
  FHIR definition: when the medication was taken), or the end of its ``effectivePeriod``.
  An open period (no end, or an end after ``at``) is current use with the last dose
  unknown. Without ``effective[x]`` the latest ``dosage.timing.event`` at or before ``at``
  counts.
- **MedicationRequest** is an order, not a dose. ``authoredOn`` is when the order was
  written, which says nothing of when the last dose was taken (it is a lower bound, and a
  hold counted from a lower bound ends too early), so it is never read as a dose time. An
  active order is current use with the last dose unknown; the end of
  ``dosageInstruction.timing.repeat.boundsPeriod`` (the last day the regimen allows, an
  upper bound of the last dose and so a safe one) counts where it is given.

Per drug, the latest dose time wins, unless some record says the drug is in current use
with its last dose unknown and no later record shows a dose: a statement dated after the
order was written (or the open period began), or, for an inpatient order
(``category`` ``inpatient``), an administration after it. Then the last dose is unknown,
and the engine asks for it wherever a hold applies (INSUFFICIENT_DATA). Indication and
route are not read (the engine asks for them where a rule depends on them).

Dates of lower precision follow :mod:`~interventional.fhir._time`: a dose time takes the
latest instant (a date stands for its last minute), a sample time the earliest.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from interventional.codes import CodeSystem
from interventional.concepts import Concept, answer_of, concept_of, concepts
from interventional.errors import (
    UnknownConditionError,
    UnknownDeviceError,
    UnknownDrugError,
    UnknownLabError,
    ValidationError,
)
from interventional.fhir._errors import BundleError, model, validation_error
from interventional.fhir._time import earliest, latest
from interventional.pharmacology import Drug, drug_by_code, drugs
from interventional.safety import (
    Decision,
    Indication,
    LabName,
    LabResult,
    MedicationUse,
    Patient,
    Route,
    RuleSet,
    UnresolvedRecord,
    default_rules,
)
from interventional.units import Q_, Quantity, from_ucum

__all__ = ["ImportedPatient", "Unmapped", "patient_from_bundle"]

_UCUM_URI = CodeSystem.UCUM.uri
_FUZZY_CUTOFF = 0.8
"""How close a word must be to an antithrombotic's name to count as one (difflib ratio):
one letter wrong in eight ('apixabn')."""
_MAX_PHRASE = 4
"""The longest run of words tried as one drug, class or device name ('ginkgo biloba')."""


@attrs.frozen(slots=True)
class Unmapped:
    """A resource, or a code in one, that the reader could not map.

    Attributes
    ----------
    resource_type : str
        The FHIR resource type (``"MedicationRequest"``).
    id : str or None
        The resource's ``id`` (``None`` when it has none).
    reason : str
        Why it was not mapped, in plain words.
    entry : int
        Its position in ``Bundle.entry``.
    blocking : bool
        Whether it is safety-relevant and so became an
        :class:`~interventional.safety.UnresolvedRecord` of the patient (which makes the
        assessment INSUFFICIENT_DATA).
    """

    resource_type: str
    id: str | None
    reason: str
    entry: int
    blocking: bool = False

    @property
    def source(self) -> str:
        """Where it is: ``"Type/id"``, or ``"entry[N] (Type)"`` for a resource without id."""
        if self.id:
            return f"{self.resource_type}/{self.id}"
        return f"entry[{self.entry}] ({self.resource_type})"


@attrs.frozen(slots=True)
class ImportedPatient:
    """What :func:`patient_from_bundle` read.

    Attributes
    ----------
    patient : Patient
        The patient (its :attr:`~interventional.safety.Patient.unresolved` holds the
        safety-relevant records that could not be read).
    unmapped : tuple of Unmapped
        Every resource or code that was not mapped, with the reason.
    notes : tuple of str
        What was mapped with a caveat: a drug found by its name in the text, a dose time
        that is unknown, a date read at lower precision.
    at : datetime
        The assessment time the bundle was read for (ages and cut-offs count from it).
    """

    patient: Patient
    unmapped: tuple[Unmapped, ...]
    notes: tuple[str, ...]
    at: datetime

    @property
    def blocking(self) -> tuple[Unmapped, ...]:
        """The unmapped records that make the assessment INSUFFICIENT_DATA."""
        return tuple(item for item in self.unmapped if item.blocking)


# ----------------------------------------------------------------------------- loading


def _load(bundle: object) -> dict[str, Any]:
    """The bundle as a JSON object: given as a mapping, JSON text, or a path to a file."""
    if isinstance(bundle, Mapping):
        return dict(bundle)
    text: str
    label = "bundle"
    if isinstance(bundle, os.PathLike) or (
        isinstance(bundle, str) and not bundle.lstrip().startswith("{")
    ):
        path = Path(bundle)
        label = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise BundleError(label, f"cannot read the file: {error.strerror}") from None
    elif isinstance(bundle, str | bytes):
        text = bundle.decode() if isinstance(bundle, bytes) else bundle
    else:
        raise BundleError(
            "bundle",
            f"expected a Bundle as a dict, JSON text or a path, got {type(bundle).__name__}",
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BundleError(
            label, f"not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    if not isinstance(data, dict):
        raise BundleError(label, f"expected a JSON object, got {type(data).__name__}")
    return data


def _validate(data: dict[str, Any]) -> Any:
    bundle = model("Bundle")
    from pydantic import ValidationError as PydanticError

    kind = data.get("resourceType")
    if kind != "Bundle":
        raise BundleError("resourceType", f"expected 'Bundle', got {kind!r}")
    try:
        return bundle.model_validate(data)
    except PydanticError as error:
        raise validation_error(error) from None


# ----------------------------------------------------------------------------- codes


def _codings(concept: Any) -> Iterator[tuple[CodeSystem, str]]:
    """The (system, code) pairs of a CodeableConcept in systems the library knows."""
    if concept is None:
        return
    for coding in concept.coding or ():
        if coding.system is None or coding.code is None:
            continue
        try:
            system = CodeSystem.parse(str(coding.system), field="system")
        except ValidationError:
            continue
        yield system, str(coding.code)


LOCAL = "urn:interventional:"

DECISION_EXTENSION = LOCAL + "extension:shared-decision"
"""The extension that carries a medication's shared decision (``MedicationUse.decision``).

On a MedicationStatement or MedicationRequest: ``{"url": DECISION_EXTENSION,
"valueCode": "continue"}`` (or ``"hold"``): the decision agreed with the prescriber, where
the guideline leaves the choice to a shared assessment. FHIR R4 has no element for a
periprocedural continue/hold decision; the extension is validated by the R4B models
(a ``valueCode``) and by the reader (one of the two codes)."""
"""The prefix of the library's own code systems (see :mod:`~interventional.fhir._write`)."""


def _local_codes(concept: Any, kind: str) -> list[str]:
    """The codes of the library's own code system ``kind`` in a CodeableConcept."""
    if concept is None:
        return []
    system = LOCAL + kind
    return [str(c.code) for c in concept.coding or () if c.system == system and c.code]


def _texts(concept: Any) -> list[str]:
    """The words of a CodeableConcept: its text, then each coding's display."""
    if concept is None:
        return []
    out = [str(concept.text)] if concept.text else []
    out += [str(c.display) for c in concept.coding or () if c.display]
    return out


def _describe(concept: Any) -> str:
    """A CodeableConcept in a few words, for reasons and notes."""
    if concept is None:
        return "(not identified: no code, no text)"
    parts = [f"{system.title} {code}" for system, code in _codings(concept)]
    others = [
        f"{c.system} {c.code}"
        for c in concept.coding or ()
        if c.code is not None and not _known_system(c.system)
    ]
    text = _texts(concept)
    shown = ", ".join(parts + others) or "no code"
    return f"{text[0]!r} ({shown})" if text else shown


def _known_system(system: object) -> bool:
    if system is None:
        return False
    try:
        CodeSystem.parse(str(system), field="system")
    except ValidationError:
        return False
    return True


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "-", text.strip().casefold())


def _phrases(text: str, lookup: Callable[[str], str | None]) -> list[str]:
    """What ``lookup`` finds in runs of words of ``text``, longest runs first, no overlap."""
    words = _WORD.findall(text)
    found: list[str] = []
    position = 0
    while position < len(words):
        for size in range(min(_MAX_PHRASE, len(words) - position), 0, -1):
            name = lookup(" ".join(words[position : position + size]))
            if name is not None:
                if name not in found:
                    found.append(name)
                position += size
                break
        else:
            position += 1
    return found


@attrs.frozen(slots=True)
class _Names:
    """The vocabulary's names, folded, for reading free text (made once per reading)."""

    drugs: Mapping[str, str]
    b01: tuple[str, ...]
    injectates: tuple[str, ...]

    @classmethod
    @functools.cache
    def build(cls) -> _Names:
        """The names of the built-in vocabulary (made once: the vocabulary is read once)."""
        groups = concepts()[Concept.ANTITHROMBOTIC_AGENTS].atc_groups
        by_name: dict[str, str] = {}
        b01: set[str] = set()
        injectates: set[str] = set()
        for record in drugs().values():
            is_b01 = any(code.startswith(groups) for code in record.codes.all(CodeSystem.ATC))
            for name in record.names:
                folded = _fold(name)
                by_name.setdefault(folded, record.name)
                if is_b01:
                    b01.add(folded)
                if record.drug_class.injectate:
                    injectates.add(folded)
        return cls(by_name, tuple(sorted(b01)), tuple(sorted(injectates)))

    def drug(self, phrase: str) -> str | None:
        return self.drugs.get(_fold(phrase))

    def like(self, texts: Iterable[str], names: tuple[str, ...]) -> str | None:
        """A name of ``names`` that a word of ``texts`` nearly spells, or ``None``."""
        for text in texts:
            for word in _WORD.findall(text):
                close = difflib.get_close_matches(_fold(word), names, n=1, cutoff=_FUZZY_CUTOFF)
                if close:
                    return close[0]
        return None


# ----------------------------------------------------------------------------- reading


@attrs.define
class _Dose:
    """What one medication resource says of one drug's last dose."""

    source: str
    indication: Indication | None
    route: Route | None
    last_dose: datetime | None
    kind: str  # "administration", "statement" or "request"
    ongoing: bool = False
    since: datetime | None = None
    charted: bool = False
    decision: Decision | None = None


@attrs.define
class _Reader:
    at: datetime
    rules: RuleSet
    names: _Names
    index: dict[str, Any]
    unmapped: list[Unmapped] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    unresolved: list[UnresolvedRecord] = attrs.Factory(list)
    doses: dict[str, list[_Dose]] = attrs.Factory(dict)
    labs: list[LabResult] = attrs.Factory(list)
    clearance: tuple[datetime, Quantity] | None = None
    weights: list[tuple[datetime | None, Quantity, str]] = attrs.Factory(list)
    pregnancy: list[tuple[datetime, bool | None, str]] = attrs.Factory(list)
    conditions: set[str] = attrs.Factory(set)
    devices: set[str] = attrs.Factory(set)
    allergies: set[str] = attrs.Factory(set)
    entry: int = 0
    resource: Any = None

    # -- bookkeeping

    @property
    def source(self) -> str:
        return self._unmapped_of("").source

    def _unmapped_of(self, reason: str, blocking: bool = False) -> Unmapped:
        resource = self.resource
        return Unmapped(resource.get_resource_type(), resource.id, reason, self.entry, blocking)

    def skip(self, reason: str) -> None:
        self.unmapped.append(self._unmapped_of(reason))

    def block(self, what: str, reason: str) -> None:
        item = self._unmapped_of(reason, blocking=True)
        self.unmapped.append(item)
        self.unresolved.append(UnresolvedRecord(item.source, what, reason))

    def note(self, text: str) -> None:
        self.notes.append(f"{self.source}: {text}")

    def after_at(self, moment: datetime | None) -> bool:
        return moment is not None and moment > self.at

    # -- Observation

    def observation(self, obs: Any) -> None:
        if obs.status not in ("final", "amended", "corrected"):
            self.skip(f"status {obs.status!r}: only final, amended or corrected results are read")
            return
        loinc = [code for system, code in _codings(obs.code) if system is CodeSystem.LOINC]
        for code in loinc:
            concept = concept_of(CodeSystem.LOINC, code)
            if concept is Concept.BODY_WEIGHT:
                self._weight(obs)
                return
            if concept is Concept.PREGNANCY_STATUS:
                self._pregnancy_status(obs)
                return
        for code in loinc:
            try:
                lab = LabName.by_loinc(code)
            except UnknownLabError:
                continue
            self._lab(obs, lab)
            return
        what = _describe(obs.code)
        wanted = self._lab_named(obs.code)
        if wanted is not None:
            self.block(
                f"{wanted.display_name} result {what}",
                f"its code is not one of the LOINC codes of {wanted.display_name}, which the "
                "rules read",
            )
            return
        self.skip(f"observation {what} is not one the rules read")

    def _lab_named(self, concept: Any) -> LabName | None:
        """A lab the rules need whose name the observation's text spells, or ``None``."""
        texts = [f"-{_fold(text)}-" for text in _texts(concept)]
        for lab in _NEEDED_LABS:
            names = {lab.value, *(p for p in re.split(r"[()]", lab.display_name) if p.strip())}
            if any(f"-{_fold(name)}-" in text for text in texts for name in names):
                return lab
        return None

    def _sample_time(self, obs: Any) -> datetime | None:
        if obs.effectiveDateTime is not None:
            return earliest(obs.effectiveDateTime, self.at)
        if obs.effectiveInstant is not None:
            return earliest(obs.effectiveInstant, self.at)
        if obs.effectivePeriod is not None:
            return earliest(obs.effectivePeriod.start or obs.effectivePeriod.end, self.at)
        return None

    def _quantity(self, obs: Any) -> Quantity | str:
        """The observation's value as a Quantity, or why it cannot be read."""
        value = obs.valueQuantity
        if value is None:
            given = [name for name in type(obs).model_fields if name.startswith("value")]
            present = [name for name in given if getattr(obs, name) is not None]
            if obs.dataAbsentReason is not None:
                return f"no value ({_describe(obs.dataAbsentReason)})"
            return f"no valueQuantity (given: {', '.join(present) or 'nothing'})"
        if value.comparator is not None:
            return f"the value is censored ({value.comparator}{value.value})"
        if value.value is None:
            return "the valueQuantity has no value"
        code = value.code if value.system in (None, _UCUM_URI) else None
        unit = code or value.unit
        number = float(value.value)
        if unit is None:
            return Q_(number, "")
        try:
            return from_ucum(number, str(unit), field="value")
        except ValidationError as error:
            return error.reason

    def _lab(self, obs: Any, lab: LabName) -> None:
        taken_at = self._sample_time(obs)
        needed = lab.decides or lab is LabName.CREATININE_CLEARANCE
        what = f"{lab.display_name} result"
        if taken_at is None:
            reason = "no effective time, so it cannot be dated against the procedure"
            if needed:
                self.block(what, reason)
            else:
                self.skip(f"{what}: {reason}")
            return
        if self.after_at(taken_at):
            self.skip(f"{what} taken after the assessment time")
            return
        value = self._quantity(obs)
        result: LabResult | None = None
        if not isinstance(value, str):
            plain: float | Quantity = (
                float(value.to("").magnitude)
                if lab is LabName.INR and _dimensionless(value)
                else value
            )
            try:
                result = LabResult(lab, plain, taken_at)
            except ValidationError as error:
                value = error.reason
        if result is None:
            if needed:
                self.block(what, str(value))
            else:
                self.skip(f"{what}: {value}")
            return
        self.labs.append(result)
        if lab is LabName.CREATININE_CLEARANCE and (
            self.clearance is None or taken_at >= self.clearance[0]
        ):
            self.clearance = (taken_at, result.value)  # type: ignore[assignment]

    def _weight(self, obs: Any) -> None:
        value = self._quantity(obs)
        if isinstance(value, str) or not value.is_compatible_with("kg"):
            self.skip(f"body weight: {value if isinstance(value, str) else 'not a mass'}")
            return
        taken_at = self._sample_time(obs)
        if self.after_at(taken_at):
            self.skip("body weight taken after the assessment time")
            return
        self.weights.append((taken_at, value.to("kg"), self.source))

    def _pregnancy_status(self, obs: Any) -> None:
        taken_at = self._sample_time(obs)
        answer: Concept | None = None
        concept = obs.valueCodeableConcept
        for coding in concept.coding or () if concept is not None else ():
            if coding.code is None:
                continue
            answer = answer_of(str(coding.code))
            if answer is None and _known_system(coding.system):
                system = CodeSystem.parse(str(coding.system), field="system")
                answer = concept_of(system, str(coding.code))
            if answer is not None:
                break
        status = {Concept.PREGNANT: True, Concept.NOT_PREGNANT: False}.get(answer)  # type: ignore[arg-type]
        if answer not in (Concept.PREGNANT, Concept.NOT_PREGNANT, Concept.PREGNANCY_UNKNOWN):
            self.skip(f"pregnancy status {_describe(concept)} is not an answer the reader knows")
            return
        if taken_at is None or self.after_at(taken_at):
            self.skip("pregnancy status without a time at or before the assessment time")
            return
        self.pregnancy.append((taken_at, status, self.source))

    # -- medications

    def medication(self, resource: Any) -> None:
        kind = resource.get_resource_type()
        status = resource.status
        skipped = {
            "MedicationStatement": ("entered-in-error", "not-taken", "intended"),
            "MedicationRequest": ("entered-in-error", "cancelled", "draft"),
            "MedicationAdministration": ("entered-in-error", "not-done"),
        }[kind]
        if status in skipped:
            self.skip(f"status {status!r}: not a medication the patient takes")
            return
        if kind == "MedicationRequest" and resource.doNotPerform:
            self.skip("doNotPerform: an order not to give the medication")
            return
        concept = self._medication_concept(resource)
        found = self._drug(concept)
        if isinstance(found, str):
            self._unknown_medication(concept, found)
            return
        drug, by_text = found
        if by_text:
            self.note(f"{drug.name} read from the text {_texts(concept)[0]!r}, not from a code")
        dose = self._dose(resource, kind, *self._variant(resource, kind))
        if dose is None:
            return
        dose.decision = self._decision(resource)
        self.doses.setdefault(drug.name, []).append(dose)

    def _decision(self, resource: Any) -> Decision | None:
        """The shared decision of the :data:`DECISION_EXTENSION` extension, if any."""
        found: Decision | None = None
        for extension in resource.extension or ():
            if extension.url != DECISION_EXTENSION:
                continue
            code = extension.valueCode
            try:
                decision = Decision.parse(code or "", field="decision")
            except ValidationError:
                self.note(
                    f"shared decision {code!r} is neither 'continue' nor 'hold': not recorded"
                )
                return None
            if found is not None and found is not decision:
                self.note("two different shared decisions on one record: not recorded")
                return None
            found = decision
        return found

    def _variant(self, resource: Any, kind: str) -> tuple[Indication | None, Route | None]:
        """The indication (``reasonCode`` text) and route (``dosage.route``) where readable."""
        indication = route = None
        for concept in resource.reasonCode or ():
            for text in _texts(concept):
                found = _phrases(text, _parser(Indication))
                if found:
                    indication = Indication(found[0])
                    break
        dosages = resource.dosageInstruction if kind == "MedicationRequest" else resource.dosage
        if kind == "MedicationAdministration":
            dosages = [resource.dosage] if resource.dosage is not None else []
        for dosage in dosages or ():
            for text in _texts(dosage.route):
                found = _phrases(text, _parser(Route))
                if found:
                    route = Route(found[0])
                    break
        return indication, route

    def _medication_concept(self, resource: Any) -> Any:
        if resource.medicationCodeableConcept is not None:
            return resource.medicationCodeableConcept
        reference = resource.medicationReference
        target = None
        if reference is not None and reference.reference:
            ref = str(reference.reference)
            if ref.startswith("#"):
                target = next((c for c in resource.contained or () if c.id == ref[1:]), None)
            else:
                target = self.index.get(ref)
        if target is not None and target.get_resource_type() == "Medication":
            return target.code
        if reference is not None and reference.display:
            return _Display(str(reference.display))
        return None

    def _drug(self, concept: Any) -> tuple[Drug, bool] | str:
        """The drug a medication names and whether it was read from text, or why not."""
        reasons: list[str] = []
        for system, code in _codings(concept):
            if system not in (CodeSystem.RXNORM, CodeSystem.ATC):
                continue
            try:
                return drug_by_code(system, code), False
            except UnknownDrugError as error:
                reasons.append(str(error))
        for code in _local_codes(concept, "drug"):
            if code in drugs():
                return drugs()[code], False
        names: list[str] = []
        for text in _texts(concept):
            names = _phrases(text, self.names.drug)
            if names:
                break
        if len(names) == 1:
            return drugs()[names[0]], True
        if len(names) > 1:
            return f"its text names several drugs ({', '.join(names)})"
        return "; ".join(reasons) or "no RxNorm or ATC code, and no drug's name in its text"

    def _unknown_medication(self, concept: Any, reason: str) -> None:
        what = f"medication {_describe(concept)}"
        groups = concepts()[Concept.ANTITHROMBOTIC_AGENTS].atc_groups
        atc = [
            code
            for system, code in _codings(concept)
            if system is CodeSystem.ATC and code.upper().startswith(groups)
        ]
        if concept is None or not (_texts(concept) or any(True for _ in _codings(concept))):
            self.block(
                what, "the medication cannot be identified (no code the library reads, no text)"
            )
        elif atc:
            self.block(what, f"{reason}; its ATC code {atc[0]} is an antithrombotic agent")
        elif "several drugs" in reason:
            self.block(what, reason)
        else:
            like = self.names.like(_texts(concept), self.names.b01)
            if like is not None:
                self.block(what, f"{reason}; its name looks like {like!r}, an antithrombotic")
            else:
                self.skip(f"{what}: {reason}; not an antithrombotic by its code or name")

    def _dose(
        self, resource: Any, kind: str, indication: Indication | None, route: Route | None
    ) -> _Dose | None:
        at = self.at
        source = (self.source, indication, route)
        if kind == "MedicationAdministration":
            if resource.effectiveDateTime is not None:
                moment = latest(resource.effectiveDateTime, at)
            else:
                period = resource.effectivePeriod
                moment = latest(period.end, at) if period is not None and period.end else None
                if moment is None:
                    since = earliest(period.start, at) if period is not None else None
                    self.note("an administration without an end: its last dose is unknown")
                    return _Dose(*source, None, "administration", ongoing=True, since=since)
            if self.after_at(
                earliest(resource.effectiveDateTime or resource.effectivePeriod.start, at)
            ):
                self.skip("given after the assessment time")
                return None
            return _Dose(*source, moment, "administration")
        if kind == "MedicationStatement":
            if resource.effectiveDateTime is not None:
                start = earliest(resource.effectiveDateTime, at)
                if self.after_at(start):
                    self.skip("taken after the assessment time")
                    return None
                return _Dose(*source, latest(resource.effectiveDateTime, at), "statement")
            period = resource.effectivePeriod
            if period is not None:
                start = earliest(period.start, at) if period.start else None
                if self.after_at(start):
                    self.skip("a period that begins after the assessment time")
                    return None
                end = earliest(period.end, at) if period.end else None
                if end is not None and end <= at:
                    return _Dose(*source, latest(period.end, at), "statement")
                self.note(
                    "taken over a period still open at the assessment time: last dose unknown"
                )
                return _Dose(*source, None, "statement", ongoing=True, since=start)
            event = _last_event((d.timing for d in resource.dosage or ()), at)
            if event is not None:
                return _Dose(*source, event, "statement")
            self.note("a statement with no time: the last dose is unknown")
            return _Dose(*source, None, "statement", ongoing=True)
        # MedicationRequest: an order, never a dose time (see the module's docstring)
        since = earliest(resource.authoredOn, at) if resource.authoredOn else None
        if self.after_at(since):
            self.skip("ordered after the assessment time")
            return None
        inpatient = any(
            code == "inpatient"
            for concept in resource.category or ()
            for code in (c.code for c in concept.coding or ())
        )
        bound = _regimen_end((d.timing for d in resource.dosageInstruction or ()), at)
        if bound is not None and bound <= at:
            return _Dose(*source, bound, "request")
        if resource.status in ("completed", "stopped"):
            self.note(
                f"a {resource.status} order with no end time: the last dose is unknown "
                "(authoredOn is when it was written, not a dose)"
            )
        else:
            self.note("an order is not a dose: the last dose is unknown")
        return _Dose(*source, None, "request", ongoing=True, since=since, charted=inpatient)

    def medication_uses(self) -> list[MedicationUse]:
        uses = []
        for name, doses in self.doses.items():
            indication = next((d.indication for d in doses if d.indication), None)
            route = next((d.route for d in doses if d.route), None)
            decisions = {d.decision for d in doses if d.decision is not None}
            decision = decisions.pop() if len(decisions) == 1 else None
            if len(decisions) > 1:
                self.notes.append(
                    f"{name}: the records give different shared decisions: not recorded"
                )
            known = [d for d in doses if d.last_dose is not None]
            last = max((d.last_dose for d in known), default=None)  # type: ignore[type-var]
            for open_use in (d for d in doses if d.ongoing):
                shown = any(
                    d.last_dose is not None
                    and open_use.since is not None
                    and d.last_dose >= open_use.since
                    and (d.kind == "statement" or (open_use.charted and d.kind == "administration"))
                    for d in known
                )
                if not shown:
                    last = None
                    break
            uses.append(
                MedicationUse(
                    name, last_dose=last, indication=indication, route=route, decision=decision
                )
            )
        return uses

    # -- conditions, allergies, devices

    def condition(self, condition: Any) -> None:
        verification = _first_code(condition.verificationStatus)
        if verification in ("refuted", "entered-in-error"):
            self.skip(f"verification status {verification!r}")
            return
        clinical = _first_code(condition.clinicalStatus)
        onset = earliest(condition.onsetDateTime or condition.recordedDate, self.at)
        if self.after_at(onset):
            self.skip("recorded after the assessment time")
            return
        ended = earliest(condition.abatementDateTime, self.at)
        current = clinical in (None, "active", "recurrence", "relapse") and not (
            ended is not None and ended <= self.at
        )
        for system, code in _codings(condition.code):
            if concept_of(system, code) is Concept.PREGNANT:
                if current:
                    self.pregnancy.append((onset or self.at, True, self.source))
                elif ended is not None:
                    self.pregnancy.append((ended, False, self.source))
                else:
                    self.skip(f"pregnancy with clinical status {clinical!r} and no end date")
                return
        if not current:
            self.skip(f"not current (clinical status {clinical!r})")
            return
        for system, code in _codings(condition.code):
            try:
                self.conditions.add(self.rules.condition_by_code(system, code).code)
                return
            except (UnknownConditionError, ValidationError):
                pass
            try:
                self.devices.add(self.rules.device_by_code(system, code).code)
                return
            except (UnknownDeviceError, ValidationError):
                pass
        for code in _local_codes(condition.code, "condition"):
            if code in self.rules.conditions or code.startswith("other:"):
                self.conditions.add(code)
                return
        self.skip(f"condition {_describe(condition.code)} is not one the rules read")

    def allergy(self, allergy: Any) -> None:
        verification = _first_code(allergy.verificationStatus)
        if verification in ("refuted", "entered-in-error"):
            self.skip(f"verification status {verification!r}")
            return
        clinical = _first_code(allergy.clinicalStatus)
        if clinical in ("inactive", "resolved"):
            self.skip(f"not current (clinical status {clinical!r})")
            return
        for system, code in _codings(allergy.code):
            if system is CodeSystem.RXNORM:
                try:
                    self.allergies.add(drug_by_code(system, code).name)
                    return
                except UnknownDrugError:
                    pass
        local = [code for code in _local_codes(allergy.code, "allergy") if _allergy_code(code)]
        if local:
            self.allergies.update(
                code if code.startswith("other:") else _allergy_code(code) or code for code in local
            )
            return
        found: list[str] = []
        for text in _texts(allergy.code):
            found = _phrases(text, _allergy_code)
            if found:
                break
        if found:
            self.allergies.update(found)
            self.note(f"allergy to {', '.join(found)} read from its text")
            return
        what = f"allergy {_describe(allergy.code)}"
        like = self.names.like(_texts(allergy.code), self.names.injectates)
        if like is not None:
            self.block(what, f"not mapped; its name looks like {like!r}, which procedures inject")
        else:
            self.skip(f"{what}: not a drug, class or contrast agent of the vocabulary")

    def device(self, device: Any) -> None:
        if device.status in ("inactive", "entered-in-error"):
            self.skip(f"status {device.status!r}")
            return
        for system, code in _codings(device.type):
            try:
                self.devices.add(self.rules.device_by_code(system, code).code)
                return
            except (UnknownDeviceError, ValidationError):
                pass
        for code in _local_codes(device.type, "device"):
            if code in self.rules.devices or code.startswith("other:"):
                self.devices.add(code)
                return
        names = [str(n.name) for n in device.deviceName or () if n.name]
        found: list[str] = []
        for text in [*_texts(device.type), *names]:
            found = _phrases(text, lambda phrase: _device_code(phrase, self.rules))
            if found:
                break
        if found:
            self.devices.update(found)
            self.note(f"device {', '.join(found)} read from its name")
            return
        self.skip(f"device {_describe(device.type)} is not one the rules read")


@attrs.frozen(slots=True)
class _Display:
    """A medication known only by a reference's display text (a stand-in CodeableConcept)."""

    text: str
    coding: tuple[()] = ()


def _dimensionless(value: Quantity) -> bool:
    return bool(value.dimensionless)


def _first_code(concept: Any) -> str | None:
    if concept is None:
        return None
    for coding in concept.coding or ():
        if coding.code:
            return str(coding.code)
    return None


def _parser(enum: type[Indication] | type[Route]) -> Callable[[str], str | None]:
    """A look-up of a phrase as a member of ``enum`` (its value, or ``None``)."""

    def lookup(phrase: str) -> str | None:
        try:
            member: Indication | Route = enum.parse(phrase, field="value")
        except ValidationError:
            return None
        return str(member.value)

    return lookup


def _allergy_code(phrase: str) -> str | None:
    converter: Callable[[list[str]], tuple[str, ...]] = attrs.fields(Patient).allergies.converter  # type: ignore[assignment]
    try:
        found = converter([phrase])
    except ValidationError:
        return None
    return found[0] if found else None


def _device_code(phrase: str, rules: RuleSet) -> str | None:
    folded = _fold(phrase)
    return folded if folded in rules.devices else None


def _last_event(timings: Iterable[Any], at: datetime) -> datetime | None:
    """The latest ``Timing.event`` at or before ``at`` (a dose time), or ``None``."""
    moments = [
        latest(event, at)
        for timing in timings
        if timing is not None
        for event in timing.event or ()
    ]
    past = [m for m in moments if m is not None and m <= at]
    return max(past, default=None)


def _regimen_end(timings: Iterable[Any], at: datetime) -> datetime | None:
    """The latest end of ``Timing.repeat.boundsPeriod`` (an upper bound of the last dose)."""
    ends = [
        latest(timing.repeat.boundsPeriod.end, at)
        for timing in timings
        if timing is not None
        and timing.repeat is not None
        and timing.repeat.boundsPeriod is not None
        and timing.repeat.boundsPeriod.end is not None
    ]
    known = [end for end in ends if end is not None]
    return max(known, default=None)


def _age(birth: object, at: datetime) -> int:
    """Whole years from a FHIR birth date (a date, or a year or year-month) to ``at``."""
    if isinstance(birth, date):
        born = birth
    else:
        parts = [int(part) for part in str(birth).split("-")]
        born = date(parts[0], parts[1] if len(parts) > 1 else 1, 1)
    today = at.date()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


_NEEDED_LABS = (*(lab for lab in LabName if lab.decides), LabName.CREATININE_CLEARANCE)
"""The labs whose results the rules read (INR, platelets) or the patient's creatinine
clearance comes from: one of them that cannot be read is an unresolved record."""

_READERS = {
    "Observation": _Reader.observation,
    "MedicationStatement": _Reader.medication,
    "MedicationRequest": _Reader.medication,
    "MedicationAdministration": _Reader.medication,
    "Condition": _Reader.condition,
    "AllergyIntolerance": _Reader.allergy,
    "Device": _Reader.device,
}


def patient_from_bundle(
    bundle: object, *, at: datetime, rules: RuleSet | None = None
) -> ImportedPatient:
    """Read a FHIR R4/R4B Bundle into a patient, listing what could not be mapped.

    Parameters
    ----------
    bundle : dict, str or path
        The Bundle as a JSON object, JSON text, or the path of a ``.json`` file.
    at : datetime
        The assessment time: the age is counted to it, results and doses after it are left
        out, and its awareness (naive or timezone-aware) is the patient's.
    rules : RuleSet, optional
        Whose condition and device vocabulary to map to (default: the built-in rules).

    Returns
    -------
    ImportedPatient
        ``.patient``, ``.unmapped`` (resource type, id, reason) and ``.notes``.

    Raises
    ------
    BundleError
        When the input is not a valid FHIR Bundle (naming the entry and the field, as
        ``entry[3].resource.effectiveDateTime: ...``), holds no Patient with a birth date,
        or holds more than one Patient.

    References
    ----------
    HL7-FHIR-R4B

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> from interventional.fhir import patient_from_bundle
    >>> at = datetime(2026, 3, 10, 9, 0)
    >>> bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
    ...     {"resource": {"resourceType": "Patient", "id": "p", "birthDate": "1956-05-01"}},
    ...     {"resource": {"resourceType": "MedicationStatement", "id": "m", "status": "active",
    ...                   "subject": {"reference": "Patient/p"},
    ...                   "effectiveDateTime": "2026-03-08T09:00:00Z",
    ...                   "medicationCodeableConcept": {"coding": [{
    ...                       "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
    ...                       "code": "1364430"}]}}}]}
    >>> imported = patient_from_bundle(bundle, at=at)
    >>> imported.patient.age, imported.patient.medications[0]
    (<Quantity(69, 'year')>, MedicationUse(drug='apixaban', last_dose=datetime.datetime(2026, 3, 8, 9, 0), indication=None, route=None, dose=None, decision=None))
    """
    if not isinstance(at, datetime):
        raise ValidationError("at", f"expected a datetime, got {type(at).__name__}")
    model = _validate(_load(bundle))
    entries = list(model.entry or ())
    index: dict[str, Any] = {}
    patients: list[tuple[int, Any]] = []
    for number, entry in enumerate(entries):
        resource = entry.resource
        if resource is None:
            continue
        kind = resource.get_resource_type()
        if resource.id:
            index[f"{kind}/{resource.id}"] = resource
        if entry.fullUrl:
            index[str(entry.fullUrl)] = resource
        if kind == "Patient":
            patients.append((number, resource))
    if len(patients) != 1:
        found = ", ".join(f"entry[{n}]" for n, _ in patients) or "none"
        raise BundleError("entry", f"expected one Patient resource, found {found}")
    number, person = patients[0]
    if person.birthDate is None:
        raise BundleError(
            f"entry[{number}].resource.birthDate", "missing: the patient's age is required"
        )
    reader = _Reader(at, rules or default_rules(), _Names.build(), index)
    for number, entry in enumerate(entries):
        resource = entry.resource
        if resource is None:
            continue
        reader.entry, reader.resource = number, resource
        kind = resource.get_resource_type()
        read = _READERS.get(kind)
        if read is not None:
            read(reader, resource)
        elif kind not in ("Patient", "Medication"):
            reader.skip(f"{kind} is not a resource the screening reads")
    weights = sorted(
        reader.weights, key=lambda item: (item[0] is not None, item[0] or at), reverse=True
    )
    weight = weights[0][1] if weights else None
    if weights and weights[0][0] is None:
        reader.notes.append(f"{weights[0][2]}: the body weight has no time")
    pregnant = max(reader.pregnancy, key=lambda item: item[0])[1] if reader.pregnancy else None
    clearance = reader.clearance[1] if reader.clearance is not None else None
    patient = Patient(
        age=_age(person.birthDate, at),
        weight=weight,
        pregnant=pregnant,
        medications=reader.medication_uses(),
        labs=reader.labs,
        conditions=sorted(reader.conditions),
        allergies=sorted(reader.allergies),
        devices=sorted(reader.devices),
        creatinine_clearance=clearance,
        id=person.id,
        unresolved=reader.unresolved,
    )
    return ImportedPatient(patient, tuple(reader.unmapped), tuple(reader.notes), at)
