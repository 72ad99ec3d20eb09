"""Catalogue invariants: fluoroscopic views, and the ASRA 2018 bleeding-risk classes.

Every record says where its class comes from (``bleeding_risk_basis``): the row of the 2018
procedure table (N2018, table 1; UTD-RISK; /work/shared/domain/contraindications.md 1a), or
the reasoning where the table does not name it. The facts (which row has which class) are in
``tests/procedures/test_facts.py``; here the invariants: every class has a basis, and one row
gives one class whichever procedures are placed on it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.anatomy.levels import Region
from interventional.imaging.modality import Modality
from interventional.procedures import BleedingRisk, Procedure, default_catalog


def _by_row() -> dict[str, set[BleedingRisk]]:
    classes: dict[str, set[BleedingRisk]] = {}
    for procedure in default_catalog().values():
        basis = procedure.bleeding_risk_basis
        if basis is not None and basis.row:
            classes.setdefault(basis.row, set()).add(procedure.bleeding_risk)
    return classes


@settings(max_examples=60, deadline=None)
@given(ivst.procedures())
def test_every_procedure_with_fluoroscopy_has_a_view(procedure: Procedure) -> None:
    if Modality.FLUOROSCOPY in procedure.modalities:
        assert procedure.views, f"{procedure.id} allows fluoroscopy but lists no view"


@settings(max_examples=60, deadline=None)
@given(ivst.procedures())
def test_every_class_says_where_it_comes_from(procedure: Procedure) -> None:
    basis = procedure.bleeding_risk_basis
    assert basis is not None, f"{procedure.id}: no bleeding_risk_basis"
    assert basis.row or basis.inferred
    assert basis.references


def test_one_row_of_the_table_gives_one_class() -> None:
    # Whether named in a row or likened to it, every procedure on a row has its class.
    assert {row: len(classes) for row, classes in _by_row().items()} == dict.fromkeys(_by_row(), 1)


def test_the_table_rows_are_all_used_and_span_the_three_classes() -> None:
    rows = _by_row()
    assert len(rows) == 19
    assert set().union(*rows.values()) == set(BleedingRisk)


def test_cervical_facet_work_outranks_thoracolumbar_facet_work() -> None:
    facet = [p for p in default_catalog().values() if p.category.value == "facet-intervention"]
    cervical = [p for p in facet if Region.CERVICAL in p.regions]
    lower = [p for p in facet if Region.CERVICAL not in p.regions]
    assert cervical
    assert lower
    assert min(p.bleeding_risk for p in cervical) > max(p.bleeding_risk for p in lower)


@given(st.sampled_from(list(BleedingRisk)), st.sampled_from(list(BleedingRisk)))
def test_risk_classes_are_ordered_and_upgrading_keeps_the_order(
    a: BleedingRisk, b: BleedingRisk
) -> None:
    assert list(BleedingRisk) == [BleedingRisk.LOW, BleedingRisk.INTERMEDIATE, BleedingRisk.HIGH]
    assert a.upgraded() >= a
    if a <= b:
        assert a.upgraded() <= b.upgraded()
    if a is not BleedingRisk.HIGH:
        assert a.upgraded() > a
    else:
        assert a.upgraded() is BleedingRisk.HIGH
