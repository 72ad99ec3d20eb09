"""Refusals that name what was wrong: a variant no row covers, an outcome or a template that
does not exist, a time outside the calendar the engine counts in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest

from interventional.errors import ValidationError
from interventional.procedures import plan
from interventional.safety import MedicationUse, Patient, Verdict, assess, default_rules
from interventional.safety.model import check_time
from interventional.safety.wording import template

AT = datetime(2026, 3, 10, 9, 0)
SCS = plan("spinal-cord-stimulator-trial", levels=["T8"])


@pytest.mark.parametrize(
    ("medication", "covered", "given"),
    [
        (
            MedicationUse("aspirin", route="oral"),
            "primary-prophylaxis, secondary-prophylaxis",
            "route (oral",
        ),
        (
            MedicationUse("heparin", indication="therapeutic"),
            "intravenous, subcutaneous",
            "indication (therapeutic",
        ),
    ],
)
def test_a_variant_no_row_covers_is_insufficient_data(
    medication: MedicationUse, covered: str, given: str
) -> None:
    medication = attrs.evolve(medication, last_dose=AT - timedelta(days=30))
    result = assess(Patient(age=60, pregnant=False, medications=[medication]), SCS, at=AT)
    (finding,) = [f for f in result.findings if f.drug == medication.drug]
    assert (finding.code, finding.verdict) == (
        f"variant:{medication.drug}",
        Verdict.INSUFFICIENT_DATA,
    )
    assert [ref.key for ref in finding.references] == ["UTD-PAIN"]
    # the finding names the field given (a route where a route was given), and its value
    assert f"the rules cover {covered}; the given {given}) matches none of them." in finding.message
    assert result.earliest_time is None


def test_an_outcome_a_record_lacks_is_named_with_the_nearest() -> None:
    with pytest.raises(ValidationError) as caught:
        default_rules().builtin("platelets").outcome("lowish")
    error = caught.value
    assert (error.field, error.reason) == ("outcomes", "rule 'platelets' has no outcome 'lowish'")
    assert error.suggestions[:2] == ("low", "low-strict")


def test_a_template_that_does_not_exist_is_named_with_the_nearest() -> None:
    with pytest.raises(ValidationError) as caught:
        template("hold.nonee")
    error = caught.value
    assert (error.field, error.reason) == ("template", "no template 'hold.nonee'")
    assert error.suggestions[0] == "hold.none"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(9999, 12, 30, 8, 5), "9999-12-30 08:05"),
        (datetime(1, 1, 1, 0, 0), "0001-01-01 00:00"),
    ],
)
def test_a_time_outside_the_calendar_is_refused_to_the_minute(value: datetime, shown: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_time("at", value)
    assert (caught.value.field, caught.value.reason) == (
        "at",
        f"{shown} is outside the times the library can count holds and "
        "restarts from (0002-01-01 to 9998-12-31)",
    )
