"""Screening a cohort partition by partition: :func:`screen`, :func:`screen_to_parquet`.

A source is cut into partitions of whole patients and each partition goes through
:func:`~interventional.cohort.screen_partition`. Only one partition's rows are in memory
at a time when the source is a directory of Parquet files (the files of
:meth:`Cohort.to_parquet <interventional.cohort.Cohort.to_parquet>` are written for it: one
row group per partition, sorted by patient id); a :class:`~interventional.cohort.Cohort`
is made partition by partition; an OMOP extract is read partition by partition of persons
(:func:`~interventional.cohort.omop_partitions`); in-memory tables and CSV files of the long
format are read whole and then screened partition by partition.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from interventional.safety import RuleSet, Verdict

from ._build import CohortError, screen_partition
from ._cohort import Cohort
from ._schema import RESULT_SCHEMA, TABLES, UNMAPPED_SCHEMA

__all__ = ["ScreenResult", "Summary", "partitions", "screen", "screen_report", "screen_to_parquet"]

PARTITION_ROWS = 10_000
"""Procedure rows per partition of an in-memory source."""

Tables = Mapping[str, pa.Table]
Progress = Callable[[int, int | None], None]
"""Called after each partition with the rows screened so far and the total (if known)."""


def _as_arrow(name: str, value: Any) -> pa.Table:
    if isinstance(value, pa.Table):
        table = value
    elif hasattr(value, "to_arrow") and not hasattr(value, "columns"):
        table = value.to_arrow()
    else:
        try:
            table = pa.Table.from_pandas(value, preserve_index=False)
        except (TypeError, AttributeError, pa.ArrowException) as error:
            raise CohortError(
                name, f"expected a pyarrow Table or a pandas DataFrame: {error}"
            ) from None
    return _conform(name, table)


def _conform(name: str, table: pa.Table) -> pa.Table:
    """``table`` with the long format's column types (casting what casts; ids as text)."""
    if name not in TABLES:
        raise CohortError(name, f"not a table of the long format ({', '.join(TABLES)})")
    schema = TABLES[name]
    columns = []
    fields = []
    for field in schema:
        if field.name in table.column_names:
            column = table.column(field.name)
            if not column.type.equals(field.type):
                try:
                    column = _cast(column, field.type)
                except (pa.ArrowException, ValueError) as error:
                    raise CohortError(
                        f"{name}.{field.name}", f"expected {field.type}, got {column.type}: {error}"
                    ) from None
        elif not field.nullable:
            raise CohortError(f"{name}.{field.name}", "required column missing")
        else:
            column = pa.nulls(table.num_rows, field.type)
        if not field.nullable and column.null_count:
            raise CohortError(f"{name}.{field.name}", f"{column.null_count} rows have no value")
        columns.append(column)
        fields.append(field.with_type(column.type))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def _cast(column: Any, kind: pa.DataType) -> Any:
    if pa.types.is_timestamp(kind) and pa.types.is_timestamp(column.type):
        return column.cast(pa.timestamp("us", column.type.tz))  # keep the zone as given
    if pa.types.is_list(kind) and pa.types.is_string(column.type):  # "L4-L5;L5-S1"
        return pc.split_pattern(column, ";")
    try:
        return column.cast(kind)
    except (pa.ArrowException, ValueError):
        if not pa.types.is_nested(kind):
            raise
        # Structs whose fields come in another order (from pandas), which older pyarrow
        # cannot cast: rebuild the values by field name.
        return pa.chunked_array([pa.array(column.to_pylist(), type=kind)], type=kind)


def _empty(name: str) -> pa.Table:
    return TABLES[name].empty_table()


# ------------------------------------------------------------------- partitions


def _in_memory(tables: Tables, plan_mode: bool, size: int) -> Iterator[dict[str, pa.Table]]:
    driver = "patients" if plan_mode else "procedures"
    lead = tables.get(driver, _empty(driver))
    for start in range(0, lead.num_rows, size):
        part = lead.slice(start, size)
        ids = pc.unique(part.column("patient_id"))
        out = {driver: part}
        for name in TABLES:
            if name == driver:
                continue
            table = tables.get(name)
            if table is None:
                continue
            out[name] = table.filter(pc.is_in(table.column("patient_id"), value_set=ids))
        yield out


def _row_group_range(meta: Any, column: int, group: int) -> tuple[Any, Any] | None:
    stats = meta.row_group(group).column(column).statistics
    if stats is None or not stats.has_min_max:
        return None
    return stats.min, stats.max


def _rows_of(name: str, handle: pq.ParquetFile, ids: pa.Array) -> pa.Table:
    """The rows of the Parquet table ``name`` whose patient is in ``ids``, one row group at a time.

    Row groups whose patient-id statistics lie outside ``ids``' range are not read.
    """
    column = handle.schema_arrow.get_field_index("patient_id")
    if column < 0:
        raise CohortError(f"{name}.patient_id", "required column missing")
    low, high = pc.min(ids).as_py(), pc.max(ids).as_py()
    meta = handle.metadata
    pieces = []
    for index in range(handle.num_row_groups):
        bounds = _row_group_range(meta, column, index)
        if bounds is not None and (bounds[1] < low or bounds[0] > high):
            continue  # no patient of this partition in that row group
        piece = handle.read_row_group(index)
        pieces.append(piece.filter(pc.is_in(piece.column("patient_id"), value_set=ids)))
    if not pieces:
        return _empty(name)
    return _conform(name, pa.concat_tables(pieces))


def _parquet(files: Mapping[str, Path], plan_mode: bool) -> Iterator[dict[str, pa.Table]]:
    driver = "patients" if plan_mode else "procedures"
    if driver not in files:
        raise CohortError(driver, f"no {driver} table in the source")
    handles = {name: pq.ParquetFile(path) for name, path in files.items()}
    lead = handles[driver]
    for group in range(lead.num_row_groups):
        part = _conform(driver, lead.read_row_group(group))
        ids = pc.unique(part.column("patient_id"))
        if len(ids) == 0:
            continue
        out = {driver: part}
        for name, handle in handles.items():
            if name == driver or (plan_mode and name == "procedures"):
                continue
            rows = _rows_of(name, handle, ids)
            if rows.num_rows:
                out[name] = rows
        yield out


def _files(source: Path | Iterable[Path]) -> dict[str, Path]:
    paths = (
        sorted(p for p in source.iterdir() if p.is_file())
        if isinstance(source, Path)
        else [Path(p) for p in source]
    )
    found: dict[str, Path] = {}
    for path in paths:
        stem = path.name.split(".")[0]
        if stem in TABLES and path.suffix in (".parquet", ".csv", ".pq"):
            found[stem] = path
    return found


def _read_csv(name: str, path: Path) -> pa.Table:
    schema = TABLES[name]
    types = {
        f.name: f.type
        for f in schema
        if not pa.types.is_list(f.type) and not pa.types.is_struct(f.type)
    }
    options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    return _conform(name, pacsv.read_csv(path, convert_options=options))


def partitions(
    source: Any,
    *,
    plan_mode: bool = False,
    omop: bool | None = None,
    size: int = PARTITION_ROWS,
    at: datetime | None = None,
) -> Iterator[dict[str, pa.Table]]:
    """The partitions of a source: mappings of table name to the rows of a set of patients.

    Parameters
    ----------
    source : Cohort, mapping of tables, directory or files
        A :class:`~interventional.cohort.Cohort`; a mapping of table name to pyarrow Table
        or pandas DataFrame; a directory (or list of files) of the long format's tables
        as ``<table>.parquet`` or ``<table>.csv``; or a directory of an OMOP extract.
    plan_mode : bool
        Whether one plan is screened for every patient (the ``patients`` table leads).
    omop : bool, optional
        Read the directory as an OMOP CDM extract; by default, when it has a ``person`` table.
    size : int
        Rows per partition of an in-memory source (persons per partition of an OMOP extract).
    at : datetime, optional
        One procedure time for everyone (an OMOP extract's ages are read at it).
    """
    if isinstance(source, Cohort):
        yield from source.chunks()
        return
    if isinstance(source, Mapping):
        tables = {name: _as_arrow(name, value) for name, value in source.items()}
        yield from _in_memory(tables, plan_mode, size)
        return
    if isinstance(source, str | Path):
        source = Path(source)
        if not source.exists():
            raise CohortError("source", f"{source} does not exist")
        if source.is_file():
            source = [source]
    if isinstance(source, Path) and (omop or (omop is None and _is_omop(source))):
        from interventional.cohort._omop import omop_partitions

        yield from omop_partitions(source, at=at, size=size)
        return
    files = _files(source)
    if not files:
        raise CohortError("source", "no table of the long format (procedures.parquet, ...) found")
    if all(path.suffix != ".csv" for path in files.values()):
        yield from _parquet(files, plan_mode)
        return
    tables = {
        name: _read_csv(name, path)
        if path.suffix == ".csv"
        else _conform(name, pq.read_table(path))
        for name, path in files.items()
    }
    yield from _in_memory(tables, plan_mode, size)


def _is_omop(directory: Path) -> bool:
    return any(directory.glob("person.*"))


def _total(source: Any, plan_mode: bool) -> int | None:
    driver = "patients" if plan_mode else "procedures"
    if isinstance(source, Cohort):
        return len(source)
    if isinstance(source, Mapping) and driver in source:
        return len(source[driver])
    if isinstance(source, str | Path):
        path = Path(source) / f"{driver}.parquet"
        if not path.exists():  # an OMOP extract: its bookings, or its persons
            path = Path(source) / ("person" if plan_mode else "procedure_occurrence")
            path = path.with_suffix(".parquet")
        if path.exists():
            return int(pq.ParquetFile(path).metadata.num_rows)
    return None


# ------------------------------------------------------------------- results


@attrs.define
class Summary:
    """Counts of a screening run: rows, verdicts, unmapped rows, and the drugs that defer.

    ``deferring`` counts, per drug, the rows in which that drug's hold is not yet met at
    the procedure time (the rows it defers).
    """

    rows: int = 0
    verdicts: collections.Counter[str] = attrs.Factory(collections.Counter)
    deferring: collections.Counter[str] = attrs.Factory(collections.Counter)
    unmapped: int = 0
    blocking: int = 0

    def add(self, table: pa.Table) -> None:
        """Count one partition's results."""
        self.rows += table.num_rows
        for item in pc.value_counts(table.column("verdict")).to_pylist():
            self.verdicts[item["values"]] += item["counts"]
        held = table.column("held").combine_chunks()
        if len(held.values):  # each held drug whose hold is not met at the procedure time
            at = table.column("at").combine_chunks().take(pc.list_parent_indices(held))
            items = held.values
            until = items.field("until").cast(at.type)
            deferring = pc.filter(items.field("drug"), pc.fill_null(pc.greater(until, at), False))
            for item in pc.value_counts(deferring).to_pylist():
                self.deferring[item["values"]] += item["counts"]
        unmapped = table.column("unmapped").combine_chunks()
        if len(unmapped.values):
            self.unmapped += len(unmapped.values)
            self.blocking += int(pc.sum(unmapped.values.field("blocking")).as_py() or 0)

    def as_dict(self, top: int = 10) -> dict[str, Any]:
        """The summary as plain data (what ``--json`` prints)."""
        return {
            "rows": self.rows,
            "verdicts": {v.name: self.verdicts.get(v.name, 0) for v in Verdict},
            "deferring_drugs": dict(self.deferring.most_common(top)),
            "unmapped": self.unmapped,
            "unmapped_blocking": self.blocking,
        }

    def table(self, top: int = 10) -> str:
        """The summary as a plain-text table."""
        lines = [f"{'verdict':<20} {'rows':>10} {'share':>7}"]
        for verdict in Verdict:
            count = self.verdicts.get(verdict.name, 0)
            share = count / self.rows if self.rows else 0.0
            lines.append(f"{verdict.name:<20} {count:>10} {share:>7.1%}")
        lines.append(f"{'total':<20} {self.rows:>10}")
        if self.deferring:
            lines.append("")
            lines.append(f"{'drugs that defer most':<28} {'rows':>10}")
            for name, count in self.deferring.most_common(top):
                lines.append(f"{name:<28} {count:>10}")
        lines.append("")
        lines.append(
            f"unmapped rows: {self.unmapped} ({self.blocking} made a row INSUFFICIENT_DATA)"
        )
        return "\n".join(lines)


def unmapped_of(results: pa.Table) -> pa.Table:
    """The rows that could not be mapped, one per (patient, record), from a result table."""
    seen: set[tuple[str, str]] = set()
    rows: dict[str, list[Any]] = {field.name: [] for field in UNMAPPED_SCHEMA}
    for pid, items in zip(
        results.column("patient_id").to_pylist(),
        results.column("unmapped").to_pylist(),
        strict=True,
    ):
        for item in items:
            key = (pid, item["source"])
            if key in seen:
                continue
            seen.add(key)
            rows["patient_id"].append(pid)
            for name in ("table", "source", "what", "reason", "blocking"):
                rows[name].append(item[name])
    return pa.table(rows, schema=UNMAPPED_SCHEMA)


@attrs.frozen(slots=True)
class ScreenResult:
    """What :func:`screen_report` returns: the results, what was not mapped, the counts.

    Attributes
    ----------
    table : pyarrow.Table
        One row per procedure row (:data:`~interventional.cohort.RESULT_SCHEMA`).
    unmapped : pyarrow.Table
        Every row of the source that could not be mapped, for the patients screened
        (:data:`~interventional.cohort.UNMAPPED_SCHEMA`); ``blocking`` rows made their
        patient's assessment INSUFFICIENT_DATA.
    summary : Summary
    """

    table: pa.Table
    unmapped: pa.Table
    summary: Summary


def _run(
    source: Any,
    at: datetime | None,
    plan: Any,
    rules: RuleSet | None,
    omop: bool | None,
    progress: Progress | None,
) -> Iterator[pa.Table]:
    plan_mode = plan is not None
    total = _total(source, plan_mode) if progress is not None else None
    done = 0
    for tables in partitions(source, plan_mode=plan_mode, omop=omop, at=at):
        result = screen_partition(tables, at=at, plan=plan, rules=rules)
        done += result.num_rows
        if progress is not None:
            progress(done, total)
        yield result


def screen(
    source: Any,
    at: datetime | None = None,
    *,
    plan: Any = None,
    rules: RuleSet | None = None,
    omop: bool | None = None,
) -> pa.Table:
    """Screen every booked procedure of a cohort; one result row per procedure row.

    Parameters
    ----------
    source : Cohort, mapping of tables, directory or files
        See :func:`partitions`: a :class:`~interventional.cohort.Cohort`, the long
        format's tables (pyarrow or pandas), a directory of them (Parquet streams
        partition by partition; CSV is read whole), or an OMOP CDM extract.
    at : datetime, optional
        One procedure time for every row (default: each procedure row's ``at``).
    plan : ProcedurePlan, optional
        One plan for every patient of the ``patients`` table (then ``at`` is required and
        the ``procedures`` table is not read).
    rules : RuleSet, optional
        Another rule set.
    omop : bool, optional
        Read a directory as an OMOP CDM extract (by default when it has a ``person`` table).

    Returns
    -------
    pyarrow.Table
        :data:`~interventional.cohort.RESULT_SCHEMA`: ``patient_id``, ``procedure``,
        ``at``, ``verdict`` (the :class:`~interventional.safety.Verdict`'s name),
        ``earliest_time``, ``bleeding_risk``, ``handled_as``, ``held`` (drug, until,
        restart), ``findings`` (codes), ``citations`` (reference keys) and ``unmapped``
        (the patient's rows that could not be mapped). Each row equals
        :func:`~interventional.safety.assess` of the row's patient and plan.

    Examples
    --------
    >>> from interventional.cohort import screen
    >>> from interventional.testing import synthetic_cohort
    >>> results = screen(synthetic_cohort(50, seed=2))
    >>> results.num_rows, results.column_names[:5]
    (50, ['patient_id', 'procedure', 'at', 'verdict', 'earliest_time'])
    """
    parts = list(_run(source, at, plan, rules, omop, None))
    if not parts:
        return RESULT_SCHEMA.empty_table()
    return pa.concat_tables(parts)


def screen_report(
    source: Any,
    at: datetime | None = None,
    *,
    plan: Any = None,
    rules: RuleSet | None = None,
    omop: bool | None = None,
) -> ScreenResult:
    """:func:`screen`, with the table of unmapped rows and the summary counts.

    Examples
    --------
    >>> from interventional.cohort import screen_report
    >>> from interventional.testing import synthetic_cohort
    >>> report = screen_report(synthetic_cohort(20))
    >>> report.summary.rows, report.unmapped.num_rows
    (20, 0)
    """
    table = screen(source, at, plan=plan, rules=rules, omop=omop)
    summary = Summary()
    summary.add(table)
    return ScreenResult(table, unmapped_of(table), summary)


def screen_to_parquet(
    source: Any,
    out: str | Path,
    at: datetime | None = None,
    *,
    plan: Any = None,
    rules: RuleSet | None = None,
    omop: bool | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Screen ``source`` into the Parquet file ``out``, partition by partition.

    The results are written as they are made (one row group per partition), so memory is
    bounded by a partition. The rows that could not be mapped go to
    ``<out>.unmapped.parquet`` beside it.

    Returns
    -------
    Summary
        The counts (verdicts, drugs that defer most, unmapped rows).
    """
    path = Path(out)
    summary = Summary()
    unmapped_path = path.with_name(path.name.removesuffix(".parquet") + ".unmapped.parquet")
    writer: pq.ParquetWriter | None = None
    with pq.ParquetWriter(unmapped_path, UNMAPPED_SCHEMA) as missing:
        try:
            for table in _run(source, at, plan, rules, omop, progress):
                if writer is None:  # the first partition's schema: naive or UTC times
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
                summary.add(table)
                if summary.unmapped:
                    lost = unmapped_of(table)
                    if lost.num_rows:
                        missing.write_table(lost)
        finally:
            if writer is not None:
                writer.close()
    if writer is None:
        pq.write_table(RESULT_SCHEMA.empty_table(), path)
    return summary
