"""Round trips over the reference file and the styled corpus: no-op saves are byte-identical,
every single edit changes only the lines it must, and the edited text loads to the intended values."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from edit_corpus import corpus_files, load, psa_presets, read
from psa_config.edit import Document, SharedValueError, save
from psa_config.edit.diff import changed_lines
from psa_config.edit.locate import count_breaks

FILES = {p.name: read(p) for p in corpus_files()}
RATIO = st.floats(0.0, 1.0, allow_nan=False).map(lambda x: round(x, 4))
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "block_size.n": st.sampled_from([32, 64, 128]),
    "block_size.m": st.sampled_from([16, 32, 64, 128, 256]),
    "block_size.tile_n": st.sampled_from([16, 32, 64]),
    "use_sim_mask": st.booleans(),
    "use_rearrange": st.booleans(),
    "verbose": st.booleans(),
    "enable_logging": st.booleans(),
    "mask_mode": st.sampled_from(["topk", "thresholdbound"]),
    "attn_impl": st.sampled_from(["new_mask_type", "old_mask_type"]),
    "warmup_steps": st.integers(0, 10**6),
    "description": st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40),
    "log_dir": st.sampled_from(["./logs/", "yes", "1e-3", "0755", "null", "a: b", "# x", "~", "x #y", "'q'"]),
    "sim_thresholds.x2": st.floats(-1.0, 1.0, allow_nan=False),
    "tile_size": st.lists(st.integers(1, 64), min_size=3, max_size=3),
    **{f"mask_ratios.{level}": st.tuples(RATIO, RATIO).map(sorted) for level in (1, 2, 4, 8, 0)},
}


def path_of(model: str, preset: str, key: str) -> list[Any]:
    parts: list[Any] = [model, "attention_configs", preset, *key.split(".")]
    if parts[3] == "mask_ratios" and len(parts) == 5:
        parts[4] = int(parts[4])
    return parts


def put(data: Any, path: list[Any], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def get(data: Any, path: list[Any]) -> Any:
    for part in path:
        data = data[part]
    return data


def _has(data: Any, path: list[Any]) -> bool:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def allowed_old_lines(text: str, path: list[Any]) -> set[int] | None:
    """Lines an edit of ``path`` may touch: the existing value's lines, a flow container's lines,
    nothing for an insertion into a block mapping. ``None``: the path goes through a merge."""
    node: Node = YAML(typ="rt").compose(text)
    for depth, part in enumerate(path):
        assert isinstance(node, MappingNode)
        pairs = {str(k.value): (k, v) for k, v in node.value}
        if str(part) not in pairs:
            if "<<" in pairs:
                return None
            return set(_lines(node)) if node.flow_style else set()
        key, node = pairs[str(part)]
    return set(range(key.start_mark.line + 1, max(_lines(node)) + 1)) | set(_lines(node))


def _lines(node: Node) -> list[int]:
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        return list(range(node.start_mark.line + 1, node.end_mark.line + 2))
    found = [node.start_mark.line + 1]
    for item in node.value:
        for child in item if isinstance(item, tuple) else (item,):
            found += _lines(child)
    return found


@pytest.mark.parametrize("name", FILES)
def test_noop_document_is_identical(name: str) -> None:
    assert Document.from_text(FILES[name], name).text == FILES[name]


def test_noop_save_is_byte_identical(corpus_path: Path, tmp_path: Path) -> None:
    target = tmp_path / corpus_path.name
    target.write_bytes(corpus_path.read_bytes())
    result = save(Document.from_text(read(target), str(target)), target, original_text=read(target))
    assert not result.written
    assert target.read_bytes() == corpus_path.read_bytes()


@pytest.mark.parametrize("name", FILES)
def test_setting_current_values_changes_nothing(name: str) -> None:
    text = FILES[name]
    doc = Document.from_text(text, name)
    for model, preset in psa_presets(text):
        data = get(load(text), [model, "attention_configs", preset])
        for key in ("block_size.n", "mask_mode", "use_sim_mask", "description"):
            parts = key.split(".")
            if parts[0] in data:
                try:
                    doc = doc.set_value(model, preset, key, get(data, parts))
                except SharedValueError:
                    continue
    assert doc.text == text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_single_edit_touches_only_its_lines_and_loads_as_intended(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(FILES)), label="file")
    text = FILES[name]
    model, preset = data.draw(st.sampled_from(psa_presets(text)), label="preset")
    key = data.draw(st.sampled_from(sorted(FIELDS)), label="key")
    value = data.draw(FIELDS[key], label="value")
    path = path_of(model, preset, key)
    allowed = allowed_old_lines(text, path)
    try:
        edited = Document.from_text(text, name).set_value(model, preset, key, value)
    except SharedValueError as exc:
        assert "anchor" in str(exc) or "merge" in str(exc)
        assert name == "anchors.yaml"
        return
    expected = copy.deepcopy(load(text))
    put(expected, path, value)
    loaded = yaml.safe_load(edited.text)
    assert get(loaded, path) == value
    assert get(YAML(typ="safe", pure=True).load(edited.text), path) == value
    if not edited.notes:  # an anchor's definition was edited: its users changed too, on purpose
        assert loaded == expected
    old_changed, new_changed = changed_lines(text, edited.text)
    touched = {line for r in old_changed for line in r}
    if allowed is not None and not text.endswith(("\n", "\r")):
        allowed.add(count_breaks(text, 0, len(text)) + 1)  # appending after a last line without a line break
    if allowed is not None:
        assert touched <= allowed, (touched, allowed)
    multiline_string = allowed is not None and len(allowed) > 1 and isinstance(get(load(text), path) if _has(load(text), path) else None, str)
    if touched and _has(load(text), path) and not multiline_string:  # a block scalar may become one line
        assert sum(map(len, new_changed)) == sum(map(len, old_changed))  # replaced in place, line count kept


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_edit_sequences_keep_other_values(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(n for n in FILES if n != "anchors.yaml")), label="file")
    text = FILES[name]
    doc = Document.from_text(text, name)
    expected = copy.deepcopy(load(text))
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        model, preset = data.draw(st.sampled_from(psa_presets(text)))
        key = data.draw(st.sampled_from(sorted(FIELDS)))
        value = data.draw(FIELDS[key])
        doc = doc.set_value(model, preset, key, value)
        put(expected, path_of(model, preset, key), value)
    assert yaml.safe_load(doc.text) == expected
    assert break_kinds(doc.text) <= break_kinds(text)  # no line break the file does not use
    assert doc.text.endswith(("\n", "\r")) == text.endswith(("\n", "\r"))


def break_kinds(text: str) -> set[str]:
    return set(re.findall(r"\r\n|\r|\n", text))
