#!/bin/bash
# the final device call (calls 3 and 4), run from the repository root with `.whl` carried (pydantic and its
# dependencies as cp312 wheels: the device image has no pydantic): GPU tests, then the peer table and the eight-row table in one process (final v11 defaults)
cd "$(git rev-parse --show-toplevel 2>/dev/null || pwd)"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 3
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
start=$(date +%s)
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
  python3 -c "import torch, triton; print('torch', torch.__version__, 'triton', triton.__version__, torch.cuda.get_device_name())"
} 2>&1 | tee $OUT/00-card.txt
timeout 70 python3 -m pytest -q -m gpu tests/psa_kernels/test_kernels_attention.py tests/psa_kernels/test_kernels_api.py tests/psa_kernels/test_kernels_estimate.py tests/psa_kernels/test_kernels_encode.py -n 8 -p no:cacheprovider 2>&1 | grep -v Warning | tail -8 | tee $OUT/01-gpu-tests.txt
timeout 45 python3 -m pytest -q tests/psa_kernels/test_kernels_attention.py -k "gated or level_one_only_map or map_facts or v11 or contiguous_tiles" -n 8 -rf -p no:cacheprovider 2>&1 | grep -v Warning | tail -12 | tee -a $OUT/01-gpu-tests.txt
echo "elapsed $(( $(date +%s) - start )) s"
timeout 380 python3 benchmarks/kernels.py --peer --dense-check --json $OUT/02-table.json 2>&1 | grep -v "fp-fusion\|fp_fusion\|warn" | tee $OUT/02-table.txt
echo "elapsed $(( $(date +%s) - start )) s"
