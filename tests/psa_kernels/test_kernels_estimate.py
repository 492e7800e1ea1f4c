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


@pytest.mark.parametrize("interleave", [False, True])
@pytest.mark.parametrize(("block_m", "block_n", "length", "block_c", "block_j"),
                         [(128, 32, 290, 64, 4), (64, 64, 333, 128, 2), (32, 16, 400, 32, 128), (64, 32, 700, 128, 64)])
def test_tiles_of_both_launches_match_reference(
    interleave: bool, block_m: int, block_n: int, length: int, block_c: int, block_j: int, device: str
) -> None:
    """Key tiles that split the key blocks unevenly, score tiles narrower than the row, ragged last blocks;
    plain and interleaved column order (the latter where a tile holds a multiple of 8 blocks)."""
    if interleave and block_c % (2 * block_n) != 0:
        pytest.skip("interleaving needs key tiles of a multiple of 8 blocks")
    from psa_kernels.estimate import estimate_importance_triton

    gen = torch.Generator().manual_seed(block_n + block_j)
    q, k = (3 * torch.randn(2, 2, length, 64, generator=gen).to(dtype=torch.float16, device=device)
            for _ in range(2))
    scores = estimate_importance_triton(q, k, block_m=block_m, block_n=block_n, seed=5, block_c=block_c,
                                        block_j=block_j, interleave=interleave)
    expected = ref.estimate_importance(q.double(), k.double(), block_m=block_m, block_n=block_n, seed=5)
    torch.testing.assert_close(scores.double(), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("dtype", "block_c"), [(torch.float16, 64), (torch.float32, 128)])
def test_interleave_refuses_what_it_cannot_take(dtype: torch.dtype, block_c: int, device: str) -> None:
    """Key tiles that split its groups of 8 blocks, and float32 inputs (CUDA-core dots)."""
    from psa_kernels.estimate import estimate_importance_triton

    q = torch.randn(1, 1, 256, 64, device=device).to(dtype)
    with pytest.raises(ValueError, match="multiple of 8 blocks"):
        estimate_importance_triton(q, q, block_m=64, block_n=64, seed=0, block_c=block_c, interleave=True)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("head_dim", [64, 128])
@pytest.mark.parametrize("block_n", [32, 64, 128])
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float32])
def test_estimate_at_benchmark_tiles_on_gpu(head_dim: int, block_n: int, dtype: torch.dtype) -> None:
    """The default launch (interleaved tiles for bf16 at n = 32, 64) against the float64 reference."""
    gen = torch.Generator(device="cuda").manual_seed(block_n)
    q, k = (torch.randn(1, 2, 3000, head_dim, device="cuda", generator=gen).to(dtype) for _ in range(2))
    scores = psa_kernels.estimate_importance(q, k, block_m=128, block_n=block_n, seed=1)
    expected = ref.estimate_importance(q.double(), k.double(), block_m=128, block_n=block_n, seed=1)
    torch.testing.assert_close(scores.double(), expected, rtol=1e-4, atol=1e-6)
