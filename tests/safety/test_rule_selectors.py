"""A clinic's rules with several patient selectors fire only when all of them match, and
fired rules are reported in the order of the rules file, whatever order they were found in.

The built-in rules have one kind of patient selector each; these rules give two, so
being found in the engine's index by one code is not enough. The engine keeps the fired
rules for each combination of patient codes: a property test compares every answer with
a plain reading of the rules, one rule at a time, in file order.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies
from interventional.procedures import plan
from interventional.safety import Patient, assess, default_rules
from interventional.safety.compiled import compile_plan
from interventional.safety.facts import read_plan
from interventional.safety.rules import Rule, RuleSet, load_rules
from interventional.safety.selectors import plan_matches

AT = datetime(2026, 3, 10, 9, 0)
KNEE = plan("knee-joint-injection", side="left", modality="ultrasound")

CLINIC_RULES = """
[[rule]]
id = "clinic-pacemaker-note"
verdict = "caution"
devices = ["pacemaker"]
message = "Pacemaker: tell the team."
references = ["PLS"]

[[rule]]
id = "clinic-diabetes-with-pacemaker"
verdict = "caution"
conditions = ["diabetes"]
devices = ["pacemaker"]
message = "Diabetes and a pacemaker."
references = ["PLS"]

[[rule]]
id = "clinic-diabetes-note"
verdict = "caution"
conditions = ["diabetes"]
message = "Diabetes: check the glucose."
references = ["PLS"]

[[rule]]
id = "clinic-pregnant-diabetic"
verdict = "defer"
conditions = ["diabetes"]
pregnancy = "yes"
message = "Pregnant and diabetic."
references = ["PLS"]

[[rule]]
id = "clinic-contrast-allergy-pregnancy-unknown"
verdict = "caution"
allergies = ["iodinated-contrast"]
pregnancy = "unknown"
message = "Contrast allergy, pregnancy unknown."
references = ["PLS"]
"""


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    built_in = (resources.files("interventional.safety") / "data" / "rules.toml").read_text("utf-8")
    path: Path = tmp_path_factory.mktemp("clinic") / "rules.toml"
    path.write_text(built_in + CLINIC_RULES, encoding="utf-8")
    return load_rules(rules=path)


def _fired(rules: RuleSet, **patient: object) -> list[str]:
    result = assess(Patient(age=50, **patient), KNEE, at=AT, rules=rules)  # type: ignore[arg-type]
    return [
        f.code.removeprefix("rule:") for f in result.findings if f.code.startswith("rule:clinic")
    ]


@pytest.mark.parametrize(
    ("patient", "fired"),
    [
        ({"pregnant": False}, []),
        ({"pregnant": False, "conditions": ["diabetes"]}, ["clinic-diabetes-note"]),
        ({"pregnant": False, "devices": ["pacemaker"]}, ["clinic-pacemaker-note"]),
        # found as diabetes rules first, then the device rule: reported in file order
        (
            {"pregnant": False, "conditions": ["diabetes"], "devices": ["pacemaker"]},
            ["clinic-pacemaker-note", "clinic-diabetes-with-pacemaker", "clinic-diabetes-note"],
        ),
        # DEFER sorts before CAUTION; pregnancy must be "yes", not unknown
        (
            {"pregnant": True, "conditions": ["diabetes"]},
            ["clinic-pregnant-diabetic", "clinic-diabetes-note"],
        ),
        ({"pregnant": None, "conditions": ["diabetes"]}, ["clinic-diabetes-note"]),
        ({"pregnant": True}, []),
        (
            {"pregnant": None, "allergies": ["iodinated-contrast"]},
            ["clinic-contrast-allergy-pregnancy-unknown"],
        ),
        ({"pregnant": False, "allergies": ["iodinated-contrast"]}, []),
        ({"pregnant": True, "allergies": ["iodinated-contrast"]}, []),
        ({"pregnant": None}, []),
    ],
)
def test_rules_with_two_patient_selectors_need_both(
    clinic: RuleSet, patient: dict[str, object], fired: list[str]
) -> None:
    assert _fired(clinic, **patient) == fired


def test_the_built_in_rules_are_unchanged_by_the_clinic_rules(clinic: RuleSet) -> None:
    patient = Patient(age=50, pregnant=None, conditions=["diabetes"], devices=["pacemaker"])
    mine = assess(patient, KNEE, at=AT, rules=clinic)
    built_in = assess(patient, KNEE, at=AT)
    assert [f for f in mine.findings if not f.code.startswith("rule:clinic")] == list(
        built_in.findings
    )


def _selects(rule: Rule, patient: Patient) -> bool:
    """Every patient selector the rule gives matches (the rules file's meaning)."""
    pregnancy = {"yes": True, "unknown": None}
    return (
        (not rule.conditions or bool(set(rule.conditions) & set(patient.conditions)))
        and (not rule.devices or bool(set(rule.devices) & set(patient.devices)))
        and (not rule.allergies or bool(set(rule.allergies) & set(patient.allergies)))
        and (rule.pregnancy is None or patient.pregnant is pregnancy[rule.pregnancy])
    )


@pytest.mark.slow  # a hypothesis search
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    patient=strategies.patients(),
    procedure_plan=strategies.plans(),
    extra=st.sampled_from([{}, {"conditions": ["diabetes"], "devices": ["pacemaker"]}]),
    allergies=st.sampled_from([[], ["iodinated-contrast"], ["corticosteroid", "lidocaine"]]),
    pregnant=st.sampled_from([True, False, None]),
    use_clinic=st.booleans(),
)
def test_the_fired_rules_are_those_a_plain_reading_of_the_rules_fires(
    clinic: RuleSet,
    patient: Patient,
    procedure_plan: object,
    extra: dict[str, list[str]],
    allergies: list[str],
    pregnant: bool | None,
    use_clinic: bool,
) -> None:
    rules = clinic if use_clinic else default_rules()
    patient = attrs.evolve(
        patient,
        pregnant=pregnant,
        conditions=[*patient.conditions, *extra.get("conditions", [])],
        devices=[*patient.devices, *extra.get("devices", [])],
        allergies=[*patient.allergies, *allergies],
    )
    facts = read_plan(procedure_plan)  # type: ignore[arg-type]
    fired = [
        rule
        for rule in rules.rules
        if not rule.builtin and plan_matches(rule, facts) and _selects(rule, patient)
    ]
    ids = {rule.id for rule in fired}
    expected = [
        "rule:" + rule.id for rule in fired if not any(other in ids for other in rule.exclusive_of)
    ]
    result = assess(patient, procedure_plan, at=strategies.NOW, rules=rules)  # type: ignore[arg-type]
    found = [f.code for f in result.findings if f.code.startswith("rule:")]
    # findings sort by verdict (stable), so compare each verdict's rules in file order
    by_verdict = {f.code: f.verdict for f in result.findings}
    assert sorted(found) == sorted(expected)
    assert found == sorted(expected, key=lambda code: -by_verdict[code].rank)


def test_the_fired_rules_kept_per_plan_are_bounded() -> None:
    memo = compile_plan(default_rules(), KNEE).rules.memo
    for number in range(memo.limit + 10):
        assess(Patient(age=50, conditions=[f"other:code-{number}"]), KNEE, at=AT)
        assert 0 < len(memo) <= memo.limit
    # the same codes as a patient seen before give the same findings, kept or not
    again = assess(Patient(age=50, conditions=["other:code-0"]), KNEE, at=AT)
    assert again == assess(Patient(age=50, conditions=["other:code-0"]), KNEE, at=AT)
