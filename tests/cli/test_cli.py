"""The command line: every command, its JSON form, exit codes and one-line errors."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interventional.cli import ASSESS_EXIT_CODES, main
from interventional.safety import Verdict

ROOT = Path(__file__).resolve().parents[2]
PATIENT = ROOT / "examples" / "patient.toml"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_process(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interventional", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- entry points ------------------------------------------------------------------------


def test_module_entry_point_runs_the_demo() -> None:
    result = run_process("demo")
    assert result.returncode == 0, result.stderr
    assert "Verdict:" in result.stdout
    assert "not a medical device" in result.stdout


@pytest.mark.skipif(
    shutil.which("interventional", path=str(Path(sys.executable).parent)) is None,
    reason="the console script is not installed in this environment",
)
def test_console_script_entry_point() -> None:
    script = shutil.which("interventional", path=str(Path(sys.executable).parent))
    assert script is not None
    result = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("interventional ")


def test_help_does_not_import_heavy_packages() -> None:
    code = (
        "import sys\n"
        "from interventional.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('matplotlib', 'hypothesis', 'IPython') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("[]")


def test_bad_input_is_one_line_on_stderr_with_exit_2() -> None:
    result = run_process("show", "lumbar-medial-branch-blok")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "did you mean 'lumbar-medial-branch-block'" in result.stderr


def test_debug_shows_the_traceback() -> None:
    result = run_process("show", "no-such-procedure", "--debug")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_unknown_option_is_exit_2() -> None:
    code, _, _ = run("procedures", "--colour", "red")
    assert code == 2


# --- procedures and show -------------------------------------------------------------------


def test_procedures_lists_the_catalogue() -> None:
    code, out, _ = run("procedures")
    assert code == 0
    assert "lumbar-medial-branch-block" in out
    assert "stellate-ganglion-block" in out


def test_procedures_filters_combine() -> None:
    code, out, _ = run("procedures", "--risk", "HIGH", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows
    assert {row["bleeding_risk"] for row in rows} == {"high"}
    assert "spinal-cord-stimulator-trial" in {row["id"] for row in rows}
    code, out, _ = run("procedures", "--region", "cervical", "--modality", "ultrasound", "--json")
    rows = json.loads(out)
    assert all("cervical" in row["regions"] and "ultrasound" in row["modalities"] for row in rows)


def test_procedures_bad_filter_is_exit_2() -> None:
    code, out, err = run("procedures", "--risk", "mediun")
    assert code == 2
    assert out == ""
    assert "--risk" in err


def test_show_by_alias_in_text_and_json() -> None:
    code, out, _ = run("show", "SGB")
    assert code == 0
    assert out.startswith("Stellate ganglion block (stellate-ganglion-block)")
    assert "sources:" in out
    code, out, _ = run("show", "stellate-ganglion-block", "--json")
    data = json.loads(out)
    assert data["id"] == "stellate-ganglion-block"
    assert data["bleeding_risk"] == "intermediate"


# --- atlas ----------------------------------------------------------------------------------


def test_innervation_of_l5_s1_facet() -> None:
    code, out, _ = run("innervation", "facet-joint:L5-S1:right", "--json")
    assert code == 0
    assert json.loads(out)["innervated_by"] == ["dorsal-ramus:L5:right", "medial-branch:L4:right"]


def test_structure_shows_relations() -> None:
    code, out, _ = run("structure", "spinal-nerve:C8:left", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "spinal-nerve"
    assert "intervertebral-foramen:C7-T1:left" in data["relations"]["exits-through"]


def test_unknown_structure_suggests() -> None:
    code, _, err = run("structure", "facet-joint:L4-L5:lft")
    assert code == 2
    assert "facet-joint:L4-L5:left" in err


@pytest.mark.parametrize(
    ("fmt", "start"), [("json", "{"), ("graphml", "<graphml"), ("dot", "digraph")]
)
def test_graph_exports(fmt: str, start: str) -> None:
    code, out, _ = run("graph", "facet-joint:L4-L5:left", "--format", fmt)
    assert code == 0
    assert out.lstrip().startswith(start)
    assert "medial-branch:L3:left" in out


def test_graph_json_is_node_link() -> None:
    code, out, _ = run("graph", "facet-joint:L4-L5:left", "--format", "json", "--depth", "0")
    assert code == 0
    data = json.loads(out)
    assert [node["id"] for node in data["nodes"]] == ["facet-joint:L4-L5:left"]


def test_graph_negative_depth_is_exit_2() -> None:
    code, _, err = run("graph", "facet-joint:L4-L5:left", "--depth", "-1")
    assert code == 2
    assert "--depth" in err


# --- assess ----------------------------------------------------------------------------------


def test_assess_patient_file_defers_with_exit_5() -> None:
    code, out, _ = run(
        "assess",
        str(PATIENT),
        "--procedure",
        "spinal-cord-stimulator-trial",
        "--levels",
        "T8",
        "--at",
        "2026-03-10T09:00:00+00:00",
    )
    assert code == 5
    assert "Verdict: DEFER" in out
    assert "clopidogrel" in out


def test_assess_json() -> None:
    code, out, _ = run(
        "assess",
        str(PATIENT),
        "--procedure",
        "knee-joint-injection",
        "--side",
        "left",
        "--at",
        "2026-03-10T09:00:00+00:00",
        "--json",
    )
    data = json.loads(out)
    assert data["verdict"] in {
        "proceed",
        "caution",
        "insufficient-data",
        "defer",
        "contraindicated",
    }
    assert code == ASSESS_EXIT_CODES[Verdict(data["verdict"]).name]
    assert all({"code", "verdict", "message", "references"} <= set(f) for f in data["findings"])


def test_assess_duration_counts_restarts_from_the_end() -> None:
    args = ("assess", str(PATIENT), "--procedure", "spinal-cord-stimulator-trial", "--levels")
    at = ("T8", "--at", "2026-03-10T09:00:00+00:00", "--json")
    code, out, _ = run(*args, *at, "--duration", "40 min")
    assert code == ASSESS_EXIT_CODES["DEFER"]
    restart = json.loads(out)["restart"]
    assert restart["clopidogrel"].startswith("2026-03-11T09:40")
    code, _, err = run(*args, *at, "--duration", "0 min")
    assert code == 2
    assert "duration" in err


def test_assess_bad_time_is_exit_2() -> None:
    code, _, err = run(
        "assess", str(PATIENT), "--procedure", "sgb", "--side", "left", "--at", "tomorrow"
    )
    assert code == 2
    assert "--at" in err


def test_assess_missing_file_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run(
        "assess", str(tmp_path / "nobody.toml"), "--procedure", "sgb", "--side", "left"
    )
    assert code == 2
    assert "nobody.toml" in err


def test_assess_bad_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[patient]]\nage = "67 yr"\nweight = "82 mL"\n', encoding="utf-8")
    code, _, err = run("assess", str(bad), "--procedure", "sgb", "--side", "left")
    assert code == 2
    assert "weight" in err


def test_assess_plan_misfit_is_exit_2() -> None:
    code, _, err = run(
        "assess",
        str(PATIENT),
        "--procedure",
        "lumbar-medial-branch-block",
        "--levels",
        "C5-C6",
        "--side",
        "left",
    )
    assert code == 2
    assert "C5-C6" in err


# --- demo ------------------------------------------------------------------------------------


def test_demo_json() -> None:
    code, out, _ = run("demo", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["targets"] == ["intervertebral-foramen:L4-L5:left", "spinal-nerve:L4:left"]
    assert data["assessment"]["verdict"] == "defer"


# --- every command through the real entry point ---------------------------------------------

ASSESS = [
    "assess",
    str(PATIENT),
    "--procedure",
    "knee-joint-injection",
    "--side",
    "left",
    "--at",
    "2026-03-10T09:00:00+00:00",
]


@pytest.mark.slow  # a process per command
@pytest.mark.parametrize(
    ("argv", "codes"),
    [
        (["procedures", "--json"], {0}),
        (["show", "lumbar-tfesi"], {0}),
        (["innervation", "facet-joint:C2-C3:left"], {0}),
        (["structure", "stellate-ganglion:left"], {0}),
        (ASSESS, set(ASSESS_EXIT_CODES.values())),
        (["graph", "medial-branch:L3:left", "--format", "dot"], {0}),
        (["demo"], {0}),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else "",
)
def test_each_command_through_the_entry_point(argv: list[str], codes: set[int]) -> None:
    result = run_process(*argv)
    assert result.returncode in codes, result.stderr
    assert result.stdout.strip()
    assert result.stderr == ""


@pytest.mark.slow  # a process per input
@pytest.mark.parametrize(
    "argv",
    [
        ["show", "lumbar-tfesii"],
        ["innervation", "facet-joint:L4-L6:left"],
        ["structure", "stelate-ganglion:left"],
        ["graph", "medial-branch:L9:left"],
        ["assess", "no-such-file.toml", "--procedure", "sgb", "--side", "left"],
        ["assess", str(PATIENT), "--procedure", "sgbb", "--side", "left"],
    ],
    ids=lambda v: v[0],
)
def test_bad_ids_and_files_through_the_entry_point(argv: list[str]) -> None:
    result = run_process(*argv)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"interventional {argv[0]}: error: ")
    assert "Traceback" not in result.stderr


def test_a_bad_toml_file_through_the_entry_point(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("[[patient]\nage = ", encoding="utf-8")
    result = run_process("assess", str(bad), "--procedure", "sgb", "--side", "left")
    assert result.returncode == 2
    assert "broken.toml" in result.stderr
    assert "invalid TOML" in result.stderr
