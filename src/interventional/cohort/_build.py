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
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

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

from ._schema import RESULT_SCHEMA, TABLES, in_zone

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
        and CodeSystem.parse(system, field="system") is CodeSystem.ATC
        and code.upper().startswith(groups)
    ):
        return None, f"{reason}; its ATC code {code} is an antithrombotic agent", True
    like = _looks_like(name, _antithrombotic_names()) or _looks_like(
        code if system is None else None, _antithrombotic_names()
    )
    if like is not None:
        return None, f"{reason}; its name looks like {like!r}, an antithrombotic", True
    return None, f"{reason}; not an antithrombotic by its code or name", False


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


def _plan(
    procedure: str,
    levels: Sequence[str] | None,
    side: str | None,
    modality: str | None,
    injectates: Sequence[Mapping[str, Any]] | None,
    target: str | None,
    duration: timedelta | None = None,
) -> Any:
    """The plan of a booking (or the error that makes it impossible), once per distinct booking.

    The row's ``duration`` is the plan's (``plan(..., duration=)``): restarts count from
    the procedure's end.
    """
    doses = tuple(
        (item.get("drug"), item.get("amount"), item.get("volume"), item.get("concentration"))
        for item in injectates or ()
    )
    return _booked_plan(procedure, tuple(levels or ()), side, modality, doses, target, duration)


@functools.lru_cache(maxsize=4096)
def _booked_plan(
    procedure: str,
    levels: tuple[str, ...],
    side: str | None,
    modality: str | None,
    doses: tuple[tuple[Any, ...], ...],
    target: str | None,
    duration: timedelta | None,
) -> Any:
    """The cache of :func:`_plan`: bounded, keyed by the booking's fields as the rows give them."""
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
    """The table's columns as Python lists (empty lists for a missing table)."""
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
            else:
                out[field.name] = column.to_pylist()
        elif field.nullable:
            out[field.name] = [None] * table.num_rows
        else:
            raise CohortError(f"{name}.{field.name}", "required column missing")
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


def _group(ids: list[Any]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(ids):
        rows = groups.get(key)
        if rows is None:
            groups[key] = [index]
        else:
            rows.append(index)
    return groups


class _Parts:
    """One patient's records, mapped; what could not be mapped is in ``unmapped``."""

    __slots__ = ("allergies", "conditions", "devices", "labs", "latest", "medications", "unmapped")

    def __init__(self) -> None:
        self.medications: list[tuple[MedicationUse, datetime | None]] = []
        self.labs: list[LabResult] = []
        self.conditions: list[str] = []
        self.devices: list[str] = []
        self.allergies: list[str] = []
        self.unmapped: list[tuple[str, str, str, str, bool]] = []
        self.latest: datetime | None = None

    def miss(self, table: str, source: str, what: str, reason: str, blocking: bool) -> None:
        self.unmapped.append((table, source, what, reason, blocking))

    def seen(self, moment: datetime | None) -> None:
        if moment is not None and (self.latest is None or moment > self.latest):
            self.latest = moment


def _where(
    table: str, k: int, pid: str, system: str | None, code: str | None, name: str | None
) -> tuple[str, str]:
    """Where a row is (``medications row 2 of P1``), and what it says, for reports."""
    kind = {"medications": "medication", "labs": "lab", "allergies": "allergy"}.get(
        table, table[:-1]
    )
    return f"{table} row {k + 1} of {pid}", f"{kind} {_describe(system, code, name)}"


def _medications(columns: dict[str, list[Any]], rows: list[int], pid: str, parts: _Parts) -> None:
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


def _labs(columns: dict[str, list[Any]], rows: list[int], pid: str, parts: _Parts) -> None:
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
    rows: list[int],
    pid: str,
    parts: _Parts,
    rules: RuleSet,
) -> None:
    systems, codes, names = columns["system"], columns["code"], columns["name"]
    for k, i in enumerate(rows):
        source, what = _where(table, k, pid, systems[i], codes[i], names[i])
        if table == "allergies":
            allergen, reason, blocking = _map_allergy(systems[i], codes[i], names[i])
            if allergen is None:
                parts.miss(table, source, what, reason, blocking)
            else:
                parts.allergies.append(allergen)
        elif table == "devices":
            device = _map_device(systems[i], codes[i], rules)
            if device is None:
                parts.miss(table, source, what, "not a device the rules read", False)
            else:
                parts.devices.append(device)
        else:
            found = _map_condition(systems[i], codes[i], rules)
            if isinstance(found, str):
                parts.miss(table, source, what, found, False)
            elif found[0] == "device":
                parts.devices.append(found[1])
            else:
                parts.conditions.append(found[1])


def _patient(
    pid: str,
    demographics: tuple[Any, ...] | None,
    parts: _Parts,
    at: datetime,
) -> tuple[Patient | None, list[tuple[str, str, str, str, bool]]]:
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
    demographics = {
        pid: (age, weight, pregnant, clearance)
        for pid, age, weight, pregnant, clearance in zip(
            people["patient_id"],
            people["age"],
            people["weight_kg"],
            people["pregnant"],
            people["creatinine_clearance_ml_min"],
            strict=True,
        )
    }
    if plan is not None:
        if at is None:
            raise CohortError("at", "one plan for everyone needs one procedure time: give at=")
        ids = list(demographics)
        bookings: list[tuple[Any, ...]] = [(pid, plan, at, None) for pid in ids]
    else:
        procedures = _columns(tables.get("procedures"), "procedures")
        bookings = []
        for pid, procedure, levels, side, modality, injectates, target, when, duration in zip(
            procedures["patient_id"],
            procedures["procedure"],
            procedures["levels"],
            procedures["side"],
            procedures["modality"],
            procedures["injectates"],
            procedures["target"],
            procedures["at"] if at is None else [at] * len(procedures["patient_id"]),
            procedures["duration"],
            strict=True,
        ):
            made = _plan(procedure, levels, side, modality, injectates, target, duration)
            bookings.append((pid, made, when, procedure))
    wanted = {booking[0] for booking in bookings}
    parts: dict[str, _Parts] = {pid: _Parts() for pid in wanted}
    for name in ("medications", "labs", "conditions", "allergies", "devices"):
        table = tables.get(name)
        if table is None or table.num_rows == 0:
            continue
        columns = _columns(table, name)
        for pid, rows in _group(columns["patient_id"]).items():
            into = parts.get(pid)
            if into is None:
                continue  # a patient with no procedure in this partition is not screened
            if name == "medications":
                _medications(columns, rows, pid, into)
            elif name == "labs":
                _labs(columns, rows, pid, into)
            else:
                _coded(name, columns, rows, pid, into, ruleset)
    return _rows(bookings, demographics, parts, ruleset)


def _rows(
    bookings: list[tuple[Any, ...]],
    demographics: Mapping[str, tuple[Any, ...]],
    parts: Mapping[str, _Parts],
    rules: RuleSet,
) -> pa.Table:
    rows: list[tuple[Any, ...]] = []
    add = rows.append
    known: dict[str, tuple[Patient | None, list[Any], datetime | None]] = {}
    for pid, made, when, procedure in bookings:
        entry = known.get(pid)
        latest = parts[pid].latest
        if entry is None or (latest is not None and latest > when) or entry[2] != when:
            patient, unmapped = _patient(pid, demographics.get(pid), parts[pid], when)
            entry = (patient, unmapped, when)
            known[pid] = entry
        patient, unmapped = entry[0], entry[1]
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
            add(_unscreened(pid, made, when, procedure, unmapped))
            continue
        assessment = assess(patient, made, at=when, rules=rules)
        codes, held, citations = _read(assessment)
        add(
            (
                pid,
                assessment.procedure,
                when,
                _NAME[assessment.verdict],
                assessment.earliest_time,
                _VALUE[assessment.bleeding_risk],
                _VALUE[assessment.handled_as],
                held,
                codes,
                citations,
                [_unmapped_item(item) for item in unmapped] if unmapped else [],
            )
        )
    columns: list[Sequence[Any]] = (
        list(zip(*rows, strict=True)) if rows else [[] for _ in RESULT_SCHEMA]
    )
    aware = any(when is not None and when.tzinfo is not None for when in columns[2])
    schema = in_zone(RESULT_SCHEMA, "UTC" if aware else None)
    return pa.Table.from_arrays(
        [pa.array(column, type=field.type) for column, field in zip(columns, schema, strict=True)],
        schema=schema,
    )


_NAME = {verdict: verdict.name for verdict in Verdict}
_VALUE = {risk: risk.value for risk in BleedingRisk}


def _read(assessment: Assessment) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """The finding codes, the held drugs (until, restart) and the cited keys, in one pass."""
    codes = []
    keys: dict[str, None] = {}
    until: dict[str, datetime] = {}
    for finding in assessment.findings:
        codes.append(finding.code)
        for reference in finding.references:
            keys[reference.key] = None
        moment = finding.until
        if moment is not None and finding.drug is not None:
            previous = until.get(finding.drug)
            if previous is None or moment > previous:
                until[finding.drug] = moment
    restart = assessment.restart
    held = (
        [
            {"drug": name, "until": until.get(name), "restart": moment}
            for name, moment in restart.items()
        ]
        if restart
        else []
    )
    return codes, held, list(keys)


def _unmapped_item(item: tuple[str, str, str, str, bool]) -> dict[str, Any]:
    table, source, what, reason, blocking = item
    return {"table": table, "source": source, "what": what, "reason": reason, "blocking": blocking}


def _unscreened(
    pid: str,
    made: Any,
    when: datetime,
    procedure: str | None,
    unmapped: list[tuple[str, str, str, str, bool]],
) -> tuple[Any, ...]:
    """A row that cannot be assessed (no patient, or no plan): INSUFFICIENT_DATA, never PROCEED."""
    risk = None if isinstance(made, Exception) else made.procedure.bleeding_risk.value
    return (
        pid,
        procedure if isinstance(made, Exception) else made.procedure.id,
        when,
        Verdict.INSUFFICIENT_DATA.name,
        None,
        risk,
        risk,
        [],
        ["unresolved:" + item[1] for item in unmapped if item[4]],
        [],
        [_unmapped_item(item) for item in unmapped],
    )
