"""The edit engine's errors carry exact messages and the fields callers read (line, column, names)."""

from __future__ import annotations

import pytest

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.edit import Document, DuplicateKeyError, EditError, MalformedYamlError, RefusedError

DUPLICATED = "m:\n  attention_configs:\n    p: {type: psa}\n    q: {type: dense}\n    p: {type: dense}\n    p: {}\n"


def error(line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic("c.yaml", line, column, Severity.ERROR, code, "name", message)


def test_malformed_yaml_carries_its_position() -> None:
    with pytest.raises(MalformedYamlError) as info:
        Document.from_text("a: 1\nb: [1\n").root
    assert (info.value.line, info.value.column) == (3, 1)
    assert str(info.value) == "line 3, column 1: expected ',' or ']', but got '<stream end>'"


def test_malformed_yaml_error_fields() -> None:
    made = MalformedYamlError("bad thing", 7, 12)
    assert (made.line, made.column, str(made)) == (7, 12, "line 7, column 12: bad thing")
    assert isinstance(made, EditError)


def test_a_key_written_three_times_names_every_line() -> None:
    with pytest.raises(DuplicateKeyError) as info:
        Document.from_text(DUPLICATED).set_value("m", "p", "verbose", True)
    assert info.value.name == "p" and info.value.lines == [3, 5, 6]
    assert str(info.value) == (
        "the runtime reads the last `p`, at line 6 (also written at line 3, 5); remove the duplicate first"
    )


def test_duplicate_key_error_fields() -> None:
    made = DuplicateKeyError("block_size", [10, 20])
    assert (made.name, made.lines) == ("block_size", [10, 20])
    assert str(made) == (
        "the runtime reads the last `block_size`, at line 20 (also written at line 10); remove the duplicate first"
    )


def test_refused_error_names_the_count_and_the_first_error() -> None:
    first = error(12, 9, "PSA201", "n must be a multiple of tile_n")
    made = RefusedError("dir/c.yaml", [first, error(3, 1, "PSA100", "other")])
    assert made.path == "dir/c.yaml" and made.new_errors == [first, error(3, 1, "PSA100", "other")]
    assert str(made) == (
        "refusing to write dir/c.yaml: the edit introduces 2 error(s); first: 12:9: PSA201 "
        "n must be a multiple of tile_n (use --force to write anyway)"
    )
