"""The calls a dry-run makes into ``psa_kernels``, in one place, by their public names."""

from __future__ import annotations

import torch

from psa_config.model import PsaPreset
from psa_kernels.data import Qkv


def estimate(qkv: Qkv, preset: PsaPreset, seed: int) -> torch.Tensor:
    import psa_kernels

    size = preset.block_size
    return psa_kernels.estimate_importance(qkv.q, qkv.k, block_m=size.m, block_n=size.n, seed=seed)


def assign(scores: torch.Tensor, qkv: Qkv, preset: PsaPreset, text_length: int) -> torch.Tensor:
    import psa_kernels

    return psa_kernels.assign_levels(scores, preset, k=qkv.k, text_length=text_length)


def attention(qkv: Qkv, levels: torch.Tensor, preset: PsaPreset, backend: str) -> torch.Tensor:
    import psa_kernels

    size = preset.block_size
    return psa_kernels.pyramid_attention(
        qkv.q, qkv.k, qkv.v, levels, block_m=size.m, block_n=size.n, tile_n=size.tile_n, backend=backend
    )


def density(levels: torch.Tensor, preset: PsaPreset, seq_len: int) -> float:
    import psa_kernels

    size = preset.block_size
    return float(psa_kernels.density(levels, block_m=size.m, block_n=size.n, seq_len=seq_len))


def reference_rows(
    qkv: Qkv, levels: torch.Tensor, preset: PsaPreset, blocks: list[int]
) -> tuple[torch.Tensor, torch.Tensor]:
    """The reference output of the given query blocks: (token rows, ``[B, H, rows, D]`` float32).

    Inputs go in as float32 so the result is not rounded back to bf16/fp16.
    """
    from psa_kernels import reference

    size = preset.block_size
    rows = reference.block_rows(blocks, size.m, qkv.q.shape[2]).to(qkv.q.device)
    q, k, v = (x.float() for x in qkv)
    out = reference.pyramid_attention(q, k, v, levels, block_m=size.m, block_n=size.n, query_blocks=blocks)
    return rows, out


def resolved_backend(device: torch.device) -> str:
    """What ``backend="auto"`` runs on ``device``."""
    return "triton" if device.type == "cuda" else "reference"
