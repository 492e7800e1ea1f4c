"""Level assignment (section 3) with few launches: the public API's path.

Same result as :func:`psa_kernels.reference.assign_levels`, computed as one
stable sort per row plus:

* ``topk``: the rank -> level vector is the same for every row, so it is
  built once on the host and scattered back through the sort order;
* ``thresholdbound``: all five level ends of every row come from one
  ``searchsorted`` over the row's cumulative scores, and each rank's level
  from one more ``searchsorted`` over those ends.
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace
from typing import TYPE_CHECKING

import torch

from psa_kernels import reference

if TYPE_CHECKING:
    from psa_config.model import PsaPreset


def assign_levels_fast(
    scores: torch.Tensor, preset: PsaPreset, *, k: torch.Tensor | None, text_length: int | None
) -> torch.Tensor:
    """The level map ``[B, H, Mq, Nk]`` (int8); see :func:`psa_kernels.reference.assign_levels`."""
    sorted_scores, order = scores.sort(dim=-1, descending=True, stable=True)
    if preset.mask_mode == "topk":
        size = preset.block_size
        walk = tuple(preset.levels_in_order())
        by_rank = _topk_ranks(scores.shape[-1], size.n, size.tile_n, walk, scores.device).expand(scores.shape)
    else:
        by_rank = _threshold_ranks(sorted_scores, preset)
    levels = torch.empty(scores.shape, dtype=torch.int8, device=scores.device).scatter_(-1, order, by_rank)
    if preset.attn_impl != "old_mask_type":
        return levels
    if preset.use_sim_mask:
        if k is None:
            raise ValueError("use_sim_mask needs the key tensor k for the similarity cap")
        caps = reference.similarity_caps(k, preset.block_size.n, reference.preset_sim_thresholds(preset))
        levels = torch.where(levels > 0, torch.minimum(levels, caps.to(torch.int8)[:, :, None, :]), levels)
    given = text_length if text_length is not None else (preset.text_length or 0)
    return reference.force_text_blocks(levels, given, preset.block_size.n)


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
