"""The atlas data files: they load through the one loader, round-trip, and fail loudly."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from interventional._data import dump_records, load_records, loads_records
from interventional.anatomy._rules import Dermatome, Rule, expand
from interventional.anatomy.atlas import build_default_atlas
from interventional.anatomy.structures import Edge, Structure
from interventional.errors import CatalogError, ValidationError

DATA = resources.files("interventional.anatomy") / "data"
TABLES = [
    ("structures.toml", Structure, "structure", "id"),
    ("relations.toml", Edge, "relation", None),
    ("rules.toml", Rule, "rule", "id"),
    ("targets.toml", Rule, "rule", "id"),
    ("dermatomes.toml", Dermatome, "dermatome", "nerve"),
]


@pytest.mark.parametrize(("name", "record_type", "table", "key"), TABLES)
def test_data_files_round_trip(name: str, record_type: type, table: str, key: str | None) -> None:
    records = load_records(DATA / name, record_type, table=table, key=key)
    assert records
    again = loads_records(dump_records(records, table=table), record_type, table=table, key=key)
    assert again == records


def test_build_is_fresh_and_equal() -> None:
    first, second = build_default_atlas(), build_default_atlas()
    assert first is not second
    assert set(first) == set(second)
    assert first.edges == second.edges
    assert first == second


RULE = """
[[rule]]
id = "bad"
over = "{over}"
first = "{first}"
last = "{last}"
references = ["BOGDUK"]
edges = [{{ subject = "{subject}", relation = "innervates", object = "facet-joint:{{segment}}" }}]
"""


@pytest.mark.parametrize(
    ("over", "first", "last", "subject", "field", "message"),
    [
        ("segments", "L1-L2", "L4-L5", "x", "over", "'segments' is not one of"),
        ("segment", "L3-L5", "L4-L5", "x", "segment", "not adjacent"),
        ("segment", "L4-L5", "L1-L2", "x", "last", "comes before"),
        ("segment", "L1-L2", "L4-L5", "medial-branch:{level}", "edges.subject", "uses level"),
        ("level", "L6", "L6", "x", "level", "L6 does not exist"),
    ],
)
def test_bad_rules_name_file_record_and_field(
    over: str, first: str, last: str, subject: str, field: str, message: str
) -> None:
    text = RULE.format(over=over, first=first, last=last, subject=subject)
    with pytest.raises(CatalogError, match=message) as caught:
        loads_records(text, Rule, table="rule", source="rules.toml")
    assert caught.value.file == "rules.toml"
    assert caught.value.record == "rule 'bad'"
    assert caught.value.field == field


def test_placeholder_without_value_at_a_step() -> None:
    text = RULE.format(over="segment", first="L5-S1", last="S1-S2", subject="medial-branch:{nerve}")
    (rule,) = loads_records(text, Rule, table="rule")
    with pytest.raises(ValidationError, match="nerve has no value at segment=S1-S2"):
        expand(rule)


def test_rule_needs_a_reference() -> None:
    text = RULE.format(over="segment", first="L1-L2", last="L2-L3", subject="x").replace(
        '["BOGDUK"]', "[]"
    )
    with pytest.raises(CatalogError, match="at least one source"):
        loads_records(text, Rule, table="rule")


def test_bad_structure_record(tmp_path: Path) -> None:
    path = tmp_path / "structures.toml"
    path.write_text(
        '[[structure]]\nid = "vertebra:L6"\nkind = "vertebra"\nname = "L6"\nlevel = "L6"\n'
        'references = ["STATPEARLS"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_records(path, Structure, table="structure")
    assert caught.value.record == "structure 'vertebra:L6'"
    assert caught.value.field == "level"
