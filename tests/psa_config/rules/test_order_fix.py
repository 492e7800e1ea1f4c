"""PSA205's fix, written into the file as it says, leaves a preset that checks clean."""

from __future__ import annotations

import re

import pytest

from psa_config import check_text

PRESET = """CogVideo_5b:
  default_attention: p
  video_scale: {{width_divisor: 16, height_divisor: 16, depth_divisor: 4}}
  text_length: 0
  attention_configs:
    p:
      type: psa
      use_rearrange: true
      rearrange_method: Gilbert
      use_sim_mask: false
      warmup_steps: 0
      block_size: {{m: 128, n: 128, tile_n: 32}}
      mask_mode: topk
      attn_impl: new_mask_type
      tile_size: [2, 8, 8]
      mask_ratios: {{{ratios}}}
"""


@pytest.mark.parametrize("ratios", [
    "1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.2], 0: [0.2, 0.65], 8: [0.65, 1.0]",  # 0 before 8
    "1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.35], 0: [0.35, 1.0]",                # 8 missing
    "1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.2], 8: [0.2, 1.0]",                  # 0 missing
    "0: [0.0, 0.6], 1: [0.6, 0.7], 2: [0.7, 0.8], 4: [0.8, 0.9], 8: [0.9, 1.0]",     # 0 first
])
def test_the_order_fix_checks_clean_and_keeps_each_share(ratios: str) -> None:
    (order,) = [d for d in check_text(PRESET.format(ratios=ratios)) if d.code == "PSA205"]
    fixed = re.fullmatch(r"write (.*)", order.fix or "")
    assert fixed, order.fix
    text = PRESET.format(ratios=fixed.group(1))
    assert [d for d in check_text(text) if d.is_error] == []
    shares = {int(k): float(b) - float(a) for k, a, b in re.findall(r"(\d): \[([\d.]+), ([\d.]+)\]", ratios)}
    written = {int(k): float(b) - float(a) for k, a, b in re.findall(r"(\d): \[([\d.]+), ([\d.]+)\]", fixed.group(1))}
    assert all(abs(written[level] - share) < 1e-9 for level, share in shares.items())
