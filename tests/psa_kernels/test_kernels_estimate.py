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


@pytest.mark.parametrize("keys", [0, 1, 2])
@pytest.mark.parametrize(("block_m", "block_n", "length", "block_c"), [(128, 32, 290, 64), (64, 64, 333, 128)])
def test_every_key_path_matches_reference(
    keys: int, block_m: int, block_n: int, length: int, block_c: int, device: str
) -> None:
    """In-kernel gather (v9), packed keys with plain loads, packed keys through descriptors: one function.

    Lengths leave a ragged last block and a last key tile reaching past the packed keys of the last head.
    """
    from psa_kernels.estimate import estimate_importance_triton

    gen = torch.Generator().manual_seed(keys + block_n)
    q, k = (torch.randn(2, 2, length, 64, generator=gen).to(device=device) for _ in range(2))
    scores = estimate_importance_triton(q, k, block_m=block_m, block_n=block_n, seed=5, keys=keys, block_c=block_c)
    expected = ref.estimate_importance(q.double(), k.double(), block_m=block_m, block_n=block_n, seed=5)
    torch.testing.assert_close(scores.double(), expected, rtol=1e-5, atol=1e-5)


def test_packed_keys_are_the_sampled_tokens(device: str) -> None:
    from psa_kernels.estimate import cached_offsets, pack_sampled_keys

    k = torch.randn(1, 3, 70, 64, device=device)
    packed = pack_sampled_keys(k, 32, seed=9).view(1, 3, -1, 64)
    offsets = cached_offsets(1, 3, 32, 8, 10, k.device)
    for h in range(3):
        for j in range(3):  # the last block (64..95) is ragged: its samples clamp to token 69
            tokens = (j * 32 + offsets[0, h].long()).clamp(max=69)
            torch.testing.assert_close(packed[0, h, j * 8:(j + 1) * 8], k[0, h, tokens])
