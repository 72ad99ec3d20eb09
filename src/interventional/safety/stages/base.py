"""What a stage of the engine is: :class:`Stage`."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from interventional.safety.case import Case

__all__ = ["Stage"]


@attrs.frozen(slots=True)
class Stage:
    """One step of an assessment.

    Attributes
    ----------
    name : str
        A short name (``"holds"``).
    reads : tuple of str
        What of the case the stage reads (documentation, and the guide's checklist).
    applies : callable
        ``applies(case)``: the stage's precondition; a stage that does not apply is skipped
        (it would find nothing).
    run : callable
        ``run(case)``: adds the stage's findings to the case.
    """

    name: str
    reads: tuple[str, ...]
    applies: Callable[[Case], bool]
    run: Callable[[Case], None]
