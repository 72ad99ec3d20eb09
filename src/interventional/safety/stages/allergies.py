"""Stage: allergy to an agent the plan injects.

Reads: ``patient.allergies`` (drug ids and drug classes) and the plan's injectates. Runs
when the patient lists an allergy. An allergy to a planned agent, or to its class, gives
CONTRAINDICATED (the record ``allergy-to-injectate``); iodinated-contrast allergy is left
to its own rules in ``rules.toml``.
"""

from __future__ import annotations

from interventional.pharmacology import DrugClass
from interventional.safety.case import Case
from interventional.safety.model import Finding
from interventional.safety.stages.base import Stage
from interventional.safety.wording import words

__all__ = ["STAGE"]


def _run(case: Case) -> None:
    allergies = case.patient.allergies
    record = case.rules.builtin("allergy-to-injectate")
    seen: set[str] = set()
    for agent in case.compiled.facts.injectates:
        if agent.name in seen:
            continue
        drug_class = agent.drug_class.value
        by_drug = agent.name in allergies
        by_class = drug_class in allergies and agent.drug_class is not DrugClass.IODINATED_CONTRAST
        if by_drug or by_class:
            seen.add(agent.name)
            what = agent.name if by_drug else f"{drug_class} (class)"
            case.add(
                Finding(
                    f"allergy:{agent.name}",
                    record.outcome("allergy"),
                    words("allergy", what=what, display_name=agent.display_name),
                    record.references,
                    drug=agent.name,
                )
            )


STAGE = Stage(
    name="allergies",
    reads=("patient.allergies", "plan injectates"),
    applies=lambda case: bool(case.patient.allergies),
    run=_run,
)
