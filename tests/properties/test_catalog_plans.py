"""Properties of valid plans: targets exist, lie on the requested side, match the kinds."""

from __future__ import annotations

from hypothesis import given, settings
from test_catalog_strategies import valid_plans

from interventional.anatomy.atlas import default_atlas
from interventional.anatomy.levels import Side
from interventional.procedures import ProcedurePlan


@settings(max_examples=300, deadline=None)
@given(valid_plans())
def test_every_valid_plan_has_targets_on_the_requested_side(p: ProcedurePlan) -> None:
    assert p.targets
    sides = {target.side for target in p.targets}
    if p.side in (Side.LEFT, Side.RIGHT):
        assert sides == {p.side}
    elif p.side is Side.BILATERAL:
        assert sides == {Side.LEFT, Side.RIGHT}
    else:
        assert not sides & {Side.LEFT, Side.RIGHT} or not p.procedure.lateralized


@settings(max_examples=200, deadline=None)
@given(valid_plans())
def test_targets_are_atlas_structures_of_the_procedures_kinds(p: ProcedurePlan) -> None:
    atlas = default_atlas()
    for target in p.targets:
        assert atlas[target.id] == target
        assert target.kind in p.procedure.target_kinds


@settings(max_examples=200, deadline=None)
@given(valid_plans())
def test_plan_fields_fit_the_procedure(p: ProcedurePlan) -> None:
    procedure = p.procedure
    assert p.modality in procedure.modalities
    assert set(p.levels) <= set(procedure.levels)
    if procedure.max_levels is not None:
        assert len(p.levels) <= procedure.max_levels
    assert list(p.levels) == sorted(p.levels, key=lambda level: level.index)


@settings(max_examples=100, deadline=None)
@given(valid_plans())
def test_a_plan_rebuilt_from_its_fields_is_equal(p: ProcedurePlan) -> None:
    again = ProcedurePlan(p.procedure, p.levels, p.side, p.modality, p.injectates, target=p.target)
    assert again == p
    assert again.targets == p.targets
