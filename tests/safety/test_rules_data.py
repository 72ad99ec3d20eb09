"""The rule data: loading, round trip, sources, vocabulary coverage, table consistency."""

from __future__ import annotations

from pathlib import Path

import pytest

from interventional._data import dump_records, loads_records
from interventional.errors import CatalogError
from interventional.pharmacology import DrugClass, drugs
from interventional.procedures.risk import BleedingRisk
from interventional.safety.rules import (
    Basis,
    ConditionCode,
    HoldAction,
    HoldRule,
    Rule,
    Setting,
    default_rules,
    load_rules,
)

RULES = default_rules()


@pytest.mark.parametrize(
    ("records", "record_type", "table", "key"),
    [
        (RULES.holds, HoldRule, "hold", "id"),
        (RULES.rules, Rule, "rule", "id"),
        (tuple(RULES.conditions.values()), ConditionCode, "condition", "code"),
        (RULES.settings, Setting, "setting", "id"),
    ],
)
def test_records_survive_a_round_trip(
    records: tuple[object, ...], record_type: type, table: str, key: str
) -> None:
    text = dump_records(records, table=table)
    assert loads_records(text, record_type, table=table, key=key) == records


def test_every_rule_cites_a_source() -> None:
    for row in RULES.holds:
        assert row.references, row.id
    for rule in RULES.rules:
        assert rule.references, rule.id
    for code in RULES.conditions.values():
        assert code.references, code.code
    for setting in RULES.settings:
        assert setting.references or setting.basis is Basis.LIBRARY_POLICY, setting.id
        assert setting.note, setting.id


def test_library_policy_settings_are_labelled_in_their_notes() -> None:
    for setting in RULES.settings:
        if setting.basis is Basis.LIBRARY_POLICY:
            assert "library policy" in setting.note.lower() or "policy" in setting.note.lower()


def test_every_drug_of_the_table_is_in_the_vocabulary() -> None:
    known = drugs()
    for row in RULES.holds:
        for name in row.drugs:
            assert name in known, (row.id, name)
        for drug_class in row.classes:
            DrugClass.parse(drug_class)


def test_every_antithrombotic_drug_has_a_hold_row() -> None:
    for drug in drugs().values():
        if not drug.drug_class.injectate:
            assert RULES.holds_for(drug.name, drug.drug_class.value), drug.name


def test_a_higher_class_never_has_a_shorter_hold() -> None:
    order = [BleedingRisk.LOW, BleedingRisk.INTERMEDIATE, BleedingRisk.HIGH]
    for row in RULES.holds:
        holds = [row.cell(risk).hold for risk in order if row.cell(risk).action is HoldAction.HOLD]
        assert holds == sorted(holds), row.id  # type: ignore[type-var]


def test_ranges_are_applied_at_their_upper_bound_and_say_so() -> None:
    for row in RULES.holds:
        for risk in BleedingRisk:
            cell = row.cell(risk)
            if cell.range:
                assert row.note, row.id
                assert "upper bound" in row.note, row.id


def test_conflicts_are_explained() -> None:
    for row in RULES.holds:
        if any(row.cell(risk).confidence.value == "conflict" for risk in BleedingRisk):
            assert row.note, row.id
            assert "CONFLICT" in row.note, row.id
    for rule in RULES.rules:
        if rule.confidence.value == "conflict":
            assert rule.note, rule.id
            assert "CONFLICT" in rule.note, rule.id


def test_policy_defaults() -> None:
    policy = RULES.policy
    assert policy.inr_max == 1.2
    assert policy.platelets_min_neuraxial == pytest.approx(80_000)
    assert policy.concurrent_antithrombotics_min == 2


def test_a_bad_rule_file_names_file_record_and_field(tmp_path: Path) -> None:
    path = tmp_path / "holds.toml"
    path.write_text(
        '[[hold]]\nid = "x"\ndrugs = ["warfarin"]\nreferences = ["N2018"]\n'
        '[hold.high]\naction = "hold"\n[hold.intermediate]\naction = "none"\n'
        '[hold.low]\naction = "none"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as info:
        load_rules(holds=path)
    assert "x" in str(info.value.record)
    assert info.value.field == "high.hold"  # the [hold.high] table's hold


def test_a_rule_with_an_unknown_condition_code_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nid = "x"\nverdict = "caution"\nmessage = "m"\nreferences = ["N2018"]\n'
        'conditions = ["diabetis"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="diabetis"):
        load_rules(rules=path)
