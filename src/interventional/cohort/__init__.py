"""Screen a cohort at scale: tables in, tables out, on one core or a Dask cluster.

The optional extra ``cohort`` (``pip install "interventional[cohort]"``: pyarrow, pandas,
dask) lets a user ask :func:`~interventional.safety.assess` of a whole extract:

- The input is the documented long format (:data:`TABLES`: ``patients``, ``medications``,
  ``labs``, ``conditions``, ``allergies``, ``devices``, ``procedures``, keyed by
  ``patient_id``) as pyarrow tables, pandas data frames, or Parquet or CSV files, or an
  OMOP CDM extract (:func:`read_omop`), or a :class:`Cohort`.
- :func:`screen` assesses each booked procedure and returns a pyarrow Table
  (:data:`RESULT_SCHEMA`) whose rows equal ``assess`` row by row. Rows that cannot be
  mapped are returned in the ``unmapped`` column (:func:`screen_report` gathers them);
  those the rules would need make the row INSUFFICIENT_DATA.
- It works partition by partition through one function, :func:`screen_partition`;
  :func:`screen_to_parquet` streams to a file, and :func:`screen_dask` runs the same
  function through ``dask.dataframe.map_partitions`` on a Dask cluster.

Educational model, not a medical device.

Examples
--------
>>> from interventional.cohort import screen
>>> from interventional.testing import synthetic_cohort
>>> table = screen(synthetic_cohort(30, seed=4))
>>> table.num_rows, set(table.column("verdict").to_pylist()) <= {
...     "PROCEED", "CAUTION", "INSUFFICIENT_DATA", "DEFER", "CONTRAINDICATED"}
(30, True)
"""

from __future__ import annotations

from interventional.cohort._build import CohortError, screen_partition
from interventional.cohort._cohort import Case, Cohort, synthetic_cohort
from interventional.cohort._dask import screen_dask
from interventional.cohort._omop import OMOP_TABLES, omop_partitions, read_omop, write_omop
from interventional.cohort._schema import (
    RESULT_SCHEMA,
    TABLE_DOCS,
    TABLES,
    UNMAPPED_SCHEMA,
    doc_of,
)
from interventional.cohort._screen import (
    ScreenResult,
    Summary,
    partitions,
    screen,
    screen_report,
    screen_to_parquet,
    unmapped_of,
)

__all__ = [
    "OMOP_TABLES",
    "RESULT_SCHEMA",
    "TABLES",
    "TABLE_DOCS",
    "UNMAPPED_SCHEMA",
    "Case",
    "Cohort",
    "CohortError",
    "ScreenResult",
    "Summary",
    "doc_of",
    "omop_partitions",
    "partitions",
    "read_omop",
    "screen",
    "screen_dask",
    "screen_partition",
    "screen_report",
    "screen_to_parquet",
    "synthetic_cohort",
    "unmapped_of",
    "write_omop",
]
