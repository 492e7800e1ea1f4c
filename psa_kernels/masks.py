"""Level assignment (section 3) with few launches: the public API's path.

Same result as :func:`psa_kernels.reference.assign_levels`, computed as one
stable sort per row plus:

* ``topk``: the rank -> level vector is the same for every row, so it is
  built once on the host and scattered back through the sort order;
* ``thresholdbound``: each row's level ends are counted over the row's
  cumulative scores, walked (clamp, 6% floor, alignment), and each rank's
  level is written back through the sort order.

On CUDA (and under the Triton interpreter) with float32 scores:

* ``topk`` is one Triton launch. Rows of up to ``TRITON_SORT_KEYS`` key
  blocks are sorted in registers (below) and the rank -> level vector, the
  same for every row, is scattered through the order. Longer rows (up to
  ``TRITON_SELECT_KEYS``) are not sorted at all (v11): one program per row
  finds the score at each quota end rank by a radix select (32 counting
  steps over the row, all ends at once), then places each key block by
  comparing with those scores; ties at an end go by key-block index, as in
  the stable sort.
* ``thresholdbound`` is three launches (sort, ``torch.cumsum``, walk): one
  program per row sorts packed (score, index) keys in registers (``tl.sort``,
  descending, ties by index), so its order is ``torch.sort(stable=True)``'s;
  rows over ``TRITON_SORT_KEYS`` sort with ``torch.sort``. The cumulative sum
  stays ``torch.cumsum`` over the sorted scores, the reference's own op, so
  every threshold count compares the same float32 values.

Elsewhere (CPU without the interpreter, other dtypes, rows longer than
``MAX_TRITON_KEYS``) the PyTorch path runs.
"""

from __future__ import annotations

import functools
import math
import os
from types import SimpleNamespace
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
TRITON_SORT_KEYS = 512
"""Longest ``thresholdbound`` row sorted in registers; longer rows are sorted by ``torch.sort`` (H200, v9: the
bitonic sort of 1024 or 591 keys per row was slower than the library's segmented sort; 139-278 keys 2-3x
faster), then walked in one Triton launch."""
TRITON_SELECT_KEYS = 2048
"""Longest ``topk`` row placed by the radix select; longer rows take the PyTorch path."""


def assign_levels_fast(
    scores: torch.Tensor,
    preset: PsaPreset,
    *,
    k: torch.Tensor | None,
    text_length: int | None,
    method: str = "auto",
    topk_select: bool | None = None,
) -> torch.Tensor:
    """The level map ``[B, H, Mq, Nk]`` (int8); see :func:`psa_kernels.reference.assign_levels`.

    ``method``: ``"triton"``, ``"torch"`` or ``"auto"`` (Triton where it applies). ``topk_select`` picks the
    Triton ``topk`` kernel: the radix select (True) or the in-register sort of rows up to
    ``TRITON_SORT_KEYS`` (False); by default the one measured faster for the row length.
    """
    if method not in ("auto", "triton", "torch"):
        raise ValueError(f"method must be auto, triton or torch, got {method!r}")
    use_triton = method == "triton" or (method == "auto" and _triton_applies(scores))
    if use_triton:
        levels = _assign_triton(scores, preset, topk_select)
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


def _assign_triton(scores: torch.Tensor, preset: PsaPreset, topk_select: bool | None = None) -> torch.Tensor:
    nk = scores.shape[-1]
    if topk_select is None:
        topk_select = nk > TRITON_SORT_KEYS
    if preset.mask_mode == "topk" and nk > (TRITON_SELECT_KEYS if topk_select else TRITON_SORT_KEYS):
        return _assign_torch(scores, preset)
    rows = scores.numel() // nk
    flat = scores.contiguous().view(rows, nk)
    levels = torch.empty(scores.shape, dtype=torch.int8, device=scores.device)
    block = max(16, 1 << (nk - 1).bit_length())
    warps = 2 if block <= 256 else 4 if block <= 1024 else 8
    size = preset.block_size
    if preset.mask_mode == "topk":
        walk = tuple(preset.levels_in_order())
        if topk_select:
            ends, run_levels = _topk_segments(nk, size.n, size.tile_n, walk, scores.device)
            # one warp per 512 keys: the 32 counting steps reduce with shuffles, not shared memory
            _topk_select[(rows,)](flat, ends, run_levels, levels, nk, ENDS_COUNT=ends.numel(), BLOCK=block,
                                  num_warps=max(1, block // 512))
        else:
            by_rank = _topk_ranks(nk, size.n, size.tile_n, walk, scores.device)
            _sort_rows[(rows,)](flat, by_rank, levels, levels, levels, nk, TOPK=True, BLOCK=block, num_warps=warps)
        return levels
    if nk <= TRITON_SORT_KEYS:
        sorted_scores = torch.empty_like(flat)
        order = torch.empty(flat.shape, dtype=torch.int32, device=flat.device)
        _sort_rows[(rows,)](flat, flat, levels, sorted_scores, order, nk, TOPK=False, BLOCK=block, num_warps=warps)
    else:
        sorted_scores, order = flat.sort(dim=-1, descending=True, stable=True)
    cumulative = sorted_scores.cumsum(dim=-1)
    walk = sorted(preset.levels_in_order(), key=lambda item: item[2])
    count = len(walk)
    padded = walk + [(0, 1.0, 1.0)] * (5 - count)
    limits = [float(end) + reference.THRESHOLD_EPS for _, _, end in padded]
    floor = min(nk, math.floor(reference.LEVEL1_FLOOR * nk) + 1)
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
    """Level of each rank (int8 ``[Nk]`` on ``device``), from the reference walk on one row; cached."""
    stand_in = _WalkOnly(walk, block_n, tile_n)
    by_rank = torch.zeros(nk, dtype=torch.int8)
    for level, start, stop in reference.level_ends(torch.zeros(1, nk, dtype=torch.float64), stand_in):  # type: ignore[arg-type]
        by_rank[int(start[0]) : int(stop[0])] = level
    return by_rank.to(device)


@functools.lru_cache(maxsize=256)
def _topk_segments(
    nk: int, block_n: int, tile_n: int, walk: tuple[tuple[int, float, float], ...], device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """The rank -> level vector as runs: ``ends`` (int32 ``[E]``, E a power of two, padded with ``nk``) where
    run ``s`` covers ranks ``[ends[s-1], ends[s])``, and each run's level (int8 ``[E + 1]``); cached."""
    by_rank = _topk_ranks(nk, block_n, tile_n, walk, torch.device("cpu")).tolist()
    ends, run_levels = [], [by_rank[0]]
    for rank in range(1, nk):
        if by_rank[rank] != by_rank[rank - 1]:
            ends.append(rank)
            run_levels.append(by_rank[rank])
    width = max(1, 1 << (len(ends) - 1).bit_length()) if ends else 1
    ends += [nk] * (width - len(ends))
    run_levels += [run_levels[-1]] * (width + 1 - len(run_levels))
    return (torch.tensor(ends, dtype=torch.int32).to(device), torch.tensor(run_levels, dtype=torch.int8).to(device))


class _WalkOnly:
    """The preset fields :func:`reference.level_ends` reads for ``topk``, rebuilt from a hashable key."""

    mask_mode = "topk"

    def __init__(self, walk: tuple[tuple[int, float, float], ...], block_n: int, tile_n: int) -> None:
        self._walk = list(walk)
        self.block_size = SimpleNamespace(n=block_n, tile_n=tile_n)

    def levels_in_order(self) -> list[tuple[int, float, float]]:
        return self._walk


def _threshold_ranks(sorted_scores: torch.Tensor, preset: PsaPreset) -> torch.Tensor:
    """Level of each rank of each row (int8, same shape as ``sorted_scores``)."""
    nk = sorted_scores.shape[-1]
    walk = sorted(preset.levels_in_order(), key=lambda item: item[2])
    cumulative = sorted_scores.cumsum(dim=-1).contiguous()
    limits = torch.tensor([end + reference.THRESHOLD_EPS for _, _, end in walk], dtype=cumulative.dtype,
                          device=cumulative.device)
    raw = torch.searchsorted(cumulative, limits.expand(*cumulative.shape[:-1], len(walk)).contiguous(), right=True) + 1
    floor = min(nk, math.floor(reference.LEVEL1_FLOOR * nk) + 1)
    size = preset.block_size
    previous = torch.zeros(cumulative.shape[:-1], dtype=torch.long, device=cumulative.device)
    ends = []
    for position, (level, _start, _end) in enumerate(walk):
        stop = raw[..., position].clamp(max=nk)
        stop = torch.maximum(stop, previous)
        if level == 1:
            stop = torch.maximum(stop, (previous + floor).clamp(max=nk))
        stop = reference.align_end(previous, stop, reference.alignment(level, size.n, size.tile_n), nk)
        ends.append(stop)
        previous = stop
    ends_tensor = torch.stack(ends, dim=-1).contiguous()
    ranks = torch.arange(nk, device=cumulative.device).expand(cumulative.shape).contiguous()
    interval = torch.searchsorted(ends_tensor, ranks, right=True)
    walk_levels = torch.tensor([level for level, _, _ in walk] + [0], dtype=torch.int8, device=cumulative.device)
    return walk_levels[interval]


if triton is not None:

    @triton.jit
    def _orderable(x):
        """The orderable image of float32 ``x`` as uint32, never 0: larger image = later in descending order
        of the stable comparison sort (NaN above +inf, -0 equal to +0)."""
        x = tl.where(x == 0.0, 0.0, x)
        bits = tl.where(x != x, 0x7FC00000, x.to(tl.int32, bitcast=True))
        flipped = tl.where(bits >= 0, bits ^ -2147483648, ~bits)
        return flipped.to(tl.uint32, bitcast=True)

    @triton.jit
    def _sort_rows(S, BY_RANK, LEVELS, SORTED, ORDER, nk, TOPK: tl.constexpr, BLOCK: tl.constexpr):
        """One row: stable descending sort by packed keys; topk writes levels, else sorted scores and order.

        Key = orderable image << 24 | (2^24 - 1 - index): descending key order is descending score, ties by
        ascending index. Padding lanes get 0 and sort last.
        """
        row = tl.program_id(0).to(tl.int64)
        cols = tl.arange(0, BLOCK)
        ok = cols < nk
        image = _orderable(tl.load(S + row * nk + cols, mask=ok, other=0.0)).to(tl.int64)
        key = tl.sort(tl.where(ok, (image << 24) | (16777215 - cols.to(tl.int64)), 0), descending=True)
        index = (16777215 - (key & 16777215)).to(tl.int32)
        if TOPK:
            tl.store(LEVELS + row * nk + index, tl.load(BY_RANK + cols, mask=ok, other=0), mask=ok)
        else:
            tl.store(SORTED + row * nk + cols, tl.load(S + row * nk + index, mask=ok, other=0.0), mask=ok)
            tl.store(ORDER + row * nk + cols, index, mask=ok)

    @triton.jit
    def _topk_select(S, ENDS, RUN_LEVELS, LEVELS, nk, ENDS_COUNT: tl.constexpr, BLOCK: tl.constexpr):
        """One row of ``topk``: the level of every key block without sorting the row.

        For each run end ``e`` (a rank), a radix select finds ``t``, the score image at rank ``e`` (the
        largest value with at least ``e + 1`` images >= it), for all ends at once. A key block's rank is
        below ``e`` iff its image is above ``t``, or equal to ``t`` and among the first ``e - #(image > t)``
        such blocks by index (the stable sort's tie order). Its run is the number of ends it is not below.
        """
        row = tl.program_id(0).to(tl.int64)
        cols = tl.arange(0, BLOCK)
        ok = cols < nk
        image = tl.where(ok, _orderable(tl.load(S + row * nk + cols, mask=ok, other=0.0)), 0)[None, :]
        ends = tl.load(ENDS + tl.arange(0, ENDS_COUNT))[:, None]
        found = tl.zeros([ENDS_COUNT, 1], tl.uint32)
        for bit in tl.static_range(31, -1, -1):
            candidate = found | (1 << bit)
            count = tl.sum((image >= candidate).to(tl.int32), axis=1, keep_dims=True)
            found = tl.where(count > ends, candidate, found)
        above = image > found
        tied = (image == found).to(tl.int32)
        tie_rank = tl.cumsum(tied, axis=1) - tied
        quota = ends - tl.sum(above.to(tl.int32), axis=1, keep_dims=True)
        below_end = above | ((tied > 0) & (tie_rank < quota))
        run = tl.sum((~below_end).to(tl.int32), axis=0)
        tl.store(LEVELS + row * nk + cols, tl.load(RUN_LEVELS + run, mask=ok, other=0), mask=ok)

    @triton.jit
    def _walk_step(cum, ok, previous, nk, floor, limit, LEVEL: tl.constexpr, ALIGN: tl.constexpr):
        raw = tl.sum((ok & (cum <= limit)).to(tl.int32), axis=0) + 1
        stop = tl.minimum(tl.maximum(raw, previous), nk)
        if LEVEL == 1:
            stop = tl.maximum(stop, tl.minimum(previous + floor, nk))
        length = stop - previous
        up = (length + ALIGN - 1) // ALIGN * ALIGN
        down = length // ALIGN * ALIGN
        return previous + tl.where(previous + up > nk, down, up)

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
        level = tl.zeros([BLOCK], tl.int32)
        end0 = _walk_step(cum, ok, 0, nk, floor, lim0, LV0, AL0)
        level = tl.where((cols < end0), LV0, level)
        end = end0
        if NWALK > 1:
            end1 = _walk_step(cum, ok, end, nk, floor, lim1, LV1, AL1)
            level = tl.where((cols >= end) & (cols < end1), LV1, level)
            end = end1
        if NWALK > 2:
            end2 = _walk_step(cum, ok, end, nk, floor, lim2, LV2, AL2)
            level = tl.where((cols >= end) & (cols < end2), LV2, level)
            end = end2
        if NWALK > 3:
            end3 = _walk_step(cum, ok, end, nk, floor, lim3, LV3, AL3)
            level = tl.where((cols >= end) & (cols < end3), LV3, level)
            end = end3
        if NWALK > 4:
            end4 = _walk_step(cum, ok, end, nk, floor, lim4, LV4, AL4)
            level = tl.where((cols >= end) & (cols < end4), LV4, level)
        index = tl.load(ORDER + row * nk + cols, mask=ok, other=0)
        tl.store(LEVELS + row * nk + index, level.to(tl.int8), mask=ok)
