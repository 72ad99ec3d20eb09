"""Stage: records an importer could not read (``Patient.unresolved``).

Reads: ``patient.unresolved``. Runs when there is one; each record gives one
INSUFFICIENT_DATA finding, code ``unresolved:<source>``, that names it: what an importer
could not read is never dropped.
"""

from __future__ import annotations

from interventional.safety.case import Case
from interventional.safety.model import Finding
from interventional.safety.rules import Verdict
from interventional.safety.stages.base import Stage

__all__ = ["STAGE"]


def _run(case: Case) -> None:
    for record in case.patient.unresolved:
        case.add(Finding(record.finding_code, Verdict.INSUFFICIENT_DATA, record.message, ()))


STAGE = Stage(
    name="unresolved",
    reads=("patient.unresolved",),
    applies=lambda case: bool(case.patient.unresolved),
    run=_run,
)
