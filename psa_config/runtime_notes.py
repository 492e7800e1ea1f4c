"""What the runtime does with a value, as clauses for diagnostics: notes, expected types and fixes.

The runtime reads every key with ``dict.get(key, default)`` and passes the
values on unchecked; these phrases say what that means for one value (a
crash, a truthiness reading, a default), so that each message tells the
user what the published runtime will do.
"""

from __future__ import annotations

import math
from typing import Any

from psa_config.runtime import RUNTIME_DEFAULTS
from psa_config.source import SourceDocument

FIELD_TYPES = {
    "m": "an integer (16, 32, 64, 128 or 256)",
    "n": "an integer (16, 32, 64, 128 or 256)",
    "type": "a string (`psa` or `dense`)",
}
"""Expected types the error kind does not name (Literal fields)."""
BOOLEAN_FIELDS = frozenset({"use_sim_mask", "use_rearrange", "verbose", "enable_logging"})
"""Read by the runtime for truthiness: ``0``, ``""`` are false, ``"false"`` is true."""
RUNTIME_ARITHMETIC = {
    "m": "the runtime pads the sequence to a multiple of it and crashes (TypeError)",
    "n": "the runtime pads the sequence to a multiple of it and crashes (TypeError)",
    "tile_n": "the published runtime passes it to its kernels unchecked",
    "text_length": "the runtime slices the sequence with it and crashes (TypeError)",
    "warmup_steps": "the runtime compares the step counter with it",
    "width_divisor": "the runtime divides the video size by it",
    "height_divisor": "the runtime divides the video size by it",
    "depth_divisor": "the runtime divides the frame count by it",
    "tile_size": "the STA rearrangement tiles the token grid with it",
}
"""What the runtime does with each integer field, for messages about a value of another type."""
MODEL_KEY_NOTES = {
    "text_length": " (the runtime uses 0 for every preset without its own text_length)",
    "video_scale": " (the runtime refuses the model: it cannot compute the token grid)",
    "default_attention": " (a job that names no preset fails at start-up)",
    "attention_configs": " (the runtime finds no presets and refuses the model)",
}
"""What the runtime does when a model section's key is missing."""


def default_note(source: SourceDocument, loc: tuple[Any, ...]) -> str:
    if len(loc) == 2:
        return MODEL_KEY_NOTES.get(str(loc[1]), "")
    if len(loc) == 3 and loc[1] == "video_scale":
        return " (the runtime crashes computing the token grid: KeyError)"
    if len(loc) < 4 or loc[1] != "attention_configs":
        return ""
    dotted = ".".join(str(p) for p in loc[3:])
    if dotted == "mask_ratios":
        return " (the runtime would use {}: new_mask_type attends only key block 0, old_mask_type outputs zeros)"
    if dotted == "use_sim_mask":
        return sim_mask_default(value_at(source.data, loc[:3]))
    if dotted == "block_size":
        return " (the runtime would use m=128, n=128, tile_n=32)"
    if dotted in RUNTIME_DEFAULTS:
        return f" (the runtime would use {yaml_literal(RUNTIME_DEFAULTS[dotted])})"
    return ""


def sim_mask_default(preset: Any) -> str:
    """The runtime's default ``use_sim_mask: true`` means different things per kernel."""
    impl = preset.get("attn_impl", "new_mask_type") if isinstance(preset, dict) else None
    if impl == "new_mask_type":
        return " (the runtime defaults it to true, which new_mask_type refuses at setup: ValueError)"
    if impl == "old_mask_type":
        return (" (the runtime defaults it to true: the similarity cap is on and lowers pooled levels, "
                "so the preset runs at another density than written)")
    return " (the runtime defaults it to true)"


def enum_effect(source: SourceDocument, loc: tuple[Any, ...]) -> str:
    """What the runtime does with a value outside an enum (it compares strings exactly)."""
    field = loc[-1] if loc else None
    if field == "mask_mode":
        return ": the runtime runs thresholdbound only for exactly `thresholdbound`, so this runs topk"
    if field == "attn_impl":
        return ": the runtime builds no kernel for it and crashes at the first sparse step (AttributeError)"
    if field == "rearrange_method":
        preset = value_at(source.data, loc[:-1])
        if isinstance(preset, dict) and not preset.get("use_rearrange", True):
            return " (ignored while use_rearrange is off, but wrong as soon as it is on)"
        return ": the runtime raises at the first step (ValueError: Unknown rearrange_method)"
    return ""


def value_at(data: Any, loc: tuple[Any, ...]) -> Any:
    for key in loc:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def runtime_note(loc: tuple[Any, ...], given: Any) -> str:
    """What the runtime does with a value of the wrong type at ``loc``, as a clause for the message."""
    field = str(loc[-2] if loc and isinstance(loc[-1], int) and len(loc) >= 2 else loc[-1]) if loc else ""
    if field in BOOLEAN_FIELDS and not isinstance(given, bool):
        return f"; the runtime reads it as {str(truthy(given)).lower()}"
    arithmetic = RUNTIME_ARITHMETIC.get(field)
    if arithmetic is None:
        return ""
    if isinstance(given, str):
        return f"; {arithmetic.split(' and crashes')[0]} and crashes on a string (TypeError)"
    if field == "warmup_steps" and isinstance(given, float) and math.isfinite(given) and not given.is_integer():
        return f"; {arithmetic}: steps 0 to {math.ceil(given) - 1} run dense"
    return f"; {arithmetic}"


def truthy(value: Any) -> bool:
    return bool(value)


def type_fix(expected: str, given: Any) -> str | None:
    if expected.startswith("a boolean"):
        return "write `true` or `false` (unquoted)"
    if isinstance(given, str) and expected.startswith(("an integer", "a number")):
        number = number_in(given, integer=expected.startswith("an integer"))
        return f"write the number without quotes: `{number}`" if number is not None else f"write {expected}"
    if isinstance(given, float) and expected.startswith("an integer"):
        return f"write `{int(given)}`" if given.is_integer() else "write an integer"
    if isinstance(given, bool) and expected.startswith(("an integer", "a number")):
        return f"write {expected}"
    return None


def number_in(text: str, *, integer: bool) -> str | None:
    """The number a quoted string holds, written as YAML would need it; None when it holds none."""
    stripped = text.strip()
    try:
        value = float(stripped)
    except ValueError:
        return None
    if not math.isfinite(value) or stripped.lower() in ("nan", "inf", "-inf", "infinity", "+inf"):
        return None
    if integer:
        return str(int(value)) if value.is_integer() else None
    return repr(value)


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean `{str(value).lower()}`"
    if value is None:
        return "null (an empty value)"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, (set, frozenset)):  # sorted: the same message on every run
        return f"the set `{{{', '.join(sorted(map(repr, value)))}}}`"
    return f"the {type(value).__name__} `{value!r}`"


def yaml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
