"""KEY=VALUE parsing and coercion (``psa_config/edit/values.py``): exact values, types and messages.

Each expectation is what the user typed, read by the documented rules (YAML-like
scalars, comma lists, flow collections; the typed model's field types), written
out by hand; messages are the exact one-line text the CLI shows.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

import pytest
from pydantic import Field

from psa_config.edit import EditError, typed_value
from psa_config.edit.values import coerce, field_type, parse_assignment, parse_scalar, parse_value


def same(value: object, expected: object) -> bool:
    """Equal with the same types all the way down (``1`` is not ``1.0`` nor ``True``)."""
    if type(value) is not type(expected):
        return False
    if isinstance(expected, dict):
        return list(expected) == list(value) and all(  # type: ignore[arg-type]
            same(k, j) and same(value[k], expected[k]) for k, j in zip(value, expected)  # type: ignore[index]
        )
    if isinstance(expected, list):
        return len(value) == len(expected) and all(same(a, b) for a, b in zip(value, expected))  # type: ignore[arg-type]
    return value == expected


# ---- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a=1", ("a", "1")),
        ("  block_size.n  =  64  ", ("block_size.n", "64")),
        ("a=", ("a", "")),
        ("a=b=c", ("a", "b=c")),
        ("a = x y ", ("a", "x y")),
    ],
)
def test_assignment_is_split_at_the_first_equals_sign_and_trimmed(raw: str, expected: tuple[str, str]) -> None:
    assert parse_assignment(raw) == expected


@pytest.mark.parametrize("raw", ["a", "=1", "  =1", ""])
def test_assignment_without_key_or_equals_sign(raw: str) -> None:
    with pytest.raises(EditError) as caught:
        parse_assignment(raw)
    assert str(caught.value) == f"expected KEY=VALUE, got {raw!r}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("'a'", "a"),
        ('"a"', "a"),
        ("''", ""),
        ('"', '"'),
        ("'", "'"),
        ("'a\"", "'a\""),
        ("XaX", "XaX"),
        ('"a\'', '"a\''),
        ("  'x y'  ", "x y"),
        ("'1'", "1"),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("yes", "yes"),
        ("5", 5),
        ("+5", 5),
        ("-5", -5),
        ("007", 7),
        ("5.", 5.0),
        (".5", 0.5),
        ("-.5", -0.5),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
        ("+2.5e+1", 25.0),
        ("1_000", "1_000"),
        ("0x10", "0x10"),
        ("1e", "1e"),
        ("e3", "e3"),
        (".", "."),
        ("topk", "topk"),
        ("  64 ", 64),
        ("", ""),
    ],
)
def test_scalars(raw: str, expected: object) -> None:
    assert same(parse_scalar(raw), expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.6,0.8", [0.6, 0.8]),
        (" 1, 2 ,3 ", [1, 2, 3]),
        ("a,'b'", ["a", "b"]),
        ("1,", [1, ""]),
        ("'a,b'", "a,b"),
        ('"a,b"', "a,b"),
        ("[2, 8, 8]", [2, 8, 8]),
        ("  [1, 2]  ", [1, 2]),
        ("{1: [0, .1], 0: [.9, 1]}", {1: [0, 0.1], 0: [0.9, 1]}),
        ("{a: b}", {"a": "b"}),
        ("[]", []),
        ("{}", {}),
        ("[a, 'b, c']", ["a", "b, c"]),
        ("64", 64),
        ("x", "x"),
    ],
)
def test_values(raw: str, expected: object) -> None:
    assert same(parse_value(raw), expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[0, ", "cannot read '[0,' as a list or mapping: expected the node content, but found '<stream end>' at character 4"),
        ("{a: [", "cannot read '{a: [' as a list or mapping: expected the node content, but found '<stream end>' at character 6"),
        ("[a, b]: c", "cannot read '[a, b]: c' as a list or mapping: found unhashable key at character 1"),
        ("[1] ]", "cannot read '[1] ]' as a list or mapping: expected '<document start>', but found ']' at character 5"),
    ],
)
def test_unreadable_flow_values_say_where(raw: str, message: str) -> None:
    with pytest.raises(EditError) as caught:
        parse_value(raw)
    assert str(caught.value) == message


def test_a_flow_value_the_reader_rejects_without_a_position() -> None:
    with pytest.raises(EditError) as caught:
        parse_value("[\x07]")
    message = str(caught.value)
    assert message.startswith("cannot read '[\\x07]' as a list or mapping: unacceptable character #x0007")
    assert "\n" not in message and "  " not in message


# ---- the model's field types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("preset", "nonsense"),
        ("preset", "block_size.q"),
        ("preset", "block_size.n.x"),
        ("preset", "type.x"),
        ("model", "nonsense"),
        ("model", "video_scale.depth"),
        ("model", "attention_configs.p.type"),  # a preset is either kind: the model cannot say
    ],
)
def test_keys_the_model_does_not_know_have_no_type(section: Literal["preset", "model"], key: str) -> None:
    assert field_type(section, key) is None


@pytest.mark.parametrize(
    ("section", "key", "raw", "expected"),
    [
        ("preset", "block_size.n", "64", 64),
        ("preset", "block_size.n", "64.0", 64),
        ("preset", "block_size.tile_n", "32.0", 32),
        ("preset", "warmup_steps", "6.0", 6),
        ("preset", "warmup_steps", "-3", -3),  # the bound is the checker's call
        ("preset", "text_length", "226", 226),
        ("preset", "sim_thresholds.x2", "1", 1.0),
        ("preset", "sim_thresholds.x4", "-1", -1.0),
        ("preset", "sim_2x_threshold", "0", 0.0),
        ("preset", "use_sim_mask", "1", True),
        ("preset", "use_sim_mask", "0", False),
        ("preset", "use_sim_mask", " ON ", True),
        ("preset", "use_sim_mask", "off", False),
        ("preset", "use_sim_mask", "Y", True),
        ("preset", "use_sim_mask", "n", False),
        ("preset", "use_sim_mask", "No", False),
        ("preset", "use_sim_mask", "true", True),
        ("preset", "verbose", "yes", True),
        ("preset", "use_rearrange", "FALSE", False),
        ("preset", "enable_logging", "on", True),
        ("preset", "tile_size", "8", [8]),
        ("preset", "tile_size", "2,8.0,8", [2, 8, 8]),
        ("preset", "tile_size", "[2, 8, 8]", [2, 8, 8]),
        ("preset", "description", "'3'", "3"),
        ("preset", "description", "on", "on"),
        ("preset", "log_dir", "./logs/", "./logs/"),
        ("preset", "mask_mode", "thresholdbound", "thresholdbound"),
        ("preset", "attn_impl", "new_mask_type", "new_mask_type"),
        ("preset", "unknown", "yes", "yes"),
        ("preset", "unknown", "1.5", 1.5),
        ("preset", "block_size", "{m: 64, n: 64}", {"m": 64, "n": 64}),
        ("model", "text_length", "226.0", 226),
        ("model", "video_scale.height_divisor", "16", 16),
        ("model", "default_attention", "'psa'", "psa"),
        ("model", "attention_configs.p.type", "1", 1),
    ],
)
def test_values_take_the_field_type(section: Literal["preset", "model"], key: str, raw: str, expected: object) -> None:
    assert same(typed_value(section, key, raw), expected)


@pytest.mark.parametrize(
    ("section", "key", "raw", "message"),
    [
        ("preset", "use_sim_mask", "maybe", "use_sim_mask expects true or false, got 'maybe'"),
        ("preset", "use_sim_mask", "2", "use_sim_mask expects true or false, got 2"),
        ("preset", "use_sim_mask", "1.0", "use_sim_mask expects true or false, got 1.0"),
        ("preset", "block_size.n", "6.5", "block_size.n expects a whole number, got 6.5"),
        ("preset", "block_size.n", "true", "block_size.n expects a whole number, got True"),
        ("preset", "warmup_steps", "abc", "warmup_steps expects a whole number, got 'abc'"),
        ("preset", "warmup_steps", "'5'", "warmup_steps expects a whole number, got '5'"),
        ("preset", "tile_size", "1,a,3", "tile_size expects a whole number, got 'a'"),
        ("preset", "sim_thresholds.x2", "a", "sim_thresholds.x2 expects a number, got 'a'"),
        ("preset", "sim_thresholds.x2", "true", "sim_thresholds.x2 expects a number, got True"),
        ("preset", "description", "3", "description expects text, got 3; quote it to mean text"),
        ("preset", "description", "true", "description expects text, got True; quote it to mean text"),
        ("preset", "mask_mode", "3", "mask_mode expects one of topk, thresholdbound; got 3"),
        ("preset", "type", "true", "type expects one of psa; got True"),
        ("preset", "warmup_steps", "", "warmup_steps has no value; write warmup_steps=VALUE"),
        ("preset", "warmup_steps", "   ", "warmup_steps has no value; write warmup_steps=VALUE"),
        ("model", "video_scale.width_divisor", "x", "video_scale.width_divisor expects a whole number, got 'x'"),
        ("model", "default_attention", "1", "default_attention expects text, got 1; quote it to mean text"),
    ],
)
def test_values_the_field_type_rejects(section: Literal["preset", "model"], key: str, raw: str, message: str) -> None:
    with pytest.raises(EditError) as caught:
        typed_value(section, key, raw)
    assert str(caught.value) == message


# ---- mask_ratios ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("mask_ratios.8", "0.6,0.8", [0.6, 0.8]),
        ("mask_ratios.0", "0.8, 1", [0.8, 1.0]),
        ("mask_ratios.1", "[0, .1]", [0.0, 0.1]),
        ("mask_ratios.3", "0,1", [0.0, 1.0]),
        ("mask_ratios. 8 ", "0,1", [0.0, 1.0]),
        ("mask_ratios.+8", "0,1", [0.0, 1.0]),  # which levels exist is the checker's call
        ("mask_ratios", "{1: [0, 0.5], 0: [0.5, 1]}", {1: [0.0, 0.5], 0: [0.5, 1.0]}),
        ("mask_ratios", "{'2': [0, 1]}", {2: [0.0, 1.0]}),
        ("mask_ratios", "{}", {}),
    ],
)
def test_mask_ratios(key: str, raw: str, expected: object) -> None:
    assert same(typed_value("preset", key, raw), expected)


def test_mask_ratios_are_not_special_in_the_model_section() -> None:
    assert same(typed_value("model", "mask_ratios", "0.5"), 0.5)
    assert same(typed_value("model", "mask_ratios.8", "1,2"), [1, 2])


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("mask_ratios", "0.5", "mask_ratios expects a mapping such as {1: [0, 0.1], 2: [0.1, 0.2], ...}"),
        ("mask_ratios", "[0, 1]", "mask_ratios expects a mapping such as {1: [0, 0.1], 2: [0.1, 0.2], ...}"),
        ("mask_ratios", "{x: [0, 1]}", "mask_ratios: a mask_ratios level is one of 1, 2, 4, 8, 0; got 'x'"),
        ("mask_ratios", "{1: [0, a]}", "mask_ratios.1 expects a number, got 'a'"),
        ("mask_ratios", "{1: [0, true]}", "mask_ratios.1 expects a number, got True"),
        (
            "mask_ratios",
            "{1: [0, 1, 2]}",
            "mask_ratios.1 expects two numbers start,end (e.g. mask_ratios.1=0.6,0.8); got [0, 1, 2]",
        ),
        ("mask_ratios", "{1: 0.5}", "mask_ratios.1 expects two numbers start,end (e.g. mask_ratios.1=0.6,0.8); got 0.5"),
        ("mask_ratios.8", "0.6", "mask_ratios.8 expects two numbers start,end (e.g. mask_ratios.8=0.6,0.8); got 0.6"),
        ("mask_ratios.8", "1,2,3", "mask_ratios.8 expects two numbers start,end (e.g. mask_ratios.8=0.6,0.8); got [1, 2, 3]"),
        ("mask_ratios.x", "0.6,0.8", "mask_ratios.x: a mask_ratios level is one of 1, 2, 4, 8, 0; got 'x'"),
        ("mask_ratios.1.5", "0.6,0.8", "mask_ratios.1.5: mask_ratios keys are levels (mask_ratios.8=0.6,0.8)"),
        ("mask_ratios.1.2.3", "0.6,0.8", "mask_ratios.1.2.3: mask_ratios keys are levels (mask_ratios.8=0.6,0.8)"),
        ("mask_ratios.8", "a,0.8", "mask_ratios.8 expects a number, got 'a'"),
    ],
)
def test_mask_ratio_mistakes(key: str, raw: str, message: str) -> None:
    with pytest.raises(EditError) as caught:
        typed_value("preset", key, raw)
    assert str(caught.value) == message


# ---- coercion rules on their own (annotations the model does not use today) ----------------------


def test_coercion_without_an_annotation_keeps_the_value() -> None:
    assert same(coerce("1", None, "k"), "1")
    assert same(coerce([1, "a"], None, "k"), [1, "a"])


@pytest.mark.parametrize(
    ("annotation", "value", "expected"),
    [
        (Literal[True, False], "on", True),
        (Literal[True], 0, False),
        (Literal[1, 2], 2.0, 2),
        (Literal[1, "a"], "a", "a"),
        (Literal[1, "a"], 3.5, 3.5),
        (Literal["a", "b"], "c", "c"),
        (Optional[Annotated[int, Field(ge=0)]], 3.0, 3),
        (Annotated[Optional[float], Field(ge=0)], 3, 3.0),
        (Union[int, str], 3.0, 3.0),  # two real options: no conversion
        (int | None, 4.0, 4),
        (list[float], [1, 2], [1.0, 2.0]),
        (list[bool], "yes", [True]),
        (str, "x", "x"),
    ],
)
def test_coercion(annotation: object, value: object, expected: object) -> None:
    assert same(coerce(value, annotation, "k"), expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("annotation", "value", "message"),
    [
        (Literal[True, False], "x", "k expects true or false, got 'x'"),
        (Literal[1, 2], 2.5, "k expects a whole number, got 2.5"),
        (Literal["a", "b"], 1, "k expects one of a, b; got 1"),
        (int, True, "k expects a whole number, got True"),
        (float, False, "k expects a number, got False"),
        (float, "1.0", "k expects a number, got '1.0'"),
        (str, 1.5, "k expects text, got 1.5; quote it to mean text"),
        (list[int], [1, "b"], "k expects a whole number, got 'b'"),
    ],
)
def test_coercion_refusals(annotation: object, value: object, message: str) -> None:
    with pytest.raises(EditError) as caught:
        coerce(value, annotation, "k")  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_a_dict_field_s_values_take_the_dict_s_value_type() -> None:
    assert same(coerce([1, 2], field_type("preset", "mask_ratios.8"), "k"), [1.0, 2.0])
    assert field_type("preset", "mask_ratios.8.x") is None


@pytest.mark.parametrize(
    ("problem", "context", "message"),
    [
        ("bad thing", "while reading", "cannot read '[1]' as a list or mapping: bad thing"),
        (None, "while  reading\n it", "cannot read '[1]' as a list or mapping: while reading it"),
        (None, None, "cannot read '[1]' as a list or mapping: malformed"),
    ],
)
def test_a_reader_error_without_a_position(
    monkeypatch: pytest.MonkeyPatch, problem: str | None, context: str | None, message: str
) -> None:
    import yaml

    def fail(text: str) -> object:
        raise yaml.MarkedYAMLError(context=context, problem=problem)

    monkeypatch.setattr(yaml, "safe_load", fail)
    with pytest.raises(EditError) as caught:
        parse_value("[1]")
    assert str(caught.value) == message
