#!/usr/bin/env bash
# Mutation testing on a machine with many cores (the device machine), several targets at once.
#
#   dev/mutation_on_device.sh SECONDS TARGET:WORKERS [TARGET:WORKERS ...]
#   e.g. through the `run` tool, carrying .whl-mut:
#     bash dev/mutation_on_device.sh 480 edit:28 reference:12 masks:12 source:10
#
# Installs the wheels in .whl-mut/ (mutmut, libcst, pydantic, ruamel.yaml, ...; see docs/testing.md)
# when they are there, runs each target's dev/mutation.sh in parallel with its own number of workers
# and a time limit of SECONDS each, on the CPU only (Triton's interpreter: forked mutmut workers
# cannot share a CUDA context), and copies each target's score, survivors and their diffs to $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
limit=$1
shift
OUT=${OUT:-/tmp/mutation-out}
mkdir -p "$OUT"
wheels=${MUTATION_WHEELS:-.whl-mut}
if compgen -G "$wheels/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "$wheels"/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
export CUDA_VISIBLE_DEVICES="" TRITON_INTERPRET=1 PYTHONUNBUFFERED=1
export PYTHON=${PYTHON:-$(command -v python3)} MUTMUT_TIME_LIMIT=$limit
export MUTATION_DIR=${MUTATION_DIR:-/tmp/psa-mutation}
echo "cores: $(nproc)"
for spec in "$@"; do
  target=${spec%%:*}
  MUTMUT_WORKERS=${spec##*:} bash dev/mutation.sh "$target" >"$OUT/$target.log" 2>&1 &
done
wait
for spec in "$@"; do
  target=${spec%%:*}
  for name in survivors.txt survivors.diff; do
    cp "$MUTATION_DIR/$target/mutmut-$name" "$OUT/$target-$name" 2>/dev/null
  done
  tail -c 3000 "$MUTATION_DIR/$target/mutmut-run.log" >"$OUT/$target-run-tail.log" 2>/dev/null
  echo "== $target"
  grep -E "killed \(|stopped after" "$OUT/$target.log" || tail -5 "$OUT/$target.log"
done
