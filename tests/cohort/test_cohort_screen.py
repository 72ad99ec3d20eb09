"""screen equals assess row by row, from every kind of source; what cannot be mapped is returned."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import attrs
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cohort_rows import assert_rows_equal_assess, expected_row, result_row
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.cohort import (
    RESULT_SCHEMA,
    TABLES,
    Cohort,
    CohortError,
    doc_of,
    screen,
    screen_partition,
    screen_report,
    screen_to_parquet,
)
from interventional.procedures import plan as make_plan
from interventional.safety import (
    LabResult,
    MedicationUse,
    Patient,
    UnresolvedRecord,
    Verdict,
    assess,
)
from interventional.testing import synthetic_cohort

AT = datetime(2026, 3, 10, 9, 0)


@pytest.mark.slow
def test_import_interventional_loads_no_pyarrow_dask_or_pandas() -> None:
    # pint itself imports dask.base when dask is installed (pint.compat); interventional
    # must add nothing of pyarrow, pandas or dask beyond what ``import pint`` loads.
    code = (
        "import sys\n"
        "import pint\n"
        "by_pint = {m for m in sys.modules if m.split('.')[0] == 'dask'}\n"
        "import interventional, interventional.testing, interventional.cli\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pyarrow', 'pandas', 'distributed', 'dask') and m not in by_pint)\n"
        "assert not heavy, heavy\n"
        "assert 'dask.dataframe' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_importing_the_cohort_package_reads_no_data_file() -> None:
    # The vocabularies are read when a partition first needs them, not at import time.
    code = (
        "import interventional.cohort\n"
        "from interventional.concepts import _concepts\n"
        "from interventional.pharmacology.drugs import _vocabulary\n"
        "assert _vocabulary.cache_info().currsize == 0, 'the drug vocabulary was read'\n"
        "assert _concepts.cache_info().currsize == 0, 'the concepts file was read'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_column_of_the_long_format_and_the_results_is_documented() -> None:
    for name, schema in TABLES.items():
        assert schema.field("patient_id").nullable is False, name
        for field in schema:
            assert doc_of(field), f"{name}.{field.name}"
    for field in RESULT_SCHEMA:
        assert doc_of(field), field.name


@st.composite
def _decided(draw: st.DrawFn) -> Patient:
    """Generated patients, each medication with a recorded decision or none."""
    patient = draw(ivst.patients(now=ivst.NOW))
    decisions = st.sampled_from([None, "continue", "hold"])
    medications = [attrs.evolve(m, decision=draw(decisions)) for m in patient.medications]
    return attrs.evolve(patient, medications=medications)


cases_strategy = st.lists(
    st.tuples(_decided(), ivst.plans(duration=True)),
    min_size=0,
    max_size=6,
)


@pytest.mark.slow  # hypothesis: many cohorts
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=cases_strategy)
def test_screen_equals_assess_row_by_row_on_generated_cohorts(pairs, tmp_path_factory) -> None:
    cases = [(f"p{index}", patient, plan, ivst.NOW) for index, (patient, plan) in enumerate(pairs)]
    cohort = Cohort.from_cases(cases)
    assert_rows_equal_assess(screen(cohort), cases)
    assert_rows_equal_assess(screen(cohort.to_tables()), cases)
    directory = cohort.to_parquet(tmp_path_factory.mktemp("long"))
    assert_rows_equal_assess(screen(directory), cases)


@pytest.mark.slow  # hypothesis: many cohorts
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    patients=st.lists(_decided(), min_size=1, max_size=3),
    bookings=st.lists(
        st.tuples(st.integers(0, 2), ivst.plans(), st.sampled_from([0, 1, 3])),
        min_size=1,
        max_size=6,
    ),
)
def test_several_bookings_of_a_patient_in_any_order_each_equal_assess(patients, bookings) -> None:
    # Each patient's rows are written once; its bookings (at NOW or later, so that no
    # record is after them) come in any order, interleaved with other patients'.
    cases = [
        (f"p{k % len(patients)}", patients[k % len(patients)], plan, ivst.NOW + timedelta(days=d))
        for k, plan, d in bookings
    ]
    people = Cohort.from_cases(
        [(f"p{k}", patient, bookings[0][1], ivst.NOW) for k, patient in enumerate(patients)]
    ).to_tables()
    booked = Cohort.from_cases(cases).to_tables()["procedures"]
    assert_rows_equal_assess(screen({**people, "procedures": booked}), cases)


@pytest.mark.slow
def test_a_synthetic_cohort_screens_equal_to_assess_from_parquet_and_omop(tmp_path) -> None:
    cohort = synthetic_cohort(400, seed=11)
    cases = list(cohort.cases())
    assert_rows_equal_assess(screen(cohort.to_parquet(tmp_path / "long")), cases)
    assert_rows_equal_assess(screen(cohort.to_omop(tmp_path / "omop")), cases)
    verdicts = set(screen(cohort).column("verdict").to_pylist())
    assert {"PROCEED", "CAUTION", "DEFER", "INSUFFICIENT_DATA"} <= verdicts


@pytest.mark.slow
def test_synthetic_cohorts_are_reproducible_and_about_two_and_a_half_medications_each() -> None:
    first = synthetic_cohort(2000, seed=7).to_tables()
    second = synthetic_cohort(2000, seed=7).to_tables()
    assert all(first[name].equals(second[name]) for name in TABLES)
    assert 2.3 <= first["medications"].num_rows / 2000 <= 2.7
    other = synthetic_cohort(2000, seed=8).to_tables()
    assert not other["medications"].equals(first["medications"])


def test_pandas_frames_and_csv_files_screen_like_arrow_tables(tmp_path) -> None:
    cohort = synthetic_cohort(120, seed=2)
    tables = cohort.to_tables()
    expected = screen(tables)
    frames = {name: table.to_pandas() for name, table in tables.items()}
    assert screen(frames).equals(expected)
    for name, table in tables.items():
        flat = table
        if name == "procedures":  # CSV has no lists: levels as 'L4-L5;L5-S1', no injectates
            continue
        pa.csv.write_csv(flat, tmp_path / f"{name}.csv")
    pq.write_table(tables["procedures"], tmp_path / "procedures.parquet")
    assert screen(tmp_path).equals(expected)


def _tables(**extra):
    base = {
        "patients": pa.table({"patient_id": ["a"], "age": [70.0], "pregnant": [False]}),
        "procedures": pa.table(
            {
                "patient_id": ["a"],
                "procedure": ["lumbar-medial-branch-block"],
                "levels": [["L4-L5"]],
                "side": ["left"],
                "at": [AT],
            }
        ),
    }
    base.update({name: pa.table(columns) for name, columns in extra.items()})
    return base


MBB = make_plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left")


def test_a_coded_medication_maps_through_the_drug_codes() -> None:
    rxcui = dict(__import__("interventional").pharmacology.drug("clopidogrel").codes)["rxnorm"]
    row = screen(
        _tables(
            medications={
                "patient_id": ["a"],
                "system": ["rxnorm"],
                "code": [rxcui],
                "last_dose": [AT - timedelta(days=2)],
            }
        )
    ).to_pylist()[0]
    patient = Patient(
        age=70,
        pregnant=False,
        medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=2))],
    )
    assert result_row(row) == expected_row("a", assess(patient, MBB, at=AT))
    assert row["unmapped"] == []


def test_an_unmapped_medication_that_looks_like_an_antithrombotic_makes_the_row_insufficient() -> (
    None
):
    report = screen_report(
        _tables(
            medications={
                "patient_id": ["a", "a"],
                "system": [None, None],
                "code": [None, None],
                "name": ["Apixabn 5 mg tablet", "metformin 500 mg"],
                "last_dose": [AT - timedelta(hours=12), AT - timedelta(hours=3)],
            }
        )
    )
    row = report.table.to_pylist()[0]
    assert row["verdict"] == "INSUFFICIENT_DATA"
    blocking = [item for item in row["unmapped"] if item["blocking"]]
    other = [item for item in row["unmapped"] if not item["blocking"]]
    assert len(blocking) == 1
    assert "apixaban" in blocking[0]["reason"]
    assert len(other) == 1
    assert "metformin" in other[0]["what"]
    record = UnresolvedRecord(blocking[0]["source"], blocking[0]["what"], blocking[0]["reason"])
    patient = Patient(age=70, pregnant=False, unresolved=[record])
    assert result_row(row) == expected_row("a", assess(patient, MBB, at=AT))
    assert report.unmapped.num_rows == 2  # counted and returned, never dropped
    assert report.summary.unmapped == 2
    assert report.summary.blocking == 1


def test_an_inr_without_a_value_is_blocking_and_an_unknown_test_is_not() -> None:
    row = screen(
        _tables(
            labs={
                "patient_id": ["a", "a"],
                "system": ["loinc", "loinc"],
                "code": ["6301-6", "2345-7"],
                "value": [None, 5.4],
                "unit": [None, "mmol/L"],
                "taken_at": [AT - timedelta(hours=2)] * 2,
            }
        )
    ).to_pylist()[0]
    assert row["verdict"] == "INSUFFICIENT_DATA"
    assert [item["blocking"] for item in row["unmapped"]] == [True, False]


def test_a_missing_patient_row_or_an_unknown_procedure_is_insufficient_data_never_proceed() -> None:
    tables = _tables()
    tables["procedures"] = pa.table(
        {
            "patient_id": ["a", "b"],
            "procedure": ["lumbar-medial-brnch-block", "knee-joint-injection"],
            "side": ["left", "left"],
            "at": [AT, AT],
        }
    )
    rows = screen(tables).to_pylist()
    assert [row["verdict"] for row in rows] == ["INSUFFICIENT_DATA", "INSUFFICIENT_DATA"]
    assert "did you mean" in rows[0]["unmapped"][0]["reason"]
    assert rows[1]["unmapped"][0]["table"] == "patients"


def test_records_after_the_procedure_time_are_left_out_and_reported() -> None:
    row = screen(
        _tables(
            medications={
                "patient_id": ["a"],
                "code": ["warfarin"],
                "last_dose": [AT + timedelta(days=1)],
            }
        )
    ).to_pylist()[0]
    assert result_row(row) == expected_row("a", assess(Patient(age=70, pregnant=False), MBB, at=AT))
    assert "after the procedure time" in row["unmapped"][0]["reason"]


def test_consecutive_bookings_of_a_patient_each_see_the_records_known_at_their_time() -> None:
    dose = AT + timedelta(days=1)
    times = [AT, AT + timedelta(days=2), AT, AT + timedelta(days=2), AT + timedelta(days=2)]
    tables = _tables(medications={"patient_id": ["a"], "code": ["warfarin"], "last_dose": [dose]})
    tables["procedures"] = pa.table(
        {
            "patient_id": ["a"] * len(times),
            "procedure": ["lumbar-medial-branch-block"] * len(times),
            "levels": [["L4-L5"]] * len(times),
            "side": ["left"] * len(times),
            "at": times,
        }
    )
    before = Patient(age=70, pregnant=False)
    after = Patient(age=70, pregnant=False, medications=[MedicationUse("warfarin", last_dose=dose)])
    rows = screen(tables).to_pylist()
    for row, when in zip(rows, times, strict=True):
        patient = before if when < dose else after
        assert result_row(row) == expected_row("a", assess(patient, MBB, at=when))
        assert bool(row["unmapped"]) is (when < dose)  # the later dose, reported


def test_one_plan_and_time_for_everyone_reads_the_patients_table() -> None:
    cohort = synthetic_cohort(60, seed=4)
    knee = make_plan("knee-joint-injection", side="right", modality="ultrasound")
    at = datetime(2026, 6, 1, 9)
    results = screen(cohort.to_tables(), at, plan=knee)
    cases = [(pid, patient, knee, at) for pid, patient, _, _ in cohort.cases()]
    assert_rows_equal_assess(results, cases)
    with pytest.raises(CohortError, match="at="):
        screen(cohort.to_tables(), plan=knee)


def test_decisions_and_durations_pass_through_to_the_engine() -> None:
    tables = _tables(
        medications={
            "patient_id": ["a", "a"],
            "code": ["aspirin", "clopidogrel"],
            "indication": ["secondary-prophylaxis", None],
            "last_dose": [AT - timedelta(hours=10), AT - timedelta(days=8)],
            "decision": ["continue", None],
        }
    )
    tables["procedures"] = pa.table(
        {
            "patient_id": ["a"],
            "procedure": ["spinal-cord-stimulator-trial"],
            "levels": [["T8"]],
            "at": [AT],
            "duration": pa.array([timedelta(minutes=40)], pa.duration("us")),
        }
    )
    row = screen(tables).to_pylist()[0]
    patient = Patient(
        age=70,
        pregnant=False,
        medications=[
            MedicationUse(
                "aspirin",
                last_dose=AT - timedelta(hours=10),
                indication="secondary-prophylaxis",
                decision="continue",
            ),
            MedicationUse("clopidogrel", last_dose=AT - timedelta(days=8)),
        ],
    )
    timed = make_plan("spinal-cord-stimulator-trial", levels=["T8"], duration="40 min")
    untimed = make_plan("spinal-cord-stimulator-trial", levels=["T8"])
    assert result_row(row) == expected_row("a", assess(patient, timed, at=AT))
    assert result_row(row) != expected_row("a", assess(patient, untimed, at=AT))
    undecided = attrs.evolve(
        patient,
        medications=[attrs.evolve(patient.medications[0], decision=None), patient.medications[1]],
    )
    assert result_row(row) != expected_row("a", assess(undecided, timed, at=AT))


def test_an_unknown_decision_is_a_blocking_unmapped_row() -> None:
    row = screen(
        _tables(medications={"patient_id": ["a"], "code": ["aspirin"], "decision": ["stop"]})
    ).to_pylist()[0]
    assert row["verdict"] == "INSUFFICIENT_DATA"
    assert "decision" in row["unmapped"][0]["reason"]


def test_a_missing_required_column_names_table_and_column() -> None:
    with pytest.raises(CohortError, match=r"procedures\.at"):
        screen({"procedures": pa.table({"patient_id": ["a"], "procedure": ["sgb"]})})


def test_screen_to_parquet_streams_the_same_rows_and_the_unmapped_ones(tmp_path) -> None:
    cohort = synthetic_cohort(250, seed=9)
    out = tmp_path / "results.parquet"
    summary = screen_to_parquet(cohort.to_parquet(tmp_path / "long"), out)
    assert pq.read_table(out).equals(screen(cohort))
    assert pq.read_table(tmp_path / "results.unmapped.parquet").num_rows == summary.unmapped == 0
    assert summary.rows == 250
    assert sum(summary.verdicts.values()) == 250
    assert summary.as_dict()["verdicts"].keys() == {v.name for v in Verdict}


def test_the_partition_function_keeps_the_procedure_rows_order() -> None:
    cohort = synthetic_cohort(30, seed=1)
    tables = cohort.to_tables()
    reversed_procedures = tables["procedures"].take(list(range(29, -1, -1)))
    results = screen_partition({**tables, "procedures": reversed_procedures})
    assert (
        results.column("patient_id").to_pylist()
        == reversed_procedures.column("patient_id").to_pylist()
    )


def test_a_lab_in_other_units_is_converted_from_ucum() -> None:
    row = screen(
        _tables(
            labs={
                "patient_id": ["a"],
                "system": ["loinc"],
                "code": ["777-3"],
                "value": [40.0],
                "unit": ["10*3/uL"],
                "taken_at": [AT - timedelta(hours=3)],
            }
        )
    ).to_pylist()[0]
    patient = Patient(
        age=70,
        pregnant=False,
        labs=[LabResult("platelets", "40e3 / µL", taken_at=AT - timedelta(hours=3))],
    )
    assert result_row(row) == expected_row("a", assess(patient, MBB, at=AT))


@pytest.mark.slow
def test_the_summary_counts_verdicts_and_the_drugs_whose_hold_is_not_met() -> None:
    import collections

    from interventional.cohort import Summary

    results = screen(synthetic_cohort(800, seed=12))
    summary = Summary()
    summary.add(results)
    deferring: collections.Counter[str] = collections.Counter()
    for row in results.to_pylist():
        for item in row["held"]:
            if item["until"] is not None and item["until"] > row["at"]:
                deferring[item["drug"]] += 1
    assert summary.deferring == deferring
    assert deferring  # the cohort has holds not yet met
    assert summary.verdicts == collections.Counter(results.column("verdict").to_pylist())
