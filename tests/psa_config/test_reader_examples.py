"""Issue #9's reading examples: each gives what the runtime's ``yaml.safe_load`` gives, or its failure, located.

Expected values and positions come from PyYAML's pure-Python loader (the
runtime's reader) at test time, not from constants: the tests pin the
checker to the reader, whatever PyYAML release is installed.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import yaml

from psa_config import check_text
from psa_config.source import Span, read_source
from runtime_equality import same

PRESET = ("Wan2.1_14b", "attention_configs", "psa_balanced")


def edited(base_text: str, old: str, new: str) -> str:
    assert old in base_text
    return base_text.replace(old, new, 1)


def runtime_failure(text: str) -> yaml.MarkedYAMLError:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - the runtime's safe loader
    return caught.value


TAB_CASES = [
    ("      warmup_steps: 15", "      warmup_steps: 15\t"),
    ("      warmup_steps: 15", "      warmup_steps: 15\t# c"),
    ("        1: [0.0, 0.4]", "        1: [0.0,\t0.4]"),
    ("      verbose: false", "      verbose: false\t\t"),
]


@pytest.mark.parametrize(("old", "new"), TAB_CASES)
def test_a_tab_libyaml_skips_is_the_runtimes_syntax_error(base_text: str, old: str, new: str) -> None:
    text = edited(base_text, old, new)
    yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - libyaml accepts it: the reason for this test
    mark = runtime_failure(text).problem_mark
    found = [(d.code, d.line, d.column) for d in check_text(text)]
    assert found == [("PSA001", mark.line + 1, mark.column + 1)]


def test_a_tab_inside_quotes_is_text(base_text: str) -> None:
    text = edited(base_text, '"Balanced."', '"Bal\tanced."')
    assert read_source(text, "x").data["Wan2.1_14b"]["attention_configs"]["psa_balanced"]["description"] == "Bal\tanced."


TAG_VALUES = [
    ("!!int '5'", 5),
    ("!!str 5", "5"),
    ("!!float 1", 1.0),
    ("!!binary aGVsbG8=", b"hello"),
    ("!!timestamp 2024-01-01 10:00:00", datetime.datetime(2024, 1, 1, 10, 0)),
    ("!!omap [{a: 1}, {b: 2}]", [("a", 1), ("b", 2)]),
    ("!!pairs [{a: 1}, {a: 2}]", [("a", 1), ("a", 2)]),
    ("!!set {p, q}", {"p", "q"}),
    ("!<tag:yaml.org,2002:int> 7", 7),
    ("!!null x", None),
]


@pytest.mark.parametrize(("written", "value"), TAG_VALUES)
def test_tags_the_safe_loader_knows_give_its_value(base_text: str, written: str, value: Any) -> None:
    text = edited(base_text, "      warmup_steps: 15", f"      warmup_steps: {written}")
    data = read_source(text, "x").data
    expected = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - the runtime's safe loader
    assert same(expected, data)
    assert same(value, data[PRESET[0]][PRESET[1]][PRESET[2]]["warmup_steps"])


def test_int_tag_on_a_quoted_number_is_the_int_the_runtime_reads(base_text: str) -> None:
    text = edited(base_text, "      warmup_steps: 15", "      warmup_steps: !!int '5'")
    assert [d for d in check_text(text) if d.line == 31] == []


@pytest.mark.parametrize(
    "written", ["!!bool maybe", "!!timestamp notadate", "!!float x", "!!int x", "!!timestamp 2024-13-45"]
)
def test_values_a_known_tag_cannot_build_stop_the_load_located(base_text: str, written: str) -> None:
    text = edited(base_text, "      warmup_steps: 15", f"      warmup_steps: {written}")
    with pytest.raises(Exception):  # noqa: B017, PT011 - the runtime's own failure, whatever its type
        yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506
    diagnostics = check_text(text)
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("PSA001", 31, 21)]
    assert "cannot load" in diagnostics[0].message and written.split()[0] in diagnostics[0].message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("      tile_size: [2, 8, 8]", "      tile_size: !!python/tuple [2, 8, 8]"),
        ('      description: "Balanced."', "      description: !foo bar"),
        ("      warmup_steps: 15", "      warmup_steps: !!merge 1"),
        ("      rearrange_method: Gilbert", "      rearrange_method: ="),
        ("      verbose: false", "      ? [a, b]\n      : 1"),
        ("      warmup_steps: 15", "      warmup_steps: !!binary 'x'"),
        ("      warmup_steps: 15", "      warmup_steps: !!omap [1]"),
        ("      warmup_steps: 15", "      <<: 15"),
    ],
)
def test_what_the_safe_loader_rejects_is_located_where_pyyaml_says(base_text: str, old: str, new: str) -> None:
    text = edited(base_text, old, new)
    mark = runtime_failure(text).problem_mark
    diagnostics = check_text(text)
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("PSA001", mark.line + 1, mark.column + 1)]
    assert diagnostics[0].message.startswith("the runtime cannot load this file")


def test_a_set_tag_reads_as_a_set_and_is_a_wrong_type(base_text: str) -> None:
    old = "      block_size:\n        m: 128\n        n: 128\n        tile_n: 32"
    text = edited(base_text, old, "      block_size: !!set {m, n, tile_n}")
    assert read_source(text, "x").data[PRESET[0]][PRESET[1]][PRESET[2]]["block_size"] == {"m", "n", "tile_n"}
    assert ("PSA102", 18) in [(d.code, d.line) for d in check_text(text)]


@pytest.mark.parametrize("scalar", ["y", "n", "Y", "N"])
def test_y_and_n_are_strings_to_the_runtime(base_text: str, scalar: str) -> None:
    text = edited(base_text, "      verbose: false", f"      verbose: {scalar}")
    assert read_source(text, "x").data[PRESET[0]][PRESET[1]][PRESET[2]]["verbose"] == scalar
    assert ("PSA102", 33) in [(d.code, d.line) for d in check_text(text)]


RATIOS = "        1: [0.0, 0.4]\n        2: [0.4, 0.5]\n        4: [0.5, 0.6]\n        8: [0.6, 0.8]\n        0: [0.8, 1.0]\n"
MERGES = [
    # merged keys come first, whatever the line of `<<`
    ("_r: &r {1: [0.0, 0.4], 2: [0.4, 0.5]}\n", "        4: [0.5, 0.6]\n        8: [0.6, 0.8]\n        0: [0.8, 1.0]\n        <<: *r\n"),
    # an override keeps the merged key's place and takes the written value
    ("_r: &r {1: [0.0, 0.3], 2: [0.4, 0.5]}\n", "        <<: *r\n        1: [0.0, 0.4]\n        4: [0.5, 0.6]\n        8: [0.6, 0.8]\n        0: [0.8, 1.0]\n"),
    # a list of sources, both sharing key 2
    ("_a: &a {1: [0.0, 0.4], 2: [0.4, 0.5]}\n_b: &b {2: [0.4, 0.45], 4: [0.5, 0.6]}\n", "        <<: [*a, *b]\n        8: [0.6, 0.8]\n        0: [0.8, 1.0]\n"),
    # written first, merged rest: the runtime walks 2, 4, 8, 0 before 1
    ("_r: &r {2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}\n", "        1: [0.0, 0.4]\n        <<: *r\n"),
]


@pytest.mark.parametrize(("anchors", "ratios"), MERGES)
def test_merged_mask_ratios_have_the_runtimes_keys_values_and_order(base_text: str, anchors: str, ratios: str) -> None:
    text = anchors + edited(base_text, RATIOS, ratios)
    runtime = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - the runtime's safe loader
    checked = read_source(text, "x").data
    assert same(runtime, checked)
    walked = list(checked[PRESET[0]][PRESET[1]][PRESET[2]]["mask_ratios"])
    chain_errors = {d.code for d in check_text(text) if d.code.startswith("PSA2") and d.is_error}
    assert bool(chain_errors) == (walked != [1, 2, 4, 8, 0])


def test_merge_sources_sharing_keys_give_what_the_installed_pyyaml_gives(base_text: str) -> None:
    """PyYAML 6.0.4 keeps the first source's value for a one-character key and the last's for longer keys."""
    anchors = "_a: &a {x2: 0.1, x4: 0.65}\n_b: &b {x2: 0.2, x8: 0.6}\n_c: &c {1: [0.0, 0.4]}\n_d: &d {1: [0.0, 0.3]}\n"
    text = anchors + edited(base_text, "        x2: 0.7\n        x4: 0.65\n        x8: 0.6\n", "        <<: [*a, *b]\n")
    text = edited(text, "        1: [0.0, 0.4]\n", "        <<: [*c, *d]\n")
    runtime = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - the runtime's safe loader
    assert same(runtime, read_source(text, "x").data)


def test_merged_values_point_at_the_anchor(base_text: str) -> None:
    anchors, ratios = MERGES[0]
    text = anchors + edited(base_text, RATIOS, ratios)
    source = read_source(text, "x")
    assert source.key_span((*PRESET, "mask_ratios", 1)) == Span(1, 9)
    assert source.value_span((*PRESET, "mask_ratios", 2)) == Span(1, anchors.index("[0.4, 0.5]") + 1)
    assert source.key_span((*PRESET, "mask_ratios", 4)).line == text.splitlines().index("        4: [0.5, 0.6]") + 1


def test_a_node_that_contains_itself_is_refused_located() -> None:
    diagnostics = check_text("M: &m\n  a: 1\n  b: *m\n")
    assert [(d.code, d.line) for d in diagnostics] == [("PSA001", 1)]
    assert "contains itself" in diagnostics[0].message


def big_file(presets: int, *, merged: bool) -> str:
    """A valid-shaped file with many presets (each on 9 lines), plain or merging a shared block."""
    shared = "_ratios: &ratios\n  1: [0.0, 0.4]\n  2: [0.4, 0.5]\n  4: [0.5, 0.6]\n  8: [0.6, 0.8]\n  0: [0.8, 1.0]\n"
    ratios = "        <<: *ratios\n" if merged else "".join(f"      {line}\n" for line in shared.splitlines()[1:])
    body = "".join(
        f"    p{i}:\n      type: psa\n      use_sim_mask: false\n      block_size: {{m: 128, n: 128, tile_n: 32}}\n"
        f"      mask_ratios:\n{ratios}"
        for i in range(presets)
    )
    head = "W:\n  default_attention: p0\n  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
    return (shared if merged else "") + head + "  text_length: 0\n  attention_configs:\n" + body


@pytest.mark.parametrize("merged", [False, True])
def test_a_large_valid_file_is_read_without_a_node_limit(merged: bool) -> None:
    text = big_file(1700, merged=merged)
    source = read_source(text, "x")
    assert source.readable, source.diagnostics[:1]
    assert len(source.data["W"]["attention_configs"]) == 1700
    assert source.data["W"]["attention_configs"]["p1699"]["mask_ratios"][0] == [0.8, 1.0]


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x0c", "\ud800", "\ufffe"])
def test_a_character_yaml_forbids_is_located(base_text: str, character: str) -> None:
    text = edited(base_text, '"Balanced."', f'"Bal{character}anced."')
    with pytest.raises(yaml.reader.ReaderError):
        yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - the runtime's safe loader
    line_number, line = next((n, line) for n, line in enumerate(text.split("\n"), 1) if character in line)
    found = [(d.code, d.line, d.column) for d in check_text(text)]
    assert found == [("PSA001", line_number, line.index(character) + 1)]
