"""The dry-run runner as a library (what the TUI calls): progress steps, reduction, rendering."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

import psa_config
from psa_kernels.dryrun import DryRunRequest, run_dry_run
from psa_kernels.dryrun.render import print_report, report_renderable
from psa_kernels.dryrun.runner import DryRunInputError

PUBLISHED = Path(__file__).resolve().parents[2] / "configs" / "attention_config.yaml"


class RecordingProgress:
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def start(self, total: int) -> None:
        self.events.append(("start", total))

    def step(self, description: str) -> None:
        self.events.append(("step", description))

    def advance(self) -> None:
        self.events.append(("advance", None))


def _request(model: str, presets: list[str], **options: object) -> DryRunRequest:
    section = psa_config.load(PUBLISHED).model(model)
    return DryRunRequest(str(PUBLISHED), model, section, presets, device="cpu", **options)  # type: ignore[arg-type]


def test_progress_reports_one_step_per_preset() -> None:
    progress = RecordingProgress()
    report = run_dry_run(_request("CogVideo_5b", ["baseline", "psa_4steps"], video=(64, 64, 5)), progress)
    assert [p.name for p in report.presets] == ["baseline", "psa_4steps"]
    assert progress.events[0] == ("start", 4)
    assert ("step", "preset psa_4steps") in progress.events
    assert sum(1 for kind, _ in progress.events if kind == "advance") == 4


def test_small_cpu_request_is_not_reduced() -> None:
    report = run_dry_run(_request("Wan2.1_1.3b", ["psa_topk"], video=(64, 64, 5), heads=2))
    assert report.reduction is None and report.heads == 2 and report.seq_len == 4 * 4 * 2


def test_full_size_keeps_heads_on_the_cpu() -> None:
    report = run_dry_run(_request("Wan2.1_1.3b", ["psa_topk"], video=(64, 64, 5), heads=3, full_size=True))
    assert report.reduction is None and report.heads == 3


def test_unknown_data_kind_is_an_input_error() -> None:
    with pytest.raises(DryRunInputError, match="--data 'noise'"):
        run_dry_run(_request("Wan2.1_1.3b", ["psa_topk"], video=(64, 64, 5), data="noise"))


def test_renderable_draws_bars_on_a_terminal_and_plain_text_elsewhere() -> None:
    report = run_dry_run(_request("Wan2.1_1.3b", ["baseline", "psa_topk"], video=(128, 128, 9)))
    console = Console(file=io.StringIO(), width=120, force_terminal=True, color_system="truecolor")
    console.print(report_renderable(report, fancy=True))
    fancy = console.file.getvalue()  # type: ignore[attr-defined]
    assert "█" in fancy and "\x1b[" in fancy and "psa_topk" in fancy
    plain = io.StringIO()
    print_report(report, plain)
    text = plain.getvalue()
    assert "█" not in text and "\x1b[" not in text and "#" in text
    assert "baseline (dense: the baseline)" in text and "expected 0.100" in text
    # the CPU's "kernel" is the reference: no kernel/ideal figure that would read as a measured efficiency
    assert "kernel/ideal: CUDA only" in text and "kernel/ideal 0." not in text
