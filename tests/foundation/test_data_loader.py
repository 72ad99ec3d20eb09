"""The one data loader: good files load, bad files raise CatalogError naming file, record, field."""

from __future__ import annotations

import contextlib
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional._data import dump_records, load_records, loads_records, read_table, unstructure
from interventional.anatomy.levels import Segment, Side
from interventional.errors import CatalogError
from interventional.references import Reference, cite, to_references
from interventional.units import Q_, Quantity, quantity_converter


@attrs.frozen
class Needle:
    type: str
    gauge: int


@attrs.frozen
class Injection:
    id: str
    name: str
    segment: Segment = attrs.field(converter=Segment.parse)
    side: Side = attrs.field(converter=Side.parse)
    volume: Quantity = attrs.field(converter=quantity_converter("mL", "volume"))
    needle: Needle
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    aliases: tuple[str, ...] = ()
    note: str | None = None


GOOD = """
[[injection]]
id = "left-l4-l5"
name = "Left L4-L5 injection"
segment = "L4-L5"
side = "left"
volume = "2 mL"
needle = { type = "quincke", gauge = 22 }
references = ["N2018", "STATPEARLS"]
aliases = ["l4-5"]

[[injection]]
id = "right-l5-s1"
name = "Right L5-S1 injection"
segment = "L5-S1"
side = "RIGHT"
volume = "1500 uL"
needle = { type = "quincke", gauge = 25 }
references = [{ key = "MY-CLINIC", title = "Our clinic's protocol", year = 2026 }]
"""


def _error(text: str) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        loads_records(text, Injection, table="injection", source="clinic.toml")
    return caught.value


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def test_good_file_loads_into_typed_objects(tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text(GOOD, encoding="utf-8")
    first, second = load_records(path, Injection, table="injection")
    assert first.segment == Segment.parse("L4-L5")
    assert first.side is Side.LEFT
    assert first.volume == Q_(2, "mL")
    assert first.needle == Needle("quincke", 22)
    assert first.references == (cite("N2018"), cite("STATPEARLS"))
    assert second.side is Side.RIGHT
    assert second.volume.to("mL").magnitude == pytest.approx(1.5)
    assert second.references[0].title == "Our clinic's protocol"


def test_missing_field() -> None:
    error = _error(_replace('name = "Left L4-L5 injection"\n', ""))
    assert (error.file, error.record, error.field) == (
        "clinic.toml",
        "injection 'left-l4-l5'",
        "name",
    )
    assert "missing" in error.reason


def test_wrong_type() -> None:
    error = _error(_replace("gauge = 22", 'gauge = "twenty-two"'))
    assert error.record == "injection 'left-l4-l5'"
    assert error.field == "needle.gauge"
    assert "int" in error.reason


def test_wrong_unit() -> None:
    error = _error(_replace('volume = "2 mL"', 'volume = "2 mg"'))
    assert error.field == "volume"
    assert "expected units like 'mL'" in error.reason


def test_missing_unit() -> None:
    error = _error(_replace('volume = "2 mL"', "volume = 2"))
    assert error.field == "volume"
    assert "no unit" in error.reason


def test_unknown_key() -> None:
    error = _error(_replace('aliases = ["l4-5"]', 'aliases = ["l4-5"]\ncolour = "red"'))
    assert error.record == "injection 'left-l4-l5'"
    assert "colour" in error.reason


def test_duplicate_id() -> None:
    error = _error(_replace('id = "right-l5-s1"', 'id = "left-l4-l5"'))
    assert error.field == "id"
    assert error.record == "injection 'left-l4-l5'"
    assert "duplicate" in error.reason


def test_bad_level_names_the_field_and_suggests() -> None:
    error = _error(_replace('segment = "L4-L5"', 'segment = "L3-L5"'))
    assert error.field == "segment"
    assert "not adjacent" in error.reason
    assert "'L3-L4'" in str(error)


def test_bad_enum_value_suggests() -> None:
    error = _error(_replace('side = "left"', 'side = "lfet"'))
    assert error.field == "side"
    assert "'left'" in str(error)


def test_unknown_citation() -> None:
    error = _error(_replace('"N2018", ', '"N2019", '))
    assert error.field is not None
    assert error.field.startswith("references")
    assert "N2018" in str(error)


def test_record_without_id_is_named_by_position() -> None:
    error = _error(_replace('id = "right-l5-s1"\n', ""))
    assert error.record == "injection #2"
    assert error.field == "id"


def test_invalid_toml() -> None:
    error = _error("[[injection]\nid = ")
    assert error.record is None
    assert "invalid TOML" in error.reason


def test_missing_table() -> None:
    error = _error('[[procedure]]\nid = "x"\n')
    assert error.field == "injection"
    assert "procedure" in error.reason


def test_table_that_is_not_an_array_of_tables() -> None:
    error = _error('injection = "x"\n')
    assert "array of tables" in error.reason


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        read_table(tmp_path / "absent.toml", "injection")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[[injection]]\nid = "\xe9"\n')
    with pytest.raises(CatalogError, match="UTF-8"):
        read_table(path, "injection")


def test_round_trip_through_toml() -> None:
    records = loads_records(GOOD, Injection, table="injection")
    text = dump_records(records, table="injection")
    assert loads_records(text, Injection, table="injection") == records


def test_unstructure_writes_plain_values() -> None:
    first = loads_records(GOOD, Injection, table="injection")[0]
    plain = unstructure(first)
    assert plain["segment"] == "L4-L5"
    assert plain["side"] == "left"
    assert plain["volume"] == "2 mL"
    assert plain["references"] == ["N2018", "STATPEARLS"]
    assert "note" not in plain


@given(st.text(max_size=200))
def test_random_text_raises_only_catalog_errors(text: str) -> None:
    with contextlib.suppress(CatalogError):
        loads_records(text, Injection, table="injection")


def test_frozensets_of_enums_unstructure_to_sorted_lists() -> None:
    @attrs.frozen
    class Sides:
        sides: frozenset[Side]

    assert unstructure(Sides(frozenset({Side.RIGHT, Side.LEFT}))) == {"sides": ["left", "right"]}


@attrs.frozen
class Flags:
    id: str
    lateralized: bool
    count: int
    ratio: float
    aliases: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('lateralized = "no"', "lateralized"),
        ("count = 2.5", "count"),
        ("count = true", "count"),
        ('ratio = "0.5"', "ratio"),
        ('aliases = "abc"', "aliases"),
        ('kinds = "abc"', "kinds"),
        ("aliases = [1, 2]", "aliases"),
    ],
)
def test_values_are_not_coerced(line: str, field: str) -> None:
    base = {
        "lateralized": "lateralized = true",
        "count": "count = 2",
        "ratio": "ratio = 0.5",
        "aliases": 'aliases = ["a"]',
        "kinds": 'kinds = ["k"]',
    }
    base[field] = line
    text = '[[flags]]\nid = "x"\n' + "\n".join(base.values()) + "\n"
    with pytest.raises(CatalogError) as caught:
        loads_records(text, Flags, table="flags")
    assert caught.value.field is not None
    assert caught.value.field.startswith(field)


def test_ints_are_accepted_as_floats() -> None:
    text = '[[flags]]\nid = "x"\nlateralized = false\ncount = 2\nratio = 1\nkinds = ["b", "a"]\n'
    (record,) = loads_records(text, Flags, table="flags")
    assert record.ratio == 1.0
    assert isinstance(record.ratio, float)
    assert record.kinds == frozenset({"a", "b"})
