"""The fast level assignment equals the reference walk on any scores and preset.

On CPU the Triton path runs under the interpreter (conftest sets TRITON_INTERPRET).
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from psa_kernels import reference as ref
from psa_kernels.masks import assign_levels_fast
from kernel_presets import make_preset

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


@st.composite
def presets(draw: st.DrawFn):
    levels = draw(st.permutations([1, 2, 4, 8, 0]))
    cuts = sorted(draw(st.lists(st.floats(0, 1), min_size=4, max_size=4)))
    bounds = [0.0, *cuts, 1.0]
    ratios = {level: [bounds[i], bounds[i + 1]] for i, level in enumerate(levels)}
    old = draw(st.booleans())
    n = 128 if old else draw(st.sampled_from([32, 64, 128]))
    tile = 32 if old else draw(st.sampled_from([t for t in (16, 32, 64, 128) if t <= n]))
    extra = {}
    if old and draw(st.booleans()):
        extra = {"use_sim_mask": True, "sim_thresholds": {"x2": 0.0, "x4": 0.05, "x8": 0.1}}
    return make_preset(
        block_size={"m": 128 if old else 64, "n": n, "tile_n": tile},
        mask_ratios=ratios,
        mask_mode=draw(st.sampled_from(["topk", "thresholdbound"])),
        attn_impl="old_mask_type" if old else "new_mask_type",
        **extra,
    )


@pytest.mark.parametrize("method", ["triton", "torch"])
@settings(max_examples=40, deadline=None)
@given(preset=presets(), nk=st.integers(1, 40), seed=st.integers(0, 2**16), text=st.integers(0, 300),
       ties=st.booleans())
def test_fast_assignment_equals_reference(method: str, preset, nk: int, seed: int, text: int, ties: bool) -> None:
    gen = torch.Generator().manual_seed(seed)
    raw = torch.rand(2, 2, 3, nk, generator=gen) ** 4
    if ties:  # quantised scores: many equal values, ranked by key-block index
        raw = (raw * 4).round() + 0.5
    scores = (raw / raw.sum(dim=-1, keepdim=True)).to(DEVICE)
    k = torch.randn(2, 2, nk * preset.block_size.n, 8, generator=gen).to(DEVICE)
    expected = ref.assign_levels(scores, preset, k=k, text_length=text)
    assert torch.equal(assign_levels_fast(scores, preset, k=k, text_length=text, method=method), expected)


@pytest.mark.parametrize("mode", ["topk", "thresholdbound"])
def test_triton_sort_orders_special_values_like_the_stable_sort(mode: str) -> None:
    """NaN first, -0 equal to +0, infinities, ties by index: the stable descending sort's order."""
    preset = make_preset(block_size={"m": 64, "n": 128, "tile_n": 32}, mask_mode=mode)
    row = [0.0, -0.0, float("nan"), 1.0, -1.0, float("inf"), float("-inf"), 0.5, 0.5, -0.0, 0.25, 0.5]
    scores = torch.tensor(row).expand(1, 2, 3, len(row)).contiguous()
    scores[0, 1, 2] = torch.tensor(row[::-1])
    scores = scores.to(DEVICE)
    expected = ref.assign_levels(scores, preset)
    assert torch.equal(assign_levels_fast(scores, preset, k=None, text_length=0, method="triton"), expected)


@pytest.mark.parametrize("mode", ["topk", "thresholdbound"])
@pytest.mark.parametrize("nk", [278, 600, 1100])
def test_triton_rows_longer_than_one_warp_layout(mode: str, nk: int) -> None:
    """Rows of a few hundred key blocks (the benchmark shapes' Nk): padding lanes, wide sorts, and rows
    longer than TRITON_SORT_KEYS (library sort, Triton walk)."""
    preset = make_preset(block_size={"m": 64, "n": 64, "tile_n": 32}, mask_mode=mode,
                         mask_ratios={1: [0.0, 0.3], 2: [0.3, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]})
    gen = torch.Generator().manual_seed(5)
    raw = torch.rand(1, 1, 2, nk, generator=gen) ** 8
    scores = (raw / raw.sum(dim=-1, keepdim=True)).to(DEVICE)
    expected = ref.assign_levels(scores, preset)
    assert torch.equal(assign_levels_fast(scores, preset, k=None, text_length=0, method="triton"), expected)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("mode", ["topk", "thresholdbound"])
@pytest.mark.parametrize("nk", [139, 256, 278, 591, 1024])
def test_triton_assignment_equals_reference_at_benchmark_widths_on_gpu(mode: str, nk: int) -> None:
    preset = make_preset(block_size={"m": 128, "n": 128, "tile_n": 32}, mask_mode=mode,
                         mask_ratios={1: [0.0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]})
    gen = torch.Generator(device="cuda").manual_seed(nk)
    raw = torch.rand(1, 8, 64, nk, device="cuda", generator=gen) ** 6
    scores = raw / raw.sum(dim=-1, keepdim=True)
    expected = ref.assign_levels(scores, preset)
    assert torch.equal(assign_levels_fast(scores, preset, k=None, text_length=0, method="triton"), expected)
    assert torch.equal(assign_levels_fast(scores, preset, k=None, text_length=0, method="torch"), expected)
