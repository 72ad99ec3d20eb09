"""Hypothesis strategies for procedures and valid plans, shared by the catalogue properties.

Imported by the other ``test_catalog_*`` modules (pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from interventional.anatomy.levels import Side
from interventional.procedures import Procedure, ProcedurePlan, default_catalog, plan
from interventional.procedures.targets import _target_choices


def procedures() -> st.SearchStrategy[Procedure]:
    return st.sampled_from(list(default_catalog().values()))


def _target_options(procedure: Procedure, side: Side | None) -> list[str]:
    from interventional.anatomy.atlas import default_atlas

    values = {"side": side.value} if side is not None and side.lateral else {}
    options: list[str] = []
    for rule in procedure.target_rules:
        if rule.needs_target:
            options += _target_choices(default_atlas(), rule, values)
    return options


@st.composite
def valid_plans(draw: Any, procedure: Procedure | None = None) -> ProcedurePlan:
    chosen = procedure if procedure is not None else draw(procedures())
    if chosen.lateralized:
        sides = [Side.LEFT, Side.RIGHT] + ([Side.BILATERAL] if chosen.bilateral else [])
        side: Side | None = draw(st.sampled_from(sides))
    else:
        side = draw(st.sampled_from([None, Side.MIDLINE]))
    levels: list[Any] = []
    if chosen.levels:
        most = min(len(chosen.levels), chosen.max_levels or 3, 3)
        least = 1 if chosen.needs_levels else 0
        levels = draw(
            st.lists(st.sampled_from(chosen.levels), min_size=least, max_size=most, unique=True)
        )
    modality = draw(st.sampled_from(sorted(chosen.modalities, key=lambda m: m.value)))
    target = None
    if chosen.needs_target:
        each_side = Side.LEFT if side is Side.BILATERAL else side
        target = draw(st.sampled_from(_target_options(chosen, each_side)))
    return plan(chosen, levels=levels, side=side, modality=modality, target=target)


@settings(max_examples=50, deadline=None)
@given(valid_plans())
def test_the_strategy_draws_valid_plans(p: ProcedurePlan) -> None:
    assert isinstance(p, ProcedurePlan)
