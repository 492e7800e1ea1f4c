"""The public kernel API: validated entry points that pick Triton or the reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from psa_kernels import reference
from psa_kernels import validate as check

if TYPE_CHECKING:
    from psa_config.model import PsaPreset


def pyramid_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    levels: torch.Tensor,
    *,
    block_m: int,
    block_n: int,
    tile_n: int = 32,
    sm_scale: float | None = None,
    causal: bool = False,
    backend: str = "auto",
) -> torch.Tensor:
    """Attention of ``q, k, v`` ``[B, H, L, D]`` under a level map (psa-semantics section 4).

    ``levels`` is an integer tensor ``[B, H, ceil(L/block_m), ceil(L/block_n)]``
    of 0/1/2/4/8. ``tile_n`` is the preset's key tile: it is checked, and the
    level map's alignment already reflects it; the Triton kernel gathers
    pooled blocks into its own key tiles, so the result does not depend on
    it. ``backend``: ``"triton"``, ``"reference"`` or ``"auto"`` (Triton on
    CUDA, the reference otherwise). Returns ``[B, H, L, D]`` in ``q.dtype``.
    """
    check.check_qkv(q, k, v)
    check.check_block_sizes(block_m, block_n, tile_n)
    batch, heads, seq_len, dim = q.shape
    scale = check.check_scale(sm_scale, dim)
    resolved = check.check_backend(backend, q)
    # the Triton path counts bad level values in its encoding pass and raises after launching
    check.check_levels(levels, (batch, heads, *check.grid_shape(seq_len, block_m, block_n)), q.device,
                       values=resolved == "reference")
    if resolved == "reference":
        return reference.pyramid_attention(
            q, k, v, levels, block_m=block_m, block_n=block_n, sm_scale=scale, causal=bool(causal)
        )
    from psa_kernels.attention import pyramid_attention_triton

    q, k, v = (check.unit_stride(x) for x in (q, k, v))
    check.check_triton_size(seq_len, block_n, q, k, v)
    return pyramid_attention_triton(
        q, k, v, levels.contiguous(), block_m=block_m, block_n=block_n, sm_scale=scale, causal=bool(causal)
    )


def estimate_importance(
    q: torch.Tensor,
    k: torch.Tensor,
    *,
    block_m: int,
    block_n: int,
    seed: int | None = None,
    backend: str = "auto",
) -> torch.Tensor:
    """Block importance ``S`` ``[B, H, Mq, Nk]``, rows summing to 1 (section 2).

    The same ``seed`` samples the same tokens on every backend and device.
    """
    check.check_qkv(q, k)
    check.check_block_sizes(block_m, block_n)
    if check.check_backend(backend, q) == "reference" or q.shape[-1] not in check.TRITON_HEAD_DIMS:
        return reference.estimate_importance(q, k, block_m=block_m, block_n=block_n, seed=seed)
    from psa_kernels.estimate import estimate_importance_triton

    return estimate_importance_triton(
        check.unit_stride(q), check.unit_stride(k), block_m=block_m, block_n=block_n, seed=seed
    )


def assign_levels(
    scores: torch.Tensor,
    preset: PsaPreset,
    *,
    k: torch.Tensor | None = None,
    text_length: int | None = None,
) -> torch.Tensor:
    """The level map ``[B, H, Mq, Nk]`` (int8) a preset assigns to importance ``scores`` (section 3).

    ``k`` is required for the similarity cap (``use_sim_mask`` with
    old_mask_type). ``text_length=None`` means ``preset.text_length or 0``.
    """
    _check_preset(preset)
    if not isinstance(scores, torch.Tensor) or scores.dim() != 4 or not scores.is_floating_point():
        raise ValueError("scores must be a floating-point tensor [B, H, Mq, Nk]")
    if text_length is not None and (not isinstance(text_length, int) or text_length < 0):
        raise ValueError(f"text_length must be an int >= 0, got {text_length!r}")
    if k is not None:
        check.check_qkv(k, k)
    from psa_kernels.masks import assign_levels_fast

    return assign_levels_fast(scores, preset, k=k, text_length=text_length)


def build_levels(
    q: torch.Tensor,
    k: torch.Tensor,
    preset: PsaPreset,
    *,
    seed: int | None = None,
    text_length: int | None = None,
) -> torch.Tensor:
    """Estimate + assignment: the level map ``preset`` gives ``q, k``."""
    _check_preset(preset)
    check.check_qkv(q, k)
    size = preset.block_size
    scores = estimate_importance(q, k, block_m=size.m, block_n=size.n, seed=seed)
    return assign_levels(scores, preset, k=k, text_length=text_length)


def density(levels: torch.Tensor, *, block_m: int, block_n: int, seq_len: int) -> float:
    """FLOP density of a level map: mean of ``1/l`` over kept blocks, 0 for skipped ones."""
    check.check_block_sizes(block_m, block_n)
    if not isinstance(seq_len, int) or seq_len <= 0:
        raise ValueError(f"seq_len must be a positive int, got {seq_len!r}")
    if not isinstance(levels, torch.Tensor) or levels.dim() != 4:
        raise ValueError("levels must be a tensor [B, H, ceil(L/m), ceil(L/n)]")
    check.check_levels(levels, (*levels.shape[:2], *check.grid_shape(seq_len, block_m, block_n)))
    return reference.density(levels)


def _check_preset(preset: object) -> None:
    from psa_config.model import PsaPreset

    if not isinstance(preset, PsaPreset):
        raise ValueError(f"preset must be a psa_config.model.PsaPreset (type: psa), got {type(preset).__name__}")
