"""A cohort of booked procedures: :class:`Cohort`, and the synthetic cohorts of the tests.

A :class:`Cohort` yields its cases, ``(patient_id, patient, plan, at)``, and writes itself
in the long format (:meth:`Cohort.to_tables`, :meth:`Cohort.to_parquet`) and as an OMOP
CDM extract (:meth:`Cohort.to_omop`). Cases are made chunk by chunk, so a cohort of a
million bookings is written without holding a million patients.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.parquet as pq

from interventional.errors import ValidationError
from interventional.procedures import ProcedurePlan
from interventional.safety import LabName, Patient
from interventional.units import magnitude

from ._schema import TABLES, in_zone

__all__ = ["Case", "Cohort", "synthetic_cohort"]

Case = tuple[str, Patient, ProcedurePlan, datetime]
"""One booked procedure: ``(patient_id, patient, plan, at)``."""

CHUNK = 10_000
"""Cases made (and written as one Parquet row group) at a time."""


def _text(quantity: Any) -> str | None:
    return None if quantity is None else f"{quantity.magnitude!r} {quantity.units}"


def _lab_row(result: Any) -> tuple[float, str | None]:
    if result.name is LabName.INR:
        return float(result.value), None
    ucum = result.name.ucum
    from interventional.cohort._build import _lab_unit

    factor, _ = _lab_unit(ucum, result.name)
    return result.magnitude / factor, ucum


def _empty_rows() -> dict[str, dict[str, list[Any]]]:
    return {name: {field.name: [] for field in schema} for name, schema in TABLES.items()}


def _add_case(rows: dict[str, dict[str, list[Any]]], case: Case) -> None:
    pid, patient, plan, at = case
    people = rows["patients"]
    people["patient_id"].append(pid)
    people["age"].append(float(patient.age.magnitude))
    people["weight_kg"].append(None if patient.weight is None else magnitude(patient.weight, "kg"))
    people["pregnant"].append(patient.pregnant)
    clearance = patient.creatinine_clearance
    people["creatinine_clearance_ml_min"].append(
        None if clearance is None else magnitude(clearance, "mL/min")
    )
    meds = rows["medications"]
    for use in patient.medications:
        meds["patient_id"].append(pid)
        meds["system"].append(None)
        meds["code"].append(use.drug)
        meds["name"].append(None)
        meds["last_dose"].append(use.last_dose)
        meds["indication"].append(None if use.indication is None else use.indication.value)
        meds["route"].append(None if use.route is None else use.route.value)
        meds["dose"].append(_text(use.dose))
        meds["decision"].append(None if use.decision is None else use.decision.value)
    labs = rows["labs"]
    for result in patient.labs:
        value, unit = _lab_row(result)
        labs["patient_id"].append(pid)
        labs["system"].append(None)
        labs["code"].append(result.name.value)
        labs["name"].append(None)
        labs["value"].append(value)
        labs["unit"].append(unit)
        labs["taken_at"].append(result.taken_at)
    for table, codes in (
        ("conditions", patient.conditions),
        ("allergies", patient.allergies),
        ("devices", patient.devices),
    ):
        into = rows[table]
        for code in codes:
            into["patient_id"].append(pid)
            into["system"].append(None)
            into["code"].append(code)
            into["name"].append(None)
    procedures = rows["procedures"]
    procedures["patient_id"].append(pid)
    procedures["procedure"].append(plan.procedure.id)
    procedures["levels"].append([str(level) for level in plan.levels] or None)
    procedures["side"].append(None if plan.side is None else plan.side.value)
    procedures["modality"].append(plan.modality.value)
    procedures["injectates"].append(
        [
            {
                "drug": dose.drug.name,
                "amount": _text(dose.amount),
                "volume": _text(dose.volume),
                "concentration": _text(dose.concentration),
            }
            for dose in plan.injectates
        ]
        or None
    )
    procedures["target"].append(plan.target)
    procedures["at"].append(at)
    procedures["duration"].append(plan.duration)


def _tables(rows: dict[str, dict[str, list[Any]]]) -> dict[str, pa.Table]:
    aware = any(
        moment is not None and moment.tzinfo is not None for moment in rows["procedures"]["at"]
    )
    zone = "UTC" if aware else None
    return {
        name: pa.table(rows[name], schema=in_zone(schema, zone)) for name, schema in TABLES.items()
    }


@attrs.frozen(slots=True, eq=False)
class Cohort:
    """Booked procedures with their patients, in the order they were booked.

    Parameters
    ----------
    n : int
        The number of cases.
    make : callable
        ``make(start, stop)`` yields the cases ``start`` to ``stop - 1``
        (:meth:`from_cases` and :func:`synthetic_cohort` make it).

    Examples
    --------
    >>> from interventional.testing import synthetic_cohort
    >>> cohort = synthetic_cohort(3, seed=1)
    >>> len(cohort), [case[0] for case in cohort.cases()]
    (3, ['P0000000', 'P0000001', 'P0000002'])
    """

    n: int
    _make: Callable[[int, int], Iterator[Case]] = attrs.field(alias="make", repr=False)

    def __len__(self) -> int:
        return self.n

    @classmethod
    def from_cases(cls, cases: Iterable[Case]) -> Cohort:
        """A cohort of the given ``(patient_id, patient, plan, at)`` cases."""
        items = tuple(cases)
        for index, case in enumerate(items):
            if len(case) != 4 or not isinstance(case[1], Patient):
                raise ValidationError(
                    f"cases[{index}]", "expected (patient_id, Patient, ProcedurePlan, at)"
                )
        return cls(len(items), lambda start, stop: iter(items[start:stop]))

    def cases(self) -> Iterator[Case]:
        """Yield each case as ``(patient_id, patient, plan, at)``."""
        for start in range(0, self.n, CHUNK):
            yield from self._make(start, min(start + CHUNK, self.n))

    def chunks(self) -> Iterator[dict[str, pa.Table]]:
        """The long-format tables, :data:`CHUNK` cases at a time."""
        for start in range(0, self.n, CHUNK):
            rows = _empty_rows()
            for case in self._make(start, min(start + CHUNK, self.n)):
                _add_case(rows, case)
            yield _tables(rows)

    def to_tables(self) -> dict[str, pa.Table]:
        """The whole cohort as the long format's tables (in memory)."""
        parts = list(self.chunks())
        if not parts:
            return _tables(_empty_rows())
        return {name: pa.concat_tables([part[name] for part in parts]) for name in TABLES}

    def to_parquet(self, directory: str | Path) -> Path:
        """Write the long format, one Parquet file per table (``patients.parquet``, ...).

        Every file has one row group per :data:`CHUNK` cases, sorted by patient id, so that
        :func:`~interventional.cohort.screen` reads them partition by partition.

        Returns
        -------
        Path
            The directory.
        """
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        writers: dict[str, pq.ParquetWriter] = {}
        try:
            for tables in self.chunks():
                for name, table in tables.items():
                    if name not in writers:
                        writers[name] = pq.ParquetWriter(path / f"{name}.parquet", table.schema)
                    writers[name].write_table(table, row_group_size=max(table.num_rows, 1))
            for name, schema in TABLES.items():
                if name not in writers:  # an empty cohort
                    pq.write_table(schema.empty_table(), path / f"{name}.parquet")
        finally:
            for writer in writers.values():
                writer.close()
        return path

    def to_omop(self, directory: str | Path) -> Path:
        """Write the cohort as an OMOP CDM extract (see :func:`~interventional.cohort.read_omop`)."""
        from interventional.cohort._omop import write_omop

        return write_omop(self, directory)


# ----------------------------------------------------------------------- synthetic


def _booking_mix() -> list[tuple[float, Callable[[random.Random], tuple[Any, ...]]]]:
    """Weighted bookings of a pain clinic's week (weights: relative frequency).

    Each booking is drawn as the arguments of :func:`~interventional.procedures.plan`
    (procedure, levels, side, modality, injectates), so that equal bookings share a plan.
    """
    steroid = (("dexamethasone", "10 mg", None, None), ("iohexol", None, "2 mL", None))
    local = (("lidocaine", None, "5 mL", "1 %"),)

    def side(rng: random.Random) -> str:
        return rng.choice(["left", "right"])

    return [
        (
            0.22,
            lambda rng: (
                "lumbar-transforaminal-epidural-injection",
                (rng.choice(["L4-L5", "L5-S1"]),),
                side(rng),
                None,
                steroid,
            ),
        ),
        (
            0.12,
            lambda rng: (
                "lumbar-interlaminar-epidural-injection",
                (rng.choice(["L3-L4", "L4-L5", "L5-S1"]),),
                None,
                None,
                steroid,
            ),
        ),
        (0.18, lambda rng: ("lumbar-medial-branch-block", ("L4-L5",), side(rng), None, ())),
        (
            0.1,
            lambda rng: (
                "lumbar-medial-branch-radiofrequency-ablation",
                ("L4-L5", "L5-S1"),
                side(rng),
                None,
                (),
            ),
        ),
        (0.1, lambda rng: ("knee-joint-injection", (), side(rng), "ultrasound", local)),
        (0.08, lambda rng: ("sacroiliac-joint-injection", (), side(rng), None, ())),
        (
            0.05,
            lambda rng: ("cervical-interlaminar-epidural-injection", ("C7-T1",), None, None, ()),
        ),
        (0.05, lambda rng: ("stellate-ganglion-block", ("C6",), side(rng), None, ())),
        (0.05, lambda rng: ("spinal-cord-stimulator-trial", ("T8",), None, None, ())),
        (0.05, lambda rng: ("vertebroplasty", (rng.choice(["T12", "L1"]),), None, None, ())),
    ]


def _plan_of(args: tuple[Any, ...]) -> ProcedurePlan:
    from interventional.pharmacology import Dose
    from interventional.procedures import plan

    procedure, levels, side, modality, injectates, duration = args
    doses = [Dose(d, amount, volume=volume, concentration=c) for d, amount, volume, c in injectates]
    return plan(
        procedure,
        levels=list(levels),
        side=side,
        modality=modality,
        injectates=doses,
        duration=duration,
    )


_DURATIONS = (None, None, timedelta(minutes=20), timedelta(minutes=45), timedelta(minutes=90))
"""Planned durations drawn for the bookings (None: not recorded)."""


# Drugs by how often a pain clinic's patients take them (relative weights), with the
# indications and routes their hold rules ask for.
_COMMON_DRUGS: tuple[tuple[str, float], ...] = (
    ("aspirin", 0.2),
    ("clopidogrel", 0.07),
    ("apixaban", 0.08),
    ("rivaroxaban", 0.05),
    ("warfarin", 0.04),
    ("ibuprofen", 0.12),
    ("naproxen", 0.08),
    ("meloxicam", 0.04),
    ("celecoxib", 0.04),
    ("enoxaparin", 0.03),
    ("sertraline", 0.06),
    ("fish-oil", 0.05),
)


def _variants() -> dict[str, list[tuple[str | None, str | None]]]:
    from interventional.safety import default_rules

    out: dict[str, list[tuple[str | None, str | None]]] = {}
    for row in default_rules().holds:
        for name in row.drugs:
            value = (
                None
                if row.indication is None
                else getattr(row.indication, "value", row.indication),
                None if row.route is None else getattr(row.route, "value", row.route),
            )
            if value not in out.setdefault(name, []):
                out[name].append(value)
    return out


def _synthetic_maker(seed: int, start_time: datetime) -> Callable[[int, int], Iterator[Case]]:
    from interventional.pharmacology import drugs
    from interventional.safety import LabResult, MedicationUse, default_rules

    from ._build import _kg, _ml_min, _per_ul

    mix = _booking_mix()
    weights = [weight for weight, _ in mix]
    variants = _variants()
    known = drugs()
    common = [(name, w) for name, w in _COMMON_DRUGS if name in known and name in variants]
    names, drug_weights = zip(*common, strict=True)
    everything = sorted(variants)
    conditions = sorted(default_rules().conditions)
    devices = sorted(default_rules().devices)
    width = 7
    plans: dict[tuple[Any, ...], ProcedurePlan] = {}

    def make(start: int, stop: int) -> Iterator[Case]:
        rng = random.Random(f"{seed}:{start}")
        for index in range(start, stop):
            at = start_time + timedelta(minutes=15 * (index % 35_000))
            medications = []
            taken: set[str] = set()
            count = rng.randint(0, 5)  # distinct drugs: 2.5 on average
            while len(taken) < count:
                name = (
                    rng.choices(names, drug_weights)[0]
                    if rng.random() < 0.85
                    else rng.choice(everything)
                )
                if name in taken:
                    continue
                taken.add(name)
                indication, route = rng.choice(variants[name])
                last = (
                    None if rng.random() < 0.04 else at - timedelta(minutes=rng.randint(30, 20_160))
                )
                decision = rng.choices([None, "continue", "hold"], [0.8, 0.12, 0.08])[0]
                medications.append(
                    MedicationUse(
                        name, last_dose=last, indication=indication, route=route, decision=decision
                    )
                )
            labs = []
            if rng.random() < 0.3:
                labs.append(
                    LabResult(
                        "inr",
                        rng.choice([0.9, 1.0, 1.1, 1.2, 1.4, 1.8, 2.5]),
                        taken_at=at - timedelta(hours=rng.randint(1, 72)),
                    )
                )
            if rng.random() < 0.25:
                labs.append(
                    LabResult(
                        "platelets",
                        _per_ul(1000 * rng.choice([45, 80, 120, 180, 250, 320])),
                        taken_at=at - timedelta(days=rng.randint(0, 10)),
                    )
                )
            allergies = []
            if rng.random() < 0.04:
                allergies.append(rng.choice(["iodinated-contrast", "lidocaine", "corticosteroid"]))
            patient = Patient(
                age=rng.randint(18, 95),
                weight=None if rng.random() < 0.08 else _kg(rng.randint(45, 130)),
                pregnant=rng.choices([None, False, True], [0.1, 0.88, 0.02])[0],
                medications=medications,
                labs=labs,
                conditions=rng.sample(conditions, rng.choices([0, 1, 2], [0.6, 0.3, 0.1])[0]),
                allergies=allergies,
                devices=[rng.choice(devices)] if rng.random() < 0.04 else [],
                creatinine_clearance=None if rng.random() < 0.6 else _ml_min(rng.randint(15, 120)),
            )
            choice = rng.choices(range(len(mix)), weights)[0]
            args = (*mix[choice][1](rng), rng.choice(_DURATIONS))
            booking = plans.get(args)
            if booking is None:  # one plan object per distinct booking
                booking = plans[args] = _plan_of(args)
            yield f"P{index:0{width}d}", patient, booking, at

    return make


def synthetic_cohort(n: int, *, seed: int = 0) -> Cohort:
    """A synthetic cohort of ``n`` booked procedures, one patient each, for tests and demos.

    Patients are 18 to 95 years old and take 0 to 5 medications (about 2.5 on average:
    aspirin, NSAIDs, direct oral anticoagulants, clopidogrel, warfarin, enoxaparin, SSRIs,
    supplements, and now and then any drug of the hold table), last taken from 30 minutes
    to 14 days before the booking or at an unknown time; some have an INR or platelet
    count, conditions of the rules' vocabulary, an allergy or an implanted device. Bookings
    follow a pain clinic's mix (epidural steroid injections, medial branch blocks and
    ablations, joint injections, sympathetic blocks, neuromodulation trials,
    vertebroplasty), every 15 minutes from 5 January 2026 (naive local times). These are
    test inputs, not epidemiology.

    Parameters
    ----------
    n : int
        The number of bookings (and patients).
    seed : int
        The same seed gives the same cohort.

    Examples
    --------
    >>> from interventional.testing import synthetic_cohort
    >>> pid, patient, plan, at = next(synthetic_cohort(10, seed=3).cases())
    >>> pid, type(patient).__name__, at.year
    ('P0000000', 'Patient', 2026)
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValidationError("n", f"must be a whole number >= 0, got {n!r}")
    return Cohort(n, _synthetic_maker(seed, datetime(2026, 1, 5, 8, 0)))
