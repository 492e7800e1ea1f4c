"""The ``psa-config tui`` application: tree, form, diagnostics; every change via the session."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Tree

from psa_config.core_schema import preset_kind
from psa_config.errors import PsaConfigError
from psa_tui import dryrun
from psa_tui import screens

from psa_tui.session import Session
from psa_tui.structure import StructureActions
from psa_tui.summary import dense_lines, malformed_lines, model_lines
from psa_tui.widgets.diagnostics import DiagnosticsPanel
from psa_tui.widgets.form import PresetForm
from psa_tui.widgets.tree import ConfigTree, Target

DISK_POLL_SECONDS = 1.0


class PsaConfigApp(StructureActions, App[int]):
    """Edit one ``attention_config.yaml``."""

    CSS_PATH = "app.tcss"
    TITLE = "psa-config"
    # The footer fits 80 columns: the rarer keys are in F1 help and the palette only.
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("ctrl+r", "dry_run", "Dry-run", show=False),
        Binding("ctrl+t", "tune", "Tune", show=False),
        Binding("f1", "help", "Help"),
        Binding("f2", "focus_tree", "Tree", show=False),
        Binding("f3", "focus_form", "Form", show=False),
        Binding("f4", "focus_diagnostics", "Problems", show=False),
        Binding("ctrl+l", "reload", "Reload", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, path: str | Path, session: Session | None = None) -> None:
        super().__init__()
        self.session = session or Session.open(path)
        self.target: Target | None = None
        self._wanted: tuple[Target | None, str | None] | None = None
        self._form_lock = asyncio.Lock()
        self._painted = asyncio.Event()
        """Set once the first screen (tree and diagnostics) is on the terminal; the form is built then."""
        self._disk_warned = False

    # --- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ConfigTree(id="tree")
            yield PresetForm(id="form")
        yield DiagnosticsPanel(id="diagnostics")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p is in F1 help; the footer fits 80 columns

    def on_mount(self) -> None:
        self.sub_title = str(self.session.path)
        first = self._first_target()
        if first is not None:
            psa = first.preset is not None and preset_kind(self.session.preset(first.model, first.preset)) == "psa"
            self.query_one(PresetForm).show_pending(_title(first) + (" (psa)" if psa else ""))
        self._show_session(first)
        self.query_one(ConfigTree).focus()
        self.set_interval(DISK_POLL_SECONDS, self.check_disk)
        # Paint tree and diagnostics first; building the form's ~120 widgets waits for that.
        self.call_after_refresh(self._painted.set)

    # --- showing -----------------------------------------------------------

    def _first_target(self) -> Target | None:
        """The first model's default preset (or the first model)."""
        models = self.session.models()
        if not models:
            return None
        default = self.session.default_preset(models[0])
        return Target(models[0], default if default in self.session.presets(models[0]) else None)

    def _show_session(self, select: Target | None) -> None:
        """Redraw tree, diagnostics and form from the session, keeping the selection if it still exists."""
        if not self.query(DiagnosticsPanel):  # shutting down
            return
        self.sub_title = ("* " if self.session.dirty else "") + str(self.session.path)
        self.query_one(DiagnosticsPanel).show(self.session.diagnostics)
        target = self._existing(select or self.target)
        self.query_one(ConfigTree).populate(self.session, target)
        self.show_target(target)

    def _existing(self, target: Target | None) -> Target | None:
        """``target`` if the text still has it, else its model, else the first model's default."""
        if target is not None and target.model in self.session.models():
            if target.preset is None or target.preset in self.session.presets(target.model):
                return target
            return Target(target.model)
        return self._first_target()

    def _sync_form(self) -> None:
        """Show the file's values again (after a refused edit left a widget showing something else)."""
        self.show_target(self.target)

    def show_target(self, target: Target | None, focus_field: str | None = None) -> None:
        """Redraw the form for ``target``; requests made while one redraw runs collapse into the latest."""
        self._wanted = (target, focus_field)
        self.target = target
        self.run_worker(self._redraw_form(), group="form")

    async def _redraw_form(self) -> None:
        # A lock rather than an exclusive worker: cancelling a redraw half-way through
        # removing widgets leaves the DOM pruning with a CancelledError.
        await self._painted.wait()
        async with self._form_lock:
            if self._wanted is None:
                return
            (target, focus_field), self._wanted = self._wanted, None
            try:
                await self._redraw(target, focus_field)
            except NoMatches:
                form = self.query(PresetForm)
                if form and form.first().display:  # display is False once the form is being torn down
                    raise
                # the app closed while the form was being built: nothing left to draw

    async def _redraw(self, target: Target | None, focus_field: str | None) -> None:
        form = self.query_one(PresetForm)
        await form.build_psa_page()  # once, after the first screen; a no-op afterwards
        focused = self.focused
        keep_focus = focused.id if focused is not None and form in focused.ancestors else None
        await self._fill_form(form, target)
        if focus_field and form.focus_field(focus_field):
            return
        if keep_focus and form.query(f"#{keep_focus}"):
            form.query_one(f"#{keep_focus}").focus()

    async def _fill_form(self, form: PresetForm, target: Target | None) -> None:
        if not self.session.readable:
            await form.show_text("The file cannot be read", malformed_lines(self.session))
            return
        if target is None:
            await form.show_text("Nothing selected", ["The file has no models yet: press m to add one."])
            return
        if target.preset is None:
            model = target.model
            await form.show_model(model, self.session.section(model), self.session.presets(model),
                                  model_lines(self.session, model))
            return
        preset = self.session.preset(target.model, target.preset)
        title = _title(target)
        if preset_kind(preset) == "psa":  # as the runtime runs it: `PSA` and a missing type are psa too
            await form.show_psa(title, preset)
        else:
            await form.show_text(title, dense_lines(preset))

    @on(Tree.NodeHighlighted, "#tree")
    def _tree_moved(self, event: Tree.NodeHighlighted[Target]) -> None:
        if event.node.data != self.target:
            self.show_target(event.node.data)

    @on(DiagnosticsPanel.Jump)
    def _jump(self, event: DiagnosticsPanel.Jump) -> None:
        diagnostic = event.diagnostic
        if diagnostic.model is None:
            self.notify(f"line {diagnostic.line}: {diagnostic.message}")
            return
        target = Target(diagnostic.model, diagnostic.preset)
        node = self.query_one(ConfigTree).find(target)
        if node is not None:
            self.query_one(ConfigTree).move_cursor(node)
        self.show_target(target, focus_field=diagnostic.field or "")

    # --- edits -------------------------------------------------------------

    @on(PresetForm.Edit)
    def _form_edit(self, event: PresetForm.Edit) -> None:
        self._apply_form_edit(event)

    def _apply_form_edit(self, event: PresetForm.Edit) -> None:
        target = self.target
        if target is None or not self.session.readable:
            return
        change = self._form_change(target, event)
        if change is not None:
            self.apply(lambda: change(False), anchored=lambda: change(True))

    def _form_change(self, target: Target, event: PresetForm.Edit) -> Callable[[bool], bool] | None:
        """The session call for a form edit; its argument is ``edit_anchor``."""
        model, key, value = target.model, event.key, event.value
        if event.scope == "model":
            if target.preset is not None:
                return None
            if key == "default_attention":
                return lambda _anchor: self.session.set_default(model, value)
            return lambda anchor: self.session.set_model_value(model, key, value, anchor)
        preset = target.preset
        if preset is None:
            return None
        if event.remove:
            return lambda anchor: self.session.remove_value(model, preset, key, anchor)
        return lambda anchor: self.session.set_value(model, preset, key, value, anchor)

    def apply(
        self,
        change: Callable[[], bool],
        select: Target | None = None,
        anchored: Callable[[], bool] | None = None,
    ) -> bool:
        """Run one session change; engine refusals become notifications, never tracebacks.

        ``anchored`` is the same change made on the anchor's definition, offered
        when the value is shared through an anchor or merge key.
        """
        try:
            changed = change()
        except PsaConfigError as exc:  # the engine's EditError and its kinds
            from psa_config.edit import SharedValueError

            if isinstance(exc, SharedValueError):
                self._offer_anchor_edit(str(exc), anchored)
            else:
                self.notify(self._locate_words(str(exc)), title="Edit refused", severity="error", timeout=8)
                self._sync_form()
            return False
        for note in self.session.notes:
            self.notify(note, title="Note")
        if changed:
            self._show_session(select)
        return changed

    def _locate_words(self, message: str) -> str:
        """Say which text a line number in ``message`` counts in: the file on disk, or the unsaved text."""
        if re.search(r"\bline \d", message) is None:
            return message
        where = "the unsaved text in this editor" if self.session.dirty else "the file on disk"
        return f"{message} (line numbers of {where})"

    def _offer_anchor_edit(self, message: str, anchored: Callable[[], bool] | None) -> None:
        self._sync_form()
        if anchored is None:
            self.notify(message, title="Edit refused", severity="error", timeout=8)
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.apply(anchored)

        question = f"{message}\n\nEdit the anchor's definition (every user of it changes)?"
        self.push_screen(screens.ConfirmScreen(question, yes="Edit anchor", no="Cancel"), done)

    def action_undo(self) -> None:
        if self.session.undo():
            self._show_session(None)
        else:
            self.notify("Nothing to undo")

    def action_redo(self) -> None:
        if self.session.redo():
            self._show_session(None)
        else:
            self.notify("Nothing to redo")

    # --- saving, the disk, quitting ----------------------------------------

    def action_save(self) -> None:
        self._commit_focused_input()
        if not self.session.dirty:
            self.notify("No changes to save")
            return

        def done(choice: str | None) -> None:
            if choice in ("save", "force"):
                self._save(force=choice == "force")

        pending = self.session.pending_check()
        screen = screens.DiffScreen(self.session.diff(), pending.new_errors, self.session.changed_line_count(),
                                    pending.new_warnings)
        self.push_screen(screen, done)

    def _save(self, force: bool) -> None:
        try:
            self.session.save(force=force)
        except (PsaConfigError, OSError) as exc:  # RefusedError, FileChangedError, unwritable folder
            from psa_config.edit import FileChangedError

            hint = " (ctrl+l reloads)" if isinstance(exc, FileChangedError) else ""
            self.notify(f"{exc}{hint}", title="Not saved", severity="error", timeout=10)
            return
        self._disk_warned = False
        self._show_session(None)
        self.notify(f"Saved {self.session.path}")

    def check_disk(self) -> None:
        if self.session.changed_on_disk() and not self._disk_warned:
            self._disk_warned = True
            self.notify(
                f"{self.session.path} changed on disk. ctrl+l reloads it (your unsaved edits are dropped).",
                title="File changed on disk",
                severity="warning",
                timeout=30,
            )

    def action_reload(self) -> None:
        def done(yes: bool | None) -> None:
            if yes:
                self.session.reload()
                self._disk_warned = False
                self._show_session(None)
                self.notify("Reloaded from disk")

        if self.session.dirty:
            self.push_screen(screens.ConfirmScreen("Reload from disk and drop your unsaved changes?", "Reload", "Keep"), done)
        else:
            done(True)

    async def action_quit(self) -> None:
        if not self.session.dirty:
            self.exit(0)
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        self.push_screen(screens.ConfirmScreen("Quit without saving your changes?", yes="Quit", no="Stay"), done)

    def _commit_focused_input(self) -> None:
        """Apply a value still being typed, so the diff and the save include it."""
        edit = self.query_one(PresetForm).pending_edit(self.focused)
        if edit is not None:
            self._apply_form_edit(edit)

    # --- help, palette, dry-run ---------------------------------------------

    def action_help(self) -> None:
        self.push_screen(screens.HelpScreen())

    def action_focus_tree(self) -> None:
        self.query_one(ConfigTree).focus()

    def action_focus_form(self) -> None:
        if not self.query_one(PresetForm).focus_first():
            self.notify("Nothing to edit here", severity="warning")

    def action_focus_diagnostics(self) -> None:
        self.query_one(DiagnosticsPanel).table.focus()

    def action_dry_run(self) -> None:
        target = self._preset_target()
        if target is None or target.preset is None:
            return
        reason = dryrun.unavailable_reason()
        if reason:
            self.notify(reason, title="Dry-run unavailable", severity="warning")
            return
        self.push_screen(screens.DryRunScreen(self.session.text, str(self.session.path), target.model, target.preset))

    def action_tune(self) -> None:
        from psa_tui.tune_screen import open_tune

        open_tune(self)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = [
            ("Save", "Save the file (diff preview first)", self.action_save),
            ("Undo", "Undo the last change", self.action_undo),
            ("Redo", "Redo the last undone change", self.action_redo),
            ("New preset", "Add a valid PSA preset to the model", self.action_new_preset),
            ("Duplicate preset", "Copy the selected preset under a new name", self.action_duplicate_preset),
            ("Rename preset", "Rename the selected preset", self.action_rename_preset),
            ("Delete preset", "Delete the selected preset (asks first)", self.action_delete_preset),
            ("Set default preset", "Make the selected preset the model's default_attention", self.action_set_default),
            ("New model", "Add a model section with a dense baseline", self.action_new_model),
            ("Duplicate model", "Copy the selected model and its presets", self.action_duplicate_model),
            ("Rename model", "Rename the selected model", self.action_rename_model),
            ("Delete model", "Delete the selected model and its presets (asks first)", self.action_delete_model),
            ("Focus the tree", "Move the focus to the tree (F2, or escape in the form)", self.action_focus_tree),
            ("Focus the diagnostics", "Move the focus to the diagnostics table (F4)", self.action_focus_diagnostics),
            ("Reload from disk", "Read the file again, dropping unsaved changes", self.action_reload),
            ("Help", "Keys and field reference", self.action_help),
        ]
        if not dryrun.unavailable_reason():
            commands.append(("Dry-run preset", "Run the selected preset at a small CPU size", self.action_dry_run))
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


def run_app(path: str | Path) -> int:
    """Open ``path`` in the editor; returns the process exit code."""
    app = PsaConfigApp(path)
    app.run()
    return app.return_code or 0


def _title(target: Target) -> str:
    return f"{target.model} / {target.preset}" if target.preset is not None else target.model
