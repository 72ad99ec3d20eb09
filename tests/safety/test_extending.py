"""The rule author's guide (docs/howto/extend-the-safety-engine.md), one test per recipe.

Each recipe touches one place: a rule with a new patient selector in a rules file, a stage
in the list of stages, a row in a hold table. The memo of fired rules is keyed by the
selectors the plan's rules declare, so a rule with an age or a lab selector is answered
for each patient's own age and labs, whatever was answered before for the same codes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
import tomli
import tomli_w

from interventional.procedures import plan
from interventional.safety import (
    Finding,
    LabResult,
    MedicationUse,
    Patient,
    RuleSet,
    Verdict,
    assess,
    engine,
    load_rules,
)
from interventional.safety.case import Case
from interventional.safety.compiled import compile_plan
from interventional.safety.stages import STAGES, Stage

AT = datetime(2026, 3, 10, 9, 0)
KNEE = plan("knee-joint-injection", side="left", modality="ultrasound")

AGE_AND_LAB_RULES = """
[[rule]]
id = "clinic-older-diabetic"
verdict = "caution"
conditions = ["diabetes"]
min_age = 80
message = "Diabetic and 80 or older: check the glucose before the procedure."
references = ["PLS"]

[[rule]]
id = "clinic-high-inr"
verdict = "defer"
lab_above = {inr = 1.5}
message = "INR above 1.5: repeat it before the procedure."
references = ["PLS"]

[[rule]]
id = "clinic-low-platelets"
verdict = "caution"
lab_below = {platelets = 100000}
message = "Platelets below 100,000/µL."
references = ["PLS"]
"""


def _builtin(name: str) -> str:
    return (resources.files("interventional.safety") / "data" / name).read_text("utf-8")


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    path: Path = tmp_path_factory.mktemp("clinic") / "rules.toml"
    path.write_text(_builtin("rules.toml") + AGE_AND_LAB_RULES, encoding="utf-8")
    return load_rules(rules=path)


def _fired(rules: RuleSet, patient: Patient) -> set[str]:
    result = assess(patient, KNEE, at=AT, rules=rules)
    return {f.code for f in result.findings if f.code.startswith("rule:clinic-")}


def test_the_memo_of_fired_rules_is_keyed_by_an_age_selector(clinic: RuleSet) -> None:
    young, old = (Patient(age=age, conditions=["diabetes"]) for age in (50, 85))
    # the same codes, alternately: each answer is read back from the memo after the first
    for _ in range(2):
        assert _fired(clinic, young) == set()
        assert _fired(clinic, old) == {"rule:clinic-older-diabetic"}
    assert _fired(clinic, Patient(age=80, conditions=["diabetes"])) == {
        "rule:clinic-older-diabetic"
    }  # inclusive
    assert _fired(clinic, Patient(age=85)) == set()  # every selector must match
    selectors = {s.name for s in compile_plan(clinic, KNEE).rules.selectors}
    assert {"conditions", "min_age", "lab_above", "lab_below"} <= selectors


def test_the_memo_of_fired_rules_is_keyed_by_a_lab_selector(clinic: RuleSet) -> None:
    def with_inr(value: float) -> Patient:
        return Patient(age=60, labs=[LabResult("inr", value, AT - timedelta(hours=2))])

    for _ in range(2):
        assert _fired(clinic, with_inr(1.1)) == set()
        assert _fired(clinic, with_inr(1.8)) == {"rule:clinic-high-inr"}
    assert _fired(clinic, with_inr(1.5)) == set()  # above, not at
    assert _fired(clinic, Patient(age=60)) == set()  # no INR: no match
    low = Patient(age=60, labs=[LabResult("platelets", "80e3 / µL", AT - timedelta(hours=2))])
    assert _fired(clinic, low) == {"rule:clinic-low-platelets"}
    # the latest result counts
    later = Patient(
        age=60,
        labs=[
            LabResult("inr", 1.9, AT - timedelta(days=2)),
            LabResult("inr", 1.0, AT - timedelta(hours=1)),
        ],
    )
    assert _fired(clinic, later) == set()


def test_a_lab_selector_names_a_known_lab(tmp_path: Path) -> None:
    from interventional.errors import CatalogError

    path = tmp_path / "rules.toml"
    path.write_text(
        _builtin("rules.toml")
        + '\n[[rule]]\nid = "x"\nverdict = "caution"\nlab_above = {inrr = 2}\n'
        'message = "x"\nreferences = ["PLS"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="lab"):
        load_rules(rules=path)


def test_a_stage_added_to_the_list_runs_with_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    def run(case: Case) -> None:
        case.add(Finding("device:mri", Verdict.CAUTION, "An implanted device: check MRI.", ()))

    stage = Stage(
        name="implanted-devices",
        reads=("patient.devices",),
        applies=lambda case: bool(case.patient.devices),
        run=run,
    )
    monkeypatch.setattr(engine, "STAGES", (*STAGES, stage))
    with_device = assess(Patient(age=60, devices=["pacemaker"]), KNEE, at=AT)
    assert [f.code for f in with_device.by_code("device")] == ["device:mri"]
    assert with_device.verdict >= Verdict.CAUTION
    assert not assess(Patient(age=60), KNEE, at=AT).by_code("device")  # its precondition


def test_a_hold_row_added_to_a_table_is_read_at_each_class(tmp_path: Path) -> None:
    records = tomli.loads(_builtin("holds.toml"))["hold"]
    kept = [record for record in records if "fish-oil" not in record["drugs"]]
    assert len(kept) == len(records) - 1
    fish = MedicationUse("fish-oil", last_dose=AT - timedelta(days=2))
    path = tmp_path / "holds.toml"
    path.write_text(tomli_w.dumps({"hold": kept}), encoding="utf-8")
    without = load_rules(holds=path)
    (finding,) = assess(Patient(age=60, medications=[fish]), KNEE, at=AT, rules=without).by_code(
        "no-rule"
    )
    assert finding.verdict is Verdict.INSUFFICIENT_DATA
    row = {
        "id": "clinic-fish-oil",
        "drugs": ["fish-oil"],
        "references": ["N2018"],
        "high": {"action": "hold", "hold": "7 day", "text": "stop 7 days before"},
        "intermediate": {"action": "hold", "hold": "3 day", "text": "stop 3 days before"},
        "low": {"action": "none", "text": "no need to stop"},
    }
    path.write_text(tomli_w.dumps({"hold": [*kept, row]}), encoding="utf-8")
    clinic = load_rules(holds=path)
    patient = Patient(age=60, medications=[fish])
    scs = plan("spinal-cord-stimulator-trial", levels=["T8"])
    (high,) = assess(patient, scs, at=AT, rules=clinic).by_code("hold:fish-oil")
    assert high.verdict is Verdict.DEFER
    assert high.until == AT + timedelta(days=5)
    (low,) = assess(patient, KNEE, at=AT, rules=clinic).by_code("hold:fish-oil")
    assert low.verdict is Verdict.PROCEED
    assert "no need to stop" in low.message


def test_a_builtin_checks_verdicts_are_read_from_its_record(tmp_path: Path) -> None:
    from interventional.pharmacology import Dose

    tfesi = plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("iohexol", volume="1 mL")],
    )
    (as_shipped,) = assess(Patient(age=60), tfesi, at=AT).by_code("contrast-label")
    assert as_shipped.verdict is Verdict.CAUTION
    text = _builtin("rules.toml")
    assert 'unidentified = "caution"' in text
    path = tmp_path / "rules.toml"
    path.write_text(text.replace('unidentified = "caution"', 'unidentified = "defer"'), "utf-8")
    (edited,) = assess(Patient(age=60), tfesi, at=AT, rules=load_rules(rules=path)).by_code(
        "contrast-label"
    )
    assert edited.verdict is Verdict.DEFER
    assert edited.message == as_shipped.message  # the words are the template's


def test_a_builtin_record_gives_every_outcome_its_check_needs(tmp_path: Path) -> None:
    from interventional.errors import CatalogError

    text = _builtin("rules.toml").replace(', labelled = "proceed"', "")
    path = tmp_path / "rules.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(CatalogError, match=r"neuraxial-contrast-label.*labelled"):
        load_rules(rules=path)
