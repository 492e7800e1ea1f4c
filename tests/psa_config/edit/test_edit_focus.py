"""The partial compose of big files (psa_config.edit.focus) edits exactly like the whole-file compose."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edit_corpus import corpus_files, psa_presets, read
from psa_config.edit import Document, EditError, focus

FILES = {p.name: read(p) for p in corpus_files()}
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "warmup_steps": st.integers(0, 99),
    "verbose": st.booleans(),
    "enable_logging": st.booleans(),
    "block_size.n": st.sampled_from([32, 64]),
    "mask_ratios.8": st.just([0.2, 0.5]),
    "description": st.text(max_size=10),
}


def whole(text: str) -> Document:
    doc = Document.from_text(text)
    doc.root  # composed whole: the focused path is not taken  # noqa: B018
    return doc


@pytest.fixture(autouse=True)
def focus_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(focus, "FOCUS_FROM_CHARS", 0)


def test_the_focused_path_is_taken_on_plain_files() -> None:
    text = FILES["attention_config.yaml"]
    assert focus.focused_root(text, "Wan2.1_1.3b", "psa_topk") is not None
    assert focus.focused_root(FILES["anchors.yaml"], "Wan2.1_14b", "psa_base") is None  # anchors: whole file


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_focused_edits_read_like_whole_file_edits(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(FILES)), label="file")
    text = FILES[name]
    model, preset = data.draw(st.sampled_from(psa_presets(text)), label="preset")
    key = data.draw(st.sampled_from(sorted(VALUES)), label="key")
    value = data.draw(VALUES[key], label="value")
    try:
        expected = whole(text).set_value(model, preset, key, value)
    except EditError:
        with pytest.raises(EditError):
            Document.from_text(text).set_value(model, preset, key, value)
        return
    focused = Document.from_text(text).set_value(model, preset, key, value)
    assert yaml.safe_load(focused.text) == yaml.safe_load(expected.text)
    assert (focused.text == text) == (expected.text == text)
    if focused.regions:
        old_start, _, new_start, _ = focused.regions[0]
        assert old_start == new_start and focused.text[:new_start] == text[:old_start]
