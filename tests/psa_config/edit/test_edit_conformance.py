"""Edits on the conformance suite's files (tests/data/conformance, copied from shared/conformance):
hostile and odd presets. Each edit either is refused with an EditError or loads, under the
runtime's reader, to exactly the intended values, having changed only lines of its preset."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psa_config.edit import Document, EditError, locate
from psa_config.edit.diff import changed_lines
from psa_config.edit.operations import preset_entry

SUITE = Path(__file__).resolve().parents[2] / "data" / "conformance"


def cases() -> list[tuple[str, str, str, str]]:
    """(file name, text, model, preset) for every case whose preset is a mapping the runtime reads."""
    found = []
    for case in json.loads((SUITE / "manifest.json").read_text()):
        text = (SUITE / "cases" / case["file"]).read_bytes().decode("utf-8", "replace")
        try:
            data = yaml.safe_load(text)
            preset = data[case["model"]]["attention_configs"][case["preset"]]
        except Exception:  # noqa: BLE001 - cases the runtime cannot read are the checker's business
            continue
        if isinstance(preset, dict):
            found.append((case["file"], text, case["model"], case["preset"]))
    return found


CASES = cases()
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "warmup_steps": st.integers(0, 50),
    "verbose": st.booleans(),
    "description": st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=15),
    "block_size.n": st.sampled_from([32, 64, 128]),
    "mask_ratios.8": st.tuples(st.floats(0, 1).map(lambda x: round(x, 2)), st.just(1.0)).map(list),
    "tile_size": st.lists(st.integers(1, 8), min_size=3, max_size=3),
}


def test_the_suite_is_here() -> None:
    assert len(CASES) > 40


@pytest.mark.parametrize("name,text", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_no_op_is_identical(name: str, text: str) -> None:
    assert Document.from_text(text, name).text == text


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_edit_is_exact_or_refused(data: st.DataObject) -> None:
    name, text, model, preset = data.draw(st.sampled_from(CASES), label="case")
    key = data.draw(st.sampled_from(sorted(VALUES)), label="key")
    value = data.draw(VALUES[key], label="value")
    doc = Document.from_text(text, name)
    try:
        edited = doc.set_value(model, preset, key, value)
    except EditError:
        return  # duplicated keys, shared values, a non-mapping in the way: refused with a message
    expected = copy.deepcopy(yaml.safe_load(text))
    target = expected[model]["attention_configs"][preset]
    parts: list[Any] = key.split(".")
    if parts[0] == "mask_ratios":
        parts[1] = int(parts[1])
    for part in parts[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}  # a null or a scalar in the way becomes the mapping
        target = target[part]
    target[parts[-1]] = value
    loaded = yaml.safe_load(edited.text)
    if edited.notes:  # an anchor's definition was edited on purpose: its other users changed too
        assert yaml.safe_load(edited.text)[model]["attention_configs"][preset] == expected[model]["attention_configs"][preset]
        return
    assert loaded == expected
    entry = preset_entry(doc._ctx, model, preset)
    first = locate.line_of(text, locate.line_start(text, entry.key.start_mark.index))
    last = locate.line_of(text, locate.entry_end(text, entry)) + 1
    touched = {line for r in changed_lines(text, edited.text)[0] for line in r}
    assert touched <= set(range(first, last + 1)), (touched, first, last)
