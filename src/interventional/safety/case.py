"""One assessment in progress: :class:`Case`, the patient's facts read once per call.

A case holds what every stage may read (the patient, the procedure time, the compiled
plan, the rule set, the reading of the patient's condition codes, the renal status) and
what the stages produce (the findings, the class the plan is handled as, the latest hold,
the restarts). Stages add to it through its methods; nothing else changes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import attrs

from interventional._enums import ParsableEnum
from interventional.errors import ValidationError
from interventional.procedures.risk import BleedingRisk
from interventional.safety.decisions import ProcedureEnd
from interventional.safety.labs import LabName
from interventional.safety.model import (
    Finding,
    LabResult,
    Patient,
    _instant,
    _is_aware,
    check_time,
)
from interventional.safety.rules import RuleSet
from interventional.safety.wording import moment
from interventional.units import magnitude

if TYPE_CHECKING:
    from interventional.safety.compiled import CompiledPlan

__all__ = ["Case", "ConditionReading", "RenalStatus", "check_times"]


@attrs.frozen(slots=True)
class ConditionReading:
    """What a patient's condition codes mean to the rules (``vocabulary.toml``)."""

    upgrading: tuple[str, ...] = ()
    """The codes that move a procedure up one bleeding-risk class."""
    platelets_required: tuple[str, ...] = ()
    """The codes that need a recent platelet count before neuraxial work."""
    coagulation_studies: tuple[str, ...] = ()
    """The codes for which coagulation studies are suggested."""
    renal: bool = False
    """Whether a code marks impaired renal function."""

    @classmethod
    def of(cls, rules: RuleSet, codes: tuple[str, ...]) -> ConditionReading:
        """Read a patient's codes (codes outside the vocabulary, ``other:...``, mean nothing)."""
        if not codes:
            return _NO_CONDITIONS
        known = [(code, rules.conditions[code]) for code in codes if code in rules.conditions]
        return cls(
            upgrading=tuple(code for code, c in known if c.upgrades),
            platelets_required=tuple(code for code, c in known if c.requires_platelets),
            coagulation_studies=tuple(code for code, c in known if c.coagulation_studies),
            renal=any(c.renal for _, c in known),
        )

    @property
    def asks_for_labs(self) -> bool:
        """Whether a code needs platelets or suggests coagulation studies."""
        return bool(self.platelets_required or self.coagulation_studies)


_NO_CONDITIONS = ConditionReading()


class RenalStatus(ParsableEnum):
    """Renal function as the hold table reads it."""

    NORMAL = "normal"
    IMPAIRED = "impaired"
    UNKNOWN = "unknown"


# For results taken at the same moment, the worse one counts (fail-safe, whatever their
# order): a higher INR, aPTT or creatinine; fewer platelets; a lower creatinine clearance
# or eGFR. Every lab is listed (a test checks it), so a new one cannot default silently.
_HIGHER_IS_WORSE = {
    LabName.INR: True,
    LabName.APTT: True,
    LabName.CREATININE: True,
    LabName.PLATELETS: False,
    LabName.CREATININE_CLEARANCE: False,
    LabName.EGFR: False,
}


class Case:
    """The state of one assessment (internal: built by :func:`~interventional.safety.assess`)."""

    __slots__ = (
        "_age_years",
        "_latest",
        "_latest_values",
        "_renal",
        "at",
        "at_u",
        "aware",
        "compiled",
        "conditions",
        "end",
        "end_u",
        "findings",
        "handled_as",
        "latest_u",
        "latest_until",
        "patient",
        "restart_u",
        "rules",
    )

    patient: Patient
    compiled: CompiledPlan
    rules: RuleSet
    at: datetime
    aware: bool
    at_u: datetime
    conditions: ConditionReading
    end: ProcedureEnd
    end_u: datetime
    findings: list[Finding]
    handled_as: BleedingRisk
    latest_u: datetime
    latest_until: datetime
    restart_u: dict[str, datetime]

    def __init__(
        self,
        patient: Patient,
        compiled: CompiledPlan,
        at: datetime,
        aware: bool,
        rules: RuleSet,
        end: ProcedureEnd,
    ) -> None:
        self.patient = patient
        self.compiled = compiled
        self.rules = rules
        self.at = at
        self.aware = aware
        self.at_u = at.astimezone(UTC) if self.aware else at
        """``at`` as an instant: in UTC when aware (instants compare exactly in a repeated hour)."""
        self.end = end
        """Where restarts count from (the procedure's end when its duration is known)."""
        self.end_u = end.end(self.at_u)
        self.conditions = ConditionReading.of(rules, patient.conditions)
        self._age_years: float | None = None
        self.findings = []
        self.handled_as = compiled.facts.risk
        self.latest_u = self.at_u
        self.latest_until = at
        """The latest time a hold is met (``at`` while no hold is waited for)."""
        self.restart_u = {}
        """Each held drug's restart instant."""
        self._renal: RenalStatus | None = None
        self._latest: dict[LabName, LabResult] | None = None
        self._latest_values: dict[str, float] | None = None

    def age_years(self) -> float:
        """The patient's age in years (read when a rule asks for it)."""
        if self._age_years is None:
            self._age_years = magnitude(self.patient.age, "year")
        return self._age_years

    def utc(self, when: datetime) -> datetime:
        """A patient's time as an instant comparable with :attr:`at_u`."""
        return when.astimezone(UTC) if self.aware else when

    def add(self, finding: Finding) -> None:
        """Add a finding."""
        self.findings.append(finding)

    def add_all(self, findings: Iterable[Finding]) -> None:
        """Add findings, in order."""
        self.findings.extend(findings)

    def handle_as(self, risk: BleedingRisk) -> None:
        """Handle the plan at another bleeding-risk class (patient factors)."""
        self.handled_as = risk

    def wait_for(self, until_u: datetime, until: datetime) -> None:
        """Record a hold met at ``until`` (``until_u`` as an instant)."""
        if until_u > self.latest_u:
            self.latest_u, self.latest_until = until_u, until

    def restart(self, drug: str, instant: datetime) -> None:
        """Record a held drug's earliest restart."""
        self.restart_u[drug] = instant

    def renal_status(self) -> RenalStatus:
        """The patient's renal status (read once per assessment)."""
        if self._renal is None:
            clearance = self.patient.creatinine_clearance_ml_min
            if self.conditions.renal:
                self._renal = RenalStatus.IMPAIRED
            elif clearance is None:
                self._renal = RenalStatus.UNKNOWN
            elif clearance < self.rules.policy.creatinine_clearance_normal_min:
                self._renal = RenalStatus.IMPAIRED
            else:
                self._renal = RenalStatus.NORMAL
        return self._renal

    def latest(self, name: LabName) -> LabResult | None:
        """The most recent result of a lab; of simultaneous ones, the worse."""
        return self._latest_labs().get(name)

    def latest_values(self) -> dict[str, float]:
        """The latest result of each lab the patient has (for rules' lab selectors)."""
        if self._latest_values is None:
            self._latest_values = {
                name.value: lab.magnitude for name, lab in self._latest_labs().items()
            }
        return self._latest_values

    def _latest_labs(self) -> dict[LabName, LabResult]:
        """Each lab's most recent timed result (of simultaneous ones, the worse).

        One pass over the patient's labs, made when a stage first asks.
        """
        if self._latest is None:
            latest: dict[LabName, LabResult] = {}
            keys: dict[LabName, tuple[datetime, float]] = {}
            for lab in self.patient.labs:
                taken = lab.taken_at
                if taken is None:
                    continue
                sign = 1.0 if _HIGHER_IS_WORSE[lab.name] else -1.0
                key = (self.utc(taken), sign * lab.magnitude)
                if lab.name not in keys or key > keys[lab.name]:
                    latest[lab.name], keys[lab.name] = lab, key
            self._latest = latest
        return self._latest


def check_times(patient: Patient, at: datetime) -> bool:
    """Check the patient's times against ``at``; return whether ``at`` is timezone-aware.

    A patient's times are all naive or all aware (checked when it is built), and it keeps
    the latest of them, so the common case is one comparison; otherwise every time is
    checked and the first at fault is named. Aware times are compared in UTC (as
    instants: within one zone Python compares wall times, wrong in a repeated hour).

    Raises
    ------
    ValidationError
        When ``at`` is not a datetime, naive and aware times are mixed, or a last dose or
        lab time is after ``at``.
    """
    check_time("at", at)  # a datetime, with room for the intervals counted from it
    aware = at.tzinfo is not None and _is_aware(at)
    at_u = at.astimezone(UTC) if aware else at
    latest = patient._latest_instant
    # the latest instant is in UTC exactly when the patient's times are aware (a tzinfo
    # whose offset is None leaves a time naive, and it keeps that tzinfo)
    if latest is None or ((latest.tzinfo is UTC) is aware and latest <= at_u):
        return aware
    for field, name, kind, when, future in _timed_records(patient):
        if _is_aware(when) != aware:
            raise ValidationError(
                field,
                f"{name}: naive and timezone-aware datetimes mixed (at {moment(at)}, "
                f"{kind} {moment(when)}); use one kind throughout",
            )
        if _instant(when) > at_u:
            raise ValidationError(field, future.format(name=name, when=moment(when), at=moment(at)))
    raise AssertionError(f"the patient's latest time {latest!r} fails against {at!r}; no time does")


def _timed_records(patient: Patient) -> Iterator[tuple[str, str, str, datetime, str]]:
    """Each timed record (last doses, then lab times), in order.

    Yields its field, its name, what its time is, the time, and the words for a time after
    the procedure.
    """
    for index, medication in enumerate(patient.medications):
        if medication.last_dose is not None:
            yield (
                f"medications[{index}].last_dose",
                medication.drug,
                "last dose",
                medication.last_dose,
                "{name}: last dose {when} is after the procedure time {at}; a future dose "
                "cannot be assessed",
            )
    for index, lab in enumerate(patient.labs):
        if lab.taken_at is not None:
            yield (
                f"labs[{index}].taken_at",
                lab.name.value,
                "taken at",
                lab.taken_at,
                "{name}: taken at {when}, after the procedure time {at}",
            )
