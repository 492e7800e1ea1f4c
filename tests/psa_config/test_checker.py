"""The checker as a whole: every problem at once, ordering, suppression, the reference file."""

from __future__ import annotations

from pathlib import Path

from psa_config import check, check_text


def test_reference_presets_warn_exactly_where_the_runtime_diverges(reference_config: Path) -> None:
    diagnostics = check(reference_config)
    assert not [d for d in diagnostics if d.is_error]
    found = sorted((d.model, d.preset, d.code, d.field) for d in diagnostics)
    assert found == sorted([
        ("Wan2.1_1.3b", "psa_topk", "PSA401", "mask_ratios.4"),
        ("Wan2.1_1.3b", "psa_topk", "PSA401", "mask_ratios.8"),
        ("Wan2.2_A14B", "psa_balanced", "PSA401", "mask_ratios.8"),
        ("Wan2.2_5B", "psa_balanced", "PSA401", "mask_ratios.8"),
        ("CogVideo1.5_5b", "psa_balanced", "PSA401", "mask_ratios.8"),
        ("CogVideo1.5_5b", "psa_balanced", "PSA402", "attn_impl"),
        ("CogVideo_5b", "psa_balanced", "PSA402", "attn_impl"),
        ("CogVideo_5b", "psa_4steps", "PSA403", "use_rearrange"),
    ])


def test_many_mistakes_are_all_reported_in_order(base_text: str) -> None:
    text = (
        base_text.replace("      use_rearrange: true", "      use_rearrange: yes")
        .replace("        n: 128", '        n: "128"')
        .replace("        4: [0.5, 0.6]", "        4: [0.55, 0.6]")
        .replace("      mask_mode: thresholdbound", "      mask_mode: TopK")
    )
    diagnostics = check_text(text)
    assert [(d.code, d.line) for d in diagnostics] == [("PSA003", 16), ("PSA102", 20), ("PSA203", 25), ("PSA104", 28)]
    assert diagnostics == check_text(text)  # reproducible


def test_suppression_comment_by_code_or_name(base_text: str) -> None:
    bad = base_text.replace("      warmup_steps: 15\n", "")
    assert {d.code for d in check_text(bad)} == {"PSA404"}
    by_code = bad.replace("    psa_balanced:", "    psa_balanced:  # psa-config: ignore[PSA404]")
    by_name = bad.replace("    psa_balanced:", "    psa_balanced:  # psa-config: ignore[runtime-default]")
    other = bad.replace("    psa_balanced:", "    psa_balanced:  # psa-config: ignore[PSA401]")
    assert check_text(by_code) == check_text(by_name) == []
    assert {d.code for d in check_text(other)} == {"PSA404"}


def test_misspelt_type_still_checks_the_preset(base_text: str) -> None:
    text = base_text.replace("      type: psa", "      type: PSA").replace("        tile_n: 32", "        tile_n: 48")
    codes = {d.code for d in check_text(text)}
    assert {"PSA407", "PSA301"} <= codes and "PSA104" not in codes


def test_guide_example_missing_level_is_an_error(base_text: str) -> None:
    text = base_text.replace("        4: [0.5, 0.6]\n        8: [0.6, 0.8]\n", "        4: [0.5, 0.8]\n")
    diagnostic = next(d for d in check_text(text) if d.code == "PSA205")
    assert "8" in diagnostic.message and diagnostic.fix and "8: [0.8, 0.8]" in diagnostic.fix


def _one_model(presets: str, default: str = "a") -> str:
    return (f"Wan2.1_x:\n  default_attention: {default}\n"
            "  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
            f"  text_length: 0\n  attention_configs:\n{presets}")


def test_a_set_value_is_described_in_sorted_order() -> None:
    from psa_config import check_text
    text = _one_model("    a:\n      type: psa\n      block_size: !!set {tile_n, n, m}\n")
    messages = [d.message for d in check_text(text) if d.code == "PSA102"]
    assert any("the set `{'m', 'n', 'tile_n'}`" in m for m in messages), messages


def test_an_unknown_default_names_a_bounded_list_of_presets() -> None:
    from psa_config import check_text
    presets = "".join(f"    p{i}:\n      type: dense\n" for i in range(20))
    (diagnostic,) = [d for d in check_text(_one_model(presets, "zzzzzz")) if d.code == "PSA106"]
    assert "p0, p1, p2, p3, p4, p5, p6, p7 and 12 more" in diagnostic.message
    assert "p8" not in diagnostic.message
