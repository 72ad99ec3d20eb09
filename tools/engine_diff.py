"""Differential check of the safety engine against another git revision.

Run from the project root: ``python tools/engine_diff.py [REV]`` (default ``main``). The
revision's ``src/`` is extracted from git history into a temporary directory; the same
deterministic workload (the bench mix of ``bench/bench_safety.py``, with every message
read, plus a rule set with another policy and aware times) is assessed by both engines in
fresh interpreters, and every line that differs is reported. Exit status 1 on a
difference. Nothing of the old engine is kept in the tree.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKLOAD = r"""
import sys
from datetime import UTC, timedelta
sys.path.insert(0, sys.argv[1])
import attrs
import bench_safety as b
from interventional.safety import Patient, assess, default_rules

rules = default_rules()
strict = rules.with_policy(attrs.evolve(rules.policy, concurrent_antithrombotics_min=1,
                                        local_anesthetic_near_fraction=0.2, inr_max=1.0))
plans = b._plans()
patients = b._patients(int(sys.argv[2]), seed=11)
import random
rng = random.Random(3)
out = []
def aware(p):
    return attrs.evolve(p, medications=[attrs.evolve(m, last_dose=None if m.last_dose is None else m.last_dose.replace(tzinfo=UTC)) for m in p.medications],
                        labs=[attrs.evolve(l, taken_at=None if l.taken_at is None else l.taken_at.replace(tzinfo=UTC)) for l in p.labs])
from interventional.safety import MedicationUse
round_two = "decision" in attrs.fields_dict(MedicationUse)
for index, patient in enumerate(patients):
    plan = rng.choice(plans)
    ruleset = strict if index % 3 == 0 else rules
    at = b.AT
    if index % 5 == 0:
        patient, at = aware(patient), at.replace(tzinfo=UTC)
    extra = {}
    if round_two:  # shared decisions and durations (issue 18), where the engine has them
        choice = rng.choice([None, None, "continue", "hold"])
        medications = [attrs.evolve(m, decision=choice) for m in patient.medications]
        patient = attrs.evolve(patient, medications=medications)
        if index % 4 == 1:
            extra["duration"] = timedelta(minutes=rng.randint(10, 120))
    for _ in range(2):  # twice: what is kept between calls must give the same answer
        result = assess(patient, plan, at=at, rules=ruleset, **extra)
    out.append(f"#{index} {plan.procedure.id}")
    out.append(result.explain())
    out.append(repr(sorted(result.restart.items())))
print("\n".join(out))
"""


def _run(src: Path, n: int) -> list[str]:
    env_path = f"{src}"
    done = subprocess.run(
        [sys.executable, "-c", WORKLOAD, str(ROOT / "bench"), str(n)],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    return done.stdout.splitlines()


def extract_src(rev: str, into: Path) -> Path:
    """Extract the ``src/`` of a git revision into a directory; return its ``src``."""
    archive = subprocess.run(
        ["git", "archive", rev, "src"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main(argv: list[str]) -> int:
    rev = argv[1] if len(argv) > 1 else "main"
    n = int(argv[2]) if len(argv) > 2 else 3000
    with tempfile.TemporaryDirectory() as tmp:
        old = _run(extract_src(rev, Path(tmp)), n)
    new = _run(ROOT / "src", n)
    differences = [(i, a, b) for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    if len(old) != len(new):
        print(f"line counts differ: {rev} {len(old)}, this tree {len(new)}")
    for i, a, b in differences[:20]:
        print(f"line {i}:\n  {rev}: {a}\n  here: {b}")
    print(f"{len(old)} lines compared, {len(differences)} differ")
    return 1 if differences or len(old) != len(new) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
