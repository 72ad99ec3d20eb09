"""Write a pip constraints file that pins every declared dependency at its floor.

Reads ``pyproject.toml`` (the dependencies and every optional extra) and prints one
``name==floor`` line per package that has a ``>=`` floor, so that CI can install the
package at the oldest versions it claims to support and run the tests there::

    python tools/floors.py test > floors.txt
    python -m pip install --constraint floors.txt "dist/interventional-*.whl[test]"

The arguments name the extras to be installed (their floors, and those of the extras they
build on, are written; the other extras' are not).

A requirement without a floor (``==`` pins of the dev tools, self-references such as
``interventional[testing]``) is left out: pinned tools are already exact, and the package
itself is what is being installed. Where two extras give the same package different
floors, the higher one is the package's floor.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*)$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(requirement: str) -> tuple[str, list[str], str]:
    """A requirement's normalised name, its extras and its version clauses."""
    match = _REQUIREMENT.match(requirement.split(";", 1)[0])
    if match is None:
        raise SystemExit(f"tools/floors.py: cannot read the requirement {requirement!r}")
    wanted = [extra.strip() for extra in (match.group(2) or "").split(",") if extra.strip()]
    return _normalise(match.group(1)), wanted, match.group(3)


def floors(extras: Sequence[str] = (), pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """Map each normalised package name to its declared floor (the ``>=`` version).

    Parameters
    ----------
    extras : sequence of str
        The extras installed besides the dependencies; an extra that names the package
        itself (``interventional[testing,plot]``) brings in those extras too.
    """
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    own = _normalise(project["name"])
    optional: dict[str, list[str]] = project.get("optional-dependencies", {})
    requirements = [_parse(r) for r in project.get("dependencies", [])]
    pending, seen = list(extras), set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        if extra not in optional:
            raise SystemExit(f"tools/floors.py: pyproject.toml has no extra {extra!r}")
        seen.add(extra)
        for name, wanted, versions in map(_parse, optional[extra]):
            if name == own:
                pending.extend(wanted)
            else:
                requirements.append((name, wanted, versions))
    out: dict[str, str] = {}
    for name, _, versions in requirements:
        for clause in versions.split(","):
            clause = clause.strip()
            if clause.startswith(">="):
                floor = clause[2:].strip()
                known = out.get(name)
                if known is None or _version_key(floor) > _version_key(known):
                    out[name] = floor
    return out


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the constraints file of the dependencies and the extras named in ``argv``."""
    extras = list(sys.argv[1:] if argv is None else argv)
    for name, floor in sorted(floors(extras).items()):
        sys.stdout.write(f"{name}=={floor}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
