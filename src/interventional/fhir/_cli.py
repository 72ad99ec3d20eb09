"""The command line's FHIR hunks: ``assess`` of a bundle, and ``export fhir``.

``interventional assess FILE`` reads ``FILE`` as a FHIR Bundle when its name ends in
``.json`` or its first character (after white space) is ``{``; otherwise as the TOML
patient file. A bundle is read with :func:`~interventional.fhir.patient_from_bundle` at
the procedure time, assessed with :func:`~interventional.fhir.assess_imported`, and what
could not be mapped is listed after the assessment (or under ``"fhir"`` in ``--json``).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

__all__ = ["assess_bundle", "export", "is_bundle", "report_text"]


def is_bundle(path: str | Path) -> bool:
    """Whether the patient file ``path`` is a FHIR bundle (JSON), by its name or content."""
    file = Path(path)
    if file.suffix.lower() == ".json":
        return True
    try:
        with file.open("rb") as handle:
            start = handle.read(256).lstrip()
    except OSError:
        return False
    return start.startswith(b"{")


def assess_bundle(path: str | Path, plan: Any, at: datetime) -> tuple[Any, dict[str, Any]]:
    """The assessment of the bundle's patient, and a report of what was not mapped."""
    from interventional.fhir import assess_imported, patient_from_bundle

    imported = patient_from_bundle(Path(path), at=at)
    assessment = assess_imported(imported, plan, at=at)
    report = {
        "unmapped": [
            {
                "resource": item.source,
                "reason": item.reason,
                "blocking": item.blocking,
            }
            for item in imported.unmapped
        ],
        "notes": list(imported.notes),
    }
    return assessment, report


def report_text(report: dict[str, Any]) -> str:
    """The report of :func:`assess_bundle` as lines for a terminal."""
    lines = ["", "FHIR bundle: records not mapped (* = makes the assessment insufficient):"]
    for item in report["unmapped"]:
        mark = "*" if item["blocking"] else "-"
        lines.append(f"  {mark} {item['resource']}: {item['reason']}")
    if not report["unmapped"]:
        lines.append("  none")
    if report["notes"]:
        lines.append("Read with a caveat:")
        lines.extend(f"  - {note}" for note in report["notes"])
    return "\n".join(lines)


def export(kind: str, ident: str, out: TextIO) -> int:
    """Write the FHIR resource of a procedure (``kind`` is ``"fhir"``); return 0."""
    from interventional.fhir import to_resource
    from interventional.procedures import default_catalog

    resource = to_resource(default_catalog()[ident])
    out.write(json.dumps(resource, indent=2, ensure_ascii=False) + "\n")
    return 0
