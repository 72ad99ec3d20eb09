from __future__ import annotations

import pytest

from interventional._data import dump_records, loads_records
from interventional.errors import UnitError, UnknownDrugError, ValidationError
from interventional.pharmacology import Dose, Drug, drug
from interventional.units import Q_


def test_contract_form_amount_is_second_positional() -> None:
    dose = Dose("dexamethasone", "10 mg")
    assert dose.drug is drug("dexamethasone")
    assert dose.amount == Q_(10, "mg")
    assert dose.volume is None


def test_volume_times_percent_concentration() -> None:
    dose = Dose("lidocaine", volume="5 mL", concentration="1 %")
    assert dose.amount == Q_(50, "mg")


@pytest.mark.parametrize(
    ("volume", "concentration", "milligrams"),
    [
        ("25 mL", "1 %", 250),
        ("10 mL", "0.25 %", 25),
        ("20 mL", "0.5 %", 100),
        ("2 mL", "2 %", 40),
        ("0.005 L", "10 mg/mL", 50),
        ("5 cc", "0.01 g/mL", 50),
    ],
)
def test_amounts_from_volume_and_concentration(
    volume: str, concentration: str, milligrams: float
) -> None:
    assert Dose("lidocaine", volume=volume, concentration=concentration).amount_in(
        "mg"
    ) == pytest.approx(milligrams)


def test_percent_is_weight_per_volume() -> None:
    # 1 % w/v = 1 g per 100 mL = 10 mg/mL
    assert Dose("bupivacaine", volume="1 mL", concentration="1 %").amount == Q_(10, "mg")


def test_equal_quantities_in_other_units_give_equal_doses() -> None:
    a = Dose("lidocaine", "0.05 g")
    b = Dose("lidocaine", "50 mg")
    assert a.amount_in("mg") == b.amount_in("mg")
    assert Dose("lidocaine", volume="0.005 L", concentration="1 %").amount_in("mg") == 50


def test_consistent_three_values_accepted() -> None:
    dose = Dose("lidocaine", "50 mg", "5 mL", "1 %")
    assert dose == Dose("lidocaine", volume="5 mL", concentration="1 %")


def test_inconsistent_three_values_rejected() -> None:
    with pytest.raises(ValidationError, match="does not equal volume") as caught:
        Dose("lidocaine", "60 mg", "5 mL", "1 %")
    assert caught.value.field == "amount"


def test_heparin_in_units() -> None:
    assert Dose("heparin", "5000 IU").amount == Q_(5000, "IU")
    assert Dose("heparin", volume="1 mL", concentration="5000 IU/mL").amount == Q_(5000, "IU")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "10 mL"}, "amount"),
        ({"amount": "10"}, "amount"),
        ({"amount": 10}, "amount"),
        ({"amount": "10 mg", "volume": "5 mg"}, "volume"),
        ({"volume": "5 mL", "concentration": "5 mL"}, "concentration"),
        ({"volume": "5 mL", "concentration": "0.01"}, "concentration"),
        ({"amount": "5000 IU"}, "amount"),
    ],
)
def test_wrong_dimension_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(UnitError) as caught:
        Dose("dexamethasone", **kwargs)
    assert caught.value.field == field


def test_heparin_rejects_mass_amount() -> None:
    with pytest.raises(UnitError, match="heparin is dosed as international units") as caught:
        Dose("heparin", "10 mg")
    assert caught.value.field == "amount"


def test_heparin_rejects_percent_concentration() -> None:
    with pytest.raises(UnitError) as caught:
        Dose("heparin", volume="1 mL", concentration="1 %")
    assert caught.value.field == "concentration"


def test_needs_amount_or_volume() -> None:
    with pytest.raises(ValidationError, match="give an amount"):
        Dose("lidocaine")
    with pytest.raises(ValidationError):
        Dose("lidocaine", concentration="1 %")


def test_volume_alone_is_allowed() -> None:
    dose = Dose("iohexol", volume="3 mL")
    assert dose.amount is None
    with pytest.raises(ValidationError, match="without a concentration"):
        dose.amount_in("mg")


@pytest.mark.parametrize("kwargs", [{"amount": "-1 mg"}, {"amount": "0 mg"}, {"volume": "-2 mL"}])
def test_non_positive_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="must be positive"):
        Dose("lidocaine", **kwargs)


def test_unknown_drug() -> None:
    with pytest.raises(UnknownDrugError, match="did you mean 'lidocaine'"):
        Dose("lidocane", "10 mg")


def test_equal_doses_in_other_units_are_equal_and_hash_equal() -> None:
    a = Dose("lidocaine", "0.05 g", "0.005 L", "10 mg/mL")
    b = Dose("lidocaine", "50 mg", "5 mL", "0.01 g/mL")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1


def test_dose_is_hashable_and_frozen() -> None:
    dose = Dose("dexamethasone", "10 mg")
    assert hash(dose) == hash(Dose("dexamethasone", "10 mg"))
    with pytest.raises(AttributeError):
        dose.amount = Q_(5, "mg")  # type: ignore[misc]


def test_str() -> None:
    assert str(Dose("lidocaine", volume="5 mL", concentration="1 %")) == "lidocaine 50 mg 5 mL 1 %"


def test_dose_toml_round_trip() -> None:
    doses = (
        Dose("dexamethasone", "10 mg"),
        Dose("lidocaine", volume="5 mL", concentration="1 %"),
        Dose("heparin", "5000 IU"),
        Dose("iohexol", volume="3 mL"),
        Dose("bupivacaine", "25 mg", "10 mL", "2.5 mg/mL"),
    )
    text = dump_records(doses, table="dose")
    assert 'drug = "lidocaine"' in text
    assert loads_records(text, Dose, table="dose", key=None) == doses


def test_dose_of_custom_drug_round_trips_with_the_whole_record() -> None:
    custom = Drug("articaine", "Articaine", "local-anesthetic", references=["DRORACLE-LA"])
    doses = (Dose(custom, "40 mg"),)
    text = dump_records(doses, table="dose")
    assert loads_records(text, Dose, table="dose", key=None) == doses


def test_dose_read_from_toml_text() -> None:
    text = '[[dose]]\ndrug = "Kenalog"\namount = "40 mg"\n'
    (dose,) = loads_records(text, Dose, table="dose", key=None)
    assert dose == Dose("triamcinolone-acetonide", "40 mg")


def test_bad_dose_in_toml_is_catalog_error() -> None:
    from interventional.errors import CatalogError

    with pytest.raises(CatalogError) as caught:
        loads_records(
            '[[dose]]\ndrug = "lidocaine"\namount = "5 mL"\n', Dose, table="dose", key=None
        )
    assert caught.value.field == "amount"
    with pytest.raises(CatalogError, match="unknown drug"):
        loads_records(
            '[[dose]]\ndrug = "lidocane"\namount = "5 mg"\n', Dose, table="dose", key=None
        )
    with pytest.raises(CatalogError) as caught:
        loads_records('[[dose]]\ndrug = "lidocaine"\nmass = "5 mg"\n', Dose, table="dose", key=None)
    assert caught.value.field == "mass"
