"""The timeline's rows and legend: only held drugs get a row; the legend sits under the plot.

Read back from the matplotlib artists (``test_timeline_drawing.py`` reads the bars, marks
and lines).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from interventional.procedures import plan  # noqa: E402
from interventional.procedures.risk import BleedingRisk  # noqa: E402
from interventional.safety import Assessment, Finding, MedicationUse, Patient, assess  # noqa: E402
from interventional.safety._draw import draw_timeline  # noqa: E402

AT = datetime(2026, 12, 1, 9, 0)
SCS = plan("spinal-cord-stimulator-trial", levels=["T8"])


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def test_a_drug_whose_findings_give_no_time_gets_no_row() -> None:
    patient = Patient(
        age=64,
        medications=[
            MedicationUse("clopidogrel", last_dose=AT - timedelta(days=5)),
            MedicationUse("sertraline", last_dose=AT - timedelta(days=1)),  # shared: no time
        ],
    )
    result = assess(patient, SCS, at=AT)
    assert {f.drug for f in result.findings if f.drug and f.until is None} >= {"sertraline"}
    ax = draw_timeline(result, patient)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["clopidogrel"]


def test_a_hold_met_at_its_last_dose_draws_no_bar() -> None:
    patient = Patient(
        age=64, medications=[MedicationUse("aspirin", last_dose=AT - timedelta(days=1))]
    )
    made = Assessment(
        "x",
        AT,
        BleedingRisk.HIGH,
        BleedingRisk.HIGH,
        (
            Finding(
                "hold:aspirin", "proceed", "m", [], drug="aspirin", until=AT - timedelta(days=1)
            ),
        ),
        AT,
        {},
    )
    ax = draw_timeline(made, patient)
    assert len(ax.patches) == 0


def test_the_legend_sits_centred_under_the_plot() -> None:
    patient = Patient(
        age=64, medications=[MedicationUse("clopidogrel", last_dose=AT - timedelta(days=5))]
    )
    ax = draw_timeline(assess(patient, SCS, at=AT), patient)
    anchor = ax.get_legend().get_bbox_to_anchor().transformed(ax.transAxes.inverted())
    assert (anchor.x0, anchor.y0) == pytest.approx((0.5, -0.15))
