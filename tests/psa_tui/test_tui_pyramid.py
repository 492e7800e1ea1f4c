"""The pyramid's numbers: bar widths, density, legend."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from psa_config.model import PsaPreset
from psa_tui.pyramid import describe_density, expected_density, ranges_from_raw, render_bar, render_legend, segment_widths

LEVELS = (1, 2, 4, 8, 0)


@st.composite
def chains(draw: st.DrawFn) -> list[tuple[int, float, float]]:
    """A valid chain of the five levels: cut points 0 <= c1 <= ... <= 1."""
    cuts = sorted(draw(st.lists(st.floats(0, 1), min_size=4, max_size=4)))
    bounds = [0.0, *cuts, 1.0]
    return [(level, bounds[i], bounds[i + 1]) for i, level in enumerate(LEVELS)]


@given(chains(), st.integers(10, 200))
def test_segments_fill_the_bar_in_proportion(ranges: list[tuple[int, float, float]], width: int) -> None:
    widths = segment_widths(ranges, width)
    assert sum(widths) == width
    for (_, start, end), columns in zip(ranges, widths):
        assert abs(columns - (end - start) * width) < len(ranges)


@given(chains(), st.integers(10, 200))
def test_bar_is_exactly_the_width(ranges: list[tuple[int, float, float]], width: int) -> None:
    assert len(render_bar(ranges, width)) == width


def test_partial_cover_leaves_dots() -> None:
    bar = render_bar([(1, 0.0, 0.25)], 20).plain
    assert bar.count("·") == 15


@given(chains())
def test_density_is_the_models_expected_density(ranges: list[tuple[int, float, float]]) -> None:
    preset = PsaPreset.model_construct(mask_mode="topk", mask_ratios={l: [s, e] for l, s, e in ranges})
    density = expected_density("topk", ranges)
    assert density is not None and math.isclose(density, preset.expected_density() or 0.0)
    assert 0.0 <= density <= 1.0


def test_density_hand_computed() -> None:
    ranges = ranges_from_raw({1: [0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.15, 0.35], 0: [0.35, 1]})
    assert math.isclose(expected_density("topk", ranges) or 0, 0.1 + 0.05 / 2 + 0.2 / 8)
    assert "0.150" in describe_density("topk", ranges)


def test_thresholdbound_has_no_fixed_density() -> None:
    ranges = ranges_from_raw({1: [0, 0.4], 0: [0.4, 1]})
    assert expected_density("thresholdbound", ranges) is None
    assert "set by the scores" in describe_density("thresholdbound", ranges)


def test_raw_ranges_drop_what_is_not_a_range() -> None:
    raw = {1: [0, 0.5], 2: "x", 4: [0.5], 8: [True, 0.7], "0": [0.7, 1], 0: [0.7, 1.0]}
    assert ranges_from_raw(raw) == [(1, 0.0, 0.5), (0, 0.7, 1.0)]
    assert ranges_from_raw(None) == []


@given(chains(), st.integers(9, 80))
def test_legend_lines_fit_and_never_split_a_swatch_from_its_label(ranges: list[tuple[int, float, float]], width: int) -> None:
    lines = render_legend(ranges, width).plain.split("\n")
    assert all(len(line) <= width for line in lines)
    entries = [entry for line in lines for entry in line.split("  ")]
    assert entries == [f"■ {level}: {max(0.0, end - start):.0%}" for level, start, end in ranges]


def test_legend_takes_two_lines_at_80_columns() -> None:
    ranges = [(1, 0.0, 0.4), (2, 0.4, 0.5), (4, 0.5, 0.6), (8, 0.6, 0.8), (0, 0.8, 1.0)]
    assert render_legend(ranges, 30).plain == "■ 1: 40%  ■ 2: 10%  ■ 4: 10%\n■ 8: 20%  ■ 0: 20%"
    assert "\n" not in render_legend(ranges, 50).plain
