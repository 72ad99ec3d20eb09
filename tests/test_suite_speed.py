"""The suite's own layout: slow tests are marked, the quick loop skips them, CI runs all in parallel."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_slow_marker_is_registered() -> None:
    markers = PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]
    assert any(marker.startswith("slow:") for marker in markers)


def test_the_readme_runs_the_tests_in_parallel_and_names_the_quick_loop() -> None:
    match = re.search(r"<!-- ci: tests -->\n```\w*\n(.+?)\n```", README, flags=re.DOTALL)
    assert match is not None
    assert match.group(1).strip().endswith("python -m pytest -n auto")
    assert 'python -m pytest -m "not' in README


def test_the_test_extra_brings_pytest_xdist() -> None:
    assert any(
        r.startswith("pytest-xdist") for r in PYPROJECT["project"]["optional-dependencies"]["test"]
    )


@pytest.mark.slow  # collects in a subprocess
def test_the_quick_loop_leaves_out_the_property_and_approval_tests() -> None:
    paths = ["tests/properties", "tests/fuzz", "tests/anatomy/test_atlas_approved.py"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not slow",
            *paths,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 5, result.stdout[-2000:]  # pytest: no test selected
    assert re.search(r"\d+ deselected", result.stdout)
