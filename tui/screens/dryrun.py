"""Dry-run the selected preset in a worker thread, with progress, and show the report."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static
from textual.worker import get_current_worker

from psa_config.errors import ConfigError

from psa_tui import dryrun


class _ThreadProgress:
    """Forwards the runner's progress from the worker thread to the screen."""

    def __init__(self, screen: DryRunScreen) -> None:
        self.screen = screen

    def start(self, total: int) -> None:
        self.screen.app.call_from_thread(self.screen.query_one(ProgressBar).update, total=total, progress=0)

    def step(self, description: str) -> None:
        self.screen.app.call_from_thread(self.screen.query_one("#dryrun-stage", Label).update, description)

    def advance(self) -> None:
        self.screen.app.call_from_thread(self.screen.query_one(ProgressBar).advance, 1)


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
            yield Label(f"Dry-run of {self.model} / {self.preset} (CPU, reduced size)", classes="question")
            yield ProgressBar(total=None, show_eta=False, id="dryrun-progress")
            yield Label("loading torch…", id="dryrun-stage")
            with VerticalScroll(id="dryrun-report"):
                yield Static("", id="dryrun-text")
            yield Label("arrows / page keys: scroll   escape: close", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dryrun-report").focus()  # arrows and page keys scroll the report
        self.run_it()

    @work(thread=True, exclusive=True)
    def run_it(self) -> None:
        worker = get_current_worker()
        report: RenderableType
        try:
            report = dryrun.run(self.text, self.path, self.model, self.preset, _ThreadProgress(self), heads=dryrun.TUI_HEADS)
        except ConfigError as exc:
            report = Text(f"Fix the errors first: {exc}", style="red")
        except Exception as exc:  # a failed dry-run is reported, never fatal to the editor
            report = Text(f"Dry-run failed: {type(exc).__name__}: {exc}", style="red")
        if not worker.is_cancelled:
            self.app.call_from_thread(self._finish, report)

    def _finish(self, report: RenderableType) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.query_one("#dryrun-stage", Label).update("done")
        self.query_one("#dryrun-text", Static).update(report)

    def action_close(self) -> None:
        self.workers.cancel_all()
        self.dismiss(None)
