"""Small FHIR bundles for the tests of interventional.fhir."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "fhir"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
AT = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def bundle(*resources: dict[str, Any], birth: str = "1960-01-01") -> dict[str, Any]:
    """A collection bundle of one patient ``p`` and ``resources``."""
    patient = {"resourceType": "Patient", "id": "p", "birthDate": birth}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient}, *({"resource": r} for r in resources)],
    }


def rxnorm(code: str, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": RXNORM, "code": code}]}
    if text:
        concept["text"] = text
    return concept


def lab(ident: str, code: str, value: float, unit: str, when: str | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": "Patient/p"},
        "valueQuantity": {"value": value, "system": UCUM, "code": unit},
    }
    if when is not None:
        resource["effectiveDateTime"] = when
    return resource
