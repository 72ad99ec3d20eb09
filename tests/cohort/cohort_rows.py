"""How a result row is compared with assess (helpers of the cohort tests)."""

from __future__ import annotations

from typing import Any


def expected_row(patient_id: str, assessment: Any) -> dict[str, Any]:
    """What a result row must say of an assessment (computed from the Assessment alone)."""
    citations: dict[str, None] = {}
    for finding in assessment.findings:
        for reference in finding.references:
            citations[reference.key] = None
    return {
        "patient_id": patient_id,
        "procedure": assessment.procedure,
        "at": assessment.at,
        "verdict": assessment.verdict.name,
        "earliest_time": assessment.earliest_time,
        "bleeding_risk": assessment.bleeding_risk.value,
        "handled_as": assessment.handled_as.value,
        "findings": [finding.code for finding in assessment.findings],
        "citations": list(citations),
        "restart": dict(assessment.restart),
    }


def result_row(row: dict[str, Any]) -> dict[str, Any]:
    """The same view of a row of the result table."""
    out = {
        key: row[key]
        for key in (
            "patient_id",
            "procedure",
            "at",
            "verdict",
            "earliest_time",
            "bleeding_risk",
            "handled_as",
            "findings",
            "citations",
        )
    }
    out["restart"] = {item["drug"]: item["restart"] for item in row["held"]}
    return out


def assert_rows_equal_assess(table: Any, cases: list[Any]) -> None:
    from interventional.safety import assess

    rows = table.to_pylist()
    assert len(rows) == len(cases)
    for row, (pid, patient, plan, at) in zip(rows, cases, strict=True):
        assert result_row(row) == expected_row(pid, assess(patient, plan, at=at))
