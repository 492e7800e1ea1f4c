"""PSA305 sim-thresholds-missing: every way the similarity cap can lack thresholds, with position and words.

The cap is on for old_mask_type with `use_sim_mask` true or left out (the runtime's default is true);
the legacy `sim_*_threshold` keys win over `sim_thresholds`.
"""

from __future__ import annotations

import pytest

from psa_config import check_text

HEAD = """\
Wan2.1_14b:
  default_attention: p
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    p:
      type: psa
      use_rearrange: true
      rearrange_method: Gilbert
      block_size: {m: 128, n: 128, tile_n: 32}
      mask_ratios: {1: [0.0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}
      mask_mode: topk
      warmup_steps: 0
"""


def preset(*lines: str, impl: str = "old_mask_type") -> str:
    return HEAD + f"      attn_impl: {impl}\n" + "".join(f"      {line}\n" for line in lines)


def reported(text: str) -> list[tuple[int, int, str, str | None]]:
    return [(d.line, d.column, d.message, d.fix) for d in check_text(text) if d.code == "PSA305"]


def key_at(text: str, key: str) -> tuple[int, int]:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:"))
    return index + 1, len(lines[index]) - len(lines[index].lstrip()) + 1


ADD_ALL = "add `sim_thresholds: {x2: 0.7, x4: 0.65, x8: 0.6}` (your values)"


def test_missing_thresholds_use_the_runtime_defaults_and_point_at_use_sim_mask() -> None:
    text = preset("use_sim_mask: true")
    assert [d.field for d in check_text(text) if d.code == "PSA305"] == ["use_sim_mask"]
    assert reported(text) == [(
        *key_at(text, "use_sim_mask"),
        "the similarity cap is on but sim_thresholds is missing: the runtime uses its defaults x2=0, x4=0, x8=-1 "
        "(x8=-1: no cap in effect)",
        ADD_ALL,
    )]


def test_empty_thresholds_point_at_sim_thresholds() -> None:
    text = preset("use_sim_mask: true", "sim_thresholds: {}")
    assert reported(text) == [(
        *key_at(text, "sim_thresholds"),
        "the similarity cap is on but sim_thresholds is empty: the runtime uses its defaults x2=0, x4=0, x8=-1 "
        "(x8=-1: no cap in effect)",
        ADD_ALL,
    )]


def test_the_cap_is_on_by_default_and_then_the_preset_is_blamed() -> None:
    text = preset()
    assert [(d.preset, d.field) for d in check_text(text) if d.code == "PSA305"] == [("p", None)]
    assert reported(text) == [(
        *key_at(text, "p"),
        "the similarity cap is on but sim_thresholds is missing: the runtime uses its defaults x2=0, x4=0, x8=-1 "
        "(x8=-1: no cap in effect)",
        ADD_ALL,
    )]


def test_legacy_keys_cover_some_thresholds() -> None:
    text = preset("use_sim_mask: true", "sim_8x_threshold: 0.6")
    assert [message for _, _, message, _ in reported(text)] == [
        "the similarity cap is on but sim_thresholds is missing (only sim_8x_threshold given): "
        "the runtime uses its defaults x2=0, x4=0"
    ]
    text = preset("use_sim_mask: true", "sim_2x_threshold: 0.7", "sim_4x_threshold: 0.6")
    assert [message for _, _, message, _ in reported(text)] == [
        "the similarity cap is on but sim_thresholds is missing (only sim_2x_threshold, sim_4x_threshold given): "
        "the runtime uses its defaults x8=-1 (x8=-1: no cap in effect)"
    ]


def test_all_three_legacy_keys_need_no_sim_thresholds() -> None:
    assert reported(preset("use_sim_mask: true", "sim_2x_threshold: 0.7", "sim_4x_threshold: 0.6", "sim_8x_threshold: 0.5")) == []


@pytest.mark.parametrize("given, missing, pronoun", [
    ("{x2: 0.7, x4: 0.65}", "x8", "it"),
    ("{x2: 0.7}", "x4, x8", "them"),
    ("{x8: 0.6}", "x2, x4", "them"),
])
def test_partial_thresholds_crash_the_cap(given: str, missing: str, pronoun: str) -> None:
    text = preset("use_sim_mask: true", f"sim_thresholds: {given}")
    assert reported(text) == [(
        *key_at(text, "sim_thresholds"),
        f"sim_thresholds lacks {missing}: the runtime passes None for {pronoun} and the similarity cap crashes at "
        "the first sparse step (TypeError)",
        f"add {missing} to sim_thresholds",
    )]


def test_a_legacy_key_fills_a_missing_threshold() -> None:
    assert reported(preset("use_sim_mask: true", "sim_thresholds: {x2: 0.7, x4: 0.65}", "sim_8x_threshold: 0.6")) == []


@pytest.mark.parametrize("lines, impl", [
    (("use_sim_mask: false",), "old_mask_type"),
    (("use_sim_mask: true", "sim_thresholds: {x2: 0.7, x4: 0.65, x8: 0.6}"), "old_mask_type"),
    (("use_sim_mask: true", "sim_thresholds: 0.5"), "old_mask_type"),
    (("use_sim_mask: false",), "new_mask_type"),
])
def test_no_missing_thresholds(lines: tuple[str, ...], impl: str) -> None:
    assert reported(preset(*lines, impl=impl)) == []
