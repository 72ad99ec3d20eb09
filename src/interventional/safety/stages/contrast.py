"""Stage: iodinated contrast in a neuraxial plan must be intrathecal-labelled.

Reads: the plan alone (its contrast agents and their presentations), so its findings are
compiled once per plan (:func:`compile_contrast`) and added as they are. Runs for a
neuraxial plan that injects iodinated contrast.
"""

from __future__ import annotations

from interventional.safety.case import Case
from interventional.safety.facts import PlanFacts
from interventional.safety.model import Finding
from interventional.safety.rules import RuleSet
from interventional.safety.stages.base import Stage
from interventional.safety.wording import fill

__all__ = ["STAGE", "compile_contrast"]


def compile_contrast(rules: RuleSet, facts: PlanFacts) -> tuple[Finding, ...]:
    """The contrast-labelling findings of a plan (the same for every patient)."""
    record = rules.builtin("neuraxial-contrast-label")
    out = []
    for use in facts.contrast:
        if use.intrathecal_labelled is False:
            outcome = "against"
        elif use.intrathecal_labelled is None:
            outcome = "unidentified"
        else:
            outcome = "labelled"
        words = fill("contrast." + outcome, described=use.described)
        out.append(Finding("contrast-label", record.outcome(outcome), words, record.references))
    return tuple(out)


def _run(case: Case) -> None:
    case.add_all(case.compiled.contrast)


STAGE = Stage(
    name="contrast",
    reads=("compiled contrast findings (the plan's contrast presentations)",),
    applies=lambda case: bool(case.compiled.contrast),
    run=_run,
)
