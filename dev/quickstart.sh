#!/usr/bin/env bash
# The main job: set up, check the bundled presets, dry-run one preset on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
bash dev/setup.sh
. .venv/bin/activate
psa-config check configs/attention_config.yaml
psa-config dry-run configs/attention_config.yaml --model CogVideo_5b --device cpu
