"""The form for the selected preset: one row per field, the right widget per field.

The form never changes the file: it posts :class:`PresetForm.Edit` with the
dotted key and the new value, and the app hands that to the session.

The psa page (~120 widgets, and the field specs that import the pydantic
model) is built by :meth:`PresetForm.build_psa_page`, which the app calls once
the first screen (tree and diagnostics) is painted: start-up shows the file
first and fills in the form a moment later.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.validation import Function, Integer, Number, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from psa_config.model_constants import LEVELS

from psa_tui.fields import FieldSpec, Kind, lookup, psa_fields
from psa_tui.widgets.pyramid import PyramidEditor


class PresetForm(VerticalScroll):
    """Shows one preset (or a model summary) and turns user changes into edit requests."""

    can_focus = False  # tab goes straight to the first field

    class Edit(Message):
        """Set ``key`` (dotted, inside the preset) to ``value``."""

        def __init__(self, key: str, value: Any) -> None:
            super().__init__()
            self.key = key
            self.value = value

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.preset: dict[str, Any] = {}
        self._psa_page: Vertical | None = None
        self._rows: list[tuple[FieldSpec, Widget, Label]] = []
        """(spec, editing widget, hint) per field of the psa page, so a redraw needs no queries."""

    @cached_property
    def specs(self) -> dict[str, FieldSpec]:
        """Field spec by widget id."""
        return {spec.widget_id: spec for spec in psa_fields()}

    def compose(self) -> ComposeResult:
        yield Static("", id="text-page")

    @property
    def built(self) -> bool:
        return self._psa_page is not None

    def show_pending(self, title: str) -> None:
        """The first screen's form: the title while the psa page is being built."""
        self.border_title = title
        self.query_one("#text-page", Static).update("[dim]loading the form…[/]")

    async def build_psa_page(self) -> None:
        """Mount the psa page once (a no-op afterwards); hidden until :meth:`show_psa`."""
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
        page.display = False
        await self.mount(page, before="#text-page")
        self._rows = [
            (spec, page.query_one(f"#{spec.widget_id}"), page.query_one(f"#{spec.widget_id}-hint", Label))
            for spec in fields
        ]
        self._psa_page = page

    async def show_psa(self, title: str, preset: dict[str, Any]) -> None:
        await self.build_psa_page()
        self.preset = preset
        self.border_title = f"{title} (psa)"
        self.query_one("#text-page").display = False
        if self._psa_page is not None:
            self._psa_page.display = True
        for spec, widget, hint in self._rows:
            value = lookup(preset, spec.key)
            set_widget_value(widget, spec, value)
            hint.update(_hint(spec, value))
        await self.query_one(PyramidEditor).show(preset.get("mask_ratios"), preset.get("mask_mode"))

    async def show_text(self, title: str, lines: list[str]) -> None:
        """A read-only page: a dense preset, a model summary or a message."""
        self.preset = {}
        self.border_title = title
        if self._psa_page is not None:
            self._psa_page.display = False
        page = self.query_one("#text-page", Static)
        page.update("\n".join(lines))
        page.display = True

    # --- jumping -----------------------------------------------------------

    def focus_field(self, field: str | None) -> bool:
        """Focus the widget editing dotted ``field`` (or its closest parent). False if none."""
        if not field:
            return False
        if field.startswith("mask_ratios"):
            editor = self.query(PyramidEditor)
            return bool(editor) and editor.first().focus_level(field.partition(".")[2])
        for spec_id, spec in self.specs.items():
            if spec.key == field or spec.key.startswith(field + "."):
                return self._focus_id(spec_id)
        return False

    def _focus_id(self, widget_id: str) -> bool:
        found = self.query(f"#{widget_id}")
        if not found:
            return False
        found.first().focus()
        return True

    # --- turning widget events into edits ----------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._input_done(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self._input_done(event.input)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        if event.value == event.switch.value:  # a stale message is not the user's doing
            self._propose(event.switch.id, event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value == event.select.value:
            self._propose(event.select.id, event.value)

    def on_pyramid_editor_range_edited(self, event: PyramidEditor.RangeEdited) -> None:
        edit = self._range_edit(event.level, event.bounds)
        if edit is not None:
            self.post_message(edit)

    def pending_edit(self, widget: Widget | None) -> Edit | None:
        """The edit a half-finished input would make when left (save applies it first)."""
        if not isinstance(widget, Input) or self not in widget.ancestors:
            return None
        if widget.id in self.specs:
            return self._input_edit(widget)
        bounds = self.query_one(PyramidEditor).range_for(widget)
        return self._range_edit(*bounds) if bounds is not None else None

    def _range_edit(self, level: int, bounds: list[float]) -> Edit | None:
        ratios = self.preset.get("mask_ratios")
        current = ratios.get(level) if isinstance(ratios, dict) else None
        return None if _same(current, bounds) else self.Edit(f"mask_ratios.{level}", bounds)

    def _input_done(self, widget: Input) -> None:
        edit = self._input_edit(widget)
        if edit is not None:
            self.post_message(edit)

    def _input_edit(self, widget: Input) -> Edit | None:
        spec = self.specs.get(widget.id or "")
        if spec is None or not widget.value.strip():
            return None
        result = widget.validate(widget.value)
        if result is not None and not result.is_valid:
            return None
        return self._edit_for(widget.id, parse_value(spec, widget.value))

    def _propose(self, widget_id: str | None, value: Any) -> None:
        edit = self._edit_for(widget_id, value)
        if edit is not None:
            self.post_message(edit)

    def _edit_for(self, widget_id: str | None, value: Any) -> Edit | None:
        """An edit when ``value`` differs from the file (an absent switch shows the runtime default)."""
        spec = self.specs.get(widget_id or "")
        if spec is None:
            return None
        current = lookup(self.preset, spec.key)
        if current is None and spec.kind is Kind.SWITCH and value == spec.runtime_default:
            return None
        return None if _same(current, value) else self.Edit(spec.key, value)


def field_row(spec: FieldSpec, value: Any) -> Horizontal:
    """Label, editing widget and a hint (runtime default when the key is absent)."""
    hint = _hint(spec, value)
    return Horizontal(
        Label(spec.key, classes="field-label"),
        make_widget(spec, value),
        Label(hint, id=f"{spec.widget_id}-hint", classes="field-hint"),
        classes="field-row",
    )


def make_widget(spec: FieldSpec, value: Any) -> Widget:
    tooltip = spec.help or None
    if spec.kind is Kind.SWITCH:
        shown = value if isinstance(value, bool) else bool(spec.runtime_default)
        return Switch(value=shown, id=spec.widget_id, tooltip=tooltip, animate=False)
    if spec.kind is Kind.SELECT:
        options = [(str(option), option) for option in spec.options]
        chosen = value if value in spec.options else Select.NULL
        return Select(options, value=chosen, id=spec.widget_id, tooltip=tooltip, compact=True, prompt="(unset)")
    return Input(
        value=_format(value),
        placeholder=_placeholder(spec),
        validators=validators_for(spec),
        id=spec.widget_id,
        tooltip=tooltip,
        compact=True,
        valid_empty=not spec.required,
    )


def set_widget_value(widget: Widget, spec: FieldSpec, value: Any) -> None:
    """Show ``value`` (None: absent) in a widget made by :func:`make_widget`."""
    # Showing a value is not an edit: the Changed messages are suppressed.
    with widget.prevent(Switch.Changed, Select.Changed, Input.Changed):
        if isinstance(widget, Switch):
            widget.value = value if isinstance(value, bool) else bool(spec.runtime_default)
        elif isinstance(widget, Select):
            widget.value = value if value in spec.options and not isinstance(value, bool) else Select.NULL
        elif isinstance(widget, Input):
            widget.value = _format(value)
            widget.cursor_position = 0  # show the start of a long value


def validators_for(spec: FieldSpec) -> list[Validator]:
    if spec.kind is Kind.INT:
        return [Integer(minimum=spec.minimum, maximum=spec.maximum)]
    if spec.kind is Kind.FLOAT:
        return [Number(minimum=spec.minimum, maximum=spec.maximum)]
    if spec.kind is Kind.TRIPLE:
        return [Function(_is_triple, "three positive integers, e.g. 2, 8, 8")]
    return []


def parse_value(spec: FieldSpec, text: str) -> Any:
    text = text.strip()
    if spec.kind is Kind.INT:
        return int(text)
    if spec.kind is Kind.FLOAT:
        return float(text)
    if spec.kind is Kind.TRIPLE:
        return [int(part) for part in text.strip("[]").replace(",", " ").split()]
    return text


def _is_triple(text: str) -> bool:
    parts = text.strip("[] ").replace(",", " ").split()
    return len(parts) == 3 and all(part.isdigit() and int(part) > 0 for part in parts)


def _format(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _placeholder(spec: FieldSpec) -> str:
    default = spec.runtime_default
    return f"default {default}" if default is not None else "(unset)"


def _hint(spec: FieldSpec, value: Any) -> str:
    if spec.kind is Kind.SWITCH:
        shown = value if isinstance(value, bool) else bool(spec.runtime_default)
        return str(shown).lower() + ("" if isinstance(value, bool) else " (unset: the runtime default)")
    if value is not None:
        return ""
    if spec.runtime_default is not None:
        return f"unset: runtime uses {spec.runtime_default}"
    return "required" if spec.required else "unset"


def _same(current: Any, new: Any) -> bool:
    """Equal as the file means it: 1 and 1.0 are the same number, lists compare item by item."""
    if _is_number(current) and _is_number(new):
        return float(current) == float(new)
    if isinstance(current, list) and isinstance(new, list):
        return len(current) == len(new) and all(_same(a, b) for a, b in zip(current, new))
    return type(current) is type(new) and current == new


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
