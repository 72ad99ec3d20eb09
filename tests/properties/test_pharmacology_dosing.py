"""Properties of doses and local anaesthetic maxima.

Domain rules: a plan's local anaesthetic total counts every injectate of the same drug;
a dose is the same whatever units it is written in; a maximum dose never exceeds the
absolute cap, grows with body weight, and is never lower with epinephrine.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from interventional._data import dump_records, loads_records
from interventional.pharmacology import (
    Dose,
    drug,
    drugs,
    local_anesthetic_limits,
    local_anesthetic_totals,
    max_dose,
)
from interventional.units import Q_

LOCAL_ANESTHETICS = sorted(
    name for name, d in drugs().items() if d.drug_class.value == "local-anesthetic"
)
MASS_DRUGS = sorted(name for name, d in drugs().items() if d.dose_unit == "mg")

milligrams = st.floats(min_value=0.01, max_value=2000, allow_nan=False, allow_infinity=False)
millilitres = st.floats(min_value=0.1, max_value=50, allow_nan=False, allow_infinity=False)
percent = st.floats(min_value=0.05, max_value=4, allow_nan=False, allow_infinity=False)
kilograms = st.floats(min_value=1, max_value=250, allow_nan=False, allow_infinity=False)


@st.composite
def local_anesthetic_doses(draw: st.DrawFn) -> Dose:
    name = draw(st.sampled_from(LOCAL_ANESTHETICS))
    if draw(st.booleans()):
        return Dose(name, Q_(draw(milligrams), "mg"))
    return Dose(name, volume=Q_(draw(millilitres), "mL"), concentration=Q_(draw(percent), "%"))


@st.composite
def other_doses(draw: st.DrawFn) -> Dose:
    name = draw(st.sampled_from(["dexamethasone", "triamcinolone-acetonide", "iohexol"]))
    return Dose(name, Q_(draw(milligrams), "mg"))


@given(st.lists(st.one_of(local_anesthetic_doses(), other_doses()), max_size=8))
def test_local_anesthetic_totals_add_up_across_injectates(doses: list[Dose]) -> None:
    totals = local_anesthetic_totals(doses)
    for name in LOCAL_ANESTHETICS:
        expected = sum(d.amount_in("mg") for d in doses if d.drug.name == name)
        if expected:
            assert math.isclose(totals[drug(name)].to("mg").magnitude, expected, rel_tol=1e-9)
        else:
            assert drug(name) not in totals


@given(st.lists(local_anesthetic_doses(), min_size=1, max_size=8), st.randoms())
def test_totals_do_not_depend_on_order(doses: list[Dose], random: object) -> None:
    shuffled = list(doses)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    a, b = local_anesthetic_totals(doses), local_anesthetic_totals(shuffled)
    assert set(a) == set(b)
    for key in a:
        assert math.isclose(a[key].magnitude, b[key].magnitude, rel_tol=1e-9)


@given(st.sampled_from(LOCAL_ANESTHETICS), milligrams, st.floats(0.05, 0.95))
def test_splitting_an_injectate_keeps_the_total(name: str, mg: float, share: float) -> None:
    whole = local_anesthetic_totals([Dose(name, Q_(mg, "mg"))])
    split = local_anesthetic_totals(
        [Dose(name, Q_(mg * share, "mg")), Dose(name, Q_(mg * (1 - share), "mg"))]
    )
    assert math.isclose(whole[drug(name)].magnitude, split[drug(name)].magnitude, rel_tol=1e-9)


@given(st.sampled_from(MASS_DRUGS), milligrams)
def test_an_amount_in_other_units_is_the_same_dose(name: str, mg: float) -> None:
    in_mg = Dose(name, Q_(mg, "mg"))
    in_g = Dose(name, Q_(mg / 1000, "g"))
    in_ug = Dose(name, Q_(mg * 1000, "ug"))
    assert math.isclose(in_mg.amount_in("mg"), in_g.amount_in("mg"), rel_tol=1e-9)
    assert math.isclose(in_mg.amount_in("mg"), in_ug.amount_in("mg"), rel_tol=1e-9)


@given(millilitres, percent)
def test_percent_is_grams_per_100_ml(ml: float, pct: float) -> None:
    by_percent = Dose("lidocaine", volume=Q_(ml, "mL"), concentration=Q_(pct, "%"))
    by_mass = Dose("lidocaine", volume=Q_(ml / 1000, "L"), concentration=Q_(pct * 10, "mg/mL"))
    assert math.isclose(by_percent.amount_in("mg"), ml * pct * 10, rel_tol=1e-9)
    assert math.isclose(by_percent.amount_in("mg"), by_mass.amount_in("mg"), rel_tol=1e-9)


@given(st.sampled_from(LOCAL_ANESTHETICS), kilograms, st.booleans())
def test_max_dose_never_exceeds_the_cap(name: str, kg: float, epinephrine: bool) -> None:
    limit = local_anesthetic_limits()[name]
    cap = limit.cap_for(epinephrine=epinephrine)
    assert cap is not None
    assert max_dose(name, Q_(kg, "kg"), epinephrine=epinephrine) <= cap


@given(st.sampled_from(LOCAL_ANESTHETICS), kilograms, kilograms, st.booleans())
def test_max_dose_grows_with_weight(name: str, a: float, b: float, epinephrine: bool) -> None:
    light, heavy = sorted((a, b))
    assert max_dose(name, Q_(light, "kg"), epinephrine=epinephrine) <= max_dose(
        name, Q_(heavy, "kg"), epinephrine=epinephrine
    )


@given(st.sampled_from(LOCAL_ANESTHETICS), kilograms)
def test_epinephrine_never_lowers_the_maximum(name: str, kg: float) -> None:
    assert max_dose(name, Q_(kg, "kg"), epinephrine=True) >= max_dose(name, Q_(kg, "kg"))


@given(st.sampled_from(LOCAL_ANESTHETICS), kilograms)
def test_max_dose_is_the_same_in_any_weight_unit(name: str, kg: float) -> None:
    in_kg = max_dose(name, Q_(kg, "kg")).magnitude
    assert math.isclose(in_kg, max_dose(name, Q_(kg * 1000, "g")).magnitude, rel_tol=1e-9)
    assert math.isclose(in_kg, max_dose(name, Q_(kg, "kg").to("lb")).magnitude, rel_tol=1e-9)


@given(st.lists(st.one_of(local_anesthetic_doses(), other_doses()), min_size=1, max_size=5))
def test_doses_survive_their_toml_form(doses: list[Dose]) -> None:
    text = dump_records(doses, table="dose")
    assert loads_records(text, Dose, table="dose", key=None) == tuple(doses)
