"""The Pareto table, the terminal plot and the progress bar (rich and plotext, on a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.table import Table

from psa_kernels.tune.pareto import Front, Point
from psa_kernels.tune.report import TuneReport

CHOSEN_MARK = "*"
MODE_LABELS = {"topk": "topk", "thresholdbound": "thresh"}
PLOT_SIZE = (72, 18)
PIPE_WIDTH = 160
"""Table width when stdout is not a terminal (rich would use 80 and squeeze the error columns)."""


def pareto_table(report: TuneReport, per_sample: bool = False) -> Table:
    front = report.front
    table = Table(title=_title(report), title_justify="left", caption=_caption(report, per_sample),
                  caption_justify="left")
    for name in ("", "trial", "mode", "n", "ends of 1 2 4 8", "density"):
        table.add_column(name, justify="left" if name in ("mode", "ends of 1 2 4 8") else "right", no_wrap=True)
    if report.on_cuda:
        table.add_column("speedup", justify="right")
        table.add_column("kernel", justify="right")
    table.add_column(f"worst {front.metric}", justify="right")
    table.add_column(f"mean {front.metric}", justify="right")
    labels = [s.label for s in report.samples] if per_sample else []
    for label in labels:
        table.add_column(label, justify="right")
    for point in front.front:
        table.add_row(*_row(point, front, report.on_cuda, labels), style="bold" if point is front.chosen else None)
    return table


def _title(report: TuneReport) -> str:
    front = report.front
    what = "speedup" if front.objective == "speed" else "density"
    return (f"Pareto front of {report.model}: {what} vs worst-sample {front.metric} <= {front.max_error:g} "
            f"({len(front.feasible)} of {len(front.points)} measured presets within budget; "
            f"{CHOSEN_MARK} = chosen)")


def _caption(report: TuneReport, per_sample: bool) -> str:
    errors = f"worst/mean: over the {len(report.samples)} samples" + ("; one column per sample" if per_sample else "")
    speed = "; speedup: dense SDPA time / (estimate + mask + kernel), kernel: dense / kernel" if report.on_cuda else ""
    return f"thresh = thresholdbound; ends: where levels 1, 2, 4, 8 end (0 takes the rest); {errors}{speed}"


def _row(point: Point, front: Front, cuda: bool, labels: list[str]) -> list[str]:
    m, c = point.measurement, point.candidate
    cells = [CHOSEN_MARK if point is front.chosen else "", str(point.number), MODE_LABELS[c.mode], str(c.n),
             " ".join(f"{end:.2f}" for end in c.ends), f"{m.density:.3f}"]
    if cuda:
        cells += [f"{m.speedup:.2f}x", f"{m.kernel_speedup:.2f}x"]
    cells += [f"{m.worst_error(front.metric):.4f}", f"{m.mean_error(front.metric):.4f}"]
    errors = {s.label: s.error(front.metric) for s in m.samples}
    return cells + [f"{errors[label]:.4f}" if label in errors else "" for label in labels]


def print_report(report: TuneReport, *, per_sample: bool = False, plot: bool = True) -> None:
    console = Console(width=None if sys.stdout.isatty() else PIPE_WIDTH)
    console.print(pareto_table(report, per_sample))
    if report.front.chosen is None:
        console.print(f"no measured preset is within the budget ({report.front.metric} <= {report.front.max_error:g})")
    if plot:
        sys.stdout.write(terminal_plot(report.front, report.on_cuda, color=sys.stdout.isatty()) + "\n")
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)
    console.print(
        f"{report.trials_run} trials in {report.elapsed_s:.1f} s on {report.device_name} "
        f"(study {report.study!r}: {report.trials_total} trials, {report.rejected} rejected by the checker)",
        highlight=False,
    )


def axis(front: Front, cuda: bool) -> tuple[str, Any]:
    """The x axis: speedup on CUDA runs optimised for speed, density otherwise."""
    if cuda and front.objective == "speed":
        return "speedup vs dense", lambda p: p.measurement.speedup
    return "density", lambda p: p.measurement.density


def terminal_plot(front: Front, cuda: bool, color: bool = False) -> str:
    """Every measured preset (x) and the Pareto front (o, chosen: *), worst error vs the x axis."""
    import plotext as plt

    label, x_of = axis(front, cuda)
    plt.clear_figure()
    plt.plotsize(*PLOT_SIZE)
    plt.theme("clear")
    others = [p for p in front.points if p not in front.front]
    if others:
        plt.scatter([x_of(p) for p in others], [p.worst(front.metric) for p in others], marker="x", label="measured")
    if front.front:
        plt.scatter([x_of(p) for p in front.front], [p.worst(front.metric) for p in front.front], marker="o",
                    label="Pareto front")
    if front.chosen is not None:
        plt.scatter([x_of(front.chosen)], [front.chosen.worst(front.metric)], marker="*", label="chosen")
    plt.horizontal_line(front.max_error)
    plt.xlabel(label)
    plt.ylabel(f"worst {front.metric}")
    text = str(plt.build())
    return text if color else plt.uncolorize(text)


class TrialProgress:
    """A rich progress bar on stderr with the best feasible preset so far (silent off a terminal)."""

    def __init__(self, progress: Any, total: int, objective: str, metric: str, max_error: float) -> None:
        self.progress = progress
        self.task = progress.add_task("trial 0", total=total) if progress is not None else None
        self.objective, self.metric, self.max_error = objective, metric, max_error
        self.best: Point | None = None

    def __call__(self, point: Point | None, number: int) -> None:
        if point is not None and point.worst(self.metric) <= self.max_error:
            if self.best is None or point.score(self.objective) > self.best.score(self.objective):
                self.best = point
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=f"trial {number}: {self._best_text()}")

    def _best_text(self) -> str:
        if self.best is None:
            return "no preset within budget yet"
        m = self.best.measurement
        value = f"speedup {m.speedup:.2f}x" if self.objective == "speed" else f"density {m.density:.3f}"
        return f"best {value}, {self.metric} {m.worst_error(self.metric):.4f} ({self.best.candidate.label()})"


@contextmanager
def progress_display(total: int, objective: str, metric: str, max_error: float) -> Iterator[TrialProgress]:
    if not sys.stderr.isatty():
        yield TrialProgress(None, total, objective, metric, max_error)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=Console(file=sys.stderr), transient=True) as progress:
        yield TrialProgress(progress, total, objective, metric, max_error)
