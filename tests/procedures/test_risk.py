"""The bleeding-risk classes and the basis a record gives for its class."""

from __future__ import annotations

import pytest

from interventional.errors import ValidationError
from interventional.procedures import BleedingRisk, RiskBasis


def test_a_listed_class_names_its_row() -> None:
    basis = RiskBasis(row="Peripheral nerve blocks", references=["N2018", "UTD-RISK"])
    assert not basis.is_inferred
    assert str(basis) == "ASRA 2018: Peripheral nerve blocks"
    assert [ref.key for ref in basis.references] == ["N2018", "UTD-RISK"]


def test_an_inferred_class_gives_its_reasoning_and_may_name_the_row_it_follows() -> None:
    basis = RiskBasis(
        row="Peripheral nerve blocks",
        inferred="Not named; the needle lies where the block puts it.",
        references=["N2018"],
    )
    assert basis.is_inferred
    assert str(basis).startswith("inferred: Not named")


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"references": ["N2018"]}, "give the row"),
        ({"row": "  ", "inferred": "", "references": ["N2018"]}, "give the row"),
        ({"row": "Peripheral nerve blocks"}, "must cite a source"),
    ],
)
def test_a_basis_without_a_row_reasoning_or_source_is_refused(
    kwargs: dict[str, object], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        RiskBasis(**kwargs)  # type: ignore[arg-type]


def test_a_basis_text_must_be_text() -> None:
    with pytest.raises(ValidationError, match="expected text"):
        RiskBasis(row=3, references=["N2018"])  # type: ignore[arg-type]


def test_upgrading_stops_at_high() -> None:
    assert BleedingRisk.HIGH.upgraded() is BleedingRisk.HIGH
