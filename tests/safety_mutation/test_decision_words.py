"""The words of a ranged or conflicting hold cell, and a shared cell's kind, one cell at a time.

The built-in table has few shapes of range (its ranges are in whole days for stopping and
in hours for restarting), so these cells are built by hand: a range in hours whose other
reading is a whole day (the unit is chosen from both bounds), a conflict in days, a cell
of an older rules file that gives only the free text of its range.
"""

from __future__ import annotations

from typing import Any

import pytest

from interventional.errors import ValidationError
from interventional.safety.decisions import reading_note, shared_kind
from interventional.safety.rules import HoldCell

CONSERVATIVE = "the conservative reading, the default"
OTHER = "the other reading, chosen in Policy.other_readings"


def _cell(**intervals: Any) -> HoldCell:
    return HoldCell("hold", text="The guideline's words.", **intervals)


@pytest.mark.parametrize(
    ("intervals", "other", "note"),
    [
        # the unit is read from both bounds: 36 h is not a whole number of days
        (
            {"hold": "36 h", "hold_other": "1 day"},
            False,
            f"stop 24-36 h; 36 applied by policy: {CONSERVATIVE}",
        ),
        (
            {"hold": "36 h", "hold_other": "1 day"},
            True,
            f"stop 24-36 h; 24 applied by policy: {OTHER}",
        ),
        (
            {"hold": "3 days", "restart": "3 days", "restart_other": "2 days"},
            True,
            f"restart 2-3 days; 2 applied by policy: {OTHER}",
        ),
        (
            {
                "hold": "3 days",
                "restart": "3 days",
                "restart_other": "2 days",
                "restart_conflict": True,
            },
            False,
            f"restart 2 days or 3 days (the sources conflict); 3 days applied by policy: {CONSERVATIVE}",
        ),
        (
            {
                "hold": "3 days",
                "restart": "2 days",
                "restart_other": "1 day",
                "restart_conflict": True,
            },
            True,
            f"restart 1 day or 2 days (the sources conflict); 1 day applied by policy: {OTHER}",
        ),
        (
            {
                "hold": "3 days",
                "restart": "36 h",
                "restart_other": "1 day",
                "restart_conflict": True,
            },
            True,
            f"restart 24 h or 36 h (the sources conflict); 24 h applied by policy: {OTHER}",
        ),
        (
            {"hold": "3 days", "hold_other": "2 days", "restart": "36 h", "restart_other": "1 day"},
            True,
            f"stop 2-3 days; 2 applied by policy; restart 24-36 h; 24 applied by policy: {OTHER}",
        ),
        # an older rules file: only the free text of the range
        (
            {"hold": "5 days", "range": "3-5 days"},
            False,
            "3-5 days; the upper bound applied by policy",
        ),
        ({"hold": "5 days"}, False, ""),
    ],
)
def test_a_cells_reading_says_both_bounds_and_which_applied(
    intervals: dict[str, Any], other: bool, note: str
) -> None:
    assert reading_note(_cell(**intervals), other) == note


def test_a_shared_cells_kind_follows_the_recorded_decision() -> None:
    assert shared_kind(None) == "shared-undecided"
    assert shared_kind("continue") == "shared-continue"
    assert shared_kind("hold") == "shared-hold"
    with pytest.raises(ValidationError) as caught:
        shared_kind("maybe")
    assert (caught.value.field, caught.value.reason) == (
        "decision",
        "'maybe' is not one of 'continue', 'hold'",
    )
