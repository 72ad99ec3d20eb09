"""Shared helpers of the safety tests: plans by procedure id, a fixed procedure time.

Plans come from the real catalogue (``interventional.procedures.plan``). Procedures the
catalogue does not hold yet are replaced by small attrs stand-ins carrying only what the
engine reads; each stand-in gives way to the real plan as soon as the id is catalogued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs
import pytest

from interventional.anatomy.levels import Region, Segment, VertebralLevel
from interventional.imaging.modality import Modality
from interventional.pharmacology import Dose
from interventional.procedures import default_catalog, plan
from interventional.procedures.risk import BleedingRisk

AT = datetime(2026, 3, 10, 9, 0)


@attrs.frozen
class StandInProcedure:
    id: str
    bleeding_risk: BleedingRisk
    neuraxial: bool
    technique: str
    approach: str
    category: str
    regions: frozenset[Region]


@attrs.frozen
class StandInPlan:
    procedure: StandInProcedure
    levels: tuple[Any, ...]
    side: Any
    modality: Modality
    injectates: tuple[Dose, ...]


def _standin(
    pid: str,
    risk: str,
    neuraxial: bool,
    technique: str,
    approach: str,
    category: str,
    *regions: str,
) -> StandInProcedure:
    return StandInProcedure(
        pid,
        BleedingRisk.parse(risk),
        neuraxial,
        technique,
        approach,
        category,
        frozenset(Region.parse(r) for r in regions),
    )


# Attributes from /work/shared/design/PROCEDURES.md and the fact sheet (section 1a).
STANDINS = {
    s.id: s
    for s in (
        _standin(
            "lumbar-interlaminar-epidural-injection",
            "intermediate",
            True,
            "injection",
            "interlaminar",
            "epidural-steroid-injection",
            "lumbar",
        ),
        _standin(
            "cervical-interlaminar-epidural-injection",
            "intermediate",
            True,
            "injection",
            "interlaminar",
            "epidural-steroid-injection",
            "cervical",
        ),
        _standin(
            "cervical-transforaminal-epidural-injection",
            "intermediate",
            True,
            "injection",
            "transforaminal",
            "epidural-steroid-injection",
            "cervical",
        ),
        _standin(
            "thoracic-transforaminal-epidural-injection",
            "intermediate",
            True,
            "injection",
            "transforaminal",
            "epidural-steroid-injection",
            "thoracic",
        ),
        _standin(
            "lumbar-medial-branch-radiofrequency-ablation",
            "low",
            False,
            "radiofrequency-ablation",
            "posterior",
            "facet-intervention",
            "lumbar",
        ),
        _standin(
            "trigger-point-injection",
            "low",
            False,
            "injection",
            "intramuscular",
            "soft-tissue-injection",
        ),
    )
}


def _level(text: str) -> Segment | VertebralLevel:
    return Segment.parse(text) if "-" in text else VertebralLevel.parse(text)


def make_plan(
    pid: str,
    levels: Sequence[str] = (),
    side: str | None = None,
    modality: str | None = None,
    injectates: Sequence[Dose] = (),
    target: str | None = None,
) -> Any:
    """A real plan when the catalogue holds ``pid``, else a stand-in."""
    if pid in default_catalog():
        return plan(
            pid,
            levels=list(levels),
            side=side,
            modality=modality,
            injectates=list(injectates),
            target=target,
        )
    procedure = STANDINS[pid]
    return StandInPlan(
        procedure,
        tuple(_level(text) for text in levels),
        side,
        Modality.parse(modality or "fluoroscopy"),
        tuple(injectates),
    )


# One plan per bleeding-risk class (all real catalogue procedures).
def low_plan() -> Any:
    return make_plan("knee-joint-injection", side="left", modality="ultrasound")


def intermediate_plan() -> Any:
    return make_plan("stellate-ganglion-block", levels=["C6"], side="left", modality="ultrasound")


def high_plan() -> Any:
    return make_plan("spinal-cord-stimulator-trial", levels=["T8"])


PLAN_BY_RISK = {
    BleedingRisk.LOW: low_plan,
    BleedingRisk.INTERMEDIATE: intermediate_plan,
    BleedingRisk.HIGH: high_plan,
}


@pytest.fixture
def at() -> datetime:
    return AT
