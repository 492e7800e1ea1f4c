"""How the runtime dispatches what the file says: `type` case (PSA407), legacy thresholds (PSA408),
warm-up covering every step (PSA409), model names it refuses (PSA410), a dense preset's psa keys (PSA411);
position, words and fix."""

from __future__ import annotations

import pytest

from psa_config import check_text

FILE = """\
MODEL:
  default_attention: p
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    d:
      type: DENSE_TYPE
    p:
      type: PSA_TYPE
      use_sim_mask: true
      use_rearrange: true
      rearrange_method: Gilbert
      block_size: {m: 128, n: 128, tile_n: 32}
      mask_ratios: {1: [0.0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}
      mask_mode: topk
      attn_impl: old_mask_type
      warmup_steps: WARMUP
      sim_thresholds: THRESHOLDS
      EXTRA
"""


def render(model: str = "Wan2.1_14b", dense: str = "dense", psa: str = "psa", warmup: str = "0",
           thresholds: str = "{x2: 0.7, x4: 0.65, x8: 0.6}", extra: str = "verbose: false") -> str:
    return (FILE.replace("MODEL", model).replace("DENSE_TYPE", dense).replace("PSA_TYPE", psa)
            .replace("WARMUP", warmup).replace("THRESHOLDS", thresholds).replace("EXTRA", extra))


def reported(text: str, code: str) -> list[tuple[int, int, str, str | None]]:
    return [(d.line, d.column, d.message, d.fix) for d in check_text(text) if d.code == code]


def test_clean() -> None:
    assert [d.code for d in check_text(render()) if d.code in ("PSA407", "PSA408", "PSA409", "PSA410")] == []


@pytest.mark.parametrize("dense, psa, line, kind", [("Dense", "psa", 7, "dense"), ("dense", "PSA", 9, "psa")])
def test_type_in_another_case(dense: str, psa: str, line: int, kind: str) -> None:
    written = dense if kind == "dense" else psa
    assert reported(render(dense=dense, psa=psa), "PSA407") == [
        (line, 13, f"`type: {written}`: the runtime lower-cases it and runs the preset as `{kind}`", f"write `{kind}`")
    ]


def test_a_type_that_is_no_preset_type_is_not_a_case_problem() -> None:
    assert reported(render(dense="Sparse"), "PSA407") == []


def test_legacy_threshold_wins_over_sim_thresholds() -> None:
    assert reported(render(extra="sim_2x_threshold: 0.95"), "PSA408") == [(
        19, 7,
        "`sim_2x_threshold` is the legacy form of sim_thresholds.x2: the runtime uses it (0.95) and ignores sim_thresholds.x2 (0.7)",
        "write `x2: 0.95` in sim_thresholds and remove `sim_2x_threshold`",
    )]


def test_legacy_threshold_without_its_sim_thresholds_entry() -> None:
    assert reported(render(thresholds="{x2: 0.7, x4: 0.65}", extra="sim_8x_threshold: 0.5"), "PSA408") == [(
        19, 7,
        "`sim_8x_threshold` is the legacy form of sim_thresholds.x8: the runtime uses it (0.5); sim_thresholds has no x8",
        "write `x8: 0.5` in sim_thresholds and remove `sim_8x_threshold`",
    )]


@pytest.mark.parametrize("warmup, reported_", [("49", False), ("50", True), ("50.0", True)])
def test_warmup_covering_every_step(warmup: str, reported_: bool) -> None:
    found = reported(render(warmup=warmup), "PSA409")
    assert len(found) == reported_
    if reported_:
        assert found[0][:3] == (17, 21, f"warmup_steps is {float(warmup) if '.' in warmup else int(warmup)!r}: the runtime "
                                "counts steps modulo the inference steps (50 in its scripts), so with 50 steps every step runs dense")


@pytest.mark.parametrize("model, refused", [("HunyuanVideo", True), ("my_wan_model", False), ("cogvideox-2b", False)])
def test_model_names_the_runtime_refuses(model: str, refused: bool) -> None:
    found = reported(render(model=model), "PSA410")
    expected = [(1, 1, f"the runtime dispatches on the model name, and `{model}` contains neither `Wan` nor `CogVideo`: "
                 "setup refuses it (ValueError: Unsupported model)",
                 "name the section after a model the runtime supports (a name containing Wan or CogVideo)")]
    assert found == (expected if refused else [])


def dense_with(keys: str, dense: str = "dense") -> str:
    return render(dense=dense).replace("    d:\n      type: " + dense + "\n", "    d:\n      type: " + dense + "\n" + keys)


def test_psa_keys_in_a_dense_preset_are_one_warning_at_the_first() -> None:
    text = dense_with("      description: base\n      mask_mode: topk\n      block_size: {m: 64}\n")
    assert reported(text, "PSA411") == [(9, 7, "`mask_mode`, `block_size` (2 psa keys) are ignored: the preset is dense, "
                                         "and the runtime runs a dense preset as full attention without reading its psa keys",
                                         "remove them, or make the preset `type: psa`")]
    assert [d.severity.value for d in check_text(text) if d.code == "PSA411"] == ["warning"]


def test_one_psa_key_in_a_dense_preset() -> None:
    assert reported(dense_with("      warmup_steps: 5\n", dense="Dense"), "PSA411") == [
        (8, 7, "`warmup_steps` is ignored: the preset is dense, and the runtime runs a dense preset as full attention "
               "without reading its psa keys", "remove it, or make the preset `type: psa`")]


def test_values_a_dense_preset_never_reads_are_not_errors() -> None:
    # null, float block sizes, non-integer level keys, wrong types: all crash a psa preset, none a dense one
    keys = ("      mask_ratios: {true: [0, 1], 3: x}\n      block_size: {m: 128.0, n: null}\n"
            "      warmup_steps: null\n      tile_size: nope\n")
    found = [(d.code, d.line) for d in check_text(dense_with(keys))]
    assert found == [("PSA411", 8)]


def test_a_dense_preset_still_reports_its_own_keys() -> None:
    text = dense_with("      description: null\n      mask_mode: topk\n      descripton: x\n")
    assert sorted(d.code for d in check_text(text)) == ["PSA101", "PSA107", "PSA411"]


def test_psa_keys_of_a_psa_preset_are_no_warning() -> None:
    assert reported(render(), "PSA411") == [] and reported(render(psa="PSA"), "PSA411") == []
