"""Values are written so that PyYAML (YAML 1.1, the runtime) and YAML 1.2 read them back exactly."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from psa_config.edit.formatting import decimals_of, format_float, format_number, format_string

YAML12 = YAML(typ="safe", pure=True)


def both(text: str) -> tuple[object, object]:
    return yaml.safe_load(f"k: {text}")["k"], YAML12.load(f"k: {text}")["k"]


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 4))
def test_floats_read_back_exactly(value: float, decimals: int) -> None:
    text = format_float(value, decimals)
    assert "e" not in text.lower() and "." in text
    assert both(text) == (value, value)
    assert decimals_of(text) >= decimals  # type: ignore[operator]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=30), st.sampled_from([None, '"', "'"]))
def test_strings_read_back_exactly(value: str, style: str | None) -> None:
    assert both(format_string(value, style)) == (value, value)


@pytest.mark.parametrize(
    ("value", "like", "expected"),
    [(0.55, "0.50", "0.55"), (0.5, "0.00", "0.50"), (0.05, "0.0", "0.05"), (1, "0.0", "1.0"),
     (64, "128", "64"), (0.5, "1", "0.5"), (1e-7, "0.0", "0.0000001"), (3, None, "3")],
)
def test_number_style(value: float, like: str | None, expected: str) -> None:
    assert format_number(value, like) == expected


@pytest.mark.parametrize("value", ["yes", "Off", "y", "1e-3", "0755", "0x1F", "1_000", "null", "~", "", "12:30", "=", "-"])
def test_values_the_readers_disagree_on_are_quoted(value: str) -> None:
    assert format_string(value).startswith('"')


@pytest.mark.parametrize("value", ["topk", "Gilbert", "new_mask_type", "./psa_logs/", "Dense baseline"])
def test_plain_when_safe(value: str) -> None:
    assert format_string(value) == value
