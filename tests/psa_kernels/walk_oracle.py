"""A brute-force oracle for the level walk (psa-semantics section 3), one row at a time in plain Python.

Written from the specification alone, independent of ``psa_kernels``: tests check
the reference and the Triton mask against it, and it against the runtime's own
output (``tests/data/conformance/level_walk.json``). Shares are exact fractions,
so the oracle is the mathematical walk; products ``Nk * end`` and ``end + 1e-6``
are double-precision floats, as the runtime computes them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

Ratios = Sequence[tuple[int, float, float]]
"""(level, start, end) in file order."""

VECTORS = Path(__file__).resolve().parents[1] / "data" / "conformance" / "level_walk.json"


def load_vectors() -> list[dict]:
    """The runtime's level assignments (cases with ``mode``, ``n``, ``tile_n``, ``mask_ratios``, rows)."""
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def oracle_alignment(level: int, n: int, tile_n: int) -> int:
    """How many ranks a level's interval length must be a multiple of."""
    if level == 0:
        return 1
    blocks_per_tile = n // tile_n
    return -(-level // blocks_per_tile)


def rank_order(row: Sequence[float]) -> list[int]:
    """Key-block indices by descending score, equal scores by ascending index."""
    return sorted(range(len(row)), key=lambda j: (-row[j], j))


def oracle_levels(row: Sequence[float], mode: str, n: int, tile_n: int, ratios: Ratios) -> list[int]:
    """The level of every key block of ``row`` (in the row's own order)."""
    order = rank_order(row)
    by_rank = rank_levels([row[j] for j in order], mode, n, tile_n, ratios)
    levels = [0] * len(row)
    for rank, block in enumerate(order):
        levels[block] = by_rank[rank]
    return levels


def rank_levels(sorted_row: Sequence[float], mode: str, n: int, tile_n: int, ratios: Ratios) -> list[int]:
    """The level of every rank of a row already sorted by descending score."""
    nk = len(sorted_row)
    by_rank = [0] * nk
    start = 0
    for level, end_index in walk_ends(sorted_row, mode, n, tile_n, ratios):
        for rank in range(start, end_index):
            by_rank[rank] = level
        start = end_index
    return by_rank


def walk_ends(sorted_row: Sequence[float], mode: str, n: int, tile_n: int, ratios: Ratios) -> list[tuple[int, int]]:
    """(level, end index) in walk order; each interval starts at the previous end index."""
    nk = len(sorted_row)
    walk = list(ratios)
    if mode == "thresholdbound":
        walk.sort(key=lambda item: item[2])
    shares = exact_shares(sorted_row)
    previous = 0
    ends = []
    for level, _start, end in walk:
        if mode == "topk":
            stop = min(nk, math.floor(nk * end))
        else:
            limit = Fraction(end + 1e-6)
            count = sum(1 for share in shares if share <= limit)
            stop = count + 1 if count > 0 else previous
        stop = max(previous, min(stop, nk))
        if mode == "thresholdbound" and level == 1:
            stop = max(stop, min(nk, math.floor(nk * 0.06) + 1))
        stop = previous + aligned_length(stop - previous, oracle_alignment(level, n, tile_n), nk - previous)
        ends.append((level, stop))
        previous = stop
    return ends


def aligned_length(length: int, multiple: int, room: int) -> int:
    """``length`` rounded up to ``multiple``, or down if rounding up needs more than ``room`` ranks."""
    up = -(-length // multiple) * multiple
    return up if up <= room else length // multiple * multiple


def exact_shares(sorted_row: Sequence[float]) -> list[Fraction]:
    """Cumulative sums divided by the row total, exactly (empty when the total is not positive)."""
    running = Fraction(0)
    sums = []
    for score in sorted_row:
        running += Fraction(score)
        sums.append(running)
    if not sums or sums[-1] <= 0:
        return []  # 0/0: no rank is under any threshold, as NaN compares false
    return [value / sums[-1] for value in sums]


def threshold_margin(sorted_row: Sequence[float], ratios: Ratios) -> float:
    """Distance from the closest share to the closest threshold ``end + 1e-6``: float rounding
    can move a rank across a threshold only when this is tiny."""
    shares = exact_shares(sorted_row)
    limits = [Fraction(end + 1e-6) for _, _, end in ratios]
    return min((float(abs(s - limit)) for s in shares for limit in limits), default=math.inf)
