"""The reference implementation against hand-computed tiny cases (psa-semantics sections 2-4)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from walk_cases import AlignmentExample, VectorCase, alignment_examples, vector_cases, walk_inputs, walk_preset
from walk_oracle import oracle_levels

from psa_kernels import reference as ref
from psa_kernels.sampling import pad_to_multiple, sample_offsets


def _qkv(batch: int, heads: int, length: int, dim: int, seed: int = 0) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(batch, heads, length, dim, generator=gen, dtype=torch.float64) for _ in range(3)]


# ----------------------------------------------------------------------------- section 4


@pytest.mark.parametrize("length", [64, 77, 100])
def test_all_level_one_equals_dense_sdpa(length: int) -> None:
    q, k, v = _qkv(2, 2, length, 16)
    mq, nk = math.ceil(length / 32), math.ceil(length / 16)
    levels = torch.ones(2, 2, mq, nk, dtype=torch.int8)
    out = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=16)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v))


def test_all_level_one_causal_equals_causal_sdpa() -> None:
    q, k, v = _qkv(1, 2, 70, 16)
    levels = torch.ones(1, 2, 3, 5, dtype=torch.int8)
    out = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=16, causal=True)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True))


@pytest.mark.parametrize("level", [2, 4, 8])
def test_one_pooled_block_with_one_full_block(level: int) -> None:
    """Block 0 at level 1 plus block 1 pooled: softmax over raw and averaged keys with ln(l) bias."""
    n, length, dim = 16, 28, 8
    q, k, v = _qkv(1, 1, length, dim, seed=level)
    levels = torch.tensor([[[[1, level]]]], dtype=torch.int8)
    out = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=n)

    padded_k = torch.cat([k, k[:, :, -1:].expand(-1, -1, 2 * n - length, -1)], dim=2)
    padded_v = torch.cat([v, v[:, :, -1:].expand(-1, -1, 2 * n - length, -1)], dim=2)
    pooled_k = padded_k[0, 0, n:].reshape(n // level, level, dim).mean(1)
    pooled_v = padded_v[0, 0, n:].reshape(n // level, level, dim).mean(1)
    keys = torch.cat([k[0, 0, :n], pooled_k])
    values = torch.cat([v[0, 0, :n], pooled_v])
    bias = torch.cat([torch.zeros(n), torch.full((n // level,), math.log(level))]).double()
    logits = q[0, 0] @ keys.T / math.sqrt(dim) + bias
    expected = torch.softmax(logits, dim=-1) @ values
    torch.testing.assert_close(out[0, 0], expected)


def test_single_pooled_block_is_attention_over_averaged_keys() -> None:
    q, k, v = _qkv(1, 1, 32, 8, seed=3)
    levels = torch.tensor([[[[0, 4]]]], dtype=torch.int8)
    out = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=16)
    keys = k[0, 0, 16:].reshape(4, 4, 8).mean(1)
    values = v[0, 0, 16:].reshape(4, 4, 8).mean(1)
    expected = torch.softmax(q[0, 0] @ keys.T / math.sqrt(8) + math.log(4), dim=-1) @ values
    torch.testing.assert_close(out[0, 0], expected)


def test_level_one_rows_past_the_sequence_are_masked() -> None:
    q, k, v = _qkv(1, 1, 20, 8, seed=4)
    levels = torch.tensor([[[[0, 1]]]], dtype=torch.int8)
    out = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=16)
    expected = F.scaled_dot_product_attention(q, k[:, :, 16:20], v[:, :, 16:20])
    torch.testing.assert_close(out, expected)


def test_row_without_kept_block_is_zero() -> None:
    q, k, v = _qkv(1, 1, 64, 8, seed=5)
    levels = torch.tensor([[[[1, 2], [0, 0]]]], dtype=torch.int8)
    out = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=32)
    assert torch.count_nonzero(out[0, 0, 32:]) == 0
    assert torch.all(out[0, 0, :32].abs().sum(-1) > 0)


def test_query_blocks_subset_matches_full_output() -> None:
    q, k, v = _qkv(1, 2, 90, 8, seed=6)
    levels = torch.randint(0, 3, (1, 2, 3, 6), generator=torch.Generator().manual_seed(0)).to(torch.int8)
    levels[levels == 3] = 4
    full = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=16)
    part = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=16, query_blocks=[2, 0])
    rows = ref.block_rows([2, 0], 32, 90)
    torch.testing.assert_close(part, full[:, :, rows])


def test_density_counts_one_over_level() -> None:
    levels = torch.tensor([[[[1, 2, 4, 8], [0, 0, 0, 1]]]])
    assert ref.density(levels) == pytest.approx((1 + 0.5 + 0.25 + 0.125 + 1) / 8)


# ----------------------------------------------------------------------------- section 2


def test_padding_repeats_the_last_token() -> None:
    x = torch.arange(5.0).view(1, 1, 5, 1)
    assert pad_to_multiple(x, 4).flatten().tolist() == [0, 1, 2, 3, 4, 4, 4, 4]


def test_offsets_are_distinct_sorted_and_seeded() -> None:
    a = sample_offsets(2, 3, 32, 8, seed=7, device=torch.device("cpu"))
    b = sample_offsets(2, 3, 32, 8, seed=7, device=torch.device("cpu"))
    assert torch.equal(a, b)
    assert all(len(set(row.tolist())) == 8 for row in a.view(-1, 8))
    assert torch.all(a[..., 1:] > a[..., :-1])


def test_estimate_by_hand() -> None:
    q, k, _ = _qkv(1, 1, 40, 4, seed=8)  # m = n = 16: Mq = Nk = 3, 4 samples per block
    qo = torch.tensor([[[0, 5, 9, 15]]])
    ko = torch.tensor([[[1, 2, 3, 12]]])
    scores = ref.estimate_importance(q, k, block_m=16, block_n=16, q_offsets=qo, k_offsets=ko)
    qp, kp = pad_to_multiple(q, 16)[0, 0], pad_to_multiple(k, 16)[0, 0]
    expected = torch.zeros(3, 3, dtype=torch.float64)
    for i in range(3):
        qs = qp[i * 16 + qo[0, 0]]
        ks = kp[(torch.arange(3)[:, None] * 16 + ko[0, 0][None, :]).flatten()]
        logits = qs @ ks.T / 2.0
        weights = torch.exp(logits - logits.max(dim=1, keepdim=True).values)
        for j in range(3):
            expected[i, j] = weights[:, j * 4 : (j + 1) * 4].max()
    expected /= expected.sum(dim=1, keepdim=True)
    torch.testing.assert_close(scores[0, 0], expected)


# ----------------------------------------------------------------------------- section 3


def _scores(row: list[float]) -> torch.Tensor:
    values = torch.tensor(row, dtype=torch.float64)
    return (values / values.sum()).view(1, 1, 1, -1)


def test_topk_walk_in_file_order(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 32},
        mask_ratios={1: [0, 0.2], 2: [0.2, 0.4], 4: [0.4, 0.6], 8: [0.6, 0.8], 0: [0.8, 1]},
    )
    scores = _scores([float(10 - j) for j in range(10)])  # already ranked by index
    levels = ref.assign_levels(scores, preset)
    assert levels.flatten().tolist() == [1, 1, 2, 2, 4, 4, 8, 8, 0, 0]


def test_topk_levels_out_of_order_level_zero_takes_everything(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 32},
        mask_ratios={0: [0.35, 1], 1: [0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.15, 0.35]},
    )
    levels = ref.assign_levels(_scores([float(j + 1) for j in range(20)]), preset)
    assert torch.count_nonzero(levels) == 0


def test_alignment_rounds_up_then_down(preset_factory) -> None:
    # n = 32, tile_n = 32: a(2) = 2, a(4) = 4, a(8) = 8
    preset = preset_factory(mask_ratios={1: [0, 0.1], 2: [0.1, 0.2], 4: [0.2, 0.3], 8: [0.3, 0.9], 0: [0.9, 1]})
    levels = ref.assign_levels(_scores([float(20 - j) for j in range(20)]), preset).flatten().tolist()
    # level 1: floor(2) -> [0, 2); level 2: [2, 4) length 2; level 4: [4, 6) -> up to 4 -> [4, 8);
    # level 8: [8, 18) length 10 -> up 16 passes 20 -> down 8 -> [8, 16); rest skipped
    assert levels == [1, 1, 2, 2, 4, 4, 4, 4] + [8] * 8 + [0] * 4


def test_alignment_values() -> None:
    assert [ref.alignment(level, 128, 32) for level in (1, 2, 4, 8, 0)] == [1, 1, 1, 2, 1]
    assert [ref.alignment(level, 64, 32) for level in (1, 2, 4, 8)] == [1, 1, 2, 4]
    assert [ref.alignment(level, 32, 32) for level in (1, 2, 4, 8)] == [1, 2, 4, 8]


def test_thresholdbound_cumulative_ends_and_floor(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 16},  # a(8) = 1
        mask_mode="thresholdbound",
        mask_ratios={1: [0, 0.5], 2: [0.5, 0.7], 4: [0.7, 0.7], 8: [0.7, 0.9], 0: [0.9, 1]},
    )
    scores = _scores([40, 20, 10, 10, 5, 5, 4, 3, 2, 1])  # cumulative .4 .6 .7 .8 .85 .9 .94 .97 .99 1
    levels = ref.assign_levels(scores, preset).flatten().tolist()
    # level 1: #(c <= .5) + 1 = 2; level 2: #(c <= .7) + 1 = 4; level 4: 4 (empty); level 8: 6 + 1 = 7
    assert levels == [1, 1, 2, 2, 8, 8, 8, 0, 0, 0]


def test_thresholdbound_sorts_by_end_and_applies_floor(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 32},
        mask_mode="thresholdbound",
        mask_ratios={2: [0.0, 0.3], 1: [0.0, 0.0], 4: [0.3, 0.5], 8: [0.5, 0.5], 0: [0.5, 1]},
    )
    scores = _scores([1.0] * 50)  # flat: c_k = (k + 1) / 50
    levels = ref.assign_levels(scores, preset).flatten().tolist()
    # sorted by end: 1 (end 0), 2 (.3), 4 (.5), 8 (.5), 0 (1)
    # level 1: #(c <= 1e-6) + 1 = 1, floor = floor(3) + 1 = 4 -> [0, 4); level 2: 15 + 1 = 16;
    # level 4: 25 + 1 = 26; level 8: 26 (empty); level 0: the rest
    assert levels == [1] * 4 + [2] * 12 + [4] * 10 + [0] * 24


def test_topk_quota_is_the_floor_of_nk_times_end(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 32},  # a = 1 for levels 1, 2, 4
        mask_ratios={1: [0, 0.25], 2: [0.25, 0.45], 4: [0.45, 0.75], 0: [0.75, 1]},
    )
    levels = ref.assign_levels(_scores([float(10 - j) for j in range(10)]), preset).flatten().tolist()
    # 10 * .25 = 2.5 -> 2, 10 * .45 = 4.5 -> 4, 10 * .75 = 7.5 -> 7 (ceil would give 3, 5, 8)
    assert levels == [1, 1, 2, 2, 4, 4, 4, 0, 0, 0]


@pytest.mark.parametrize("scale", [0.01, 0.37, 250.0])
def test_thresholdbound_renormalises_each_row(preset_factory, scale: float) -> None:
    """The runtime divides the cumulative sum by the row's total: the scale of the scores is irrelevant."""
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 16},  # a(8) = 1
        mask_mode="thresholdbound",
        mask_ratios={1: [0, 0.5], 2: [0.5, 0.7], 4: [0.7, 0.7], 8: [0.7, 0.9], 0: [0.9, 1]},
    )
    row = torch.tensor([40, 20, 10, 10, 5, 5, 4, 3, 2, 1], dtype=torch.float64) * scale  # total 100 * scale
    levels = ref.assign_levels(row.view(1, 1, 1, -1), preset).flatten().tolist()
    assert levels == [1, 1, 2, 2, 8, 8, 8, 0, 0, 0]


def test_thresholdbound_level_one_after_another_level_only_reaches_the_floor_index(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 32},
        mask_mode="thresholdbound",
        mask_ratios={2: [0, 0.02], 1: [0.02, 0.02], 0: [0.02, 1]},  # equal ends: file order, 2 walks first
    )
    levels = ref.assign_levels(torch.ones(1, 1, 1, 50), preset).flatten().tolist()  # c_k = (k + 1) / 50
    # level 2: 1 share <= .02 -> end 2; level 1: end 2, raised to the index floor(50 * .06) + 1 = 4
    # (not 2 + 4): ranks 2 and 3 only
    assert levels == [2, 2, 1, 1] + [0] * 46


def test_thresholdbound_first_level_without_a_share_under_its_end_gets_nothing(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 32},
        mask_mode="thresholdbound",
        mask_ratios={2: [0, 0.0], 4: [0.0, 0.5], 0: [0.5, 1]},
    )
    levels = ref.assign_levels(torch.ones(1, 1, 1, 50), preset).flatten().tolist()
    # level 2: no c_k <= 1e-6 -> end stays 0 (not 0 + 1); level 4: 25 shares <= .5 -> end 26
    assert levels == [4] * 26 + [0] * 24


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("case", vector_cases(), ids=lambda case: case.label)
def test_reference_reproduces_the_runtime(case: VectorCase, dtype: torch.dtype) -> None:
    """Every case of tests/data/conformance/level_walk.json (the runtime's own level maps)."""
    levels = ref.assign_levels(case.score_tensor().to(dtype), case.preset)
    assert levels[0, 0].tolist() == case.levels


@settings(deadline=None, max_examples=5 * settings.default.max_examples)
@given(inputs=walk_inputs(rows=4, max_nk=70))
def test_reference_equals_the_oracle(inputs) -> None:
    mode, n, tile_n, ratios, rows = inputs
    scores = torch.tensor(rows, dtype=torch.float32)[None, None]
    levels = ref.assign_levels(scores, walk_preset(mode, n, tile_n, ratios))[0, 0].tolist()
    assert levels == [oracle_levels(row, mode, n, tile_n, ratios) for row in rows]


@pytest.mark.parametrize("example", alignment_examples(), ids=str)
def test_reference_alignment_at_every_tiling_and_level(example: AlignmentExample) -> None:
    """Round up in the middle of the row; round down where rounding up passes Nk."""
    levels = ref.assign_levels(example.scores(), example.preset).flatten().tolist()
    assert levels == example.expected_by_rank()


def test_sim_cap_and_text_blocks_old_mask_type(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 128, "n": 128, "tile_n": 32},
        attn_impl="old_mask_type",
        use_sim_mask=True,
        sim_thresholds={"x2": 0.5, "x4": 0.5, "x8": 0.5},
        mask_ratios={1: [0, 0.25], 2: [0.25, 0.5], 4: [0.5, 0.75], 8: [0.75, 0.75], 0: [0.75, 1]},
    )
    gen = torch.Generator().manual_seed(1)
    smooth = torch.randn(1, 1, 1, 16, generator=gen).expand(1, 1, 128, 16)
    noisy = torch.randn(1, 1, 128, 16, generator=gen)
    k = torch.cat([noisy, noisy, smooth, noisy], dim=2)  # block 2 is smooth: cap 8; others cap 1
    scores = _scores([1.0, 2.0, 4.0, 8.0])  # ranks: block 3, 2, 1, 0
    levels = ref.assign_levels(scores, preset, k=k, text_length=0).flatten().tolist()
    assert levels == [0, 1, 2, 1]  # block 1 at 4 capped to 1; block 2 at 2 keeps 2
    forced = ref.assign_levels(scores, preset, k=k, text_length=200).flatten().tolist()
    assert forced == [0, 1, 1, 1]


def test_new_mask_type_ignores_text_length(preset_factory) -> None:
    preset = preset_factory(text_length=500)
    levels = ref.assign_levels(_scores([4.0, 3.0, 2.0, 1.0]), preset)
    assert levels.flatten().tolist() == [1, 2, 2, 0]  # a(2) = 2 widens level 2; no text forcing


def test_similarity_caps_thresholds() -> None:
    constant = torch.ones(1, 1, 16, 4)
    assert ref.similarity_caps(constant, 16, (0.5, 0.5, 0.5)).tolist() == [[[8]]]
    alternating = torch.tensor([[1.0, 0.0], [-1.0, 0.0]]).repeat(8, 1).view(1, 1, 16, 2)
    # pairs (2t, 2t+1) opposite: s2 = -1; (4t, 4t+3) opposite; (8t, 8t+7) opposite
    assert ref.similarity_caps(alternating, 16, (0.0, 0.0, 0.0)).tolist() == [[[1]]]
    assert ref.similarity_caps(alternating, 16, (-1.5, 0.0, 0.0)).tolist() == [[[2]]]
