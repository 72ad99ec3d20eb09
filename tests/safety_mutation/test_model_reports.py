"""Exact reports (explain, HTML, str) and patient files, so that a wrong word or field fails.

The assessments here are built by hand from findings citing a test-only reference, so the
expected text depends only on the report code, not on the rule data.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from interventional.errors import CatalogError, ValidationError
from interventional.procedures.risk import BleedingRisk
from interventional.references import Reference
from interventional.safety import (
    Assessment,
    Finding,
    LabName,
    LabResult,
    MedicationUse,
    Patient,
    Verdict,
    load_patient,
    load_patients,
)
from interventional.units import Q_

REF = Reference("K1", "A title", year=2020, url="https://example.org/k1")
AT = datetime(2026, 3, 10, 9, 0)
HOLD = Finding(
    "hold:clopidogrel",
    "defer",
    "Clopidogrel: stop 7 days before.",
    [REF],
    drug="clopidogrel",
    until=datetime(2026, 3, 12, 8, 0),
)
NOTE = Finding("rule:diabetes", Verdict.CAUTION, 'Check <glucose> & "insulin".', [])
FULL = Assessment(
    "lumbar-medial-branch-block",
    AT,
    BleedingRisk.LOW,
    BleedingRisk.INTERMEDIATE,
    (HOLD, NOTE),
    datetime(2026, 3, 12, 8, 0),
    {"clopidogrel": datetime(2026, 3, 11, 9, 0)},
)
EMPTY = Assessment("x", AT, BleedingRisk.LOW, BleedingRisk.LOW, (), None, {})


def test_a_finding_reads_verdict_message_and_sources() -> None:
    assert str(HOLD) == "DEFER: Clopidogrel: stop 7 days before. [K1]"
    assert str(NOTE) == 'CAUTION: Check <glucose> & "insulin".'
    two = Finding("c", "proceed", "m", [REF, Reference("K2", "B")])
    assert str(two) == "PROCEED: m [K1, K2]"
    assert HOLD.verdict is Verdict.DEFER
    assert NOTE.drug is None
    assert NOTE.until is None


def test_an_assessment_takes_the_most_restrictive_verdict() -> None:
    assert FULL.verdict is Verdict.DEFER
    assert EMPTY.verdict is Verdict.PROCEED
    ordered = Assessment("x", AT, BleedingRisk.LOW, BleedingRisk.LOW, (NOTE, HOLD), None, {})
    assert ordered.verdict is Verdict.DEFER
    assert Assessment("x", AT, BleedingRisk.LOW, BleedingRisk.LOW, (NOTE,), AT, {}).verdict is (
        Verdict.CAUTION
    )


def test_findings_by_code_or_prefix() -> None:
    assert FULL.by_code("hold") == (HOLD,)
    assert FULL.by_code("hold:clopidogrel") == (HOLD,)
    assert FULL.by_code("hold:clop") == ()
    assert FULL.by_code("rule") == (NOTE,)
    assert FULL.by_code("lab") == ()


EXPLAINED = """\
Assessment of lumbar-medial-branch-block at 2026-03-10 09:00
Bleeding risk: low (procedure class), handled as intermediate
Verdict: DEFER
Earliest time every hold is met: 2026-03-12 08:00

Findings (most restrictive first):
  1. [DEFER] hold:clopidogrel
     Clopidogrel: stop 7 days before.
     until: 2026-03-12 08:00
     sources: K1
  2. [CAUTION] rule:diabetes
     Check <glucose> & "insulin".
     sources: library policy

Restart after the procedure (from its end where its duration is known):
  - clopidogrel: not before 2026-03-11 09:00

References:
  [K1] A title (2020). https://example.org/k1

Educational model, not a medical device: check every line against the sources and the patient."""

EXPLAINED_EMPTY = """\
Assessment of x at 2026-03-10 09:00
Bleeding risk: low (procedure class), handled as low
Verdict: PROCEED
Earliest time every hold is met: none (a finding cannot be waited out)

Findings: none

Educational model, not a medical device: check every line against the sources and the patient."""


def test_explain_lists_every_line_a_clinician_checks() -> None:
    assert FULL.explain() == EXPLAINED
    assert EMPTY.explain() == EXPLAINED_EMPTY


def test_explain_cites_each_reference_once() -> None:
    twice = Assessment("x", AT, BleedingRisk.LOW, BleedingRisk.LOW, (HOLD, HOLD), None, {})
    assert twice.explain().count("[K1] A title") == 1


HTML = (
    "<div><p><b>lumbar-medial-branch-block</b> at 2026-03-10 09:00: <b>DEFER</b> (bleeding "
    "risk low, handled as intermediate; earliest time 2026-03-12 08:00)</p><table><tr>"
    "<th>verdict</th><th>code</th><th>message</th><th>until</th><th>sources</th></tr><tr>"
    "<td>DEFER</td><td><code>hold:clopidogrel</code></td><td>Clopidogrel: stop 7 days "
    "before.</td><td>2026-03-12 08:00</td><td>K1</td></tr><tr><td>CAUTION</td><td><code>"
    "rule:diabetes</code></td><td>Check &lt;glucose&gt; &amp; &quot;insulin&quot;.</td><td>"
    "</td><td></td></tr></table><p>Restart:</p><ul><li>clopidogrel: 2026-03-11 09:00</li>"
    "</ul></div>"
)
HTML_EMPTY = (
    "<div><p><b>x</b> at 2026-03-10 09:00: <b>PROCEED</b> (bleeding risk low, handled as "
    "low; earliest time none (a finding cannot be waited out))</p><table><tr><th>verdict</th>"
    "<th>code</th><th>message</th><th>until</th><th>sources</th></tr></table></div>"
)


def test_the_assessment_html_escapes_and_shows_every_finding() -> None:
    assert FULL._repr_html_() == HTML
    assert EMPTY._repr_html_() == HTML_EMPTY


PATIENT_HTML = (
    "<table><caption>Patient P&lt;1&gt;</caption><tr><th>age</th><td>70 a</td></tr><tr>"
    "<th>weight</th><td>80 kg</td></tr><tr><th>pregnant</th><td>False</td></tr><tr>"
    "<th>medications</th><td>aspirin, warfarin</td></tr><tr><th>conditions</th><td>"
    "advanced-age, diabetes</td></tr><tr><th>allergies</th><td>iodinated-contrast</td></tr>"
    "<tr><th>devices</th><td>icd, pacemaker</td></tr></table>"
)
BARE_HTML = (
    "<table><caption>Patient </caption><tr><th>age</th><td>40 a</td></tr><tr><th>weight"
    "</th><td>unknown</td></tr><tr><th>pregnant</th><td>unknown</td></tr><tr><th>medications"
    "</th><td>none</td></tr><tr><th>conditions</th><td>none</td></tr><tr><th>allergies</th>"
    "<td>none</td></tr><tr><th>devices</th><td>none</td></tr></table>"
)


def test_the_patient_html_shows_each_field_or_a_placeholder() -> None:
    patient = Patient(
        age=70,
        weight="80 kg",
        pregnant=False,
        medications=[MedicationUse("aspirin"), MedicationUse("warfarin")],
        conditions=["diabetes", "advanced-age"],
        allergies=["iodine"],
        devices=["pacemaker", "icd"],
        id="P<1>",
    )
    assert patient._repr_html_() == PATIENT_HTML
    assert Patient(age=40)._repr_html_() == BARE_HTML


# --- patient files --------------------------------------------------------------------

EXAMPLE = Path(__file__).parents[2] / "examples" / "patient.toml"


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "patients.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_patient_file_reads_every_field() -> None:
    patient = load_patient(EXAMPLE)
    assert patient == Patient.from_file(EXAMPLE)
    assert patient.id == "example-scs-trial"
    assert patient.pregnant is False
    assert [m.drug for m in patient.medications] == ["clopidogrel", "apixaban", "aspirin"]
    assert patient.medications[2].indication is not None
    assert [lab.name for lab in patient.labs] == [LabName.PLATELETS, LabName.INR]
    assert patient.conditions == ("diabetes", "other:osteoarthritis")
    assert patient.creatinine_clearance is not None
    assert patient.creatinine_clearance.to("mL/min").magnitude == 72


def test_records_are_named_by_id_or_by_number(tmp_path: Path) -> None:
    text = '[[patient]]\nid = "a"\nage = 40\n\n[[patient]]\nage = 50\npregnant = "no"\n'
    with pytest.raises(CatalogError) as caught:
        load_patients(_file(tmp_path, text))
    assert caught.value.record == "patient #2"
    assert caught.value.field == "pregnant"
    assert caught.value.reason == "must be true or false, got 'no'"
    assert caught.value.file == str(tmp_path / "patients.toml")
    text = '[[patient]]\nid = "a"\nage = 40\nconditions = "diabetes"\n'
    with pytest.raises(CatalogError) as caught:
        load_patients(_file(tmp_path, text))
    assert caught.value.record == "patient 'a'"
    assert caught.value.field == "conditions"
    assert caught.value.reason == "must be a list, got 'diabetes'"


@pytest.mark.parametrize("field", ["allergies", "devices", "medications", "labs"])
def test_list_fields_must_be_lists(tmp_path: Path, field: str) -> None:
    with pytest.raises(CatalogError) as caught:
        load_patients(_file(tmp_path, f'[[patient]]\nage = 40\n{field} = "x"\n'))
    assert caught.value.field == field
    assert caught.value.record == "patient #1"


def test_a_patient_file_with_several_patients(tmp_path: Path) -> None:
    text = '[[patient]]\nid = "a"\nage = 40\npregnant = true\n\n[[patient]]\nage = 50\n'
    patients = load_patients(_file(tmp_path, text))
    assert [p.id for p in patients] == ["a", None]
    assert patients[0].pregnant is True
    with pytest.raises(CatalogError) as caught:
        load_patient(_file(tmp_path, text))
    assert caught.value.field == "patient"
    assert caught.value.record is None
    assert caught.value.reason == "expected exactly one [[patient]], found 2"
    with pytest.raises(CatalogError) as caught:
        load_patient(_file(tmp_path, "patient = []\n"))
    assert caught.value.reason == "expected exactly one [[patient]], found 0"


# --- input model edges ----------------------------------------------------------------


def test_lab_values_are_checked_per_lab() -> None:
    assert LabResult("inr", 2).value == 2.0
    assert LabResult("platelets", "150e9 / L").magnitude == pytest.approx(150_000)
    assert LabResult("creatinine-clearance", "60 mL/min").magnitude == pytest.approx(60)
    for value, reason in [
        (True, "an INR must be a number such as 1.1, got True"),
        (None, "an INR must be a number such as 1.1, got None"),
        (0, "an INR must be a positive ratio, got 0"),
        (float("nan"), "an INR must be a positive ratio, got nan"),
    ]:
        with pytest.raises(ValidationError) as caught:
            LabResult("inr", value)
        assert (caught.value.field, caught.value.reason) == ("value", reason)
    with pytest.raises(ValidationError) as caught:  # above the plausibility bound
        LabResult("inr", 100.5)
    assert caught.value.field == "value"
    assert caught.value.reason.startswith("100.5 is not a plausible value: an INR of at most 100")
    assert LabResult("inr", 100).value == 100.0
    with pytest.raises(ValidationError, match="platelet count cannot be negative"):
        LabResult("platelets", "-1 / µL")
    with pytest.raises(ValidationError, match="creatinine clearance cannot be negative"):
        LabResult("creatinine-clearance", "-1 mL/min")
    assert LabResult("platelets", "0 / µL").magnitude == 0
    with pytest.raises(ValidationError) as caught:
        LabResult("inr", 1.0, taken_at="2026-01-01")
    assert caught.value.field == "taken_at"


def test_patient_numbers_and_codes() -> None:
    assert Patient(age=0).age.magnitude == 0
    assert Patient(age="30 year").age.magnitude == 30
    with pytest.raises(ValidationError) as caught:
        Patient(age=-1)
    assert (caught.value.field, caught.value.reason) == ("age", "cannot be negative, got -1")
    with pytest.raises(ValidationError, match="must be positive"):
        Patient(age=40, weight="0 kg")
    with pytest.raises(ValidationError) as caught:
        Patient(age=40, creatinine_clearance="0 mL/min")
    assert caught.value.field == "creatinine_clearance"
    patient = Patient(
        age=40,
        conditions=["Advanced Age", "advanced_age", "other:Gout"],
        devices=["Spinal Cord Stimulator", "other:X"],
        allergies=["Steroid", "lidocaine", "Xylocaine", "other:Latex", "contrast"],
    )
    assert patient.conditions == ("advanced-age", "other:Gout")
    assert patient.devices == ("other:X", "spinal-cord-stimulator")
    assert patient.allergies == ("corticosteroid", "iodinated-contrast", "lidocaine", "other:Latex")
    for field, bad in [("conditions", "diabetes"), ("devices", [""]), ("allergies", [3])]:
        with pytest.raises(ValidationError) as caught:
            Patient(age=40, **{field: bad})
        assert caught.value.field == field
    with pytest.raises(ValidationError) as caught:
        Patient(age=40, devices=["pacemakr"])
    assert caught.value.suggestions[0] == "pacemaker"
    with pytest.raises(ValidationError) as caught:
        Patient(age=40, allergies=["lidocain"])
    assert "lidocaine" in caught.value.suggestions
    with pytest.raises(ValidationError) as caught:
        Patient(age=40, pregnant="no")
    assert caught.value.field == "pregnant"


def test_medications_and_labs_from_tables_and_names() -> None:
    patient = Patient(
        age=40,
        medications=["Plavix", {"drug": "heparin", "route": "Intravenous"}],
        labs=[{"name": "inr", "value": 1.1}],
    )
    assert [m.drug for m in patient.medications] == ["clopidogrel", "heparin"]
    assert patient.medications[1].route is not None
    assert patient.labs[0].value == 1.1
    for field, bad in [
        ("medications", "aspirin"),
        ("medications", MedicationUse("aspirin")),
        ("medications", 3),
        ("labs", LabResult("inr", 1.0)),
        ("labs", ["inr"]),
    ]:
        with pytest.raises(ValidationError) as caught:
            Patient(age=40, **{field: bad})
        assert caught.value.field == field


def test_naive_and_aware_times_cannot_be_mixed() -> None:
    from datetime import UTC

    with pytest.raises(ValidationError) as caught:
        Patient(
            age=40,
            medications=[MedicationUse("aspirin", last_dose=datetime(2026, 1, 1))],
            labs=[LabResult("inr", 1.0, datetime(2026, 1, 1, tzinfo=UTC))],
        )
    assert caught.value.field == "medications"
    with pytest.raises(ValidationError) as caught:
        MedicationUse("aspirin", last_dose="yesterday")
    assert caught.value.field == "last_dose"
    assert "expected a datetime" in caught.value.reason


def test_medication_doses_in_mass_or_units() -> None:
    assert MedicationUse("heparin", dose="5000 IU").dose == Q_(5000, "IU")
    assert MedicationUse("aspirin", dose="81 mg").dose.magnitude == 81  # type: ignore[union-attr]
    assert MedicationUse("heparin", dose=Q_(5000, "IU")).dose is not None
    with pytest.raises(ValidationError) as caught:
        MedicationUse("aspirin", dose="81 mL")
    assert caught.value.field == "dose"
    with pytest.raises(ValidationError) as caught:
        MedicationUse("aspirin", indication="tertiary")
    assert caught.value.field == "indication"
    with pytest.raises(ValidationError) as caught:
        MedicationUse("heparin", route="rectal")
    assert caught.value.field == "route"


def test_lab_messages_name_the_problem_exactly() -> None:
    cases = [
        (
            ("platelets", 150_000),
            "a platelet count needs a unit: '150000 / µL' and '150000e9 / L' differ by a "
            "factor of a million; write e.g. '150e3 / µL' or '150e9 / L'",
        ),
        (
            ("platelets", 1.5),
            "a platelet count needs a unit: '1.5 / µL' and '1.5e9 / L' differ by a factor of "
            "a million; write e.g. '150e3 / µL' or '150e9 / L'",
        ),
        (("platelets", "-5 / µL"), "a platelet count cannot be negative, got '-5 / µL'"),
        (
            ("creatinine-clearance", "-5 mL/min"),
            "a creatinine clearance cannot be negative, got '-5 mL/min'",
        ),
        (
            ("inr", "1.1"),
            "an INR is a ratio with no unit; give a plain number such as 1.1, got '1.1'",
        ),
        (("inr", -1), "an INR must be a positive ratio, got -1"),
    ]
    for (name, value), reason in cases:
        with pytest.raises(ValidationError) as caught:
            LabResult(name, value)
        assert (caught.value.field, caught.value.reason) == ("value", reason)
    with pytest.raises(ValidationError) as caught:
        LabResult("platelets", "5 mL/min")
    assert caught.value.field == "value"
    with pytest.raises(ValidationError) as caught:
        LabResult("creatinine-clearance", "5 / µL")
    assert caught.value.field == "value"
    with pytest.raises(ValidationError) as caught:
        LabResult("glucose", 5.0)
    assert caught.value.field == "name"
    assert LabResult("INR", 0.5).name.value == "inr"
    assert LabResult("creatinine-clearance", "0 mL/min").magnitude == 0
    assert LabResult("inr", 1).magnitude == 1.0
    assert isinstance(LabResult("inr", 1).value, float)


class _Resource:
    """A packaged file that is not a path (as in a zipped package): read_text only."""

    def __init__(self, text: str) -> None:
        self.text = text

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.text

    def __str__(self) -> str:
        return "zip://patients.toml"


def test_patients_from_a_resource_that_is_not_a_path() -> None:
    one = _Resource('[[patient]]\nid = "a"\nage = 40\n')
    assert load_patient(one).id == "a"  # type: ignore[arg-type]
    two = _Resource("[[patient]]\nage = 40\n[[patient]]\nage = 41\n")
    with pytest.raises(CatalogError) as caught:
        load_patient(two)  # type: ignore[arg-type]
    assert caught.value.file == "zip://patients.toml"
    bad = _Resource('[[patient]]\nage = 40\npregnant = "yes"\n')
    with pytest.raises(CatalogError) as caught:
        load_patients(bad)  # type: ignore[arg-type]
    assert caught.value.file == "zip://patients.toml"
    wrong = _Resource('[[patient]]\nage = "forty"\n')
    with pytest.raises(CatalogError) as caught:
        load_patients(wrong)  # type: ignore[arg-type]
    assert caught.value.file == "zip://patients.toml"
    assert caught.value.record == "patient #1"
    assert caught.value.field == "age"


def test_a_field_error_names_file_record_and_field(tmp_path: Path) -> None:
    path = _file(tmp_path, '[[patient]]\nid = "p1"\nage = 40\nweight = "70 mL"\n')
    with pytest.raises(CatalogError) as caught:
        load_patients(path)
    assert caught.value.file == str(path)
    assert caught.value.record == "patient 'p1'"
    assert caught.value.field == "weight"
    with pytest.raises(CatalogError) as caught:
        load_patients(str(path))
    assert caught.value.file == str(path)


def test_the_patient_html_joins_several_allergies() -> None:
    patient = Patient(age=40, allergies=["lidocaine", "iodine"])
    assert "<td>iodinated-contrast, lidocaine</td>" in patient._repr_html_()


def test_the_assessment_html_joins_references_and_restarts() -> None:
    two = Finding("hold:x", "defer", "m", [REF, Reference("K2", "B")], until=AT)
    made = Assessment(
        "x",
        AT,
        BleedingRisk.LOW,
        BleedingRisk.LOW,
        (two,),
        AT,
        {"a": datetime(2026, 3, 11, 9, 0), "b": datetime(2026, 3, 12, 9, 0)},
    )
    page = made._repr_html_()
    assert "<td>K1, K2</td>" in page
    assert "<ul><li>a: 2026-03-11 09:00</li><li>b: 2026-03-12 09:00</li></ul>" in page
