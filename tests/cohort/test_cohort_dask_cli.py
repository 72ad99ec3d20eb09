"""screen_dask on a local cluster of two processes, and the screen command line."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pyarrow.parquet as pq
import pytest
from cohort_rows import assert_rows_equal_assess

from interventional.cli import main
from interventional.cohort import screen, screen_dask
from interventional.procedures import plan as make_plan
from interventional.testing import synthetic_cohort

pytest.importorskip("dask.distributed")


@pytest.mark.slow
def test_screen_dask_on_a_local_cluster_of_two_processes_gives_the_same_table(tmp_path) -> None:
    from dask.distributed import Client, LocalCluster

    cohort = synthetic_cohort(600, seed=21)
    directory = cohort.to_parquet(tmp_path / "long")
    expected = screen(directory)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        from_files = screen_dask(directory)
        from_tables = screen_dask(cohort.to_tables(), npartitions=3)
    assert from_files.equals(expected)
    assert from_tables.equals(expected)


def test_screen_dask_with_one_plan_for_everyone() -> None:
    cohort = synthetic_cohort(40, seed=3)
    knee = make_plan("knee-joint-injection", side="left", modality="ultrasound")
    at = datetime(2026, 2, 2, 10)
    result = screen_dask(cohort.to_tables(), at, plan=knee, npartitions=2)
    assert result.equals(screen(cohort.to_tables(), at, plan=knee))


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_the_command_line_screens_an_omop_extract_to_parquet_equal_to_assess(tmp_path) -> None:
    cohort = synthetic_cohort(300, seed=5)
    extract = cohort.to_omop(tmp_path / "omop")
    out = tmp_path / "results.parquet"
    code, text, _ = _run("screen", str(extract), "--omop", "--out", str(out))
    assert code == 0
    assert_rows_equal_assess(pq.read_table(out), list(cohort.cases()))
    assert "DEFER" in text
    assert "drugs that defer most" in text
    assert (tmp_path / "results.unmapped.parquet").exists()


def test_the_command_line_summary_as_json_and_one_plan_for_everyone(tmp_path) -> None:
    cohort = synthetic_cohort(50, seed=6)
    directory = cohort.to_parquet(tmp_path / "long")
    out = tmp_path / "r.parquet"
    code, text, _ = _run(
        "screen",
        str(directory),
        "--out",
        str(out),
        "--json",
        "--procedure",
        "lumbar-medial-branch-block",
        "--levels",
        "L4-L5",
        "--side",
        "left",
        "--at",
        "2026-04-01T09:00",
    )
    assert code == 0
    data = json.loads(text)
    assert data["rows"] == 50 == sum(data["verdicts"].values())
    assert set(pq.read_table(out).column("procedure").to_pylist()) == {"lumbar-medial-branch-block"}


def test_the_command_line_reports_a_bad_source_in_one_line(tmp_path) -> None:
    code, _, err = _run("screen", str(tmp_path / "missing"), "--out", str(tmp_path / "r.parquet"))
    assert code != 0
    assert err.count("\n") == 1
    assert "does not exist" in err


def test_the_progress_bar_draws_after_its_delay() -> None:
    from interventional.cohort._cli import Progress

    stream = io.StringIO()
    bar = Progress(stream, delay=0.0)
    bar(50, 100)
    bar.close()
    assert "50/100 rows" in stream.getvalue()
    assert stream.getvalue().endswith("\n")


def test_one_plan_for_everyone_from_an_omop_extract_reads_ages_at_that_time(tmp_path) -> None:
    cohort = synthetic_cohort(30, seed=8)
    extract = cohort.to_omop(tmp_path / "omop")
    knee = make_plan("knee-joint-injection", side="left", modality="ultrasound")
    at = datetime(2027, 6, 1, 9)
    results = screen(extract, at, plan=knee)
    assert results.num_rows == 30
    assert set(results.column("procedure").to_pylist()) == {"knee-joint-injection"}
