"""The selectors of a rule (``rules.toml``): what a rule can ask of a plan and of a patient.

A rule fires when every selector it gives matches; a selector it omits matches anything.
Plan selectors are read once, when a plan is compiled (:func:`plan_matches`). Patient
selectors are read on every assessment, through the table :data:`PATIENT_SELECTORS`:
each entry says whether a rule declares it, what of the patient it reads (its *key*) and
whether a rule's selector matches that reading. The general-rules stage keys its memo of
fired rules by the keys of exactly the selectors that the plan's rules declare, so a new
selector is part of the memo key as soon as it is in the table.

To add a patient selector: add its field to :class:`~interventional.safety.rules.Rule`
and one :class:`PatientSelector` to :data:`PATIENT_SELECTORS` (see the guide
``docs/howto/extend-the-safety-engine.md``).

Examples
--------
>>> [selector.name for selector in PATIENT_SELECTORS]
['conditions', 'devices', 'allergies', 'pregnancy', 'min_age', 'lab_above', 'lab_below']
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import attrs

from interventional.safety.facts import PlanFacts
from interventional.safety.rules import Rule

if TYPE_CHECKING:
    from interventional.safety.case import Case

__all__ = ["PATIENT_SELECTORS", "PatientSelector", "patient_matches", "plan_matches"]


def plan_matches(rule: Rule, facts: PlanFacts) -> bool:
    """Whether every plan selector of ``rule`` matches the plan."""
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


@attrs.frozen(slots=True)
class PatientSelector:
    """One patient selector of a rule.

    Attributes
    ----------
    name : str
        The :class:`~interventional.safety.rules.Rule` field that declares it.
    declared : callable
        ``declared(rule)``: whether the rule gives this selector.
    key : callable
        ``key(case)``: what of the patient the selector reads, hashable; two patients with
        the same key are matched alike by every rule.
    matches : callable
        ``matches(rule, case)``: whether the rule's selector matches the patient.
    codes : callable, optional
        For a selector of codes (conditions, devices, allergies): ``codes(rule)`` gives the
        rule's codes and ``key(case)`` the patient's, so that rules can be indexed by code
        (a rule fires only if the patient has one of its codes for each such selector).
    """

    name: str
    declared: Callable[[Rule], bool]
    key: Callable[[Case], Hashable]
    matches: Callable[[Rule, Case], bool]
    codes: Callable[[Rule], tuple[str, ...]] | None = None


def _any_code(codes: tuple[str, ...], patient_codes: tuple[str, ...]) -> bool:
    return any(code in patient_codes for code in codes)


def _pregnancy_matches(rule: Rule, case: Case) -> bool:
    if rule.pregnancy == "yes":
        return case.patient.pregnant is True
    return case.patient.pregnant is None  # "unknown"


def _lab_key(case: Case) -> Hashable:
    return tuple(sorted(case.latest_values().items()))


def _lab_above(rule: Rule, case: Case) -> bool:
    values = case.latest_values()
    return all(values.get(name, -float("inf")) > limit for name, limit in rule.lab_above.items())


def _lab_below(rule: Rule, case: Case) -> bool:
    values = case.latest_values()
    return all(values.get(name, float("inf")) < limit for name, limit in rule.lab_below.items())


def _codes_selector(name: str) -> PatientSelector:
    """A selector of codes: the rule names some, the patient has one of them."""

    def rule_codes(rule: Rule) -> tuple[str, ...]:
        codes: tuple[str, ...] = getattr(rule, name)
        return codes

    def patient_codes(case: Case) -> tuple[str, ...]:
        codes: tuple[str, ...] = getattr(case.patient, name)
        return codes

    return PatientSelector(
        name,
        declared=lambda rule: bool(rule_codes(rule)),
        key=patient_codes,
        matches=lambda rule, case: _any_code(rule_codes(rule), patient_codes(case)),
        codes=rule_codes,
    )


PATIENT_SELECTORS: tuple[PatientSelector, ...] = (
    _codes_selector("conditions"),
    _codes_selector("devices"),
    _codes_selector("allergies"),
    PatientSelector(
        "pregnancy",
        declared=lambda rule: rule.pregnancy is not None,
        key=lambda case: case.patient.pregnant,
        matches=_pregnancy_matches,
    ),
    PatientSelector(
        "min_age",
        declared=lambda rule: rule.min_age is not None,
        key=lambda case: case.age_years(),
        matches=lambda rule, case: case.age_years() >= rule.min_age,  # type: ignore[operator]
    ),
    PatientSelector(
        "lab_above",
        declared=lambda rule: bool(rule.lab_above),
        key=_lab_key,
        matches=_lab_above,
    ),
    PatientSelector(
        "lab_below",
        declared=lambda rule: bool(rule.lab_below),
        key=_lab_key,
        matches=_lab_below,
    ),
)
"""Every patient selector a rule may give, in the order they are checked."""


def patient_matches(rule: Rule, case: Case) -> bool:
    """Whether every patient selector ``rule`` declares matches the case."""
    return all(
        selector.matches(rule, case) for selector in PATIENT_SELECTORS if selector.declared(rule)
    )
