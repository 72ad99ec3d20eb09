"""The OMOP reader: partition by partition of persons, clinical drugs read as their ingredients."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from cohort_rows import assert_rows_equal_assess

from interventional.cohort import omop_partitions, read_omop, screen, screen_report
from interventional.cohort._omop import INGREDIENT, SITE_VOCABULARY
from interventional.pharmacology import drug_by_code, drugs
from interventional.testing import synthetic_cohort


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    cohort = synthetic_cohort(60, seed=5)
    return cohort, cohort.to_omop(tmp_path_factory.mktemp("omop"))


def _copy(directory, tmp_path, leave_out=None):
    """A copy of the extract to change (``leave_out``: a file not copied)."""
    copy = tmp_path / "omop"
    copy.mkdir()
    for path in directory.iterdir():
        if path.name != leave_out:
            (copy / path.name).write_bytes(path.read_bytes())
    return copy


def _concepts(directory):
    return {
        row["concept_id"]: row for row in pq.read_table(directory / "concept.parquet").to_pylist()
    }


def test_the_synthetic_extract_writes_clinical_drugs_whose_ancestor_is_their_ingredient(
    extract,
) -> None:
    _, directory = extract
    concept = _concepts(directory)
    links = pq.read_table(directory / "concept_ancestor.parquet").to_pylist()
    clinical = [row for row in concept.values() if row["concept_class_id"] == "Clinical Drug"]
    assert clinical, "some drug exposures are written as clinical-drug concepts"
    for row in clinical:
        assert row["vocabulary_id"] == SITE_VOCABULARY  # no RxNorm clinical-drug code is made up
        (ingredient,) = [
            concept[link["ancestor_concept_id"]]
            for link in links
            if link["descendant_concept_id"] == row["concept_id"]
            and link["ancestor_concept_id"] != row["concept_id"]
        ]
        assert (ingredient["vocabulary_id"], ingredient["concept_class_id"]) == (
            "RxNorm",
            INGREDIENT,
        )
        # the ingredient's code is the library's own RxNorm code of that drug
        assert drug_by_code("rxnorm", ingredient["concept_code"]).name == row["concept_code"]
        assert drugs()[row["concept_code"]].codes.get("rxnorm") == ingredient["concept_code"]
    exposures = pq.read_table(directory / "drug_exposure.parquet")
    used = set(exposures.column("drug_concept_id").to_pylist())
    assert used & {row["concept_id"] for row in clinical}
    assert used & {c for c, row in concept.items() if row["concept_class_id"] == INGREDIENT}


def test_clinical_drug_rows_are_read_as_their_rxnorm_ingredient(extract) -> None:
    cohort, directory = extract
    medications = read_omop(directory)["medications"].to_pylist()
    assert medications
    assert all(row["system"] in ("rxnorm", None) for row in medications)
    clinical = [row for row in medications if "site drug product" in (row["name"] or "")]
    assert clinical
    for row in clinical:
        assert row["name"].startswith(drug_by_code("rxnorm", row["code"]).display_name)
    assert_rows_equal_assess(screen(directory), list(cohort.cases()))


def test_without_concept_ancestor_clinical_drugs_stay_unmapped_and_are_counted(
    extract, tmp_path
) -> None:
    _, directory = extract
    copy = _copy(directory, tmp_path, leave_out="concept_ancestor.parquet")
    exposures = pq.read_table(copy / "drug_exposure.parquet")
    concept = _concepts(copy)
    clinical = {c for c, row in concept.items() if row["concept_class_id"] == "Clinical Drug"}
    expected = sum(1 for c in exposures.column("drug_concept_id").to_pylist() if c in clinical)
    report = screen_report(copy)
    lost = report.unmapped.filter(pc.equal(report.unmapped.column("table"), "medications"))
    assert lost.num_rows == expected > 0
    # the name still says what the drug is: an antithrombotic's is blocking, never dropped
    blocking = [row for row in lost.to_pylist() if row["blocking"]]
    assert blocking
    assert all("looks like" in row["reason"] for row in blocking)
    rows = {row["patient_id"]: row for row in report.table.to_pylist()}
    for item in blocking:  # each is an unresolved record of its patient: never PROCEED
        row = rows[item["patient_id"]]
        assert "unresolved:" + item["source"] in row["findings"]
        assert row["verdict"] not in ("PROCEED", "CAUTION")


def test_a_combination_product_is_read_as_each_of_its_ingredients(extract, tmp_path) -> None:
    _, directory = extract
    copy = _copy(directory, tmp_path)
    concept = _concepts(copy)
    ingredients = sorted(c for c, row in concept.items() if row["concept_class_id"] == INGREDIENT)
    clinical = min(c for c, row in concept.items() if row["concept_class_id"] == "Clinical Drug")
    links = pq.read_table(copy / "concept_ancestor.parquet")
    (first,) = [
        row["ancestor_concept_id"]
        for row in links.to_pylist()
        if row["descendant_concept_id"] == clinical
    ]
    second = next(c for c in ingredients if c != first)
    extra = pa.table(
        {
            "ancestor_concept_id": [second],
            "descendant_concept_id": [clinical],
            "min_levels_of_separation": [1],
            "max_levels_of_separation": [1],
        },
        schema=links.schema,
    )
    pq.write_table(pa.concat_tables([links, extra]), copy / "concept_ancestor.parquet")
    exposures = pq.read_table(copy / "drug_exposure.parquet").to_pylist()
    rows = sum(2 if row["drug_concept_id"] == clinical else 1 for row in exposures)
    medications = read_omop(copy)["medications"]
    assert medications.num_rows == rows
    codes = {
        (row["patient_id"], row["code"])
        for row in medications.to_pylist()
        if row["name"] == concept[clinical]["concept_name"]
    }
    assert {code for _, code in codes} == {
        concept[first]["concept_code"],
        concept[second]["concept_code"],
    }


def test_an_extract_is_read_partition_by_partition_of_persons(extract) -> None:
    _, directory = extract
    parts = list(omop_partitions(directory, size=25))
    assert [part["procedures"].num_rows for part in parts] == [25, 25, 10]
    seen: set[str] = set()
    for part in parts:
        people = set(part["patients"].column("patient_id").to_pylist())
        assert not people & seen  # each person in one partition, with all of its rows
        seen |= people
        for name in ("medications", "labs", "conditions", "procedures"):
            assert set(part[name].column("patient_id").to_pylist()) <= people
    whole = read_omop(directory)
    for name, table in whole.items():
        assert table.num_rows == sum(part[name].num_rows for part in parts), name


def test_an_extract_of_csv_files_screens_like_its_parquet_files(extract, tmp_path) -> None:
    _, directory = extract
    for path in directory.iterdir():
        pacsv.write_csv(pq.read_table(path), tmp_path / f"{path.stem}.csv")
    assert screen(tmp_path, omop=True).equals(screen(directory))


def test_rows_of_a_person_missing_from_the_person_table_are_still_screened(
    extract, tmp_path
) -> None:
    _, directory = extract
    copy = _copy(directory, tmp_path)
    person = pq.read_table(copy / "person.parquet")
    kept = pc.not_equal(person.column("person_id"), 30)  # a person inside a range, removed
    pq.write_table(person.filter(kept), copy / "person.parquet")
    results = screen(copy)
    assert results.num_rows == 60  # never dropped
    (row,) = results.filter(pc.equal(results.column("patient_id"), "30")).to_pylist()
    assert row["verdict"] == "INSUFFICIENT_DATA"


def test_to_omop_writes_one_row_group_per_partition_of_persons(tmp_path, monkeypatch) -> None:
    from interventional.cohort import _omop

    monkeypatch.setattr(_omop, "PARTITION_PERSONS", 25)
    directory = synthetic_cohort(60, seed=5).to_omop(tmp_path)
    for name in ("person", "drug_exposure", "procedure_occurrence"):
        handle = pq.ParquetFile(directory / f"{name}.parquet")
        column = handle.schema_arrow.get_field_index("person_id")
        bounds = [
            (stats.min, stats.max)
            for stats in (
                handle.metadata.row_group(group).column(column).statistics
                for group in range(handle.num_row_groups)
            )
        ]
        assert len(bounds) == 3, name
        for (low, high), (first, last) in zip(bounds, [(1, 25), (26, 50), (51, 60)], strict=True):
            assert first <= low <= high <= last, name


def test_a_booking_without_a_person_id_is_in_the_last_partition_never_dropped(
    extract, tmp_path
) -> None:
    _, directory = extract
    copy = _copy(directory, tmp_path)
    bookings = pq.read_table(copy / "procedure_occurrence.parquet")
    ids = bookings.column("person_id").to_pylist()
    ids[3] = None
    column = bookings.schema.get_field_index("person_id")
    pq.write_table(
        bookings.set_column(column, "person_id", pa.array(ids, pa.int64())),
        copy / "procedure_occurrence.parquet",
    )
    parts = list(omop_partitions(copy, size=25))
    assert sum(part["procedures"].num_rows for part in parts) == 60
    results = screen(copy)
    assert results.num_rows == 60
    (row,) = results.filter(pc.equal(results.column("patient_id"), "None")).to_pylist()
    assert row["verdict"] == "INSUFFICIENT_DATA"


def test_the_progress_of_an_extract_knows_its_number_of_bookings(extract, tmp_path) -> None:
    from interventional.cohort import screen_to_parquet

    _, directory = extract
    seen = []
    summary = screen_to_parquet(
        directory, tmp_path / "out.parquet", progress=lambda done, total: seen.append((done, total))
    )
    assert summary.rows == 60
    assert seen[-1] == (60, 60)
