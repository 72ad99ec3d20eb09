"""The assertion helpers users put in their own tests."""

from __future__ import annotations

import networkx as nx
import pint
import pytest

from interventional.testing import assert_graphs_equal, assert_quantity_close
from interventional.units import Q_


def test_close_in_other_units_passes() -> None:
    assert_quantity_close(Q_(1, "kg"), "1000 g")
    assert_quantity_close("0.308 mm", Q_(308, "um"))


def test_other_registry_is_accepted() -> None:
    other = pint.UnitRegistry()
    assert_quantity_close(other.Quantity(2, "inch"), "50.8 mm")


def test_tolerances() -> None:
    assert_quantity_close("10.01 mg", "10 mg", rtol=1e-2)
    assert_quantity_close("10.01 mg", "10 mg", rtol=0, atol="0.02 mg")
    with pytest.raises(AssertionError, match="not close"):
        assert_quantity_close("10.1 mg", "10 mg", rtol=1e-3)


def test_dimension_mismatch_fails() -> None:
    with pytest.raises(AssertionError, match="different dimensions"):
        assert_quantity_close("1 mSv", "1 mGy")


def test_non_quantity_fails() -> None:
    with pytest.raises(AssertionError, match="expected a Quantity"):
        assert_quantity_close(3, "3 mg")  # type: ignore[arg-type]


def test_nan_never_passes() -> None:
    with pytest.raises(AssertionError):
        assert_quantity_close(Q_(float("nan"), "mg"), "1 mg")


def test_graph_differences_are_reported() -> None:
    a = nx.MultiDiGraph()
    a.add_node("x", kind="joint")
    a.add_edge("x", "y", key="part-of", weight=1)
    b = a.copy()
    assert_graphs_equal(a, b)
    b.nodes["x"]["kind"] = "nerve"
    with pytest.raises(AssertionError, match="node 'x' attributes differ"):
        assert_graphs_equal(a, b)
    c = a.copy()
    c.add_edge("x", "y", key="supplies")
    with pytest.raises(AssertionError, match="edges differ"):
        assert_graphs_equal(a, c)
    d = a.copy()
    d["x"]["y"]["part-of"]["weight"] = 2
    with pytest.raises(AssertionError, match=r"edge .* attributes differ"):
        assert_graphs_equal(a, d)
