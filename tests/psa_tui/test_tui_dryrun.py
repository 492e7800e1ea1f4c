"""The dry-run adapter against the real runner, at a tiny CPU size."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

import psa_config
from psa_tui import dryrun

pytest.importorskip("torch")


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    def start(self, total: int) -> None:
        self.events.append(f"start {total}")

    def step(self, description: str) -> None:
        self.events.append(description)

    def advance(self) -> None:
        self.events.append("advance")


def test_is_available_with_the_kernels_extra() -> None:
    assert dryrun.unavailable_reason() is None


def test_runs_the_unsaved_text(config_path: Path) -> None:
    text = config_path.read_text().replace("8: [0.15, 0.25]", "8: [0.15, 0.15]", 1)
    text = text.replace("0: [0.25, 1.00]", "0: [0.15, 1.00]", 1)
    progress = Recorder()
    report = dryrun.run(text, str(config_path), "Wan2.1_1.3b", "psa_topk", progress, video=(256, 256, 9), heads=1)
    console = Console(width=120, record=True)
    console.print(report)
    out = console.export_text()
    assert "psa_topk" in out and "FLOP density" in out
    assert "expected 0.088" in out  # .05 + .05/2 + .05/4 = .0875 with level 8 emptied
    assert progress.events[0] == "start 3" and progress.events.count("advance") == 3


def test_the_report_speaks_to_the_tui_not_the_command_line(config_path: Path) -> None:
    """No command-line options in the TUI's report, "1 head" in the singular, no CPU speedup, local data."""
    report = dryrun.run(config_path.read_text(), str(config_path), "Wan2.1_1.3b", "psa_topk", Recorder(),
                        heads=dryrun.TUI_HEADS)
    console = Console(width=200, record=True)
    console.print(report)
    out = console.export_text()
    assert "REDUCED SIZE" in out and "1 head, batch 1" in out and "data local" in out
    assert " --" not in out and "(--" not in out
    assert "say nothing about GPU speed" in out
    assert not [line for line in out.splitlines() if "speedup" in line and "no speedup is shown" not in line]


def test_text_with_errors_is_refused(config_path: Path) -> None:
    text = config_path.read_text().replace("attn_impl: new_mask_type", "attn_impl: nope", 1)
    with pytest.raises(psa_config.ConfigError):
        dryrun.run(text, str(config_path), "Wan2.1_1.3b", "psa_topk", Recorder(), video=(256, 256, 9), heads=1)
