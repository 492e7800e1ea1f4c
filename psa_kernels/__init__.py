"""Pyramid Sparse Attention kernels: the reference (psa-semantics sections 2-4) and Triton kernels.

Public API::

    pyramid_attention(q, k, v, levels, *, block_m, block_n, tile_n=32, sm_scale=None,
                      causal=False, backend="auto") -> [B, H, L, D]
    build_levels(q, k, preset, *, seed=None, text_length=None) -> levels [B, H, Mq, Nk]
    estimate_importance(q, k, *, block_m, block_n, seed=None) -> scores [B, H, Mq, Nk]
    assign_levels(scores, preset, *, k=None, text_length=None) -> levels
    density(levels, *, block_m, block_n, seq_len) -> float

Triton is imported only when a Triton path runs; on CPU the reference runs
(or Triton's interpreter when ``TRITON_INTERPRET=1``).
"""

from __future__ import annotations

from psa_kernels.api import assign_levels, build_levels, density, estimate_importance, pyramid_attention

__all__ = ["assign_levels", "build_levels", "density", "estimate_importance", "pyramid_attention"]
