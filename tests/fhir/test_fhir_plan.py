"""A plan written as a ServiceRequest and read back (plan_from_resource): its duration kept."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from interventional import strategies as ivst
from interventional.errors import UnitError, ValidationError
from interventional.fhir import BundleError, plan_from_resource, to_resource
from interventional.procedures import ProcedurePlan, plan

pytest.importorskip("fhir.resources")

MBB = plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left", duration="40 min")


def with_repeat(**repeat: Any) -> dict[str, Any]:
    """The MBB's ServiceRequest with ``occurrenceTiming.repeat`` replaced."""
    resource = copy.deepcopy(to_resource(MBB))
    resource["occurrenceTiming"] = {"repeat": repeat}
    return resource


def test_the_duration_is_written_in_occurrence_timing() -> None:
    assert to_resource(MBB)["occurrenceTiming"] == {
        "repeat": {"duration": 40, "durationUnit": "min"}
    }
    assert "occurrenceTiming" not in to_resource(plan("sgb", side="left"))


@pytest.mark.parametrize(
    ("duration", "unit"),
    [(timedelta(hours=3), "h"), (timedelta(minutes=90), "min"), (timedelta(seconds=75), "s")],
)
def test_the_duration_is_written_in_the_largest_whole_unit(duration: timedelta, unit: str) -> None:
    repeat = to_resource(plan("sgb", side="left", duration=duration))["occurrenceTiming"]["repeat"]
    assert repeat["durationUnit"] == unit
    assert plan_from_resource(with_repeat(**repeat)).duration == duration


def test_a_plan_read_back_keeps_its_duration() -> None:
    back = plan_from_resource(to_resource(MBB))
    assert back.duration == timedelta(minutes=40)
    assert back == MBB


@pytest.mark.slow  # a hypothesis search
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=ivst.plans(duration=True))
def test_any_plan_written_and_read_back_is_the_same_plan(drawn: ProcedurePlan) -> None:
    assert plan_from_resource(to_resource(drawn), injectates=drawn.injectates) == drawn


@pytest.mark.parametrize(
    ("code", "expected"),
    [("d", timedelta(days=2)), ("wk", timedelta(weeks=2)), ("a", timedelta(days=730.5))],
)
def test_every_unit_of_the_units_of_time_value_set_is_read(code: str, expected: timedelta) -> None:
    assert plan_from_resource(with_repeat(duration=2, durationUnit=code)).duration == expected


def test_a_duration_range_reads_its_longer_end() -> None:
    resource = with_repeat(duration=30, durationMax=45, durationUnit="min")
    assert plan_from_resource(resource).duration == timedelta(minutes=45)


def test_a_duration_in_a_unit_that_is_not_a_time_names_the_field() -> None:
    with pytest.raises(UnitError) as raised:
        plan_from_resource(with_repeat(duration=40, durationUnit="mg"))
    assert raised.value.field == "occurrenceTiming.repeat.durationUnit"
    assert "'mg' is not a unit of time" in str(raised.value)


def test_a_duration_without_a_unit_names_the_field() -> None:
    with pytest.raises(ValidationError) as raised:
        plan_from_resource(with_repeat(duration=40))
    assert raised.value.field == "occurrenceTiming.repeat.durationUnit"


def test_a_zero_duration_names_the_field() -> None:
    with pytest.raises(ValidationError) as raised:
        plan_from_resource(with_repeat(duration=0, durationUnit="min"))
    assert raised.value.field == "occurrenceTiming.repeat.duration"


def test_a_plan_without_duration_reads_back_without_one() -> None:
    knee = plan("knee-joint-injection", side="right", modality="ultrasound")
    assert plan_from_resource(to_resource(knee)) == knee


def test_injectates_named_and_not_given_raise() -> None:
    tf = plan(
        "lumbar-tfesi",
        levels="L4-L5",
        side="left",
        injectates=[{"drug": "dexamethasone", "amount": "10 mg"}],
    )
    with pytest.raises(ValidationError, match="dexamethasone") as raised:
        plan_from_resource(to_resource(tf))
    assert raised.value.field == "injectates"
    assert plan_from_resource(to_resource(tf), injectates=tf.injectates) == tf


def test_a_resource_with_only_texts_is_read_from_them() -> None:
    resource = copy.deepcopy(to_resource(MBB))
    for detail in resource["orderDetail"]:
        del detail["coding"]
    assert plan_from_resource(resource) == MBB


def test_a_procedure_found_by_its_snomed_code() -> None:
    rhizotomy = plan("trigeminal-radiofrequency-rhizotomy", side="left")
    resource = copy.deepcopy(to_resource(rhizotomy))
    codings = resource["code"]["coding"]
    resource["code"]["coding"] = [c for c in codings if c["system"] == "http://snomed.info/sct"]
    assert [c["code"] for c in resource["code"]["coding"]] == ["47400005"]
    assert plan_from_resource(resource) == rhizotomy
    resource["code"]["coding"][0]["code"] = "123"
    with pytest.raises(ValidationError, match="no procedure of the catalogue") as raised:
        plan_from_resource(resource)
    assert raised.value.field == "code"


def test_not_a_service_request() -> None:
    with pytest.raises(ValidationError) as raised:
        plan_from_resource({"resourceType": "Patient"})
    assert raised.value.field == "resourceType"
    resource = copy.deepcopy(to_resource(MBB))
    resource["subject"] = "Patient/p1"  # a string, not a Reference
    with pytest.raises(BundleError) as invalid:
        plan_from_resource(resource)
    assert invalid.value.field == "subject"
