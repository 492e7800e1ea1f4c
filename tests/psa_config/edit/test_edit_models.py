"""Removing and renaming whole model sections."""

from __future__ import annotations

import pytest
import yaml

from edit_corpus import REFERENCE, read
from psa_config.edit import Document, EditError


def test_rename_model_changes_only_the_key() -> None:
    text = read(REFERENCE)
    edited = Document.from_text(text).rename_model("Wan2.1_14b", "Wan2.1_14b_v2")
    before, after = yaml.safe_load(text), yaml.safe_load(edited.text)
    assert list(after) == ["Wan2.1_14b_v2", *list(before)[1:]]
    assert after["Wan2.1_14b_v2"] == before["Wan2.1_14b"]
    assert edited.text.replace("Wan2.1_14b_v2:", "Wan2.1_14b:") == text


def test_remove_model_keeps_the_others() -> None:
    text = read(REFERENCE)
    edited = Document.from_text(text).remove_model("Wan2.2_5B")
    before, after = yaml.safe_load(text), yaml.safe_load(edited.text)
    del before["Wan2.2_5B"]
    assert after == before


def test_model_errors() -> None:
    doc = Document.from_text(read(REFERENCE))
    with pytest.raises(EditError, match="no model 'Nope'"):
        doc.remove_model("Nope")
    with pytest.raises(EditError, match="already exists"):
        doc.rename_model("Wan2.1_14b", "Wan2.2_5B")


def test_remove_model_refuses_a_used_anchor() -> None:
    text = "A:\n  x: &v {k: 1}\nB:\n  y: *v\n"
    with pytest.raises(EditError, match="anchor &v"):
        Document.from_text(text).remove_model("A")
    assert yaml.safe_load(Document.from_text(text).remove_model("B").text) == {"A": {"x": {"k": 1}}}
