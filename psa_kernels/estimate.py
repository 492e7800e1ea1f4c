"""Triton importance estimate (section 2): sampling in PyTorch, block maxima and scores in two launches.

Launch 1 (:func:`_block_maxima`): one program takes ``BLOCK_R`` sampled query
rows and streams the sampled keys (gathered in the kernel) in tiles of
``BLOCK_C``; per sampled row and key block it writes the block's largest logit
(log2 units) to ``M`` and the row's overall maximum ``r`` to ``R``.

Launch 2 (:func:`_block_scores`): one program per query block reduces
``exp2(M - r)`` over the block's sampled rows into its row of ``S`` and
normalises that row. As its own launch it runs at full occupancy, so reading
``M`` back is limited by bandwidth rather than by the few programs that fit
beside launch 1's tiles (v9 did both in one kernel: benchmarks/KERNEL_NOTES.md).

``M`` stays float32: float16 offsets from the running row maximum (half the
bytes) measured slower on an H100, the extra per-tile maxima costing more than
the bytes saved (benchmarks/KERNEL_NOTES.md, v10).
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
def _column_blocks(first, BLOCK_C: tl.constexpr, SN: tl.constexpr, INTERLEAVE: tl.constexpr):
    """Key block and sample of each column of the key tile starting at sampled key ``first``.

    Plain order: column c is sample c % SN of block c // SN. Interleaved: column c = 8 g + p holds sample
    g % SN of block p + 8 (g // SN); a Hopper MMA accumulator keeps columns 8 g + p of one row for all g in
    one thread, so every block's maximum is a reduction in registers (no lane shuffles).
    """
    c = tl.arange(0, BLOCK_C)
    if INTERLEAVE:
        block = first // SN + c % 8 + 8 * (c // (8 * SN))
        sample = (c // 8) % SN
    else:
        block = first // SN + c // SN
        sample = c % SN
    return block, sample


@triton.jit
def _block_max(qk, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr, SN: tl.constexpr, INTERLEAVE: tl.constexpr):
    """Per row, the maximum of each key block's columns, in the tile's block order (plain: c // SN)."""
    if INTERLEAVE:
        grouped = tl.max(tl.reshape(qk, [BLOCK_R, BLOCK_C // (8 * SN), SN, 8]), axis=2)
        result = tl.reshape(grouped, [BLOCK_R, BLOCK_C // SN])
    else:
        result = tl.max(tl.reshape(qk, [BLOCK_R, BLOCK_C // SN, SN]), axis=2)
    return result


@triton.jit
def _block_maxima(
    Q, K, QOFF, KOFF, M, R, scale_log2, seq_len, heads, n_rows, n_keys, n_key_blocks,
    stride_qb, stride_qh, stride_qm, stride_kb, stride_kh, stride_kn,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr, SM: tl.constexpr, SN: tl.constexpr,
    QUERY_BLOCK: tl.constexpr, KEY_BLOCK: tl.constexpr, HEAD_DIM: tl.constexpr, PRECISION: tl.constexpr,
    INTERLEAVE: tl.constexpr,
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
    m_rows = M + bh * n_rows * n_key_blocks + rows[:, None] * n_key_blocks
    row_max = tl.full([BLOCK_R], float("-inf"), tl.float32)
    for first in range(0, n_keys, BLOCK_C):
        column_block, sample = _column_blocks(first, BLOCK_C, SN, INTERLEAVE)
        # sample s of key block j is token j * n + offset[s], clamped like the queries
        k_tok = tl.minimum(column_block * KEY_BLOCK + tl.load(KOFF + bh * SN + sample), seq_len - 1)
        kt = tl.load(k_base + k_tok[None, :] * stride_kn + offs_d[:, None], mask=column_block[None, :] < n_key_blocks,
                     other=0.0)
        qk = tl.dot(q, kt, input_precision=PRECISION)
        # the scale is positive, so scaling the block maxima equals the maxima of the scaled logits (exactly:
        # rounding is monotonic); masking whole blocks costs SN times less than masking logits
        blocks = first // SN + tl.arange(0, BLOCK_C // SN)
        block_ok = blocks < n_key_blocks
        block_max = _block_max(qk, BLOCK_R, BLOCK_C, SN, INTERLEAVE) * scale_log2
        block_max = tl.where(block_ok[None, :], block_max, float("-inf"))
        row_max = tl.maximum(row_max, tl.max(block_max, axis=1))
        tl.store(m_rows + blocks[None, :], block_max, mask=row_ok[:, None] & block_ok[None, :])
    tl.store(R + bh * n_rows + rows, row_max, mask=row_ok)


@triton.jit
def _block_scores(
    M, R, S, n_rows, n_key_blocks, n_query_blocks, SM: tl.constexpr, BLOCK_J: tl.constexpr,
):
    i = tl.program_id(0)
    bh = tl.program_id(1).to(tl.int64)
    rows = i * SM + tl.arange(0, SM)
    r = tl.load(R + bh * n_rows + rows)
    m_rows = M + bh * n_rows * n_key_blocks + rows[:, None] * n_key_blocks
    s_row = S + (bh * n_query_blocks + i) * n_key_blocks
    total = tl.zeros([BLOCK_J], tl.float32)
    for first in range(0, n_key_blocks, BLOCK_J):
        blocks = first + tl.arange(0, BLOCK_J)
        ok = blocks < n_key_blocks
        m = tl.load(m_rows + blocks[None, :], mask=ok[None, :], other=float("-inf"))
        s = tl.max(tl.exp2(m - r[:, None]), axis=0)
        total += s
        tl.store(s_row + blocks, s, mask=ok)
    # the row belongs to this program alone (and is still in cache): normalise it here
    inverse = 1.0 / tl.maximum(tl.sum(total, 0), 1e-38)
    for first in range(0, n_key_blocks, BLOCK_J):
        blocks = first + tl.arange(0, BLOCK_J)
        ok = blocks < n_key_blocks
        tl.store(s_row + blocks, tl.load(s_row + blocks, mask=ok, other=0.0) * inverse, mask=ok)


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
    block_c: int | None = None,
    block_j: int = 128,
    num_warps: int | None = None,
    num_stages: int = 2,
    interleave: bool | None = None,
) -> torch.Tensor:
    """Same function as :func:`psa_kernels.reference.estimate_importance` (float32 result).

    ``interleave`` (default: half-precision inputs whose key tile holds a multiple of 8 whole blocks) orders
    each key tile's columns so that block maxima reduce in registers; the maxima are the same either way.
    Float32 inputs never interleave: their dots run on CUDA cores, where there is nothing to gain, and with
    Triton 3.6 on an H100 the grouped reduction in that layout gave wrong maxima (errors up to 3.6e-2, inf on
    small shapes) where the interpreter and the half-precision path were right.

    Default tiles are the sweeps' best (benchmarks/KERNEL_NOTES.md): 64 sampled query rows per program for
    head dim 64, 128 for head dim 128; 128 sampled keys per step, 256 for head dim 64 with n <= 64.
    """
    batch, heads, length, dim = q.shape
    block_r = max(block_r or (64 if dim <= 64 else 128), block_m // 4)
    # H100, v10: CogVideoX n=64 0.57 ms with 256-key tiles against 0.62 with 128
    block_c = max(block_c or (256 if dim <= 64 and block_n <= 64 else 128), block_n // 4)
    sm, sn = block_m // 4, block_n // 4
    q_offsets = cached_offsets(batch, heads, block_m, sm, seed, q.device)
    k_offsets = cached_offsets(batch, heads, block_n, sn, None if seed is None else seed + 1, q.device)
    mq, nk = math.ceil(length / block_m), math.ceil(length / block_n)
    n_rows, n_keys = mq * sm, nk * sn
    fits = block_c % (8 * sn) == 0 and q.dtype != torch.float32
    if interleave and not fits:
        raise ValueError(f"interleave needs half-precision inputs and key tiles of a multiple of 8 blocks "
                         f"({8 * sn} keys), got {q.dtype} and {block_c}")
    interleave = fits if interleave is None else interleave
    # 8 warps for interleaved D=128 tiles (H100, v10: Wan 1.3B n=32 0.73 ms against 0.78-0.83 with 4)
    num_warps = num_warps or (8 if interleave and dim > 64 else 4)
    maxima = torch.empty(batch * heads, n_rows, nk, dtype=torch.float32, device=q.device)
    row_max = torch.empty(batch * heads, n_rows, dtype=torch.float32, device=q.device)
    scores = torch.empty(batch, heads, mq, nk, dtype=torch.float32, device=q.device)
    _block_maxima[(triton.cdiv(n_rows, block_r), batch * heads)](
        q, k, q_offsets, k_offsets, maxima, row_max, LOG2E / math.sqrt(dim), length, heads, n_rows,
        n_keys, nk, q.stride(0), q.stride(1), q.stride(2), k.stride(0), k.stride(1), k.stride(2),
        BLOCK_R=block_r, BLOCK_C=block_c, SM=sm, SN=sn, QUERY_BLOCK=block_m, KEY_BLOCK=block_n, HEAD_DIM=dim,
        PRECISION="ieee" if q.dtype == torch.float32 else "tf32",
        INTERLEAVE=interleave, num_warps=num_warps, num_stages=num_stages,
    )
    _block_scores[(mq, batch * heads)](
        maxima, row_max, scores, n_rows, nk, mq, SM=sm, BLOCK_J=min(block_j, triton.next_power_of_2(nk)),
        num_warps=4,
    )
    return scores
