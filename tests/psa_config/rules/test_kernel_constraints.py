"""PSA302-PSA304: what each kernel accepts (block sizes, the similarity mask), with positions and words."""

from __future__ import annotations

import pytest

from psa_config import check_text

PRESET = """\
    {name}:
      type: psa
      use_sim_mask: {sim}
      use_rearrange: true
      rearrange_method: Gilbert
      block_size: {{m: {m}, n: {n}, tile_n: 32}}
      mask_ratios: {{1: [0.0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}}
      mask_mode: topk
      attn_impl: {impl}
      warmup_steps: 0
      sim_thresholds: {{x2: 0.7, x4: 0.65, x8: 0.6}}
"""
HEAD = ("Wan2.1_14b:\n  default_attention: a\n  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
        "  text_length: 0\n  attention_configs:\n")


def render(*presets: dict[str, str]) -> str:
    text = HEAD
    for name, fields in zip("ab", presets):
        text += PRESET.format(name=name, **{"sim": "false", "m": "128", "n": "128", "impl": "new_mask_type", **fields})
    return text


def reported(text: str, code: str) -> list[tuple[int, str, str | None]]:
    return [(d.line, d.message, d.fix) for d in check_text(text) if d.code == code]


def test_new_mask_type_block_n() -> None:
    assert [(line, message) for line, message, _ in reported(render({"n": "256"}), "PSA302")] == [
        (11, "new_mask_type is written for key blocks n = 32, 64 or 128 (the guide's options), not 256")
    ]


def test_old_mask_type_sizes_each_with_its_fix() -> None:
    text = render({"impl": "old_mask_type"}, {"impl": "old_mask_type", "m": "64", "n": "64"}).replace(
        "block_size: {m: 64, n: 64, tile_n: 32}", "block_size: {m: 64, n: 64, tile_n: 16}")
    assert reported(text, "PSA303") == [
        (22, "old_mask_type requires block_size.m = 128, not 64", "write `m: 128`"),
        (22, "old_mask_type requires block_size.n = 128, not 64", "write `n: 128`"),
        (22, "old_mask_type requires block_size.tile_n = 32, not 16", "write `tile_n: 32`"),
    ]


def test_old_mask_type_sizes_are_checked_after_a_new_mask_type_preset() -> None:
    assert [line for line, _, _ in reported(render({}, {"impl": "old_mask_type", "m": "64"}), "PSA303")] == [22]


@pytest.mark.parametrize("sim, read", [("true", ""), ("1", " (the runtime reads `1` as true)"), ('"no"', " (the runtime reads `'no'` as true)")])
def test_the_similarity_mask_with_new_mask_type(sim: str, read: str) -> None:
    assert [(line, message) for line, message, _ in reported(render({"sim": sim}), "PSA304")] == [
        (8, f"use_sim_mask is on{read} but attn_impl is new_mask_type: the runtime refuses this at setup (ValueError)")
    ]


def test_no_similarity_mask_problem_when_it_is_off_or_left_to_old_mask_type() -> None:
    assert reported(render({"sim": "false"}), "PSA304") == []
    assert reported(render({"sim": "true", "impl": "old_mask_type"}), "PSA304") == []


def test_sta_without_tile_size_and_hybrid_rearrangement() -> None:
    text = render({}, {}).replace("rearrange_method: Gilbert", "rearrange_method: STA", 1)
    assert [message for _, message, _ in reported(text, "PSA306")] == [
        "rearrange_method is STA but tile_size is missing: the runtime passes no tile size to the STA rearranger, which fails at setup"
    ]
    text = render({}, {}).replace("rearrange_method: Gilbert", "rearrange_method: Hybrid", 1)
    assert [message for _, message, _ in reported(text, "PSA307")] == [
        "rearrange_method is Hybrid: the published runtime's forward unpacks 4 values from the Hybrid rearranger, "
        "which returns 3, so every attention call fails (ValueError)"
    ]


@pytest.mark.parametrize("first", [{}, {"impl": "old_mask_type", "sim": "true"}])
def test_missing_thresholds_are_found_after_any_preset(first: dict[str, str]) -> None:
    text = render(first, {"impl": "old_mask_type", "sim": "true"})
    if first:
        text = text.replace("sim_thresholds: {x2: 0.7, x4: 0.65, x8: 0.6}", "sim_thresholds: 0.5", 1)
    second = text.rindex("      sim_thresholds: {x2: 0.7, x4: 0.65, x8: 0.6}")
    text = text[:second] + "      sim_thresholds: {x2: 0.7}\n" + text[second:].split("\n", 1)[1]
    assert [line for line, _, _ in reported(text, "PSA305")] == [text.splitlines().index("      sim_thresholds: {x2: 0.7}") + 1]
