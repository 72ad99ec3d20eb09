"""Properties of the contraindication engine, named after the rules they check.

- more information against the procedure never relaxes the verdict (a medication, a
  condition); a missing lab is never better than a normal one, and a required lab that
  goes missing is never a pass (a lab that no rule requires, such as a low platelet count
  before a knee injection, can only be flagged when it is given);
- waiting never tightens it (after the last doses, labs still recent);
- a higher bleeding-risk class never relaxes it;
- ``earliest_time`` is after every last dose plus its hold, and assessing then clears
  every hold;
- ``assess_many`` equals ``assess`` in a loop.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.anatomy.levels import Region, Segment
from interventional.imaging.modality import Modality
from interventional.pharmacology import Dose, drugs
from interventional.procedures import plan
from interventional.procedures.risk import BleedingRisk
from interventional.safety import (
    LabResult,
    MedicationUse,
    Patient,
    Verdict,
    assess,
    assess_many,
    default_rules,
)

AT = datetime(2026, 3, 10, 9, 0)
RULES = default_rules()
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PLANS = (
    plan("knee-joint-injection", side="left", modality="ultrasound"),
    plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left"),
    plan("stellate-ganglion-block", levels=["C6"], side="left", modality="ultrasound"),
    plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=[Dose("dexamethasone", "10 mg"), Dose("iohexol", volume="1 mL")],
    ),
    plan("spinal-cord-stimulator-trial", levels=["T8"]),
)

# Drugs with a hold row, and the indications / routes their variants use.
HELD = sorted({name for row in RULES.holds for name in row.drugs})
VARIANTS: dict[str, list[tuple[str | None, str | None]]] = {}
for row in RULES.holds:
    for name in row.drugs:
        VARIANTS.setdefault(name, []).append((row.indication, row.route))
CONDITIONS = sorted(RULES.conditions)
OTHER_DRUGS = ["lidocaine", "dexamethasone"]


@st.composite
def medications(draw: st.DrawFn) -> MedicationUse:
    name = draw(st.sampled_from(HELD + OTHER_DRUGS))
    minutes = draw(st.one_of(st.none(), st.integers(0, 15 * 24 * 60)))
    last = None if minutes is None else AT - timedelta(minutes=minutes)
    indication, route = draw(st.sampled_from([*VARIANTS.get(name, []), (None, None)]))
    return MedicationUse(name, last_dose=last, indication=indication, route=route)


@st.composite
def labs(draw: st.DrawFn) -> LabResult:
    minutes = draw(st.integers(0, 23 * 60))
    taken = AT - timedelta(minutes=minutes)
    if draw(st.booleans()):
        return LabResult(
            "inr", draw(st.sampled_from([0.9, 1.0, 1.1, 1.2, 1.5, 2.5])), taken_at=taken
        )
    count = draw(st.sampled_from([30e3, 75e3, 100e3, 150e3, 250e3]))
    return LabResult("platelets", f"{count} / µL", taken_at=taken)


@st.composite
def patients(draw: st.DrawFn, with_labs: bool = True) -> Patient:
    return Patient(
        age=draw(st.integers(18, 95)),
        weight=draw(st.one_of(st.none(), st.sampled_from(["50 kg", "70 kg", "100 kg"]))),
        pregnant=draw(st.sampled_from([None, True, False])),
        medications=draw(st.lists(medications(), max_size=4)),
        labs=draw(st.lists(labs(), max_size=3)) if with_labs else [],
        conditions=draw(st.lists(st.sampled_from(CONDITIONS), max_size=3, unique=True)),
        devices=draw(st.lists(st.sampled_from(sorted(RULES.devices)), max_size=1)),
        allergies=draw(st.sampled_from([[], ["iodinated-contrast"], ["dexamethasone"]])),
        creatinine_clearance=draw(st.sampled_from([None, "40 mL/min", "100 mL/min"])),
    )


plans = st.sampled_from(PLANS)


@SETTINGS
@given(patients(), medications(), plans)
def test_adding_a_medication_never_relaxes_the_verdict(
    patient: Patient, extra: MedicationUse, chosen: Any
) -> None:
    before = assess(patient, chosen, at=AT).verdict
    more = attrs.evolve(patient, medications=(*patient.medications, extra))
    assert assess(more, chosen, at=AT).verdict >= before


@SETTINGS
@given(patients(), st.sampled_from(CONDITIONS), plans)
def test_adding_a_condition_never_relaxes_the_verdict(
    patient: Patient, condition: str, chosen: Any
) -> None:
    before = assess(patient, chosen, at=AT).verdict
    more = attrs.evolve(patient, conditions=(*patient.conditions, condition))
    assert assess(more, chosen, at=AT).verdict >= before


def _normal(lab: LabResult) -> bool:
    policy = RULES.policy
    if lab.name.value == "inr":
        return lab.magnitude <= policy.inr_max
    return lab.magnitude >= policy.platelets_min_neuromodulation


@SETTINGS
@given(patients(), st.data())
def test_a_missing_lab_is_never_better_than_a_normal_one(
    patient: Patient, data: st.DataObject
) -> None:
    chosen = data.draw(plans)
    normal = [lab for lab in patient.labs if _normal(lab)]
    if not normal:
        return
    dropped = data.draw(st.sampled_from(normal))
    before = assess(patient, chosen, at=AT).verdict
    fewer = attrs.evolve(patient, labs=tuple(lab for lab in patient.labs if lab is not dropped))
    assert assess(fewer, chosen, at=AT).verdict >= before


@SETTINGS
@given(
    patients(),
    st.sampled_from(["warfarin", "acenocoumarol"]),
    st.integers(3 * 24 * 60, 10 * 24 * 60),
    st.sampled_from([0.9, 1.2, 1.3, 2.5]),
    st.sampled_from(PLANS[2:]),  # intermediate and high risk: a normal INR is required
)
def test_a_required_inr_that_goes_missing_is_never_a_pass(
    patient: Patient, vka: str, minutes: int, value: float, chosen: Any
) -> None:
    # Whatever the INR said (normal or not), without it the answer is at least
    # INSUFFICIENT_DATA, with a finding that names the INR.
    last = AT - timedelta(minutes=minutes)
    with_inr = attrs.evolve(
        patient,
        medications=(*patient.medications, MedicationUse(vka, last_dose=last)),
        labs=(LabResult("inr", value, taken_at=AT - timedelta(minutes=30)),),
    )
    without = attrs.evolve(with_inr, labs=())
    result = assess(without, chosen, at=AT)
    assert result.verdict >= Verdict.INSUFFICIENT_DATA
    assert any(
        f.verdict is Verdict.INSUFFICIENT_DATA and "INR" in f.message
        for f in result.by_code("lab:inr")
    )
    assert result.verdict >= min(assess(with_inr, chosen, at=AT).verdict, Verdict.INSUFFICIENT_DATA)


@SETTINGS
@given(patients(with_labs=False), plans, st.integers(0, 20 * 24 * 60))
def test_assessing_later_never_tightens_the_verdict(
    patient: Patient, chosen: Any, minutes: int
) -> None:
    early = assess(patient, chosen, at=AT).verdict
    late = assess(patient, chosen, at=AT + timedelta(minutes=minutes)).verdict
    assert late <= early


@SETTINGS
@given(patients(), plans, st.integers(0, 60))
def test_assessing_later_with_recent_labs_never_tightens_the_verdict(
    patient: Patient, chosen: Any, minutes: int
) -> None:
    # every generated lab is at most 23 h old at AT; one more hour keeps it within 24 h
    early = assess(patient, chosen, at=AT).verdict
    late = assess(patient, chosen, at=AT + timedelta(minutes=minutes)).verdict
    assert late <= early


@attrs.frozen
class _Procedure:
    id: str
    bleeding_risk: BleedingRisk
    neuraxial: bool
    technique: str
    approach: str
    category: str
    regions: frozenset[Region]


@attrs.frozen
class _Plan:
    procedure: _Procedure
    levels: tuple[Segment, ...]
    side: None
    modality: Modality
    injectates: tuple[Dose, ...]


TEMPLATES = [
    (
        False,
        "injection",
        "intra-articular",
        "joint-injection",
        frozenset(),
        Modality.ULTRASOUND,
        (),
    ),
    (
        True,
        "injection",
        "transforaminal",
        "epidural-steroid-injection",
        frozenset({Region.LUMBAR}),
        Modality.FLUOROSCOPY,
        (Dose("dexamethasone", "10 mg"), Dose("lidocaine", volume="2 mL", concentration="1 %")),
    ),
    (
        True,
        "stimulation-trial",
        "interlaminar",
        "neuromodulation",
        frozenset({Region.THORACIC}),
        Modality.FLUOROSCOPY,
        (),
    ),
]


def _risk_plans(template: tuple[Any, ...]) -> list[_Plan]:
    neuraxial, technique, approach, category, regions, modality, injectates = template
    return [
        _Plan(
            _Procedure("synthetic", risk, neuraxial, technique, approach, category, regions),
            (Segment.parse("L4-L5"),),
            None,
            modality,
            injectates,
        )
        for risk in BleedingRisk
    ]


@SETTINGS
@given(patients(), st.sampled_from(TEMPLATES))
def test_a_higher_bleeding_risk_never_relaxes_the_verdict(
    patient: Patient, template: tuple[Any, ...]
) -> None:
    verdicts = [assess(patient, p, at=AT).verdict for p in _risk_plans(template)]
    assert verdicts == sorted(verdicts)


@SETTINGS
@given(patients(), plans)
def test_earliest_time_is_after_every_hold_and_clears_them(patient: Patient, chosen: Any) -> None:
    result = assess(patient, chosen, at=AT)
    if result.earliest_time is None:
        return
    assert result.earliest_time >= AT
    for finding in result.findings:
        if finding.until is not None:
            assert result.earliest_time >= finding.until
    for finding in result.findings:
        if finding.code.startswith("hold:") and finding.until is not None:
            doses = [
                m.last_dose
                for m in patient.medications
                if m.drug == finding.drug and m.last_dose is not None
            ]
            assert any(dose <= finding.until for dose in doses)
    later = assess(patient, chosen, at=result.earliest_time)
    assert not [
        f for f in later.findings if f.code.startswith("hold:") and f.verdict is Verdict.DEFER
    ]


@SETTINGS
@given(st.lists(st.tuples(patients(), plans), max_size=6))
def test_assess_many_equals_assess_in_a_loop(pairs: list[tuple[Patient, Any]]) -> None:
    assert assess_many(pairs, at=AT) == [assess(p, q, at=AT) for p, q in pairs]


@SETTINGS
@given(st.lists(st.tuples(patients(), plans), max_size=6), ivst.durations())
def test_assess_many_with_a_duration_equals_assess_with_it(
    pairs: list[tuple[Patient, Any]], duration: timedelta
) -> None:
    expected = [assess(p, q, at=AT, duration=duration) for p, q in pairs]
    assert assess_many(pairs, at=AT, duration=duration) == expected


def test_drug_vocabulary_is_covered() -> None:
    # every drug with a hold row is a known drug (the strategies sample from these)
    assert set(HELD) <= set(drugs())
