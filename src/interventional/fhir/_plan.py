"""A plan's FHIR ServiceRequest read back: :func:`plan_from_resource`, and its duration.

:func:`~interventional.fhir.to_resource` writes a
:class:`~interventional.procedures.ProcedurePlan` as a ServiceRequest; this module reads
one back to a plan:

=========================================  ================================================
ServiceRequest element                     plan field
=========================================  ================================================
``code`` (the library's procedure code,    ``procedure``
or the procedure's SNOMED CT code)
``orderDetail`` (the library's ``level``,  ``levels``, ``modality``, ``target``; the texts
``modality`` and ``target`` codes)         ``at L4-L5`` and ``under fluoroscopy`` where a
                                           resource has no codes
``locationQualifier`` of the contained     ``side`` (left, right, or both: bilateral)
BodyStructures (SNOMED CT laterality)
``occurrenceTiming.repeat.duration`` and   ``duration``
``durationUnit``
=========================================  ================================================

**The duration.** FHIR R4/R4B gives a ServiceRequest no element of its own for how long
the procedure takes; its ``occurrence[x]`` (when the service should happen) may be a
``Timing``, whose ``repeat.duration`` is "how long this thing happens for when it happens"
and ``repeat.durationUnit`` its unit, a code of the ``units-of-time`` value set (the UCUM
codes ``s``, ``min``, ``h``, ``d``, ``wk``, ``mo``, ``a``). The writer puts the plan's
duration there (in whole hours, minutes or seconds); the reader reads it back, and where
``repeat.durationMax`` gives the upper end of a range, that longer duration (restarts
counted from the later end are the cautious reading). A duration in a unit that is not of
that value set (``mg``) raises :class:`~interventional.errors.UnitError` naming
``occurrenceTiming.repeat.durationUnit``; a duration without a unit (the rule ``tim-1``)
or not longer than zero, :class:`~interventional.errors.ValidationError` naming the field.

**Injectates** are not elements of a ServiceRequest (the writer lists them in the note
and as ``orderDetail`` entries of the library's ``injectate`` code, by drug); their doses
are given to the reader as ``injectates=``. A resource that names injectates read without
them raises: the doses matter to the assessment (allergies, local-anaesthetic maxima).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from interventional.codes import CodeSystem
from interventional.concepts import Concept, concept_of
from interventional.errors import UnitError, ValidationError
from interventional.fhir._errors import model, validation_error
from interventional.fhir._read import LOCAL, _local_codes
from interventional.pharmacology import Dose
from interventional.procedures import Catalog, Procedure, ProcedurePlan, plan
from interventional.units import Q_, as_positive_timedelta

__all__ = ["duration_timing", "plan_from_resource"]

TIME_UNITS = {"s": "s", "min": "min", "h": "h", "d": "day", "wk": "week", "mo": "month", "a": "a"}
"""The codes of the FHIR ``units-of-time`` value set (UCUM), as units of the registry.

``mo`` and ``a`` are UCUM's mean Julian month and year (30.4375 and 365.25 days), as
pint's ``month`` and ``a`` are."""

_REPEAT = "occurrenceTiming.repeat"
_WRITTEN_UNITS = ((timedelta(hours=1), "h"), (timedelta(minutes=1), "min"))


def duration_timing(duration: timedelta) -> dict[str, Any]:
    """The ``occurrenceTiming`` of a ServiceRequest for a procedure of this duration.

    Written in whole hours or minutes where the duration is one, else in seconds.

    Examples
    --------
    >>> duration_timing(timedelta(minutes=40))
    {'repeat': {'duration': 40, 'durationUnit': 'min'}}
    >>> duration_timing(timedelta(hours=3))
    {'repeat': {'duration': 3, 'durationUnit': 'h'}}
    """
    for unit, code in _WRITTEN_UNITS:
        if duration % unit == timedelta(0):
            return {"repeat": {"duration": duration // unit, "durationUnit": code}}
    return {"repeat": {"duration": duration.total_seconds(), "durationUnit": "s"}}


def _duration(timing: Any) -> timedelta | None:
    """The duration an ``occurrenceTiming`` gives (``durationMax`` where a range is given)."""
    repeat = None if timing is None else timing.repeat
    if repeat is None or (repeat.duration is None and repeat.durationMax is None):
        return None
    field = f"{_REPEAT}.durationMax" if repeat.durationMax is not None else f"{_REPEAT}.duration"
    value: Decimal = repeat.durationMax if repeat.durationMax is not None else repeat.duration
    code = repeat.durationUnit
    if code is None:
        raise ValidationError(
            f"{_REPEAT}.durationUnit",
            "a duration needs its unit (FHIR rule tim-1): one of " + ", ".join(TIME_UNITS),
        )
    unit = TIME_UNITS.get(str(code))
    if unit is None:
        raise UnitError(
            f"{_REPEAT}.durationUnit",
            f"{code!r} is not a unit of time of the FHIR units-of-time value set: use one of "
            + ", ".join(TIME_UNITS),
        )
    return as_positive_timedelta(Q_(float(value), unit), field=field)


def _procedure(code: Any, catalog: Catalog) -> Procedure:
    """The procedure of a ServiceRequest's ``code``: the library's code, else SNOMED CT."""
    if code is None:
        raise ValidationError("code", "a ServiceRequest for a plan needs the procedure's code")
    for ident in _local_codes(code, "procedure"):
        return catalog[ident]
    snomed = {str(c.code) for c in code.coding or () if c.system == CodeSystem.SNOMED.uri}
    found = [
        procedure
        for procedure in catalog.values()
        if snomed & set(procedure.codes.all(CodeSystem.SNOMED))
    ]
    if len(found) == 1:
        return found[0]
    shown = ", ".join(sorted(snomed)) or "none"
    which = "several procedures" if found else "no procedure of the catalogue"
    raise ValidationError(
        "code",
        f"the procedure's code (SNOMED CT {shown}) names {which}; "
        f"give the library's code ({LOCAL}procedure)",
    )


def _details(details: Iterable[Any]) -> dict[str, list[str]]:
    """The library's codes of the ``orderDetail`` entries, by kind (texts as a fallback)."""
    out: dict[str, list[str]] = {"level": [], "modality": [], "target": [], "injectate": []}
    for detail in details:
        coded = False
        for kind, values in out.items():
            found = _local_codes(detail, kind)
            values.extend(found)
            coded = coded or bool(found)
        text = str(detail.text or "")
        if not coded and text.startswith("under "):
            out["modality"].append(text.removeprefix("under "))
        elif not coded and text.startswith("at "):
            out["level"].extend(part.strip() for part in text.removeprefix("at ").split(","))
    return out


def _side(contained: Iterable[Any]) -> str | None:
    """The plan's side from the laterality of the contained BodyStructures."""
    sides: set[Concept] = set()
    for resource in contained:
        if resource.get_resource_type() != "BodyStructure":
            continue
        for qualifier in resource.locationQualifier or ():
            for coding in qualifier.coding or ():
                if coding.system == CodeSystem.SNOMED.uri and coding.code:
                    found = concept_of(CodeSystem.SNOMED, str(coding.code))
                    if found in (Concept.LEFT, Concept.RIGHT, Concept.BILATERAL):
                        sides.add(found)
    if Concept.BILATERAL in sides or {Concept.LEFT, Concept.RIGHT} <= sides:
        return Concept.BILATERAL.value
    return sides.pop().value if sides else None


def plan_from_resource(
    resource: Mapping[str, Any],
    *,
    injectates: Iterable[Dose | Mapping[str, Any]] = (),
    catalog: Catalog | None = None,
) -> ProcedurePlan:
    """Read a plan from a FHIR R4/R4B ServiceRequest (as :func:`to_resource` writes one).

    Parameters
    ----------
    resource : dict
        The ServiceRequest, in its JSON form.
    injectates : iterable of Dose or mappings, optional
        The plan's injectates (a ServiceRequest does not carry their doses); required when
        the resource names injectates.
    catalog : Catalog, optional
        Where to find the procedure (default: the built-in catalogue).

    Returns
    -------
    ProcedurePlan
        The plan, checked as :func:`~interventional.procedures.plan` checks one.

    Raises
    ------
    BundleError
        When the resource is not a valid ServiceRequest (naming the field).
    UnitError
        When ``occurrenceTiming.repeat.durationUnit`` is not a unit of time.
    ValidationError
        When the duration has no unit or is not longer than zero, the procedure cannot be
        identified, or the resource names injectates and none are given.
    PlanError
        When what the resource says does not fit the procedure.

    References
    ----------
    HL7-FHIR-R4B

    Examples
    --------
    >>> from datetime import timedelta
    >>> from interventional.fhir import plan_from_resource, to_resource
    >>> from interventional.procedures import plan
    >>> mbb = plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left",
    ...            duration=timedelta(minutes=40))
    >>> request = to_resource(mbb)
    >>> request["occurrenceTiming"]
    {'repeat': {'duration': 40, 'durationUnit': 'min'}}
    >>> plan_from_resource(request) == mbb
    True
    """
    from pydantic import ValidationError as PydanticError

    if not isinstance(resource, Mapping):
        raise ValidationError(
            "resource", f"expected a ServiceRequest as a dict, got {type(resource).__name__}"
        )
    kind = resource.get("resourceType")
    if kind != "ServiceRequest":
        raise ValidationError("resourceType", f"expected 'ServiceRequest', got {kind!r}")
    try:
        request = model("ServiceRequest").model_validate(dict(resource))
    except PydanticError as error:
        raise validation_error(error) from None
    if catalog is None:
        from interventional.procedures import default_catalog

        catalog = default_catalog()
    procedure = _procedure(request.code, catalog)
    details = _details(request.orderDetail or ())
    doses = list(injectates)
    if details["injectate"] and not doses:
        raise ValidationError(
            "injectates",
            "the ServiceRequest names injectates ("
            + ", ".join(details["injectate"])
            + ") whose doses it does not carry: give them as injectates=",
        )
    modality = details["modality"][0] if details["modality"] else None
    target = details["target"][0] if details["target"] else None
    return plan(
        procedure,
        details["level"],
        _side(request.contained or ()) if procedure.lateralized else None,
        modality,
        doses,
        target=target,
        duration=_duration(request.occurrenceTiming),
    )
