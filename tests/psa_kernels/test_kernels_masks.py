"""The fast level assignment equals the reference walk on any scores and preset."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from psa_kernels import reference as ref
from psa_kernels.masks import assign_levels_fast
from kernel_presets import make_preset


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


@settings(max_examples=40, deadline=None)
@given(preset=presets(), nk=st.integers(1, 40), seed=st.integers(0, 2**16), text=st.integers(0, 300))
def test_fast_assignment_equals_reference(preset, nk: int, seed: int, text: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    raw = torch.rand(2, 2, 3, nk, generator=gen) ** 4
    scores = raw / raw.sum(dim=-1, keepdim=True)
    k = torch.randn(2, 2, nk * preset.block_size.n, 8, generator=gen)
    expected = ref.assign_levels(scores, preset, k=k, text_length=text)
    assert torch.equal(assign_levels_fast(scores, preset, k=k, text_length=text), expected)
