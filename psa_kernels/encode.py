"""Device-side preparation for the attention kernel: the level-map encoding and the K/V pyramid.

Both are one Triton launch each (no sort, no host round trip), so the
attention call costs two light passes before the main kernel.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl


@triton.jit
def _encode_row(LEVELS, IDX, OFF, FLAGS, n_key_blocks, query_blocks, NK_POW2: tl.constexpr, MARK: tl.constexpr):
    """Counting sort of one row by level: block indices of level 1, then 2, 4, 8; offsets in OFF.

    ``MARK``: also flag in FLAGS ``[B*H*Nk + 2]`` (zeroed) the key blocks kept at a pooled level, per (b, h),
    and in its last two entries whether any value was bad and whether any level was pooled (plain stores of 1:
    every writer writes the same value)."""
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
    # values other than 0/1/2/4/8 are skipped above; count them so the caller can raise
    bad = ok & (lv != 0) & (lv != 1) & (lv != 2) & (lv != 4) & (lv != 8)
    n_bad = tl.sum(bad.to(tl.int32), 0)
    tl.store(off_row + 5, n_bad)
    if MARK:
        pooled = ok & ((lv == 2) | (lv == 4) | (lv == 8))
        tl.store(FLAGS + (row // query_blocks) * n_key_blocks + j, tl.full([NK_POW2], 1, tl.int8), mask=pooled)
        facts = FLAGS + (tl.num_programs(0) // query_blocks) * n_key_blocks  # after the B*H*Nk block flags
        tl.store(facts, 1, mask=n_bad > 0)
        tl.store(facts + 1, 1, mask=tl.sum(pooled.to(tl.int32), 0) > 0)


def encode_levels(levels: torch.Tensor, flags: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """``(index [B, H, Mq, Nk] int32, offsets [B, H, Mq, 8] int32)``: level l's blocks are
    ``index[..., offsets[s]:offsets[s + 1]]`` with ``l = 2**s``; entries past ``offsets[4]`` are unused;
    ``offsets[..., 5]`` counts the row's values other than 0/1/2/4/8 (treated as skipped).

    ``flags`` (int8, zeroed, ``B*H*Nk + 2``) also receives the key blocks kept at a pooled level (``[B, H, Nk]``
    flattened) and two facts: any bad value, any pooled level."""
    batch, heads, mq, nk = levels.shape
    index = torch.empty(levels.shape, dtype=torch.int32, device=levels.device)
    offsets = torch.empty((batch, heads, mq, 8), dtype=torch.int32, device=levels.device)
    _encode_row[(batch * heads * mq,)](levels.contiguous(), index, offsets, index if flags is None else flags, nk, mq,
                                       NK_POW2=triton.next_power_of_2(nk), MARK=flags is not None)
    return index, offsets


@triton.jit
def _pool_block(x, out, j, padded, BLOCK_N: tl.constexpr, HEAD_DIM: tl.constexpr):
    """Store the means of 2, 4 and 8 rows of one key block ``x`` ``[n, D]`` into the pooled pyramid."""
    offs_d = tl.arange(0, HEAD_DIM)
    x2 = tl.sum(tl.reshape(x.to(tl.float32), [BLOCK_N // 2, 2, HEAD_DIM]), 1) * 0.5
    dest2 = j * (BLOCK_N // 2) + tl.arange(0, BLOCK_N // 2)
    tl.store(out + dest2[:, None] * HEAD_DIM + offs_d[None, :], x2.to(x.dtype))
    x4 = tl.sum(tl.reshape(x2, [BLOCK_N // 4, 2, HEAD_DIM]), 1) * 0.5
    dest4 = padded // 2 + j * (BLOCK_N // 4) + tl.arange(0, BLOCK_N // 4)
    tl.store(out + dest4[:, None] * HEAD_DIM + offs_d[None, :], x4.to(x.dtype))
    x8 = tl.sum(tl.reshape(x4, [BLOCK_N // 8, 2, HEAD_DIM]), 1) * 0.5
    dest8 = padded // 2 + padded // 4 + j * (BLOCK_N // 8) + tl.arange(0, BLOCK_N // 8)
    tl.store(out + dest8[:, None] * HEAD_DIM + offs_d[None, :], x8.to(x.dtype))


@triton.jit
def _pyramid_block(
    K, V, PK, PV, USED, seq_len, heads, padded,
    stride_kb, stride_kh, stride_kl, stride_vb, stride_vh, stride_vl,
    BLOCK_N: tl.constexpr, HEAD_DIM: tl.constexpr, GATED: tl.constexpr,
):
    """One key block of K and of V (padding = the last token repeated) -> its rows of K_2, K_4, K_8, V_2, ...;
    ``GATED``: only blocks flagged in ``USED`` [B*H, Nk] (some row keeps them at a pooled level)."""
    j = tl.program_id(0).to(tl.int64)
    bh = tl.program_id(1).to(tl.int64)
    used = True
    if GATED:
        used = tl.load(USED + bh * (padded // BLOCK_N) + j) != 0
    if used:
        b = bh // heads
        h = bh % heads
        rows = tl.minimum(j * BLOCK_N + tl.arange(0, BLOCK_N), seq_len - 1)
        offs_d = tl.arange(0, HEAD_DIM)
        k = tl.load(K + b * stride_kb + h * stride_kh + rows[:, None] * stride_kl + offs_d[None, :])
        v = tl.load(V + b * stride_vb + h * stride_vh + rows[:, None] * stride_vl + offs_d[None, :])
        base = bh * (padded - padded // 8) * HEAD_DIM
        _pool_block(k, PK + base, j, padded, BLOCK_N, HEAD_DIM)
        _pool_block(v, PV + base, j, padded, BLOCK_N, HEAD_DIM)


def pyramid(k: torch.Tensor, v: torch.Tensor, block_n: int,
            used: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Pooled pyramids ``[K_2, K_4, K_8]`` and ``[V_2, V_4, V_8]`` per (b, h): ``[B*H, 7/8 * Lpad, D]`` each.

    ``Lpad`` is L padded to a multiple of ``n`` by repeating the last token; the
    means are computed in float32 and stored in the input dtype. Level 1 is
    read from K and V in place. ``used`` ``[B, H, Nk]`` (nonzero = needed) limits the work to those
    blocks; the others' rows are left unwritten.
    """
    batch, heads, seq_len, dim = k.shape
    nk = triton.cdiv(seq_len, block_n)
    padded = nk * block_n
    shape = (batch * heads, padded - padded // 8, dim)
    pk = torch.empty(shape, dtype=k.dtype, device=k.device)
    pv = torch.empty(shape, dtype=v.dtype, device=v.device)
    _pyramid_block[(nk, batch * heads)](
        k, v, pk, pv, k if used is None else used.contiguous(), seq_len, heads, padded,
        k.stride(0), k.stride(1), k.stride(2), v.stride(0), v.stride(1), v.stride(2),
        BLOCK_N=block_n, HEAD_DIM=dim, GATED=used is not None, num_warps=4 if block_n * dim <= 8192 else 8,
    )
    return pk, pv
