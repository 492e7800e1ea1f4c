"""The form for the selected preset or model: one row per field, the right widget per field.

The form never changes the file: it posts :class:`PresetForm.Edit` with the
dotted key and the new value (or ``remove=True`` for a cleared field), and the
app hands that to the session. A value that cannot be applied is reported
(a notification and the row's hint), never silently dropped.

The psa page (~120 widgets, and the field specs that import the pydantic
model) is built by :meth:`PresetForm.build_psa_page`, which the app calls once
the first screen (tree and diagnostics) is painted: start-up shows the file
first and fills in the form a moment later.

The form scrolls to the focused field; up/down move between fields and page
up/down scroll a page and focus the first field shown, so the focused field
is always on screen.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from psa_config.model_constants import LEVELS

from psa_tui.fields import FieldSpec, Kind, lookup, psa_fields
from psa_tui.model_fields import DEFAULT_ATTENTION, MODEL_FIELDS, ModelFieldSpec
from psa_tui.widgets.field_widgets import (
    field_row,
    hint_text,
    invalid_reason,
    parse_value,
    same_value,
    set_widget_value,
)
from psa_tui.widgets.pyramid import PyramidEditor

Scope = Literal["preset", "model"]


class PresetForm(VerticalScroll):
    """Shows one preset (or a model) and turns user changes into edit requests."""

    can_focus = False  # tab goes straight to the first field

    BINDINGS = [
        Binding("escape", "app.focus_tree", "Tree"),
        Binding("down", "next_field", "Next", show=False),
        Binding("up", "previous_field", "Previous", show=False),
    ]

    class Edit(Message):
        """Set ``key`` (dotted, inside the preset or the model section) to ``value``, or remove it."""

        def __init__(self, key: str, value: Any, scope: Scope = "preset", remove: bool = False) -> None:
            super().__init__()
            self.key = key
            self.value = value
            self.scope = scope
            self.remove = remove

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.preset: dict[str, Any] = {}
        self.section: dict[str, Any] = {}
        self._psa_page: Vertical | None = None
        self._model_page: Vertical | None = None
        self._rows: list[tuple[FieldSpec, Widget, Label]] = []
        """(spec, editing widget, hint) per field of the psa page, so a redraw needs no queries."""
        self._model_rows: list[tuple[FieldSpec, Widget, Label]] = []
        self._shown: str | None = None
        """The title shown: the form scrolls back to the top only when another preset or model is shown."""
        self._reported: tuple[str | None, str] | None = None
        """The last invalid (widget, text) reported, so enter and leaving the field report it once."""

    @cached_property
    def specs(self) -> dict[str, FieldSpec]:
        """Field spec by widget id (preset and model fields)."""
        return {spec.widget_id: spec for spec in [*psa_fields(), *MODEL_FIELDS]}

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="text-page")

    @property
    def built(self) -> bool:
        return self._psa_page is not None

    @property
    def scope(self) -> Scope:
        return "model" if self._model_page is not None and self._model_page.display else "preset"

    def show_pending(self, title: str) -> None:
        """The first screen's form: the title while the psa page is being built."""
        self.border_title = title
        self.query_one("#text-page", Static).update("[dim]loading the form…[/]")

    async def build_psa_page(self) -> None:
        """Mount the psa and model pages once (a no-op afterwards); hidden until shown."""
        if self.built:
            return
        # Built once; showing another preset only sets values (rebuilding ~30 widgets is slow).
        fields = psa_fields()
        page = Vertical(
            field_row(fields[0], None),
            # Composed with the five usual levels so most presets need no recompose.
            PyramidEditor({level: [0.0, 0.0] for level in LEVELS}, None, id="pyramid"),
            *(field_row(spec, None) for spec in fields[1:]),
            id="psa-page",
        )
        model_page = Vertical(*(field_row(spec, None) for spec in MODEL_FIELDS), id="model-page")
        page.display = model_page.display = False
        await self.mount(page, model_page, before="#text-page")
        self._rows = _rows_of(page, fields)
        self._model_rows = _rows_of(model_page, list(MODEL_FIELDS))
        self._psa_page, self._model_page = page, model_page

    async def show_psa(self, title: str, preset: dict[str, Any]) -> None:
        await self.build_psa_page()
        self.preset = preset
        self._show_page(self._psa_page, f"{title} (psa)")
        for spec, widget, hint in self._rows:
            value = lookup(preset, spec.key)
            set_widget_value(widget, spec, value)
            hint.update(hint_text(spec, value))
        await self.query_one(PyramidEditor).show(preset.get("mask_ratios"), preset.get("mask_mode"))

    async def show_model(self, title: str, section: dict[str, Any], presets: list[str], footer: list[str]) -> None:
        """The model's own fields (default preset, geometry, text length) and a summary below."""
        await self.build_psa_page()
        self.section = section
        self._show_page(self._model_page, f"{title} (model)")
        for spec, widget, hint in self._model_rows:
            value = lookup(section, spec.key)
            if spec.key == DEFAULT_ATTENTION and isinstance(widget, Select):
                with widget.prevent(Select.Changed):
                    widget.set_options([(name, name) for name in presets])
                    widget.value = value if value in presets else Select.NULL
            else:
                set_widget_value(widget, spec, value)
            hint.update(hint_text(spec, value))
        page = self.query_one("#text-page", Static)
        page.update("\n".join(footer))
        page.display = True

    async def show_text(self, title: str, lines: list[str]) -> None:
        """A read-only page: a dense preset, a malformed file or a message."""
        self.preset = {}
        self._show_page(None, title)
        page = self.query_one("#text-page", Static)
        page.update("\n".join(lines))
        page.display = True

    def _show_page(self, shown: Vertical | None, title: str) -> None:
        self.border_title = title
        for page in (self._psa_page, self._model_page):
            if page is not None:
                page.display = page is shown
        self.query_one("#text-page").display = shown is None
        if title != self._shown:  # another preset or model: start at its top; the same one keeps its place
            self._shown = title
            self.scroll_home(animate=False, immediate=True)

    # --- moving around -----------------------------------------------------

    def focus_field(self, field: str | None) -> bool:
        """Focus the widget editing dotted ``field`` (or its closest parent). False if none."""
        if not field:
            return False
        if field.startswith("mask_ratios") and self.scope == "preset":
            editor = self.query(PyramidEditor)
            return bool(editor) and editor.first().focus_level(field.partition(".")[2])
        rows = self._model_rows if self.scope == "model" else self._rows
        for spec, widget, _ in rows:
            if spec.key == field or spec.key.startswith(field + "."):
                widget.focus()
                return True
        return False

    def focus_first(self) -> bool:
        fields = self.fields()
        if fields:
            fields[0].focus()
        return bool(fields)

    def fields(self) -> list[Widget]:
        """The editing widgets of the page shown, top to bottom."""
        shown = [page for page in (self._psa_page, self._model_page) if page is not None and page.display]
        return [w for page in shown for w in page.query("Input, Select, Switch").results(Widget) if w.focusable]

    def action_next_field(self) -> None:
        self.app.action_focus_next()

    def action_previous_field(self) -> None:
        self.app.action_focus_previous()

    def action_page_down(self) -> None:
        self._page(+1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y + direction * page, animate=False, immediate=True)
        self.call_after_refresh(self._focus_first_visible)

    def _focus_first_visible(self) -> None:
        """After a page scroll: focus the first field on screen, so focus never hides below the fold."""
        focused = self.app.focused
        if focused is None or self not in focused.ancestors:
            return
        window = self.content_region
        for widget in self.fields():
            if window.contains_region(widget.region):
                widget.focus(scroll_visible=False)
                return

    # --- turning widget events into edits ----------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        spec = self.specs.get(event.input.id or "")
        if spec is None:
            return
        reason = invalid_reason(event.input) if event.value.strip() else None
        hint = self.query(f"#{spec.widget_id}-hint")
        if hint:
            current = lookup(self._values(spec), spec.key)
            hint.first(Label).update(f"[red]{reason}[/]" if reason else hint_text(spec, current))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._input_done(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self._input_done(event.input)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        if event.value == event.switch.value:  # a stale message is not the user's doing
            self._propose(event.switch.id, event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value != event.select.value:
            return
        if event.value is Select.NULL:
            self._propose_removal(event.select.id)
        else:
            self._propose(event.select.id, event.value)

    def on_pyramid_editor_range_edited(self, event: PyramidEditor.RangeEdited) -> None:
        edit = self._range_edit(event.level, event.bounds)
        if edit is not None:
            self.post_message(edit)

    def on_pyramid_editor_invalid_bound(self, event: PyramidEditor.InvalidBound) -> None:
        self._report_invalid(event.widget_id, event.text, f"mask_ratios level {event.level}: {event.reason}")

    def pending_edit(self, widget: Widget | None) -> Edit | None:
        """The edit a half-finished input would make when left (save applies it first)."""
        if not isinstance(widget, Input) or self not in widget.ancestors:
            return None
        if widget.id in self.specs:
            return self._input_edit(widget, report=False)
        bounds = self.query_one(PyramidEditor).range_for(widget)
        return self._range_edit(*bounds) if bounds is not None else None

    def _range_edit(self, level: int, bounds: list[float]) -> Edit | None:
        ratios = self.preset.get("mask_ratios")
        current = ratios.get(level) if isinstance(ratios, dict) else None
        return None if same_value(current, bounds) else self.Edit(f"mask_ratios.{level}", bounds)

    def _input_done(self, widget: Input) -> None:
        edit = self._input_edit(widget, report=True)
        if edit is not None:
            self.post_message(edit)

    def _input_edit(self, widget: Input, report: bool) -> Edit | None:
        spec = self.specs.get(widget.id or "")
        if spec is None:
            return None
        text = widget.value
        if not text.strip():
            if spec.required:
                if report:
                    self._report_invalid(widget.id, text, f"{spec.key} is required: type a value")
                return None
            return self._removal(spec)
        reason = invalid_reason(widget)
        if reason is not None:
            if report:
                self._report_invalid(widget.id, text, f"{spec.key}: {text.strip()!r} is not {reason}; not applied")
            return None
        return self._edit_for(spec, parse_value(spec, text))

    def _report_invalid(self, widget_id: str | None, text: str, message: str) -> None:
        if self._reported == (widget_id, text):
            return
        self._reported = (widget_id, text)
        self.notify(message, title="Invalid value", severity="error", timeout=6)

    def _values(self, spec: FieldSpec) -> dict[str, Any]:
        return self.section if isinstance(spec, ModelFieldSpec) else self.preset

    def _propose(self, widget_id: str | None, value: Any) -> None:
        spec = self.specs.get(widget_id or "")
        edit = self._edit_for(spec, value) if spec is not None else None
        if edit is not None:
            self.post_message(edit)

    def _propose_removal(self, widget_id: str | None) -> None:
        spec = self.specs.get(widget_id or "")
        if spec is None:
            return
        if spec.required:
            if lookup(self._values(spec), spec.key) is not None:
                self._report_invalid(widget_id, "", f"{spec.key} is required: choose a value")
            return
        edit = self._removal(spec)
        if edit is not None:
            self.post_message(edit)

    def _removal(self, spec: FieldSpec) -> Edit | None:
        """Remove an optional key the user cleared (no edit when it is absent already)."""
        self._reported = None
        if lookup(self._values(spec), spec.key) is None:
            return None
        return self.Edit(spec.key, None, _scope_of(spec), remove=True)

    def _edit_for(self, spec: FieldSpec, value: Any) -> Edit | None:
        """An edit when ``value`` differs from the file (an absent switch shows the runtime default)."""
        self._reported = None
        current = lookup(self._values(spec), spec.key)
        if current is None and spec.kind is Kind.SWITCH and value == spec.runtime_default:
            return None
        return None if same_value(current, value) else self.Edit(spec.key, value, _scope_of(spec))


def _scope_of(spec: FieldSpec) -> Scope:
    return "model" if isinstance(spec, ModelFieldSpec) else "preset"


def _rows_of(page: Vertical, specs: list[FieldSpec]) -> list[tuple[FieldSpec, Widget, Label]]:
    return [(spec, page.query_one(f"#{spec.widget_id}"), page.query_one(f"#{spec.widget_id}-hint", Label)) for spec in specs]
