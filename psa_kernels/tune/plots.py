"""The Pareto plot as a PNG (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

from psa_kernels.tune.render import axis
from psa_kernels.tune.report import TuneReport


def save_plot(report: TuneReport, path: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    front = report.front
    label, x_of = axis(front, report.on_cuda)
    figure, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    others = [p for p in front.points if p not in front.front]
    ax.scatter([x_of(p) for p in others], [p.worst(front.metric) for p in others],
               marker="x", color="0.6", label="measured presets")
    ordered = sorted(front.front, key=x_of)
    ax.plot([x_of(p) for p in ordered], [p.worst(front.metric) for p in ordered],
            marker="o", color="tab:blue", label="Pareto front (within budget)")
    if front.chosen is not None:
        ax.scatter([x_of(front.chosen)], [front.chosen.worst(front.metric)], marker="*", s=220,
                   color="tab:red", zorder=3, label=f"chosen (trial {front.chosen.number})")
    ax.axhline(front.max_error, color="tab:red", linestyle="--", linewidth=1, label=f"budget {front.max_error:g}")
    ax.set_xlabel(label)
    ax.set_ylabel(f"worst-sample {front.metric}")
    ax.set_title(f"{report.model} on {report.device_name}: {len(front.points)} presets, {len(report.samples)} samples")
    ax.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
