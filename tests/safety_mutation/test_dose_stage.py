"""The local-anaesthetic stage when a maximum is not known: never PROCEED on a guess.

Every local anaesthetic of the built-in data has a sourced maximum, so the library's look-up
is replaced here by one that holds none for bupivacaine (as for an agent added without a
sourced figure). A fresh rule set is used, so that the plan is compiled with it.
"""

from __future__ import annotations

from datetime import datetime

import pytest

import interventional.safety.stages.doses as dose_stage
from interventional.pharmacology import Dose, LocalAnestheticLimit, NoSourcedValueError
from interventional.procedures import plan
from interventional.safety import Patient, Verdict, assess, load_rules

AT = datetime(2026, 3, 10, 9, 0)


def _plan(*injectates: Dose) -> object:
    return plan(
        "lumbar-transforaminal-epidural-injection",
        levels=["L4-L5"],
        side="left",
        injectates=injectates or [Dose("bupivacaine", "50 mg"), Dose("lidocaine", "200 mg")],
    )


@pytest.fixture
def no_bupivacaine_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    real = dose_stage.local_anesthetic_limit

    def limit(name: str) -> LocalAnestheticLimit:
        if name == "bupivacaine":
            raise NoSourcedValueError("no sourced maximum dose of bupivacaine")
        return real(name)

    monkeypatch.setattr(dose_stage, "local_anesthetic_limit", limit)


@pytest.mark.usefixtures("no_bupivacaine_maximum")
def test_an_agent_without_a_sourced_maximum_is_insufficient_data() -> None:
    result = assess(Patient(age=50, weight="70 kg"), _plan(), at=AT, rules=load_rules())
    doses = {f.code: f for f in result.findings if f.code.startswith("dose:")}
    assert set(doses) == {"dose:bupivacaine", "dose:lidocaine"}  # no combined fraction
    missing = doses["dose:bupivacaine"]
    assert (missing.verdict, missing.drug) == (Verdict.INSUFFICIENT_DATA, "bupivacaine")
    assert (
        missing.message == "bupivacaine: 50 mg planned, but no sourced maximum dose of bupivacaine."
    )
    assert {ref.key for ref in missing.references} == {"FDA-LIDO", "ROSENBERG04", "DRORACLE-LA"}
    assert doses["dose:lidocaine"].verdict is Verdict.PROCEED
    assert result.verdict is Verdict.INSUFFICIENT_DATA


def test_an_unknown_weight_names_every_planned_agent() -> None:
    result = assess(Patient(age=50), _plan(), at=AT)
    (finding,) = result.by_code("dose")
    assert (finding.code, finding.verdict, finding.drug) == (
        "dose:weight-unknown",
        Verdict.INSUFFICIENT_DATA,
        None,
    )
    assert finding.message == (
        "Body weight unknown: the maximum dose of bupivacaine, lidocaine cannot be checked."
    )


@pytest.mark.parametrize(
    ("injectates", "verdicts"),
    [
        # 70 kg: lidocaine at most 300 mg, bupivacaine 140 mg; near from 80 % (policy)
        ([Dose("lidocaine", "239 mg")], {"dose:lidocaine": Verdict.PROCEED}),
        ([Dose("lidocaine", "240 mg")], {"dose:lidocaine": Verdict.CAUTION}),  # at 80 %
        ([Dose("lidocaine", "300 mg")], {"dose:lidocaine": Verdict.CAUTION}),  # at the maximum
        ([Dose("lidocaine", "301 mg")], {"dose:lidocaine": Verdict.DEFER}),
        (
            [Dose("lidocaine", "120 mg"), Dose("bupivacaine", "56 mg")],  # 40 % + 40 %
            {
                "dose:lidocaine": Verdict.PROCEED,
                "dose:bupivacaine": Verdict.PROCEED,
                "dose:combined": Verdict.CAUTION,
            },
        ),
        (
            [Dose("lidocaine", "119 mg"), Dose("bupivacaine", "56 mg")],
            {"dose:lidocaine": Verdict.PROCEED, "dose:bupivacaine": Verdict.PROCEED},
        ),
    ],
)
def test_the_near_fraction_is_reached_at_exactly_that_fraction(
    injectates: list[Dose], verdicts: dict[str, Verdict]
) -> None:
    result = assess(Patient(age=50, weight="70 kg"), _plan(*injectates), at=AT)
    assert {f.code: f.verdict for f in result.by_code("dose")} == verdicts
