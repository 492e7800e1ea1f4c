#!/usr/bin/env bash
# Creates .venv (if needed) and installs psa-config with every extra.
# torch is pinned to the CPU build that installs from local disk on the project's machines;
# elsewhere `pip install torch` of your choice works the same.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip >/dev/null
python -c "import torch" 2>/dev/null || python -m pip install -q "torch==${TORCH_VERSION:-2.13.0}"
python -m pip install -q -e ".[kernels,tui,test,tune,capture]"
