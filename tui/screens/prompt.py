"""Ask for a preset or model name, refusing empty or taken names as you type."""

from __future__ import annotations

from collections.abc import Collection

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label


class PresetName(Validator):
    """A non-empty name, without spaces or YAML-special leading characters, not already taken."""

    def __init__(self, taken: Collection[str], what: str = "preset") -> None:
        super().__init__()
        self.taken = set(taken)
        self.where = "in this model" if what == "preset" else "in this file"

    def validate(self, value: str) -> ValidationResult:
        name = value.strip()
        if not name:
            return self.failure("a name is needed")
        if name in self.taken:
            return self.failure(f"{name!r} already exists {self.where}")
        if any(ch.isspace() for ch in name) or name[0] in "-?:,[]{}#&*!|>'\"%@`":
            return self.failure("use letters, digits, '_', '.' or '-' (not first)")
        return self.success()


class NamePrompt(ModalScreen[str | None]):
    """Dismisses with the entered name, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, taken: Collection[str], value: str = "", what: str = "preset") -> None:
        super().__init__()
        self.title_text = title
        self.taken = taken
        self.initial = value
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="question")
            yield Input(self.initial, placeholder=f"{self.what} name", validators=[PresetName(self.taken, self.what)], id="name")
            yield Label("", id="name-error", classes="error-line")
            yield Label("type to replace the suggestion; enter: ok   escape: cancel", classes="hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        message = "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        self.query_one("#name-error", Label).update(message)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if result is None or result.is_valid:
            self.dismiss(event.value.strip())
        else:
            self.query_one("#name-error", Label).update("; ".join(result.failure_descriptions))

    def action_cancel(self) -> None:
        self.dismiss(None)
