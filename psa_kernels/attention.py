"""Triton sparse pyramid attention (section 4 of psa-semantics.md).

Private encoding: per (b, h, query block) the kept key blocks are listed by
level (1, 2, 4, 8, then the skipped ones), with level offsets. For each
level the kernel walks the concatenated pooled rows of that level's blocks in
key tiles of ``key_tile`` rows, so pooled blocks narrower than a tile are
gathered several to a tile and never read rows outside their block (the
published kernel's n=64/level 8 and n=32/levels 4, 8 bug).
"""

from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

from psa_kernels.sampling import pad_to_multiple

LOG2E = 1.4426950408889634
LEVEL_ORDER = torch.tensor([4, 0, 1, 4, 2, 4, 4, 4, 3], dtype=torch.int64)
"""Level value -> position in the list (1, 2, 4, 8, skipped); other values are rejected earlier."""


@triton.jit
def _level_pass(
    acc, m_i, l_i, q, offs_m, kv_k, kv_v, stride_kn, stride_vn, idx_row, off_row, seq_len, qk_scale,
    LEVEL: tl.constexpr, LOG2_LEVEL: tl.constexpr, BLOCK_N: tl.constexpr, TILE: tl.constexpr, HEAD_DIM: tl.constexpr,
    CAUSAL: tl.constexpr, PRECISION: tl.constexpr,
):
    """Online-softmax update over every kept block of one level (rows ``n/LEVEL`` per block)."""
    ROWS = BLOCK_N // LEVEL
    start = tl.load(off_row + LOG2_LEVEL)
    count = tl.load(off_row + LOG2_LEVEL + 1) - start
    offs_d = tl.arange(0, HEAD_DIM)
    total = count * ROWS
    for first in range(0, total, TILE):
        r = first + tl.arange(0, TILE)
        valid = r < total
        block = tl.load(idx_row + start + r // ROWS, mask=valid, other=0)
        pooled = block.to(tl.int64) * ROWS + (r % ROWS)
        if LEVEL == 1:
            valid = valid & (pooled < seq_len)
        kt = tl.load(kv_k + pooled[None, :] * stride_kn + offs_d[:, None], mask=valid[None, :], other=0.0)
        qk = tl.dot(q, kt, input_precision=PRECISION) * qk_scale + LOG2_LEVEL
        keep = valid[None, :]
        if CAUSAL:
            keep = keep & (pooled[None, :] * LEVEL <= offs_m[:, None])
        qk = tl.where(keep, qk, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(qk, 1))
        m_safe = tl.where(m_new == float("-inf"), 0.0, m_new)
        p = tl.exp2(qk - m_safe[:, None])
        alpha = tl.exp2(m_i - m_safe)
        l_i = l_i * alpha + tl.sum(p, 1)
        vv = tl.load(kv_v + pooled[:, None] * stride_vn + offs_d[None, :], mask=valid[:, None], other=0.0)
        acc = acc * alpha[:, None] + tl.dot(p.to(vv.dtype), vv, input_precision=PRECISION)
        m_i = m_new
    return acc, m_i, l_i


@triton.jit
def _pyramid_fwd(
    Q, K, V, KP, VP, IDX, OFF, Out,
    qk_scale, seq_len, heads, n_query_blocks, n_key_blocks, padded, pooled_len,
    stride_qb, stride_qh, stride_qm,
    stride_kb, stride_kh, stride_kn,
    stride_vb, stride_vh, stride_vn,
    stride_ob, stride_oh, stride_om,
    BLOCK_Q: tl.constexpr, QUERY_BLOCK: tl.constexpr, BLOCK_N: tl.constexpr, TILE: tl.constexpr,
    HEAD_DIM: tl.constexpr, CAUSAL: tl.constexpr, PRECISION: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_bh = tl.program_id(1)
    b = (pid_bh // heads).to(tl.int64)
    h = (pid_bh % heads).to(tl.int64)
    offs_m = pid_m * BLOCK_Q + tl.arange(0, BLOCK_Q)
    offs_d = tl.arange(0, HEAD_DIM)
    row_ok = offs_m < seq_len
    q_base = Q + b * stride_qb + h * stride_qh
    q = tl.load(q_base + offs_m[:, None] * stride_qm + offs_d[None, :], mask=row_ok[:, None], other=0.0)

    query_block = (pid_m * BLOCK_Q) // QUERY_BLOCK
    row = pid_bh.to(tl.int64) * n_query_blocks + query_block
    idx_row = IDX + row * n_key_blocks
    off_row = OFF + row * 6
    pooled_base = pid_bh.to(tl.int64) * pooled_len * HEAD_DIM
    k_full = K + b * stride_kb + h * stride_kh
    v_full = V + b * stride_vb + h * stride_vh

    m_i = tl.full([BLOCK_Q], float("-inf"), tl.float32)
    l_i = tl.zeros([BLOCK_Q], tl.float32)
    acc = tl.zeros([BLOCK_Q, HEAD_DIM], tl.float32)
    acc, m_i, l_i = _level_pass(
        acc, m_i, l_i, q, offs_m, k_full, v_full, stride_kn, stride_vn, idx_row, off_row, seq_len, qk_scale,
        1, 0, BLOCK_N, TILE, HEAD_DIM, CAUSAL, PRECISION,
    )
    # pooled rows of level l start at padded * (1 - 2/l) in the concatenated pyramid
    base2 = pooled_base
    acc, m_i, l_i = _level_pass(
        acc, m_i, l_i, q, offs_m, KP + base2, VP + base2, HEAD_DIM, HEAD_DIM, idx_row, off_row, seq_len,
        qk_scale, 2, 1, BLOCK_N, TILE, HEAD_DIM, CAUSAL, PRECISION,
    )
    base4 = pooled_base + (padded // 2) * HEAD_DIM
    acc, m_i, l_i = _level_pass(
        acc, m_i, l_i, q, offs_m, KP + base4, VP + base4, HEAD_DIM, HEAD_DIM, idx_row, off_row, seq_len,
        qk_scale, 4, 2, BLOCK_N, TILE, HEAD_DIM, CAUSAL, PRECISION,
    )
    base8 = pooled_base + (padded - padded // 4) * HEAD_DIM
    acc, m_i, l_i = _level_pass(
        acc, m_i, l_i, q, offs_m, KP + base8, VP + base8, HEAD_DIM, HEAD_DIM, idx_row, off_row, seq_len,
        qk_scale, 8, 3, BLOCK_N, TILE, HEAD_DIM, CAUSAL, PRECISION,
    )
    out = tl.where(l_i[:, None] > 0, acc / tl.where(l_i > 0, l_i, 1.0)[:, None], 0.0)
    o_base = Out + b * stride_ob + h * stride_oh
    tl.store(o_base + offs_m[:, None] * stride_om + offs_d[None, :], out.to(Out.dtype.element_ty), mask=row_ok[:, None])


def encode_levels(levels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per row, key-block indices grouped by level (1, 2, 4, 8, skipped) and the 5+1 group offsets."""
    order_of = LEVEL_ORDER.to(levels.device)[levels.long()]
    index = torch.argsort(order_of, dim=-1, stable=True).to(torch.int32)
    counts = torch.nn.functional.one_hot(order_of, 5).sum(dim=-2)
    offsets = torch.nn.functional.pad(counts.cumsum(dim=-1), (1, 0)).to(torch.int32)
    return index.contiguous(), offsets.contiguous()


def pooled_pyramid(x: torch.Tensor, block_n: int) -> torch.Tensor:
    """X_2, X_4, X_8 (means in float32, stored in x.dtype) concatenated along L: ``[B, H, 7/8 * Lpad, D]``."""
    padded = pad_to_multiple(x, block_n).float()
    batch, heads, length, dim = padded.shape
    parts = []
    current = padded
    for _ in range(3):
        current = current.view(batch, heads, current.shape[2] // 2, 2, dim).mean(dim=3)
        parts.append(current)
    return torch.cat(parts, dim=2).to(x.dtype).contiguous()


def default_key_tile(block_n: int, head_dim: int) -> int:
    """The kernel's key tile: 64 rows (pooled blocks narrower than that are gathered several to a tile)."""
    return 64


def pyramid_attention_triton(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    levels: torch.Tensor,
    *,
    block_m: int,
    block_n: int,
    sm_scale: float,
    causal: bool,
    key_tile: int | None = None,
    block_q: int | None = None,
    num_warps: int | None = None,
    num_stages: int | None = None,
) -> torch.Tensor:
    """Launch the kernel on validated inputs (see :func:`psa_kernels.pyramid_attention`)."""
    batch, heads, seq_len, dim = q.shape
    index, offsets = encode_levels(levels)
    kp, vp = pooled_pyramid(k, block_n), pooled_pyramid(v, block_n)
    out = torch.empty_like(q)
    tile = key_tile or default_key_tile(block_n, dim)
    block_q = min(block_m, block_q or (128 if dim <= 64 else 64))
    grid = (math.ceil(seq_len / block_q), batch * heads)
    precision = "ieee" if q.dtype == torch.float32 else "tf32"
    extra = {}
    if num_warps is not None:
        extra["num_warps"] = num_warps
    if num_stages is not None:
        extra["num_stages"] = num_stages
    _pyramid_fwd[grid](
        q, k, v, kp, vp, index, offsets, out,
        sm_scale * LOG2E, seq_len, heads, levels.shape[2], levels.shape[3],
        levels.shape[3] * block_n, kp.shape[2],
        q.stride(0), q.stride(1), q.stride(2),
        k.stride(0), k.stride(1), k.stride(2),
        v.stride(0), v.stride(1), v.stride(2),
        out.stride(0), out.stride(1), out.stride(2),
        BLOCK_Q=block_q, QUERY_BLOCK=block_m, BLOCK_N=block_n, TILE=tile,
        HEAD_DIM=dim, CAUSAL=causal, PRECISION=precision, **extra,
    )
    return out
