"""Every target kind and structure at risk of the catalogue exists in the default atlas."""

from __future__ import annotations

import pytest

from interventional.anatomy.atlas import default_atlas
from interventional.anatomy.levels import Side
from interventional.anatomy.structures import StructureKind
from interventional.procedures import Procedure, default_catalog
from interventional.procedures.targets import _substitutions

PROCEDURES = list(default_catalog().values())


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
def test_every_target_kind_is_a_structure_kind_of_the_atlas(procedure: Procedure) -> None:
    present = {structure.kind.value for structure in default_atlas().values()}
    for kind in procedure.target_kinds:
        assert isinstance(kind, StructureKind)
        assert kind.value in present, f"{procedure.id}: no {kind.value} in the atlas"


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
def test_every_structure_at_risk_exists_in_the_atlas(procedure: Procedure) -> None:
    atlas = default_atlas()
    sides = (Side.LEFT, Side.RIGHT)
    for template in procedure.structures_at_risk:
        for side in sides:
            for level in procedure.levels or (None,):
                values = _substitutions(level, side)
                try:
                    ident = template.format_map(values)
                except KeyError:
                    pytest.fail(f"{procedure.id}: cannot fill {template!r}")
                assert ident in atlas, f"{procedure.id}: {ident} is not in the atlas"


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
def test_every_allowed_level_resolves_on_each_side(procedure: Procedure) -> None:
    from interventional.procedures.catalog import reachable_targets

    assert reachable_targets(procedure), f"{procedure.id} targets nothing"
