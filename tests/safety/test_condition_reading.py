"""The engine reads a patient's condition codes once per assessment: each reading must say
what the rules' vocabulary says of those codes."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from interventional.safety import default_rules
from interventional.safety.case import ConditionReading

RULES = default_rules()
AT = datetime(2026, 3, 10, 9, 0)
CODES = sorted(RULES.conditions)


@given(
    st.lists(st.sampled_from([*CODES, "other:gout"]), unique=True, max_size=6).map(
        lambda codes: tuple(sorted(codes))
    )
)
def test_a_reading_of_condition_codes_follows_the_vocabulary(codes: tuple[str, ...]) -> None:
    reading = ConditionReading.of(RULES, codes)
    known = [RULES.conditions[code] for code in codes if code in RULES.conditions]
    assert set(reading.upgrading) == {c.code for c in known if c.upgrades}
    assert set(reading.platelets_required) == {c.code for c in known if c.requires_platelets}
    assert set(reading.coagulation_studies) == {c.code for c in known if c.coagulation_studies}
    assert reading.renal is any(c.renal for c in known)
    assert reading.asks_for_labs is any(
        c.requires_platelets or c.coagulation_studies for c in known
    )
    # kept in the patient's (sorted) order, so the messages list them the same way
    assert list(reading.upgrading) == sorted(reading.upgrading)


def test_each_flag_is_read_from_the_vocabulary() -> None:
    flagged = {
        "upgrades": ConditionReading.of(RULES, tuple(CODES)).upgrading,
        "requires_platelets": ConditionReading.of(RULES, tuple(CODES)).platelets_required,
        "coagulation_studies": ConditionReading.of(RULES, tuple(CODES)).coagulation_studies,
    }
    for flag, codes in flagged.items():
        assert codes, f"no condition is marked {flag}: the test would prove nothing"
        assert all(getattr(RULES.conditions[code], flag) for code in codes)
    assert "advanced-renal-disease" in flagged["upgrades"]
    assert ConditionReading.of(RULES, ("advanced-renal-disease",)).renal
    assert not ConditionReading.of(RULES, ("diabetes",)).renal


def test_findings_name_the_patients_codes_whatever_the_records_call_themselves() -> None:
    """A rule set whose condition record's own ``code`` differs from its key (the code a
    patient gives): the findings name the patient's code."""
    import attrs

    from interventional.procedures import plan
    from interventional.safety import Patient, assess

    record = attrs.evolve(RULES.conditions["diabetes"], code="dm2", upgrades=True)
    rules = attrs.evolve(RULES, conditions={**RULES.conditions, "diabetes": record})
    assert ConditionReading.of(rules, ("diabetes",)).upgrading == ("diabetes",)
    knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    result = assess(Patient(age=50, conditions=["diabetes"]), knee, at=AT, rules=rules)
    (upgrade,) = result.by_code("bleeding-risk-upgraded")
    assert "diabetes (" in upgrade.message
