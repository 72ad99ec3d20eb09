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


def pytest_configure(config: pytest.Config) -> None:
    """Ignore pyparsing's own warnings about its callers (old matplotlib at the floors).

    matplotlib 3.7 (the ``plot`` floor) calls pyparsing names that pyparsing 3.3 deprecates,
    which ``filterwarnings = error`` would turn into failures of tests that only draw.
    """
    try:
        import pyparsing.warnings  # noqa: F401
    except ImportError:  # no pyparsing, no such warning
        return
    config.addinivalue_line("filterwarnings", "ignore::pyparsing.warnings.PyparsingWarning")
