"""Ordered enums: every member's rank is its position in the definition."""

from __future__ import annotations

import enum
import importlib
import itertools
import pkgutil

import pytest

import interventional
from interventional._enums import OrderedEnum


def _ordered_enums() -> list[type[OrderedEnum]]:
    found: dict[str, type[OrderedEnum]] = {}
    for module in pkgutil.walk_packages(interventional.__path__, "interventional."):
        try:
            loaded = importlib.import_module(module.name)
        except ImportError:  # an optional extra (matplotlib) is not installed
            continue
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, OrderedEnum) and list(value):
                found[value.__qualname__] = value
    return list(found.values())


ENUMS = _ordered_enums()


def test_the_library_has_ordered_enums() -> None:
    names = {cls.__name__ for cls in ENUMS}
    assert {"Verdict", "BleedingRisk"} <= names


@pytest.mark.parametrize("cls", ENUMS, ids=lambda cls: cls.__name__)
def test_rank_is_the_definition_position(cls: type[OrderedEnum]) -> None:
    members = list(cls)
    assert [member.rank for member in members] == list(range(len(members)))
    for low, high in itertools.pairwise(members):
        assert low < high
        assert high > low
        assert low <= high
        assert not high < low
    assert sorted(members) == members


def test_a_new_ordered_enum_ranks_its_members_and_aliases() -> None:
    class Grade(OrderedEnum):
        MILD = "mild"
        MODERATE = "moderate"
        SEVERE = "severe"
        LIGHT = "mild"  # an alias of MILD, not a member

    assert [g.rank for g in Grade] == [0, 1, 2]
    assert Grade.LIGHT is Grade.MILD
    assert Grade.LIGHT.rank == 0
    assert max(Grade.SEVERE, Grade.MILD) is Grade.SEVERE
    assert isinstance(Grade.MILD, enum.Enum)


@pytest.mark.parametrize("cls", ENUMS, ids=lambda cls: cls.__name__)
def test_the_four_comparisons_agree_with_rank(cls: type[OrderedEnum]) -> None:
    for a, b in itertools.product(cls, repeat=2):
        assert (a < b, a <= b, a > b, a >= b) == (
            a.rank < b.rank,
            a.rank <= b.rank,
            a.rank > b.rank,
            a.rank >= b.rank,
        )


def test_members_of_different_enums_do_not_compare() -> None:
    first, second = ENUMS[0], next(cls for cls in ENUMS if cls is not ENUMS[0])
    a, b = next(iter(first)), next(iter(second))
    for compare in (
        lambda: a < b,
        lambda: a <= b,
        lambda: a > b,
        lambda: a >= b,
        lambda: a < 1,
    ):
        with pytest.raises(TypeError):
            compare()
