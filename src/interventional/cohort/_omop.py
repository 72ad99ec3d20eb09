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

import itertools
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from interventional.codes import CodeSystem
from interventional.concepts import Concept, concept_of, concepts
from interventional.safety import LabName, default_rules
from interventional.units import magnitude

from ._build import CohortError
from ._schema import TABLES

if TYPE_CHECKING:
    from ._cohort import Cohort

__all__ = ["OMOP_TABLES", "VOCABULARIES", "read_omop", "write_omop"]

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


def _read(directory: Path, name: str) -> pa.Table | None:
    for suffix in (".parquet", ".csv"):
        path = directory / f"{name}{suffix}"
        if path.exists():
            if suffix == ".parquet":
                table = pq.read_table(path)
            else:
                table = pacsv.read_csv(
                    path,
                    convert_options=pacsv.ConvertOptions(
                        column_types={field.name: field.type for field in _schema(name)},
                        strings_can_be_null=True,
                    ),
                )
            columns = {}
            for field in _schema(name):
                if field.name in table.column_names:
                    try:
                        columns[field.name] = table.column(field.name).cast(field.type)
                    except (pa.ArrowException, ValueError) as error:
                        raise CohortError(f"{name}.{field.name}", str(error)) from None
                else:
                    columns[field.name] = pa.nulls(table.num_rows, field.type)
            return pa.table(columns)
    return None


def _rows(table: pa.Table | None) -> list[dict[str, Any]]:
    return [] if table is None else table.to_pylist()


def _age(birth: datetime | None, at: datetime | None) -> float | None:
    if birth is None or at is None:
        return None
    years = at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))
    return float(years)


def read_omop(directory: str | Path, *, at: datetime | None = None) -> dict[str, pa.Table]:
    """Read an OMOP CDM extract into the long format's tables (:data:`OMOP_TABLES`).

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
    path = Path(directory)
    if not (path / "person.parquet").exists() and not (path / "person.csv").exists():
        raise CohortError("person", f"{path} has no person table: not an OMOP extract")
    concept = {row["concept_id"]: row for row in _rows(_read(path, "concept"))}

    def coded(
        concept_id: int | None, source: str | None
    ) -> tuple[str | None, str | None, str | None]:
        row = concept.get(concept_id) if concept_id else None
        if row is None:
            return None, source, source
        system = VOCABULARIES.get(row["vocabulary_id"] or "")
        if system is None:
            return row["vocabulary_id"], row["concept_code"], row["concept_name"]
        return system.value, row["concept_code"], row["concept_name"]

    people = _rows(_read(path, "person"))
    ids = {row["person_id"]: row["person_source_value"] or str(row["person_id"]) for row in people}
    out: dict[str, dict[str, list[Any]]] = {
        name: {field.name: [] for field in schema} for name, schema in TABLES.items()
    }
    first: dict[str, datetime] = {}
    for row in _rows(_read(path, "procedure_occurrence")):
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
    for row in _rows(_read(path, "measurement")):
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
    for row in _rows(_read(path, "drug_exposure")):
        pid = ids.get(row["person_id"], str(row["person_id"]))
        system, code, name = coded(row["drug_concept_id"], row["drug_source_value"])
        meds = out["medications"]
        meds["patient_id"].append(pid)
        meds["system"].append(system)
        meds["code"].append(code)
        meds["name"].append(name if name != code else row["drug_source_value"])
        meds["last_dose"].append(row["drug_exposure_end_datetime"])
        indication, decision = _sig(row["sig"])
        meds["indication"].append(indication)
        meds["route"].append(row["route_source_value"])
        meds["dose"].append(None)
        meds["decision"].append(decision)
    for row in _rows(_read(path, "condition_occurrence")):
        pid = ids.get(row["person_id"], str(row["person_id"]))
        system, code, name = coded(row["condition_concept_id"], row["condition_source_value"])
        if system in ("snomed", "icd-10-cm") and code is not None:
            found = concept_of(CodeSystem(system), code)
            if found is Concept.PREGNANT:
                pregnancy[pid] = (row["condition_start_datetime"] or datetime.min, True)
                continue
        conditions = out["conditions"]
        conditions["patient_id"].append(pid)
        conditions["system"].append(system)
        conditions["code"].append(code)
        conditions["name"].append(name)
    for row in _rows(_read(path, "observation")):
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
            found = concept_of(CodeSystem.SNOMED, code)
            if found is Concept.NOT_PREGNANT and pid not in pregnancy:
                pregnancy[pid] = (row["observation_datetime"] or datetime.min, False)
    for row in _rows(_read(path, "device_exposure")):
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
    """The extract's concept table, made as codes are met (local ids from 2,000,000,001)."""

    _VOCABULARY: ClassVar[dict[CodeSystem, str]] = {
        system: name for name, system in VOCABULARIES.items()
    }

    def __init__(self) -> None:
        self.ids: dict[tuple[CodeSystem, str], int] = {}
        self.rows: dict[str, list[Any]] = {
            "concept_id": [],
            "concept_name": [],
            "vocabulary_id": [],
            "concept_code": [],
        }
        self._next = itertools.count(2_000_000_001)  # the CDM's range for local concepts

    def id(self, system: CodeSystem, code: str, name: str) -> int:
        key = (system, code)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = next(self._next)
            self.rows["concept_id"].append(found)
            self.rows["concept_name"].append(name)
            self.rows["vocabulary_id"].append(self._VOCABULARY[system])
            self.rows["concept_code"].append(code)
        return found


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
    table_names = [name for name in OMOP_TABLES if name != "concept"]
    rows: dict[str, dict[str, list[Any]]] = {
        name: {column: [] for column, _, _ in OMOP_TABLES[name]} for name in table_names
    }
    concept = _Concepts()
    counter = {name: itertools.count(1) for name in table_names}
    body_weight = concepts()[Concept.BODY_WEIGHT].codes.all(CodeSystem.LOINC)[0]
    pregnant = concepts()[Concept.PREGNANT].codes.all(CodeSystem.SNOMED)[0]
    not_pregnant = concepts()[Concept.NOT_PREGNANT].codes.all(CodeSystem.SNOMED)[0]
    kg = concept.id(CodeSystem.UCUM, "kg", "kilogram")
    for person_id, (pid, patient, plan, at) in enumerate(cohort.cases(), 1):
        add = _adder(rows, counter, person_id)
        add(
            "person",
            birth_datetime=_birth(at, float(patient.age.magnitude)),
            person_source_value=pid,
        )
        for use in patient.medications:
            record = drugs()[use.drug]
            rxnorm = record.codes.get("rxnorm")
            add(
                "drug_exposure",
                drug_concept_id=0
                if rxnorm is None
                else concept.id(CodeSystem.RXNORM, rxnorm, record.display_name),
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
                observation_concept_id=concept.id(CodeSystem.SNOMED, not_pregnant, "Not pregnant"),
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
                else concept.id(CodeSystem.SNOMED, snomed, device.description if device else code),
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
    for name in table_names:
        pq.write_table(pa.table(rows[name], schema=_schema(name)), path / f"{name}.parquet")
    pq.write_table(pa.table(concept.rows, schema=_schema("concept")), path / "concept.parquet")
    return path


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
