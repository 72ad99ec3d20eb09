"""The rule set as loaded from its files, checked against the TOML read independently.

Written so that a wrong converter, validator or message in ``safety/rules.py`` fails a test
(these functions run once per process in normal use, behind ``default_rules()``'s cache, so
the tests call ``load_rules()`` afresh).
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest

from interventional.anatomy.levels import Region
from interventional.errors import CatalogError, ValidationError
from interventional.imaging.modality import Modality
from interventional.procedures.risk import BleedingRisk
from interventional.safety import Policy, Verdict, default_rules, load_rules
from interventional.safety import rules as rl
from interventional.units import as_timedelta

DATA = resources.files("interventional.safety") / "data"


def _raw(name: str) -> dict[str, Any]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fresh() -> rl.RuleSet:
    return load_rules()


def _interval(value: object) -> timedelta | None:
    return None if value is None else as_timedelta(value, field="x")


def test_every_hold_row_matches_its_record(fresh: rl.RuleSet) -> None:
    raw = _raw("holds.toml")["hold"]
    assert [row.id for row in fresh.holds] == [record["id"] for record in raw]
    for row, record in zip(fresh.holds, raw, strict=True):
        assert row.drugs == tuple(record["drugs"])
        assert row.indication == record.get("indication")
        assert row.route == record.get("route")
        assert row.classes == tuple(record.get("classes", ()))
        assert row.note == record.get("note")
        assert [ref.key for ref in row.references] == record["references"]
        for risk in BleedingRisk:
            cell, raw_cell = row.cell(risk), record[risk.value]
            assert cell is getattr(row, risk.value)
            assert cell.action.value == raw_cell["action"]
            assert cell.hold == _interval(raw_cell.get("hold"))
            assert cell.renal_hold == _interval(raw_cell.get("renal_hold"))
            assert cell.restart == _interval(raw_cell.get("restart"))
            assert cell.lab == raw_cell.get("lab")
            assert cell.range == raw_cell.get("range")
            assert cell.text == raw_cell.get("text", "")
            assert cell.confidence.value == raw_cell.get("confidence", "high")
        holds = [getattr(row, r.value).hold for r in BleedingRisk]
        renal = [getattr(row, r.value).renal_hold for r in BleedingRisk]
        plain = [h for h in holds if h is not None]
        assert row.washout_without_renal == (max(plain) if plain else None)
        every = plain + [h for h in renal if h is not None]
        assert row.washout == (max(every) if every else None)


def test_every_rule_matches_its_record(fresh: rl.RuleSet) -> None:
    raw = _raw("rules.toml")["rule"]
    assert [rule.id for rule in fresh.rules] == [record["id"] for record in raw]
    for rule, record in zip(fresh.rules, raw, strict=True):
        assert rule.verdict is Verdict.parse(record["verdict"])
        assert rule.message == record["message"]
        assert rule.conditions == tuple(record.get("conditions", ()))
        assert rule.devices == tuple(record.get("devices", ()))
        assert rule.regions == tuple(Region.parse(r) for r in record.get("regions", ()))
        assert rule.modalities == tuple(Modality.parse(m) for m in record.get("modalities", ()))
        assert rule.builtin is record.get("builtin", False)
        assert rule.pregnancy == record.get("pregnancy")
        min_risk = record.get("min_risk")
        assert rule.min_risk == (None if min_risk is None else BleedingRisk.parse(min_risk))
        above = record.get("above_level")
        assert (None if rule.above_level is None else str(rule.above_level)) == above
    assert set(fresh._builtins) == {r["id"] for r in raw if r.get("builtin")}  # type: ignore[attr-defined]


def test_the_vocabulary_and_policy_match_their_records(fresh: rl.RuleSet) -> None:
    vocabulary = _raw("vocabulary.toml")
    assert list(fresh.conditions) == [c["code"] for c in vocabulary["condition"]]
    assert list(fresh.devices) == [d["code"] for d in vocabulary["device"]]
    for record in vocabulary["condition"]:
        code = fresh.conditions[record["code"]]
        for flag in ("upgrades", "renal", "requires_platelets", "coagulation_studies"):
            assert getattr(code, flag) is record.get(flag, False)
    settings = {s["id"]: s["value"] for s in _raw("policy.toml")["setting"]}
    assert [s.id for s in fresh.settings] == list(settings)
    policy = fresh.policy
    assert policy.inr_max == float(settings["inr-max"])
    assert policy.inr_max_age == as_timedelta(settings["inr-max-age"], field="x")
    assert policy.platelets_max_age == as_timedelta(settings["platelets-max-age"], field="x")
    assert policy.local_anesthetic_near_fraction == float(
        settings["local-anesthetic-near-fraction"]
    )
    assert policy.concurrent_antithrombotics_min == int(settings["concurrent-antithrombotics-min"])
    assert policy.platelets_min_neuraxial == pytest.approx(80_000)
    assert policy.platelets_min_neuromodulation > 0
    assert policy.creatinine_clearance_normal_min > 0
    assert fresh.policy == default_rules().policy


# --- look-ups -------------------------------------------------------------------------


def test_holds_for_a_drug_its_class_or_nothing(fresh: rl.RuleSet) -> None:
    assert [row.id for row in fresh.holds_for("aspirin")] == [
        "aspirin-primary-prophylaxis",
        "aspirin-secondary-prophylaxis",
    ]
    assert [row.id for row in fresh.holds_for("not-a-drug", "ssri-snri")] == ["ssri-snri"]
    assert fresh.holds_for("not-a-drug") == ()
    assert fresh.holds_for("not-a-drug", "nsaid") == ()
    assert fresh.holds_for("aspirin", "ssri-snri")[0].id == "aspirin-primary-prophylaxis"


def test_builtin_rules_by_id(fresh: rl.RuleSet) -> None:
    assert fresh.builtin("inr").id == "inr"
    with pytest.raises(ValidationError) as caught:
        fresh.builtin("platelet")
    assert caught.value.field == "rule"
    assert caught.value.reason == "the rule set has no builtin rule 'platelet'"
    assert caught.value.suggestions[0] == "platelets"


def test_with_policy_keeps_the_rules(fresh: rl.RuleSet) -> None:
    stricter = attrs.evolve(fresh.policy, inr_max="1.1")
    changed = fresh.with_policy(stricter)
    assert changed.policy.inr_max == 1.1
    assert changed.holds is fresh.holds
    assert changed.rules is fresh.rules
    assert changed.holds_for("warfarin") == fresh.holds_for("warfarin")


# --- cells and rows -------------------------------------------------------------------


def test_a_hold_cell_needs_exactly_a_hold_interval() -> None:
    cell = rl.HoldCell("hold", hold="3 day", renal_hold="5 day", restart="24 h")
    assert (cell.hold, cell.renal_hold, cell.restart) == (
        timedelta(days=3),
        timedelta(days=5),
        timedelta(hours=24),
    )
    none = rl.HoldCell("none")
    assert (none.hold, none.renal_hold, none.restart, none.lab, none.range) == (None,) * 5
    assert none.text == ""
    assert none.confidence.value == "high"
    with pytest.raises(ValidationError) as caught:
        rl.HoldCell("hold")
    assert (caught.value.field, caught.value.reason) == (
        "hold",
        "a 'hold' cell needs a hold interval such as '7 day'",
    )
    # a shared cell may give the interval that applies when stopping is agreed
    assert rl.HoldCell("shared", hold="1 day").hold == timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        rl.HoldCell("none", hold="1 day")
    assert caught.value.field == "hold"
    assert caught.value.reason.startswith("only a 'hold' or 'shared' cell has an interval, not ")
    assert rl.HoldCell("hold", hold="1 day", lab="inr").lab == "inr"
    with pytest.raises(ValidationError) as caught:
        rl.HoldCell("none", lab="aptt")
    assert (caught.value.field, caught.value.reason) == ("lab", "unknown lab condition 'aptt'")
    assert caught.value.suggestions == ("inr",)


@pytest.mark.parametrize(
    ("field", "value"), [("hold", "3 kg"), ("renal_hold", "soon"), ("restart", "2 mL")]
)
def test_a_hold_cell_rejects_a_bad_interval_naming_the_field(field: str, value: str) -> None:
    kwargs: dict[str, Any] = {"hold": "1 day", field: value}
    with pytest.raises(ValidationError) as caught:
        rl.HoldCell("hold", **kwargs)
    assert caught.value.field == field


def test_a_row_gives_the_cell_of_each_class_and_its_washouts() -> None:
    row = rl.HoldRule(
        "x",
        "aspirin",
        high=rl.HoldCell("hold", hold="7 day", renal_hold="10 day"),
        intermediate=rl.HoldCell("hold", hold="3 day"),
        low=rl.HoldCell("none"),
        references=[],
    )
    assert row.drugs == ("aspirin",)
    assert row.cell("high") is row.high
    assert row.cell(BleedingRisk.INTERMEDIATE) is row.intermediate
    assert row.cell("low") is row.low
    assert row.washout == timedelta(days=10)
    assert row.washout_without_renal == timedelta(days=7)
    bare = rl.HoldRule(
        "y",
        ["a", "b"],
        high=rl.HoldCell("none"),
        intermediate=rl.HoldCell("none"),
        low=rl.HoldCell("none"),
        references=[],
        classes="nsaid",
    )
    assert bare.washout is None
    assert bare.washout_without_renal is None
    assert bare.classes == ("nsaid",)
    assert bare.drugs == ("a", "b")


def test_text_lists_take_one_text_or_a_list() -> None:
    assert rl._text_tuple("a") == ("a",)
    assert rl._text_tuple(["a", 1]) == ("a", "1")
    assert rl._text_tuple(()) == ()
    with pytest.raises(ValidationError) as caught:
        rl._text_tuple(3)
    assert (caught.value.field, caught.value.reason) == ("codes", "expected a list of text, got 3")


def test_regions_and_modalities_of_a_rule_are_parsed() -> None:
    assert rl._regions_converter(["Lumbar", "cervical"]) == (Region.LUMBAR, Region.CERVICAL)
    assert rl._regions_converter("sacral") == (Region.SACRAL,)
    assert rl._modalities_converter(["CT"]) == (Modality.CT,)
    with pytest.raises(ValidationError) as caught:
        rl._regions_converter(["lumbr"])
    assert caught.value.field == "regions"
    with pytest.raises(ValidationError) as caught:
        rl._modalities_converter(["fluoro-scopy x"])
    assert caught.value.field == "modalities"


def _rule(**kwargs: Any) -> rl.Rule:
    return rl.Rule("r", "caution", "m", [], **kwargs)


def test_a_rule_accepts_only_known_pregnancy_states() -> None:
    assert _rule().pregnancy is None
    assert _rule(pregnancy="yes").pregnancy == "yes"
    assert _rule(pregnancy="unknown").pregnancy == "unknown"
    with pytest.raises(ValidationError) as caught:
        _rule(pregnancy="no")
    assert caught.value.field == "pregnancy"
    assert "'no'" in caught.value.reason


def test_optional_fields_of_a_rule_are_parsed() -> None:
    rule = _rule(above_level="L2", min_risk="intermediate", regions="lumbar")
    assert str(rule.above_level) == "L2"
    assert rule.min_risk is BleedingRisk.INTERMEDIATE
    assert rule.regions == (Region.LUMBAR,)
    plain = _rule()
    assert plain.above_level is None
    assert plain.min_risk is None
    assert plain.verdict is Verdict.CAUTION


# --- policy ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def policy() -> Policy:
    return default_rules().policy


@pytest.mark.parametrize(
    "name", ["inr_max", "local_anesthetic_near_fraction"], ids=["inr", "fraction"]
)
def test_policy_numbers_must_be_positive_numbers(policy: Policy, name: str) -> None:
    assert getattr(attrs.evolve(policy, **{name: "1.5"}), name) == 1.5
    assert getattr(attrs.evolve(policy, **{name: 2}), name) == 2.0
    for bad, reason in [
        (True, "expected a number, got True"),
        (None, "expected a number, got None"),
        ("abc", "expected a number, got 'abc'"),
        (0, "must be positive, got 0"),
        ("-1", "must be positive, got '-1'"),
    ]:
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(policy, **{name: bad})
        assert (caught.value.field, caught.value.reason) == (name, reason)


def test_policy_counts_and_times_take_text_or_numbers(policy: Policy) -> None:
    changed = attrs.evolve(
        policy,
        platelets_min_neuraxial="100e3 / µL",
        platelets_min_neuromodulation=50_000,
        creatinine_clearance_normal_min="1 L/min",
        inr_max_age="2 day",
        platelets_max_age="12 h",
    )
    assert changed.platelets_min_neuraxial == pytest.approx(100_000)
    assert changed.platelets_min_neuromodulation == 50_000.0
    assert changed.creatinine_clearance_normal_min == pytest.approx(1000)
    assert (
        attrs.evolve(policy, creatinine_clearance_normal_min=60).creatinine_clearance_normal_min
        == 60.0
    )
    assert changed.inr_max_age == timedelta(days=2)
    assert changed.platelets_max_age == timedelta(hours=12)
    for field, bad in [
        ("platelets_min_neuraxial", "80 mg"),
        ("platelets_min_neuromodulation", "5 kg"),
        ("creatinine_clearance_normal_min", "60 mg"),
        ("inr_max_age", "5 kg"),
        ("platelets_max_age", "1 mL"),
    ]:
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(policy, **{field: bad})
        assert caught.value.field == field


def test_a_policy_from_settings_needs_every_setting() -> None:
    settings = default_rules().settings
    assert Policy.from_settings(settings) == default_rules().policy
    with pytest.raises(ValidationError) as caught:
        Policy.from_settings([s for s in settings if s.id not in ("inr-max", "inr-max-age")])
    assert (caught.value.field, caught.value.reason) == (
        "setting",
        "missing settings: inr_max, inr_max_age",
    )


# --- rule sets ------------------------------------------------------------------------


def _ruleset(**changes: Any) -> rl.RuleSet:
    base = default_rules()
    fields = {
        "holds": base.holds,
        "rules": base.rules,
        "conditions": base.conditions,
        "devices": base.devices,
        "settings": base.settings,
        "policy": base.policy,
    }
    fields.update(changes)
    return rl.RuleSet(**fields)


def test_a_rule_set_checks_the_codes_its_rules_use() -> None:
    base = default_rules()
    assert _ruleset().holds_for("warfarin") == base.holds_for("warfarin")
    cases = [
        (_rule(conditions=["nope"]), "conditions", "rule 'r': unknown code 'nope'"),
        (_rule(devices=["nope"]), "devices", "rule 'r': unknown code 'nope'"),
        (_rule(exclusive_of=["nope"]), "exclusive_of", "rule 'r': no rule 'nope'"),
    ]
    for bad, field, reason in cases:
        with pytest.raises(ValidationError) as caught:
            _ruleset(rules=(*base.rules, bad))
        assert (caught.value.field, caught.value.reason) == (field, reason)
    fine = _rule(conditions=["diabetes"], devices=["pacemaker"], exclusive_of=["inr"])
    assert _ruleset(rules=(*base.rules, fine)).rules[-1] is fine


def test_a_rule_set_needs_every_builtin_rule() -> None:
    base = default_rules()
    kept = tuple(r for r in base.rules if r.id not in ("inr", "platelets"))
    with pytest.raises(ValidationError) as caught:
        _ruleset(rules=kept)
    assert (caught.value.field, caught.value.reason) == (
        "rule",
        "the rule set lacks the builtin rules inr, platelets",
    )


def test_a_rule_set_indexes_rows_by_drug_and_class() -> None:
    base = default_rules()
    only = tuple(row for row in base.holds if row.id in ("ssri-snri", "warfarin"))
    small = _ruleset(holds=only)
    assert small.holds_for("warfarin")[0].id == "warfarin"
    assert small.holds_for("sertraline")[0].id == "ssri-snri"
    assert small.holds_for("other", "ssri-snri")[0].id == "ssri-snri"
    assert small.holds_for("aspirin") == ()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_rules_takes_each_file_or_the_default(tmp_path: Path) -> None:
    policy = (
        (DATA / "policy.toml")
        .read_text(encoding="utf-8")
        .replace('value = "1.2"', 'value = "1.4"', 1)
    )
    custom = load_rules(policy=_write(tmp_path / "policy.toml", policy))
    assert custom.policy.inr_max == 1.4
    assert [r.id for r in custom.holds] == [r.id for r in default_rules().holds]
    holds = _write(tmp_path / "holds.toml", (DATA / "holds.toml").read_text(encoding="utf-8"))
    assert len(load_rules(holds=holds).holds) == len(default_rules().holds)


def test_load_rules_reports_a_broken_rule_set_as_a_catalog_error(tmp_path: Path) -> None:
    text = (DATA / "policy.toml").read_text(encoding="utf-8")
    start = text.index("[[setting]]", text.index('id = "inr-max"') - 20)
    cut = text.replace(text[start : text.index("[[setting]]", start + 5)], "", 1)
    with pytest.raises(CatalogError) as caught:
        load_rules(policy=_write(tmp_path / "policy.toml", cut))
    assert caught.value.file == "<rule set>"
    assert caught.value.field == "setting"
    assert "missing settings: inr_max" in str(caught.value)
    rules = (
        (DATA / "rules.toml")
        .read_text(encoding="utf-8")
        .replace('conditions = ["patient-refusal"]', 'conditions = ["patient-refusl"]', 1)
    )
    with pytest.raises(CatalogError) as caught:
        load_rules(rules=_write(tmp_path / "rules.toml", rules))
    assert caught.value.field == "conditions"
    assert "unknown code 'patient-refusl'" in str(caught.value)


def test_vocabulary_codes_must_be_unique(tmp_path: Path) -> None:
    text = (DATA / "vocabulary.toml").read_text(encoding="utf-8")
    first = text.index("[[condition]]")
    block = text[first : text.index("[[condition]]", first + 5)]
    with pytest.raises(CatalogError) as caught:
        load_rules(vocabulary=_write(tmp_path / "vocabulary.toml", text + "\n" + block))
    assert "code" in str(caught.value) or "duplicate" in str(caught.value)
    first = text.index("[[device]]")
    end = text.find("[[", first + 5)
    block = text[first : end if end != -1 else len(text)]
    with pytest.raises(CatalogError):
        load_rules(vocabulary=_write(tmp_path / "vocabulary.toml", text + "\n" + block))


def test_a_loaded_rule_set_keeps_its_settings(fresh: rl.RuleSet) -> None:
    assert len(fresh.settings) == len(_raw("policy.toml")["setting"])
    assert fresh.settings[0].id == "inr-max"
