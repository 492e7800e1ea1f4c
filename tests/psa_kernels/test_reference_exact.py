"""The reference implementation against plain-loop oracles on tiny inputs (psa-semantics sections 2-4).

Each oracle below is written from the specification one token, block or row at a time, sharing no
code with ``psa_kernels.reference``; shapes are small and uneven (``m != n``, lengths that need padding,
several batches and heads) so that a swapped axis, block size or offset changes the result.
"""

from __future__ import annotations

import math

import pytest
import torch

from walk_oracle import oracle_levels

from psa_kernels import reference as ref
from psa_kernels.sampling import sample_offsets

LEVEL_CHOICES = (0, 1, 2, 4, 8)


def _randn(*shape: int, seed: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(dtype)


def _padded_token(x: torch.Tensor, position: int) -> torch.Tensor:
    """Token ``position`` of ``x`` ``[L, D]`` padded by repeating its last token."""
    return x[min(position, x.shape[0] - 1)].double()


# ----------------------------------------------------------------------------- section 2


def _estimate_by_loops(
    q: torch.Tensor, k: torch.Tensor, block_m: int, block_n: int, q_offsets: torch.Tensor, k_offsets: torch.Tensor
) -> torch.Tensor:
    batch, heads, length, dim = q.shape
    mq, nk = math.ceil(length / block_m), math.ceil(k.shape[2] / block_n)
    scores = torch.zeros(batch, heads, mq, nk, dtype=torch.float64)
    for b in range(batch):
        for h in range(heads):
            qs, ks = q[b, h].tolist(), k[b, h].tolist()
            queries = [[qs[min(i * block_m + o, length - 1)] for o in q_offsets[b, h].tolist()] for i in range(mq)]
            keys = [[ks[min(j * block_n + o, length - 1)] for o in k_offsets[b, h].tolist()] for j in range(nk)]
            best = [[0.0] * nk for _ in range(mq)]
            for i in range(mq):
                for query in queries[i]:
                    logits = [[sum(a * c for a, c in zip(query, key)) / math.sqrt(dim) for key in block]
                              for block in keys]
                    top = max(max(row) for row in logits)
                    for j in range(nk):
                        best[i][j] = max(best[i][j], max(math.exp(x - top) for x in logits[j]))
            for i in range(mq):
                scores[b, h, i] = torch.tensor(best[i], dtype=torch.float64) / sum(best[i])
    return scores


def _offsets(batch: int, heads: int, block: int, seed: int) -> torch.Tensor:
    return sample_offsets(batch, heads, block, block // 4, seed=seed, device=torch.device("cpu"))


def test_estimate_equals_the_loops_with_uneven_blocks_batches_and_heads() -> None:
    q, k = _randn(2, 3, 45, 4, seed=1), _randn(2, 3, 45, 4, seed=2) * 2.0  # Mq = 3 (m = 16), Nk = 2 (n = 32)
    qo, ko = _offsets(2, 3, 16, seed=3), _offsets(2, 3, 32, seed=4)
    scores = ref.estimate_importance(q, k, block_m=16, block_n=32, q_offsets=qo, k_offsets=ko)
    assert scores.dtype == torch.float64
    torch.testing.assert_close(scores, _estimate_by_loops(q, k, 16, 32, qo, ko))


def test_estimate_of_float32_inputs_is_computed_in_float32() -> None:
    q, k = _randn(1, 2, 40, 4, seed=5, dtype=torch.float32), _randn(1, 2, 40, 4, seed=6, dtype=torch.float32)
    qo, ko = _offsets(1, 2, 32, seed=7), _offsets(1, 2, 16, seed=8)
    scores = ref.estimate_importance(q, k, block_m=32, block_n=16, q_offsets=qo, k_offsets=ko)
    assert scores.dtype == torch.float32
    torch.testing.assert_close(scores.double(), _estimate_by_loops(q, k, 32, 16, qo, ko), rtol=1e-5, atol=1e-6)


def test_estimate_of_float16_inputs_is_computed_in_float32() -> None:
    q, k = _randn(1, 2, 40, 4, seed=37, dtype=torch.float16), _randn(1, 2, 40, 4, seed=38, dtype=torch.float16) * 3
    qo, ko = _offsets(1, 2, 16, seed=39), _offsets(1, 2, 16, seed=40)
    scores = ref.estimate_importance(q, k, block_m=16, block_n=16, q_offsets=qo, k_offsets=ko)
    assert scores.dtype == torch.float32
    torch.testing.assert_close(scores.double(), _estimate_by_loops(q, k, 16, 16, qo, ko), rtol=1e-5, atol=1e-6)


def test_seed_draws_query_offsets_from_seed_and_key_offsets_from_seed_plus_one() -> None:
    q, k = _randn(2, 2, 64, 4, seed=9), _randn(2, 2, 64, 4, seed=10)
    seeded = ref.estimate_importance(q, k, block_m=32, block_n=16, seed=11)
    explicit = ref.estimate_importance(
        q, k, block_m=32, block_n=16, q_offsets=_offsets(2, 2, 32, seed=11), k_offsets=_offsets(2, 2, 16, seed=12)
    )
    assert torch.equal(seeded, explicit)
    shifted = ref.estimate_importance(
        q, k, block_m=32, block_n=16, q_offsets=_offsets(2, 2, 32, seed=11), k_offsets=_offsets(2, 2, 16, seed=11)
    )
    assert not torch.equal(seeded, shifted)  # the key offsets really come from another seed


def test_unseeded_estimate_draws_from_the_global_generator() -> None:
    q, k = _randn(1, 1, 64, 4, seed=13), _randn(1, 1, 64, 4, seed=14)
    torch.manual_seed(15)
    first = ref.estimate_importance(q, k, block_m=32, block_n=32)
    torch.manual_seed(15)
    qo, ko = _offsets(1, 1, 32, seed=None), _offsets(1, 1, 32, seed=None)
    assert torch.equal(first, ref.estimate_importance(q, k, block_m=32, block_n=32, q_offsets=qo, k_offsets=ko))


# ----------------------------------------------------------------------------- section 3


def test_alignment_divides_n_by_tile_n_as_integers() -> None:
    """``n // tile_n`` as the runtime divides: a tile wider than the block counts as one block per tile."""
    assert [ref.alignment(level, 32, 64) for level in (0, 1, 2, 4, 8)] == [1, 1, 2, 4, 8]
    assert [ref.alignment(level, 96, 64) for level in (1, 2, 4, 8)] == [1, 2, 4, 8]


def test_level1_floor_and_topk_end_values() -> None:
    assert [ref.level1_floor(nk) for nk in (1, 16, 17, 50, 100)] == [1, 1, 2, 4, 7]
    assert [ref.topk_end(10, end) for end in (0.0, 0.29, 0.3, 1.0, 1.5)] == [0, 2, 3, 10, 10]


def test_a_share_exactly_at_end_plus_eps_counts(preset_factory) -> None:
    """``c_k <= end + 1e-6``: with end = 0.499999 the flat row's share 2/4 is exactly at the limit."""
    assert 0.499999 + ref.THRESHOLD_EPS == 0.5
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 32},
        mask_mode="thresholdbound",
        mask_ratios={1: [0, 0.0], 2: [0.0, 0.499999], 0: [0.499999, 1]},
    )
    scores = torch.ones(1, 1, 1, 4, dtype=torch.float64)  # shares .25 .5 .75 1
    # level 1: floor index 1; level 2: two shares <= .5 -> end 3
    assert ref.assign_levels(scores, preset).flatten().tolist() == [1, 2, 2, 0]


def test_level_ends_are_int64_rank_intervals_in_walk_order(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 128, "tile_n": 32},
        mask_mode="thresholdbound",
        mask_ratios={2: [0, 0.7], 1: [0, 0.5], 0: [0.7, 1]},
    )
    sorted_scores = torch.tensor([[40.0, 20, 10, 10, 5, 5, 4, 3, 2, 1], [1.0] * 10], dtype=torch.float32)
    intervals = ref.level_ends(sorted_scores, preset)
    assert [level for level, _, _ in intervals] == [1, 2, 0]
    assert all(bound.dtype == torch.int64 for _, start, stop in intervals for bound in (start, stop))
    # shares .4 .6 .7 .8 ... and .1 .2 ... 1: level 1 ends at 2 and 6, level 2 at 4 and 8
    assert [(start.tolist(), stop.tolist()) for _, start, stop in intervals] == [
        ([0, 0], [2, 6]), ([2, 6], [4, 8]), ([4, 8], [10, 10])
    ]


@pytest.mark.parametrize("mode", ["topk", "thresholdbound"])
def test_assign_levels_of_several_batches_heads_and_query_blocks_equal_the_oracle(preset_factory, mode: str) -> None:
    ratios = [(1, 0.0, 0.3), (4, 0.3, 0.6), (2, 0.6, 0.8), (0, 0.8, 1.0)]
    preset = preset_factory(block_size={"m": 32, "n": 64, "tile_n": 32}, mask_mode=mode,
                            mask_ratios={level: [start, end] for level, start, end in ratios})
    raw = torch.randint(0, 6, (2, 3, 4, 9), generator=torch.Generator().manual_seed(51)).double()
    levels = ref.assign_levels(raw, preset)
    assert levels.dtype == torch.int8
    expected = [[[oracle_levels(row, mode, 64, 32, ratios) for row in head] for head in batch]
                for batch in raw.tolist()]
    assert levels.tolist() == expected


def _cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(a @ b) / (float(a.norm()) * float(b.norm()))


def _caps_by_loops(k: torch.Tensor, block_n: int, thresholds: tuple[float, float, float]) -> list:
    """``[B][H][Nk]`` caps: the mean cosine of pairs (2t, 2t+1), (4t, 4t+3), (8t, 8t+7) in each block."""
    x2, x4, x8 = thresholds
    caps = []
    for b in range(k.shape[0]):
        per_head = []
        for h in range(k.shape[1]):
            row = []
            for j in range(math.ceil(k.shape[2] / block_n)):
                tokens = [_padded_token(k[b, h], j * block_n + t) for t in range(block_n)]
                s = {
                    step: sum(_cosine(tokens[t], tokens[t + step - 1]) for t in range(0, block_n, step))
                    / (block_n // step)
                    for step in (2, 4, 8)
                }
                row.append(8 if s[8] > x8 else 4 if s[4] > x4 else 2 if s[2] > x2 else 1)
            per_head.append(row)
        caps.append(per_head)
    return caps


@pytest.mark.parametrize(
    "thresholds", [(0.0, 0.0, -1.0), (0.0, 0.0, 0.0), (-0.1, 0.1, 0.2), (0.3, -0.05, 0.1), (0.5, 0.5, 0.5)]
)
def test_similarity_caps_equal_the_loops(thresholds: tuple[float, float, float]) -> None:
    base = _randn(2, 2, 1, 4, seed=16)
    k = base + 0.8 * _randn(2, 2, 53, 4, seed=17)  # correlated tokens: similarities spread around 0.3
    k[0, 1, 16:32] = _randn(16, 4, seed=18)  # one block of unrelated tokens
    caps = ref.similarity_caps(k, 16, thresholds)
    assert caps.dtype == torch.long
    assert caps.tolist() == _caps_by_loops(k, 16, thresholds)


def test_similarity_caps_use_each_pairing_and_strict_comparisons() -> None:
    """Blocks built so that exactly one of s2, s4, s8 is 1 and the others are exactly 0."""
    e = torch.eye(4, dtype=torch.float64)
    # pairs (2t, 2t+1) equal: s2 = 1; (4t, 4t+3) and (8t, 8t+7) orthogonal: s4 = s8 = 0
    only_s2 = torch.stack([e[0], e[0], e[1], e[1], e[2], e[2], e[3], e[3]])
    # (4t, 4t+3) equal, the rest orthogonal
    only_s4 = torch.stack([e[0], e[1], e[2], e[0], e[3], e[2], e[1], e[3]])
    # (0, 7) equal, (0, 1), (2, 3), (4, 5), (6, 7) and (0, 3), (4, 7) orthogonal
    only_s8 = torch.stack([e[0], e[1], e[2], e[3], e[1], e[2], e[3], e[0]])
    k = torch.cat([only_s2, only_s4, only_s8]).view(1, 1, 24, 4)
    assert ref.similarity_caps(k, 8, (0.5, 0.5, 0.5)).tolist() == [[[2, 4, 8]]]
    assert ref.similarity_caps(k, 8, (0.0, 0.0, 0.0)).tolist() == [[[2, 4, 8]]]  # 0 > 0 is false
    assert ref.similarity_caps(k, 8, (1.0, 1.0, 1.0)).tolist() == [[[1, 1, 1]]]  # 1 > 1 is false
    assert ref.similarity_caps(k, 8, (-0.5, 0.5, 0.5)).tolist() == [[[2, 4, 8]]]
    assert ref.similarity_caps(k, 8, (-0.5, -0.5, 0.5)).tolist() == [[[4, 4, 8]]]
    assert ref.similarity_caps(k, 8, (-0.5, -0.5, -0.5)).tolist() == [[[8, 8, 8]]]


def test_similarity_caps_of_float16_keys_decide_in_at_least_float32() -> None:
    """Thresholds 2e-5 either side of each exact similarity: float16 arithmetic (errors ~1e-4) misplaces some."""
    k = (_randn(1, 1, 1, 16, seed=41) + 0.3 * _randn(1, 1, 64, 16, seed=42)).half()
    decided = []
    for j in range(4):
        tokens = [k[0, 0, j * 16 + t].double() for t in range(16)]
        for position, step in enumerate((2, 4, 8)):
            exact = sum(_cosine(tokens[t], tokens[t + step - 1]) for t in range(0, 16, step)) / (16 // step)
            for delta in (-2e-5, 2e-5):
                thresholds = [2.0, 2.0, 2.0]  # above any similarity: only the step under test can raise the cap
                thresholds[position] = exact + delta
                cap = ref.similarity_caps(k, 16, tuple(thresholds))[0, 0, j].item()
                decided.append((j, step, delta, cap))
    assert decided == [(j, step, delta, step if delta < 0 else 1) for j, step, delta, _ in decided]


def test_similarity_caps_default_thresholds_never_cap() -> None:
    k = _randn(1, 1, 32, 4, seed=19)
    assert ref.similarity_caps(k, 16).tolist() == [[[8, 8]]]  # s8 > -1 for any tokens but exact opposites


def test_preset_sim_thresholds_fill_each_missing_value_with_its_default(preset_factory) -> None:
    def thresholds(**given: object) -> tuple[float, float, float]:
        return ref.preset_sim_thresholds(preset_factory(attn_impl="old_mask_type", **given))

    assert thresholds() == (0.0, 0.0, -1.0)
    assert thresholds(sim_thresholds={"x2": 0.25, "x4": 0.5, "x8": 0.75}) == (0.25, 0.5, 0.75)
    assert thresholds(sim_thresholds={"x4": 0.5}) == (0.0, 0.5, -1.0)
    assert thresholds(sim_thresholds={"x2": 0.25, "x8": 0.75}) == (0.25, 0.0, 0.75)


def test_preset_sim_thresholds_take_the_legacy_keys_first(preset_factory) -> None:
    """psa-semantics 8.10: the runtime reads `sim_Nx_threshold` and prefers it to `sim_thresholds.xN`."""
    preset = preset_factory(
        attn_impl="old_mask_type", sim_thresholds={"x2": 0.25, "x4": 0.5, "x8": 0.75},
        sim_2x_threshold=0.1, sim_8x_threshold=-0.5,
    )
    assert ref.preset_sim_thresholds(preset) == (0.1, 0.5, -0.5)
    assert ref.preset_sim_thresholds(preset_factory(attn_impl="old_mask_type", sim_4x_threshold=0.3)) == (0.0, 0.3, -1.0)


def test_force_text_blocks_counts_ceil_text_over_n_and_leaves_its_input_alone() -> None:
    levels = torch.tensor([[[[0, 2, 4, 8, 0], [8, 4, 2, 0, 0]]]], dtype=torch.int8)
    before = levels.clone()
    forced = {text: ref.force_text_blocks(levels, text, 16)[0, 0].tolist() for text in (0, 1, 16, 17, 33, 1000)}
    assert forced[0] == before[0, 0].tolist()
    assert forced[1] == forced[16] == [[0, 2, 4, 8, 1], [8, 4, 2, 0, 1]]
    assert forced[17] == [[0, 2, 4, 1, 1], [8, 4, 2, 1, 1]]
    assert forced[33] == [[0, 2, 1, 1, 1], [8, 4, 1, 1, 1]]
    assert forced[1000] == [[1] * 5, [1] * 5]
    assert torch.equal(levels, before)


def _old_mask_preset(preset_factory, **overrides: object):
    return preset_factory(
        block_size={"m": 128, "n": 128, "tile_n": 32},
        attn_impl="old_mask_type",
        mask_ratios={1: [0, 0.25], 2: [0.25, 0.5], 8: [0.5, 1.0]},  # a(8) = 2 at n = 128
        **overrides,
    )


def test_text_length_defaults_to_the_presets_then_to_zero(preset_factory) -> None:
    scores = torch.tensor([[[[4.0, 3.0, 2.0, 1.0]]]])  # walk: levels 1, 2, 8, 8 by rank
    with_text = _old_mask_preset(preset_factory, text_length=129)
    assert ref.assign_levels(scores, with_text).flatten().tolist() == [1, 2, 1, 1]  # ceil(129 / 128) = 2 blocks
    assert ref.assign_levels(scores, with_text, text_length=0).flatten().tolist() == [1, 2, 8, 8]
    assert ref.assign_levels(scores, with_text, text_length=1).flatten().tolist() == [1, 2, 8, 1]
    assert ref.assign_levels(scores, _old_mask_preset(preset_factory)).flatten().tolist() == [1, 2, 8, 8]


def test_similarity_cap_needs_the_keys_and_applies_per_head(preset_factory) -> None:
    preset = _old_mask_preset(preset_factory, use_sim_mask=True, sim_thresholds={"x2": 0.5, "x4": 0.5, "x8": 0.5})
    scores = torch.tensor([[[[4.0, 3.0, 2.0, 1.0]]] * 2])  # [1, 2, 1, 4]: levels 1, 2, 8, 8 in both heads
    with pytest.raises(ValueError, match="^use_sim_mask needs the key tensor k for the similarity cap$"):
        ref.assign_levels(scores, preset)
    noisy = _randn(1, 1, 512, 16, seed=20)
    smooth = _randn(1, 1, 1, 16, seed=21).expand(1, 1, 512, 16)  # every token alike: cap 8
    k = torch.cat([noisy, smooth], dim=1)
    levels = ref.assign_levels(scores, preset, k=k, text_length=0)
    assert levels.dtype == torch.int8
    assert levels[0, :, 0].tolist() == [[1, 1, 1, 1], [1, 2, 8, 8]]


def test_new_mask_type_ignores_the_similarity_cap(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 32, "n": 32, "tile_n": 32},
        mask_ratios={1: [0, 0.25], 2: [0.25, 0.75], 0: [0.75, 1.0]},
        use_sim_mask=True,
        sim_thresholds={"x2": 1.0, "x4": 1.0, "x8": 1.0},
    )
    scores = torch.tensor([[[[4.0, 3.0, 2.0, 1.0]]]])
    assert ref.assign_levels(scores, preset).flatten().tolist() == [1, 2, 2, 0]  # no keys needed, no cap


def test_build_levels_is_the_seeded_estimate_then_the_assignment(preset_factory) -> None:
    preset = preset_factory(
        block_size={"m": 64, "n": 32, "tile_n": 32},
        mask_ratios={1: [0, 0.4], 2: [0.4, 0.7], 0: [0.7, 1.0]},
        attn_impl="old_mask_type",
        use_sim_mask=True,
        sim_thresholds={"x2": 0.0, "x4": 0.0, "x8": 0.0},
        text_length=100,
    )
    q, k = _randn(1, 2, 150, 4, seed=22), _randn(1, 2, 150, 4, seed=23)
    levels = ref.build_levels(q, k, preset, seed=24, text_length=33)
    scores = ref.estimate_importance(q, k, block_m=64, block_n=32, seed=24)
    assert scores.shape == (1, 2, 3, 5)
    assert torch.equal(levels, ref.assign_levels(scores, preset, k=k, text_length=33))
    assert not torch.equal(levels, ref.assign_levels(scores, preset, k=k, text_length=None))


# ----------------------------------------------------------------------------- section 4


def _attention_by_loops(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    levels: torch.Tensor,
    block_m: int,
    block_n: int,
    scale: float,
    causal: bool,
) -> torch.Tensor:
    """Each query token against the pooled keys of its row's kept blocks, with ``ln(l)`` added."""
    batch, heads, length, dim = q.shape
    out = torch.zeros(batch, heads, length, dim, dtype=torch.float64)
    for b in range(batch):
        for h in range(heads):
            for s in range(length):
                logits, values = [], []
                for j, level in enumerate(levels[b, h, s // block_m].tolist()):
                    if level == 0:
                        continue
                    for first in range(j * block_n, (j + 1) * block_n, level):
                        if (level == 1 and first >= length) or (causal and first > s):
                            continue
                        key = torch.stack([_padded_token(k[b, h], t) for t in range(first, first + level)]).mean(0)
                        value = torch.stack([_padded_token(v[b, h], t) for t in range(first, first + level)])
                        logits.append(float(q[b, h, s].double() @ key) * scale + math.log(level))
                        values.append(value.mean(0))
                if logits:
                    weights = torch.softmax(torch.tensor(logits, dtype=torch.float64), dim=0)
                    out[b, h, s] = weights @ torch.stack(values)
    return out


def _random_levels(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    index = torch.randint(0, len(LEVEL_CHOICES), shape, generator=torch.Generator().manual_seed(seed))
    return torch.tensor(LEVEL_CHOICES, dtype=torch.int8)[index]


@pytest.mark.parametrize("causal", [False, True])
def test_pyramid_attention_equals_the_loops(causal: bool) -> None:
    q, k, v = (_randn(1, 2, 37, 4, seed=seed) for seed in (25, 26, 27))  # Mq = 3 (m = 16), Nk = 3 (n = 16)
    levels = _random_levels((1, 2, 3, 3), seed=28)
    levels[0, 0, 0] = torch.tensor([1, 2, 8], dtype=torch.int8)  # level 1 first: causal rows keep a key
    levels[0, 1, 1] = 0  # a row with no kept block: zeros
    levels[0, 1, 2] = torch.tensor([0, 4, 1], dtype=torch.int8)  # level 1 on the padded block
    out = ref.pyramid_attention(q, k, v, levels, block_m=16, block_n=16, causal=causal)
    expected = _attention_by_loops(q, k, v, levels, 16, 16, 1 / math.sqrt(4), causal)
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=1e-12)  # float64 throughout, ln(l) included


def test_pyramid_attention_with_more_query_blocks_than_key_blocks() -> None:
    q, k, v = (_randn(1, 1, 37, 4, seed=seed) for seed in (43, 44, 45))  # m = 8: Mq = 5; n = 16: Nk = 3
    levels = _random_levels((1, 1, 5, 3), seed=46)
    levels[..., 2] = 1
    out = ref.pyramid_attention(q, k, v, levels, block_m=8, block_n=16)
    torch.testing.assert_close(out, _attention_by_loops(q, k, v, levels, 8, 16, 0.5, False))


def test_pyramid_attention_of_float16_inputs_is_computed_in_float32_and_returned_in_float16() -> None:
    q, k, v = (_randn(1, 2, 24, 4, seed=seed, dtype=torch.float16) for seed in (47, 48, 49))
    levels = _random_levels((1, 2, 2, 2), seed=50)  # m = n = 16
    levels[..., 0] = 1
    out = ref.pyramid_attention(q, k, v, levels, block_m=16, block_n=16)
    assert out.dtype == torch.float16
    expected = _attention_by_loops(q, k, v, levels, 16, 16, 0.5, False)
    torch.testing.assert_close(out.double(), expected, rtol=2e-3, atol=2e-3)


def test_pyramid_attention_scale_chunks_and_dtype() -> None:
    """``sm_scale`` replaces 1/sqrt(D); any ``max_elements`` gives the same rows; float32 in, float32 out."""
    q, k, v = (_randn(2, 1, 29, 4, seed=seed, dtype=torch.float32) for seed in (29, 30, 31))
    levels = _random_levels((2, 1, 2, 4), seed=32)  # m = 16: Mq = 2; n = 8: Nk = 4
    levels[..., 0] = 1
    out = ref.pyramid_attention(q, k, v, levels, block_m=16, block_n=8, sm_scale=0.3)
    assert out.dtype == torch.float32
    expected = _attention_by_loops(q, k, v, levels, 16, 8, 0.3, False)
    torch.testing.assert_close(out.double(), expected, rtol=1e-5, atol=1e-5)
    chunked = ref.pyramid_attention(q, k, v, levels, block_m=16, block_n=8, sm_scale=0.3, max_elements=50)
    torch.testing.assert_close(chunked, out)


def test_pyramid_attention_with_more_heads_than_pooled_keys() -> None:
    """64 heads, one key block of n = 32 (60 pooled keys): all level 1 is dense attention."""
    q, k, v = (_randn(1, 64, 20, 2, seed=seed) for seed in (52, 53, 54))
    levels = torch.ones(1, 64, 1, 1, dtype=torch.int8)
    out = ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=32)
    torch.testing.assert_close(out, torch.nn.functional.scaled_dot_product_attention(q, k, v))


def test_pyramid_attention_of_query_blocks_returns_their_rows_in_order() -> None:
    q, k, v = (_randn(1, 1, 40, 4, seed=seed) for seed in (33, 34, 35))
    levels = _random_levels((1, 1, 3, 3), seed=36)  # m = 16: blocks 0, 1 and a short block 2 (rows 32-39)
    levels[..., 0] = 2
    expected = _attention_by_loops(q, k, v, levels, 16, 16, 0.5, False)
    part = ref.pyramid_attention(q, k, v, levels, block_m=16, block_n=16, query_blocks=[2, 0], max_elements=7)
    assert ref.block_rows([2, 0], 16, 40).tolist() == [*range(32, 40), *range(16)]
    wide = ref.block_rows(torch.tensor([300], dtype=torch.int16), 128, 40_000)  # 300 * 128 overflows int16
    assert wide.tolist() == list(range(38_400, 38_528))
    torch.testing.assert_close(part[0, 0], torch.cat([expected[0, 0, 32:40], expected[0, 0, :16]]))


def test_pooled_means_groups_of_level_tokens_of_the_padded_keys() -> None:
    x = torch.arange(10.0).view(1, 1, 10, 1)  # padded to 16: 0..9 then 9 six times
    assert ref.pooled(x, 8, 4).flatten().tolist() == [1.5, 5.5, 8.75, 9.0]
    assert ref.pooled(x, 8, 2).flatten().tolist() == [0.5, 2.5, 4.5, 6.5, 8.5, 9.0, 9.0, 9.0]


def test_density_is_the_mean_of_one_over_level() -> None:
    levels = torch.tensor([[[[8, 8, 8, 0]]]], dtype=torch.int8)
    assert ref.density(levels) == 3 / 32
    assert ref.density(torch.tensor([[[[0, 0]]]], dtype=torch.int8)) == 0.0
    assert ref.density(torch.tensor([[[[1, 4]]]], dtype=torch.int8)) == 0.625
    assert ref.density(torch.tensor([[[[1, 0, 0]]]], dtype=torch.int8)) == 1 / 3  # in double precision
