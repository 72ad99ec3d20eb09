"""Fluoroscopy views (ids, signs, ranges, evolve) and contrast patterns."""

from __future__ import annotations

import attrs
import pytest

from interventional._data import dump_records, loads_records
from interventional.errors import UnitError, ValidationError
from interventional.imaging import (
    ContrastAction,
    ContrastPattern,
    FluoroscopyView,
    UnknownViewError,
    c_arm,
    standard_view,
    standard_views,
)
from interventional.units import Q_, magnitude

CONTRACT_IDS = {
    "ap",
    "lateral",
    "ipsilateral-oblique",
    "contralateral-oblique",
    "scotty-dog-oblique",
    "caudal-tilt",
    "cranial-tilt",
    "tunnel-view",
}


def test_the_contract_view_ids_exist() -> None:
    assert set(standard_views()) == CONTRACT_IDS
    for view_id in CONTRACT_IDS:
        view = standard_view(view_id)
        assert view.id == view_id
        assert view.purpose
        assert view.references


def test_angles_are_degrees_quantities() -> None:
    for view in standard_views().values():
        assert view.rotation.is_compatible_with("deg")
        assert view.tilt.is_compatible_with("deg")


def test_sign_conventions() -> None:
    assert magnitude(standard_view("ap").rotation, "deg") == 0
    assert magnitude(standard_view("lateral").rotation, "deg") == 90
    assert standard_view("ipsilateral-oblique").rotation > Q_(0, "deg")
    assert standard_view("scotty-dog-oblique").rotation > Q_(0, "deg")
    assert standard_view("contralateral-oblique").rotation < Q_(0, "deg")
    assert standard_view("caudal-tilt").tilt > Q_(0, "deg")
    assert standard_view("cranial-tilt").tilt < Q_(0, "deg")


def test_sourced_angles() -> None:
    # Gill 2015: CLO at 50 degrees
    assert magnitude(standard_view("contralateral-oblique").rotation, "deg") == -50
    clo = standard_view("contralateral-oblique").rotation_limits
    assert magnitude(clo.low, "deg") == -60
    assert magnitude(clo.high, "deg") == -45
    scotty = standard_view("scotty-dog-oblique").rotation_limits
    assert (magnitude(scotty.low, "deg"), magnitude(scotty.high, "deg")) == (20, 30)


def test_views_default_to_the_c_arm_range() -> None:
    assert standard_view("tunnel-view").rotation_limits == c_arm().rotation_range
    assert standard_view("ap").tilt_limits == c_arm().tilt_range


def test_specialise_with_evolve() -> None:
    view = attrs.evolve(standard_view("caudal-tilt"), tilt="30 deg", rotation="15 deg")
    assert view.tilt == Q_(30, "deg")
    assert view.id == "caudal-tilt"
    tunnel = attrs.evolve(standard_view("tunnel-view"), rotation="-35 deg", tilt="20 deg")
    assert tunnel.rotation == Q_(-35, "deg")


def test_evolve_outside_the_view_range_fails() -> None:
    with pytest.raises(ValidationError, match=r"tilt: 10 deg is outside the view's tilt range"):
        attrs.evolve(standard_view("caudal-tilt"), tilt="10 deg")
    with pytest.raises(ValidationError, match="rotation"):
        attrs.evolve(standard_view("contralateral-oblique"), rotation="50 deg")


def test_angles_outside_the_c_arm() -> None:
    with pytest.raises(ValidationError, match="C-arm's rotation range"):
        FluoroscopyView("x", "X", rotation="120 deg", tilt="0 deg", purpose="p")
    with pytest.raises(ValidationError, match="tilt_range"):
        FluoroscopyView(
            "x", "X", rotation="0 deg", tilt="10 deg", purpose="p", tilt_range="0 deg to 80 deg"
        )


def test_bad_angle_units() -> None:
    with pytest.raises(UnitError, match="rotation"):
        FluoroscopyView("x", "X", rotation=20, tilt="0 deg", purpose="p")
    with pytest.raises(UnitError, match="tilt"):
        FluoroscopyView("x", "X", rotation="0 deg", tilt="20 %", purpose="p")


def test_unknown_view_suggests() -> None:
    with pytest.raises(ValidationError) as info:
        standard_view("contralateral")
    assert "contralateral-oblique" in info.value.suggestions
    with pytest.raises(KeyError):
        standard_view("oblique")
    with pytest.raises(UnknownViewError, match="unknown view 'oblique'"):
        standard_view("oblique")


def test_views_round_trip_through_the_loader() -> None:
    views = tuple(standard_views().values())
    text = dump_records(views, table="view")
    assert loads_records(text, FluoroscopyView, table="view") == views


def test_contrast_patterns() -> None:
    proceed = {p for p in ContrastPattern if p.action is ContrastAction.PROCEED}
    stop = {p for p in ContrastPattern if p.action is ContrastAction.STOP_AND_REPOSITION}
    assert proceed == {
        ContrastPattern.EPIDURAL,
        ContrastPattern.INTRA_ARTICULAR,
        ContrastPattern.PERINEURAL,
    }
    assert stop == {
        ContrastPattern.VASCULAR,
        ContrastPattern.INTRATHECAL,
        ContrastPattern.SUBDURAL,
    }
    for pattern in ContrastPattern:
        assert pattern.meaning
        assert pattern.info.references
        assert pattern.proceed is (pattern in proceed)
    assert "wash-out" in (ContrastPattern.VASCULAR.appearance or "")
    assert ContrastPattern.parse("Intra_Articular") is ContrastPattern.INTRA_ARTICULAR
