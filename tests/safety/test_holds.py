"""Every hold of the 2018 medication table, per drug and risk class, at the boundary.

The expected intervals are written here from the fact sheet (contraindications.md, 1b),
independently of ``holds.toml``: ranges at their upper bound (library policy), dabigatran
with normal renal function. A hold is met at exactly last dose + interval, not a minute
earlier.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import AT, PLAN_BY_RISK

from interventional.procedures.risk import BleedingRisk
from interventional.safety import LabResult, MedicationUse, Patient, Verdict, assess
from interventional.safety.rules import HoldAction, default_rules

H, M, L = BleedingRisk.HIGH, BleedingRisk.INTERMEDIATE, BleedingRisk.LOW
D = timedelta(days=1)
HR = timedelta(hours=1)

# (drug, indication or route, class) -> interval
EXPECTED: dict[tuple[str, str | None, BleedingRisk], timedelta] = {
    ("aspirin", "primary-prophylaxis", H): 6 * D,
    ("aspirin-dipyridamole", "primary-prophylaxis", H): 6 * D,
    ("diclofenac", None, H): 1 * D,
    ("ketorolac", None, H): 1 * D,
    ("ibuprofen", None, H): 1 * D,
    ("etodolac", None, H): 2 * D,
    ("indomethacin", None, H): 2 * D,
    ("naproxen", None, H): 4 * D,
    ("meloxicam", None, H): 4 * D,
    ("nabumetone", None, H): 6 * D,
    ("oxaprozin", None, H): 10 * D,
    ("piroxicam", None, H): 10 * D,
    ("cilostazol", None, H): 2 * D,
    ("dipyridamole", None, H): 2 * D,
    ("clopidogrel", None, H): 7 * D,
    ("clopidogrel", None, M): 7 * D,
    ("prasugrel", None, H): 10 * D,
    ("prasugrel", None, M): 10 * D,
    ("ticagrelor", None, H): 5 * D,
    ("ticagrelor", None, M): 5 * D,
    ("abciximab", None, H): 5 * D,
    ("abciximab", None, M): 5 * D,
    ("eptifibatide", None, H): 24 * HR,
    ("eptifibatide", None, M): 24 * HR,
    ("tirofiban", None, H): 24 * HR,
    ("tirofiban", None, M): 24 * HR,
    ("warfarin", None, H): 5 * D,
    ("warfarin", None, M): 5 * D,
    ("acenocoumarol", None, H): 3 * D,
    ("acenocoumarol", None, M): 3 * D,
    ("heparin", "intravenous", H): 6 * HR,
    ("heparin", "intravenous", M): 6 * HR,
    ("heparin", "intravenous", L): 6 * HR,
    ("heparin", "subcutaneous", H): 24 * HR,
    ("heparin", "subcutaneous", M): 6 * HR,
    ("heparin", "subcutaneous", L): 6 * HR,
    ("enoxaparin", "prophylactic", H): 12 * HR,
    ("enoxaparin", "prophylactic", M): 12 * HR,
    ("enoxaparin", "prophylactic", L): 12 * HR,
    ("enoxaparin", "therapeutic", H): 24 * HR,
    ("enoxaparin", "therapeutic", M): 24 * HR,
    ("enoxaparin", "therapeutic", L): 24 * HR,
    ("dalteparin", None, H): 24 * HR,
    ("dalteparin", None, M): 24 * HR,
    ("dalteparin", None, L): 24 * HR,
    ("fondaparinux", None, H): 4 * D,
    ("fondaparinux", None, M): 4 * D,
    ("dabigatran", None, H): 5 * D,
    ("dabigatran", None, M): 5 * D,
    ("rivaroxaban", None, H): 3 * D,
    ("rivaroxaban", None, M): 3 * D,
    ("apixaban", None, H): 5 * D,
    ("apixaban", None, M): 5 * D,
    ("edoxaban", None, H): 3 * D,
    ("edoxaban", None, M): 3 * D,
    ("garlic", None, H): 7 * D,
    ("ginkgo", None, H): 36 * HR,
    ("ginseng", None, H): 24 * HR,
    ("dong-quai", None, H): 7 * D,
    ("danshen", None, H): 7 * D,
}

ROUTES = {"intravenous", "subcutaneous"}


def _medication(drug: str, variant: str | None, last_dose: object) -> MedicationUse:
    if variant in ROUTES:
        return MedicationUse(drug, last_dose=last_dose, route=variant)  # type: ignore[arg-type]
    return MedicationUse(drug, last_dose=last_dose, indication=variant)  # type: ignore[arg-type]


def _patient(medication: MedicationUse) -> Patient:
    # A normal INR taken after the last dose, and normal renal function, so that only the
    # hold itself is tested here.
    return Patient(
        age=60,
        pregnant=False,
        medications=[medication],
        labs=[LabResult("inr", 1.0, taken_at=AT - timedelta(minutes=1))],
        creatinine_clearance="100 mL/min",
    )


def _hold_cells() -> set[tuple[str, str | None, BleedingRisk]]:
    cells = set()
    for row in default_rules().holds:
        for drug in row.drugs:
            for risk in BleedingRisk:
                if row.cell(risk).action is HoldAction.HOLD:
                    cells.add((drug, row.indication or row.route, risk))
    return cells


def test_the_data_holds_exactly_the_expected_cells() -> None:
    assert _hold_cells() == set(EXPECTED)


CASES = sorted(EXPECTED.items(), key=lambda item: (item[0][0], str(item[0][1]), item[0][2].rank))


@pytest.mark.parametrize(
    ("key", "interval"), CASES, ids=[f"{d}-{v or 'any'}-{r.value}" for (d, v, r), _ in CASES]
)
def test_hold_one_minute_before_defers(
    key: tuple[str, str | None, BleedingRisk], interval: timedelta
) -> None:
    drug, variant, risk = key
    last = AT - interval + timedelta(minutes=1)
    result = assess(_patient(_medication(drug, variant, last)), PLAN_BY_RISK[risk](), at=AT)
    (hold,) = result.by_code(f"hold:{drug}")
    assert hold.verdict is Verdict.DEFER
    assert hold.until == last + interval == AT + timedelta(minutes=1)
    assert result.earliest_time == AT + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("key", "interval"), CASES, ids=[f"{d}-{v or 'any'}-{r.value}" for (d, v, r), _ in CASES]
)
def test_hold_met_exactly_at_the_interval(
    key: tuple[str, str | None, BleedingRisk], interval: timedelta
) -> None:
    drug, variant, risk = key
    last = AT - interval
    result = assess(_patient(_medication(drug, variant, last)), PLAN_BY_RISK[risk](), at=AT)
    (hold,) = result.by_code(f"hold:{drug}")
    assert hold.verdict is Verdict.PROCEED
    assert hold.until == AT
    assert all(f.verdict is not Verdict.DEFER for f in result.by_code(f"hold:{drug}"))


# Cells that are not holds, from the fact sheet: what they say one hour after a dose.
NOT_HOLDS = [
    (
        "aspirin",
        "primary-prophylaxis",
        M,
        Verdict.INSUFFICIENT_DATA,
    ),  # shared: no decision recorded
    ("aspirin", "primary-prophylaxis", L, Verdict.PROCEED),
    (
        "aspirin",
        "secondary-prophylaxis",
        H,
        Verdict.INSUFFICIENT_DATA,
    ),  # shared: no decision recorded
    (
        "aspirin",
        "secondary-prophylaxis",
        M,
        Verdict.INSUFFICIENT_DATA,
    ),  # shared: no decision recorded
    ("aspirin", "secondary-prophylaxis", L, Verdict.PROCEED),
    ("ibuprofen", None, M, Verdict.PROCEED),
    ("ibuprofen", None, L, Verdict.PROCEED),
    ("celecoxib", None, H, Verdict.PROCEED),
    ("cilostazol", None, M, Verdict.PROCEED),
    ("clopidogrel", None, L, Verdict.PROCEED),
    ("cangrelor", None, H, Verdict.INSUFFICIENT_DATA),
    ("cangrelor", None, L, Verdict.INSUFFICIENT_DATA),
    ("abciximab", None, L, Verdict.INSUFFICIENT_DATA),
    ("vorapaxar", None, M, Verdict.INSUFFICIENT_DATA),
    ("alteplase", None, H, Verdict.INSUFFICIENT_DATA),
    ("warfarin", None, L, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("acenocoumarol", None, L, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("fondaparinux", None, L, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("dabigatran", None, L, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("rivaroxaban", None, L, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("apixaban", None, L, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("edoxaban", None, L, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("sertraline", None, H, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("fluoxetine", None, L, Verdict.CAUTION),  # LOW-confidence "no" is never a silent PROCEED
    ("fish-oil", None, H, Verdict.INSUFFICIENT_DATA),  # shared: no decision recorded
    ("garlic", None, M, Verdict.CAUTION),
]


@pytest.mark.parametrize(("drug", "variant", "risk", "expected"), NOT_HOLDS)
def test_cells_that_are_not_holds(
    drug: str, variant: str | None, risk: BleedingRisk, expected: Verdict
) -> None:
    medication = _medication(drug, variant, AT - HR)
    result = assess(_patient(medication), PLAN_BY_RISK[risk](), at=AT)
    verdicts = [f.verdict for f in result.findings if f.drug == drug]
    assert max(verdicts) is expected
    assert all(f.until is None for f in result.findings if f.drug == drug)


def test_shared_cell_no_longer_blocks_after_the_drugs_longest_interval() -> None:
    # Aspirin (primary) before an intermediate-risk procedure: shared assessment, until it
    # has been off as long as its longest hold (6 days), so a higher class is never laxer.
    medication = _medication("aspirin", "primary-prophylaxis", AT - 6 * D)
    result = assess(_patient(medication), PLAN_BY_RISK[M](), at=AT)
    assert result.by_code("hold:aspirin")[0].verdict is Verdict.PROCEED


def test_dabigatran_renal_interval() -> None:
    last = AT - 5 * D
    impaired = Patient(
        age=60,
        pregnant=False,
        medications=[MedicationUse("dabigatran", last_dose=last)],
        creatinine_clearance="40 mL/min",
    )
    unknown = attrs_evolve(impaired, creatinine_clearance=None)
    normal = attrs_evolve(impaired, creatinine_clearance="80 mL/min")
    for patient, verdict in (
        (impaired, Verdict.DEFER),
        (unknown, Verdict.DEFER),
        (normal, Verdict.PROCEED),
    ):
        (hold,) = assess(patient, PLAN_BY_RISK[H](), at=AT).by_code("hold:dabigatran")
        assert hold.verdict is verdict, patient.creatinine_clearance
    (hold,) = assess(unknown, PLAN_BY_RISK[H](), at=AT).by_code("hold:dabigatran")
    assert hold.until == last + 6 * D
    assert "Renal function unknown" in hold.message


def attrs_evolve(patient: Patient, **changes: object) -> Patient:
    import attrs

    return attrs.evolve(patient, **changes)
