#!/usr/bin/env bash
# Tune Wan2.1_1.3b on a CUDA card (made for the H200 run the README reports), twice:
#   1. on synthetic local-attention data (--data local, 2 samples, full 832x480x81 size);
#   2. on q, k, v captured from a tiny random Wan transformer at the same attention shape.
# Writes under $OUT (default ./tune_out): per run a JSON report, the table and terminal plot
# (.txt), the Pareto PNG, the --write --dry-run diff, and README_snippet.md with the card
# and the wall times. Captured tensors go to $QKV_DIR (default /tmp/psa_qkv), not $OUT.
# Usage: bash dev/tune_h200.sh   (TRIALS, BUDGET_LOCAL, BUDGET_CAPTURED, DEVICE, VIDEO override the defaults;
#        DEVICE=cpu VIDEO=128x96x9 TRIALS=3 checks the script on a CPU in a minute)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-tune_out}
QKV_DIR=${QKV_DIR:-/tmp/psa_qkv}
TRIALS=${TRIALS:-40}
BUDGET_LOCAL=${BUDGET_LOCAL:-0.15}
BUDGET_CAPTURED=${BUDGET_CAPTURED:-0.25}
DEVICE=${DEVICE:-cuda}
VIDEO=${VIDEO:-832x480x81}
MODEL=Wan2.1_1.3b
mkdir -p "$OUT"
if [ -x .venv/bin/python ]; then . .venv/bin/activate; fi
python -c "import optuna, plotext, matplotlib, diffusers" 2>/dev/null || python -m pip install -q -e ".[kernels,tune,capture]"
CARD=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
CONFIG="$OUT/attention_config.yaml"
cp configs/attention_config.yaml "$CONFIG"

tune() {  # tune NAME BUDGET ARGS...: JSON, text (table + plot + diff), PNG; wall time in NAME.seconds
  local name=$1 budget=$2; shift 2
  local start=$SECONDS
  psa-config tune "$CONFIG" --model "$MODEL" --max-error "$budget" --trials "$TRIALS" \
    --device "$DEVICE" --storage "sqlite:///$OUT/tune.db" --study "$name" --per-sample \
    --plot "$OUT/$name.png" --json-file "$OUT/$name.json" --write "psa_tuned_$name" --dry-run "$@" \
    > "$OUT/$name.txt" 2> "$OUT/$name.err"
  echo "exit $?" >> "$OUT/$name.err"
  echo $((SECONDS - start)) > "$OUT/$name.seconds"
}

tune local "$BUDGET_LOCAL" --data local --samples 2 --video "$VIDEO"

start=$SECONDS
rm -rf "$QKV_DIR"
python dev/capture_tiny_wan.py --out "$QKV_DIR" --video "$VIDEO" --layers 0,1 --steps 2 --device "$DEVICE" \
  > "$OUT/capture.txt" 2>&1
echo $((SECONDS - start)) > "$OUT/capture.seconds"
tune captured "$BUDGET_CAPTURED" --qkv "$QKV_DIR"

{
  echo "Card: ${CARD:-unknown}; $TRIALS trials per run; $(date -u +%Y-%m-%d)."
  echo
  echo "### $MODEL on --data local (2 samples, $VIDEO, budget rel-l2 $BUDGET_LOCAL): $(cat "$OUT/local.seconds") s"
  echo; echo '```'; sed '/^--- a\//,$d' "$OUT/local.txt"; echo '```'
  echo; echo "![Pareto front, local data]($OUT/local.png)"
  echo
  echo "### $MODEL on q, k, v of a tiny random Wan transformer (capture: $(cat "$OUT/capture.seconds") s; tune: $(cat "$OUT/captured.seconds") s, budget $BUDGET_CAPTURED)"
  echo; echo '```'; sed '/^--- a\//,$d' "$OUT/captured.txt"; echo '```'
  echo; echo "![Pareto front, captured tensors]($OUT/captured.png)"
} > "$OUT/README_snippet.md"
cat "$OUT/README_snippet.md"
