"""What PSA203-PSA205 say: the exact message and fix, worked out by hand from the runtime's walk.

topk walks the levels as listed, thresholdbound by their end; each level runs from where the walk
has reached to its own end (psa-semantics.md section 3). The shapes and positions are in
test_chain_shapes.py; this file pins the words a user reads.
"""

from __future__ import annotations

import pytest

from psa_config import check_text


def render(ratios: str, *, mode: str = "topk", impl: str = "old_mask_type") -> str:
    ratio_lines = "".join(f"        {entry.strip()}\n" for entry in ratios.split(";")) if ratios else ""
    return (
        "Wan2.1_14b:\n"
        "  default_attention: p\n"
        "  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
        "  text_length: 0\n"
        "  attention_configs:\n"
        "    p:\n"
        "      type: psa\n"
        "      use_sim_mask: false\n"
        "      use_rearrange: true\n"
        "      rearrange_method: Gilbert\n"
        "      block_size: {m: 128, n: 128, tile_n: 32}\n"
        + ("      mask_ratios:\n" + ratio_lines if ratios else "      mask_ratios: {}\n")
        + f"      mask_mode: {mode}\n"
        f"      attn_impl: {impl}\n"
        "      warmup_steps: 0\n"
    )


def said(text: str, code: str) -> list[tuple[str, str | None]]:
    return [(d.message, d.fix) for d in check_text(text) if d.code == code]


GAP = "1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.55, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"
OVERLAP = "1: [0.0, 0.4]; 2: [0.4, 0.55]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"
LEVEL_2_INSIDE_LEVEL_1 = "1: [0.0, 0.5]; 2: [0.3, 0.4]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"


def test_a_gap_says_what_runs_and_how_to_write_it() -> None:
    assert said(render(GAP), "PSA203") == [(
        "level 4 starts at 0.55 but level 2 ends at 0.5 (a gap); the runtime ignores start and runs [0.5, 0.6]",
        "write `4: [0.5, 0.6]`",
    )]


def test_an_overlap_says_what_runs_and_how_to_write_it() -> None:
    assert said(render(OVERLAP), "PSA203") == [(
        "level 4 starts at 0.5 but level 2 ends at 0.55 (an overlap); the runtime ignores start and runs [0.55, 0.6]",
        "write `4: [0.55, 0.6]`",
    )]


def test_topk_level_listed_out_of_order_gets_no_blocks() -> None:
    assert said(render(LEVEL_2_INSIDE_LEVEL_1), "PSA203") == [
        (
            "level 2 ends at 0.4, before level 1 (listed earlier) ends at 0.5: the levels are listed out of order; "
            "topk walks them as listed, so level 2 gets no blocks",
            "list the levels in the order of their ranges",
        ),
        (
            "level 4 starts at 0.5 but level 2 ends at 0.4 (a gap); the runtime ignores start and runs [0.5, 0.6]",
            "end level 2's range at 0.5, where level 4 starts",
        ),
    ]


def test_thresholdbound_level_listed_out_of_order_runs_first() -> None:
    assert said(render(LEVEL_2_INSIDE_LEVEL_1, mode="thresholdbound"), "PSA203") == [
        (
            "level 2 ends at 0.4, before level 1 (listed earlier) ends at 0.5: the levels are listed out of order; "
            "thresholdbound walks them by their end, so the runtime runs level 2 before level 1, over [0, 0.4]",
            "list the levels in the order of their ranges",
        ),
        (
            "level 4 starts at 0.5 but level 2 ends at 0.4 (a gap); the runtime ignores start and runs [0.5, 0.6]",
            "end level 2's range at 0.5, where level 4 starts",
        ),
    ]


def test_a_start_within_tolerance_of_the_previous_end_is_no_break() -> None:
    assert said(render("1: [0.0, 0.4]; 2: [0.4000000000005, 0.5]; 0: [0.5, 1.0]"), "PSA203") == []
    assert len(said(render("1: [0.0, 0.4]; 2: [0.40001, 0.5]; 0: [0.5, 1.0]"), "PSA203")) == 1


def test_first_level_not_starting_at_zero() -> None:
    assert said(render("1: [0.1, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"), "PSA204") == [(
        "the first listed level (1) starts at 0.1, not 0; the runtime ignores start and runs it over [0, 0.4]",
        "list the levels in the order of their ranges, the one starting at 0 first",
    )]


def test_last_level_short_of_one_skips_the_rest() -> None:
    assert said(render("1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 0.9]"), "PSA204") == [(
        "the last listed level (0) ends at 0.9, not 1; no level reaches past 0.9, so the rest is skipped",
        "end the last range at 1: `0: [0.8, 1.0]`",
    )]


def test_last_level_short_of_one_after_a_level_that_reached_one() -> None:
    found = said(render("1: [0.0, 1.0]; 2: [0.4, 0.5]"), "PSA204")
    assert found == [(
        "the last listed level (2) ends at 0.5, not 1; level 1, listed earlier, ends at 1: the levels are out of order",
        "end the last range at 1: `2: [0.4, 1.0]`",
    )]


def test_a_level_reaching_exactly_one_less_the_tolerance_counts_as_reaching_one() -> None:
    found = said(render("1: [0.0, 0.999999999]; 2: [0.4, 0.5]"), "PSA204")
    assert [message for message, _ in found] == [
        "the last listed level (2) ends at 0.5, not 1; level 1, listed earlier, ends at 1: the levels are out of order"
    ]


def test_the_walk_stops_at_one() -> None:
    assert [message for message, _ in said(render("1: [0.0, 0.4]; 0: [0.3, 1.5]"), "PSA203")] == [
        "level 0 starts at 0.3 but level 1 ends at 0.4 (an overlap); the runtime ignores start and runs [0.4, 1]"
    ]


def test_last_level_ending_exactly_one_less_the_tolerance_is_covering() -> None:
    assert said(render("1: [0.0, 0.4]; 0: [0.4, 0.999999999]"), "PSA204") == []


def test_last_level_within_tolerance_of_one_is_covering() -> None:
    assert said(render("1: [0.0, 0.4]; 0: [0.4, 0.9999999999995]"), "PSA204") == []


def test_empty_mask_ratios_says_what_each_kernel_does() -> None:
    assert [message for message, _ in said(render(""), "PSA204")] == [
        "mask_ratios is empty: new_mask_type attends only key block 0 and old_mask_type outputs zeros; "
        "list the levels 1, 2, 4, 8, 0 with ranges from 0 to 1"
    ]
    assert said(render("", impl="new_mask_type"), "PSA205") == []


NEEDS = "new_mask_type needs the levels 1, 2, 4, 8, 0 in this order"
BY_POSITION = "the kernel labels segments by position (1, 2, 4, 8, then skip)"

ORDER_CASES = {
    "trailing 0 missing": (
        "1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 1.0]",
        f"{NEEDS} (listed: 1, 2, 4, 8; missing: 0); {BY_POSITION}, which happens to match every non-empty level here, "
        "so it runs as written",
        "write 1: [0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 1], 0: [1, 1]",
    ),
    "8 missing": (
        "1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 0: [0.6, 1.0]",
        f"{NEEDS} (listed: 1, 2, 4, 0; missing: 8): {BY_POSITION}, not by key, so "
        "level 0's blocks run at 8x pooling instead of being skipped",
        "write 1: [0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.6], 0: [0.6, 1]",
    ),
    "two levels swapped": (
        "2: [0.0, 0.4]; 1: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]",
        f"{NEEDS} (listed: 2, 1, 4, 8, 0): {BY_POSITION}, not by key, so "
        "level 2's blocks run at full resolution; level 1's blocks run at 2x pooling",
        "write 1: [0, 0.1], 2: [0.1, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1]",
    ),
    "8 after 0": (
        "1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 0: [0.6, 0.8]; 8: [0.8, 1.0]",
        f"{NEEDS} (listed: 1, 2, 4, 0, 8): {BY_POSITION}, not by key, so "
        "level 0's blocks run at 8x pooling instead of being skipped; level 8's blocks are skipped (past the fourth separator)",
        "write 1: [0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1]",
    ),
    "an empty level out of place": (
        "1: [0.0, 0.4]; 4: [0.4, 0.4]; 2: [0.4, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]",
        f"{NEEDS} (listed: 1, 4, 2, 8, 0): {BY_POSITION}, not by key, so level 2's blocks run at 4x pooling",
        "write 1: [0, 0.4], 2: [0.4, 0.6], 4: [0.6, 0.6], 8: [0.6, 0.8], 0: [0.8, 1]",
    ),
    "level 1 missing: its empty range goes first, at 0": (
        "2: [0.0, 0.4]; 4: [0.4, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]",
        f"{NEEDS} (listed: 2, 4, 8, 0; missing: 1): {BY_POSITION}, not by key, so "
        "level 2's blocks run at full resolution; level 4's blocks run at 2x pooling; level 8's blocks run at 4x pooling; "
        "level 0's blocks run at 8x pooling instead of being skipped",
        "write 1: [0, 0], 2: [0, 0.4], 4: [0.4, 0.6], 8: [0.6, 0.8], 0: [0.8, 1]",
    ),
    "a share of exactly the tolerance counts as empty": (
        "2: [0.0, 1.0e-9]; 1: [1.0e-9, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]",
        f"{NEEDS} (listed: 2, 1, 4, 8, 0): {BY_POSITION}, not by key, so level 1's blocks run at 2x pooling",
        "write 1: [0, 0.5], 2: [0.5, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1]",
    ),
    "a reversed range: the walk is unknown": (
        "1: [0.0, 0.4]; 2: [0.5, 0.4]; 0: [0.4, 1.0]",
        f"{NEEDS} (listed: 1, 2, 0; missing: 4, 8): {BY_POSITION}, not by key",
        "list the levels 1, 2, 4, 8, 0 in this order",
    ),
    "a range past 1: the walk is unknown": (
        "1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 0: [0.6, 1.5]",
        f"{NEEDS} (listed: 1, 2, 4, 0; missing: 8): {BY_POSITION}, not by key",
        "list the levels 1, 2, 4, 8, 0 in this order",
    ),
    "a malformed range: the walk is unknown": (
        "1: [0.0, 0.4]; 2: [0.4]; 0: [0.4, 1.0]",
        f"{NEEDS} (listed: 1, 2, 0; missing: 4, 8): {BY_POSITION}, not by key",
        "list the levels 1, 2, 4, 8, 0 in this order",
    ),
    "no valid level": (
        "3: [0.0, 1.0]",
        f"{NEEDS} (listed: none; missing: 1, 2, 4, 8, 0): {BY_POSITION}, not by key",
        "list the levels 1, 2, 4, 8, 0 in this order",
    ),
}


@pytest.mark.parametrize("ratios, message, fix", ORDER_CASES.values(), ids=ORDER_CASES.keys())
def test_new_mask_order_says_what_each_level_runs_as(ratios: str, message: str, fix: str) -> None:
    assert said(render(ratios, impl="new_mask_type"), "PSA205") == [(message, fix)]


RUNTIME_READS = {
    '"2"': "1, 2, 4, 8, 0",
    '"+2"': "1, 2, 4, 8, 0",
    "' 4'": "1, 4, 4, 8, 0",
    "true": "1, 4, 8, 0",
    "-1": "1, 4, 8, 0",
    '"-1"': "1, 4, 8, 0",
    '"--2"': "1, 4, 8, 0",
    '"²"': "1, 4, 8, 0",
    '"-"': "1, 4, 8, 0",
    '"0_2"': "1, 2, 4, 8, 0",
}
"""A key as written -> the levels the runtime reads, in order (it applies int(); "--2" and "²" are no int)."""


@pytest.mark.parametrize("key", RUNTIME_READS)
def test_level_keys_are_read_as_the_runtime_reads_them(key: str) -> None:
    """The runtime applies int() to every key: "2" is level 2, true and -1 are no level."""
    ratios = f"1: [0.0, 0.4]; {key}: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"
    listed = RUNTIME_READS[key]
    messages = [message for message, _ in said(render(ratios, impl="new_mask_type"), "PSA205")]
    if listed == "1, 2, 4, 8, 0":
        assert messages == []
    else:
        assert len(messages) == 1 and f"(listed: {listed}" in messages[0], messages


def test_a_reversed_range_ending_at_zero_gets_nothing() -> None:
    assert said(render("1: [0.3, 0.0]; 2: [0.0, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"), "PSA202") == [(
        "mask_ratios level 1: [0.3, 0] ends before it starts; the runtime ignores start and gives the level nothing",
        "write `1: [0, 0.3]` if the bounds are swapped",
    )]


def test_a_reversed_range_starting_at_one_gets_the_ranks_up_to_its_end() -> None:
    assert said(render("1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [1.0, 0.9]"), "PSA202") == [(
        "mask_ratios level 0: [1, 0.9] ends before it starts; the runtime ignores start and gives the level [0.8, 0.9]",
        "write `0: [0.9, 1]` if the bounds are swapped",
    )]


def test_a_start_past_one_is_out_of_range_not_reversed() -> None:
    found = said(render("1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [1.5, 0.9]"), "PSA202")
    assert found and not any("ends before it starts" in message for message, _ in found)


def two_presets(first: str, second: str, *, first_impl: str = "old_mask_type", impl: str = "old_mask_type") -> str:
    """A file whose preset `q` follows a preset `p`; `said` then reports q's diagnostics after p's."""
    one = render(first, impl=first_impl)
    other = render(second, impl=impl).split("  attention_configs:\n", 1)[1].replace("    p:\n", "    q:\n", 1)
    return one + other


def preset_of(text: str, code: str) -> list[str]:
    return [d.preset or "" for d in check_text(text) if d.code == code]


def test_coverage_is_checked_in_a_preset_after_one_with_unreadable_ratios() -> None:
    short = "1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 0.9]"
    unreadable = two_presets("", short).replace("mask_ratios: {}", "mask_ratios: oops", 1)
    assert preset_of(unreadable, "PSA204") == ["q"]
    assert preset_of(two_presets("", short), "PSA204") == ["p", "q"]


def test_level_order_is_checked_in_a_preset_after_an_old_mask_or_empty_one() -> None:
    swapped = "2: [0.0, 0.4]; 1: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"
    assert preset_of(two_presets(swapped, swapped, impl="new_mask_type"), "PSA205") == ["q"]
    assert preset_of(two_presets("", swapped, first_impl="new_mask_type", impl="new_mask_type"), "PSA205") == ["q"]
    in_order = "1: [0.0, 0.4]; 2: [0.4, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"
    assert preset_of(two_presets(in_order, swapped, first_impl="new_mask_type", impl="new_mask_type"), "PSA205") == ["q"]


def test_a_reversed_range_whose_share_is_exactly_the_tolerance_gets_nothing() -> None:
    found = said(render("1: [0.3, 1.0e-9]; 2: [1.0e-9, 0.5]; 4: [0.5, 0.6]; 8: [0.6, 0.8]; 0: [0.8, 1.0]"), "PSA202")
    assert [message for message, _ in found] == [
        "mask_ratios level 1: [0.3, 1e-09] ends before it starts; the runtime ignores start and gives the level nothing"
    ]
