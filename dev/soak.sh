#!/usr/bin/env bash
# Hunt for rare property-test failures: every test file with a Hypothesis property or state machine, on
# fresh random examples at ten times CI's budget (the `soak` profile in tests/conftest.py; a test that pins
# its own max_examples keeps it, on fresh examples). CI itself is derandomized.
# Usage: bash dev/soak.sh [pytest args...]   e.g. bash dev/soak.sh -k pareto
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
mapfile -t files < <(grep -rlE --include='test_*.py' '@given|RuleBasedStateMachine' tests | sort)
HYPOTHESIS_PROFILE=soak python -m pytest -q -n "${PYTEST_WORKERS:-2}" -p no:cacheprovider "${files[@]}" "$@"
