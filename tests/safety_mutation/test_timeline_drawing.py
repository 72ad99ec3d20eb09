"""The timeline picture of an assessment, read back from the matplotlib artists it draws."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from interventional.procedures import plan  # noqa: E402
from interventional.safety import Assessment, MedicationUse, Patient, assess  # noqa: E402
from interventional.safety._draw import draw_timeline  # noqa: E402

AT = datetime(2026, 12, 1, 9, 0)
SCS = plan("spinal-cord-stimulator-trial", levels=["T8"])


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def _patient() -> Patient:
    return Patient(
        age=64,
        medications=[
            MedicationUse("clopidogrel", last_dose=AT - timedelta(days=5)),
            MedicationUse("apixaban", last_dose=AT - timedelta(days=1)),
        ],
    )


def _num(moment: datetime) -> float:
    return float(mdates.date2num(moment))


def _lines(ax: Any, marker: str) -> list[Any]:
    return [line for line in ax.get_lines() if line.get_marker() == marker]


def _vlines(ax: Any) -> list[Any]:
    return [line for line in ax.get_lines() if line.get_marker() in ("None", None, "")]


def test_each_held_drug_gets_a_row_a_bar_a_mark_and_a_restart() -> None:
    patient = _patient()
    result = assess(patient, SCS, at=AT)
    holds = {f.drug: f.until for f in result.findings if f.drug and f.until}
    assert set(holds) == {"apixaban", "clopidogrel"}
    ax = result.draw_timeline(patient)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["apixaban", "clopidogrel"]
    assert list(ax.get_yticks()) == [0, 1]
    assert ax.get_title() == f"spinal-cord-stimulator-trial: {result.verdict.name}"
    assert tuple(ax.figure.get_size_inches()) == (8, 3)

    bars = sorted(ax.patches, key=lambda bar: bar.get_y())
    assert len(bars) == 2
    for row, (bar, drug) in enumerate(zip(bars, ["apixaban", "clopidogrel"], strict=True)):
        last = next(m.last_dose for m in patient.medications if m.drug == drug)
        assert last is not None
        until = holds[drug]
        assert until is not None
        assert bar.get_x() == pytest.approx(_num(last))
        assert bar.get_width() == pytest.approx(_num(until) - _num(last))
        assert bar.get_height() == pytest.approx(0.5)
        assert bar.get_y() == pytest.approx(row - 0.25)
        assert bar.get_alpha() == pytest.approx(0.6)

    containers = sorted(ax.containers, key=lambda c: c.patches[0].get_y())
    assert containers[0].get_label() == "hold"
    assert containers[1].get_label().startswith("_")
    marks = _lines(ax, "|")
    assert len(marks) == 2
    assert sorted(m.get_label() for m in marks)[-1] == "hold met"
    assert sum(m.get_label() == "hold met" for m in marks) == 1
    assert next(m for m in marks if m.get_label() == "hold met").get_ydata()[0] == 0
    for mark in marks:
        assert mark.get_markersize() == 18
        assert to_rgba(mark.get_color()) == to_rgba("C1")
    assert sorted((float(m.get_ydata()[0]), _num(m.get_xdata()[0])) for m in marks) == [
        (0.0, pytest.approx(_num(holds["apixaban"]))),
        (1.0, pytest.approx(_num(holds["clopidogrel"]))),
    ]

    restarts = _lines(ax, "o")
    assert len(restarts) == len(result.restart)
    for dot in restarts:
        assert to_rgba(dot.get_color()) == to_rgba("C2")
        is_first = float(dot.get_ydata()[0]) == 0.0
        assert (dot.get_label() == "earliest restart") is is_first
    rows = {float(d.get_ydata()[0]): _num(d.get_xdata()[0]) for d in restarts}
    for row, drug in enumerate(["apixaban", "clopidogrel"]):
        if drug in result.restart:
            assert rows[float(row)] == pytest.approx(_num(result.restart[drug]))

    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert sorted(labels) == sorted(
        ["hold", "hold met", "earliest restart", "assessed time", "every hold met"]
    )
    assert legend._ncols == 4
    assert legend.get_texts()[0].get_fontsize() == 8
    assert legend._loc == 9  # upper center


def test_the_time_lines_mark_assessment_earliest_time_and_procedure() -> None:
    patient = _patient()
    result = assess(patient, SCS, at=AT)
    assert result.earliest_time is not None
    assert result.earliest_time != AT
    ax = draw_timeline(result, patient)
    lines = _vlines(ax)
    by_label = {line.get_label(): line for line in lines}
    assessed = by_label["assessed time"]
    assert _num(assessed.get_xdata()[0]) == pytest.approx(_num(AT))
    assert assessed.get_linestyle() == "--"
    assert to_rgba(assessed.get_color()) == to_rgba("grey")
    met = by_label["every hold met"]
    assert _num(met.get_xdata()[0]) == pytest.approx(_num(result.earliest_time))
    assert to_rgba(met.get_color()) == to_rgba("C3")
    assert "procedure" not in by_label
    assert ax.xaxis.get_major_formatter().fmt == "%d %b"

    later = result.earliest_time + timedelta(days=1)
    moved = draw_timeline(result, patient, procedure_time=later)
    by_label = {line.get_label(): line for line in _vlines(moved)}
    done = by_label["procedure"]
    assert _num(done.get_xdata()[0]) == pytest.approx(_num(later))
    assert to_rgba(done.get_color()) == to_rgba("black")
    shift = later - AT
    dots = _lines(moved, "o")
    assert sorted(_num(d.get_xdata()[0]) for d in dots) == pytest.approx(
        sorted(_num(moment + shift) for moment in result.restart.values())
    )
    at_earliest = draw_timeline(result, patient, procedure_time=result.earliest_time)
    assert "procedure" not in {line.get_label() for line in _vlines(at_earliest)}


def test_without_the_patient_holds_are_marks_only() -> None:
    result = assess(_patient(), SCS, at=AT)
    ax = result.draw_timeline()
    assert len(ax.patches) == 0
    assert len(_lines(ax, "|")) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "hold" not in labels
    assert "hold met" in labels


def test_a_hold_already_met_draws_no_bar_and_nothing_moves_without_holds() -> None:
    old = Patient(
        age=64, medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=30))]
    )
    result = assess(old, SCS, at=AT)
    ax = draw_timeline(result, old)
    assert all(bar.get_width() > 0 for bar in ax.patches)
    clear = assess(Patient(age=50), SCS, at=AT)
    assert clear.earliest_time == AT
    ax = draw_timeline(clear, Patient(age=50))
    assert [t.get_text() for t in ax.get_yticklabels()] == []
    assert {line.get_label() for line in _vlines(ax)} == {"assessed time"}


def test_a_hold_that_started_after_its_end_draws_no_bar() -> None:
    finding_until = AT - timedelta(days=2)
    patient = Patient(
        age=64, medications=[MedicationUse("aspirin", last_dose=AT - timedelta(days=1))]
    )
    from interventional.procedures.risk import BleedingRisk
    from interventional.safety import Finding

    made = Assessment(
        "x",
        AT,
        BleedingRisk.HIGH,
        BleedingRisk.HIGH,
        (Finding("hold:aspirin", "caution", "m", [], drug="aspirin", until=finding_until),),
        AT,
        {},
    )
    ax = draw_timeline(made, patient)
    assert len(ax.patches) == 0
    assert len(_lines(ax, "|")) == 1


def test_an_axes_can_be_given() -> None:
    _, given = plt.subplots()
    result = assess(_patient(), SCS, at=AT)
    assert draw_timeline(result, _patient(), ax=given) is given
    assert result.draw_timeline(_patient(), ax=given, procedure_time=AT) is given
