"""Radiation: session doses, typical doses, scatter, occupational limits and bad input."""

from __future__ import annotations

import pytest

from interventional._data import dump_records, loads_records
from interventional.errors import UnitError, ValidationError
from interventional.imaging import (
    RadiationDose,
    inverse_square,
    occupational_fraction,
    occupational_limit,
    staff_scatter,
    typical_dose,
)
from interventional.imaging.radiation import (
    DosePosition,
    OccupationalLimit,
    TypicalDose,
    dose_factors,
    occupational_limits,
    scatter_rule,
    typical_doses,
)
from interventional.units import Q_, magnitude


def test_session_sum_keeps_units() -> None:
    a = RadiationDose("30 s", "1 mGy", "0.3 Gy*cm**2")
    b = RadiationDose("1 min", "500 uGy", "100 mGy*cm**2")
    total = a + b
    assert magnitude(total.fluoroscopy_time, "s") == pytest.approx(90)
    assert magnitude(total.air_kerma, "mGy") == pytest.approx(1.5)  # type: ignore[arg-type]
    assert magnitude(total.dose_area_product, "Gy*cm**2") == pytest.approx(0.4)  # type: ignore[arg-type]
    assert total.fluoroscopy_time.units == Q_(1, "s").units


def test_sum_builtin_and_zero() -> None:
    doses = [RadiationDose("5 s", "0.1 mGy", "0.01 Gy*cm**2")] * 4
    total = sum(doses, RadiationDose.zero())
    assert magnitude(total.fluoroscopy_time, "s") == pytest.approx(20)
    assert magnitude(sum(doses).fluoroscopy_time, "s") == pytest.approx(20)  # type: ignore[union-attr]


def test_unrecorded_fields_stay_unknown() -> None:
    total = RadiationDose("5 s", "0.1 mGy") + RadiationDose("5 s")
    assert total.air_kerma is None
    assert total.dose_area_product is None
    assert "not recorded" in str(total)


def test_bad_doses() -> None:
    with pytest.raises(UnitError, match="fluoroscopy_time"):
        RadiationDose("5 mGy")
    with pytest.raises(UnitError, match="air_kerma"):
        RadiationDose("5 s", "1 mSv")
    with pytest.raises(ValidationError, match="air_kerma: cannot be negative"):
        RadiationDose("5 s", "-1 mGy")
    with pytest.raises(UnitError, match="fluoroscopy_time"):
        RadiationDose(5)
    with pytest.raises(TypeError):
        RadiationDose("5 s") + 3


def test_typical_doses_published_figures() -> None:
    tf = typical_dose("lumbar-transforaminal-epidural-injection")
    assert tf is not None
    assert tf.fluoroscopy_time is not None
    assert magnitude(tf.fluoroscopy_time.low, "s") == 11
    assert magnitude(tf.fluoroscopy_time.high, "s") == 161
    scs = typical_dose("spinal-cord-stimulator-trial")
    assert scs is not None
    assert scs.air_kerma is not None
    assert magnitude(scs.air_kerma.high, "mGy") == pytest.approx(43.7)
    assert typical_dose("celiac-plexus-block") is None
    for record in typical_doses().values():
        assert record.references
        assert record.fluoroscopy_time is not None or record.fluoroscopy_time_mean is not None


def test_placing_a_dose() -> None:
    tf = typical_dose("lumbar-transforaminal-epidural-injection")
    assert tf is not None
    within = tf.place(RadiationDose("30 s"))
    assert within.fluoroscopy_time is DosePosition.WITHIN
    assert within.fluoroscopy_time_vs_mean is DosePosition.BELOW
    assert within.air_kerma is DosePosition.NO_DATA
    assert tf.place(RadiationDose("5 s")).fluoroscopy_time is DosePosition.BELOW
    mbb = typical_dose("lumbar-medial-branch-block")
    assert mbb is not None
    assert mbb.place(RadiationDose("60 s")).fluoroscopy_time is DosePosition.NO_DATA
    assert mbb.place(RadiationDose("60 s")).fluoroscopy_time_vs_mean is DosePosition.ABOVE


def test_scatter_rule_of_thumb() -> None:
    rule = scatter_rule()
    assert rule.rule_of_thumb
    assert magnitude(rule.fraction, "%") == pytest.approx(0.1)
    # 10 mGy entrance: 0.1 % at 1 m is 10 uGy; at 2 m a quarter of that
    assert magnitude(staff_scatter("10 mGy", "1 m"), "uGy") == pytest.approx(10)
    assert magnitude(staff_scatter("10 mGy", "2 m"), "uGy") == pytest.approx(2.5)
    assert magnitude(staff_scatter("10 mGy", "50 cm"), "uGy") == pytest.approx(40)


def test_inverse_square_hand_worked() -> None:
    assert magnitude(inverse_square("8 mGy", "1 m", "2 m"), "mGy") == pytest.approx(2)
    assert magnitude(inverse_square("8 mGy", "2 m", "1 m"), "mGy") == pytest.approx(32)
    assert magnitude(inverse_square("9 uSv", "1 m", "3 m"), "uSv") == pytest.approx(1)


def test_bad_scatter_input() -> None:
    with pytest.raises(UnitError, match="entrance_air_kerma"):
        staff_scatter("10 mSv", "1 m")
    with pytest.raises(ValidationError, match="to_distance: must be greater than zero"):
        staff_scatter("10 mGy", "0 m")
    with pytest.raises(UnitError, match="to_distance"):
        staff_scatter("10 mGy", "2 s")
    with pytest.raises(ValidationError, match="cannot be negative"):
        staff_scatter("-10 mGy", "1 m")


@pytest.mark.parametrize(
    ("organ", "authority", "msv"),
    [
        ("whole-body", "icrp", 20),
        ("whole-body", "nrc", 50),
        ("lens", "icrp", 20),
        ("lens", "nrc", 150),
        ("extremities", "icrp", 500),
        ("extremities", "nrc", 500),
        ("skin", "nrc", 500),
        ("pregnant-worker", "icrp", 1),
        ("embryo-fetus", "nrc", 5),
    ],
)
def test_occupational_limits(organ: str, authority: str, msv: float) -> None:
    assert magnitude(occupational_limit(organ, authority).limit, "mSv") == msv


def test_icrp_five_year_average_and_single_year_cap() -> None:
    record = occupational_limit("whole-body", "icrp")
    assert record.single_year_max == Q_(50, "mSv")
    assert "5 years" in record.period


def test_occupational_fraction() -> None:
    assert magnitude(occupational_fraction("5 mSv"), "%") == pytest.approx(25)
    assert magnitude(occupational_fraction("5 mSv", authority="nrc"), "%") == pytest.approx(10)
    assert magnitude(
        occupational_fraction("0.5 mSv", organ="pregnant-worker"), "%"
    ) == pytest.approx(50)
    assert magnitude(occupational_fraction("100 mrem", authority="nrc"), "%") == pytest.approx(2)


def test_occupational_fraction_bad_input() -> None:
    with pytest.raises(UnitError, match="dose"):
        occupational_fraction("2 mGy")
    with pytest.raises(ValidationError, match="dose: cannot be negative"):
        occupational_fraction("-2 mSv")
    with pytest.raises(ValidationError, match="organ"):
        occupational_fraction("2 mSv", organ="liver")
    with pytest.raises(ValidationError, match="authority"):
        occupational_fraction("2 mSv", authority="iaea")


def test_pulsed_factor_is_from_a_source() -> None:
    factor = dose_factors()["pulsed-vs-continuous"]
    assert magnitude(factor.dose_reduction, "%") == 64
    assert magnitude(factor.relative_dose, "%") == pytest.approx(36)
    assert [r.key for r in factor.references] == ["PULSED-URO"]
    assert "collimation" not in dose_factors()


def test_radiation_records_round_trip() -> None:
    limits = occupational_limits()
    assert (
        loads_records(dump_records(limits, table="limit"), OccupationalLimit, table="limit")
        == limits
    )
    typical = tuple(typical_doses().values())
    text = dump_records(typical, table="typical")
    assert loads_records(text, TypicalDose, table="typical", key="procedure_id") == typical
