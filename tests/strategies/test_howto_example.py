"""The examples of docs/howto/use-the-strategies.md, run as tests (keep the two in step)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings

from interventional import strategies as ivst
from interventional.safety import Verdict, assess

FEW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(ivst.patients(), ivst.plans())
def test_a_running_hold_never_proceeds(patient: Any, plan: Any) -> None:
    result = assess(patient, plan, at=ivst.NOW)
    running = [f for f in result.by_code("hold") if f.until is not None and f.until > ivst.NOW]
    if running:
        assert result.verdict > Verdict.PROCEED


@pytest.mark.slow  # a hypothesis search
@FEW
@given(
    ivst.plans("lumbar-transforaminal-epidural-injection"),
    ivst.patients(medications=["apixaban", "rivaroxaban"], conditions=False),
)
def test_doac_holds_before_lumbar_tfesi(plan: Any, patient: Any) -> None:
    result = assess(patient, plan, at=ivst.NOW)
    for medication in patient.medications:
        assert result.by_code(f"hold:{medication.drug}")


@FEW
@given(ivst.procedures(risk="high", modality="fluoroscopy"))
def test_every_high_risk_fluoroscopic_procedure_has_a_view(procedure: Any) -> None:
    assert procedure.views


def test_the_simplest_plan_of_the_guide() -> None:
    drawn = find(ivst.plans("lumbar-mbb"), lambda plan: True)
    assert str(drawn) == "lumbar-medial-branch-block at L1-L2, left, under fluoroscopy"
