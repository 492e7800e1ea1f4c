#!/usr/bin/env bash
# The main job: set up, check the bundled presets, dry-run one preset on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
bash dev/setup.sh
. .venv/bin/activate
psa-config check configs/attention_config.yaml
echo
echo "Dry-run on the CPU: it shows a preset's density per level and its error against dense attention;"
echo "its times are of the PyTorch reference and say nothing about GPU speed (a CUDA machine measures that)."
psa-config dry-run configs/attention_config.yaml --model CogVideo_5b --device cpu --data local
