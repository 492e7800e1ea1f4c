"""Preview the unified diff before saving; a text with new errors needs an explicit forced save."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from psa_config.diagnostics import Diagnostic


class DiffScreen(ModalScreen[str]):
    """Dismisses with ``"save"``, ``"force"`` or ``"cancel"``."""

    BINDINGS = [
        Binding("y,ctrl+s", "choose('save')", "Save"),
        Binding("escape,n", "choose('cancel')", "Cancel"),
    ]

    def __init__(self, diff: str, new_errors: list[Diagnostic], changed_lines: int,
                 new_warnings: list[Diagnostic] | None = None) -> None:
        super().__init__()
        self.diff = diff
        self.new_errors = new_errors
        self.new_warnings = new_warnings or []
        self.changed_lines = changed_lines

    @property
    def errors(self) -> int:
        return len(self.new_errors)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.summary(), classes="question")
            with VerticalScroll(id="diff-view"):
                if self.new_errors:
                    yield Label("New errors (lines of the text after these changes):", classes="error-line")
                for d in self.new_errors:
                    yield Label(f"[red]line {d.line}:{d.column} {escape(d.code)}[/] {escape(d.message)}", classes="error-line")
                if self.new_warnings:
                    yield Label("New warnings (they do not block saving; lines of the text after these changes):",
                                classes="warning-line")
                for d in self.new_warnings:
                    yield Label(f"[b]line {d.line}:{d.column} {escape(d.code)}[/] {escape(d.message)}",
                                classes="warning-line")
                yield Static(colour_diff(self.diff or "(no changes)"), id="diff-text")
            with Horizontal(classes="buttons"):
                if self.errors:
                    yield Button("Save with errors", variant="error", id="force")
                else:
                    yield Button("Save (y)", variant="success", id="save")
                yield Button("Cancel (n)", variant="primary", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#diff-view").focus()  # arrows and page keys scroll the diff

    def summary(self) -> str:
        count = self.changed_lines
        changed = f"{count} line{'s' if count != 1 else ''} changed"
        added = [f"{n} {kind}(s)" for n, kind in ((self.errors, "error"), (len(self.new_warnings), "warning")) if n]
        verdict = f"; it adds {' and '.join(added)}" if added else ""
        return f"Save these changes? {changed}{verdict}{': saving needs force' if self.errors else ''}"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_choose(self, choice: str) -> None:
        if choice == "save" and self.errors:
            self.notify("The text has new errors: use 'Save with errors' to force", severity="warning")
            return
        self.dismiss(choice)


def colour_diff(diff: str) -> Text:
    """The diff as typed, whitespace kept exactly; added lines green, removed red, hunks cyan."""
    text = Text(no_wrap=True)
    for line in diff.splitlines(keepends=True):
        style = "bold" if line.startswith(("+++", "---")) else {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
        text.append(line, style=style)
    return text
