"""Triton pyramid attention against the reference (interpreter on CPU, the real thing on CUDA)."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import psa_kernels
from psa_kernels import reference as ref
from psa_kernels.attention import longest_first, map_facts, pyramid_attention_triton
from psa_kernels.encode import encode_levels, pyramid

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


# v11 launch options: accumulation into the output tile, per-loop pipeline depth, warp specialisation
# (compiled on Hopper only; the interpreter runs the loop as written), longest-row-first order, 8 warps
V11_LAUNCHES = [
    {"fused_acc": 0},
    {"fused_acc": 1},
    {"fused_acc": 1, "ordered": 1},
    {"fused_acc": 1, "stages_l1": 3, "stages_pooled": 2, "stages_gather": 1},
    {"fused_acc": 1, "num_warps": 8, "num_stages": 3},
    {"fused_acc": 1, "warp_specialize": 1, "num_warps": 8},  # Triton 3.6 fails to compile it at 4 warps
]


@pytest.mark.parametrize("launch", V11_LAUNCHES)
@pytest.mark.parametrize("causal", [False, True])
def test_v11_launch_options_agree(launch: dict, causal: bool, device: str) -> None:
    length, block_m, block_n = 230, 64, 64
    q, k, v = _inputs((1, 2, length, 64), torch.float32, device, seed=len(launch))
    shape = (1, 2, math.ceil(length / block_m), math.ceil(length / block_n))
    levels = _random_levels(shape, seed=7, weights=[0.2, 0.2, 0.2, 0.2, 0.2])
    levels[0, 0, 1] = 0  # rows of different work, one empty
    out = pyramid_attention_triton(q, k, v, levels.to(device), block_m=block_m, block_n=block_n, sm_scale=0.125,
                                   causal=causal, key_tile=32, cont_tile=32, block_q=32, **launch)
    assert _rel_err(out, _reference(q, k, v, levels, block_m, block_n, causal=causal)) < 1e-5


@pytest.mark.parametrize(("prune", "contiguous"), [(1, 2), (1, 1), (1, 0), (0, 2)])
@pytest.mark.parametrize(("head_dim", "causal"), [(64, False), (128, True)])
def test_level_one_only_map(prune: int, contiguous: int, head_dim: int, causal: bool, device: str) -> None:
    """Levels 1 and 0 only (FlexAttention's peer map): pooled and gathered loops compiled out, no pyramid; an
    empty row and L not a multiple of n."""
    length, block_m, block_n = 230, 64, 64
    q, k, v = _inputs((1, 2, length, head_dim), torch.float32, device, seed=head_dim + prune)
    shape = (1, 2, math.ceil(length / block_m), math.ceil(length / block_n))
    levels = _random_levels(shape, seed=prune, weights=[0.5, 0.5, 0, 0, 0])
    levels[..., -1] = 1
    levels[0, 1, 1] = 0
    out = pyramid_attention_triton(q, k, v, levels.to(device), block_m=block_m, block_n=block_n,
                                   sm_scale=head_dim ** -0.5, causal=causal, key_tile=32, cont_tile=32, prune=prune,
                                   contiguous=contiguous)
    assert _rel_err(out, _reference(q, k, v, levels, block_m, block_n, causal=causal)) < 1e-5


def test_map_facts_reads_bad_values_and_pooling(device: str) -> None:
    device_name = device  # CPU tensors only under the interpreter (CPU-only machines), else CUDA

    def facts(levels: torch.Tensor) -> tuple[bool, bool]:
        flags = torch.zeros(levels.shape[1] * levels.shape[3] + 2, dtype=torch.int8, device=device_name)
        encode_levels(levels.to(device_name), flags)
        pooled_blocks = ((levels == 2) | (levels == 4) | (levels == 8)).any(dim=2)  # [B, H, Nk]
        assert torch.equal(flags[:-2].cpu(), pooled_blocks.reshape(-1).to(torch.int8))
        return map_facts(flags[-2:])()

    levels = torch.tensor([[[[1, 0, 1], [0, 0, 0]], [[2, 0, 0], [0, 0, 4]]]], dtype=torch.int8)  # [1, 2, 2, 3]
    assert facts(levels[:, :1]) == (False, False)
    assert facts(levels) == (False, True)
    levels[0, 0, 1, 2] = 8
    assert facts(levels) == (False, True)
    levels[0, 0, 0, 0] = 3
    assert facts(levels) == (True, True)


def test_gated_pyramid_pools_exactly_the_used_blocks(device: str) -> None:
    block_n, length = 64, 200  # 4 key blocks, the last one padded
    k, v = _inputs((1, 2, length, 64), torch.float32, device, seed=5)[:2]
    used = torch.tensor([[[1, 0, 0, 1], [0, 1, 0, 0]]], dtype=torch.int8, device=device)
    full_k, full_v = pyramid(k, v, block_n)
    gated_k, gated_v = pyramid(k, v, block_n, used=used)
    padded = 4 * block_n
    for bh, j in itertools.product(range(2), range(4)):
        for start, width in ((0, block_n // 2), (padded // 2, block_n // 4), (3 * padded // 4, block_n // 8)):
            rows = slice(start + j * width, start + (j + 1) * width)
            if used.view(2, 4)[bh, j]:
                assert torch.equal(gated_k[bh, rows], full_k[bh, rows])
                assert torch.equal(gated_v[bh, rows], full_v[bh, rows])


def test_unknown_launch_option_is_refused(device: str) -> None:
    q, k, v = _inputs((1, 1, 64, 64), torch.float32, device, seed=1)
    levels = torch.ones(1, 1, 1, 1, dtype=torch.int8, device=device)
    with pytest.raises(TypeError, match="overlap"):
        pyramid_attention_triton(q, k, v, levels, block_m=64, block_n=64, sm_scale=0.1, causal=False, overlap=1)


def test_longest_first_orders_programs_by_key_rows() -> None:
    # two (b, h) rows of two query blocks; offsets [o1, o2, o4, o8, end]: block counts per level
    offsets = torch.zeros(1, 2, 2, 8, dtype=torch.int32)
    offsets[..., :5] = torch.tensor([[[0, 1, 1, 1, 1], [0, 0, 4, 4, 4]], [[0, 2, 2, 2, 3], [0, 0, 0, 0, 0]]])
    order = longest_first(offsets, block_n=64, tiles_per_block=2)
    rows = torch.tensor([64.0, 128.0, 136.0, 0.0]).repeat_interleave(2)
    assert sorted(order.tolist()) == list(range(8))
    assert rows[order.long()].tolist() == sorted(rows.tolist(), reverse=True)
    assert order.tolist()[:2] == [4, 5]  # stable: the first program of the longest block first


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


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("launch", [*V11_LAUNCHES, {"num_warps": 8, "num_stages": 3, "cont_tile": 128},
                                    {"num_warps": 8, "num_stages": 2, "cont_tile": 128, "key_tile": 128},
                                    {"block_q": 64, "num_stages": 3}, {"prune": 0}])
@pytest.mark.parametrize(("block_n", "head_dim"), [(128, 128), (32, 128), (64, 64)])
def test_bf16_launch_options_on_gpu(launch: dict, block_n: int, head_dim: int) -> None:
    """Every launch variant the benchmark sweeps, mixed levels, against the reference in bf16."""
    length, block_m = 4000, 128
    q, k, v = _inputs((1, 2, length, head_dim), torch.bfloat16, "cuda", seed=block_n)
    shape = (1, 2, math.ceil(length / block_m), math.ceil(length / block_n))
    levels = _random_levels(shape, seed=block_n, weights=[0.5, 0.2, 0.1, 0.1, 0.1]).cuda()
    out = pyramid_attention_triton(q, k, v, levels, block_m=block_m, block_n=block_n,
                                   sm_scale=head_dim ** -0.5, causal=False, **launch)
    blocks = [0, 11, shape[2] - 1]
    rows = ref.block_rows(blocks, block_m, length).cuda()
    expected = ref.pyramid_attention(q.float(), k.float(), v.float(), levels, block_m=block_m, block_n=block_n,
                                     query_blocks=blocks)
    assert _rel_err(out[:, :, rows], expected.double()) < 1e-2


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("head_dim", [64, 128])
@pytest.mark.parametrize("prune", [0, 1])
def test_bf16_level_one_only_on_gpu(head_dim: int, prune: int) -> None:
    """The peer benchmark's map (levels 1 and 0, 15% kept) in bf16 against the reference."""
    length, block = 4000, 128
    q, k, v = _inputs((1, 2, length, head_dim), torch.bfloat16, "cuda", seed=head_dim)
    shape = (1, 2, math.ceil(length / block), math.ceil(length / block))
    levels = _random_levels(shape, seed=head_dim, weights=[0.85, 0.15, 0, 0, 0])
    levels[..., -1] = 1
    levels = levels.cuda()
    out = pyramid_attention_triton(q, k, v, levels, block_m=block, block_n=block, sm_scale=head_dim ** -0.5,
                                   causal=False, prune=prune)
    blocks = [0, 13, shape[2] - 1]
    rows = ref.block_rows(blocks, block, length).cuda()
    expected = ref.pyramid_attention(q.float(), k.float(), v.float(), levels, block_m=block, block_n=block,
                                     query_blocks=blocks)
    assert _rel_err(out[:, :, rows], expected.double()) < 1e-2
