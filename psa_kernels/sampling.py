"""Shared helpers: padding and the random token offsets of the importance estimate.

Both the reference and the Triton estimate draw their offsets here, so the
same ``seed`` gives the same sampled tokens on every backend and device.
"""

from __future__ import annotations

import math

import torch


def pad_to_multiple(x: torch.Tensor, multiple: int) -> torch.Tensor:
    """Pad ``x`` ``[B, H, L, D]`` along L to a multiple of ``multiple`` by repeating the last token."""
    length = x.shape[2]
    padded = math.ceil(length / multiple) * multiple
    if padded == length:
        return x
    tail = x[:, :, -1:, :].expand(-1, -1, padded - length, -1)
    return torch.cat([x, tail], dim=2)


def sample_offsets(
    batch: int, heads: int, block: int, count: int, *, seed: int | None, device: torch.device
) -> torch.Tensor:
    """``count`` distinct offsets in ``[0, block)`` per (batch, head), sorted: ``[B, H, count]`` int64.

    Drawn on the CPU (a fixed generator when ``seed`` is given, the global
    one otherwise) so a seed means the same tokens on CPU and CUDA.
    """
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    noise = torch.rand(batch, heads, block, generator=generator)
    offsets = noise.topk(count, dim=-1).indices.sort(dim=-1).values
    return offsets.to(device)


def sampled_tokens(x: torch.Tensor, block: int, offsets: torch.Tensor) -> torch.Tensor:
    """The tokens at ``offsets`` inside every block of padded ``x``: ``[B, H, nblocks, count, D]``."""
    batch, heads, length, dim = x.shape
    blocks = x.view(batch, heads, length // block, block, dim)
    index = offsets[:, :, None, :, None].expand(-1, -1, blocks.shape[2], -1, dim)
    return torch.gather(blocks, 3, index)
