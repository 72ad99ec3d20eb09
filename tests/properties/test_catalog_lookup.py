"""An id, an alias and any case-insensitive spelling find the same procedure."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_catalog_strategies import procedures

from interventional.procedures import Procedure, default_catalog


def respell(draw_bools: list[bool], text: str) -> str:
    return "".join(
        ch.upper() if flip else ch
        for ch, flip in zip(text, draw_bools + [False] * len(text), strict=False)
    )


@settings(max_examples=200, deadline=None)
@given(procedures(), st.lists(st.booleans(), max_size=80), st.sampled_from(["-", "_", " "]))
def test_id_alias_and_case_find_the_same_procedure(
    procedure: Procedure, flips: list[bool], separator: str
) -> None:
    catalog = default_catalog()
    assert catalog[procedure.id] is procedure
    for name in (procedure.id, *procedure.aliases):
        assert catalog[name] is procedure
        assert catalog[respell(flips, name)] is procedure
        assert catalog[name.replace("-", separator)] is procedure
        assert name in catalog


def test_aliases_are_unique_across_the_catalogue() -> None:
    seen: dict[str, str] = {}
    for procedure in default_catalog().values():
        for name in (procedure.id, *procedure.aliases):
            assert name.casefold() not in seen, (name, seen.get(name.casefold()))
            seen[name.casefold()] = procedure.id


@settings(max_examples=100, deadline=None)
@given(procedures())
def test_search_by_name_finds_the_procedure(procedure: Procedure) -> None:
    assert procedure in default_catalog().search(procedure.name)
