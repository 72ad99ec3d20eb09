"""End to end: the README's quick-start commands work as written (their Python parts)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

pytestmark = pytest.mark.e2e


def readme_command(name: str) -> str:
    match = re.search(rf"<!-- ci: {name} -->\n```\w*\n(.+?)\n```", README, flags=re.DOTALL)
    assert match is not None, f"README has no '{name}' command"
    return match.group(1).strip()


def python_parts(command: str) -> list[list[str]]:
    """The commands of a `a && b` line that are not the pip install, as argv lists."""
    parts = [shlex.split(part) for part in command.split("&&")]
    assert parts[0][:4] == ["python", "-m", "pip", "install"], "the command starts by installing"
    out = []
    for argv in parts[1:]:
        if argv[0] == "python":
            argv = [sys.executable, *argv[1:]]
        elif argv[0] == "interventional":
            argv = [sys.executable, "-m", "interventional", *argv[1:]]
        out.append(argv)
    return out


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_readme_has_the_three_commands_ci_runs() -> None:
    assert re.findall(r"<!-- ci: ([\w-]+) -->", README) == ["main-job", "tests", "docs"]


def test_docs_command_builds_with_warnings_as_errors() -> None:
    (install, build) = (shlex.split(part) for part in readme_command("docs").split("&&"))
    assert install == ["python", "-m", "pip", "install", ".[docs]"]
    assert build[0] == "sphinx-build"
    assert "-W" in build


@pytest.mark.slow  # runs the README command in a subprocess
def test_main_job_runs_on_built_in_data() -> None:
    for argv in python_parts(readme_command("main-job")):
        result = run(argv)
        assert result.returncode == 0, result.stderr
        assert "interventional" in result.stdout
        assert result.stderr == ""


@pytest.mark.slow  # collects the whole suite in a subprocess
def test_test_command_collects_the_suite() -> None:
    (argv,) = python_parts(readme_command("tests"))
    assert argv[1:3] == ["-m", "pytest"]
    result = run([*argv, "--collect-only", "-q", "-p", "no:cacheprovider"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\d+ tests? collected", result.stdout)


def test_readme_says_it_is_not_a_medical_device() -> None:
    assert "Not a medical device" in README


def test_python_example_gives_the_results_it_shows() -> None:
    match = re.search(r"```python\n(.+?)\n```", README, flags=re.DOTALL)
    assert match is not None
    namespace: dict[str, object] = {}
    lines = match.group(1).splitlines()
    checked = 0
    for index, line in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if following.startswith("# "):
            assert repr(eval(line, namespace)) == following[2:], line
            checked += 1
        else:
            exec(line, namespace)
    assert checked >= 2
