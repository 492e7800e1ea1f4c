"""Exact line AND column of diagnostics all through the reference file and deep into long files.

Every expected position here is computed from the text itself (searching for a key, counting
indentation), never taken from the checker or its YAML reader, so an off-by-one anywhere in the file
(say, every line from 61 on) fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psa_config import check_text
from psa_config.cli import main

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "configs" / "attention_config.yaml"
TEXT = REFERENCE.read_text(encoding="utf-8")
LINES = TEXT.splitlines()


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def is_entry(line: str) -> bool:
    """A `key: ...` or `key:` line of a block mapping."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", "-")) and re.match(r"^[^\s:#][^:]*:(\s|$)", stripped) is not None


def key_of(line: str) -> str:
    return line.strip().split(":", 1)[0]


def parent_key(lines: list[str], index: int) -> str | None:
    """The key of the nearest entry above, less indented: the mapping this line belongs to."""
    own = indentation(lines[index])
    for above in reversed(lines[:index]):
        if is_entry(above) and indentation(above) < own:
            return key_of(above)
    return None


def find_line(lines: list[str], *path: str) -> int:
    """1-based line of the entry at a key path, found by indentation alone."""
    start, depth = 0, -1
    for key in path:
        start = next(
            i for i in range(start, len(lines)) if is_entry(lines[i]) and indentation(lines[i]) > depth and key_of(lines[i]) == key
        )
        depth = indentation(lines[start])
    return start + 1


def key_column(lines: list[str], line: int) -> int:
    return indentation(lines[line - 1]) + 1


def value_column(lines: list[str], line: int) -> int:
    """Column of the first character after `key:` and its spaces."""
    text = lines[line - 1]
    after_colon = text.index(":", indentation(text)) + 1
    return after_colon + len(text[after_colon:]) - len(text[after_colon:].lstrip(" ")) + 1


def positions(text: str, *codes: str) -> list[tuple[str, int, int]]:
    return sorted((d.code, d.line, d.column) for d in check_text(text) if not codes or d.code in codes)


# --- the reference file as it is ------------------------------------------------------------

# (code, model, preset, key path inside the preset, key or value): what the published presets do
# differently from what they say (README, "On the bundled reference presets").
REFERENCE_FINDINGS = [
    ("PSA401", "Wan2.1_1.3b", "psa_topk", ("mask_ratios", "4"), "key"),
    ("PSA401", "Wan2.1_1.3b", "psa_topk", ("mask_ratios", "8"), "key"),
    ("PSA401", "Wan2.2_A14B", "psa_balanced", ("mask_ratios", "8"), "key"),
    ("PSA401", "Wan2.2_5B", "psa_balanced", ("mask_ratios", "8"), "key"),
    ("PSA401", "CogVideo1.5_5b", "psa_balanced", ("mask_ratios", "8"), "key"),
    ("PSA402", "CogVideo1.5_5b", "psa_balanced", ("attn_impl",), "value"),
    ("PSA402", "CogVideo_5b", "psa_balanced", ("attn_impl",), "value"),
    ("PSA403", "CogVideo_5b", "psa_4steps", ("use_rearrange",), "value"),
]


def test_every_diagnostic_of_the_reference_file_is_at_its_exact_line_and_column() -> None:
    expected = []
    for code, model, preset, path, at in REFERENCE_FINDINGS:
        line = find_line(LINES, model, "attention_configs", preset, *path)
        column = key_column(LINES, line) if at == "key" else value_column(LINES, line)
        expected.append((code, line, column))
    assert positions(TEXT) == sorted(expected)
    assert max(line for _, line, _ in expected) > 200


def readme_locations() -> list[tuple[int, int, str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"configs/attention_config\.yaml:(\d+):(\d+): (\w+) (PSA\d{3})", readme)
    return [(int(line), int(column), severity, code) for line, column, severity, code in found]


def test_readme_locations_are_what_the_cli_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert readme_locations(), "README shows no location of the reference file"
    status = main(["check", str(REFERENCE)])
    printed = capsys.readouterr().out
    assert status == 0
    for line, column, severity, code in readme_locations():
        assert re.search(rf"attention_config\.yaml:{line}:{column}: {severity} {code} ", printed), (line, column, printed)
    assert "attention_config.yaml:108:9: warning PSA401 " in printed


# --- a mistake planted on every line of the reference file ---------------------------------

PROBE = "typo_key: 1"


def probe_expectation(lines: list[str], index: int) -> list[tuple[str, int, int]]:
    """What `typo_key: 1`, inserted as line index+1 at the indentation of the entry it precedes, must give."""
    line, key_col = index + 1, indentation(lines[index]) + 1
    value_col = key_col + len("typo_key: ")
    parent = parent_key(lines, index)
    if parent == "mask_ratios":
        return [("PSA201", line, key_col), ("PSA202", line, value_col)]
    if parent == "attention_configs":
        return [("PSA102", line, value_col)]
    return [("PSA101", line, key_col)]


NESTED_ENTRIES = [i for i, line in enumerate(LINES) if is_entry(line) and indentation(line) >= 2]


def shifted(baseline: list[tuple[str, int, int]], from_line: int) -> list[tuple[str, int, int]]:
    return [(code, line + (line >= from_line), column) for code, line, column in baseline]


def test_the_probe_reaches_past_line_60_in_every_section() -> None:
    assert len(NESTED_ENTRIES) > 200
    assert {parent_key(LINES, i) for i in NESTED_ENTRIES} >= {"mask_ratios", "attention_configs", "block_size", "video_scale", "sim_thresholds"}


@pytest.mark.parametrize("index", NESTED_ENTRIES, ids=lambda i: f"line{i + 1}")
def test_a_key_inserted_anywhere_is_reported_at_its_line_and_column(index: int) -> None:
    lines = LINES[:index] + [" " * indentation(LINES[index]) + PROBE] + LINES[index:]
    text = "\n".join(lines) + "\n"
    expected = probe_expectation(lines, index) + shifted(positions(TEXT), index + 1)
    assert positions(text) == sorted(expected)


SCALAR_ENTRIES = [
    i for i in NESTED_ENTRIES if LINES[i].split(":", 1)[1].strip() and not LINES[i].split(":", 1)[1].strip().startswith(("[", "{"))
]


@pytest.mark.parametrize("index", SCALAR_ENTRIES, ids=lambda i: f"line{i + 1}")
def test_an_ambiguous_value_anywhere_is_reported_at_its_line_and_column(index: int) -> None:
    lines = list(LINES)
    lines[index] = lines[index].split(":", 1)[0] + ": yes"
    ambiguous = positions("\n".join(lines) + "\n", "PSA003")
    assert ambiguous == [("PSA003", index + 1, value_column(lines, index + 1))]


# --- long synthetic files -----------------------------------------------------------------


@dataclass(frozen=True)
class Plant:
    """A mistake: the key path (inside a preset) of the line it replaces, the new line, the code, key or value."""

    path: tuple[str, ...]
    line: str
    code: str
    at: str


PLANTS = [
    Plant(("warmup_steps",), "      warmup_stepz: 0", "PSA101", "key"),
    Plant(("block_size", "n"), '        n: "128"', "PSA102", "value"),
    Plant(("block_size", "tile_n"), "        tile_n: 48", "PSA301", "value"),
    Plant(("mask_mode",), "      mask_mode: TopK", "PSA104", "value"),
    Plant(("use_sim_mask",), "      use_sim_mask: off", "PSA003", "value"),
    Plant(("mask_ratios", "2"), "        2: [0.45, 0.5]", "PSA203", "value"),
    Plant(("mask_ratios", "2"), "        2: [0.35, 0.5]", "PSA203", "value"),
    Plant(("mask_ratios", "4"), "        3: [0.5, 0.6]", "PSA201", "key"),
    Plant(("mask_ratios", "0"), "        0: [0.8, 0.9]", "PSA204", "value"),
    Plant(("warmup_steps",), "      warmup_steps: -3", "PSA105", "value"),
]


def preset_lines(name: str) -> list[str]:
    return [
        f"    {name}:",
        "      type: psa",
        f'      description: "preset {name}"',
        "      use_rearrange: true",
        "      rearrange_method: Gilbert",
        "      use_sim_mask: false",
        "      block_size:",
        "        m: 128",
        "        n: 128",
        "        tile_n: 32",
        "      mask_ratios:",
        "        1: [0.0, 0.4]",
        "        2: [0.4, 0.5]",
        "        4: [0.5, 0.6]",
        "        8: [0.6, 0.8]",
        "        0: [0.8, 1.0]",
        "      mask_mode: topk",
        "      attn_impl: new_mask_type",
        "      warmup_steps: 0",
    ]


def long_file(models: int, presets: int) -> list[str]:
    lines: list[str] = []
    for m in range(models):
        lines += [f"Wan_model_{m}:", f"  default_attention: p{m}_0", "  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}",
                  "  text_length: 0", "  attention_configs:"]
        for p in range(presets):
            lines += preset_lines(f"p{m}_{p}")
    return lines


def test_a_long_file_of_clean_presets_is_clean() -> None:
    assert positions("\n".join(long_file(3, 6)) + "\n") == []


@settings(max_examples=2 * settings.default.max_examples)
@given(st.integers(1, 4), st.integers(1, 8), st.data())
def test_a_mistake_deep_in_a_long_file_is_reported_at_its_line_and_column(models: int, presets: int, data: st.DataObject) -> None:
    lines = long_file(models, presets)
    model, preset = data.draw(st.integers(0, models - 1)), data.draw(st.integers(0, presets - 1))
    plant = data.draw(st.sampled_from(PLANTS))
    line = find_line(lines, f"Wan_model_{model}", "attention_configs", f"p{model}_{preset}", *plant.path)
    lines[line - 1] = plant.line
    column = key_column(lines, line) if plant.at == "key" else value_column(lines, line)
    found = [(d.line, d.column) for d in check_text("\n".join(lines) + "\n") if d.code == plant.code]
    assert found == [(line, column)]


def test_the_long_files_reach_far_past_line_60() -> None:
    lines = long_file(4, 8)
    assert find_line(lines, "Wan_model_3", "attention_configs", "p3_7", "warmup_steps") > 600
