"""Where the dry-run puts the text tokens for each rearrangement method, as the runtime's rearrangers do."""

from __future__ import annotations

import pytest
import torch
from kernel_presets import make_preset

from psa_kernels.data import Qkv, random_qkv
from psa_kernels.dryrun import geometry as geo
from psa_kernels.dryrun.pipeline import RunContext, arranged_qkv, dense_baseline, psa_result
from psa_kernels.dryrun.timing import WallClockTimer

TEXT = 40
METHODS = ["Gilbert", "Hybrid", "STA", "SemanticAware", None]


def _tokens(length: int) -> Qkv:
    """q, k, v whose single feature is the token's position (and 100 + it, 200 + it)."""
    position = torch.arange(length, dtype=torch.float32).view(1, 1, length, 1)
    return Qkv(position, position + 100, position + 200)


def test_hybrid_moves_the_query_text_only() -> None:
    q, k, v = arranged_qkv(_tokens(6), 2, geo.text_layout(make_preset(rearrange_method="Hybrid")))
    assert q.flatten().tolist() == [2, 3, 4, 5, 0, 1]
    assert k.flatten().tolist() == [100, 101, 102, 103, 104, 105]
    assert v.flatten().tolist() == [200, 201, 202, 203, 204, 205]


def test_gilbert_moves_the_text_of_all_three() -> None:
    q, k, v = arranged_qkv(_tokens(5), 2, geo.text_layout(make_preset(rearrange_method="Gilbert")))
    assert [x.flatten().tolist() for x in (q, k, v)] == [[2, 3, 4, 0, 1], [102, 103, 104, 100, 101],
                                                         [202, 203, 204, 200, 201]]


def _preset(method: str | None, **overrides: object):
    rearrange = {"use_rearrange": False} if method is None else {"rearrange_method": method}
    if method == "STA":
        rearrange["tile_size"] = [1, 1, 1]
    return make_preset(**{**rearrange, **overrides})


@pytest.mark.parametrize("method", METHODS)
def test_all_level_one_preset_equals_dense_in_every_layout(method: str | None) -> None:
    """The output is compared with dense attention in the queries' order, whatever the keys' order."""
    qkv = random_qkv(1, 2, 160 + TEXT, 32, seed=3)
    timer = WallClockTimer()
    ctx = RunContext(qkv, dense_baseline(qkv, timer, torch.device("cpu"), 1, 0), timer, torch.device("cpu"),
                     1, 0, seed=0, reference_blocks=2)
    preset = _preset(method, mask_ratios={1: [0.0, 1.0]})
    layout = geo.text_layout(preset)
    result = psa_result("dense-like", preset, ctx, text_length=TEXT, layout=layout)
    assert result.density == 1.0
    assert result.errors is not None and result.errors.dense_rel_l2 < 1e-5
    expected = ("end" if layout.keys_at_end else "start", "end" if layout.queries_at_end else "start")
    assert (result.settings["text_position"], result.settings["query_text_position"]) == expected
