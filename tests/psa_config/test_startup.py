"""What ``psa-config check`` imports: start-up time is the product in a pre-commit hook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "torch", "triton", "textual", "rich", "ruamel", "pydantic", "jsonschema",
    "importlib.metadata", "psa_config.report.sarif", "psa_config.model", "psa_config.edit",
)


def modules_after(*argv: str) -> set[str]:
    code = (
        "import contextlib, io, sys; from psa_config.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(sys.argv[1:])\n"
        "print('\\n'.join(sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_check_imports_nothing_heavy() -> None:
    loaded = modules_after("check", "configs/attention_config.yaml")
    assert "psa_config.report.text" in loaded
    assert not {name for name in loaded if name.split(".")[0] in HEAVY or name in HEAVY}


def test_version_is_looked_up_only_when_asked() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "psa_config.cli", "--version"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("psa-config ")
