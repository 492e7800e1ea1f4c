"""What PSA003 says about each kind of YAML 1.1 / 1.2 disagreement, and the rewrite it proposes."""

from __future__ import annotations

import pytest

from psa_config import check_text

HEAD = """\
Wan2.1_14b:
  default_attention: p
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    p:
      type: psa
      description: VALUE
"""

CASES = {
    "yes": (
        "`yes` means the boolean true to the runtime (PyYAML, YAML 1.1) but the str 'yes' to YAML 1.2 readers",
        'write `true` for a boolean, or quote it (`"yes"`) for a string',
    ),
    "Off": (
        "`Off` means the boolean false to the runtime (PyYAML, YAML 1.1) but the str 'Off' to YAML 1.2 readers",
        'write `false` for a boolean, or quote it (`"Off"`) for a string',
    ),
    "1e3": (
        "`1e3` means the str '1e3' to the runtime (PyYAML, YAML 1.1) but the float 1000.0 to YAML 1.2 readers",
        "write the number with a dot and a signed exponent, e.g. `1000.0`",
    ),
    "1e-7": (
        "`1e-7` means the str '1e-7' to the runtime (PyYAML, YAML 1.1) but the float 1e-07 to YAML 1.2 readers",
        "write the number with a dot and a signed exponent, e.g. `1.0e-07`",
    ),
    "12e-7": (
        "`12e-7` means the str '12e-7' to the runtime (PyYAML, YAML 1.1) but the float 1.2e-06 to YAML 1.2 readers",
        "write the number with a dot and a signed exponent, e.g. `1.2e-06`",
    ),
    "5e20": (
        "`5e20` means the str '5e20' to the runtime (PyYAML, YAML 1.1) but the float 5e+20 to YAML 1.2 readers",
        "write the number with a dot and a signed exponent, e.g. `5.0e+20`",
    ),
    "0755": (
        "`0755` means the int 493 to the runtime (PyYAML, YAML 1.1) but the int 755 to YAML 1.2 readers",
        "write `493` (what the runtime reads) or `0o755`, without a leading zero",
    ),
    "0o17": (
        "`0o17` means the str '0o17' to the runtime (PyYAML, YAML 1.1) but the int 15 to YAML 1.2 readers",
        'quote it (`"0o17"`) if you mean a string, or write the value unambiguously',
    ),
    "1:30": (
        "`1:30` means the int 90 to the runtime (PyYAML, YAML 1.1) but the str '1:30' to YAML 1.2 readers",
        'quote it (`"1:30"`) if you mean a string, or write the value unambiguously',
    ),
}


@pytest.mark.parametrize("value", CASES)
def test_the_message_names_both_readings_and_the_fix_an_unambiguous_spelling(value: str) -> None:
    text = HEAD.replace("VALUE", value)
    found = [(d.line, d.column, d.message, d.fix) for d in check_text(text) if d.code == "PSA003"]
    assert found == [(8, 20, *CASES[value])]


@pytest.mark.parametrize("value", [".nan", ".NaN", "!!str yes", "!!float 1e3", "~", "true", "0.5", "'yes'"])
def test_values_both_readers_agree_on_are_not_reported(value: str) -> None:
    """NaN equals NaN here; an explicit tag decides the type for both readers."""
    assert [d for d in check_text(HEAD.replace("VALUE", value)) if d.code == "PSA003"] == []
