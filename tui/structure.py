"""Adding, copying, renaming and deleting models and presets (the tree's keys and the palette).

A mixin of :class:`psa_tui.app.PsaConfigApp`: every action asks for a name or
a confirmation, then makes the change through :meth:`apply` (the session and
the edit engine). ``c``, ``r`` and ``x`` act on what the tree's cursor is on:
a preset, or a whole model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from psa_tui import screens
from psa_tui.widgets.tree import ConfigTree, Target

if TYPE_CHECKING:
    from psa_tui.session import Session


class StructureActions:
    """Model and preset operations; needs ``session``, ``apply``, ``notify``, ``push_screen``, ``query_one``."""

    session: Session
    apply: Callable[..., bool]
    notify: Callable[..., None]
    push_screen: Callable[..., object]
    query_one: Callable[..., object]

    def _cursor(self) -> Target | None:
        tree = self.query_one(ConfigTree)
        assert isinstance(tree, ConfigTree)
        return tree.target

    def _ask_name(self, title: str, taken: list[str], suggestion: str, then: Callable[[str], bool], what: str) -> None:
        def done(name: str | None) -> None:
            if name:
                then(name)

        self.push_screen(screens.NamePrompt(title, taken, suggestion, what=what), done)

    def _readable(self) -> bool:
        if not self.session.readable:
            self.notify("The file cannot be read: fix it first (see the form), then ctrl+l", severity="warning")
        return self.session.readable

    # --- acting on the cursor ------------------------------------------------

    def action_copy_selected(self) -> None:
        target = self._cursor()
        if target is not None and target.preset is None:
            self.action_duplicate_model()
        else:
            self.action_duplicate_preset()

    def action_rename_selected(self) -> None:
        target = self._cursor()
        if target is not None and target.preset is None:
            self.action_rename_model()
        else:
            self.action_rename_preset()

    def action_delete_selected(self) -> None:
        target = self._cursor()
        if target is not None and target.preset is None:
            self.action_delete_model()
        else:
            self.action_delete_preset()

    # --- presets ---------------------------------------------------------------

    def _preset_target(self) -> Target | None:
        target = self._cursor()
        if target is None or target.preset is None:
            self.notify("Select a preset in the tree first", severity="warning")
            return None
        return target

    def _model_of_cursor(self) -> str | None:
        target = self._cursor()
        if target is None:
            self.notify("The file has no model yet: m adds one", severity="warning")
            return None
        return target.model

    def action_new_preset(self) -> None:
        model = self._model_of_cursor()
        if model is None or not self._readable():
            return
        taken = self.session.presets(model)
        self._ask_name(f"New preset in {model}", taken, free_name("psa_new", taken),
                       lambda name: self.apply(lambda: self.session.new_preset(model, name), Target(model, name)), "preset")

    def action_duplicate_preset(self) -> None:
        target = self._preset_target()
        if target is None or target.preset is None or not self._readable():
            return
        model, source = target.model, target.preset
        taken = self.session.presets(model)
        self._ask_name(f"Duplicate {source} as", taken, free_name(f"{source}_copy", taken),
                       lambda name: self.apply(lambda: self.session.duplicate_preset(model, source, name),
                                               Target(model, name)), "preset")

    def action_rename_preset(self) -> None:
        target = self._preset_target()
        if target is None or target.preset is None or not self._readable():
            return
        model, old = target.model, target.preset
        taken = self.session.presets(model)
        self._ask_name(f"Rename preset {old} to", taken, free_name(f"{old}_renamed", taken),
                       lambda name: self.apply(lambda: self.session.rename_preset(model, old, name), Target(model, name)),
                       "preset")

    def action_delete_preset(self) -> None:
        target = self._preset_target()
        if target is None or target.preset is None or not self._readable():
            return
        model, name = target.model, target.preset

        def done(yes: bool | None) -> None:
            if yes:
                self.apply(lambda: self.session.remove_preset(model, name), Target(model))

        self.push_screen(screens.ConfirmScreen(f"Delete preset {name} of {model}?", yes="Delete", no="Keep"), done)

    def action_set_default(self) -> None:
        target = self._preset_target()
        if target is not None and target.preset is not None and self._readable():
            model, name = target.model, target.preset
            if self.apply(lambda: self.session.set_default(model, name), target):
                self.notify(f"{name} is now the default of {model}")

    # --- models ----------------------------------------------------------------

    def action_new_model(self) -> None:
        if not self._readable():
            return
        taken = self.session.models()
        self._ask_name("New model (a dense baseline; the runtime wants Wan or CogVideo in the name)", taken, free_name("Wan_custom", taken),
                       lambda name: self.apply(lambda: self.session.new_model(name), Target(name)), "model")

    def action_duplicate_model(self) -> None:
        model = self._model_of_cursor()
        if model is None or not self._readable():
            return
        taken = self.session.models()
        self._ask_name(f"Duplicate model {model} as", taken, free_name(f"{model}_copy", taken),
                       lambda name: self.apply(lambda: self.session.new_model(name, model), Target(name)), "model")

    def action_rename_model(self) -> None:
        model = self._model_of_cursor()
        if model is None or not self._readable():
            return
        taken = self.session.models()
        self._ask_name(f"Rename model {model} to", taken, free_name(f"{model}_renamed", taken),
                       lambda name: self.apply(lambda: self.session.rename_model(model, name), Target(name)), "model")

    def action_delete_model(self) -> None:
        model = self._model_of_cursor()
        if model is None or not self._readable():
            return
        count = len(self.session.presets(model))

        def done(yes: bool | None) -> None:
            if yes:
                self.apply(lambda: self.session.remove_model(model), None)

        question = f"Delete model {model} and its {count} preset(s)?"
        self.push_screen(screens.ConfirmScreen(question, yes="Delete", no="Keep"), done)


def free_name(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base2``, ``base3``... : the first that is not taken."""
    names = set(taken)
    candidate, number = base, 2
    while candidate in names:
        candidate, number = f"{base}{number}", number + 1
    return candidate
