"""The model's converters keep a value that is already canonical, and change no answer.

A Patient built from another's fields, or from a cohort's mapped codes, passes values that
are already in the stored form (sorted unique codes, a generic drug id, a Quantity in the
field's unit); the converters then keep the object instead of rebuilding it. These tests
say that this short cut gives what the full conversion gives, for every input.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interventional.pharmacology import DrugClass, drug, drugs
from interventional.safety import MedicationUse, Patient, default_rules
from interventional.units import Q_

_CONDITIONS = sorted(default_rules().conditions)
_DEVICES = sorted(default_rules().devices)
_ALLERGENS = sorted({*drugs(), *(member.value for member in DrugClass)})
_SPELLINGS = st.sampled_from(["", "  ", "other:latex", "Diabetes", "iodine", "Plavix", "x"])


def test_canonical_codes_are_kept_as_given() -> None:
    conditions = tuple(_CONDITIONS[:3])
    devices = tuple(_DEVICES[:2])
    allergies = ("aspirin", "iodinated-contrast")
    patient = Patient(age=70, conditions=conditions, devices=devices, allergies=allergies)
    assert patient.conditions is conditions
    assert patient.devices is devices
    assert patient.allergies is allergies


def test_a_canonical_quantity_is_kept_as_given() -> None:
    weight = Q_(70, "kg")
    assert Patient(age=70, weight=weight).weight is weight


def test_a_generic_id_is_its_own_drug() -> None:
    for name, record in drugs().items():
        assert drug(name) is record
        assert drug(name.upper().replace("-", " ")) is record
    assert MedicationUse("PLAVIX").drug == "clopidogrel"


@given(
    conditions=st.lists(st.sampled_from(_CONDITIONS) | _SPELLINGS, max_size=4),
    devices=st.lists(st.sampled_from(_DEVICES) | _SPELLINGS, max_size=3),
    allergies=st.lists(st.sampled_from(_ALLERGENS) | _SPELLINGS, max_size=4),
)
def test_a_tuple_converts_as_a_list_does(
    conditions: list[str], devices: list[str], allergies: list[str]
) -> None:
    """A tuple (the short cut's input) and a list (always fully converted) give one answer,
    or one error, whether the tuple is canonical or not (unsorted, repeated, misspelt)."""
    for field, values in (
        ("conditions", conditions),
        ("devices", devices),
        ("allergies", allergies),
        ("conditions", sorted(set(conditions))),
        ("allergies", sorted(set(allergies))),
    ):
        outcomes = []
        for given_as in (list(values), tuple(values)):
            try:
                outcomes.append(getattr(Patient(age=70, **{field: given_as}), field))
            except Exception as error:  # the two errors are compared
                outcomes.append(f"{type(error).__name__}: {error}")
        assert outcomes[0] == outcomes[1], (field, values)
        if isinstance(outcomes[0], tuple):
            again = getattr(Patient(age=70, **{field: outcomes[0]}), field)
            assert again == outcomes[0]  # the stored form converts to itself
            if not any(code.startswith("other:") for code in again):
                assert again is outcomes[0]  # and is kept as it is
