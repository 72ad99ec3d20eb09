"""The patient selectors of a rule (``selectors.py``), read one rule and one patient at a time.

The table :data:`PATIENT_SELECTORS` is built once, when the module is imported, so these
tests also build the selectors of codes afresh (``_codes_selector``) and check them, and
:func:`patient_matches` against a plain reading of what each selector means.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from interventional.procedures import plan
from interventional.safety import LabResult, Patient
from interventional.safety.case import Case, check_times
from interventional.safety.compiled import compile_plan
from interventional.safety.rules import Rule, RuleSet, load_rules
from interventional.safety.selectors import (
    PATIENT_SELECTORS,
    _codes_selector,
    patient_matches,
)

AT = datetime(2026, 3, 10, 9, 0)
KNEE = plan("knee-joint-injection", side="left", modality="ultrasound")
CODE_SELECTORS = ("conditions", "devices", "allergies")

SELECTOR_RULES = """
[[rule]]
id = "clinic-diabetes-with-pacemaker"
verdict = "caution"
conditions = ["diabetes"]
devices = ["pacemaker"]
message = "Diabetes and a pacemaker."
references = ["PLS"]

[[rule]]
id = "clinic-contrast-allergy"
verdict = "caution"
allergies = ["iodinated-contrast", "lidocaine"]
message = "Allergy."
references = ["PLS"]

[[rule]]
id = "clinic-pregnant"
verdict = "defer"
pregnancy = "yes"
message = "Pregnant."
references = ["PLS"]

[[rule]]
id = "clinic-pregnancy-unknown"
verdict = "caution"
pregnancy = "unknown"
message = "Pregnancy unknown."
references = ["PLS"]

[[rule]]
id = "clinic-older"
verdict = "caution"
min_age = 80
message = "80 or older."
references = ["PLS"]

[[rule]]
id = "clinic-high-inr-low-platelets"
verdict = "defer"
lab_above = {inr = 1.5}
lab_below = {platelets = 100000}
message = "INR above 1.5 and platelets below 100,000/µL."
references = ["PLS"]
"""


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    built_in = (resources.files("interventional.safety") / "data" / "rules.toml").read_text("utf-8")
    path: Path = tmp_path_factory.mktemp("selectors") / "rules.toml"
    path.write_text(built_in + SELECTOR_RULES, encoding="utf-8")
    return load_rules(rules=path)


def _case(rules: RuleSet, patient: Patient) -> Case:
    aware = check_times(patient, AT)
    compiled = compile_plan(rules, KNEE)
    return Case(patient, compiled, AT, aware, rules, compiled.facts.default_end)


def _labs(inr: float | None = None, platelets: str | None = None) -> list[LabResult]:
    out = []
    if inr is not None:
        out.append(LabResult("inr", inr, AT - timedelta(hours=2)))
    if platelets is not None:
        out.append(LabResult("platelets", platelets, AT - timedelta(hours=2)))
    return out


PATIENTS = [
    Patient(age=50, pregnant=False),
    Patient(age=50, pregnant=True, conditions=["diabetes"]),
    Patient(age=50, pregnant=None, conditions=["diabetes"], devices=["pacemaker"]),
    Patient(age=80, pregnant=False, devices=["pacemaker"], allergies=["lidocaine"]),
    Patient(age=79.9, pregnant=False, allergies=["iodinated-contrast", "corticosteroid"]),
    Patient(age=81, pregnant=False, labs=_labs(inr=1.6, platelets="90e3 / µL")),
    Patient(age=60, pregnant=False, labs=_labs(inr=1.5, platelets="90e3 / µL")),
    Patient(age=60, pregnant=False, labs=_labs(inr=1.6, platelets="100e3 / µL")),
    Patient(age=60, pregnant=False, labs=_labs(inr=1.6)),
    Patient(age=60, pregnant=False, labs=_labs(platelets="50e3 / µL")),
]


def _plain(rule: Rule, patient: Patient) -> bool:
    """Every patient selector the rule gives matches (what the rules file means)."""
    latest = {lab.name.value: lab.magnitude for lab in patient.labs}
    pregnancy = {"yes": True, "unknown": None}
    return (
        all(
            not getattr(rule, name) or bool(set(getattr(rule, name)) & set(getattr(patient, name)))
            for name in CODE_SELECTORS
        )
        and (rule.pregnancy is None or patient.pregnant is pregnancy[rule.pregnancy])
        and (rule.min_age is None or patient.age.m_as("year") >= rule.min_age)
        and all(name in latest and latest[name] > limit for name, limit in rule.lab_above.items())
        and all(name in latest and latest[name] < limit for name, limit in rule.lab_below.items())
    )


@pytest.mark.parametrize("name", CODE_SELECTORS)
def test_a_selector_of_codes_reads_the_rules_and_the_patients_codes(
    clinic: RuleSet, name: str
) -> None:
    built = next(selector for selector in PATIENT_SELECTORS if selector.name == name)
    for selector in (_codes_selector(name), built):
        assert selector.name == name
        assert selector.codes is not None
        for rule in clinic.rules:
            codes = getattr(rule, name)
            assert selector.declared(rule) is bool(codes)
            assert selector.codes(rule) == codes
        for patient in PATIENTS:
            case = _case(clinic, patient)
            assert selector.key(case) == getattr(patient, name)
            for rule in clinic.rules:
                shared = set(getattr(rule, name)) & set(getattr(patient, name))
                assert selector.matches(rule, case) is bool(shared), (rule.id, patient)


def test_the_clinic_rules_reach_every_patient_selector(clinic: RuleSet) -> None:
    clinic_rules = [rule for rule in clinic.rules if rule.id.startswith("clinic-")]
    for selector in PATIENT_SELECTORS:
        assert any(selector.declared(rule) for rule in clinic_rules), selector.name
    # and every clinic rule matches some patient and fails another
    for rule in clinic_rules:
        answers = {_plain(rule, patient) for patient in PATIENTS}
        assert answers == {True, False}, rule.id


@pytest.mark.parametrize("patient", PATIENTS, ids=range(len(PATIENTS)))
def test_patient_matches_is_every_declared_selector(clinic: RuleSet, patient: Patient) -> None:
    case = _case(clinic, patient)
    for rule in clinic.rules:
        if rule.builtin:
            continue
        assert patient_matches(rule, case) is _plain(rule, patient), rule.id
