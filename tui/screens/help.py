"""F1: keys, how editing works, and what every preset field means."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown

from psa_tui.fields import psa_fields

KEYS = """\
# psa-config tui

| key | does |
|---|---|
| ctrl+s | save (shows the diff first) |
| ctrl+z / ctrl+y | undo / redo |
| n / c / r / x / d (in the tree) | new, duplicate, rename, delete, set default |
| ctrl+r | dry-run the selected preset (kernels extra) |
| ctrl+p | command palette: every action by name |
| tab / shift+tab | next / previous field |
| enter or leaving a field | applies the value |
| enter on a diagnostic | jumps to its field |
| F1 / escape | this help / close it |
| ctrl+q | quit (asks when there are unsaved changes) |

Every change goes through the edit engine: comments, order and formatting of
the file stay as they are. The diagnostics panel re-checks after each change.
`mask_ratios`: each level's `[start, end]`; ranges chain from 0 to 1 in the
order listed; the bar shows each level's share and the density follows as
you type.

## Fields
"""


def help_markdown() -> str:
    rows = "\n".join(f"* `{spec.key}`: {spec.help}" for spec in psa_fields())
    return KEYS + rows + "\n"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Markdown(help_markdown(), id="help-text")
