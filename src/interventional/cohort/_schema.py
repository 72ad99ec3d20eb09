"""The long format: one documented schema per table, as data (pyarrow schemas).

Every table is keyed by ``patient_id`` (text). A coded column pair ``system``/``code``
names a record either in a standard code system (``system`` ``"rxnorm"``, ``"atc"``,
``"loinc"``, ``"snomed"``, ``"icd-10-cm"``, or the FHIR system URI) or, when ``system``
is null, by the library's own id (``"apixaban"``, ``"inr"``, ``"diabetes"``). ``name``
is the source's own text, kept for the reports of rows that cannot be mapped.

Each field's ``doc`` (its Arrow field metadata) is what the reference page prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pyarrow as pa

__all__ = [
    "HELD_TYPE",
    "RESULT_SCHEMA",
    "TABLES",
    "TABLE_DOCS",
    "UNMAPPED_SCHEMA",
    "UNMAPPED_TYPE",
    "doc_of",
    "in_zone",
]

_TIME = pa.timestamp("us")


def _field(name: str, kind: pa.DataType, doc: str, *, nullable: bool = True) -> pa.Field:
    return pa.field(name, kind, nullable=nullable, metadata={"doc": doc})


def doc_of(field: pa.Field) -> str:
    """The documentation of a field of the long format (its ``doc`` metadata)."""
    metadata = field.metadata or {}
    return str(metadata.get(b"doc", b"").decode())


_PATIENT_ID = _field("patient_id", pa.string(), "The patient's id (text).", nullable=False)
_SYSTEM = _field(
    "system",
    pa.string(),
    "The code system of ``code`` (``rxnorm``, ``atc``, ``loinc``, ``snomed``, ``icd-10-cm``, "
    "or a FHIR system URI); null: ``code`` is the library's own id.",
)


def _code(what: str) -> pa.Field:
    return _field("code", pa.string(), f"The {what}'s code in ``system`` (or the library's id).")


_NAME = _field("name", pa.string(), "The source's own text for the record (reports only).")

PATIENTS = pa.schema(
    [
        _PATIENT_ID,
        _field("age", pa.float64(), "Age in years at the procedure.", nullable=False),
        _field("weight_kg", pa.float64(), "Body weight in kg; null: unknown."),
        _field("pregnant", pa.bool_(), "Pregnant; null: unknown."),
        _field(
            "creatinine_clearance_ml_min",
            pa.float64(),
            "Current creatinine clearance in mL/min; null: unknown.",
        ),
    ]
)
MEDICATIONS = pa.schema(
    [
        _PATIENT_ID,
        _SYSTEM,
        _code("drug"),
        _NAME,
        _field("last_dose", _TIME, "When the last dose was taken; null: unknown."),
        _field(
            "indication",
            pa.string(),
            "``primary-prophylaxis``, ``secondary-prophylaxis``, ``prophylactic`` or "
            "``therapeutic``; null: not recorded.",
        ),
        _field("route", pa.string(), "``oral``, ``intravenous`` or ``subcutaneous``; null."),
        _field("dose", pa.string(), "The usual dose as text (``'5 mg'``); null."),
        _field(
            "decision",
            pa.string(),
            "The recorded shared decision with the prescriber, ``continue`` or ``hold`` "
            "(``MedicationUse(decision=...)``); null: not recorded.",
        ),
    ]
)
LABS = pa.schema(
    [
        _PATIENT_ID,
        _SYSTEM,
        _code("test"),
        _NAME,
        _field("value", pa.float64(), "The result in ``unit``."),
        _field("unit", pa.string(), "The UCUM code of the result's unit (null for an INR)."),
        _field("taken_at", _TIME, "When the sample was taken; null: unknown (never counts)."),
    ]
)


def _coded(what: str) -> pa.Schema:
    return pa.schema([_PATIENT_ID, _SYSTEM, _code(what), _NAME])


CONDITIONS = _coded("condition")
ALLERGIES = _coded("allergen")
DEVICES = _coded("device")
INJECTATE_TYPE = pa.struct(
    [
        pa.field("drug", pa.string()),
        pa.field("amount", pa.string()),
        pa.field("volume", pa.string()),
        pa.field("concentration", pa.string()),
    ]
)
PROCEDURES = pa.schema(
    [
        _PATIENT_ID,
        _field("procedure", pa.string(), "The procedure id or alias.", nullable=False),
        _field("levels", pa.list_(pa.string()), "Segments or levels (``L4-L5``); null: none."),
        _field("side", pa.string(), "``left``, ``right``, ``bilateral``; null: midline."),
        _field("modality", pa.string(), "The guidance; null: the procedure's usual one."),
        _field(
            "injectates",
            pa.list_(INJECTATE_TYPE),
            "What is injected: ``drug``, ``amount``, ``volume``, ``concentration`` (text).",
        ),
        _field("target", pa.string(), "The chosen target where the procedure asks for one."),
        _field("at", _TIME, "The booked procedure time.", nullable=False),
        _field(
            "duration",
            pa.duration("us"),
            "The planned duration (``plan(..., duration=...)``): restarts count from the "
            "procedure's end; null: not recorded (restarts count as ``assess`` says).",
        ),
    ]
)

TABLES: Mapping[str, pa.Schema] = MappingProxyType(
    {
        "patients": PATIENTS,
        "medications": MEDICATIONS,
        "labs": LABS,
        "conditions": CONDITIONS,
        "allergies": ALLERGIES,
        "devices": DEVICES,
        "procedures": PROCEDURES,
    }
)
"""The tables of the long format and their schemas, in the order they are documented."""

TABLE_DOCS: Mapping[str, str] = MappingProxyType(
    {
        "patients": "One row per patient.",
        "medications": "One row per medication a patient takes.",
        "labs": "One row per laboratory result.",
        "conditions": "One row per current condition.",
        "allergies": "One row per allergy.",
        "devices": "One row per implanted device.",
        "procedures": "One row per booked procedure: each row is screened.",
    }
)

UNMAPPED_TYPE = pa.struct(
    [
        pa.field("table", pa.string()),
        pa.field("source", pa.string()),
        pa.field("what", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("blocking", pa.bool_()),
    ]
)
HELD_TYPE = pa.struct(
    [
        pa.field("drug", pa.string()),
        pa.field("until", _TIME),
        pa.field("restart", _TIME),
    ]
)

RESULT_SCHEMA = pa.schema(
    [
        _PATIENT_ID,
        _field("procedure", pa.string(), "The procedure id.", nullable=False),
        _field("at", _TIME, "The procedure time.", nullable=False),
        _field("verdict", pa.string(), "The Verdict's name (``PROCEED`` ... ``CONTRAINDICATED``)."),
        _field("earliest_time", _TIME, "When every hold is met; null: cannot be waited out."),
        _field("bleeding_risk", pa.string(), "The procedure's ASRA class."),
        _field("handled_as", pa.string(), "The class after patient factors."),
        _field(
            "held",
            pa.list_(HELD_TYPE),
            "Each held drug: the time its hold is met (``until``) and its earliest restart.",
        ),
        _field("findings", pa.list_(pa.string()), "Every finding's code, most restrictive first."),
        _field("citations", pa.list_(pa.string()), "The reference keys the findings cite."),
        _field(
            "unmapped",
            pa.list_(UNMAPPED_TYPE),
            "The patient's rows that could not be mapped (``blocking``: made the row "
            "INSUFFICIENT_DATA).",
        ),
    ]
)
"""The table :func:`~interventional.cohort.screen` returns (one row per procedure row)."""

UNMAPPED_SCHEMA = pa.schema([_PATIENT_ID, *(UNMAPPED_TYPE.field(i) for i in range(5))])
"""The table of rows that could not be mapped (:attr:`ScreenResult.unmapped`)."""


def _zoned(kind: pa.DataType, tz: str) -> pa.DataType:
    if pa.types.is_timestamp(kind):
        return pa.timestamp(kind.unit, tz)
    if pa.types.is_list(kind):
        return pa.list_(_zoned(kind.value_type, tz))
    if pa.types.is_struct(kind):
        return pa.struct([f.with_type(_zoned(f.type, tz)) for f in kind])
    return kind


def in_zone(schema: pa.Schema, tz: str | None) -> pa.Schema:
    """``schema`` with every timestamp in the zone ``tz`` (``None``: unchanged, naive).

    Aware datetimes are written as UTC instants (``tz="UTC"``), so that they read back
    as aware datetimes; naive ones as naive timestamps.
    """
    if tz is None:
        return schema
    return pa.schema([field.with_type(_zoned(field.type, tz)) for field in schema])
