"""Shapes of a clinic's hold table that the built-in table does not have.

The built-in table gives every drug that affects haemostasis a row of its own, every drug
with variants a row per variant, and a renal interval only where it lengthens the row's
washout. A clinic's table may differ: a drug left without a row, a drug read through its
class's row, one variant only, variants by indication and by route at once, a renal
interval shorter than the row's longest. Each is read as the rules file says.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomli_w

from interventional.procedures import plan
from interventional.safety import (
    Assessment,
    MedicationUse,
    Patient,
    RuleSet,
    Verdict,
    assess,
    load_rules,
)

AT = datetime(2026, 3, 10, 9, 0)
KNEE = plan("knee-joint-injection", side="left", modality="ultrasound")  # low risk
SCS = plan("spinal-cord-stimulator-trial", levels=["T8"])  # high risk

RENAL_ROW = {
    "id": "clinic-fish-oil",
    "drugs": ["fish-oil"],
    "references": ["N2018"],
    "high": {"action": "hold", "hold": "5 day", "text": "stop 5 days before"},
    "intermediate": {"action": "hold", "hold": "3 day", "text": "stop 3 days before"},
    "low": {
        "action": "hold",
        "hold": "1 day",
        "renal_hold": "2 day",
        "text": "stop 1 day before (2 with impaired renal function)",
    },
}


def _keep(record: dict[str, Any]) -> dict[str, Any] | None:
    drugs = record["drugs"]
    if record["id"] == "clopidogrel" or "fish-oil" in drugs:
        return None
    if record["id"] == "ssri-snri":  # sertraline and the others by their class only
        return {**record, "drugs": ["fluoxetine"]}
    if "enoxaparin" in drugs and record.get("indication") == "prophylactic":
        return None
    if "heparin" in drugs and record.get("route") == "intravenous":
        return None
    return record


def _table(tmp_path: Path, *extra: dict[str, Any]) -> RuleSet:
    text = (resources.files("interventional.safety") / "data" / "holds.toml").read_text("utf-8")
    records = [kept for record in tomli.loads(text)["hold"] if (kept := _keep(record))]
    path = tmp_path / "holds.toml"
    path.write_text(tomli_w.dumps({"hold": [*records, RENAL_ROW, *extra]}), encoding="utf-8")
    return load_rules(holds=path)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return _table(tmp_path_factory.mktemp("holds"))


def _hold(result: Assessment, drug: str) -> Any:
    (finding,) = [f for f in result.findings if f.drug == drug]
    return finding


def _assess(
    rules: RuleSet, medication: MedicationUse, procedure: Any = SCS, **patient: Any
) -> Assessment:
    return assess(
        Patient(age=60, medications=[medication], **patient), procedure, at=AT, rules=rules
    )


def test_a_drug_that_affects_haemostasis_without_a_row_is_insufficient_data(
    clinic: RuleSet,
) -> None:
    result = _assess(clinic, MedicationUse("clopidogrel", last_dose=AT - timedelta(days=30)))
    finding = _hold(result, "clopidogrel")
    assert (finding.code, finding.verdict) == ("no-rule:clopidogrel", Verdict.INSUFFICIENT_DATA)
    assert finding.message == (
        "Clopidogrel (p2y12-inhibitor) affects haemostasis but the rule set has no hold rule "
        "for it: decide with the prescriber."
    )
    assert result.earliest_time is None


def test_a_drug_without_its_own_row_reads_its_classs_row(clinic: RuleSet) -> None:
    medication = MedicationUse("sertraline", last_dose=AT - timedelta(days=1))
    codes = {f.code: f.verdict for f in _assess(clinic, medication).findings}
    assert codes["hold:sertraline"] is Verdict.INSUFFICIENT_DATA  # the class row: shared
    assert codes["unverified:sertraline"] is Verdict.CAUTION
    assert "no-rule:sertraline" not in codes


def test_a_single_variant_row_does_not_apply_to_a_medication_without_it(clinic: RuleSet) -> None:
    # only the therapeutic row is left: enoxaparin without indication is read as a
    # variant that is not given, which agrees here (the hold is met)
    met = _hold(
        _assess(clinic, MedicationUse("enoxaparin", last_dose=AT - timedelta(days=3))), "enoxaparin"
    )
    assert (met.code, met.verdict, met.until) == ("hold:enoxaparin", Verdict.PROCEED, None)
    assert met.message == "Enoxaparin: no hold needed whatever the indication (therapeutic)."
    given = MedicationUse("enoxaparin", indication="therapeutic", last_dose=AT - timedelta(days=3))
    therapeutic = _hold(_assess(clinic, given), "enoxaparin")
    assert therapeutic.message.startswith("Enoxaparin (therapeutic): hold of 1 day before a high")
    heparin = _hold(
        _assess(clinic, MedicationUse("heparin", last_dose=AT - timedelta(days=3))), "heparin"
    )
    assert (
        heparin.message
        == "Heparin (unfractionated): no hold needed whatever the route (subcutaneous)."
    )


def test_variants_by_indication_and_by_route_ask_for_both(tmp_path: Path) -> None:
    text = (resources.files("interventional.safety") / "data" / "holds.toml").read_text("utf-8")
    (row,) = [r for r in tomli.loads(text)["hold"] if r.get("route") == "subcutaneous"]
    by_indication = {key: value for key, value in row.items() if key != "route"}
    rules = _table(
        tmp_path, {**by_indication, "id": "clinic-heparin-therapeutic", "indication": "therapeutic"}
    )
    recent = _hold(
        _assess(rules, MedicationUse("heparin", last_dose=AT - timedelta(hours=1))), "heparin"
    )
    assert (recent.code, recent.verdict) == ("variant:heparin", Verdict.INSUFFICIENT_DATA)
    assert recent.message == (
        "Heparin (unfractionated): the rule depends on the indication or route (subcutaneous, "
        "therapeutic), which is not given, and the variants disagree: record the indication "
        "and route."
    )
    old = _hold(
        _assess(rules, MedicationUse("heparin", last_dose=AT - timedelta(days=30))), "heparin"
    )
    assert (old.code, old.verdict) == ("hold:heparin", Verdict.PROCEED)
    assert old.message == (
        "Heparin (unfractionated): no hold needed whatever the indication or route "
        "(subcutaneous, therapeutic)."
    )


def test_a_renal_interval_applies_with_impaired_renal_function(clinic: RuleSet) -> None:
    # the low-risk renal interval (2 days) is shorter than the row's washout (5 days)
    medication = MedicationUse("fish-oil", last_dose=AT - timedelta(hours=36))
    impaired = _assess(clinic, medication, KNEE, creatinine_clearance="20 mL/min")
    finding = _hold(impaired, "fish-oil")
    assert (finding.verdict, finding.until) == (Verdict.DEFER, AT + timedelta(hours=12))
    assert "Renal function impaired: the renal interval applies." in finding.message
    normal = _hold(_assess(clinic, medication, KNEE, creatinine_clearance="90 mL/min"), "fish-oil")
    assert (normal.verdict, normal.until) == (Verdict.PROCEED, AT - timedelta(hours=12))


def test_a_row_naming_both_an_indication_and_a_route_is_shown_as_both(tmp_path: Path) -> None:
    text = (resources.files("interventional.safety") / "data" / "holds.toml").read_text("utf-8")
    (row,) = [r for r in tomli.loads(text)["hold"] if r.get("route") == "subcutaneous"]
    both = {**row, "id": "clinic-heparin-both", "indication": "therapeutic", "route": "intravenous"}
    rules = _table(tmp_path, both)
    recent = _hold(
        _assess(rules, MedicationUse("heparin", last_dose=AT - timedelta(hours=1))), "heparin"
    )
    assert recent.code == "variant:heparin"
    assert "(subcutaneous, therapeutic/intravenous)" in recent.message
