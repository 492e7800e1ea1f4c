"""Reading: positions, YAML 1.1 vs 1.2, duplicates, anchors and merges, hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from psa_config import check, check_text
from psa_config.errors import UnreadableInputError
from psa_config.source import read_source


def codes_at(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in check_text(text)]


@pytest.mark.parametrize(
    ("scalar", "runtime_sees"),
    [("yes", "true"), ("off", "false"), ("On", "true"), ("1e-3", "'1e-3'"), ("1.0e3", "'1.0e3'"),
     ("0755", "493"), ("12:30", "750"), ("2024-01-01", "date")],
)
def test_scalars_read_differently_by_yaml11_and_yaml12_are_flagged(base_text: str, scalar: str, runtime_sees: str) -> None:
    text = base_text.replace('      description: "Balanced."', f"      description: {scalar}")
    found = [d for d in check_text(text) if d.code == "PSA003"]
    assert [(d.line, d.column) for d in found] == [(15, 20)]
    assert runtime_sees in found[0].message


@pytest.mark.parametrize("scalar", ["true", "false", "0.5", "1.0e-3", "0x1F", "07", "~", "'yes'", '"1e-3"', "True"])
def test_scalars_both_readers_agree_on_are_not_flagged(base_text: str, scalar: str) -> None:
    text = base_text.replace('      description: "Balanced."', f"      description: {scalar}")
    assert "PSA003" not in {d.code for d in check_text(text)}


def test_merge_keys_point_at_the_anchor_definition() -> None:
    text = """\
_defaults: &ratios
  1: [0.0, 0.4]
  2: [0.45, 0.5]
M:
  default_attention: p
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    p:
      type: psa
      use_sim_mask: false
      block_size: {m: 128, n: 128, tile_n: 32}
      mask_ratios:
        <<: *ratios
        4: [0.5, 0.6]
        8: [0.6, 0.8]
        0: [0.8, 1.0]
      mask_mode: topk
      attn_impl: new_mask_type
      use_rearrange: true
      rearrange_method: Gilbert
      warmup_steps: 0
"""
    found = [(d.code, d.line) for d in check_text(text)]
    assert ("PSA203", 3) in found  # the gap is written in the anchor, on line 3
    assert ("PSA103", 1) in found  # `_defaults` is not a model section: it lacks a model's keys


def test_duplicate_key_keeps_last_value_like_the_runtime(base_text: str) -> None:
    text = base_text.replace("      warmup_steps: 15", "      warmup_steps: 15\n      warmup_steps: -3")
    found = codes_at(text)
    assert ("PSA002", 32, 7) in found
    assert ("PSA105", 32, 21) in found  # the last value is the one validated


def test_syntax_error_is_located() -> None:
    found = codes_at("M:\n  a: [1, 2\n  b: 3\n")
    assert found and found[0][0] == "PSA001" and found[0][1] >= 2


def test_tabs_get_a_clear_message() -> None:
    diagnostics = check_text("M:\n\tdefault_attention: x\n")
    assert diagnostics[0].code == "PSA001"
    assert "tab" in diagnostics[0].message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_empty_document(text: str) -> None:
    assert [d.code for d in check_text(text)] == ["PSA004"]


def test_root_must_be_a_mapping() -> None:
    diagnostics = check_text("- a\n- b\n")
    assert [(d.code, d.line) for d in diagnostics] == [("PSA102", 1)]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 10)]
    start = time.perf_counter()
    diagnostics = check_text("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 30  # a bound on runaway expansion, not a speed goal
    assert diagnostics[0].code == "PSA001"
    assert "alias" in diagnostics[0].message
    top_key = lines[diagnostics[0].line - 1].split(":")[0]
    assert f"`{top_key}`" in diagnostics[0].message  # located at the key whose value explodes


def test_many_aliases_of_one_anchor_are_not_a_bomb(base_text: str) -> None:
    ratios = "        1: [0.0, 0.4]\n        2: [0.4, 0.5]\n        4: [0.5, 0.6]\n        8: [0.6, 0.8]\n        0: [0.8, 1.0]\n"
    head, preset = base_text.split("    psa_balanced:\n")
    first = "    psa_balanced:\n" + preset.replace("      mask_ratios:\n", "      mask_ratios: &ratios\n")
    copies = "".join(
        f"    p{i}:\n" + preset.replace(ratios, "        <<: *ratios\n").replace('"Balanced."', f'"Copy {i}."') for i in range(3000)
    )
    source = read_source(head + first + copies, "x")
    assert source.readable, source.diagnostics[:1]
    assert len(source.data["Wan2.1_14b"]["attention_configs"]) == 3002


def test_deep_nesting_is_a_located_error() -> None:
    text = "[" * 5000 + "]" * 5000
    diagnostics = check_text(text)
    assert diagnostics and diagnostics[0].code == "PSA001"


def test_multiple_documents_are_an_error() -> None:
    assert check_text("a: 1\n---\nb: 2\n")[0].code == "PSA001"


def test_binary_and_non_utf8_files_are_unreadable(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x00\x01\x02abc")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("M:\n  description: caf\xe9\n".encode("latin-1"))
    with pytest.raises(UnreadableInputError, match="binary"):
        check(binary)
    with pytest.raises(UnreadableInputError, match=r"latin.yaml:2: not UTF-8"):
        check(latin)


def test_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(UnreadableInputError, match="too large"):
        check(big)


def test_missing_and_directory_inputs(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match="no such file"):
        check(tmp_path / "nope.yaml")
    with pytest.raises(UnreadableInputError, match="directory"):
        check(tmp_path)


def test_bom_and_crlf_are_read(base_text: str) -> None:
    text = "\ufeff" + base_text.replace("\n", "\r\n")
    assert check_text(text) == []


def test_spans_are_one_based(base_text: str) -> None:
    source = read_source(base_text, "x")
    assert source.key_span(("Wan2.1_14b",)).line == 2
    assert source.key_span(("Wan2.1_14b",)).column == 1
    assert source.value_span(("Wan2.1_14b", "attention_configs", "psa_balanced", "block_size", "n")).column == 12
