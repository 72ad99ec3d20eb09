"""The codes the exchange layers read beside those of the records they name (``data/concepts.toml``).

Drugs, labs, conditions and devices carry their own codes in the data files of the layers
that own them; what is here has no other home: the observations of two patient fields
(body weight, pregnancy status), the codes that say a patient is or is not pregnant, the
WHO ATC group of the antithrombotic agents, and the SNOMED CT laterality qualifiers. Both
:mod:`interventional.fhir` and :mod:`interventional.cohort` read them from here (one copy,
in the foundation below both).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

import attrs

from interventional._data import DataSource, load_records
from interventional._enums import ParsableEnum
from interventional.codes import Codes, CodeSystem, find_code, index_codes, to_codes
from interventional.errors import CatalogError, ValidationError

__all__ = ["Concept", "ConceptRecord", "answer_of", "concept_of", "concepts", "load_concepts"]


class Concept(ParsableEnum):
    """The concepts of ``concepts.toml`` (one record each)."""

    BODY_WEIGHT = "body-weight"
    PREGNANCY_STATUS = "pregnancy-status"
    PREGNANT = "pregnant"
    NOT_PREGNANT = "not-pregnant"
    PREGNANCY_UNKNOWN = "pregnancy-unknown"
    ANTITHROMBOTIC_AGENTS = "antithrombotic-agents"
    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"


def _to_concept(value: Any) -> Concept:
    return Concept.parse(value, field="name")


def _to_groups(value: object) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple):
        raise ValidationError("atc_groups", f"expected a list of ATC groups, got {value!r}")
    out = []
    for item in values:
        if not isinstance(item, str) or not item.isalnum() or not item[:1].isalpha():
            raise ValidationError("atc_groups", f"{item!r} is not an ATC group such as 'B01'")
        out.append(item.upper())
    return tuple(out)


_ANSWER = re.compile(r"LA[0-9]{1,7}-[0-9]")


def _to_answers(value: object) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple):
        raise ValidationError("loinc_answers", f"expected a list of answer codes, got {value!r}")
    for item in values:
        if not isinstance(item, str) or not _ANSWER.fullmatch(item):
            raise ValidationError(
                "loinc_answers", f"{item!r} is not a LOINC answer code such as 'LA15173-0'"
            )
    return tuple(values)


@attrs.frozen(slots=True)
class ConceptRecord:
    """One ``[[concept]]`` record: a concept and its standard codes, with their sources."""

    name: Concept = attrs.field(converter=_to_concept)
    display_name: str
    codes: Codes = attrs.field(converter=to_codes, repr=False)
    atc_groups: tuple[str, ...] = attrs.field(default=(), converter=_to_groups, kw_only=True)
    loinc_answers: tuple[str, ...] = attrs.field(default=(), converter=_to_answers, kw_only=True)
    note: str | None = attrs.field(default=None, repr=False, kw_only=True)


_FILE = resources.files("interventional") / "data" / "concepts.toml"


def load_concepts(source: DataSource) -> tuple[ConceptRecord, ...]:
    """Load a concepts file (the schema of ``interventional/data/concepts.toml``).

    Raises
    ------
    CatalogError
        Naming file, record and field: a malformed code, a missing concept, or a code given
        to two concepts.
    """
    from interventional.codes import DuplicateCodeError

    records = load_records(source, ConceptRecord, table="concept", key="name")
    missing = [c.value for c in Concept if c not in {record.name for record in records}]
    if missing:
        raise CatalogError(str(source), None, "concept", f"no record for {', '.join(missing)}")
    try:
        index_codes((record.name.value, record.codes) for record in records)
    except DuplicateCodeError as error:
        raise CatalogError(
            str(source), f"concept {error.record!r}", error.field, error.reason
        ) from None
    return records


@attrs.frozen(slots=True)
class _Concepts:
    by_name: Mapping[Concept, ConceptRecord]
    by_code: Mapping[tuple[CodeSystem, str], str]


@functools.cache
def _concepts() -> _Concepts:
    records = load_concepts(_FILE)
    return _Concepts(
        MappingProxyType({record.name: record for record in records}),
        MappingProxyType(index_codes((r.name.value, r.codes) for r in records)),
    )


def concepts() -> Mapping[Concept, ConceptRecord]:
    """Every concept's record, by :class:`Concept` (read once).

    Examples
    --------
    >>> concepts()[Concept.BODY_WEIGHT].codes.all("loinc")
    ('29463-7', '3141-9')
    """
    return _concepts().by_name


def answer_of(code: str) -> Concept | None:
    """The concept a LOINC answer code names, or ``None``.

    Examples
    --------
    >>> answer_of("LA26683-5")
    <Concept.NOT_PREGNANT: 'not-pregnant'>
    """
    for record in _concepts().by_name.values():
        if code in record.loinc_answers:
            return record.name
    return None


def concept_of(system: CodeSystem, code: str) -> Concept | None:
    """The concept a code names, or ``None`` (ICD-10-CM codes match a listed category).

    Examples
    --------
    >>> concept_of(CodeSystem.ICD10CM, "Z34.83")
    <Concept.PREGNANT: 'pregnant'>
    >>> concept_of(CodeSystem.LOINC, "6301-6") is None
    True
    """
    name, _ = find_code(_concepts().by_code, system, code)
    return None if name is None else Concept(name)
