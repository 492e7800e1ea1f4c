"""Dry-run sizes: defaults per model, --video parsing, the CPU reduction, Gilbert/STA checks."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_presets import make_preset

import psa_config
from psa_config.model import ModelSection, PsaPreset
from psa_kernels.data import Grid
from psa_kernels.dryrun import geometry as geo
from psa_kernels.dryrun.defaults import model_defaults

PUBLISHED = Path(__file__).resolve().parents[2] / "configs" / "attention_config.yaml"


@pytest.fixture(scope="module")
def config() -> psa_config.AttentionConfigFile:
    return psa_config.load(PUBLISHED)


@pytest.mark.parametrize(
    ("model", "seq_len", "heads", "head_dim"),
    [("CogVideo_5b", 17776, 48, 64), ("Wan2.1_1.3b", 32760, 12, 128), ("Wan2.1_14b", 75600, 40, 128)],
)
def test_default_sizes_match_the_published_runtime(
    config: psa_config.AttentionConfigFile, model: str, seq_len: int, heads: int, head_dim: int
) -> None:
    defaults = model_defaults(model)
    assert geo.geometry(config.model(model), defaults.video).seq_len == seq_len
    assert (defaults.heads, defaults.head_dim) == (heads, head_dim)


def test_unknown_model_gets_the_fallback_size() -> None:
    assert model_defaults("MyModel").video == (832, 480, 81)
    assert model_defaults("CogVideoX_2b").head_dim == 64


@pytest.mark.parametrize("text", ["832x480x81", " 832X480x81 "])
def test_parse_video(text: str) -> None:
    assert geo.parse_video(text) == (832, 480, 81)


@pytest.mark.parametrize("text", ["832x480", "832x480x0", "axbxc", "832*480*81", "-1x2x3", ""])
def test_parse_video_rejects_malformed_sizes(text: str) -> None:
    with pytest.raises(ValueError, match="WIDTHxHEIGHTxFRAMES"):
        geo.parse_video(text)


def _section(text_length: int, divisors: tuple[int, int, int]) -> ModelSection:
    width, height, depth = divisors
    return ModelSection.model_validate(
        {
            "default_attention": "dense",
            "video_scale": {"width_divisor": width, "height_divisor": height, "depth_divisor": depth},
            "text_length": text_length,
            "attention_configs": {"dense": {"type": "dense"}},
        }
    )


@settings(max_examples=3 * settings.default.max_examples, deadline=None)
@given(
    video=st.tuples(st.integers(1, 2048), st.integers(1, 2048), st.integers(1, 161)),
    divisors=st.tuples(st.sampled_from([8, 16, 32]), st.sampled_from([8, 16, 32]), st.sampled_from([1, 4, 8])),
    text_length=st.one_of(st.sampled_from([0, 226, 512, 4096, 5000]), st.integers(0, 20000)),
    cap=st.sampled_from([1024, 4096]),
)
def test_reduced_geometry_fits_and_keeps_small_runs(
    video: tuple[int, int, int], divisors: tuple[int, int, int], text_length: int, cap: int
) -> None:
    section = _section(text_length, divisors)
    full = geo.geometry(section, video)
    reduced = geo.reduced_geometry(section, video, cap)
    assert geo.reduced_video(section, video, cap) == reduced.video
    assert reduced == geo.geometry(section, reduced.video) or reduced.text_length < text_length
    if full.seq_len <= cap:
        assert reduced == full
        return
    assert reduced.seq_len <= cap  # the text included, however long it is
    assert all(1 <= s <= f for s, f in zip(reduced.grid, full.grid))
    assert 0 <= reduced.text_length <= text_length
    if text_length <= cap // 2:  # a text that leaves the video half the sequence keeps its length
        assert reduced.text_length == text_length
    else:  # a longer one keeps about its share of the sequence
        assert abs(reduced.text_length / cap - text_length / full.seq_len) <= 2 / cap
    # not needlessly small: at least a quarter of the video's budget, unless the grid is a single token wide
    budget = cap - reduced.text_length
    assert reduced.grid.tokens >= min(budget // 4, full.grid.tokens) or 1 in reduced.grid


def test_text_longer_than_the_cpu_sequence_shrinks_with_the_video() -> None:
    section = _section(5000, (16, 16, 4))
    full = geo.geometry(section, (256, 256, 17))  # 16 x 16 x 5 = 1280 video tokens + 5000 text
    reduced = geo.reduced_geometry(section, (256, 256, 17), 4096)
    assert full.seq_len == 6280 and reduced.seq_len <= 4096
    assert reduced.text_length == 4096 * 5000 // 6280  # floor of its share: 3261
    preset = _preset()
    assert geo.run_text_length(section, preset, reduced) == reduced.text_length
    assert geo.run_text_length(section, _preset(text_length=2500), reduced) == round(2500 * 3261 / 5000)
    assert geo.run_text_length(section, _preset(text_length=100), full) == 100


def test_text_alone_past_the_cap_leaves_the_video_one_token() -> None:
    section = _section(9000, (16, 16, 4))
    reduced = geo.reduced_geometry(section, (16, 16, 1), 4096)  # a single video token
    assert reduced.grid.tokens == 1 and reduced.text_length == 4095 and reduced.seq_len == 4096


def test_wan_480p_reduces_to_half_each_side(config: psa_config.AttentionConfigFile) -> None:
    section = config.model("Wan2.1_1.3b")
    small = geo.reduced_video(section, (832, 480, 81))
    assert geo.geometry(section, small).grid == Grid(26, 15, 10)


def _preset(**overrides: object) -> PsaPreset:
    """A valid topk preset with 128-token blocks and ``overrides`` applied."""
    defaults: dict[str, object] = {
        "block_size": {"m": 128, "n": 128, "tile_n": 32},
        "mask_ratios": {1: [0.0, 0.5], 2: [0.5, 0.6], 4: [0.6, 0.7], 8: [0.7, 0.8], 0: [0.8, 1.0]},
    }
    return make_preset(**{**defaults, **overrides})


WAN_480P = geo.Geometry((832, 480, 81), Grid(52, 30, 21), 0)


def test_gilbert_needs_the_grid_product() -> None:
    preset = _preset(rearrange_method="Gilbert", use_rearrange=True)
    assert geo.layout_warnings(preset, WAN_480P, 32760, 0) == []
    [warning] = geo.layout_warnings(preset, WAN_480P, 32768, 0)
    assert warning.code == "gilbert-length"
    assert "32768" in warning.message and "32760" in warning.message


def test_runtime_defaults_mean_gilbert_and_hybrid_orders_queries_by_gilbert() -> None:
    assert geo.layout_warnings(_preset(), WAN_480P, 1000, 0)[0].code == "gilbert-length"
    assert geo.layout_warnings(_preset(rearrange_method="Hybrid"), WAN_480P, 1000, 0)[0].code == "gilbert-length"
    assert geo.layout_warnings(_preset(use_rearrange=False), WAN_480P, 1000, 0) == []


@pytest.mark.parametrize(
    ("overrides", "queries_at_end", "keys_at_end"),
    [
        ({}, True, True),  # the runtime's default method is Gilbert
        ({"rearrange_method": "Gilbert"}, True, True),  # video in curve order, then the text
        ({"rearrange_method": "Hybrid"}, True, False),  # Gilbert queries; k-means-permuted keys and values
        ({"rearrange_method": "STA", "tile_size": [1, 1, 1]}, False, False),  # tiles the video after the text
        ({"rearrange_method": "SemanticAware"}, False, False),  # clusters: never moves text behind the video
        ({"use_rearrange": False, "rearrange_method": "Gilbert"}, False, False),  # CogVideoX's own order
    ],
)
def test_text_position_per_rearrangement_method(overrides: dict, queries_at_end: bool, keys_at_end: bool) -> None:
    layout = geo.text_layout(_preset(**overrides))
    assert (layout.queries_at_end, layout.keys_at_end) == (queries_at_end, keys_at_end)


def test_sta_needs_tile_size_to_divide_the_grid() -> None:
    [warning] = geo.layout_warnings(_preset(rearrange_method="STA", tile_size=[2, 8, 8]), WAN_480P, 32760, 0)
    assert warning.code == "sta-tile"
    assert "depth 21 % 2 = 1" in warning.message and "width 52 % 8 = 4" in warning.message
    assert geo.layout_warnings(_preset(rearrange_method="STA", tile_size=[3, 5, 4]), WAN_480P, 32760, 0) == []
    [missing] = geo.layout_warnings(_preset(rearrange_method="STA"), WAN_480P, 32760, 0)
    assert "needs tile_size" in missing.message


def test_sequence_length_counts_text(config: psa_config.AttentionConfigFile) -> None:
    g = geo.geometry(config.model("CogVideo_5b"), (720, 480, 49))
    assert g.grid == Grid(45, 30, 13)
    assert g.seq_len == math.prod(g.grid) + 226
