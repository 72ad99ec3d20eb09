"""Local anaesthetic totals of a plan add up across its injectates."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interventional.pharmacology import Dose
from interventional.procedures import plan
from interventional.units import magnitude

LOCAL_ANESTHETICS = ["lidocaine", "bupivacaine", "ropivacaine"]


@st.composite
def local_anesthetic_doses(draw: st.DrawFn) -> Dose:
    name = draw(st.sampled_from(LOCAL_ANESTHETICS))
    volume = draw(st.integers(min_value=1, max_value=50)) / 10
    percent = draw(st.sampled_from([0.25, 0.5, 1, 2]))
    return Dose(name, volume=f"{volume} mL", concentration=f"{percent} %")


@settings(max_examples=80, deadline=None)
@given(st.lists(local_anesthetic_doses(), min_size=1, max_size=6))
def test_local_anesthetic_totals_add_up(doses: list[Dose]) -> None:
    steroid = Dose("dexamethasone", "10 mg")
    p = plan("lumbar-mbb", levels=["L4-L5"], side="left", injectates=[*doses, steroid])
    totals = {drug.name: magnitude(q, "mg") for drug, q in p.local_anesthetic_totals().items()}
    expected: dict[str, float] = {}
    for dose in doses:
        assert dose.amount is not None
        expected[dose.drug.name] = expected.get(dose.drug.name, 0.0) + magnitude(dose.amount, "mg")
    assert set(totals) == set(expected)
    for name, total in expected.items():
        assert abs(totals[name] - total) <= 1e-9 * max(1.0, total)
