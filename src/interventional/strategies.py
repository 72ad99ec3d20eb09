"""Hypothesis strategies of valid domain objects, for property tests (needs the ``testing`` extra).

Every strategy draws only valid objects (each is built through the public constructor, so
it has passed every check a user's object passes) and shrinks toward a simple, readable
example: the first level of a region, the first procedure of the catalogue in id order,
one level, no injectates, no medications, round numbers. Import this module only in tests:
``import interventional`` never imports it, nor hypothesis.

Times are drawn relative to :data:`NOW`, a fixed timezone-aware moment, so that a failing
example reads the same on every run; assess drawn patients ``at=NOW`` (or pass your own
``now=``, naive or aware, to every strategy you combine).

Examples
--------
>>> from hypothesis import given, settings
>>> from interventional import strategies as ivst
>>> @settings(max_examples=20)
... @given(ivst.levels(region="lumbar"))
... def test_lumbar_levels_print_with_l(level):
...     assert str(level).startswith("L")
>>> test_lumbar_levels_print_with_l()
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from interventional.anatomy.levels import Region, Segment, Side, VertebralLevel

if TYPE_CHECKING:
    from interventional.anatomy import Structure, StructureKind
    from interventional.imaging.modality import Modality
    from interventional.pharmacology import Dose, Drug
    from interventional.procedures import BleedingRisk, Procedure, ProcedurePlan
    from interventional.safety import LabResult, MedicationUse, Patient

__all__ = [
    "NOW",
    "doses",
    "durations",
    "lab_results",
    "levels",
    "medication_uses",
    "patients",
    "plans",
    "procedures",
    "segments",
    "sides",
    "structures",
]

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
"""The fixed moment the time-dependent strategies count back from (a Monday, 08:00 UTC)."""

_MAX_LOOKBACK = timedelta(days=30)


def _region(region: Region | str | None) -> Region | None:
    return None if region is None else Region.parse(region, field="region")


def levels(region: Region | str | None = None) -> st.SearchStrategy[VertebralLevel]:
    """Vertebral levels, C1 to Co1, or those of one region; shrinks toward the first.

    Parameters
    ----------
    region : Region or str, optional
        Only levels of this region (``"lumbar"``).

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> find(ivst.levels("cervical"), lambda level: True)  # the simplest example
    VertebralLevel.parse('C1')
    """
    return st.sampled_from(VertebralLevel.all(_region(region)))


def segments(region: Region | str | None = None) -> st.SearchStrategy[Segment]:
    """Motion segments (two adjacent levels), or those whose upper level is in ``region``.

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> print(find(ivst.segments("lumbar"), lambda segment: segment.lower.region.value == "sacral"))
    L5-S1
    """
    return st.sampled_from(Segment.all(_region(region)))


def sides(*, lateral: bool = True) -> st.SearchStrategy[Side]:
    """``LEFT`` or ``RIGHT``; ``lateral=False`` adds ``MIDLINE`` and ``BILATERAL``.

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> find(ivst.sides(lateral=False), lambda side: not side.lateral)
    <Side.MIDLINE: 'midline'>
    """
    return st.sampled_from([Side.LEFT, Side.RIGHT] if lateral else list(Side))


@functools.cache
def _structures_of(kind: StructureKind | None) -> tuple[Structure, ...]:
    from interventional.anatomy import default_atlas

    return tuple(sorted(default_atlas().find(kind=kind), key=lambda s: s.id))


def structures(kind: StructureKind | str | None = None) -> st.SearchStrategy[Structure]:
    """Structures of the default atlas, optionally of one kind; shrinks toward the first id.

    Parameters
    ----------
    kind : StructureKind or str, optional
        A kind such as ``"medial-branch"`` (a misspelt kind raises with suggestions).

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> find(ivst.structures("facet-joint"), lambda s: s.region.value == "lumbar").id
    'facet-joint:L1-L2:left'
    """
    from interventional.anatomy import StructureKind

    wanted = None if kind is None else StructureKind.parse(kind, field="kind")
    found = _structures_of(wanted)
    if not found:
        raise ValueError(f"the default atlas has no structure of kind {kind!r}")
    return st.sampled_from(found)


def procedures(
    risk: BleedingRisk | str | None = None, modality: Modality | str | None = None
) -> st.SearchStrategy[Procedure]:
    """Procedures of the default catalogue, in id order, optionally filtered.

    Parameters
    ----------
    risk : BleedingRisk or str, optional
        Only procedures of this ASRA bleeding-risk class.
    modality : Modality or str, optional
        Only procedures that may be guided by this modality.

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> find(ivst.procedures(risk="high"), lambda p: p.lateralized).bleeding_risk
    <BleedingRisk.HIGH: 'high'>
    """
    from interventional.imaging.modality import Modality
    from interventional.procedures import BleedingRisk, default_catalog

    chosen = sorted(default_catalog().values(), key=lambda p: p.id)
    if risk is not None:
        wanted_risk = BleedingRisk.parse(risk, field="risk")
        chosen = [p for p in chosen if p.bleeding_risk is wanted_risk]
    if modality is not None:
        wanted_modality = Modality.parse(modality, field="modality")
        chosen = [p for p in chosen if wanted_modality in p.modalities]
    if not chosen:
        raise ValueError(
            f"no procedure of the catalogue has risk={risk!r} and modality={modality!r}"
        )
    return st.sampled_from(chosen)


def _modality_order(procedure: Procedure) -> list[Modality]:
    others = sorted(procedure.modalities - {procedure.usual_modality}, key=lambda m: m.value)
    return [procedure.usual_modality, *others]


def _target_options(procedure: Procedure, side: Side | None) -> list[str]:
    from interventional.anatomy import default_atlas
    from interventional.procedures.targets import _target_choices

    values = {"side": side.value} if side is not None and side.lateral else {}
    options: list[str] = []
    for rule in procedure.target_rules:
        if rule.needs_target:
            options += _target_choices(default_atlas(), rule, values)
    return sorted(set(options))


def _injectate_drugs(procedure: Procedure) -> list[str]:
    from interventional.pharmacology import drugs

    known = drugs()
    return sorted({i.drug for i in procedure.injectates if i.drug in known})


def durations(
    *, least: timedelta = timedelta(minutes=5), most: timedelta = timedelta(hours=6)
) -> st.SearchStrategy[timedelta]:
    """Procedure durations in whole minutes, from ``least`` to ``most`` (5 min to 6 h).

    Shrinks toward ``least``.

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> find(ivst.durations(), lambda d: True)
    datetime.timedelta(seconds=300)
    """
    low, high = int(least / timedelta(minutes=1)), int(most / timedelta(minutes=1))
    return st.integers(min_value=max(low, 1), max_value=high).map(lambda n: timedelta(minutes=n))


@st.composite
def plans(
    draw: st.DrawFn,
    procedure: Procedure | str | None = None,
    *,
    injectates: bool = True,
    duration: bool = False,
) -> ProcedurePlan:
    """Valid procedure plans, made with :func:`~interventional.procedures.plan`.

    The levels are among the procedure's own (at least one where the procedure needs one,
    at most its ``max_levels``), the side is given exactly when the procedure is
    lateralized (``bilateral`` only where allowed), the modality is one of its modalities,
    a target is chosen where the procedure asks for one, and the injectates are doses of
    the drugs the procedure typically uses. Shrinks toward the usual modality, one level,
    the left side and no injectates.

    Parameters
    ----------
    procedure : Procedure or str, optional
        Keep the procedure fixed (an id, an alias, or a Procedure); default: any procedure
        of the catalogue.
    injectates : bool
        Whether to draw injectates at all (default ``True``).
    duration : bool
        Whether to draw a plan duration (:func:`durations`, or none); default ``False``:
        the plan has no duration of its own.

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> print(find(ivst.plans("lumbar-mbb"), lambda p: True))
    lumbar-medial-branch-block at L1-L2, left, under fluoroscopy
    """
    from interventional.procedures import default_catalog, plan

    if procedure is None:
        chosen = draw(procedures())
    elif isinstance(procedure, str):
        chosen = default_catalog()[procedure]
    else:
        chosen = procedure
    side: Side | None = None
    if chosen.lateralized:
        side_choices = [Side.LEFT, Side.RIGHT] + ([Side.BILATERAL] if chosen.bilateral else [])
        side = draw(st.sampled_from(side_choices))
    picked: list[Any] = []
    if chosen.levels:
        least = 1 if chosen.needs_levels else 0
        most = min(len(chosen.levels), chosen.max_levels or 3, 3)
        picked = draw(
            st.lists(
                st.sampled_from(chosen.levels),
                min_size=min(least, most),
                max_size=most,
                unique=True,
            )
        )
    modality = draw(st.sampled_from(_modality_order(chosen)))
    target = None
    if chosen.needs_target:
        each_side = Side.LEFT if side is Side.BILATERAL else side
        target = draw(st.sampled_from(_target_options(chosen, each_side)))
    drawn_doses: list[Dose] = []
    names = _injectate_drugs(chosen) if injectates else []
    if names:
        drawn_doses = draw(
            st.lists(st.sampled_from(names).flatmap(doses), max_size=2, unique_by=_dose_drug)
        )
    length = draw(st.none() | durations()) if duration else None
    return plan(
        chosen,
        levels=picked,
        side=side,
        modality=modality,
        injectates=drawn_doses,
        target=target,
        duration=length,
    )


def _dose_drug(dose: Dose) -> str:
    return dose.drug.name


_PERCENTS = (0.25, 0.5, 1.0, 2.0)


def _dose_kind(the_drug: Drug) -> str:
    from interventional.pharmacology import DrugClass

    if the_drug.dose_unit == "IU":
        return "units"
    if the_drug.drug_class is DrugClass.LOCAL_ANESTHETIC:
        return "percent"
    return "mass"


def doses(drug: Drug | str | None = None) -> st.SearchStrategy[Dose]:
    """Doses of a drug: an amount, or a volume with a concentration (and so an amount).

    Amounts are whole milligrams (1 to 200) or international units (multiples of 500);
    volumes whole millilitres (1 to 20); local anaesthetics come as a percentage (0.25 to
    2 %), other drugs as mg/mL. Shrinks toward the smallest amount of the first drug.

    Parameters
    ----------
    drug : Drug or str, optional
        One drug (name or alias); default: any drug of the vocabulary.

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> print(find(ivst.doses("lidocaine"), lambda dose: dose.volume is not None))
    lidocaine 2.5 mg 1 mL 0.25 %
    """
    from interventional.pharmacology import drug as lookup
    from interventional.pharmacology import drugs

    if drug is None:
        return st.sampled_from(sorted(drugs())).flatmap(doses)
    the_drug = lookup(drug)
    return _doses_of(the_drug.name)


@functools.cache
def _doses_of(name: str) -> st.SearchStrategy[Dose]:
    from interventional.pharmacology import Dose, drug

    the_drug = drug(name)
    kind = _dose_kind(the_drug)
    millilitres = st.integers(min_value=1, max_value=20)
    if kind == "units":
        units = st.integers(min_value=1, max_value=40).map(lambda n: n * 500)
        return st.one_of(
            st.builds(lambda n: Dose(name, f"{n} IU"), units),
            st.builds(
                lambda v, c: Dose(name, volume=f"{v} mL", concentration=f"{c} IU/mL"),
                millilitres,
                st.sampled_from((1000, 5000, 10000)),
            ),
        )
    amounts = st.integers(min_value=1, max_value=200)
    if kind == "percent":
        concentrations = st.sampled_from(_PERCENTS).map(lambda p: f"{p:g} %")
    else:
        concentrations = st.integers(min_value=1, max_value=40).map(lambda c: f"{c} mg/mL")
    return st.one_of(
        st.builds(lambda n: Dose(name, f"{n} mg"), amounts),
        st.builds(
            lambda v, c: Dose(name, volume=f"{v} mL", concentration=c), millilitres, concentrations
        ),
    )


@functools.cache
def _hold_variants() -> Mapping[str, tuple[tuple[str | None, str | None], ...]]:
    from interventional.safety import default_rules

    variants: dict[str, list[tuple[str | None, str | None]]] = {}
    for row in default_rules().holds:
        for name in row.drugs:
            variants.setdefault(name, []).append((row.indication, row.route))
    return {name: tuple(sorted(set(v), key=str)) for name, v in variants.items()}


def _before(now: datetime, lookback: timedelta, step: timedelta) -> st.SearchStrategy[datetime]:
    steps = int(lookback / step)
    return st.integers(min_value=0, max_value=steps).map(lambda n: now - n * step)


@st.composite
def medication_uses(
    draw: st.DrawFn, drug: Drug | str | None = None, *, now: datetime = NOW
) -> MedicationUse:
    """Medications a patient takes: a drug with a hold rule (or the one given).

    The last dose is up to 30 days before ``now`` in whole hours, or unknown (``None``);
    the indication or route is one the hold rules distinguish for that drug (or none given);
    the shared decision is not recorded, ``"continue"`` or ``"hold"``. Shrinks toward the
    first drug, an unknown last dose (or one at ``now``), no indication and no decision.

    Parameters
    ----------
    drug : Drug or str, optional
        Keep the drug fixed (any drug of the vocabulary).
    now : datetime
        The moment the last doses count back from.

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> find(ivst.medication_uses("Plavix"), lambda m: True)
    MedicationUse(drug='clopidogrel', last_dose=None, indication=None, route=None, dose=None, decision=None)
    >>> find(ivst.medication_uses("Plavix"), lambda m: m.last_dose is not None).last_dose
    datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.timezone.utc)
    """
    from interventional.pharmacology import drug as lookup
    from interventional.safety import MedicationUse

    variants = _hold_variants()
    name = draw(st.sampled_from(sorted(variants))) if drug is None else lookup(drug).name
    unknown = draw(st.booleans())
    last_dose = None if unknown else draw(_before(now, _MAX_LOOKBACK, timedelta(hours=1)))
    indication, route = draw(st.sampled_from([(None, None), *variants.get(name, ())]))
    decision = draw(st.sampled_from([None, "continue", "hold"]))
    return MedicationUse(
        name, last_dose=last_dose, indication=indication, route=route, decision=decision
    )


_INRS = tuple(round(0.8 + 0.1 * n, 1) for n in range(33))  # 0.8 to 4.0


def lab_results(name: str | None = None, *, now: datetime = NOW) -> st.SearchStrategy[LabResult]:
    """Laboratory results of every :class:`~interventional.safety.LabName`, taken up to 30 days before ``now``.

    INR 0.8 to 4.0 (one decimal), platelets 10 000 to 450 000 per µL (whole thousands),
    creatinine clearance and eGFR 5 to 150 mL/min, aPTT 15 to 150 s, creatinine 0.3 to
    12 mg/dL (one decimal); the time in whole hours. Shrinks toward an INR of 0.8 taken at
    ``now``. These are test inputs spanning normal and abnormal values, not reference
    ranges.

    Parameters
    ----------
    name : str, optional
        A :class:`~interventional.safety.LabName` value (``"inr"``, ``"aptt"``, ...);
        default: any.
    now : datetime
        The moment the sample times count back from.

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> find(ivst.lab_results("platelets"), lambda lab: True).value
    <Quantity(10000, '1 / microliter')>
    """
    from interventional.safety import LabName, LabResult

    taken = _before(now, _MAX_LOOKBACK, timedelta(hours=1))
    values: dict[LabName, st.SearchStrategy[Any]] = {
        LabName.INR: st.sampled_from(_INRS),
        LabName.PLATELETS: st.integers(min_value=10, max_value=450).map(lambda k: f"{k}e3 / µL"),
        LabName.CREATININE_CLEARANCE: st.integers(min_value=5, max_value=150).map(
            lambda v: f"{v} mL/min"
        ),
        LabName.APTT: st.integers(min_value=15, max_value=150).map(lambda v: f"{v} s"),
        LabName.CREATININE: st.integers(min_value=3, max_value=120).map(
            lambda v: f"{v / 10} mg/dL"
        ),
        LabName.EGFR: st.integers(min_value=5, max_value=150).map(lambda v: f"{v} mL/min"),
    }
    names = list(values) if name is None else [LabName.parse(name, field="name")]
    return st.one_of([st.builds(LabResult, st.just(lab), values[lab], taken) for lab in names])


def _codes(kind: str) -> list[str]:
    from interventional.safety import default_rules

    rules = default_rules()
    return sorted(rules.conditions if kind == "conditions" else rules.devices)


@st.composite
def patients(
    draw: st.DrawFn,
    *,
    now: datetime = NOW,
    max_medications: int = 3,
    medications: Sequence[str] | None = None,
    labs: bool = True,
    conditions: bool = True,
    devices: bool = True,
) -> Patient:
    """Adult patients, 18 to 95 years, with medications, labs, condition and device codes.

    Shrinks toward an 18-year-old of 40 kg, not pregnant, with nothing else recorded.

    Parameters
    ----------
    now : datetime
        The moment last doses and lab times count back from (use it as ``at=`` when
        assessing).
    max_medications : int
        The most medications drawn (distinct drugs).
    medications : sequence of str, optional
        Draw the medications among these drugs only (default: drugs with a hold rule).
    labs : bool
        Whether to draw lab results (at most one of each).
    conditions, devices : bool
        Whether to draw condition and device codes (at most two each).

    Examples
    --------
    >>> from hypothesis import find
    >>> from interventional import strategies as ivst
    >>> patient = find(ivst.patients(), lambda p: True)
    >>> patient.age, patient.weight, patient.medications
    (<Quantity(18, 'year')>, <Quantity(40, 'kilogram')>, ())
    """
    from interventional.safety import Patient

    drug_choice = (
        medication_uses(now=now)
        if medications is None
        else st.sampled_from(list(medications)).flatmap(lambda d: medication_uses(d, now=now))
    )
    meds = draw(
        st.lists(drug_choice, max_size=max_medications, unique_by=lambda m: m.drug)
        if max_medications > 0
        else st.just([])
    )
    drawn_labs = (
        draw(st.lists(lab_results(now=now), max_size=3, unique_by=lambda lab: lab.name))
        if labs
        else []
    )
    condition_codes = (
        draw(st.lists(st.sampled_from(_codes("conditions")), max_size=2, unique=True))
        if conditions
        else []
    )
    device_codes = (
        draw(st.lists(st.sampled_from(_codes("devices")), max_size=2, unique=True))
        if devices
        else []
    )
    return Patient(
        age=draw(st.integers(min_value=18, max_value=95)),
        weight=f"{draw(st.integers(min_value=40, max_value=150))} kg",
        pregnant=draw(st.sampled_from([False, True, None])),
        medications=meds,
        labs=drawn_labs,
        conditions=condition_codes,
        devices=device_codes,
    )
