#!/usr/bin/env bash
# Downloads into .whl-tune/ the wheels `psa-config tune` and capture need on the GPU machine that the
# machine's image lacks (Python 3.12, x86-64): optuna and its database layer, plotext, diffusers.
# The image already has numpy, matplotlib, rich, safetensors, huggingface-hub, Pillow, PyYAML, tqdm.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.whl-tune/' .git/info/exclude 2>/dev/null || echo '/.whl-tune/' >> .git/info/exclude
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] && PY=.venv/bin/python
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  -d .whl-tune optuna==5.0.0 sqlalchemy==2.1.9 alembic==1.20.1 mako==1.4.3 colorlog==6.12.0 \
  plotext==5.3.2 diffusers==0.42.1 importlib_metadata==8.7.0
ls .whl-tune
