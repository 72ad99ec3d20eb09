"""What the engine keeps between assessments never changes an answer, and stays bounded.

The engine keeps one compilation per (rule set, plan) (its facts, hold tables, rules,
contrast findings and dose limits), one hold table per (rule set, class), shared by the
plans of that class, and, in each compiled plan, the fired rules of each reading of the
declared patient selectors; these tests compare kept answers with answers for objects seen
for the first time, and check that what is kept cannot grow without bound.
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
from interventional.safety.compiled import (
    COMPILED_PLANS_LIMIT,
    HOLD_TABLES_LIMIT,
    compile_plan,
    hold_table,
)

RULES = default_rules()
# another rule set: one antithrombotic is a patient factor, and any dose is near the maximum
STRICT = RULES.with_policy(
    attrs.evolve(
        RULES.policy, concurrent_antithrombotics_min=1, local_anesthetic_near_fraction=0.01
    )
)
# the same rules in another rule-set object (rule sets are told apart by identity)
STRICT_COPY = RULES.with_policy(RULES.policy)


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


@pytest.mark.slow  # assesses a thousand free-text codes
def test_what_is_kept_for_free_text_codes_is_bounded() -> None:
    memo = compile_plan(RULES, KNEE).rules.memo
    for number in range(memo.limit + 10):
        assess(Patient(age=50, conditions=[f"other:code-{number}"]), KNEE, at=AT)
        assert 0 < len(memo) <= memo.limit
    again = Patient(age=50, conditions=["other:code-0", "diabetes"])
    assert assess(again, KNEE, at=AT) == assess(again, _knee_with_lidocaine(), at=AT)


def test_dose_findings_for_each_body_weight_are_those_of_a_fresh_plan() -> None:
    for number in range(50):
        patient = Patient(age=50, weight=f"{40 + number / 100} kg")
        fresh = plan(
            "knee-joint-injection",
            side="left",
            modality="ultrasound",
            injectates=[Dose("lidocaine", volume="5 mL", concentration="1 %")],
        )
        assert assess(patient, KNEE, at=AT) == assess(patient, fresh, at=AT, rules=STRICT_COPY)


def test_the_hold_table_is_compiled_at_the_plans_class_and_the_class_above() -> None:
    patient = Patient(
        age=50, medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=3))]
    )
    assess(patient, KNEE, at=AT)
    compiled = compile_plan(RULES, KNEE)
    risk = compiled.facts.risk
    assert set(compiled.holds) == {risk, risk.upgraded()}
    assert risk is BleedingRisk.LOW
    # every drug of the vocabulary is in each table, and nothing else
    assert all(set(table) == set(drugs()) for table in compiled.holds.values())


def test_plans_of_one_class_share_the_hold_table_of_their_rule_set() -> None:
    # compiled afresh: a plan compiled before its class's table left the bounded cache
    # keeps the table it was compiled with (equal, not the same object)
    compile_plan.cache_clear()
    hold_table.cache_clear()
    other = plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left")
    assert compile_plan(RULES, other).facts.risk is compile_plan(RULES, KNEE).facts.risk
    for risk in (BleedingRisk.LOW, BleedingRisk.INTERMEDIATE):
        shared = compile_plan(RULES, KNEE).holds[risk]
        assert compile_plan(RULES, other).holds[risk] is shared
        assert hold_table(RULES, risk) is shared
        # another rule set (even with the same rules) compiles its own table
        assert hold_table(STRICT_COPY, risk) is not shared
        assert compile_plan(STRICT_COPY, KNEE).holds[risk] is hold_table(STRICT_COPY, risk)


def test_hold_tables_are_kept_for_a_bounded_number_of_rule_sets() -> None:
    for number in range(HOLD_TABLES_LIMIT // 2 + 1):
        rules = RULES.with_policy(
            attrs.evolve(RULES.policy, local_anesthetic_near_fraction=0.5 + number / 1000)
        )
        hold_table(rules, BleedingRisk.LOW)
        hold_table(rules, BleedingRisk.HIGH)
        assert hold_table.cache_info().currsize <= HOLD_TABLES_LIMIT
    assert hold_table.cache_info().maxsize == HOLD_TABLES_LIMIT


def test_compilations_are_kept_for_a_bounded_number_of_rule_sets() -> None:
    """A service may build a rule set per request and reuse its plans."""
    patient = Patient(age=50, weight="70 kg")
    for number in range(20):
        rules = RULES.with_policy(
            attrs.evolve(RULES.policy, local_anesthetic_near_fraction=0.5 + number / 1000)
        )
        assert assess(patient, KNEE, at=AT, rules=rules) == assess(
            patient, _knee_with_lidocaine(), at=AT, rules=rules
        )
        assert compile_plan.cache_info().currsize <= COMPILED_PLANS_LIMIT
