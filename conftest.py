"""Shared pytest configuration: the doctest namespace (``iv``, ``ureg``, ``Q_``)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    import interventional as iv

    doctest_namespace["iv"] = iv
    doctest_namespace["ureg"] = iv.ureg
    doctest_namespace["Q_"] = iv.Q_
