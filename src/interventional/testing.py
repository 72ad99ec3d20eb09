"""Assertion helpers for tests that use :mod:`interventional` (as pint and MetPy ship).

These work with plain ``assert``-style test runners (pytest, unittest): each raises
:class:`AssertionError` with a message that says what differs.

Examples
--------
>>> from interventional.testing import assert_quantity_close
>>> from interventional.units import Q_
>>> assert_quantity_close(Q_(1, "inch"), Q_(25.4, "mm"))
>>> assert_quantity_close(Q_(1, "inch"), Q_(25, "mm"))
Traceback (most recent call last):
...
AssertionError: 1 in is not close to 25 mm: 25.4 mm differs by 0.4 mm (allowed 2.5e-08 mm)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pint

from interventional.errors import UnitError
from interventional.units import Q_, Quantity, as_quantity

__all__ = ["assert_graphs_equal", "assert_quantity_close", "synthetic_cohort"]

if TYPE_CHECKING:
    from interventional.cohort import Cohort


def synthetic_cohort(n: int, *, seed: int = 0) -> Cohort:
    """A synthetic :class:`~interventional.cohort.Cohort` of ``n`` booked procedures.

    Needs the ``cohort`` extra (pyarrow); see
    :func:`interventional.cohort.synthetic_cohort` for what the patients are like.

    Examples
    --------
    >>> from interventional.testing import synthetic_cohort
    >>> cohort = synthetic_cohort(5, seed=1)
    >>> [pid for pid, patient, plan, at in cohort.cases()]
    ['P0000000', 'P0000001', 'P0000002', 'P0000003', 'P0000004']
    """
    from interventional.cohort import synthetic_cohort as make

    return make(n, seed=seed)


def assert_quantity_close(
    actual: Quantity | str,
    expected: Quantity | str,
    *,
    rtol: float = 1e-9,
    atol: Quantity | str | None = None,
) -> None:
    """Assert that two quantities are equal within a tolerance, in whatever units each is in.

    Parameters
    ----------
    actual, expected : Quantity or str
        The values to compare; they must have the same dimension.
    rtol : float, optional
        Relative tolerance, as a fraction of ``expected``.
    atol : Quantity or str, optional
        Absolute tolerance, in units of the same dimension.

    Raises
    ------
    AssertionError
        When the dimensions differ or the values are not close.

    Examples
    --------
    >>> assert_quantity_close("2 h", "120 min")
    >>> assert_quantity_close("1 mg", "1 mL")
    Traceback (most recent call last):
    ...
    AssertionError: 1 mg and 1 mL have different dimensions: [mass] and [length] ** 3
    """
    a = _quantity(actual)
    e = _quantity(expected)
    if not a.is_compatible_with(e):
        raise AssertionError(
            f"{a} and {e} have different dimensions: {a.dimensionality} and {e.dimensionality}"
        )
    unit = e.units
    a_value = float(a.to(unit).magnitude)
    e_value = float(e.magnitude)
    allowed = rtol * abs(e_value)
    if atol is not None:
        allowed += float(as_quantity(atol, str(unit), field="atol").to(unit).magnitude)
    difference = abs(a_value - e_value)
    if not math.isclose(a_value, e_value, rel_tol=0.0, abs_tol=allowed) or math.isnan(difference):
        raise AssertionError(
            f"{a} is not close to {e}: {a_value:.6g} {unit:~} differs by "
            f"{difference:.3g} {unit:~} (allowed {allowed:.3g} {unit:~})"
        )


def _quantity(value: Quantity | str) -> Quantity:
    if isinstance(value, str):
        return Q_(value)
    if isinstance(value, pint.Quantity):
        try:
            return as_quantity(value, str(value.units), field="value")
        except UnitError as error:
            raise AssertionError(str(error)) from None
    raise AssertionError(f"expected a Quantity or text such as '10 mg', got {value!r}")


def assert_graphs_equal(actual: Any, expected: Any) -> None:
    """Assert that two networkx multigraphs have the same nodes, edges, keys and attributes.

    Examples
    --------
    >>> import networkx as nx
    >>> a = nx.MultiDiGraph([("x", "y", "part-of")])
    >>> b = nx.MultiDiGraph([("x", "y", "part-of")])
    >>> assert_graphs_equal(a, b)
    >>> b.add_edge("y", "z", key="supplies")
    'supplies'
    >>> assert_graphs_equal(a, b)
    Traceback (most recent call last):
    ...
    AssertionError: nodes differ: only in expected: ['z']
    """
    nodes_a = dict(actual.nodes(data=True))
    nodes_e = dict(expected.nodes(data=True))
    if set(nodes_a) != set(nodes_e):
        only_a = sorted(map(str, set(nodes_a) - set(nodes_e)))
        only_e = sorted(map(str, set(nodes_e) - set(nodes_a)))
        parts = [
            f"only in actual: {only_a}" if only_a else "",
            f"only in expected: {only_e}" if only_e else "",
        ]
        raise AssertionError("nodes differ: " + "; ".join(p for p in parts if p))
    for node, data in nodes_a.items():
        if data != nodes_e[node]:
            raise AssertionError(f"node {node!r} attributes differ: {data!r} != {nodes_e[node]!r}")
    edges_a = {(u, v, k): d for u, v, k, d in actual.edges(keys=True, data=True)}
    edges_e = {(u, v, k): d for u, v, k, d in expected.edges(keys=True, data=True)}
    if set(edges_a) != set(edges_e):
        only_a = sorted(map(str, set(edges_a) - set(edges_e)))
        only_e = sorted(map(str, set(edges_e) - set(edges_a)))
        raise AssertionError(f"edges differ: only in actual: {only_a}; only in expected: {only_e}")
    for edge, data in edges_a.items():
        if data != edges_e[edge]:
            raise AssertionError(f"edge {edge!r} attributes differ: {data!r} != {edges_e[edge]!r}")
