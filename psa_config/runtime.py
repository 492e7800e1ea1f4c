"""What the published PSA runtime builds from a preset: defaults as it applies them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psa_config.model import ModelSection, PsaPreset

RUNTIME_DEFAULTS: dict[str, Any] = {
    "use_rearrange": True,
    "use_sim_mask": True,
    "block_size.m": 128,
    "block_size.n": 128,
    "block_size.tile_n": 32,
    "mask_mode": "thresholdbound",
    "attn_impl": "new_mask_type",
    "warmup_steps": 0,
    "rearrange_method": "Gilbert",
    "verbose": False,
    "enable_logging": True,
    "log_dir": "./psa_logs/",
    "sim_thresholds.x2": 0.0,
    "sim_thresholds.x4": 0.0,
    "sim_thresholds.x8": -1.0,
}
"""The value the runtime uses for each preset key the file leaves out."""


def runtime_params(section: ModelSection, preset_name: str, video: tuple[int, int, int]) -> dict[str, Any]:
    """The ``params`` dict of the runtime's config loader for a psa preset.

    For a dense preset the runtime builds no params: an empty dict is returned.
    """
    from psa_config.model import PsaPreset

    preset = section.attention_configs[preset_name]
    if not isinstance(preset, PsaPreset):
        return {}
    return preset_runtime_params(preset, section, video)


def preset_runtime_params(preset: PsaPreset, section: ModelSection, video: tuple[int, int, int]) -> dict[str, Any]:
    """The runtime's ``params`` for ``preset`` of ``section`` and a (width, height, frames) video."""
    width, height, depth = section.video_scale.token_grid(*video)
    thresholds = preset.sim_thresholds
    params: dict[str, Any] = {
        "width": width,
        "height": height,
        "depth": depth,
        "text_length": _pick(preset.text_length, section.text_length),
        "use_rearrange": _pick(preset.use_rearrange, RUNTIME_DEFAULTS["use_rearrange"]),
        "use_sim_mask": preset.use_sim_mask,
        "block_m": preset.block_size.m,
        "block_n": preset.block_size.n,
        "tile_n": preset.block_size.tile_n,
        "mask_ratios": {int(level): (r[0], r[1]) for level, r in preset.mask_ratios.items()},
        "mask_mode": preset.mask_mode,
        "attn_impl": preset.attn_impl,
        "warmup_steps": _pick(preset.warmup_steps, RUNTIME_DEFAULTS["warmup_steps"]),
        "tile_size": tuple(preset.tile_size) if preset.tile_size is not None else None,
        "rearrange_method": _pick(preset.rearrange_method, RUNTIME_DEFAULTS["rearrange_method"]),
        "verbose": _pick(preset.verbose, RUNTIME_DEFAULTS["verbose"]),
        "enable_logging": _pick(preset.enable_logging, RUNTIME_DEFAULTS["enable_logging"]),
        "log_dir": _pick(preset.log_dir, RUNTIME_DEFAULTS["log_dir"]),
    }
    if thresholds is not None:
        params["sim_2x_threshold"] = thresholds.x2
        params["sim_4x_threshold"] = thresholds.x4
        params["sim_8x_threshold"] = thresholds.x8
    return params


def _pick(value: Any, default: Any) -> Any:
    return default if value is None else value
