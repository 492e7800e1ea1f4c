"""Triton importance estimate (section 2): sampling in PyTorch, scores and block maxima in one kernel.

One program takes ``BLOCK_R`` sampled query rows (whole query blocks). Pass 1
computes, per sampled row and key block, the block's largest logit (log2
units) and the row's overall maximum ``r``; pass 2 reads those block maxima
back (L2-resident, written by the same program) and reduces
``exp2(M - r)`` over the rows of each query block; pass 3 normalises the
program's rows of ``S`` (it owns them whole).
"""

from __future__ import annotations

import functools
import math

import torch
import triton
import triton.language as tl

from psa_kernels.sampling import sample_offsets

LOG2E = 1.4426950408889634


@triton.jit
def _estimate_fwd(
    Q, K, QOFF, KOFF, M, S, scale_log2, seq_len, heads, n_rows, n_keys, n_key_blocks, n_query_blocks,
    stride_qb, stride_qh, stride_qm, stride_kb, stride_kh, stride_kn,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr, BLOCK_J: tl.constexpr,
    SM: tl.constexpr, SN: tl.constexpr, QUERY_BLOCK: tl.constexpr, KEY_BLOCK: tl.constexpr,
    HEAD_DIM: tl.constexpr, PRECISION: tl.constexpr,
):
    pid_r = tl.program_id(0)
    bh = tl.program_id(1).to(tl.int64)
    rows = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    row_ok = rows < n_rows
    offs_d = tl.arange(0, HEAD_DIM)
    # sampled row r is token (r // SM) * m + offset[r % SM]; clamping to L - 1 is the padding by repetition
    q_tok = tl.minimum((rows // SM) * QUERY_BLOCK + tl.load(QOFF + bh * SM + rows % SM), seq_len - 1)
    q = tl.load(Q + (bh // heads) * stride_qb + (bh % heads) * stride_qh + q_tok[:, None] * stride_qm
                + offs_d[None, :], mask=row_ok[:, None], other=0.0)
    k_base = K + (bh // heads) * stride_kb + (bh % heads) * stride_kh
    m_base = M + bh * n_rows * n_key_blocks
    row_max = tl.full([BLOCK_R], float("-inf"), tl.float32)
    for first in range(0, n_keys, BLOCK_C):
        cols = first + tl.arange(0, BLOCK_C)
        col_ok = cols < n_keys
        k_tok = tl.minimum((cols // SN) * KEY_BLOCK + tl.load(KOFF + bh * SN + cols % SN), seq_len - 1)
        kt = tl.load(k_base + k_tok[None, :] * stride_kn + offs_d[:, None], mask=col_ok[None, :], other=0.0)
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
    sums = tl.zeros([GROUPS], tl.float32)
    for first in range(0, n_key_blocks, BLOCK_J):
        blocks = first + tl.arange(0, BLOCK_J)
        ok = row_ok[:, None] & (blocks[None, :] < n_key_blocks)
        m = tl.load(m_base + rows[:, None] * n_key_blocks + blocks[None, :], mask=ok, other=float("-inf"))
        e = tl.where(ok, tl.exp2(m - tl.where(row_ok, row_max, 0.0)[:, None]), 0.0)
        s = tl.max(tl.reshape(e, [GROUPS, SM, BLOCK_J]), axis=1)
        sums += tl.sum(s, 1)
        tl.store(s_base + groups[:, None] * n_key_blocks + blocks[None, :], s,
                 mask=(groups[:, None] < n_query_blocks) & (blocks[None, :] < n_key_blocks))
    tl.debug_barrier()
    # each row of S belongs to this program alone: normalise it here (no extra launches)
    inverse = 1.0 / tl.where(sums > 0, sums, 1.0)
    for first in range(0, n_key_blocks, BLOCK_J):
        blocks = first + tl.arange(0, BLOCK_J)
        ok = (groups[:, None] < n_query_blocks) & (blocks[None, :] < n_key_blocks)
        pointers = s_base + groups[:, None] * n_key_blocks + blocks[None, :]
        tl.store(pointers, tl.load(pointers, mask=ok, other=0.0) * inverse[:, None], mask=ok)


@functools.lru_cache(maxsize=64)
def _seeded_offsets(batch: int, heads: int, block: int, count: int, seed: int, device: torch.device) -> torch.Tensor:
    return sample_offsets(batch, heads, block, count, seed=seed, device=device).to(torch.int32).contiguous()


def cached_offsets(
    batch: int, heads: int, block: int, count: int, seed: int | None, device: torch.device
) -> torch.Tensor:
    """Offsets as int32 ``[B, H, count]``; a given seed's are drawn once per process and device."""
    if seed is None:
        return sample_offsets(batch, heads, block, count, seed=None, device=device).to(torch.int32).contiguous()
    return _seeded_offsets(batch, heads, block, count, seed, device)


def estimate_importance_triton(
    q: torch.Tensor,
    k: torch.Tensor,
    *,
    block_m: int,
    block_n: int,
    seed: int | None,
    block_r: int | None = None,
    block_c: int = 128,
    num_warps: int = 4,
    num_stages: int = 2,
) -> torch.Tensor:
    """Same function as :func:`psa_kernels.reference.estimate_importance` (float32 result).

    Default tiles are the H200 sweep's best (benchmarks/KERNEL_NOTES.md): 64 sampled
    query rows per program for head dim 64, 128 for head dim 128; 128 sampled keys per step.
    """
    batch, heads, length, dim = q.shape
    block_r = block_r or (64 if dim <= 64 else 128)
    sm, sn = block_m // 4, block_n // 4
    q_offsets = cached_offsets(batch, heads, block_m, sm, seed, q.device)
    k_offsets = cached_offsets(batch, heads, block_n, sn, None if seed is None else seed + 1, q.device)
    mq, nk = math.ceil(length / block_m), math.ceil(length / block_n)
    n_rows, n_keys = mq * sm, nk * sn
    maxima = torch.empty(batch * heads, n_rows, nk, device=q.device, dtype=torch.float32)
    scores = torch.empty(batch, heads, mq, nk, device=q.device, dtype=torch.float32)
    block_r = max(block_r, sm)
    grid = (triton.cdiv(n_rows, block_r), batch * heads)
    _estimate_fwd[grid](
        q, k, q_offsets, k_offsets, maxima, scores, LOG2E / math.sqrt(dim), length, heads, n_rows, n_keys, nk, mq,
        q.stride(0), q.stride(1), q.stride(2), k.stride(0), k.stride(1), k.stride(2),
        BLOCK_R=block_r, BLOCK_C=max(block_c, sn), BLOCK_J=64, SM=sm, SN=sn, QUERY_BLOCK=block_m,
        KEY_BLOCK=block_n, HEAD_DIM=dim,
        PRECISION="ieee" if q.dtype == torch.float32 else "tf32", num_warps=num_warps, num_stages=num_stages,
    )
    return scores
