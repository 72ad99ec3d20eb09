"""The package face: imports cleanly, stays light, exports the public contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import interventional as iv

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "design" / "API.md"


def run_python(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_raises_no_warning() -> None:
    result = run_python("import interventional", "-W", "error")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("heavy", ["matplotlib", "hypothesis", "IPython", "numpy.testing"])
def test_import_does_not_load_optional_packages(heavy: str) -> None:
    code = f"import sys, interventional; print({heavy!r} in sys.modules)"
    result = run_python(code)
    assert result.stdout.strip() == "False", result.stderr


def test_every_name_in_all_is_importable() -> None:
    for name in iv.__all__:
        assert hasattr(iv, name), name


def test_version_is_a_string() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(\S*)", iv.__version__)


def contract_names() -> list[str]:
    names: list[str] = []
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            for name in re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)(?:\(\))?`", line.split("|")[1]):
                if name not in names:
                    names.append(name)
    return names


@pytest.mark.skipif(not CONTRACT.exists(), reason="the design contract is not beside this checkout")
def test_contract_names_are_exported() -> None:
    missing = [name for name in contract_names() if name not in iv.__all__]
    assert missing == []
