"""Level assignment (section 3) with few launches: the public API's path.

Same result as :func:`psa_kernels.reference.assign_levels`, computed as one
stable sort per row plus:

* ``topk``: the rank -> level vector is the same for every row, so it is
  built once on the host and scattered back through the sort order;
* ``thresholdbound``: each row's level ends are counted over the row's
  cumulative shares (cumulative sum over its last element, the row's total),
  walked (no rank under a threshold keeps the previous end, clamp, level 1's
  absolute 6% floor, alignment), and each rank's level is written back
  through the sort order.

The walk here is written independently of the reference's; both are tested
against a brute-force oracle and the runtime's own level assignments.

On CUDA (and under the Triton interpreter) with float32 scores, ``topk`` is
one Triton launch for rows of up to ``TRITON_SORT_KEYS`` key blocks and
``thresholdbound`` three (sort, ``torch.cumsum``, walk): one program per row
(a warp per 512 keys) sorts packed (score, index) keys in registers
(``tl.sort``, descending, ties by index as in the stable sort), so its order
is ``torch.sort(stable=True)``'s. Longer rows (over ``THRESHOLD_SORT_KEYS``
for ``thresholdbound``) sort with ``torch.sort``. The cumulative sum stays
``torch.cumsum`` over the sorted scores, the reference's own op, and the walk
divides by the row's total with IEEE rounding (``tl.div_rn``), so every
threshold count compares the same float32 shares as the reference. Elsewhere
(CPU without the interpreter, other dtypes, rows longer than
``MAX_TRITON_KEYS``) the PyTorch path runs.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

import torch

from psa_kernels import reference

if TYPE_CHECKING:
    from psa_config.model import PsaPreset

try:  # the kernels are optional: without Triton the PyTorch path runs
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - CPU installs without Triton
    triton = None

MAX_TRITON_KEYS = 8192
"""Longest row (key blocks) the Triton path takes; longer rows use the PyTorch path."""
TRITON_SORT_KEYS = 1024
"""Longest ``topk`` row sorted in registers; longer rows take the PyTorch path. (v9 stopped at 512: with 4
warps per row the bitonic sort of 591 or 1024 keys lost to the library's segmented sort; with a warp per
512 keys it wins on an H100, v10: 591 keys 0.66 against 0.79 ms, 1024 keys 0.12-0.13 against 0.16-0.19.)"""
THRESHOLD_SORT_KEYS = 512
"""Longest ``thresholdbound`` row sorted in registers; longer rows are sorted by ``torch.sort`` and still
walked in one Triton launch. (Its sort also writes the sorted scores and their order: at 591 keys that
took 1.69 ms against 0.86 ms with ``torch.sort`` on an H100, v10.)"""


def assign_levels_fast(
    scores: torch.Tensor,
    preset: PsaPreset,
    *,
    k: torch.Tensor | None,
    text_length: int | None,
    method: str = "auto",
    sort_warps: int | None = None,
    sort_keys: int = TRITON_SORT_KEYS,
) -> torch.Tensor:
    """The level map ``[B, H, Mq, Nk]`` (int8); see :func:`psa_kernels.reference.assign_levels`.

    ``method``: ``"triton"``, ``"torch"`` or ``"auto"`` (Triton where it applies). ``sort_warps`` (warps per
    row) and ``sort_keys`` (longest ``topk`` row sorted in registers) are for benchmarks' sweeps.
    """
    if method not in ("auto", "triton", "torch"):
        raise ValueError(f"method must be auto, triton or torch, got {method!r}")
    use_triton = method == "triton" or (method == "auto" and _triton_applies(scores))
    if use_triton:
        levels = _assign_triton(scores, preset, sort_warps, sort_keys)
    else:
        levels = _assign_torch(scores, preset)
    if preset.attn_impl != "old_mask_type":
        return levels
    if preset.use_sim_mask:
        if k is None:
            raise ValueError("use_sim_mask needs the key tensor k for the similarity cap")
        caps = reference.similarity_caps(k, preset.block_size.n, reference.preset_sim_thresholds(preset))
        levels = torch.where(levels > 0, torch.minimum(levels, caps.to(torch.int8)[:, :, None, :]), levels)
    given = text_length if text_length is not None else (preset.text_length or 0)
    return reference.force_text_blocks(levels, given, preset.block_size.n)


def _triton_applies(scores: torch.Tensor) -> bool:
    if triton is None:
        return False
    on_device = scores.is_cuda or os.environ.get("TRITON_INTERPRET") == "1"
    return on_device and scores.dtype == torch.float32 and 0 < scores.shape[-1] <= MAX_TRITON_KEYS \
        and scores.numel() > 0


def _assign_torch(scores: torch.Tensor, preset: PsaPreset) -> torch.Tensor:
    sorted_scores, order = scores.sort(dim=-1, descending=True, stable=True)
    if preset.mask_mode == "topk":
        size = preset.block_size
        walk = tuple(preset.levels_in_order())
        by_rank = _topk_ranks(scores.shape[-1], size.n, size.tile_n, walk, scores.device).expand(scores.shape)
    else:
        by_rank = _threshold_ranks(sorted_scores, preset)
    return torch.empty(scores.shape, dtype=torch.int8, device=scores.device).scatter_(-1, order, by_rank)


def _assign_triton(scores: torch.Tensor, preset: PsaPreset, sort_warps: int | None, sort_keys: int) -> torch.Tensor:
    nk = scores.shape[-1]
    if preset.mask_mode == "topk" and nk > sort_keys:
        return _assign_torch(scores, preset)
    rows = scores.numel() // nk
    flat = scores.contiguous().view(rows, nk)
    levels = torch.empty(scores.shape, dtype=torch.int8, device=scores.device)
    block = max(16, 1 << (nk - 1).bit_length())
    # one warp per 512 keys: the bitonic stages stay in registers and shuffles (H100, v10: 278 keys 0.103 ms
    # with 1 warp against 0.115 with 4; 1024 keys 0.133 with 2 against 0.156 with 4 and 0.186 for torch.sort)
    warps = sort_warps or max(1, block // 512)
    size = preset.block_size
    if preset.mask_mode == "topk":
        walk = tuple(preset.levels_in_order())
        by_rank = _topk_ranks(nk, size.n, size.tile_n, walk, scores.device)
        _sort_rows[(rows,)](flat, by_rank, levels, levels, levels, nk, TOPK=True, BLOCK=block, num_warps=warps)
        return levels
    if nk <= min(sort_keys, THRESHOLD_SORT_KEYS):
        sorted_scores = torch.empty_like(flat)
        order = torch.empty(flat.shape, dtype=torch.int32, device=flat.device)
        _sort_rows[(rows,)](flat, flat, levels, sorted_scores, order, nk, TOPK=False, BLOCK=block, num_warps=warps)
    else:
        sorted_scores, order = flat.sort(dim=-1, descending=True, stable=True)
    cumulative = sorted_scores.cumsum(dim=-1)
    walk = reference.walk_order(preset)
    count = len(walk)
    padded = walk + [(0, 1.0, 1.0)] * (5 - count)
    limits = [float(end) + reference.THRESHOLD_EPS for _, _, end in padded]
    floor = reference.level1_floor(nk)
    constants = {}
    for position, (level, _start, _end) in enumerate(padded):
        constants[f"LV{position}"] = level
        constants[f"AL{position}"] = reference.alignment(level, size.n, size.tile_n)
    _threshold_walk[(rows,)](cumulative, order, levels, nk, floor, *limits, NWALK=count, BLOCK=block,
                             num_warps=warps, **constants)
    return levels


@functools.lru_cache(maxsize=256)
def _topk_ranks(
    nk: int, block_n: int, tile_n: int, walk: tuple[tuple[int, float, float], ...], device: torch.device
) -> torch.Tensor:
    """Level of each rank (int8 ``[Nk]`` on ``device``): the same quotas for every row; cached."""
    by_rank = torch.zeros(nk, dtype=torch.int8)
    start = 0
    for level, _start, end in walk:
        stop = max(start, reference.topk_end(nk, end))
        stop = start + _aligned_length(stop - start, reference.alignment(level, block_n, tile_n), nk - start)
        by_rank[start:stop] = level
        start = stop
    return by_rank.to(device)


def _aligned_length(length: int, multiple: int, room: int) -> int:
    """``length`` rounded up to ``multiple``, or down when rounding up needs more than ``room``."""
    up = -(-length // multiple) * multiple
    return up if up <= room else length // multiple * multiple


def _threshold_ranks(sorted_scores: torch.Tensor, preset: PsaPreset) -> torch.Tensor:
    """Level of each rank of each row (int8, same shape as ``sorted_scores``)."""
    nk = sorted_scores.shape[-1]
    walk = reference.walk_order(preset)
    cumulative = sorted_scores.cumsum(dim=-1)
    shares = cumulative / cumulative[..., -1:]
    floor = reference.level1_floor(nk)
    size = preset.block_size
    previous = torch.zeros(shares.shape[:-1], dtype=torch.long, device=shares.device)
    ends = []
    for level, _start, end in walk:
        count = (shares <= end + reference.THRESHOLD_EPS).sum(dim=-1)
        stop = torch.where(count > 0, count + 1, previous).clamp(max=nk)
        stop = torch.maximum(stop, previous)
        if level == 1:
            stop = stop.clamp(min=floor)
        multiple = reference.alignment(level, size.n, size.tile_n)
        length = stop - previous
        up = (length + multiple - 1) // multiple * multiple
        stop = previous + torch.where(previous + up > nk, length // multiple * multiple, up)
        ends.append(stop)
        previous = stop
    if not ends:
        return torch.zeros(shares.shape, dtype=torch.int8, device=shares.device)
    # ends never decrease along the walk: a rank's interval is the number of ends at or below it
    ranks = torch.arange(nk, device=shares.device).expand(shares.shape).contiguous()
    interval = torch.searchsorted(torch.stack(ends, dim=-1).contiguous(), ranks, right=True)
    walk_levels = torch.tensor([level for level, _, _ in walk] + [0], dtype=torch.int8, device=shares.device)
    return walk_levels[interval]


if triton is not None:

    @triton.jit
    def _sort_rows(S, BY_RANK, LEVELS, SORTED, ORDER, nk, TOPK: tl.constexpr, BLOCK: tl.constexpr):
        """One row: stable descending sort by packed keys; topk writes levels, else sorted scores and order.

        Key = orderable 32-bit image of the float (NaN above +inf, -0 as +0, as the comparison sort
        sees them) << 24 | (2^24 - 1 - index): descending key order is descending score, ties by
        ascending index. Padding lanes get -1 and sort last.
        """
        row = tl.program_id(0).to(tl.int64)
        cols = tl.arange(0, BLOCK)
        ok = cols < nk
        x = tl.load(S + row * nk + cols, mask=ok, other=0.0)
        x = tl.where(x == 0.0, 0.0, x)
        bits = x.to(tl.int32, bitcast=True)
        bits = tl.where(x != x, 0x7FC00000, bits).to(tl.int64)
        image = tl.where(bits >= 0, bits + 2147483648, -1 - bits)
        key = tl.where(ok, (image << 24) | (16777215 - cols.to(tl.int64)), -1)
        key = tl.sort(key, descending=True)
        index = (16777215 - (key & 16777215)).to(tl.int32)
        if TOPK:
            tl.store(LEVELS + row * nk + index, tl.load(BY_RANK + cols, mask=ok, other=0), mask=ok)
        else:
            tl.store(SORTED + row * nk + cols, tl.load(S + row * nk + index, mask=ok, other=0.0), mask=ok)
            tl.store(ORDER + row * nk + cols, index, mask=ok)

    @triton.jit
    def _walk_step(share, ok, previous, nk, floor, limit, LEVEL: tl.constexpr, ALIGN: tl.constexpr):
        count = tl.sum((ok & (share <= limit)).to(tl.int32), axis=0)
        stop = tl.where(count > 0, count + 1, previous)
        stop = tl.minimum(tl.maximum(stop, previous), nk)
        if LEVEL == 1:  # an absolute rank index, whatever level walked before
            stop = tl.maximum(stop, floor)
        length = stop - previous
        up = (length + ALIGN - 1) // ALIGN * ALIGN
        down = length // ALIGN * ALIGN
        return previous + tl.where(previous + up > nk, down, up)

    @triton.jit
    def _walk_place(share, ok, cols, previous, level, nk, floor, limit, LEVEL: tl.constexpr, ALIGN: tl.constexpr):
        """One step of the walk: this level's end, and the ranks from ``previous`` to it given ``LEVEL``."""
        end = _walk_step(share, ok, previous, nk, floor, limit, LEVEL, ALIGN)
        return end, tl.where((cols >= previous) & (cols < end), LEVEL, level)

    @triton.jit
    def _threshold_walk(
        CUM, ORDER, LEVELS, nk, floor, lim0, lim1, lim2, lim3, lim4,
        LV0: tl.constexpr, LV1: tl.constexpr, LV2: tl.constexpr, LV3: tl.constexpr, LV4: tl.constexpr,
        AL0: tl.constexpr, AL1: tl.constexpr, AL2: tl.constexpr, AL3: tl.constexpr, AL4: tl.constexpr,
        NWALK: tl.constexpr, BLOCK: tl.constexpr,
    ):
        """One row: level ends from the cumulative sorted scores (section 3), levels back through the order."""
        row = tl.program_id(0).to(tl.int64)
        cols = tl.arange(0, BLOCK)
        ok = cols < nk
        cum = tl.load(CUM + row * nk + cols, mask=ok, other=0.0)
        # the runtime's shares: cumulative / total, IEEE-rounded like torch's division
        share = tl.div_rn(cum, tl.load(CUM + row * nk + nk - 1))
        level = tl.zeros([BLOCK], tl.int32)
        end, level = _walk_place(share, ok, cols, 0, level, nk, floor, lim0, LV0, AL0)
        if NWALK > 1:
            end, level = _walk_place(share, ok, cols, end, level, nk, floor, lim1, LV1, AL1)
        if NWALK > 2:
            end, level = _walk_place(share, ok, cols, end, level, nk, floor, lim2, LV2, AL2)
        if NWALK > 3:
            end, level = _walk_place(share, ok, cols, end, level, nk, floor, lim3, LV3, AL3)
        if NWALK > 4:
            end, level = _walk_place(share, ok, cols, end, level, nk, floor, lim4, LV4, AL4)
        index = tl.load(ORDER + row * nk + cols, mask=ok, other=0)
        tl.store(LEVELS + row * nk + index, level.to(tl.int8), mask=ok)
