"""Properties of the drug vocabulary and corticosteroid equivalence.

Domain rules: a generic id, any alias and any case-spelling find the same drug; converting a
steroid dose to another steroid and back gives the original dose; methylprednisolone
equivalents add up over injectates.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from interventional.pharmacology import (
    Dose,
    corticosteroid_equivalences,
    drug,
    drugs,
    equivalent_dose,
    methylprednisolone_equivalent,
)

NAMES = sorted((name, record.name) for record in drugs().values() for name in record.names)
STEROIDS = sorted(corticosteroid_equivalences())
milligrams = st.floats(min_value=0.01, max_value=500, allow_nan=False, allow_infinity=False)


@st.composite
def respelled(draw: st.DrawFn, text: str) -> str:
    chars = [c.upper() if draw(st.booleans()) else c.lower() for c in text]
    spelled = "".join(chars)
    separator = draw(st.sampled_from(["-", " ", "_"]))
    return spelled.replace("-", separator)


@given(st.sampled_from(NAMES), st.data())
def test_an_id_an_alias_and_any_case_find_the_same_drug(
    pair: tuple[str, str], data: st.DataObject
) -> None:
    name, generic = pair
    assert drug(name) is drugs()[generic]
    assert drug(data.draw(respelled(name))) is drugs()[generic]


@given(st.sampled_from(STEROIDS), st.sampled_from(STEROIDS), milligrams)
def test_equivalence_round_trips(source: str, target: str, mg: float) -> None:
    there = equivalent_dose(Dose(source, f"{mg!r} mg"), to=target)
    back = equivalent_dose(Dose(target, there), to=source)
    assert math.isclose(back.to("mg").magnitude, mg, rel_tol=1e-9)


@given(st.sampled_from(STEROIDS), st.sampled_from(STEROIDS), st.sampled_from(STEROIDS), milligrams)
def test_equivalence_is_transitive(a: str, b: str, c: str, mg: float) -> None:
    direct = equivalent_dose(Dose(a, f"{mg!r} mg"), to=c)
    via = equivalent_dose(Dose(b, equivalent_dose(Dose(a, f"{mg!r} mg"), to=b)), to=c)
    assert math.isclose(direct.magnitude, via.magnitude, rel_tol=1e-9)


@given(st.lists(st.tuples(st.sampled_from(STEROIDS), milligrams), max_size=6))
def test_methylprednisolone_equivalents_add_up(items: list[tuple[str, float]]) -> None:
    doses = [Dose(name, f"{mg!r} mg") for name, mg in items]
    total = methylprednisolone_equivalent(doses).to("mg").magnitude
    parts = sum(methylprednisolone_equivalent(d).to("mg").magnitude for d in doses)
    assert math.isclose(total, parts, rel_tol=1e-9, abs_tol=1e-9)
