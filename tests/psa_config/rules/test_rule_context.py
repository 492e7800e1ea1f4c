"""What rules see: typed accessors that never raise, the runtime's defaults, and rules built on them
(PSA403 text blocks, PSA406 level 1 walked late) at their edges."""

from __future__ import annotations

from typing import Any

import pytest

from psa_config import check_text
from psa_config.rules.context import ModelView, PresetView, _View

DATA: dict[str, Any] = {
    "block_size": {"m": 64, "n": True},
    "flag": False,
    "count": 3,
    "ratio": 0.5,
    "name": "Gilbert",
    "nothing": None,
    "scalar": 7,
    "deep": {"a": {"b": 1}},
}


@pytest.mark.parametrize("keys, expected", [
    (("block_size",), True),
    (("block_size", "m"), True),
    (("block_size", "tile_n"), False),
    (("nothing",), True),
    (("missing",), False),
    (("scalar", "m"), False),
    (("missing", "m"), False),
    (("deep", "a", "b"), True),
    (("deep", "a", "c"), False),
])
def test_has_looks_in_the_parent_of_the_last_key(keys: tuple[str, ...], expected: bool) -> None:
    assert _View(None, DATA).has(*keys) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize("accessor, keys, expected", [
    ("integer", ("count",), 3),
    ("integer", ("block_size", "m"), 64),
    ("integer", ("block_size", "n"), None),  # a bool is no integer
    ("integer", ("ratio",), None),
    ("integer", ("name",), None),
    ("number", ("ratio",), 0.5),
    ("number", ("count",), 3.0),
    ("number", ("flag",), None),
    ("boolean", ("flag",), False),
    ("boolean", ("count",), None),
    ("boolean", ("name",), None),
    ("string", ("name",), "Gilbert"),
    ("string", ("count",), None),
    ("string", ("missing",), None),
])
def test_typed_accessors_return_none_for_other_types(accessor: str, keys: tuple[str, ...], expected: object) -> None:
    value = getattr(_View(None, DATA), accessor)(*keys)  # type: ignore[arg-type]
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("data, keys, expected", [
    ({"block_size": {"m": 64}}, ("block_size", "n"), 128),
    ({"block_size": {"m": 64}}, ("block_size", "tile_n"), 32),
    ({}, ("block_size", "n"), 128),
    ({"block_size": 5}, ("block_size", "n"), None),  # the runtime would crash reading it
    ({}, ("mask_mode",), "thresholdbound"),
    ({"mask_mode": None}, ("mask_mode",), None),  # null is None, not the default
    ({"sim_thresholds": {"x2": 0.7}}, ("sim_thresholds", "x8"), -1.0),
])
def test_runtime_value_is_what_dict_get_with_the_default_returns(data: dict[str, Any], keys: tuple[str, ...], expected: object) -> None:
    assert PresetView(None, None, "p", data).runtime_value(*keys) == expected  # type: ignore[arg-type]


OLD_KERNEL_WITH_TEXT = """\
CogVideo_5b:
  default_attention: p
  video_scale: {width_divisor: 8, height_divisor: 8, depth_divisor: 4}
  text_length: TEXT
  attention_configs:
    p:
      type: psa
      use_sim_mask: false
      block_size: {m: 128, n: 128, tile_n: 32}
      mask_ratios: {1: [0.0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}
      mask_mode: topk
      attn_impl: old_mask_type
      warmup_steps: 0
      use_rearrange: REARRANGE
      rearrange_method: METHOD
"""


def text_blocks(text_length: str, rearrange: str, method: str) -> list[tuple[int, int, str]]:
    text = OLD_KERNEL_WITH_TEXT.replace("TEXT", text_length).replace("REARRANGE", rearrange).replace("METHOD", method)
    return [(d.line, d.column, d.message) for d in check_text(text) if d.code == "PSA403"]


FORCED = "old_mask_type forces the last key blocks to full resolution, but the text is not there"


def test_text_blocks_misplaced_without_rearrangement() -> None:
    assert text_blocks("226", "false", "Gilbert") == [(14, 22, f"text_length is 226 and use_rearrange is false: {FORCED}")]


def test_text_blocks_misplaced_by_another_rearrangement() -> None:
    assert text_blocks("226", "true", "STA") == [(15, 25, f"text_length is 226 and rearrange_method is STA: {FORCED}")]


@pytest.mark.parametrize("text_length, rearrange, method", [
    ("226", "true", "Gilbert"),
    ("0", "false", "STA"),
    ('"226"', "false", "Gilbert"),  # not an integer: the wrong-type rule says so
    ("226", '"false"', "Gilbert"),  # not a boolean: rearrangement stays on as far as this rule can tell
])
def test_no_misplaced_text_blocks(text_length: str, rearrange: str, method: str) -> None:
    assert text_blocks(text_length, rearrange, method) == []


THRESHOLDBOUND = """\
Wan2.1_14b:
  default_attention: p
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    p:
      type: psa
      use_sim_mask: false
      use_rearrange: true
      rearrange_method: Gilbert
      block_size: {m: 128, n: 128, tile_n: 32}
      mask_ratios:
RATIOS
      mask_mode: thresholdbound
      attn_impl: old_mask_type
      warmup_steps: 0
"""


def walked_late(ratios: str) -> list[str]:
    lines = "".join(f"        {entry.strip()}\n" for entry in ratios.split(";"))
    return [d.message for d in check_text(THRESHOLDBOUND.replace("RATIOS\n", lines)) if d.code == "PSA406"]


def test_a_non_empty_level_walked_before_level_1_is_named() -> None:
    assert walked_late("2: [0.0, 0.2]; 1: [0.2, 0.4]; 0: [0.4, 1.0]") == [
        "thresholdbound walks the levels by their end, so level 2 walks before level 1; level 1's 6% floor is an "
        "absolute rank index, so level 1 may get fewer blocks than its range says, or none"
    ]


def test_an_empty_level_walked_before_level_1_is_not() -> None:
    assert walked_late("2: [0.0, 0.0]; 1: [0.0, 0.4]; 0: [0.4, 1.0]") == []


@pytest.mark.parametrize("tile_n, expected", [(16, 16), (256, 256), (15, None), (257, None), (32.0, None), (True, None)])
def test_tile_n_within_the_models_bounds(tile_n: object, expected: int | None) -> None:
    assert PresetView(None, None, "p", {"block_size": {"tile_n": tile_n}}).tile_n() == expected  # type: ignore[arg-type]


def test_a_presets_own_text_length_overrides_the_models() -> None:
    model = ModelView(None, "CogVideo_5b", {"text_length": 226})  # type: ignore[arg-type]
    assert PresetView(None, model, "p", {"text_length": 0}).text_length() == (0, ("text_length",))  # type: ignore[arg-type]
    assert PresetView(None, model, "p", {"text_length": "7"}).text_length() == (None, ("text_length",))  # type: ignore[arg-type]
    assert PresetView(None, model, "p", {}).text_length() == (226, ())  # type: ignore[arg-type]
