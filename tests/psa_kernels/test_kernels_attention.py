"""Triton pyramid attention against the reference (interpreter on CPU, the real thing on CUDA)."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import psa_kernels
from psa_kernels import reference as ref
from psa_kernels.attention import pyramid_attention_triton

LEVELS = torch.tensor([0, 1, 2, 4, 8])


def _inputs(shape: tuple[int, int, int, int], dtype: torch.dtype, device: str, seed: int) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=gen).to(dtype=dtype, device=device) for _ in range(3)]


def _random_levels(shape: tuple[int, ...], seed: int, weights: list[float] | None = None) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    probs = torch.tensor(weights or [0.3, 0.2, 0.2, 0.15, 0.15])
    picks = torch.multinomial(probs, math.prod(shape), replacement=True, generator=gen)
    return LEVELS[picks].view(shape).to(torch.int8)


def _rel_err(out: torch.Tensor, expected: torch.Tensor) -> float:
    assert torch.isfinite(out).all()
    return float((out.double() - expected).norm() / expected.norm().clamp(min=1e-30))


def _reference(q, k, v, levels, block_m, block_n, causal=False) -> torch.Tensor:
    return ref.pyramid_attention(
        q.double().cpu(), k.double().cpu(), v.double().cpu(), levels.cpu(),
        block_m=block_m, block_n=block_n, causal=causal,
    ).to(q.device)


@pytest.mark.parametrize("block_n", [32, 64, 128])
@pytest.mark.parametrize("level", [1, 2, 4, 8])
@pytest.mark.parametrize("key_tile", [16, 32, 64])
def test_every_n_level_and_tile(block_n: int, level: int, key_tile: int, device: str) -> None:
    """5% of blocks at level 1 (at least one per row), a third at ``level``; one empty row."""
    length, block_m = 230, 64
    q, k, v = _inputs((1, 2, length, 64), torch.float32, device, seed=block_n + level)
    shape = (1, 2, math.ceil(length / block_m), math.ceil(length / block_n))
    levels = _random_levels(shape, seed=level, weights=[0.6, 0.05, 0, 0, 0]).clone()
    levels[levels == 2] = 0
    levels[torch.rand(shape, generator=torch.Generator().manual_seed(1)) < 0.35] = level
    levels[..., 0] = 1
    levels[0, 1, 2] = 0
    out = pyramid_attention_triton(
        q, k, v, levels.to(device), block_m=block_m, block_n=block_n, sm_scale=0.125, causal=False,
        key_tile=key_tile,
    )
    expected = _reference(q, k, v, levels, block_m, block_n)
    assert _rel_err(out, expected) < 1e-5
    assert torch.count_nonzero(out[0, 1, 2 * block_m : 3 * block_m]) == 0


@pytest.mark.parametrize("block_n", [32, 64, 128])
@pytest.mark.parametrize("head_dim", [64, 128])
def test_fp16_mixed_levels_with_skipped_rows(block_n: int, head_dim: int, device: str) -> None:
    length, block_m = 200, 32
    q, k, v = _inputs((2, 1, length, head_dim), torch.float16, device, seed=block_n * head_dim)
    shape = (2, 1, math.ceil(length / block_m), math.ceil(length / block_n))
    levels = _random_levels(shape, seed=head_dim)
    levels[1, 0, 0] = 0  # an all-skip row
    out = psa_kernels.pyramid_attention(q, k, v, levels.to(device), block_m=block_m, block_n=block_n,
                                        backend="triton")
    assert out.dtype == torch.float16
    assert _rel_err(out, _reference(q, k, v, levels, block_m, block_n)) < 5e-3
    assert torch.count_nonzero(out[1, 0, :block_m]) == 0


@pytest.mark.parametrize("block_n", [32, 128])
def test_causal_matches_reference(block_n: int, device: str) -> None:
    length, block_m = 160, 32
    q, k, v = _inputs((1, 2, length, 64), torch.float32, device, seed=7)
    shape = (1, 2, math.ceil(length / block_m), math.ceil(length / block_n))
    levels = _random_levels(shape, seed=block_n, weights=[0.1, 0.4, 0.2, 0.15, 0.15])
    out = psa_kernels.pyramid_attention(q, k, v, levels.to(device), block_m=block_m, block_n=block_n,
                                        causal=True, backend="triton")
    assert _rel_err(out, _reference(q, k, v, levels, block_m, block_n, causal=True)) < 1e-5


@pytest.mark.parametrize(("prefetch", "k_rows"), [(0, 0), (1, 0), (1, 1)])
def test_launch_variants_agree(prefetch: int, k_rows: int, device: str) -> None:
    length, block_m, block_n = 190, 64, 64
    q, k, v = _inputs((1, 2, length, 128), torch.float32, device, seed=11)
    levels = _random_levels((1, 2, 3, 3), seed=11)
    out = pyramid_attention_triton(q, k, v, levels.to(device), block_m=block_m, block_n=block_n,
                                   sm_scale=0.1, causal=False, key_tile=32, block_q=32, prefetch=prefetch,
                                   k_rows=k_rows)
    expected = ref.pyramid_attention(q.double().cpu(), k.double().cpu(), v.double().cpu(), levels,
                                     block_m=block_m, block_n=block_n, sm_scale=0.1)
    assert _rel_err(out, expected.to(device)) < 1e-5


@pytest.mark.parametrize("block_n", [32, 64, 128])
@pytest.mark.parametrize(("contiguous", "cont_tile", "causal"),
                         [(1, 16, False), (1, 64, True), (2, 16, True), (2, 32, False), (2, 128, False)])
def test_contiguous_tiles_agree(block_n: int, contiguous: int, cont_tile: int, causal: bool, device: str) -> None:
    """Contiguous tiles (offset loads or descriptors) for the wide blocks, gathers for the rest; L not a
    multiple of n, so the last level-1 tile reaches past L (the descriptor path moves it back)."""
    length, block_m = 230, 64
    q, k, v = _inputs((1, 2, length, 64), torch.float32, device, seed=block_n + cont_tile)
    shape = (1, 2, math.ceil(length / block_m), math.ceil(length / block_n))
    levels = _random_levels(shape, seed=cont_tile, weights=[0.2, 0.2, 0.2, 0.2, 0.2])
    levels[..., -1] = 1
    out = pyramid_attention_triton(q, k, v, levels.to(device), block_m=block_m, block_n=block_n, sm_scale=0.125,
                                   causal=causal, key_tile=32, contiguous=contiguous, cont_tile=cont_tile)
    assert _rel_err(out, _reference(q, k, v, levels, block_m, block_n, causal=causal)) < 1e-5


def test_all_level_one_equals_sdpa(device: str) -> None:
    q, k, v = _inputs((1, 2, 100, 64), torch.float32, device, seed=3)
    levels = torch.ones(1, 2, 4, 4, dtype=torch.int8, device=device)
    out = psa_kernels.pyramid_attention(q, k, v, levels, block_m=32, block_n=32, backend="triton")
    expected = torch.nn.functional.scaled_dot_product_attention(q.double(), k.double(), v.double())
    assert _rel_err(out, expected) < 1e-5


def test_non_contiguous_inputs(device: str) -> None:
    base = _inputs((1, 96, 2, 64), torch.float32, device, seed=4)
    q, k, v = (x.transpose(1, 2) for x in base)  # [1, 2, 96, 64] views
    levels = _random_levels((1, 2, 3, 3), seed=4).to(device)
    out = psa_kernels.pyramid_attention(q, k, v, levels, block_m=32, block_n=32, backend="triton")
    assert _rel_err(out, _reference(q, k, v, levels, 32, 32)) < 1e-5


@settings(max_examples=6, deadline=None)
@given(
    length=st.integers(1, 260),
    block_m=st.sampled_from([16, 32, 64]),
    block_n=st.sampled_from([32, 64, 128]),
    heads=st.integers(1, 2),
    seed=st.integers(0, 2**16),
)
def test_hypothesis_shapes_and_maps(length: int, block_m: int, block_n: int, heads: int, seed: int) -> None:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    q, k, v = _inputs((1, heads, length, 64), torch.float32, device, seed=seed)
    shape = (1, heads, math.ceil(length / block_m), math.ceil(length / block_n))
    levels = _random_levels(shape, seed=seed)
    out = psa_kernels.pyramid_attention(q, k, v, levels.to(device), block_m=block_m, block_n=block_n,
                                        backend="triton")
    assert _rel_err(out, _reference(q, k, v, levels, block_m, block_n)) < 1e-5


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("block_n", [32, 64, 128])
@pytest.mark.parametrize("level", [1, 2, 4, 8])
def test_bf16_every_n_level_on_gpu(block_n: int, level: int) -> None:
    """The measurements.md check: B=1, H=4, L=8192, D=128; 5% at level 1, 30% at ``level``."""
    length, block_m = 8192, 128
    q, k, v = _inputs((1, 4, length, 128), torch.bfloat16, "cuda", seed=level * block_n)
    shape = (1, 4, length // block_m, length // block_n)
    draw = torch.rand(shape, generator=torch.Generator().manual_seed(level))
    levels = torch.zeros(shape, dtype=torch.int8)
    levels[draw < 0.35] = level
    levels[draw < 0.05] = 1
    levels = levels.cuda()
    out = psa_kernels.pyramid_attention(q, k, v, levels, block_m=block_m, block_n=block_n)
    blocks = [0, 17, 40, 63]
    rows = ref.block_rows(blocks, block_m, length).cuda()
    expected = ref.pyramid_attention(q.float(), k.float(), v.float(), levels, block_m=block_m, block_n=block_n,
                                     query_blocks=blocks)
    assert _rel_err(out[:, :, rows], expected.double()) < 1e-2
