"""Every shape a `mask_ratios` chain can take, with the exact codes and positions of PSA201-PSA205.

Positions are found in the rendered text (the line of the level's key, the column of its `[`),
never taken from the checker, so a shifted line or column fails here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from psa_config import check_text

Ranges = list[tuple[int, str]]
"""(level, the text written after `level: `), in the order listed."""


@dataclass(frozen=True)
class At:
    """An expected diagnostic: code, the listed level it points at (None: the `mask_ratios` value), and a message fragment."""

    code: str
    level: int | None
    says: str
    token: str = "["
    """Where on the level's line the diagnostic points: the first occurrence of this text."""


def render(ranges: Ranges, attn_impl: str = "old_mask_type") -> str:
    ratio_lines = "".join(f"        {level}: {value}\n" for level, value in ranges) if ranges else ""
    ratios = "      mask_ratios:\n" + ratio_lines if ranges else "      mask_ratios: {}\n"
    return (
        "Wan2.1_14b:\n"
        "  default_attention: p\n"
        "  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
        "  text_length: 0\n"
        "  attention_configs:\n"
        "    p:\n"
        "      type: psa\n"
        "      use_sim_mask: false\n"
        "      block_size: {m: 128, n: 128, tile_n: 32}\n"
        f"{ratios}"
        "      mask_mode: topk\n"
        f"      attn_impl: {attn_impl}\n"
        "      warmup_steps: 0\n"
    )


def position(text: str, level: int | None, token: str = "[") -> tuple[int, int]:
    """1-based line and column of `token` on a level's line (or of `mask_ratios`' value), searched in the text."""
    lines = text.splitlines()
    if level is None:
        line = next(i for i, line in enumerate(lines) if line.startswith("      mask_ratios:"))
        return line + 1, len("      mask_ratios: ") + 1
    line = next(i for i, line in enumerate(lines) if line.startswith(f"        {level}: "))
    return line + 1, lines[line].index(token) + 1


def chain_diagnostics(text: str) -> list[tuple[str, int, int, str]]:
    return sorted((d.code, d.line, d.column, d.message) for d in check_text(text) if d.code.startswith("PSA20"))


def assert_exactly(text: str, expected: list[At]) -> None:
    found = chain_diagnostics(text)
    assert sorted((code, line, column) for code, line, column, _ in found) == sorted(
        (at.code, *position(text, at.level, at.token)) for at in expected
    ), found
    for at in expected:
        line, column = position(text, at.level, at.token)
        messages = [message for code, l, c, message in found if (code, l, c) == (at.code, line, column)]
        assert any(at.says in message for message in messages), (at, messages)


CLEAN = [(1, "[0.0, 0.4]"), (2, "[0.4, 0.5]"), (4, "[0.5, 0.6]"), (8, "[0.6, 0.8]"), (0, "[0.8, 1.0]")]


def replaced(level: int, value: str, ranges: Ranges = CLEAN) -> Ranges:
    return [(lvl, value if lvl == level else old) for lvl, old in ranges]


CASES: dict[str, tuple[Ranges, list[At]]] = {
    "clean": (CLEAN, []),
    "gap": (replaced(4, "[0.55, 0.6]"), [At("PSA203", 4, "(a gap)")]),
    "overlap": (replaced(4, "[0.45, 0.6]"), [At("PSA203", 4, "(an overlap)")]),
    "overlap back to zero": (replaced(2, "[0.0, 0.5]"), [At("PSA203", 2, "level 2 starts at 0 but level 1 ends at 0.4 (an overlap)")]),
    "overlap ending where the previous ends": (
        replaced(2, "[0.3, 0.4]"),
        [At("PSA203", 2, "(an overlap)"), At("PSA203", 4, "level 4 starts at 0.5 but level 2 ends at 0.4 (a gap)")],
    ),
    "gap and overlap": (
        replaced(8, "[0.5, 0.8]", replaced(2, "[0.45, 0.5]")),
        [At("PSA203", 2, "(a gap)"), At("PSA203", 8, "(an overlap)")],
    ),
    "within tolerance": (replaced(4, "[0.5000000000001, 0.6]"), []),
    "level out of order": (
        [(1, "[0.0, 0.4]"), (2, "[0.4, 0.6]"), (4, "[0.2, 0.3]"), (8, "[0.6, 0.8]"), (0, "[0.8, 1.0]")],
        [At("PSA203", 4, "out of order"), At("PSA203", 8, "(a gap)")],
    ),
    "reversed listing": (
        list(reversed(CLEAN)),
        [
            At("PSA204", 0, "first listed level (0) starts at 0.8"),
            At("PSA203", 8, "out of order"),
            At("PSA203", 4, "out of order"),
            At("PSA203", 2, "out of order"),
            At("PSA203", 1, "out of order"),
            At("PSA204", 1, "last listed level (1) ends at 0.4"),
        ],
    ),
    "first start not 0": (replaced(1, "[0.1, 0.4]"), [At("PSA204", 1, "starts at 0.1, not 0")]),
    "last end not 1": (replaced(0, "[0.8, 0.9]"), [At("PSA204", 0, "ends at 0.9, not 1")]),
    "single level covering": ([(1, "[0.0, 1.0]")], []),
    "single empty level at 0": ([(1, "[0.0, 0.0]")], [At("PSA204", 1, "ends at 0, not 1")]),
    "first start within tolerance of 0": (replaced(1, "[1.0e-9, 0.4]"), []),
    "first start just past the tolerance": (replaced(1, "[2.0e-9, 0.4]"), [At("PSA204", 1, "starts at 2e-09, not 0")]),
    "single level short at both ends": (
        [(1, "[0.2, 0.9]")],
        [At("PSA204", 1, "starts at 0.2, not 0"), At("PSA204", 1, "ends at 0.9, not 1")],
    ),
    "empty ranges": ([(1, "[0.0, 0.0]"), (2, "[0.0, 0.5]"), (4, "[0.5, 0.5]"), (8, "[0.5, 0.5]"), (0, "[0.5, 1.0]")], []),
    "every level empty but the last": ([(1, "[0.0, 0.0]"), (2, "[0.0, 0.0]"), (4, "[0.0, 0.0]"), (8, "[0.0, 0.0]"), (0, "[0.0, 1.0]")], []),
    "empty last range at 1": (replaced(0, "[1.0, 1.0]", replaced(8, "[0.6, 1.0]")), []),
    "empty range in a gap": (replaced(4, "[0.55, 0.55]", replaced(8, "[0.55, 0.8]")), [At("PSA203", 4, "(a gap)")]),
    "no levels at all": ([], [At("PSA204", None, "mask_ratios is empty")]),
    "malformed middle range breaks no chain": (
        replaced(4, "[0.5]", replaced(8, "[0.7, 0.8]")),
        [At("PSA202", 4, "")],
    ),
    "unknown level": ([(3 if lvl == 4 else lvl, v) for lvl, v in CLEAN], [At("PSA201", 3, "not a pyramid level", token="3")]),
}

@pytest.mark.parametrize("ranges, expected", CASES.values(), ids=CASES.keys())
def test_chain_shape_reports_exact_codes_and_positions(ranges: Ranges, expected: list[At]) -> None:
    assert_exactly(render(ranges), expected)


@pytest.mark.parametrize(
    "ranges, expected",
    [
        pytest.param(replaced(0, "[0.8, 1.5]"), [At("PSA202", 0, "1.5 is outside [0, 1]", token="1.5")], id="end past 1"),
        pytest.param(replaced(1, "[-0.1, 0.4]"), [At("PSA202", 1, "-0.1 is outside [0, 1]", token="-0.1")], id="negative start"),
        pytest.param(
            replaced(4, "[0.6, 0.5]"),
            [At("PSA202", 4, "")],
            id="start after end",
        ),
    ],
)
def test_a_malformed_range_is_reported_at_the_offending_number(ranges: Ranges, expected: list[At]) -> None:
    """Only PSA202 is asserted: what the chain rules make of a number outside [0, 1] is theirs to say."""
    text = render(ranges)
    found = [(code, line, column) for code, line, column, _ in chain_diagnostics(text) if code == "PSA202"]
    assert found == [(at.code, *position(text, at.level, at.token)) for at in expected]


NEW_MASK_CASES: dict[str, tuple[Ranges, list[At]]] = {
    "clean": (CLEAN, []),
    "single level": ([(1, "[0.0, 1.0]")], [At("PSA205", None, "missing: 2, 4, 8, 0")]),
    "a level missing": ([lr for lr in CLEAN if lr[0] != 8][:3] + [(0, "[0.6, 1.0]")], [At("PSA205", None, "level 0's blocks run at 8x pooling")]),
    "two levels swapped": (
        [(1, "[0.0, 0.4]"), (4, "[0.4, 0.5]"), (2, "[0.5, 0.6]"), (8, "[0.6, 0.8]"), (0, "[0.8, 1.0]")],
        [At("PSA205", None, "level 4's blocks run at 2x pooling; level 2's blocks run at 4x pooling")],
    ),
    "overlap": (replaced(8, "[0.5, 0.8]"), [At("PSA203", 8, "(an overlap)")]),
}


def key_position(text: str) -> tuple[int, int]:
    line = next(i for i, line in enumerate(text.splitlines()) if line.startswith("      mask_ratios:"))
    return line + 1, len("      ") + 1


@pytest.mark.parametrize("ranges, expected", NEW_MASK_CASES.values(), ids=NEW_MASK_CASES.keys())
def test_new_mask_type_chain_shapes(ranges: Ranges, expected: list[At]) -> None:
    text = render(ranges, attn_impl="new_mask_type")
    found = chain_diagnostics(text)
    want = sorted((at.code, *(key_position(text) if at.code == "PSA205" else position(text, at.level))) for at in expected)
    assert sorted((code, line, column) for code, line, column, _ in found) == want, found
    for at in expected:
        assert any(code == at.code and at.says in message for code, _, _, message in found), (at, found)
