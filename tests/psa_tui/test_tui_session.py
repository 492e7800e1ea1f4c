"""The session: text history, dirty flag, the file on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from psa_config.errors import UnreadableInputError
from psa_config.checker import check_document_text
from psa_tui.session import Session, readable_mapping


def test_open_reads_structure(config_path: Path) -> None:
    session = Session.open(config_path)
    assert "Wan2.1_1.3b" in session.models()
    assert session.default_preset("Wan2.1_1.3b") == "psa_balanced"
    assert "psa_topk" in session.presets("Wan2.1_1.3b")
    assert session.preset("Wan2.1_1.3b", "psa_topk")["block_size"]["n"] == 32
    assert not session.dirty


def test_undo_redo_are_text_stacks(config_path: Path) -> None:
    session = Session.open(config_path)
    first = session.text
    second = first.replace("warmup_steps: 15", "warmup_steps: 16", 1)
    third = second.replace("verbose: true", "verbose: false", 1)
    assert session.replace(second) and session.replace(third)
    assert not session.replace(third)
    assert session.dirty and session.undo() and session.text == second
    assert session.undo() and session.text == first and not session.dirty
    assert not session.undo()
    assert session.redo() and session.redo() and session.text == third
    assert not session.redo()
    session.undo()
    session.replace(first)
    assert not session.can_redo


def test_refresh_keeps_last_readable_data(config_path: Path) -> None:
    session = Session.open(config_path)
    session.replace(session.text + "\n  bad: [unclosed\n")
    assert session.models()
    assert any(d.is_error for d in session.diagnostics)


def test_diagnostics_follow_the_text(config_path: Path) -> None:
    session = Session.open(config_path)
    before = len(session.diagnostics_for("Wan2.1_14b", "psa_balanced"))
    session.replace(session.text.replace("attn_impl: new_mask_type", "attn_impl: newer_mask_type", 1))
    after = session.diagnostics_for("Wan2.1_14b", "psa_balanced")
    assert len(after) > before and any(d.is_error for d in after)


def test_changed_on_disk_and_reload(config_path: Path) -> None:
    session = Session.open(config_path)
    session.replace(session.text.replace("warmup_steps: 15", "warmup_steps: 3", 1))
    assert not session.changed_on_disk()
    config_path.write_text(config_path.read_text() + "# touched\n")
    os.utime(config_path, ns=(1, 1))
    assert session.changed_on_disk()
    session.reload()
    assert session.text.endswith("# touched\n") and not session.dirty and not session.can_undo


def test_crlf_is_read_as_is(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(b"M:\r\n  text_length: 0\r\n")
    assert Session.open(path).text == "M:\r\n  text_length: 0\r\n"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.yaml", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: (p / "bin.yaml").write_bytes(b"a: \xff\x41\n") and p / "bin.yaml", "not UTF-8"),
        (lambda p: (p / "wide.yaml").write_bytes(b"\xff\xfea\x00") and p / "wide.yaml", "UTF-16"),
    ],
)
def test_unreadable_input_is_a_clear_error(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableInputError, match=message):
        Session.open(make(tmp_path))


def test_readable_mapping_is_the_checkers_reading() -> None:
    def mapping(text: str) -> dict | None:  # type: ignore[type-arg]
        return readable_mapping(check_document_text(text, "x.yaml")[0])

    assert mapping("a: 1") == {"a": 1}
    assert mapping("a: &x 2\nb: *x\n") == {"a": 2, "b": 2}
    assert mapping("") == {} and mapping("# only a comment\n") == {}
    assert mapping("---\n") == {} and mapping("~\n") == {} and mapping("null\n") == {}
    assert mapping("- 1") is None
    assert mapping("a: [") is None
    assert mapping("a: !!python/tuple [1]") is None  # the runtime's safe_load refuses it
