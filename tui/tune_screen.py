"""ctrl+t: a short tune of the selected preset in a worker, and its Pareto points to apply.

The tune runs on the CPU (objective: density; the error: worst relative L2 on
local-attention data at a small size), copying the selected preset's other
settings. The budget defaults to the selected preset's own error on the same
data, so every point offered is at least as accurate as what the preset does
now, measured the same way. enter on a row sets that point's fields
(block size, mask_ratios, mask_mode, attn_impl, use_sim_mask) on the preset:
one undo step, through the edit engine.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, ProgressBar
from textual.worker import get_current_worker

if TYPE_CHECKING:
    from psa_config.edit import Document
    from psa_kernels.tune.report import TuneReport

TUI_TRIALS = 12
TUI_MAX_TOKENS = 2048
"""Sequence length of the tune's one sample: a few seconds per trial with the CPU reference."""
TUI_HEADS = 1
INSTALL_HINT = "Tuning needs the kernels and tune extras: pip install 'psa-config[kernels,tune]'"
Fields = dict[str, Any]


def unavailable_reason() -> str | None:
    """None when torch, optuna and ``psa_kernels.tune`` can be found; otherwise what to install."""
    for name in ("torch", "optuna", "psa_kernels"):
        if importlib.util.find_spec(name) is None:
            return INSTALL_HINT
    return None if importlib.util.find_spec("psa_kernels.tune") is not None else INSTALL_HINT


def open_tune(app: Any) -> None:
    """The app's ctrl+t action: tune the preset under the tree cursor, apply the point the user picks."""
    target = app._preset_target()
    if target is None or target.preset is None:
        return
    reason = unavailable_reason()
    if reason:
        app.notify(reason, title="Tune unavailable", severity="warning")
        return
    model, preset = target.model, target.preset

    def apply(fields: Fields | None) -> None:
        if fields:
            app.apply(lambda: app.session.edit(lambda doc: set_fields(doc, model, preset, fields)), select=target)

    app.push_screen(TuneScreen(app.session.text, str(app.session.path), model, preset), apply)


def set_fields(doc: Document, model: str, preset: str, fields: Fields) -> Document:
    for key, value in fields.items():
        doc = doc.set_value(model, preset, key, value)
    return doc


@dataclass(frozen=True)
class TuneJob:
    """One short tune of ``preset``: the unsaved text, and the budget (None: the preset's own error)."""

    text: str
    path: str
    model: str
    preset: str
    budget: float | None
    trials: int = TUI_TRIALS

    def run(self, on_trial: Any) -> tuple[TuneReport, float]:
        """(report, budget used). Raises ``psa_config.ConfigError`` when the text has errors."""
        from psa_config import load_text
        from psa_kernels.dryrun.defaults import model_defaults
        from psa_kernels.dryrun.geometry import reduced_video
        from psa_kernels.tune.runner import TuneRequest, run_tune
        from psa_kernels.tune.space import SearchSpace

        section = load_text(self.text, self.path).model(self.model)
        video = reduced_video(section, model_defaults(self.model).video, TUI_MAX_TOKENS)
        request = TuneRequest(
            config_path=self.path, text=self.text, model=self.model, section=section, max_error=1.0,
            source_preset=self.preset, preset_name=_free_name(section.attention_configs), space=SearchSpace(),
            objective="density", trials=self.trials, samples=1, video=video, heads=TUI_HEADS, device="cpu",
        )
        request.max_error = self.budget if self.budget is not None else _own_error(request)
        return run_tune(request, on_trial), request.max_error


def _own_error(request: Any) -> float:
    """The selected preset's worst relative L2 on the tune's samples (its own budget)."""
    import torch

    from psa_kernels.tune.measure import measure
    from psa_kernels.tune.runner import prepare_samples

    samples = prepare_samples(request, torch.device("cpu"))
    return max(1e-6, measure(request.section, request.source_preset, samples).worst_error("rel-l2"))


def _free_name(presets: dict[str, Any]) -> str:
    name, number = "psa_tuned", 2
    while name in presets:
        name, number = f"psa_tuned_{number}", number + 1
    return name


class TuneScreen(ModalScreen["Fields | None"]):
    BINDINGS = [Binding("escape", "close", "Close")]
    DEFAULT_CSS = """
    TuneScreen #tune-budget-row { height: auto; }
    TuneScreen #tune-budget { width: 24; }
    TuneScreen #tune-points { height: 12; }
    """

    def __init__(self, text: str, path: str, model: str, preset: str) -> None:
        super().__init__()
        self.job = TuneJob(text, path, model, preset, None)
        self.fields: list[Fields] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"Tune {self.job.model} / {self.job.preset}: {self.job.trials} trials on the CPU "
                        "(density vs worst relative L2, local data, small size)", classes="question")
            with Horizontal(id="tune-budget-row"):
                yield Label("max rel-l2 ")
                yield Input(placeholder="this preset's error", id="tune-budget")
            yield ProgressBar(total=self.job.trials, show_eta=False, id="tune-progress")
            yield Label("loading torch and optuna…", id="tune-status")
            yield DataTable(id="tune-points", cursor_type="row", zebra_stripes=True)
            yield Label("enter on a row: apply it to the preset · enter in the budget: tune again · escape: close",
                        classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("trial", "mode", "n", "ends of 1 2 4 8", "density", "worst rel-l2")
        self.run_tune(self.job)

    @on(Input.Submitted, "#tune-budget")
    def _budget(self, event: Input.Submitted) -> None:
        try:
            budget = float(event.value) if event.value.strip() else None
        except ValueError:
            self.query_one("#tune-status", Label).update(f"not a number: {event.value!r}")
            return
        if budget is not None and not budget > 0:
            self.query_one("#tune-status", Label).update("the budget must be positive")
            return
        self.job = TuneJob(self.job.text, self.job.path, self.job.model, self.job.preset, budget)
        self.query_one(ProgressBar).update(progress=0)
        self.run_tune(self.job)

    @work(thread=True, exclusive=True)
    def run_tune(self, job: TuneJob) -> None:
        worker = get_current_worker()

        def on_trial(point: Any, number: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled  # stops the study between trials
            self.app.call_from_thread(self._trial_done, number)

        try:
            report, budget = job.run(on_trial)
        except _Cancelled:
            return
        except Exception as exc:  # a failed tune is reported, never fatal to the editor
            if not worker.is_cancelled:
                self.app.call_from_thread(self._status, _failure(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, report, budget)

    def _trial_done(self, number: int) -> None:
        self.query_one(ProgressBar).advance(1)
        self._status(f"trial {number + 1} of {self.job.trials}")

    def _status(self, text: str) -> None:
        self.query_one("#tune-status", Label).update(text)

    def _show(self, report: TuneReport, budget: float) -> None:
        table = self.query_one(DataTable)
        table.clear()
        front = report.front
        self.fields = [p.candidate.fields() for p in front.front]
        for point in front.front:
            c, m = point.candidate, point.measurement
            table.add_row(str(point.number), c.mode, str(c.n), " ".join(f"{e:.2f}" for e in c.ends),
                          f"{m.density:.3f}", f"{m.worst_error('rel-l2'):.4f}")
        own = "" if self.job.budget is not None else " (this preset's own error)"
        found = f"{len(front.front)} Pareto points" if front.front else "no preset within the budget"
        self._status(f"budget rel-l2 {budget:.4f}{own}: {found} from {len(front.points)} measured presets")
        if front.front:
            table.focus()

    @on(DataTable.RowSelected, "#tune-points")
    def _pick(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.fields):
            self.workers.cancel_all()
            self.dismiss(self.fields[event.cursor_row])

    def action_close(self) -> None:
        self.workers.cancel_all()
        self.dismiss(None)


class _Cancelled(Exception):
    """The screen closed while the tune ran."""


def _failure(exc: Exception) -> str:
    from psa_config.errors import ConfigError

    if isinstance(exc, ConfigError):
        return f"Fix the errors first: {exc}"
    return f"Tune failed: {type(exc).__name__}: {exc}"
