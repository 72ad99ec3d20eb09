"""The loader reads plain attrs classes without generated code, exactly as cattrs' code does.

Each record, and each record spoilt in one field, must give the same object or the same
error (the same cattrs messages, the same innermost exception) through the loader's
converter as through the function cattrs generates for the class.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any, Generic, TypeVar

import attrs
import cattrs
import cattrs.gen
import pytest

import interventional
from interventional._data import _fields_of, _structure_enum, converter, read_table
from interventional._enums import ParsableEnum
from interventional.anatomy._rules import Dermatome, Rule
from interventional.anatomy.levels import Segment, Side, to_side
from interventional.anatomy.relations import Relation
from interventional.anatomy.structures import Edge, Structure
from interventional.errors import ValidationError
from interventional.pharmacology.drugs import Drug
from interventional.procedures.model import Procedure
from interventional.references import Reference, to_references
from interventional.units import Quantity, optional_quantity_converter

T = TypeVar("T")


@attrs.frozen
class Needle:
    type: str
    gauge: int = 22


@attrs.frozen
class Sample:
    id: str
    side: Side = attrs.field(converter=to_side)
    needles: tuple[Needle, ...]
    segment: Segment | None = None
    volume: Quantity | None = attrs.field(
        default=None, converter=optional_quantity_converter("mL", "volume")
    )
    references: tuple[Reference, ...] = attrs.field(default=(), converter=to_references)
    tags: frozenset[str] = frozenset()
    ratio: float = 1.0
    flag: bool = False
    _secret: str = "x"


@attrs.frozen
class Node:
    name: str
    children: tuple[Node, ...] = ()


@attrs.define
class WithInitFalse:
    a: int
    b: int = attrs.field(init=False, default=0)


@attrs.frozen
class Box(Generic[T]):
    item: T


DATA = [
    (resources.files("interventional") / "data" / "bibliography.toml", Reference, "reference"),
    (
        resources.files("interventional.anatomy") / "data" / "structures.toml",
        Structure,
        "structure",
    ),
    (resources.files("interventional.anatomy") / "data" / "rules.toml", Rule, "rule"),
    (resources.files("interventional.anatomy") / "data" / "targets.toml", Rule, "rule"),
    (resources.files("interventional.anatomy") / "data" / "relations.toml", Edge, "relation"),
    (
        resources.files("interventional.anatomy") / "data" / "dermatomes.toml",
        Dermatome,
        "dermatome",
    ),
    (resources.files("interventional.pharmacology") / "data" / "drugs.toml", Drug, "drug"),
    (resources.files("interventional.procedures") / "data" / "facet.toml", Procedure, "procedure"),
    (
        resources.files("interventional.procedures") / "data" / "epidural.toml",
        Procedure,
        "procedure",
    ),
]

SAMPLES = [
    {
        "id": "a",
        "side": "Left",
        "needles": [{"type": "quincke", "gauge": 25}, {"type": "tuohy"}],
        "segment": "L4-L5",
        "volume": "2 mL",
        "references": ["N2018", {"key": "MINE", "title": "My notes", "year": 2026}],
        "tags": ["x", "y"],
        "ratio": 2,
        "flag": True,
        "_secret": "s",
    },
    {"id": "b", "side": "right", "needles": []},
    {"name": "root", "children": [{"name": "leaf"}, {"name": "twig", "children": [{}]}]},
]

SPOILERS: list[object] = [None, True, 12345, 1.5, "?", [], {}, ["?"], {"x": 1}]


def _outcome(structure: Any, raw: object, cl: type) -> tuple[object, ...]:
    try:
        return ("ok", structure(raw, cl))
    except cattrs.BaseValidationError as error:
        leaf: BaseException = error
        while isinstance(leaf, BaseExceptionGroup) and leaf.exceptions:
            leaf = leaf.exceptions[0]
        return (
            "validation",
            type(error).__name__,
            cattrs.transform_error(error),
            type(leaf).__name__,
            str(leaf),
        )
    except Exception as error:
        return ("error", type(error).__name__, str(error))


def _spoilt(raw: dict[str, Any]) -> Iterator[object]:
    yield raw
    yield {**raw, "unknown_key": 1}
    yield list(raw)
    for key in raw:
        yield {k: v for k, v in raw.items() if k != key}
        for value in SPOILERS:
            yield {**raw, key: value}


def _assert_same(cl: type, raws: list[object]) -> None:
    conv = converter()
    assert _fields_of(conv, cl) is not None, f"{cl.__name__} is read by generated code"
    generated = cattrs.gen.make_dict_structure_fn(cl, conv)
    for raw in raws:
        assert _outcome(conv.structure, raw, cl) == _outcome(generated, raw, cl), raw


@pytest.mark.slow  # every data file read twice
@pytest.mark.parametrize(
    ("source", "cl", "table"), DATA, ids=[f"{cl.__name__}-{table}" for _, cl, table in DATA]
)
def test_data_files_are_read_as_by_generated_code(source: Any, cl: type, table: str) -> None:
    records = read_table(source, table)
    raws: list[object] = list(records)
    for raw in records[:3]:
        raws.extend(_spoilt(raw))
    _assert_same(cl, raws)


@pytest.mark.parametrize("cl", [Sample, Needle])
def test_features_are_read_as_by_generated_code(cl: type) -> None:
    raws: list[object] = []
    for raw in SAMPLES[:2]:
        raws.extend(_spoilt(raw))
    _assert_same(cl, raws)


def test_a_class_that_contains_itself() -> None:
    _assert_same(Node, list(_spoilt(SAMPLES[2])))
    tree = converter().structure(SAMPLES[2] | {"children": [{"name": "leaf"}]}, Node)
    assert tree == Node("root", (Node("leaf"),))


@pytest.mark.parametrize("cl", [WithInitFalse, Box[int], Box])
def test_other_classes_go_to_cattrs(cl: Any) -> None:
    assert _fields_of(converter(), cl) is None
    if cl is WithInitFalse:
        assert converter().structure({"a": 1}, cl) == WithInitFalse(1)
    if cl == Box[int]:
        assert converter().structure({"item": 3}, cl) == Box(3)


def _library_enums() -> list[type[ParsableEnum]]:
    for module in pkgutil.walk_packages(interventional.__path__, "interventional."):
        if module.name.endswith(("_draw", "__main__")):
            continue
        importlib.import_module(module.name)
    found: list[type[ParsableEnum]] = []
    queue: list[type[ParsableEnum]] = [ParsableEnum]
    while queue:
        for sub in queue.pop().__subclasses__():
            queue.append(sub)
            if sub.__module__.startswith("interventional.") and list(sub):
                found.append(sub)
    return found


@pytest.mark.parametrize("cl", _library_enums(), ids=lambda cl: cl.__name__)
def test_enum_values_are_read_as_parse_reads_them(cl: type[ParsableEnum]) -> None:
    for member in cl:
        assert cl.parse(member.value) is member
        assert _structure_enum(member.value, cl) is member
        assert _structure_enum(member.name.lower(), cl) is member
        assert _structure_enum(member, cl) is member


def test_enum_spellings_and_errors() -> None:
    assert _structure_enum("PART_OF", Relation) is Relation.PART_OF
    with pytest.raises(ValidationError) as fast:
        _structure_enum("part of it", Relation)
    with pytest.raises(ValidationError) as parsed:
        Relation.parse("part of it")
    assert str(fast.value) == str(parsed.value)
    assert isinstance(Relation.PART_OF, enum.Enum)


def test_a_fresh_converter_from_many_threads_at_once() -> None:
    fresh = converter.__wrapped__()
    raws = read_table(DATA[2][0], "rule")
    start = threading.Barrier(8)

    def work(_: int) -> tuple[Rule, ...]:
        start.wait()
        return tuple(fresh.structure(raw, Rule) for raw in raws)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, in the middle of making the hooks
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(work, range(8)))
    finally:
        sys.setswitchinterval(interval)
    assert all(result == results[0] for result in results)
    assert results[0] == tuple(converter().structure(raw, Rule) for raw in raws)
