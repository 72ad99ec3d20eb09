"""The safety benchmark of another git revision and of this tree, in one run.

Run from the project root: ``python tools/bench_compare.py [REV] [ROUNDS]`` (default
``main``, 2 rounds). The revision's ``src/`` is extracted from git history into a
temporary directory; ``bench/bench_safety.py`` then runs in fresh interpreters against
each source tree in turn (alternating, so both see the same machine load), and the median
of each figure is printed side by side, with the ``wc -l`` of each ``safety/`` package.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from engine_diff import extract_src  # noqa: E402  (a script beside this one)

CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); import bench_safety as b\n"
    "for k, v in b.bench_assessments().items(): print(f'{k}\\t{v!r}')"
)


def _figures(src: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CODE, str(ROOT / "bench")],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
    )
    return {k: float(v) for k, v in (line.split("\t") for line in done.stdout.splitlines())}


def _lines(src: Path) -> int:
    return sum(
        len(path.read_text("utf-8").splitlines())
        for path in (src / "interventional" / "safety").rglob("*.py")
    )


def main(argv: list[str]) -> int:
    rev = argv[1] if len(argv) > 1 else "main"
    rounds = int(argv[2]) if len(argv) > 2 else 2
    with tempfile.TemporaryDirectory() as tmp:
        trees = {rev: extract_src(rev, Path(tmp)), "this tree": ROOT / "src"}
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for _ in range(rounds):
            for name, src in trees.items():
                runs[name].append(_figures(src))
        lines = {name: _lines(src) for name, src in trees.items()}
    names = list(trees)
    print(f"{'':<42}" + "".join(f"{name:>14}" for name in names))
    for key in runs[names[0]][0]:
        values = [statistics.median(run[key] for run in runs[name]) for name in names]
        print(f"{key:<42}" + "".join(f"{value:>14.4g}" for value in values))
    print(f"{'lines of safety/ (*.py)':<42}" + "".join(f"{lines[n]:>14}" for n in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
