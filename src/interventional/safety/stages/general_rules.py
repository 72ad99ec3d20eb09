"""Stage: the general contraindications and epidural-steroid recommendations (``rules.toml``).

Reads: the patient selectors the plan's rules declare (:data:`~interventional.safety.selectors.PATIENT_SELECTORS`:
conditions, devices, allergies, pregnancy, age, labs) and the rules compiled for the plan
(those whose plan selectors match it, :func:`compile_rules`). Runs for every patient.

Which rules fire depends only on the patient's readings of the declared selectors, and
patients share few combinations of them, so the compiled plan keeps the fired findings of
each combination seen (:class:`RuleMemo`, keyed by exactly those readings): a selector
that a rule declares is part of the key, so the memo cannot answer from a stale reading.
"""

from __future__ import annotations

from collections.abc import Hashable

import attrs

from interventional.safety.case import Case
from interventional.safety.facts import PlanFacts
from interventional.safety.model import Finding
from interventional.safety.rules import Rule, RuleSet
from interventional.safety.selectors import (
    PATIENT_SELECTORS,
    PatientSelector,
    patient_matches,
    plan_matches,
)
from interventional.safety.stages.base import Stage

__all__ = ["STAGE", "PlanRules", "RuleMemo", "compile_rules"]


class RuleMemo:
    """The findings fired for each reading of the declared selectors (bounded).

    Holds at most ``limit`` readings; when full it is emptied (few readings recur, and
    nothing is kept in order on the way).
    """

    __slots__ = ("_found", "limit")

    def __init__(self, limit: int = 1024) -> None:
        self._found: dict[Hashable, tuple[Finding, ...]] = {}
        self.limit = limit

    def __len__(self) -> int:
        return len(self._found)

    def get(self, key: Hashable) -> tuple[Finding, ...] | None:
        return self._found.get(key)

    def keep(self, key: Hashable, found: tuple[Finding, ...]) -> None:
        if len(self._found) >= self.limit:
            self._found.clear()
        self._found[key] = found


@attrs.frozen(slots=True)
class PlanRules:
    """The rules that can fire for one plan, in rule-set order, and their findings."""

    rules: tuple[Rule, ...]
    selectors: tuple[PatientSelector, ...]
    """The patient selectors at least one of the rules declares: the memo's key."""
    findings: dict[str, Finding]
    """Each rule's finding (the same for every patient it fires for)."""
    memo: RuleMemo = attrs.field(factory=RuleMemo, eq=False)

    def key(self, case: Case) -> Hashable:
        """The patient's readings of the declared selectors."""
        return tuple(selector.key(case) for selector in self.selectors)

    def fire(self, case: Case) -> tuple[Finding, ...]:
        """The findings of the rules that fire, without those a fired rule excludes."""
        fired = {rule.id: rule for rule in self.rules if patient_matches(rule, case)}
        return tuple(
            self.findings[rule_id]
            for rule_id, rule in fired.items()
            if not any(other in fired for other in rule.exclusive_of)
        )


def compile_rules(rules: RuleSet, facts: PlanFacts) -> PlanRules:
    """The non-builtin rules whose plan selectors match the plan."""
    matching = tuple(
        rule for rule in rules.rules if not rule.builtin and plan_matches(rule, facts)
    )
    selectors = tuple(
        selector
        for selector in PATIENT_SELECTORS
        if any(selector.declared(rule) for rule in matching)
    )
    findings = {
        rule.id: Finding(f"rule:{rule.id}", rule.verdict, rule.message, rule.references)
        for rule in matching
    }
    return PlanRules(matching, selectors, findings)


def _run(case: Case) -> None:
    plan_rules = case.compiled.rules
    key = plan_rules.key(case)
    found = plan_rules.memo.get(key)
    if found is None:
        found = plan_rules.fire(case)
        plan_rules.memo.keep(key, found)
    for finding in found:
        case.add(finding)


STAGE = Stage(
    name="general-rules",
    reads=("the patient selectors the plan's rules declare", "compiled plan rules"),
    applies=lambda case: bool(case.compiled.rules.rules),
    run=_run,
)
