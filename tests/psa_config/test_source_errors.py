"""Reading errors, exactly: the file, line, column, message and fix of each way ``yaml.safe_load`` fails.

The expected messages are PyYAML's own wording (its scanner, parser and
constructor) plus the checker's fixed notes; positions are counted by hand
from the texts below.
"""

from __future__ import annotations

import pytest
from yaml.error import Mark, MarkedYAMLError

from psa_config.source import _marked_error, read_source, suppressions
from psa_config.source_document import Span

GENERIC_FIX = "correct the YAML at the reported position (indent with spaces, close brackets and quotes)"
TAB_NOTE = " (a tab: the runtime's reader takes tabs only inside quotes, block scalars and comments; use spaces)"
BELL_MESSAGE = "the character U+0007 is not allowed in YAML (the runtime's reader stops here)"
BELL_FIX = "delete the character, or write it as an escape (`\\x07`) inside double quotes"


def only_diagnostic(text: str) -> tuple[str, int, int, str, str, str | None]:
    source = read_source(text, "cfg.yaml")
    assert source.readable is False
    assert source.data is None
    assert source.key_spans == {} and source.value_spans == {}
    [found] = source.diagnostics
    return (found.path, found.line, found.column, found.code, found.message, found.fix)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: \x07\n", 1, 4),  # on the first line: no line break before it
        ("a: 1\r\nb: 2\nc: x\x07y\n", 3, 5),  # CRLF counts as one break
        ("a: 1\n\x85b: \x07\n", 3, 4),  # NEL is a break for PyYAML
    ],
)
def test_a_forbidden_character_is_located_by_line_and_column(text: str, line: int, column: int) -> None:
    assert only_diagnostic(text) == ("cfg.yaml", line, column, "PSA001", BELL_MESSAGE, BELL_FIX)


def test_a_syntax_error_gives_pyyamls_context_and_problem_at_its_mark() -> None:
    expected = "while parsing a flow sequence; expected ',' or ']', but got ':'"
    assert only_diagnostic("M:\n  a: [1, 2\n  b: 3\n") == ("cfg.yaml", 3, 4, "PSA001", expected, GENERIC_FIX)


def test_a_second_document_is_refused_where_it_starts() -> None:
    expected = "expected a single document in the stream; but found another document"
    assert only_diagnostic("a: 1\n---\nb: 2\n") == ("cfg.yaml", 2, 1, "PSA001", expected, GENERIC_FIX)


@pytest.mark.parametrize(("text", "line", "column"), [("M:\n\tdefault_attention: x\n", 2, 1), ("a: [x\t]\n", 1, 6)])
def test_a_tab_gets_the_tab_note(text: str, line: int, column: int) -> None:
    expected = "while scanning for the next token; found character '\\t' that cannot start any token" + TAB_NOTE
    assert only_diagnostic(text) == ("cfg.yaml", line, column, "PSA001", expected, GENERIC_FIX)


def test_a_tag_pyyaml_cannot_build_names_the_tag_in_message_and_fix() -> None:
    expected = (
        "the runtime cannot load this file: yaml.safe_load fails: "
        "cannot build `!!int x` (ValueError: invalid literal for int() with base 10: 'x')"
    )
    fix = "write a value `!!int` accepts, or drop the tag"
    assert only_diagnostic("a: !!int x\n") == ("cfg.yaml", 1, 4, "PSA001", expected, fix)


def test_an_unhashable_key_is_a_load_failure() -> None:
    expected = "the runtime cannot load this file: yaml.safe_load fails: while constructing a mapping; found unhashable key"
    assert only_diagnostic("? [a]\n: 1\n") == ("cfg.yaml", 1, 3, "PSA001", expected, GENERIC_FIX)


def test_nesting_too_deep_is_reported_at_the_start() -> None:
    expected = "the document is nested too deeply for the runtime's YAML reader"
    assert only_diagnostic("[" * 5000 + "]" * 5000) == ("cfg.yaml", 1, 1, "PSA001", expected, GENERIC_FIX)


def test_a_node_containing_itself_is_refused_at_the_node() -> None:
    expected = "this node contains itself through an alias: the runtime reads an endlessly nested value"
    fix = "refer to the anchor only outside the node that defines it"
    assert only_diagnostic("a: &x [1, *x]\n") == ("cfg.yaml", 1, 4, "PSA001", expected, fix)


def test_an_alias_bomb_is_reported_at_the_top_key_whose_value_explodes() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path, line, column, code, message, fix = only_diagnostic("\n".join(lines) + "\n")
    assert (path, code, column) == ("cfg.yaml", "PSA001", 1)
    top_key = f"a{line - 1}"
    written = 1 + 10 + 10 + 9  # the root, 10 keys, 10 lists, 9 scalars (aliases are no new nodes)
    limit = 100_000 + 4 * written  # the documented allowance: a base plus 4 per written node
    assert message == (
        f"the value of `{top_key}` expands through aliases to more than {limit} extra nodes "
        f"({written} written): an alias bomb? refusing to read it"
    )
    assert fix == "expand fewer aliases: anchors that refer to anchors multiply the document"


def _mark(text: str, index: int) -> Mark:
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return Mark("cfg.yaml", index, line, column, text, index)


def test_a_mark_on_a_tab_gets_the_tab_note_even_when_the_problem_does_not_name_it() -> None:
    text = "a: 1\n\tb: 2\n"
    error = MarkedYAMLError(problem="something unexpected", problem_mark=_mark(text, 5))
    found = _marked_error("cfg.yaml", text, error)
    assert (found.line, found.column, found.message) == (2, 1, "something unexpected" + TAB_NOTE)


def test_a_problem_naming_a_tab_gets_the_note_wherever_its_mark_is() -> None:
    text = "a: 1\nb: 2\n"
    error = MarkedYAMLError(problem="found '\\t' somewhere", problem_mark=_mark(text, 5))
    assert _marked_error("cfg.yaml", text, error).message == "found '\\t' somewhere" + TAB_NOTE


def test_an_error_neither_on_nor_about_a_tab_has_no_note() -> None:
    text = "a: 1\nb: 2\n"
    error = MarkedYAMLError(context="while reading", problem="an odd thing", problem_mark=_mark(text, 6))
    found = _marked_error("cfg.yaml", text, error)
    assert (found.path, found.line, found.column, found.message) == ("cfg.yaml", 2, 2, "while reading; an odd thing")


def test_an_error_without_marks_or_words_is_malformed_yaml_at_the_start() -> None:
    found = _marked_error("cfg.yaml", "a: 1\n", MarkedYAMLError())
    assert (found.path, found.line, found.column, found.message, found.fix) == ("cfg.yaml", 1, 1, "malformed YAML", GENERIC_FIX)


def test_a_message_spanning_lines_is_folded_to_one() -> None:
    error = MarkedYAMLError(context="while  reading\n  this", problem="an\todd\r\nthing ")
    assert _marked_error("cfg.yaml", "", error).message == "while reading this; an odd thing"


RATIOS_TEXT = """\
M:
  attention_configs:
    p:
      mask_ratios:
        1: [0.0, 0.4]
"""


def test_spans_fall_back_to_the_nearest_written_ancestor() -> None:
    source = read_source(RATIOS_TEXT, "cfg.yaml")
    preset = ("M", "attention_configs", "p")
    assert source.key_span(preset) == Span(3, 5)
    assert source.value_span((*preset, "missing")) == Span(3, 5)  # the preset's key, not the model's
    assert source.key_span((*preset, "missing", "deeper")) == Span(3, 5)
    assert source.key_span(("absent",)) == Span(1, 1)
    assert source.value_span(("absent", "deeper")) == Span(1, 1)


def test_a_list_item_has_only_a_value_span_which_key_span_returns() -> None:
    source = read_source(RATIOS_TEXT, "cfg.yaml")
    item = ("M", "attention_configs", "p", "mask_ratios", 1, 1)
    assert source.value_span(item) == Span(5, 18)
    assert source.key_span(item) == Span(5, 18)


def test_suppression_comments_by_line() -> None:
    text = (
        "a: 1  # psa-config: ignore\n"
        "b: 2\n"
        "c: 3 #psa-config:ignore[ PSA101 , runtime-default,, ]\n"
        "d: 4  # psa-config: ignore[]\n"
        "e: 5  # a note, then psa-config: ignore\n"  # the marker must open a comment
        "g: 6  # x  # psa-config: ignore[PSA105]\n"
        "f: psa-config: ignore[PSA101]\n"
    )
    assert suppressions(text) == {
        1: None,
        3: frozenset({"PSA101", "runtime-default"}),
        4: frozenset(),
        6: frozenset({"PSA105"}),
    }


def test_no_suppressions_without_the_marker() -> None:
    assert suppressions("a: 1  # ignore\nb: 2  # psa_config: ignore\n") == {}


EMPTY = "the file holds no YAML document; expected a mapping of model name -> model section"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_a_file_with_no_document_is_reported_at_its_start(text: str) -> None:
    assert only_diagnostic(text)[:5] == ("cfg.yaml", 1, 1, "PSA004", EMPTY)


def test_any_other_loader_failure_is_a_located_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from yaml import YAMLError

    import psa_config.source as source

    def fail(text: str) -> None:
        raise YAMLError("the reader\nfailed here")

    monkeypatch.setattr(source, "compose", fail)
    assert only_diagnostic("a: 1\n") == ("cfg.yaml", 1, 1, "PSA001", "the reader failed here", GENERIC_FIX)


def test_nesting_too_deep_while_building_values_is_reported_at_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    import psa_config.source as source

    def too_deep(root: object) -> None:
        raise RecursionError

    monkeypatch.setattr(source, "construct", too_deep)
    expected = "the document is nested too deeply for the runtime's YAML reader"
    assert only_diagnostic("a: 1\n") == ("cfg.yaml", 1, 1, "PSA001", expected, GENERIC_FIX)
