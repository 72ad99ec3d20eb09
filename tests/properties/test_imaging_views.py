"""Properties of fluoroscopy views: every angle within the C-arm's range, ranges respected."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional.errors import ValidationError
from interventional.imaging import FluoroscopyView, c_arm, standard_views
from interventional.units import Q_, magnitude


def test_every_standard_view_angle_is_within_the_c_arm_range() -> None:
    arm = c_arm()
    for view in standard_views().values():
        assert view.rotation in arm.rotation_range
        assert view.tilt in arm.tilt_range
        assert view.rotation in view.rotation_limits
        assert view.tilt in view.tilt_limits
        assert view.rotation_limits.within(arm.rotation_range)
        assert view.tilt_limits.within(arm.tilt_range)


@given(
    st.sampled_from(sorted(standard_views())),
    st.floats(min_value=-360, max_value=360, allow_nan=False),
    st.floats(min_value=-360, max_value=360, allow_nan=False),
)
def test_evolved_views_stay_within_their_ranges_or_fail(
    view_id: str, rotation: float, tilt: float
) -> None:
    view = standard_views()[view_id]
    new_rotation, new_tilt = Q_(rotation, "deg"), Q_(tilt, "deg")
    if new_rotation not in view.rotation_limits or new_tilt not in view.tilt_limits:
        with pytest.raises(ValidationError) as info:
            attrs.evolve(view, rotation=new_rotation, tilt=new_tilt)
        assert info.value.field in {"rotation", "tilt"}
        return
    evolved = attrs.evolve(view, rotation=new_rotation, tilt=new_tilt)
    assert evolved.rotation in view.rotation_limits
    assert evolved.tilt in view.tilt_limits
    assert evolved.rotation in c_arm().rotation_range


@given(st.floats(min_value=-89, max_value=89, allow_nan=False))
def test_radians_and_degrees_are_the_same_angle(angle: float) -> None:
    in_degrees = FluoroscopyView("x", "X", rotation=Q_(angle, "deg"), tilt="0 deg", purpose="p")
    in_radians = FluoroscopyView(
        "x", "X", rotation=Q_(angle, "deg").to("rad"), tilt="0 deg", purpose="p"
    )
    assert magnitude(in_radians.rotation, "deg") == pytest.approx(
        magnitude(in_degrees.rotation, "deg")
    )
