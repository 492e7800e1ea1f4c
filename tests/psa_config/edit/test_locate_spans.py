"""Positions in the text (``psa_config/edit/locate.py``): the exact characters each span covers.

Expectations are written by hand from the YAML text: which characters a value,
a key's colon or an alias occupies, where lines start and end with LF, CRLF and
lone CR breaks mixed, and what a mark becomes when shifted.
"""

from __future__ import annotations

import pytest
import yaml
from yaml.nodes import MappingNode

from psa_config.edit import DuplicateKeyError, EditError, MalformedYamlError, locate
from psa_config.edit.locate import Entry


def root_of(text: str) -> MappingNode:
    root = locate.compose(text)
    assert isinstance(root, MappingNode)
    return root


def entry(text: str, *path: str) -> Entry:
    return locate.lookup(root_of(text), path).last


def written(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


# ---- value_span ----------------------------------------------------------------------------------

SPANS = "a: &x 1\nb: *x\nc:\nd: !!str  &y  hi\ne:\n  f: 1\n  g: [1, 2]  # c\nh: |\n  z\n\ni: 'q'  # c\nj: {k: 1}\n"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a", "1"),
        ("b", "*x"),
        ("d", "hi"),
        ("e", "f: 1\n  g: [1, 2]"),
        ("h", "|\n  z"),
        ("i", "'q'"),
        ("j", "{k: 1}"),
    ],
)
def test_value_span_is_the_value_as_written_after_the_key(key: str, expected: str) -> None:
    assert written(SPANS, locate.value_span(SPANS, entry(SPANS, key))) == expected


def test_value_span_of_an_empty_value_is_the_spot_after_the_colon() -> None:
    start, end = locate.value_span(SPANS, entry(SPANS, "c"))
    assert start == end == SPANS.index("c:\n") + 2


def test_value_span_of_an_empty_tagged_value_is_the_spot_after_the_colon() -> None:
    text = "c: !!null\n"
    assert locate.value_span(text, entry(text, "c")) == (2, 2)


def test_value_span_of_an_alias_after_a_comment_line() -> None:
    text = "a: &x 1\nb:  # note\n  *x\n"
    assert locate.value_span(text, entry(text, "b")) == (text.index("*x"), text.index("*x") + 2)


# ---- shifted marks (a loader that lags behind str indices after a byte-order mark) -----------------


def test_shifted_moves_only_the_index() -> None:
    mark = yaml.Mark("doc", 5, 2, 3, None, None)
    moved = locate._shifted(mark, 4)
    assert (moved.name, moved.index, moved.line, moved.column) == ("doc", 9, 2, 3)


def test_annotating_with_a_shift_moves_every_mark_and_reads_anchors_there() -> None:
    text = "a: &x [1, *x]\n"
    node = yaml.compose("a: &x [1, 2]\n")
    padded = "  " + text  # the marks lag two characters behind this text
    locate._annotate(node, padded, 2)
    key, value = node.value[0]
    assert (key.start_mark.index, key.end_mark.index) == (2, 3)
    assert (value.start_mark.index, value.end_mark.index) == (5, 14)
    assert value.anchor == "x" and key.anchor is None
    assert [item.start_mark.index for item in value.value] == [9, 12]
    assert (value.start_mark.line, value.start_mark.column) == (0, 3)


def test_a_byte_order_mark_does_not_shift_the_spans() -> None:
    text = "\ufeffa: &x 12\n"
    found = entry(text, "a")
    assert written(text, locate.value_span(text, found)) == "12"
    assert found.value.anchor == "x"
    assert locate.column_of(text, found.key.start_mark.index) == 0


# ---- lines with mixed breaks ---------------------------------------------------------------------

MIXED = "ab\r\ncd\ref\ngh"  # CRLF, then a lone CR, then LF, and no final break


@pytest.mark.parametrize(
    ("index", "start", "end", "next_line"),
    [
        (0, 0, 2, 4),
        (1, 0, 2, 4),
        (2, 0, 2, 4),
        (4, 4, 6, 7),
        (6, 4, 6, 7),
        (7, 7, 9, 10),
        (9, 7, 9, 10),
        (10, 10, 12, 12),
        (12, 10, 12, 12),
    ],
)
def test_lines_with_mixed_breaks(index: int, start: int, end: int, next_line: int) -> None:
    assert locate.line_start(MIXED, index) == start
    assert locate.line_end(MIXED, index) == end
    assert locate.after_line_break(MIXED, index) == next_line


@pytest.mark.parametrize(("index", "length"), [(0, 0), (2, 2), (3, 1), (6, 1), (9, 1), (12, 0), (99, 0)])
def test_break_length(index: int, length: int) -> None:
    assert locate.break_length(MIXED, index) == length


@pytest.mark.parametrize(("index", "length"), [(0, 0), (1, 0), (3, 1), (4, 2), (7, 1), (10, 1), (12, 0)])
def test_break_before(index: int, length: int) -> None:
    assert locate.break_before(MIXED, index) == length


@pytest.mark.parametrize(("end", "breaks"), [(0, 0), (3, 1), (4, 1), (7, 2), (10, 3), (12, 3)])
def test_count_breaks_and_line_numbers(end: int, breaks: int) -> None:
    assert locate.count_breaks(MIXED, 0, end) == breaks
    assert locate.line_of(MIXED, end) == breaks + 1


def test_count_breaks_in_a_window() -> None:
    assert locate.count_breaks(MIXED, 3, 12) == 3  # the LF of the CRLF counts, its CR lies outside
    assert locate.count_breaks(MIXED, 2, 4) == 1
    assert locate.count_breaks("a\nb\nc", 1, 4) == 2
    assert locate.count_breaks("a\rb\rc", 1, 4) == 2


@pytest.mark.parametrize(("text", "ends"), [("a\n", True), ("a\r", True), ("a\r\n", True), ("a", False), ("", False)])
def test_ends_with_break(text: str, ends: bool) -> None:
    assert locate.ends_with_break(text) is ends


def test_column_does_not_count_a_byte_order_mark() -> None:
    assert locate.column_of("\ufeff  a", 3) == 2
    assert locate.column_of("x\r\n  a", 5) == 2
    assert locate.column_of("x\r  a", 4) == 2


# ---- keys, colons and indentation ----------------------------------------------------------------


def test_colon_after_a_key_with_spaces_before_the_colon() -> None:
    text = "abc   : 1\n"
    assert locate.colon_after(text, entry(text, "abc").key) == text.index(":") + 1


@pytest.mark.parametrize(
    ("text", "key", "column"),
    [
        ("a:\n  b: 1\n", ("a", "b"), 2),
        ("a:\n  ? b\n  : 1\n", ("a", "b"), 2),
        ("a:\n  ?   b\n  : 1\n", ("a", "b"), 2),
        ("\ufeffa: 1\n", ("a",), 0),
        ("a:\n- b: 1\n", None, None),
    ],
)
def test_key_indent(text: str, key: tuple[str, ...] | None, column: int | None) -> None:
    if key is None:
        item = root_of(text).value[0][1].value[0]
        inner = item.value[0][0]
        assert locate.key_indent(text, inner) is None
        assert locate.entry_column(text, inner) == 2
    else:
        assert locate.key_indent(text, entry(text, *key).key) == column
        assert locate.entry_column(text, entry(text, *key).key) == column


def test_anchor_prefix_keeps_the_anchor_and_its_spaces() -> None:
    text = "a: &x   [1]\nb: [2]\n"
    assert locate.anchor_prefix(text, entry(text, "a").value) == "&x   "
    assert locate.anchor_prefix(text, entry(text, "b").value) == ""


def test_is_empty_null() -> None:
    text = "a:\nb: ~\nc: ''\nd: null\n"
    assert [locate.is_empty_null(entry(text, k).value) for k in "abcd"] == [True, False, False, False]


def test_anchor_prefix_is_the_node_s_own_anchor_not_an_earlier_one_sharing_its_start() -> None:
    text = "a: &xy 1\nb: &x   [1]\n"
    assert locate.anchor_prefix(text, entry(text, "b").value) == "&x   "
    assert locate.anchor_prefix(text, entry(text, "a").value) == "&xy "


def test_alias_span_that_cannot_be_found_is_an_edit_error() -> None:
    text = "a: &x 1\nb: *x\n"
    found = entry(text, "b")
    assert locate.alias_span(text, found) == (11, 13)
    stray = Entry(found.key, found.value, found.mapping, alias="y")
    with pytest.raises(EditError) as caught:
        locate.alias_span(text, stray)
    assert str(caught.value) == "cannot find *y after key 'b'"


def test_alias_span_skips_comments_and_needs_the_whole_name() -> None:
    text = "a: &x 1\nb: &xy 2\nc:  # note *x\n  *xy\nd: [*x]\n"
    found = entry(text, "c")
    assert found.alias == "xy"
    assert written(text, locate.alias_span(text, found)) == "*xy"
    assert locate.alias_span(text, found)[0] == text.index("*xy")


# ---- reading the text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("a: [1\n", "expected ',' or ']', but got '<stream end>'", 2, 1),
        ("a: 1\n b: 2\n", "mapping values are not allowed here", 2, 3),
        ("a: b: c", "mapping values are not allowed here", 1, 5),
        ("a: &x 1\nb: *y\n", "found undefined alias 'y'", 2, 4),
        (
            "\x07",
            'unacceptable character #x0007: special characters are not allowed in "<unicode string>", position 0',
            1,
            1,
        ),
    ],
)
def test_text_that_is_not_yaml_is_a_located_error(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(MalformedYamlError) as caught:
        locate.compose(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value) == f"line {line}, column {column}: {message}"


def test_an_empty_document_has_no_tree() -> None:
    assert locate.compose("") is None
    assert locate.compose("# only a comment\n") is None
    assert locate.use_counts(None) == {}


@pytest.mark.parametrize(
    ("text", "anchors"),
    [
        ("a: &x 1\n", {"a": "x"}),
        ("a: &x !!str 1\n", {"a": "x"}),
        ("a: !!str &x 1\n", {"a": "x"}),
        ("a: !!str 1\n", {"a": None}),
        ("a: 1\n", {"a": None}),
        ("a: &x [1]\nb: &y {c: 1}\n", {"a": "x", "b": "y"}),
        ("a: &x-1_y [1]\n", {"a": "x-1_y"}),
    ],
)
def test_each_node_knows_its_anchor(text: str, anchors: dict[str, str | None]) -> None:
    root = root_of(text)
    assert {locate.key_text(k): v.anchor for k, v in root.value} == anchors
    assert all(k.anchor is None for k, _ in root.value)


def test_anchor_at_reads_properties_in_either_order() -> None:
    assert locate._anchor_at("&a !t x", 0) == "a"
    assert locate._anchor_at("!t &a x", 0) == "a"
    assert locate._anchor_at("!t x", 0) is None
    assert locate._anchor_at("x &a", 0) is None
    assert locate._anchor_at("  &a x", 2) == "a"
    assert locate._anchor_at("&a", 0) == "a"
    assert locate._anchor_at("&a,", 0) == "a"
    assert locate._anchor_at("", 0) is None


# ---- finding keys --------------------------------------------------------------------------------


def test_a_key_written_twice_names_every_line() -> None:
    root = root_of("a: 1\nb:\n  c: 2\na: 3\na: 4\n")
    with pytest.raises(DuplicateKeyError) as caught:
        locate.find_entry(root, "a")
    assert caught.value.lines == [1, 4, 5]
    assert locate.find_entry(root, "b") is not None


def test_direct_keys_win_over_merged_ones_and_merges_are_searched_in_order() -> None:
    text = "x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nm:\n  <<: [*y, *x]\n  a: 3\n"
    mapping = locate.lookup(root_of(text), ("m",)).last.value
    found = {name: locate.find_entry(mapping, name) for name in "abcd"}
    assert found["a"] is not None and found["a"].value.value == "3" and found["a"].merged_from is None
    assert found["b"] is not None and found["b"].value.value == "2" and found["b"].merged_from == "y"
    assert found["c"] is not None and found["c"].merged_from == "y"
    assert found["d"] is None
    assert [m.anchor for m in locate.merged_mappings(mapping)] == ["y", "x"]
    assert [locate.key_text(k) for k, _ in locate.entries(mapping)] == ["a"]


def test_find_entry_takes_int_keys_as_their_text() -> None:
    root = root_of("8: [0, 1]\n")
    found = locate.find_entry(root, 8)
    assert found is not None and found.value.value[1].value == "1"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("z",), "no key 'z' in the file"),
        (("a", "q"), "no key 'a.q' in the file"),
        (("b", "q"), "b is not a mapping, so it has no key 'q'"),
        (("a", "c", "q"), "a.c is not a mapping, so it has no key 'q'"),
    ],
)
def test_lookup_errors_say_which_key(path: tuple[str, ...], message: str) -> None:
    with pytest.raises(EditError) as caught:
        locate.lookup(root_of("a:\n  c: 1\nb: 2\n"), path)
    assert str(caught.value) == message


def test_lookup_in_a_document_that_is_not_a_mapping() -> None:
    with pytest.raises(EditError) as caught:
        locate.lookup(locate.compose("- 1\n"), ("a",))
    assert str(caught.value) == "the document is not a mapping, so it has no key 'a'"


def test_lookup_reports_each_crossing() -> None:
    text = "x: &x {n: 1}\nb: &b {k: *x}\nm:\n  <<: *b\n"
    located = locate.lookup(root_of(text), ("m", "k", "n"))
    assert located.crossings == ("m.k comes from the merge key '<<: *b'", "m.k is the alias *x")
    assert [locate.key_text(e.key) for e in located.entries] == ["m", "k", "n"]
    assert located.last.value.value == "1"
    assert locate.lookup(root_of(text), ("x",)).crossings == ()


def test_use_counts_count_every_use_once_per_place() -> None:
    text = "x: &x {n: 1}\na: *x\nb: [*x, *x]\n"
    root = root_of(text)
    shared = locate.lookup(root, ("x",)).last.value
    assert locate.use_counts(root)[id(shared)] == 4
    assert locate.use_counts(root)[id(shared.value[0][1])] == 1  # counted once below the shared node
    assert locate.use_counts(root)[id(root)] == 1


def test_anchors_within_a_range() -> None:
    text = "x: &x 1\ny: &y [&z 2]\nw: *x\n"
    root = root_of(text)
    start = text.index("y:")
    assert sorted(n.anchor for n in locate.anchors_within(root, start, len(text))) == ["y", "z"]
    assert sorted(n.anchor for n in locate.anchors_within(root, 0, start)) == ["x"]
    assert list(locate.anchors_within(root, 0, text.index("&x"))) == []
    assert [n.anchor for n in locate.anchors_within(root, text.index("&x"), text.index("&x") + 1)] == ["x"]


# ---- where values end ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("a: |\n  x\n\n\nb: 1\n", "a", "|\n  x"),
        ("a: |+\n  x\n\n\nb: 1\n", "a", "|+\n  x\n\n"),
        ("a: |-\n  x\n\n\nb: 1\n", "a", "|-\n  x"),
        ("a: >+  # c\n  x\n  \nb: 1\n", "a", ">+  # c\n  x\n  "),
        ("a: |  # +\n  x\n\nb: 1\n", "a", "|  # +\n  x"),
        ("a: |\n  x\n   \n\nb: 1\n", "a", "|\n  x\n   "),  # deeper than the indentation: content
        ("a: |\n  x\n  \n\nb: 1\n", "a", "|\n  x"),
        ("a: |2\n    x\n\nb: 1\n", "a", "|2\n    x"),
        ("a: |\n  x\n  y", "a", "|\n  x\n  y"),
        ("a: |\n\n\nb: 1\n", "a", "|"),
        ("a: |+\n  x\r\n\r\nb: 1\r\n", "a", "|+\n  x\r\n"),
        ("a: &k |\n  x\n\nb: 1\n", "a", "|\n  x"),
        ("a: 'q'\n", "a", "'q'"),
        ("a: &k |+\n  x\n\n\nb: 1\n", "a", "|+\n  x\n\n"),
        ("a: !!str |+\n  x\n\n\nb: 1\n", "a", "|+\n  x\n\n"),
        ("a: |\n \n\nb: 1\n", "a", "|\n "),  # no content: any whitespace line is deeper
        ("a: |\n  XX\n    y\n   \n\nb: 1\n", "a", "|\n  XX\n    y\n   "),  # indentation: the first line's
        ("a: x\n  y\n", "a", "x\n  y"),
    ],
)
def test_where_a_scalar_ends(text: str, key: str, expected: str) -> None:
    assert written(text, locate.value_span(text, entry(text, key))) == expected


@pytest.mark.parametrize(
    ("value", "keeps"),
    [("|+\n  z", True), (">2+\n    z", True), ("|-\n  z", False), ("|\n  z", False), ("|  # +\n  z", False), ("'+'", False), ("x+", False)],
)
def test_keeps_blank_lines(value: str, keeps: bool) -> None:
    text = f"a: {value}\nb: 1\n"
    assert locate.keeps_blank_lines(text, entry(text, "a").value) is keeps
    assert locate.keeps_blank_lines(text, root_of(text)) is False


def test_text_nested_too_deeply_is_a_located_error() -> None:
    with pytest.raises(MalformedYamlError) as caught:
        locate.compose("[" * 1000)
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert str(caught.value) == "line 1, column 1: the document is nested too deeply for the runtime's YAML reader"


def test_line_of_a_text_starting_with_a_break() -> None:
    assert locate.line_of("\nab", 2) == 2
    assert locate.line_of("\r\nab", 3) == 2
    assert locate.line_of("ab", 1) == 1


def test_an_empty_value_at_the_very_end_and_a_recursive_anchor() -> None:
    assert root_of("a:").value[0][1].anchor is None
    recursive = root_of("a: &a [*a]\n").value[0][1]
    assert recursive.anchor == "a" and recursive.value[0] is recursive


def test_a_key_without_a_colon_is_an_edit_error() -> None:
    text = "b: 1\n? a\n"
    key = root_of(text).value[1][0]
    with pytest.raises(EditError) as caught:
        locate.colon_after(text, key)
    assert str(caught.value) == "cannot find the ':' after key at line 2"


def test_where_a_block_scalar_after_other_lines_ends() -> None:
    text = "z: 1\na: |\n  x\n  \n\nb: 1\n"
    assert written(text, locate.value_span(text, entry(text, "a"))) == "|\n  x"


def test_break_before_at_the_start_of_the_text() -> None:
    assert locate.break_before("\r\nx", 2) == 2
    assert locate.break_before("\nx", 1) == 1
    assert locate.break_before("\r\nx", 1) == 1


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (yaml.MarkedYAMLError(problem="odd  thing\n here"), "line 1, column 1: odd thing here"),
        (yaml.MarkedYAMLError(context="while reading"), "line 1, column 1: while reading"),
        (yaml.YAMLError("plain  failure\n here"), "line 1, column 1: plain failure here"),
    ],
)
def test_reader_errors_without_a_position_are_at_the_start(
    monkeypatch: pytest.MonkeyPatch, error: yaml.YAMLError, message: str
) -> None:
    def fail(text: str) -> None:
        raise error

    monkeypatch.setattr(locate.runtime_yaml, "compose", fail)
    with pytest.raises(MalformedYamlError) as caught:
        locate.compose("a: 1\n")
    assert (caught.value.line, caught.value.column, str(caught.value)) == (1, 1, message)


def test_line_edges() -> None:
    assert locate.line_start("a\n\rb", 3) == 3  # a lone CR right after an LF starts another line
    assert locate.line_end("\nab", 0) == 0
    assert locate.line_end("\rab", 0) == 0
    assert locate.line_end("a\nb\rc", 0) == 1  # a CR on a later line is not this line's end
    assert locate.break_length("X", 0) == 0
    assert locate.break_before("aX", 2) == 0


def test_a_block_scalar_indented_by_its_first_line_with_a_tab() -> None:
    text = "a: |\n \t\n  x\n  \n\nb: 1\n"  # indentation 1: the last line "  " holds a space of content
    assert written(text, locate.value_span(text, entry(text, "a"))) == "|\n \t\n  x\n  "


def test_lookup_names_the_first_missing_key() -> None:
    with pytest.raises(EditError) as caught:
        locate.lookup(root_of("a: 1\n"), ("z", "q"))
    assert str(caught.value) == "no key 'z' in the file"


def test_anchors_within_reaches_anchors_after_a_shared_node() -> None:
    text = "a: &a 1\nx: &x 2\nw: *x\n"
    assert sorted(n.anchor for n in locate.anchors_within(root_of(text), 0, len(text))) == ["a", "x"]
