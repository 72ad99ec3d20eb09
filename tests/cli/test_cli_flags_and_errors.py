"""The command line's global flags, exit codes and the errors a user never sees as tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interventional.cli import ASSESS_EXIT_CODES, EXIT_BAD_INPUT, EXIT_ERROR, main
from interventional.errors import ValidationError
from interventional.procedures import plan
from interventional.safety import Patient, Verdict, assess
from interventional.safety.model import check_time

ROOT = Path(__file__).resolve().parents[2]
PATIENT = ROOT / "examples" / "patient.toml"
INNERVATION = ["innervation", "facet-joint:L4-L5:left"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --- point 3: --json and --debug before and after the command ---------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", *INNERVATION],
        [INNERVATION[0], "--json", INNERVATION[1]],
        [*INNERVATION, "--json"],
    ],
    ids=["before", "between", "after"],
)
def test_json_is_read_before_and_after_the_command(argv: list[str]) -> None:
    code, out, _ = run(*argv)
    assert code == 0
    assert json.loads(out)["structure"] == "facet-joint:L4-L5:left"


def test_without_json_the_output_is_text() -> None:
    code, out, _ = run(*INNERVATION)
    assert code == 0
    assert out.startswith("facet-joint:L4-L5:left (L4-L5 facet joint, left) is innervated by:")


@pytest.mark.parametrize(
    "argv",
    [["--debug", "show", "no-such-procedure"], ["show", "no-such-procedure", "--debug"]],
    ids=["before", "after"],
)
def test_debug_is_read_before_and_after_the_command(argv: list[str]) -> None:
    with pytest.raises(KeyError, match="no-such-procedure"):
        run(*argv)


def test_without_debug_an_error_is_one_line() -> None:
    code, out, err = run("show", "no-such-procedure")
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert err.count("\n") == 1


# --- point 4: no traceback without --debug ------------------------------------------------


@pytest.mark.slow  # a process per command
@pytest.mark.parametrize(
    "argv", [["procedures"], ["--json", *INNERVATION], ["graph", "--format", "graphml"]]
)
def test_a_closed_pipe_ends_quietly_with_141(argv: list[str]) -> None:
    """``interventional ... | head``: the reader has gone before the output is written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "interventional", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # as `head` does once it has read its lines
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 141
    assert err == ""


@pytest.mark.parametrize("at", ["9999-12-31T23:00+00:00", "9999-12-31T23:00", "0001-01-01T00:00"])
def test_a_time_at_the_end_of_the_calendar_is_a_one_line_error(at: str) -> None:
    argv = ["assess", str(PATIENT), "--procedure", "sgb", "--side", "left", "--at", at]
    code, out, err = run(*argv)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert err.startswith("interventional assess: error: at: ")
    assert "0002-01-01 to 9998-12-31" in err


def test_an_unexpected_error_is_one_line_with_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import interventional.anatomy as anatomy

    def broken() -> None:
        raise RuntimeError("the atlas is broken")

    monkeypatch.setattr(anatomy, "default_atlas", broken)
    code, out, err = run(*INNERVATION)
    assert code == EXIT_ERROR
    assert out == ""
    assert err.count("\n") == 1
    assert "RuntimeError: the atlas is broken" in err
    assert "--debug" in err
    with pytest.raises(RuntimeError):
        run(*INNERVATION, "--debug")


def test_the_library_rejects_a_procedure_time_past_the_end_of_time() -> None:
    knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    with pytest.raises(ValidationError, match=r"^at: 9999-12-31 23:00\+00:00 is outside") as info:
        assess(Patient(age=50), knee, at=datetime(9999, 12, 31, 23, tzinfo=UTC))
    assert info.value.field == "at"


def test_the_library_rejects_a_last_dose_past_the_end_of_time() -> None:
    from interventional.safety import MedicationUse

    with pytest.raises(ValidationError) as info:
        MedicationUse("apixaban", last_dose=datetime(9999, 12, 31))
    assert info.value.field == "last_dose"


def test_the_times_at_the_edges_of_the_range_are_accepted() -> None:
    assert check_time("at", datetime(9998, 12, 31, 23, 59)) == datetime(9998, 12, 31, 23, 59)
    knee = plan("knee-joint-injection", side="left", modality="ultrasound")
    patient = Patient(age=50)
    assert assess(patient, knee, at=datetime(9998, 12, 31, 23, 59)).verdict is Verdict.PROCEED


# --- point 8: one exit code per verdict, said in --help -----------------------------------


def test_each_verdict_has_its_own_exit_code() -> None:
    assert set(ASSESS_EXIT_CODES) == {verdict.name for verdict in Verdict}
    codes = list(ASSESS_EXIT_CODES.values())
    assert len(set(codes)) == len(codes)
    assert ASSESS_EXIT_CODES["PROCEED"] == 0
    assert not {EXIT_ERROR, EXIT_BAD_INPUT} & set(codes)


def test_assess_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--help"]) == 0
    text = capsys.readouterr().out
    for verdict, code in ASSESS_EXIT_CODES.items():
        assert f"  {code}  {verdict}\n" in text


@pytest.mark.parametrize(
    ("at", "verdict"),
    [("2026-03-10T09:00:00+00:00", "DEFER"), ("2026-03-20T09:00:00+00:00", None)],
)
def test_assess_exits_with_the_code_of_its_verdict(at: str, verdict: str | None) -> None:
    argv = ["assess", str(PATIENT), "--procedure", "spinal-cord-stimulator-trial"]
    code, out, _ = run(*argv, "--levels", "T8", "--at", at, "--json")
    found = Verdict(json.loads(out)["verdict"]).name
    assert verdict is None or found == verdict
    assert code == ASSESS_EXIT_CODES[found]


def test_readme_states_the_exit_codes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for verdict, code in ASSESS_EXIT_CODES.items():
        assert f"{code} {verdict}" in readme


# --- point 8: show and demo read as text -----------------------------------------------------


@pytest.mark.parametrize(
    "procedure_id", ["lumbar-medial-branch-block", "spinal-cord-stimulator-trial"]
)
def test_show_prints_readable_text_not_python_literals(procedure_id: str) -> None:
    code, out, _ = run("show", procedure_id)
    assert code == 0
    words = set(out.replace(",", " ").split())
    assert not words & {"True", "False", "None", "[]", "{}", "''"}
    assert "datetime.datetime(" not in out
    assert ("neuraxial: yes" in out) or ("neuraxial: no" in out)
    assert "schema" not in out


def test_show_says_yes_and_no() -> None:
    _, out, _ = run("show", "lumbar-medial-branch-block")
    assert "\nneuraxial: no\n" in out
    assert "\nlateralized: yes\n" in out


def test_the_demo_explains_its_fixed_date() -> None:
    code, out, _ = run("demo")
    assert code == 0
    head = "\n".join(out.splitlines()[:3])
    assert "fixed time, 2026-12-01 09:00+00:00" in head
    assert "same answer on every day" in head


def test_readme_explains_the_demo_date() -> None:
    from interventional._data import load_records
    from interventional._demo import _SCENARIO, DemoPlan

    (scenario,) = load_records(_SCENARIO, DemoPlan, table="plan", key=None)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"fixed time, {scenario.at:%Y-%m-%d %H:%M} UTC" in readme
