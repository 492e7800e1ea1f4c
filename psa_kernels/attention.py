"""Triton sparse pyramid attention (section 4 of psa-semantics.md).

Private encoding, built on the device by :mod:`psa_kernels.encode`: per
(b, h, query block) the kept key blocks listed by level (1, 2, 4, 8) with
level offsets, and the pooled pyramid ``[K_2, K_4, K_8]`` (likewise V) of
every (b, h); level 1 is read from K and V in place. The kernel walks one
flat list of key tiles of ``key_tile`` rows: level by level, each tile gathers the rows of
one or more of that level's blocks (a pooled block narrower than a tile
shares it with the next ones), so no tile ever reads rows outside its blocks
(the published kernel's n=64/level 8 and n=32/levels 4, 8 bug) and the loop
body is the same for every level (one software pipeline for the whole row).

Since v8 the tiles that lie inside one block (level-1 blocks and pooled
blocks at least ``cont_tile`` rows wide) go first, through two loops of
contiguous tiles: one block id per tile and one base row, loaded as one
tile (a Tensor Memory Accelerator descriptor where the device has one, or
plain offset loads); only the narrower pooled blocks are gathered row by row.

Since v11 a map of levels 1 and 0 only (FlexAttention's kind of map) gets
its own launch at D=128: the pooled and gathered loops compiled out, 64-row
query tiles, 3 stages, and no pooled block built (the encoding pass flags the
key blocks some row keeps at a pooled level, and only those are pooled).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import triton
import triton.language as tl

from psa_kernels.encode import encode_levels, pyramid
from psa_kernels.tma import descriptors_supported, row_descriptor

LOG2E = 1.4426950408889634


@triton.jit
def _tile_rows(t, t1, t2, t4, o1, o2, o4, o8, end, idx_row, offs_t, LOG2_N: tl.constexpr, TILE: tl.constexpr):
    """Tile ``t`` of the flat list: its level shift (log2 l), which rows are real, their row inside K_l."""
    shift = (t >= t1).to(tl.int32) + (t >= t2).to(tl.int32) + (t >= t4).to(tl.int32)
    first_tile = tl.where(shift == 0, 0, tl.where(shift == 1, t1, tl.where(shift == 2, t2, t4)))
    list_start = tl.where(shift == 0, o1, tl.where(shift == 1, o2, tl.where(shift == 2, o4, o8)))
    list_end = tl.where(shift == 0, o2, tl.where(shift == 1, o4, tl.where(shift == 2, o8, end)))
    rows_shift = LOG2_N - shift
    r = (t - first_tile) * TILE + offs_t
    valid = r < ((list_end - list_start) << rows_shift)
    block = tl.load(idx_row + list_start + (r >> rows_shift), mask=valid, other=0)
    # int32 is enough inside one (b, h) pyramid: 15/8 * Lpad * D < 2**31 for any L the API accepts
    return shift, valid, (block << rows_shift) + (r & ((1 << rows_shift) - 1))


@triton.jit
def _count(blocks, LOG2_TILES: tl.constexpr, ON: tl.constexpr):
    """``blocks << LOG2_TILES`` contiguous tiles when the level is ``ON``, else 0."""
    count = blocks * 0
    if ON:
        count = blocks << LOG2_TILES
    return count


@triton.jit
def _gather_count(blocks, LOG2_ROWS: tl.constexpr, TILE: tl.constexpr, ON: tl.constexpr):
    """``ceil(blocks * 2**LOG2_ROWS / TILE)`` gathered tiles when the level is ``ON``, else 0."""
    count = blocks * 0
    if ON:
        count = ((blocks << LOG2_ROWS) + TILE - 1) // TILE
    return count


@triton.jit
def _cont_tile(j, c2, c3, c4, c8, o2, o4, o8, idx_row, LOG2_N: tl.constexpr, LOG2_C: tl.constexpr):
    """Pooled contiguous tile ``j`` (levels 2, 4, 8 own tiles [c2, c3), [c3, c4), [c4, c8)): its level shift
    and first row inside K_l."""
    shift = 1 + (j >= c3).to(tl.int32) + (j >= c4).to(tl.int32)
    first = tl.where(shift == 1, c2, tl.where(shift == 2, c3, c4))
    start = tl.where(shift == 1, o2, tl.where(shift == 2, o4, o8))
    log2_tiles = tl.maximum(LOG2_N - LOG2_C - shift, 0)  # tiles per block at this level
    i = j - first
    block = tl.load(idx_row + start + (i >> log2_tiles), mask=j < c8, other=0)
    return shift, (block << (LOG2_N - shift)) + ((i & ((1 << log2_tiles) - 1)) << LOG2_C)


@triton.jit
def _level1_tile(j, block, seq_len, offs_c, LOG2_N: tl.constexpr, LOG2_C: tl.constexpr, TMA: tl.constexpr):
    """Level-1 contiguous tile ``j`` of ``block``: its first row, token positions and which rows are real.

    With descriptors a tile reaching past L starts earlier instead (rows of this head only) and masks the rows
    before the block: the descriptor spans all heads, so no read leaves this (b, h).
    """
    local = (block << LOG2_N) + ((j & ((1 << (LOG2_N - LOG2_C)) - 1)) << LOG2_C)
    if TMA:
        first = tl.minimum(local, seq_len - (1 << LOG2_C))
        pos = first + offs_c
        valid = pos >= local
    else:
        first = local
        pos = local + offs_c
        valid = pos < seq_len
    return first, pos, valid


@triton.jit
def _level1_k(KD, k_full, first, pos, valid, row0, offs_d, stride_kn, TMA: tl.constexpr):
    """The level-1 key tile as ``[D, tile]`` (descriptor load, or offset loads masked by ``valid``)."""
    if TMA:
        kt = tl.trans(KD.load([row0 + first, 0]))
    else:
        kt = tl.load(k_full + (pos * stride_kn)[None, :] + offs_d[:, None], mask=valid[None, :], other=0.0)
    return kt


@triton.jit
def _level1_v(VD, v_full, first, pos, valid, row0, offs_d, stride_vn, TMA: tl.constexpr):
    """The level-1 value tile as ``[tile, D]``."""
    if TMA:
        vv = VD.load([row0 + first, 0])
    else:
        vv = tl.load(v_full + (pos * stride_vn)[:, None] + offs_d[None, :], mask=valid[:, None], other=0.0)
    return vv


@triton.jit
def _softmax_step(qk, vv, m_i, l_i, acc, PRECISION: tl.constexpr, FUSED_ACC: tl.constexpr):
    """Online softmax over one tile of logits ``qk`` (log2 units, bias and masks applied).

    ``FUSED_ACC`` rescales the output tile first and lets the P @ V product accumulate into it (one
    accumulator live, as FlexAttention's loop does); off, a separate product is added after (v1-v10).
    """
    m_new = tl.maximum(m_i, tl.max(qk, 1))
    p = tl.exp2(qk - m_new[:, None])
    alpha = tl.exp2(m_i - m_new)
    l_i = l_i * alpha + tl.sum(p, 1)
    if FUSED_ACC:
        acc = acc * alpha[:, None]
        acc = tl.dot(p.to(vv.dtype), vv, acc, input_precision=PRECISION)
    else:
        acc = acc * alpha[:, None] + tl.dot(p.to(vv.dtype), vv, input_precision=PRECISION)
    return m_new, l_i, acc


@triton.jit
def _attend(q, kt, vv, bias, pos, offs_m, m_i, l_i, acc, CAUSAL: tl.constexpr, PRECISION: tl.constexpr,
            FUSED_ACC: tl.constexpr):
    """One key tile of online softmax: ``bias`` is log2(l) or -inf per key, ``pos`` its first token."""
    qk = tl.dot(q, kt, input_precision=PRECISION) + bias[None, :]
    if CAUSAL:
        qk = tl.where(pos[None, :] <= offs_m[:, None], qk, float("-inf"))
    return _softmax_step(qk, vv, m_i, l_i, acc, PRECISION, FUSED_ACC)


@triton.jit
def _pyramid_fwd(
    Q, K, V, PK, PV, IDX, OFF, Out, KD, VD, PKD, PVD,
    qk_scale, seq_len, heads, n_query_blocks, n_key_blocks, padded,
    stride_qb, stride_qh, stride_qm,
    stride_kb, stride_kh, stride_kn,
    stride_vb, stride_vh, stride_vn,
    stride_ob, stride_oh, stride_om,
    BLOCK_Q: tl.constexpr, QUERY_BLOCK: tl.constexpr, LOG2_N: tl.constexpr, TILE: tl.constexpr,
    HEAD_DIM: tl.constexpr, CAUSAL: tl.constexpr, PRECISION: tl.constexpr, PREFETCH: tl.constexpr,
    K_ROWS: tl.constexpr, CONT_LEVELS: tl.constexpr, LOG2_C: tl.constexpr, TMA: tl.constexpr,
    FUSED_ACC: tl.constexpr, STAGES_1: tl.constexpr, STAGES_P: tl.constexpr, STAGES_G: tl.constexpr,
    WS: tl.constexpr, ORDERED: tl.constexpr, ORDER, n_q_tiles, LEVEL1_ONLY: tl.constexpr,
):
    pid = tl.program_id(0)
    if ORDERED:
        pid = tl.load(ORDER + pid)  # programs start longest row first (the scheduler dispatches in pid order)
    pid_m = pid % n_q_tiles
    pid_bh = (pid // n_q_tiles).to(tl.int64)
    b = pid_bh // heads
    h = pid_bh % heads
    offs_m = pid_m * BLOCK_Q + tl.arange(0, BLOCK_Q)
    offs_d = tl.arange(0, HEAD_DIM)
    offs_t = tl.arange(0, TILE)
    row_ok = offs_m < seq_len
    q = tl.load(Q + b * stride_qb + h * stride_qh + offs_m[:, None] * stride_qm + offs_d[None, :],
                mask=row_ok[:, None], other=0.0)
    q = (q * qk_scale).to(q.dtype)  # fold the softmax scale (log2 units) into q once

    row = pid_bh * n_query_blocks + (pid_m * BLOCK_Q) // QUERY_BLOCK
    idx_row = IDX + row * n_key_blocks
    off_row = OFF + row * 8
    o1 = tl.load(off_row)
    o2 = tl.load(off_row + 1)
    o4 = tl.load(off_row + 2)
    o8 = tl.load(off_row + 3)
    end = tl.load(off_row + 4)
    # levels below CONT_LEVELS (blocks at least CTILE = 2**LOG2_C rows wide) go through contiguous tiles
    # of CTILE rows: c2 level-1 tiles, then pooled tiles up to c8; the other levels are gathered in tiles
    # of TILE rows: ceil(blocks * n/l / TILE) per level, t8 in all
    c2 = _count(o2 - o1, LOG2_N - LOG2_C, CONT_LEVELS > 0)
    c3 = c2 + _count(o4 - o2, LOG2_N - 1 - LOG2_C, CONT_LEVELS > 1)
    c4 = c3 + _count(o8 - o4, LOG2_N - 2 - LOG2_C, CONT_LEVELS > 2)
    c8 = c4 + _count(end - o8, LOG2_N - 3 - LOG2_C, CONT_LEVELS > 3)
    t1 = _gather_count(o2 - o1, LOG2_N, TILE, CONT_LEVELS <= 0)
    t2 = t1 + _gather_count(o4 - o2, LOG2_N - 1, TILE, CONT_LEVELS <= 1)
    t4 = t2 + _gather_count(o8 - o4, LOG2_N - 2, TILE, CONT_LEVELS <= 2)
    t8 = t4 + _gather_count(end - o8, LOG2_N - 3, TILE, CONT_LEVELS <= 3)
    pooled_base = pid_bh * (padded - padded // 8) * HEAD_DIM
    pk = PK + pooled_base
    pv = PV + pooled_base
    k_full = K + b * stride_kb + h * stride_kh
    v_full = V + b * stride_vb + h * stride_vh

    # a finite start keeps fully masked rows NaN-free without a select per tile
    m_i = tl.full([BLOCK_Q], -1.0e30, tl.float32)
    l_i = tl.zeros([BLOCK_Q], tl.float32)
    acc = tl.zeros([BLOCK_Q, HEAD_DIM], tl.float32)
    offs_c = tl.arange(0, 1 << LOG2_C)
    if CONT_LEVELS > 0:
        # level 1 in place: tile j is rows (j mod n/CTILE) * CTILE.. of the (j div n/CTILE)-th block
        row0 = (pid_bh * seq_len).to(tl.int32)
        block = tl.load(idx_row + o1, mask=c2 > 0, other=0)
        first, pos, valid = _level1_tile(0, block, seq_len, offs_c, LOG2_N, LOG2_C, TMA)
        for j in tl.range(0, c2, num_stages=STAGES_1, warp_specialize=WS):
            kt = _level1_k(KD, k_full, first, pos, valid, row0, offs_d, stride_kn, TMA)
            vv = _level1_v(VD, v_full, first, pos, valid, row0, offs_d, stride_vn, TMA)
            bias = tl.where(valid, 0.0, float("-inf"))
            m_i, l_i, acc = _attend(q, kt, vv, bias, pos, offs_m, m_i, l_i, acc, CAUSAL, PRECISION, FUSED_ACC)
            block = tl.load(idx_row + o1 + ((j + 1) >> (LOG2_N - LOG2_C)), mask=j + 1 < c2, other=0)
            first, pos, valid = _level1_tile(j + 1, block, seq_len, offs_c, LOG2_N, LOG2_C, TMA)
    if CONT_LEVELS > 1 and not LEVEL1_ONLY:
        # pooled blocks at least CTILE rows wide: every row is real (the pyramid pads with the last token)
        shift_c, local_c = _cont_tile(c2, c2, c3, c4, c8, o2, o4, o8, idx_row, LOG2_N, LOG2_C)
        pooled_rows = padded - padded // 8
        for j in tl.range(c2, c8, num_stages=STAGES_P):
            prow = (padded - ((2 * padded) >> shift_c)) + local_c
            if TMA:
                kt = tl.trans(PKD.load([(pid_bh * pooled_rows).to(tl.int32) + prow, 0]))
                vv = PVD.load([(pid_bh * pooled_rows).to(tl.int32) + prow, 0])
            else:
                kt = tl.load(pk + (prow + offs_c)[None, :] * HEAD_DIM + offs_d[:, None])
                vv = tl.load(pv + (prow + offs_c)[:, None] * HEAD_DIM + offs_d[None, :])
            bias = tl.zeros([1 << LOG2_C], tl.float32) + shift_c.to(tl.float32)
            m_i, l_i, acc = _attend(q, kt, vv, bias, (local_c + offs_c) << shift_c, offs_m, m_i, l_i, acc, CAUSAL,
                                    PRECISION, FUSED_ACC)
            shift_c, local_c = _cont_tile(j + 1, c2, c3, c4, c8, o2, o4, o8, idx_row, LOG2_N, LOG2_C)
    # a map of levels 1 and 0 only (LEVEL1_ONLY) has no gathered tiles: the loop is compiled out
    if not LEVEL1_ONLY:
        shift, valid, local = _tile_rows(0, t1, t2, t4, o1, o2, o4, o8, end, idx_row, offs_t, LOG2_N, TILE)
        for t in tl.range(0, t8, num_stages=STAGES_G):
            if not PREFETCH:
                shift, valid, local = _tile_rows(t, t1, t2, t4, o1, o2, o4, o8, end, idx_row, offs_t, LOG2_N, TILE)
            # level 1 reads K, V in place; K_l (l > 1) starts at padded * (1 - 2/l) in the pooled pyramid
            full = shift == 0
            k_rows = tl.where(full, k_full, pk + (padded - ((2 * padded) >> shift)) * HEAD_DIM)
            v_rows = tl.where(full, v_full, pv + (padded - ((2 * padded) >> shift)) * HEAD_DIM)
            k_stride = tl.where(full, stride_kn, HEAD_DIM)
            v_stride = tl.where(full, stride_vn, HEAD_DIM)
            valid = valid & (local < tl.where(full, seq_len, padded))  # level-1 rows past L are masked
            if K_ROWS:
                # K as [tile, D] (rows contiguous, as stored) and a transposed view for the dot
                kt = tl.trans(tl.load(k_rows + (local * k_stride)[:, None] + offs_d[None, :], mask=valid[:, None],
                                      other=0.0))
            else:
                kt = tl.load(k_rows + (local * k_stride)[None, :] + offs_d[:, None], mask=valid[None, :], other=0.0)
            vv = tl.load(v_rows + (local * v_stride)[:, None] + offs_d[None, :], mask=valid[:, None], other=0.0)
            # ln(l) bias in log2 units is log2(l) = shift; masked keys get -inf in the same add
            bias = tl.where(valid, shift.to(tl.float32), float("-inf"))
            qk = tl.dot(q, kt, input_precision=PRECISION) + bias[None, :]
            if CAUSAL:
                qk = tl.where((local << shift)[None, :] <= offs_m[:, None], qk, float("-inf"))
            m_i, l_i, acc = _softmax_step(qk, vv, m_i, l_i, acc, PRECISION, FUSED_ACC)
            if PREFETCH:
                # the next tile's block ids load while this tile computes
                shift, valid, local = _tile_rows(t + 1, t1, t2, t4, o1, o2, o4, o8, end, idx_row, offs_t, LOG2_N, TILE)
    out = tl.where(l_i[:, None] > 0, acc / tl.where(l_i > 0, l_i, 1.0)[:, None], 0.0)
    tl.store(Out + b * stride_ob + h * stride_oh + offs_m[:, None] * stride_om + offs_d[None, :],
             out.to(Out.dtype.element_ty), mask=row_ok[:, None])


def default_launch(block_m: int, head_dim: int, pooled: bool = True) -> dict[str, int]:
    """Launch shape measured best on H200 (benchmarks/KERNEL_NOTES.md); ``pooled``: the map has levels above 1.

    ``contiguous``: 0 gathers every tile (v7), 1 loads tiles inside one block with plain offset loads,
    2 with Tensor Memory Accelerator descriptors where possible (else 1); ``cont_tile`` is the contiguous
    tiles' row count (capped at n). ``fused_acc``: P @ V accumulates into the rescaled output tile (v11;
    0 is v10's separate product). ``stages_l1`` / ``stages_pooled`` / ``stages_gather``: pipeline depth of
    each of the three loops (0: ``num_stages``). ``warp_specialize``: Triton's automatic warp
    specialisation of the level-1 loop. ``ordered``: programs start longest row first. ``prune``: a map of
    levels 1 and 0 only compiles the pooled and gathered loops out and builds no pyramid.
    """
    common = {"prefetch": 1, "k_rows": 0, "contiguous": 2, "fused_acc": 1, "stages_l1": 0, "stages_pooled": 0,
              "stages_gather": 0, "warp_specialize": 0, "ordered": 0, "prune": 1}
    if head_dim <= 64:
        return {**common, "key_tile": 128, "block_q": 128, "num_warps": 4, "num_stages": 3, "cont_tile": 128}
    if not pooled:
        # level-1 loop alone: 64-row query tiles, 3 stages (v11 sweep: 0.61 / 0.68 of ideal against 0.52 / 0.63)
        return {**common, "key_tile": 64, "block_q": 64, "num_warps": 4, "num_stages": 3, "cont_tile": 64}
    return {**common, "key_tile": 64, "block_q": 128, "num_warps": 4, "num_stages": 2, "cont_tile": 64}


def map_facts(facts: torch.Tensor) -> Callable[[], tuple[bool, bool]]:
    """Reader of the encoding's two facts ``(bad, pooled)``: a level value other than 0/1/2/4/8 somewhere; a
    level above 1. On CUDA the copy to the host is queued now and the reader waits for it alone, so work
    queued in between (the pyramid) keeps the GPU busy during the sync."""
    if not facts.is_cuda:
        return lambda: (bool(facts[0]), bool(facts[1]))
    host = torch.empty(2, dtype=facts.dtype, pin_memory=True)
    host.copy_(facts, non_blocking=True)
    copied = torch.cuda.Event()
    copied.record()

    def read() -> tuple[bool, bool]:
        copied.synchronize()
        return bool(host[0]), bool(host[1])

    return read


def longest_first(offsets: torch.Tensor, block_n: int, tiles_per_block: int) -> torch.Tensor:
    """Program ids ordered by their query block's key rows (levels 1, 2, 4, 8 weigh n, n/2, n/4, n/8),
    longest first; ``tiles_per_block`` programs share a query block."""
    counts = (offsets[..., 1:5] - offsets[..., 0:4]).to(torch.float32)
    rows = counts @ torch.tensor([block_n, block_n / 2, block_n / 4, block_n / 8], device=offsets.device)
    rows = rows.reshape(rows.shape[0] * rows.shape[1], rows.shape[2])
    work = rows.repeat_interleave(tiles_per_block, dim=1).reshape(-1)
    return torch.argsort(work, descending=True, stable=True).to(torch.int32)


def _tma_ok(tensors: tuple[torch.Tensor, ...], seq_len: int, cont_tile: int) -> bool:
    """Descriptors need Hopper (or the interpreter), dense [B, H, L, D] rows, 16-byte alignment and a whole
    tile inside L (a tile reaching past L is moved back, not clipped)."""
    q, k, v = tensors
    return (descriptors_supported(q) and seq_len >= cont_tile and q.shape[0] * q.shape[1] * seq_len < 2**31
            and all(x.is_contiguous() and x.data_ptr() % 16 == 0 for x in (k, v)))


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
    **launch: int,
) -> torch.Tensor:
    """Launch the kernel on validated inputs (see :func:`psa_kernels.pyramid_attention`); ``launch``
    overrides :func:`default_launch` (keys as there)."""
    dim = q.shape[-1]
    unknown = set(launch) - set(default_launch(block_m, dim)) - {"num_warps", "num_stages"}
    if unknown:
        raise TypeError(f"unknown launch options: {sorted(unknown)}")
    given = {key: val for key, val in launch.items() if val is not None}
    prune = bool(given.get("prune", 1))
    for_pooled = {**default_launch(block_m, dim, pooled=True), **given}
    for_level1 = {**default_launch(block_m, dim, pooled=False), **given}
    batch, heads, _mq, nk = levels.shape
    flags = torch.zeros(batch * heads * nk + 2, dtype=torch.int8, device=levels.device)
    index, offsets = encode_levels(levels, flags)
    used = flags[:-2]  # key blocks some row keeps at a pooled level, [B*H, Nk]
    # the map is read on the host before the launch only where that changes the launch (D=128: a level-1 map
    # takes another launch shape); elsewhere the bad-value check stays after the launch, as in v10
    facts = map_facts(flags[-2:]) if prune and for_pooled != for_level1 else None
    # pruning pools only the blocks in use (none for a level-1 map); the sync below overlaps this launch
    pk, pv = pyramid(k, v, block_n, used=used if prune else None)
    plan = _plan(q, k, v, pk, pv, for_pooled, block_m, block_n)  # prepared before the sync
    level1_only = False
    if facts is not None:
        bad, pooled = facts()
        if bad:
            _raise_bad_levels(levels)
        if not pooled:
            level1_only = True
            plan = _plan(q, k, v, pk, pv, for_level1, block_m, block_n, reuse=plan)
    out = _launch(q, k, v, pk, pv, index, offsets, levels, plan, block_m, block_n, sm_scale, causal, level1_only)
    if facts is None and bool(offsets[..., 5].any()):
        _raise_bad_levels(levels)
    return out


def _raise_bad_levels(levels: torch.Tensor) -> None:
    found = levels[(levels != 0) & (levels != 1) & (levels != 2) & (levels != 4) & (levels != 8)]
    raise ValueError(f"levels may only hold (0, 1, 2, 4, 8), found {int(found[0])}")


def _plan(q, k, v, pk, pv, opts: dict[str, int], block_m: int, block_n: int,  # noqa: ANN001 - tensors
          reuse: dict | None = None) -> dict:
    """Launch shape and load path of ``opts``: query tile, contiguous levels, descriptors (reused from
    ``reuse`` where its contiguous tile and load mode are the same)."""
    batch, heads, seq_len, _dim = q.shape
    mode = opts["contiguous"]
    ctile = min(block_n, opts["cont_tile"])
    if mode == 2 and not _tma_ok((q, k, v), seq_len, ctile):
        mode = 1
    if reuse is not None and (reuse["mode"], reuse["ctile"]) == (mode, ctile):
        descriptors = reuse["descriptors"]
    elif mode == 2:
        full = batch * heads * seq_len
        descriptors = (row_descriptor(k, full, ctile), row_descriptor(v, full, ctile),
                       row_descriptor(pk, pk.shape[0] * pk.shape[1], ctile),
                       row_descriptor(pv, pv.shape[0] * pv.shape[1], ctile))
    else:
        descriptors = (k, v, pk, pv)
    block_q = min(block_m, opts["block_q"])
    # levels whose blocks (n/l rows) hold whole contiguous tiles: 0..4
    cont_levels = sum(1 for s in range(4) if block_n >> s >= ctile) if mode else 0
    return {"opts": opts, "mode": mode, "ctile": ctile, "descriptors": descriptors, "block_q": block_q,
            "n_q_tiles": math.ceil(seq_len / block_q), "cont_levels": cont_levels}


def _launch(q, k, v, pk, pv, index, offsets, levels, plan: dict, block_m: int, block_n: int,  # noqa: ANN001
            sm_scale: float, causal: bool, level1_only: bool) -> torch.Tensor:
    batch, heads, seq_len, dim = q.shape
    opts, n_q_tiles = plan["opts"], plan["n_q_tiles"]
    out = torch.empty_like(q)
    order = longest_first(offsets, block_n, block_m // plan["block_q"]) if opts["ordered"] else offsets
    _pyramid_fwd[(n_q_tiles * batch * heads,)](
        q, k, v, pk, pv, index, offsets, out, *plan["descriptors"],
        sm_scale * LOG2E, seq_len, heads, levels.shape[2], levels.shape[3], levels.shape[3] * block_n,
        q.stride(0), q.stride(1), q.stride(2),
        k.stride(0), k.stride(1), k.stride(2),
        v.stride(0), v.stride(1), v.stride(2),
        out.stride(0), out.stride(1), out.stride(2),
        BLOCK_Q=plan["block_q"], QUERY_BLOCK=block_m, LOG2_N=int(math.log2(block_n)),
        TILE=opts["key_tile"], HEAD_DIM=dim, CAUSAL=causal,
        PRECISION="ieee" if q.dtype == torch.float32 else "tf32",
        PREFETCH=bool(opts["prefetch"]), K_ROWS=bool(opts["k_rows"]),
        CONT_LEVELS=plan["cont_levels"], LOG2_C=int(math.log2(plan["ctile"])), TMA=plan["mode"] == 2,
        # a loop given no depth of its own takes the kernel's: an explicit per-loop depth changes how Triton
        # shares shared memory between the three loops (v11 notes: 3 stages on every loop explicitly lost 40%)
        FUSED_ACC=bool(opts["fused_acc"]), STAGES_1=opts["stages_l1"] or None,
        STAGES_P=opts["stages_pooled"] or None, STAGES_G=opts["stages_gather"] or None,
        WS=bool(opts["warp_specialize"]), ORDERED=bool(opts["ordered"]), ORDER=order, n_q_tiles=n_q_tiles,
        # level 1 alone goes through the contiguous loop only when level 1 is contiguous (mode > 0)
        LEVEL1_ONLY=level1_only and plan["cont_levels"] > 0,
        num_warps=opts["num_warps"], num_stages=opts["num_stages"],
    )
    return out
