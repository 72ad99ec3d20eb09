"""Edges of the stages and of the hold cells they read, one promise per test.

An agent injected twice is one allergy finding (and the agents after it are still read);
a hold cell's other reading is checked against its conservative bound, each error naming
the field.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from interventional.errors import UnitError, ValidationError
from interventional.pharmacology import Dose
from interventional.procedures import plan
from interventional.safety import MedicationUse, Patient, Verdict, assess, load_rules
from interventional.safety.rules import HoldCell

AT = datetime(2026, 3, 10, 9, 0)


def _twice_lidocaine() -> Any:
    return plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[
            Dose("lidocaine", "20 mg"),
            Dose("lidocaine", "30 mg"),
            Dose("bupivacaine", "25 mg"),
        ],
    )


@pytest.mark.parametrize(
    ("allergies", "what"),
    [
        (["lidocaine", "bupivacaine"], {"lidocaine": "lidocaine", "bupivacaine": "bupivacaine"}),
        (
            ["local-anesthetic"],
            {"lidocaine": "local-anesthetic (class)", "bupivacaine": "local-anesthetic (class)"},
        ),
    ],
)
def test_an_agent_injected_twice_is_one_allergy_finding(
    allergies: list[str], what: dict[str, str]
) -> None:
    result = assess(Patient(age=50, weight="70 kg", allergies=allergies), _twice_lidocaine(), at=AT)
    found = [f for f in result.findings if f.code.startswith("allergy:")]
    assert [f.code for f in found] == ["allergy:lidocaine", "allergy:bupivacaine"]
    for finding in found:
        assert finding.verdict is Verdict.CONTRAINDICATED
        assert finding.message == (
            f"Allergy to {what[finding.drug]}, and the plan injects {finding.drug.title()}: "
            "substitute the agent and assess the new plan."
        )


def _cell(**intervals: Any) -> HoldCell:
    return HoldCell("hold", text="The guideline's words.", **intervals)


@pytest.mark.parametrize(
    ("intervals", "field", "reason"),
    [
        (
            {"hold": "3 days", "hold_other": "4 days"},
            "hold_other",
            "the other reading (4 days, 0:00:00) must not be longer than the conservative hold "
            "(3 days, 0:00:00)",
        ),
        (
            {"hold": "3 days", "restart_other": "1 day"},
            "restart_other",
            "the other reading needs a restart value",
        ),
        (
            # the restart is checked after a valid hold reading
            {
                "hold": "3 days",
                "hold_other": "2 days",
                "restart": "1 day",
                "restart_other": "2 days",
            },
            "restart_other",
            "the other reading (2 days, 0:00:00) must not be longer than the conservative "
            "restart (1 day, 0:00:00)",
        ),
        (
            {"hold": "3 days", "restart": "1 day", "restart_conflict": True},
            "restart_conflict",
            "a conflict needs restart_other",
        ),
    ],
)
def test_a_cells_other_reading_is_checked_against_its_bound(
    intervals: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _cell(**intervals)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_an_other_reading_may_equal_its_bound_and_is_a_duration() -> None:
    cell = _cell(hold="3 days", hold_other="3 days", restart="1 day", restart_other="1 day")
    assert cell.hold_other == cell.hold
    assert cell.restart_other == cell.restart
    with pytest.raises(UnitError) as caught:
        _cell(hold="3 days", restart="1 day", restart_other="soon")
    assert caught.value.field == "restart_other"


@pytest.mark.parametrize("agent", ["normal-saline", "phenol", "dehydrated-alcohol", "lidocaine"])
def test_an_injectate_listed_as_a_medication_asks_for_no_hold(agent: str) -> None:
    knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    result = assess(Patient(age=50, medications=[MedicationUse(agent)]), knee, at=AT)
    assert [f.code for f in result.findings if f.drug == agent] == []
    assert result.verdict is Verdict.PROCEED


SCS = plan("spinal-cord-stimulator-trial", levels=["T8"])


@pytest.mark.parametrize(("qualifier", "shown"), [({"route": "oral"}, "oral"), ({}, None)])
def test_a_low_confidence_note_names_the_medication_as_given(
    qualifier: dict[str, str], shown: str | None
) -> None:
    sertraline = MedicationUse("sertraline", last_dose=AT - timedelta(days=1), **qualifier)
    result = assess(Patient(age=60, pregnant=False, medications=[sertraline]), SCS, at=AT)
    (note,) = result.by_code("unverified")
    label = "Sertraline" if shown is None else f"Sertraline ({shown})"
    assert note.message.startswith(f"{label}: the high-risk rule used (")
    (hold,) = result.by_code("hold")
    assert hold.message.startswith(f"{label}: consider stopping")


def test_an_indication_no_row_names_reads_the_drugs_own_row() -> None:
    def clopidogrel(**given: str) -> Any:
        medication = MedicationUse("clopidogrel", last_dose=AT - timedelta(days=3), **given)
        (hold,) = assess(Patient(age=60, medications=[medication]), SCS, at=AT).by_code("hold")
        return hold

    plain, given = clopidogrel(), clopidogrel(indication="therapeutic")
    assert (
        (given.verdict, given.until)
        == (plain.verdict, plain.until)
        == (
            Verdict.DEFER,
            AT + timedelta(days=4),
        )
    )
    assert given.message.startswith("Clopidogrel (therapeutic): hold 7 days before a high-risk")


def test_an_assessment_names_the_procedure_of_a_plan_compiled_afresh() -> None:
    result = assess(Patient(age=60), SCS, at=AT, rules=load_rules())
    assert result.procedure == "spinal-cord-stimulator-trial"
