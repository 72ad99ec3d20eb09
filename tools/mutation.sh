#!/usr/bin/env bash
# Mutation testing with mutmut (3.x) over one area of the library, printing the score.
#
#   tools/mutation.sh [safety|anatomy] [--worktree]
#
# Not part of CI (`.ci/run`): a run over safety/ takes tens of minutes on two cores (the date,
# score and duration of the last measured run are in docs/explanation/quality-report.md).
#
# The run happens in a scratch copy of the project (MUTATION_WORKDIR, default a fresh temporary
# directory), so the checkout is never touched: by default a snapshot of the committed tree
# (`git archive HEAD`), with --worktree a copy of the working tree instead. mutmut is
# configured there through a generated setup.cfg. Hypothesis runs derandomised, so that a
# mutant is killed or survives the same way on every run.
#
# Environment: PYTHON (default: the interpreter of /work/venv if present, else python3; it
# needs the package's test dependencies and mutmut), MUTATION_CHILDREN (parallel workers,
# default 2), MUTATION_TIMEOUT (seconds for the whole run, default 1500; a run cut short
# reports the mutants it checked), MUTATION_WORKDIR (kept afterwards for `mutmut results` and
# `mutmut show NAME`).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
area=${1:-safety}
source_kind=${2:-}

case "$area" in
safety)
    tests=(tests/safety tests/safety_mutation tests/properties/test_safety_monotonicity.py
        tests/properties/test_units_fields.py tests/properties/test_threads.py)
    ;;
anatomy)
    tests=(tests/anatomy tests/properties/test_atlas_graph.py tests/properties/test_atlas_levels.py
        tests/properties/test_atlas_invariants.py)
    ;;
*)
    echo "usage: tools/mutation.sh [safety|anatomy] [--worktree]" >&2
    exit 2
    ;;
esac

if [ -z "${PYTHON:-}" ]; then
    if [ -x /work/venv/bin/python ]; then PYTHON=/work/venv/bin/python; else PYTHON=python3; fi
fi
bindir=$(dirname "$PYTHON")
mutmut=("$PYTHON" -m mutmut)
[ -x "$bindir/mutmut" ] && mutmut=("$bindir/mutmut")

work=${MUTATION_WORKDIR:-$(mktemp -d -t interventional-mutation.XXXXXX)}
mkdir -p "$work"
echo "scratch copy: $work"

if [ "$source_kind" = "--worktree" ]; then
    (cd "$root" && tar cf - --exclude='__pycache__' --exclude='*.pyc' src tests examples pyproject.toml) |
        (cd "$work" && tar xf -)
    revision="working tree of $(git -C "$root" rev-parse --short HEAD)"
else
    git -C "$root" archive HEAD src tests examples pyproject.toml | (cd "$work" && tar xf -)
    revision=$(git -C "$root" rev-parse --short HEAD)
fi

# Only the selected tests run (and only those that reach a mutated function, per mutant).
selection=()
for path in "${tests[@]}"; do
    [ -e "$work/$path" ] && selection+=("$path")
done
# Tests that fail on the unmutated code cannot judge a mutant (mutmut refuses to start when
# one does): run the selection once, derandomised, and leave the failures out (listed).
common_args=(-p no:cacheprovider --hypothesis-seed=0 -o "addopts=--strict-markers"
    -W "ignore::DeprecationWarning")
(cd "$work" && MPLBACKEND=Agg "$PYTHON" -m pytest -q -rf "${common_args[@]}" "${selection[@]}" \
    >clean-run.log 2>&1) || true
mapfile -t failing < <(sed -n 's/^FAILED \([^ ]*\).*/\1/p' "$work/clean-run.log")
for nodeid in "${failing[@]}"; do
    echo "left out (fails on the unmutated code): $nodeid"
    selection+=(--deselect "$nodeid")
done

{
    echo "[mutmut]"
    echo "source_paths = src"
    echo "also_copy = examples"
    echo "only_mutate = src/interventional/$area/*"
    echo "pytest_add_cli_args_test_selection ="
    printf '    %s\n' "${selection[@]}"
    echo "pytest_add_cli_args ="
    printf '    %s\n' "${common_args[@]}"
    echo "timeout_multiplier = 5.0"
} >"$work/setup.cfg"

cd "$work"
export MPLBACKEND=Agg
started=$(date +%s)
status=0
timeout "${MUTATION_TIMEOUT:-1500}" "${mutmut[@]}" run --max-children "${MUTATION_CHILDREN:-2}" \
    >mutmut-run.log 2>&1 || status=$?
elapsed=$(($(date +%s) - started))
tail -n 5 mutmut-run.log | tr '\r' '\n' | tail -n 3
[ "$status" -eq 124 ] && echo "(stopped by MUTATION_TIMEOUT after ${elapsed}s: partial results)"

"${mutmut[@]}" export-cicd-stats >/dev/null
"$PYTHON" - "$area" "$revision" "$elapsed" <<'EOF'
import json
import sys
from datetime import datetime, timezone

area, revision, elapsed = sys.argv[1], sys.argv[2], int(sys.argv[3])
stats = json.load(open("mutants/mutmut-cicd-stats.json"))
killed = stats["killed"] + stats["timeout"] + stats["segfault"]
missed = stats["survived"] + stats["no_tests"] + stats["suspicious"]
done = killed + missed + stats["skipped"] + stats["check_was_interrupted_by_user"]
score = 100 * killed / (killed + missed) if killed + missed else 0.0
print(f"mutation score of {area}/ at {revision}, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
print(f"  mutants: {stats['total']}  killed: {stats['killed']}  timeout: {stats['timeout']}"
      f"  killed by signal: {stats['segfault']}  survived: {stats['survived']}"
      f"  no tests: {stats['no_tests']}  suspicious: {stats['suspicious']}"
      f"  not checked: {stats['total'] - done}")
print(f"  score = killed / (killed + survived + no tests + suspicious): {score:.1f}%")
print(f"  duration: {elapsed // 60} min {elapsed % 60} s")
EOF
echo "survivors: cd $work && ${mutmut[*]} results"
