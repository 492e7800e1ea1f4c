"""Device-side preparation for the attention kernel: the level-map encoding and the K/V pyramid.

Both are one Triton launch each (no sort, no host round trip), so the
attention call costs two light passes before the main kernel.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl


@triton.jit
def _encode_row(LEVELS, IDX, OFF, n_key_blocks, NK_POW2: tl.constexpr):
    """Counting sort of one row by level: block indices of level 1, then 2, 4, 8; offsets in OFF."""
    row = tl.program_id(0).to(tl.int64)
    j = tl.arange(0, NK_POW2)
    ok = j < n_key_blocks
    lv = tl.load(LEVELS + row * n_key_blocks + j, mask=ok, other=0).to(tl.int32)
    idx_row = IDX + row * n_key_blocks
    off_row = OFF + row * 8
    base = tl.sum(tl.zeros([NK_POW2], tl.int32), 0)
    for slot in tl.static_range(4):
        chosen = (lv == (1 << slot)) & ok
        as_int = chosen.to(tl.int32)
        position = base + tl.cumsum(as_int, 0) - 1
        tl.store(idx_row + position, j, mask=chosen)
        tl.store(off_row + slot, base)
        base += tl.sum(as_int, 0)
    tl.store(off_row + 4, base)


def encode_levels(levels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(index [B, H, Mq, Nk] int32, offsets [B, H, Mq, 8] int32)``: level l's blocks are
    ``index[..., offsets[s]:offsets[s + 1]]`` with ``l = 2**s``; entries past ``offsets[4]`` are unused."""
    batch, heads, mq, nk = levels.shape
    index = torch.empty(levels.shape, dtype=torch.int32, device=levels.device)
    offsets = torch.empty((batch, heads, mq, 8), dtype=torch.int32, device=levels.device)
    _encode_row[(batch * heads * mq,)](levels.contiguous(), index, offsets, nk,
                                       NK_POW2=triton.next_power_of_2(nk))
    return index, offsets


@triton.jit
def _pyramid_block(
    X, P, seq_len, heads, padded, stride_b, stride_h, stride_l,
    BLOCK_N: tl.constexpr, HEAD_DIM: tl.constexpr,
):
    """One key block: its rows at level 1 (padding = the last token repeated), then means of 2, 4, 8."""
    j = tl.program_id(0).to(tl.int64)
    bh = tl.program_id(1).to(tl.int64)
    rows = tl.minimum(j * BLOCK_N + tl.arange(0, BLOCK_N), seq_len - 1)
    offs_d = tl.arange(0, HEAD_DIM)
    x = tl.load(X + (bh // heads) * stride_b + (bh % heads) * stride_h + rows[:, None] * stride_l + offs_d[None, :])
    out = P + bh * (2 * padded - padded // 8) * HEAD_DIM
    dest = j * BLOCK_N + tl.arange(0, BLOCK_N)
    tl.store(out + dest[:, None] * HEAD_DIM + offs_d[None, :], x)
    x2 = tl.sum(tl.reshape(x.to(tl.float32), [BLOCK_N // 2, 2, HEAD_DIM]), 1) * 0.5
    dest2 = padded + j * (BLOCK_N // 2) + tl.arange(0, BLOCK_N // 2)
    tl.store(out + dest2[:, None] * HEAD_DIM + offs_d[None, :], x2.to(x.dtype))
    x4 = tl.sum(tl.reshape(x2, [BLOCK_N // 4, 2, HEAD_DIM]), 1) * 0.5
    dest4 = padded + padded // 2 + j * (BLOCK_N // 4) + tl.arange(0, BLOCK_N // 4)
    tl.store(out + dest4[:, None] * HEAD_DIM + offs_d[None, :], x4.to(x.dtype))
    x8 = tl.sum(tl.reshape(x4, [BLOCK_N // 8, 2, HEAD_DIM]), 1) * 0.5
    dest8 = padded + padded // 2 + padded // 4 + j * (BLOCK_N // 8) + tl.arange(0, BLOCK_N // 8)
    tl.store(out + dest8[:, None] * HEAD_DIM + offs_d[None, :], x8.to(x.dtype))


def pyramid(x: torch.Tensor, block_n: int) -> torch.Tensor:
    """``[K_1 (padded), K_2, K_4, K_8]`` per (b, h), concatenated: ``[B*H, 15/8 * Lpad, D]``.

    Pooled rows are means computed in float32 and stored in ``x.dtype``.
    """
    batch, heads, seq_len, dim = x.shape
    nk = triton.cdiv(seq_len, block_n)
    padded = nk * block_n
    out = torch.empty((batch * heads, 2 * padded - padded // 8, dim), dtype=x.dtype, device=x.device)
    _pyramid_block[(nk, batch * heads)](
        x, out, seq_len, heads, padded, x.stride(0), x.stride(1), x.stride(2),
        BLOCK_N=block_n, HEAD_DIM=dim, num_warps=4 if block_n * dim <= 8192 else 8,
    )
    return out
