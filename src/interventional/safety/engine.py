"""The contraindication engine: :func:`assess` and :func:`assess_many`.

An assessment is a pipeline. The plan is compiled once per rule set
(:func:`~interventional.safety.compiled.compile_plan`; its hold tables once per rule set
and class, :func:`~interventional.safety.compiled.hold_table`: the engine's two bounded
caches); the
patient's facts are read into a :class:`~interventional.safety.case.Case`; then each stage
of :data:`~interventional.safety.stages.STAGES` that applies adds its findings (every step
adds findings; none stops the others):

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
5. Allergy to a planned injectate; contrast labelling in neuraxial plans;
   local-anaesthetic totals against ``max_dose``.
6. Records an importer could not read (``Patient.unresolved``): INSUFFICIENT_DATA each.

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

from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta

from interventional.errors import ValidationError
from interventional.safety.case import Case, check_times
from interventional.safety.compiled import compile_plan
from interventional.safety.decisions import check_duration, procedure_end
from interventional.safety.facts import PlanLike
from interventional.safety.model import _SEVERITY, Assessment, Finding, Patient
from interventional.safety.rules import RuleSet, Verdict, default_rules
from interventional.safety.stages import STAGES

__all__ = ["PlanLike", "assess", "assess_many"]


def _earliest(case: Case, findings: list[Finding]) -> datetime | None:
    """When every hold is met, or ``None`` when a finding cannot be waited out.

    Every hold is met at the latest ``until``; nothing else can be waited out, so another
    finding at INSUFFICIENT_DATA or above leaves no earliest time. The findings come most
    restrictive first: the look stops at the first below INSUFFICIENT_DATA.
    """
    for finding in findings:
        verdict = finding.verdict
        if verdict < Verdict.INSUFFICIENT_DATA:
            break
        if not (verdict is Verdict.DEFER and finding.until is not None):
            return None
    return case.latest_until


def _result(case: Case) -> Assessment:
    """The assessment of a case whose stages have run.

    The findings come most restrictive first (a stable sort: equal verdicts keep the order
    the stages gave them).
    """
    findings = sorted(case.findings, key=_SEVERITY, reverse=True)
    restart = case.restart_u
    if case.aware:
        restart = {drug: moment.astimezone(case.at.tzinfo) for drug, moment in restart.items()}
    facts = case.compiled.facts
    return Assessment(
        facts.procedure_id,
        case.at,
        facts.risk,
        case.handled_as,
        findings,
        _earliest(case, findings),
        restart,
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
    >>> from datetime import datetime, timedelta
    >>> from interventional.procedures import plan
    >>> from interventional.safety import Patient, assess
    >>> knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    >>> assess(Patient(age=50), knee, at=datetime(2026, 1, 5, 9)).verdict
    <Verdict.PROCEED: 'proceed'>
    """
    if not isinstance(patient, Patient):
        raise ValidationError("patient", f"expected a Patient, got {type(patient).__name__}")
    ruleset = default_rules() if rules is None else rules
    aware = check_times(patient, at)  # before the plan is read: bad input named first
    compiled = compile_plan(ruleset, plan)
    end = compiled.facts.default_end
    if duration is not None:
        end = procedure_end(check_duration(duration), procedure_id=compiled.facts.procedure_id)
    case = Case(patient, compiled, at, aware, ruleset, end)
    for stage in STAGES:
        if stage.applies(case):
            stage.run(case)
    return _result(case)


def _assess_chunk(
    chunk: Sequence[tuple[Patient, PlanLike]],
    at: datetime,
    rules: RuleSet | None,
    duration: timedelta | None = None,
) -> list[Assessment]:
    return [assess(patient, plan, at=at, duration=duration, rules=rules) for patient, plan in chunk]


def assess_many(
    pairs: Iterable[tuple[Patient, PlanLike]],
    *,
    at: datetime,
    workers: int | None = None,
    rules: RuleSet | None = None,
    duration: timedelta | None = None,
) -> list[Assessment]:
    """Assess many (patient, plan) pairs at one time, in order.

    The result equals ``[assess(p, q, at=at, duration=duration) for p, q in pairs]``. With
    ``workers`` > 1 the pairs are split into contiguous chunks assessed in a process pool
    (worth it for large batches only: every pair is pickled); the order is kept.

    Parameters
    ----------
    pairs : iterable of (Patient, ProcedurePlan)
    at : datetime
    workers : int, optional
        Processes to use; ``None`` or 1 assesses in this process.
    rules : RuleSet, optional
        Only the default rules can be sent to worker processes.
    duration : timedelta or str, optional
        The procedures' duration, as :func:`assess` takes it (restarts count from
        ``at + duration``; without it, each plan's own duration, else ``at``). Checked
        once, before any pair is assessed.

    Raises
    ------
    ValidationError
        When ``workers`` is not a positive integer, ``duration`` is not a positive
        duration, or a custom rule set is given with workers; and as :func:`assess` raises.

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> from interventional.procedures import plan
    >>> from interventional.safety import MedicationUse, Patient, assess_many
    >>> knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    >>> [a.verdict.name for a in assess_many([(Patient(age=50), knee)] * 2, at=datetime(2026, 1, 5))]
    ['PROCEED', 'PROCEED']
    >>> at = datetime(2026, 3, 10, 9, 0)
    >>> patient = Patient(age=64, pregnant=False, medications=[
    ...     MedicationUse("clopidogrel", last_dose=at - timedelta(days=8))])
    >>> trial = plan("spinal-cord-stimulator-trial", levels=["T8"])
    >>> [a.restart["clopidogrel"] for a in assess_many([(patient, trial)], at=at, duration="40 min")]
    [datetime.datetime(2026, 3, 11, 9, 40)]
    """
    items = list(pairs)
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValidationError("workers", f"must be a positive integer or None, got {workers!r}")
    length = check_duration(duration)
    if workers is None or workers == 1 or len(items) < 2:
        return [
            assess(patient, plan, at=at, duration=length, rules=rules) for patient, plan in items
        ]
    if rules is not None and rules is not default_rules():
        raise ValidationError("rules", "a custom rule set cannot be sent to worker processes")
    size = -(-len(items) // (workers * 4))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    count = len(chunks)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_assess_chunk, chunks, [at] * count, [None] * count, [length] * count)
        return [assessment for chunk in results for assessment in chunk]
