"""The read-only text of a dense preset: its two fields, and the psa keys the runtime ignores there."""

from __future__ import annotations

from psa_tui.summary import dense_lines


def test_a_plain_dense_preset_shows_its_fields_only() -> None:
    assert dense_lines({"type": "dense", "description": "Base"}) == [
        "type         dense", "description  Base", "", "A dense preset is full attention: it has no other fields.",
    ]


def test_psa_keys_of_a_dense_preset_are_named_as_ignored() -> None:
    lines = dense_lines({"type": "dense", "mask_mode": "topk", "descripton": "typo", "block_size": {"m": 64}})
    assert lines[4:] == [
        "",
        "[yellow]It still carries psa keys the runtime ignores (PSA411): mask_mode, block_size.[/]",
        "[dim]They are kept in the file; write `type: psa` to run them.[/]",
    ]
