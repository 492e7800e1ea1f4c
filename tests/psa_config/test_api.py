"""The Python API: load, check, expected density, runtime parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

import psa_config
from psa_config.model import DensePreset, PsaPreset


def test_load_returns_the_typed_file(reference_config: Path) -> None:
    config = psa_config.load(reference_config)
    preset = config.preset("Wan2.1_1.3b", "psa_topk")
    assert isinstance(preset, PsaPreset)
    assert list(preset.mask_ratios) == [1, 2, 4, 8, 0]
    assert preset.block_size.n == 32


def test_load_raises_one_exception_carrying_every_diagnostic(base_text: str) -> None:
    text = base_text.replace("        n: 128", "        n: 100").replace("      mask_mode: thresholdbound", "      mask_mode: x")
    with pytest.raises(psa_config.ConfigError) as raised:
        psa_config.load_text(text, "mine.yaml")
    errors = [d for d in raised.value.diagnostics if d.is_error]
    assert [(d.code, d.line) for d in errors] == [("PSA104", 20), ("PSA104", 28)]
    assert "mine.yaml:20" in str(raised.value)


@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        ({1: [0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.15, 0.35], 0: [0.35, 1]}, 0.1 + 0.05 / 2 + 0.2 / 8),
        ({1: [0, 1]}, 1.0),
        ({1: [0, 0.05], 2: [0.05, 0.15], 4: [0.15, 0.25], 8: [0.25, 0.5], 0: [0.5, 1]}, 0.05 + 0.05 + 0.025 + 0.03125),
    ],
)
def test_expected_density_of_topk(ratios: dict[int, list[float]], expected: float) -> None:
    preset = _preset(ratios, "topk")
    assert preset.expected_density() == pytest.approx(expected)


def test_expected_density_of_thresholdbound_is_data_dependent() -> None:
    assert _preset({1: [0, 1]}, "thresholdbound").expected_density() is None


def test_runtime_params_apply_the_runtime_defaults(base_text: str) -> None:
    text = base_text.replace("      use_rearrange: true\n", "").replace("      warmup_steps: 15\n", "")
    config = psa_config.load_text(text)
    params = config.model("Wan2.1_14b").runtime_params("psa_balanced", (1280, 720, 81))
    assert (params["width"], params["height"], params["depth"]) == (80, 45, 21)
    assert params["use_rearrange"] is True and params["warmup_steps"] == 0
    assert params["block_m"] == 128 and params["tile_n"] == 32
    assert params["mask_ratios"] == {1: (0.0, 0.4), 2: (0.4, 0.5), 4: (0.5, 0.6), 8: (0.6, 0.8), 0: (0.8, 1.0)}
    assert params["sim_8x_threshold"] == 0.6
    assert config.model("Wan2.1_14b").sequence_length(1280, 720, 81) == 75600
    preset = config.preset("Wan2.1_14b", "psa_balanced")
    assert preset.runtime_params(config.model("Wan2.1_14b"), (1280, 720, 81)) == params


def test_runtime_params_use_ceil_division_and_the_model_text_length(reference_config: Path) -> None:
    section = psa_config.load(reference_config).model("CogVideo_5b")
    params = section.runtime_params("psa_balanced", (721, 480, 49))
    assert (params["width"], params["height"], params["depth"]) == (46, 30, 13)
    assert params["text_length"] == 226
    assert section.runtime_params("baseline", (720, 480, 49)) == {}


def _preset(ratios: dict[int, list[float]], mode: str) -> PsaPreset:
    return PsaPreset.model_validate({
        "type": "psa", "use_sim_mask": False, "block_size": {"m": 128, "n": 128, "tile_n": 32},
        "mask_ratios": ratios, "mask_mode": mode, "attn_impl": "new_mask_type",
    })


def test_load_raises_config_error_when_suppressed_errors_stop_the_model(base_text: str) -> None:
    text = base_text.replace("      warmup_steps: 15", '      warmup_steps: "15"  # psa-config: ignore')
    assert not [d for d in psa_config.check_text(text) if d.is_error]
    with pytest.raises(psa_config.ConfigError) as raised:
        psa_config.load_text(text, "mine.yaml")
    assert [(d.code, d.line) for d in raised.value.diagnostics if d.is_error] == [("PSA102", 31)]


def test_expected_density_never_subtracts_a_reversed_range() -> None:
    ratios = {1: [0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.35, 0.15], 0: [0.35, 1]}
    assert _preset(ratios, "topk").expected_density() == pytest.approx(0.1 + 0.05 / 2)


def test_expected_density_walks_from_the_previous_end_like_the_runtime() -> None:
    """start is never read: a gap is given to the next level, an overlap is not counted twice."""
    gap = {1: [0, 0.1], 2: [0.2, 0.3], 0: [0.3, 1]}
    overlap = {1: [0, 0.2], 2: [0.1, 0.3], 0: [0.3, 1]}
    assert _preset(gap, "topk").expected_density() == pytest.approx(0.1 + 0.2 / 2)
    assert _preset(overlap, "topk").expected_density() == pytest.approx(0.2 + 0.1 / 2)


def test_loaded_preset_in_another_case_with_legacy_keys_gives_the_runtimes_params(base_text: str) -> None:
    text = base_text.replace("      type: psa", "      type: PSA").replace(
        "      verbose: false", "      verbose: false\n      sim_4x_threshold: 0.9"
    )
    config = psa_config.load_text(text)
    params = config.model("Wan2.1_14b").runtime_params("psa_balanced", (1280, 720, 81))
    assert (params["sim_2x_threshold"], params["sim_4x_threshold"], params["sim_8x_threshold"]) == (0.7, 0.9, 0.6)
    assert list(params)[-3:] == ["sim_4x_threshold", "sim_2x_threshold", "sim_8x_threshold"]


def test_runtime_params_of_a_file_with_errors_keep_nulls_and_floats(base_text: str) -> None:
    text = base_text.replace("      use_rearrange: true", "      use_rearrange:").replace("        m: 128", "        m: 128.0")
    params = psa_config.runtime_params_text(text, "Wan2.1_14b", None, (1280, 720, 81))
    assert params["use_rearrange"] is None
    assert type(params["block_m"]) is float
    assert params["mask_ratios"][0] == (0.8, 1.0)


def test_runtime_params_refuse_where_the_runtimes_loader_fails(base_text: str) -> None:
    from psa_config.runtime import RuntimeLoadError

    for edit in (("      mask_ratios:\n", "      mask_ratios: ~\n      unused:\n"), ("width_divisor: 16", "width_divisor: 0")):
        with pytest.raises(RuntimeLoadError):
            psa_config.runtime_params_text(base_text.replace(*edit), "Wan2.1_14b", "psa_balanced", (1280, 720, 81))


def test_load_leaves_out_a_dense_presets_psa_keys_as_the_runtime_does(base_text: str) -> None:
    text = base_text.replace('      description: "Dense baseline."\n', '      description: "Dense baseline."\n      mask_mode: null\n')
    assert text != base_text
    preset = psa_config.load_text(text).preset("Wan2.1_14b", "baseline")
    assert isinstance(preset, DensePreset)
    assert preset.model_dump(exclude_none=True) == {"type": "dense", "description": "Dense baseline."}
