"""A clinic's rules with several patient selectors fire only when all of them match, and
fired rules are reported in the order of the rules file, whatever order they were found in.

The built-in rules have one kind of patient selector each (the engine's index decides
those alone); these rules give two, so the engine must check the patient again.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest

from interventional.procedures import plan
from interventional.safety import Patient, assess
from interventional.safety.rules import RuleSet, load_rules

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
