"""The catalogue and every procedure survive their TOML form unchanged."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_catalog_strategies import procedures

from interventional._data import loads_records
from interventional.procedures import Catalog, Procedure, default_catalog


def test_the_default_catalogue_round_trips() -> None:
    catalog = default_catalog()
    again = Catalog.from_toml(catalog.to_toml())
    assert again == catalog
    assert list(again) == list(catalog)


@settings(max_examples=30, deadline=None)
@given(st.lists(procedures(), unique_by=lambda p: p.id, max_size=6))
def test_any_sub_catalogue_round_trips(chosen: list[Procedure]) -> None:
    catalog = Catalog(chosen)
    assert Catalog.from_toml(catalog.to_toml()) == catalog


@settings(max_examples=50, deadline=None)
@given(procedures())
def test_merging_a_catalogue_with_itself_changes_nothing(procedure: Procedure) -> None:
    catalog = default_catalog()
    assert catalog.merged_with(Catalog([procedure])) == catalog


def test_loader_round_trip_of_records() -> None:
    records = tuple(default_catalog().values())
    text = Catalog(records).to_toml()
    assert loads_records(text, Procedure, table="procedure") == records


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=100_000),
    st.integers(min_value=0, max_value=100_000),
    st.sampled_from(["mL", "mg"]),
)
def test_quantity_ranges_round_trip_through_their_text(low: int, extra: int, unit: str) -> None:
    from interventional.procedures import QuantityRange

    text = f"{low / 1000}-{(low + extra) / 1000} {unit}"
    parsed = QuantityRange.parse(text, like=unit)
    assert QuantityRange.parse(str(parsed), like=unit) == parsed
    assert parsed.low <= parsed.high
