from __future__ import annotations

import pathlib

import pytest

from interventional._data import dump_records, loads_records
from interventional.errors import CatalogError, UnitError, UnknownDrugError, ValidationError
from interventional.pharmacology import (
    Dose,
    Drug,
    LocalAnestheticLimit,
    NoSourcedValueError,
    drug,
    load_local_anesthetic_limits,
    local_anesthetic_limit,
    local_anesthetic_limits,
    local_anesthetic_totals,
    max_dose,
)
from interventional.units import Q_


def test_lidocaine_label_figures() -> None:
    limit = local_anesthetic_limit("lidocaine")
    assert limit.per_kg == Q_(4.5, "mg/kg")
    assert limit.per_kg_with_epinephrine == Q_(7, "mg/kg")
    assert limit.cap == Q_(300, "mg")
    assert limit.cap_with_epinephrine == Q_(500, "mg")


def test_sixty_kg_patient_lidocaine() -> None:
    maximum = max_dose("lidocaine", "60 kg")
    assert maximum == Q_(270, "mg")
    given = Dose("lidocaine", volume="25 mL", concentration="1 %")
    assert given.amount == Q_(250, "mg")
    assert given.amount < maximum


@pytest.mark.parametrize(
    ("weight", "epinephrine", "expected"),
    [
        ("50 kg", False, 225),
        ("70 kg", False, 300),  # 315 by weight, capped
        ("50 kg", True, 350),
        ("70 kg", True, 490),
        ("80 kg", True, 500),  # 560 by weight, capped
    ],
)
def test_lidocaine_weight_and_cap(weight: str, epinephrine: bool, expected: float) -> None:
    assert max_dose("lidocaine", weight, epinephrine=epinephrine) == Q_(expected, "mg")


@pytest.mark.parametrize(
    ("name", "weight", "epinephrine", "expected"),
    [
        ("bupivacaine", "70 kg", False, 140),  # 2 mg/kg (conflict 2 vs 2.5: lower kept)
        ("bupivacaine", "100 kg", False, 175),
        ("bupivacaine", "100 kg", True, 225),
        ("ropivacaine", "70 kg", False, 140),
        ("ropivacaine", "70 kg", True, 200),  # 210 by weight, 200 mg cap
        ("mepivacaine", "100 kg", True, 300),
        ("chloroprocaine", "70 kg", False, 770),
        ("chloroprocaine", "100 kg", False, 800),
        ("chloroprocaine", "70 kg", True, 980),
        ("chloroprocaine", "100 kg", True, 1000),
        ("levobupivacaine", "70 kg", True, 140),  # no figure with epinephrine: plain applies
        ("levobupivacaine", "100 kg", False, 150),
    ],
)
def test_other_agents(name: str, weight: str, epinephrine: bool, expected: float) -> None:
    assert max_dose(name, weight, epinephrine=epinephrine) == Q_(expected, "mg")


def test_alias_gives_same_maximum() -> None:
    assert max_dose("Xylocaine", "60 kg") == max_dose("LIDOCAINE", "60 kg")


def test_weight_in_other_units() -> None:
    in_kg = max_dose("lidocaine", "60 kg")
    in_g = max_dose("lidocaine", "60000 g")
    in_lb = max_dose("lidocaine", Q_(60, "kg").to("lb"))
    assert in_kg == in_g
    assert in_lb.to("mg").magnitude == pytest.approx(270)


def test_epinephrine_never_lowers_the_maximum() -> None:
    for name in local_anesthetic_limits():
        for weight in ("10 kg", "50 kg", "70 kg", "150 kg"):
            assert max_dose(name, weight, epinephrine=True) >= max_dose(name, weight)


def test_every_limit_cites_and_every_conflict_is_explained() -> None:
    for limit in local_anesthetic_limits().values():
        assert limit.references
        assert limit.note


@pytest.mark.parametrize("weight", ["70", 70, "70 mL"])
def test_weight_must_be_a_mass(weight: object) -> None:
    with pytest.raises(UnitError) as caught:
        max_dose("lidocaine", weight)
    assert caught.value.field == "weight"


@pytest.mark.parametrize("weight", ["0 kg", "-70 kg"])
def test_weight_must_be_positive(weight: str) -> None:
    with pytest.raises(ValidationError, match="must be positive") as caught:
        max_dose("lidocaine", weight)
    assert caught.value.field == "weight"


def test_not_a_local_anesthetic() -> None:
    with pytest.raises(ValidationError, match="not a local anesthetic") as caught:
        max_dose("dexamethasone", "70 kg")
    assert caught.value.field == "drug"


def test_unknown_drug() -> None:
    with pytest.raises(UnknownDrugError):
        max_dose("lidocane", "70 kg")


def test_no_sourced_maximum_is_an_error_not_a_guess() -> None:
    articaine = Drug("articaine", "Articaine", "local-anesthetic", references=["DRORACLE-LA"])
    with pytest.raises(NoSourcedValueError, match="no sourced maximum dose of articaine"):
        max_dose(articaine, "70 kg")


def test_totals_sum_every_injectate_of_a_drug() -> None:
    doses = [
        Dose("lidocaine", volume="5 mL", concentration="1 %"),
        Dose("dexamethasone", "10 mg"),
        Dose("bupivacaine", volume="2 mL", concentration="0.25 %"),
        Dose("Xylocaine", "0.1 g"),
        Dose("iohexol", volume="3 mL"),
    ]
    totals = local_anesthetic_totals(doses)
    assert list(totals) == [drug("lidocaine"), drug("bupivacaine")]
    assert totals[drug("lidocaine")] == Q_(150, "mg")
    assert totals[drug("bupivacaine")] == Q_(5, "mg")


def test_totals_of_nothing() -> None:
    assert dict(local_anesthetic_totals([])) == {}


def test_totals_refuse_unknown_amounts() -> None:
    with pytest.raises(ValidationError, match="no concentration"):
        local_anesthetic_totals([Dose("lidocaine", volume="5 mL")])


def test_totals_refuse_non_doses() -> None:
    with pytest.raises(ValidationError):
        local_anesthetic_totals(["lidocaine 50 mg"])  # type: ignore[list-item]


def test_limits_round_trip() -> None:
    records = tuple(local_anesthetic_limits().values())
    text = dump_records(records, table="limit")
    assert loads_records(text, LocalAnestheticLimit, table="limit", key="drug") == records


def test_limit_with_lower_epinephrine_figure_is_rejected(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "la.toml"
    path.write_text(
        '[[limit]]\ndrug = "lidocaine"\nper_kg = "4.5 mg/kg"\nper_kg_with_epinephrine = "3 mg/kg"\n'
        'cap = "300 mg"\nreferences = ["FDA-LIDO"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_local_anesthetic_limits(path)
    assert caught.value.field == "per_kg_with_epinephrine"


def test_limit_of_a_non_local_anesthetic_is_rejected() -> None:
    text = '[[limit]]\ndrug = "phenol"\nper_kg = "1 mg/kg"\ncap = "1 mg"\nreferences = ["N2018"]\n'
    with pytest.raises(CatalogError) as caught:
        loads_records(text, LocalAnestheticLimit, table="limit", key="drug")
    assert caught.value.field == "drug"
    assert "not a local anesthetic" in caught.value.reason


def test_limit_with_wrong_unit_is_rejected() -> None:
    text = (
        '[[limit]]\ndrug = "lidocaine"\nper_kg = "4.5 mg"\ncap = "300 mg"\nreferences = ["N2018"]\n'
    )
    with pytest.raises(CatalogError) as caught:
        loads_records(text, LocalAnestheticLimit, table="limit", key="drug")
    assert caught.value.field == "per_kg"
