"""Fuzzing the data loader with random and mutated TOML: catalogues, drug files, drug rules
(hold tables, rules, vocabulary, policy) and patient files.

The documented outcome of loading a bad file is :class:`~interventional.errors.CatalogError`
(naming file, record and field); nothing else may come out: no ``KeyError``, ``TypeError``,
``AttributeError``, pint error or bare ``ValueError``. And a failed load changes nothing
already loaded: the default atlas, catalogue, drug vocabulary and rule set are the same
objects, equal to what they were.
"""

# ruff: noqa: PT017 (fuzzing: an error is one allowed outcome among others, checked in place)
from __future__ import annotations

import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from interventional.errors import CatalogError

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# A rule set loads four files: fewer examples keep the default run short.
SLOW = {"holds", "rules", "vocabulary", "policy"}


def _budget(name: str) -> settings:
    return settings(FUZZ, max_examples=10 if name in SLOW else 30)


def _text(package: str, name: str) -> str:
    return (resources.files(package) / "data" / name).read_text(encoding="utf-8")


def _load_with(loader: Callable[[Path], Any]) -> Callable[[str], Any]:
    def load(text: str) -> Any:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "fuzzed.toml"
            path.write_text(text, encoding="utf-8")
            return loader(path)

    return load


def _catalogue(text: str) -> Any:
    from interventional.procedures import Catalog

    return Catalog.from_toml(text, source="fuzzed.toml")


def _drugs(path: Path) -> Any:
    from interventional.pharmacology import load_drugs

    return load_drugs(path)


def _holds(path: Path) -> Any:
    from interventional.safety import load_rules

    return load_rules(holds=path)


def _rules(path: Path) -> Any:
    from interventional.safety import load_rules

    return load_rules(rules=path)


def _vocabulary(path: Path) -> Any:
    from interventional.safety import load_rules

    return load_rules(vocabulary=path)


def _policy(path: Path) -> Any:
    from interventional.safety import load_rules

    return load_rules(policy=path)


def _patients(path: Path) -> Any:
    from interventional.safety import load_patients

    return load_patients(path)


def _limits(path: Path) -> Any:
    from interventional.pharmacology import load_local_anesthetic_limits

    return load_local_anesthetic_limits(path)


EXAMPLE_PATIENT = (Path(__file__).parents[2] / "examples" / "patient.toml").read_text(
    encoding="utf-8"
)

# (name, original text, loader taking text)
TARGETS: list[tuple[str, str, Callable[[str], Any]]] = [
    ("catalogue", _text("interventional.procedures", "cranial.toml"), _catalogue),
    ("catalogue-spine", _text("interventional.procedures", "spine.toml"), _catalogue),
    ("drugs", _text("interventional.pharmacology", "drugs.toml"), _load_with(_drugs)),
    (
        "local-anesthetics",
        _text("interventional.pharmacology", "local_anesthetics.toml"),
        _load_with(_limits),
    ),
    ("holds", _text("interventional.safety", "holds.toml"), _load_with(_holds)),
    ("rules", _text("interventional.safety", "rules.toml"), _load_with(_rules)),
    ("vocabulary", _text("interventional.safety", "vocabulary.toml"), _load_with(_vocabulary)),
    ("policy", _text("interventional.safety", "policy.toml"), _load_with(_policy)),
    ("patient", EXAMPLE_PATIENT, _load_with(_patients)),
]
IDS = [name for name, _, _ in TARGETS]

# Values a mutation writes after `key = `: wrong types, wrong units, bad levels, odd TOML.
VALUES = [
    '""',
    '"x"',
    "0",
    "-1",
    "1e400",
    "nan",
    "inf",
    "true",
    "[]",
    "{}",
    "[1, 2]",
    '["x"]',
    "[[]]",
    '"3 kg"',
    '"-5 mg"',
    '"nan mL"',
    '"10 furlongs"',
    '"L9"',
    '"L5-L3"',
    '"C7-T1"',
    '"left"',
    '"unknown-drug"',
    "2026-01-01",
    "2026-01-01T08:00:00",
    "08:00:00",
    '{ action = "hold" }',
    '"\\u0000"',
    '"' + "x" * 300 + '"',
]


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """The original TOML with one to three random edits (lines, values, bytes)."""
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        edit = draw(st.sampled_from(["value", "delete", "duplicate", "insert", "chars", "key"]))
        if edit == "value" and "=" in line:
            key = line.split("=", 1)[0]
            lines[index] = f"{key}= {draw(st.sampled_from(VALUES))}"
        elif edit == "key" and "=" in line:
            value = line.split("=", 1)[1]
            lines[index] = (
                f"{draw(st.sampled_from(['id', 'x', 'drugs', 'levels', 'age']))} ={value}"
            )
        elif edit == "delete":
            del lines[index]
        elif edit == "duplicate":
            lines.insert(index, line)
        elif edit == "insert":
            lines.insert(index, draw(st.text(max_size=40)))
        else:
            cut = draw(st.integers(0, len(line)))
            lines[index] = line[:cut] + draw(st.text(max_size=5)) + line[cut:]
    return "\n".join(lines) + "\n"


def _snapshot() -> tuple[Any, ...]:
    from interventional.anatomy import default_atlas
    from interventional.pharmacology import drugs
    from interventional.procedures import default_catalog
    from interventional.safety import default_rules

    return (default_atlas(), default_catalog(), drugs(), default_rules())


def _only_documented_errors(load: Callable[[str], Any], text: str) -> None:
    before = _snapshot()
    try:
        load(text)
    except CatalogError as error:
        assert str(error)  # the message renders
        assert error.file
    after = _snapshot()
    assert all(a is b for a, b in zip(before, after, strict=True))  # nothing reloaded
    assert dict(after[2]) == dict(before[2])
    assert list(after[1]) == list(before[1])


@pytest.mark.parametrize(("name", "original", "load"), TARGETS, ids=IDS)
def test_the_unmutated_files_load(name: str, original: str, load: Callable[[str], Any]) -> None:
    assert load(original)


@pytest.mark.parametrize(("name", "original", "load"), TARGETS, ids=IDS)
def test_mutated_files_raise_only_catalog_errors(
    name: str, original: str, load: Callable[[str], Any]
) -> None:
    @_budget(name)
    @given(mutated(original))
    def check(text: str) -> None:
        _only_documented_errors(load, text)

    check()


TOML_ATOMS = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["3 kg", "10 mg", "L4-L5", "left", "fluoroscopy", "7 day", "N2018"]),
)
FIELDS = st.sampled_from(
    [
        "id",
        "name",
        "drug",
        "drugs",
        "levels",
        "side",
        "modalities",
        "bleeding_risk",
        "references",
        "age",
        "weight",
        "value",
        "hold",
        "verdict",
        "message",
        "code",
        "description",
        "drug_class",
        "x",
    ]
)


@st.composite
def random_records(draw: st.DrawFn, table: str) -> str:
    """Random TOML documents with an array of tables of random fields."""
    import tomli_w

    record = st.dictionaries(
        FIELDS, st.one_of(TOML_ATOMS, st.lists(TOML_ATOMS, max_size=3)), max_size=6
    )
    document = {table: draw(st.lists(record, max_size=3))}
    try:
        return tomli_w.dumps(document)
    except (TypeError, ValueError):  # e.g. NaN or a mixed array tomli-w will not write
        return f"[[{table}]]\n"


RANDOM_TARGETS = [
    ("catalogue", "procedure", _catalogue),
    ("drugs", "drug", _load_with(_drugs)),
    ("holds", "hold", _load_with(_holds)),
    ("rules", "rule", _load_with(_rules)),
    ("policy", "setting", _load_with(_policy)),
    ("patient", "patient", _load_with(_patients)),
]


@pytest.mark.parametrize(
    ("name", "table", "load"), RANDOM_TARGETS, ids=[n for n, _, _ in RANDOM_TARGETS]
)
def test_random_records_raise_only_catalog_errors(
    name: str, table: str, load: Callable[[str], Any]
) -> None:
    @_budget(name)
    @given(random_records(table))
    def check(text: str) -> None:
        _only_documented_errors(load, text)

    check()


@FUZZ
@given(st.text(max_size=200))
@example("")
@example("[[procedure]]")
@example("procedure = 3")
@example("[[procedure]]\nid = 1\n")
@example("\x00")
@example("a = 'unterminated")
def test_random_text_raises_only_catalog_errors(text: str) -> None:
    _only_documented_errors(_catalogue, text)
    _only_documented_errors(_load_with(_patients), text)


def test_a_missing_or_unreadable_file_is_a_catalog_error(tmp_path: Path) -> None:
    from interventional.safety import load_patients, load_rules

    with pytest.raises(CatalogError):
        load_patients(tmp_path / "missing.toml")
    with pytest.raises(CatalogError):
        load_rules(holds=tmp_path)  # a folder
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[[patient]]\nid = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(CatalogError):
        load_patients(bad)
