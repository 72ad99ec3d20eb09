"""The stages of an assessment, in the order they run: :data:`STAGES`.

Each stage is a module of this package with one :class:`~interventional.safety.stages.base.Stage`
named ``STAGE``: what it reads, its precondition (``applies``) and what it adds
(``run``). :func:`~interventional.safety.assess` runs every stage that applies, in order;
no stage stops another. A stage whose findings depend on the plan alone compiles them
once per plan (:mod:`interventional.safety.compiled`).

To add a stage, write its module and list its ``STAGE`` here (see
``docs/howto/extend-the-safety-engine.md``).

Examples
--------
>>> [stage.name for stage in STAGES]
['risk-upgrade', 'holds', 'labs', 'general-rules', 'allergies', 'contrast', 'doses', 'unresolved']
"""

from __future__ import annotations

from interventional.safety.stages import (
    allergies,
    contrast,
    doses,
    general_rules,
    holds,
    labs,
    risk,
    unresolved,
)
from interventional.safety.stages.base import Stage

__all__ = ["STAGES", "Stage"]

STAGES: tuple[Stage, ...] = (
    risk.STAGE,
    holds.STAGE,
    labs.STAGE,
    general_rules.STAGE,
    allergies.STAGE,
    contrast.STAGE,
    doses.STAGE,
    unresolved.STAGE,
)
"""Every stage, in order: the risk class first (the holds read the class it gives)."""
