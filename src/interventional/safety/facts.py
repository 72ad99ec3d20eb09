"""What the engine reads from a plan: :class:`PlanFacts`, made once per plan.

Examples
--------
>>> from interventional.procedures import plan
>>> facts = read_plan(plan("lumbar-medial-branch-block", levels=["L4-L5"], side="left"))
>>> facts.procedure_id, facts.risk.value, facts.neuraxial
('lumbar-medial-branch-block', 'low', False)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import attrs

from interventional.anatomy.levels import Region, Segment, VertebralLevel
from interventional.imaging.modality import Modality
from interventional.pharmacology import Drug, DrugClass, intrathecal_labelled
from interventional.procedures.risk import BleedingRisk
from interventional.safety.decisions import ProcedureEnd, procedure_end
from interventional.units import magnitude

__all__ = ["ContrastUse", "PlanFacts", "PlanLike", "read_plan"]


class PlanLike(Protocol):
    """What the engine reads from a plan (``interventional.procedures.ProcedurePlan``).

    A plan is immutable and hashable: the engine keys its compilations by it.
    """

    def __hash__(self) -> int:
        """Plans hash by value."""
        ...

    @property
    def procedure(self) -> Any:
        """The procedure planned."""

    @property
    def levels(self) -> Sequence[Any]:
        """The planned levels or segments."""

    @property
    def modality(self) -> Modality:
        """The imaging modality."""

    @property
    def injectates(self) -> Sequence[Any]:
        """The planned doses."""


@attrs.frozen(slots=True)
class ContrastUse:
    """An iodinated contrast planned in a neuraxial procedure."""

    described: str
    """The agent and its strength as planned (``iohexol 300 mg/mL``)."""
    intrathecal_labelled: bool | None
    """Whether the presentation is labelled for intrathecal use (``None``: cannot tell)."""


@attrs.frozen(slots=True)
class PlanFacts:
    """The plan as the rules see it: plain values, nothing of a patient."""

    procedure_id: str
    risk: BleedingRisk
    neuraxial: bool
    technique: str
    approach: str
    category: str
    regions: frozenset[Region]
    modality: Modality
    tokens: frozenset[str]
    """What the plan injects, as rules name it: drug classes, and
    ``particulate-corticosteroid`` / ``corticosteroid-unknown-particle``."""
    injectates: tuple[Drug, ...]
    uppermost: tuple[VertebralLevel, ...]
    """The uppermost vertebral level of each planned level or segment."""
    local_anesthetic_mg: tuple[tuple[str, float], ...]
    """Each local anaesthetic's planned total in mg, in plan order."""
    local_anesthetic_amount_unknown: tuple[str, ...]
    """Local anaesthetics planned without an amount (a volume without a concentration)."""
    contrast: tuple[ContrastUse, ...]
    """Iodinated contrast in a neuraxial plan."""
    default_end: ProcedureEnd
    """Where restarts count from when the assessment gives no duration: the plan's own
    duration, else the start (quoting the procedure's sourced typical duration)."""


def _value(member: Any) -> str:
    return str(getattr(member, "value", member))


def _describe_dose(dose: Any) -> str:
    strength = getattr(dose, "concentration", None)
    name: str = dose.drug.name
    return name + ("" if strength is None else f" {strength:~}")


def read_plan(plan: PlanLike) -> PlanFacts:
    """Read a plan's facts."""
    procedure = plan.procedure
    neuraxial = bool(procedure.neuraxial)
    tokens: set[str] = set()
    injected: list[Drug] = []
    totals: dict[str, float] = {}
    unknown: list[str] = []
    contrast: list[ContrastUse] = []
    for dose in plan.injectates:
        agent: Drug = dose.drug
        injected.append(agent)
        tokens.add(agent.drug_class.value)
        if agent.drug_class is DrugClass.CORTICOSTEROID:
            if agent.particulate is True:
                tokens.add("particulate-corticosteroid")
            elif agent.particulate is None:
                tokens.add("corticosteroid-unknown-particle")
        if neuraxial and agent.drug_class is DrugClass.IODINATED_CONTRAST:
            contrast.append(ContrastUse(_describe_dose(dose), intrathecal_labelled(dose)))
        if agent.drug_class is DrugClass.LOCAL_ANESTHETIC:
            amount = getattr(dose, "amount", None)
            if amount is None:
                unknown.append(agent.name)
            else:
                totals[agent.name] = totals.get(agent.name, 0.0) + magnitude(amount, "mg")
    uppermost = [
        level.upper if isinstance(level, Segment) else level
        for level in plan.levels
        if isinstance(level, Segment | VertebralLevel)
    ]
    typical_references = tuple(getattr(procedure, "typical_duration_references", ()))
    default_end = procedure_end(
        None,
        getattr(plan, "duration", None),
        getattr(procedure, "typical_duration", None),
        procedure_id=procedure.id,
        typical_references=typical_references,
    )
    return PlanFacts(
        procedure_id=procedure.id,
        risk=BleedingRisk.parse(procedure.bleeding_risk),
        neuraxial=neuraxial,
        technique=_value(procedure.technique),
        approach=_value(procedure.approach),
        category=_value(procedure.category),
        regions=frozenset(procedure.regions),
        modality=Modality.parse(plan.modality),
        tokens=frozenset(tokens),
        injectates=tuple(injected),
        uppermost=tuple(uppermost),
        local_anesthetic_mg=tuple(totals.items()),
        local_anesthetic_amount_unknown=tuple(unknown),
        contrast=tuple(contrast),
        default_end=default_end,
    )
