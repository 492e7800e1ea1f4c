"""Every preset the search space draws passes the checker (no errors, no PSA401) and chains its ranges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("optuna")

from psa_kernels.tune.presets import BasePreset, CandidateRejected, checked_section, with_candidate  # noqa: E402
from psa_kernels.tune.space import (  # noqa: E402
    WIDTHS,
    Candidate,
    SearchSpace,
    allowed_levels,
    chained_ends,
    suggest,
)

CONFIG = Path(__file__).parents[2] / "configs" / "attention_config.yaml"


class DrawnTrial:
    """A trial whose suggestions come from hypothesis, checked against the bounds asked for."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.asked: dict[str, Any] = {}

    def suggest_categorical(self, name: str, choices: Any) -> Any:
        self.asked[name] = value = self.data.draw(st.sampled_from(list(choices)), label=name)
        return value

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None) -> float:
        steps = round((high - low) / step)
        self.asked[name] = value = low + step * self.data.draw(st.integers(0, steps), label=name)
        return value


@pytest.fixture(scope="module")
def base() -> BasePreset:
    return BasePreset(CONFIG.read_text(encoding="utf-8"), str(CONFIG), "Wan2.1_1.3b", "psa_balanced")


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_drawn_presets_pass_the_checker(base: BasePreset, data: st.DataObject) -> None:
    trial = DrawnTrial(data)
    candidate = suggest(trial, SearchSpace())
    doc = with_candidate(base, "tuned", candidate, "x")
    preset = checked_section(doc, base, "tuned", base.baseline_diagnostics()).attention_configs["tuned"]
    ratios = preset.mask_ratios
    assert list(ratios) == [1, 2, 4, 8, 0]
    ranges = list(ratios.values())
    assert ranges[0][0] == 0.0 and ranges[-1][1] == 1.0
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert preset.block_size.n == candidate.n and preset.mask_mode == candidate.mode
    for level, (start, end) in ratios.items():
        if level not in (0, *allowed_levels(candidate.n)):
            assert start == end, f"level {level} must stay empty at n={candidate.n}"


def test_a_misread_level_is_refused(base: BasePreset) -> None:
    doc = with_candidate(base, "tuned", Candidate("topk", 32, (0.1, 0.2, 0.3, 0.3)), "x")  # level 4 at n=32
    with pytest.raises(CandidateRejected, match="PSA401"):
        checked_section(doc, base, "tuned", base.baseline_diagnostics())


@given(st.lists(st.integers(0, 60), min_size=4, max_size=4))
def test_chained_ends_are_sorted_capped_and_on_the_grid(hundredths: list[int]) -> None:
    ends = chained_ends([h / 100 for h in hundredths])
    assert list(ends) == sorted(ends)
    assert all(0.0 <= e <= 1.0 and round(e, 2) == e for e in ends)
    assert ends[-1] == min(1.0, sum(hundredths) / 100)


def test_allowed_levels_follow_the_half_tile_rule() -> None:
    assert allowed_levels(128) == (1, 2, 4, 8)
    assert allowed_levels(64) == (1, 2, 4)
    assert allowed_levels(32) == (1, 2)


def test_width_ranges_leave_level_one_non_empty() -> None:
    assert all(WIDTHS[mode][1][0] > 0 for mode in WIDTHS)


@pytest.mark.parametrize(("modes", "ns"), [(("dense",), (128,)), (("topk",), (48,)), ((), (128,))])
def test_bad_space_is_refused(modes: tuple[str, ...], ns: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        SearchSpace(modes, ns)


def test_candidate_json_round_trip() -> None:
    candidate = Candidate("thresholdbound", 64, (0.4, 0.5, 0.6, 0.6))
    assert Candidate.from_json(candidate.to_json()) == candidate
