"""``null`` anywhere: the runtime reads keys with ``dict.get(key, default)``, so null is None, not the default."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from psa_config.core_schema import psa_only_fields
from psa_config.diagnostics import Diagnostic, Severity
from psa_config.rules.context import CheckContext, ModelView, PresetView
from psa_config.rules.registry import make_diagnostic, register
from psa_config.runtime import DIVISORS, SIM_KEYS, runtime_kind

CRASH = "the runtime crashes on it"
MODEL_KEYS = {
    "default_attention": "the runtime has no default preset: a job that names none fails at start-up (ValueError)",
    "video_scale": f"{CRASH} computing the token grid (TypeError)",
    "text_length": "every preset without its own text_length gets None and the runtime crashes (TypeError)",
    "attention_configs": "the runtime finds no presets and refuses the model (ValueError)",
}
SCALE_KEYS = {divisor: f"{CRASH} computing the token grid (TypeError)" for divisor in DIVISORS}
PRESET_KEYS = {
    "type": f"{CRASH}: it calls .lower() on the type (AttributeError)",
    "description": "the runtime prints no description; write text or leave the key out",
    "use_sim_mask": "the runtime reads it as false (no similarity cap), not its default true",
    "use_rearrange": "the runtime reads it as false (no token rearrangement), not its default true",
    "block_size": f"{CRASH} when it loads the preset (AttributeError)",
    "m": f"{CRASH} computing block counts (TypeError)",
    "n": f"{CRASH} computing block counts (TypeError)",
    "tile_n": f"{CRASH} building the kernel (TypeError)",
    "mask_ratios": f"{CRASH} when it loads the preset (AttributeError)",
    "mask_mode": "the runtime runs thresholdbound only for exactly `thresholdbound`: this runs topk",
    "attn_impl": "the runtime builds no kernel for None and crashes at the first sparse step (AttributeError)",
    "tile_size": "the runtime reads no tile size, as if the key were absent (STA rearrangement then crashes)",
    "rearrange_method": "the runtime crashes on it once rearrangement is on (ValueError: Unknown rearrange_method)",
    "warmup_steps": f"{CRASH} at the first step comparing the step counter with None (TypeError)",
    "text_length": "the runtime does not fall back to the model's text_length: it uses None and crashes (TypeError)",
    "verbose": "the runtime reads it as false",
    "sim_thresholds": "the runtime passes no thresholds: its defaults x2=0, x4=0, x8=-1 apply",
    "enable_logging": "the runtime reads it as false (no logging), not its default true",
    "log_dir": f"{CRASH} when the logger starts (TypeError)",
    **{short: "the runtime passes None as the threshold; the similarity cap crashes on it (TypeError)" for short, _ in SIM_KEYS},
    **{legacy: "the runtime passes None (it wins over sim_thresholds); the similarity cap crashes on it (TypeError)"
       for _, legacy in SIM_KEYS},
}
COGVIDEO_IGNORES = frozenset({"verbose", "enable_logging", "log_dir"})
"""Preset keys the runtime's CogVideoX path never reads."""


@register(
    "PSA107",
    "null-value",
    Severity.ERROR,
    summary="A key written as `null` (`~`, or nothing after the colon).",
    explanation="""
The runtime reads every key with `dict.get(key, default)`: a key written as
`null`, `~` or left empty is `None`, and the default is **not** applied.
Depending on the key the runtime crashes (`rearrange_method`, `warmup_steps`,
`text_length`, `log_dir`, `mask_ratios`, block sizes), or silently reads
false (`use_rearrange`, `enable_logging`, `use_sim_mask`). Leave a key out to
get its default; write a value to set it.
""",
    bad="""
      warmup_steps:
      use_rearrange: null
""",
    good="""
      warmup_steps: 0
      use_rearrange: true
""",
    fix="write a value, or remove the key to get the runtime's default",
)
def check_nulls(ctx: CheckContext) -> Iterator[Diagnostic]:
    data = ctx.source.data
    if not isinstance(data, dict):
        return
    yield from _null_keys(ctx, data, ())
    for name, section in data.items():
        if section is None and name is not None:
            yield _null(ctx, (name,), f"model `{name}` is empty: the runtime reports it as not found (ValueError)")
    for model in ctx.models():
        yield from _model_nulls(ctx, model)
        for preset_name, preset in _presets(model):
            path = (*model.path, "attention_configs", preset_name)
            if preset is None:
                yield _null(ctx, path, f"preset `{preset_name}` is empty: {CRASH} when it is selected (AttributeError)")
            elif isinstance(preset, dict):
                yield from _preset_nulls(ctx, PresetView(ctx, model, preset_name, preset))


def _presets(model: ModelView) -> Iterator[tuple[Any, Any]]:
    configs = model.get("attention_configs")
    return iter(configs.items()) if isinstance(configs, dict) else iter(())


def _model_nulls(ctx: CheckContext, model: ModelView) -> Iterator[Diagnostic]:
    for key, value in model.data.items():
        if value is None and key in MODEL_KEYS:
            yield _null(ctx, (*model.path, key), f"`{key}` is null: {MODEL_KEYS[key]}")
    scale = model.get("video_scale")
    for key, value in scale.items() if isinstance(scale, dict) else ():
        if value is None and key in SCALE_KEYS:
            yield _null(ctx, (*model.path, "video_scale", key), f"`{key}` is null: {SCALE_KEYS[key]}")


def _preset_nulls(ctx: CheckContext, preset: PresetView) -> Iterator[Diagnostic]:
    dense = runtime_kind(preset.data) == "dense"  # run without reading its psa keys (ignored-in-dense says so)
    unread = psa_only_fields() if dense else frozenset()
    cogvideo = preset.model.runtime_path == "cogvideo"
    for key, value in preset.data.items():
        if value is None and key in PRESET_KEYS and key not in unread:
            yield _null(ctx, (*preset.path, key), f"`{key}` is null: {_preset_effect(preset, key, cogvideo)}")
    if dense:
        return
    for parent in ("block_size", "sim_thresholds"):
        nested = preset.get(parent)
        for key, value in nested.items() if isinstance(nested, dict) else ():
            if value is None and key in PRESET_KEYS:
                yield _null(ctx, (*preset.path, parent, key), f"`{parent}.{key}` is null: {_nested_effect(preset, key)}")
    yield from _ratio_nulls(ctx, preset)
    tile_size = preset.get("tile_size")
    for index, item in enumerate(tile_size if isinstance(tile_size, list) else ()):
        if item is None:
            yield _null(ctx, (*preset.path, "tile_size", index), "a tile_size entry is null: STA rearrangement crashes on it (TypeError)")


def _preset_effect(preset: PresetView, key: str, cogvideo: bool) -> str:
    if cogvideo and key in COGVIDEO_IGNORES:
        return "the runtime's CogVideoX path ignores this key, but null is no value for it"
    if key == "rearrange_method":
        return _rearrange_effect(preset)
    if key == "sim_thresholds" and preset.sim_mask_on():
        return PRESET_KEYS[key] + " (x8=-1: no similarity cap)"
    return PRESET_KEYS[key]


def _rearrange_effect(preset: PresetView) -> str:
    if not preset.runtime_value("use_rearrange"):
        return "ignored while use_rearrange is off, but the runtime crashes on it once rearrangement is on"
    return "the runtime rearranges with method None and crashes at the first step (ValueError: Unknown rearrange_method)"


def _nested_effect(preset: PresetView, key: str) -> str:
    if key in ("x2", "x4", "x8"):
        legacy = dict(SIM_KEYS)[key]
        if preset.has(legacy):
            return f"the runtime uses the preset's `{legacy}` instead, but null is no threshold"
        if not preset.sim_mask_on():
            return "unused while use_sim_mask is off; " + PRESET_KEYS[key]
    return PRESET_KEYS[key]


def _ratio_nulls(ctx: CheckContext, preset: PresetView) -> Iterator[Diagnostic]:
    ratios = preset.get("mask_ratios")
    for level, bounds in ratios.items() if isinstance(ratios, dict) else ():
        path = (*preset.path, "mask_ratios", level)
        if bounds is None:
            yield _null(ctx, path, f"mask_ratios level {level} is null: {CRASH} when it loads the preset (TypeError)")
        for index, bound in enumerate(bounds if isinstance(bounds, list) else ()):
            if bound is None:
                which = "start" if index == 0 else "end"
                yield _null(ctx, (*path, index), f"the {which} of mask_ratios level {level} is null: {CRASH} at setup (TypeError)")


def _null_keys(ctx: CheckContext, node: Any, path: tuple[Any, ...]) -> Iterator[Diagnostic]:
    """Keys written as null, anywhere: the runtime reads keys by name, so a None key is never read (or crashes)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key is None:
                yield _null(ctx, (*path, key), _null_key_message(path), at="key")
            yield from _null_keys(ctx, value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _null_keys(ctx, item, (*path, index))


def _null_key_message(parent: tuple[Any, ...]) -> str:
    if parent and parent[-1] == "mask_ratios":
        return f"a mask_ratios key is null: {CRASH} converting it to a level (TypeError)"
    if not parent:
        return "a key written as null: a model named None, which the runtime can never select"
    if parent[-1] == "attention_configs":
        return "a key written as null: a preset named None, which the runtime can never select"
    return "a key written as null: the runtime reads keys by name and never reads this one"


def _null(ctx: CheckContext, path: tuple[Any, ...], message: str, *, at: str = "value") -> Diagnostic:
    source = ctx.source
    span = source.value_span(path) if at == "value" else source.key_span(path)
    return make_diagnostic("null-value", source.path, span, message, data_path=path)
