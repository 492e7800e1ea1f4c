"""The chosen preset written through the edit engine, with a comment saying what it measured."""

from __future__ import annotations

from psa_config.edit import Document
from psa_kernels.tune.pareto import Point
from psa_kernels.tune.presets import BasePreset, with_candidate
from psa_kernels.tune.report import TuneReport

MAX_NAMED_FILES = 3


def tuned_document(base: BasePreset, name: str, point: Point, report: TuneReport) -> Document:
    """The file with preset ``name`` added: the chosen candidate, a description and a comment line above it."""
    description = (f"Tuned by psa-config tune: worst {report.front.metric} "
                   f"{point.worst(report.front.metric):.4f}, density {point.measurement.density:.3f}.")
    doc = with_candidate(base, name, point.candidate, description)
    return with_comment(doc, base.model, name, comment_text(point, report))


def comment_text(point: Point, report: TuneReport) -> str:
    front, m = report.front, point.measurement
    tokens = sorted({s.seq_len for s in report.samples})
    measured = (f"worst {front.metric} {m.worst_error(front.metric):.4f} (mean {m.mean_error(front.metric):.4f}, "
                f"budget {front.max_error:g}), density {m.density:.3f}")
    if report.on_cuda:
        measured += f", speedup {m.speedup:.2f}x (kernel {m.kernel_speedup:.2f}x) vs dense SDPA"
    return (f"psa-config tune: {len(report.samples)} sample(s) of {_samples_text(report)} "
            f"({'/'.join(map(str, tokens))} tokens) on {report.device_name}, trial {point.number} of "
            f"{report.trials_total}: {measured}")


def _samples_text(report: TuneReport) -> str:
    """``local data`` for generated samples (labelled ``local seed N``), else the first file names."""
    labels = [s.label for s in report.samples]
    kinds = {label.rsplit(" seed ", 1)[0] for label in labels if " seed " in label}
    if len(kinds) == 1 and all(" seed " in label for label in labels):
        return f"{kinds.pop()} data"
    shown = ", ".join(labels[:MAX_NAMED_FILES])
    return shown + (", ..." if len(labels) > MAX_NAMED_FILES else "")


def with_comment(doc: Document, model: str, preset: str, comment: str) -> Document:
    """``doc`` with ``# comment`` on its own line above the preset's key, at the key's indentation."""
    line, column = doc.position(model, preset)
    lines = doc.text.splitlines(keepends=True)
    if lines[line - 1][: column - 1].strip():
        return doc  # the key does not start its line (a flow mapping): no room for a comment line
    newline = "\r\n" if lines[line - 1].endswith("\r\n") else "\n"
    lines.insert(line - 1, f"{' ' * (column - 1)}# {comment}{newline}")
    return Document.from_text("".join(lines), doc.path)
