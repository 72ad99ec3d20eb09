"""Plain, JSON-ready forms of results, shared by the command line and the demo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["assessment_data"]


def assessment_data(assessment: Any, at: datetime) -> dict[str, Any]:
    """The plain (JSON-ready) form of an assessment made at ``at``."""

    def when(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "at": at.isoformat(),
        "verdict": assessment.verdict.name,
        "earliest_time": when(assessment.earliest_time),
        "restart": {
            getattr(drug, "name", str(drug)): when(time)
            for drug, time in assessment.restart.items()
        },
        "findings": [
            {
                "code": finding.code,
                "verdict": finding.verdict.name,
                "message": finding.message,
                "drug": None
                if finding.drug is None
                else getattr(finding.drug, "name", str(finding.drug)),
                "until": when(finding.until),
                "references": [ref.key for ref in finding.references],
            }
            for finding in assessment.findings
        ],
    }
