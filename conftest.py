"""Shared pytest configuration: the doctest namespace (``iv``, ``ureg``, ``Q_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    import interventional as iv

    doctest_namespace["iv"] = iv
    doctest_namespace["ureg"] = iv.ureg
    doctest_namespace["Q_"] = iv.Q_


try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the testing extra is not installed: no property test runs
    pass
else:
    # No deadline per example: speed targets live in bench/, and a run in parallel
    # (pytest -n auto) or on a loaded machine must not fail a property for being slow.
    settings.register_profile(
        "interventional", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("interventional")


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


_SLOW_DIRECTORIES = ("properties", "fuzz")
"""Directories of ``tests/`` whose every test is a hypothesis search: marked ``slow``."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the property and fuzz tests ``slow`` (the quick loop ``-m "not slow"`` skips them)."""
    tests = Path(__file__).parent / "tests"
    slow = [tests / name for name in _SLOW_DIRECTORIES]
    for item in items:
        if any(directory in item.path.parents for directory in slow):
            item.add_marker(pytest.mark.slow)
