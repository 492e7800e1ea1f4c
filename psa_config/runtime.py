"""What the published PSA runtime builds from a preset: its parameter dict, as it builds it.

The runtime reads every key with ``dict.get(key, default)`` on the data
``yaml.safe_load`` returned, so an explicit ``null`` is ``None`` (the default
is *not* applied), values keep their YAML types (``128.0`` stays a float),
and the preset need not be valid. :func:`preset_params` repeats that reading
on the raw data, so it also answers for files with errors; where the
runtime's loader itself fails it raises :class:`RuntimeLoadError` saying how.
Nothing here imports pydantic: the checker uses these facts too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from psa_config.core_schema import psa_only_fields
from psa_config.errors import PsaConfigError

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

SIM_KEYS = (("x2", "sim_2x_threshold"), ("x4", "sim_4x_threshold"), ("x8", "sim_8x_threshold"))
"""``sim_thresholds`` key -> the legacy preset key (and ``params`` key) that takes precedence over it."""

DIVISORS = ("width_divisor", "height_divisor", "depth_divisor")
INFERENCE_STEPS = 50
"""Denoising steps of the runtime's example scripts; steps are counted modulo this."""


class RuntimeLoadError(PsaConfigError):
    """The runtime's config loader itself fails on this preset (so it builds no params)."""


def runtime_kind(preset: Any) -> str | None:
    """``psa``/``dense`` as the runtime reads ``type`` (lower-cased, default psa); None if it would fail."""
    if not isinstance(preset, Mapping):
        return None
    kind = preset.get("type", "psa")
    return kind.lower() if isinstance(kind, str) else None


def model_path(model_name: str) -> str | None:
    """Which setup the runtime dispatches a model name to: ``cogvideo``, ``wan`` or None (refused)."""
    lowered = model_name.lower()
    if "cogvideo" in lowered:
        return "cogvideo"
    if "wan" in lowered:
        return "wan"
    return None


def runtime_params(section: Any, preset_name: str, video: tuple[int, int, int]) -> dict[str, Any]:
    """The runtime's ``params`` for ``preset_name`` of a raw model section; ``{}`` for a dense preset."""
    presets = section.get("attention_configs", {}) if isinstance(section, Mapping) else None
    if not isinstance(presets, Mapping) or not presets:
        raise RuntimeLoadError("the runtime finds no attention presets in this model section")
    if preset_name not in presets:
        raise RuntimeLoadError(f"the runtime finds no preset `{preset_name}` in this model section")
    return preset_params(section, presets[preset_name], video)


def preset_params(section: Mapping[str, Any], preset: Any, video: tuple[int, int, int]) -> dict[str, Any]:
    """The runtime's ``params`` for a raw ``preset`` of a raw model ``section``; ``{}`` when dense."""
    kind = runtime_kind(preset)
    if kind is None:
        raise RuntimeLoadError("the runtime cannot read this preset's `type` (it calls .lower() on it)")
    width, height, depth = token_grid(section, video)
    if kind == "dense":
        return {}
    if kind != "psa":
        raise RuntimeLoadError(f"the runtime refuses the preset type `{kind}` (only psa and dense)")
    block = _mapping(preset.get("block_size", {}), "block_size")
    params: dict[str, Any] = {
        "width": width,
        "height": height,
        "depth": depth,
        "text_length": preset.get("text_length", section.get("text_length", 0)),
        "use_rearrange": preset.get("use_rearrange", True),
        "use_sim_mask": preset.get("use_sim_mask", True),
        "block_m": block.get("m", 128),
        "block_n": block.get("n", 128),
        "tile_n": block.get("tile_n", 32),
        "mask_ratios": _mask_ratios(preset.get("mask_ratios", {})),
        "mask_mode": preset.get("mask_mode", "thresholdbound"),
        "attn_impl": preset.get("attn_impl", "new_mask_type"),
        "warmup_steps": preset.get("warmup_steps", 0),
        "tile_size": _tile_size(preset.get("tile_size")),
        "rearrange_method": preset.get("rearrange_method", "Gilbert"),
        "verbose": preset.get("verbose", False),
        "enable_logging": preset.get("enable_logging", True),
        "log_dir": preset.get("log_dir", "./psa_logs/"),
    }
    params.update(similarity_thresholds(preset))
    return params


def similarity_thresholds(preset: Mapping[str, Any]) -> dict[str, Any]:
    """The ``sim_*_threshold`` params: legacy preset keys first, then ``sim_thresholds`` if it is non-empty."""
    found = {legacy: preset[legacy] for _, legacy in SIM_KEYS if legacy in preset}
    thresholds = preset.get("sim_thresholds", {})
    if thresholds:
        thresholds = _mapping(thresholds, "sim_thresholds")
        for short, legacy in SIM_KEYS:
            found.setdefault(legacy, thresholds.get(short))
    return found


def token_grid(section: Mapping[str, Any], video: tuple[int, int, int]) -> tuple[int, int, int]:
    """(width, height, depth) tokens by ceil division, or :class:`RuntimeLoadError` where the runtime fails."""
    if "video_scale" not in section:
        raise RuntimeLoadError("the runtime refuses a model section without `video_scale`")
    scale = section["video_scale"]
    try:
        dims = tuple(math.ceil(int(size) / scale[key]) for size, key in zip(video, DIVISORS))
    except (KeyError, TypeError, ZeroDivisionError, ValueError, OverflowError) as exc:
        raise RuntimeLoadError(f"the runtime cannot compute the token grid from video_scale: {type(exc).__name__}: {exc}") from None
    return dims  # type: ignore[return-value]


def _mapping(value: Any, key: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise RuntimeLoadError(f"the runtime calls .get() on `{key}`, which is {type(value).__name__}, and fails")
    return value


def _mask_ratios(value: Any) -> dict[int, tuple[Any, ...]]:
    """``{int(level): tuple(range)}``: the runtime's conversion, with its failures."""
    ratios = _mapping(value, "mask_ratios")
    try:
        return {int(level): tuple(bounds) for level, bounds in ratios.items()}
    except (TypeError, ValueError) as exc:
        raise RuntimeLoadError(f"the runtime cannot convert mask_ratios: {type(exc).__name__}: {exc}") from None


def _tile_size(value: Any) -> tuple[Any, ...] | None:
    if value is None:
        return None
    try:
        return tuple(value)
    except TypeError as exc:
        raise RuntimeLoadError(f"the runtime cannot convert tile_size: {exc}") from None


def runtime_data(data: Any) -> Any:
    """The file as the typed model reads it: each preset's ``type`` as the runtime reads it.

    The runtime lower-cases ``type`` and defaults it to ``psa``, and runs a dense
    preset without reading its psa keys; the model is strict, so a loaded file is
    normalised the same way first (``type`` lower-cased, a dense preset's psa keys left out).
    """
    if not isinstance(data, dict):
        return data
    return {name: _normalised_section(section) for name, section in data.items()}


def _normalised_section(section: Any) -> Any:
    configs = section.get("attention_configs") if isinstance(section, dict) else None
    if not isinstance(configs, dict):
        return section
    presets = {name: _normalised_preset(preset) for name, preset in configs.items()}
    return {**section, "attention_configs": presets}


def _normalised_preset(preset: Any) -> Any:
    kind = runtime_kind(preset)
    if kind is None:
        return preset
    ignored = psa_only_fields() if kind == "dense" else frozenset()
    if preset.get("type") == kind and not ignored & preset.keys():
        return preset
    return {"type": kind, **{key: value for key, value in preset.items() if key != "type" and key not in ignored}}
