"""The declared dependency floors and extras (CI installs the floors exactly and runs the suite)."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
spec = importlib.util.spec_from_file_location("floors", ROOT / "tools" / "floors.py")
assert spec is not None
assert spec.loader is not None
floors_module = importlib.util.module_from_spec(spec)
sys.modules["floors"] = floors_module
spec.loader.exec_module(floors_module)
floors = floors_module.floors


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


# Below these the library fails (seen in an environment pinned one release lower):
# pint 0.24.3 fails at import, networkx 3.3 has no node_link_data(edges=...), cattrs 25.3
# cannot structure a generic attrs class on Python 3.11, and cattrs 26.1 needs attrs 25.4.
KNOWN_NEEDED = {"pint": "0.24.4", "networkx": "3.4", "cattrs": "26.1", "attrs": "25.4"}


@pytest.mark.parametrize(("name", "needed"), sorted(KNOWN_NEEDED.items()))
def test_each_floor_is_at_least_the_release_that_works(name: str, needed: str) -> None:
    assert version(floors()[name]) >= version(needed)


def test_every_runtime_dependency_has_a_floor() -> None:
    names = {re.split(r"[<>=\[ ;]", r, maxsplit=1)[0].lower() for r in PROJECT["dependencies"]}
    assert names == set(floors())


@pytest.mark.parametrize("extra", ["test", "docs"])
def test_test_and_docs_extras_bring_what_they_import(extra: str) -> None:
    """autodoc of interventional.strategies needs hypothesis; the tutorials draw and read FHIR."""
    found = floors([extra])
    assert {"hypothesis", "matplotlib", "fhir-resources"} <= set(found)


def test_the_test_extra_runs_in_parallel_and_validates_json() -> None:
    assert {"pytest", "pytest-xdist", "jsonschema"} <= set(floors(["test"]))


def test_the_docs_extra_writes_notebooks() -> None:
    assert "jupytext" in floors(["docs"])


def test_one_extra_per_purpose_no_copies() -> None:
    """test and docs build on testing/plot/fhir/cohort instead of repeating their requirements."""
    optional = PROJECT["optional-dependencies"]
    for extra in ("test", "docs"):
        listed = " ".join(optional[extra])
        assert "interventional[testing,plot,fhir,cohort]" in listed
        assert "pyarrow" not in listed
        assert "hypothesis" not in listed
        assert "matplotlib" not in listed


def test_constraints_pin_each_floor_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    assert floors_module.main(["test"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len({line.split("==")[0] for line in lines})
    assert all(re.fullmatch(r"[a-z0-9-]+==[0-9][0-9.]*", line) for line in lines), lines
    assert "pint==0.24.4" in lines


def test_an_unknown_extra_is_an_error() -> None:
    with pytest.raises(SystemExit, match="no extra 'nope'"):
        floors(["nope"])
