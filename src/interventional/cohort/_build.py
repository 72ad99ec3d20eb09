"""The partition function: one partition's rows to Patients and plans, assessed row by row.

:func:`screen_partition` is the only place rows become domain objects. It groups each
table's rows by ``patient_id``, maps every coded value through the library's own look-ups
(:func:`~interventional.pharmacology.drug_by_code`, :meth:`LabName.by_loinc
<interventional.safety.LabName.by_loinc>`, :func:`~interventional.safety.condition_by_code`,
:func:`~interventional.safety.device_by_code`), builds one
:class:`~interventional.safety.Patient` per patient (through the public constructors, so
every value is validated as it is for a patient built by hand) and one plan per distinct
booking (cached: the engine compiles a plan once), and calls
:func:`~interventional.safety.assess` for each procedure row.

A row that cannot be mapped is never dropped: it is reported in the result's ``unmapped``
column, and when the rules would need it (a medication that looks like an antithrombotic,
an INR or platelet count that cannot be read, an allergy to what looks like an injectate)
it becomes an :class:`~interventional.safety.UnresolvedRecord` of the patient, which the
engine reports as an INSUFFICIENT_DATA finding.

The partition is laid out so that its size adds few Python objects: each table's columns
are read once into lists of plain values (strings, numbers, datetimes, tuples), its rows
sorted by patient with Arrow; a patient's records become domain objects only when one of
its bookings is assessed, and are let go with the next patient; the results are kept
column by column (list columns flat, with offsets) until they become one Arrow table. So
the objects the cyclic garbage collector would walk at each full collection do not pile
up with the partition (see ``docs/explanation/performance.md``, "Cohort screening").
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from interventional.codes import CodeSystem
from interventional.concepts import Concept, concepts
from interventional.errors import InterventionalError, ValidationError
from interventional.pharmacology import drug, drug_by_code, drugs
from interventional.procedures import BleedingRisk
from interventional.procedures import plan as make_plan
from interventional.safety import (
    Assessment,
    Indication,
    LabName,
    LabResult,
    MedicationUse,
    Patient,
    Route,
    RuleSet,
    UnresolvedRecord,
    Verdict,
    assess,
    condition_by_code,
    default_rules,
    device_by_code,
)
from interventional.units import Q_, from_ucum

from ._schema import HELD_TYPE, RESULT_SCHEMA, TABLES, UNMAPPED_TYPE, in_zone

__all__ = ["CohortError", "screen_partition"]


class CohortError(ValidationError):
    """A cohort table that cannot be screened (``field`` names ``table.column``).

    A missing required column, a column of the wrong type, or a value the installed
    engine cannot take.
    """


_FUZZY_CUTOFF = 0.8
"""How close a name must be to an antithrombotic's to count as one (the FHIR reader's cut-off)."""


@functools.cache
def _names(injectate: bool) -> tuple[str, ...]:
    """The vocabulary's names (folded) of the drugs procedures inject, or of the others."""
    return tuple(
        sorted(
            name.casefold()
            for record in drugs().values()
            if record.drug_class.injectate is injectate
            for name in record.names
        )
    )


def _antithrombotic_names() -> tuple[str, ...]:
    return _names(False)


def _injectate_names() -> tuple[str, ...]:
    return _names(True)


def _looks_like(text: str | None, names: tuple[str, ...]) -> str | None:
    for word in (text or "").replace("-", " ").split():
        close = difflib.get_close_matches(word.casefold(), names, n=1, cutoff=_FUZZY_CUTOFF)
        if close:
            return close[0]
    return None


def _describe(system: str | None, code: str | None, name: str | None) -> str:
    coded = f"{system} {code}" if system else (code or "")
    if name and coded:
        return f"{name!r} ({coded})"
    return repr(name or coded or "no code and no name")


# ------------------------------------------------------------------- mapping (cached)

_Mapped = tuple[str | None, str, bool]
"""What a coded value maps to: ``(library id or None, reason, blocking)``."""

_Unmapped = tuple[str, str, str, str, bool]
"""A row that cannot be mapped: ``(table, source, what, reason, blocking)``."""


@functools.lru_cache(maxsize=8192)
def _map_drug(system: str | None, code: str | None, name: str | None) -> _Mapped:
    reasons: list[str] = []
    if system is not None and code is not None:
        try:
            return drug_by_code(system, code).name, "", False
        except (InterventionalError, KeyError) as error:
            reasons.append(str(error).strip("'\""))
    elif code is not None:
        try:
            return drug(code).name, "", False
        except KeyError as error:
            reasons.append(str(error).strip("'\""))
    if name is not None:
        try:
            return drug(name).name, "", False
        except KeyError:
            pass
    reason = "; ".join(reasons) or "no code, and its name names no drug of the vocabulary"
    if code is None and name is None:
        return None, "the medication cannot be identified (no code, no name)", True
    groups = concepts()[Concept.ANTITHROMBOTIC_AGENTS].atc_groups
    if (
        system is not None
        and code is not None
        and _is_atc(system)
        and code.upper().startswith(groups)
    ):
        return None, f"{reason}; its ATC code {code} is an antithrombotic agent", True
    like = _looks_like(name, _antithrombotic_names()) or _looks_like(
        code if system is None else None, _antithrombotic_names()
    )
    if like is not None:
        return None, f"{reason}; its name looks like {like!r}, an antithrombotic", True
    return None, f"{reason}; not an antithrombotic by its code or name", False


def _is_atc(system: str) -> bool:
    """Whether ``system`` names ATC (a system the library does not know is not ATC)."""
    try:
        return CodeSystem.parse(system, field="system") is CodeSystem.ATC
    except ValidationError:
        return False


@functools.lru_cache(maxsize=256)
def _map_lab(system: str | None, code: str | None, name: str | None) -> LabName | str:
    try:
        if system is None:
            return LabName.parse(code or "", field="code")
        if CodeSystem.parse(system, field="system") is not CodeSystem.LOINC:
            return f"a {system} code; laboratory tests are read by LOINC code"
        return LabName.by_loinc(code or "")
    except (InterventionalError, KeyError) as error:
        return str(error).strip("'\"")


@functools.lru_cache(maxsize=4096)
def _map_condition(system: str | None, code: str | None, rules: RuleSet) -> tuple[str, str] | str:
    """``("condition" | "device", library code)``, or why it maps to nothing."""
    if code is None:
        return "no code"
    if system is None:
        folded = code.casefold().replace("_", "-").replace(" ", "-")
        if folded in rules.conditions or folded.startswith("other:"):
            return ("condition", code if folded.startswith("other:") else folded)
        if folded in rules.devices:
            return ("device", folded)
        return f"{code!r} is not a condition of the vocabulary"
    reasons = []
    for kind, look_up in (("condition", condition_by_code), ("device", device_by_code)):
        try:
            return (kind, look_up(system, code, rules=rules).code)
        except (InterventionalError, KeyError) as error:
            reasons.append(str(error).strip("'\""))
    return f"not a condition or device the rules read ({reasons[0]})"


@functools.lru_cache(maxsize=1024)
def _map_device(system: str | None, code: str | None, rules: RuleSet) -> str | None:
    if code is None:
        return None
    if system is None:
        folded = code.casefold().replace("_", "-").replace(" ", "-")
        if folded in rules.devices or folded.startswith("other:"):
            return code if folded.startswith("other:") else folded
        return None
    try:
        return device_by_code(system, code, rules=rules).code
    except (InterventionalError, KeyError):
        return None


@functools.lru_cache(maxsize=1024)
def _map_allergy(system: str | None, code: str | None, name: str | None) -> _Mapped:
    if system is not None and code is not None:
        try:
            return drug_by_code(system, code).name, "", False
        except (InterventionalError, KeyError) as error:
            reason = str(error).strip("'\"")
    else:
        for text in (code, name):
            if text is None:
                continue
            try:
                return Patient(age=0, allergies=[text]).allergies[0], "", False
            except ValidationError:
                pass
        reason = "not a drug, class or contrast agent of the vocabulary"
    like = _looks_like(name or (code if system is None else None), _injectate_names())
    if like is not None:
        return None, f"{reason}; its name looks like {like!r}, which procedures inject", True
    return None, reason, False


@functools.lru_cache(maxsize=64)
def _indication(text: str) -> Indication:
    return Indication.parse(text, field="indication")


@functools.lru_cache(maxsize=16)
def _route(text: str) -> Route:
    return Route.parse(text, field="route")


@functools.lru_cache(maxsize=16)
def _decision(text: str) -> Any:
    """The recorded decision as MedicationUse keeps it (``continue`` or ``hold``)."""
    return MedicationUse("aspirin", decision=text).decision


@functools.lru_cache(maxsize=1024)
def _dose(text: str) -> Any:
    """The canonical dose (mg or IU) that MedicationUse keeps for the text ``text``."""
    return MedicationUse("aspirin", dose=text).dose


@functools.lru_cache(maxsize=512)
def _unit(unit: str) -> Any:
    return from_ucum(1.0, unit, field="unit")


def _number(value: float) -> float | int:
    """A whole number as an int (the canonical magnitude the Patient's converters keep)."""
    return int(value) if float(value).is_integer() else value


@functools.lru_cache(maxsize=256)
def _age(value: float) -> Any:
    """The canonical age (validated by the Patient's own converter, once per value)."""
    return Patient(age=_number(value)).age


@functools.lru_cache(maxsize=1024)
def _kg(value: float) -> Any:
    return Patient(age=0, weight=Q_(_number(value), "kg")).weight


@functools.lru_cache(maxsize=1024)
def _ml_min(value: float) -> Any:
    return Patient(age=0, creatinine_clearance=Q_(_number(value), "mL/min")).creatinine_clearance


@functools.lru_cache(maxsize=1024)
def _per_ul(value: float) -> Any:
    return Q_(_number(value), "1/µL")


@functools.lru_cache(maxsize=512)
def _lab_unit(unit: str, lab: LabName) -> tuple[float, Any]:
    """The factor from the UCUM unit ``unit`` to the lab's stored unit, and that unit."""
    target = Q_(1, lab.unit).units
    return float(_unit(unit).m_as(target)), target


@functools.lru_cache(maxsize=4096)
def _lab_value(value: float, unit: str, lab: LabName) -> Any:
    factor, target = _lab_unit(unit, lab)
    return Q_(_number(value * factor if factor != 1.0 else value), target)


_DOSE_FIELDS = ("drug", "amount", "volume", "concentration")


@functools.lru_cache(maxsize=4096)
def _plan(
    procedure: str,
    levels: tuple[str, ...],
    side: str | None,
    modality: str | None,
    doses: tuple[tuple[str | None, ...], ...],
    target: str | None,
    duration: timedelta | None,
) -> Any:
    """The plan of a booking (or the error that makes it impossible), once per distinct booking.

    Bounded, and keyed by the booking's fields as the ``procedures`` columns give them
    (``doses``: each injectate's ``drug``, ``amount``, ``volume``, ``concentration``). The
    row's ``duration`` is the plan's (``plan(..., duration=)``): restarts count from the
    procedure's end.
    """
    try:
        return make_plan(
            procedure,
            levels=list(levels),
            side=side,
            modality=modality,
            injectates=[
                {k: v for k, v in zip(_DOSE_FIELDS, dose, strict=True) if v is not None}
                for dose in doses
            ],
            target=target,
            duration=duration,
        )
    except (InterventionalError, KeyError) as error:
        return error.with_traceback(None)  # kept for each row that books it; no frames


# ------------------------------------------------------------------- rows to patients


def _columns(table: pa.Table | None, name: str) -> dict[str, list[Any]]:
    """The table's columns as Python lists of plain values (empty lists for a missing table).

    A list column gives a tuple per row (:func:`_tuples`), so that the values are strings,
    numbers, datetimes and tuples of them: nothing the garbage collector has to follow
    once a collection has seen the tuples.
    """
    schema = TABLES[name]
    if table is None:
        return {field.name: [] for field in schema}
    out: dict[str, list[Any]] = {}
    for field in schema:
        if field.name in table.column_names:
            column = table.column(field.name)
            if column.null_count == len(column):
                out[field.name] = [None] * len(column)  # an unused optional column
            elif pa.types.is_timestamp(column.type):
                out[field.name] = _datetimes(column)
            elif pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
                out[field.name] = _tuples(column)
            else:
                out[field.name] = column.to_pylist()
        elif field.nullable:
            out[field.name] = [None] * table.num_rows
        else:
            raise CohortError(f"{name}.{field.name}", "required column missing")
    return out


def _tuples(column: pa.ChunkedArray) -> list[tuple[Any, ...] | None]:
    """A list column as one tuple per row (``None`` for null); a struct item as its fields' tuple.

    Read through the column's flat values and each row's length, not as a list of lists
    and dicts (``to_pylist``).
    """
    lists = column.combine_chunks()
    flat = pc.list_flatten(lists)
    if pa.types.is_struct(flat.type):
        fields = [pc.struct_field(flat, [k]).to_pylist() for k in range(flat.type.num_fields)]
        items: list[Any] = list(zip(*fields, strict=True)) if fields else []
    else:
        items = flat.to_pylist()
    out: list[tuple[Any, ...] | None] = []
    start = 0
    for length in pc.list_value_length(lists).to_pylist():
        if length is None:
            out.append(None)
        else:
            out.append(tuple(items[start : start + length]))
            start += length
    return out


_EPOCHS = {
    None: datetime(1970, 1, 1),
    "UTC": datetime(1970, 1, 1, tzinfo=UTC),
    "+00:00": datetime(1970, 1, 1, tzinfo=UTC),
}
_UNITS = {"s": 1_000_000, "ms": 1_000, "us": 1}


def _datetimes(column: Any) -> list[datetime | None]:
    """A timestamp column as datetimes (naive, or aware in UTC), faster than ``to_pylist``."""
    kind = column.type
    epoch = _EPOCHS.get(kind.tz)
    if epoch is None or kind.unit not in _UNITS:
        return list(column.to_pylist())  # another zone, or nanoseconds: pyarrow's way
    scale = _UNITS[kind.unit]
    delta = timedelta
    return [
        None if value is None else epoch + delta(microseconds=value * scale)
        for value in column.cast(pa.int64()).to_pylist()
    ]


class _Grouped:
    """A table's rows grouped by patient: its columns sorted by ``patient_id``, and each range.

    The rows are sorted with Arrow (a stable sort: a patient's rows keep their order) and
    read into plain column lists once; :meth:`rows` gives a patient's range of them.
    """

    __slots__ = ("_ranges", "columns")

    def __init__(self, table: pa.Table | None, name: str) -> None:
        self._ranges: dict[str, range] = {}
        if table is None or table.num_rows == 0:
            self.columns = _columns(None, name)
            return
        ids = table.column("patient_id")
        table = table.take(pc.sort_indices(ids))
        self.columns = _columns(table, name)
        runs = pc.value_counts(table.column("patient_id"))  # in sorted order: one run each
        start = 0
        for pid, count in zip(
            runs.field("values").to_pylist(), runs.field("counts").to_pylist(), strict=True
        ):
            self._ranges[pid] = range(start, start + count)
            start += count

    def rows(self, pid: str) -> range:
        """The rows of patient ``pid`` (an empty range when there are none)."""
        return self._ranges.get(pid, _NO_ROWS)


_NO_ROWS = range(0)


class _Parts:
    """One patient's records, mapped; what could not be mapped is in ``unmapped``."""

    __slots__ = ("allergies", "conditions", "devices", "labs", "latest", "medications", "unmapped")

    def __init__(self) -> None:
        self.medications: list[tuple[MedicationUse, datetime | None]] = []
        self.labs: list[LabResult] = []
        self.conditions: list[str] = []
        self.devices: list[str] = []
        self.allergies: list[str] = []
        self.unmapped: list[_Unmapped] = []
        self.latest: datetime | None = None

    def miss(self, table: str, source: str, what: str, reason: str, blocking: bool) -> None:
        self.unmapped.append((table, source, what, reason, blocking))

    def after(self, moment: datetime) -> bool:
        """Whether a record is dated after ``moment`` (then the patient at ``moment`` differs)."""
        return self.latest is not None and self.latest > moment


def _where(
    table: str, k: int, pid: str, system: str | None, code: str | None, name: str | None
) -> tuple[str, str]:
    """Where a row is (``medications row 2 of P1``), and what it says, for reports."""
    kind = {"medications": "medication", "labs": "lab", "allergies": "allergy"}.get(
        table, table[:-1]
    )
    return f"{table} row {k + 1} of {pid}", f"{kind} {_describe(system, code, name)}"


def _medications(columns: dict[str, list[Any]], rows: range, pid: str, parts: _Parts) -> None:
    systems, codes, names = columns["system"], columns["code"], columns["name"]
    last, indications, routes = columns["last_dose"], columns["indication"], columns["route"]
    doses, decisions = columns["dose"], columns["decision"]
    for k, i in enumerate(rows):
        name, reason, blocking = _map_drug(systems[i], codes[i], names[i])
        if name is None:
            source, what = _where("medications", k, pid, systems[i], codes[i], names[i])
            parts.miss("medications", source, what, reason, blocking)
            continue
        try:
            when = last[i]
            if when is not None and not isinstance(when, datetime):
                raise ValidationError("last_dose", f"expected a datetime, got {when!r}")
            indication = None if indications[i] is None else _indication(indications[i])
            route = None if routes[i] is None else _route(routes[i])
            dose = None if doses[i] is None else _dose(doses[i])
            decision = None if decisions[i] is None else _decision(decisions[i])
            use = MedicationUse(
                name, when, indication=indication, route=route, dose=dose, decision=decision
            )
        except (InterventionalError, KeyError, ValueError) as error:
            source, what = _where("medications", k, pid, systems[i], codes[i], names[i])
            parts.miss("medications", source, what, str(error), True)
            continue
        parts.medications.append((use, when))
        if when is not None and (parts.latest is None or when > parts.latest):
            parts.latest = when


def _labs(columns: dict[str, list[Any]], rows: range, pid: str, parts: _Parts) -> None:
    systems, codes, names = columns["system"], columns["code"], columns["name"]
    values, units, taken = columns["value"], columns["unit"], columns["taken_at"]
    for k, i in enumerate(rows):
        lab = _map_lab(systems[i], codes[i], names[i])
        if not isinstance(lab, LabName):
            source, what = _where("labs", k, pid, systems[i], codes[i], names[i])
            parts.miss("labs", source, what, lab, False)
            continue
        try:
            value = values[i]
            if value is None:
                raise ValidationError("value", "no value")
            if lab is LabName.INR:
                if units[i] not in (None, "", "1", "{INR}", "{ratio}"):
                    raise ValidationError("unit", f"an INR has no unit, got {units[i]!r}")
                result = LabResult(lab, float(value), taken_at=taken[i])
            else:
                if units[i] is None:
                    raise ValidationError("unit", "no unit")
                result = LabResult(lab, _lab_value(value, units[i], lab), taken_at=taken[i])
        except (InterventionalError, ValueError) as error:
            source, what = _where("labs", k, pid, systems[i], codes[i], names[i])
            parts.miss("labs", source, what, str(error), lab.decides)
            continue
        parts.labs.append(result)
        when = result.taken_at
        if when is not None and (parts.latest is None or when > parts.latest):
            parts.latest = when


def _coded(
    table: str,
    columns: dict[str, list[Any]],
    rows: range,
    pid: str,
    parts: _Parts,
    rules: RuleSet,
) -> None:
    systems, codes, names = columns["system"], columns["code"], columns["name"]
    for k, i in enumerate(rows):
        system, code, name = systems[i], codes[i], names[i]
        blocking = False
        if table == "allergies":
            allergen, reason, blocking = _map_allergy(system, code, name)
            if allergen is not None:
                parts.allergies.append(allergen)
                continue
        elif table == "devices":
            device = _map_device(system, code, rules)
            if device is not None:
                parts.devices.append(device)
                continue
            reason = "not a device the rules read"
        else:
            found = _map_condition(system, code, rules)
            if not isinstance(found, str):
                (parts.devices if found[0] == "device" else parts.conditions).append(found[1])
                continue
            reason = found
        source, what = _where(table, k, pid, system, code, name)  # only for a row not mapped
        parts.miss(table, source, what, reason, blocking)


def _patient(
    pid: str,
    demographics: tuple[Any, ...] | None,
    parts: _Parts,
    at: datetime,
) -> tuple[Patient | None, list[_Unmapped]]:
    """The patient as known at ``at`` (records dated after it left out), and what was not mapped."""
    unmapped = list(parts.unmapped) if parts.unmapped else []
    if demographics is None:
        unmapped.append(
            (
                "patients",
                f"patients row of {pid}",
                f"patient {pid!r}",
                "no row in the patients table",
                True,
            )
        )
        return None, unmapped
    age, weight, pregnant, clearance = demographics
    medications: Iterable[MedicationUse] = [use for use, _ in parts.medications]
    labs: Iterable[LabResult] = parts.labs
    if parts.latest is not None and parts.latest > at:  # later history: not known at `at`
        medications = []
        for k, (use, last) in enumerate(parts.medications):
            if last is not None and last > at:
                unmapped.append(
                    (
                        "medications",
                        f"medication {use.drug} of {pid} ({k + 1})",
                        f"medication {use.drug!r}",
                        f"its last dose {last} is after the procedure time",
                        False,
                    )
                )
            else:
                medications.append(use)
        labs = []
        for result in parts.labs:
            if result.taken_at is not None and result.taken_at > at:
                unmapped.append(
                    (
                        "labs",
                        f"lab {result.name.value} of {pid}",
                        f"lab {result.name.value!r}",
                        f"taken at {result.taken_at}, after the procedure time",
                        False,
                    )
                )
            else:
                labs.append(result)
    unresolved = (
        tuple(
            UnresolvedRecord(source, what, reason)
            for _, source, what, reason, blocking in unmapped
            if blocking
        )
        if unmapped
        else ()
    )
    try:
        if pregnant is not None and not isinstance(pregnant, bool):
            raise ValidationError("pregnant", f"must be True, False or null, got {pregnant!r}")
        patient = Patient(
            age=_age(age),
            weight=None if weight is None else _kg(weight),
            pregnant=pregnant,
            medications=tuple(medications),
            labs=tuple(labs),
            conditions=_sorted(parts.conditions),
            allergies=_sorted(parts.allergies),
            devices=_sorted(parts.devices),
            creatinine_clearance=None if clearance is None else _ml_min(clearance),
            id=pid,
            unresolved=unresolved,
        )
    except (InterventionalError, ValueError) as error:
        unmapped.append(
            ("patients", f"patients row of {pid}", f"patient {pid!r}", str(error), True)
        )
        return None, unmapped
    return patient, unmapped


def _sorted(codes: list[str]) -> tuple[str, ...]:
    if not codes:
        return ()
    return tuple(sorted(set(codes)))


def screen_partition(
    tables: Mapping[str, pa.Table | None],
    *,
    at: datetime | None = None,
    plan: Any = None,
    rules: RuleSet | None = None,
) -> pa.Table:
    """Screen one partition: every procedure row of ``tables``, assessed with its patient.

    Parameters
    ----------
    tables : mapping of table name to pyarrow.Table
        The long format's tables (:data:`~interventional.cohort.TABLES`) for a set of
        patients: every row of a patient who has a procedure row must be in the same
        partition. A missing table is read as empty.
    at : datetime, optional
        One procedure time for every row (with ``plan``); by default each procedure row's.
    plan : ProcedurePlan, optional
        One plan for every patient in ``patients``; then the ``procedures`` table is not
        read and ``at`` is required.
    rules : RuleSet, optional
        Another rule set (default: the built-in rules).

    Returns
    -------
    pyarrow.Table
        One row per procedure row, in order, with the columns of
        :data:`~interventional.cohort.RESULT_SCHEMA`.

    Examples
    --------
    >>> from datetime import datetime
    >>> import pyarrow as pa
    >>> tables = {
    ...     "patients": pa.table({"patient_id": ["a"], "age": [70.0]}),
    ...     "medications": pa.table({"patient_id": ["a"], "code": ["clopidogrel"],
    ...                              "last_dose": [datetime(2026, 3, 8, 9)]}),
    ...     "procedures": pa.table({"patient_id": ["a"], "procedure": ["spinal-cord-stimulator-trial"],
    ...                             "levels": [["T8"]], "at": [datetime(2026, 3, 10, 9)]}),
    ... }
    >>> row = screen_partition(tables).to_pylist()[0]
    >>> row["verdict"], row["held"][0]["drug"], row["earliest_time"]
    ('DEFER', 'clopidogrel', datetime.datetime(2026, 3, 15, 9, 0))
    """
    ruleset = default_rules() if rules is None else rules
    people = _columns(tables.get("patients"), "patients")
    row_of = {pid: index for index, pid in enumerate(people["patient_id"])}  # the last row wins
    records = {name: _Grouped(tables.get(name), name) for name in _RECORDS}
    results = _Results()
    last: _Known | None = None  # the previous booking's patient
    for pid, made, when, procedure in _bookings(tables, list(row_of), at, plan):
        # Consecutive bookings of one patient share its records (and, at one time, its Patient).
        same = last is not None and last.pid == pid
        parts = last.parts if last is not None and same else _parts(pid, records, ruleset)
        if last is not None and same and last.when == when and not parts.after(when):
            patient, unmapped = last.patient, last.unmapped
        else:
            index = row_of.get(pid)
            demographics = None if index is None else _demographics(people, index)
            patient, unmapped = _patient(pid, demographics, parts, when)
        last = _Known(pid, when, parts, patient, unmapped)
        if isinstance(made, Exception):
            unmapped = [
                *unmapped,
                (
                    "procedures",
                    f"procedure {procedure!r} of {pid}",
                    f"procedure {procedure!r}",
                    str(made).strip("'\""),
                    True,
                ),
            ]
        if patient is None or isinstance(made, Exception):
            results.add_unscreened(pid, made, when, procedure, unmapped)
        else:
            results.add(pid, when, assess(patient, made, at=when, rules=ruleset), unmapped)
    return results.table()


class _Known(NamedTuple):
    """A patient as built for a booking: its records, and the Patient at the booking's time."""

    pid: str
    when: datetime
    parts: _Parts
    patient: Patient | None
    unmapped: list[_Unmapped]


_RECORDS = ("medications", "labs", "conditions", "allergies", "devices")
"""The tables of a patient's records (the ``patients`` and ``procedures`` tables aside)."""


def _bookings(
    tables: Mapping[str, pa.Table | None], ids: list[str], at: datetime | None, plan: Any
) -> Iterator[tuple[str, Any, datetime, str | None]]:
    """Each booking, in order: ``(patient id, plan or the error that prevents it, time, procedure)``.

    With one ``plan`` for everyone, one booking per patient of ``ids`` at ``at``.
    """
    if plan is not None:
        if at is None:
            raise CohortError("at", "one plan for everyone needs one procedure time: give at=")
        for pid in ids:
            yield pid, plan, at, None
        return
    procedures = _columns(tables.get("procedures"), "procedures")
    times = procedures["at"] if at is None else [at] * len(procedures["patient_id"])
    for pid, procedure, levels, side, modality, doses, target, when, duration in zip(
        procedures["patient_id"],
        procedures["procedure"],
        procedures["levels"],
        procedures["side"],
        procedures["modality"],
        procedures["injectates"],
        procedures["target"],
        times,
        procedures["duration"],
        strict=True,
    ):
        made = _plan(procedure, levels or (), side, modality, doses or (), target, duration)
        yield pid, made, when, procedure


def _demographics(people: dict[str, list[Any]], index: int) -> tuple[Any, ...]:
    """A patients row: ``(age, weight, pregnant, creatinine clearance)``."""
    return (
        people["age"][index],
        people["weight_kg"][index],
        people["pregnant"][index],
        people["creatinine_clearance_ml_min"][index],
    )


def _parts(pid: str, records: Mapping[str, _Grouped], rules: RuleSet) -> _Parts:
    """Patient ``pid``'s records, mapped, from each table's rows of that patient."""
    parts = _Parts()
    for name, grouped in records.items():
        rows = grouped.rows(pid)
        if not rows:
            continue
        if name == "medications":
            _medications(grouped.columns, rows, pid, parts)
        elif name == "labs":
            _labs(grouped.columns, rows, pid, parts)
        else:
            _coded(name, grouped.columns, rows, pid, parts, rules)
    return parts


_NAME = {verdict: verdict.name for verdict in Verdict}
_VALUE = {risk: risk.value for risk in BleedingRisk}


class _Results:
    """A partition's result rows, kept column by column, made into an Arrow table at the end.

    Each column is a list of plain values (strings, datetimes, booleans), and each list
    column (held drugs, findings, citations, unmapped rows) is its items' values laid end
    to end with each row's offset, as Arrow keeps a list column. The results of a
    partition thus make no Python container per row: a partition's size adds nothing for
    the garbage collector to walk.
    """

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {
            name: [] for name in ("patient_id", "procedure", "at", "verdict", "earliest_time")
        }
        self.columns["bleeding_risk"] = []
        self.columns["handled_as"] = []
        self.held: dict[str, list[Any]] = {name: [] for name in HELD_TYPE.names}
        self.findings: list[str] = []
        self.citations: list[str] = []
        self.unmapped: dict[str, list[Any]] = {name: [] for name in UNMAPPED_TYPE.names}
        self.offsets: dict[str, list[int]] = {
            name: [0] for name in ("held", "findings", "citations", "unmapped")
        }

    def add(
        self, pid: str, when: datetime, assessment: Assessment, unmapped: list[_Unmapped]
    ) -> None:
        """One assessed row: its verdict, held drugs (until, restart), finding codes, citations."""
        risk = assessment.bleeding_risk
        self._row(
            pid,
            assessment.procedure,
            when,
            _NAME[assessment.verdict],
            assessment.earliest_time,
            _VALUE[risk],
            _VALUE[assessment.handled_as],
        )
        keys: dict[str, None] = {}
        until: dict[str, datetime] = {}
        for finding in assessment.findings:
            self.findings.append(finding.code)
            for reference in finding.references:
                keys[reference.key] = None
            moment = finding.until
            if moment is not None and finding.drug is not None:
                previous = until.get(finding.drug)
                if previous is None or moment > previous:
                    until[finding.drug] = moment
        self.citations.extend(keys)
        for name, moment in assessment.restart.items():
            self.held["drug"].append(name)
            self.held["until"].append(until.get(name))
            self.held["restart"].append(moment)
        self._unmapped(unmapped)
        self._close()

    def add_unscreened(
        self, pid: str, made: Any, when: datetime, procedure: str | None, unmapped: list[_Unmapped]
    ) -> None:
        """A row that cannot be assessed (no patient, or no plan): INSUFFICIENT_DATA, never PROCEED."""
        failed = isinstance(made, Exception)
        risk = None if failed else made.procedure.bleeding_risk.value
        self._row(
            pid,
            procedure if failed else made.procedure.id,
            when,
            Verdict.INSUFFICIENT_DATA.name,
            None,
            risk,
            risk,
        )
        self.findings.extend("unresolved:" + item[1] for item in unmapped if item[4])
        self._unmapped(unmapped)
        self._close()

    def _row(self, *values: Any) -> None:
        for column, value in zip(self.columns.values(), values, strict=True):
            column.append(value)

    def _unmapped(self, unmapped: list[_Unmapped]) -> None:
        for item in unmapped:
            for column, value in zip(self.unmapped.values(), item, strict=True):
                column.append(value)

    def _close(self) -> None:
        """End the row: each list column's offset moves to the end of its items."""
        self.offsets["held"].append(len(self.held["drug"]))
        self.offsets["findings"].append(len(self.findings))
        self.offsets["citations"].append(len(self.citations))
        self.offsets["unmapped"].append(len(self.unmapped["table"]))

    def table(self) -> pa.Table:
        """The rows as a table of :data:`~interventional.cohort.RESULT_SCHEMA` (UTC if aware)."""
        aware = any(when is not None and when.tzinfo is not None for when in self.columns["at"])
        schema = in_zone(RESULT_SCHEMA, "UTC" if aware else None)
        items = {
            "held": _structs(self.held, schema.field("held").type.value_type),
            "findings": pa.array(self.findings, pa.string()),
            "citations": pa.array(self.citations, pa.string()),
            "unmapped": _structs(self.unmapped, UNMAPPED_TYPE),
        }
        arrays = []
        for field in schema:
            if field.name in items:
                offsets = pa.array(self.offsets[field.name], pa.int32())
                arrays.append(pa.ListArray.from_arrays(offsets, items[field.name], type=field.type))
            else:
                arrays.append(pa.array(self.columns[field.name], type=field.type))
        return pa.Table.from_arrays(arrays, schema=schema)


def _structs(columns: Mapping[str, list[Any]], kind: pa.StructType) -> pa.StructArray:
    return pa.StructArray.from_arrays(
        [pa.array(columns[field.name], type=field.type) for field in kind], fields=list(kind)
    )
