"""The fast level assignment (Triton and its PyTorch fallback) against the oracle and the runtime.

Both paths are checked against the brute-force oracle (``walk_oracle``) and the
runtime's own level assignments, never only against the reference (which
shares no walk code with them but could share a mistake). On CPU the Triton
path runs under the interpreter (conftest sets TRITON_INTERPRET); rows stay
short because its sort is slow there.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_presets import make_preset
from walk_cases import AlignmentExample, VectorCase, alignment_examples, vector_cases, walk_inputs, walk_preset
from walk_oracle import oracle_levels

import psa_kernels
from psa_kernels import reference as ref
from psa_kernels.masks import assign_levels_fast

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
VECTORS = vector_cases()
INTERPRETED_SORT_KEYS = 7
"""Vector rows up to this long run the whole Triton path on CPU (sort included); longer rows sort with
``torch.sort`` there and are walked by the Triton kernel (the interpreter's sort takes ~0.1 s a row)."""


def _fast(scores: torch.Tensor, preset, method: str, **options: object) -> torch.Tensor:
    return assign_levels_fast(scores, preset, k=None, text_length=0, method=method, **options)


INTERPRETED_BUDGET = settings.default.max_examples if DEVICE == "cuda" else max(10, settings.default.max_examples // 4)
"""Hypothesis examples for the Triton path: interpreted, an example takes ~0.2 s of CPU. The planted bugs
of the walk are caught by the vector and alignment tests below, deterministically."""


def _assert_equals_the_oracle(method: str, inputs) -> None:
    mode, n, tile_n, ratios, rows = inputs
    scores = torch.tensor(rows, dtype=torch.float32, device=DEVICE)[None, None]
    levels = _fast(scores, walk_preset(mode, n, tile_n, ratios), method)[0, 0].tolist()
    assert levels == [oracle_levels(row, mode, n, tile_n, ratios) for row in rows]


@settings(deadline=None)
@given(inputs=walk_inputs())
def test_torch_fallback_equals_the_oracle(inputs) -> None:
    """Any level subset and order, any ends, every (n, tile_n), ties, unnormalised and all-zero rows."""
    _assert_equals_the_oracle("torch", inputs)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # 0/0 shares of an all-zero row
@settings(deadline=None, max_examples=INTERPRETED_BUDGET)
@given(inputs=walk_inputs())
def test_triton_equals_the_oracle(inputs) -> None:
    """As above, through the Triton sort and walk."""
    _assert_equals_the_oracle("triton", inputs)


@pytest.mark.parametrize("case", VECTORS, ids=lambda case: case.label)
def test_fast_assignment_reproduces_the_runtime(case: VectorCase) -> None:
    """Every case of tests/data/conformance/level_walk.json, both paths."""
    scores = case.score_tensor(DEVICE)
    assert _fast(scores, case.preset, "torch")[0, 0].tolist() == case.levels
    sort_keys = 1024 if case.nk <= INTERPRETED_SORT_KEYS or DEVICE == "cuda" else 0
    assert _fast(scores, case.preset, "triton", sort_keys=sort_keys)[0, 0].tolist() == case.levels


PUBLIC_API_CASES = [case for case in VECTORS if (case.n, case.tile_n, case.nk) == (64, 32, 33)]


@pytest.mark.parametrize("case", PUBLIC_API_CASES, ids=lambda case: case.label)
def test_public_assign_levels_reproduces_the_runtime(case: VectorCase) -> None:
    """``psa_kernels.assign_levels`` as users call it (auto path, in-register sort), on one tiling's cases."""
    assert psa_kernels.assign_levels(case.score_tensor(DEVICE), case.preset)[0, 0].tolist() == case.levels


@pytest.mark.parametrize("example", alignment_examples(), ids=str)
def test_fast_alignment_at_every_tiling_and_level(example: AlignmentExample) -> None:
    """Round up in the middle of the row, round down where rounding up passes Nk (topk's quotas are
    the same host walk for both paths; thresholdbound also runs the Triton walk)."""
    scores = example.scores().to(DEVICE)
    expected = example.expected_by_rank()
    assert _fast(scores, example.preset, "torch").flatten().tolist() == expected
    if example.mode == "thresholdbound":
        assert _fast(scores, example.preset, "triton", sort_keys=0).flatten().tolist() == expected


@st.composite
def old_mask_presets(draw: st.DrawFn):
    levels = draw(st.permutations([1, 2, 4, 8, 0]))
    cuts = sorted(draw(st.lists(st.floats(0, 1), min_size=4, max_size=4)))
    bounds = [0.0, *cuts, 1.0]
    extra = {}
    if draw(st.booleans()):
        extra = {"use_sim_mask": True, "sim_thresholds": {"x2": 0.0, "x4": 0.05, "x8": 0.1}}
    return make_preset(
        block_size={"m": 128, "n": 128, "tile_n": 32},
        mask_ratios={level: [bounds[i], bounds[i + 1]] for i, level in enumerate(levels)},
        mask_mode=draw(st.sampled_from(["topk", "thresholdbound"])),
        attn_impl="old_mask_type",
        **extra,
    )


@pytest.mark.parametrize("method", ["triton", "torch"])
@settings(deadline=None, max_examples=INTERPRETED_BUDGET)
@given(preset=old_mask_presets(), nk=st.integers(1, 12), seed=st.integers(0, 2**16), text=st.integers(0, 300))
def test_old_mask_type_caps_and_text_blocks_as_the_reference(
    method: str, preset, nk: int, seed: int, text: int
) -> None:
    """The similarity cap and the forced text blocks (old_mask_type) on top of the walk."""
    gen = torch.Generator().manual_seed(seed)
    scores = (torch.rand(1, 2, 1, nk, generator=gen) ** 4).to(DEVICE)
    k = torch.randn(1, 2, nk * preset.block_size.n, 8, generator=gen).to(DEVICE)
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


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("method", ["triton", "torch"])
def test_fast_assignment_reproduces_the_runtime_on_gpu(method: str) -> None:
    """Every level-walk vector on CUDA through the default paths (in-register sorts included)."""
    wrong = [
        case.label
        for case in VECTORS
        if _fast(case.score_tensor("cuda"), case.preset, method)[0, 0].tolist() != case.levels
    ]
    assert wrong == []
