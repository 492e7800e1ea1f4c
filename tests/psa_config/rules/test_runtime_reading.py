"""How the runtime reads each key (psa-semantics section 6): one edit of the clean base per class of behaviour.

Each case asserts the exact set of (code, severity) check reports and a
fragment of the message saying what the runtime does, so a rule that goes
quiet, fires twice or starts to say something else fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from psa_config import check_text

BASE = (Path(__file__).parent / "fixtures" / "_base.yaml").read_text()
PRESET_END = "      verbose: false"

CASES: dict[str, tuple[tuple[str, str], set[str], str]] = {
    # 8. null: crash, silently false, or default not applied
    "rearrange_method null": (("rearrange_method: Gilbert", "rearrange_method: null"), {"PSA107"}, "Unknown rearrange_method"),
    "warmup_steps empty": (("warmup_steps: 15", "warmup_steps:"), {"PSA107"}, "crashes"),
    "log_dir null": ((PRESET_END, PRESET_END + "\n      log_dir: ~"), {"PSA107"}, "logger"),
    "enable_logging null": ((PRESET_END, PRESET_END + "\n      enable_logging:"), {"PSA107"}, "reads it as false"),
    "use_rearrange null": (("use_rearrange: true", "use_rearrange: null"), {"PSA107"}, "reads it as false"),
    "use_sim_mask null": (("use_sim_mask: false", "use_sim_mask: null"), {"PSA107"}, "reads it as false"),
    "preset text_length null": ((PRESET_END, PRESET_END + "\n      text_length: null"), {"PSA107"}, "does not fall back"),
    "model text_length null": (("  text_length: 0", "  text_length:"), {"PSA107"}, "crashes"),
    "divisor null": (("width_divisor: 16", "width_divisor: null"), {"PSA107"}, "token grid"),
    "block size null": (("        n: 128", "        n: null"), {"PSA107"}, "crashes"),
    "mask_ratios level null": (("8: [0.6, 0.8]", "8: ~"), {"PSA107"}, "crashes"),
    "range end null": (("8: [0.6, 0.8]", "8: [0.6, null]"), {"PSA107"}, "crashes"),
    "type null": (("      type: psa", "      type:"), {"PSA107"}, ".lower()"),
    "mask_mode null": (("mask_mode: thresholdbound", "mask_mode: null"), {"PSA107"}, "runs topk"),
    "attn_impl null": (("attn_impl: new_mask_type", "attn_impl: null"), {"PSA107"}, "no kernel"),
    "sim threshold null": (("x8: 0.6", "x8: null"), {"PSA107"}, "None"),
    "sim_thresholds null": (("      sim_thresholds:\n        x2: 0.7\n        x4: 0.65\n        x8: 0.6", "      sim_thresholds: null"), {"PSA107"}, "defaults"),
    "tile_size item null": (("tile_size: [2, 8, 8]", "tile_size: [2, null, 8]"), {"PSA107"}, "STA"),
    "null key in a preset": ((PRESET_END, PRESET_END + "\n      ~: 5"), {"PSA107"}, "never reads this one"),
    "null level key": (("8: [0.6, 0.8]", "~: [0.6, 0.8]"), {"PSA107", "PSA205"}, "converting it to a level"),
    "default_attention null": (("default_attention: psa_balanced", "default_attention:"), {"PSA107"}, "no default preset"),
    # 9. integers written as floats
    "m float": (("        m: 128", "        m: 128.0"), {"PSA102"}, "crashes"),
    "n float": (("        n: 128", "        n: 128.0"), {"PSA102"}, "crashes"),
    "tile_n float": (("tile_n: 32", "tile_n: 32.0"), {"PSA102"}, "must be an integer"),
    "warmup float": (("warmup_steps: 15", "warmup_steps: 15.5"), {"PSA102"}, "steps 0 to 15 run dense"),
    "divisor float": (("depth_divisor: 4", "depth_divisor: 4.0"), {"PSA102"}, "must be an integer"),
    "tile_size item float": (("tile_size: [2, 8, 8]", "tile_size: [2, 8.0, 8]"), {"PSA102"}, "`tile_size[1]` must be an integer"),
    "model text_length float": (("  text_length: 0", "  text_length: 0.0"), {"PSA102"}, "crashes"),
    # 4. reversed ranges keep the chain diagnostics after them
    "reversed range": (("2: [0.4, 0.5]", "2: [0.5, 0.4]"), {"PSA202", "PSA203"}, "ends before it starts"),
    # 10. legacy keys
    "legacy key wins": ((PRESET_END, PRESET_END + "\n      sim_8x_threshold: 0.5"), {"PSA408"}, "ignores sim_thresholds.x8 (0.6)"),
    # 11. type's case and default; other enums exact
    "type upper": (("      type: psa", "      type: PSA"), {"PSA407"}, "runs the preset as `psa`"),
    "type missing": (("      type: psa\n      description: \"Balanced.\"", "      description: \"Balanced.\""), {"PSA404"}, "`type` is not set"),
    "type unknown": (("      type: psa", "      type: sparse"), {"PSA104"}, "Unsupported preset type"),
    "mask_mode case": (("mask_mode: thresholdbound", "mask_mode: ThresholdBound"), {"PSA104"}, "runs topk"),
    # 12. steps, 13. model names
    "warmup 50": (("warmup_steps: 15", "warmup_steps: 50"), {"PSA409"}, "every step runs dense"),
    "model name": (("Wan2.1_14b:", "HunyuanVideo:"), {"PSA410"}, "Unsupported model"),
    "model name lower case": (("Wan2.1_14b:", "wan_custom:"), set(), ""),
    # 6. runtime defaults
    "use_sim_mask missing, new kernel": (("      use_sim_mask: false\n", ""), {"PSA103"}, "refuses at setup"),
    "mask_mode missing": (("      mask_mode: thresholdbound\n", ""), {"PSA103"}, "thresholdbound"),
    # messages: a psa key on a dense preset, type names, fixes
    "psa key on dense preset": (('      description: "Dense baseline."', '      description: "Dense baseline."\n      mask_mode: topk'), {"PSA411"}, "`mask_mode` is ignored: the preset is dense"),
    "typo on dense preset": (('      description: "Dense baseline."', '      descripton: "Dense baseline."'), {"PSA101"}, "did you mean `description`?"),
    # level keys as the runtime reads them: int(key)
    "level key quoted": (("        8: [0.6, 0.8]", '        "08": [0.6, 0.8]'), {"PSA201"}, "the runtime reads it as int('08') = 8"),
    "level key int() refuses": (("        8: [0.6, 0.8]", '        "8e0": [0.6, 0.8]'), {"PSA201", "PSA205"}, "int('8e0') fails when it loads the preset (ValueError)"),
    "level key int() not a level": (("        8: [0.6, 0.8]", '        "16": [0.6, 0.8]'), {"PSA201", "PSA205"}, "and 16 is not a pyramid level"),
    "quoted non-number": (("warmup_steps: 15", "warmup_steps: zero"), {"PSA102"}, "must be an integer"),
    "quoted block size": (("        m: 128", '        m: "128"'), {"PSA102"}, "must be an integer"),
}


@pytest.mark.parametrize("edit, codes, says", CASES.values(), ids=CASES.keys())
def test_runtime_reading(edit: tuple[str, str], codes: set[str], says: str) -> None:
    assert edit[0] in BASE
    diagnostics = check_text(BASE.replace(*edit, 1))
    assert {d.code for d in diagnostics} == codes, [d.full_message() for d in diagnostics]
    assert not codes or any(says in d.message for d in diagnostics), [d.message for d in diagnostics]


def test_no_fix_suggests_the_value_already_written() -> None:
    for edit, _, _ in CASES.values():
        for diagnostic in check_text(BASE.replace(*edit, 1)):
            written = edit[1].split(":", 1)[-1].strip()
            assert not written or diagnostic.fix is None or f"`{written}`" not in diagnostic.fix, diagnostic.fix


def test_no_message_names_a_different_type_vaguely() -> None:
    for edit, _, _ in CASES.values():
        for diagnostic in check_text(BASE.replace(*edit, 1)):
            assert "a different type" not in diagnostic.message


def test_a_level_key_the_runtime_reads_as_a_level_gets_the_integer_as_fix() -> None:
    text = BASE.replace("        8: [0.6, 0.8]", "        ' 8': [0.6, 0.8]", 1)
    assert [(d.code, d.line, d.fix) for d in check_text(text)] == [("PSA201", 26, "write the integer key `8:`")]


def test_non_integer_level_keys_are_reported_once_at_the_key_as_the_runtime_reads_them() -> None:
    def level_keys(key: str) -> list[tuple[int, int, str]]:
        text = BASE.replace("        8: [0.6, 0.8]", f"        {key}: [0.6, 0.8]", 1)
        return [(d.line, d.column, d.message) for d in check_text(text) if d.code == "PSA201"]

    levels = "levels are the integers 1, 2, 4, 8 and 0"
    assert level_keys("1.5") == [(26, 9, f"the level key `1.5` is a float; the runtime reads it as int(1.5) = 1; {levels}")]
    assert level_keys(".inf") == [
        (26, 9, f"the level key `inf` is a float; the runtime's int(inf) fails when it loads the preset (OverflowError); {levels}")]
    assert level_keys("2001-01-01") == [
        (26, 9, "the level key `datetime.date(2001, 1, 1)` is a date: the runtime's int() fails on it when it loads the "
                "preset (TypeError); levels are 1, 2, 4, 8 (pooling) and 0 (skip)")]
    assert level_keys("16") == [(26, 9, "`16` is not a pyramid level; levels are 1, 2, 4, 8 (pooling) and 0 (skip)")]
