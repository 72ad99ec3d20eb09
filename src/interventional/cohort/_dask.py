"""Screening on a Dask cluster: :func:`screen_dask`.

The tables become Dask data frames indexed by ``patient_id`` with the same divisions, and
``dask.dataframe.map_partitions`` runs :func:`~interventional.cohort.screen_partition` on
each set of aligned partitions: the same function, and so the same answer, as
:func:`~interventional.cohort.screen`. Dask schedules it (threads, processes, or a
``distributed`` cluster: whichever scheduler is active, e.g. a ``Client``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from interventional.safety import RuleSet

from ._build import CohortError, screen_partition
from ._cohort import Cohort
from ._schema import RESULT_SCHEMA, in_zone
from ._screen import _as_arrow, _files, _rows_of

__all__ = ["screen_dask"]

_SIDE = ("patients", "medications", "labs", "conditions", "allergies", "devices")
"""The tables read beside the leading one."""


def _dask() -> Any:
    try:
        import dask.dataframe as dd
    except ModuleNotFoundError as error:  # pragma: no cover - the extra is installed in tests
        raise CohortError(
            "dask", 'screen_dask needs dask: pip install "interventional[cohort]"'
        ) from error
    return dd


def _to_arrow(name: str, frame: Any) -> pa.Table:
    """One partition's pandas frame as a table of the long format."""
    return _as_arrow(name, pa.Table.from_pandas(frame, preserve_index=False))


def _side_rows(side: Mapping[str, Any], ids: pa.Array) -> dict[str, pa.Table]:
    """The rows of the side tables (Parquet paths or Arrow tables) of the patients ``ids``."""
    out = {}
    for name, value in side.items():
        if isinstance(value, pa.Table):
            out[name] = value.filter(pc.is_in(value.column("patient_id"), value_set=ids))
        else:
            out[name] = _rows_of(name, pq.ParquetFile(value), ids)
    return out


def _screen_frame(
    frame: Any, *, driver: str, side: Mapping[str, Any], at: Any, plan: Any, rules: Any
) -> Any:
    """The partition function on Dask: one partition of the leading table, screened."""
    lead = _to_arrow(driver, frame)
    tables = {driver: lead, **_side_rows(side, pc.unique(lead.column("patient_id")))}
    return screen_partition(tables, at=at, plan=plan, rules=rules).to_pandas()


def screen_dask(
    source: Any,
    at: datetime | None = None,
    *,
    plan: Any = None,
    rules: RuleSet | None = None,
    npartitions: int | None = None,
    compute: bool = True,
    out: str | Path | None = None,
) -> Any:
    """Screen a cohort with Dask: :func:`screen_partition` through ``map_partitions``.

    The leading table (``procedures``, or ``patients`` with ``plan``) is a Dask data frame
    (one partition per Parquet row group when read from a directory); each of its
    partitions is screened by :func:`~interventional.cohort.screen_partition` with the
    rows of the other tables for its patients. From a directory, each task reads those
    rows from the Parquet files itself (row groups pruned by their patient-id statistics);
    tables given in memory are sent with the tasks.

    Parameters
    ----------
    source : Cohort, directory, or mapping of tables
        A :class:`~interventional.cohort.Cohort`; a directory of the long format's Parquet
        files (:meth:`Cohort.to_parquet`); or a mapping of table name to a pyarrow Table,
        a pandas data frame, or (the leading table) a Dask data frame.
    at, plan, rules
        As for :func:`~interventional.cohort.screen`.
    npartitions : int, optional
        Repartition the leading table into this many partitions.
    compute : bool
        Return the computed pyarrow Table (default), or the lazy Dask data frame.
    out : str or Path, optional
        Write the results as a directory of Parquet files (one per partition, written by
        the workers; naive times) instead of returning them; returns the directory.

    Returns
    -------
    pyarrow.Table, dask.dataframe.DataFrame or Path
        The table of :func:`~interventional.cohort.screen`, rows in the same order.

    Examples
    --------
    >>> from interventional.cohort import screen, screen_dask
    >>> from interventional.testing import synthetic_cohort
    >>> cohort = synthetic_cohort(40, seed=1)
    >>> screen_dask(cohort, npartitions=2).equals(screen(cohort))
    True
    """
    import dask

    # Dask's default turns object columns into text, which would flatten the list columns
    # (levels, injectates) of the long format: keep them as they are.
    with dask.config.set({"dataframe.convert-string": False}):
        lazy = _lazy(source, at, plan, rules, npartitions)
        if out is not None:  # each worker writes its partitions: nothing comes back
            lazy.to_parquet(str(out), schema=RESULT_SCHEMA, write_index=False)
            return Path(out)
        if not compute:
            return lazy
        frame = lazy.compute()
    zone = getattr(frame["at"].dtype, "tz", None)
    schema = in_zone(RESULT_SCHEMA, None if zone is None else "UTC")
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def _lazy(
    source: Any, at: datetime | None, plan: Any, rules: RuleSet | None, npartitions: int | None
) -> Any:
    dd = _dask()
    driver = "patients" if plan is not None else "procedures"
    side: dict[str, Any] = {}
    if isinstance(source, Cohort):
        source = source.to_tables()
    if isinstance(source, str | Path):
        files = _files(Path(source))
        if driver not in files or any(p.suffix != ".parquet" for p in files.values()):
            raise CohortError(
                "source", f"screen_dask reads a directory of Parquet files with {driver}.parquet"
            )
        lead = dd.read_parquet(str(files[driver]), split_row_groups=True)
        side = {name: str(path) for name, path in files.items() if name in _SIDE and name != driver}
    elif isinstance(source, Mapping):
        if driver not in source:
            raise CohortError(driver, f"no {driver} table in the source")
        value = source[driver]
        if isinstance(value, dd.DataFrame):
            lead = value
        else:
            frame = _as_arrow(driver, value).to_pandas()
            lead = dd.from_pandas(frame, npartitions=npartitions or 2, sort=False)
        side = {
            name: _as_arrow(name, table)
            for name, table in source.items()
            if name in _SIDE and name != driver
        }
    else:
        raise CohortError(
            "source",
            f"expected a Cohort, a directory or a mapping of tables, got {type(source).__name__}",
        )
    if npartitions is not None and lead.npartitions != npartitions:
        lead = lead.repartition(npartitions=npartitions)
    meta = RESULT_SCHEMA.empty_table().to_pandas()
    return lead.map_partitions(
        _screen_frame,
        driver=driver,
        side=side,
        at=at,
        plan=plan,
        rules=rules,
        meta=meta,
        enforce_metadata=False,
    )
