#!/usr/bin/env bash
# Mutation testing with mutmut (3.x) over one area of the library, printing the score.
#
#   tools/mutation.sh [safety|anatomy] [--worktree | --report]
#
# Not part of CI (`.ci/run`): a whole run over safety/ takes about half an hour on two cores (the
# date, score and duration of the last measured run are in docs/explanation/quality-report.md).
#
# The run happens in a scratch copy of the project (MUTATION_WORKDIR, default a fresh temporary
# directory), so the checkout is never touched: a snapshot of the committed tree
# (`git archive HEAD`), or with --worktree of the working tree. mutmut is configured there
# through a generated setup.cfg. Hypothesis tests run derandomised with at most
# MUTATION_MAX_EXAMPLES examples each (tools/mutation_plugin.py), so that a mutant is judged
# the same way on every run. Tests that fail on the unmutated code are left out (and listed).
#
# A run cut short by MUTATION_TIMEOUT keeps its results: run the script again with the same
# MUTATION_WORKDIR to continue (the tests are refreshed from the checkout, the source is
# not); MUTATION_RECHECK=1 then also re-runs every surviving (or untested) mutant against the
# current tests.
#
# Environment: PYTHON (default: /work/venv/bin/python if present, else python3; needs the
# package's test dependencies and mutmut), MUTATION_CHILDREN (parallel workers, default 2),
# MUTATION_TIMEOUT (seconds, default 1500), MUTATION_MAX_EXAMPLES (default 10),
# MUTATION_WORKDIR (kept afterwards for `mutmut results` and `mutmut show NAME`),
# MUTATION_TESTS_REV (when continuing: take the tests of this commit, e.g. one whose approval
# files match the source being mutated).
# --report prints the score of the run in MUTATION_WORKDIR without running anything.
set -euo pipefail

# bash reads a script as it runs: run a private copy, so that editing this file during a
# long run cannot break it.
if [ -z "${MUTATION_SCRIPT_COPY:-}" ]; then
    MUTATION_ROOT=$(cd "$(dirname "$0")/.." && pwd)
    copy=$(mktemp -t mutation-script.XXXXXX)
    cp "$0" "$copy"
    MUTATION_SCRIPT_COPY=$copy MUTATION_ROOT=$MUTATION_ROOT exec bash "$copy" "$@"
fi
root=$MUTATION_ROOT
area=${1:-safety}
source_kind=${2:-}

case "$area" in
safety)
    tests=(tests/safety tests/safety_mutation tests/properties/test_safety_monotonicity.py)
    ;;
anatomy)
    tests=(tests/anatomy tests/properties/test_atlas_graph.py tests/properties/test_atlas_levels.py)
    ;;
*)
    echo "usage: tools/mutation.sh [safety|anatomy] [--worktree]" >&2
    exit 2
    ;;
esac

if [ -z "${PYTHON:-}" ]; then
    if [ -x /work/venv/bin/python ]; then PYTHON=/work/venv/bin/python; else PYTHON=python3; fi
fi
mutmut=("$PYTHON" -m mutmut)
[ -x "$(dirname "$PYTHON")/mutmut" ] && mutmut=("$(dirname "$PYTHON")/mutmut")

work=${MUTATION_WORKDIR:-$(mktemp -d -t interventional-mutation.XXXXXX)}
mkdir -p "$work"
echo "scratch copy: $work"

snapshot() { # snapshot PATHS... : the committed tree (or the working tree) on stdout, as tar
    if [ "$source_kind" = "--worktree" ]; then
        (cd "$root" && tar cf - --exclude='__pycache__' --exclude='*.pyc' "$@")
    else
        git -C "$root" archive HEAD "$@"
    fi
}

common_args=(-p no:cacheprovider -p mutation_plugin -o "addopts=--strict-markers"
    -W "ignore::DeprecationWarning")
export MPLBACKEND=Agg PYTHONPATH="$work${PYTHONPATH:+:$PYTHONPATH}"
export MUTATION_MAX_EXAMPLES=${MUTATION_MAX_EXAMPLES:-10}

if [ "$source_kind" = "--report" ]; then
    revision=$(cat "$work/revision" 2>/dev/null || echo unknown)
elif [ -f "$work/setup.cfg" ] && [ -d "$work/mutants" ]; then
    echo "continuing the run in $work (tests refreshed from the checkout)"
    rm -rf "$work/tests" "$work/mutants/tests"
    if [ -n "${MUTATION_TESTS_REV:-}" ]; then # the tests of another commit (matching the source)
        git -C "$root" archive "$MUTATION_TESTS_REV" tests | (cd "$work" && tar xf -)
    else
        snapshot tests | (cd "$work" && tar xf -)
    fi
    cp -r "$work/tests" "$work/mutants/tests"
    revision=$(cat "$work/revision")
else
    snapshot src tests examples pyproject.toml | (cd "$work" && tar xf -)
    cp "$root/tools/mutation_plugin.py" "$work/"
    if [ "$source_kind" = "--worktree" ]; then
        revision="working tree of $(git -C "$root" rev-parse --short HEAD)"
    else
        revision=$(git -C "$root" rev-parse --short HEAD)
    fi
    echo "$revision" >"$work/revision"
    for path in "${tests[@]}"; do # a fixed selection, so that a later run can continue
        case "$path" in *.py) [ -e "$work/$path" ] || touch "$work/$path" ;; *) mkdir -p "$work/$path" ;; esac
    done
    selection=("${tests[@]}")
    # Tests that fail on the unmutated code cannot judge a mutant (mutmut refuses to start
    # when one does): run the selection once and leave the failures out.
    (cd "$work" && "$PYTHON" -m pytest -q -rf "${common_args[@]}" "${selection[@]}" \
        >clean-run.log 2>&1) || true
    mapfile -t failing < <(sed -n 's/^FAILED \([^ ]*\).*/\1/p' "$work/clean-run.log")
    # reads the source files, which in mutmut's copy hold every mutant at once
    selection+=(--deselect tests/safety/test_wording.py::test_every_template_the_code_names_exists)
    for nodeid in "${failing[@]}"; do
        echo "left out (fails on the unmutated code): $nodeid"
        selection+=(--deselect "$nodeid")
    done
    {
        echo "[mutmut]"
        echo "source_paths = src"
        echo "also_copy ="
        echo "    examples"
        echo "    mutation_plugin.py"
        echo "only_mutate = src/interventional/$area/*"
        echo "pytest_add_cli_args_test_selection ="
        printf '    %s\n' "${selection[@]}"
        echo "pytest_add_cli_args ="
        printf '    %s\n' "${common_args[@]}"
        echo "timeout_multiplier = 5.0"
    } >"$work/setup.cfg"
fi

cd "$work"
if [ "$source_kind" = "--report" ]; then
    MUTATION_TIMEOUT=0
fi
started=$(date +%s)
limit=${MUTATION_TIMEOUT:-1500}
status=0
if [ "$limit" -gt 0 ]; then
    timeout "$limit" "${mutmut[@]}" run --max-children "${MUTATION_CHILDREN:-2}" \
        >>mutmut-run.log 2>&1 || status=$?
fi
if [ "${MUTATION_RECHECK:-0}" = 1 ] && [ "$status" -eq 0 ] && [ "$limit" -gt 0 ]; then
    mapfile -t survivors < <("${mutmut[@]}" results --all true 2>/dev/null |
        sed -n 's/^ *\([^ :]*\): \(survived\|no tests\)$/\1/p')
    left=$((limit - ($(date +%s) - started)))
    if [ "${#survivors[@]}" -gt 0 ] && [ "$left" -gt 60 ]; then
        echo "re-checking ${#survivors[@]} survivors against the current tests"
        timeout "$left" "${mutmut[@]}" run --max-children "${MUTATION_CHILDREN:-2}" \
            "${survivors[@]}" >>mutmut-run.log 2>&1 || status=$?
    fi
fi
elapsed=$(($(date +%s) - started))
[ "$limit" -gt 0 ] && echo "$elapsed" >>durations
[ "$status" -eq 124 ] && echo "(stopped by MUTATION_TIMEOUT after ${elapsed}s: run again to continue)"

"${mutmut[@]}" export-cicd-stats >/dev/null
total=$( (cat durations 2>/dev/null || true) | paste -sd+ | bc)
"$PYTHON" - "$area" "$revision" "${total:-0}" <<'EOF'
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
      f"  not checked yet: {stats['total'] - done}")
print(f"  score = killed / (killed + survived + no tests + suspicious): {score:.1f}%")
print(f"  time spent mutating (all runs in this scratch copy): {elapsed // 60} min {elapsed % 60} s")
EOF
echo "survivors: cd $work && ${mutmut[*]} results; ${mutmut[*]} show NAME"
