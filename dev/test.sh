#!/usr/bin/env bash
# Set up and run the whole test suite (CPU; Triton kernels run under TRITON_INTERPRET=1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash dev/setup.sh
. .venv/bin/activate
HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}" python -m pytest -q -n "${PYTEST_WORKERS:-2}" "$@"
