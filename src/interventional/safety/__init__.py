"""The contraindication engine: patients, guideline rules and assessments.

:func:`assess` checks a :class:`Patient` against a planned procedure at a given time and
returns an :class:`Assessment`: every :class:`Finding` (medication holds of the ASRA 2018
pain guideline, laboratory gates, general contraindications, the 2015 epidural-steroid
safety recommendations, allergies and local-anaesthetic doses), the most restrictive
:class:`Verdict`, the earliest time every hold is met, and when to restart each held drug.
The rules are data (``interventional/safety/data/*.toml``), each citing its sources.
The vocabulary's conditions, devices and laboratory tests carry their standard codes
(SNOMED CT, ICD-10-CM, LOINC, UCUM): :func:`condition_by_code`, :func:`device_by_code`
and :meth:`LabName.by_loinc` map a coded record to the library's own codes.

Educational model, not a medical device.

Examples
--------
>>> from datetime import datetime
>>> from interventional.procedures import plan
>>> from interventional.safety import MedicationUse, Patient, assess
>>> at = datetime(2026, 3, 10, 9, 0)
>>> patient = Patient(age=58, weight="70 kg", pregnant=False,
...                   medications=[MedicationUse("apixaban", last_dose=datetime(2026, 3, 9, 21))])
>>> mbb = plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left")
>>> result = assess(patient, mbb, at=at)
>>> result.verdict
<Verdict.INSUFFICIENT_DATA: 'insufficient-data'>
>>> print(result.by_code("hold:apixaban")[0].message)  # doctest: +ELLIPSIS
Apixaban: shared assessment and risk stratification (low-risk value not verified) before a low-risk procedure...
>>> import attrs
>>> decided = attrs.evolve(patient, medications=[
...     MedicationUse("apixaban", last_dose=datetime(2026, 3, 9, 21), decision="continue")])
>>> assess(decided, mbb, at=at).verdict
<Verdict.CAUTION: 'caution'>
"""

from __future__ import annotations

from interventional.safety._draw import draw_timeline
from interventional.safety.decisions import Decision
from interventional.safety.engine import assess, assess_many
from interventional.safety.labs import Lab, LabName, labs, load_labs
from interventional.safety.model import (
    Assessment,
    Finding,
    Indication,
    LabResult,
    LazyText,
    MedicationUse,
    Patient,
    Route,
    UnresolvedRecord,
    load_patient,
    load_patients,
)
from interventional.safety.rules import (
    Policy,
    RuleSet,
    Verdict,
    condition_by_code,
    default_policy,
    default_rules,
    device_by_code,
    load_rules,
)

__all__ = [
    "Assessment",
    "Decision",
    "Finding",
    "Indication",
    "Lab",
    "LabName",
    "LabResult",
    "LazyText",
    "MedicationUse",
    "Patient",
    "Policy",
    "Route",
    "RuleSet",
    "UnresolvedRecord",
    "Verdict",
    "assess",
    "assess_many",
    "condition_by_code",
    "default_policy",
    "default_rules",
    "device_by_code",
    "draw_timeline",
    "labs",
    "load_labs",
    "load_patient",
    "load_patients",
    "load_rules",
]
