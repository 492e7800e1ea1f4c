"""Preview the unified diff before saving; offers a forced save when the text has errors."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class DiffScreen(ModalScreen[str]):
    """Dismisses with ``"save"``, ``"force"`` or ``"cancel"``."""

    BINDINGS = [
        Binding("y,ctrl+s", "choose('save')", "Save"),
        Binding("escape,n", "choose('cancel')", "Cancel"),
    ]

    def __init__(self, diff: str, errors: int) -> None:
        super().__init__()
        self.diff = diff
        self.errors = errors

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self._summary(), classes="question")
            with VerticalScroll(id="diff-view"):
                yield Static(colour_diff(self.diff or "(no changes)"), id="diff-text")
            with Horizontal(classes="buttons"):
                if self.errors:
                    yield Button("Save with errors", variant="error", id="force")
                else:
                    yield Button("Save (y)", variant="success", id="save")
                yield Button("Cancel (n)", variant="primary", id="cancel")

    def _summary(self) -> str:
        lines = sum(1 for line in self.diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---"))
        verdict = f"; it adds {self.errors} error(s): saving needs force" if self.errors else ""
        return f"Save these changes? {lines} changed line(s){verdict}"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_choose(self, choice: str) -> None:
        if choice == "save" and self.errors:
            self.notify("The text has errors: use 'Save with errors' to force", severity="warning")
            return
        self.dismiss(choice)


def colour_diff(diff: str) -> Text:
    """The diff as typed, whitespace kept exactly; added lines green, removed red, hunks cyan."""
    text = Text(no_wrap=True)
    for line in diff.splitlines(keepends=True):
        style = "bold" if line.startswith(("+++", "---")) else {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
        text.append(line, style=style)
    return text
