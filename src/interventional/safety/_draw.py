"""The timeline picture of an assessment: holds before, restarts after the procedure.

matplotlib is imported here, inside the function, so that ``import interventional`` never
loads it (the ``plot`` extra installs it).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from interventional.safety.model import Assessment, Patient

__all__ = ["draw_timeline"]


def draw_timeline(
    assessment: Assessment,
    patient: Patient | None = None,
    ax: Any = None,
    *,
    procedure_time: datetime | None = None,
) -> Any:
    """Draw each held drug's hold (last dose to ``until``) and earliest restart on a time axis.

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`~interventional.safety.assess`.
    patient : Patient, optional
        The patient assessed: with it, each hold is drawn as a bar from the last dose;
        without it, as a mark at the time the hold is met.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    procedure_time : datetime, optional
        When the procedure is done, if not at the assessed time (e.g. the assessment's
        ``earliest_time`` after a DEFER): each restart keeps its interval after the
        procedure and moves with it.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> import interventional as iv
    >>> at = datetime(2026, 12, 1, 9)
    >>> patient = iv.Patient(age=64, medications=[
    ...     iv.MedicationUse("clopidogrel", last_dose=at - timedelta(days=5))])
    >>> result = iv.assess(patient, iv.plan("spinal-cord-stimulator-trial", levels=["T8"]), at=at)
    >>> ax = result.draw_timeline(patient)
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['clopidogrel']
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    done_at = assessment.at if procedure_time is None else procedure_time
    last_doses: dict[str, datetime] = {}
    if patient is not None:
        for medication in patient.medications:
            if medication.last_dose is not None:
                last_doses[medication.drug] = medication.last_dose
    holds = [f for f in assessment.findings if f.drug is not None and f.until is not None]
    drugs = sorted({f.drug for f in holds if f.drug is not None} | set(assessment.restart))
    for row, drug in enumerate(drugs):
        for finding in (f for f in holds if f.drug == drug):
            assert finding.until is not None
            start = last_doses.get(drug)
            if start is not None and start < finding.until:
                ax.barh(
                    row,
                    finding.until - start,
                    left=start,
                    height=0.5,
                    alpha=0.6,
                    label="hold" if row == 0 else None,
                )
            ax.plot(
                finding.until,
                row,
                "|",
                markersize=18,
                color="C1",
                label="hold met" if row == 0 else None,
            )
        if drug in assessment.restart:
            restart = done_at + (assessment.restart[drug] - assessment.at)
            ax.plot(restart, row, "o", color="C2", label="earliest restart" if row == 0 else None)
    ax.axvline(assessment.at, linestyle="--", color="grey", label="assessed time")
    if assessment.earliest_time is not None and assessment.earliest_time != assessment.at:
        ax.axvline(assessment.earliest_time, color="C3", label="every hold met")
    if done_at not in (assessment.at, assessment.earliest_time):
        ax.axvline(done_at, color="black", label="procedure")
    ax.set_yticks(range(len(drugs)), [str(d) for d in drugs])
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    ax.set_title(f"{assessment.procedure}: {assessment.verdict.name}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4, fontsize=8)
    return ax
