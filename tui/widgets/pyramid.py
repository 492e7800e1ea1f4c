"""The mask_ratios editor: the pyramid as a stacked bar, live density, one row per level."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.validation import Number
from textual.widgets import Input, Label, Static

from psa_tui.pyramid import LEVEL_NAME, LEVEL_STYLE, LevelRange, describe_density, ranges_from_raw, render_bar, render_legend


class PyramidBar(Static):
    """One line: each level's share of the key blocks, in file order."""

    def __init__(self, ranges: list[LevelRange], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ranges = ranges

    def set_ranges(self, ranges: list[LevelRange]) -> None:
        self.ranges = ranges
        self.refresh()

    def render(self) -> Text:
        return render_bar(self.ranges, max(10, self.size.width))


class PyramidLegend(Static):
    """Each level's share; wraps between entries (a swatch stays with its label)."""

    def __init__(self, ranges: list[LevelRange], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ranges = ranges

    def set_ranges(self, ranges: list[LevelRange]) -> None:
        self.ranges = ranges
        self.refresh(layout=True)

    def render(self) -> Text:
        return render_legend(self.ranges, self._width())

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return render_legend(self.ranges, width).plain.count("\n") + 1

    def _width(self) -> int | None:
        return self.content_region.width or None


class PyramidEditor(Vertical):
    """Edits ``mask_ratios`` level by level; bar and density follow every keystroke."""

    class RangeEdited(Message):
        """The user finished editing one level's ``[start, end]``."""

        def __init__(self, level: int, bounds: list[float]) -> None:
            super().__init__()
            self.level = level
            self.bounds = bounds

    class InvalidBound(Message):
        """The user left a bound that is not a number from 0 to 1."""

        def __init__(self, level: int, widget_id: str, text: str, reason: str) -> None:
            super().__init__()
            self.level = level
            self.widget_id = widget_id
            self.text = text
            self.reason = reason

    def __init__(self, mask_ratios: Any, mask_mode: Any, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mask_mode = mask_mode
        self.ranges = ranges_from_raw(mask_ratios)

    def compose(self) -> ComposeResult:
        yield Horizontal(
            Label("mask_ratios", classes="field-label"), PyramidBar(self.ranges, id="pyramid-bar"), classes="level-row"
        )
        yield PyramidLegend(self.ranges, id="pyramid-legend")
        yield Label(describe_density(self.mask_mode, self.ranges), id="pyramid-density")
        for index, (level, start, end) in enumerate(self.ranges):
            yield Horizontal(
                Label(_level_text(level), classes="level-label"),
                _bound_input(start, f"mr-{index}-start"),
                Label("→", classes="level-arrow"),
                _bound_input(end, f"mr-{index}-end"),
                classes="level-row",
            )

    async def show(self, mask_ratios: Any, mask_mode: Any) -> None:
        """Show another preset's ratios: values in place when the level count is the same."""
        ranges = ranges_from_raw(mask_ratios)
        same_shape = [level for level, _, _ in ranges] == [level for level, _, _ in self.ranges]
        self.mask_mode, self.ranges = mask_mode, ranges
        if not same_shape:
            await self.recompose()
            return
        for index, (_, start, end) in enumerate(ranges):
            for side, value in (("start", start), ("end", end)):
                widget = self.query_one(f"#mr-{index}-{side}", Input)
                with widget.prevent(Input.Changed):
                    widget.value = _short(value)
        self._redraw(ranges)

    def current_ranges(self) -> list[LevelRange]:
        """The ranges as typed now; a half-typed number keeps the file's value."""
        ranges: list[LevelRange] = []
        for index, (level, start, end) in enumerate(self.ranges):
            ranges.append((level, self._typed(index, "start", start), self._typed(index, "end", end)))
        return ranges

    def focus_level(self, level_text: str) -> bool:
        for index, (level, _, _) in enumerate(self.ranges):
            if not level_text or str(level) == level_text:
                self.query_one(f"#mr-{index}-start", Input).focus()
                return True
        return False

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._redraw(self.current_ranges())

    def _redraw(self, ranges: list[LevelRange]) -> None:
        self.query_one(PyramidBar).set_ranges(ranges)
        self.query_one(PyramidLegend).set_ranges(ranges)
        self.query_one("#pyramid-density", Label).update(describe_density(self.mask_mode, ranges))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._commit(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        self._commit(event.input)

    def _commit(self, widget: Input) -> None:
        bounds = self.range_for(widget)
        if bounds is not None:
            self.post_message(self.RangeEdited(*bounds))
            return
        parts = (widget.id or "").split("-")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self.ranges):
            result = widget.validate(widget.value)
            if result is not None and not result.is_valid:
                reason = f"{widget.value.strip()!r} is not a number from 0 to 1; not applied"
                self.post_message(self.InvalidBound(self.ranges[int(parts[1])][0], widget.id or "", widget.value, reason))

    def range_for(self, widget: Input) -> tuple[int, list[float]] | None:
        """(level, [start, end]) of the row holding ``widget``, or None if a bound is invalid."""
        parts = (widget.id or "").split("-")
        if len(parts) != 3 or parts[0] != "mr" or not parts[1].isdigit():
            return None
        index = int(parts[1])
        if index >= len(self.ranges) or not all(self._valid(index, side) for side in ("start", "end")):
            return None
        level, start, end = self.current_ranges()[index]
        return level, [start, end]

    def _valid(self, index: int, side: str) -> bool:
        widget = self.query_one(f"#mr-{index}-{side}", Input)
        result = widget.validate(widget.value)
        return result is None or result.is_valid

    def _typed(self, index: int, side: str, fallback: float) -> float:
        try:
            return float(self.query_one(f"#mr-{index}-{side}", Input).value)
        except ValueError:
            return fallback


def _bound_input(value: float, widget_id: str) -> Input:
    return Input(
        value=_short(value),
        validators=[Number(minimum=0.0, maximum=1.0)],
        id=widget_id,
        compact=True,
        classes="level-input",
        tooltip="Share of the ranked key blocks, 0..1 (start = previous end)",
    )


def _level_text(level: int) -> Text:
    text = Text("  ")
    text.append("■ ", style=LEVEL_STYLE.get(level, "red"))
    text.append(f"{level} {LEVEL_NAME.get(level, '?')}")
    return text


def _short(value: float) -> str:
    return f"{value:g}"
