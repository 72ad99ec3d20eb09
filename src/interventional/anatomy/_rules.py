"""Atlas rules: compact records that generate the structures and edges that repeat by level.

A rule iterates over a range of segments, vertebral levels or spinal nerves (or over a list
of values) and, for each step and each side, fills in templates of structures and edges.
For instance one rule makes every lumbar facet joint and names its two medial-branch
sources. Templates use ``str.format`` placeholders; which ones exist depends on ``over``:

===========  ===========================================================================
``over``     placeholders
===========  ===========================================================================
segment      ``segment``, ``upper``, ``lower``, ``region``, ``nerve`` (the nerve that
             exits through the segment's foramen), ``nerve_above`` (the one that exits a
             segment higher), ``side``
level        ``level``, ``next``, ``previous``, ``region``, ``side``
nerve        ``nerve``, ``level`` (see :func:`~interventional.anatomy.structures.nerve_level`),
             ``foramen``, ``region``, ``side``
value        ``value``, ``side``
once         ``side`` (one step: a paired structure written once for both sides)
===========  ===========================================================================

The exiting-nerve placeholders are computed by :func:`~interventional.anatomy.levels.exiting_nerve`
and :func:`~interventional.anatomy.levels.foramen_of`, the one home of the foramen rule.

Examples
--------
>>> from interventional._data import loads_records
>>> text = '''
... [[rule]]
... id = "demo"
... over = "segment"
... first = "L3-L4"
... last = "L4-L5"
... sides = ["left"]
... references = ["BOGDUK"]
... structures = [{ id = "facet-joint:{segment}:{side}", name = "{side} {segment} facet joint", level = "{segment}" }]
... edges = [{ subject = "medial-branch:{nerve_above}:{side}", relation = "innervates", object = "facet-joint:{segment}:{side}" }]
... '''
>>> (rule,) = loads_records(text, Rule, table="rule")
>>> structures, edges = expand(rule)
>>> [s.id for s in structures]
['facet-joint:L3-L4:left', 'facet-joint:L4-L5:left']
>>> [(e.subject, e.object) for e in edges]
[('medial-branch:L2:left', 'facet-joint:L3-L4:left'), ('medial-branch:L3:left', 'facet-joint:L4-L5:left')]
"""

from __future__ import annotations

import functools
import operator
import string
from collections.abc import Callable, Mapping

import attrs

from interventional.anatomy.levels import (
    Segment,
    Side,
    SpinalNerveLevel,
    VertebralLevel,
    exiting_nerve,
    foramen_of,
)
from interventional.anatomy.relations import Relation
from interventional.anatomy.structures import (
    Edge,
    Structure,
    StructureKind,
    nerve_level,
    to_level_or_segment,
)
from interventional.errors import ValidationError
from interventional.references import Reference, to_references

__all__ = ["Dermatome", "EdgeTemplate", "Rule", "StructureTemplate", "expand"]

PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "segment": frozenset({"segment", "upper", "lower", "region", "nerve", "nerve_above", "side"}),
    "level": frozenset({"level", "next", "previous", "region", "side"}),
    "nerve": frozenset({"nerve", "level", "foramen", "region", "side"}),
    "value": frozenset({"value", "side"}),
    "once": frozenset({"side"}),
}


@functools.cache
def _fields(template: str) -> frozenset[str]:
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)
    except ValueError as error:
        raise ValidationError("template", f"{template!r}: {error}") from None


def _to_relation(value: Relation | str) -> Relation:
    return Relation.parse(value, field="relation")


def _to_side(value: Side | str) -> Side:
    return Side.parse(value, field="sides")


def _to_sides(values: tuple[Side | str, ...] | list[Side | str]) -> tuple[Side, ...]:
    return tuple(_to_side(value) for value in values)


@attrs.frozen(slots=True)
class StructureTemplate:
    """A structure made at each step of a rule: ``id``, ``name`` and ``level`` are templates."""

    id: str
    name: str
    level: str = ""
    references: tuple[Reference, ...] = attrs.field(default=(), converter=to_references)
    note: str | None = None


@attrs.frozen(slots=True)
class EdgeTemplate:
    """An edge made at each step of a rule: ``subject`` and ``object`` are id templates."""

    subject: str
    relation: Relation = attrs.field(converter=_to_relation)
    object: str
    references: tuple[Reference, ...] = attrs.field(default=(), converter=to_references)
    note: str | None = None


@attrs.frozen(slots=True)
class Rule:
    """A compact rule of the atlas (one ``[[rule]]`` record of ``anatomy/data/rules.toml``).

    Parameters
    ----------
    id : str
        The rule's name, used in error messages.
    over : str
        ``"segment"``, ``"level"``, ``"nerve"``, ``"value"`` or ``"once"``.
    first, last : str, optional
        The first and last segment, level or nerve of the range (inclusive).
    values : sequence of str, optional
        What ``over = "value"`` iterates over.
    sides : sequence of Side, optional
        Repeat every step for these sides (``{side}``); empty for midline structures.
    structures, edges : sequences of templates
        What each step makes.
    references : sequence of citation keys
        The sources for everything the rule makes (a template may give its own instead).
    note : str, optional
        Shown with the structures the rule makes, unless a template has its own note.
    """

    id: str
    over: str = attrs.field()
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    first: str | None = None
    last: str | None = None
    values: tuple[str, ...] = ()
    sides: tuple[Side, ...] = attrs.field(default=(), converter=_to_sides)
    structures: tuple[StructureTemplate, ...] = ()
    edges: tuple[EdgeTemplate, ...] = ()
    note: str | None = None

    @over.validator
    def _check_over(self, _: attrs.Attribute[str], value: str) -> None:
        if value not in PLACEHOLDERS:
            raise ValidationError(
                "over", f"{value!r} is not one of {', '.join(map(repr, PLACEHOLDERS))}"
            )

    def __attrs_post_init__(self) -> None:
        if not self.references:
            raise ValidationError("references", "a rule must cite at least one source")
        if self.over == "once":
            pass
        elif self.over == "value":
            if not self.values:
                raise ValidationError("values", "a rule over values needs a list of values")
        elif self.first is None or self.last is None:
            raise ValidationError("first", f"a rule over {self.over}s needs 'first' and 'last'")
        else:
            steps = _range(self.over, self.first, self.last)
            if not steps:
                raise ValidationError("last", f"{self.last} comes before {self.first}")
        allowed = PLACEHOLDERS[self.over] - (set() if self.sides else {"side"})
        for template in self.structures:
            for field in ("id", "name", "level"):
                self._check_template(getattr(template, field), allowed, f"structures.{field}")
        for edge in self.edges:
            for field in ("subject", "object"):
                self._check_template(getattr(edge, field), allowed, f"edges.{field}")

    @staticmethod
    def _check_template(template: str, allowed: frozenset[str], field: str) -> None:
        unknown = _fields(template) - allowed
        if unknown:
            raise ValidationError(
                field,
                f"{template!r} uses {', '.join(sorted(unknown))}; "
                f"this rule offers {', '.join(sorted(allowed))}",
            )


def _to_nerve(value: SpinalNerveLevel | str) -> SpinalNerveLevel:
    return SpinalNerveLevel.parse(value)


def _to_areas(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(slots=True)
class Dermatome:
    """The classic skin landmark of one spinal nerve's dermatome."""

    nerve: SpinalNerveLevel = attrs.field(converter=_to_nerve)
    areas: tuple[str, ...] = attrs.field(converter=_to_areas)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)


def _sequence(over: str) -> tuple[object, ...]:
    """What a rule over ``over`` steps through, in order."""
    if over == "segment":
        return Segment.all()
    if over == "level":
        return VertebralLevel.all()
    return _nerves()


@functools.cache
def _nerves() -> tuple[SpinalNerveLevel, ...]:
    return SpinalNerveLevel.all()


@functools.cache
def _span(over: str, first: str, last: str) -> range:
    """The places in :func:`_sequence` of the steps from ``first`` to ``last``."""
    if over == "segment":
        return range(Segment.parse(first).index, Segment.parse(last).index + 1)
    if over == "level":
        return range(VertebralLevel.parse(first).index, VertebralLevel.parse(last).index + 1)
    nerves = _nerves()
    return range(
        nerves.index(SpinalNerveLevel.parse(first)), nerves.index(SpinalNerveLevel.parse(last)) + 1
    )


def _range(over: str, first: str, last: str) -> tuple[object, ...]:
    span = _span(over, first, last)
    return _sequence(over)[span.start : span.stop]


def _steps(rule: Rule) -> tuple[Mapping[str, str], ...]:
    """The placeholder values of each step of a rule, side by side within a step."""
    sides = tuple(side.value for side in rule.sides)
    if rule.over == "once":
        return _with_sides(({},), sides)
    if rule.over == "value":
        return _with_sides(tuple(_placeholders(value) for value in rule.values), sides)
    assert rule.first is not None
    assert rule.last is not None
    return _range_steps(rule.over, rule.first, rule.last, sides)


@functools.cache
def _range_steps(
    over: str, first: str, last: str, sides: tuple[str, ...]
) -> tuple[Mapping[str, str], ...]:
    """The steps of a rule over a range (cached: many rules share a range and sides)."""
    return _with_sides(_range_placeholders(over, first, last), sides)


def _with_sides(
    steps: tuple[Mapping[str, str], ...], sides: tuple[str, ...]
) -> tuple[Mapping[str, str], ...]:
    if not sides:
        return steps
    return tuple({**base, "side": side} for base in steps for side in sides)


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _range_placeholders(over: str, first: str, last: str) -> tuple[Mapping[str, str], ...]:
    """The placeholder values of each step of a range."""
    return tuple(_placeholders_at(over, place) for place in _span(over, first, last))


@functools.cache
def _placeholders_at(over: str, place: int) -> Mapping[str, str]:
    """The placeholder values of a step, cached by its place (ranges overlap)."""
    return _placeholders(_sequence(over)[place])


def _placeholders(item: object) -> Mapping[str, str]:
    """The placeholder values of one step; those without a value are left out."""
    return {name: value for name, value in _all_placeholders(item).items() if value is not None}


def _all_placeholders(item: object) -> dict[str, str | None]:
    if item is None:
        return {}
    if isinstance(item, Segment):
        above = exiting_nerve(Segment.all()[item.index - 1]) if item.index > 0 else None
        return {
            "segment": str(item),
            "upper": str(item.upper),
            "lower": str(item.lower),
            "region": item.region.value,
            "nerve": exiting_nerve(item),
            "nerve_above": above,
        }
    if isinstance(item, VertebralLevel):
        last = item.index + 1 >= len(VertebralLevel.all())
        return {
            "level": str(item),
            "next": None if last else str(item.next()),
            "previous": None if item.index == 0 else str(item.previous()),
            "region": item.region.value,
        }
    if isinstance(item, SpinalNerveLevel):
        return {
            "nerve": str(item),
            "level": str(nerve_level(item)),
            "foramen": _text(foramen_of(item)),
            "region": item.region.value,
        }
    return {"value": str(item)}


def _fill(template: str, values: Mapping[str, str], rule: Rule, field: str) -> str:
    try:
        return template.format_map(values)
    except KeyError:
        missing = sorted(_fields(template) - set(values))
        where = ", ".join(f"{k}={v}" for k, v in values.items())
        raise ValidationError(
            field, f"rule {rule.id!r}: {', '.join(missing)} has no value at {where}"
        ) from None


_KINDS = {kind.value: kind for kind in StructureKind}


def _kind_of(structure_id: str) -> StructureKind:
    prefix = structure_id.split(":", 1)[0]
    kind = _KINDS.get(prefix)
    return kind if kind is not None else StructureKind.parse(prefix, field="kind")


def expand(rule: Rule) -> tuple[tuple[Structure, ...], tuple[Edge, ...]]:
    """Make the structures and edges of one rule.

    Raises
    ------
    ValidationError
        When a template needs a placeholder that has no value at some step (e.g. the exiting
        nerve of a sacral segment), or makes an invalid structure.
    """
    try:
        return _expand(rule)
    except KeyError:
        # A placeholder without a value at some step: expand again, slowly, for the message.
        return _expand_checked(rule)


def _expand(rule: Rule) -> tuple[tuple[Structure, ...], tuple[Edge, ...]]:
    """:func:`expand` without the per-field error messages (a KeyError for a missing value).

    Each distinct template of the rule is filled in once a step, and each structure is made
    with :meth:`Structure._trusted`, which checks only the filled-in id: the templates,
    references and notes were validated by the loader (``Rule``), and the level is read
    here as the constructor would read it.
    """
    slots: dict[str, int] = {}  # each distinct template, and its place in a step's texts

    def slot(template: str) -> int:
        return slots.setdefault(template, len(slots))

    structure_plan = [
        (
            slot(template.id),
            _literal_kind(template.id),
            slot(template.name),
            slot(template.level),
            template.references or rule.references,
            template.note or rule.note,
        )
        for template in rule.structures
    ]
    edge_plan = [
        (
            slot(edge.subject),
            edge.relation,
            slot(edge.object),
            edge.references or rule.references,
            edge.note,
        )
        for edge in rule.edges
    ]
    fillers = [_filler(template) for template in slots]
    levels: dict[str, VertebralLevel | Segment | None] = {}
    structures: list[Structure] = []
    edges: list[Edge] = []
    make_structure = Structure._trusted
    make_edge = Edge._trusted
    for values in _steps(rule):
        texts = [fill(values) for fill in fillers]
        for id_slot, kind, name_slot, level_slot, references, note in structure_plan:
            structure_id = texts[id_slot]
            level_text = texts[level_slot]
            if level_text in levels:
                level = levels[level_text]
            else:
                level = levels[level_text] = to_level_or_segment(level_text)
            structures.append(
                make_structure(
                    structure_id,
                    _kind_of(structure_id) if kind is None else kind,
                    texts[name_slot],
                    level,
                    references,
                    note,
                )
            )
        for subject_slot, relation, object_slot, references, note in edge_plan:
            edges.append(
                make_edge(texts[subject_slot], relation, texts[object_slot], references, note)
            )
    return tuple(structures), tuple(edges)


def _filler(template: str) -> Callable[[Mapping[str, str]], str]:
    """What fills ``template`` in from a step's values, as ``template.format_map`` would.

    A template that is one placeholder and nothing else (``"{segment}"``) is the value
    itself: it is looked up rather than formatted. Either raises KeyError for a missing value.
    """
    name = template[1:-1]
    if template[:1] == "{" and template[-1:] == "}" and name.isidentifier():
        return operator.itemgetter(name)
    return template.format_map


def _literal_kind(template: str) -> StructureKind | None:
    """The kind of every id an id template makes, when its first part has no placeholder."""
    prefix = template.split(":", 1)[0]
    return None if "{" in prefix or "}" in prefix else _KINDS.get(prefix)


def _expand_checked(rule: Rule) -> tuple[tuple[Structure, ...], tuple[Edge, ...]]:
    """:func:`expand` through the public constructors, naming the template of any error."""
    structures: list[Structure] = []
    edges: list[Edge] = []
    for values in _steps(rule):
        for template in rule.structures:
            structure_id = _fill(template.id, values, rule, "structures.id")
            structures.append(
                Structure(
                    structure_id,
                    _kind_of(structure_id),
                    _fill(template.name, values, rule, "structures.name"),
                    level=_fill(template.level, values, rule, "structures.level"),
                    references=template.references or rule.references,
                    note=template.note or rule.note,
                )
            )
        for edge in rule.edges:
            edges.append(
                Edge._trusted(
                    _fill(edge.subject, values, rule, "edges.subject"),
                    edge.relation,
                    _fill(edge.object, values, rule, "edges.object"),
                    edge.references or rule.references,
                    edge.note,
                )
            )
    return tuple(structures), tuple(edges)
