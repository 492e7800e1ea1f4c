"""Preset and model operations over the reference file and the corpus: the diff holds only the
lines the operation must write, and the edited text loads to the intended structure."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from edit_corpus import corpus_files, load, read
from psa_config import check_text
from psa_config.edit import Document, EditError
from psa_config.edit.diff import changed_lines
from psa_config.edit.locate import count_breaks

FILES = {p.name: read(p) for p in corpus_files()}
NAMES = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_.]{0,12}", fullmatch=True),
    st.sampled_from(["yes", "no", "1.0", "0755", "null", "a b", "x: y", "#tag", "true", "Ünïcode"]),
)


def presets_of(text: str) -> list[tuple[str, str]]:
    return [(m, p) for m, section in load(text).items() for p in section["attention_configs"]]


def touched_old(old: str, new: str) -> set[int]:
    lines = {line for r in changed_lines(old, new)[0] for line in r}
    if not old.endswith(("\n", "\r")):
        lines.discard(count_breaks(old, 0, len(old)) + 1)  # appending after a last line without a line break
    return lines


def inserted(old: str, new: str) -> int:
    return sum(len(r) for r in changed_lines(old, new)[1]) - sum(len(r) for r in changed_lines(old, new)[0])


def renamed(mapping: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {new if k == old else k: v for k, v in mapping.items()}


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_rename(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(FILES)))
    text = FILES[name]
    model, old = data.draw(st.sampled_from(presets_of(text)))
    new = data.draw(NAMES.filter(lambda n: n not in load(text)[model]["attention_configs"]))
    edited = Document.from_text(text).rename_preset(model, old, new)
    expected = copy.deepcopy(load(text))
    section = expected[model]
    section["attention_configs"] = renamed(section["attention_configs"], old, new)
    if section["default_attention"] == old:
        section["default_attention"] = new
    assert yaml.safe_load(edited.text) == expected
    assert list(yaml.safe_load(edited.text)[model]["attention_configs"]) == list(section["attention_configs"])
    assert len(touched_old(text, edited.text)) <= 2 and inserted(text, edited.text) == 0


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_remove(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(FILES)))
    text = FILES[name]
    model, target = data.draw(st.sampled_from(presets_of(text)))
    section = load(text)[model]
    try:
        edited = Document.from_text(text).remove_preset(model, target)
    except EditError as exc:
        assert section["default_attention"] == target or len(section["attention_configs"]) == 1 or "anchor" in str(exc)
        return
    expected = copy.deepcopy(load(text))
    del expected[model]["attention_configs"][target]
    assert yaml.safe_load(edited.text) == expected
    old_lines, new_lines = changed_lines(text, edited.text)
    if "{" not in text.splitlines()[old_lines[0].start - 1]:  # block style: whole lines go, nothing is written
        assert sum(map(len, new_lines)) == 0 or not text.endswith(("\n", "\r"))
        assert len(old_lines) == 1  # one contiguous run of lines


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_duplicate_and_add(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(FILES)))
    text = FILES[name]
    model, source = data.draw(st.sampled_from(presets_of(text)))
    new = data.draw(NAMES.filter(lambda n: n not in load(text)[model]["attention_configs"]))
    copy_from = data.draw(st.sampled_from([source, None]))
    doc = Document.from_text(text)
    edited = doc.duplicate_preset(model, source, new) if copy_from else doc.add_preset(model, new)
    loaded = yaml.safe_load(edited.text)
    names = list(loaded[model]["attention_configs"])
    original = list(load(text)[model]["attention_configs"])
    if copy_from:
        assert loaded[model]["attention_configs"][new] == load(text)[model]["attention_configs"][source]
        assert names == original[: original.index(source) + 1] + [new] + original[original.index(source) + 1 :]
    else:
        assert names == [*original, new] and loaded[model]["attention_configs"][new]["type"] == "psa"
        assert not [d for d in check_text(edited.text) if d.is_error and d.preset == new]
    loaded[model]["attention_configs"].pop(new)
    assert loaded == load(text)
    line = text.splitlines()[doc.position(model, source)[0] - 1]
    if "{" not in line and ":" in line and line.rstrip().endswith(":"):  # block style: pure insertion
        assert touched_old(text, edited.text) == set()


@pytest.mark.parametrize("name", sorted(FILES))
def test_set_default_and_add_model(name: str) -> None:
    text = FILES[name]
    model, preset = presets_of(text)[-1]
    edited = Document.from_text(text).set_default(model, preset).add_model("Extra", template=model)
    loaded = yaml.safe_load(edited.text)
    assert loaded[model]["default_attention"] == preset
    assert loaded["Extra"] == loaded[model]
    assert len(touched_old(text, edited.text)) <= 1
    template = Document.from_text(text).add_model("Fresh")
    assert touched_old(text, template.text) == set()
    assert not [d for d in check_text(template.text) if d.is_error]
