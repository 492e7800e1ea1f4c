"""Triton importance estimate (section 2): sampling in PyTorch, scores and block maxima in one kernel.

The sampled keys (``n/4`` per key block) are first packed into one contiguous
``[B*H*Nk*n/4, D]`` tensor (one gather launch, a quarter of K), so the main
loop streams plain tiles, through a Tensor Memory Accelerator descriptor where
the device has one. One program then takes ``BLOCK_R`` sampled query rows
(whole query blocks). Pass 1 computes, per sampled row and key block, the
block's largest logit (log2 units) and the row's overall maximum ``r``; pass 2
reads those block maxima back (written by the same program) and reduces
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
from psa_kernels.tma import descriptors_supported, row_descriptor

LOG2E = 1.4426950408889634


@triton.jit
def _key_tile(K, KD, KOFF, k_base, bh, first, n_keys, seq_len, offs_d, stride_kn,
              BLOCK_C: tl.constexpr, SN: tl.constexpr, KEY_BLOCK: tl.constexpr, KEYS: tl.constexpr):
    """Sampled keys ``first .. first + BLOCK_C`` as ``[D, BLOCK_C]``; columns past ``n_keys`` hold any finite
    value (their blocks are masked by the caller)."""
    cols = first + tl.arange(0, BLOCK_C)
    if KEYS == 2:
        kt = tl.trans(KD.load([(bh * n_keys).to(tl.int32) + first, 0]))
    elif KEYS == 1:
        kt = tl.load(k_base + cols[None, :] * stride_kn + offs_d[:, None], mask=cols[None, :] < n_keys, other=0.0)
    else:
        # sampled key c is token (c // SN) * n + offset[c % SN]; clamping to L - 1 is the padding by repetition
        k_tok = tl.minimum((cols // SN) * KEY_BLOCK + tl.load(KOFF + bh * SN + cols % SN), seq_len - 1)
        kt = tl.load(k_base + k_tok[None, :] * stride_kn + offs_d[:, None], mask=cols[None, :] < n_keys, other=0.0)
    return kt


@triton.jit
def _estimate_fwd(
    Q, K, KD, QOFF, KOFF, M, S, scale_log2, seq_len, heads, n_rows, n_keys, n_key_blocks, n_query_blocks,
    stride_qb, stride_qh, stride_qm, stride_kb, stride_kh, stride_kn,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr, BLOCK_J: tl.constexpr,
    SM: tl.constexpr, SN: tl.constexpr, QUERY_BLOCK: tl.constexpr, KEY_BLOCK: tl.constexpr,
    HEAD_DIM: tl.constexpr, PRECISION: tl.constexpr, KEYS: tl.constexpr, PASSES: tl.constexpr,
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
    if KEYS == 0:
        k_base = K + (bh // heads) * stride_kb + (bh % heads) * stride_kh
    else:
        k_base = K + bh * n_keys * stride_kn
    m_base = M + bh * n_rows * n_key_blocks
    row_max = tl.full([BLOCK_R], float("-inf"), tl.float32)
    for first in range(0, n_keys, BLOCK_C):
        kt = _key_tile(K, KD, KOFF, k_base, bh, first, n_keys, seq_len, offs_d, stride_kn, BLOCK_C, SN, KEY_BLOCK,
                       KEYS)
        qk = tl.dot(q, kt, input_precision=PRECISION)
        # the scale is positive, so scaling the block maxima equals the maxima of the scaled logits (exactly:
        # rounding is monotonic); masking whole blocks costs BLOCK_C / SN times less than masking logits
        blocks = first // SN + tl.arange(0, BLOCK_C // SN)
        block_ok = blocks < n_key_blocks
        block_max = tl.max(tl.reshape(qk, [BLOCK_R, BLOCK_C // SN, SN]), axis=2) * scale_log2
        block_max = tl.where(block_ok[None, :], block_max, float("-inf"))
        row_max = tl.maximum(row_max, tl.max(block_max, axis=1))
        if PASSES > 1:
            tl.store(m_base + rows[:, None] * n_key_blocks + blocks[None, :], block_max,
                     mask=row_ok[:, None] & block_ok[None, :])
    GROUPS: tl.constexpr = BLOCK_R // SM
    groups = pid_r * GROUPS + tl.arange(0, GROUPS)
    s_base = S + bh * n_query_blocks * n_key_blocks
    if PASSES == 1:
        # benchmarks only (the cost of pass 1 alone): keep the row maxima live
        tl.store(s_base + groups * n_key_blocks, tl.max(tl.reshape(row_max, [GROUPS, SM]), axis=1),
                 mask=groups < n_query_blocks)
    else:
        tl.debug_barrier()
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


def _sampled_token_index(offsets: torch.Tensor, length: int, block: int) -> torch.Tensor:
    """Token of every sampled key, ``[B, H, Nk * count]``: block ``j``'s samples sit at ``j * count ..``."""
    batch, heads, count = offsets.shape
    starts = torch.arange(0, math.ceil(length / block) * block, block, device=offsets.device, dtype=torch.int64)
    tokens = starts[:, None] + offsets[:, :, None, :].to(torch.int64)
    return tokens.clamp_(max=length - 1).reshape(batch, heads, -1)


@functools.lru_cache(maxsize=64)
def _seeded_token_index(batch: int, heads: int, length: int, block: int, count: int, seed: int,
                        device: torch.device) -> torch.Tensor:
    return _sampled_token_index(_seeded_offsets(batch, heads, block, count, seed, device), length, block)


def pack_sampled_keys(k: torch.Tensor, block_n: int, seed: int | None) -> torch.Tensor:
    """The sampled keys of every (b, h) gathered into one contiguous ``[B*H*Nk*n/4, D]`` tensor (one launch)."""
    batch, heads, length, dim = k.shape
    count = block_n // 4
    seed_k = None if seed is None else seed + 1
    if seed_k is None:
        tokens = _sampled_token_index(cached_offsets(batch, heads, block_n, count, None, k.device), length, block_n)
    else:
        tokens = _seeded_token_index(batch, heads, length, block_n, count, seed_k, k.device)
    b_index = torch.arange(batch, device=k.device)[:, None, None]
    h_index = torch.arange(heads, device=k.device)[None, :, None]
    return k[b_index, h_index, tokens].reshape(-1, dim)


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
    num_stages: int | None = None,
    keys: int = 2,
    passes: int = 3,
) -> torch.Tensor:
    """Same function as :func:`psa_kernels.reference.estimate_importance` (float32 result).

    ``keys``: 2 packs the sampled keys and streams them through descriptors (where the device has them,
    else 1), 1 with plain loads, 0 gathers them inside the kernel (v9). ``passes`` below 3 is for
    benchmarks only (the result is then not ``S``). Default tiles: benchmarks/KERNEL_NOTES.md.
    """
    batch, heads, length, dim = q.shape
    block_r = block_r or (64 if dim <= 64 else 128)
    sm, sn = block_m // 4, block_n // 4
    q_offsets = cached_offsets(batch, heads, block_m, sm, seed, q.device)
    mq, nk = math.ceil(length / block_m), math.ceil(length / block_n)
    n_rows, n_keys = mq * sm, nk * sn
    maxima = torch.empty(batch * heads, n_rows, nk, device=q.device, dtype=torch.float32)
    scores = torch.empty(batch, heads, mq, nk, device=q.device, dtype=torch.float32)
    block_r = max(block_r, sm)
    block_c = max(block_c, sn)
    if keys == 0:
        key_source, k_offsets, strides = k, cached_offsets(
            batch, heads, block_n, sn, None if seed is None else seed + 1, q.device), k.stride()[:3]
    else:
        key_source, k_offsets = pack_sampled_keys(k, block_n, seed), q_offsets
        strides = (0, 0, dim)
    if keys == 2 and not (descriptors_supported(q) and key_source.shape[0] < 2**31):
        keys = 1
    descriptor = row_descriptor(key_source, key_source.shape[0], block_c) if keys == 2 else key_source
    grid = (triton.cdiv(n_rows, block_r), batch * heads)
    _estimate_fwd[grid](
        q, key_source, descriptor, q_offsets, k_offsets, maxima, scores, LOG2E / math.sqrt(dim), length, heads,
        n_rows, n_keys, nk, mq, q.stride(0), q.stride(1), q.stride(2), *strides,
        BLOCK_R=block_r, BLOCK_C=block_c, BLOCK_J=64, SM=sm, SN=sn, QUERY_BLOCK=block_m,
        KEY_BLOCK=block_n, HEAD_DIM=dim, PRECISION="ieee" if q.dtype == torch.float32 else "tf32",
        KEYS=keys, PASSES=passes, num_warps=num_warps, num_stages=num_stages or (3 if keys else 2),
    )
    return scores
