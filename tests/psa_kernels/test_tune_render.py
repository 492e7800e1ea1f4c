"""The CUDA face of the results (speed objective): table columns, plots and the comment line, on made-up points."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

pytest.importorskip("optuna")

from psa_kernels.tune.measure import Measurement, SampleMeasurement  # noqa: E402
from psa_kernels.tune.pareto import Point, pareto_front  # noqa: E402
from psa_kernels.tune.plots import save_plot  # noqa: E402
from psa_kernels.tune.render import pareto_table, terminal_plot  # noqa: E402
from psa_kernels.tune.report import TuneReport  # noqa: E402
from psa_kernels.tune.space import Candidate  # noqa: E402
from psa_kernels.tune.write import comment_text  # noqa: E402


def point(number: int, kernel_ms: float, error: float) -> Point:
    sample = SampleMeasurement("qkv_layer000_step000_pass0.safetensors", 0.2, error, 1 - error, kernel_ms + 1.0,
                               kernel_ms, 10.0)
    ends = (0.1 + number / 100, 0.2, 0.3, 0.4)
    return Point(number, Candidate("topk", 128, ends), Measurement((sample,)))


@pytest.fixture
def report() -> TuneReport:
    points = [point(0, 4.0, 0.05), point(1, 2.0, 0.09), point(2, 1.0, 0.3)]
    sample = SimpleNamespace(label="qkv_layer000_step000_pass0.safetensors", seq_len=32760, video=(832, 480, 81))
    return TuneReport(config="c.yaml", model="Wan2.1_1.3b", device="cuda", device_name="NVIDIA H200", study="s",
                      storage=None, trials_run=3, trials_total=3, rejected=0, elapsed_s=1.0,
                      samples=[sample],  # type: ignore[list-item]
                      front=pareto_front(points, "speed", "rel-l2", 0.1))


def test_speed_is_the_objective_and_the_table_shows_it(report: TuneReport) -> None:
    assert report.front.chosen is not None and report.front.chosen.number == 1  # fastest within 0.1
    console = Console(width=200, record=True)
    console.print(pareto_table(report, per_sample=True))
    text = console.export_text()
    assert "speedup" in text and "3.33x" in text and "5.00x" in text  # 10 / (2 + 1) end to end, 10 / 2 kernel
    assert "qkv_layer000_step000_pass0.safetensors" in text


def test_plots_put_speedup_on_the_x_axis(report: TuneReport, tmp_path: Path) -> None:
    assert "speedup vs dense" in terminal_plot(report.front, cuda=True)
    save_plot(report, tmp_path / "p.png")
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"


def test_comment_and_json_carry_the_speedup(report: TuneReport) -> None:
    assert report.front.chosen is not None
    comment = comment_text(report.front.chosen, report)
    assert "on NVIDIA H200" in comment and "speedup 3.33x (kernel 5.00x) vs dense SDPA" in comment
    body = json.loads(json.dumps(report.to_json()))
    assert body["chosen"]["speedup"] == pytest.approx(10 / 3) and body["objective"] == "speed"
