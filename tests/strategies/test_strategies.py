"""The user-facing strategies of ``interventional.strategies``: valid objects, readable shrinks."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.anatomy import Region, Segment, Side, StructureKind, VertebralLevel
from interventional.errors import ValidationError
from interventional.imaging.modality import Modality
from interventional.pharmacology import Dose
from interventional.procedures import BleedingRisk, ProcedurePlan, default_catalog, plan
from interventional.safety import LabName, LabResult, MedicationUse, Patient, assess

FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_importing_the_package_does_not_import_hypothesis() -> None:
    code = (
        "import sys, interventional, interventional.safety, interventional.procedures; "
        "print('hypothesis' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


@SOME
@given(st.data())
def test_levels_and_segments_stay_in_their_region(data: st.DataObject) -> None:
    region = data.draw(st.sampled_from(list(Region)))
    level = data.draw(ivst.levels(region))
    assert isinstance(level, VertebralLevel)
    assert level.region is region
    if region is not Region.COCCYGEAL:
        segment = data.draw(ivst.segments(region.value))
        assert isinstance(segment, Segment)
        assert segment.upper.region is region
        assert Segment.parse(str(segment)) == segment


def test_level_strategies_shrink_to_the_first_level() -> None:
    assert find(ivst.levels(), lambda level: True) == VertebralLevel.parse("C1")
    assert find(ivst.levels("lumbar"), lambda level: True) == VertebralLevel.parse("L1")
    assert str(find(ivst.segments("lumbar"), lambda s: True)) == "L1-L2"
    assert find(ivst.sides(), lambda side: True) is Side.LEFT


def test_a_misspelt_region_or_kind_raises_with_suggestions() -> None:
    with pytest.raises(ValidationError, match="lumbar"):
        ivst.levels("lumbr")
    with pytest.raises(ValidationError, match="medial-branch"):
        ivst.structures("medial-brnch")


@FEW
@given(st.data())
def test_structures_are_atlas_structures_of_the_kind(data: st.DataObject) -> None:
    from interventional.anatomy import default_atlas

    kind = data.draw(
        st.sampled_from(sorted({s.kind for s in default_atlas().values()}, key=lambda k: k.value))
    )
    structure = data.draw(ivst.structures(kind))
    assert structure.kind is kind
    assert default_atlas()[structure.id] == structure


def test_every_kind_of_the_atlas_has_a_strategy() -> None:
    from interventional.anatomy import default_atlas

    for kind in {s.kind for s in default_atlas().values()}:
        assert ivst.structures(kind.value) is not None
    missing = [k for k in StructureKind if not default_atlas().find(kind=k)]
    for kind in missing:
        with pytest.raises(ValueError, match="no structure"):
            ivst.structures(kind)


@SOME
@given(ivst.procedures())
def test_procedures_come_from_the_default_catalogue(procedure: object) -> None:
    assert default_catalog()[procedure.id] is procedure  # type: ignore[attr-defined]


@pytest.mark.parametrize("risk", list(BleedingRisk))
def test_procedures_filtered_by_risk_have_that_risk(risk: BleedingRisk) -> None:
    every = {p.id for p in default_catalog().values() if p.bleeding_risk is risk}
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None)
    @given(ivst.procedures(risk=risk.value))
    def check(procedure: object) -> None:
        assert procedure.bleeding_risk is risk  # type: ignore[attr-defined]
        seen.add(procedure.id)  # type: ignore[attr-defined]

    check()
    assert seen <= every


@pytest.mark.parametrize("modality", list(Modality))
def test_procedures_filtered_by_modality_allow_it(modality: Modality) -> None:
    if not any(modality in p.modalities for p in default_catalog().values()):
        with pytest.raises(ValueError, match="no procedure"):
            ivst.procedures(modality=modality)
        return
    found = find(ivst.procedures(modality=modality), lambda p: True)
    assert modality in found.modalities


@SOME
@given(ivst.plans())
def test_plans_are_valid_and_rebuild_equal(p: ProcedurePlan) -> None:
    assert isinstance(p, ProcedurePlan)
    rebuilt = plan(
        p.procedure,
        levels=p.levels,
        side=p.side,
        modality=p.modality,
        injectates=p.injectates,
        target=p.target,
    )
    assert rebuilt == p
    assert p.targets  # every drawn plan resolves to atlas structures
    assert p.modality in p.procedure.modalities
    assert len(p.levels) <= (p.procedure.max_levels or len(p.procedure.levels) or 0)


@pytest.mark.parametrize("procedure_id", sorted(default_catalog()))
def test_every_procedure_of_the_catalogue_can_be_planned(procedure_id: str) -> None:
    procedure = default_catalog()[procedure_id]

    @settings(max_examples=5, deadline=None, database=None)
    @given(ivst.plans(procedure_id))
    def check(drawn: ProcedurePlan) -> None:
        assert drawn.procedure is procedure

    check()


def test_plans_shrink_to_one_level_on_the_left() -> None:
    drawn = find(ivst.plans("lumbar-medial-branch-block"), lambda p: True)
    assert str(drawn) == "lumbar-medial-branch-block at L1-L2, left, under fluoroscopy"
    assert drawn.injectates == ()
    with_doses = find(ivst.plans("lumbar-tfesi"), lambda p: len(p.injectates) > 0)
    assert len(with_doses.injectates) == 1


@SOME
@given(ivst.doses())
def test_doses_are_positive_and_consistent(dose: Dose) -> None:
    assert dose.amount is not None
    assert dose.amount.magnitude > 0
    if dose.volume is not None and dose.concentration is not None:
        again = Dose(dose.drug, volume=dose.volume, concentration=dose.concentration)
        assert again == dose


def test_doses_of_one_drug_accept_aliases() -> None:
    assert find(ivst.doses("Kenalog"), lambda d: True).drug.name == "triamcinolone-acetonide"
    assert str(find(ivst.doses("heparin"), lambda d: True)) == "heparin 500 IU"
    assert str(find(ivst.doses("lidocaine"), lambda d: True)) == "lidocaine 1 mg"


@SOME
@given(ivst.medication_uses())
def test_medication_uses_have_a_hold_rule_and_a_past_last_dose(m: MedicationUse) -> None:
    from interventional.safety import default_rules

    assert default_rules().holds_for(m.drug)
    if m.last_dose is not None:
        assert m.last_dose <= ivst.NOW
        assert (ivst.NOW - m.last_dose).days <= 30


@SOME
@given(ivst.lab_results())
def test_lab_results_are_valid_and_recent(lab: LabResult) -> None:
    assert lab.taken_at is not None
    assert lab.taken_at <= ivst.NOW
    assert lab.magnitude > 0
    assert LabResult(lab.name, lab.value, lab.taken_at) == lab


@FEW
@given(st.data())
def test_lab_results_of_one_name(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(list(LabName)))
    assert data.draw(ivst.lab_results(name.value)).name is name


@pytest.mark.slow  # a hypothesis search
@FEW
@given(ivst.patients(), ivst.plans())
def test_drawn_patients_and_plans_can_be_assessed(patient: Patient, p: ProcedurePlan) -> None:
    result = assess(patient, p, at=ivst.NOW)
    assert result.procedure == p.procedure.id


NAIVE = datetime(2026, 3, 10, 9, 0)


@FEW
@given(ivst.patients(now=NAIVE, medications=["apixaban", "aspirin"]))
def test_patients_take_their_times_from_now(patient: Patient) -> None:
    assert {m.drug for m in patient.medications} <= {"apixaban", "aspirin"}
    for moment in patient.datetimes():
        assert moment.tzinfo is None
        assert moment <= NAIVE


def test_patients_shrink_to_a_plain_adult() -> None:
    patient = find(ivst.patients(), lambda p: True)
    assert patient.medications == patient.labs == patient.conditions == patient.devices == ()
    assert patient.pregnant is False
    assert patient.age.magnitude == 18
    bare = find(
        ivst.patients(max_medications=0, labs=False, conditions=False, devices=False),
        lambda p: p.age.magnitude > 60,
    )
    assert bare.age.magnitude == 61
