"""The brute-force level-walk oracle against the runtime's own level assignments, and by hand."""

from __future__ import annotations

import pytest
from walk_cases import VectorCase, vector_cases
from walk_oracle import aligned_length, oracle_alignment, oracle_levels


@pytest.mark.parametrize("case", vector_cases(), ids=lambda case: case.label)
def test_oracle_reproduces_the_runtime(case: VectorCase) -> None:
    for row, levels in zip(case.scores, case.levels):
        assert oracle_levels(row, case.mode, case.n, case.tile_n, case.ratios) == levels


def test_vectors_cover_both_modes_every_tiling_and_three_lengths() -> None:
    cases = vector_cases()
    assert len(cases) == 144
    assert {case.mode for case in cases} == {"topk", "thresholdbound"}
    assert {(case.n, case.tile_n) for case in cases} == {(128, 32), (64, 32), (32, 32), (128, 16)}
    assert {case.nk for case in cases} == {7, 33, 139}
    assert all(len(row) == case.nk for case in cases for row in case.levels)


def test_alignment_by_hand() -> None:
    assert [oracle_alignment(level, 128, 32) for level in (1, 2, 4, 8, 0)] == [1, 1, 1, 2, 1]
    assert [oracle_alignment(level, 64, 32) for level in (1, 2, 4, 8)] == [1, 1, 2, 4]
    assert [oracle_alignment(level, 32, 32) for level in (1, 2, 4, 8)] == [1, 2, 4, 8]
    assert [aligned_length(5, 4, 10), aligned_length(5, 4, 7), aligned_length(8, 4, 8)] == [8, 4, 8]


def test_thresholdbound_by_hand() -> None:
    # unnormalised, ranked by index: shares .4 .6 .7 .8 .85 .9 .94 .97 .99 1
    row = [x * 3.0 for x in (40, 20, 10, 10, 5, 5, 4, 3, 2, 1)]
    ratios = [(1, 0, 0.5), (8, 0.7, 0.9), (2, 0.5, 0.7), (0, 0.9, 1)]  # walked by end: 1, 2, 8, 0
    # 1: one share <= .5 -> end 2; 2: three <= .7 -> end 4; 8: six <= .9 -> end 7, a(8) = 2 -> [4, 8)
    assert oracle_levels(row, "thresholdbound", 128, 32, ratios) == [1, 1, 2, 2, 8, 8, 8, 8, 0, 0]


def test_topk_by_hand() -> None:
    ratios = [(2, 0, 0.25), (1, 0.25, 0.45), (0, 0.45, 1)]  # file order; a(2) = 2 at n = tile_n = 32
    # level 2: floor(2.5) = 2 ranks; level 1: 4 - 2 = 2; the rest skipped
    assert oracle_levels([float(j) for j in range(10)], "topk", 32, 32, ratios) == [0] * 6 + [1, 1, 2, 2]
