"""Stage: the bleeding-risk upgrade (ASRA 2018).

Reads: the patient's condition codes (those marked ``upgrades`` in ``vocabulary.toml``)
and medications (the concurrent-antithrombotics factor: at least
``policy.concurrent_antithrombotics_min`` listed drugs that affect haemostasis).
Runs for every patient; when a factor is present the plan is handled one class up
(low to intermediate, intermediate to high) and a CAUTION finding says why.
"""

from __future__ import annotations

from interventional.procedures.risk import BleedingRisk
from interventional.safety.case import Case
from interventional.safety.model import Finding, LazyText
from interventional.safety.rules import RuleSet
from interventional.safety.stages.base import Stage
from interventional.safety.wording import fill

__all__ = ["STAGE"]


class UpgradeWords(LazyText):
    """The words of the ``bleeding-risk-upgraded`` finding, written when read."""

    __slots__ = ("acting", "conditions", "handled_as", "risk", "rules")

    def __init__(
        self,
        risk: BleedingRisk,
        handled_as: BleedingRisk,
        conditions: tuple[str, ...],
        acting: tuple[str, ...],
        rules: RuleSet,
    ) -> None:
        self.risk, self.handled_as = risk, handled_as
        self.conditions, self.acting = conditions, acting
        self.rules = rules
        self._text = None

    def _words(self) -> str:
        reasons = [
            fill(
                "upgrade.condition", code=code, description=self.rules.conditions[code].description
            )
            for code in self.conditions
        ]
        if self.acting:
            reasons.append(fill("upgrade.antithrombotics", drugs=", ".join(self.acting)))
        kind = "upgrade.already-high" if self.handled_as is self.risk else "upgrade.moved"
        return fill(
            kind, reasons="; ".join(reasons), risk=self.risk.value, handled_as=self.handled_as.value
        )


def _run(case: Case) -> None:
    enough = case.rules.policy.concurrent_antithrombotics_min
    medications = case.patient.medications
    acting: tuple[str, ...] = ()
    if len(medications) >= enough:
        names = case.compiled.antithrombotics
        found = tuple(m.drug for m in medications if m.drug in names)
        if len(found) >= enough:
            acting = found
    conditions = case.conditions.upgrading
    if not conditions and not acting:
        return
    risk = case.compiled.facts.risk
    handled_as = risk.upgraded()
    case.handle_as(handled_as)
    record = case.rules.builtin("bleeding-risk-upgraded")
    case.add(
        Finding(
            "bleeding-risk-upgraded",
            record.outcome("upgraded"),
            UpgradeWords(risk, handled_as, conditions, acting, case.rules),
            record.references,
        )
    )


STAGE = Stage(
    name="risk-upgrade",
    reads=("patient.conditions (upgrading codes)", "patient.medications (antithrombotics)"),
    applies=lambda case: True,
    run=_run,
)
