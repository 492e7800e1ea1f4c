"""Triton importance estimate (section 2): sampling in PyTorch, scores and block maxima in one kernel.

One program takes ``BLOCK_R`` sampled query rows (whole query blocks). Pass 1
computes, per sampled row and key block, the block's largest logit (log2
units) and the row's overall maximum ``r``; pass 2 reads those block maxima
back (L2-resident, written by the same program) and reduces
``exp2(M - r)`` over the rows of each query block. The row normalisation
runs on the small ``[B, H, Mq, Nk]`` result in PyTorch.
"""

from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

from psa_kernels.sampling import sample_offsets

LOG2E = 1.4426950408889634


@triton.jit
def _estimate_fwd(
    QS, KS, M, S, scale_log2, n_rows, n_keys, n_key_blocks, n_query_blocks,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr, BLOCK_J: tl.constexpr,
    SM: tl.constexpr, SN: tl.constexpr, HEAD_DIM: tl.constexpr, PRECISION: tl.constexpr,
):
    pid_r = tl.program_id(0)
    bh = tl.program_id(1).to(tl.int64)
    rows = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    row_ok = rows < n_rows
    offs_d = tl.arange(0, HEAD_DIM)
    q = tl.load(QS + bh * n_rows * HEAD_DIM + rows[:, None] * HEAD_DIM + offs_d[None, :], mask=row_ok[:, None],
                other=0.0)
    k_base = KS + bh * n_keys * HEAD_DIM
    m_base = M + bh * n_rows * n_key_blocks
    row_max = tl.full([BLOCK_R], float("-inf"), tl.float32)
    for first in range(0, n_keys, BLOCK_C):
        cols = first + tl.arange(0, BLOCK_C)
        col_ok = cols < n_keys
        kt = tl.load(k_base + cols[None, :] * HEAD_DIM + offs_d[:, None], mask=col_ok[None, :], other=0.0)
        qk = tl.dot(q, kt, input_precision=PRECISION) * scale_log2
        qk = tl.where(col_ok[None, :], qk, float("-inf"))
        block_max = tl.max(tl.reshape(qk, [BLOCK_R, BLOCK_C // SN, SN]), axis=2)
        row_max = tl.maximum(row_max, tl.max(block_max, axis=1))
        blocks = first // SN + tl.arange(0, BLOCK_C // SN)
        tl.store(m_base + rows[:, None] * n_key_blocks + blocks[None, :], block_max,
                 mask=row_ok[:, None] & (blocks[None, :] < n_key_blocks))
    tl.debug_barrier()
    GROUPS: tl.constexpr = BLOCK_R // SM
    groups = pid_r * GROUPS + tl.arange(0, GROUPS)
    s_base = S + bh * n_query_blocks * n_key_blocks
    for first in range(0, n_key_blocks, BLOCK_J):
        blocks = first + tl.arange(0, BLOCK_J)
        ok = row_ok[:, None] & (blocks[None, :] < n_key_blocks)
        m = tl.load(m_base + rows[:, None] * n_key_blocks + blocks[None, :], mask=ok, other=float("-inf"))
        e = tl.where(ok, tl.exp2(m - tl.where(row_ok, row_max, 0.0)[:, None]), 0.0)
        s = tl.max(tl.reshape(e, [GROUPS, SM, BLOCK_J]), axis=1)
        tl.store(s_base + groups[:, None] * n_key_blocks + blocks[None, :], s,
                 mask=(groups[:, None] < n_query_blocks) & (blocks[None, :] < n_key_blocks))


def sampled_rows(x: torch.Tensor, block: int, offsets: torch.Tensor) -> torch.Tensor:
    """Sampled tokens ``[B, H, nblocks * count, D]``; index clamping = padding by the last token."""
    batch, heads, length, dim = x.shape
    nblocks = math.ceil(length / block)
    index = (torch.arange(nblocks, device=x.device)[:, None] * block)[None, None] + offsets[:, :, None, :]
    index = index.clamp(max=length - 1).reshape(batch, heads, -1)
    return torch.gather(x, 2, index[..., None].expand(-1, -1, -1, dim)).contiguous()


def estimate_importance_triton(
    q: torch.Tensor,
    k: torch.Tensor,
    *,
    block_m: int,
    block_n: int,
    seed: int | None,
    block_r: int = 64,
    block_c: int = 64,
    num_warps: int = 4,
    num_stages: int = 2,
) -> torch.Tensor:
    """Same function as :func:`psa_kernels.reference.estimate_importance` (float32 result)."""
    batch, heads, length, dim = q.shape
    sm, sn = block_m // 4, block_n // 4
    q_offsets = sample_offsets(batch, heads, block_m, sm, seed=seed, device=q.device)
    k_offsets = sample_offsets(batch, heads, block_n, sn, seed=None if seed is None else seed + 1, device=q.device)
    qs, ks = sampled_rows(q, block_m, q_offsets), sampled_rows(k, block_n, k_offsets)
    mq, nk = math.ceil(length / block_m), math.ceil(length / block_n)
    n_rows, n_keys = qs.shape[2], ks.shape[2]
    maxima = torch.empty(batch * heads, n_rows, nk, device=q.device, dtype=torch.float32)
    scores = torch.empty(batch, heads, mq, nk, device=q.device, dtype=torch.float32)
    block_r = max(block_r, sm)
    grid = (triton.cdiv(n_rows, block_r), batch * heads)
    _estimate_fwd[grid](
        qs, ks, maxima, scores, LOG2E / math.sqrt(dim), n_rows, n_keys, nk, mq,
        BLOCK_R=block_r, BLOCK_C=max(block_c, sn), BLOCK_J=64, SM=sm, SN=sn, HEAD_DIM=dim,
        PRECISION="ieee" if q.dtype == torch.float32 else "tf32", num_warps=num_warps, num_stages=num_stages,
    )
    return scores / scores.sum(dim=-1, keepdim=True)
