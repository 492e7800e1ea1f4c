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


@pytest.mark.parametrize("half_m", [False, True])
@pytest.mark.parametrize(("block_m", "block_n", "length", "block_c"), [(128, 32, 290, 64), (64, 64, 333, 128)])
def test_block_maxima_storage_matches_reference(
    half_m: bool, block_m: int, block_n: int, length: int, block_c: int, device: str
) -> None:
    """Float32 block maxima are exact; float16 offsets from the running row maximum stay within 1e-3.

    Lengths leave a ragged last block, and the key tiles (``block_c``) split the key blocks unevenly.
    """
    from psa_kernels.estimate import estimate_importance_triton

    gen = torch.Generator().manual_seed(block_n + int(half_m))
    q, k = (3 * torch.randn(2, 2, length, 64, generator=gen).to(device=device) for _ in range(2))
    scores = estimate_importance_triton(q, k, block_m=block_m, block_n=block_n, seed=5, block_c=block_c,
                                        half_m=half_m)
    expected = ref.estimate_importance(q.double(), k.double(), block_m=block_m, block_n=block_n, seed=5)
    tolerance = 1e-3 if half_m else 1e-5
    torch.testing.assert_close(scores.double(), expected, rtol=tolerance, atol=tolerance)
    assert torch.equal(scores.argmax(-1).cpu(), expected.argmax(-1).cpu())
