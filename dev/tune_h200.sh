#!/usr/bin/env bash
# Tune Wan2.1_1.3b on a CUDA card (made for the H200 run the README reports), twice:
#   1. on synthetic local-attention data (--data local, 2 samples, full 832x480x81 size);
#   2. on q, k, v captured from a tiny random Wan transformer at the same attention shape.
# Writes 8 files under $OUT (default ./tune_out): per run (local, captured) the table, terminal plot
# and --write --dry-run diff (.txt), the JSON report and the Pareto PNG; README_snippet.md (card,
# wall times, tables); log.txt. Captured tensors go to $QKV_DIR (default /tmp/psa_qkv), the study
# database and timings to $WORK (default /tmp/psa_tune_work).
# On the device machine: carry .whl and .whl-tune (bash dev/tune_wheels.sh makes the latter), then
#   OUT=$OUT bash dev/tune_h200.sh        (about 5-8 minutes on an H200: Triton compiles once per n and mode)
# Usage: bash dev/tune_h200.sh   (TRIALS, BUDGET_LOCAL, BUDGET_CAPTURED, DEVICE, VIDEO, PART override the defaults;
#        DEVICE=cpu VIDEO=128x96x9 TRIALS=3 checks the script on a CPU in a minute)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-tune_out}
QKV_DIR=${QKV_DIR:-/tmp/psa_qkv}
WORK=${WORK:-/tmp/psa_tune_work}  # study database, config copy, timings: not sent back
TRIALS=${TRIALS:-32}
BUDGET_LOCAL=${BUDGET_LOCAL:-0.15}
BUDGET_CAPTURED=${BUDGET_CAPTURED:-0.25}
DEVICE=${DEVICE:-cuda}
VIDEO=${VIDEO:-832x480x81}
MODEL=Wan2.1_1.3b
mkdir -p "$OUT" "$WORK"
PY=${PYTHON:-python3}
if [ "$DEVICE" = cpu ] && [ -x .venv/bin/python ]; then PY=.venv/bin/python; fi
# The device machine reaches no registry: carry the wheels (dev/tune_wheels.sh fills .whl-tune/;
# the core's own, pydantic and friends, sit in .whl/) and install them into /tmp/site.
if ! "$PY" -c "import optuna, plotext, diffusers, pydantic, psa_config" 2>/dev/null; then
  wheels=$(ls .whl/*.whl .whl-tune/*.whl 2>/dev/null)
  [ -n "$wheels" ] && "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site $wheels && export PYTHONPATH=/tmp/site
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
"$PY" -c "import torch, optuna, plotext; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())" \
  || { echo "missing packages: see dev/tune_wheels.sh" >&2; exit 2; }
PSA=("$PY" -m psa_config.cli)
CARD=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
CONFIG="$WORK/attention_config.yaml"
cp configs/attention_config.yaml "$CONFIG"

tune() {  # tune NAME BUDGET ARGS...: JSON, text (table + plot + diff), PNG; wall time in NAME.seconds
  local name=$1 budget=$2; shift 2
  local start=$SECONDS
  "${PSA[@]}" tune "$CONFIG" --model "$MODEL" --max-error "$budget" --trials "$TRIALS" \
    --device "$DEVICE" --storage "sqlite:///$WORK/tune.db" --study "$name" --per-sample \
    --plot "$OUT/$name.png" --json-file "$OUT/$name.json" --write "psa_tuned_$name" --dry-run "$@" \
    > "$OUT/$name.txt" 2> "$WORK/$name.err"
  echo "exit $?" >> "$WORK/$name.err"
  echo $((SECONDS - start)) > "$WORK/$name.seconds"
}

PART=${PART:-all}  # local, captured or all: two calls fit the device's 10-minute limit more easily
if [ "$PART" != captured ]; then
  tune local "$BUDGET_LOCAL" --data local --samples 2 --video "$VIDEO"
fi
if [ "$PART" != local ]; then
  start=$SECONDS
  rm -rf "$QKV_DIR"  # a new capture each run
  "$PY" dev/capture_tiny_wan.py --out "$QKV_DIR" --video "$VIDEO" --layers 0,1 --steps 1 --device "$DEVICE" \
    > "$WORK/capture.txt" 2>&1
  echo $((SECONDS - start)) > "$WORK/capture.seconds"
  tune captured "$BUDGET_CAPTURED" --qkv "$QKV_DIR"
fi

section() {  # section NAME TITLE: a README section from NAME.txt (the table and plot, not the diff)
  [ -f "$OUT/$1.txt" ] || return 0
  echo "### $2"
  echo; echo '```'; sed '/^--- a\//,$d' "$OUT/$1.txt"; echo '```'
  echo; echo "![Pareto front: $1](docs/tune_h200_$1.png)   <!-- copy \$OUT/$1.png there -->"
  echo
}
{
  echo "Card: ${CARD:-unknown}; $TRIALS trials per run; $(date -u +%Y-%m-%d)."
  echo
  section local "$MODEL on --data local (2 samples, $VIDEO, budget rel-l2 $BUDGET_LOCAL): $(cat "$WORK/local.seconds" 2>/dev/null) s"
  section captured "$MODEL on q, k, v of a tiny random Wan transformer (capture: $(cat "$WORK/capture.seconds" 2>/dev/null) s; tune: $(cat "$WORK/captured.seconds" 2>/dev/null) s, budget $BUDGET_CAPTURED)"
} > "$OUT/README_snippet.md"
{
  "$PY" -c "import sys, torch, triton, optuna; print(sys.version.split()[0], 'torch', torch.__version__, 'triton', triton.__version__, 'optuna', optuna.__version__)"
  for f in local.err capture.txt captured.err; do echo "== $f"; cat "$WORK/$f" 2>/dev/null; done
} > "$OUT/log.txt" 2>&1
cat "$OUT/README_snippet.md"
