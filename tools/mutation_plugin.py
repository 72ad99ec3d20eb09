"""A pytest plugin for mutation runs only (loaded by tools/mutation.sh with ``-p``).

Every hypothesis test runs at most MUTATION_MAX_EXAMPLES examples (default 10), derandomised
and without the example database, so that one mutant costs seconds rather than minutes and
is judged the same way on every run. The default test run never loads this plugin.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import settings

CAP = int(os.environ.get("MUTATION_MAX_EXAMPLES", "10"))


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        test = getattr(item, "obj", None)
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is None or not getattr(test, "is_hypothesis_test", False):
            continue
        test._hypothesis_internal_use_settings = settings(  # type: ignore[union-attr]
            current,
            max_examples=min(current.max_examples, CAP),
            deadline=None,
            derandomize=True,
            database=None,
        )
