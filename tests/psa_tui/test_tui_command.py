"""``psa-config tui``: argument handling, missing extra, unreadable files, lazy imports."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from psa_config.cli import main


def test_missing_file_is_exit_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tui", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml: no such file" in capsys.readouterr().err


def test_folder_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tui", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_without_textual_says_what_to_install(
    config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "textual" else real(name, *a))
    assert main(["tui", str(config_path)]) == 2
    assert "pip install 'psa-config[tui]'" in capsys.readouterr().err


def test_runs_the_app_on_the_file(config_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psa_tui.app import PsaConfigApp

    opened: list[Path] = []

    def fake_run(self: PsaConfigApp) -> None:
        opened.append(self.session.path)
        self._return_code = 0

    monkeypatch.setattr(PsaConfigApp, "run", fake_run)
    assert main(["tui", str(config_path)]) == 0
    assert opened == [config_path]


def test_default_file_argument() -> None:
    from psa_config.cli import build_parser

    assert Path(build_parser().parse_args(["tui"]).file) == Path("configs/attention_config.yaml")


def test_command_module_imports_no_textual() -> None:
    code = "import sys, psa_config.cli as c; c.build_parser(); print('textual' in sys.modules, 'psa_tui' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
