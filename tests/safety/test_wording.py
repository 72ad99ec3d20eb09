"""The engine's sentences come from ``wording.toml``, and read as they always have."""

from __future__ import annotations

import re
import string
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from interventional.references import Reference
from interventional.safety import UnresolvedRecord, default_rules
from interventional.safety import wording as wording_module
from interventional.safety.decisions import ProcedureEnd, confidence_note, reading_note
from interventional.safety.rules import RuleConfidence
from interventional.safety.wording import templates

SAFETY = Path(wording_module.__file__).parent
NAMED = re.compile(r"""\b_?(?:fill|words)\(\s*"([\w.-]+)"|"((?:reading|end)\.[\w-]+)\"""")


def test_every_template_is_well_formed() -> None:
    for template in templates().values():
        fields = [name for _, name, _, _ in string.Formatter().parse(template.text) if name]
        assert all(re.fullmatch(r"\w+", name) for name in fields), template.id


def test_every_template_the_code_names_exists() -> None:
    named = set()
    for path in SAFETY.rglob("*.py"):
        for match in NAMED.finditer(path.read_text(encoding="utf-8")):
            found = match.group(1) or match.group(2)
            if not found.endswith((".", "-")):  # a prefix the code completes ("hold." + kind)
                named.add(found)
    assert {"reading.stop", "end.start", "unresolved", "hold.confidence"} <= named
    assert named - set(templates()) == set()


def test_reading_notes_read_as_before() -> None:
    rules = default_rules()
    apixaban = rules.holds_for("apixaban")[0].high
    assert reading_note(apixaban, True) == (
        "stop 3-5 days; 3 applied by policy; restart 12-24 h; 12 applied by policy: "
        "the other reading, chosen in Policy.other_readings"
    )
    warfarin = rules.holds_for("warfarin")[0].high
    assert reading_note(warfarin, True) == (
        "restart 6 h or 24 h (the sources conflict); 6 h applied by policy: "
        "the other reading, chosen in Policy.other_readings"
    )
    rivaroxaban = rules.holds_for("rivaroxaban")[0].high
    assert reading_note(attrs.evolve(rivaroxaban, range="stop 3-5 days"), False) == (
        "stop 3-5 days; the upper bound applied by policy"
    )
    assert confidence_note(RuleConfidence.HIGH) == " Confidence of the rule: high."


def test_restart_words_read_as_before() -> None:
    source = Reference("PT-X", "A source", year=2020)
    none = ProcedureEnd(
        None, "none", "spinal-cord-stimulator-trial", timedelta(minutes=45), (source,)
    )
    assert none.restart_sentence(timedelta(hours=24)) == (
        " Restart no earlier than 1 day after the procedure start (no duration given, so "
        "counted from the start; the guideline counts from the end: give "
        "assess(..., duration=); the typical duration of spinal-cord-stimulator-trial is "
        "45 min (PT-X))."
    )
    planned = ProcedureEnd(timedelta(minutes=70), "plan", "x")
    assert (
        planned.describe() == "after the procedure ends (start + 1 h 10 min, the plan's duration)"
    )


@pytest.mark.parametrize("what", ["medication 'Eliquis 5 MG'", "INR {2.4}"])
def test_an_unresolved_record_reads_as_before(what: str) -> None:
    record = UnresolvedRecord("MedicationRequest/m1", what, "no code the library reads")
    assert record.message == (
        f"{what} (MedicationRequest/m1) could not be read: no code the library reads. "
        "Resolve it (map its code, record its time) before deciding."
    )
