"""OMOP CDM extracts in and out: :func:`read_omop` (to the long format), :func:`write_omop`.

An extract is a directory of tables (``<table>.parquet`` or ``<table>.csv``) with the
columns of the OMOP CDM v5.4 listed in :data:`OMOP_TABLES`, and the extract's own
``concept`` table. Every concept id is read through that table: its ``vocabulary_id`` and
``concept_code`` become a code of the library's code systems (:data:`VOCABULARIES`), and
the code goes through the library's own look-ups (RxNorm ingredient codes to drugs, LOINC
to laboratory tests, SNOMED CT or ICD-10-CM to conditions and devices). A concept id of 0
(no standard concept) falls back to the row's ``*_source_value`` read as the library's own
id. What the CDM has no field for is read from documented source values (see
:data:`OMOP_TABLES`). What cannot be mapped is returned like any unmapped row of the long
format.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from interventional.codes import CodeSystem
from interventional.concepts import Concept, concept_of, concepts
from interventional.safety import LabName, default_rules
from interventional.units import magnitude

from ._build import CohortError, _datetimes
from ._schema import TABLES

if TYPE_CHECKING:
    from ._cohort import Cohort

__all__ = ["OMOP_TABLES", "VOCABULARIES", "omop_partitions", "read_omop", "write_omop"]

VOCABULARIES: Mapping[str, CodeSystem] = MappingProxyType(
    {
        "RxNorm": CodeSystem.RXNORM,
        "ATC": CodeSystem.ATC,
        "LOINC": CodeSystem.LOINC,
        "SNOMED": CodeSystem.SNOMED,
        "ICD10CM": CodeSystem.ICD10CM,
        "UCUM": CodeSystem.UCUM,
    }
)
"""OMOP ``vocabulary_id`` to the library's code system."""

_ID = pa.int64()
_TIME = pa.timestamp("us")
_TEXT = pa.string()

OMOP_TABLES: Mapping[str, tuple[tuple[str, pa.DataType, str], ...]] = MappingProxyType(
    {
        "concept": (
            ("concept_id", _ID, "The extract's concept id."),
            ("concept_name", _TEXT, "Kept as the record's name in reports."),
            (
                "vocabulary_id",
                _TEXT,
                "``RxNorm``, ``ATC``, ``LOINC``, ``SNOMED``, ``ICD10CM``, ``UCUM``.",
            ),
            ("concept_code", _TEXT, "The code in that vocabulary."),
            (
                "concept_class_id",
                _TEXT,
                "For drugs: a concept not of class ``Ingredient`` (an RxNorm clinical or "
                "branded drug, ...) is read as its RxNorm ingredients (``concept_ancestor``).",
            ),
        ),
        "concept_ancestor": (
            ("ancestor_concept_id", _ID, "An RxNorm ingredient of the descendant (if it is one)."),
            ("descendant_concept_id", _ID, "A drug concept of ``drug_exposure``."),
            ("min_levels_of_separation", _ID, "Not read (any ingredient ancestor counts)."),
            ("max_levels_of_separation", _ID, "Not read."),
        ),
        "person": (
            ("person_id", _ID, "The person."),
            ("birth_datetime", _TIME, "Read as the age in whole years at the first booking."),
            ("person_source_value", _TEXT, "The patient id of the results (else ``person_id``)."),
        ),
        "drug_exposure": (
            ("drug_exposure_id", _ID, "Names the row in reports."),
            ("person_id", _ID, "The person."),
            ("drug_concept_id", _ID, "An RxNorm ingredient (or ATC) concept: the drug."),
            ("drug_exposure_start_datetime", _TIME, "When the exposure began."),
            (
                "drug_exposure_end_datetime",
                _TIME,
                "The last dose; null: current use with the last dose unknown.",
            ),
            ("route_source_value", _TEXT, "``oral``, ``intravenous`` or ``subcutaneous``."),
            (
                "sig",
                _TEXT,
                "The indication where a hold rule needs it (``secondary-prophylaxis``, ...) and "
                "the recorded shared decision (``decision=continue`` or ``decision=hold``), "
                "separated by ``;``: the CDM has no field for either.",
            ),
            ("drug_source_value", _TEXT, "The drug's id or name when the concept is 0."),
        ),
        "measurement": (
            ("measurement_id", _ID, "Names the row in reports."),
            ("person_id", _ID, "The person."),
            (
                "measurement_concept_id",
                _ID,
                "A LOINC concept: a laboratory test, body weight (the patient's weight), "
                "creatinine clearance (the patient's creatinine clearance).",
            ),
            ("measurement_datetime", _TIME, "When the sample was taken."),
            ("value_as_number", pa.float64(), "The result."),
            ("unit_concept_id", _ID, "A UCUM concept: the result's unit."),
            ("unit_source_value", _TEXT, "The UCUM code when the unit concept is 0."),
            ("measurement_source_value", _TEXT, "The test's id when the concept is 0."),
        ),
        "condition_occurrence": (
            ("condition_occurrence_id", _ID, "Names the row in reports."),
            ("person_id", _ID, "The person."),
            (
                "condition_concept_id",
                _ID,
                "A SNOMED CT or ICD-10-CM concept: a condition, a device, or pregnancy.",
            ),
            ("condition_start_datetime", _TIME, "Onset (a row after the booking is left out)."),
            ("condition_end_datetime", _TIME, "End (a row ended by the booking is left out)."),
            ("condition_source_value", _TEXT, "The condition's id when the concept is 0."),
        ),
        "observation": (
            ("observation_id", _ID, "Names the row in reports."),
            ("person_id", _ID, "The person."),
            ("observation_concept_id", _ID, "Not pregnant (a SNOMED CT concept), or 0."),
            ("observation_datetime", _TIME, "When it was recorded."),
            (
                "observation_source_value",
                _TEXT,
                "``allergy:<drug, class or contrast>`` for an allergy (this reader's "
                "convention; the CDM has no allergy table).",
            ),
        ),
        "device_exposure": (
            ("device_exposure_id", _ID, "Names the row in reports."),
            ("person_id", _ID, "The person."),
            ("device_concept_id", _ID, "A SNOMED CT concept: an implanted device."),
            ("device_exposure_start_datetime", _TIME, "When it was implanted."),
            ("device_source_value", _TEXT, "The device's id when the concept is 0."),
        ),
        "procedure_occurrence": (
            ("procedure_occurrence_id", _ID, "Names the row in reports."),
            ("person_id", _ID, "The person."),
            ("procedure_concept_id", _ID, "0: the booking is read from the source values."),
            ("procedure_datetime", _TIME, "The booked time."),
            (
                "procedure_end_datetime",
                _TIME,
                "The planned end: the plan's duration is end minus start; null: not recorded.",
            ),
            ("procedure_source_value", _TEXT, "The library's procedure id (or alias)."),
            (
                "modifier_source_value",
                _TEXT,
                "The plan's choices, ``key=value`` separated by ``;``: ``levels=L4-L5,L5-S1``, "
                "``side=left``, ``modality=fluoroscopy``, ``target=...``, "
                "``injectates=drug/amount/volume/concentration+...``.",
            ),
        ),
    }
)
"""The OMOP CDM v5.4 tables and columns :func:`read_omop` reads (name, type, how it is read)."""


def _schema(name: str) -> pa.Schema:
    return pa.schema([(column, kind) for column, kind, _ in OMOP_TABLES[name]])


PARTITION_PERSONS = 10_000
"""Persons per partition when an extract is read partition by partition."""

INGREDIENT = "Ingredient"
"""The ``concept_class_id`` of an RxNorm ingredient concept (OMOP CDM v5.4)."""


def _dataset(directory: Path, name: str) -> ds.Dataset | None:
    """The table ``name`` of the extract: a Parquet dataset, or a CSV file read into memory."""
    path = directory / f"{name}.parquet"
    if path.exists():
        return ds.dataset(path, format="parquet")
    path = directory / f"{name}.csv"
    if path.exists():
        types = {field.name: field.type for field in _schema(name)}
        options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
        return ds.dataset(pacsv.read_csv(path, convert_options=options))
    return None


class _Extract:
    """An OMOP CDM extract read partition by partition (persons by ``person_id`` range).

    Each table is a :mod:`pyarrow.dataset`: a partition's rows are read with a filter on
    ``person_id``, which skips the Parquet row groups whose statistics lie outside the
    range. The ``concept`` and ``concept_ancestor`` rows are read for the concept ids a
    partition uses that were not met before, and kept (one entry per distinct concept).
    """

    def __init__(self, directory: Path) -> None:
        self.tables = {
            name: found for name in OMOP_TABLES if (found := _dataset(directory, name)) is not None
        }
        if "person" not in self.tables:
            raise CohortError("person", f"{directory} has no person table: not an OMOP extract")
        self._concepts: dict[int, dict[str, Any] | None] = {}
        self._ingredients: dict[int, tuple[int, ...]] = {}

    def read(
        self, name: str, where: Any = None, columns: list[str] | None = None
    ) -> pa.Table | None:
        """The rows of the table ``name`` (``where``: a dataset filter), in the reader's types."""
        dataset = self.tables.get(name)
        if dataset is None:
            return None
        fields = [f for f in _schema(name) if columns is None or f.name in columns]
        present = [f.name for f in fields if f.name in dataset.schema.names]
        table = dataset.to_table(columns=present, filter=where)
        out = {}
        for field in fields:
            if field.name in table.column_names:
                try:
                    out[field.name] = table.column(field.name).cast(field.type)
                except (pa.ArrowException, ValueError) as error:
                    raise CohortError(f"{name}.{field.name}", str(error)) from None
            else:
                out[field.name] = pa.nulls(table.num_rows, field.type)
        return pa.table(out)

    def ranges(self, size: int) -> list[Any]:
        """Filters that cut the persons into ranges of ``size`` person ids (every id in one)."""
        ids = self.read("person", columns=["person_id"])
        assert ids is not None  # the person table is there (checked when opened)
        people = pc.unique(ids.column("person_id").drop_null())
        people = people.take(pc.array_sort_indices(people))
        bounds = people.take(pa.array(range(size, len(people), size), pa.int64())).to_pylist()
        person = ds.field("person_id")
        if not bounds:
            return [None]
        filters = [person < bounds[0]]
        filters += [(person >= low) & (person < high) for low, high in itertools.pairwise(bounds)]
        filters.append((person >= bounds[-1]) | person.is_null())  # a row without a person too
        return filters

    def concept(self, concept_id: int | None) -> dict[str, Any] | None:
        """The concept row of ``concept_id`` (read by :meth:`meet`), or ``None``."""
        return self._concepts.get(concept_id) if concept_id else None

    def meet(self, ids: Any) -> None:
        """Read the concept rows of the concept ids ``ids`` not met before."""
        missing = sorted({i for i in ids if i and i not in self._concepts})
        if not missing:
            return
        found = self.read("concept", ds.field("concept_id").isin(missing))
        for row in [] if found is None else found.to_pylist():
            self._concepts[row["concept_id"]] = row
        for concept_id in missing:
            self._concepts.setdefault(concept_id, None)

    def meet_drugs(self, ids: Any) -> None:
        """Read the ingredients of the drug concepts ``ids`` that are not ingredients themselves.

        A drug concept of another class (an RxNorm clinical or branded drug, ...) is read as
        the concepts of ``concept_ancestor`` that are its ancestors and RxNorm ingredients.
        """
        self.meet(ids)
        wanted = sorted(
            {
                i
                for i in ids
                if i
                and i not in self._ingredients
                and (row := self.concept(i)) is not None
                and row["concept_class_id"] != INGREDIENT
            }
        )
        if not wanted:
            return
        links = self.read("concept_ancestor", ds.field("descendant_concept_id").isin(wanted))
        pairs = (
            []
            if links is None
            else list(
                zip(
                    links.column("descendant_concept_id").to_pylist(),
                    links.column("ancestor_concept_id").to_pylist(),
                    strict=True,
                )
            )
        )
        self.meet(ancestor for _, ancestor in pairs)
        found: dict[int, set[int]] = {i: set() for i in wanted}
        for descendant, ancestor in pairs:
            row = self.concept(ancestor)
            if (
                row is not None
                and row["vocabulary_id"] == "RxNorm"
                and row["concept_class_id"] == INGREDIENT
            ):
                found[descendant].add(ancestor)
        for descendant, ancestors in found.items():
            self._ingredients[descendant] = tuple(sorted(ancestors))

    def coded(
        self, concept_id: int | None, source: str | None
    ) -> tuple[str | None, str | None, str | None]:
        """``(system, code, name)`` of a concept (a concept id of 0: the source value)."""
        row = self.concept(concept_id)
        if row is None:
            return None, source, source
        system = VOCABULARIES.get(row["vocabulary_id"] or "")
        if system is None:
            return row["vocabulary_id"], row["concept_code"], row["concept_name"]
        return system.value, row["concept_code"], row["concept_name"]

    def drug(
        self, concept_id: int | None, source: str | None
    ) -> list[tuple[str | None, str | None, str | None]]:
        """A drug concept as ``(system, code, name)``: its RxNorm ingredients when it has them.

        The name is the drug concept's own (reports); a drug concept with no ingredient
        found is read as it is (and mapped, or reported unmapped, when screened).
        """
        ingredients = self._ingredients.get(concept_id or 0, ())
        if not ingredients:
            return [self.coded(concept_id, source)]
        _, _, name = self.coded(concept_id, source)
        return [(CodeSystem.RXNORM.value, self.coded(i, None)[1], name) for i in ingredients]


def _rows(table: pa.Table | None) -> Iterator[dict[str, Any]]:
    """The table's rows one at a time, as dicts (each let go before the next is made)."""
    if table is None:
        return
    names = table.column_names
    columns = [
        _datetimes(column) if pa.types.is_timestamp(column.type) else column.to_pylist()
        for column in table.columns
    ]
    for values in zip(*columns, strict=True):
        yield dict(zip(names, values, strict=True))


@functools.lru_cache(maxsize=4096)
def _concept_of(system: str, code: str) -> Concept | None:
    """The library's concept of a code (pregnancy, not pregnant, ...), once per distinct code."""
    return concept_of(CodeSystem(system), code)


def _age(birth: datetime | None, at: datetime | None) -> float | None:
    if birth is None or at is None:
        return None
    years = at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))
    return float(years)


def read_omop(directory: str | Path, *, at: datetime | None = None) -> dict[str, pa.Table]:
    """Read an OMOP CDM extract into the long format's tables (:data:`OMOP_TABLES`), whole.

    :func:`omop_partitions` reads it partition by partition (what
    :func:`~interventional.cohort.screen` does); this is their concatenation.

    Parameters
    ----------
    directory : str or Path
        A directory with ``person``, ``concept`` and the other tables as Parquet or CSV.
    at : datetime, optional
        One procedure time for everyone: ages, weights and creatinine clearances are read
        at it (by default at each person's first booked procedure).

    Returns
    -------
    dict of str to pyarrow.Table
        The long format (:data:`~interventional.cohort.TABLES`), ready for
        :func:`~interventional.cohort.screen`. Codes are carried as ``system``/``code``
        (mapped when screened, so that what cannot be mapped is reported there).
    """
    parts = list(omop_partitions(directory, at=at))
    return {
        name: pa.concat_tables([part[name] for part in parts]) if parts else schema.empty_table()
        for name, schema in TABLES.items()
    }


def omop_partitions(
    directory: str | Path, *, at: datetime | None = None, size: int = PARTITION_PERSONS
) -> Iterator[dict[str, pa.Table]]:
    """Read an OMOP CDM extract as partitions of the long format, ``size`` persons each.

    Every row of a person is in the partition of that person's id range, so memory is
    bounded by a partition (and the concepts met), not by the extract: Parquet tables are
    read range by range (sorted by ``person_id``, as :func:`write_omop` writes them, only
    the row groups of the range are read); a CSV table is read into memory once.

    Parameters
    ----------
    directory : str or Path
        The extract (see :func:`read_omop`).
    at : datetime, optional
        One procedure time for everyone (see :func:`read_omop`).
    size : int
        Persons per partition.

    Examples
    --------
    >>> import tempfile
    >>> from interventional.cohort import omop_partitions
    >>> from interventional.testing import synthetic_cohort
    >>> with tempfile.TemporaryDirectory() as scratch:
    ...     extract = synthetic_cohort(25).to_omop(scratch)
    ...     [part["procedures"].num_rows for part in omop_partitions(extract, size=10)]
    [10, 10, 5]
    """
    extract = _Extract(Path(directory))
    for where in extract.ranges(size):
        yield _long_format(
            {name: extract.read(name, where) for name in _PERSON_TABLES}, extract, at
        )


_PERSON_TABLES = (
    "person",
    "procedure_occurrence",
    "measurement",
    "drug_exposure",
    "condition_occurrence",
    "observation",
    "device_exposure",
)
"""The tables of an extract keyed by ``person_id`` (read partition by partition)."""


def _concept_ids(table: pa.Table | None, *columns: str) -> list[int]:
    if table is None:
        return []
    return sorted({i for c in columns for i in pc.unique(table.column(c)).drop_null().to_pylist()})


def _long_format(
    tables: Mapping[str, pa.Table | None], extract: _Extract, at: datetime | None
) -> dict[str, pa.Table]:
    """One partition of an extract (its persons' rows of each table) in the long format."""
    extract.meet(
        [
            *_concept_ids(tables["measurement"], "measurement_concept_id", "unit_concept_id"),
            *_concept_ids(tables["condition_occurrence"], "condition_concept_id"),
            *_concept_ids(tables["observation"], "observation_concept_id"),
            *_concept_ids(tables["device_exposure"], "device_concept_id"),
        ]
    )
    extract.meet_drugs(_concept_ids(tables["drug_exposure"], "drug_concept_id"))
    coded = extract.coded
    people = list(_rows(tables["person"]))
    ids = {row["person_id"]: row["person_source_value"] or str(row["person_id"]) for row in people}
    out: dict[str, dict[str, list[Any]]] = {
        name: {field.name: [] for field in schema} for name, schema in TABLES.items()
    }
    first: dict[str, datetime] = {}
    for row in _rows(tables["procedure_occurrence"]):
        pid = ids.get(row["person_id"], str(row["person_id"]))
        choices = _choices(row["modifier_source_value"])
        procedures = out["procedures"]
        procedures["patient_id"].append(pid)
        procedures["procedure"].append(row["procedure_source_value"])
        procedures["levels"].append(choices.get("levels"))
        procedures["side"].append(choices.get("side"))
        procedures["modality"].append(choices.get("modality"))
        procedures["injectates"].append(choices.get("injectates"))
        procedures["target"].append(choices.get("target"))
        procedures["at"].append(row["procedure_datetime"])
        end = row["procedure_end_datetime"]
        start = row["procedure_datetime"]
        procedures["duration"].append(None if end is None or start is None else end - start)
        when = row["procedure_datetime"]
        if when is not None and (pid not in first or when < first[pid]):
            first[pid] = when
    if at is not None:
        first = dict.fromkeys(ids.values(), at)
    body_weight = set(concepts()[Concept.BODY_WEIGHT].codes.all(CodeSystem.LOINC))
    clearance = set(LabName.CREATININE_CLEARANCE.loinc)
    weights: dict[str, tuple[datetime, float]] = {}
    clearances: dict[str, tuple[datetime, float]] = {}
    pregnancy: dict[str, tuple[datetime, bool]] = {}
    for row in _rows(tables["measurement"]):
        pid = ids.get(row["person_id"], str(row["person_id"]))
        system, code, name = coded(row["measurement_concept_id"], row["measurement_source_value"])
        when = row["measurement_datetime"]
        booked = first.get(pid)
        _unit_system, unit, _ = coded(row["unit_concept_id"], row["unit_source_value"])
        if system == "loinc" and code in body_weight | clearance:
            if when is None or (booked is not None and when > booked):
                continue  # the latest value at or before the first booking counts
            into = weights if code in body_weight else clearances
            if row["value_as_number"] is not None and (pid not in into or when >= into[pid][0]):
                into[pid] = (when, row["value_as_number"])
            continue
        labs = out["labs"]
        labs["patient_id"].append(pid)
        labs["system"].append(system)
        labs["code"].append(code)
        labs["name"].append(name)
        labs["value"].append(row["value_as_number"])
        labs["unit"].append(unit)
        labs["taken_at"].append(when)
    meds = out["medications"]
    for row in _rows(tables["drug_exposure"]):
        pid = ids.get(row["person_id"], str(row["person_id"]))
        indication, decision = _sig(row["sig"])
        # One medication per ingredient of the drug concept (a combination product: several).
        for system, code, name in extract.drug(row["drug_concept_id"], row["drug_source_value"]):
            meds["patient_id"].append(pid)
            meds["system"].append(system)
            meds["code"].append(code)
            meds["name"].append(name if name != code else row["drug_source_value"])
            meds["last_dose"].append(row["drug_exposure_end_datetime"])
            meds["indication"].append(indication)
            meds["route"].append(row["route_source_value"])
            meds["dose"].append(None)
            meds["decision"].append(decision)
    for row in _rows(tables["condition_occurrence"]):
        pid = ids.get(row["person_id"], str(row["person_id"]))
        system, code, name = coded(row["condition_concept_id"], row["condition_source_value"])
        if system in ("snomed", "icd-10-cm") and code is not None:
            found = _concept_of(system, code)
            if found is Concept.PREGNANT:
                pregnancy[pid] = (row["condition_start_datetime"] or datetime.min, True)
                continue
        conditions = out["conditions"]
        conditions["patient_id"].append(pid)
        conditions["system"].append(system)
        conditions["code"].append(code)
        conditions["name"].append(name)
    for row in _rows(tables["observation"]):
        pid = ids.get(row["person_id"], str(row["person_id"]))
        source = row["observation_source_value"] or ""
        if source.startswith("allergy:"):
            allergies = out["allergies"]
            allergies["patient_id"].append(pid)
            allergies["system"].append(None)
            allergies["code"].append(source.removeprefix("allergy:"))
            allergies["name"].append(None)
            continue
        system, code, _ = coded(row["observation_concept_id"], None)
        if system == "snomed" and code is not None:
            found = _concept_of(CodeSystem.SNOMED.value, code)
            if found is Concept.NOT_PREGNANT and pid not in pregnancy:
                pregnancy[pid] = (row["observation_datetime"] or datetime.min, False)
    for row in _rows(tables["device_exposure"]):
        pid = ids.get(row["person_id"], str(row["person_id"]))
        system, code, name = coded(row["device_concept_id"], row["device_source_value"])
        devices = out["devices"]
        devices["patient_id"].append(pid)
        devices["system"].append(system)
        devices["code"].append(code)
        devices["name"].append(name)
    patients = out["patients"]
    for row in people:
        pid = ids[row["person_id"]]
        age = _age(row["birth_datetime"], first.get(pid))
        if age is None:
            continue  # no booking (or no birth date): the booking's row reports it
        patients["patient_id"].append(pid)
        patients["age"].append(age)
        patients["weight_kg"].append(weights[pid][1] if pid in weights else None)
        patients["pregnant"].append(pregnancy[pid][1] if pid in pregnancy else None)
        patients["creatinine_clearance_ml_min"].append(
            clearances[pid][1] if pid in clearances else None
        )
    return {name: pa.table(out[name], schema=TABLES[name]) for name in TABLES}


def _sig(text: str | None) -> tuple[str | None, str | None]:
    """The indication and the decision that a ``sig`` of this reader's convention records."""
    indication = decision = None
    for part in (text or "").split(";"):
        part = part.strip()
        if part.startswith("decision="):
            decision = part.removeprefix("decision=").strip() or None
        elif part:
            indication = part
    return indication, decision


def _choices(text: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in (text or "").split(";"):
        if "=" not in part:
            continue
        key, value = (item.strip() for item in part.split("=", 1))
        if key == "levels":
            out[key] = [level for level in value.split(",") if level]
        elif key == "injectates":
            doses = []
            for item in value.split("+"):
                fields = [*item.split("/"), "", "", "", ""][:4]
                doses.append(
                    dict(
                        zip(
                            ("drug", "amount", "volume", "concentration"),
                            (f or None for f in fields),
                            strict=True,
                        )
                    )
                )
            out[key] = doses
        else:
            out[key] = value
    return out


# ----------------------------------------------------------------------- writing


class _Concepts:
    """The extract's concept table, made as codes are met (local ids from 2,000,000,001).

    With ``concept_ancestor``: each RxNorm ingredient's row to itself (as the CDM's
    vocabulary has it) and, for the site's clinical-drug concepts (:meth:`site_drug`),
    the row from the ingredient to the drug.
    """

    _VOCABULARY: ClassVar[dict[CodeSystem, str]] = {
        system: name for name, system in VOCABULARIES.items()
    }

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], int] = {}
        self.rows: dict[str, list[Any]] = {column: [] for column, _, _ in OMOP_TABLES["concept"]}
        self.ancestors: dict[str, list[Any]] = {
            column: [] for column, _, _ in OMOP_TABLES["concept_ancestor"]
        }
        self._next = itertools.count(2_000_000_001)  # the CDM's range for local concepts

    def id(self, system: CodeSystem, code: str, name: str) -> int:
        """The concept of ``code`` in ``system`` (an RxNorm code: an ingredient's)."""
        concept_class = INGREDIENT if system is CodeSystem.RXNORM else None
        found, new = self._concept(self._VOCABULARY[system], code, name, concept_class)
        if new and concept_class == INGREDIENT:
            self._ancestor(found, found, 0)  # an ingredient is its own ancestor
        return found

    def site_drug(self, ingredient: int, drug: str, name: str) -> int:
        """A site-local clinical-drug concept of the drug ``drug``, descendant of ``ingredient``.

        Its vocabulary is the site's (``Site``, its code the library's drug id): the library
        has no RxNorm clinical-drug codes, and none is made up.
        """
        found, new = self._concept(
            SITE_VOCABULARY, drug, f"{name} (site drug product)", "Clinical Drug"
        )
        if new:
            self._ancestor(ingredient, found, 1)
        return found

    def _concept(
        self, vocabulary: str, code: str, name: str, concept_class: str | None
    ) -> tuple[int, bool]:
        """The concept id of ``code`` in ``vocabulary``, and whether it was just made."""
        key = (vocabulary, code)
        found = self.ids.get(key)
        if found is not None:
            return found, False
        found = self.ids[key] = next(self._next)
        for column, value in zip(
            self.rows, (found, name, vocabulary, code, concept_class), strict=True
        ):
            self.rows[column].append(value)
        return found, True

    def _ancestor(self, ancestor: int, descendant: int, levels: int) -> None:
        for column, value in zip(
            self.ancestors, (ancestor, descendant, levels, levels), strict=True
        ):
            self.ancestors[column].append(value)


SITE_VOCABULARY = "Site"
"""The ``vocabulary_id`` of the site-local drug concepts that :func:`write_omop` writes."""


def _birth(at: datetime, age: float) -> datetime:
    years = int(age)
    day = at.date() - timedelta(days=1)
    try:
        born = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        born = date(day.year - years, 3, 1)
    return datetime(born.year, born.month, born.day)


def write_omop(cohort: Cohort, directory: str | Path) -> Path:
    """Write ``cohort`` as an OMOP CDM extract (the tables of :data:`OMOP_TABLES`, Parquet).

    Each drug, test, condition and device with a code of the library's data files is
    written with a concept of the extract's ``concept`` table (local concept ids from
    2,000,000,001, the CDM's range for site concepts); one without is written with
    concept 0 and its id as the source value. :func:`read_omop` reads it back to the
    same patients and plans.

    Returns
    -------
    Path
        The directory.
    """
    from interventional.pharmacology import drugs

    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    rules = default_rules()
    table_names = _PERSON_TABLES
    rows = _no_rows()
    writers = {
        name: pq.ParquetWriter(path / f"{name}.parquet", _schema(name)) for name in table_names
    }
    concept = _Concepts()
    exposures = itertools.count()
    counter = {name: itertools.count(1) for name in table_names}
    body_weight = concepts()[Concept.BODY_WEIGHT].codes.all(CodeSystem.LOINC)[0]
    pregnant = concepts()[Concept.PREGNANT].codes.all(CodeSystem.SNOMED)[0]
    not_pregnant = concepts()[Concept.NOT_PREGNANT].codes.all(CodeSystem.SNOMED)[0]
    kg = concept.id(CodeSystem.UCUM, "kg", "kilogram")
    try:
        for person_id, (pid, patient, plan, at) in enumerate(cohort.cases(), 1):
            if person_id % PARTITION_PERSONS == 1 and person_id > 1:
                _flush(rows, writers)  # one row group per partition of persons
                rows = _no_rows()
            add = _adder(rows, counter, person_id)
            add(
                "person",
                birth_datetime=_birth(at, float(patient.age.magnitude)),
                person_source_value=pid,
            )
            for use in patient.medications:
                record = drugs()[use.drug]
                rxnorm = record.codes.get("rxnorm")
                drug_concept = (
                    0
                    if rxnorm is None
                    else concept.id(CodeSystem.RXNORM, rxnorm, record.display_name)
                )
                if drug_concept and next(exposures) % 2:  # every other one as a clinical drug
                    drug_concept = concept.site_drug(drug_concept, use.drug, record.display_name)
                add(
                    "drug_exposure",
                    drug_concept_id=drug_concept,
                    drug_exposure_start_datetime=use.last_dose or at - timedelta(days=30),
                    drug_exposure_end_datetime=use.last_dose,
                    route_source_value=None if use.route is None else use.route.value,
                    sig=";".join(
                        part
                        for part in (
                            None if use.indication is None else use.indication.value,
                            None if use.decision is None else f"decision={use.decision.value}",
                        )
                        if part
                    )
                    or None,
                    drug_source_value=use.drug,
                )
            for result in patient.labs:
                from ._cohort import _lab_row

                value, unit = _lab_row(result)
                loinc = result.name.loinc[0]
                add(
                    "measurement",
                    measurement_concept_id=concept.id(
                        CodeSystem.LOINC, loinc, result.name.display_name
                    ),
                    measurement_datetime=result.taken_at,
                    value_as_number=value,
                    unit_concept_id=0 if unit is None else concept.id(CodeSystem.UCUM, unit, unit),
                    unit_source_value=unit,
                    measurement_source_value=result.name.value,
                )
            if patient.weight is not None:
                add(
                    "measurement",
                    measurement_concept_id=concept.id(CodeSystem.LOINC, body_weight, "Body weight"),
                    measurement_datetime=at - timedelta(days=1),
                    value_as_number=magnitude(patient.weight, "kg"),
                    unit_concept_id=kg,
                    unit_source_value="kg",
                    measurement_source_value="body-weight",
                )
            if patient.creatinine_clearance is not None:
                test = LabName.CREATININE_CLEARANCE
                add(
                    "measurement",
                    measurement_concept_id=concept.id(
                        CodeSystem.LOINC, test.loinc[0], test.display_name
                    ),
                    measurement_datetime=at - timedelta(days=1),
                    value_as_number=magnitude(patient.creatinine_clearance, "mL/min"),
                    unit_concept_id=concept.id(CodeSystem.UCUM, "mL/min", "milliliter per minute"),
                    unit_source_value="mL/min",
                    measurement_source_value=test.value,
                )
            for code in patient.conditions:
                condition = rules.conditions.get(code)
                snomed = None if condition is None else condition.codes.get("snomed")
                add(
                    "condition_occurrence",
                    condition_concept_id=0
                    if snomed is None
                    else concept.id(
                        CodeSystem.SNOMED, snomed, condition.description if condition else code
                    ),
                    condition_start_datetime=at - timedelta(days=90),
                    condition_source_value=code,
                )
            if patient.pregnant is True:
                add(
                    "condition_occurrence",
                    condition_concept_id=concept.id(CodeSystem.SNOMED, pregnant, "Pregnant"),
                    condition_start_datetime=at - timedelta(days=60),
                    condition_source_value="pregnant",
                )
            elif patient.pregnant is False:
                add(
                    "observation",
                    observation_concept_id=concept.id(
                        CodeSystem.SNOMED, not_pregnant, "Not pregnant"
                    ),
                    observation_datetime=at - timedelta(days=1),
                    observation_source_value="not-pregnant",
                )
            for code in patient.allergies:
                add(
                    "observation",
                    observation_concept_id=0,
                    observation_datetime=at - timedelta(days=365),
                    observation_source_value=f"allergy:{code}",
                )
            for code in patient.devices:
                device = rules.devices.get(code)
                snomed = None if device is None else device.codes.get("snomed")
                add(
                    "device_exposure",
                    device_concept_id=0
                    if snomed is None
                    else concept.id(
                        CodeSystem.SNOMED, snomed, device.description if device else code
                    ),
                    device_exposure_start_datetime=at - timedelta(days=400),
                    device_source_value=code,
                )
            add(
                "procedure_occurrence",
                procedure_concept_id=0,
                procedure_datetime=at,
                procedure_end_datetime=None if plan.duration is None else at + plan.duration,
                procedure_source_value=plan.procedure.id,
                modifier_source_value=_modifiers(plan),
            )
        _flush(rows, writers)
    finally:
        for writer in writers.values():
            writer.close()
    pq.write_table(pa.table(concept.rows, schema=_schema("concept")), path / "concept.parquet")
    pq.write_table(
        pa.table(concept.ancestors, schema=_schema("concept_ancestor")),
        path / "concept_ancestor.parquet",
    )
    return path


def _no_rows() -> dict[str, dict[str, list[Any]]]:
    return {name: {column: [] for column, _, _ in OMOP_TABLES[name]} for name in _PERSON_TABLES}


def _flush(rows: dict[str, dict[str, list[Any]]], writers: Mapping[str, pq.ParquetWriter]) -> None:
    for name, writer in writers.items():
        table = pa.table(rows[name], schema=_schema(name))
        writer.write_table(table, row_group_size=max(table.num_rows, 1))


def _adder(rows: dict[str, dict[str, list[Any]]], counter: dict[str, Any], person_id: int) -> Any:
    def add(table: str, **values: Any) -> None:
        into = rows[table]
        first = OMOP_TABLES[table][0][0]
        for column in into:
            if column == first and column != "person_id":
                into[column].append(next(counter[table]))
            elif column == "person_id":
                into[column].append(person_id)
            else:
                into[column].append(values.get(column))

    return add


def _modifiers(plan: Any) -> str:
    parts = []
    if plan.levels:
        parts.append("levels=" + ",".join(str(level) for level in plan.levels))
    if plan.side is not None:
        parts.append(f"side={plan.side.value}")
    parts.append(f"modality={plan.modality.value}")
    if plan.target is not None:
        parts.append(f"target={plan.target}")
    if plan.injectates:
        from ._cohort import _text

        doses = [
            "/".join(_text(value) or "" for value in (dose.amount, dose.volume, dose.concentration))
            for dose in plan.injectates
        ]
        parts.append(
            "injectates="
            + "+".join(
                f"{dose.drug.name}/{text}"
                for dose, text in zip(plan.injectates, doses, strict=True)
            )
        )
    return ";".join(parts)
