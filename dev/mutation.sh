#!/usr/bin/env bash
# Mutation testing with mutmut, one target at a time (not part of CI: it takes tens of minutes).
#
#   dev/mutation.sh [TARGET ...]     TARGET: rules edit source reference masks (default: all five)
#   (source: psa_config/source.py and the modules it was split into)
#
# Each target runs in its own scratch copy of the working tree ($MUTATION_DIR/TARGET, default
# /tmp/psa-mutation) with its own [tool.mutmut] section: only the target's files are mutated and only
# the tests that exercise them run (mutmut then picks, per mutant, the tests that reach the function).
# The copy keeps mutmut's cache, so a second run re-tests only functions that changed.
# Runs niced, with one worker by default (MUTMUT_WORKERS), under the quick Hypothesis profile
# (HYPOTHESIS_PROFILE, default dev). Prints, per target, the score and every mutant that was not
# killed; `mutmut show NAME` inside the scratch copy prints a mutant's diff.
# MUTANTS="psa_config.rules.ratios.*" runs (or re-runs) only the mutants whose names match.
# MUTATION_TESTS='"tests/a.py", "tests/b"' replaces the target's test selection (a narrower, faster one).
# MUTMUT_TIMEOUT_MULTIPLIER (mutmut's default 15) bounds a mutant's run at about 2 x multiplier x its tests' time.
# MUTMUT_TIME_LIMIT=SECONDS stops a target's run there and scores what ran (dev/mutation_on_device.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
MUTATION_DIR=${MUTATION_DIR:-/tmp/psa-mutation}
WORKERS=${MUTMUT_WORKERS:-1}
TIME_LIMIT=${MUTMUT_TIME_LIMIT:-0}  # seconds for one target's run; 0: no limit
export HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-dev}
# torch ops in a child forked after its parent ran them hang in the OpenMP pool (mutmut then reports timeouts)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
PYTHON=${PYTHON:-$REPO/.venv/bin/python}

only_mutate() {
  case "$1" in
    rules) echo '"psa_config/rules/*"' ;;
    edit) echo '"psa_config/edit/*"' ;;
    source) echo '"psa_config/source.py", "psa_config/source_*.py", "psa_config/scalar_ambiguity.py"' ;;
    reference) echo '"psa_kernels/reference.py"' ;;
    masks) echo '"psa_kernels/masks.py"' ;;
    *) echo "unknown target: $1 (rules edit source reference masks)" >&2; return 2 ;;
  esac
}

tests_for() {
  local checker='"tests/psa_config/rules", "tests/psa_config/test_checker.py", "tests/psa_config/test_properties.py",
    "tests/psa_config/test_line_columns.py", "tests/psa_config/test_yaml11_keys.py", "tests/psa_config/test_yaml11_messages.py", "tests/psa_config/test_api.py",
    "tests/psa_config/commands/test_check_command.py", "tests/psa_config/test_conformance.py", "tests/psa_config/test_reader_examples.py"'
  case "$1" in
    rules) echo "$checker" ;;
    source) echo "$checker, \"tests/psa_config/test_source.py\", \"tests/psa_config/test_source_errors.py\", \"tests/psa_config/test_source_walk.py\", \"tests/psa_config/test_reader_agreement.py\"" ;;
    edit) echo '"tests/psa_config/edit", "tests/psa_config/commands/test_edit_commands.py", "tests/psa_config/commands/test_model_and_init_commands.py"' ;;
    reference) echo '"tests/psa_kernels/test_kernels_reference.py", "tests/psa_kernels/test_reference_exact.py", "tests/psa_kernels/test_walk_oracle.py"' ;;
    masks) echo '"tests/psa_kernels/test_kernels_masks.py", "tests/psa_kernels/test_masks_dispatch.py", "tests/psa_kernels/test_walk_oracle.py"' ;;
  esac
}

# The working tree as it is now: tracked files and untracked files git does not ignore
# (outside a git checkout, as on the device machine: every file but wheels and virtual environments).
copy_tree() {
  local target_dir=$1
  mkdir -p "$target_dir"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' path; do
      [ -e "$path" ] && printf '%s\0' "$path"
    done | tar --null -T - -cf - | tar -xf - -C "$target_dir"
  else
    tar --exclude='./.whl*' --exclude=./.venv --exclude=./.git -cf - . | tar -xf - -C "$target_dir"
  fi
}

# Replaces [tool.mutmut] in the copy's pyproject.toml by the target's own section.
configure() {
  local target=$1 target_dir=$2
  local tests
  tests=${MUTATION_TESTS:-$(tests_for "$target" | tr -d '\n')}
  "$PYTHON" - "$target_dir/pyproject.toml" "$(only_mutate "$target")" "$tests" <<'PY'
import re, sys
path, only, tests = sys.argv[1:]
text = open(path, encoding="utf-8").read()
text = re.sub(r"\[tool\.mutmut\]\n(?:(?!\[).*\n|\n)*", "", text)
existing = [t.strip().strip('"') for t in tests.split(",")]
import os
present = ", ".join(f'"{t}"' for t in existing if os.path.exists(os.path.join(os.path.dirname(path), t)))
text += f"""
[tool.mutmut]
source_paths = ["psa_config", "psa_kernels"]
only_mutate = [{only}]
also_copy = ["configs/", "schema/", "tui/", "benchmarks/", "docs/", "README.md"]
pytest_add_cli_args = ["-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = [{present}]
timeout_multiplier = {os.environ.get("MUTMUT_TIMEOUT_MULTIPLIER", "15.0")}
"""
open(path, "w", encoding="utf-8").write(text)
PY
}

score() {
  "$PYTHON" - <<'PY'
import collections, re, subprocess, sys
out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], capture_output=True, text=True).stdout
by_module = collections.defaultdict(collections.Counter)
for line in out.splitlines():
    match = re.match(r"\s+(.+?)\.x[_ǁ].*: (.+)$", line)
    if match:
        by_module[match.group(1)][match.group(2)] += 1
for module, status in sorted(by_module.items()):
    tested = sum(n for s, n in status.items() if s != "not checked")
    killed = status["killed"] + status["timeout"] + status["caught by type check"]
    print(f"{module}: {killed}/{tested} killed ({100 * killed / max(tested, 1):.1f}%)  {dict(status)}")
PY
}

run_target() {
  local target=$1
  local target_dir=$MUTATION_DIR/$target
  only_mutate "$target" >/dev/null
  echo "== $target ($target_dir)"
  copy_tree "$target_dir"
  configure "$target" "$target_dir"
  # mutmut skips decorated functions: apply @register after the definition so the rules' checks are mutated
  [ "$target" != rules ] || "$PYTHON" dev/undecorate_for_mutmut.py "$target_dir"/psa_config/rules/*.py
  (
    cd "$target_dir"
    # shellcheck disable=SC2086  # MUTANTS is a list of name patterns
    status=0
    timeout -k 15 "$TIME_LIMIT" nice -n 19 "$PYTHON" -m mutmut run --max-children "$WORKERS" ${MUTANTS:-} >mutmut-run.log 2>&1 || status=$?
    if [ "$status" = 124 ]; then
      echo "stopped after MUTMUT_TIME_LIMIT=${TIME_LIMIT}: the score counts the mutants run so far"
    elif [ "$status" != 0 ]; then
      tail -20 mutmut-run.log
      exit 1
    fi
    score
    "$PYTHON" -m mutmut results | grep -v ': not checked$' | tee mutmut-survivors.txt
    # every mutant not killed, with its diff, for classifying it away from this copy
    grep -o '^ *[^ :]*' mutmut-survivors.txt | while read -r name; do "$PYTHON" -m mutmut show "$name"; done >mutmut-survivors.diff 2>&1 || true
  )
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rules edit source reference masks)
for target in "${targets[@]}"; do
  run_target "$target"
done
