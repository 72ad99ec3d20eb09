"""Validated procedure plans: :class:`ProcedurePlan` and :func:`plan`.

A plan is one procedure at chosen levels, on a chosen side, under one guidance modality,
with the injectates to be given. Building a plan checks it against its procedure and
raises :class:`~interventional.errors.PlanError` naming the field that does not fit (with
the nearest valid value where one helps). Its :attr:`ProcedurePlan.targets` are structures
of the default atlas, resolved through the procedure's target rules.

Examples
--------
>>> from interventional.procedures import plan
>>> mbb = plan("lumbar-mbb", levels=["L4-L5"], side="left")
>>> [s.id for s in mbb.targets]
['medial-branch:L3:left', 'medial-branch:L4:left']
>>> mbb.modality
<Modality.FLUOROSCOPY: 'fluoroscopy'>
>>> plan("lumbar-mbb", levels=["L4-L5"])
Traceback (most recent call last):
...
interventional.errors.PlanError: side: lumbar-medial-branch-block is lateralized; give side='left', 'right' or 'bilateral'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from interventional.anatomy.levels import Region, Segment, Side, VertebralLevel
from interventional.errors import (
    PlanError,
    UnknownDrugError,
    ValidationError,
)
from interventional.imaging.modality import Modality
from interventional.pharmacology import Dose, Drug
from interventional.procedures.model import Level, Procedure, parse_level
from interventional.procedures.targets import _sides, _substitutions, resolve_targets
from interventional.units import as_positive_timedelta

if TYPE_CHECKING:
    from interventional.anatomy.structures import Structure
    from interventional.procedures.catalog import Catalog
    from interventional.units import Quantity

__all__ = ["ProcedurePlan", "UnknownInjectateError", "plan", "resolve_targets"]


class UnknownInjectateError(PlanError, UnknownDrugError):
    """A plan injectate whose drug the vocabulary does not hold.

    Both a :class:`~interventional.errors.PlanError` (a misfit plan, naming the field) and an
    :class:`~interventional.errors.UnknownDrugError` (a failed look-up with suggestions).

    Examples
    --------
    >>> error = UnknownInjectateError("injectates[0].drug", "lidocane", ("lidocaine",))
    >>> print(error)
    injectates[0].drug: unknown drug 'lidocane'; did you mean 'lidocaine'?
    >>> isinstance(error, KeyError), isinstance(error, ValueError)
    (True, True)
    """

    def __init__(self, field: str, name: str, suggestions: Iterable[str] = ()) -> None:
        # The two bases' __init__ chains would feed each other's messages; set the
        # attributes of both directly instead.
        self.field = field
        self.name = name
        self.reason = f"unknown drug {name!r}"
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        hint = ""
        if self.suggestions:
            hint = "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        self.message = f"{field}: {self.reason}{hint}"
        Exception.__init__(self, self.message)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.name, self.suggestions))


def _describe_levels(levels: Sequence[Level]) -> str:
    if not levels:
        return "none"
    names = [str(level) for level in levels]
    ordered = sorted(levels, key=lambda level: level.index)
    contiguous = all(b.index == a.index + 1 for a, b in itertools.pairwise(ordered))
    if contiguous and len(names) > 2:
        return f"{ordered[0]} to {ordered[-1]}"
    return ", ".join(str(level) for level in ordered)


def _nearest(level: Level, allowed: Sequence[Level]) -> tuple[str, ...]:
    best = min(allowed, key=lambda candidate: (abs(candidate.index - level.index), candidate.index))
    return (str(best),)


def _check_levels(procedure: Procedure, levels: Iterable[Level | str]) -> tuple[Level, ...]:
    if isinstance(levels, str | Segment | VertebralLevel):
        levels = [levels]
    parsed: list[Level] = []
    for index, value in enumerate(levels):
        try:
            parsed.append(parse_level(value, field=f"levels[{index}]"))
        except ValidationError as error:
            raise PlanError(error.field, error.reason, error.suggestions) from None
    pid = procedure.id
    if not procedure.levels:
        if parsed:
            raise PlanError("levels", f"{pid} is not planned by level; leave levels out")
        return ()
    kind = procedure.level_kind
    for index, level in enumerate(parsed):
        if not isinstance(level, kind):  # type: ignore[arg-type]
            example = procedure.levels[0]
            what = "segments" if kind is Segment else "vertebral levels"
            raise PlanError(
                f"levels[{index}]",
                f"{level} is not one of the {what} {pid} is planned at (e.g. '{example}')",
                [str(lv) for lv in procedure.levels if _overlaps(lv, level)][:3] or [str(example)],
            )
        if level not in procedure.levels:
            regions = ", ".join(sorted(r.value for r in procedure.regions))
            raise PlanError(
                f"levels[{index}]",
                f"{level} is outside the levels of {pid} ({regions}: "
                f"{_describe_levels(procedure.levels)})",
                _nearest(level, procedure.levels),
            )
    if len(set(parsed)) != len(parsed):
        twice = next(str(level) for level in parsed if parsed.count(level) > 1)
        raise PlanError("levels", f"{twice} is given twice")
    if not parsed and procedure.needs_levels:
        raise PlanError(
            "levels",
            f"{pid} needs at least one level; choose from {_describe_levels(procedure.levels)}",
        )
    if procedure.max_levels is not None and len(parsed) > procedure.max_levels:
        raise PlanError(
            "levels",
            f"{len(parsed)} levels given; {pid} allows at most {procedure.max_levels} per plan",
        )
    return tuple(sorted(parsed, key=lambda level: level.index))


def _overlaps(candidate: Level, level: Level) -> bool:
    if isinstance(candidate, Segment) and isinstance(level, VertebralLevel):
        return level in (candidate.upper, candidate.lower)
    if isinstance(candidate, VertebralLevel) and isinstance(level, Segment):
        return candidate in (level.upper, level.lower)
    return False


def _check_side(procedure: Procedure, side: Side | str | None) -> Side | None:
    if side is not None:
        try:
            side = Side.parse(side, field="side")
        except ValidationError as error:
            raise PlanError(error.field, error.reason, error.suggestions) from None
    pid = procedure.id
    if procedure.lateralized:
        if side is None or side is Side.MIDLINE:
            choices = (
                "'left', 'right' or 'bilateral'" if procedure.bilateral else "'left' or 'right'"
            )
            given = "" if side is None else " (not 'midline')"
            raise PlanError("side", f"{pid} is lateralized; give side={choices}{given}")
        if side is Side.BILATERAL and not procedure.bilateral:
            raise PlanError(
                "side",
                f"{pid} is done on one side at a time; give 'left' or 'right'",
                ("left", "right"),
            )
        return side
    if side is not None and side is not Side.MIDLINE:
        raise PlanError(
            "side", f"{pid} is a midline procedure; leave side out (got {side.value!r})"
        )
    return side


def _check_modality(procedure: Procedure, modality: Modality | str | None) -> Modality:
    if modality is None:
        return procedure.usual_modality
    try:
        parsed = Modality.parse(modality, field="modality")
    except ValidationError as error:
        raise PlanError(error.field, error.reason, error.suggestions) from None
    if parsed not in procedure.modalities:
        allowed = ", ".join(repr(m.value) for m in sorted(procedure.modalities, key=_rank))
        raise PlanError(
            "modality",
            f"{parsed.value!r} is not used for {procedure.id}; use {allowed}",
            (procedure.usual_modality.value,),
        )
    return parsed


def _rank(modality: Modality) -> int:
    return list(Modality).index(modality)


def _check_injectates(values: Iterable[Any]) -> tuple[Dose, ...]:
    from interventional.pharmacology import Dose

    if isinstance(values, Dose | Mapping):
        values = [values]
    out: list[Dose] = []
    for index, value in enumerate(values):
        field = f"injectates[{index}]"
        if isinstance(value, Dose):
            out.append(value)
            continue
        if not isinstance(value, Mapping):
            raise PlanError(
                field,
                f"expected a Dose or a table such as {{'drug': 'lidocaine', 'volume': '2 mL'}}, "
                f"got {value!r}",
            )
        try:
            out.append(Dose(**value))
        except UnknownDrugError as error:
            raise UnknownInjectateError(f"{field}.drug", error.name, error.suggestions) from None
        except ValidationError as error:
            raise PlanError(f"{field}.{error.field}", error.reason, error.suggestions) from None
        except TypeError as error:
            raise PlanError(field, f"bad injectate fields: {error}") from None
    return tuple(out)


def _check_target(procedure: Procedure, target: str | None) -> None:
    pid = procedure.id
    if procedure.needs_target:
        if target is None or not isinstance(target, str) or not target.strip():
            anchors = ", ".join(repr(rule.anchor) for rule in procedure.target_rules)
            raise PlanError("target", f"{pid} needs target= (fills {anchors})")
    elif target is not None:
        raise PlanError("target", f"{pid} has fixed targets; leave target out")


def _raw(value: object) -> Any:
    """Keep the raw value; ``ProcedurePlan.__attrs_post_init__`` checks and normalises it."""
    return value


def _as_tuple(values: object) -> tuple[Any, ...]:
    """Keep the raw values; ``ProcedurePlan.__attrs_post_init__`` checks and normalises them."""
    if isinstance(values, str | Segment | VertebralLevel | Mapping) or not isinstance(
        values, Iterable
    ):
        return (values,)
    return tuple(values)


def _duration(value: object) -> timedelta | None:
    return as_positive_timedelta(value, field="duration")


@attrs.frozen(slots=True, repr=False, cache_hash=True)
class ProcedurePlan:
    """A procedure planned at given levels and side, under one modality, with injectates.

    Construct it with :func:`plan`, which also finds the procedure by id; constructing it
    directly runs the same checks on the same forms of input (text, tables) and stores the
    normal form: parsed levels sorted from the head down, the side and modality as enums
    (the usual modality when none is given), the injectates as ``Dose`` objects.

    Parameters
    ----------
    procedure : Procedure
    levels : tuple of Segment or VertebralLevel
        Sorted from the head down; empty for procedures not planned by level.
    side : Side or None
        ``LEFT``, ``RIGHT`` or ``BILATERAL`` for lateralized procedures; ``None`` (or
        ``MIDLINE``) for midline ones.
    modality : Modality
    injectates : tuple of Dose
    duration : timedelta, optional
        How long this procedure is expected to take; restart times count from its end
        (:func:`interventional.safety.assess` uses it unless given its own duration).
        ``procedure.typical_duration`` is a sourced value to start from.

    Raises
    ------
    PlanError
        When the plan does not fit its procedure (the message names the field).

    Examples
    --------
    >>> from interventional.procedures import plan
    >>> tf = plan("lumbar-tfesi", levels="L4-L5", side="left",
    ...           injectates=[{"drug": "dexamethasone", "amount": "10 mg"}])
    >>> [s.id for s in tf.targets]
    ['intervertebral-foramen:L4-L5:left', 'spinal-nerve:L4:left']
    >>> print(tf)
    lumbar-transforaminal-epidural-injection at L4-L5, left, under fluoroscopy; dexamethasone 10 mg
    """

    procedure: Procedure = attrs.field()
    levels: tuple[Segment | VertebralLevel, ...] = attrs.field(default=(), converter=_as_tuple)
    side: Side | None = attrs.field(default=None, converter=_raw)
    modality: Modality = attrs.field(default=None, converter=_raw)
    injectates: tuple[Dose, ...] = attrs.field(default=(), converter=_as_tuple)
    target: str | None = attrs.field(default=None, kw_only=True)
    duration: timedelta | None = attrs.field(default=None, kw_only=True, converter=_duration)

    def __attrs_post_init__(self) -> None:
        procedure = self.procedure
        if not isinstance(procedure, Procedure):
            raise PlanError("procedure", f"expected a Procedure, got {procedure!r}")
        # Check every field against the procedure and store its normal form (frozen class:
        # the documented attrs idiom for setting fields in __attrs_post_init__).
        normal = {
            "levels": _check_levels(procedure, self.levels),
            "side": _check_side(procedure, self.side),
            "modality": _check_modality(procedure, self.modality),
            "injectates": _check_injectates(self.injectates),
        }
        _check_target(procedure, self.target)
        for name, value in normal.items():
            object.__setattr__(self, name, value)
        _ = self.targets  # fail now, not later, when the atlas cannot resolve the plan

    @property
    def targets(self) -> tuple[Structure, ...]:
        """The atlas structures the plan targets (both sides for a bilateral plan)."""
        return resolve_targets(self.procedure, self.levels, self.side, target=self.target)

    @property
    def structures_at_risk(self) -> tuple[Structure, ...]:
        """The procedure's structures at risk on the plan's side(s), as atlas structures."""
        from interventional.anatomy.atlas import default_atlas

        atlas = default_atlas()
        found: dict[str, Structure] = {}
        for template in self.procedure.structures_at_risk:
            for each_side in _sides(self.side) if "{side}" in template else (None,):
                for level in self.levels or (None,):
                    values = _substitutions(level, each_side)
                    try:
                        ident = template.format_map(values)
                    except KeyError:
                        continue
                    structure = atlas.get(ident)
                    if structure is not None:
                        found.setdefault(structure.id, structure)
        return tuple(found.values())

    @property
    def regions(self) -> frozenset[Region]:
        """The spinal regions of the plan's levels (the procedure's regions without levels)."""
        if self.levels:
            return frozenset(level.region for level in self.levels)
        return self.procedure.regions

    def local_anesthetic_totals(self) -> Mapping[Drug, Quantity]:
        """The total amount of each local anesthetic in the plan's injectates.

        Several injectates of one drug add up (see
        :func:`interventional.pharmacology.local_anesthetic_totals`).
        """
        from interventional.pharmacology import local_anesthetic_totals

        return local_anesthetic_totals(self.injectates)

    def __str__(self) -> str:
        where = ", ".join(str(level) for level in self.levels)
        parts = [self.procedure.id]
        if where:
            parts.append(f"at {where}")
        text = " ".join(parts)
        if self.side is not None:
            text += f", {self.side.value}"
        text += f", under {self.modality.value}"
        if self.injectates:
            text += "; " + ", ".join(str(dose) for dose in self.injectates)
        return text

    def __repr__(self) -> str:
        return f"<ProcedurePlan {self}>"

    def _repr_html_(self) -> str:
        from interventional.procedures._html import plan_html

        return plan_html(self)


def plan(
    procedure_or_id: Procedure | str,
    levels: Iterable[Level | str] | Level | str = (),
    side: Side | str | None = None,
    modality: Modality | str | None = None,
    injectates: Iterable[Dose | Mapping[str, Any]] = (),
    *,
    target: str | None = None,
    catalog: Catalog | None = None,
    duration: timedelta | str | None = None,
) -> ProcedurePlan:
    """Plan a procedure and check that the plan fits it.

    Parameters
    ----------
    procedure_or_id : Procedure or str
        A procedure, or its id or alias in ``catalog`` (any case).
    levels : level or iterable of levels
        Segments (``"L4-L5"``) or vertebral levels (``"S1"``), as the procedure is planned.
    side : Side or str, optional
        ``"left"``, ``"right"`` or ``"bilateral"`` for lateralized procedures; leave out for
        midline ones.
    modality : Modality or str, optional
        The guidance; the procedure's usual modality when omitted.
    injectates : iterable of Dose or mappings
        What is injected: :class:`~interventional.pharmacology.Dose` objects, or tables of
        its fields (``{"drug": "lidocaine", "volume": "2 mL", "concentration": "1 %"}``).
    target : str, optional
        For procedures whose target the plan chooses (a trigger point's muscle, a peripheral
        nerve stimulator's nerve): the qualifier or kind the procedure's rule asks for, e.g.
        ``"trapezius"``.
    catalog : Catalog, optional
        Where to find the procedure by id (the default catalogue when omitted).
    duration : timedelta or str, optional
        The expected duration (``timedelta(minutes=40)`` or ``"40 min"``); restarts count
        from the procedure's end. A zero or negative duration raises ``ValidationError``.

    Returns
    -------
    ProcedurePlan

    Raises
    ------
    UnknownProcedureError
        When the id is not in the catalogue (with suggestions).
    PlanError
        When a level lies outside the procedure's levels, too many levels are given, the side
        is missing (lateralized) or given (midline), the modality is not allowed, or an
        injectate has a wrong field (its amount in the wrong dimension, say).
    UnknownInjectateError
        (a PlanError and an UnknownDrugError) when an injectate's drug is unknown.

    Examples
    --------
    >>> from interventional.procedures import plan
    >>> plan("sgb", side="left").targets[0].id
    'stellate-ganglion:left'
    >>> plan("sgb", side="left", duration="20 min").duration
    datetime.timedelta(seconds=1200)
    >>> plan("lumbar-tfesi", levels=["L4-L5"], side="left", modality="landmark")
    Traceback (most recent call last):
    ...
    interventional.errors.PlanError: modality: 'landmark' is not used for lumbar-transforaminal-epidural-injection; use 'fluoroscopy', 'ct'; did you mean 'fluoroscopy'?
    """
    if isinstance(procedure_or_id, Procedure):
        procedure = procedure_or_id
    else:
        if catalog is None:
            from interventional.procedures.catalog import default_catalog

            catalog = default_catalog()
        procedure = catalog[procedure_or_id]
    return ProcedurePlan(
        procedure,
        levels,
        side,
        modality,
        injectates,
        target=target,
        duration=duration,
    )
