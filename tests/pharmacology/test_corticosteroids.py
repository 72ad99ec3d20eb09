from __future__ import annotations

import pytest

from interventional._data import dump_records, loads_records
from interventional.errors import ValidationError
from interventional.pharmacology import (
    CorticosteroidEquivalence,
    Dose,
    Drug,
    NoSourcedValueError,
    corticosteroid_equivalence,
    corticosteroid_equivalences,
    drugs,
    equivalent_dose,
    methylprednisolone_equivalent,
)
from interventional.units import Q_


def test_every_corticosteroid_has_an_equivalence() -> None:
    steroids = {d.name for d in drugs().values() if d.drug_class.value == "corticosteroid"}
    assert steroids == set(corticosteroid_equivalences())


@pytest.mark.parametrize(
    ("name", "mg"),
    [
        ("triamcinolone-acetonide", 4),
        ("methylprednisolone-acetate", 4),
        ("dexamethasone", 0.6),  # conflict 0.6 vs 0.75: smaller kept
        ("betamethasone-sodium-phosphate", 0.6),
        ("betamethasone-acetate-sodium-phosphate", 0.6),
    ],
)
def test_equivalents(name: str, mg: float) -> None:
    assert corticosteroid_equivalence(name).equivalent == Q_(mg, "mg")


def test_triamcinolone_equals_methylprednisolone() -> None:
    assert equivalent_dose(Dose("Kenalog", "80 mg"), to="Depo-Medrol") == Q_(80, "mg")


def test_methylprednisolone_to_dexamethasone() -> None:
    assert equivalent_dose(Dose("methylprednisolone", "80 mg")) == Q_(12, "mg")


def test_default_target_is_dexamethasone() -> None:
    dose = Dose("triamcinolone", "40 mg")
    assert equivalent_dose(dose) == equivalent_dose(dose, to="dexamethasone")


def test_units_do_not_matter() -> None:
    assert equivalent_dose(Dose("triamcinolone", "0.04 g")) == equivalent_dose(
        Dose("triamcinolone", "40 mg")
    )


def test_volume_and_concentration() -> None:
    dose = Dose("triamcinolone", volume="1 mL", concentration="40 mg/mL")
    assert equivalent_dose(dose, to="methylprednisolone") == Q_(40, "mg")


def test_methylprednisolone_equivalents_count_every_steroid() -> None:
    doses = [
        Dose("dexamethasone", "6 mg"),
        Dose("lidocaine", "20 mg"),
        Dose("triamcinolone", "40 mg"),
        Dose("methylprednisolone", "40 mg"),
    ]
    assert methylprednisolone_equivalent(doses) == Q_(120, "mg")
    assert methylprednisolone_equivalent([]) == Q_(0, "mg")
    assert methylprednisolone_equivalent(Dose("dexamethasone", "3 mg")) == Q_(20, "mg")


def test_not_a_corticosteroid() -> None:
    with pytest.raises(ValidationError, match="not a corticosteroid") as caught:
        equivalent_dose(Dose("lidocaine", "10 mg"))
    assert caught.value.field == "drug"
    with pytest.raises(ValidationError, match="not a corticosteroid"):
        equivalent_dose(Dose("dexamethasone", "10 mg"), to="lidocaine")


def test_dose_without_amount() -> None:
    with pytest.raises(ValidationError, match="without a concentration"):
        equivalent_dose(Dose("dexamethasone", volume="1 mL"))


def test_custom_steroid_has_no_sourced_equivalent() -> None:
    prednisolone = Drug(
        "prednisolone",
        "Prednisolone",
        "corticosteroid",
        particulate=False,
        references=["GLOBALRPH"],
    )
    with pytest.raises(NoSourcedValueError):
        equivalent_dose(Dose(prednisolone, "5 mg"))


def test_round_trip() -> None:
    records = tuple(corticosteroid_equivalences().values())
    text = dump_records(records, table="equivalence")
    loaded = loads_records(text, CorticosteroidEquivalence, table="equivalence", key="drug")
    assert loaded == records
