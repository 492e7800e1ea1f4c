"""``formatting`` exactly: the literal written for each value and style, and the file facts it reads."""

from __future__ import annotations

import pytest
from yaml.nodes import ScalarNode

from psa_config.edit import EditError, locate
from psa_config.edit.formatting import (
    decimals_of,
    double_quoted,
    format_bool,
    format_float,
    format_key,
    format_number,
    format_scalar,
    format_string,
    indent_step,
    needs_quotes,
    newline_of,
    reads_as_string,
)


@pytest.mark.parametrize(
    ("text", "decimals"),
    [("0.50", 2), ("1.", 0), (".5", 1), ("-1.25", 2), ("+3.0", 1), (" 0.5 ", 1), ("1", None), ("1e3", None),
     ("abc", None), ("1.5.2", None), ("0.5x", None)],
)
def test_decimals_of(text: str, decimals: int | None) -> None:
    assert decimals_of(text) == decimals


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(0.5, 1, "0.5"), (0.5, 3, "0.500"), (1.0, 1, "1.0"), (1.0, 0, "1.0"), (0.25, 0, "0.25"), (1e-7, 1, "0.0000001"),
     (1e20, 1, "100000000000000000000.0"), (-0.0, 1, "-0.0"), (0.1 + 0.2, 1, "0.30000000000000004"), (2.5, 0, "2.5"),
     (-12.125, 2, "-12.125"), (7, 2, "7.00")],
)
def test_format_float(value: float, decimals: int, text: str) -> None:
    assert format_float(value, decimals) == text


def test_format_float_defaults_to_one_decimal() -> None:
    assert format_float(3.0) == "3.0" and format_float(0.125) == "0.125"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_format_float_refuses_what_is_not_finite(value: float) -> None:
    with pytest.raises(EditError) as info:
        format_float(value)
    assert str(info.value) == f"{value} is not a finite number"


@pytest.mark.parametrize(
    ("value", "like", "text"),
    [(True, None, "true"), (False, None, "false"), (False, "True", "False"), (True, "False", "True"),
     (True, "FALSE", "TRUE"), (False, "TRUE", "FALSE"), (True, "yes", "true"), (False, "false", "false")],
)
def test_format_bool(value: bool, like: str | None, text: str) -> None:
    assert format_bool(value, like) == text


@pytest.mark.parametrize(
    ("value", "like", "text"),
    [(3, None, "3"), (3, "0.0", "3.0"), (0.5, None, "0.5"), (0.5, "1", "0.5"), (0.5, "0.000", "0.500"),
     (0.5, "0.", "0.5"), (3, "0.", "3.0"), (-2, "x", "-2")],
)
def test_format_number(value: float, like: str | None, text: str) -> None:
    assert format_number(value, like) == text


@pytest.mark.parametrize(
    ("text", "string"),
    [("abc", True), ("y", True), ("yes", False), ("1", False), ("null", False), ("a: b", False), ("[", False),
     ("Off", False), ("0x1f", False)],
)
def test_reads_as_string(text: str, string: bool) -> None:
    assert reads_as_string(text) is string


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("n", True), ("Y", True), ("a b", False), ("a:b", True), ("a ", True), ("1abc", True), ("_x", False),
     ("/p", False), ("a-b", False), ("a(b)", False), ("a+b", False), ("True", True), ("", True), ("~", True),
     ("a#b", True)],
)
def test_needs_quotes(value: str, quoted: bool) -> None:
    assert needs_quotes(value) is quoted


def test_one_letter_yaml11_booleans_stay_plain_as_keys() -> None:
    assert not needs_quotes("n", key=True) and not needs_quotes("y", key=True)
    assert needs_quotes("yes", key=True)


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [("it's", "'", "'it''s'"), ("a\tb", "'", '"a\\x09b"'), ("abc", '"', '"abc"'), ("abc", None, "abc"),
     ("yes", None, '"yes"'), ("abc", "'", "'abc'"), ("n", None, '"n"')],
)
def test_format_string(value: str, style: str | None, text: str) -> None:
    assert format_string(value, style) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [('"', '"\\""'), ("\\", '"\\\\"'), ("\x85", '"\\x85"'), ("\u2028", '"\\u2028"'), ("\x7f", '"\\x7f"'),
     ("\U0001F600", '"\U0001F600"'), ("\U000E0001", '"\\U000e0001"'), ("é", '"é"'), ("a\x00", '"a\\x00"'),
     ("\x1f", '"\\x1f"'), ("\u00ad", '"\\xad"'), ("\ufeff", '"\\ufeff"')],
)
def test_double_quoted_escapes_what_is_not_printable(value: str, text: str) -> None:
    assert double_quoted(value) == text


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [(8, None, "8"), (8, "'", "8"), ("n", None, "n"), ("yes", None, '"yes"'), ("a b", "'", "'a b'"),
     ("a:b", None, '"a:b"'), ("x", '"', '"x"'), ("it's", None, '"it\'s"'), ("plain", None, "plain")],
)
def test_format_key(value: str | int, style: str | None, text: str) -> None:
    assert format_key(value, style) == text


def test_format_scalar_follows_the_node_it_replaces() -> None:
    assert format_scalar(True, None, "True") == "True"
    assert format_scalar(0.5, None, "0.50") == "0.50"
    assert format_scalar(0.5, ScalarNode("tag:yaml.org,2002:str", "0.50", style='"'), "0.50") == "0.5"  # a quoted string
    assert format_scalar("abc", ScalarNode("tag:yaml.org,2002:str", "x", style="'")) == "'abc'"
    assert format_scalar("abc", ScalarNode("tag:yaml.org,2002:str", "x")) == "abc"
    assert format_scalar(2) == "2" and format_scalar(False) == "false"


@pytest.mark.parametrize(("value", "kind"), [(None, "NoneType"), ([1], "list")])
def test_format_scalar_refuses_other_types(value: object, kind: str) -> None:
    with pytest.raises(EditError) as info:
        format_scalar(value)  # type: ignore[arg-type]
    assert str(info.value) == f"cannot write a value of type {kind}"


@pytest.mark.parametrize(
    ("text", "newline"),
    [("a\nb\r\n", "\n"), ("a\r\nb\n", "\r\n"), ("a\rb\n", "\r"), ("abc", "\n"), ("", "\n"), ("\r", "\r"),
     ("a\n\r", "\n"), ("a\r\r\n", "\r"), ("\n\r", "\n"), ("\r\n", "\r\n")],
)
def test_newline_of(text: str, newline: str) -> None:
    assert newline_of(text) == newline


@pytest.mark.parametrize(
    ("text", "step"),
    [("a: 1\n", 2), ("a:\n    b: 1\n", 4), ("a: {b: 1}\nc:\n   d: 1\n", 3), ("a: {}\n", 2),
     ("a:\n  - x\nb:\n    c: 1\n", 4), ("[1]\n", 2), ("a:\n b: 1\nc:\n    d: 1\n", 1), ("  a:\n    b: 1\n", 2)],
)
def test_indent_step(text: str, step: int) -> None:
    assert indent_step(locate.compose(text), text) == step


def test_indent_step_without_a_document() -> None:
    assert indent_step(None, "") == 2
