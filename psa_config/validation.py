"""Validating the runtime's data against the typed model, as located diagnostics."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from pydantic_core import ValidationError

from psa_config.core_schema import fields_of, preset_kind, validator
from psa_config.diagnostics import Diagnostic
from psa_config.rules.registry import make_diagnostic
from psa_config.runtime import RUNTIME_DEFAULTS
from psa_config.source import SourceDocument

TYPE_NAMES = {
    "bool_type": "a boolean (true or false)",
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "int_from_float": "an integer",
}
RANGE_ERRORS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}


def validate(source: SourceDocument) -> list[Diagnostic]:
    """Every schema error of the document, located."""
    if not isinstance(source.data, dict):
        return [make_diagnostic("wrong-type", source.path, source.value_span(()),
                                f"the file must be a mapping of model name -> model section, not {_describe(source.data)}")]
    return [_diagnostic(source, error) for error in _errors(source.data)] + list(_non_integer_level_keys(source))


def _non_integer_level_keys(source: SourceDocument) -> Iterator[Diagnostic]:
    """``true:`` and ``1.0:`` equal 1 in Python, so the model's Literal accepts them; levels are integers."""
    for model, section in source.data.items():
        configs = section.get("attention_configs") if isinstance(section, dict) else None
        for name, preset in configs.items() if isinstance(configs, dict) else ():
            ratios = preset.get("mask_ratios") if isinstance(preset, dict) else None
            for key in ratios if isinstance(ratios, dict) else ():
                if isinstance(key, (bool, float)):
                    loc = (model, "attention_configs", name, "mask_ratios", key)
                    yield make_diagnostic(
                        "invalid-level-key", source.path, source.key_span(loc),
                        f"the level key `{key!r}` is a {type(key).__name__}; levels are the integers 1, 2, 4, 8 and 0",
                        fix=f"write `{int(key)}:`" if float(key).is_integer() else None, data_path=loc,
                    )


def _errors(data: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    try:
        validator("file").validate_python(data)
    except ValidationError as exc:
        for error in exc.errors():
            yield error
            if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
                yield from _untagged_preset_errors(error)


def _untagged_preset_errors(error: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A preset with a bad ``type`` is still checked as the kind it looks like."""
    preset = error["input"]
    if not isinstance(preset, dict):
        return
    tag = preset_kind(preset)
    try:
        validator(tag).validate_python({**preset, "type": tag})
    except ValidationError as exc:
        for inner in exc.errors():
            if inner["loc"] and inner["loc"][0] != "type":
                yield {**inner, "loc": (*error["loc"], tag, *inner["loc"])}


def _data_path(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the discriminator tag pydantic inserts after a preset name."""
    parts = list(loc)
    if len(parts) >= 4 and parts[1] == "attention_configs" and parts[3] in ("psa", "dense"):
        del parts[3]
    return tuple(parts)


def _diagnostic(source: SourceDocument, error: dict[str, Any]) -> Diagnostic:
    kind = error["type"]
    loc = _data_path(error["loc"])
    if loc and loc[-1] == "[key]":
        return _bad_key(source, loc[:-1], error)
    if kind == "extra_forbidden":
        return _unknown_key(source, loc)
    if kind == "missing":
        return _missing(source, loc)
    if kind in ("union_tag_invalid", "literal_error"):
        return _invalid_value(source, loc, error)
    if kind == "union_tag_not_found":
        return _missing(source, (*loc, "type"))
    if _in_ratio_range(loc):
        return _bad_range(source, loc, error)
    if kind in RANGE_ERRORS:
        return _out_of_range(source, loc, error)
    return _wrong_type(source, loc, error)


def _field(loc: tuple[Any, ...]) -> str:
    return str(loc[-1]) if loc else "the file"


def _bad_key(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    if len(loc) >= 2 and loc[-2] == "mask_ratios":
        key = loc[-1]
        if isinstance(key, str) and key.strip() in ("0", "1", "2", "4", "8"):
            message = f"the level key {key!r} is a string; levels are integers (the runtime converts, YAML 1.2 tools do not)"
            fix = f"write `{key.strip()}:` without quotes"
        else:
            message = f"`{key!r}` is not a pyramid level; levels are 1, 2, 4, 8 (pooling) and 0 (skip)"
            fix = None
        return make_diagnostic("invalid-level-key", source.path, source.key_span(loc), message, fix=fix, data_path=loc)
    return make_diagnostic("wrong-type", source.path, source.key_span(loc),
                           f"key `{loc[-1]!r}` must be a string", data_path=loc)


def _unknown_key(source: SourceDocument, loc: tuple[Any, ...]) -> Diagnostic:
    key = str(loc[-1])
    known = _known_keys(loc)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    fix = f"rename it to `{close[0]}`" if close else f"remove it (known keys: {', '.join(sorted(known))})" if known else None
    return make_diagnostic("unknown-key", source.path, source.key_span(loc),
                           f"unknown key `{key}`{hint}", fix=fix, data_path=loc)


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    if len(loc) == 2:
        return list(fields_of("ModelSection"))
    if len(loc) == 3 and loc[1] == "video_scale":
        return list(fields_of("VideoScale"))
    if len(loc) >= 4 and loc[1] == "attention_configs":
        return _preset_keys(loc[3:])
    return []


def _preset_keys(inner: tuple[Any, ...]) -> list[str]:
    if len(inner) == 1:
        return list(fields_of("PsaPreset"))
    nested = {"block_size": "BlockSize", "sim_thresholds": "SimThresholds"}.get(str(inner[0]))
    return list(fields_of(nested)) if nested else []


def _missing(source: SourceDocument, loc: tuple[Any, ...]) -> Diagnostic:
    key = str(loc[-1])
    parent = loc[:-1]
    owner = f"preset `{parent[-1]}`" if len(parent) == 3 else f"`{parent[-1]}`" if parent else "the file"
    default = _runtime_default_note(loc)
    return make_diagnostic("missing-key", source.path, source.key_span(parent),
                           f"{owner} is missing the required key `{key}`{default}",
                           fix=f"add `{key}:` to {owner}", data_path=loc)


def _runtime_default_note(loc: tuple[Any, ...]) -> str:
    if len(loc) < 4 or loc[1] != "attention_configs":
        return ""
    dotted = ".".join(str(p) for p in loc[3:])
    if dotted == "mask_ratios":
        return " (the runtime would use {}: new_mask_type attends only key block 0, old_mask_type outputs zeros)"
    if dotted == "use_sim_mask":
        return " (the runtime would default to true, which crashes with the default attn_impl new_mask_type)"
    if dotted == "block_size":
        return " (the runtime would use m=128, n=128, tile_n=32)"
    if dotted in RUNTIME_DEFAULTS:
        return f" (the runtime would use {_yaml_literal(RUNTIME_DEFAULTS[dotted])})"
    return ""


def _invalid_value(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    if error["type"] == "union_tag_invalid":
        loc = (*loc, "type")
        expected = ["psa", "dense"]
    else:
        expected = [part.strip(" '") for part in error["ctx"]["expected"].replace(" or ", ", ").split(",")]
    given = error["input"] if error["type"] == "literal_error" else error["ctx"].get("tag")
    close = [e for e in expected if str(e).lower() == str(given).lower()]
    hint = f"; did you mean `{close[0]}`? (values are case-sensitive)" if close else ""
    allowed = ", ".join(f"`{e}`" for e in expected)
    if _in_ratio_range(loc) or (loc and loc[-1] in ("m", "n") and not isinstance(given, int)):
        return _wrong_type(source, loc, error)
    return make_diagnostic("invalid-value", source.path, source.value_span(loc),
                           f"`{_field(loc)}` must be one of {allowed}, not `{given}`{hint}",
                           fix=f"write `{close[0]}`" if close else f"use one of {allowed}", data_path=loc)


def _in_ratio_range(loc: tuple[Any, ...]) -> bool:
    return len(loc) >= 5 and "mask_ratios" in loc[3:-1]


def _bad_range(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    index = loc.index("mask_ratios")
    level_path = loc[: index + 2]
    level = loc[index + 1]
    problem = _range_problem(error)
    return make_diagnostic("invalid-ratio-range", source.path, source.value_span(loc),
                           f"mask_ratios level {level}: {problem}", data_path=level_path)


def _range_problem(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind in ("too_short", "too_long", "list_type"):
        return f"a range is two numbers [start, end], not {_describe(error['input'])}"
    if kind in RANGE_ERRORS:
        return f"{error['input']!r} is outside [0, 1]"
    return f"{_describe(error['input'])} is not a number"


def _out_of_range(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    bound_key, symbol = RANGE_ERRORS[error["type"]]
    bound = error["ctx"][bound_key]
    return make_diagnostic("out-of-range", source.path, source.value_span(loc),
                           f"`{_field(loc)}` must be {symbol} {bound}, got {error['input']!r}", data_path=loc)


def _wrong_type(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    kind = error["type"]
    given = error["input"]
    if kind in ("too_short", "too_long"):
        size = error["ctx"].get("min_length") if kind == "too_short" else error["ctx"].get("max_length")
        message = f"`{_field(loc)}` must be a list of {size} items, not {_describe(given)}"
    else:
        expected = TYPE_NAMES.get(kind, "a different type")
        message = f"`{_field(loc)}` must be {expected}, not {_describe(given)}"
    return make_diagnostic("wrong-type", source.path, source.value_span(loc), message,
                           fix=_type_fix(kind, given), data_path=loc)


def _type_fix(kind: str, given: Any) -> str | None:
    if isinstance(given, str) and kind in ("int_type", "float_type"):
        return f"write the number without quotes: `{given.strip()}`"
    if kind == "int_type" and isinstance(given, float) and given.is_integer():
        return f"write `{int(given)}`"
    if kind == "bool_type":
        return "write `true` or `false`"
    return None


def _describe(value: Any) -> str:
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
    return f"the {type(value).__name__} `{value!r}`"


def _yaml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
