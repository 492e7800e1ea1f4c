"""YAML 1.1 / 1.2 ambiguous plain scalars used as mapping KEYS (PSA003), at every depth of the file.

`on:` as a preset name is the boolean True to the runtime (PyYAML) and the string "on" to YAML 1.2
readers; `010:` as a level is 8 to PyYAML and 10 to YAML 1.2. Expected positions are searched in the
text, independently of the checker.
"""

from __future__ import annotations

import pytest

from psa_config import check_text

BASE = """\
Wan2.1_14b:
  default_attention: psa_balanced
  video_scale:
    width_divisor: 16
    height_divisor: 16
    depth_divisor: 4
  text_length: 0
  attention_configs:
    baseline:
      type: dense
    psa_balanced:
      type: psa
      use_rearrange: true
      use_sim_mask: false
      block_size: {m: 128, n: 128, tile_n: 32}
      mask_ratios:
        1: [0.0, 0.4]
        2: [0.4, 0.5]
        4: [0.5, 0.6]
        8: [0.6, 0.8]
        0: [0.8, 1.0]
      mask_mode: thresholdbound
      attn_impl: new_mask_type
      warmup_steps: 15
      rearrange_method: Gilbert
      sim_thresholds:
        x2: 0.7
        x4: 0.65
        x8: 0.6
"""


def key_positions(text: str, key: str) -> set[tuple[int, int]]:
    """Every (line, column) where `key:` starts a mapping entry, found by plain text search."""
    found = set()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith(f"{key}:"):
            found.add((number, len(line) - len(stripped) + 1))
    return found


def ambiguity_positions(text: str) -> set[tuple[int, int]]:
    return {(d.line, d.column) for d in check_text(text) if d.code == "PSA003"}


def messages(text: str) -> list[str]:
    return [d.message for d in check_text(text) if d.code == "PSA003"]


# name: (a line of BASE, what replaces it, the ambiguous key it adds)
KEY_CASES = {
    "yes as the model name": ("Wan2.1_14b:", "yes:", "yes"),
    "Yes as the model name": ("Wan2.1_14b:", "Yes:", "Yes"),
    "on as an unused preset name": ("    baseline:", "    on:", "on"),
    "OFF as an unused preset name": ("    baseline:", "    OFF:", "OFF"),
    "no as a video_scale key": ("    depth_divisor: 4", "    depth_divisor: 4\n    no: 4", "no"),
    "off as a sim_thresholds key": ("        x8: 0.6", "        x8: 0.6\n        off: 0.5", "off"),
    "octal 010 as a level key": ("        8: [0.6, 0.8]", "        010: [0.6, 0.8]", "010"),
    "1_0 as a level key": ("        8: [0.6, 0.8]", "        1_0: [0.6, 0.8]", "1_0"),
    "1e3 as a preset key": ("      warmup_steps: 15", "      warmup_steps: 15\n      1e3: 1", "1e3"),
    "sexagesimal 1:30 as a preset name": ("    baseline:", "    1:30:", "1:30"),
}


@pytest.mark.parametrize("old, new, key", KEY_CASES.values(), ids=KEY_CASES.keys())
def test_ambiguous_key_is_reported_at_the_key(old: str, new: str, key: str) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    expected = key_positions(text, key)
    assert len(expected) == 1, (key, expected)
    assert ambiguity_positions(text) == expected
    assert any(f"`{key}`" in message for message in messages(text)), messages(text)


def test_on_as_the_default_preset_is_reported_at_the_key_and_the_reference() -> None:
    text = BASE.replace("psa_balanced", "on")
    key_line = text.splitlines().index("    on:") + 1
    reference_line = text.splitlines().index("  default_attention: on") + 1
    assert ambiguity_positions(text) == {(key_line, 5), (reference_line, len("  default_attention: ") + 1)}


QUIET_CASES = {
    "quoted on": ("    baseline:", '    "on":'),
    "single-quoted yes as the model name": ("Wan2.1_14b:", "'yes':"),
    "a word that starts like a boolean": ("    baseline:", "    online:"),
    "yes inside a longer name": ("Wan2.1_14b:", "Wan_yes:"),
    "true as a key means the same to both readers": ("    baseline:", "    true:"),
    "an unambiguous level key": ("        8: [0.6, 0.8]", "        8: [0.6, 0.8]"),
}


@pytest.mark.parametrize("old, new", QUIET_CASES.values(), ids=QUIET_CASES.keys())
def test_unambiguous_keys_are_not_reported(old: str, new: str) -> None:
    assert old in BASE
    assert ambiguity_positions(BASE.replace(old, new, 1)) == set()
