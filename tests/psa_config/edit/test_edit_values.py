"""KEY=VALUE parsing: YAML-like values, converted to the typed model's field types."""

from __future__ import annotations

import pytest

from psa_config.edit import EditError, typed_value
from psa_config.edit.values import parse_assignment, parse_value


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("block_size.n", "64", 64),
        ("mask_ratios.8", "0.6,0.8", [0.6, 0.8]),
        ("mask_ratios.0", "0.8, 1", [0.8, 1.0]),
        ("mask_ratios.1", "[0, .1]", [0.0, 0.1]),
        ("use_sim_mask", "false", False),
        ("use_sim_mask", "yes", True),
        ("verbose", "Off", False),
        ("mask_mode", "topk", "topk"),
        ("mask_mode", "topkk", "topkk"),  # the checker, not the parser, says which values are allowed
        ("block_size.n", "48", 48),
        ("tile_size", "2,8,8", [2, 8, 8]),
        ("warmup_steps", "15", 15),
        ("sim_thresholds.x2", "-0.5", -0.5),
        ("sim_thresholds.x8", "1", 1.0),
        ("description", "yes", "yes"),
        ("description", '"a, b"', "a, b"),
        ("mask_ratios", "{1: [0, 0.5], 0: [0.5, 1]}", {1: [0.0, 0.5], 0: [0.5, 1.0]}),
        ("unknown_key", "1e-3", 0.001),
    ],
)
def test_typed_values(key: str, raw: str, expected: object) -> None:
    value = typed_value("preset", key, raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("use_sim_mask", "maybe", "true or false"),
        ("block_size.n", "6.5", "whole number"),
        ("warmup_steps", "abc", "whole number"),
        ("mask_ratios.8", "0.6", "two numbers"),
        ("mask_ratios.x", "0.6,0.8", "level"),
        ("mask_ratios", "0.5", "mapping"),
        ("mask_mode", "3", "one of"),
        ("warmup_steps", "", "no value"),
        ("mask_ratios.1", "[0, ", "cannot read"),
    ],
)
def test_bad_values_are_usage_errors(key: str, raw: str, message: str) -> None:
    with pytest.raises(EditError, match=message):
        typed_value("preset", key, raw)


def test_model_fields() -> None:
    assert typed_value("model", "video_scale.width_divisor", "32") == 32
    assert typed_value("model", "default_attention", "psa_fast") == "psa_fast"


def test_assignment_syntax() -> None:
    assert parse_assignment("block_size.n = 64") == ("block_size.n", "64")
    assert parse_assignment("description=a=b") == ("description", "a=b")
    with pytest.raises(EditError, match="KEY=VALUE"):
        parse_assignment("block_size.n")
    assert parse_value("'0.6,0.8'") == "0.6,0.8"
