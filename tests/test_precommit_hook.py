"""The pre-commit hook other repositories use: its manifest, and its entry run on fixtures."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "precommit"
GOOD = FIXTURES / "good" / "attention_config.yaml"
BAD = FIXTURES / "bad" / "attention_config.yaml"
WARN = FIXTURES / "warn" / "attention_config.yaml"


def hook() -> dict[str, Any]:
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [entry] = [h for h in manifest if h["id"] == "psa-config-check"]
    return entry


def command() -> list[str]:
    """The hook's entry as pre-commit runs it: the console script, then the hook's args."""
    program, *rest = shlex.split(hook()["entry"])
    script = Path(sys.executable).with_name(program)
    found = str(script) if script.exists() else shutil.which(program)
    launcher = [found] if found else [sys.executable, "-m", "psa_config.cli"]
    return [*launcher, *rest, *hook().get("args", [])]


def run_hook(*files: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the entry the way pre-commit does: from the repository root, with the staged files appended."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [*command(), *(str(f) for f in files)], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_manifest_declares_a_python_hook_for_yaml() -> None:
    entry = hook()
    assert entry["language"] == "python"
    assert entry["verbose"] is True  # warnings of a passing commit are printed
    assert entry["types"] == ["yaml"]
    assert shlex.split(entry["entry"])[:2] == ["psa-config", "check"]
    assert entry.get("pass_filenames", True) is True


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        ("attention_config.yaml", True),
        ("configs/attention_config.yaml", True),
        ("models/wan/attention_config.yml", True),
        ("configs/attention_config.yaml.bak", False),
        ("configs/model_config.yaml", False),
        (".pre-commit-config.yaml", False),
    ],
)
def test_files_pattern_selects_attention_configs(path: str, selected: bool) -> None:
    assert bool(re.search(hook()["files"], path)) is selected


def test_manifest_passes_pre_commit_validation() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))


@pytest.mark.parametrize(
    ("files", "code"),
    [((GOOD,), 0), ((WARN,), 0), ((BAD,), 1), ((GOOD, BAD), 1), ((GOOD, WARN), 0)],
    ids=["good", "warnings-only", "bad", "good+bad", "good+warn"],
)
def test_entry_exit_codes(files: tuple[Path, ...], code: int, tmp_path: Path) -> None:
    result = run_hook(*files, cwd=tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_entry_reports_located_errors(tmp_path: Path) -> None:
    result = run_hook(BAD, cwd=tmp_path)
    located = re.findall(rf"^{re.escape(str(BAD))}:(\d+):(\d+): error (PSA\d+)", result.stdout, re.MULTILINE)
    assert {(int(line), code) for line, _, code in located} >= {(16, "PSA003")}
    assert any(int(line) == 22 for line, _, _ in located)  # the ratios without level 8
    assert "\x1b[" not in result.stdout


def test_entry_on_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_hook(tmp_path / "attention_config.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_pre_commit_try_repo_fails_a_broken_file_and_shows_warnings_on_a_passing_one(tmp_path: Path) -> None:
    """The hook as pre-commit really installs it (its own venv, `pip install` of this repository).

    ``verbose: true`` in the manifest is what makes the warnings of a passing run visible.
    """
    if shutil.which("git") is None:
        pytest.fail("git is needed to run pre-commit")
    pytest.importorskip("pre_commit")
    repo = tmp_path / "user-repo"
    for kind, source in (("clean", WARN), ("broken", BAD)):
        (repo / kind).mkdir(parents=True)
        shutil.copyfile(source, repo / kind / "attention_config.yaml")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)

    def try_repo(path: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "psa-config-check", "--files", path]
        return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    passing = try_repo("clean/attention_config.yaml")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert re.search(r"psa-config check\.+Passed", passing.stdout)
    assert "clean/attention_config.yaml:25:9: warning PSA401" in passing.stdout  # shown although it passed
    failing = try_repo("broken/attention_config.yaml")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert re.search(r"psa-config check\.+Failed", failing.stdout)
    assert "broken/attention_config.yaml:16:" in failing.stdout and "error PSA003" in failing.stdout
