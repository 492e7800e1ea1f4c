"""The commented starter file ``psa-config init`` writes (checks clean: tests/psa_config/test_init_command.py)."""

from __future__ import annotations

STARTER = """\
# attention_config.yaml: Pyramid Sparse Attention presets, written by `psa-config init`.
#
# `psa-config check` finds every mistake; `psa-config tui` edits this file;
# `psa-config set/new/rm/rename/default` and `psa-config model ...` edit it
# from the command line; `psa-config dry-run --model Wan2.1_1.3b` tries a
# preset. `psa-config rules` lists what check looks for.

# One section per video model; the runtime picks it by name (Wan or CogVideo in it).
Wan2.1_1.3b:
  # The preset used when none is named: a key of attention_configs below.
  default_attention: psa_topk
  # Pixels (or frames) per token: the token grid is
  # ceil(W/width) x ceil(H/height) x ceil(F/depth).
  video_scale:
    width_divisor: 16
    height_divisor: 16
    depth_divisor: 4
  # Text tokens in the attention sequence (0 for text-free models).
  text_length: 0
  attention_configs:
    # Full attention: the baseline to compare against.
    baseline:
      type: dense
      description: "Dense baseline without sparsity."
    # A PSA preset. Each query block ranks the key blocks by importance;
    # mask_ratios gives each level a [start, end] share of that ranking:
    # 1 = full resolution, 2/4/8 = keys and values mean-pooled by that
    # factor, 0 = skipped. Ranges chain from 0 to 1 in the order 1, 2, 4, 8, 0.
    # With topk the expected FLOP density is sum (end - start) / level:
    # here 0.10 + 0.05/2 + 0.05/4 + 0.20/8 = 0.1625.
    psa_topk:
      type: psa
      description: "topk PSA preset: about 16% of dense attention's FLOPs."
      use_rearrange: true
      use_sim_mask: false
      block_size:
        m: 128
        n: 128
        tile_n: 32
      mask_ratios:
        1: [0.00, 0.10]
        2: [0.10, 0.15]
        4: [0.15, 0.20]
        8: [0.20, 0.40]
        0: [0.40, 1.00]
      mask_mode: topk
      attn_impl: new_mask_type
      warmup_steps: 0
      rearrange_method: Gilbert
      verbose: false
"""
