"""Inputs for level-walk tests: the runtime's vectors as presets, hypothesis rows and presets, and the
deterministic alignment examples (every n, tile_n and level), each with its expected levels by rank.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch
from hypothesis import assume
from hypothesis import strategies as st
from kernel_presets import make_preset
from walk_oracle import Ratios, load_vectors, oracle_alignment, rank_order, threshold_margin

from psa_config.model import PsaPreset

LEVELS = (1, 2, 4, 8, 0)
TILINGS = ((32, 16), (32, 32), (64, 16), (64, 32), (64, 64), (128, 16), (128, 32), (128, 64))
"""(n, tile_n) with tile_n in {16, 32, 64} dividing n."""
MODES = ("topk", "thresholdbound")


def walk_preset(mode: str, n: int, tile_n: int, ratios: Ratios) -> PsaPreset:
    """A new_mask_type preset (no similarity cap, no text forcing) walking ``ratios`` in this order."""
    return make_preset(
        block_size={"m": 64, "n": n, "tile_n": tile_n},
        mask_mode=mode,
        mask_ratios={level: [start, end] for level, start, end in ratios},
    )


@dataclass(frozen=True)
class VectorCase:
    """One case of the runtime's level walk: its preset, score rows ``[R, Nk]`` and levels ``[R, Nk]``."""

    label: str
    mode: str
    n: int
    tile_n: int
    ratios: list[tuple[int, float, float]]
    scores: list[list[float]]
    levels: list[list[int]]

    @property
    def preset(self) -> PsaPreset:
        return walk_preset(self.mode, self.n, self.tile_n, self.ratios)

    @property
    def nk(self) -> int:
        return len(self.scores[0])

    def score_tensor(self, device: str = "cpu") -> torch.Tensor:
        """Scores as float32 ``[1, 1, R, Nk]``, as the runtime held them (unnormalised)."""
        return torch.tensor(self.scores, dtype=torch.float32, device=device)[None, None]


def vector_cases() -> list[VectorCase]:
    cases = []
    for case in load_vectors():
        ratios = [(int(level), float(start), float(end)) for level, start, end in case["mask_ratios"]]
        nk = len(case["scores"][0])
        label = f"{case['mode']}-{case['name']}-n{case['n']}-t{case['tile_n']}-nk{nk}"
        cases.append(VectorCase(label, case["mode"], case["n"], case["tile_n"], ratios, case["scores"], case["levels"]))
    return cases


# --------------------------------------------------------------------------- hypothesis

_GRID_ENDS = [i / 20 for i in range(21)]


@st.composite
def walk_ratios(draw: st.DrawFn) -> list[tuple[int, float, float]]:
    """Any subset of the levels in any order (missing levels, level 1 anywhere), with any ends."""
    levels = draw(st.lists(st.sampled_from(LEVELS), unique=True, max_size=5))
    ends = st.one_of(st.sampled_from(_GRID_ENDS), st.floats(0.0, 1.0))
    return [(level, 0.0, draw(ends)) for level in levels]


@st.composite
def score_rows(draw: st.DrawFn, rows: int, max_nk: int) -> list[list[float]]:
    """Unnormalised rows of dyadic scores: every float sum is exact, so only the final division rounds.

    Small integers give ties and shares exactly at a threshold's ``end``; the scale moves the total far
    from 1; an all-zero row has no share under any threshold.
    """
    nk = draw(st.integers(1, max_nk))
    scale = 2.0 ** draw(st.integers(-30, 10))
    weights = st.one_of(st.integers(0, 4), st.integers(0, 1 << 12))
    return [[draw(weights) * scale for _ in range(nk)] for _ in range(rows)]


@st.composite
def walk_inputs(draw: st.DrawFn, rows: int = 3, max_nk: int = 40) -> tuple[str, int, int, Ratios, list[list[float]]]:
    """(mode, n, tile_n, ratios, rows), rows kept where float rounding cannot decide a threshold."""
    mode = draw(st.sampled_from(MODES))
    n, tile_n = draw(st.sampled_from(TILINGS))
    ratios = draw(walk_ratios())
    score_list = draw(score_rows(rows, max_nk))
    if mode == "thresholdbound":
        for row in score_list:
            ranked = [row[j] for j in rank_order(row)]
            assume(threshold_margin(ranked, ratios) > 2e-7)
    return mode, n, tile_n, ratios, score_list


# --------------------------------------------------------------------------- alignment examples

ALIGN_NK = 43
"""Key blocks of every alignment example: the first level takes ranks [0, 4), then the level under test."""
FIRST_END = {"topk": 0.1, "thresholdbound": 0.08}
"""topk: floor(43 * 0.1) = 4; thresholdbound on a flat row: 3 shares (k + 1) / 43 <= 0.08, end 3 + 1 = 4."""
MIDDLE_END = {"topk": 0.22, "thresholdbound": 0.2}
"""Raw end 9, a length of 5: topk floor(43 * 0.22) = 9; thresholdbound 8 shares <= 0.2, end 8 + 1."""


@dataclass(frozen=True)
class AlignmentExample:
    """The level under test gets 5 ranks in the middle of the row (rounded up) or the 39 last ranks
    (rounding up passes Nk: rounded down); expected levels by rank, written out from the rule."""

    mode: str
    n: int
    tile_n: int
    level: int
    at_end: bool

    @property
    def first_level(self) -> int:
        return 1 if self.level == 0 else 0

    @property
    def ratios(self) -> list[tuple[int, float, float]]:
        end = 1.0 if self.at_end else MIDDLE_END[self.mode]
        return [(self.first_level, 0.0, FIRST_END[self.mode]), (self.level, FIRST_END[self.mode], end)]

    @property
    def preset(self) -> PsaPreset:
        return walk_preset(self.mode, self.n, self.tile_n, self.ratios)

    def expected_by_rank(self) -> list[int]:
        multiple = oracle_alignment(self.level, self.n, self.tile_n)
        raw = ALIGN_NK - 4 if self.at_end else 5
        up = -(-raw // multiple) * multiple
        length = up if 4 + up <= ALIGN_NK else raw // multiple * multiple
        return [self.first_level] * 4 + [self.level] * length + [0] * (ALIGN_NK - 4 - length)

    def scores(self) -> torch.Tensor:
        """A flat row (equal scores: ranks by index, shares (k + 1) / 43), unnormalised."""
        return torch.full((1, 1, 1, ALIGN_NK), 3.0)

    def __str__(self) -> str:
        where = "end" if self.at_end else "middle"
        return f"{self.mode}-n{self.n}-t{self.tile_n}-level{self.level}-{where}"


def alignment_examples() -> list[AlignmentExample]:
    return [
        AlignmentExample(mode, n, tile_n, level, at_end)
        for mode, (n, tile_n), level, at_end in itertools.product(MODES, TILINGS, LEVELS, (False, True))
    ]
