"""Plans: targets resolved through the atlas, and every PlanError reason with its message."""

from __future__ import annotations

import pytest

from interventional.anatomy.levels import Segment, Side
from interventional.errors import PlanError, UnknownDrugError, UnknownProcedureError
from interventional.imaging.modality import Modality
from interventional.procedures import ProcedurePlan, UnknownInjectateError, default_catalog, plan


def ids(p: ProcedurePlan) -> list[str]:
    return [structure.id for structure in p.targets]


# --- targets --------------------------------------------------------------------------


def test_lumbar_mbb_targets_the_nerves_that_innervate_the_joint() -> None:
    assert ids(plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left")) == [
        "medial-branch:L3:left",
        "medial-branch:L4:left",
    ]


def test_lumbar_mbb_at_l5_s1_targets_the_l4_medial_branch_and_l5_dorsal_ramus() -> None:
    assert ids(plan("lumbar-mbb", levels=["L5-S1"], side="left")) == [
        "medial-branch:L4:left",
        "dorsal-ramus:L5:left",
    ]


def test_lumbar_tfesi_targets_the_foramen_and_the_exiting_nerve() -> None:
    assert ids(plan("lumbar-tfesi", levels=["L4-L5"], side="left")) == [
        "intervertebral-foramen:L4-L5:left",
        "spinal-nerve:L4:left",
    ]


def test_lumbar_tfesi_at_l5_s1_targets_l5() -> None:
    assert "spinal-nerve:L5:right" in ids(plan("lumbar-tfesi", levels="L5-S1", side="right"))


def test_stellate_ganglion_block_targets_the_stellate_ganglion() -> None:
    assert ids(plan("stellate-ganglion-block", side="left")) == ["stellate-ganglion:left"]


def test_scs_trial_targets_the_epidural_space_of_the_lead_levels() -> None:
    assert ids(plan("scs-trial", levels=["T8", "T9"])) == ["epidural-space:thoracic"]


def test_knee_joint_injection_targets_the_knee() -> None:
    assert ids(plan("knee-joint-injection", side="right")) == ["knee-joint:right"]


def test_bilateral_plan_targets_both_sides() -> None:
    targets = plan("lumbar-mbb", levels=["L3-L4", "L4-L5"], side="bilateral").targets
    assert {s.side for s in targets} == {Side.LEFT, Side.RIGHT}
    assert len(targets) == 6  # L2, L3, L4 medial branches on each side


def test_levels_are_sorted_and_parsed() -> None:
    p = plan("lumbar-mbb", levels=["l5-s1", "L3-L4"], side="left")
    assert p.levels == (Segment.parse("L3-L4"), Segment.parse("L5-S1"))


def test_modality_defaults_to_the_usual_one() -> None:
    assert plan("sgb", side="left").modality is Modality.ULTRASOUND
    assert plan("sgb", side="left", modality="fluoroscopy").modality is Modality.FLUOROSCOPY


def test_structures_at_risk_follow_the_side() -> None:
    at_risk = {s.id for s in plan("sgb", side="right").structures_at_risk}
    assert "vertebral-artery:right" in at_risk
    assert "vertebral-artery:left" not in at_risk


def test_injectates_from_tables_and_doses() -> None:
    from interventional.pharmacology import Dose

    p = plan(
        "lumbar-tfesi",
        levels=["L4-L5"],
        side="left",
        injectates=[
            {"drug": "dexamethasone", "amount": "10 mg"},
            Dose("lidocaine", volume="1 mL", concentration="1 %"),
        ],
    )
    assert [dose.drug.name for dose in p.injectates] == ["dexamethasone", "lidocaine"]


def test_plan_accepts_a_procedure_object() -> None:
    procedure = default_catalog()["knee-joint-injection"]
    assert plan(procedure, side="left").procedure is procedure


def test_direct_construction_runs_the_same_checks() -> None:
    procedure = default_catalog()["lumbar-mbb"]
    with pytest.raises(PlanError, match="side"):
        ProcedurePlan(procedure, ["L4-L5"])


def test_plans_are_values() -> None:
    a = plan("lumbar-mbb", levels=["L4-L5"], side="left")
    b = plan("LUMBAR-MBB", levels=["L4-L5"], side="LEFT")
    assert a == b
    assert hash(a) == hash(b)


def test_str_and_html() -> None:
    p = plan("lumbar-mbb", levels=["L4-L5"], side="left")
    assert str(p) == "lumbar-medial-branch-block at L4-L5, left, under fluoroscopy"
    html = p._repr_html_()
    assert "medial-branch:L3:left" in html
    assert "background:#" not in html  # no fixed colours: readable in dark themes


# --- bad input: every PlanError reason ------------------------------------------------


def test_level_outside_the_procedures_levels() -> None:
    with pytest.raises(PlanError) as info:
        plan("lumbar-mbb", levels=["C5-C6"], side="left")
    assert info.value.field == "levels[0]"
    assert str(info.value) == (
        "levels[0]: C5-C6 is outside the levels of lumbar-medial-branch-block "
        "(lumbar: L1-L2 to L5-S1); did you mean 'L1-L2'?"
    )


def test_cervical_interlaminar_level_too_high_suggests_the_nearest_allowed() -> None:
    with pytest.raises(PlanError) as info:
        plan("cervical-interlaminar-epidural-injection", levels=["C3-C4"])
    assert info.value.suggestions == ("C5-C6",)


def test_level_of_the_wrong_kind() -> None:
    with pytest.raises(PlanError) as info:
        plan("lumbar-mbb", levels=["L4"], side="left")
    assert str(info.value) == (
        "levels[0]: L4 is not one of the segments lumbar-medial-branch-block is planned at "
        "(e.g. 'L1-L2'); did you mean 'L3-L4', 'L4-L5'?"
    )


def test_level_that_does_not_exist() -> None:
    with pytest.raises(PlanError) as info:
        plan("lumbar-mbb", levels=["L5-L6"], side="left")
    assert info.value.field == "levels[0]"
    assert "L6 does not exist" in str(info.value)


def test_no_level_for_a_procedure_planned_by_level() -> None:
    with pytest.raises(PlanError) as info:
        plan("lumbar-mbb", side="left")
    assert str(info.value) == (
        "levels: lumbar-medial-branch-block needs at least one level; choose from L1-L2 to L5-S1"
    )


def test_levels_for_a_procedure_not_planned_by_level() -> None:
    with pytest.raises(PlanError) as info:
        plan("knee-joint-injection", levels=["L4-L5"], side="left")
    assert (
        str(info.value) == "levels: knee-joint-injection is not planned by level; leave levels out"
    )


def test_level_given_twice() -> None:
    with pytest.raises(PlanError, match=r"^levels: L4-L5 is given twice$"):
        plan("lumbar-mbb", levels=["L4-L5", "l4-l5"], side="left")


def test_too_many_levels() -> None:
    with pytest.raises(PlanError) as info:
        plan("sgb", levels=["C6", "C7"], side="left")
    assert str(info.value) == (
        "levels: 2 levels given; stellate-ganglion-block allows at most 1 per plan"
    )


def test_lateralized_procedure_without_a_side() -> None:
    with pytest.raises(PlanError) as info:
        plan("lumbar-tfesi", levels=["L4-L5"])
    assert info.value.field == "side"
    assert str(info.value) == (
        "side: lumbar-transforaminal-epidural-injection is lateralized; "
        "give side='left', 'right' or 'bilateral'"
    )


def test_lateralized_procedure_with_midline() -> None:
    with pytest.raises(PlanError, match="not 'midline'"):
        plan("lumbar-tfesi", levels=["L4-L5"], side="midline")


def test_midline_procedure_with_a_side() -> None:
    with pytest.raises(PlanError) as info:
        plan("scs-trial", levels=["T8"], side="left")
    assert str(info.value) == (
        "side: spinal-cord-stimulator-trial is a midline procedure; leave side out (got 'left')"
    )


def test_midline_side_is_accepted_for_a_midline_procedure() -> None:
    assert plan("scs-trial", levels=["T8"], side="midline").side is Side.MIDLINE


def test_bilateral_refused_where_one_side_at_a_time() -> None:
    with pytest.raises(PlanError) as info:
        plan("sgb", side="bilateral")
    assert str(info.value) == (
        "side: stellate-ganglion-block is done on one side at a time; give 'left' or 'right'; "
        "did you mean 'left', 'right'?"
    )


def test_unknown_side_word() -> None:
    with pytest.raises(PlanError) as info:
        plan("sgb", side="lefft")
    assert info.value.field == "side"
    assert info.value.suggestions[0] == "left"


def test_modality_not_allowed() -> None:
    with pytest.raises(PlanError) as info:
        plan("lumbar-tfesi", levels=["L4-L5"], side="left", modality="ultrasound")
    assert str(info.value) == (
        "modality: 'ultrasound' is not used for lumbar-transforaminal-epidural-injection; "
        "use 'fluoroscopy', 'ct'; did you mean 'fluoroscopy'?"
    )


def test_unknown_modality_word() -> None:
    with pytest.raises(PlanError) as info:
        plan("knee-joint-injection", side="left", modality="xray")
    assert info.value.field == "modality"


def test_unknown_injectate_drug() -> None:
    with pytest.raises(UnknownDrugError) as info:
        plan("lumbar-tfesi", levels=["L4-L5"], side="left", injectates=[{"drug": "dexametasone"}])
    error = info.value
    assert isinstance(error, PlanError)
    assert isinstance(error, UnknownInjectateError)
    assert error.field == "injectates[0].drug"
    assert error.suggestions[0] == "dexamethasone"
    assert str(error).startswith("injectates[0].drug: unknown drug 'dexametasone'; did you mean")


def test_injectate_amount_in_the_wrong_dimension() -> None:
    with pytest.raises(PlanError) as info:
        plan(
            "lumbar-tfesi",
            levels=["L4-L5"],
            side="left",
            injectates=[{"drug": "dexamethasone", "amount": "10 mL"}],
        )
    assert info.value.field == "injectates[0].amount"
    assert "10 mL" in str(info.value)


def test_injectate_of_the_wrong_type() -> None:
    with pytest.raises(PlanError) as info:
        plan("knee-joint-injection", side="left", injectates=["lidocaine"])
    assert info.value.field == "injectates[0]"


def test_injectate_with_an_unknown_field() -> None:
    with pytest.raises(PlanError) as info:
        plan("knee-joint-injection", side="left", injectates=[{"drug": "lidocaine", "dose": 1}])
    assert info.value.field == "injectates[0]"


def test_unknown_procedure() -> None:
    with pytest.raises(UnknownProcedureError) as info:
        plan("lumbar-medial-brach-block", levels=["L4-L5"], side="left")
    assert info.value.suggestions[0] == "lumbar-medial-branch-block"


def test_target_given_to_a_procedure_with_fixed_targets() -> None:
    with pytest.raises(PlanError, match=r"^target: knee-joint-injection has fixed targets"):
        plan("knee-joint-injection", side="left", target="trapezius")


def test_direct_construction_normalises_its_input() -> None:
    procedure = default_catalog()["lumbar-mbb"]
    direct = ProcedurePlan(procedure, ["l5-s1", "L3-L4"], "LEFT")
    assert direct == plan("lumbar-mbb", levels=["L3-L4", "L5-S1"], side="left")
    assert direct.modality is Modality.FLUOROSCOPY
    assert direct.side is Side.LEFT


def test_direct_construction_raises_plan_errors() -> None:
    procedure = default_catalog()["lumbar-mbb"]
    with pytest.raises(PlanError) as info:
        ProcedurePlan(procedure, ["L5-L6"], "left")
    assert info.value.field == "levels[0]"
    with pytest.raises(PlanError, match="procedure"):
        ProcedurePlan("lumbar-mbb", ["L4-L5"], "left")  # type: ignore[arg-type]


def test_target_choice_for_a_trigger_point() -> None:
    p = plan("trigger-point-injection", side="left", target="trapezius")
    assert ids(p) == ["muscle:trapezius:left"]
    assert {s.id for s in p.structures_at_risk} == {"pleura:left"}


def test_target_missing_for_a_procedure_that_needs_one() -> None:
    with pytest.raises(PlanError) as info:
        plan("trigger-point-injection", side="left")
    assert str(info.value) == (
        "target: trigger-point-injection needs target= (fills 'muscle:{target}:{side}')"
    )


def test_unknown_target_suggests_the_nearest() -> None:
    with pytest.raises(PlanError) as info:
        plan("tpi", side="left", target="trapezus")
    assert info.value.field == "target"
    assert info.value.suggestions == ("trapezius",)


def test_target_of_the_wrong_kind() -> None:
    with pytest.raises(PlanError, match="is a knee-joint, not a suprascapular-nerve"):
        plan("pns-trial", side="left", target="knee-joint")


def test_peripheral_nerve_stimulation_trial_target() -> None:
    p = plan("pns-trial", side="right", target="genicular-nerve:superomedial")
    assert ids(p) == ["genicular-nerve:superomedial:right"]


def test_genicular_targets_come_from_the_knee_innervation() -> None:
    assert ids(plan("genicular-nerve-block", side="left")) == [
        "genicular-nerve:inferomedial:left",
        "genicular-nerve:superolateral:left",
        "genicular-nerve:superomedial:left",
    ]


def test_cervical_mbb_targets_the_medial_branches_above_and_below() -> None:
    # BOGDUK: C5-C6 is supplied by the C5 and C6 medial branches.
    assert ids(plan("cervical-mbb", levels=["C5-C6"], side="right")) == [
        "medial-branch:C5:right",
        "medial-branch:C6:right",
    ]


def test_sacral_tfesi_targets_the_s1_foramen_and_nerve() -> None:
    assert ids(plan("s1-tfesi", levels=["S1"], side="left")) == [
        "sacral-foramen:S1:left",
        "spinal-nerve:S1:left",
    ]


def test_sacral_lateral_branch_block_targets_each_level() -> None:
    assert ids(plan("slbb", levels=["S1", "S2", "S3"], side="left")) == [
        "lateral-branch:S1:left",
        "lateral-branch:S2:left",
        "lateral-branch:S3:left",
    ]


def test_interlaminar_epidural_targets_the_region_epidural_space() -> None:
    assert ids(plan("lumbar-ilesi", levels=["L4-L5"])) == ["epidural-space:lumbar"]
    assert ids(plan("cervical-ilesi", levels=["C7-T1"])) == ["epidural-space:cervical"]


def test_caudal_targets_the_hiatus_and_sacral_epidural_space() -> None:
    assert ids(plan("caudal")) == ["sacral-hiatus", "epidural-space:sacral"]


def test_interlaminar_allows_one_level() -> None:
    with pytest.raises(PlanError, match="allows at most 1 per plan"):
        plan("lumbar-ilesi", levels=["L3-L4", "L4-L5"])


def test_lumbar_rfa_targets_match_the_block() -> None:
    block = plan("lumbar-mbb", levels=["L4-L5", "L5-S1"], side="left")
    ablation = plan("lumbar-rfa", levels=["L4-L5", "L5-S1"], side="left")
    assert block.targets == ablation.targets
