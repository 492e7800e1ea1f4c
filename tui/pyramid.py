"""The pyramid of levels as numbers: shares, bar segments and expected density.

Pure functions (no widgets) so the bar and the density can be tested alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

LevelRange = tuple[int, float, float]

LEVEL_STYLE: dict[int, str] = {1: "bold green", 2: "green", 4: "yellow", 8: "dark_orange", 0: "grey42"}
LEVEL_NAME: dict[int, str] = {1: "full", 2: "2x pool", 4: "4x pool", 8: "8x pool", 0: "skip"}


def ranges_from_raw(mask_ratios: Any) -> list[LevelRange]:
    """(level, start, end) in file order from a raw ``mask_ratios`` mapping; bad entries dropped."""
    if not isinstance(mask_ratios, dict):
        return []
    ranges: list[LevelRange] = []
    for level, bounds in mask_ratios.items():
        if isinstance(level, int) and isinstance(bounds, list) and len(bounds) == 2:
            start, end = bounds
            if _is_number(start) and _is_number(end):
                ranges.append((level, float(start), float(end)))
    return ranges


def expected_density(mask_mode: Any, ranges: Sequence[LevelRange]) -> float | None:
    """:meth:`PsaPreset.expected_density` for possibly invalid values (None when undefined).

    The model's formula (``sum (end - start) / level`` over kept levels, topk
    only) without importing pydantic at start-up; test_tui_pyramid checks
    that the two agree.
    """
    if mask_mode != "topk":
        return None
    by_level = {level: (start, end) for level, start, end in ranges}  # as the model's mapping keeps them
    return sum((end - start) / level for level, (start, end) in by_level.items() if level > 0)


def segment_widths(ranges: Sequence[LevelRange], width: int) -> list[int]:
    """Columns per level, proportional to each level's share, summing to ``width`` or less.

    Shares are clamped to [0, 1]; largest remainders get the leftover columns.
    """
    shares = [max(0.0, min(1.0, end) - max(0.0, start)) for _, start, end in ranges]
    total = min(1.0, sum(shares)) if shares else 0.0
    target = round(width * total)
    scaled = [share * width for share in shares]
    widths = [int(value) for value in scaled]
    leftovers = sorted(range(len(widths)), key=lambda i: scaled[i] - widths[i], reverse=True)
    for index in leftovers[: max(0, target - sum(widths))]:
        widths[index] += 1
    while sum(widths) > width:
        widths[widths.index(max(widths))] -= 1
    return widths


def render_bar(ranges: Sequence[LevelRange], width: int) -> Text:
    """A one-line stacked bar: each level's share in its colour, uncovered ranks as dots."""
    text = Text()
    for (level, _, _), columns in zip(ranges, segment_widths(ranges, width)):
        glyph = "░" if level == 0 else "█"
        label = str(level)
        cell = glyph * columns
        if columns >= 3:
            middle = columns // 2
            cell = cell[:middle] + label + cell[middle + 1 :]
        text.append(cell, style=LEVEL_STYLE.get(level, "red"))
    text.append("·" * max(0, width - len(text)), style="dim")
    return text


def render_legend(ranges: Sequence[LevelRange], width: int | None = None) -> Text:
    """Each level's swatch and share; lines break between entries, never inside one."""
    entries = [_legend_entry(level, start, end) for level, start, end in ranges]
    text = Text(no_wrap=True)
    used = 0
    for entry in entries:
        gap = 2 if used else 0
        if width is not None and used and used + gap + entry.cell_len > width:
            text.append("\n")
            used, gap = 0, 0
        text.append(" " * gap)
        text.append_text(entry)
        used += gap + entry.cell_len
    return text


def _legend_entry(level: int, start: float, end: float) -> Text:
    entry = Text()
    entry.append("■ ", style=LEVEL_STYLE.get(level, "red"))
    entry.append(f"{level}: {max(0.0, end - start):.0%}")
    return entry


def describe_density(mask_mode: Any, ranges: Sequence[LevelRange]) -> str:
    density = expected_density(mask_mode, ranges)
    if density is None:
        return "FLOP density: set by the scores (thresholdbound)"
    return f"FLOP density {density:.3f} (sparsity {1 - density:.1%})"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
