"""Triton importance estimate against the reference (same seed, same sampled tokens)."""

from __future__ import annotations

import pytest
import torch

import psa_kernels
from psa_kernels import reference as ref


@pytest.mark.parametrize(("block_m", "block_n", "length"), [(32, 32, 150), (64, 128, 300), (128, 64, 200), (16, 256, 270)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_estimate_matches_reference(block_m: int, block_n: int, length: int, dtype: torch.dtype, device: str) -> None:
    gen = torch.Generator().manual_seed(block_m + block_n)
    q, k = (torch.randn(1, 2, length, 64, generator=gen).to(dtype=dtype, device=device) for _ in range(2))
    scores = psa_kernels.estimate_importance(q, k, block_m=block_m, block_n=block_n, seed=3, backend="triton")
    expected = ref.estimate_importance(q.double(), k.double(), block_m=block_m, block_n=block_n, seed=3)
    assert scores.shape == expected.shape
    tolerance = 1e-5 if dtype == torch.float32 else 3e-3
    torch.testing.assert_close(scores.double(), expected, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize(("block_m", "block_n", "length", "block_c", "block_j"),
                         [(128, 32, 290, 64, 4), (64, 64, 333, 128, 2), (32, 16, 400, 32, 128)])
def test_tiles_of_both_launches_match_reference(
    block_m: int, block_n: int, length: int, block_c: int, block_j: int, device: str
) -> None:
    """Key tiles that split the key blocks unevenly, score tiles narrower than the row, ragged last blocks."""
    from psa_kernels.estimate import estimate_importance_triton

    gen = torch.Generator().manual_seed(block_n + block_j)
    q, k = (3 * torch.randn(2, 2, length, 64, generator=gen).to(device=device) for _ in range(2))
    scores = estimate_importance_triton(q, k, block_m=block_m, block_n=block_n, seed=5, block_c=block_c,
                                        block_j=block_j)
    expected = ref.estimate_importance(q.double(), k.double(), block_m=block_m, block_n=block_n, seed=5)
    torch.testing.assert_close(scores.double(), expected, rtol=1e-5, atol=1e-5)
