"""The documentation's notebooks run from a clean interpreter (the docs build runs them too).

Each MyST notebook's code cells are executed in order, in one fresh Python process per
notebook, with matplotlib's non-interactive backend. Only the plain-Python subset of
notebook syntax is used in the docs (no magics), which this test also guards.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOTEBOOKS = sorted(
    path
    for path in DOCS.rglob("*.md")
    if "_build" not in path.parts and "file_format: mystnb" in path.read_text(encoding="utf-8")
)
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", flags=re.DOTALL | re.MULTILINE)

pytest.importorskip("IPython", reason="the notebooks display through IPython (docs extra)")
pytest.importorskip("matplotlib", reason="the notebooks draw with matplotlib (plot extra)")


def code_cells(path: Path) -> list[str]:
    cells = []
    for body in CELL.findall(path.read_text(encoding="utf-8")):
        lines = [line for line in body.splitlines() if not line.startswith(":")]
        cells.append("\n".join(lines))
    return cells


def test_every_notebook_has_code() -> None:
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        assert code_cells(path), path


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(DOCS)))
def test_notebook_runs(path: Path) -> None:
    cells = code_cells(path)
    for cell in cells:
        assert not re.search(r"^\s*[%!]", cell, flags=re.MULTILINE), "magics are not supported"
    # Run each cell as its own statement block, the way a kernel would, in one namespace.
    program = "\n".join(
        [
            "from IPython.display import display  # noqa: F401",
            "namespace = {'display': display}",
            *(
                f"exec(compile({cell!r}, 'cell-{i}', 'exec'), namespace)"
                for i, cell in enumerate(cells)
            ),
        ]
    )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program)],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
