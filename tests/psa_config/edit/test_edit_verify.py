"""The re-reading check behind every edit: exact messages, runtime equality, and which lines are read."""

from __future__ import annotations

import pytest
import yaml

from psa_config.edit import EditError, locate, verify
from psa_config.edit.operations import preset_entry
from psa_config.edit.setting import Context
from psa_config.edit.splice import Splice

ABSENT = verify.ABSENT
PRESET = "m:\n  attention_configs:\n    p:\n      type: psa\n      verbose: false\n"
SHADOW = "m:\n  other: 1\n"
"""A second ``m`` after the first: the runtime reads this one, so the whole text has no preset ``p``."""


def scope(text: str, model: str = "m", preset: str = "p") -> locate.Entry:
    return preset_entry(Context(text, locate.compose(text)), model, preset)


# ---- load ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: [1\n", "expected ',' or ']', but got '<stream end>'"),
        ("a: *x\n", "found undefined alias 'x'"),
        ("a: b: c\n", "mapping values are not allowed here"),
    ],
)
def test_a_text_the_runtime_cannot_load_is_refused_in_one_line(text: str, problem: str) -> None:
    with pytest.raises(EditError) as info:
        verify.load(text)
    assert str(info.value) == f"the edited text would not load in the runtime ({problem}); nothing was written"


def test_an_error_without_a_problem_is_shown_by_its_first_line() -> None:
    assert verify._one_line(yaml.YAMLError("first line\nsecond line")) == "first line"
    assert verify._one_line(yaml.MarkedYAMLError(problem="the problem", context="ctx")) == "the problem"


def test_load_reads_as_the_runtime() -> None:
    assert verify.load("a: 1\nb: [x, 0.5]\nc: yes\n") == {"a": 1, "b": ["x", 0.5], "c": True}


# ---- same ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (True, True, True),
        (True, 1, False),
        (1, True, False),
        (False, 0, False),
        (0, False, False),
        (True, False, False),
        (1, 1.0, True),
        (1, 2, False),
        (0.5, 0.5, True),
        ("a", "a", True),
        ("1", 1, False),
        (1, "1", False),
        (None, None, True),
        (None, 0, False),
        ([1, 2], [1, 2], True),
        ([1, 2], (1, 2), True),
        ([1, 2], [1], False),
        ([1], [1, 2], False),
        ([1, 2], [1, 3], False),
        ([True], [1], False),
        ("ab", ["a", "b"], False),
        (["a", "b"], "ab", False),
        ({"a": 1, "b": 2}, {"a": 1, "b": 2}, True),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, False),
        ({"a": 1}, {"a": 2}, False),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ({1: "x"}, {"1": "x"}, False),
        ({"a": True}, {"a": 1}, False),
        ({"a": [1]}, [1], False),
        ({}, [], False),
        ([], {}, False),
        ({}, {}, True),
    ],
)
def test_same_compares_as_the_runtime_sees_values(a: object, b: object, equal: bool) -> None:
    assert verify.same(a, b) is equal


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),
        ({"a": 1, "b": 2}, {"b": 2, "c": 1}, False),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ({"a": 1, "b": 2}, {"a": 1}, False),
        ({1: "x", "b": 2}, {"b": 2, "1": "x"}, False),
        ({"a": {"x": 1, "y": 2}}, {"a": {"y": 2, "x": 1}}, True),
        ([{"x": 1, "y": 2}], [{"y": 2, "x": 1}], True),
        ({"a": 1, "b": 2}, {"b": 1, "a": 2}, False),
    ],
)
def test_same_without_order(a: object, b: object, equal: bool) -> None:
    assert verify.same(a, b, ordered=False) is equal


def test_order_counts_at_every_depth_when_ordered() -> None:
    assert not verify.same({"a": {"x": 1, "y": 2}}, {"a": {"y": 2, "x": 1}})
    assert not verify.same([{"x": 1, "y": 2}], [{"y": 2, "x": 1}])


# ---- value_at ------------------------------------------------------------------------------------


def test_value_at() -> None:
    data = {"a": {"b": [1, 2], 8: "eight"}}
    assert verify.value_at(data, ("a", "b")) == [1, 2]
    assert verify.value_at(data, ("a", 8)) == "eight"
    assert verify.value_at(data, ()) is data
    assert verify.value_at(data, ("a", "8")) is ABSENT
    assert verify.value_at(data, ("a", "c")) is ABSENT
    assert verify.value_at(data, ("a", "b", 0)) is ABSENT  # not a mapping
    assert verify.value_at(None, ("a",)) is ABSENT


# ---- check_value ---------------------------------------------------------------------------------

PATH = ("m", "attention_configs", "p", "verbose")


def test_check_value_passes_when_the_value_landed() -> None:
    new = PRESET.replace("false", "true")
    verify.check_value(PRESET, new, None, (), PATH, ("verbose",), True)
    verify.check_value(PRESET, PRESET.replace("      verbose: false\n", ""), None, (), PATH, ("verbose",), ABSENT)


@pytest.mark.parametrize(
    ("new", "expected", "shown"),
    [
        (PRESET, True, "as False, not True"),
        (PRESET.replace("false", "1"), True, "as 1, not True"),
        (PRESET.replace("      verbose: false\n", ""), False, "as nothing, not False"),
        (PRESET, ABSENT, "as False, not nothing"),
        (PRESET.replace("false", "'x'"), "y", "as 'x', not 'y'"),
    ],
)
def test_check_value_says_what_the_text_would_read(new: str, expected: object, shown: str) -> None:
    with pytest.raises(EditError) as info:
        verify.check_value(PRESET, new, None, (), PATH, ("verbose",), expected)
    assert str(info.value) == (
        f"internal check failed: the edited text would read m.attention_configs.p.verbose {shown}; nothing was changed"
    )


def test_check_value_joins_int_keys_in_the_path() -> None:
    text = "m:\n  attention_configs:\n    p:\n      mask_ratios: {8: [0.1, 0.2]}\n"
    with pytest.raises(EditError, match=r"read m\.attention_configs\.p\.mask_ratios\.8 as \[0\.1, 0\.2\], not \[0\.1, 0\.3\];"):
        verify.check_value(text, text, None, (), ("m", "attention_configs", "p", "mask_ratios", 8), ("mask_ratios", 8), [0.1, 0.3])


def edit_in_preset(old: str) -> tuple[str, tuple[Splice, ...]]:
    at = old.index("false")
    splice = Splice(at, at + len("false"), "true")
    return old[:at] + "true" + old[at + len("false") :], (splice,)


def test_the_edited_preset_is_read_on_its_own_lines() -> None:
    old = PRESET + SHADOW  # the whole text's `m` has no preset: only the preset's lines hold the value
    new, splices = edit_in_preset(old)
    verify.check_value(old, new, scope(PRESET), splices, PATH, ("verbose",), True)
    with pytest.raises(EditError, match="as nothing, not True"):
        verify.check_value(old, new, None, splices, PATH, ("verbose",), True)


def test_a_splice_outside_the_preset_makes_the_whole_text_read() -> None:
    old = PRESET + SHADOW
    new, splices = edit_in_preset(old)
    outside = Splice(len(old) - 2, len(old) - 1, "1")  # the shadow's value, past the preset's end
    assert old[outside.start : outside.end] == "1"
    with pytest.raises(EditError, match="as nothing, not True"):
        verify.check_value(old, new, scope(PRESET), (*splices, outside), PATH, ("verbose",), True)
    before = Splice(0, 0, "")  # a splice before the preset's first line
    with pytest.raises(EditError, match="as nothing, not True"):
        verify.check_value("x: 0\n" + old, "x: 0\n" + new, scope("x: 0\n" + PRESET), (before, *(
            Splice(s.start + 5, s.end + 5, s.replacement) for s in splices)), PATH, ("verbose",), True)


def test_a_splice_at_the_preset_edges_keeps_reading_its_lines() -> None:
    old = PRESET + SHADOW
    start = old.index("    p:")
    end = len(PRESET)
    new = old[:start] + "    p:\n      type: psa\n      verbose: true\n" + old[end:]
    verify.check_value(old, new, scope(PRESET), (Splice(start, end, new[start : end + 1]),), PATH, ("verbose",), True)


@pytest.mark.parametrize("mark", ["&a ", "*"])
def test_a_preset_with_anchors_or_aliases_is_read_with_the_whole_text(mark: str) -> None:
    marked = PRESET.replace("type: psa", "type: psa\n      d: " + ("&a x" if mark == "&a " else "x"))
    if mark == "*":
        marked = marked.replace("d: x", "d: 'x*y'")
    old = marked + SHADOW
    new, splices = edit_in_preset(old)
    with pytest.raises(EditError, match="as nothing, not True"):
        verify.check_value(old, new, scope(marked), splices, PATH, ("verbose",), True)


def test_a_flow_preset_is_read_with_the_whole_text() -> None:
    flow = "m:\n  attention_configs: {p: {type: psa, verbose: false}}\n"
    old = flow + SHADOW
    new, splices = edit_in_preset(old)
    with pytest.raises(EditError, match="as nothing, not True"):
        verify.check_value(old, new, scope(flow), splices, PATH, ("verbose",), True)


# ---- check_preset and preset_value ---------------------------------------------------------------


def test_preset_value_reads_the_preset() -> None:
    assert verify.preset_value(PRESET, locate.compose(PRESET), "m", "p") == {"type": "psa", "verbose": False}
    assert verify.preset_value(PRESET, locate.compose(PRESET), "m", "q") is ABSENT
    old = PRESET + SHADOW  # its own lines, not the whole text, when they stand alone
    assert verify.preset_value(old, locate.compose(PRESET), "m", "p") == {"type": "psa", "verbose": False}


def test_preset_value_of_a_flow_preset_reads_the_whole_text() -> None:
    flow = "m:\n  attention_configs: {p: {type: psa}}\n"
    assert verify.preset_value(flow + SHADOW, locate.compose(flow), "m", "p") is ABSENT
    assert verify.preset_value(flow, locate.compose(flow), "m", "p") == {"type": "psa"}


def test_check_preset_accepts_keys_in_any_order() -> None:
    verify.check_preset(PRESET, "m", "p", {"verbose": False, "type": "psa"})
    verify.check_preset(PRESET, "m", "q", ABSENT)


@pytest.mark.parametrize(
    ("preset", "expected", "shown"),
    [
        ("p", {"type": "psa", "verbose": True}, "{'type': 'psa', 'verbose': False}"),
        ("p", ABSENT, "{'type': 'psa', 'verbose': False}"),
        ("q", {"type": "psa"}, "nothing"),
    ],
)
def test_check_preset_says_what_the_text_would_read(preset: str, expected: object, shown: str) -> None:
    with pytest.raises(EditError) as info:
        verify.check_preset(PRESET, "m", preset, expected)
    assert str(info.value) == (
        f"internal check failed: the edited text would read preset {preset!r} of 'm' as {shown}; nothing was changed"
    )


# ---- check_model ---------------------------------------------------------------------------------

TWO = "a:\n  text_length: 1\n  x: {k: 1, j: 2}\nb:\n  text_length: 2\n"


def test_check_model_passes() -> None:
    copied = TWO + "c:\n  x: {j: 2, k: 1}\n  text_length: 1\n"
    verify.check_model(TWO, copied, "c", "a")
    verify.check_model(TWO, "b:\n  text_length: 2\n", "a", None, removed=True)
    verify.check_model(TWO, TWO, "c", None, removed=True)  # removing an absent model: nothing to find


def test_check_model_of_the_template() -> None:
    from psa_config.edit.templates import model_section

    section = yaml.safe_dump({"t": model_section()}, sort_keys=True)
    verify.check_model(TWO, TWO + section, "t", None)
    with pytest.raises(EditError, match="as something else than intended"):
        verify.check_model(TWO, TWO + section.replace("text_length: 0", "text_length: 1"), "t", None)


@pytest.mark.parametrize(
    ("new", "name", "source", "removed", "shown"),
    [
        (TWO, "a", None, True, "something else than intended"),
        (TWO, "c", "a", False, "nothing"),
        (TWO + "c:\n  text_length: 1\n", "c", "a", False, "something else than intended"),
        (TWO + "c:\n  text_length: 1\n  x: {k: 1, j: 3}\n", "c", "a", False, "something else than intended"),
        (TWO + "c: 1\n", "c", "z", False, "something else than intended"),
    ],
)
def test_check_model_says_what_went_wrong(new: str, name: str, source: str | None, removed: bool, shown: str) -> None:
    with pytest.raises(EditError) as info:
        verify.check_model(TWO, new, name, source, removed=removed)
    assert str(info.value) == (
        f"internal check failed: the edited text would read model {name!r} as {shown}; nothing was changed"
    )


def test_preset_value_of_a_duplicated_preset_is_the_runtimes_last() -> None:
    text = "m:\n  attention_configs:\n    p: {a: 1}\n    p: {a: 2}\n"
    assert verify.preset_value(text, locate.compose(text), "m", "p") == {"a": 2}


def test_a_flow_preset_is_never_read_from_its_line() -> None:
    flow = "m:\n  attention_configs: {p: {type: psa, verbose: false}}\n"
    new, splices = edit_in_preset(flow)
    verify.check_value(flow, new, scope(flow), splices, PATH, ("verbose",), True)  # the line holds attention_configs


def test_a_flow_mapping_over_several_lines_is_verified_on_the_whole_text() -> None:
    from psa_config.edit import Document

    text = "m:\n  attention_configs: {\n    p: {type: psa},\n    q: {type: dense}\n  }\n"
    doc = Document.from_text(text).set_value("m", "p", "verbose", True)
    assert doc.text == text.replace("{type: psa}", "{type: psa, verbose: true}")  # its line alone is no YAML
