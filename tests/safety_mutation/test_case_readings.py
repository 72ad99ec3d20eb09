"""What a case reads of the patient, and where restarts count from, one promise at a time.

The latest result of a lab skips untimed results and, of simultaneous ones, keeps the
worse (for the labs the engine decides on and for those a clinic's rules may read); a
negative lab value is refused in words that name the test; the procedure end says which
duration it counts from. Plans are compiled with a fresh rule set where their findings are
compiled once per plan (the contrast label).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from interventional.errors import ValidationError
from interventional.pharmacology import Dose
from interventional.procedures import plan
from interventional.safety import LabName, LabResult, Patient, RuleSet, Verdict, assess, load_rules
from interventional.safety.decisions import procedure_end

AT = datetime(2026, 3, 10, 9, 0)
KNEE = plan("knee-joint-injection", side="left", modality="ultrasound")
SCS = plan("spinal-cord-stimulator-trial", levels=["T8"])

CLINIC_RULES = """
[[rule]]
id = "clinic-high-creatinine"
verdict = "caution"
lab_above = {creatinine = 1.5}
message = "Creatinine above 1.5 mg/dL."
references = ["PLS"]

[[rule]]
id = "clinic-low-egfr"
verdict = "caution"
lab_below = {egfr = 30}
message = "eGFR below 30 mL/min/1.73 m2."
references = ["PLS"]
"""


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    built_in = (resources.files("interventional.safety") / "data" / "rules.toml").read_text("utf-8")
    path: Path = tmp_path_factory.mktemp("clinic") / "rules.toml"
    path.write_text(built_in + CLINIC_RULES, encoding="utf-8")
    return load_rules(rules=path)


def test_an_untimed_result_is_skipped_and_the_later_ones_still_read() -> None:
    labs = [
        LabResult("platelets", "40e3 / µL"),  # no time: cannot be judged recent
        LabResult("platelets", "40e3 / µL", AT - timedelta(hours=2)),
    ]
    (finding,) = assess(Patient(age=50, labs=labs), SCS, at=AT).by_code("lab:platelets")
    assert finding.verdict is Verdict.DEFER  # below the neuraxial minimum
    assert finding.message.startswith("Platelets 40,000/µL (2026-03-10 07:00) below")


@pytest.mark.parametrize("order", [1, -1])
def test_of_simultaneous_results_of_a_rules_lab_the_higher_counts(
    clinic: RuleSet, order: int
) -> None:
    taken = AT - timedelta(hours=2)
    labs = [
        LabResult("creatinine", "1.2 mg/dL", taken),
        LabResult("creatinine", "2.0 mg/dL", taken),
    ]
    result = assess(Patient(age=50, labs=labs[::order]), KNEE, at=AT, rules=clinic)
    assert "rule:clinic-high-creatinine" in {f.code for f in result.findings}


@pytest.mark.parametrize("order", [1, -1])
def test_of_simultaneous_egfr_results_the_lower_counts(clinic: RuleSet, order: int) -> None:
    taken = AT - timedelta(hours=2)
    labs = [LabResult("egfr", "20 mL/min", taken), LabResult("egfr", "60 mL/min", taken)]
    result = assess(Patient(age=50, labs=labs[::order]), KNEE, at=AT, rules=clinic)
    assert "rule:clinic-low-egfr" in {f.code for f in result.findings}


def test_every_lab_says_which_direction_is_worse() -> None:
    from interventional.safety.case import _HIGHER_IS_WORSE

    assert set(_HIGHER_IS_WORSE) == set(LabName)


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("platelets", "-1 / µL", "a platelet count cannot be negative, got '-1 / µL'"),
        (
            "creatinine-clearance",
            "-1 mL/min",
            "a creatinine clearance cannot be negative, got '-1 mL/min'",
        ),
        ("aptt", "-1 s", "an aPTT cannot be negative, got '-1 s'"),
        ("creatinine", "-1 mg/dL", "a creatinine cannot be negative, got '-1 mg/dL'"),
        ("egfr", "-1 mL/min", "an eGFR cannot be negative, got '-1 mL/min'"),
    ],
)
def test_a_negative_lab_value_is_refused_in_words_naming_the_test(
    name: str, value: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        LabResult(name, value)
    assert (caught.value.field, caught.value.reason) == ("value", reason)
    assert LabName(name).display_name  # every test of the library has a name to write


def test_the_procedure_end_says_which_duration_it_counts_from() -> None:
    forty, hour, typical = timedelta(minutes=40), timedelta(hours=1), timedelta(hours=3)
    given = procedure_end(forty, hour, typical, procedure_id="x")
    assert (given.duration, given.source, given.procedure_id) == (forty, "assessment", "x")
    planned = procedure_end(None, hour, typical, procedure_id="x")
    assert (planned.duration, planned.source, planned.procedure_id) == (hour, "plan", "x")
    none = procedure_end(None, None, typical, procedure_id="x")
    assert (none.duration, none.source, none.procedure_id, none.typical) == (
        None,
        "none",
        "x",
        typical,
    )
    assert procedure_end().procedure_id == ""


def test_a_contrast_labelled_against_intrathecal_use_defers_a_plan_compiled_afresh() -> None:
    tf = plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[
            Dose("dexamethasone", "10 mg"),
            Dose("iohexol", volume="1 mL", concentration="350 mg/mL"),
        ],
    )
    result = assess(Patient(age=50, pregnant=False), tf, at=AT, rules=load_rules())
    (finding,) = result.by_code("contrast-label")
    assert finding.verdict is Verdict.DEFER
    assert finding.message.startswith(
        "iohexol 350 mg / mL: this presentation is labelled against intrathecal use"
    )


def test_a_required_platelet_count_too_old_says_when_and_the_age_limit() -> None:
    labs = [LabResult("platelets", "150e3 / µL", AT - timedelta(days=40))]
    patient = Patient(age=50, pregnant=False, conditions=["thrombocytopenia"], labs=labs)
    (finding,) = assess(patient, SCS, at=AT).by_code("lab:platelets")
    assert finding.verdict is Verdict.INSUFFICIENT_DATA
    assert finding.message == (
        "A recent platelet count is required (thrombocytopenia) before a neuraxial or "
        "high-risk procedure: the latest (2026-01-29 09:00) is older than 7 days (library "
        "policy)."
    )
