"""Setting, inserting and removing pairs (``psa_config/edit/setting.py``): the exact text each edit writes.

Every expectation is the text a careful human would write by hand: the untouched
bytes identical, the new or removed text exactly where it belongs. The cases
cover what mutation testing found unexercised: flow mappings (removal at each
position, insertion into empty and anchored ones), block insertion in order,
blank lines after keep-chomping block scalars, and the style hints of new values.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from psa_config.edit import Document, EditError, SharedValueError

HEAD = "M:\n  attention_configs:\n    p:\n"
Edit = Callable[[Document], Document]


def edited(text: str, edit: Edit, *, edit_anchor: bool = False) -> str:
    return edit(Document.from_text(text, edit_anchor=edit_anchor)).text


def remove(key: str) -> Edit:
    return lambda d: d.remove_value("M", "p", key)


def put(key: str, value: object) -> Edit:
    return lambda d: d.set_value("M", "p", key, value)  # type: ignore[arg-type]


# ---- removing from a flow mapping --------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "key", "after"),
    [
        ("{m: 64, n: 64, tile_n: 32}", "block_size.m", "{n: 64, tile_n: 32}"),
        ("{m: 64, n: 64, tile_n: 32}", "block_size.n", "{m: 64, tile_n: 32}"),
        ("{m: 64, n: 64, tile_n: 32}", "block_size.tile_n", "{m: 64, n: 64}"),
        ("{m: 64}", "block_size.m", "{}"),
        ("{ m: 64 , n: 64 }", "block_size.m", "{ n: 64 }"),
        ("{ m: 64 , n: 64 }", "block_size.n", "{ m: 64 }"),
        ("{m: 64,n: 32}", "block_size.n", "{m: 64}"),
        ("{m: 64,n: 32}", "block_size.m", "{n: 32}"),
    ],
)
def test_removing_from_a_flow_mapping_takes_the_item_and_one_comma(before: str, key: str, after: str) -> None:
    tail = "      verbose: true\n"
    text = HEAD + f"      block_size: {before}\n" + tail
    assert edited(text, remove(key)) == HEAD + f"      block_size: {after}\n" + tail


def test_removing_after_an_alias_in_a_flow_mapping_keeps_the_alias_whole() -> None:
    text = "x: &x 64\n" + HEAD + "      block_size: {m: *x, n: 64}\n"
    assert edited(text, remove("block_size.n")) == "x: &x 64\n" + HEAD + "      block_size: {m: *x}\n"


def test_removing_from_a_flow_mapping_over_several_lines() -> None:
    text = HEAD + "      block_size: {\n        m: 64,\n        n: 64\n      }\n"
    assert edited(text, remove("block_size.n")) == HEAD + "      block_size: {\n        m: 64\n      }\n"
    assert edited(text, remove("block_size.m")) == HEAD + "      block_size: {\n        n: 64\n      }\n"


def test_a_mapping_without_some_keys_removes_them_from_a_flow_mapping() -> None:
    text = HEAD + "      block_size: {m: 64, n: 64, tile_n: 32}\n"
    assert edited(text, put("block_size", {"m": 64, "n": 64})) == HEAD + "      block_size: {m: 64, n: 64}\n"
    assert edited(text, put("block_size", {"n": 64, "tile_n": 32})) == HEAD + "      block_size: {n: 64, tile_n: 32}\n"


# ---- inserting into a flow mapping -------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("{}", "{m: 64, n: 64, tile_n: 32}"),
        ("{m: 64}", "{m: 64, n: 64, tile_n: 32}"),
        ("{m: 64, n: 64}", "{m: 64, n: 64, tile_n: 32}"),
        ("&bs {}", "&bs {m: 64, n: 64, tile_n: 32}"),
        ("&bs {m: 64}", "&bs {m: 64, n: 64, tile_n: 32}"),
        ("{ m: 64 }", "{ m: 64, n: 64, tile_n: 32 }"),
    ],
)
def test_new_keys_of_a_flow_mapping_go_after_its_last_item(before: str, after: str) -> None:
    text = HEAD + f"      block_size: {before}  # kept\n"
    value = {"m": 64, "n": 64, "tile_n": 32}
    assert edited(text, put("block_size", value)) == HEAD + f"      block_size: {after}  # kept\n"


def test_one_new_key_of_a_flow_mapping() -> None:
    text = HEAD + "      block_size: {m: 64}\n"
    assert edited(text, put("block_size.n", 64)) == HEAD + "      block_size: {m: 64, n: 64}\n"
    text = HEAD + "      block_size: {}\n"
    assert edited(text, put("block_size.n", 64)) == HEAD + "      block_size: {n: 64}\n"


def test_new_flow_items_take_the_style_of_a_sibling_preset() -> None:
    other = "    q:\n      mask_ratios: {1: [0.00, 0.25], 2: [0.250, 0.5]}\n"
    text = HEAD + "      mask_ratios: {1: [0.00, 0.25]}\n" + other
    value = {1: [0, 0.25], 2: [0.25, 0.5]}
    expected = HEAD + "      mask_ratios: {1: [0.00, 0.25], 2: [0.250, 0.5]}\n" + other
    assert edited(text, put("mask_ratios", value)) == expected


def test_new_flow_items_without_a_sibling_are_plain() -> None:
    text = HEAD + "      mask_ratios: {1: [0.00, 0.25]}\n"
    expected = HEAD + "      mask_ratios: {1: [0.00, 0.25], 2: [0.25, 0.5]}\n"
    assert edited(text, put("mask_ratios", {1: [0, 0.25], 2: [0.25, 0.5]})) == expected


def test_new_flow_keys_that_need_quotes_are_quoted() -> None:
    text = HEAD + "      block_size: {m: 64}\n"
    expected = HEAD + "      block_size: {m: 64, \"a b: c\": 1}\n"
    assert edited(text, put("block_size", {"m": 64, "a b: c": 1})) == expected


# ---- inserting into a block mapping ------------------------------------------------------------


def test_new_keys_of_a_block_mapping_follow_its_last_entry_in_order() -> None:
    text = HEAD + "      block_size:\n        m: 64  # query\n        n: 64\n      verbose: true\n"
    expected = (
        HEAD + "      block_size:\n        m: 64  # query\n        n: 64\n        tile_n: 32\n        extra: 1\n"
        "      verbose: true\n"
    )
    assert edited(text, put("block_size", {"m": 64, "n": 64, "tile_n": 32, "extra": 1})) == expected


def test_new_block_keys_take_the_indentation_of_the_mapping() -> None:
    text = "M:\n    attention_configs:\n        p:\n            block_size:\n                m: 64\n"
    expected = text + "                n: 64\n"
    assert edited(text, put("block_size", {"m": 64, "n": 64})) == expected


def test_new_block_entries_take_the_style_of_a_sibling_preset() -> None:
    other = "    q:\n      mask_ratios:\n        1: [0.00, 0.25]\n        2:\n        - 0.250\n        - 0.5\n"
    text = HEAD + "      mask_ratios:\n        1: [0.00, 0.25]\n" + other
    expected = HEAD + "      mask_ratios:\n        1: [0.00, 0.25]\n        2:\n        - 0.250\n        - 0.5\n" + other
    assert edited(text, put("mask_ratios", {1: [0, 0.25], 2: [0.25, 0.5]})) == expected


def test_new_block_entries_in_a_crlf_file_use_crlf() -> None:
    text = HEAD.replace("\n", "\r\n") + "      block_size:\r\n        m: 64\r\n"
    expected = text + "        n: 64\r\n        tile_n: 32\r\n"
    assert edited(text, put("block_size", {"m": 64, "n": 64, "tile_n": 32})) == expected


def test_new_block_entries_at_the_end_without_a_final_newline() -> None:
    text = HEAD + "      block_size:\n        m: 64"
    assert edited(text, put("block_size", {"m": 64, "n": 64})) == text + "\n        n: 64"


def test_new_nested_mapping_in_a_block_mapping() -> None:
    text = HEAD + "      verbose: true\n"
    expected = HEAD + "      verbose: true\n      block_size:\n        m: 64\n        n: 64\n"
    assert edited(text, put("block_size", {"m": 64, "n": 64})) == expected
    expected = HEAD + "      verbose: true\n      block_size:\n        n: 64\n"
    assert edited(text, put("block_size.n", 64)) == expected


# ---- removing next to keep-chomping block scalars ------------------------------------------------


def test_removing_after_a_keep_scalar_drops_the_blank_lines_that_followed_the_entry() -> None:
    text = HEAD + "      description: |+\n        hi\n\n      verbose: true\n\n\n      warmup_steps: 2\n"
    expected = HEAD + "      description: |+\n        hi\n\n      warmup_steps: 2\n"
    assert edited(text, remove("verbose")) == expected


def test_removing_after_a_keep_scalar_up_to_the_end_of_the_file() -> None:
    text = HEAD + "      description: |+\n        hi\n\n      verbose: true\n  \n\n"
    expected = HEAD + "      description: |+\n        hi\n\n"
    assert edited(text, remove("verbose")) == expected


def test_removing_after_a_clipped_scalar_keeps_the_blank_lines() -> None:
    text = HEAD + "      description: |\n        hi\n\n      verbose: true\n\n      warmup_steps: 2\n"
    expected = HEAD + "      description: |\n        hi\n\n\n      warmup_steps: 2\n"
    assert edited(text, remove("verbose")) == expected


def test_removing_right_after_a_keep_scalar_s_content_line_drops_the_blank_lines_too() -> None:
    # they would become the scalar's: its value "hi\n" would read "hi\n\n" (a bug mutation testing found)
    text = HEAD + "      description: |+\n        hi\n      verbose: true\n\n      warmup_steps: 2\n"
    expected = HEAD + "      description: |+\n        hi\n      warmup_steps: 2\n"
    assert edited(text, remove("verbose")) == expected
    text = HEAD + "      description: >+\n        hi\n      verbose: true\n\n"
    assert edited(text, remove("verbose")) == HEAD + "      description: >+\n        hi\n"


def test_removing_a_preset_after_one_ending_with_a_keep_scalar_keeps_its_value() -> None:
    text = "M:\n  attention_configs:\n    p:\n      description: |+\n        hi\n    q:\n      verbose: true\n\n    r: {}\n"
    expected = "M:\n  attention_configs:\n    p:\n      description: |+\n        hi\n    r: {}\n"
    assert Document.from_text(text).remove_preset("M", "q").text == expected


@pytest.mark.parametrize(
    "before",
    [
        "      sim_thresholds:\n        x2: |+\n          hi\n",
        "      tile_size:\n      - 1\n      - |+\n        hi\n",
        "      tile_size:\n        - |-\n          a\n        - |+\n          hi\n",
    ],
)
def test_removing_after_a_collection_ending_with_a_keep_scalar_drops_the_blank_lines(before: str) -> None:
    text = HEAD + before + "      verbose: true\n\n      warmup_steps: 2\n"
    assert edited(text, remove("verbose")) == HEAD + before + "      warmup_steps: 2\n"


@pytest.mark.parametrize(
    "before",
    [
        "      description: *d\n",
        "      description: |-\n        hi\n",
        "      description: |\n        hi\n",
        "      description: hi\n",
        "      description: [a, b]\n",
        "      tile_size:\n      - 1\n      - *d\n",
        "      sim_thresholds:\n        x2: *d\n",
        "      sim_thresholds:\n        x2: |-\n          hi\n",
        "      sim_thresholds:\n        x2: |+\n          hi\n      # a comment ends it\n",
    ],
)
def test_removing_after_anything_else_keeps_the_blank_lines(before: str) -> None:
    anchor = "d: &d |+\n  hi\n\n"
    text = anchor + HEAD + before + "      verbose: true\n\n      warmup_steps: 2\n"
    assert edited(text, remove("verbose")) == anchor + HEAD + before + "\n      warmup_steps: 2\n"


def test_removing_the_first_entry_ignores_blank_lines_after_it() -> None:
    text = HEAD + "      verbose: true\n\n      warmup_steps: 2\n"
    assert edited(text, remove("verbose")) == HEAD + "\n      warmup_steps: 2\n"


# ---- a whole mapping set at once: values shared through anchors --------------------------------

SHARED_NOTE = "edited the anchor &{} (line {}, 2 uses): the change applies to every place that uses it"


def refusal(dotted: str, anchor: str, line: int) -> str:
    return (
        f"{dotted} is shared: {dotted} is shared through &{anchor}. Changing it here would change every use of "
        f"the anchor &{anchor} (line {line}, 2 uses). Use --edit-anchor (edit_anchor=True) to edit the anchor's "
        "definition, or write the value out in this preset by hand."
    )


def test_a_whole_mapping_whose_item_is_an_alias_is_refused() -> None:
    text = "x: &x 64\n" + HEAD + "      block_size: {m: *x, n: 64}\n"
    with pytest.raises(SharedValueError) as caught:
        edited(text, put("block_size", {"m": 32, "n": 64}))
    assert str(caught.value) == refusal("block_size.m", "x", 1)


def test_a_whole_mapping_whose_item_is_an_alias_edits_the_anchor_when_asked() -> None:
    text = "x: &x 64\n" + HEAD + "      block_size: {m: *x, n: 64}\n"
    result = put("block_size", {"m": 32, "n": 64})(Document.from_text(text, edit_anchor=True))
    assert result.text == "x: &x 32\n" + HEAD + "      block_size: {m: *x, n: 64}\n"
    assert result.notes == (SHARED_NOTE.format("x", 1),)


def test_a_whole_mapping_that_leaves_an_alias_as_it_is_needs_no_anchor_edit() -> None:
    text = "x: &x 64\n" + HEAD + "      block_size: {m: *x, n: 64}\n"
    result = put("block_size", {"m": 64, "n": 32})(Document.from_text(text))
    assert result.text == "x: &x 64\n" + HEAD + "      block_size: {m: *x, n: 32}\n"
    assert result.notes == ()


def test_a_whole_mapping_whose_item_defines_an_anchor_used_elsewhere() -> None:
    text = HEAD + "      block_size: {m: &x 64, n: 64}\n    q:\n      block_size: {m: *x}\n"
    with pytest.raises(SharedValueError) as caught:
        edited(text, put("block_size", {"m": 32, "n": 64}))
    assert str(caught.value) == refusal("block_size.m", "x", 4)
    result = put("block_size", {"m": 32, "n": 64})(Document.from_text(text, edit_anchor=True))
    assert result.text == text.replace("&x 64", "&x 32")
    assert result.notes == (SHARED_NOTE.format("x", 4),)


def test_an_unshared_anchor_in_a_whole_mapping_is_edited_without_a_note() -> None:
    text = HEAD + "      block_size: {m: &x 64, n: 64}\n"
    result = put("block_size", {"m": 32, "n": 64})(Document.from_text(text))
    assert result.text == HEAD + "      block_size: {m: &x 32, n: 64}\n"
    assert result.notes == ()


def test_a_whole_mapping_with_a_merge_key_is_refused() -> None:
    text = "b: &b {m: 1}\n" + HEAD + "      block_size:\n        <<: *b\n        n: 64\n"
    for anchor in (False, True):
        with pytest.raises(SharedValueError) as caught:
            edited(text, put("block_size", {"n": 32}), edit_anchor=anchor)
        assert str(caught.value) == "block_size uses a merge key ('<<'); set its keys one at a time"


# ---- a whole block mapping in a new order --------------------------------------------------------


def test_reordering_moves_each_entry_with_its_comments_and_changes_values_in_place() -> None:
    text = HEAD + "      block_size:\n        m: 64  # q\n        # about n\n        n: 64\n      verbose: true\n"
    expected = (
        HEAD + "      block_size:\n        # about n\n        n: 32\n        tile_n: 16\n        m: 64  # q\n"
        "      verbose: true\n"
    )
    assert edited(text, put("block_size", {"n": 32, "tile_n": 16, "m": 64})) == expected


def test_reordering_a_value_that_ends_its_line() -> None:
    text = HEAD + "      block_size:\n        m: 64\n        n: 64\n"
    expected = HEAD + "      block_size:\n        n: 32\n        m: 16\n"
    assert edited(text, put("block_size", {"n": 32, "m": 16})) == expected


def test_replacing_the_only_key_by_another() -> None:
    text = HEAD + "      block_size:\n        m: 64\n      verbose: true\n"
    assert edited(text, put("block_size", {"n": 64})) == HEAD + "      block_size:\n        n: 64\n      verbose: true\n"


def test_reordering_in_a_crlf_file_keeps_crlf() -> None:
    text = HEAD.replace("\n", "\r\n") + "      block_size:\r\n        m: 64\r\n        n: 64\r\n"
    expected = HEAD.replace("\n", "\r\n") + "      block_size:\r\n        n: 32\r\n        m: 64\r\n        t: 1\r\n"
    assert edited(text, put("block_size", {"n": 32, "m": 64, "t": 1})) == expected


def test_reordering_keeps_the_line_breaks_of_the_region_in_a_mixed_file() -> None:
    # the first line ends with CRLF, the mapping's lines with LF: the moved lines keep LF (a bug found here)
    text = "M:\r\n  attention_configs:\n    p:\n      block_size:\n        m: 64\n        n: 64\n"
    expected = "M:\r\n  attention_configs:\n    p:\n      block_size:\n        n: 32\n        m: 64\n        t: 1\n"
    assert edited(text, put("block_size", {"n": 32, "m": 64, "t": 1})) == expected


def test_reordering_with_new_nested_keys_uses_the_file_s_indentation() -> None:
    text = "M:\n    attention_configs:\n        p:\n            block_size:\n                m: 64\n"
    expected = (
        "M:\n    attention_configs:\n        p:\n            block_size:\n                n:\n                    a: 1\n"
    )
    assert edited(text, put("block_size", {"n": {"a": 1}})) == expected
    expected = text + "                n:\n                    a: 1\n"
    assert edited(text, put("block_size", {"m": 64, "n": {"a": 1}})) == expected


def test_reordering_new_keys_take_a_sibling_preset_s_style() -> None:
    other = "    q:\n      block_size:\n        tile_n:\n        - 1\n"
    text = HEAD + "      block_size:\n        m: 64\n        n: 64\n" + other
    expected = HEAD + "      block_size:\n        n: 64\n        tile_n:\n        - 3\n        - 4\n" + other
    assert edited(text, put("block_size", {"n": 64, "tile_n": [3, 4]})) == expected


def test_reordering_aliased_items_edits_each_anchor_and_says_so() -> None:
    text = "x: &x 64\ny: &y 32\n" + HEAD + "      block_size:\n        m: *x\n        n: *y\n"
    result = put("block_size", {"n": 16, "m": 8})(Document.from_text(text, edit_anchor=True))
    assert result.text == "x: &x 8\ny: &y 16\n" + HEAD + "      block_size:\n        n: *y\n        m: *x\n"
    assert result.notes == (SHARED_NOTE.format("x", 1), SHARED_NOTE.format("y", 2))


def test_reordering_an_anchored_item_used_elsewhere_says_so() -> None:
    text = HEAD + "      block_size:\n        m: &x 64\n        n: 64\n    q:\n      block_size: {m: *x}\n"
    result = put("block_size", {"n": 64, "m": 32})(Document.from_text(text, edit_anchor=True))
    expected = HEAD + "      block_size:\n        n: 64\n        m: &x 32\n    q:\n      block_size: {m: *x}\n"
    assert result.text == expected
    assert result.notes == (SHARED_NOTE.format("x", 5),)


def test_reordering_a_flow_mapping_rewrites_it_in_the_new_order() -> None:
    text = HEAD + "      block_size: &b {m: 64, n: 64}  # c\n"
    expected = HEAD + "      block_size: &b {n: 32, m: 64}  # c\n"
    assert edited(text, put("block_size", {"n": 32, "m": 64})) == expected


def test_reordering_a_flow_mapping_keeps_each_value_s_style() -> None:
    text = HEAD + "      sim_thresholds: {x2: 0.50, x4: 'a'}\n"
    expected = HEAD + "      sim_thresholds: {x4: 'b', x2: 0.70}\n"
    assert edited(text, put("sim_thresholds", {"x4": "b", "x2": 0.7})) == expected


# ---- a new mask_ratios level goes where new_mask_type's order (1, 2, 4, 8, 0) puts it -------------

LEVELS = HEAD + "      mask_ratios:\n"


@pytest.mark.parametrize(
    ("before", "level", "after"),
    [
        ("        1: [0, 0.1]\n        4: [0.2, 0.3]\n", 2, "        1: [0, 0.1]\n        2: [0.5, 0.6]\n        4: [0.2, 0.3]\n"),
        ("        1: [0, 0.1]\n        0: [0.2, 1]\n", 8, "        1: [0, 0.1]\n        8: [0.5, 0.6]\n        0: [0.2, 1]\n"),
        ("        1: [0, 0.1]\n        0: [0.2, 1]\n", 0, None),  # already there: changed in place
        ("        1: [0, 0.1]\n", 0, "        1: [0, 0.1]\n        0: [0.5, 0.6]\n"),
        # no earlier level listed: before the first later one (a bug found here: it went last)
        ("        2: [0, 0.1]\n        4: [0.2, 0.3]\n", 1, "        1: [0.5, 0.6]\n        2: [0, 0.1]\n        4: [0.2, 0.3]\n"),
        ("        4: [0, 0.1]\n        0: [0.2, 1]\n", 2, "        2: [0.5, 0.6]\n        4: [0, 0.1]\n        0: [0.2, 1]\n"),
        ("        # levels\n        2: [0, 0.1]\n", 1, "        # levels\n        1: [0.5, 0.6]\n        2: [0, 0.1]\n"),
        # an earlier level listed after a later one: after the earlier one all the same
        ("        4: [0, 0.1]\n        1: [0.2, 0.3]\n", 2, "        4: [0, 0.1]\n        1: [0.2, 0.3]\n        2: [0.5, 0.6]\n"),
        # not a level of new_mask_type, or no level at all to go by: last
        ("        0: [0, 0.1]\n", 3, "        0: [0, 0.1]\n        3: [0.5, 0.6]\n"),
        ("        5: [0, 0.1]\n", 1, "        5: [0, 0.1]\n        1: [0.5, 0.6]\n"),
    ],
)
def test_a_new_level_goes_in_level_order(before: str, level: int, after: str | None) -> None:
    text = LEVELS + before
    expected = LEVELS + (after if after is not None else before.replace("0: [0.2, 1]", "0: [0.5, 0.6]"))
    assert edited(text, put(f"mask_ratios.{level}", [0.5, 0.6])) == expected


@pytest.mark.parametrize(
    ("before", "level", "after"),
    [
        ("{2: [0, 0.1], 4: [0.2, 0.3]}", 1, "{1: [0.5, 0.6], 2: [0, 0.1], 4: [0.2, 0.3]}"),
        ("{1: [0, 0.1], 4: [0.2, 0.3]}", 2, "{1: [0, 0.1], 2: [0.5, 0.6], 4: [0.2, 0.3]}"),
        ("{4: [0, 0.1], 1: [0.2, 0.3]}", 2, "{4: [0, 0.1], 1: [0.2, 0.3], 2: [0.5, 0.6]}"),
        ("{ 8: [0, 1] }", 2, "{ 2: [0.5, 0.6], 8: [0, 1] }"),
    ],
)
def test_a_new_level_in_a_flow_mapping_goes_in_level_order(before: str, level: int, after: str) -> None:
    assert edited(HEAD + f"      mask_ratios: {before}\n", put(f"mask_ratios.{level}", [0.5, 0.6])) == (
        HEAD + f"      mask_ratios: {after}\n"
    )


def test_a_new_first_level_takes_the_lines_own_break_and_a_sibling_s_style() -> None:
    other = "    q:\n      mask_ratios:\n        1: [0.00, 0.10]\n"
    text = LEVELS.replace("mask_ratios:\n", "mask_ratios:\r\n") + "        4: [0, 0.1]\r\n" + other
    expected = LEVELS.replace("mask_ratios:\n", "mask_ratios:\r\n") + "        2: [0.50, 0.60]\r\n        4: [0, 0.1]\r\n" + other
    assert edited(text, put("mask_ratios.2", [0.5, 0.6])) == expected


def test_an_aliased_level_is_found_as_the_place_to_insert_after() -> None:
    text = "r: &r [0, 0.1]\n" + LEVELS + "        1: *r\n        4: [0.2, 0.3]\n"
    expected = "r: &r [0, 0.1]\n" + LEVELS + "        1: *r\n        2: [0.5, 0.6]\n        4: [0.2, 0.3]\n"
    assert edited(text, put("mask_ratios.2", [0.5, 0.6])) == expected
    text = "r: &r [0, 0.1]\n" + HEAD + "      mask_ratios: {1: *r, 4: [0.2, 0.3]}\n"
    expected = "r: &r [0, 0.1]\n" + HEAD + "      mask_ratios: {1: *r, 2: [0.5, 0.6], 4: [0.2, 0.3]}\n"
    assert edited(text, put("mask_ratios.2", [0.5, 0.6])) == expected


# ---- a value of another kind: rewritten whole --------------------------------------------------


@pytest.mark.parametrize(
    ("before", "value", "after"),
    [
        ("block_size:\n        m: 5\n", 3, "block_size: 3\n"),
        ("block_size: &b\n        m: 5\n", 3, "block_size: &b 3\n"),  # the anchor stays (it was dropped)
        ("tile_size:\n      - 1\n", 3, "tile_size: 3\n"),
        ("tile_size: &a\n      - 5\n", [1, 2], "tile_size: &a\n      - 1\n      - 2\n"),
        ("tile_size: &a\n        b: 5\n", [1, 2], "tile_size: &a [1, 2]\n"),
        ("tile_size:\n      - 1\n      - 2\n", {"a": 1}, "tile_size:\n        a: 1\n"),
        ("tile_size:\n", 3, "tile_size: 3\n"),
        ("tile_size:  # c\n", 3, "tile_size: 3  # c\n"),
        ("tile_size:  # c\n", "a b", "tile_size: a b  # c\n"),
        ("tile_size:  # c\n", {"a": 1}, "tile_size:  # c\n        a: 1\n"),
        ("tile_size: 5\n", [1, 2], "tile_size: [1, 2]\n"),
        ("tile_size: [1, 2]\n", 5, "tile_size: 5\n"),
        # a scalar or flow value turned into a block mapping: no blank left after the colon, a comment stays
        ("tile_size: 5\n", {"a": 1}, "tile_size:\n        a: 1\n"),
        ("tile_size: 5  # c\n", {"a": 1}, "tile_size:  # c\n        a: 1\n"),
        ("tile_size: &a 5  # c\n", {"a": 1}, "tile_size: &a  # c\n        a: 1\n"),
        ("tile_size: &a\n      - 5\n", {"a": 1}, "tile_size: &a\n        a: 1\n"),
        ("tile_size: [1,\n        2]  # c\n", {"a": 1}, "tile_size:  # c\n        a: 1\n"),
        ("tile_size: |\n        hi\n", {"a": {"b": 1}}, "tile_size:\n        a:\n          b: 1\n"),
        ("tile_size: a\n        b\n", {"a": 1}, "tile_size:\n        a: 1\n"),
    ],
)
def test_a_value_of_another_kind_is_rewritten_in_place(before: str, value: object, after: str) -> None:
    tail = "      x: 1\n"
    assert edited(HEAD + "      " + before + tail, put(before.split(":")[0], value)) == HEAD + "      " + after + tail


def test_a_value_of_another_kind_at_the_end_without_a_final_newline() -> None:
    assert edited(HEAD + "      tile_size: 5", put("tile_size", {"a": 1})) == HEAD + "      tile_size:\n        a: 1"


@pytest.mark.parametrize(
    ("anchor", "value", "after"),
    [
        ("x: &x\n  a: 1\n", 2, "x: &x 2\n"),  # was "x: &x2" (another anchor's name): a bug found here
        ("x: &x\n  - 1\n", 2, "x: &x 2\n"),
        ("x: &x\n  - 1\n", {"a": 2}, "x: &x {a: 2}\n"),
        ("x: &x 1\n", {"a": 2}, "x: &x {a: 2}\n"),
        ("x: &x [5]\n", 2, "x: &x 2\n"),
        ("x: &x {a: 1}\n", 2, "x: &x 2\n"),
        ("x: &x 5\n", [1], "x: &x [1]\n"),
    ],
)
def test_a_value_of_another_kind_through_an_alias_rewrites_the_anchor(anchor: str, value: object, after: str) -> None:
    text = anchor + HEAD + "      tile_size: *x\n"
    result = put("tile_size", value)(Document.from_text(text, edit_anchor=True))
    assert result.text == after + HEAD + "      tile_size: *x\n"
    assert result.notes == (SHARED_NOTE.format("x", 1),)


def test_an_anchored_block_value_used_elsewhere_keeps_its_anchor_when_rewritten() -> None:
    text = HEAD + "      tile_size: &x\n        a: 1\n      log_dir: *x\n"
    result = put("tile_size", 2)(Document.from_text(text, edit_anchor=True))
    assert result.text == HEAD + "      tile_size: &x 2\n      log_dir: *x\n"
    assert result.notes == (SHARED_NOTE.format("x", 4),)


def test_a_new_key_after_an_alias_in_a_flow_mapping() -> None:
    text = "x: &x 64\n" + HEAD + "      block_size: {m: *x}\n"
    assert edited(text, put("block_size.n", 64)) == "x: &x 64\n" + HEAD + "      block_size: {m: *x, n: 64}\n"
    expected = "x: &x 64\n" + HEAD + "      block_size: {m: *x, n: 64, tile_n: 32}\n"
    assert edited(text, put("block_size", {"m": 64, "n": 64, "tile_n": 32})) == expected


# ---- notes and refusals naming every anchor on the way -------------------------------------------


def test_an_edit_through_nested_anchors_names_each_of_them() -> None:
    text = "bs: &bs {m: &m 64}\nq: *m\n" + HEAD + "      block_size: *bs\n"
    result = put("block_size.m", 32)(Document.from_text(text, edit_anchor=True))
    assert result.text == text.replace("&m 64", "&m 32")
    assert result.notes == (
        "edited the anchor &m (line 1, 2 uses), &bs (line 1, 2 uses): the change applies to every place that uses it",
    )
    with pytest.raises(SharedValueError) as caught:
        edited(text, put("block_size.m", 32))
    assert str(caught.value) == (
        "M.attention_configs.p.block_size.m is shared: M.attention_configs.p.block_size is the alias *bs. "
        "Changing it here would change every use of the anchor &m (line 1, 2 uses), &bs (line 1, 2 uses). "
        "Use --edit-anchor (edit_anchor=True) to edit the anchor's definition, or write the value out in this "
        "preset by hand."
    )


def test_an_edit_through_a_merge_key_names_the_merge() -> None:
    text = "base: &b\n  verbose: true\n" + HEAD + "      <<: *b\n      warmup_steps: 1\n"
    with pytest.raises(SharedValueError) as caught:
        edited(text, put("verbose", False))
    assert str(caught.value).startswith(
        "M.attention_configs.p.verbose is shared: M.attention_configs.p.verbose comes from the merge key '<<: *b'. "
        "Changing it here would change every use of the anchor &b (line 1, 2 uses)."
    )
    result = put("verbose", False)(Document.from_text(text, edit_anchor=True))
    assert result.text == text.replace("verbose: true", "verbose: false")
    assert result.notes == (SHARED_NOTE.format("b", 1),)


def test_editing_an_anchor_s_definition_in_place_says_so_on_its_line() -> None:
    text = HEAD + "      verbose: true\n      warmup_steps: &w 1\n    q:\n      warmup_steps: *w\n"
    result = put("warmup_steps", 2)(Document.from_text(text))
    assert result.text == text.replace("&w 1", "&w 2")
    assert result.notes == (SHARED_NOTE.format("w", 5),)


# ---- missing keys on the way ---------------------------------------------------------------------


def test_missing_keys_on_the_way_are_created_nested() -> None:
    text = HEAD + "      verbose: true\n"
    assert edited(text, put("x.y.z", 1)) == text + "      x:\n        y:\n          z: 1\n"


def test_a_scalar_on_the_way_becomes_a_mapping() -> None:
    text = HEAD + "      block_size: 5\n      verbose: true\n"
    expected = HEAD + "      block_size:\n        n:\n          q: 1\n      verbose: true\n"
    assert edited(text, put("block_size.n.q", 1)) == expected


def test_an_empty_flow_mapping_on_the_way_gets_the_nested_keys() -> None:
    text = HEAD + "      block_size: {}\n"
    assert edited(text, put("block_size.n.q", 1)) == HEAD + "      block_size: {n: {q: 1}}\n"


def test_setting_below_a_document_that_is_not_a_mapping() -> None:
    from psa_config.edit import locate
    from psa_config.edit.setting import Context, set_path

    ctx = Context("5\n", locate.compose("5\n"))
    with pytest.raises(EditError) as caught:
        set_path(ctx, (), ("a",), 1, lambda path: None)
    assert str(caught.value) == " is not a mapping"


# ---- replacing values in place ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "value", "after"),
    [
        ("tile_size: [2, 08, 0x8]", [2, 4, 8], "tile_size: [2, 4, 8]"),
        ("tile_size: [2.0, 8, 8]", [2, 4, 8], "tile_size: [2.0, 4, 8]"),
        ("tile_size: [2.0, 8, 8]", [2, 4], "tile_size: [2.0, 4]"),
        ("tile_size: &t [2.0, 8]  # c", [3, 4, 5], "tile_size: &t [3.0, 4, 5]  # c"),
        ("tile_size: [2, 8]", [3, [4]], "tile_size: [3, [4]]"),
        ("tile_size: [2, 8]", ["a", "b"], "tile_size: [a, b]"),
        ("tile_size: [2, 'x']", ["a", "b"], "tile_size: [a, 'b']"),
        ("tile_size: [2, [1]]", [3, 4], "tile_size: [3, 4]"),
        ("tile_size: [2, 8]", [], "tile_size: []"),
        ("tile_size: []", [1], "tile_size: [1]"),
        ("tile_size:\n      - 2\n      - 8", [3, 4], "tile_size:\n      - 3\n      - 4"),
        ("tile_size:\n      - 2\n      - 8", [], "tile_size: []"),
        ("tile_size:\n      -  2.00  # a\n      - 8", [3, 4, 5], "tile_size:\n      -  3.00\n      -  4\n      -  5"),
        ("tile_size:\n        - 2\n        - 8", [3, [4], {"a": 1}], "tile_size:\n        - 3\n        - [4]\n        - {a: 1}"),
        ("tile_size:\n      - 2 # a\n      - 8 # b", [3, 8], "tile_size:\n      - 3 # a\n      - 8 # b"),
        ("block_size:\n        m: 64", {}, "block_size: {}"),
        ("block_size: {m: 64}", {}, "block_size: {}"),
        ("description: |\n        hi", "hi\n", "description: |\n        hi"),
        ("description: !!str 5", "5", "description: !!str 5"),
        ("description: '5'", 6, "description: 6"),
        ("description: '5'", "6", "description: '6'"),
        ("verbose: !!bool true", False, "verbose: !!bool false"),
        ("verbose: &v True", False, "verbose: &v False"),
        ("warmup_steps: 0.50  # c", 0.55, "warmup_steps: 0.55  # c"),
    ],
)
def test_values_replaced_in_place(before: str, value: object, after: str) -> None:
    key = before.split(":")[0]
    tail = "      x: 1\n"
    assert edited(HEAD + "      " + before + "\n" + tail, put(key, value)) == HEAD + "      " + after + "\n" + tail


def test_an_empty_value_takes_a_sibling_preset_s_style() -> None:
    other = "    q:\n      mask_ratios:\n        8: [0.00, 0.10]\n"
    text = HEAD + "      mask_ratios:\n        8:\n" + other
    expected = HEAD + "      mask_ratios:\n        8: [0.50, 0.60]\n" + other
    assert edited(text, put("mask_ratios.8", [0.5, 0.6])) == expected
    text = HEAD + "      mask_ratios:\n        8:  # c\n"
    assert edited(text, put("mask_ratios.8", [0.5, 0.6])) == HEAD + "      mask_ratios:\n        8: [0.5, 0.6]  # c\n"


def test_the_same_value_changes_nothing() -> None:
    text = HEAD + "      description: \"x\"\n      tile_size: [2, 8]\n      verbose: True\n"
    document = Document.from_text(text)
    for key, value in (("description", "x"), ("tile_size", [2, 8]), ("verbose", True)):
        result = put(key, value)(document)
        assert result.text == text and result.changed_lines == ()


# ---- anchored and tagged values of another kind ------------------------------------------------


@pytest.mark.parametrize(
    ("before", "value", "after"),
    [
        # an anchored empty value: the value goes after `&x` (the edit was refused: a bug found here)
        ("tile_size: &x", 5, "tile_size: &x 5"),
        ("tile_size: &x  # c", 5, "tile_size: &x 5  # c"),
        ("tile_size: &x  # c", {"a": 1}, "tile_size: &x  # c\n        a: 1"),
        ("tile_size: &x", [1], "tile_size: &x [1]"),
        ("tile_size: &X 5", {"a": 1}, "tile_size: &X\n        a: 1"),
        # a tag for the old kind goes, the anchor stays
        ("tile_size: !!null &x", 5, "tile_size: &x 5"),
        ("block_size: !!map &b\n        m: 1", 5, "block_size: &b 5"),
        ("block_size: !!map\n        m: 1", 5, "block_size: 5"),
    ],
)
def test_anchored_or_tagged_values_rewritten_whole(before: str, value: object, after: str) -> None:
    tail = "      x: 1\n"
    assert edited(HEAD + "      " + before + "\n" + tail, put(before.split(":")[0], value)) == HEAD + "      " + after + "\n" + tail


@pytest.mark.parametrize(
    ("anchor", "value", "after"),
    [("x: &x\n", 5, "x: &x 5\n"), ("x: &x  # c\n", {"a": 1}, "x: &x {a: 1}  # c\n")],
)
def test_an_anchored_empty_value_set_through_an_alias(anchor: str, value: object, after: str) -> None:
    text = anchor + HEAD + "      tile_size: *x\n"
    result = put("tile_size", value)(Document.from_text(text, edit_anchor=True))
    assert result.text == after + HEAD + "      tile_size: *x\n"
    assert result.notes == (SHARED_NOTE.format("x", 1),)


def test_an_empty_value_takes_a_sibling_s_style_when_written_whole() -> None:
    other = "    q:\n      verbose: True\n      mask_ratios:\n        1: [0.00, 0.10]\n"
    text = HEAD + "      verbose:\n      mask_ratios: 5\n" + other
    expected = HEAD + "      verbose: False\n      mask_ratios: 5\n" + other
    assert edited(text, put("verbose", False)) == expected
    expected = HEAD + "      verbose:\n      mask_ratios:\n        1: [0.00, 0.50]\n" + other
    assert edited(text, put("mask_ratios", {1: [0, 0.5]})) == expected


# ---- a whole mapping: its entries changed, removed and added in one edit ---------------------------


def test_a_whole_mapping_changes_one_entry_and_removes_another() -> None:
    text = HEAD + "      block_size:\n        m: 64\n        n: 64\n"
    assert edited(text, put("block_size", {"m": 32})) == HEAD + "      block_size:\n        m: 32\n"


def test_a_whole_mapping_changes_one_entry_and_adds_another() -> None:
    text = HEAD + "      block_size:\n        m: 64\n"
    expected = HEAD + "      block_size:\n        m: 32\n        n: 16\n"
    assert edited(text, put("block_size", {"m": 32, "n": 16})) == expected


def test_a_whole_mapping_fills_an_empty_entry_in_a_sibling_s_style() -> None:
    other = "    q:\n      sim_thresholds:\n        x2: 0.50\n"
    text = HEAD + "      sim_thresholds:\n        x2:\n        x4: 0.5\n" + other
    expected = HEAD + "      sim_thresholds:\n        x2: 0.70\n        x4: 0.5\n" + other
    assert edited(text, put("sim_thresholds", {"x2": 0.7, "x4": 0.5})) == expected
    expected = HEAD + "      sim_thresholds:\n        x4: 0.5\n        x2: 0.70\n" + other
    assert edited(text, put("sim_thresholds", {"x4": 0.5, "x2": 0.7})) == expected


def test_a_whole_mapping_that_is_an_anchor_s_definition_is_edited_with_one_note() -> None:
    text = HEAD + "      block_size: &bs {m: 64}\n    q:\n      block_size: *bs\n"
    result = put("block_size", {"m": 32})(Document.from_text(text))
    assert result.text == text.replace("{m: 64}", "{m: 32}")
    assert result.notes == (SHARED_NOTE.format("bs", 4),)


def test_a_nested_whole_mapping_with_a_merge_key_names_its_path() -> None:
    text = "b: &b {a: 1}\n" + HEAD + "      block_size:\n        m:\n          <<: *b\n          a: 1\n"
    with pytest.raises(SharedValueError) as caught:
        edited(text, put("block_size", {"m": {"a": 2}}))
    assert str(caught.value) == "block_size.m uses a merge key ('<<'); set its keys one at a time"


def test_reordering_keeps_an_alias_written_on_the_line_after_its_key() -> None:
    text = "x: &x 64\n" + HEAD + "      block_size:\n        m:\n          *x\n        n: 64\n"
    expected = "x: &x 64\n" + HEAD + "      block_size:\n        n: 64\n        m:\n          *x\n"
    assert edited(text, put("block_size", {"n": 64, "m": 64})) == expected


# ---- levels inserted before others: style and nesting ----------------------------------------------


def test_a_new_first_level_in_a_flow_mapping_takes_a_sibling_s_style() -> None:
    other = "    q:\n      mask_ratios: {1: [0.00, 0.10]}\n"
    text = HEAD + "      mask_ratios: {2: [0, 0.1]}\n" + other
    expected = HEAD + "      mask_ratios: {1: [0.50, 0.60], 2: [0, 0.1]}\n" + other
    assert edited(text, put("mask_ratios.1", [0.5, 0.6])) == expected


def test_keys_below_a_new_first_level_are_nested_on_lines_of_their_own() -> None:
    from psa_config.edit import locate
    from psa_config.edit.setting import Context, set_path
    from psa_config.edit.splice import apply

    text = "r:\n    mask_ratios:\n        2: [0, 0.1]\n"
    ctx = Context(text, locate.compose(text))
    change = set_path(ctx, ("r",), ("mask_ratios", 1, "a"), 5, lambda path: None)
    assert apply(text, change.splices)[0] == "r:\n    mask_ratios:\n        1:\n            a: 5\n        2: [0, 0.1]\n"


# ---- removing: keys that do not start their line, byte-order marks, no final newline ---------------


def test_a_key_that_does_not_start_its_line_cannot_be_removed() -> None:
    text = HEAD + "      ? block_size\n      : m: 64\n        n: 64\n"
    with pytest.raises(EditError) as caught:
        edited(text, remove("block_size.m"))
    assert str(caught.value) == "cannot remove 'm': it does not start its own line"
    assert edited(text, remove("block_size.n")) == HEAD + "      ? block_size\n      : m: 64\n"


@pytest.mark.parametrize(
    ("text", "model", "after"),
    [
        ("\ufeffM: 1\nN: 2\n", "M", "\ufeffN: 2\n"),
        ("\ufeffM: 1\nN: 2\n", "N", "\ufeffM: 1\n"),
        ("\ufeffM: 1\nN: 2", "N", "\ufeffM: 1"),
        ("\ufeffM: 1", "M", "\ufeff"),
        ("\nM: 1", "M", ""),
        ("A: 0\nM: 1", "M", "A: 0"),
        ("A: 0\r\nM: 1", "M", "A: 0"),
        ("M: 1", "M", ""),
    ],
)
def test_removing_a_model_keeps_a_byte_order_mark_and_a_missing_final_newline(text: str, model: str, after: str) -> None:
    assert Document.from_text(text).remove_model(model).text == after


@pytest.mark.parametrize(
    "before",
    [
        "      tile_size:\n      - a\n      - |+\n        hi\n      - 3\n",  # the keep scalar is not last
        "      tile_size:\n      - |+\n        hi\n      - 3\n",
    ],
)
def test_removing_after_a_sequence_not_ending_with_a_keep_scalar_keeps_the_blank_lines(before: str) -> None:
    text = HEAD + before + "      verbose: true\n\n      warmup_steps: 2\n"
    assert edited(text, remove("verbose")) == HEAD + before + "\n      warmup_steps: 2\n"


def test_removing_after_a_one_item_sequence_ending_with_a_keep_scalar() -> None:
    before = "      tile_size:\n      - |+\n        hi\n"
    text = HEAD + before + "      verbose: true\n\n      warmup_steps: 2\n"
    assert edited(text, remove("verbose")) == HEAD + before + "      warmup_steps: 2\n"


def test_a_new_level_after_another_takes_a_sibling_s_style() -> None:
    other = "    q:\n      mask_ratios:\n        2: [0.00, 0.10]\n"
    text = LEVELS + "        1: [0, 0.1]\n" + other
    expected = LEVELS + "        1: [0, 0.1]\n        2: [0.50, 0.60]\n" + other
    assert edited(text, put("mask_ratios.2", [0.5, 0.6])) == expected
    other = "    q:\n      mask_ratios: {2: [0.00, 0.10]}\n"
    text = HEAD + "      mask_ratios: {1: [0, 0.1]}\n" + other
    expected = HEAD + "      mask_ratios: {1: [0, 0.1], 2: [0.50, 0.60]}\n" + other
    assert edited(text, put("mask_ratios.2", [0.5, 0.6])) == expected


def test_a_new_key_after_an_alias_written_on_the_line_after_its_key() -> None:
    text = "x: &x 64\n" + HEAD + "      block_size:\n        m:\n          *x\n      verbose: true\n"
    expected = "x: &x 64\n" + HEAD + "      block_size:\n        m:\n          *x\n        n: 32\n      verbose: true\n"
    assert edited(text, put("block_size.n", 32)) == expected


def test_a_block_sequence_ending_with_an_alias_or_a_block_scalar_rewritten_longer() -> None:
    text = "x: &x 8\n" + HEAD + "      tile_size:\n      - 1\n      - *x\n      verbose: true\n"
    expected = "x: &x 8\n" + HEAD + "      tile_size:\n      - 1\n      - 2\n      - 3\n      verbose: true\n"
    assert edited(text, put("tile_size", [1, 2, 3])) == expected
    text = HEAD + "      tile_size:\n      - a\n      - |\n        b\n      verbose: true\n"
    expected = HEAD + "      tile_size:\n      - a\n      - c\n      - d\n      verbose: true\n"
    assert edited(text, put("tile_size", ["a", "c", "d"])) == expected


def test_an_empty_block_mapping_cannot_take_new_lines() -> None:
    from yaml.nodes import MappingNode

    from psa_config.edit.setting import Context, entry_indent

    with pytest.raises(EditError) as caught:
        entry_indent(Context("", None), MappingNode("tag:yaml.org,2002:map", [], flow_style=False))
    assert str(caught.value) == "cannot add to an empty block mapping"


def test_a_model_added_after_kept_blank_lines_needs_no_blank_line_of_its_own() -> None:
    first = "A:\n  default_attention: p\n  attention_configs:\n    p: {type: dense}\n\n"
    last = "B:\n  default_attention: p\n  attention_configs:\n    p:\n      type: dense\n      description: |+\n        hi\n\n"
    added = "C:\n  default_attention: p\n  attention_configs:\n    p: {type: dense}\n"
    assert Document.from_text(first + last).add_model("C", "A").text == first + last + added


def test_a_refusal_names_every_crossing_on_the_way() -> None:
    text = "bs: &bs {m: 64}\nb: &b {block_size: *bs}\n" + HEAD + "      <<: *b\n"
    with pytest.raises(SharedValueError) as caught:
        edited(text, put("block_size.m", 32))
    assert str(caught.value) == (
        "M.attention_configs.p.block_size.m is shared: M.attention_configs.p.block_size comes from the merge key "
        "'<<: *b'; M.attention_configs.p.block_size is the alias *bs. Changing it here would change every use of "
        "the anchor &bs (line 1, 2 uses), &b (line 2, 2 uses). Use --edit-anchor (edit_anchor=True) to edit the "
        "anchor's definition, or write the value out in this preset by hand."
    )


def test_a_number_replacing_a_list_keeps_the_list_s_decimals() -> None:
    text = HEAD + "      warmup_steps: [0.50, 1]\n"
    assert edited(text, put("warmup_steps", 0.7)) == HEAD + "      warmup_steps: 0.70\n"


@pytest.mark.parametrize(
    ("before", "key", "after"),
    [
        ("{m: &x, n: 1}", "block_size.n", "{m: &x}"),  # the anchor was dropped with the comma: a bug found here
        ("{m: &x , n: 1}", "block_size.n", "{m: &x}"),
        ("{m: , n: 1}", "block_size.n", "{m:}"),
        ("{m: &x, n: 1}", "block_size.m", "{n: 1}"),
    ],
)
def test_removing_next_to_an_empty_value_in_a_flow_mapping(before: str, key: str, after: str) -> None:
    text = HEAD + f"      block_size: {before}\n"
    assert edited(text, remove(key)) == HEAD + f"      block_size: {after}\n"


def test_a_new_key_after_an_anchored_empty_value() -> None:
    text = HEAD + "      block_size: {m: &x}\n"
    assert edited(text, put("block_size.n", 1)) == HEAD + "      block_size: {m: &x, n: 1}\n"
    text = HEAD + "      block_size:\n        m: &x\n"
    assert edited(text, put("block_size.n", 1)) == HEAD + "      block_size:\n        m: &x\n        n: 1\n"


@pytest.mark.parametrize(
    ("prefix", "before", "value", "after"),
    [
        ("x: &x 8\n", "block_size:\n        m: 1\n        n: *x", 5, "block_size: 5"),
        ("x: &x 8\n", "tile_size:\n      - 1\n      - *x", 5, "tile_size: 5"),
        ("x: &x 8\ny: *x\n", "tile_size:\n      - 1\n      - *x", [1, 2, 3], "tile_size:\n      - 1\n      - 2\n      - 3"),
        ("x: &x 8\n", "tile_size:\n      - '*'\n      - *x", [1, 2, 3], "tile_size:\n      - 1\n      - 2\n      - 3"),
        ("", "description: !!str", "hi", "description: hi"),
    ],
)
def test_collections_ending_with_an_alias_rewritten(prefix: str, before: str, value: object, after: str) -> None:
    tail = "      v: 1\n"
    key = before.split(":")[0]
    assert edited(prefix + HEAD + "      " + before + "\n" + tail, put(key, value)) == prefix + HEAD + "      " + after + "\n" + tail


def test_a_merged_empty_value_set_through_the_merge_edits_the_anchor() -> None:
    text = "base: &b {verbose:}\n" + HEAD + "      <<: *b\n"
    result = put("verbose", True)(Document.from_text(text, edit_anchor=True))
    assert result.text == "base: &b {verbose: true}\n" + HEAD + "      <<: *b\n"
    assert result.notes == (SHARED_NOTE.format("b", 1),)


def test_a_merged_alias_is_named_in_the_refusal() -> None:
    text = "x: &x 1\nb: &b {warmup_steps: *x}\n" + HEAD + "      <<: *b\n"
    with pytest.raises(SharedValueError) as caught:
        edited(text, put("warmup_steps", 2))
    assert str(caught.value).startswith(
        "M.attention_configs.p.warmup_steps is shared: M.attention_configs.p.warmup_steps comes from the merge key "
        "'<<: *b'; M.attention_configs.p.warmup_steps is the alias *x. "
    )


def test_the_anchor_kept_is_the_value_s_own_not_a_look_alike_before_or_after() -> None:
    text = "q: '&x'\n" + HEAD + "      tile_size: &x\n      log_dir: &xy 1\n"
    assert edited(text, put("tile_size", 5)) == text.replace("tile_size: &x\n", "tile_size: &x 5\n")


def test_a_new_line_follows_the_break_of_the_line_before_it() -> None:
    text = "M:\r\n  attention_configs:\n    p:\n      block_size:\n        m: 64\n"
    assert edited(text, put("block_size.n", 16)) == text + "        n: 16\n"


def test_a_model_added_after_a_plain_scalar_s_continuation_line_keeps_its_blank_line() -> None:
    first = "A:\n  default_attention: p\n  attention_configs:\n    p: {type: dense}\n\n"
    last = "B:\n  default_attention: p\n  attention_configs:\n    p:\n      type: dense\n      description: a\n        XX\n"
    added = "\nC:\n  default_attention: p\n  attention_configs:\n    p: {type: dense}\n"
    assert Document.from_text(first + last).add_model("C", "A").text == first + last + added


def test_a_model_added_after_a_block_scalar_line_of_a_no_break_space_keeps_its_blank_line() -> None:
    first = "A:\n  default_attention: p\n  attention_configs:\n    p: {type: dense}\n\n"
    last = "B:\n  default_attention: p\n  attention_configs:\n    p:\n      type: dense\n      description: |\n        a\n        \xa0\n"
    added = "\nC:\n  default_attention: p\n  attention_configs:\n    p: {type: dense}\n"
    assert Document.from_text(first + last).add_model("C", "A").text == first + last + added
