"""PSA107 null-value: where it points and what it says the runtime does, for each kind of key.

The file is the rule fixtures' base; a key is nulled by rewriting its line, and the expected
position is searched in the text (the value, or the key where the key itself is null).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from psa_config import check_text

BASE = (Path(__file__).parent / "fixtures" / "_base.yaml").read_text()


def nulled(text: str, line_start: str, replacement: str) -> str:
    lines = text.splitlines()
    matches = [i for i, line in enumerate(lines) if line.startswith(line_start)]
    assert len(matches) == 1, (line_start, matches)
    lines[matches[0]] = replacement
    return "\n".join(lines) + "\n"


def nulls(text: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.message) for d in check_text(text) if d.code == "PSA107"]


def where(text: str, line_text: str, token: str) -> tuple[int, int]:
    lines = text.splitlines()
    index = lines.index(line_text)
    return index + 1, lines[index].index(token) + 1


CASES = {
    # name: (line prefix, new line, token the diagnostic points at, the message)
    "rearrange_method with rearrangement on": (
        "      rearrange_method:", "      rearrange_method: null", "null",
        "`rearrange_method` is null: the runtime rearranges with method None and crashes at the first step "
        "(ValueError: Unknown rearrange_method)",
    ),
    "warmup_steps left empty": (
        "      warmup_steps:", "      warmup_steps:", None,
        "`warmup_steps` is null: the runtime crashes on it at the first step comparing the step counter with None (TypeError)",
    ),
    "a block size": (
        "        n: 128", "        n: ~", "~",
        "`block_size.n` is null: the runtime crashes on it computing block counts (TypeError)",
    ),
    "a threshold while the similarity mask is off": (
        "        x4:", "        x4: null", "null",
        "`sim_thresholds.x4` is null: unused while use_sim_mask is off; "
        "the runtime passes None as the threshold; the similarity cap crashes on it (TypeError)",
    ),
    "a range's end": (
        "        2: [0.4, 0.5]", "        2: [0.4, null]", "null",
        "the end of mask_ratios level 2 is null: the runtime crashes on it at setup (TypeError)",
    ),
    "a range's start": (
        "        2: [0.4, 0.5]", "        2: [null, 0.5]", "null",
        "the start of mask_ratios level 2 is null: the runtime crashes on it at setup (TypeError)",
    ),
    "a whole range": (
        "        2: [0.4, 0.5]", "        2: null", "null",
        "mask_ratios level 2 is null: the runtime crashes on it when it loads the preset (TypeError)",
    ),
    "a tile_size entry": (
        "      tile_size:", "      tile_size: [2, null, 8]", "null",
        "a tile_size entry is null: STA rearrangement crashes on it (TypeError)",
    ),
    "a model's text_length": (
        "  text_length:", "  text_length: null", "null",
        "`text_length` is null: every preset without its own text_length gets None and the runtime crashes (TypeError)",
    ),
    "a divisor": (
        "    depth_divisor:", "    depth_divisor: null", "null",
        "`depth_divisor` is null: the runtime crashes on it computing the token grid (TypeError)",
    ),
}


@pytest.mark.parametrize("prefix, line, token, message", CASES.values(), ids=CASES.keys())
def test_a_null_is_reported_at_its_value_with_what_the_runtime_does(prefix: str, line: str, token: str | None, message: str) -> None:
    text = nulled(BASE, prefix, line)
    line_number, column = where(text, line, token) if token else (text.splitlines().index(line) + 1, len(line) + 1)
    assert nulls(text) == [(line_number, column, message)]


def test_rearrange_method_null_while_rearrangement_is_off() -> None:
    text = nulled(nulled(BASE, "      use_rearrange:", "      use_rearrange: false"), "      rearrange_method:", "      rearrange_method: null")
    assert [message for _, _, message in nulls(text)] == [
        "`rearrange_method` is null: ignored while use_rearrange is off, but the runtime crashes on it once rearrangement is on"
    ]


def test_a_threshold_with_its_legacy_key_present() -> None:
    text = nulled(BASE, "        x2:", "        x2: null").replace("      verbose: false\n", "      verbose: false\n      sim_2x_threshold: 0.5\n")
    assert [message for _, _, message in nulls(text)] == [
        "`sim_thresholds.x2` is null: the runtime uses the preset's `sim_2x_threshold` instead, but null is no threshold"
    ]


def test_a_threshold_with_the_similarity_mask_on() -> None:
    text = nulled(nulled(BASE, "      use_sim_mask:", "      use_sim_mask: true"), "        x8:", "        x8: null")
    text = nulled(text, "      attn_impl:", "      attn_impl: old_mask_type")
    assert [message for _, _, message in nulls(text)] == [
        "`sim_thresholds.x8` is null: the runtime passes None as the threshold; the similarity cap crashes on it (TypeError)"
    ]


def test_sim_thresholds_null_with_the_similarity_mask_on_says_no_cap() -> None:
    text = nulled(nulled(BASE, "      use_sim_mask:", "      use_sim_mask: true"), "      attn_impl:", "      attn_impl: old_mask_type")
    text = text.replace("      sim_thresholds:\n        x2: 0.7\n        x4: 0.65\n        x8: 0.6\n", "      sim_thresholds: null\n")
    assert [message for _, _, message in nulls(text)] == [
        "`sim_thresholds` is null: the runtime passes no thresholds: its defaults x2=0, x4=0, x8=-1 apply (x8=-1: no similarity cap)"
    ]


def test_sim_thresholds_null_with_the_similarity_mask_off() -> None:
    text = BASE.replace("      sim_thresholds:\n        x2: 0.7\n        x4: 0.65\n        x8: 0.6\n", "      sim_thresholds: null\n")
    assert [message for _, _, message in nulls(text)] == [
        "`sim_thresholds` is null: the runtime passes no thresholds: its defaults x2=0, x4=0, x8=-1 apply"
    ]


@pytest.mark.parametrize("model, expected", [
    ("CogVideo_5b", "`verbose` is null: the runtime's CogVideoX path ignores this key, but null is no value for it"),
    ("Wan2.1_14b", "`verbose` is null: the runtime reads it as false"),
])
def test_keys_the_cogvideo_path_ignores(model: str, expected: str) -> None:
    text = nulled(BASE, "      verbose:", "      verbose: null").replace("Wan2.1_14b:", f"{model}:")
    assert [message for _, _, message in nulls(text)] == [expected]


def test_a_null_level_key_is_reported_at_the_key() -> None:
    text = nulled(BASE, "        8: [0.6, 0.8]", "        null: [0.6, 0.8]")
    line, column = where(text, "        null: [0.6, 0.8]", "null")
    assert (line, column, "a mask_ratios key is null: the runtime crashes on it converting it to a level (TypeError)") in nulls(text)


def test_an_empty_preset_and_an_empty_model() -> None:
    text = BASE.replace("    baseline:\n      type: dense\n      description: \"Dense baseline.\"\n", "    baseline:\n")
    assert [message for _, _, message in nulls(text)] == [
        "preset `baseline` is empty: the runtime crashes on it when it is selected (AttributeError)"
    ]
    assert [message for _, _, message in nulls(text + "Wan_empty:\n")] == [
        "preset `baseline` is empty: the runtime crashes on it when it is selected (AttributeError)",
        "model `Wan_empty` is empty: the runtime reports it as not found (ValueError)",
    ]


@pytest.mark.parametrize("short", ["x2", "x4", "x8"])
def test_every_threshold_null_while_the_similarity_mask_is_off(short: str) -> None:
    text = nulled(BASE, f"        {short}:", f"        {short}: null")
    assert [message for _, _, message in nulls(text)] == [
        f"`sim_thresholds.{short}` is null: unused while use_sim_mask is off; "
        "the runtime passes None as the threshold; the similarity cap crashes on it (TypeError)"
    ]


@pytest.mark.parametrize("old, new, message", [
    ("Wan2.1_14b:", "null:", "a key written as null: a model named None, which the runtime can never select"),
    ("    baseline:", "    null:", "a key written as null: a preset named None, which the runtime can never select"),
    ("      verbose: false", "      null: false", "a key written as null: the runtime reads keys by name and never reads this one"),
    ("        x2: 0.7", "        ~: 0.7", "a key written as null: the runtime reads keys by name and never reads this one"),
])
def test_a_key_written_as_null_is_reported_at_the_key(old: str, new: str, message: str) -> None:
    text = nulled(BASE, old, new)
    line, column = where(text, new, new.strip()[0])
    assert (line, column, message) in nulls(text), nulls(text)


def test_a_null_names_its_model_preset_and_field() -> None:
    text = nulled(BASE, "        n: 128", "        n: ~")
    assert [(d.model, d.preset, d.field) for d in check_text(text) if d.code == "PSA107"] == [
        ("Wan2.1_14b", "psa_balanced", "block_size.n")
    ]


def test_a_null_key_inside_a_list_is_found() -> None:
    text = nulled(BASE, "      tile_size:", "      tile_size: [{null: 2}, 8, 8]")
    line, column = where(text, "      tile_size: [{null: 2}, 8, 8]", "null")
    assert (line, column, "a key written as null: the runtime reads keys by name and never reads this one") in nulls(text)


def test_a_null_without_its_own_fix_gets_the_rules_fix() -> None:
    text = nulled(BASE, "        n: 128", "        n: ~")
    assert [d.fix for d in check_text(text) if d.code == "PSA107"] == ["write a value, or remove the key to get the runtime's default"]


@pytest.mark.parametrize("old, new, where_", [
    ("    depth_divisor:", "    depth_divisor: null", ("Wan2.1_14b", None, "video_scale.depth_divisor")),
    ("  text_length:", "  text_length: null", ("Wan2.1_14b", None, "text_length")),
    ("      warmup_steps:", "      warmup_steps: null", ("Wan2.1_14b", "psa_balanced", "warmup_steps")),
])
def test_a_null_names_where_it_is(old: str, new: str, where_: tuple[str, str | None, str]) -> None:
    text = nulled(BASE, old, new)
    assert [(d.model, d.preset, d.field) for d in check_text(text) if d.code == "PSA107"] == [where_]


def test_an_empty_model_names_only_the_model() -> None:
    text = BASE + "Wan_empty:\n"
    assert [(d.model, d.preset, d.field) for d in check_text(text) if d.code == "PSA107"] == [("Wan_empty", None, None)]


def test_an_empty_preset_is_reported_where_its_value_would_be_and_names_the_preset() -> None:
    text = BASE.replace("    baseline:\n      type: dense\n      description: \"Dense baseline.\"\n", "    baseline: ~\n")
    line, column = where(text, "    baseline: ~", "~")
    diagnostics = [d for d in check_text(text) if d.code == "PSA107"]
    assert [(d.line, d.column, d.model, d.preset) for d in diagnostics] == [(line, column, "Wan2.1_14b", "baseline")]
