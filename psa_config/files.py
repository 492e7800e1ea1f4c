"""Reading input files safely: bounded size, text only, clear errors."""

from __future__ import annotations

import os
from pathlib import Path

from psa_config.errors import UnreadableInputError

MAX_FILE_BYTES = 8 * 1024 * 1024


def read_text_file(path: str | Path, *, limit: int = MAX_FILE_BYTES, keep_bom: bool = False) -> str:
    """The file's text (UTF-8); a one-line ``UnreadableInputError`` otherwise.

    Line endings are kept as stored. A byte-order mark is dropped unless
    ``keep_bom`` (editors keep it, so that a save writes it back).
    """
    data = _read_bytes(Path(path), limit)
    return decode_text(data, str(path), keep_bom=keep_bom)


def decode_text(data: bytes, name: str, *, keep_bom: bool = False) -> str:
    if b"\x00" in data:
        raise UnreadableInputError(f"{name}: binary file (contains NUL bytes), not YAML")
    try:
        text = data.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableInputError(
            f"{name}:{line}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    return text


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = os.stat(path).st_size
        if path.is_dir():
            raise UnreadableInputError(f"{path}: is a directory")
        if size > limit:
            raise UnreadableInputError(
                f"{path}: file too large ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB)"
            )
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise UnreadableInputError(f"{path}: no such file") from None
    except PermissionError:
        raise UnreadableInputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise UnreadableInputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise UnreadableInputError(f"{path}: file too large (the limit is {limit / 1e6:.0f} MB)")
    return data
