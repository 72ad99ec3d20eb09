"""FHIR R4/R4B in and out (the optional extra ``fhir``: ``pip install "interventional[fhir]"``).

Read a patient from a FHIR Bundle (:func:`patient_from_bundle`), assess them, and write
procedures, plans and assessments as FHIR resources (:func:`to_resource`,
:func:`to_bundle`). Everything read or written is validated through the R4B models of
the `fhir.resources <https://pypi.org/project/fhir.resources/>`_ package, imported on
first use (without it, reading or writing raises :class:`MissingExtraError`).

- :func:`patient_from_bundle` reads Patient, Observation, MedicationStatement,
  MedicationRequest, MedicationAdministration, Condition, AllergyIntolerance and Device
  resources; :class:`ImportedPatient` carries the patient, what could not be mapped
  (:class:`Unmapped`) and what was mapped with a caveat. Safety-relevant records that
  cannot be read become :class:`~interventional.safety.UnresolvedRecord` objects of the
  patient: the assessment is INSUFFICIENT_DATA and names them (:func:`assess_imported`).
- :func:`to_resource` writes a Procedure as an ActivityDefinition, a ProcedurePlan as a
  ServiceRequest, an Assessment as a RiskAssessment (with a DetectedIssue per finding at
  DEFER or above, through :func:`to_bundle`), and a Patient as a Bundle
  (:func:`patient_to_bundle`), which reads back to the same patient.
- :func:`plan_from_resource` reads a plan's ServiceRequest back to the plan, its duration
  included (``occurrenceTiming.repeat.duration``).

Examples
--------
>>> from interventional.fhir import to_resource
>>> from interventional.procedures import default_catalog
>>> resource = to_resource(default_catalog()["lumbar-medial-branch-block"])
>>> resource["resourceType"], resource["status"]
('ActivityDefinition', 'active')
"""

from __future__ import annotations

from interventional.fhir._errors import BundleError, MissingExtraError
from interventional.fhir._plan import plan_from_resource
from interventional.fhir._read import ImportedPatient, Unmapped, patient_from_bundle
from interventional.fhir._write import (
    assess_imported,
    patient_to_bundle,
    to_bundle,
    to_resource,
)

__all__ = [
    "BundleError",
    "ImportedPatient",
    "MissingExtraError",
    "Unmapped",
    "assess_imported",
    "patient_from_bundle",
    "patient_to_bundle",
    "plan_from_resource",
    "to_bundle",
    "to_resource",
]
