"""Validating the runtime's data against the typed model, as located diagnostics."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from pydantic_core import ValidationError

from psa_config.core_schema import fields_of, preset_kind, psa_only_fields, validator
from psa_config.diagnostics import Diagnostic
from psa_config.model_constants import BLOCK_SIZES, LEVELS
from psa_config.rules.registry import make_diagnostic
from psa_config.runtime_notes import (
    FIELD_TYPES,
    default_note,
    describe,
    enum_effect,
    runtime_note,
    value_at,
    type_fix,
)
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
INTEGER_LITERAL_FIELDS = ("m", "n")
"""block_size fields the model types as a Literal of integers (which a float equal to one passes)."""
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
                                f"the file must be a mapping of model name -> model section, not {describe(source.data)}")]
    found = [_diagnostic(source, error) for error in _errors(source.data) if not _reported_as_null(source, error)]
    return [d for d in found if d is not None] + list(_non_integer_level_keys(source)) + list(_float_block_sizes(source))


def _reported_as_null(source: SourceDocument, error: dict[str, Any]) -> bool:
    """A null value (or key) is the null-value rule's: it says what the runtime does with it."""
    if error["type"] in ("missing", "extra_forbidden"):
        return False
    if error["type"] == "union_tag_invalid":
        return isinstance(error["input"], dict) and error["input"].get("type", "") is None
    return error.get("input", "") is None


def _float_block_sizes(source: SourceDocument) -> Iterator[Diagnostic]:
    """``m: 128.0`` equals 128, so the model's Literal accepts it; the runtime crashes on it."""
    for model, name, preset in _psa_presets(source.data):
        block = preset.get("block_size")
        for key in INTEGER_LITERAL_FIELDS:
            value = block.get(key) if isinstance(block, dict) else None
            if isinstance(value, float) and value in BLOCK_SIZES:
                loc = (model, "attention_configs", name, "block_size", key)
                yield make_diagnostic(
                    "wrong-type", source.path, source.value_span(loc),
                    f"`{key}` must be an integer, not the float `{value!r}`{runtime_note(loc, value)}",
                    fix=f"write `{int(value)}`", data_path=loc,
                )


def _non_integer_level_keys(source: SourceDocument) -> Iterator[Diagnostic]:
    """``true:`` and ``1.0:`` equal 1 in Python, so the model's Literal accepts them; levels are integers."""
    for model, name, preset in _psa_presets(source.data):
        ratios = preset.get("mask_ratios")
        for key in ratios if isinstance(ratios, dict) else ():
            if isinstance(key, (bool, float)):
                loc = (model, "attention_configs", name, "mask_ratios", key)
                yield make_diagnostic(
                    "invalid-level-key", source.path, source.key_span(loc),
                    f"the level key `{key!r}` is a {type(key).__name__}{_runtime_int(key)}; levels are the "
                    "integers 1, 2, 4, 8 and 0",
                    fix=f"write `{int(key)}:`" if float(key).is_integer() else None, data_path=loc,
                )


def _runtime_int(key: bool | float) -> str:
    """What the runtime's ``int(key)`` makes of a non-integer level key, as a clause."""
    try:
        return f"; the runtime reads it as int({key!r}) = {int(key)}"
    except (ValueError, OverflowError) as exc:
        return f"; the runtime's int({key!r}) fails when it loads the preset ({type(exc).__name__})"


def _psa_presets(data: dict[Any, Any]) -> Iterator[tuple[Any, Any, dict[Any, Any]]]:
    """(model, preset name, preset) of every preset the runtime runs as psa (a dense one is not read)."""
    for model, section in data.items():
        configs = section.get("attention_configs") if isinstance(section, dict) else None
        for name, preset in configs.items() if isinstance(configs, dict) else ():
            if isinstance(preset, dict) and preset_kind(preset) == "psa":
                yield model, name, preset


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


def _preset_tag(loc: tuple[Any, ...]) -> str | None:
    """The preset kind pydantic validated against (it inserts it after the preset name)."""
    if len(loc) >= 4 and loc[1] == "attention_configs" and loc[3] in ("psa", "dense"):
        return str(loc[3])
    return None


def _diagnostic(source: SourceDocument, error: dict[str, Any]) -> Diagnostic | None:
    kind = error["type"]
    tag = _preset_tag(error["loc"])
    loc = _data_path(error["loc"])
    if loc and loc[-1] == "[key]":
        return _bad_key(source, loc[:-1], error)
    if kind == "extra_forbidden":
        return _unknown_key(source, loc, tag)
    if kind == "missing":
        return _missing(source, loc)
    if kind == "union_tag_not_found":
        return None  # the runtime runs a preset without `type` as psa: runtime-default says so
    if kind == "union_tag_invalid":
        return _invalid_type(source, loc, error["input"].get("type"))
    if kind == "literal_error":
        return _invalid_value(source, loc, error)
    if _in_ratio_range(loc):
        return _bad_range(source, loc, error)
    if kind in RANGE_ERRORS:
        return _out_of_range(source, loc, error)
    return _wrong_type(source, loc, error)


def _field(loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and isinstance(loc[-1], int) and not isinstance(loc[-2], int) and loc[-2] != "mask_ratios":
        return f"{loc[-2]}[{loc[-1]}]"  # a list item, e.g. tile_size[1]
    return str(loc[-1]) if loc else "the file"


def _bad_key(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic | None:
    if len(loc) >= 2 and loc[-2] == "mask_ratios":
        loc = (*loc[:-1], _written_key(source.data, loc))
        if isinstance(loc[-1], (bool, float)):
            return None  # the non-integer level key check says what the runtime's int() makes of it
        message, fix = _level_key_problem(loc[-1])
        return make_diagnostic("invalid-level-key", source.path, source.key_span(loc), message, fix=fix, data_path=loc)
    return make_diagnostic("wrong-type", source.path, source.key_span(loc),
                           f"key `{loc[-1]!r}` must be a string", data_path=loc)


def _written_key(data: Any, loc: tuple[Any, ...]) -> Any:
    """The key as the file holds it: pydantic's error location turns a mapping key into its ``str``."""
    parent = value_at(data, loc[:-1])
    if not isinstance(parent, dict) or loc[-1] in parent:
        return loc[-1]
    return next((key for key in parent if loc[-1] in (str(key), repr(key)) and not isinstance(key, str)), loc[-1])


def _level_key_problem(key: Any) -> tuple[str, str | None]:
    """What is wrong with a level key that is not an int, as the runtime reads it (``int(key)``)."""
    if isinstance(key, int):
        return f"`{key!r}` is not a pyramid level; levels are 1, 2, 4, 8 (pooling) and 0 (skip)", None
    if not isinstance(key, str):
        return (f"the level key `{key!r}` is a {type(key).__name__}: the runtime's int() fails on it when it loads "
                "the preset (TypeError); levels are 1, 2, 4, 8 (pooling) and 0 (skip)"), None
    try:
        level = int(key)
    except ValueError:
        return (f"the level key {key!r} is a string the runtime cannot read as a level: int({key!r}) fails when it "
                "loads the preset (ValueError); levels are 1, 2, 4, 8 (pooling) and 0 (skip)"), None
    if level not in LEVELS:
        return f"the level key {key!r} is a string, and {level} is not a pyramid level; levels are 1, 2, 4, 8 and 0", None
    return (f"the level key {key!r} is a string; the runtime reads it as int({key!r}) = {level}, YAML 1.2 tools "
            "(editors, the JSON Schema) do not: levels are integers"), f"write the integer key `{level}:`"


def _unknown_key(source: SourceDocument, loc: tuple[Any, ...], tag: str | None) -> Diagnostic | None:
    key = str(loc[-1])
    if tag == "dense" and len(loc) == 4 and key in psa_only_fields():
        return None  # the runtime ignores it: a warning of its own rule (PSA411), not an unknown key
    known = _known_keys(loc) if tag != "dense" or len(loc) != 4 else list(fields_of("DensePreset"))
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
    default = default_note(source, loc)
    return make_diagnostic("missing-key", source.path, source.key_span(parent),
                           f"{owner} is missing the required key `{key}`{default}",
                           fix=f"add `{key}:` to {owner}", data_path=loc)


def _invalid_value(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    expected = [part.strip(" '") for part in error["ctx"]["expected"].replace(" or ", ", ").split(",")]
    given = error["input"]
    if _in_ratio_range(loc) or (loc and loc[-1] in INTEGER_LITERAL_FIELDS and type(given) is not int):
        return _wrong_type(source, loc, error)
    close = [e for e in expected if str(e).lower() == str(given).lower()]
    hint = f"; did you mean `{close[0]}`? (values are case-sensitive)" if close else ""
    allowed = ", ".join(f"`{e}`" for e in expected)
    effect = enum_effect(source, loc)
    return make_diagnostic("invalid-value", source.path, source.value_span(loc),
                           f"`{_field(loc)}` must be one of {allowed}, not `{given}`{hint}{effect}",
                           fix=f"write `{close[0]}`" if close else f"use one of {allowed}", data_path=loc)


def _invalid_type(source: SourceDocument, preset_loc: tuple[Any, ...], given: Any) -> Diagnostic | None:
    """``type``: lower-cased by the runtime (another case is only a warning), default psa."""
    loc = (*preset_loc, "type")
    if isinstance(given, str) and given.lower() in ("psa", "dense"):
        return None  # the type-case warning says it
    if not isinstance(given, str):
        return make_diagnostic("wrong-type", source.path, source.value_span(loc),
                               f"`type` must be a string (`psa` or `dense`), not {describe(given)}: "
                               "the runtime calls .lower() on it and crashes (AttributeError)",
                               fix="write `psa` or `dense`", data_path=loc)
    return make_diagnostic("invalid-value", source.path, source.value_span(loc),
                           f"`type` must be `psa` or `dense`, not `{given}`: the runtime refuses the preset "
                           "(ValueError: Unsupported preset type)", fix="write `psa` or `dense`", data_path=loc)


def _in_ratio_range(loc: tuple[Any, ...]) -> bool:
    return len(loc) >= 5 and "mask_ratios" in loc[3:-1]


def _bad_range(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    index = loc.index("mask_ratios")
    level_path = loc[: index + 2]
    level = loc[index + 1]
    problem = _range_problem(error, loc[-1] if len(loc) > index + 2 else None)
    return make_diagnostic("invalid-ratio-range", source.path, source.value_span(loc),
                           f"mask_ratios level {level}: {problem}", data_path=level_path)


def _range_problem(error: dict[str, Any], position: Any) -> str:
    kind = error["type"]
    given = error["input"]
    if kind in ("too_short", "too_long", "list_type"):
        return f"a range is two numbers [start, end], not {describe(given)}"
    bound = "start" if position == 0 else "end"
    if kind in RANGE_ERRORS:
        if position == 0:
            return f"the start {given!r} is outside [0, 1] (the runtime never reads start; it runs from the previous level's end)"
        return f"the end {given!r} is outside [0, 1] (the runtime " + ("clamps it to 1)" if given > 1 else "gives the level no ranks)")
    return f"the {bound}, {describe(given)}, is not a number: the runtime crashes at setup computing the interval (TypeError)"


def _out_of_range(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    bound_key, symbol = RANGE_ERRORS[error["type"]]
    bound = error["ctx"][bound_key]
    return make_diagnostic("out-of-range", source.path, source.value_span(loc),
                           f"`{_field(loc)}` must be {symbol} {bound}, got {error['input']!r}", data_path=loc)


def _wrong_type(source: SourceDocument, loc: tuple[Any, ...], error: dict[str, Any]) -> Diagnostic:
    kind = error["type"]
    given = error["input"]
    expected = _expected_type(loc, error)
    if kind in ("too_short", "too_long"):
        size = error["ctx"].get("min_length") if kind == "too_short" else error["ctx"].get("max_length")
        message = f"`{_field(loc)}` must be a list of {size} items, not {describe(given)}"
        fix = f"write {size} items" + (" [depth, height, width]" if loc and loc[-1] == "tile_size" else "")
    else:
        message = f"`{_field(loc)}` must be {expected}, not {describe(given)}{runtime_note(loc, given)}"
        fix = type_fix(expected, given)
    return make_diagnostic("wrong-type", source.path, source.value_span(loc), message, fix=fix, data_path=loc)


def _expected_type(loc: tuple[Any, ...], error: dict[str, Any]) -> str:
    field = loc[-1] if loc else None
    if isinstance(field, int) and len(loc) >= 2:  # a list item: name it by its list
        field = loc[-2]
    return FIELD_TYPES.get(str(field)) or TYPE_NAMES.get(error["type"]) or _pydantic_expectation(error)


def _pydantic_expectation(error: dict[str, Any]) -> str:
    """pydantic's own words for an error kind this module does not name ("Input should be ...")."""
    message = str(error.get("msg", "a value of another type"))
    return message.removeprefix("Input should be ").rstrip(".")
