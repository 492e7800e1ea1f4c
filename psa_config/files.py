"""Reading input files safely: regular files only, bounded size, UTF-8 text, one-line errors.

The one file reader of check, the editor and the TUI. A FIFO, a device or a
socket is refused before it is read (opened non-blocking and checked with
``fstat``, so nothing hangs and nothing swaps the file in between); UTF-16 and
UTF-32 text (with or without a byte-order mark) is named as such, since the
runtime opens the file as UTF-8.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from psa_config.errors import UnreadableInputError

MAX_FILE_BYTES = 16 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_WIDE_PROBE_BYTES = 4096


def read_text_file(path: str | Path, *, limit: int = MAX_FILE_BYTES, keep_bom: bool = False) -> str:
    """The file's text (UTF-8); a one-line ``UnreadableInputError`` otherwise.

    Line endings are kept as stored. A byte-order mark is dropped unless
    ``keep_bom`` (editors keep it, so that a save writes it back).
    """
    data = _read_bytes(Path(path), limit)
    return decode_text(data, str(path), keep_bom=keep_bom)


def decode_text(data: bytes, name: str, *, keep_bom: bool = False) -> str:
    """``data`` as UTF-8 text; ``UnreadableInputError`` naming UTF-16/32, binary or the bad byte."""
    wide = wide_encoding(data)
    if wide is not None:
        raise UnreadableInputError(f"{name}: the file is {wide} text: save it as UTF-8 (the runtime reads UTF-8)")
    if b"\x00" in data:
        raise UnreadableInputError(f"{name}: binary file (contains NUL bytes), not YAML")
    try:
        return data.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableInputError(
            f"{name}:{line}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` is text in that encoding (BOM, or the NUL pattern of text)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for name, codec in (("UTF-32", "utf-32-le"), ("UTF-32", "utf-32-be"), ("UTF-16", "utf-16-le"), ("UTF-16", "utf-16-be")):
        if _decodes_as_text(data[:_WIDE_PROBE_BYTES], codec):
            return name
    return None


def _decodes_as_text(probe: bytes, codec: str) -> bool:
    """True when ``probe`` has NUL bytes and decodes with ``codec`` to printable, mostly ASCII text (YAML's keys)."""
    if b"\x00" not in probe:
        return False
    try:
        text = codecs.getincrementaldecoder(codec)().decode(probe, final=False)  # a cut last character waits
    except UnicodeDecodeError:
        return False
    if "\x00" in text or not all(char.isprintable() or char in "\t\n\r" for char in text):
        return False
    return bool(text) and 2 * sum(char < "\x80" for char in text) >= len(text)


def _read_bytes(path: Path, limit: int) -> bytes:
    descriptor = _open(path)
    try:
        _require_regular_file(path, os.fstat(descriptor), limit)
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise UnreadableInputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise UnreadableInputError(f"{path}: file too large (the limit is {limit / 1e6:.0f} MB)")
    return data


def _open(path: Path) -> int:
    """A descriptor opened without blocking (a FIFO without a writer would wait forever)."""
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnreadableInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableInputError(f"{path}: is a directory") from None
    except PermissionError:
        raise UnreadableInputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise UnreadableInputError(f"{path}: cannot open ({exc.strerror or exc})") from None


def _require_regular_file(path: Path, status: os.stat_result, limit: int) -> None:
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        raise UnreadableInputError(f"{path}: is a directory")
    if not stat.S_ISREG(mode):
        raise UnreadableInputError(f"{path}: not a regular file ({_kind(mode)}); give the path of a YAML file")
    if status.st_size > limit:
        raise UnreadableInputError(f"{path}: file too large ({status.st_size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB)")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"
