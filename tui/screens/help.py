"""F1: keys, how editing works, and what every preset field means."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from psa_tui.fields import psa_fields

KEYS = """\
# psa-config tui

Arrows, page up/down and home/end scroll this help; escape closes it.

| key | does |
|---|---|
| ctrl+s | save (shows the diff first) |
| ctrl+z / ctrl+y | undo / redo |
| n (tree) | new preset in the model under the cursor |
| c / r / x (tree) | copy, rename, delete the preset or model under the cursor |
| d (tree) | make the preset the model's default |
| m (tree) | new model (a dense baseline to start from) |
| F2 or escape (form) | focus the tree |
| F3 / F4 | focus the form / the diagnostics |
| tab / shift+tab, up / down | next / previous field (the form scrolls to it) |
| page up / page down | scroll the form a page |
| enter or leaving a field | applies the value |
| an emptied field | removes the key: the runtime default applies |
| enter on a diagnostic | jumps to its field |
| ctrl+r | dry-run the selected preset (kernels extra) |
| ctrl+l | reload the file from disk |
| ctrl+p | command palette: every action by name |
| F1 / escape | this help / close it |
| ctrl+q | quit (asks when there are unsaved changes) |

Every change goes through the edit engine: comments, order and formatting of
the file stay as they are. The diagnostics panel re-checks after each change.
A value that cannot be applied is reported and left out of the file.
Saving refuses a text with new errors unless you choose "Save with errors".
`mask_ratios`: each level's `[start, end]`; ranges chain from 0 to 1 in the
order listed; the bar shows each level's share and the density follows as
you type. Selecting a model shows its fields: default preset, `video_scale`
divisors and `text_length`.

## Fields
"""


def help_markdown() -> str:
    rows = "\n".join(f"* `{spec.key}`: {spec.help}" for spec in psa_fields())
    return KEYS + rows + "\n"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            with VerticalScroll(id="help-scroll"):
                yield Markdown(help_markdown(), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()
