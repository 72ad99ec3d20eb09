"""The contraindication engine: :func:`assess` and :func:`assess_many`.

How an assessment is made (every step adds findings; none stops the others)

1. The procedure's bleeding-risk class (ASRA 2018) is moved up one class when the patient
   has a factor that raises bleeding risk (condition codes marked ``upgrades`` in
   ``vocabulary.toml``, or two or more listed drugs that affect haemostasis).
2. Each medication is read in the hold table (``holds.toml``) at that class. Holds are
   elapsed-time rules: a hold of *N* is met when ``at - last_dose >= N``, exactly (a 7-day
   hold is met at 7 x 24 h after the last dose, not a minute later; aware datetimes are
   compared in UTC, so daylight-saving changes do not shift it). A shared-assessment cell
   gives CAUTION, an unknown cell INSUFFICIENT_DATA, an unknown last dose (where a hold
   applies) INSUFFICIENT_DATA. Once a drug has been off for its longest interval
   (its *washout*) a shared or unknown cell no longer blocks.
3. Laboratory gates: INR for vitamin K antagonists, platelets, coagulation studies.
4. General contraindications and the 2015 epidural-steroid recommendations (``rules.toml``).
5. Allergy to a planned injectate; local-anaesthetic totals against ``max_dose``.

The verdict is the most restrictive finding. ``earliest_time`` is when every hold is met,
or ``None`` when something at INSUFFICIENT_DATA or above cannot be waited out. ``restart``
gives each held drug's earliest restart, counted from ``at`` (the procedure time; add the
procedure's duration yourself when it matters).

Examples
--------
>>> from datetime import datetime, timedelta
>>> from interventional.procedures import plan
>>> from interventional.safety import MedicationUse, Patient, assess
>>> at = datetime(2026, 3, 10, 9, 0)
>>> patient = Patient(age=64, pregnant=False, medications=[
...     MedicationUse("clopidogrel", last_dose=at - timedelta(days=5))])
>>> result = assess(patient, plan("spinal-cord-stimulator-trial", levels=["T8"]), at=at)
>>> result.verdict, result.earliest_time
(<Verdict.DEFER: 'defer'>, datetime.datetime(2026, 3, 12, 9, 0))
>>> result.restart["clopidogrel"]
datetime.datetime(2026, 3, 11, 9, 0)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import attrs

from interventional.anatomy.levels import Region, Segment, VertebralLevel
from interventional.errors import ValidationError
from interventional.imaging.modality import Modality
from interventional.pharmacology import Drug, DrugClass, drugs, intrathecal_labelled
from interventional.procedures.risk import BleedingRisk
from interventional.references import Reference
from interventional.safety.model import (
    Assessment,
    LabName,
    LabResult,
    MedicationUse,
    Patient,
    _is_aware,
)
from interventional.safety.model import Finding as _Finding
from interventional.safety.rules import (
    HoldAction,
    HoldCell,
    HoldRule,
    Rule,
    RuleConfidence,
    RuleSet,
    Verdict,
    default_rules,
)
from interventional.units import magnitude

__all__ = ["assess", "assess_many"]

_UTC = UTC
_PROCEED = Verdict.PROCEED
_CAUTION = Verdict.CAUTION
_INSUFFICIENT = Verdict.INSUFFICIENT_DATA
_DEFER = Verdict.DEFER
_CONTRAINDICATED = Verdict.CONTRAINDICATED
_RANKS = {member._value_: index for index, member in enumerate(Verdict)}
_BLOCKING_RANK = _RANKS[_INSUFFICIENT._value_]
_new = object.__new__
_set = object.__setattr__


class _ProcedureLike(Protocol):
    id: str
    bleeding_risk: BleedingRisk
    neuraxial: bool
    regions: frozenset[Region]
    modalities: frozenset[Modality]

    @property
    def technique(self) -> Any: ...

    @property
    def approach(self) -> Any: ...

    @property
    def category(self) -> Any: ...


class _DoseLike(Protocol):
    @property
    def drug(self) -> Drug: ...

    @property
    def amount(self) -> Any: ...


class PlanLike(Protocol):
    """What the engine reads from a plan (``interventional.procedures.ProcedurePlan``)."""

    @property
    def procedure(self) -> Any: ...

    @property
    def levels(self) -> Sequence[Any]: ...

    @property
    def modality(self) -> Modality: ...

    @property
    def injectates(self) -> Sequence[Any]: ...


# ----------------------------------------------------------------------------- plan facts


@attrs.frozen(slots=True, eq=False)
class _PlanFacts:
    procedure_id: str
    risk: BleedingRisk
    neuraxial: bool
    technique: str
    approach: str
    category: str
    regions: frozenset[Region]
    modality: Modality
    tokens: frozenset[str]
    injectates: tuple[Drug, ...]
    uppermost: tuple[VertebralLevel, ...]
    la_totals: tuple[tuple[str, float], ...]
    la_unknown: tuple[str, ...]
    contrast_labels: tuple[tuple[str, bool | None], ...]


def _value(member: Any) -> str:
    return str(getattr(member, "value", member))


def _describe_dose(dose: Any) -> str:
    strength = getattr(dose, "concentration", None)
    name: str = dose.drug.name
    return name + ("" if strength is None else f" {strength:~}")


def _compute_facts(plan: PlanLike) -> _PlanFacts:
    procedure = plan.procedure
    tokens: set[str] = set()
    injected: list[Drug] = []
    totals: dict[str, float] = {}
    unknown: list[str] = []
    labels: list[tuple[str, bool | None]] = []
    neuraxial = bool(procedure.neuraxial)
    for dose in plan.injectates:
        agent: Drug = dose.drug
        injected.append(agent)
        tokens.add(agent.drug_class.value)
        if agent.drug_class is DrugClass.CORTICOSTEROID:
            if agent.particulate is True:
                tokens.add("particulate-corticosteroid")
            elif agent.particulate is None:
                tokens.add("corticosteroid-unknown-particle")
        if neuraxial and agent.drug_class is DrugClass.IODINATED_CONTRAST:
            labels.append((_describe_dose(dose), intrathecal_labelled(dose)))
        if agent.drug_class is DrugClass.LOCAL_ANESTHETIC:
            amount = getattr(dose, "amount", None)
            if amount is None:
                unknown.append(agent.name)
            else:
                totals[agent.name] = totals.get(agent.name, 0.0) + magnitude(amount, "mg")
    uppermost: list[VertebralLevel] = []
    for level in plan.levels:
        if isinstance(level, Segment):
            uppermost.append(level.upper)
        elif isinstance(level, VertebralLevel):
            uppermost.append(level)
    return _PlanFacts(
        procedure_id=procedure.id,
        risk=BleedingRisk.parse(procedure.bleeding_risk),
        neuraxial=neuraxial,
        technique=_value(procedure.technique),
        approach=_value(procedure.approach),
        category=_value(procedure.category),
        regions=frozenset(procedure.regions),
        modality=Modality.parse(plan.modality),
        tokens=frozenset(tokens),
        injectates=tuple(injected),
        uppermost=tuple(uppermost),
        la_totals=tuple(totals.items()),
        la_unknown=tuple(unknown),
        contrast_labels=tuple(labels),
    )


class _Identity:
    """A key that hashes and compares a plan by identity (it also keeps the plan alive)."""

    __slots__ = ("plan",)

    def __init__(self, plan: PlanLike) -> None:
        self.plan = plan

    def __hash__(self) -> int:
        return id(self.plan)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.plan is self.plan


@functools.lru_cache(maxsize=4096)
def _cached_facts(key: _Identity) -> _PlanFacts:
    return _compute_facts(key.plan)


def _plan_facts(plan: PlanLike) -> _PlanFacts:
    """The engine's reading of a plan, cached by identity.

    Plans are immutable, so what the engine reads from one never changes; hashing a plan by
    value (quantities included) costs more than a whole assessment, hence the identity key.
    """
    return _cached_facts(_Identity(plan))


def _plan_matches(rule: Rule, facts: _PlanFacts) -> bool:
    if rule.neuraxial is not None and rule.neuraxial != facts.neuraxial:
        return False
    if rule.techniques and facts.technique not in rule.techniques:
        return False
    if rule.approaches and facts.approach not in rule.approaches:
        return False
    if rule.categories and facts.category not in rule.categories:
        return False
    if rule.regions and not any(region in facts.regions for region in rule.regions):
        return False
    if rule.modalities and facts.modality not in rule.modalities:
        return False
    if rule.injectates and not any(token in facts.tokens for token in rule.injectates):
        return False
    if rule.lacks_injectates and any(token in facts.tokens for token in rule.lacks_injectates):
        return False
    if rule.above_level is not None and not any(
        level < rule.above_level for level in facts.uppermost
    ):
        return False
    return not (rule.min_risk is not None and facts.risk < rule.min_risk)


@attrs.frozen(slots=True, eq=False)
class _PlanRules:
    """The rules whose plan selectors match one plan, indexed by what fires them."""

    always: tuple[Rule, ...]
    by_condition: dict[str, tuple[Rule, ...]]
    by_device: dict[str, tuple[Rule, ...]]
    by_allergy: dict[str, tuple[Rule, ...]]
    by_pregnancy: dict[bool | None, tuple[Rule, ...]]
    order: dict[str, int]


@functools.lru_cache(maxsize=4096)
def _rules_for_plan(rules: RuleSet, facts: _PlanFacts) -> _PlanRules:
    """Index the non-builtin rules whose plan selectors match (both keys hash by identity)."""
    always: list[Rule] = []
    indexes: dict[str, dict[Any, list[Rule]]] = {
        "condition": {},
        "device": {},
        "allergy": {},
        "pregnancy": {},
    }
    for rule in rules.rules:
        if rule.builtin or not _plan_matches(rule, facts):
            continue
        if rule.conditions:
            for code in rule.conditions:
                indexes["condition"].setdefault(code, []).append(rule)
        elif rule.devices:
            for code in rule.devices:
                indexes["device"].setdefault(code, []).append(rule)
        elif rule.allergies:
            for code in rule.allergies:
                indexes["allergy"].setdefault(code, []).append(rule)
        elif rule.pregnancy is not None:
            key = True if rule.pregnancy == "yes" else None
            indexes["pregnancy"].setdefault(key, []).append(rule)
        else:
            always.append(rule)

    def freeze(index: dict[Any, list[Rule]]) -> dict[Any, tuple[Rule, ...]]:
        return {key: tuple(value) for key, value in index.items()}

    return _PlanRules(
        tuple(always),
        freeze(indexes["condition"]),
        freeze(indexes["device"]),
        freeze(indexes["allergy"]),
        freeze(indexes["pregnancy"]),
        {rule.id: position for position, rule in enumerate(rules.rules)},
    )


def _patient_matches(rule: Rule, patient: Patient) -> bool:
    if rule.conditions and not any(code in patient.conditions for code in rule.conditions):
        return False
    if rule.devices and not any(code in patient.devices for code in rule.devices):
        return False
    if rule.allergies and not any(code in patient.allergies for code in rule.allergies):
        return False
    if rule.pregnancy == "yes":
        return patient.pregnant is True
    if rule.pregnancy == "unknown":
        return patient.pregnant is None
    return True


# ----------------------------------------------------------------------------- formatting


@functools.lru_cache(maxsize=4096)
def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days and not hours and not minutes:
        return f"{days} day" + ("s" if days != 1 else "")
    if not days and not minutes:
        return f"{hours} h"
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def _time(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes")


# ----------------------------------------------------------------------------- the engine


def _finding(
    code: str,
    verdict: Verdict,
    message: str,
    references: tuple[Reference, ...],
    *,
    drug: str | None = None,
    until: datetime | None = None,
) -> _Finding:
    """Build a :class:`Finding` without re-running its converters (exact values here)."""
    finding: _Finding = _new(_Finding)
    _set(finding, "code", code)
    _set(finding, "verdict", verdict)
    _set(finding, "message", message)
    _set(finding, "references", references)
    _set(finding, "drug", drug)
    _set(finding, "until", until)
    return finding


class _Context:
    """The state of one assessment (plain attributes, no validation: internal)."""

    __slots__ = (
        "at",
        "at_u",
        "aware",
        "facts",
        "findings",
        "handled_as",
        "patient",
        "renal",
        "restart",
        "rules",
    )

    def __init__(self, patient: Patient, facts: _PlanFacts, at: datetime, rules: RuleSet) -> None:
        self.patient = patient
        self.facts = facts
        self.at = at
        self.aware = _is_aware(at)
        self.at_u = at.astimezone(_UTC) if self.aware else at
        self.rules = rules
        self.findings: list[_Finding] = []
        self.restart: dict[str, datetime] = {}
        self.handled_as = facts.risk
        self.renal: str = ""

    def utc(self, moment: datetime) -> datetime:
        return moment.astimezone(_UTC) if self.aware else moment

    def local(self, moment_u: datetime) -> datetime:
        return moment_u.astimezone(self.at.tzinfo) if self.aware else moment_u

    def add(
        self,
        code: str,
        verdict: Verdict,
        message: str,
        references: tuple[Reference, ...],
        *,
        drug: str | None = None,
        until: datetime | None = None,
    ) -> None:
        self.findings.append(_finding(code, verdict, message, references, drug=drug, until=until))


def _check_times(patient: Patient, at: datetime) -> None:
    if not isinstance(at, datetime):
        raise ValidationError("at", f"expected a datetime, got {type(at).__name__} {at!r}")
    aware = _is_aware(at)
    for index, medication in enumerate(patient.medications):
        moment = medication.last_dose
        if moment is None:
            continue
        field = f"medications[{index}].last_dose"
        if _is_aware(moment) != aware:
            raise ValidationError(
                field,
                f"{medication.drug}: naive and timezone-aware datetimes mixed (at={at!r}, "
                f"last_dose={moment!r}); use one kind throughout",
            )
        if moment > at:
            raise ValidationError(
                field,
                f"{medication.drug}: last dose {_time(moment)} is after the procedure time "
                f"{_time(at)}; a future dose cannot be assessed",
            )
    for index, lab in enumerate(patient.labs):
        moment = lab.taken_at
        if moment is None:
            continue
        field = f"labs[{index}].taken_at"
        if _is_aware(moment) != aware:
            raise ValidationError(
                field, f"{lab.name.value}: naive and timezone-aware datetimes mixed (at={at!r})"
            )
        if moment > at:
            raise ValidationError(
                field,
                f"{lab.name.value}: taken at {_time(moment)}, after the procedure time {_time(at)}",
            )


def _antithrombotic(drug: Drug) -> bool:
    return not (
        drug.drug_class.injectate
        or drug.drug_class is DrugClass.NEUROLYTIC
        or drug.drug_class is DrugClass.DILUENT
    )


@functools.cache
def _antithrombotic_names() -> frozenset[str]:
    """Generic ids of the vocabulary's drugs that affect haemostasis."""
    return frozenset(name for name, drug in drugs().items() if _antithrombotic(drug))


def _upgrade(ctx: _Context, catalogue: Any) -> None:
    patient = ctx.patient
    known = ctx.rules.conditions
    reasons = [
        f"{code} ({known[code].description})"
        for code in patient.conditions  # sorted at construction
        if code in known and known[code].upgrades
    ]
    acting_names = _antithrombotic_names()
    acting = [m.drug for m in patient.medications if m.drug in acting_names]
    if len(acting) >= ctx.rules.policy.concurrent_antithrombotics_min:
        reasons.append(f"concurrent antithrombotics ({', '.join(acting)})")
    if not reasons or ctx.facts.risk is BleedingRisk.HIGH:
        if reasons:
            record = ctx.rules.builtin("bleeding-risk-upgraded")
            ctx.add(
                "bleeding-risk-upgraded",
                _CAUTION,
                "Patient at high bleeding risk (" + "; ".join(reasons) + "); the procedure is "
                "already high risk.",
                record.references,
            )
        return
    ctx.handled_as = ctx.facts.risk.upgraded()
    record = ctx.rules.builtin("bleeding-risk-upgraded")
    ctx.add(
        "bleeding-risk-upgraded",
        _CAUTION,
        f"Procedure bleeding risk {ctx.facts.risk.value} handled as {ctx.handled_as.value} "
        "because of patient factors: " + "; ".join(reasons) + ".",
        record.references,
    )


def _renal_status(ctx: _Context) -> str:
    """``impaired``, ``normal`` or ``unknown`` (computed once per assessment)."""
    if ctx.renal:
        return ctx.renal
    patient = ctx.patient
    conditions = ctx.rules.conditions
    if any(code in conditions and conditions[code].renal for code in patient.conditions):
        status = "impaired"
    elif patient.creatinine_clearance_ml_min is None:
        status = "unknown"
    elif patient.creatinine_clearance_ml_min < ctx.rules.policy.creatinine_clearance_normal_min:
        status = "impaired"
    else:
        status = "normal"
    ctx.renal = status
    return status


def _washout(row: HoldRule, renal: bool) -> timedelta | None:
    return row.washout if renal else row.washout_without_renal


def _label(drug: Drug, medication: MedicationUse) -> str:
    qualifiers = [q.value for q in (medication.indication, medication.route) if q is not None]
    return f"{drug.display_name} ({', '.join(qualifiers)})" if qualifiers else drug.display_name


def _evaluate_cell(
    ctx: _Context,
    drug: Drug,
    medication: MedicationUse,
    row: HoldRule,
    cell: HoldCell,
    *,
    record: bool = True,
) -> list[_Finding]:
    """Findings of one table cell for one medication (``record``: also fill restart)."""
    out: list[_Finding] = []
    name = drug.name
    label = _label(drug, medication)
    risk = ctx.handled_as.value
    refs = row.references
    code = f"hold:{name}"
    renal_applies = False
    hold = cell.hold
    renal_note = ""
    if row.washout != row.washout_without_renal or cell.renal_hold is not None:
        status = _renal_status(ctx)
        renal_applies = status != "normal"
        if cell.renal_hold is not None:
            if status == "impaired":
                hold = cell.renal_hold
                renal_note = " Renal function impaired: the renal interval applies."
            elif status == "unknown":
                hold = cell.renal_hold
                renal_note = (
                    " Renal function unknown (no creatinine clearance or renal condition): "
                    "the longer renal interval is applied; give a creatinine clearance to "
                    "allow the shorter one."
                )
    last = medication.last_dose
    elapsed = None if last is None else ctx.at_u - ctx.utc(last)
    washout = _washout(row, renal_applies)
    washed = elapsed is not None and washout is not None and elapsed >= washout
    since = (
        ""
        if last is None
        else f" Last dose {_time(last)} ({_duration(elapsed or timedelta(0))} before)."
    )
    action = cell.action
    text = cell.text
    if action is HoldAction.NONE:
        out.append(
            _finding(
                code, _PROCEED, f"{label}: {text} before a {risk}-risk procedure.", refs, drug=name
            )
        )
    elif action is HoldAction.SHARED:
        if washed:
            out.append(
                _finding(
                    code,
                    _PROCEED,
                    f"{label}: {text} before a {risk}-risk procedure; the drug has been off for "
                    f"at least {_duration(washout or timedelta(0))}, its longest interval.{since}",
                    refs,
                    drug=name,
                )
            )
        else:
            restart = (
                f" If it is stopped, restart {_duration(cell.restart)} after."
                if cell.restart
                else ""
            )
            out.append(
                _finding(
                    code,
                    _CAUTION,
                    f"{label}: {text} before a {risk}-risk procedure (not a hold decided by the "
                    f"library).{restart}{since}",
                    refs,
                    drug=name,
                )
            )
    elif action is HoldAction.UNKNOWN:
        if washed:
            out.append(
                _finding(
                    code,
                    _PROCEED,
                    f"{label}: {text} before a {risk}-risk procedure; the drug has been off for at "
                    f"least {_duration(washout or timedelta(0))}, its longest known interval.{since}",
                    refs,
                    drug=name,
                )
            )
        else:
            out.append(
                _finding(
                    code,
                    _INSUFFICIENT,
                    f"{label}: {text} before a {risk}-risk procedure. No rule is known for this "
                    "class: decide with the prescriber.",
                    refs,
                    drug=name,
                )
            )
    else:
        assert hold is not None
        ranged = (
            f" (the sources give ranges: {cell.range}; upper bounds used)" if cell.range else ""
        )
        if last is None:
            unknown = ctx.rules.builtin("last-dose-unknown")
            out.append(
                _finding(
                    code,
                    _INSUFFICIENT,
                    f"{label}: hold {_duration(hold)} before a {risk}-risk procedure{ranged}, "
                    f"but the last dose is unknown: record when it was taken.{renal_note}",
                    refs + unknown.references,
                    drug=name,
                )
            )
        else:
            until_u = ctx.utc(last) + hold
            until = ctx.local(until_u)
            if ctx.at_u >= until_u:
                out.append(
                    _finding(
                        code,
                        _PROCEED,
                        f"{label}: hold of {_duration(hold)} before a {risk}-risk procedure is met"
                        f"{ranged}.{since} Met at {_time(until)}.{renal_note}",
                        refs,
                        drug=name,
                        until=until,
                    )
                )
            else:
                out.append(
                    _finding(
                        code,
                        _DEFER,
                        f"{label}: hold {_duration(hold)} before a {risk}-risk procedure{ranged}; "
                        f"not met until {_time(until)} ({_duration(until_u - ctx.at_u)} after the "
                        f"planned time).{since}{renal_note}",
                        refs,
                        drug=name,
                        until=until,
                    )
                )
        if record and cell.restart is not None:
            ctx.restart[name] = ctx.local(ctx.at_u + cell.restart)
        if cell.lab == "inr":
            out.extend(_inr(ctx, drug, medication))
    if cell.confidence is RuleConfidence.LOW and not washed:
        unverified = ctx.rules.builtin("unverified-rule")
        out.append(
            _finding(
                f"unverified:{name}",
                _CAUTION,
                f"{label}: the {risk}-risk rule used ('{text}') is LOW confidence (not verified "
                "in a source): confirm with the prescriber or the primary guideline.",
                refs + unverified.references,
                drug=name,
            )
        )
    return out


# For results taken at the same moment, the worse one counts (fail-safe, whatever their
# order): a higher INR, fewer platelets, a lower creatinine clearance.
_HIGHER_IS_WORSE = {
    LabName.INR: True,
    LabName.PLATELETS: False,
    LabName.CREATININE_CLEARANCE: False,
}


def _latest(ctx: _Context, name: LabName) -> LabResult | None:
    """The most recent result of ``name``; of simultaneous ones, the worse."""
    sign = 1.0 if _HIGHER_IS_WORSE[name] else -1.0
    best: LabResult | None = None
    best_key: tuple[datetime, float] | None = None
    for lab in ctx.patient.labs:
        if lab.name is name and lab.taken_at is not None:
            key = (ctx.utc(lab.taken_at), sign * lab.magnitude)
            if best_key is None or key > best_key:
                best, best_key = lab, key
    return best


def _inr(ctx: _Context, drug: Drug, medication: MedicationUse) -> list[_Finding]:
    record = ctx.rules.builtin("inr")
    refs = record.references
    policy = ctx.rules.policy
    code = f"lab:inr:{drug.name}"
    lab = _latest(ctx, LabName.INR)
    wanted = (
        f"an INR taken after the last {drug.display_name} dose and within "
        f"{_duration(policy.inr_max_age)} before the procedure (library policy)"
    )
    if lab is None or lab.taken_at is None:
        return [
            _finding(
                code,
                _INSUFFICIENT,
                f"{drug.display_name}: normal INR required; none recorded. Needed: {wanted}.",
                refs,
                drug=drug.name,
            )
        ]
    taken_u = ctx.utc(lab.taken_at)
    if medication.last_dose is None or taken_u < ctx.utc(medication.last_dose):
        return [
            _finding(
                code,
                _INSUFFICIENT,
                f"{drug.display_name}: the latest INR ({lab.magnitude:g}, {_time(lab.taken_at)}) was "
                f"not taken after the last dose, so it does not show the effect of stopping. "
                f"Needed: {wanted}.",
                refs,
                drug=drug.name,
            )
        ]
    if ctx.at_u - taken_u > policy.inr_max_age:
        return [
            _finding(
                code,
                _INSUFFICIENT,
                f"{drug.display_name}: the latest INR ({lab.magnitude:g}, {_time(lab.taken_at)}) is "
                f"older than {_duration(policy.inr_max_age)} (library policy). Needed: {wanted}.",
                refs,
                drug=drug.name,
            )
        ]
    if lab.magnitude > policy.inr_max:
        return [
            _finding(
                code,
                _DEFER,
                f"{drug.display_name}: INR {lab.magnitude:g} ({_time(lab.taken_at)}) is above "
                f"{policy.inr_max:g}, the normal-INR threshold; repeat it later.",
                refs,
                drug=drug.name,
            )
        ]
    return [
        _finding(
            code,
            _PROCEED,
            f"{drug.display_name}: INR {lab.magnitude:g} ({_time(lab.taken_at)}) is normal "
            f"(<= {policy.inr_max:g}).",
            refs,
            drug=drug.name,
        )
    ]


def _medications(ctx: _Context, catalogue: Any) -> None:
    for medication in ctx.patient.medications:
        drug = catalogue[medication.drug]
        rows = ctx.rules.holds_for(drug.name, drug.drug_class.value)
        if not rows:
            if _antithrombotic(drug):
                record = ctx.rules.builtin("no-hold-rule")
                ctx.add(
                    f"no-rule:{drug.name}",
                    _INSUFFICIENT,
                    f"{drug.display_name} ({drug.drug_class.value}) affects haemostasis but the "
                    "rule set has no hold rule for it: decide with the prescriber.",
                    record.references,
                    drug=drug.name,
                )
            continue
        chosen = _choose_variant(ctx, drug, medication, rows)
        if chosen is not None:
            ctx.findings.extend(
                _evaluate_cell(ctx, drug, medication, chosen, chosen.cell(ctx.handled_as))
            )


def _choose_variant(
    ctx: _Context, drug: Drug, medication: MedicationUse, rows: tuple[HoldRule, ...]
) -> HoldRule | None:
    if len(rows) == 1 and rows[0].indication is None and rows[0].route is None:
        return rows[0]
    indication = medication.indication.value if medication.indication is not None else None
    route = medication.route.value if medication.route is not None else None
    matching = [
        row
        for row in rows
        if (row.indication is None or row.indication == indication)
        and (row.route is None or row.route == route)
    ]
    if len(matching) == 1:
        return matching[0]
    fields = sorted(
        {"indication" for row in rows if row.indication} | {"route" for row in rows if row.route}
    )
    options = ", ".join("/".join(v for v in (row.indication, row.route) if v) for row in rows)
    record = ctx.rules.builtin("variant-needed")
    given = [v for v in (indication, route) if v]
    if given and not matching:
        ctx.add(
            f"variant:{drug.name}",
            _INSUFFICIENT,
            f"{drug.display_name}: the rules cover {options}; the given "
            f"{' and '.join(fields)} ({', '.join(given)}) matches none of them.",
            record.references,
            drug=drug.name,
        )
        return None
    outcomes = [
        _evaluate_cell(ctx, drug, medication, row, row.cell(ctx.handled_as), record=False)
        for row in (matching or rows)
    ]
    if all(f.verdict is _PROCEED for findings in outcomes for f in findings):
        ctx.add(
            f"hold:{drug.name}",
            _PROCEED,
            f"{drug.display_name}: no hold needed whatever the {' or '.join(fields)} ({options}).",
            tuple({ref.key: ref for row in rows for ref in row.references}.values()),
            drug=drug.name,
        )
        return None
    ctx.add(
        f"variant:{drug.name}",
        _INSUFFICIENT,
        f"{drug.display_name}: the rule depends on the {' or '.join(fields)} ({options}), which "
        f"is not given, and the variants disagree: record the {' and '.join(fields)}.",
        record.references,
        drug=drug.name,
    )
    return None


def _labs(ctx: _Context) -> None:
    patient = ctx.patient
    if not patient.labs and not patient.conditions:
        return
    conditions = ctx.rules.conditions
    policy = ctx.rules.policy
    flags = [conditions[code] for code in patient.conditions if code in conditions]
    platelets = _latest(ctx, LabName.PLATELETS)
    fresh_platelets = (
        platelets
        if platelets is not None
        and ctx.at_u - ctx.utc(platelets.taken_at) <= policy.platelets_max_age  # type: ignore[arg-type]
        else None
    )
    strict = ctx.facts.neuraxial or ctx.handled_as is BleedingRisk.HIGH
    record = ctx.rules.builtin("platelets")
    required = [c.code for c in flags if c.requires_platelets]
    if required and strict and fresh_platelets is None:
        why = (
            "none recorded"
            if platelets is None
            else f"the latest ({_time(platelets.taken_at)}) is older than "  # type: ignore[arg-type]
            f"{_duration(policy.platelets_max_age)} (library policy)"
        )
        ctx.add(
            "lab:platelets",
            _INSUFFICIENT,
            f"A recent platelet count is required ({', '.join(required)}) before a neuraxial or "
            f"high-risk procedure: {why}.",
            record.references,
        )
    if fresh_platelets is not None:
        count = fresh_platelets.magnitude
        when = _time(fresh_platelets.taken_at)  # type: ignore[arg-type]
        minimum = policy.platelets_min_neuraxial
        if count < minimum and strict:
            ctx.add(
                "lab:platelets",
                _DEFER,
                f"Platelets {count:,.0f}/µL ({when}) below {minimum:,.0f}/µL before a neuraxial "
                "or high-risk procedure (haematology/anaesthesia consensus, not the pain "
                "guideline).",
                record.references,
            )
        elif count < minimum:
            ctx.add(
                "lab:platelets",
                _CAUTION,
                f"Platelets {count:,.0f}/µL ({when}) below {minimum:,.0f}/µL; the sources give "
                "thresholds for neuraxial work only.",
                record.references,
            )
        elif (
            ctx.facts.category == "neuromodulation" and count < policy.platelets_min_neuromodulation
        ):
            ctx.add(
                "lab:platelets",
                _CAUTION,
                f"Platelets {count:,.0f}/µL ({when}) below "
                f"{policy.platelets_min_neuromodulation:,.0f}/µL, flagged as abnormal before "
                "neuromodulation by one centre.",
                record.references,
            )
        else:
            ctx.add(
                "lab:platelets",
                _PROCEED,
                f"Platelets {count:,.0f}/µL ({when}) at or above {minimum:,.0f}/µL.",
                record.references,
            )
    studies = [c.code for c in flags if c.coagulation_studies]
    if studies:
        inr = _latest(ctx, LabName.INR)
        fresh_inr = inr is not None and ctx.at_u - ctx.utc(inr.taken_at) <= policy.inr_max_age  # type: ignore[arg-type]
        if not fresh_inr or fresh_platelets is None:
            missing = [
                n
                for n, ok in (("INR", fresh_inr), ("platelets", fresh_platelets is not None))
                if not ok
            ]
            ctx.add(
                "coagulation-studies",
                _CAUTION,
                f"Consider coagulation studies ({', '.join(studies)}); no recent "
                f"{' or '.join(missing)}.",
                ctx.rules.builtin("coagulation-studies").references,
            )


def _rules(ctx: _Context) -> None:
    index = _rules_for_plan(ctx.rules, ctx.facts)
    patient = ctx.patient
    candidates: list[Rule] = list(index.always)
    for code in patient.conditions:
        candidates.extend(index.by_condition.get(code, ()))
    for code in patient.devices:
        candidates.extend(index.by_device.get(code, ()))
    for code in patient.allergies:
        candidates.extend(index.by_allergy.get(code, ()))
    if patient.pregnant is not False:
        candidates.extend(index.by_pregnancy.get(patient.pregnant, ()))
    if not candidates:
        return
    fired: dict[str, Rule] = {}
    for rule in candidates:
        if rule.id not in fired and _patient_matches(rule, patient):
            fired[rule.id] = rule
    order = index.order
    for rule in sorted(fired.values(), key=lambda rule: order[rule.id]):
        if rule.exclusive_of and any(other in fired for other in rule.exclusive_of):
            continue
        ctx.add(f"rule:{rule.id}", rule.verdict, rule.message, rule.references)


def _allergies(ctx: _Context) -> None:
    allergies = ctx.patient.allergies
    if not allergies:
        return
    record = ctx.rules.builtin("allergy-to-injectate")
    seen: set[str] = set()
    for agent in ctx.facts.injectates:
        if agent.name in seen:
            continue
        cls = agent.drug_class.value
        by_drug = agent.name in allergies
        by_class = cls in allergies and agent.drug_class is not DrugClass.IODINATED_CONTRAST
        if by_drug or by_class:
            seen.add(agent.name)
            what = agent.name if by_drug else f"{cls} (class)"
            ctx.add(
                f"allergy:{agent.name}",
                _CONTRAINDICATED,
                f"Allergy to {what}, and the plan injects {agent.display_name}: substitute the "
                "agent and assess the new plan.",
                record.references,
                drug=agent.name,
            )


@functools.lru_cache(maxsize=65536)
def _max_dose_mg(name: str, weight_kg: float) -> float | str:
    from interventional.pharmacology import NoSourcedValueError, max_dose

    try:
        return magnitude(max_dose(name, f"{weight_kg!r} kg"), "mg")
    except NoSourcedValueError as error:
        return str(error)


def _doses(ctx: _Context) -> None:
    facts = ctx.facts
    if not facts.la_totals and not facts.la_unknown:
        return
    record = ctx.rules.builtin("local-anesthetic-dose")
    refs = record.references
    for name in facts.la_unknown:
        ctx.add(
            f"dose:{name}",
            _INSUFFICIENT,
            f"{name}: the planned amount is unknown (a volume without a concentration); the "
            "maximum dose cannot be checked.",
            refs,
            drug=name,
        )
    kg = ctx.patient.weight_kg
    if kg is None:
        names = ", ".join(name for name, _ in facts.la_totals)
        if names:
            ctx.add(
                "dose:weight-unknown",
                _INSUFFICIENT,
                f"Body weight unknown: the maximum dose of {names} cannot be checked.",
                refs,
            )
        return
    near = ctx.rules.policy.local_anesthetic_near_fraction
    combined = 0.0
    for name, total in facts.la_totals:
        maximum = _max_dose_mg(name, kg)
        if isinstance(maximum, str):
            ctx.add(
                f"dose:{name}",
                _INSUFFICIENT,
                f"{name}: {total:g} mg planned, but {maximum}.",
                refs,
                drug=name,
            )
            combined = float("inf")
            continue
        fraction = total / maximum
        combined += fraction
        text = (
            f"{name}: {total:g} mg planned against a maximum of {maximum:g} mg for "
            f"{kg:g} kg without epinephrine ({fraction:.0%})"
        )
        if fraction > 1:
            ctx.add(
                f"dose:{name}",
                _DEFER,
                text + ": above the maximum; re-plan the dose.",
                refs,
                drug=name,
            )
        elif fraction >= near:
            ctx.add(
                f"dose:{name}",
                _CAUTION,
                text + f": near the maximum (at or above {near:.0%}, library policy).",
                refs,
                drug=name,
            )
        else:
            ctx.add(f"dose:{name}", _PROCEED, text + ".", refs, drug=name)
    if len(facts.la_totals) > 1 and combined != float("inf") and combined >= near:
        ctx.add(
            "dose:combined",
            _CAUTION,
            f"Local anaesthetics together reach {combined:.0%} of their maxima (treated as "
            "additive: library policy).",
            refs,
        )


def _contrast(ctx: _Context) -> None:
    if not ctx.facts.contrast_labels:
        return
    refs = ctx.rules.builtin("neuraxial-contrast-label").references
    for described, labelled in ctx.facts.contrast_labels:
        if labelled is False:
            ctx.add(
                "contrast-label",
                _DEFER,
                f"{described}: this presentation is labelled against intrathecal use (boxed "
                "warning) and intrathecal spread is possible in a neuraxial procedure: re-plan "
                "with an intrathecal-labelled contrast.",
                refs,
            )
        elif labelled is None:
            ctx.add(
                "contrast-label",
                _CAUTION,
                f"{described}: the presentation cannot be identified as intrathecal-labelled "
                "(give the concentration, e.g. '300 mg/mL'); only intrathecal-labelled "
                "iodinated contrast should be used where intrathecal spread is possible.",
                refs,
            )
        else:
            ctx.add(
                "contrast-label",
                _PROCEED,
                f"{described}: an intrathecal-labelled presentation.",
                refs,
            )


def _finish(ctx: _Context) -> Assessment:
    ranks = _RANKS
    findings = sorted(ctx.findings, key=lambda f: -ranks[f.verdict._value_])
    earliest: datetime | None = ctx.at
    latest_u = ctx.at_u
    for finding in findings:
        if ranks[finding.verdict._value_] >= _BLOCKING_RANK and not (
            finding.verdict is _DEFER and finding.until is not None
        ):
            earliest = None
            break
        if finding.until is not None:
            until_u = ctx.utc(finding.until)
            if until_u > latest_u:
                latest_u = until_u
    if earliest is not None:
        earliest = ctx.local(latest_u) if latest_u != ctx.at_u else ctx.at
    return Assessment(
        procedure=ctx.facts.procedure_id,
        at=ctx.at,
        bleeding_risk=ctx.facts.risk,
        handled_as=ctx.handled_as,
        findings=tuple(findings),
        earliest_time=earliest,
        restart=dict(ctx.restart),
    )


def assess(
    patient: Patient, plan: PlanLike, *, at: datetime, rules: RuleSet | None = None
) -> Assessment:
    """Assess a patient for a planned procedure at a given time.

    Parameters
    ----------
    patient : Patient
        The patient.
    plan : ProcedurePlan
        The plan (:func:`interventional.procedures.plan`).
    at : datetime
        The planned procedure time: naive or timezone-aware, like the patient's times.
    rules : RuleSet, optional
        Another rule set or policy (default :func:`~interventional.safety.rules.default_rules`).

    Returns
    -------
    Assessment
        Every finding, the verdict, the earliest time and the restarts.

    Raises
    ------
    ValidationError
        When ``at`` is not a datetime, naive and aware datetimes are mixed, or a last dose
        or lab time is after ``at``.

    References
    ----------
    N2018, UTD-PAIN, R2015 and the sources of each rule (``safety/data/*.toml``).

    Examples
    --------
    >>> from datetime import datetime
    >>> from interventional.procedures import plan
    >>> from interventional.safety import Patient, assess
    >>> knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    >>> assess(Patient(age=50), knee, at=datetime(2026, 1, 5, 9)).verdict
    <Verdict.PROCEED: 'proceed'>
    """
    if not isinstance(patient, Patient):
        raise ValidationError("patient", f"expected a Patient, got {type(patient).__name__}")
    _check_times(patient, at)
    ruleset = default_rules() if rules is None else rules
    ctx = _Context(patient, _plan_facts(plan), at, ruleset)
    catalogue = drugs()
    _upgrade(ctx, catalogue)
    _medications(ctx, catalogue)
    _labs(ctx)
    _rules(ctx)
    _allergies(ctx)
    _contrast(ctx)
    _doses(ctx)
    return _finish(ctx)


def _assess_chunk(
    chunk: Sequence[tuple[Patient, PlanLike]], at: datetime, rules: RuleSet | None
) -> list[Assessment]:
    return [assess(patient, plan, at=at, rules=rules) for patient, plan in chunk]


def assess_many(
    pairs: Iterable[tuple[Patient, PlanLike]],
    *,
    at: datetime,
    workers: int | None = None,
    rules: RuleSet | None = None,
) -> list[Assessment]:
    """Assess many (patient, plan) pairs at one time, in order.

    The result equals ``[assess(p, q, at=at) for p, q in pairs]``. With ``workers`` > 1 the
    pairs are split into contiguous chunks assessed in a process pool (worth it for large
    batches only: every pair is pickled); the order is kept.

    Parameters
    ----------
    pairs : iterable of (Patient, ProcedurePlan)
    at : datetime
    workers : int, optional
        Processes to use; ``None`` or 1 assesses in this process.
    rules : RuleSet, optional
        Only the default rules can be sent to worker processes.

    Examples
    --------
    >>> from datetime import datetime
    >>> from interventional.procedures import plan
    >>> from interventional.safety import Patient, assess_many
    >>> knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    >>> [a.verdict.name for a in assess_many([(Patient(age=50), knee)] * 2, at=datetime(2026, 1, 5))]
    ['PROCEED', 'PROCEED']
    """
    items = list(pairs)
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValidationError("workers", f"must be a positive integer or None, got {workers!r}")
    if workers is None or workers == 1 or len(items) < 2:
        return [assess(patient, plan, at=at, rules=rules) for patient, plan in items]
    if rules is not None and rules is not default_rules():
        raise ValidationError("rules", "a custom rule set cannot be sent to worker processes")
    size = -(-len(items) // (workers * 4))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_assess_chunk, chunks, [at] * len(chunks), [None] * len(chunks))
        return [assessment for chunk in results for assessment in chunk]
