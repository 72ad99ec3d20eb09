"""Where a planned procedure's needle goes: its target rules resolved in the atlas.

:func:`resolve_targets` turns a procedure's target rules (``Procedure.target_rules``) into
atlas structures at given levels and side. The catalogue uses it to list what each
procedure can reach and a plan to find its targets, so it lives here, below both
(``catalog`` and ``plan`` import it; neither imports the other at import time).

Examples
--------
>>> from interventional.anatomy.levels import Segment, Side
>>> from interventional.procedures import default_catalog
>>> mbb = default_catalog()["lumbar-medial-branch-block"]
>>> [s.id for s in resolve_targets(mbb, [Segment.parse("L4-L5")], Side.LEFT)]
['medial-branch:L3:left', 'medial-branch:L4:left']
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from interventional.anatomy.levels import Segment, Side, VertebralLevel, exiting_nerve
from interventional.errors import PlanError, UnknownStructureError, suggest
from interventional.procedures.model import Level, Procedure, TargetRule

if TYPE_CHECKING:
    from interventional.anatomy.atlas import Atlas
    from interventional.anatomy.structures import Structure

__all__ = ["resolve_targets"]


def _sides(side: Side | None) -> tuple[Side | None, ...]:
    if side is Side.BILATERAL:
        return (Side.LEFT, Side.RIGHT)
    return (side,)


def _substitutions(
    level: Level | None, side: Side | None, target: str | None = None
) -> dict[str, str]:
    values: dict[str, str] = {}
    if target is not None:
        values["target"] = target
    if side is not None and side.lateral:
        values["side"] = side.value
    if isinstance(level, Segment):
        values["segment"] = str(level)
        values["upper"] = str(level.upper)
        values["lower"] = str(level.lower)
        nerve = exiting_nerve(level)
        if nerve is not None:
            values["nerve"] = nerve
        values["region"] = level.region.value
    elif isinstance(level, VertebralLevel):
        values["level"] = str(level)
        values["region"] = level.region.value
    return values


def _resolve_rule(
    atlas: Atlas, rule: TargetRule, values: Mapping[str, str], procedure_id: str
) -> list[Structure]:
    missing = rule.placeholders - set(values)
    if missing:
        raise PlanError(
            "levels",
            f"cannot resolve the target {rule.anchor!r} of {procedure_id}: "
            f"no {', '.join(sorted(missing))} for this level",
        )
    anchor = rule.anchor.format_map(values)
    try:
        structure = atlas[anchor]
    except UnknownStructureError:
        if rule.needs_target:
            raise PlanError(
                "target",
                f"the atlas has no {anchor!r}; choose a {' or '.join(rule.kinds)} of the atlas",
                suggest(values["target"], _target_choices(atlas, rule, values)),
            ) from None
        raise PlanError(
            "levels", f"the atlas has no {anchor!r} (target of {procedure_id}) for this plan"
        ) from None
    if rule.relation is None:
        if rule.kinds and structure.kind.value not in rule.kinds:
            raise PlanError(
                "target",
                f"{anchor!r} is a {structure.kind.value}, not a {' or '.join(rule.kinds)}",
            )
        return [structure]
    relation = rule.relation
    direction: Literal["in", "out"] = "in" if rule.direction == "in" else "out"
    related = atlas.related(anchor, relation, direction=direction)
    found = [s for s in related if not rule.kinds or s.kind.value in rule.kinds]
    if not found:
        raise PlanError(
            "levels",
            f"the atlas gives no {'/'.join(rule.kinds) or 'structure'} that "
            f"{relation.value} {anchor!r} (target of {procedure_id})",
        )
    return sorted(found, key=_structure_order)


def _structure_order(structure: Structure) -> tuple[int, str]:
    level = structure.level
    return (-1 if level is None else level.index, structure.id)


def _target_choices(atlas: Atlas, rule: TargetRule, values: Mapping[str, str]) -> list[str]:
    """The values of ``{target}`` that make the rule's anchor an atlas structure."""
    pattern = ""
    for literal, name, _, _ in string.Formatter().parse(rule.anchor):
        pattern += re.escape(literal)
        if name == "target":
            pattern += "(?P<target>.+)"
        elif name:
            pattern += re.escape(values.get(name, ""))
    compiled = re.compile(f"^{pattern}$")
    choices: list[str] = []
    for structure in atlas.values():
        if structure.kind.value in rule.kinds:
            match = compiled.match(structure.id)
            if match is not None and match.group("target") not in choices:
                choices.append(match.group("target"))
    return choices


def resolve_targets(
    procedure: Procedure,
    levels: Sequence[Level],
    side: Side | None,
    atlas: Atlas | None = None,
    *,
    target: str | None = None,
) -> tuple[Structure, ...]:
    """Resolve a procedure's target rules at the given levels and side.

    Parameters
    ----------
    procedure : Procedure
    levels : sequence of Segment or VertebralLevel
        Already validated levels (may be empty).
    side : Side or None
        ``BILATERAL`` resolves both sides.
    atlas : Atlas, optional
        The atlas to resolve in (the default atlas when omitted).

    Returns
    -------
    tuple of Structure
        In level order, then rule order, then side; without duplicates.

    Raises
    ------
    PlanError
        When the atlas holds no structure for a rule at one of the levels.
    """
    if atlas is None:
        return _resolve_default(procedure, tuple(levels), side, target)
    return _resolve(atlas, procedure, tuple(levels), side, target)


@functools.cache
def _resolve_default(
    procedure: Procedure, levels: tuple[Level, ...], side: Side | None, target: str | None
) -> tuple[Structure, ...]:
    from interventional.anatomy.atlas import default_atlas

    return _resolve(default_atlas(), procedure, levels, side, target)


def _resolve(
    atlas: Atlas,
    procedure: Procedure,
    levels: tuple[Level, ...],
    side: Side | None,
    target: str | None,
) -> tuple[Structure, ...]:
    found: dict[str, Structure] = {}
    for level in levels or (None,):
        for rule in procedure.target_rules:
            for each_side in _sides(side):
                if rule.needs_level and level is None:
                    continue
                for structure in _resolve_rule(
                    atlas, rule, _substitutions(level, each_side, target), procedure.id
                ):
                    found.setdefault(structure.id, structure)
    return tuple(found.values())
