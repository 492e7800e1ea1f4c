"""Where each key and value is written, through anchors, merges, duplicates and non-plain collections.

Every expected span is counted by hand on the short texts below (1-based line, column).
"""

from __future__ import annotations

from psa_config.source import read_source
from psa_config.source_document import Span


def spans(text: str) -> tuple[dict, dict]:
    source = read_source(text, "cfg.yaml")
    assert source.readable, source.diagnostics
    return dict(source.key_spans), dict(source.value_spans)


def test_nested_sequences_record_each_item_by_index() -> None:
    keys, values = spans("a:\n  - x\n  - [y, z]\n")
    assert keys == {("a",): Span(1, 1)}
    assert values == {
        (): Span(1, 1),
        ("a",): Span(2, 3),
        ("a", 0): Span(2, 5),
        ("a", 1): Span(3, 5),
        ("a", 1, 0): Span(3, 6),
        ("a", 1, 1): Span(3, 9),
    }


def test_a_merged_key_points_at_the_anchor_and_an_override_at_the_override() -> None:
    keys, values = spans("base: &b\n  k: 1\n  j: 2\nother:\n  <<: *b\n  k: 3\n")
    assert keys[("other", "k")] == Span(6, 3) and values[("other", "k")] == Span(6, 6)
    assert keys[("other", "j")] == Span(3, 3) and values[("other", "j")] == Span(3, 6)
    assert ("other", "<<") not in keys


def test_an_aliased_mapping_is_walked_again_under_each_name() -> None:
    keys, values = spans("base: &b\n  k: 1\nother: *b\nthird: *b\n")
    for name in ("base", "other", "third"):
        assert keys[(name, "k")] == Span(2, 3)
        assert values[(name, "k")] == Span(2, 6)
    assert keys[("third",)] == Span(4, 1)


def test_sets_and_ordered_maps_are_not_walked_into() -> None:
    keys, values = spans("s: !!set\n  ? a\n  ? b\nl: !!omap\n  - a: 1\n")
    assert keys == {("s",): Span(1, 1), ("l",): Span(4, 1)}
    assert values == {(): Span(1, 1), ("s",): Span(1, 4), ("l",): Span(4, 4)}


def test_a_duplicate_key_names_the_first_line_and_its_place_in_the_preset() -> None:
    text = "M:\n  attention_configs:\n    p:\n      type: psa\n      type: x\n"
    [found] = read_source(text, "cfg.yaml").diagnostics
    assert (found.path, found.line, found.column, found.code) == ("cfg.yaml", 5, 7, "PSA002")
    assert found.message == "duplicate key `type` (first at line 4): the runtime silently keeps only the last value"
    assert (found.model, found.preset, found.field) == ("M", "p", "type")


def test_a_duplicate_inside_an_aliased_mapping_is_reported_once() -> None:
    text = "base: &b\n  k: 1\n  k: 2\nother: *b\nthird: *b\n"
    found = read_source(text, "cfg.yaml").diagnostics
    assert [(d.code, d.line, d.column) for d in found] == [("PSA002", 3, 3)]


def test_three_copies_of_a_key_report_the_second_and_third_against_the_first() -> None:
    found = read_source("a: 1\na: 2\na: 3\n", "cfg.yaml").diagnostics
    assert [(d.line, d.message) for d in found] == [
        (2, "duplicate key `a` (first at line 1): the runtime silently keeps only the last value"),
        (3, "duplicate key `a` (first at line 1): the runtime silently keeps only the last value"),
    ]


def test_merging_the_same_anchor_twice_is_no_duplicate() -> None:
    source = read_source("base: &b\n  k: 1\nother:\n  <<: *b\n  <<: *b\n", "cfg.yaml")
    assert source.diagnostics == []
    assert source.data == {"base": {"k": 1}, "other": {"k": 1}}


def test_a_duplicate_after_a_merge_key_is_still_found() -> None:
    text = "base: &b\n  j: 0\nother:\n  <<: *b\n  k: 1\n  k: 2\n"
    found = read_source(text, "cfg.yaml").diagnostics
    assert [(d.code, d.line, d.column, d.field) for d in found] == [("PSA002", 6, 3, "k")]
    assert found[0].message == "duplicate key `k` (first at line 5): the runtime silently keeps only the last value"


def _aliases_of_one_list(items: int, aliases: int) -> str:
    return "a: &a [" + ", ".join(["x"] * items) + "]\nb: [" + ", ".join(["*a"] * aliases) + "]\n"


def test_the_alias_allowance_is_exact() -> None:
    # 15 scalars + the root, `a`, its list, `b`, its list: 20 written nodes, so 100000 + 4 * 20 = 100080
    # nodes may be reached again; each `*a` reaches the list and its 15 scalars again: 16 each.
    at_the_limit = read_source(_aliases_of_one_list(15, 100080 // 16), "cfg.yaml")
    assert at_the_limit.readable, at_the_limit.diagnostics
    one_more = read_source(_aliases_of_one_list(15, 100080 // 16 + 1), "cfg.yaml")
    assert not one_more.readable
    assert one_more.diagnostics[0].message.startswith("the value of `b` expands through aliases to more than 100080 ")
