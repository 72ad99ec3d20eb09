"""A plan compiled under a rule set: :class:`CompiledPlan`, made once per (rule set, plan).

Everything the engine reads that does not depend on a patient is worked out here, once:
the plan's facts, the hold table at the plan's class and at the class above it (patient
factors may move the plan up one class), the rules whose plan selectors match, the
contrast findings, the local-anaesthetic limits.

The engine keeps what it compiles at the two grains it is compiled at, each in one
bounded :func:`functools.lru_cache` with a documented key:

- :func:`compile_plan`, ``COMPILED_PLANS_LIMIT`` entries keyed by ``(rules, plan)``: a
  plan's compilation;
- :func:`hold_table`, ``HOLD_TABLES_LIMIT`` entries keyed by ``(rules, risk)``: the hold
  table of a rule set at one bleeding-risk class. It depends on nothing of a plan, so
  every plan of a class shares one table (a catalogue's plans compile four tables, not
  two per plan).

Rule sets hash by identity (they are immutable and compared as objects); plans are
immutable attrs objects that hash by value and cache their hash, so a plan rebuilt with
the same values finds its compilation; classes are enum members. The least recently used
entry goes first, and with it the rule set it holds. Nothing else is kept between calls.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from interventional.pharmacology import drugs
from interventional.procedures.risk import BleedingRisk
from interventional.safety.decisions import counts_as_concurrent_antithrombotic
from interventional.safety.facts import PlanFacts, PlanLike, read_plan
from interventional.safety.model import Finding
from interventional.safety.rules import RuleSet
from interventional.safety.stages.contrast import compile_contrast
from interventional.safety.stages.doses import PlannedDose, compile_doses
from interventional.safety.stages.general_rules import PlanRules, compile_rules
from interventional.safety.stages.holds import HoldTable, compile_holds

__all__ = [
    "COMPILED_PLANS_LIMIT",
    "HOLD_TABLES_LIMIT",
    "CompiledPlan",
    "compile_plan",
    "hold_table",
]

COMPILED_PLANS_LIMIT = 1024
"""How many (rule set, plan) compilations are kept."""

HOLD_TABLES_LIMIT = 64
"""How many (rule set, class) hold tables are kept (a rule set has at most four)."""


@attrs.frozen(slots=True)
class CompiledPlan:
    """A plan as the engine reads it under one rule set (nothing of a patient)."""

    facts: PlanFacts
    holds: Mapping[BleedingRisk, HoldTable]
    """The hold table at the plan's class and at the class above it (shared with every
    plan of the class: :func:`hold_table`)."""
    antithrombotics: frozenset[str]
    """The vocabulary's drugs that count as "other anticoagulants or antiplatelet agents"
    for the concurrent-antithrombotics factor (not the supplements: see
    :func:`~interventional.safety.decisions.counts_as_concurrent_antithrombotic`)."""
    rules: PlanRules
    contrast: tuple[Finding, ...]
    doses: tuple[PlannedDose, ...]


@functools.lru_cache(maxsize=HOLD_TABLES_LIMIT)
def hold_table(rules: RuleSet, risk: BleedingRisk) -> HoldTable:
    """The hold table of a rule set at one class (kept: see the module's notes on the cache).

    Examples
    --------
    >>> from interventional.safety import default_rules
    >>> low = hold_table(default_rules(), BleedingRisk.LOW)
    >>> low is hold_table(default_rules(), BleedingRisk.LOW)
    True
    >>> low["clopidogrel"].drug.name
    'clopidogrel'
    """
    return compile_holds(rules, risk)


@functools.lru_cache(maxsize=COMPILED_PLANS_LIMIT)
def compile_plan(rules: RuleSet, plan: PlanLike) -> CompiledPlan:
    """Compile a plan under a rule set (kept: see the module's notes on the cache)."""
    facts = read_plan(plan)
    classes = {facts.risk, facts.risk.upgraded()}
    return CompiledPlan(
        facts=facts,
        holds=MappingProxyType({risk: hold_table(rules, risk) for risk in classes}),
        antithrombotics=frozenset(
            name
            for name, drug in drugs().items()
            if counts_as_concurrent_antithrombotic(drug.drug_class)
        ),
        rules=compile_rules(rules, facts),
        contrast=compile_contrast(rules, facts),
        doses=compile_doses(facts),
    )
