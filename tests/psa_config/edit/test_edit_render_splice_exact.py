"""``render`` (new text in the neighbours' style) and ``splice`` (the only way text changes), exactly."""

from __future__ import annotations

import pytest

from psa_config.edit import EditError, locate
from psa_config.edit.render import Like, block_lines, flow_text, like_of, scalar_text, sibling_hint
from psa_config.edit.splice import Change, Splice, apply

STYLES = "a: 0.50\nb: 'x'\nc: [0.1, 0.25]\nd:\n- 1\n- 2\ne:\n  - 1\nf: {g: 1}\nh:\n  i: True\n"


def nodes(text: str) -> dict[str, tuple[locate.Node, locate.Node]]:
    root = locate.compose(text)
    assert isinstance(root, locate.MappingNode)
    return {locate.key_text(k): (k, v) for k, v in root.value}


# ---- like_of -------------------------------------------------------------------------------------


def test_like_of_scalars_keeps_their_literal_and_quotes() -> None:
    found = nodes(STYLES)
    assert like_of(STYLES, found["a"][1]) == Like(text="0.50", style="")
    assert like_of(STYLES, found["b"][1]) == Like(text="'x'", style="'")


def test_like_of_sequences() -> None:
    found = nodes(STYLES)
    assert like_of(STYLES, found["c"][1], found["c"][0]) == Like(items=("0.1", "0.25"), flow=True)
    assert like_of(STYLES, found["d"][1], found["d"][0]) == Like(items=("1", "2"), flow=False, indentless=True)
    assert like_of(STYLES, found["d"][1]) == Like(items=("1", "2"), flow=False, indentless=False)  # no key: no column
    assert like_of(STYLES, found["e"][1], found["e"][0]) == Like(items=("1",), flow=False, indentless=False)


def test_like_of_mappings() -> None:
    found = nodes(STYLES)
    assert like_of(STYLES, found["f"][1]) == Like(flow=True, children={"g": Like(text="1", style="")})
    assert like_of(STYLES, found["h"][1]) == Like(flow=False, children={"i": Like(text="True", style="")})


def test_an_empty_block_sequence_is_not_indentless() -> None:
    text = "k: []\n"
    key, value = nodes(text)["k"]
    assert like_of(text, value, key) == Like(items=(), flow=True, indentless=False)


# ---- scalar_text, flow_text, block_lines ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "like", "text"),
    [(0.5, Like(items=("0.1", "0.25")), "0.50"), (1, Like(items=("a", "b")), "1"), (True, Like(items=("True",)), "True"),
     ("x", Like(style="'"), "'x'"), (0.5, Like(text="0.000"), "0.500"), (0.5, None, "0.5"), ("x y", None, "x y"),
     (2, Like(items=("0.1", "x", "0.125")), "2.000"), (True, Like(text="False"), "True")],
)
def test_scalar_text(value: object, like: Like | None, text: str) -> None:
    assert scalar_text(value, like) == text  # type: ignore[arg-type]


def test_flow_text() -> None:
    assert flow_text({"a": 1, "b": [0.5, 1]}, None) == "{a: 1, b: [0.5, 1]}"
    assert flow_text({"a": 1, "b": [0.5, 1]}, Like(children={"b": Like(items=("0.10", "1.00"))})) == "{a: 1, b: [0.50, 1.00]}"
    assert flow_text([[1, 2], [3]], None) == "[[1, 2], [3]]"
    assert flow_text([{"k": 1}], Like(items=("0.1",))) == "[{k: 1}]"
    assert flow_text({8: [0.1], "yes": "no"}, None) == '{8: [0.1], "yes": "no"}'
    assert flow_text([0.5, 0.25, 1], Like(items=("0.1",))) == "[0.5, 0.25, 1.0]"  # the last item's style goes on
    assert flow_text([1, 0.5], Like(items=("1", "0.00"))) == "[1, 0.50]"  # each item in its own place's style


def test_block_lines_asks_the_hint_for_every_path() -> None:
    calls: list[tuple[str | int, ...]] = []

    def hint(path: tuple[str | int, ...]) -> Like | None:
        calls.append(path)
        return None

    assert block_lines({"a": {"b": 1}, "c": [1, 2], "d": "x", 8: 0.5}, 0, 2, hint) == [
        "a:", "  b: 1", "c: [1, 2]", "d: x", "8: 0.5",
    ]
    assert calls == [("a",), ("a", "b"), ("c",), ("d",), ("8",)]


def test_block_lines_follows_sequence_and_mapping_styles() -> None:
    block = Like(flow=False, items=("1",))
    assert block_lines({"c": [1, 2]}, 2, 2, lambda p: block) == ["  c:", "    - 1", "    - 2"]
    assert block_lines({"c": [1, 2]}, 2, 2, lambda p: Like(flow=False, items=("1",), indentless=True)) == [
        "  c:", "  - 1", "  - 2",
    ]
    assert block_lines({"c": [1, 2]}, 0, 2, lambda p: Like(flow=True, items=("0.0",))) == ["c: [1.0, 2.0]"]
    flow_map = Like(flow=True, children={"b": Like()})
    assert block_lines({"a": {"b": 1}}, 0, 2, lambda p: flow_map if p == ("a",) else None) == ["a: {b: 1}"]
    assert block_lines({"a": {"b": 1}}, 0, 2, lambda p: Like(flow=True) if p == ("a",) else None) == ["a:", "  b: 1"]
    assert block_lines({"a": {"b": {"c": 1}}}, 4, 3, lambda p: None) == ["    a:", "       b:", "          c: 1"]
    assert block_lines({"a": [0.5]}, 0, 2, lambda p: Like(items=("0.00",), flow=False)) == ["a:", "  - 0.50"]


# ---- sibling_hint --------------------------------------------------------------------------------

SIBLINGS = "p:\n  mask_ratios:\n    1: [0.00, 0.10]\n    2: [0.10, 0.20]\n  x: 'q'\nq:\n  x: \"r\"\n  y: 5\n"


def hint_over(text: str):  # type: ignore[no-untyped-def]
    return sibling_hint(text, [value for _, value in nodes(text).values()])


def test_the_first_sibling_with_the_path_gives_the_style() -> None:
    hint = hint_over(SIBLINGS)
    assert hint(("x",)) == Like(text="'q'", style="'")
    assert hint(("y",)) == Like(text="5", style="")
    assert hint(("z",)) is None
    assert hint(("mask_ratios", 1)) == Like(items=("0.00", "0.10"), flow=True)


def test_a_new_level_takes_the_style_of_the_first_level() -> None:
    hint = hint_over(SIBLINGS)
    assert hint(("mask_ratios", "8")) == Like(items=("0.00", "0.10"), flow=True)
    assert hint(("mask_ratios", "x")) is None  # only numbered levels
    assert hint(("x", "8")) is None  # not a mapping: no first entry
    empty = "p:\n  mask_ratios: {}\nq:\n  mask_ratios:\n    1: [0.5, 1.0]\n"
    assert hint_over(empty)(("mask_ratios", "8")) == Like(items=("0.5", "1.0"), flow=True)


def test_a_sibling_with_a_duplicated_key_gives_no_style() -> None:
    text = "p:\n  x: 1\n  x: 2\nq:\n  x: 3\n"
    assert hint_over(text)(("x",)) == Like(text="3", style="")


def test_the_empty_path_is_the_sibling_itself() -> None:
    text = "p:\n  x: 1\n"
    assert hint_over(text)(()) == Like(flow=False, children={"x": Like(text="1", style="")})


# ---- splice --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "splices", "new", "lines"),
    [
        ("a\nb\nc\n", [Splice(2, 3, "B")], "a\nB\nc\n", (range(2, 3),)),
        ("a\nb\nc\n", [Splice(2, 4, "")], "a\nc\n", (range(2, 2),)),  # a deletion: empty, at the next line
        ("a\nb\nc\n", [Splice(2, 2, "x\n")], "a\nx\nb\nc\n", (range(2, 3),)),
        ("a\nb\nc\n", [Splice(1, 1, "\nx")], "a\nx\nb\nc\n", (range(2, 3),)),
        ("a\r\nb\r\n", [Splice(3, 3, "x\r\n")], "a\r\nx\r\nb\r\n", (range(2, 3),)),
        ("a\r\nb", [Splice(1, 1, "\r\nx")], "a\r\nx\r\nb", (range(2, 3),)),
        ("a\rb\r", [Splice(2, 2, "x\r")], "a\rx\rb\r", (range(2, 3),)),
        ("a\nb\nc\n", [Splice(0, 4, "x\ny\nz\n")], "x\ny\nz\nc\n", (range(1, 4),)),
        ("abc\ndef\n", [Splice(4, 5, "D"), Splice(0, 1, "A")], "Abc\nDef\n", (range(1, 2), range(2, 3))),
        ("abc", [Splice(0, 2, "x"), Splice(2, 3, "y")], "xy", (range(1, 2), range(1, 2))),  # touching is fine
        ("abc", [Splice(1, 1, "")], "abc", ()),  # writes nothing: no range
        ("abc", [], "abc", ()),
        ("ab", [Splice(1, 1, "\n")], "a\nb", (range(1, 3),)),  # a line split in two: both lines
        ("ab", [Splice(1, 1, "\r\n")], "a\r\nb", (range(1, 3),)),
        ("\na\n", [Splice(1, 2, "b")], "\nb\n", (range(2, 3),)),  # after an empty first line
    ],
)
def test_apply(text: str, splices: list[Splice], new: str, lines: tuple[range, ...]) -> None:
    assert apply(text, splices) == (new, lines)


def test_overlapping_splices_are_an_internal_error() -> None:
    with pytest.raises(EditError) as info:
        apply("abcdef", [Splice(3, 5, "x"), Splice(1, 4, "y")])
    assert str(info.value) == "internal error: overlapping edits"


def test_changes_add_up_in_order() -> None:
    first, second = Splice(0, 1, "a"), Splice(2, 3, "b")
    assert Change((first,), ("one",)) + Change((second,), ("two",)) == Change((first, second), ("one", "two"))
    assert Change() + Change(notes=("n",)) == Change((), ("n",))


def test_a_new_list_takes_a_siblings_dash_indentation() -> None:
    from psa_config.edit import Document

    text = "m:\n  attention_configs:\n    a:\n      type: psa\n      tile_size:\n        - 2\n        - 8\n    b:\n      type: psa\n"
    assert Document.from_text(text).set_value("m", "b", "tile_size", [1, 2]).text == (
        text + "      tile_size:\n        - 1\n        - 2\n"
    )


def test_a_new_level_deep_in_a_model_takes_the_first_level_of_the_same_mapping() -> None:
    from psa_config.edit import Document

    text = "x:\n  a:\n    b:\n      1: [0.10, 0.20]\nm:\n  a:\n    b:\n      2: [0.5, 0.6]\n"
    assert Document.from_text(text).set_model_value("m", "a.b.8", [0.5, 1]).text == text + '      "8": [0.50, 1.00]\n'
