"""Every subcommand on hostile files: exit 0, 1 or 2 with a message, never a traceback.

Files are the conformance cases and the reference presets, mutated line by line with the
inputs that broke readers before (tabs, tags, nulls, merges, BOMs, stray quotes), or raw
bytes in other encodings. Each command runs in-process through ``psa_config.cli.main``:
any exception that escapes it fails the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psa_config.cli import main

ROOT = Path(__file__).resolve().parents[3]
SEEDS = [ROOT / "configs" / "attention_config.yaml", *sorted((ROOT / "tests" / "data" / "conformance" / "cases").glob("*.yaml"))]
HOSTILE = [
    "\t", " \t# c", "!!bool maybe", "!!timestamp notadate", "!!python/tuple [1, 2]", "!foo bar", "!!set {a, b}",
    "!!int '5'", "null", "~", "", "&a", "*a", "*nowhere", "<<: *a", "? ", "'", '"', "{", "[", "]", ":", "- ",
    "\ufeff", "\r", "\u2028", "1e3", "0x1f", "yes", "128.0", "[0.6, 0.5]", "{1: [0, 1]}", "-1", "1_0", "=",
]
EDITS = [
    ["set", "{f}", "{m}", "{p}", "warmup_steps=3"],
    ["set", "{f}", "{m}", "{p}", "mask_ratios.8=0.9,0.9"],
    ["new", "{f}", "{m}", "fuzzed_new"],
    ["new", "{f}", "{m}", "fuzzed_copy", "--from", "{p}"],
    ["rm", "{f}", "{m}", "{p}"],
    ["rename", "{f}", "{m}", "{p}", "fuzzed_renamed"],
    ["default", "{f}", "{m}", "{p}"],
    ["model", "new", "{f}", "Wan_fuzzed", "--text-length", "0"],
    ["model", "set", "{f}", "{m}", "text_length=7"],
    ["model", "rm", "{f}", "{m}"],
    ["model", "rename", "{f}", "{m}", "Wan_renamed"],
]
CHECKS = [["check", "{f}"], ["check", "--format", "json", "{f}"], ["check", "--format", "sarif", "{f}"],
          ["check", "--format", "github", "--strict", "{f}"]]


@st.composite
def hostile_files(draw: st.DrawFn) -> bytes:
    text = SEEDS[draw(st.integers(0, len(SEEDS) - 1))].read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        token = draw(st.sampled_from(HOSTILE))
        action = draw(st.sampled_from(["append", "replace_value", "insert", "delete", "duplicate"]))
        lines = _mutate(lines, at, token, action)
    data = "".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return data.encode(encoding, errors="replace")


def _mutate(lines: list[str], at: int, token: str, action: str) -> list[str]:
    if not lines:
        return [token + "\n"]
    line = lines[at]
    body = line.rstrip("\r\n")
    end = line[len(body):]
    if action == "append":
        lines[at] = body + token + end
    elif action == "replace_value" and ":" in body:
        lines[at] = body.split(":", 1)[0] + ": " + token + end
    elif action == "insert":
        lines.insert(at, " " * (len(body) - len(body.lstrip())) + token + "\n")
    elif action == "delete":
        del lines[at]
    else:
        lines.insert(at, line)
    return lines


def _names(data: bytes) -> tuple[str, str]:
    """A model and preset of the file when it reads as one, else names that exist nowhere."""
    try:
        loaded: Any = yaml.safe_load(data.decode("utf-8"))
        model, section = next(iter(loaded.items()))
        preset = next(iter(section["attention_configs"]))
        return str(model), str(preset)
    except Exception:  # noqa: BLE001 - any unreadable file gets made-up names
        return "Wan2.1_14b", "psa_balanced"


def _run(argv: list[str], path: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    path.write_bytes(data)
    model, preset = _names(data)
    args = [a.format(f=path, m=model, p=preset) for a in argv]
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (args, code)
    assert "Traceback" not in out + err, (args, err)
    if code == 2:
        assert err.strip(), (args, "exit 2 without a message")


FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)


@FUZZ
@given(data=hostile_files(), argv=st.sampled_from(CHECKS + EDITS))
def test_no_command_gives_a_traceback(data: bytes, argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(argv, tmp_path / "attention_config.yaml", data, capsys)


@settings(FUZZ, max_examples=max(5, settings.default.max_examples // 10))
@given(data=hostile_files())
def test_dry_run_gives_no_traceback(data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    argv = ["dry-run", "{f}", "--model", "{m}", "--preset", "{p}", "--device", "cpu", "--video", "64x64x1", "--heads", "1"]
    _run(argv, tmp_path / "attention_config.yaml", data, capsys)
