"""``focus.focused_root`` exactly: which lines it keeps, at which offsets, and every case it declines."""

from __future__ import annotations

import pytest

from psa_config.edit import focus, locate

PLAIN = """\
# a plain file
a:
  default_attention: p1
  attention_configs:
    p1:
      type: dense
    p2:
      type: psa
      verbose: false
    # a comment between presets
    p3:
      type: psa
b:
  attention_configs:
    q1:
      type: dense
"""


@pytest.fixture(autouse=True)
def focus_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(focus, "FOCUS_FROM_CHARS", 0)


def shape(root: object) -> list[tuple[str, list[str], list[str]]]:
    """[(model, section keys, preset keys)] of a focused root."""
    assert isinstance(root, locate.MappingNode)
    out = []
    for key, section in root.value:
        configs = dict((locate.key_text(k), v) for k, v in section.value)[focus.CONFIGS]
        out.append((locate.key_text(key), [locate.key_text(k) for k, _ in section.value],
                    [locate.key_text(k) for k, _ in configs.value]))
    return out


@pytest.mark.parametrize(
    ("model", "preset", "kept"),
    [
        ("a", "p1", ["p1"]),  # the first preset has no previous sibling
        ("a", "p2", ["p1", "p2"]),
        ("a", "p3", ["p2", "p3"]),
        ("b", "q1", ["q1"]),
    ],
)
def test_the_model_its_configs_the_preset_and_its_previous_sibling_are_kept(model: str, preset: str, kept: list[str]) -> None:
    root = focus.focused_root(PLAIN, model, preset)
    assert shape(root) == [(model, [focus.CONFIGS], kept)]


def test_kept_nodes_carry_the_files_own_offsets() -> None:
    root = focus.focused_root(PLAIN, "a", "p3")
    whole = locate.compose(PLAIN)
    assert isinstance(root, locate.MappingNode) and isinstance(whole, locate.MappingNode)
    focused_configs = root.value[0][1].value[0][1]
    whole_configs = whole.value[0][1].value[1][1]
    for (fk, fv), (wk, wv) in zip(focused_configs.value, whole_configs.value[1:]):
        assert (fk.start_mark.index, fk.start_mark.line, fk.start_mark.column, fv.start_mark.index) == (
            wk.start_mark.index, wk.start_mark.line, wk.start_mark.column, wv.start_mark.index)


@pytest.mark.parametrize(
    ("written", "name"),
    [("'it''s'", "it's"), ('"p x"', "p x"), ("'p'", "p"), ("p   ", "p")],
)
def test_quoted_preset_keys_are_found(written: str, name: str) -> None:
    text = f"a:\n  attention_configs:\n    {written}:\n      type: psa\n"
    assert shape(focus.focused_root(text, "a", name)) == [("a", [focus.CONFIGS], [name])]


@pytest.mark.parametrize(
    ("text", "model", "preset"),
    [
        (PLAIN.replace("type: dense", "type: &t dense", 1), "a", "p2"),  # an anchor
        (PLAIN.replace("\n", "\r\n"), "a", "p2"),
        (PLAIN.replace("type: psa", "type:\tpsa", 1), "a", "p2"),
        ("---\n" + PLAIN, "a", "p2"),
        (PLAIN + "...\n", "a", "p2"),
        ("%YAML 1.1\n---\n" + PLAIN, "a", "p2"),
        (PLAIN, "c", "p2"),  # no such model
        (PLAIN + "a:\n  x: 1\n", "a", "p2"),  # the model written twice
        (PLAIN, "a", "p9"),  # no such preset
        (PLAIN, "a", "q1"),  # another model's preset
        ("a:\n  attention_configs:\n    p: 1\n    p: 2\n", "a", "p"),  # the preset written twice
        ("a:\nb:\n  attention_configs:\n    p: 1\n", "a", "p"),  # a model without children
        ("b: 1\na:\n", "a", "p"),  # ... at the end of the file
        ("a:\n  attention_configs:\n  x: 1\n", "a", "p"),  # configs without presets
        ("a:\n  attention_configs:\n", "a", "p"),
        ("a:\n  x: 1\n", "a", "p"),  # no attention_configs
        ("a:\n  attention_configs: {p: 1}\n", "a", "p"),  # flow style
        ("a:\n  attention_configs:\n    p: [1\n", "a", "p"),  # does not compose
    ],
)
def test_files_that_are_not_plain_enough_are_declined(text: str, model: str, preset: str) -> None:
    assert focus.focused_root(text, model, preset) is None


def test_one_space_indentation() -> None:
    text = "a:\n attention_configs:\n  p:\n   type: psa\nb:\n x: 1\n"
    assert shape(focus.focused_root(text, "a", "p")) == [("a", [focus.CONFIGS], ["p"])]


def test_short_files_are_composed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(focus, "FOCUS_FROM_CHARS", 1000)
    padded = PLAIN + "#" * (1000 - len(PLAIN) - 1) + "\n"
    assert len(padded) == 1000 and focus.focused_root(padded, "a", "p2") is not None
    assert focus.focused_root(padded[:-2] + "\n", "a", "p2") is None


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("m:\n  attention_configs:\n    p: 1\n", True),
        ("m:\n  attention_configs:\n    q: 1\n    p: 1\n", True),
        ("m:\n  attention_configs:\n    q: 1\n", False),
        ("m:\n  attention_configs: 1\n", False),
        ("m:\n  attention_configs: [p]\n", False),
        ("m:\n  x: 1\n  attention_configs:\n    p: 1\n", False),
        ("m:\n  x: 1\n", False),
        ("m: 1\n", False),
        ("a: 1\nm:\n  attention_configs:\n    p: 1\n", False),
        ("n:\n  attention_configs:\n    p: 1\n", False),
        ("[m]\n", False),
        ("", False),
    ],
)
def test_holds(text: str, holds: bool) -> None:
    assert focus._holds(locate.compose(text), "m", "p") is holds


def test_blanked_keeps_offsets_and_line_breaks() -> None:
    text = "ab\ncd\nef\ngh\n"
    assert focus._blanked(text, [(6, 9), (0, 3)]) == "ab\n  \nef\n  \n"
    assert focus._blanked(text, [(3, 6)]) == "  \ncd\n" + "    \n\n"  # blank runs: spaces, then the breaks
    assert focus._blanked(text, []) == " " * 8 + "\n" * 4


def test_a_carriage_return_anywhere_keeps_line_numbers_true() -> None:
    """A lone CR is a line break: blanking it would shift every later line, so such texts are not focused."""
    from psa_config.edit import Document, DuplicateKeyError

    text = "z:\r  x: 1\na:\n  attention_configs:\n    p:\n      type: psa\n      type: dense\n"
    assert focus.focused_root(text, "a", "p") is None
    with pytest.raises(DuplicateKeyError) as info:
        Document.from_text(text).set_value("a", "p", "type", "psa")
    assert info.value.lines == [6, 7]
