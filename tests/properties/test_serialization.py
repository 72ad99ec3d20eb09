"""Every public type survives its data form: ``unstructure`` -> structure, and TOML text
through ``dump_records`` -> ``loads_records``, giving an equal object.

Records (tables) round-trip through TOML; leaf values (levels, segments, ranges, citations)
through their text form, which is what a record holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional._data import dump_records, loads_records, structure_hook, unstructure

SOME = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def round_trips(obj: Any) -> None:
    """Assert that ``obj`` survives its dict form and its TOML text."""
    kind = type(obj)
    assert structure_hook(kind)(unstructure(obj)) == obj
    text = dump_records([obj], table="record")
    assert loads_records(text, kind, table="record", key=None) == (obj,)


@SOME
@given(ivst.patients())
def test_patients_round_trip(patient: Any) -> None:
    round_trips(patient)


@SOME
@given(ivst.patients(now=datetime(2026, 3, 10, 9, 0)))
def test_patients_with_naive_times_round_trip(patient: Any) -> None:
    round_trips(patient)


@SOME
@given(ivst.medication_uses(), ivst.lab_results())
def test_medications_and_labs_round_trip(medication: Any, lab: Any) -> None:
    round_trips(medication)
    round_trips(lab)


@SOME
@given(ivst.doses())
def test_doses_round_trip(dose: Any) -> None:
    round_trips(dose)


@SOME
@given(ivst.structures())
def test_atlas_structures_round_trip(structure: Any) -> None:
    round_trips(structure)


@SOME
@given(ivst.procedures())
def test_procedures_round_trip(procedure: Any) -> None:
    round_trips(procedure)
    for part in (*procedure.injectates, *procedure.target_rules, *procedure.views):
        round_trips(part)
    if procedure.needle is not None:
        round_trips(procedure.needle)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ivst.patients(), ivst.plans(injectates=False))
def test_assessments_and_their_findings_round_trip(patient: Any, plan: Any) -> None:
    from interventional.safety import assess

    result = assess(patient, plan, at=ivst.NOW)
    for finding in result.findings:
        round_trips(finding)
    round_trips(result)


def _records() -> list[tuple[str, Any]]:
    from interventional import imaging as im
    from interventional import pharmacology as ph
    from interventional.imaging.radiation import typical_doses
    from interventional.safety import default_rules

    rules = default_rules()
    out: list[tuple[str, Any]] = [
        ("drug", next(iter(ph.drugs().values()))),
        ("contrast", next(iter(ph.contrast_products().values()))),
        ("local-anesthetic-limit", ph.local_anesthetic_limit("bupivacaine")),
        ("corticosteroid", ph.corticosteroid_equivalence("triamcinolone-acetonide")),
        ("view", im.standard_view("scotty-dog-oblique")),
        ("needle", im.Needle("tuohy", 18, "3.5 inch")),
        ("radiation", im.RadiationDose("45 s", "3 mGy", "0.9 Gy*cm**2")),
        ("transducer", im.choose_transducer("6 cm").transducer),
        ("typical-dose", next(iter(typical_doses().values()))),
        ("policy", rules.policy),
        ("setting", rules.settings[0]),
        ("condition", next(iter(rules.conditions.values()))),
        ("device", next(iter(rules.devices.values()))),
    ]
    out += [(f"hold {row.id}", row) for row in rules.holds[:5]]
    out += [(f"rule {rule.id}", rule) for rule in rules.rules[:8]]
    return out


RECORDS = _records()


@pytest.mark.parametrize(("label", "record"), RECORDS, ids=[label for label, _ in RECORDS])
def test_data_records_round_trip(label: str, record: Any) -> None:
    round_trips(record)


@given(st.data())
@SOME
def test_leaf_values_round_trip_through_their_text(data: st.DataObject) -> None:
    from interventional.procedures import QuantityRange
    from interventional.references import bibliography, to_references

    level = data.draw(ivst.levels())
    segment = data.draw(ivst.segments())
    for value in (level, segment):
        assert type(value).parse(unstructure(value)) == value
    low = data.draw(st.integers(1, 20))
    span = QuantityRange.parse(f"{low}-{low + data.draw(st.integers(0, 20))} mL")
    assert QuantityRange.parse(unstructure(span)) == span
    reference = data.draw(st.sampled_from(sorted(bibliography().values(), key=lambda r: r.key)))
    assert to_references([unstructure(reference)]) == (reference,)


def test_procedure_plans_round_trip() -> None:
    from interventional.procedures import plan

    round_trips(plan("lumbar-mbb", levels=["L4-L5"], side="left"))


def test_transducer_choices_round_trip() -> None:
    from interventional.imaging import choose_transducer

    round_trips(choose_transducer("3 cm"))


def test_an_assessment_that_cannot_be_waited_out_round_trips() -> None:
    from interventional.procedures import plan
    from interventional.safety import Patient, assess

    refused = Patient(age=40, conditions=["patient-refusal"])
    result = assess(refused, plan("sgb", side="left"), at=ivst.NOW)
    assert result.earliest_time is None
    round_trips(result)
