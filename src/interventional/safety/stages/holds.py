"""Stage: the hold table (``holds.toml``), read at the class the plan is handled as.

Reads: the patient's medications (drug, indication, route, last dose), the renal status,
the latest INR; the hold cells compiled for the plan (:class:`HoldTable`).
Runs when the patient lists a medication.

Holds are elapsed-time rules: a hold of *N* is met when ``at - last_dose >= N``, exactly
(aware datetimes are compared in UTC). A shared-assessment cell gives INSUFFICIENT_DATA
until the medication records the shared decision (``"continue"``: CAUTION; ``"hold"``:
the row's interval applies as for a hold cell), an unknown cell INSUFFICIENT_DATA, an
unknown last dose (where a hold applies) INSUFFICIENT_DATA. Once a drug has been off for
its longest interval (its *washout*) a shared or unknown cell no longer blocks. Where the
sources give a range or conflict, the policy's reading applies. Restarts count from the
procedure's end where its duration is known. Each medication's cell decides one
:class:`HoldOutcome`; the shared decisions, readings and procedure end are
:mod:`interventional.safety.decisions`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType

import attrs

from interventional._enums import ParsableEnum
from interventional.pharmacology import Drug, DrugClass, drugs
from interventional.procedures.risk import BleedingRisk
from interventional.references import Reference
from interventional.safety.case import Case, RenalStatus
from interventional.safety.decisions import (
    Decision,
    ProcedureEnd,
    applied_intervals,
    confidence_note,
    decided_hold_cell,
    reading_note,
    shared_kind,
)
from interventional.safety.labs import LabName
from interventional.safety.model import Finding, LabResult, LazyText, MedicationUse, _instant
from interventional.safety.rules import (
    HoldAction,
    HoldCell,
    HoldRule,
    Policy,
    RuleConfidence,
    RuleSet,
    Verdict,
)
from interventional.safety.stages.base import Stage
from interventional.safety.wording import duration, fill, moment

__all__ = ["STAGE", "DrugHolds", "HoldOutcome", "HoldTable", "PreparedCell", "compile_holds"]


class HoldOutcome(ParsableEnum):
    """What one hold cell says for one medication at the procedure time."""

    NONE = "none"
    """No hold before this class: PROCEED."""
    UNKNOWN = "unknown"
    """No rule is known for this class: INSUFFICIENT_DATA."""
    UNVERIFIED = "unverified"
    """A LOW-confidence cell was used: an extra CAUTION."""
    WASHED = "washed"
    """Off the drug for its longest interval: a shared or unknown cell no longer blocks."""
    SHARED_UNDECIDED = "shared-undecided"
    """A shared-assessment cell with no decision recorded: INSUFFICIENT_DATA."""
    SHARED_CONTINUE = "shared-continue"
    """A shared-assessment cell, continued by the recorded decision: CAUTION."""
    SHARED_HOLD_UNKNOWN = "shared-hold-unknown"
    """A recorded decision to stop, but the row gives no interval: INSUFFICIENT_DATA."""
    NO_LAST_DOSE = "no-last-dose"
    """A hold applies but the last dose is unknown: INSUFFICIENT_DATA."""
    MET = "met"
    """The hold has elapsed: PROCEED."""
    DEFERRED = "deferred"
    """The hold has not elapsed: DEFER until it is met."""

    def verdict(self, rules: RuleSet) -> Verdict:
        """The verdict of the outcome under a rule set.

        The outcomes of the hold table's own actions (``holds.toml``: ``hold`` met or not,
        ``none``, ``shared``, ``unknown``, washed out) have fixed verdicts; an unknown last
        dose and a LOW-confidence cell are builtin checks whose records give theirs.
        """
        checked = _CHECKED_BY_RECORD.get(self)
        if checked is not None:
            rule_id, outcome = checked
            return rules.builtin(rule_id).outcome(outcome)
        return _TABLE_VERDICTS[self]


_TABLE_VERDICTS = {
    HoldOutcome.NONE: Verdict.PROCEED,
    HoldOutcome.UNKNOWN: Verdict.INSUFFICIENT_DATA,
    HoldOutcome.WASHED: Verdict.PROCEED,
    HoldOutcome.SHARED_UNDECIDED: Verdict.INSUFFICIENT_DATA,
    HoldOutcome.SHARED_CONTINUE: Verdict.CAUTION,
    HoldOutcome.SHARED_HOLD_UNKNOWN: Verdict.INSUFFICIENT_DATA,
    HoldOutcome.MET: Verdict.PROCEED,
    HoldOutcome.DEFERRED: Verdict.DEFER,
}
_CHECKED_BY_RECORD = {
    HoldOutcome.NO_LAST_DOSE: ("last-dose-unknown", "unknown"),
    HoldOutcome.UNVERIFIED: ("unverified-rule", "unverified"),
}


def antithrombotic(drug: Drug) -> bool:
    """Whether a drug of the vocabulary affects haemostasis (not an injectate of a plan)."""
    return not (
        drug.drug_class.injectate
        or drug.drug_class is DrugClass.NEUROLYTIC
        or drug.drug_class is DrugClass.DILUENT
    )


def _article(risk: str) -> str:
    return "an" if risk[:1] in "aeiou" else "a"


@attrs.frozen(slots=True)
class PreparedCell:
    """One row's cell for one drug at one class, with all that does not depend on a patient.

    For a shared-assessment cell, :attr:`decided` is the cell that applies when the
    recorded decision is to stop (:func:`~interventional.safety.decisions.decided_hold_cell`).
    """

    drug: Drug
    row: HoldRule
    cell: HoldCell
    """The table cell read (for :attr:`decided`, the cell whose interval applies)."""
    action: HoldAction
    """What the cell says to do (``HOLD`` for :attr:`decided`)."""
    hold: timedelta | None
    """The hold interval that applies (the policy's reading of a range)."""
    restart: timedelta | None
    """The restart interval that applies (the policy's reading of a range)."""
    reading: str
    """Which reading of a range or conflict applies, in words (``""`` when they agree)."""
    confidence: RuleConfidence
    """The confidence shown in the finding."""
    via: str
    """For :attr:`decided`: how the interval was reached, in words (else ``""``)."""
    risk: BleedingRisk
    before: str
    """``before a low-risk procedure`` (and so on)."""
    references: tuple[Reference, ...]
    unknown_references: tuple[Reference, ...]
    """The references of a hold whose last dose is unknown."""
    unverified_references: tuple[Reference, ...]
    renal_sensitive: bool
    """Whether renal function changes the interval or the washout."""
    low_confidence: bool
    """Whether the cell is LOW confidence (never PROCEED on its own)."""
    washout: timedelta | None
    """The row's longest interval, renal interval included (``HoldRule.washout``)."""
    washout_normal: timedelta | None
    """The row's longest interval with normal renal function."""
    verdicts: Mapping[HoldOutcome, Verdict]
    """The verdict of each outcome under the rule set (:meth:`HoldOutcome.verdict`)."""
    code: str
    """The code of the cell's finding (``hold:<drug>``)."""
    unverified_code: str
    """The code of its LOW-confidence note (``unverified:<drug>``)."""
    asks_inr: bool
    """Whether the cell is a hold that asks for a recent INR (vitamin K antagonists)."""
    decided: PreparedCell | None = None
    plain_note: Finding | None = None
    """For a LOW-confidence cell: its note for a medication given without indication or
    route (:func:`unverified_note`), made once."""

    def intervals(
        self, case: Case
    ) -> tuple[timedelta | None, timedelta | None, RenalStatus | None]:
        """The hold, the washout and the renal status that chose them (``None`` if none did)."""
        cell = self.cell
        if self.renal_sensitive:
            status = case.renal_status()
            if status != RenalStatus.NORMAL:
                if cell.renal_hold is not None:
                    return cell.renal_hold, self.washout, status
                return self.hold, self.washout, None
        return self.hold, self.washout_normal, None


@attrs.frozen(slots=True)
class DrugHolds:
    """A drug's hold rows at one class: its cells (one per variant), or why there is none."""

    drug: Drug
    rows: tuple[HoldRule, ...]
    cells: tuple[PreparedCell, ...]
    no_rule: Finding | None = None
    """For a drug that affects haemostasis and has no row."""
    plain: PreparedCell | None = None
    """The one cell for a medication given without indication or route, if there is one."""
    plain_none: Finding | None = None
    """The finding of :attr:`plain` when it holds whatever the times (no hold, HIGH or MED
    confidence): made once."""
    variants: Mapping[tuple[str | None, str | None], tuple[PreparedCell, ...]] = MappingProxyType(
        {}
    )
    """The cells that match each (indication, route) the rows name (``None``: not given, or
    a value no row names): see :meth:`matching`."""

    def matching(self, indication: str | None, route: str | None) -> tuple[PreparedCell, ...]:
        """The cells whose row matches a medication's indication and route.

        A row matches when each of its fields is unset or equal to the medication's; a
        value that no row names matches only the rows that leave the field unset, as
        ``None`` does.
        """
        indication = indication if (indication, None) in self.variants else None
        route = route if (None, route) in self.variants else None
        return self.variants[indication, route]


HoldTable = Mapping[str, DrugHolds]
"""Each drug of the vocabulary (generic id) to its hold rows at one class."""


def compile_holds(rules: RuleSet, risk: BleedingRisk) -> HoldTable:
    """The hold table at one bleeding-risk class, every drug of the vocabulary in it."""
    before = fill("hold.before", article=_article(risk.value), risk=risk.value)
    unknown = rules.builtin("last-dose-unknown").references
    unverified = rules.builtin("unverified-rule").references
    no_rule = rules.builtin("no-hold-rule")
    verdicts = MappingProxyType({outcome: outcome.verdict(rules) for outcome in HoldOutcome})
    shared = _TableShared(unknown, unverified, verdicts)
    table: dict[str, DrugHolds] = {}
    for name, drug in drugs().items():
        rows = rules.holds_for(drug.name, drug.drug_class.value)
        if not rows:
            finding = None
            if antithrombotic(drug):
                finding = Finding(
                    "no-rule:" + drug.name,
                    no_rule.outcome("no-rule"),
                    fill("hold.no-rule", name=drug.display_name, drug_class=drug.drug_class.value),
                    no_rule.references,
                    drug=drug.name,
                )
            table[name] = DrugHolds(drug, (), (), finding)
            continue
        cells = tuple(_prepare(rules, drug, row, risk, before, shared) for row in rows)
        plain = [c for c in cells if c.row.indication is None and c.row.route is None]
        one = plain[0] if len(plain) == 1 else None
        none = None
        if one is not None and one.cell.action is HoldAction.NONE and not one.low_confidence:
            none = Finding(
                "hold:" + drug.name,
                verdicts[HoldOutcome.NONE],
                fill(
                    "hold.none",
                    label=drug.display_name,
                    text=one.cell.text,
                    before=before,
                    confidence=confidence_note(one.confidence),
                ),
                one.references,
                drug=drug.name,
            )
        table[name] = DrugHolds(
            drug, rows, cells, plain=one, plain_none=none, variants=_variants(cells)
        )
    return MappingProxyType(table)


def _variants(
    cells: Sequence[PreparedCell],
) -> Mapping[tuple[str | None, str | None], tuple[PreparedCell, ...]]:
    """The cells matching each (indication, route) the rows name, ``None`` included."""
    indications = {None} | {c.row.indication for c in cells}
    routes = {None} | {c.row.route for c in cells}
    return MappingProxyType(
        {
            (indication, route): tuple(
                c
                for c in cells
                if c.row.indication in (None, indication) and c.row.route in (None, route)
            )
            for indication in indications
            for route in routes
        }
    )


@attrs.frozen(slots=True)
class _TableShared:
    """What every cell of a table shares: the builtin checks' sources and the verdicts."""

    unknown: tuple[Reference, ...]
    unverified: tuple[Reference, ...]
    verdicts: Mapping[HoldOutcome, Verdict]


def _prepare(
    rules: RuleSet,
    drug: Drug,
    row: HoldRule,
    risk: BleedingRisk,
    before: str,
    shared: _TableShared,
) -> PreparedCell:
    """Prepare a row's cell at a class (and, for a shared cell, the cell a stop applies)."""
    cell = row.cell(risk)
    decided = None
    if cell.action is HoldAction.SHARED:
        found = decided_hold_cell(row, risk)
        if found is not None:
            source, read_at = found
            via = (
                fill("hold.via-own")
                if read_at is risk
                else fill("hold.via-higher", article=_article(read_at.value), risk=read_at.value)
            )
            confidence = source.hold_confidence or source.confidence
            decided = _cell(
                rules, drug, row, source, risk, before, shared, HoldAction.HOLD, confidence, via
            )
    return _cell(
        rules, drug, row, cell, risk, before, shared, cell.action, cell.confidence, "", decided
    )


def _cell(
    rules: RuleSet,
    drug: Drug,
    row: HoldRule,
    cell: HoldCell,
    risk: BleedingRisk,
    before: str,
    shared: _TableShared,
    action: HoldAction,
    confidence: RuleConfidence,
    via: str,
    decided: PreparedCell | None = None,
) -> PreparedCell:
    other = rules.other_reading(row)
    hold, restart = applied_intervals(cell, other)
    prepared = PreparedCell(
        drug=drug,
        row=row,
        cell=cell,
        action=action,
        hold=hold,
        restart=restart,
        reading=reading_note(cell, other) if action is HoldAction.HOLD else "",
        confidence=confidence,
        via=via,
        risk=risk,
        before=before,
        references=row.references,
        unknown_references=row.references + shared.unknown,
        unverified_references=row.references + shared.unverified,
        renal_sensitive=cell.renal_hold is not None or row.washout != row.washout_without_renal,
        low_confidence=confidence is RuleConfidence.LOW,
        washout=row.washout,
        washout_normal=row.washout_without_renal,
        verdicts=shared.verdicts,
        code="hold:" + drug.name,
        unverified_code="unverified:" + drug.name,
        asks_inr=action is HoldAction.HOLD and cell.lab == "inr",
        decided=decided,
    )
    if prepared.low_confidence:
        prepared = attrs.evolve(prepared, plain_note=unverified_note(prepared, None))
    return prepared


def unverified_note(prepared: PreparedCell, medication: MedicationUse | None) -> Finding:
    """The note of a LOW-confidence cell (CAUTION: confirm the rule used).

    ``medication`` names the medication in the words (``None``: one given without
    indication or route).
    """
    return Finding(
        prepared.unverified_code,
        prepared.verdicts[HoldOutcome.UNVERIFIED],
        LazyText(_unverified_words, prepared, medication),
        prepared.unverified_references,
        drug=prepared.drug.name,
    )


def _unverified_words(prepared: PreparedCell, medication: MedicationUse | None) -> str:
    label = prepared.drug.display_name if medication is None else _label(prepared.drug, medication)
    return fill("hold.unverified", label=label, risk=prepared.risk.value, text=prepared.cell.text)


def _plain(medication: MedicationUse) -> bool:
    """Whether a medication is given without indication or route."""
    return medication.indication is None and medication.route is None


def _label(drug: Drug, medication: MedicationUse) -> str:
    qualifiers = [q.value for q in (medication.indication, medication.route) if q is not None]
    return f"{drug.display_name} ({', '.join(qualifiers)})" if qualifiers else drug.display_name


def _write_hold(decision: CellDecision) -> str:
    """The words of a hold-table finding (the template of its outcome, filled).

    The decision's ``end`` says where restarts count from. Every finding but the
    LOW-confidence note shows the cell's confidence; one from a ranged or conflicting cell
    says which reading applied.
    """
    outcome, prepared, medication = decision.outcome, decision.prepared, decision.medication
    at_u, end, until, until_u = decision.at_u, decision.end, decision.until, decision.until_u
    cell = prepared.cell
    last = medication.last_dose
    restart = ""
    if outcome is HoldOutcome.SHARED_UNDECIDED and prepared.restart:
        where = "" if end is None else " " + end.describe()
        restart = fill("hold.shared-restart", restart=duration(prepared.restart), where=where)
    elif outcome in _HOLD_OUTCOMES and end is not None and prepared.restart is not None:
        restart = end.restart_sentence(prepared.restart)
    continued = (
        fill("hold.continued")
        if medication.decision is Decision.CONTINUE and not prepared.via
        else ""
    )
    fields = {
        "label": _label(prepared.drug, medication),
        "text": cell.text,
        "before": prepared.before,
        "risk": prepared.risk.value,
        "since": ""
        if last is None
        else fill("hold.since", last=moment(last), ago=duration(at_u - _instant(last))),
        "known": " known" if cell.action is HoldAction.UNKNOWN else "",
        "washout": duration(decision.washout or timedelta(0)),
        "restart": restart,
        "hold": duration(decision.hold or timedelta(0)),
        "via": prepared.via,
        "reading": f" ({prepared.reading})" if prepared.reading else "",
        "continued": continued,
        "confidence": confidence_note(prepared.confidence),
        "renal_note": "" if decision.renal is None else fill("hold.renal-" + decision.renal.value),
        "until": "" if until is None else moment(until),
        "wait": "" if until_u is None else duration(until_u - at_u),
    }
    return fill("hold." + outcome.value, **fields)


_HOLD_OUTCOMES = frozenset({HoldOutcome.NO_LAST_DOSE, HoldOutcome.MET, HoldOutcome.DEFERRED})
"""The outcomes of a hold that applies (their words give the restart)."""


class CellDecision(LazyText):
    """What one cell decides for one medication at the procedure time, and its words.

    The decision (the outcome, the intervals that chose it, when the hold is met) is made
    by :func:`decide`; the words of the finding it gives are written from it, by the
    template of its outcome, the first time the finding's message is read.

    Attributes
    ----------
    outcome : HoldOutcome
    prepared : PreparedCell
        The cell decided.
    medication : MedicationUse
    hold, washout : timedelta or None
        The intervals that applied.
    renal : RenalStatus or None
        The renal status that chose the intervals, or ``None`` when it did not matter.
    washed : bool
        Whether the drug has been off for its washout (a shared or unknown cell no longer
        blocks; a LOW-confidence note is not needed).
    until, until_u : datetime or None
        For a hold that applies and whose last dose is known: when it is met (as given,
        and as an instant).
    """

    __slots__ = (
        "at_u",
        "end",
        "hold",
        "medication",
        "outcome",
        "prepared",
        "renal",
        "until",
        "until_u",
        "washed",
        "washout",
    )

    def __init__(
        self,
        outcome: HoldOutcome,
        prepared: PreparedCell,
        medication: MedicationUse,
        at_u: datetime,
        end: ProcedureEnd | None,
        *,
        hold: timedelta | None = None,
        washout: timedelta | None = None,
        renal: RenalStatus | None = None,
        washed: bool = False,
        until: datetime | None = None,
        until_u: datetime | None = None,
    ) -> None:
        self.outcome, self.prepared, self.medication = outcome, prepared, medication
        self.at_u, self.end = at_u, end
        self.hold, self.washout, self.renal, self.washed = hold, washout, renal, washed
        self.until, self.until_u = until, until_u
        self._text = None

    def _words(self) -> str:
        return _write_hold(self)


def decide(case: Case, prepared: PreparedCell, medication: MedicationUse) -> CellDecision:
    """Decide one cell for one medication at the case's time.

    ``prepared`` is the cell :func:`applicable` chose (for a shared cell and a recorded
    decision to stop, its :attr:`~PreparedCell.decided` cell).
    """
    hold, washout, renal = prepared.intervals(case)
    last_u = None if medication.last_dose is None else case.utc(medication.last_dose)
    at_u = case.at_u
    action = prepared.action
    washed = (
        (action is not HoldAction.HOLD or prepared.low_confidence)
        and last_u is not None
        and washout is not None
        and at_u - last_u >= washout
    )
    until: datetime | None = None
    until_u: datetime | None = None
    if action is HoldAction.HOLD:
        if last_u is None:
            outcome = HoldOutcome.NO_LAST_DOSE
        else:
            until_u = last_u + hold  # type: ignore[operator]
            until = until_u.astimezone(case.at.tzinfo) if case.aware else until_u
            outcome = HoldOutcome.MET if at_u >= until_u else HoldOutcome.DEFERRED
    elif action is HoldAction.NONE:
        outcome = HoldOutcome.NONE
    elif washed:
        outcome = HoldOutcome.WASHED
    elif action is HoldAction.SHARED:
        outcome = _SHARED_OUTCOMES[medication.decision]
    else:
        outcome = HoldOutcome.UNKNOWN
    return CellDecision(
        outcome,
        prepared,
        medication,
        at_u,
        case.end,
        hold=hold,
        washout=washout,
        renal=renal,
        washed=washed,
        until=until,
        until_u=until_u,
    )


_SHARED_OUTCOMES = {
    decision: HoldOutcome.SHARED_HOLD_UNKNOWN
    if shared_kind(decision) == "shared-hold"  # a decision to stop, the row gives no interval
    else HoldOutcome(shared_kind(decision))
    for decision in (None, *Decision)
}
"""The outcome of a shared-assessment cell (with no hold cell to stop by) per recorded
decision (:func:`~interventional.safety.decisions.shared_kind`)."""


def applicable(prepared: PreparedCell, medication: MedicationUse) -> PreparedCell:
    """The cell that applies to a medication.

    A shared cell's hold cell when the recorded decision is to stop and the row gives an
    interval; else the cell itself.
    """
    if (
        prepared.decided is not None
        and medication.decision is not None
        and shared_kind(medication.decision) == "shared-hold"
    ):
        return prepared.decided
    return prepared


def cell_findings(case: Case, decision: CellDecision) -> list[Finding]:
    """The findings of a decided cell: the hold, the INR it asks for, a LOW-confidence note."""
    outcome, prepared, medication = decision.outcome, decision.prepared, decision.medication
    drug = prepared.drug
    references = prepared.references
    if outcome is HoldOutcome.NO_LAST_DOSE:
        references = prepared.unknown_references
    out = [
        Finding(
            prepared.code,
            prepared.verdicts[outcome],
            decision,
            references,
            drug=drug.name,
            until=decision.until,
        )
    ]
    if prepared.asks_inr:
        out.append(inr_finding(case, drug, medication))
    if prepared.low_confidence and not decision.washed:
        plain = _plain(medication) and prepared.plain_note is not None
        out.append(prepared.plain_note if plain else unverified_note(prepared, medication))  # type: ignore[arg-type]
    return out


def inr_finding(case: Case, drug: Drug, medication: MedicationUse) -> Finding:
    """The INR a vitamin K antagonist's hold asks for (taken after the last dose, recent)."""
    policy = case.rules.policy
    lab = case.latest(LabName.INR)
    if lab is None or lab.taken_at is None:
        kind = "none"
    else:
        taken_u = case.utc(lab.taken_at)
        if medication.last_dose is None or taken_u < case.utc(medication.last_dose):
            kind = "before-dose"
        elif case.at_u - taken_u > policy.inr_max_age:
            kind = "stale"
        elif lab.magnitude > policy.inr_max:
            kind = "high"
        else:
            kind = "normal"
    record = case.rules.builtin("inr")
    return Finding(
        "lab:inr:" + drug.name,
        record.outcome(kind),
        LazyText(_inr_words, kind, drug, lab, policy),
        record.references,
        drug=drug.name,
    )


def _inr_words(kind: str, drug: Drug, lab: LabResult | None, policy: Policy) -> str:
    """The words of an INR finding of one kind (``inr.<kind>`` in ``wording.toml``)."""
    fields: dict[str, object] = {
        "name": drug.display_name,
        "max_age": duration(policy.inr_max_age),
        "inr_max": policy.inr_max,
    }
    fields["wanted"] = fill("inr.wanted", **fields)
    if lab is not None and lab.taken_at is not None:
        fields["value"] = f"{lab.magnitude:g}"
        fields["when"] = moment(lab.taken_at)
    return fill("inr." + kind, **fields)


def _variant_fields(rows: Sequence[HoldRule]) -> tuple[list[str], str]:
    """The fields that tell a drug's rows apart, and the rows' variants as text."""
    fields = sorted(
        {"indication" for row in rows if row.indication} | {"route" for row in rows if row.route}
    )
    options = ", ".join("/".join(v for v in (row.indication, row.route) if v) for row in rows)
    return fields, options


def _undecided_variant(
    case: Case, holds: DrugHolds, medication: MedicationUse, candidates: Sequence[PreparedCell]
) -> None:
    """A drug whose rule depends on an indication or route that was not given.

    When every candidate variant says PROCEED at these dose times, so does the finding;
    otherwise the missing field is asked for.
    """
    drug = holds.drug
    record = case.rules.builtin("variant-needed")
    fields, options = _variant_fields(holds.rows)
    outcomes = []
    for candidate in candidates:
        prepared = applicable(candidate, medication)
        outcomes.extend(cell_findings(case, decide(case, prepared, medication)))
    if all(finding.verdict is Verdict.PROCEED for finding in outcomes):
        case.add(
            Finding(
                "hold:" + drug.name,
                record.outcome("agree"),
                fill(
                    "hold.variant-agree",
                    name=drug.display_name,
                    fields=" or ".join(fields),
                    options=options,
                ),
                tuple({ref.key: ref for row in holds.rows for ref in row.references}.values()),
                drug=drug.name,
            )
        )
        return
    case.add(
        Finding(
            "variant:" + drug.name,
            record.outcome("needed"),
            fill(
                "hold.variant-needed",
                name=drug.display_name,
                fields=" or ".join(fields),
                options=options,
                all_fields=" and ".join(fields),
            ),
            record.references,
            drug=drug.name,
        )
    )


def _medication(case: Case, holds: DrugHolds, medication: MedicationUse) -> None:
    if holds.no_rule is not None:
        case.add(holds.no_rule)
        return
    if not holds.cells:
        return
    indication = None if medication.indication is None else medication.indication.value
    route = None if medication.route is None else medication.route.value
    if indication is None and route is None and holds.plain is not None:
        if holds.plain_none is not None:
            case.add(holds.plain_none)
            return
        matching: Sequence[PreparedCell] = (holds.plain,)
    else:
        matching = holds.matching(indication, route)
    if len(matching) == 1:
        prepared = applicable(matching[0], medication)
        decision = decide(case, prepared, medication)
        case.add_all(cell_findings(case, decision))
        if prepared.action is HoldAction.HOLD:
            if decision.until_u is not None and decision.outcome is HoldOutcome.DEFERRED:
                case.wait_for(decision.until_u, decision.until)  # type: ignore[arg-type]
            if prepared.restart is not None:
                case.restart(prepared.drug.name, case.end_u + prepared.restart)
        return
    given = {
        field: value for field, value in (("indication", indication), ("route", route)) if value
    }
    if given and not matching:
        _, options = _variant_fields(holds.rows)
        record = case.rules.builtin("variant-needed")
        case.add(
            Finding(
                "variant:" + holds.drug.name,
                record.outcome("mismatch"),
                fill(
                    "hold.variant-mismatch",
                    name=holds.drug.display_name,
                    options=options,
                    fields=" and ".join(given),  # the fields given, not the rows'
                    given=", ".join(given.values()),
                ),
                record.references,
                drug=holds.drug.name,
            )
        )
        return
    _undecided_variant(case, holds, medication, matching or holds.cells)


def _run(case: Case) -> None:
    table = case.compiled.holds[case.handled_as]
    for medication in case.patient.medications:
        _medication(case, table[medication.drug], medication)


STAGE = Stage(
    name="holds",
    reads=("patient.medications", "renal status", "latest INR", "compiled hold table"),
    applies=lambda case: bool(case.patient.medications),
    run=_run,
)
