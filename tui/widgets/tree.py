"""The tree of models and their presets; the default preset is starred."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from psa_config.diagnostics import Diagnostic

from psa_tui.session import Session


@dataclass(frozen=True)
class Target:
    """What a tree node stands for: a model, or one of its presets."""

    model: str
    preset: str | None = None


class ConfigTree(Tree[Target]):
    """Models and presets. c/r/x act on the preset or model under the cursor (also in the command palette)."""

    BINDINGS = [
        Binding("n", "app.new_preset", "New"),
        Binding("c", "app.copy_selected", "Copy"),
        Binding("r", "app.rename_selected", "Rename"),
        Binding("x,delete", "app.delete_selected", "Del"),
        Binding("d", "app.set_default", "Default"),
        Binding("m", "app.new_model", "Model"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("models", id=id)
        self.show_root = False
        self.guide_depth = 2

    def populate(self, session: Session, select: Target | None = None) -> None:
        """Rebuild from ``session``; keep ``select`` (or the first preset) highlighted."""
        self.clear()
        wanted: TreeNode[Target] | None = None
        for model in session.models():
            branch = self.root.add(Text(model, style="bold"), data=Target(model), expand=True)
            wanted = wanted or (branch if select == Target(model) else None)
            default = session.default_preset(model)
            for preset in session.presets(model):
                label = preset_label(preset, preset == default, session.diagnostics_for(model, preset))
                leaf = branch.add_leaf(label, data=Target(model, preset))
                if select == Target(model, preset) or (select is None and wanted is None):
                    wanted = leaf
        if wanted is not None:
            self.call_after_refresh(self.move_cursor, wanted)

    def find(self, target: Target) -> TreeNode[Target] | None:
        stack = list(self.root.children)
        while stack:
            node = stack.pop(0)
            if node.data == target:
                return node
            stack.extend(node.children)
        return None

    @property
    def target(self) -> Target | None:
        node = self.cursor_node
        return node.data if node is not None else None


def preset_label(name: str, is_default: bool, diagnostics: list[Diagnostic]) -> Text:
    text = Text()
    text.append("★ " if is_default else "  ", style="bold yellow")
    text.append(name)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if errors:
        text.append(f" ✗{errors}", style="bold red")
    if warnings:
        text.append(f" !{warnings}", style="yellow")
    return text
