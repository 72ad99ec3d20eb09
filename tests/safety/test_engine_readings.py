"""What the engine keeps between assessments never changes an answer, and stays bounded.

The engine keeps its reading of a rule set (condition codes, hold entries), of a plan
under a rule set (its rules, contrast and dose findings) and of each combination of a
patient's codes; these tests compare kept answers with answers for objects seen for the
first time, and check that what is kept for free-text codes or body weights cannot grow
without bound.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from conftest import AT

from interventional.pharmacology import Dose, drugs
from interventional.procedures import ProcedurePlan, plan
from interventional.procedures.risk import BleedingRisk
from interventional.safety import MedicationUse, Patient, assess, default_rules
from interventional.safety.engine import (
    _CONDITIONS_LIMIT,
    _FIRED_LIMIT,
    _RULE_SETS_LIMIT,
    _plan_facts,
    _rules_for_plan,
    _ruleset_facts,
)

RULES = default_rules()
# another rule set: one antithrombotic is a patient factor, and any dose is near the maximum
STRICT = RULES.with_policy(
    attrs.evolve(
        RULES.policy, concurrent_antithrombotics_min=1, local_anesthetic_near_fraction=0.01
    )
)


def _knee_with_lidocaine() -> ProcedurePlan:
    return plan(
        "knee-joint-injection",
        side="left",
        modality="ultrasound",
        injectates=[Dose("lidocaine", volume="5 mL", concentration="1 %")],
    )


KNEE = _knee_with_lidocaine()


def test_one_plan_under_two_rule_sets_gets_each_rule_sets_answer() -> None:
    patient = Patient(
        age=50,
        weight="70 kg",
        medications=[MedicationUse("aspirin", last_dose=AT - timedelta(days=2))],
    )
    by_rules = {
        id(rules): assess(patient, _knee_with_lidocaine(), at=AT, rules=rules)
        for rules in (RULES, STRICT)
    }
    assert by_rules[id(RULES)] != by_rules[id(STRICT)], "the rule sets must differ here"
    shared = _knee_with_lidocaine()
    for _ in range(3):  # alternately, so each answer is read back from what was kept
        for rules in (RULES, STRICT):
            assert assess(patient, shared, at=AT, rules=rules) == by_rules[id(rules)]


def test_condition_readings_kept_per_rule_set_are_bounded() -> None:
    kept = _ruleset_facts(RULES).conditions
    for number in range(_CONDITIONS_LIMIT + 10):
        assess(Patient(age=50, conditions=[f"other:code-{number}"]), KNEE, at=AT)
        assert 0 < len(kept) <= _CONDITIONS_LIMIT
    again = Patient(age=50, conditions=["other:code-0", "diabetes"])
    assert assess(again, KNEE, at=AT) == assess(again, _knee_with_lidocaine(), at=AT)


@pytest.mark.slow  # assesses hundreds of body weights
def test_a_plans_own_findings_kept_per_body_weight_are_bounded() -> None:
    kept = _rules_for_plan(RULES, _plan_facts(KNEE)).own_findings
    for number in range(_FIRED_LIMIT + 10):
        patient = Patient(age=50, weight=f"{40 + number / 100} kg")
        result = assess(patient, KNEE, at=AT)
        assert 0 < len(kept) <= _FIRED_LIMIT
        assert result == assess(patient, _knee_with_lidocaine(), at=AT)


def test_hold_entries_are_kept_by_class_and_vocabulary_drug() -> None:
    patient = Patient(
        age=50, medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=3))]
    )
    assess(patient, KNEE, at=AT)
    entries = _ruleset_facts(RULES).hold_entries
    assert set(entries) == set(BleedingRisk)
    assert ("clopidogrel", None, None) in entries[_plan_facts(KNEE).risk]
    # keyed by the vocabulary's drugs (and two enums): the tables cannot grow past them
    assert all(name in drugs() for table in entries.values() for name, _, _ in table)


def test_a_plan_keeps_the_readings_of_a_bounded_number_of_rule_sets() -> None:
    """A service may build a rule set per request and reuse its plans."""
    kept = _plan_facts(KNEE).by_rules
    patient = Patient(age=50, weight="70 kg")
    for number in range(_RULE_SETS_LIMIT * 3):
        rules = RULES.with_policy(
            attrs.evolve(RULES.policy, local_anesthetic_near_fraction=0.5 + number / 1000)
        )
        assert assess(patient, KNEE, at=AT, rules=rules) == assess(
            patient, _knee_with_lidocaine(), at=AT, rules=rules
        )
        assert 0 < len(kept) <= _RULE_SETS_LIMIT
