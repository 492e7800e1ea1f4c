"""One form row per field: the widget for its kind, its validators, and text <-> value."""

from __future__ import annotations

from typing import Any

from textual.containers import Horizontal
from textual.validation import Function, Integer, Number, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Switch

from psa_tui.fields import FieldSpec, Kind


def field_row(spec: FieldSpec, value: Any) -> Horizontal:
    """Label, editing widget and a hint (runtime default when the key is absent)."""
    return Horizontal(
        Label(spec.key, classes="field-label"),
        make_widget(spec, value),
        Label(hint_text(spec, value), id=f"{spec.widget_id}-hint", classes="field-hint"),
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
        value=format_value(value),
        placeholder=placeholder(spec),
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
            widget.value = format_value(value)
            widget.cursor_position = 0  # show the start of a long value


def validators_for(spec: FieldSpec) -> list[Validator]:
    if spec.kind is Kind.INT:
        return [Integer(minimum=spec.minimum, maximum=spec.maximum, failure_description=_range_words(spec, "a whole number"))]
    if spec.kind is Kind.FLOAT:
        return [Number(minimum=spec.minimum, maximum=spec.maximum, failure_description=_range_words(spec, "a number"))]
    if spec.kind is Kind.TRIPLE:
        return [Function(_is_triple, "three positive integers, e.g. 2, 8, 8")]
    return []


def _range_words(spec: FieldSpec, what: str) -> str:
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None:
        return f"{what} from {_g(low)} to {_g(high)}"
    if low is not None:
        return f"{what} >= {_g(low)}"
    if high is not None:
        return f"{what} <= {_g(high)}"
    return what


def _g(number: float) -> str:
    return f"{number:g}"


def invalid_reason(widget: Input) -> str | None:
    """Why the text in ``widget`` cannot be applied, or None when it can."""
    result = widget.validate(widget.value)
    if result is None or result.is_valid:
        return None
    return "; ".join(result.failure_descriptions) or "not a valid value"


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


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def placeholder(spec: FieldSpec) -> str:
    default = spec.runtime_default
    if default is not None:
        return f"default {default}"
    return "required" if spec.required else "(unset)"


def hint_text(spec: FieldSpec, value: Any) -> str:
    if spec.kind is Kind.SWITCH:
        shown = value if isinstance(value, bool) else bool(spec.runtime_default)
        return str(shown).lower() + ("" if isinstance(value, bool) else " (unset: runtime default)")
    if value is not None:
        return ""
    if spec.runtime_default is not None:
        return f"unset: runtime uses {spec.runtime_default}"
    return "required" if spec.required else "unset"


def same_value(current: Any, new: Any) -> bool:
    """Equal as the file means it: 1 and 1.0 are the same number, lists compare item by item."""
    if _is_number(current) and _is_number(new):
        return float(current) == float(new)
    if isinstance(current, list) and isinstance(new, list):
        return len(current) == len(new) and all(same_value(a, b) for a, b in zip(current, new))
    return type(current) is type(new) and current == new


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
