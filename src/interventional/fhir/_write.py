"""Write procedures, plans, assessments and patients as FHIR R4B resources.

Every resource is built as a model of ``fhir.resources.R4B`` (so an invalid one cannot be
written) and returned as its JSON form (a dict):

- a :class:`~interventional.procedures.Procedure` is an **ActivityDefinition**: its id,
  name, description, code (the procedure's SNOMED CT code where the catalogue has one),
  the structures it can target as ``bodySite`` (with their SNOMED CT codes where the
  atlas has them) and its references as ``relatedArtifact`` citations;
- a :class:`~interventional.procedures.ProcedurePlan` is a **ServiceRequest** (a proposal):
  the procedure's code, one ``bodySite`` per target structure, the side as a SNOMED CT
  laterality qualifier on a contained BodyStructure (the standard
  ``procedure-targetBodyStructure`` extension), the modality and levels as
  ``orderDetail`` (with the library's own codes, and the target and injectates where the
  plan has them), the duration as ``occurrenceTiming.repeat.duration`` with its
  ``durationUnit``, and an optional ``reasonReference``
  (:func:`~interventional.fhir.plan_from_resource` reads it back);
- an :class:`~interventional.safety.Assessment` is a **RiskAssessment** whose prediction
  is the verdict, with one contained **DetectedIssue** per finding at DEFER or above (its
  message, severity, sources, and the period from the procedure time to the finding's
  earliest time), referenced from ``basis``;
- a :class:`~interventional.safety.Patient` is a **Bundle** (:func:`patient_to_bundle`)
  that :func:`~interventional.fhir.patient_from_bundle` reads back to a patient with the
  same assessment.

The library's own codes (verdicts, finding codes, conditions, allergies and devices that no
standard code names) are written in its own code systems, ``urn:interventional:<kind>``.
A naive datetime is written as UTC (FHIR requires a time zone on a time), as the reader
reads a naive ``at``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from interventional.codes import CodeSystem
from interventional.concepts import Concept, concepts
from interventional.errors import ValidationError
from interventional.fhir._errors import model, validation_error
from interventional.fhir._plan import duration_timing
from interventional.fhir._read import DECISION_EXTENSION, LOCAL
from interventional.pharmacology import drugs
from interventional.procedures import Procedure, ProcedurePlan
from interventional.procedures.catalog import reachable_targets
from interventional.references import Reference
from interventional.safety import (
    Assessment,
    Finding,
    LabName,
    Patient,
    RuleSet,
    Verdict,
    assess,
    default_rules,
)
from interventional.units import from_ucum, magnitude

__all__ = ["assess_imported", "patient_to_bundle", "to_bundle", "to_resource"]


_SEVERITY = {Verdict.CONTRAINDICATED: "high", Verdict.DEFER: "moderate"}
_NAMESPACE = uuid.UUID("5b1f7e4e-3c1a-4d0e-9a55-6f0c2f4b7a10")


def _validated(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` checked through the R4B model of ``kind``, in its JSON form."""
    resource_model = model(kind)
    from pydantic import ValidationError as PydanticError

    try:
        resource = resource_model.model_validate(data)
    except PydanticError as error:  # a bug of the writer: say where
        raise validation_error(error) from None
    out: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return out


def _instant(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.isoformat()


def _coding(system: CodeSystem | str, code: str, display: str | None = None) -> dict[str, str]:
    uri = system.uri if isinstance(system, CodeSystem) else system
    out = {"system": uri, "code": code}
    if display:
        out["display"] = display
    return out


def _standard_codings(codes: object, systems: Iterable[CodeSystem]) -> list[dict[str, str]]:
    """The codings of a record's code table (``Codes`` or a mapping) in ``systems``."""
    wanted = tuple(systems)
    pairs: list[tuple[CodeSystem, str]] = []
    if hasattr(codes, "codings"):
        pairs = list(codes.codings())
    elif isinstance(codes, Mapping):
        for key, value in codes.items():
            try:
                system = CodeSystem.parse(key, field="system")
            except ValidationError:
                continue
            for code in [value] if isinstance(value, str) else value:
                pairs.append((system, str(code)))
    return [_coding(system, code) for system, code in pairs if system in wanted]


def _local(kind: str, code: str, display: str | None = None) -> dict[str, str]:
    return _coding(LOCAL + kind, code, display)


def _citation(ref: Reference) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "citation", "label": ref.key, "citation": ref.title}
    if ref.link:
        out["url"] = ref.link
    return out


def _procedure_code(procedure: Procedure) -> dict[str, Any]:
    codings = _standard_codings(getattr(procedure, "codes", {}), (CodeSystem.SNOMED,))
    codings.append(_local("procedure", procedure.id, procedure.name))
    return {"coding": codings, "text": procedure.name}


def _structure_site(structure: Any) -> dict[str, Any]:
    codings = _standard_codings(getattr(structure, "xrefs", {}), (CodeSystem.SNOMED,))
    codings.append(_local("structure", structure.id, structure.name))
    return {"coding": codings, "text": structure.name}


def _activity_definition(procedure: Procedure) -> dict[str, Any]:
    from interventional.anatomy.atlas import default_atlas

    atlas = default_atlas()
    sites = [_structure_site(atlas[ident]) for ident in sorted(reachable_targets(procedure))]
    data: dict[str, Any] = {
        "resourceType": "ActivityDefinition",
        "id": procedure.id,
        "name": "".join(part.capitalize() for part in procedure.id.split("-") if part.isalnum()),
        "title": procedure.name,
        "status": "active",
        "kind": "ServiceRequest",
        "code": _procedure_code(procedure),
        "relatedArtifact": [_citation(ref) for ref in procedure.references],
    }
    if procedure.description:
        data["description"] = procedure.description
    if sites:
        data["bodySite"] = sites
    return _validated("ActivityDefinition", data)


def _subject(subject: str | Mapping[str, Any] | None) -> dict[str, Any]:
    if subject is None:
        return {"display": "patient not given"}
    if isinstance(subject, str):
        return {"reference": subject}
    return dict(subject)


def _service_request(
    plan: ProcedurePlan,
    subject: str | Mapping[str, Any] | None,
    reason: str | Mapping[str, Any] | None,
) -> dict[str, Any]:
    who = _subject(subject)
    targets = plan.targets
    data: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "subject": who,
        "code": _procedure_code(plan.procedure),
        "orderDetail": [
            {
                "coding": [_local("modality", plan.modality.value)],
                "text": f"under {plan.modality.value}",
            }
        ],
        "note": [{"text": str(plan)}],
    }
    if plan.levels:
        data["orderDetail"].append(
            {
                "coding": [_local("level", str(level)) for level in plan.levels],
                "text": "at " + ", ".join(str(level) for level in plan.levels),
            }
        )
    if plan.target is not None:
        data["orderDetail"].append(
            {"coding": [_local("target", plan.target)], "text": f"target {plan.target}"}
        )
    for dose in plan.injectates:
        data["orderDetail"].append(
            {"coding": [_local("injectate", dose.drug.name)], "text": f"inject {dose}"}
        )
    if plan.duration is not None:
        data["occurrenceTiming"] = duration_timing(plan.duration)
    if targets:
        data["bodySite"] = [_structure_site(structure) for structure in targets]
        contained = []
        for number, structure in enumerate(targets, 1):
            body: dict[str, Any] = {
                "resourceType": "BodyStructure",
                "id": f"site-{number}",
                "location": _structure_site(structure),
                "patient": who if "reference" in who else {"display": who["display"]},
            }
            side = _laterality(structure.side.value)
            if side is not None:
                body["locationQualifier"] = [side]
            contained.append(body)
        data["contained"] = contained
        data["extension"] = [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/procedure-targetBodyStructure",
                "valueReference": {"reference": f"#{body['id']}"},
            }
            for body in contained
        ]
    if reason is not None:
        data["reasonReference"] = [_subject(reason)]
    return _validated("ServiceRequest", data)


def _laterality(side: str) -> dict[str, Any] | None:
    try:
        concept = Concept(side)
    except ValueError:
        return None
    record = concepts()[concept]
    return {"coding": _standard_codings(record.codes, (CodeSystem.SNOMED,)), "text": side}


def _issue(
    finding: Finding, assessment: Assessment, number: int, who: dict[str, Any]
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "resourceType": "DetectedIssue",
        "id": f"issue-{number}",
        "status": "final",
        "code": {"coding": [_local("finding", finding.code)], "text": finding.code},
        "severity": _SEVERITY.get(finding.verdict, "moderate"),
        "patient": who,
        "detail": finding.message,
    }
    if finding.until is not None:
        data["identifiedPeriod"] = {
            "start": _instant(assessment.at),
            "end": _instant(finding.until),
        }
        data["mitigation"] = [
            {"action": {"text": f"wait until {_instant(finding.until)} (earliest time)"}}
        ]
    else:
        data["identifiedDateTime"] = _instant(assessment.at)
    if finding.references:
        link = next((ref.link for ref in finding.references if ref.link), None)
        if link:
            data["reference"] = link
        data["evidence"] = [{"detail": [{"display": str(ref)} for ref in finding.references]}]
    return data


def _risk_assessment(
    assessment: Assessment, subject: str | Mapping[str, Any] | None
) -> dict[str, Any]:
    who = _subject(subject)
    verdict = assessment.verdict
    issues = [
        _issue(finding, assessment, number, who)
        for number, finding in enumerate(
            (f for f in assessment.findings if f.verdict >= Verdict.DEFER), 1
        )
    ]
    prediction: dict[str, Any] = {
        "outcome": {
            "coding": [_local("verdict", verdict.value, verdict.name)],
            "text": verdict.name,
        },
        "rationale": "; ".join(f"{f.verdict.name}: {f.code}" for f in assessment.findings)
        or "no finding",
    }
    data: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "subject": who,
        "occurrenceDateTime": _instant(assessment.at),
        "code": {
            "coding": [_local("procedure", assessment.procedure)],
            "text": f"contraindication screening before {assessment.procedure}",
        },
        "prediction": [prediction],
        "note": [{"text": assessment.explain()}],
    }
    if assessment.earliest_time is not None:
        data["mitigation"] = (
            f"earliest time every hold is met: {_instant(assessment.earliest_time)}"
        )
    if issues:
        data["contained"] = issues
        data["basis"] = [{"reference": f"#{issue['id']}"} for issue in issues]
    return _validated("RiskAssessment", data)


def to_resource(
    obj: Procedure | ProcedurePlan | Assessment,
    *,
    subject: str | Mapping[str, Any] | None = None,
    reason: str | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The FHIR R4B resource (JSON, a dict) for a procedure, a plan or an assessment.

    Parameters
    ----------
    obj : Procedure, ProcedurePlan or Assessment
        A :class:`Procedure` becomes an ActivityDefinition, a :class:`ProcedurePlan` a
        ServiceRequest, an :class:`Assessment` a RiskAssessment with a contained
        DetectedIssue per finding at DEFER or above.
    subject : str or dict, optional
        The patient the plan or assessment is for (``"Patient/123"`` or a Reference);
        default: a Reference with only a display text.
    reason : str or dict, optional
        A plan's ``reasonReference`` (``"Condition/back-pain"`` or a Reference).

    Returns
    -------
    dict
        The resource, validated by the ``fhir.resources`` R4B model of its type.

    Raises
    ------
    ValidationError
        For an object of another type.

    References
    ----------
    HL7-FHIR-R4B

    Examples
    --------
    >>> from interventional.fhir import to_resource
    >>> from interventional.procedures import plan
    >>> request = to_resource(plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left"),
    ...                       subject="Patient/p1")
    >>> request["resourceType"], [site["text"] for site in request["bodySite"]]
    ('ServiceRequest', ['L3 medial branch, left', 'L4 medial branch, left'])
    >>> request["contained"][0]["locationQualifier"][0]["coding"][0]["code"]
    '7771000'
    """
    if isinstance(obj, Procedure):
        return _activity_definition(obj)
    if isinstance(obj, ProcedurePlan):
        return _service_request(obj, subject, reason)
    if isinstance(obj, Assessment):
        return _risk_assessment(obj, subject)
    raise ValidationError(
        "obj",
        f"expected a Procedure, ProcedurePlan or Assessment, got {type(obj).__name__}",
    )


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    key = f"{resource['resourceType']}/{resource.get('id', '')}/{sorted(resource.items())!r}"
    return {"fullUrl": f"urn:uuid:{uuid.uuid5(_NAMESPACE, key)}", "resource": resource}


def to_bundle(
    objs: Iterable[Procedure | ProcedurePlan | Assessment | Mapping[str, Any]],
    *,
    subject: str | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A FHIR ``collection`` Bundle of the resources of several objects (:func:`to_resource`).

    Parameters
    ----------
    objs : iterable
        Procedures, plans and assessments (or FHIR resources already written, as dicts).
    subject : str or dict, optional
        The patient of the plans and assessments.

    Returns
    -------
    dict
        The Bundle, validated by the R4B model; each entry has a ``urn:uuid`` fullUrl made
        from its content (the same objects give the same bundle).

    Examples
    --------
    >>> from interventional.fhir import to_bundle
    >>> from interventional.procedures import default_catalog
    >>> bundle = to_bundle([default_catalog()["lumbar-medial-branch-block"]])
    >>> bundle["type"], bundle["entry"][0]["resource"]["resourceType"]
    ('collection', 'ActivityDefinition')
    """
    resources = [
        dict(obj) if isinstance(obj, Mapping) else to_resource(obj, subject=subject) for obj in objs
    ]
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [_entry(resource) for resource in resources],
    }
    return _validated("Bundle", data)


# ----------------------------------------------------------------------------- patients


def _birth_date(age_years: float, at: datetime) -> str:
    """A birth date whose age at ``at`` is ``floor(age_years)`` whole years."""
    years = int(age_years)
    day = at.date()
    try:
        born = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        born = day.replace(year=day.year - years, day=28)
    return born.isoformat()


def _observation(
    ident: str, who: dict[str, Any], code: dict[str, Any], when: datetime | None, **value: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "code": code,
        "subject": who,
        **value,
    }
    if when is not None:
        data["effectiveDateTime"] = _instant(when)
    return data


def _loinc(code: str, display: str) -> dict[str, Any]:
    return {"coding": [_coding(CodeSystem.LOINC, code, display)], "text": display}


def _lab_value(name: LabName, value: Any) -> dict[str, Any]:
    ucum = name.ucum
    if isinstance(value, float):
        return {"valueQuantity": {"value": value, "system": CodeSystem.UCUM.uri, "code": ucum}}
    unit = from_ucum(1, ucum, field="value")
    number = float((value / unit).to("").magnitude)
    return {
        "valueQuantity": {
            "value": round(number, 9),
            "unit": ucum,
            "system": CodeSystem.UCUM.uri,
            "code": ucum,
        }
    }


def _coded(kind: str, code: str, codes: object, systems: tuple[CodeSystem, ...]) -> dict[str, Any]:
    codings = _standard_codings(codes, systems)
    codings.append(_local(kind, code))
    return {"coding": codings, "text": code}


def patient_to_bundle(
    patient: Patient, *, at: datetime, rules: RuleSet | None = None
) -> dict[str, Any]:
    """Write a patient as a FHIR ``collection`` Bundle that reads back to the same assessment.

    Parameters
    ----------
    patient : Patient
        The patient.
    at : datetime
        The time the record is written for: the birth date is counted back from it (whole
        years), and the patient's creatinine clearance is an observation at it.
    rules : RuleSet, optional
        Whose vocabulary gives the condition and device codes (default: the built-in rules).

    Returns
    -------
    dict
        A Bundle of a Patient, Observations (weight, pregnancy status, labs, creatinine
        clearance), a MedicationStatement per medication (its last dose as
        ``effectiveDateTime``; indication as ``reasonCode``, route as ``dosage.route``,
        the shared decision as the ``DECISION_EXTENSION`` extension),
        Conditions, AllergyIntolerances and Devices. Standard codes are written where the
        library has them, the library's own code beside them. A lab result without a time
        never counts, and is left out; unresolved records are not written.

    Examples
    --------
    >>> from datetime import datetime
    >>> from interventional.fhir import patient_from_bundle, patient_to_bundle
    >>> from interventional.safety import MedicationUse, Patient
    >>> at = datetime(2026, 3, 10, 9, 0)
    >>> patient = Patient(age=70, weight="80 kg", pregnant=False,
    ...                   medications=[MedicationUse("warfarin", last_dose=datetime(2026, 3, 4, 20))])
    >>> back = patient_from_bundle(patient_to_bundle(patient, at=at), at=at).patient
    >>> back.medications == patient.medications, back.weight, back.pregnant
    (True, <Quantity(80, 'kilogram')>, False)
    """
    ruleset = rules or default_rules()
    pid = patient.id or "patient"
    who = {"reference": f"Patient/{pid}"}
    resources: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": pid,
            "birthDate": _birth_date(patient.age.to("year").magnitude, at),
        }
    ]
    found = concepts()
    if patient.weight is not None:
        code = found[Concept.BODY_WEIGHT].codes.all(CodeSystem.LOINC)[0]
        resources.append(
            _observation(
                "weight",
                who,
                _loinc(code, "Body weight"),
                at,
                valueQuantity={
                    "value": float(magnitude(patient.weight, "kg")),
                    "unit": "kg",
                    "system": CodeSystem.UCUM.uri,
                    "code": "kg",
                },
            )
        )
    if patient.pregnant is not None:
        answer = found[Concept.PREGNANT if patient.pregnant else Concept.NOT_PREGNANT]
        status = found[Concept.PREGNANCY_STATUS].codes.all(CodeSystem.LOINC)[0]
        resources.append(
            _observation(
                "pregnancy-status",
                who,
                _loinc(status, "Pregnancy status"),
                at,
                valueCodeableConcept={
                    "coding": [
                        _coding(CodeSystem.LOINC, answer.loinc_answers[0], answer.display_name)
                    ]
                },
            )
        )
    for number, lab in enumerate(patient.labs, 1):
        if lab.taken_at is None:
            continue
        resources.append(
            _observation(
                f"lab-{number}",
                who,
                _loinc(lab.name.loinc[0], lab.name.display_name),
                lab.taken_at,
                **_lab_value(lab.name, lab.value),
            )
        )
    if patient.creatinine_clearance is not None:
        name = LabName.CREATININE_CLEARANCE
        resources.append(
            _observation(
                "creatinine-clearance",
                who,
                _loinc(name.loinc[0], name.display_name),
                at,
                **_lab_value(name, patient.creatinine_clearance),
            )
        )
    vocabulary = drugs()
    for number, use in enumerate(patient.medications, 1):
        record = vocabulary[use.drug]
        statement: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "id": f"medication-{number}",
            "status": "active",
            "subject": who,
            "medicationCodeableConcept": {
                "coding": [
                    *_standard_codings(record.codes, (CodeSystem.RXNORM, CodeSystem.ATC)),
                    _local("drug", record.name, record.display_name),
                ],
                "text": record.display_name,
            },
        }
        if use.last_dose is not None:
            statement["effectiveDateTime"] = _instant(use.last_dose)
        if use.indication is not None:
            statement["reasonCode"] = [{"text": use.indication.value}]
        if use.route is not None:
            statement["dosage"] = [{"route": {"text": use.route.value}}]
        if use.decision is not None:
            statement["extension"] = [{"url": DECISION_EXTENSION, "valueCode": use.decision.value}]
        resources.append(statement)
    for number, code in enumerate(patient.conditions, 1):
        condition = ruleset.conditions.get(code)
        resources.append(
            {
                "resourceType": "Condition",
                "id": f"condition-{number}",
                "clinicalStatus": {
                    "coding": [
                        _coding(
                            "http://terminology.hl7.org/CodeSystem/condition-clinical", "active"
                        )
                    ]
                },
                "subject": who,
                "code": _coded(
                    "condition",
                    code,
                    condition.codes if condition is not None else {},
                    (CodeSystem.SNOMED, CodeSystem.ICD10CM),
                ),
            }
        )
    for number, code in enumerate(patient.allergies, 1):
        allergen = vocabulary.get(code)
        resources.append(
            {
                "resourceType": "AllergyIntolerance",
                "id": f"allergy-{number}",
                "patient": who,
                "code": _coded(
                    "allergy",
                    code,
                    allergen.codes if allergen is not None else {},
                    (CodeSystem.RXNORM,),
                ),
            }
        )
    for number, code in enumerate(patient.devices, 1):
        device = ruleset.devices.get(code)
        resources.append(
            {
                "resourceType": "Device",
                "id": f"device-{number}",
                "status": "active",
                "patient": who,
                "type": _coded(
                    "device", code, device.codes if device is not None else {}, (CodeSystem.SNOMED,)
                ),
            }
        )
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [_entry(resource) for resource in resources],
    }
    return _validated("Bundle", data)


# ----------------------------------------------------------------------------- assessing


def assess_imported(
    imported: Any,
    plan: ProcedurePlan,
    *,
    at: datetime | None = None,
    rules: RuleSet | None = None,
) -> Assessment:
    """Assess an imported patient, reporting every unresolved record as INSUFFICIENT_DATA.

    :func:`~interventional.safety.assess` of the patient, with one finding per
    :class:`~interventional.safety.UnresolvedRecord` of the patient that the assessment
    does not already report (code ``unresolved:<source>``, INSUFFICIENT_DATA, naming the
    record); the verdict and earliest time follow the added findings. Once the engine
    reports unresolved records itself, nothing is added twice.

    Parameters
    ----------
    imported : ImportedPatient or Patient
        What :func:`~interventional.fhir.patient_from_bundle` returned (or a patient).
    plan : ProcedurePlan
        The plan.
    at : datetime, optional
        The procedure time (default: the time the bundle was read for).
    rules : RuleSet, optional
        Another rule set.

    Examples
    --------
    >>> from datetime import datetime
    >>> from interventional.fhir import assess_imported
    >>> from interventional.procedures import plan
    >>> from interventional.safety import Patient, UnresolvedRecord
    >>> patient = Patient(age=60, pregnant=False, unresolved=[UnresolvedRecord(
    ...     "MedicationRequest/m1", "medication 'Eliquis 5 MG'", "no code the library reads")])
    >>> knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    >>> result = assess_imported(patient, knee, at=datetime(2026, 3, 10, 9))
    >>> result.verdict, result.findings[0].code
    (<Verdict.INSUFFICIENT_DATA: 'insufficient-data'>, 'unresolved:MedicationRequest/m1')
    """
    patient = imported if isinstance(imported, Patient) else imported.patient
    when = at if at is not None else getattr(imported, "at", None)
    if when is None:
        raise ValidationError("at", "give the procedure time")
    assessment = assess(patient, plan, at=when, rules=rules)
    reported = {finding.code for finding in assessment.findings}
    added = [
        Finding(record.finding_code, Verdict.INSUFFICIENT_DATA, record.message, ())
        for record in patient.unresolved
        if record.finding_code not in reported
    ]
    if not added:
        return assessment
    findings = sorted(
        (*added, *assessment.findings), key=lambda finding: finding.verdict, reverse=True
    )
    earliest = (
        None
        if any(
            f.verdict >= Verdict.INSUFFICIENT_DATA
            and not (f.verdict is Verdict.DEFER and f.until is not None)
            for f in findings
        )
        else assessment.earliest_time
    )
    return Assessment(
        assessment.procedure,
        assessment.at,
        assessment.bleeding_risk,
        assessment.handled_as,
        tuple(findings),
        earliest,
        dict(assessment.restart),
    )
