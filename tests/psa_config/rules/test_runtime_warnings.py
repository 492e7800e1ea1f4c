"""What PSA401, PSA402, PSA404 and PSA405 say, and when: exact words, worked out by hand.

The rule fixtures pin codes and positions; this file pins the sentences a user reads, and the
cases that decide whether a warning is given at all (rearrangement off, several presets).
"""

from __future__ import annotations

from psa_config import check_text

RATIOS = "{1: [0.0, 0.05], 2: [0.05, 0.1], 4: [0.1, 0.15], 8: [0.15, 0.25], 0: [0.25, 1.0]}"


def preset(name: str, *lines: str) -> str:
    return f"    {name}:\n" + "".join(f"      {line}\n" for line in lines)


def document(*presets: str, text_length: int = 0, default: str = "a") -> str:
    return (
        "Wan2.1_14b:\n"
        f"  default_attention: {default}\n"
        "  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
        f"  text_length: {text_length}\n"
        "  attention_configs:\n" + "".join(presets)
    )


def complete(name: str, *, impl: str = "new_mask_type", n: int = 128, mode: str = "topk",
             ratios: str = RATIOS, rearrange: tuple[str, ...] = ("use_rearrange: true", "rearrange_method: Gilbert"),
             ) -> str:
    return preset(
        name, "type: psa", "use_sim_mask: false", *rearrange, f"block_size: {{m: 128, n: {n}, tile_n: 32}}",
        f"mask_ratios: {ratios}", f"mask_mode: {mode}", f"attn_impl: {impl}", "warmup_steps: 0",
    )


def said(text: str, code: str) -> list[tuple[int, str, str | None]]:
    return [(d.line, d.message, d.fix) for d in check_text(text) if d.code == code]


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_pooled_tile_misread_names_the_level_its_rows_and_the_error() -> None:
    text = document(complete("a", n=32))
    fix = "use n = 128, or leave the level empty, or run with psa-config's kernels"
    where = line_of(text, "mask_ratios")
    assert said(text, "PSA401") == [
        (where, f"level {level} with n=32, tile_n=32: a pooled block is {rows} rows, under half a tile, and the "
         "published new_mask_type kernel reads wrong rows for it (measured relative error 2-3)", fix)
        for level, rows in ((4, 8), (8, 4))
    ]


def test_pooled_block_rows_are_a_whole_number() -> None:
    text = document(complete("a", n=64))  # level 8: 64 / 8 = 8 rows, 2 * 8 = 16 < 32
    assert [message.split(": ", 1)[1].split(",")[0] for _, message, _ in said(text, "PSA401")] == [
        "a pooled block is 8 rows"
    ]


def test_text_length_ignored_by_new_mask_type_says_how_many_tokens() -> None:
    text = document(complete("a"), text_length=226)
    assert [message for _, message, _ in said(text, "PSA402")] == [
        "text_length is 226 but new_mask_type ignores it: the 226 text tokens get no forced full-resolution blocks"
    ]


def test_a_missing_key_says_the_default_and_how_to_write_it() -> None:
    text = document(preset(
        "a", "use_sim_mask: false", "use_rearrange: true", "block_size: {m: 128, n: 128, tile_n: 32}",
        f"mask_ratios: {RATIOS}", "mask_mode: topk", "attn_impl: new_mask_type",
    ))
    where = line_of(text, "    a:")
    assert sorted(said(text, "PSA404")) == sorted([
        (where, "`type` is not set; the runtime uses its default `psa`", "add `type: psa` (or the value you want)"),
        (where, "`warmup_steps` is not set; the runtime uses its default `0`",
         "add `warmup_steps: 0` (or the value you want)"),
        (where, "`rearrange_method` is not set; the runtime uses its default `Gilbert`",
         "add `rearrange_method: Gilbert` (or the value you want)"),
    ])


def test_no_rearrange_method_is_needed_when_rearrangement_is_off() -> None:
    off = document(complete("a", rearrange=("use_rearrange: false",)))
    assert said(off, "PSA404") == []


def test_rearrangement_off_still_reports_the_other_missing_keys() -> None:
    text = document(preset(
        "a", "use_sim_mask: false", "use_rearrange: false", "block_size: {m: 128, n: 128, tile_n: 32}",
        f"mask_ratios: {RATIOS}", "mask_mode: topk", "attn_impl: new_mask_type",
    ))
    assert sorted(message.split("`")[1] for _, message, _ in said(text, "PSA404")) == ["type", "warmup_steps"]


def test_rearrange_method_is_reported_when_rearrangement_is_on_or_left_to_its_default() -> None:
    on = document(complete("a", rearrange=("use_rearrange: true",)))
    unset = document(complete("a", rearrange=()))
    assert [message.split("`")[1] for _, message, _ in said(on, "PSA404")] == ["rearrange_method"]
    assert sorted(message.split("`")[1] for _, message, _ in said(unset, "PSA404")) == [
        "rearrange_method", "use_rearrange"]


def test_the_floor_warning_says_how_wide_level_1_is() -> None:
    narrow = "{1: [0.0, 0.03], 2: [0.03, 0.1], 4: [0.1, 0.15], 8: [0.15, 0.25], 0: [0.25, 1.0]}"
    text = document(complete("a", impl="old_mask_type", mode="thresholdbound", ratios=narrow))
    assert said(text, "PSA405") == [(
        line_of(text, "mask_ratios"),
        "level 1 covers 0.03 of the importance, but thresholdbound always keeps at least 6% of the key blocks (+1) "
        "at full resolution",
        "widen level 1 to at least 0.06, or use topk",
    )]


def test_every_thresholdbound_preset_is_checked_for_the_floor_after_a_topk_one() -> None:
    narrow = "{1: [0.0, 0.03], 2: [0.03, 0.1], 4: [0.1, 0.15], 8: [0.15, 0.25], 0: [0.25, 1.0]}"
    text = document(
        complete("a", impl="old_mask_type", ratios=narrow),
        complete("b", impl="old_mask_type", mode="thresholdbound", ratios=narrow),
    )
    ratio_lines = [number for number, line in enumerate(text.splitlines(), 1) if "mask_ratios" in line]
    assert [line for line, _, _ in said(text, "PSA405")] == [ratio_lines[1]]


def located(text: str, code: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.message) for d in check_text(text) if d.code == code]


def level1_key(text: str) -> tuple[int, int]:
    """Where the `1` key of the (flow) mask_ratios mapping is: the floor and walk-order warnings point there."""
    number, line = next((n, line) for n, line in enumerate(text.splitlines(), 1) if "mask_ratios" in line)
    return number, line.index(" 1: ") + 2


def test_the_floor_warning_points_at_level_1s_key() -> None:
    narrow = "{2: [0.03, 0.1], 1: [0.0, 0.03], 4: [0.1, 0.15], 8: [0.15, 0.25], 0: [0.25, 1.0]}"
    text = document(complete("a", impl="old_mask_type", mode="thresholdbound", ratios=narrow))
    assert [(line, column) for line, column, _ in located(text, "PSA405")] == [level1_key(text)]


LATE = "thresholdbound walks the levels by their end, so level {names} before level 1; level 1's 6% floor is an " \
       "absolute rank index, so level 1 may get fewer blocks than its range says, or none"


def test_one_level_walked_before_level_1() -> None:
    ratios = "{2: [0.0, 0.3], 1: [0.3, 0.5], 4: [0.5, 0.7], 8: [0.7, 0.8], 0: [0.8, 1.0]}"
    text = document(complete("a", impl="old_mask_type", mode="thresholdbound", ratios=ratios))
    assert located(text, "PSA406") == [(*level1_key(text), LATE.format(names="2 walks"))]


def test_two_levels_walked_before_level_1() -> None:
    ratios = "{2: [0.0, 0.2], 4: [0.2, 0.3], 1: [0.3, 0.5], 8: [0.5, 0.8], 0: [0.8, 1.0]}"
    text = document(complete("a", impl="old_mask_type", mode="thresholdbound", ratios=ratios))
    assert located(text, "PSA406") == [(*level1_key(text), LATE.format(names="2, 4 walk"))]


def test_walk_order_is_checked_in_a_thresholdbound_preset_after_a_topk_one() -> None:
    ratios = "{2: [0.0, 0.3], 1: [0.3, 0.5], 4: [0.5, 0.7], 8: [0.7, 0.8], 0: [0.8, 1.0]}"
    text = document(
        complete("a", impl="old_mask_type", ratios=ratios),
        complete("b", impl="old_mask_type", mode="thresholdbound", ratios=ratios),
    )
    assert [d.preset for d in check_text(text) if d.code == "PSA406"] == ["b"]
