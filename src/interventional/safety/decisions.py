"""Shared decisions, policy readings and restart times: the pure rules behind hold findings.

The engine (:mod:`interventional.safety.engine`) reads the hold table through these small
functions, each a plain mapping from data to an answer, with no state and no patient
beyond what it is given:

- :class:`Decision` and :func:`shared_kind`: what a *shared assessment* cell ("shared
  assessment and risk stratification with the prescriber") gives for a medication, given
  the decision recorded on it (``MedicationUse(..., decision=)``);
- :func:`decided_hold_cell`: the cell whose interval applies when the shared decision is
  to stop the drug (the cell's own interval where the data gives one, else the row's hold
  cell of the nearest higher bleeding-risk class);
- :func:`applied_intervals` and :func:`reading_note`: where the sources give a range or
  conflict, which reading applies under the policy (the conservative bound by default,
  the other one where :attr:`~interventional.safety.rules.Policy.other_readings` names the
  row), and the words that say so ("stop 3-5 days; 5 applied by policy");
- :func:`procedure_end` and :class:`ProcedureEnd`: the time restarts count from (the end
  of the procedure when a duration is given, else its start, said in the finding with the
  procedure's sourced typical duration where the catalogue has one);
- :func:`counts_as_concurrent_antithrombotic`: which listed drugs count for the
  concurrent-antithrombotics patient factor.

Examples
--------
>>> from interventional.safety.decisions import Decision, shared_kind
>>> shared_kind(None), shared_kind(Decision.parse("continue")), shared_kind("hold")
('shared-undecided', 'shared-continue', 'shared-hold')
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

import attrs

from interventional._enums import ParsableEnum
from interventional.pharmacology import DrugClass
from interventional.procedures.risk import BleedingRisk
from interventional.references import Reference
from interventional.safety.rules import HoldCell, HoldRule, RuleConfidence
from interventional.units import as_positive_timedelta

__all__ = [
    "Decision",
    "ProcedureEnd",
    "applied_intervals",
    "check_duration",
    "confidence_note",
    "counts_as_concurrent_antithrombotic",
    "decided_hold_cell",
    "format_duration",
    "procedure_end",
    "reading_note",
    "shared_kind",
]


class Decision(ParsableEnum):
    """The shared decision recorded on a medication (``MedicationUse(..., decision=)``).

    Where the guideline leaves the choice to a shared assessment with the prescriber (who
    weighs the thrombotic risk, which the library does not know), the assessment is
    INSUFFICIENT_DATA until the decision is recorded:

    - ``CONTINUE``: the drug is continued through the procedure (CAUTION, citing the
      decision);
    - ``HOLD``: the drug is stopped; the row's hold interval then applies as for a hold
      cell (DEFER until it is met, with its earliest time).

    Examples
    --------
    >>> Decision.parse("Hold")
    <Decision.HOLD: 'hold'>
    """

    CONTINUE = "continue"
    HOLD = "hold"


def shared_kind(decision: Decision | str | None) -> str:
    """What a shared-assessment cell gives for a medication with this recorded decision.

    Returns
    -------
    str
        ``"shared-undecided"`` (no decision: INSUFFICIENT_DATA, the finding says what is
        needed), ``"shared-continue"`` (CAUTION citing the decision) or ``"shared-hold"``
        (the hold interval of :func:`decided_hold_cell` applies).

    Examples
    --------
    >>> shared_kind("continue")
    'shared-continue'
    """
    if decision is None:
        return "shared-undecided"
    return "shared-" + Decision.parse(decision, field="decision").value


_ASCENDING = (BleedingRisk.LOW, BleedingRisk.INTERMEDIATE, BleedingRisk.HIGH)


def decided_hold_cell(row: HoldRule, risk: BleedingRisk) -> tuple[HoldCell, BleedingRisk] | None:
    """The cell whose interval applies when the shared decision before ``risk`` is to stop.

    A shared cell that gives its own interval (``hold`` in ``holds.toml``: "if stopping is
    agreed, ...") is used as it is. Otherwise the row's hold cell of the nearest higher
    bleeding-risk class is: the guideline's own interval for the drug, with its laboratory
    condition (a normal INR), renal interval and restart. ``None`` when the row gives no
    interval at all (the decision to stop is then recorded, but when the drug is out of
    the way is not known).

    Returns
    -------
    tuple of (HoldCell, BleedingRisk) or None
        The cell and the class it was read at.

    Examples
    --------
    >>> from interventional.safety import default_rules
    >>> rules = default_rules()
    >>> apixaban = rules.holds_for("apixaban")[0]
    >>> cell, read_at = decided_hold_cell(apixaban, BleedingRisk.LOW)
    >>> cell.hold, read_at.value
    (datetime.timedelta(days=5), 'intermediate')
    >>> decided_hold_cell(rules.holds_for("fluoxetine")[0], BleedingRisk.HIGH) is None
    True
    """
    own = row.cell(risk)
    if own.hold is not None:
        return own, risk
    for higher in _ASCENDING[_ASCENDING.index(risk) + 1 :]:
        cell = row.cell(higher)
        if cell.hold is not None:
            return cell, higher
    return None


def applied_intervals(
    cell: HoldCell, other_reading: bool
) -> tuple[timedelta | None, timedelta | None]:
    """The hold and restart intervals that apply, under the conservative or the other reading.

    Where the sources give a range or conflict, ``hold`` and ``restart`` hold the
    conservative (longer) bound and ``hold_other`` / ``restart_other`` the other reading;
    the other reading is never longer (checked when the cell is built).

    Examples
    --------
    >>> from interventional.safety import default_rules
    >>> cell = default_rules().holds_for("apixaban")[0].high
    >>> applied_intervals(cell, False)[0].days, applied_intervals(cell, True)[0].days
    (5, 3)
    """
    hold, restart = cell.hold, cell.restart
    if other_reading:
        if cell.hold_other is not None:
            hold = cell.hold_other
        if cell.restart_other is not None:
            restart = cell.restart_other
    return hold, restart


@functools.lru_cache(maxsize=4096)
def format_duration(value: timedelta) -> str:
    """A duration in words: ``"5 days"``, ``"24 h"``, ``"1 d 2 h"``, ``"40 min"``.

    Examples
    --------
    >>> format_duration(timedelta(days=5)), format_duration(timedelta(minutes=90))
    ('5 days', '1 h 30 min')
    """
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


def _number(value: timedelta, unit: str) -> str:
    amount = value / timedelta(days=1) if unit == "days" else value / timedelta(hours=1)
    return f"{amount:g}"


def _unit(*values: timedelta) -> str:
    return "days" if all(v % timedelta(days=1) == timedelta(0) for v in values) else "h"


def _fill(template_id: str, **fields: object) -> str:
    """A template of ``wording.toml`` filled (:func:`interventional.safety.wording.fill`).

    Imported here, not at the top: the wording module reads :func:`format_duration` of
    this one.
    """
    from interventional.safety.wording import fill

    return fill(template_id, **fields)


def _reading(
    template_id: str, other: timedelta, conservative: timedelta, applied: timedelta
) -> str:
    """One interval's reading (``reading.stop`` and the like) in days or hours."""
    unit = _unit(other, conservative)
    a, b, chosen = (_number(v, unit) for v in (other, conservative, applied))
    return _fill(
        template_id,
        other=a,
        conservative=b,
        applied=chosen,
        unit=unit,
        other_amount=_amount(a, unit),
        conservative_amount=_amount(b, unit),
        applied_amount=_amount(chosen, unit),
    )


def _amount(number: str, unit: str) -> str:
    """A number of days or hours with its unit: ``1 day``, ``2 days``, ``12 h``."""
    return f"{number} {'day' if unit == 'days' and number == '1' else unit}"


def reading_note(cell: HoldCell, other_reading: bool) -> str:
    """The words that say which reading of a ranged or conflicting cell applies.

    Empty for a cell whose sources agree. A cell with only the free-text ``range`` of an
    older rule file is quoted with "the upper bound applied by policy".

    Examples
    --------
    >>> from interventional.safety import default_rules
    >>> rules = default_rules()
    >>> reading_note(rules.holds_for("apixaban")[0].high, False)
    'stop 3-5 days; 5 applied by policy; restart 12-24 h; 24 applied by policy: the conservative reading, the default'
    >>> reading_note(rules.holds_for("warfarin")[0].high, False)
    'restart 6 h or 24 h (the sources conflict); 24 h applied by policy: the conservative reading, the default'
    >>> reading_note(rules.holds_for("prasugrel")[0].high, True)
    'stop 7-10 days; 7 applied by policy; restart 12-24 h; 12 applied by policy: the other reading, chosen in Policy.other_readings'
    >>> reading_note(rules.holds_for("rivaroxaban")[0].high, False)
    ''
    """
    hold, restart = applied_intervals(cell, other_reading)
    parts = []
    if cell.hold_other is not None and cell.hold is not None and hold is not None:
        parts.append(_reading("reading.stop", cell.hold_other, cell.hold, hold))
    if cell.restart_other is not None and cell.restart is not None and restart is not None:
        which = "reading.restart-conflict" if cell.restart_conflict else "reading.restart"
        parts.append(_reading(which, cell.restart_other, cell.restart, restart))
    if not parts:
        return _fill("reading.free-text", range=cell.range) if cell.range else ""
    chosen = _fill("reading.other" if other_reading else "reading.conservative")
    return _fill("reading.note", parts="; ".join(parts), chosen=chosen)


@functools.cache
def confidence_note(confidence: RuleConfidence) -> str:
    """The sentence that shows a hold cell's confidence in its finding.

    Examples
    --------
    >>> confidence_note(RuleConfidence.MED)
    ' Confidence of the rule: med.'
    """
    return _fill("hold.confidence", confidence=confidence.value)


@attrs.frozen(slots=True, cache_hash=True)
class ProcedureEnd:
    """Where restarts count from: the procedure's end when its duration is known.

    Parameters
    ----------
    duration : timedelta, optional
        The procedure's duration; ``None`` when none is given (restarts then count from
        the start, and the findings say so).
    source : str
        ``"assessment"`` (``assess(..., duration=)``), ``"plan"`` (the plan's duration)
        or ``"none"``.
    procedure_id : str
        The procedure, named where its typical duration is quoted.
    typical : timedelta, optional
        The procedure's sourced typical duration, quoted (not applied) when no duration is
        given, so that the reader can give one.
    references : tuple of Reference
        The sources of the typical duration.

    Examples
    --------
    >>> end = ProcedureEnd(timedelta(minutes=40), "assessment")
    >>> end.end(datetime(2026, 3, 10, 9, 0))
    datetime.datetime(2026, 3, 10, 9, 40)
    >>> end.describe()
    'after the procedure ends (start + 40 min, the duration given)'
    """

    duration: timedelta | None
    source: str
    procedure_id: str = ""
    typical: timedelta | None = None
    references: tuple[Reference, ...] = ()

    def end(self, start: datetime) -> datetime:
        """The moment restarts count from, for a procedure starting at ``start``."""
        return start if self.duration is None else start + self.duration

    def describe(self) -> str:
        """Where the restart counts from, in words (for the findings)."""
        return _describe_end(self)

    def restart_sentence(self, restart: timedelta) -> str:
        """The findings' sentence for a restart ``restart`` after this end.

        Examples
        --------
        >>> ProcedureEnd(None, "none").restart_sentence(timedelta(hours=2))[:58]
        ' Restart no earlier than 2 h after the procedure start (no'
        """
        return _restart_sentence(self, restart)


@functools.lru_cache(maxsize=1024)
def _restart_sentence(end: ProcedureEnd, restart: timedelta) -> str:
    return _fill("end.restart", restart=format_duration(restart), where=end.describe())


@functools.lru_cache(maxsize=1024)
def _describe_end(end: ProcedureEnd) -> str:
    """The words of :meth:`ProcedureEnd.describe` (the same for every finding of a plan)."""
    if end.duration is None:
        typical = ""
        if end.typical is not None:
            typical = _fill(
                "end.typical",
                procedure_id=end.procedure_id,
                typical=format_duration(end.typical),
                keys=", ".join(ref.key for ref in end.references),
            )
        return _fill("end.start", typical=typical)
    what = _fill("end.plan-duration" if end.source == "plan" else "end.given-duration")
    return _fill("end.ends", duration=format_duration(end.duration), what=what)


def check_duration(value: object, field: str = "duration") -> timedelta | None:
    """A procedure duration: ``None``, or a positive ``timedelta`` (text such as ``"40 min"``).

    Raises
    ------
    ValidationError
        Naming the field, for a zero or negative duration or a value that is not one.

    Examples
    --------
    >>> check_duration("40 min")
    datetime.timedelta(seconds=2400)
    >>> check_duration(timedelta(0))
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: duration: must be longer than zero, got datetime.timedelta(0)
    """
    return as_positive_timedelta(value, field=field)


def procedure_end(
    duration: timedelta | None = None,
    plan_duration: timedelta | None = None,
    typical: timedelta | None = None,
    *,
    procedure_id: str = "",
    typical_references: tuple[Reference, ...] = (),
) -> ProcedureEnd:
    """Where restarts count from: the duration given, in this order.

    1. the duration given to the assessment (``assess(..., duration=)``);
    2. the plan's duration (``plan(..., duration=)``);
    3. none: restarts count from the start, and the findings say so, quoting the
       procedure's sourced typical duration (``typical``) where the catalogue has one. It
       is not applied on its own: it describes the procedure in general, not this one.

    Examples
    --------
    >>> procedure_end(None, None, timedelta(hours=3), procedure_id="x").source
    'none'
    >>> procedure_end(timedelta(minutes=40), None, timedelta(hours=3)).duration
    datetime.timedelta(seconds=2400)
    >>> procedure_end(None, timedelta(hours=1)).source
    'plan'
    >>> procedure_end().end(datetime(2026, 3, 10, 9))
    datetime.datetime(2026, 3, 10, 9, 0)
    """
    if duration is not None:
        return ProcedureEnd(duration, "assessment", procedure_id)
    if plan_duration is not None:
        return ProcedureEnd(plan_duration, "plan", procedure_id)
    return ProcedureEnd(None, "none", procedure_id, typical, typical_references)


_NOT_CONCURRENT = frozenset({DrugClass.HERBAL_SUPPLEMENT})
"""Drug classes that do not count as "other anticoagulants or antiplatelet agents".

Herbal and dietary supplements (garlic, ginkgo, ginseng, dong quai, danshen, fish oil,
vitamin E) are neither: the guideline gives them rows of their own, and they stay
findings of their own (see ``concurrent-antithrombotics-min`` in ``policy.toml``)."""


def counts_as_concurrent_antithrombotic(drug_class: DrugClass) -> bool:
    """Whether a listed drug of this class counts for the concurrent-antithrombotics factor.

    The patient factor of the guideline is the "concurrent use of other anticoagulants or
    antiplatelet agents". Anticoagulants, antiplatelet drugs (aspirin, NSAIDs, P2Y12 and
    GP IIb/IIIa inhibitors, ...) and SSRIs/SNRIs (the fact sheet's example "SSRI +
    antiplatelet") count; herbal and dietary supplements do not.

    Examples
    --------
    >>> counts_as_concurrent_antithrombotic(DrugClass.P2Y12_INHIBITOR)
    True
    >>> counts_as_concurrent_antithrombotic(DrugClass.HERBAL_SUPPLEMENT)
    False
    >>> counts_as_concurrent_antithrombotic(DrugClass.LOCAL_ANESTHETIC)
    False
    """
    return drug_class.antithrombotic and drug_class not in _NOT_CONCURRENT
