"""Edges of the patient model and the engine's entry points that the approval battery skips.

Messages written on first read, a finding's repr, the refusal of an empty unresolved
record, a patient's unresolved records in its HTML, allergy spellings that are not stored
ones, a procedure time handed on by :meth:`Assessment.draw_timeline`, and a clinic's rule
set handed on by :func:`assess_many`.
"""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from interventional.errors import ValidationError
from interventional.procedures import plan
from interventional.safety import (
    Finding,
    MedicationUse,
    Patient,
    RuleSet,
    assess,
    assess_many,
    load_rules,
)
from interventional.safety.model import LazyText, UnresolvedRecord

AT = datetime(2026, 3, 10, 9, 0)
KNEE = plan("knee-joint-injection", side="left", modality="ultrasound")


def test_a_lazy_text_is_written_once_from_its_function_and_arguments() -> None:
    calls: list[tuple[object, ...]] = []

    def write(*args: object) -> str:
        calls.append(args)
        return "{} mg of {}".format(*args)

    text = LazyText(write, 10, "lidocaine")
    assert calls == []  # nothing is written before it is read
    assert str(text) == "10 mg of lidocaine"
    assert repr(text) == "'10 mg of lidocaine'"
    assert str(text) == "10 mg of lidocaine"
    assert calls == [(10, "lidocaine")]  # written once
    assert pickle.loads(pickle.dumps(text)) == "10 mg of lidocaine"


def test_a_findings_repr_shows_its_class_and_written_message() -> None:
    finding = Finding("dose:x", "proceed", LazyText("{} mg".format, 10), [])
    assert repr(finding) == (
        "Finding(code='dose:x', verdict=<Verdict.PROCEED: 'proceed'>, message='10 mg', "
        "references=(), drug=None, until=None)"
    )


@pytest.mark.parametrize("field", ["source", "what", "reason"])
def test_an_unresolved_record_needs_each_text(field: str) -> None:
    values = {"source": "MedicationStatement/7", "what": "warfarin?", "reason": "no time"}
    values[field] = "  "
    with pytest.raises(ValidationError) as caught:
        UnresolvedRecord(**values)
    assert (caught.value.field, caught.value.reason) == (field, "must be non-empty text, got '  '")


def test_a_patients_html_lists_its_unresolved_records() -> None:
    patient = Patient(
        age=40,
        unresolved=[
            UnresolvedRecord("MedicationStatement/7", "warfarin?", "no effective time"),
            UnresolvedRecord("Observation/2", "INR", "no value"),
        ],
    )
    assert patient._repr_html_().endswith(
        "<tr><th>devices</th><td>none</td></tr>"
        "<tr><th>unresolved</th><td>MedicationStatement/7, Observation/2</td></tr></table>"
    )


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (["steroid"], ("corticosteroid",)),
        (["contrast"], ("iodinated-contrast",)),
        (["iodine", "lidocaine"], ("iodinated-contrast", "lidocaine")),
    ],
)
def test_an_allergy_alias_is_stored_in_its_own_spelling(
    given: list[str], stored: tuple[str, ...]
) -> None:
    assert Patient(age=40, allergies=given).allergies == stored
    # a sorted tuple, as a Patient keeps its own codes, is read the same way
    assert Patient(age=40, allergies=tuple(sorted(given))).allergies == stored


def test_an_unknown_allergy_in_lower_case_is_refused() -> None:
    for given in (["peanut"], ("peanut",)):
        with pytest.raises(ValidationError) as caught:
            Patient(age=40, allergies=given)
        assert caught.value.field == "allergies"
        assert caught.value.reason.startswith("unknown allergy 'peanut'")


def test_draw_timeline_hands_on_the_procedure_time() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    patient = Patient(
        age=64, medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=5))]
    )
    result = assess(patient, plan("spinal-cord-stimulator-trial", levels=["T8"]), at=AT)
    assert result.earliest_time is not None
    later = result.earliest_time + timedelta(days=1)
    try:
        ax = result.draw_timeline(patient, procedure_time=later)
        labels = {line.get_label() for line in ax.get_lines()}
        assert "procedure" in labels
        assert "procedure" not in {line.get_label() for line in result.draw_timeline().get_lines()}
    finally:
        plt.close("all")


CLINIC_RULE = """
[[rule]]
id = "clinic-everyone"
verdict = "caution"
message = "Every patient of the clinic: check the consent form."
references = ["PLS"]
"""


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    built_in = (resources.files("interventional.safety") / "data" / "rules.toml").read_text("utf-8")
    path: Path = tmp_path_factory.mktemp("clinic") / "rules.toml"
    path.write_text(built_in + CLINIC_RULE, encoding="utf-8")
    return load_rules(rules=path)


def test_assess_many_in_one_process_uses_the_rule_set_given(clinic: RuleSet) -> None:
    pairs = [(Patient(age=50), KNEE), (Patient(age=70), KNEE)]
    for workers in (None, 1):
        results = assess_many(pairs, at=AT, workers=workers, rules=clinic)
        assert [[f.code for f in r.findings] for r in results] == [["rule:clinic-everyone"]] * 2
    # one pair needs no worker process, so any rule set will do
    (one,) = assess_many(pairs[:1], at=AT, workers=2, rules=clinic)
    assert [f.code for f in one.findings] == ["rule:clinic-everyone"]


def test_a_worker_assesses_its_chunk_as_assess_does(clinic: RuleSet) -> None:
    """What each worker process of assess_many runs, run here (a pool hides it from coverage)."""
    from interventional.safety.engine import _assess_chunk

    held = Patient(
        age=64, medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=8))]
    )
    scs = plan("spinal-cord-stimulator-trial", levels=["T8"])
    chunk = [(held, scs), (Patient(age=50), KNEE)]
    length = timedelta(minutes=40)
    expected = [assess(p, q, at=AT, duration=length, rules=clinic) for p, q in chunk]
    assert _assess_chunk(chunk, AT, clinic, length) == expected
    assert expected[0].restart["clopidogrel"] == AT + length + timedelta(days=1)
    assert "rule:clinic-everyone" in {f.code for f in expected[1].findings}
    assert _assess_chunk(chunk, AT, None) == [assess(p, q, at=AT) for p, q in chunk]


def test_a_clinic_rule_set_is_refused_as_soon_as_two_pairs_would_be_shared_out(
    clinic: RuleSet,
) -> None:
    pairs = [(Patient(age=50), KNEE), (Patient(age=70), KNEE)]
    with pytest.raises(ValidationError) as caught:
        assess_many(pairs, at=AT, workers=2, rules=clinic)
    assert caught.value.field == "rules"
