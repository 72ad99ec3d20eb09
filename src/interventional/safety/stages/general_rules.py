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

from collections.abc import Hashable, Mapping
from types import MappingProxyType

import attrs

from interventional.safety.case import Case
from interventional.safety.facts import PlanFacts
from interventional.safety.model import Finding
from interventional.safety.rules import Rule, RuleSet
from interventional.safety.selectors import PATIENT_SELECTORS, PatientSelector, plan_matches
from interventional.safety.stages.base import Stage

__all__ = ["STAGE", "CompiledRule", "PlanRules", "RuleMemo", "compile_rules"]


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
        """The findings kept for a reading, or ``None``."""
        return self._found.get(key)

    def keep(self, key: Hashable, found: tuple[Finding, ...]) -> None:
        """Keep the findings of a reading (emptied first when full)."""
        if len(self._found) >= self.limit:
            self._found.clear()
        self._found[key] = found


@attrs.frozen(slots=True)
class CompiledRule:
    """A rule that can fire for a plan, with the patient selectors it declares."""

    rule: Rule
    selectors: tuple[PatientSelector, ...]
    finding: Finding
    """The rule's finding (the same for every patient it fires for)."""

    def matches(self, case: Case) -> bool:
        """Whether every patient selector of the rule matches the case."""
        return all(selector.matches(self.rule, case) for selector in self.selectors)


@attrs.frozen(slots=True)
class PlanRules:
    """The rules that can fire for one plan, in rule-set order, indexed by their codes."""

    rules: tuple[CompiledRule, ...]
    selectors: tuple[PatientSelector, ...]
    """The patient selectors at least one of the rules declares: the memo's key."""
    by_code: tuple[tuple[PatientSelector, Mapping[str, tuple[int, ...]]], ...]
    """For each selector of codes: each code to the positions of the rules that name it."""
    unindexed: tuple[int, ...]
    """The positions of the rules that declare no selector of codes (checked for everyone)."""
    memo: RuleMemo = attrs.field(factory=RuleMemo, eq=False)

    def key(self, case: Case) -> Hashable:
        """The patient's readings of the declared selectors."""
        return tuple(selector.key(case) for selector in self.selectors)

    def candidates(self, case: Case) -> list[int]:
        """The positions of the rules that may fire, in rule-set order.

        A rule named by one of the patient's codes (under any of its selectors of codes),
        or one with no such selector.
        """
        found = set(self.unindexed)
        for selector, index in self.by_code:
            for code in selector.key(case):  # type: ignore[attr-defined]
                found.update(index.get(code, ()))
        return sorted(found)

    def fire(self, case: Case) -> tuple[Finding, ...]:
        """The findings of the rules that fire, in rule-set order.

        Without those that a fired rule excludes (``exclusive_of``).
        """
        fired: dict[str, CompiledRule] = {}
        for position in self.candidates(case):
            entry = self.rules[position]
            if entry.matches(case):
                fired[entry.rule.id] = entry
        return tuple(
            entry.finding
            for entry in fired.values()
            if not any(other in fired for other in entry.rule.exclusive_of)
        )


def compile_rules(rules: RuleSet, facts: PlanFacts) -> PlanRules:
    """The non-builtin rules whose plan selectors match the plan, indexed by their codes."""
    matching = [rule for rule in rules.rules if not rule.builtin and plan_matches(rule, facts)]
    compiled = tuple(
        CompiledRule(
            rule,
            tuple(selector for selector in PATIENT_SELECTORS if selector.declared(rule)),
            Finding(f"rule:{rule.id}", rule.verdict, rule.message, rule.references),
        )
        for rule in matching
    )
    declared = {selector.name for entry in compiled for selector in entry.selectors}
    selectors = tuple(selector for selector in PATIENT_SELECTORS if selector.name in declared)
    indexes: dict[str, dict[str, list[int]]] = {}
    unindexed = []
    for position, entry in enumerate(compiled):
        coded = [selector for selector in entry.selectors if selector.codes is not None]
        if not coded:
            unindexed.append(position)
        for selector in coded:
            for code in selector.codes(entry.rule):  # type: ignore[misc]
                indexes.setdefault(selector.name, {}).setdefault(code, []).append(position)
    by_code = tuple(
        (selector, MappingProxyType({code: tuple(p) for code, p in indexes[selector.name].items()}))
        for selector in selectors
        if selector.name in indexes
    )
    return PlanRules(compiled, selectors, by_code, tuple(unindexed))


def _run(case: Case) -> None:
    plan_rules = case.compiled.rules
    key = plan_rules.key(case)
    found = plan_rules.memo.get(key)
    if found is None:
        found = plan_rules.fire(case)
        plan_rules.memo.keep(key, found)
    case.add_all(found)


STAGE = Stage(
    name="general-rules",
    reads=("the patient selectors the plan's rules declare", "compiled plan rules"),
    applies=lambda case: bool(case.compiled.rules.rules),
    run=_run,
)
