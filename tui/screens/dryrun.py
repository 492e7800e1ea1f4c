"""Dry-run the selected preset in a worker thread, with progress, and show the report."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static
from textual.worker import get_current_worker

from psa_tui import dryrun


class DryRunScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, text: str, path: str, model: str, preset: str) -> None:
        super().__init__()
        self.text = text
        self.path = path
        self.model = model
        self.preset = preset

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"Dry-run of {self.model} / {self.preset} (small CPU size)", classes="question")
            yield ProgressBar(total=dryrun.STEPS, show_eta=False, id="dryrun-progress")
            yield Label("starting…", id="dryrun-stage")
            with VerticalScroll(id="dryrun-report"):
                yield Static("", id="dryrun-text")
            yield Label("escape: close", classes="hint")

    def on_mount(self) -> None:
        self.run_it()

    @work(thread=True, exclusive=True)
    def run_it(self) -> None:
        worker = get_current_worker()

        def progress(stage: str) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._advance, stage)

        try:
            report = dryrun.run(self.text, self.path, self.model, self.preset, progress)
        except Exception as exc:  # a dry-run failure is shown, never fatal to the editor
            report = f"[red]Dry-run failed:[/] {type(exc).__name__}: {exc}"
        if not worker.is_cancelled:
            self.app.call_from_thread(self._finish, report)

    def _advance(self, stage: str) -> None:
        self.query_one(ProgressBar).advance(1)
        self.query_one("#dryrun-stage", Label).update(stage)

    def _finish(self, report: object) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(progress=bar.total or 0)
        self.query_one("#dryrun-stage", Label).update("done")
        self.query_one("#dryrun-text", Static).update(report)

    def action_close(self) -> None:
        self.workers.cancel_all()
        self.dismiss(None)
