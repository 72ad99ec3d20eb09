"""The contraindication engine: :func:`assess` and :func:`assess_many`.

How an assessment is made (every step adds findings; none stops the others)

1. The procedure's bleeding-risk class (ASRA 2018) is moved up one class when the patient
   has a factor that raises bleeding risk (condition codes marked ``upgrades`` in
   ``vocabulary.toml``, or two or more listed anticoagulants or antiplatelet agents; herbal
   and dietary supplements do not count).
2. Each medication is read in the hold table (``holds.toml``) at that class. Holds are
   elapsed-time rules: a hold of *N* is met when ``at - last_dose >= N``, exactly (a 7-day
   hold is met at 7 x 24 h after the last dose, not a minute later; aware datetimes are
   compared in UTC, so daylight-saving changes do not shift it). A shared-assessment cell
   gives INSUFFICIENT_DATA until the medication records the shared decision (``"continue"``:
   CAUTION; ``"hold"``: the row's interval, as a hold cell), an unknown cell
   INSUFFICIENT_DATA, an unknown last dose (where a hold applies) INSUFFICIENT_DATA. Once
   a drug has been off for its longest interval (its *washout*) a shared or unknown cell
   no longer blocks. Where the sources give a range or conflict, the policy's reading
   applies (the conservative bound by default). See :mod:`interventional.safety.decisions`.
3. Laboratory gates: INR for vitamin K antagonists, platelets, coagulation studies.
4. General contraindications and the 2015 epidural-steroid recommendations (``rules.toml``).
5. Allergy to a planned injectate; local-anaesthetic totals against ``max_dose``.

The verdict is the most restrictive finding. ``earliest_time`` is when every hold is met,
or ``None`` when something at INSUFFICIENT_DATA or above cannot be waited out. ``restart``
gives each held drug's earliest restart, counted from the end of the procedure: ``at`` plus
the duration given to :func:`assess`, else the plan's; with neither, from ``at`` itself, and
the finding says so, quoting the procedure's sourced typical duration where there is one
(see :mod:`interventional.safety.decisions`).

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
>>> result.restart["clopidogrel"]  # no duration given: 24 h after the start
datetime.datetime(2026, 3, 11, 9, 0)
>>> trial = plan("spinal-cord-stimulator-trial", levels=["T8"])
>>> assess(patient, trial, at=at, duration=timedelta(minutes=40)).restart["clopidogrel"]
datetime.datetime(2026, 3, 11, 9, 40)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any, Protocol, TypeVar

import attrs

from interventional.anatomy.levels import Region, Segment, VertebralLevel
from interventional.errors import ValidationError
from interventional.imaging.modality import Modality
from interventional.pharmacology import Drug, DrugClass, drugs, intrathecal_labelled
from interventional.procedures.risk import BleedingRisk
from interventional.references import Reference
from interventional.safety.decisions import (
    Decision,
    ProcedureEnd,
    applied_intervals,
    check_duration,
    confidence_note,
    counts_as_concurrent_antithrombotic,
    decided_hold_cell,
    procedure_end,
    reading_note,
    shared_kind,
)
from interventional.safety.decisions import format_duration as _duration
from interventional.safety.model import (
    Assessment,
    FindingRow,
    Indication,
    LabName,
    LabResult,
    LazyText,
    MedicationUse,
    Patient,
    Route,
    _FindingRows,
    _instant,
    _is_aware,
    _shared_row,
    _trusted_assessment,
    check_time,
)
from interventional.safety.rules import (
    HoldAction,
    HoldCell,
    HoldRule,
    Policy,
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
_BLOCKING_RANK = _INSUFFICIENT.rank

_K = TypeVar("_K")
_V = TypeVar("_V")


def _keep(table: dict[_K, _V], key: _K, value: _V, limit: int) -> _V:
    """Keep ``value`` under ``key`` in one of the engine's memos and return it.

    Every memo is bounded the same way: emptied when it holds ``limit`` entries (enough
    where few keys recur, and nothing to keep in order on the hot path).
    """
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value


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
    risk_upgraded: BleedingRisk
    """The class the plan is handled as when patient factors raise its risk."""
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
    planned_duration: timedelta | None
    """The plan's own duration (``plan(..., duration=)``), if any."""
    typical_duration: timedelta | None
    """The procedure's sourced typical duration, if any."""
    typical_references: tuple[Reference, ...]
    default_end: ProcedureEnd
    """Where restarts count from when the assessment gives no duration."""
    by_rules: dict[RuleSet, _PlanRules] = attrs.field(factory=dict)
    """The plan's reading under each rule set it was assessed with (see
    :func:`_rules_for_plan`), emptied at ``_RULE_SETS_LIMIT`` rule sets; it goes with the
    facts."""


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
    risk = BleedingRisk.parse(procedure.bleeding_risk)
    planned = getattr(plan, "duration", None)
    typical = getattr(procedure, "typical_duration", None)
    typical_references = tuple(getattr(procedure, "typical_duration_references", ()))
    return _PlanFacts(
        procedure_id=procedure.id,
        risk=risk,
        risk_upgraded=risk.upgraded(),
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
        planned_duration=planned,
        typical_duration=typical,
        typical_references=typical_references,
        default_end=procedure_end(
            None,
            planned,
            typical,
            procedure_id=procedure.id,
            typical_references=typical_references,
        ),
    )


_FACTS_BY_ID: dict[int, tuple[PlanLike, _PlanFacts]] = {}
"""The engine's reading of each plan seen, by ``id`` (the entry keeps the plan alive)."""
_FACTS_LIMIT = 4096


def _plan_facts(plan: PlanLike) -> _PlanFacts:
    """The engine's reading of a plan, cached by identity.

    Plans are immutable, so what the engine reads from one never changes; hashing a plan by
    value (quantities included) costs more than a whole assessment, hence the identity key.
    The cache is emptied when it reaches ``_FACTS_LIMIT`` plans.
    """
    cached = _FACTS_BY_ID.get(id(plan))
    if cached is not None and cached[0] is plan:
        return cached[1]
    return _keep(_FACTS_BY_ID, id(plan), (plan, _compute_facts(plan)), _FACTS_LIMIT)[1]


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


_PatientCodes = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], "bool | None"]
"""A patient's conditions, devices, allergies and pregnancy status: all the general rules'
patient selectors read."""
_FIRED_LIMIT = 1024


@attrs.frozen(slots=True, eq=False)
class _PlanRules:
    """The rules whose plan selectors match one plan, indexed by what fires them."""

    always: tuple[Rule, ...]
    by_condition: dict[str, tuple[Rule, ...]]
    by_device: dict[str, tuple[Rule, ...]]
    by_allergy: dict[str, tuple[Rule, ...]]
    by_pregnancy: dict[bool | None, tuple[Rule, ...]]
    order: dict[str, int]
    findings: dict[str, FindingRow]
    """Each rule's finding (the same for every patient it fires for)."""
    contrast: tuple[FindingRow, ...]
    """The contrast-labelling findings of the plan (the same for every patient)."""
    fired: dict[_PatientCodes, tuple[FindingRow, ...]] = attrs.field(factory=dict)
    """The findings fired for each combination of patient codes seen (see :func:`_rules`):
    kept with the index, so they go when it goes; emptied at ``_FIRED_LIMIT`` entries."""
    own_findings: dict[float | None, tuple[FindingRow, ...]] = attrs.field(factory=dict)
    """The plan's own findings (``contrast``, then the dose findings) for each body weight
    seen (see :func:`_plan_findings`); emptied at ``_FIRED_LIMIT`` entries."""


_RULE_SETS_LIMIT = 8
"""How many rule sets' readings a plan keeps (a service may build a rule set per request)."""


def _rules_for_plan(rules: RuleSet, facts: _PlanFacts) -> _PlanRules:
    """The plan's reading under a rule set, made once and kept with the plan's facts."""
    found = facts.by_rules.get(rules)
    if found is None:
        found = _keep(facts.by_rules, rules, _index_rules(rules, facts), _RULE_SETS_LIMIT)
    return found


def _index_rules(rules: RuleSet, facts: _PlanFacts) -> _PlanRules:
    """Index the non-builtin rules whose plan selectors match."""
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

    findings = {
        rule.id: _shared_row(f"rule:{rule.id}", rule.verdict, rule.message, rule.references)
        for rule in rules.rules
        if not rule.builtin
    }
    return _PlanRules(
        tuple(always),
        freeze(indexes["condition"]),
        freeze(indexes["device"]),
        freeze(indexes["allergy"]),
        freeze(indexes["pregnancy"]),
        {rule.id: position for position, rule in enumerate(rules.rules)},
        findings,
        _contrast_findings(rules, facts) if facts.contrast_labels else (),
    )


def _patient_matches(rule: Rule, patient: _PatientCodes) -> bool:
    conditions, devices, allergies, pregnant = patient
    if rule.conditions and not any(code in conditions for code in rule.conditions):
        return False
    if rule.devices and not any(code in devices for code in rule.devices):
        return False
    if rule.allergies and not any(code in allergies for code in rule.allergies):
        return False
    if rule.pregnancy == "yes":
        return pregnant is True
    if rule.pregnancy == "unknown":
        return pregnant is None
    return True


def _rule_findings(index: _PlanRules, patient: _PatientCodes) -> tuple[FindingRow, ...]:
    """The findings of the rules a plan's index fires for a patient's codes.

    They come in rule-set order, without those a fired rule excludes.
    """
    conditions, devices, allergies, pregnant = patient
    candidates: list[Rule] = []
    for codes, by_code in (
        (conditions, index.by_condition),
        (devices, index.by_device),
        (allergies, index.by_allergy),
    ):
        for code in codes:
            candidates.extend(by_code.get(code, ()))
    if pregnant is not False:
        candidates.extend(index.by_pregnancy.get(pregnant, ()))
    fired = {rule.id: rule for rule in index.always}
    for rule in candidates:
        if rule.id not in fired and _patient_matches(rule, patient):
            fired[rule.id] = rule
    return tuple(
        index.findings[rule_id]
        for rule_id in sorted(fired, key=index.order.__getitem__)
        if not any(other in fired for other in fired[rule_id].exclusive_of)
    )


# ----------------------------------------------------------------------------- formatting


def _time(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes")


# ----------------------------------------------------------------------------- the engine


class _Context:
    """The state of one assessment (plain attributes, no validation: internal)."""

    __slots__ = (
        "at",
        "at_u",
        "aware",
        "conditions",
        "end",
        "end_u",
        "facts",
        "findings",
        "handled_as",
        "known",
        "latest_u",
        "latest_until",
        "patient",
        "reading",
        "renal",
        "restart",
        "rules",
    )

    def __init__(
        self,
        patient: Patient,
        facts: _PlanFacts,
        at: datetime,
        times: tuple[bool, datetime],
        rules: RuleSet,
        end: ProcedureEnd,
    ) -> None:
        self.patient = patient
        self.facts = facts
        self.at = at
        self.aware, self.at_u = times
        self.rules = rules
        self.end = end
        """Where restarts count from (the procedure's end when its duration is known)."""
        self.end_u = end.end(self.at_u)
        self.known = known = _KNOWN.get(rules) or _ruleset_facts(rules)
        self.reading = facts.by_rules.get(rules) or _rules_for_plan(rules, facts)
        self.conditions = _NO_CONDITIONS
        if patient.conditions:
            codes = patient.conditions
            self.conditions = known.conditions.get(codes) or _keep(
                known.conditions, codes, _condition_facts(rules, codes), _CONDITIONS_LIMIT
            )
        self.findings = _FindingRows()
        self.restart: dict[str, datetime] = {}
        """Each held drug's restart instant (given in ``at``'s zone by :func:`_finish`)."""
        self.handled_as = facts.risk
        self.renal: str = ""
        self.latest_u = self.at_u
        self.latest_until = at
        """The latest time a hold is met (``at`` while no hold is waited for; ``latest_u``
        is the same in UTC when ``at`` is aware)."""

    def utc(self, moment: datetime) -> datetime:
        return moment.astimezone(_UTC) if self.aware else moment

    def add(
        self,
        code: str,
        verdict: Verdict,
        message: str,
        references: tuple[Reference, ...],
        *,
        drug: str | None = None,
    ) -> None:
        """Add a finding whose message is written."""
        self.findings.append((verdict._rank, verdict, code, references, drug, None, None, message))

    def defer(
        self,
        code: str,
        verdict: Verdict,
        references: tuple[Reference, ...],
        write: Callable[..., str],
        *args: Any,
    ) -> None:
        """Add a finding whose message is ``write(*args)``, written when first read."""
        self.findings.append((verdict._rank, verdict, code, references, None, None, write, args))


def _check_times(patient: Patient, at: datetime) -> tuple[bool, datetime]:
    """Check the patient's times against ``at``; return ``at``'s awareness and instant.

    The instant is ``at`` in UTC when it is timezone-aware, else ``at`` itself. A
    patient's times are all naive or all aware (checked when it is built), and it keeps
    the latest of them, so the common case is one comparison; otherwise every time is
    checked and the first at fault is named. Aware times are compared in UTC (as
    instants: within one zone Python compares wall times, wrong in a repeated hour).
    """
    check_time("at", at)  # a datetime, with room for the intervals counted from it
    aware = at.tzinfo is not None and _is_aware(at)
    at_u = at.astimezone(_UTC) if aware else at
    latest = patient._latest_instant
    # the latest instant is in UTC exactly when the patient's times are aware (a tzinfo
    # whose offset is None leaves a time naive, and it keeps that tzinfo)
    if latest is None or ((latest.tzinfo is _UTC) is aware and latest <= at_u):
        return aware, at_u
    for index, medication in enumerate(patient.medications):
        moment = medication.last_dose
        if moment is None:
            continue
        field = f"medications[{index}].last_dose"
        if _is_aware(moment) != aware:
            raise ValidationError(
                field,
                f"{medication.drug}: naive and timezone-aware datetimes mixed (at "
                f"{_time(at)}, last dose {_time(moment)}); use one kind throughout",
            )
        if _instant(moment) > at_u:
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
                field,
                f"{lab.name.value}: naive and timezone-aware datetimes mixed (at {_time(at)}, "
                f"taken at {_time(moment)}); use one kind throughout",
            )
        if _instant(moment) > at_u:
            raise ValidationError(
                field,
                f"{lab.name.value}: taken at {_time(moment)}, after the procedure time {_time(at)}",
            )
    raise AssertionError(f"the patient's latest time {latest!r} fails against {at!r}; no time does")


def _antithrombotic(drug: Drug) -> bool:
    return not (
        drug.drug_class.injectate
        or drug.drug_class is DrugClass.NEUROLYTIC
        or drug.drug_class is DrugClass.DILUENT
    )


@attrs.frozen(slots=True, eq=False)
class _RuleSetFacts:
    """What the engine reads from a rule set on every assessment, worked out once."""

    concurrent_antithrombotics_min: int
    antithrombotics: frozenset[str]
    """Generic ids of the vocabulary's drugs that count as "other anticoagulants or
    antiplatelet agents" for the patient factor (not the supplements: see
    :func:`~interventional.safety.decisions.counts_as_concurrent_antithrombotic`), kept
    here so that an assessment reads one object."""
    upgrade_references: tuple[Reference, ...]
    inr_references: tuple[Reference, ...]
    platelet_references: tuple[Reference, ...]
    conditions: dict[tuple[str, ...], _ConditionFacts] = attrs.field(factory=dict)
    """The reading of each tuple of condition codes seen under this rule set (see
    :func:`_condition_facts`); emptied at ``_CONDITIONS_LIMIT`` entries ('other:' codes
    are free text)."""
    hold_entries: dict[BleedingRisk, dict[_VariantKey, _HoldEntry]] = attrs.field(
        factory=lambda: {risk: {} for risk in BleedingRisk}
    )
    """The hold entries met so far before each class, by (drug, indication, route): filled
    by :func:`_medications`. The keys are drugs of the vocabulary and members of two enums,
    so a table cannot grow past their product."""


_KNOWN: dict[RuleSet, _RuleSetFacts] = {}
"""The engine's reading of each rule set used (rule sets hash by identity)."""
_KNOWN_LIMIT = 64


def _ruleset_facts(rules: RuleSet) -> _RuleSetFacts:
    """The engine's reading of a rule set, made once (emptied at ``_KNOWN_LIMIT`` sets)."""
    known = _KNOWN.get(rules)
    if known is None:
        reading = _RuleSetFacts(
            concurrent_antithrombotics_min=rules.policy.concurrent_antithrombotics_min,
            antithrombotics=frozenset(
                name
                for name, drug in drugs().items()
                if counts_as_concurrent_antithrombotic(drug.drug_class)
            ),
            upgrade_references=rules.builtin("bleeding-risk-upgraded").references,
            inr_references=rules.builtin("inr").references,
            platelet_references=rules.builtin("platelets").references,
        )
        known = _keep(_KNOWN, rules, reading, _KNOWN_LIMIT)
    return known


@attrs.frozen(slots=True, eq=False)
class _ConditionFacts:
    """What the engine reads from a patient's condition codes under one rule set."""

    upgrading: tuple[str, ...]
    """The codes that move a procedure up one bleeding-risk class."""
    platelets_required: tuple[str, ...]
    """The codes that need a recent platelet count before neuraxial work."""
    coagulation_studies: tuple[str, ...]
    """The codes for which coagulation studies are suggested."""
    renal: bool
    """Whether a code marks impaired renal function."""
    asks_for_labs: bool = attrs.field(init=False)
    """Whether a code needs platelets or suggests coagulation studies."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "asks_for_labs", bool(self.platelets_required or self.coagulation_studies)
        )


_NO_CONDITIONS = _ConditionFacts((), (), (), renal=False)


_CONDITIONS_LIMIT = 1024
"""Per rule set (up to ``_KNOWN_LIMIT`` rule sets' readings are kept)."""


def _condition_facts(rules: RuleSet, codes: tuple[str, ...]) -> _ConditionFacts:
    """The reading of a (sorted) tuple of condition codes."""
    known = [(code, rules.conditions[code]) for code in codes if code in rules.conditions]
    return _ConditionFacts(
        upgrading=tuple(code for code, c in known if c.upgrades),
        platelets_required=tuple(code for code, c in known if c.requires_platelets),
        coagulation_studies=tuple(code for code, c in known if c.coagulation_studies),
        renal=any(c.renal for _, c in known),
    )


def _write_upgrade(
    risk: BleedingRisk,
    handled_as: BleedingRisk,
    conditions: tuple[str, ...],
    acting: tuple[str, ...],
    rules: RuleSet,
) -> str:
    """The words of the ``bleeding-risk-upgraded`` finding."""
    reasons = [f"{code} ({rules.conditions[code].description})" for code in conditions]
    if acting:
        reasons.append(f"concurrent antithrombotics ({', '.join(acting)})")
    if handled_as is risk:
        return f"Patient at high bleeding risk ({'; '.join(reasons)}); the procedure is already high risk."
    return (
        f"Procedure bleeding risk {risk.value} handled as {handled_as.value} because of "
        f"patient factors: {'; '.join(reasons)}."
    )


def _upgrade(ctx: _Context) -> None:
    known = ctx.known
    enough = known.concurrent_antithrombotics_min
    medications = ctx.patient.medications
    conditions = ctx.conditions.upgrading
    acting: tuple[str, ...] = ()
    if len(medications) >= enough:
        names = known.antithrombotics
        found = []  # a plain loop: a list comprehension is a function call before 3.12
        for medication in medications:
            if medication.drug in names:
                found.append(medication.drug)
        if len(found) >= enough:
            acting = tuple(found)
    if not conditions and not acting:
        return
    facts = ctx.facts
    ctx.handled_as = handled_as = facts.risk_upgraded
    ctx.defer(
        "bleeding-risk-upgraded",
        _CAUTION,
        known.upgrade_references,
        _write_upgrade,
        facts.risk,
        handled_as,
        conditions,
        acting,
        ctx.rules,
    )


def _renal_status(ctx: _Context) -> str:
    """``impaired``, ``normal`` or ``unknown`` (computed once per assessment)."""
    if ctx.renal:
        return ctx.renal
    patient = ctx.patient
    if ctx.conditions.renal:
        status = "impaired"
    elif patient.creatinine_clearance_ml_min is None:
        status = "unknown"
    elif patient.creatinine_clearance_ml_min < ctx.rules.policy.creatinine_clearance_normal_min:
        status = "impaired"
    else:
        status = "normal"
    ctx.renal = status
    return status


def _label(drug: Drug, indication: Indication | None, route: Route | None) -> str:
    qualifiers = [q.value for q in (indication, route) if q is not None]
    return f"{drug.display_name} ({', '.join(qualifiers)})" if qualifiers else drug.display_name


def _article(risk: str) -> str:
    return "an" if risk[:1] in "aeiou" else "a"


_HOLD_KINDS = frozenset({"no-last-dose", "met", "deferred"})


def _write_hold(
    kind: str,
    prepared: _Cell,
    medication: MedicationUse | _Variant,
    hold: timedelta | None,
    renal: str,
    washout: timedelta | None,
    at_u: datetime | None,
    until: datetime | None,
    until_u: datetime | None,
    end: ProcedureEnd | None = None,
) -> str:
    """The words of a hold-table finding (``kind`` says which; see :func:`_evaluate_cell`).

    ``at_u`` and ``until_u`` are the procedure time and the hold's end as instants (UTC
    when aware): the time since the last dose and the wait left are worked out here, only
    when the words are. ``end`` says where restarts count from. Every finding shows the
    cell's confidence; one from a ranged or conflicting cell says which reading applied.
    """
    cell, risk, before = prepared.cell, prepared.risk, prepared.before
    label = _label(prepared.drug, medication.indication, medication.route)
    text = cell.text
    confidence = confidence_note(prepared.confidence)
    if kind == "none":
        return f"{label}: {text} {before}.{confidence}"
    if kind == "unknown":
        return (
            f"{label}: {text} {before}. No rule is known for this class: decide with the "
            f"prescriber.{confidence}"
        )
    if kind == "unverified":
        return (
            f"{label}: the {risk}-risk rule used ('{text}') is LOW confidence (not verified in a "
            "source): confirm with the prescriber or the primary guideline."
        )
    last = medication.last_dose
    since = (
        ""
        if last is None or at_u is None
        else f" Last dose {_time(last)} ({_duration(at_u - _instant(last))} before)."
    )
    if kind == "washed":
        known = " known" if cell.action is HoldAction.UNKNOWN else ""
        return (
            f"{label}: {text} {before}; the drug has been off for at least "
            f"{_duration(washout or _ZERO)}, its longest{known} interval.{since}{confidence}"
        )
    where = "" if end is None else " " + end.describe()
    if kind == "shared-undecided":
        restart = (
            f" If it is stopped, restart {_duration(prepared.restart)}{where}."
            if prepared.restart
            else ""
        )
        return (
            f"{label}: {text} {before}. The guideline leaves this to a shared decision with the "
            "prescriber, who weighs the thrombotic risk (which the library does not know): "
            "record it on the medication, decision='continue' or decision='hold'."
            f"{restart}{since}{confidence}"
        )
    if kind == "shared-continue":
        return (
            f"{label}: {text} {before}; continued by the recorded shared decision "
            "(decision='continue'): go ahead with the precautions agreed with the prescriber."
            f"{since}{confidence}"
        )
    if kind == "shared-hold-unknown":
        return (
            f"{label}: {text} {before}; the recorded shared decision is to stop "
            "(decision='hold'), but the rule set gives no interval for this drug: agree the "
            f"timing with the prescriber.{since}{confidence}"
        )
    renal_note = _RENAL_NOTES[renal]
    reading = f" ({prepared.reading})" if prepared.reading else ""
    via = prepared.via
    hold_text = _duration(hold or _ZERO)
    restart = (
        end.restart_sentence(prepared.restart)
        if end is not None and prepared.restart is not None
        else ""
    )
    continued = (
        " A decision to continue is recorded, but the guideline's rule for this class is a "
        "hold, not a shared decision: the hold still applies."
        if getattr(medication, "decision", None) is Decision.CONTINUE and not via
        else ""
    )
    if kind == "no-last-dose":
        return (
            f"{label}: hold {hold_text} {before}{via}{reading}, but the last dose is unknown: "
            f"record when it was taken.{renal_note}{continued}{restart}{confidence}"
        )
    if kind == "met":
        return (
            f"{label}: hold of {hold_text} {before} is met{via}{reading}.{since} Met at "
            f"{_time(until)}.{renal_note}{continued}{restart}{confidence}"  # type: ignore[arg-type]
        )
    if kind == "deferred":
        return (
            f"{label}: hold {hold_text} {before}{via}{reading}; not met until "
            f"{_time(until)} ({_duration(until_u - at_u)} after the planned time)."  # type: ignore[arg-type, operator]
            f"{since}{renal_note}{continued}{restart}{confidence}"
        )
    raise AssertionError(f"unknown hold finding kind {kind!r}")


_ZERO = timedelta(0)
_RENAL_NOTES = {
    "": "",
    "impaired": " Renal function impaired: the renal interval applies.",
    "unknown": (
        " Renal function unknown (no creatinine clearance or renal condition): the longer "
        "renal interval is applied; give a creatinine clearance to allow the shorter one."
    ),
}


@attrs.frozen(slots=True, eq=False)
class _Cell:
    """One hold-table cell made ready for evaluation: all that does not depend on a patient."""

    drug: Drug
    cell: HoldCell
    risk: str
    """The value of the class the cell is read at."""
    before: str
    """``before a low-risk procedure`` (and so on): the words for that class."""
    code: str
    drug_name: str
    unverified_code: str
    references: tuple[Reference, ...]
    action: HoldAction
    renal_sensitive: bool
    """Whether renal function changes the interval or the washout."""
    washout_renal: timedelta | None
    restart: timedelta | None
    inr: bool
    low_confidence: bool
    unknown_references: tuple[Reference, ...]
    """The references of a hold whose last dose is unknown."""
    unverified_references: tuple[Reference, ...]
    intervals: tuple[timedelta | None, timedelta | None, str]
    """The hold, the washout and the renal note (``""``) when renal function is normal or
    does not matter (``renal_sensitive`` False). The hold and ``restart`` are the readings
    the policy applies (:func:`~interventional.safety.decisions.applied_intervals`)."""
    reading: str
    """Which reading of a range or conflict applied, in words (``""`` when the sources
    agree)."""
    confidence: RuleConfidence
    """The confidence shown in the finding."""
    via: str = ""
    """For a cell applied by a shared decision: how it was reached (in the words)."""
    decided: _Cell | None = None
    """For a shared cell: the hold cell that applies when the decision is to stop
    (:func:`~interventional.safety.decisions.decided_hold_cell`), or ``None``."""


@functools.lru_cache(maxsize=8192)
def _prepare_cell(rules: RuleSet, drug: Drug, row: HoldRule, risk: BleedingRisk) -> _Cell:
    cell = row.cell(risk)
    decided = None
    if cell.action is HoldAction.SHARED:
        found = decided_hold_cell(row, risk)
        if found is not None:
            source, read_at = found
            via = (
                " (stop agreed in the recorded shared decision; the interval if stopping is agreed)"
                if read_at is risk
                else " (stop agreed in the recorded shared decision; the row's interval before "
                f"{_article(read_at.value)} {read_at.value}-risk procedure applies)"
            )
            confidence = source.hold_confidence or source.confidence
            decided = _make_cell(rules, drug, row, source, risk, HoldAction.HOLD, confidence, via)
    return _make_cell(rules, drug, row, cell, risk, cell.action, cell.confidence, "", decided)


def _make_cell(
    rules: RuleSet,
    drug: Drug,
    row: HoldRule,
    cell: HoldCell,
    risk: BleedingRisk,
    action: HoldAction,
    confidence: RuleConfidence,
    via: str,
    decided: _Cell | None = None,
) -> _Cell:
    other = rules.other_reading(row)
    hold, restart = applied_intervals(cell, other)
    return _Cell(
        drug=drug,
        cell=cell,
        risk=risk.value,
        before=f"before {_article(risk.value)} {risk.value}-risk procedure",
        code="hold:" + drug.name,
        drug_name=drug.name,
        unverified_code="unverified:" + drug.name,
        references=row.references,
        action=action,
        renal_sensitive=cell.renal_hold is not None or row.washout != row.washout_without_renal,
        washout_renal=row.washout,
        restart=restart,
        inr=cell.lab == "inr",
        low_confidence=confidence is RuleConfidence.LOW,
        unknown_references=row.references + rules.builtin("last-dose-unknown").references,
        unverified_references=row.references + rules.builtin("unverified-rule").references,
        intervals=(hold, row.washout_without_renal, ""),
        reading=reading_note(cell, other) if action is HoldAction.HOLD else "",
        confidence=confidence,
        via=via,
        decided=decided,
    )


_HOLD = HoldAction.HOLD
_NONE = HoldAction.NONE
_SHARED = HoldAction.SHARED


def _renal_intervals(
    ctx: _Context, prepared: _Cell
) -> tuple[timedelta | None, timedelta | None, str]:
    """The hold, the washout and the renal note of a renal-sensitive cell for this patient.

    The note is a key of ``_RENAL_NOTES``: the renal status when a renal interval applies,
    else ``""``. See :attr:`_Cell.intervals` for a cell whose intervals do not depend on
    renal function.
    """
    status = _renal_status(ctx)
    if status == "normal":
        return prepared.intervals
    if prepared.cell.renal_hold is not None:
        return prepared.cell.renal_hold, prepared.washout_renal, status
    return prepared.intervals[0], prepared.washout_renal, ""


def _evaluate_cell(
    ctx: _Context,
    prepared: _Cell,
    medication: MedicationUse,
    out: list[FindingRow],
    *,
    record: bool = True,
) -> None:
    """Add the findings of one table cell for one medication to ``out``.

    The decision (verdict, until) is made here; the words are written by
    :func:`_write_hold` when a message is first read. ``record``: also fill the restarts
    and the latest hold (the findings are the assessment's, not candidates). A shared
    cell reads the medication's recorded decision
    (:func:`~interventional.safety.decisions.shared_kind`): a decision to stop is
    evaluated as the hold cell :attr:`_Cell.decided`.
    """
    shared = ""
    if prepared.action is _SHARED:
        shared = shared_kind(medication.decision)
        if shared == "shared-hold":
            if prepared.decided is not None:
                prepared = prepared.decided
            else:
                shared = "shared-hold-unknown"
    hold, washout, renal = (
        _renal_intervals(ctx, prepared) if prepared.renal_sensitive else prepared.intervals
    )
    last_u = medication.last_dose
    if last_u is not None and ctx.aware:
        last_u = last_u.astimezone(_UTC)
    at_u = ctx.at_u
    action = prepared.action
    # off the drug for its longest interval (read where it matters: not for a plain hold)
    washed = (
        (action is not _HOLD or prepared.low_confidence)
        and last_u is not None
        and washout is not None
        and at_u - last_u >= washout
    )
    verdict: Verdict
    until = until_u = None
    references = prepared.references
    if action is _HOLD:
        if last_u is None:
            kind, verdict = "no-last-dose", _INSUFFICIENT
            references = prepared.unknown_references
        else:
            until_u = last_u + hold  # type: ignore[operator]
            until = until_u.astimezone(ctx.at.tzinfo) if ctx.aware else until_u
            if at_u >= until_u:
                kind, verdict = "met", _PROCEED
            else:
                kind, verdict = "deferred", _DEFER
                if record and until_u > ctx.latest_u:  # in UTC: exact in a repeated hour
                    ctx.latest_u, ctx.latest_until = until_u, until
    elif action is _NONE:
        kind, verdict = "none", _PROCEED
    elif action is _SHARED:
        if washed:
            kind, verdict = "washed", _PROCEED
        elif shared == "shared-continue":
            kind, verdict = shared, _CAUTION
        else:  # no decision recorded, or a decision to stop with no interval known
            kind, verdict = shared, _INSUFFICIENT
    else:
        kind, verdict = ("washed", _PROCEED) if washed else ("unknown", _INSUFFICIENT)
    out.append(
        (
            verdict._rank,
            verdict,
            prepared.code,
            references,
            prepared.drug_name,
            until,
            _write_hold,
            (kind, prepared, medication, hold, renal, washout, at_u, until, until_u, ctx.end),
        )
    )
    if action is _HOLD:
        if record and prepared.restart is not None:
            ctx.restart[prepared.drug_name] = ctx.end_u + prepared.restart  # an instant
        if prepared.inr:
            out.append(_inr(ctx, prepared.drug, medication))
    if prepared.low_confidence and not washed:
        out.append(
            (
                _CAUTION._rank,
                _CAUTION,
                prepared.unverified_code,
                prepared.unverified_references,
                prepared.drug_name,
                None,
                # the words name the drug, the class and the rule, nothing of the times
                _write_hold,
                ("unverified", prepared, medication, None, "", None, None, None, None),
            )
        )


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
        taken = lab.taken_at
        if lab.name is name and taken is not None:
            key = (ctx.utc(taken), sign * lab.magnitude)
            if best_key is None or key > best_key:
                best, best_key = lab, key
    return best


def _write_inr(
    kind: str, drug: Drug, lab: LabResult | None, max_age: timedelta, inr_max: float
) -> str:
    """The words of an INR finding (``kind`` says which; see :func:`_inr`)."""
    name = drug.display_name
    wanted = (
        f"an INR taken after the last {name} dose and within {_duration(max_age)} before the "
        "procedure (library policy)"
    )
    if lab is None or lab.taken_at is None:
        return f"{name}: normal INR required; none recorded. Needed: {wanted}."
    value, when = f"{lab.magnitude:g}", _time(lab.taken_at)
    if kind == "before-dose":
        return (
            f"{name}: the latest INR ({value}, {when}) was not taken after the last dose, so it "
            f"does not show the effect of stopping. Needed: {wanted}."
        )
    if kind == "stale":
        return (
            f"{name}: the latest INR ({value}, {when}) is older than {_duration(max_age)} "
            f"(library policy). Needed: {wanted}."
        )
    if kind == "high":
        return (
            f"{name}: INR {value} ({when}) is above {inr_max:g}, the normal-INR threshold; "
            "repeat it later."
        )
    return f"{name}: INR {value} ({when}) is normal (<= {inr_max:g})."


def _inr(ctx: _Context, drug: Drug, medication: MedicationUse) -> FindingRow:
    policy = ctx.rules.policy
    lab = _latest(ctx, LabName.INR)
    verdict = _INSUFFICIENT
    if lab is None or lab.taken_at is None:
        kind = "none"
    else:
        taken_u = ctx.utc(lab.taken_at)
        if medication.last_dose is None or taken_u < ctx.utc(medication.last_dose):
            kind = "before-dose"
        elif ctx.at_u - taken_u > policy.inr_max_age:
            kind = "stale"
        elif lab.magnitude > policy.inr_max:
            kind, verdict = "high", _DEFER
        else:
            kind, verdict = "normal", _PROCEED
    return (
        verdict._rank,
        verdict,
        "lab:inr:" + drug.name,
        ctx.known.inr_references,
        drug.name,
        None,
        _write_inr,
        (kind, drug, lab, policy.inr_max_age, policy.inr_max),
    )


@attrs.frozen(slots=True, eq=False)
class _Variant:
    """A medication's indication and route without its dose times (for static findings)."""

    indication: Indication | None
    route: Route | None
    last_dose: None = None
    decision: None = None


_VariantKey = tuple[str, "Indication | None", "Route | None"]


@attrs.frozen(slots=True, eq=False)
class _HoldEntry:
    """What the hold table says of one (drug, indication, route) before one risk class.

    Everything here is independent of dose times, so it is worked out once per rule set:
    ``prepared`` is the cell of the one row that applies (``None`` when none does, or when
    the variants must be compared with the dose times: ``rows`` then holds them);
    ``finding`` is a finding that holds whatever the times (a cell with no hold, no rule
    for the drug, a variant mismatch).
    """

    drug: Drug
    prepared: _Cell | None = None
    rows: tuple[HoldRule, ...] = ()
    finding: FindingRow | None = None


def _hold_entry(
    rules: RuleSet,
    name: str,
    indication: Indication | None,
    route: Route | None,
    risk: BleedingRisk,
) -> _HoldEntry:
    drug = drugs()[name]
    rows = rules.holds_for(drug.name, drug.drug_class.value)
    if not rows:
        if not _antithrombotic(drug):
            return _HoldEntry(drug)
        return _HoldEntry(
            drug,
            finding=_shared_row(
                "no-rule:" + drug.name,
                _INSUFFICIENT,
                f"{drug.display_name} ({drug.drug_class.value}) affects haemostasis but the "
                "rule set has no hold rule for it: decide with the prescriber.",
                rules.builtin("no-hold-rule").references,
                drug=drug.name,
            ),
        )
    wanted = (
        indication.value if indication is not None else None,
        route.value if route is not None else None,
    )
    matching = [
        row
        for row in rows
        if (row.indication is None or row.indication == wanted[0])
        and (row.route is None or row.route == wanted[1])
    ]
    if len(matching) == 1:
        prepared = _prepare_cell(rules, drug, matching[0], risk)
        if prepared.action is HoldAction.NONE and not prepared.low_confidence:
            variant = _Variant(indication, route)
            # one message object for every patient: written once, when first read
            words = LazyText(
                _write_hold, "none", prepared, variant, None, "", None, None, None, None
            )
            return _HoldEntry(
                drug,
                prepared,
                finding=_shared_row(
                    prepared.code, _PROCEED, words, prepared.references, drug=drug.name
                ),
            )
        return _HoldEntry(drug, prepared)
    given = [value for value in wanted if value]
    if given and not matching:
        fields, options = _variant_fields(rows)
        return _HoldEntry(
            drug,
            finding=_shared_row(
                "variant:" + drug.name,
                _INSUFFICIENT,
                f"{drug.display_name}: the rules cover {options}; the given "
                f"{' and '.join(fields)} ({', '.join(given)}) matches none of them.",
                rules.builtin("variant-needed").references,
                drug=drug.name,
            ),
        )
    return _HoldEntry(drug, rows=tuple(matching or rows))


def _variant_fields(rows: Sequence[HoldRule]) -> tuple[list[str], str]:
    """The fields that tell a drug's rows apart, and the rows' variants as text."""
    fields = sorted(
        {"indication" for row in rows if row.indication} | {"route" for row in rows if row.route}
    )
    options = ", ".join("/".join(v for v in (row.indication, row.route) if v) for row in rows)
    return fields, options


def _medications(ctx: _Context) -> None:
    medications = ctx.patient.medications
    if not medications:
        return
    rules = ctx.rules
    risk = ctx.handled_as
    entries = ctx.known.hold_entries[risk]
    findings = ctx.findings
    for medication in medications:
        key = (medication.drug, medication.indication, medication.route)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = _hold_entry(rules, *key, risk)
        if entry.finding is not None:
            findings.append(entry.finding)
        elif entry.prepared is not None:
            _evaluate_cell(ctx, entry.prepared, medication, findings)
        elif entry.rows:
            _undecided_variant(ctx, entry.drug, medication, entry.rows)


def _undecided_variant(
    ctx: _Context, drug: Drug, medication: MedicationUse, candidates: tuple[HoldRule, ...]
) -> None:
    """A drug whose rule depends on an indication or route that was not given.

    When every candidate variant says PROCEED at these dose times, so does the finding;
    otherwise the missing field is asked for.
    """
    rows = ctx.rules.holds_for(drug.name, drug.drug_class.value)
    fields, options = _variant_fields(rows)
    outcomes: list[FindingRow] = []
    for row in candidates:
        prepared = _prepare_cell(ctx.rules, drug, row, ctx.handled_as)
        _evaluate_cell(ctx, prepared, medication, outcomes, record=False)
    if all(row[1] is _PROCEED for row in outcomes):
        ctx.add(
            "hold:" + drug.name,
            _PROCEED,
            f"{drug.display_name}: no hold needed whatever the {' or '.join(fields)} ({options}).",
            tuple({ref.key: ref for row in rows for ref in row.references}.values()),
            drug=drug.name,
        )
        return
    ctx.add(
        "variant:" + drug.name,
        _INSUFFICIENT,
        f"{drug.display_name}: the rule depends on the {' or '.join(fields)} ({options}), which "
        f"is not given, and the variants disagree: record the {' and '.join(fields)}.",
        ctx.rules.builtin("variant-needed").references,
        drug=drug.name,
    )


def _write_platelets(kind: str, lab: LabResult, policy: Policy) -> str:
    """The words of a platelet-count finding (``kind`` says which; see :func:`_labs`)."""
    count = lab.magnitude
    when = _time(lab.taken_at)  # type: ignore[arg-type]
    minimum = policy.platelets_min_neuraxial
    if kind == "low-strict":
        return (
            f"Platelets {count:,.0f}/µL ({when}) below {minimum:,.0f}/µL before a neuraxial "
            "or high-risk procedure (haematology/anaesthesia consensus, not the pain guideline)."
        )
    if kind == "low":
        return (
            f"Platelets {count:,.0f}/µL ({when}) below {minimum:,.0f}/µL; the sources give "
            "thresholds for neuraxial work only."
        )
    if kind == "low-neuromodulation":
        return (
            f"Platelets {count:,.0f}/µL ({when}) below "
            f"{policy.platelets_min_neuromodulation:,.0f}/µL, flagged as abnormal before "
            "neuromodulation by one centre."
        )
    return f"Platelets {count:,.0f}/µL ({when}) at or above {minimum:,.0f}/µL."


def _labs(ctx: _Context) -> None:
    """Platelet counts, and coagulation studies where a condition suggests them.

    Called for a patient with labs or a condition that asks for them (nothing is found
    for others).
    """
    patient = ctx.patient
    conditions = ctx.conditions
    known = ctx.known
    policy = ctx.rules.policy
    platelets = fresh_platelets = None
    if patient.labs:
        platelets = _latest(ctx, LabName.PLATELETS)
        if (
            platelets is not None
            and ctx.at_u - ctx.utc(platelets.taken_at) <= policy.platelets_max_age  # type: ignore[arg-type]
        ):
            fresh_platelets = platelets
    strict = ctx.facts.neuraxial or ctx.handled_as is BleedingRisk.HIGH
    required = conditions.platelets_required
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
            known.platelet_references,
        )
    if fresh_platelets is not None:
        count = fresh_platelets.magnitude
        minimum = policy.platelets_min_neuraxial
        if count < minimum:
            kind, verdict = ("low-strict", _DEFER) if strict else ("low", _CAUTION)
        elif (
            ctx.facts.category == "neuromodulation" and count < policy.platelets_min_neuromodulation
        ):
            kind, verdict = "low-neuromodulation", _CAUTION
        else:
            kind, verdict = "normal", _PROCEED
        ctx.defer(
            "lab:platelets",
            verdict,
            known.platelet_references,
            _write_platelets,
            kind,
            fresh_platelets,
            policy,
        )
    studies = conditions.coagulation_studies
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
    """The general rules that fire for the patient and the plan.

    Only the patient's codes decide which rules fire, and patients share few combinations
    of them, so the plan's index keeps the findings of each combination seen.
    """
    patient = ctx.patient
    index = ctx.reading
    key: _PatientCodes = (
        patient.conditions,
        patient.devices,
        patient.allergies,
        patient.pregnant,
    )
    found = index.fired.get(key)
    if found is None:
        found = _keep(index.fired, key, _rule_findings(index, key), _FIRED_LIMIT)
    ctx.findings.extend(found)


def _allergies(ctx: _Context) -> None:
    """Allergies to an agent the plan injects (called for a patient with allergies)."""
    allergies = ctx.patient.allergies
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


def _plan_findings(ctx: _Context) -> None:
    """The plan's own findings: contrast labelling, then local-anaesthetic doses.

    They depend on the plan and, for the doses, the body weight alone, so the plan's
    reading keeps them for each weight seen.
    """
    facts = ctx.facts
    reading = ctx.reading
    if not (facts.la_totals or facts.la_unknown):
        ctx.findings.extend(reading.contrast)
        return
    kept = reading.own_findings
    kg = ctx.patient.weight_kg
    found = kept.get(kg)
    if found is None:
        found = _keep(
            kept, kg, reading.contrast + _dose_findings(ctx.rules, facts, kg), _FIRED_LIMIT
        )
    ctx.findings.extend(found)


def _dose_findings(rules: RuleSet, facts: _PlanFacts, kg: float | None) -> tuple[FindingRow, ...]:
    """The local-anaesthetic findings of a plan for a body weight (the same every time)."""
    refs = rules.builtin("local-anesthetic-dose").references
    out: list[FindingRow] = []

    def add(code: str, verdict: Verdict, message: str, *, drug: str | None = None) -> None:
        out.append(_shared_row(code, verdict, message, refs, drug=drug))

    for name in facts.la_unknown:
        add(
            f"dose:{name}",
            _INSUFFICIENT,
            f"{name}: the planned amount is unknown (a volume without a concentration); the "
            "maximum dose cannot be checked.",
            drug=name,
        )
    if kg is None:
        names = ", ".join(name for name, _ in facts.la_totals)
        if names:
            add(
                "dose:weight-unknown",
                _INSUFFICIENT,
                f"Body weight unknown: the maximum dose of {names} cannot be checked.",
            )
        return tuple(out)
    near = rules.policy.local_anesthetic_near_fraction
    combined = 0.0
    for name, total in facts.la_totals:
        maximum = _max_dose_mg(name, kg)
        if isinstance(maximum, str):
            add(
                f"dose:{name}",
                _INSUFFICIENT,
                f"{name}: {total:g} mg planned, but {maximum}.",
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
            add(f"dose:{name}", _DEFER, text + ": above the maximum; re-plan the dose.", drug=name)
        elif fraction >= near:
            add(
                f"dose:{name}",
                _CAUTION,
                text + f": near the maximum (at or above {near:.0%}, library policy).",
                drug=name,
            )
        else:
            add(f"dose:{name}", _PROCEED, text + ".", drug=name)
    if len(facts.la_totals) > 1 and combined != float("inf") and combined >= near:
        add(
            "dose:combined",
            _CAUTION,
            f"Local anaesthetics together reach {combined:.0%} of their maxima (treated as "
            "additive: library policy).",
        )
    return tuple(out)


def _contrast_findings(rules: RuleSet, facts: _PlanFacts) -> tuple[FindingRow, ...]:
    """The contrast-labelling findings of a neuraxial plan (the same for every patient)."""
    refs = rules.builtin("neuraxial-contrast-label").references
    out: list[FindingRow] = []
    for described, labelled in facts.contrast_labels:
        if labelled is False:
            out.append(
                _shared_row(
                    "contrast-label",
                    _DEFER,
                    f"{described}: this presentation is labelled against intrathecal use (boxed "
                    "warning) and intrathecal spread is possible in a neuraxial procedure: re-plan "
                    "with an intrathecal-labelled contrast.",
                    refs,
                )
            )
        elif labelled is None:
            out.append(
                _shared_row(
                    "contrast-label",
                    _CAUTION,
                    f"{described}: the presentation cannot be identified as intrathecal-labelled "
                    "(give the concentration, e.g. '300 mg/mL'); only intrathecal-labelled "
                    "iodinated contrast should be used where intrathecal spread is possible.",
                    refs,
                )
            )
        else:
            out.append(
                _shared_row(
                    "contrast-label",
                    _PROCEED,
                    f"{described}: an intrathecal-labelled presentation.",
                    refs,
                )
            )
    return tuple(out)


_RANK = itemgetter(0)


def _finish(ctx: _Context) -> Assessment:
    findings = ctx.findings
    findings.sort(key=_RANK, reverse=True)  # stable: equal verdicts keep their order
    # Every hold is met at the latest until; nothing else can be waited out, so any other
    # finding at INSUFFICIENT_DATA or above (they come first) leaves no earliest time.
    earliest: datetime | None = ctx.latest_until
    for row in findings:
        if row[0] < _BLOCKING_RANK:
            break
        if not (row[1] is _DEFER and row[5] is not None):
            earliest = None
            break
    restart = ctx.restart
    if ctx.aware and restart:
        zone = ctx.at.tzinfo
        restart = {drug: moment.astimezone(zone) for drug, moment in restart.items()}
    facts = ctx.facts
    return _trusted_assessment(
        facts.procedure_id, ctx.at, facts.risk, ctx.handled_as, findings, earliest, restart
    )


def assess(
    patient: Patient,
    plan: PlanLike,
    *,
    at: datetime,
    duration: timedelta | None = None,
    rules: RuleSet | None = None,
) -> Assessment:
    """Assess a patient for a planned procedure at a given time.

    Parameters
    ----------
    patient : Patient
        The patient.
    plan : ProcedurePlan
        The plan (:func:`interventional.procedures.plan`).
    at : datetime
        The planned procedure time (its start): naive or timezone-aware, like the
        patient's times.
    duration : timedelta, optional
        The procedure's duration: restarts count from its end (``at + duration``), as the
        guideline counts them. Without it, the plan's duration is used; with neither,
        restarts count from ``at`` and the findings say so (quoting the procedure's sourced
        typical duration, where the catalogue has one, as a duration to give).
    rules : RuleSet, optional
        Another rule set or policy (default :func:`~interventional.safety.rules.default_rules`).

    Returns
    -------
    Assessment
        Every finding, the verdict, the earliest time and the restarts.

    Raises
    ------
    ValidationError
        When ``at`` is not a datetime, naive and aware datetimes are mixed, a last dose
        or lab time is after ``at``, or ``duration`` is not a positive duration.

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
    ruleset = default_rules() if rules is None else rules
    times = _check_times(patient, at)  # before the plan is read: bad input named first
    facts = _plan_facts(plan)
    end = facts.default_end
    if duration is not None:
        end = procedure_end(check_duration(duration), procedure_id=facts.procedure_id)
    ctx = _Context(patient, facts, at, times, ruleset, end)
    _upgrade(ctx)
    _medications(ctx)
    if patient.labs or ctx.conditions.asks_for_labs:
        _labs(ctx)
    _rules(ctx)
    if patient.allergies:
        _allergies(ctx)
    _plan_findings(ctx)
    for record in patient.unresolved:  # what an importer could not read is never dropped
        ctx.add(record.finding_code, _INSUFFICIENT, record.message, ())
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
