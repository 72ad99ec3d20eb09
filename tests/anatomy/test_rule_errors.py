"""A user's atlas rule that cannot work is refused with the field at fault and the reason.

Each error a rule record can raise (when it is loaded, and when a template is filled in at
a step) is checked for its exact field and words: a user fixing a rules file reads them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from interventional._data import loads_records
from interventional.anatomy._rules import Rule, expand
from interventional.errors import CatalogError, ValidationError


def _rule(body: str) -> str:
    return f'[[rule]]\nid = "bad"\nreferences = ["BOGDUK"]\n{body}\n'


def _load_error(text: str) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        loads_records(text, Rule, table="rule", source="rules.toml")
    assert caught.value.file == "rules.toml"
    assert caught.value.record == "rule 'bad'"
    return caught.value


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ('over = "value"', "values", "a rule over values needs a list of values"),
        ('over = "value"\nvalues = []', "values", "a rule over values needs a list of values"),
        ('over = "segment"', "first", "a rule over segments needs 'first' and 'last'"),
        (
            'over = "segment"\nfirst = "L1-L2"',
            "first",
            "a rule over segments needs 'first' and 'last'",
        ),
        ('over = "level"\nlast = "L5"', "first", "a rule over levels needs 'first' and 'last'"),
        ('over = "nerve"\nfirst = "L5"\nlast = "L1"', "last", "L1 comes before L5"),
    ],
)
def test_a_rule_without_its_range_or_values(body: str, field: str, reason: str) -> None:
    error = _load_error(_rule(body))
    assert error.field == field
    assert reason in str(error)


def test_a_rule_must_cite_a_source() -> None:
    error = _load_error(_rule('over = "once"').replace('["BOGDUK"]', "[]"))
    assert error.field == "references"
    assert "a rule must cite at least one source" in str(error)


TEMPLATES = {
    "structures.id": 'structures = [{ id = "%s", name = "x", level = "L4" }]',
    "structures.name": 'structures = [{ id = "facet-joint:L4-L5", name = "%s", level = "L4" }]',
    "structures.level": 'structures = [{ id = "facet-joint:L4-L5", name = "x", level = "%s" }]',
    "edges.subject": (
        'edges = [{ subject = "%s", relation = "innervates", object = "facet-joint:L4-L5" }]'
    ),
    "edges.object": (
        'edges = [{ subject = "medial-branch:L3", relation = "innervates", object = "%s" }]'
    ),
}


@pytest.mark.parametrize("field", sorted(TEMPLATES))
def test_a_placeholder_the_rule_does_not_offer_names_its_template(field: str) -> None:
    body = 'over = "level"\nfirst = "L3"\nlast = "L4"\n' + TEMPLATES[field] % "x-{segment}"
    error = _load_error(_rule(body))
    assert error.field == field
    assert "'x-{segment}' uses segment; this rule offers level, next, previous, region" in str(
        error
    )


@pytest.mark.parametrize("field", sorted(TEMPLATES))
def test_side_is_offered_only_by_a_rule_with_sides(field: str) -> None:
    template = TEMPLATES[field] % "{level}-{side}"
    without = _load_error(_rule('over = "level"\nfirst = "L3"\nlast = "L4"\n' + template))
    assert without.field == field
    assert "uses side; this rule offers level, next, previous, region" in str(without)
    assert "region, side" not in str(without)
    (rule,) = loads_records(
        _rule('over = "level"\nfirst = "L3"\nlast = "L4"\nsides = ["left"]\n' + template),
        Rule,
        table="rule",
    )
    assert rule.sides


@pytest.mark.parametrize("field", sorted(TEMPLATES))
def test_a_placeholder_without_a_value_at_a_step_names_template_rule_and_step(
    field: str,
) -> None:
    # the level before C1 does not exist: {previous} has no value at the first step
    template = TEMPLATES[field] % "{previous}"
    (rule,) = loads_records(
        _rule('over = "level"\nfirst = "C1"\nlast = "C2"\n' + template), Rule, table="rule"
    )
    with pytest.raises(ValidationError) as caught:
        expand(rule)
    assert caught.value.field == field
    assert caught.value.reason.startswith("rule 'bad': previous has no value at level=C1")


# ----------------------------------------------------------------- building from data files


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the atlas data files that ``build_default_atlas`` reads instead."""
    from interventional.anatomy import atlas

    source = resources.files("interventional.anatomy") / "data"
    for name in ("structures.toml", "rules.toml", "targets.toml", "relations.toml", "xrefs.toml"):
        (tmp_path / name).write_text(source.joinpath(name).read_text("utf-8"), "utf-8")
    (tmp_path / "dermatomes.toml").write_text(
        source.joinpath("dermatomes.toml").read_text("utf-8"), "utf-8"
    )
    monkeypatch.setattr(atlas, "_data_folder", lambda: tmp_path)
    return tmp_path


def test_the_copy_builds_the_same_atlas_with_its_dermatomes(data_copy: Path) -> None:
    from interventional.anatomy.atlas import build_default_atlas, default_atlas

    built = build_default_atlas()
    assert set(built) == set(default_atlas())
    assert built.dermatome("spinal-nerve:L4:left") == default_atlas().dermatome(
        "spinal-nerve:L4:left"
    )
    assert built.dermatome("spinal-nerve:L4:left")


@pytest.mark.parametrize("name", ["rules.toml", "targets.toml"])
def test_a_rule_that_fails_at_a_step_names_file_rule_and_field(data_copy: Path, name: str) -> None:
    from interventional.anatomy.atlas import build_default_atlas

    with (data_copy / name).open("a", encoding="utf-8") as out:
        out.write(
            '\n[[rule]]\nid = "users-rule"\nover = "level"\nfirst = "C1"\nlast = "C2"\n'
            'references = ["BOGDUK"]\n'
            'edges = [{ subject = "vertebra:{previous}", relation = "adjacent-to", '
            'object = "vertebra:{level}" }]\n'
        )
    with pytest.raises(CatalogError) as caught:
        build_default_atlas()
    assert caught.value.file == str(data_copy / name)
    assert caught.value.record == "rule 'users-rule'"
    assert caught.value.field == "edges.subject"
    assert (
        caught.value.reason
        == "rule 'users-rule': previous has no value at level=C1, next=C2, region=cervical"
    )


def test_an_edge_to_nothing_names_the_data_folder_and_field(data_copy: Path) -> None:
    from interventional.anatomy.atlas import build_default_atlas

    with (data_copy / "relations.toml").open("a", encoding="utf-8") as out:
        out.write(
            '\n[[relation]]\nsubject = "sacrum"\nrelation = "part-of"\n'
            'object = "vertebral-colum"\nreferences = ["STATPEARLS"]\n'
        )
    with pytest.raises(CatalogError) as caught:
        build_default_atlas()
    assert caught.value.file == str(data_copy / "")
    assert caught.value.record is None
    assert caught.value.field is not None
    assert "vertebral-colum" in caught.value.reason
    assert caught.value.reason.startswith(f"{caught.value.field}: ")
