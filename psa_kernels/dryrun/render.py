"""The human report (rich: a table per preset, the pyramid as bars) and the progress display."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from psa_config.report import use_color
from psa_kernels.dryrun.report import LEVEL_ORDER, DryRunReport, PresetResult

BAR_WIDTH = 30
LEVEL_NAMES: dict[int, str] = {1: "1 (full)", 2: "2 (pooled 2x)", 4: "4 (pooled 4x)", 8: "8 (pooled 8x)", 0: "0 (skipped)"}
LEVEL_STYLES: dict[int, str] = {1: "green", 2: "cyan", 4: "blue", 8: "magenta", 0: "dim"}


def is_fancy(stream: TextIO) -> bool:
    """Colour and box drawing only on a terminal, and never under NO_COLOR (as ``check`` decides)."""
    return use_color(os.environ, stream)


PLAIN_WIDTH = 10_000
"""Off a terminal nothing is wrapped: a line is as long as its text (files and pipes keep sentences whole)."""


def console_for(stream: TextIO) -> Console:
    if is_fancy(stream):
        return Console(file=stream)
    return Console(file=stream, color_system=None, force_terminal=False, width=PLAIN_WIDTH, emoji=False,
                   highlight=False, soft_wrap=True)


def print_report(report: DryRunReport, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    console_for(stream).print(report_renderable(report, fancy=is_fancy(stream)))


def report_renderable(report: DryRunReport, *, fancy: bool = True) -> Group:
    """The whole report as one rich renderable (the TUI shows it as is)."""
    parts: list[RenderableType] = [header(report)]
    for preset in report.presets:
        parts += [Text(""), preset_table(preset, report, fancy)]
        parts += [Text(f"  warning [{w.code}]: {w.message}", style="yellow") for w in preset.warnings]
    return Group(*parts)


def header(report: DryRunReport) -> Group:
    lines = [Text(f"psa-config dry-run: {report.model} ({report.config})", style="bold")]
    if report.reduction is not None:
        r = report.reduction
        w, h, f = r.requested_video
        lines.append(
            Text(
                f"REDUCED SIZE: {r.reason}. Requested {w}x{h}x{f} (seq {r.requested_seq_len}, "
                f"{_count(r.requested_heads, 'head')}, batch {r.requested_batch}); ran the size below.",
                style="bold yellow",
            )
        )
    width, height, depth = report.grid
    lines += [
        Text(
            f"video {report.video[0]}x{report.video[1]}x{report.video[2]} -> token grid {width} x {height} x {depth} "
            f"(width x height x depth) = {report.grid_tokens} tokens + {report.text_length} text = seq {report.seq_len}"
        ),
        Text(
            f"shape B={report.batch} H={report.heads} L={report.seq_len} D={report.head_dim}, {report.dtype}, "
            f"data {report.data}, seed {report.seed}"
        ),
        Text(
            f"device {report.device} ({report.device_name}); times: median of {report.repeat} ({report.timer}); "
            f"dense SDPA {report.dense_ms:.2f} ms"
        ),
    ]
    lines += [Text(f"note: {note}", style="dim") for note in report.notes]
    return Group(*lines)


def preset_table(preset: PresetResult, report: DryRunReport, fancy: bool) -> Table:
    table = Table(
        title=_title(preset),
        title_justify="left",
        box=box.ROUNDED if fancy else box.ASCII,
        show_header=False,
        expand=False,
    )
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_column("detail")
    _density_rows(table, preset, fancy)
    _time_rows(table, preset, report)
    _error_rows(table, preset)
    table.add_row("peak memory", _bytes(preset.peak_memory_bytes), report.memory)
    return table


def _title(preset: PresetResult) -> str:
    if preset.type == "dense":
        return f"{preset.name} (dense: the baseline)"
    s = preset.settings
    return (
        f"{preset.name} (psa, {s['mask_mode']}, {s['attn_impl']}, m={s['block_m']} n={s['block_n']} "
        f"tile_n={s['tile_n']}, backend {preset.backend})"
    )


def _density_rows(table: Table, preset: PresetResult, fancy: bool) -> None:
    expected = preset.expected_density
    detail = "expected: data-dependent (thresholdbound)" if expected is None else f"expected {expected:.3f}"
    table.add_row("FLOP density", f"{preset.density:.3f}", detail)
    table.add_row("sparsity", f"{1 - preset.density:.3f}", "")
    for level in LEVEL_ORDER:
        share = preset.level_shares.get(level, 0.0)
        flops = share / level if level else 0.0
        table.add_row(f"level {LEVEL_NAMES[level]}", f"{share:6.1%}", _bar(share, level, fancy, flops))


def _bar(share: float, level: int, fancy: bool, flops: float) -> Text:
    cells = round(share * BAR_WIDTH)
    bar = Text(("█" if fancy else "#") * cells, style=LEVEL_STYLES[level] if fancy else "")
    bar.append(("·" if fancy else ".") * (BAR_WIDTH - cells), style="dim" if fancy else "")
    if level:
        bar.append(f" {flops:.3f} of dense FLOPs")
    return bar


def _time_rows(table: Table, preset: PresetResult, report: DryRunReport) -> None:
    t = preset.times
    unit = "ms (CPU)" if report.device != "cuda" else "ms"
    if t.estimate_ms is not None and t.mask_ms is not None:
        table.add_row("estimate", f"{t.estimate_ms:.2f} {unit}", "")
        table.add_row("mask", f"{t.mask_ms:.2f} {unit}", "")
        # on the CPU the "kernel" is the PyTorch reference, which does not skip work: no efficiency to report
        efficiency = (f"kernel/ideal {preset.kernel_over_ideal:.2f}" if report.device == "cuda"
                      else "kernel/ideal: CUDA only (the CPU runs the reference)")
        table.add_row("kernel", f"{t.kernel_ms:.2f} {unit}", efficiency)
    table.add_row("total", f"{t.total_ms:.2f} {unit}", f"dense SDPA {preset.dense_ms:.2f} {unit}")
    if report.device == "cuda":  # a CPU run times the reference, which does not skip work: no speedup to show
        table.add_row("speedup", f"{preset.speedup:.2f}x", f"kernel only {preset.kernel_speedup:.2f}x")


def _error_rows(table: Table, preset: PresetResult) -> None:
    e = preset.errors
    if e is None:
        return
    table.add_row("error vs dense", f"rel L2 {e.dense_rel_l2:.4f}", f"cosine {e.dense_cosine:.4f}")
    if e.reference_rel_l2 is None:
        table.add_row("error vs reference", "n/a", e.reference_note or "")
    else:
        table.add_row("error vs reference", f"rel L2 {e.reference_rel_l2:.2e}", f"{len(e.reference_blocks)} sampled query blocks")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


class RichProgress:
    """The runner's progress sink, drawn on stderr with rich."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task = progress.add_task("dry-run", total=None)

    def start(self, total: int) -> None:
        self._progress.update(self._task, total=total)

    def step(self, description: str) -> None:
        self._progress.update(self._task, description=description)

    def advance(self) -> None:
        self._progress.advance(self._task)


@contextmanager
def progress_display() -> Iterator[RichProgress | None]:
    """A transient progress bar on stderr, only when stderr is a terminal (stdout stays clean)."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=sys.stderr), transient=True) as progress:
        yield RichProgress(progress)
