"""Sections 2-4 of psa-semantics.md in plain PyTorch: the ground truth for the kernels.

Written to be read next to the specification, not to be fast. Everything is
computed in at least float32 (float64 if the inputs are float64).

Choices where the specification leaves room (documented again where they apply):

* Sampled offsets are drawn without replacement (as the published runtime
  does), on the CPU, by :func:`psa_kernels.sampling.sample_offsets`.
* Sorting ranks ties by key-block index (stable descending sort).
* Alignment applies in both ``topk`` and ``thresholdbound``; a level's
  interval starts at the previous level's *aligned* end.
* ``thresholdbound`` divides the cumulative sum by its last element (the
  row's total, as the runtime does), in the scores' own precision.
* ``causal`` (an old_mask_type option the specification does not define
  further): a level-1 key at token position ``t`` is visible to query ``s``
  when ``t <= s``; a pooled key covering tokens ``[p*l, (p+1)*l)`` is
  visible when its first token ``p*l <= s``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

from psa_config.runtime import SIM_KEYS, similarity_thresholds
from psa_kernels.sampling import pad_to_multiple, sample_offsets, sampled_tokens

if TYPE_CHECKING:
    from psa_config.model import PsaPreset

POOLED_LEVELS: tuple[int, ...] = (1, 2, 4, 8)
"""Levels that keep a block, finest first."""

THRESHOLD_EPS = 1e-6
LEVEL1_FLOOR = 0.06
DEFAULT_SIM_THRESHOLDS: tuple[float, float, float] = (0.0, 0.0, -1.0)


def _compute_dtype(x: torch.Tensor) -> torch.dtype:
    return torch.promote_types(x.dtype, torch.float32)


# --------------------------------------------------------------------------- section 2


def estimate_importance(
    q: torch.Tensor,
    k: torch.Tensor,
    *,
    block_m: int,
    block_n: int,
    seed: int | None = None,
    q_offsets: torch.Tensor | None = None,
    k_offsets: torch.Tensor | None = None,
) -> torch.Tensor:
    """Block importance ``S`` ``[B, H, Mq, Nk]``, each row summing to 1 (section 2).

    ``q_offsets``/``k_offsets`` (``[B, H, m/4]`` / ``[B, H, n/4]``) override the
    offsets drawn from ``seed``.
    """
    batch, heads, _, dim = q.shape
    dtype = _compute_dtype(q)
    if q_offsets is None:
        q_offsets = sample_offsets(batch, heads, block_m, block_m // 4, seed=seed, device=q.device)
    if k_offsets is None:
        k_seed = None if seed is None else seed + 1
        k_offsets = sample_offsets(batch, heads, block_n, block_n // 4, seed=k_seed, device=q.device)
    qs = sampled_tokens(pad_to_multiple(q, block_m).to(dtype), block_m, q_offsets)
    ks = sampled_tokens(pad_to_multiple(k, block_n).to(dtype), block_n, k_offsets)
    mq, sq = qs.shape[2], qs.shape[3]
    nk, sk = ks.shape[2], ks.shape[3]
    logits = qs.reshape(batch, heads, mq * sq, dim) @ ks.reshape(batch, heads, nk * sk, dim).transpose(-1, -2)
    logits = logits / math.sqrt(dim)
    row_max = logits.amax(dim=-1, keepdim=True)
    weights = torch.exp(logits - row_max).view(batch, heads, mq, sq, nk, sk)
    scores = weights.amax(dim=(3, 5))
    return scores / scores.sum(dim=-1, keepdim=True)


# --------------------------------------------------------------------------- section 3


def alignment(level: int, block_n: int, tile_n: int) -> int:
    """``a(level) = ceil(level / (n / tile_n))``; 1 for level 0 (``n // tile_n`` as the runtime divides)."""
    if level == 0:
        return 1
    return max(1, math.ceil(level / max(1, block_n // tile_n)))


def align_end(start: torch.Tensor, end: torch.Tensor, multiple: int, total: int) -> torch.Tensor:
    """Round the interval length up to ``multiple``; round down instead if that passes ``total``."""
    length = end - start
    up = (length + multiple - 1) // multiple * multiple
    down = length // multiple * multiple
    return start + torch.where(start + up > total, down, up)


def walk_order(preset: PsaPreset) -> list[tuple[int, float, float]]:
    """(level, start, end) in walk order: file order for ``topk``, by ``end`` for ``thresholdbound``.

    ``sorted`` is stable, so equal ends keep file order, as the runtime's ``sorted`` does.
    """
    walk = preset.levels_in_order()
    if preset.mask_mode == "thresholdbound":
        return sorted(walk, key=lambda item: item[2])
    return walk


def topk_end(nk: int, end: float) -> int:
    """``min(Nk, floor(Nk * end))`` with the product in double precision, as the runtime computes it."""
    return min(nk, math.floor(nk * end))


def level1_floor(nk: int) -> int:
    """The absolute rank index level 1's end is raised to in ``thresholdbound``."""
    return min(nk, math.floor(nk * LEVEL1_FLOOR) + 1)


def cumulative_shares(sorted_scores: torch.Tensor) -> torch.Tensor:
    """``c_k``: the cumulative sum of the sorted scores divided by the row's total (its last element)."""
    cumulative = sorted_scores.cumsum(dim=-1)
    return cumulative / cumulative[..., -1:]


def threshold_end(shares: torch.Tensor, end: float, previous: torch.Tensor) -> torch.Tensor:
    """``count + 1`` where ``count`` ranks have ``c_k <= end + 1e-6``; the previous end where none has."""
    count = (shares <= end + THRESHOLD_EPS).sum(dim=-1)
    return torch.where(count > 0, count + 1, previous)


def level_ends(
    sorted_scores: torch.Tensor, preset: PsaPreset
) -> list[tuple[int, torch.Tensor, torch.Tensor]]:
    """(level, start, end) rank intervals per row, in walk order (section 3).

    ``sorted_scores`` is ``[..., Nk]`` sorted descending, not necessarily
    normalised; starts and ends are ``[...]`` int64 tensors. ``start`` values
    of ``mask_ratios`` are never read. Level 1's floor is applied before
    alignment, which cannot move it (``a(1) = 1`` whenever ``tile_n <= n``).
    """
    nk = sorted_scores.shape[-1]
    block_n, tile_n = preset.block_size.n, preset.block_size.tile_n
    threshold = preset.mask_mode == "thresholdbound"
    shares = cumulative_shares(sorted_scores) if threshold else None
    previous = torch.zeros(sorted_scores.shape[:-1], dtype=torch.long, device=sorted_scores.device)
    intervals = []
    for level, _start, end in walk_order(preset):
        if shares is None:
            stop = torch.full_like(previous, topk_end(nk, end))
        else:
            stop = threshold_end(shares, end, previous)
        stop = stop.clamp(max=nk).maximum(previous)
        if threshold and level == 1:
            stop = stop.clamp(min=level1_floor(nk))
        stop = align_end(previous, stop, alignment(level, block_n, tile_n), nk)
        intervals.append((level, previous, stop))
        previous = stop
    return intervals


def similarity_caps(
    k: torch.Tensor, block_n: int, thresholds: tuple[float, float, float] = DEFAULT_SIM_THRESHOLDS
) -> torch.Tensor:
    """Per key block the largest pooling allowed by the similarity cap: ``[B, H, Nk]`` of 1/2/4/8."""
    x2, x4, x8 = thresholds
    batch, heads, _, dim = k.shape
    blocks = pad_to_multiple(k.to(_compute_dtype(k)), block_n)
    blocks = blocks.view(batch, heads, -1, block_n, dim)
    s2 = F.cosine_similarity(blocks[..., 0::2, :], blocks[..., 1::2, :], dim=-1).mean(dim=-1)
    s4 = F.cosine_similarity(blocks[..., 0::4, :], blocks[..., 3::4, :], dim=-1).mean(dim=-1)
    s8 = F.cosine_similarity(blocks[..., 0::8, :], blocks[..., 7::8, :], dim=-1).mean(dim=-1)
    one = torch.ones_like(s2, dtype=torch.long)
    return torch.where(s8 > x8, 8 * one, torch.where(s4 > x4, 4 * one, torch.where(s2 > x2, 2 * one, one)))


def preset_sim_thresholds(preset: PsaPreset) -> tuple[float, float, float]:
    """x2, x4, x8 as the runtime takes them (:func:`psa_config.runtime.similarity_thresholds`: a
    legacy ``sim_Nx_threshold`` key wins over ``sim_thresholds``); a value given nowhere gets the
    runtime default (0, 0, -1)."""
    given = similarity_thresholds(preset.model_dump(exclude_none=True))
    values = (given.get(legacy) for _, legacy in SIM_KEYS)
    return tuple(  # type: ignore[return-value]
        default if value is None else float(value) for value, default in zip(values, DEFAULT_SIM_THRESHOLDS)
    )


def assign_levels(
    scores: torch.Tensor,
    preset: PsaPreset,
    *,
    k: torch.Tensor | None = None,
    text_length: int | None = None,
) -> torch.Tensor:
    """Level map ``[B, H, Mq, Nk]`` (int8) from importance ``scores`` (section 3).

    ``k`` is needed for the similarity cap (``use_sim_mask`` with
    old_mask_type). ``text_length=None`` means ``preset.text_length or 0``;
    text blocks are forced to level 1 with old_mask_type only.
    """
    sorted_scores, order = scores.sort(dim=-1, descending=True, stable=True)
    by_rank = torch.zeros(scores.shape, dtype=torch.int8, device=scores.device)
    ranks = torch.arange(scores.shape[-1], device=scores.device)
    for level, start, stop in level_ends(sorted_scores, preset):
        inside = (ranks >= start[..., None]) & (ranks < stop[..., None])
        by_rank = torch.where(inside, torch.tensor(level, dtype=torch.int8, device=scores.device), by_rank)
    levels = torch.empty_like(by_rank).scatter_(-1, order, by_rank)
    if preset.attn_impl != "old_mask_type":
        return levels
    if preset.use_sim_mask:
        if k is None:
            raise ValueError("use_sim_mask needs the key tensor k for the similarity cap")
        caps = similarity_caps(k, preset.block_size.n, preset_sim_thresholds(preset)).to(torch.int8)
        levels = torch.where(levels > 0, torch.minimum(levels, caps[:, :, None, :]), levels)
    return force_text_blocks(levels, _text_length(preset, text_length), preset.block_size.n)


def _text_length(preset: PsaPreset, text_length: int | None) -> int:
    if text_length is not None:
        return text_length
    return preset.text_length or 0


def force_text_blocks(levels: torch.Tensor, text_length: int, block_n: int) -> torch.Tensor:
    """Force the last ``ceil(text_length / n)`` key blocks to level 1 (old_mask_type)."""
    count = min(levels.shape[-1], math.ceil(text_length / block_n))
    if count == 0:
        return levels
    levels = levels.clone()
    levels[..., -count:] = 1
    return levels


def build_levels(
    q: torch.Tensor,
    k: torch.Tensor,
    preset: PsaPreset,
    *,
    seed: int | None = None,
    text_length: int | None = None,
) -> torch.Tensor:
    """Estimate + assignment, all in the reference implementation."""
    size = preset.block_size
    scores = estimate_importance(q, k, block_m=size.m, block_n=size.n, seed=seed)
    return assign_levels(scores, preset, k=k, text_length=text_length)


# --------------------------------------------------------------------------- section 4


def pooled(x: torch.Tensor, block_n: int, level: int) -> torch.Tensor:
    """``X_l``: ``x`` padded to a multiple of ``n`` by repetition, mean over groups of ``level`` tokens."""
    padded = pad_to_multiple(x, block_n)
    batch, heads, length, dim = padded.shape
    return padded.view(batch, heads, length // level, level, dim).mean(dim=3)


def block_rows(query_blocks: Sequence[int] | torch.Tensor, block_m: int, seq_len: int) -> torch.Tensor:
    """Token rows of the given query blocks (clipped to ``seq_len``), in order."""
    blocks = torch.as_tensor(query_blocks, dtype=torch.long).reshape(-1)
    rows = (blocks[:, None] * block_m + torch.arange(block_m)[None, :]).reshape(-1)
    return rows[rows < seq_len]


def pyramid_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    levels: torch.Tensor,
    *,
    block_m: int,
    block_n: int,
    sm_scale: float | None = None,
    causal: bool = False,
    query_blocks: Sequence[int] | torch.Tensor | None = None,
    max_elements: int = 1 << 25,
) -> torch.Tensor:
    """Attention given a level map (section 4), returned in ``q.dtype``.

    With ``query_blocks`` only those query blocks are computed and the rows
    :func:`block_rows` names are returned (``[B, H, R, D]``); otherwise all
    rows. Work is chunked so no logits tensor exceeds ``max_elements``.
    """
    batch, heads, seq_len, dim = q.shape
    dtype = _compute_dtype(q)
    scale = 1.0 / math.sqrt(dim) if sm_scale is None else sm_scale
    keys, values, key_level, key_block, key_first = _pyramid(k.to(dtype), v.to(dtype), block_n, seq_len)
    mq = levels.shape[2]
    blocks = torch.arange(mq) if query_blocks is None else torch.as_tensor(query_blocks, dtype=torch.long)
    rows = block_rows(blocks, block_m, seq_len).to(q.device)
    per_chunk = max(1, max_elements // max(1, batch * heads * keys.shape[2]))
    outputs = []
    for begin in range(0, rows.numel(), per_chunk):
        chunk = rows[begin : begin + per_chunk]
        row_levels = levels[:, :, chunk // block_m, :].long()
        allowed = torch.gather(row_levels, 3, key_block.expand(batch, heads, chunk.numel(), -1)) == key_level
        allowed &= _valid_keys(key_level, key_first, chunk, seq_len, causal)
        logits = (q[:, :, chunk].to(dtype) @ keys.transpose(-1, -2)) * scale + torch.log(key_level.to(dtype))
        logits = logits.masked_fill(~allowed, float("-inf"))
        weights = torch.softmax(logits, dim=-1).nan_to_num(0.0)
        outputs.append(weights @ values)
    return torch.cat(outputs, dim=2).to(q.dtype)


def _pyramid(
    k: torch.Tensor, v: torch.Tensor, block_n: int, seq_len: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """K_1..K_8 and V_1..V_8 concatenated, with each pooled row's level, key block and first token."""
    keys, values, key_level, key_block, key_first = [], [], [], [], []
    for level in POOLED_LEVELS:
        keys.append(pooled(k, block_n, level))
        values.append(pooled(v, block_n, level))
        count = keys[-1].shape[2]
        index = torch.arange(count, device=k.device)
        key_level.append(torch.full((count,), level, device=k.device))
        key_block.append(index * level // block_n)
        key_first.append(index * level)
    return (
        torch.cat(keys, dim=2),
        torch.cat(values, dim=2),
        torch.cat(key_level)[None, None, None, :],
        torch.cat(key_block)[None, None, None, :],
        torch.cat(key_first),
    )


def _valid_keys(
    key_level: torch.Tensor, key_first: torch.Tensor, rows: torch.Tensor, seq_len: int, causal: bool
) -> torch.Tensor:
    """Level-1 rows past the sequence are masked; with ``causal``, keys starting after the query."""
    level = key_level[0, 0, 0]
    valid = ((level != 1) | (key_first < seq_len))[None, :]
    if causal:
        valid = valid & (key_first[None, :] <= rows[:, None])
    return valid[None, None]


# --------------------------------------------------------------------------- density


def density(levels: torch.Tensor) -> float:
    """FLOP density: mean over all (b, h, i, j) of ``1/l`` for kept blocks, 0 for skipped."""
    values = levels.to(torch.float64)
    return float(torch.where(values > 0, 1.0 / values.clamp(min=1.0), 0.0).mean())
