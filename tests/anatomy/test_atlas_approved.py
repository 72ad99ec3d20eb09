"""An approval test of the atlas: a fresh build compared line by line with a stored file.

Every structure (id, kind, name, level, side, references) and every edge (relation,
ends, ontology id, note, references) of ``build_default_atlas()`` is one JSON line, sorted,
in ``approved_atlas.jsonl``. A changed rule, template, level range or reference anywhere in
the atlas build fails here with the first differing line, also in a process where the
cached ``default_atlas()`` was built before (as under mutation testing).

When the atlas data or its rules change on purpose, regenerate the file and review the diff:

    INTERVENTIONAL_REGENERATE_GOLDEN=1 python -m pytest tests/anatomy/test_atlas_approved.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from interventional.anatomy.atlas import Atlas, build_default_atlas, default_atlas

pytestmark = pytest.mark.slow  # an approval test: the whole file is compared

APPROVED = Path(__file__).with_name("approved_atlas.jsonl")


def _lines(atlas: Atlas) -> list[str]:
    exported = json.loads(atlas.to_json(indent=None))

    def dump(items: list[dict[str, object]]) -> list[str]:
        return sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in items)

    return dump(exported["nodes"]) + dump(exported["edges"])


def _compare(lines: list[str]) -> None:
    approved = APPROVED.read_text(encoding="utf-8").splitlines()
    for number, (expected, got) in enumerate(zip(approved, lines, strict=False), 1):
        if expected != got:
            pytest.fail(
                f"{APPROVED.name} line {number} differs (regenerate if intended):\n"
                f"- {expected}\n+ {got}"
            )
    assert len(lines) == len(approved), (
        f"the atlas has {len(lines)} lines, the approved file {len(approved)}"
    )


def test_a_fresh_atlas_matches_the_approved_file() -> None:
    lines = _lines(build_default_atlas())
    if os.environ.get("INTERVENTIONAL_REGENERATE_GOLDEN"):
        APPROVED.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _compare(lines)


def test_the_cached_atlas_matches_the_approved_file() -> None:
    _compare(_lines(default_atlas()))
