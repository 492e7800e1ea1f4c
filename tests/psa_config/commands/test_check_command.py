"""`psa-config check` end to end: exit codes, formats, default path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from psa_config.cli import main

ROOT = Path(__file__).resolve().parents[3]


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "psa_config.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=environment, check=False)


def test_reference_file_passes_with_warnings() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert "PSA401" in result.stdout and "Traceback" not in result.stderr


def test_strict_fails_on_warnings() -> None:
    assert run_cli("check", "--strict", "configs/attention_config.yaml").returncode == 1


def test_errors_exit_1_and_json_is_one_object(tmp_path: Path, base_text: str) -> None:
    bad = tmp_path / "attention_config.yaml"
    bad.write_text(base_text.replace("        tile_n: 32", "        tile_n: 48"))
    result = run_cli("check", "--format", "json", str(bad))
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["version"] == 1
    (diagnostic,) = [d for d in payload["diagnostics"] if d["severity"] == "error"]
    assert set(diagnostic) == {"path", "line", "column", "severity", "code", "name", "message", "model", "preset", "field"}
    assert (diagnostic["code"], diagnostic["line"], diagnostic["field"]) == ("PSA301", 21, "block_size.tile_n")


def test_github_format_is_automatic_in_actions(tmp_path: Path, base_text: str) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text(base_text.replace("        tile_n: 32", "        tile_n: 48"))
    result = run_cli("check", str(bad), env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error file=")
    assert ",line=21," in result.stdout


def test_unreadable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\x00\xff")
    result = run_cli("check", str(binary))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "binary" in result.stderr


def test_no_default_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2 and "configs/attention_config.yaml" in result.stderr


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--format", "xml"])
    assert exited.value.code == 2


def test_rules_command_lists_and_explains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "PSA203" in listing and "ratio-gap-or-overlap" in listing
    assert main(["rules", "psa203"]) == 0
    explained = capsys.readouterr().out
    assert "Bad:" in explained and "Good:" in explained and "Fix:" in explained
    assert main(["rules", "PSA999"]) == 2


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    from psa_config.rules.docs import rules_markdown

    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown(), "run: psa-config rules --markdown > docs/rules.md"
