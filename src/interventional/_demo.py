"""The worked example behind ``interventional demo``: a patient, a plan, its assessment.

The scenario is data (``interventional/data/demo.toml``), loaded through the one loader.
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any, TextIO

import attrs

from interventional._data import load_records
from interventional._present import SCHEMA_VERSION, assessment_data
from interventional.anatomy import Relation, StructureKind

__all__ = ["DemoPlan", "run_demo"]

_SCENARIO = resources.files("interventional") / "data" / "demo.toml"


def _fixed_time(at: datetime) -> str:
    """Why the demo's procedure time is a fixed date, and which."""
    return (
        f"The procedure is planned for a fixed time, {at.isoformat(sep=' ', timespec='minutes')} "
        "(set in the scenario, interventional/data/demo.toml), not for now: the last doses "
        "are given as dates, so the demo gives the same answer on every day it is run."
    )


@attrs.frozen(slots=True)
class DemoPlan:
    """The planned procedure of the demo: the arguments of :func:`interventional.plan`."""

    procedure: str
    at: datetime
    levels: tuple[str, ...] = ()
    side: str | None = None
    modality: str | None = None
    injectates: tuple[dict[str, Any], ...] = ()


def run_demo(out: TextIO, *, as_json: bool = False) -> int:
    """Plan the demo procedure, assess the demo patient, and show the targets' nerves.

    Returns the command's exit code (0: the demo ran).
    """
    from interventional.anatomy import default_atlas
    from interventional.procedures import plan
    from interventional.safety import assess, load_patient

    patient = load_patient(_SCENARIO)
    (scenario,) = load_records(_SCENARIO, DemoPlan, table="plan", key=None)
    planned = plan(
        scenario.procedure,
        levels=scenario.levels,
        side=scenario.side,
        modality=scenario.modality,
        injectates=scenario.injectates,
    )
    atlas = default_atlas()
    nerves = _nerves_at(atlas, planned.targets)
    assessment = assess(patient, planned, at=scenario.at)
    if as_json:
        data = {
            "schema_version": SCHEMA_VERSION,
            "schema": "demo",
            "procedure": planned.procedure.id,
            "levels": [str(level) for level in planned.levels],
            "side": None if planned.side is None else planned.side.value,
            "modality": planned.modality.value,
            "targets": [s.id for s in planned.targets],
            "nerves": nerves,
            "fixed_time": _fixed_time(scenario.at),
            "assessment": assessment_data(assessment),
        }
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    levels = ", ".join(str(level) for level in planned.levels)
    side = "" if planned.side is None else f", {planned.side.value}"
    out.write("interventional demo: a worked example on built-in data (not a medical device)\n")
    out.write(f"{_fixed_time(scenario.at)}\n\n")
    out.write(f"Plan: {planned.procedure.name} at {levels}{side}, {planned.modality.value}\n")
    for dose in planned.injectates:
        out.write(f"  injectate: {dose}\n")
    out.write("\nTargets:\n")
    for structure in planned.targets:
        out.write(f"  {structure.id}  ({structure.name})\n")
    out.write("\nNerves at the targets:\n")
    for nerve, facts in nerves.items():
        out.write(f"  {nerve}\n")
        for what, items in facts.items():
            out.write(f"    {what}: {', '.join(items)}\n")
    out.write("\n" + assessment.explain().rstrip() + "\n")
    return 0


def _nerves_at(atlas: Any, targets: tuple[Any, ...]) -> dict[str, dict[str, list[str]]]:
    """Describe each nerve among (or supplying) the targets.

    For each: its branches, what it supplies, and its dermatome where it is a spinal nerve.
    """
    nerves: dict[str, dict[str, list[str]]] = {}
    for target in targets:
        if target.kind.category in ("nerve", "autonomic"):
            found = [target]
        else:
            found = sorted(atlas.innervation(target.id), key=lambda s: s.id)
        for nerve in found:
            facts: dict[str, list[str]] = {}
            branches = atlas.related(nerve.id, Relation.BRANCH_OF, direction="in")
            if branches:
                facts["branches"] = sorted(s.id for s in branches)
            supplied = atlas.innervated_by(nerve.id)
            if supplied:
                facts["supplies"] = sorted(s.id for s in supplied)
            if nerve.kind is StructureKind.SPINAL_NERVE:
                facts["dermatome"] = list(atlas.dermatome(nerve.id))
            nerves.setdefault(nerve.id, facts)
    return nerves
