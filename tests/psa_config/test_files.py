"""The one file reader: regular files only, UTF-8 only, size-bounded, one-line errors, never a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from psa_config.errors import UnreadableInputError
from psa_config.files import MAX_FILE_BYTES, read_text_file

TEXT = "M:\n  description: caf\u00e9 \u4e2d\u6587\n  a: [1, 2]\n"


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
    ],
)
def test_wide_encodings_are_named_with_the_fix(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "wide.yaml"
    path.write_bytes(TEXT.encode(encoding))
    with pytest.raises(UnreadableInputError, match=rf"wide.yaml: the file is {name} text: save it as UTF-8"):
        read_text_file(path)


@pytest.mark.parametrize("data", [b"\x00\xff", b"\x00\x01\x02abc", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"])
def test_binary_data_is_called_binary(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "b.yaml"
    path.write_bytes(data)
    with pytest.raises(UnreadableInputError, match="binary file"):
        read_text_file(path)


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(TEXT.encode("utf-8-sig"))
    assert read_text_file(path) == TEXT
    assert read_text_file(path, keep_bom=True) == "\ufeff" + TEXT


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableInputError, match=r"pipe.yaml: not a regular file \(a FIFO\)"):
        read_text_file(fifo)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_refused() -> None:
    with pytest.raises(UnreadableInputError, match=r"not a regular file \(a device\)"):
        read_text_file("/dev/null")


def test_directory_missing_and_too_large(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match="is a directory"):
        read_text_file(tmp_path)
    with pytest.raises(UnreadableInputError, match="no such file"):
        read_text_file(tmp_path / "nope.yaml")
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(UnreadableInputError, match="too large"):
        read_text_file(big)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_check_on_a_fifo_exits_2_with_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "psa_config.cli", "check", str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "FIFO" in result.stderr
