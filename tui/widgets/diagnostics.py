"""The live diagnostics panel: a table of diagnostics and the chosen one's full text.

Choosing a row (enter or click) jumps to the preset and focuses its field.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from psa_config.diagnostics import Diagnostic

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class DiagnosticsPanel(Vertical):
    """Code, line and message of every diagnostic of the current text."""

    class Jump(Message):
        """The user chose a diagnostic: show its preset and focus its field."""

        def __init__(self, diagnostic: Diagnostic) -> None:
            super().__init__()
            self.diagnostic = diagnostic

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.diagnostics: list[Diagnostic] = []

    def compose(self) -> ComposeResult:
        table: DataTable[Text | str | int] = DataTable(id="diagnostics-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("", "code", "line", "where", "message")
        yield table
        yield Static("", id="diagnostic-detail")

    @property
    def table(self) -> DataTable[Text | str | int]:
        return self.query_one("#diagnostics-table", DataTable)

    def show(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        table = self.table
        table.clear()
        for index, diagnostic in enumerate(self.diagnostics):
            table.add_row(*row(diagnostic), key=str(index))
        errors = sum(d.is_error for d in diagnostics)
        self.border_title = f"Diagnostics: {errors} error(s), {len(diagnostics) - errors} warning(s)"
        self._detail(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.diagnostics):
            self.post_message(self.Jump(self.diagnostics[event.cursor_row]))

    def _detail(self, index: int) -> None:
        detail = self.query_one("#diagnostic-detail", Static)
        if not 0 <= index < len(self.diagnostics):
            detail.update("No problems found." if not self.diagnostics else "")
            return
        d = self.diagnostics[index]
        text = Text(f"{d.code} {d.name}", style=SEVERITY_STYLE.get(d.severity.value, ""))
        text.append(f"  line {d.line}, column {d.column}: {d.full_message()}", style="")
        detail.update(text)


def row(diagnostic: Diagnostic) -> tuple[Text, str, int, str, str]:
    severity = diagnostic.severity.value
    mark = Text("✗" if diagnostic.is_error else "!", style=SEVERITY_STYLE.get(severity, ""))
    where = "/".join(part for part in (diagnostic.preset, diagnostic.field) if part) or (diagnostic.model or "")
    return mark, diagnostic.code, diagnostic.line, where, diagnostic.message
